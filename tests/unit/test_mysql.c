/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_mysql - MYSQL's pure parts, without a server
 *
 * The bytes each value is bound as for each column type, the statements,
 * the server errors that refuse one row, and configure() through the real
 * engine with the server out of reach. Expected bytes are written out by
 * hand: 192.168.0.1 is c0 a8 00 01 = 3232235521, its IPv4-mapped IPv6
 * form is ten zero bytes, ff ff, then those four; 1700000000 is
 * 2023-11-14 22:13:20 UTC. The column rules shared with PGSQL are tested
 * in test_pgsql; the real-server tests are tests/integration/mysql-*.sh.
 */
#include "nfp.h"

#include <arpa/inet.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nfpipe/sink.h>

#include "engine.h"
#include "harness.h"
#include "myq.h"
#include "sqlcols.h"
#include "tap.h"

extern const struct nfp_plugin nfp_output_mysql;

static const struct nfp_plugin *plugins[] = { &nfp_output_mysql, NULL };
static char root[128];

/* myq_format() of @v for @cls, as "(null)", text, or hex bytes. */
static const char *fmt(const struct nfp_sval *v, enum myq_cls cls, bool hex)
{
	static char out[4][512];
	static unsigned int n;
	char *r = out[n++ % 4], buf[256];
	long len;

	if (myq_max_len(v) > sizeof(buf))
		return "(too long)";
	len = myq_format(buf, v, cls);
	if (len < 0) {
		snprintf(r, 512, "(null)");
	} else if (hex) {
		long i;

		for (i = 0; i < len; i++)
			snprintf(r + 2 * i, 3, "%02x", (unsigned char)buf[i]);
		r[2 * len] = '\0';
	} else {
		snprintf(r, 512, "%.*s", (int)len, buf);
	}
	return r;
}

static struct nfp_sval sv_text(const char *s)
{
	struct nfp_sval v = { .kind = NFP_SV_TEXT };

	v.bytes.ptr = s;
	v.bytes.len = (uint32_t)strlen(s);
	return v;
}

