/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter/printflow - one text line per conntrack flow, in the key `print`
 *
 * Consumes NFCT's keys (all optional: a line shows what is there) and sets
 * `print`, which LOGEMU, SYSLOG and the like write out. Two layouts,
 * chosen by the option format:
 *  - ulogd (default): ulogd2's PRINTFLOW line,
 *      [DESTROY] ORIG: SRC=a DST=b PROTO=TCP SPT=1 DPT=2 PKTS=3 BYTES=4 ,
 *      REPLY: SRC=... PKTS=5 BYTES=6
 *    (one line), with ICMP TYPE= and CODE= in the right order.
 *  - conntrackd: the lines of conntrack-tools' stats log (conntrackd's
 *    LogFile in Stats mode): ctime(3) of the flow's end, a tab, then the
 *    entry as libnetfilter_conntrack prints it, e.g.
 *      Fri Mar  5 13:23:21 2010<TAB>tcp      6 src=... [ASSURED]
 *    with what NFCT's newer keys add where conntrack prints them: the
 *    SCTP or DCCP state after the timeout, srckey=0x.. dstkey=0x.. of
 *    GRE, zone-orig= and zone-reply= after their tuple, secctx=, use=
 *    and labels= (names, and bit numbers for unnamed labels).
 * Addresses come from the .str keys of IP2STR when that runs upstream,
 * else from the address keys themselves. The line is built in the
 * record's arena; nothing is kept. Never fails: a record without flow keys
 * gets a line with what it has.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <nfpipe/plugin.h>

#ifndef IPPROTO_UDPLITE
#define IPPROTO_UDPLITE 136
#endif
#ifndef IPPROTO_DCCP
#define IPPROTO_DCCP 33
#endif

#define PF_LINE_MAX 1024 /* longer than any line either layout makes */

/* IPS_* bits of include/uapi/linux/netfilter/nf_conntrack_common.h. */
#define PF_IPS_SEEN_REPLY (1u << 1)
#define PF_IPS_ASSURED	  (1u << 2)
#define PF_IPS_OFFLOAD	  (1u << 14)
#define PF_IPS_HW_OFFLOAD (1u << 15)

enum pf_key {
	K_ORIG_SADDR_STR,
	K_ORIG_DADDR_STR,
	K_ORIG_SADDR,
	K_ORIG_DADDR,
	K_ORIG_PROTO,
	K_ORIG_SPORT,
	K_ORIG_DPORT,
	K_ORIG_BYTES,
	K_ORIG_PKTS,
	K_REPLY_SADDR_STR,
	K_REPLY_DADDR_STR,
	K_REPLY_SADDR,
	K_REPLY_DADDR,
	K_REPLY_PROTO,
	K_REPLY_SPORT,
	K_REPLY_DPORT,
	K_REPLY_BYTES,
	K_REPLY_PKTS,
	K_ICMP_CODE,
	K_ICMP_TYPE,
	K_ICMPV6_CODE,
	K_ICMPV6_TYPE,
	K_ICMP_ID,
	K_REPLY_ICMP_TYPE,
	K_REPLY_ICMP_CODE,
	K_CT_EVENT,
	K_CT_STATUS,
	K_CT_MARK,
	K_CT_ZONE,
	K_CT_TIMEOUT,
	K_CT_TCP_STATE,
	K_START_SEC,
	K_END_SEC,
	K_ORIG_GRE_SKEY,
	K_ORIG_GRE_DKEY,
	K_REPLY_GRE_SKEY,
	K_REPLY_GRE_DKEY,
	K_CT_SCTP_STATE,
	K_CT_DCCP_STATE,
	K_CT_ZONE_ORIG,
	K_CT_ZONE_REPLY,
	K_CT_SECCTX,
	K_CT_USE,
	K_CT_LABELS,
};

