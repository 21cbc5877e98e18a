/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * core/config - read ulogd.conf syntax into sections of key=value entries
 *
 * The parser knows nothing about what the keys mean: it turns the text into
 * a list of [sections], each a list of entries in file order, with the line
 * of every one kept for messages. Repeated keys stay (stack= and plugin=
 * repeat); option parsing decides what a repeat means. Every syntax error
 * goes to the caller's diagnostics and parsing goes on with the next line,
 * so that one run reports all of them. The result and all its strings are
 * owned by the struct nfp_conf and go with nfp_conf_free(). Single-threaded.
 *
 * Syntax, as ulogd2 reads it plus what its users write anyway:
 *   # comment                  whole lines; also after an unquoted value
 *                              when the '#' follows a blank
 *   [name]                     a section; one per name
 *   key=value  key = value     surrounding blanks trimmed
 *   key="value # kept"         quoted: \" and \\ are escapes
 * Lines end in LF or CRLF and hold at most NFP_CONF_LINE_MAX characters.
 */
#include "nfp.h"
#include "core.h"

#include <fcntl.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <unistd.h>

#define NFP_CONF_LINE_MAX  4096	       /* characters, without the EOL */
#define NFP_CONF_FILE_MAX  (16u << 20) /* a config, not a data file */
#define NFP_CONF_QUOTE_LEN 40	       /* line text quoted in messages */

struct parser {
	struct nfp_conf *conf;		    /* what is being built */
	struct nfp_diags *d;		    /* where problems go */
	struct nfp_conf_section **sec_tail; /* next section goes here */
	struct nfp_conf_section *cur;	    /* section being filled */
	struct nfp_conf_entry **ent_tail;   /* next entry of cur */
	bool skipping;			    /* after a bad header */
	unsigned int line;		    /* current line, 1-based */
	int err;			    /* -ENOMEM once it happened */
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Bounds [*s, *e) with the blanks on both sides removed. */
static void trim(const char **s, const char **e)
{
	while (*s < *e && is_blank(**s))
		(*s)++;
	while (*e > *s && is_blank((*e)[-1]))
		(*e)--;
}

static bool has_blank(const char *s, const char *e)
{
	for (; s < e; s++)
		if (is_blank(*s))
			return true;
	return false;
}

static char *dup_range(struct parser *p, const char *s, const char *e)
{
	char *r = strndup(s, (size_t)(e - s));

	if (!r)
		p->err = -ENOMEM;
	return r;
}

/* The instance a message is about: the section we are in, if any. */
static const char *cur_inst(const struct parser *p)
{
	return p->cur ? p->cur->name : NULL;
}

static void perr(struct parser *p, const char *inst, const char *hint,
		 const char *fmt, ...) NFP_PRINTF(4, 5);

static void perr(struct parser *p, const char *inst, const char *hint,
		 const char *fmt, ...)
{
	char *msg;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0) {
		p->err = -ENOMEM;
		return;
	}
	nfp_diag(p->d, NFP_LOG_ERROR, p->conf->file, p->line, inst, hint, "%s",
		 msg);
	free(msg);
}

static struct nfp_conf_section *find_section(const struct nfp_conf *c,
					     const char *s, size_t len)
{
	struct nfp_conf_section *sec;

	for (sec = c->sections; sec; sec = sec->next)
		if (strlen(sec->name) == len && !memcmp(sec->name, s, len))
			return sec;
	return NULL;
}

