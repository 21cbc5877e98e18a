/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_option - option values, tables, diagnostics and --help
 *
 * Feeds nfp_opt_parse_value() every type with good, bad, overflowing and
 * out-of-bounds input, and nfp_opts_apply() config sections with a table of
 * every type and flag. Expected numbers are worked out by hand (0x1f = 31,
 * 010 = 8, 64M = 64 * 2^20 = 67108864, 2^64 - 1 = 18446744073709551615, ...)
 * and expected messages are written out in full. No files, no root.
 */
#include "nfp.h"
#include "core.h"

#include "tap.h"

/* ---- nfp_opt_parse_value ------------------------------------------------ */

static const char *const modes[] = { "ulogd", "kernel", NULL };

static void int_ok(const struct nfp_option *o, const char *in, int64_t want)
{
	int64_t v = 12345;
	const char *why = "unset";
	int ret = nfp_opt_parse_value(o, in, &v, &why);

	is_int(ret, 0, "%s \"%s\" accepted", nfp_opt_type_name(o->type), in);
	is_int(v, want, "  \"%s\" = %" PRId64, in, want);
	ok(why == NULL, "  no reason given");
}

static void uint_ok(const struct nfp_option *o, const char *in, uint64_t want)
{
	uint64_t v = 12345;
	const char *why = "unset";
	int ret = nfp_opt_parse_value(o, in, &v, &why);

	is_int(ret, 0, "%s \"%s\" accepted", nfp_opt_type_name(o->type), in);
	ok(v == want, "  \"%s\" = %" PRIu64 " (got %" PRIu64 ")", in, want, v);
}

/* A rejected value leaves the destination alone. */
static void rejected(const struct nfp_option *o, const char *in, int err,
		     const char *why_want)
{
	uint64_t v = 12345;
	const char *why = NULL;
	int ret = nfp_opt_parse_value(o, in, &v, &why);

	is_int(ret, err, "%s \"%s\" rejected with %d",
	       nfp_opt_type_name(o->type), in, err);
	is_str(why, why_want, "  reason");
	ok(v == 12345, "  destination untouched");
}

static void test_int(void)
{
	static const struct nfp_option o = { .name = "i", .type = NFP_OPT_INT };
	static const struct nfp_option b = {
		.name = "b", .type = NFP_OPT_INT, .min = -100, .max = 100
	};

	int_ok(&o, "42", 42);
	int_ok(&o, "-42", -42);
	int_ok(&o, "+7", 7);
	int_ok(&o, "0", 0);
	int_ok(&o, "0x1f", 31);
	int_ok(&o, "0X1F", 31);
	int_ok(&o, "-0x10", -16);
	int_ok(&o, "010", 8);
	int_ok(&o, "9223372036854775807", INT64_MAX);
	int_ok(&o, "-9223372036854775808", INT64_MIN);
	rejected(&o, "9223372036854775808", -ERANGE, "is too large");
	rejected(&o, "-9223372036854775809", -ERANGE, "is too small");
	rejected(&o, "99999999999999999999999", -ERANGE, "is too large");
	rejected(&o, "99999999999999999999999x", -EINVAL, "is not an integer");
	rejected(&o, "12abc", -EINVAL, "is not an integer");
	rejected(&o, "", -EINVAL, "is not an integer");
	rejected(&o, "-", -EINVAL, "is not an integer");
	rejected(&o, "08", -EINVAL, "is not an integer");
	rejected(&o, "0x", -EINVAL, "is not an integer");
	rejected(&o, "0xg", -EINVAL, "is not an integer");
	rejected(&o, " 5", -EINVAL, "is not an integer");
	rejected(&o, "5 ", -EINVAL, "is not an integer");
	rejected(&o, "1e3", -EINVAL, "is not an integer");

	int_ok(&b, "-100", -100);
	int_ok(&b, "100", 100);
	int_ok(&b, "0x64", 100);
	rejected(&b, "-101", -ERANGE, "is out of range");
	rejected(&b, "101", -ERANGE, "is out of range");
}

