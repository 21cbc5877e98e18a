/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_base - BASE on hand-built packets through a real stack
 *
 * Every packet below is written byte by byte with the meaning of each field
 * beside it; the expected key values are read off those comments (ports,
 * addresses and numbers decoded by hand), never taken from what BASE printed.
 * Checksums are arbitrary: BASE reports them, it does not verify them.
 * Truncated copies of several packets (cut at every length) sit in buffers
 * of exactly that size, so a sanitizer or valgrind run catches any read past
 * the end. With --write-corpus DIR the packets are also written there as
 * files: that is how tests/data/pkt/ was made for the fuzz target.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <linux/if_ether.h>

#include "harness.h"
#include "tap.h"

#ifndef AF_BRIDGE
#define AF_BRIDGE 7
#endif

extern const struct nfp_plugin nfp_filter_base;

static const struct nfp_plugin *const plugins[] = { &nfp_filter_base, NULL };
static struct nfpt *t;
static const char *corpus_dir;

#define GET(k) nfpt_get(t, "cap", k)

/* Feed a private copy of exactly @len bytes: reads past it are caught. */
static void feed(int family, uint16_t proto, const uint8_t *p, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);

	if (!copy)
		bail_out("out of memory");
	memcpy(copy, p, len);
	nfpt_feed(t, "in", &(struct nfpt_pkt){ .family = family,
						.protocol = proto,
						.data = copy, .len = len });
	free(copy);
}

static void save(const char *name, const uint8_t *p, size_t len)
{
	char path[4096];
	FILE *f;

	if (!corpus_dir)
		return;
	snprintf(path, sizeof(path), "%s/%s", corpus_dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, len, f) != len)
		bail_out("cannot write %s: %s", path, strerror(errno));
	fclose(f);
}

#define FEED(fam, name, pkt) do {                                           \
		save(name, pkt, sizeof(pkt));                                \
		feed(fam, 0, pkt, sizeof(pkt));                              \
	} while (0)

/* ---- IPv4 TCP ------------------------------------------------------------ */

/* SYN with the usual Linux options: 20 bytes of IPv4, 40 of TCP. */
static const uint8_t v4_syn[] = {
	0x45, 0x00, 0x00, 0x3c,	/* version 4, IHL 5, TOS 0, total length 60 */
	0x1c, 0x46, 0x40, 0x00,	/* ID 0x1c46 = 7238, flags DF, offset 0 */
	0x40, 0x06, 0xb1, 0xe6,	/* TTL 64, protocol 6 (TCP), csum 45542 */
	0xc0, 0xa8, 0x00, 0x68,	/* source 192.168.0.104 */
	0xc0, 0xa8, 0x00, 0x01,	/* destination 192.168.0.1 */
	0xd4, 0x31, 0x00, 0x50,	/* source port 54321, destination port 80 */
	0x00, 0x00, 0x03, 0xe8,	/* sequence 1000 */
	0x00, 0x00, 0x00, 0x00,	/* acknowledgement 0 */
	0xa0, 0x02, 0xfa, 0xf0,	/* offset 10 words, flags SYN, window 64240 */
	0x12, 0x34, 0x00, 0x00,	/* checksum 4660, urgent pointer 0 */
	0x02, 0x04, 0x05, 0xb4,	/* MSS 1460 */
	0x04, 0x02,		/* SACK permitted */
	0x08, 0x0a, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
				/* timestamps: value 1, echo reply 0 */
	0x01,			/* NOP */
	0x03, 0x03, 0x07,	/* window scale 7 */
};

static void test_v4_syn(void)
{
	FEED(AF_INET, "v4_tcp_syn", v4_syn);
	is_str(GET("ip.saddr"), "192.168.0.104", "SYN: ip.saddr");
	is_str(GET("ip.daddr"), "192.168.0.1", "SYN: ip.daddr");
	is_str(GET("ip.protocol"), "6", "SYN: ip.protocol");
	is_str(GET("ip.tos"), "0", "SYN: ip.tos");
	is_str(GET("ip.ttl"), "64", "SYN: ip.ttl");
	is_str(GET("ip.totlen"), "60", "SYN: ip.totlen");
	is_str(GET("ip.ihl"), "5", "SYN: ip.ihl");
	is_str(GET("ip.csum"), "45542", "SYN: ip.csum");
	is_str(GET("ip.id"), "7238", "SYN: ip.id");
	is_str(GET("ip.fragoff"), "16384", "SYN: ip.fragoff is DF (0x4000)");
	is_str(GET("tcp.sport"), "54321", "SYN: tcp.sport");
	is_str(GET("tcp.dport"), "80", "SYN: tcp.dport");
	is_str(GET("tcp.seq"), "1000", "SYN: tcp.seq");
	is_str(GET("tcp.ackseq"), "0", "SYN: tcp.ackseq");
	is_str(GET("tcp.offset"), "10", "SYN: tcp.offset in words");
	is_str(GET("tcp.reserved"), "0", "SYN: tcp.reserved");
	is_str(GET("tcp.window"), "64240", "SYN: tcp.window");
	is_str(GET("tcp.csum"), "4660", "SYN: tcp.csum");
	is_str(GET("tcp.urgp"), "0", "SYN: tcp.urgp");
	is_str(GET("tcp.syn"), "1", "SYN: tcp.syn");
	is_str(GET("tcp.ack"), "0", "SYN: tcp.ack");
	is_str(GET("tcp.fin"), "0", "SYN: tcp.fin");
	is_str(GET("tcp.rst"), "0", "SYN: tcp.rst");
	is_str(GET("tcp.psh"), "0", "SYN: tcp.psh");
	is_str(GET("tcp.urg"), "0", "SYN: tcp.urg");
	is_str(GET("tcp.cwr"), "0", "SYN: tcp.cwr");
	is_str(GET("tcp.ece"), "0", "SYN: tcp.ece");
	is_str(GET("tcp.res1"), "0", "SYN: tcp.res1");
	is_str(GET("tcp.res2"), "0", "SYN: tcp.res2");
	is_str(GET("tcp.options"),
	       "02:04:05:b4:04:02:08:0a:00:00:00:01:00:00:00:00:01:03:03:07",
	       "SYN: tcp.options are the 20 option bytes");
	is_str(GET("pkt.truncated"), "0", "SYN: not truncated");
	is_str(GET("pkt.malformed"), "0", "SYN: not malformed");
	is_str(GET("udp.sport"), NULL, "SYN: no UDP keys");
	is_str(GET("ip6.payloadlen"), NULL, "SYN: no IPv6 keys");
}

/*
 * ACK+PSH carrying ECN's CWR and ECE and the AE bit, behind 4 bytes of IPv4
 * options (IHL 6), with 5 bytes of data.
 */
static const uint8_t v4_ack[] = {
	0x46, 0x10, 0x00, 0x31,	/* IHL 6, TOS 0x10, total length 49 */
	0x00, 0x00, 0x00, 0x00,	/* ID 0, no flags, offset 0 */
	0x80, 0x06, 0x00, 0x00,	/* TTL 128, TCP, checksum 0 */
	0x0a, 0x01, 0x02, 0x03,	/* source 10.1.2.3 */
	0x0a, 0x03, 0x02, 0x01,	/* destination 10.3.2.1 */
	0x01, 0x01, 0x01, 0x00,	/* options: NOP NOP NOP EOL */
	0x01, 0xbb, 0xc3, 0x50,	/* source port 443, destination port 50000 */
	0x01, 0x02, 0x03, 0x04,	/* sequence 16909060 */
	0xa0, 0xb0, 0xc0, 0xd0,	/* acknowledgement 2695938256 */
	0x51, 0xd8, 0x02, 0x00,	/* offset 5, AE; CWR ECE ACK PSH; window 512 */
	0xab, 0xcd, 0x00, 0x07,	/* checksum 43981, urgent pointer 7 */
	'h', 'e', 'l', 'l', 'o',
};

