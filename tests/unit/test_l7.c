/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_l7 - L7 on crafted packets through a real stack
 *
 * PKTIN -> BASE -> L7 -> CAPTURE for the packets, L7 -> CAPTURE for its
 * flow records, CTIN (a test input with NFCT's key names) -> L7 -> CAPTURE
 * for conntrack records labelled from the same table. The packets are
 * built here byte by byte: an HTTP request on port 8080, a TLS ClientHello
 * with SNI on 8443, a DNS query on 53, SSH banners on 2222, a BitTorrent
 * handshake on 5000, and a made-up protocol matched by a .pat file the
 * test writes; NFCT records matched by 5-tuple, by reply tuple (DNAT), by
 * conntrack id alone (NAT both ways) and refused for another conntrack id
 * (PKTCT: packets with ct.id). The table
 * alone (l7_flow.h): idle expiry, linger, IPv6 past an extension header.
 * Then the bad input: a flood of one-packet flows past
 * max_flows (evicted, counted, bounded), truncated and malformed packets,
 * a packet that is not IP, and a pattern that does not compile (a config
 * error at file:line). No root needed.
 */
#include "nfp.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"
#include "l7_flow.h"
#include "tap.h"

extern const struct nfp_plugin nfp_filter_base;
extern const struct nfp_plugin nfp_filter_l7;

/* CTIN: NFCT's flow key names, records pushed by the test. */
enum {
	C_SADDR,
	C_DADDR,
	C_PROTO,
	C_SPORT,
	C_DPORT,
	C_ID,
	C_RSADDR,
	C_RDADDR,
	C_RSPORT,
	C_RDPORT
};
static const struct nfp_key ctin_keys[] = {
	[C_SADDR] = { "orig.ip.saddr", NFP_T_ADDR },
	[C_DADDR] = { "orig.ip.daddr", NFP_T_ADDR },
	[C_PROTO] = { "orig.ip.protocol", NFP_T_U8 },
	[C_SPORT] = { "orig.l4.sport", NFP_T_U16 },
	[C_DPORT] = { "orig.l4.dport", NFP_T_U16 },
	[C_ID] = { "ct.id", NFP_T_U32 },
	[C_RSADDR] = { "reply.ip.saddr", NFP_T_ADDR },
	[C_RDADDR] = { "reply.ip.daddr", NFP_T_ADDR },
	[C_RSPORT] = { "reply.l4.sport", NFP_T_U16 },
	[C_RDPORT] = { "reply.l4.dport", NFP_T_U16 },
	{ 0 }
};

static const struct nfp_plugin ctin = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_INPUT,
	.name = "CTIN",
	.summary = "test input with NFCT's flow keys",
	.out_keys = ctin_keys,
};

/* PKTCT: a packet with a conntrack id, as NFLOG's conntrack=1 gives. */
enum { P_PKT, P_ID };
static const struct nfp_key pktct_keys[] = { [P_PKT] = { "raw.pkt", NFP_T_RAW },
					     [P_ID] = { "ct.id", NFP_T_U32 },
					     { 0 } };

static const struct nfp_plugin pktct = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_INPUT,
	.name = "PKTCT",
	.summary = "test input: packets with ct.id",
	.out_keys = pktct_keys,
};

static const struct nfp_plugin *const plugins[] = {
	&nfp_filter_base, &nfp_filter_l7, &ctin, &pktct, NULL,
};

/* The client; the made-up protocol uses another (nDPI remembers hosts). */
static const char *CLI = "10.0.1.2";
#define SRV "10.0.2.2"

enum { FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10 };

static struct nfpt *t;
static uint32_t now_sec = 1700000000;

static size_t ip4(uint8_t *b, const char *src, const char *dst, uint8_t proto,
		  size_t l4len)
{
	size_t tot = 20 + l4len;

	memset(b, 0, 20);
	b[0] = 0x45;
	b[2] = (uint8_t)(tot >> 8);
	b[3] = (uint8_t)tot;
	b[6] = 0x40; /* DF */
	b[8] = 64;
	b[9] = proto;
	inet_pton(AF_INET, src, b + 12);
	inet_pton(AF_INET, dst, b + 16);
	return tot;
}

