/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_nfacct - NFACCT's message step, keys and options
 *
 * The objects are decoded by libnetfilter_acct; the oracle is what the
 * kernel's own tool printed when the messages were recorded.
 * tests/data/nfct/nfacct-list.bin is the kernel's answer to a
 * NFNL_MSG_ACCT_GET dump, recorded in a gateway namespace where iptables
 * rules `-m nfacct --nfacct-name web-in` (TCP port 80) and `ping-all`
 * (ICMP) had counted one HTTP exchange and three pings; `nfacct list`
 * printed at that moment:
 *   { pkts = 5, bytes = 268 } = web-in;
 *   { pkts = 6, bytes = 504 } = ping-all;
 * tests/data/nfacct/quota-list.bin (see the README there) holds quota
 * objects, one of them over its quota; many-first.bin is the first
 * datagram of a dump of 1000 objects. Hand-built messages cover 64-bit
 * counters, names without a NUL, objects reused from one message to the
 * next, and the malformed input that libnetfilter_acct 1.0.3 would crash
 * or overread on. No root needed.
 */
#include "nfp.h"

#include <arpa/inet.h>
#include <endian.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_acct.h>

#include "harness.h"
#include "nfacct_parse.h"
#include "tap.h"

extern const struct nfp_plugin nfp_input_nfacct;

/* What the callback saw of one object: the struct nfacct is reused. */
struct got {
	char name[NFACCT_NAME_MAX]; /* NFACCT_ATTR_NAME */
	uint64_t pkts;		    /* NFACCT_ATTR_PKTS */
	uint64_t bytes;		    /* NFACCT_ATTR_BYTES */
	bool has_quota;		    /* NFACCT_ATTR_FLAGS and _QUOTA set */
	uint32_t flags;		    /* NFACCT_ATTR_FLAGS */
	uint64_t quota;		    /* NFACCT_ATTR_QUOTA */
	struct nfacct_info info;    /* what the library does not decode */
};

struct objs {
	struct got o[64];		      /* objects found */
	unsigned int n;			      /* how many */
	unsigned int done;		      /* NLMSG_DONE seen */
	unsigned int bad;		      /* malformed or truncated */
	const char *why;		      /* last reason */
	unsigned int ev[NFACCT_DG_OTHER + 1]; /* events by kind */
	int err;			      /* last NFACCT_DG_ERROR */
};

static struct nfacct *reused; /* one object for every parse, as the daemon */

static void col_obj(void *arg, struct nfacct *a, const struct nfacct_info *info,
		    uint32_t seq)
{
	struct objs *c = arg;
	const uint32_t *flags = nfacct_attr_get(a, NFACCT_ATTR_FLAGS);
	struct got *g;

	if (c->n < 64) {
		g = &c->o[c->n];
		memset(g, 0, sizeof(*g));
		snprintf(g->name, sizeof(g->name), "%s",
			 nfacct_attr_get_str(a, NFACCT_ATTR_NAME));
		g->pkts = nfacct_attr_get_u64(a, NFACCT_ATTR_PKTS);
		g->bytes = nfacct_attr_get_u64(a, NFACCT_ATTR_BYTES);
		g->has_quota = flags && nfacct_attr_get(a, NFACCT_ATTR_QUOTA);
		g->flags = flags ? *flags : 0;
		g->quota = nfacct_attr_get_u64(a, NFACCT_ATTR_QUOTA);
		g->info = *info;
	}
	c->n++;
}

static void col_event(void *arg, enum nfacct_event ev, uint32_t seq, int err,
		      const char *why)
{
	struct objs *c = arg;

	c->ev[ev]++;
	if (ev == NFACCT_DG_ERROR)
		c->err = err;
	if (ev == NFACCT_DG_DONE)
		c->done++;
	if (ev == NFACCT_DG_MALFORMED || ev == NFACCT_DG_TRUNCATED)
		c->bad++;
	if (why)
		c->why = why;
}

static const struct nfacct_dgram_ops ops = { col_obj, col_event };

