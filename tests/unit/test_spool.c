/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_spool - the disk spool: framing, damage, order, limits
 *
 * Works in a fresh directory under $TMPDIR. Expected bytes are worked out
 * by hand from the record layout in core/spool.h, and CRCs from the CRC-32
 * check values (and a bit-by-bit reference CRC written here), never from
 * what the spool itself wrote. The first tests write plain records (the
 * first format, spool_compress=0); test_compressed and the ones after it
 * check zstd records, old plain segments left by an earlier nfpiped, and
 * damaged compressed data.
 */
#include "nfp.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spool.h"
#include "tap.h"

static char root[256];
static unsigned int ndir;

/* The textbook bitwise CRC-32, to check the table-driven one against. */
static uint32_t ref_crc(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;
	unsigned int k;

	while (n--) {
		c ^= *p++;
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xEDB88320u & -(c & 1));
	}
	return ~c;
}

static char *new_dir(void)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/s%u", root, ndir++);
	return path;
}

static struct nfp_spool *open_ok(const char *dir, uint64_t max,
				 struct nfp_spool_info *info)
{
	struct nfp_spool *sp = NULL;
	int r = nfp_spool_open(dir, max, false, &sp, info);

	if (r)
		bail_out("nfp_spool_open(%s): %s", dir, strerror(-r));
	nfp_spool_set_compress(sp, 0);
	return sp;
}

/* The same, compressing as the sinks do by default. */
static struct nfp_spool *open_z(const char *dir, uint64_t max,
				struct nfp_spool_info *info)
{
	struct nfp_spool *sp = open_ok(dir, max, info);

	nfp_spool_set_compress(sp, 1);
	return sp;
}

static int append_str(struct nfp_spool *sp, uint64_t seq, uint32_t rows,
		      const char *s)
{
	return nfp_spool_append(sp, seq, rows, s, (uint32_t)strlen(s));
}

/* Next pending record as a string ("" when none), acked if @ack. */
static const char *next_str(struct nfp_spool *sp, bool ack, uint64_t *seq)
{
	static char buf[65536];
	struct nfp_spool_ref ref;
	uint64_t lost = 0;

	if (nfp_spool_next(sp, &ref, &lost) != 1)
		return "";
	if (ref.raw_len >= sizeof(buf) || nfp_spool_read(&ref, buf) != 0) {
		nfp_spool_ack(sp, &ref);
		return "(unreadable)";
	}
	buf[ref.raw_len] = '\0';
	if (seq)
		*seq = ref.seq;
	if (ack)
		nfp_spool_ack(sp, &ref);
	else
		nfp_spool_unref(sp, &ref);
	return buf;
}

/* The only segment file of @dir, or "" */
static const char *seg_path(const char *dir)
{
	static char path[1024];
	struct dirent *de;
	DIR *d = opendir(dir);

	path[0] = '\0';
	if (!d)
		return path;
	while ((de = readdir(d)))
		if (strstr(de->d_name, "seg"))
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
	closedir(d);
	return path;
}

static unsigned int count_segs(const char *dir)
{
	struct dirent *de;
	unsigned int n = 0;
	DIR *d = opendir(dir);

	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (strstr(de->d_name, "seg"))
			n++;
	closedir(d);
	return n;
}

static long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void poke(const char *path, long off, uint8_t xor)
{
	int fd = open(path, O_RDWR);
	uint8_t b;

	if (fd < 0 || pread(fd, &b, 1, off) != 1)
		bail_out("poke %s", path);
	b ^= xor;
	if (pwrite(fd, &b, 1, off) != 1)
		bail_out("poke %s", path);
	close(fd);
}

static void test_crc(void)
{
	static const char *check = "123456789";
	uint8_t big[1000];
	size_t i;

	is_int(nfp_crc32(0, check, 9), 0xCBF43926, "CRC-32 check value");
	is_int(nfp_crc32(0, "", 0), 0, "CRC-32 of nothing");
	is_int(nfp_crc32(0, "abc", 3), 0x352441C2, "CRC-32 of abc");
	is_int(nfp_crc32(nfp_crc32(0, check, 4), check + 4, 5), 0xCBF43926,
	       "CRC-32 continues across calls");
	for (i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7 + 3);
	is_int(nfp_crc32(0, big + 3, 997), ref_crc(big + 3, 997),
	       "slice-by-8 equals the bitwise CRC (unaligned start)");
}

