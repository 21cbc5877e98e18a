/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output/sqlcols - column lists and value text shared by PGSQL and MYSQL
 *
 * See sqlcols.h for the contract. Everything here runs on the main thread
 * at configure time except the value formatters, which the workers call;
 * those touch only their arguments.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* asprintf, strndup */
#endif
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <nfpipe/plugin.h>

#include "sqlcols.h"

struct sqlc_set *sqlc_set_new(void)
{
	return calloc(1, sizeof(struct sqlc_set));
}

void sqlc_set_clear(struct sqlc_set *s)
{
	unsigned int i;

	for (i = 0; i < s->ncols; i++) {
		free(s->cols[i].name);
		free(s->cols[i].key);
		free(s->cols[i].help);
	}
	s->ncols = 0;
	free(s->keys);
	s->keys = NULL;
	s->fingerprint = 0;
}

void sqlc_set_free(struct sqlc_set *s)
{
	if (!s)
		return;
	sqlc_set_clear(s);
	free(s->cols);
	free(s);
}

char *sqlc_key_of(const char *col)
{
	char *k = strdup(col), *p;
	bool dotted;

	if (!k)
		return NULL;
	dotted = strchr(k, '.') != NULL;
	for (p = k; *p; p++) {
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + ('a' - 'A'));
		else if (*p == '_' && !dotted)
			*p = '.';
	}
	return k;
}

bool sqlc_skip(const char *col)
{
	return col[0] == '_';
}

int sqlc_add(struct sqlc_set *s, const char *name)
{
	struct sqlc_col *c;

	if (s->ncols == s->cap) {
		unsigned int cap = s->cap ? s->cap * 2 : 32;
		void *n = realloc(s->cols, cap * sizeof(*s->cols));

		if (!n)
			return -ENOMEM;
		s->cols = n;
		s->cap = cap;
	}
	c = &s->cols[s->ncols];
	memset(c, 0, sizeof(*c));
	c->name = strdup(name);
	c->key = sqlc_key_of(name);
	if (!c->name || !c->key || asprintf(&c->help, "column %s", name) < 0) {
		free(c->name);
		free(c->key);
		return -ENOMEM;
	}
	s->ncols++;
	return 0;
}

bool sqlc_has(const struct sqlc_set *s, const char *name)
{
	unsigned int i;

	for (i = 0; i < s->ncols; i++)
		if (!strcmp(s->cols[i].name, name))
			return true;
	return false;
}

/* A name the output can put between quotes: printable, no quote marks. */
static bool name_ok(const char *p, size_t n)
{
	size_t i;

	if (!n || n > 63)
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c < 0x21 || c == 0x7f || c == '"' || c == '`' ||
		    c == '\'' || c == ',' || c == '\\')
			return false;
	}
	return true;
}

int sqlc_parse_list(struct sqlc_set *s, const char *list, const char **why)
{
	const char *p = list ? list : "";
	char name[64];

	for (;;) {
		size_t n;

		while (*p == ',' || isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		n = strcspn(p, ", \t\r\n\f\v");
		if (!name_ok(p, n)) {
			*why = "a column name is empty, too long (63 at most), or holds quotes, backslashes or control characters";
			return -EINVAL;
		}
		memcpy(name, p, n);
		name[n] = '\0';
		p += n;
		if (sqlc_has(s, name)) {
			*why = "a column is named twice";
			return -EINVAL;
		}
		if (sqlc_add(s, name)) {
			*why = "out of memory";
			return -ENOMEM;
		}
	}
	if (!s->ncols) {
		*why = "no column names";
		return -EINVAL;
	}
	return 0;
}

/* ---- a small SQL tokenizer, for CREATE TABLE in schema files ------------- */

enum tok_kind {
	TK_END = 0, /* end of text */
	TK_WORD,    /* identifier or keyword, unquoted */
	TK_QUOTED,  /* "id", `id` or [id]: the text between */
	TK_PUNCT,   /* one character: ( ) , ; . and others */
	TK_OTHER,   /* string literal, number, operator run */
};

struct tok {
	enum tok_kind kind; /* what it is */
	const char *p;	    /* its text (inside the quotes) */
	size_t n;	    /* length of that text */
};

struct lexer {
	const char *p;	   /* next character */
	const char *delim; /* MySQL client "delimiter" in effect */
};

static bool word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '$' ||
	       (unsigned char)c >= 0x80;
}

