/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * reports/report - nfpipe report: answers from what nfpiped stored
 *
 * `nfpipe report REPORT... [--db URI | -c CONF] [--since T] [--until T]
 * [--limit N] [--by packets|bytes] [--interval D] [--format F] [-o FILE]
 * [--rrd DIR]`. Each report is one read-only query that groups in the
 * database; SQL is assembled only from fixed strings chosen after the
 * tables' columns were read (PRAGMA table_info / information_schema), and
 * every value the user typed is a bound parameter. The same code reads
 * nfpipe's schemas (etc/sql) and ulogd2's flat tables (ulog2, ulog2_ct,
 * addresses as text, integers or 16-byte binaries).
 *
 * A report whose columns are missing says which, and which plugin fills
 * them; `all` runs what the data allows and notes the rest. Results are
 * built whole before anything is written; -o writes a temporary file and
 * renames it, so a failed run never leaves a file that looks complete.
 * Exit: 0 ok, 1 bad arguments, missing columns or no data, 2 database
 * unreachable (also a corrupt SQLite file).
 */
#include "nfp.h"

#include <arpa/inet.h>
#include <getopt.h>
#include <sys/stat.h>
#include <inttypes.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "core.h"
#include "db.h"
#include "fmt.h"
#include "report.h"
#include "timespec.h"

#define MAX_COLS 256

/* The columns a table has, as read from the database. */
struct table {
	const char *name;     /* one of the fixed candidates, or NULL */
	char *cols[MAX_COLS]; /* owned */
	int ncols;	      /* used cols[] */
};

/* What the database offers, mapped to expressions of fixed strings. */
struct schema {
	struct table pkt;     /* packets: ulog_pkt, ulog2, ulog */
	struct table ct;      /* flows: ulog_ct, ulog2_ct */
	struct table scan;    /* scan alerts: ulog_scan */
	char pkt_name[64];    /* the config's table, if safe */
	const char *saddr;    /* source address of pkt, an expression */
	const char *daddr;    /* destination address, an expression */
	char bytes[96];	      /* bytes of a packet, an expression */
	char dport[96];	      /* destination port, an expression */
	char dport_cols[96];  /* the port columns, for GROUP BY */
	const char *ct_saddr; /* flows' columns */
	const char *ct_daddr;
	const char *ct_rsaddr; /* reply direction, for NAT */
	const char *ct_rdaddr;
};

struct ctx {
	struct rdb *db;	      /* open, read-only */
	struct schema s;      /* what it holds */
	int64_t since, until; /* [since, until) UTC seconds */
	bool since_set;	      /* given by the user */
	bool until_set;
	int64_t limit;	     /* rows per top-N */
	bool by_bytes;	     /* --by bytes */
	int64_t interval;    /* --interval, 0 = chosen */
	const char *current; /* the report running, for progress */
	bool progress_shown; /* a progress line needs clearing */
	bool all;	     /* running `all`: skip quietly */
	bool whole;	     /* the range holds every packet stored */
	bool tty;	     /* stderr is a terminal: show progress */
};

/* Outcome of one report. */
enum { RPT_OK = 0, RPT_MISSING = 1, RPT_DBERR = 2 };

struct report_def {
	const char *name;    /* as typed */
	const char *summary; /* for --help */
	int (*run)(struct ctx *c, struct freport *r, char *why, size_t len);
};

/* ---- the schema ------------------------------------------------------------
 */

static bool has(const struct table *t, const char *col)
{
	int i;

	for (i = 0; i < t->ncols; i++)
		if (!strcmp(t->cols[i], col))
			return true;
	return false;
}

static void table_free(struct table *t)
{
	int i;

	for (i = 0; i < t->ncols; i++)
		free(t->cols[i]);
	t->ncols = 0;
	t->name = NULL;
}

/* The first of @cands that exists and has column @must. */
static int find_table(struct rdb *db, struct table *t, const char *const *cands,
		      const char *must, char *err, size_t len)
{
	int i, n;

	for (i = 0; cands[i]; i++) {
		if (!*cands[i])
			continue;
		n = rdb_columns(db, cands[i], t->cols, MAX_COLS, err, len);
		if (n < 0)
			return -1;
		t->ncols = n;
		if (n && has(t, must)) {
			t->name = cands[i];
			return 0;
		}
		table_free(t);
	}
	return 0;
}

/* The first of @cands that @t has, or NULL. */
static const char *pick(const struct table *t, const char *const *cands)
{
	int i;

	for (i = 0; cands[i]; i++)
		if (has(t, cands[i]))
			return cands[i];
	return NULL;
}

/* "coalesce(a, b)" of the columns of @cands that @t has, or "NULL". */
static void coalesce(const struct table *t, const char *const *cands, char *buf,
		     size_t len)
{
	int i, n = 0;
	size_t o = 0;

	buf[0] = '\0';
	for (i = 0; cands[i]; i++)
		if (has(t, cands[i]))
			n++;
	if (!n) {
		snprintf(buf, len, "NULL");
		return;
	}
	if (n > 1)
		o += snprintf(buf + o, len - o, "coalesce(");
	for (i = 0, n = 0; cands[i]; i++)
		if (has(t, cands[i]))
			o += snprintf(buf + o, len - o, "%s%s", n++ ? ", " : "",
				      cands[i]);
	if (strchr(buf, '('))
		snprintf(buf + o, len - o, ")");
}

static bool safe_ident(const char *s)
{
	if (!*s || strlen(s) >= 64)
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789_") == strlen(s);
}

static int schema_load(struct ctx *c, char *err, size_t len)
{
	static const char *const ct_tables[] = { "ulog_ct", "ulog2_ct", NULL };
	static const char *const scan_tables[] = { "ulog_scan", NULL };
	static const char *const saddr[] = { "ip_saddr_str", "ip_saddr",
					     "ip_saddr_bin", NULL };
	static const char *const daddr[] = { "ip_daddr_str", "ip_daddr",
					     "ip_daddr_bin", NULL };
	static const char *const ports[] = { "tcp_dport", "udp_dport",
					     "sctp_dport", NULL };
	static const char *const cts[] = { "orig_ip_saddr_str", "orig_ip_saddr",
					   "orig_ip_saddr_bin", NULL };
	static const char *const ctd[] = { "orig_ip_daddr_str", "orig_ip_daddr",
					   "orig_ip_daddr_bin", NULL };
	static const char *const ctrs[] = { "reply_ip_saddr_str",
					    "reply_ip_saddr",
					    "reply_ip_saddr_bin", NULL };
	static const char *const ctrd[] = { "reply_ip_daddr_str",
					    "reply_ip_daddr",
					    "reply_ip_daddr_bin", NULL };
	struct schema *s = &c->s;
	const char *pkt_tables[] = { s->pkt_name, "ulog_pkt", "ulog2", "ulog",
				     NULL };

	if (find_table(c->db, &s->pkt, pkt_tables, "oob_time_sec", err, len) ||
	    find_table(c->db, &s->ct, ct_tables, "orig_ip_protocol", err,
		       len) ||
	    find_table(c->db, &s->scan, scan_tables, "scan_type", err, len))
		return -1;
	if (s->pkt.name) {
		s->saddr = pick(&s->pkt, saddr);
		s->daddr = pick(&s->pkt, daddr);
		/*
		 * ulogd2 stored IPv4 numbers >= 2^31 negative in SQLite: fold
		 * them, so one address is one group.
		 */
		if (rdb_kind(c->db) == RDB_SQLITE && s->saddr &&
		    !strcmp(s->saddr, "ip_saddr"))
			s->saddr = "(ip_saddr & 4294967295)";
		if (rdb_kind(c->db) == RDB_SQLITE && s->daddr &&
		    !strcmp(s->daddr, "ip_daddr"))
			s->daddr = "(ip_daddr & 4294967295)";
		if (has(&s->pkt, "raw_pktlen"))
			snprintf(s->bytes, sizeof(s->bytes), "raw_pktlen");
		else if (has(&s->pkt, "ip_totlen") &&
			 has(&s->pkt, "ip6_payloadlen"))
			snprintf(s->bytes, sizeof(s->bytes),
				 "coalesce(ip_totlen, ip6_payloadlen + 40)");
		else if (has(&s->pkt, "ip_totlen"))
			snprintf(s->bytes, sizeof(s->bytes), "ip_totlen");
		else
			snprintf(s->bytes, sizeof(s->bytes), "0");
		coalesce(&s->pkt, ports, s->dport, sizeof(s->dport));
		for (int i = 0, o = 0; ports[i]; i++)
			if (has(&s->pkt, ports[i]))
				o += snprintf(s->dport_cols + o,
					      sizeof(s->dport_cols) - o, ", %s",
					      ports[i]);
	}
	if (s->ct.name) {
		s->ct_saddr = pick(&s->ct, cts);
		s->ct_daddr = pick(&s->ct, ctd);
		s->ct_rsaddr = pick(&s->ct, ctrs);
		s->ct_rdaddr = pick(&s->ct, ctrd);
	}
	return 0;
}

