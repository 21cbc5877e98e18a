/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter/blacklist/iplist - address lists: parse, merge, look up, cover
 *
 * See iplist.h for the contract. Parsing is by hand for IPv4 (a p2p list of
 * 224,283 lines must convert in well under a second) and by inet_pton() for
 * IPv6; ranges are kept per family in flat arrays, sorted with qsort() and
 * merged in place. Nothing here prints: bad lines go to the caller's
 * callback, errors are returned as negative errno values.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include "iplist.h"

#define V6_MAX (~(ipl_u128)0)

static const char *const format_names[IPL__NFORMATS] = {
	[IPL_AUTO] = "auto",	     [IPL_P2P] = "p2p",
	[IPL_CIDR] = "cidr",	     [IPL_DSHIELD] = "dshield",
	[IPL_SPAMHAUS] = "spamhaus", [IPL_IPSET] = "ipset",
};

const char *ipl_format_name(enum ipl_format f)
{
	return (unsigned int)f < IPL__NFORMATS ? format_names[f] : "?";
}

int ipl_format_parse(const char *name)
{
	int i;

	for (i = 0; i < IPL__NFORMATS; i++)
		if (!strcmp(name, format_names[i]))
			return i;
	return -1;
}

struct iplist *ipl_new(enum ipl_format format, unsigned int flags)
{
	struct iplist *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->format = format;
	l->flags = flags;
	return l;
}

void ipl_free(struct iplist *l)
{
	if (!l)
		return;
	free(l->v4);
	free(l->v6);
	free(l->pool);
	free(l);
}

void ipl_set_bad_fn(struct iplist *l, ipl_bad_fn fn, void *ctx)
{
	l->bad_fn = fn;
	l->bad_ctx = ctx;
}

ipl_u128 ipl_u128_from(const uint8_t *b)
{
	ipl_u128 v = 0;
	int i;

	for (i = 0; i < 16; i++)
		v = v << 8 | b[i];
	return v;
}

void ipl_u128_to(ipl_u128 v, uint8_t *b)
{
	int i;

	for (i = 15; i >= 0; i--) {
		b[i] = (uint8_t)v;
		v >>= 8;
	}
}

/* The description's pool offset + 1; the last one again when it repeats. */
static int pool_add(struct iplist *l, const char *s, size_t n, uint32_t *out)
{
	static const size_t max_desc = 255;
	size_t last;

	*out = 0;
	if (l->flags & IPL_NODESC || !n)
		return 0;
	if (n > max_desc)
		n = max_desc;
	if (l->pool_len) {
		/* the previous string ends at pool_len - 1 */
		last = l->pool_len - 1;
		while (last > 0 && l->pool[last - 1])
			last--;
		if (l->pool_len - 1 - last == n &&
		    !memcmp(l->pool + last, s, n)) {
			*out = (uint32_t)last + 1;
			return 0;
		}
	}
	if (l->pool_len + n + 1 > l->pool_cap) {
		size_t cap = l->pool_cap ? l->pool_cap * 2 : 4096;
		char *p;

		while (cap < l->pool_len + n + 1)
			cap *= 2;
		if (cap > UINT32_MAX)
			return -ENOMEM;
		p = realloc(l->pool, cap);
		if (!p)
			return -ENOMEM;
		l->pool = p;
		l->pool_cap = cap;
	}
	memcpy(l->pool + l->pool_len, s, n);
	l->pool[l->pool_len + n] = '\0';
	*out = (uint32_t)l->pool_len + 1;
	l->pool_len += n + 1;
	return 0;
}

const char *ipl_desc(const struct iplist *l, uint32_t desc)
{
	return desc && l->pool ? l->pool + desc - 1 : "";
}

