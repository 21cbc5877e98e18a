/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * core/spool - append-only, CRC-framed segment files that outlive the daemon
 *
 * Consumes serialized batches from sink.c and gives them back in order. The
 * record format is in spool.h. Writes are one pwritev(2) per batch at the
 * end of the current segment; a short write is cut off again, so a record
 * is either whole or absent unless the machine dies mid-write, which leaves
 * a torn tail that the next open truncates (and counts). Durability: without
 * spool_fsync a record is in the page cache when append returns, which
 * survives the daemon being killed but not a power loss; segments are
 * fdatasync'ed when they stop taking appends and at close. With spool_fsync
 * every append is fdatasync'ed before it returns.
 *
 * Reading marks a record done with a one-byte pwrite after the sink wrote
 * it; a segment whose records are all done is deleted. A crash between the
 * sink's commit and that pwrite replays one batch twice: delivery is at
 * least once. Single-threaded by contract (see spool.h).
 *
 * Batches are compressed with zstd (level 1 by default) before they are
 * framed: log rows repeat themselves, and a spool 10-30 times smaller is a
 * burst 10-30 times longer within spool_max. The CRC covers the compressed
 * bytes, so damage is found before decompression; decompression errors are
 * reported as damage too (-EBADMSG), never trusted.
 */
#include "nfp.h"

#include <dirent.h>
#include <endian.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <zstd.h>

#include "spool.h"

#define SEG_MIN	    (4u << 10)	/* smallest segment before rotation */
#define SEG_MAX	    (64u << 20) /* largest, but for one huge record */
#define SEG_SUFFIX  ".seg"	/* plain records only (first format) */
#define ZSEG_SUFFIX ".zseg"	/* may hold compressed records */

/* ---- CRC-32, slice-by-8 ------------------------------------------------- */