/* Skip white space and comments; false at the end of the text. */
static bool lex_space(struct lexer *lx)
{
	for (;;) {
		while (isspace((unsigned char)*lx->p))
			lx->p++;
		if (lx->p[0] == '-' && lx->p[1] == '-') {
			lx->p += strcspn(lx->p, "\n");
		} else if (lx->p[0] == '#') {
			lx->p += strcspn(lx->p, "\n"); /* MySQL */
		} else if (lx->p[0] == '/' && lx->p[1] == '*') {
			const char *e = strstr(lx->p + 2, "*/");

			lx->p = e ? e + 2 : lx->p + strlen(lx->p);
		} else {
			return *lx->p != '\0';
		}
	}
}

static void lex_next(struct lexer *lx, struct tok *t)
{
	const char *p;
	char close;

	memset(t, 0, sizeof(*t));
	if (!lex_space(lx))
		return;
	p = lx->p;
	if (*p == '"' || *p == '`' || *p == '[') {
		close = *p == '[' ? ']' : *p;
		t->kind = TK_QUOTED;
		t->p = ++p;
		while (*p && !(*p == close && p[1] != close))
			p += *p == close ? 2 : 1; /* doubled quote */
		t->n = (size_t)(p - t->p);
		lx->p = *p ? p + 1 : p;
		return;
	}
	if (*p == '\'') {
		t->kind = TK_OTHER;
		t->p = p++;
		/* Standard SQL: '' is a quote; a backslash is a character. */
		while (*p && !(*p == '\'' && p[1] != '\''))
			p += *p == '\'' ? 2 : 1;
		lx->p = *p ? p + 1 : p;
		t->n = (size_t)(lx->p - t->p);
		return;
	}
	if (*p == '$') {
		/* PostgreSQL dollar quoting: $$ ... $$ or $tag$ ... $tag$. */
		const char *e = p + 1;

		while (word_char(*e) && *e != '$')
			e++;
		if (*e == '$') {
			size_t tl = (size_t)(e - p) + 1;
			const char *q = e + 1;

			for (; *q; q++)
				if (!strncmp(q, p, tl))
					break;
			t->kind = TK_OTHER;
			t->p = p;
			lx->p = *q ? q + tl : q;
			t->n = (size_t)(lx->p - p);
			return;
		}
	}
	if (word_char(*p)) {
		t->kind = isdigit((unsigned char)*p) ? TK_OTHER : TK_WORD;
		t->p = p;
		while (word_char(*p))
			p++;
		t->n = (size_t)(p - t->p);
		lx->p = p;
		return;
	}
	t->kind = TK_PUNCT;
	t->p = p;
	t->n = 1;
	lx->p = p + 1;
}

static bool tok_is(const struct tok *t, const char *word)
{
	return t->kind == TK_WORD && strlen(word) == t->n &&
	       !strncasecmp(t->p, word, t->n);
}

static bool tok_punct(const struct tok *t, char c)
{
	return t->kind == TK_PUNCT && *t->p == c;
}

/* A name token, unquoted into @buf; false when it is no name. */
static bool tok_name(const struct tok *t, char *buf, size_t len)
{
	size_t i, o = 0;

	if (t->kind != TK_WORD && t->kind != TK_QUOTED)
		return false;
	for (i = 0; i < t->n && o + 1 < len; i++) {
		buf[o++] = t->p[i];
		/* A doubled quote inside quotes is one quote. */
		if (t->kind == TK_QUOTED && i + 1 < t->n &&
		    t->p[i + 1] == t->p[i] &&
		    (t->p[i] == '"' || t->p[i] == '`' || t->p[i] == ']'))
			i++;
	}
	buf[o] = '\0';
	return o > 0 && i == t->n;
}

static const char *const table_constraint_words[] = {
	"CONSTRAINT", "PRIMARY", "UNIQUE",  "CHECK", "FOREIGN",
	"KEY",	      "INDEX",	 "EXCLUDE", "LIKE",  "FULLTEXT",
	"SPATIAL",    "PERIOD",	 NULL
};

/*
 * Read the column list after CREATE TABLE name: from its '(' to the
 * matching ')'. Items are separated by commas at depth one.
 */
