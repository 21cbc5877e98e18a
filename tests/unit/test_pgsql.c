/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_pgsql - PGSQL's pure parts, and the column rules shared
 * with MYSQL, without a server
 *
 * COPY text escaping and the text each value becomes for each column type,
 * the statements, password scrubbing, the SQLSTATE classes, ulogd2's
 * column-to-key mapping and `procedure` forms, the schema-file and cache
 * readers, and configure() through the real engine with the server out of
 * reach (the columns then come from columns=, the cache or schema_file).
 * Expected strings are written out by hand: 10.0.0.1 is 0x0a000001 =
 * 167772161; 192.168.0.1 is 3232235521; 1700000000 is 2023-11-14
 * 22:13:20 UTC; 0xdeadbeef is 3735928559; 2^64-1 is 18446744073709551615.
 * The real-server tests are tests/integration/pgsql-*.sh.
 */
#include "nfp.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nfpipe/sink.h>

#include "engine.h"
#include "harness.h"
#include "pgq.h"
#include "sqlcols.h"
#include "tap.h"

extern const struct nfp_plugin nfp_output_pgsql;

static const struct nfp_plugin *plugins[] = { &nfp_output_pgsql, NULL };
static char root[128];

/* pgq_format() of @v for @cls as a C string (static, rotating). */
static const char *fmt(const struct nfp_sval *v, enum pgq_cls cls, bool copy)
{
	static char out[4][256];
	static unsigned int n;
	struct pgq_buf b = { 0 };
	char *r = out[n++ % 4];
	int ret = pgq_format(&b, v, cls, copy);

	if (ret < 0)
		snprintf(r, 256, "(error %d)", ret);
	else if (ret == 1)
		snprintf(r, 256, "(null)");
	else
		snprintf(r, 256, "%.*s", (int)b.len, b.p);
	free(b.p);
	return r;
}

static struct nfp_sval sv_int(int64_t i)
{
	return (struct nfp_sval){ .kind = NFP_SV_INT, .i = i };
}

static struct nfp_sval sv_text(const char *s)
{
	struct nfp_sval v = { .kind = NFP_SV_TEXT };

	v.bytes.ptr = s;
	v.bytes.len = (uint32_t)strlen(s);
	return v;
}

static struct nfp_sval sv_in4(const char *a)
{
	struct nfp_sval v = { .kind = NFP_SV_IN4 };

	inet_pton(AF_INET, a, &v.in4);
	return v;
}