static uint32_t crc_tab[8][256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void)
{
	uint32_t c;
	unsigned int i, k;

	for (i = 0; i < 256; i++) {
		c = i;
		for (k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
		crc_tab[0][i] = c;
	}
	for (i = 0; i < 256; i++)
		for (k = 1; k < 8; k++)
			crc_tab[k][i] = (crc_tab[k - 1][i] >> 8) ^
					crc_tab[0][crc_tab[k - 1][i] & 0xff];
}

uint32_t nfp_crc32(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	pthread_once(&crc_once, crc_init);
	crc = ~crc;
	while (len && ((uintptr_t)p & 7)) {
		crc = crc_tab[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
		len--;
	}
	while (len >= 8) {
		uint32_t a, b;

		memcpy(&a, p, 4);
		memcpy(&b, p + 4, 4);
		a = le32toh(a) ^ crc;
		b = le32toh(b);
		crc = crc_tab[7][a & 0xff] ^ crc_tab[6][(a >> 8) & 0xff] ^
		      crc_tab[5][(a >> 16) & 0xff] ^ crc_tab[4][a >> 24] ^
		      crc_tab[3][b & 0xff] ^ crc_tab[2][(b >> 8) & 0xff] ^
		      crc_tab[1][(b >> 16) & 0xff] ^ crc_tab[0][b >> 24];
		p += 8;
		len -= 8;
	}
	while (len--)
		crc = crc_tab[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* ---- framing ------------------------------------------------------------ */

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

void nfp_spool_frame(uint8_t *hdr, uint64_t seq, uint32_t rows,
		     const void *payload, uint32_t len)
{
	put32(hdr, NFP_SPOOL_MAGIC);
	put32(hdr + 4, len);
	put64(hdr + 8, seq);
	put32(hdr + 16, rows);
	put32(hdr + 20, nfp_crc32(0, payload, len));
	put32(hdr + 24, nfp_crc32(0, hdr, 24));
	hdr[28] = NFP_SPOOL_PENDING;
	hdr[29] = hdr[30] = hdr[31] = 0;
}

void nfp_spool_frame_z(uint8_t *hdr, uint64_t seq, uint32_t rows,
		       const void *payload, uint32_t len)
{
	nfp_spool_frame(hdr, seq, rows, payload, len);
	put32(hdr, NFP_SPOOL_MAGIC_Z);
	put32(hdr + 24, nfp_crc32(0, hdr, 24));
}

/* A header whose CRC holds: its length and sequence number can be trusted. */
static bool hdr_ok(const uint8_t *h)
{
	uint32_t m = get32(h);

	return (m == NFP_SPOOL_MAGIC || m == NFP_SPOOL_MAGIC_Z) &&
	       get32(h + 4) <= NFP_SPOOL_REC_MAX &&
	       nfp_crc32(0, h, 24) == get32(h + 24);
}

/* Offset of the next possible header after @from, or @len. */
static size_t resync(const uint8_t *buf, size_t len, size_t from)
{
	const uint8_t *p;

	while (from < len) {
		p = memchr(buf + from, 'N', len - from);
		if (!p)
			return len;
		from = (size_t)(p - buf);
		if (len - from >= NFP_SPOOL_HDR && hdr_ok(p))
			return from;
		from++;
	}
	return len;
}

void nfp_spool_scan(const uint8_t *buf, size_t len, nfp_spool_rec_cb cb,
		    void *arg, struct nfp_spool_scan *res)
{
	size_t off = 0, next;

	memset(res, 0, sizeof(*res));
	while (off < len) {
		struct nfp_spool_rec r;
		const uint8_t *h = buf + off;

		if (len - off < NFP_SPOOL_HDR || !hdr_ok(h)) {
			next = resync(buf, len, off + 1);
			if (next >= len)
				break;
			res->gaps++;
			res->gap_bytes += next - off;
			off = next;
			continue;
		}
		r.len = get32(h + 4);
		if (r.len > len - off - NFP_SPOOL_HDR) {
			/* A whole header announcing more than there is. */
			res->torn_hdr = true;
			res->torn_rows = get32(h + 16);
			break;
		}
		r.off = off;
		r.seq = get64(h + 8);
		r.rows = get32(h + 16);
		r.done = h[28] == NFP_SPOOL_DONE;
		r.packed = get32(h) == NFP_SPOOL_MAGIC_Z;
		r.payload = h + NFP_SPOOL_HDR;
		/* Done records are never read again: skip their CRC. */
		r.bad_payload = !r.done &&
				nfp_crc32(0, r.payload, r.len) != get32(h + 20);
		res->records++;
		if (r.seq > res->max_seq)
			res->max_seq = r.seq;
		if (r.bad_payload) {
			res->bad_records++;
			res->bad_rows += r.rows;
		} else if (!r.done) {
			res->pending++;
			res->pending_rows += r.rows;
		}
		if (cb)
			cb(&r, arg);
		off += NFP_SPOOL_HDR + r.len;
		res->good_end = off;
	}
	res->torn = res->good_end < len;
}

/* ---- compression -------------------------------------------------------- */

uint32_t nfp_spool_raw_len(const uint8_t *payload, uint32_t len)
{
	uint32_t raw;

	if (len < NFP_SPOOL_ZHDR || payload[0] != NFP_SPOOL_ZSTD)
		return 0;
	raw = get32(payload + 4);
	return raw <= NFP_SPOOL_REC_MAX ? raw : 0;
}

int nfp_spool_unpack(const uint8_t *payload, uint32_t len, uint8_t *out,
		     uint32_t cap)
{
	uint32_t raw = nfp_spool_raw_len(payload, len);
	size_t n;

	if (!raw || raw > cap || payload[1] || payload[2] || payload[3])
		return -EBADMSG;
	n = ZSTD_decompress(out, raw, payload + NFP_SPOOL_ZHDR,
			    len - NFP_SPOOL_ZHDR);
	if (ZSTD_isError(n) || n != raw)
		return -EBADMSG;
	return 0;
}

size_t nfp_spool_pack_bound(size_t len)
{
	return NFP_SPOOL_ZHDR + ZSTD_compressBound(len);
}

/* Level @level, and the frame's own checksum: damage behind a good CRC. */
static bool pack_params(ZSTD_CCtx *cc, int level)
{
	return !ZSTD_isError(ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel,
						    level)) &&
	       !ZSTD_isError(
		       ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1));
}

size_t nfp_spool_pack(void *cctx, int level, const void *data, uint32_t len,
		      uint8_t *out, size_t cap)
{
	ZSTD_CCtx *cc = cctx ? cctx : ZSTD_createCCtx();
	size_t n = 0;

	if (cc && cap > NFP_SPOOL_ZHDR && pack_params(cc, level))
		n = ZSTD_compress2(cc, out + NFP_SPOOL_ZHDR,
				   cap - NFP_SPOOL_ZHDR, data, len);
	if (!cctx)
		ZSTD_freeCCtx(cc);
	if (!n || ZSTD_isError(n) || NFP_SPOOL_ZHDR + n >= len)
		return 0;
	out[0] = NFP_SPOOL_ZSTD;
	out[1] = out[2] = out[3] = 0;
	put32(out + 4, len);
	return NFP_SPOOL_ZHDR + n;
}

/* ---- segments ----------------------------------------------------------- */

struct nfp_spool_seg {
	struct nfp_spool_seg *next; /* replay order */
	char name[32];		    /* file name in the spool directory */
	int fd;			    /* O_RDWR */
	uint64_t first_seq;	    /* first pending record's seq: order */
	uint64_t size;		    /* bytes of valid records */
	uint64_t rd_off;	    /* where the reader looks next */
	uint64_t pending;	    /* records not done */
	uint64_t pending_rows;	    /* rows in them */
	bool busy;		    /* a record of it is with the reader */
};

struct nfp_spool {
	int dirfd;		      /* the spool directory */
	int lockfd;		      /* flock'ed "lock" file */
	struct nfp_spool_seg *segs;   /* replay order */
	struct nfp_spool_seg *wr;     /* taking appends, or NULL */
	struct nfp_spool_seg *old_wr; /* taking leftovers at stop, or NULL */
	uint64_t bytes;		      /* sum of segment sizes */
	uint64_t max_bytes;	      /* spool_max */
	uint64_t seg_max;	      /* rotate past this size */
	bool sync;		      /* fdatasync every append */
	int zlevel;		      /* zstd level; 0: write plain */
	ZSTD_CCtx *cctx;	      /* reused by every append */
	uint8_t *zbuf;		      /* compressed payload being written */
	size_t zcap;		      /* bytes allocated for it */
};

static void seg_name(char *buf, size_t len, uint64_t seq, bool z)
{
	snprintf(buf, len, "%020" PRIu64 "%s", seq,
		 z ? ZSEG_SUFFIX : SEG_SUFFIX);
}

/* Unlink @seg from the list and the disk, and free it. */
static void seg_remove(struct nfp_spool *sp, struct nfp_spool_seg *seg)
{
	struct nfp_spool_seg **pp;

	for (pp = &sp->segs; *pp; pp = &(*pp)->next) {
		if (*pp == seg) {
			*pp = seg->next;
			break;
		}
	}
	if (sp->wr == seg)
		sp->wr = NULL;
	if (sp->old_wr == seg)
		sp->old_wr = NULL;
	unlinkat(sp->dirfd, seg->name, 0);
	close(seg->fd);
	sp->bytes -= seg->size;
	free(seg);
}

static int mkdir_p(const char *path)
{
	char *p, *s = strdup(path);
	int ret = 0;

	if (!s)
		return -ENOMEM;
	for (p = s + 1;; p++) {
		if (*p && *p != '/')
			continue;
		{
			char c = *p;

			*p = '\0';
			if (mkdir(s, 0750) < 0 && errno != EEXIST) {
				ret = -errno;
				break;
			}
			*p = c;
		}
		if (!*p)
			break;
	}
	free(s);
	return ret;
}

/* Collects what sinks need from the scan of one segment. */
struct load_ctx {
	bool have_first;    /* first pending record found */
	uint64_t first_off; /* its offset */
	uint64_t first_seq; /* its seq */
	uint64_t *bad;	    /* offsets of damaged pending records */
	size_t nbad;	    /* entries in bad */
	size_t capbad;	    /* allocated */
	bool nomem;	    /* bad[] could not grow */
};

static void load_cb(const struct nfp_spool_rec *r, void *arg)
{
	struct load_ctx *lc = arg;

	if (r->done)
		return;
	if (r->bad_payload) {
		if (lc->nbad == lc->capbad) {
			size_t cap = lc->capbad ? lc->capbad * 2 : 16;
			uint64_t *n = realloc(lc->bad, cap * sizeof(*n));

			if (!n) {
				lc->nomem = true;
				return;
			}
			lc->bad = n;
			lc->capbad = cap;
		}
		lc->bad[lc->nbad++] = r->off;
		return;
	}
	if (!lc->have_first) {
		lc->have_first = true;
		lc->first_off = r->off;
		lc->first_seq = r->seq;
	}
}

/* Copy the intact pending records of @map into a fresh file named @name. */
static int rewrite_seg(struct nfp_spool *sp, const char *name,
		       const uint8_t *map, size_t len, uint64_t *size)
{
	char tmp[48];
	size_t off = 0, next;
	uint64_t out = 0;
	int fd, ret = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp", name);
	fd = openat(sp->dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		    0640);
	if (fd < 0)
		return -errno;
	/* The same walk as nfp_spool_scan(), writing what it keeps. */
	while (off < len) {
		const uint8_t *h = map + off;
		uint32_t plen;

		if (len - off < NFP_SPOOL_HDR || !hdr_ok(h)) {
			next = resync(map, len, off + 1);
			if (next >= len)
				break;
			off = next;
			continue;
		}
		plen = get32(h + 4);
		if (plen > len - off - NFP_SPOOL_HDR)
			break;
		if (h[28] != NFP_SPOOL_DONE &&
		    nfp_crc32(0, h + NFP_SPOOL_HDR, plen) == get32(h + 20)) {
			size_t n = NFP_SPOOL_HDR + plen;

			if (write(fd, h, n) != (ssize_t)n) {
				ret = -EIO;
				break;
			}
			out += n;
		}
		off += NFP_SPOOL_HDR + plen;
	}
	if (!ret && fdatasync(fd) < 0)
		ret = -errno;
	close(fd);
	if (!ret && renameat(sp->dirfd, tmp, sp->dirfd, name) < 0)
		ret = -errno;
	if (ret) {
		unlinkat(sp->dirfd, tmp, 0);
		return ret;
	}
	*size = out;
	return 0;
}

/* Scan one segment file; keep it as a segment if it has pending records. */
static int load_seg(struct nfp_spool *sp, const char *name,
		    struct nfp_spool_info *info)
{
	struct load_ctx lc = { 0 };
	struct nfp_spool_scan res;
	struct nfp_spool_seg *seg;
	uint64_t size;
	struct stat st;
	void *map;
	size_t i;
	int fd, ret = 0;

	fd = openat(sp->dirfd, name, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		goto out_close;
	}
	if (st.st_size == 0) {
		unlinkat(sp->dirfd, name, 0);
		goto out_close;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		ret = -errno;
		goto out_close;
	}
	nfp_spool_scan(map, (size_t)st.st_size, load_cb, &lc, &res);
	size = res.good_end;
	if (res.max_seq >= info->next_seq)
		info->next_seq = res.max_seq + 1;
	info->bad_records += res.bad_records;
	info->lost_rows += res.bad_rows;
	info->gap_bytes += res.gap_bytes;
	if (res.torn) {
		info->torn++;
		if (res.torn_hdr)
			info->lost_rows += res.torn_rows;
	}
	if (res.gaps && res.pending) {
		/* Readers walk headers in order: take the damage out. */
		ret = rewrite_seg(sp, name, map, (size_t)st.st_size, &size);
		munmap(map, (size_t)st.st_size);
		close(fd);
		if (ret)
			goto out_free;
		fd = openat(sp->dirfd, name, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			ret = -errno;
			goto out_free;
		}
		lc.have_first = res.pending > 0;
		lc.first_off = 0;
		lc.nbad = 0;
	} else {
		munmap(map, (size_t)st.st_size);
		if (res.torn && ftruncate(fd, (off_t)size) < 0) {
			ret = -errno;
			goto out_close;
		}
		/* Damaged payloads are counted now, never read again. */
		for (i = 0; i < lc.nbad; i++) {
			uint8_t d = NFP_SPOOL_DONE;

			if (pwrite(fd, &d, 1, (off_t)(lc.bad[i] + 28)) != 1) {
				ret = -errno;
				goto out_close;
			}
		}
	}
	if (!res.pending || !lc.have_first) {
		unlinkat(sp->dirfd, name, 0);
		goto out_close;
	}
	seg = calloc(1, sizeof(*seg));
	if (!seg) {
		ret = -ENOMEM;
		goto out_close;
	}
	snprintf(seg->name, sizeof(seg->name), "%s", name);
	seg->fd = fd;
	seg->first_seq = lc.first_seq;
	seg->size = size;
	seg->rd_off = lc.first_off;
	seg->pending = res.pending;
	seg->pending_rows = res.pending_rows;
	seg->next = sp->segs;
	sp->segs = seg;
	sp->bytes += size;
	info->segments++;
	info->pending += res.pending;
	info->pending_rows += res.pending_rows;
	free(lc.bad);
	return 0;
out_close:
	close(fd);
out_free:
	free(lc.bad);
	return ret;
}

static int seg_cmp(const void *a, const void *b)
{
	const struct nfp_spool_seg *x = *(struct nfp_spool_seg *const *)a;
	const struct nfp_spool_seg *y = *(struct nfp_spool_seg *const *)b;

	return x->first_seq < y->first_seq ? -1 : x->first_seq > y->first_seq;
}

/* Replay order is the order of first pending sequence numbers. */
static int sort_segs(struct nfp_spool *sp)
{
	struct nfp_spool_seg *s, **v;
	size_t n = 0, i;

	for (s = sp->segs; s; s = s->next)
		n++;
	if (n < 2)
		return 0;
	v = calloc(n, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0, s = sp->segs; s; s = s->next)
		v[i++] = s;
	qsort(v, n, sizeof(*v), seg_cmp);
	for (i = 0; i + 1 < n; i++)
		v[i]->next = v[i + 1];
	v[n - 1]->next = NULL;
	sp->segs = v[0];
	free(v);
	return 0;
}

static bool is_seg_name(const char *n)
{
	size_t len = strlen(n), i;

	if (len < 20 ||
	    (strcmp(n + 20, SEG_SUFFIX) && strcmp(n + 20, ZSEG_SUFFIX)))
		return false;
	for (i = 0; i < 20; i++)
		if (n[i] < '0' || n[i] > '9')
			return false;
	return true;
}

int nfp_spool_open(const char *dir, uint64_t max_bytes, bool sync,
		   struct nfp_spool **out, struct nfp_spool_info *info)
{
	struct nfp_spool *sp;
	struct dirent *de;
	DIR *d;
	int ret, fd;

	memset(info, 0, sizeof(*info));
	info->next_seq = 1;
	*out = NULL;
	ret = mkdir_p(dir);
	if (ret)
		return ret;
	sp = calloc(1, sizeof(*sp));
	if (!sp)
		return -ENOMEM;
	sp->lockfd = -1;
	sp->max_bytes = max_bytes;
	sp->sync = sync;
	sp->zlevel = 1;
	sp->seg_max = max_bytes / 8;
	if (sp->seg_max < SEG_MIN)
		sp->seg_max = SEG_MIN;
	if (sp->seg_max > SEG_MAX)
		sp->seg_max = SEG_MAX;
	sp->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sp->dirfd < 0) {
		ret = -errno;
		free(sp);
		return ret;
	}
	sp->lockfd =
		openat(sp->dirfd, "lock", O_RDWR | O_CREAT | O_CLOEXEC, 0640);
	if (sp->lockfd < 0) {
		ret = -errno;
		goto fail;
	}
	if (flock(sp->lockfd, LOCK_EX | LOCK_NB) < 0) {
		ret = errno == EWOULDBLOCK ? -EBUSY : -errno;
		goto fail;
	}
	fd = dup(sp->dirfd);
	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		ret = -errno;
		if (fd >= 0)
			close(fd);
		goto fail;
	}
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);

		if (n > 4 && !strcmp(de->d_name + n - 4, ".tmp")) {
			unlinkat(sp->dirfd, de->d_name, 0);
			continue;
		}
		if (!is_seg_name(de->d_name))
			continue;
		ret = load_seg(sp, de->d_name, info);
		if (ret)
			break;
	}
	closedir(d);
	if (!ret)
		ret = sort_segs(sp);
	if (ret)
		goto fail;
	info->bytes = sp->bytes;
	*out = sp;
	return 0;
