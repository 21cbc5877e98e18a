/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * input/nfct - the pure conntrack message parser, filters and record filler
 *
 * See nfct_parse.h for the contract. libnetfilter_conntrack decodes the
 * attributes (the kernel's include/uapi/linux/netfilter/
 * nfnetlink_conntrack.h layout) into one reused struct nf_conntrack; this
 * file walks the datagram, guards the library against what would make it
 * exit or overflow, copies what the keys need into struct nfct_flow, and
 * holds the accept filters and the keys. Attributes nobody knows are
 * skipped, so newer kernels do not break it; an attribute the library
 * knows with a length that cannot hold its value is an error.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netlink.h>

#include "nfct_parse.h"

#ifndef IPPROTO_UDPLITE
#define IPPROTO_UDPLITE 136
#endif
#ifndef IPPROTO_DCCP
#define IPPROTO_DCCP 33
#endif
#ifndef IPPROTO_GRE
#define IPPROTO_GRE 47
#endif
#ifndef NLM_F_DUMP_INTR
#define NLM_F_DUMP_INTR 0x10
#endif
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd

/* ---- the guard ----------------------------------------------------------- */

/*
 * libnetfilter_conntrack 1.0.8 and later call exit() ("ctnetlink kernel ABI
 * is broken") when an attribute it knows has the wrong length, copy a
 * security context with strdup() whether or not it ends inside its
 * attribute, and in 1.0.9 admit CTA_PROTOINFO members up to
 * CTA_PROTOINFO_TCP_MAX into a table sized for CTA_PROTOINFO_MAX. A daemon
 * must survive a bad message, so every message is first walked here with
 * the library's own rules (libmnl's: integers of exactly their size,
 * nests empty or holding at least a header) and refused when the library
 * would stumble. Attributes it does not know are skipped, as it does.
 */
enum guard_kind {
	G_ANY,	 /* not looked at */
	G_U8,	 /* exactly 1 byte */
	G_U16,	 /* exactly 2 */
	G_U32,	 /* exactly 4 */
	G_U64,	 /* exactly 8 */
	G_IN6,	 /* exactly 16 */
	G_FLAGS, /* struct nf_ct_tcp_flags: exactly 2 */
	G_STR,	 /* at least 1 byte, a NUL inside */
	G_NEST,	 /* empty, or at least a header; walked with .sub */
	G_BAD,	 /* refused: the library overflows a table with it */
};

struct guard_nest;

struct guard_rule {
	uint8_t kind;		      /* enum guard_kind */
	uint8_t size;		      /* the exact length, 0: none */
	const char *name;	      /* for the reason */
	const struct guard_nest *sub; /* G_NEST: its members */
};

struct guard_nest {
	bool leaf;		       /* holds no nests */
	unsigned int max;	       /* members above are skipped */
	const struct guard_rule *rule; /* max + 1 rules */
};

#define GSIZE(k)                                                               \
	((k) == G_U8	  ? 1                                                  \
	 : (k) == G_U16	  ? 2                                                  \
	 : (k) == G_U32	  ? 4                                                  \
	 : (k) == G_U64	  ? 8                                                  \
	 : (k) == G_IN6	  ? 16                                                 \
	 : (k) == G_FLAGS ? 2                                                  \
			  : 0)
#define R(k, n)                                                                \
	{                                                                      \
		.kind = (k), .size = GSIZE(k), .name = (n)                     \
	}
#define N(n, s)                                                                \
	{                                                                      \
		.kind = G_NEST, .name = (n), .sub = (s)                        \
	}

static const struct guard_rule ip_rules[] = {
	[CTA_IP_V4_SRC] = R(G_U32, "CTA_IP_V4_SRC"),
	[CTA_IP_V4_DST] = R(G_U32, "CTA_IP_V4_DST"),
	[CTA_IP_V6_SRC] = R(G_IN6, "CTA_IP_V6_SRC"),
	[CTA_IP_V6_DST] = R(G_IN6, "CTA_IP_V6_DST"),
};
static const struct guard_nest ip_nest = { true, CTA_IP_MAX, ip_rules };

static const struct guard_rule proto_rules[] = {
	[CTA_PROTO_NUM] = R(G_U8, "CTA_PROTO_NUM"),
	[CTA_PROTO_SRC_PORT] = R(G_U16, "CTA_PROTO_SRC_PORT"),
	[CTA_PROTO_DST_PORT] = R(G_U16, "CTA_PROTO_DST_PORT"),
	[CTA_PROTO_ICMP_ID] = R(G_U16, "CTA_PROTO_ICMP_ID"),
	[CTA_PROTO_ICMP_TYPE] = R(G_U8, "CTA_PROTO_ICMP_TYPE"),
	[CTA_PROTO_ICMP_CODE] = R(G_U8, "CTA_PROTO_ICMP_CODE"),
	[CTA_PROTO_ICMPV6_ID] = R(G_U16, "CTA_PROTO_ICMPV6_ID"),
	[CTA_PROTO_ICMPV6_TYPE] = R(G_U8, "CTA_PROTO_ICMPV6_TYPE"),
	[CTA_PROTO_ICMPV6_CODE] = R(G_U8, "CTA_PROTO_ICMPV6_CODE"),
};
static const struct guard_nest proto_nest = { true, CTA_PROTO_MAX,
					      proto_rules };

static const struct guard_rule tuple_rules[] = {
	[CTA_TUPLE_IP] = N("CTA_TUPLE_IP", &ip_nest),
	[CTA_TUPLE_PROTO] = N("CTA_TUPLE_PROTO", &proto_nest),
	[CTA_TUPLE_ZONE] = R(G_U16, "CTA_TUPLE_ZONE"),
};
static const struct guard_nest tuple_nest = { false, CTA_TUPLE_MAX,
					      tuple_rules };

static const struct guard_rule tcp_rules[] = {
	[CTA_PROTOINFO_TCP_STATE] = R(G_U8, "CTA_PROTOINFO_TCP_STATE"),
	[CTA_PROTOINFO_TCP_WSCALE_ORIGINAL] = R(G_U8, "TCP window scale"),
	[CTA_PROTOINFO_TCP_WSCALE_REPLY] = R(G_U8, "TCP window scale"),
	[CTA_PROTOINFO_TCP_FLAGS_ORIGINAL] = R(G_FLAGS, "TCP flags"),
	[CTA_PROTOINFO_TCP_FLAGS_REPLY] = R(G_FLAGS, "TCP flags"),
};
static const struct guard_nest tcp_nest = { true, CTA_PROTOINFO_TCP_MAX,
					    tcp_rules };

static const struct guard_rule dccp_rules[] = {
	[CTA_PROTOINFO_DCCP_STATE] = R(G_U8, "CTA_PROTOINFO_DCCP_STATE"),
	[CTA_PROTOINFO_DCCP_ROLE] = R(G_U8, "CTA_PROTOINFO_DCCP_ROLE"),
	[CTA_PROTOINFO_DCCP_HANDSHAKE_SEQ] = R(G_U64, "DCCP handshake seq"),
};
static const struct guard_nest dccp_nest = { true,
					     CTA_PROTOINFO_DCCP_HANDSHAKE_SEQ,
					     dccp_rules };

static const struct guard_rule sctp_rules[] = {
	[CTA_PROTOINFO_SCTP_STATE] = R(G_U8, "CTA_PROTOINFO_SCTP_STATE"),
	[CTA_PROTOINFO_SCTP_VTAG_ORIGINAL] = R(G_U32, "SCTP vtag"),
	[CTA_PROTOINFO_SCTP_VTAG_REPLY] = R(G_U32, "SCTP vtag"),
};
static const struct guard_nest sctp_nest = { true, CTA_PROTOINFO_SCTP_MAX,
					     sctp_rules };

/* Members 4 and 5 would be written past the library's table. */
static const struct guard_rule protoinfo_rules[] = {
	[CTA_PROTOINFO_TCP] = N("CTA_PROTOINFO_TCP", &tcp_nest),
	[CTA_PROTOINFO_DCCP] = N("CTA_PROTOINFO_DCCP", &dccp_nest),
	[CTA_PROTOINFO_SCTP] = N("CTA_PROTOINFO_SCTP", &sctp_nest),
	[CTA_PROTOINFO_MAX + 1 ... CTA_PROTOINFO_TCP_MAX] =
		R(G_BAD, "unknown CTA_PROTOINFO member"),
};
static const struct guard_nest protoinfo_nest = { false, CTA_PROTOINFO_TCP_MAX,
						  protoinfo_rules };