static void test_format(void)
{
	static const uint8_t mac[] = { 0x02, 0x77, 0x01, 0x00, 0x00, 0x02 };
	struct nfp_sval v;

	/* COPY text: backslash, newline, CR, tab escaped; NUL left out. */
	v.kind = NFP_SV_TEXT;
	v.bytes.ptr = "a\tb\nc\\d\re\0f";
	v.bytes.len = 12;
	is_str(fmt(&v, PGQ_TEXT, true), "a\\tb\\nc\\\\d\\re" "f",
	       "COPY escapes tab, newline, backslash, CR; drops NUL");
	is_str(fmt(&v, PGQ_TEXT, false), "a\tb\nc\\d\re",
	       "a parameter is the text itself (up to the NUL)");
	is_str(fmt(&(struct nfp_sval){ .kind = NFP_SV_TEXT }, PGQ_TEXT, true),
	       "", "empty text is an empty field, not NULL");
	v = sv_text("'; DROP TABLE x; --");
	is_str(fmt(&v, PGQ_TEXT, true), "'; DROP TABLE x; --",
	       "quotes and semicolons need nothing in COPY data");

	v.kind = NFP_SV_NULL;
	is_str(fmt(&v, PGQ_INT, true), "\\N", "NULL in COPY is \\N");
	is_str(fmt(&v, PGQ_INT, false), "(null)",
	       "NULL as a parameter is a NULL pointer");

	v = sv_int(-5);
	is_str(fmt(&v, PGQ_INT, true), "-5", "negative integer");
	v = sv_int(INT64_MIN);
	is_str(fmt(&v, PGQ_INT, true), "-9223372036854775808", "INT64_MIN");
	v = sv_int(0xdeadbeefu);
	is_str(fmt(&v, PGQ_INT, true), "3735928559",
	       "a u32 mark above 2^31 stays positive");
	v = (struct nfp_sval){ .kind = NFP_SV_U64, .u = UINT64_MAX };
	is_str(fmt(&v, PGQ_NUM, true), "18446744073709551615",
	       "u64 keeps all 64 bits (numeric(20))");
	v = (struct nfp_sval){ .kind = NFP_SV_BOOL, .i = 1 };
	is_str(fmt(&v, PGQ_BOOL, true), "1", "true is 1 (boolean input)");
	v.i = 0;
	is_str(fmt(&v, PGQ_INT, true), "0", "false is 0");

	v = sv_in4("10.0.0.1");
	is_str(fmt(&v, PGQ_TEXT, true), "10.0.0.1", "IPv4 into inet/text");
	is_str(fmt(&v, PGQ_INT, true), "167772161",
	       "IPv4 into an integer column: its number");
	is_str(fmt(&v, PGQ_BYTEA, true), "\\\\x0a000001",
	       "IPv4 into bytea inside COPY: backslash doubled");
	is_str(fmt(&v, PGQ_BYTEA, false), "\\x0a000001",
	       "IPv4 into bytea as a parameter");
	v.kind = NFP_SV_IN6;
	inet_pton(AF_INET6, "2001:db8::1", v.in6);
	is_str(fmt(&v, PGQ_TEXT, true), "2001:db8::1", "IPv6 text");
	is_str(fmt(&v, PGQ_BYTEA, false),
	       "\\x20010db8000000000000000000000001", "IPv6 bytes");

	v = (struct nfp_sval){ .kind = NFP_SV_TIME };
	v.time.sec = 1700000000;
	v.time.nsec = 123456789;
	is_str(fmt(&v, PGQ_TIME, true), "2023-11-14 22:13:20.123456+00",
	       "time into timestamptz: UTC, microseconds");
	is_str(fmt(&v, PGQ_INT, true), "1700000000", "time into bigint");
	is_str(fmt(&v, PGQ_NUM, true), "1700000000.123456789",
	       "time into numeric: seconds.nanoseconds");
	v = sv_int(1700000000);
	is_str(fmt(&v, PGQ_TIME, false), "2023-11-14 22:13:20.000000+00",
	       "oob.time.sec into a timestamp column");

	v = sv_text("0x00000000000000000000ffffc0a80001");
	is_str(fmt(&v, PGQ_BYTEA, false), "\\x00000000000000000000ffffc0a80001",
	       "IP2BIN's 0x literal into bytea: its 16 bytes");
	is_str(fmt(&v, PGQ_TEXT, true), "0x00000000000000000000ffffc0a80001",
	       "the same literal into text stays text");
	v = sv_text("ab");
	is_str(fmt(&v, PGQ_BYTEA, false), "\\x6162",
	       "other text into bytea: its bytes");

	v = (struct nfp_sval){ .kind = NFP_SV_BLOB };
	v.bytes.ptr = mac;
	v.bytes.len = sizeof(mac);
	is_str(fmt(&v, PGQ_TEXT, true), "02:77:01:00:00:02",
	       "raw bytes into text (and macaddr): hex with colons");
	is_str(fmt(&v, PGQ_BYTEA, true), "\\\\x027701000002",
	       "raw bytes into bytea");

	is_int(pgq_class("int4", 'N'), PGQ_INT, "int4 is an integer");
	is_int(pgq_class("int8", 'N'), PGQ_INT, "int8 is an integer");
	is_int(pgq_class("numeric", 'N'), PGQ_NUM, "numeric");
	is_int(pgq_class("float8", 'N'), PGQ_NUM, "float8");
	is_int(pgq_class("bool", 'B'), PGQ_BOOL, "boolean");
	is_int(pgq_class("bytea", 'U'), PGQ_BYTEA, "bytea");
	is_int(pgq_class("timestamptz", 'D'), PGQ_TIME, "timestamptz");
	is_int(pgq_class("inet", 'I'), PGQ_TEXT, "inet takes text");
	is_int(pgq_class("macaddr", 'U'), PGQ_TEXT, "macaddr takes text");
	is_int(pgq_class("varchar", 'S'), PGQ_TEXT, "varchar");
}

