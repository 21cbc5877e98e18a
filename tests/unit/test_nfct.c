/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_nfct - NFCT's parser, filters, tracker and keys
 *
 * The messages in tests/data/nfct were recorded with nfct-record in a
 * client/gateway/server lab with masquerading NAT, accounting and
 * timestamps on (README.md there says how). The expected values below come
 * from `conntrack -E -o timestamp,extended,id` and `conntrack -L`, run in
 * the same namespace at the same time, not from this parser; every message
 * of the corpus is also decoded by libnetfilter_conntrack and compared
 * field by field. Then the tracker pairs recorded NEW and DESTROY events,
 * the filters take and reject flows, nfct_fill() sets keys that a real
 * stack's CAPTURE reads back, and the option table rejects bad configs.
 * No root needed.
 */
#include "nfp.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <endian.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#include "engine.h"
#include "harness.h"
#include "nfct_hash.h"
#include "nfct_parse.h"
#include "nfct_track.h"
#include "tap.h"

/* One parser for the whole test, as NFCT keeps one per instance. */
static struct nfct_parser tp;

extern const struct nfp_plugin nfp_input_nfct;

/* ---- loading recorded datagrams ------------------------------------------ */

struct blob {
	uint8_t buf[70000]; /* one datagram */
	size_t len;	    /* bytes in buf */
};

static void load(const char *name, struct blob *b)
{
	const char *top = getenv("top_srcdir");
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/tests/data/nfct/%s", top ? top : ".",
		 name);
	f = fopen(path, "rb");
	if (!f)
		bail_out("cannot open %s", path);
	b->len = fread(b->buf, 1, sizeof(b->buf), f);
	fclose(f);
}

/* Every flow of a datagram, and what else it held. */
struct flows {
	struct nfct_flow f[16]; /* parsed flows */
	uint32_t seq[16];	/* their nlmsg_seq */
	unsigned int n;		/* flows in f */
	unsigned int done;	/* NLMSG_DONE seen */
	unsigned int malformed; /* NFCT_DG_MALFORMED */
	unsigned int truncated; /* NFCT_DG_TRUNCATED */
	unsigned int other;	/* NFCT_DG_OTHER */
	const char *why;	/* last reason */
};

static void col_flow(void *arg, const struct nfct_flow *f, uint32_t seq)
{
	struct flows *c = arg;

	if (c->n < 16) {
		c->f[c->n] = *f;
		c->seq[c->n] = seq;
	}
	c->n++;
}

static void col_event(void *arg, enum nfct_event ev, uint32_t seq, int err,
		      const char *why)
{
	struct flows *c = arg;

	if (ev == NFCT_DG_DONE)
		c->done++;
	else if (ev == NFCT_DG_MALFORMED)
		c->malformed++;
	else if (ev == NFCT_DG_TRUNCATED)
		c->truncated++;
	else if (ev == NFCT_DG_OTHER)
		c->other++;
	if (why)
		c->why = why;
}

static const struct nfct_dgram_ops col_ops = { col_flow, col_event };

static void parse_file(const char *name, struct flows *c)
{
	static struct blob b;

	memset(c, 0, sizeof(*c));
	load(name, &b);
	nfct_dgram(&tp, b.buf, b.len, &col_ops, c);
}

/* One flow from a one-message file. */
static struct nfct_flow one(const char *name)
{
	struct flows c;

	parse_file(name, &c);
	if (c.n != 1)
		bail_out("%s: %u flows, wanted 1", name, c.n);
	return c.f[0];
}

static const char *ip(const struct nfct_tuple *t, bool src)
{
	static char buf[4][INET6_ADDRSTRLEN];
	static int i;

	i = (i + 1) % 4;
	inet_ntop(t->l3, src ? t->src : t->dst, buf[i], sizeof(buf[i]));
	return buf[i];
}

/* ---- decoding, against conntrack-tools' own output ----------------------- */

static void test_tcp4(void)
{
	struct nfct_flow f = one("tcp4-new.bin");
	char st[200];

	/* [NEW] ipv4 2 tcp 6 120 SYN_SENT src=10.77.1.2 dst=10.77.2.2
	 * sport=50034 dport=80 [UNREPLIED] src=10.77.2.2 dst=10.77.2.1
	 * sport=80 dport=50034 id=1921208574 */
	is_int(f.kind, NFCT_KIND_NEW, "tcp4-new: a NEW event");
	is_int(f.family, AF_INET, "tcp4-new: IPv4");
	is_int(f.orig.proto, IPPROTO_TCP, "tcp4-new: TCP");
	is_str(ip(&f.orig, true), "10.77.1.2", "tcp4-new: orig src");
	is_str(ip(&f.orig, false), "10.77.2.2", "tcp4-new: orig dst");
	is_int(f.orig.sport, 50034, "tcp4-new: orig sport");
	is_int(f.orig.dport, 80, "tcp4-new: orig dport");
	is_str(ip(&f.reply, true), "10.77.2.2", "tcp4-new: reply src");
	is_str(ip(&f.reply, false), "10.77.2.1",
	       "tcp4-new: reply dst is the masquerading gateway");
	is_int(f.reply.sport, 80, "tcp4-new: reply sport");
	is_int(f.reply.dport, 50034, "tcp4-new: reply dport");
	is_int(f.id, 1921208574u, "tcp4-new: ct id");
	is_int(f.timeout, 120, "tcp4-new: timeout");
	is_str(nfct_tcp_state(f.tcp_state), "SYN_SENT", "tcp4-new: TCP state");
	ok(!(f.status & IPS_SEEN_REPLY), "tcp4-new: unreplied");
	is_str(nfct_state(f.status), "NEW", "tcp4-new: ct.state NEW");
	nfct_status_str(f.status, st, sizeof(st));
	/* CONFIRMED|SRC_NAT|SRC_NAT_DONE|DST_NAT_DONE: bits 3, 4, 7, 8. */
	is_int(f.status, 0x198, "tcp4-new: status bits");
	is_str(st, "CONFIRMED|SRC_NAT|SRC_NAT_DONE|DST_NAT_DONE",
	       "tcp4-new: status names");
	ok(!(f.has & (NFCT_HAS_CTR_ORIG | NFCT_HAS_MARK)),
	   "tcp4-new: no counters and no zero mark in a NEW event");

	f = one("tcp4-update.bin");
	is_int(f.kind, NFCT_KIND_UPDATE, "tcp4-update: an UPDATE event");
	is_str(nfct_tcp_state(f.tcp_state), "ESTABLISHED",
	       "tcp4-update: ESTABLISHED");
	is_int(f.timeout, 432000, "tcp4-update: timeout 432000");
	is_str(nfct_state(f.status), "ESTABLISHED",
	       "tcp4-update: ct.state ESTABLISHED");

	/* [DESTROY] ... 118 TIME_WAIT ... packets=5 bytes=268 ...
	 * packets=4 bytes=222 [ASSURED] delta-time=2 id=1921208574 */
	f = one("tcp4-destroy.bin");
	is_int(f.kind, NFCT_KIND_DESTROY, "tcp4-destroy: a DESTROY event");
	is_int(f.id, 1921208574u, "tcp4-destroy: same ct id as its NEW");
	is_int(f.pkts[0], 5, "tcp4-destroy: orig packets");
	is_int(f.bytes[0], 268, "tcp4-destroy: orig bytes");
	is_int(f.pkts[1], 4, "tcp4-destroy: reply packets");
	is_int(f.bytes[1], 222, "tcp4-destroy: reply bytes");
	is_int(f.timeout, 118, "tcp4-destroy: timeout");
	is_str(nfct_tcp_state(f.tcp_state), "TIME_WAIT",
	       "tcp4-destroy: TIME_WAIT");
	ok((f.has & NFCT_HAS_TS_START) && (f.has & NFCT_HAS_TS_STOP),
	   "tcp4-destroy: kernel timestamps");
	is_int((int64_t)(f.ts_stop / 1000000000u) -
		       (int64_t)(f.ts_start / 1000000000u),
	       2, "tcp4-destroy: delta-time 2 as conntrack printed");
	/* The event was received at 1795547974.119066 by conntrack -E. */
	ok(f.ts_stop / 1000 <= 1795547974119066ull &&
		   f.ts_stop / 1000 > 1795547974000000ull,
	   "tcp4-destroy: stop just before conntrack -E received it");
	ok(f.status & IPS_ASSURED, "tcp4-destroy: ASSURED");
}

