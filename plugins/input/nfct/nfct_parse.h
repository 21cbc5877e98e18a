/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * input/nfct - the pure conntrack message parser, filters and record filler
 *
 * Bytes in, plain structs out: nfct_dgram() walks one netlink datagram from
 * ctnetlink (an event, or part of a dump), hands every conntrack message to
 * the caller decoded into struct nfct_flow, and reports acks, errors, the
 * end of a dump and what was malformed. The attributes are decoded by
 * libnetfilter_conntrack (nfct_payload_parse(), what nfct_nlmsg_parse()
 * runs) into the one struct nf_conntrack a struct nfct_parser owns, after a
 * length check of our own that keeps the library from exiting the process
 * on a malformed attribute (it calls exit() on those). Nothing here prints
 * or touches a socket, so it runs in the unit tests and under libFuzzer as
 * it runs in the daemon; the library allocates only for labels and
 * security contexts. struct nfct_flow holds copies (and the parser's
 * interned secctx strings), never pointers into the buffer, so it can be
 * kept (the pairing table does).
 *
 * nfct_filter_*() parse and apply ulogd2's accept_src_filter,
 * accept_dst_filter and accept_proto_filter; nfct_fill() sets the keys of
 * the NFCT input (nfct_keys[]) from a flow and its start and end times.
 */
#ifndef NFP_NFCT_PARSE_H
#define NFP_NFCT_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nfpipe/plugin.h>

struct nf_conntrack;
struct nfct_labelmap;

/* ct.event values: libnetfilter_conntrack's NFCT_T_*, as ulogd2 sets them. */
#define NFCT_EV_NEW	1u
#define NFCT_EV_UPDATE	2u
#define NFCT_EV_DESTROY 4u

/* What a conntrack message is, from its type and flags. */
enum nfct_kind {
	NFCT_KIND_NEW = 1, /* event: a confirmed new connection */
	NFCT_KIND_UPDATE,  /* event: status, helper, mark ... changed */
	NFCT_KIND_DESTROY, /* event: the entry is gone */
	NFCT_KIND_DUMP,	   /* one entry of a dump (NLM_F_MULTI) */
};

/* Which parts a tuple carried: bits of struct nfct_tuple.has. */
#define NFCT_TUP_IP	 (1u << 0) /* both addresses */
#define NFCT_TUP_PROTO	 (1u << 1) /* CTA_PROTO_NUM */
#define NFCT_TUP_PORTS	 (1u << 2) /* both ports */
#define NFCT_TUP_ICMP	 (1u << 3) /* ICMP(v6) type and code */
#define NFCT_TUP_ICMP_ID (1u << 4) /* ICMP or ICMPv6 id */
#define NFCT_TUP_ZONE	 (1u << 5) /* CTA_TUPLE_ZONE */

/* One direction of a connection. Integers in host order. */
struct nfct_tuple {
	uint8_t has;	   /* NFCT_TUP_* */
	uint8_t l3;	   /* AF_INET or AF_INET6 (from the addresses) */
	uint8_t proto;	   /* IPPROTO_* */
	uint8_t icmp_type; /* ICMP or ICMPv6 type */
	uint8_t icmp_code; /* ICMP or ICMPv6 code */
	uint16_t icmp_id;  /* ICMP or ICMPv6 identifier */
	uint16_t sport;	   /* TCP, UDP, UDPLITE, SCTP, DCCP ports */
	uint16_t dport;	   /* ... destination */
	uint16_t zone;	   /* tuple zone, when NFCT_TUP_ZONE */
	uint8_t src[16];   /* network order; IPv4 in the first 4 bytes */
	uint8_t dst[16];   /* network order; IPv4 in the first 4 bytes */
};

