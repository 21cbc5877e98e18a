/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * core/option - parse a config section against a plugin's option table
 *
 * A plugin declares its options as data (include/nfpipe/option.h); this file
 * is the only code that reads option values. It applies the defaults, which
 * are strings parsed exactly like user input, then the section's entries in
 * file order, and stores each value at .off in the instance's private area
 * with the C type option.h lists for the option's type. Problems (unknown
 * names, bad values, repeats, missing required options, deprecated names)
 * go to the caller's diagnostics with file:line, the instance and a hint;
 * nothing is printed. Strings stored in priv are owned by the core until
 * nfp_opts_free(). Single-threaded, like all config handling.
 */
#include "nfp.h"
#include "core.h"

#include <ctype.h>
#include <inttypes.h>
#include <strings.h>
#include <sys/stat.h>

/* Reasons nfp_opt_parse_value() gives; "NAME=VALUE" goes before them. */
static const char why_int[] = "is not an integer";
static const char why_uint[] = "is not an unsigned integer";
static const char why_large[] = "is too large";
static const char why_small[] = "is too small";
static const char why_bool[] = "is not a boolean";
static const char why_size[] = "is not a size";
static const char why_dur[] = "is not a duration";
static const char why_enum[] = "is not one of the choices";
static const char why_range[] = "is out of range";
static const char why_nomem[] = "could not be stored: out of memory";
static const char why_type[] = "has an option type this core does not know";
static const char why_noenum[] = "belongs to an enum option without choices";
static const char why_unit[] =
	"belongs to a duration whose unit is not s or ms";

