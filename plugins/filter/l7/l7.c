// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * filter/l7 - L7: application protocol labels from nDPI and .pat patterns
 *
 * On packet records (raw.pkt from NFLOG or PCAP, usually after BASE) it
 * keeps a bidirectional flow table (l7_flow.c), feeds nDPI (through
 * l7_ndpi.c only) and the l7-filter patterns the first packets of each
 * flow, and sets l7.proto, l7.app, l7.category, l7.host, l7.risk,
 * l7.guessed and l7.pattern once the flow's label is known. It is an
 * emitting filter: each finished flow (FIN both ways, RST, idle, eviction,
 * stop) becomes a record with NFCT's flow keys (orig.*, reply.*, flow.*,
 * ct.id, oob.family ...), the first packet's oob.prefix, the l7.* keys and
 * l7.end, for the stacks that start with this instance's name. Named in an
 * NFCT stack too, it sets l7.* on NFCT's records from the same table: by
 * conntrack id when the packets carried one (NFLOG conntrack=1), else by
 * the 5-tuple (orig, then reply for DNAT), refused when both sides carry a
 * conntrack id and the ids differ. Every input key is optional; which ones
 * are set decides what a record is. The flow keys of its own records are
 * NFP_KEYF_EMITTED, so outputs after it in NFLOG and NFCT stacks read the
 * packet's or NFCT's own; only oob.prefix, which L7 also sets on NFCT
 * records, is passed through on the records it labels. Malformed and non-IP
 * packets are counted and passed on unlabelled. Main thread only; one timer
 * ends idle flows.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nfpipe/plugin.h>

#include "l7_flow.h"
#include "l7_ndpi.h"
#include "l7_pat.h"

/* Keys L7 reads and, for its flow records, also produces: same indexes. */
enum l7_pass {
	K_OOB_PREFIX,
	K_OOB_FAMILY,
	K_OOB_PROTOCOL,
	K_ORIG_SADDR,
	K_ORIG_DADDR,
	K_ORIG_PROTO,
	K_ORIG_SPORT,
	K_ORIG_DPORT,
	K_ORIG_BYTES,
	K_ORIG_PKTS,
	K_REPLY_SADDR,
	K_REPLY_DADDR,
	K_REPLY_PROTO,
	K_REPLY_SPORT,
	K_REPLY_DPORT,
	K_REPLY_BYTES,
	K_REPLY_PKTS,
	K_ICMP_TYPE,
	K_ICMP_CODE,
	K_CT_MARK,
	K_CT_ID,
	K_CT_EVENT,
	K_START_SEC,
	K_START_USEC,
	K_END_SEC,
	K_END_USEC,
	K_TIME_SEC,
	K_TIME_USEC,
	K__PASS
};

enum l7_in {
	I_RAW_PKT = K__PASS,
	I_RAW_PKTLEN,
};

enum l7_out {
	O_PROTO = K__PASS,
	O_APP,
	O_CATEGORY,
	O_HOST,
	O_RISK,
	O_GUESSED,
	O_PATTERN,
	O_END,
};