static void test_uint(void)
{
	static const struct nfp_option o = { .name = "u",
					     .type = NFP_OPT_UINT };
	static const struct nfp_option b = { .name = "netlink_qthreshold",
					     .type = NFP_OPT_UINT,
					     .min = 1,
					     .max = 1000000 };

	uint_ok(&o, "0", 0);
	uint_ok(&o, "+3", 3);
	uint_ok(&o, "0777", 511);
	uint_ok(&o, "0xffffffff", 4294967295u);
	uint_ok(&o, "18446744073709551615", UINT64_MAX);
	uint_ok(&o, "0xffffffffffffffff", UINT64_MAX);
	uint_ok(&o, "01777777777777777777777", UINT64_MAX);
	rejected(&o, "18446744073709551616", -ERANGE, "is too large");
	rejected(&o, "0x10000000000000000", -ERANGE, "is too large");
	rejected(&o, "-1", -EINVAL, "is not an unsigned integer");
	rejected(&o, "1.5", -EINVAL, "is not an unsigned integer");
	rejected(&o, "ten", -EINVAL, "is not an unsigned integer");

	uint_ok(&b, "1", 1);
	uint_ok(&b, "1000000", 1000000);
	rejected(&b, "0", -ERANGE, "is out of range");
	rejected(&b, "1000001", -ERANGE, "is out of range");
	rejected(&b, "18446744073709551615", -ERANGE, "is out of range");
}

static void bool_is(const char *in, bool want)
{
	static const struct nfp_option o = { .name = "b",
					     .type = NFP_OPT_BOOL };
	bool v = !want;

	is_int(nfp_opt_parse_value(&o, in, &v, NULL), 0, "bool \"%s\"", in);
	is_int(v, want, "  \"%s\" is %s", in, want ? "true" : "false");
}

static void test_bool(void)
{
	static const struct nfp_option o = { .name = "b",
					     .type = NFP_OPT_BOOL };
	const char *why = NULL;
	bool v = true;

	bool_is("1", true);
	bool_is("yes", true);
	bool_is("YES", true);
	bool_is("true", true);
	bool_is("True", true);
	bool_is("on", true);
	bool_is("0", false);
	bool_is("no", false);
	bool_is("false", false);
	bool_is("FALSE", false);
	bool_is("off", false);
	bool_is("Off", false);
	is_int(nfp_opt_parse_value(&o, "2", &v, &why), -EINVAL, "bool \"2\"");
	is_str(why, "is not a boolean", "  reason");
	is_int(v, true, "  untouched");
	is_int(nfp_opt_parse_value(&o, "yess", &v, &why), -EINVAL,
	       "bool \"yess\"");
	is_int(nfp_opt_parse_value(&o, "", &v, &why), -EINVAL, "bool \"\"");
	is_int(nfp_opt_parse_value(&o, "y", &v, &why), -EINVAL, "bool \"y\"");
}

static void test_size(void)
{
	static const struct nfp_option o = { .name = "s",
					     .type = NFP_OPT_SIZE };
	static const struct nfp_option b = { .name = "s",
					     .type = NFP_OPT_SIZE,
					     .min = 4096,
					     .max = 1073741824 };

	uint_ok(&o, "0", 0);
	uint_ok(&o, "4096", 4096);
	uint_ok(&o, "512B", 512);
	uint_ok(&o, "4k", 4096);
	uint_ok(&o, "4K", 4096);
	uint_ok(&o, "4kB", 4096);
	uint_ok(&o, "4KB", 4096);
	uint_ok(&o, "4KiB", 4096);
	uint_ok(&o, "64M", 67108864);
	uint_ok(&o, "64m", 67108864);
	uint_ok(&o, "64MiB", 67108864);
	uint_ok(&o, "1G", 1073741824);
	uint_ok(&o, "2GB", 2147483648u);
	uint_ok(&o, "16GiB", 17179869184ull);
	uint_ok(&o, "010", 10);
	/* 2^34 G is 2^64: one too many. */
	uint_ok(&o, "17179869183G", 18446744072635809792ull);
	rejected(&o, "17179869184G", -ERANGE, "is too large");
	rejected(&o, "99999999999999999999", -ERANGE, "is too large");
	rejected(&o, "4 K", -EINVAL, "is not a size");
	rejected(&o, "4KiBB", -EINVAL, "is not a size");
	rejected(&o, "4Kib", -EINVAL, "is not a size");
	rejected(&o, "64iB", -EINVAL, "is not a size");
	rejected(&o, "1T", -EINVAL, "is not a size");
	rejected(&o, "1.5G", -EINVAL, "is not a size");
	rejected(&o, "0x10", -EINVAL, "is not a size");
	rejected(&o, "K", -EINVAL, "is not a size");
	rejected(&o, "-1", -EINVAL, "is not a size");
	rejected(&o, "", -EINVAL, "is not a size");

	uint_ok(&b, "4k", 4096);
	uint_ok(&b, "1G", 1073741824);
	rejected(&b, "4095", -ERANGE, "is out of range");
	rejected(&b, "1025M", -ERANGE, "is out of range");
}

