/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_ipfix - the IPFIX output against RFC 7011, byte by byte
 *
 * The encoder's templates, data records and messages are compared with
 * bytes written out here by hand from RFC 7011 (header and set layout)
 * and IANA's element registry (ids, lengths, big-endian integers); then
 * real stacks (harness) send to sockets of the test over UDP and TCP, and
 * what arrives is taken apart by a decoder written here, not the plugin's.
 * Last, a rough figure of records encoded and packed per second (diag).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <nfpipe/sink.h>

#include "harness.h"
#include "ipfix_enc.h"
#include "tap.h"

extern const struct nfp_plugin nfp_filter_base;
extern const struct nfp_plugin nfp_output_ipfix;

static int hex2bin(const char *hex, uint8_t *out, size_t max)
{
	size_t n = 0;
	unsigned int b;

	while (*hex) {
		if (*hex == ' ') {
			hex++;
			continue;
		}
		if (n >= max || sscanf(hex, "%2x", &b) != 1)
			bail_out("bad hex in the test");
		out[n++] = (uint8_t)b;
		hex += 2;
	}
	return (int)n;
}

/* Compare @len bytes with @hex; shows both on a mismatch. */
static void is_bytes(const uint8_t *got, size_t len, const char *hex,
		     const char *name)
{
	uint8_t want[2048];
	int n = hex2bin(hex, want, sizeof(want));
	char g[4200], w[4200];
	size_t i;

	if ((size_t)n == len && !memcmp(got, want, len)) {
		ok(1, "%s", name);
		return;
	}
	for (i = 0; i < len && i < 2000; i++)
		sprintf(g + 2 * i, "%02x", got[i]);
	g[2 * i] = 0;
	for (i = 0; i < (size_t)n && i < 2000; i++)
		sprintf(w + 2 * i, "%02x", want[i]);
	w[2 * i] = 0;
	ok(0, "%s", name);
	diag("     got: %s (%zu)\n#   wanted: %s (%d)", g, len, w, n);
}

/* ---- hand-written expectations ------------------------------------------ */

/* Template 256: 14 fields; (id, length) pairs in record order. */
#define T256                                                                   \
	"0100 000e  0008 0004  000c 0004  0007 0002  000b 0002"                \
	"  0004 0001  0088 0001  0020 0002  0001 0008  0002 0008"              \
	"  0017 0008  0018 0008  0098 0008  0099 0008  0094 0008"
#define T257                                                                   \
	"0101 000e  001b 0010  001c 0010  0007 0002  000b 0002"                \
	"  0004 0001  0088 0001  008b 0002  0001 0008  0002 0008"              \
	"  0017 0008  0018 0008  0098 0008  0099 0008  0094 0008"
#define T258                                                                   \
	"0102 0012  0008 0004  000c 0004  0007 0002  000b 0002"                \
	"  0004 0001  0088 0001  0020 0002  0001 0008  0002 0008"              \
	"  0017 0008  0018 0008  0098 0008  0099 0008  0094 0008"              \
	"  00e1 0004  00e2 0004  00e3 0002  00e4 0002"
#define T259                                                                   \
	"0103 000a  0008 0004  000c 0004  0007 0002  000b 0002"                \
	"  0004 0001  0020 0002  0001 0008  0002 0008  0098 0008"              \
	"  0099 0008"
#define T260                                                                   \
	"0104 000a  001b 0010  001c 0010  0007 0002  000b 0002"                \
	"  0004 0001  008b 0002  0001 0008  0002 0008  0098 0008"              \
	"  0099 0008"
/* Set id 2; length 4 + 60 + 60 + 76 = 200 = 0xc8. */
#define TSET_FLOWS "0002 00c8 " T256 " " T257 " " T258
/* 4 + 44 + 44 = 92 = 0x5c. */
#define TSET_PACKETS "0002 005c " T259 " " T260

/*
 * 10.77.1.2:40000 -> 10.77.2.2:80 TCP, ended in TIME_WAIT (reason 3),
 * 5 packets 268 bytes, reply 3 packets 170 bytes, from 1700000000.250000
 * to 1700000002.750000 (ms 0x18bcfe568fa, 0x18bcfe572be), ct.id 0x11223344.
 */
#define REC_A                                                                  \
	"0a4d0102 0a4d0202 9c40 0050 06 03 0000"                               \
	" 000000000000010c 0000000000000005"                                   \
	" 00000000000000aa 0000000000000003"                                   \
	" 0000018bcfe568fa 0000018bcfe572be 0000000011223344"
