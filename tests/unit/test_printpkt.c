/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_printpkt - PRINTPKT's two layouts against golden lines
 *
 * The packets below are built byte by byte; the lines they must give are in
 * tests/data/printpkt/{kernel,ulogd}.golden, worked out by hand from the
 * bytes and the format rules (the kernel ones also match what Linux 6.18's
 * LOG target printed for the same bytes). The kernel layout runs through the
 * real engine: PKTIN -> PRINTPKT -> CAPTURE. The ulogd layout reads BASE's
 * keys; KEYIN, a test input producing exactly the keys PRINTPKT consumes,
 * sets them by hand as BASE would decode each packet, and then the packets
 * themselves go through the stack a ulogd2 user has, PKTIN (as NFLOG) ->
 * BASE -> PRINTPKT, against the same lines. Then every prefix of
 * every packet and a stream of random bytes go through the kernel walker
 * (run under valgrind or ASan to see that nothing is read out of bounds).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "../../plugins/filter/printpkt/printpkt.h"
#include "tap.h"

extern const struct nfp_plugin nfp_filter_printpkt;
extern const struct nfp_plugin nfp_filter_base;

/* ---- packets --------------------------------------------------------------
 * Addresses: A = 10.9.0.1, B = 10.9.0.2, R = 10.9.0.254, 192.0.2.7;
 * A6 = 2001:db8::1, B6 = 2001:db8::2. IPv4 checksums are left 0: nobody
 * prints them.
 */
#define A4 0x0a, 0x09, 0x00, 0x01
#define B4 0x0a, 0x09, 0x00, 0x02
#define R4 0x0a, 0x09, 0x00, 0xfe
#define A6 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01
#define B6 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02
/* MSS 1460, SACK permitted, timestamps 123456/0, NOP, window scale 7 */
#define SYN_OPTS 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, \
	0x00, 0x01, 0xe2, 0x40, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07

static const uint8_t tcp_syn[] = {
	0x45, 0x10, 0x00, 0x3c,	/* v4, IHL 5, TOS 0x10, length 60 */
	0x12, 0x34, 0x40, 0x00,	/* ID 4660, DF */
	0x40, 0x06, 0x00, 0x00,	/* TTL 64, TCP */
	A4, B4,
	0x9c, 0x40, 0x00, 0x50,	/* 40000 -> 80 */
	0x00, 0x00, 0x03, 0xe8,	/* seq 1000 */
	0x00, 0x00, 0x00, 0x00,	/* ack 0 */
	0xa0, 0x02, 0xfa, 0xf0,	/* doff 10 (40 bytes), SYN, window 64240 */
	0x00, 0x00, 0x00, 0x00,	/* checksum, urgent pointer */
	SYN_OPTS,
};

static const uint8_t udp[] = {
	0x45, 0x00, 0x00, 0x21,	/* length 33 */
	0x12, 0x34, 0x00, 0x00,
	0x40, 0x11, 0x00, 0x00,	/* UDP */
	A4, B4,
	0x14, 0xe9, 0x00, 0x35,	/* 5353 -> 53 */
	0x00, 0x0d, 0x00, 0x00,	/* length 13 */
	'h', 'e', 'l', 'l', 'o',
};

static const uint8_t echo[] = {
	0x45, 0x00, 0x00, 0x24,	/* length 36 */
	0x12, 0x34, 0x00, 0x00,
	0x40, 0x01, 0x00, 0x00,	/* ICMP */
	A4, B4,
	0x08, 0x00, 0x00, 0x00,	/* echo request */
	0x04, 0xd2, 0x00, 0x07,	/* id 1234, seq 7 */
	'p', 'i', 'n', 'g', 'd', 'a', 't', 'a',
};

/* B answers the UDP packet above: port unreachable, quoting 28 bytes. */
static const uint8_t port_unreach[] = {
	0x45, 0xc0, 0x00, 0x38,	/* TOS 0xc0 (precedence), length 56 */
	0x01, 0x00, 0x00, 0x00,	/* ID 256 */
	0x40, 0x01, 0x00, 0x00,
	B4, A4,
	0x03, 0x03, 0x00, 0x00,	/* unreachable, port */
	0x00, 0x00, 0x00, 0x00,
	0x45, 0x00, 0x00, 0x21, 0x12, 0x34, 0x00, 0x00,	/* the UDP packet */
	0x40, 0x11, 0x00, 0x00, A4, B4,
	0x14, 0xe9, 0x00, 0x35, 0x00, 0x0d, 0x00, 0x00,
};

/* The same from a router with code 0 (net unreachable). */
static const uint8_t net_unreach[] = {
	0x45, 0xc0, 0x00, 0x38, 0x01, 0x00, 0x00, 0x00,
	0x40, 0x01, 0x00, 0x00, B4, A4,
	0x03, 0x00, 0x00, 0x00,	/* unreachable, net */
	0x00, 0x01, 0x00, 0x02,	/* unused bytes, not an echo id/seq */
	0x45, 0x00, 0x00, 0x21, 0x12, 0x34, 0x00, 0x00,
	0x40, 0x11, 0x00, 0x00, A4, B4,
	0x14, 0xe9, 0x00, 0x35, 0x00, 0x0d, 0x00, 0x00,
};

/* R to A: A's 1500-byte DF segment to 192.0.2.7 needs MTU 1400. */
#define QUOTED_TCP \
	0x45, 0x00, 0x05, 0xdc,	/* length 1500 */ \
	0x12, 0x34, 0x40, 0x00,	/* ID 4660, DF */ \
	0x40, 0x06, 0x00, 0x00, A4, 0xc0, 0x00, 0x02, 0x07, \
	0xc7, 0x38, 0x01, 0xbb,	/* 51000 -> 443: 8 bytes of TCP only */ \
	0x00, 0x00, 0x00, 0x05

