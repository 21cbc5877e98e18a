/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench/report_db - a large SQLite database of realistic packets for
 * timing `nfpipe report` (bench/report-bench)
 *
 * report_db DB SCHEMA ROWS [DAYS]: makes DB from SCHEMA (etc/sql/sqlite3.sql)
 * and inserts ROWS packets in one transaction, spread in time order over
 * the DAYS (default 7) before 2026-12-01 00:00 UTC: 8 log prefixes of
 * uneven weight, sources from a heavy-tailed pool of 65,536 addresses (a
 * few scanners send most), 256 internal destinations, TCP 70 % / UDP
 * 25 % / ICMP 5 %, common ports most of the time, IPv6 one packet in 16,
 * sizes 40..1500. A fixed seed: the same arguments give the same rows.
 * Not a test; nothing runs it in make check.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

/* 0..n-1, small values much likelier (a heavy tail) */
static uint32_t skewed(uint32_t n)
{
	double u = (rnd() % 1000000) / 1000000.0;

	return (uint32_t)(n * u * u * u * u) % n;
}

static char drops[4096]; /* "DROP INDEX a;DROP INDEX b;..." */

/* Note the DROP of the index named in a row of the query in main(). */
static int drop_index(void *arg, int n, char **vals, char **names)
{
	size_t o = strlen(drops);

	(void)arg;
	(void)n;
	(void)names;
	snprintf(drops + o, sizeof(drops) - o, "%s;", vals[0]);
	return 0;
}

static int die(sqlite3 *db, const char *what)
{
	fprintf(stderr, "report_db: %s: %s\n", what, sqlite3_errmsg(db));
	return 1;
}

int main(int argc, char **argv)
{
	static const char *const prefixes[] = { "DROP in ",	"DROP fwd ",
						"ACCEPT ssh ",	"ACCEPT web ",
						"REJECT smtp ", "DROP invalid ",
						"LOG dns ",	"DROP scan " };
	static const unsigned int pweight[] = { 40, 20, 8, 15, 3, 4, 7, 3 };
	static const unsigned int ports[] = { 22,   80, 443,  53,  25,
					      3389, 23, 8080, 123, 445 };
	const int64_t end = INT64_C(1796083200); /* 2026-12-01T00:00:00Z */
	sqlite3 *db;
	sqlite3_stmt *st;
	char *schema, *err = NULL;
	long n, i, days;
	int64_t span;
	FILE *f;
	long sz;

	if (argc < 4) {
		fprintf(stderr, "usage: report_db DB SCHEMA ROWS [DAYS]\n");
		return 2;
	}
	n = atol(argv[3]);
	days = argc > 4 ? atol(argv[4]) : 7;
	span = days * 86400;
	f = fopen(argv[2], "rb");
	if (!f) {
		perror(argv[2]);
		return 1;
	}
	fseek(f, 0, SEEK_END);
	sz = ftell(f);
	fseek(f, 0, SEEK_SET);
	schema = calloc(1, sz + 1);
	if (!schema || fread(schema, 1, sz, f) != (size_t)sz) {
		perror(argv[2]);
		return 1;
	}
	fclose(f);
	if (sqlite3_open(argv[1], &db) != SQLITE_OK)
		return die(db, "open");
	if (sqlite3_exec(db, schema, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "report_db: schema: %s\n", err);
		return 1;
	}
	/*
	 * Rows first, indexes after: the schema run again makes them in one
	 * sort each (CREATE INDEX IF NOT EXISTS), far faster than keeping
	 * them up to date row by row.
	 */
	if (sqlite3_exec(
		    db,
		    "PRAGMA synchronous = OFF; PRAGMA cache_size = -262144;"
		    "SELECT 'DROP INDEX ' || name FROM sqlite_master"
		    " WHERE type = 'index' AND tbl_name = 'ulog_pkt'"
		    " AND sql IS NOT NULL",
		    drop_index, db, &err) != SQLITE_OK) {
		fprintf(stderr, "report_db: %s\n", err);
		return 1;
	}
	if (sqlite3_exec(db, drops, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "report_db: %s\n", err);
		return 1;
	}
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	if (sqlite3_prepare_v2(
		    db,
		    "INSERT INTO ulog_pkt (oob_time_sec, oob_time_usec, oob_prefix,"
		    " oob_hook, oob_family, oob_protocol, oob_in, oob_out,"
		    " raw_pktlen, ip_saddr_str, ip_daddr_str, ip_protocol, ip_ttl,"
		    " ip_totlen, tcp_sport, tcp_dport, tcp_syn, udp_sport, udp_dport,"
		    " icmp_type, icmp_code) VALUES"
		    " (?, ?, ?, 1, ?, ?, 'eth0', '', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
		    " ?, ?, ?)",
		    -1, &st, NULL) != SQLITE_OK)
		return die(db, "prepare");
	for (i = 0; i < n; i++) {
		int64_t t = end - span + (int64_t)((double)span * i / n);
		unsigned int w = rnd() % 100, p = 0, acc = 0, proto, len;
		uint32_t src = skewed(65536), dst = rnd() % 256;
		char s[64], d[64];
		bool v6 = rnd() % 16 == 0;

		while (p < 7 && (acc += pweight[p]) <= w)
			p++;
		if (v6) {
			snprintf(s, sizeof(s), "2001:db8:%x::%x", src >> 8,
				 src & 255);
			snprintf(d, sizeof(d), "2001:db8:ffff::%x", dst);
		} else {
			snprintf(s, sizeof(s), "%u.%u.%u.%u",
				 src < 64 ? 198 : 100 + (src >> 13),
				 src < 64 ? 51 : (src >> 5) & 255,
				 src >> 8 & 255, src & 255);
			snprintf(d, sizeof(d), "10.0.%u.%u", dst >> 6,
				 dst & 63);
		}
		w = rnd() % 100;
		proto = w < 70 ? 6 : w < 95 ? 17 : 1;
		len = 40 + rnd() % 1461;
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		sqlite3_bind_int64(st, 1, t);
		sqlite3_bind_int(st, 2, rnd() % 1000000);
		sqlite3_bind_text(st, 3, prefixes[p], -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 4, v6 ? 10 : 2);
		sqlite3_bind_int(st, 5, v6 ? 34525 : 2048);
		sqlite3_bind_int(st, 6, len);
		sqlite3_bind_text(st, 7, s, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 8, d, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(st, 9, proto);
		sqlite3_bind_int(st, 10, 32 + rnd() % 32);
		sqlite3_bind_int(st, 11, len);
		if (proto != 1) {
			unsigned int dport = rnd() % 4 ? ports[skewed(10)]
						       : 1 + rnd() % 65535;

			sqlite3_bind_int(st, proto == 6 ? 12 : 15,
					 1024 + rnd() % 64000);
			sqlite3_bind_int(st, proto == 6 ? 13 : 16, dport);
			if (proto == 6)
				sqlite3_bind_int(st, 14, 1);
		} else {
			sqlite3_bind_int(st, 17, 8);
			sqlite3_bind_int(st, 18, 0);
		}
		if (sqlite3_step(st) != SQLITE_DONE)
			return die(db, "insert");
	}
	sqlite3_finalize(st);
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		return die(db, "commit");
	if (sqlite3_exec(db, schema, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "report_db: indexes: %s\n", err);
		return 1;
	}
	sqlite3_close(db);
	free(schema);
	return 0;
}