/* The same masqueraded behind 10.77.2.1, port 40000 kept: reason 1. */
#define REC_NAT                                                                \
	"0a4d0102 0a4d0202 9c40 0050 06 01 0000"                               \
	" 000000000000010c 0000000000000005"                                   \
	" 00000000000000aa 0000000000000003"                                   \
	" 0000018bcfe568fa 0000018bcfe572be 0000000011223344"                  \
	" 0a4d0201 0a4d0202 9c40 0050"
/* Ping fd77:1::2 -> fd77:2::2: ICMPv6 echo request 128/0 = 0x8000. */
#define REC_V6                                                                 \
	"fd770001000000000000000000000002"                                     \
	" fd770002000000000000000000000002 0000 0000 3a 01 8000"               \
	" 00000000000000a0 0000000000000002"                                   \
	" 00000000000000a0 0000000000000002"                                   \
	" 0000018bcfe568fa 0000018bcfe572be 0000000000000007"

static struct ipfix_flow flow_a(void)
{
	struct ipfix_flow f;

	memset(&f, 0, sizeof(f));
	f.family = AF_INET;
	f.proto = 6;
	f.end_reason = 3;
	inet_pton(AF_INET, "10.77.1.2", f.saddr);
	inet_pton(AF_INET, "10.77.2.2", f.daddr);
	f.sport = 40000;
	f.dport = 80;
	f.bytes = 268;
	f.pkts = 5;
	f.rbytes = 170;
	f.rpkts = 3;
	f.start_ms = 1700000000250ull;
	f.end_ms = 1700000002750ull;
	f.flow_id = 0x11223344;
	return f;
}

static void test_templates(void)
{
	uint8_t buf[512];
	size_t n;

	n = ipfix_tmpl_set(buf, IPFIX_TMPL_FLOWS);
	is_int((int64_t)n, 200, "flow template set: 200 octets");
	is_bytes(buf, n, TSET_FLOWS,
		 "flow templates 256, 257, 258 as IANA ids");
	n = ipfix_tmpl_set(buf, IPFIX_TMPL_PACKETS);
	is_bytes(buf, n, TSET_PACKETS, "packet templates 259, 260");
	is_int(ipfix_tmpl_get(256)->reclen, 72, "IPv4 flow record: 72");
	is_int(ipfix_tmpl_get(257)->reclen, 96, "IPv6 flow record: 96");
	is_int(ipfix_tmpl_get(258)->reclen, 84, "NAT flow record: 84");
	is_int(ipfix_tmpl_get(259)->reclen, 47, "IPv4 packet record: 47");
	is_int(ipfix_tmpl_get(260)->reclen, 71, "IPv6 packet record: 71");
	ok(ipfix_tmpl_get(255) == NULL && ipfix_tmpl_get(261) == NULL,
	   "no template outside 256..260");
	/* 16 + 200 + 4 + 96 */
	is_int((int64_t)ipfix_min_mtu(IPFIX_TMPL_FLOWS), 316,
	       "smallest MTU for flows: header, templates, set, IPv6 record");
}

static void test_records(void)
{
	struct ipfix_flow f = flow_a();
	uint8_t buf[IPFIX_REC_MAX];
	uint16_t tid;
	size_t n;

	n = ipfix_rec_encode(&f, false, buf, &tid);
	is_int(tid, 256, "IPv4 flow: template 256");
	is_bytes(buf, n, REC_A, "IPv4 flow record");

	f.nat = true;
	f.end_reason = 1;
	inet_pton(AF_INET, "10.77.2.1", f.nat_saddr);
	inet_pton(AF_INET, "10.77.2.2", f.nat_daddr);
	f.nat_sport = 40000;
	f.nat_dport = 80;
	n = ipfix_rec_encode(&f, false, buf, &tid);
	is_int(tid, 258, "NAT flow: template 258");
	is_bytes(buf, n, REC_NAT, "NAT flow record: post-NAT fields last");

	f.family = 99;
	is_int((int64_t)ipfix_rec_encode(&f, false, buf, &tid), 0,
	       "no record for a family other than IPv4/IPv6");
}

