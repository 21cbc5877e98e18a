/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_sqlite3 - SQLITE3 end to end through the real engine
 *
 * PKTIN's keys (NFLOG's) go straight into SQLITE3, whose tables are made
 * here with columns named after those keys; the rows are then read back
 * with libsqlite3. Expected values are written out from the inputs (a mark
 * of 0xdeadbeef is 3735928559; 1700000000 is 2023-11-14 22:13:20 UTC;
 * 10.0.0.1 is 167772161), never taken from what the plugin wrote.
 */
#include "nfp.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include <nfpipe/sink.h>

#include "engine.h"
#include "harness.h"
#include "tap.h"

extern const struct nfp_plugin nfp_output_sqlite3;

static const struct nfp_plugin *plugins[] = { &nfp_output_sqlite3, NULL, NULL };
static char root[256], logpath[300];

/* ---- helpers ------------------------------------------------------------- */

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
	static char out[4][512];
	static unsigned int n;
	char *r = out[n++ % 4];
	sqlite3_stmt *st;
	sqlite3 *h;

	snprintf(r, 512, "(none)");
	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		snprintf(r, 512, "(cannot open)");
		sqlite3_close(h);
		return r;
	}
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(r, 512, "(error: %s)", sqlite3_errmsg(h));
	} else {
		if (sqlite3_step(st) == SQLITE_ROW) {
			const unsigned char *t = sqlite3_column_text(st, 0);

			snprintf(r, 512, "%s", t ? (const char *)t : "NULL");
		}
		sqlite3_finalize(st);
	}
	sqlite3_close(h);
	return r;
}