static void test_duration(void)
{
	static const struct nfp_option s = { .name = "d",
					     .type = NFP_OPT_DURATION };
	static const struct nfp_option ms = { .name = "d",
					      .type = NFP_OPT_DURATION,
					      .unit = "ms" };
	static const struct nfp_option badunit = { .name = "d",
						   .type = NFP_OPT_DURATION,
						   .unit = "sec" };
	static const struct nfp_option b = { .name = "d",
					     .type = NFP_OPT_DURATION,
					     .unit = "s",
					     .min = 1000,
					     .max = 3600000 };

	uint_ok(&s, "30", 30000);
	uint_ok(&s, "0", 0);
	uint_ok(&s, "250ms", 250);
	uint_ok(&s, "250MS", 250);
	uint_ok(&s, "30s", 30000);
	uint_ok(&s, "5m", 300000);
	uint_ok(&s, "2h", 7200000);
	uint_ok(&s, "1H", 3600000);
	uint_ok(&ms, "100", 100);
	uint_ok(&ms, "2s", 2000);
	uint_ok(&ms, "18446744073709551615", UINT64_MAX);
	uint_ok(&s, "18446744073709551615ms", UINT64_MAX);
	/* (2^64 - 1) / 1000 = 18446744073709551 s fits, one more does not. */
	uint_ok(&s, "18446744073709551", 18446744073709551000ull);
	rejected(&s, "18446744073709552", -ERANGE, "is too large");
	rejected(&s, "1.5s", -EINVAL, "is not a duration");
	rejected(&s, "10x", -EINVAL, "is not a duration");
	rejected(&s, "10 s", -EINVAL, "is not a duration");
	rejected(&s, "1d", -EINVAL, "is not a duration");
	rejected(&s, "s", -EINVAL, "is not a duration");
	rejected(&s, "", -EINVAL, "is not a duration");
	rejected(&s, "-5s", -EINVAL, "is not a duration");

	rejected(&badunit, "100", -EINVAL,
		 "belongs to a duration whose unit is not s or ms");

	uint_ok(&b, "1", 1000);
	uint_ok(&b, "1h", 3600000);
	rejected(&b, "999ms", -ERANGE, "is out of range");
	rejected(&b, "61m", -ERANGE, "is out of range");
}

static void test_enum_string(void)
{
	static const struct nfp_option e = { .name = "mode",
					     .type = NFP_OPT_ENUM,
					     .enums = modes };
	static const struct nfp_option noenum = { .name = "mode",
						  .type = NFP_OPT_ENUM };
	static const struct nfp_option str = { .name = "s",
					       .type = NFP_OPT_STRING };
	static const struct nfp_option none = { .name = "n" };
	static const char in[] = "a value";
	const char *why = NULL;
	char *s = NULL;
	int v = -1;

	is_int(nfp_opt_parse_value(&e, "kernel", &v, &why), 0, "enum kernel");
	is_int(v, 1, "  index 1");
	is_int(nfp_opt_parse_value(&e, "ULOGD", &v, &why), 0, "enum ULOGD");
	is_int(v, 0, "  index 0, any case");
	is_int(nfp_opt_parse_value(&e, "json", &v, &why), -EINVAL, "enum json");
	is_str(why, "is not one of the choices", "  reason");
	is_int(v, 0, "  untouched");
	is_int(nfp_opt_parse_value(&noenum, "x", &v, &why), -EINVAL,
	       "enum without choices");
	is_int(nfp_opt_parse_value(&none, "x", &v, &why), -EINVAL, "type NONE");

	is_int(nfp_opt_parse_value(&str, in, &s, &why), 0, "string");
	ok(s && s != in && !strcmp(s, in), "  a copy");
	free(s);
}

