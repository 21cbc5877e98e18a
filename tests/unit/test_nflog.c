/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_nflog - the NFLOG input: parser, record keys, options
 *
 * Without root: hand-built messages (every edge the parser must survive),
 * datagrams recorded from a real kernel (tests/data/nflog, see its README
 * for how they were made and decoded), the record keys through the real
 * engine, and the option table through config checks. Expected values come
 * from the wire format and from decoding the recordings by hand, never from
 * what the parser printed.
 *
 * As root, a last part runs the real plugin in a private network namespace
 * (unshare, gone when the test exits): nft rules log pings on loopback to
 * NFLOG groups, and the records, counters (ENOBUFS, sequence gaps) and the
 * "group already taken" error are checked. Without root it is skipped.
 *
 * "test_nflog --dump DIR" writes the hand-built datagrams to DIR as seeds
 * for the fuzzer's corpus.
 */
#include "nfp.h"

#include <arpa/inet.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netfilter/nfnetlink_log.h>
#include <linux/netlink.h>

#include "engine.h"
#include "harness.h"
#include "nflog_parse.h"
#include "tap.h"

extern const struct nfp_plugin nfp_input_nflog;

/* ---- building messages by hand ----------------------------------------- */

struct mb {
	uint8_t b[8192];	/* the datagram */
	size_t len;		/* bytes used */
	size_t start;		/* offset of the open message */
	size_t nest;		/* offset of the open nested attribute */
};

static void mb_put(struct mb *m, const void *d, size_t n)
{
	if (m->len + n > sizeof(m->b))
		bail_out("message builder overflow");
	memcpy(m->b + m->len, d, n);
	m->len += n;
}

static void mb_pad(struct mb *m)
{
	static const uint8_t zero[4];

	mb_put(m, zero, (4 - m->len % 4) % 4);
}

/* A netlink header (length fixed by mb_end) without a payload. */
static void mb_nlmsg(struct mb *m, uint16_t type, uint32_t seq)
{
	struct nlmsghdr h = { .nlmsg_type = type, .nlmsg_seq = seq };

	m->start = m->len;
	mb_put(m, &h, sizeof(h));
}