/*
 * Are @cols (NULL-terminated) all in @t? If not, say which are missing
 * and who fills them into @why.
 */
static bool need(const struct table *t, const char *tdesc,
		 const char *const *cols, const char *filler, char *why,
		 size_t len)
{
	size_t o = 0;
	int i, miss = 0;

	if (!t->name) {
		snprintf(why, len, "the database has no %s table (%s fills it)",
			 tdesc, filler);
		return false;
	}
	for (i = 0; cols[i]; i++)
		if (!has(t, cols[i]))
			o += snprintf(why + o, len > o ? len - o : 0, "%s%s",
				      miss++ ? ", " : "", cols[i]);
	if (!miss)
		return true;
	{
		char tmp[256];

		snprintf(tmp, sizeof(tmp), "%s", why);
		snprintf(why, len, "%s lacks column%s %s (%s fills %s)",
			 t->name, miss > 1 ? "s" : "", tmp, filler,
			 miss > 1 ? "them" : "it");
	}
	return false;
}

static bool need_pkt(struct ctx *c, char *why, size_t len)
{
	static const char *const cols[] = { "oob_time_sec", NULL };

	if (!need(&c->s.pkt, "packet", cols,
		  "SQLITE3/PGSQL/MYSQL with table=ulog_pkt after NFLOG,BASE",
		  why, len))
		return false;
	if (!c->s.saddr || !c->s.daddr) {
		snprintf(why, len,
			 "%s lacks column ip_saddr_str and "
			 "ip_daddr_str (IP2STR fills them)",
			 c->s.pkt.name);
		return false;
	}
	return true;
}

/* ---- reading values ---------------------------------------------------------
 */

static void val_text(struct rdb_stmt *st, int col, struct fval *v)
{
	size_t len;
	const char *s;

	if (rdb_col_type(st, col) == RDB_NULL)
		return;
	s = rdb_col_text(st, col, &len);
	v->s = strndup(s, len);
	v->null = !v->s;
}

static void val_int(struct rdb_stmt *st, int col, struct fval *v)
{
	enum rdb_type t = rdb_col_type(st, col);

	if (t == RDB_NULL)
		return;
	v->null = false;
	v->i = t == RDB_REAL ? (int64_t)rdb_col_real(st, col)
			     : rdb_col_int(st, col);
}

/*
 * An address as people write it, whichever way it was stored: text (or
 * PostgreSQL inet), an IPv4 number (ulogd2 kept those >= 2^31 negative),
 * 4 or 16 bytes (ulogd2's MySQL binary(16) holds IPv4 as ::ffff:a.b.c.d).
 */
static void val_addr(struct rdb_stmt *st, int col, struct fval *v)
{
	char buf[INET6_ADDRSTRLEN];
	const unsigned char *b;
	size_t len;

	switch (rdb_col_type(st, col)) {
	case RDB_NULL:
		return;
	case RDB_INT: {
		int64_t n = rdb_col_int(st, col);
		uint32_t a;

		if (n < 0)
			n += INT64_C(1) << 32;
		a = htonl((uint32_t)n);
		inet_ntop(AF_INET, &a, buf, sizeof(buf));
		break;
	}
	case RDB_BLOB:
		b = (const unsigned char *)rdb_col_text(st, col, &len);
		if (len == 4) {
			inet_ntop(AF_INET, b, buf, sizeof(buf));
		} else if (len == 16) {
			static const unsigned char v4mapped[12] = {
				0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
			};

			if (!memcmp(b, v4mapped, 12))
				inet_ntop(AF_INET, b + 12, buf, sizeof(buf));
			else
				inet_ntop(AF_INET6, b, buf, sizeof(buf));
		} else {
			snprintf(buf, sizeof(buf), "?");
		}
		break;
	default:
		val_text(st, col, v);
		/* inet of a network keeps its length; a host's does not */
		if (v->s && strstr(v->s, "/32"))
			*strstr(v->s, "/32") = '\0';
		return;
	}
	v->s = strdup(buf);
	v->null = !v->s;
}

static const char *proto_name(int64_t p)
{
	switch (p) {
	case 1:
		return "icmp";
	case 6:
		return "tcp";
	case 17:
		return "udp";
	case 58:
		return "icmpv6";
	case 132:
		return "sctp";
	case 136:
		return "udplite";
	}
	return NULL;
}

static void val_proto(struct rdb_stmt *st, int col, struct fval *v)
{
	char buf[16];
	const char *n;

	if (rdb_col_type(st, col) == RDB_NULL)
		return;
	n = proto_name(rdb_col_int(st, col));
	if (!n) {
		snprintf(buf, sizeof(buf), "%" PRId64, rdb_col_int(st, col));
		n = buf;
	}
	v->s = strdup(n);
	v->null = !v->s;
}

/* ---- running a query --------------------------------------------------------
 */

static void progress(double secs, void *arg)
{
	struct ctx *c = arg;

	fprintf(stderr, "\r%s: %s: running, %.0f s ", cli_prog,
		c->current ? c->current : "query", secs);
	c->progress_shown = true;
}

static void progress_clear(struct ctx *c)
{
	if (c->progress_shown)
		fputs("\r\033[K", stderr);
	c->progress_shown = false;
}

/*
 * Prepare @sql and bind @n integers; NULL with @why set on error. The
 * statement is the caller's (rdb_finalize).
 */
static struct rdb_stmt *query(struct ctx *c, const char *sql,
			      const int64_t *args, int n, char *why, size_t len)
{
	static const char range[] = "oob_time_sec >= ? AND oob_time_sec < ?";
	const char *at = strstr(sql, range);
	struct rdb_stmt *st;
	char alt[2048];
	int i;

	/*
	 * A range that holds every row filters nothing, yet SQLite (no
	 * ANALYZE statistics) would walk the time index for it and sort
	 * every row for the GROUP BY. "+col" hides the column from the
	 * planner, which then reads the covering index in GROUP BY order.
	 */
	if (c->whole && rdb_kind(c->db) == RDB_SQLITE && at &&
	    !strstr(at + 1, range) && strlen(sql) + 2 < sizeof(alt)) {
		snprintf(alt, sizeof(alt),
			 "%.*s+oob_time_sec >= ? AND +oob_time_sec < ?%s",
			 (int)(at - sql), sql, at + strlen(range));
		sql = alt;
	}
	st = rdb_prepare(c->db, sql, why, len);

	if (!st)
		return NULL;
	for (i = 0; i < n; i++)
		rdb_bind_int(st, i + 1, args[i]);
	return st;
}

/* Step to the end of @st; <0 with @why on an error. */
static int finish(struct ctx *c, struct rdb_stmt *st, int rc, char *why,
		  size_t len)
{
	progress_clear(c);
	if (rc < 0)
		snprintf(why, len, "%s", rdb_stmt_error(st));
	rdb_finalize(st);
	return rc < 0 ? RPT_DBERR : RPT_OK;
}

static void set_cols(struct freport *r, const struct fcol *cols, int n)
{
	int i;

	for (i = 0; i < n; i++)
		r->cols[i] = cols[i];
	r->ncols = n;
}

static const char *by_name(const struct ctx *c)
{
	return c->by_bytes ? "bytes" : "packets";
}

/*
 * Run @sql with @n bound integers and add a row to @r per result row.
 * @kinds has a letter per column of @r: 't' text, 'i' integer, 'a'
 * address, 'p' protocol, each reading the next result column, or '-'
 * for a column the report fills itself (reads none).
 */
