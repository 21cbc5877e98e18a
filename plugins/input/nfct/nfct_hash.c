/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * input/nfct - the table of live flows that pairs NEW with DESTROY
 *
 * See nfct_hash.h. The key is the original tuple as the kernel keys its own
 * table (addresses, protocol, ports or ICMP id/type/code, tuple zone) plus
 * the entry's zone; the conntrack id, when both sides have one, tells a new
 * connection from an old one that reused the same tuple between two dumps.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "nfct_hash.h"

#define NFCT_SLAB	256	/* entries allocated at a time */

/* The tuple fields that identify a connection, packed for hashing. */
struct hkey {
	uint8_t src[16];	/* network order */
	uint8_t dst[16];	/* network order */
	uint16_t sport;		/* or ICMP id */
	uint16_t dport;		/* or ICMP type << 8 | code */
	uint16_t tzone;		/* tuple zone */
	uint16_t zone;		/* entry zone */
	uint8_t l3;		/* AF_INET, AF_INET6 */
	uint8_t proto;		/* IPPROTO_* */
	uint8_t pad[2];		/* zero */
};

static void make_key(const struct nfct_flow *f, struct hkey *k)
{
	const struct nfct_tuple *t = &f->orig;

	memset(k, 0, sizeof(*k));
	memcpy(k->src, t->src, t->l3 == AF_INET ? 4 : 16);
	memcpy(k->dst, t->dst, t->l3 == AF_INET ? 4 : 16);
	if (t->has & NFCT_TUP_PORTS) {
		k->sport = t->sport;
		k->dport = t->dport;
	}
	if (t->has & NFCT_TUP_ICMP)
		k->dport = (uint16_t)(t->icmp_type << 8 | t->icmp_code);
	if (t->has & NFCT_TUP_ICMP_ID)
		k->sport = t->icmp_id;
	if (t->has & NFCT_TUP_ZONE)
		k->tzone = t->zone;
	k->zone = f->zone;
	k->l3 = t->l3;
	k->proto = t->proto;
}

/* FNV-1a over the key, then a final mix so low bits vary too. */
static uint32_t key_hash(const struct hkey *k)
{
	const uint8_t *p = (const uint8_t *)k;
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < sizeof(*k); i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	return h;
}

static uint32_t flow_hash(const struct nfct_flow *f)
{
	struct hkey k;

	make_key(f, &k);
	return key_hash(&k);
}

static uint32_t bucket_of(const struct nfct_hash *h, uint32_t hash)
{
	/* Multiply-shift instead of a division; any bucket count works. */
	return (uint32_t)(((uint64_t)hash * h->nbuckets) >> 32);
}

bool nfct_same_conn(const struct nfct_flow *a, const struct nfct_flow *b)
{
	struct hkey ka, kb;

	make_key(a, &ka);
	make_key(b, &kb);
	if (memcmp(&ka, &kb, sizeof(ka)))
		return false;
	if ((a->has & NFCT_HAS_ID) && (b->has & NFCT_HAS_ID) && a->id != b->id)
		return false;
	return true;
}

int nfct_hash_init(struct nfct_hash *h, uint32_t buckets, uint32_t max)
{
	memset(h, 0, sizeof(*h));
	h->bucket = calloc(buckets, sizeof(*h->bucket));
	if (!h->bucket)
		return -ENOMEM;
	h->nbuckets = buckets;
	h->max = max;
	return 0;
}

void nfct_hash_free(struct nfct_hash *h)
{
	uint32_t i;

	for (i = 0; i < h->nslabs / NFCT_SLAB; i++)
		free(h->slabs[i]);
	free(h->slabs);
	free(h->bucket);
	memset(h, 0, sizeof(*h));
}

struct nfct_entry *nfct_hash_find(const struct nfct_hash *h,
				  const struct nfct_flow *f)
{
	uint32_t hash = flow_hash(f);
	struct nfct_entry *e;

	for (e = h->bucket[bucket_of(h, hash)]; e; e = e->next)
		if (e->hash == hash && nfct_same_conn(&e->flow, f))
			return e;
	return NULL;
}

/* One more slab on the free list; -ENOMEM when that fails. */
static int grow(struct nfct_hash *h)
{
	uint32_t n = h->nslabs / NFCT_SLAB, i;
	struct nfct_entry **slabs, *s;

	slabs = realloc(h->slabs, (n + 1) * sizeof(*slabs));
	if (!slabs)
		return -ENOMEM;
	h->slabs = slabs;
	s = calloc(NFCT_SLAB, sizeof(*s));
	if (!s)
		return -ENOMEM;
	slabs[n] = s;
	for (i = 0; i < NFCT_SLAB; i++) {
		s[i].next = h->free;
		h->free = &s[i];
	}
	h->nslabs += NFCT_SLAB;
	return 0;
}

struct nfct_entry *nfct_hash_add(struct nfct_hash *h,
				 const struct nfct_flow *f)
{
	struct nfct_entry *e;
	uint32_t b;

	if (h->count >= h->max)
		return NULL;
	if (!h->free && grow(h) < 0)
		return NULL;
	e = h->free;
	h->free = e->next;
	e->flow = *f;
	e->flow.why = NULL;
	memset(&e->times, 0, sizeof(e->times));
	e->gen = 0;
	e->hash = flow_hash(f);
	b = bucket_of(h, e->hash);
	e->next = h->bucket[b];
	h->bucket[b] = e;
	h->count++;
	return e;
}

void nfct_hash_del(struct nfct_hash *h, struct nfct_entry *e)
{
	struct nfct_entry **pp = &h->bucket[bucket_of(h, e->hash)];

	while (*pp && *pp != e)
		pp = &(*pp)->next;
	if (!*pp)
		return;
	*pp = e->next;
	e->next = h->free;
	h->free = e;
	h->count--;
}

unsigned int nfct_hash_purge(struct nfct_hash *h, uint32_t gen,
			     void (*cb)(void *arg, struct nfct_entry *e),
			     void *arg)
{
	unsigned int n = 0;
	uint32_t i;

	for (i = 0; i < h->nbuckets; i++) {
		struct nfct_entry **pp = &h->bucket[i], *e;

		while ((e = *pp)) {
			if (e->gen == gen) {
				pp = &e->next;
				continue;
			}
			if (cb)
				cb(arg, e);
			*pp = e->next;
			e->next = h->free;
			h->free = e;
			h->count--;
			n++;
		}
	}
	return n;
}
