/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_scan - SCAN on crafted packet sequences
 *
 * The table (table.c) directly: every scan type at every danger-level
 * boundary of psad's defaults (4/5, 14/15, 149/150, 1499/1500, 9999/10000),
 * min_ports and min_hosts, the window, both rate limits (suppressed counted,
 * the held-back alert raised later), a million spoofed sources in a table of
 * 1024 (evictions counted, no alerts, no memory growth) and a spoofed flood
 * that does qualify (alerts capped by total_alerts). Then the plugin in real
 * stacks, PKTIN -> BASE -> SCAN: raw IPv4 and IPv6 packets in, alert records
 * with their keys out to the stack that starts at SCAN, packets passed on
 * with their addresses, ignore= and a bad danger_levels= rejected.
 */
#include "nfp.h"

#include <arpa/inet.h>
#include <malloc.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "harness.h"
#include "scan.h"
#include "tap.h"

extern const struct nfp_plugin nfp_filter_scan, nfp_filter_base;

static const struct nfp_plugin *const plugins[] = { &nfp_filter_base,
						    &nfp_filter_scan, NULL };

/* ---- the table ---------------------------------------------------------- */

struct seen {
	unsigned int n[ST__N];	/* alerts per type */
	unsigned int total;	/* all alerts */
	struct scan_alert last; /* the last one (pointers not kept) */
};

static void on_alert(const struct scan_alert *a, void *arg)
{
	struct seen *s = arg;

	s->n[a->type]++;
	s->total++;
	s->last = *a;
	s->last.src = s->last.dst = NULL;
}

static struct scan_conf defaults(void)
{
	struct scan_conf c = {
		.max_sources = 64,
		.timeout = 3600,
		.dl = { 5, 15, 150, 1500, 10000 },
		.min_ports = 5,
		.min_hosts = 5,
		.source_per_min = 10,
		.total_per_sec = 100,
	};
	return c;
}

static struct nfp_addr a4(uint32_t host)
{
	struct nfp_addr a = { .family = AF_INET };

	a.in4 = htonl(host);
	return a;
}

/* Packet @i of a scan of type @ty from @src. */
static void scan_pkt(struct scan_table *t, enum scan_type ty,
		     const struct nfp_addr *src, unsigned int i, uint32_t now,
		     struct seen *s)
{
	struct nfp_addr dst = a4(0xc0000201); /* 192.0.2.1 */
	struct scan_pkt p = { .src = src,
			      .dst = &dst,
			      .now = now,
			      .proto = IPPROTO_TCP,
			      .has_flags = true,
			      .has_port = true,
			      .dport = (uint16_t)(1000 + i % 100) };
	static const uint8_t flags[] = {
		[ST_SYN] = SCAN_SYN,
		[ST_FIN] = SCAN_FIN,
		[ST_NULL] = 0,
		[ST_XMAS] = SCAN_FIN | SCAN_PSH | SCAN_URG,
		[ST_ACK] = SCAN_ACK,
		[ST_MAIMON] = SCAN_FIN | SCAN_ACK,
		[ST_BADFLAGS] = SCAN_SYN | SCAN_FIN,
	};

	switch (ty) {
	case ST_UDP:
		p.proto = IPPROTO_UDP;
		p.has_flags = false;
		break;
	case ST_PORTSWEEP:
		p.flags = SCAN_SYN;
		p.dport = 22;
		dst = a4(0xc0000201 + i % 10);
		break;
	case ST_PINGSWEEP:
		p.proto = IPPROTO_ICMP;
		p.has_flags = p.has_port = false;
		p.echo = true;
		dst = a4(0xc0000201 + i % 10);
		break;
	case ST_PROTO:
		p.proto = (uint8_t)(50 + i % 10);
		p.has_flags = p.has_port = false;
		break;
	case ST_BADFLAGS:
		p.flags = flags[ty];
		p.dport = 80; /* one port is enough for bad flags */
		break;
	default:
		p.flags = flags[ty];
		break;
	}
	scan_table_add(t, &p, on_alert, s);
}

