/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_ip2 - IP2STR, IP2BIN and IP2HBIN on a real stack
 *
 * Packets go through BASE into the three converters; a test filter (FLOW)
 * adds conntrack-style orig.ip.* and reply.ip.* addresses, and one without
 * a family, to cover the other inputs. Expected texts are worked out by
 * hand: dotted quads, RFC 5952's own examples for IPv6 (sections 4.2 and 5),
 * hex of the IPv4-mapped address (RFC 4291 2.5.5.2), host-order integers.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/if_ether.h>

#include "harness.h"
#include "tap.h"

extern const struct nfp_plugin nfp_filter_base, nfp_filter_ip2str,
	nfp_filter_ip2bin, nfp_filter_ip2hbin;

/*
 * FLOW: orig.ip.saddr/daddr and reply.ip.saddr/daddr from the test's
 * tables, chosen by oob.mark; mark 3 sets orig.ip.saddr with family 0 (a
 * producer that left it out) so that oob.family decides.
 */
enum { F_MARK };
static const struct nfp_key flow_in[] = {
	[F_MARK] = { "oob.mark", NFP_T_U32 },
	{ 0 }
};
enum { F_OS, F_OD, F_RS, F_RD };
static const struct nfp_key flow_out[] = {
	[F_OS] = { "orig.ip.saddr", NFP_T_ADDR },
	[F_OD] = { "orig.ip.daddr", NFP_T_ADDR },
	[F_RS] = { "reply.ip.saddr", NFP_T_ADDR },
	[F_RD] = { "reply.ip.daddr", NFP_T_ADDR },
	{ 0 }
};

static void set_v6(struct nfp_rec *rec, unsigned int k, const char *txt)
{
	uint8_t a[16];

	if (inet_pton(AF_INET6, txt, a) != 1)
		bail_out("bad test address %s", txt);
	nfp_set_in6(rec, k, a);
}

static enum nfp_ret flow_process(struct nfp_inst *inst, struct nfp_rec *rec)
{
	const struct nfp_value *m = nfp_get(rec, F_MARK);
	struct nfp_value *v;

	switch (m ? m->u32 : 0) {
	case 1:	/* IPv4 NAT: 10.0.0.2 -> 1.2.3.4, replied to 100.64.0.1 */
		nfp_set_in4(rec, F_OS, htonl(0x0a000002));
		nfp_set_in4(rec, F_OD, htonl(0x01020304));
		nfp_set_in4(rec, F_RS, htonl(0x01020304));
		nfp_set_in4(rec, F_RD, htonl(0x64400001));
		break;
	case 2:	/* IPv6: RFC 5952's examples */
		set_v6(rec, F_OS, "2001:DB8:0:0:1:0:0:1");
		set_v6(rec, F_OD, "2001:db8:0:1:1:1:1:1");
		set_v6(rec, F_RS, "0:0:0:0:0:0:0:1");
		set_v6(rec, F_RD, "::ffff:192.0.2.1");
		break;
	case 3:	/* no family: oob.family (IPv4 here) must decide */
		v = nfp_put(rec, F_OS);
		memset(&v->addr, 0, sizeof(v->addr));
		v->addr.in4 = htonl(0xc0000281);	/* 192.0.2.129 */
		break;
	}
	return NFP_OK;
}

static const struct nfp_plugin flow_plugin = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_FILTER,
	.name = "FLOW",
	.in_keys = flow_in,
	.out_keys = flow_out,
	.process = flow_process,
};

static const struct nfp_plugin *const plugins[] = {
	&nfp_filter_base, &nfp_filter_ip2str, &nfp_filter_ip2bin,
	&nfp_filter_ip2hbin, &flow_plugin, NULL
};

static struct nfpt *t;
#define GET(k) nfpt_get(t, "cap", k)

