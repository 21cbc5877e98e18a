/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_config - the config parser and the diagnostics
 *
 * Parses the sample configs in tests/data/conf/ (found through $top_srcdir,
 * else the current directory) and small texts, and compares every section,
 * entry, line number and diagnostic with values worked out by hand from the
 * files. Also checks the diagnostic format and nfp_suggest(). Needs nothing
 * but a writable $TMPDIR (or /tmp) for the NUL-byte case.
 */
#include "nfp.h"
#include "core.h"

#include <unistd.h>

#include "tap.h"

static char path_buf[4096];

static const char *data_path(const char *name)
{
	const char *top = getenv("top_srcdir");

	snprintf(path_buf, sizeof(path_buf), "%s/tests/data/conf/%s",
		 top && *top ? top : ".", name);
	return path_buf;
}

/* Every diagnostic, formatted, one per line; the caller frees it. */
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

static unsigned int count_sections(const struct nfp_conf *c)
{
	const struct nfp_conf_section *s;
	unsigned int n = 0;

	for (s = c ? c->sections : NULL; s; s = s->next)
		n++;
	return n;
}

static unsigned int count_entries(const struct nfp_conf_section *s)
{
	const struct nfp_conf_entry *e;
	unsigned int n = 0;

	for (e = s ? s->entries : NULL; e; e = e->next)
		n++;
	return n;
}

/* The @nth (0-based) entry called @key in @s. */
static const struct nfp_conf_entry *entry(const struct nfp_conf_section *s,
					  const char *key, unsigned int nth)
{
	const struct nfp_conf_entry *e;

	for (e = s ? s->entries : NULL; e; e = e->next)
		if (!strcmp(e->key, key) && nth-- == 0)
			return e;
	return NULL;
}

static void check_entry(const struct nfp_conf_section *s, const char *key,
			unsigned int nth, const char *value, unsigned int line,
			bool quoted)
{
	const struct nfp_conf_entry *e = entry(s, key, nth);

	if (!ok(e != NULL, "[%s] has %s #%u", s ? s->name : "?", key, nth)) {
		ok(0, "  value");
		ok(0, "  line");
		ok(0, "  quoted");
		return;
	}
	is_str(e->value, value, "  %s value", key);
	is_int(e->line, line, "  %s line", key);
	is_int(e->quoted, quoted, "  %s quoted", key);
}

/*
 * Parse @text and compare all diagnostics with @want (lines joined by
 * '\n', each ending in '\n'; "" for none).
 */
static struct nfp_conf *parse_text(const char *name, const char *text,
				   const char *want, const char *what)
{
	struct nfp_diags d;
	struct nfp_conf *c = NULL;
	char *got;
	int ret;

	nfp_diags_init(&d);
	ret = nfp_conf_parse(name, text, &c, &d);
	is_int(ret, 0, "%s: parse returns 0", what);
	ok(c != NULL, "%s: config returned", what);
	got = diags_text(&d);
	is_str(got, want, "%s: diagnostics", what);
	free(got);
	nfp_diags_free(&d);
	return c;
}