static void test_frame(void)
{
	static const uint8_t want[24] = {
		'N',  'F',  'P',  'S',		    /* magic */
		3,    0,    0,	  0,		    /* length */
		8,    7,    6,	  5,	4, 3, 2, 1, /* seq */
		9,    0,    0,	  0,		    /* rows */
		0xC2, 0x41, 0x24, 0x35,		    /* crc32("abc") */
	};
	uint8_t h[NFP_SPOOL_HDR];
	uint32_t hc;

	nfp_spool_frame(h, 0x0102030405060708ull, 9, "abc", 3);
	ok(!memcmp(h, want, sizeof(want)), "record header bytes 0..23");
	hc = ref_crc(want, 24);
	ok(h[24] == (hc & 0xff) && h[25] == ((hc >> 8) & 0xff) &&
		   h[26] == ((hc >> 16) & 0xff) && h[27] == hc >> 24,
	   "header CRC covers bytes 0..23, little-endian");
	ok(h[28] == 'P' && !h[29] && !h[30] && !h[31],
	   "state byte 'P', then zeros");
}

static void test_roundtrip(void)
{
	struct nfp_spool_info info;
	struct nfp_spool *sp;
	char *dir = new_dir();
	uint64_t seq = 0;

	sp = open_ok(dir, 1 << 20, &info);
	is_int(info.next_seq, 1, "empty spool: sequence numbers start at 1");
	ok(!nfp_spool_pending(sp), "empty spool has nothing pending");
	is_int(append_str(sp, 1, 10, "one"), 0, "append one");
	is_int(append_str(sp, 2, 20, "two"), 0, "append two");
	is_int(append_str(sp, 3, 30, "three"), 0, "append three");
	is_int(nfp_spool_bytes(sp), 3 * 32 + 3 + 3 + 5, "bytes on disk");
	nfp_spool_close(sp);
	is_int(file_size(seg_path(dir)), 3 * 32 + 11, "segment file size");

	sp = open_ok(dir, 1 << 20, &info);
	is_int(info.pending, 3, "reopen: 3 records pending");
	is_int(info.pending_rows, 60, "reopen: their rows");
	is_int(info.next_seq, 4, "reopen: next sequence number");
	is_int(info.torn + info.bad_records, 0, "reopen: nothing damaged");
	is_str(next_str(sp, true, &seq), "one", "first read: one");
	is_int(seq, 1, "with its sequence number");
	nfp_spool_close(sp);

	sp = open_ok(dir, 1 << 20, &info);
	is_int(info.pending, 2, "acked record stays done after reopen");
	is_str(next_str(sp, false, NULL), "two", "unref keeps a record...");
	is_str(next_str(sp, true, NULL), "two", "... pending");
	is_str(next_str(sp, true, NULL), "three", "then three");
	is_str(next_str(sp, true, NULL), "", "then nothing");
	ok(!nfp_spool_pending(sp), "nothing pending");
	is_int(count_segs(dir), 0, "a fully written segment is deleted");
	nfp_spool_close(sp);
}

static void test_torn(void)
{
	struct nfp_spool_info info;
	struct nfp_spool *sp;
	char *dir = new_dir();
	const char *seg;

	sp = open_ok(dir, 1 << 20, &info);
	append_str(sp, 1, 1, "one");
	append_str(sp, 2, 2, "two");
	append_str(sp, 3, 7, "three");
	nfp_spool_close(sp);
	seg = seg_path(dir);
	/* Cut the last payload short: its header still says 7 rows. */
	if (truncate(seg, 2 * 35 + 32 + 2) < 0)
		bail_out("truncate");
	sp = open_ok(dir, 1 << 20, &info);
	is_int(info.torn, 1, "torn tail counted");
	is_int(info.lost_rows, 7, "rows of the torn record counted lost");
	is_int(info.pending, 2, "records before it kept");
	is_int(file_size(seg), 2 * 35,
	       "file truncated after the last whole record");
	is_int(append_str(sp, 4, 1, "four"), 0, "appends go on after it");
	is_str(next_str(sp, true, NULL), "one", "read one");
	is_str(next_str(sp, true, NULL), "two", "read two");
	is_str(next_str(sp, true, NULL), "four", "read four");
	nfp_spool_close(sp);

	/* A header cut in the middle: no rows known. */
	dir = new_dir();
	sp = open_ok(dir, 1 << 20, &info);
	append_str(sp, 1, 1, "one");
	append_str(sp, 2, 2, "two");
	nfp_spool_close(sp);
	seg = seg_path(dir);
	if (truncate(seg, 35 + 10) < 0)
		bail_out("truncate");
	sp = open_ok(dir, 1 << 20, &info);
	is_int(info.torn, 1, "torn header counted");
	is_int(info.lost_rows, 0, "no rows known for a torn header");
	is_int(info.pending, 1, "first record kept");
	is_int(file_size(seg), 35, "truncated to it");
	nfp_spool_close(sp);
}

