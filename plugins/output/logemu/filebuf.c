/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output/filebuf - a text file written once per batch, for the file outputs
 *
 * See filebuf.h for the contract. Compiled into LOGEMU, OPRINT and GPRINT.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "filebuf.h"

#define FB_MIN_CAP (64 * 1024)

static int open_path(struct fb *f, const char *path)
{
	int flags = O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY;
	struct stat st;
	int fd;

	fd = open(path, flags, FB_MODE);
	if (fd < 0 && errno == ENOENT) {
		/* The packaged default lives in a directory of its own. */
		char dir[PATH_MAX];

		if (strlen(path) < sizeof(dir)) {
			strcpy(dir, path);
			if (mkdir(dirname(dir), 0750) == 0) {
				nfp_info(f->inst, "created directory %s", dir);
				nfp_own_path(f->inst, dir);
			}
		}
		fd = open(path, flags, FB_MODE);
	}
	if (fd < 0)
		return -errno;
	nfp_own_path(f->inst, path); /* -u USER writes it after a reopen */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (st.st_mode & S_IWOTH))
		nfp_warn(f->inst, "%s is world-writable; chmod o-w it", path);
	return fd;
}

int fb_open(struct fb *f, struct nfp_inst *inst, const char *path, bool sync)
{
	int fd;

	f->inst = inst;
	f->path = path;
	f->sync = sync;
	f->fd = -1;
	f->len = 0;
	if (!path || !*path) {
		nfp_err(inst, "no file given");
		return -EINVAL;
	}
	fd = open_path(f, path);
	if (fd < 0) {
		nfp_err(inst, "cannot open %s: %s", path, strerror(-fd));
		return fd;
	}
	f->fd = fd;
	return 0;
}

static bool grow(struct fb *f, size_t need)
{
	size_t cap = f->cap ? f->cap : FB_MIN_CAP;
	char *p;

	while (cap - f->len < need) {
		if (cap > SIZE_MAX / 2)
			return false;
		cap *= 2;
	}
	p = realloc(f->buf, cap);
	if (!p)
		return false;
	f->buf = p;
	f->cap = cap;
	return true;
}

char *fb_reserve(struct fb *f, size_t n)
{
	/* A burst writes early rather than buffering without bound. */
	if (f->len && f->len + n > FB_FLUSH_AT)
		fb_flush(f);
	if (f->cap - f->len < n && !grow(f, n)) {
		f->inst->ctr[f->ctr_base + FB_CTR_ERRORS]++;
		nfp_err_rl(f->inst, "out of memory buffering %zu bytes", n);
		return NULL;
	}
	return f->buf + f->len;
}

bool fb_append(struct fb *f, const void *p, size_t n)
{
	char *dst = fb_reserve(f, n);

	if (!dst)
		return false;
	memcpy(dst, p, n);
	fb_commit(f, n);
	return true;
}

bool fb_escape(struct fb *f, const char *s, size_t n, const char *special)
{
	static const char hex[] = "0123456789abcdef";
	char *d;
	size_t i;

	/* Four bytes per input byte covers the worst case (\xHH). */
	if (n > (SIZE_MAX - 1) / 4)
		return false;
	d = fb_reserve(f, n * 4);
	if (!d)
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\\' || (c && strchr(special, c))) {
			*d++ = '\\';
			*d++ = (char)c;
		} else if (c == '\n') {
			*d++ = '\\';
			*d++ = 'n';
		} else if (c == '\r') {
			*d++ = '\\';
			*d++ = 'r';
		} else if (c == '\t') {
			*d++ = '\\';
			*d++ = 't';
		} else if (c < 0x20 || c == 0x7f) {
			*d++ = '\\';
			*d++ = 'x';
			*d++ = hex[c >> 4];
			*d++ = hex[c & 15];
		} else {
			*d++ = (char)c;
		}
	}
	fb_commit(f, (size_t)(d - (f->buf + f->len)));
	return true;
}

bool fb_value(struct fb *f, enum nfp_type type, const struct nfp_value *v)
{
	size_t room = 64;
	char *d;
	int n;

	d = fb_reserve(f, room);
	if (!d)
		return false;
	n = nfp_value_format(type, v, d, room);
	if (n < 0)
		return false;
	if ((size_t)n >= room) {
		/* Long raw values: format again with the room they need. */
		d = fb_reserve(f, (size_t)n + 1);
		if (!d)
			return false;
		nfp_value_format(type, v, d, (size_t)n + 1);
	}
	fb_commit(f, (size_t)n);
	return true;
}

int fb_flush(struct fb *f)
{
	size_t off = 0;
	ssize_t n;
	int err = 0;

	if (!f->len)
		return 0;
	if (f->fd < 0) {
		err = -EBADF;
		goto fail;
	}
	while (off < f->len) {
		n = write(f->fd, f->buf + off, f->len - off);
		f->inst->ctr[f->ctr_base + FB_CTR_WRITES]++;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		if (n == 0) { /* no progress: do not spin */
			err = -EIO;
			break;
		}
		off += (size_t)n;
		f->inst->ctr[f->ctr_base + FB_CTR_BYTES] += (uint64_t)n;
	}
	if (!err && f->sync && fdatasync(f->fd) < 0)
		err = -errno;
fail:
	if (err) {
		f->inst->ctr[f->ctr_base + FB_CTR_ERRORS]++;
		nfp_err_rl(f->inst, "writing %s: %s (%zu of %zu bytes lost)",
			   f->path, strerror(-err), f->len - off, f->len);
	}
	/* Whatever could not be written is dropped: a full disk must not
	 * grow the daemon without bound. */
	f->len = 0;
	return err;
}

void fb_reopen(struct fb *f)
{
	int fd;

	fb_flush(f);
	fd = open_path(f, f->path);
	if (fd < 0) {
		nfp_err(f->inst,
			"cannot reopen %s: %s; still writing the old file",
			f->path, strerror(-fd));
		return;
	}
	if (f->fd >= 0)
		close(f->fd);
	f->fd = fd;
	nfp_info(f->inst, "reopened %s", f->path);
}

void fb_close(struct fb *f)
{
	fb_flush(f);
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	free(f->buf);
	f->buf = NULL;
	f->len = 0;
	f->cap = 0;
}
