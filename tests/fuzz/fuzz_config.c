/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/fuzz/fuzz_config - the config parser and option parsing on any bytes
 *
 * Parses the input as a config file, then every section against an option
 * table with one option of each type, as the engine would. Nothing may
 * crash, leak or read out of bounds whatever the bytes.
 */
#include "nfp.h"

#include "core.h"

struct fz_priv {
	char *s;		/* string */
	char *path;		/* path */
	int64_t i;		/* int */
	uint64_t u;		/* uint */
	bool b;			/* bool */
	uint64_t size;		/* size */
	uint64_t dur;		/* duration */
	int e;			/* enum */
	char *multi;		/* multi string */
};

static const char *const fz_enums[] = { "ulogd", "kernel", NULL };

static const struct nfp_option fz_opts[] = {
	{ .name = "file", .type = NFP_OPT_STRING, .def = "x",
	  .off = offsetof(struct fz_priv, s) },
	{ .name = "path", .type = NFP_OPT_PATH,
	  .off = offsetof(struct fz_priv, path) },
	{ .name = "group", .type = NFP_OPT_INT, .def = "0", .min = -5,
	  .max = 65535, .off = offsetof(struct fz_priv, i) },
	{ .name = "count", .type = NFP_OPT_UINT, .def = "1",
	  .off = offsetof(struct fz_priv, u) },
	{ .name = "sync", .type = NFP_OPT_BOOL, .def = "0",
	  .off = offsetof(struct fz_priv, b) },
	{ .name = "buf", .type = NFP_OPT_SIZE, .def = "1M",
	  .off = offsetof(struct fz_priv, size) },
	{ .name = "every", .type = NFP_OPT_DURATION, .def = "1s", .unit = "s",
	  .off = offsetof(struct fz_priv, dur) },
	{ .name = "format", .type = NFP_OPT_ENUM, .def = "ulogd",
	  .enums = fz_enums, .off = offsetof(struct fz_priv, e) },
	{ .name = "line", .type = NFP_OPT_STRING, .flags = NFP_OPT_MULTI,
	  .off = offsetof(struct fz_priv, multi) },
	{ 0 }
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nfp_conf_section *sec;
	struct nfp_conf *conf = NULL;
	struct nfp_diags d;
	char *text, buf[512];
	struct nfp_diag *dg;

	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	nfp_diags_init(&d);
	nfp_conf_parse("fuzz.conf", text, &conf, &d);
	for (sec = conf ? conf->sections : NULL; sec; sec = sec->next) {
		struct fz_priv p;

		memset(&p, 0, sizeof(p));
		nfp_opts_apply(fz_opts, &p, sec, sec->name, &d);
		nfp_opts_free(fz_opts, &p);
	}
	for (dg = d.head; dg; dg = dg->next)
		nfp_diag_format(dg, buf, sizeof(buf));
	nfp_diags_free(&d);
	nfp_conf_free(conf);
	free(text);
	return 0;
}

static const char *const NFP_FUZZ_CORPUS[] = { "tests/data/conf", "etc",
						NULL };
#include "replay.h"
