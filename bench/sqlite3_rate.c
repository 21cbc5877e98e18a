/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench/sqlite3_rate - sustained rows per second into SQLite through SQLITE3
 *
 * Drives the real engine (the unit tests' harness, plugins linked in) with
 * synthetic UDP/IPv4 packets through PKTIN -> BASE -> IP2STR -> SQLITE3
 * into the shipped schema's ulog_pkt table (every column filled, three
 * indexes), as fast as the main thread can push them, with a flush after
 * every packet (the harness's way; the event loop flushes after each
 * wakeup, which is never more often). Reports the rate
 * the main thread offered, the rate rows reached the database (from the
 * first packet until stop() returned with everything written), the rows
 * that went through the disk spool on the way, and CPU per row.
 *
 * With -k the database cannot be opened (its directory is missing), so
 * every batch goes to the spool and stays there: it then prints the spool's
 * bytes per row. A later run on the same -d DIR (with -n 0 to feed nothing)
 * replays that spool into the database and says how long the drain took.
 *
 * Not a test: it prints figures. bench/sqlite3-rate runs it.
 * -z LEVEL sets spool_compress (0: spool uncompressed, as before zstd).
 *
 *   sqlite3_rate [-n ROWS] [-b BATCH] [-d DIR] [-t TABLE] [-k] [-z LEVEL]
 */
#include "nfp.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <getopt.h>
#include <inttypes.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include <nfpipe/sink.h>

#include "engine.h"
#include "harness.h"

extern const struct nfp_plugin nfp_output_sqlite3;
extern const struct nfp_plugin nfp_filter_base;
extern const struct nfp_plugin nfp_filter_ip2str;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* A UDP/IPv4 packet from 10.1.(i>>8).(i&255) to 192.0.2.1, port by i. */
static void make_pkt(uint8_t *p, uint32_t i)
{
	uint32_t src = htonl(0x0a010000u | (i & 0xffff));
	uint32_t dst = htonl(0xc0000201u);
	uint16_t v;

	memset(p, 0, 60);
	p[0] = 0x45;
	v = htons(60);
	memcpy(p + 2, &v, 2);
	v = htons((uint16_t)i);
	memcpy(p + 4, &v, 2);
	p[8] = 64;
	p[9] = 17;
	memcpy(p + 12, &src, 4);
	memcpy(p + 16, &dst, 4);
	v = htons((uint16_t)(1024 + (i % 50000)));
	memcpy(p + 20, &v, 2);
	v = htons((uint16_t)(i % 7 ? 53 : 443));
	memcpy(p + 22, &v, 2);
	v = htons(40);
	memcpy(p + 24, &v, 2);
}

static long long count_rows(const char *db, const char *table)
{
	char sql[256];
	sqlite3_stmt *st;
	sqlite3 *h;
	long long n = -1;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(h);
	return n;
}