static void test_udp_icmp(void)
{
	struct nfct_flow f = one("udp4-mark-new.bin");

	is_int(f.orig.proto, IPPROTO_UDP, "udp4-mark-new: UDP");
	is_int(f.orig.dport, 5001, "udp4-mark-new: dport 5001");
	is_int(f.mark, 42, "udp4-mark-new: mark=42 set by the ruleset");
	f = one("udp4-mark-destroy.bin");
	is_int(f.mark, 42, "udp4-mark-destroy: mark=42");
	is_int(f.pkts[0], 1, "udp4-mark-destroy: orig packets=1");
	is_int(f.bytes[0], 33, "udp4-mark-destroy: orig bytes=33");
	is_int(f.bytes[1], 33, "udp4-mark-destroy: reply bytes=33");

	/* icmp 1 30 src=10.77.1.2 dst=10.77.2.2 type=8 code=0 id=25666
	 * src=10.77.2.2 dst=10.77.2.1 type=0 code=0 id=25666 */
	f = one("icmp4-new.bin");
	is_int(f.orig.proto, IPPROTO_ICMP, "icmp4-new: ICMP");
	is_int(f.orig.icmp_type, 8, "icmp4-new: type 8");
	is_int(f.orig.icmp_code, 0, "icmp4-new: code 0");
	is_int(f.orig.icmp_id, 25666, "icmp4-new: id 25666");
	is_int(f.reply.icmp_type, 0, "icmp4-new: reply type 0");
	ok(!(f.orig.has & NFCT_TUP_PORTS), "icmp4-new: no ports");
	f = one("icmp4-destroy.bin");
	is_int(f.pkts[0], 2, "icmp4-destroy: packets=2 (two pings)");
	is_int(f.bytes[0], 168, "icmp4-destroy: bytes=168");

	f = one("tcp6-new.bin");
	is_int(f.family, AF_INET6, "tcp6-new: IPv6");
	is_str(ip(&f.orig, true), "fd77:1::2", "tcp6-new: orig src");
	is_str(ip(&f.orig, false), "fd77:2::2", "tcp6-new: orig dst");
	is_str(ip(&f.reply, false), "fd77:2::1", "tcp6-new: reply dst (NAT)");
	is_int(f.orig.sport, 58188, "tcp6-new: sport");
	is_int(f.orig.dport, 8080, "tcp6-new: dport");
	f = one("tcp6-destroy.bin");
	is_int(f.pkts[0], 5, "tcp6-destroy: orig packets=5");
	is_int(f.bytes[0], 368, "tcp6-destroy: orig bytes=368");
	is_int(f.pkts[1], 4, "tcp6-destroy: reply packets=4");
	is_int(f.bytes[1], 303, "tcp6-destroy: reply bytes=303");

	f = one("icmp6-new.bin");
	is_int(f.orig.proto, IPPROTO_ICMPV6, "icmp6-new: ICMPv6");
	is_int(f.orig.icmp_type, 128, "icmp6-new: echo request");
	is_int(f.reply.icmp_type, 129, "icmp6-new: reply echo reply");
	is_int(f.orig.icmp_id, 25671, "icmp6-new: id 25671");
	f = one("icmp6-destroy.bin");
	is_int(f.bytes[0], 104, "icmp6-destroy: bytes=104");

	f = one("noacct-destroy.bin");
	ok(!(f.has & (NFCT_HAS_CTR_ORIG | NFCT_HAS_CTR_REPLY |
		      NFCT_HAS_TS_START | NFCT_HAS_TS_STOP)),
	   "noacct-destroy: no counters, no timestamps with both off");
	is_int(f.zone, 7, "noacct-destroy: zone=7");
}

static void test_related(void)
{
	struct nfct_flow f = one("ftp-ctrl-new.bin");

	is_str(f.helper, "ftp", "ftp-ctrl-new: helper=ftp");
	ok(f.status & (1u << 13), "ftp-ctrl-new: IPS_HELPER");
	f = one("ftp-ctrl-destroy.bin");
	ok(!(f.has & NFCT_HAS_HELPER),
	   "ftp-ctrl-destroy: the kernel's DESTROY has no helper");
	is_int(f.pkts[0], 6, "ftp-ctrl-destroy: packets=6");
	is_int(f.bytes[1], 444, "ftp-ctrl-destroy: reply bytes=444");

	f = one("ftp-data-new.bin");
	ok(f.has & NFCT_HAS_MASTER, "ftp-data-new: has a master tuple");
	is_str(ip(&f.master, true), "10.77.1.2", "ftp-data-new: master src");
	is_str(ip(&f.master, false), "10.77.2.2", "ftp-data-new: master dst");
	is_int(f.master.sport, 54604, "ftp-data-new: master sport");
	is_int(f.master.dport, 21, "ftp-data-new: master dport 21");
	is_int(f.orig.dport, 50000,
	       "ftp-data-new: data port from the 227 reply (195*256+80)");
	is_str(nfct_state(f.status), "RELATED", "ftp-data-new: RELATED");
	f = one("ftp-data-destroy.bin");
	ok(!(f.has & NFCT_HAS_MASTER),
	   "ftp-data-destroy: the kernel's DESTROY has no master");
	is_str(nfct_state(f.status), "RELATED",
	       "ftp-data-destroy: still RELATED (IPS_EXPECTED stays)");

	f = one("udp4-zone-new.bin");
	is_int(f.zone, 7, "udp4-zone-new: zone=7");
}

static void test_dump(void)
{
	struct flows c;
	unsigned int i;

	parse_file("dump-4.bin", &c);
	is_int(c.n, 4, "dump-4: four entries (conntrack -L showed 4)");
	for (i = 0; i < c.n && i < 16; i++)
		if (c.f[i].kind != NFCT_KIND_DUMP || c.seq[i] != 1)
			break;
	is_int(i, 4, "dump-4: all NLM_F_MULTI answers to seq 1");
	is_int(c.f[3].use, 2, "dump-4: use=2 of the FTP control flow");
	is_str(c.f[3].helper, "ftp", "dump-4: helper in a dump");
	ok(c.f[2].has & NFCT_HAS_MASTER, "dump-4: master in a dump");
	ok((c.f[0].has & NFCT_HAS_MARK) && c.f[0].mark == 0,
	   "dump-4: a dump sends the mark even when 0");
	parse_file("dump-done.bin", &c);
	is_int(c.done, 1, "dump-done: NLMSG_DONE reported");
	is_int(c.n, 0, "dump-done: no entry");
}

/* ---- every message against libnetfilter_conntrack ------------------------ */

static const char *const corpus[] = { "tcp4-new.bin",
				      "tcp4-update.bin",
				      "tcp4-destroy.bin",
				      "udp4-mark-new.bin",
				      "udp4-mark-destroy.bin",
				      "udp4-destroy.bin",
				      "icmp4-new.bin",
				      "icmp4-destroy.bin",
				      "tcp6-new.bin",
				      "tcp6-destroy.bin",
				      "icmp6-new.bin",
				      "icmp6-destroy.bin",
				      "ftp-ctrl-new.bin",
				      "ftp-ctrl-update.bin",
				      "ftp-ctrl-destroy.bin",
				      "ftp-data-new.bin",
				      "ftp-data-destroy.bin",
				      "udp4-zone-new.bin",
				      "udp4-zone-destroy.bin",
				      "dump-4.bin",
				      "noacct-new.bin",
				      "noacct-destroy.bin",
				      NULL };

#define SAME(cond, what)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			diag("%s#%u: %s differs", name, idx, what);            \
			bad++;                                                 \
		}                                                              \
	} while (0)

static int cmp_addr(const struct nf_conntrack *ct, int v4, int v6,
		    const struct nfct_tuple *t, bool src)
{
	const uint8_t *mine = src ? t->src : t->dst;

	if (t->l3 == AF_INET)
		return nfct_attr_is_set(ct, v4) &&
		       !memcmp(nfct_get_attr(ct, v4), mine, 4);
	return nfct_attr_is_set(ct, v6) &&
	       !memcmp(nfct_get_attr(ct, v6), mine, 16);
}