static void test_pack(void)
{
	struct ipfix_exp e = { .domain = 0x01020304,
			       .mtu = 1400,
			       .tmask = IPFIX_TMPL_FLOWS,
			       .tmpl_due = true };
	struct ipfix_out o = { 0 };
	struct ipfix_flow f = flow_a();
	uint8_t a[IPFIX_REC_MAX];
	struct ipfix_rec r[10];
	uint16_t tid;
	size_t n, i;

	n = ipfix_rec_encode(&f, false, a, &tid);
	for (i = 0; i < 10; i++)
		r[i] = (struct ipfix_rec){ tid, (uint16_t)n, a };

	/* 16 + 200 + 4 + 2 * 72 = 364 = 0x16c; export time 0x65000000. */
	ok(ipfix_pack(&e, &o, r, 2, 0x65000000u) == 0 && o.nmsg == 1,
	   "two records: one message");
	is_bytes(o.buf, o.len,
		 "000a 016c 65000000 00000000 01020304 " TSET_FLOWS
		 " 0100 0094 " REC_A " " REC_A,
		 "message: header (seq 0), template set, data set 256 (148)");
	is_int(e.seq, 2, "sequence counts the 2 data records");
	ok(!e.tmpl_due, "templates no longer due");

	ipfix_out_reset(&o);
	ipfix_pack(&e, &o, r, 1, 0x65000001u);
	is_bytes(o.buf, o.len,
		 "000a 005c 65000001 00000002 01020304 0100 004c " REC_A,
		 "next message: seq 2, no templates, 16 + 4 + 72 = 92");

	/*
	 * MTU 512: 16 + 200 + 4 + 4 * 72 = 508 fits, a fifth does not; then
	 * 16 + 4 + 6 * 72 = 452 without templates.
	 */
	ipfix_out_reset(&o);
	e.seq = 0;
	e.mtu = 512;
	e.tmpl_due = true;
	ipfix_pack(&e, &o, r, 10, 1);
	is_int((int64_t)o.nmsg, 2, "MTU 512, 10 records: 2 messages");
	if (o.nmsg == 2) {
		is_int(o.msg[0].len, 508, "first: 508 octets");
		is_int(o.msg[0].nrec, 4, "first: 4 records");
		is_int(o.msg[1].len, 452, "second: 452 octets");
		is_int(o.msg[1].nrec, 6, "second: 6 records");
		is_bytes(o.buf + o.msg[1].off, 16,
			 "000a 01c4 00000001 00000004 01020304",
			 "second header: length 452, seq 4");
	}

	/* Mixed templates: one set per run of records sharing one. */
	{
		uint8_t b[IPFIX_REC_MAX];
		struct ipfix_rec m[3];
		size_t nb;

		f.nat = true;
		inet_pton(AF_INET, "10.77.2.1", f.nat_saddr);
		inet_pton(AF_INET, "10.77.2.2", f.nat_daddr);
		f.nat_sport = 40000;
		f.nat_dport = 80;
		f.end_reason = 1;
		nb = ipfix_rec_encode(&f, false, b, &tid);
		m[0] = (struct ipfix_rec){ 256, (uint16_t)n, a };
		m[1] = (struct ipfix_rec){ tid, (uint16_t)nb, b };
		m[2] = (struct ipfix_rec){ 256, (uint16_t)n, a };
		ipfix_out_reset(&o);
		e.mtu = 1400;
		e.seq = 7;
		ipfix_pack(&e, &o, m, 3, 2);
		/* 16 + (4 + 72) + (4 + 84) + (4 + 72) = 256 = 0x100 */
		is_bytes(o.buf, o.len,
			 "000a 0100 00000002 00000007 01020304"
			 " 0100 004c " REC_A " 0102 0058 " REC_NAT
			 " 0100 004c " REC_A,
			 "256, 258, 256: three sets, seq 7");
	}
	ipfix_out_free(&o);
}

/* ---- a decoder of our own, for what the plugin sends --------------------- */