#define OPT NFP_KEYF_OPTIONAL
#define PASS_KEYS(fp, f)                                                       \
	[K_OOB_PREFIX] = { "oob.prefix", NFP_T_STRING, fp,                     \
			   "log prefix (of the flow's first packet)" },        \
	[K_OOB_FAMILY] = { "oob.family", NFP_T_U8, f, "2 IPv4, 10 IPv6" },     \
	[K_OOB_PROTOCOL] = { "oob.protocol", NFP_T_U16, f,                     \
			     "flows: ethertype, 0x0800 or 0x86dd" },           \
	[K_ORIG_SADDR] = { "orig.ip.saddr", NFP_T_ADDR, f,                     \
			   "flows: the opener's address" },                    \
	[K_ORIG_DADDR] = { "orig.ip.daddr", NFP_T_ADDR, f,                     \
			   "flows: the address it opened to" },                \
	[K_ORIG_PROTO] = { "orig.ip.protocol", NFP_T_U8, f,                    \
			   "flows: IP protocol" },                             \
	[K_ORIG_SPORT] = { "orig.l4.sport", NFP_T_U16, f,                      \
			   "flows: the opener's port" },                       \
	[K_ORIG_DPORT] = { "orig.l4.dport", NFP_T_U16, f,                      \
			   "flows: the port it opened to" },                   \
	[K_ORIG_BYTES] = { "orig.raw.pktlen", NFP_T_U64, f,                    \
			   "flows: IP bytes from the opener (logged ones)" },  \
	[K_ORIG_PKTS] = { "orig.raw.pktcount", NFP_T_U64, f,                   \
			  "flows: packets from the opener (logged ones)" },    \
	[K_REPLY_SADDR] = { "reply.ip.saddr", NFP_T_ADDR, f,                   \
			    "flows: the replier's address" },                  \
	[K_REPLY_DADDR] = { "reply.ip.daddr", NFP_T_ADDR, f,                   \
			    "flows: the opener's address" },                   \
	[K_REPLY_PROTO] = { "reply.ip.protocol", NFP_T_U8, f,                  \
			    "flows: IP protocol" },                            \
	[K_REPLY_SPORT] = { "reply.l4.sport", NFP_T_U16, f,                    \
			    "flows: the replier's port" },                     \
	[K_REPLY_DPORT] = { "reply.l4.dport", NFP_T_U16, f,                    \
			    "flows: the opener's port" },                      \
	[K_REPLY_BYTES] = { "reply.raw.pktlen", NFP_T_U64, f,                  \
			    "flows: IP bytes of the replies (logged ones)" },  \
	[K_REPLY_PKTS] = { "reply.raw.pktcount", NFP_T_U64, f,                 \
			   "flows: packets of the replies (logged ones)" },    \
	[K_ICMP_TYPE] = { "icmp.type", NFP_T_U8, f,                            \
			  "flows: ICMP type of the first packet" },            \
	[K_ICMP_CODE] = { "icmp.code", NFP_T_U8, f,                            \
			  "flows: ICMP code of the first packet" },            \
	[K_CT_MARK] = { "ct.mark", NFP_T_U32, f,                               \
			"passed on; not set on flows" },                       \
	[K_CT_ID] = { "ct.id", NFP_T_U32, f,                                   \
		      "conntrack id (NFLOG conntrack=1)" },                    \
	[K_CT_EVENT] = { "ct.event", NFP_T_U32, f,                             \
			 "flows: 4, as a conntrack DESTROY" },                 \
	[K_START_SEC] = { "flow.start.sec", NFP_T_U32, f,                      \
			  "flows: first packet, seconds" },                    \
	[K_START_USEC] = { "flow.start.usec", NFP_T_U32, f,                    \
			   "flows: and microseconds" },                        \
	[K_END_SEC] = { "flow.end.sec", NFP_T_U32, f,                          \
			"flows: last packet, seconds" },                       \
	[K_END_USEC] = { "flow.end.usec", NFP_T_U32, f,                        \
			 "flows: and microseconds" },                          \
	[K_TIME_SEC] = { "oob.time.sec", NFP_T_U32, f,                         \
			 "packet time, else the clock; flows: their end" },    \
	[K_TIME_USEC] = { "oob.time.usec", NFP_T_U32, f, "and microseconds" }

static const struct nfp_key l7_in_keys[] = {
	PASS_KEYS(OPT, OPT),
	[I_RAW_PKT] = { "raw.pkt", NFP_T_RAW, OPT,
			"the packet from its network header" },
	[I_RAW_PKTLEN] = { "raw.pktlen", NFP_T_U32, OPT,
			   "bytes of raw.pkt to read" },
	{ 0 }
};

