/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_nfhook - NFHOOK's records of ended flows
 *
 * Flows as the eBPF program leaves them (canonical key, counts per
 * direction, monotonic times) go through nfhook_fill() into a real stack
 * ending in CAPTURE: the keys must carry NFCT's names with the original
 * direction that of the first packet whichever endpoint is "lo", the
 * counts of each direction, wall-clock times and the ICMP fields; and one
 * packet of mode=packets, with NFLOG's keys. No root, no BPF.
 */
#include "nfp.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include "harness.h"
#include "nfhook_rec.h"
#include "tap.h"

static const struct nfp_plugin flowin = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_INPUT,
	.name = "FLOWIN",
	.summary = "test input with NFHOOK's keys",
	.out_keys = nfhook_keys,
};

static void push(struct nfpt *t, const struct nfhook_key *k,
		 const struct nfhook_flow *f, int64_t off, uint8_t why)
{
	struct nfp_inst *in = nfpt_inst(t, "in");
	struct nfp_rec *rec = nfp_rec_new(in);

	if (!rec)
		bail_out("FLOWIN feeds nothing");
	nfhook_fill(rec, k, f, off, why);
	nfp_rec_push(in, rec);
}

static void test_tcp4(struct nfpt *t)
{
	struct nfhook_key k = { .family = AF_INET, .proto = IPPROTO_TCP };
	struct nfhook_flow f = { 0 };

	/* 10.77.1.2:40000 -> 10.77.2.2:5001; the client is "lo". */
	inet_pton(AF_INET, "10.77.1.2", k.lo);
	inet_pton(AF_INET, "10.77.2.2", k.hi);
	k.lo_port = 40000;
	k.hi_port = 5001;
	f.orig_is_lo = 1;
	f.pkts[0] = 12;
	f.bytes[0] = 100692;
	f.pkts[1] = 9;
	f.bytes[1] = 472;
	f.first_ns = 5000000000ULL; /* 5 s of monotonic time */
	f.last_ns = 6250000000ULL;
	f.tcp_flags[0] = 0x1b;
	f.tcp_flags[1] = 0x12 | 0x01 | 0x10;
	f.ifindex_in = 2;
	f.ifindex_out = 3;
	/* wall = mono + 1795548700 s */
	push(t, &k, &f, 1795548700LL * 1000000000LL, NFHOOK_END_FIN);
	is_str(nfpt_get(t, "cap", "orig.ip.saddr"), "10.77.1.2",
	       "tcp4 orig.ip.saddr");
	is_str(nfpt_get(t, "cap", "orig.ip.daddr"), "10.77.2.2",
	       "tcp4 orig.ip.daddr");
	is_str(nfpt_get(t, "cap", "reply.ip.saddr"), "10.77.2.2",
	       "tcp4 reply.ip.saddr");
	is_str(nfpt_get(t, "cap", "reply.ip.daddr"), "10.77.1.2",
	       "tcp4 reply.ip.daddr");
	is_str(nfpt_get(t, "cap", "orig.l4.sport"), "40000",
	       "tcp4 orig.l4.sport");
	is_str(nfpt_get(t, "cap", "orig.l4.dport"), "5001",
	       "tcp4 orig.l4.dport");
	is_str(nfpt_get(t, "cap", "reply.l4.sport"), "5001",
	       "tcp4 reply.l4.sport");
	is_str(nfpt_get(t, "cap", "reply.l4.dport"), "40000",
	       "tcp4 reply.l4.dport");
	is_str(nfpt_get(t, "cap", "orig.ip.protocol"), "6", "tcp4 protocol");
	is_str(nfpt_get(t, "cap", "orig.raw.pktcount"), "12",
	       "tcp4 orig packets");
	is_str(nfpt_get(t, "cap", "orig.raw.pktlen"), "100692",
	       "tcp4 orig bytes");
	is_str(nfpt_get(t, "cap", "reply.raw.pktcount"), "9",
	       "tcp4 reply packets");
	is_str(nfpt_get(t, "cap", "reply.raw.pktlen"), "472",
	       "tcp4 reply bytes");
	is_str(nfpt_get(t, "cap", "flow.start.sec"), "1795548705",
	       "tcp4 start sec");
	is_str(nfpt_get(t, "cap", "flow.start.usec"), "0", "tcp4 start usec");
	is_str(nfpt_get(t, "cap", "flow.end.sec"), "1795548706",
	       "tcp4 end sec");
	is_str(nfpt_get(t, "cap", "flow.end.usec"), "250000", "tcp4 end usec");
	is_str(nfpt_get(t, "cap", "oob.family"), "2", "tcp4 oob.family");
	is_str(nfpt_get(t, "cap", "ct.event"), "4", "tcp4 ct.event DESTROY");
	is_str(nfpt_get(t, "cap", "oob.ifindex_in"), "2", "tcp4 ifindex_in");
	is_str(nfpt_get(t, "cap", "oob.ifindex_out"), "3", "tcp4 ifindex_out");
	is_str(nfpt_get(t, "cap", "orig.tcp.flags"), "27", "tcp4 orig flags");
	is_str(nfpt_get(t, "cap", "flow.end.reason"), "fin", "tcp4 end reason");
	ok(nfpt_get(t, "cap", "icmp.type") == NULL, "tcp4: no icmp.type");
}

