/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * input/nfct - the pure conntrack message parser, filters and record filler
 *
 * See nfct_parse.h for the contract. The attribute layout is the kernel's
 * (include/uapi/linux/netfilter/nfnetlink_conntrack.h): a struct nfgenmsg,
 * then top-level CTA_* attributes, tuples nested as CTA_TUPLE_IP and
 * CTA_TUPLE_PROTO, integers in network byte order. Attributes this parser
 * does not know are skipped, so newer kernels do not break it; an attribute
 * it knows with a length that cannot hold its value is an error, because
 * reading it would mean guessing.
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
#ifndef NLM_F_DUMP_INTR
#define NLM_F_DUMP_INTR 0x10
#endif
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd

/* ---- attribute helpers --------------------------------------------------- */

/*
 * Walk the attributes in [@p, @p + @len). libmnl's mnl_attr_ok() checks that
 * each header and its declared length fit before we look inside.
 */
#define for_each_attr(a, p, len, left)                                       \
	for ((a) = (const struct nlattr *)(p), (left) = (int)(len);          \
	     mnl_attr_ok((a), (left));                                       \
	     (a) = mnl_attr_next_left((a), &(left)))

static const struct nlattr *mnl_attr_next_left(const struct nlattr *a,
					       int *left)
{
	*left -= (int)MNL_ALIGN(a->nla_len);
	return (const struct nlattr *)((const char *)a +
				       MNL_ALIGN(a->nla_len));
}

static inline uint16_t alen(const struct nlattr *a)
{
	return mnl_attr_get_payload_len(a);
}

static uint16_t get_be16(const struct nlattr *a)
{
	uint16_t v;

	memcpy(&v, mnl_attr_get_payload(a), sizeof(v));
	return ntohs(v);
}

static uint32_t get_be32(const struct nlattr *a)
{
	uint32_t v;

	memcpy(&v, mnl_attr_get_payload(a), sizeof(v));
	return ntohl(v);
}

static uint64_t get_be64(const struct nlattr *a)
{
	uint64_t v;

	memcpy(&v, mnl_attr_get_payload(a), sizeof(v));
	return be64toh(v);
}

static uint8_t get_u8(const struct nlattr *a)
{
	return *(const uint8_t *)mnl_attr_get_payload(a);
}

/* Fails the parse with @msg when attribute @a is shorter than @need. */
#define NEED(a, need, msg)                                                   \
	do {                                                                 \
		if (alen(a) < (need)) {                                      \
			out->why = (msg);                                    \
			return -EBADMSG;                                     \
		}                                                            \
	} while (0)

/* ---- tuples -------------------------------------------------------------- */

static int parse_ip(const struct nlattr *nest, struct nfct_tuple *t,
		    struct nfct_flow *out)
{
	const struct nlattr *a;
	unsigned int got = 0;
	int left;

	for_each_attr(a, mnl_attr_get_payload(nest), alen(nest), left) {
		switch (mnl_attr_get_type(a)) {
		case CTA_IP_V4_SRC:
		case CTA_IP_V4_DST:
			if (alen(a) != 4) {
				out->why = "IPv4 address not 4 bytes";
				return -EBADMSG;
			}
			memcpy(mnl_attr_get_type(a) == CTA_IP_V4_SRC ?
				       t->src : t->dst,
			       mnl_attr_get_payload(a), 4);
			t->l3 = AF_INET;
			got |= mnl_attr_get_type(a) == CTA_IP_V4_SRC ? 1 : 2;
			break;
		case CTA_IP_V6_SRC:
		case CTA_IP_V6_DST:
			if (alen(a) != 16) {
				out->why = "IPv6 address not 16 bytes";
				return -EBADMSG;
			}
			memcpy(mnl_attr_get_type(a) == CTA_IP_V6_SRC ?
				       t->src : t->dst,
			       mnl_attr_get_payload(a), 16);
			t->l3 = AF_INET6;
			got |= mnl_attr_get_type(a) == CTA_IP_V6_SRC ? 1 : 2;
			break;
		}
	}
	if (got == 3)
		t->has |= NFCT_TUP_IP;
	return 0;
}

static int parse_proto(const struct nlattr *nest, struct nfct_tuple *t,
		       struct nfct_flow *out)
{
	const struct nlattr *a;
	unsigned int ports = 0, icmp = 0;
	int left;