static void test_type_names(void)
{
	is_str(nfp_opt_type_name(NFP_OPT_STRING), "string", "type string");
	is_str(nfp_opt_type_name(NFP_OPT_PATH), "path", "type path");
	is_str(nfp_opt_type_name(NFP_OPT_INT), "int", "type int");
	is_str(nfp_opt_type_name(NFP_OPT_UINT), "uint", "type uint");
	is_str(nfp_opt_type_name(NFP_OPT_BOOL), "bool", "type bool");
	is_str(nfp_opt_type_name(NFP_OPT_SIZE), "size", "type size");
	is_str(nfp_opt_type_name(NFP_OPT_DURATION), "duration",
	       "type duration");
	is_str(nfp_opt_type_name(NFP_OPT_ENUM), "enum", "type enum");
	is_str(nfp_opt_type_name(NFP_OPT_NONE), "none", "type none");
}

/* ---- nfp_opts_apply ----------------------------------------------------- */

struct tpriv {
	char *file;	     /* PATH, default */
	char *prefix;	     /* STRING, no default */
	char *lines;	     /* STRING, MULTI, default */
	char *password;	     /* STRING, SECRET */
	int64_t offset;	     /* INT -100..100 */
	uint64_t qthreshold; /* UINT 1..1000000 */
	uint64_t count;	     /* UINT, no default */
	bool sync;	     /* BOOL */
	uint64_t rcvbuf;     /* SIZE */
	uint64_t timeout;    /* DURATION, bare seconds */
	uint64_t qtimeout;   /* DURATION, bare ms */
	int mode;	     /* ENUM */
	char *old;	     /* deprecated */
	char *db;	     /* REQUIRED */
	uint64_t pin;	     /* UINT, SECRET */
};

#define OFF(f) offsetof(struct tpriv, f)

static const struct nfp_option tab[] = {
	{ .name = "file",
	  .type = NFP_OPT_PATH,
	  .def = "/var/log/t.log",
	  .off = OFF(file),
	  .help = "Where lines go." },
	{ .name = "prefix", .type = NFP_OPT_STRING, .off = OFF(prefix) },
	{ .name = "lines",
	  .type = NFP_OPT_STRING,
	  .flags = NFP_OPT_MULTI,
	  .def = "default line",
	  .off = OFF(lines) },
	{ .name = "password",
	  .type = NFP_OPT_STRING,
	  .flags = NFP_OPT_SECRET,
	  .def = "hunter2",
	  .off = OFF(password) },
	{ .name = "offset",
	  .type = NFP_OPT_INT,
	  .def = "-5",
	  .min = -100,
	  .max = 100,
	  .off = OFF(offset) },
	{ .name = "qthreshold",
	  .type = NFP_OPT_UINT,
	  .def = "1",
	  .min = 1,
	  .max = 1000000,
	  .off = OFF(qthreshold) },
	{ .name = "count", .type = NFP_OPT_UINT, .off = OFF(count) },
	{ .name = "sync", .type = NFP_OPT_BOOL, .def = "no", .off = OFF(sync) },
	{ .name = "rcvbuf",
	  .type = NFP_OPT_SIZE,
	  .def = "64M",
	  .min = 4096,
	  .max = 1073741824,
	  .off = OFF(rcvbuf) },
	{ .name = "timeout",
	  .type = NFP_OPT_DURATION,
	  .def = "30",
	  .off = OFF(timeout) },
	{ .name = "qtimeout",
	  .type = NFP_OPT_DURATION,
	  .def = "100",
	  .unit = "ms",
	  .off = OFF(qtimeout) },
	{ .name = "mode",
	  .type = NFP_OPT_ENUM,
	  .enums = modes,
	  .def = "ulogd",
	  .off = OFF(mode) },
	{ .name = "old",
	  .type = NFP_OPT_STRING,
	  .flags = NFP_OPT_DEPRECATED,
	  .off = OFF(old),
	  .help = "Use \"file\" instead." },
	{ .name = "db",
	  .type = NFP_OPT_PATH,
	  .flags = NFP_OPT_REQUIRED,
	  .off = OFF(db) },
	{ .name = "pin",
	  .type = NFP_OPT_UINT,
	  .flags = NFP_OPT_SECRET,
	  .off = OFF(pin) },
	{ 0 }
};