static void test_v4_ack(void)
{
	FEED(AF_INET, "v4_tcp_ack_ecn", v4_ack);
	is_str(GET("ip.ihl"), "6", "ACK: ip.ihl 6");
	is_str(GET("ip.tos"), "16", "ACK: ip.tos");
	is_str(GET("ip.ttl"), "128", "ACK: ip.ttl");
	is_str(GET("ip.fragoff"), "0", "ACK: ip.fragoff");
	is_str(GET("tcp.sport"), "443", "ACK: tcp.sport after IP options");
	is_str(GET("tcp.dport"), "50000", "ACK: tcp.dport");
	is_str(GET("tcp.seq"), "16909060", "ACK: tcp.seq");
	is_str(GET("tcp.ackseq"), "2695938256", "ACK: tcp.ackseq");
	is_str(GET("tcp.window"), "512", "ACK: tcp.window");
	is_str(GET("tcp.ack"), "1", "ACK: tcp.ack");
	is_str(GET("tcp.psh"), "1", "ACK: tcp.psh");
	is_str(GET("tcp.syn"), "0", "ACK: tcp.syn");
	is_str(GET("tcp.cwr"), "1", "ACK: tcp.cwr");
	is_str(GET("tcp.ece"), "1", "ACK: tcp.ece");
	is_str(GET("tcp.reserved"), "1", "ACK: tcp.reserved holds AE");
	is_str(GET("tcp.res1"), "1", "ACK: tcp.res1 (reserved bits)");
	is_str(GET("tcp.res2"), "1", "ACK: tcp.res2 (ECE/CWR)");
	is_str(GET("tcp.urg"), "0", "ACK: tcp.urg");
	is_str(GET("tcp.urgp"), "7", "ACK: tcp.urgp is the raw field");
	is_str(GET("tcp.options"), NULL, "ACK: no tcp.options");
}

/* The same shape with other flags: RST+ACK, then FIN+ACK+URG. */
static const uint8_t v4_rst[] = {
	0x45, 0x00, 0x00, 0x28,	/* IHL 5, total length 40 */
	0x12, 0x34, 0x40, 0x00,	/* ID 4660, DF */
	0x40, 0x06, 0x00, 0x00,	/* TTL 64, TCP */
	0xc6, 0x33, 0x64, 0x0a,	/* source 198.51.100.10 */
	0xcb, 0x00, 0x71, 0x05,	/* destination 203.0.113.5 */
	0x00, 0x16, 0xe0, 0x00,	/* source port 22, destination port 57344 */
	0xff, 0xff, 0xff, 0xff,	/* sequence 4294967295 */
	0x00, 0x00, 0x00, 0x01,	/* acknowledgement 1 */
	0x50, 0x14, 0x00, 0x00,	/* offset 5, RST ACK, window 0 */
	0x00, 0x00, 0x00, 0x00,	/* checksum 0, urgent pointer 0 */
};

static const uint8_t v4_fin[] = {
	0x45, 0x00, 0x00, 0x28,	/* IHL 5, total length 40 */
	0x12, 0x35, 0x40, 0x00,	/* ID 4661, DF */
	0x40, 0x06, 0x00, 0x00,	/* TTL 64, TCP */
	0xc6, 0x33, 0x64, 0x0a,	/* source 198.51.100.10 */
	0xcb, 0x00, 0x71, 0x05,	/* destination 203.0.113.5 */
	0x00, 0x16, 0xe0, 0x00,	/* source port 22, destination port 57344 */
	0x00, 0x00, 0x00, 0x10,	/* sequence 16 */
	0x00, 0x00, 0x00, 0x20,	/* acknowledgement 32 */
	0x50, 0x31, 0x01, 0x00,	/* offset 5, URG ACK FIN, window 256 */
	0x00, 0x00, 0x00, 0x03,	/* checksum 0, urgent pointer 3 */
};

static void test_v4_rst_fin(void)
{
	FEED(AF_INET, "v4_tcp_rst", v4_rst);
	is_str(GET("ip.saddr"), "198.51.100.10", "RST: ip.saddr");
	is_str(GET("ip.daddr"), "203.0.113.5", "RST: ip.daddr");
	is_str(GET("tcp.seq"), "4294967295", "RST: tcp.seq all ones");
	is_str(GET("tcp.rst"), "1", "RST: tcp.rst");
	is_str(GET("tcp.ack"), "1", "RST: tcp.ack");
	is_str(GET("tcp.fin"), "0", "RST: tcp.fin");
	is_str(GET("tcp.window"), "0", "RST: tcp.window");

	FEED(AF_INET, "v4_tcp_fin", v4_fin);
	is_str(GET("ip.id"), "4661", "FIN: ip.id");
	is_str(GET("tcp.fin"), "1", "FIN: tcp.fin");
	is_str(GET("tcp.rst"), "0", "FIN: tcp.rst");
	is_str(GET("tcp.urg"), "1", "FIN: tcp.urg");
	is_str(GET("tcp.urgp"), "3", "FIN: tcp.urgp");
	is_str(GET("tcp.window"), "256", "FIN: tcp.window");
	is_str(GET("tcp.ackseq"), "32", "FIN: tcp.ackseq");
}

/* ---- IPv4 UDP, UDP-Lite, SCTP -------------------------------------------- */

static const uint8_t v4_udp[] = {
	0x45, 0x00, 0x00, 0x20,	/* total length 32 */
	0xab, 0xcd, 0x00, 0x00,	/* ID 43981 */
	0x3f, 0x11, 0x00, 0x00,	/* TTL 63, protocol 17 (UDP) */
	0x08, 0x08, 0x08, 0x08,	/* source 8.8.8.8 */
	0x0a, 0x00, 0x00, 0x05,	/* destination 10.0.0.5 */
	0x00, 0x35, 0x80, 0xe8,	/* source port 53, destination port 33000 */
	0x00, 0x0c, 0x9a, 0xbc,	/* length 12, checksum 39612 */
	'a', 'b', 'c', 'd',
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
				/* Ethernet padding past the total length */
};

/* UDP-Lite (protocol 136): the length field is the checksum coverage. */
static const uint8_t v4_udplite[] = {
	0x45, 0x00, 0x00, 0x20,	/* total length 32 */
	0x00, 0x01, 0x00, 0x00,	/* ID 1 */
	0x40, 0x88, 0x00, 0x00,	/* TTL 64, protocol 136 (UDP-Lite) */
	0x0a, 0x00, 0x00, 0x01,	/* source 10.0.0.1 */
	0x0a, 0x00, 0x00, 0x02,	/* destination 10.0.0.2 */
	0x13, 0x88, 0x13, 0x89,	/* source port 5000, destination port 5001 */
	0x00, 0x08, 0x51, 0x51,	/* coverage 8, checksum 20817 */
	'a', 'b', 'c', 'd',
};