#define OPT NFP_KEYF_OPTIONAL
static const struct nfp_key printflow_in[] = {
	[K_ORIG_SADDR_STR] = { "orig.ip.saddr.str", NFP_T_STRING, OPT,
			       "original source as text (IP2STR)" },
	[K_ORIG_DADDR_STR] = { "orig.ip.daddr.str", NFP_T_STRING, OPT,
			       "original destination as text (IP2STR)" },
	[K_ORIG_SADDR] = { "orig.ip.saddr", NFP_T_ADDR, OPT,
			   "original source, when no .str key is there" },
	[K_ORIG_DADDR] = { "orig.ip.daddr", NFP_T_ADDR, OPT,
			   "original destination, when no .str key is there" },
	[K_ORIG_PROTO] = { "orig.ip.protocol", NFP_T_U8, OPT, NULL },
	[K_ORIG_SPORT] = { "orig.l4.sport", NFP_T_U16, OPT, NULL },
	[K_ORIG_DPORT] = { "orig.l4.dport", NFP_T_U16, OPT, NULL },
	[K_ORIG_BYTES] = { "orig.raw.pktlen", NFP_T_U64, OPT, NULL },
	[K_ORIG_PKTS] = { "orig.raw.pktcount", NFP_T_U64, OPT, NULL },
	[K_REPLY_SADDR_STR] = { "reply.ip.saddr.str", NFP_T_STRING, OPT, NULL },
	[K_REPLY_DADDR_STR] = { "reply.ip.daddr.str", NFP_T_STRING, OPT, NULL },
	[K_REPLY_SADDR] = { "reply.ip.saddr", NFP_T_ADDR, OPT, NULL },
	[K_REPLY_DADDR] = { "reply.ip.daddr", NFP_T_ADDR, OPT, NULL },
	[K_REPLY_PROTO] = { "reply.ip.protocol", NFP_T_U8, OPT, NULL },
	[K_REPLY_SPORT] = { "reply.l4.sport", NFP_T_U16, OPT, NULL },
	[K_REPLY_DPORT] = { "reply.l4.dport", NFP_T_U16, OPT, NULL },
	[K_REPLY_BYTES] = { "reply.raw.pktlen", NFP_T_U64, OPT, NULL },
	[K_REPLY_PKTS] = { "reply.raw.pktcount", NFP_T_U64, OPT, NULL },
	[K_ICMP_CODE] = { "icmp.code", NFP_T_U8, OPT, NULL },
	[K_ICMP_TYPE] = { "icmp.type", NFP_T_U8, OPT, NULL },
	[K_ICMPV6_CODE] = { "icmpv6.code", NFP_T_U8, OPT, NULL },
	[K_ICMPV6_TYPE] = { "icmpv6.type", NFP_T_U8, OPT, NULL },
	[K_ICMP_ID] = { "icmp.id", NFP_T_U16, OPT,
			"conntrackd format: id= of ICMP flows" },
	[K_REPLY_ICMP_TYPE] = { "reply.icmp.type", NFP_T_U8, OPT, NULL },
	[K_REPLY_ICMP_CODE] = { "reply.icmp.code", NFP_T_U8, OPT, NULL },
	[K_CT_EVENT] = { "ct.event", NFP_T_U32, OPT,
			 "ulogd format: [NEW], [UPDATE] or [DESTROY] first" },
	[K_CT_STATUS] = { "ct.status", NFP_T_U32, OPT,
			  "conntrackd format: [UNREPLIED], [ASSURED]" },
	[K_CT_MARK] = { "ct.mark", NFP_T_U32, OPT, NULL },
	[K_CT_ZONE] = { "ct.zone", NFP_T_U16, OPT, NULL },
	[K_CT_TIMEOUT] = { "ct.timeout", NFP_T_U32, OPT, NULL },
	[K_CT_TCP_STATE] = { "ct.tcp.state", NFP_T_STRING, OPT, NULL },
	[K_START_SEC] = { "flow.start.sec", NFP_T_U32, OPT,
			  "conntrackd format: delta-time" },
	[K_END_SEC] = { "flow.end.sec", NFP_T_U32, OPT,
			"conntrackd format: the line's time (else now)" },
	[K_ORIG_GRE_SKEY] = { "orig.gre.srckey", NFP_T_U16, OPT,
			      "conntrackd format: srckey= of GRE flows" },
	[K_ORIG_GRE_DKEY] = { "orig.gre.dstkey", NFP_T_U16, OPT, NULL },
	[K_REPLY_GRE_SKEY] = { "reply.gre.srckey", NFP_T_U16, OPT, NULL },
	[K_REPLY_GRE_DKEY] = { "reply.gre.dstkey", NFP_T_U16, OPT, NULL },
	[K_CT_SCTP_STATE] = { "ct.sctp.state", NFP_T_STRING, OPT, NULL },
	[K_CT_DCCP_STATE] = { "ct.dccp.state", NFP_T_STRING, OPT, NULL },
	[K_CT_ZONE_ORIG] = { "ct.zone.orig", NFP_T_U16, OPT,
			     "conntrackd format: zone-orig=" },
	[K_CT_ZONE_REPLY] = { "ct.zone.reply", NFP_T_U16, OPT,
			      "conntrackd format: zone-reply=" },
	[K_CT_SECCTX] = { "ct.secctx", NFP_T_STRING, OPT, NULL },
	[K_CT_USE] = { "ct.use", NFP_T_U32, OPT, NULL },
	[K_CT_LABELS] = { "ct.labels", NFP_T_STRING, OPT, NULL },
	{ 0 }
};
#undef OPT