static char *diags_text(const struct nfp_diags *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		bail_out("open_memstream failed");
	nfp_diags_print(d, f);
	fclose(f);
	return buf;
}

static struct nfp_conf *conf_of(const char *text)
{
	struct nfp_diags d;
	struct nfp_conf *c = NULL;

	nfp_diags_init(&d);
	if (nfp_conf_parse("t.conf", text, &c, &d) < 0 || d.errors)
		bail_out("test config does not parse: %s", text);
	nfp_diags_free(&d);
	return c;
}

static void test_defaults(void)
{
	struct tpriv p = { 0 };
	struct nfp_diags d;
	char *got;
	int ret;

	nfp_diags_init(&d);
	ret = nfp_opts_apply(tab, &p, NULL, "t1", &d);
	is_int(ret, -EINVAL, "defaults only: -EINVAL (db is required)");
	got = diags_text(&d);
	is_str(got,
	       "error: [t1] missing required option \"db\"; "
	       "add db=... to [t1]\n",
	       "defaults only: the one error");
	free(got);
	is_str(p.file, "/var/log/t.log", "default path");
	ok(p.prefix == NULL, "string without default stays NULL");
	is_str(p.lines, "default line", "default multi string");
	is_str(p.password, "hunter2", "default secret");
	is_int(p.offset, -5, "default int");
	is_int(p.qthreshold, 1, "default uint");
	is_int(p.count, 0, "uint without default stays 0");
	is_int(p.sync, false, "default bool");
	is_int(p.rcvbuf, 67108864, "default size 64M");
	is_int(p.timeout, 30000, "default duration 30 (s)");
	is_int(p.qtimeout, 100, "default duration 100 (ms)");
	is_int(p.mode, 0, "default enum");
	nfp_opts_free(tab, &p);
	ok(!p.file && !p.lines && !p.password && !p.prefix && !p.db,
	   "free NULLs the strings");
	nfp_opts_free(tab, &p);
	ok(1, "free twice is harmless");
	nfp_diags_free(&d);
}

static void test_good_section(void)
{
	struct nfp_conf *c = conf_of("[emu1]\n"
				     "file=/var/log/a.log\n"
				     "prefix=\"hello world\"\n"
				     "lines=one\n"
				     "lines=two\n"
				     "lines=\"three # kept\"\n"
				     "offset=-0x10\n"
				     "qthreshold=1000\n"
				     "sync=on\n"
				     "rcvbuf=8M\n"
				     "timeout=2m\n"
				     "qtimeout=250\n"
				     "mode=Kernel\n"
				     "db=/tmp/x.db\n"
				     "pin=1234\n");
	struct nfp_conf_section *s = nfp_conf_section(c, "emu1");
	struct nfp_conf_entry *e;
	struct tpriv p = { 0 };
	struct nfp_diags d;
	bool all_used = true;

	nfp_diags_init(&d);
	is_int(nfp_opts_apply(tab, &p, s, "emu1", &d), 0, "good section: 0");
	is_int(d.errors, 0, "good section: no errors");
	is_int(d.warnings, 0, "good section: no warnings");
	is_str(p.file, "/var/log/a.log", "path replaces its default");
	is_str(p.prefix, "hello world", "quoted string");
	is_str(p.lines, "one\ntwo\nthree # kept",
	       "multi: lines joined, default dropped");
	is_str(p.password, "hunter2", "secret default kept");
	is_int(p.offset, -16, "int -0x10");
	is_int(p.qthreshold, 1000, "uint 1000");
	is_int(p.sync, true, "bool on");
	is_int(p.rcvbuf, 8388608, "size 8M");
	is_int(p.timeout, 120000, "duration 2m");
	is_int(p.qtimeout, 250, "duration 250, bare ms");
	is_int(p.mode, 1, "enum Kernel");
	is_str(p.db, "/tmp/x.db", "required path");
	is_int(p.pin, 1234, "secret uint");
	for (e = s->entries; e; e = e->next)
		all_used &= e->used;
	ok(all_used, "every entry marked used");
	nfp_opts_free(tab, &p);
	nfp_diags_free(&d);
	nfp_conf_free(c);
}