/* @s points at the '[' of a header line ending at @e. */
static void parse_header(struct parser *p, const char *s, const char *e)
{
	const char *rb = memchr(s, ']', (size_t)(e - s));
	const char *ns = s + 1, *ne, *rest;
	struct nfp_conf_section *sec, *first;
	bool junk = false;

	/* Until a good header, entries are checked but belong nowhere. */
	p->cur = NULL;
	p->skipping = true;

	if (!rb) {
		int n = (int)(e - s);

		perr(p, NULL, "close it with ']'",
		     "malformed section header \"%.*s%s\"",
		     n > NFP_CONF_QUOTE_LEN ? NFP_CONF_QUOTE_LEN : n, s,
		     n > NFP_CONF_QUOTE_LEN ? "..." : "");
		return;
	}
	ne = rb;
	trim(&ns, &ne);
	if (ns == ne) {
		perr(p, NULL, "write the instance name between the brackets",
		     "empty section name");
		return;
	}
	if (has_blank(ns, ne)) {
		perr(p, NULL, "an instance name is one word, as in stack=",
		     "section name \"%.*s\" contains blanks", (int)(ne - ns),
		     ns);
		return;
	}

	first = find_section(p->conf, ns, (size_t)(ne - ns));
	if (first) {
		perr(p, NULL, "merge the two sections or rename one",
		     "duplicate section [%s], first at line %u", first->name,
		     first->line);
		return;
	}

	rest = rb + 1;
	while (rest < e && is_blank(*rest))
		rest++;
	if (rest < e && *rest != '#')
		junk = true;

	sec = calloc(1, sizeof(*sec));
	if (!sec) {
		p->err = -ENOMEM;
		return;
	}
	sec->name = dup_range(p, ns, ne);
	if (!sec->name) {
		free(sec);
		return;
	}
	sec->file = p->conf->file;
	sec->line = p->line;
	*p->sec_tail = sec;
	p->sec_tail = &sec->next;

	/*
	 * The name itself is clear, so take the section: its entries then
	 * meet their own checks instead of a pile of follow-up errors.
	 */
	p->cur = sec;
	p->ent_tail = &sec->entries;
	p->skipping = false;
	if (junk)
		perr(p, sec->name, "comments start with '#'",
		     "unexpected text after section header [%s]", sec->name);
}

/*
 * The quoted value starting after the '"' at @s: unescaped into a new
 * string, *@after set past the closing quote. NULL with *@after NULL when
 * the quote is not closed on this line.
 */
static char *unquote(struct parser *p, const char *s, const char *e,
		     const char **after)
{
	char *out = malloc((size_t)(e - s) + 1), *o = out;

	*after = NULL;
	if (!out) {
		p->err = -ENOMEM;
		return NULL;
	}
	for (; s < e; s++) {
		if (*s == '"') {
			*o = '\0';
			*after = s + 1;
			return out;
		}
		/* Only \" and \\ are escapes; "C:\dir" keeps its backslash. */
		if (*s == '\\' && s + 1 < e && (s[1] == '"' || s[1] == '\\'))
			s++;
		*o++ = *s;
	}
	free(out);
	return NULL;
}

static void add_entry(struct parser *p, const char *ks, const char *ke,
		      char *value, bool quoted)
{
	struct nfp_conf_entry *ent;

	ent = calloc(1, sizeof(*ent));
	if (!ent) {
		p->err = -ENOMEM;
		goto fail;
	}
	ent->key = dup_range(p, ks, ke);
	if (!ent->key)
		goto fail;
	ent->value = value;
	ent->file = p->conf->file;
	ent->line = p->line;
	ent->quoted = quoted;
	*p->ent_tail = ent;
	p->ent_tail = &ent->next;
	return;
fail:
	free(ent);
	free(value);
}

/* @s is the first non-blank character of a key=value line ending at @e. */
static void parse_entry(struct parser *p, const char *s, const char *e)
{
	const char *eq = memchr(s, '=', (size_t)(e - s));
	const char *ks = s, *ke, *vs, *ve, *after;
	const char *inst = cur_inst(p);
	bool quoted = false;
	char *value;

	if (!eq) {
		int n = (int)(e - s);

		while (n > 0 && is_blank(s[n - 1]))
			n--;
		perr(p, inst, "write key=value", "missing '=' in \"%.*s%s\"",
		     n > NFP_CONF_QUOTE_LEN ? NFP_CONF_QUOTE_LEN : n, s,
		     n > NFP_CONF_QUOTE_LEN ? "..." : "");
		return;
	}
	ke = eq;
	trim(&ks, &ke);
	if (ks == ke) {
		perr(p, inst, "write key=value", "missing key before '='");
		return;
	}
	if (has_blank(ks, ke)) {
		perr(p, inst, "write key=value", "key \"%.*s\" contains blanks",
		     (int)(ke - ks), ks);
		return;
	}

	vs = eq + 1;
	while (vs < e && is_blank(*vs))
		vs++;
	if (vs < e && *vs == '"') {
		quoted = true;
		value = unquote(p, vs + 1, e, &after);
		if (!value) {
			if (!p->err)
				perr(p, inst, "end the value with '\"'",
				     "unterminated quoted value of \"%.*s\"",
				     (int)(ke - ks), ks);
			return;
		}
		while (after < e && is_blank(*after))
			after++;
		if (after < e && *after != '#') {
			perr(p, inst,
			     "quote the whole value, or start a comment with '#'",
			     "unexpected text after the quoted value of \"%.*s\"",
			     (int)(ke - ks), ks);
			free(value);
			return;
		}
	} else {
		/*
		 * A '#' ends the value only after a blank: ulogd2 has no
		 * comments here at all, and "pass=ab#cd" must stay a password.
		 * ve[-1] is at worst the '=' itself.
		 */
		for (ve = vs; ve < e; ve++)
			if (*ve == '#' && is_blank(ve[-1]))
				break;
		trim(&vs, &ve);
		value = dup_range(p, vs, ve);
		if (!value)
			return;
	}

	if (p->skipping) {
		free(value);
		return;
	}
	if (!p->cur) {
		perr(p, NULL, "put it under a [section] header, e.g. [global]",
		     "\"%.*s\" is set before the first section", (int)(ke - ks),
		     ks);
		free(value);
		return;
	}
	add_entry(p, ks, ke, value, quoted);
}

