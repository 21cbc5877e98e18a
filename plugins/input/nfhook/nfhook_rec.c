/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * input/nfhook - records of ended flows, with NFCT's key names
 *
 * See nfhook_rec.h. The original direction is that of the flow's first
 * packet; reply.* mirrors it (the hook sees no NAT mapping), and
 * ct.event is 4 (DESTROY): every record is a flow that ended, as NFCT's
 * DESTROY records are.
 */
#include <stdbool.h>
#include <string.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include "nfhook_rec.h"

const struct nfp_key nfhook_keys[] = {
	[NFHOOK_K_ORIG_SADDR] = { "orig.ip.saddr", NFP_T_ADDR, 0,
				  "source address of the first packet's direction" },
	[NFHOOK_K_ORIG_DADDR] = { "orig.ip.daddr", NFP_T_ADDR, 0,
				  "destination address, original direction" },
	[NFHOOK_K_ORIG_PROTOCOL] = { "orig.ip.protocol", NFP_T_U8, 0,
				     "IP protocol (after IPv6 extension headers)" },
	[NFHOOK_K_ORIG_SPORT] = { "orig.l4.sport", NFP_T_U16, 0,
				  "source port (TCP, UDP)" },
	[NFHOOK_K_ORIG_DPORT] = { "orig.l4.dport", NFP_T_U16, 0,
				  "destination port (TCP, UDP)" },
	[NFHOOK_K_ORIG_PKTLEN] = { "orig.raw.pktlen", NFP_T_U64, 0,
				   "bytes (IP packets as the hook saw them), original direction" },
	[NFHOOK_K_ORIG_PKTCOUNT] = { "orig.raw.pktcount", NFP_T_U64, 0,
				     "packets, original direction" },
	[NFHOOK_K_REPLY_SADDR] = { "reply.ip.saddr", NFP_T_ADDR, 0,
				   "source address, reply direction" },
	[NFHOOK_K_REPLY_DADDR] = { "reply.ip.daddr", NFP_T_ADDR, 0,
				   "destination address, reply direction" },
	[NFHOOK_K_REPLY_PROTOCOL] = { "reply.ip.protocol", NFP_T_U8, 0,
				      "IP protocol, reply direction" },
	[NFHOOK_K_REPLY_SPORT] = { "reply.l4.sport", NFP_T_U16, 0,
				   "source port, reply direction" },
	[NFHOOK_K_REPLY_DPORT] = { "reply.l4.dport", NFP_T_U16, 0,
				   "destination port, reply direction" },
	[NFHOOK_K_REPLY_PKTLEN] = { "reply.raw.pktlen", NFP_T_U64, 0,
				    "bytes, reply direction" },
	[NFHOOK_K_REPLY_PKTCOUNT] = { "reply.raw.pktcount", NFP_T_U64, 0,
				      "packets, reply direction" },
	[NFHOOK_K_ICMP_TYPE] = { "icmp.type", NFP_T_U8, 0,
				 "ICMP type of the first packet of an ICMP flow" },
	[NFHOOK_K_ICMP_CODE] = { "icmp.code", NFP_T_U8, 0,
				 "ICMP code of the first packet of an ICMP flow" },
	[NFHOOK_K_ICMPV6_TYPE] = { "icmpv6.type", NFP_T_U8, 0,
				   "ICMPv6 type of the first packet of an ICMPv6 flow" },
	[NFHOOK_K_ICMPV6_CODE] = { "icmpv6.code", NFP_T_U8, 0,
				   "ICMPv6 code of the first packet of an ICMPv6 flow" },
	[NFHOOK_K_ICMP_ID] = { "icmp.id", NFP_T_U16, 0,
			       "ICMP or ICMPv6 echo identifier of the flow" },
	[NFHOOK_K_START_SEC] = { "flow.start.sec", NFP_T_U32, 0,
				 "first packet, seconds since the epoch" },
	[NFHOOK_K_START_USEC] = { "flow.start.usec", NFP_T_U32, 0,
				  "and its microseconds" },
	[NFHOOK_K_END_SEC] = { "flow.end.sec", NFP_T_U32, 0,
			       "last packet, seconds since the epoch" },
	[NFHOOK_K_END_USEC] = { "flow.end.usec", NFP_T_U32, 0,
				"and its microseconds" },
	[NFHOOK_K_FAMILY] = { "oob.family", NFP_T_U8, 0,
			      "AF_INET or AF_INET6" },
	[NFHOOK_K_PROTOCOL] = { "oob.protocol", NFP_T_U16, 0,
				"ethertype of the family (0x0800, 0x86dd)" },
	[NFHOOK_K_CT_EVENT] = { "ct.event", NFP_T_U32, 0,
				"always 4 (DESTROY): the flow ended" },
	[NFHOOK_K_IFINDEX_IN] = { "oob.ifindex_in", NFP_T_U32, 0,
				  "input interface of the first packet (0: none at this hook)" },
	[NFHOOK_K_IFINDEX_OUT] = { "oob.ifindex_out", NFP_T_U32, 0,
				   "output interface of the first packet (0: none at this hook)" },
	[NFHOOK_K_ORIG_TCP_FLAGS] = { "orig.tcp.flags", NFP_T_U8, 0,
				      "TCP flags seen, ORed, original direction (nfpipe)" },
	[NFHOOK_K_REPLY_TCP_FLAGS] = { "reply.tcp.flags", NFP_T_U8, 0,
				       "TCP flags seen, ORed, reply direction (nfpipe)" },
	[NFHOOK_K_END_REASON] = { "flow.end.reason", NFP_T_STRING, 0,
				  "fin, rst, idle, active or stop (nfpipe)" },
	[NFHOOK_K_RAW_PKT] = { "raw.pkt", NFP_T_RAW, 0,
			       "mode=packets: the packet from its IP header, up to snaplen" },
	[NFHOOK_K_RAW_PKTLEN] = { "raw.pktlen", NFP_T_U32, 0,
				  "mode=packets: bytes in raw.pkt" },
	[NFHOOK_K_RAW_PKTCOUNT] = { "raw.pktcount", NFP_T_U32, 0,
				    "mode=packets: always 1" },
	[NFHOOK_K_TIME_SEC] = { "oob.time.sec", NFP_T_U32, 0,
				"mode=packets: when it crossed the hook, seconds" },
	[NFHOOK_K_TIME_USEC] = { "oob.time.usec", NFP_T_U32, 0,
				 "and microseconds" },
	[NFHOOK_K_HOOK] = { "oob.hook", NFP_T_U8, 0,
			    "mode=packets: netfilter hook, 0 prerouting .. 4 postrouting" },
	[NFHOOK_K_DIR] = { "flow.dir", NFP_T_U8, 0,
			   "mode=packets: 0 the flow's original direction, 1 reply (nfpipe)" },
	{ 0 }
};