static void test_boundaries(void)
{
	static const uint32_t at[] = { 4,   5,	  14,	15,   149,
				       150, 1499, 1500, 9999, 10000 };
	unsigned int ty;

	for (ty = 0; ty < ST__N; ty++) {
		struct scan_conf c = defaults();
		struct scan_table *t = scan_table_new(&c);
		struct nfp_addr src = a4(0xcb007101);
		struct seen s = { { 0 } };
		unsigned int i, k = 0, other = 0, j;

		for (i = 1; i <= 10000; i++) {
			scan_pkt(t, (enum scan_type)ty, &src, i - 1, 1000, &s);
			if (i != at[k])
				continue;
			is_int(s.n[ty], k / 2 + (k & 1),
			       "%s: %u packets, %u alerts", scan_type_name(ty),
			       i, k / 2 + (k & 1));
			if (k & 1)
				is_int(s.last.dl, k / 2 + 1,
				       "%s: %u packets is DL%u",
				       scan_type_name(ty), i, k / 2 + 1);
			k++;
		}
		for (j = 0; j < ST__N; j++)
			if (j != ty)
				other += s.n[j];
		is_int(other, 0, "%s: no other type alerted",
		       scan_type_name(ty));
		scan_table_free(t);
	}
}

static void test_alert_fields(void)
{
	struct scan_conf c = defaults();
	struct scan_table *t = scan_table_new(&c);
	struct nfp_addr src = a4(0xcb007102);
	struct seen s = { { 0 } };
	unsigned int i;

	for (i = 0; i < 5; i++)
		scan_pkt(t, ST_SYN, &src, i, 2000 + i, &s);
	is_int(s.total, 1, "SYN scan of 5 ports: one alert");
	is_int(s.last.packets, 5, "packets");
	is_int(s.last.ports, 5, "ports");
	is_int(s.last.hosts, 1, "hosts");
	is_int(s.last.port_min, 1000, "port.min");
	is_int(s.last.port_max, 1004, "port.max");
	is_int(s.last.first, 2000, "first");
	is_int(s.last.last, 2004, "last");
	for (i = 5; i < 14; i++)
		scan_pkt(t, ST_SYN, &src, i, 2010, &s);
	is_int(s.total, 1, "14 packets: still one alert, none per packet");
	scan_table_free(t);

	/* 1500 ports, each once: DL4, and the sketch's estimate near. */
	t = scan_table_new(&c);
	for (i = 0; i < 1500; i++) {
		struct nfp_addr d = a4(0xc0000201);
		struct scan_pkt p = { .src = &src,
				      .dst = &d,
				      .now = 1,
				      .proto = IPPROTO_TCP,
				      .has_flags = true,
				      .has_port = true,
				      .flags = SCAN_SYN,
				      .dport = (uint16_t)(i * 7 + 1) };

		scan_table_add(t, &p, on_alert, &s);
	}
	is_int(s.last.dl, 4, "1500 packets: DL4");
	ok(s.last.ports >= 1350 && s.last.ports <= 1650,
	   "1500 distinct ports estimated as %u (10%%)", s.last.ports);
	scan_table_free(t);
}

static void test_minimums(void)
{
	struct scan_conf c = defaults();
	struct scan_table *t = scan_table_new(&c);
	struct nfp_addr src = a4(0xcb007103), d = a4(0xc0000201);
	struct seen s = { { 0 } };
	unsigned int i;

	/* 200 SYNs to 4 ports: a busy client, not a scan. */
	for (i = 0; i < 200; i++) {
		struct scan_pkt p = { .src = &src,
				      .dst = &d,
				      .now = 5,
				      .proto = IPPROTO_TCP,
				      .has_flags = true,
				      .has_port = true,
				      .flags = SCAN_SYN,
				      .dport = (uint16_t)(80 + i % 4) };

		scan_table_add(t, &p, on_alert, &s);
	}
	is_int(s.total, 0, "4 ports with min_ports=5: no alert");
	/* 200 pings to 4 hosts. */
	for (i = 0; i < 200; i++) {
		struct nfp_addr h = a4(0xc0000201 + i % 4);
		struct scan_pkt p = { .src = &src,
				      .dst = &h,
				      .now = 5,
				      .proto = IPPROTO_ICMP,
				      .echo = true };

		scan_table_add(t, &p, on_alert, &s);
	}
	is_int(s.total, 0, "4 hosts with min_hosts=5: no alert");
	/* The fifth port: the scan qualifies at once, at its level. */
	{
		struct scan_pkt p = { .src = &src,
				      .dst = &d,
				      .now = 5,
				      .proto = IPPROTO_TCP,
				      .has_flags = true,
				      .has_port = true,
				      .flags = SCAN_SYN,
				      .dport = 443 };

		scan_table_add(t, &p, on_alert, &s);
	}
	is_int(s.n[ST_SYN], 1, "fifth port: SYN alert");
	is_int(s.last.dl, 3, "201 packets: DL3 straight away");
	scan_table_free(t);
}

