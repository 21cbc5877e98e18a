/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench/set_batch - what one flush of NFTSET and IPSET costs the main thread
 *
 * Runs the real plugins (linked statically, through the test harness)
 * against the kernel of the network namespace it is started in (root;
 * bench/set-batch makes a throwaway one). For each batch size N it pushes
 * N new addresses into the output and times the flush, which is the
 * whole kernel round trip (libnftables: one transaction; libipset: one
 * message per set and page), REPS times, and prints the median: µs per
 * batch and per address. Then the same addresses again with refresh=0
 * (every one a renewal), and the cost of process() for a source that is
 * only repeated (what a flood from one address costs per record).
 */
#include "nfp.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "harness.h"

extern const struct nfp_plugin nfp_output_nftset;
extern const struct nfp_plugin nfp_output_ipset;

static const struct nfp_key addrin_keys[] = { { "ip.saddr", NFP_T_ADDR },
					      { 0 } };

static const struct nfp_plugin addrin_plugin = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_INPUT,
	.name = "ADDRIN",
	.summary = "bench input: addresses",
	.out_keys = addrin_keys,
};

static const struct nfp_plugin *plugins[] = { &nfp_output_nftset,
					      &nfp_output_ipset, &addrin_plugin,
					      NULL };

#define REPS 21

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void push(struct nfpt *t, uint32_t a)
{
	struct nfp_inst *in = nfpt_inst(t, "in");
	struct nfp_rec *r = nfp_rec_new(in);

	nfp_set_in4(r, 0, htonl(a));
	nfp_rec_push(in, r);
}

/* Median µs of a flush of @n addresses starting at @base, REPS times
 * (each rep new addresses unless @same). */
static double run(struct nfpt *t, const struct nfp_plugin *pl, unsigned n,
		  uint32_t base, int same)
{
	struct nfp_inst *o = nfpt_inst(t, "out");
	double v[REPS], t0;
	unsigned int r, i;

	for (r = 0; r < REPS; r++) {
		uint32_t b = base + (same ? 0 : r * n);

		for (i = 0; i < n; i++)
			push(t, b + i);
		t0 = now_us();
		pl->flush(o);
		v[r] = now_us() - t0;
	}
	qsort(v, REPS, sizeof(v[0]), cmp);
	return v[REPS / 2];
}

static void bench(const char *name, const struct nfp_plugin *pl,
		  const char *opts)
{
	static const unsigned int sizes[] = { 1, 10, 100, 1000 };
	char conf[1024];
	struct nfpt *t;
	unsigned int i, j;
	double us, t0;

	snprintf(conf, sizeof(conf),
		 "[global]\nstack=in:ADDRIN,out:%s\n[out]\n%s\n"
		 "create=yes\ntimeout=1h\nrefresh=0\ncache_size=1048576\n",
		 name, opts);
	t = nfpt_new(conf, plugins);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		/* 10.x.0.0 onwards: a fresh /16 per size. */
		uint32_t base = (10u << 24) | ((i + 1) << 16);

		us = run(t, pl, sizes[i], base, 0);
		printf("%-6s add     %5u addresses: %9.1f us/batch %8.2f us/address\n",
		       name, sizes[i], us, us / sizes[i]);
		us = run(t, pl, sizes[i], base, 1);
		printf("%-6s refresh %5u addresses: %9.1f us/batch %8.2f us/address\n",
		       name, sizes[i], us, us / sizes[i]);
	}
	nfpt_free(t);

	/* A repeated source: process() only, never the kernel. */
	snprintf(conf, sizeof(conf),
		 "[global]\nstack=in:ADDRIN,out:%s\n[out]\n%s\n"
		 "create=yes\ntimeout=1h\n",
		 name, opts);
	t = nfpt_new(conf, plugins);
	push(t, (10u << 24) | (9u << 16) | 1);
	pl->flush(nfpt_inst(t, "out"));
	t0 = now_us();
	for (j = 0; j < 1000000; j++)
		push(t, (10u << 24) | (9u << 16) | 1);
	us = now_us() - t0;
	printf("%-6s repeat of one source: %.1f ns/record (1e6 records, "
	       "push + process)\n",
	       name, us * 1e3 / 1e6);
	nfpt_free(t);
}

int main(void)
{
	bench("NFTSET", &nfp_output_nftset, "table=bench\nset=b4");
	bench("IPSET", &nfp_output_ipset, "set=b4");
	return 0;
}