static const struct guard_rule counters_rules[] = {
	[CTA_COUNTERS_PACKETS] = R(G_U64, "CTA_COUNTERS_PACKETS"),
	[CTA_COUNTERS_BYTES] = R(G_U64, "CTA_COUNTERS_BYTES"),
	[CTA_COUNTERS32_PACKETS] = R(G_U32, "CTA_COUNTERS32_PACKETS"),
	[CTA_COUNTERS32_BYTES] = R(G_U32, "CTA_COUNTERS32_BYTES"),
};
static const struct guard_nest counters_nest = { true, CTA_COUNTERS32_BYTES,
						 counters_rules };

static const struct guard_rule natseq_rules[] = {
	[CTA_NAT_SEQ_CORRECTION_POS] = R(G_U32, "CTA_NAT_SEQ_CORRECTION_POS"),
	[CTA_NAT_SEQ_OFFSET_BEFORE] = R(G_U32, "CTA_NAT_SEQ_OFFSET_BEFORE"),
	[CTA_NAT_SEQ_OFFSET_AFTER] = R(G_U32, "CTA_NAT_SEQ_OFFSET_AFTER"),
};
static const struct guard_nest natseq_nest = { true, CTA_NAT_SEQ_OFFSET_AFTER,
					       natseq_rules };

static const struct guard_rule help_rules[] = {
	[CTA_HELP_NAME] = R(G_STR, "CTA_HELP_NAME"),
	[CTA_HELP_INFO] = R(G_ANY, "CTA_HELP_INFO"),
};
static const struct guard_nest help_nest = { true, CTA_HELP_INFO, help_rules };

static const struct guard_rule secctx_rules[] = {
	[CTA_SECCTX_NAME] = R(G_STR, "CTA_SECCTX_NAME"),
};
static const struct guard_nest secctx_nest = { true, CTA_SECCTX_NAME,
					       secctx_rules };

static const struct guard_rule tstamp_rules[] = {
	[CTA_TIMESTAMP_START] = R(G_U64, "CTA_TIMESTAMP_START"),
	[CTA_TIMESTAMP_STOP] = R(G_U64, "CTA_TIMESTAMP_STOP"),
};
static const struct guard_nest tstamp_nest = { true, CTA_TIMESTAMP_STOP,
					       tstamp_rules };

static const struct guard_rule synproxy_rules[] = {
	[CTA_SYNPROXY_ISN] = R(G_U32, "CTA_SYNPROXY_ISN"),
	[CTA_SYNPROXY_ITS] = R(G_U32, "CTA_SYNPROXY_ITS"),
	[CTA_SYNPROXY_TSOFF] = R(G_U32, "CTA_SYNPROXY_TSOFF"),
};
static const struct guard_nest synproxy_nest = { true, CTA_SYNPROXY_TSOFF,
						 synproxy_rules };

static const struct guard_rule top_rules[] = {
	[CTA_TUPLE_ORIG] = N("CTA_TUPLE_ORIG", &tuple_nest),
	[CTA_TUPLE_REPLY] = N("CTA_TUPLE_REPLY", &tuple_nest),
	[CTA_TUPLE_MASTER] = N("CTA_TUPLE_MASTER", &tuple_nest),
	[CTA_STATUS] = R(G_U32, "CTA_STATUS"),
	[CTA_PROTOINFO] = N("CTA_PROTOINFO", &protoinfo_nest),
	[CTA_HELP] = N("CTA_HELP", &help_nest),
	[CTA_TIMEOUT] = R(G_U32, "CTA_TIMEOUT"),
	[CTA_MARK] = R(G_U32, "CTA_MARK"),
	[CTA_COUNTERS_ORIG] = N("CTA_COUNTERS_ORIG", &counters_nest),
	[CTA_COUNTERS_REPLY] = N("CTA_COUNTERS_REPLY", &counters_nest),
	[CTA_USE] = R(G_U32, "CTA_USE"),
	[CTA_ID] = R(G_U32, "CTA_ID"),
	[CTA_NAT_SEQ_ADJ_ORIG] = N("CTA_NAT_SEQ_ADJ_ORIG", &natseq_nest),
	[CTA_NAT_SEQ_ADJ_REPLY] = N("CTA_NAT_SEQ_ADJ_REPLY", &natseq_nest),
	[CTA_SECMARK] = R(G_U32, "CTA_SECMARK"),
	[CTA_ZONE] = R(G_U16, "CTA_ZONE"),
	[CTA_SECCTX] = N("CTA_SECCTX", &secctx_nest),
	[CTA_TIMESTAMP] = N("CTA_TIMESTAMP", &tstamp_nest),
	[CTA_LABELS] = R(G_ANY, "CTA_LABELS"),
	[CTA_LABELS_MASK] = R(G_ANY, "CTA_LABELS_MASK"),
	[CTA_SYNPROXY] = N("CTA_SYNPROXY", &synproxy_nest),
};
static const struct guard_nest top_nest = { false, CTA_SYNPROXY, top_rules };

#undef R
#undef N

/* What the guard saw. */
struct guard_seen {
	uint32_t top;	 /* bit n: a top-level attribute of type n */
	const char *why; /* the reason to refuse, or NULL */
};

/* The rule's name for the attribute at @p, as the reason to refuse it. */
static bool guard_bad(struct guard_seen *seen, const struct guard_nest *g,
		      const uint8_t *p)
{
	if (!seen->why)
		seen->why = g->rule[((const struct nlattr *)p)->nla_type &
				    NLA_TYPE_MASK]
				    .name;
	return false;
}

/*
 * Walk the attributes in [@p, @p + @len) as libmnl's mnl_attr_for_each()
 * would (stop at the first that does not fit), by hand: this runs for
 * every message, and libmnl's accessors are calls into a shared library.
 * A nest without nests is walked in a loop of its own (guard_leaf()).
 * @top, when not NULL, gets a bit for every attribute type below 32.
 */
#define GUARD_STEP(p, len, alen)                                               \
	do {                                                                   \
		(alen) = NLA_ALIGN(alen);                                      \
		if ((alen) >= (unsigned int)(len))                             \
			goto done;                                             \
		(p) += (alen);                                                 \
		(len) -= (int)(alen);                                          \
	} while (0)

static inline bool guard_leaf(const uint8_t *p, int len,
			      const struct guard_nest *g,
			      struct guard_seen *seen)
{
	while (len >= NLA_HDRLEN) {
		const struct nlattr *a = (const struct nlattr *)p;
		unsigned int alen = a->nla_len;
		unsigned int type = a->nla_type & NLA_TYPE_MASK;
		const struct guard_rule *r;

		if (alen < NLA_HDRLEN || alen > (unsigned int)len)
			break;
		if (type <= g->max) {
			r = &g->rule[type];
			if (r->size) {
				if (alen - NLA_HDRLEN != r->size)
					return guard_bad(seen, g, p);
			} else if (r->kind == G_STR) {
				if (alen == NLA_HDRLEN ||
				    !memchr(p + NLA_HDRLEN, '\0',
					    alen - NLA_HDRLEN))
					return guard_bad(seen, g, p);
			} else if (r->kind != G_ANY) {
				return guard_bad(seen, g, p);
			}
		}
		GUARD_STEP(p, len, alen);
	}
done:
	return true;
}

static bool guard_walk(const uint8_t *p, int len, const struct guard_nest *g,
		       struct guard_seen *seen, uint32_t *top)
{
	while (len >= NLA_HDRLEN) {
		const struct nlattr *a = (const struct nlattr *)p;
		unsigned int alen = a->nla_len;
		unsigned int type = a->nla_type & NLA_TYPE_MASK;
		unsigned int n = alen - NLA_HDRLEN;
		const struct guard_rule *r;

		if (alen < NLA_HDRLEN || alen > (unsigned int)len)
			break;
		if (top && type < 32)
			*top |= 1u << type;
		if (type > g->max)
			goto next;
		r = &g->rule[type];
		if (r->size) {
			if (n != r->size)
				return guard_bad(seen, g, p);
		} else if (r->kind == G_NEST) {
			if (n && n < NLA_HDRLEN)
				return guard_bad(seen, g, p);
			if (!(r->sub->leaf ? guard_leaf(p + NLA_HDRLEN, (int)n,
							r->sub, seen)
					   : guard_walk(p + NLA_HDRLEN, (int)n,
							r->sub, seen, NULL)))
				return guard_bad(seen, g, p);
		} else if (r->kind == G_STR) {
			if (!n || !memchr(p + NLA_HDRLEN, '\0', n))
				return guard_bad(seen, g, p);
		} else if (r->kind != G_ANY) {
			return guard_bad(seen, g, p);
		}
	next:
		GUARD_STEP(p, len, alen);
	}
done:
	return true;
}

