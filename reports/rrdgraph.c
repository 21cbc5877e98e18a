/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * reports/rrdgraph - the RRD output's files drawn by librrd, for HTML
 *
 * `--rrd DIR` with --format html: each DIR/NAME.rrd that the RRD output
 * wrote (all.rrd first, then by name, at most 16) is drawn by rrd_graph
 * as SVG over the report's range: packets/s and bytes/s for packet files,
 * in/out bytes/s for flow files (plugins/output/rrd/README.md has the
 * layout). The SVG documents go to the page, which embeds them as data:
 * URIs. Built without librrd, --rrd says so.
 */
#include "nfp.h"

#include <dirent.h>
#include <inttypes.h>

#ifdef NFP_HAVE_RRD
#include <rrd.h>
#endif

#include "fmt.h"

#if defined(NFP_HAVE_RRD) && defined(__SANITIZE_ADDRESS__)
/*
 * rrd_graph keeps fontconfig's and its own caches for the life of the
 * process and offers no call to free them: not leaks of nfpipe's, so the
 * sanitizer build (make check under ASan) is told to ignore them.
 */
const char *__lsan_default_suppressions(void);
__attribute__((visibility("default"))) const char *
__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\nleak:librrd.so\nleak:libpango\n"
	       "leak:libcairo\nleak:__vasprintf_internal\n";
}
#endif

#ifdef NFP_HAVE_RRD
static int by_name(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;

	if (!strcmp(x, "all.rrd"))
		return -1;
	if (!strcmp(y, "all.rrd"))
		return 1;
	return strcmp(x, y);
}

/* @path with ':' escaped for a DEF. */
static void def_path(const char *path, char *buf, size_t len)
{
	size_t o = 0;

	for (; *path && o + 3 < len; path++) {
		if (*path == ':' || *path == '\\')
			buf[o++] = '\\';
		buf[o++] = *path;
	}
	buf[o] = '\0';
}

/* Does @file have data source @ds? */
static bool has_ds(const char *file, const char *ds)
{
	rrd_info_t *info = rrd_info_r(file), *i;
	char key[64];
	bool found = false;

	snprintf(key, sizeof(key), "ds[%s].index", ds);
	for (i = info; i; i = i->next)
		if (!strcmp(i->key, key))
			found = true;
	rrd_info_free(info);
	rrd_clear_error();
	return found;
}

/* The SVG of one file, malloc'ed, or NULL. */
static char *graph(const char *file, const char *name, int64_t since,
		   int64_t until)
{
	char start[32], end[32], title[160], p[4200], d1[4400], d2[4400];
	char *argv[24], *svg = NULL;
	rrd_info_t *info, *i;
	int argc = 0;
	bool flows;

	flows = has_ds(file, "in_bytes");
	if (!flows && !has_ds(file, "packets"))
		return NULL;
	snprintf(start, sizeof(start), "%" PRId64, since);
	snprintf(end, sizeof(end), "%" PRId64, until);
	snprintf(title, sizeof(title), "%s", name);
	def_path(file, p, sizeof(p));
	argv[argc++] = (char *)"graph";
	argv[argc++] = (char *)"-";
	argv[argc++] = (char *)"--imgformat";
	argv[argc++] = (char *)"SVG";
	argv[argc++] = (char *)"--start";
	argv[argc++] = start;
	argv[argc++] = (char *)"--end";
	argv[argc++] = end;
	argv[argc++] = (char *)"--width";
	argv[argc++] = (char *)"620";
	argv[argc++] = (char *)"--height";
	argv[argc++] = (char *)"140";
	argv[argc++] = (char *)"--title";
	argv[argc++] = title;
	if (flows) {
		snprintf(d1, sizeof(d1), "DEF:a=%s:in_bytes:AVERAGE", p);
		snprintf(d2, sizeof(d2), "DEF:b=%s:out_bytes:AVERAGE", p);
		argv[argc++] = d1;
		argv[argc++] = d2;
		argv[argc++] = (char *)"AREA:a#457b9d:in bytes/s";
		argv[argc++] = (char *)"LINE1:b#e63946:out bytes/s";
	} else {
		snprintf(d1, sizeof(d1), "DEF:a=%s:packets:AVERAGE", p);
		snprintf(d2, sizeof(d2), "DEF:b=%s:bytes:AVERAGE", p);
		argv[argc++] = d1;
		argv[argc++] = d2;
		argv[argc++] = (char *)"AREA:a#457b9d:packets/s";
		argv[argc++] = (char *)"LINE1:b#e63946:bytes/s";
	}
	argv[argc] = NULL;
	rrd_clear_error();
	info = rrd_graph_v(argc, argv);
	for (i = info; i; i = i->next)
		if (!strcmp(i->key, "image") && i->type == RD_I_BLO) {
			svg = malloc(i->value.u_blo.size + 1);
			if (svg) {
				memcpy(svg, i->value.u_blo.ptr,
				       i->value.u_blo.size);
				svg[i->value.u_blo.size] = '\0';
			}
		}
	rrd_info_free(info);
	rrd_clear_error();
	return svg;
}
#endif

int report_rrd_graphs(const char *dir, int64_t since, int64_t until,
		      struct fmt_page *page, char *why, size_t len)
{
#ifdef NFP_HAVE_RRD
	char *names[256], path[4096];
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0, i;

	if (!d) {
		snprintf(why, len, "%s", strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) && n < 256) {
		size_t l = strlen(de->d_name);

		if (l > 4 && !strcmp(de->d_name + l - 4, ".rrd"))
			names[n] = strdup(de->d_name), n += !!names[n];
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), by_name);
	for (i = 0; i < n; i++) {
		if (page->nrrd < (int)ARRAY_SIZE(page->rrd_svg)) {
			char *svg;

			snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
			svg = graph(path, names[i], since, until);
			if (svg) {
				page->rrd_svg[page->nrrd] = svg;
				page->rrd_name[page->nrrd] = names[i];
				page->nrrd++;
				continue;
			}
		}
		free(names[i]);
	}
	if (!page->nrrd) {
		snprintf(why, len, "no RRD files with packets or in_bytes");
		return -1;
	}
	return 0;
#else
	(void)dir;
	(void)since;
	(void)until;
	(void)page;
	snprintf(why, len, "nfpipe was built without librrd");
	return -1;
#endif
}
