/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter/base/decode - BASE's pure packet decoder: bytes in, record keys out
 *
 * Decodes IPv4 (options skipped), IPv6 with its extension headers, ARP, and
 * the transport headers TCP, UDP, UDP-Lite, SCTP, ICMP, ICMPv6, ESP, AH and
 * GRE into BASE's output keys (base.h). Every read is checked against the
 * length first: a header that is not complete sets none of its keys and
 * marks the packet truncated; a header that makes no sense (IHL below 5, a
 * total length shorter than the header, a TCP data offset below 5, an
 * endless extension-header chain) marks it malformed and stops decoding.
 * Stateless and allocation-free apart from the ip6.exthdrs string, so it
 * can be fuzzed on its own.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <linux/if_ether.h>
#include <netinet/in.h>

#include "base.h"

/* Netfilter families (NFPROTO_*), as oob.family carries them. */
enum {
	FAM_IPV4 = 2,
	FAM_ARP = 3,
	FAM_BRIDGE = 7,
	FAM_IPV6 = 10,
};

/* State of one decode: where the keys go and what went wrong. */
struct dctx {
	struct nfp_rec *rec;	/* keys are set here */
	unsigned int flags;	/* BASE_TRUNCATED, BASE_MALFORMED */
	const char *why;	/* first reason the packet is malformed */
};

/* The packet is in network byte order and may sit at any alignment. */
static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* An IPv4 address as the key wants it: network order, as on the wire. */
static void set_in4(struct nfp_rec *rec, unsigned int key, const uint8_t *p)
{
	uint32_t in4;

	memcpy(&in4, p, sizeof(in4));
	nfp_set_in4(rec, key, in4);
}

static void truncated(struct dctx *c)
{
	c->flags |= BASE_TRUNCATED;
}

static void malformed(struct dctx *c, const char *why)
{
	c->flags |= BASE_MALFORMED;
	if (!c->why)
		c->why = why;
}

/* ---- transport headers --------------------------------------------------- */

static void dec_tcp(struct dctx *c, const uint8_t *h, uint32_t len)
{
	struct nfp_rec *rec = c->rec;
	uint32_t hlen;
	uint8_t doff, fl;

	if (len < 20) {
		truncated(c);
		return;
	}
	doff = h[12] >> 4;
	fl = h[13];
	nfp_set_u16(rec, BK_TCP_SPORT, rd16(h));
	nfp_set_u16(rec, BK_TCP_DPORT, rd16(h + 2));
	nfp_set_u32(rec, BK_TCP_SEQ, rd32(h + 4));
	nfp_set_u32(rec, BK_TCP_ACKSEQ, rd32(h + 8));
	nfp_set_u8(rec, BK_TCP_OFFSET, doff);
	nfp_set_u8(rec, BK_TCP_RESERVED, h[12] & 0x0f);
	nfp_set_bool(rec, BK_TCP_CWR, fl & 0x80);
	nfp_set_bool(rec, BK_TCP_ECE, fl & 0x40);
	nfp_set_bool(rec, BK_TCP_URG, fl & 0x20);
	nfp_set_bool(rec, BK_TCP_ACK, fl & 0x10);
	nfp_set_bool(rec, BK_TCP_PSH, fl & 0x08);
	nfp_set_bool(rec, BK_TCP_RST, fl & 0x04);
	nfp_set_bool(rec, BK_TCP_SYN, fl & 0x02);
	nfp_set_bool(rec, BK_TCP_FIN, fl & 0x01);
	/*
	 * ulogd2 read glibc's struct tcphdr: res1 is the four reserved bits,
	 * res2 the two bits that became ECE and CWR.
	 */
	nfp_set_bool(rec, BK_TCP_RES1, h[12] & 0x0f);
	nfp_set_bool(rec, BK_TCP_RES2, fl & 0xc0);
	nfp_set_u16(rec, BK_TCP_WINDOW, rd16(h + 14));
	nfp_set_u16(rec, BK_TCP_CSUM, rd16(h + 16));
	nfp_set_u16(rec, BK_TCP_URGP, rd16(h + 18));
	if (doff < 5) {
		malformed(c, "TCP data offset below 5");
		return;
	}
	hlen = (uint32_t)doff * 4;
	if (hlen == 20)
		return;
	if (hlen > len) {
		truncated(c);
		return;
	}
	nfp_set_raw(rec, BK_TCP_OPTIONS, h + 20, hlen - 20);
}