struct seen {
	unsigned int msgs;	/* messages */
	unsigned int tmpl_msgs; /* messages with a template set */
	unsigned int bad;	/* framing errors */
	uint32_t seq[64];	/* sequence number of each message */
	uint32_t domain;	/* of the last message */
	unsigned int nrec;	/* data records kept below, at most 64 */
	unsigned int all;	/* data records, every one */
	uint16_t tid[64];	/* template of each record */
	uint8_t rec[64][IPFIX_REC_MAX]; /* each record */
	uint16_t len[64];		/* its length */
};

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* One message: header checks, sets walked by their lengths. */
static void decode(struct seen *s, const uint8_t *p, size_t len)
{
	size_t off = 16;
	uint16_t reclen[8] = { 0 }; /* by template id - 256, learnt here */

	if (len < 16 || rd16(p) != 10 || rd16(p + 2) != len) {
		s->bad++;
		return;
	}
	if (s->msgs < 64)
		s->seq[s->msgs] = rd32(p + 8);
	s->msgs++;
	s->domain = rd32(p + 12);
	while (off + 4 <= len) {
		uint16_t id = rd16(p + off), sl = rd16(p + off + 2);
		size_t q = off + 4, end = off + sl;

		if (sl < 4 || end > len) {
			s->bad++;
			return;
		}
		if (id == 2) {
			s->tmpl_msgs++;
			while (q + 4 <= end) {
				uint16_t tid = rd16(p + q),
					 nf = rd16(p + q + 2);
				unsigned int k, rl = 0;

				for (k = 0; k < nf; k++)
					rl += rd16(p + q + 4 + 4 * k + 2);
				if (tid >= 256 && tid < 264)
					reclen[tid - 256] = (uint16_t)rl;
				q += 4 + 4 * (size_t)nf;
			}
		} else if (id >= 256 && id < 264) {
			uint16_t rl = reclen[id - 256];

			/* A session's templates stay known: ours are fixed. */
			if (!rl)
				rl = ipfix_tmpl_get(id)->reclen;
			while (q + rl <= end) {
				s->all++;
				if (s->nrec < 64) {
					s->tid[s->nrec] = id;
					s->len[s->nrec] = rl;
					memcpy(s->rec[s->nrec], p + q, rl);
					s->nrec++;
				}
				q += rl;
			}
			if (q != end)
				s->bad++; /* no padding is ever sent */
		}
		off = end;
	}
	if (off != len)
		s->bad++;
}

static void drain_udp(int fd, struct seen *s)
{
	uint8_t buf[65536];
	ssize_t n;

	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		decode(s, buf, (size_t)n);
}

/* A TCP stream: messages one after the other, framed by their length. */
static void drain_tcp(int fd, struct seen *s)
{
	static uint8_t buf[1 << 20];
	size_t have = 0, off = 0;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;

	while (poll(&pfd, 1, 1000) > 0 && have < sizeof(buf)) {
		n = recv(fd, buf + have, sizeof(buf) - have, 0);
		if (n <= 0)
			break;
		have += (size_t)n;
	}
	while (off + 4 <= have) {
		uint16_t l = rd16(buf + off + 2);

		if (l < 16 || off + l > have) {
			s->bad++;
			break;
		}
		decode(s, buf + off, l);
		off += l;
	}
}

static int udp_listener(uint16_t *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(fd, (struct sockaddr *)&sa, &sl))
		bail_out("udp socket");
	*port = ntohs(sa.sin_port);
	return fd;
}

static int tcp_listener(uint16_t *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(fd, 4) || getsockname(fd, (struct sockaddr *)&sa, &sl))
		bail_out("tcp socket");
	*port = ntohs(sa.sin_port);
	return fd;
}

/* ---- packets: PKTIN -> BASE -> IPFIX over UDP ------------------------------
 */

/* IPv4 UDP 10.9.0.1:5353 -> 10.9.0.2:53, total length 33. */
static const char PKT_UDP4[] = "450000211234000040110000"
			       "0a0900010a090002"
			       "14e90035000d000068656c6c6f";
/* IPv6 TCP SYN fd77:1::2:50000 -> fd77:2::2:443, payload length 20. */
static const char PKT_TCP6[] =
	"6000000000140640fd770001000000000000000000000002"
	"fd770002000000000000000000000002"
	"c35001bb000000010000000050020000aaaa0000";

static void test_packets_udp(void)
{
	static const struct nfp_plugin *const plugins[] = { &nfp_filter_base,
							    &nfp_output_ipfix,
							    NULL };
	uint8_t p4[64], p6[128];
	struct nfpt_pkt pkt;
	struct seen s;
	char conf[1024];
	uint16_t port;
	struct nfpt *t;
	int fd = udp_listener(&port);

	memset(&s, 0, sizeof(s));
	snprintf(conf, sizeof(conf),
		 "[global]\nstack=in:PKTIN,b:BASE,x:IPFIX\n"
		 "[x]\nhost=127.0.0.1\nport=%u\nproto=udp\nrecords=packets\n"
		 "oid=77\nspool_max=0\n",
		 port);
	t = nfpt_new(conf, plugins);
	memset(&pkt, 0, sizeof(pkt));
	pkt.family = AF_INET;
	pkt.data = p4;
	pkt.len = (size_t)hex2bin(PKT_UDP4, p4, sizeof(p4));
	pkt.sec = 1000000000;
	pkt.usec = 123456;
	nfpt_feed(t, "in", &pkt);
	pkt.family = AF_INET6;
	pkt.data = p6;
	pkt.len = (size_t)hex2bin(PKT_TCP6, p6, sizeof(p6));
	nfpt_feed(t, "in", &pkt);
	nfpt_free(t);
	usleep(50000);
	drain_udp(fd, &s);
	close(fd);

	is_int(s.bad, 0, "UDP: every message framed right");
	ok(s.msgs >= 1, "UDP: messages arrived (%u)", s.msgs);
	is_int(s.tmpl_msgs >= 1, 1, "UDP: the templates came first");
	is_int(s.domain, 77, "UDP: observation domain from oid=77");
	is_int(s.seq[0], 0, "UDP: first message, sequence 0");
	is_int(s.nrec, 2, "UDP: two packet records");
	if (s.nrec != 2)
		return;
	is_int(s.tid[0], 259, "IPv4 packet: template 259");
	/* ms of 1000000000.123456 = 0xe8d4a5107b */
	is_bytes(
		s.rec[0], s.len[0],
		"0a090001 0a090002 14e9 0035 11 0000 0000000000000021"
		" 0000000000000001 000000e8d4a5107b 000000e8d4a5107b",
		"IPv4 UDP packet: addresses, ports, 33 octets, 1 packet, time");
	is_int(s.tid[1], 260, "IPv6 packet: template 260");
	is_bytes(s.rec[1], s.len[1],
		 "fd770001000000000000000000000002"
		 " fd770002000000000000000000000002 c350 01bb 06 0000"
		 " 000000000000003c 0000000000000001"
		 " 000000e8d4a5107b 000000e8d4a5107b",
		 "IPv6 TCP packet: 40 + 20 = 60 octets");
}