static void test_udp6_hi_first(struct nfpt *t)
{
	struct nfhook_key k = { .family = AF_INET6, .proto = IPPROTO_UDP };
	struct nfhook_flow f = { 0 };

	/* The server (hi) spoke first: orig is hi -> lo. */
	inet_pton(AF_INET6, "fd77:1::2", k.lo);
	inet_pton(AF_INET6, "fd77:2::2", k.hi);
	k.lo_port = 7777;
	k.hi_port = 53;
	f.orig_is_lo = 0;
	f.pkts[0] = 3;
	f.bytes[0] = 3 * 148;
	f.first_ns = 1000;
	f.last_ns = 2000;
	push(t, &k, &f, 0, NFHOOK_END_IDLE);
	is_str(nfpt_get(t, "cap", "orig.ip.saddr"), "fd77:2::2",
	       "udp6 orig.ip.saddr is hi");
	is_str(nfpt_get(t, "cap", "orig.l4.sport"), "53", "udp6 orig.l4.sport");
	is_str(nfpt_get(t, "cap", "orig.l4.dport"), "7777",
	       "udp6 orig.l4.dport");
	is_str(nfpt_get(t, "cap", "orig.raw.pktlen"), "444", "udp6 orig bytes");
	is_str(nfpt_get(t, "cap", "reply.raw.pktcount"), "0",
	       "udp6 no replies");
	is_str(nfpt_get(t, "cap", "oob.family"), "10", "udp6 oob.family");
	is_str(nfpt_get(t, "cap", "oob.protocol"), "34525", "udp6 ethertype");
	is_str(nfpt_get(t, "cap", "flow.end.reason"), "idle",
	       "udp6 end reason");
	ok(nfpt_get(t, "cap", "orig.tcp.flags") == NULL, "udp6: no tcp flags");
}

static void test_icmp(struct nfpt *t)
{
	struct nfhook_key k = { .family = AF_INET, .proto = IPPROTO_ICMP };
	struct nfhook_flow f = { 0 };

	inet_pton(AF_INET, "10.77.1.2", k.lo);
	inet_pton(AF_INET, "10.77.2.2", k.hi);
	k.lo_port = k.hi_port = 4242;
	f.orig_is_lo = 1;
	f.icmp_type = 8;
	f.pkts[0] = f.pkts[1] = 3;
	f.bytes[0] = f.bytes[1] = 3 * 84;
	push(t, &k, &f, 0, NFHOOK_END_STOP);
	is_str(nfpt_get(t, "cap", "icmp.type"), "8", "icmp echo type");
	is_str(nfpt_get(t, "cap", "icmp.code"), "0", "icmp echo code");
	is_str(nfpt_get(t, "cap", "icmp.id"), "4242", "icmp echo id");
	ok(nfpt_get(t, "cap", "orig.l4.sport") == NULL, "icmp: no ports");
	is_str(nfpt_get(t, "cap", "reply.raw.pktlen"), "252",
	       "icmp reply bytes");
	is_str(nfpt_get(t, "cap", "flow.end.reason"), "stop",
	       "icmp end reason");
	is_str(nfhook_end_name(99), "?", "an unknown end reason");
}

static void test_pkt(struct nfpt *t)
{
	struct nfp_inst *in = nfpt_inst(t, "in");
	struct nfhook_pkt_event ev = { 0 };
	struct nfp_rec *rec;
	static const uint8_t hdr[] = { 0x45, 0x00, 0x00, 0x54 };

	memcpy(ev.data, hdr, sizeof(hdr));
	ev.caplen = sizeof(hdr);
	ev.len = 84;
	ev.ts_ns = 2500000;
	ev.ifindex_in = 2;
	ev.ifindex_out = 3;
	ev.family = AF_INET;
	ev.dir = 1;
	rec = nfp_rec_new(in);
	if (!rec)
		bail_out("FLOWIN feeds nothing");
	nfhook_fill_pkt(rec, &ev, 1000000000LL, 2);
	/* The ring buffer's slot is gone once the callback returns. */
	memset(ev.data, 0xff, sizeof(hdr));
	nfp_rec_push(in, rec);
	is_str(nfpt_get(t, "cap", "raw.pkt"), "45:00:00:54",
	       "pkt: raw.pkt copied out of the event");
	is_str(nfpt_get(t, "cap", "raw.pktlen"), "4", "pkt: raw.pktlen");
	is_str(nfpt_get(t, "cap", "raw.pktcount"), "1", "pkt: raw.pktcount");
	is_str(nfpt_get(t, "cap", "oob.time.sec"), "1", "pkt: oob.time.sec");
	is_str(nfpt_get(t, "cap", "oob.time.usec"), "2500",
	       "pkt: oob.time.usec");
	is_str(nfpt_get(t, "cap", "oob.hook"), "2", "pkt: oob.hook");
	is_str(nfpt_get(t, "cap", "flow.dir"), "1", "pkt: flow.dir");
	is_str(nfpt_get(t, "cap", "oob.protocol"), "2048", "pkt: oob.protocol");
	ok(nfpt_get(t, "cap", "orig.ip.saddr") == NULL, "pkt: no flow keys");
}

int main(void)
{
	static const struct nfp_plugin *const plugins[] = { &flowin, NULL };
	struct nfpt *t =
		nfpt_new("[global]\nstack=in:FLOWIN,cap:CAPTURE\n", plugins);

	test_tcp4(t);
	test_udp6_hi_first(t);
	test_icmp(t);
	test_pkt(t);
	nfpt_free(t);
	return done_testing();
}