/* A UDP packet between two IPv4 addresses (only the header matters). */
static void feed_v4(const uint8_t s[4], const uint8_t d[4], uint32_t mark)
{
	uint8_t p[28] = {
		0x45, 0x00, 0x00, 0x1c,	/* total length 28 */
		0x00, 0x00, 0x00, 0x00,
		0x40, 0x11, 0x00, 0x00,	/* TTL 64, UDP */
		0, 0, 0, 0,		/* source, below */
		0, 0, 0, 0,		/* destination, below */
		0x00, 0x07, 0x00, 0x07,	/* ports 7 -> 7 */
		0x00, 0x08, 0x00, 0x00,	/* length 8 */
	};

	memcpy(p + 12, s, 4);
	memcpy(p + 16, d, 4);
	nfpt_feed(t, "in", &(struct nfpt_pkt){ .family = AF_INET, .data = p,
						.len = sizeof(p),
						.mark = mark });
}

static void test_ipv4(void)
{
	static const struct {
		uint8_t a[4];		/* address bytes */
		const char *str;	/* dotted quad */
		const char *bin;	/* ::ffff:a.b.c.d in hex */
		const char *hbin;	/* host-order value in decimal */
	} cases[] = {
		{ { 192, 168, 0, 1 }, "192.168.0.1",
		  "0x00000000000000000000ffffc0a80001", "3232235521" },
		{ { 0, 0, 0, 0 }, "0.0.0.0",
		  "0x00000000000000000000ffff00000000", "0" },
		{ { 255, 255, 255, 255 }, "255.255.255.255",
		  "0x00000000000000000000ffffffffffff", "4294967295" },
		{ { 10, 0, 100, 9 }, "10.0.100.9",
		  "0x00000000000000000000ffff0a006409", "167797769" },
		{ { 1, 20, 255, 0 }, "1.20.255.0",
		  "0x00000000000000000000ffff0114ff00", "18153216" },
		{ { 99, 100, 101, 199 }, "99.100.101.199",
		  "0x00000000000000000000ffff636465c7", "1667524039" },
	};
	static const uint8_t peer[4] = { 172, 16, 5, 4 };
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		feed_v4(cases[i].a, peer, 0);
		is_str(GET("ip.saddr.str"), cases[i].str, "IP2STR %s",
		       cases[i].str);
		is_str(GET("ip.saddr.bin"), cases[i].bin, "IP2BIN %s",
		       cases[i].str);
		is_str(GET("ip.hsaddr"), cases[i].hbin, "IP2HBIN %s",
		       cases[i].str);
		is_str(GET("ip.daddr.str"), "172.16.5.4", "IP2STR daddr");
		is_str(GET("ip.hdaddr"), "2886731012", "IP2HBIN daddr");
	}
	is_str(GET("orig.ip.saddr.str"), NULL, "no flow: no orig.*.str");
	is_str(GET("arp.saddr.str"), NULL, "no ARP: no arp.*.str");
}

static void test_ipv6(void)
{
	static const uint8_t p[] = {
		0x60, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x3b, 0x40,	/* payload 0, no next header */
		0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
				/* 2001:db8::1 */
		0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
				/* 2001:db8::1:0:0:1 */
	};

	nfpt_feed(t, "in", &(struct nfpt_pkt){ .family = AF_INET6,
						.data = p, .len = sizeof(p) });
	is_str(GET("ip.saddr.str"), "2001:db8::1", "IP2STR v6 saddr");
	is_str(GET("ip.daddr.str"), "2001:db8::1:0:0:1",
	       "IP2STR v6 daddr: first of two equal zero runs compressed");
	is_str(GET("ip.saddr.bin"), "0x20010db8000000000000000000000001",
	       "IP2BIN v6 saddr");
	is_str(GET("ip.daddr.bin"), "0x20010db8000000000001000000000001",
	       "IP2BIN v6 daddr");
	is_str(GET("ip.hsaddr"), NULL, "IP2HBIN: no 32-bit form of IPv6");
	is_str(GET("ip.hdaddr"), NULL, "IP2HBIN: no 32-bit form of IPv6");
}