/* UDP, and UDP-Lite, whose length field is the checksum coverage. */
static void dec_udp(struct dctx *c, const uint8_t *h, uint32_t len)
{
	struct nfp_rec *rec = c->rec;

	if (len < 8) {
		truncated(c);
		return;
	}
	nfp_set_u16(rec, BK_UDP_SPORT, rd16(h));
	nfp_set_u16(rec, BK_UDP_DPORT, rd16(h + 2));
	nfp_set_u16(rec, BK_UDP_LEN, rd16(h + 4));
	nfp_set_u16(rec, BK_UDP_CSUM, rd16(h + 6));
}

static void dec_sctp(struct dctx *c, const uint8_t *h, uint32_t len)
{
	struct nfp_rec *rec = c->rec;

	if (len < 12) {
		truncated(c);
		return;
	}
	nfp_set_u16(rec, BK_SCTP_SPORT, rd16(h));
	nfp_set_u16(rec, BK_SCTP_DPORT, rd16(h + 2));
	nfp_set_u32(rec, BK_SCTP_CSUM, rd32(h + 8));
}

/*
 * ICMP. Only the outer header: an error's quoted packet stays out of the
 * keys, which describe the packet that was logged.
 */
static void dec_icmp(struct dctx *c, const uint8_t *h, uint32_t len)
{
	struct nfp_rec *rec = c->rec;

	if (len < 4) {
		truncated(c);
		return;
	}
	nfp_set_u8(rec, BK_ICMP_TYPE, h[0]);
	nfp_set_u8(rec, BK_ICMP_CODE, h[1]);
	nfp_set_u16(rec, BK_ICMP_CSUM, rd16(h + 2));
	if (len < 8) {
		truncated(c);
		return;
	}
	switch (h[0]) {
	case 0:		/* echo reply */
	case 8:		/* echo request */
		nfp_set_u16(rec, BK_ICMP_ECHOID, rd16(h + 4));
		nfp_set_u16(rec, BK_ICMP_ECHOSEQ, rd16(h + 6));
		break;
	case 5:		/* redirect: the gateway to use */
	case 12:	/* parameter problem: ulogd2 gave its word here too */
		set_in4(rec, BK_ICMP_GATEWAY, h + 4);
		break;
	case 3:		/* destination unreachable */
		if (h[1] == 4)	/* fragmentation needed: next-hop MTU */
			nfp_set_u16(rec, BK_ICMP_FRAGMTU, rd16(h + 6));
		break;
	}
}

static void dec_icmpv6(struct dctx *c, const uint8_t *h, uint32_t len)
{
	struct nfp_rec *rec = c->rec;

	if (len < 4) {
		truncated(c);
		return;
	}
	nfp_set_u8(rec, BK_ICMPV6_TYPE, h[0]);
	nfp_set_u8(rec, BK_ICMPV6_CODE, h[1]);
	nfp_set_u16(rec, BK_ICMPV6_CSUM, rd16(h + 2));
	if (len < 8) {
		truncated(c);
		return;
	}
	switch (h[0]) {
	case 128:	/* echo request */
	case 129:	/* echo reply */
		nfp_set_u16(rec, BK_ICMPV6_ECHOID, rd16(h + 4));
		nfp_set_u16(rec, BK_ICMPV6_ECHOSEQ, rd16(h + 6));
		break;
	case 2:		/* packet too big */
		nfp_set_u32(rec, BK_ICMPV6_MTU, rd32(h + 4));
		break;
	}
}

static void dec_esp(struct dctx *c, const uint8_t *h, uint32_t len)
{
	if (len < 4) {
		truncated(c);
		return;
	}
	nfp_set_u32(c->rec, BK_AHESP_SPI, rd32(h));
}