static char *slurp(const char *path)
{
	static char buf[1 << 16];
	FILE *f = fopen(path, "r");
	size_t n = 0;

	buf[0] = '\0';
	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

/*
 * The harness runs no event loop, so the flush_interval timer never fires:
 * the waits call the plugin's flush the way the loop would after a wakeup.
 */
static bool wait_ctr(struct nfpt *t, const char *name, enum nfp_sink_ctr c,
		     uint64_t want, unsigned int ms)
{
	struct nfp_inst *inst = nfpt_inst(t, name);

	while (ms--) {
		inst->plugin->flush(inst);
		if (__atomic_load_n(&inst->ctr[c], __ATOMIC_RELAXED) >= want)
			return true;
		usleep(1000);
	}
	return false;
}

static uint64_t ctr(struct nfpt *t, const char *name, enum nfp_sink_ctr c)
{
	return __atomic_load_n(&nfpt_inst(t, name)->ctr[c], __ATOMIC_RELAXED);
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

static uint8_t pkt40[40];

static void feed(struct nfpt *t, const char *prefix, uint32_t mark,
		 uint32_t sec)
{
	struct nfpt_pkt p = {
		.family = AF_INET,
		.data = pkt40,
		.len = sizeof(pkt40),
		.prefix = prefix,
		.hook = 1,
		.mark = mark,
		.sec = sec,
		.usec = 5,
		.indev = "eth0",
		.outdev = "",
		.ifindex_in = 2,
	};

	nfpt_feed(t, "in1", &p);
}

/* ---- tests -------------------------------------------------------------- */

/*
 * ulogd2's own SQLite table (doc/sqlite3.table's ulog_pkt: the same names
 * and declared types) as the target, with ulogd2's `buffer` option.
 */
static void test_ulogd_table(void)
{
	char db[300], name[32];
	struct nfpt *t;
	struct nfpt_pkt p = { 0 };
	unsigned int i;

	snprintf(db, sizeof(db), "%s/ulogd.db", root);
	exec_sql(db, "CREATE TABLE ulog_pkt (raw_pktlen INT UNSIGNED, "
		     "raw_pktcount INT UNSIGNED, oob_prefix VARCHAR(64), "
		     "oob_time_sec INT UNSIGNED, oob_time_usec INT UNSIGNED, "
		     "oob_mark INT UNSIGNED, oob_hook TINYINT UNSIGNED, "
		     "oob_uid INT UNSIGNED, oob_gid INT UNSIGNED);"
		     "CREATE TABLE x (a);");
	t = nfpt_new(conf("[global]\nstack=in1:PKTIN,sql1:SQLITE3\n"
			  "[sql1]\ndb=\"%s\"\ntable=\"ulog_pkt\"\nbuffer=200\n"
			  "spool_dir=\"%s/spool\"\n",
			  db, root),
		     plugins);
	for (i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "p%u", i);
		feed(t, i == 500 ? "'; DROP TABLE x; --" : name,
		     i == 7 ? 0xdeadbeefu : i, 1700000000u + i);
	}
	p.family = AF_INET;
	p.prefix = "uid";
	p.has_uid = true;
	p.uid = 4294967295u;
	p.gid = 0;
	p.sec = 1700001000;
	nfpt_feed(t, "in1", &p);
	nfpt_free(t);
	is_str(query(db, "SELECT count(*) FROM ulog_pkt"), "1001",
	       "1001 packets in, 1001 rows out");
	is_str(query(db, "SELECT count(*) FROM ulog_pkt WHERE "
			 "oob_time_sec - 1700000000 != rowid - 1"),
	       "0", "rows in the order the packets came");
	is_str(query(db, "SELECT oob_prefix FROM ulog_pkt WHERE rowid = 501"),
	       "'; DROP TABLE x; --",
	       "an SQL-looking prefix is stored verbatim");
	is_str(query(db, "SELECT count(*) FROM sqlite_master WHERE name = 'x'"),
	       "1", "and table x is still there");
	is_str(query(db, "SELECT oob_mark FROM ulog_pkt WHERE rowid = 8"),
	       "3735928559", "mark 0xdeadbeef stays positive");
	is_str(query(db,
		     "SELECT typeof(oob_mark) FROM ulog_pkt WHERE rowid = 8"),
	       "integer", "as an integer");
	is_str(query(db,
		     "SELECT oob_uid FROM ulog_pkt WHERE oob_prefix = 'uid'"),
	       "4294967295", "uid 2^32-1 stays positive");
	is_str(query(db, "SELECT raw_pktlen || '/' || raw_pktcount || '/' || "
			 "oob_hook || '/' || oob_time_usec FROM ulog_pkt "
			 "WHERE rowid = 1"),
	       "40/1/1/5", "pktlen, pktcount, hook, usec");
	is_str(query(db, "SELECT oob_uid FROM ulog_pkt WHERE rowid = 1"),
	       "NULL", "an unset key is NULL");
	is_str(query(db, "PRAGMA journal_mode"), "wal",
	       "the database is in WAL mode");
}

static void test_reject(void)
{
	char db[300];
	const char *log;
	struct nfpt *t;
	bool done;

	snprintf(db, sizeof(db), "%s/check.db", root);
	exec_sql(db, "CREATE TABLE t (_id INTEGER PRIMARY KEY, "
		     "oob_prefix TEXT CHECK (length(oob_prefix) < 8), "
		     "oob_mark INTEGER NOT NULL);");
	t = nfpt_new(conf("[global]\nstack=in1:PKTIN,sql1:SQLITE3\n"
			  "[sql1]\ndb=\"%s\"\ntable=\"t\"\nbatch=100\n"
			  "spool_dir=\"%s/spool\"\n",
			  db, root),
		     plugins);
	feed(t, "a", 1, 1);
	feed(t, "b", 2, 2);
	feed(t, "muchtoolongprefix", 3, 3);
	feed(t, "c", 4, 4);
	feed(t, "d", 5, 5);
	done = wait_ctr(t, "sql1", NFP_SINK_CTR_REJECTED, 1, 5000) &&
	       wait_ctr(t, "sql1", NFP_SINK_CTR_WRITTEN, 4, 5000);
	ok(done, "worker wrote the batch");
	is_int(ctr(t, "sql1", NFP_SINK_CTR_REJECTED), 1, "rejected=1");
	is_int(ctr(t, "sql1", NFP_SINK_CTR_WRITTEN), 4, "written=4");
	nfpt_free(t);
	is_str(query(db, "SELECT group_concat(oob_prefix, ',') FROM t"),
	       "a,b,c,d",
	       "the refused row is skipped, the rest of its batch lands");
	log = slurp(logpath);
	like(log, "CHECK constraint failed", "the reason is logged");
	like(log, "muchtoolongprefix", "with the row");
}

static void test_config(void)
{
	char db[300], diag[4096];
	struct nfpt *t;
	int n;

	snprintf(db, sizeof(db), "%s/cfg.db", root);
	exec_sql(db, "CREATE TABLE t (oob_prefix TEXT, foo_bar INTEGER, "
		     "\"oob.ifindex_in\" INTEGER, OOB_MARK INTEGER);");
	n = nfpt_check(conf("[global]\nstack=in1:PKTIN,sql1:SQLITE3\n"
			    "[sql1]\ndb=\"%s\"\ntable=\"t\"\n",
			    db),
		       plugins, diag, sizeof(diag));
	is_int(n, 1, "a column no key fills is a config error");
	like(diag, "\"foo.bar\"", "naming its key foo.bar");

	t = nfpt_new(conf("[global]\nstack=in1:PKTIN,sql1:SQLITE3\n"
			  "[sql1]\ndb=\"%s\"\ntable=\"t\"\nnull_columns=1\n"
			  "spool_max=0\n",
			  db),
		     plugins);
	feed(t, "x", 77, 1);
	nfpt_free(t);
	is_str(query(db, "SELECT quote(foo_bar) || ',' || \"oob.ifindex_in\" "
			 "|| ',' || OOB_MARK FROM t"),
	       "NULL,2,77",
	       "null_columns=1: NULL there; a dotted name and "
	       "upper case map to their keys");

	n = nfpt_check(conf("[global]\nstack=in1:PKTIN,sql1:SQLITE3\n"
			    "[sql1]\ndb=\"%s\"\ntable=\"nope\"\n",
			    db),
		       plugins, diag, sizeof(diag));
	ok(n >= 1, "a missing table is a config error");
	like(diag, "test.conf:5: error: [sql1] ", "at the table= line");
	like(diag, "no table or view \"nope\" with columns to fill; create it",
	     "saying which, and what to do");
	n = nfpt_check(conf("[global]\nstack=in1:PKTIN,sql1:SQLITE3\n"
			    "[sql1]\ntable=\"t\"\n"),
		       plugins, diag, sizeof(diag));
	ok(n >= 1 && strstr(diag, "db"), "db is required");
}

static void test_new_db(void)
{
	char db[300], diag[4096];
	struct nfpt *t;
	struct stat st;
	int n;

	snprintf(db, sizeof(db), "%s/new/nfpipe.db", root);
	mkdir(conf("%s/new", root), 0755);
	n = nfpt_check(conf("[global]\nstack=in1:PKTIN,sql1:SQLITE3\n"
			    "[sql1]\ndb=\"%s\"\ntable=\"ulog_pkt\"\n",
			    db),
		       plugins, diag, sizeof(diag));
	ok(n > 5 && strstr(diag, "\"ip.saddr.str\""),
	   "new database: the schema's ulog_pkt needs BASE and IP2STR keys");
	ok(stat(db, &st) < 0, "checking the config creates no file");

	t = nfpt_new(conf("[global]\nstack=in1:PKTIN,sql1:SQLITE3\n"
			  "[sql1]\ndb=\"%s\"\ntable=\"ulog_pkt\"\n"
			  "null_columns=1\nspool_dir=\"%s/spool\"\n",
			  db, root),
		     plugins);
	feed(t, "IN-DROP ", 0, 1700000000);
	feed(t, "IN-DROP ", 0, 1700000001);
	feed(t, "FWD ", 0, 1700003600);
	nfpt_free(t);
	ok(stat(db, &st) == 0,
	   "the database is created from etc/sql/sqlite3.sql");
	is_str(query(db, "SELECT count(*) || ' ' || group_concat(oob_in) "
			 "FROM ulog_pkt"),
	       "3 eth0,eth0,eth0", "3 rows, interface names");
	is_str(query(db, "SELECT hour || '|' || prefix || '|' || packets || "
			 "'|' || bytes FROM pkt_per_hour_prefix "
			 "ORDER BY hour, prefix LIMIT 1"),
	       "2023-11-14 22:00|IN-DROP |2|80",
	       "view: packets per hour and prefix");
	is_str(query(db, "SELECT count(*) FROM top_sources"), "0",
	       "view top_sources (no addresses without BASE)");
	is_str(query(db, "SELECT count(*) FROM flows_by_bytes"), "0",
	       "view flows_by_bytes");
	is_str(query(db, "SELECT count(*) FROM top_dports"), "0",
	       "view top_dports");
}

/*
 * Two SQLITE3 instances of one daemon writing two tables of one database
 * that does not exist yet (the default config's packets and scan alerts):
 * both workers connect at once, and only one may create it. Run a few
 * times, since the race needs the two to overlap.
 */
static void test_two_new(void)
{
	unsigned int i, good = 0;
	char db[300], bad[512] = "", logged[8192];
	struct stat st;
	off_t from = stat(logpath, &st) ? 0 : st.st_size;
	FILE *f;
	size_t n = 0;

	for (i = 0; i < 12; i++) {
		struct nfpt *t;

		snprintf(db, sizeof(db), "%s/two%u.db", root, i);
		t = nfpt_new(conf("[global]\n"
				  "stack=in1:PKTIN,sql1:SQLITE3\n"
				  "stack=in1:PKTIN,sql2:SQLITE3\n"
				  "[sql1]\ndb=\"%s\"\ntable=\"ulog_pkt\"\n"
				  "null_columns=1\nspool_dir=\"%s/sp1-%u\"\n"
				  "[sql2]\ndb=\"%s\"\ntable=\"ulog_scan\"\n"
				  "null_columns=1\nspool_dir=\"%s/sp2-%u\"\n",
				  db, root, i, db, root, i),
			     plugins);
		feed(t, "TWO ", 0, 1700000000);
		if (!wait_ctr(t, "sql1", NFP_SINK_CTR_WRITTEN, 1, 5000) ||
		    !wait_ctr(t, "sql2", NFP_SINK_CTR_WRITTEN, 1, 5000))
			snprintf(bad, sizeof(bad),
				 "run %u: sql1 wrote %llu, sql2 wrote %llu", i,
				 (unsigned long long)ctr(t, "sql1",
							 NFP_SINK_CTR_WRITTEN),
				 (unsigned long long)ctr(t, "sql2",
							 NFP_SINK_CTR_WRITTEN));
		else
			good++;
		nfpt_free(t);
	}
	is_int(good, 12,
	       "two instances creating one new database: "
	       "both write, every time");
	if (bad[0])
		diag("%s", bad);
	f = fopen(logpath, "r");
	if (f && fseeko(f, from, SEEK_SET) == 0)
		n = fread(logged, 1, sizeof(logged) - 1, f);
	if (f)
		fclose(f);
	logged[n] = '\0';
	ok(!strstr(logged, "error:"),
	   "... and neither logs an error (one creates, the other waits)");
	if (strstr(logged, "error:"))
		diag("%s", strstr(logged, "error:"));
}

/* A schema script with transactions of its own (an SQL dump) still runs. */
static void test_schema_own_tx(void)
{
	char db[300], sch[300];
	struct nfpt *t;
	FILE *f;

	snprintf(db, sizeof(db), "%s/owntx.db", root);
	snprintf(sch, sizeof(sch), "%s/owntx.sql", root);
	f = fopen(sch, "w");
	if (!f)
		bail_out("%s: %s", sch, strerror(errno));
	fputs("PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n"
	      "CREATE TABLE ulog_pkt (_id INTEGER PRIMARY KEY, "
	      "oob_prefix TEXT);\nCOMMIT;\n",
	      f);
	fclose(f);
	t = nfpt_new(conf("[global]\nstack=in1:PKTIN,sql1:SQLITE3\n"
			  "[sql1]\ndb=\"%s\"\ntable=\"ulog_pkt\"\n"
			  "schema=\"%s\"\nspool_dir=\"%s/sp-owntx\"\n",
			  db, sch, root),
		     plugins);
	feed(t, "OWN ", 0, 1700000000);
	ok(wait_ctr(t, "sql1", NFP_SINK_CTR_WRITTEN, 1, 5000),
	   "a schema with BEGIN ... COMMIT of its own creates the database");
	nfpt_free(t);
	is_str(query(db, "SELECT oob_prefix FROM ulog_pkt"), "OWN ",
	       "... and the row is in it");
}

static void test_view(void)
{
	char db[300];
	struct nfpt *t;

	snprintf(db, sizeof(db), "%s/view.db", root);
	exec_sql(db, "CREATE TABLE store (p TEXT, m INTEGER);"
		     "CREATE VIEW v AS SELECT p AS oob_prefix, m AS oob_mark "
		     "FROM store;"
		     "CREATE TRIGGER v_ins INSTEAD OF INSERT ON v BEGIN "
		     "INSERT INTO store VALUES (NEW.oob_prefix, NEW.oob_mark);"
		     "END;");
	t = nfpt_new(conf("[global]\nstack=in1:PKTIN,sql1:SQLITE3\n"
			  "[sql1]\ndb=\"%s\"\ntable=\"v\"\nspool_max=0\n",
			  db),
		     plugins);
	feed(t, "via view", 9, 1);
	nfpt_free(t);
	is_str(query(db, "SELECT p || '/' || m FROM store"), "via view/9",
	       "a view with an INSTEAD OF trigger is a target");
}

static bool spooled_some(struct nfpt *t)
{
	return wait_ctr(t, "sql1", NFP_SINK_CTR_SPOOLED, 1, 5000);
}

/* Another connection holds the write lock: the database is "down". */
static void test_locked(void)
{
	char db[300], cfg[1024];
	sqlite3 *lock;
	struct nfpt *t;
	unsigned int i;

	snprintf(db, sizeof(db), "%s/locked.db", root);
	exec_sql(db, "PRAGMA journal_mode=WAL;"
		     "CREATE TABLE t (oob_prefix TEXT, oob_mark INTEGER);");
	snprintf(cfg, sizeof(cfg),
		 "[global]\nstack=in1:PKTIN,sql1:SQLITE3\n"
		 "[sql1]\ndb=\"%s\"\ntable=\"t\"\nbatch=5\nbusy_timeout=20ms\n"
		 "retry_max=200ms\nspool_dir=\"%s/spool\"\n",
		 db, root);
	if (sqlite3_open(db, &lock) != SQLITE_OK ||
	    sqlite3_exec(lock, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
		    SQLITE_OK)
		bail_out("cannot lock %s", db);
	t = nfpt_new(cfg, plugins);
	feed(t, "L", 0, 0);
	/* The first write waits busy_timeout (20 ms) and finds it locked. */
	usleep(300 * 1000);
	for (i = 1; i < 20; i++)
		feed(t, "L", i, i);
	ok(spooled_some(t),
	   "locked database: batches are spooled (%" PRIu64 ")",
	   ctr(t, "sql1", NFP_SINK_CTR_SPOOLED));
	is_str(query(db, "SELECT count(*) FROM t"), "0", "nothing written yet");
	sqlite3_exec(lock, "COMMIT", NULL, NULL, NULL);
	ok(wait_ctr(t, "sql1", NFP_SINK_CTR_WRITTEN, 20, 10000),
	   "unlocked: all 20 written");
	is_int(ctr(t, "sql1", NFP_SINK_CTR_RECONNECTS), 0,
	       "a lock is not a lost connection: reconnects=0");
	is_int(ctr(t, "sql1", NFP_SINK_CTR_REPLAYED),
	       ctr(t, "sql1", NFP_SINK_CTR_SPOOLED), "replayed = spooled");
	nfpt_free(t);
	is_str(query(db, "SELECT count(*) FROM t WHERE oob_mark != rowid - 1"),
	       "0", "in order");

	/* Stopped while locked, started again unlocked: nothing lost. */
	sqlite3_exec(lock, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	t = nfpt_new(cfg, plugins);
	for (i = 20; i < 32; i++)
		feed(t, "R", i, i);
	nfpt_free(t);
	is_str(query(db, "SELECT count(*) FROM t"), "20",
	       "stopped while locked: nothing written");
	sqlite3_exec(lock, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(lock);
	t = nfpt_new(cfg, plugins);
	for (i = 32; i < 35; i++)
		feed(t, "N", i, i);
	nfpt_free(t);
	is_str(query(db, "SELECT count(*) || '/' || sum(oob_mark != rowid - 1) "
			 "FROM t"),
	       "35/0", "restarted: the spool replays first, 35 rows in order");
}

/* ---- every value type, through a test input ------------------------------ */

enum ty_keys {
	TY_U64,
	TY_IN4I,
	TY_IN4T,
	TY_IN4B,
	TY_IN6T,
	TY_IN6B,
	TY_RAWT,
	TY_RAWB,
	TY_TIMEI,
	TY_TIMET,
	TY_TIMER,
	TY_BOOL,
	TY_I8,
	TY_U64S,
	TY_U64T
};

static const struct nfp_key ty_keys[] = {
	[TY_U64] = { "t.u64", NFP_T_U64 },
	[TY_IN4I] = { "t.in4i", NFP_T_IPV4 },
	[TY_IN4T] = { "t.in4t", NFP_T_ADDR },
	[TY_IN4B] = { "t.in4b", NFP_T_IPV4 },
	[TY_IN6T] = { "t.in6t", NFP_T_IPV6 },
	[TY_IN6B] = { "t.in6b", NFP_T_ADDR },
	[TY_RAWT] = { "t.rawt", NFP_T_RAW },
	[TY_RAWB] = { "t.rawb", NFP_T_RAW },
	[TY_TIMEI] = { "t.timei", NFP_T_TIME },
	[TY_TIMET] = { "t.timet", NFP_T_TIME },
	[TY_TIMER] = { "t.timer", NFP_T_TIME },
	[TY_BOOL] = { "t.bool", NFP_T_BOOL },
	[TY_I8] = { "t.i8", NFP_T_I8 },
	[TY_U64S] = { "t.u64s", NFP_T_U64 },
	[TY_U64T] = { "t.u64t", NFP_T_U64 },
	{ 0 }
};

static const struct nfp_plugin types_plugin = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_INPUT,
	.name = "TYPES",
	.out_keys = ty_keys,
};

static void test_types(void)
{
	static const uint8_t six[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t raw[3] = { 1, 2, 0xab };
	const struct nfp_plugin *pl[] = { &nfp_output_sqlite3, &types_plugin,
					  NULL };
	struct nfp_inst *in;
	struct nfp_rec *rec;
	char db[300];
	struct nfpt *t;

	snprintf(db, sizeof(db), "%s/types.db", root);
	exec_sql(db, "CREATE TABLE t (t_u64 INTEGER, t_in4i INTEGER, "
		     "t_in4t VARCHAR(40), t_in4b BLOB, t_in6t TEXT, t_in6b, "
		     "t_rawt TEXT, t_rawb BLOB, t_timei INTEGER, t_timet TEXT, "
		     "t_timer REAL, t_bool BOOLEAN, t_i8 SMALLINT, t_u64s INT, "
		     "t_u64t TEXT);");
	t = nfpt_new(conf("[global]\nstack=ty1:TYPES,sql1:SQLITE3\n"
			  "[sql1]\ndb=\"%s\"\ntable=\"t\"\nspool_max=0\n",
			  db),
		     pl);
	in = nfpt_inst(t, "ty1");
	rec = nfp_rec_new(in);
	nfp_set_u64(rec, TY_U64, UINT64_MAX);
	nfp_set_in4(rec, TY_IN4I, htonl(0x0a000001));
	nfp_set_in4(rec, TY_IN4T, htonl(0xc0000201));
	nfp_set_in4(rec, TY_IN4B, htonl(0x0a000001));
	nfp_set_in6(rec, TY_IN6T, six);
	nfp_set_in6(rec, TY_IN6B, six);
	nfp_set_raw(rec, TY_RAWT, raw, 3);
	nfp_set_raw(rec, TY_RAWB, raw, 3);
	nfp_set_time(rec, TY_TIMEI, 1700000000, 5000);
	nfp_set_time(rec, TY_TIMET, 1700000000, 5000);
	nfp_set_time(rec, TY_TIMER, 1700000000, 500000000);
	nfp_set_bool(rec, TY_BOOL, true);
	nfp_set_i8(rec, TY_I8, -5);
	nfp_set_u64(rec, TY_U64S, 42);
	nfp_set_u64(rec, TY_U64T, UINT64_MAX);
	nfp_rec_push(in, rec);
	nfpt_free(t);
	is_str(query(db, "SELECT t_u64t || ' ' || typeof(t_u64t) FROM t"),
	       "18446744073709551615 text",
	       "u64 above 2^63-1 in a TEXT column: exact decimal text");
	is_str(query(db, "SELECT typeof(t_u64) || ' ' || (t_u64 > 1.8e19) "
			 "FROM t"),
	       "real 1",
	       "in an INTEGER column SQLite makes it REAL: positive, approximate");
	is_str(query(db, "SELECT t_u64s || ' ' || typeof(t_u64s) FROM t"),
	       "42 integer", "smaller u64: integer");
	is_str(query(db, "SELECT t_in4i FROM t"), "167772161",
	       "IPv4 in an INTEGER column: its number");
	is_str(query(db, "SELECT t_in4t FROM t"), "192.0.2.1",
	       "IPv4 in a VARCHAR column: text");
	is_str(query(db, "SELECT hex(t_in4b) FROM t"), "0A000001",
	       "IPv4 in a BLOB column: 4 bytes");
	is_str(query(db, "SELECT t_in6t FROM t"), "2001:db8::1",
	       "IPv6 in a TEXT column: text");
	is_str(query(db, "SELECT hex(t_in6b) FROM t"),
	       "20010DB8000000000000000000000001",
	       "IPv6 in an untyped column: 16 bytes");
	is_str(query(db, "SELECT t_rawt FROM t"), "01:02:ab",
	       "raw in a TEXT column: hex");
	is_str(query(db, "SELECT hex(t_rawb) FROM t"), "0102AB",
	       "raw in a BLOB column: bytes");
	is_str(query(db, "SELECT t_timei FROM t"), "1700000000",
	       "time in an INTEGER column: seconds");
	is_str(query(db, "SELECT t_timet FROM t"), "2023-11-14 22:13:20.000005",
	       "time in a TEXT column: UTC date and time");
	is_str(query(db, "SELECT t_timer FROM t"), "1700000000.5",
	       "time in a REAL column: seconds with the fraction");
	is_str(query(db, "SELECT t_bool || ',' || t_i8 FROM t"), "1,-5",
	       "bool and i8");
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(root, sizeof(root), "%s/nfpt-sqlite3-XXXXXX",
		 tmp ? tmp : "/tmp");
	if (!mkdtemp(root))
		bail_out("mkdtemp: %s", strerror(errno));
	snprintf(logpath, sizeof(logpath), "%s/nfpiped.log", root);
	if (nfp_log_open(logpath, NFP_LOG_INFO) < 0)
		bail_out("cannot open %s", logpath);
	test_ulogd_table();
	test_reject();
	test_config();
	test_new_db();
	test_view();
	test_two_new();
	test_schema_own_tx();
	test_locked();
	test_types();
	nfp_log_close();
	if (!getenv("NFPT_KEEP"))
		nfpt_rmtree(root);
	return done_testing();
}