static void feed(const uint8_t *b, size_t len, const char *prefix)
{
	struct nfpt_pkt p = { 0 };

	p.family = AF_INET;
	p.data = b;
	p.len = len;
	p.prefix = prefix;
	p.sec = now_sec;
	p.usec = 1000;
	now_sec++;
	nfpt_feed(t, "in", &p);
}

static void tcp(const char *src, const char *dst, uint16_t sp, uint16_t dp,
		uint8_t flags, const void *data, size_t dlen)
{
	static uint8_t b[2048];
	uint8_t *h = b + 20;
	size_t tot = ip4(b, src, dst, 6, 20 + dlen);

	memset(h, 0, 20);
	h[0] = (uint8_t)(sp >> 8);
	h[1] = (uint8_t)sp;
	h[2] = (uint8_t)(dp >> 8);
	h[3] = (uint8_t)dp;
	h[7] = 1;
	h[12] = 5 << 4;
	h[13] = flags;
	h[14] = 0xff;
	if (dlen)
		memcpy(h + 20, data, dlen);
	feed(b, tot, "l7 test");
}

static void udp(const char *src, const char *dst, uint16_t sp, uint16_t dp,
		const void *data, size_t dlen)
{
	static uint8_t b[2048];
	uint8_t *h = b + 20;
	size_t tot = ip4(b, src, dst, 17, 8 + dlen);

	h[0] = (uint8_t)(sp >> 8);
	h[1] = (uint8_t)sp;
	h[2] = (uint8_t)(dp >> 8);
	h[3] = (uint8_t)dp;
	h[4] = (uint8_t)((8 + dlen) >> 8);
	h[5] = (uint8_t)(8 + dlen);
	h[6] = h[7] = 0;
	if (dlen)
		memcpy(h + 8, data, dlen);
	feed(b, tot, "l7 udp");
}

/* A TCP conversation: handshake, @req from the client, @resp back. */
static void conversation(uint16_t sp, uint16_t dp, const void *req,
			 size_t reqlen, const void *resp, size_t resplen)
{
	tcp(CLI, SRV, sp, dp, SYN, NULL, 0);
	tcp(SRV, CLI, dp, sp, SYN | ACK, NULL, 0);
	tcp(CLI, SRV, sp, dp, ACK, NULL, 0);
	tcp(CLI, SRV, sp, dp, PSH | ACK, req, reqlen);
	if (resp)
		tcp(SRV, CLI, dp, sp, PSH | ACK, resp, resplen);
}

static void close_conv(uint16_t sp, uint16_t dp)
{
	tcp(CLI, SRV, sp, dp, FIN | ACK, NULL, 0);
	tcp(SRV, CLI, dp, sp, FIN | ACK, NULL, 0);
}

static const char *pk(const char *key)
{
	return nfpt_get(t, "cap", key);
}

static const char *fl(const char *key)
{
	return nfpt_get(t, "flows", key);
}

static char patdir[64];

static const char *conf_with(const char *extra)
{
	static char conf[4096];

	snprintf(conf, sizeof(conf),
		 "[global]\n"
		 "stack=in:PKTIN,base:BASE,l7:L7,cap:CAPTURE\n"
		 "stack=l7:L7,flows:CAPTURE\n"
		 "stack=ct:CTIN,l7:L7,ctcap:CAPTURE\n"
		 "stack=pc:PKTCT,l7:L7,pccap:CAPTURE\n"
		 "[l7]\n%s",
		 extra);
	return conf;
}