enum { K_PRINT };

static const struct nfp_key printflow_out[] = {
	[K_PRINT] = { "print", NFP_T_STRING, 0,
		      "the flow as one line, without a newline" },
	{ 0 }
};

enum pf_format { PF_ULOGD, PF_CONNTRACKD };

static const char *const pf_formats[] = { "ulogd", "conntrackd", NULL };

struct printflow_priv {
	int format; /* enum pf_format */
};

static const struct nfp_option printflow_options[] = {
	{ .name = "format",
	  .type = NFP_OPT_ENUM,
	  .def = "ulogd",
	  .enums = pf_formats,
	  .off = offsetof(struct printflow_priv, format),
	  .help = "ulogd: ulogd2's PRINTFLOW line; conntrackd: conntrack-tools' stats log line." },
	{ 0 }
};

/* ---- a bounded line buffer ----------------------------------------------- */

struct line {
	char *buf;  /* PF_LINE_MAX bytes in the record's arena */
	size_t len; /* bytes used, without the NUL */
};

static void __attribute__((format(printf, 2, 3)))
put(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->len >= PF_LINE_MAX - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(l->buf + l->len, PF_LINE_MAX - l->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	l->len += (size_t)n;
	if (l->len > PF_LINE_MAX - 1)
		l->len = PF_LINE_MAX - 1;
}

/* The text of string key @skey, else of address key @akey; NULL if none. */
static const char *addr_text(const struct nfp_rec *rec, unsigned int skey,
			     unsigned int akey, char *buf, size_t len)
{
	const struct nfp_value *v = nfp_get(rec, skey);

	if (v)
		return v->str.ptr;
	v = nfp_get(rec, akey);
	if (!v)
		return NULL;
	if (v->addr.family == AF_INET6)
		return inet_ntop(AF_INET6, v->addr.in6, buf, (socklen_t)len);
	return inet_ntop(AF_INET, &v->addr.in4, buf, (socklen_t)len);
}

static bool get_u8(const struct nfp_rec *rec, unsigned int key, uint8_t *out)
{
	const struct nfp_value *v = nfp_get(rec, key);

	if (v)
		*out = v->u8;
	return v != NULL;
}

static bool get_u16(const struct nfp_rec *rec, unsigned int key, uint16_t *out)
{
	const struct nfp_value *v = nfp_get(rec, key);

	if (v)
		*out = v->u16;
	return v != NULL;
}

static bool get_u32(const struct nfp_rec *rec, unsigned int key, uint32_t *out)
{
	const struct nfp_value *v = nfp_get(rec, key);

	if (v)
		*out = v->u32;
	return v != NULL;
}

static bool get_u64(const struct nfp_rec *rec, unsigned int key, uint64_t *out)
{
	const struct nfp_value *v = nfp_get(rec, key);

	if (v)
		*out = v->u64;
	return v != NULL;
}

/* ---- ulogd --------------------------------------------------------------- */

/* Keys of one direction, for the shared code of ORIG and REPLY. */
struct dir_keys {
	unsigned int saddr_str; /* *.ip.saddr.str */
	unsigned int daddr_str; /* *.ip.daddr.str */
	unsigned int saddr;	/* *.ip.saddr */
	unsigned int daddr;	/* *.ip.daddr */
	unsigned int proto;	/* *.ip.protocol */
	unsigned int sport;	/* *.l4.sport */
	unsigned int dport;	/* *.l4.dport */
	unsigned int bytes;	/* *.raw.pktlen */
	unsigned int pkts;	/* *.raw.pktcount */
	unsigned int gre_skey;	/* *.gre.srckey */
	unsigned int gre_dkey;	/* *.gre.dstkey */
	unsigned int zone;	/* ct.zone.orig or ct.zone.reply */
	const char *zone_tag;	/* "orig" or "reply" */
};

static const struct dir_keys orig_keys = {
	K_ORIG_SADDR_STR, K_ORIG_DADDR_STR, K_ORIG_SADDR,    K_ORIG_DADDR,
	K_ORIG_PROTO,	  K_ORIG_SPORT,	    K_ORIG_DPORT,    K_ORIG_BYTES,
	K_ORIG_PKTS,	  K_ORIG_GRE_SKEY,  K_ORIG_GRE_DKEY, K_CT_ZONE_ORIG,
	"orig",
};

static const struct dir_keys reply_keys = {
	K_REPLY_SADDR_STR, K_REPLY_DADDR_STR, K_REPLY_SADDR,	K_REPLY_DADDR,
	K_REPLY_PROTO,	   K_REPLY_SPORT,     K_REPLY_DPORT,	K_REPLY_BYTES,
	K_REPLY_PKTS,	   K_REPLY_GRE_SKEY,  K_REPLY_GRE_DKEY, K_CT_ZONE_REPLY,
	"reply",
};

static void ulogd_ports(struct line *l, const struct nfp_rec *rec,
			const struct dir_keys *k)
{
	uint16_t port;

	if (get_u16(rec, k->sport, &port))
		put(l, "SPT=%u ", port);
	if (get_u16(rec, k->dport, &port))
		put(l, "DPT=%u ", port);
}

/*
 * ICMP type and code, type first (ulogd2 prints the code as TYPE= and the
 * type as CODE=). The reply direction shows the reply's own when NFCT gave
 * them, else the original's, which is all ulogd2 has.
 */
static void ulogd_icmp(struct line *l, const struct nfp_rec *rec, bool reply,
		       unsigned int type_key, unsigned int code_key)
{
	uint8_t v;

	if ((reply && get_u8(rec, K_REPLY_ICMP_TYPE, &v)) ||
	    get_u8(rec, type_key, &v))
		put(l, "TYPE=%u ", v);
	if ((reply && get_u8(rec, K_REPLY_ICMP_CODE, &v)) ||
	    get_u8(rec, code_key, &v))
		put(l, "CODE=%u ", v);
}

static void ulogd_dir(struct line *l, const struct nfp_rec *rec,
		      const struct dir_keys *k, bool reply)
{
	char a[INET6_ADDRSTRLEN];
	const char *s;
	uint64_t n;
	uint8_t proto;

	s = addr_text(rec, k->saddr_str, k->saddr, a, sizeof(a));
	if (s)
		put(l, "SRC=%s ", s);
	s = addr_text(rec, k->daddr_str, k->daddr, a, sizeof(a));
	if (s)
		put(l, "DST=%s ", s);
	if (!get_u8(rec, k->proto, &proto))
		goto counters;
	switch (proto) {
	case IPPROTO_TCP:
		put(l, "PROTO=TCP ");
		ulogd_ports(l, rec, k);
		break;
	case IPPROTO_UDP:
		put(l, "PROTO=UDP ");
		ulogd_ports(l, rec, k);
		break;
	case IPPROTO_ICMP:
		put(l, "PROTO=ICMP ");
		ulogd_icmp(l, rec, reply, K_ICMP_TYPE, K_ICMP_CODE);
		break;
	case IPPROTO_ESP:
		put(l, "PROTO=ESP ");
		break;
	case IPPROTO_AH:
		put(l, "PROTO=AH ");
		break;
	case IPPROTO_ICMPV6:
		/* ulogd2 stops at PROTO=58; the type and code are added. */
		put(l, "PROTO=%u ", proto);
		ulogd_icmp(l, rec, reply, K_ICMPV6_TYPE, K_ICMPV6_CODE);
		break;
	default:
		put(l, "PROTO=%u ", proto);
		break;
	}
counters:
	if (get_u64(rec, k->pkts, &n))
		put(l, "PKTS=%" PRIu64 " ", n);
	if (get_u64(rec, k->bytes, &n))
		put(l, "BYTES=%" PRIu64 " ", n);
}

static void format_ulogd(struct line *l, const struct nfp_rec *rec)
{
	uint32_t ev;

	if (get_u32(rec, K_CT_EVENT, &ev)) {
		/* libnetfilter_conntrack's NFCT_T_NEW/UPDATE/DESTROY. */
		if (ev == 1)
			put(l, "[NEW] ");
		else if (ev == 2)
			put(l, "[UPDATE] ");
		else if (ev == 4)
			put(l, "[DESTROY] ");
	}
	put(l, "ORIG: ");
	ulogd_dir(l, rec, &orig_keys, false);
	put(l, ", REPLY: ");
	ulogd_dir(l, rec, &reply_keys, true);
}

/* ---- conntrackd ---------------------------------------------------------- */

/* libnetfilter_conntrack's protocol names; "unknown" for the rest. */
static const char *proto_name(uint8_t p)
{
	switch (p) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_UDPLITE:
		return "udplite";
	case IPPROTO_ICMP:
		return "icmp";
	case IPPROTO_ICMPV6:
		return "icmpv6";
	case IPPROTO_SCTP:
		return "sctp";
	case IPPROTO_GRE:
		return "gre";
	case IPPROTO_DCCP:
		return "dccp";
	default:
		return "unknown";
	}
}