/* Fields of @f that libnetfilter_conntrack disagrees about; 0 if none. */
static unsigned int compare_lib(const char *name, unsigned int idx,
				const struct nlmsghdr *nlh,
				const struct nfct_flow *f)
{
	struct nf_conntrack *ct = nfct_new();
	unsigned int bad = 0;

	if (!ct || nfct_nlmsg_parse(nlh, ct) < 0) {
		diag("%s#%u: libnetfilter_conntrack cannot parse it", name,
		     idx);
		nfct_destroy(ct);
		return 1;
	}
	SAME(nfct_get_attr_u8(ct, ATTR_ORIG_L3PROTO) == f->orig.l3, "l3");
	SAME(nfct_get_attr_u8(ct, ATTR_ORIG_L4PROTO) == f->orig.proto, "l4");
	SAME(cmp_addr(ct, ATTR_ORIG_IPV4_SRC, ATTR_ORIG_IPV6_SRC, &f->orig,
		      true),
	     "orig src");
	SAME(cmp_addr(ct, ATTR_ORIG_IPV4_DST, ATTR_ORIG_IPV6_DST, &f->orig,
		      false),
	     "orig dst");
	SAME(cmp_addr(ct, ATTR_REPL_IPV4_SRC, ATTR_REPL_IPV6_SRC, &f->reply,
		      true),
	     "reply src");
	SAME(cmp_addr(ct, ATTR_REPL_IPV4_DST, ATTR_REPL_IPV6_DST, &f->reply,
		      false),
	     "reply dst");
	if (f->orig.has & NFCT_TUP_PORTS) {
		SAME(ntohs(nfct_get_attr_u16(ct, ATTR_ORIG_PORT_SRC)) ==
			     f->orig.sport,
		     "orig sport");
		SAME(ntohs(nfct_get_attr_u16(ct, ATTR_ORIG_PORT_DST)) ==
			     f->orig.dport,
		     "orig dport");
		SAME(ntohs(nfct_get_attr_u16(ct, ATTR_REPL_PORT_SRC)) ==
			     f->reply.sport,
		     "reply sport");
		SAME(ntohs(nfct_get_attr_u16(ct, ATTR_REPL_PORT_DST)) ==
			     f->reply.dport,
		     "reply dport");
	}
	if (f->orig.has & NFCT_TUP_ICMP) {
		SAME(nfct_get_attr_u8(ct, ATTR_ICMP_TYPE) == f->orig.icmp_type,
		     "icmp type");
		SAME(nfct_get_attr_u8(ct, ATTR_ICMP_CODE) == f->orig.icmp_code,
		     "icmp code");
		SAME(ntohs(nfct_get_attr_u16(ct, ATTR_ICMP_ID)) ==
			     f->orig.icmp_id,
		     "icmp id");
	}
	SAME(nfct_attr_is_set(ct, ATTR_STATUS) == !!(f->has & NFCT_HAS_STATUS),
	     "status presence");
	SAME(nfct_get_attr_u32(ct, ATTR_STATUS) == f->status, "status");
	SAME(nfct_attr_is_set(ct, ATTR_MARK) == !!(f->has & NFCT_HAS_MARK),
	     "mark presence");
	SAME(nfct_get_attr_u32(ct, ATTR_MARK) == f->mark, "mark");
	SAME(nfct_get_attr_u32(ct, ATTR_ID) == f->id, "id");
	SAME(nfct_attr_is_set(ct, ATTR_TIMEOUT) ==
		     !!(f->has & NFCT_HAS_TIMEOUT),
	     "timeout presence");
	SAME(nfct_get_attr_u32(ct, ATTR_TIMEOUT) == f->timeout, "timeout");
	SAME(nfct_get_attr_u16(ct, ATTR_ZONE) == f->zone, "zone");
	SAME(nfct_attr_is_set(ct, ATTR_ORIG_COUNTER_PACKETS) ==
		     !!(f->has & NFCT_HAS_CTR_ORIG),
	     "counter presence");
	SAME(nfct_get_attr_u64(ct, ATTR_ORIG_COUNTER_PACKETS) == f->pkts[0],
	     "orig packets");
	SAME(nfct_get_attr_u64(ct, ATTR_ORIG_COUNTER_BYTES) == f->bytes[0],
	     "orig bytes");
	SAME(nfct_get_attr_u64(ct, ATTR_REPL_COUNTER_PACKETS) == f->pkts[1],
	     "reply packets");
	SAME(nfct_get_attr_u64(ct, ATTR_REPL_COUNTER_BYTES) == f->bytes[1],
	     "reply bytes");
	SAME(nfct_get_attr_u64(ct, ATTR_TIMESTAMP_START) == f->ts_start,
	     "timestamp start");
	SAME(nfct_get_attr_u64(ct, ATTR_TIMESTAMP_STOP) == f->ts_stop,
	     "timestamp stop");
	SAME(nfct_attr_is_set(ct, ATTR_TCP_STATE) ==
		     !!(f->has & NFCT_HAS_TCP_STATE),
	     "tcp state presence");
	SAME(nfct_get_attr_u8(ct, ATTR_TCP_STATE) == f->tcp_state, "tcp state");
	SAME(nfct_attr_is_set(ct, ATTR_HELPER_NAME) ==
		     !!(f->has & NFCT_HAS_HELPER),
	     "helper presence");
	if (f->has & NFCT_HAS_HELPER)
		SAME(!strcmp(nfct_get_attr(ct, ATTR_HELPER_NAME), f->helper),
		     "helper");
	SAME(nfct_attr_is_set(ct, ATTR_MASTER_L4PROTO) ==
		     !!(f->has & NFCT_HAS_MASTER),
	     "master presence");
	if (f->has & NFCT_HAS_MASTER) {
		SAME(cmp_addr(ct, ATTR_MASTER_IPV4_SRC, ATTR_MASTER_IPV6_SRC,
			      &f->master, true),
		     "master src");
		SAME(cmp_addr(ct, ATTR_MASTER_IPV4_DST, ATTR_MASTER_IPV6_DST,
			      &f->master, false),
		     "master dst");
		SAME(ntohs(nfct_get_attr_u16(ct, ATTR_MASTER_PORT_SRC)) ==
			     f->master.sport,
		     "master sport");
		SAME(ntohs(nfct_get_attr_u16(ct, ATTR_MASTER_PORT_DST)) ==
			     f->master.dport,
		     "master dport");
	}
	nfct_destroy(ct);
	return bad;
}

static void test_against_lib(void)
{
	static struct blob b;
	unsigned int i, total = 0, bad = 0;

	for (i = 0; corpus[i]; i++) {
		const struct nlmsghdr *nlh;
		unsigned int idx = 0;
		int left;

		load(corpus[i], &b);
		nlh = (const struct nlmsghdr *)b.buf;
		left = (int)b.len;
		while (mnl_nlmsg_ok(nlh, left)) {
			struct nfct_flow f;

			if (nlh->nlmsg_type != NLMSG_DONE) {
				if (nfct_parse(&tp, nlh, (size_t)left, &f)) {
					diag("%s#%u: not parsed: %s", corpus[i],
					     idx, f.why);
					bad++;
				} else {
					bad += compare_lib(corpus[i], idx, nlh,
							   &f)
						       ? 1
						       : 0;
				}
				total++;
			}
			idx++;
			nlh = mnl_nlmsg_next(nlh, &left);
		}
	}
	is_int(total, 25, "the corpus holds 25 conntrack messages");
	is_int(bad, 0, "libnetfilter_conntrack decodes every one alike");
}

/* ---- malformed input ----------------------------------------------------- */

static void test_malformed(void)
{
	static struct blob b;
	struct flows c;
	struct nlattr *a;
	uint8_t copy[512];
	size_t n;

	load("tcp4-new.bin", &b);
	memset(&c, 0, sizeof(c));
	nfct_dgram(&tp, b.buf, b.len - 7, &col_ops, &c);
	is_int(c.n, 0, "cut datagram: no flow");
	is_int(c.truncated, 1, "cut datagram: reported truncated");

	memset(&c, 0, sizeof(c));
	nfct_dgram(&tp, b.buf, 10, &col_ops, &c);
	is_int(c.truncated, 1, "10 bytes: truncated, nothing read past them");

	/* The first attribute is CTA_TUPLE_ORIG: make it claim 600 bytes. */
	n = b.len < sizeof(copy) ? b.len : sizeof(copy);
	memcpy(copy, b.buf, n);
	a = (struct nlattr *)(copy + NLMSG_HDRLEN + 4);
	a->nla_len = 600;
	memset(&c, 0, sizeof(c));
	nfct_dgram(&tp, copy, n, &col_ops, &c);
	is_int(c.malformed, 1, "attribute past the message: malformed");
	like(c.why ? c.why : "", "no original tuple",
	     "... because the tuple could not be read");

	/* CTA_STATUS cut to 2 bytes. */
	{
		char buf[256];
		struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
		struct nfgenmsg *g = mnl_nlmsg_put_extra_header(nlh, 4);
		struct nlattr *t, *ipn;
		uint16_t s16 = 0;

		nlh->nlmsg_type = (1 << 8) | 0;
		g->nfgen_family = AF_INET;
		t = mnl_attr_nest_start(nlh, 1);
		ipn = mnl_attr_nest_start(nlh, 1);
		mnl_attr_put_u32(nlh, 1, htonl(0x0a000001));
		mnl_attr_put_u32(nlh, 2, htonl(0x0a000002));
		mnl_attr_nest_end(nlh, ipn);
		ipn = mnl_attr_nest_start(nlh, 2);
		mnl_attr_put_u8(nlh, 1, IPPROTO_UDP);
		mnl_attr_nest_end(nlh, ipn);
		mnl_attr_nest_end(nlh, t);
		mnl_attr_put(nlh, 3, sizeof(s16), &s16);
		memset(&c, 0, sizeof(c));
		nfct_dgram(&tp, buf, nlh->nlmsg_len, &col_ops, &c);
		is_int(c.malformed, 1, "2-byte CTA_STATUS: malformed");
		like(c.why ? c.why : "", "CTA_STATUS", "... and named");

		/* The same message is fine without the bad attribute. */
		nlh->nlmsg_len -= MNL_ALIGN(sizeof(struct nlattr) + 2);
		memset(&c, 0, sizeof(c));
		nfct_dgram(&tp, buf, nlh->nlmsg_len, &col_ops, &c);
		is_int(c.n, 1, "... and parses without it");
		ok(!(c.f[0].orig.has & NFCT_TUP_PORTS),
		   "a UDP tuple without ports has no ports");

		/* An expectation message is not a flow. */
		nlh->nlmsg_type = (2 << 8) | 0;
		memset(&c, 0, sizeof(c));
		nfct_dgram(&tp, buf, nlh->nlmsg_len, &col_ops, &c);
		is_int(c.other, 1, "expectation message: ignored");
	}
}