static void test_format(void)
{
	static const uint8_t mac[] = { 0x02, 0x77, 0x01, 0x00, 0x00, 0x02 };
	struct nfp_sval v = { .kind = NFP_SV_IN4 };

	inet_pton(AF_INET, "192.168.0.1", &v.in4);
	is_str(fmt(&v, MYQ_TEXT, false), "192.168.0.1", "IPv4 into varchar");
	is_str(fmt(&v, MYQ_INT, false), "3232235521",
	       "IPv4 into INT UNSIGNED: its number");
	is_str(fmt(&v, MYQ_BIN16, true), "00000000000000000000ffffc0a80001",
	       "IPv4 into BINARY(16): IPv4-mapped, as ulogd2's schema");
	is_str(fmt(&v, MYQ_BIN, true), "c0a80001",
	       "IPv4 into VARBINARY: 4 bytes, as INET6_ATON()");
	v.kind = NFP_SV_IN6;
	inet_pton(AF_INET6, "2001:db8::1", v.in6);
	is_str(fmt(&v, MYQ_BIN16, true), "20010db8000000000000000000000001",
	       "IPv6 into BINARY(16)");
	is_str(fmt(&v, MYQ_TEXT, false), "2001:db8::1", "IPv6 text");

	v = sv_text("0x00000000000000000000ffffc0a80001");
	is_str(fmt(&v, MYQ_BIN16, true), "00000000000000000000ffffc0a80001",
	       "IP2BIN's 0x literal into BINARY(16): its bytes");
	is_str(fmt(&v, MYQ_TEXT, false), "0x00000000000000000000ffffc0a80001",
	       "the same literal into varchar stays text");
	v = sv_text("'; DROP TABLE x; --");
	is_str(fmt(&v, MYQ_TEXT, false), "'; DROP TABLE x; --",
	       "text is bound as it is: nothing to escape");

	v = (struct nfp_sval){ .kind = NFP_SV_U64, .u = UINT64_MAX };
	is_str(fmt(&v, MYQ_INT, false), "18446744073709551615",
	       "u64 keeps all 64 bits (BIGINT UNSIGNED)");
	v = (struct nfp_sval){ .kind = NFP_SV_INT, .i = 0xdeadbeefu };
	is_str(fmt(&v, MYQ_INT, false), "3735928559", "u32 above 2^31");
	v.i = -7;
	is_str(fmt(&v, MYQ_INT, false), "-7", "negative integer");
	v.i = 1700000000;
	is_str(fmt(&v, MYQ_TIME, false), "2023-11-14 22:13:20.000000",
	       "seconds into a DATETIME column");
	v = (struct nfp_sval){ .kind = NFP_SV_BOOL, .i = 1 };
	is_str(fmt(&v, MYQ_INT, false), "1", "true is 1");
	v = (struct nfp_sval){ .kind = NFP_SV_NULL };
	is_str(fmt(&v, MYQ_TEXT, false), "(null)", "NULL is no value");

	v = (struct nfp_sval){ .kind = NFP_SV_TIME };
	v.time.sec = 1700000000;
	v.time.nsec = 123456789;
	is_str(fmt(&v, MYQ_TIME, false), "2023-11-14 22:13:20.123456",
	       "time into DATETIME(6): UTC");
	is_str(fmt(&v, MYQ_INT, false), "1700000000", "time into INT");
	is_str(fmt(&v, MYQ_NUM, false), "1700000000.123456789",
	       "time into DECIMAL: seconds.nanoseconds");

	v = (struct nfp_sval){ .kind = NFP_SV_BLOB };
	v.bytes.ptr = mac;
	v.bytes.len = sizeof(mac);
	is_str(fmt(&v, MYQ_TEXT, false), "02:77:01:00:00:02",
	       "raw bytes into varchar: hex with colons");
	is_str(fmt(&v, MYQ_BIN, true), "027701000002",
	       "raw bytes into a blob: the bytes");

	is_int(myq_class("int", "int(10) unsigned"), MYQ_INT, "int");
	is_int(myq_class("bigint", "bigint(20) unsigned"), MYQ_INT, "bigint");
	is_int(myq_class("tinyint", "tinyint(1)"), MYQ_INT, "boolean");
	is_int(myq_class("decimal", "decimal(20,0)"), MYQ_NUM, "decimal");
	is_int(myq_class("varchar", "varchar(45)"), MYQ_TEXT, "varchar");
	is_int(myq_class("binary", "binary(16)"), MYQ_BIN16, "binary(16)");
	is_int(myq_class("varbinary", "varbinary(16)"), MYQ_BIN, "varbinary");
	is_int(myq_class("blob", "blob"), MYQ_BIN, "blob");
	is_int(myq_class("datetime", "datetime(6)"), MYQ_TIME, "datetime");
	is_int(myq_class("inet6", "inet6"), MYQ_TEXT, "MariaDB's inet6");
}

static void test_sql(void)
{
	struct sqlc_set *s = sqlc_set_new();
	const char *why;
	char *q;

	if (!s || sqlc_parse_list(s, "oob_prefix, ip_saddr_str", &why))
		bail_out("column list");
	q = myq_row_sql(SQLC_TABLE, NULL, NULL, "ulog_pkt", s);
	is_str(q,
	       "INSERT INTO `ulog_pkt` (`oob_prefix`,`ip_saddr_str`) VALUES (?,?)",
	       "INSERT into the connection's database");
	free(q);
	q = myq_row_sql(SQLC_TABLE, NULL, "logs", "ulog_pkt", s);
	is_str(q,
	       "INSERT INTO `logs`.`ulog_pkt` (`oob_prefix`,`ip_saddr_str`) VALUES (?,?)",
	       "table=\"db.table\"");
	free(q);
	q = myq_row_sql(SQLC_SELECT, "INSERT_PACKET_FULL", NULL, "ulog", s);
	is_str(q, "SELECT INSERT_PACKET_FULL(?,?)",
	       "ulogd2's procedure= as a function call");
	free(q);
	q = myq_row_sql(SQLC_CALL, "p", NULL, "ulog", s);
	is_str(q, "CALL p(?,?)", "CALL procedure");
	free(q);
	q = myq_row_sql(SQLC_INSERT_AS, "INSERT INTO x", NULL, "t", s);
	is_str(q, "INSERT INTO x (`oob_prefix`,`ip_saddr_str`) VALUES (?,?)",
	       "procedure=\"INSERT INTO x\"");
	free(q);
	q = myq_quote_ident("a`b");
	is_str(q, "`a``b`", "a backquote in a name is doubled");
	free(q);
	sqlc_set_free(s);

	ok(myq_row_error(1406, "22001"), "data too long refuses the row");
	ok(myq_row_error(1062, "23000"), "duplicate key refuses the row");
	ok(myq_row_error(4025, "23000"), "CHECK constraint refuses the row");
	ok(myq_row_error(1366, "HY000"), "incorrect value refuses the row");
	ok(myq_row_error(1644, "45000"),
	   "a procedure's SIGNAL refuses the row");
	ok(!myq_row_error(2013, "HY000"), "lost connection is not the row's");
	ok(!myq_row_error(1146, "42S02"), "a missing table is not the row's");
	ok(!myq_row_error(1142, "42000"), "no permission is not the row's");
	ok(!myq_row_error(1213, "40001"), "a deadlock is not the row's");
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f))
		bail_out("cannot write %s", path);
}

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