/* AH: next header, length, 2 reserved bytes, then the SPI. */
static void dec_ah(struct dctx *c, const uint8_t *h, uint32_t len)
{
	if (len < 8) {
		truncated(c);
		return;
	}
	nfp_set_u32(c->rec, BK_AHESP_SPI, rd32(h + 4));
}

/*
 * GRE (RFC 2784, RFC 2890; version 1 is PPTP's, RFC 2637). The key follows
 * the base header, after the checksum word when C (or RFC 1701's R) is set.
 */
#define GRE_C 0x8000	/* checksum present */
#define GRE_R 0x4000	/* routing present (RFC 1701) */
#define GRE_K 0x2000	/* key present */

static void dec_gre(struct dctx *c, const uint8_t *h, uint32_t len)
{
	struct nfp_rec *rec = c->rec;
	uint32_t off = 4;
	uint16_t fv;

	if (len < 4) {
		truncated(c);
		return;
	}
	fv = rd16(h);
	nfp_set_u16(rec, BK_GRE_FLAGS, fv & 0xfff8);
	nfp_set_u8(rec, BK_GRE_VERSION, fv & 0x0007);
	nfp_set_u16(rec, BK_GRE_PROTOCOL, rd16(h + 2));
	if (!(fv & GRE_K))
		return;
	if (fv & (GRE_C | GRE_R))
		off += 4;
	if (len < off + 4) {
		truncated(c);
		return;
	}
	nfp_set_u32(rec, BK_GRE_KEY, rd32(h + off));
}

static void dec_l4(struct dctx *c, uint8_t proto, const uint8_t *h,
		   uint32_t len)
{
	switch (proto) {
	case IPPROTO_TCP:
		dec_tcp(c, h, len);
		break;
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
		dec_udp(c, h, len);
		break;
	case IPPROTO_SCTP:
		dec_sctp(c, h, len);
		break;
	case IPPROTO_ICMP:
		dec_icmp(c, h, len);
		break;
	case IPPROTO_ICMPV6:
		dec_icmpv6(c, h, len);
		break;
	case IPPROTO_ESP:
		dec_esp(c, h, len);
		break;
	case IPPROTO_AH:
		dec_ah(c, h, len);
		break;
	case IPPROTO_GRE:
		dec_gre(c, h, len);
		break;
	}
}

/* ---- network headers ----------------------------------------------------- */

static void dec_ipv4(struct dctx *c, const uint8_t *h, uint32_t len)
{
	struct nfp_rec *rec = c->rec;
	uint32_t hlen, tot, end;
	uint16_t fo;
	uint8_t ihl;

	if (len < 20) {
		truncated(c);
		return;
	}
	if (h[0] >> 4 != 4) {
		malformed(c, "IPv4 packet with another IP version");
		return;
	}
	ihl = h[0] & 0x0f;
	tot = rd16(h + 2);
	fo = rd16(h + 6);
	set_in4(rec, BK_IP_SADDR, h + 12);
	set_in4(rec, BK_IP_DADDR, h + 16);
	nfp_set_u8(rec, BK_IP_PROTOCOL, h[9]);
	nfp_set_u8(rec, BK_IP_TOS, h[1]);
	nfp_set_u8(rec, BK_IP_TTL, h[8]);
	nfp_set_u16(rec, BK_IP_TOTLEN, (uint16_t)tot);
	nfp_set_u8(rec, BK_IP_IHL, ihl);
	nfp_set_u16(rec, BK_IP_CSUM, rd16(h + 10));
	nfp_set_u16(rec, BK_IP_ID, rd16(h + 4));
	nfp_set_u16(rec, BK_IP_FRAGOFF, fo);
	if (ihl < 5) {
		malformed(c, "IPv4 header length below 20 bytes");
		return;
	}
	hlen = (uint32_t)ihl * 4;
	/* A zero total length is how GSO super-packets (BIG TCP) say "big". */
	if (tot && tot < hlen) {
		malformed(c, "IPv4 total length shorter than its header");
		return;
	}
	if (hlen > len) {
		truncated(c);
		return;
	}
	/* A fragment after the first carries no transport header. */
	if (fo & 0x1fff)
		return;
	/* Trailing bytes past the total length (link padding) are not ours. */
	end = len;
	if (tot && tot < end)
		end = tot;
	dec_l4(c, h[9], h + hlen, end - hlen);
}