/* ---- status, filters, table ---------------------------------------------- */

static void test_status(void)
{
	char s[200];

	nfct_status_str(0xe, s, sizeof(s));
	is_str(s, "SEEN_REPLY|ASSURED|CONFIRMED", "status 0xe by name");
	nfct_status_str((1u << 20) | 1, s, sizeof(s));
	is_str(s, "EXPECTED|BIT20", "unknown bits by number");
	/* 16 names of 140 letters, BIT16..BIT31, 31 bars: 251. */
	is_int(nfct_status_str(0xffffffff, s, 8), 251,
	       "every bit: length as snprintf would say");
	is_int((int64_t)strlen(s), 7, "... and cut, NUL-terminated");
	is_str(nfct_state(3), "RELATED", "EXPECTED wins over SEEN_REPLY");
	is_str(nfct_tcp_state(42), "NONE", "unknown TCP state is NONE");
}

static void test_filters(void)
{
	struct nfct_filter flt;
	struct nfct_flow t4 = one("tcp4-new.bin");
	struct nfct_flow t6 = one("tcp6-new.bin");
	struct nfct_flow u4 = one("udp4-mark-new.bin");
	const char *why = NULL, *bad = NULL;

	nfct_filter_init(&flt);
	ok(nfct_filter_match(&flt, &t4) && nfct_filter_match(&flt, &t6),
	   "no filter: everything passes");

	is_int(nfct_filter_addrs(&flt, false, "10.77.1.0/24, 192.0.2.7", &why,
				 &bad),
	       0, "src filter parses");
	ok(nfct_filter_match(&flt, &t4), "10.77.1.2 is in 10.77.1.0/24");
	ok(!nfct_filter_match(&flt, &t6),
	   "IPv4-only source list rejects IPv6 flows (as ulogd2)");

	nfct_filter_init(&flt);
	nfct_filter_addrs(&flt, false, "10.77.1.3/32", &why, &bad);
	ok(!nfct_filter_match(&flt, &t4), "10.77.1.2 is not 10.77.1.3/32");

	nfct_filter_init(&flt);
	nfct_filter_addrs(&flt, true, "fd77:2::/64,10.77.2.2", &why, &bad);
	ok(nfct_filter_match(&flt, &t6) && nfct_filter_match(&flt, &t4),
	   "dst filter of both families");
	nfct_filter_init(&flt);
	nfct_filter_addrs(&flt, true, "fd77:2::/126", &why, &bad);
	ok(nfct_filter_match(&flt, &t6), "fd77:2::2 in fd77:2::/126");
	nfct_filter_init(&flt);
	nfct_filter_addrs(&flt, true, "fd77:2::/127", &why, &bad);
	ok(!nfct_filter_match(&flt, &t6), "fd77:2::2 not in fd77:2::/127");
	nfct_filter_init(&flt);
	nfct_filter_addrs(&flt, true, "fd77:2::4/126", &why, &bad);
	ok(!nfct_filter_match(&flt, &t6), "fd77:2::2 not in fd77:2::4/126");
	nfct_filter_init(&flt);
	nfct_filter_addrs(&flt, false, "10.77.0.0/15", &why, &bad);
	ok(nfct_filter_match(&flt, &t4), "10.77.1.2 in 10.77.0.0/15");
	nfct_filter_init(&flt);
	nfct_filter_addrs(&flt, false, "10.78.0.0/15", &why, &bad);
	ok(!nfct_filter_match(&flt, &t4), "10.77.1.2 not in 10.78.0.0/15");

	nfct_filter_init(&flt);
	is_int(nfct_filter_protos(&flt, "udp,icmp", &why, &bad), 0,
	       "proto filter parses");
	ok(nfct_filter_match(&flt, &u4) && !nfct_filter_match(&flt, &t4),
	   "udp,icmp: UDP in, TCP out");
	nfct_filter_init(&flt);
	nfct_filter_protos(&flt, "6", &why, &bad);
	ok(nfct_filter_match(&flt, &t4), "protocol by number");

	nfct_filter_init(&flt);
	is_int(nfct_filter_addrs(&flt, false, "10.0.0.0/8,10.1.0.0/33", &why,
				 &bad),
	       -EINVAL, "/33 refused");
	is_str(bad, "10.1.0.0/33", "... pointing at the bad item");
	is_str(why, "bad prefix length", "... saying why");
	is_int(nfct_filter_addrs(&flt, false, "gateway", &why, &bad), -EINVAL,
	       "a name is no address");
	is_int(nfct_filter_protos(&flt, "tcp,nosuchproto", &why, &bad), -EINVAL,
	       "unknown protocol refused");
	is_str(bad, "nosuchproto", "... pointing at it");
}

static void test_hash(void)
{
	struct nfct_hash h;
	struct nfct_flow a = one("tcp4-new.bin"), b = one("udp4-mark-new.bin");
	struct nfct_flow a2 = a, d = one("tcp4-destroy.bin");
	struct nfct_entry *e;

	is_int(nfct_hash_init(&h, 3, 2), 0, "table of 3 buckets, 2 entries");
	ok(nfct_hash_add(&h, &a) != NULL, "add a flow");
	ok(nfct_hash_find(&h, &d) != NULL,
	   "its DESTROY finds it (same tuple and id)");
	a2.id ^= 1;
	ok(nfct_hash_find(&h, &a2) == NULL,
	   "same tuple, other id: another connection");
	ok(nfct_hash_add(&h, &b) != NULL, "add a second flow");
	ok(nfct_hash_add(&h, &a2) == NULL, "the third does not fit");
	e = nfct_hash_find(&h, &b);
	e->gen = 5;
	is_int(nfct_hash_purge(&h, 5, NULL, NULL), 1,
	       "purge drops what the generation did not see");
	ok(nfct_hash_find(&h, &a) == NULL && nfct_hash_find(&h, &b),
	   "... and keeps what it saw");
	nfct_hash_del(&h, e);
	is_int(h.count, 0, "delete empties it");
	nfct_hash_free(&h);
}

/* ---- the tracker --------------------------------------------------------- */

struct got {
	struct nfct_flow f[8];	/* reported flows */
	struct nfct_times t[8]; /* their times */
	uint32_t ev[8];		/* their events */
	unsigned int n;		/* reports */
};

static void got_emit(void *arg, const struct nfct_flow *f, uint32_t event,
		     const struct nfct_times *t)
{
	struct got *g = arg;

	if (g->n < 8) {
		g->f[g->n] = *f;
		g->t[g->n] = *t;
		g->ev[g->n] = event;
	}
	g->n++;
}

static void tracker(struct nfct_tracker *tr, bool hash, uint32_t mask,
		    struct got *g, uint64_t *ctr)
{
	if (nfct_track_init(tr, hash, 16, 4))
		bail_out("tracker");
	memset(g, 0, sizeof(*g));
	memset(ctr, 0, NFCT_TC__MAX * sizeof(*ctr));
	tr->mask = mask;
	tr->emit = got_emit;
	tr->arg = g;
	tr->ctr = ctr;
}

