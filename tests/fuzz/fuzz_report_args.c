/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/fuzz/fuzz_report_args - nfpipe report's parsers on any input
 *
 * The input is split at newlines into an argument vector for
 * report_args() (getopt, --since/--until, --limit, --interval, report
 * names and their "did you mean"); each piece also goes to ts_parse(),
 * ts_parse_duration() and rdb_mask_uri(), and the whole input becomes a
 * text cell written as text (cut to 80 columns), CSV, JSON and HTML.
 * Nothing here opens a database or a file: report_args() only parses.
 */
#include "nfp.h"

#include <stdarg.h>

#include "cli.h"
#include "db.h"
#include "fmt.h"
#include "report.h"
#include "timespec.h"

/* main.c's, quiet here. */
const char *cli_prog = "nfpipe report";

void cli_err(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
}

void cli_usage_err(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
}

#define NOW INT64_C(1796025600)

static void formats(const char *text)
{
	static const struct fcol cols[] = {
		{ "name", "Name", FK_TEXT },
		{ "packets", "Packets", FK_INT },
		{ "bytes", "Bytes", FK_BYTES },
		{ "time", "Time", FK_TIME },
	};
	struct freport *r = calloc(1, sizeof(*r)), *rs[1];
	struct fval *row;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int k, i;

	if (!r)
		return;
	r->name = "fuzz";
	snprintf(r->title, sizeof(r->title), "%.40s", text);
	r->ncols = 4;
	memcpy(r->cols, cols, sizeof(cols));
	r->chart = FCHART_BARS;
	r->chart_col = 1;
	r->label_cols = 1;
	for (i = 0; i < 2; i++) {
		row = freport_add_row(r);
		if (!row)
			break;
		row[0].s = strdup(text);
		row[0].null = !row[0].s;
		row[1].null = row[2].null = row[3].null = false;
		row[1].i = (int64_t)strlen(text) * (i + 1);
		row[2].i = -row[1].i;
		row[3].i = NOW + row[1].i;
	}
	freport_fact(r, "t", text, FK_TEXT, 0, text);
	rs[0] = r;
	for (k = FMT_TEXT; k <= FMT_HTML; k++) {
		f = open_memstream(&buf, &len);
		if (!f)
			continue;
		fmt_write(f, (enum fmt_kind)k, rs, 1, NULL);
		fclose(f);
		free(buf);
		buf = NULL;
	}
	r->chart = FCHART_LINE;
	f = open_memstream(&buf, &len);
	if (f) {
		fmt_write(f, FMT_HTML, rs, 1, NULL);
		fclose(f);
		free(buf);
	}
	freport_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, *p, *argv[34], masked[512];
	struct report_args a;
	int argc = 0;
	int64_t t;

	if (size > 4096)
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	formats(text);
	argv[argc++] = (char *)"report";
	for (p = strtok(text, "\n"); p && argc < 33; p = strtok(NULL, "\n")) {
		ts_parse(p, NOW, &t);
		ts_parse_duration(p, &t);
		rdb_mask_uri(p, masked, sizeof(masked));
		argv[argc++] = p;
	}
	argv[argc] = NULL;
	report_args(argc, argv, NOW, &a);
	free(text);
	return 0;
}

static const char *const NFP_FUZZ_CORPUS[] = { "tests/data/fuzz-report", NULL };
#include "replay.h"