/* Names in ip6.exthdrs, and which next headers are extension headers. */
static const char *exthdr_name(uint8_t nh)
{
	switch (nh) {
	case IPPROTO_HOPOPTS:
		return "HOPOPTS";
	case IPPROTO_ROUTING:
		return "ROUTING";
	case IPPROTO_FRAGMENT:
		return "FRAG";
	case IPPROTO_DSTOPTS:
		return "DSTOPTS";
	case IPPROTO_AH:
		return "AH";
	case IPPROTO_ESP:
		return "ESP";
	}
	return NULL;
}

/* "HOPOPTS FRAG": the chain as walked, in the record's arena. */
static void set_exthdrs(struct nfp_rec *rec, const uint8_t *chain,
			unsigned int n)
{
	size_t len = 0, l;
	unsigned int i;
	char *s, *o;

	if (!nfp_wanted(rec, BK_IP6_EXTHDRS))
		return;
	if (!n) {
		nfp_set_str(rec, BK_IP6_EXTHDRS, "", 0);
		return;
	}
	for (i = 0; i < n; i++)
		len += strlen(exthdr_name(chain[i])) + 1;
	s = nfp_rec_alloc(rec, len);
	if (!s)
		return;
	for (i = 0, o = s; i < n; i++) {
		if (i)
			*o++ = ' ';
		l = strlen(exthdr_name(chain[i]));
		memcpy(o, exthdr_name(chain[i]), l);
		o += l;
	}
	*o = '\0';
	nfp_set_str(rec, BK_IP6_EXTHDRS, s, (uint32_t)(o - s));
}

/*
 * Walk the extension headers from @off. Returns the offset of the upper-
 * layer header and sets *@nh to its protocol, or returns 0 when decoding
 * stops here: the packet is truncated or malformed, ESP hides the rest, or
 * the packet is a fragment after the first (*@nh is then still set).
 */
static uint32_t walk_exthdrs(struct dctx *c, const uint8_t *h, uint32_t end,
			     uint8_t *nh)
{
	struct nfp_rec *rec = c->rec;
	uint8_t chain[BASE_MAX_EXTHDRS];
	uint32_t off = 40, rem, hl;
	unsigned int n = 0;
	bool go_on = true;
	uint16_t fo;

	while (go_on && exthdr_name(*nh)) {
		if (n == BASE_MAX_EXTHDRS) {
			malformed(c, "too many IPv6 extension headers");
			off = 0;
			break;
		}
		rem = end - off;
		switch (*nh) {
		case IPPROTO_FRAGMENT:
			if (rem < 8)
				goto trunc;
			fo = rd16(h + off + 2);
			nfp_set_u16(rec, BK_IP6_FRAGOFF, fo);
			nfp_set_u32(rec, BK_IP6_FRAGID, rd32(h + off + 4));
			chain[n++] = *nh;
			*nh = h[off];
			off += 8;
			/* After a later fragment comes data, not headers. */
			if (fo & 0xfff8) {
				off = 0;
				go_on = false;
			}
			break;
		case IPPROTO_AH:
			if (rem < 8)
				goto trunc;
			nfp_set_u32(rec, BK_AHESP_SPI, rd32(h + off + 4));
			hl = ((uint32_t)h[off + 1] + 2) * 4;
			if (rem < hl)
				goto trunc;
			chain[n++] = *nh;
			*nh = h[off];
			off += hl;
			break;
		case IPPROTO_ESP:
			/* Encrypted from here on: the SPI is all there is. */
			if (rem < 4)
				goto trunc;
			nfp_set_u32(rec, BK_AHESP_SPI, rd32(h + off));
			chain[n++] = *nh;
			off = 0;
			go_on = false;
			break;
		default:	/* hop-by-hop, routing, destination options */
			if (rem < 2)
				goto trunc;
			hl = ((uint32_t)h[off + 1] + 1) * 8;
			if (rem < hl)
				goto trunc;
			chain[n++] = *nh;
			*nh = h[off];
			off += hl;
			break;
		}
	}
	set_exthdrs(rec, chain, n);
	return off;
trunc:
	truncated(c);
	set_exthdrs(rec, chain, n);
	return 0;
}