/* Bytes of the segment files in @dir. */
static unsigned long long spool_bytes(const char *dir)
{
	unsigned long long n = 0;
	char path[1024];
	struct dirent *de;
	struct stat st;
	DIR *d = opendir(dir);

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (!strstr(de->d_name, "seg"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (stat(path, &st) == 0)
			n += (unsigned long long)st.st_size;
	}
	closedir(d);
	return n;
}

int main(int argc, char **argv)
{
	const struct nfp_plugin *pl[] = { &nfp_output_sqlite3, &nfp_filter_base,
					  &nfp_filter_ip2str, NULL };
	unsigned long rows = 1000000, batch = 5000, i;
	const char *dir = NULL, *table = "ulog_pkt";
	char tmpl[] = "/tmp/nfpbench-XXXXXX", db[512], conf[2048], cmd[600];
	uint64_t spooled, queued;
	struct nfp_inst *sql;
	uint8_t pkt[60];
	struct nfpt *t;
	double t0, t1, t2, c0, c2;
	char spdir[600];
	bool keep = false;
	int zlevel = -1;
	char zopt[32] = "";
	long long n, n0;
	int c;

	while ((c = getopt(argc, argv, "n:b:d:t:kz:")) != -1) {
		switch (c) {
		case 'n':
			rows = strtoul(optarg, NULL, 0);
			break;
		case 'b':
			batch = strtoul(optarg, NULL, 0);
			break;
		case 'd':
			dir = optarg;
			break;
		case 't':
			table = optarg;
			break;
		case 'k':
			keep = true;
			break;
		case 'z':
			zlevel = atoi(optarg);
			break;
		default:
			fprintf(stderr,
				"usage: %s [-n ROWS] [-b BATCH] [-d DIR] [-t TABLE] [-k] [-z LEVEL]\n",
				argv[0]);
			return 2;
		}
	}
	if (!dir && !(dir = mkdtemp(tmpl))) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(db, sizeof(db), "%s/%sbench.db", dir, keep ? "missing/" : "");
	snprintf(spdir, sizeof(spdir), "%s/spool/sql1", dir);
	n0 = keep ? 0 : count_rows(db, table);
	if (n0 < 0)
		n0 = 0;
	if (zlevel >= 0)
		snprintf(zopt, sizeof(zopt), "spool_compress=%d\n", zlevel);
	snprintf(conf, sizeof(conf),
		 "[global]\nloglevel=5\n"
		 "stack=in1:PKTIN,base1:BASE,ip2str1:IP2STR,sql1:SQLITE3\n"
		 "[sql1]\ndb=\"%s\"\ntable=\"%s\"\nbatch=%lu\n"
		 "spool_dir=\"%s/spool\"\nstop_timeout=600s\n%s",
		 db, table, batch, dir, zopt);
	nfp_log_set_level(NFP_LOG_NOTICE);
	t = nfpt_new(conf, pl);
	sql = nfpt_inst(t, "sql1");
	/* The worker creates the database: let it, before the clock runs. */
	if (!rows && !keep) {
		/* Drain only: how long the spool of an earlier -k run takes. */
		t0 = now();
		c0 = cpu();
		nfpt_free(t);
		t2 = now();
		c2 = cpu();
		n = count_rows(db, table);
		printf("drained           %lld rows in %.2f s (%.0f rows/s), "
		       "%.2f us cpu per row, %llu spool bytes left\n",
		       n - n0, t2 - t0, (n - n0) / (t2 - t0),
		       (c2 - c0) * 1e6 / (double)(n - n0 ? n - n0 : 1),
		       spool_bytes(spdir));
		return 0;
	}
	usleep(200 * 1000);
	t0 = now();
	c0 = cpu();
	for (i = 0; i < rows; i++) {
		struct nfpt_pkt p = {
			.family = AF_INET,
			.data = pkt,
			.len = sizeof(pkt),
			.prefix = (i & 1) ? "IN-DROP " : "FWD-ACCEPT ",
			.hook = 1,
			.mark = (uint32_t)i,
			.sec = 1700000000u + (uint32_t)(i / 100000),
			.usec = (uint32_t)(i % 1000000),
			.indev = "eth0",
			.outdev = "",
			.ifindex_in = 2,
		};

		make_pkt(pkt, (uint32_t)i);
		nfpt_feed(t, "in1", &p);
	}
	t1 = now();
	spooled = __atomic_load_n(&sql->ctr[NFP_SINK_CTR_SPOOLED],
				  __ATOMIC_RELAXED);
	queued = __atomic_load_n(&sql->ctr[NFP_SINK_CTR_QUEUED],
				 __ATOMIC_RELAXED);
	nfpt_free(t);
	t2 = now();
	c2 = cpu();
	if (keep) {
		unsigned long long sb = spool_bytes(spdir);

		printf("spooled           %" PRIu64 " rows in %llu bytes: %.1f "
		       "bytes per row (main thread %.0f rows/s, %.2f us cpu "
		       "per row)\n",
		       spooled, sb,
		       spooled ? (double)sb / (double)spooled : 0.0,
		       rows / (t1 - t0), (c2 - c0) * 1e6 / (double)rows);
		return spooled == rows ? 0 : 1;
	}
	n = count_rows(db, table) - n0;
	printf("rows offered      %lu (main thread: %.0f rows/s, %.2f s)\n",
	       rows, rows / (t1 - t0), t1 - t0);
	printf("rows in database  %lld%s\n", n,
	       n == (long long)rows ? " (all)" : " (LOSS)");
	printf("sustained         %.0f rows/s (%.2f s until all were committed)\n",
	       n / (t2 - t0), t2 - t0);
	printf("through the spool %" PRIu64 " rows spooled at the end of "
	       "feeding, %" PRIu64 " queued in memory\n",
	       spooled, queued);
	printf("cpu               %.2f us per row (both threads)\n",
	       (c2 - c0) * 1e6 / (double)rows);
	printf("batch=%lu rows, table %s\n", batch, table);
	if (!strncmp(dir, "/tmp/nfpbench-", 14)) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
	}
	return n == (long long)rows ? 0 : 1;
}