static const struct nfp_key l7_out_keys[] = {
	PASS_KEYS(0, NFP_KEYF_EMITTED),
	[O_PROTO] = { "l7.proto", NFP_T_STRING, 0,
		      "nDPI's master protocol: TLS, HTTP, DNS, Unknown" },
	[O_APP] = { "l7.app", NFP_T_STRING, 0,
		    "the application beside it: Google for TLS.Google" },
	[O_CATEGORY] = { "l7.category", NFP_T_STRING, 0,
			 "nDPI's category: Web, Network, Download ..." },
	[O_HOST] = { "l7.host", NFP_T_STRING, 0,
		     "HTTP Host, TLS SNI, DNS query name" },
	[O_RISK] = { "l7.risk", NFP_T_STRING, 0,
		     "nDPI's flow risks, comma separated" },
	[O_GUESSED] = { "l7.guessed", NFP_T_BOOL, 0,
			"the label is nDPI's guess by port, not content" },
	[O_PATTERN] = { "l7.pattern", NFP_T_STRING, 0,
			"name of the first .pat pattern that matched" },
	[O_END] = { "l7.end", NFP_T_STRING, NFP_KEYF_EMITTED,
		    "flows: fin, rst, idle, evicted or stop" },
	{ 0 }
};
#undef PASS_KEYS

enum l7_pctr {
	C_CT_LABELLED = L7C__COUNT, /* NFCT records labelled */
	C_CT_UNKNOWN,		    /* NFCT records of no flow in the table */
	C_PREFIXES_FULL,	    /* flows whose prefix did not fit */
};

static const char *const l7_counters[] = {
	[L7C_FLOWS] = "flows",
	[L7C_DETECTED] = "detected",
	[L7C_GUESSED] = "guessed",
	[L7C_UNDETECTED] = "undetected",
	[L7C_EVICTED] = "evicted",
	[L7C_PATTERN_HITS] = "pattern_hits",
	[L7C_MALFORMED] = "malformed",
	[L7C_NOT_IP] = "not_ip",
	[C_CT_LABELLED] = "ct_labelled",
	[C_CT_UNKNOWN] = "ct_unknown",
	[C_PREFIXES_FULL] = "prefixes_full",
	NULL,
};

#define L7_PREFIXES 1024 /* distinct log prefixes remembered */

struct l7_priv {
	uint64_t max_flows;	   /* option max_flows */
	uint64_t max_packets;	   /* option max_packets */
	uint64_t idle;		   /* option idle_timeout, ms */
	uint64_t linger;	   /* option linger, ms */
	char *patterns;		   /* option patterns (the core's) */
	uint64_t pat_bytes;	   /* option pattern_bytes */
	struct l7p_set *pats;	   /* from configure; freed by release */
	struct l7n *ndpi;	   /* from start */
	struct l7_ctx *ctx;	   /* from start */
	struct nfp_timer *timer;   /* idle expiry */
	struct nfp_inst *inst;	   /* back pointer for the emit callback */
	uint64_t last_ts_us;	   /* newest packet time seen */
	uint64_t last_mono_ms;	   /* nfp_now_ms() when it was seen */
	char *prefix[L7_PREFIXES]; /* interned prefixes; id = index + 1 */
	uint32_t nprefix;	   /* entries used in prefix */
	uint16_t last_prefix;	   /* id found last, 0: none */
};