static void test_good_file(void)
{
	const char *path = data_path("good.conf");
	const struct nfp_conf_section *g, *log1, *emu1, *emu2;
	struct nfp_diags d;
	struct nfp_conf *c = NULL;
	int ret;

	nfp_diags_init(&d);
	ret = nfp_conf_parse(path, NULL, &c, &d);
	is_int(ret, 0, "good.conf: parse returns 0");
	is_int(d.errors, 0, "good.conf: no errors");
	is_int(d.warnings, 0, "good.conf: no warnings");
	if (!c)
		bail_out("good.conf: no config (%s)", path);
	is_str(c->file, path, "conf keeps the path");
	is_int(count_sections(c), 4, "four sections");

	g = nfp_conf_section(c, "global");
	log1 = nfp_conf_section(c, "log1");
	emu1 = nfp_conf_section(c, "emu1");
	emu2 = nfp_conf_section(c, "emu2");
	ok(g && log1 && emu1 && emu2, "all sections found by name");
	ok(c->sections == g && g->next == log1 && log1->next == emu1 &&
		   emu1->next == emu2 && !emu2->next,
	   "sections in file order");
	ok(nfp_conf_section(c, "GLOBAL") == NULL, "names are case-sensitive");
	ok(nfp_conf_section(c, "emu") == NULL, "no prefix match");
	ok(nfp_conf_section(NULL, "global") == NULL, "NULL config: NULL");

	is_int(g->line, 5, "[global] at line 5");
	is_int(log1->line, 14, "[log1] at line 14");
	is_int(emu1->line, 19, "[ emu1 ] at line 19, name trimmed");
	is_int(emu2->line, 30, "[emu2] with a comment at line 30");
	ok(g->file == c->file && emu2->file == c->file,
	   "sections point at the conf's file name");

	is_int(count_entries(g), 6, "[global] has 6 entries");
	check_entry(g, "logfile", 0, "/var/log/nfpipe/nfpiped.log", 6, true);
	check_entry(g, "loglevel", 0, "3", 7, false);
	check_entry(g, "plugin", 0,
		    "/usr/lib/x86_64-linux-gnu/ulogd/ulogd_inppkt_NFLOG.so", 8,
		    true);
	check_entry(g, "plugin", 1,
		    "/usr/lib/x86_64-linux-gnu/ulogd/ulogd_output_LOGEMU.so", 9,
		    true);
	check_entry(g, "stack", 0,
		    "log1:NFLOG,base1:BASE,ip2str1:IP2STR,print1:PRINTPKT,"
		    "emu1:LOGEMU",
		    10, false);
	check_entry(g, "stack", 1,
		    "log1:NFLOG,base1:BASE,ip2str1:IP2STR,emu2:LOGEMU", 11,
		    false);
	ok(g->entries->file == c->file, "entries point at the file name");
	ok(!g->entries->used, "entries start unused");

	is_int(count_entries(log1), 3, "[log1] has 3 entries");
	check_entry(log1, "group", 0, "1", 15, false);
	check_entry(log1, "netlink_qthreshold", 0, "1", 16, false);
	check_entry(log1, "netlink_qtimeout", 0, "100", 17, false);

	is_int(count_entries(emu1), 10, "[emu1] has 10 entries");
	check_entry(emu1, "file", 0, "/tmp/emu one.log", 20, true);
	check_entry(emu1, "sync", 0, "yes", 21, true);
	check_entry(emu1, "prefix", 0, "say \"hi\" # not a comment \\ done", 22,
		    true);
	check_entry(emu1, "password", 0, "ab#cd", 23, false);
	check_entry(emu1, "empty", 0, "", 24, false);
	check_entry(emu1, "blank", 0, "", 25, false);
	check_entry(emu1, "quoted_empty", 0, "", 26, true);
	check_entry(emu1, "spaced", 0, "a b\tc", 27, false);
	check_entry(emu1, "eq", 0, "x=y", 28, false);
	check_entry(emu1, "windows", 0, "C:\\logs\\new", 29, true);

	is_int(count_entries(emu2), 1, "[emu2] has 1 entry");
	check_entry(emu2, "file", 0, "/tmp/two.log", 31, false);

	nfp_conf_free(c);
	nfp_diags_free(&d);
}

static void test_crlf_file(void)
{
	const struct nfp_conf_section *g, *emu1;
	struct nfp_diags d;
	struct nfp_conf *c = NULL;

	nfp_diags_init(&d);
	is_int(nfp_conf_parse(data_path("crlf.conf"), NULL, &c, &d), 0,
	       "crlf.conf: parse returns 0");
	is_int(d.errors, 0, "crlf.conf: no errors");
	g = nfp_conf_section(c, "global");
	emu1 = nfp_conf_section(c, "emu1");
	ok(g && emu1, "crlf.conf: both sections (no \\r in the names)");
	check_entry(g, "stack", 0, "log1:NFLOG,emu1:LOGEMU", 2, false);
	is_int(emu1 ? emu1->line : 0, 5, "crlf.conf: [emu1] at line 5");
	check_entry(emu1, "file", 0, "/tmp/crlf.log", 6, true);
	check_entry(emu1, "sync", 0, "1", 7, false);
	/* The last line ends in a lone CR and no LF. */
	check_entry(emu1, "last", 0, "no-newline", 8, false);
	nfp_conf_free(c);
	nfp_diags_free(&d);
}

