/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * reports/html - reports as one self-contained HTML page
 *
 * The page needs nothing from the network: CSS and a few lines of JS
 * (click a column head to sort) are inline, the charts are SVG drawn here
 * (a bar chart for a top-N, a line and area for a time series), and RRD
 * graphs come as SVG data: URIs. Every table cell carries its exact value
 * in data-v (numbers, epoch seconds), which the sort and tests read; the
 * visible text is the people's form. Print styles drop the navigation and
 * keep a section on one page where it can.
 */
#include "nfp.h"

#include <inttypes.h>
#include <time.h>

#include "fmt.h"
#include "timespec.h"

static void esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			fputc(*s, f);
			break;
		}
	}
}

static const char css[] =
	"body{font:14px/1.4 system-ui,-apple-system,'Segoe UI',sans-serif;"
	"margin:0;color:#1d2330;background:#f4f6f9}"
	"header{background:#1d3557;color:#fff;padding:16px 28px}"
	"header h1{margin:0 0 4px;font-size:22px}"
	"header p{margin:0;opacity:.85}"
	"nav{padding:8px 28px;background:#e3e8ef;font-size:13px}"
	"nav a{margin-right:14px;color:#1d3557;text-decoration:none}"
	"main{max-width:1080px;margin:0 auto;padding:12px 20px}"
	"section{background:#fff;border-radius:6px;margin:16px 0;"
	"padding:12px 20px;box-shadow:0 1px 3px rgba(0,0,0,.12)}"
	"h2{font-size:17px;margin:4px 0 8px;color:#1d3557}"
	".range{color:#667;font-size:12px;margin:0 0 8px}"
	"dl{display:grid;grid-template-columns:max-content auto;gap:2px 16px;"
	"margin:4px 0 10px}dt{color:#667}dd{margin:0;font-weight:600}"
	"table{border-collapse:collapse;width:100%;font-size:13px;"
	"margin-top:8px}"
	"th,td{padding:4px 8px;border-bottom:1px solid #e3e8ef;"
	"text-align:left;white-space:nowrap}"
	"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
	"th{background:#f0f3f7;cursor:pointer;user-select:none}"
	"th[data-o=a]::after{content:' \\25B2'}"
	"th[data-o=d]::after{content:' \\25BC'}"
	"tbody tr:nth-child(even){background:#fafbfc}"
	"svg{max-width:100%;height:auto;display:block}"
	"svg text{font:11px system-ui,sans-serif;fill:#334}"
	".bar{fill:#457b9d}.area{fill:#a8dadc;opacity:.7}"
	".line{fill:none;stroke:#1d3557;stroke-width:1.5}"
	".grid{stroke:#dde;stroke-width:1}.dot{fill:#1d3557}"
	".scroll{max-height:440px;overflow:auto}"
	"figure{margin:8px 0}figcaption{color:#667;font-size:12px}"
	"footer{color:#889;font-size:12px;text-align:center;padding:12px}"
	"@media print{body{background:#fff}nav{display:none}"
	"header{background:#fff;color:#000;border-bottom:2px solid #000}"
	"section{box-shadow:none;border:1px solid #ccc;"
	"break-inside:avoid;page-break-inside:avoid}"
	"th{cursor:auto}.scroll{max-height:none;overflow:visible}}";

static const char js[] =
	"document.querySelectorAll('table.sortable th').forEach(function(th){"
	"th.addEventListener('click',function(){"
	"var t=th.closest('table'),b=t.tBodies[0],i=th.cellIndex,"
	"num=th.classList.contains('n'),asc=th.dataset.o!=='a';"
	"t.querySelectorAll('th').forEach(function(h){"
	"h.removeAttribute('data-o')});"
	"th.dataset.o=asc?'a':'d';"
	"Array.from(b.rows).sort(function(x,y){"
	"var p=x.cells[i].dataset.v,q=y.cells[i].dataset.v;"
	"if(num){p=p===''?-Infinity:+p;q=q===''?-Infinity:+q;"
	"return asc?p-q:q-p}"
	"return asc?p.localeCompare(q):q.localeCompare(p)})"
	".forEach(function(r){b.appendChild(r)})})});";

static bool numeric(enum fcol_kind k)
{
	return k != FK_TEXT;
}

/* The value of a cell as a number for a chart. */
static double cell_num(const struct freport *r, int row, int col)
{
	const struct fval *v = freport_cell(r, row, col);

	if (v->null)
		return 0;
	return r->cols[col].kind == FK_PCT ? v->d : (double)v->i;
}