static const uint8_t v4_sctp[] = {
	0x45, 0x00, 0x00, 0x20,	/* total length 32 */
	0x00, 0x02, 0x00, 0x00,	/* ID 2 */
	0x40, 0x84, 0x00, 0x00,	/* TTL 64, protocol 132 (SCTP) */
	0x0a, 0x00, 0x00, 0x01,	/* source 10.0.0.1 */
	0x0a, 0x00, 0x00, 0x02,	/* destination 10.0.0.2 */
	0x0b, 0x59, 0x0b, 0x5a,	/* source port 2905, destination port 2906 */
	0x11, 0x22, 0x33, 0x44,	/* verification tag */
	0xde, 0xad, 0xbe, 0xef,	/* checksum 3735928559 */
};

static void test_v4_udp_sctp(void)
{
	FEED(AF_INET, "v4_udp", v4_udp);
	is_str(GET("ip.protocol"), "17", "UDP: ip.protocol");
	is_str(GET("ip.ttl"), "63", "UDP: ip.ttl");
	is_str(GET("ip.id"), "43981", "UDP: ip.id");
	is_str(GET("udp.sport"), "53", "UDP: udp.sport");
	is_str(GET("udp.dport"), "33000", "UDP: udp.dport");
	is_str(GET("udp.len"), "12", "UDP: udp.len");
	is_str(GET("udp.csum"), "39612", "UDP: udp.csum");
	is_str(GET("pkt.truncated"), "0", "UDP: padding is not truncation");
	is_str(GET("tcp.sport"), NULL, "UDP: no TCP keys");

	FEED(AF_INET, "v4_udplite", v4_udplite);
	is_str(GET("ip.protocol"), "136", "UDPLITE: ip.protocol");
	is_str(GET("udp.sport"), "5000", "UDPLITE: udp.sport");
	is_str(GET("udp.dport"), "5001", "UDPLITE: udp.dport");
	is_str(GET("udp.len"), "8", "UDPLITE: udp.len is the coverage");
	is_str(GET("udp.csum"), "20817", "UDPLITE: udp.csum");

	FEED(AF_INET, "v4_sctp", v4_sctp);
	is_str(GET("ip.protocol"), "132", "SCTP: ip.protocol");
	is_str(GET("sctp.sport"), "2905", "SCTP: sctp.sport");
	is_str(GET("sctp.dport"), "2906", "SCTP: sctp.dport");
	is_str(GET("sctp.csum"), "3735928559", "SCTP: sctp.csum");
}

/* ---- ICMP ---------------------------------------------------------------- */

static const uint8_t v4_echo[] = {
	0x45, 0x00, 0x00, 0x20,	/* total length 32 */
	0x00, 0x03, 0x40, 0x00,	/* ID 3, DF */
	0x40, 0x01, 0x00, 0x00,	/* TTL 64, protocol 1 (ICMP) */
	0x0a, 0x00, 0x00, 0x01,	/* source 10.0.0.1 */
	0x0a, 0x00, 0x00, 0x02,	/* destination 10.0.0.2 */
	0x08, 0x00, 0xf7, 0xff,	/* echo request, code 0, checksum 63487 */
	0x12, 0x34, 0x00, 0x01,	/* identifier 4660, sequence 1 */
	'p', 'i', 'n', 'g',
};

/*
 * Port unreachable from 10.0.0.2 about a UDP datagram 10.0.0.1:40000 ->
 * 10.0.0.2:9999 that it quotes: the quoted ports must not become keys.
 */
static const uint8_t v4_unreach[] = {
	0x45, 0xc0, 0x00, 0x38,	/* TOS 0xc0, total length 56 */
	0x00, 0x04, 0x00, 0x00,	/* ID 4 */
	0x40, 0x01, 0x00, 0x00,	/* TTL 64, ICMP */
	0x0a, 0x00, 0x00, 0x02,	/* source 10.0.0.2 */
	0x0a, 0x00, 0x00, 0x01,	/* destination 10.0.0.1 */
	0x03, 0x03, 0x12, 0x12,	/* destination unreachable, port; checksum */
	0x00, 0x00, 0x00, 0x00,	/* unused */
	0x45, 0x00, 0x00, 0x24,	/* quoted IPv4: total length 36 */
	0x00, 0x09, 0x00, 0x00,	/* ID 9 */
	0x40, 0x11, 0x00, 0x00,	/* TTL 64, UDP */
	0x0a, 0x00, 0x00, 0x01,	/* source 10.0.0.1 */
	0x0a, 0x00, 0x00, 0x02,	/* destination 10.0.0.2 */
	0x9c, 0x40, 0x27, 0x0f,	/* quoted UDP: ports 40000 -> 9999 */
	0x00, 0x10, 0x00, 0x00,	/* length 16, checksum 0 */
};

/* Fragmentation needed, next-hop MTU 1400, quoting a TCP segment. */
static const uint8_t v4_fragneeded[] = {
	0x45, 0x00, 0x00, 0x38,	/* total length 56 */
	0x00, 0x05, 0x00, 0x00,	/* ID 5 */
	0x40, 0x01, 0x00, 0x00,	/* TTL 64, ICMP */
	0xc0, 0x00, 0x02, 0x01,	/* source 192.0.2.1 (a router) */
	0x0a, 0x00, 0x00, 0x01,	/* destination 10.0.0.1 */
	0x03, 0x04, 0x00, 0x00,	/* destination unreachable, frag needed */
	0x00, 0x00, 0x05, 0x78,	/* unused, next-hop MTU 1400 */
	0x45, 0x00, 0x05, 0xdc,	/* quoted IPv4: total length 1500 */
	0x00, 0x0a, 0x40, 0x00,	/* ID 10, DF */
	0x40, 0x06, 0x00, 0x00,	/* TTL 64, TCP */
	0x0a, 0x00, 0x00, 0x01,	/* source 10.0.0.1 */
	0xc6, 0x33, 0x64, 0x01,	/* destination 198.51.100.1 */
	0xc3, 0x50, 0x00, 0x50,	/* quoted TCP: ports 50000 -> 80 */
	0x00, 0x00, 0x00, 0x01,	/* sequence 1 */
};

/* Redirect for host (code 1) to gateway 192.168.1.254. */
static const uint8_t v4_redirect[] = {
	0x45, 0x00, 0x00, 0x38,	/* total length 56 */
	0x00, 0x06, 0x00, 0x00,	/* ID 6 */
	0x40, 0x01, 0x00, 0x00,	/* TTL 64, ICMP */
	0xc0, 0xa8, 0x01, 0x01,	/* source 192.168.1.1 */
	0xc0, 0xa8, 0x01, 0x0a,	/* destination 192.168.1.10 */
	0x05, 0x01, 0x00, 0x00,	/* redirect, for host */
	0xc0, 0xa8, 0x01, 0xfe,	/* gateway 192.168.1.254 */
	0x45, 0x00, 0x00, 0x54,	/* quoted IPv4: total length 84 */
	0x00, 0x0b, 0x00, 0x00,	/* ID 11 */
	0x40, 0x01, 0x00, 0x00,	/* TTL 64, ICMP */
	0xc0, 0xa8, 0x01, 0x0a,	/* source 192.168.1.10 */
	0x08, 0x08, 0x04, 0x04,	/* destination 8.8.4.4 */
	0x08, 0x00, 0x00, 0x00,	/* quoted echo request */
	0x00, 0x07, 0x00, 0x02,	/* identifier 7, sequence 2 */
};