/* Read a recorded datagram into @buf; its length. */
static size_t slurp(const char *rel, uint8_t *buf, size_t size)
{
	const char *top = getenv("top_srcdir");
	char path[4096];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", top ? top : ".", rel);
	f = fopen(path, "rb");
	if (!f)
		bail_out("cannot open %s", path);
	n = fread(buf, 1, size, f);
	fclose(f);
	return n;
}

static void test_recorded(void)
{
	static uint8_t buf[65536];
	static struct objs c;
	size_t n;

	n = slurp("tests/data/nfct/nfacct-list.bin", buf, sizeof(buf));
	nfacct_dgram(buf, n, reused, &ops, &c);
	is_int(c.n, 2, "recorded dump: two objects");
	is_str(c.o[0].name, "web-in", "first is web-in");
	is_int(c.o[0].pkts, 5, "web-in: 5 packets as nfacct list said");
	is_int(c.o[0].bytes, 268, "web-in: 268 bytes");
	is_str(c.o[1].name, "ping-all", "second is ping-all");
	is_int(c.o[1].pkts, 6, "ping-all: 6 packets");
	is_int(c.o[1].bytes, 504, "ping-all: 504 bytes");
	ok(c.o[0].info.has_use, "use count present");
	is_int(c.bad, 0, "nothing malformed");
}

/* An object message as the kernel builds it. */
static size_t build(char *buf, const char *name, size_t name_len, uint64_t pkts,
		    uint64_t bytes, bool with_bytes)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

	nlh->nlmsg_type = (NFNL_SUBSYS_ACCT << 8) | NFNL_MSG_ACCT_NEW;
	nlh->nlmsg_flags = NLM_F_MULTI;
	g->nfgen_family = AF_UNSPEC;
	mnl_attr_put(nlh, NFACCT_NAME, name_len, name);
	mnl_attr_put_u64(nlh, NFACCT_PKTS, htobe64(pkts));
	if (with_bytes)
		mnl_attr_put_u64(nlh, NFACCT_BYTES, htobe64(bytes));
	mnl_attr_put_u32(nlh, NFACCT_USE, htonl(1));
	return nlh->nlmsg_len;
}

static void test_built(void)
{
	char buf[1024], name[40];
	struct objs c = { 0 };
	struct nlattr *a;
	size_t n;

	/* 2^32 + 0x23456789 bytes: a 32-bit path would show 0x23456789. */
	n = build(buf, "big", 4, 4294967297ull, 0x123456789ull, true);
	nfacct_dgram(buf, n, reused, &ops, &c);
	is_int(c.n, 1, "built: one object");
	is_int(c.o[0].pkts, 4294967297ll, "64-bit packets kept whole");
	is_int(c.o[0].bytes, 4886718345ll, "64-bit bytes kept whole");

	/* 40 name bytes, no NUL: cut to the kernel's 31, never overread. */
	memset(name, 'n', sizeof(name));
	memset(&c, 0, sizeof(c));
	n = build(buf, name, sizeof(name), 1, 2, true);
	nfacct_dgram(buf, n, reused, &ops, &c);
	is_int((int64_t)strlen(c.o[0].name), 31, "long name cut to 31");

	memset(&c, 0, sizeof(c));
	n = build(buf, "x", 2, 1, 2, false);
	nfacct_dgram(buf, n, reused, &ops, &c);
	ok(c.n == 0 && c.bad == 1, "object without bytes: malformed");
	like(c.why ? c.why : "", "counters", "... saying so");

	/* NFACCT_PKTS with a 4-byte payload. */
	memset(&c, 0, sizeof(c));
	n = build(buf, "x", 2, 1, 2, true);
	a = (struct nlattr *)(buf + NLMSG_HDRLEN + 4 + MNL_ALIGN(4 + 2));
	a->nla_len = 8;
	nfacct_dgram(buf, n, reused, &ops, &c);
	ok(c.n == 0 && c.bad == 1, "short NFACCT_PKTS: malformed");

	memset(&c, 0, sizeof(c));
	n = build(buf, "x", 2, 1, 2, true);
	nfacct_dgram(buf, n - 3, reused, &ops, &c);
	ok(c.n == 0 && c.bad == 1, "cut message: truncated, nothing read");
}