/* An NFLOG packet message: netlink header plus nfgenmsg. */
static void mb_pkt(struct mb *m, uint8_t family, uint16_t group)
{
	struct nfgenmsg g = { .nfgen_family = family,
			      .version = NFNETLINK_V0,
			      .res_id = htons(group) };

	mb_nlmsg(m, (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET, 0);
	mb_put(m, &g, sizeof(g));
}

static void mb_attr(struct mb *m, uint16_t type, const void *d, size_t n)
{
	struct nlattr a = { .nla_len = (uint16_t)(4 + n), .nla_type = type };

	mb_put(m, &a, sizeof(a));
	mb_put(m, d, n);
	mb_pad(m);
}

static void mb_be32(struct mb *m, uint16_t type, uint32_t v)
{
	v = htonl(v);
	mb_attr(m, type, &v, 4);
}

static void mb_be16(struct mb *m, uint16_t type, uint16_t v)
{
	v = htons(v);
	mb_attr(m, type, &v, 2);
}

static void mb_nest(struct mb *m, uint16_t type)
{
	struct nlattr a = { .nla_type = type | NLA_F_NESTED };

	m->nest = m->len;
	mb_put(m, &a, sizeof(a));
}

static void mb_nest_end(struct mb *m)
{
	uint16_t n = (uint16_t)(m->len - m->nest);

	memcpy(m->b + m->nest, &n, 2);
}

static void mb_end(struct mb *m)
{
	uint32_t n = (uint32_t)(m->len - m->start);

	memcpy(m->b + m->start, &n, 4);
}

/* The packet header attribute: ethertype and hook. */
static void mb_hdr(struct mb *m, uint16_t proto, uint8_t hook)
{
	uint8_t h[4] = { (uint8_t)(proto >> 8), (uint8_t)proto, hook, 0 };

	mb_attr(m, NFULA_PACKET_HDR, h, 4);
}

/* ---- collecting what nflog_dgram() reports ------------------------------ */

struct col {
	unsigned int npkt;		/* packets seen */
	struct nflog_pkt pkt[16];	/* the first 16 */
	unsigned int nev;		/* events seen */
	enum nflog_event ev[16];	/* the first 16 */
	uint32_t seq[16];		/* their nlmsg_seq */
	int err[16];			/* their error codes */
	const char *why[16];		/* their reasons */
};

static void col_packet(void *arg, const struct nflog_pkt *p)
{
	struct col *c = arg;

	if (c->npkt < 16)
		c->pkt[c->npkt] = *p;
	c->npkt++;
}

static void col_event(void *arg, enum nflog_event ev, uint32_t seq, int err,
		      const char *why)
{
	struct col *c = arg;

	if (c->nev < 16) {
		c->ev[c->nev] = ev;
		c->seq[c->nev] = seq;
		c->err[c->nev] = err;
		c->why[c->nev] = why;
	}
	c->nev++;
}

static const struct nflog_dgram_ops col_ops = {
	.packet = col_packet,
	.event = col_event,
};

static unsigned int walk(const void *buf, size_t len, struct col *c)
{
	memset(c, 0, sizeof(*c));
	return nflog_dgram(buf, len, &col_ops, c);
}

/* Hand-built datagrams, also written out by --dump. */
static const char *dump_dir;

static void dump(const char *name, const struct mb *m)
{
	char path[4096];
	FILE *f;

	if (!dump_dir)
		return;
	snprintf(path, sizeof(path), "%s/hand-%s.bin", dump_dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(m->b, 1, m->len, f) != m->len || fclose(f))
		bail_out("cannot write %s", path);
}

/* ---- hand-built messages ------------------------------------------------ */

static const uint8_t payload28[28] = {
	0x45, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x40, 0x01,
	0x00, 0x00, 0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,
	0x08, 0x00, 0xf7, 0xff, 0x00, 0x00, 0x00, 0x00,
};
static const uint8_t mac6[6] = { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };

/* A message with every attribute the kernel can send, values known. */
static void build_full(struct mb *m)
{
	uint8_t hw[12] = { 0, 6, 0, 0, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
	uint8_t ts[16] = { 0, 0, 0, 0, 0x65, 0x53, 0xf1, 0x00,	/* 1700000000 */
			   0, 0, 0, 0, 0x00, 0x01, 0xe2, 0x40 }; /* 123456 */
	uint8_t eth[14] = { 0x02, 0, 0, 0, 0, 1, 0xaa, 0xbb, 0xcc,
			    0xdd, 0xee, 0xff, 0x08, 0x00 };

	mb_pkt(m, AF_INET, 9);
	mb_hdr(m, 0x0800, 1);
	mb_attr(m, NFULA_PREFIX, "hello: ", 8);
	mb_be32(m, NFULA_IFINDEX_INDEV, 2);
	mb_be32(m, NFULA_IFINDEX_OUTDEV, 3);
	mb_be32(m, NFULA_IFINDEX_PHYSINDEV, 4);
	mb_be32(m, NFULA_IFINDEX_PHYSOUTDEV, 5);
	mb_be32(m, NFULA_MARK, 0x2a);
	mb_attr(m, NFULA_HWADDR, hw, sizeof(hw));
	mb_be16(m, NFULA_HWTYPE, 1);
	mb_be16(m, NFULA_HWLEN, 14);
	mb_attr(m, NFULA_HWHEADER, eth, sizeof(eth));
	mb_attr(m, NFULA_TIMESTAMP, ts, sizeof(ts));
	mb_be32(m, NFULA_UID, 1000);
	mb_be32(m, NFULA_GID, 100);
	mb_be32(m, NFULA_SEQ, 7);
	mb_be32(m, NFULA_SEQ_GLOBAL, 99);
	mb_attr(m, NFULA_PAYLOAD, payload28, sizeof(payload28));
	mb_end(m);
}

static void test_full(void)
{
	struct nflog_pkt p;
	struct mb m = { 0 };
	int ret;

	build_full(&m);
	dump("full", &m);
	ret = nflog_parse(m.b, m.len, &p);
	is_int(ret, 0, "full message parses");
	is_int(p.family, AF_INET, "family");
	is_int(p.group, 9, "group from res_id");
	is_int(p.hw_protocol, 0x0800, "ethertype");
	is_int(p.hook, 1, "hook");
	is_int(p.prefix_len, 7, "prefix length");
	ok(p.prefix_nul && !memcmp(p.prefix, "hello: ", 7), "prefix text");
	is_int(p.indev, 2, "indev");
	is_int(p.outdev, 3, "outdev");
	is_int(p.physindev, 4, "physindev");
	is_int(p.physoutdev, 5, "physoutdev");
	is_int(p.mark, 0x2a, "mark");
	is_int(p.hwaddr_len, 6, "hw address length");
	ok(p.hwaddr && !memcmp(p.hwaddr, mac6, 6), "hw address bytes");
	is_int(p.hwtype, 1, "hwtype");
	is_int(p.hwlen, 14, "hwlen");
	is_int(p.hwheader_len, 14, "hw header length");
	ok(p.hwheader && p.hwheader[12] == 0x08 && p.hwheader[13] == 0,
	   "hw header bytes");
	is_int((int64_t)p.ts_sec, 1700000000, "timestamp seconds");
	is_int((int64_t)p.ts_usec, 123456, "timestamp microseconds");
	is_int(p.uid, 1000, "uid");
	is_int(p.gid, 100, "gid");
	is_int(p.seq, 7, "local sequence");
	is_int(p.seq_global, 99, "global sequence");
	is_int(p.payload_len, 28, "payload length");
	ok(p.payload && !memcmp(p.payload, payload28, 28), "payload bytes");
	ok(!(p.has & (NFLOG_HAS_CT | NFLOG_HAS_CT_INFO)), "no conntrack");

	/* Every multi-byte read goes through memcpy: odd addresses work. */
	{
		static uint8_t odd[sizeof(m.b) + 1];

		memcpy(odd + 1, m.b, m.len);
		ret = nflog_parse(odd + 1, m.len, &p);
		ok(ret == 0 && p.mark == 0x2a && p.seq_global == 99,
		   "parses at an odd address");
	}
}

static void test_malformed(void)
{
	struct nflog_pkt p;
	struct mb m;
	uint8_t junk[2] = { 1, 2 };
	uint8_t ts[16] = { 0 };
	uint8_t hw[12] = { 0, 20 };	/* addrlen 20: more than 8 */
	struct nlattr a;

	/* A 4-byte attribute cut to 2 bytes. */
	memset(&m, 0, sizeof(m));
	mb_pkt(&m, AF_INET, 1);
	mb_hdr(&m, 0x0800, 3);
	mb_attr(&m, NFULA_MARK, junk, 2);
	mb_end(&m);
	dump("short-mark", &m);
	is_int(nflog_parse(m.b, m.len, &p), -EBADMSG,
	       "short NFULA_MARK rejected");
	like(p.why, "NFULA_MARK", "reason names the attribute");

	/* An attribute that claims more bytes than the message has. */
	memset(&m, 0, sizeof(m));
	mb_pkt(&m, AF_INET, 1);
	mb_hdr(&m, 0x0800, 3);
	a.nla_len = 200;
	a.nla_type = NFULA_PAYLOAD;
	mb_put(&m, &a, sizeof(a));
	mb_put(&m, payload28, 8);
	mb_end(&m);
	dump("past-end", &m);
	is_int(nflog_parse(m.b, m.len, &p), -EBADMSG,
	       "attribute past the end rejected");
	like(p.why, "past the end", "reason: past the end");

	/* nla_len 0xffff: huge. */
	memset(&m, 0, sizeof(m));
	mb_pkt(&m, AF_INET, 1);
	mb_hdr(&m, 0x0800, 3);
	a.nla_len = 0xffff;
	a.nla_type = NFULA_PREFIX;
	mb_put(&m, &a, sizeof(a));
	mb_end(&m);
	dump("huge-nla", &m);
	is_int(nflog_parse(m.b, m.len, &p), -EBADMSG,
	       "nla_len 0xffff rejected");

	/* nla_len 2: shorter than its own header, would loop forever. */
	memset(&m, 0, sizeof(m));
	mb_pkt(&m, AF_INET, 1);
	mb_hdr(&m, 0x0800, 3);
	a.nla_len = 2;
	a.nla_type = NFULA_MARK;
	mb_put(&m, &a, sizeof(a));
	mb_end(&m);
	dump("tiny-nla", &m);
	is_int(nflog_parse(m.b, m.len, &p), -EBADMSG, "nla_len 2 rejected");
	like(p.why, "shorter than its header", "reason: below header size");

	/* No packet header: hook and protocol would be made up. */
	memset(&m, 0, sizeof(m));
	mb_pkt(&m, AF_INET, 1);
	mb_be32(&m, NFULA_MARK, 1);
	mb_end(&m);
	dump("no-hdr", &m);
	is_int(nflog_parse(m.b, m.len, &p), -EBADMSG,
	       "missing header rejected");

	/* Microseconds of a million or more cannot come from the kernel. */
	memset(&m, 0, sizeof(m));
	mb_pkt(&m, AF_INET, 1);
	mb_hdr(&m, 0x0800, 1);
	ts[7] = 1;
	ts[13] = 0x0f;
	ts[14] = 0x42;
	ts[15] = 0x40;	/* usec = 0x0f4240 = 1000000 */
	mb_attr(&m, NFULA_TIMESTAMP, ts, sizeof(ts));
	mb_end(&m);
	is_int(nflog_parse(m.b, m.len, &p), -EBADMSG, "usec 1000000 rejected");

	/* A short timestamp. */
	memset(&m, 0, sizeof(m));
	mb_pkt(&m, AF_INET, 1);
	mb_hdr(&m, 0x0800, 1);
	mb_attr(&m, NFULA_TIMESTAMP, ts, 12);
	mb_end(&m);
	is_int(nflog_parse(m.b, m.len, &p), -EBADMSG,
	       "12-byte timestamp rejected");

	/* A hardware address length above the 8 bytes the struct holds. */
	memset(&m, 0, sizeof(m));
	mb_pkt(&m, AF_INET, 1);
	mb_hdr(&m, 0x0800, 1);
	mb_attr(&m, NFULA_HWADDR, hw, sizeof(hw));
	mb_end(&m);
	is_int(nflog_parse(m.b, m.len, &p), 0, "HWADDR with length 20 parses");
	is_int(p.hwaddr_len, 8, "its length is clamped to 8");

	/* Shorter than a netlink header, and nlmsg_len beyond the buffer. */
	memset(&m, 0, sizeof(m));
	mb_pkt(&m, AF_INET, 1);
	mb_hdr(&m, 0x0800, 1);
	mb_end(&m);
	is_int(nflog_parse(m.b, 10, &p), -EBADMSG, "10 bytes rejected");
	is_int(nflog_parse(m.b, 0, &p), -EBADMSG, "0 bytes rejected");
	is_int(nflog_parse(m.b, m.len - 4, &p), -EBADMSG,
	       "nlmsg_len past the buffer rejected");

	/* A message of another subsystem is not ours to judge. */
	memset(&m, 0, sizeof(m));
	mb_nlmsg(&m, (NFNL_SUBSYS_CTNETLINK << 8) | 0, 0);
	mb_end(&m);
	is_int(nflog_parse(m.b, m.len, &p), -ENOMSG,
	       "conntrack message: ENOMSG");

	/* An attribute type from a future kernel is skipped. */
	memset(&m, 0, sizeof(m));
	mb_pkt(&m, AF_INET6, 1);
	mb_hdr(&m, 0x86dd, 2);
	mb_be32(&m, 200, 0xdeadbeef);
	mb_be32(&m, NFULA_MARK, 5);
	mb_end(&m);
	is_int(nflog_parse(m.b, m.len, &p), 0, "unknown attribute skipped");
	is_int(p.mark, 5, "attributes after it still read");
}

static void test_prefix_and_payload(void)
{
	struct nflog_pkt p;
	struct mb m;

	/* Missing payload (copy mode meta): fine, just absent. */
	memset(&m, 0, sizeof(m));
	mb_pkt(&m, AF_INET, 1);
	mb_hdr(&m, 0x0800, 4);
	mb_attr(&m, NFULA_PREFIX, "abc", 3);	/* no NUL */
	mb_end(&m);
	dump("prefix-nonul", &m);
	is_int(nflog_parse(m.b, m.len, &p), 0,
	       "message without payload parses");
	ok(!(p.has & NFLOG_HAS_PAYLOAD), "no payload flagged");
	is_int(p.prefix_len, 3, "unterminated prefix: 3 bytes");
	ok(!p.prefix_nul, "unterminated prefix flagged");

	memset(&m, 0, sizeof(m));
	mb_pkt(&m, AF_INET, 1);
	mb_hdr(&m, 0x0800, 4);
	mb_attr(&m, NFULA_PREFIX, "ab\0cd", 5);
	mb_attr(&m, NFULA_PAYLOAD, "", 0);
	mb_end(&m);
	is_int(nflog_parse(m.b, m.len, &p), 0, "embedded NUL parses");
	is_int(p.prefix_len, 2, "prefix ends at the first NUL");
	ok(p.has & NFLOG_HAS_PAYLOAD, "empty payload is present");
	is_int(p.payload_len, 0, "and empty");

	memset(&m, 0, sizeof(m));
	mb_pkt(&m, AF_INET, 1);
	mb_hdr(&m, 0x0800, 4);
	mb_attr(&m, NFULA_PREFIX, "", 0);
	mb_end(&m);
	is_int(nflog_parse(m.b, m.len, &p), 0, "zero-length prefix parses");
	ok(p.prefix_len == 0 && !p.prefix_nul, "as empty, unterminated");
}

static void test_conntrack(void)
{
	struct nflog_pkt p;
	struct mb m;
	uint8_t short2[2] = { 0, 1 };

	memset(&m, 0, sizeof(m));
	mb_pkt(&m, AF_INET, 1);
	mb_hdr(&m, 0x0800, 0);
	mb_nest(&m, NFULA_CT);
	{
		/* A nested tuple first: skipped without being descended. */
		struct nlattr t = { .nla_len = 12,
				    .nla_type = CTA_TUPLE_ORIG | NLA_F_NESTED };
		uint32_t junk = 0xffffffff;

		mb_put(&m, &t, sizeof(t));
		mb_put(&m, &junk, 4);
		mb_put(&m, &junk, 4);
	}
	mb_be32(&m, CTA_STATUS, 0x0000000e);
	mb_be32(&m, CTA_MARK, 5);
	mb_be32(&m, CTA_ID, 0xdeadbeef);
	mb_nest_end(&m);
	mb_be32(&m, NFULA_CT_INFO, 2);
	mb_end(&m);
	dump("ct", &m);
	is_int(nflog_parse(m.b, m.len, &p), 0, "message with NFULA_CT parses");
	ok(p.has & NFLOG_HAS_CT, "CT present");
	is_int(p.ct_status, 0xe, "CTA_STATUS");
	is_int(p.ct_mark, 5, "CTA_MARK");
	is_int(p.ct_id, 0xdeadbeef, "CTA_ID");
	is_int(p.ct_info, 2, "NFULA_CT_INFO");
	is_str(nflog_ct_state(p.ct_info), "NEW", "ctinfo 2 is NEW");

	memset(&m, 0, sizeof(m));
	mb_pkt(&m, AF_INET, 1);
	mb_hdr(&m, 0x0800, 0);
	mb_nest(&m, NFULA_CT);
	mb_attr(&m, CTA_MARK, short2, 2);
	mb_nest_end(&m);
	mb_end(&m);
	dump("ct-short", &m);
	is_int(nflog_parse(m.b, m.len, &p), -EBADMSG,
	       "short CTA_MARK rejected");
	like(p.why, "CTA_MARK", "reason names CTA_MARK");

	/* Nested length past the outer attribute. */
	memset(&m, 0, sizeof(m));
	mb_pkt(&m, AF_INET, 1);
	mb_hdr(&m, 0x0800, 0);
	mb_nest(&m, NFULA_CT);
	{
		struct nlattr t = { .nla_len = 64, .nla_type = CTA_ID };

		mb_put(&m, &t, sizeof(t));
		mb_put(&m, &t, sizeof(t));
	}
	mb_nest_end(&m);
	mb_end(&m);
	is_int(nflog_parse(m.b, m.len, &p), -EBADMSG,
	       "nested attribute past its parent rejected");

	/* enum ip_conntrack_info, from nf_conntrack_common.h. */
	is_str(nflog_ct_state(0), "ESTABLISHED", "0 ESTABLISHED");
	is_str(nflog_ct_state(1), "RELATED", "1 RELATED");
	is_str(nflog_ct_state(3), "ESTABLISHED", "3 ESTABLISHED_REPLY");
	is_str(nflog_ct_state(4), "RELATED", "4 RELATED_REPLY");
	is_str(nflog_ct_state(5), "NEW", "5 NEW_REPLY");
	is_str(nflog_ct_state(7), "UNTRACKED", "7 UNTRACKED");
	is_str(nflog_ct_state(6), "INVALID", "6 is no state");
	is_str(nflog_ct_state(0xffffffff), "INVALID", "garbage is INVALID");

	/* VLAN: nested proto and TCI. */
	memset(&m, 0, sizeof(m));
	mb_pkt(&m, AF_BRIDGE, 1);
	mb_hdr(&m, 0x0800, 0);
	mb_nest(&m, NFULA_VLAN);
	mb_be16(&m, NFULA_VLAN_PROTO, 0x8100);
	mb_be16(&m, NFULA_VLAN_TCI, 5);
	mb_nest_end(&m);
	mb_end(&m);
	dump("vlan", &m);
	is_int(nflog_parse(m.b, m.len, &p), 0,
	       "bridge message with VLAN parses");
	ok(p.vlan_proto == 0x8100 && p.vlan_tci == 5, "VLAN proto and TCI");
}

static void test_datagrams(void)
{
	struct col c;
	struct mb m = { 0 };
	struct nlmsghdr echo = { 0 };
	int32_t err;
	unsigned int i, n;

	/* Nothing at all. */
	n = walk(m.b, 0, &c);
	ok(n == 0 && c.nev == 0, "empty datagram: nothing");

	/* Three packets and the NLMSG_DONE a kernel batch ends with. */
	memset(&m, 0, sizeof(m));
	for (i = 0; i < 3; i++) {
		mb_pkt(&m, AF_INET, 4);
		mb_hdr(&m, 0x0800, 3);
		mb_be32(&m, NFULA_SEQ, 10 + i);
		mb_attr(&m, NFULA_PAYLOAD, payload28, 20 + i);
		mb_end(&m);
	}
	mb_nlmsg(&m, NLMSG_DONE, 0);
	mb_put(&m, "\0\0\0\0", 4);
	mb_end(&m);
	dump("batch", &m);
	n = walk(m.b, m.len, &c);
	is_int(n, 3, "batch: three packets");
	ok(c.pkt[0].seq == 10 && c.pkt[1].seq == 11 && c.pkt[2].seq == 12,
	   "batch: in order");
	is_int(c.pkt[2].payload_len, 22, "batch: third payload 22 bytes");
	ok(c.nev == 1 && c.ev[0] == NFLOG_EV_DONE, "batch: NLMSG_DONE seen");

	/* The same, cut in the middle of the second message. */
	n = walk(m.b, 100, &c);
	is_int(n, 1, "cut batch: one packet");
	ok(c.nev == 1 && c.ev[0] == NFLOG_EV_TRUNCATED, "cut batch: truncated");

	/* Cut inside the second message's netlink header. */
	{
		uint32_t first;

		memcpy(&first, m.b, 4);	/* 4-aligned by construction */
		n = walk(m.b, first + 8, &c);
		ok(n == 1 && c.nev == 1 && c.ev[0] == NFLOG_EV_TRUNCATED,
		   "cut header: one packet, truncated");
	}

	/* nlmsg_len 0 would never advance: malformed, walk ends. */
	memset(&m, 0, sizeof(m));
	mb_nlmsg(&m, (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET, 0);
	dump("zero-len", &m);
	n = walk(m.b, m.len, &c);
	ok(n == 0 && c.nev == 1 && c.ev[0] == NFLOG_EV_MALFORMED,
	   "nlmsg_len 0: malformed");

	/* A zero-length payload: header only, no nfgenmsg. */
	memset(&m, 0, sizeof(m));
	mb_nlmsg(&m, (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET, 0);
	mb_end(&m);
	n = walk(m.b, m.len, &c);
	ok(n == 0 && c.nev == 1 && c.ev[0] == NFLOG_EV_MALFORMED,
	   "message without nfgenmsg: malformed");

	/* An ack, an error, a short error, then a good packet. */
	memset(&m, 0, sizeof(m));
	mb_nlmsg(&m, NLMSG_ERROR, 41);
	err = 0;
	mb_put(&m, &err, 4);
	mb_put(&m, &echo, sizeof(echo));
	mb_end(&m);
	mb_nlmsg(&m, NLMSG_ERROR, 42);
	err = -EPERM;
	mb_put(&m, &err, 4);
	mb_put(&m, &echo, sizeof(echo));
	mb_end(&m);
	mb_nlmsg(&m, NLMSG_ERROR, 43);
	mb_end(&m);
	mb_pkt(&m, AF_INET, 4);
	mb_hdr(&m, 0x0800, 3);
	mb_end(&m);
	dump("errors", &m);
	n = walk(m.b, m.len, &c);
	is_int(n, 1, "errors: the packet after them is parsed");
	is_int(c.nev, 3, "errors: three events");
	ok(c.ev[0] == NFLOG_EV_ACK && c.seq[0] == 41 && c.err[0] == 0,
	   "error 0 is the ack of seq 41");
	ok(c.ev[1] == NFLOG_EV_ERROR && c.seq[1] == 42 && c.err[1] == -EPERM,
	   "EPERM for seq 42");
	ok(c.ev[2] == NFLOG_EV_MALFORMED && c.seq[2] == 43,
	   "NLMSG_ERROR without a code is malformed");

	/* A malformed message in the middle does not stop the walk. */
	memset(&m, 0, sizeof(m));
	mb_pkt(&m, AF_INET, 4);
	mb_hdr(&m, 0x0800, 3);
	mb_end(&m);
	mb_pkt(&m, AF_INET, 4);
	mb_be32(&m, NFULA_MARK, 1);	/* no header */
	mb_end(&m);
	mb_pkt(&m, AF_INET, 4);
	mb_hdr(&m, 0x0800, 3);
	mb_be32(&m, NFULA_MARK, 3);
	mb_end(&m);
	mb_nlmsg(&m, NLMSG_NOOP, 0);
	mb_end(&m);
	n = walk(m.b, m.len, &c);
	is_int(n, 2, "middle malformed: two packets");
	is_int(c.pkt[1].mark, 3, "middle malformed: the third message read");
	ok(c.nev == 2 && c.ev[0] == NFLOG_EV_MALFORMED &&
	   c.ev[1] == NFLOG_EV_OTHER, "malformed, then NOOP as other");

	/* Trailing bytes shorter than a header: the datagram was cut. */
	memset(&m, 0, sizeof(m));
	mb_pkt(&m, AF_INET, 4);
	mb_hdr(&m, 0x0800, 3);
	mb_end(&m);
	mb_put(&m, "\1\2\3\4\5\6\7\10", 8);
	n = walk(m.b, m.len, &c);
	ok(n == 1 && c.nev == 1 && c.ev[0] == NFLOG_EV_TRUNCATED,
	   "8 trailing bytes: truncated");
}

static void test_seq(void)
{
	struct nflog_seq s = { 0 };

	is_int(nflog_seq_gap(&s, 0), 0, "seq 0: first, no gap");
	is_int(nflog_seq_gap(&s, 1), 0, "seq 1: no gap");
	is_int(nflog_seq_gap(&s, 2), 0, "seq 2: no gap");
	is_int(nflog_seq_gap(&s, 5), 2, "seq 5: 3 and 4 missing");
	is_int(nflog_seq_gap(&s, 6), 0, "seq 6: no gap");
	is_int(nflog_seq_gap(&s, 6), 0, "seq 6 again: no gap");
	is_int(nflog_seq_gap(&s, 3), 0, "seq 3: backwards, restart");
	is_int(nflog_seq_gap(&s, 4), 0, "seq 4 after restart: no gap");
	is_int(nflog_seq_gap(&s, 0xfffffffe), 0,
	       "a jump of 2^32-6 is backwards, not a gap");
	is_int(nflog_seq_gap(&s, 0xffffffff), 0, "0xffffffff: no gap");
	is_int(nflog_seq_gap(&s, 1), 1, "wrap to 1: 0 missing");
}

/* ---- recorded datagrams ------------------------------------------------- */

static size_t load(const char *name, uint8_t *buf, size_t cap)
{
	const char *top = getenv("top_srcdir");
	char path[4096];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/tests/data/nflog/%s",
		 top ? top : ".", name);
	f = fopen(path, "rb");
	if (!f)
		bail_out("cannot open %s (set top_srcdir)", path);
	n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

static uint8_t rbuf[65536];

/* One packet from a recorded single-message datagram. */
static void load1(const char *name, struct col *c)
{
	size_t n = load(name, rbuf, sizeof(rbuf));
	unsigned int got = walk(rbuf, n, c);

	if (got != 1 || c->nev)
		bail_out("%s: %u packets, %u events", name, got, c->nev);
}

static void test_recorded_v4(void)
{
	static const uint8_t lo_hdr[14] = { [12] = 0x08, [13] = 0x00 };
	static const uint8_t zero6[6];
	char name[32];
	struct col c;
	const struct nflog_pkt *p = &c.pkt[0];
	unsigned int i;

	/*
	 * v4-NN.bin: "ping -c 3 127.0.0.1" as uid 65534; output rule sets
	 * mark 0x2a and logs with prefix "rec: ", input rule logs "in: ".
	 */
	load1("v4-00.bin", &c);
	is_int(p->family, AF_INET, "v4 out: family AF_INET");
	is_int(p->group, 5, "v4 out: group 5");
	is_int(p->hook, 3, "v4 out: hook NF_INET_LOCAL_OUT");
	is_int(p->hw_protocol, 0x0800, "v4 out: ETH_P_IP");
	is_int(p->prefix_len, 5, "v4 out: prefix length");
	ok(p->prefix_nul && !memcmp(p->prefix, "rec: ", 5), "v4 out: prefix");
	ok(!(p->has & NFLOG_HAS_INDEV), "v4 out: no input device");
	is_int(p->outdev, 1, "v4 out: lo is ifindex 1");
	is_int(p->mark, 0x2a, "v4 out: mark 0x2a");
	is_int(p->uid, 65534, "v4 out: uid 65534");
	is_int(p->gid, 65534, "v4 out: gid 65534");
	is_int(p->seq, 0, "v4 out: local seq 0");
	is_int(p->seq_global, 1, "v4 out: global seq 1");
	ok(!(p->has & NFLOG_HAS_TS), "v4 out: no timestamp on output");
	ok(!(p->has & (NFLOG_HAS_HWHEADER | NFLOG_HAS_HWADDR)),
	   "v4 out: no link layer on output");
	is_int(p->payload_len, 84, "v4 out: 84-byte echo request");
	ok(p->payload[0] == 0x45 && p->payload[9] == 1 &&
	   p->payload[12] == 127 && p->payload[19] == 1 && p->payload[20] == 8,
	   "v4 out: IPv4, ICMP, 127.0.0.1 -> 127.0.0.1, echo request");

	load1("v4-01.bin", &c);
	is_int(p->hook, 1, "v4 in: hook NF_INET_LOCAL_IN");
	ok(p->prefix_len == 4 && !memcmp(p->prefix, "in: ", 4),
	   "v4 in: prefix");
	is_int(p->indev, 1, "v4 in: indev lo");
	ok(!(p->has & NFLOG_HAS_OUTDEV), "v4 in: no output device");
	is_int(p->mark, 0x2a, "v4 in: mark kept across loopback");
	ok(!(p->has & (NFLOG_HAS_UID | NFLOG_HAS_GID)),
	   "v4 in: no socket owner");
	is_int(p->hwtype, 772, "v4 in: ARPHRD_LOOPBACK");
	is_int(p->hwlen, 14, "v4 in: hard_header_len 14");
	is_int(p->hwheader_len, 14, "v4 in: 14-byte link header");
	ok(!memcmp(p->hwheader, lo_hdr, 14), "v4 in: zero MACs, type 0x0800");
	is_int(p->hwaddr_len, 6, "v4 in: hw address length 6");
	ok(!memcmp(p->hwaddr, zero6, 6), "v4 in: hw address zero");
	is_int((int64_t)p->ts_sec, 0x6b05dfcb, "v4 in: timestamp seconds");
	is_int((int64_t)p->ts_usec, 0x0c905a, "v4 in: timestamp microseconds");
	is_int(p->seq, 1, "v4 in: local seq 1");
	is_int(p->seq_global, 2, "v4 in: global seq 2");
	is_int(p->payload_len, 84, "v4 in: 84 bytes");

	for (i = 2; i < 6; i++) {
		snprintf(name, sizeof(name), "v4-%02u.bin", i);
		load1(name, &c);
		ok(p->seq == i && p->seq_global == i + 1 &&
		   p->hook == (i % 2 ? 1 : 3),
		   "%s: seq %u, global %u, hook %u", name, i, i + 1,
		   i % 2 ? 1 : 3);
	}
}

static void test_recorded_other(void)
{
	static const uint8_t lo6_hdr[14] = { [12] = 0x86, [13] = 0xdd };
	struct col c;
	const struct nflog_pkt *p = &c.pkt[0];
	unsigned int i, n;
	size_t len;

	/* v6-NN.bin: "ping -6 -c 2 ::1" as root, prefixes "rec6: ", "in6: ". */
	load1("v6-00.bin", &c);
	is_int(p->family, AF_INET6, "v6 out: family AF_INET6");
	is_int(p->hw_protocol, 0x86dd, "v6 out: ETH_P_IPV6");
	is_int(p->hook, 3, "v6 out: hook output");
	ok(p->prefix_len == 6 && !memcmp(p->prefix, "rec6: ", 6),
	   "v6 out: prefix");
	ok(p->uid == 0 && p->gid == 0 && (p->has & NFLOG_HAS_UID),
	   "v6 out: uid and gid 0");
	is_int(p->payload_len, 104, "v6 out: 104-byte echo request");
	ok(p->payload[0] >> 4 == 6 && p->payload[6] == 58 &&
	   p->payload[39] == 1 && p->payload[40] == 128,
	   "v6 out: IPv6, ICMPv6 to ::1, echo request");

	load1("v6-01.bin", &c);
	is_int(p->hook, 1, "v6 in: hook input");
	ok(!memcmp(p->hwheader, lo6_hdr, 14), "v6 in: link header type 0x86dd");
	is_int((int64_t)p->ts_sec, 0x6b05dfd8, "v6 in: timestamp seconds");
	is_int((int64_t)p->ts_usec, 0x050863, "v6 in: timestamp microseconds");
	ok(p->seq == 1 && p->seq_global == 2, "v6 in: seq 1, global 2");
	load1("v6-03.bin", &c);
	ok(p->seq == 3 && p->seq_global == 4, "v6-03: seq 3, global 4");

	/* batch-00.bin: qthreshold 10, 3 pings: 6 messages and NLMSG_DONE. */
	len = load("batch-00.bin", rbuf, sizeof(rbuf));
	is_int((int64_t)len, 1244, "batch: 1244 bytes");
	n = walk(rbuf, len, &c);
	is_int(n, 6, "batch: six packets in one datagram");
	ok(c.nev == 1 && c.ev[0] == NFLOG_EV_DONE,
	   "batch: ends with NLMSG_DONE");
	for (i = 0; i < 6 && i < n; i++)
		ok(c.pkt[i].seq == i && c.pkt[i].seq_global == i + 1 &&
		   c.pkt[i].hook == (i % 2 ? 1 : 3) &&
		   c.pkt[i].payload_len == 84,
		   "batch packet %u: seq %u, hook %u, 84 bytes", i, i,
		   i % 2 ? 1 : 3);

	/* meta-NN.bin: copy_range 0, so no payload. */
	load1("meta-00.bin", &c);
	ok(!(p->has & NFLOG_HAS_PAYLOAD) && p->hook == 3 && p->mark == 0x2a,
	   "meta out: no payload, hook 3, mark 0x2a");
	load1("meta-01.bin", &c);
	ok(!(p->has & NFLOG_HAS_PAYLOAD) && p->hook == 1,
	   "meta in: no payload, hook 1");
	is_int((int64_t)p->ts_usec, 0x9e88, "meta in: timestamp microseconds");

	/* snap-00.bin: "log ... snaplen 40", no sequence numbers asked. */
	load1("snap-00.bin", &c);
	is_int(p->payload_len, 40, "snaplen 40: 40 bytes copied");
	ok(p->payload[2] == 0 && p->payload[3] == 84,
	   "snaplen 40: IP total length still 84");
	ok(!(p->has & (NFLOG_HAS_SEQ | NFLOG_HAS_SEQ_GLOBAL)),
	   "no sequence numbers unless asked");
	ok(p->prefix_len == 6 && !memcmp(p->prefix, "snap: ", 6),
	   "snaplen: prefix");
}

/* ---- record keys through the engine -------------------------------------- */

/* An input with NFLOG's key table that the test fills by hand. */
static const struct nfp_plugin fake_nflog = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_INPUT,
	.name = "NFLOGT",
	.summary = "test: NFLOG's keys, filled by the test",
	.out_keys = nflog_keys,
};

static void fill_push(struct nfpt *t, const struct nflog_pkt *p,
		      const struct nflog_fill_ctx *ctx)
{
	struct nfp_inst *inst = nfpt_inst(t, "in");
	struct nfp_rec *rec = nfp_rec_new(inst);

	if (!rec)
		bail_out("no record for NFLOGT");
	nflog_fill(rec, p, ctx);
	nfp_rec_push(inst, rec);
}

static void test_fill(void)
{
	static const struct nfp_plugin *const plugins[] = { &fake_nflog, NULL };
	struct nflog_fill_ctx ctx = { .label = 3, .now_sec = 1234,
				      .now_usec = 5678 };
	struct nfpt *t;
	struct nflog_pkt p;
	struct col c;
	struct mb m;

	t = nfpt_new("[global]\nstack=in:NFLOGT,cap:CAPTURE\n", plugins);

	load1("v4-01.bin", &c);
	fill_push(t, &c.pkt[0], &ctx);
	is_int(nfpt_count(t, "cap"), 1, "fill: one record");
	is_str(nfpt_get(t, "cap", "oob.prefix"), "in: ", "fill: oob.prefix");
	is_str(nfpt_get(t, "cap", "oob.hook"), "1", "fill: oob.hook");
	is_str(nfpt_get(t, "cap", "oob.family"), "2", "fill: oob.family");
	is_str(nfpt_get(t, "cap", "oob.protocol"), "2048",
	       "fill: oob.protocol");
	is_str(nfpt_get(t, "cap", "oob.mark"), "42", "fill: oob.mark");
	is_str(nfpt_get(t, "cap", "oob.ifindex_in"), "1", "fill: ifindex_in");
	is_str(nfpt_get(t, "cap", "oob.ifindex_out"), "0",
	       "fill: ifindex_out 0 when none");
	is_str(nfpt_get(t, "cap", "oob.time.sec"), "1795547083",
	       "fill: packet time, seconds");
	is_str(nfpt_get(t, "cap", "oob.time.usec"), "823386",
	       "fill: packet time, microseconds");
	is_str(nfpt_get(t, "cap", "raw.mac"),
	       "00:00:00:00:00:00:00:00:00:00:00:00:08:00", "fill: raw.mac");
	is_str(nfpt_get(t, "cap", "raw.mac_len"), "14", "fill: raw.mac_len");
	is_str(nfpt_get(t, "cap", "raw.type"), "772", "fill: raw.type");
	is_str(nfpt_get(t, "cap", "raw.mac.saddr"), "00:00:00:00:00:00",
	       "fill: raw.mac.saddr");
	is_str(nfpt_get(t, "cap", "raw.mac.addrlen"), "6",
	       "fill: raw.mac.addrlen");
	is_str(nfpt_get(t, "cap", "raw.pktlen"), "84", "fill: raw.pktlen");
	like(nfpt_get(t, "cap", "raw.pkt"), "45:00:00:54:", "fill: raw.pkt");
	is_str(nfpt_get(t, "cap", "raw.pktcount"), "1", "fill: raw.pktcount");
	is_str(nfpt_get(t, "cap", "raw.label"), "3", "fill: raw.label");
	is_str(nfpt_get(t, "cap", "oob.seq.local"), "1", "fill: oob.seq.local");
	is_str(nfpt_get(t, "cap", "oob.seq.global"), "2",
	       "fill: oob.seq.global");
	ok(!nfpt_get(t, "cap", "oob.uid"), "fill: no oob.uid on input");
	ok(!nfpt_get(t, "cap", "ct.state"), "fill: no ct.state unless asked");

	load1("v4-00.bin", &c);
	fill_push(t, &c.pkt[0], &ctx);
	is_str(nfpt_get(t, "cap", "oob.time.sec"), "1234",
	       "fill: no packet time, reception time used");
	is_str(nfpt_get(t, "cap", "oob.time.usec"), "5678",
	       "fill: reception microseconds");
	is_str(nfpt_get(t, "cap", "oob.uid"), "65534", "fill: oob.uid");
	is_str(nfpt_get(t, "cap", "oob.gid"), "65534", "fill: oob.gid");
	is_str(nfpt_get(t, "cap", "oob.ifindex_in"), "0",
	       "fill: ifindex_in 0 when none");
	ok(!nfpt_get(t, "cap", "raw.mac"), "fill: no raw.mac on output");
	ok(!nfpt_get(t, "cap", "raw.type"), "fill: no raw.type on output");

	/* A prefix without its NUL is copied and terminated. */
	memset(&m, 0, sizeof(m));
	mb_pkt(&m, AF_INET, 1);
	mb_hdr(&m, 0x0800, 4);
	mb_attr(&m, NFULA_PREFIX, "abc", 3);
	mb_be32(&m, NFULA_MARK, 7);
	mb_end(&m);
	if (nflog_parse(m.b, m.len, &p) < 0)
		bail_out("prefix message");
	m.b[m.len - 9] = 'X';	/* the padding byte after "abc" */
	fill_push(t, &p, &ctx);
	is_str(nfpt_get(t, "cap", "oob.prefix"), "abc",
	       "fill: unterminated prefix copied");
	ok(!nfpt_get(t, "cap", "raw.pkt"), "fill: no payload, no raw.pkt");
	ok(!nfpt_get(t, "cap", "raw.pktlen"), "fill: no raw.pktlen");
	is_str(nfpt_get(t, "cap", "oob.hook"), "4", "fill: postrouting hook");

	/* Conntrack keys when asked for. */
	memset(&m, 0, sizeof(m));
	mb_pkt(&m, AF_INET, 1);
	mb_hdr(&m, 0x0800, 0);
	mb_nest(&m, NFULA_CT);
	mb_be32(&m, CTA_MARK, 17);
	mb_be32(&m, CTA_ID, 4000000000u);
	mb_nest_end(&m);
	mb_be32(&m, NFULA_CT_INFO, 3);
	mb_end(&m);
	if (nflog_parse(m.b, m.len, &p) < 0)
		bail_out("ct message");
	ctx.ct = true;
	fill_push(t, &p, &ctx);
	is_str(nfpt_get(t, "cap", "ct.state"), "ESTABLISHED",
	       "fill: ct.state of a reply");
	is_str(nfpt_get(t, "cap", "ct.mark"), "17", "fill: ct.mark");
	is_str(nfpt_get(t, "cap", "ct.id"), "4000000000", "fill: ct.id");
	ok(!nfpt_get(t, "cap", "oob.prefix"),
	   "fill: no prefix attribute, no key");
	is_str(nfpt_get(t, "cap", "oob.mark"), "0", "fill: mark 0 when absent");
	nfpt_free(t);
}

/* ---- options ------------------------------------------------------------ */

static int check(const char *section, char *buf, size_t len)
{
	static const struct nfp_plugin *const plugins[] = { &nfp_input_nflog,
							    NULL };
	char conf[2048];

	snprintf(conf, sizeof(conf),
		 "[global]\nstack=log1:NFLOG,cap1:CAPTURE\n[log1]\n%s",
		 section);
	return nfpt_check(conf, plugins, buf, len);
}

static void test_options(void)
{
	char buf[4096];

	is_int(check("group=5\nbind=1\nunbind=0\nseq_local=1\nseq_global=1\n"
		     "numeric_label=1\nnetlink_socket_buffer_size=217088\n"
		     "netlink_socket_buffer_maxsize=1085440\n"
		     "netlink_qthreshold=1\nnetlink_qtimeout=10\n"
		     "copy_range=0xffff\nnlbufsiz=65536\nconntrack=1\n"
		     "max_batch=64\n", buf, sizeof(buf)),
	       0, "every option accepted");
	is_int(check("group=65536\n", buf, sizeof(buf)), 1,
	       "group 65536 refused");
	like(buf, "group", "the error names group");
	is_int(check("copy_range=65536\n", buf, sizeof(buf)), 1,
	       "copy_range 65536 refused");
	is_int(check("nlbufsiz=1000\n", buf, sizeof(buf)), 1,
	       "nlbufsiz 1000 refused by configure");
	is_int(check("nlbufsiz=200000\n", buf, sizeof(buf)), 1,
	       "nlbufsiz 200000 refused by bounds");
	is_int(check("bufsize=150000\n", buf, sizeof(buf)), 0,
	       "ulogd2's bufsize accepted");
	like(buf, "deprecated", "with a deprecation warning");
	is_int(check("attach_conntrack=1\n", buf, sizeof(buf)), 0,
	       "ulogd2's attach_conntrack accepted");
	is_int(check("rmem=131071\naddressfamily=2\n", buf, sizeof(buf)), 0,
	       "early ulogd2's rmem and addressfamily accepted");
	like(buf, "addressfamily", "with a warning");
	is_int(check("qthreshold=1\n", buf, sizeof(buf)), 1,
	       "unknown option refused");
	like(buf, "netlink_qthreshold", "with a suggestion");
	is_int(check("max_batch=0\n", buf, sizeof(buf)), 1,
	       "max_batch 0 refused");
}

/* ---- the real plugin, as root, in a private netns ------------------------ */

static void skip_live(const char *why)
{
	ok(1, "live tests # SKIP %s", why);
}

static uint64_t counter(struct nfp_inst *inst, const char *name)
{
	unsigned int i;

	for (i = 0; inst->plugin->counters[i]; i++)
		if (!strcmp(inst->plugin->counters[i], name))
			return inst->ctr[i];
	bail_out("no counter %s", name);
}

/* Let the loop read until @cap has @want records or ~2 s passed. */
static void drain(struct nfpt *t, const char *cap, unsigned int want)
{
	int i;

	for (i = 0; i < 200; i++) {
		nfp_loop_drain();
		if (nfpt_count(t, cap) >= want)
			break;
		usleep(10000);
	}
	nfp_loop_drain();
}

/* Start an extra NFLOG instance outside the engine, options from @opts. */
static int start_direct(const char *opts, struct nfp_inst *inst,
			uint64_t *ctr)
{
	struct nfp_conf *c = NULL;
	struct nfp_diags d;
	char text[512];
	int ret;

	snprintf(text, sizeof(text), "[x]\n%s", opts);
	nfp_diags_init(&d);
	nfp_conf_parse("direct.conf", text, &c, &d);
	memset(inst, 0, sizeof(*inst));
	inst->plugin = &nfp_input_nflog;
	inst->name = "direct";
	inst->ctr = ctr;
	inst->out_keys = nflog_keys;
	inst->priv = calloc(1, nfp_input_nflog.priv_size);
	if (!c || !inst->priv ||
	    nfp_opts_apply(nfp_input_nflog.options, inst->priv,
			   nfp_conf_section(c, "x"), "x", &d) < 0)
		bail_out("direct instance options");
	nfp_diags_free(&d);
	nfp_conf_free(c);
	ret = nfp_input_nflog.start(inst);
	return ret;
}

static void free_direct(struct nfp_inst *inst, bool started)
{
	if (started)
		nfp_input_nflog.stop(inst);
	nfp_opts_free(nfp_input_nflog.options, inst->priv);
	free(inst->priv);
}

static char *slurp(const char *path)
{
	static char text[16384];
	FILE *f = fopen(path, "r");
	size_t n = 0;

	if (f) {
		n = fread(text, 1, sizeof(text) - 1, f);
		fclose(f);
	}
	text[n] = '\0';
	return text;
}

static const char live_rules[] =
	"table inet nfpt {\n"
	"  chain out {\n"
	"    type filter hook output priority 0;\n"
	"    ip daddr 127.0.0.1 icmp type echo-request log group 7 prefix \"live: \"\n"
	"    ip6 daddr ::1 icmpv6 type echo-request log group 7 prefix \"live6: \"\n"
	"    ip daddr 127.0.0.2 icmp type echo-request log group 8\n"
	"  }\n"
	"}\n";

static const char live_conf[] =
	"[global]\n"
	"stack=log1:NFLOG,cap1:CAPTURE\n"
	"stack=log2:NFLOG,cap2:CAPTURE\n"
	"[log1]\ngroup=7\nseq_local=1\nseq_global=1\nnetlink_qthreshold=1\n"
	"numeric_label=1\n"
	"[log2]\ngroup=8\nseq_local=1\nnetlink_qthreshold=1\n"
	"netlink_socket_buffer_size=4096\n";

static void test_live(void)
{
	static const struct nfp_plugin *const plugins[] = { &nfp_input_nflog,
							    NULL };
	char logpath[] = "/tmp/nfpt-nflog-XXXXXX";
	struct nfp_inst *log1, *log2, dup;
	uint64_t dctr[8] = { 0 };
	struct nfpt *t;
	const char *v;
	FILE *nft;
	int fd, ret;
	long now;

	if (geteuid() != 0) {
		skip_live("needs root");
		return;
	}
	if (unshare(CLONE_NEWNET) < 0) {
		skip_live("unshare(CLONE_NEWNET) failed");
		return;
	}
	if (system("command -v nft ping ip >/dev/null 2>&1") != 0) {
		skip_live("needs nft, ping and ip (nftables, iputils-ping, iproute2)");
		return;
	}
	if (system("ip link set lo up") != 0) {
		skip_live("cannot bring lo up");
		return;
	}
	nft = popen("nft -f -", "w");
	if (!nft || fputs(live_rules, nft) < 0 || pclose(nft) != 0) {
		skip_live("nft refused the rules (no nf_tables?)");
		return;
	}

	t = nfpt_new(live_conf, plugins);
	log1 = nfpt_inst(t, "log1");
	log2 = nfpt_inst(t, "log2");

	ret = system("ping -q -c 2 -i 0.2 -W 1 127.0.0.1 >/dev/null");
	is_int(ret, 0, "live: ping 127.0.0.1");
	drain(t, "cap1", 2);
	now = (long)time(NULL);
	is_int(nfpt_count(t, "cap1"), 2, "live: two records");
	is_str(nfpt_get(t, "cap1", "oob.prefix"), "live: ", "live: prefix");
	is_str(nfpt_get(t, "cap1", "oob.hook"), "3", "live: output hook");
	is_str(nfpt_get(t, "cap1", "oob.family"), "2", "live: AF_INET");
	is_str(nfpt_get(t, "cap1", "oob.protocol"), "2048", "live: ETH_P_IP");
	is_str(nfpt_get(t, "cap1", "oob.ifindex_out"), "1", "live: out lo");
	is_str(nfpt_get(t, "cap1", "oob.ifindex_in"), "0", "live: no in");
	is_str(nfpt_get(t, "cap1", "raw.pktlen"), "84", "live: 84 bytes");
	is_str(nfpt_get(t, "cap1", "oob.uid"), "0", "live: uid 0");
	is_str(nfpt_get(t, "cap1", "oob.seq.local"), "1", "live: seq 1");
	is_str(nfpt_get(t, "cap1", "oob.seq.global"), "2", "live: global 2");
	is_str(nfpt_get(t, "cap1", "raw.label"), "1", "live: label");
	v = nfpt_get(t, "cap1", "oob.time.sec");
	ok(v && labs(atol(v) - now) <= 5, "live: reception time is now (%s)",
	   v ? v : "unset");
	is_int((int64_t)counter(log1, "messages"), 2, "live: messages 2");
	is_int((int64_t)counter(log1, "seq_gaps"), 0, "live: no gaps");
	is_int((int64_t)counter(log1, "malformed"), 0, "live: none malformed");

	ret = system("ping -6 -q -c 1 -W 1 ::1 >/dev/null");
	is_int(ret, 0, "live: ping ::1");
	drain(t, "cap1", 3);
	is_int(nfpt_count(t, "cap1"), 3, "live: IPv6 record");
	is_str(nfpt_get(t, "cap1", "oob.prefix"), "live6: ", "live6: prefix");
	is_str(nfpt_get(t, "cap1", "oob.family"), "10", "live6: AF_INET6");
	is_str(nfpt_get(t, "cap1", "oob.protocol"), "34525",
	       "live6: ETH_P_IPV6");
	is_str(nfpt_get(t, "cap1", "raw.pktlen"), "104", "live6: 104 bytes");
	is_str(nfpt_get(t, "cap1", "oob.seq.local"), "2", "live6: seq 2");

	/*
	 * Group 8 has a tiny receive buffer and nobody reads while 400
	 * packets are logged: the kernel must report ENOBUFS, and the
	 * numbers that never arrived must show as sequence gaps. One more
	 * packet after the drain closes the count.
	 */
	ret = system("ping -q -f -c 400 -W 1 127.0.0.2 >/dev/null");
	is_int(ret, 0, "live: flood ping 127.0.0.2");
	drain(t, "cap2", 400);
	ret = system("ping -q -c 1 -W 1 127.0.0.2 >/dev/null");
	drain(t, "cap2", 400);
	ok(counter(log2, "enobufs") >= 1, "live: ENOBUFS counted (%llu)",
	   (unsigned long long)counter(log2, "enobufs"));
	ok(counter(log2, "seq_gaps") >= 1, "live: sequence gaps counted (%llu)",
	   (unsigned long long)counter(log2, "seq_gaps"));
	is_int((int64_t)(counter(log2, "messages") + counter(log2, "seq_gaps")),
	       401, "live: messages + gaps = packets logged");
	is_str(nfpt_get(t, "cap2", "oob.seq.local"), "400",
	       "live: the last packet has seq 400");
	ok(!nfpt_get(t, "cap2", "oob.prefix") ||
	   !strcmp(nfpt_get(t, "cap2", "oob.prefix"), ""),
	   "live: rule without prefix");

	/* A second listener on group 7 is refused with a clear message. */
	fd = mkstemp(logpath);
	if (fd < 0)
		bail_out("mkstemp");
	close(fd);
	nfp_log_open(logpath, NFP_LOG_INFO);
	ret = start_direct("group=7\n", &dup, dctr);
	ok(ret < 0, "live: second bind of group 7 fails (%d)", ret);
	free_direct(&dup, ret == 0);
	like(slurp(logpath),
	     "another process already listens on NFLOG group 7 in this network namespace",
	     "live: the error says who has the group");

	/* conntrack=1 starts whether or not the kernel can do it. */
	ret = start_direct("group=9\nconntrack=1\n", &dup, dctr);
	is_int(ret, 0, "live: conntrack=1 starts");
	free_direct(&dup, ret == 0);
	v = slurp(logpath);
	diag("conntrack on this kernel: %s",
	     strstr(v, "CONFIG_NETFILTER_NETLINK_GLUE_CT") ?
		     "not available (warned)" : "available");
	nfp_log_open(NULL, 0);
	unlink(logpath);

	nfpt_free(t);
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--dump")) {
		dump_dir = argv[2];
		mkdir(dump_dir, 0755);
	}
	test_full();
	test_malformed();
	test_prefix_and_payload();
	test_conntrack();
	test_datagrams();
	test_seq();
	if (dump_dir)
		return done_testing();
	test_recorded_v4();
	test_recorded_other();
	test_fill();
	test_options();
	test_live();
	return done_testing();
}