static void test_bad_section(void)
{
	struct nfp_conf *c = conf_of("# errors\n"
				     "[bad]\n"
				     "qthreshold=0\n"
				     "offset=12abc\n"
				     "sync=maybe\n"
				     "rcvbuf=10X\n"
				     "timeout=5y\n"
				     "mode=json\n"
				     "fiel=/x\n"
				     "File=/x\n"
				     "zzzzzz=1\n"
				     "count=1\n"
				     "count=2\n"
				     "old=x\n"
				     "pin=12ab\n"
				     "qtimeout=1d\n"
				     "count=3\n"
				     "lines=a\n"
				     "lines=b\n");
	struct nfp_conf_section *s = nfp_conf_section(c, "bad");
	struct nfp_conf_entry *e;
	struct tpriv p = { 0 };
	struct nfp_diags d;
	char *got;

	nfp_diags_init(&d);
	is_int(nfp_opts_apply(tab, &p, s, NULL, &d), -EINVAL,
	       "bad section: -EINVAL");
	is_int(d.errors, 14, "bad section: 14 errors");
	is_int(d.warnings, 1, "bad section: 1 warning");
	got = diags_text(&d);
	is_str(got,
	       "t.conf:3: error: [bad] qthreshold=0 is out of range "
	       "1..1000000\n"
	       "t.conf:4: error: [bad] offset=12abc is not an integer; "
	       "write a whole number such as 100, -5 or 0x1f\n"
	       "t.conf:5: error: [bad] sync=maybe is not a boolean; "
	       "use yes/no, true/false, on/off or 1/0\n"
	       "t.conf:6: error: [bad] rcvbuf=10X is not a size; write bytes, "
	       "or a number with k, M or G (1024-based), e.g. 64M\n"
	       "t.conf:7: error: [bad] timeout=5y is not a duration; write a "
	       "number with ms, s, m or h, e.g. 30s; a bare number counts "
	       "seconds\n"
	       "t.conf:8: error: [bad] mode=json is not one of the choices; "
	       "choose one of: ulogd, kernel\n"
	       "t.conf:9: error: [bad] unknown option \"fiel\"; "
	       "did you mean \"file\"?\n"
	       "t.conf:10: error: [bad] unknown option \"File\"; "
	       "did you mean \"file\"?\n"
	       "t.conf:11: error: [bad] unknown option \"zzzzzz\"; "
	       "valid options: file, prefix, lines, password, offset, "
	       "qthreshold, count, sync, rcvbuf, timeout, qtimeout, mode, "
	       "old, db, pin\n"
	       "t.conf:13: error: [bad] option \"count\" is set twice, at "
	       "lines 12 and 13; keep one of them\n"
	       "t.conf:14: warning: [bad] option \"old\" is deprecated: "
	       "Use \"file\" instead.\n"
	       "t.conf:15: error: [bad] pin=(secret) is not an unsigned "
	       "integer; write a whole number such as 100 or 0x1f\n"
	       "t.conf:16: error: [bad] qtimeout=1d is not a duration; write "
	       "a number with ms, s, m or h, e.g. 30s; a bare number counts "
	       "milliseconds\n"
	       "t.conf:17: error: [bad] option \"count\" is set twice, at "
	       "lines 12 and 17; keep one of them\n"
	       "t.conf:2: error: [bad] missing required option \"db\"; "
	       "add db=... to [bad]\n",
	       "bad section: every diagnostic, exactly");
	free(got);

	/* Bad values keep what was there: the default, or the first line. */
	is_int(p.qthreshold, 1, "out of range: default kept");
	is_int(p.offset, -5, "bad int: default kept");
	is_int(p.sync, false, "bad bool: default kept");
	is_int(p.rcvbuf, 67108864, "bad sizes: default kept");
	is_int(p.timeout, 30000, "bad duration: default kept");
	is_int(p.mode, 0, "bad enum: default kept");
	is_int(p.count, 1, "repeated: the first value stays");
	is_str(p.old, "x", "deprecated option still set");
	is_str(p.lines, "a\nb", "multi still joins");
	ok(p.db == NULL, "missing required: NULL");

	for (e = s->entries; e; e = e->next) {
		bool known = strcmp(e->key, "fiel") && strcmp(e->key, "File") &&
			     strcmp(e->key, "zzzzzz");

		if (e->used != known)
			break;
	}
	ok(e == NULL, "known keys marked used, unknown ones not");
	nfp_opts_free(tab, &p);
	nfp_diags_free(&d);
	nfp_conf_free(c);

	/* Bounds of a size, and an empty value. */
	c = conf_of("[b2]\nrcvbuf=1k\noffset=\"\"\ndb=/x\n");
	nfp_diags_init(&d);
	is_int(nfp_opts_apply(tab, &p, nfp_conf_section(c, "b2"), "b2", &d),
	       -EINVAL, "size bounds: -EINVAL");
	got = diags_text(&d);
	is_str(got,
	       "t.conf:2: error: [b2] rcvbuf=1k is out of range "
	       "4096..1073741824 bytes\n"
	       "t.conf:3: error: [b2] offset=\"\" is not an integer; "
	       "write a whole number such as 100, -5 or 0x1f\n",
	       "size bounds and empty value: diagnostics");
	free(got);
	nfp_opts_free(tab, &p);
	nfp_diags_free(&d);
	nfp_conf_free(c);
}

