/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_pcap - the PCAP input on the hand-made captures
 *
 * Replays each capture of tests/data/pcap (written byte by byte by
 * mkpcaps.py, and read back by tcpdump as the same packets) through
 * PCAP -> BASE -> CAPTURE in the real engine and loop, and checks the keys
 * against values worked out from those bytes: NFLOG's keys, the capture's
 * timestamps, the DLT_NFLOG TLVs, malformed frames counted and skipped,
 * the pacing of speed=N, the end of the file stopping the loop, and the
 * --replay config rewrite. Then every link type and encapsulation of
 * issue 10 (loopback, PPP, Cisco HDLC, bare IPv4/IPv6, PPPoE, FabricPath,
 * QinQ, SNAP, MPLS, 802.11, radiotap, PPI, pcapng): each frame of each capture
 * through pcapin_decode() with the protocol, length, source address and
 * port, hook, ARPHRD type and MAC worked out from mkpcaps.py, and each
 * capture through PCAP -> BASE -> CAPTURE for the counters by reason.
 */
#include "nfp.h"

#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <pcap/pcap.h>

#include "engine.h"
#include "harness.h"
#include "pcap_parse.h"
#include "replay.h"
#include "tap.h"

extern const struct nfp_plugin nfp_input_pcap;
extern const struct nfp_plugin nfp_filter_base;

static const struct nfp_plugin *const plugins[] = { &nfp_input_pcap,
						    &nfp_filter_base, NULL };

/* Build PCAP(file, extra options) -> BASE -> CAPTURE and run to the end. */
static struct nfpt *replay(const char *file, const char *extra)
{
	struct nfpt *t;
	char conf[1024];

	if (nfp_loop_init() < 0)
		bail_out("no event loop");
	snprintf(conf, sizeof(conf),
		 "[global]\nstack=p1:PCAP,b1:BASE,cap:CAPTURE\n"
		 "[p1]\nfile=%s/%s\n%s\n",
		 PCAP_DATA, file, extra);
	t = nfpt_new(conf, plugins);
	/* A loop that never ends is a failure, not a hang. */
	alarm(20);
	if (nfp_loop_run(nfpt_inst(t, "p1")->core->eng) < 0)
		bail_out("loop failed");
	alarm(0);
	return t;
}

#define KEY(t, k) nfpt_get(t, "cap", k)

static void test_key_table(void)
{
	const struct nfp_key *k = nfp_input_pcap.out_keys;
	unsigned int i;
	bool same = true;

	/* nflog_fill() writes by NFLOG's indexes: the tables must agree. */
	for (i = 0; i < NFLOG_K__MAX; i++)
		if (!k[i].name || strcmp(k[i].name, nflog_keys_noct[i].name) ||
		    k[i].type != nflog_keys_noct[i].type ||
		    k[i].flags != nflog_keys_noct[i].flags)
			same = false;
	ok(same, "PCAP's keys are NFLOG's keys, in NFLOG's order");
	is_str(k[NFLOG_K__MAX].name, "oob.group", "then oob.group");
	ok(k[NFLOG_K__MAX + 1].name == NULL, "and nothing else");
}

static void test_raw(void)
{
	struct nfpt *t = replay("raw.pcap", "filter=icmp");

	is_int(nfpt_count(t, "cap"), 1,
	       "raw: the BPF filter kept the ICMP frame only");
	is_str(KEY(t, "oob.time.sec"), "1700000000",
	       "raw: time from the capture");
	is_str(KEY(t, "oob.time.usec"), "1", "raw: microseconds too");
	is_str(KEY(t, "oob.family"), "2", "raw: IPv4 from the version nibble");
	is_str(KEY(t, "oob.protocol"), "2048", "raw: ethertype IPv4");
	is_str(KEY(t, "raw.type"), "65534", "raw: ARPHRD_NONE");
	is_str(KEY(t, "raw.pktlen"), "28", "raw: 28 bytes of packet");
	is_str(KEY(t, "ip.saddr"), "10.0.0.1", "raw: BASE decoded the source");
	is_str(KEY(t, "icmp.echoid"), "4660", "raw: echo id 0x1234");
	ok(KEY(t, "oob.prefix") == NULL, "raw: no prefix");
	ok(KEY(t, "raw.mac") == NULL, "raw: no link header");
	ok(KEY(t, "oob.group") == NULL, "raw: no group");
	nfpt_free(t);

	t = replay("raw.pcap", "");
	is_int(nfpt_count(t, "cap"), 2, "raw: both frames without a filter");
	is_str(KEY(t, "oob.family"), "10", "raw: IPv6 from the version nibble");
	is_str(KEY(t, "ip.daddr"), "2001:db8::2", "raw: IPv6 destination");
	is_str(KEY(t, "udp.dport"), "53", "raw: UDP port 53");
	is_str(KEY(t, "oob.time.usec"), "500000", "raw: second frame's time");
	nfpt_free(t);
}