static void test_damage(void)
{
	struct nfp_spool_info info;
	struct nfp_spool *sp;
	char *dir = new_dir();
	const char *seg;

	/* A flipped payload byte: the header is fine, skip just that one. */
	sp = open_ok(dir, 1 << 20, &info);
	append_str(sp, 1, 1, "one");
	append_str(sp, 2, 5, "two");
	append_str(sp, 3, 1, "three");
	nfp_spool_close(sp);
	seg = seg_path(dir);
	poke(seg, 35 + 32 + 1, 0x20);
	sp = open_ok(dir, 1 << 20, &info);
	is_int(info.bad_records, 1, "damaged payload found");
	is_int(info.lost_rows, 5, "its rows counted lost");
	is_int(info.pending, 2, "the others pending");
	is_str(next_str(sp, true, NULL), "one", "one");
	is_str(next_str(sp, true, NULL), "three", "three, two skipped");
	nfp_spool_close(sp);

	/* A flipped header byte: resynchronise on the next header. */
	dir = new_dir();
	sp = open_ok(dir, 1 << 20, &info);
	append_str(sp, 1, 1, "one");
	append_str(sp, 2, 5, "two");
	append_str(sp, 3, 1, "three");
	nfp_spool_close(sp);
	seg = seg_path(dir);
	poke(seg, 35 + 9, 0x01); /* inside record two's seq */
	sp = open_ok(dir, 1 << 20, &info);
	is_int(info.gap_bytes, 35, "damaged record skipped as a gap");
	is_int(info.pending, 2, "records around it kept");
	is_int(file_size(seg), 35 + 37, "segment rewritten without the gap");
	is_str(next_str(sp, true, NULL), "one", "one");
	is_str(next_str(sp, true, NULL), "three", "three");
	nfp_spool_close(sp);
}

static void test_order(void)
{
	struct nfp_spool_info info;
	struct nfp_spool *sp;
	char *dir = new_dir(), want[64], buf[1024];
	uint64_t seq;
	unsigned int i, bad = 0;

	sp = open_ok(dir, 1 << 20, &info);
	append_str(sp, 10, 1, "ten");
	append_str(sp, 11, 1, "eleven");
	/* Left in memory at stop: older than anything spooled. */
	nfp_spool_append_old(sp, 5, 1, "five", 4);
	nfp_spool_append_old(sp, 6, 1, "six", 3);
	is_str(next_str(sp, false, NULL), "five", "leftovers replay first");
	nfp_spool_close(sp);
	sp = open_ok(dir, 1 << 20, &info);
	is_str(next_str(sp, true, &seq), "five", "after reopen: five");
	is_str(next_str(sp, true, &seq), "six", "six");
	is_str(next_str(sp, true, &seq), "ten", "ten");
	is_str(next_str(sp, true, &seq), "eleven", "eleven");
	nfp_spool_close(sp);

	/* Many segments (64 KiB spool: 8 KiB segments). */
	dir = new_dir();
	sp = open_ok(dir, 64 << 10, &info);
	memset(buf, 'x', sizeof(buf));
	for (i = 1; i <= 40; i++) {
		snprintf(buf, sizeof(buf), "%u", i);
		buf[strlen(buf)] = 'x';
		buf[999] = '\0';
		if (nfp_spool_append(sp, i, 1, buf, 1000))
			bad++;
	}
	is_int(bad, 0, "40 records of 1000 bytes fit in 64 KiB");
	ok(count_segs(dir) > 3, "they span several segments (%u)",
	   count_segs(dir));
	nfp_spool_close(sp);
	sp = open_ok(dir, 64 << 10, &info);
	is_int(info.pending, 40, "all pending after reopen");
	for (i = 1, bad = 0; i <= 40; i++) {
		const char *got = next_str(sp, true, &seq);

		snprintf(want, sizeof(want), "%ux", i);
		if (strncmp(got, want, strlen(want)) || seq != i)
			bad++;
	}
	is_int(bad, 0, "replayed in sequence order across segments");
	is_int(count_segs(dir), 0, "every segment deleted once written");
	nfp_spool_close(sp);
}

