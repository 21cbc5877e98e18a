/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * input/nflog - record keys from a struct nflog_pkt
 *
 * Consumes one struct nflog_pkt, whoever made it: nflog_parse.c from an
 * NFLOG netlink message, or the PCAP input from a capture's frame (so a
 * replayed capture gives exactly NFLOG's keys). Produces the keys of
 * doc/keys.md ("NFLOG produces") in a record. Needs the core (the record
 * arena, when a prefix lacks its NUL) and no netfilter library, so PCAP
 * builds it without libnetfilter_log. Main thread, like its callers.
 */
#include <string.h>

#include "nflog_parse.h"

/* ip_conntrack_info values from the kernel's nf_conntrack_common.h. */
#define CTINFO_ESTABLISHED	0
#define CTINFO_RELATED		1
#define CTINFO_NEW		2
#define CTINFO_ESTABLISHED_REPLY 3
#define CTINFO_RELATED_REPLY	4
#define CTINFO_NEW_REPLY	5
#define CTINFO_UNTRACKED	7

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
