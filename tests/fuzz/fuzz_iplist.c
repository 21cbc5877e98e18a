/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/fuzz/fuzz_iplist - the blocklist parser and merger on any bytes
 *
 * The first byte picks the format (auto, p2p, cidr, dshield, spamhaus,
 * ipset); the rest is the list. The list is parsed, merged, looked up at
 * the edges of every merged range and covered with CIDRs; each network of
 * the cover must lie inside its range and the cover must be contiguous.
 * Nothing may crash, leak, read out of bounds or break those invariants
 * (abort) whatever the bytes. Built without NFP_LIBFUZZER it replays
 * tests/data/iplist/ (replay.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "iplist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The cover walks the ranges in order: each network starts at next. */
struct walk {
	ipl_u128 next; /* where the next network must start, or 0 */
	int family;    /* of the previous network */
	int started;   /* a network has been seen in this family */
};

static int check_net(void *ctx, int family, ipl_u128 addr, unsigned int pfx)
{
	struct walk *w = ctx;
	unsigned int bits = family == AF_INET ? 32 : 128;
	ipl_u128 host;

	if (pfx > bits)
		abort();
	host = pfx == 0	     ? (bits == 32 ? 0xffffffffu : ~(ipl_u128)0)
	       : pfx >= bits ? 0
			     : ((((ipl_u128)1) << (bits - pfx)) - 1);
	if (addr & host)
		abort(); /* not aligned: not a network */
	if (w->started && w->family == family && addr < w->next)
		abort(); /* overlaps the previous network */
	w->family = family;
	w->started = 1;
	w->next = addr + host + 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct walk w = { 0, 0, 0 };
	struct iplist *l;
	size_t i, n4, n6;

	if (!size)
		return 0;
	l = ipl_new((enum ipl_format)(data[0] % IPL__NFORMATS), 0);
	if (!l)
		return 0;
	ipl_add_text(l, (const char *)data + 1, size - 1);
	ipl_finish(l);
	for (i = 0; i < l->n4; i++) {
		if (ipl_find4(l, l->v4[i].lo) != &l->v4[i] ||
		    ipl_find4(l, l->v4[i].hi) != &l->v4[i])
			abort();
		if (i && l->v4[i].lo <= l->v4[i - 1].hi + 1)
			abort(); /* not merged */
		(void)ipl_desc(l, l->v4[i].desc);
	}
	for (i = 0; i < l->n6; i++) {
		if (ipl_find6(l, l->v6[i].lo) != &l->v6[i] ||
		    ipl_find6(l, l->v6[i].hi) != &l->v6[i])
			abort();
		(void)ipl_desc(l, l->v6[i].desc);
	}
	ipl_cidrs(l, check_net, &w);
	ipl_count_cidrs(l, &n4, &n6);
	ipl_free(l);
	return 0;
}

static const char *const NFP_FUZZ_CORPUS[] = { "tests/data/iplist", NULL };
#include "replay.h"