static const struct nfp_option l7_options[] = {
	{ .name = "max_flows",
	  .type = NFP_OPT_UINT,
	  .def = "65536",
	  .min = 16,
	  .max = 16777216,
	  .off = offsetof(struct l7_priv, max_flows),
	  .help = "Flows kept at once; the least recently used is evicted (and emitted) when full." },
	{ .name = "max_packets",
	  .type = NFP_OPT_UINT,
	  .def = "24",
	  .min = 1,
	  .max = 255,
	  .off = offsetof(struct l7_priv, max_packets),
	  .help = "Packets of a flow given to nDPI and the patterns before nDPI's guess is taken." },
	{ .name = "idle_timeout",
	  .type = NFP_OPT_DURATION,
	  .def = "120",
	  .unit = "s",
	  .min = 1000,
	  .max = 86400000,
	  .off = offsetof(struct l7_priv, idle),
	  .help = "A flow without packets this long ends and is emitted." },
	{ .name = "linger",
	  .type = NFP_OPT_DURATION,
	  .def = "300",
	  .unit = "s",
	  .min = 0,
	  .max = 86400000,
	  .off = offsetof(struct l7_priv, linger),
	  .help = "An ended flow's label is kept this long for NFCT's records of it." },
	{ .name = "patterns",
	  .type = NFP_OPT_STRING,
	  .flags = NFP_OPT_MULTI,
	  .off = offsetof(struct l7_priv, patterns),
	  .help = "l7-filter .pat files or folders of them, comma separated." },
	{ .name = "pattern_bytes",
	  .type = NFP_OPT_UINT,
	  .def = "512",
	  .min = 16,
	  .max = 8192,
	  .off = offsetof(struct l7_priv, pat_bytes),
	  .help = "First bytes of each direction the patterns are matched on." },
	{ 0 }
};

static const char *const end_names[] = {
	[L7_END_FIN] = "fin",	[L7_END_RST] = "rst",
	[L7_END_IDLE] = "idle", [L7_END_EVICT] = "evicted",
	[L7_END_STOP] = "stop",
};

/* ---- labels on a record ---------------------------------------------- */

static void set_cstr(struct nfp_rec *rec, unsigned int key, const char *s)
{
	nfp_set_str(rec, key, s, (uint32_t)strlen(s));
}

static void set_risk(struct nfp_rec *rec, uint64_t risk)
{
	char buf[1024];
	size_t n = 0;
	unsigned int b;
	char *s;

	for (b = 0; b < 64 && n < sizeof(buf) - 1; b++) {
		int w;

		if (!(risk & (UINT64_C(1) << b)))
			continue;
		w = snprintf(buf + n, sizeof(buf) - n, "%s%s", n ? "," : "",
			     l7n_risk_name(b));
		if (w < 0)
			break;
		n += (size_t)w;
	}
	if (n >= sizeof(buf))
		n = sizeof(buf) - 1;
	s = nfp_rec_alloc(rec, n + 1);
	if (!s)
		return;
	memcpy(s, buf, n);
	s[n] = '\0';
	nfp_set_str(rec, O_RISK, s, (uint32_t)n);
}

static void set_labels(struct l7_priv *p, struct nfp_rec *rec,
		       const struct l7_flow *f)
{
	if (f->labelled) {
		uint16_t m = f->master ? f->master : f->app;

		set_cstr(rec, O_PROTO, l7n_proto_name(p->ndpi, m));
		if (f->master && f->app && f->app != f->master)
			set_cstr(rec, O_APP, l7n_proto_name(p->ndpi, f->app));
		set_cstr(rec, O_CATEGORY,
			 l7n_category_name(p->ndpi, f->category));
		nfp_set_bool(rec, O_GUESSED, f->guessed);
		if (f->risk)
			set_risk(rec, f->risk);
	}
	if (f->host[0])
		set_cstr(rec, O_HOST, f->host);
	if (f->pattern >= 0)
		set_cstr(rec, O_PATTERN,
			 l7p_name(p->pats, (unsigned)f->pattern));
}

/* ---- flow records ----------------------------------------------------- */

static void set_addr(struct nfp_rec *rec, unsigned int key, uint8_t family,
		     const uint8_t *a)
{
	uint32_t in4;

	if (family == 4) {
		memcpy(&in4, a, 4);
		nfp_set_in4(rec, key, in4);
	} else {
		nfp_set_in6(rec, key, a);
	}
}