	for_each_attr(a, mnl_attr_get_payload(nest), alen(nest), left) {
		switch (mnl_attr_get_type(a)) {
		case CTA_PROTO_NUM:
			NEED(a, 1, "short CTA_PROTO_NUM");
			t->proto = get_u8(a);
			t->has |= NFCT_TUP_PROTO;
			break;
		case CTA_PROTO_SRC_PORT:
			NEED(a, 2, "short CTA_PROTO_SRC_PORT");
			t->sport = get_be16(a);
			ports |= 1;
			break;
		case CTA_PROTO_DST_PORT:
			NEED(a, 2, "short CTA_PROTO_DST_PORT");
			t->dport = get_be16(a);
			ports |= 2;
			break;
		case CTA_PROTO_ICMP_ID:
		case CTA_PROTO_ICMPV6_ID:
			NEED(a, 2, "short ICMP id");
			t->icmp_id = get_be16(a);
			t->has |= NFCT_TUP_ICMP_ID;
			break;
		case CTA_PROTO_ICMP_TYPE:
		case CTA_PROTO_ICMPV6_TYPE:
			NEED(a, 1, "short ICMP type");
			t->icmp_type = get_u8(a);
			icmp |= 1;
			break;
		case CTA_PROTO_ICMP_CODE:
		case CTA_PROTO_ICMPV6_CODE:
			NEED(a, 1, "short ICMP code");
			t->icmp_code = get_u8(a);
			icmp |= 2;
			break;
		}
	}
	if (ports == 3)
		t->has |= NFCT_TUP_PORTS;
	if (icmp == 3)
		t->has |= NFCT_TUP_ICMP;
	return 0;
}

static int parse_tuple(const struct nlattr *nest, struct nfct_tuple *t,
		       struct nfct_flow *out)
{
	const struct nlattr *a;
	int left, err;

	for_each_attr(a, mnl_attr_get_payload(nest), alen(nest), left) {
		switch (mnl_attr_get_type(a)) {
		case CTA_TUPLE_IP:
			err = parse_ip(a, t, out);
			if (err)
				return err;
			break;
		case CTA_TUPLE_PROTO:
			err = parse_proto(a, t, out);
			if (err)
				return err;
			break;
		case CTA_TUPLE_ZONE:
			NEED(a, 2, "short CTA_TUPLE_ZONE");
			t->zone = get_be16(a);
			t->has |= NFCT_TUP_ZONE;
			break;
		}
	}
	return 0;
}

/* ---- the other nests ----------------------------------------------------- */

static int parse_counters(const struct nlattr *nest, struct nfct_flow *out,
			  int dir)
{
	const struct nlattr *a;
	unsigned int got = 0;
	int left;

	for_each_attr(a, mnl_attr_get_payload(nest), alen(nest), left) {
		switch (mnl_attr_get_type(a)) {
		case CTA_COUNTERS_PACKETS:
			NEED(a, 8, "short CTA_COUNTERS_PACKETS");
			out->pkts[dir] = get_be64(a);
			got |= 1;
			break;
		case CTA_COUNTERS_BYTES:
			NEED(a, 8, "short CTA_COUNTERS_BYTES");
			out->bytes[dir] = get_be64(a);
			got |= 2;
			break;
		case CTA_COUNTERS32_PACKETS:
			NEED(a, 4, "short CTA_COUNTERS32_PACKETS");
			out->pkts[dir] = get_be32(a);
			got |= 1;
			break;
		case CTA_COUNTERS32_BYTES:
			NEED(a, 4, "short CTA_COUNTERS32_BYTES");
			out->bytes[dir] = get_be32(a);
			got |= 2;
			break;
		}
	}
	if (got == 3)
		out->has |= dir ? NFCT_HAS_CTR_REPLY : NFCT_HAS_CTR_ORIG;
	return 0;
}

static int parse_timestamp(const struct nlattr *nest, struct nfct_flow *out)
{
	const struct nlattr *a;
	int left;

	for_each_attr(a, mnl_attr_get_payload(nest), alen(nest), left) {
		switch (mnl_attr_get_type(a)) {
		case CTA_TIMESTAMP_START:
			NEED(a, 8, "short CTA_TIMESTAMP_START");
			out->ts_start = get_be64(a);
			out->has |= NFCT_HAS_TS_START;
			break;
		case CTA_TIMESTAMP_STOP:
			NEED(a, 8, "short CTA_TIMESTAMP_STOP");
			out->ts_stop = get_be64(a);
			out->has |= NFCT_HAS_TS_STOP;
			break;
		}
	}
	return 0;
}

