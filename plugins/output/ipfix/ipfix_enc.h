/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output/ipfix - the IPFIX encoder: data records, templates, messages
 *
 * Pure code, no sockets and no core: bytes in, bytes out (RFC 7011). The
 * plugin's process() turns a flow or a packet into one data record in wire
 * form (ipfix_rec_encode) on the main thread; the sink's worker packs the
 * records of a batch into messages no longer than the MTU, each with its
 * header, the template set when it is due, and data sets of consecutive
 * records that share a template (ipfix_pack). Every field is an IANA
 * information element of fixed length, so a template fixes the length of
 * its records and no padding is ever needed inside them; sets are not
 * padded either (RFC 7011 3.3.1 makes padding optional).
 */
#ifndef NFP_IPFIX_ENC_H
#define NFP_IPFIX_ENC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IPFIX_VERSION	   10
#define IPFIX_HDR_LEN	   16	 /* message header */
#define IPFIX_SET_HDR_LEN  4	 /* set id, set length */
#define IPFIX_SET_TEMPLATE 2	 /* set id of template sets */
#define IPFIX_MSG_MAX	   65535 /* the header's length field */
#define IPFIX_REC_MAX	   128	 /* longest data record we make */

/* Our templates; their ids are data set ids too (>= 256). */
enum ipfix_tid {
	IPFIX_TID_FLOW4 = 256, /* IPv4 flow, both directions' counters */
	IPFIX_TID_FLOW6,       /* IPv6 flow */
	IPFIX_TID_NAT4,	       /* IPv4 flow with its NAT translation */
	IPFIX_TID_PKT4,	       /* one IPv4 packet */
	IPFIX_TID_PKT6,	       /* one IPv6 packet */
	IPFIX_TID_END
};

#define IPFIX_NTMPL (IPFIX_TID_END - IPFIX_TID_FLOW4)
/* Bit sets of templates, bit i for template id 256 + i. */
#define IPFIX_TMPL_FLOWS   0x07u /* FLOW4, FLOW6, NAT4 */
#define IPFIX_TMPL_PACKETS 0x18u /* PKT4, PKT6 */

/* One field of a template: an IANA element and its length on the wire. */
struct ipfix_field {
	uint16_t ie;  /* information element id */
	uint16_t len; /* octets */
};

struct ipfix_tmpl {
	uint16_t id;			  /* template id, IPFIX_TID_* */
	uint16_t nfields;		  /* entries in fields */
	uint16_t reclen;		  /* octets of one data record */
	const struct ipfix_field *fields; /* in record order */
};

/* The template of id @tid, or NULL when it is not one of ours. */
const struct ipfix_tmpl *ipfix_tmpl_get(unsigned int tid);

/*
 * A fingerprint of every template definition: the sink's schema value, so
 * that records spooled by a build with other templates are never sent
 * under these.
 */
uint32_t ipfix_tmpl_fingerprint(void);

/* What one record says, in host order unless noted. */
struct ipfix_flow {
	uint8_t family;	      /* AF_INET or AF_INET6 */
	uint8_t proto;	      /* protocolIdentifier */
	uint8_t end_reason;   /* flowEndReason (flows) */
	bool nat;	      /* IPv4 flow with a translation */
	uint8_t saddr[16];    /* network order; IPv4 in 4 bytes */
	uint8_t daddr[16];    /* network order */
	uint16_t sport;	      /* sourceTransportPort */
	uint16_t dport;	      /* destinationTransportPort */
	uint16_t icmp;	      /* icmpTypeCode: type << 8 | code */
	uint64_t bytes;	      /* octetDeltaCount */
	uint64_t pkts;	      /* packetDeltaCount */
	uint64_t rbytes;      /* postOctetDeltaCount: reply bytes */
	uint64_t rpkts;	      /* postPacketDeltaCount: reply pkts */
	uint64_t start_ms;    /* flowStartMilliseconds */
	uint64_t end_ms;      /* flowEndMilliseconds */
	uint64_t flow_id;     /* flowId: the conntrack id */
	uint8_t nat_saddr[4]; /* postNATSourceIPv4Address */
	uint8_t nat_daddr[4]; /* postNATDestinationIPv4Address */
	uint16_t nat_sport;   /* postNAPTSourceTransportPort */
	uint16_t nat_dport;   /* postNAPTDestinationTransportPort */
};

/*
 * Encode @f as a data record into @buf (IPFIX_REC_MAX octets): a flow
 * record, or a packet record when @packet. Returns the record's length
 * and its template id in *@tid; 0 for a family other than IPv4 or IPv6.
 */
size_t ipfix_rec_encode(const struct ipfix_flow *f, bool packet, uint8_t *buf,
			uint16_t *tid);

/* Append the template set announcing the templates in @mask to @p. */
size_t ipfix_tmpl_set(uint8_t *p, unsigned int mask);
/* Its length, without writing it. */
size_t ipfix_tmpl_set_len(unsigned int mask);

/* A data record waiting to be packed. */
struct ipfix_rec {
	uint16_t tid;	     /* template id */
	uint16_t len;	     /* octets at data */
	const uint8_t *data; /* the record in wire form */
};

/* One message made by ipfix_pack(), inside ipfix_out.buf. */
struct ipfix_msg {
	uint32_t off;	/* offset in the buffer */
	uint32_t len;	/* octets */
	uint32_t first; /* index of its first record */
	uint32_t nrec;	/* data records in it */
	uint32_t seq;	/* its header's sequence number */
	bool tmpl;	/* it carries the template set */
};

/* Messages made from a run of records; grown as needed, reused. */
struct ipfix_out {
	uint8_t *buf;	       /* the messages, back to back */
	size_t len;	       /* octets used */
	size_t cap;	       /* octets allocated */
	struct ipfix_msg *msg; /* one entry per message */
	size_t nmsg;	       /* entries used */
	size_t mcap;	       /* entries allocated */
};

/* The exporting side of one transport session. */
struct ipfix_exp {
	uint32_t domain;    /* observation domain id */
	uint32_t seq;	    /* data records exported so far */
	uint32_t mtu;	    /* longest message, octets */
	unsigned int tmask; /* templates this exporter uses */
	bool tmpl_due;	    /* next message opens with templates */
	bool tmpl_always;   /* every message opens with them */
};

/*
 * Pack @n records into messages appended to @o, each at most e->mtu octets
 * (which must hold the header, the template set and the longest record:
 * ipfix_min_mtu()), exported at @now (seconds since the epoch). Sequence
 * numbers follow e->seq, which advances by the records packed; the first
 * message carries the templates when e->tmpl_due, which is then cleared.
 * 0, or -ENOMEM (@o keeps the messages finished before).
 */
int ipfix_pack(struct ipfix_exp *e, struct ipfix_out *o,
	       const struct ipfix_rec *r, size_t n, uint32_t now);

/* The smallest MTU with which any record of @mask can be sent. */
size_t ipfix_min_mtu(unsigned int mask);

void ipfix_out_reset(struct ipfix_out *o);
void ipfix_out_free(struct ipfix_out *o);

#endif /* NFP_IPFIX_ENC_H */
