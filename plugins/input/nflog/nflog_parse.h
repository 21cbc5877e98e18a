/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * input/nflog - the pure NFLOG message parser and record filler
 *
 * Bytes in, a plain struct out: nflog_dgram() walks one netlink datagram as
 * nfnetlink_log sends it, hands every NFULNL_MSG_PACKET message to the
 * caller parsed into struct nflog_pkt, reports NLMSG_ERROR acks and says
 * what was malformed or cut short. Nothing here allocates, prints or touches
 * a socket, so it runs in unit tests and under libFuzzer as it runs in the
 * daemon. Every attribute length is checked before it is read; the pointers
 * in struct nflog_pkt point into the caller's buffer and live as long as it.
 *
 * nflog_fill() then sets the record keys of doc/keys.md ("NFLOG produces")
 * from one struct nflog_pkt; it is the only part that needs the core (for
 * the record arena, when a prefix lacks its NUL).
 */
#ifndef NFP_NFLOG_PARSE_H
#define NFP_NFLOG_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nfpipe/plugin.h>

/* Which attributes a message carried: bits of struct nflog_pkt.has. */
#define NFLOG_HAS_HDR		(1u << 0)	/* NFULA_PACKET_HDR */
#define NFLOG_HAS_MARK		(1u << 1)	/* NFULA_MARK */
#define NFLOG_HAS_TS		(1u << 2)	/* NFULA_TIMESTAMP */
#define NFLOG_HAS_INDEV		(1u << 3)	/* NFULA_IFINDEX_INDEV */
#define NFLOG_HAS_OUTDEV	(1u << 4)	/* NFULA_IFINDEX_OUTDEV */
#define NFLOG_HAS_PHYSIN	(1u << 5)	/* NFULA_IFINDEX_PHYSINDEV */
#define NFLOG_HAS_PHYSOUT	(1u << 6)	/* NFULA_IFINDEX_PHYSOUTDEV */
#define NFLOG_HAS_HWADDR	(1u << 7)	/* NFULA_HWADDR */
#define NFLOG_HAS_PAYLOAD	(1u << 8)	/* NFULA_PAYLOAD */
#define NFLOG_HAS_PREFIX	(1u << 9)	/* NFULA_PREFIX */
#define NFLOG_HAS_UID		(1u << 10)	/* NFULA_UID */
#define NFLOG_HAS_GID		(1u << 11)	/* NFULA_GID */
#define NFLOG_HAS_SEQ		(1u << 12)	/* NFULA_SEQ */
#define NFLOG_HAS_SEQ_GLOBAL	(1u << 13)	/* NFULA_SEQ_GLOBAL */
#define NFLOG_HAS_HWTYPE	(1u << 14)	/* NFULA_HWTYPE */
#define NFLOG_HAS_HWHEADER	(1u << 15)	/* NFULA_HWHEADER */
#define NFLOG_HAS_HWLEN		(1u << 16)	/* NFULA_HWLEN */
#define NFLOG_HAS_CT		(1u << 17)	/* NFULA_CT */
#define NFLOG_HAS_CT_INFO	(1u << 18)	/* NFULA_CT_INFO */
#define NFLOG_HAS_VLAN		(1u << 19)	/* NFULA_VLAN */
#define NFLOG_HAS_L2HDR		(1u << 20)	/* NFULA_L2HDR */
#define NFLOG_HAS_CT_STATUS	(1u << 21)	/* CTA_STATUS inside NFULA_CT */
#define NFLOG_HAS_CT_MARK	(1u << 22)	/* CTA_MARK inside NFULA_CT */
#define NFLOG_HAS_CT_ID		(1u << 23)	/* CTA_ID inside NFULA_CT */

/* One NFULNL_MSG_PACKET message, decoded. Integers in host order. */
struct nflog_pkt {
	uint32_t has;			/* NFLOG_HAS_* */
	uint8_t family;			/* nfgen_family: AF_INET, AF_INET6 */
	uint8_t hook;			/* NF_INET_* from the packet header */
	uint16_t group;			/* res_id: the NFLOG group */
	uint16_t hw_protocol;		/* ethertype from the packet header */
	uint16_t hwtype;		/* ARPHRD_* of the input device */
	uint16_t hwlen;			/* hard_header_len the kernel gave */
	uint16_t hwaddr_len;		/* valid bytes in hwaddr, 0..8 */
	uint32_t mark;			/* skb mark */
	uint64_t ts_sec;		/* packet time, seconds */
	uint64_t ts_usec;		/* and microseconds */
	uint32_t indev;			/* ifindex, 0 when absent */
	uint32_t outdev;		/* ifindex, 0 when absent */
	uint32_t physindev;		/* bridge port in, 0 when absent */
	uint32_t physoutdev;		/* bridge port out, 0 when absent */
	uint32_t uid;			/* socket owner's fsuid */
	uint32_t gid;			/* socket owner's fsgid */
	uint32_t seq;			/* instance-local sequence number */
	uint32_t seq_global;		/* per-netns sequence number */
	const uint8_t *hwaddr;		/* source hardware address */
	const uint8_t *payload;		/* packet from its network header */
	uint32_t payload_len;		/* bytes at payload */
	const char *prefix;		/* log prefix, maybe not terminated */
	uint32_t prefix_len;		/* bytes before the first NUL */
	bool prefix_nul;		/* a NUL follows within the attribute */
	const uint8_t *hwheader;	/* link-layer header */
	uint32_t hwheader_len;		/* bytes at hwheader */
	const uint8_t *l2hdr;		/* full L2 header (bridge, netdev) */
	uint32_t l2hdr_len;		/* bytes at l2hdr */
	uint16_t vlan_proto;		/* NFULA_VLAN_PROTO, 0 when absent */
	uint16_t vlan_tci;		/* NFULA_VLAN_TCI, 0 when absent */
	uint32_t ct_info;		/* enum ip_conntrack_info */
	uint32_t ct_status;		/* CTA_STATUS: IPS_* bits */
	uint32_t ct_mark;		/* CTA_MARK */
	uint32_t ct_id;			/* CTA_ID */
	const char *why;		/* after -EBADMSG: what was wrong */
};