static void test_tracker(void)
{
	struct nfct_tracker tr;
	uint64_t ctr[NFCT_TC__MAX];
	struct nfct_flow f;
	struct flows c;
	struct got g;
	unsigned int i;

	/* Table on, the default mask: NEW opens, DESTROY reports. */
	tracker(&tr, true, NFCT_EV_NEW | NFCT_EV_DESTROY, &g, ctr);
	f = one("noacct-new.bin");
	nfct_track_event(&tr, &f, 1000, 250);
	is_int(g.n, 0, "table: NEW is not reported");
	f = one("noacct-destroy.bin");
	nfct_track_event(&tr, &f, 1005, 500000);
	is_int(g.n, 1, "table: DESTROY is");
	is_int(g.ev[0], NFCT_EV_DESTROY, "... as DESTROY");
	ok(g.t[0].has_start && g.t[0].start_sec == 1000 &&
		   g.t[0].start_usec == 250,
	   "... starting when its NEW came (no kernel timestamps)");
	ok(g.t[0].has_end && g.t[0].end_sec == 1005 &&
		   g.t[0].end_usec == 500000,
	   "... ending when its DESTROY came");
	is_int(tr.hash.count, 0, "... and leaves the table");

	/* The DESTROY gets the helper and master the kernel left out. */
	f = one("ftp-ctrl-new.bin");
	nfct_track_event(&tr, &f, 2000, 0);
	f = one("ftp-data-new.bin");
	nfct_track_event(&tr, &f, 2000, 10);
	f = one("ftp-data-destroy.bin");
	nfct_track_event(&tr, &f, 2001, 0);
	f = one("ftp-ctrl-destroy.bin");
	nfct_track_event(&tr, &f, 2001, 0);
	is_int(g.n, 3, "FTP: two more DESTROY records");
	ok((g.f[1].has & NFCT_HAS_MASTER) && g.f[1].master.dport == 21,
	   "data flow's DESTROY carries its master (port 21)");
	is_str(g.f[2].helper, "ftp", "control flow's DESTROY carries ftp");
	/* Kernel timestamps (1795548704.539787535 for the data flow's
	 * start) win over reception times. */
	ok(g.t[1].start_sec == 1795548704u && g.t[1].start_usec == 539787,
	   "kernel start time used when the kernel sent one");
	is_int(g.t[2].end_sec, (int64_t)(f.ts_stop / 1000000000u),
	       "kernel stop time used for the end");
	is_int(ctr[NFCT_TC_UNPAIRED], 0, "nothing unpaired");

	f = one("tcp4-destroy.bin");
	nfct_track_event(&tr, &f, 3000, 0);
	is_int(ctr[NFCT_TC_UNPAIRED], 1, "DESTROY without NEW: counted");
	ok(g.n == 4 && g.t[3].has_start,
	   "... reported, its start from the kernel's timestamp");
	nfct_track_free(&tr);

	/* Without the table every event is reported as it comes. */
	tracker(&tr, false, NFCT_EV_NEW | NFCT_EV_DESTROY, &g, ctr);
	f = one("noacct-new.bin");
	nfct_track_event(&tr, &f, 1000, 250);
	f = one("noacct-destroy.bin");
	nfct_track_event(&tr, &f, 1005, 0);
	is_int(g.n, 2, "no table: NEW and DESTROY reported");
	ok(g.ev[0] == NFCT_EV_NEW && g.t[0].has_start &&
		   g.t[0].start_sec == 1000,
	   "... NEW with its reception time as start");
	ok(g.ev[1] == NFCT_EV_DESTROY && !g.t[1].has_start,
	   "... DESTROY without a start it cannot know");
	f = one("tcp4-update.bin");
	nfct_track_event(&tr, &f, 1006, 0);
	is_int(g.n, 2, "UPDATE not in the mask: not reported");
	nfct_track_free(&tr);

	/* UPDATE in the mask, with the table: start from the NEW. */
	tracker(&tr, true, NFCT_EV_UPDATE | NFCT_EV_DESTROY, &g, ctr);
	f = one("ftp-ctrl-new.bin");
	nfct_track_event(&tr, &f, 4000, 7);
	f = one("ftp-ctrl-update.bin");
	nfct_track_event(&tr, &f, 4001, 0);
	ok(g.n == 1 && g.ev[0] == NFCT_EV_UPDATE && g.t[0].start_sec == 4000,
	   "UPDATE reported with the start its NEW gave");
	nfct_track_free(&tr);

	/* Dumps: the first fills silently; later ones find ended flows. */
	tracker(&tr, true, NFCT_EV_UPDATE | NFCT_EV_DESTROY, &g, ctr);
	tr.polling = true;
	parse_file("dump-4.bin", &c);
	nfct_track_dump_begin(&tr);
	for (i = 0; i < 4; i++)
		nfct_track_dump(&tr, &c.f[i], 5000, 0, true);
	is_int(g.n, 0, "first dump: silent");
	is_int(tr.hash.count, 4, "... four flows in the table");
	nfct_track_dump_begin(&tr);
	nfct_track_dump(&tr, &c.f[3], 5010, 0, false);
	nfct_track_dump(&tr, &c.f[0], 5010, 0, false);
	is_int(g.n, 2, "polling: each live flow reported as UPDATE");
	is_int(nfct_track_purge(&tr, 5010, 5), 2,
	       "purge: the two the dump did not list");
	is_int(g.n, 4, "... reported");
	ok(g.ev[2] == NFCT_EV_DESTROY && g.t[2].has_end &&
		   g.t[2].end_sec == 5010 && g.t[2].end_usec == 5,
	   "... as DESTROY ending at the purge");
	ok(g.t[2].has_start, "... starting at the kernel's timestamp");
	ok(g.f[2].pkts[0] >= 1, "... with their last counters");
	is_int(ctr[NFCT_TC_PURGED], 2, "purged counted");
	nfct_track_free(&tr);

	/* A full table counts what it cannot hold. */
	tracker(&tr, true, NFCT_EV_DESTROY, &g, ctr);
	parse_file("dump-4.bin", &c);
	nfct_track_dump_begin(&tr);
	for (i = 0; i < 4; i++)
		nfct_track_dump(&tr, &c.f[i], 1, 0, true);
	f = one("noacct-new.bin");
	nfct_track_event(&tr, &f, 2, 0);
	is_int(ctr[NFCT_TC_HASH_FULL], 1, "table of 4 full: counted");
	nfct_track_free(&tr);
}

/* ---- keys through a real stack ------------------------------------------- */

static const struct nfp_plugin flowin = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_INPUT,
	.name = "FLOWIN",
	.summary = "test input with NFCT's keys",
	.out_keys = nfct_keys,
};

/* Label names push() fills ct.labels with; NULL: bit numbers. */
static struct nfct_labelmap *push_map;

static void push(struct nfpt *t, const struct nfct_flow *f, uint32_t ev,
		 const struct nfct_times *tm)
{
	struct nfp_inst *in = nfpt_inst(t, "in");
	struct nfp_rec *rec = nfp_rec_new(in);

	if (!rec)
		bail_out("FLOWIN feeds nothing");
	nfct_fill(rec, f, ev, tm, push_map);
	nfp_rec_push(in, rec);
}

