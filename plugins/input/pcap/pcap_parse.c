/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * input/pcap - link headers and DLT_NFLOG TLVs to struct nflog_pkt
 *
 * The PCAP input hands every frame it reads to pcapin_decode() and then to
 * the NFLOG input's nflog_fill(), so a replayed capture yields the keys a
 * live NFLOG group would have. Pure: no allocation, no I/O, no logging;
 * lengths are checked before every read. Layouts are the kernel's
 * (nfnetlink_log attributes) and libpcap's (Linux cooked headers, see
 * pcap-linktype(7)).
 */
#include <string.h>

#include <arpa/inet.h>
#include <linux/netfilter/nfnetlink_log.h>

#include "pcap_parse.h"

#define ETH_HDR		14
#define SLL_HDR		16
#define SLL2_HDR	20
#define NFLOG_HDR	4	/* family, version, resource id */
#define TLV_HDR		4	/* length, type: reader's byte order */
#define TLV_TYPE_MASK	0x3fff	/* drops NLA_F_NESTED / NET_BYTEORDER */
#define PACKET_OUTGOING	4	/* sll_pkttype: sent by this host */
#define HOOK_PRE	0	/* NF_INET_PRE_ROUTING */
#define HOOK_POST	4	/* NF_INET_POST_ROUTING */
#define ARPHRD_ETHER_	1
#define ARPHRD_NONE_	0xfffe

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const uint8_t *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

/* TLV lengths and types are host order: libpcap swapped them if needed. */
static uint16_t host16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

bool pcapin_dlt_supported(int dlt)
{
	switch (dlt) {
	case PCAPIN_DLT_EN10MB:
	case PCAPIN_DLT_RAW:
	case PCAPIN_LINKTYPE_RAW:
	case PCAPIN_DLT_LINUX_SLL:
	case PCAPIN_DLT_LINUX_SLL2:
	case PCAPIN_DLT_NFLOG:
		return true;
	}
	return false;
}

uint8_t pcapin_family(uint16_t ethertype)
{
	switch (ethertype) {
	case 0x0800:
		return 2;	/* NFPROTO_IPV4 */
	case 0x86dd:
		return 10;	/* NFPROTO_IPV6 */
	case 0x0806:
		return 3;	/* NFPROTO_ARP */
	}
	/* What NFLOG reports for frames logged by a bridge. */
	return 7;
}

static void set_payload(struct nflog_pkt *o, const uint8_t *p, uint32_t len)
{
	o->payload = p;
	o->payload_len = len;
	o->has |= NFLOG_HAS_PAYLOAD;
}

static void set_hwaddr(struct nflog_pkt *o, const uint8_t *a, uint32_t len)
{
	o->hwaddr = a;
	o->hwaddr_len = (uint16_t)(len > 8 ? 8 : len);
	o->has |= NFLOG_HAS_HWADDR;
}

static int fail(struct nflog_pkt *o, int err, const char *why)
{
	o->why = why;
	return err;
}

static int dec_raw(const uint8_t *d, uint32_t len, struct nflog_pkt *o)
{
	if (len < 1)
		return fail(o, PCAPIN_ESHORT, "empty frame");
	/*
	 * Any other version is still a record, read as IPv4: BASE then
	 * counts it malformed, as it would a bad packet from NFLOG.
	 */
	o->hw_protocol = (d[0] >> 4) == 6 ? 0x86dd : 0x0800;
	o->family = pcapin_family(o->hw_protocol);
	o->hwtype = ARPHRD_NONE_;
	o->has |= NFLOG_HAS_HDR | NFLOG_HAS_HWTYPE;
	set_payload(o, d, len);
	return 0;
}