static void test_sql(void)
{
	struct sqlc_set *s = sqlc_set_new();
	const char *why;
	char *q;

	if (!s || sqlc_parse_list(s, "oob_prefix, ip_saddr_str", &why))
		bail_out("column list");
	q = pgq_copy_sql("public", "ulog_pkt", s);
	is_str(q, "COPY \"public\".\"ulog_pkt\" (\"oob_prefix\",\"ip_saddr_str\") FROM STDIN",
	       "COPY statement");
	free(q);
	q = pgq_row_sql(SQLC_TABLE, NULL, "public", "v", s);
	is_str(q, "INSERT INTO \"public\".\"v\" (\"oob_prefix\",\"ip_saddr_str\") VALUES ($1,$2)",
	       "INSERT for views and the careful path");
	free(q);
	q = pgq_row_sql(SQLC_SELECT, "INSERT_PACKET_FULL", "public", "ulog", s);
	is_str(q, "SELECT INSERT_PACKET_FULL($1,$2)",
	       "ulogd2's procedure= as a function call");
	free(q);
	q = pgq_row_sql(SQLC_CALL, "s.p", "public", "ulog", s);
	is_str(q, "CALL s.p($1,$2)", "CALL procedure");
	free(q);
	q = pgq_row_sql(SQLC_INSERT_AS, "INSERT INTO other", "public", "t", s);
	is_str(q, "INSERT INTO other (\"oob_prefix\",\"ip_saddr_str\") VALUES ($1,$2)",
	       "procedure=\"INSERT INTO x\": ulogd2's custom insert");
	free(q);
	q = pgq_quote_ident("a\"b");
	is_str(q, "\"a\"\"b\"", "a quote in a name is doubled");
	free(q);
	sqlc_set_free(s);
}

static void test_scrub(void)
{
	const char *secrets[] = { "", "s3cret!", "pw2", NULL };
	char m[128];

	snprintf(m, sizeof(m), "password=s3cret! user=x: failed (pw2)\n");
	pgq_scrub(m, secrets);
	is_str(m, "password=******* user=x: failed (***)",
	       "every secret blanked, trailing newline cut");
	snprintf(m, sizeof(m), "failed: No such file\n\tIs the server running?\n");
	pgq_scrub(m, secrets);
	is_str(m, "failed: No such file Is the server running?",
	       "libpq's two lines become one");
	snprintf(m, sizeof(m), "nothing to hide");
	pgq_scrub(m, secrets);
	is_str(m, "nothing to hide", "other text untouched");

	ok(pgq_row_error("22001"), "value too long refuses the row");
	ok(pgq_row_error("23505"), "unique violation refuses the row");
	ok(pgq_row_error("23514"), "check violation refuses the row");
	ok(pgq_row_error("P0001"), "a procedure's RAISE refuses the row");
	ok(pgq_row_error("54000"), "a value too big for an index refuses the row");
	ok(!pgq_row_error("08006"), "connection failure is not the row's");
	ok(!pgq_row_error("57P01"), "admin shutdown is not the row's");
	ok(!pgq_row_error("42P01"), "a missing table is not the row's");
	ok(!pgq_row_error(NULL), "no SQLSTATE is not the row's");
}

static void test_names(void)
{
	enum sqlc_mode mode;
	const char *name, *why;
	char *k;

	k = sqlc_key_of("ip_saddr_str");
	is_str(k, "ip.saddr.str", "ulogd2's rule: '_' is '.'");
	free(k);
	k = sqlc_key_of("OOB_Prefix");
	is_str(k, "oob.prefix", "names are case-insensitive");
	free(k);
	k = sqlc_key_of("oob.ifindex_in");
	is_str(k, "oob.ifindex_in", "a name with a '.' is the key itself");
	free(k);
	ok(sqlc_skip("_id"), "_id is the database's");
	ok(!sqlc_skip("id_"), "id_ is ours");

	ok(sqlc_proc_mode(NULL, &mode, &name, &why) == 0 &&
	   mode == SQLC_TABLE, "no procedure: the table");
	ok(sqlc_proc_mode("insert", &mode, &name, &why) == 0 &&
	   mode == SQLC_TABLE, "INSERT (any case): the table");
	ok(sqlc_proc_mode("INSERT_PACKET_FULL", &mode, &name, &why) == 0 &&
	   mode == SQLC_SELECT && !strcmp(name, "INSERT_PACKET_FULL"),
	   "a function name");
	ok(sqlc_proc_mode("CALL  my_proc", &mode, &name, &why) == 0 &&
	   mode == SQLC_CALL && !strcmp(name, "my_proc"), "CALL name");
	ok(sqlc_proc_mode("INSERT INTO t2", &mode, &name, &why) == 0 &&
	   mode == SQLC_INSERT_AS && !strcmp(name, "INSERT INTO t2"),
	   "INSERT INTO x");
	ok(sqlc_proc_mode("f(); DROP TABLE t", &mode, &name, &why) < 0,
	   "not a name: refused");
	ok(sqlc_proc_mode("INSERT INTO t; DROP TABLE t", &mode, &name,
			  &why) < 0, "two statements: refused");
	ok(sqlc_proc_mode("s.f", &mode, &name, &why) == 0 &&
	   mode == SQLC_SELECT, "schema-qualified function");
}

