/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * core/diag - collected config diagnostics and "did you mean" suggestions
 *
 * Config checking reports every problem at once, so nothing here prints
 * while the config is read: each problem becomes a struct nfp_diag appended
 * to a list, and the caller prints the list (nfp_diags_print) or formats
 * single entries (nfp_diag_format) when it is done. A diagnostic owns
 * copies of all its strings. Running out of memory while recording one
 * aborts: a config checker that silently loses an error is worse than one
 * that dies. Not thread-safe; the config is read by the main thread only.
 */
#include "nfp.h"
#include "core.h"

#include <ctype.h>
#include <stdarg.h>
#include <strings.h>

void nfp_diags_init(struct nfp_diags *d)
{
	d->head = NULL;
	d->tail = &d->head;
	d->errors = 0;
	d->warnings = 0;
}

static void *xmalloc(size_t len)
{
	void *p = malloc(len ? len : 1);

	if (!p) {
		fputs("nfpiped: out of memory recording a diagnostic\n",
		      stderr);
		abort();
	}
	return p;
}

static char *xstrdup(const char *s)
{
	size_t len;
	char *p;

	if (!s)
		return NULL;
	len = strlen(s) + 1;
	p = xmalloc(len);
	memcpy(p, s, len);
	return p;
}

void nfp_diag(struct nfp_diags *d, enum nfp_level level, const char *file,
	      unsigned int line, const char *inst, const char *hint,
	      const char *fmt, ...)
{
	struct nfp_diag *dg;
	va_list ap;
	int n;

	dg = xmalloc(sizeof(*dg));
	dg->next = NULL;
	dg->level = level;
	dg->file = xstrdup(file);
	dg->line = line;
	dg->inst = xstrdup(inst);
	dg->hint = xstrdup(hint);

	va_start(ap, fmt);
	n = vasprintf(&dg->msg, fmt, ap);
	va_end(ap);
	if (n < 0) {
		fputs("nfpiped: out of memory recording a diagnostic\n",
		      stderr);
		abort();
	}

	/* FATAL counts as an error: either way nothing may start. */
	if (level >= NFP_LOG_ERROR)
		d->errors++;
	else if (level == NFP_LOG_WARN)
		d->warnings++;

	*d->tail = dg;
	d->tail = &dg->next;
}

static const char *level_word(enum nfp_level level)
{
	if (level >= NFP_LOG_ERROR)
		return "error";
	if (level == NFP_LOG_WARN)
		return "warning";
	return "note";
}

int nfp_diag_format(const struct nfp_diag *dg, char *buf, size_t len)
{
	char where[64];
	const char *file = "";
	const char *sep = "";

	/*
	 * "FILE:LINE: " when both are known, "FILE: " for problems of the
	 * whole file (it cannot be read), "line N: " for text parsed without
	 * a name; nothing when neither is known.
	 */
	where[0] = '\0';
	if (dg->file) {
		file = dg->file;
		if (dg->line)
			snprintf(where, sizeof(where), ":%u: ", dg->line);
		else
			snprintf(where, sizeof(where), ": ");
	} else if (dg->line) {
		snprintf(where, sizeof(where), "line %u: ", dg->line);
	}

	if (dg->hint)
		sep = "; ";
	return snprintf(buf, len, "%s%s%s: %s%s%s%s%s%s", file, where,
			level_word(dg->level), dg->inst ? "[" : "",
			dg->inst ? dg->inst : "", dg->inst ? "] " : "", dg->msg,
			sep, dg->hint ? dg->hint : "");
}

void nfp_diags_print(const struct nfp_diags *d, FILE *f)
{
	const struct nfp_diag *dg;
	char small[512];

	for (dg = d->head; dg; dg = dg->next) {
		char *buf = small;
		int n = nfp_diag_format(dg, small, sizeof(small));

		/* A long message (a value quoted in full) gets a buffer. */
		if (n >= (int)sizeof(small)) {
			buf = xmalloc((size_t)n + 1);
			nfp_diag_format(dg, buf, (size_t)n + 1);
		}
		if (n >= 0)
			fprintf(f, "%s\n", buf);
		if (buf != small)
			free(buf);
	}
}

void nfp_diags_free(struct nfp_diags *d)
{
	struct nfp_diag *dg, *next;

	for (dg = d->head; dg; dg = next) {
		next = dg->next;
		free(dg->file);
		free(dg->inst);
		free(dg->msg);
		free(dg->hint);
		free(dg);
	}
	nfp_diags_init(d);
}

/*
 * Optimal string alignment distance (Damerau-Levenshtein without repeated
 * edits of one substring), ignoring case: a swapped pair of letters is the
 * commonest typo in option names and costs one edit, not two.
 */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t *prev2, *prev, *cur, *tmp, i, j, dist;

	prev2 = xmalloc(3 * (lb + 1) * sizeof(*prev2));
	prev = prev2 + lb + 1;
	cur = prev + lb + 1;

	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		int ca = tolower((unsigned char)a[i - 1]);

		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			int cb = tolower((unsigned char)b[j - 1]);
			size_t best = prev[j - 1] + (ca != cb);

			if (prev[j] + 1 < best)
				best = prev[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (i > 1 && j > 1 &&
			    ca == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == cb &&
			    prev2[j - 2] + 1 < best)
				best = prev2[j - 2] + 1;
			cur[j] = best;
		}
		/* Rotate the three rows without copying. */
		tmp = prev2;
		prev2 = prev;
		prev = cur;
		cur = tmp;
	}
	dist = prev[lb];

	/* The block starts at the lowest of the three row pointers. */
	tmp = prev2;
	if (prev < tmp)
		tmp = prev;
	if (cur < tmp)
		tmp = cur;
	free(tmp);
	return dist;
}

const char *nfp_suggest(const char *word, const char *const *cands)
{
	const char *best = NULL;
	size_t best_dist = (size_t)-1, limit, i;

	if (!word || !cands)
		return NULL;

	/* Only the case differs ("File" for "file"): that one, always. */
	for (i = 0; cands[i]; i++)
		if (!strcasecmp(word, cands[i]))
			return cands[i];

	limit = strlen(word) / 3;
	if (limit < 1)
		limit = 1;
	for (i = 0; cands[i]; i++) {
		size_t dist = edit_distance(word, cands[i]);

		/* Ties go to the first candidate: table order is deliberate. */
		if (dist < best_dist) {
			best_dist = dist;
			best = cands[i];
		}
	}
	return best_dist <= limit ? best : NULL;
}
