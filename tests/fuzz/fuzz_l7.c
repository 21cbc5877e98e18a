/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/fuzz/fuzz_l7 - L7's flow table and nDPI on any bytes
 *
 * One flow table (64 flows, so evictions happen; nDPI; the zorp pattern of
 * tests/data/l7 when it is found) lives across inputs, as it does in the
 * daemon. An input is a packet; one that starts with "L7" is a series of
 * packets, each a 2-byte big-endian length and its bytes, fed with a
 * clock that advances by the first byte's worth of seconds so that flows
 * also end idle. Each packet is fed as it is and again with its addresses
 * swapped, so both directions of its flow are seen; some carry conntrack
 * ids from a small set, so the id chains collide. Every packet is copied
 * into a buffer of exactly its size (a read past the end shows in the
 * sanitizer), every emitted flow is read field by field, and the table
 * must stay within its size. Built without NFP_LIBFUZZER it replays BASE's
 * corpus tests/data/pkt/ and tests/data/l7/ (replay.h).
 */
#include "nfp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "l7_flow.h"
#include "l7_ndpi.h"
#include "l7_pat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_FLOWS 64

static struct l7_ctx *ctx;
static struct l7n *ndpi;
static struct l7p_set *pats;
static uint64_t ctr[L7C__COUNT];
static uint64_t now_us = 1700000000000000ull;
static volatile size_t sink;

static void on_emit(void *arg, const struct l7_flow *f, enum l7_end why)
{
	uint16_t port;

	(void)arg;
	sink += strlen(f->host) + (size_t)why;
	sink += strlen(l7n_proto_name(ndpi, f->master));
	sink += strlen(l7n_proto_name(ndpi, f->app));
	sink += strlen(l7n_category_name(ndpi, f->category));
	if (f->pattern >= 0)
		sink += strlen(l7p_name(pats, (unsigned int)f->pattern));
	sink += l7_flow_addr(f, false, &port)[0] + port;
	sink += l7_flow_addr(f, true, &port)[0] + port;
	if (f->risk)
		sink += strlen(l7n_risk_name(63));
}

static void cleanup(void)
{
	l7_ctx_flush(ctx);
	l7_ctx_free(ctx);
	l7n_free(ndpi);
	l7p_free(pats);
}

static void setup(void)
{
	const char *top = getenv("top_srcdir");
	struct l7_conf c = {
		.max_flows = FUZZ_FLOWS,
		.max_packets = 8,
		.pat_bytes = 64,
		.idle_us = 30000000,
		.linger_us = 60000000,
	};
	char spec[4096], err[256];

	snprintf(spec, sizeof(spec), "%s/tests/data/l7", top ? top : ".");
	if (l7p_load(spec, &pats, err, sizeof(err)))
		pats = NULL;
	ndpi = l7n_new();
	if (!ndpi)
		abort();
	ctx = l7_ctx_new(&c, ndpi, pats, on_emit, NULL, ctr);
	if (!ctx)
		abort();
	atexit(cleanup);
}

static void one(const uint8_t *p, size_t len)
{
	struct l7_pkt k = { 0 };
	struct l7_flow *f;
	uint8_t *copy;
	bool reply;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		copy = malloc(len ? len : 1);
		if (!copy)
			return;
		memcpy(copy, p, len);
		if (pass == 1) {
			/* The other direction: swap the addresses. */
			size_t a = 0, n = 0;
			uint8_t t[16];

			if (len >= 20 && copy[0] >> 4 == 4)
				a = 12, n = 4;
			else if (len >= 40 && copy[0] >> 4 == 6)
				a = 8, n = 16;
			if (!n) {
				free(copy);
				return;
			}
			memcpy(t, copy + a, n);
			memmove(copy + a, copy + a + n, n);
			memcpy(copy + a + n, t, n);
		}
		k.data = copy;
		k.len = (uint32_t)len;
		k.ts_us = now_us;
		k.prefix = (uint16_t)(len & 3);
		/* Conntrack ids from a small set: chains share and collide. */
		k.has_ct = len & 4;
		k.ct_id = (uint32_t)(len & 0x1f);
		f = l7_packet(ctx, &k, &reply);
		if (f)
			sink += strlen(f->host) + f->pkts[0] + f->pkts[1];
		f = l7_lookup_ct(ctx, (uint32_t)(len & 0x1f));
		if (f && (!f->has_ct || f->ct_id != (len & 0x1f)))
			abort();
		if (l7_ctx_count(ctx) > FUZZ_FLOWS)
			abort();
		free(copy);
		now_us += 1000;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t off, n;

	if (!ctx)
		setup();
	if (size > 65535 * 64)
		return 0;
	if (size >= 3 && data[0] == 'L' && data[1] == '7') {
		for (off = 2; off + 2 <= size;) {
			n = (size_t)data[off] << 8 | data[off + 1];
			off += 2;
			if (n > size - off)
				n = size - off;
			one(data + off, n);
			if (n)
				now_us += (uint64_t)data[off] * 1000000;
			off += n;
			l7_expire(ctx, now_us);
		}
	} else {
		one(data, size);
	}
	l7_expire(ctx, now_us);
	return 0;
}

static const char *const NFP_FUZZ_CORPUS[] = { "tests/data/pkt",
					       "tests/data/l7", NULL };
#include "replay.h"
