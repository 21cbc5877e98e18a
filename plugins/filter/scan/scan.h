/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter/scan - the scan detector's table, apart from the plugin glue
 *
 * scan_table_add() takes one logged packet reduced to what a scan detector
 * needs (source, target, protocol, TCP flags, port, ICMP echo, time) and
 * calls back once for every alert it raises: when a source first qualifies
 * for a scan type and each time that type's danger level rises. All memory
 * is allocated by scan_table_new(): max_sources fixed-size entries, a hash
 * of them by address, an LRU list threaded through them. A packet from a
 * known source allocates nothing; a new source takes a free entry or the
 * least recently seen one (counted in evicted). Time is the packet's own
 * (seconds), so replays and tests are deterministic. Single-threaded.
 */
#ifndef NFP_SCAN_H
#define NFP_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nfpipe/key.h>

/* The scan types, in the order of their names in scan_type_name(). */
enum scan_type {
	ST_SYN,	      /* SYN only */
	ST_FIN,	      /* FIN only */
	ST_NULL,      /* no flag */
	ST_XMAS,      /* FIN PSH URG */
	ST_ACK,	      /* ACK only */
	ST_MAIMON,    /* FIN ACK */
	ST_UDP,	      /* UDP datagrams to many ports */
	ST_BADFLAGS,  /* SYN+FIN, SYN+RST, FIN+RST, or every flag */
	ST_PORTSWEEP, /* one port across many hosts */
	ST_PINGSWEEP, /* ICMP/ICMPv6 echo requests across many hosts */
	ST_PROTO,     /* many IP protocols */
	ST__N
};

/* Types whose distinct destination ports are counted in a port sketch. */
#define ST__NPORT (ST_BADFLAGS + 1)

#define SCAN_NDL 5 /* danger levels DL1..DL5 */

/* TCP flag bits as in the header's 13th byte. */
#define SCAN_FIN 0x01
#define SCAN_SYN 0x02
#define SCAN_RST 0x04
#define SCAN_PSH 0x08
#define SCAN_ACK 0x10
#define SCAN_URG 0x20

struct scan_conf {
	uint32_t max_sources;	 /* entries preallocated */
	uint32_t timeout;	 /* seconds of quiet that forget a type */
	uint32_t dl[SCAN_NDL];	 /* packets for DL1..DL5, ascending */
	uint32_t min_ports;	 /* distinct ports (protocols) for a scan */
	uint32_t min_hosts;	 /* distinct hosts for a sweep */
	uint32_t source_per_min; /* alerts a source may raise a minute */
	uint32_t total_per_sec;	 /* alerts all sources may raise a second */
};

/* One logged packet, as the detector sees it. */
struct scan_pkt {
	const struct nfp_addr *src; /* the scanner */
	const struct nfp_addr *dst; /* the target; may be NULL */
	uint32_t now;		    /* packet time, seconds */
	uint8_t proto;		    /* IP protocol (IPv6: upper layer) */
	uint8_t flags;		    /* TCP: SCAN_* flag bits */
	bool has_flags;		    /* TCP header decoded */
	bool has_port;		    /* dport is valid (TCP, UDP) */
	bool echo;		    /* ICMP or ICMPv6 echo request */
	uint16_t dport;		    /* TCP/UDP destination port */
};

/* What an alert reports; valid during the callback only. */
struct scan_alert {
	enum scan_type type;	     /* which scan */
	uint8_t dl;		     /* danger level, 1..5 */
	uint64_t packets;	     /* packets of this type in the window */
	uint32_t ports;		     /* distinct ports (PROTO: protocols) */
	uint32_t hosts;		     /* distinct hosts */
	uint16_t port_min, port_max; /* range seen (PROTO: protocols) */
	uint32_t first, last;	     /* first and last packet, seconds */
	uint32_t now;		     /* time of the packet that raised it */
	const struct nfp_addr *src;  /* the scanner */
	const struct nfp_addr *dst;  /* its last target (family 0: none) */
};

struct scan_stats {
	uint64_t packets;    /* packets counted */
	uint64_t sources;    /* sources taken into the table */
	uint64_t evicted;    /* sources pushed out by a new one */
	uint64_t alerts;     /* alerts raised */
	uint64_t suppressed; /* alerts held back by the rate limits */
};

struct scan_table;

typedef void (*scan_alert_cb)(const struct scan_alert *a, void *arg);

/* NULL when out of memory. @c is copied. */
struct scan_table *scan_table_new(const struct scan_conf *c);
void scan_table_free(struct scan_table *t);

/* Bytes allocated by scan_table_new(): all the table will ever use. */
size_t scan_table_bytes(const struct scan_table *t);

/* Bytes of one source entry. */
size_t scan_source_bytes(void);

/* Count one packet; @cb (may be NULL) gets each alert it raises. */
void scan_table_add(struct scan_table *t, const struct scan_pkt *p,
		    scan_alert_cb cb, void *arg);

const struct scan_stats *scan_table_stats(const struct scan_table *t);

/* "SYN", "PORTSWEEP", ... */
const char *scan_type_name(enum scan_type type);

/*
 * The scan type of a TCP packet with flag bits @flags (SCAN_*; ECE and CWR
 * ignored), or -1 for a combination no scan uses (SYN+ACK, RST, PSH+ACK).
 */
int scan_tcp_type(uint8_t flags);

/* Parse "5,15,150,1500,10000" into @dl; -1 unless 5 ascending numbers. */
int scan_parse_dl(const char *s, uint32_t dl[SCAN_NDL]);

#endif /* NFP_SCAN_H */