/*
 * Quota objects, recorded: `nfacct add qpkt packet 3`, `nfacct add qbyte
 * byte 1000000`, `plain` and `idle` without a quota, three of them counting
 * five pings on lo; `nfacct list` printed then (zeros cut, lines broken):
 *   { pkts = 10, bytes = 840 } = plain;
 *   { pkts = 10, bytes = 840, quota = 3, mode = packet,
 *     overquota = yes } = qpkt;
 *   { pkts = 10, bytes = 840, quota = 1000000, mode = byte,
 *     overquota = no } = qbyte;
 *   { pkts = 0, bytes = 0 } = idle;
 */
static void test_quota(void)
{
	static uint8_t buf[65536];
	static struct objs c;
	size_t n;

	n = slurp("tests/data/nfacct/quota-list.bin", buf, sizeof(buf));
	nfacct_dgram(buf, n, reused, &ops, &c);
	is_int(c.n, 4, "quota dump: four objects");
	is_int(c.bad, 0, "... nothing malformed");
	is_str(c.o[0].name, "plain", "plain first");
	ok(!c.o[0].has_quota, "plain: no quota");
	is_str(c.o[1].name, "qpkt", "then qpkt");
	ok(c.o[1].has_quota, "qpkt: a quota");
	is_int(c.o[1].quota, 3, "qpkt: quota = 3");
	is_int(c.o[1].flags, NFACCT_F_QUOTA_PKTS | NFACCT_F_OVERQUOTA,
	       "qpkt: mode = packet, overquota = yes");
	is_int(c.o[1].pkts * 10000 + c.o[1].bytes, 100840,
	       "qpkt: 10 packets, 840 bytes");
	is_str(c.o[2].name, "qbyte", "then qbyte");
	is_int(c.o[2].quota, 1000000, "qbyte: quota = 1000000");
	is_int(c.o[2].flags, NFACCT_F_QUOTA_BYTES,
	       "qbyte: mode = byte, overquota = no");
	/* The reused object must not carry qbyte's quota over. */
	is_str(c.o[3].name, "idle", "idle last");
	ok(!c.o[3].has_quota, "idle: no quota left over from qbyte");
	is_int(c.o[3].pkts + c.o[3].bytes, 0, "idle: nothing counted");
	/* One reference from the object itself, one from its rule. */
	is_int(c.o[3].info.use, 1, "idle: use = 1 (no rule)");
	is_int(c.o[1].info.use, 2, "qpkt: use = 2 (one rule)");
}

/*
 * The first datagram of the dump of 1000 objects that `nfacct restore`
 * made from lines `{ pkts = 3i, bytes = 250i } = obj<i>;`.
 */
static void test_many(void)
{
	static uint8_t buf[65536];
	static struct objs c;
	unsigned int i, wrong = 0;
	char want[32];
	size_t n;

	n = slurp("tests/data/nfacct/many-first.bin", buf, sizeof(buf));
	nfacct_dgram(buf, n, reused, &ops, &c);
	is_int(c.n, 59, "first datagram of 1000: 59 objects");
	for (i = 0; i < 59 && i < c.n; i++) {
		snprintf(want, sizeof(want), "obj%u", i + 1);
		if (strcmp(c.o[i].name, want) || c.o[i].pkts != 3 * (i + 1) ||
		    c.o[i].bytes != 250 * (i + 1) || c.o[i].has_quota)
			wrong++;
	}
	is_int(wrong, 0, "each as restored: obj<i>, 3i packets, 250i bytes");
	is_int(c.done + c.bad, 0, "no DONE yet, nothing malformed");
}