static void test_configure(void)
{
	char conf[2048], diags[8192], path[300], logpath[300];
	const char *log;

	snprintf(logpath, sizeof(logpath), "%s/nfpiped.log", root);
	if (nfp_log_open(logpath, NFP_LOG_DEBUG) < 0)
		bail_out("cannot open %s", logpath);
#define CONF_HEAD                                                              \
	"[global]\nstack=in1:PKTIN,my1:MYSQL\n[in1]\n[my1]\n"                  \
	"host=\"localhost\"\nsocket=\"/nonexistent-nfpt/my.sock\"\n"           \
	"db=\"x\"\nuser=\"u\"\npass=\"My-Sup3r-Secret\"\n"                     \
	"spool_dir=\"%s/spool\"\n"

	snprintf(conf, sizeof(conf),
		 CONF_HEAD
		 "table=\"t\"\ncolumns=\"oob_prefix, ip_saddr_str\"\n",
		 root);
	is_int(nfpt_check(conf, plugins, diags, sizeof(diags)), 1,
	       "columns=: one column no key fills");
	like(diags, "ip.saddr.str", "the error names its key");

	/* The shipped schema, as schema_file: 79 columns for ulog_pkt. */
	snprintf(path, sizeof(path), "%s/mysql.sql", NFP_SQLDIR);
	snprintf(conf, sizeof(conf),
		 CONF_HEAD
		 "table=\"ulog_pkt\"\nnull_columns=1\nschema_file=\"%s\"\n",
		 root, path);
	is_int(nfpt_check(conf, plugins, diags, sizeof(diags)), 0,
	       "server down: mysql.sql's ulog_pkt, NULL where nothing fills");
	log = slurp(logpath);
	like(log, "filling the 79 columns of the table in schema_file",
	     "79 columns from etc/sql/mysql.sql");
	like(log, "/nonexistent-nfpt/my.sock",
	     "the log says why the server was not reached");
	snprintf(conf, sizeof(conf),
		 CONF_HEAD "table=\"nfacct\"\nschema_file=\"%s\"\n", root,
		 path);
	ok(nfpt_check(conf, plugins, diags, sizeof(diags)) == 3 &&
		   strstr(diags, "sum.name") && strstr(diags, "sum.pkts") &&
		   strstr(diags, "sum.bytes"),
	   "nfacct: sum.name, sum.pkts, sum.bytes wanted (oob.time.sec is PKTIN's)");

	snprintf(path, sizeof(path), "%s/spool", root);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/spool/my1.columns", root);
	write_file(path, "oob_prefix\noob_mark\n");
	snprintf(conf, sizeof(conf), CONF_HEAD "table=\"t\"\n", root);
	is_int(nfpt_check(conf, plugins, diags, sizeof(diags)), 0,
	       "server down: the columns an earlier run saved");
	unlink(path);

	snprintf(
		conf, sizeof(conf),
		CONF_HEAD
		"table=\"t\"\ncolumns=\"oob_prefix\"\nprocedure=\"CALL p; DROP\"\n",
		root);
	ok(nfpt_check(conf, plugins, diags, sizeof(diags)) >= 1,
	   "a procedure that is not a name: a config error");
	log = slurp(logpath);
	ok(!strstr(log, "My-Sup3r-Secret") && !strstr(diags, "My-Sup3r-Secret"),
	   "no password in the log");
	nfp_log_close();
#undef CONF_HEAD
}

int main(void)
{
	char cmd[200];

	snprintf(root, sizeof(root), "/tmp/nfpt-mysql.XXXXXX");
	if (!mkdtemp(root))
		bail_out("mkdtemp");
	test_format();
	test_sql();
	test_configure();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd))
		diag("could not remove %s", root);
	return done_testing();
}