/*
 * The top-level attributes after which the library holds memory of its
 * own: labels, the security context, and a helper's private data (which
 * sits in CTA_HELP; helper messages are few).
 */
#define GUARD_ALLOC                                                            \
	((1u << CTA_LABELS) | (1u << CTA_LABELS_MASK) | (1u << CTA_SECCTX) |   \
	 (1u << CTA_HELP))

/* ---- the library's object into ours -------------------------------------- */

int nfct_parser_init(struct nfct_parser *p)
{
	memset(p, 0, sizeof(*p));
	p->ct = nfct_new();
	p->empty = nfct_new();
	if (!p->ct || !p->empty) {
		nfct_parser_free(p);
		return -ENOMEM;
	}
	return 0;
}

void nfct_parser_free(struct nfct_parser *p)
{
	unsigned int i;

	if (p->ct)
		nfct_destroy(p->ct);
	if (p->empty)
		nfct_destroy(p->empty);
	for (i = 0; i < p->nsecctx; i++)
		free(p->secctx[i]);
	memset(p, 0, sizeof(*p));
}

/*
 * Make p->ct empty again. A copy of the empty object is a memcpy(); but
 * the library's copy forgets, without freeing, the labels, secctx and
 * helper info a message made it allocate, so such an object is freed
 * whole and a new one taken.
 */
static int reset_ct(struct nfct_parser *p)
{
	if (p->dirty || !p->ct) {
		if (p->ct)
			nfct_destroy(p->ct);
		p->ct = nfct_new();
		p->dirty = false;
		return p->ct ? 0 : -ENOMEM;
	}
	nfct_copy(p->ct, p->empty, NFCT_CP_OVERRIDE);
	return 0;
}

/* The parser's copy of security context @s, or NULL when it holds too many. */
static const char *intern(struct nfct_parser *p, const char *s)
{
	unsigned int i;

	for (i = 0; i < p->nsecctx; i++)
		if (!strcmp(p->secctx[i], s))
			return p->secctx[i];
	if (p->nsecctx == NFCT_SECCTX_MAX)
		return NULL;
	p->secctx[p->nsecctx] = strdup(s);
	if (!p->secctx[p->nsecctx])
		return NULL;
	return p->secctx[p->nsecctx++];
}

/* The attributes of one direction, in libnetfilter_conntrack's names. */
struct dir_attrs {
	uint8_t v4src, v4dst, v6src, v6dst; /* addresses */
	uint8_t l4proto, sport, dport;	    /* protocol, ports */
	int zone;			    /* tuple zone, -1: none */
};

static const struct dir_attrs dir_orig = {
	ATTR_ORIG_IPV4_SRC, ATTR_ORIG_IPV4_DST, ATTR_ORIG_IPV6_SRC,
	ATTR_ORIG_IPV6_DST, ATTR_ORIG_L4PROTO,	ATTR_ORIG_PORT_SRC,
	ATTR_ORIG_PORT_DST, ATTR_ORIG_ZONE,
};
static const struct dir_attrs dir_reply = {
	ATTR_REPL_IPV4_SRC, ATTR_REPL_IPV4_DST, ATTR_REPL_IPV6_SRC,
	ATTR_REPL_IPV6_DST, ATTR_REPL_L4PROTO,	ATTR_REPL_PORT_SRC,
	ATTR_REPL_PORT_DST, ATTR_REPL_ZONE,
};
static const struct dir_attrs dir_master = {
	ATTR_MASTER_IPV4_SRC, ATTR_MASTER_IPV4_DST,
	ATTR_MASTER_IPV6_SRC, ATTR_MASTER_IPV6_DST,
	ATTR_MASTER_L4PROTO,  ATTR_MASTER_PORT_SRC,
	ATTR_MASTER_PORT_DST, -1,
};

/*
 * Fill @t from the direction @d of @ct; false when it has nothing. The
 * addresses of @family are looked for first: the kernel sends those.
 */
static bool get_tuple(const struct nf_conntrack *ct, const struct dir_attrs *d,
		      uint8_t family, struct nfct_tuple *t)
{
	const void *s, *x;
	const uint16_t *p1, *p2;
	const uint8_t *u8;
	int i;

	for (i = 0; i < 2; i++) {
		bool v6 = (family == AF_INET6) == (i == 0);

		s = nfct_get_attr(ct, v6 ? d->v6src : d->v4src);
		x = s ? nfct_get_attr(ct, v6 ? d->v6dst : d->v4dst) : NULL;
		if (x) {
			memcpy(t->src, s, v6 ? 16 : 4);
			memcpy(t->dst, x, v6 ? 16 : 4);
			t->l3 = v6 ? AF_INET6 : AF_INET;
			t->has |= NFCT_TUP_IP;
			break;
		}
	}
	if ((u8 = nfct_get_attr(ct, d->l4proto))) {
		t->proto = *u8;
		t->has |= NFCT_TUP_PROTO;
	}
	if ((p1 = nfct_get_attr(ct, d->sport)) &&
	    (p2 = nfct_get_attr(ct, d->dport))) {
		t->sport = ntohs(*p1);
		t->dport = ntohs(*p2);
		t->has |= NFCT_TUP_PORTS;
	}
	if (d->zone >= 0 && (p1 = nfct_get_attr(ct, d->zone))) {
		t->zone = *p1;
		t->has |= NFCT_TUP_ZONE;
	}
	return t->has != 0;
}

/* The first member of type @type in [@p, @p + @len), or NULL. */
static const struct nlattr *find_attr(const void *p, int len, uint16_t type)
{
	const struct nlattr *a = p;

	while (mnl_attr_ok(a, len)) {
		if (mnl_attr_get_type(a) == type)
			return a;
		len -= (int)MNL_ALIGN(a->nla_len);
		a = (const struct nlattr *)((const char *)a +
					    MNL_ALIGN(a->nla_len));
	}
	return NULL;
}

/*
 * The reply direction's ICMP type and code: the library stores them but
 * has no attribute to read them by (ATTR_ICMP_* are the original's), so
 * they are taken from the message, whose lengths the guard checked.
 */
static void reply_icmp(const void *attrs, int len, struct nfct_tuple *t)
{
	const struct nlattr *a = find_attr(attrs, len, CTA_TUPLE_REPLY);
	const struct nlattr *ty, *co;
	int v6;

	if (a)
		a = find_attr(mnl_attr_get_payload(a),
			      mnl_attr_get_payload_len(a), CTA_TUPLE_PROTO);
	if (!a)
		return;
	for (v6 = 0; v6 < 2; v6++) {
		ty = find_attr(
			mnl_attr_get_payload(a), mnl_attr_get_payload_len(a),
			v6 ? CTA_PROTO_ICMPV6_TYPE : CTA_PROTO_ICMP_TYPE);
		co = find_attr(
			mnl_attr_get_payload(a), mnl_attr_get_payload_len(a),
			v6 ? CTA_PROTO_ICMPV6_CODE : CTA_PROTO_ICMP_CODE);
		if (ty && co) {
			t->icmp_type = mnl_attr_get_u8(ty);
			t->icmp_code = mnl_attr_get_u8(co);
			t->has |= NFCT_TUP_ICMP;
			return;
		}
	}
}

static void get_labels(const struct nf_conntrack *ct, struct nfct_flow *out)
{
	const struct nfct_bitmask *b = nfct_get_attr(ct, ATTR_CONNLABELS);
	unsigned int i, max;

	if (!b)
		return;
	max = nfct_bitmask_maxbit(b);
	for (i = 0; i <= max && i < NFCT_LABELS_LEN * 8; i++)
		if (nfct_bitmask_test_bit(b, i))
			out->labels[i / 8] |= (uint8_t)(1u << (i % 8));
	out->has |= NFCT_HAS_LABELS;
}

#define HAS(t) (top & (1u << (t)))

/*
 * What is not part of a tuple, asked of the library only when the guard
 * saw the top-level attribute that holds it (@top): most messages carry
 * few of them, and every question is a call into the library.
 */