static void test_limits(void)
{
	struct nfp_spool_info info;
	struct nfp_spool *sp, *sp2 = NULL;
	char *dir = new_dir(), buf[100];
	uint64_t rows = 0;

	memset(buf, 'y', sizeof(buf));
	sp = open_ok(dir, 300, &info);
	is_int(nfp_spool_append(sp, 1, 3, buf, 100), 0, "132 bytes fit");
	is_int(nfp_spool_append(sp, 2, 4, buf, 100), 0, "264 bytes fit");
	is_int(nfp_spool_append(sp, 3, 5, buf, 100), -ENOSPC,
	       "396 bytes do not: -ENOSPC");
	is_int(nfp_spool_open(dir, 300, false, &sp2, &info), -EBUSY,
	       "a second open of the same spool is refused");
	is_int(nfp_spool_drop_oldest(sp, &rows), 0, "drop the oldest segment");
	is_int(rows, 7, "its pending rows are reported");
	is_int(nfp_spool_bytes(sp), 0, "its bytes are free");
	is_int(nfp_spool_append(sp, 3, 5, buf, 100), 0, "room again");
	is_int(nfp_spool_drop_oldest(sp, &rows), 0, "drop again");
	is_int(nfp_spool_drop_oldest(sp, &rows), -ENOENT, "nothing left");
	nfp_spool_close(sp);
}

static void test_scan_garbage(void)
{
	struct nfp_spool_scan res;
	uint8_t junk[4096];
	uint8_t rec[64];
	size_t i;

	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 131 + (i >> 3));
	nfp_spool_scan(junk, sizeof(junk), NULL, NULL, &res);
	is_int(res.records, 0, "garbage has no records");
	ok(res.torn && res.good_end == 0, "and counts as a torn tail");
	/* A record preceded by junk is found. */
	memcpy(junk, "NFPSjunkNF", 10);
	nfp_spool_frame(rec, 42, 1, "hi", 2);
	memcpy(rec + NFP_SPOOL_HDR, "hi", 2);
	memcpy(junk + 100, rec, NFP_SPOOL_HDR + 2);
	nfp_spool_scan(junk, 100 + NFP_SPOOL_HDR + 2, NULL, NULL, &res);
	is_int(res.records, 1, "a record after junk is found");
	is_int(res.gap_bytes, 100, "the junk is a gap of 100 bytes");
	is_int(res.max_seq, 42, "its sequence number");
	ok(!res.torn, "nothing after it");
}

/* Rows as a log spool holds them: alike, but not the same. */
static char *log_text(size_t rows, size_t *len)
{
	char *t = malloc(rows * 96 + 1);
	size_t i, o = 0;

	if (!t)
		bail_out("malloc");
	for (i = 0; i < rows; i++)
		o += (size_t)sprintf(t + o,
				     "IN=eth0 OUT=eth1 SRC=10.1.%zu.%zu "
				     "DST=192.0.2.1 PROTO=UDP SPT=%zu DPT=53 "
				     "LEN=%zu|",
				     (i >> 8) & 255, i & 255,
				     1024 + i * 7 % 50000, 28 + i % 100);
	*len = o;
	return t;
}

static void test_compressed(void)
{
	struct nfp_spool_info info;
	struct nfp_spool *sp;
	char *dir = new_dir(), *big;
	size_t len;
	long sz;

	big = log_text(200, &len);
	sp = open_z(dir, 1 << 20, &info);
	is_int(nfp_spool_append(sp, 1, 200, big, (uint32_t)len), 0,
	       "append %zu bytes of log rows", len);
	is_int(append_str(sp, 2, 1, "short"), 0, "append a short batch");
	nfp_spool_close(sp);
	ok(strstr(seg_path(dir), ".zseg") != NULL,
	   "a compressing spool writes .zseg segments (%s)", seg_path(dir));
	sz = file_size(seg_path(dir));
	ok(sz > 0 && (size_t)sz * 4 < len,
	   "compressed to under a quarter (%ld of %zu bytes)", sz, len);
	ok(sz >= 2 * NFP_SPOOL_HDR + 5 + NFP_SPOOL_ZHDR,
	   "the short batch is written plain (it would not shrink)");
	sp = open_z(dir, 1 << 20, &info);
	is_int(info.pending, 2, "reopen: both pending");
	is_int(info.pending_rows, 201, "with their rows");
	is_int(info.torn + info.bad_records + info.gap_bytes, 0,
	       "nothing damaged");
	ok(!strcmp(next_str(sp, true, NULL), big),
	   "the compressed batch reads back byte for byte");
	is_str(next_str(sp, true, NULL), "short", "then the plain one");
	is_int(count_segs(dir), 0, "the segment is deleted once written");
	nfp_spool_close(sp);
	free(big);
}

