/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_sqlcols - label columns are optional in SQL outputs
 *
 * A column for a key of an interpreter's namespace (l7., geoip.,
 * blacklist., scan.: nfp_key_enrichment()) is optional in SQLITE3, PGSQL
 * and MYSQL; every other column still needs a producer. Through the real
 * engine: PKTIN -> BASE -> SQLITE3 into a table with l7_proto, l7_host,
 * geoip_src_country and blacklist_src columns starts, stores NULL there
 * and logs which columns stay NULL; the same table behind PKTIN -> BASE ->
 * L7 gets the label of an HTTP conversation crafted here; a table with a
 * misspelt plain column (tcp_dprot) is still refused with the binding
 * error of the core. Then the rule itself, the shipped schema's ulog_pkt
 * checked for a stack without any interpreter, and the upgrade scripts
 * (l7-sqlite3.sql, geoip-blacklist-sqlite3.sql) making a database of the
 * older layout the same as a new one. No root needed.
 */
#include "nfp.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sqlite3.h>

#include "engine.h"
#include "harness.h"
#include "tap.h"

extern const struct nfp_plugin nfp_output_sqlite3;
extern const struct nfp_plugin nfp_filter_base;
extern const struct nfp_plugin nfp_filter_l7;

/* CTIN: the keys NFCT and IP2STR give ulog_ct, nothing more (no L7). */
/* clang-format off */
#define CT(n, t) { n, NFP_T_##t }
static const struct nfp_key ctin_keys[] = {
	CT("oob.family", U8),		 CT("oob.protocol", U16),
	CT("orig.ip.saddr.str", STRING), CT("orig.ip.daddr.str", STRING),
	CT("orig.ip.protocol", U8),	 CT("orig.l4.sport", U16),
	CT("orig.l4.dport", U16),	 CT("orig.raw.pktlen", U64),
	CT("orig.raw.pktcount", U64),	 CT("reply.ip.saddr.str", STRING),
	CT("reply.ip.daddr.str", STRING), CT("reply.ip.protocol", U8),
	CT("reply.l4.sport", U16),	 CT("reply.l4.dport", U16),
	CT("reply.raw.pktlen", U64),	 CT("reply.raw.pktcount", U64),
	CT("icmp.type", U8),		 CT("icmp.code", U8),
	CT("ct.mark", U32),		 CT("ct.id", U32),
	CT("ct.event", U32),		 CT("flow.start.sec", U32),
	CT("flow.start.usec", U32),	 CT("flow.end.sec", U32),
	CT("flow.end.usec", U32),	 { 0 }
};
#undef CT
/* clang-format on */

static const struct nfp_plugin ctin = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_INPUT,
	.name = "CTIN",
	.summary = "test input with the keys of ulog_ct's plain columns",
	.out_keys = ctin_keys,
};

static const struct nfp_plugin *const plugins[] = {
	&nfp_output_sqlite3, &nfp_filter_base, &nfp_filter_l7, &ctin, NULL,
};

static char root[256], logpath[300];
static struct nfpt *t;
static uint32_t now_sec = 1700000000;

#define CLI "10.0.1.2"
#define SRV "10.0.2.2"
#define LABELS                                                                 \
	"l7_proto TEXT, l7_host TEXT, geoip_src_country TEXT, "                \
	"blacklist_src TEXT"

enum { FIN = 0x01, SYN = 0x02, PSH = 0x08, ACK = 0x10 };

static void exec_sql(const char *db, const char *sql)
{
	sqlite3 *h;
	char *err = NULL;

	if (sqlite3_open(db, &h) != SQLITE_OK ||
	    sqlite3_exec(h, sql, NULL, NULL, &err) != SQLITE_OK)
		bail_out("%s: %s", db, err ? err : sqlite3_errmsg(h));
	sqlite3_close(h);
}

/* First column of the first row of @sql as text ("NULL", "(none)"). */
static const char *query(const char *db, const char *sql)
{
	static char out[4][8192]; /* a table's whole layout fits */
	static unsigned int n;
	char *r = out[n++ % 4];
	sqlite3_stmt *st;
	sqlite3 *h;

	snprintf(r, sizeof(out[0]), "(none)");
	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		snprintf(r, sizeof(out[0]), "(cannot open)");
		sqlite3_close(h);
		return r;
	}
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(r, sizeof(out[0]), "(error: %s)", sqlite3_errmsg(h));
	} else {
		if (sqlite3_step(st) == SQLITE_ROW) {
			const unsigned char *v = sqlite3_column_text(st, 0);

			snprintf(r, sizeof(out[0]), "%s",
				 v ? (const char *)v : "NULL");
		}
		sqlite3_finalize(st);
	}
	sqlite3_close(h);
	return r;
}