static void test_keys(void)
{
	static const struct nfp_plugin *const plugins[] = { &flowin, NULL };
	struct nfpt *t =
		nfpt_new("[global]\nstack=in:FLOWIN,cap:CAPTURE\n", plugins);
	struct nfct_times tm = { .has_start = true,
				 .has_end = true,
				 .start_sec = 1795548704,
				 .start_usec = 539787,
				 .end_sec = 1795548705,
				 .end_usec = 701285 };
	struct nfct_flow f = one("ftp-data-new.bin"), d;

	push(t, &f, NFCT_EV_NEW, NULL);
	is_str(nfpt_get(t, "cap", "orig.ip.saddr"), "10.77.1.2",
	       "orig.ip.saddr");
	is_str(nfpt_get(t, "cap", "reply.ip.daddr"), "10.77.2.1",
	       "reply.ip.daddr: the NAT address");
	is_str(nfpt_get(t, "cap", "orig.l4.dport"), "50000", "orig.l4.dport");
	is_str(nfpt_get(t, "cap", "orig.ip.protocol"), "6", "orig.ip.protocol");
	is_str(nfpt_get(t, "cap", "ct.state"), "RELATED", "ct.state RELATED");
	is_str(nfpt_get(t, "cap", "ct.master.ip.saddr"), "10.77.1.2",
	       "ct.master.ip.saddr");
	is_str(nfpt_get(t, "cap", "ct.master.l4.dport"), "21",
	       "ct.master.l4.dport");
	is_str(nfpt_get(t, "cap", "ct.event"), "1", "ct.event 1 (NEW)");
	is_str(nfpt_get(t, "cap", "ct.id"), "1576504206", "ct.id");
	is_str(nfpt_get(t, "cap", "ct.status.str"),
	       "EXPECTED|CONFIRMED|SRC_NAT|SRC_NAT_DONE|DST_NAT_DONE",
	       "ct.status.str");
	is_str(nfpt_get(t, "cap", "ct.status"), "409", "ct.status 0x199");
	is_str(nfpt_get(t, "cap", "ct.tcp.state"), "SYN_SENT", "ct.tcp.state");
	is_str(nfpt_get(t, "cap", "ct.timeout"), "120", "ct.timeout");
	is_str(nfpt_get(t, "cap", "orig.raw.pktcount"), "0",
	       "counters 0 without accounting data (as ulogd2)");
	is_str(nfpt_get(t, "cap", "ct.mark"), "0", "ct.mark 0 when absent");
	is_str(nfpt_get(t, "cap", "oob.family"), "2", "oob.family AF_INET");
	is_str(nfpt_get(t, "cap", "oob.protocol"), "2048",
	       "oob.protocol ETH_P_IP");
	ok(nfpt_get(t, "cap", "flow.start.sec") == NULL,
	   "no flow.start when none given");
	ok(nfpt_get(t, "cap", "icmp.type") == NULL, "no icmp.type for TCP");
	ok(nfpt_get(t, "cap", "ct.helper") == NULL, "no helper on data flow");

	d = one("ftp-data-destroy.bin");
	push(t, &d, NFCT_EV_DESTROY, &tm);
	is_str(nfpt_get(t, "cap", "orig.raw.pktlen"), "268",
	       "orig.raw.pktlen 268");
	is_str(nfpt_get(t, "cap", "reply.raw.pktcount"), "4",
	       "reply.raw.pktcount 4");
	is_str(nfpt_get(t, "cap", "flow.start.sec"), "1795548704",
	       "flow.start.sec");
	is_str(nfpt_get(t, "cap", "flow.start.usec"), "539787",
	       "flow.start.usec");
	is_str(nfpt_get(t, "cap", "flow.end.usec"), "701285", "flow.end.usec");
	is_str(nfpt_get(t, "cap", "ct.event"), "4", "ct.event 4 (DESTROY)");
	ok(nfpt_get(t, "cap", "ct.master.ip.saddr") == NULL,
	   "no master unless the tracker merged one");

	f = one("icmp6-new.bin");
	push(t, &f, NFCT_EV_NEW, NULL);
	is_str(nfpt_get(t, "cap", "orig.ip.daddr"), "fd77:2::2",
	       "IPv6 orig.ip.daddr");
	is_str(nfpt_get(t, "cap", "icmpv6.type"), "128", "icmpv6.type");
	is_str(nfpt_get(t, "cap", "reply.icmp.type"), "129", "reply.icmp.type");
	is_str(nfpt_get(t, "cap", "icmp.id"), "25671", "icmp.id");
	is_str(nfpt_get(t, "cap", "oob.protocol"), "34525",
	       "oob.protocol ETH_P_IPV6");
	ok(nfpt_get(t, "cap", "orig.l4.sport") == NULL, "no ports for ICMPv6");
	ok(nfpt_get(t, "cap", "icmp.type") == NULL,
	   "icmp.type is ICMP's, not ICMPv6's (as ulogd2)");

	f = one("udp4-zone-new.bin");
	push(t, &f, NFCT_EV_NEW, NULL);
	is_str(nfpt_get(t, "cap", "ct.zone"), "7", "ct.zone");
	is_int(nfpt_count(t, "cap"), 4, "four records");
	nfpt_free(t);
}

/* ---- options ------------------------------------------------------------- */

/*
 * Check a config with an NFCT instance; @buf gets the diagnostics and what
 * the plugin logged (configure() explains itself in the log).
 */
static int check_conf(const char *body, char *buf, size_t len)
{
	static const struct nfp_plugin *const plugins[] = { &nfp_input_nfct,
							    NULL };
	char conf[1024], logf[] = "/tmp/test_nfct.XXXXXX";
	size_t o;
	FILE *f;
	int n, fd;

	snprintf(conf, sizeof(conf),
		 "[global]\nstack=ct:NFCT,cap:CAPTURE\n[ct]\n%s\n", body);
	fd = mkstemp(logf);
	if (fd < 0 || nfp_log_open(logf, NFP_LOG_INFO) < 0)
		bail_out("cannot log to %s", logf);
	close(fd);
	n = nfpt_check(conf, plugins, buf, len);
	nfp_log_close();
	o = strlen(buf);
	f = fopen(logf, "r");
	if (f) {
		o += fread(buf + o, 1, len - o - 1, f);
		buf[o] = '\0';
		fclose(f);
	}
	unlink(logf);
	return n;
}

static void test_options(void)
{
	char buf[4096];

	is_int(check_conf("hash_enable=1", buf, sizeof(buf)), 0,
	       "a plain NFCT config checks");
	is_int(check_conf("accept_src_filter=10.0.0.0/33", buf, sizeof(buf)), 1,
	       "a bad filter is a config error");
	like(buf, "bad prefix length", "... that says why");
	is_int(check_conf("pollinterval=10\nhash_enable=0", buf, sizeof(buf)),
	       1, "polling without the table is refused");
	like(buf, "hash_enable=1", "... naming the fix");
	is_int(check_conf("event_mask=8", buf, sizeof(buf)), 1,
	       "event_mask beyond NEW|UPDATE|DESTROY refused");
	is_int(check_conf("netns=/run/netns/a\nnetwork_namespace_path=/b", buf,
			  sizeof(buf)),
	       1, "netns given twice refused");
	is_int(check_conf("pollinterval=2s\naccept_proto_filter=tcp,udp\n"
			  "event_mask=0x7\nreliable=1",
			  buf, sizeof(buf)),
	       0, "ulogd2-style options check");
}

/* ---- attributes the library decodes that the old parser did not ------- */

/* A ctnetlink message being built in @buf: header and nfgenmsg. */
static struct nlmsghdr *msg_begin(char *buf, uint8_t type, uint16_t flags,
				  uint8_t family)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *g;

	nlh->nlmsg_type = (uint16_t)((NFNL_SUBSYS_CTNETLINK << 8) | type);
	nlh->nlmsg_flags = flags;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->nfgen_family = family;
	g->version = NFNETLINK_V0;
	return nlh;
}

/* An IPv4 tuple @which; @zone < 0: no CTA_TUPLE_ZONE. */
static void put_tuple4(struct nlmsghdr *nlh, uint16_t which, uint32_t src,
		       uint32_t dst, uint8_t proto, uint16_t sport,
		       uint16_t dport, int zone)
{
	struct nlattr *t = mnl_attr_nest_start(nlh, which), *n;

	n = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
	mnl_attr_put_u32(nlh, CTA_IP_V4_SRC, htonl(src));
	mnl_attr_put_u32(nlh, CTA_IP_V4_DST, htonl(dst));
	mnl_attr_nest_end(nlh, n);
	n = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
	mnl_attr_put_u8(nlh, CTA_PROTO_NUM, proto);
	mnl_attr_put_u16(nlh, CTA_PROTO_SRC_PORT, htons(sport));
	mnl_attr_put_u16(nlh, CTA_PROTO_DST_PORT, htons(dport));
	mnl_attr_nest_end(nlh, n);
	if (zone >= 0)
		mnl_attr_put_u16(nlh, CTA_TUPLE_ZONE, htons((uint16_t)zone));
	mnl_attr_nest_end(nlh, t);
}

/* Both tuples of a flow 10.1.0.1 -> 10.2.0.1 (no NAT) of @proto. */
static struct nlmsghdr *flow_msg(char *buf, uint8_t type, uint16_t flags,
				 uint8_t proto, uint16_t sport, uint16_t dport)
{
	struct nlmsghdr *nlh = msg_begin(buf, type, flags, AF_INET);

	put_tuple4(nlh, CTA_TUPLE_ORIG, 0x0a010001, 0x0a020001, proto, sport,
		   dport, -1);
	put_tuple4(nlh, CTA_TUPLE_REPLY, 0x0a020001, 0x0a010001, proto, dport,
		   sport, -1);
	mnl_attr_put_u32(nlh, CTA_STATUS,
			 htonl(IPS_CONFIRMED | IPS_SEEN_REPLY));
	mnl_attr_put_u32(nlh, CTA_ID, htonl(77));
	return nlh;
}

/* The one flow of the message @nlh, or bail out. */
static struct nfct_flow parse_msg(const struct nlmsghdr *nlh, const char *what)
{
	struct flows c;