static void parse_help(const struct nlattr *nest, struct nfct_flow *out)
{
	const struct nlattr *a;
	int left;

	for_each_attr(a, mnl_attr_get_payload(nest), alen(nest), left) {
		const char *s = mnl_attr_get_payload(a);
		size_t n = 0;

		if (mnl_attr_get_type(a) != CTA_HELP_NAME)
			continue;
		/* The name may lack its NUL; never read past the attribute. */
		while (n < alen(a) && n < NFCT_HELPER_LEN - 1 && s[n])
			n++;
		memcpy(out->helper, s, n);
		out->helper[n] = '\0';
		if (n)
			out->has |= NFCT_HAS_HELPER;
	}
}

static int parse_protoinfo(const struct nlattr *nest, struct nfct_flow *out)
{
	const struct nlattr *a, *b;
	int left, left2;

	for_each_attr(a, mnl_attr_get_payload(nest), alen(nest), left) {
		if (mnl_attr_get_type(a) != CTA_PROTOINFO_TCP)
			continue;
		for_each_attr(b, mnl_attr_get_payload(a), alen(a), left2) {
			if (mnl_attr_get_type(b) != CTA_PROTOINFO_TCP_STATE)
				continue;
			NEED(b, 1, "short CTA_PROTOINFO_TCP_STATE");
			out->tcp_state = get_u8(b);
			out->has |= NFCT_HAS_TCP_STATE;
		}
	}
	return 0;
}

/* ---- messages ------------------------------------------------------------ */

int nfct_parse(const void *msg, size_t len, struct nfct_flow *out)
{
	const struct nlmsghdr *nlh = msg;
	const struct nfgenmsg *nfg;
	const struct nlattr *a;
	uint8_t subsys, type;
	int left, err = 0;

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

	for_each_attr(a, (const char *)nfg + NLMSG_ALIGN(sizeof(*nfg)),
		      nlh->nlmsg_len - NLMSG_HDRLEN -
			      NLMSG_ALIGN(sizeof(*nfg)),
		      left) {
		switch (mnl_attr_get_type(a)) {
		case CTA_TUPLE_ORIG:
			err = parse_tuple(a, &out->orig, out);
			out->has |= NFCT_HAS_ORIG;
			break;
		case CTA_TUPLE_REPLY:
			err = parse_tuple(a, &out->reply, out);
			out->has |= NFCT_HAS_REPLY;
			break;
		case CTA_TUPLE_MASTER:
			err = parse_tuple(a, &out->master, out);
			out->has |= NFCT_HAS_MASTER;
			break;
		case CTA_STATUS:
			NEED(a, 4, "short CTA_STATUS");
			out->status = get_be32(a);
			out->has |= NFCT_HAS_STATUS;
			break;
		case CTA_MARK:
			NEED(a, 4, "short CTA_MARK");
			out->mark = get_be32(a);
			out->has |= NFCT_HAS_MARK;
			break;
		case CTA_ID:
			NEED(a, 4, "short CTA_ID");
			out->id = get_be32(a);
			out->has |= NFCT_HAS_ID;
			break;
		case CTA_TIMEOUT:
			NEED(a, 4, "short CTA_TIMEOUT");
			out->timeout = get_be32(a);
			out->has |= NFCT_HAS_TIMEOUT;
			break;
		case CTA_USE:
			NEED(a, 4, "short CTA_USE");
			out->use = get_be32(a);
			out->has |= NFCT_HAS_USE;
			break;
		case CTA_ZONE:
			NEED(a, 2, "short CTA_ZONE");
			out->zone = get_be16(a);
			out->has |= NFCT_HAS_ZONE;
			break;
		case CTA_COUNTERS_ORIG:
			err = parse_counters(a, out, 0);
			break;
		case CTA_COUNTERS_REPLY:
			err = parse_counters(a, out, 1);
			break;
		case CTA_TIMESTAMP:
			err = parse_timestamp(a, out);
			break;
		case CTA_HELP:
			parse_help(a, out);
			break;
		case CTA_PROTOINFO:
			err = parse_protoinfo(a, out);
			break;
		}
		if (err)
			return err;
	}
	/* A conntrack entry without its original addresses is no entry. */
	if (!(out->has & NFCT_HAS_ORIG) || !(out->orig.has & NFCT_TUP_IP) ||
	    !(out->orig.has & NFCT_TUP_PROTO)) {
		out->why = "no original tuple";
		return -EBADMSG;
	}
	return 0;
}