static void test_window(void)
{
	struct scan_conf c = defaults();
	struct scan_table *t = scan_table_new(&c);
	struct nfp_addr src = a4(0xcb007104), src2 = a4(0xcb007105);
	struct seen s = { { 0 } };
	unsigned int i;

	for (i = 0; i < 4; i++)
		scan_pkt(t, ST_FIN, &src, i, 10000, &s);
	scan_pkt(t, ST_FIN, &src, 4, 10000 + 3601, &s);
	is_int(s.total, 0, "fifth packet after scan_timeout: no alert");
	for (i = 0; i < 4; i++)
		scan_pkt(t, ST_FIN, &src2, i, 10000 + 1000 * i, &s);
	scan_pkt(t, ST_FIN, &src2, 4, 10000 + 3000 + 3600, &s);
	is_int(s.total, 1, "packets never an hour apart: alert");
	scan_table_free(t);
}

static void test_rate_limits(void)
{
	struct scan_conf c = defaults();
	struct scan_table *t;
	struct nfp_addr src = a4(0xcb007106);
	struct seen s = { { 0 } };
	unsigned int i;

	c.source_per_min = 2;
	t = scan_table_new(&c);
	for (i = 0; i < 10000; i++)
		scan_pkt(t, ST_XMAS, &src, i, 100, &s);
	is_int(s.total, 2, "source_alerts=2: two alerts in a second");
	is_int(scan_table_stats(t)->suppressed, 3,
	       "three held back, each counted once");
	scan_pkt(t, ST_XMAS, &src, 1, 129, &s);
	is_int(s.total, 2, "29 s later the bucket is still short");
	scan_pkt(t, ST_XMAS, &src, 1, 130, &s);
	is_int(s.total, 3, "30 s later: the held-back alert goes out");
	is_int(s.last.dl, 5, "with the level reached meanwhile");
	scan_table_free(t);

	/* 1000 sources scanning in the same second, total_alerts=100. */
	c = defaults();
	c.max_sources = 2048;
	t = scan_table_new(&c);
	memset(&s, 0, sizeof(s));
	for (i = 0; i < 1000 * 5; i++) {
		struct nfp_addr a = a4(0x0a000000 + i / 5);

		scan_pkt(t, ST_SYN, &a, i % 5, 200, &s);
	}
	is_int(s.total, 100, "1000 scanners in one second: 100 alerts");
	is_int(scan_table_stats(t)->suppressed, 900, "900 suppressed");
	scan_table_free(t);
}

static void test_spoofed(void)
{
	struct scan_conf c = defaults();
	struct scan_table *t;
	struct seen s = { { 0 } };
	size_t before, after;
	uint32_t x = 12345;
	unsigned int i;

	c.max_sources = 1024;
	t = scan_table_new(&c);
	before = mallinfo2().uordblks;
	for (i = 0; i < 1000000; i++) {
		struct nfp_addr a, d = a4(0xc0000201);
		struct scan_pkt p = { .src = &a,
				      .dst = &d,
				      .now = 300 + i / 100000,
				      .proto = IPPROTO_TCP,
				      .has_flags = true,
				      .has_port = true,
				      .flags = SCAN_SYN };

		x = x * 1103515245u + 12345u;
		a = a4(0x0b000000 + i);
		p.dport = (uint16_t)(x >> 16);
		scan_table_add(t, &p, on_alert, &s);
	}
	after = mallinfo2().uordblks;
	is_int(s.total, 0, "a million spoofed single SYNs: no alert");
	is_int(scan_table_stats(t)->sources, 1000000, "sources counted");
	is_int(scan_table_stats(t)->evicted, 1000000 - 1024,
	       "evictions counted");
	is_int((int64_t)after, (int64_t)before, "no memory taken meanwhile");
	diag("table of 1024 sources: %zu bytes, %zu a source",
	     scan_table_bytes(t), scan_source_bytes());
	ok(scan_table_bytes(t) < 1024 * 1536, "table under 1.5 KiB a source");
	scan_table_free(t);

	/* 200000 spoofed sources each making a SYN scan, 10 s of packets. */
	t = scan_table_new(&c);
	memset(&s, 0, sizeof(s));
	for (i = 0; i < 200000 * 5; i++) {
		struct nfp_addr a = a4(0x0c000000 + i / 5);

		scan_pkt(t, ST_SYN, &a, i % 5, 400 + i / 100000, &s);
	}
	ok(s.total <= 100 * 11, "spoofed scanners: %u alerts (<= 1100)",
	   s.total);
	is_int(s.total + scan_table_stats(t)->suppressed, 200000,
	       "every one alerted or counted as suppressed");
	scan_table_free(t);
}