static int add4(struct iplist *l, uint32_t lo, uint32_t hi, uint32_t desc)
{
	if (l->n4 == l->cap4) {
		size_t cap = l->cap4 ? l->cap4 * 2 : 1024;
		struct ipl_r4 *v = realloc(l->v4, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v4 = v;
		l->cap4 = cap;
	}
	l->v4[l->n4].lo = lo;
	l->v4[l->n4].hi = hi;
	l->v4[l->n4].desc = desc;
	l->n4++;
	l->ranges++;
	l->finished = false;
	return 0;
}

static int add6(struct iplist *l, ipl_u128 lo, ipl_u128 hi, uint32_t desc)
{
	if (l->n6 == l->cap6) {
		size_t cap = l->cap6 ? l->cap6 * 2 : 256;
		struct ipl_r6 *v = realloc(l->v6, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v6 = v;
		l->cap6 = cap;
	}
	l->v6[l->n6].lo = lo;
	l->v6[l->n6].hi = hi;
	l->v6[l->n6].desc = desc;
	l->n6++;
	l->ranges++;
	l->finished = false;
	return 0;
}

int ipl_add_range4(struct iplist *l, uint32_t lo, uint32_t hi, const char *desc)
{
	uint32_t d;
	int err;

	if (lo > hi)
		return -EINVAL;
	err = pool_add(l, desc ? desc : "", desc ? strlen(desc) : 0, &d);
	return err ? err : add4(l, lo, hi, d);
}

int ipl_add_range6(struct iplist *l, ipl_u128 lo, ipl_u128 hi, const char *desc)
{
	uint32_t d;
	int err;

	if (lo > hi)
		return -EINVAL;
	err = pool_add(l, desc ? desc : "", desc ? strlen(desc) : 0, &d);
	return err ? err : add6(l, lo, hi, d);
}

/* ---- the line scanner: [p, e) is what is left of the line ---- */

struct scan {
	const char *p; /* next character */
	const char *e; /* end of the line */
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static void skip_space(struct scan *s)
{
	while (s->p < s->e && is_space(*s->p))
		s->p++;
}

/* True when only spaces, or a comment starting with one of @cm, are left. */
static bool at_end(struct scan *s, const char *cm)
{
	skip_space(s);
	return s->p == s->e || (cm && strchr(cm, *s->p));
}

/* A dotted quad, one to three digits a part. */
static bool scan_v4(struct scan *s, uint32_t *out)
{
	const char *p = s->p;
	uint32_t a = 0;
	int part;

	for (part = 0; part < 4; part++) {
		unsigned int v = 0, nd = 0;

		if (part) {
			if (p >= s->e || *p != '.')
				return false;
			p++;
		}
		while (p < s->e && *p >= '0' && *p <= '9' && nd < 4) {
			v = v * 10 + (unsigned int)(*p - '0');
			p++;
			nd++;
		}
		if (!nd || nd > 3 || v > 255)
			return false;
		a = a << 8 | v;
	}
	s->p = p;
	*out = a;
	return true;
}

static bool is_v6_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F') || c == ':' || c == '.';
}

static bool scan_v6(struct scan *s, ipl_u128 *out)
{
	char buf[INET6_ADDRSTRLEN + 1];
	const char *p = s->p;
	uint8_t b[16];
	size_t n;

	while (p < s->e && is_v6_char(*p))
		p++;
	n = (size_t)(p - s->p);
	if (!n || n >= sizeof(buf))
		return false;
	memcpy(buf, s->p, n);
	buf[n] = '\0';
	if (!strchr(buf, ':') || inet_pton(AF_INET6, buf, b) != 1)
		return false;
	s->p = p;
	*out = ipl_u128_from(b);
	return true;
}

/* An address of either family: 4 or 6 in *fam, IPv4 in the low bits. */
static bool scan_addr(struct scan *s, int *fam, ipl_u128 *out)
{
	const char *p = s->p;
	uint32_t a4;

	/* an IPv6 address has a ':' before its token ends */
	while (p < s->e && is_v6_char(*p) && *p != ':')
		p++;
	if (p < s->e && *p == ':') {
		*fam = 6;
		return scan_v6(s, out);
	}
	if (!scan_v4(s, &a4))
		return false;
	*fam = 4;
	*out = a4;
	return true;
}

static bool scan_uint(struct scan *s, unsigned int max, unsigned int *out)
{
	unsigned int v = 0, nd = 0;

	while (s->p < s->e && *s->p >= '0' && *s->p <= '9' && nd < 4) {
		v = v * 10 + (unsigned int)(*s->p - '0');
		s->p++;
		nd++;
	}
	if (!nd || nd > 3 || v > max)
		return false;
	*out = v;
	return true;
}

/* The network of @a with prefix @pfx: lo and hi (host bits ignored). */
static void net_range(int fam, ipl_u128 a, unsigned int pfx, ipl_u128 *lo,
		      ipl_u128 *hi)
{
	unsigned int bits = fam == 4 ? 32 : 128;
	ipl_u128 host;

	if (pfx >= bits)
		host = 0;
	else if (pfx == 0)
		host = fam == 4 ? 0xffffffffu : V6_MAX;
	else
		host = (((ipl_u128)1) << (bits - pfx)) - 1;
	*lo = a & ~host;
	*hi = *lo | host;
}

/*
 * "addr", "addr/prefix" or "lo-hi" (spaces allowed around '-' when
 * @dash_spaces). Both ends of a range in one family.
 */
static const char *scan_entry(struct scan *s, int *fam, ipl_u128 *lo,
			      ipl_u128 *hi, bool dash_spaces)
{
	unsigned int pfx;
	struct scan t;
	int fam2;

	if (!scan_addr(s, fam, lo))
		return "not an address";
	if (s->p < s->e && *s->p == '/') {
		s->p++;
		if (!scan_uint(s, *fam == 4 ? 32 : 128, &pfx))
			return "bad prefix length";
		net_range(*fam, *lo, pfx, lo, hi);
		return NULL;
	}
	t = *s;
	if (dash_spaces)
		skip_space(&t);
	if (t.p < t.e && *t.p == '-') {
		t.p++;
		if (dash_spaces)
			skip_space(&t);
		if (!scan_addr(&t, &fam2, hi))
			return "range end is not an address";
		if (fam2 != *fam)
			return "range ends of different families";
		if (*hi < *lo)
			return "range ends before it starts";
		*s = t;
		return NULL;
	}
	*hi = *lo;
	return NULL;
}

static int bad(struct iplist *l, const char *why)
{
	l->bad++;
	if (l->bad_fn)
		l->bad_fn(l->bad_ctx, l->line, why);
	return 0;
}

static int add_entry(struct iplist *l, int fam, ipl_u128 lo, ipl_u128 hi,
		     const char *desc, size_t dlen)
{
	uint32_t d;
	int err = pool_add(l, desc, dlen, &d);

	if (err)
		return err;
	if (fam == 4)
		return add4(l, (uint32_t)lo, (uint32_t)hi, d);
	return add6(l, lo, hi, d);
}

static void trim(const char **s, const char **e)
{
	while (*s < *e && is_space(**s))
		(*s)++;
	while (*e > *s && is_space((*e)[-1]))
		(*e)--;
}

/*
 * Each parser: 1 when the line is not of its format (with *why), 0 when it
 * added a range, -ENOMEM. Blank and comment lines never reach them.
 */
static int parse_p2p(struct iplist *l, const char *b, const char *e,
		     const char **why)
{
	const char *colon = e, *ds = b, *de;
	struct scan s;
	ipl_u128 lo, hi;
	int fam;

	while (colon > b && colon[-1] != ':')
		colon--;
	if (colon == b) {
		*why = "no ':' before the range";
		return 1;
	}
	s.p = colon;
	s.e = e;
	skip_space(&s);
	*why = scan_entry(&s, &fam, &lo, &hi, true);
	if (*why)
		return 1;
	if (!at_end(&s, NULL)) {
		*why = "junk after the range";
		return 1;
	}
	de = colon - 1;
	trim(&ds, &de);
	return add_entry(l, fam, lo, hi, ds, (size_t)(de - ds));
}

static int parse_cidr(struct iplist *l, const char *b, const char *e,
		      const char **why)
{
	struct scan s = { b, e };
	ipl_u128 lo, hi;
	int fam;

	skip_space(&s);
	*why = scan_entry(&s, &fam, &lo, &hi, false);
	if (*why)
		return 1;
	if (!at_end(&s, "#;")) {
		*why = "junk after the network";
		return 1;
	}
	return add_entry(l, fam, lo, hi, NULL, 0);
}

static int parse_spamhaus(struct iplist *l, const char *b, const char *e,
			  const char **why)
{
	struct scan s = { b, e };
	const char *ds, *de;
	ipl_u128 lo, hi;
	int fam;

	skip_space(&s);
	*why = scan_entry(&s, &fam, &lo, &hi, false);
	if (*why)
		return 1;
	skip_space(&s);
	if (s.p == s.e)
		return add_entry(l, fam, lo, hi, NULL, 0);
	if (*s.p != ';') {
		*why = "expected '; SBL id' after the network";
		return 1;
	}
	ds = s.p + 1;
	de = e;
	trim(&ds, &de);
	return add_entry(l, fam, lo, hi, ds, (size_t)(de - ds));
}

static int parse_dshield(struct iplist *l, const char *b, const char *e,
			 const char **why)
{
	struct scan s = { b, e };
	ipl_u128 lo, hi;
	int fam, fam2;

	skip_space(&s);
	if (!scan_addr(&s, &fam, &lo)) {
		*why = "start is not an address";
		return 1;
	}
	skip_space(&s);
	if (!scan_addr(&s, &fam2, &hi) || fam2 != fam) {
		*why = "end is not an address";
		return 1;
	}
	if (hi < lo) {
		*why = "range ends before it starts";
		return 1;
	}
	if (s.p < s.e && !is_space(*s.p)) {
		*why = "junk after the end address";
		return 1;
	}
	return add_entry(l, fam, lo, hi, NULL, 0);
}

static bool has_word(const char *b, const char *e, const char *w)
{
	size_t n = strlen(w);

	return (size_t)(e - b) > n && !memcmp(b, w, n) && is_space(b[n]);
}

static int parse_ipset(struct iplist *l, const char *b, const char *e,
		       const char **why)
{
	struct scan s = { b, e };
	ipl_u128 lo, hi;
	int fam;

	if (has_word(b, e, "create"))
		return 0;
	if (!has_word(b, e, "add")) {
		*why = "neither 'create' nor 'add'";
		return 1;
	}
	s.p += 3;
	skip_space(&s);
	while (s.p < s.e && !is_space(*s.p)) /* the set's name */
		s.p++;
	skip_space(&s);
	*why = scan_entry(&s, &fam, &lo, &hi, false);
	if (*why)
		return 1;
	/* options (timeout, comment, ...) may follow */
	if (s.p < s.e && !is_space(*s.p)) {
		*why = "junk after the entry";
		return 1;
	}
	return add_entry(l, fam, lo, hi, NULL, 0);
}

typedef int (*parse_fn)(struct iplist *, const char *, const char *,
			const char **);

static const parse_fn parsers[IPL__NFORMATS] = {
	[IPL_P2P] = parse_p2p,	       [IPL_CIDR] = parse_cidr,
	[IPL_DSHIELD] = parse_dshield, [IPL_SPAMHAUS] = parse_spamhaus,
	[IPL_IPSET] = parse_ipset,
};

/* The format a line looks like, or IPL_AUTO when it decides nothing. */
static enum ipl_format detect(const char *b, const char *e)
{
	struct scan s = { b, e };
	ipl_u128 lo, hi;
	const char *c;
	int fam;

	if (has_word(b, e, "create") || has_word(b, e, "add"))
		return IPL_IPSET;
	for (c = e; c > b && c[-1] != ':'; c--)
		;
	if (c > b) {
		struct scan t = { c, e };

		skip_space(&t);
		if (!scan_entry(&t, &fam, &lo, &hi, true) && t.p > c &&
		    at_end(&t, NULL) && fam == 4 &&
		    memchr(c, '-', (size_t)(e - c)))
			return IPL_P2P;
	}
	skip_space(&s);
	if (scan_addr(&s, &fam, &lo)) {
		struct scan t = s;

		skip_space(&t);
		if (t.p > s.p && scan_addr(&t, &fam, &hi))
			return IPL_DSHIELD;
	}
	s.p = b;
	skip_space(&s);
	if (!scan_entry(&s, &fam, &lo, &hi, false)) {
		skip_space(&s);
		if (s.p < s.e && *s.p == ';' && s.p + 1 < s.e)
			return IPL_SPAMHAUS;
		return IPL_CIDR;
	}
	return IPL_AUTO;
}

int ipl_add_line(struct iplist *l, const char *line, size_t len)
{
	const char *b = line, *e = line + len, *why = NULL;
	enum ipl_format f;
	int ret;

	l->line++;
	trim(&b, &e);
	if (b == e || *b == '#')
		return 0;
	if (*b == ';' && l->format != IPL_P2P)
		return 0;
	/* DShield's header line; p2p lists may start with a title line */
	if (has_word(b, e, "Start") &&
	    (l->format == IPL_DSHIELD ||
	     (l->format == IPL_AUTO && !memchr(b, ':', (size_t)(e - b)))))
		return 0;
	f = l->format;
	if (f == IPL_AUTO) {
		f = detect(b, e);
		if (f == IPL_AUTO)
			return bad(l, "not a line of any known list format");
		l->format = f;
	}
	if ((unsigned int)f >= IPL__NFORMATS || !parsers[f])
		return -EINVAL;
	ret = parsers[f](l, b, e, &why);
	if (ret == 1)
		return bad(l, why);
	return ret;
}

int ipl_add_text(struct iplist *l, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	int err;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;

		err = ipl_add_line(l, p, (size_t)(le - p));
		if (err)
			return err;
		p = nl ? nl + 1 : end;
	}
	return 0;
}

int ipl_load_file(struct iplist *l, const char *path)
{
	size_t cap = 1 << 18, have = 0;
	char *buf = NULL, *nb;
	gzFile gz;
	int fd, err = 0, n;

	if (!strcmp(path, "-"))
		fd = dup(STDIN_FILENO);
	else
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	gz = gzdopen(fd, "rb");
	if (!gz) {
		close(fd);
		return -ENOMEM;
	}
	gzbuffer(gz, 1 << 17);
	buf = malloc(cap);
	if (!buf) {
		err = -ENOMEM;
		goto out;
	}
	for (;;) {
		char *p, *nl, *end;

		if (have == cap) {
			/* a line longer than the buffer: grow, within reason */
			if (cap >= (1u << 26)) {
				err = -EFBIG;
				goto out;
			}
			nb = realloc(buf, cap * 2);
			if (!nb) {
				err = -ENOMEM;
				goto out;
			}
			buf = nb;
			cap *= 2;
		}
		n = gzread(gz, buf + have, (unsigned int)(cap - have));
		if (n < 0) {
			err = -EIO;
			goto out;
		}
		if (n == 0) {
			int zerr;

			gzerror(gz, &zerr);
			if (zerr != Z_OK && zerr != Z_STREAM_END) {
				err = -EIO;
				goto out;
			}
			if (have)
				err = ipl_add_line(l, buf, have);
			goto out;
		}
		have += (size_t)n;
		p = buf;
		end = buf + have;
		while ((nl = memchr(p, '\n', (size_t)(end - p)))) {
			err = ipl_add_line(l, p, (size_t)(nl - p));
			if (err)
				goto out;
			p = nl + 1;
		}
		have = (size_t)(end - p);
		memmove(buf, p, have);
	}
out:
	free(buf);
	gzclose(gz);
	return err;
}

static int cmp4(const void *a, const void *b)
{
	const struct ipl_r4 *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return x->hi < y->hi ? -1 : x->hi > y->hi;
}

static int cmp6(const void *a, const void *b)
{
	const struct ipl_r6 *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return x->hi < y->hi ? -1 : x->hi > y->hi;
}

int ipl_finish(struct iplist *l)
{
	size_t i, o;

	if (l->finished)
		return 0;
	if (l->n4) {
		qsort(l->v4, l->n4, sizeof(*l->v4), cmp4);
		for (i = 1, o = 0; i < l->n4; i++) {
			struct ipl_r4 *c = &l->v4[o], *n = &l->v4[i];

			if (n->lo <= c->hi ||
			    (c->hi != UINT32_MAX && n->lo == c->hi + 1)) {
				if (n->hi > c->hi)
					c->hi = n->hi;
			} else {
				l->v4[++o] = *n;
			}
		}
		l->n4 = o + 1;
	}
	if (l->n6) {
		qsort(l->v6, l->n6, sizeof(*l->v6), cmp6);
		for (i = 1, o = 0; i < l->n6; i++) {
			struct ipl_r6 *c = &l->v6[o], *n = &l->v6[i];

			if (n->lo <= c->hi ||
			    (c->hi != V6_MAX && n->lo == c->hi + 1)) {
				if (n->hi > c->hi)
					c->hi = n->hi;
			} else {
				l->v6[++o] = *n;
			}
		}
		l->n6 = o + 1;
	}
	l->finished = true;
	return 0;
}

const struct ipl_r4 *ipl_find4(const struct iplist *l, uint32_t addr)
{
	size_t lo = 0, hi = l->n4;

	/* the last range starting at or below addr */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->v4[mid].lo <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo && addr <= l->v4[lo - 1].hi)
		return &l->v4[lo - 1];
	return NULL;
}