static int parse_columns(struct sqlc_set *s, struct lexer *lx)
{
	struct tok t;
	char name[64];
	int depth = 1;

	lex_next(lx, &t);
	if (!tok_punct(&t, '('))
		return -EINVAL;
	for (;;) {
		bool is_name, skip = false, gen = false;
		unsigned int i;

		/* The first token of an item. */
		lex_next(lx, &t);
		if (t.kind == TK_END)
			return -EINVAL;
		if (tok_punct(&t, ')'))
			break; /* "()" or a trailing comma */
		is_name = tok_name(&t, name, sizeof(name));
		for (i = 0; t.kind == TK_WORD && table_constraint_words[i]; i++)
			if (tok_is(&t, table_constraint_words[i]))
				skip = true;
		if (!is_name)
			skip = true;
		/* The rest of the item. */
		for (;;) {
			lex_next(lx, &t);
			if (t.kind == TK_END)
				return -EINVAL;
			if (tok_punct(&t, '(')) {
				depth++;
			} else if (tok_punct(&t, ')')) {
				if (--depth == 0)
					break;
			} else if (depth == 1 && tok_punct(&t, ',')) {
				break;
			} else if (depth == 1 && (tok_is(&t, "ALWAYS") ||
						  tok_is(&t, "VIRTUAL") ||
						  tok_is(&t, "PERSISTENT") ||
						  tok_is(&t, "STORED"))) {
				gen = true; /* computed: not ours */
			}
		}
		if (!skip && !gen && !sqlc_skip(name) && !sqlc_has(s, name) &&
		    sqlc_add(s, name))
			return -ENOMEM;
		if (depth == 0)
			break;
	}
	return 0;
}

int sqlc_parse_schema(struct sqlc_set *s, const char *sql, const char *table)
{
	struct lexer lx = { .p = sql };
	const char *want = strrchr(table, '.');
	struct tok t;
	char name[64];

	want = want ? want + 1 : table;
	for (;;) {
		lex_next(&lx, &t);
		if (t.kind == TK_END)
			return -ENOENT;
		if (!tok_is(&t, "CREATE"))
			continue;
		/* CREATE [GLOBAL|LOCAL] [TEMP|TEMPORARY|UNLOGGED] TABLE */
		do
			lex_next(&lx, &t);
		while (tok_is(&t, "GLOBAL") || tok_is(&t, "LOCAL") ||
		       tok_is(&t, "TEMP") || tok_is(&t, "TEMPORARY") ||
		       tok_is(&t, "UNLOGGED") || tok_is(&t, "OR") ||
		       tok_is(&t, "REPLACE"));
		if (!tok_is(&t, "TABLE"))
			continue;
		lex_next(&lx, &t);
		if (tok_is(&t, "IF")) {
			lex_next(&lx, &t); /* NOT */
			lex_next(&lx, &t); /* EXISTS */
			lex_next(&lx, &t);
		}
		if (!tok_name(&t, name, sizeof(name)))
			continue;
		/* schema.table: the last part names the table. */
		for (;;) {
			struct lexer save = lx;
			struct tok dot;

			lex_next(&lx, &dot);
			if (!tok_punct(&dot, '.')) {
				lx = save;
				break;
			}
			lex_next(&lx, &t);
			if (!tok_name(&t, name, sizeof(name)))
				break;
		}
		if (strcasecmp(name, want))
			continue;
		sqlc_set_clear(s);
		if (parse_columns(s, &lx))
			return -EINVAL;
		return s->ncols ? 0 : -EINVAL;
	}
}

/* ---- the cache of the last discovery ------------------------------------- */

char *sqlc_cache_path(const char *spool_dir, const char *inst)
{
	char *p;

	if (asprintf(&p, "%s/%s.columns", spool_dir, inst) < 0)
		return NULL;
	return p;
}