static int rows(struct ctx *c, struct freport *r, const char *sql,
		const int64_t *args, int n, const char *kinds, char *why,
		size_t len)
{
	struct rdb_stmt *st = query(c, sql, args, n, why, len);
	int rc;

	if (!st)
		return RPT_DBERR;
	while ((rc = rdb_step(st)) == 1) {
		struct fval *row = freport_add_row(r);
		int i, col = 0;

		if (!row) {
			rc = -1;
			break;
		}
		for (i = 0; kinds[i]; i++)
			switch (kinds[i]) {
			case 't':
				val_text(st, col++, &row[i]);
				break;
			case 'i':
				val_int(st, col++, &row[i]);
				break;
			case 'a':
				val_addr(st, col++, &row[i]);
				break;
			case 'p':
				val_proto(st, col++, &row[i]);
				break;
			}
	}
	return finish(c, st, rc, why, len);
}

static void bars(struct freport *r, int chart_col, int label_cols)
{
	r->chart = FCHART_BARS;
	r->chart_col = chart_col;
	r->label_cols = label_cols;
}

/* ---- the reports -----------------------------------------------------------
 */

static int rep_summary(struct ctx *c, struct freport *r, char *why, size_t len)
{
	static const struct fcol cols[] = {
		{ "prefix", "Log prefix", FK_TEXT },
		{ "packets", "Packets", FK_INT },
		{ "bytes", "Bytes", FK_BYTES },
		{ "share", "Share", FK_PCT },
		{ "first", "First", FK_TIME },
		{ "last", "Last", FK_TIME },
	};
	const struct schema *s = &c->s;
	int64_t args[] = { c->since, c->until };
	int64_t pk = 0, by = 0, first = INT64_MAX, last = INT64_MIN;
	char sql[512];
	int rc, i;

	if (!need_pkt(c, why, len))
		return RPT_MISSING;
	snprintf(r->title, sizeof(r->title),
		 "Summary: packets logged, by "
		 "log prefix");
	set_cols(r, cols, ARRAY_SIZE(cols));
	snprintf(sql, sizeof(sql),
		 "SELECT %s, count(*), sum(%s), min(oob_time_sec),"
		 " max(oob_time_sec) FROM %s"
		 " WHERE oob_time_sec >= ? AND oob_time_sec < ?"
		 " GROUP BY %s ORDER BY 2 DESC, 1",
		 has(&s->pkt, "oob_prefix") ? "oob_prefix" : "NULL", s->bytes,
		 s->pkt.name, has(&s->pkt, "oob_prefix") ? "oob_prefix" : "1");
	rc = rows(c, r, sql, args, 2, "tii-ii", why, len);
	if (rc)
		return rc;
	for (i = 0; i < r->nrows; i++) {
		const struct fval *row = freport_cell(r, i, 0);

		pk += row[1].i;
		by += row[2].i;
		if (!row[4].null && row[4].i < first)
			first = row[4].i;
		if (!row[5].null && row[5].i > last)
			last = row[5].i;
	}
	for (i = 0; i < r->nrows; i++) {
		struct fval *v = freport_cell(r, i, 3);

		v->null = !pk;
		v->d = pk ? 100.0 * freport_cell(r, i, 1)->i / pk : 0;
	}
	if (!r->nrows)
		return RPT_OK;
	freport_fact(r, "first", "First packet", FK_TIME, first, NULL);
	freport_fact(r, "last", "Last packet", FK_TIME, last, NULL);
	freport_fact(r, "packets", "Packets", FK_INT, pk, NULL);
	freport_fact(r, "bytes", "Bytes", FK_BYTES, by, NULL);
	freport_fact(r, "prefixes", "Log prefixes", FK_INT, r->nrows, NULL);
	freport_fact(r, "table", "Table", FK_TEXT, 0, s->pkt.name);
	bars(r, 1, 1);
	return RPT_OK;
}

/* top-sources and top-destinations: the same query, mirrored. */
static int top_addr(struct ctx *c, struct freport *r, bool src, char *why,
		    size_t len)
{
	const struct fcol cols[] = {
		{ src ? "source" : "destination",
		  src ? "Source" : "Destination", FK_TEXT },
		{ "packets", "Packets", FK_INT },
		{ "bytes", "Bytes", FK_BYTES },
		{ "first", "First", FK_TIME },
		{ "last", "Last", FK_TIME },
	};
	const struct schema *s = &c->s;
	int64_t args[] = { c->since, c->until, c->limit };
	const char *key;
	char sql[768];

	if (!need_pkt(c, why, len))
		return RPT_MISSING;
	key = src ? s->saddr : s->daddr;
	snprintf(r->title, sizeof(r->title), "Top %s by %s",
		 src ? "sources" : "destinations", by_name(c));
	set_cols(r, cols, ARRAY_SIZE(cols));
	snprintf(sql, sizeof(sql),
		 "SELECT %s, count(*), sum(%s),"
		 " min(oob_time_sec), max(oob_time_sec) FROM %s"
		 " WHERE oob_time_sec >= ? AND oob_time_sec < ?"
		 " AND %s IS NOT NULL GROUP BY %s ORDER BY %d DESC, 1"
		 " LIMIT ?",
		 key, s->bytes, s->pkt.name, key, key, c->by_bytes ? 3 : 2);
	bars(r, c->by_bytes ? 2 : 1, 1);
	return rows(c, r, sql, args, 3, "aiiii", why, len);
}

static int rep_top_sources(struct ctx *c, struct freport *r, char *why,
			   size_t len)
{
	return top_addr(c, r, true, why, len);
}

static int rep_top_destinations(struct ctx *c, struct freport *r, char *why,
				size_t len)
{
	return top_addr(c, r, false, why, len);
}

static int rep_top_ports(struct ctx *c, struct freport *r, char *why,
			 size_t len)
{
	static const struct fcol cols[] = {
		{ "protocol", "Proto", FK_TEXT },
		{ "port", "Port", FK_INT },
		{ "packets", "Packets", FK_INT },
		{ "bytes", "Bytes", FK_BYTES },
		{ "first", "First", FK_TIME },
		{ "last", "Last", FK_TIME },
	};
	static const char *const need_cols[] = { "ip_protocol", NULL };
	const struct schema *s = &c->s;
	int64_t args[] = { c->since, c->until, c->limit };
	char sql[768];

	if (!need_pkt(c, why, len))
		return RPT_MISSING;
	if (!need(&s->pkt, "packet", need_cols, "BASE", why, len))
		return RPT_MISSING;
	if (!strcmp(s->dport, "NULL")) {
		snprintf(why, len,
			 "%s lacks columns tcp_dport, udp_dport "
			 "(BASE fills them)",
			 s->pkt.name);
		return RPT_MISSING;
	}
	/*
	 * Grouped by the port columns themselves (a packet has one of
	 * them): an index on them gives the groups in order, where
	 * coalesce() would need every row sorted.
	 */
	snprintf(r->title, sizeof(r->title), "Top destination ports by %s",
		 by_name(c));
	set_cols(r, cols, ARRAY_SIZE(cols));
	snprintf(sql, sizeof(sql),
		 "SELECT ip_protocol, %s, count(*), sum(%s),"
		 " min(oob_time_sec), max(oob_time_sec) FROM %s"
		 " WHERE oob_time_sec >= ? AND oob_time_sec < ?"
		 " AND %s IS NOT NULL GROUP BY ip_protocol%s"
		 " ORDER BY %d DESC, 1, 2 LIMIT ?",
		 s->dport, s->bytes, s->pkt.name, s->dport, s->dport_cols,
		 c->by_bytes ? 4 : 3);
	bars(r, c->by_bytes ? 3 : 2, 2);
	return rows(c, r, sql, args, 3, "piiiii", why, len);
}