/*
 * Rows are handed to the worker in messages' worth, not at every flush.
 * IPv4 packet records are 47 octets, IPv6 ones 71: the longest decides,
 * (1400 - 16 - 4) / 71 = 19 records a message, 8 messages = 152 rows; or
 * once the first row waited 50 ms. The harness runs no loop, so the 50 ms
 * timer never fires here: what leaves before the stop left at a flush.
 */
static double ms_since(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (double)(b.tv_sec - a->tv_sec) * 1e3 +
	       (double)(b.tv_nsec - a->tv_nsec) / 1e6;
}

static void wait_udp(int fd, struct seen *s, unsigned int want)
{
	int i;

	for (i = 0; i < 50 && s->all < want; i++) {
		usleep(20000);
		drain_udp(fd, s);
	}
	usleep(20000); /* and nothing more */
	drain_udp(fd, s);
}

static void test_gather(void)
{
	static const struct nfp_plugin *const plugins[] = { &nfp_filter_base,
							    &nfp_output_ipfix,
							    NULL };
	struct seen s1, s2, s3, s4;
	struct timespec a;
	uint8_t p4[64];
	struct nfpt_pkt pkt;
	char conf[1024];
	uint16_t port;
	struct nfpt *t;
	int fd = udp_listener(&port), i, big = 4 << 20;
	double ms;

	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	memset(&s1, 0, sizeof(s1));
	memset(&s2, 0, sizeof(s2));
	memset(&s3, 0, sizeof(s3));
	memset(&s4, 0, sizeof(s4));
	snprintf(conf, sizeof(conf),
		 "[global]\nstack=in:PKTIN,b:BASE,x:IPFIX\n"
		 "[x]\nhost=127.0.0.1\nport=%u\nproto=udp\nrecords=packets\n"
		 "spool_max=0\n",
		 port);
	t = nfpt_new(conf, plugins);
	memset(&pkt, 0, sizeof(pkt));
	pkt.family = AF_INET;
	pkt.data = p4;
	pkt.len = (size_t)hex2bin(PKT_UDP4, p4, sizeof(p4));
	pkt.sec = 1000000000;

	/* 10 records, each followed by a flush as after a loop wakeup. */
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < 10; i++)
		nfpt_feed(t, "in", &pkt);
	ms = ms_since(&a);
	usleep(100000); /* time for a worker that had them to send */
	drain_udp(fd, &s1);
	/* Past 50 ms the rows may rightly leave: nothing to judge then. */
	if (ms < 40)
		is_int(s1.msgs, 0,
		       "10 records in 10 flushes: none sent (%.1f ms)", ms);
	else
		ok(1, "10 records in 10 flushes (took %.1f ms: not judged)",
		   ms);

	/* The first has waited 100 ms: the next flush hands all over. */
	nfpt_feed(t, "in", &pkt);
	wait_udp(fd, &s2, 11);
	is_int(s1.all + s2.all, 11, "rows 50 ms old: the 11 records sent");
	is_int(s1.msgs + s2.msgs, 1, "in one message, templates first (%u)",
	       s2.tmpl_msgs);

	/* 152 at once: handed over on the count, without the stop. */
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < 152; i++)
		nfpt_feed(t, "in", &pkt);
	ms = ms_since(&a);
	wait_udp(fd, &s3, 152);
	is_int(s3.all, 152,
	       "152 records (8 messages' worth) sent before the stop");
	/* 1400 - 16 - 4 = 1380 octets: 29 records of 47 a message. */
	if (ms < 40)
		is_int(s3.msgs, 6, "in 6 messages: 29 * 5 + 7");
	else
		ok(1, "message count (took %.1f ms: not judged)", ms);
	is_int(s1.bad + s2.bad + s3.bad, 0, "every message framed right");

	/* The rest goes at the stop. */
	for (i = 0; i < 5; i++)
		nfpt_feed(t, "in", &pkt);
	nfpt_free(t);
	wait_udp(fd, &s4, 5);
	is_int(s4.all, 5, "the stop sends the 5 records left");
	is_int(s4.msgs, 1, "in one message");
	close(fd);
}