NFP_API const char *nfp_opt_type_name(enum nfp_opt_type type)
{
	switch (type) {
	case NFP_OPT_STRING:
		return "string";
	case NFP_OPT_PATH:
		return "path";
	case NFP_OPT_INT:
		return "int";
	case NFP_OPT_UINT:
		return "uint";
	case NFP_OPT_BOOL:
		return "bool";
	case NFP_OPT_SIZE:
		return "size";
	case NFP_OPT_DURATION:
		return "duration";
	case NFP_OPT_ENUM:
		return "enum";
	case NFP_OPT_NONE:
		break;
	}
	return "none";
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * An unsigned number at the start of @s: decimal, or with @prefixes also
 * 0x hex and 0 octal as strtoul(..., 0) reads them (what ulogd2 did). All
 * digits are consumed even past an overflow, so that "99...9x" is reported
 * as junk rather than as too large. -EINVAL when there are no digits.
 */
static int parse_digits(const char *s, bool prefixes, uint64_t *v, bool *over,
			const char **end)
{
	unsigned int base = 10;
	uint64_t acc = 0;
	const char *p;

	if (prefixes && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (prefixes && s[0] == '0' && s[1]) {
		base = 8;
		s++;
	}

	*over = false;
	for (p = s; *p; p++) {
		int dv = digit_value(*p);

		if (dv < 0 || (unsigned int)dv >= base)
			break;
		if (acc > (UINT64_MAX - (unsigned int)dv) / base)
			*over = true;
		else
			acc = acc * base + (unsigned int)dv;
	}
	*end = p;
	if (p == s)
		return -EINVAL;
	*v = acc;
	return 0;
}

static int parse_int(const char *s, int64_t *out, const char **why)
{
	bool neg = false, over;
	const char *end;
	uint64_t mag;

	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (parse_digits(s, true, &mag, &over, &end) < 0 || *end) {
		*why = why_int;
		return -EINVAL;
	}
	if (over || mag > (uint64_t)INT64_MAX + neg) {
		*why = neg ? why_small : why_large;
		return -ERANGE;
	}
	/* -(INT64_MAX + 1) is representable; the negation is done unsigned. */
	*out = neg ? (int64_t)(0 - mag) : (int64_t)mag;
	return 0;
}

static int parse_uint(const char *s, uint64_t *out, const char **why)
{
	const char *end;
	bool over;

	/* strtoul would wrap "-1" to 2^64 - 1; a negative count is a typo. */
	if (*s == '+')
		s++;
	if (parse_digits(s, true, out, &over, &end) < 0 || *end) {
		*why = why_uint;
		return -EINVAL;
	}
	if (over) {
		*why = why_large;
		return -ERANGE;
	}
	return 0;
}

static int parse_bool(const char *s, bool *out, const char **why)
{
	static const char *const yes[] = { "1", "yes", "true", "on" };
	static const char *const no[] = { "0", "no", "false", "off" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcasecmp(s, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*out = false;
			return 0;
		}
	}
	*why = why_bool;
	return -EINVAL;
}

static int mul_check(uint64_t v, uint64_t mult, uint64_t *out, const char **why)
{
	if (mult && v > UINT64_MAX / mult) {
		*why = why_large;
		return -ERANGE;
	}
	*out = v * mult;
	return 0;
}

/* Bytes: "4096", "64k", "64K", "16M", "1G", each optionally + "B" or "iB". */
static int parse_size(const char *s, uint64_t *out, const char **why)
{
	uint64_t v, mult = 1;
	const char *end;
	bool over;

	if (parse_digits(s, false, &v, &over, &end) < 0)
		goto bad;
	switch (*end) {
	case 'k':
	case 'K':
		mult = 1ull << 10;
		end++;
		break;
	case 'm':
	case 'M':
		mult = 1ull << 20;
		end++;
		break;
	case 'g':
	case 'G':
		mult = 1ull << 30;
		end++;
		break;
	}
	/* "iB" only makes sense after a multiplier: "64iB" is a typo. */
	if (mult > 1 && !strcmp(end, "iB"))
		end += 2;
	else if (!strcmp(end, "B"))
		end++;
	if (*end)
		goto bad;
	if (over) {
		*why = why_large;
		return -ERANGE;
	}
	return mul_check(v, mult, out, why);
bad:
	*why = why_size;
	return -EINVAL;
}

/* Milliseconds: "250ms", "30s", "5m", "2h"; bare numbers count in @unit. */
static int parse_duration(const char *s, const char *unit, uint64_t *out,
			  const char **why)
{
	uint64_t v, mult;
	const char *end;
	bool over;

	/* A table typo must not turn "100" into 100 seconds unnoticed. */
	if (unit && strcmp(unit, "s") && strcmp(unit, "ms")) {
		*why = why_unit;
		return -EINVAL;
	}
	if (parse_digits(s, false, &v, &over, &end) < 0)
		goto bad;
	if (!*end)
		mult = unit && !strcmp(unit, "ms") ? 1 : 1000;
	else if (!strcasecmp(end, "ms"))
		mult = 1;
	else if (!strcasecmp(end, "s"))
		mult = 1000;
	else if (!strcasecmp(end, "m"))
		mult = 60 * 1000;
	else if (!strcasecmp(end, "h"))
		mult = 60 * 60 * 1000;
	else
		goto bad;
	if (over) {
		*why = why_large;
		return -ERANGE;
	}
	return mul_check(v, mult, out, why);
bad:
	*why = why_dur;
	return -EINVAL;
}

static bool has_bounds(const struct nfp_option *opt)
{
	return opt->min < opt->max;
}

/* An unsigned value against int64_t bounds; a negative min means none. */
static bool u64_in_bounds(const struct nfp_option *opt, uint64_t v)
{
	if (!has_bounds(opt))
		return true;
	if (opt->min > 0 && v < (uint64_t)opt->min)
		return false;
	return opt->max >= 0 && v <= (uint64_t)opt->max;
}

int nfp_opt_parse_value(const struct nfp_option *opt, const char *value,
			void *dst, const char **why)
{
	const char *dummy;
	uint64_t u;
	int64_t i;
	bool b;
	int ret;

	if (!why)
		why = &dummy;
	*why = NULL;

	switch (opt->type) {
	case NFP_OPT_STRING:
	case NFP_OPT_PATH: {
		char *s = strdup(value);

		if (!s) {
			*why = why_nomem;
			return -ENOMEM;
		}
		*(char **)dst = s;
		return 0;
	}
	case NFP_OPT_INT:
		ret = parse_int(value, &i, why);
		if (ret < 0)
			return ret;
		if (has_bounds(opt) && (i < opt->min || i > opt->max)) {
			*why = why_range;
			return -ERANGE;
		}
		*(int64_t *)dst = i;
		return 0;
	case NFP_OPT_UINT:
	case NFP_OPT_SIZE:
	case NFP_OPT_DURATION:
		if (opt->type == NFP_OPT_UINT)
			ret = parse_uint(value, &u, why);
		else if (opt->type == NFP_OPT_SIZE)
			ret = parse_size(value, &u, why);
		else
			ret = parse_duration(value, opt->unit, &u, why);
		if (ret < 0)
			return ret;
		if (!u64_in_bounds(opt, u)) {
			*why = why_range;
			return -ERANGE;
		}
		*(uint64_t *)dst = u;
		return 0;
	case NFP_OPT_BOOL:
		ret = parse_bool(value, &b, why);
		if (ret < 0)
			return ret;
		*(bool *)dst = b;
		return 0;
	case NFP_OPT_ENUM:
		if (!opt->enums) {
			*why = why_noenum;
			return -EINVAL;
		}
		for (i = 0; opt->enums[i]; i++) {
			if (!strcasecmp(value, opt->enums[i])) {
				*(int *)dst = (int)i;
				return 0;
			}
		}
		*why = why_enum;
		return -EINVAL;
	case NFP_OPT_NONE:
		break;
	}
	*why = why_type;
	return -EINVAL;
}

static bool is_string(const struct nfp_option *opt)
{
	return opt->type == NFP_OPT_STRING || opt->type == NFP_OPT_PATH;
}

static void *field(const struct nfp_option *opt, void *priv)
{
	return (char *)priv + opt->off;
}

/*
 * Set @opt in @priv from @value, keeping the old value when @value is bad.
 * @append joins a repeated MULTI string to what the config gave before.
 */
static int store(const struct nfp_option *opt, void *priv, const char *value,
		 bool append, const char **why)
{
	union {
		int64_t i;  /* NFP_OPT_INT */
		uint64_t u; /* UINT, SIZE, DURATION */
		bool b;	    /* BOOL */
		int e;	    /* ENUM */
		char *s;    /* STRING, PATH */
	} tmp;
	char **slot;
	int ret;

	if (is_string(opt)) {
		slot = field(opt, priv);
		if (append && *slot) {
			char *joined;

			if (asprintf(&joined, "%s\n%s", *slot, value) < 0) {
				*why = why_nomem;
				return -ENOMEM;
			}
			free(*slot);
			*slot = joined;
			return 0;
		}
		ret = nfp_opt_parse_value(opt, value, &tmp.s, why);
		if (ret < 0)
			return ret;
		/* The default, or NULL: replaced, not merged. */
		free(*slot);
		*slot = tmp.s;
		return 0;
	}

	ret = nfp_opt_parse_value(opt, value, &tmp, why);
	if (ret < 0)
		return ret;
	switch (opt->type) {
	case NFP_OPT_INT:
		*(int64_t *)field(opt, priv) = tmp.i;
		break;
	case NFP_OPT_BOOL:
		*(bool *)field(opt, priv) = tmp.b;
		break;
	case NFP_OPT_ENUM:
		*(int *)field(opt, priv) = tmp.e;
		break;
	default:
		*(uint64_t *)field(opt, priv) = tmp.u;
		break;
	}
	return 0;
}

/*
 * Extra words after a failed value: the range for a bound, "(bytes)" and so
 * on so that the numbers mean something; empty otherwise.
 */
static void range_text(const struct nfp_option *opt, const char *why, char *buf,
		       size_t len)
{
	const char *unit = "";

	buf[0] = '\0';
	if (why != why_range)
		return;
	if (opt->type == NFP_OPT_SIZE)
		unit = " bytes";
	else if (opt->type == NFP_OPT_DURATION)
		unit = " ms";
	snprintf(buf, len, " %" PRId64 "..%" PRId64 "%s", opt->min, opt->max,
		 unit);
}

/* "a, b, c" from a NULL-terminated list; NULL when out of memory. */
static char *join_names(const char *const *names, const char *sep)
{
	size_t len = 1, i;
	char *s;

	for (i = 0; names[i]; i++)
		len += strlen(names[i]) + strlen(sep);
	s = malloc(len);
	if (!s)
		return NULL;
	s[0] = '\0';
	for (i = 0; names[i]; i++) {
		if (i)
			strcat(s, sep);
		strcat(s, names[i]);
	}
	return s;
}

/* What a correct value of @opt looks like, for the hint of a bad one. */
static char *value_hint(const struct nfp_option *opt, const char *why)
{
	const char *h = NULL;
	char *s = NULL, *names;

	if (why == why_range || why == why_nomem || why == why_unit)
		return NULL;
	switch (opt->type) {
	case NFP_OPT_INT:
		h = "write a whole number such as 100, -5 or 0x1f";
		break;
	case NFP_OPT_UINT:
		h = "write a whole number such as 100 or 0x1f";
		break;
	case NFP_OPT_BOOL:
		h = "use yes/no, true/false, on/off or 1/0";
		break;
	case NFP_OPT_SIZE:
		h = "write bytes, or a number with k, M or G (1024-based), "
		    "e.g. 64M";
		break;
	case NFP_OPT_DURATION:
		if (opt->unit && !strcmp(opt->unit, "ms"))
			h = "write a number with ms, s, m or h, e.g. 30s; "
			    "a bare number counts milliseconds";
		else
			h = "write a number with ms, s, m or h, e.g. 30s; "
			    "a bare number counts seconds";
		break;
	case NFP_OPT_ENUM:
		if (!opt->enums)
			break;
		names = join_names(opt->enums, ", ");
		if (names && asprintf(&s, "choose one of: %s", names) < 0)
			s = NULL;
		free(names);
		return s;
	default:
		break;
	}
	return h ? strdup(h) : NULL;
}

static void bad_value(struct nfp_diags *d, const struct nfp_option *opt,
		      const struct nfp_conf_entry *ent, const char *inst,
		      const char *why)
{
	const char *shown = ent->value;
	char range[96];
	char *hint;

	if (opt->flags & NFP_OPT_SECRET)
		shown = "(secret)";
	else if (!*shown)
		shown = "\"\"";
	range_text(opt, why, range, sizeof(range));
	hint = value_hint(opt, why);
	nfp_diag(d, NFP_LOG_ERROR, ent->file, ent->line, inst, hint,
		 "%s=%s %s%s", opt->name, shown, why, range);
	free(hint);
}

static void bad_default(struct nfp_diags *d, const struct nfp_option *opt,
			const char *inst, const char *why)
{
	char range[96];

	range_text(opt, why, range, sizeof(range));
	nfp_diag(d, NFP_LOG_ERROR, NULL, 0, inst,
		 "this is a bug in the plugin's option table",
		 "bad default of option \"%s\": \"%s\" %s%s", opt->name,
		 opt->def, why, range);
}

static void unknown_option(struct nfp_diags *d, const struct nfp_option *tab,
			   size_t n, const struct nfp_conf_entry *ent,
			   const char *inst)
{
	const char **names;
	const char *near;
	char *hint = NULL, *all;
	size_t i;

	names = calloc(n + 1, sizeof(*names));
	if (names) {
		for (i = 0; i < n; i++)
			names[i] = tab[i].name;
		near = nfp_suggest(ent->key, names);
		if (near) {
			if (asprintf(&hint, "did you mean \"%s\"?", near) < 0)
				hint = NULL;
		} else if (n) {
			all = join_names(names, ", ");
			if (all &&
			    asprintf(&hint, "valid options: %s", all) < 0)
				hint = NULL;
			free(all);
		} else {
			hint = strdup("this plugin takes no options");
		}
		free(names);
	}
	nfp_diag(d, NFP_LOG_ERROR, ent->file, ent->line, inst, hint,
		 "unknown option \"%s\"", ent->key);
	free(hint);
}

static void repeated(struct nfp_diags *d, const struct nfp_option *opt,
		     const struct nfp_conf_entry *first,
		     const struct nfp_conf_entry *ent, const char *inst)
{
	nfp_diag(d, NFP_LOG_ERROR, ent->file, ent->line, inst,
		 "keep one of them",
		 "option \"%s\" is set twice, at lines %u and %u", opt->name,
		 first->line, ent->line);
}

static size_t table_len(const struct nfp_option *tab)
{
	size_t n = 0;

	while (tab && tab[n].name)
		n++;
	return n;
}

static const struct nfp_option *lookup(const struct nfp_option *tab, size_t n,
				       const char *name, size_t *idx)
{
	size_t i;

	/* Case matters, as in ulogd2: "File" is unknown, with a hint. */
	for (i = 0; i < n; i++) {
		if (!strcmp(tab[i].name, name)) {
			*idx = i;
			return &tab[i];
		}
	}
	return NULL;
}

/*
 * A secret (a password) in a file other users can read is worth a warning:
 * one for each instance that sets one, at the line that sets it.
 */
static void secret_readable(const struct nfp_option *tab, size_t n,
			    const struct nfp_conf_entry **first,
			    const char *inst, struct nfp_diags *d)
{
	const struct nfp_conf_entry *ent;
	struct stat st;
	char *hint;
	size_t i;

	for (i = 0; i < n; i++) {
		ent = first[i];
		if (!(tab[i].flags & NFP_OPT_SECRET) || !ent || !ent->file ||
		    !*ent->value)
			continue;
		if (stat(ent->file, &st) < 0 || !(st.st_mode & S_IROTH))
			return;
		if (asprintf(&hint, "chmod o-r %s", ent->file) < 0)
			hint = NULL;
		nfp_diag(d, NFP_LOG_WARN, ent->file, ent->line, inst, hint,
			 "option \"%s\" holds a secret in a file every user "
			 "can read",
			 tab[i].name);
		free(hint);
		return;
	}
}

int nfp_opts_apply(const struct nfp_option *tab, void *priv,
		   struct nfp_conf_section *sec, const char *inst,
		   struct nfp_diags *d)
{
	unsigned int errors = d->errors;
	size_t n = table_len(tab), i;
	const struct nfp_conf_entry **first;
	struct nfp_conf_entry *ent;
	const char *why;

	if (!inst && sec)
		inst = sec->name;

	/* The first entry that set each option: repeats and REQUIRED. */
	first = calloc(n + 1, sizeof(*first));
	if (!first) {
		nfp_diag(d, NFP_LOG_ERROR, NULL, 0, inst, NULL,
			 "out of memory parsing options");
		return -ENOMEM;
	}

	for (i = 0; i < n; i++) {
		if (!tab[i].def)
			continue;
		if (store(&tab[i], priv, tab[i].def, false, &why) < 0)
			bad_default(d, &tab[i], inst, why);
	}

	for (ent = sec ? sec->entries : NULL; ent; ent = ent->next) {
		const struct nfp_option *opt = lookup(tab, n, ent->key, &i);
		bool again;

		if (!opt) {
			unknown_option(d, tab, n, ent, inst);
			continue;
		}
		ent->used = true;
		again = first[i] != NULL;
		if (again && !(opt->flags & NFP_OPT_MULTI)) {
			repeated(d, opt, first[i], ent, inst);
			continue;
		}
		if (!again)
			first[i] = ent;
		if (opt->flags & NFP_OPT_DEPRECATED)
			nfp_diag(d, NFP_LOG_WARN, ent->file, ent->line, inst,
				 NULL, "option \"%s\" is deprecated%s%s",
				 opt->name, opt->help ? ": " : "",
				 opt->help ? opt->help : "");
		/* Only strings join; other MULTI options take the last. */
		if (store(opt, priv, ent->value, again && is_string(opt),
			  &why) < 0)
			bad_value(d, opt, ent, inst, why);
	}

	secret_readable(tab, n, first, inst, d);

	for (i = 0; i < n; i++) {
		char *hint;

		if (!(tab[i].flags & NFP_OPT_REQUIRED) || first[i])
			continue;
		if (asprintf(&hint, "add %s=... to [%s]", tab[i].name,
			     inst ? inst : "?") < 0)
			hint = NULL;
		nfp_diag(d, NFP_LOG_ERROR, sec ? sec->file : NULL,
			 sec ? sec->line : 0, inst, hint,
			 "missing required option \"%s\"", tab[i].name);
		free(hint);
	}

	free(first);
	return d->errors > errors ? -EINVAL : 0;
}

void nfp_opts_free(const struct nfp_option *tab, void *priv)
{
	size_t i;

	if (!tab || !priv)
		return;
	for (i = 0; tab[i].name; i++) {
		if (is_string(&tab[i])) {
			char **slot = field(&tab[i], priv);

			free(*slot);
			*slot = NULL;
		}
	}
}

/* The TYPE column: "enum (ulogd|kernel)", "uint 1..1000000", ... */
static void type_text(const struct nfp_option *opt, char *buf, size_t len)
{
	const char *name = nfp_opt_type_name(opt->type);
	size_t used, i;

	if (opt->type == NFP_OPT_ENUM && opt->enums) {
		used = (size_t)snprintf(buf, len, "%s (", name);
		for (i = 0; opt->enums[i] && used < len; i++)
			used += (size_t)snprintf(buf + used, len - used, "%s%s",
						 i ? "|" : "", opt->enums[i]);
		if (used < len)
			snprintf(buf + used, len - used, ")");
		return;
	}
	if (has_bounds(opt) &&
	    (opt->type == NFP_OPT_INT || opt->type == NFP_OPT_UINT ||
	     opt->type == NFP_OPT_SIZE || opt->type == NFP_OPT_DURATION)) {
		snprintf(buf, len, "%s %" PRId64 "..%" PRId64 "%s", name,
			 opt->min, opt->max,
			 opt->type == NFP_OPT_SIZE	 ? " bytes"
			 : opt->type == NFP_OPT_DURATION ? " ms"
							 : "");
		return;
	}
	snprintf(buf, len, "%s", name);
}

/* The DEFAULT column. */
static const char *default_text(const struct nfp_option *opt)
{
	if (!opt->def)
		return "-";
	if (opt->flags & NFP_OPT_SECRET)
		return "(hidden)";
	if (!*opt->def)
		return "\"\"";
	return opt->def;
}

/* Flags, and what a bare number means where it is not obvious. */
static void flags_text(const struct nfp_option *opt, char *buf, size_t len)
{
	static const struct {
		uint32_t flag;	  /* NFP_OPT_* */
		const char *word; /* as printed */
	} words[] = {
		{ NFP_OPT_REQUIRED, "required" },
		{ NFP_OPT_SECRET, "secret" },
		{ NFP_OPT_DEPRECATED, "deprecated" },
		{ NFP_OPT_MULTI, "repeatable" },
	};
	size_t used = 0, i;

	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(words) && used < len; i++)
		if (opt->flags & words[i].flag)
			used += (size_t)snprintf(buf + used, len - used, "%s%s",
						 used ? ", " : "",
						 words[i].word);
	if (opt->type == NFP_OPT_DURATION && used < len)
		snprintf(buf + used, len - used, "%sbare number: %s",
			 used ? ", " : "",
			 opt->unit && !strcmp(opt->unit, "ms") ? "ms" : "s");
}

void nfp_opts_help(const struct nfp_option *tab, FILE *f)
{
	size_t n = table_len(tab), i;
	int wname = (int)strlen("OPTION"), wtype = (int)strlen("TYPE");
	int wdef = (int)strlen("DEFAULT");
	char type[256], flags[128];

	if (!n) {
		fputs("  (no options)\n", f);
		return;
	}
	for (i = 0; i < n; i++) {
		int l;

		l = (int)strlen(tab[i].name);
		if (l > wname)
			wname = l;
		type_text(&tab[i], type, sizeof(type));
		l = (int)strlen(type);
		if (l > wtype)
			wtype = l;
		l = (int)strlen(default_text(&tab[i]));
		if (l > wdef)
			wdef = l;
	}

	fprintf(f, "  %-*s  %-*s  %-*s  %s\n", wname, "OPTION", wtype, "TYPE",
		wdef, "DEFAULT", "FLAGS");
	for (i = 0; i < n; i++) {
		type_text(&tab[i], type, sizeof(type));
		flags_text(&tab[i], flags, sizeof(flags));
		/* No padding after the last column: no trailing blanks. */
		if (flags[0])
			fprintf(f, "  %-*s  %-*s  %-*s  %s\n", wname,
				tab[i].name, wtype, type, wdef,
				default_text(&tab[i]), flags);
		else
			fprintf(f, "  %-*s  %-*s  %s\n", wname, tab[i].name,
				wtype, type, default_text(&tab[i]));
		if (tab[i].help)
			fprintf(f, "      %s\n", tab[i].help);
	}
}