static void test_lists(void)
{
	struct sqlc_set *a = sqlc_set_new(), *b = sqlc_set_new();
	const char *why = NULL;
	uint32_t fa, fb;

	if (!a || !b)
		bail_out("out of memory");
	ok(sqlc_parse_list(a, " a, b c,,d ", &why) == 0 && a->ncols == 4 &&
	   !strcmp(a->cols[0].name, "a") && !strcmp(a->cols[3].name, "d"),
	   "commas and blanks separate names");
	sqlc_set_clear(a);
	ok(sqlc_parse_list(a, " , ", &why) < 0, "an empty list is refused");
	sqlc_set_clear(a);
	ok(sqlc_parse_list(a, "a,a", &why) < 0, "a name twice is refused");
	sqlc_set_clear(a);
	ok(sqlc_parse_list(a, "a,b\"c", &why) < 0, "quotes are refused");
	sqlc_set_clear(a);

	sqlc_parse_list(a, "a,b", &why);
	sqlc_parse_list(b, "b,a", &why);
	sqlc_finish(a, false);
	sqlc_finish(b, true);
	fa = a->fingerprint;
	fb = b->fingerprint;
	ok(fa != fb, "the order of the columns changes the fingerprint");
	is_str(a->keys[1].name, "b", "one key per column");
	ok(a->keys[2].name == NULL, "the key table ends with { 0 }");
	is_int(a->keys[0].type, NFP_T_NONE, "keys take any type");
	is_int(b->keys[0].flags, NFP_KEYF_OPTIONAL,
	       "null_columns makes them optional");
	sqlc_set_clear(b);
	sqlc_parse_list(b, "a,b", &why);
	sqlc_finish(b, false);
	is_int(b->fingerprint, fa, "same columns, same fingerprint");
	sqlc_set_clear(a);
	sqlc_parse_list(a, "ip_saddr_str, l7_proto, geoip_src_asn, "
			   "blacklist_dst_desc, scan_type, l7", &why);
	sqlc_finish(a, false);
	ok(a->keys[0].flags == 0 && a->keys[5].flags == 0,
	   "without null_columns a plain column needs its key (l7 too)");
	ok(a->keys[1].flags == NFP_KEYF_OPTIONAL &&
		   a->keys[2].flags == NFP_KEYF_OPTIONAL &&
		   a->keys[3].flags == NFP_KEYF_OPTIONAL &&
		   a->keys[4].flags == NFP_KEYF_OPTIONAL,
	   "l7_*, geoip_*, blacklist_*, scan_* columns are optional anyway");
	sqlc_set_free(a);
	sqlc_set_free(b);
}

static const char crafted_schema[] =
	"-- CREATE TABLE t (fake1 int);\n"
	"/* CREATE TABLE t (fake2 int); */\n"
	"CREATE FUNCTION f() RETURNS int AS $$ CREATE TABLE t (fake3 int) $$\n"
	"  LANGUAGE sql;\n"
	"CREATE TABLE other (x int);\n"
	"CREATE TABLE IF NOT EXISTS \"public\".\"t\" (\n"
	"  _id bigserial PRIMARY KEY,\n"
	"  \"Odd\"\"Name\" text DEFAULT 'a,b(',\n"
	"  num numeric(20, 0) CHECK (num > 0),\n"
	"  g int GENERATED ALWAYS AS (num * 2) STORED,\n"
	"  `bq` int,\n"
	"  CONSTRAINT c1 UNIQUE (num),\n"
	"  PRIMARY KEY (_id)\n"
	");\n";