unsigned int nfct_dgram(const void *buf, size_t len,
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
				ops->event(arg, NFCT_DG_TRUNCATED,
					   len >= sizeof(*nlh) ?
						   nlh->nlmsg_seq : 0,
					   0, "netlink message runs past the datagram");
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
				ops->event(arg, e->error ? NFCT_DG_ERROR :
							   NFCT_DG_ACK,
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
			err = nfct_parse(p, len, &f);
			if (!err) {
				n++;
				ops->flow(arg, &f, nlh->nlmsg_seq);
			} else if (ops->event) {
				ops->event(arg, err == -ENOMSG ?
						   NFCT_DG_OTHER :
						   NFCT_DG_MALFORMED,
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
	"EXPECTED", "SEEN_REPLY", "ASSURED", "CONFIRMED", "SRC_NAT",
	"DST_NAT", "SEQ_ADJUST", "SRC_NAT_DONE", "DST_NAT_DONE", "DYING",
	"FIXED_TIMEOUT", "TEMPLATE", "UNTRACKED", "HELPER", "OFFLOAD",
	"HW_OFFLOAD",
};

int nfct_status_str(uint32_t status, char *buf, size_t len)
{
	size_t o = 0;
	unsigned int bit;
	int n;

	if (len)
		buf[0] = '\0';
	for (bit = 0; bit < 32; bit++) {
		if (!(status & (1u << bit)))
			continue;
		if (bit < sizeof(status_names) / sizeof(status_names[0]))
			n = snprintf(buf + (o < len ? o : len),
				     o < len ? len - o : 0, "%s%s",
				     o ? "|" : "", status_names[bit]);
		else
			n = snprintf(buf + (o < len ? o : len),
				     o < len ? len - o : 0, "%sBIT%u",
				     o ? "|" : "", bit);
		o += (size_t)n;
	}
	return (int)o;
}

/* enum tcp_conntrack, named as libnetfilter_conntrack prints it. */
static const char *const tcp_states[] = {
	"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT",
	"CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2",
};

const char *nfct_tcp_state(uint8_t state)
{
	if (state >= sizeof(tcp_states) / sizeof(tcp_states[0]))
		return tcp_states[0];
	return tcp_states[state];
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
	const char *name;	/* as written */
	uint8_t num;		/* IPPROTO_* */
} proto_names[] = {
	{ "icmp", 1 }, { "igmp", 2 }, { "tcp", 6 }, { "udp", 17 },
	{ "dccp", 33 }, { "gre", 47 }, { "esp", 50 }, { "ah", 51 },
	{ "icmpv6", 58 }, { "ipv6-icmp", 58 }, { "sctp", 132 },
	{ "udplite", 136 },
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
			for (i = 0; i < sizeof(proto_names) /
					sizeof(proto_names[0]); i++)
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
	if (rest && (addr[full] & (uint8_t)(0xff << (8 - rest))) !=
			    px->addr[full])
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

bool nfct_filter_match(const struct nfct_filter *f,
		       const struct nfct_flow *fl)
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
	[NFCT_K_FAMILY] = { "oob.family", NFP_T_U8, 0,
		"AF_INET or AF_INET6" },
	[NFCT_K_PROTOCOL] = { "oob.protocol", NFP_T_U16, 0,
		"ethertype of the family (0x0800, 0x86dd)" },
	[NFCT_K_CT_STATE] = { "ct.state", NFP_T_STRING, 0,
		"RELATED (created by an expectation), ESTABLISHED (reply seen) or NEW" },
	[NFCT_K_CT_ZONE] = { "ct.zone", NFP_T_U16, 0,
		"conntrack zone (0: the default)" },
	[NFCT_K_CT_HELPER] = { "ct.helper", NFP_T_STRING, 0,
		"conntrack helper (ftp, sip, ...) when one is attached" },
	[NFCT_K_CT_STATUS] = { "ct.status", NFP_T_U32, 0,
		"IPS_* status bits" },
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

void nfct_fill(struct nfp_rec *rec, const struct nfct_flow *f,
	       uint32_t event, const struct nfct_times *t)
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
		char *s = nfp_rec_alloc(rec, 256);

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