int sqlc_cache_write(const struct sqlc_set *s, const char *path)
{
	char *tmp = NULL, *slash;
	unsigned int i;
	FILE *f;
	int fd, err = 0;

	/* The spool's directory: made here when the spool has not yet. */
	slash = strrchr(path, '/');
	if (slash && slash != path) {
		char *dir = strndup(path, (size_t)(slash - path));

		if (!dir)
			return -ENOMEM;
		if (mkdir(dir, 0750) < 0 && errno != EEXIST)
			err = -errno;
		free(dir);
		if (err)
			return err;
	}
	if (asprintf(&tmp, "%s.tmp", path) < 0)
		return -ENOMEM;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd < 0) {
		err = -errno;
		free(tmp);
		return err;
	}
	f = fdopen(fd, "w");
	if (!f) {
		err = -errno;
		close(fd);
		goto out;
	}
	fprintf(f,
		"# nfpipe: the columns this instance filled when it last saw its table; used while the server cannot be reached\n");
	for (i = 0; i < s->ncols; i++)
		fprintf(f, "%s\n", s->cols[i].name);
	if (fflush(f) || fsync(fileno(f)))
		err = -errno;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, path) < 0)
		err = -errno;
out:
	if (err)
		unlink(tmp);
	free(tmp);
	return err;
}

int sqlc_cache_read(struct sqlc_set *s, const char *path)
{
	char line[256];
	FILE *f = fopen(path, "re");
	int err = 0;

	if (!f)
		return -errno;
	sqlc_set_clear(s);
	while (fgets(line, sizeof(line), f)) {
		size_t n = strcspn(line, "\r\n");

		line[n] = '\0';
		if (!n || line[0] == '#')
			continue;
		if (!name_ok(line, n) || sqlc_has(s, line)) {
			err = -EINVAL;
			break;
		}
		if (sqlc_add(s, line)) {
			err = -ENOMEM;
			break;
		}
	}
	if (ferror(f))
		err = -EIO;
	fclose(f);
	if (!err && !s->ncols)
		err = -EINVAL;
	if (err)
		sqlc_set_clear(s);
	return err;
}

bool sqlc_spool_pending(const char *spool_dir, const char *inst)
{
	struct dirent *de;
	bool found = false;
	char *path;
	DIR *d;

	if (asprintf(&path, "%s/%s", spool_dir, inst) < 0)
		return false;
	d = opendir(path);
	while (d && !found && (de = readdir(d))) {
		size_t n = strlen(de->d_name);
		struct stat st;

		if (n > 4 && !strcmp(de->d_name + n - 4, ".seg") &&
		    fstatat(dirfd(d), de->d_name, &st, 0) == 0 && st.st_size)
			found = true;
	}
	if (d)
		closedir(d);
	free(path);
	return found;
}

static bool subset(const struct sqlc_set *a, const struct sqlc_set *b)
{
	unsigned int i;

	for (i = 0; i < a->ncols; i++)
		if (!sqlc_has(b, a->cols[i].name))
			return false;
	return true;
}

static bool same(const struct sqlc_set *a, const struct sqlc_set *b)
{
	unsigned int i;

	if (a->ncols != b->ncols)
		return false;
	for (i = 0; i < a->ncols; i++)
		if (strcmp(a->cols[i].name, b->cols[i].name))
			return false;
	return true;
}

static int copy_set(struct sqlc_set *to, const struct sqlc_set *from)
{
	unsigned int i;

	sqlc_set_clear(to);
	for (i = 0; i < from->ncols; i++)
		if (sqlc_add(to, from->cols[i].name))
			return -ENOMEM;
	return 0;
}

int sqlc_pick_online(struct sqlc_set *out, const struct sqlc_set *server,
		     const char *cache, const char *spool_dir, const char *inst,
		     bool *pinned, int *cache_err)
{
	struct sqlc_set *old;
	int r;

	*pinned = false;
	*cache_err = 0;
	if (cache && spool_dir && sqlc_spool_pending(spool_dir, inst)) {
		old = sqlc_set_new();
		if (!old)
			return -ENOMEM;
		if (sqlc_cache_read(old, cache) == 0 && !same(old, server) &&
		    subset(old, server)) {
			r = copy_set(out, old);
			sqlc_set_free(old);
			*pinned = r == 0;
			return r;
		}
		sqlc_set_free(old);
	}
	r = copy_set(out, server);
	/* nfpiped --check leaves the spool directory as it found it. */
	if (!r && cache && !nfp_checking())
		*cache_err = sqlc_cache_write(out, cache);
	return r;
}

static char *read_text_file(const char *path)
{
	char *buf = NULL;
	long n;
	FILE *f = fopen(path, "re");

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		} else if (buf) {
			buf[n] = '\0';
		}
	}
	fclose(f);
	return buf;
}