static bool port_proto(uint8_t p)
{
	return p == IPPROTO_TCP || p == IPPROTO_UDP || p == IPPROTO_UDPLITE ||
	       p == IPPROTO_SCTP || p == IPPROTO_DCCP;
}

/* The reply type conntrack derives from a request (its invert map). */
static uint8_t icmp_reply_type(uint8_t proto, uint8_t type)
{
	static const uint8_t v4[][2] = {
		{ 8, 0 },   { 0, 8 },	{ 13, 14 }, { 14, 13 },
		{ 15, 16 }, { 16, 15 }, { 17, 18 }, { 18, 17 },
	};
	static const uint8_t v6[][2] = {
		{ 128, 129 },
		{ 129, 128 },
		{ 139, 140 },
		{ 140, 139 },
	};
	size_t i;

	if (proto == IPPROTO_ICMP) {
		for (i = 0; i < sizeof(v4) / sizeof(v4[0]); i++)
			if (v4[i][0] == type)
				return v4[i][1];
	} else {
		for (i = 0; i < sizeof(v6) / sizeof(v6[0]); i++)
			if (v6[i][0] == type)
				return v6[i][1];
	}
	return type;
}

static void ctd_l4(struct line *l, const struct nfp_rec *rec,
		   const struct dir_keys *k, uint8_t proto, bool reply)
{
	uint16_t sp, dp, id = 0;
	uint8_t type, code;
	bool ok;

	if (port_proto(proto)) {
		if (get_u16(rec, k->sport, &sp) && get_u16(rec, k->dport, &dp))
			put(l, "sport=%u dport=%u ", sp, dp);
		return;
	}
	if (proto == IPPROTO_GRE) {
		if (get_u16(rec, k->gre_skey, &sp) &&
		    get_u16(rec, k->gre_dkey, &dp))
			put(l, "srckey=0x%x dstkey=0x%x ", sp, dp);
		return;
	}
	if (proto != IPPROTO_ICMP && proto != IPPROTO_ICMPV6)
		return;
	ok = proto == IPPROTO_ICMP ? get_u8(rec, K_ICMP_TYPE, &type) &&
					     get_u8(rec, K_ICMP_CODE, &code)
				   : get_u8(rec, K_ICMPV6_TYPE, &type) &&
					     get_u8(rec, K_ICMPV6_CODE, &code);
	if (reply) {
		uint8_t rt, rc;

		if (get_u8(rec, K_REPLY_ICMP_TYPE, &rt) &&
		    get_u8(rec, K_REPLY_ICMP_CODE, &rc)) {
			type = rt;
			code = rc;
			ok = true;
		} else if (ok) {
			type = icmp_reply_type(proto, type);
		}
	}
	get_u16(rec, K_ICMP_ID, &id);
	if (ok)
		put(l, "type=%d code=%d id=%d ", type, code, id);
}