static void test_http(void)
{
	static const char req[] = "GET /index.html HTTP/1.1\r\n"
				  "Host: www.example.org\r\n"
				  "User-Agent: curl/7.88.1\r\n"
				  "Accept: */*\r\n\r\n";
	static const char resp[] = "HTTP/1.1 200 OK\r\n"
				   "Content-Type: text/html\r\n"
				   "Content-Length: 5\r\n\r\nhello";

	conversation(40001, 8080, req, strlen(req), resp, strlen(resp));
	is_str(pk("l7.proto"), "HTTP", "HTTP on port 8080: l7.proto");
	is_str(pk("l7.host"), "www.example.org", "HTTP: l7.host is Host");
	is_str(pk("l7.guessed"), "0", "HTTP: by content, not guessed");
	is_str(pk("l7.category"), "Web", "HTTP: category");
	is_str(pk("oob.prefix"), "l7 test", "oob.prefix passed through L7");
	is_str(pk("tcp.dport"), "40001", "BASE's keys pass L7 untouched");
	is_int(nfpt_count(t, "flows"), 0, "no flow record before its end");
	close_conv(40001, 8080);
	is_int(nfpt_count(t, "flows"), 1, "FIN both ways: one flow record");
	is_str(fl("l7.end"), "fin", "flow: l7.end");
	is_str(fl("l7.proto"), "HTTP", "flow: l7.proto");
	is_str(fl("l7.host"), "www.example.org", "flow: l7.host");
	is_str(fl("orig.ip.saddr"), CLI, "flow: orig.ip.saddr is the opener");
	is_str(fl("orig.ip.daddr"), SRV, "flow: orig.ip.daddr");
	is_str(fl("orig.l4.sport"), "40001", "flow: orig.l4.sport");
	is_str(fl("orig.l4.dport"), "8080", "flow: orig.l4.dport");
	is_str(fl("reply.ip.saddr"), SRV, "flow: reply.ip.saddr");
	is_str(fl("reply.l4.dport"), "40001", "flow: reply.l4.dport");
	is_str(fl("orig.ip.protocol"), "6", "flow: orig.ip.protocol");
	is_str(fl("orig.raw.pktcount"), "4", "flow: 4 packets from the opener");
	is_str(fl("reply.raw.pktcount"), "3", "flow: 3 replies");
	is_int(atoi(fl("orig.raw.pktlen")), 4 * 40 + (int)strlen(req),
	       "flow: opener's IP bytes");
	is_int(atoi(fl("reply.raw.pktlen")), 3 * 40 + (int)strlen(resp),
	       "flow: replies' IP bytes");
	is_str(fl("oob.prefix"), "l7 test", "flow: first packet's prefix");
	is_str(fl("oob.family"), "2", "flow: oob.family");
	is_str(fl("flow.start.usec"), "1000", "flow: start usec");
	is_int(atoll(fl("flow.end.sec")) - atoll(fl("flow.start.sec")), 6,
	       "flow: start and end from packet times");
	is_str(fl("ct.event"), "4", "flow: ct.event as DESTROY");
	is_str(fl("oob.time.sec"), fl("flow.end.sec"), "flow: time is its end");
	is_str(fl("tcp.dport"), NULL, "flow: no packet keys");
}

/* A ClientHello with SNI, the way openssl s_client -servername sends it. */
static size_t client_hello(uint8_t *b, const char *sni)
{
	size_t n = strlen(sni), p = 0, hs, ext, sn;
	static const uint8_t ciphers[] = { 0x13, 0x01, 0x13, 0x02, 0xc0, 0x2f,
					   0xc0, 0x30, 0x00, 0x9c, 0x00, 0x2f };

	b[p++] = 0x16;
	b[p++] = 0x03;
	b[p++] = 0x01;
	p += 2; /* record length */
	hs = p;
	b[p++] = 0x01;
	p += 3; /* handshake length */
	b[p++] = 0x03;
	b[p++] = 0x03;
	memset(b + p, 0x5a, 32);
	p += 32;
	b[p++] = 0; /* session id */
	b[p++] = 0;
	b[p++] = sizeof(ciphers);
	memcpy(b + p, ciphers, sizeof(ciphers));
	p += sizeof(ciphers);
	b[p++] = 1; /* compression */
	b[p++] = 0;
	ext = p;
	p += 2;
	/* server_name */
	b[p++] = 0;
	b[p++] = 0;
	sn = n + 5;
	b[p++] = (uint8_t)(sn >> 8);
	b[p++] = (uint8_t)sn;
	b[p++] = (uint8_t)((n + 3) >> 8);
	b[p++] = (uint8_t)(n + 3);
	b[p++] = 0;
	b[p++] = (uint8_t)(n >> 8);
	b[p++] = (uint8_t)n;
	memcpy(b + p, sni, n);
	p += n;
	/* supported_versions: TLS 1.3, 1.2 */
	memcpy(b + p, "\x00\x2b\x00\x05\x04\x03\x04\x03\x03", 9);
	p += 9;
	b[ext] = (uint8_t)((p - ext - 2) >> 8);
	b[ext + 1] = (uint8_t)(p - ext - 2);
	b[hs + 1] = 0;
	b[hs + 2] = (uint8_t)((p - hs - 4) >> 8);
	b[hs + 3] = (uint8_t)(p - hs - 4);
	b[3] = (uint8_t)((p - 5) >> 8);
	b[4] = (uint8_t)(p - 5);
	return p;
}