static void test_icmp(void)
{
	FEED(AF_INET, "v4_icmp_echo", v4_echo);
	is_str(GET("ip.protocol"), "1", "echo: ip.protocol");
	is_str(GET("icmp.type"), "8", "echo: icmp.type");
	is_str(GET("icmp.code"), "0", "echo: icmp.code");
	is_str(GET("icmp.csum"), "63487", "echo: icmp.csum in host order");
	is_str(GET("icmp.echoid"), "4660", "echo: icmp.echoid");
	is_str(GET("icmp.echoseq"), "1", "echo: icmp.echoseq");
	is_str(GET("icmp.gateway"), NULL, "echo: no icmp.gateway");
	is_str(GET("icmp.fragmtu"), NULL, "echo: no icmp.fragmtu");

	FEED(AF_INET, "v4_icmp_port_unreach", v4_unreach);
	is_str(GET("ip.saddr"), "10.0.0.2", "unreach: outer ip.saddr");
	is_str(GET("ip.daddr"), "10.0.0.1", "unreach: outer ip.daddr");
	is_str(GET("ip.protocol"), "1", "unreach: outer ip.protocol");
	is_str(GET("ip.tos"), "192", "unreach: outer ip.tos");
	is_str(GET("ip.id"), "4", "unreach: outer ip.id");
	is_str(GET("ip.totlen"), "56", "unreach: outer ip.totlen");
	is_str(GET("icmp.type"), "3", "unreach: icmp.type");
	is_str(GET("icmp.code"), "3", "unreach: icmp.code");
	is_str(GET("icmp.echoid"), NULL, "unreach: no echo id");
	is_str(GET("icmp.fragmtu"), NULL, "unreach: no MTU for code 3");
	is_str(GET("udp.sport"), NULL, "unreach: quoted UDP not decoded");
	is_str(GET("udp.dport"), NULL, "unreach: quoted UDP dport neither");
	is_str(GET("pkt.truncated"), "0", "unreach: not truncated");

	FEED(AF_INET, "v4_icmp_frag_needed", v4_fragneeded);
	is_str(GET("icmp.type"), "3", "frag needed: icmp.type");
	is_str(GET("icmp.code"), "4", "frag needed: icmp.code");
	is_str(GET("icmp.fragmtu"), "1400", "frag needed: icmp.fragmtu");
	is_str(GET("tcp.sport"), NULL, "frag needed: quoted TCP not decoded");
	is_str(GET("ip.saddr"), "192.0.2.1", "frag needed: ip.saddr");

	FEED(AF_INET, "v4_icmp_redirect", v4_redirect);
	is_str(GET("icmp.type"), "5", "redirect: icmp.type");
	is_str(GET("icmp.code"), "1", "redirect: icmp.code");
	is_str(GET("icmp.gateway"), "192.168.1.254", "redirect: icmp.gateway");
	is_str(GET("icmp.echoid"), NULL, "redirect: quoted echo not decoded");
	is_str(GET("ip.daddr"), "192.168.1.10", "redirect: outer ip.daddr");
}

/* ---- IPv4 fragments ------------------------------------------------------ */

/* First fragment: MF set, offset 0; the UDP header is in it. */
static const uint8_t v4_frag_first[] = {
	0x45, 0x00, 0x00, 0x24,	/* total length 36 */
	0x77, 0x77, 0x20, 0x00,	/* ID 30583, MF, offset 0 */
	0x40, 0x11, 0x00, 0x00,	/* TTL 64, UDP */
	0x0a, 0x00, 0x00, 0x01,	/* source 10.0.0.1 */
	0x0a, 0x00, 0x00, 0x02,	/* destination 10.0.0.2 */
	0x04, 0xd2, 0x16, 0x2e,	/* source port 1234, destination port 5678 */
	0x0b, 0xc0, 0x00, 0x00,	/* length 3008, checksum 0 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,	/* data */
};

/* A later fragment: offset 185 (1480 bytes), last. Its data only looks
 * like a UDP header. */
