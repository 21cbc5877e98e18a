/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * input/nfct - the table of live flows that pairs NEW with DESTROY
 *
 * A chained hash of the connections nfpipe has seen begin (or found in a
 * dump), keyed by the original tuple, the zone and the conntrack id. Each
 * entry keeps the last state seen (struct nfct_flow: tuples, counters,
 * helper, master) and the flow's start time, so that a DESTROY event,
 * which carries neither helper nor master, or a flow that vanished between
 * two dumps, can be reported whole. Entries come from slabs of 256 that are
 * kept until the table is freed: after warm-up nothing is allocated per
 * event. Bounded by hash_max_entries: nfct_hash_add() returns NULL when
 * full. Pure data structure: no sockets, no logging, one thread.
 */
#ifndef NFP_NFCT_HASH_H
#define NFP_NFCT_HASH_H

#include <stdint.h>

#include "nfct_parse.h"

struct nfct_entry {
	struct nfct_entry *next;	/* bucket chain, or the free list */
	struct nfct_flow flow;		/* last state seen */
	struct nfct_times times;	/* start (end is not kept) */
	uint32_t gen;			/* dump generation that last saw it */
	uint32_t hash;			/* of the key fields of flow */
};

struct nfct_hash {
	struct nfct_entry **bucket;	/* nbuckets chains */
	uint32_t nbuckets;		/* hash_buckets */
	uint32_t count;			/* entries in use */
	uint32_t max;			/* hash_max_entries */
	uint32_t nslabs;		/* entries in slabs */
	struct nfct_entry *free;	/* unused entries */
	struct nfct_entry **slabs;	/* owned blocks of entries */
};

/* 0, or -ENOMEM. @buckets and @max must be at least 1. */
int nfct_hash_init(struct nfct_hash *h, uint32_t buckets, uint32_t max);
void nfct_hash_free(struct nfct_hash *h);

/* The entry of the connection @f describes, or NULL. */
struct nfct_entry *nfct_hash_find(const struct nfct_hash *h,
				  const struct nfct_flow *f);

/*
 * A new entry for @f (copied in; times cleared, gen 0), or NULL when the
 * table is full or memory ran out. The caller checked it was not there.
 */
struct nfct_entry *nfct_hash_add(struct nfct_hash *h,
				 const struct nfct_flow *f);

/* Remove and recycle @e; @e is invalid afterwards. */
void nfct_hash_del(struct nfct_hash *h, struct nfct_entry *e);

/*
 * Remove every entry whose gen is not @gen, calling @cb(@arg, entry) for
 * each just before it goes. Returns how many went. @cb must not touch the
 * table.
 */
unsigned int nfct_hash_purge(struct nfct_hash *h, uint32_t gen,
			     void (*cb)(void *arg, struct nfct_entry *e),
			     void *arg);

/* True when @a and @b describe the same connection. */
bool nfct_same_conn(const struct nfct_flow *a, const struct nfct_flow *b);

#endif /* NFP_NFCT_HASH_H */