static void test_tls(void)
{
	uint8_t hello[512];
	size_t n = client_hello(hello, "secure.example.net");

	conversation(40002, 8443, hello, n, NULL, 0);
	is_str(pk("l7.proto"), "TLS", "ClientHello on 8443: l7.proto");
	is_str(pk("l7.host"), "secure.example.net", "TLS: l7.host is SNI");
	tcp(SRV, CLI, 8443, 40002, RST, NULL, 0);
	is_str(fl("l7.end"), "rst", "RST ends the flow");
	is_str(fl("l7.host"), "secure.example.net", "TLS flow: SNI");
	is_str(fl("orig.l4.dport"), "8443", "TLS flow: port");
}

static void test_dns(void)
{
	static const uint8_t q[] = { 0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00,
				     0x00, 0x00, 0x00, 0x00, 0x00, 3,	 'w',
				     'w',  'w',	 7,    'e',  'x',  'a',	 'm',
				     'p',  'l',	 'e',  3,    'c',  'o',	 'm',
				     0,	   0x00, 0x01, 0x00, 0x01 };

	udp(CLI, SRV, 53001, 53, q, sizeof(q));
	is_str(pk("l7.proto"), "DNS", "DNS query: l7.proto");
	is_str(pk("l7.host"), "www.example.com", "DNS: l7.host is the name");
	is_str(pk("oob.prefix"), "l7 udp", "DNS: prefix");
}

static void test_ssh(void)
{
	static const char c[] = "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n";
	static const char s[] = "SSH-2.0-dropbear_2022.83\r\n";

	conversation(40003, 2222, c, strlen(c), s, strlen(s));
	is_str(pk("l7.proto"), "SSH", "SSH banners on 2222: l7.proto");
	is_str(pk("l7.guessed"), "0", "SSH: by content");
}

static void test_bittorrent(void)
{
	uint8_t h[68];

	h[0] = 19;
	memcpy(h + 1, "BitTorrent protocol", 19);
	memset(h + 20, 0, 8);
	memset(h + 28, 0xab, 20);
	memcpy(h + 48, "-qB4500-abcdefghijkl", 20);
	conversation(40004, 5000, h, sizeof(h), h, sizeof(h));
	is_str(pk("l7.proto"), "BitTorrent", "BitTorrent handshake on 5000");
}

static void test_pattern(void)
{
	static const char hi[] = "ZORP/1.0 HELLO there\r\n";

	CLI = "10.0.1.3";
	conversation(40005, 7777, hi, strlen(hi), "OK", 2);
	is_str(pk("l7.pattern"), "zorp", "made-up protocol: l7.pattern");
	close_conv(40005, 7777);
	is_str(fl("l7.pattern"), "zorp", "made-up protocol on the flow");
	is_str(fl("l7.proto"), "Unknown", "nDPI does not know it");
	is_int(nfpt_counter(t, "l7", "pattern_hits"), 1, "pattern_hits");
	CLI = "10.0.1.2";
}

static void push_ct(const char *s, const char *d, uint16_t sp, uint16_t dp,
		    uint8_t proto, int64_t id)
{
	struct nfp_inst *in = nfpt_inst(t, "ct");
	struct nfp_rec *r = nfp_rec_new(in);
	uint32_t a;

	inet_pton(AF_INET, s, &a);
	nfp_set_in4(r, C_SADDR, a);
	inet_pton(AF_INET, d, &a);
	nfp_set_in4(r, C_DADDR, a);
	nfp_set_u8(r, C_PROTO, proto);
	nfp_set_u16(r, C_SPORT, sp);
	nfp_set_u16(r, C_DPORT, dp);
	if (id >= 0)
		nfp_set_u32(r, C_ID, (uint32_t)id);
	nfp_rec_push(in, r);
}

/* DNAT: conntrack's orig tuple is the public side, the packets were
 * logged after the translation and match its reply tuple. */