static void get_meta(struct nfct_parser *p, const struct nf_conntrack *ct,
		     uint32_t top, struct nfct_flow *out)
{
	const uint32_t *u32;
	const uint64_t *p1, *p2;
	const uint16_t *u16;
	const uint8_t *u8;
	const char *s;

#define GET32(attr, field, bit)                                                \
	do {                                                                   \
		if ((u32 = nfct_get_attr(ct, (attr)))) {                       \
			out->field = *u32;                                     \
			out->has |= (bit);                                     \
		}                                                              \
	} while (0)
	if (HAS(CTA_STATUS))
		GET32(ATTR_STATUS, status, NFCT_HAS_STATUS);
	if (HAS(CTA_MARK))
		GET32(ATTR_MARK, mark, NFCT_HAS_MARK);
	if (HAS(CTA_ID))
		GET32(ATTR_ID, id, NFCT_HAS_ID);
	if (HAS(CTA_TIMEOUT))
		GET32(ATTR_TIMEOUT, timeout, NFCT_HAS_TIMEOUT);
	if (HAS(CTA_USE))
		GET32(ATTR_USE, use, NFCT_HAS_USE);
	if (HAS(CTA_ZONE) && (u16 = nfct_get_attr(ct, ATTR_ZONE))) {
		out->zone = *u16;
		out->has |= NFCT_HAS_ZONE;
	}
	if (HAS(CTA_COUNTERS_ORIG) &&
	    (p1 = nfct_get_attr(ct, ATTR_ORIG_COUNTER_PACKETS)) &&
	    (p2 = nfct_get_attr(ct, ATTR_ORIG_COUNTER_BYTES))) {
		out->pkts[0] = *p1;
		out->bytes[0] = *p2;
		out->has |= NFCT_HAS_CTR_ORIG;
	}
	if (HAS(CTA_COUNTERS_REPLY) &&
	    (p1 = nfct_get_attr(ct, ATTR_REPL_COUNTER_PACKETS)) &&
	    (p2 = nfct_get_attr(ct, ATTR_REPL_COUNTER_BYTES))) {
		out->pkts[1] = *p1;
		out->bytes[1] = *p2;
		out->has |= NFCT_HAS_CTR_REPLY;
	}
	if (HAS(CTA_TIMESTAMP)) {
		if ((p1 = nfct_get_attr(ct, ATTR_TIMESTAMP_START))) {
			out->ts_start = *p1;
			out->has |= NFCT_HAS_TS_START;
		}
		if ((p1 = nfct_get_attr(ct, ATTR_TIMESTAMP_STOP))) {
			out->ts_stop = *p1;
			out->has |= NFCT_HAS_TS_STOP;
		}
	}
	if (HAS(CTA_HELP) && (s = nfct_get_attr(ct, ATTR_HELPER_NAME)) && *s) {
		size_t n = strnlen(s, NFCT_HELPER_LEN - 1);

		memcpy(out->helper, s, n);
		out->helper[n] = '\0';
		out->has |= NFCT_HAS_HELPER;
	}
	/* The kernel sends the protocol's own protoinfo only. */
	if (HAS(CTA_PROTOINFO) && out->orig.proto == IPPROTO_TCP) {
		if ((u8 = nfct_get_attr(ct, ATTR_TCP_STATE))) {
			out->tcp_state = *u8;
			out->has |= NFCT_HAS_TCP_STATE;
		}
	} else if (HAS(CTA_PROTOINFO) && out->orig.proto == IPPROTO_SCTP) {
		if ((u8 = nfct_get_attr(ct, ATTR_SCTP_STATE))) {
			out->sctp_state = *u8;
			out->has |= NFCT_HAS_SCTP_STATE;
		}
		GET32(ATTR_SCTP_VTAG_ORIG, vtag[0], NFCT_HAS_VTAG_ORIG);
		GET32(ATTR_SCTP_VTAG_REPL, vtag[1], NFCT_HAS_VTAG_REPLY);
	} else if (HAS(CTA_PROTOINFO) && out->orig.proto == IPPROTO_DCCP) {
		if ((u8 = nfct_get_attr(ct, ATTR_DCCP_STATE))) {
			out->dccp_state = *u8;
			out->has |= NFCT_HAS_DCCP_STATE;
		}
		if ((u8 = nfct_get_attr(ct, ATTR_DCCP_ROLE))) {
			out->dccp_role = *u8;
			out->has |= NFCT_HAS_DCCP_ROLE;
		}
	}
	if (HAS(CTA_SYNPROXY)) {
		GET32(ATTR_SYNPROXY_ISN, syn_isn, NFCT_HAS_SYN_ISN);
		GET32(ATTR_SYNPROXY_ITS, syn_its, NFCT_HAS_SYN_ITS);
		GET32(ATTR_SYNPROXY_TSOFF, syn_tsoff, NFCT_HAS_SYN_TSOFF);
	}
#undef GET32
	if (p->dirty) {
		get_labels(ct, out);
		if ((s = nfct_get_attr(ct, ATTR_SECCTX)) &&
		    (out->secctx = intern(p, s)))
			out->has |= NFCT_HAS_SECCTX;
	}
}

#undef HAS
#define HAS(t) (top & (1u << (t)))

/* ---- messages ------------------------------------------------------------ */

int nfct_parse(struct nfct_parser *p, const void *msg, size_t len,
	       struct nfct_flow *out)
{
	const struct nlmsghdr *nlh = msg;
	const struct nfgenmsg *nfg;
	struct guard_seen seen = { 0 };
	const struct nf_conntrack *ct;
	const void *attrs;
	uint8_t subsys, type;
	uint32_t top;
	int err, alen;

	memset(out, 0, sizeof(*out));
	if (len < sizeof(*nlh) || nlh->nlmsg_len < sizeof(*nlh) ||
	    nlh->nlmsg_len > len) {
		out->why = "message length out of bounds";
		return -EBADMSG;
	}
	subsys = (uint8_t)(nlh->nlmsg_type >> 8);
	type = (uint8_t)(nlh->nlmsg_type & 0xff);
	if (subsys != NFNL_SUBSYS_CTNETLINK ||
	    (type != IPCTNL_MSG_CT_NEW && type != IPCTNL_MSG_CT_DELETE))
		return -ENOMSG;
	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*nfg)) {
		out->why = "no room for the nfgenmsg header";
		return -EBADMSG;
	}
	nfg = (const struct nfgenmsg *)((const char *)nlh + NLMSG_HDRLEN);
	out->family = nfg->nfgen_family;
	if (type == IPCTNL_MSG_CT_DELETE)
		out->kind = NFCT_KIND_DESTROY;
	else if (nlh->nlmsg_flags & NLM_F_MULTI)
		out->kind = NFCT_KIND_DUMP;
	else if (nlh->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL))
		out->kind = NFCT_KIND_NEW;
	else
		out->kind = NFCT_KIND_UPDATE;
	out->dump_intr = (nlh->nlmsg_flags & NLM_F_DUMP_INTR) != 0;

	/* The library sees nlmsg_len bytes, never the padding after them. */
	attrs = (const char *)nfg + sizeof(*nfg);
	alen = (int)(nlh->nlmsg_len - NLMSG_HDRLEN - sizeof(*nfg));
	if (!guard_walk(attrs, alen, &top_nest, &seen, &seen.top)) {
		out->why = seen.why;
		return -EBADMSG;
	}
	err = reset_ct(p);
	if (err) {
		out->why = "out of memory";
		return err;
	}
	err = nfct_payload_parse(attrs, (size_t)alen, nfg->nfgen_family, p->ct);
	p->dirty = (seen.top & GUARD_ALLOC) != 0;
	if (err < 0) {
		out->why = "libnetfilter_conntrack refused it";
		return -EBADMSG;
	}
	ct = p->ct;
	top = seen.top;
	if (HAS(CTA_TUPLE_ORIG) &&
	    get_tuple(ct, &dir_orig, out->family, &out->orig))
		out->has |= NFCT_HAS_ORIG;
	/* A conntrack entry without its original addresses is no entry. */
	if (!(out->orig.has & NFCT_TUP_IP) ||
	    !(out->orig.has & NFCT_TUP_PROTO)) {
		out->why = "no original tuple";
		return -EBADMSG;
	}
	if (out->orig.proto == IPPROTO_ICMP ||
	    out->orig.proto == IPPROTO_ICMPV6) {
		const uint8_t *ty = nfct_get_attr(ct, ATTR_ICMP_TYPE);
		const uint8_t *co = nfct_get_attr(ct, ATTR_ICMP_CODE);
		const uint16_t *id = nfct_get_attr(ct, ATTR_ICMP_ID);

		if (ty && co) {
			out->orig.icmp_type = *ty;
			out->orig.icmp_code = *co;
			out->orig.has |= NFCT_TUP_ICMP;
		}
		if (id) {
			out->orig.icmp_id = ntohs(*id);
			out->orig.has |= NFCT_TUP_ICMP_ID;
		}
	}
	if (HAS(CTA_TUPLE_REPLY) &&
	    get_tuple(ct, &dir_reply, out->family, &out->reply)) {
		out->has |= NFCT_HAS_REPLY;
		if (out->orig.has & NFCT_TUP_ICMP)
			reply_icmp(attrs, alen, &out->reply);
	}
	if (HAS(CTA_TUPLE_MASTER) &&
	    get_tuple(ct, &dir_master, out->family, &out->master))
		out->has |= NFCT_HAS_MASTER;
	get_meta(p, ct, top, out);
	return 0;
}

