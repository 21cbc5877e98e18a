/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output/gprint - every key of a record on one line, key=value,key=value
 *
 * ulogd2's GPRINT: consumes all keys visible at its place in the stack
 * (NFP_PF_ALL_KEYS) and writes one line per record, the keys that are set
 * in stack order as `name=value` joined by ',', after an optional
 * `timestamp=YYYY/MM/DD-hh:mm:ss` (local time of writing). Raw byte keys
 * and pointers are left out, as ulogd2 leaves them out. In values, '\',
 * ',', '=' and control characters are backslash-escaped (\\ \, \= \n \r
 * \t \xHH), so a prefix like "a=1,b" cannot add a field or a line.
 * Buffered per batch and written with one write(2) by filebuf.c.
 * Main thread only.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <nfpipe/plugin.h>

#include "../logemu/filebuf.h"

#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR "/var"
#endif

static const struct nfp_key gprint_in[] = { { 0 } };

static const char *const gprint_counters[] = { FB_COUNTERS, NULL };

struct gprint_priv {
	char *file;		/* option: path of the output file */
	bool sync;		/* option: fdatasync() after each batch */
	bool timestamp;		/* option: timestamp= first */
	struct fb fb;		/* the file and its pending batch */
	time_t stamp_sec;	/* second the cached stamp is for */
	char stamp[40];		/* "timestamp=2026/11/24-18:40:35" */
	size_t stamplen;	/* its length */
};

static const struct nfp_option gprint_options[] = {
	{ .name = "file", .type = NFP_OPT_PATH,
	  .def = LOCALSTATEDIR "/log/nfpipe/gprint.log",
	  .off = offsetof(struct gprint_priv, file),
	  .help = "File the lines are appended to; created 0640." },
	{ .name = "sync", .type = NFP_OPT_BOOL, .def = "0",
	  .off = offsetof(struct gprint_priv, sync),
	  .help = "fdatasync() the file after each batch." },
	{ .name = "timestamp", .type = NFP_OPT_BOOL, .def = "0",
	  .off = offsetof(struct gprint_priv, timestamp),
	  .help = "Start each line with timestamp=YYYY/MM/DD-hh:mm:ss (local time)." },
	{ 0 }
};

static void make_stamp(struct gprint_priv *gp, time_t now)
{
	struct tm tm;
	int n;

	if (!localtime_r(&now, &tm))
		memset(&tm, 0, sizeof(tm));
	n = snprintf(gp->stamp, sizeof(gp->stamp),
		     "timestamp=%.4u/%.2u/%.2u-%.2u:%.2u:%.2u",
		     (unsigned int)(1900 + tm.tm_year),
		     (unsigned int)tm.tm_mon + 1, (unsigned int)tm.tm_mday,
		     (unsigned int)tm.tm_hour, (unsigned int)tm.tm_min,
		     (unsigned int)tm.tm_sec);
	gp->stamplen = n > 0 && (size_t)n < sizeof(gp->stamp) ? (size_t)n : 0;
	gp->stamp_sec = now;
}

static enum nfp_ret gprint_process(struct nfp_inst *inst, struct nfp_rec *rec)
{
	struct gprint_priv *gp = inst->priv;
	unsigned int i, n = nfp_rec_nkeys(rec);
	size_t mark = gp->fb.len;
	bool ok = true, first = true;

	if (gp->timestamp) {
		time_t now = time(NULL);

		if (now != gp->stamp_sec)
			make_stamp(gp, now);
		ok = fb_append(&gp->fb, gp->stamp, gp->stamplen);
		first = false;
	}
	for (i = 0; ok && i < n; i++) {
		const struct nfp_value *v;
		enum nfp_type type;
		const char *name;

		v = nfp_rec_key(rec, i, &name, &type);
		if (!v || type == NFP_T_RAW || type == NFP_T_PTR ||
		    type == NFP_T_NONE)
			continue;
		if (!first)
			ok = fb_append(&gp->fb, ",", 1);
		first = false;
		ok = ok && fb_append(&gp->fb, name, strlen(name)) &&
		     fb_append(&gp->fb, "=", 1);
		if (ok && type == NFP_T_STRING)
			ok = fb_escape(&gp->fb, v->str.ptr ? v->str.ptr : "",
				       v->str.ptr ? v->str.len : 0, ",=");
		else if (ok)
			ok = fb_value(&gp->fb, type, v);
	}
	ok = ok && fb_append(&gp->fb, "\n", 1);
	if (!ok) {
		/* Drop the half-written record (out of memory only). */
		if (gp->fb.len > mark)
			gp->fb.len = mark;
		return NFP_ERROR;
	}
	fb_record_done(&gp->fb);
	return NFP_OK;
}

static int gprint_start(struct nfp_inst *inst)
{
	struct gprint_priv *gp = inst->priv;

	gp->stamp_sec = (time_t)-1;
	return fb_open(&gp->fb, inst, gp->file, gp->sync);
}

static int gprint_flush(struct nfp_inst *inst)
{
	struct gprint_priv *gp = inst->priv;

	return fb_flush(&gp->fb);
}

static void gprint_reopen(struct nfp_inst *inst)
{
	struct gprint_priv *gp = inst->priv;

	fb_reopen(&gp->fb);
}

static void gprint_stop(struct nfp_inst *inst)
{
	struct gprint_priv *gp = inst->priv;

	fb_close(&gp->fb);
}

NFP_PLUGIN(output, gprint) = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_OUTPUT,
	.name = "GPRINT",
	.summary = "every key of a record on one line, key=value,...",
	.flags = NFP_PF_ALL_KEYS,
	.options = gprint_options,
	.in_keys = gprint_in,
	.counters = gprint_counters,
	.priv_size = sizeof(struct gprint_priv),
	.start = gprint_start,
	.process = gprint_process,
	.flush = gprint_flush,
	.reopen = gprint_reopen,
	.stop = gprint_stop,
};
