/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter/base - BASE: decode raw.pkt into IP, IPv6, ARP and transport keys
 *
 * Consumes raw.pkt, raw.pktlen, oob.family and oob.protocol (as NFLOG gives
 * them) and produces the header fields under ulogd2's key names, plus the
 * nfpipe keys listed in doc/keys.md (ip6.exthdrs, tcp.cwr/ece/options,
 * icmpv6.mtu, gre.*, pkt.truncated, pkt.malformed). The decoding itself is
 * base_decode() in decode.c; this file is only the plugin around it. A
 * truncated or malformed packet never stops the record: it is counted
 * ("truncated", "malformed"), malformed ones are logged rate-limited, and the
 * keys of the complete headers go on down the stack. Main thread only.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nfpipe/plugin.h>

#include "base.h"

enum base_in {
	BI_RAW_PKT,
	BI_RAW_PKTLEN,
	BI_OOB_FAMILY,
	BI_OOB_PROTOCOL,
};

static const struct nfp_key base_in_keys[] = {
	[BI_RAW_PKT] = { "raw.pkt", NFP_T_RAW, 0,
			 "the packet from its network header" },
	[BI_RAW_PKTLEN] = { "raw.pktlen", NFP_T_U32, NFP_KEYF_OPTIONAL,
			    "bytes of raw.pkt to decode" },
	[BI_OOB_FAMILY] = { "oob.family", NFP_T_U8, 0,
			    "netfilter family: IPv4, IPv6, ARP or bridge" },
	[BI_OOB_PROTOCOL] = { "oob.protocol", NFP_T_U16, NFP_KEYF_OPTIONAL,
			      "ethertype: what a bridged packet carries" },
	{ 0 }
};

