/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench/scan_rate - SCAN's table alone: ns per packet, memory at max_sources
 *
 * Not a test: prints figures. Feeds scan_table_add() (plugins/filter/scan/
 * table.c) with packets built in memory, single-threaded, and times it with
 * CLOCK_PROCESS_CPUTIME_ID:
 *   known     one source, one port: the common case of a busy log rule
 *   scan      one source, SYN to ports cycling over 1..65535
 *   spoofed   a new source every packet, the table full: lookup miss,
 *             eviction of the least recently seen, a fresh entry
 *   mixed     1000 sources cycling, random ports
 * and, first, in a fresh process, the resident memory (VmRSS) the table
 * adds once every entry of max_sources has been used. Usage: bench/scan_rate
 * [max_sources [packets]]
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "scan.h"

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kib = -1;

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmRSS:", 6))
			kib = strtol(line + 6, NULL, 10);
	if (f)
		fclose(f);
	return kib;
}

static unsigned long alerts;

static void on_alert(const struct scan_alert *a, void *arg)
{
	(void)a;
	(void)arg;
	alerts++;
}

enum mode { M_KNOWN, M_SCAN, M_SPOOFED, M_MIXED };

static void run(const char *name, enum mode m, uint32_t max, unsigned long n)
{
	struct scan_conf c = {
		.max_sources = max,
		.timeout = 3600,
		.dl = { 5, 15, 150, 1500, 10000 },
		.min_ports = 5,
		.min_hosts = 5,
		.source_per_min = 10,
		.total_per_sec = 100,
	};
	struct scan_table *t = scan_table_new(&c);
	struct nfp_addr src = { .family = AF_INET },
			dst = { .family = AF_INET };
	struct scan_pkt p = { .src = &src,
			      .dst = &dst,
			      .proto = IPPROTO_TCP,
			      .has_flags = true,
			      .has_port = true,
			      .flags = SCAN_SYN,
			      .dport = 80 };
	uint32_t x = 1;
	unsigned long i;
	double t0, t1;

	if (!t) {
		fprintf(stderr, "no memory\n");
		exit(1);
	}
	alerts = 0;
	src.in4 = htonl(0x0a000001);
	dst.in4 = htonl(0xc0000201);
	t0 = cpu_now();
	for (i = 0; i < n; i++) {
		p.now = 1000000 + (uint32_t)(i / 1000000);
		switch (m) {
		case M_KNOWN:
			break;
		case M_SCAN:
			p.dport = (uint16_t)(i % 65535 + 1);
			break;
		case M_SPOOFED:
			src.in4 = htonl(0x0b000000 + (uint32_t)i);
			break;
		case M_MIXED:
			x = x * 1103515245u + 12345u;
			src.in4 = htonl(0x0c000000 + (uint32_t)(i % 1000));
			p.dport = (uint16_t)(x >> 16);
			break;
		}
		scan_table_add(t, &p, on_alert, NULL);
	}
	t1 = cpu_now();
	printf("| %s | %lu | %u | %.1f | %lu | %lu |\n", name, n, max,
	       (t1 - t0) * 1e9 / (double)n, alerts,
	       (unsigned long)scan_table_stats(t)->evicted);
	scan_table_free(t);
}

int main(int argc, char **argv)
{
	uint32_t max = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 0) : 8192;
	unsigned long n = argc > 2 ? strtoul(argv[2], NULL, 0) : 10000000;
	struct scan_conf c = {
		.max_sources = max,
		.timeout = 3600,
		.dl = { 5, 15, 150, 1500, 10000 },
		.min_ports = 5,
		.min_hosts = 5,
	};
	struct nfp_addr src = { .family = AF_INET };
	struct scan_pkt p = { .src = &src,
			      .proto = IPPROTO_UDP,
			      .has_port = true,
			      .dport = 53,
			      .now = 1 };
	struct scan_table *t;
	long before, after;
	uint32_t i;

	before = rss_kib();
	t = scan_table_new(&c);
	for (i = 0; t && i < max; i++) {
		src.in4 = htonl(0x0d000000 + i);
		scan_table_add(t, &p, NULL, NULL);
	}
	after = rss_kib();
	printf("max_sources %u: %zu bytes a source, %zu KiB allocated, "
	       "VmRSS +%ld KiB with every entry used\n",
	       max, scan_source_bytes(), t ? scan_table_bytes(t) / 1024 : 0,
	       after - before);
	printf("\n");
	scan_table_free(t);
	printf("| case | packets | max_sources | ns/packet | alerts | evicted |\n");
	printf("|---|---:|---:|---:|---:|---:|\n");
	run("known", M_KNOWN, max, n);
	run("scan", M_SCAN, max, n);
	run("spoofed", M_SPOOFED, max, n);
	run("mixed", M_MIXED, max, n);

	return 0;
}