int sqlc_pick_offline(struct sqlc_set *out, const char *cache,
		      const char *schema_file, const char *table,
		      enum sqlc_src *src)
{
	char *sql;
	int r;

	if (cache && sqlc_cache_read(out, cache) == 0) {
		*src = SQLC_SRC_CACHE;
		return 0;
	}
	sql = schema_file ? read_text_file(schema_file) : NULL;
	if (!sql)
		return -ENOENT;
	r = sqlc_parse_schema(out, sql, table);
	free(sql);
	if (r == -ENOMEM)
		return r;
	if (r) {
		sqlc_set_clear(out);
		return -ENOENT;
	}
	*src = SQLC_SRC_SCHEMA;
	return 0;
}

static uint32_t fnv1a(uint32_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n--) {
		h ^= *b++;
		h *= 16777619u;
	}
	return h;
}

int sqlc_finish(struct sqlc_set *s, bool optional)
{
	uint32_t fp = 2166136261u;
	unsigned int i;

	free(s->keys);
	s->keys = calloc(s->ncols + 1, sizeof(*s->keys));
	if (!s->keys)
		return -ENOMEM;
	for (i = 0; i < s->ncols; i++) {
		s->keys[i].name = s->cols[i].key;
		s->keys[i].type = NFP_T_NONE; /* any */
		/* An interpreter's label (l7_proto...) may be absent. */
		s->keys[i].flags =
			optional || nfp_key_enrichment(s->cols[i].key)
				? NFP_KEYF_OPTIONAL
				: 0;
		s->keys[i].help = s->cols[i].help;
		fp = fnv1a(fp, s->cols[i].name, strlen(s->cols[i].name) + 1);
	}
	s->fingerprint = fp;
	return 0;
}

char *sqlc_unbound(const struct nfp_inst *inst, const struct sqlc_set *s,
		   unsigned int *n)
{
	char *list = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&list, &len);
	unsigned int i;

	*n = 0;
	if (!f)
		return NULL;
	for (i = 0; i < s->ncols; i++)
		if (!nfp_inst_in_bound(inst, i))
			fprintf(f, "%s%s", (*n)++ ? ", " : "", s->cols[i].name);
	if (fclose(f) || !*n) {
		free(list);
		return NULL;
	}
	return list;
}

/* ---- procedure ----------------------------------------------------------- */

bool sqlc_ident_ok(const char *s)
{
	bool start = true;

	if (!s || !*s)
		return false;
	for (; *s; s++) {
		if (start) {
			if (!(isalpha((unsigned char)*s) || *s == '_'))
				return false;
			start = false;
		} else if (*s == '.') {
			start = true;
		} else if (!(isalnum((unsigned char)*s) || *s == '_' ||
			     *s == '$')) {
			return false;
		}
	}
	return !start;
}

int sqlc_proc_mode(const char *procedure, enum sqlc_mode *mode,
		   const char **name, const char **why)
{
	const char *p = procedure ? procedure : "";

	*name = NULL;
	while (isspace((unsigned char)*p))
		p++;
	if (!*p || !strcasecmp(p, "INSERT")) {
		*mode = SQLC_TABLE;
		return 0;
	}
	if (!strncasecmp(p, "INSERT", 6) && isspace((unsigned char)p[6])) {
		if (strchr(p, ';')) {
			*why = "an INSERT given as procedure must be one statement (no ';')";
			return -EINVAL;
		}
		*mode = SQLC_INSERT_AS;
		*name = p;
		return 0;
	}
	if (!strncasecmp(p, "CALL", 4) && isspace((unsigned char)p[4])) {
		p += 4;
		while (isspace((unsigned char)*p))
			p++;
		*mode = SQLC_CALL;
	} else {
		*mode = SQLC_SELECT;
	}
	if (!sqlc_ident_ok(p)) {
		*why = "procedure must be INSERT, \"INSERT INTO ...\", a function name or CALL and a procedure name";
		return -EINVAL;
	}
	*name = p;
	return 0;
}

/* ---- value text ---------------------------------------------------------- */

size_t sqlc_utoa(char *buf, uint64_t v)
{
	char tmp[20];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	return n;
}