unsigned int nfct_dgram(struct nfct_parser *ps, const void *buf, size_t len,
			const struct nfct_dgram_ops *ops, void *arg)
{
	const char *p = buf;
	unsigned int n = 0;
	struct nfct_flow f;

	while (len > 0) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)p;
		size_t step;
		int err;

		if (len < sizeof(*nlh) || nlh->nlmsg_len < sizeof(*nlh) ||
		    nlh->nlmsg_len > len) {
			if (ops->event)
				ops->event(
					arg, NFCT_DG_TRUNCATED,
					len >= sizeof(*nlh) ? nlh->nlmsg_seq
							    : 0,
					0,
					"netlink message runs past the datagram");
			break;
		}
		switch (nlh->nlmsg_type) {
		case NLMSG_ERROR: {
			const struct nlmsgerr *e;

			if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(e->error)) {
				if (ops->event)
					ops->event(arg, NFCT_DG_MALFORMED,
						   nlh->nlmsg_seq, 0,
						   "short NLMSG_ERROR");
				break;
			}
			e = (const struct nlmsgerr *)(p + NLMSG_HDRLEN);
			if (ops->event)
				ops->event(arg,
					   e->error ? NFCT_DG_ERROR
						    : NFCT_DG_ACK,
					   nlh->nlmsg_seq, e->error, NULL);
			break;
		}
		case NLMSG_DONE:
			if (ops->event)
				ops->event(arg, NFCT_DG_DONE, nlh->nlmsg_seq, 0,
					   NULL);
			break;
		case NLMSG_NOOP:
		case NLMSG_OVERRUN:
			if (ops->event)
				ops->event(arg, NFCT_DG_OTHER, nlh->nlmsg_seq,
					   0, NULL);
			break;
		default:
			err = nfct_parse(ps, p, len, &f);
			if (!err) {
				n++;
				ops->flow(arg, &f, nlh->nlmsg_seq);
			} else if (ops->event) {
				ops->event(arg,
					   err == -ENOMSG ? NFCT_DG_OTHER
							  : NFCT_DG_MALFORMED,
					   nlh->nlmsg_seq, 0, f.why);
			}
			break;
		}
		step = NLMSG_ALIGN(nlh->nlmsg_len);
		if (step >= len)
			break;
		p += step;
		len -= step;
	}
	return n;
}

/* ---- status -------------------------------------------------------------- */

const char *nfct_state(uint32_t status)
{
	if (status & IPS_EXPECTED)
		return "RELATED";
	if (status & IPS_SEEN_REPLY)
		return "ESTABLISHED";
	return "NEW";
}

/* Bit n of enum ip_conntrack_status, by the kernel's names less IPS_. */
static const char *const status_names[] = {
	"EXPECTED",	"SEEN_REPLY", "ASSURED",       "CONFIRMED",
	"SRC_NAT",	"DST_NAT",    "SEQ_ADJUST",    "SRC_NAT_DONE",
	"DST_NAT_DONE", "DYING",      "FIXED_TIMEOUT", "TEMPLATE",
	"UNTRACKED",	"HELPER",     "OFFLOAD",       "HW_OFFLOAD",
};

/*
 * By hand, not snprintf() per bit: every record with ct.status.str wanted
 * pays for it (snprintf made it 2,000 instructions of a 15,000-instruction
 * event in bench/nfct-live).
 */
int nfct_status_str(uint32_t status, char *buf, size_t len)
{
	char tmp[256]; /* 251 bytes hold every bit */
	size_t o = 0, n;
	unsigned int bit;

	for (bit = 0; bit < 32; bit++) {
		if (!(status & (1u << bit)))
			continue;
		if (o)
			tmp[o++] = '|';
		if (bit < sizeof(status_names) / sizeof(status_names[0])) {
			n = strlen(status_names[bit]);
			memcpy(tmp + o, status_names[bit], n);
			o += n;
		} else {
			memcpy(tmp + o, "BIT", 3);
			o += 3;
			if (bit >= 10)
				tmp[o++] = (char)('0' + bit / 10);
			tmp[o++] = (char)('0' + bit % 10);
		}
	}
	if (len) {
		n = o < len ? o : len - 1;
		memcpy(buf, tmp, n);
		buf[n] = '\0';
	}
	return (int)o;
}

/* enum tcp_conntrack, named as libnetfilter_conntrack prints it. */
static const char *const tcp_states[] = {
	"NONE",	      "SYN_SENT", "SYN_RECV",  "ESTABLISHED", "FIN_WAIT",
	"CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE",	      "SYN_SENT2",
};

const char *nfct_tcp_state(uint8_t state)
{
	if (state >= sizeof(tcp_states) / sizeof(tcp_states[0]))
		return tcp_states[0];
	return tcp_states[state];
}

/* enum sctp_state, named as conntrack-tools prints it. */
static const char *const sctp_states[] = {
	"NONE",		  "CLOSED",
	"COOKIE_WAIT",	  "COOKIE_ECHOED",
	"ESTABLISHED",	  "SHUTDOWN_SENT",
	"SHUTDOWN_RECD",  "SHUTDOWN_ACK_SENT",
	"HEARTBEAT_SENT", "HEARTBEAT_ACKED",
};

const char *nfct_sctp_state(uint8_t state)
{
	if (state >= sizeof(sctp_states) / sizeof(sctp_states[0]))
		return sctp_states[0];
	return sctp_states[state];
}

/* enum dccp_state, named as conntrack-tools prints it. */
static const char *const dccp_states[] = {
	"NONE",	    "REQUEST", "RESPOND",  "PARTOPEN", "OPEN",
	"CLOSEREQ", "CLOSING", "TIMEWAIT", "IGNORE",   "INVALID",
};

const char *nfct_dccp_state(uint8_t state)
{
	if (state >= sizeof(dccp_states) / sizeof(dccp_states[0]))
		return dccp_states[0];
	return dccp_states[state];
}

int nfct_labels_str(const struct nfct_flow *f, struct nfct_labelmap *map,
		    char *buf, size_t len)
{
	size_t o = 0;
	unsigned int bit;
	char none;
	int n;

	if (!len)
		buf = &none; /* measuring: nothing is written */
	else
		buf[0] = '\0';
	for (bit = 0; bit < NFCT_LABELS_LEN * 8; bit++) {
		const char *name;

		if (!(f->labels[bit / 8] & (1u << (bit % 8))))
			continue;
		name = map ? nfct_labelmap_get_name(map, bit) : NULL;
		if (name && *name)
			n = snprintf(buf + (o < len ? o : len),
				     o < len ? len - o : 0, "%s%s",
				     o ? "," : "", name);
		else
			n = snprintf(buf + (o < len ? o : len),
				     o < len ? len - o : 0, "%s%u",
				     o ? "," : "", bit);
		o += (size_t)n;
	}
	return (int)o;
}

/* ---- filters ------------------------------------------------------------- */

void nfct_filter_init(struct nfct_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->any_proto = true;
}

/* Next comma-separated item of *@s, trimmed; false at the end. */
static bool next_item(const char **s, const char **start, size_t *n)
{
	const char *p = *s, *e;

	while (*p == ' ' || *p == '\t' || *p == ',')
		p++;
	if (!*p)
		return false;
	e = p;
	while (*e && *e != ',')
		e++;
	*s = e;
	*start = p;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	*n = (size_t)(e - p);
	return true;
}