static int rep_prefixes(struct ctx *c, struct freport *r, char *why, size_t len)
{
	static const struct fcol cols[] = {
		{ "prefix", "Log prefix", FK_TEXT },
		{ "packets", "Packets", FK_INT },
		{ "bytes", "Bytes", FK_BYTES },
		{ "first", "First", FK_TIME },
		{ "last", "Last", FK_TIME },
	};
	static const char *const need_cols[] = { "oob_prefix", NULL };
	const struct schema *s = &c->s;
	int64_t args[] = { c->since, c->until, c->limit };
	char sql[768];

	if (!need_pkt(c, why, len))
		return RPT_MISSING;
	if (!need(&s->pkt, "packet", need_cols, "NFLOG", why, len))
		return RPT_MISSING;
	snprintf(r->title, sizeof(r->title), "Log prefixes (rules) by %s",
		 by_name(c));
	set_cols(r, cols, ARRAY_SIZE(cols));
	snprintf(sql, sizeof(sql),
		 "SELECT oob_prefix, count(*), sum(%s),"
		 " min(oob_time_sec), max(oob_time_sec) FROM %s"
		 " WHERE oob_time_sec >= ? AND oob_time_sec < ?"
		 " GROUP BY oob_prefix ORDER BY %d DESC, 1 LIMIT ?",
		 s->bytes, s->pkt.name, c->by_bytes ? 3 : 2);
	bars(r, c->by_bytes ? 2 : 1, 1);
	return rows(c, r, sql, args, 3, "tiiii", why, len);
}

/* "dnat 10.0.0.5:8080", "snat 203.0.113.1" or NULL, from the reply tuple. */
static void nat_text(struct fval *nat, const struct fval *src,
		     const struct fval *dst, const struct fval *dport,
		     const struct fval *rsrc, const struct fval *rdst,
		     const struct fval *rsport)
{
	char buf[160] = "";
	size_t o = 0;

	if (!rsrc->null && !dst->null && strcmp(rsrc->s, dst->s))
		o += snprintf(buf, sizeof(buf), "dnat %s", rsrc->s);
	else if (!rsport->null && !dport->null && rsport->i != dport->i)
		o += snprintf(buf, sizeof(buf), "dnat %s",
			      dst->s ? dst->s : "");
	if (!rsport->null && !dport->null && rsport->i != dport->i && o)
		o += snprintf(buf + o, sizeof(buf) - o, ":%" PRId64, rsport->i);
	if (!rdst->null && !src->null && strcmp(rdst->s, src->s))
		snprintf(buf + o, sizeof(buf) - o, "%ssnat %s", o ? ", " : "",
			 rdst->s);
	if (buf[0]) {
		nat->s = strdup(buf);
		nat->null = !nat->s;
	}
}

static int rep_flows(struct ctx *c, struct freport *r, char *why, size_t len)
{
	static const struct fcol cols[] = {
		{ "source", "Source", FK_TEXT },
		{ "destination", "Destination", FK_TEXT },
		{ "protocol", "Proto", FK_TEXT },
		{ "port", "Port", FK_INT },
		{ "nat", "NAT", FK_TEXT },
		{ "bytes", "Bytes", FK_BYTES },
		{ "packets", "Packets", FK_INT, true },
		{ "start", "Start", FK_TIME, true },
		{ "seconds", "Time", FK_DUR },
	};
	static const char *const need_cols[] = { "orig_l4_dport",
						 "orig_raw_pktlen",
						 "reply_raw_pktlen",
						 "orig_raw_pktcount",
						 "reply_raw_pktcount",
						 "flow_start_sec",
						 NULL };
	const struct schema *s = &c->s;
	int64_t args[] = { c->since, c->until, c->limit };
	struct rdb_stmt *st;
	char sql[1024], tcol[64];
	int rc;

	if (!need(&s->ct, "flow (ulog_ct)", need_cols,
		  "SQLITE3/PGSQL/MYSQL with table=ulog_ct after NFCT", why,
		  len))
		return RPT_MISSING;
	if (!s->ct_saddr || !s->ct_daddr) {
		snprintf(why, len,
			 "%s lacks column orig_ip_saddr_str (IP2STR "
			 "fills it)",
			 s->ct.name);
		return RPT_MISSING;
	}
	if (has(&s->ct, "flow_end_sec"))
		snprintf(tcol, sizeof(tcol),
			 "coalesce(flow_end_sec, flow_start_sec)");
	else
		snprintf(tcol, sizeof(tcol), "flow_start_sec");
	snprintf(r->title, sizeof(r->title),
		 "Top conntrack flows by bytes (both directions)");
	set_cols(r, cols, ARRAY_SIZE(cols));
	snprintf(
		sql, sizeof(sql),
		"SELECT %s, %s, orig_ip_protocol, orig_l4_dport, %s, %s, %s,"
		" coalesce(orig_raw_pktlen, 0) + coalesce(reply_raw_pktlen, 0),"
		" coalesce(orig_raw_pktcount, 0) +"
		" coalesce(reply_raw_pktcount, 0),"
		" flow_start_sec, %s - flow_start_sec FROM %s"
		" WHERE %s >= ? AND %s < ?%s ORDER BY 8 DESC, 10, 1 LIMIT ?",
		s->ct_saddr, s->ct_daddr, s->ct_rsaddr ? s->ct_rsaddr : "NULL",
		s->ct_rdaddr ? s->ct_rdaddr : "NULL",
		has(&s->ct, "reply_l4_sport") ? "reply_l4_sport" : "NULL",
		has(&s->ct, "flow_end_sec") ? "flow_end_sec" : "NULL",
		s->ct.name, tcol, tcol,
		has(&s->ct, "ct_event")
			? " AND (ct_event IS NULL OR ct_event = 4)"
			: "");
	st = query(c, sql, args, 3, why, len);
	if (!st)
		return RPT_DBERR;
	while ((rc = rdb_step(st)) == 1) {
		struct fval *row = freport_add_row(r);
		struct fval rs = { .null = true }, rd = { .null = true };
		struct fval rp = { .null = true };

		if (!row) {
			rc = -1;
			break;
		}
		val_addr(st, 0, &row[0]);
		val_addr(st, 1, &row[1]);
		val_proto(st, 2, &row[2]);
		val_int(st, 3, &row[3]);
		val_addr(st, 4, &rs);
		val_addr(st, 5, &rd);
		val_int(st, 6, &rp);
		nat_text(&row[4], &row[0], &row[1], &row[3], &rs, &rd, &rp);
		free(rs.s);
		free(rd.s);
		val_int(st, 7, &row[5]);
		val_int(st, 8, &row[6]);
		val_int(st, 9, &row[7]);
		val_int(st, 10, &row[8]);
	}
	bars(r, 5, 2);
	return finish(c, st, rc, why, len);
}

/* The interval for a range: at most ~100 points, on a round step. */
static int64_t pick_interval(int64_t span)
{
	static const int64_t steps[] = { 60,	300,   600,   900,
					 1800,	3600,  7200,  10800,
					 21600, 43200, 86400, 604800 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(steps); i++)
		if (span / steps[i] <= 100)
			return steps[i];
	return 2592000;
}

static int rep_timeline(struct ctx *c, struct freport *r, char *why, size_t len)
{
	static const struct fcol cols[] = {
		{ "time", "Time", FK_TIME },
		{ "packets", "Packets", FK_INT },
		{ "bytes", "Bytes", FK_BYTES },
	};
	const struct schema *s = &c->s;
	int64_t iv =
		c->interval ? c->interval : pick_interval(c->until - c->since);
	int64_t args[] = { iv, c->since, c->until };
	struct freport tmp = { 0 };
	char sql[512], ivs[32];
	int rc, i;
	int64_t t;

	if (!need_pkt(c, why, len))
		return RPT_MISSING;
	if (iv % 86400 == 0)
		snprintf(ivs, sizeof(ivs), "%" PRId64 " d", iv / 86400);
	else if (iv % 3600 == 0)
		snprintf(ivs, sizeof(ivs), "%" PRId64 " h", iv / 3600);
	else if (iv % 60 == 0)
		snprintf(ivs, sizeof(ivs), "%" PRId64 " min", iv / 60);
	else
		snprintf(ivs, sizeof(ivs), "%" PRId64 " s", iv);
	snprintf(r->title, sizeof(r->title), "Timeline: packets per %s", ivs);
	set_cols(r, cols, ARRAY_SIZE(cols));
	r->interval = iv;
	snprintf(sql, sizeof(sql),
		 "SELECT t - t %% ?, sum(c), sum(b) FROM"
		 " (SELECT oob_time_sec AS t, count(*) AS c, sum(%s) AS b"
		 " FROM %s WHERE oob_time_sec >= ? AND oob_time_sec < ?"
		 " GROUP BY oob_time_sec) x GROUP BY 1 ORDER BY 1",
		 s->bytes, s->pkt.name);
	/*
	 * Per second first (the time index gives those in order, no sort),
	 * then per interval over the few seconds' rows: one query either
	 * way, without sorting every packet.
	 */
	/* Rows as stored, then every interval of the range, empty ones 0. */
	set_cols(&tmp, cols, ARRAY_SIZE(cols));
	rc = rows(c, &tmp, sql, args, 3, "iii", why, len);
	if (rc || !tmp.nrows) {
		free(tmp.cells);
		return rc;
	}
	i = 0;
	for (t = c->since - c->since % iv; t < c->until; t += iv) {
		struct fval *row;

		if ((c->until - c->since) / iv > 5000)
			break; /* too many to fill: keep what is stored */
		row = freport_add_row(r);
		if (!row)
			break;
		row[0].null = row[1].null = row[2].null = false;
		row[0].i = t;
		while (i < tmp.nrows && freport_cell(&tmp, i, 0)->i < t)
			i++;
		if (i < tmp.nrows && freport_cell(&tmp, i, 0)->i == t) {
			row[1].i = freport_cell(&tmp, i, 1)->i;
			row[2].i = freport_cell(&tmp, i, 2)->i;
		}
	}
	if (!r->nrows)
		for (i = 0; i < tmp.nrows; i++) {
			struct fval *row = freport_add_row(r);

			if (row)
				memcpy(row, freport_cell(&tmp, i, 0),
				       3 * sizeof(*row));
		}
	free(tmp.cells);
	r->chart = FCHART_LINE;
	r->chart_col = c->by_bytes ? 2 : 1;
	return RPT_OK;
}