#define U8 NFP_T_U8
#define U16 NFP_T_U16
#define U32 NFP_T_U32
#define B NFP_T_BOOL
static const struct nfp_key base_out_keys[] = {
	[BK_IP_SADDR] = { "ip.saddr", NFP_T_ADDR, 0, "source address" },
	[BK_IP_DADDR] = { "ip.daddr", NFP_T_ADDR, 0, "destination address" },
	[BK_IP_PROTOCOL] = { "ip.protocol", U8, 0,
			     "IPv4 protocol; IPv6: header after extensions" },
	[BK_IP_TOS] = { "ip.tos", U8, 0, "IPv4 type of service byte" },
	[BK_IP_TTL] = { "ip.ttl", U8, 0, "IPv4 time to live" },
	[BK_IP_TOTLEN] = { "ip.totlen", U16, 0, "IPv4 total length" },
	[BK_IP_IHL] = { "ip.ihl", U8, 0, "IPv4 header length, 32-bit words" },
	[BK_IP_CSUM] = { "ip.csum", U16, 0, "IPv4 header checksum" },
	[BK_IP_ID] = { "ip.id", U16, 0, "IPv4 identification" },
	[BK_IP_FRAGOFF] = { "ip.fragoff", U16, 0,
			    "IPv4 flags and fragment offset, the whole field" },
	[BK_IP6_PAYLOADLEN] = { "ip6.payloadlen", U16, 0,
				"IPv6 payload length" },
	[BK_IP6_PRIORITY] = { "ip6.priority", U8, 0, "IPv6 traffic class" },
	[BK_IP6_FLOWLABEL] = { "ip6.flowlabel", U32, 0, "IPv6 flow label" },
	[BK_IP6_HOPLIMIT] = { "ip6.hoplimit", U8, 0, "IPv6 hop limit" },
	[BK_IP6_NEXTHDR] = { "ip6.nexthdr", U8, 0,
			     "IPv6 header's own next-header field" },
	[BK_IP6_FRAGOFF] = { "ip6.fragoff", U16, 0,
			     "fragment header: offset, flags and M, raw" },
	[BK_IP6_FRAGID] = { "ip6.fragid", U32, 0,
			    "fragment header: identification" },
	[BK_IP6_EXTHDRS] = { "ip6.exthdrs", NFP_T_STRING, 0,
			     "extension headers in order: \"HOPOPTS FRAG\"" },
	[BK_TCP_SPORT] = { "tcp.sport", U16, 0, "TCP source port" },
	[BK_TCP_DPORT] = { "tcp.dport", U16, 0, "TCP destination port" },
	[BK_TCP_SEQ] = { "tcp.seq", U32, 0, "TCP sequence number" },
	[BK_TCP_ACKSEQ] = { "tcp.ackseq", U32, 0,
			    "TCP acknowledgement number" },
	[BK_TCP_WINDOW] = { "tcp.window", U16, 0, "TCP window" },
	[BK_TCP_OFFSET] = { "tcp.offset", U8, 0,
			    "TCP data offset, 32-bit words" },
	[BK_TCP_RESERVED] = { "tcp.reserved", U8, 0,
			      "TCP reserved bits (4, below the offset)" },
	[BK_TCP_URG] = { "tcp.urg", B, 0, "URG flag" },
	[BK_TCP_URGP] = { "tcp.urgp", U16, 0, "TCP urgent pointer" },
	[BK_TCP_ACK] = { "tcp.ack", B, 0, "ACK flag" },
	[BK_TCP_PSH] = { "tcp.psh", B, 0, "PSH flag" },
	[BK_TCP_RST] = { "tcp.rst", B, 0, "RST flag" },
	[BK_TCP_SYN] = { "tcp.syn", B, 0, "SYN flag" },
	[BK_TCP_FIN] = { "tcp.fin", B, 0, "FIN flag" },
	[BK_TCP_RES1] = { "tcp.res1", B, 0, "any reserved bit set" },
	[BK_TCP_RES2] = { "tcp.res2", B, 0, "ECE or CWR set (ulogd2's res2)" },
	[BK_TCP_CWR] = { "tcp.cwr", B, 0, "CWR flag" },
	[BK_TCP_ECE] = { "tcp.ece", B, 0, "ECE flag" },
	[BK_TCP_CSUM] = { "tcp.csum", U16, 0, "TCP checksum" },
	[BK_TCP_OPTIONS] = { "tcp.options", NFP_T_RAW, 0,
			     "TCP option bytes, when there are any" },
	[BK_UDP_SPORT] = { "udp.sport", U16, 0, "UDP/UDP-Lite source port" },
	[BK_UDP_DPORT] = { "udp.dport", U16, 0,
			   "UDP/UDP-Lite destination port" },
	[BK_UDP_LEN] = { "udp.len", U16, 0,
			 "UDP length; UDP-Lite checksum coverage" },
	[BK_UDP_CSUM] = { "udp.csum", U16, 0, "UDP/UDP-Lite checksum" },
	[BK_ICMP_TYPE] = { "icmp.type", U8, 0, "ICMP type" },
	[BK_ICMP_CODE] = { "icmp.code", U8, 0, "ICMP code" },
	[BK_ICMP_ECHOID] = { "icmp.echoid", U16, 0, "echo identifier" },
	[BK_ICMP_ECHOSEQ] = { "icmp.echoseq", U16, 0, "echo sequence" },
	[BK_ICMP_GATEWAY] = { "icmp.gateway", NFP_T_IPV4, 0,
			      "redirect gateway; parameter problem word" },
	[BK_ICMP_FRAGMTU] = { "icmp.fragmtu", U16, 0,
			      "next-hop MTU of fragmentation needed" },
	[BK_ICMP_CSUM] = { "icmp.csum", U16, 0, "ICMP checksum" },
	[BK_ICMPV6_TYPE] = { "icmpv6.type", U8, 0, "ICMPv6 type" },
	[BK_ICMPV6_CODE] = { "icmpv6.code", U8, 0, "ICMPv6 code" },
	[BK_ICMPV6_ECHOID] = { "icmpv6.echoid", U16, 0, "echo identifier" },
	[BK_ICMPV6_ECHOSEQ] = { "icmpv6.echoseq", U16, 0, "echo sequence" },
	[BK_ICMPV6_CSUM] = { "icmpv6.csum", U16, 0, "ICMPv6 checksum" },
	[BK_ICMPV6_MTU] = { "icmpv6.mtu", U32, 0, "MTU of packet too big" },
	[BK_AHESP_SPI] = { "ahesp.spi", U32, 0, "ESP or AH security index" },
	[BK_OOB_PROTOCOL] = { "oob.protocol", U16, 0,
			      "oob.protocol passed on, as ulogd2's BASE did" },
	[BK_ARP_HWTYPE] = { "arp.hwtype", U16, 0, "ARP hardware type" },
	[BK_ARP_PROTOCOLTYPE] = { "arp.protocoltype", U16, 0,
				  "ARP protocol type" },
	[BK_ARP_OPERATION] = { "arp.operation", U16, 0,
			       "ARP operation (1 request, 2 reply)" },
	[BK_ARP_SHWADDR] = { "arp.shwaddr", NFP_T_RAW, 0,
			     "sender hardware address" },
	[BK_ARP_SADDR] = { "arp.saddr", NFP_T_IPV4, 0,
			   "sender IPv4 address" },
	[BK_ARP_DHWADDR] = { "arp.dhwaddr", NFP_T_RAW, 0,
			     "target hardware address" },
	[BK_ARP_DADDR] = { "arp.daddr", NFP_T_IPV4, 0,
			   "target IPv4 address" },
	[BK_SCTP_SPORT] = { "sctp.sport", U16, 0, "SCTP source port" },
	[BK_SCTP_DPORT] = { "sctp.dport", U16, 0, "SCTP destination port" },
	[BK_SCTP_CSUM] = { "sctp.csum", U32, 0, "SCTP checksum" },
	[BK_GRE_FLAGS] = { "gre.flags", U16, 0,
			   "GRE first word without the version (C,R,K,S...)" },
	[BK_GRE_VERSION] = { "gre.version", U8, 0,
			     "GRE version: 0, or 1 for PPTP" },
	[BK_GRE_PROTOCOL] = { "gre.protocol", U16, 0,
			      "GRE protocol type, an ethertype" },
	[BK_GRE_KEY] = { "gre.key", U32, 0,
			 "GRE key when K is set (PPTP: length and call ID)" },
	[BK_PKT_TRUNCATED] = { "pkt.truncated", B, 0,
			       "the packet ended inside a header" },
	[BK_PKT_MALFORMED] = { "pkt.malformed", B, 0,
			       "a header made no sense; decoding stopped" },
	[BK__COUNT] = { 0 }
};
#undef U8
#undef U16
#undef U32
#undef B