/* A directional zone, after its tuple, as zone-orig= or zone-reply=. */
static void ctd_zone(struct line *l, const struct nfp_rec *rec,
		     const struct dir_keys *k)
{
	uint16_t zone;

	if (get_u16(rec, k->zone, &zone))
		put(l, "zone-%s=%u ", k->zone_tag, zone);
}

/* A string key as "tag=value ", when it is there. */
static void ctd_str(struct line *l, const struct nfp_rec *rec, unsigned int key,
		    const char *tag)
{
	const struct nfp_value *v = nfp_get(rec, key);

	if (v)
		put(l, "%s%s ", tag, v->str.ptr);
}

static void ctd_addrs(struct line *l, const struct nfp_rec *rec,
		      const struct dir_keys *k)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	const char *s = addr_text(rec, k->saddr_str, k->saddr, a, sizeof(a));
	const char *d = addr_text(rec, k->daddr_str, k->daddr, b, sizeof(b));

	if (s && d)
		put(l, "src=%s dst=%s ", s, d);
}

/*
 * Counters as conntrack prints them, only when the kernel counted: NFCT
 * sets the keys to 0 without accounting, and a tracked flow has at least
 * the packet that created it.
 */
static bool ctd_counted(const struct nfp_rec *rec)
{
	uint64_t a = 0, b = 0;

	get_u64(rec, K_ORIG_PKTS, &a);
	get_u64(rec, K_ORIG_BYTES, &b);
	return a || b;
}