static int parse_prefix(const char *s, size_t n, struct nfct_prefix *px,
			const char **why)
{
	char tmp[INET6_ADDRSTRLEN + 8], *slash, *end;
	unsigned int max, i;
	unsigned long bits;

	if (n >= sizeof(tmp)) {
		*why = "too long for an address";
		return -EINVAL;
	}
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	slash = strchr(tmp, '/');
	if (slash)
		*slash = '\0';
	memset(px, 0, sizeof(*px));
	if (inet_pton(AF_INET, tmp, px->addr) == 1) {
		px->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, tmp, px->addr) == 1) {
		px->family = AF_INET6;
		max = 128;
	} else {
		*why = "not an IPv4 or IPv6 address";
		return -EINVAL;
	}
	bits = max;
	if (slash) {
		errno = 0;
		bits = strtoul(slash + 1, &end, 10);
		if (!slash[1] || *end || errno || bits > max) {
			*why = "bad prefix length";
			return -EINVAL;
		}
	}
	px->len = (uint8_t)bits;
	/* Clear the host bits once, so matching is a masked compare. */
	for (i = 0; i < max / 8; i++) {
		if (i * 8 >= bits)
			px->addr[i] = 0;
		else if (i * 8 + 8 > bits)
			px->addr[i] &= (uint8_t)(0xff << (8 - (bits - i * 8)));
	}
	return 0;
}

int nfct_filter_addrs(struct nfct_filter *f, bool dst, const char *list,
		      const char **why, const char **bad)
{
	struct nfct_prefix *tab = dst ? f->dst : f->src;
	unsigned int *cnt = dst ? &f->ndst : &f->nsrc;
	const char *s = list, *item;
	size_t n;

	while (next_item(&s, &item, &n)) {
		if (*cnt >= NFCT_FILTER_MAX) {
			*why = "too many prefixes (at most 32)";
			*bad = item;
			return -EINVAL;
		}
		if (parse_prefix(item, n, &tab[*cnt], why) < 0) {
			*bad = item;
			return -EINVAL;
		}
		(*cnt)++;
	}
	return 0;
}

/* Names ulogd2 users write, when /etc/protocols lacks them (containers). */
static const struct {
	const char *name; /* as written */
	uint8_t num;	  /* IPPROTO_* */
} proto_names[] = {
	{ "icmp", 1 },	     { "igmp", 2 },   { "tcp", 6 },
	{ "udp", 17 },	     { "dccp", 33 },  { "gre", 47 },
	{ "esp", 50 },	     { "ah", 51 },    { "icmpv6", 58 },
	{ "ipv6-icmp", 58 }, { "sctp", 132 }, { "udplite", 136 },
};

int nfct_filter_protos(struct nfct_filter *f, const char *list,
		       const char **why, const char **bad)
{
	const char *s = list, *item;
	char tmp[64], *end;
	size_t n, i;
	long num;

	while (next_item(&s, &item, &n)) {
		if (n >= sizeof(tmp)) {
			*why = "too long for a protocol";
			*bad = item;
			return -EINVAL;
		}
		memcpy(tmp, item, n);
		tmp[n] = '\0';
		num = strtol(tmp, &end, 10);
		if (*end || end == tmp) {
			num = -1;
			for (i = 0;
			     i < sizeof(proto_names) / sizeof(proto_names[0]);
			     i++)
				if (!strcasecmp(tmp, proto_names[i].name))
					num = proto_names[i].num;
			if (num < 0) {
				struct protoent *pe = getprotobyname(tmp);

				num = pe ? pe->p_proto : -1;
				endprotoent();
			}
		}
		if (num < 0 || num > 255) {
			*why = "unknown protocol";
			*bad = item;
			return -EINVAL;
		}
		f->proto[num >> 3] |= (uint8_t)(1u << (num & 7));
		f->any_proto = false;
	}
	return 0;
}

static bool prefix_has(const struct nfct_prefix *px, uint8_t family,
		       const uint8_t *addr)
{
	unsigned int full = px->len / 8, rest = px->len % 8;

	if (px->family != family)
		return false;
	if (memcmp(px->addr, addr, full))
		return false;
	if (rest &&
	    (addr[full] & (uint8_t)(0xff << (8 - rest))) != px->addr[full])
		return false;
	return true;
}

static bool list_has(const struct nfct_prefix *tab, unsigned int n,
		     uint8_t family, const uint8_t *addr)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (prefix_has(&tab[i], family, addr))
			return true;
	return false;
}

bool nfct_filter_match(const struct nfct_filter *f, const struct nfct_flow *fl)
{
	const struct nfct_tuple *t = &fl->orig;

	if (f->nsrc && !list_has(f->src, f->nsrc, t->l3, t->src))
		return false;
	if (f->ndst && !list_has(f->dst, f->ndst, t->l3, t->dst))
		return false;
	if (!f->any_proto &&
	    !(f->proto[t->proto >> 3] & (1u << (t->proto & 7))))
		return false;
	return true;
}

/* ---- keys ---------------------------------------------------------------- */