static int rep_scans(struct ctx *c, struct freport *r, char *why, size_t len)
{
	static const struct fcol cols[] = {
		{ "source", "Source", FK_TEXT },
		{ "type", "Type", FK_TEXT },
		{ "danger", "DL", FK_INT },
		{ "alerts", "Alerts", FK_INT },
		{ "packets", "Packets", FK_INT },
		{ "ports", "Ports", FK_INT },
		{ "hosts", "Hosts", FK_INT },
		{ "first", "First", FK_TIME, true },
		{ "last", "Last", FK_TIME },
	};
	static const char *const need_cols[] = { "ip_saddr_str", "scan_type",
						 "scan_dl",	 "scan_packets",
						 "scan_ports",	 "scan_hosts",
						 "oob_time_sec", NULL };
	int64_t args[] = { c->since, c->until, c->limit };
	char sql[768];

	if (!need(&c->s.scan, "scan alert (ulog_scan)", need_cols,
		  "SCAN, then SQLITE3/PGSQL/MYSQL with table=ulog_scan", why,
		  len))
		return RPT_MISSING;
	snprintf(r->title, sizeof(r->title), "Scans: sources by danger level");
	set_cols(r, cols, ARRAY_SIZE(cols));
	snprintf(sql, sizeof(sql),
		 "SELECT ip_saddr_str, scan_type, max(scan_dl), count(*),"
		 " max(scan_packets), max(scan_ports), max(scan_hosts),"
		 " min(oob_time_sec), max(oob_time_sec) FROM ulog_scan"
		 " WHERE oob_time_sec >= ? AND oob_time_sec < ?"
		 " GROUP BY 1, 2 ORDER BY 3 DESC, 5 DESC, 1, 2 LIMIT ?");
	bars(r, 4, 2);
	return rows(c, r, sql, args, 3, "atiiiiiii", why, len);
}

static int rep_l7(struct ctx *c, struct freport *r, char *why, size_t len)
{
	static const struct fcol cols[] = {
		{ "protocol", "L7 protocol", FK_TEXT },
		{ "application", "Application", FK_TEXT },
		{ "packets", "Packets", FK_INT },
		{ "bytes", "Bytes", FK_BYTES },
		{ "hosts", "Hosts", FK_INT },
		{ "sources", "Sources", FK_INT },
	};
	static const char *const need_cols[] = { "l7_proto", NULL };
	const struct schema *s = &c->s;
	int64_t args[] = { c->since, c->until, c->limit };
	char sql[1024];

	if (s->pkt.name && has(&s->pkt, "l7_proto") && s->saddr) {
		snprintf(sql, sizeof(sql),
			 "SELECT l7_proto, %s, count(*), sum(%s),"
			 " count(DISTINCT %s), count(DISTINCT %s) FROM %s"
			 " WHERE oob_time_sec >= ? AND oob_time_sec < ?"
			 " AND l7_proto IS NOT NULL GROUP BY 1, 2"
			 " ORDER BY %d DESC, 1, 2 LIMIT ?",
			 has(&s->pkt, "l7_app") ? "l7_app" : "NULL", s->bytes,
			 has(&s->pkt, "l7_host") ? "l7_host" : "NULL", s->saddr,
			 s->pkt.name, c->by_bytes ? 4 : 3);
	} else if (s->ct.name && has(&s->ct, "l7_proto") && s->ct_saddr &&
		   has(&s->ct, "flow_start_sec")) {
		snprintf(sql, sizeof(sql),
			 "SELECT l7_proto, %s,"
			 " sum(coalesce(orig_raw_pktcount, 0) +"
			 " coalesce(reply_raw_pktcount, 0)),"
			 " sum(coalesce(orig_raw_pktlen, 0) +"
			 " coalesce(reply_raw_pktlen, 0)),"
			 " count(DISTINCT %s), count(DISTINCT %s) FROM %s"
			 " WHERE flow_start_sec >= ? AND flow_start_sec < ?"
			 " AND l7_proto IS NOT NULL GROUP BY 1, 2"
			 " ORDER BY %d DESC, 1, 2 LIMIT ?",
			 has(&s->ct, "l7_app") ? "l7_app" : "NULL",
			 has(&s->ct, "l7_host") ? "l7_host" : "NULL",
			 s->ct_saddr, s->ct.name, c->by_bytes ? 4 : 3);
	} else {
		need(s->pkt.name ? &s->pkt : &s->ct, "packet", need_cols,
		     "L7 (nDPI) before the SQL output", why, len);
		return RPT_MISSING;
	}
	snprintf(r->title, sizeof(r->title), "Application protocols (L7) by %s",
		 by_name(c));
	set_cols(r, cols, ARRAY_SIZE(cols));
	bars(r, c->by_bytes ? 3 : 2, 2);
	return rows(c, r, sql, args, 3, "ttiiii", why, len);
}

/*
 * Per key value @a and @b (two columns of the packet table, both or one
 * present), packets and bytes in each role: one query, a UNION ALL under
 * one GROUP BY. Countries and blacklists read the same.
 */
static int two_sided_query(struct ctx *c, struct freport *r, const char *a,
			   const char *b, char *why, size_t len)
{
	const struct schema *s = &c->s;
	int64_t args[] = { c->since, c->until, c->since, c->until, c->limit };
	struct rdb_stmt *st;
	char sql[1536];
	int rc, n = 0;

	if (a && b)
		snprintf(sql, sizeof(sql),
			 "SELECT k, sum(ps), sum(pd), sum(bs), sum(bd),"
			 " count(DISTINCT src) FROM ("
			 " SELECT %s AS k, 1 AS ps, 0 AS pd, %s AS bs, 0 AS bd,"
			 " %s AS src FROM %s WHERE oob_time_sec >= ?"
			 " AND oob_time_sec < ? AND %s IS NOT NULL"
			 " UNION ALL"
			 " SELECT %s, 0, 1, 0, %s, NULL FROM %s"
			 " WHERE oob_time_sec >= ? AND oob_time_sec < ?"
			 " AND %s IS NOT NULL) u"
			 " GROUP BY k ORDER BY sum(ps) + sum(pd) DESC, k"
			 " LIMIT ?",
			 a, s->bytes, s->saddr, s->pkt.name, a, b, s->bytes,
			 s->pkt.name, b);
	else
		snprintf(sql, sizeof(sql),
			 "SELECT %s, %s, %s, %s%s%s, %s%s%s, count(DISTINCT %s)"
			 " FROM %s WHERE oob_time_sec >= ? AND oob_time_sec < ?"
			 " AND %s IS NOT NULL GROUP BY 1 ORDER BY %s DESC, 1"
			 " LIMIT ?",
			 a ? a : b, a ? "count(*)" : "0", a ? "0" : "count(*)",
			 a ? "sum(" : "0", a ? s->bytes : "", a ? ")" : "",
			 a ? "0" : "sum(", a ? "" : s->bytes, a ? "" : ")",
			 s->saddr, s->pkt.name, a ? a : b, a ? "2" : "3");
	if (!(a && b)) {
		args[2] = c->limit;
		n = 3;
	} else {
		n = 5;
	}
	st = query(c, sql, args, n, why, len);
	if (!st)
		return RPT_DBERR;
	while ((rc = rdb_step(st)) == 1) {
		struct fval *row;
		size_t klen = 0;
		const char *k;
		int i;

		/* ulogd2-style flags: 0 is "not listed" */
		k = rdb_col_type(st, 0) == RDB_NULL
			    ? NULL
			    : rdb_col_text(st, 0, &klen);
		if (!k || !klen || (klen == 1 && k[0] == '0'))
			continue;
		row = freport_add_row(r);
		if (!row) {
			rc = -1;
			break;
		}
		val_text(st, 0, &row[0]);
		for (i = 1; i < 6; i++)
			val_int(st, i, &row[i]);
	}
	bars(r, 1, 1);
	return finish(c, st, rc, why, len);
}