static void test_ulogd_file(void)
{
	const struct nfp_conf_section *g, *log1, *log2;
	struct nfp_diags d;
	struct nfp_conf *c = NULL;

	nfp_diags_init(&d);
	is_int(nfp_conf_parse(data_path("ulogd.conf"), NULL, &c, &d), 0,
	       "ulogd.conf: parse returns 0");
	is_int(d.errors, 0, "ulogd.conf: no errors");
	is_int(count_sections(c), 5, "ulogd.conf: five sections");
	g = nfp_conf_section(c, "global");
	log1 = nfp_conf_section(c, "log1");
	log2 = nfp_conf_section(c, "log2");
	is_int(count_entries(g), 10, "ulogd.conf: [global] has 10 entries");
	check_entry(g, "logfile", 0, "/var/log/ulog/ulogd.log", 11, true);
	check_entry(g, "plugin", 6,
		    "/usr/lib/x86_64-linux-gnu/ulogd/ulogd_raw2packet_BASE.so",
		    26, true);
	ok(entry(g, "plugin", 7) == NULL, "commented plugin= line skipped");
	check_entry(g, "stack", 0,
		    "log1:NFLOG,base1:BASE,ifi1:IFINDEX,ip2str1:IP2STR,"
		    "print1:PRINTPKT,emu1:LOGEMU",
		    30, false);
	ok(entry(g, "stack", 1) == NULL, "commented stack= line skipped");
	is_int(count_entries(log1), 1, "ulogd.conf: [log1] has 1 entry");
	check_entry(log2, "bind", 0, "1", 45, false);
	nfp_conf_free(c);
	nfp_diags_free(&d);
}

static void test_error_file(void)
{
	const char *path = data_path("errors.conf");
	const struct nfp_conf_section *g, *emu1, *emu2;
	struct nfp_diags d;
	struct nfp_conf *c = NULL;
	char want[4096];
	char *got;
	int ret;

	nfp_diags_init(&d);
	ret = nfp_conf_parse(path, NULL, &c, &d);
	is_int(ret, 0, "errors.conf: syntax errors are not a read failure");
	ok(c != NULL, "errors.conf: config returned anyway");
	is_int(d.errors, 11, "errors.conf: 11 errors");
	is_int(d.warnings, 0, "errors.conf: no warnings");

	snprintf(want, sizeof(want),
		 "%1$s:1: error: \"orphan\" is set before the first section; "
		 "put it under a [section] header, e.g. [global]\n"
		 "%1$s:4: error: malformed section header \"[bad\"; "
		 "close it with ']'\n"
		 "%1$s:6: error: empty section name; "
		 "write the instance name between the brackets\n"
		 "%1$s:7: error: section name \"two words\" contains blanks; "
		 "an instance name is one word, as in stack=\n"
		 "%1$s:8: error: [emu1] unexpected text after section header "
		 "[emu1]; comments start with '#'\n"
		 "%1$s:9: error: [emu1] missing '=' in \"just some words\"; "
		 "write key=value\n"
		 "%1$s:10: error: [emu1] missing key before '='; "
		 "write key=value\n"
		 "%1$s:11: error: [emu1] key \"my key\" contains blanks; "
		 "write key=value\n"
		 "%1$s:12: error: [emu1] unterminated quoted value of "
		 "\"file\"; end the value with '\"'\n"
		 "%1$s:13: error: [emu1] unexpected text after the quoted "
		 "value of \"file\"; quote the whole value, or start a comment "
		 "with '#'\n"
		 "%1$s:14: error: duplicate section [global], first at line 2; "
		 "merge the two sections or rename one\n",
		 path);
	got = diags_text(&d);
	is_str(got, want, "errors.conf: every diagnostic, exactly");
	free(got);

	/* What survives: good headers and good entries only. */
	is_int(count_sections(c), 3, "errors.conf: three sections kept");
	g = nfp_conf_section(c, "global");
	emu1 = nfp_conf_section(c, "emu1");
	emu2 = nfp_conf_section(c, "emu2");
	is_int(g ? g->line : 0, 2, "the first [global] is the one kept");
	is_int(count_entries(g), 1, "y=2 of the duplicate is not merged");
	ok(emu1 && !emu1->entries, "[emu1] with junk kept, no entries");
	check_entry(emu2, "ok", 0, "1", 17, false);
	ok(nfp_conf_section(c, "bad") == NULL, "[bad is not a section");
	nfp_conf_free(c);
	nfp_diags_free(&d);
}