static int dec_eth(const uint8_t *d, uint32_t len, struct nflog_pkt *o)
{
	uint32_t off = 12;
	uint16_t type;

	if (len < ETH_HDR)
		return fail(o, PCAPIN_ESHORT, "frame shorter than an Ethernet header");
	type = be16(d + off);
	/* 802.1Q / 802.1ad tags: the kernel logs what is inside them. */
	while ((type == 0x8100 || type == 0x88a8) && off + 6 <= len) {
		off += 4;
		type = be16(d + off);
	}
	if (type == 0x8100 || type == 0x88a8)
		return fail(o, PCAPIN_ESHORT, "frame ends inside its VLAN tags");
	off += 2;
	o->hw_protocol = type;
	o->family = pcapin_family(type);
	o->hwtype = ARPHRD_ETHER_;
	o->hwheader = d;
	o->hwheader_len = off;
	o->hwlen = ETH_HDR;
	set_hwaddr(o, d + 6, 6);
	o->has |= NFLOG_HAS_HDR | NFLOG_HAS_HWTYPE | NFLOG_HAS_HWHEADER |
		  NFLOG_HAS_HWLEN;
	set_payload(o, d + off, len - off);
	return 0;
}

/* Both cooked headers: where the kernel's interface direction shows. */
static void cooked_dir(struct nflog_pkt *o, uint8_t pkttype, uint32_t ifindex)
{
	if (pkttype == PACKET_OUTGOING) {
		o->hook = HOOK_POST;
		o->outdev = ifindex;
		if (ifindex)
			o->has |= NFLOG_HAS_OUTDEV;
	} else {
		o->hook = HOOK_PRE;
		o->indev = ifindex;
		if (ifindex)
			o->has |= NFLOG_HAS_INDEV;
	}
}

static int dec_sll(const uint8_t *d, uint32_t len, struct nflog_pkt *o)
{
	if (len < SLL_HDR)
		return fail(o, PCAPIN_ESHORT, "frame shorter than a Linux cooked header");
	cooked_dir(o, (uint8_t)be16(d), 0);
	o->hwtype = be16(d + 2);
	set_hwaddr(o, d + 6, be16(d + 4));
	o->hw_protocol = be16(d + 14);
	o->family = pcapin_family(o->hw_protocol);
	o->has |= NFLOG_HAS_HDR | NFLOG_HAS_HWTYPE;
	set_payload(o, d + SLL_HDR, len - SLL_HDR);
	return 0;
}

static int dec_sll2(const uint8_t *d, uint32_t len, struct nflog_pkt *o)
{
	if (len < SLL2_HDR)
		return fail(o, PCAPIN_ESHORT, "frame shorter than a Linux cooked v2 header");
	o->hw_protocol = be16(d);
	cooked_dir(o, d[10], be32(d + 4));
	o->hwtype = be16(d + 8);
	set_hwaddr(o, d + 12, d[11]);
	o->family = pcapin_family(o->hw_protocol);
	o->has |= NFLOG_HAS_HDR | NFLOG_HAS_HWTYPE;
	set_payload(o, d + SLL2_HDR, len - SLL2_HDR);
	return 0;
}