/* Which attributes a message carried: bits of struct nfct_flow.has. */
#define NFCT_HAS_ORIG	    (1u << 0)  /* CTA_TUPLE_ORIG */
#define NFCT_HAS_REPLY	    (1u << 1)  /* CTA_TUPLE_REPLY */
#define NFCT_HAS_MASTER	    (1u << 2)  /* CTA_TUPLE_MASTER */
#define NFCT_HAS_STATUS	    (1u << 3)  /* CTA_STATUS */
#define NFCT_HAS_MARK	    (1u << 4)  /* CTA_MARK */
#define NFCT_HAS_ID	    (1u << 5)  /* CTA_ID */
#define NFCT_HAS_TIMEOUT    (1u << 6)  /* CTA_TIMEOUT */
#define NFCT_HAS_USE	    (1u << 7)  /* CTA_USE */
#define NFCT_HAS_ZONE	    (1u << 8)  /* CTA_ZONE */
#define NFCT_HAS_CTR_ORIG   (1u << 9)  /* CTA_COUNTERS_ORIG */
#define NFCT_HAS_CTR_REPLY  (1u << 10) /* CTA_COUNTERS_REPLY */
#define NFCT_HAS_TS_START   (1u << 11) /* CTA_TIMESTAMP_START */
#define NFCT_HAS_TS_STOP    (1u << 12) /* CTA_TIMESTAMP_STOP */
#define NFCT_HAS_HELPER	    (1u << 13) /* CTA_HELP_NAME */
#define NFCT_HAS_TCP_STATE  (1u << 14) /* CTA_PROTOINFO_TCP_STATE */
#define NFCT_HAS_SCTP_STATE (1u << 15) /* CTA_PROTOINFO_SCTP_STATE */
#define NFCT_HAS_VTAG_ORIG  (1u << 16) /* ..._SCTP_VTAG_ORIGINAL */
#define NFCT_HAS_VTAG_REPLY (1u << 17) /* ..._SCTP_VTAG_REPLY */
#define NFCT_HAS_DCCP_STATE (1u << 18) /* CTA_PROTOINFO_DCCP_STATE */
#define NFCT_HAS_DCCP_ROLE  (1u << 19) /* CTA_PROTOINFO_DCCP_ROLE */
#define NFCT_HAS_LABELS	    (1u << 20) /* CTA_LABELS */
#define NFCT_HAS_SECCTX	    (1u << 21) /* CTA_SECCTX_NAME */
#define NFCT_HAS_SYN_ISN    (1u << 22) /* CTA_SYNPROXY_ISN */
#define NFCT_HAS_SYN_ITS    (1u << 23) /* CTA_SYNPROXY_ITS */
#define NFCT_HAS_SYN_TSOFF  (1u << 24) /* CTA_SYNPROXY_TSOFF */

/* NF_CT_HELPER_NAME_LEN: the kernel's limit, NUL included. */
#define NFCT_HELPER_LEN 16

/* NF_CT_LABELS_MAX_SIZE: the kernel keeps 128 label bits. */
#define NFCT_LABELS_LEN 16

/* One conntrack message, decoded. Integers in host order. */
struct nfct_flow {
	uint32_t has;		      /* NFCT_HAS_* */
	uint8_t kind;		      /* enum nfct_kind */
	uint8_t family;		      /* nfgen_family: AF_INET, AF_INET6 */
	uint8_t tcp_state;	      /* enum tcp_conntrack */
	uint8_t dump_intr;	      /* NLM_F_DUMP_INTR: dump inconsistent */
	uint8_t sctp_state;	      /* enum sctp_state */
	uint8_t dccp_state;	      /* enum dccp_state */
	uint8_t dccp_role;	      /* 0 client, 1 server */
	struct nfct_tuple orig;	      /* original direction */
	struct nfct_tuple reply;      /* reply direction (after NAT) */
	struct nfct_tuple master;     /* a RELATED connection's master */
	uint64_t pkts[2];	      /* packets: [0] orig, [1] reply */
	uint64_t bytes[2];	      /* bytes: [0] orig, [1] reply */
	uint64_t ts_start;	      /* kernel timestamp, ns since epoch */
	uint64_t ts_stop;	      /* ... of the end */
	uint32_t status;	      /* IPS_* bits */
	uint32_t mark;		      /* ct mark */
	uint32_t id;		      /* ct id */
	uint32_t timeout;	      /* seconds left */
	uint32_t use;		      /* reference count */
	uint16_t zone;		      /* conntrack zone */
	uint32_t vtag[2];	      /* SCTP verification tags: orig, reply */
	uint32_t syn_isn;	      /* synproxy initial sequence number */
	uint32_t syn_its;	      /* synproxy initial timestamp */
	uint32_t syn_tsoff;	      /* synproxy timestamp offset */
	char helper[NFCT_HELPER_LEN]; /* helper name, NUL-terminated */
	uint8_t labels[NFCT_LABELS_LEN]; /* label bit n: byte n/8, 1 << n%8 */
	const char *secctx; /* interned by the parser, lives as it */
	const char *why;    /* after -EBADMSG: what was wrong */
};

/* Security contexts a parser remembers; more distinct ones go unreported. */
#define NFCT_SECCTX_MAX 64

/*
 * One per NFCT instance (and per test or fuzz run): the conntrack object
 * every message is decoded into, and what outlives a message.
 */
struct nfct_parser {
	struct nf_conntrack *ct;       /* reused for every message */
	struct nf_conntrack *empty;    /* never set: copied over ct to reset */
	bool dirty;		       /* ct holds allocations: renew it */
	unsigned int nsecctx;	       /* strings in secctx */
	char *secctx[NFCT_SECCTX_MAX]; /* interned contexts, owned */
};

/* 0, or -ENOMEM. */
int nfct_parser_init(struct nfct_parser *p);
void nfct_parser_free(struct nfct_parser *p);