static void ctd_counters(struct line *l, const struct nfp_rec *rec,
			 const struct dir_keys *k)
{
	uint64_t pkts, bytes;

	if (get_u64(rec, k->pkts, &pkts) && get_u64(rec, k->bytes, &bytes))
		put(l, "packets=%" PRIu64 " bytes=%" PRIu64 " ", pkts, bytes);
}

static void format_conntrackd(struct line *l, const struct nfp_rec *rec)
{
	uint32_t status = 0, v32, start, end;
	bool has_status, counted = ctd_counted(rec);
	const struct nfp_value *ts;
	char tbuf[32];
	time_t t;
	struct tm tm;
	uint16_t zone;
	uint8_t proto = 0;

	/* conntrackd stamps the line when the DESTROY reaches it. */
	if (get_u32(rec, K_END_SEC, &v32) || get_u32(rec, K_START_SEC, &v32))
		t = (time_t)v32;
	else
		t = time(NULL);
	if (localtime_r(&t, &tm) &&
	    strftime(tbuf, sizeof(tbuf), "%a %b %e %H:%M:%S %Y", &tm))
		put(l, "%s\t", tbuf);

	get_u8(rec, K_ORIG_PROTO, &proto);
	put(l, "%-8s %u ", proto_name(proto), proto);
	if (get_u32(rec, K_CT_TIMEOUT, &v32))
		put(l, "%u ", v32);
	ts = nfp_get(rec, K_CT_TCP_STATE);
	if (ts)
		put(l, "%s ", ts->str.ptr);
	ctd_str(l, rec, K_CT_SCTP_STATE, "");
	ctd_str(l, rec, K_CT_DCCP_STATE, "");
	ctd_addrs(l, rec, &orig_keys);
	ctd_l4(l, rec, &orig_keys, proto, false);
	ctd_zone(l, rec, &orig_keys);
	if (counted)
		ctd_counters(l, rec, &orig_keys);
	has_status = get_u32(rec, K_CT_STATUS, &status);
	if (has_status && !(status & PF_IPS_SEEN_REPLY))
		put(l, "[UNREPLIED] ");
	ctd_addrs(l, rec, &reply_keys);
	ctd_l4(l, rec, &reply_keys, proto, true);
	ctd_zone(l, rec, &reply_keys);
	if (counted)
		ctd_counters(l, rec, &reply_keys);
	if (has_status) {
		if (status & PF_IPS_HW_OFFLOAD)
			put(l, "[HW_OFFLOAD] ");
		else if (status & PF_IPS_OFFLOAD)
			put(l, "[OFFLOAD] ");
		else if (status & PF_IPS_ASSURED)
			put(l, "[ASSURED] ");
	}
	/* The kernel sends neither a zero mark nor the default zone. */
	if (get_u32(rec, K_CT_MARK, &v32) && v32)
		put(l, "mark=%u ", v32);
	ctd_str(l, rec, K_CT_SECCTX, "secctx=");
	if (get_u16(rec, K_CT_ZONE, &zone) && zone)
		put(l, "zone=%u ", zone);
	if (get_u32(rec, K_START_SEC, &start) && get_u32(rec, K_END_SEC, &end))
		put(l, "delta-time=%llu ",
		    (unsigned long long)(end >= start ? end - start : 0));
	if (get_u32(rec, K_CT_USE, &v32))
		put(l, "use=%u ", v32);
	/* Unlike conntrack, labels without a name show as bit numbers. */
	ctd_str(l, rec, K_CT_LABELS, "labels=");
	/* libnetfilter_conntrack drops the last blank. */
	if (l->len && l->buf[l->len - 1] == ' ')
		l->buf[--l->len] = '\0';
}

/* ---- the plugin ---------------------------------------------------------- */

static enum nfp_ret printflow_process(struct nfp_inst *inst,
				      struct nfp_rec *rec)
{
	struct printflow_priv *p = inst->priv;
	struct line l = { .buf = nfp_rec_alloc(rec, PF_LINE_MAX) };

	if (!l.buf)
		return NFP_ERROR;
	l.buf[0] = '\0';
	if (p->format == PF_CONNTRACKD)
		format_conntrackd(&l, rec);
	else
		format_ulogd(&l, rec);
	nfp_set_str(rec, K_PRINT, l.buf, (uint32_t)l.len);
	return NFP_OK;
}

NFP_PLUGIN(filter, printflow) = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_FILTER,
	.name = "PRINTFLOW",
	.summary =
		"conntrack flows as text: ulogd2's layout or conntrackd's stats log",
	.options = printflow_options,
	.in_keys = printflow_in,
	.out_keys = printflow_out,
	.priv_size = sizeof(struct printflow_priv),
	.process = printflow_process,
};