/* What a two-sided report has of its own. */
struct two_sided_def {
	const char *key;     /* the first column's name */
	const char *head;    /* and its heading */
	const char *cols[3]; /* source and destination key, NULL */
	const char *filler;  /* the plugin that fills them */
	const char *title;
};

static int two_sided(struct ctx *c, struct freport *r,
		     const struct two_sided_def *d, char *why, size_t len)
{
	const struct fcol cols[] = {
		{ d->key, d->head, FK_TEXT },
		{ "packets_from", "Pkts from", FK_INT },
		{ "packets_to", "Pkts to", FK_INT },
		{ "bytes_from", "Bytes from", FK_BYTES },
		{ "bytes_to", "Bytes to", FK_BYTES },
		{ "sources", "Sources", FK_INT },
	};
	const struct schema *s = &c->s;
	const char *a, *b;

	if (!need_pkt(c, why, len))
		return RPT_MISSING;
	a = has(&s->pkt, d->cols[0]) ? d->cols[0] : NULL;
	b = has(&s->pkt, d->cols[1]) ? d->cols[1] : NULL;
	if (!a && !b) {
		need(&s->pkt, "packet", d->cols, d->filler, why, len);
		return RPT_MISSING;
	}
	snprintf(r->title, sizeof(r->title), "%s", d->title);
	set_cols(r, cols, ARRAY_SIZE(cols));
	return two_sided_query(c, r, a, b, why, len);
}

static int rep_countries(struct ctx *c, struct freport *r, char *why,
			 size_t len)
{
	static const struct two_sided_def d = {
		.key = "country",
		.head = "Country",
		.cols = { "geoip_src_country", "geoip_dst_country", NULL },
		.filler = "GEOIP",
		.title = "Countries by packets",
	};

	return two_sided(c, r, &d, why, len);
}

static int rep_blacklist(struct ctx *c, struct freport *r, char *why,
			 size_t len)
{
	static const struct two_sided_def d = {
		.key = "list",
		.head = "Blocklist",
		.cols = { "blacklist_src", "blacklist_dst", NULL },
		.filler = "BLACKLIST",
		.title = "Blocklist hits per list",
	};

	return two_sided(c, r, &d, why, len);
}

static const struct report_def reports[] = {
	{ "summary", "time range, packets, bytes, by log prefix", rep_summary },
	{ "top-sources", "source addresses by packets or bytes",
	  rep_top_sources },
	{ "top-destinations", "destination addresses by packets or bytes",
	  rep_top_destinations },
	{ "top-ports", "destination ports (protocol and port)", rep_top_ports },
	{ "prefixes", "log prefixes (rules) with bytes and times",
	  rep_prefixes },
	{ "flows", "top conntrack flows by bytes, with NAT", rep_flows },
	{ "timeline", "packets and bytes per interval", rep_timeline },
	{ "scans", "scanners by danger level (SCAN)", rep_scans },
	{ "l7", "application protocols and hosts (L7)", rep_l7 },
	{ "countries", "packets per country (GEOIP)", rep_countries },
	{ "blacklist", "hits per blocklist (BLACKLIST)", rep_blacklist },
};

/* ---- the command ------------------------------------------------------------
 */

static void report_usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: nfpipe report REPORT... [OPTIONS]\n"
		   "Reports from what nfpiped stored in SQLite, PostgreSQL or "
		   "MySQL.\n\n"
		   "Reports:\n");
	for (i = 0; i < ARRAY_SIZE(reports); i++)
		fprintf(f, "  %-17s %s\n", reports[i].name, reports[i].summary);
	fprintf(f,
		"  %-17s every report the data allows\n\n"
		"Options:\n"
		"  -d, --db URI        sqlite:///path, postgresql://user@host/db"
		",\n"
		"                      mysql://user@host/db\n"
		"  -c, --config FILE   else the first SQL output of this config"
		"\n                      (default %s)\n"
		"  -s, --since T       from T: 2026-12-07, 2026-12-07T14:00, "
		"-1h, -7d, now\n"
		"  -u, --until T       up to T (not included); default: the last\n"
		"                      packet stored\n"
		"  -n, --limit N       rows of a top-N report (default 10)\n"
		"  -b, --by WHAT       packets or bytes (default packets)\n"
		"  -i, --interval D    timeline step: 5m, 1h, 1d (default: "
		"from the range)\n"
		"  -f, --format F      text, csv, json or html (default text)\n"
		"  -o, --output FILE   write to FILE (atomically) instead of "
		"stdout\n"
		"  -r, --rrd DIR       html: add the graphs of RRD's files in "
		"DIR\n"
		"  -h, --help          this help\n"
		"Exit status: 0 ok, 1 bad arguments, missing columns or no "
		"data,\n2 database unreachable.\n",
		"all", CLI_DEFAULT_CONFIG);
}

static const struct report_def *find_report(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(reports); i++)
		if (!strcmp(reports[i].name, name))
			return &reports[i];
	return NULL;
}

/* Percent-encode @s into @buf for a URI. */
static void pct(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	for (; *s && o + 4 < len; s++) {
		unsigned char ch = (unsigned char)*s;

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || strchr("-._~", ch))
			buf[o++] = ch;
		else
			o += snprintf(buf + o, len - o, "%%%02X", ch);
	}
	buf[o] = '\0';
}

/*
 * The first SQL output of the daemon's config as a URI in @uri, and its
 * table in @table. Returns 0, or -1 after saying why.
 */
static int uri_from_conf(const char *path, char *uri, size_t len, char *table,
			 size_t tlen)
{
	static const char *const plugins[] = { "SQLITE3", "PGSQL", "MYSQL" };
	struct nfp_conf *conf = cli_conf_load(path);
	char *names[8];
	size_t p;
	int n, i, ret = -1;

	if (!conf)
		return -1;
	for (p = 0; p < ARRAY_SIZE(plugins) && ret; p++) {
		const char *db, *host, *user, *pass, *port, *t;
		char e[4][192];

		n = cli_conf_instances(conf, plugins[p], names, 8);
		if (!n)
			continue;
		db = cli_conf_get(conf, names[0], "db");
		host = cli_conf_get(conf, names[0], "host");
		user = cli_conf_get(conf, names[0], "user");
		pass = cli_conf_get(conf, names[0], "pass");
		port = cli_conf_get(conf, names[0], "port");
		t = cli_conf_get(conf, names[0], "table");
		snprintf(table, tlen, "%s", t ? t : "");
		pct(db ? db : "", e[0], sizeof(e[0]));
		pct(host ? host : "", e[1], sizeof(e[1]));
		pct(user ? user : "", e[2], sizeof(e[2]));
		pct(pass ? pass : "", e[3], sizeof(e[3]));
		if (p == 0) {
			if (!db)
				cli_err("[%s] in %s has no db=", names[0],
					path ? path : CLI_DEFAULT_CONFIG);
			else
				snprintf(uri, len, "sqlite://%s%s",
					 db[0] == '/' ? "" : "/", db);
			ret = db ? 0 : -1;
		} else if (p == 1) {
			snprintf(uri, len, "postgresql:///%s?%s%s%s%s%s%s%s%s",
				 e[0], host ? "host=" : "", e[1],
				 user ? "&user=" : "", e[2],
				 pass ? "&password=" : "", e[3],
				 port ? "&port=" : "", port ? port : "");
			/* "?&user=" is fine for libpq, "?" alone too */
			ret = 0;
		} else {
			snprintf(uri, len, "mysql://%s%s%s%s%s%s%s/%s", e[2],
				 pass ? ":" : "", e[3], user || pass ? "@" : "",
				 e[1], port ? ":" : "", port ? port : "", e[0]);
			ret = 0;
		}
		for (i = 0; i < n; i++)
			free(names[i]);
	}
	if (ret && p == ARRAY_SIZE(plugins))
		cli_err("%s has no SQLITE3, PGSQL or MYSQL output; give --db",
			path ? path : CLI_DEFAULT_CONFIG);
	nfp_conf_free(conf);
	return ret;
}

