/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * input/nflog - nfnetlink_log datagrams to struct nflog_pkt, on
 * libnetfilter_log
 *
 * Consumes the bytes of one netlink datagram; produces parsed packets and
 * events through callbacks (see nflog_parse.h). Pure and reentrant: no
 * allocation, no I/O, no globals. libnetfilter_log's nflog_nlmsg_parse()
 * files a message's attributes in a table and checks each one's length
 * against the kernel's format. What stays here, each for the reason given
 * where it is done: the walk over a datagram of many messages, the check
 * that the attributes fill their message, the attributes newer than the
 * library (NFULA_VLAN, NFULA_L2HDR), the conntrack and VLAN nests, a prefix
 * without its NUL, and reading the values out of the table. Our own reads
 * go through memcpy, because a fuzzer or a recorded file may hand us any
 * bytes at any alignment. A length that makes no sense rejects the whole
 * message (-EBADMSG) rather than guessing which part can still be trusted.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <arpa/inet.h>
/* The kernel's header first: the library's own copy lacks NFULA_VLAN on. */
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netfilter/nfnetlink_log.h>
#include <linux/netlink.h>

#include <libnetfilter_log/libnetfilter_log.h>

#include "nflog_parse.h"

/* Attribute and message header sizes, spelled out to keep the checks plain. */
#define HDR_NLMSG	16u	/* struct nlmsghdr */
#define HDR_NFGEN	4u	/* struct nfgenmsg */
#define HDR_NLA		4u	/* struct nlattr */
#define ALIGN4(x)	(((x) + 3u) & ~(size_t)3u)

/*
 * The last type libnetfilter_log 1.0.2 files in its table: its copy of the
 * kernel header ends at NFULA_CT_INFO, and it skips higher types.
 */
#define LIB_ATTR_MAX	NFULA_CT_INFO

static uint16_t get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint16_t get_be16(const uint8_t *p)
{
	return ntohs(get16(p));
}

static uint32_t get_be32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return ntohl(v);
}