static void push_ct_nat(void)
{
	struct nfp_inst *in = nfpt_inst(t, "ct");
	struct nfp_rec *r = nfp_rec_new(in);
	uint32_t a;

	inet_pton(AF_INET, CLI, &a);
	nfp_set_in4(r, C_SADDR, a);
	inet_pton(AF_INET, "198.51.100.7", &a);
	nfp_set_in4(r, C_DADDR, a);
	nfp_set_u8(r, C_PROTO, 6);
	nfp_set_u16(r, C_SPORT, 40001);
	nfp_set_u16(r, C_DPORT, 80);
	inet_pton(AF_INET, SRV, &a);
	nfp_set_in4(r, C_RSADDR, a);
	inet_pton(AF_INET, CLI, &a);
	nfp_set_in4(r, C_RDADDR, a);
	nfp_set_u16(r, C_RSPORT, 8080);
	nfp_set_u16(r, C_RDPORT, 40001);
	nfp_rec_push(in, r);
}

static void test_nat_and_ids(void)
{
	static const uint8_t q[] = { 0xab, 0xcd, 0x01, 0x00, 0x00, 0x01,
				     0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
				     2,	   'c',	 't',  2,    'l',  '7',
				     0,	   0x00, 0x01, 0x00, 0x01 };
	struct nfp_inst *in = nfpt_inst(t, "pc");
	uint8_t b[128], *h = b + 20;
	struct nfp_rec *r;
	size_t tot = ip4(b, "10.0.1.9", SRV, 17, 8 + sizeof(q));

	push_ct_nat();
	is_str(nfpt_get(t, "ctcap", "l7.host"), "www.example.org",
	       "NFCT record after DNAT: matched by its reply tuple");
	h[0] = 0xd0;
	h[1] = 0x01;
	h[2] = 0;
	h[3] = 53;
	h[4] = 0;
	h[5] = (uint8_t)(8 + sizeof(q));
	h[6] = h[7] = 0;
	memcpy(h + 8, q, sizeof(q));
	r = nfp_rec_new(in);
	nfp_set_raw(r, P_PKT, b, (uint32_t)tot);
	nfp_set_u32(r, P_ID, 900);
	nfp_rec_push(in, r);
	is_str(nfpt_get(t, "pccap", "l7.host"), "ct.l7",
	       "a packet with a conntrack id: labelled");
	push_ct("10.0.1.9", SRV, 0xd001, 53, 17, 901);
	is_str(nfpt_get(t, "ctcap", "l7.proto"), NULL,
	       "NFCT record with another conntrack id: not this flow");
	push_ct("10.0.1.9", SRV, 0xd001, 53, 17, 900);
	is_str(nfpt_get(t, "ctcap", "l7.host"), "ct.l7",
	       "NFCT record with the same conntrack id: labelled");
	push_ct("192.0.2.77", "198.51.100.53", 1234, 5353, 17, 900);
	is_str(nfpt_get(t, "ctcap", "l7.host"), "ct.l7",
	       "NFCT record of another tuple (NAT both ways): by its id");
}

static void test_conntrack(void)
{
	push_ct(CLI, SRV, 40001, 8080, 6, 77);
	is_str(nfpt_get(t, "ctcap", "l7.proto"), "HTTP",
	       "NFCT record labelled from the table (5-tuple)");
	is_str(nfpt_get(t, "ctcap", "l7.host"), "www.example.org",
	       "NFCT record: host");
	is_str(nfpt_get(t, "ctcap", "orig.l4.dport"), "8080",
	       "NFCT record: its own keys pass through");
	is_str(nfpt_get(t, "ctcap", "oob.prefix"), "l7 test",
	       "NFCT record: the flow's log prefix");
	push_ct(SRV, CLI, 8443, 40002, 6, -1);
	is_str(nfpt_get(t, "ctcap", "l7.host"), "secure.example.net",
	       "NFCT record: either direction");
	push_ct(CLI, SRV, 49999, 80, 6, -1);
	is_str(nfpt_get(t, "ctcap", "l7.proto"), NULL,
	       "NFCT record of no known flow: unlabelled");
	is_int(nfpt_counter(t, "l7", "ct_labelled"), 2, "ct_labelled");
	is_int(nfpt_counter(t, "l7", "ct_unknown"), 1, "ct_unknown");
	test_nat_and_ids();
	is_int(nfpt_counter(t, "l7", "ct_labelled"), 5,
	       "ct_labelled: DNAT, same id, id alone");
	is_int(nfpt_counter(t, "l7", "ct_unknown"), 2,
	       "ct_unknown: the other id");
}