static void test_texts(void)
{
	const struct nfp_conf_section *s;
	struct nfp_conf *c;
	char *line;
	size_t n;

	/* No file name: messages say "line N". */
	c = parse_text(NULL, "a=1\n",
		       "line 1: error: \"a\" is set before "
		       "the first section; put it under a [section] header, "
		       "e.g. [global]\n",
		       "no name");
	ok(c && !c->file && !c->sections, "no name: empty config");
	nfp_conf_free(c);

	c = parse_text("t", "", "", "empty text");
	ok(c && !c->sections, "empty text: no sections");
	nfp_conf_free(c);

	c = parse_text("t", "[s]\r\nk = v \r\nq=\"a\\\\\"\r\n", "", "crlf");
	s = nfp_conf_section(c, "s");
	check_entry(s, "k", 0, "v", 2, false);
	check_entry(s, "q", 0, "a\\", 3, true);
	nfp_conf_free(c);

	/* A BOM from a Windows editor, and an indented header. */
	c = parse_text("t", "\xef\xbb\xbf[s]\n  [t]\nk=#v\nj= #c\n", "", "bom");
	ok(nfp_conf_section(c, "s") != NULL, "bom: [s] found");
	s = nfp_conf_section(c, "t");
	check_entry(s, "k", 0, "#v", 3, false);
	check_entry(s, "j", 0, "", 4, false);
	nfp_conf_free(c);

	c = parse_text("t", "[s]\nk=\"x\"# c\nl=\"\\\"q\\\" \\n\"\n", "",
		       "quotes");
	s = nfp_conf_section(c, "s");
	check_entry(s, "k", 0, "x", 2, true);
	check_entry(s, "l", 0, "\"q\" \\n", 3, true);
	nfp_conf_free(c);

	c = parse_text("t", "[s]\nk=\"a\\\"\n",
		       "t:2: error: [s] unterminated quoted value of \"k\"; "
		       "end the value with '\"'\n",
		       "escaped closing quote");
	nfp_conf_free(c);

	c = parse_text("t", "[s] # fine\n[s2]x\n",
		       "t:2: error: [s2] unexpected text after section header "
		       "[s2]; comments start with '#'\n",
		       "junk after header");
	nfp_conf_free(c);

	/* A long line without '=' is quoted shortened. */
	c = parse_text("t",
		       "[s]\n0123456789012345678901234567890123456789ABCDEF\n",
		       "t:2: error: [s] missing '=' in \"0123456789012345678901"
		       "234567890123456789...\"; write key=value\n",
		       "long junk shortened");
	nfp_conf_free(c);

	/* 4096 characters are fine, 4097 are not. */
	line = malloc(8192 + 64);
	if (!line)
		bail_out("malloc");
	/* Line 2 is "k=" and 4094 x, line 3 "l=" and 4095 y. */
	n = (size_t)sprintf(line, "[s]\nk=");
	memset(line + n, 'x', 4094);
	n += 4094;
	n += (size_t)sprintf(line + n, "\nl=");
	memset(line + n, 'y', 4095);
	n += 4095;
	strcpy(line + n, "\nm=1\n");
	c = parse_text("t", line,
		       "t:3: error: [s] line is too long (4097 characters, at "
		       "most 4096)\n",
		       "line length limit");
	s = nfp_conf_section(c, "s");
	ok(entry(s, "k", 0) && strlen(entry(s, "k", 0)->value) == 4094,
	   "4096-character line kept");
	ok(entry(s, "l", 0) == NULL, "4097-character line dropped");
	check_entry(s, "m", 0, "1", 4, false);
	nfp_conf_free(c);
	free(line);
}

