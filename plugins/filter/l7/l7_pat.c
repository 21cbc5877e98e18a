// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * filter/l7 - load and match l7-filter .pat files with PCRE2
 *
 * See l7_pat.h. Loading reads whole files, reports the first error with
 * its file:line, and allocates only then; matching uses one match-data
 * block made at load time (no allocation per packet) and PCRE2's JIT when
 * it is available.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "l7_pat.h"

struct l7p_pat {
	char *name;	  /* the protocol name line */
	pcre2_code *code; /* the compiled expression */
};

struct l7p_set {
	struct l7p_pat *pat;  /* patterns in load order */
	unsigned int n;	      /* used entries of pat */
	unsigned int cap;     /* allocated entries of pat */
	pcre2_match_data *md; /* shared by every match */
};

static void seterr(char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void seterr(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int add(struct l7p_set *s, const char *path, unsigned int line,
	       const char *name, const char *re, char *err, size_t len)
{
	PCRE2_UCHAR msg[160];
	PCRE2_SIZE off;
	pcre2_code *code;
	int ec;

	code = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED,
			     PCRE2_CASELESS | PCRE2_DOTALL, &ec, &off, NULL);
	if (!code) {
		pcre2_get_error_message(ec, msg, sizeof(msg));
		seterr(err, len, "%s:%u: pattern %s: %s at offset %zu", path,
		       line, name, (const char *)msg, (size_t)off);
		return -1;
	}
	(void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
	if (s->n == s->cap) {
		unsigned int cap = s->cap ? s->cap * 2 : 8;
		void *p = realloc(s->pat, cap * sizeof(*s->pat));

		if (!p)
			goto nomem;
		s->pat = p;
		s->cap = cap;
	}
	s->pat[s->n].name = strdup(name);
	if (!s->pat[s->n].name)
		goto nomem;
	s->pat[s->n].code = code;
	s->n++;
	return 0;
nomem:
	pcre2_code_free(code);
	seterr(err, len, "%s: out of memory", path);
	return -1;
}

static int load_file(struct l7p_set *s, const char *path, char *err, size_t len)
{
	char *buf = NULL, *name = NULL, *l;
	unsigned int line = 0, name_line = 0, before = s->n;
	size_t cap = 0;
	int ret = -1;
	FILE *f;

	f = fopen(path, "r");
	if (!f) {
		seterr(err, len, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (getline(&buf, &cap, f) > 0) {
		line++;
		l = trim(buf);
		if (!*l || *l == '#')
			continue;
		if (!strncmp(l, "userspace ", 10))
			continue;
		if (!name) {
			name = strdup(l);
			name_line = line;
			if (!name) {
				seterr(err, len, "%s: out of memory", path);
				goto out;
			}
			continue;
		}
		if (add(s, path, line, name, l, err, len))
			goto out;
		free(name);
		name = NULL;
	}
	if (name) {
		seterr(err, len,
		       "%s:%u: protocol %s has no pattern line after its name",
		       path, name_line, name);
		goto out;
	}
	if (s->n == before) {
		seterr(err, len, "%s:%u: no protocol name and pattern", path,
		       line ? line : 1);
		goto out;
	}
	ret = 0;
out:
	free(name);
	free(buf);
	fclose(f);
	return ret;
}

static int is_pat(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 4 && !strcmp(d->d_name + n - 4, ".pat");
}

static int load_path(struct l7p_set *s, const char *path, char *err, size_t len)
{
	struct dirent **ent = NULL;
	struct stat st;
	int i, n, ret = 0;

	if (stat(path, &st)) {
		seterr(err, len, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return load_file(s, path, err, len);
	n = scandir(path, &ent, is_pat, alphasort);
	if (n < 0) {
		seterr(err, len, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		char *p = NULL;

		if (!ret && asprintf(&p, "%s/%s", path, ent[i]->d_name) < 0) {
			seterr(err, len, "%s: out of memory", path);
			ret = -1;
		} else if (!ret) {
			ret = load_file(s, p, err, len);
		}
		free(p);
		free(ent[i]);
	}
	free(ent);
	return ret;
}

int l7p_load(const char *spec, struct l7p_set **out, char *err, size_t len)
{
	struct l7p_set *s;
	char *copy, *tok, *save = NULL;
	int ret = 0;

	*out = NULL;
	if (!spec)
		return 0;
	s = calloc(1, sizeof(*s));
	copy = strdup(spec);
	if (!s || !copy) {
		seterr(err, len, "out of memory");
		free(copy);
		free(s);
		return -1;
	}
	for (tok = strtok_r(copy, ",\n", &save); tok && !ret;
	     tok = strtok_r(NULL, ",\n", &save)) {
		tok = trim(tok);
		if (*tok)
			ret = load_path(s, tok, err, len);
	}
	free(copy);
	if (!ret && s->n) {
		s->md = pcre2_match_data_create(4, NULL);
		if (!s->md) {
			seterr(err, len, "out of memory");
			ret = -1;
		}
	}
	if (ret || !s->n) {
		l7p_free(s);
		return ret;
	}
	*out = s;
	return 0;
}

void l7p_free(struct l7p_set *s)
{
	unsigned int i;

	if (!s)
		return;
	for (i = 0; i < s->n; i++) {
		free(s->pat[i].name);
		pcre2_code_free(s->pat[i].code);
	}
	free(s->pat);
	pcre2_match_data_free(s->md);
	free(s);
}

unsigned int l7p_count(const struct l7p_set *s)
{
	return s ? s->n : 0;
}

const char *l7p_name(const struct l7p_set *s, unsigned int i)
{
	return s->pat[i].name;
}

int l7p_match(struct l7p_set *s, const uint8_t *buf, size_t len)
{
	unsigned int i;

	for (i = 0; i < s->n; i++)
		if (pcre2_match(s->pat[i].code, buf, len, 0, 0, s->md, NULL) >=
		    0)
			return (int)i;
	return -1;
}