static void write_pat(const char *name, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", patdir, name);
	f = fopen(path, "w");
	if (!f)
		bail_out("cannot write %s", path);
	fputs(text, f);
	fclose(f);
}

static void test_labels(void)
{
	char extra[256];
	unsigned int flows;

	write_pat("zorp.pat", "# A protocol nDPI has never heard of.\n"
			      "# Pattern quality: great\n"
			      "zorp\n"
			      "^zorp/[0-9]\\x2e[0-9] hello\n");
	snprintf(extra, sizeof(extra), "patterns=\"%s\"\n", patdir);
	t = nfpt_new(conf_with(extra), plugins);
	test_http();
	test_tls();
	test_dns();
	test_ssh();
	test_bittorrent();
	test_pattern();
	test_conntrack();
	is_int(nfpt_counter(t, "l7", "flows"), 7, "flows counted");
	is_int(nfpt_counter(t, "l7", "detected"), 6,
	       "detected: all but the made-up protocol");
	is_int(nfpt_counter(t, "l7", "undetected"), 1,
	       "undetected: the made-up one, given up on at its end");
	flows = nfpt_count(t, "flows");
	is_int(flows, 3, "three flows ended so far");
	nfpt_free(t);
}

static void test_flood(void)
{
	static const uint8_t junk[4] = "abc";
	char a[32];
	unsigned int i;

	t = nfpt_new(conf_with("max_flows=16\n"), plugins);
	for (i = 0; i < 1000; i++) {
		snprintf(a, sizeof(a), "10.9.%u.%u", i / 250, i % 250 + 1);
		udp(a, SRV, (uint16_t)(1024 + i), 9999, junk, sizeof(junk));
	}
	is_int(nfpt_counter(t, "l7", "flows"), 1000, "flood: 1000 flows");
	is_int(nfpt_counter(t, "l7", "evicted"), 1000 - 16,
	       "flood: all but max_flows evicted and counted");
	is_int(nfpt_count(t, "flows"), 1000 - 16,
	       "flood: each evicted flow emitted once");
	is_str(fl("l7.end"), "evicted", "flood: l7.end");
	is_str(fl("orig.raw.pktcount"), "1", "flood: one packet each");
	is_int(nfpt_count(t, "cap"), 1000, "flood: every packet passed on");
	nfpt_free(t);
}

static void test_bad(void)
{
	uint8_t b[64];
	unsigned int before;

	t = nfpt_new(conf_with(""), plugins);
	memset(b, 0, sizeof(b));
	b[0] = 0x45;
	feed(b, 10, "short"); /* shorter than an IPv4 header */
	ip4(b, CLI, SRV, 6, 8);
	feed(b, 28, "tcp cut"); /* TCP header cut at 8 bytes */
	ip4(b, CLI, SRV, 6, 20);
	b[0] = 0x4f; /* IHL 60 > packet */
	feed(b, 40, "ihl");
	ip4(b, CLI, SRV, 17, 4);
	feed(b, 24, "udp cut");
	b[0] = 0x60;
	feed(b, 20, "ipv6 cut");
	memset(b, 0, sizeof(b));
	b[0] = 0x00; /* an ARP packet: neither IPv4 nor IPv6 */
	b[1] = 0x01;
	feed(b, 28, "arp");
	feed(b, 0, "empty");
	is_int(nfpt_counter(t, "l7", "malformed"), 6,
	       "truncated and malformed packets counted");
	is_int(nfpt_counter(t, "l7", "not_ip"), 1, "a non-IP packet counted");
	is_int(nfpt_counter(t, "l7", "flows"), 0, "no flow for any of them");
	is_int(nfpt_count(t, "cap"), 7, "each one still passed on");
	is_str(pk("l7.proto"), NULL, "and left unlabelled");
	before = nfpt_count(t, "flows");
	is_int(before, 0, "no flow records");
	nfpt_free(t);
}

static void test_bad_pattern(void)
{
	char conf[512], buf[8192];
	int n;

	write_pat("broken.pat", "# bad\n\nbroken\n^broken(unclosed\n");
	snprintf(conf, sizeof(conf), "patterns=\"%s/broken.pat\"\n", patdir);
	n = nfpt_check(conf_with(conf), plugins, buf, sizeof(buf));
	ok(n > 0, "a pattern that does not compile is a config error");
	like(buf, "broken.pat:4: pattern broken:", "at the .pat's file:line");
	like(buf, "test.conf:", "and the config's line");
	snprintf(conf, sizeof(conf), "patterns=\"%s/none.pat\"\n", patdir);
	n = nfpt_check(conf_with(conf), plugins, buf, sizeof(buf));
	ok(n > 0, "a missing pattern file is a config error");
	like(buf, "none.pat: No such file", "naming the file");
}