static void axis_label(const struct freport *r, double v, char *buf, size_t len)
{
	if (r->cols[r->chart_col].kind == FK_BYTES)
		fmt_human_bytes((int64_t)v, buf, len);
	else
		fmt_thousands((int64_t)v, buf, len);
}

#define BAR_W	     760
#define BAR_LABEL    230
#define BAR_ROW	     20
#define BAR_MAX_ROWS 20

static void bars(FILE *f, const struct freport *r)
{
	int n = r->nrows < BAR_MAX_ROWS ? r->nrows : BAR_MAX_ROWS;
	int h = n * BAR_ROW + 10, i, j;
	double max = 0;
	char buf[256];

	for (i = 0; i < n; i++)
		if (cell_num(r, i, r->chart_col) > max)
			max = cell_num(r, i, r->chart_col);
	if (max <= 0)
		max = 1;
	fprintf(f,
		"<svg class=\"chart bars\" viewBox=\"0 0 %d %d\" width=\"%d\" "
		"height=\"%d\" role=\"img\" aria-label=\"",
		BAR_W, h, BAR_W, h);
	esc(f, r->title);
	fputs("\">\n", f);
	for (i = 0; i < n; i++) {
		double v = cell_num(r, i, r->chart_col);
		double w = (BAR_W - BAR_LABEL - 90) * v / max;
		int y = 5 + i * BAR_ROW;
		size_t o = 0;

		buf[0] = '\0';
		for (j = 0; j < r->label_cols && j < r->ncols; j++) {
			char part[128];

			fmt_cell_text(freport_cell(r, i, j), r->cols[j].kind,
				      part, sizeof(part));
			o += snprintf(buf + o,
				      sizeof(buf) > o ? sizeof(buf) - o : 0,
				      "%s%s", j ? " " : "", part);
		}
		if (strlen(buf) > 34)
			strcpy(buf + 31, "...");
		fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">",
			BAR_LABEL - 8, y + 14);
		esc(f, buf);
		fprintf(f,
			"</text><rect class=\"bar\" x=\"%d\" y=\"%d\" "
			"width=\"%.1f\" height=\"%d\"><title>",
			BAR_LABEL, y + 2, w < 1 ? 1 : w, BAR_ROW - 4);
		esc(f, buf);
		fmt_cell_text(freport_cell(r, i, r->chart_col),
			      r->cols[r->chart_col].kind, buf, sizeof(buf));
		fprintf(f, ": %s</title></rect>", buf);
		fprintf(f, "<text x=\"%.1f\" y=\"%d\">%s</text>\n",
			BAR_LABEL + (w < 1 ? 1 : w) + 6, y + 14, buf);
	}
	fputs("</svg>\n", f);
}

/* @max rounded up so that a quarter of it is 1, 2 or 5 times 10^k. */
static double nice_max(double max)
{
	double step = 1;

	if (max <= 0)
		return 4;
	while (step * 4 < max) {
		if (step * 2 * 4 >= max)
			return step * 2 * 4;
		if (step * 5 * 4 >= max)
			return step * 5 * 4;
		step *= 10;
	}
	return step * 4;
}

/* A round step for time ticks over @span seconds: about six ticks. */
static int64_t tick_step(int64_t span)
{
	static const int64_t steps[] = { 60,	300,	600,	900,	1800,
					 3600,	7200,	10800,	21600,	43200,
					 86400, 172800, 604800, 2592000 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(steps); i++)
		if (span / steps[i] <= 6)
			return steps[i];
	return span / 6 + 1;
}

#define LINE_W 1000
#define LINE_H 260
#define LM     80
#define RM     50
#define TM     15
#define BM     40