/*
 * Parse the ctnetlink message @msg of @len bytes (its nlmsghdr included).
 * Returns 0 with @out filled, -ENOMSG when it is not a conntrack entry
 * message (an expectation, a statistics reply ...), or -EBADMSG with
 * out->why set when a length is wrong, an attribute runs past the end, or
 * the original tuple is missing. Never reads outside [@msg, @msg + @len).
 */
int nfct_parse(struct nfct_parser *p, const void *msg, size_t len,
	       struct nfct_flow *out);

/* What nfct_dgram() found besides conntrack entries. */
enum nfct_event {
	NFCT_DG_ACK,	   /* NLMSG_ERROR with error 0 */
	NFCT_DG_ERROR,	   /* NLMSG_ERROR: @err is the negative errno */
	NFCT_DG_DONE,	   /* NLMSG_DONE: a dump ended */
	NFCT_DG_MALFORMED, /* a message that made no sense: @why */
	NFCT_DG_TRUNCATED, /* the datagram ended inside a message */
	NFCT_DG_OTHER,	   /* any other message: ignored */
};

struct nfct_dgram_ops {
	/* One parsed entry; @seq is its nlmsg_seq. @f lives until return. */
	void (*flow)(void *arg, const struct nfct_flow *f, uint32_t seq);
	/* Anything else. Optional. */
	void (*event)(void *arg, enum nfct_event ev, uint32_t seq, int err,
		      const char *why);
};

/*
 * Walk the datagram @buf of @len bytes, every netlink message in order.
 * A message whose nlmsg_len runs past the end, or too few bytes for a
 * header, end the walk with NFCT_DG_TRUNCATED. Returns the number of
 * entries handed to ops->flow.
 */
unsigned int nfct_dgram(struct nfct_parser *p, const void *buf, size_t len,
			const struct nfct_dgram_ops *ops, void *arg);

/*
 * ct.state of a connection from its status: "RELATED" for a connection an
 * expectation created (IPS_EXPECTED, set for its whole life), else
 * "ESTABLISHED" once a reply was seen (IPS_SEEN_REPLY), else "NEW".
 * Conntrack keeps no entry for an invalid packet, so "INVALID" is never
 * returned; it stays a value of ct.state for NFLOG's sake.
 */
const char *nfct_state(uint32_t status);

/*
 * The IPS_* names of @status joined by '|' ("SEEN_REPLY|ASSURED|CONFIRMED"),
 * lowest bit first; an unknown bit as "BIT17". Returns the length (as
 * snprintf would); @buf is NUL-terminated when @len > 0. 256 bytes hold
 * any value.
 */
int nfct_status_str(uint32_t status, char *buf, size_t len);

/*
 * The name conntrack-tools gives TCP conntrack state @state ("SYN_SENT",
 * "ESTABLISHED", "TIME_WAIT" ...); "NONE" for values it does not know.
 */
const char *nfct_tcp_state(uint8_t state);

/* conntrack-tools' names of SCTP and DCCP states; "NONE" when unknown. */
const char *nfct_sctp_state(uint8_t state);
const char *nfct_dccp_state(uint8_t state);

/*
 * The labels of @f as ct.labels shows them: the names @map (may be NULL)
 * gives, a label without one as its bit number, joined by ','
 * ("bulk,7"). Returns the length (as snprintf would); @buf is
 * NUL-terminated when @len > 0.
 */
int nfct_labels_str(const struct nfct_flow *f, struct nfct_labelmap *map,
		    char *buf, size_t len);

/* ---- accept filters ------------------------------------------------------ */

#define NFCT_FILTER_MAX 32 /* prefixes per direction */

struct nfct_prefix {
	uint8_t family;	  /* AF_INET or AF_INET6 */
	uint8_t len;	  /* prefix length in bits */
	uint8_t addr[16]; /* network order, host bits cleared */
};

/* ulogd2's accept_*_filter options, parsed. All-empty accepts everything. */
struct nfct_filter {
	unsigned int nsrc;			 /* entries in src */
	unsigned int ndst;			 /* entries in dst */
	struct nfct_prefix src[NFCT_FILTER_MAX]; /* orig source */
	struct nfct_prefix dst[NFCT_FILTER_MAX]; /* orig destination */
	bool any_proto;				 /* no protocol list given */
	uint8_t proto[32];			 /* bitmap of accepted protos */
};

/* Clear @f to accept everything. */
void nfct_filter_init(struct nfct_filter *f);

/*
 * Add a comma-separated list of addresses or prefixes ("10.0.0.0/8,
 * fd00::/8, 192.0.2.1") to the source (@dst false) or destination list.
 * Returns 0, or -EINVAL with *@why naming the bad item's problem and
 * *@bad pointing at it (within @list).
 */
int nfct_filter_addrs(struct nfct_filter *f, bool dst, const char *list,
		      const char **why, const char **bad);