static const uint8_t frag_needed[] = {
	0x45, 0x00, 0x00, 0x38, 0x00, 0x07, 0x00, 0x00,	/* ID 7 */
	0x40, 0x01, 0x00, 0x00, R4, A4,
	0x03, 0x04, 0x00, 0x00,	/* unreachable, fragmentation needed */
	0x00, 0x00, 0x05, 0x78,	/* next-hop MTU 1400 */
	QUOTED_TCP,
};

static const uint8_t redirect[] = {
	0x45, 0x00, 0x00, 0x38, 0x00, 0x07, 0x00, 0x00,
	0x40, 0x01, 0x00, 0x00, R4, A4,
	0x05, 0x01, 0x00, 0x00,	/* redirect for host */
	R4,			/* gateway 10.9.0.254 */
	QUOTED_TCP,
};

static const uint8_t param_prob[] = {
	0x45, 0x00, 0x00, 0x38, 0x00, 0x07, 0x00, 0x00,
	0x40, 0x01, 0x00, 0x00, R4, A4,
	0x0c, 0x00, 0x00, 0x00,	/* parameter problem */
	0x14, 0x00, 0x00, 0x00,	/* pointer 20 */
	QUOTED_TCP,
};

/* A UDP datagram of 24 bytes in two fragments, ID 0x4242. */
static const uint8_t frag_first[] = {
	0x45, 0x00, 0x00, 0x24, 0x42, 0x42, 0x20, 0x00,	/* MF, offset 0 */
	0x40, 0x11, 0x00, 0x00, A4, B4,
	0x04, 0x57, 0x08, 0xae,	/* 1111 -> 2222 */
	0x00, 0x18, 0x00, 0x00,	/* length 24 */
	'f', 'f', 'f', 'f', 'f', 'f', 'f', 'f',
};

static const uint8_t frag_second[] = {
	0x45, 0x00, 0x00, 0x24, 0x42, 0x42, 0x00, 0x02,	/* offset 2 (16 bytes) */
	0x40, 0x11, 0x00, 0x00, A4, B4,
	'g', 'g', 'g', 'g', 'g', 'g', 'g', 'g',
	'g', 'g', 'g', 'g', 'g', 'g', 'g', 'g',
};

static const uint8_t tcp_flags[] = {
	0x45, 0x00, 0x00, 0x28, 0x12, 0x34, 0x00, 0x00,	/* length 40 */
	0x40, 0x06, 0x00, 0x00, A4, B4,
	0x00, 0x01, 0x00, 0x02,	/* 1 -> 2 */
	0x00, 0x00, 0x00, 0x03,	/* seq 3 */
	0x00, 0x00, 0x00, 0x04,	/* ack 4 */
	0x5f, 0xff,		/* doff 5, reserved 111, AE, every flag */
	0x00, 0x05,		/* window 5 */
	0x00, 0x00, 0x00, 0x09,	/* urgent pointer 9 */
};

