/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * input/nflog - parse nfnetlink_log datagrams into struct nflog_pkt
 *
 * Consumes the bytes of one netlink datagram; produces parsed packets and
 * events through callbacks (see nflog_parse.h). Pure and reentrant: no
 * allocation, no I/O, no globals. Every read is bounds-checked against the
 * message it belongs to and goes through memcpy, because a fuzzer or a
 * recorded file may hand us any bytes at any alignment. A length that makes
 * no sense rejects the whole message (-EBADMSG) rather than guessing which
 * part of it can still be trusted.
 */
#include <errno.h>
#include <string.h>

#include <arpa/inet.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netfilter/nfnetlink_log.h>
#include <linux/netlink.h>

#include "nflog_parse.h"

/* Attribute and message header sizes, spelled out to keep the checks plain. */
#define HDR_NLMSG	16u	/* struct nlmsghdr */
#define HDR_NFGEN	4u	/* struct nfgenmsg */
#define HDR_NLA		4u	/* struct nlattr */
#define ALIGN4(x)	(((x) + 3u) & ~(size_t)3u)

/* ip_conntrack_info values from the kernel's nf_conntrack_common.h. */
#define CTINFO_ESTABLISHED	0
#define CTINFO_RELATED		1
#define CTINFO_NEW		2
#define CTINFO_ESTABLISHED_REPLY 3
#define CTINFO_RELATED_REPLY	4
#define CTINFO_NEW_REPLY	5
#define CTINFO_UNTRACKED	7

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

/* Called for each attribute of a walk; returns 0 or -EBADMSG. */
typedef int (*attr_cb)(uint16_t type, const uint8_t *data, uint32_t len,
		       struct nflog_pkt *out);

static int bad(struct nflog_pkt *out, const char *why)
{
	out->why = why;
	return -EBADMSG;
}

/*
 * Walk the attributes in [@p, @p + @len). The last attribute may lack its
 * alignment padding; anything shorter than an attribute header after it is
 * padding too and is ignored.
 */
static int attr_walk(const uint8_t *p, size_t len, attr_cb cb,
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
		ret = cb(type, p + off + HDR_NLA, alen - HDR_NLA, out);
		if (ret < 0)
			return ret;
		off += ALIGN4(alen);
		if (off > len)
			break;
	}
	return 0;
}

static int ct_attr(uint16_t type, const uint8_t *d, uint32_t len,
		   struct nflog_pkt *out)
{
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

static int vlan_attr(uint16_t type, const uint8_t *d, uint32_t len,
		     struct nflog_pkt *out)
{
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

/* A 32-bit big-endian attribute into @dst, or -EBADMSG naming it. */
static int u32_attr(const uint8_t *d, uint32_t len, uint32_t *dst,
		    uint32_t flag, struct nflog_pkt *out, const char *why)
{
	if (len < 4)
		return bad(out, why);
	*dst = get_be32(d);
	out->has |= flag;
	return 0;
}

static int pkt_attr(uint16_t type, const uint8_t *d, uint32_t len,
		    struct nflog_pkt *out)
{
	const uint8_t *nul;