static void test_classify(void)
{
	is_int(scan_tcp_type(SCAN_SYN), ST_SYN, "SYN");
	is_int(scan_tcp_type(SCAN_SYN | 0x80), ST_SYN, "SYN with CWR");
	is_int(scan_tcp_type(SCAN_FIN), ST_FIN, "FIN");
	is_int(scan_tcp_type(0), ST_NULL, "NULL");
	is_int(scan_tcp_type(SCAN_FIN | SCAN_PSH | SCAN_URG), ST_XMAS, "XMAS");
	is_int(scan_tcp_type(SCAN_ACK), ST_ACK, "ACK");
	is_int(scan_tcp_type(SCAN_FIN | SCAN_ACK), ST_MAIMON, "MAIMON");
	is_int(scan_tcp_type(SCAN_SYN | SCAN_FIN), ST_BADFLAGS, "SYN/FIN");
	is_int(scan_tcp_type(SCAN_SYN | SCAN_RST), ST_BADFLAGS, "SYN/RST");
	is_int(scan_tcp_type(SCAN_FIN | SCAN_RST | SCAN_ACK), ST_BADFLAGS,
	       "FIN/RST");
	is_int(scan_tcp_type(0x3f), ST_BADFLAGS, "every flag");
	is_int(scan_tcp_type(SCAN_URG), ST_BADFLAGS, "URG alone");
	is_int(scan_tcp_type(SCAN_SYN | SCAN_ACK), -1, "SYN/ACK is no scan");
	is_int(scan_tcp_type(SCAN_RST), -1, "RST is no scan");
	is_int(scan_tcp_type(SCAN_PSH | SCAN_ACK), -1, "PSH/ACK is no scan");
	is_int(scan_tcp_type(SCAN_RST | SCAN_ACK), -1, "RST/ACK is no scan");
}

static void test_parse_dl(void)
{
	uint32_t dl[SCAN_NDL];

	is_int(scan_parse_dl("5,15,150,1500,10000", dl), 0, "psad's levels");
	is_int(dl[4], 10000, "DL5");
	is_int(scan_parse_dl(" 1, 2 ,3,4,5", dl), 0, "spaces");
	is_int(scan_parse_dl("5,15,150,1500", dl), -1, "four levels");
	is_int(scan_parse_dl("5,15,15,1500,10000", dl), -1, "not ascending");
	is_int(scan_parse_dl("5,15,150,1500,10000,2", dl), -1, "six");
	is_int(scan_parse_dl("0,15,150,1500,10000", dl), -1, "zero");
}

/* ---- the plugin --------------------------------------------------------- */

static size_t ip4_pkt(uint8_t *b, uint32_t s, uint32_t d, uint8_t proto,
		      uint16_t dport, uint8_t flags)
{
	size_t l4 = proto == IPPROTO_TCP ? 20 : 8;

	memset(b, 0, 20 + l4);
	b[0] = 0x45;
	b[2] = (uint8_t)((20 + l4) >> 8);
	b[3] = (uint8_t)(20 + l4);
	b[8] = 64;
	b[9] = proto;
	s = htonl(s);
	d = htonl(d);
	memcpy(b + 12, &s, 4);
	memcpy(b + 16, &d, 4);
	b[20] = 0x9c;
	b[21] = 0x40;
	if (proto == IPPROTO_ICMP) {
		b[20] = 8; /* echo request */
		b[21] = 0;
		return 28;
	}
	b[22] = (uint8_t)(dport >> 8);
	b[23] = (uint8_t)dport;
	if (proto == IPPROTO_UDP) {
		b[25] = 8;
		return 28;
	}
	b[32] = 0x50;
	b[33] = flags;
	b[35] = 0xff;
	return 40;
}

