/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter/base - the packet decoder of BASE, shared by the plugin and tests
 *
 * base_decode() is pure: it reads the bytes of one packet (from its network
 * header, as NFLOG gives it) and sets BASE's output keys in a record, by the
 * indexes of enum base_key. It reads nothing past @len, keeps no state, never
 * allocates except for the ip6.exthdrs string (from the record's arena), and
 * returns what was wrong with the packet so that the plugin can count it.
 * The fuzz target and the unit tests call it with a hand-built record.
 */
#ifndef NFP_FILTER_BASE_H
#define NFP_FILTER_BASE_H

#include <stdint.h>

#include <nfpipe/key.h>

/* BASE's output keys; base.c's table follows this order. */
enum base_key {
	BK_IP_SADDR,
	BK_IP_DADDR,
	BK_IP_PROTOCOL,
	BK_IP_TOS,
	BK_IP_TTL,
	BK_IP_TOTLEN,
	BK_IP_IHL,
	BK_IP_CSUM,
	BK_IP_ID,
	BK_IP_FRAGOFF,
	BK_IP6_PAYLOADLEN,
	BK_IP6_PRIORITY,
	BK_IP6_FLOWLABEL,
	BK_IP6_HOPLIMIT,
	BK_IP6_NEXTHDR,
	BK_IP6_FRAGOFF,
	BK_IP6_FRAGID,
	BK_IP6_EXTHDRS,
	BK_TCP_SPORT,
	BK_TCP_DPORT,
	BK_TCP_SEQ,
	BK_TCP_ACKSEQ,
	BK_TCP_WINDOW,
	BK_TCP_OFFSET,
	BK_TCP_RESERVED,
	BK_TCP_URG,
	BK_TCP_URGP,
	BK_TCP_ACK,
	BK_TCP_PSH,
	BK_TCP_RST,
	BK_TCP_SYN,
	BK_TCP_FIN,
	BK_TCP_RES1,
	BK_TCP_RES2,
	BK_TCP_CWR,
	BK_TCP_ECE,
	BK_TCP_CSUM,
	BK_TCP_OPTIONS,
	BK_UDP_SPORT,
	BK_UDP_DPORT,
	BK_UDP_LEN,
	BK_UDP_CSUM,
	BK_ICMP_TYPE,
	BK_ICMP_CODE,
	BK_ICMP_ECHOID,
	BK_ICMP_ECHOSEQ,
	BK_ICMP_GATEWAY,
	BK_ICMP_FRAGMTU,
	BK_ICMP_CSUM,
	BK_ICMPV6_TYPE,
	BK_ICMPV6_CODE,
	BK_ICMPV6_ECHOID,
	BK_ICMPV6_ECHOSEQ,
	BK_ICMPV6_CSUM,
	BK_ICMPV6_MTU,
	BK_AHESP_SPI,
	BK_OOB_PROTOCOL,
	BK_ARP_HWTYPE,
	BK_ARP_PROTOCOLTYPE,
	BK_ARP_OPERATION,
	BK_ARP_SHWADDR,
	BK_ARP_SADDR,
	BK_ARP_DHWADDR,
	BK_ARP_DADDR,
	BK_SCTP_SPORT,
	BK_SCTP_DPORT,
	BK_SCTP_CSUM,
	BK_GRE_FLAGS,
	BK_GRE_VERSION,
	BK_GRE_PROTOCOL,
	BK_GRE_KEY,
	BK_PKT_TRUNCATED,
	BK_PKT_MALFORMED,
	BK__COUNT
};

/* What base_decode() found wrong; both may be set. */
#define BASE_TRUNCATED	0x1	/* a header ended early: keys of it unset */
#define BASE_MALFORMED	0x2	/* a header made no sense: decoding stopped */

/* The longest ip6.exthdrs chain walked before the packet counts malformed. */
#define BASE_MAX_EXTHDRS 16

/*
 * Decode @len bytes at @pkt as a packet of netfilter family @family
 * (NFPROTO_IPV4, NFPROTO_IPV6, NFPROTO_BRIDGE, NFPROTO_ARP); for the bridge
 * family @ethertype (host order, ETH_P_*) says what the network header is.
 * Sets the keys of every header that is complete, pkt.truncated and
 * pkt.malformed. Returns BASE_* flags; *@why (may be NULL) gets a static
 * text for the log when the packet is malformed.
 */
unsigned int base_decode(struct nfp_rec *rec, const uint8_t *pkt,
			 uint32_t len, uint8_t family, uint16_t ethertype,
			 const char **why);

#endif /* NFP_FILTER_BASE_H */