static void line(FILE *f, const struct freport *r)
{
	int64_t t0 = freport_cell(r, 0, 0)->i;
	int64_t t1 = freport_cell(r, r->nrows - 1, 0)->i;
	double max = 0, pw = LINE_W - LM - RM, ph = LINE_H - TM - BM;
	int64_t t, step;
	char buf[64];
	int i;

	for (i = 0; i < r->nrows; i++)
		if (cell_num(r, i, r->chart_col) > max)
			max = cell_num(r, i, r->chart_col);
	max = nice_max(max);
	if (t1 <= t0)
		t1 = t0 + 1;
#define X(t) (LM + pw * (double)((t)-t0) / (double)(t1 - t0))
#define Y(v) (TM + ph * (1 - (v) / max))
	fprintf(f,
		"<svg class=\"chart line\" viewBox=\"0 0 %d %d\" width=\"%d\" "
		"height=\"%d\" role=\"img\" aria-label=\"",
		LINE_W, LINE_H, LINE_W, LINE_H);
	esc(f, r->title);
	fputs("\">\n", f);
	for (i = 0; i <= 4; i++) {
		double v = max * i / 4;

		axis_label(r, v, buf, sizeof(buf));
		fprintf(f,
			"<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" "
			"y2=\"%.1f\"/><text x=\"%d\" y=\"%.1f\" "
			"text-anchor=\"end\">%s</text>\n",
			LM, LINE_W - RM, Y(v), Y(v), LM - 6, Y(v) + 4, buf);
	}
	/* time ticks on round UTC times, at most about six */
	step = tick_step(t1 - t0);
	for (t = (t0 + step - 1) / step * step; t <= t1; t += step) {
		time_t tt = (time_t)t;
		struct tm tm;

		gmtime_r(&tt, &tm);
		strftime(buf, sizeof(buf),
			 step % 86400 ? "%m-%d %H:%M" : "%Y-%m-%d", &tm);
		fprintf(f,
			"<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" "
			"y1=\"%d\" y2=\"%d\"/><text x=\"%.1f\" y=\"%d\" "
			"text-anchor=\"middle\">%s</text>\n",
			X(t), X(t), TM, LINE_H - BM, X(t), LINE_H - BM + 18,
			buf);
	}
	fprintf(f, "<path class=\"area\" d=\"M%.1f %.1f", X(t0), Y(0.0));
	for (i = 0; i < r->nrows; i++)
		fprintf(f, " L%.1f %.1f", X(freport_cell(r, i, 0)->i),
			Y(cell_num(r, i, r->chart_col)));
	fprintf(f, " L%.1f %.1f Z\"/>\n<polyline class=\"line\" points=\"",
		X(t1), Y(0.0));
	for (i = 0; i < r->nrows; i++)
		fprintf(f, "%s%.1f,%.1f", i ? " " : "",
			X(freport_cell(r, i, 0)->i),
			Y(cell_num(r, i, r->chart_col)));
	fputs("\"/>\n", f);
	if (r->nrows <= 200)
		for (i = 0; i < r->nrows; i++) {
			char when[32], val[48];

			ts_human(freport_cell(r, i, 0)->i, when, sizeof(when));
			fmt_cell_text(freport_cell(r, i, r->chart_col),
				      r->cols[r->chart_col].kind, val,
				      sizeof(val));
			fprintf(f,
				"<circle class=\"dot\" cx=\"%.1f\" cy=\"%.1f\" "
				"r=\"2\"><title>%s: %s</title></circle>\n",
				X(freport_cell(r, i, 0)->i),
				Y(cell_num(r, i, r->chart_col)), when, val);
		}
	fprintf(f,
		"<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" "
		"y2=\"%.1f\" style=\"stroke:#889\"/>\n</svg>\n",
		LM, LINE_W - RM, Y(0.0), Y(0.0));
#undef X
#undef Y
}