static unsigned int n_emit;
static enum l7_end last_end;

static void count_emit(void *arg, const struct l7_flow *f, enum l7_end why)
{
	(void)arg;
	(void)f;
	n_emit++;
	last_end = why;
}

/* The table alone: idle expiry, linger, IPv6 with an extension header. */
static void test_table(void)
{
	static const uint8_t v6[] = {
		0x60, 0,    0,	  0,	0,  24,	  0,	64, /* payload 24: HBH 8
							       + UDP 16 */
		0x20, 0x01, 0x0d, 0xb8, 0,  0,	  0,	0,    0,    0,	 0,
		0,    0,    0,	  0,	1,  0x20, 0x01, 0x0d, 0xb8, 0,	 0,
		0,    0,    0,	  0,	0,  0,	  0,	0,    0,    2,	 17,
		0,    1,    4,	  0,	0,  0,	  0, /* hop-by-hop, PadN */
		0x9c, 0x40, 0x1f, 0x90, 0,  16,	  0,	0,    'h',  'e', 'l',
		'l',  'o',  '!',  '!',	'!'
	};
	uint64_t ctr[L7C__COUNT] = { 0 };
	struct l7_conf c = {
		.max_flows = 16,
		.max_packets = 4,
		.pat_bytes = 64,
		.idle_us = 10000000,
		.linger_us = 30000000,
	};
	struct l7_ctx *x = l7_ctx_new(&c, NULL, NULL, count_emit, NULL, ctr);
	struct l7_pkt p = { .data = v6, .len = sizeof(v6) };
	const uint8_t *a;
	struct l7_flow *f;
	uint16_t port;
	bool reply;

	p.ts_us = 1000000;
	p.has_ct = true;
	p.ct_id = 42;
	f = l7_packet(x, &p, &reply);
	ok(f && f->key.family == 6 && f->key.proto == 17,
	   "IPv6: UDP found past a hop-by-hop header");
	a = f ? l7_flow_addr(f, true, &port) : NULL;
	ok(a && a[15] == 2 && port == 8080,
	   "IPv6: the replier is ::2 port 8080");
	ok(f && f->has_ct && f->ct_id == 42, "the packet's conntrack id kept");
	ok(l7_lookup(x, 6, 17, v6 + 24, v6 + 8, 8080, 40000) == f,
	   "lookup from the other direction");
	l7_expire(x, 1000000 + 9999999);
	is_int(n_emit, 0, "not idle before idle_timeout");
	l7_expire(x, 1000000 + 10000000);
	is_int(n_emit, 1, "idle_timeout ends the flow");
	is_int(last_end, L7_END_IDLE, "and says why");
	ok(l7_lookup(x, 6, 17, v6 + 8, v6 + 24, 40000, 8080) == f,
	   "an ended flow lingers for NFCT");
	l7_expire(x, 1000000 + 30000000);
	ok(!l7_lookup(x, 6, 17, v6 + 8, v6 + 24, 40000, 8080),
	   "and is forgotten after linger");
	is_int(l7_ctx_count(x), 0, "the table is empty again");
	p.ts_us = 50000000;
	f = l7_packet(x, &p, &reply);
	p.data = v6;
	p.len = 40 + 4; /* cut inside the hop-by-hop header */
	ok(!l7_packet(x, &p, &reply), "IPv6 cut in an extension header");
	is_int(ctr[L7C_MALFORMED], 1, "counted malformed");
	l7_ctx_flush(x);
	is_int(last_end, L7_END_STOP, "flush ends live flows as stop");
	is_int(n_emit, 2, "each flow emitted once");
	l7_ctx_free(x);
}

int main(void)
{
	snprintf(patdir, sizeof(patdir), "/tmp/test_l7.XXXXXX");
	if (!mkdtemp(patdir))
		bail_out("mkdtemp");
	test_labels();
	test_flood();
	test_bad();
	test_bad_pattern();
	test_table();
	nfpt_rmtree(patdir);
	return done_testing();
}