static void test_eth(void)
{
	struct nfpt *t = replay("eth.pcap", "numeric_label=3");

	is_int(nfpt_count(t, "cap"), 2, "eth: two frames");
	is_str(KEY(t, "oob.protocol"), "2048", "eth: IPv4 inside the VLAN tag");
	is_str(KEY(t, "raw.mac_len"), "18", "eth: header with its tag");
	is_str(KEY(t, "raw.mac.saddr"), "02:00:00:00:00:01", "eth: source MAC");
	is_str(KEY(t, "raw.mac.addrlen"), "6", "eth: 6-byte address");
	is_str(KEY(t, "raw.type"), "1", "eth: ARPHRD_ETHER");
	is_str(KEY(t, "raw.label"), "3", "eth: numeric_label");
	is_str(KEY(t, "tcp.dport"), "22", "eth: TCP to port 22");
	is_str(KEY(t, "tcp.seq"), "1000", "eth: sequence number");
	is_str(KEY(t, "ip.ttl"), "63", "eth: TTL 63");
	is_str(KEY(t, "oob.time.usec"), "260", "eth: time of the second frame");
	nfpt_free(t);
}

static void test_sll(void)
{
	struct nfpt *t = replay("sll.pcap", "");

	is_int(nfpt_count(t, "cap"), 1, "sll: one frame");
	is_str(KEY(t, "oob.hook"), "4", "sll: outgoing frame at postrouting");
	is_str(KEY(t, "oob.family"), "10", "sll: IPv6");
	is_str(KEY(t, "raw.mac.saddr"), "02:00:00:00:00:01", "sll: address");
	is_str(KEY(t, "udp.sport"), "5353", "sll: UDP source port");
	is_str(KEY(t, "oob.ifindex_out"), "0", "sll: no interface index");
	nfpt_free(t);

	t = replay("sll2.pcap", "");
	is_int(nfpt_count(t, "cap"), 1, "sll2: one frame (big-endian file)");
	is_str(KEY(t, "oob.ifindex_in"), "7", "sll2: input interface 7");
	is_str(KEY(t, "oob.hook"), "0", "sll2: incoming frame at prerouting");
	is_str(KEY(t, "oob.time.usec"), "999999", "sll2: time");
	is_str(KEY(t, "icmp.type"), "8", "sll2: echo request");
	nfpt_free(t);
}