static char *conf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *conf(const char *fmt, ...)
{
	static char buf[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return buf;
}

/* The log written since the last call. */
static const char *new_log(void)
{
	static long seen;
	static char buf[1 << 16];
	FILE *f = fopen(logpath, "r");
	size_t n = 0;

	buf[0] = '\0';
	if (f) {
		fseek(f, seen, SEEK_SET);
		n = fread(buf, 1, sizeof(buf) - 1, f);
		seen += (long)n;
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

/* One IPv4 TCP segment from @src:@sp to @dst:@dp into PKTIN "in1". */
static void tcp(const char *src, const char *dst, uint16_t sp, uint16_t dp,
		uint8_t flags, const char *data)
{
	static uint8_t b[1500];
	size_t dlen = data ? strlen(data) : 0, tot = 40 + dlen;
	struct nfpt_pkt p = { 0 };
	uint8_t *h = b + 20;

	memset(b, 0, 40);
	b[0] = 0x45;
	b[2] = (uint8_t)(tot >> 8);
	b[3] = (uint8_t)tot;
	b[6] = 0x40; /* DF */
	b[8] = 64;
	b[9] = 6;
	inet_pton(AF_INET, src, b + 12);
	inet_pton(AF_INET, dst, b + 16);
	h[0] = (uint8_t)(sp >> 8);
	h[1] = (uint8_t)sp;
	h[2] = (uint8_t)(dp >> 8);
	h[3] = (uint8_t)dp;
	h[7] = 1;
	h[12] = 5 << 4;
	h[13] = flags;
	h[14] = 0xff;
	memcpy(h + 20, data ? data : "", dlen);
	p.family = AF_INET;
	p.data = b;
	p.len = tot;
	p.prefix = "sqlcols";
	p.sec = now_sec++;
	p.usec = 1000;
	nfpt_feed(t, "in1", &p);
}

/* Handshake, a GET from the client, its answer, FIN both ways: 7 rows. */
static void http_conversation(uint16_t sp, uint16_t dp)
{
	tcp(CLI, SRV, sp, dp, SYN, NULL);
	tcp(SRV, CLI, dp, sp, SYN | ACK, NULL);
	tcp(CLI, SRV, sp, dp, ACK, NULL);
	tcp(CLI, SRV, sp, dp, PSH | ACK,
	    "GET / HTTP/1.1\r\nHost: www.example.org\r\n"
	    "User-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n");
	tcp(SRV, CLI, dp, sp, PSH | ACK,
	    "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
	tcp(CLI, SRV, sp, dp, FIN | ACK, NULL);
	tcp(SRV, CLI, dp, sp, FIN | ACK, NULL);
}

static void test_rule(void)
{
	ok(nfp_key_enrichment("l7.proto"), "l7.proto is a label");
	ok(nfp_key_enrichment("geoip.src.asn"), "geoip.src.asn is a label");
	ok(nfp_key_enrichment("blacklist.dst.desc"),
	   "blacklist.dst.desc is a label");
	ok(nfp_key_enrichment("scan.type"), "scan.type is a label");
	ok(!nfp_key_enrichment("ip.saddr.str"), "ip.saddr.str is not");
	ok(!nfp_key_enrichment("oob.prefix"), "oob.prefix is not");
	ok(!nfp_key_enrichment("l7"), "l7 alone is not (no namespace)");
	ok(!nfp_key_enrichment("l7proto") && !nfp_key_enrichment("geoipx.a"),
	   "a prefix without its dot is not");
	ok(!nfp_key_enrichment("") && !nfp_key_enrichment(NULL),
	   "empty and NULL are not");
}

/* No interpreter in the stack: the label columns are NULL, nothing fails. */
static void test_without_l7(void)
{
	char db[300];
	const char *log;

	snprintf(db, sizeof(db), "%s/plain.db", root);
	exec_sql(db,
		 "CREATE TABLE t (oob_prefix TEXT, tcp_dport INTEGER, " LABELS
		 ");");
	new_log();
	t = nfpt_new(conf("[global]\nstack=in1:PKTIN,base:BASE,sql1:SQLITE3\n"
			  "[sql1]\ndb=\"%s\"\ntable=\"t\"\nspool_max=0\n",
			  db),
		     plugins);
	ok(t != NULL, "no L7, GEOIP, BLACKLIST: the stack starts");
	http_conversation(40001, 8080);
	nfpt_free(t);
	is_str(query(db, "SELECT count(*) FROM t"), "7", "7 packets, 7 rows");
	is_str(query(db, "SELECT count(*) FROM t WHERE tcp_dport = 8080 AND "
			 "oob_prefix = 'sqlcols'"),
	       "4", "the plain columns are filled");
	is_str(query(db, "SELECT count(*) FROM t WHERE l7_proto IS NULL AND "
			 "l7_host IS NULL AND geoip_src_country IS NULL AND "
			 "blacklist_src IS NULL"),
	       "7", "every label column is NULL");
	log = new_log();
	like(log,
	     "info: [sql1] 4 columns stay NULL, no plugin in the "
	     "stack fills them: l7_proto, l7_host, geoip_src_country, "
	     "blacklist_src",
	     "the log says which columns stay NULL");
}

/* L7 in the stack: the same table gets the label. */
static void test_with_l7(void)
{
	char db[300];
	const char *log;

	snprintf(db, sizeof(db), "%s/l7.db", root);
	exec_sql(db,
		 "CREATE TABLE t (oob_prefix TEXT, tcp_dport INTEGER, " LABELS
		 ");");
	new_log();
	t = nfpt_new(conf("[global]\n"
			  "stack=in1:PKTIN,base:BASE,l7:L7,sql1:SQLITE3\n"
			  "[sql1]\ndb=\"%s\"\ntable=\"t\"\nspool_max=0\n",
			  db),
		     plugins);
	http_conversation(40002, 8080);
	nfpt_free(t);
	is_str(query(db, "SELECT count(*) FROM t"), "7", "7 packets, 7 rows");
	is_str(query(db, "SELECT count(*) FROM t WHERE l7_proto IS NULL"), "3",
	       "the handshake, before the label is known: NULL");
	is_str(query(db, "SELECT group_concat(DISTINCT l7_proto) FROM t "
			 "WHERE l7_proto IS NOT NULL"),
	       "HTTP", "from the request on: the label L7 gave");
	is_str(query(db, "SELECT l7_host FROM t WHERE l7_proto = 'HTTP'"),
	       "www.example.org", "and its host");
	is_str(query(db, "SELECT count(*) FROM t WHERE "
			 "geoip_src_country IS NULL AND blacklist_src IS NULL"),
	       "7", "no GEOIP, no BLACKLIST: those stay NULL");
	log = new_log();
	like(log,
	     "[sql1] 2 columns stay NULL, no plugin in the stack "
	     "fills them: geoip_src_country, blacklist_src\n",
	     "the log names only those");
}

/* A plain column still needs its key: a misspelling is a config error. */
static void test_misspelt(void)
{
	char db[300], diag[4096];
	int n;

	snprintf(db, sizeof(db), "%s/typo.db", root);
	exec_sql(db,
		 "CREATE TABLE t (oob_prefix TEXT, tcp_dprot INTEGER, " LABELS
		 ");");
	n = nfpt_check(conf("[global]\nstack=in1:PKTIN,base:BASE,sql1:SQLITE3\n"
			    "[sql1]\ndb=\"%s\"\ntable=\"t\"\n",
			    db),
		       plugins, diag, sizeof(diag));
	is_int(n, 1, "tcp_dprot: one config error");
	like(diag,
	     "SQLITE3 needs key \"tcp.dprot\", which nothing before it "
	     "in this stack produces",
	     "the core's binding error, naming the key");
	ok(!strstr(diag, "l7.proto") && !strstr(diag, "geoip") &&
		   !strstr(diag, "blacklist"),
	   "and no error for the label columns");
	n = nfpt_check(conf("[global]\nstack=in1:PKTIN,base:BASE,l7:L7,"
			    "sql1:SQLITE3\n[sql1]\ndb=\"%s\"\ntable=\"t\"\n",
			    db),
		       plugins, diag, sizeof(diag));
	is_int(n, 1, "with L7 in the stack too");
}

/* The shipped schema: a stack without interpreters fills both tables. */
static void test_shipped_schema(void)
{
	char db[300], diag[4096];
	int n;

	snprintf(db, sizeof(db), "%s/new.db", root);
	n = nfpt_check(conf("[global]\nstack=in1:PKTIN,base:BASE,sql1:SQLITE3\n"
			    "[sql1]\ndb=\"%s\"\ntable=\"ulog_pkt\"\n"
			    "schema=\"%s/sqlite3.sql\"\n",
			    db, NFP_SQLDIR),
		       plugins, diag, sizeof(diag));
	/* PKTIN+BASE lack IP2STR's and IFINDEX's keys: those errors only. */
	ok(n > 0 && !strstr(diag, "l7.") && !strstr(diag, "geoip.") &&
		   !strstr(diag, "blacklist."),
	   "sqlite3.sql's ulog_pkt: no error for a label column");
	like(diag, "ip.saddr.str", "but the plain columns are still checked");

	/* ulog_ct: conntrack's keys alone fill every plain column. */
	n = nfpt_check(conf("[global]\nstack=ct1:CTIN,sql1:SQLITE3\n"
			    "[sql1]\ndb=\"%s\"\ntable=\"ulog_ct\"\n"
			    "schema=\"%s/sqlite3.sql\"\n",
			    db, NFP_SQLDIR),
		       plugins, diag, sizeof(diag));
	is_int(n, 0,
	       "sqlite3.sql's ulog_ct takes a stack without L7 (NFCT's "
	       "keys only)");
	if (n)
		printf("# %s\n", diag);
}

/* Column names and declared types of @table, in table order. */
static const char *layout(const char *db, const char *table)
{
	return query(db, conf("SELECT group_concat(name || ' ' || type, ',') "
			      "FROM (SELECT name, type FROM "
			      "pragma_table_info('%s') ORDER BY cid)",
			      table));
}

static void run_script(const char *db, const char *file)
{
	char *sql = nfpt_slurp(conf("%s/%s", NFP_SQLDIR, file));

	exec_sql(db, sql);
	free(sql);
}

/*
 * l7-sqlite3.sql and geoip-blacklist-sqlite3.sql make a database of the
 * layout before the label columns (sqlite3.sql without them) the same as
 * a new one.
 */
static void test_upgrade(void)
{
	static const char *const tables[] = { "ulog_pkt", "ulog_ct" };
	char fresh[300], old[300], want[2][8192];
	unsigned int i;

	snprintf(fresh, sizeof(fresh), "%s/fresh.db", root);
	snprintf(old, sizeof(old), "%s/old.db", root);
	run_script(fresh, "sqlite3.sql");
	run_script(old, "sqlite3.sql");
	exec_sql(old, "DROP VIEW l7_top; DROP INDEX ulog_ct_by_l7;");
	for (i = 0; i < 2; i++) {
		sqlite3 *h;
		sqlite3_stmt *st;
		char cols[64][32];
		unsigned int n = 0, k;

		snprintf(want[i], sizeof(want[i]), "%s",
			 layout(fresh, tables[i]));
		if (sqlite3_open(old, &h) != SQLITE_OK ||
		    sqlite3_prepare_v2(h,
				       conf("SELECT name FROM "
					    "pragma_table_info('%s')",
					    tables[i]),
				       -1, &st, NULL) != SQLITE_OK)
			bail_out("%s: %s", old, sqlite3_errmsg(h));
		while (sqlite3_step(st) == SQLITE_ROW && n < 64) {
			const char *c =
				(const char *)sqlite3_column_text(st, 0);

			if (!strncmp(c, "l7_", 3) || !strncmp(c, "geoip_", 6) ||
			    !strncmp(c, "blacklist_", 10))
				snprintf(cols[n++], sizeof(cols[0]), "%s", c);
		}
		sqlite3_finalize(st);
		sqlite3_close(h);
		for (k = 0; k < n; k++)
			exec_sql(old, conf("ALTER TABLE %s DROP COLUMN %s",
					   tables[i], cols[k]));
		ok(n == (i ? 20u : 19u) &&
			   strcmp(layout(old, tables[i]), want[i]),
		   "%s of the old layout: %u label columns fewer", tables[i],
		   n);
	}
	run_script(old, "l7-sqlite3.sql");
	run_script(old, "geoip-blacklist-sqlite3.sql");
	is_str(layout(old, "ulog_pkt"), want[0],
	       "upgraded ulog_pkt: the columns and types of sqlite3.sql");
	is_str(layout(old, "ulog_ct"), want[1], "upgraded ulog_ct: the same");
	is_str(query(old, "SELECT count(*) FROM sqlite_master WHERE name IN "
			  "('l7_top', 'ulog_ct_by_l7')"),
	       "2", "and the view l7_top and the index on l7_proto");
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(root, sizeof(root), "%s/nfpt-sqlcols-XXXXXX",
		 tmp ? tmp : "/tmp");
	if (!mkdtemp(root))
		bail_out("mkdtemp: %s", strerror(errno));
	snprintf(logpath, sizeof(logpath), "%s/nfpiped.log", root);
	if (nfp_log_open(logpath, NFP_LOG_INFO) < 0)
		bail_out("cannot open %s", logpath);
	test_rule();
	test_without_l7();
	test_with_l7();
	test_misspelt();
	test_shipped_schema();
	test_upgrade();
	nfp_log_close();
	nfpt_rmtree(root);
	return done_testing();
}