static void test_schema_file(void)
{
	struct sqlc_set *s = sqlc_set_new();
	char path[300], *sql;
	FILE *f;
	long n;

	if (!s)
		bail_out("out of memory");
	ok(sqlc_parse_schema(s, crafted_schema, "t") == 0 && s->ncols == 3,
	   "CREATE TABLE t: 3 columns (comments, functions, constraints, _id and generated columns left out)");
	if (s->ncols == 3) {
		is_str(s->cols[0].name, "Odd\"Name", "a quoted name, unquoted");
		is_str(s->cols[1].name, "num", "a column with a CHECK");
		is_str(s->cols[2].name, "bq", "a backquoted name");
	}
	ok(sqlc_parse_schema(s, crafted_schema, "nope") == -ENOENT,
	   "no such table: -ENOENT");
	ok(sqlc_parse_schema(s, crafted_schema, "other") == 0 &&
	   s->ncols == 1 && !strcmp(s->cols[0].name, "x"),
	   "the first table of the file");

	/*
	 * The shipped schemas: ulog_pkt has the same 79 columns in both, the
	 * last 19 the interpreters' labels (l7_*, geoip_*, blacklist_*).
	 */
	snprintf(path, sizeof(path), "%s/pgsql.sql", NFP_SQLDIR);
	f = fopen(path, "r");
	if (!f)
		bail_out("cannot read %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	sql = calloc(1, (size_t)n + 1);
	if (!sql || fread(sql, 1, (size_t)n, f) != (size_t)n)
		bail_out("cannot read %s", path);
	fclose(f);
	ok(sqlc_parse_schema(s, sql, "ulog_pkt") == 0,
	   "pgsql.sql has ulog_pkt");
	is_int(s->ncols, 79, "pgsql.sql: ulog_pkt fills 79 columns");
	if (s->ncols == 79) {
		is_str(s->cols[0].name, "oob_time_sec", "the first column");
		is_str(s->cols[59].name, "ahesp_spi", "the last plain column");
		is_str(s->cols[60].name, "l7_proto", "then the labels");
		is_str(s->cols[78].name, "blacklist_dst_desc",
		       "the last column");
	}
	ok(sqlc_parse_schema(s, sql, "nfacct") == 0 && s->ncols == 4 &&
	   !strcmp(s->cols[1].name, "sum_name"),
	   "pgsql.sql: nfacct fills oob_time_sec, sum_name, sum_pkts, sum_bytes");
	ok(sqlc_parse_schema(s, sql, "ulog_ct") == 0 && s->ncols == 45 &&
	   !strcmp(s->cols[24].name, "flow_end_usec") &&
	   !strcmp(s->cols[32].name, "l7_end") &&
	   !strcmp(s->cols[44].name, "blacklist_dst_desc"),
	   "pgsql.sql: ulog_ct fills 45 columns, 20 of them labels");
	free(sql);
	sqlc_set_free(s);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f))
		bail_out("cannot write %s", path);
}