fail:
	nfp_spool_close(sp);
	return ret;
}

void nfp_spool_close(struct nfp_spool *sp)
{
	struct nfp_spool_seg *s, *n;

	if (!sp)
		return;
	if (sp->wr)
		fdatasync(sp->wr->fd);
	if (sp->old_wr)
		fdatasync(sp->old_wr->fd);
	for (s = sp->segs; s; s = n) {
		n = s->next;
		close(s->fd);
		free(s);
	}
	if (sp->dirfd >= 0)
		fsync(sp->dirfd);
	if (sp->lockfd >= 0)
		close(sp->lockfd);
	if (sp->dirfd >= 0)
		close(sp->dirfd);
	ZSTD_freeCCtx(sp->cctx);
	free(sp->zbuf);
	free(sp);
}

void nfp_spool_set_compress(struct nfp_spool *sp, int level)
{
	if (level > ZSTD_maxCLevel())
		level = ZSTD_maxCLevel();
	sp->zlevel = level > 0 ? level : 0;
}

static struct nfp_spool_seg *seg_create(struct nfp_spool *sp, uint64_t seq)
{
	struct nfp_spool_seg *seg = calloc(1, sizeof(*seg));

	if (!seg)
		return NULL;
	seg_name(seg->name, sizeof(seg->name), seq, sp->zlevel > 0);
	seg->fd = openat(sp->dirfd, seg->name,
			 O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (seg->fd < 0) {
		int err = errno;

		free(seg);
		errno = err;
		return NULL;
	}
	seg->first_seq = seq;
	if (sp->sync)
		fsync(sp->dirfd);
	return seg;
}

/*
 * Compress @data into sp->zbuf when the spool compresses: the payload to
 * write, with *@len updated, or @data itself (plain) when it would not
 * shrink or compression is off or fails.
 */
static const void *pack(struct nfp_spool *sp, const void *data, uint32_t *len,
			bool *packed)
{
	size_t need, n;

	*packed = false;
	if (!sp->zlevel || *len < 64)
		return data;
	need = nfp_spool_pack_bound(*len);
	if (sp->zcap < need) {
		uint8_t *nb = realloc(sp->zbuf, need);

		if (!nb)
			return data;
		sp->zbuf = nb;
		sp->zcap = need;
	}
	if (!sp->cctx && !(sp->cctx = ZSTD_createCCtx()))
		return data;
	n = nfp_spool_pack(sp->cctx, sp->zlevel, data, *len, sp->zbuf,
			   sp->zcap);
	if (!n)
		return data;
	*len = (uint32_t)n;
	*packed = true;
	return sp->zbuf;
}

/* Room for a record of @len payload bytes within max_bytes. */
static bool room(const struct nfp_spool *sp, uint32_t len)
{
	return sp->bytes + NFP_SPOOL_HDR + len <= sp->max_bytes;
}

static int seg_write(struct nfp_spool *sp, struct nfp_spool_seg *seg,
		     uint64_t seq, uint32_t rows, const void *data,
		     uint32_t len, bool packed)
{
	uint8_t hdr[NFP_SPOOL_HDR];
	struct iovec iov[2] = {
		{ .iov_base = hdr, .iov_len = sizeof(hdr) },
		{ .iov_base = (void *)data, .iov_len = len },
	};
	size_t need = sizeof(hdr) + len;
	ssize_t n;

	if (packed)
		nfp_spool_frame_z(hdr, seq, rows, data, len);
	else
		nfp_spool_frame(hdr, seq, rows, data, len);
	n = pwritev(seg->fd, iov, 2, (off_t)seg->size);
	if (n != (ssize_t)need) {
		int err = n < 0 ? errno : ENOSPC;

		/* Never leave half a record behind. */
		if (ftruncate(seg->fd, (off_t)seg->size) < 0) {
			/* The next open truncates the torn tail. */
		}
		return err == EDQUOT ? -ENOSPC : -err;
	}
	if (sp->sync && fdatasync(seg->fd) < 0)
		return -errno;
	if (!seg->pending) {
		seg->rd_off = seg->size;
		seg->first_seq = seq;
	}
	seg->size += need;
	seg->pending++;
	seg->pending_rows += rows;
	sp->bytes += need;
	return 0;
}

int nfp_spool_append(struct nfp_spool *sp, uint64_t seq, uint32_t rows,
		     const void *data, uint32_t len)
{
	struct nfp_spool_seg *seg, **pp;
	bool packed;

	if (len > NFP_SPOOL_REC_MAX)
		return -EMSGSIZE;
	data = pack(sp, data, &len, &packed);
	if (!room(sp, len))
		return -ENOSPC;
	seg = sp->wr;
	if (seg && seg->size >= sp->seg_max) {
		/* Rotate: the old segment is complete, make it durable. */
		fdatasync(seg->fd);
		sp->wr = NULL;
		if (!seg->pending && !seg->busy)
			seg_remove(sp, seg);
		seg = NULL;
	}
	if (!seg) {
		seg = seg_create(sp, seq);
		if (!seg)
			return -errno;
		for (pp = &sp->segs; *pp; pp = &(*pp)->next)
			;
		*pp = seg;
		sp->wr = seg;
	}
	return seg_write(sp, seg, seq, rows, data, len, packed);
}

int nfp_spool_append_old(struct nfp_spool *sp, uint64_t seq, uint32_t rows,
			 const void *data, uint32_t len)
{
	struct nfp_spool_seg *seg = sp->old_wr;
	bool packed;

	if (len > NFP_SPOOL_REC_MAX)
		return -EMSGSIZE;
	data = pack(sp, data, &len, &packed);
	if (!room(sp, len))
		return -ENOSPC;
	if (!seg) {
		seg = seg_create(sp, seq);
		if (!seg)
			return -errno;
		/* Older than anything pending: first in replay order. */
		seg->next = sp->segs;
		sp->segs = seg;
		sp->old_wr = seg;
	}
	return seg_write(sp, seg, seq, rows, data, len, packed);
}

int nfp_spool_drop_oldest(struct nfp_spool *sp, uint64_t *rows)
{
	struct nfp_spool_seg *s;

	for (s = sp->segs; s; s = s->next) {
		if (s->busy)
			continue;
		*rows = s->pending_rows;
		seg_remove(sp, s);
		return 0;
	}
	return -ENOENT;
}

bool nfp_spool_pending(const struct nfp_spool *sp)
{
	const struct nfp_spool_seg *s;

	for (s = sp ? sp->segs : NULL; s; s = s->next)
		if (s->pending)
			return true;
	return false;
}

uint64_t nfp_spool_bytes(const struct nfp_spool *sp)
{
	return sp ? sp->bytes : 0;
}

int nfp_spool_next(struct nfp_spool *sp, struct nfp_spool_ref *ref,
		   uint64_t *lost_rows)
{
	struct nfp_spool_seg *seg, *n;
	uint8_t h[NFP_SPOOL_HDR + NFP_SPOOL_ZHDR];

	for (seg = sp->segs; seg; seg = n) {
		n = seg->next;
		if (!seg->pending) {
			if (seg != sp->wr && seg != sp->old_wr && !seg->busy)
				seg_remove(sp, seg);
			continue;
		}
		while (seg->rd_off + NFP_SPOOL_HDR <= seg->size) {
			uint32_t len;

			if (pread(seg->fd, h, NFP_SPOOL_HDR,
				  (off_t)seg->rd_off) != NFP_SPOOL_HDR)
				break;
			len = get32(h + 4);
			if (!hdr_ok(h) ||
			    seg->rd_off + NFP_SPOOL_HDR + len > seg->size)
				break;
			if (h[28] == NFP_SPOOL_DONE) {
				seg->rd_off += NFP_SPOOL_HDR + len;
				continue;
			}
			ref->seg = seg;
			ref->off = seg->rd_off;
			ref->seq = get64(h + 8);
			ref->len = len;
			ref->raw_len = len;
			ref->rows = get32(h + 16);
			ref->crc = get32(h + 20);
			ref->packed = get32(h) == NFP_SPOOL_MAGIC_Z;
			if (ref->packed) {
				/* Checked with the CRC by nfp_spool_read(). */
				if (len < NFP_SPOOL_ZHDR ||
				    pread(seg->fd, h + NFP_SPOOL_HDR,
					  NFP_SPOOL_ZHDR,
					  (off_t)(seg->rd_off +
						  NFP_SPOOL_HDR)) !=
					    NFP_SPOOL_ZHDR)
					ref->raw_len = 0;
				else
					ref->raw_len = nfp_spool_raw_len(
						h + NFP_SPOOL_HDR, len);
			}
			seg->busy = true;
			return 1;
		}
		/* Damaged since it was opened (or unreadable): give it up. */
		*lost_rows += seg->pending_rows;
		seg_remove(sp, seg);
	}
	return 0;
}

int nfp_spool_read(const struct nfp_spool_ref *ref, void *buf)
{
	uint8_t *z = NULL;
	ssize_t n;
	int ret = 0;

	if (ref->packed) {
		/* Unreadable announced length: damage, as a bad CRC is. */
		if (!ref->raw_len)
			return -EBADMSG;
		z = malloc(ref->len);
		if (!z)
			return -ENOMEM;
	}
	n = pread(ref->seg->fd, z ? z : buf, ref->len,
		  (off_t)(ref->off + NFP_SPOOL_HDR));
	if (n != (ssize_t)ref->len)
		ret = n < 0 ? -errno : -EIO;
	else if (nfp_crc32(0, z ? z : buf, ref->len) != ref->crc)
		ret = -EBADMSG;
	else if (z)
		ret = nfp_spool_unpack(z, ref->len, buf, ref->raw_len);
	free(z);
	return ret;
}

int nfp_spool_ack(struct nfp_spool *sp, const struct nfp_spool_ref *ref)
{
	struct nfp_spool_seg *seg = ref->seg;
	uint8_t d = NFP_SPOOL_DONE;
	int ret = 0;

	if (pwrite(seg->fd, &d, 1, (off_t)(ref->off + 28)) != 1)
		ret = -errno;
	seg->busy = false;
	seg->pending--;
	seg->pending_rows -= ref->rows;
	seg->rd_off = ref->off + NFP_SPOOL_HDR + ref->len;
	if (!seg->pending && seg != sp->old_wr)
		seg_remove(sp, seg);
	return ret;
}

void nfp_spool_unref(struct nfp_spool *sp, const struct nfp_spool_ref *ref)
{
	(void)sp;
	ref->seg->busy = false;
}
