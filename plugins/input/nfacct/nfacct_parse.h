/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * input/nfacct - the pure nfacct message parser and record filler
 *
 * nfacct_dgram() walks one netlink datagram from nfnetlink_acct (the answer
 * to a NFNL_MSG_ACCT_GET or _GET_CTRZERO dump) and hands each accounting
 * object to the caller decoded into struct nfacct_obj, which holds copies
 * (the name included), never pointers into the buffer. Nothing here
 * allocates, prints or touches a socket: the unit tests and the fuzz
 * replay run it as the daemon does.
 */
#ifndef NFP_NFACCT_PARSE_H
#define NFP_NFACCT_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nfpipe/plugin.h>

#define NFACCT_HAS_NAME	 (1u << 0) /* NFACCT_NAME */
#define NFACCT_HAS_PKTS	 (1u << 1) /* NFACCT_PKTS */
#define NFACCT_HAS_BYTES (1u << 2) /* NFACCT_BYTES */
#define NFACCT_HAS_USE	 (1u << 3) /* NFACCT_USE */
#define NFACCT_HAS_FLAGS (1u << 4) /* NFACCT_FLAGS */
#define NFACCT_HAS_QUOTA (1u << 5) /* NFACCT_QUOTA */

/* The kernel's NFACCT_NAME_MAX, NUL included. */
#define NFACCT_NAME_LEN 32

/* One accounting object. Integers in host order. */
struct nfacct_obj {
	uint32_t has;		    /* NFACCT_HAS_* */
	char name[NFACCT_NAME_LEN]; /* NUL-terminated */
	uint64_t pkts;		    /* packets counted */
	uint64_t bytes;		    /* bytes counted */
	uint64_t quota;		    /* quota, when one is set */
	uint32_t use;		    /* rules referring to it */
	uint32_t flags;		    /* NFACCT_F_* */
	const char *why;	    /* after -EBADMSG: what was wrong */
};

/*
 * Parse the nfnetlink_acct message @msg of @len bytes (nlmsghdr included).
 * Returns 0, -ENOMSG when it is no accounting object, or -EBADMSG with
 * out->why set (bad length, no name, counters missing). Never reads
 * outside [@msg, @msg + @len).
 */
int nfacct_parse(const void *msg, size_t len, struct nfacct_obj *out);

enum nfacct_event {
	NFACCT_DG_ACK,	     /* NLMSG_ERROR with error 0 */
	NFACCT_DG_ERROR,     /* NLMSG_ERROR: @err is the negative errno */
	NFACCT_DG_DONE,	     /* NLMSG_DONE: the dump ended */
	NFACCT_DG_MALFORMED, /* a message that made no sense: @why */
	NFACCT_DG_TRUNCATED, /* the datagram ended inside a message */
	NFACCT_DG_OTHER,     /* anything else: ignored */
};

struct nfacct_dgram_ops {
	/* One object; @o lives until the callback returns. */
	void (*obj)(void *arg, const struct nfacct_obj *o, uint32_t seq);
	/* Anything else. Optional. */
	void (*event)(void *arg, enum nfacct_event ev, uint32_t seq, int err,
		      const char *why);
};

/* Walk every message of the datagram; returns the objects found. */
unsigned int nfacct_dgram(const void *buf, size_t len,
			  const struct nfacct_dgram_ops *ops, void *arg);

enum nfacct_key {
	NFACCT_K_NAME,
	NFACCT_K_PKTS,
	NFACCT_K_BYTES,
	NFACCT_K_TIME_SEC,
	NFACCT_K_TIME_USEC,
	NFACCT_K__MAX
};

extern const struct nfp_key nfacct_keys[];

/*
 * Set the keys of @rec from @o and the time of the query. sum.name points
 * into @o, which must outlive the record's trip down the stacks.
 */
void nfacct_fill(struct nfp_rec *rec, const struct nfacct_obj *o, uint32_t sec,
		 uint32_t usec);

#endif /* NFP_NFACCT_PARSE_H */