static void dec_ipv6(struct dctx *c, const uint8_t *h, uint32_t len)
{
	struct nfp_rec *rec = c->rec;
	uint32_t flow, plen, end, off;
	uint8_t nh;

	if (len < 40) {
		truncated(c);
		return;
	}
	if (h[0] >> 4 != 6) {
		malformed(c, "IPv6 packet with another IP version");
		return;
	}
	flow = rd32(h);
	plen = rd16(h + 4);
	nh = h[6];
	nfp_set_in6(rec, BK_IP_SADDR, h + 8);
	nfp_set_in6(rec, BK_IP_DADDR, h + 24);
	nfp_set_u16(rec, BK_IP6_PAYLOADLEN, (uint16_t)plen);
	nfp_set_u8(rec, BK_IP6_PRIORITY, (flow >> 20) & 0xff);
	nfp_set_u32(rec, BK_IP6_FLOWLABEL, flow & 0xfffff);
	nfp_set_u8(rec, BK_IP6_HOPLIMIT, h[7]);
	nfp_set_u8(rec, BK_IP6_NEXTHDR, nh);
	/* Zero payload length: a jumbogram or GSO packet; trust the capture. */
	end = len;
	if (plen && 40 + plen < end)
		end = 40 + plen;
	off = walk_exthdrs(c, h, end, &nh);
	if (c->flags & (BASE_TRUNCATED | BASE_MALFORMED))
		return;
	nfp_set_u8(rec, BK_IP_PROTOCOL, nh);
	if (off)
		dec_l4(c, nh, h + off, end - off);
}

/* ARP of any hardware; addresses are keyed only for IPv4 (pln 4). */
static void dec_arp(struct dctx *c, const uint8_t *h, uint32_t len)
{
	struct nfp_rec *rec = c->rec;
	uint32_t hln, pln;

	if (len < 8) {
		truncated(c);
		return;
	}
	hln = h[4];
	pln = h[5];
	nfp_set_u16(rec, BK_ARP_HWTYPE, rd16(h));
	nfp_set_u16(rec, BK_ARP_PROTOCOLTYPE, rd16(h + 2));
	nfp_set_u16(rec, BK_ARP_OPERATION, rd16(h + 6));
	if (len < 8 + 2 * (hln + pln)) {
		truncated(c);
		return;
	}
	nfp_set_raw(rec, BK_ARP_SHWADDR, h + 8, hln);
	nfp_set_raw(rec, BK_ARP_DHWADDR, h + 8 + hln + pln, hln);
	if (pln == 4) {
		set_in4(rec, BK_ARP_SADDR, h + 8 + hln);
		set_in4(rec, BK_ARP_DADDR, h + 8 + 2 * hln + pln);
	}
}

unsigned int base_decode(struct nfp_rec *rec, const uint8_t *pkt,
			 uint32_t len, uint8_t family, uint16_t ethertype,
			 const char **why)
{
	struct dctx c = { .rec = rec };

	if (!pkt)
		len = 0;
	switch (family) {
	case FAM_IPV4:
		dec_ipv4(&c, pkt, len);
		break;
	case FAM_IPV6:
		dec_ipv6(&c, pkt, len);
		break;
	case FAM_ARP:
		dec_arp(&c, pkt, len);
		break;
	case FAM_BRIDGE:
		switch (ethertype) {
		case ETH_P_IP:
			dec_ipv4(&c, pkt, len);
			break;
		case ETH_P_IPV6:
			dec_ipv6(&c, pkt, len);
			break;
		case ETH_P_ARP:
			dec_arp(&c, pkt, len);
			break;
		}
		break;
	}
	nfp_set_bool(rec, BK_PKT_TRUNCATED, c.flags & BASE_TRUNCATED);
	nfp_set_bool(rec, BK_PKT_MALFORMED, c.flags & BASE_MALFORMED);
	if (why)
		*why = c.why;
	return c.flags;
}