static void test_flow(void)
{
	static const uint8_t s[4] = { 10, 0, 0, 2 }, d[4] = { 1, 2, 3, 4 };

	feed_v4(s, d, 1);
	is_str(GET("orig.ip.saddr.str"), "10.0.0.2", "orig.ip.saddr.str");
	is_str(GET("orig.ip.daddr.str"), "1.2.3.4", "orig.ip.daddr.str");
	is_str(GET("reply.ip.saddr.str"), "1.2.3.4", "reply.ip.saddr.str");
	is_str(GET("reply.ip.daddr.str"), "100.64.0.1", "reply.ip.daddr.str");
	is_str(GET("reply.ip.daddr.bin"), "0x00000000000000000000ffff64400001",
	       "reply.ip.daddr.bin");
	is_str(GET("orig.ip.hsaddr"), "167772162", "orig.ip.hsaddr");
	is_str(GET("reply.ip.hdaddr"), "1681915905", "reply.ip.hdaddr");

	feed_v4(s, d, 2);
	is_str(GET("orig.ip.saddr.str"), "2001:db8::1:0:0:1",
	       "RFC 5952 4.2.3: first longest run, lower case");
	is_str(GET("orig.ip.daddr.str"), "2001:db8:0:1:1:1:1:1",
	       "RFC 5952 4.2.2: one 0 field is not compressed");
	is_str(GET("reply.ip.saddr.str"), "::1", "RFC 5952: loopback");
	is_str(GET("reply.ip.daddr.str"), "::ffff:192.0.2.1",
	       "RFC 5952 5: IPv4-mapped in mixed notation");
	is_str(GET("reply.ip.daddr.bin"), "0x00000000000000000000ffffc0000201",
	       "IP2BIN of a v6 mapped address");
	is_str(GET("orig.ip.hsaddr"), NULL, "IP2HBIN skips IPv6 orig");
	is_str(GET("ip.saddr.str"), "10.0.0.2", "packet keys still there");

	feed_v4(s, d, 3);
	is_str(GET("orig.ip.saddr.str"), "192.0.2.129",
	       "no family on the address: oob.family decides");
	is_str(GET("orig.ip.saddr.bin"), "0x00000000000000000000ffffc0000281",
	       "IP2BIN: the same fallback");
	is_str(GET("orig.ip.hsaddr"), "3221226113", "IP2HBIN: the same");
	is_str(GET("orig.ip.daddr.str"), NULL, "unset input: unset output");
}

static void test_arp(void)
{
	static const uint8_t arp[] = {
		0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x02,	/* reply */
		0x02, 0x00, 0x00, 0x00, 0x00, 0x01,	/* sender MAC */
		0xa9, 0xfe, 0x01, 0x02,	/* 169.254.1.2 */
		0x02, 0x00, 0x00, 0x00, 0x00, 0x02,	/* target MAC */
		0xa9, 0xfe, 0x01, 0x03,	/* 169.254.1.3 */
	};

	nfpt_feed(t, "in", &(struct nfpt_pkt){ .family = 7,
						.protocol = ETH_P_ARP,
						.data = arp,
						.len = sizeof(arp) });
	is_str(GET("arp.saddr.str"), "169.254.1.2", "arp.saddr.str");
	is_str(GET("arp.daddr.str"), "169.254.1.3", "arp.daddr.str");
	is_str(GET("arp.saddr.bin"), "0x00000000000000000000ffffa9fe0102",
	       "arp.saddr.bin");
	is_str(GET("arp.hdaddr"), "2851995907", "arp.hdaddr");
	is_str(GET("ip.saddr.str"), NULL, "ARP: no ip.saddr.str");
}

int main(void)
{
	char buf[2048];

	t = nfpt_new("[global]\n"
		     "stack=in:PKTIN,base:BASE,flow:FLOW,s:IP2STR,b:IP2BIN,"
		     "h:IP2HBIN,cap:CAPTURE\n", plugins);
	test_ipv4();
	test_ipv6();
	test_flow();
	test_arp();
	nfpt_free(t);

	/* The converters need no address at all: every input is optional. */
	is_int(nfpt_check("[global]\nstack=in:PKTIN,s:IP2STR,b:IP2BIN,"
			  "h:IP2HBIN,cap:CAPTURE\n", plugins, buf,
			  sizeof(buf)), 0, "IP2* without BASE: a valid stack");
	return done_testing();
}