const struct nfp_key nfct_keys[] = {
	[NFCT_K_ORIG_SADDR] = { "orig.ip.saddr", NFP_T_ADDR, 0,
				"source address, original direction" },
	[NFCT_K_ORIG_DADDR] = { "orig.ip.daddr", NFP_T_ADDR, 0,
				"destination address, original direction" },
	[NFCT_K_ORIG_PROTOCOL] = { "orig.ip.protocol", NFP_T_U8, 0,
				   "IP protocol, original direction" },
	[NFCT_K_ORIG_SPORT] = { "orig.l4.sport", NFP_T_U16, 0,
				"source port (TCP, UDP, UDPLITE, SCTP, DCCP)" },
	[NFCT_K_ORIG_DPORT] = { "orig.l4.dport", NFP_T_U16, 0,
				"destination port (TCP, UDP, UDPLITE, SCTP, DCCP)" },
	[NFCT_K_ORIG_PKTLEN] = { "orig.raw.pktlen", NFP_T_U64, 0,
				 "bytes, original direction (0 without accounting)" },
	[NFCT_K_ORIG_PKTCOUNT] = { "orig.raw.pktcount", NFP_T_U64, 0,
				   "packets, original direction (0 without accounting)" },
	[NFCT_K_REPLY_SADDR] = { "reply.ip.saddr", NFP_T_ADDR, 0,
				 "source address, reply direction (NAT shows here)" },
	[NFCT_K_REPLY_DADDR] = { "reply.ip.daddr", NFP_T_ADDR, 0,
				 "destination address, reply direction" },
	[NFCT_K_REPLY_PROTOCOL] = { "reply.ip.protocol", NFP_T_U8, 0,
				    "IP protocol, reply direction" },
	[NFCT_K_REPLY_SPORT] = { "reply.l4.sport", NFP_T_U16, 0,
				 "source port, reply direction" },
	[NFCT_K_REPLY_DPORT] = { "reply.l4.dport", NFP_T_U16, 0,
				 "destination port, reply direction" },
	[NFCT_K_REPLY_PKTLEN] = { "reply.raw.pktlen", NFP_T_U64, 0,
				  "bytes, reply direction (0 without accounting)" },
	[NFCT_K_REPLY_PKTCOUNT] = { "reply.raw.pktcount", NFP_T_U64, 0,
				    "packets, reply direction (0 without accounting)" },
	[NFCT_K_ICMP_CODE] = { "icmp.code", NFP_T_U8, 0,
			       "ICMP code of an ICMP flow" },
	[NFCT_K_ICMP_TYPE] = { "icmp.type", NFP_T_U8, 0,
			       "ICMP type of an ICMP flow" },
	[NFCT_K_ICMPV6_CODE] = { "icmpv6.code", NFP_T_U8, 0,
				 "ICMPv6 code of an ICMPv6 flow" },
	[NFCT_K_ICMPV6_TYPE] = { "icmpv6.type", NFP_T_U8, 0,
				 "ICMPv6 type of an ICMPv6 flow" },
	[NFCT_K_CT_MARK] = { "ct.mark", NFP_T_U32, 0,
			     "conntrack mark (0 when none)" },
	[NFCT_K_CT_ID] = { "ct.id", NFP_T_U32, 0, "conntrack id" },
	[NFCT_K_CT_EVENT] = { "ct.event", NFP_T_U32, 0,
			      "1 NEW, 2 UPDATE, 4 DESTROY" },
	[NFCT_K_START_SEC] = { "flow.start.sec", NFP_T_U32, 0,
			       "start of the flow, seconds since the epoch" },
	[NFCT_K_START_USEC] = { "flow.start.usec", NFP_T_U32, 0,
				"and its microseconds" },
	[NFCT_K_END_SEC] = { "flow.end.sec", NFP_T_U32, 0,
			     "end of the flow (DESTROY), seconds since the epoch" },
	[NFCT_K_END_USEC] = { "flow.end.usec", NFP_T_U32, 0,
			      "and its microseconds" },
	[NFCT_K_FAMILY] = { "oob.family", NFP_T_U8, 0, "AF_INET or AF_INET6" },
	[NFCT_K_PROTOCOL] = { "oob.protocol", NFP_T_U16, 0,
			      "ethertype of the family (0x0800, 0x86dd)" },
	[NFCT_K_CT_STATE] = { "ct.state", NFP_T_STRING, 0,
			      "RELATED (created by an expectation), ESTABLISHED (reply seen) or NEW" },
	[NFCT_K_CT_ZONE] = { "ct.zone", NFP_T_U16, 0,
			     "conntrack zone (0: the default)" },
	[NFCT_K_CT_HELPER] = { "ct.helper", NFP_T_STRING, 0,
			       "conntrack helper (ftp, sip, ...) when one is attached" },
	[NFCT_K_CT_STATUS] = { "ct.status", NFP_T_U32, 0, "IPS_* status bits" },
	[NFCT_K_CT_STATUS_STR] = { "ct.status.str", NFP_T_STRING, 0,
				   "status bits by name: SEEN_REPLY|ASSURED|CONFIRMED" },
	[NFCT_K_MASTER_SADDR] = { "ct.master.ip.saddr", NFP_T_ADDR, 0,
				  "a RELATED flow's master: source address" },
	[NFCT_K_MASTER_DADDR] = { "ct.master.ip.daddr", NFP_T_ADDR, 0,
				  "a RELATED flow's master: destination address" },
	[NFCT_K_MASTER_PROTOCOL] = { "ct.master.ip.protocol", NFP_T_U8, 0,
				     "a RELATED flow's master: IP protocol" },
	[NFCT_K_MASTER_SPORT] = { "ct.master.l4.sport", NFP_T_U16, 0,
				  "a RELATED flow's master: source port" },
	[NFCT_K_MASTER_DPORT] = { "ct.master.l4.dport", NFP_T_U16, 0,
				  "a RELATED flow's master: destination port" },
	[NFCT_K_ICMP_ID] = { "icmp.id", NFP_T_U16, 0,
			     "ICMP or ICMPv6 identifier of the flow (nfpipe)" },
	[NFCT_K_REPLY_ICMP_TYPE] = { "reply.icmp.type", NFP_T_U8, 0,
				     "ICMP or ICMPv6 type, reply direction (nfpipe)" },
	[NFCT_K_REPLY_ICMP_CODE] = { "reply.icmp.code", NFP_T_U8, 0,
				     "ICMP or ICMPv6 code, reply direction (nfpipe)" },
	[NFCT_K_CT_TIMEOUT] = { "ct.timeout", NFP_T_U32, 0,
				"seconds the entry had left, when the kernel said (nfpipe)" },
	[NFCT_K_CT_TCP_STATE] = { "ct.tcp.state", NFP_T_STRING, 0,
				  "TCP conntrack state: SYN_SENT, ESTABLISHED, TIME_WAIT ... (nfpipe)" },
	[NFCT_K_ORIG_GRE_SRCKEY] = { "orig.gre.srckey", NFP_T_U16, 0,
				     "GRE key (PPTP call id) of the source, original direction (nfpipe)" },
	[NFCT_K_ORIG_GRE_DSTKEY] = { "orig.gre.dstkey", NFP_T_U16, 0,
				     "GRE key (PPTP call id) of the destination, original direction (nfpipe)" },
	[NFCT_K_REPLY_GRE_SRCKEY] = { "reply.gre.srckey", NFP_T_U16, 0,
				      "GRE key of the source, reply direction (nfpipe)" },
	[NFCT_K_REPLY_GRE_DSTKEY] = { "reply.gre.dstkey", NFP_T_U16, 0,
				      "GRE key of the destination, reply direction (nfpipe)" },
	[NFCT_K_CT_SCTP_STATE] = { "ct.sctp.state", NFP_T_STRING, 0,
				   "SCTP conntrack state: COOKIE_WAIT, ESTABLISHED, SHUTDOWN_SENT ... (nfpipe)" },
	[NFCT_K_CT_SCTP_VTAG_ORIG] = { "ct.sctp.vtag.orig", NFP_T_U32, 0,
				       "SCTP verification tag, original direction (nfpipe)" },
	[NFCT_K_CT_SCTP_VTAG_REPLY] = { "ct.sctp.vtag.reply", NFP_T_U32, 0,
					"SCTP verification tag, reply direction (nfpipe)" },
	[NFCT_K_CT_DCCP_STATE] = { "ct.dccp.state", NFP_T_STRING, 0,
				   "DCCP conntrack state: REQUEST, OPEN, TIMEWAIT ... (nfpipe)" },
	[NFCT_K_CT_DCCP_ROLE] = { "ct.dccp.role", NFP_T_STRING, 0,
				  "DCCP role of the original direction: client or server (nfpipe)" },
	[NFCT_K_CT_LABELS] = { "ct.labels", NFP_T_STRING, 0,
			       "conntrack labels: names from connlabel_file, unnamed ones by bit number, comma-separated (nfpipe)" },
	[NFCT_K_CT_SECCTX] = { "ct.secctx", NFP_T_STRING, 0,
			       "security context of the connection (SELinux ...) (nfpipe)" },
	[NFCT_K_CT_ZONE_ORIG] = { "ct.zone.orig", NFP_T_U16, 0,
				  "zone of the original tuple (a directional zone) (nfpipe)" },
	[NFCT_K_CT_ZONE_REPLY] = { "ct.zone.reply", NFP_T_U16, 0,
				   "zone of the reply tuple (a directional zone) (nfpipe)" },
	[NFCT_K_CT_USE] = { "ct.use", NFP_T_U32, 0,
			    "references to the entry (nfpipe)" },
	[NFCT_K_CT_SYNPROXY_ISN] = { "ct.synproxy.isn", NFP_T_U32, 0,
				     "synproxy: initial sequence number (nfpipe)" },
	[NFCT_K_CT_SYNPROXY_ITS] = { "ct.synproxy.its", NFP_T_U32, 0,
				     "synproxy: initial timestamp (nfpipe)" },
	[NFCT_K_CT_SYNPROXY_TSOFF] = { "ct.synproxy.tsoff", NFP_T_U32, 0,
				       "synproxy: timestamp offset (nfpipe)" },
	{ 0 }
};

static bool has_ports(uint8_t proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_UDPLITE || proto == IPPROTO_SCTP ||
	       proto == IPPROTO_DCCP;
}

static void set_addr(struct nfp_rec *rec, unsigned int key, uint8_t l3,
		     const uint8_t *a)
{
	uint32_t v4;

	if (l3 == AF_INET) {
		memcpy(&v4, a, 4);
		nfp_set_in4(rec, key, v4);
	} else {
		nfp_set_in6(rec, key, a);
	}
}

/* Addresses, protocol and ports of @t at keys @k0.. (saddr first). */
static void set_tuple(struct nfp_rec *rec, const struct nfct_tuple *t,
		      unsigned int saddr, unsigned int daddr,
		      unsigned int proto, unsigned int sport,
		      unsigned int dport)
{
	if (t->has & NFCT_TUP_IP) {
		set_addr(rec, saddr, t->l3, t->src);
		set_addr(rec, daddr, t->l3, t->dst);
	}
	if (t->has & NFCT_TUP_PROTO)
		nfp_set_u8(rec, proto, t->proto);
	if ((t->has & NFCT_TUP_PORTS) && has_ports(t->proto)) {
		nfp_set_u16(rec, sport, t->sport);
		nfp_set_u16(rec, dport, t->dport);
	}
}