/*
 * Parse the NFLOG packet message @msg of @len bytes (its nlmsghdr
 * included; @len is what the datagram holds for it). Returns 0 with @out
 * filled, -ENOMSG when it is not an NFULNL_MSG_PACKET message, or -EBADMSG
 * with out->why set when a length is wrong or an attribute runs past the
 * end. Never reads outside [@msg, @msg + @len).
 */
int nflog_parse(const void *msg, size_t len, struct nflog_pkt *out);

/* What nflog_dgram() found besides packets. */
enum nflog_event {
	NFLOG_EV_ACK,		/* NLMSG_ERROR with error 0: @err 0 */
	NFLOG_EV_ERROR,		/* NLMSG_ERROR: @err is the negative errno */
	NFLOG_EV_MALFORMED,	/* a message that made no sense: @why */
	NFLOG_EV_TRUNCATED,	/* the datagram ended inside a message */
	NFLOG_EV_DONE,		/* NLMSG_DONE: end of a kernel batch */
	NFLOG_EV_OTHER,		/* any other message type: ignored */
};

struct nflog_dgram_ops {
	/* One parsed packet message; @p lives until the callback returns. */
	void (*packet)(void *arg, const struct nflog_pkt *p);
	/* Anything else; @seq is the message's nlmsg_seq. Optional. */
	void (*event)(void *arg, enum nflog_event ev, uint32_t seq, int err,
		      const char *why);
};

/*
 * Walk the datagram @buf of @len bytes: every netlink message in it, in
 * order. A message whose nlmsg_len runs past the end, or bytes too few for
 * a header, end the walk with NFLOG_EV_TRUNCATED. Returns the number of
 * packet messages handed to ops->packet.
 */
unsigned int nflog_dgram(const void *buf, size_t len,
			 const struct nflog_dgram_ops *ops, void *arg);

/*
 * The conntrack state of enum ip_conntrack_info @ctinfo as ct.state shows
 * it: "ESTABLISHED", "RELATED", "NEW", "UNTRACKED", else "INVALID".
 * Reply-direction values name the same state as their original direction.
 */
const char *nflog_ct_state(uint32_t ctinfo);

/* Tracks NFULA_SEQ to count the numbers that never arrived. */
struct nflog_seq {
	uint32_t next;		/* the number expected next */
	bool started;		/* a number was seen */
};

/*
 * Account @seq: returns how many numbers were skipped since the last one
 * seen. A number at or behind the expected one (the kernel instance was
 * re-created, or a duplicate) restarts the count without reporting a gap.
 */
uint32_t nflog_seq_gap(struct nflog_seq *s, uint32_t seq);

/* Indexes into nflog_keys[]: the plugin's out_keys. */
enum nflog_key {
	NFLOG_K_RAW_MAC,
	NFLOG_K_RAW_MAC_LEN,
	NFLOG_K_RAW_PKT,
	NFLOG_K_RAW_PKTLEN,
	NFLOG_K_RAW_PKTCOUNT,
	NFLOG_K_RAW_TYPE,
	NFLOG_K_RAW_MAC_SADDR,
	NFLOG_K_RAW_MAC_ADDRLEN,
	NFLOG_K_RAW_LABEL,
	NFLOG_K_PREFIX,
	NFLOG_K_TIME_SEC,
	NFLOG_K_TIME_USEC,
	NFLOG_K_MARK,
	NFLOG_K_IFINDEX_IN,
	NFLOG_K_IFINDEX_OUT,
	NFLOG_K_HOOK,
	NFLOG_K_SEQ_LOCAL,
	NFLOG_K_SEQ_GLOBAL,
	NFLOG_K_FAMILY,
	NFLOG_K_PROTOCOL,
	NFLOG_K_UID,
	NFLOG_K_GID,
	NFLOG_K_CT_STATE,
	NFLOG_K_CT_MARK,
	NFLOG_K_CT_ID,
	NFLOG_K__MAX
};

/* With the ct.* keys active, and with them declared inactive. */
extern const struct nfp_key nflog_keys[];
extern const struct nfp_key nflog_keys_noct[];

/* What nflog_fill() needs besides the packet. */
struct nflog_fill_ctx {
	uint8_t label;		/* raw.label: numeric_label option */
	bool ct;		/* conntrack info was asked for and granted */
	int64_t now_sec;	/* reception time, when the packet has none */
	uint32_t now_usec;	/* and its microseconds */
};

/*
 * Set the keys of @rec (laid out with nflog_keys) from @p. Values point
 * into @p's buffer, which must outlive the record's trip; a prefix without
 * its NUL is copied into the record's arena.
 */
void nflog_fill(struct nfp_rec *rec, const struct nflog_pkt *p,
		const struct nflog_fill_ctx *ctx);

#endif /* NFP_NFLOG_PARSE_H */
