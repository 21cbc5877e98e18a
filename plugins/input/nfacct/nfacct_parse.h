/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * input/nfacct - the pure nfacct message step: datagram walk, record filler
 *
 * nfacct_dgram() walks one netlink datagram from nfnetlink_acct (the answer
 * to a NFNL_MSG_ACCT_GET or _GET_CTRZERO dump), has libnetfilter_acct
 * decode each accounting object into the one struct nfacct the caller
 * owns and reuses, and hands it to the caller, who reads it with
 * nfacct_attr_get*() until the callback returns. A message is checked
 * before the library sees it, because libnetfilter_acct 1.0.3 trusts what
 * it is given (see nfacct_parse.c). Nothing here allocates, prints or
 * touches a socket: the unit tests and the fuzz target run it as the
 * daemon does.
 */
#ifndef NFP_NFACCT_PARSE_H
#define NFP_NFACCT_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libnetfilter_acct/libnetfilter_acct.h>
#include <nfpipe/plugin.h>

/* What libnetfilter_acct does not decode, and why a message was refused. */
struct nfacct_info {
	uint32_t use;	 /* NFACCT_USE: references (rules) to the object */
	bool has_use;	 /* NFACCT_USE was present */
	const char *why; /* after -EBADMSG: what was wrong */
};

/*
 * Decode the nfnetlink_acct message @msg of @len bytes (nlmsghdr included)
 * into @acct, which must come from nfacct_alloc() and may hold the previous
 * object: nothing of it survives into this one. Returns 0, -ENOMSG when it
 * is no accounting object, or -EBADMSG with info->why set (bad length, no
 * name, counters missing, an attribute of the wrong size). Never reads
 * outside [@msg, @msg + @len).
 */
int nfacct_parse(const void *msg, size_t len, struct nfacct *acct,
		 struct nfacct_info *info);

enum nfacct_event {
	NFACCT_DG_ACK,	     /* NLMSG_ERROR with error 0 */
	NFACCT_DG_ERROR,     /* NLMSG_ERROR: @err is the negative errno */
	NFACCT_DG_DONE,	     /* NLMSG_DONE: the dump ended */
	NFACCT_DG_MALFORMED, /* a message that made no sense: @why */
	NFACCT_DG_TRUNCATED, /* the datagram ended inside a message */
	NFACCT_DG_OTHER,     /* anything else: ignored */
};

struct nfacct_dgram_ops {
	/* One object in @acct, valid until the callback returns. */
	void (*obj)(void *arg, struct nfacct *acct,
		    const struct nfacct_info *info, uint32_t seq);
	/* Anything else. Optional. */
	void (*event)(void *arg, enum nfacct_event ev, uint32_t seq, int err,
		      const char *why);
};

/*
 * Walk every message of the datagram, decoding objects into @acct (the
 * caller's, reused); returns the objects found.
 */
unsigned int nfacct_dgram(const void *buf, size_t len, struct nfacct *acct,
			  const struct nfacct_dgram_ops *ops, void *arg);

/* Room for a dump request: nlmsghdr and nfgenmsg. */
#define NFACCT_REQ_LEN 20

/*
 * Build in @buf (NFACCT_REQ_LEN bytes, 4-byte aligned) the dump request
 * for every object, NFNL_MSG_ACCT_GET_CTRZERO when @zero (read and reset)
 * else NFNL_MSG_ACCT_GET, with sequence number @seq. Returns its length.
 */
size_t nfacct_request(void *buf, bool zero, uint32_t seq);

enum nfacct_key {
	NFACCT_K_NAME,
	NFACCT_K_PKTS,
	NFACCT_K_BYTES,
	NFACCT_K_TIME_SEC,
	NFACCT_K_TIME_USEC,
	NFACCT_K_USE,
	NFACCT_K_FLAGS,
	NFACCT_K_QUOTA,
	NFACCT_K_QUOTA_MODE,
	NFACCT_K_OVERQUOTA,
	NFACCT_K__MAX
};

extern const struct nfp_key nfacct_keys[];

/*
 * Set the keys of @rec from @acct and @info and the time of the query.
 * sum.name points into @acct, which must not be parsed into again before
 * the record's trip down the stacks ends.
 */
void nfacct_fill(struct nfp_rec *rec, struct nfacct *acct,
		 const struct nfacct_info *info, uint32_t sec, uint32_t usec);

#endif /* NFP_NFACCT_PARSE_H */
