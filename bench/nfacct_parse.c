/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench/nfacct_parse - NFACCT's per-object cost, without a socket
 *
 * Usage: nfacct_parse [-n REPS] DATAGRAM...
 * Walks the recorded nfnetlink_acct datagrams REPS times (default 100)
 * with nfacct_dgram(), one reused struct nfacct, and fills a record from
 * every object as the daemon does (nfacct_fill), then prints objects and
 * ns per object. Run it under `valgrind --tool=callgrind
 * --toggle-collect=nfacct_dgram` for instructions per object. A
 * benchmark, not a test: not built by make. Build from a configured tree:
 *   gcc -O2 -I. -Iinclude -Icore -Iplugins/input/nfacct -include config.h \
 *     bench/nfacct_parse.c plugins/input/nfacct/nfacct_parse.c \
 *     .libs/libnfpcore.a -lnetfilter_acct -lmnl -lltdl -lpthread \
 *     -o /tmp/nfacct_parse
 * The datagrams of a dump of 1000 objects: `nfacct restore` them in a
 * namespace, then tests/data/nfct/nfct-record.c -a -n 0 PREFIX there.
 */
#include "nfp.h"

#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "../tests/fuzz/flatrec.h"
#include "nfacct_parse.h"

static struct nfp_rec rec;		      /* laid out for nfacct_keys */
static struct nfp_value slots[NFACCT_K__MAX]; /* its values */
static uint64_t valid[1];		      /* its valid bitmap */
static int32_t map[NFACCT_K__MAX];	      /* key index -> slot */
static uint64_t used[1];		      /* every key wanted */
static uint64_t sink;			      /* keeps the work alive */

static void obj(void *arg, struct nfacct *acct, const struct nfacct_info *info,
		uint32_t seq)
{
	nfp_rec_reset(&rec);
	nfacct_fill(&rec, acct, info, seq, 0);
	sink += nfp_get(&rec, NFACCT_K_PKTS)->u64 +
		nfp_get(&rec, NFACCT_K_NAME)->str.len;
}

static const struct nfacct_dgram_ops ops = { .obj = obj };

int main(int argc, char **argv)
{
	static uint8_t buf[16][65536];
	size_t len[16];
	unsigned int reps = 100, nf = 0, r, i, n = 0;
	struct timespec t0, t1;
	struct nfacct *acct;
	int c;

	while ((c = getopt(argc, argv, "n:")) != -1) {
		if (c != 'n')
			return 2;
		reps = (unsigned int)atoi(optarg);
	}
	for (; optind < argc && nf < 16; optind++) {
		FILE *f = fopen(argv[optind], "rb");

		if (!f) {
			perror(argv[optind]);
			return 1;
		}
		len[nf] = fread(buf[nf], 1, sizeof(buf[nf]), f);
		fclose(f);
		nf++;
	}
	flat_rec_init(&rec, slots, map, valid, used, NFACCT_K__MAX);
	acct = nfacct_alloc();
	if (!acct || !nf)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (r = 0; r < reps; r++)
		for (i = 0; i < nf; i++)
			n += nfacct_dgram(buf[i], len[i], acct, &ops, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%u objects, %.1f ns per object (sink %llu)\n", n,
	       ((double)(t1.tv_sec - t0.tv_sec) * 1e9 +
		(double)(t1.tv_nsec - t0.tv_nsec)) /
		       (n ? n : 1),
	       (unsigned long long)sink);
	nfacct_free(acct);
	return 0;
}