const char *nfhook_end_name(uint8_t why)
{
	static const char *const names[] = {
		[NFHOOK_END_FIN] = "fin",   [NFHOOK_END_RST] = "rst",
		[NFHOOK_END_IDLE] = "idle", [NFHOOK_END_ACTIVE] = "active",
		[NFHOOK_END_STOP] = "stop",
	};

	if (why < sizeof(names) / sizeof(names[0]) && names[why])
		return names[why];
	return "?";
}

static void set_addr(struct nfp_rec *rec, unsigned int key, uint8_t family,
		     const uint8_t *a)
{
	uint32_t v4;

	if (family == AF_INET) {
		memcpy(&v4, a, 4);
		nfp_set_in4(rec, key, v4);
	} else {
		nfp_set_in6(rec, key, a);
	}
}

static bool has_ports(uint8_t proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_UDPLITE || proto == IPPROTO_SCTP ||
	       proto == IPPROTO_DCCP;
}

static bool is_echo(uint8_t proto, uint8_t type)
{
	if (proto == IPPROTO_ICMP)
		return type == 8 || type == 0;
	return proto == IPPROTO_ICMPV6 && (type == 128 || type == 129);
}

static void set_time(struct nfp_rec *rec, unsigned int ksec, unsigned int kusec,
		     uint64_t mono_ns, int64_t off)
{
	int64_t real = (int64_t)mono_ns + off;

	if (real < 0)
		real = 0;
	nfp_set_u32(rec, ksec, (uint32_t)(real / 1000000000));
	nfp_set_u32(rec, kusec, (uint32_t)(real % 1000000000 / 1000));
}