static void test_table_edges(void)
{
	static const struct nfp_option bad_defs[] = {
		{ .name = "n", .type = NFP_OPT_UINT, .def = "abc", .off = 0 },
		{ .name = "m",
		  .type = NFP_OPT_UINT,
		  .def = "0",
		  .min = 1,
		  .max = 10,
		  .off = 8 },
		{ .name = "e",
		  .type = NFP_OPT_ENUM,
		  .def = "json",
		  .enums = modes,
		  .off = 16 },
		{ 0 }
	};
	static const struct nfp_option multi_int[] = { { .name = "n",
							 .type = NFP_OPT_UINT,
							 .flags = NFP_OPT_MULTI,
							 .off = 0 },
						       { 0 } };
	uint64_t buf[3] = { 7, 7, 7 };
	struct nfp_conf *c;
	struct nfp_diags d;
	char *got;

	nfp_diags_init(&d);
	is_int(nfp_opts_apply(bad_defs, buf, NULL, "x", &d), -EINVAL,
	       "bad defaults: -EINVAL");
	got = diags_text(&d);
	is_str(got,
	       "error: [x] bad default of option \"n\": \"abc\" is not an "
	       "unsigned integer; this is a bug in the plugin's option table\n"
	       "error: [x] bad default of option \"m\": \"0\" is out of range "
	       "1..10; this is a bug in the plugin's option table\n"
	       "error: [x] bad default of option \"e\": \"json\" is not one "
	       "of the choices; this is a bug in the plugin's option table\n",
	       "bad defaults: named errors");
	free(got);
	nfp_diags_free(&d);

	/* No options at all, and an entry for it. */
	c = conf_of("[s]\nfile=x\n");
	nfp_diags_init(&d);
	is_int(nfp_opts_apply(NULL, NULL, nfp_conf_section(c, "s"), "s", &d),
	       -EINVAL, "no table: -EINVAL for any entry");
	got = diags_text(&d);
	is_str(got,
	       "t.conf:2: error: [s] unknown option \"file\"; "
	       "this plugin takes no options\n",
	       "no table: says so");
	free(got);
	nfp_diags_free(&d);
	nfp_conf_free(c);

	/* MULTI on a number: repeats allowed, the last one counts. */
	c = conf_of("[s]\nn=1\nn=2\n");
	nfp_diags_init(&d);
	is_int(nfp_opts_apply(multi_int, buf, nfp_conf_section(c, "s"), NULL,
			      &d),
	       0, "multi uint: no error");
	is_int(buf[0], 2, "multi uint: the last value");
	nfp_diags_free(&d);
	nfp_conf_free(c);

	/* Only a warning: still success. */
	c = conf_of("[s]\nold=1\ndb=/x\n");
	{
		struct tpriv p = { 0 };

		nfp_diags_init(&d);
		is_int(nfp_opts_apply(tab, &p, nfp_conf_section(c, "s"), "s",
				      &d),
		       0, "deprecated only: 0");
		is_int(d.warnings, 1, "deprecated only: one warning");
		nfp_opts_free(tab, &p);
		nfp_diags_free(&d);
	}
	nfp_conf_free(c);

	/* Errors from an earlier call do not fail a clean one. */
	nfp_diags_init(&d);
	nfp_diag(&d, NFP_LOG_ERROR, NULL, 0, NULL, NULL, "earlier");
	c = conf_of("[s]\ndb=/x\n");
	{
		struct tpriv p = { 0 };

		is_int(nfp_opts_apply(tab, &p, nfp_conf_section(c, "s"), "s",
				      &d),
		       0, "earlier errors do not count");
		nfp_opts_free(tab, &p);
	}
	nfp_diags_free(&d);
	nfp_conf_free(c);
}