static void emit_flow(void *arg, const struct l7_flow *f, enum l7_end why)
{
	struct l7_priv *p = arg;
	const uint8_t *oa, *ra;
	uint16_t op, rp;
	struct nfp_rec *rec;

	rec = nfp_rec_new(p->inst);
	if (!rec)
		return;
	oa = l7_flow_addr(f, false, &op);
	ra = l7_flow_addr(f, true, &rp);
	if (f->prefix)
		set_cstr(rec, K_OOB_PREFIX, p->prefix[f->prefix - 1]);
	nfp_set_u8(rec, K_OOB_FAMILY, f->key.family == 4 ? 2 : 10);
	nfp_set_u16(rec, K_OOB_PROTOCOL, f->key.family == 4 ? 0x0800 : 0x86dd);
	set_addr(rec, K_ORIG_SADDR, f->key.family, oa);
	set_addr(rec, K_ORIG_DADDR, f->key.family, ra);
	nfp_set_u8(rec, K_ORIG_PROTO, f->key.proto);
	nfp_set_u16(rec, K_ORIG_SPORT, op);
	nfp_set_u16(rec, K_ORIG_DPORT, rp);
	nfp_set_u64(rec, K_ORIG_BYTES, f->bytes[0]);
	nfp_set_u64(rec, K_ORIG_PKTS, f->pkts[0]);
	set_addr(rec, K_REPLY_SADDR, f->key.family, ra);
	set_addr(rec, K_REPLY_DADDR, f->key.family, oa);
	nfp_set_u8(rec, K_REPLY_PROTO, f->key.proto);
	nfp_set_u16(rec, K_REPLY_SPORT, rp);
	nfp_set_u16(rec, K_REPLY_DPORT, op);
	nfp_set_u64(rec, K_REPLY_BYTES, f->bytes[1]);
	nfp_set_u64(rec, K_REPLY_PKTS, f->pkts[1]);
	if (f->has_icmp) {
		nfp_set_u8(rec, K_ICMP_TYPE, f->icmp_type);
		nfp_set_u8(rec, K_ICMP_CODE, f->icmp_code);
	}
	if (f->has_ct)
		nfp_set_u32(rec, K_CT_ID, f->ct_id);
	nfp_set_u32(rec, K_CT_EVENT, 4); /* as NFCT's DESTROY */
	nfp_set_u32(rec, K_START_SEC, (uint32_t)(f->first_us / 1000000));
	nfp_set_u32(rec, K_START_USEC, (uint32_t)(f->first_us % 1000000));
	nfp_set_u32(rec, K_END_SEC, (uint32_t)(f->last_us / 1000000));
	nfp_set_u32(rec, K_END_USEC, (uint32_t)(f->last_us % 1000000));
	nfp_set_u32(rec, K_TIME_SEC, (uint32_t)(f->last_us / 1000000));
	nfp_set_u32(rec, K_TIME_USEC, (uint32_t)(f->last_us % 1000000));
	set_labels(p, rec, f);
	set_cstr(rec, O_END, end_names[why]);
	nfp_rec_push(p->inst, rec);
}

/* ---- process ---------------------------------------------------------- */

/* The id of @s among the prefixes seen, adding it; 0 when none fits. */
static uint16_t prefix_id(struct nfp_inst *inst, struct l7_priv *p,
			  const struct nfp_value *v)
{
	uint32_t i;

	if (!v)
		return 0;
	if (p->last_prefix &&
	    !strcmp(p->prefix[p->last_prefix - 1], v->str.ptr))
		return p->last_prefix;
	for (i = p->nprefix; i > 0; i--)
		if (!strcmp(p->prefix[i - 1], v->str.ptr))
			return p->last_prefix = (uint16_t)i;
	if (p->nprefix == L7_PREFIXES) {
		inst->ctr[C_PREFIXES_FULL]++;
		return 0;
	}
	p->prefix[p->nprefix] = strdup(v->str.ptr);
	if (!p->prefix[p->nprefix])
		return 0;
	return p->last_prefix = (uint16_t)++p->nprefix;
}

