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

#define ETH_HDR		 14
#define SLL_HDR		 16
#define SLL2_HDR	 20
#define NULL_HDR	 4	/* BSD loopback: the address family */
#define CHDLC_HDR	 4	/* address, control, ethertype */
#define PPPOE_HDR	 6	/* ver/type, code, session, length */
#define PPI_HDR		 8	/* version, flags, length, DLT */
#define WLAN_HDR	 24	/* 802.11 data frame, three addresses */
#define RADIOTAP_HDR	 8	/* version, pad, length, first present word */
#define LLC_SNAP	 8	/* aa aa 03, OUI, ethertype */
#define NFLOG_HDR	 4	/* family, version, resource id */
#define TLV_HDR		 4	/* length, type: reader's byte order */
#define TLV_TYPE_MASK	 0x3fff /* drops NLA_F_NESTED / NET_BYTEORDER */
#define PACKET_OUTGOING	 4	/* sll_pkttype: sent by this host */
#define HOOK_PRE	 0	/* NF_INET_PRE_ROUTING */
#define HOOK_POST	 4	/* NF_INET_POST_ROUTING */
#define ARPHRD_ETHER_	 1
#define ARPHRD_PPP_	 512
#define ARPHRD_CISCO_	 513 /* Cisco HDLC */
#define ARPHRD_LOOPBACK_ 772
#define ARPHRD_80211_	 801
#define ARPHRD_RADIOTAP_ 803
#define ARPHRD_NONE_	 0xfffe

#define ET_IPV4	      0x0800
#define ET_IPV6	      0x86dd
#define ET_VLAN	      0x8100 /* 802.1Q */
#define ET_QINQ	      0x88a8 /* 802.1ad */
#define ET_QINQ_OLD   0x9100 /* QinQ before 802.1ad */
#define ET_PPPOE_SES  0x8864 /* PPPoE session stage */
#define ET_FABRICPATH 0x8903 /* Cisco FabricPath */
#define ET_MPLS	      0x8847 /* MPLS unicast */
#define ET_MPLS_MC    0x8848 /* MPLS multicast */
#define ET_MAX_LEN    0x05dc /* up to here the field is a length */
#define PPP_IPV4      0x0021
#define PPP_IPV6      0x0057

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

/* PPI and radiotap headers are little-endian whoever wrote them. */
static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[1] << 8 | p[0]);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[1] << 8 | p[0];
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
	case PCAPIN_DLT_NULL:
	case PCAPIN_DLT_EN10MB:
	case PCAPIN_DLT_PPP:
	case PCAPIN_DLT_RAW:
	case PCAPIN_DLT_RAW_OPENBSD:
	case PCAPIN_DLT_PPP_SERIAL:
	case PCAPIN_DLT_PPP_ETHER:
	case PCAPIN_LINKTYPE_RAW:
	case PCAPIN_DLT_C_HDLC:
	case PCAPIN_DLT_IEEE802_11:
	case PCAPIN_DLT_LOOP:
	case PCAPIN_DLT_LINUX_SLL:
	case PCAPIN_DLT_RADIOTAP:
	case PCAPIN_DLT_PPP_PPPD:
	case PCAPIN_DLT_PPI:
	case PCAPIN_DLT_PPP_WITH_DIR:
	case PCAPIN_DLT_C_HDLC_DIR:
	case PCAPIN_DLT_IPV4:
	case PCAPIN_DLT_IPV6:
	case PCAPIN_DLT_LINUX_SLL2:
	case PCAPIN_DLT_NFLOG:
		return true;
	}
	return false;
}