static void test_nflog(void)
{
	struct nfpt *t = replay("nflog.pcap", "");
	struct nfp_inst *p1 = nfpt_inst(t, "p1");

	is_int(nfpt_count(t, "cap"), 2, "nflog: the good frames");
	is_int((int64_t)p1->ctr[0], 3, "nflog: 3 frames read");
	is_int((int64_t)p1->ctr[1], 1, "nflog: the bad TLV counted malformed");
	is_str(KEY(t, "oob.prefix"), "fw drop: ", "nflog: prefix");
	is_str(KEY(t, "oob.group"), "5", "nflog: group from the header");
	is_str(KEY(t, "oob.mark"), "42", "nflog: mark");
	is_str(KEY(t, "oob.hook"), "2", "nflog: forward hook");
	is_str(KEY(t, "oob.ifindex_in"), "3", "nflog: indev");
	is_str(KEY(t, "oob.ifindex_out"), "4", "nflog: outdev");
	is_str(KEY(t, "oob.uid"), "1000", "nflog: uid");
	is_str(KEY(t, "oob.gid"), "100", "nflog: gid");
	is_str(KEY(t, "oob.time.sec"), "1700000400", "nflog: kernel's time");
	is_str(KEY(t, "oob.time.usec"), "123", "nflog: not the pcap header's");
	is_str(KEY(t, "raw.mac"), "02:00:00:00:00:02:02:00:00:00:00:01:08:00",
	       "nflog: HWHEADER");
	is_str(KEY(t, "raw.type"), "1", "nflog: HWTYPE");
	is_str(KEY(t, "tcp.sport"), "40000", "nflog: payload decoded");
	ok(KEY(t, "ct.state") == NULL, "nflog: no conntrack keys");
	nfpt_free(t);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_speed(void)
{
	struct nfpt *t;
	double t0 = now_s(), dt;

	/* The frames are 1.5 s apart: at 10x, 0.15 s. */
	t = replay("raw.pcap", "speed=10");
	dt = now_s() - t0;
	is_int(nfpt_count(t, "cap"), 2, "speed=10: both frames");
	ok(dt >= 0.14 && dt < 1.4, "speed=10: took %.3f s, about 0.15", dt);
	nfpt_free(t);

	t0 = now_s();
	t = replay("raw.pcap", "batch=1");
	dt = now_s() - t0;
	is_int(nfpt_count(t, "cap"), 2, "batch=1: one frame per wakeup, both");
	ok(dt < 0.5, "speed=0: no pacing (%.3f s)", dt);
	nfpt_free(t);
}

/* Headers that lie about themselves, for the link types of issue 10. */
static void test_decode_bad(void)
{
	/* PPI: length 200 in a 12-byte frame; PPI inside PPI; version 1. */
	static const uint8_t ppi_long[12] = { 0, 0, 200, 0, 1, 0, 0, 0 };
	static const uint8_t ppi_ppi[12] = { 0, 0, 8, 0, 192, 0, 0, 0 };
	static const uint8_t ppi_v1[12] = { 1, 0, 8, 0, 1, 0, 0, 0 };
	static const uint8_t ppi_7[12] = { 0, 0, 4, 0, 1, 0, 0, 0 };
	/* Radiotap: length 300; length 4; present words that never end. */
	static const uint8_t rt_long[12] = { 0, 0, 0x2c, 1 };
	static const uint8_t rt_4[12] = { 0, 0, 4, 0 };
	static const uint8_t rt_ext[12] = {
		0, 0, 12, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
	};
	/* Loopback family 0; PPP protocol field cut after one even byte. */
	static const uint8_t null0[24] = { 0 };
	static const uint8_t ppp_cut[3] = { 0xff, 0x03, 0x00 };
	/* PPPoE: header cut; FabricPath cut; QinQ tags cut. */
	static const uint8_t pppoe_cut[18] = {
		[12] = 0x88, [13] = 0x64, [14] = 0x11
	};
	static const uint8_t fp_cut[20] = { [12] = 0x89, [13] = 0x03 };
	static const uint8_t qinq_cut[20] = {
		[12] = 0x88, [13] = 0xa8, [16] = 0x81, [17] = 0x00
	};
	/* 802.11: QoS data with HT control, cut in its header. */
	static const uint8_t wlan_cut[30] = { 0x88, 0x80 };
	struct nflog_pkt o;

	is_int(pcapin_decode(PCAPIN_DLT_PPI, ppi_long, 12, &o), PCAPIN_ESHORT,
	       "PPI header longer than its frame");
	is_int(pcapin_decode(PCAPIN_DLT_PPI, ppi_ppi, 12, &o), PCAPIN_EDLT,
	       "PPI inside PPI refused");
	is_int(pcapin_decode(PCAPIN_DLT_PPI, ppi_v1, 12, &o), PCAPIN_EBADHDR,
	       "PPI version 1 refused");
	is_int(pcapin_decode(PCAPIN_DLT_PPI, ppi_7, 12, &o), PCAPIN_EBADHDR,
	       "PPI header of 4 bytes refused");
	is_int(pcapin_decode(PCAPIN_DLT_RADIOTAP, rt_long, 12, &o),
	       PCAPIN_ESHORT, "radiotap header longer than its frame");
	is_int(pcapin_decode(PCAPIN_DLT_RADIOTAP, rt_4, 12, &o), PCAPIN_EBADHDR,
	       "radiotap header of 4 bytes refused");
	is_int(pcapin_decode(PCAPIN_DLT_RADIOTAP, rt_ext, 12, &o),
	       PCAPIN_ESHORT, "radiotap present words to the end: no 802.11");
	is_int(pcapin_decode(PCAPIN_DLT_NULL, null0, 24, &o), PCAPIN_ENOTIP,
	       "loopback family 0 is not IP");
	is_int(pcapin_decode(PCAPIN_DLT_PPP, ppp_cut, 3, &o), PCAPIN_ESHORT,
	       "PPP protocol cut in half");
	is_int(pcapin_decode(PCAPIN_DLT_EN10MB, pppoe_cut, 18, &o),
	       PCAPIN_ESHORT, "PPPoE header cut");
	is_int(pcapin_decode(PCAPIN_DLT_EN10MB, fp_cut, 20, &o), PCAPIN_ESHORT,
	       "FabricPath header cut");
	is_int(pcapin_decode(PCAPIN_DLT_EN10MB, qinq_cut, 20, &o),
	       PCAPIN_ESHORT, "QinQ tags cut");
	is_int(pcapin_decode(PCAPIN_DLT_IEEE802_11, wlan_cut, 29, &o),
	       PCAPIN_ESHORT, "802.11 QoS header with HT control cut");
	is_int(pcapin_decode(PCAPIN_DLT_IPV6, NULL, 0, &o), PCAPIN_ESHORT,
	       "empty IPV6 frame is short");
	is_int(pcapin_decode(PCAPIN_DLT_PPP_WITH_DIR, NULL, 0, &o),
	       PCAPIN_ESHORT, "empty PPP_WITH_DIR frame is short");
}

/*
 * PPI with its "aligned" flag: a 3-byte field padded to 4, then an
 * 802.11-Common field saying the FCS ends the frame; 802.11 data inside.
 */
static void test_ppi_aligned(void)
{
	/*
	 * Version 0, aligned, 40 bytes, DLT 105; field 99 of 3 bytes and its
	 * pad; field 2 of 20 bytes: TSF, then flags 1 (FCS), then zeros.
	 */
	static const uint8_t hdr[40] = {
		[1] = 1,  [2] = 40,    [4] = 105,   [8] = 99,
		[10] = 3, [12] = 0xaa, [13] = 0xbb, [14] = 0xcc,
		[16] = 2, [18] = 20,   [28] = 1,
	};
	/* Data to the DS: BSSID, source, destination; LLC/SNAP, IPv6. */
	static const uint8_t wlan[32] = {
		[0] = 0x08, [1] = 0x01,	 [4] = 2,     [9] = 0xcc,  [10] = 2,
		[15] = 1,   [16] = 2,	 [21] = 2,    [24] = 0xaa, [25] = 0xaa,
		[26] = 3,   [30] = 0x86, [31] = 0xdd,
	};
	uint8_t f[sizeof(hdr) + sizeof(wlan) + 40 + 4] = { 0 };
	struct nflog_pkt o;

	memcpy(f, hdr, sizeof(hdr));
	memcpy(f + sizeof(hdr), wlan, sizeof(wlan));
	f[sizeof(hdr) + sizeof(wlan)] = 0x60; /* an empty IPv6 header */
	is_int(pcapin_decode(PCAPIN_DLT_PPI, f, sizeof(f), &o), 0,
	       "PPI aligned fields: decoded");
	is_int(o.payload_len, 40, "PPI aligned fields: the FCS flag found");
	is_int(o.hw_protocol, 0x86dd, "PPI aligned fields: IPv6 inside");
	f[1] = 0; /* unaligned: the 3-byte field ends in the wrong place */
	is_int(pcapin_decode(PCAPIN_DLT_PPI, f, sizeof(f), &o), 0,
	       "PPI unaligned: still decoded");
	is_int(o.payload_len, 44, "PPI unaligned: no FCS flag seen");
}

static void test_decode(void)
{
	static const uint8_t eth_short[10] = { 0 };
	static const uint8_t vlan_cut[16] = { [12] = 0x81, [13] = 0x00 };
	static const uint8_t badver[8] = { 2, 1, 0, 5 };
	/* TLV of 4 bytes: MARK without a value. */
	static const uint8_t short_mark[8] = { 2, 0, 0, 5, 4, 0, 2, 0 };
	struct nflog_pkt o;

	is_int(pcapin_decode(PCAPIN_DLT_EN10MB, eth_short, 10, &o),
	       PCAPIN_ESHORT, "10-byte Ethernet frame is short");
	is_int(pcapin_decode(PCAPIN_DLT_EN10MB, vlan_cut, 16, &o),
	       PCAPIN_ESHORT, "frame ending in its VLAN tag is short");
	is_int(pcapin_decode(PCAPIN_DLT_NFLOG, badver, 8, &o), PCAPIN_EBADVER,
	       "NFLOG header version 1 refused");
	is_int(pcapin_decode(PCAPIN_DLT_NFLOG, short_mark, 8, &o),
	       PCAPIN_EBADTLV, "MARK TLV without its 4 bytes refused");
	is_int(pcapin_decode(147, eth_short, 10, &o), PCAPIN_EDLT,
	       "DLT_USER0 is not read");
	is_int(pcapin_decode(PCAPIN_DLT_RAW, NULL, 0, &o), PCAPIN_ESHORT,
	       "empty raw frame is short");
	test_decode_bad();
	test_ppi_aligned();
	is_int(pcapin_family(0x0806), 3, "ARP is NFPROTO_ARP");
	is_int(pcapin_family(0x88cc), 7, "LLDP goes as bridge");
}

/* ---- every link type, frame by frame ------------------------------------ */

/* What pcapin_decode() must make of one frame. */
struct want {
	int ret;	 /* its return */
	uint16_t proto;	 /* hw_protocol: ethertype, or what is not IP */
	uint32_t len;	 /* payload_len */
	const char *src; /* source address in the payload, or NULL */
	int sport;	 /* its TCP/UDP source port, -1 for none */
	uint8_t hook;	 /* 0 prerouting, 4 sent by the capturing host */
	uint16_t hwtype; /* ARPHRD_* */
	const char *mac; /* raw.mac.saddr, or NULL for none */
};

/* One capture of tests/data/pcap: its frames, then the stack's view. */
struct capwant {
	const char *file;  /* in tests/data/pcap */
	int dlt;	   /* what libpcap says it is */
	unsigned int n;	   /* frames */
	struct want w[5];  /* one per frame */
	uint64_t ctr[4];   /* ip, not_ip, malformed, unsupported */
	const char *kv[4]; /* last record: key, value, key, value */
};

#define M1 "02:00:00:00:00:01"
#define M3 "02:00:00:00:00:03"
/* Through a second macro, so that ICMP4 & co expand to three arguments. */
#define OK_(type, len, src, sp, hook, hw, mac)                                 \
	{                                                                      \
		0, type, len, src, sp, hook, hw, mac                           \
	}
#define OK4(...) OK_(0x0800, __VA_ARGS__)
#define OK6(...) OK_(0x86dd, __VA_ARGS__)
#define SKIP(ret, proto)                                                       \
	{                                                                      \
		ret, proto, 0, NULL, -1, 0, 0, NULL                            \
	}

/* The packets of mkpcaps.py: length, source, source port. */
#define ICMP4 28, "10.0.0.1", -1
#define TCP4  40, "192.168.1.10", 40000
#define UDP4  32, "172.16.0.1", 1234
#define UDP6  48, "2001:db8::1", 5353
#define TCP6  60, "2001:db8:1::1", 443

static const struct capwant caps[] = {
	{ "null.pcap",
	  0,
	  5,
	  { OK4(UDP4, 0, 772, NULL), OK6(UDP6, 0, 772, NULL),
	    OK6(TCP6, 0, 772, NULL), SKIP(PCAPIN_ENOTIP, 16),
	    SKIP(PCAPIN_ESHORT, 0) },
	  { 3, 1, 1, 0 },
	  { "ip.saddr", "2001:db8:1::1", "tcp.sport", "443" } },
	{ "loop.pcap",
	  108,
	  2,
	  { OK4(TCP4, 0, 772, NULL), OK6(UDP6, 0, 772, NULL) },
	  { 2, 0, 0, 0 },
	  { "ip.saddr", "2001:db8::1", "udp.dport", "53" } },
	{ "ppp.pcap",
	  9,
	  4,
	  { OK4(ICMP4, 0, 512, NULL), OK6(UDP6, 0, 512, NULL),
	    SKIP(PCAPIN_ENOTIP, 0xc021), OK4(UDP4, 0, 512, NULL) },
	  { 3, 1, 0, 0 },
	  { "ip.saddr", "172.16.0.1", "udp.sport", "1234" } },
	{ "ppp_serial.pcap",
	  50,
	  2,
	  { OK4(TCP4, 0, 512, NULL), OK4(UDP4, 0, 513, NULL) },
	  { 2, 0, 0, 0 },
	  { "ip.daddr", "172.16.0.2", "raw.type", "513" } },
	{ "chdlc.pcap",
	  104,
	  3,
	  { OK4(UDP4, 0, 513, NULL),
	    OK6(UDP6, 0, 513, NULL),
	    { 0, 0x8035, 18, NULL, -1, 0, 513, NULL } },
	  { 2, 1, 0, 0 },
	  { "oob.protocol", "32821", "oob.family", "7" } },
	{ "ppp_dir.pcap",
	  204,
	  1,
	  { OK4(UDP4, 4, 512, NULL) },
	  { 1, 0, 0, 0 },
	  { "oob.hook", "4", "udp.sport", "1234" } },
	{ "ppp_pppd.pcap",
	  166,
	  1,
	  { OK6(UDP6, 0, 512, NULL) },
	  { 1, 0, 0, 0 },
	  { "oob.hook", "0", "ip.daddr", "2001:db8::2" } },
	{ "chdlc_dir.pcap",
	  205,
	  1,
	  { OK4(TCP4, 4, 513, NULL) },
	  { 1, 0, 0, 0 },
	  { "oob.hook", "4", "tcp.dport", "22" } },
	{ "ipv4.pcap",
	  228,
	  1,
	  { OK4(UDP4, 0, 65534, NULL) },
	  { 1, 0, 0, 0 },
	  { "ip.saddr", "172.16.0.1", "raw.pktlen", "32" } },
	{ "ipv6.pcap",
	  229,
	  1,
	  { OK6(TCP6, 0, 65534, NULL) },
	  { 1, 0, 0, 0 },
	  { "ip.daddr", "2001:db8:2::2", "tcp.dport", "50000" } },
	{ "raw12.pcap",
	  12,
	  1,
	  { OK6(UDP6, 0, 65534, NULL) },
	  { 1, 0, 0, 0 },
	  { "oob.family", "10", "udp.sport", "5353" } },
	{ "raw14.pcap",
	  14,
	  1,
	  { OK4(TCP4, 0, 65534, NULL) },
	  { 1, 0, 0, 0 },
	  { "ip.saddr", "192.168.1.10", "tcp.sport", "40000" } },
	{ "pppoe.pcap",
	  1,
	  5,
	  { OK4(ICMP4, 0, 1, M1),
	    OK6(UDP6, 0, 1, M1),
	    SKIP(PCAPIN_ENOTIP, 0xc021),
	    { 0, 0x8863, 6, NULL, -1, 0, 1, M1 },
	    SKIP(PCAPIN_EBADHDR, 0) },
	  { 2, 2, 1, 0 },
	  { "oob.protocol", "34915", "raw.mac_len", "14" } },
	{ "ppp_ether.pcap",
	  51,
	  1,
	  { OK4(TCP4, 0, 512, NULL) },
	  { 1, 0, 0, 0 },
	  { "ip.saddr", "192.168.1.10", "tcp.seq", "1000" } },
	{ "fabricpath.pcap",
	  1,
	  3,
	  { OK4(UDP4, 0, 1, M3), OK6(TCP6, 0, 1, M3), SKIP(PCAPIN_ESHORT, 0) },
	  { 2, 0, 1, 0 },
	  { "raw.mac_len", "34", "ip.saddr", "2001:db8:1::1" } },
	{ "qinq.pcap",
	  1,
	  3,
	  { OK4(UDP4, 0, 1, M1), OK6(UDP6, 0, 1, M1), OK4(ICMP4, 0, 1, M1) },
	  { 3, 0, 0, 0 },
	  { "raw.mac_len", "22", "icmp.echoid", "4660" } },
	{ "wlan.pcap",
	  105,
	  3,
	  { OK4(ICMP4, 0, 801, M1), SKIP(PCAPIN_ENOTIP, 0),
	    SKIP(PCAPIN_ENOTIP, 0) },
	  { 1, 2, 0, 0 },
	  { "raw.mac.saddr", M1, "ip.daddr", "10.0.0.2" } },
	{ "radiotap.pcap",
	  127,
	  2,
	  { OK6(UDP6, 0, 803, M1), OK4(UDP4, 0, 803, M1) },
	  { 2, 0, 0, 0 },
	  { "raw.pktlen", "32", "ip.saddr", "172.16.0.1" } },
	{ "ppi.pcap",
	  192,
	  3,
	  { OK4(TCP4, 0, 801, M1), OK6(TCP6, 0, 1, M1),
	    SKIP(PCAPIN_EDLT, 147) },
	  { 2, 0, 0, 1 },
	  { "raw.type", "1", "tcp.sport", "443" } },
	{ "mpls.pcap",
	  1,
	  4,
	  { OK4(UDP4, 0, 1, M1),
	    OK6(TCP6, 0, 1, M1),
	    { 0, 0x8847, 50, NULL, -1, 0, 1, M1 },
	    SKIP(PCAPIN_ESHORT, 0) },
	  { 2, 1, 1, 0 },
	  { "oob.protocol", "34887", "raw.mac_len", "14" } },
	{ "loop-ns.pcap",
	  108,
	  1,
	  { OK4(UDP4, 0, 772, NULL) },
	  { 1, 0, 0, 0 },
	  { "oob.time.sec", "1700001014", "oob.time.usec", "123456" } },
	{ "eth.pcapng",
	  1,
	  2,
	  { OK4(UDP4, 0, 1, M1), OK6(TCP6, 0, 1, M1) },
	  { 2, 0, 0, 0 },
	  { "oob.time.sec", "1700001020", "oob.time.usec", "987654" } },
	{ "null-be.pcapng",
	  0,
	  1,
	  { OK4(TCP4, 0, 772, NULL) },
	  { 1, 0, 0, 0 },
	  { "oob.time.usec", "42", "ip.saddr", "192.168.1.10" } },
};

/* The payload's source address, and its TCP/UDP source port or -1. */
static void payload_src(const struct nflog_pkt *o, char *buf, size_t n,
			int *sport)
{
	const uint8_t *p = o->payload;
	uint32_t l4;
	uint8_t proto;

	*sport = -1;
	buf[0] = '\0';
	if (o->hw_protocol == 0x0800 && o->payload_len >= 20) {
		inet_ntop(AF_INET, p + 12, buf, (socklen_t)n);
		l4 = (p[0] & 0xfu) * 4;
		proto = p[9];
	} else if (o->hw_protocol == 0x86dd && o->payload_len >= 40) {
		inet_ntop(AF_INET6, p + 8, buf, (socklen_t)n);
		l4 = 40;
		proto = p[6];
	} else {
		return;
	}
	if ((proto == 6 || proto == 17) && o->payload_len >= l4 + 2)
		*sport = p[l4] << 8 | p[l4 + 1];
}

static void mac_str(const struct nflog_pkt *o, char *buf, size_t n)
{
	unsigned int i;
	size_t k = 0;

	buf[0] = '\0';
	for (i = 0; i < o->hwaddr_len && k + 4 < n; i++)
		k += (size_t)snprintf(buf + k, n - k, "%s%02x", i ? ":" : "",
				      o->hwaddr[i]);
}

static void check_frame(const char *file, unsigned int i, const struct want *w,
			int r, const struct nflog_pkt *o)
{
	char src[64], mac[32];
	int sport;

	if (w->ret) {
		is_int(r, w->ret, "%s #%u: refused (%s)", file, i + 1,
		       r < 0 ? o->why : "decoded");
		if (w->proto || w->ret == PCAPIN_ENOTIP)
			is_int(o->hw_protocol, w->proto,
			       "%s #%u: says which protocol (0x%04x)", file,
			       i + 1, w->proto);
		return;
	}
	payload_src(o, src, sizeof(src), &sport);
	mac_str(o, mac, sizeof(mac));
	ok(r == 0 && o->hw_protocol == w->proto &&
		   o->family == pcapin_family(w->proto) &&
		   o->payload_len == w->len && o->hook == w->hook &&
		   o->hwtype == w->hwtype,
	   "%s #%u: ethertype 0x%04x (0x%04x), %u bytes (%u), hook %u, ARPHRD %u (%u)",
	   file, i + 1, o->hw_protocol, w->proto, o->payload_len, w->len,
	   o->hook, o->hwtype, w->hwtype);
	if (w->src)
		ok(!strcmp(src, w->src) && sport == w->sport,
		   "%s #%u: from %s port %d", file, i + 1, src, sport);
	if (w->mac)
		is_str(mac, w->mac, "%s #%u: source MAC", file, i + 1);
	else
		ok(!(o->has & NFLOG_HAS_HWADDR), "%s #%u: no MAC", file, i + 1);
}

static void test_linktypes_decode(void)
{
	char err[PCAP_ERRBUF_SIZE], path[512];
	const struct capwant *c;
	struct pcap_pkthdr *h;
	struct nflog_pkt o;
	const u_char *data;
	unsigned int n;
	pcap_t *pc;
	int r;

	for (c = caps; c < caps + ARRAY_SIZE(caps); c++) {
		snprintf(path, sizeof(path), "%s/%s", PCAP_DATA, c->file);
		pc = pcap_open_offline(path, err);
		if (!pc) {
			ok(0, "%s: %s", c->file, err);
			continue;
		}
		ok(pcap_datalink(pc) == c->dlt && pcapin_dlt_supported(c->dlt),
		   "%s: link type %d (%s) is read", c->file, pcap_datalink(pc),
		   pcap_datalink_val_to_name(pcap_datalink(pc)));
		for (n = 0; pcap_next_ex(pc, &h, &data) == 1; n++) {
			if (n >= c->n)
				continue;
			r = pcapin_decode(pcap_datalink(pc), data, h->caplen,
					  &o);
			check_frame(c->file, n, &c->w[n], r, &o);
		}
		is_int(n, c->n, "%s: %u frames", c->file, c->n);
		pcap_close(pc);
	}
	is_int(pcapin_dlt_supported(147), 0, "USER0 is not read");
}

static void test_linktypes_stack(void)
{
	static const char *const names[] = { "ip", "not_ip", "malformed",
					     "unsupported" };
	const struct capwant *c;
	struct nfpt *t;
	unsigned int i, recs;
	uint64_t sum;

	for (c = caps; c < caps + ARRAY_SIZE(caps); c++) {
		t = replay(c->file, "");
		sum = 0;
		for (i = 0; i < 4; i++) {
			is_int((int64_t)nfpt_counter(t, "p1", names[i]),
			       (int64_t)c->ctr[i], "%s: %s %llu", c->file,
			       names[i], (unsigned long long)c->ctr[i]);
			sum += c->ctr[i];
		}
		is_int((int64_t)nfpt_counter(t, "p1", "packets"), (int64_t)sum,
		       "%s: every frame counted once", c->file);
		/* Records: the frames pcapin_decode() took. */
		for (i = recs = 0; i < c->n; i++)
			recs += c->w[i].ret == 0;
		is_int(nfpt_count(t, "cap"), recs, "%s: %u records", c->file,
		       recs);
		for (i = 0; i < 4 && c->kv[i]; i += 2)
			is_str(KEY(t, c->kv[i]), c->kv[i + 1],
			       "%s: last record %s", c->file, c->kv[i]);
		nfpt_free(t);
	}
}

static void test_rewrite(void)
{
	static const char conf[] =
		"[global]\n"
		"stack=log1:NFLOG,b1:BASE,e1:LOGEMU\n"
		"stack=ct1:NFCT,e2:OPRINT\n"
		"stack=log2:ulog,b2:BASE,e3:LOGEMU\n"
		"[log1]\ngroup=2\nnumeric_label=1\nnetlink_qthreshold=1\n";
	struct nfp_conf *c = NULL;
	struct nfp_conf_section *g, *s;
	struct nfp_conf_entry *en;
	struct nfp_diags d;
	int n;

	nfp_diags_init(&d);
	nfp_conf_parse("t.conf", conf, &c, &d);
	if (!c)
		bail_out("config did not parse");
	n = nfp_replay_rewrite(c, "/x.pcap", &d);
	is_int(n, 2, "rewrite: two NFLOG instances");
	g = nfp_conf_section(c, "global");
	en = g->entries;
	is_str(en->value, "log1:PCAP,b1:BASE,e1:LOGEMU",
	       "rewrite: NFLOG to PCAP");
	/* NFCT is not loadable here (no plugin dir): its stack stays. */
	en = en->next;
	is_str(en->next->value, "log2:PCAP,b2:BASE,e3:LOGEMU",
	       "rewrite: ULOG too");
	s = nfp_conf_section(c, "log1");
	is_str(s->entries->key, "file", "rewrite: file= first");
	is_str(s->entries->value, "/x.pcap", "rewrite: the capture");
	is_str(s->entries->next->key, "numeric_label", "rewrite: label kept");
	ok(s->entries->next->next == NULL, "rewrite: NFLOG's options gone");
	s = nfp_conf_section(c, "log2");
	ok(s && !strcmp(s->entries->value, "/x.pcap"),
	   "rewrite: a section made for log2");
	is_int(d.errors, 0, "rewrite: no errors");
	nfp_conf_free(c);
	nfp_diags_free(&d);

	nfp_diags_init(&d);
	nfp_conf_parse("t.conf", "[global]\nstack=ct1:NFCT,e2:OPRINT\n", &c,
		       &d);
	is_int(nfp_replay_rewrite(c, "/x.pcap", &d), 0,
	       "rewrite: nothing to replace");
	is_int(d.errors, 1, "rewrite: that is an error");
	nfp_conf_free(c);
	nfp_diags_free(&d);
}

int main(void)
{
	setenv("NFPIPE_PLUGIN_DIR", "/nonexistent", 1);
	test_key_table();
	test_decode();
	test_raw();
	test_eth();
	test_sll();
	test_nflog();
	test_speed();
	test_rewrite();
	test_linktypes_decode();
	test_linktypes_stack();
	return done_testing();
}