static uint64_t pkt_time(struct l7_priv *p, const struct nfp_rec *rec)
{
	const struct nfp_value *s = nfp_get(rec, K_TIME_SEC);
	const struct nfp_value *u = nfp_get(rec, K_TIME_USEC);
	struct timespec ts;
	uint64_t t;

	if (s) {
		t = (uint64_t)s->u32 * 1000000 + (u ? u->u32 % 1000000 : 0);
	} else {
		clock_gettime(CLOCK_REALTIME, &ts);
		t = (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
	}
	if (t >= p->last_ts_us) {
		p->last_ts_us = t;
		p->last_mono_ms = nfp_now_ms();
	}
	return t;
}

static void label_packet(struct nfp_inst *inst, struct l7_priv *p,
			 struct nfp_rec *rec, const struct nfp_value *pkt)
{
	const struct nfp_value *v;
	struct l7_pkt k = { 0 };
	struct l7_flow *f;
	bool reply;

	k.data = pkt->raw.ptr;
	k.len = pkt->raw.len;
	v = nfp_get(rec, I_RAW_PKTLEN);
	if (v && v->u32 < k.len)
		k.len = v->u32;
	k.ts_us = pkt_time(p, rec);
	v = nfp_get(rec, K_CT_ID);
	if (v) {
		k.has_ct = true;
		k.ct_id = v->u32;
	}
	k.prefix = prefix_id(inst, p, nfp_get(rec, K_OOB_PREFIX));
	f = l7_packet(p->ctx, &k, &reply);
	if (!f)
		return;
	set_labels(p, rec, f);
}

static void label_conntrack(struct nfp_inst *inst, struct l7_priv *p,
			    struct nfp_rec *rec)
{
	const struct nfp_value *sa = nfp_get(rec, K_ORIG_SADDR);
	const struct nfp_value *da = nfp_get(rec, K_ORIG_DADDR);
	const struct nfp_value *pr = nfp_get(rec, K_ORIG_PROTO);
	const struct nfp_value *sp = nfp_get(rec, K_ORIG_SPORT);
	const struct nfp_value *dp = nfp_get(rec, K_ORIG_DPORT);
	const struct nfp_value *id = nfp_get(rec, K_CT_ID);
	struct l7_flow *f = NULL;
	uint8_t fam;

	/* Both sides know the conntrack id: it names the flow, NAT or not. */
	if (id)
		f = l7_lookup_ct(p->ctx, id->u32);
	if (!f && sa && da && pr) {
		fam = sa->addr.family == 10 ? 6 : 4;
		f = l7_lookup(p->ctx, fam, pr->u8, sa->addr.in6, da->addr.in6,
			      sp ? sp->u16 : 0, dp ? dp->u16 : 0);
		if (!f) {
			/* Logged after DNAT: the packets had the reply tuple.
			 */
			sa = nfp_get(rec, K_REPLY_SADDR);
			da = nfp_get(rec, K_REPLY_DADDR);
			sp = nfp_get(rec, K_REPLY_SPORT);
			dp = nfp_get(rec, K_REPLY_DPORT);
			if (sa && da)
				f = l7_lookup(p->ctx, fam, pr->u8, sa->addr.in6,
					      da->addr.in6, sp ? sp->u16 : 0,
					      dp ? dp->u16 : 0);
		}
		/* The same 5-tuple, another connection (an id of its own). */
		if (f && id && f->has_ct && f->ct_id != id->u32)
			f = NULL;
	}
	if (!f) {
		inst->ctr[C_CT_UNKNOWN]++;
		return;
	}
	inst->ctr[C_CT_LABELLED]++;
	/* The firewall's verdict on the conntrack row: the rule's prefix. */
	if (f->prefix && !nfp_get(rec, K_OOB_PREFIX))
		set_cstr(rec, K_OOB_PREFIX, p->prefix[f->prefix - 1]);
	set_labels(p, rec, f);
}

static enum nfp_ret l7_process(struct nfp_inst *inst, struct nfp_rec *rec)
{
	struct l7_priv *p = inst->priv;
	const struct nfp_value *v;

	/* The rest of the flow keys are emitted only (NFP_KEYF_EMITTED). */
	v = nfp_get(rec, K_OOB_PREFIX);
	if (v)
		*nfp_put(rec, K_OOB_PREFIX) = *v;
	v = nfp_get(rec, I_RAW_PKT);
	if (v)
		label_packet(inst, p, rec, v);
	else if (nfp_get(rec, K_ORIG_SADDR) || nfp_get(rec, K_CT_ID))
		label_conntrack(inst, p, rec);
	return NFP_OK;
}

/* ---- life cycle ------------------------------------------------------- */

static void on_timer(struct nfp_inst *inst, void *arg)
{
	struct l7_priv *p = inst->priv;

	(void)arg;
	if (!p->last_ts_us)
		return;
	/* Packet time runs on with the clock between packets (replays). */
	l7_expire(p->ctx,
		  p->last_ts_us + (nfp_now_ms() - p->last_mono_ms) * 1000);
}

static int l7_configure(struct nfp_inst *inst)
{
	struct l7_priv *p = inst->priv;
	char err[512];

	if (l7p_load(p->patterns, &p->pats, err, sizeof(err)))
		return nfp_inst_error(inst, "patterns",
				      "fix the pattern or remove the file",
				      "%s", err);
	return 0;
}

static int l7_start(struct nfp_inst *inst)
{
	struct l7_priv *p = inst->priv;
	struct l7_conf c = {
		.max_flows = (uint32_t)p->max_flows,
		.max_packets = (uint32_t)p->max_packets,
		.pat_bytes = (uint32_t)p->pat_bytes,
		.idle_us = p->idle * 1000,
		.linger_us = p->linger * 1000,
	};

	p->inst = inst;
	p->ndpi = l7n_new();
	if (!p->ndpi) {
		nfp_err(inst, "nDPI's detection module did not initialise");
		return -ENOMEM;
	}
	p->ctx = l7_ctx_new(&c, p->ndpi, p->pats, emit_flow, p, inst->ctr);
	if (!p->ctx) {
		nfp_err(inst, "no memory for %llu flows",
			(unsigned long long)p->max_flows);
		return -ENOMEM;
	}
	p->timer = nfp_timer_new(inst, on_timer, NULL);
	if (p->timer)
		nfp_timer_arm(p->timer, 1000, 1000);
	nfp_info(inst, "nDPI ready, %llu flows, %u patterns",
		 (unsigned long long)p->max_flows, l7p_count(p->pats));
	return 0;
}

static void l7_stop(struct nfp_inst *inst)
{
	struct l7_priv *p = inst->priv;
	uint32_t i;

	if (p->ctx)
		l7_ctx_flush(p->ctx);
	if (p->timer) {
		nfp_timer_free(p->timer);
		p->timer = NULL;
	}
	l7_ctx_free(p->ctx);
	p->ctx = NULL;
	l7n_free(p->ndpi);
	p->ndpi = NULL;
	for (i = 0; i < p->nprefix; i++) {
		free(p->prefix[i]);
		p->prefix[i] = NULL;
	}
	p->nprefix = 0;
	p->last_prefix = 0;
}

static void l7_release(struct nfp_inst *inst)
{
	struct l7_priv *p = inst->priv;

	l7p_free(p->pats);
	p->pats = NULL;
}

NFP_PLUGIN(filter, l7) = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_FILTER,
	.name = "L7",
	.summary =
		"label packets and flows with their application protocol (nDPI, l7-filter patterns)",
	.flags = NFP_PF_EMITS,
	.options = l7_options,
	.in_keys = l7_in_keys,
	.out_keys = l7_out_keys,
	.counters = l7_counters,
	.priv_size = sizeof(struct l7_priv),
	.configure = l7_configure,
	.start = l7_start,
	.process = l7_process,
	.stop = l7_stop,
	.release = l7_release,
};