static size_t ip6_syn(uint8_t *b, uint8_t last_s, uint8_t last_d,
		      uint16_t dport)
{
	static const uint8_t net[8] = { 0x20, 0x01, 0x0d, 0xb8 };

	memset(b, 0, 60);
	b[0] = 0x60;
	b[5] = 20;
	b[6] = IPPROTO_TCP;
	b[7] = 64;
	memcpy(b + 8, net, 8);
	b[23] = last_s;
	memcpy(b + 24, net, 8);
	b[39] = last_d;
	b[40] = 0x9c;
	b[42] = (uint8_t)(dport >> 8);
	b[43] = (uint8_t)dport;
	b[52] = 0x50;
	b[53] = SCAN_SYN;
	return 60;
}

static void feed4(struct nfpt *t, uint32_t s, uint32_t d, uint8_t proto,
		  uint16_t dport, uint8_t flags, uint32_t sec)
{
	uint8_t b[64];
	struct nfpt_pkt p = {
		.family = AF_INET, .data = b, .prefix = "IN ", .sec = sec
	};

	p.len = ip4_pkt(b, s, d, proto, dport, flags);
	nfpt_feed(t, "in", &p);
}

static void test_plugin(void)
{
	struct nfpt *t;
	unsigned int i;
	uint8_t b[64];

	t = nfpt_new("[global]\n"
		     "stack=in:PKTIN,base:BASE,scan:SCAN,pk:CAPTURE\n"
		     "stack=scan:SCAN,al:CAPTURE\n"
		     "[scan]\nignore=198.51.100.0/24, 2001:db8::99\n"
		     "ignore=203.0.113.7\n",
		     plugins);
	for (i = 0; i < 4; i++)
		feed4(t, 0xcb007101, 0xc0000201, IPPROTO_TCP,
		      (uint16_t)(20 + i), SCAN_FIN | SCAN_PSH | SCAN_URG,
		      1700000000 + i);
	is_int(nfpt_count(t, "pk"), 4, "packets go on");
	is_str(nfpt_get(t, "pk", "ip.saddr"), "203.0.113.1",
	       "ip.saddr passed through SCAN");
	is_str(nfpt_get(t, "pk", "ip.daddr"), "192.0.2.1",
	       "ip.daddr passed through SCAN");
	is_str(nfpt_get(t, "pk", "oob.time.sec"), "1700000003",
	       "oob.time.sec passed through SCAN");
	is_str(nfpt_get(t, "pk", "scan.type"), NULL,
	       "packets carry no scan keys");
	is_int(nfpt_count(t, "al"), 0, "4 packets: no alert");
	feed4(t, 0xcb007101, 0xc0000202, IPPROTO_TCP, 25,
	      SCAN_FIN | SCAN_PSH | SCAN_URG, 1700000009);
	is_int(nfpt_count(t, "al"), 1, "5 packets: one alert");
	is_str(nfpt_get(t, "al", "scan.type"), "XMAS", "scan.type");
	is_str(nfpt_get(t, "al", "scan.dl"), "1", "scan.dl");
	is_str(nfpt_get(t, "al", "ip.saddr"), "203.0.113.1", "the scanner");
	is_str(nfpt_get(t, "al", "ip.daddr"), "192.0.2.2", "last target");
	is_str(nfpt_get(t, "al", "oob.time.sec"), "1700000009", "time");
	is_str(nfpt_get(t, "al", "oob.family"), "2", "family");
	is_str(nfpt_get(t, "al", "scan.packets"), "5", "scan.packets");
	is_str(nfpt_get(t, "al", "scan.ports"), "5", "scan.ports");
	is_str(nfpt_get(t, "al", "scan.hosts"), "2", "scan.hosts");
	is_str(nfpt_get(t, "al", "scan.port.min"), "20", "scan.port.min");
	is_str(nfpt_get(t, "al", "scan.port.max"), "25", "scan.port.max");
	is_str(nfpt_get(t, "al", "scan.first"), "1700000000", "scan.first");
	is_str(nfpt_get(t, "al", "scan.last"), "1700000009", "scan.last");
	is_str(nfpt_get(t, "al", "ip.protocol"), NULL,
	       "alerts carry only SCAN's keys");

	/* UDP, ping sweep, protocol scan, bad flags through BASE. */
	for (i = 0; i < 5; i++)
		feed4(t, 0xcb007102, 0xc0000201, IPPROTO_UDP,
		      (uint16_t)(500 + i), 0, 1700000100);
	is_str(nfpt_get(t, "al", "scan.type"), "UDP", "UDP scan");
	for (i = 0; i < 5; i++)
		feed4(t, 0xcb007103, 0xc0000201 + i, IPPROTO_ICMP, 0, 0,
		      1700000100);
	is_str(nfpt_get(t, "al", "scan.type"), "PINGSWEEP", "ping sweep");
	is_str(nfpt_get(t, "al", "scan.hosts"), "5", "ping sweep hosts");
	for (i = 0; i < 5; i++)
		feed4(t, 0xcb007104, 0xc0000201 + i, IPPROTO_TCP, 3306,
		      SCAN_SYN, 1700000100);
	is_str(nfpt_get(t, "al", "scan.type"), "PORTSWEEP", "port sweep");
	is_str(nfpt_get(t, "al", "scan.port.min"), "3306", "swept port");
	for (i = 0; i < 5; i++)
		feed4(t, 0xcb007105, 0xc0000201, IPPROTO_TCP, 80,
		      SCAN_SYN | SCAN_RST, 1700000100);
	is_str(nfpt_get(t, "al", "scan.type"), "BADFLAGS", "SYN/RST");

	/* Ignored sources. */
	i = nfpt_count(t, "al");
	for (int j = 0; j < 20; j++) {
		feed4(t, 0xc6336405, 0xc0000201, IPPROTO_TCP, (uint16_t)(1 + j),
		      SCAN_SYN, 1700000200);
		feed4(t, 0xcb007107, 0xc0000201, IPPROTO_TCP, (uint16_t)(1 + j),
		      SCAN_SYN, 1700000200);
	}
	is_int(nfpt_count(t, "al"), i, "ignore= sources raise nothing");
	is_int(nfpt_counter(t, "scan", "ignored"), 40, "ignored counted");

	/* IPv6. */
	for (i = 0; i < 5; i++) {
		struct nfpt_pkt p = { .family = AF_INET6,
				      .data = b,
				      .sec = 1700000300 };

		p.len = ip6_syn(b, 0x42, 1, (uint16_t)(8000 + i));
		nfpt_feed(t, "in", &p);
	}
	is_str(nfpt_get(t, "al", "scan.type"), "SYN", "IPv6 SYN scan");
	is_str(nfpt_get(t, "al", "ip.saddr"), "2001:db8::42", "IPv6 scanner");
	is_str(nfpt_get(t, "al", "oob.family"), "10", "IPv6 family");
	i = nfpt_count(t, "al");
	for (unsigned int j = 0; j < 10; j++) {
		struct nfpt_pkt p = { .family = AF_INET6,
				      .data = b,
				      .sec = 1700000300 };

		p.len = ip6_syn(b, 0x99, 1, (uint16_t)(8000 + j));
		nfpt_feed(t, "in", &p);
	}
	is_int(nfpt_count(t, "al"), i, "ignored IPv6 address");
	is_int(nfpt_counter(t, "scan", "alerts"), 6, "alerts counted");
	is_int(nfpt_counter(t, "scan", "sources"), 6, "sources counted");
	nfpt_free(t);
}

static void test_config(void)
{
	char buf[2048];
	int n;

	n = nfpt_check("[global]\n"
		       "stack=in:PKTIN,base:BASE,scan:SCAN,pk:CAPTURE\n"
		       "[scan]\ndanger_levels=5,4,150,1500,10000\n"
		       "ignore=10.0.0.0/33\n",
		       plugins, buf, sizeof(buf));
	is_int(n, 2, "bad levels and a bad CIDR: two errors");
	ok(strstr(buf, "danger_levels") && strstr(buf, "10.0.0.0/33"),
	   "both named: %s", buf);
}

int main(void)
{
	test_classify();
	test_parse_dl();
	test_boundaries();
	test_alert_fields();
	test_minimums();
	test_window();
	test_rate_limits();
	test_spoofed();
	test_plugin();
	test_config();
	return done_testing();
}