/*
 * A segment as an nfpipe without compression wrote it, made by hand here
 * from the record layout: "NFPS" records in a ".seg" file.
 */
static void write_old_seg(const char *dir, uint64_t first, unsigned int n)
{
	char path[1024], payload[64];
	uint8_t h[NFP_SPOOL_HDR];
	unsigned int i;
	int fd;

	if (mkdir(dir, 0750) < 0 && errno != EEXIST)
		bail_out("mkdir %s", dir);
	snprintf(path, sizeof(path), "%s/%020llu.seg", dir,
		 (unsigned long long)first);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0640);
	if (fd < 0)
		bail_out("open %s", path);
	for (i = 0; i < n; i++) {
		uint32_t len = (uint32_t)snprintf(payload, sizeof(payload),
						  "old %u", i);
		uint32_t c = ref_crc((const uint8_t *)payload, len), hc;

		memset(h, 0, sizeof(h));
		memcpy(h, "NFPS", 4);
		h[4] = (uint8_t)len;
		h[8] = (uint8_t)(first + i);
		h[16] = 1;
		h[20] = (uint8_t)c;
		h[21] = (uint8_t)(c >> 8);
		h[22] = (uint8_t)(c >> 16);
		h[23] = (uint8_t)(c >> 24);
		hc = ref_crc(h, 24);
		h[24] = (uint8_t)hc;
		h[25] = (uint8_t)(hc >> 8);
		h[26] = (uint8_t)(hc >> 16);
		h[27] = (uint8_t)(hc >> 24);
		h[28] = 'P';
		if (write(fd, h, sizeof(h)) != (ssize_t)sizeof(h) ||
		    write(fd, payload, len) != (ssize_t)len)
			bail_out("write %s", path);
	}
	close(fd);
}

static void test_old_format(void)
{
	struct nfp_spool_info info;
	struct nfp_spool *sp;
	char *dir = new_dir(), *big, want[32];
	unsigned int i, bad = 0;
	uint64_t seq = 0;
	size_t len;

	/* An upgrade finds a spool of the first format on disk. */
	write_old_seg(dir, 3, 5);
	sp = open_z(dir, 1 << 20, &info);
	is_int(info.pending, 5, "old-format segment: 5 records pending");
	is_int(info.next_seq, 8, "sequence numbers go on after them");
	is_int(info.torn + info.bad_records + info.gap_bytes, 0,
	       "nothing in it taken for damage");
	big = log_text(100, &len);
	is_int(nfp_spool_append(sp, 8, 100, big, (uint32_t)len), 0,
	       "a new compressed batch after them");
	is_int(count_segs(dir), 2, "in a segment of its own");
	for (i = 0; i < 5; i++) {
		snprintf(want, sizeof(want), "old %u", i);
		if (strcmp(next_str(sp, true, &seq), want) || seq != 3 + i)
			bad++;
	}
	is_int(bad, 0, "the old records replay first, in order");
	ok(!strcmp(next_str(sp, true, &seq), big) && seq == 8,
	   "then the new one");
	is_int(count_segs(dir), 0, "both segments deleted once written");
	nfp_spool_close(sp);
	free(big);
}

