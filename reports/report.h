/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * reports/report - the command line of `nfpipe report`, parsed
 *
 * Split from running the reports so that the fuzzer (tests/fuzz/
 * fuzz_report_args.c) can drive the whole option parser without a
 * database. report_args() prints its own one-line errors.
 */
#ifndef NFP_REPORT_H
#define NFP_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "fmt.h"

#define REPORT_MAX 16
/* --until when none is given: beyond any stored time. */
#define NO_END (INT64_C(1) << 40)

struct report_args {
	const char *uri;      /* --db, or NULL */
	const char *conf;     /* -c, or NULL for the installed config */
	const char *out;      /* -o, or NULL for stdout */
	const char *rrd;      /* --rrd, or NULL */
	enum fmt_kind fmt;    /* --format */
	int64_t since, until; /* [since, until) UTC seconds */
	bool since_set;	      /* given on the command line */
	bool until_set;
	int64_t limit;	     /* --limit */
	bool by_bytes;	     /* --by bytes */
	int64_t interval;    /* --interval, 0 to choose */
	bool all;	     /* `all` was named */
	int run[REPORT_MAX]; /* indexes of the reports, in order */
	int nrun;	     /* used run[] */
};

/*
 * Parse argv (argv[0] "report") with @now the meaning of "now". Returns
 * 0, 1 when --help was printed, -1 after a one-line error. Strings point
 * into argv.
 */
int report_args(int argc, char **argv, int64_t now, struct report_args *a);

#endif /* NFP_REPORT_H */