static void test_cache(void)
{
	struct sqlc_set *srv = sqlc_set_new(), *out = sqlc_set_new();
	char spool[200], cache[300], seg[400], inst_dir[300];
	const char *why;
	enum sqlc_src src;
	bool pinned;
	int cerr;

	if (!srv || !out)
		bail_out("out of memory");
	snprintf(spool, sizeof(spool), "%s/spool", root);
	snprintf(cache, sizeof(cache), "%s/pg1.columns", spool);
	snprintf(inst_dir, sizeof(inst_dir), "%s/pg1", spool);
	snprintf(seg, sizeof(seg), "%s/00000000000000000001.seg", inst_dir);
	sqlc_parse_list(srv, "a,b,c", &why);

	ok(sqlc_pick_online(out, srv, cache, spool, "pg1", &pinned, &cerr) ==
	   0 && !pinned && cerr == 0 && out->ncols == 3,
	   "server answered, empty spool: its columns, cached");
	sqlc_set_clear(out);
	ok(sqlc_cache_read(out, cache) == 0 && out->ncols == 3 &&
	   !strcmp(out->cols[2].name, "c"), "the cache reads back");

	/* An earlier run spooled batches for (a, b). */
	write_file(cache, "# test\na\nb\n");
	ok(!sqlc_spool_pending(spool, "pg1"), "no segment: nothing pending");
	mkdir(inst_dir, 0700);
	write_file(seg, "x");
	ok(sqlc_spool_pending(spool, "pg1"), "a segment: batches pending");
	ok(sqlc_pick_online(out, srv, cache, spool, "pg1", &pinned, &cerr) ==
	   0 && pinned && out->ncols == 2,
	   "spooled batches pin the cached layout while the table has it");
	write_file(cache, "a\nzz\n");
	ok(sqlc_pick_online(out, srv, cache, spool, "pg1", &pinned, &cerr) ==
	   0 && !pinned && out->ncols == 3,
	   "a cached column the table lost: the table's columns");
	unlink(seg);

	write_file(cache, "x1\ny1\n");
	ok(sqlc_pick_offline(out, cache, NULL, "t", &src) == 0 &&
	   src == SQLC_SRC_CACHE && out->ncols == 2,
	   "server down: the cache first");
	unlink(cache);
	snprintf(seg, sizeof(seg), "%s/schema.sql", root);
	write_file(seg, crafted_schema);
	ok(sqlc_pick_offline(out, cache, seg, "t", &src) == 0 &&
	   src == SQLC_SRC_SCHEMA && out->ncols == 3,
	   "no cache: the schema file");
	ok(sqlc_pick_offline(out, cache, seg, "nope", &src) == -ENOENT,
	   "neither: -ENOENT");
	sqlc_set_free(srv);
	sqlc_set_free(out);
}

static void test_values(void)
{
	char b[64];
	uint8_t bin[4];

	b[sqlc_utoa(b, 0)] = '\0';
	is_str(b, "0", "utoa 0");
	b[sqlc_utoa(b, UINT64_MAX)] = '\0';
	is_str(b, "18446744073709551615", "utoa max");
	b[sqlc_itoa(b, INT64_MIN)] = '\0';
	is_str(b, "-9223372036854775808", "itoa min");
	ok(sqlc_time_text(b, sizeof(b), 0, 0, NULL) == 26 &&
	   !strcmp(b, "1970-01-01 00:00:00.000000"), "the epoch");
	is_int(sqlc_hexlit("0x0a0B", 6, bin, sizeof(bin)), 2, "hex literal");
	ok(bin[0] == 0x0a && bin[1] == 0x0b, "its bytes");
	is_int(sqlc_hexlit("0xzz", 4, bin, sizeof(bin)), -1, "not hex");
	is_int(sqlc_hexlit("0x123", 5, bin, sizeof(bin)), -1, "odd digits");
	is_int(sqlc_hexlit("0x0102030405", 12, bin, sizeof(bin)), -1,
	       "too long for the buffer");
}