static void test_bad_compressed(void)
{
	struct nfp_spool_info info;
	struct nfp_spool *sp;
	char *dir = new_dir(), *big;
	uint8_t h[NFP_SPOOL_HDR], *pl, out[256];
	const char *seg;
	uint32_t plen, c;
	size_t len, n;
	int fd;

	/* The pure functions on bad input. */
	big = log_text(50, &len);
	pl = malloc(nfp_spool_pack_bound(len));
	if (!pl)
		bail_out("malloc");
	n = nfp_spool_pack(NULL, 1, big, (uint32_t)len, pl,
			   nfp_spool_pack_bound(len));
	ok(n > NFP_SPOOL_ZHDR && n < len, "pack: %zu bytes to %zu", len, n);
	is_int(nfp_spool_unpack(pl, (uint32_t)n, out, sizeof(out)), -EBADMSG,
	       "unpack refuses a batch bigger than the buffer");
	pl[0] = 9;
	is_int(nfp_spool_raw_len(pl, (uint32_t)n), 0, "unknown codec");
	pl[0] = NFP_SPOOL_ZSTD;
	pl[4] ^= 1;
	{
		char *o = malloc(len + 1);

		is_int(nfp_spool_unpack(pl, (uint32_t)n, (uint8_t *)o,
					(uint32_t)len + 1),
		       -EBADMSG, "unpack refuses a wrong announced length");
		free(o);
	}
	pl[4] ^= 1;
	is_int(nfp_spool_unpack(pl, 5, out, sizeof(out)), -EBADMSG,
	       "unpack refuses a payload shorter than its header");
	is_int(nfp_spool_pack(NULL, 1, "abc", 3, pl, 64), 0,
	       "pack: what does not shrink is left plain");
	free(pl);

	/*
	 * Damage inside the compressed frame with the CRC made to match: the
	 * framing cannot see it, decompression must, and the record is lost
	 * alone (counted by the reader), not the spool.
	 */
	sp = open_z(dir, 1 << 20, &info);
	nfp_spool_append(sp, 1, 50, big, (uint32_t)len);
	append_str(sp, 2, 1, "after");
	nfp_spool_close(sp);
	seg = seg_path(dir);
	fd = open(seg, O_RDWR);
	if (fd < 0 || pread(fd, h, sizeof(h), 0) != (ssize_t)sizeof(h))
		bail_out("read %s", seg);
	ok(!memcmp(h, "NFPZ", 4), "the first record is compressed");
	plen = (uint32_t)h[4] | (uint32_t)h[5] << 8 | (uint32_t)h[6] << 16;
	pl = malloc(plen);
	if (!pl || pread(fd, pl, plen, NFP_SPOOL_HDR) != (ssize_t)plen)
		bail_out("read payload");
	pl[plen / 2] ^= 0x55;
	pl[plen / 2 + 1] ^= 0xaa;
	c = ref_crc(pl, plen);
	h[20] = (uint8_t)c;
	h[21] = (uint8_t)(c >> 8);
	h[22] = (uint8_t)(c >> 16);
	h[23] = (uint8_t)(c >> 24);
	c = ref_crc(h, 24);
	h[24] = (uint8_t)c;
	h[25] = (uint8_t)(c >> 8);
	h[26] = (uint8_t)(c >> 16);
	h[27] = (uint8_t)(c >> 24);
	if (pwrite(fd, h, sizeof(h), 0) != (ssize_t)sizeof(h) ||
	    pwrite(fd, pl, plen, NFP_SPOOL_HDR) != (ssize_t)plen)
		bail_out("write %s", seg);
	close(fd);
	free(pl);
	sp = open_z(dir, 1 << 20, &info);
	is_int(info.pending, 2, "the framing holds: 2 pending");
	is_str(next_str(sp, true, NULL), "(unreadable)",
	       "the damaged frame reads as unreadable, no crash");
	is_str(next_str(sp, true, NULL), "after", "the next record is intact");
	nfp_spool_close(sp);

	/* A flipped byte without a matching CRC: found at open. */
	dir = new_dir();
	sp = open_z(dir, 1 << 20, &info);
	nfp_spool_append(sp, 1, 50, big, (uint32_t)len);
	append_str(sp, 2, 1, "after");
	nfp_spool_close(sp);
	poke(seg_path(dir), NFP_SPOOL_HDR + 20, 0x10);
	sp = open_z(dir, 1 << 20, &info);
	is_int(info.bad_records, 1, "a damaged compressed record is counted");
	is_int(info.lost_rows, 50, "with its rows");
	is_str(next_str(sp, true, NULL), "after", "the rest replays");
	nfp_spool_close(sp);
	free(big);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(root, sizeof(root), "%s/nfpt-spool-XXXXXX",
		 tmp ? tmp : "/tmp");
	if (!mkdtemp(root))
		bail_out("mkdtemp: %s", strerror(errno));
	test_crc();
	test_frame();
	test_roundtrip();
	test_torn();
	test_damage();
	test_order();
	test_limits();
	test_scan_garbage();
	test_compressed();
	test_old_format();
	test_bad_compressed();
	if (!getenv("NFPT_KEEP")) {
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
		if (system(cmd) != 0)
			diag("could not remove %s", root);
	} else {
		diag("kept %s", root);
	}
	return done_testing();
}