	memset(&c, 0, sizeof(c));
	nfct_dgram(&tp, nlh, nlh->nlmsg_len, &col_ops, &c);
	if (c.n != 1)
		bail_out("%s: %u flows (%s)", what, c.n, c.why ? c.why : "");
	return c.f[0];
}

static void test_attrs(void)
{
	static const struct nfp_plugin *const plugins[] = { &flowin, NULL };
	struct nfpt *t =
		nfpt_new("[global]\nstack=in:FLOWIN,cap:CAPTURE\n", plugins);
	static char buf[2048];
	struct nlmsghdr *nlh;
	struct nlattr *n, *m;
	struct nfct_flow f;
	uint8_t labels[16] = { 0 };
	char path[] = "/tmp/nfct-labels-XXXXXX";
	int fd;

	/* GRE: the keys come as CTA_PROTO_SRC/DST_PORT (PPTP call ids). */
	nlh = flow_msg(buf, IPCTNL_MSG_CT_NEW, NLM_F_CREATE, IPPROTO_GRE,
		       0x1234, 0xabcd);
	f = parse_msg(nlh, "gre");
	push(t, &f, NFCT_EV_NEW, NULL);
	is_str(nfpt_get(t, "cap", "orig.gre.srckey"), "4660",
	       "gre: orig.gre.srckey 0x1234");
	is_str(nfpt_get(t, "cap", "orig.gre.dstkey"), "43981",
	       "gre: orig.gre.dstkey 0xabcd");
	is_str(nfpt_get(t, "cap", "reply.gre.srckey"), "43981",
	       "gre: reply.gre.srckey");
	is_str(nfpt_get(t, "cap", "reply.gre.dstkey"), "4660",
	       "gre: reply.gre.dstkey");
	ok(nfpt_get(t, "cap", "orig.l4.sport") == NULL,
	   "gre: keys are no ports");
	ok(nfpt_get(t, "cap", "ct.sctp.state") == NULL &&
		   nfpt_get(t, "cap", "ct.labels") == NULL &&
		   nfpt_get(t, "cap", "ct.secctx") == NULL &&
		   nfpt_get(t, "cap", "ct.zone.orig") == NULL &&
		   nfpt_get(t, "cap", "ct.use") == NULL &&
		   nfpt_get(t, "cap", "ct.synproxy.isn") == NULL,
	   "gre: what the message lacks stays unset");

	/* SCTP with its state and verification tags, in a dump. */
	nlh = flow_msg(buf, IPCTNL_MSG_CT_NEW, NLM_F_MULTI, IPPROTO_SCTP, 40000,
		       9);
	n = mnl_attr_nest_start(nlh, CTA_PROTOINFO);
	m = mnl_attr_nest_start(nlh, CTA_PROTOINFO_SCTP);
	mnl_attr_put_u8(nlh, CTA_PROTOINFO_SCTP_STATE, 4);
	mnl_attr_put_u32(nlh, CTA_PROTOINFO_SCTP_VTAG_ORIGINAL,
			 htonl(0xdeadbeef));
	mnl_attr_put_u32(nlh, CTA_PROTOINFO_SCTP_VTAG_REPLY, htonl(12345));
	mnl_attr_nest_end(nlh, m);
	mnl_attr_nest_end(nlh, n);
	mnl_attr_put_u32(nlh, CTA_USE, htonl(1));
	f = parse_msg(nlh, "sctp");
	is_int(f.kind, NFCT_KIND_DUMP, "sctp: a dump entry");
	push(t, &f, NFCT_EV_UPDATE, NULL);
	is_str(nfpt_get(t, "cap", "ct.sctp.state"), "ESTABLISHED",
	       "sctp: ct.sctp.state ESTABLISHED");
	is_str(nfpt_get(t, "cap", "ct.sctp.vtag.orig"), "3735928559",
	       "sctp: ct.sctp.vtag.orig");
	is_str(nfpt_get(t, "cap", "ct.sctp.vtag.reply"), "12345",
	       "sctp: ct.sctp.vtag.reply");
	is_str(nfpt_get(t, "cap", "orig.l4.dport"), "9", "sctp: ports");
	is_str(nfpt_get(t, "cap", "ct.use"), "1", "sctp: ct.use");
	ok(nfpt_get(t, "cap", "orig.gre.srckey") == NULL, "sctp: no GRE keys");
	is_str(nfct_sctp_state(9), "HEARTBEAT_ACKED", "sctp: last state name");
	is_str(nfct_sctp_state(10), "NONE", "sctp: unknown state is NONE");

	/* DCCP: state and role. */
	nlh = flow_msg(buf, IPCTNL_MSG_CT_NEW, 0, IPPROTO_DCCP, 5001, 5002);
	n = mnl_attr_nest_start(nlh, CTA_PROTOINFO);
	m = mnl_attr_nest_start(nlh, CTA_PROTOINFO_DCCP);
	mnl_attr_put_u8(nlh, CTA_PROTOINFO_DCCP_STATE, 7);
	mnl_attr_put_u8(nlh, CTA_PROTOINFO_DCCP_ROLE, 0);
	mnl_attr_put_u64(nlh, CTA_PROTOINFO_DCCP_HANDSHAKE_SEQ, htobe64(9));
	mnl_attr_nest_end(nlh, m);
	mnl_attr_nest_end(nlh, n);
	f = parse_msg(nlh, "dccp");
	is_int(f.kind, NFCT_KIND_UPDATE, "dccp: an UPDATE event");
	push(t, &f, NFCT_EV_UPDATE, NULL);
	is_str(nfpt_get(t, "cap", "ct.dccp.state"), "TIMEWAIT",
	       "dccp: ct.dccp.state TIMEWAIT");
	is_str(nfpt_get(t, "cap", "ct.dccp.role"), "client",
	       "dccp: ct.dccp.role client");

	/* Directional zone, security context, synproxy, labels. */
	nlh = msg_begin(buf, IPCTNL_MSG_CT_NEW, NLM_F_CREATE, AF_INET);
	put_tuple4(nlh, CTA_TUPLE_ORIG, 0x0a010001, 0x0a020001, IPPROTO_TCP,
		   1025, 80, 5);
	put_tuple4(nlh, CTA_TUPLE_REPLY, 0x0a020001, 0x0a010001, IPPROTO_TCP,
		   80, 1025, -1);
	mnl_attr_put_u32(nlh, CTA_STATUS, htonl(IPS_CONFIRMED));
	n = mnl_attr_nest_start(nlh, CTA_SECCTX);
	mnl_attr_put_strz(nlh, CTA_SECCTX_NAME,
			  "system_u:object_r:unlabeled_t:s0");
	mnl_attr_nest_end(nlh, n);
	n = mnl_attr_nest_start(nlh, CTA_SYNPROXY);
	mnl_attr_put_u32(nlh, CTA_SYNPROXY_ISN, htonl(1000));
	mnl_attr_put_u32(nlh, CTA_SYNPROXY_ITS, htonl(2000));
	mnl_attr_put_u32(nlh, CTA_SYNPROXY_TSOFF, htonl(3000));
	mnl_attr_nest_end(nlh, n);
	labels[0] = 0x21;  /* bits 0 and 5 */
	labels[12] = 0x10; /* bit 100 */
	mnl_attr_put(nlh, CTA_LABELS, sizeof(labels), labels);
	f = parse_msg(nlh, "zone");
	push(t, &f, NFCT_EV_NEW, NULL);
	is_str(nfpt_get(t, "cap", "ct.zone.orig"), "5", "ct.zone.orig 5");
	ok(nfpt_get(t, "cap", "ct.zone.reply") == NULL,
	   "no ct.zone.reply: the zone is the original direction's only");
	is_str(nfpt_get(t, "cap", "ct.zone"), "0",
	       "ct.zone stays CTA_ZONE's (absent: 0)");
	is_str(nfpt_get(t, "cap", "ct.secctx"),
	       "system_u:object_r:unlabeled_t:s0", "ct.secctx");
	is_str(nfpt_get(t, "cap", "ct.synproxy.isn"), "1000",
	       "ct.synproxy.isn");
	is_str(nfpt_get(t, "cap", "ct.synproxy.its"), "2000",
	       "ct.synproxy.its");
	is_str(nfpt_get(t, "cap", "ct.synproxy.tsoff"), "3000",
	       "ct.synproxy.tsoff");
	is_str(nfpt_get(t, "cap", "ct.labels"), "0,5,100",
	       "ct.labels without a label map: bit numbers");

	/* The same labels with names for two of them. */
	fd = mkstemp(path);
	if (fd < 0 || write(fd, "0 bulk\n5 voip\n", 14) != 14)
		bail_out("cannot write %s", path);
	close(fd);
	push_map = nfct_labelmap_new(path);
	ok(push_map != NULL, "connlabel file read");
	push(t, &f, NFCT_EV_NEW, NULL);
	is_str(nfpt_get(t, "cap", "ct.labels"), "bulk,voip,100",
	       "ct.labels: names, and the number of the unnamed one");
	if (push_map)
		nfct_labelmap_destroy(push_map);
	push_map = NULL;
	unlink(path);
	ok(nfct_labelmap_new("/nonexistent/connlabel.conf") == NULL,
	   "a missing connlabel file gives no map (numbers then)");

	/* The secctx is interned: the same string, the same pointer. */
	{
		struct nfct_flow g = parse_msg(nlh, "zone again");

		ok(g.secctx == f.secctx, "secctx interned once per parser");
	}

	/*
	 * Recorded on the kernel (6.18) with nfct-record: entries made by
	 * conntrack -I, a ping marked by `ct label set 3` and `... 100`.
	 * conntrack -E printed for them (labels it cannot name):
	 * [NEW] gre 47 100 src=10.0.0.1 dst=10.0.0.2 srckey=0x1234
	 *   dstkey=0xabcd [UNREPLIED] src=10.0.0.2 dst=10.0.0.1
	 *   srckey=0xabcd dstkey=0x1234
	 * [NEW] sctp 132 100 ESTABLISHED src=10.0.0.1 ... sport=1000 ...
	 * [NEW] udp 17 100 ... zone-orig=5 [UNREPLIED] ...
	 * [NEW] udp 17 100 ... [UNREPLIED] ... zone-reply=9
	 */
	f = one("gre-new.bin");
	push(t, &f, NFCT_EV_NEW, NULL);
	is_str(nfpt_get(t, "cap", "orig.gre.srckey"), "4660",
	       "recorded gre: srckey=0x1234");
	is_str(nfpt_get(t, "cap", "reply.gre.dstkey"), "4660",
	       "recorded gre: reply dstkey=0x1234");
	is_str(nfpt_get(t, "cap", "ct.synproxy.isn"), "0",
	       "recorded gre: conntrack -I entries carry a synproxy part");
	f = one("sctp-new.bin");
	push(t, &f, NFCT_EV_NEW, NULL);
	is_str(nfpt_get(t, "cap", "ct.sctp.state"), "ESTABLISHED",
	       "recorded sctp: ESTABLISHED");
	/* conntrack -I --orig-vtag 7 --reply-vtag 8 swaps the bytes. */
	is_str(nfpt_get(t, "cap", "ct.sctp.vtag.orig"), "117440512",
	       "recorded sctp: the kernel's vtag 0x07000000");
	is_str(nfpt_get(t, "cap", "ct.sctp.vtag.reply"), "134217728",
	       "recorded sctp: reply vtag 0x08000000");
	f = one("udp4-zorig-new.bin");
	push(t, &f, NFCT_EV_NEW, NULL);
	ok(!strcmp(nfpt_get(t, "cap", "ct.zone.orig") ?: "", "5") &&
		   !nfpt_get(t, "cap", "ct.zone.reply"),
	   "recorded --orig-zone 5: ct.zone.orig 5, no ct.zone.reply");
	f = one("udp4-zreply-new.bin");
	push(t, &f, NFCT_EV_NEW, NULL);
	ok(!strcmp(nfpt_get(t, "cap", "ct.zone.reply") ?: "", "9") &&
		   !nfpt_get(t, "cap", "ct.zone.orig"),
	   "recorded --reply-zone 9: ct.zone.reply 9, no ct.zone.orig");
	f = one("icmp4-label-new.bin");
	push(t, &f, NFCT_EV_NEW, NULL);
	is_str(nfpt_get(t, "cap", "ct.labels"), "3,100",
	       "recorded ct label set 3 and 100: ct.labels 3,100");

	/* A message without them, parsed next, carries none of them. */
	nlh = flow_msg(buf, IPCTNL_MSG_CT_NEW, NLM_F_CREATE, IPPROTO_UDP, 1, 2);
	f = parse_msg(nlh, "plain");
	ok(!(f.has & (NFCT_HAS_LABELS | NFCT_HAS_SECCTX | NFCT_HAS_SYN_ISN |
		      NFCT_HAS_SCTP_STATE | NFCT_HAS_USE)) &&
		   !(f.orig.has & NFCT_TUP_ZONE),
	   "the reused conntrack object was emptied between messages");
	nfpt_free(t);
}