const struct ipl_r6 *ipl_find6(const struct iplist *l, ipl_u128 addr)
{
	size_t lo = 0, hi = l->n6;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->v6[mid].lo <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo && addr <= l->v6[lo - 1].hi)
		return &l->v6[lo - 1];
	return NULL;
}

static unsigned int ctz128(ipl_u128 v)
{
	uint64_t low = (uint64_t)v, high = (uint64_t)(v >> 64);

	if (low)
		return (unsigned int)__builtin_ctzll(low);
	if (high)
		return 64 + (unsigned int)__builtin_ctzll(high);
	return 128;
}

int ipl_range_cidrs(int family, ipl_u128 lo, ipl_u128 hi, ipl_cidr_fn fn,
		    void *ctx)
{
	unsigned int bits = family == AF_INET ? 32 : 128;
	ipl_u128 max = family == AF_INET ? 0xffffffffu : V6_MAX;
	int ret;

	if (lo > hi || hi > max)
		return -EINVAL;
	for (;;) {
		unsigned int k = ctz128(lo);
		ipl_u128 end;

		if (k > bits)
			k = bits;
		/* the largest aligned block at lo that ends by hi */
		while (k > 0) {
			if (k == 128) {
				if (hi == V6_MAX)
					break;
			} else if (lo + ((((ipl_u128)1) << k) - 1) <= hi) {
				break;
			}
			k--;
		}
		ret = fn(ctx, family, lo, bits - k);
		if (ret)
			return ret;
		end = k == 128 ? V6_MAX : lo + ((((ipl_u128)1) << k) - 1);
		if (end >= hi)
			return 0;
		lo = end + 1;
	}
}