	switch (type) {
	case NFULA_PACKET_HDR:
		if (len < 4)
			return bad(out,
				   "NFULA_PACKET_HDR shorter than 4 bytes");
		out->hw_protocol = get_be16(d);
		out->hook = d[2];
		out->has |= NFLOG_HAS_HDR;
		break;
	case NFULA_MARK:
		return u32_attr(d, len, &out->mark, NFLOG_HAS_MARK, out,
				"NFULA_MARK shorter than 4 bytes");
	case NFULA_TIMESTAMP:
		if (len < 16)
			return bad(out,
				   "NFULA_TIMESTAMP shorter than 16 bytes");
		out->ts_sec = get_be64(d);
		out->ts_usec = get_be64(d + 8);
		if (out->ts_usec >= 1000000)
			return bad(out,
				   "NFULA_TIMESTAMP microseconds out of range");
		out->has |= NFLOG_HAS_TS;
		break;
	case NFULA_IFINDEX_INDEV:
		return u32_attr(d, len, &out->indev, NFLOG_HAS_INDEV, out,
				"NFULA_IFINDEX_INDEV shorter than 4 bytes");
	case NFULA_IFINDEX_OUTDEV:
		return u32_attr(d, len, &out->outdev, NFLOG_HAS_OUTDEV, out,
				"NFULA_IFINDEX_OUTDEV shorter than 4 bytes");
	case NFULA_IFINDEX_PHYSINDEV:
		return u32_attr(d, len, &out->physindev, NFLOG_HAS_PHYSIN, out,
				"NFULA_IFINDEX_PHYSINDEV shorter than 4 bytes");
	case NFULA_IFINDEX_PHYSOUTDEV:
		return u32_attr(d, len, &out->physoutdev, NFLOG_HAS_PHYSOUT,
				out,
				"NFULA_IFINDEX_PHYSOUTDEV shorter than 4 bytes");
	case NFULA_HWADDR:
		/* struct nfulnl_msg_packet_hw: be16 len, pad, 8 bytes. */
		if (len < 12)
			return bad(out, "NFULA_HWADDR shorter than 12 bytes");
		out->hwaddr_len = get_be16(d);
		if (out->hwaddr_len > 8)
			out->hwaddr_len = 8;
		out->hwaddr = d + 4;
		out->has |= NFLOG_HAS_HWADDR;
		break;
	case NFULA_PAYLOAD:
		out->payload = d;
		out->payload_len = len;
		out->has |= NFLOG_HAS_PAYLOAD;
		break;
	case NFULA_PREFIX:
		/* The kernel sends the NUL; a forged message need not. */
		out->prefix = (const char *)d;
		nul = len ? memchr(d, '\0', len) : NULL;
		out->prefix_nul = nul != NULL;
		out->prefix_len = nul ? (uint32_t)(nul - d) : len;
		out->has |= NFLOG_HAS_PREFIX;
		break;
	case NFULA_UID:
		return u32_attr(d, len, &out->uid, NFLOG_HAS_UID, out,
				"NFULA_UID shorter than 4 bytes");
	case NFULA_GID:
		return u32_attr(d, len, &out->gid, NFLOG_HAS_GID, out,
				"NFULA_GID shorter than 4 bytes");
	case NFULA_SEQ:
		return u32_attr(d, len, &out->seq, NFLOG_HAS_SEQ, out,
				"NFULA_SEQ shorter than 4 bytes");
	case NFULA_SEQ_GLOBAL:
		return u32_attr(d, len, &out->seq_global, NFLOG_HAS_SEQ_GLOBAL,
				out, "NFULA_SEQ_GLOBAL shorter than 4 bytes");
	case NFULA_HWTYPE:
		if (len < 2)
			return bad(out, "NFULA_HWTYPE shorter than 2 bytes");
		out->hwtype = get_be16(d);
		out->has |= NFLOG_HAS_HWTYPE;
		break;
	case NFULA_HWLEN:
		if (len < 2)
			return bad(out, "NFULA_HWLEN shorter than 2 bytes");
		out->hwlen = get_be16(d);
		out->has |= NFLOG_HAS_HWLEN;
		break;
	case NFULA_HWHEADER:
		out->hwheader = d;
		out->hwheader_len = len;
		out->has |= NFLOG_HAS_HWHEADER;
		break;
	case NFULA_CT:
		out->has |= NFLOG_HAS_CT;
		return attr_walk(d, len, ct_attr, out);
	case NFULA_CT_INFO:
		return u32_attr(d, len, &out->ct_info, NFLOG_HAS_CT_INFO, out,
				"NFULA_CT_INFO shorter than 4 bytes");
	case NFULA_VLAN:
		out->has |= NFLOG_HAS_VLAN;
		return attr_walk(d, len, vlan_attr, out);
	case NFULA_L2HDR:
		out->l2hdr = d;
		out->l2hdr_len = len;
		out->has |= NFLOG_HAS_L2HDR;
		break;
	}
	/* Attributes of newer kernels are skipped, as netlink intends. */
	return 0;
}

int nflog_parse(const void *msg, size_t len, struct nflog_pkt *out)
{
	const uint8_t *m = msg;
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
	if (nlen > len)
		return bad(out, "nlmsg_len runs past the end of the datagram");
	if (nlen < HDR_NLMSG + HDR_NFGEN)
		return bad(out, "no room for the nfgenmsg header");
	out->family = m[HDR_NLMSG];
	out->group = get_be16(m + HDR_NLMSG + 2);
	ret = attr_walk(m + HDR_NLMSG + HDR_NFGEN, nlen - HDR_NLMSG - HDR_NFGEN,
			pkt_attr, out);
	if (ret < 0)
		return ret;
	/* The kernel always sends it; without it hook and protocol are lies. */
	if (!(out->has & NFLOG_HAS_HDR))
		return bad(out, "no NFULA_PACKET_HDR");
	return 0;
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

const char *nflog_ct_state(uint32_t ctinfo)
{
	switch (ctinfo) {
	case CTINFO_ESTABLISHED:
	case CTINFO_ESTABLISHED_REPLY:
		return "ESTABLISHED";
	case CTINFO_RELATED:
	case CTINFO_RELATED_REPLY:
		return "RELATED";
	case CTINFO_NEW:
	/* Never on a packet in today's kernels; it would mean a new reply. */
	case CTINFO_NEW_REPLY:
		return "NEW";
	case CTINFO_UNTRACKED:
		return "UNTRACKED";
	}
	return "INVALID";
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

/* ---- record keys -------------------------------------------------------- */

#define NFLOG_KEY_TABLE(ctf)                                                   \
	{                                                                      \
		[NFLOG_K_RAW_MAC] = { "raw.mac", NFP_T_RAW, 0,                 \
			"link-layer header (NFULA_HWHEADER)" },                \
		[NFLOG_K_RAW_MAC_LEN] = { "raw.mac_len", NFP_T_U16, 0,         \
			"bytes in raw.mac" },                                  \
		[NFLOG_K_RAW_PKT] = { "raw.pkt", NFP_T_RAW, 0,                 \
			"packet from its network header, up to copy_range" },  \
		[NFLOG_K_RAW_PKTLEN] = { "raw.pktlen", NFP_T_U32, 0,           \
			"bytes in raw.pkt" },                                  \
		[NFLOG_K_RAW_PKTCOUNT] = { "raw.pktcount", NFP_T_U32, 0,       \
			"packets in this record: always 1" },                  \
		[NFLOG_K_RAW_TYPE] = { "raw.type", NFP_T_U16, 0,               \
			"ARPHRD_* type of the input device" },                 \
		[NFLOG_K_RAW_MAC_SADDR] = { "raw.mac.saddr", NFP_T_RAW, 0,     \
			"source hardware address (NFULA_HWADDR)" },            \
		[NFLOG_K_RAW_MAC_ADDRLEN] = { "raw.mac.addrlen", NFP_T_U16, 0, \
			"bytes in raw.mac.saddr" },                            \
		[NFLOG_K_RAW_LABEL] = { "raw.label", NFP_T_U8, 0,              \
			"the numeric_label option" },                          \
		[NFLOG_K_PREFIX] = { "oob.prefix", NFP_T_STRING, 0,            \
			"log prefix of the rule" },                            \
		[NFLOG_K_TIME_SEC] = { "oob.time.sec", NFP_T_U32, 0,           \
			"packet time, else reception time: seconds" },         \
		[NFLOG_K_TIME_USEC] = { "oob.time.usec", NFP_T_U32, 0,         \
			"and microseconds" },                                  \
		[NFLOG_K_MARK] = { "oob.mark", NFP_T_U32, 0,                   \
			"packet mark, 0 when none" },                          \
		[NFLOG_K_IFINDEX_IN] = { "oob.ifindex_in", NFP_T_U32, 0,       \
			"input interface index, 0 when none" },                \
		[NFLOG_K_IFINDEX_OUT] = { "oob.ifindex_out", NFP_T_U32, 0,     \
			"output interface index, 0 when none" },               \
		[NFLOG_K_HOOK] = { "oob.hook", NFP_T_U8, 0,                    \
			"netfilter hook: 0 prerouting .. 4 postrouting" },     \
		[NFLOG_K_SEQ_LOCAL] = { "oob.seq.local", NFP_T_U32, 0,         \
			"sequence number in this group (seq_local=1)" },       \
		[NFLOG_K_SEQ_GLOBAL] = { "oob.seq.global", NFP_T_U32, 0,       \
			"sequence number in this netns (seq_global=1)" },      \
		[NFLOG_K_FAMILY] = { "oob.family", NFP_T_U8, 0,                \
			"AF_INET, AF_INET6, AF_BRIDGE ..." },                  \
		[NFLOG_K_PROTOCOL] = { "oob.protocol", NFP_T_U16, 0,           \
			"ethertype of the packet (ETH_P_IP ...)" },            \
		[NFLOG_K_UID] = { "oob.uid", NFP_T_U32, 0,                     \
			"owner of the sending socket (local packets)" },       \
		[NFLOG_K_GID] = { "oob.gid", NFP_T_U32, 0,                     \
			"group of the sending socket (local packets)" },       \
		[NFLOG_K_CT_STATE] = { "ct.state", NFP_T_STRING, (ctf),        \
			"NEW, ESTABLISHED, RELATED ... (conntrack=1)" },       \
		[NFLOG_K_CT_MARK] = { "ct.mark", NFP_T_U32, (ctf),             \
			"conntrack mark (conntrack=1)" },                      \
		[NFLOG_K_CT_ID] = { "ct.id", NFP_T_U32, (ctf),                 \
			"conntrack id (conntrack=1)" },                        \
		[NFLOG_K__MAX] = { 0 },                                        \
	}

const struct nfp_key nflog_keys[] = NFLOG_KEY_TABLE(0);
const struct nfp_key nflog_keys_noct[] = NFLOG_KEY_TABLE(NFP_KEYF_INACTIVE);

/* The prefix as a NUL-terminated string that lives as long as @rec. */
static void set_prefix(struct nfp_rec *rec, const struct nflog_pkt *p)
{
	char *s;

	if (p->prefix_nul) {
		nfp_set_str(rec, NFLOG_K_PREFIX, p->prefix, p->prefix_len);
		return;
	}
	s = nfp_rec_alloc(rec, (size_t)p->prefix_len + 1);
	if (!s)
		return;
	memcpy(s, p->prefix, p->prefix_len);
	s[p->prefix_len] = '\0';
	nfp_set_str(rec, NFLOG_K_PREFIX, s, p->prefix_len);
}

void nflog_fill(struct nfp_rec *rec, const struct nflog_pkt *p,
		const struct nflog_fill_ctx *ctx)
{
	uint32_t h = p->has;

	nfp_set_u8(rec, NFLOG_K_FAMILY, p->family);
	nfp_set_u8(rec, NFLOG_K_RAW_LABEL, ctx->label);
	nfp_set_u32(rec, NFLOG_K_RAW_PKTCOUNT, 1);
	nfp_set_u8(rec, NFLOG_K_HOOK, p->hook);
	nfp_set_u16(rec, NFLOG_K_PROTOCOL, p->hw_protocol);
	/* The kernel leaves a zero mark and absent devices out. */
	nfp_set_u32(rec, NFLOG_K_MARK, p->mark);
	nfp_set_u32(rec, NFLOG_K_IFINDEX_IN, p->indev);
	nfp_set_u32(rec, NFLOG_K_IFINDEX_OUT, p->outdev);
	/* Only prerouting, input and forward carry a time; zero is none. */
	if ((h & NFLOG_HAS_TS) && p->ts_sec) {
		nfp_set_u32(rec, NFLOG_K_TIME_SEC, (uint32_t)p->ts_sec);
		nfp_set_u32(rec, NFLOG_K_TIME_USEC, (uint32_t)p->ts_usec);
	} else {
		nfp_set_u32(rec, NFLOG_K_TIME_SEC, (uint32_t)ctx->now_sec);
		nfp_set_u32(rec, NFLOG_K_TIME_USEC, ctx->now_usec);
	}
	if (h & NFLOG_HAS_PAYLOAD) {
		nfp_set_raw(rec, NFLOG_K_RAW_PKT, p->payload, p->payload_len);
		nfp_set_u32(rec, NFLOG_K_RAW_PKTLEN, p->payload_len);
	}
	if (h & NFLOG_HAS_HWHEADER) {
		nfp_set_raw(rec, NFLOG_K_RAW_MAC, p->hwheader, p->hwheader_len);
		nfp_set_u16(rec, NFLOG_K_RAW_MAC_LEN,
			    (uint16_t)p->hwheader_len);
	}
	if (h & NFLOG_HAS_HWTYPE)
		nfp_set_u16(rec, NFLOG_K_RAW_TYPE, p->hwtype);
	if (h & NFLOG_HAS_HWADDR) {
		nfp_set_raw(rec, NFLOG_K_RAW_MAC_SADDR, p->hwaddr,
			    p->hwaddr_len);
		nfp_set_u16(rec, NFLOG_K_RAW_MAC_ADDRLEN, p->hwaddr_len);
	}
	if (h & NFLOG_HAS_PREFIX)
		set_prefix(rec, p);
	if (h & NFLOG_HAS_UID)
		nfp_set_u32(rec, NFLOG_K_UID, p->uid);
	if (h & NFLOG_HAS_GID)
		nfp_set_u32(rec, NFLOG_K_GID, p->gid);
	if (h & NFLOG_HAS_SEQ)
		nfp_set_u32(rec, NFLOG_K_SEQ_LOCAL, p->seq);
	if (h & NFLOG_HAS_SEQ_GLOBAL)
		nfp_set_u32(rec, NFLOG_K_SEQ_GLOBAL, p->seq_global);
	if (!ctx->ct)
		return;
	/* No CT attribute: no conntrack entry, for whatever reason. */
	if (h & NFLOG_HAS_CT_INFO)
		nfp_set_str(rec, NFLOG_K_CT_STATE, nflog_ct_state(p->ct_info),
			    (uint32_t)strlen(nflog_ct_state(p->ct_info)));
	if (h & NFLOG_HAS_CT_MARK)
		nfp_set_u32(rec, NFLOG_K_CT_MARK, p->ct_mark);
	if (h & NFLOG_HAS_CT_ID)
		nfp_set_u32(rec, NFLOG_K_CT_ID, p->ct_id);
}