/*
 * The range of the data when the user left an end open: the earliest and
 * latest time in the packet table (or the flows). min() and max() alone
 * use the time index. Returns 0, RPT_DBERR with @why.
 */
static int data_range(struct ctx *c, char *why, size_t len)
{
	const char *t = c->s.pkt.name ? c->s.pkt.name : c->s.ct.name;
	const char *col = c->s.pkt.name ? "oob_time_sec" : "flow_start_sec";
	const char *fn[] = { "min", "max" };
	int64_t v[2] = { 0, 0 };
	int i;

	if (!t || (!c->s.pkt.name && !has(&c->s.ct, col)))
		return RPT_OK;
	for (i = 0; i < 2; i++) {
		char sql[256];
		struct rdb_stmt *st;
		int rc;

		/* min() or max() alone over the table: one index probe */
		snprintf(sql, sizeof(sql), "SELECT %s(%s) FROM %s", fn[i], col,
			 t);
		st = query(c, sql, NULL, 0, why, len);
		if (!st)
			return RPT_DBERR;
		rc = rdb_step(st);
		if (rc == 1 && rdb_col_type(st, 0) != RDB_NULL)
			v[i] = rdb_col_int(st, 0);
		else if (rc == 1)
			v[i] = -1;
		if (finish(c, st, rc < 0 ? rc : 0, why, len))
			return RPT_DBERR;
	}
	if (v[0] < 0)
		return RPT_OK; /* no data: the reports will say so */
	if (!c->since_set)
		c->since = v[0];
	if (!c->until_set)
		c->until = v[1] + 1;
	c->whole = c->s.pkt.name && c->since <= v[0] && c->until > v[1];
	return RPT_OK;
}

/* Write @n reports to @path (NULL: stdout) through a temporary file. */
static int write_out(const char *path, enum fmt_kind k,
		     struct freport *const *r, int n,
		     const struct fmt_page *page)
{
	char tmp[4096];
	FILE *f;
	int fd, ret;

	if (!path || !strcmp(path, "-")) {
		ret = fmt_write(stdout, k, r, n, page);
		if (fflush(stdout) || ret) {
			cli_err("cannot write the report: %s", strerror(errno));
			return CLI_FAIL;
		}
		return CLI_OK;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp)) {
		cli_err("output path too long");
		return CLI_FAIL;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		cli_err("cannot write %s: %s", path, strerror(errno));
		return CLI_FAIL;
	}
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(tmp);
		cli_err("cannot write %s: %s", path, strerror(errno));
		return CLI_FAIL;
	}
	ret = fmt_write(f, k, r, n, page);
	if (fflush(f) || ret || fsync(fd) || fchmod(fd, 0644)) {
		cli_err("cannot write %s: %s", path, strerror(errno));
		fclose(f);
		unlink(tmp);
		return CLI_FAIL;
	}
	if (fclose(f) || rename(tmp, path)) {
		cli_err("cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
		return CLI_FAIL;
	}
	return CLI_OK;
}

/* ---- running several reports at once ----------------------------------- */

/* One report to run, and what came of it. */
struct job {
	const struct report_def *def; /* which */
	struct freport *r;	      /* the result; owned until taken */
	int rc;			      /* RPT_OK, RPT_MISSING, RPT_DBERR */
	char err[512];		      /* why not */
};

struct pool {
	const struct ctx *base; /* settings and the main connection */
	const char *uri;	/* for the other connections */
	struct job *jobs;	/* the reports, in order */
	int n;			/* how many */
	int next;		/* the next one nobody took */
	pthread_mutex_t mu;	/* guards next */
};

static void run_job(struct ctx *c, struct job *j)
{
	j->r = calloc(1, sizeof(*j->r));
	if (!j->r) {
		j->rc = RPT_DBERR;
		snprintf(j->err, sizeof(j->err), "out of memory");
		return;
	}
	j->r->name = j->def->name;
	j->r->since = c->since;
	j->r->until = c->until;
	c->current = j->def->name;
	j->rc = j->def->run(c, j->r, j->err, sizeof(j->err));
	if (j->rc) {
		freport_free(j->r);
		j->r = NULL;
	}
}

/* Take reports off the list until none is left, on connection @db. */
static void drain(struct pool *p, struct rdb *db)
{
	struct ctx c = *p->base;

	c.db = db;
	c.progress_shown = false;
	/* the main connection shows its progress, naming its report */
	if (db == p->base->db && c.tty)
		rdb_set_progress(db, progress, &c);
	for (;;) {
		int i;

		pthread_mutex_lock(&p->mu);
		i = p->next++;
		pthread_mutex_unlock(&p->mu);
		if (i >= p->n)
			break;
		run_job(&c, &p->jobs[i]);
	}
	if (db == p->base->db)
		rdb_set_progress(db, NULL, NULL);
}

static void *worker(void *arg)
{
	struct pool *p = arg;
	char err[256];
	struct rdb *db;

	/* a helper that cannot connect leaves its share to the others */
	if (rdb_open(p->uri, &db, err, sizeof(err)))
		return NULL;
	drain(p, db);
	rdb_close(db);
	return NULL;
}

/*
 * Run @n reports into @jobs: on the main connection and, when there are
 * several reports and several CPUs, on up to three more connections in
 * threads (each report is one query the database runs on one core).
 * Results keep their order. Returns 0 or -ENOMEM.
 */
static int run_all(const struct ctx *c, const char *uri,
		   const struct report_def *const *run, int n, struct job *jobs)
{
	struct pool p = { .base = c, .uri = uri, .jobs = jobs, .n = n };
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	pthread_t tid[3];
	int i, nt = 0, want;

	for (i = 0; i < n; i++)
		jobs[i].def = run[i];
	want = (int)(cpus < 1 ? 1 : cpus > 4 ? 4 : cpus) - 1;
	if (want > n - 1)
		want = n - 1;
	if (getenv("NFPIPE_REPORT_THREADS"))
		want = atoi(getenv("NFPIPE_REPORT_THREADS")) - 1;
	if (want > 3)
		want = 3;
	if (pthread_mutex_init(&p.mu, NULL))
		return -ENOMEM;
	for (i = 0; i < want; i++)
		if (!pthread_create(&tid[nt], NULL, worker, &p))
			nt++;
	drain(&p, c->db);
	for (i = 0; i < nt; i++)
		pthread_join(tid[i], NULL);
	pthread_mutex_destroy(&p.mu);
	return 0;
}