void nfhook_fill(struct nfp_rec *rec, const struct nfhook_key *k,
		 const struct nfhook_flow *f, int64_t mono_to_real_ns,
		 uint8_t why)
{
	const uint8_t *src = f->orig_is_lo ? k->lo : k->hi;
	const uint8_t *dst = f->orig_is_lo ? k->hi : k->lo;
	uint16_t sport = f->orig_is_lo ? k->lo_port : k->hi_port;
	uint16_t dport = f->orig_is_lo ? k->hi_port : k->lo_port;
	const char *reason = nfhook_end_name(why);

	set_addr(rec, NFHOOK_K_ORIG_SADDR, k->family, src);
	set_addr(rec, NFHOOK_K_ORIG_DADDR, k->family, dst);
	set_addr(rec, NFHOOK_K_REPLY_SADDR, k->family, dst);
	set_addr(rec, NFHOOK_K_REPLY_DADDR, k->family, src);
	nfp_set_u8(rec, NFHOOK_K_ORIG_PROTOCOL, k->proto);
	nfp_set_u8(rec, NFHOOK_K_REPLY_PROTOCOL, k->proto);
	if (has_ports(k->proto)) {
		nfp_set_u16(rec, NFHOOK_K_ORIG_SPORT, sport);
		nfp_set_u16(rec, NFHOOK_K_ORIG_DPORT, dport);
		nfp_set_u16(rec, NFHOOK_K_REPLY_SPORT, dport);
		nfp_set_u16(rec, NFHOOK_K_REPLY_DPORT, sport);
	}
	nfp_set_u64(rec, NFHOOK_K_ORIG_PKTLEN, f->bytes[0]);
	nfp_set_u64(rec, NFHOOK_K_ORIG_PKTCOUNT, f->pkts[0]);
	nfp_set_u64(rec, NFHOOK_K_REPLY_PKTLEN, f->bytes[1]);
	nfp_set_u64(rec, NFHOOK_K_REPLY_PKTCOUNT, f->pkts[1]);
	if (k->proto == IPPROTO_ICMP) {
		nfp_set_u8(rec, NFHOOK_K_ICMP_TYPE, f->icmp_type);
		nfp_set_u8(rec, NFHOOK_K_ICMP_CODE, f->icmp_code);
	} else if (k->proto == IPPROTO_ICMPV6) {
		nfp_set_u8(rec, NFHOOK_K_ICMPV6_TYPE, f->icmp_type);
		nfp_set_u8(rec, NFHOOK_K_ICMPV6_CODE, f->icmp_code);
	}
	if (is_echo(k->proto, f->icmp_type))
		nfp_set_u16(rec, NFHOOK_K_ICMP_ID, k->lo_port);
	set_time(rec, NFHOOK_K_START_SEC, NFHOOK_K_START_USEC, f->first_ns,
		 mono_to_real_ns);
	set_time(rec, NFHOOK_K_END_SEC, NFHOOK_K_END_USEC, f->last_ns,
		 mono_to_real_ns);
	nfp_set_u8(rec, NFHOOK_K_FAMILY, k->family);
	nfp_set_u16(rec, NFHOOK_K_PROTOCOL,
		    k->family == AF_INET6 ? 0x86dd : 0x0800);
	nfp_set_u32(rec, NFHOOK_K_CT_EVENT, 4);
	nfp_set_u32(rec, NFHOOK_K_IFINDEX_IN, f->ifindex_in);
	nfp_set_u32(rec, NFHOOK_K_IFINDEX_OUT, f->ifindex_out);
	if (k->proto == IPPROTO_TCP) {
		nfp_set_u8(rec, NFHOOK_K_ORIG_TCP_FLAGS,
			   (uint8_t)f->tcp_flags[0]);
		nfp_set_u8(rec, NFHOOK_K_REPLY_TCP_FLAGS,
			   (uint8_t)f->tcp_flags[1]);
	}
	nfp_set_str(rec, NFHOOK_K_END_REASON, reason, (uint32_t)strlen(reason));
}

void nfhook_fill_pkt(struct nfp_rec *rec, const struct nfhook_pkt_event *ev,
		     int64_t mono_to_real_ns, uint8_t hook)
{
	uint32_t cap =
		ev->caplen < NFHOOK_SNAP_MAX ? ev->caplen : NFHOOK_SNAP_MAX;
	void *copy = cap ? nfp_rec_alloc(rec, cap) : NULL;

	/* The ring buffer's slot is reused once the callback returns. */
	if (copy) {
		memcpy(copy, ev->data, cap);
		nfp_set_raw(rec, NFHOOK_K_RAW_PKT, copy, cap);
		nfp_set_u32(rec, NFHOOK_K_RAW_PKTLEN, cap);
	}
	nfp_set_u32(rec, NFHOOK_K_RAW_PKTCOUNT, 1);
	set_time(rec, NFHOOK_K_TIME_SEC, NFHOOK_K_TIME_USEC, ev->ts_ns,
		 mono_to_real_ns);
	nfp_set_u32(rec, NFHOOK_K_IFINDEX_IN, ev->ifindex_in);
	nfp_set_u32(rec, NFHOOK_K_IFINDEX_OUT, ev->ifindex_out);
	nfp_set_u8(rec, NFHOOK_K_FAMILY, (uint8_t)ev->family);
	nfp_set_u16(rec, NFHOOK_K_PROTOCOL,
		    ev->family == AF_INET6 ? 0x86dd : 0x0800);
	nfp_set_u8(rec, NFHOOK_K_HOOK, hook);
	nfp_set_u8(rec, NFHOOK_K_DIR, (uint8_t)ev->dir);
}
