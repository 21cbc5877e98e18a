/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * input/nfacct - the pure nfacct message parser and record filler
 *
 * See nfacct_parse.h. Layout of include/uapi/linux/netfilter/
 * nfnetlink_acct.h: a struct nfgenmsg, then NFACCT_NAME (string),
 * NFACCT_PKTS and NFACCT_BYTES (64-bit, network order), NFACCT_USE,
 * NFACCT_FLAGS and NFACCT_QUOTA. Unknown attributes are skipped.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_acct.h>
#include <linux/netlink.h>

#include "nfacct_parse.h"

static uint64_t be64(const struct nlattr *a)
{
	uint64_t v;

	memcpy(&v, mnl_attr_get_payload(a), sizeof(v));
	return be64toh(v);
}

static uint32_t be32(const struct nlattr *a)
{
	uint32_t v;

	memcpy(&v, mnl_attr_get_payload(a), sizeof(v));
	return ntohl(v);
}

int nfacct_parse(const void *msg, size_t len, struct nfacct_obj *out)
{
	const struct nlmsghdr *nlh = msg;
	const struct nlattr *a;
	const char *p;
	int left;

	memset(out, 0, sizeof(*out));
	if (len < sizeof(*nlh) || nlh->nlmsg_len < sizeof(*nlh) ||
	    nlh->nlmsg_len > len) {
		out->why = "message length out of bounds";
		return -EBADMSG;
	}
	if (nlh->nlmsg_type != ((NFNL_SUBSYS_ACCT << 8) | NFNL_MSG_ACCT_NEW))
		return -ENOMSG;
	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(struct nfgenmsg)) {
		out->why = "no room for the nfgenmsg header";
		return -EBADMSG;
	}
	p = (const char *)nlh + NLMSG_HDRLEN +
	    NLMSG_ALIGN(sizeof(struct nfgenmsg));
	left = (int)(nlh->nlmsg_len - NLMSG_HDRLEN -
		     NLMSG_ALIGN(sizeof(struct nfgenmsg)));
	for (a = (const struct nlattr *)p; mnl_attr_ok(a, left);
	     left -= (int)MNL_ALIGN(a->nla_len),
	    a = (const struct nlattr *)((const char *)a +
					MNL_ALIGN(a->nla_len))) {
		uint16_t n = mnl_attr_get_payload_len(a);
		const char *s = mnl_attr_get_payload(a);
		size_t i = 0;

		switch (mnl_attr_get_type(a)) {
		case NFACCT_NAME:
			/* Never past the attribute, whatever its NUL. */
			while (i < n && i < NFACCT_NAME_LEN - 1 && s[i])
				i++;
			memcpy(out->name, s, i);
			out->name[i] = '\0';
			if (i)
				out->has |= NFACCT_HAS_NAME;
			break;
		case NFACCT_PKTS:
			if (n < 8)
				goto short_attr;
			out->pkts = be64(a);
			out->has |= NFACCT_HAS_PKTS;
			break;
		case NFACCT_BYTES:
			if (n < 8)
				goto short_attr;
			out->bytes = be64(a);
			out->has |= NFACCT_HAS_BYTES;
			break;
		case NFACCT_QUOTA:
			if (n < 8)
				goto short_attr;
			out->quota = be64(a);
			out->has |= NFACCT_HAS_QUOTA;
			break;
		case NFACCT_USE:
			if (n < 4)
				goto short_attr;
			out->use = be32(a);
			out->has |= NFACCT_HAS_USE;
			break;
		case NFACCT_FLAGS:
			if (n < 4)
				goto short_attr;
			out->flags = be32(a);
			out->has |= NFACCT_HAS_FLAGS;
			break;
		}
	}
	if (!(out->has & NFACCT_HAS_NAME)) {
		out->why = "object without a name";
		return -EBADMSG;
	}
	if ((out->has & (NFACCT_HAS_PKTS | NFACCT_HAS_BYTES)) !=
	    (NFACCT_HAS_PKTS | NFACCT_HAS_BYTES)) {
		out->why = "object without its counters";
		return -EBADMSG;
	}
	return 0;
short_attr:
	out->why = "attribute too short for its value";
	return -EBADMSG;
}

unsigned int nfacct_dgram(const void *buf, size_t len,
			  const struct nfacct_dgram_ops *ops, void *arg)
{
	const char *p = buf;
	unsigned int n = 0;
	struct nfacct_obj o;

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
			err = nfacct_parse(p, len, &o);
			if (!err) {
				n++;
				ops->obj(arg, &o, nlh->nlmsg_seq);
			} else if (ops->event) {
				ops->event(arg,
					   err == -ENOMSG ? NFACCT_DG_OTHER
							  : NFACCT_DG_MALFORMED,
					   nlh->nlmsg_seq, 0, o.why);
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
	{ 0 }
};

void nfacct_fill(struct nfp_rec *rec, const struct nfacct_obj *o, uint32_t sec,
		 uint32_t usec)
{
	nfp_set_str(rec, NFACCT_K_NAME, o->name, (uint32_t)strlen(o->name));
	nfp_set_u64(rec, NFACCT_K_PKTS, o->pkts);
	nfp_set_u64(rec, NFACCT_K_BYTES, o->bytes);
	nfp_set_u32(rec, NFACCT_K_TIME_SEC, sec);
	nfp_set_u32(rec, NFACCT_K_TIME_USEC, usec);
}
