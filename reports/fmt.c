/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * reports/fmt - text, CSV and JSON writers for reports (HTML: html.c)
 *
 * See fmt.h. Text fits 80 columns: times in a table drop the year (the
 * heading line carries the full range) and the widest text column is cut
 * with '~' when a row would still be wider. CSV and JSON are exact: no
 * separators, no units, times in RFC 3339 UTC.
 */
#include "nfp.h"

#include <inttypes.h>
#include <math.h>
#include <time.h>

#include "fmt.h"
#include "timespec.h"

#define TEXT_WIDTH 80

struct fval *freport_add_row(struct freport *r)
{
	struct fval *row;

	if (r->nrows == r->cap) {
		int cap = r->cap ? r->cap * 2 : 16;
		struct fval *c =
			realloc(r->cells, (size_t)cap * r->ncols * sizeof(*c));

		if (!c)
			return NULL;
		r->cells = c;
		r->cap = cap;
	}
	row = &r->cells[(size_t)r->nrows * r->ncols];
	memset(row, 0, r->ncols * sizeof(*row));
	for (int i = 0; i < r->ncols; i++)
		row[i].null = true;
	r->nrows++;
	return row;
}

struct fval *freport_cell(const struct freport *r, int row, int col)
{
	return &r->cells[(size_t)row * r->ncols + col];
}

void freport_fact(struct freport *r, const char *key, const char *label,
		  enum fcol_kind kind, int64_t i, const char *s)
{
	struct ffact *f;

	if (r->nfacts >= FREPORT_MAX_FACTS)
		return;
	f = &r->facts[r->nfacts++];
	f->key = key;
	f->label = label;
	f->kind = kind;
	f->v.null = kind == FK_TEXT && !s;
	f->v.i = i;
	f->v.s = s ? strdup(s) : NULL;
}

void freport_free(struct freport *r)
{
	int i;

	if (!r)
		return;
	for (i = 0; i < r->nrows * r->ncols; i++)
		free(r->cells[i].s);
	for (i = 0; i < r->nfacts; i++)
		free(r->facts[i].v.s);
	free(r->cells);
	free(r);
}

int fmt_parse(const char *s, enum fmt_kind *out)
{
	static const char *const names[] = { "text", "csv", "json", "html" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(s, names[i])) {
			*out = (enum fmt_kind)i;
			return 0;
		}
	return -EINVAL;
}

