/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * input/nfacct - the pure nfacct message step: datagram walk, record filler
 *
 * See nfacct_parse.h. libnetfilter_acct decodes the objects; this file
 * walks the datagram, checks each message before the library sees it and
 * turns what the library decoded into keys.
 *
 * Why the check: nfacct_nlmsg_parse_payload() of libnetfilter_acct 1.0.3
 * (read for facts, and tried under ASan) dereferences a NULL attribute
 * when one of NFACCT_NAME, _PKTS, _BYTES is missing or fails libmnl's
 * validation (which it also reports with perror() on stderr), copies
 * NFACCT_NAME with strncpy() past an attribute shorter than 32 bytes
 * without a NUL, and reads NFACCT_FLAGS and NFACCT_QUOTA without checking
 * their length. It walks to the 4-byte aligned end of the message. And it
 * sets NFACCT_ATTR_FLAGS and _QUOTA only when both are in the message,
 * never clearing them: in a reused object the quota of one object would
 * stay on the next. So every message is first walked with the same bounds
 * the library uses, refused unless each attribute the library reads has
 * the size it expects, and FLAGS and QUOTA are unset before each parse.
 * The walk also picks up NFACCT_USE, which the library does not decode.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <arpa/inet.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_acct.h>
#include <linux/netlink.h>

#include "nfacct_parse.h"

#define SEEN(t) (1u << (t))

_Static_assert(NFACCT_REQ_LEN ==
		       NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct nfgenmsg)),
	       "NFACCT_REQ_LEN is a dump request's length");

static int bad(struct nfacct_info *info, const char *why)
{
	info->why = why;
	return -EBADMSG;
}

/*
 * Check each attribute the library will read; returns the NFACCT_* types
 * seen as a bitmap, or 0 with info->why set. The walk is libmnl's
 * (mnl_attr_for_each: stop at the first attribute that does not fit),
 * written out: calling libmnl for each step cost 176 instructions more per
 * object (bench/nfacct_parse). The message length is a multiple of 4, so
 * the step never passes @end.
 */
static unsigned int check_attrs(const struct nlmsghdr *nlh,
				struct nfacct_info *info)
{
	const char *p = (const char *)nlh + NLMSG_HDRLEN +
			NLMSG_ALIGN(sizeof(struct nfgenmsg));
	const char *end = (const char *)nlh + nlh->nlmsg_len;
	unsigned int seen = 0;

	while (end - p >= (ptrdiff_t)sizeof(struct nlattr)) {
		const struct nlattr *a = (const struct nlattr *)p;
		const char *s = p + NLA_HDRLEN;
		uint16_t type = a->nla_type & NLA_TYPE_MASK;
		uint16_t n;
		uint32_t v;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > end - p)
			break;
		n = a->nla_len - NLA_HDRLEN;
		p += NLA_ALIGN(a->nla_len);
		switch (type) {
		case NFACCT_NAME:
			/* strncpy(.., NFACCT_NAME_MAX) must stop inside. */
			if (n == 0 ||
			    (n < NFACCT_NAME_MAX && !memchr(s, '\0', n))) {
				info->why = "NFACCT_NAME not a string";
				return 0;
			}
			if (!s[0]) {
				info->why = "object without a name";
				return 0;
			}
			break;
		case NFACCT_PKTS:
		case NFACCT_BYTES:
			if (n != sizeof(uint64_t)) {
				info->why =
					"counter attribute not 8 bytes long";
				return 0;
			}
			break;
		case NFACCT_QUOTA:
			if (n < sizeof(uint64_t)) {
				info->why = "attribute too short for its value";
				return 0;
			}
			break;
		case NFACCT_USE:
		case NFACCT_FLAGS:
			if (n < sizeof(uint32_t)) {
				info->why = "attribute too short for its value";
				return 0;
			}
			if (type == NFACCT_USE) {
				memcpy(&v, s, sizeof(v));
				info->use = ntohl(v);
				info->has_use = true;
			}
			break;
		default:
			continue;
		}
		seen |= SEEN(type);
	}
	if (!(seen & SEEN(NFACCT_NAME))) {
		info->why = "object without a name";
		return 0;
	}
	if (!(seen & SEEN(NFACCT_PKTS)) || !(seen & SEEN(NFACCT_BYTES))) {
		info->why = "object without its counters";
		return 0;
	}
	return seen;
}

int nfacct_parse(const void *msg, size_t len, struct nfacct *acct,
		 struct nfacct_info *info)
{
	const struct nlmsghdr *nlh = msg;

	memset(info, 0, sizeof(*info));
	if (len < sizeof(*nlh) || nlh->nlmsg_len < sizeof(*nlh) ||
	    nlh->nlmsg_len > len)
		return bad(info, "message length out of bounds");
	if (nlh->nlmsg_type != ((NFNL_SUBSYS_ACCT << 8) | NFNL_MSG_ACCT_NEW))
		return -ENOMSG;
	if (nlh->nlmsg_len <
	    NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct nfgenmsg)))
		return bad(info, "no room for the nfgenmsg header");
	/* libmnl walks to the aligned end, which must be inside @len. */
	if (NLMSG_ALIGN(nlh->nlmsg_len) != nlh->nlmsg_len)
		return bad(info, "message length not a multiple of 4");
	if (!check_attrs(nlh, info))
		return -EBADMSG;
	nfacct_attr_unset(acct, NFACCT_ATTR_FLAGS);
	nfacct_attr_unset(acct, NFACCT_ATTR_QUOTA);
	if (nfacct_nlmsg_parse_payload(nlh, acct) < 0)
		return bad(info, "libnetfilter_acct refused the object");
	return 0;
}