/*
 * Add a comma-separated list of protocols: names from /etc/protocols
 * ("tcp,udp,icmp") or numbers. Returns 0, or -EINVAL as above.
 */
int nfct_filter_protos(struct nfct_filter *f, const char *list,
		       const char **why, const char **bad);

/*
 * True when @fl passes: its original source is in the source list (when
 * one is given), its original destination in the destination list (when
 * given) and its protocol in the protocol list (when given). A list holding
 * only IPv4 prefixes rejects IPv6 flows and the other way round, as ulogd2's
 * kernel filter does.
 */
bool nfct_filter_match(const struct nfct_filter *f, const struct nfct_flow *fl);

/* ---- keys ---------------------------------------------------------------- */

/* Indexes into nfct_keys[]: the plugin's out_keys. */
enum nfct_key {
	NFCT_K_ORIG_SADDR,
	NFCT_K_ORIG_DADDR,
	NFCT_K_ORIG_PROTOCOL,
	NFCT_K_ORIG_SPORT,
	NFCT_K_ORIG_DPORT,
	NFCT_K_ORIG_PKTLEN,
	NFCT_K_ORIG_PKTCOUNT,
	NFCT_K_REPLY_SADDR,
	NFCT_K_REPLY_DADDR,
	NFCT_K_REPLY_PROTOCOL,
	NFCT_K_REPLY_SPORT,
	NFCT_K_REPLY_DPORT,
	NFCT_K_REPLY_PKTLEN,
	NFCT_K_REPLY_PKTCOUNT,
	NFCT_K_ICMP_CODE,
	NFCT_K_ICMP_TYPE,
	NFCT_K_ICMPV6_CODE,
	NFCT_K_ICMPV6_TYPE,
	NFCT_K_CT_MARK,
	NFCT_K_CT_ID,
	NFCT_K_CT_EVENT,
	NFCT_K_START_SEC,
	NFCT_K_START_USEC,
	NFCT_K_END_SEC,
	NFCT_K_END_USEC,
	NFCT_K_FAMILY,
	NFCT_K_PROTOCOL,
	NFCT_K_CT_STATE,
	NFCT_K_CT_ZONE,
	NFCT_K_CT_HELPER,
	NFCT_K_CT_STATUS,
	NFCT_K_CT_STATUS_STR,
	NFCT_K_MASTER_SADDR,
	NFCT_K_MASTER_DADDR,
	NFCT_K_MASTER_PROTOCOL,
	NFCT_K_MASTER_SPORT,
	NFCT_K_MASTER_DPORT,
	NFCT_K_ICMP_ID,
	NFCT_K_REPLY_ICMP_TYPE,
	NFCT_K_REPLY_ICMP_CODE,
	NFCT_K_CT_TIMEOUT,
	NFCT_K_CT_TCP_STATE,
	NFCT_K_ORIG_GRE_SRCKEY,
	NFCT_K_ORIG_GRE_DSTKEY,
	NFCT_K_REPLY_GRE_SRCKEY,
	NFCT_K_REPLY_GRE_DSTKEY,
	NFCT_K_CT_SCTP_STATE,
	NFCT_K_CT_SCTP_VTAG_ORIG,
	NFCT_K_CT_SCTP_VTAG_REPLY,
	NFCT_K_CT_DCCP_STATE,
	NFCT_K_CT_DCCP_ROLE,
	NFCT_K_CT_LABELS,
	NFCT_K_CT_SECCTX,
	NFCT_K_CT_ZONE_ORIG,
	NFCT_K_CT_ZONE_REPLY,
	NFCT_K_CT_USE,
	NFCT_K_CT_SYNPROXY_ISN,
	NFCT_K_CT_SYNPROXY_ITS,
	NFCT_K_CT_SYNPROXY_TSOFF,
	NFCT_K__MAX
};

extern const struct nfp_key nfct_keys[];

/* When a flow began and ended, as far as anyone knows. */
struct nfct_times {
	bool has_start;	     /* start known */
	bool has_end;	     /* end known */
	uint32_t start_sec;  /* flow.start.sec */
	uint32_t start_usec; /* flow.start.usec */
	uint32_t end_sec;    /* flow.end.sec */
	uint32_t end_usec;   /* flow.end.usec */
};

/*
 * Set the keys of @rec (laid out with nfct_keys) from @f, with ct.event
 * @event (NFCT_EV_*) and the times @t. Counters are set to 0 when the
 * kernel sent none (accounting off), as ulogd2 does; ct.status.str and
 * ct.labels (names from @map, which may be NULL) are built in the
 * record's arena.
 */
void nfct_fill(struct nfp_rec *rec, const struct nfct_flow *f, uint32_t event,
	       const struct nfct_times *t, struct nfct_labelmap *map);

#endif /* NFP_NFCT_PARSE_H */