/* ---- flows: a stand-in for NFCT -> IPFIX over TCP ---------------------------
 */

enum {
	K_SADDR,
	K_DADDR,
	K_PROTO,
	K_SPORT,
	K_DPORT,
	K_BYTES,
	K_PKTS,
	K_RSADDR,
	K_RDADDR,
	K_RSPORT,
	K_RDPORT,
	K_RBYTES,
	K_RPKTS,
	K_SSEC,
	K_SUSEC,
	K_ESEC,
	K_EUSEC,
	K_I6TYPE,
	K_I6CODE,
	K_ID,
	K_EVENT,
	K_TCPSTATE,
};

static const struct nfp_key ct_keys[] = {
	[K_SADDR] = { "orig.ip.saddr", NFP_T_ADDR, 0, "" },
	[K_DADDR] = { "orig.ip.daddr", NFP_T_ADDR, 0, "" },
	[K_PROTO] = { "orig.ip.protocol", NFP_T_U8, 0, "" },
	[K_SPORT] = { "orig.l4.sport", NFP_T_U16, 0, "" },
	[K_DPORT] = { "orig.l4.dport", NFP_T_U16, 0, "" },
	[K_BYTES] = { "orig.raw.pktlen", NFP_T_U64, 0, "" },
	[K_PKTS] = { "orig.raw.pktcount", NFP_T_U64, 0, "" },
	[K_RSADDR] = { "reply.ip.saddr", NFP_T_ADDR, 0, "" },
	[K_RDADDR] = { "reply.ip.daddr", NFP_T_ADDR, 0, "" },
	[K_RSPORT] = { "reply.l4.sport", NFP_T_U16, 0, "" },
	[K_RDPORT] = { "reply.l4.dport", NFP_T_U16, 0, "" },
	[K_RBYTES] = { "reply.raw.pktlen", NFP_T_U64, 0, "" },
	[K_RPKTS] = { "reply.raw.pktcount", NFP_T_U64, 0, "" },
	[K_SSEC] = { "flow.start.sec", NFP_T_U32, 0, "" },
	[K_SUSEC] = { "flow.start.usec", NFP_T_U32, 0, "" },
	[K_ESEC] = { "flow.end.sec", NFP_T_U32, 0, "" },
	[K_EUSEC] = { "flow.end.usec", NFP_T_U32, 0, "" },
	[K_I6TYPE] = { "icmpv6.type", NFP_T_U8, 0, "" },
	[K_I6CODE] = { "icmpv6.code", NFP_T_U8, 0, "" },
	[K_ID] = { "ct.id", NFP_T_U32, 0, "" },
	[K_EVENT] = { "ct.event", NFP_T_U32, 0, "" },
	[K_TCPSTATE] = { "ct.tcp.state", NFP_T_STRING, 0, "" },
	{ 0 }
};

static const struct nfp_plugin ctin_plugin = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_INPUT,
	.name = "CTIN",
	.summary = "test stand-in for NFCT",
	.out_keys = ct_keys,
};

static void set_addr(struct nfp_rec *rec, unsigned int k, const char *a)
{
	uint8_t b[16];

	if (strchr(a, ':')) {
		inet_pton(AF_INET6, a, b);
		nfp_set_in6(rec, k, b);
	} else {
		inet_pton(AF_INET, a, b);
		nfp_set_in4(rec, k, *(uint32_t *)b);
	}
}