/* A quota object then a plain one, in one datagram and in two. */
static void test_reuse(void)
{
	char buf[1024];
	struct nlmsghdr *nlh;
	struct objs c = { 0 };
	size_t n;

	n = build(buf, "q", 2, 7, 700, true);
	nlh = (struct nlmsghdr *)buf;
	mnl_attr_put_u32(nlh, NFACCT_FLAGS, htonl(NFACCT_F_QUOTA_BYTES));
	mnl_attr_put_u64(nlh, NFACCT_QUOTA, htobe64(500));
	n = nlh->nlmsg_len;
	n += build(buf + n, "p", 2, 1, 2, true);
	nfacct_dgram(buf, n, reused, &ops, &c);
	is_int(c.n, 2, "quota object, plain object");
	ok(c.o[0].has_quota && c.o[0].quota == 500, "first has its quota");
	ok(!c.o[1].has_quota, "second has none: nothing leaks");
	memset(&c, 0, sizeof(c));
	nfacct_dgram(buf, nlh->nlmsg_len, reused, &ops, &c);
	nfacct_dgram(buf + nlh->nlmsg_len, n - nlh->nlmsg_len, reused, &ops,
		     &c);
	ok(c.n == 2 && !c.o[1].has_quota,
	   "... nor from one datagram to the next");
}

/* Append a bare netlink message of @type with @extra bytes of payload. */
static size_t put_msg(char *buf, uint16_t type, const void *extra,
		      size_t extra_len)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_seq = 9;
	if (extra_len)
		memcpy(mnl_nlmsg_put_extra_header(nlh, extra_len), extra,
		       extra_len);
	return nlh->nlmsg_len;
}

/* What else a dump's answer may hold: errors, acks, DONE, other types. */
static void test_walk(void)
{
	struct nlmsgerr e = { .error = -EPERM };
	struct objs c = { 0 };
	char buf[1024];
	size_t n;

	n = build(buf, "a", 2, 1, 2, true);
	n += put_msg(buf + n, NLMSG_ERROR, &e, sizeof(e));
	e.error = 0;
	n += put_msg(buf + n, NLMSG_ERROR, &e, sizeof(e));
	n += put_msg(buf + n, (NFNL_SUBSYS_ACCT << 8) | NFNL_MSG_ACCT_OVERQUOTA,
		     NULL, 0);
	n += build(buf + n, "b", 2, 3, 4, true);
	n += put_msg(buf + n, NLMSG_DONE, &e.error, sizeof(e.error));
	nfacct_dgram(buf, n, reused, &ops, &c);
	is_int(c.n, 2, "walk: both objects, around the rest");
	is_str(c.o[1].name, "b", "... the second after the others");
	ok(c.ev[NFACCT_DG_ERROR] == 1 && c.err == -EPERM,
	   "NLMSG_ERROR: an error with its errno");
	is_int(c.ev[NFACCT_DG_ACK], 1, "NLMSG_ERROR 0: an ack");
	is_int(c.ev[NFACCT_DG_OTHER], 1, "another message type: other");
	is_int(c.done, 1, "NLMSG_DONE: done");
	is_int(c.bad, 0, "nothing malformed");

	memset(&c, 0, sizeof(c));
	n = put_msg(buf, NLMSG_ERROR, NULL, 0);
	nfacct_dgram(buf, n, reused, &ops, &c);
	is_int(c.ev[NFACCT_DG_MALFORMED], 1, "short NLMSG_ERROR: malformed");
}

/* A message with the given attributes, in an exact-size heap copy. */
static void hostile(const char *what, const void *name, size_t name_len,
		    int pkts_len, int bytes_len, int flags_len, int quota_len,
		    size_t cut)
{
	static const uint8_t zero[16];
	char buf[512];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct objs c = { 0 };
	char *copy;
	size_t n;

	mnl_nlmsg_put_extra_header(nlh, sizeof(struct nfgenmsg));
	nlh->nlmsg_type = (NFNL_SUBSYS_ACCT << 8) | NFNL_MSG_ACCT_NEW;
	if (pkts_len >= 0)
		mnl_attr_put(nlh, NFACCT_PKTS, (size_t)pkts_len, zero);
	if (bytes_len >= 0)
		mnl_attr_put(nlh, NFACCT_BYTES, (size_t)bytes_len, zero);
	if (flags_len >= 0)
		mnl_attr_put(nlh, NFACCT_FLAGS, (size_t)flags_len, zero);
	if (quota_len >= 0)
		mnl_attr_put(nlh, NFACCT_QUOTA, (size_t)quota_len, zero);
	if (name)
		mnl_attr_put(nlh, NFACCT_NAME, name_len, name);
	nlh->nlmsg_len -= (uint32_t)cut;
	n = nlh->nlmsg_len;
	copy = malloc(n);
	if (!copy)
		bail_out("out of memory");
	memcpy(copy, buf, n);
	nfacct_dgram(copy, n, reused, &ops, &c);
	free(copy);
	ok(c.n == 0 && c.bad == 1, "%s: malformed, no crash", what);
}