size_t sqlc_itoa(char *buf, int64_t v)
{
	if (v < 0) {
		buf[0] = '-';
		/* -(v + 1) + 1 cannot overflow, even for INT64_MIN. */
		return 1 + sqlc_utoa(buf + 1, (uint64_t)(-(v + 1)) + 1);
	}
	return sqlc_utoa(buf, (uint64_t)v);
}

size_t sqlc_time_text(char *buf, size_t len, int64_t sec, uint32_t nsec,
		      const char *suffix)
{
	time_t t = (time_t)sec;
	struct tm tm;
	int n;

	if ((int64_t)t != sec || !gmtime_r(&t, &tm) || tm.tm_year + 1900 > 9999)
		return 0;
	n = snprintf(buf, len, "%04d-%02d-%02d %02d:%02d:%02d.%06u%s",
		     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		     tm.tm_min, tm.tm_sec, (nsec % 1000000000u) / 1000,
		     suffix ? suffix : "");
	return n > 0 && (size_t)n < len ? (size_t)n : 0;
}

size_t sqlc_hex_colon(char *buf, const uint8_t *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (i)
			buf[o++] = ':';
		buf[o++] = hex[p[i] >> 4];
		buf[o++] = hex[p[i] & 15];
	}
	return o;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int sqlc_hexlit(const char *s, size_t len, uint8_t *out, size_t cap)
{
	size_t i, n;

	if (len < 4 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X') ||
	    (len - 2) % 2)
		return -1;
	n = (len - 2) / 2;
	if (n > cap)
		return -1;
	for (i = 0; i < n; i++) {
		int hi = hexval(s[2 + 2 * i]), lo = hexval(s[3 + 2 * i]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return (int)n;
}

int sqlc_choose_online(struct nfp_inst *inst, struct sqlc_set *out,
		       const struct sqlc_set *server, const char *cache,
		       const char *spool_dir, const char *table)
{
	bool pinned;
	int r, cerr;

	r = sqlc_pick_online(out, server, cache, spool_dir, inst->name, &pinned,
			     &cerr);
	if (!r && pinned)
		nfp_warn(
			inst,
			"the spool holds batches for the %u columns %s lists: filling those until it is empty (restart then to fill the %u columns %s has now)",
			out->ncols, cache, server->ncols, table);
	if (!r && cerr)
		nfp_warn(
			inst,
			"cannot save the columns in %s: %s (a start while the server is down will need columns= or schema_file)",
			cache, strerror(-cerr));
	return r;
}

int sqlc_choose_offline(struct nfp_inst *inst, struct sqlc_set *out,
			const char *cache, const char *schema_file,
			const char *table, const char *why)
{
	enum sqlc_src src;
	int r;

	r = sqlc_pick_offline(out, cache, schema_file, table, &src);
	if (r == -ENOMEM)
		return r;
	if (r) {
		nfp_err(inst,
			"%s, and no columns are known for %s: set columns= (the column names, comma-separated), or start once with the server up",
			why, table);
		return -EINVAL;
	}
	nfp_warn(
		inst,
		"%s; filling the %u columns %s, spooling until the server is back",
		why, out->ncols,
		src == SQLC_SRC_CACHE ? "saved by an earlier run"
				      : "of the table in schema_file");
	return 0;
}

char *sqlc_quote_ident(const char *name, char quote)
{
	size_t n = strlen(name), i, o = 0;
	char *q = malloc(2 * n + 3);

	if (!q)
		return NULL;
	q[o++] = quote;
	for (i = 0; i < n; i++) {
		if (name[i] == quote)
			q[o++] = quote;
		q[o++] = name[i];
	}
	q[o++] = quote;
	q[o] = '\0';
	return q;
}

bool sqlc_cat(char **p, const char *s)
{
	size_t a = *p ? strlen(*p) : 0, n = strlen(s);
	char *r = realloc(*p, a + n + 1);

	if (!r) {
		free(*p);
		*p = NULL;
		return false;
	}
	memcpy(r + a, s, n + 1);
	*p = r;
	return true;
}

bool sqlc_cat_ident(char **p, const char *name, char quote)
{
	char *q = sqlc_quote_ident(name, quote);
	bool ok = q && sqlc_cat(p, q);

	if (!q) {
		free(*p);
		*p = NULL;
	}
	free(q);
	return ok;
}