uint8_t pcapin_family(uint16_t ethertype)
{
	switch (ethertype) {
	case ET_IPV4:
		return 2; /* NFPROTO_IPV4 */
	case ET_IPV6:
		return 10; /* NFPROTO_IPV6 */
	case 0x0806:
		return 3; /* NFPROTO_ARP */
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

/* The packet of ethertype @type starts at @off (at most @len). */
static int packet_at(const uint8_t *d, uint32_t len, uint32_t off,
		     uint16_t type, struct nflog_pkt *o)
{
	o->hw_protocol = type;
	o->family = pcapin_family(type);
	o->has |= NFLOG_HAS_HDR;
	set_payload(o, d + off, len - off);
	return 0;
}

/* Frames with a direction byte: sent by the capturing host or not. */
static void set_dir(struct nflog_pkt *o, uint8_t sent)
{
	o->hook = sent ? HOOK_POST : HOOK_PRE;
}

static void set_hwtype(struct nflog_pkt *o, uint16_t hwtype)
{
	o->hwtype = hwtype;
	o->has |= NFLOG_HAS_HWTYPE;
}

static int dec_raw(const uint8_t *d, uint32_t len, uint16_t type,
		   struct nflog_pkt *o)
{
	if (len < 1)
		return fail(o, PCAPIN_ESHORT, "empty frame");
	/*
	 * Without a type from the link type, any version other than 6 is
	 * still a record, read as IPv4: BASE then counts it malformed, as it
	 * would a bad packet from NFLOG.
	 */
	if (!type)
		type = (d[0] >> 4) == 6 ? ET_IPV6 : ET_IPV4;
	set_hwtype(o, ARPHRD_NONE_);
	return packet_at(d, len, 0, type, o);
}

/* The PPP protocol field at @off (RFC 1661 2, compressed or not). */
static int ppp_proto(const uint8_t *d, uint32_t len, uint32_t off,
		     struct nflog_pkt *o)
{
	uint16_t proto;

	if (off >= len)
		return fail(o, PCAPIN_ESHORT,
			    "frame ends before its PPP protocol");
	/* Protocol-Field-Compression: an odd first byte is the whole field. */
	if (d[off] & 1) {
		proto = d[off];
		off += 1;
	} else {
		if (len - off < 2)
			return fail(o, PCAPIN_ESHORT,
				    "frame ends inside its PPP protocol");
		proto = be16(d + off);
		off += 2;
	}
	if (proto == PPP_IPV4)
		return packet_at(d, len, off, ET_IPV4, o);
	if (proto == PPP_IPV6)
		return packet_at(d, len, off, ET_IPV6, o);
	o->hw_protocol = proto;
	return fail(o, PCAPIN_ENOTIP, "PPP protocol is not IP");
}

/* PPP from @off: the HDLC address and control bytes ff 03 are optional. */
static int dec_ppp_at(const uint8_t *d, uint32_t len, uint32_t off,
		      struct nflog_pkt *o)
{
	set_hwtype(o, ARPHRD_PPP_);
	if (len - off >= 2 && d[off] == 0xff && d[off + 1] == 0x03)
		off += 2;
	return ppp_proto(d, len, off, o);
}

/* A PPPoE session header at @off (RFC 2516 4), then PPP. */
static int dec_pppoe(const uint8_t *d, uint32_t len, uint32_t off,
		     struct nflog_pkt *o)
{
	uint32_t plen;

	if (len - off < PPPOE_HDR)
		return fail(o, PCAPIN_ESHORT,
			    "frame ends inside its PPPoE header");
	if (d[off] != 0x11 || d[off + 1] != 0)
		return fail(
			o, PCAPIN_EBADHDR,
			"PPPoE session header is not version 1, type 1, code 0");
	plen = be16(d + off + 4);
	off += PPPOE_HDR;
	/* Ethernet pads short frames: PPPoE's length says where PPP ends. */
	if (plen < len - off)
		len = off + plen;
	return ppp_proto(d, len, off, o);
}

/*
 * MPLS (RFC 3032) at *@off: the labels down to the one with the
 * bottom-of-stack bit; an IP packet after them shows its version in its
 * first nibble. Then *@off and *@type are the packet's; anything else (a
 * pseudowire) leaves both alone, so the frame goes on as it is.
 */
static int dec_mpls(const uint8_t *d, uint32_t len, uint32_t *off,
		    uint16_t *type, struct nflog_pkt *o)
{
	uint32_t p = *off;

	do {
		if (len - p < 4)
			return fail(o, PCAPIN_ESHORT,
				    "frame ends inside its MPLS labels");
		p += 4;
	} while (!(d[p - 2] & 1));
	if (p < len && d[p] >> 4 == 4)
		*type = ET_IPV4;
	else if (p < len && d[p] >> 4 == 6)
		*type = ET_IPV6;
	else
		return 0;
	*off = p;
	return 0;
}

/*
 * From the ethertype @type whose payload starts at @off, through VLAN
 * tags, PPPoE sessions, MPLS labels and FabricPath to the packet. @snap: a
 * type that is a length (802.3) may be followed by an LLC/SNAP header
 * naming the type. Every step moves @off forward, so the walk ends.
 */
static int walk(const uint8_t *d, uint32_t len, uint32_t off, uint16_t type,
		bool snap, struct nflog_pkt *o)
{
	for (;;) {
		/* The common cases first, without the switch. */
		if (type == ET_IPV4 || type == ET_IPV6)
			return packet_at(d, len, off, type, o);
		if (type == ET_VLAN || type == ET_QINQ || type == ET_QINQ_OLD) {
			/* The kernel logs what is inside the tags. */
			if (len - off < 4)
				return fail(o, PCAPIN_ESHORT,
					    "frame ends inside its VLAN tags");
			type = be16(d + off + 2);
			off += 4;
			continue;
		}
		switch (type) {
		case ET_PPPOE_SES:
			return dec_pppoe(d, len, off, o);
		case ET_MPLS:
		case ET_MPLS_MC:
			if (dec_mpls(d, len, &off, &type, o) < 0)
				return PCAPIN_ESHORT;
			if (type == ET_MPLS || type == ET_MPLS_MC)
				return packet_at(d, len, off, type, o);
			break;
		case ET_FABRICPATH:
			/* FTag and TTL, then the host's own Ethernet frame. */
			if (len - off < 2 + ETH_HDR)
				return fail(
					o, PCAPIN_ESHORT,
					"frame ends inside its FabricPath header");
			set_hwaddr(o, d + off + 2 + 6, 6);
			type = be16(d + off + 2 + 12);
			off += 2 + ETH_HDR;
			snap = true;
			break;
		default:
			if (!snap || type > ET_MAX_LEN ||
			    len - off < LLC_SNAP || d[off] != 0xaa ||
			    d[off + 1] != 0xaa || d[off + 2] != 0x03)
				return packet_at(d, len, off, type, o);
			type = be16(d + off + 6);
			off += LLC_SNAP;
			snap = false;
			break;
		}
	}
}

static int dec_eth(const uint8_t *d, uint32_t len, struct nflog_pkt *o)
{
	uint16_t type;
	int r;

	if (len < ETH_HDR)
		return fail(o, PCAPIN_ESHORT,
			    "frame shorter than an Ethernet header");
	set_hwaddr(o, d + 6, 6);
	set_hwtype(o, ARPHRD_ETHER_);
	type = be16(d + 12);
	/* Most frames of most captures: no tags, no tunnel. */
	if (type == ET_IPV4 || type == ET_IPV6)
		packet_at(d, len, ETH_HDR, type, o);
	else if ((r = walk(d, len, ETH_HDR, type, true, o)) < 0)
		return r;
	/* raw.mac: every header byte before the packet, tags included. */
	o->hwheader = d;
	o->hwheader_len = (uint32_t)(o->payload - d);
	o->hwlen = ETH_HDR;
	o->has |= NFLOG_HAS_HWHEADER | NFLOG_HAS_HWLEN;
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
		return fail(o, PCAPIN_ESHORT,
			    "frame shorter than a Linux cooked header");
	cooked_dir(o, (uint8_t)be16(d), 0);
	set_hwtype(o, be16(d + 2));
	set_hwaddr(o, d + 6, be16(d + 4));
	/* Protocols up to 0x05dc are Linux's LINUX_SLL_P_*, not lengths. */
	return walk(d, len, SLL_HDR, be16(d + 14), false, o);
}

static int dec_sll2(const uint8_t *d, uint32_t len, struct nflog_pkt *o)
{
	if (len < SLL2_HDR)
		return fail(o, PCAPIN_ESHORT,
			    "frame shorter than a Linux cooked v2 header");
	cooked_dir(o, d[10], be32(d + 4));
	set_hwtype(o, be16(d + 8));
	set_hwaddr(o, d + 12, d[11]);
	return walk(d, len, SLL2_HDR, be16(d), false, o);
}

/* BSD loopback: an address family, in either byte order (LOOP: network). */
static int dec_null(const uint8_t *d, uint32_t len, struct nflog_pkt *o)
{
	uint32_t af;

	if (len < NULL_HDR)
		return fail(o, PCAPIN_ESHORT,
			    "frame shorter than a loopback header");
	set_hwtype(o, ARPHRD_LOOPBACK_);
	/* Families are small numbers: one of the two orders shows it. */
	af = be32(d);
	if (af > 0xffff)
		af = le32(d);
	switch (af) {
	case 2: /* AF_INET everywhere */
		return packet_at(d, len, NULL_HDR, ET_IPV4, o);
	case 10: /* AF_INET6: Linux */
	case 23: /* Windows */
	case 24: /* NetBSD, OpenBSD, BSD/OS */
	case 28: /* FreeBSD, DragonFly */
	case 30: /* macOS, iOS */
		return packet_at(d, len, NULL_HDR, ET_IPV6, o);
	}
	o->hw_protocol = (uint16_t)(af > 0xffff ? 0xffff : af);
	return fail(o, PCAPIN_ENOTIP, "loopback address family is not IP");
}

/* Cisco HDLC at @off: address (0x0f, 0x8f), control, ethertype. */
static int dec_chdlc_at(const uint8_t *d, uint32_t len, uint32_t off,
			struct nflog_pkt *o)
{
	set_hwtype(o, ARPHRD_CISCO_);
	if (len - off < CHDLC_HDR)
		return fail(o, PCAPIN_ESHORT,
			    "frame shorter than a Cisco HDLC header");
	return walk(d, len, off + CHDLC_HDR, be16(d + off + 2), false, o);
}

static int dec_dir(const uint8_t *d, uint32_t len, struct nflog_pkt *o)
{
	if (len < 1)
		return fail(o, PCAPIN_ESHORT, "empty frame");
	set_dir(o, d[0]);
	return 0;
}

/*
 * 802.11 from @d: data frames only, their LLC/SNAP header naming the
 * ethertype. Encrypted bodies and frames without one are not IP to us.
 * @pad: radiotap says the body starts on a 4-byte boundary.
 */
static int dec_wlan(const uint8_t *d, uint32_t len, bool pad,
		    struct nflog_pkt *o)
{
	uint32_t hl = WLAN_HDR;
	uint16_t fc;
	uint8_t sub;

	set_hwtype(o, ARPHRD_80211_);
	if (len < 2)
		return fail(o, PCAPIN_ESHORT,
			    "frame shorter than an 802.11 header");
	fc = le16(d);
	sub = (uint8_t)(fc >> 4 & 0xf);
	/* Type 2 is data; subtypes with bit 2 set carry no body. */
	if ((fc >> 2 & 3) != 2 || (sub & 4)) {
		o->hw_protocol = 0;
		return fail(o, PCAPIN_ENOTIP, "802.11 frame without data");
	}
	if ((fc & 0x0300) == 0x0300)
		hl += 6; /* to and from DS: a fourth address */
	if (sub & 8)
		hl += (fc & 0x8000) ? 6 : 2; /* QoS, HT control */
	if (pad)
		hl = (hl + 3) & ~3u;
	if (len < hl)
		return fail(o, PCAPIN_ESHORT,
			    "frame ends inside its 802.11 header");
	/* Source address by the DS bits: addr2, addr2, addr3, addr4. */
	switch (fc >> 8 & 3) {
	case 2:
		set_hwaddr(o, d + 16, 6);
		break;
	case 3:
		set_hwaddr(o, d + 24, 6);
		break;
	default:
		set_hwaddr(o, d + 10, 6);
		break;
	}
	if (fc & 0x4000) {
		o->hw_protocol = 0;
		return fail(o, PCAPIN_ENOTIP, "802.11 frame is encrypted");
	}
	if (len - hl < LLC_SNAP || d[hl] != 0xaa || d[hl + 1] != 0xaa ||
	    d[hl + 2] != 0x03) {
		o->hw_protocol = 0;
		return fail(o, PCAPIN_ENOTIP, "802.11 frame without LLC/SNAP");
	}
	return walk(d, len, hl + LLC_SNAP, be16(d + hl + 6), false, o);
}

/*
 * Radiotap (radiotap.org): its length, and the Flags field's FCS and
 * padding bits, found behind the present words and TSFT, the only field
 * before it.
 */
static int dec_radiotap(const uint8_t *d, uint32_t len, struct nflog_pkt *o)
{
	uint32_t hl, present, off = 4;
	uint8_t flags = 0;
	int r;

	if (len < RADIOTAP_HDR)
		return fail(o, PCAPIN_ESHORT,
			    "frame shorter than a radiotap header");
	hl = le16(d + 2);
	if (d[0] != 0 || hl < RADIOTAP_HDR)
		return fail(
			o, PCAPIN_EBADHDR,
			"radiotap header is not version 0 of 8 bytes or more");
	if (hl > len)
		return fail(o, PCAPIN_ESHORT,
			    "frame ends inside its radiotap header");
	present = le32(d + 4);
	/* Bit 31: another present word follows. */
	while (off + 4 <= hl && (le32(d + off) & 0x80000000u))
		off += 4;
	off += 4;
	if (present & 1)
		off = ((off + 7) & ~7u) + 8; /* TSFT: 8 bytes, aligned */
	/* Flags: 0x10 the frame ends in its 4-byte FCS, 0x20 body padded. */
	if ((present & 2) && off < hl)
		flags = d[off];
	if ((flags & 0x10) && len - hl >= 4)
		len -= 4;
	r = dec_wlan(d + hl, len - hl, flags & 0x20, o);
	set_hwtype(o, ARPHRD_RADIOTAP_);
	return r;
}

static int decode_dlt(int dlt, const uint8_t *d, uint32_t len,
		      struct nflog_pkt *o);

/*
 * The fields of a PPI header of @hl bytes (type, length, data; lengths
 * rounded to 4 when the header's flag 1 says so): true when an
 * 802.11-Common field (type 2) has its flag 1, "FCS at the end".
 */
static bool ppi_fcs(const uint8_t *d, uint32_t hl)
{
	uint32_t p = PPI_HDR, n;

	while (hl - p >= 4) {
		n = le16(d + p + 2);
		if (le16(d + p) == 2 && n >= 10 && hl - p - 4 >= 10)
			return le16(d + p + 4 + 8) & 1;
		if (d[1] & 1)
			n = (n + 3) & ~3u;
		if (n > hl - p - 4)
			break;
		p += 4 + n;
	}
	return false;
}

/* PPI (Per-Packet Information): a little-endian header naming the DLT. */
static int dec_ppi(const uint8_t *d, uint32_t len, struct nflog_pkt *o)
{
	uint32_t hl, inner;
	int r;

	if (len < PPI_HDR)
		return fail(o, PCAPIN_ESHORT,
			    "frame shorter than a PPI header");
	hl = le16(d + 2);
	inner = le32(d + 4);
	if (d[0] != 0 || hl < PPI_HDR)
		return fail(o, PCAPIN_EBADHDR,
			    "PPI header is not version 0 of 8 bytes or more");
	if (hl > len)
		return fail(o, PCAPIN_ESHORT,
			    "frame ends inside its PPI header");
	if (inner == PCAPIN_DLT_PPI || inner > 0xffff ||
	    !pcapin_dlt_supported((int)inner)) {
		o->hw_protocol = (uint16_t)(inner > 0xffff ? 0xffff : inner);
		return fail(o, PCAPIN_EDLT,
			    "link type inside PPI is not one this input reads");
	}
	if (inner == PCAPIN_DLT_IEEE802_11 && ppi_fcs(d, hl) && len - hl >= 4)
		len -= 4;
	r = decode_dlt((int)inner, d + hl, len - hl, o);
	return r;
}

static int decode_dlt(int dlt, const uint8_t *d, uint32_t len,
		      struct nflog_pkt *o)
{
	switch (dlt) {
	case PCAPIN_DLT_EN10MB:
		return dec_eth(d, len, o);
	case PCAPIN_DLT_RAW:
	case PCAPIN_DLT_RAW_OPENBSD:
	case PCAPIN_LINKTYPE_RAW:
		return dec_raw(d, len, 0, o);
	case PCAPIN_DLT_IPV4:
		return dec_raw(d, len, ET_IPV4, o);
	case PCAPIN_DLT_IPV6:
		return dec_raw(d, len, ET_IPV6, o);
	case PCAPIN_DLT_LINUX_SLL:
		return dec_sll(d, len, o);
	case PCAPIN_DLT_LINUX_SLL2:
		return dec_sll2(d, len, o);
	case PCAPIN_DLT_NFLOG:
		return pcapin_nflog_tlvs(d, len, o);
	case PCAPIN_DLT_NULL:
	case PCAPIN_DLT_LOOP:
		return dec_null(d, len, o);
	case PCAPIN_DLT_PPP:
		return dec_ppp_at(d, len, 0, o);
	case PCAPIN_DLT_PPP_SERIAL:
		/* RFC 1662 framing, or Cisco HDLC on the same kind of link. */
		if (len >= 1 && (d[0] == 0x0f || d[0] == 0x8f))
			return dec_chdlc_at(d, len, 0, o);
		return dec_ppp_at(d, len, 0, o);
	case PCAPIN_DLT_PPP_ETHER:
		set_hwtype(o, ARPHRD_PPP_);
		return dec_pppoe(d, len, 0, o);
	case PCAPIN_DLT_C_HDLC:
		return dec_chdlc_at(d, len, 0, o);
	case PCAPIN_DLT_PPP_WITH_DIR:
		if (dec_dir(d, len, o) < 0)
			return PCAPIN_ESHORT;
		return dec_ppp_at(d, len, 1, o);
	case PCAPIN_DLT_PPP_PPPD:
		/* The direction took the place of the 0xff address byte. */
		if (dec_dir(d, len, o) < 0)
			return PCAPIN_ESHORT;
		set_hwtype(o, ARPHRD_PPP_);
		return ppp_proto(d, len, len >= 2 && d[1] == 0x03 ? 2 : 1, o);
	case PCAPIN_DLT_C_HDLC_DIR:
		if (dec_dir(d, len, o) < 0)
			return PCAPIN_ESHORT;
		return dec_chdlc_at(d, len, 1, o);
	case PCAPIN_DLT_IEEE802_11:
		return dec_wlan(d, len, false, o);
	case PCAPIN_DLT_RADIOTAP:
		return dec_radiotap(d, len, o);
	case PCAPIN_DLT_PPI:
		return dec_ppi(d, len, o);
	}
	o->hw_protocol = (uint16_t)(dlt < 0 || dlt > 0xffff ? 0xffff : dlt);
	return fail(o, PCAPIN_EDLT, "unsupported link type");
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
		/* Conntrack, VLAN, L2 header: not keys of NFLOG's without ct.
		 */
		break;
	}
	return true;
}

int pcapin_nflog_tlvs(const uint8_t *d, uint32_t len, struct nflog_pkt *o)
{
	uint32_t off = NFLOG_HDR;

	if (len < NFLOG_HDR)
		return fail(o, PCAPIN_ESHORT,
			    "frame shorter than the NFLOG header");
	if (d[1] != 0)
		return fail(o, PCAPIN_EBADVER, "unknown NFLOG header version");
	o->family = d[0];
	o->group = be16(d + 2);
	while (off + TLV_HDR <= len) {
		uint16_t tlen = host16(d + off);
		uint16_t type = host16(d + off + 2) & TLV_TYPE_MASK;

		/* The last TLV may lack the padding that aligns the next. */
		if (tlen < TLV_HDR || tlen > len - off)
			return fail(o, PCAPIN_EBADTLV,
				    "an NFLOG TLV runs past the frame");
		if (!nflog_tlv(o, type, d + off + TLV_HDR, tlen - TLV_HDR))
			return fail(o, PCAPIN_EBADTLV,
				    "an NFLOG TLV is too short for its type");
		off += (tlen + 3u) & ~3u;
	}
	if (off < len)
		return fail(o, PCAPIN_EBADTLV,
			    "bytes after the last NFLOG TLV");
	return 0;
}

int pcapin_decode(int dlt, const uint8_t *data, uint32_t caplen,
		  struct nflog_pkt *out)
{
	memset(out, 0, sizeof(*out));
	if (!data)
		caplen = 0;
	/* The common case without the big switch. */
	if (dlt == PCAPIN_DLT_EN10MB)
		return dec_eth(data, caplen, out);
	return decode_dlt(dlt, data, caplen, out);
}