/* What would make libnetfilter_conntrack exit() or overflow is refused. */
static void test_guard(void)
{
	static char buf[1024];
	struct nlmsghdr *nlh;
	struct nlattr *n, *m;
	struct flows c;
	static const char nonul[4] = { 'a', 'b', 'c', 'd' };

	/* A CTA_TUPLE_ZONE of 4 bytes: the library would exit(). */
	nlh = msg_begin(buf, IPCTNL_MSG_CT_NEW, 0, AF_INET);
	n = mnl_attr_nest_start(nlh, CTA_TUPLE_ORIG);
	mnl_attr_put_u32(nlh, CTA_TUPLE_ZONE, 1);
	mnl_attr_nest_end(nlh, n);
	memset(&c, 0, sizeof(c));
	nfct_dgram(&tp, buf, nlh->nlmsg_len, &col_ops, &c);
	is_int(c.malformed, 1, "4-byte tuple zone: malformed, no exit");
	like(c.why ? c.why : "", "CTA_TUPLE_ZONE", "... and named");

	/* A security context that does not end inside its attribute. */
	nlh = flow_msg(buf, IPCTNL_MSG_CT_NEW, 0, IPPROTO_UDP, 1, 2);
	n = mnl_attr_nest_start(nlh, CTA_SECCTX);
	mnl_attr_put(nlh, CTA_SECCTX_NAME, sizeof(nonul), nonul);
	mnl_attr_nest_end(nlh, n);
	memset(&c, 0, sizeof(c));
	nfct_dgram(&tp, buf, nlh->nlmsg_len, &col_ops, &c);
	is_int(c.malformed, 1, "secctx without its NUL: malformed");

	/* CTA_PROTOINFO member 5, past the library's table. */
	nlh = flow_msg(buf, IPCTNL_MSG_CT_NEW, 0, IPPROTO_TCP, 1, 2);
	n = mnl_attr_nest_start(nlh, CTA_PROTOINFO);
	m = mnl_attr_nest_start(nlh, 5);
	mnl_attr_nest_end(nlh, m);
	mnl_attr_nest_end(nlh, n);
	memset(&c, 0, sizeof(c));
	nfct_dgram(&tp, buf, nlh->nlmsg_len, &col_ops, &c);
	is_int(c.malformed, 1, "CTA_PROTOINFO member 5: malformed");

	/* A 3-byte nest and an 8-byte SCTP state. */
	nlh = flow_msg(buf, IPCTNL_MSG_CT_NEW, 0, IPPROTO_SCTP, 1, 2);
	n = mnl_attr_nest_start(nlh, CTA_PROTOINFO);
	m = mnl_attr_nest_start(nlh, CTA_PROTOINFO_SCTP);
	mnl_attr_put_u64(nlh, CTA_PROTOINFO_SCTP_STATE, 1);
	mnl_attr_nest_end(nlh, m);
	mnl_attr_nest_end(nlh, n);
	memset(&c, 0, sizeof(c));
	nfct_dgram(&tp, buf, nlh->nlmsg_len, &col_ops, &c);
	is_int(c.malformed, 1, "8-byte SCTP state: malformed");
	like(c.why ? c.why : "", "SCTP_STATE", "... and named");

	/* An attribute type nobody knows is skipped, as before. */
	nlh = flow_msg(buf, IPCTNL_MSG_CT_NEW, 0, IPPROTO_UDP, 1, 2);
	mnl_attr_put_u8(nlh, 200, 1);
	memset(&c, 0, sizeof(c));
	nfct_dgram(&tp, buf, nlh->nlmsg_len, &col_ops, &c);
	is_int(c.n, 1, "unknown top-level attribute: skipped");
}

int main(void)
{
	if (nfct_parser_init(&tp))
		bail_out("no memory for the parser");
	setenv("TZ", "UTC", 1);
	test_tcp4();
	test_udp_icmp();
	test_related();
	test_dump();
	test_against_lib();
	test_malformed();
	test_status();
	test_filters();
	test_hash();
	test_tracker();
	test_keys();
	test_attrs();
	test_guard();
	test_options();
	nfct_parser_free(&tp);
	return done_testing();
}