static void test_help(void)
{
	static const struct nfp_option small[] = {
		{ .name = "file",
		  .type = NFP_OPT_PATH,
		  .def = "/var/log/x.log",
		  .help = "Where lines go." },
		{ .name = "mode",
		  .type = NFP_OPT_ENUM,
		  .enums = modes,
		  .def = "ulogd",
		  .help = "Line format." },
		{ .name = "qthreshold",
		  .type = NFP_OPT_UINT,
		  .def = "1",
		  .min = 1,
		  .max = 1000000 },
		{ .name = "password",
		  .type = NFP_OPT_STRING,
		  .flags = NFP_OPT_SECRET,
		  .def = "hunter2",
		  .help = "Database password." },
		{ .name = "db",
		  .type = NFP_OPT_PATH,
		  .flags = NFP_OPT_REQUIRED,
		  .help = "Database file." },
		{ .name = "timeout",
		  .type = NFP_OPT_DURATION,
		  .unit = "ms",
		  .def = "500",
		  .help = "Flush timeout." },
		{ .name = "old",
		  .type = NFP_OPT_BOOL,
		  .flags = NFP_OPT_DEPRECATED | NFP_OPT_MULTI,
		  .help = "Gone." },
		{ 0 }
	};
	/*
	 * Column widths by hand: names up to "qthreshold" (10), types up to
	 * "enum (ulogd|kernel)" (19), defaults up to "/var/log/x.log" (14).
	 */
	static const char want[] =
		"  OPTION      TYPE                 DEFAULT         FLAGS\n"
		"  file        path                 /var/log/x.log\n"
		"      Where lines go.\n"
		"  mode        enum (ulogd|kernel)  ulogd\n"
		"      Line format.\n"
		"  qthreshold  uint 1..1000000      1\n"
		"  password    string               (hidden)        secret\n"
		"      Database password.\n"
		"  db          path                 -               required\n"
		"      Database file.\n"
		"  timeout     duration             500             "
		"bare number: ms\n"
		"      Flush timeout.\n"
		"  old         bool                 -               "
		"deprecated, repeatable\n"
		"      Gone.\n";
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		bail_out("open_memstream failed");
	nfp_opts_help(small, f);
	fclose(f);
	is_str(buf, want, "help table");
	ok(buf && !strstr(buf, "hunter2"), "secret default never printed");
	free(buf);

	buf = NULL;
	f = open_memstream(&buf, &len);
	if (!f)
		bail_out("open_memstream failed");
	nfp_opts_help(NULL, f);
	fclose(f);
	is_str(buf, "  (no options)\n", "help without options");
	free(buf);
}

int main(void)
{
	test_int();
	test_uint();
	test_bool();
	test_size();
	test_duration();
	test_enum_string();
	test_type_names();
	test_defaults();
	test_good_section();
	test_bad_section();
	test_table_edges();
	test_help();
	return done_testing();
}