int ipl_cidrs_family(const struct iplist *l, int family, ipl_cidr_fn fn,
		     void *ctx)
{
	size_t i;
	int ret;

	for (i = 0; family == AF_INET && i < l->n4; i++) {
		ret = ipl_range_cidrs(AF_INET, l->v4[i].lo, l->v4[i].hi, fn,
				      ctx);
		if (ret)
			return ret;
	}
	for (i = 0; family == AF_INET6 && i < l->n6; i++) {
		ret = ipl_range_cidrs(AF_INET6, l->v6[i].lo, l->v6[i].hi, fn,
				      ctx);
		if (ret)
			return ret;
	}
	return 0;
}

int ipl_cidrs(const struct iplist *l, ipl_cidr_fn fn, void *ctx)
{
	size_t i;
	int ret;

	for (i = 0; i < l->n4; i++) {
		ret = ipl_range_cidrs(AF_INET, l->v4[i].lo, l->v4[i].hi, fn,
				      ctx);
		if (ret)
			return ret;
	}
	for (i = 0; i < l->n6; i++) {
		ret = ipl_range_cidrs(AF_INET6, l->v6[i].lo, l->v6[i].hi, fn,
				      ctx);
		if (ret)
			return ret;
	}
	return 0;
}

static int count_fn(void *ctx, int family, ipl_u128 addr, unsigned int pfx)
{
	size_t *n = ctx;

	(void)addr;
	(void)pfx;
	n[family == AF_INET ? 0 : 1]++;
	return 0;
}

void ipl_count_cidrs(const struct iplist *l, size_t *n4, size_t *n6)
{
	size_t n[2] = { 0, 0 };

	ipl_cidrs(l, count_fn, n);
	*n4 = n[0];
	*n6 = n[1];
}
