/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * reports/fmt - a report's result as text, CSV, JSON or HTML
 *
 * A report is a struct freport: a name, a title, the time range, a few
 * facts (totals) and one table of typed columns. The writers never query
 * anything: they turn the same struct into
 *   text  aligned columns, thousands separators, human sizes, 80 columns
 *   csv   RFC 4180 (CRLF, quoted where needed), a header line per table
 *   json  one object per report per line, numbers as numbers, times as
 *         RFC 3339 UTC strings
 *   html  one self-contained page: inline CSS, inline SVG charts drawn
 *         here, sortable tables (a few lines of inline JS), print styles.
 * The writers return 0 or -errno of the stream; they print nothing else.
 */
#ifndef NFP_REPORT_FMT_H
#define NFP_REPORT_FMT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum fmt_kind {
	FMT_TEXT,
	FMT_CSV,
	FMT_JSON,
	FMT_HTML,
};

enum fcol_kind {
	FK_TEXT,  /* a string, left-aligned */
	FK_INT,	  /* a count: 1,234 in text */
	FK_BYTES, /* a size: 1.2 MiB in text, exact elsewhere */
	FK_TIME,  /* seconds since 1970, UTC */
	FK_PCT,	  /* a share in percent (a double) */
	FK_DUR,	  /* a duration in seconds: 1h02m in text */
};

/* One value; text owned by the report. */
struct fval {
	bool null; /* SQL NULL */
	int64_t i; /* FK_INT, FK_BYTES, FK_TIME, FK_DUR */
	double d;  /* FK_PCT */
	char *s;   /* FK_TEXT: malloc'ed */
};

struct fcol {
	const char *key;     /* "packets": CSV header, JSON member */
	const char *head;    /* "Packets": text and HTML header */
	enum fcol_kind kind; /* how to print it */
	bool wide;	     /* left out of text, to fit 80 columns */
};

enum fchart {
	FCHART_NONE, /* a table only */
	FCHART_BARS, /* bars of chart_col, labelled by the first columns */
	FCHART_LINE, /* a time series: column 0 time, chart_col values */
};

#define FREPORT_MAX_COLS  12
#define FREPORT_MAX_FACTS 12

struct ffact {
	const char *key;     /* JSON member */
	const char *label;   /* for people */
	enum fcol_kind kind; /* how to print it */
	struct fval v;	     /* the value */
};

struct freport {
	const char *name;     /* "top-sources" */
	char title[96];	      /* "Top sources by packets" */
	int64_t since, until; /* the range asked for, UTC seconds */
	int nfacts;	      /* used facts[] */
	struct ffact facts[FREPORT_MAX_FACTS]; /* totals, in order */
	int ncols;			       /* used cols[] */
	struct fcol cols[FREPORT_MAX_COLS];    /* the table's columns */
	int nrows;			       /* rows in cells */
	int cap;			       /* rows allocated */
	struct fval *cells;		       /* nrows * ncols, row by row */
	enum fchart chart;		       /* what HTML draws */
	int chart_col;			       /* the column drawn */
	int label_cols;	  /* bars: how many leading columns label */
	int64_t interval; /* timeline: seconds per point */
};

/* Page-wide things only HTML and the text header use. */
struct fmt_page {
	const char *source;	  /* the database, password masked */
	int64_t generated;	  /* when, UTC seconds */
	const char *rrd_svg[16];  /* RRD graphs as SVG documents, or NULL */
	const char *rrd_name[16]; /* and their names */
	int nrrd;		  /* used entries */
};

/* Append a row of ncols NULL values; NULL when out of memory. */
struct fval *freport_add_row(struct freport *r);
struct fval *freport_cell(const struct freport *r, int row, int col);
/* Add a fact; @s is copied for FK_TEXT. */
void freport_fact(struct freport *r, const char *key, const char *label,
		  enum fcol_kind kind, int64_t i, const char *s);
void freport_free(struct freport *r);

/* Parse "text", "csv", "json", "html"; -EINVAL for others. */
int fmt_parse(const char *s, enum fmt_kind *out);

/* "1,234,567" */
void fmt_thousands(int64_t v, char *buf, size_t len);
/* "512 B", "1.5 KiB", "23 MiB" */
void fmt_human_bytes(int64_t v, char *buf, size_t len);

/* A cell exact (CSV, HTML's data-v) and for people (text, HTML). */
void fmt_cell_exact(const struct fval *v, enum fcol_kind k, char *buf,
		    size_t len);
void fmt_cell_text(const struct fval *v, enum fcol_kind k, char *buf,
		   size_t len);

/* Write reports @r[0..n) to @f in format @k. */
int fmt_write(FILE *f, enum fmt_kind k, struct freport *const *r, int n,
	      const struct fmt_page *page);
int fmt_html(FILE *f, struct freport *const *r, int n,
	     const struct fmt_page *page);

/*
 * The RRD files in @dir drawn by librrd over [@since, @until) as SVG into
 * @page (rrdgraph.c; page owns them after). Returns 0, or -1 with @why.
 */
int report_rrd_graphs(const char *dir, int64_t since, int64_t until,
		      struct fmt_page *page, char *why, size_t len);

#endif /* NFP_REPORT_FMT_H */
