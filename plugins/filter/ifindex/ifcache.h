/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter/ifindex/ifcache - interface names by index, fed by rtnetlink
 *
 * A small hash of ifindex -> name, kept current from RTM_NEWLINK and
 * RTM_DELLINK messages (a dump at start, then the RTMGRP_LINK multicast).
 * A NEWLINK for a known index renames it (a rename, or an index the kernel
 * gave to a new link after the old one went); a DELLINK removes it. After
 * a full dump, entries the dump did not mention are swept: that repairs
 * the cache after lost notifications (ENOBUFS).
 *
 * Pure: no sockets, no logging; callers hand in the bytes they received.
 * Not thread-safe: the main thread owns it. A name returned by
 * ifc_lookup() stays valid until the next ifc_set(), ifc_del(), ifc_feed()
 * or ifc_sweep() that touches its index.
 */
#ifndef NFP_FILTER_IFCACHE_H
#define NFP_FILTER_IFCACHE_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

#define IFC_BUCKETS 256		/* power of two */

struct ifc_entry {
	struct ifc_entry *next;	/* bucket chain */
	uint32_t index;		/* ifindex, never 0 */
	uint32_t gen;		/* dump generation that last saw it */
	char name[IFNAMSIZ];	/* NUL-terminated */
};

struct ifc {
	struct ifc_entry *bucket[IFC_BUCKETS];	/* chains by index */
	uint32_t gen;		/* current dump generation */
	unsigned int count;	/* entries */
};

/* What one rtnetlink message means to the cache. */
enum ifc_kind {
	IFC_OTHER = 0,		/* not for us (other type, other family) */
	IFC_NEW,		/* link exists with this name */
	IFC_DEL,		/* link is gone */
	IFC_DONE,		/* end of a dump */
	IFC_ERROR,		/* NLMSG_ERROR with a non-zero error */
};

struct ifc_msg {
	enum ifc_kind kind;	/* see enum ifc_kind */
	uint32_t index;		/* IFC_NEW, IFC_DEL */
	uint32_t seq;		/* nlmsg_seq: 0 for notifications */
	uint16_t flags;		/* nlmsg_flags (NLM_F_DUMP_INTR ...) */
	int error;		/* IFC_ERROR: negative errno */
	char name[IFNAMSIZ];	/* IFC_NEW */
};

/* Counts from ifc_feed(), for the caller's log and counters. */
struct ifc_stats {
	unsigned int applied;	/* NEW and DEL messages applied */
	unsigned int bad;	/* messages that failed to parse */
	int done_seq;		/* seq of the last NLMSG_DONE, or -1 */
	int error;		/* last NLMSG_ERROR's error, or 0 */
	uint32_t error_seq;	/* its seq */
	int intr;		/* a message said NLM_F_DUMP_INTR */
};

#define IFC_STATS_INIT { .done_seq = -1 }

void ifc_init(struct ifc *c);
void ifc_free(struct ifc *c);

/* The name of @index, or NULL when the cache does not know it. */
const char *ifc_lookup(const struct ifc *c, uint32_t index);
/* Add or rename; marks the entry seen in the current generation. */
int ifc_set(struct ifc *c, uint32_t index, const char *name);
void ifc_del(struct ifc *c, uint32_t index);
/* Drop every entry not seen since ifc_begin_dump() started @gen. */
void ifc_sweep(struct ifc *c, uint32_t gen);
/* Start a new generation for a dump; returns it for ifc_sweep(). */
uint32_t ifc_begin_dump(struct ifc *c);

/*
 * Parse the one netlink message at @buf (@len bytes available). Returns the
 * message's length (aligned) so the caller can step on, or -EINVAL when the
 * bytes are not a well-formed message; *@m says what it means.
 */
int ifc_parse(const void *buf, size_t len, struct ifc_msg *m);

/*
 * Apply every message of one received datagram to @c and add what was seen
 * to @st (start it as IFC_STATS_INIT). A malformed message ends the
 * datagram: the rest cannot be framed. Returns 0 or -ENOMEM.
 */
int ifc_feed(struct ifc *c, const void *buf, size_t len,
	     struct ifc_stats *st);

#endif /* NFP_FILTER_IFCACHE_H */