/* One TLV's value; false when it is too short for what it must hold. */
static bool nflog_tlv(struct nflog_pkt *o, uint16_t type, const uint8_t *v,
		      uint32_t n)
{
	const void *nul;

	switch (type) {
	case NFULA_PACKET_HDR:
		if (n < 4)
			return false;
		o->hw_protocol = be16(v);
		o->hook = v[2];
		o->has |= NFLOG_HAS_HDR;
		break;
	case NFULA_MARK:
		if (n < 4)
			return false;
		o->mark = be32(v);
		o->has |= NFLOG_HAS_MARK;
		break;
	case NFULA_TIMESTAMP:
		if (n < 16)
			return false;
		o->ts_sec = be64(v);
		o->ts_usec = be64(v + 8);
		o->has |= NFLOG_HAS_TS;
		break;
	case NFULA_IFINDEX_INDEV:
		if (n < 4)
			return false;
		o->indev = be32(v);
		o->has |= NFLOG_HAS_INDEV;
		break;
	case NFULA_IFINDEX_OUTDEV:
		if (n < 4)
			return false;
		o->outdev = be32(v);
		o->has |= NFLOG_HAS_OUTDEV;
		break;
	case NFULA_IFINDEX_PHYSINDEV:
		if (n < 4)
			return false;
		o->physindev = be32(v);
		o->has |= NFLOG_HAS_PHYSIN;
		break;
	case NFULA_IFINDEX_PHYSOUTDEV:
		if (n < 4)
			return false;
		o->physoutdev = be32(v);
		o->has |= NFLOG_HAS_PHYSOUT;
		break;
	case NFULA_HWADDR:
		/* be16 length, 2 bytes of padding, up to 8 address bytes. */
		if (n < 4)
			return false;
		set_hwaddr(o, v + 4, be16(v) < n - 4 ? be16(v) : n - 4);
		break;
	case NFULA_PAYLOAD:
		set_payload(o, v, n);
		break;
	case NFULA_PREFIX:
		nul = memchr(v, '\0', n);
		o->prefix = (const char *)v;
		o->prefix_len = nul ? (uint32_t)((const uint8_t *)nul - v) : n;
		o->prefix_nul = nul != NULL;
		o->has |= NFLOG_HAS_PREFIX;
		break;
	case NFULA_UID:
		if (n < 4)
			return false;
		o->uid = be32(v);
		o->has |= NFLOG_HAS_UID;
		break;
	case NFULA_GID:
		if (n < 4)
			return false;
		o->gid = be32(v);
		o->has |= NFLOG_HAS_GID;
		break;
	case NFULA_SEQ:
		if (n < 4)
			return false;
		o->seq = be32(v);
		o->has |= NFLOG_HAS_SEQ;
		break;
	case NFULA_SEQ_GLOBAL:
		if (n < 4)
			return false;
		o->seq_global = be32(v);
		o->has |= NFLOG_HAS_SEQ_GLOBAL;
		break;
	case NFULA_HWTYPE:
		if (n < 2)
			return false;
		o->hwtype = be16(v);
		o->has |= NFLOG_HAS_HWTYPE;
		break;
	case NFULA_HWHEADER:
		o->hwheader = v;
		o->hwheader_len = n;
		o->has |= NFLOG_HAS_HWHEADER;
		break;
	case NFULA_HWLEN:
		if (n < 2)
			return false;
		o->hwlen = be16(v);
		o->has |= NFLOG_HAS_HWLEN;
		break;
	default:
		/* Conntrack, VLAN, L2 header: not keys of NFLOG's without ct. */
		break;
	}
	return true;
}

int pcapin_nflog_tlvs(const uint8_t *d, uint32_t len, struct nflog_pkt *o)
{
	uint32_t off = NFLOG_HDR;

	if (len < NFLOG_HDR)
		return fail(o, PCAPIN_ESHORT, "frame shorter than the NFLOG header");
	if (d[1] != 0)
		return fail(o, PCAPIN_EBADVER, "unknown NFLOG header version");
	o->family = d[0];
	o->group = be16(d + 2);
	while (off + TLV_HDR <= len) {
		uint16_t tlen = host16(d + off);
		uint16_t type = host16(d + off + 2) & TLV_TYPE_MASK;

		/* The last TLV may lack the padding that aligns the next. */
		if (tlen < TLV_HDR || tlen > len - off)
			return fail(o, PCAPIN_EBADTLV, "an NFLOG TLV runs past the frame");
		if (!nflog_tlv(o, type, d + off + TLV_HDR, tlen - TLV_HDR))
			return fail(o, PCAPIN_EBADTLV, "an NFLOG TLV is too short for its type");
		off += (tlen + 3u) & ~3u;
	}
	if (off < len)
		return fail(o, PCAPIN_EBADTLV, "bytes after the last NFLOG TLV");
	return 0;
}

int pcapin_decode(int dlt, const uint8_t *data, uint32_t caplen,
		  struct nflog_pkt *out)
{
	memset(out, 0, sizeof(*out));
	if (!data)
		caplen = 0;
	switch (dlt) {
	case PCAPIN_DLT_RAW:
	case PCAPIN_LINKTYPE_RAW:
		return dec_raw(data, caplen, out);
	case PCAPIN_DLT_EN10MB:
		return dec_eth(data, caplen, out);
	case PCAPIN_DLT_LINUX_SLL:
		return dec_sll(data, caplen, out);
	case PCAPIN_DLT_LINUX_SLL2:
		return dec_sll2(data, caplen, out);
	case PCAPIN_DLT_NFLOG:
		return pcapin_nflog_tlvs(data, caplen, out);
	}
	return fail(out, PCAPIN_EDLT, "unsupported link type");
}