static void parse_line(struct parser *p, const char *s, const char *e)
{
	if ((size_t)(e - s) > NFP_CONF_LINE_MAX) {
		perr(p, cur_inst(p), NULL,
		     "line is too long (%zu characters, at most %u)",
		     (size_t)(e - s), NFP_CONF_LINE_MAX);
		return;
	}
	if (memchr(s, '\0', (size_t)(e - s))) {
		perr(p, cur_inst(p), NULL, "line contains a NUL byte");
		return;
	}
	while (s < e && is_blank(*s))
		s++;
	if (s == e || *s == '#')
		return;
	if (*s == '[')
		parse_header(p, s, e);
	else
		parse_entry(p, s, e);
}

static void parse_buf(struct parser *p, const char *buf, size_t len)
{
	const char *s = buf, *end = buf + len;

	/* A UTF-8 byte order mark from a Windows editor is not text. */
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		s += 3;

	while (s < end && !p->err) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *e = nl ? nl : end;

		p->line++;
		if (e > s && e[-1] == '\r')
			e--;
		parse_line(p, s, e);
		s = nl ? nl + 1 : end;
	}
}

/* The whole file into a new buffer; 0 or -errno. */
static int read_file(const char *path, char **buf, size_t *len)
{
	size_t cap = 8192, n = 0;
	char *b = NULL, *nb;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t r;

		if (!b || n == cap) {
			if (b)
				cap *= 2;
			if (cap > NFP_CONF_FILE_MAX + 1)
				cap = NFP_CONF_FILE_MAX + 1;
			if (n == cap) {
				ret = -EFBIG;
				break;
			}
			nb = realloc(b, cap);
			if (!nb) {
				ret = -ENOMEM;
				break;
			}
			b = nb;
		}
		r = read(fd, b + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			break;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (ret < 0) {
		free(b);
		return ret;
	}
	*buf = b;
	*len = n;
	return 0;
}

int nfp_conf_parse(const char *path, const char *text, struct nfp_conf **out,
		   struct nfp_diags *d)
{
	struct parser p = { .d = d };
	char *buf = NULL;
	size_t len = 0;
	int ret;

	*out = NULL;
	if (!text) {
		ret = read_file(path, &buf, &len);
		if (ret < 0) {
			nfp_diag(d, NFP_LOG_ERROR, path, 0, NULL, NULL,
				 "cannot read the config: %s", strerror(-ret));
			return ret;
		}
		text = buf;
	} else {
		len = strlen(text);
	}

	p.conf = calloc(1, sizeof(*p.conf));
	if (!p.conf)
		goto nomem;
	if (path) {
		p.conf->file = strdup(path);
		if (!p.conf->file)
			goto nomem;
	}
	p.sec_tail = &p.conf->sections;

	parse_buf(&p, text, len);
	if (p.err)
		goto nomem;
	free(buf);
	*out = p.conf;
	return 0;

nomem:
	free(buf);
	nfp_conf_free(p.conf);
	nfp_diag(d, NFP_LOG_ERROR, path, 0, NULL, NULL,
		 "out of memory reading the config");
	return -ENOMEM;
}

struct nfp_conf_section *nfp_conf_section(const struct nfp_conf *c,
					  const char *name)
{
	if (!c || !name)
		return NULL;
	return find_section(c, name, strlen(name));
}

void nfp_conf_free(struct nfp_conf *c)
{
	struct nfp_conf_section *sec, *snext;
	struct nfp_conf_entry *ent, *enext;

	if (!c)
		return;
	for (sec = c->sections; sec; sec = snext) {
		snext = sec->next;
		for (ent = sec->entries; ent; ent = enext) {
			enext = ent->next;
			free(ent->key);
			free(ent->value);
			free(ent);
		}
		free(sec->name);
		free(sec);
	}
	free(c->file);
	free(c);
}