static void test_file_errors(void)
{
	static const char bytes[] = "[s]\na=1\nb=x\0y\nc=3\n";
	char tmpl[4096], want[4096 + 128];
	const struct nfp_conf_section *s;
	struct nfp_diags d;
	struct nfp_conf *c = (struct nfp_conf *)1;
	const char *tmp = getenv("TMPDIR");
	char *got;
	int fd;

	nfp_diags_init(&d);
	is_int(nfp_conf_parse("/nonexistent/nfpiped.conf", NULL, &c, &d),
	       -ENOENT, "missing file: -ENOENT");
	ok(c == NULL, "missing file: no config");
	got = diags_text(&d);
	is_str(got,
	       "/nonexistent/nfpiped.conf: error: cannot read the "
	       "config: No such file or directory\n",
	       "missing file: diagnostic");
	free(got);
	nfp_diags_free(&d);

	snprintf(tmpl, sizeof(tmpl), "%s/nfp-conf-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	fd = mkstemp(tmpl);
	if (fd < 0)
		bail_out("mkstemp %s", tmpl);
	if (write(fd, bytes, sizeof(bytes) - 1) != sizeof(bytes) - 1)
		bail_out("write %s", tmpl);
	close(fd);
	nfp_diags_init(&d);
	is_int(nfp_conf_parse(tmpl, NULL, &c, &d), 0, "NUL file: parsed");
	snprintf(want, sizeof(want),
		 "%s:3: error: [s] line contains a NUL byte\n", tmpl);
	got = diags_text(&d);
	is_str(got, want, "NUL file: diagnostic");
	free(got);
	s = nfp_conf_section(c, "s");
	is_int(count_entries(s), 2, "NUL file: the lines around it kept");
	check_entry(s, "c", 0, "3", 4, false);
	nfp_conf_free(c);
	nfp_diags_free(&d);
	unlink(tmpl);

	/* A directory opens but cannot be read. */
	nfp_diags_init(&d);
	is_int(nfp_conf_parse("/", NULL, &c, &d), -EISDIR,
	       "directory: -EISDIR");
	is_int(d.errors, 1, "directory: one error");
	nfp_diags_free(&d);
}

static void test_diag_format(void)
{
	struct nfp_diags d;
	char buf[256], small[8];
	const struct nfp_diag *dg;
	char *got;
	int n;

	nfp_diags_init(&d);
	nfp_diag(&d, NFP_LOG_ERROR, "a.conf", 3, "emu1", "try this",
		 "bad %s %d", "thing", 42);
	nfp_diag(&d, NFP_LOG_WARN, NULL, 0, NULL, NULL, "plain");
	nfp_diag(&d, NFP_LOG_ERROR, "a.conf", 0, NULL, NULL, "whole file");
	nfp_diag(&d, NFP_LOG_FATAL, NULL, 7, "x", NULL, "fatal");
	nfp_diag(&d, NFP_LOG_INFO, NULL, 0, NULL, "h", "info");
	is_int(d.errors, 3, "errors counted (FATAL too)");
	is_int(d.warnings, 1, "warnings counted");

	dg = d.head;
	n = nfp_diag_format(dg, buf, sizeof(buf));
	is_str(buf, "a.conf:3: error: [emu1] bad thing 42; try this",
	       "all parts");
	is_int(n, (int)strlen(buf), "returns the length");
	n = nfp_diag_format(dg, small, sizeof(small));
	is_str(small, "a.conf:", "truncated to the buffer");
	is_int(n,
	       (int)strlen("a.conf:3: error: [emu1] bad thing 42; "
			   "try this"),
	       "truncated: returns the full length");

	got = diags_text(&d);
	is_str(got,
	       "a.conf:3: error: [emu1] bad thing 42; try this\n"
	       "warning: plain\n"
	       "a.conf: error: whole file\n"
	       "line 7: error: [x] fatal\n"
	       "note: info; h\n",
	       "print: one line each, unknown parts left out");
	free(got);

	nfp_diags_free(&d);
	ok(d.head == NULL && d.errors == 0 && d.warnings == 0 &&
		   d.tail == &d.head,
	   "free leaves an empty list");
	nfp_diag(&d, NFP_LOG_ERROR, NULL, 0, NULL, NULL, "again");
	ok(d.head && !strcmp(d.head->msg, "again"), "reusable after free");
	nfp_diags_free(&d);
}

static void test_suggest(void)
{
	static const char *const opts[] = { "file",
					    "sync",
					    "fuse",
					    "netlink_qthreshold",
					    "netlink_qtimeout",
					    NULL };
	static const char *const none[] = { NULL };

	is_str(nfp_suggest("File", opts), "file", "case only: File -> file");
	is_str(nfp_suggest("SYNC", opts), "sync", "case only: SYNC -> sync");
	is_str(nfp_suggest("fiel", opts), "file", "swap: fiel -> file");
	is_str(nfp_suggest("sycn", opts), "sync", "swap: sycn -> sync");
	is_str(nfp_suggest("fil", opts), "file", "one deletion: fil");
	is_str(nfp_suggest("fule", opts), "file",
	       "tie (file, fuse): the first wins");
	is_str(nfp_suggest("netlnk_qtimeot", opts), "netlink_qtimeout",
	       "two edits in a 14-letter word");
	is_str(nfp_suggest("netlink_qthreshhold", opts), "netlink_qthreshold",
	       "one insertion in a long word");
	ok(nfp_suggest("fxyz", opts) == NULL, "three edits: nothing");
	ok(nfp_suggest("fuzz", opts) == NULL,
	   "two edits in a 4-letter word: nothing");
	ok(nfp_suggest("sy", opts) == NULL,
	   "two edits in a 2-letter word: nothing");
	ok(nfp_suggest("netl", opts) == NULL,
	   "a prefix far from every name: nothing");
	ok(nfp_suggest("zz", opts) == NULL, "short and far: nothing");
	ok(nfp_suggest("file", none) == NULL, "no candidates: nothing");
	ok(nfp_suggest("file", NULL) == NULL, "NULL candidates: nothing");
	/* FILES -> files: an exact case-insensitive match beats "file". */
	{
		static const char *const two[] = { "file", "files", NULL };

		is_str(nfp_suggest("FILES", two), "files",
		       "case-insensitive exact match wins");
	}
}

int main(void)
{
	test_good_file();
	test_crlf_file();
	test_ulogd_file();
	test_error_file();
	test_texts();
	test_file_errors();
	test_diag_format();
	test_suggest();
	return done_testing();
}
