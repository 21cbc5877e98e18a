/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter/l7 - L7's flow table and detection, without the plugin around it
 *
 * l7_packet() takes one IP packet (from its network header, as NFLOG gives
 * it), finds or makes its flow (both directions are one flow, keyed by the
 * 5-tuple), feeds nDPI and the .pat patterns until the flow has a verdict,
 * and returns the flow with its label. The table holds at most max_flows
 * flows, preallocated with their detection states at l7_ctx_new(): a flow
 * that already exists costs no allocation (nDPI itself may allocate inside
 * its flow state, e.g. an HTTP URL). When the table is full the least
 * recently used flow is evicted. A finished flow (FIN both ways, RST, idle,
 * eviction, l7_ctx_flush()) is handed to the emit callback once; it then
 * stays in the table, label and all, for `linger` so that a conntrack event
 * arriving later can still find its label (l7_lookup()). Pure: no record,
 * no clock, no log; the plugin (l7.c) and the fuzz target drive it. Single
 * threaded.
 */
#ifndef NFP_FILTER_L7_FLOW_H
#define NFP_FILTER_L7_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "l7_ndpi.h"
#include "l7_pat.h"

/* Why a flow record is emitted. */
enum l7_end {
	L7_END_FIN,   /* FIN seen from both sides */
	L7_END_RST,   /* a RST */
	L7_END_IDLE,  /* nothing for `idle_timeout` */
	L7_END_EVICT, /* the table was full and this flow was the oldest */
	L7_END_STOP,  /* the daemon stopped */
};

/* Counters, the plugin's counter names in this order. */
enum l7_ctr {
	L7C_FLOWS,	  /* flows made */
	L7C_DETECTED,	  /* flows nDPI named from their content */
	L7C_GUESSED,	  /* flows nDPI gave up on and guessed by port */
	L7C_UNDETECTED,	  /* flows nDPI gave up on without a guess */
	L7C_EVICTED,	  /* unfinished flows evicted by a full table */
	L7C_PATTERN_HITS, /* flows a .pat pattern matched */
	L7C_MALFORMED,	  /* packets too short or inconsistent to key */
	L7C_NOT_IP,	  /* packets that are not IPv4 or IPv6 */
	L7C__COUNT
};

/* The 5-tuple in a canonical order: side a is the smaller (addr, port). */
struct l7_key {
	uint8_t a[16];	/* side a address (IPv4 in the first 4 bytes) */
	uint8_t b[16];	/* side b address */
	uint16_t pa;	/* side a port, host order; 0 without ports */
	uint16_t pb;	/* side b port */
	uint8_t proto;	/* IP protocol */
	uint8_t family; /* 4 or 6 */
	uint8_t pad[2]; /* zero */
};

enum l7_fstate {
	L7F_FREE = 0, /* on the free list */
	L7F_LIVE,     /* counting packets, maybe still detecting */
	L7F_ENDED,    /* emitted; kept for its label until linger passes */
};

struct l7_flow {
	struct l7_key key; /* both directions map here */
	uint32_t hnext;	   /* hash chain: next flow's index + 1, 0 ends */
	uint32_t prev;	   /* LRU: newer flow's index + 1, 0 at the head */
	uint32_t next;	   /* LRU: older flow's index + 1, 0 at the tail */
	uint32_t det;	   /* detection slot index + 1, 0 when none */
	uint32_t cnext;	   /* conntrack-id chain: next index + 1, 0 ends */
	uint64_t first_us; /* time of the first packet, microseconds */
	uint64_t last_us;  /* time of the last packet */
	uint64_t bytes[2]; /* IP bytes: [0] from the opener, [1] replies */
	uint64_t pkts[2];  /* packets, the same way */
	uint64_t risk;	   /* nDPI's risk bits */
	uint32_t ct_id;	   /* conntrack id when the packets carried one */
	uint16_t prefix;   /* the plugin's id of the first log prefix */
	uint16_t master;   /* nDPI master protocol id, 0: none */
	uint16_t app;	   /* nDPI application id, 0: none */
	uint16_t category; /* nDPI category id */
	int16_t pattern;   /* index of the matching .pat, -1: none */
	uint8_t state;	   /* enum l7_fstate */
	uint8_t init_side; /* 0: side a opened the flow, 1: side b */
	uint8_t fin;	   /* bit 0: FIN from the opener, bit 1: reply */
	uint8_t fed;	   /* packets given to detection */
	uint8_t icmp_type; /* first packet's ICMP type, if has_icmp */
	uint8_t icmp_code; /* and code */
	bool has_icmp;	   /* the first packet was ICMP or ICMPv6 */
	bool has_ct;	   /* ct_id is set */
	bool in_ct;	   /* linked in the conntrack-id chains */
	bool labelled;	   /* nDPI gave a verdict (or gave up) */
	bool guessed;	   /* the verdict is nDPI's guess */
	bool ndpi_done;	   /* nDPI needs no more packets */
	char host[80];	   /* nDPI's host name of the flow, "" none */
};