int report_args(int argc, char **argv, int64_t now, struct report_args *a)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "config", required_argument, NULL, 'c' },
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "limit", required_argument, NULL, 'n' },
		{ "by", required_argument, NULL, 'b' },
		{ "interval", required_argument, NULL, 'i' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "rrd", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *since = NULL, *until = NULL;
	int ch, i;

	memset(a, 0, sizeof(*a));
	a->limit = 10;
	a->fmt = FMT_TEXT;
	/* 0, not 1: glibc forgets a half-read "-abc" of an earlier argv */
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":d:c:s:u:n:b:i:f:o:r:h", opts,
				 NULL)) != -1) {
		switch (ch) {
		case 'd':
			a->uri = optarg;
			break;
		case 'c':
			a->conf = optarg;
			break;
		case 's':
			since = optarg;
			break;
		case 'u':
			until = optarg;
			break;
		case 'n': {
			char *end;
			long long v;

			errno = 0;
			v = strtoll(optarg, &end, 10);
			if (errno || *end || end == optarg || v < 1 ||
			    v > 100000) {
				cli_usage_err("--limit wants 1..100000, not "
					      "\"%s\"",
					      optarg);
				return -1;
			}
			a->limit = v;
			break;
		}
		case 'b':
			if (strcmp(optarg, "packets") &&
			    strcmp(optarg, "bytes")) {
				cli_usage_err(
					"--by wants packets or bytes, not "
					"\"%s\"",
					optarg);
				return -1;
			}
			a->by_bytes = !strcmp(optarg, "bytes");
			break;
		case 'i':
			if (ts_parse_duration(optarg, &a->interval) < 0) {
				cli_usage_err("bad --interval \"%s\" (5m, 1h, "
					      "1d)",
					      optarg);
				return -1;
			}
			break;
		case 'f':
			if (fmt_parse(optarg, &a->fmt) < 0) {
				cli_usage_err("--format wants text, csv, json "
					      "or html, not \"%s\"",
					      optarg);
				return -1;
			}
			break;
		case 'o':
			a->out = optarg;
			break;
		case 'r':
			a->rrd = optarg;
			break;
		case 'h':
			report_usage(stdout);
			return 1;
		case ':':
			cli_usage_err("option \"%s\" needs a value",
				      argv[optind - 1]);
			return -1;
		default:
			cli_usage_err("unknown option \"%s\"",
				      argv[optind - 1]);
			return -1;
		}
	}
	if (optind >= argc) {
		cli_usage_err("which report? (summary, top-sources, ..., all)");
		return -1;
	}
	for (i = optind; i < argc; i++) {
		const struct report_def *d = find_report(argv[i]);
		int j;

		if (!strcmp(argv[i], "all")) {
			a->all = true;
			a->nrun = 0;
			for (j = 0; j < (int)ARRAY_SIZE(reports); j++)
				a->run[a->nrun++] = j;
			continue;
		}
		if (!d) {
			const char *names[ARRAY_SIZE(reports) + 2];
			const char *near;

			for (j = 0; j < (int)ARRAY_SIZE(reports); j++)
				names[j] = reports[j].name;
			names[j++] = "all";
			names[j] = NULL;
			near = nfp_suggest(argv[i], names);
			if (near)
				cli_usage_err("no report \"%s\"; did you mean "
					      "\"%s\"?",
					      argv[i], near);
			else
				cli_usage_err("no report \"%s\"", argv[i]);
			return -1;
		}
		if (a->all)
			continue;
		for (j = 0; j < a->nrun && a->run[j] != d - reports; j++)
			;
		if (j == a->nrun)
			a->run[a->nrun++] = d - reports;
	}
	a->since_set = since;
	a->until_set = until;
	a->since = 0;
	a->until = NO_END;
	if (since && ts_parse(since, now, &a->since) < 0) {
		cli_usage_err("bad --since \"%s\" (2026-12-07, "
			      "2026-12-07T14:00, -1h, -7d, now)",
			      since);
		return -1;
	}
	if (until && ts_parse(until, now, &a->until) < 0) {
		cli_usage_err("bad --until \"%s\" (2026-12-07, "
			      "2026-12-07T14:00, -1h, -7d, now)",
			      until);
		return -1;
	}
	if (a->since >= a->until) {
		cli_err("empty range: --since is not before --until");
		return -1;
	}
	if (a->rrd && a->fmt != FMT_HTML) {
		cli_usage_err("--rrd goes with --format html");
		return -1;
	}
	return 0;
}

int cmd_report(int argc, char **argv)
{
	const struct report_def *run[ARRAY_SIZE(reports)];
	struct freport *res[ARRAY_SIZE(reports)];
	struct job jobs[ARRAY_SIZE(reports)];
	struct fmt_page page = { 0 };
	struct report_args a;
	enum fmt_kind fmt;
	struct ctx c = { 0 };
	char err[512], curi[1024], masked[1024];
	const char *uri, *out, *rrd;
	int nrun, nres = 0, i, ret = CLI_OK, rc;

	memset(jobs, 0, sizeof(jobs));
	int64_t now = time(NULL);
	bool any_rows = false;

	rc = report_args(argc, argv, now, &a);
	if (rc)
		return rc < 0 ? CLI_FAIL : CLI_OK;
	for (nrun = 0; nrun < a.nrun; nrun++)
		run[nrun] = &reports[a.run[nrun]];
	uri = a.uri;
	out = a.out;
	rrd = a.rrd;
	fmt = a.fmt;
	c.limit = a.limit;
	c.by_bytes = a.by_bytes;
	c.interval = a.interval;
	c.all = a.all;
	c.since = a.since;
	c.until = a.until;
	c.since_set = a.since_set;
	c.until_set = a.until_set;
	if (!uri) {
		if (uri_from_conf(a.conf, curi, sizeof(curi), c.s.pkt_name,
				  sizeof(c.s.pkt_name)) < 0)
			return CLI_FAIL;
		if (!safe_ident(c.s.pkt_name))
			c.s.pkt_name[0] = '\0';
		uri = curi;
	}
	rdb_mask_uri(uri, masked, sizeof(masked));
	rc = rdb_open(uri, &c.db, err, sizeof(err));
	if (rc) {
		cli_err("cannot open %s: %s", masked, err);
		return rc == RDB_BAD_URI ? CLI_FAIL : CLI_UNREACHABLE;
	}
	c.tty = isatty(STDERR_FILENO);
	if (c.tty)
		rdb_set_progress(c.db, progress, &c);
	if (schema_load(&c, err, sizeof(err)) < 0) {
		cli_err("cannot read %s: %s", masked, err);
		ret = CLI_UNREACHABLE;
		goto out;
	}
	if (!c.s.pkt.name && !c.s.ct.name && !c.s.scan.name) {
		cli_err("%s has no nfpipe or ulogd2 table (ulog_pkt, ulog2, "
			"ulog_ct, ...): is it the daemon's database?",
			masked);
		ret = CLI_FAIL;
		goto out;
	}
	if (data_range(&c, err, sizeof(err))) {
		cli_err("%s", err);
		ret = CLI_UNREACHABLE;
		goto out;
	}
	rc = run_all(&c, uri, run, nrun, jobs);
	if (rc) {
		cli_err("out of memory");
		ret = CLI_FAIL;
		goto out;
	}
	for (i = 0; i < nrun; i++) {
		struct job *j = &jobs[i];

		if (j->rc == RPT_OK) {
			res[nres++] = j->r;
			any_rows |= j->r->nrows > 0;
			j->r = NULL;
			continue;
		}
		if (j->rc == RPT_MISSING && c.all) {
			if (fmt == FMT_TEXT || out)
				fprintf(stderr, "%s: skipping %s: %s\n",
					cli_prog, run[i]->name, j->err);
			continue;
		}
		cli_err("%s: %s", run[i]->name, j->err);
		ret = j->rc == RPT_MISSING ? CLI_FAIL : CLI_UNREACHABLE;
	}
	if (ret && out) {
		cli_err("%s not written", out);
		goto out;
	}
	if (!any_rows) {
		char t0[32], t1[32];

		ts_human(c.since, t0, sizeof(t0));
		if (c.until >= NO_END)
			snprintf(t1, sizeof(t1), "now");
		else
			ts_human(c.until, t1, sizeof(t1));
		if (!nres)
			goto out;
		if (c.since_set || c.until_set)
			cli_err("no data between %s and %s UTC", t0, t1);
		else
			cli_err("no data: the tables are empty");
		ret = CLI_FAIL;
		goto out;
	}
	page.source = masked;
	/* reproducible pages: the build convention for "now" */
	page.generated =
		getenv("SOURCE_DATE_EPOCH")
			? strtoll(getenv("SOURCE_DATE_EPOCH"), NULL, 10)
			: now;
	if (rrd && report_rrd_graphs(rrd, c.since, c.until, &page, err,
				     sizeof(err)) < 0) {
		cli_err("--rrd %s: %s", rrd, err);
		ret = CLI_FAIL;
		goto out;
	}
	rc = write_out(out, fmt, res, nres, &page);
	if (rc)
		ret = rc;
out:
	for (i = 0; i < page.nrrd; i++) {
		free((char *)page.rrd_svg[i]);
		free((char *)page.rrd_name[i]);
	}
	for (i = 0; i < nres; i++)
		freport_free(res[i]);
	for (i = 0; i < nrun; i++)
		freport_free(jobs[i].r);
	table_free(&c.s.pkt);
	table_free(&c.s.ct);
	table_free(&c.s.scan);
	rdb_close(c.db);
	return ret;
}