/*
 * What libnetfilter_acct 1.0.3 dereferences NULL on (a counter or the name
 * missing, a counter of the wrong size), copies past (a short name without
 * NUL) or reads past (short FLAGS or QUOTA, a message not padded to 4
 * bytes). Under ASan each would be a report; here each is refused.
 */
static void test_hostile(void)
{
	hostile("name only", "x", 2, -1, -1, -1, -1, 0);
	hostile("counters only", NULL, 0, 8, 8, -1, -1, 0);
	hostile("no NFACCT_BYTES", "x", 2, 8, -1, -1, -1, 0);
	hostile("9-byte NFACCT_BYTES", "x", 2, 8, 9, -1, -1, 0);
	hostile("empty NFACCT_NAME", "", 0, 8, 8, -1, -1, 0);
	hostile("short name without NUL", "abcd", 4, 8, 8, -1, -1, 0);
	hostile("name of one NUL", "", 1, 8, 8, -1, -1, 0);
	hostile("empty NFACCT_FLAGS", "x", 2, 8, 8, 0, 8, 0);
	hostile("4-byte NFACCT_QUOTA", "x", 2, 8, 8, 4, 4, 0);
	hostile("unpadded message", "abcdef", 7, 8, 8, -1, -1, 2);
}

static void test_request(void)
{
	uint32_t req[NFACCT_REQ_LEN / 4];
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)req;
	const struct nfgenmsg *g = (const struct nfgenmsg *)(nlh + 1);

	memset(req, 0xff, sizeof(req));
	is_int((int64_t)nfacct_request(req, false, 7), 20, "request: 20 bytes");
	is_int(nlh->nlmsg_type, 0x0701, "zerocounter=0: NFNL_MSG_ACCT_GET");
	is_int(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP,
	       "... a dump request");
	is_int(nlh->nlmsg_seq, 7, "... with its sequence number");
	ok(g->nfgen_family == AF_UNSPEC && g->version == NFNETLINK_V0 &&
		   g->res_id == 0 && nlh->nlmsg_pid == 0,
	   "... nfgenmsg AF_UNSPEC, version 0, no stale bytes");
	nfacct_request(req, true, 8);
	is_int(nlh->nlmsg_type, 0x0702,
	       "zerocounter=1: NFNL_MSG_ACCT_GET_CTRZERO");
}

static const struct nfp_plugin acctin = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_INPUT,
	.name = "ACCTIN",
	.summary = "test input with NFACCT's keys",
	.out_keys = nfacct_keys,
};