static uint64_t get_be64(const uint8_t *p)
{
	return (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
}

/* An attribute of the table: its payload and the payload's length. */
static const uint8_t *payload(const struct nlattr *a)
{
	return (const uint8_t *)a + HDR_NLA;
}

static uint32_t payload_len(const struct nlattr *a)
{
	return get16((const uint8_t *)a) - HDR_NLA;
}

static int bad(struct nflog_pkt *out, const char *why)
{
	out->why = why;
	return -EBADMSG;
}

/*
 * Called for each attribute of a walk with the attribute itself (@a, its
 * header included) and its payload length; returns 0 or -EBADMSG.
 */
typedef int (*attr_cb)(uint16_t type, const uint8_t *a, uint32_t len,
		       void *arg);

/*
 * Walk the attributes in [@p, @p + @len). The last attribute may lack its
 * alignment padding; anything shorter than an attribute header after it is
 * padding too and is ignored. libmnl's walk (mnl_attr_parse(), so
 * nflog_nlmsg_parse()) ends quietly at an attribute that does not fit and
 * reports success: this one rejects the message.
 */
static int attr_walk(const uint8_t *p, size_t len, attr_cb cb, void *arg,
		     struct nflog_pkt *out)
{
	size_t off = 0;

	while (len - off >= HDR_NLA) {
		uint16_t alen = get16(p + off);
		uint16_t type = get16(p + off + 2) & NLA_TYPE_MASK;
		int ret;

		if (alen < HDR_NLA)
			return bad(out, "attribute shorter than its header");
		if (alen > len - off)
			return bad(out,
				   "attribute runs past the end of the message");
		ret = cb(type, p + off, alen - HDR_NLA, arg);
		if (ret < 0)
			return ret;
		off += ALIGN4(alen);
		if (off > len)
			break;
	}
	return 0;
}

/* What the walks over a message's top-level attributes need. */
struct walk {
	struct nlattr **tb;		/* the table, NFULA_MAX + 1 entries */
	struct nflog_pkt *out;		/* for the reason of a refusal */
};

/* The walk before the library's: files what the library does not know. */
static int newer_attr(uint16_t type, const uint8_t *a, uint32_t len,
		      void *arg)
{
	struct walk *w = arg;

	(void)len;
	if (type > LIB_ATTR_MAX && type <= NFULA_MAX)
		w->tb[type] = (struct nlattr *)a;
	return 0;
}

/*
 * The payload sizes nflog_nlmsg_parse() demands (the kernel's structs and
 * integers), with the reason we give when one is wrong. 0: any size.
 */
static const struct {
	uint8_t size;			/* payload bytes */
	const char *why;		/* when it has others */
} attr_rule[LIB_ATTR_MAX + 1] = {
	[NFULA_PACKET_HDR] = { 4, "NFULA_PACKET_HDR is not 4 bytes" },
	[NFULA_MARK] = { 4, "NFULA_MARK is not 4 bytes" },
	[NFULA_TIMESTAMP] = { 16, "NFULA_TIMESTAMP is not 16 bytes" },
	[NFULA_IFINDEX_INDEV] = { 4, "NFULA_IFINDEX_INDEV is not 4 bytes" },
	[NFULA_IFINDEX_OUTDEV] = { 4, "NFULA_IFINDEX_OUTDEV is not 4 bytes" },
	[NFULA_IFINDEX_PHYSINDEV] = { 4,
				      "NFULA_IFINDEX_PHYSINDEV is not 4 bytes" },
	[NFULA_IFINDEX_PHYSOUTDEV] = { 4,
				       "NFULA_IFINDEX_PHYSOUTDEV is not 4 bytes" },
	[NFULA_HWADDR] = { 12, "NFULA_HWADDR is not 12 bytes" },
	[NFULA_UID] = { 4, "NFULA_UID is not 4 bytes" },
	[NFULA_SEQ] = { 4, "NFULA_SEQ is not 4 bytes" },
	[NFULA_SEQ_GLOBAL] = { 4, "NFULA_SEQ_GLOBAL is not 4 bytes" },
	[NFULA_GID] = { 4, "NFULA_GID is not 4 bytes" },
	[NFULA_HWTYPE] = { 2, "NFULA_HWTYPE is not 2 bytes" },
	[NFULA_HWLEN] = { 2, "NFULA_HWLEN is not 2 bytes" },
	[NFULA_CT_INFO] = { 4, "NFULA_CT_INFO is not 4 bytes" },
};

/*
 * The walk after the library refused the message: names the attribute it
 * refused, or files every attribute when that was only a prefix without
 * its trailing NUL (the kernel always sends it, a forged message need not;
 * such a prefix is read up to its end, as nfpipe always did).
 */
static int refused_attr(uint16_t type, const uint8_t *a, uint32_t len,
			void *arg)
{
	struct walk *w = arg;

	if (type > NFULA_MAX)
		return 0;
	if (type <= LIB_ATTR_MAX && attr_rule[type].size &&
	    len != attr_rule[type].size)
		return bad(w->out, attr_rule[type].why);
	w->tb[type] = (struct nlattr *)a;
	return 0;
}

static int ct_attr(uint16_t type, const uint8_t *a, uint32_t len, void *arg)
{
	struct nflog_pkt *out = arg;
	const uint8_t *d = a + HDR_NLA;

	switch (type) {
	case CTA_STATUS:
		if (len < 4)
			return bad(out, "CTA_STATUS shorter than 4 bytes");
		out->ct_status = get_be32(d);
		out->has |= NFLOG_HAS_CT_STATUS;
		break;
	case CTA_MARK:
		if (len < 4)
			return bad(out, "CTA_MARK shorter than 4 bytes");
		out->ct_mark = get_be32(d);
		out->has |= NFLOG_HAS_CT_MARK;
		break;
	case CTA_ID:
		if (len < 4)
			return bad(out, "CTA_ID shorter than 4 bytes");
		out->ct_id = get_be32(d);
		out->has |= NFLOG_HAS_CT_ID;
		break;
	}
	return 0;
}

static int vlan_attr(uint16_t type, const uint8_t *a, uint32_t len, void *arg)
{
	struct nflog_pkt *out = arg;
	const uint8_t *d = a + HDR_NLA;

	switch (type) {
	case NFULA_VLAN_PROTO:
		if (len < 2)
			return bad(out,
				   "NFULA_VLAN_PROTO shorter than 2 bytes");
		out->vlan_proto = get_be16(d);
		break;
	case NFULA_VLAN_TCI:
		if (len < 2)
			return bad(out, "NFULA_VLAN_TCI shorter than 2 bytes");
		out->vlan_tci = get_be16(d);
		break;
	}
	return 0;
}

/* The 32-bit attributes that go straight into a field of struct nflog_pkt. */
static const struct {
	uint8_t type;			/* NFULA_* */
	uint8_t off;			/* offsetof the uint32_t field */
	uint32_t flag;			/* NFLOG_HAS_* */
} u32_attrs[] = {
	{ NFULA_MARK, offsetof(struct nflog_pkt, mark), NFLOG_HAS_MARK },
	{ NFULA_IFINDEX_INDEV, offsetof(struct nflog_pkt, indev),
	  NFLOG_HAS_INDEV },
	{ NFULA_IFINDEX_OUTDEV, offsetof(struct nflog_pkt, outdev),
	  NFLOG_HAS_OUTDEV },
	{ NFULA_IFINDEX_PHYSINDEV, offsetof(struct nflog_pkt, physindev),
	  NFLOG_HAS_PHYSIN },
	{ NFULA_IFINDEX_PHYSOUTDEV, offsetof(struct nflog_pkt, physoutdev),
	  NFLOG_HAS_PHYSOUT },
	{ NFULA_UID, offsetof(struct nflog_pkt, uid), NFLOG_HAS_UID },
	{ NFULA_GID, offsetof(struct nflog_pkt, gid), NFLOG_HAS_GID },
	{ NFULA_SEQ, offsetof(struct nflog_pkt, seq), NFLOG_HAS_SEQ },
	{ NFULA_SEQ_GLOBAL, offsetof(struct nflog_pkt, seq_global),
	  NFLOG_HAS_SEQ_GLOBAL },
	{ NFULA_CT_INFO, offsetof(struct nflog_pkt, ct_info),
	  NFLOG_HAS_CT_INFO },
};

/*
 * Read the values out of the table, whose fixed-size attributes have
 * their exact sizes (the library or refused_attr() saw to it). Ours rather
 * than libmnl's mnl_attr_get_u32() and friends: one call into the library
 * per attribute buys nothing over a memcpy.
 */
static int read_table(struct nlattr *const *tb, struct nflog_pkt *out)
{
	const struct nlattr *a;
	const uint8_t *d, *nul;
	uint32_t v, len;
	unsigned int i;

	/* The kernel always sends it; without it hook and protocol are lies. */
	a = tb[NFULA_PACKET_HDR];
	if (!a)
		return bad(out, "no NFULA_PACKET_HDR");
	d = payload(a);
	out->hw_protocol = get_be16(d);
	out->hook = d[2];
	out->has |= NFLOG_HAS_HDR;
	for (i = 0; i < sizeof(u32_attrs) / sizeof(u32_attrs[0]); i++) {
		a = tb[u32_attrs[i].type];
		if (!a)
			continue;
		v = get_be32(payload(a));
		memcpy((uint8_t *)out + u32_attrs[i].off, &v, sizeof(v));
		out->has |= u32_attrs[i].flag;
	}
	a = tb[NFULA_TIMESTAMP];
	if (a) {
		out->ts_sec = get_be64(payload(a));
		out->ts_usec = get_be64(payload(a) + 8);
		if (out->ts_usec >= 1000000)
			return bad(out,
				   "NFULA_TIMESTAMP microseconds out of range");
		out->has |= NFLOG_HAS_TS;
	}
	a = tb[NFULA_HWADDR];
	if (a) {
		/* struct nfulnl_msg_packet_hw: be16 len, pad, 8 bytes. */
		out->hwaddr_len = get_be16(payload(a));
		if (out->hwaddr_len > 8)
			out->hwaddr_len = 8;
		out->hwaddr = payload(a) + 4;
		out->has |= NFLOG_HAS_HWADDR;
	}
	a = tb[NFULA_PAYLOAD];
	if (a) {
		out->payload = payload(a);
		out->payload_len = payload_len(a);
		out->has |= NFLOG_HAS_PAYLOAD;
	}
	a = tb[NFULA_PREFIX];
	if (a) {
		/* Up to the first NUL, which the library saw at the end. */
		out->prefix = (const char *)payload(a);
		len = payload_len(a);
		nul = len ? memchr(payload(a), '\0', len) : NULL;
		out->prefix_nul = nul != NULL;
		out->prefix_len = nul ? (uint32_t)(nul - payload(a)) : len;
		out->has |= NFLOG_HAS_PREFIX;
	}
	a = tb[NFULA_HWTYPE];
	if (a) {
		out->hwtype = get_be16(payload(a));
		out->has |= NFLOG_HAS_HWTYPE;
	}
	a = tb[NFULA_HWLEN];
	if (a) {
		out->hwlen = get_be16(payload(a));
		out->has |= NFLOG_HAS_HWLEN;
	}
	a = tb[NFULA_HWHEADER];
	if (a) {
		out->hwheader = payload(a);
		out->hwheader_len = payload_len(a);
		out->has |= NFLOG_HAS_HWHEADER;
	}
	a = tb[NFULA_L2HDR];
	if (a) {
		out->l2hdr = payload(a);
		out->l2hdr_len = payload_len(a);
		out->has |= NFLOG_HAS_L2HDR;
	}
	/*
	 * The nests: libnetfilter_log files NFULA_CT unread (decoding it is
	 * libnetfilter_conntrack's job, for three integers) and does not know
	 * NFULA_VLAN.
	 */
	a = tb[NFULA_CT];
	if (a) {
		out->has |= NFLOG_HAS_CT;
		if (attr_walk(payload(a), payload_len(a), ct_attr, out, out))
			return -EBADMSG;
	}
	a = tb[NFULA_VLAN];
	if (a) {
		out->has |= NFLOG_HAS_VLAN;
		if (attr_walk(payload(a), payload_len(a), vlan_attr, out, out))
			return -EBADMSG;
	}
	return 0;
}

int nflog_parse(const void *msg, size_t len, struct nflog_pkt *out)
{
	struct nlattr *tb[NFULA_MAX + 1] = { NULL };
	const uint8_t *m = msg;
	struct walk w = { .tb = tb, .out = out };
	uint32_t nlen;
	uint16_t type;
	int ret;

	memset(out, 0, sizeof(*out));
	if (len < HDR_NLMSG)
		return bad(out, "shorter than a netlink header");
	memcpy(&nlen, m, sizeof(nlen));
	type = get16(m + 4);
	if (NFNL_SUBSYS_ID(type) != NFNL_SUBSYS_ULOG ||
	    NFNL_MSG_TYPE(type) != NFULNL_MSG_PACKET)
		return -ENOMSG;
	/* The library trusts nlmsg_len: it must be checked first. */
	if (nlen > len)
		return bad(out, "nlmsg_len runs past the end of the datagram");
	if (nlen < HDR_NLMSG + HDR_NFGEN)
		return bad(out, "no room for the nfgenmsg header");
	out->family = m[HDR_NLMSG];
	out->group = get_be16(m + HDR_NLMSG + 2);
	m += HDR_NLMSG + HDR_NFGEN;
	nlen -= HDR_NLMSG + HDR_NFGEN;
	ret = attr_walk(m, nlen, newer_attr, &w, out);
	if (ret < 0)
		return ret;
	if (nflog_nlmsg_parse(msg, tb) < 0) {
		ret = attr_walk(m, nlen, refused_attr, &w, out);
		if (ret < 0)
			return ret;
	}
	return read_table(tb, out);
}

static void event(const struct nflog_dgram_ops *ops, void *arg,
		  enum nflog_event ev, uint32_t seq, int err, const char *why)
{
	if (ops->event)
		ops->event(arg, ev, seq, err, why);
}

unsigned int nflog_dgram(const void *buf, size_t len,
			 const struct nflog_dgram_ops *ops, void *arg)
{
	const uint8_t *b = buf;
	unsigned int packets = 0;
	size_t off = 0;

	while (off < len) {
		const uint8_t *m = b + off;
		uint32_t nlen, seq;
		uint16_t type;
		int32_t err;
		struct nflog_pkt pkt;
		int ret;

		if (len - off < HDR_NLMSG) {
			event(ops, arg, NFLOG_EV_TRUNCATED, 0, 0,
			      "datagram ends inside a netlink header");
			break;
		}
		memcpy(&nlen, m, sizeof(nlen));
		type = get16(m + 4);
		memcpy(&seq, m + 8, sizeof(seq));
		if (nlen < HDR_NLMSG) {
			/* No way to find the next message: give up on it. */
			event(ops, arg, NFLOG_EV_MALFORMED, seq, 0,
			      "nlmsg_len shorter than the netlink header");
			break;
		}
		if (nlen > len - off) {
			event(ops, arg, NFLOG_EV_TRUNCATED, seq, 0,
			      "datagram ends inside a message");
			break;
		}
		switch (type) {
		case NLMSG_ERROR:
			if (nlen < HDR_NLMSG + sizeof(err)) {
				event(ops, arg, NFLOG_EV_MALFORMED, seq, 0,
				      "NLMSG_ERROR without an error code");
				break;
			}
			memcpy(&err, m + HDR_NLMSG, sizeof(err));
			if (err == 0)
				event(ops, arg, NFLOG_EV_ACK, seq, 0, NULL);
			else if (err < 0 && err > -4096)
				event(ops, arg, NFLOG_EV_ERROR, seq, err, NULL);
			else
				event(ops, arg, NFLOG_EV_MALFORMED, seq, 0,
				      "NLMSG_ERROR with an impossible error code");
			break;
		case NLMSG_DONE:
			event(ops, arg, NFLOG_EV_DONE, seq, 0, NULL);
			break;
		default:
			ret = nflog_parse(m, nlen, &pkt);
			if (ret == 0) {
				packets++;
				if (ops->packet)
					ops->packet(arg, &pkt);
			} else if (ret == -ENOMSG) {
				event(ops, arg, NFLOG_EV_OTHER, seq, 0, NULL);
			} else {
				event(ops, arg, NFLOG_EV_MALFORMED, seq, 0,
				      pkt.why);
			}
			break;
		}
		if (ALIGN4(nlen) >= len - off)
			break;
		off += ALIGN4(nlen);
	}
	return packets;
}

uint32_t nflog_seq_gap(struct nflog_seq *s, uint32_t seq)
{
	uint32_t gap = 0, d;

	if (s->started) {
		/* Unsigned difference: wraps at 2^32 like the kernel's. */
		d = seq - s->next;
		if (d < 0x80000000u)
			gap = d;
	}
	s->next = seq + 1;
	s->started = true;
	return gap;
}
