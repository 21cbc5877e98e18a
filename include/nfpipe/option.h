/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nfpipe/option.h - declarative option tables
 *
 * A plugin describes its options in a { 0 }-terminated table. The core parses
 * the instance's config section against it, applies the defaults (given as
 * strings and parsed exactly like user input), checks bounds, rejects unknown
 * names with a "did you mean", stores each value at .off in the instance's
 * private area, and frees what it allocated when the instance goes away.
 *
 * Storage by type (the field at .off must have this C type):
 *   NFP_OPT_STRING, NFP_OPT_PATH  char *     (owned by the core; NULL if unset
 *                                             and no default)
 *   NFP_OPT_INT                   int64_t    (decimal, 0x hex, 0 octal)
 *   NFP_OPT_UINT                  uint64_t
 *   NFP_OPT_BOOL                  bool       (1/0, yes/no, true/false, on/off)
 *   NFP_OPT_SIZE                  uint64_t   bytes; suffixes k, M, G (1024)
 *   NFP_OPT_DURATION              uint64_t   milliseconds; suffixes ms, s, m, h
 *                                            (a bare number means .unit)
 *   NFP_OPT_ENUM                  int        index into .enums
 */
#ifndef NFPIPE_OPTION_H
#define NFPIPE_OPTION_H

#include <stddef.h>

#include <nfpipe/api.h>
#include <stdint.h>

enum nfp_opt_type {
	NFP_OPT_NONE = 0,
	NFP_OPT_STRING,
	NFP_OPT_PATH,
	NFP_OPT_INT,
	NFP_OPT_UINT,
	NFP_OPT_BOOL,
	NFP_OPT_SIZE,
	NFP_OPT_DURATION,
	NFP_OPT_ENUM,
};

#define NFP_OPT_REQUIRED	0x1	/* no default: the config must set it */
#define NFP_OPT_SECRET		0x2	/* never printed or logged */
#define NFP_OPT_DEPRECATED	0x4	/* accepted with a warning quoting .help */
#define NFP_OPT_MULTI		0x8	/* STRING: repeated lines joined by '\n' */

struct nfp_option {
	const char *name;		/* as written in the config */
	enum nfp_opt_type type;		/* storage type, see above */
	uint32_t flags;			/* NFP_OPT_* flags */
	const char *def;		/* default, parsed like user input */
	int64_t min;			/* INT/UINT/SIZE/DURATION bounds, */
	int64_t max;			/* checked when min < max */
	const char *const *enums;	/* ENUM: NULL-terminated names */
	const char *unit;		/* DURATION: "s" or "ms" for bare numbers */
	size_t off;			/* offset in the instance's priv */
	const char *help;		/* one line: what it does */
};

/* "string", "uint", ... for --help-plugin and the docs. */
NFP_API const char *nfp_opt_type_name(enum nfp_opt_type type);

#endif /* NFPIPE_OPTION_H */