/* Keys only some protocols' messages carry. */
static void fill_proto(struct nfp_rec *rec, const struct nfct_flow *f)
{
	const char *s;

	if (f->orig.proto == IPPROTO_GRE) {
		if (f->orig.has & NFCT_TUP_PORTS) {
			nfp_set_u16(rec, NFCT_K_ORIG_GRE_SRCKEY, f->orig.sport);
			nfp_set_u16(rec, NFCT_K_ORIG_GRE_DSTKEY, f->orig.dport);
		}
		if ((f->has & NFCT_HAS_REPLY) &&
		    (f->reply.has & NFCT_TUP_PORTS)) {
			nfp_set_u16(rec, NFCT_K_REPLY_GRE_SRCKEY,
				    f->reply.sport);
			nfp_set_u16(rec, NFCT_K_REPLY_GRE_DSTKEY,
				    f->reply.dport);
		}
	}
	if (f->has & NFCT_HAS_SCTP_STATE) {
		s = nfct_sctp_state(f->sctp_state);
		nfp_set_str(rec, NFCT_K_CT_SCTP_STATE, s, (uint32_t)strlen(s));
	}
	if (f->has & NFCT_HAS_VTAG_ORIG)
		nfp_set_u32(rec, NFCT_K_CT_SCTP_VTAG_ORIG, f->vtag[0]);
	if (f->has & NFCT_HAS_VTAG_REPLY)
		nfp_set_u32(rec, NFCT_K_CT_SCTP_VTAG_REPLY, f->vtag[1]);
	if (f->has & NFCT_HAS_DCCP_STATE) {
		s = nfct_dccp_state(f->dccp_state);
		nfp_set_str(rec, NFCT_K_CT_DCCP_STATE, s, (uint32_t)strlen(s));
	}
	if ((f->has & NFCT_HAS_DCCP_ROLE) && f->dccp_role <= 1)
		nfp_set_str(rec, NFCT_K_CT_DCCP_ROLE,
			    f->dccp_role ? "server" : "client", 6);
	if (f->has & NFCT_HAS_SYN_ISN)
		nfp_set_u32(rec, NFCT_K_CT_SYNPROXY_ISN, f->syn_isn);
	if (f->has & NFCT_HAS_SYN_ITS)
		nfp_set_u32(rec, NFCT_K_CT_SYNPROXY_ITS, f->syn_its);
	if (f->has & NFCT_HAS_SYN_TSOFF)
		nfp_set_u32(rec, NFCT_K_CT_SYNPROXY_TSOFF, f->syn_tsoff);
}

/* Keys of the entry that most messages lack. */
static void fill_rare(struct nfp_rec *rec, const struct nfct_flow *f,
		      struct nfct_labelmap *map)
{
	if (f->orig.has & NFCT_TUP_ZONE)
		nfp_set_u16(rec, NFCT_K_CT_ZONE_ORIG, f->orig.zone);
	if ((f->has & NFCT_HAS_REPLY) && (f->reply.has & NFCT_TUP_ZONE))
		nfp_set_u16(rec, NFCT_K_CT_ZONE_REPLY, f->reply.zone);
	if (f->has & NFCT_HAS_USE)
		nfp_set_u32(rec, NFCT_K_CT_USE, f->use);
	if ((f->has & NFCT_HAS_SECCTX) && f->secctx)
		nfp_set_str(rec, NFCT_K_CT_SECCTX, f->secctx,
			    (uint32_t)strlen(f->secctx));
	if ((f->has & NFCT_HAS_LABELS) && nfp_wanted(rec, NFCT_K_CT_LABELS)) {
		int n = nfct_labels_str(f, map, NULL, 0);
		char *s = nfp_rec_alloc(rec, (size_t)n + 1);

		if (s) {
			nfct_labels_str(f, map, s, (size_t)n + 1);
			nfp_set_str(rec, NFCT_K_CT_LABELS, s, (uint32_t)n);
		}
	}
}

void nfct_fill(struct nfp_rec *rec, const struct nfct_flow *f, uint32_t event,
	       const struct nfct_times *t, struct nfct_labelmap *map)
{
	const struct nfct_tuple *o = &f->orig;
	uint8_t l3 = o->l3 ? o->l3 : f->family;

	set_tuple(rec, o, NFCT_K_ORIG_SADDR, NFCT_K_ORIG_DADDR,
		  NFCT_K_ORIG_PROTOCOL, NFCT_K_ORIG_SPORT, NFCT_K_ORIG_DPORT);
	if (f->has & NFCT_HAS_REPLY)
		set_tuple(rec, &f->reply, NFCT_K_REPLY_SADDR,
			  NFCT_K_REPLY_DADDR, NFCT_K_REPLY_PROTOCOL,
			  NFCT_K_REPLY_SPORT, NFCT_K_REPLY_DPORT);
	/* Zero without accounting, as ulogd2: SQL columns stay non-NULL. */
	nfp_set_u64(rec, NFCT_K_ORIG_PKTLEN, f->bytes[0]);
	nfp_set_u64(rec, NFCT_K_ORIG_PKTCOUNT, f->pkts[0]);
	nfp_set_u64(rec, NFCT_K_REPLY_PKTLEN, f->bytes[1]);
	nfp_set_u64(rec, NFCT_K_REPLY_PKTCOUNT, f->pkts[1]);

	if (o->has & NFCT_TUP_ICMP) {
		if (o->proto == IPPROTO_ICMP) {
			nfp_set_u8(rec, NFCT_K_ICMP_TYPE, o->icmp_type);
			nfp_set_u8(rec, NFCT_K_ICMP_CODE, o->icmp_code);
		} else if (o->proto == IPPROTO_ICMPV6) {
			nfp_set_u8(rec, NFCT_K_ICMPV6_TYPE, o->icmp_type);
			nfp_set_u8(rec, NFCT_K_ICMPV6_CODE, o->icmp_code);
		}
	}
	if (o->has & NFCT_TUP_ICMP_ID)
		nfp_set_u16(rec, NFCT_K_ICMP_ID, o->icmp_id);
	if ((f->has & NFCT_HAS_REPLY) && (f->reply.has & NFCT_TUP_ICMP)) {
		nfp_set_u8(rec, NFCT_K_REPLY_ICMP_TYPE, f->reply.icmp_type);
		nfp_set_u8(rec, NFCT_K_REPLY_ICMP_CODE, f->reply.icmp_code);
	}

	/* The kernel leaves out a zero mark and the default zone. */
	nfp_set_u32(rec, NFCT_K_CT_MARK, f->mark);
	nfp_set_u16(rec, NFCT_K_CT_ZONE, f->zone);
	if (f->has & NFCT_HAS_ID)
		nfp_set_u32(rec, NFCT_K_CT_ID, f->id);
	nfp_set_u32(rec, NFCT_K_CT_EVENT, event);
	if (f->has & NFCT_HAS_STATUS) {
		char *s = nfp_wanted(rec, NFCT_K_CT_STATUS_STR)
				  ? nfp_rec_alloc(rec, 256)
				  : NULL;

		nfp_set_u32(rec, NFCT_K_CT_STATUS, f->status);
		if (s) {
			int n = nfct_status_str(f->status, s, 256);

			nfp_set_str(rec, NFCT_K_CT_STATUS_STR, s,
				    (uint32_t)(n < 256 ? n : 255));
		}
		nfp_set_str(rec, NFCT_K_CT_STATE, nfct_state(f->status),
			    (uint32_t)strlen(nfct_state(f->status)));
	}
	if (f->has & NFCT_HAS_TIMEOUT)
		nfp_set_u32(rec, NFCT_K_CT_TIMEOUT, f->timeout);
	if ((f->has & NFCT_HAS_TCP_STATE) && o->proto == IPPROTO_TCP) {
		const char *ts = nfct_tcp_state(f->tcp_state);

		nfp_set_str(rec, NFCT_K_CT_TCP_STATE, ts, (uint32_t)strlen(ts));
	}
	if (f->has & NFCT_HAS_HELPER)
		nfp_set_str(rec, NFCT_K_CT_HELPER, f->helper,
			    (uint32_t)strlen(f->helper));
	if ((f->has & NFCT_HAS_MASTER) && (f->master.has & NFCT_TUP_IP))
		set_tuple(rec, &f->master, NFCT_K_MASTER_SADDR,
			  NFCT_K_MASTER_DADDR, NFCT_K_MASTER_PROTOCOL,
			  NFCT_K_MASTER_SPORT, NFCT_K_MASTER_DPORT);
	fill_proto(rec, f);
	fill_rare(rec, f, map);

	if (t && t->has_start) {
		nfp_set_u32(rec, NFCT_K_START_SEC, t->start_sec);
		nfp_set_u32(rec, NFCT_K_START_USEC, t->start_usec);
	}
	if (t && t->has_end) {
		nfp_set_u32(rec, NFCT_K_END_SEC, t->end_sec);
		nfp_set_u32(rec, NFCT_K_END_USEC, t->end_usec);
	}
	nfp_set_u8(rec, NFCT_K_FAMILY, l3);
	nfp_set_u16(rec, NFCT_K_PROTOCOL,
		    l3 == AF_INET6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4);
}