/* One packet for l7_packet(). */
struct l7_pkt {
	const uint8_t *data; /* from the IP header */
	uint32_t len;	     /* captured bytes of data */
	uint64_t ts_us;	     /* packet time, microseconds */
	uint32_t ct_id;	     /* conntrack id, if has_ct */
	bool has_ct;	     /* the packet came with a conntrack id */
	uint16_t prefix;     /* the plugin's id of its log prefix */
};

typedef void (*l7_emit_cb)(void *arg, const struct l7_flow *f, enum l7_end why);

struct l7_conf {
	uint32_t max_flows;   /* table size */
	uint32_t max_packets; /* packets per flow given to detection */
	uint32_t pat_bytes;   /* bytes per direction kept for patterns */
	uint64_t idle_us;     /* a live flow idle this long ends */
	uint64_t linger_us;   /* an ended flow is kept this long */
};

struct l7_ctx;

/*
 * A table for @conf, detecting with @ndpi and @pats (either may be NULL;
 * both stay the caller's), emitting through @emit with @arg, counting into
 * @ctr (L7C__COUNT counters, the caller's). NULL when out of memory.
 */
struct l7_ctx *l7_ctx_new(const struct l7_conf *conf, struct l7n *ndpi,
			  struct l7p_set *pats, l7_emit_cb emit, void *arg,
			  uint64_t *ctr);

/* Free the table; flows not emitted yet are dropped silently. */
void l7_ctx_free(struct l7_ctx *c);

/*
 * Account one packet. Returns its flow (label in it), or NULL when the
 * packet has no flow: malformed, not IP (both counted), a later fragment.
 * *@reply tells whether the packet went against the flow's opening
 * direction. The flow may be emitted from inside this call (its FIN, or
 * the eviction of another flow).
 */
struct l7_flow *l7_packet(struct l7_ctx *c, const struct l7_pkt *p,
			  bool *reply);

/*
 * The flow of a 5-tuple given in either direction (addresses of @family 4
 * or 6, 4 or 16 bytes in network order; ports in host order), or NULL.
 */
struct l7_flow *l7_lookup(struct l7_ctx *c, uint8_t family, uint8_t proto,
			  const void *saddr, const void *daddr, uint16_t sport,
			  uint16_t dport);

/* The newest flow whose packets carried conntrack id @id, or NULL. */
struct l7_flow *l7_lookup_ct(struct l7_ctx *c, uint32_t id);

/* End flows idle at @now_us and forget ended ones past linger. */
void l7_expire(struct l7_ctx *c, uint64_t now_us);

/* Emit every live flow (L7_END_STOP), oldest first. */
void l7_ctx_flush(struct l7_ctx *c);

/* Flows in the table, live or lingering. */
uint32_t l7_ctx_count(const struct l7_ctx *c);

/* The opener's address and port of @f, and the other side's. */
const uint8_t *l7_flow_addr(const struct l7_flow *f, bool reply,
			    uint16_t *port);

#endif /* NFP_FILTER_L7_FLOW_H */
