/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output/oprint - every key of every record, one per line (ulogd2's OPRINT)
 *
 * Consumes all keys visible at its place in the stack (NFP_PF_ALL_KEYS).
 * Each record is written as a `===>PACKET BOUNDARY` line followed by one
 * `name=value` line per key that is set, in stack order, values formatted
 * by nfp_value_format() (raw bytes in hex). Control characters and '\' in
 * strings are backslash-escaped so that a value cannot start a line of its
 * own. Buffered per batch and written with one write(2) by filebuf.c.
 * Main thread only.
 */
#include <string.h>

#include <nfpipe/plugin.h>

#include "../logemu/filebuf.h"

#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR "/var"
#endif

static const struct nfp_key oprint_in[] = { { 0 } };

static const char *const oprint_counters[] = { FB_COUNTERS, NULL };

struct oprint_priv {
	char *file;	/* option: path of the output file */
	bool sync;	/* option: fdatasync() after each batch */
	struct fb fb;	/* the file and its pending batch */
};

static const struct nfp_option oprint_options[] = {
	{ .name = "file", .type = NFP_OPT_PATH,
	  .def = LOCALSTATEDIR "/log/nfpipe/oprint.log",
	  .off = offsetof(struct oprint_priv, file),
	  .help = "File the records are appended to; created 0640." },
	{ .name = "sync", .type = NFP_OPT_BOOL, .def = "0",
	  .off = offsetof(struct oprint_priv, sync),
	  .help = "fdatasync() the file after each batch." },
	{ 0 }
};

#define BOUNDARY "===>PACKET BOUNDARY\n"

static enum nfp_ret oprint_process(struct nfp_inst *inst, struct nfp_rec *rec)
{
	struct oprint_priv *op = inst->priv;
	unsigned int i, n = nfp_rec_nkeys(rec);
	size_t mark = op->fb.len;
	bool ok;

	ok = fb_append(&op->fb, BOUNDARY, sizeof(BOUNDARY) - 1);
	for (i = 0; ok && i < n; i++) {
		const struct nfp_value *v;
		enum nfp_type type;
		const char *name;

		v = nfp_rec_key(rec, i, &name, &type);
		/* Pointers mean nothing in a file (and would leak layout). */
		if (!v || type == NFP_T_PTR)
			continue;
		ok = fb_append(&op->fb, name, strlen(name)) &&
		     fb_append(&op->fb, "=", 1);
		if (ok && type == NFP_T_STRING)
			ok = fb_escape(&op->fb, v->str.ptr ? v->str.ptr : "",
				       v->str.ptr ? v->str.len : 0, "");
		else if (ok)
			ok = fb_value(&op->fb, type, v);
		ok = ok && fb_append(&op->fb, "\n", 1);
	}
	if (!ok) {
		/* Drop the half-written record (out of memory only). */
		if (op->fb.len > mark)
			op->fb.len = mark;
		return NFP_ERROR;
	}
	fb_record_done(&op->fb);
	return NFP_OK;
}

static int oprint_start(struct nfp_inst *inst)
{
	struct oprint_priv *op = inst->priv;

	return fb_open(&op->fb, inst, op->file, op->sync);
}

static int oprint_flush(struct nfp_inst *inst)
{
	struct oprint_priv *op = inst->priv;

	return fb_flush(&op->fb);
}

static void oprint_reopen(struct nfp_inst *inst)
{
	struct oprint_priv *op = inst->priv;

	fb_reopen(&op->fb);
}

static void oprint_stop(struct nfp_inst *inst)
{
	struct oprint_priv *op = inst->priv;

	fb_close(&op->fb);
}

NFP_PLUGIN(output, oprint) = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_OUTPUT,
	.name = "OPRINT",
	.summary = "every key of every record, one per line (ulogd2's OPRINT)",
	.flags = NFP_PF_ALL_KEYS,
	.options = oprint_options,
	.in_keys = oprint_in,
	.counters = oprint_counters,
	.priv_size = sizeof(struct oprint_priv),
	.start = oprint_start,
	.process = oprint_process,
	.flush = oprint_flush,
	.reopen = oprint_reopen,
	.stop = oprint_stop,
};
