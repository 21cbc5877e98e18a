/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output/filebuf - a text file written once per batch, for the file outputs
 *
 * LOGEMU, OPRINT and GPRINT each compile this in (it is not part of the
 * plugin API). process() appends a record's text to the buffer; flush()
 * writes everything with one write(2) (more only on a short write), and
 * fdatasync()s when asked to; reopen() writes what is buffered to the old
 * file, then opens the path again, so a rename by logrotate loses no line.
 * The buffer grows as needed; past FB_FLUSH_AT bytes an append writes the
 * batch early instead of growing further.
 *
 * Files are opened O_WRONLY|O_APPEND|O_CREAT|O_CLOEXEC, created 0640, and
 * never made world-writable. A failed write is counted, logged (rate
 * limited) and its batch dropped: the daemon goes on. Main thread only.
 */
#ifndef NFP_FILEBUF_H
#define NFP_FILEBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nfpipe/plugin.h>

#define FB_FLUSH_AT	(1024 * 1024)	/* write early past this size */
#define FB_MODE		0640		/* mode of files we create */

/*
 * The counters every file output declares, in this order: first, or from
 * fb.ctr_base on when the plugin's own come first (JSON: the sink's).
 */
#define FB_COUNTERS "lines", "bytes", "writes", "write_errors"
enum fb_ctr { FB_CTR_LINES, FB_CTR_BYTES, FB_CTR_WRITES, FB_CTR_ERRORS };

struct fb {
	struct nfp_inst *inst;	/* owner: for messages and counters */
	const char *path;	/* the file option; owned by the core */
	int fd;			/* open file, -1 when none */
	bool sync;		/* fdatasync() after each batch */
	char *buf;		/* pending text, malloc'ed */
	size_t len;		/* bytes pending */
	size_t cap;		/* bytes allocated */
	unsigned int ctr_base;	/* index of "lines" in inst->ctr; set before
				 * fb_open(), 0 in a zeroed priv */
};

/* Open @path for @inst. 0 or -errno (logged). */
int fb_open(struct fb *f, struct nfp_inst *inst, const char *path, bool sync);

/*
 * Room for @n more bytes at the end of the buffer, or NULL when memory is
 * out (logged, counted as a write error). May write the pending batch
 * first. Fill at most @n bytes, then fb_commit() what was used.
 */
char *fb_reserve(struct fb *f, size_t n);

static inline void fb_commit(struct fb *f, size_t n)
{
	f->len += n;
}

/* Append @n bytes. false when memory is out. */
bool fb_append(struct fb *f, const void *p, size_t n);

/* One record (line or block) is complete: count it. */
static inline void fb_record_done(struct fb *f)
{
	f->inst->ctr[f->ctr_base + FB_CTR_LINES]++;
}

/*
 * Append @n bytes of @s with a backslash before '\\' and before every
 * character in @special, and control characters as \n, \r, \t or \xHH, so
 * that no value can end a line or forge a field. false when memory is out.
 */
bool fb_escape(struct fb *f, const char *s, size_t n, const char *special);

/* Append a value as nfp_value_format() writes it. false when memory is out. */
bool fb_value(struct fb *f, enum nfp_type type, const struct nfp_value *v);

/* Write what is pending. 0, or -errno when the batch was lost. */
int fb_flush(struct fb *f);

/* Flush, then open the path again (SIGHUP); on failure keep the old file. */
void fb_reopen(struct fb *f);

/* Flush, close and free. */
void fb_close(struct fb *f);

#endif /* NFP_FILEBUF_H */