static const uint8_t ah[] = {
	0x45, 0x00, 0x00, 0x2c, 0x12, 0x34, 0x00, 0x00,	/* length 44 */
	0x40, 0x33, 0x00, 0x00, A4, B4,			/* AH */
	0x06, 0x04, 0x00, 0x00,	/* next TCP, length, reserved */
	0xde, 0xad, 0xbe, 0xef,	/* SPI */
	0x00, 0x00, 0x00, 0x01,	/* sequence */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

static const uint8_t esp[] = {
	0x45, 0x00, 0x00, 0x2c, 0x12, 0x34, 0x00, 0x00,
	0x40, 0x32, 0x00, 0x00, A4, B4,			/* ESP */
	0x00, 0x00, 0x01, 0x00,	/* SPI 0x100 */
	0x00, 0x00, 0x00, 0x01,	/* sequence */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

static const uint8_t sctp[] = {
	0x45, 0x00, 0x00, 0x20, 0x12, 0x34, 0x00, 0x00,	/* length 32 */
	0x40, 0x84, 0x00, 0x00, A4, B4,			/* SCTP */
	0x13, 0x88, 0x17, 0x70,	/* 5000 -> 6000 */
	0x00, 0x00, 0x00, 0x00,	/* verification tag */
	0x00, 0x00, 0x00, 0x00,	/* checksum */
};

static const uint8_t ip6_tcp[] = {
	0x62, 0xe1, 0x23, 0x45,	/* v6, class 0x2e, flow label 0x12345 */
	0x00, 0x28, 0x06, 0x40,	/* payload 40, TCP, hop limit 64 */
	A6, B6,
	0x9c, 0x41, 0x00, 0x16,	/* 40001 -> 22 */
	0x00, 0x00, 0x00, 0x07,	/* seq 7 */
	0x00, 0x00, 0x00, 0x00,
	0xa0, 0x02, 0xff, 0xff,	/* doff 10, SYN, window 65535 */
	0x00, 0x00, 0x00, 0x00,
	SYN_OPTS,
};

static const uint8_t ip6_udp[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x0d, 0x11, 0x40,	/* payload 13, UDP */
	A6, B6,
	0x02, 0x22, 0x02, 0x23,	/* 546 -> 547 */
	0x00, 0x0d, 0x00, 0x00,
	'd', 'h', 'c', 'p', '6',
};

static const uint8_t ip6_echo[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x0b, 0x3a, 0x40,	/* payload 11, ICMPv6 */
	A6, B6,
	0x80, 0x00, 0x00, 0x00,	/* echo request */
	0x00, 0x4d, 0x00, 0x03,	/* id 77, seq 3 */
	'a', 'b', 'c',
};

/* A UDP datagram of 16 bytes in two fragments, ID 0xabcdef01. */
static const uint8_t ip6_frag_first[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x18, 0x2c, 0x40,	/* payload 24, FRAG */
	A6, B6,
	0x11, 0x00, 0x00, 0x01,	/* next UDP; offset 0, M */
	0xab, 0xcd, 0xef, 0x01,	/* identification */
	0x00, 0x09, 0x00, 0x0a,	/* 9 -> 10 */
	0x00, 0x10, 0x00, 0x00,	/* length 16 */
	'z', 'z', 'z', 'z', 'z', 'z', 'z', 'z',
};

static const uint8_t ip6_frag_second[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x10, 0x2c, 0x40,	/* payload 16 */
	A6, B6,
	0x11, 0x00, 0x00, 0x10,	/* offset 2 (16 bytes), last */
	0xab, 0xcd, 0xef, 0x01,
	'z', 'z', 'z', 'z', 'z', 'z', 'z', 'z',
};

/* B6 could not forward an empty UDP datagram to A6: MTU 1280. */
static const uint8_t ip6_toobig[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x38, 0x3a, 0x40,	/* payload 56 */
	A6, B6,
	0x02, 0x00, 0x00, 0x00,	/* packet too big */
	0x00, 0x00, 0x05, 0x00,	/* MTU 1280 */
	0x60, 0x00, 0x00, 0x00, 0x00, 0x08, 0x11, 0x40,	/* the datagram */
	B6, A6,
	0x00, 0x01, 0x00, 0x02, 0x00, 0x08, 0x00, 0x00,	/* 1 -> 2 */
};

/* Hop-by-hop and destination options (PadN) before an echo request. */
static const uint8_t ip6_ext[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x18, 0x00, 0x40,	/* payload 24, HBH */
	A6, B6,
	0x3c, 0x00, 0x01, 0x04, 0, 0, 0, 0,	/* next DSTOPTS, 8 bytes */
	0x3a, 0x00, 0x01, 0x04, 0, 0, 0, 0,	/* next ICMPv6, 8 bytes */
	0x80, 0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x06,	/* id 5, seq 6 */
};

static const uint8_t ip6_esp[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x18, 0x32, 0x40,	/* payload 24, ESP */
	A6, B6,
	0x00, 0x00, 0x00, 0x77, 0x00, 0x00, 0x00, 0x01,	/* SPI 0x77 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* An ICMP timestamp request cut after its first 8 bytes (needs 20). */
static const uint8_t icmp_timestamp_short[] = {
	0x45, 0x00, 0x00, 0x1c, 0x12, 0x34, 0x00, 0x00,	/* length 28 */
	0x40, 0x01, 0x00, 0x00, A4, B4,
	0x0d, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static const uint8_t mac4[] = {
	0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00,
};
static const uint8_t mac6[] = {
	0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x86, 0xdd,
};

/* ---- golden lines --------------------------------------------------------- */

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = '\0';
	fclose(f);
	return buf;
}

static char *golden_kernel, *golden_ulogd;

static char *load_golden(const char *name)
{
	const char *top = getenv("top_srcdir");
	char path[4096];
	char *text;

	snprintf(path, sizeof(path), "%s/tests/data/printpkt/%s",
		 top ? top : ".", name);
	text = read_file(path);
	if (!text)
		bail_out("cannot read %s: %s", path, strerror(errno));
	return text;
}

/* The line called @name: between the first and the last quote. */
static const char *golden(const char *text, const char *name)
{
	static char line[4096];
	size_t nlen = strlen(name);
	const char *p = text;

	while (p && *p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);

		if (len > nlen + 1 && !strncmp(p, name, nlen) && p[nlen] == ' ' &&
		    p[nlen + 1] == '"' && p[len - 1] == '"') {
			len -= nlen + 3;
			if (len >= sizeof(line))
				bail_out("golden line %s too long", name);
			memcpy(line, p + nlen + 2, len);
			line[len] = '\0';
			return line;
		}
		p = eol ? eol + 1 : NULL;
	}
	bail_out("no golden line %s", name);
}

/* ---- the kernel layout through the engine --------------------------------- */

static const struct nfp_plugin *const plugins[] = { &nfp_filter_printpkt, NULL };

/* A packet that came in on eth0 with an Ethernet header. */
static struct nfpt_pkt in_pkt(int family, const uint8_t *data, size_t len)
{
	struct nfpt_pkt p = {
		.family = family, .data = data, .len = len, .prefix = "PFX ",
		.hook = 0, .indev = "eth0", .outdev = "",
		.mac = family == AF_INET6 ? mac6 : mac4, .mac_len = 14,
		.hwtype = 1,
	};
	return p;
}

/* A packet this host sent out of eth0. */
static struct nfpt_pkt out_pkt(int family, const uint8_t *data, size_t len)
{
	struct nfpt_pkt p = {
		.family = family, .data = data, .len = len, .prefix = "OUT ",
		.hook = 3, .indev = "", .outdev = "eth0",
	};
	return p;
}

static void check_kernel(struct nfpt *t, const char *name,
			 const struct nfpt_pkt *p)
{
	nfpt_feed(t, "in", p);
	is_str(nfpt_get(t, "cap", "print"), golden(golden_kernel, name),
	       "kernel: %s", name);
}

#define IN4(a) in_pkt(AF_INET, a, sizeof(a))
#define IN6(a) in_pkt(AF_INET6, a, sizeof(a))

static void test_kernel(void)
{
	struct nfpt *t, *ta;
	struct nfpt_pkt p;

	t = nfpt_new("[global]\n"
		     "stack=in:PKTIN,pp:PRINTPKT,cap:CAPTURE\n"
		     "[pp]\nformat=kernel\n", plugins);
	ta = nfpt_new("[global]\n"
		      "stack=in:PKTIN,pp:PRINTPKT,cap:CAPTURE\n"
		      "[pp]\nformat=kernel\ntcp_sequence=1\ntcp_options=yes\n"
		      "ip_options=on\nuid=1\nmacdecode=true\n", plugins);

	p = IN4(tcp_syn);
	check_kernel(t, "tcp_syn", &p);
	check_kernel(ta, "tcp_syn_all", &p);
	p = IN4(udp);
	p.mark = 0x2a;
	check_kernel(t, "udp", &p);
	p = IN4(echo);
	check_kernel(t, "echo", &p);
	p = out_pkt(AF_INET, port_unreach, sizeof(port_unreach));
	check_kernel(t, "port_unreach", &p);
	p = IN4(frag_needed);
	check_kernel(t, "frag_needed", &p);
	p = IN4(redirect);
	check_kernel(t, "redirect", &p);
	p = IN4(param_prob);
	check_kernel(t, "param_prob", &p);
	p = IN4(frag_first);
	check_kernel(t, "frag_first", &p);
	p = IN4(frag_second);
	check_kernel(t, "frag_second", &p);
	p = IN4(tcp_flags);
	check_kernel(t, "tcp_flags", &p);
	p = IN4(ah);
	check_kernel(t, "ah", &p);
	p = IN4(esp);
	check_kernel(t, "esp", &p);
	p = IN4(sctp);
	check_kernel(t, "sctp", &p);
	p = out_pkt(AF_INET, udp, sizeof(udp));
	p.has_uid = true;
	p.uid = 1000;
	p.gid = 100;
	check_kernel(ta, "local_udp_uid", &p);
	/* Without the uid flag the kernel leaves UID= out. */
	nfpt_feed(t, "in", &p);
	like(nfpt_get(t, "cap", "print"), "LEN=13 ", "kernel: UID= needs uid=1 (line)");
	ok(!strstr(nfpt_get(t, "cap", "print"), "UID="),
	   "kernel: UID= needs uid=1");

	p = IN6(ip6_tcp);
	check_kernel(t, "ip6_tcp", &p);
	p = IN6(ip6_udp);
	check_kernel(t, "ip6_udp", &p);
	p = IN6(ip6_echo);
	check_kernel(t, "ip6_echo", &p);
	p = IN6(ip6_frag_first);
	check_kernel(t, "ip6_frag_first", &p);
	p = IN6(ip6_frag_second);
	check_kernel(t, "ip6_frag_second", &p);
	p = IN6(ip6_toobig);
	check_kernel(t, "ip6_toobig", &p);
	p = IN6(ip6_ext);
	check_kernel(t, "ip6_ext", &p);
	check_kernel(ta, "ip6_ext_all", &p);
	p = IN6(ip6_esp);
	p.mark = 5;	/* the kernel's line ends before MARK= */
	check_kernel(t, "ip6_esp", &p);
	check_kernel(ta, "ip6_esp_all", &p);

	/* NFLOG's copy range cut these. */
	p = in_pkt(AF_INET, tcp_syn, 30);
	p.mark = 0x2a;
	check_kernel(t, "trunc_tcp", &p);
	p = in_pkt(AF_INET, tcp_syn, 12);
	check_kernel(t, "trunc_ip", &p);
	p = in_pkt(AF_INET6, ip6_udp, 44);
	check_kernel(t, "trunc_ip6_udp", &p);
	p = IN4(icmp_timestamp_short);
	p.mark = 0x2a;
	check_kernel(t, "icmp_timestamp_short", &p);

	/* The prefix is printed as it is: no space added. */
	p = IN4(echo);
	p.prefix = "drop:";
	nfpt_feed(t, "in", &p);
	like(nfpt_get(t, "cap", "print"), "drop:IN=eth0 OUT= MAC=",
	     "kernel: prefix without a space");

	/* The kernel's log buffer ends a line at 1016 bytes. */
	{
		static char longpfx[2001];

		memset(longpfx, 'x', 2000);
		p.prefix = longpfx;
		nfpt_feed(t, "in", &p);
		is_int((int64_t)strlen(nfpt_get(t, "cap", "print")), 1016,
		       "kernel: line cut at 1016 bytes");
	}

	nfpt_free(t);
	nfpt_free(ta);
}

/* ---- the ulogd layout from hand-set keys ---------------------------------- */

/* KEYIN produces every key PRINTPKT consumes, as the test sets them. */
static struct nfp_plugin keyin = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_INPUT,
	.name = "KEYIN",
	.summary = "test input: keys set by name",
};

static const struct nfp_plugin *const ulogd_plugins[] = {
	&nfp_filter_printpkt, &keyin, NULL
};

static unsigned int key_index(const char *name)
{
	unsigned int i;

	for (i = 0; keyin.out_keys[i].name; i++)
		if (!strcmp(keyin.out_keys[i].name, name))
			return i;
	bail_out("PRINTPKT consumes no key %s", name);
}

static uint32_t in4_of(const uint8_t *a)
{
	uint32_t v;

	memcpy(&v, a, 4);
	return v;
}

static void set_one(struct nfp_rec *rec, const char *name, const char *val)
{
	unsigned int k = key_index(name);
	unsigned long u = strtoul(val, NULL, 0);
	uint8_t a[16];
	size_t i, n;
	uint8_t *raw;

	switch (keyin.out_keys[k].type) {
	case NFP_T_BOOL:
		nfp_set_bool(rec, k, u != 0);
		break;
	case NFP_T_U8:
		nfp_set_u8(rec, k, (uint8_t)u);
		break;
	case NFP_T_U16:
		nfp_set_u16(rec, k, (uint16_t)u);
		break;
	case NFP_T_U32:
		nfp_set_u32(rec, k, (uint32_t)u);
		break;
	case NFP_T_ADDR:
		if (inet_pton(AF_INET, val, a) == 1)
			nfp_set_in4(rec, k, in4_of(a));
		else if (inet_pton(AF_INET6, val, a) == 1)
			nfp_set_in6(rec, k, a);
		else
			bail_out("bad address %s", val);
		break;
	case NFP_T_STRING:
		n = strlen(val);
		raw = nfp_rec_alloc(rec, n + 1);
		memcpy(raw, val, n + 1);
		nfp_set_str(rec, k, (char *)raw, (uint32_t)n);
		break;
	case NFP_T_RAW:
		n = strlen(val) / 2;
		raw = nfp_rec_alloc(rec, n + 1);
		for (i = 0; i < n; i++) {
			char hex[3] = { val[2 * i], val[2 * i + 1], 0 };

			raw[i] = (uint8_t)strtoul(hex, NULL, 16);
		}
		nfp_set_raw(rec, k, raw, (uint32_t)n);
		break;
	default:
		bail_out("key %s: type not handled by the test", name);
	}
}

/*
 * Push one record with oob.prefix @prefix and the keys of @spec, a list
 * of name=value separated by spaces (addresses as text, raw as hex).
 */
static void feed_keys(struct nfpt *t, const char *prefix, const char *spec)
{
	struct nfp_inst *in = nfpt_inst(t, "kin");
	struct nfp_rec *rec = nfp_rec_new(in);
	char *copy = strdup(spec), *tok, *save = NULL;

	if (!rec || !copy)
		bail_out("cannot make a record");
	if (prefix)
		set_one(rec, "oob.prefix", prefix);
	for (tok = strtok_r(copy, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(tok, '=');

		if (!eq)
			bail_out("bad key spec %s", tok);
		*eq = '\0';
		set_one(rec, tok, eq + 1);
	}
	free(copy);
	nfp_rec_push(in, rec);
}

/* What NFLOG and IFINDEX give for a packet in on eth0, or out of it. */
#define U_IN4 "oob.family=2 oob.protocol=0x0800 oob.hook=0 oob.in=eth0 " \
	"oob.out= raw.mac=0200000000020200000000010800 raw.mac_len=14 " \
	"raw.type=1 oob.mark=0 "
#define U_IN6 "oob.family=10 oob.protocol=0x86dd oob.hook=0 oob.in=eth0 " \
	"oob.out= raw.mac=02000000000202000000000186dd raw.mac_len=14 " \
	"raw.type=1 oob.mark=0 "
#define U_OUT4 "oob.family=2 oob.protocol=0x0800 oob.hook=3 oob.in= " \
	"oob.out=eth0 oob.mark=0 "
/* BASE's IPv4 keys */
#define U_IP(src, dst, len, tos, id, fo, proto) \
	"ip.saddr=" src " ip.daddr=" dst " ip.totlen=" len " ip.tos=" tos \
	" ip.ttl=64 ip.id=" id " ip.fragoff=" fo " ip.protocol=" proto " "
#define U_IP6(plen, tc, fl, nh, proto) \
	"ip.saddr=2001:db8::1 ip.daddr=2001:db8::2 ip6.payloadlen=" plen \
	" ip6.priority=" tc " ip6.hoplimit=64 ip6.flowlabel=" fl \
	" ip6.nexthdr=" nh " ip.protocol=" proto " "

static void check_ulogd(struct nfpt *t, const char *name, const char *prefix,
			const char *spec)
{
	feed_keys(t, prefix, spec);
	is_str(nfpt_get(t, "cap", "print"), golden(golden_ulogd, name),
	       "ulogd: %s", name);
}

static void test_ulogd(void)
{
	struct nfpt *t;

	keyin.out_keys = nfp_filter_printpkt.in_keys;
	t = nfpt_new("[global]\n"
		     "stack=kin:KEYIN,pp:PRINTPKT,cap:CAPTURE\n", ulogd_plugins);

	check_ulogd(t, "tcp_syn", "PFX", U_IN4
		    U_IP("10.9.0.1", "10.9.0.2", "60", "0x10", "0x1234", "0x4000", "6")
		    "tcp.sport=40000 tcp.dport=80 tcp.seq=1000 tcp.ackseq=0 "
		    "tcp.window=64240 tcp.urgp=0 tcp.syn=1 tcp.ack=0 tcp.fin=0 "
		    "tcp.rst=0 tcp.psh=0 tcp.urg=0");
	check_ulogd(t, "udp", "PFX", U_IN4
		    U_IP("10.9.0.1", "10.9.0.2", "33", "0", "0x1234", "0", "17")
		    "udp.sport=5353 udp.dport=53 udp.len=13 oob.mark=0x2a");
	check_ulogd(t, "echo", "PFX", U_IN4
		    U_IP("10.9.0.1", "10.9.0.2", "36", "0", "0x1234", "0", "1")
		    "icmp.type=8 icmp.code=0 icmp.echoid=1234 icmp.echoseq=7");
	check_ulogd(t, "port_unreach", "OUT", U_OUT4
		    U_IP("10.9.0.2", "10.9.0.1", "56", "0xc0", "256", "0", "1")
		    "icmp.type=3 icmp.code=3");
	/* ulogd2 printed ID=/SEQ= here: it switched on the code (0). */
	check_ulogd(t, "net_unreach", "OUT", U_OUT4
		    U_IP("10.9.0.2", "10.9.0.1", "56", "0xc0", "256", "0", "1")
		    "icmp.type=3 icmp.code=0 icmp.echoid=1 icmp.echoseq=2");
	check_ulogd(t, "frag_needed", "PFX", U_IN4
		    U_IP("10.9.0.254", "10.9.0.1", "56", "0", "7", "0", "1")
		    "icmp.type=3 icmp.code=4 icmp.fragmtu=1400");
	check_ulogd(t, "redirect", "PFX", U_IN4
		    U_IP("10.9.0.254", "10.9.0.1", "56", "0", "7", "0", "1")
		    "icmp.type=5 icmp.code=1 icmp.gateway=10.9.0.254");
	/* The pointer comes from the packet when BASE gives no gateway. */
	check_ulogd(t, "param_prob", "PFX", U_IN4
		    U_IP("10.9.0.254", "10.9.0.1", "56", "0", "7", "0", "1")
		    "icmp.type=12 icmp.code=0 raw.pkt=4500003800070000400100000a0900fe"
		    "0a0900010c0000001400000045");
	check_ulogd(t, "param_prob", "PFX", U_IN4
		    U_IP("10.9.0.254", "10.9.0.1", "56", "0", "7", "0", "1")
		    "icmp.type=12 icmp.code=0 icmp.gateway=20.0.0.0");
	check_ulogd(t, "frag_first", "PFX", U_IN4
		    U_IP("10.9.0.1", "10.9.0.2", "36", "0", "0x4242", "0x2000", "17")
		    "udp.sport=1111 udp.dport=2222 udp.len=24");
	check_ulogd(t, "frag_second", "PFX", U_IN4
		    U_IP("10.9.0.1", "10.9.0.2", "36", "0", "0x4242", "0x0002", "17"));
	check_ulogd(t, "tcp_flags", "PFX", U_IN4
		    U_IP("10.9.0.1", "10.9.0.2", "40", "0", "0x1234", "0", "6")
		    "tcp.sport=1 tcp.dport=2 tcp.seq=3 tcp.ackseq=4 tcp.window=5 "
		    "tcp.urgp=9 tcp.syn=1 tcp.ack=1 tcp.fin=1 tcp.rst=1 "
		    "tcp.psh=1 tcp.urg=1");
	check_ulogd(t, "ah", "PFX", U_IN4
		    U_IP("10.9.0.1", "10.9.0.2", "44", "0", "0x1234", "0", "51")
		    "ahesp.spi=0xdeadbeef");
	check_ulogd(t, "esp", "PFX", U_IN4
		    U_IP("10.9.0.1", "10.9.0.2", "44", "0", "0x1234", "0", "50")
		    "ahesp.spi=0x100");
	check_ulogd(t, "sctp", "PFX", U_IN4
		    U_IP("10.9.0.1", "10.9.0.2", "32", "0", "0x1234", "0", "132")
		    "sctp.sport=5000 sctp.dport=6000");
	check_ulogd(t, "local_udp_uid", "OUT", U_OUT4
		    U_IP("10.9.0.1", "10.9.0.2", "33", "0", "0x1234", "0", "17")
		    "udp.sport=5353 udp.dport=53 udp.len=13 oob.uid=1000 oob.gid=100");
	check_ulogd(t, "ip6_tcp", "PFX", U_IN6 U_IP6("40", "46", "74565", "6", "6")
		    "tcp.sport=40001 tcp.dport=22 tcp.seq=7 tcp.ackseq=0 "
		    "tcp.window=65535 tcp.urgp=0 tcp.syn=1");
	check_ulogd(t, "ip6_udp", "PFX", U_IN6 U_IP6("13", "0", "0", "17", "17")
		    "udp.sport=546 udp.dport=547 udp.len=13");
	check_ulogd(t, "ip6_echo", "PFX", U_IN6 U_IP6("11", "0", "0", "58", "58")
		    "icmpv6.type=128 icmpv6.code=0 icmpv6.echoid=77 icmpv6.echoseq=3");
	check_ulogd(t, "ip6_frag_first", "PFX", U_IN6 U_IP6("24", "0", "0", "44", "17")
		    "ip6.fragoff=0x0001 ip6.fragid=0xabcdef01 "
		    "udp.sport=9 udp.dport=10 udp.len=16");
	check_ulogd(t, "ip6_frag_second", "PFX", U_IN6 U_IP6("16", "0", "0", "44", "17")
		    "ip6.fragoff=0x0010 ip6.fragid=0xabcdef01");
	check_ulogd(t, "ip6_toobig", "PFX", U_IN6 U_IP6("56", "0", "0", "58", "58")
		    "icmpv6.type=2 icmpv6.code=0");
	check_ulogd(t, "ip6_ext", "PFX", U_IN6 U_IP6("24", "0", "0", "0", "58")
		    "icmpv6.type=128 icmpv6.code=0 icmpv6.echoid=5 icmpv6.echoseq=6");
	check_ulogd(t, "trunc_tcp", "PFX", U_IN4
		    U_IP("10.9.0.1", "10.9.0.2", "60", "0x10", "0x1234", "0x4000", "6")
		    "oob.mark=0x2a");

	/* Without IFINDEX there is no IN=/OUT=; without a prefix no space. */
	feed_keys(t, NULL, "oob.family=2 "
		  U_IP("10.9.0.1", "10.9.0.2", "36", "0", "0x1234", "0", "1")
		  "icmp.type=0 icmp.code=0 icmp.echoid=1 icmp.echoseq=2");
	is_str(nfpt_get(t, "cap", "print"),
	       "MAC= SRC=10.9.0.1 DST=10.9.0.2 LEN=36 TOS=00 PREC=0x00 TTL=64 "
	       "ID=4660 PROTO=ICMP TYPE=0 CODE=0 ID=1 SEQ=2 ",
	       "ulogd: no prefix, no interfaces, no mark");
	/* An empty prefix still gets its space, as in ulogd2. */
	feed_keys(t, "", "oob.family=2 oob.in=eth0 oob.out=eth1 "
		  U_IP("10.9.0.1", "10.9.0.2", "20", "0", "1", "0", "47"));
	is_str(nfpt_get(t, "cap", "print"),
	       " IN=eth0 OUT=eth1 MAC= SRC=10.9.0.1 DST=10.9.0.2 LEN=20 "
	       "TOS=00 PREC=0x00 TTL=64 ID=1 PROTO=47 ",
	       "ulogd: empty prefix, other protocol");
	/* Bridge family: the ethertype picks the layout; ARP has its own. */
	feed_keys(t, "br", "oob.family=7 oob.protocol=0x0806 arp.operation=2 "
		  "arp.saddr=10.9.0.2 arp.daddr=10.9.0.1 "
		  "arp.shwaddr=020000000002");
	is_str(nfpt_get(t, "cap", "print"),
	       "br MAC= SRC=10.9.0.2 DST=10.9.0.1 PROTO=ARP REPLY "
	       "REPLY_MAC=02:00:00:00:00:02 ",
	       "ulogd: bridged ARP reply");
	feed_keys(t, "br", "oob.family=7 oob.protocol=0x88cc");
	is_str(nfpt_get(t, "cap", "print"), "br MAC= PROTO=35020 ",
	       "ulogd: bridged other ethertype");

	nfpt_free(t);
}

/* ---- the ulogd layout from the packets, decoded by BASE ------------------- */

static const struct nfp_plugin *const base_plugins[] = {
	&nfp_filter_base, &nfp_filter_printpkt, NULL
};

static const struct {
	const char *name;	/* golden line */
	const uint8_t *p;	/* packet */
	size_t len;		/* bytes of it NFLOG copied */
	int family;		/* AF_INET or AF_INET6 */
	bool out;		/* sent by this host, else received on eth0 */
	uint32_t mark;		/* oob.mark */
	bool uid;		/* oob.uid 1000, oob.gid 100 */
} base_cases[] = {
#define C4(n, a) { #n, a, sizeof(a), AF_INET, false, 0, false }
#define C6(n, a) { #n, a, sizeof(a), AF_INET6, false, 0, false }
	C4(tcp_syn, tcp_syn),
	{ "udp", udp, sizeof(udp), AF_INET, false, 0x2a, false },
	C4(echo, echo),
	{ "port_unreach", port_unreach, sizeof(port_unreach), AF_INET, true, 0, false },
	{ "net_unreach", net_unreach, sizeof(net_unreach), AF_INET, true, 0, false },
	C4(frag_needed, frag_needed), C4(redirect, redirect),
	C4(param_prob, param_prob), C4(frag_first, frag_first),
	C4(frag_second, frag_second), C4(tcp_flags, tcp_flags), C4(ah, ah),
	C4(esp, esp), C4(sctp, sctp),
	{ "local_udp_uid", udp, sizeof(udp), AF_INET, true, 0, true },
	C6(ip6_tcp, ip6_tcp), C6(ip6_udp, ip6_udp), C6(ip6_echo, ip6_echo),
	C6(ip6_frag_first, ip6_frag_first), C6(ip6_frag_second, ip6_frag_second),
	C6(ip6_toobig, ip6_toobig), C6(ip6_ext, ip6_ext),
	{ "trunc_tcp", tcp_syn, 30, AF_INET, false, 0x2a, false },
};

/* The stack a ulogd2 user has: NFLOG, BASE, PRINTPKT. */
static void test_ulogd_base(void)
{
	struct nfpt *t;
	unsigned int i;

	t = nfpt_new("[global]\n"
		     "stack=in:PKTIN,base:BASE,pp:PRINTPKT,cap:CAPTURE\n",
		     base_plugins);
	for (i = 0; i < sizeof(base_cases) / sizeof(base_cases[0]); i++) {
		struct nfpt_pkt p;

		if (base_cases[i].out) {
			p = out_pkt(base_cases[i].family, base_cases[i].p,
				    base_cases[i].len);
			p.prefix = "OUT";
		} else {
			p = in_pkt(base_cases[i].family, base_cases[i].p,
				   base_cases[i].len);
			p.prefix = "PFX";
		}
		p.mark = base_cases[i].mark;
		if (base_cases[i].uid) {
			p.has_uid = true;
			p.uid = 1000;
			p.gid = 100;
		}
		nfpt_feed(t, "in", &p);
		is_str(nfpt_get(t, "cap", "print"),
		       golden(golden_ulogd, base_cases[i].name),
		       "ulogd via BASE: %s", base_cases[i].name);
	}
	nfpt_free(t);
}

/* ---- configuration -------------------------------------------------------- */

static void test_config(void)
{
	char buf[4096];
	int n;

	n = nfpt_check("[global]\nstack=in:PKTIN,pp:PRINTPKT,cap:CAPTURE\n"
		       "[pp]\nformat=syslog\n", plugins, buf, sizeof(buf));
	ok(n >= 1, "format=syslog is an error");
	like(buf, "format", "... naming the option");

	/* The ulogd layout needs BASE: PKTIN alone gives no ip.protocol. */
	n = nfpt_check("[global]\nstack=in:PKTIN,pp:PRINTPKT,cap:CAPTURE\n",
		       plugins, buf, sizeof(buf));
	ok(n >= 1, "format=ulogd without BASE is an error");
	like(buf, "ip.protocol", "... naming the missing key");

	n = nfpt_check("[global]\nstack=in:PKTIN,pp:PRINTPKT,cap:CAPTURE\n"
		       "[pp]\nformat=kernel\n", plugins, buf, sizeof(buf));
	is_int(n, 0, "format=kernel needs only NFLOG's keys");
}

/* ---- robustness ----------------------------------------------------------- */

static const struct {
	const uint8_t *p;	/* packet */
	size_t len;		/* its length */
	int family;		/* AF_INET or AF_INET6 */
} all_packets[] = {
#define P4(a) { a, sizeof(a), AF_INET }
#define P6(a) { a, sizeof(a), AF_INET6 }
	P4(tcp_syn), P4(udp), P4(echo), P4(port_unreach), P4(net_unreach),
	P4(frag_needed), P4(redirect), P4(param_prob), P4(frag_first),
	P4(frag_second), P4(tcp_flags), P4(ah), P4(esp), P4(sctp),
	P4(icmp_timestamp_short), P6(ip6_tcp), P6(ip6_udp), P6(ip6_echo),
	P6(ip6_frag_first), P6(ip6_frag_second), P6(ip6_toobig), P6(ip6_ext),
	P6(ip6_esp),
};

static void test_robust(void)
{
	struct nfpt *t;
	struct nfpt_pkt p;
	unsigned int i, bad = 0, seed = 12345;
	size_t len;
	uint8_t *copy;

	t = nfpt_new("[global]\n"
		     "stack=in:PKTIN,pp:PRINTPKT,cap:CAPTURE\n"
		     "[pp]\nformat=kernel\ntcp_sequence=1\ntcp_options=1\n"
		     "ip_options=1\nuid=1\nmacdecode=1\n", plugins);
	/*
	 * Every prefix of every packet, copied to memory of exactly that size
	 * so that a read past the end is caught by valgrind or ASan.
	 */
	for (i = 0; i < sizeof(all_packets) / sizeof(all_packets[0]); i++) {
		for (len = 0; len <= all_packets[i].len; len++) {
			const char *line;

			copy = malloc(len ? len : 1);
			memcpy(copy, all_packets[i].p, len);
			p = in_pkt(all_packets[i].family, copy, len);
			nfpt_feed(t, "in", &p);
			line = nfpt_get(t, "cap", "print");
			if (!line || strncmp(line, "PFX IN=eth0 OUT= MACSRC=", 24))
				bad++;
			free(copy);
		}
	}
	is_int(bad, 0, "every truncation of every packet gives a line");

	/* Random bytes that look a little like IP. */
	bad = 0;
	for (i = 0; i < 20000; i++) {
		size_t j;
		const char *line;

		len = (seed = seed * 1103515245 + 12345) % 120;
		copy = malloc(len ? len : 1);
		for (j = 0; j < len; j++)
			copy[j] = (uint8_t)((seed = seed * 1103515245 + 12345) >> 16);
		if (len)
			copy[0] = (uint8_t)((i & 1 ? 0x60 : 0x40) | (copy[0] & 0x0f));
		p = in_pkt(i & 1 ? AF_INET6 : AF_INET, copy, len);
		nfpt_feed(t, "in", &p);
		line = nfpt_get(t, "cap", "print");
		if (!line || strlen(line) > 1016)
			bad++;
		free(copy);
	}
	is_int(bad, 0, "random packets give bounded lines");
	nfpt_free(t);
}

/*
 * The line builder's fast paths (a local pointer once the room is known)
 * must cut a line exactly where the byte-at-a-time path cuts it: every
 * field written into every buffer size from 1 byte up gives a prefix of
 * the whole text.
 */
static void test_cut(void)
{
	static const uint8_t a[4] = { 192, 168, 100, 7 };
	static const uint8_t mac[6] = { 0x02, 0xab, 0x00, 0x10, 0xff, 0x9c };
	static const char *const want[] = { "4294967295", "192.168.100.7",
					    "02:ab:00:10:ff:9c", "0a", "" };
	char mem[64];
	unsigned int f, size, bad = 0;
	struct pp_buf b;

	for (f = 0; f < 4; f++) {
		for (size = 1; size < 40; size++) {
			size_t want_len = strlen(want[f]);
			size_t len;

			pb_init(&b, mem, size);
			if (f == 0)
				pb_dec(&b, 4294967295u);
			else if (f == 1)
				pb_ip4(&b, a);
			else if (f == 2)
				pb_hexbytes(&b, mac, sizeof(mac));
			else
				pb_hex02(&b, 0x0a, false);
			len = pb_finish(&b);
			if (len != (want_len < size - 1 ? want_len : size - 1) ||
			    memcmp(mem, want[f], len) || mem[len])
				bad++;
		}
	}
	is_int(bad, 0, "pb_dec, pb_ip4, pb_hexbytes, pb_hex02 cut at any size");
}

int main(void)
{
	golden_kernel = load_golden("kernel.golden");
	golden_ulogd = load_golden("ulogd.golden");
	test_kernel();
	test_ulogd();
	test_ulogd_base();
	test_config();
	test_robust();
	test_cut();
	free(golden_kernel);
	free(golden_ulogd);
	return done_testing();
}