enum base_ctr {
	BC_TRUNCATED,
	BC_MALFORMED,
};

static const char *const base_counters[] = {
	[BC_TRUNCATED] = "truncated",
	[BC_MALFORMED] = "malformed",
	NULL
};

static enum nfp_ret base_process(struct nfp_inst *inst, struct nfp_rec *rec)
{
	const struct nfp_value *pkt = nfp_get(rec, BI_RAW_PKT);
	const struct nfp_value *fam = nfp_get(rec, BI_OOB_FAMILY);
	const struct nfp_value *v;
	uint16_t ethertype = 0;
	const char *why = NULL;
	unsigned int flags;
	uint32_t len;

	v = nfp_get(rec, BI_OOB_PROTOCOL);
	if (v) {
		ethertype = v->u16;
		nfp_set_u16(rec, BK_OOB_PROTOCOL, ethertype);
	}
	/* NFLOG without a payload (copy mode meta): nothing to decode. */
	if (!pkt || !fam)
		return NFP_OK;
	len = pkt->raw.len;
	v = nfp_get(rec, BI_RAW_PKTLEN);
	if (v && v->u32 < len)
		len = v->u32;
	flags = base_decode(rec, pkt->raw.ptr, len, fam->u8, ethertype, &why);
	if (flags & BASE_TRUNCATED)
		inst->ctr[BC_TRUNCATED]++;
	if (flags & BASE_MALFORMED) {
		inst->ctr[BC_MALFORMED]++;
		nfp_warn_rl(inst, "malformed packet: %s",
			    why ? why : "bad header");
	}
	return NFP_OK;
}

NFP_PLUGIN(filter, base) = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_FILTER,
	.name = "BASE",
	.summary = "decode IPv4, IPv6, ARP and transport headers of raw.pkt",
	.in_keys = base_in_keys,
	.out_keys = base_out_keys,
	.counters = base_counters,
	.process = base_process,
};