/* One conntrack record; rdaddr/rdport differ from the original on NAT. */
static void push_flow(struct nfp_inst *in, uint32_t event, const char *s,
		      const char *d, uint8_t proto, uint16_t sp, uint16_t dp,
		      const char *rd, uint16_t rdp, uint32_t id,
		      const char *tcpstate)
{
	struct nfp_rec *rec = nfp_rec_new(in);

	if (!rec)
		bail_out("CTIN feeds no stack");
	set_addr(rec, K_SADDR, s);
	set_addr(rec, K_DADDR, d);
	nfp_set_u8(rec, K_PROTO, proto);
	set_addr(rec, K_RSADDR, d);
	set_addr(rec, K_RDADDR, rd);
	if (sp || dp) {
		nfp_set_u16(rec, K_SPORT, sp);
		nfp_set_u16(rec, K_DPORT, dp);
		nfp_set_u16(rec, K_RSPORT, dp);
		nfp_set_u16(rec, K_RDPORT, rdp);
	} else {
		nfp_set_u8(rec, K_I6TYPE, 128);
		nfp_set_u8(rec, K_I6CODE, 0);
	}
	nfp_set_u64(rec, K_BYTES, proto == 58 ? 160 : 268);
	nfp_set_u64(rec, K_PKTS, proto == 58 ? 2 : 5);
	nfp_set_u64(rec, K_RBYTES, proto == 58 ? 160 : 170);
	nfp_set_u64(rec, K_RPKTS, proto == 58 ? 2 : 3);
	nfp_set_u32(rec, K_SSEC, 1700000000);
	nfp_set_u32(rec, K_SUSEC, 250000);
	nfp_set_u32(rec, K_ESEC, 1700000002);
	nfp_set_u32(rec, K_EUSEC, 750000);
	nfp_set_u32(rec, K_ID, id);
	nfp_set_u32(rec, K_EVENT, event);
	if (tcpstate)
		nfp_set_str(rec, K_TCPSTATE, tcpstate,
			    (uint32_t)strlen(tcpstate));
	nfp_rec_push(in, rec);
}

static void test_flows_tcp(void)
{
	static const struct nfp_plugin *const plugins[] = { &ctin_plugin,
							    &nfp_output_ipfix,
							    NULL };
	struct seen s;
	char conf[1024];
	uint16_t port;
	struct nfpt *t;
	struct nfp_inst *in;
	int lfd = tcp_listener(&port), fd;

	memset(&s, 0, sizeof(s));
	snprintf(conf, sizeof(conf),
		 "[global]\nstack=in:CTIN,x:IPFIX\n"
		 "[x]\nhost=localhost\nport=%u\nproto=tcp\ndomain_id=9\n"
		 "spool_max=0\n",
		 port);
	t = nfpt_new(conf, plugins);
	in = nfpt_inst(t, "in");
	/* NEW: not exported by default. */
	push_flow(in, 1, "10.77.1.2", "10.77.2.2", 6, 40000, 80, "10.77.1.2",
		  40000, 0x11223344, "SYN_SENT");
	push_flow(in, 4, "10.77.1.2", "10.77.2.2", 6, 40000, 80, "10.77.1.2",
		  40000, 0x11223344, "TIME_WAIT");
	push_flow(in, 4, "10.77.1.2", "10.77.2.2", 6, 40000, 80, "10.77.2.1",
		  40000, 0x11223344, "ESTABLISHED");
	push_flow(in, 4, "fd77:1::2", "fd77:2::2", 58, 0, 0, "fd77:1::2", 0, 7,
		  NULL);
	nfpt_free(t);
	fd = accept(lfd, NULL, NULL);
	if (fd < 0) {
		ok(0, "TCP: the plugin connected");
		close(lfd);
		return;
	}
	drain_tcp(fd, &s);
	close(fd);
	close(lfd);

	is_int(s.bad, 0, "TCP: every message framed by its length");
	is_int(s.domain, 9, "TCP: domain_id=9");
	ok(s.tmpl_msgs == 1, "TCP: templates once in the session (%u)",
	   s.tmpl_msgs);
	is_int(s.seq[0], 0, "TCP: sequence starts at 0");
	is_int(s.nrec, 3, "TCP: three DESTROY records, the NEW one skipped");
	if (s.nrec != 3)
		return;
	is_int(s.tid[0], 256, "plain flow: template 256");
	is_bytes(s.rec[0], s.len[0], REC_A, "plain flow as worked out by hand");
	is_int(s.tid[1], 258, "masqueraded flow: template 258");
	is_bytes(s.rec[1], s.len[1], REC_NAT,
		 "masqueraded flow: post-NAT source 10.77.2.1");
	is_int(s.tid[2], 257, "IPv6 flow: template 257");
	is_bytes(s.rec[2], s.len[2], REC_V6,
		 "IPv6 ping flow: icmpTypeCodeIPv6 0x8000, reason idle");
}

