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
 * --replay config rewrite.
 */
#include "nfp.h"

#include <signal.h>
#include <time.h>
#include <unistd.h>

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
		 "[p1]\nfile=%s/%s\n%s\n", PCAP_DATA, file, extra);
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

	is_int(nfpt_count(t, "cap"), 1, "raw: the BPF filter kept the ICMP frame only");
	is_str(KEY(t, "oob.time.sec"), "1700000000", "raw: time from the capture");
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
	is_int(pcapin_family(0x0806), 3, "ARP is NFPROTO_ARP");
	is_int(pcapin_family(0x88cc), 7, "LLDP goes as bridge");
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
	is_str(en->value, "log1:PCAP,b1:BASE,e1:LOGEMU", "rewrite: NFLOG to PCAP");
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
	return done_testing();
}