static void table(FILE *f, const struct freport *r)
{
	char buf[512];
	int i, j;

	fprintf(f,
		"<div class=\"scroll\"><table class=\"sortable\" "
		"id=\"t-%s\"><thead><tr>",
		r->name);
	for (j = 0; j < r->ncols; j++) {
		fprintf(f, "<th%s data-k=\"%s\">",
			numeric(r->cols[j].kind) ? " class=\"n\"" : "",
			r->cols[j].key);
		esc(f, r->cols[j].head);
		fputs("</th>", f);
	}
	fputs("</tr></thead>\n<tbody>\n", f);
	for (i = 0; i < r->nrows; i++) {
		fputs("<tr>", f);
		for (j = 0; j < r->ncols; j++) {
			const struct fval *v = freport_cell(r, i, j);
			enum fcol_kind k = r->cols[j].kind;

			if (k == FK_TIME && !v->null)
				snprintf(buf, sizeof(buf), "%" PRId64, v->i);
			else
				fmt_cell_exact(v, k, buf, sizeof(buf));
			fprintf(f, "<td%s data-v=\"",
				numeric(k) ? " class=\"n\"" : "");
			esc(f, buf);
			fputs("\">", f);
			if (k == FK_TIME && !v->null)
				ts_human(v->i, buf, sizeof(buf));
			else
				fmt_cell_text(v, k, buf, sizeof(buf));
			esc(f, buf);
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</tbody></table></div>\n", f);
}

static void section(FILE *f, const struct freport *r)
{
	char a[32], b[32], buf[128];
	int i;

	fprintf(f, "<section id=\"r-%s\" data-report=\"%s\">\n<h2>", r->name,
		r->name);
	esc(f, r->title);
	ts_human(r->since, a, sizeof(a));
	ts_human(r->until, b, sizeof(b));
	fprintf(f, "</h2>\n<p class=\"range\">%s to %s UTC</p>\n", a, b);
	if (r->nfacts) {
		fputs("<dl>", f);
		for (i = 0; i < r->nfacts; i++) {
			const struct ffact *fa = &r->facts[i];

			if (fa->kind == FK_TIME && !fa->v.null)
				ts_human(fa->v.i, buf, sizeof(buf));
			else
				fmt_cell_text(&fa->v, fa->kind, buf,
					      sizeof(buf));
			fputs("<dt>", f);
			esc(f, fa->label);
			fprintf(f, "</dt><dd data-k=\"%s\" data-v=\"", fa->key);
			if (fa->kind == FK_TEXT)
				esc(f, fa->v.s);
			else
				fprintf(f, "%" PRId64, fa->v.i);
			fputs("\">", f);
			esc(f, buf);
			fputs("</dd>", f);
		}
		fputs("</dl>\n", f);
	}
	if (!r->nrows) {
		fputs("<p>No rows in this range.</p>\n</section>\n", f);
		return;
	}
	if (r->chart == FCHART_BARS)
		bars(f, r);
	else if (r->chart == FCHART_LINE)
		line(f, r);
	table(f, r);
	fputs("</section>\n", f);
}

static void base64(FILE *f, const char *s)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqr"
				  "stuvwxyz0123456789+/";
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i;

	for (i = 0; i + 2 < n; i += 3) {
		fputc(tab[p[i] >> 2], f);
		fputc(tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)], f);
		fputc(tab[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)], f);
		fputc(tab[p[i + 2] & 63], f);
	}
	if (n - i == 1) {
		fputc(tab[p[i] >> 2], f);
		fputc(tab[(p[i] & 3) << 4], f);
		fputs("==", f);
	} else if (n - i == 2) {
		fputc(tab[p[i] >> 2], f);
		fputc(tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)], f);
		fputc(tab[(p[i + 1] & 15) << 2], f);
		fputc('=', f);
	}
}

int fmt_html(FILE *f, struct freport *const *r, int n,
	     const struct fmt_page *page)
{
	char a[32], b[32], g[32];
	int i;

	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8"
	      "\">\n<meta name=\"viewport\" content=\"width=device-width,"
	      "initial-scale=1\">\n<title>nfpipe report</title>\n<style>",
	      f);
	fputs(css, f);
	fputs("</style></head>\n<body>\n<header><h1>nfpipe report</h1><p>", f);
	if (n) {
		ts_human(r[0]->since, a, sizeof(a));
		ts_human(r[0]->until, b, sizeof(b));
		fprintf(f, "%s to %s UTC &middot; ", a, b);
	}
	esc(f, page && page->source ? page->source : "");
	if (page) {
		ts_human(page->generated, g, sizeof(g));
		fprintf(f, " &middot; made %s UTC", g);
	}
	fputs("</p></header>\n<nav>", f);
	for (i = 0; i < n; i++) {
		fprintf(f, "<a href=\"#r-%s\">", r[i]->name);
		esc(f, r[i]->name);
		fputs("</a>", f);
	}
	if (page && page->nrrd)
		fputs("<a href=\"#rrd\">rrd</a>", f);
	fputs("</nav>\n<main>\n", f);
	for (i = 0; i < n; i++)
		section(f, r[i]);
	if (page && page->nrrd) {
		fputs("<section id=\"rrd\"><h2>RRD graphs</h2>\n", f);
		for (i = 0; i < page->nrrd; i++) {
			fputs("<figure><img alt=\"", f);
			esc(f, page->rrd_name[i]);
			fputs("\" src=\"data:image/svg+xml;base64,", f);
			base64(f, page->rrd_svg[i]);
			fputs("\"><figcaption>", f);
			esc(f, page->rrd_name[i]);
			fputs("</figcaption></figure>\n", f);
		}
		fputs("</section>\n", f);
	}
	fprintf(f,
		"</main>\n<footer>nfpipe %s</footer>\n<script>%s</script>\n"
		"</body></html>\n",
		PACKAGE_VERSION, js);
	return ferror(f) ? -EIO : 0;
}