void fmt_thousands(int64_t v, char *buf, size_t len)
{
	char digits[32], out[48];
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	int n, i, o = 0;

	n = snprintf(digits, sizeof(digits), "%" PRIu64, u);
	if (v < 0)
		out[o++] = '-';
	for (i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
	snprintf(buf, len, "%s", out);
}

void fmt_human_bytes(int64_t v, char *buf, size_t len)
{
	static const char *const units[] = { "KiB", "MiB", "GiB",
					     "TiB", "PiB", "EiB" };
	double x = (double)v;
	int u = -1;

	if (v < 1024 && v > -1024) {
		snprintf(buf, len, "%" PRId64 " B", v);
		return;
	}
	while (fabs(x) >= 1024 && u < 5) {
		x /= 1024;
		u++;
	}
	if (fabs(x) < 10)
		snprintf(buf, len, "%.1f %s", x, units[u]);
	else
		snprintf(buf, len, "%.0f %s", x, units[u]);
}

static void fmt_duration(int64_t s, char *buf, size_t len)
{
	if (s < 60)
		snprintf(buf, len, "%" PRId64 "s", s);
	else if (s < 3600)
		snprintf(buf, len, "%" PRId64 "m%02" PRId64 "s", s / 60,
			 s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%" PRId64 "h%02" PRId64 "m", s / 3600,
			 s / 60 % 60);
	else
		snprintf(buf, len, "%" PRId64 "d%02" PRId64 "h", s / 86400,
			 s / 3600 % 24);
}

/* The text form of a cell for people. */
static void cell_text(const struct fval *v, enum fcol_kind k, char *buf,
		      size_t len)
{
	if (v->null) {
		snprintf(buf, len, "-");
		return;
	}
	switch (k) {
	case FK_TEXT:
		snprintf(buf, len, "%s", v->s ? v->s : "");
		break;
	case FK_INT:
		fmt_thousands(v->i, buf, len);
		break;
	case FK_BYTES:
		fmt_human_bytes(v->i, buf, len);
		break;
	case FK_TIME: {
		time_t t = (time_t)v->i;
		struct tm tm;

		if (!gmtime_r(&t, &tm) ||
		    !strftime(buf, len, "%m-%d %H:%M:%S", &tm))
			snprintf(buf, len, "%" PRId64, v->i);
		break;
	}
	case FK_PCT:
		snprintf(buf, len, "%.1f%%", v->d);
		break;
	case FK_DUR:
		fmt_duration(v->i, buf, len);
		break;
	}
}

/* Columns on screen: UTF-8 continuation bytes take none. */
static int text_width(const char *s)
{
	int w = 0;

	for (; *s; s++)
		w += ((unsigned char)*s & 0xC0) != 0x80;
	return w;
}

/* Cut @s to @w columns, the last one '~'. */
static void text_cut(char *s, int w)
{
	int seen = 0;
	char *p;

	if (text_width(s) <= w)
		return;
	for (p = s; *p; p++) {
		if (((unsigned char)*p & 0xC0) == 0x80)
			continue;
		if (seen == w - 1) {
			p[0] = '~';
			p[1] = '\0';
			return;
		}
		seen++;
	}
}

static void heading(FILE *f, const struct freport *r)
{
	char a[32], b[32];

	ts_human(r->since, a, sizeof(a));
	ts_human(r->until, b, sizeof(b));
	fprintf(f, "%s\n%s to %s UTC\n", r->title, a, b);
}

static int write_text(FILE *f, const struct freport *r)
{
	int w[FREPORT_MAX_COLS], total, i, j, bar = 0, widest;
	char buf[512];

	heading(f, r);
	for (i = 0; i < r->nfacts; i++) {
		const struct ffact *fa = &r->facts[i];

		if (fa->kind == FK_TIME && !fa->v.null)
			ts_human(fa->v.i, buf, sizeof(buf));
		else
			cell_text(&fa->v, fa->kind, buf, sizeof(buf));
		if (fa->kind == FK_BYTES && !fa->v.null) {
			char exact[40];

			fmt_thousands(fa->v.i, exact, sizeof(exact));
			fprintf(f, "  %-14s %s (%s bytes)\n", fa->label, buf,
				exact);
		} else {
			fprintf(f, "  %-14s %s\n", fa->label, buf);
		}
	}
	if (!r->ncols || (!r->nrows && r->nfacts))
		goto out;
	if (!r->nrows) {
		fprintf(f, "  (no rows)\n");
		goto out;
	}
	for (j = 0; j < r->ncols; j++)
		w[j] = text_width(r->cols[j].head);
	for (i = 0; i < r->nrows; i++)
		for (j = 0; j < r->ncols; j++) {
			int cw;

			if (r->cols[j].wide)
				continue;

			cell_text(freport_cell(r, i, j), r->cols[j].kind, buf,
				  sizeof(buf));
			cw = text_width(buf);
			if (cw > w[j])
				w[j] = cw;
		}
	/* Too wide: cut the widest text column, never below 8. */
	for (;;) {
		total = 0;
		widest = -1;
		for (j = 0; j < r->ncols; j++) {
			if (r->cols[j].wide)
				continue;
			total += w[j] + (total ? 2 : 0);
			if (r->cols[j].kind == FK_TEXT &&
			    w[j] > text_width(r->cols[j].head) &&
			    (widest < 0 || w[j] > w[widest]))
				widest = j;
		}
		if (total <= TEXT_WIDTH || widest < 0)
			break;
		/* never narrower than its heading */
		{
			int least = text_width(r->cols[widest].head);
			int cut = total - TEXT_WIDTH;

			if (least < 8)
				least = 8;
			if (w[widest] <= least)
				break;
			w[widest] -= cut < w[widest] - least
					     ? cut
					     : w[widest] - least;
		}
	}
	/* A time series gets a bar per line in what is left of 80. */
	if (r->chart == FCHART_LINE && TEXT_WIDTH - total - 2 >= 10)
		bar = TEXT_WIDTH - total - 2;
	for (j = 0; j < r->ncols; j++) {
		bool left = r->cols[j].kind == FK_TEXT;
		const char *h = r->cols[j].head;
		int pad = w[j] - text_width(h);

		if (r->cols[j].wide)
			continue;
		if (j)
			fputs("  ", f);
		if (!left)
			fprintf(f, "%*s", pad, "");
		fputs(h, f);
		if (left && (j < r->ncols - 1 || bar))
			fprintf(f, "%*s", pad, "");
	}
	fputc('\n', f);
	{
		int64_t max = 1;

		if (bar)
			for (i = 0; i < r->nrows; i++) {
				const struct fval *v =
					freport_cell(r, i, r->chart_col);

				if (!v->null && v->i > max)
					max = v->i;
			}
		for (i = 0; i < r->nrows; i++) {
			for (j = 0; j < r->ncols; j++) {
				bool left = r->cols[j].kind == FK_TEXT;
				int pad;

				if (r->cols[j].wide)
					continue;
				cell_text(freport_cell(r, i, j),
					  r->cols[j].kind, buf, sizeof(buf));
				text_cut(buf, w[j]);
				pad = w[j] - text_width(buf);
				if (j)
					fputs("  ", f);
				if (!left)
					fprintf(f, "%*s", pad, "");
				fputs(buf, f);
				if (left && j < r->ncols - 1)
					fprintf(f, "%*s", pad, "");
			}
			if (bar) {
				const struct fval *v =
					freport_cell(r, i, r->chart_col);
				int n = v->null ? 0
						: (int)((double)v->i * bar /
								(double)max +
							0.5);

				if (n)
					fputs("  ", f);
				for (j = 0; j < n; j++)
					fputc('#', f);
			}
			fputc('\n', f);
		}
	}
out:
	return ferror(f) ? -EIO : 0;
}

/* ---- CSV ------------------------------------------------------------------
 */

static void csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* The exact form of a cell for machines (CSV, HTML data-v). */
static void cell_exact(const struct fval *v, enum fcol_kind k, char *buf,
		       size_t len)
{
	if (v->null) {
		buf[0] = '\0';
		return;
	}
	switch (k) {
	case FK_TEXT:
		snprintf(buf, len, "%s", v->s ? v->s : "");
		break;
	case FK_TIME:
		ts_rfc3339(v->i, buf, len);
		break;
	case FK_PCT:
		snprintf(buf, len, "%.2f", v->d);
		break;
	default:
		snprintf(buf, len, "%" PRId64, v->i);
		break;
	}
}

static int write_csv(FILE *f, const struct freport *r)
{
	char buf[512];
	int i, j;

	for (j = 0; j < r->ncols; j++) {
		if (j)
			fputc(',', f);
		csv_field(f, r->cols[j].key);
	}
	fputs("\r\n", f);
	for (i = 0; i < r->nrows; i++) {
		for (j = 0; j < r->ncols; j++) {
			if (j)
				fputc(',', f);
			cell_exact(freport_cell(r, i, j), r->cols[j].kind, buf,
				   sizeof(buf));
			csv_field(f, buf);
		}
		fputs("\r\n", f);
	}
	return ferror(f) ? -EIO : 0;
}

/* ---- JSON -----------------------------------------------------------------
 */

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void json_val(FILE *f, const struct fval *v, enum fcol_kind k)
{
	char buf[40];

	if (v->null) {
		fputs("null", f);
		return;
	}
	switch (k) {
	case FK_TEXT:
		json_str(f, v->s ? v->s : "");
		break;
	case FK_TIME:
		ts_rfc3339(v->i, buf, sizeof(buf));
		json_str(f, buf);
		break;
	case FK_PCT:
		fprintf(f, "%.2f", v->d);
		break;
	default:
		fprintf(f, "%" PRId64, v->i);
		break;
	}
}

static int write_json(FILE *f, const struct freport *r)
{
	char buf[40];
	int i, j;

	fputs("{\"report\":", f);
	json_str(f, r->name);
	fputs(",\"title\":", f);
	json_str(f, r->title);
	ts_rfc3339(r->since, buf, sizeof(buf));
	fprintf(f, ",\"since\":\"%s\"", buf);
	ts_rfc3339(r->until, buf, sizeof(buf));
	fprintf(f, ",\"until\":\"%s\"", buf);
	if (r->interval)
		fprintf(f, ",\"interval\":%" PRId64, r->interval);
	for (i = 0; i < r->nfacts; i++) {
		fputc(',', f);
		json_str(f, r->facts[i].key);
		fputc(':', f);
		json_val(f, &r->facts[i].v, r->facts[i].kind);
	}
	fputs(",\"rows\":[", f);
	for (i = 0; i < r->nrows; i++) {
		fputs(i ? ",{" : "{", f);
		for (j = 0; j < r->ncols; j++) {
			if (j)
				fputc(',', f);
			json_str(f, r->cols[j].key);
			fputc(':', f);
			json_val(f, freport_cell(r, i, j), r->cols[j].kind);
		}
		fputc('}', f);
	}
	fputs("]}\n", f);
	return ferror(f) ? -EIO : 0;
}

int fmt_write(FILE *f, enum fmt_kind k, struct freport *const *r, int n,
	      const struct fmt_page *page)
{
	int i, ret = 0;

	if (k == FMT_HTML)
		return fmt_html(f, r, n, page);
	for (i = 0; i < n && !ret; i++) {
		if (i && k != FMT_JSON)
			fputs(k == FMT_CSV ? "\r\n" : "\n", f);
		switch (k) {
		case FMT_TEXT:
			ret = write_text(f, r[i]);
			break;
		case FMT_CSV:
			ret = write_csv(f, r[i]);
			break;
		default:
			ret = write_json(f, r[i]);
			break;
		}
	}
	return ret;
}

void fmt_cell_exact(const struct fval *v, enum fcol_kind k, char *buf,
		    size_t len)
{
	cell_exact(v, k, buf, len);
}

void fmt_cell_text(const struct fval *v, enum fcol_kind k, char *buf,
		   size_t len)
{
	cell_text(v, k, buf, len);
}