static void test_keys(void)
{
	static const struct nfp_plugin *const plugins[] = { &acctin, NULL };
	struct nfpt *t =
		nfpt_new("[global]\nstack=in:ACCTIN,cap:CAPTURE\n", plugins);
	struct nfacct_info info = { .use = 2, .has_use = true };
	uint32_t flags = NFACCT_F_QUOTA_BYTES | NFACCT_F_OVERQUOTA;
	struct nfp_inst *in = nfpt_inst(t, "in");
	struct nfp_rec *rec = nfp_rec_new(in);
	struct nfacct *a = nfacct_alloc();

	if (!a)
		bail_out("nfacct_alloc failed");
	nfacct_attr_set_str(a, NFACCT_ATTR_NAME, "web-in");
	nfacct_attr_set_u64(a, NFACCT_ATTR_PKTS, 4294967297ull);
	nfacct_attr_set_u64(a, NFACCT_ATTR_BYTES, 0x123456789ull);
	nfacct_fill(rec, a, &info, 1795550000u, 123456);
	nfp_rec_push(in, rec);
	is_str(nfpt_get(t, "cap", "sum.name"), "web-in", "sum.name");
	is_str(nfpt_get(t, "cap", "sum.pkts"), "4294967297",
	       "sum.pkts 64-bit through the stack");
	is_str(nfpt_get(t, "cap", "sum.bytes"), "4886718345",
	       "sum.bytes 64-bit through the stack");
	is_str(nfpt_get(t, "cap", "oob.time.sec"), "1795550000",
	       "oob.time.sec");
	is_str(nfpt_get(t, "cap", "oob.time.usec"), "123456", "oob.time.usec");
	is_str(nfpt_get(t, "cap", "sum.use"), "2", "sum.use");
	ok(!nfpt_get(t, "cap", "sum.quota") &&
		   !nfpt_get(t, "cap", "sum.quota.mode") &&
		   !nfpt_get(t, "cap", "sum.overquota") &&
		   !nfpt_get(t, "cap", "sum.flags"),
	   "no quota: sum.quota, .mode, sum.overquota, sum.flags unset");

	nfacct_attr_set(a, NFACCT_ATTR_FLAGS, &flags);
	nfacct_attr_set_u64(a, NFACCT_ATTR_QUOTA, 5000000000ull);
	rec = nfp_rec_new(in);
	nfacct_fill(rec, a, &info, 1795550000u, 123456);
	nfp_rec_push(in, rec);
	is_str(nfpt_get(t, "cap", "sum.quota"), "5000000000",
	       "sum.quota 64-bit");
	is_str(nfpt_get(t, "cap", "sum.quota.mode"), "byte", "sum.quota.mode");
	is_str(nfpt_get(t, "cap", "sum.overquota"), "1", "sum.overquota");
	is_str(nfpt_get(t, "cap", "sum.flags"), "6", "sum.flags");
	flags = NFACCT_F_QUOTA_PKTS;
	nfacct_attr_set(a, NFACCT_ATTR_FLAGS, &flags);
	rec = nfp_rec_new(in);
	nfacct_fill(rec, a, NULL, 1795550000u, 123456);
	nfp_rec_push(in, rec);
	is_str(nfpt_get(t, "cap", "sum.quota.mode"), "packet",
	       "sum.quota.mode packet");
	is_str(nfpt_get(t, "cap", "sum.overquota"), "0", "under the quota");
	ok(!nfpt_get(t, "cap", "sum.use"), "no NFACCT_USE: sum.use unset");
	nfacct_free(a);
	nfpt_free(t);
}

static int check_conf(const char *body, char *buf, size_t len)
{
	static const struct nfp_plugin *const plugins[] = { &nfp_input_nfacct,
							    NULL };
	char conf[1024];

	snprintf(conf, sizeof(conf),
		 "[global]\nstack=acct:NFACCT,cap:CAPTURE\n[acct]\n%s\n", body);
	return nfpt_check(conf, plugins, buf, len);
}

static void test_options(void)
{
	char buf[2048];

	is_int(check_conf("pollinterval=10\nzerocounter=0", buf, sizeof(buf)),
	       0, "ulogd2's options check");
	is_int(check_conf("zerocounter=1", buf, sizeof(buf)), 1,
	       "pollinterval is required (ulogd2 refuses 0 too)");
	like(buf, "pollinterval", "... and named");
	is_int(check_conf("pollinterval=50ms", buf, sizeof(buf)), 1,
	       "polls under 100 ms refused");
	is_int(check_conf("pollinterval=1\ntimestamp=1", buf, sizeof(buf)), 0,
	       "timestamp=1 is accepted");
	like(buf, "always set", "... with a note that it changes nothing");
}

int main(void)
{
	reused = nfacct_alloc();
	if (!reused)
		bail_out("nfacct_alloc failed");
	test_recorded();
	test_built();
	test_quota();
	test_many();
	test_reuse();
	test_walk();
	test_hostile();
	test_request();
	test_keys();
	test_options();
	nfacct_free(reused);
	return done_testing();
}