/* A collector that is not there: the loop goes on, rows wait. */
static void test_absent(void)
{
	static const struct nfp_plugin *const plugins[] = { &nfp_filter_base,
							    &nfp_output_ipfix,
							    NULL };
	struct timespec a, b;
	uint8_t p4[64];
	struct nfpt_pkt pkt;
	char conf[1024];
	uint16_t port;
	struct nfpt *t;
	int lfd = tcp_listener(&port), i;
	double ms;

	close(lfd); /* nobody listens on port now */
	snprintf(conf, sizeof(conf),
		 "[global]\nstack=in:PKTIN,b:BASE,x:IPFIX\n"
		 "[x]\nhost=127.0.0.1\nport=%u\nrecords=packets\n"
		 "spool_max=0\nstop_timeout=200ms\n",
		 port);
	t = nfpt_new(conf, plugins);
	memset(&pkt, 0, sizeof(pkt));
	pkt.family = AF_INET;
	pkt.data = p4;
	pkt.len = (size_t)hex2bin(PKT_UDP4, p4, sizeof(p4));
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < 1000; i++)
		nfpt_feed(t, "in", &pkt);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = (double)(b.tv_sec - a.tv_sec) * 1e3 +
	     (double)(b.tv_nsec - a.tv_nsec) / 1e6;
	ok(ms < 500, "no collector: 1000 records took %.1f ms, no waiting", ms);
	is_int((int64_t)nfpt_inst(t, "x")->ctr[NFP_SINK_NCTR + 1], 0,
	       "no collector: no record counted as sent");
	nfpt_free(t);
}

/* Records encoded and packed per second, as a figure (not a check). */
static void bench(void)
{
	struct ipfix_exp e = { .mtu = 1400, .tmask = IPFIX_TMPL_FLOWS };
	struct ipfix_out o = { 0 };
	static uint8_t data[1000][IPFIX_REC_MAX];
	static struct ipfix_rec r[1000];
	struct ipfix_flow f = flow_a();
	struct timespec a, b;
	unsigned int i, k;
	uint16_t tid;
	double s;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (k = 0; k < 1000; k++) {
		for (i = 0; i < 1000; i++) {
			f.sport = (uint16_t)i;
			r[i].len = (uint16_t)ipfix_rec_encode(&f, false,
							      data[i], &tid);
			r[i].tid = tid;
			r[i].data = data[i];
		}
		ipfix_out_reset(&o);
		ipfix_pack(&e, &o, r, 1000, 0);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	s = (double)(b.tv_sec - a.tv_sec) +
	    (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	diag("encode+pack: 1000000 IPv4 flow records in %.3f s = %.0f records/s",
	     s, 1e6 / s);
	ipfix_out_free(&o);
}

/* Flows per second through a real stack to a UDP socket, as a figure. */
static void bench_stack(void)
{
	static const struct nfp_plugin *const plugins[] = { &ctin_plugin,
							    &nfp_output_ipfix,
							    NULL };
	struct timespec a, b;
	char conf[1024];
	uint16_t port;
	struct nfpt *t;
	struct nfp_inst *in;
	int fd = udp_listener(&port), i, big = 8 << 20;
	uint64_t sent;
	double s;

	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	snprintf(conf, sizeof(conf),
		 "[global]\nstack=in:CTIN,x:IPFIX\n"
		 "[x]\nhost=127.0.0.1\nport=%u\nproto=udp\nspool_max=0\n",
		 port);
	t = nfpt_new(conf, plugins);
	in = nfpt_inst(t, "in");
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < 200000; i++)
		push_flow(in, 4, "10.77.1.2", "10.77.2.2", 6,
			  (uint16_t)(1024 + i % 60000), 80, "10.77.2.1",
			  (uint16_t)(1024 + i % 60000), (uint32_t)i, NULL);
	nfpt_free(t); /* drains the queue: every record sent */
	clock_gettime(CLOCK_MONOTONIC, &b);
	s = (double)(b.tv_sec - a.tv_sec) +
	    (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	sent = 0;
	{
		static uint8_t buf[65536];
		ssize_t n;

		while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
			sent += ((size_t)n - 16 - 4) / 84;
	}
	close(fd);
	diag("stack CTIN -> IPFIX udp: 200000 NAT flows in %.3f s = %.0f records/s (%llu received)",
	     s, 200000 / s, (unsigned long long)sent);
}

int main(void)
{
	test_templates();
	test_records();
	test_pack();
	test_packets_udp();
	test_gather();
	test_flows_tcp();
	test_absent();
	bench();
	bench_stack();
	return done_testing();
}