/* The whole file @path as a string (static; "" when unreadable). */
static const char *slurp(const char *path)
{
	static char buf[65536];
	FILE *f = fopen(path, "r");
	size_t n = 0;

	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

/* configure() through the engine, the server out of reach. */
static void test_configure(void)
{
	char conf[2048], diags[8192], path[300], logpath[300];
	const char *log;
	int n;

	/* What the plugin logs goes to a file the test reads. */
	snprintf(logpath, sizeof(logpath), "%s/nfpiped.log", root);
	if (nfp_log_open(logpath, NFP_LOG_DEBUG) < 0)
		bail_out("cannot open %s", logpath);

#define CONF_HEAD                                                            \
	"[global]\nstack=in1:PKTIN,pg1:PGSQL\n[in1]\n[pg1]\n"                \
	"host=\"/nonexistent-nfpt\"\nport=5999\ndb=\"x\"\nuser=\"u\"\n"      \
	"pass=\"Sup3r-Secret\"\nspool_dir=\"%s/spool2\"\n"

	snprintf(conf, sizeof(conf), CONF_HEAD "table=\"t\"\ncolumns=\"oob_prefix, ip_saddr_str\"\n",
		 root);
	n = nfpt_check(conf, plugins, diags, sizeof(diags));
	is_int(n, 1, "columns=: one column no key fills");
	like(diags, "ip.saddr.str", "the error names its key");
	ok(!strstr(diags, "Sup3r-Secret"), "the password is not in it");

	snprintf(conf, sizeof(conf), CONF_HEAD "table=\"t\"\nnull_columns=1\ncolumns=\"oob_prefix, ip_saddr_str\"\n",
		 root);
	is_int(nfpt_check(conf, plugins, diags, sizeof(diags)), 0,
	       "null_columns=1: NULL there, no error");

	/* No columns=, no cache: the CREATE TABLE in schema_file. */
	snprintf(path, sizeof(path), "%s/s.sql", root);
	write_file(path, "CREATE TABLE t (_id int, oob_prefix text, oob_mark bigint, oob_in text);");
	snprintf(conf, sizeof(conf), CONF_HEAD "table=\"t\"\nschema_file=\"%s\"\n",
		 root, path);
	is_int(nfpt_check(conf, plugins, diags, sizeof(diags)), 0,
	       "server down: schema_file's columns, all filled");
	log = slurp(logpath);
	like(log, "/nonexistent-nfpt", "the log says why the server was not reached");
	like(log, "filling the 3 columns of the table in schema_file",
	     "and where the columns came from");
	write_file(path, "CREATE TABLE t (oob_prefix text, no_such_thing int);");
	is_int(nfpt_check(conf, plugins, diags, sizeof(diags)), 1,
	       "schema_file names a column nothing fills");
	like(diags, "no.such.thing", "and the error names it");

	/* A cache beside the spool comes before schema_file. */
	snprintf(path, sizeof(path), "%s/spool2", root);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/spool2/pg1.columns", root);
	write_file(path, "oob_prefix\nbogus_col\n");
	is_int(nfpt_check(conf, plugins, diags, sizeof(diags)), 1,
	       "server down: the cached columns");
	like(diags, "bogus.col", "the cached column is the one missing");
	unlink(path);

	snprintf(conf, sizeof(conf), CONF_HEAD "table=\"t\"\nschema_file=\"/nonexistent\"\n",
		 root);
	ok(nfpt_check(conf, plugins, diags, sizeof(diags)) >= 1,
	   "server down, no columns anywhere: a config error");

	snprintf(conf, sizeof(conf), CONF_HEAD "table=\"t\"\ncolumns=\"oob_prefix\"\nprocedure=\"x(); DROP TABLE t\"\n",
		 root);
	ok(nfpt_check(conf, plugins, diags, sizeof(diags)) >= 1,
	   "a procedure that is not a name: a config error");

	snprintf(conf, sizeof(conf), CONF_HEAD "table=\"t\"\ncolumns=\"oob_prefix\"\nconnstring=\"host=/x password\"\n",
		 root);
	ok(nfpt_check(conf, plugins, diags, sizeof(diags)) >= 1,
	   "a connstring libpq cannot read: a config error");
	snprintf(conf, sizeof(conf), CONF_HEAD "table=\"t\"\nschema_file=\"/nonexistent\"\nconnstring=\"host=/nonexistent-nfpt password=Conn-Secr3t\"\n",
		 root);
	nfpt_check(conf, plugins, diags, sizeof(diags));
	log = slurp(logpath);
	like(log, "connstring is not a libpq connection string",
	     "the log says the connstring is unreadable");
	ok(!strstr(log, "Sup3r-Secret") && !strstr(log, "Conn-Secr3t") &&
	   !strstr(diags, "Sup3r-Secret") && !strstr(diags, "Conn-Secr3t"),
	   "no password in the log or the diagnostics");
	nfp_log_close();
#undef CONF_HEAD
}

int main(void)
{
	char cmd[200];

	snprintf(root, sizeof(root), "/tmp/nfpt-pgsql.XXXXXX");
	if (!mkdtemp(root))
		bail_out("mkdtemp");
	test_format();
	test_sql();
	test_scrub();
	test_names();
	test_lists();
	test_schema_file();
	test_cache();
	test_values();
	test_configure();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd))
		diag("could not remove %s", root);
	return done_testing();
}