unsigned int nfacct_dgram(const void *buf, size_t len, struct nfacct *acct,
			  const struct nfacct_dgram_ops *ops, void *arg)
{
	const char *p = buf;
	unsigned int n = 0;
	struct nfacct_info info;

	while (len > 0) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)p;
		size_t step;
		int err;

		if (len < sizeof(*nlh) || nlh->nlmsg_len < sizeof(*nlh) ||
		    nlh->nlmsg_len > len) {
			if (ops->event)
				ops->event(
					arg, NFACCT_DG_TRUNCATED, 0, 0,
					"netlink message runs past the datagram");
			break;
		}
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e =
				(const struct nlmsgerr *)(p + NLMSG_HDRLEN);

			if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(e->error)) {
				if (ops->event)
					ops->event(arg, NFACCT_DG_MALFORMED,
						   nlh->nlmsg_seq, 0,
						   "short NLMSG_ERROR");
			} else if (ops->event) {
				ops->event(arg,
					   e->error ? NFACCT_DG_ERROR
						    : NFACCT_DG_ACK,
					   nlh->nlmsg_seq, e->error, NULL);
			}
		} else if (nlh->nlmsg_type == NLMSG_DONE) {
			if (ops->event)
				ops->event(arg, NFACCT_DG_DONE, nlh->nlmsg_seq,
					   0, NULL);
		} else {
			err = nfacct_parse(p, len, acct, &info);
			if (!err) {
				n++;
				ops->obj(arg, acct, &info, nlh->nlmsg_seq);
			} else if (ops->event) {
				ops->event(arg,
					   err == -ENOMSG ? NFACCT_DG_OTHER
							  : NFACCT_DG_MALFORMED,
					   nlh->nlmsg_seq, 0, info.why);
			}
		}
		step = NLMSG_ALIGN(nlh->nlmsg_len);
		if (step >= len)
			break;
		p += step;
		len -= step;
	}
	return n;
}

size_t nfacct_request(void *buf, bool zero, uint32_t seq)
{
	struct nlmsghdr *nlh;

	nlh = nfacct_nlmsg_build_hdr(
		buf, zero ? NFNL_MSG_ACCT_GET_CTRZERO : NFNL_MSG_ACCT_GET,
		NLM_F_DUMP, seq);
	return nlh->nlmsg_len;
}

const struct nfp_key nfacct_keys[] = {
	[NFACCT_K_NAME] = { "sum.name", NFP_T_STRING, 0,
			    "name of the nfacct object" },
	[NFACCT_K_PKTS] = { "sum.pkts", NFP_T_U64, 0,
			    "packets counted (since the last poll with zerocounter=1)" },
	[NFACCT_K_BYTES] = { "sum.bytes", NFP_T_U64, 0,
			     "bytes counted (since the last poll with zerocounter=1)" },
	[NFACCT_K_TIME_SEC] = { "oob.time.sec", NFP_T_U32, 0,
				"time of the poll, seconds since the epoch" },
	[NFACCT_K_TIME_USEC] = { "oob.time.usec", NFP_T_U32, 0,
				 "and its microseconds" },
	[NFACCT_K_USE] = { "sum.use", NFP_T_U32, 0,
			   "references to the object (rules using it)" },
	[NFACCT_K_FLAGS] = { "sum.flags", NFP_T_U32, 0,
			     "NFACCT_F_* flags of a quota object" },
	[NFACCT_K_QUOTA] = { "sum.quota", NFP_T_U64, 0,
			     "the quota, in packets or bytes; quota objects only" },
	[NFACCT_K_QUOTA_MODE] = { "sum.quota.mode", NFP_T_STRING, 0,
				  "what the quota counts: packet or byte" },
	[NFACCT_K_OVERQUOTA] = { "sum.overquota", NFP_T_BOOL, 0,
				 "the counter had passed the quota" },
	{ 0 }
};

void nfacct_fill(struct nfp_rec *rec, struct nfacct *acct,
		 const struct nfacct_info *info, uint32_t sec, uint32_t usec)
{
	const char *name = nfacct_attr_get_str(acct, NFACCT_ATTR_NAME);
	const uint64_t *pkts = nfacct_attr_get(acct, NFACCT_ATTR_PKTS);
	const uint64_t *bytes = nfacct_attr_get(acct, NFACCT_ATTR_BYTES);
	const uint32_t *flags = nfacct_attr_get(acct, NFACCT_ATTR_FLAGS);

	if (!name)
		name = "";
	nfp_set_str(rec, NFACCT_K_NAME, name, (uint32_t)strlen(name));
	nfp_set_u64(rec, NFACCT_K_PKTS, pkts ? *pkts : 0);
	nfp_set_u64(rec, NFACCT_K_BYTES, bytes ? *bytes : 0);
	nfp_set_u32(rec, NFACCT_K_TIME_SEC, sec);
	nfp_set_u32(rec, NFACCT_K_TIME_USEC, usec);
	if (info && info->has_use)
		nfp_set_u32(rec, NFACCT_K_USE, info->use);
	/* The library sets the flags together with the quota, or neither. */
	if (!flags)
		return;
	nfp_set_u32(rec, NFACCT_K_FLAGS, *flags);
	nfp_set_u64(rec, NFACCT_K_QUOTA,
		    nfacct_attr_get_u64(acct, NFACCT_ATTR_QUOTA));
	if (*flags & NFACCT_F_QUOTA_PKTS)
		nfp_set_str(rec, NFACCT_K_QUOTA_MODE, "packet", 6);
	else if (*flags & NFACCT_F_QUOTA_BYTES)
		nfp_set_str(rec, NFACCT_K_QUOTA_MODE, "byte", 4);
	nfp_set_bool(rec, NFACCT_K_OVERQUOTA, !!(*flags & NFACCT_F_OVERQUOTA));
}
