/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_nfacct - NFACCT's parser, keys and options
 *
 * tests/data/nfct/nfacct-list.bin is the kernel's answer to a
 * NFNL_MSG_ACCT_GET dump, recorded in a gateway namespace where iptables
 * rules `-m nfacct --nfacct-name web-in` (TCP port 80) and `ping-all`
 * (ICMP) had counted one HTTP exchange and three pings; `nfacct list`
 * printed at that moment:
 *   { pkts = 5, bytes = 268 } = web-in;
 *   { pkts = 6, bytes = 504 } = ping-all;
 * Hand-built messages cover 64-bit counters, names without a NUL and
 * malformed input. No root needed.
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

struct objs {
	struct nfacct_obj o[8];	/* objects found */
	unsigned int n;		/* how many */
	unsigned int done;	/* NLMSG_DONE seen */
	unsigned int bad;	/* malformed or truncated */
	const char *why;	/* last reason */
};

static void col_obj(void *arg, const struct nfacct_obj *o, uint32_t seq)
{
	struct objs *c = arg;

	if (c->n < 8)
		c->o[c->n] = *o;
	c->n++;
}

static void col_event(void *arg, enum nfacct_event ev, uint32_t seq, int err,
		      const char *why)
{
	struct objs *c = arg;

	if (ev == NFACCT_DG_DONE)
		c->done++;
	if (ev == NFACCT_DG_MALFORMED || ev == NFACCT_DG_TRUNCATED)
		c->bad++;
	if (why)
		c->why = why;
}

static const struct nfacct_dgram_ops ops = { col_obj, col_event };

static void test_recorded(void)
{
	const char *top = getenv("top_srcdir");
	static uint8_t buf[65536];
	struct objs c = { 0 };
	char path[4096];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/tests/data/nfct/nfacct-list.bin",
		 top ? top : ".");
	f = fopen(path, "rb");
	if (!f)
		bail_out("cannot open %s", path);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	nfacct_dgram(buf, n, &ops, &c);
	is_int(c.n, 2, "recorded dump: two objects");
	is_str(c.o[0].name, "web-in", "first is web-in");
	is_int(c.o[0].pkts, 5, "web-in: 5 packets as nfacct list said");
	is_int(c.o[0].bytes, 268, "web-in: 268 bytes");
	is_str(c.o[1].name, "ping-all", "second is ping-all");
	is_int(c.o[1].pkts, 6, "ping-all: 6 packets");
	is_int(c.o[1].bytes, 504, "ping-all: 504 bytes");
	ok(c.o[0].has & NFACCT_HAS_USE, "use count present");
	is_int(c.bad, 0, "nothing malformed");
}

/* An object message as the kernel builds it. */
static size_t build(char *buf, const char *name, size_t name_len,
		    uint64_t pkts, uint64_t bytes, bool with_bytes)
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
	nfacct_dgram(buf, n, &ops, &c);
	is_int(c.n, 1, "built: one object");
	is_int(c.o[0].pkts, 4294967297ll, "64-bit packets kept whole");
	is_int(c.o[0].bytes, 4886718345ll, "64-bit bytes kept whole");

	/* 40 name bytes, no NUL: cut to the kernel's 31, never overread. */
	memset(name, 'n', sizeof(name));
	memset(&c, 0, sizeof(c));
	n = build(buf, name, sizeof(name), 1, 2, true);
	nfacct_dgram(buf, n, &ops, &c);
	is_int((int64_t)strlen(c.o[0].name), 31, "long name cut to 31");

	memset(&c, 0, sizeof(c));
	n = build(buf, "x", 2, 1, 2, false);
	nfacct_dgram(buf, n, &ops, &c);
	ok(c.n == 0 && c.bad == 1, "object without bytes: malformed");
	like(c.why ? c.why : "", "counters", "... saying so");

	/* NFACCT_PKTS with a 4-byte payload. */
	memset(&c, 0, sizeof(c));
	n = build(buf, "x", 2, 1, 2, true);
	a = (struct nlattr *)(buf + NLMSG_HDRLEN + 4 + MNL_ALIGN(4 + 2));
	a->nla_len = 8;
	nfacct_dgram(buf, n, &ops, &c);
	ok(c.n == 0 && c.bad == 1, "short NFACCT_PKTS: malformed");

	memset(&c, 0, sizeof(c));
	n = build(buf, "x", 2, 1, 2, true);
	nfacct_dgram(buf, n - 3, &ops, &c);
	ok(c.n == 0 && c.bad == 1, "cut message: truncated, nothing read");
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
	struct nfpt *t = nfpt_new("[global]\nstack=in:ACCTIN,cap:CAPTURE\n",
				  plugins);
	struct nfacct_obj o = { .pkts = 4294967297ull,
				.bytes = 0x123456789ull };
	struct nfp_inst *in = nfpt_inst(t, "in");
	struct nfp_rec *rec = nfp_rec_new(in);

	strcpy(o.name, "web-in");
	nfacct_fill(rec, &o, 1795550000u, 123456);
	nfp_rec_push(in, rec);
	is_str(nfpt_get(t, "cap", "sum.name"), "web-in", "sum.name");
	is_str(nfpt_get(t, "cap", "sum.pkts"), "4294967297",
	       "sum.pkts 64-bit through the stack");
	is_str(nfpt_get(t, "cap", "sum.bytes"), "4886718345",
	       "sum.bytes 64-bit through the stack");
	is_str(nfpt_get(t, "cap", "oob.time.sec"), "1795550000",
	       "oob.time.sec");
	is_str(nfpt_get(t, "cap", "oob.time.usec"), "123456",
	       "oob.time.usec");
	nfpt_free(t);
}

static int check_conf(const char *body, char *buf, size_t len)
{
	static const struct nfp_plugin *const plugins[] = { &nfp_input_nfacct,
							    NULL };
	char conf[1024];

	snprintf(conf, sizeof(conf),
		 "[global]\nstack=acct:NFACCT,cap:CAPTURE\n[acct]\n%s\n",
		 body);
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
	test_recorded();
	test_built();
	test_keys();
	test_options();
	return done_testing();
}