static const uint8_t v4_frag_later[] = {
	0x45, 0x00, 0x00, 0x24,	/* total length 36 */
	0x77, 0x77, 0x00, 0xb9,	/* ID 30583, no flags, offset 185 */
	0x40, 0x11, 0x00, 0x00,	/* TTL 64, UDP */
	0x0a, 0x00, 0x00, 0x01,	/* source 10.0.0.1 */
	0x0a, 0x00, 0x00, 0x02,	/* destination 10.0.0.2 */
	0x11, 0x11, 0x22, 0x22,	/* data */
	0x33, 0x33, 0x44, 0x44,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static void test_v4_frag(void)
{
	FEED(AF_INET, "v4_frag_first", v4_frag_first);
	is_str(GET("ip.fragoff"), "8192", "first fragment: ip.fragoff MF");
	is_str(GET("ip.id"), "30583", "first fragment: ip.id");
	is_str(GET("udp.sport"), "1234", "first fragment: udp.sport");
	is_str(GET("udp.dport"), "5678", "first fragment: udp.dport");
	is_str(GET("udp.len"), "3008", "first fragment: udp.len");

	FEED(AF_INET, "v4_frag_later", v4_frag_later);
	is_str(GET("ip.fragoff"), "185", "later fragment: ip.fragoff");
	is_str(GET("ip.protocol"), "17", "later fragment: ip.protocol");
	is_str(GET("udp.sport"), NULL, "later fragment: no udp.sport");
	is_str(GET("udp.len"), NULL, "later fragment: no udp.len");
	is_str(GET("pkt.truncated"), "0", "later fragment: not truncated");
}

/* ---- IPv6 ---------------------------------------------------------------- */

#define V6_2001_DB8(last)                                                    \
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,                      \
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, (last)

/* SYN+ACK 2001:db8::1 -> 2001:db8::2, traffic class 10, flow 0x12345. */
static const uint8_t v6_tcp[] = {
	0x60, 0xa1, 0x23, 0x45,	/* version 6, class 0x0a, flow 0x12345 */
	0x00, 0x14, 0x06, 0x40,	/* payload 20, next header TCP, hops 64 */
	V6_2001_DB8(0x01),	/* source 2001:db8::1 */
	V6_2001_DB8(0x02),	/* destination 2001:db8::2 */
	0x00, 0x50, 0x9c, 0x40,	/* source port 80, destination port 40000 */
	0x00, 0x00, 0x00, 0x01,	/* sequence 1 */
	0x00, 0x00, 0x00, 0x02,	/* acknowledgement 2 */
	0x50, 0x12, 0x04, 0x00,	/* offset 5, SYN ACK, window 1024 */
	0x01, 0x01, 0x00, 0x00,	/* checksum 257, urgent pointer 0 */
};

static const uint8_t v6_udp[] = {
	0x60, 0x00, 0x00, 0x00,	/* version 6, class 0, flow 0 */
	0x00, 0x0b, 0x11, 0xff,	/* payload 11, next header UDP, hops 255 */
	0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
				/* source fe80::1 */
	0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0, 0x02,
				/* destination ff02::1:2 */
	0x02, 0x22, 0x02, 0x23,	/* source port 546, destination port 547 */
	0x00, 0x0b, 0x00, 0x99,	/* length 11, checksum 153 */
	'x', 'y', 'z',
};

static const uint8_t v6_echo[] = {
	0x60, 0x00, 0x00, 0x00,	/* version 6 */
	0x00, 0x0c, 0x3a, 0x40,	/* payload 12, next header ICMPv6, hops 64 */
	V6_2001_DB8(0x01),	/* source 2001:db8::1 */
	V6_2001_DB8(0x02),	/* destination 2001:db8::2 */
	0x80, 0x00, 0x1a, 0x2b,	/* echo request, code 0, checksum 6699 */
	0x01, 0x00, 0x00, 0x07,	/* identifier 256, sequence 7 */
	'p', 'i', 'n', 'g',
};

static const uint8_t v6_toobig[] = {
	0x60, 0x00, 0x00, 0x00,	/* version 6 */
	0x00, 0x30, 0x3a, 0x40,	/* payload 48, next header ICMPv6, hops 64 */
	V6_2001_DB8(0xfe),	/* source 2001:db8::fe, a router */
	V6_2001_DB8(0x01),	/* destination 2001:db8::1 */
	0x02, 0x00, 0x00, 0x00,	/* packet too big, code 0, checksum 0 */
	0x00, 0x00, 0x05, 0x00,	/* MTU 1280 */
	0x60, 0x00, 0x00, 0x00,	/* quoted IPv6 header, first 40 bytes */
	0x05, 0x00, 0x06, 0x40,
	V6_2001_DB8(0x01),
	V6_2001_DB8(0x02),
};

/*
 * Hop-by-hop options (router alert), then a fragment header (offset 0, M
 * set, ID 0xdeadbeef), then UDP with 8 bytes of data.
 */
static const uint8_t v6_hbh_frag[] = {
	0x60, 0x00, 0x00, 0x00,	/* version 6 */
	0x00, 0x20, 0x00, 0x01,	/* payload 32, next header 0 (HBH), hops 1 */
	V6_2001_DB8(0x01),	/* source 2001:db8::1 */
	V6_2001_DB8(0x02),	/* destination 2001:db8::2 */
	0x2c, 0x00,		/* HBH: next header 44 (fragment), 8 bytes */
	0x05, 0x02, 0x00, 0x00,	/* router alert, MLD */
	0x01, 0x00,		/* PadN, 0 bytes */
	0x11, 0x00,		/* fragment: next header 17 (UDP), reserved */
	0x00, 0x01,		/* offset 0, M */
	0xde, 0xad, 0xbe, 0xef,	/* identification 3735928559 */
	0x04, 0xd2, 0x16, 0x2e,	/* UDP: ports 1234 -> 5678 */
	0x00, 0x10, 0x00, 0x00,	/* length 16, checksum 0 */
	1, 2, 3, 4, 5, 6, 7, 8,	/* data */
};

/* The next fragment of the same datagram: offset 181 (1448 bytes). */
static const uint8_t v6_frag_later[] = {
	0x60, 0x00, 0x00, 0x00,	/* version 6 */
	0x00, 0x10, 0x2c, 0x40,	/* payload 16, next header 44, hops 64 */
	V6_2001_DB8(0x01),	/* source 2001:db8::1 */
	V6_2001_DB8(0x02),	/* destination 2001:db8::2 */
	0x11, 0x00,		/* fragment: next header UDP */
	0x05, 0xa8,		/* offset 181 << 3, M clear */
	0xde, 0xad, 0xbe, 0xef,	/* identification */
	0x04, 0xd2, 0x16, 0x2e,	/* data that looks like UDP */
	0x00, 0x10, 0x00, 0x00,
};

static void test_v6(void)
{
	FEED(AF_INET6, "v6_tcp", v6_tcp);
	is_str(GET("ip.saddr"), "2001:db8::1", "v6 TCP: ip.saddr");
	is_str(GET("ip.daddr"), "2001:db8::2", "v6 TCP: ip.daddr");
	is_str(GET("ip6.priority"), "10", "v6 TCP: ip6.priority");
	is_str(GET("ip6.flowlabel"), "74565", "v6 TCP: ip6.flowlabel");
	is_str(GET("ip6.payloadlen"), "20", "v6 TCP: ip6.payloadlen");
	is_str(GET("ip6.hoplimit"), "64", "v6 TCP: ip6.hoplimit");
	is_str(GET("ip6.nexthdr"), "6", "v6 TCP: ip6.nexthdr");
	is_str(GET("ip.protocol"), "6", "v6 TCP: ip.protocol");
	is_str(GET("ip6.exthdrs"), "", "v6 TCP: no extension headers");
	is_str(GET("tcp.sport"), "80", "v6 TCP: tcp.sport");
	is_str(GET("tcp.dport"), "40000", "v6 TCP: tcp.dport");
	is_str(GET("tcp.syn"), "1", "v6 TCP: tcp.syn");
	is_str(GET("tcp.ack"), "1", "v6 TCP: tcp.ack");
	is_str(GET("tcp.window"), "1024", "v6 TCP: tcp.window");
	is_str(GET("ip.ttl"), NULL, "v6 TCP: no IPv4 keys");

	FEED(AF_INET6, "v6_udp", v6_udp);
	is_str(GET("ip.saddr"), "fe80::1", "v6 UDP: ip.saddr");
	is_str(GET("ip.daddr"), "ff02::1:2", "v6 UDP: ip.daddr");
	is_str(GET("ip6.hoplimit"), "255", "v6 UDP: ip6.hoplimit");
	is_str(GET("udp.sport"), "546", "v6 UDP: udp.sport");
	is_str(GET("udp.dport"), "547", "v6 UDP: udp.dport");
	is_str(GET("udp.csum"), "153", "v6 UDP: udp.csum");

	FEED(AF_INET6, "v6_icmpv6_echo", v6_echo);
	is_str(GET("ip.protocol"), "58", "v6 echo: ip.protocol");
	is_str(GET("icmpv6.type"), "128", "v6 echo: icmpv6.type");
	is_str(GET("icmpv6.code"), "0", "v6 echo: icmpv6.code");
	is_str(GET("icmpv6.csum"), "6699", "v6 echo: icmpv6.csum");
	is_str(GET("icmpv6.echoid"), "256", "v6 echo: icmpv6.echoid");
	is_str(GET("icmpv6.echoseq"), "7", "v6 echo: icmpv6.echoseq");
	is_str(GET("icmpv6.mtu"), NULL, "v6 echo: no icmpv6.mtu");

	FEED(AF_INET6, "v6_icmpv6_toobig", v6_toobig);
	is_str(GET("icmpv6.type"), "2", "too big: icmpv6.type");
	is_str(GET("icmpv6.mtu"), "1280", "too big: icmpv6.mtu");
	is_str(GET("icmpv6.echoid"), NULL, "too big: no echo id");
	is_str(GET("tcp.sport"), NULL, "too big: quoted packet not decoded");

	FEED(AF_INET6, "v6_hbh_frag_udp", v6_hbh_frag);
	is_str(GET("ip6.nexthdr"), "0", "HBH+FRAG: ip6.nexthdr is HBH");
	is_str(GET("ip.protocol"), "17", "HBH+FRAG: ip.protocol after both");
	is_str(GET("ip6.exthdrs"), "HOPOPTS FRAG", "HBH+FRAG: ip6.exthdrs");
	is_str(GET("ip6.fragoff"), "1", "HBH+FRAG: ip6.fragoff raw, M set");
	is_str(GET("ip6.fragid"), "3735928559", "HBH+FRAG: ip6.fragid");
	is_str(GET("ip6.hoplimit"), "1", "HBH+FRAG: ip6.hoplimit");
	is_str(GET("udp.sport"), "1234", "HBH+FRAG: udp.sport");
	is_str(GET("udp.dport"), "5678", "HBH+FRAG: udp.dport");
	is_str(GET("udp.len"), "16", "HBH+FRAG: udp.len");
	is_str(GET("pkt.truncated"), "0", "HBH+FRAG: not truncated");

	FEED(AF_INET6, "v6_frag_later", v6_frag_later);
	is_str(GET("ip6.fragoff"), "1448", "v6 later fragment: ip6.fragoff");
	is_str(GET("ip6.exthdrs"), "FRAG", "v6 later fragment: ip6.exthdrs");
	is_str(GET("ip.protocol"), "17", "v6 later fragment: ip.protocol");
	is_str(GET("udp.sport"), NULL, "v6 later fragment: no udp.sport");
}

/* ---- IPsec and GRE ------------------------------------------------------- */

static const uint8_t v4_esp[] = {
	0x45, 0x00, 0x00, 0x24,	/* total length 36 */
	0x00, 0x07, 0x00, 0x00,	/* ID 7 */
	0x40, 0x32, 0x00, 0x00,	/* TTL 64, protocol 50 (ESP) */
	0xc0, 0x00, 0x02, 0x01,	/* source 192.0.2.1 */
	0xc0, 0x00, 0x02, 0x02,	/* destination 192.0.2.2 */
	0x00, 0x00, 0x10, 0x01,	/* SPI 4097 */
	0x00, 0x00, 0x00, 0x01,	/* sequence 1 */
	0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00, 0x11,	/* ciphertext */
};

static const uint8_t v4_ah[] = {
	0x45, 0x00, 0x00, 0x2c,	/* total length 44 */
	0x00, 0x08, 0x00, 0x00,	/* ID 8 */
	0x40, 0x33, 0x00, 0x00,	/* TTL 64, protocol 51 (AH) */
	0xc0, 0x00, 0x02, 0x01,	/* source 192.0.2.1 */
	0xc0, 0x00, 0x02, 0x02,	/* destination 192.0.2.2 */
	0x04, 0x04, 0x00, 0x00,	/* next header 4, length (4+2)*4 = 24 */
	0x00, 0x00, 0x20, 0x02,	/* SPI 8194 */
	0x00, 0x00, 0x00, 0x02,	/* sequence 2 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* ICV */
};

/* AH in IPv6 is an extension header: TCP follows it. */
static const uint8_t v6_ah_tcp[] = {
	0x60, 0x00, 0x00, 0x00,	/* version 6 */
	0x00, 0x2c, 0x33, 0x40,	/* payload 44, next header 51 (AH), hops 64 */
	V6_2001_DB8(0x01),	/* source 2001:db8::1 */
	V6_2001_DB8(0x02),	/* destination 2001:db8::2 */
	0x06, 0x04, 0x00, 0x00,	/* AH: next header TCP, 24 bytes */
	0x0b, 0xad, 0xf0, 0x0d,	/* SPI 195948557 */
	0x00, 0x00, 0x00, 0x05,	/* sequence 5 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* ICV */
	0x00, 0x19, 0x04, 0x00,	/* TCP: ports 25 -> 1024 */
	0x00, 0x00, 0x00, 0x09,	/* sequence 9 */
	0x00, 0x00, 0x00, 0x00,	/* acknowledgement 0 */
	0x50, 0x02, 0x10, 0x00,	/* offset 5, SYN, window 4096 */
	0x00, 0x00, 0x00, 0x00,	/* checksum, urgent pointer */
};

/* ESP in IPv6 ends the walk: what follows is encrypted. */
static const uint8_t v6_dst_esp[] = {
	0x60, 0x00, 0x00, 0x00,	/* version 6 */
	0x00, 0x18, 0x3c, 0x40,	/* payload 24, next header 60 (DSTOPTS) */
	V6_2001_DB8(0x01),	/* source 2001:db8::1 */
	V6_2001_DB8(0x02),	/* destination 2001:db8::2 */
	0x32, 0x00,		/* DSTOPTS: next header 50 (ESP), 8 bytes */
	0x01, 0x04, 0x00, 0x00, 0x00, 0x00,	/* PadN of 4 */
	0x00, 0x00, 0x00, 0x63,	/* ESP: SPI 99 */
	0x00, 0x00, 0x00, 0x01,	/* sequence 1 */
	0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
				/* ciphertext (looks like nothing) */
};

/* GRE with the key bit: key 1111, carrying IPv4. */
static const uint8_t v4_gre_key[] = {
	0x45, 0x00, 0x00, 0x20,	/* total length 32 */
	0x00, 0x0c, 0x00, 0x00,	/* ID 12 */
	0x40, 0x2f, 0x00, 0x00,	/* TTL 64, protocol 47 (GRE) */
	0xc0, 0x00, 0x02, 0x01,	/* source 192.0.2.1 */
	0xc0, 0x00, 0x02, 0x02,	/* destination 192.0.2.2 */
	0x20, 0x00, 0x08, 0x00,	/* K; version 0; protocol 0x0800 */
	0x00, 0x00, 0x04, 0x57,	/* key 1111 */
	0x45, 0x00, 0x00, 0x00,	/* start of the inner packet */
};

/* GRE with checksum, key and sequence, carrying Ethernet (0x6558). */
static const uint8_t v4_gre_ck[] = {
	0x45, 0x00, 0x00, 0x24,	/* total length 36 */
	0x00, 0x0d, 0x00, 0x00,	/* ID 13 */
	0x40, 0x2f, 0x00, 0x00,	/* TTL 64, GRE */
	0xc0, 0x00, 0x02, 0x01,	/* source 192.0.2.1 */
	0xc0, 0x00, 0x02, 0x02,	/* destination 192.0.2.2 */
	0xb0, 0x00, 0x65, 0x58,	/* C K S, version 0; protocol 0x6558 */
	0x12, 0x34, 0x00, 0x00,	/* checksum, reserved */
	0x00, 0x00, 0x00, 0x2a,	/* key 42 */
	0x00, 0x00, 0x00, 0x03,	/* sequence 3 */
};

/* PPTP's enhanced GRE (version 1): the key is payload length and call ID. */
static const uint8_t v4_gre_pptp[] = {
	0x45, 0x00, 0x00, 0x20,	/* total length 32 */
	0x00, 0x0e, 0x00, 0x00,	/* ID 14 */
	0x40, 0x2f, 0x00, 0x00,	/* TTL 64, GRE */
	0xc0, 0x00, 0x02, 0x01,	/* source 192.0.2.1 */
	0xc0, 0x00, 0x02, 0x02,	/* destination 192.0.2.2 */
	0x30, 0x81, 0x88, 0x0b,	/* K S A, version 1; protocol PPP 0x880b */
	0x00, 0x10, 0x12, 0x34,	/* payload length 16, call ID 0x1234 */
	0x00, 0x00, 0x00, 0x01,	/* sequence 1 */
};

static void test_ipsec_gre(void)
{
	FEED(AF_INET, "v4_esp", v4_esp);
	is_str(GET("ip.protocol"), "50", "ESP: ip.protocol");
	is_str(GET("ahesp.spi"), "4097", "ESP: ahesp.spi");

	FEED(AF_INET, "v4_ah", v4_ah);
	is_str(GET("ip.protocol"), "51", "AH: ip.protocol");
	is_str(GET("ahesp.spi"), "8194", "AH: ahesp.spi");

	FEED(AF_INET6, "v6_ah_tcp", v6_ah_tcp);
	is_str(GET("ahesp.spi"), "195948557", "v6 AH: ahesp.spi");
	is_str(GET("ip6.exthdrs"), "AH", "v6 AH: ip6.exthdrs");
	is_str(GET("ip6.nexthdr"), "51", "v6 AH: ip6.nexthdr");
	is_str(GET("ip.protocol"), "6", "v6 AH: ip.protocol after AH");
	is_str(GET("tcp.sport"), "25", "v6 AH: tcp.sport behind AH");
	is_str(GET("tcp.window"), "4096", "v6 AH: tcp.window");

	FEED(AF_INET6, "v6_dstopts_esp", v6_dst_esp);
	is_str(GET("ip6.exthdrs"), "DSTOPTS ESP", "v6 ESP: ip6.exthdrs");
	is_str(GET("ahesp.spi"), "99", "v6 ESP: ahesp.spi");
	is_str(GET("ip.protocol"), "50", "v6 ESP: ip.protocol");
	is_str(GET("tcp.sport"), NULL, "v6 ESP: nothing decoded past ESP");

	FEED(AF_INET, "v4_gre_key", v4_gre_key);
	is_str(GET("ip.protocol"), "47", "GRE: ip.protocol");
	is_str(GET("gre.flags"), "8192", "GRE: gre.flags is K (0x2000)");
	is_str(GET("gre.version"), "0", "GRE: gre.version");
	is_str(GET("gre.protocol"), "2048", "GRE: gre.protocol 0x0800");
	is_str(GET("gre.key"), "1111", "GRE: gre.key");

	FEED(AF_INET, "v4_gre_csum_key_seq", v4_gre_ck);
	is_str(GET("gre.flags"), "45056", "GRE C+K+S: gre.flags 0xb000");
	is_str(GET("gre.protocol"), "25944", "GRE C+K+S: gre.protocol");
	is_str(GET("gre.key"), "42", "GRE C+K+S: key after the checksum");

	FEED(AF_INET, "v4_gre_pptp", v4_gre_pptp);
	is_str(GET("gre.version"), "1", "PPTP GRE: gre.version");
	is_str(GET("gre.flags"), "12416", "PPTP GRE: gre.flags 0x3080");
	is_str(GET("gre.protocol"), "34827", "PPTP GRE: gre.protocol");
	is_str(GET("gre.key"), "1053236", "PPTP GRE: length and call ID");
}

/* ---- bridge and ARP ------------------------------------------------------ */

/* Who has 192.168.0.2? Tell 192.168.0.1 (at 00:11:22:33:44:55). */
static const uint8_t arp_req[] = {
	0x00, 0x01, 0x08, 0x00,	/* hardware Ethernet, protocol IPv4 */
	0x06, 0x04, 0x00, 0x01,	/* lengths 6 and 4, operation request */
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55,	/* sender hardware address */
	0xc0, 0xa8, 0x00, 0x01,	/* sender 192.168.0.1 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00,	/* target hardware address */
	0xc0, 0xa8, 0x00, 0x02,	/* target 192.168.0.2 */
};

static void test_bridge(void)
{
	save("arp_request", arp_req, sizeof(arp_req));
	feed(AF_BRIDGE, ETH_P_ARP, arp_req, sizeof(arp_req));
	is_str(GET("arp.hwtype"), "1", "ARP: arp.hwtype");
	is_str(GET("arp.protocoltype"), "2048", "ARP: arp.protocoltype");
	is_str(GET("arp.operation"), "1", "ARP: arp.operation");
	is_str(GET("arp.shwaddr"), "00:11:22:33:44:55", "ARP: arp.shwaddr");
	is_str(GET("arp.saddr"), "192.168.0.1", "ARP: arp.saddr");
	is_str(GET("arp.dhwaddr"), "00:00:00:00:00:00", "ARP: arp.dhwaddr");
	is_str(GET("arp.daddr"), "192.168.0.2", "ARP: arp.daddr");
	is_str(GET("oob.protocol"), "2054", "ARP: oob.protocol passed on");
	is_str(GET("ip.saddr"), NULL, "ARP: no IP keys");

	/* The arptables family (NFPROTO_ARP = 3) carries ARP as well. */
	feed(3, ETH_P_ARP, arp_req, sizeof(arp_req));
	is_str(GET("arp.daddr"), "192.168.0.2", "ARP family: arp.daddr");

	feed(AF_BRIDGE, ETH_P_IP, v4_udp, sizeof(v4_udp));
	is_str(GET("ip.saddr"), "8.8.8.8", "bridged IPv4: ip.saddr");
	is_str(GET("udp.dport"), "33000", "bridged IPv4: udp.dport");
	is_str(GET("arp.operation"), NULL, "bridged IPv4: no ARP keys");

	feed(AF_BRIDGE, ETH_P_IPV6, v6_tcp, sizeof(v6_tcp));
	is_str(GET("ip.daddr"), "2001:db8::2", "bridged IPv6: ip.daddr");
	is_str(GET("tcp.sport"), "80", "bridged IPv6: tcp.sport");

	/* An ethertype BASE does not know: nothing decoded, nothing wrong. */
	feed(AF_BRIDGE, 0x88cc, arp_req, sizeof(arp_req));
	is_str(GET("arp.operation"), NULL, "LLDP on a bridge: no keys");
	is_str(GET("pkt.truncated"), "0", "LLDP on a bridge: not truncated");
	is_str(GET("pkt.malformed"), "0", "LLDP on a bridge: not malformed");
}

/* ---- malformed packets --------------------------------------------------- */

static void test_malformed(void)
{
	struct nfp_inst *base = nfpt_inst(t, "base");
	uint8_t p[64];
	uint64_t before = base->ctr[1];
	unsigned int i;

	/* IHL 4: the header cannot be shorter than 20 bytes. */
	memcpy(p, v4_syn, sizeof(v4_syn));
	p[0] = 0x44;
	save("bad_v4_ihl4", p, sizeof(v4_syn));
	feed(AF_INET, 0, p, sizeof(v4_syn));
	is_str(GET("pkt.malformed"), "1", "IHL 4: malformed");
	is_str(GET("ip.ihl"), "4", "IHL 4: ip.ihl reported");
	is_str(GET("ip.saddr"), "192.168.0.104", "IHL 4: fixed header keys");
	is_str(GET("tcp.sport"), NULL, "IHL 4: no TCP keys");

	/* Total length 16, shorter than the header. */
	memcpy(p, v4_syn, sizeof(v4_syn));
	p[3] = 16;
	feed(AF_INET, 0, p, sizeof(v4_syn));
	is_str(GET("pkt.malformed"), "1", "total length 16: malformed");
	is_str(GET("tcp.sport"), NULL, "total length 16: no TCP keys");

	/* IHL 15 (60 bytes) in a 40-byte packet that says it is 40 long. */
	memcpy(p, v4_rst, sizeof(v4_rst));
	p[0] = 0x4f;
	feed(AF_INET, 0, p, sizeof(v4_rst));
	is_str(GET("pkt.malformed"), "1", "IHL past total length: malformed");

	/* A TCP data offset of 3 words. */
	memcpy(p, v4_rst, sizeof(v4_rst));
	p[32] = 0x30;
	save("bad_tcp_doff3", p, sizeof(v4_rst));
	feed(AF_INET, 0, p, sizeof(v4_rst));
	is_str(GET("pkt.malformed"), "1", "TCP offset 3: malformed");
	is_str(GET("tcp.sport"), "22", "TCP offset 3: ports still there");
	is_str(GET("tcp.offset"), "3", "TCP offset 3: tcp.offset");

	/* Version 6 in an IPv4 record. */
	feed(AF_INET, 0, v6_tcp, sizeof(v6_tcp));
	is_str(GET("pkt.malformed"), "1", "IPv6 bytes as IPv4: malformed");
	is_str(GET("ip.saddr"), NULL, "IPv6 bytes as IPv4: no keys");
	feed(AF_INET6, 0, v4_syn, sizeof(v4_syn));
	is_str(GET("pkt.malformed"), "1", "IPv4 bytes as IPv6: malformed");

	is_int((int64_t)(base->ctr[1] - before), 6,
	       "the malformed counter counted each one");

	/* 17 destination-options headers of 8 bytes each, then nothing. */
	{
		uint8_t chain[40 + 17 * 8];

		memset(chain, 0, sizeof(chain));
		chain[0] = 0x60;
		chain[4] = (17 * 8) >> 8;
		chain[5] = (17 * 8) & 0xff;
		chain[6] = 60;		/* DSTOPTS */
		chain[7] = 64;
		for (i = 0; i < 17; i++) {
			chain[40 + i * 8] = i < 16 ? 60 : 59;
			chain[40 + i * 8 + 1] = 0;
		}
		save("bad_v6_17_dstopts", chain, sizeof(chain));
		feed(AF_INET6, 0, chain, sizeof(chain));
		is_str(GET("pkt.malformed"), "1", "17 ext. headers: malformed");
		is_str(GET("ip.protocol"), NULL, "17 ext. headers: no proto");
		/* 16 are fine: the 16th says "no next header". */
		chain[40 + 15 * 8] = 59;
		feed(AF_INET6, 0, chain, sizeof(chain));
		is_str(GET("pkt.malformed"), "0", "16 ext. headers: fine");
		is_str(GET("ip.protocol"), "59", "16 ext. headers: then none");
	}
}

/* ---- truncation ---------------------------------------------------------- */

/*
 * Cut @pkt at every length below its full size. Returns how many cuts set
 * pkt.truncated; a cut shorter than @hdrs (where the headers end) must set
 * it, a longer one must not.
 */
static void cut_all(int family, uint16_t proto, const char *what,
		    const uint8_t *pkt, size_t len, size_t hdrs)
{
	unsigned int bad = 0;
	size_t n;

	for (n = 0; n < len; n++) {
		const char *tr;

		feed(family, proto, pkt, n);
		tr = GET("pkt.truncated");
		if (!tr || strcmp(tr, n < hdrs ? "1" : "0")) {
			diag("%s cut at %zu: pkt.truncated %s", what, n,
			     tr ? tr : "unset");
			bad++;
		}
		if (GET("pkt.malformed") && strcmp(GET("pkt.malformed"), "0")) {
			diag("%s cut at %zu: malformed", what, n);
			bad++;
		}
	}
	is_int(bad, 0, "%s: every cut is truncated exactly inside headers",
	       what);
}

static void test_truncated(void)
{
	struct nfp_inst *base = nfpt_inst(t, "base");
	uint64_t before = base->ctr[0];

	cut_all(AF_INET, 0, "IPv4 TCP SYN", v4_syn, sizeof(v4_syn), 60);
	cut_all(AF_INET, 0, "IPv4 UDP", v4_udp, sizeof(v4_udp), 28);
	cut_all(AF_INET, 0, "ICMP echo", v4_echo, sizeof(v4_echo), 28);
	cut_all(AF_INET, 0, "IPv4 GRE key", v4_gre_key, sizeof(v4_gre_key),
		28);
	cut_all(AF_INET, 0, "IPv4 SCTP", v4_sctp, sizeof(v4_sctp), 32);
	cut_all(AF_INET6, 0, "IPv6 HBH FRAG UDP", v6_hbh_frag,
		sizeof(v6_hbh_frag), 64);
	cut_all(AF_INET6, 0, "IPv6 AH TCP", v6_ah_tcp, sizeof(v6_ah_tcp), 84);
	cut_all(AF_INET6, 0, "ICMPv6 echo", v6_echo, sizeof(v6_echo), 48);
	cut_all(AF_BRIDGE, ETH_P_ARP, "ARP", arp_req, sizeof(arp_req), 28);
	is_int((int64_t)(base->ctr[0] - before),
	       60 + 28 + 28 + 28 + 32 + 64 + 84 + 48 + 28,
	       "the truncated counter counted each cut inside headers");

	/* What is complete is kept: the SYN cut inside its options. */
	feed(AF_INET, 0, v4_syn, 50);
	is_str(GET("ip.saddr"), "192.168.0.104", "SYN cut at 50: IP keys");
	is_str(GET("tcp.dport"), "80", "SYN cut at 50: TCP fixed header");
	is_str(GET("tcp.options"), NULL, "SYN cut at 50: no partial options");
	/* ... and inside the TCP header. */
	feed(AF_INET, 0, v4_syn, 39);
	is_str(GET("ip.daddr"), "192.168.0.1", "SYN cut at 39: IP keys");
	is_str(GET("tcp.sport"), NULL, "SYN cut at 39: no TCP keys");
	/* ... and inside the IPv4 header. */
	feed(AF_INET, 0, v4_syn, 19);
	is_str(GET("ip.saddr"), NULL, "SYN cut at 19: no IP keys");
	/* The fragment header complete, UDP cut. */
	feed(AF_INET6, 0, v6_hbh_frag, 60);
	is_str(GET("ip6.fragid"), "3735928559", "v6 cut at 60: ip6.fragid");
	is_str(GET("ip6.exthdrs"), "HOPOPTS FRAG", "v6 cut at 60: exthdrs");
	is_str(GET("udp.sport"), NULL, "v6 cut at 60: no UDP keys");
	/* ARP cut inside the addresses: the fixed part only. */
	feed(AF_BRIDGE, ETH_P_ARP, arp_req, 20);
	is_str(GET("arp.operation"), "1", "ARP cut at 20: arp.operation");
	is_str(GET("arp.saddr"), NULL, "ARP cut at 20: no arp.saddr");
	/* No packet at all: BASE passes the record on untouched. */
	nfpt_feed(t, "in", &(struct nfpt_pkt){ .family = AF_INET });
	is_int(nfpt_count(t, "cap") > 0, 1, "no raw.pkt: record passes");
	is_str(GET("pkt.truncated"), NULL, "no raw.pkt: nothing decoded");
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--write-corpus")) {
		corpus_dir = argv[2];
		mkdir(corpus_dir, 0755);
	}
	t = nfpt_new("[global]\n"
		     "stack=in:PKTIN,base:BASE,cap:CAPTURE\n", plugins);
	test_v4_syn();
	test_v4_ack();
	test_v4_rst_fin();
	test_v4_udp_sctp();
	test_icmp();
	test_v4_frag();
	test_v6();
	test_ipsec_gre();
	test_bridge();
	test_malformed();
	test_truncated();
	nfpt_free(t);
	return done_testing();
}
