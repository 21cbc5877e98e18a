/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_ifindex - the interface cache, its parser, and IFINDEX
 *
 * 1. ifc_parse()/ifc_feed() on rtnetlink messages built byte by byte
 *    (netlink headers are in host byte order): new links, deletions,
 *    renames, reused indexes, the bridge's AF_BRIDGE messages that must be
 *    ignored, dumps and their sweep, and malformed messages.
 * 2. IFINDEX on a real stack: the start-up dump (lo), index 0, an index
 *    nobody knows, and hand-built notifications fed to the instance.
 * 3. With root, in a network namespace of its own: real renames, new
 *    links, deletions and a reused index arrive as notifications; a link
 *    whose notification was not read yet is found through the kernel.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "harness.h"
#include "ifcache.h"
#include "ifindex.h"
#include "tap.h"

extern const struct nfp_plugin nfp_filter_ifindex;

static const struct nfp_plugin *const plugins[] = { &nfp_filter_ifindex,
						    NULL };

/* ---- building messages --------------------------------------------------- */

struct msgbuf {
	uint8_t b[4096];	/* the datagram */
	size_t len;		/* bytes in it */
	size_t start;		/* where the current message begins */
};

static void put(struct msgbuf *m, const void *p, size_t n)
{
	memcpy(m->b + m->len, p, n);
	m->len += n;
}

static void put16(struct msgbuf *m, uint16_t v)
{
	put(m, &v, 2);
}

static void put32(struct msgbuf *m, uint32_t v)
{
	put(m, &v, 4);
}

static void pad4(struct msgbuf *m)
{
	while (m->len & 3)
		m->b[m->len++] = 0;
}

/* struct nlmsghdr: length (patched by end_msg), type, flags, seq, pid. */
static void begin_msg(struct msgbuf *m, uint16_t type, uint16_t flags,
		      uint32_t seq)
{
	m->start = m->len;
	put32(m, 0);
	put16(m, type);
	put16(m, flags);
	put32(m, seq);
	put32(m, 0);
}

static void end_msg(struct msgbuf *m)
{
	uint32_t len = (uint32_t)(m->len - m->start);

	memcpy(m->b + m->start, &len, 4);
	pad4(m);
}

/* struct ifinfomsg: family, pad, type, index, flags, change. */
static void put_ifinfo(struct msgbuf *m, uint8_t family, int32_t index)
{
	uint8_t fam_pad[2] = { family, 0 };

	put(m, fam_pad, 2);
	put16(m, 1);			/* ARPHRD_ETHER */
	put32(m, (uint32_t)index);
	put32(m, 0x1043);		/* IFF_UP|IFF_BROADCAST|... */
	put32(m, 0);
}

/* struct rtattr: length, type; then the payload, padded to 4. */
static void put_attr(struct msgbuf *m, uint16_t type, const void *p,
		     size_t n)
{
	put16(m, (uint16_t)(4 + n));
	put16(m, type);
	put(m, p, n);
	pad4(m);
}

static void link_msg(struct msgbuf *m, uint16_t type, uint8_t family,
		     int32_t index, const char *name, uint32_t seq)
{
	uint32_t mtu = 1500;

	begin_msg(m, type, seq ? NLM_F_MULTI : 0, seq);
	put_ifinfo(m, family, index);
	put_attr(m, IFLA_MTU, &mtu, 4);	/* something to skip first */
	if (name)
		put_attr(m, IFLA_IFNAME, name, strlen(name) + 1);
	end_msg(m);
}

static void done_msg(struct msgbuf *m, uint32_t seq, uint16_t flags)
{
	int32_t zero = 0;

	begin_msg(m, NLMSG_DONE, NLM_F_MULTI | flags, seq);
	put(m, &zero, 4);
	end_msg(m);
}

static void error_msg(struct msgbuf *m, int32_t err, uint32_t seq)
{
	begin_msg(m, NLMSG_ERROR, 0, seq);
	put(m, &err, 4);
	/* the request's header, as the kernel echoes it */
	put32(m, 32);
	put16(m, RTM_GETLINK);
	put16(m, NLM_F_REQUEST | NLM_F_DUMP);
	put32(m, seq);
	put32(m, 0);
	end_msg(m);
}

#define M_INIT { .len = 0 }

/* ---- 1. parser and cache ------------------------------------------------- */

static void test_parse(void)
{
	struct msgbuf m = M_INIT;
	struct ifc_msg im;
	char name[IFNAMSIZ + 1];
	uint16_t len16;

	link_msg(&m, RTM_NEWLINK, AF_UNSPEC, 2, "eth0", 0);
	is_int(ifc_parse(m.b, m.len, &im), 52,
	       "NEWLINK: 16 + 16 + 8 (MTU) + 4+5 padded to 12 bytes");
	is_int(im.kind, IFC_NEW, "NEWLINK: a new link");
	is_int(im.index, 2, "NEWLINK: index 2");
	is_str(im.name, "eth0", "NEWLINK: name eth0");
	is_int(im.seq, 0, "NEWLINK: a notification has seq 0");

	m.len = 0;
	link_msg(&m, RTM_DELLINK, AF_UNSPEC, 2, "eth0", 0);
	ifc_parse(m.b, m.len, &im);
	is_int(im.kind, IFC_DEL, "DELLINK: gone");
	is_int(im.index, 2, "DELLINK: index 2");

	m.len = 0;
	link_msg(&m, RTM_DELLINK, 7 /* AF_BRIDGE */, 2, "eth0", 0);
	ifc_parse(m.b, m.len, &im);
	is_int(im.kind, IFC_OTHER, "AF_BRIDGE DELLINK: a port left a bridge");

	m.len = 0;
	link_msg(&m, RTM_NEWLINK, AF_UNSPEC, 9, NULL, 0);
	is_int(ifc_parse(m.b, m.len, &im), 40, "NEWLINK without a name");
	is_int(im.kind, IFC_OTHER, "NEWLINK without a name: nothing learnt");

	m.len = 0;
	link_msg(&m, RTM_NEWADDR, AF_UNSPEC, 2, "eth0", 0);
	ifc_parse(m.b, m.len, &im);
	is_int(im.kind, IFC_OTHER, "RTM_NEWADDR: not for us");

	m.len = 0;
	done_msg(&m, 77, 0);
	is_int(ifc_parse(m.b, m.len, &im), 20, "DONE: 20 bytes");
	is_int(im.kind, IFC_DONE, "DONE");
	is_int(im.seq, 77, "DONE: seq 77");

	m.len = 0;
	error_msg(&m, -EBUSY, 78);
	ifc_parse(m.b, m.len, &im);
	is_int(im.kind, IFC_ERROR, "ERROR -EBUSY");
	is_int(im.error, -EBUSY, "ERROR: the errno");
	m.len = 0;
	error_msg(&m, 0, 79);
	ifc_parse(m.b, m.len, &im);
	is_int(im.kind, IFC_OTHER, "ERROR 0 is an ack: nothing");

	/* Malformed: a name without its NUL. */
	m.len = 0;
	begin_msg(&m, RTM_NEWLINK, 0, 0);
	put_ifinfo(&m, AF_UNSPEC, 3);
	put_attr(&m, IFLA_IFNAME, "wlan0", 5);
	end_msg(&m);
	/* pad4 added 3 zero bytes after the attribute, but its length says
	 * 9: the NUL is not inside it. */
	is_int(ifc_parse(m.b, m.len, &im), -EINVAL, "name without NUL");

	/* Malformed: a name of 16 characters (IFNAMSIZ includes the NUL). */
	memset(name, 'x', IFNAMSIZ);
	name[IFNAMSIZ] = '\0';
	m.len = 0;
	link_msg(&m, RTM_NEWLINK, AF_UNSPEC, 3, name, 0);
	is_int(ifc_parse(m.b, m.len, &im), -EINVAL, "name of 16 characters");

	/* Malformed: an attribute longer than the message. */
	m.len = 0;
	link_msg(&m, RTM_NEWLINK, AF_UNSPEC, 3, "eth1", 0);
	len16 = 200;
	memcpy(m.b + 32, &len16, 2);	/* the IFLA_MTU attribute */
	is_int(ifc_parse(m.b, m.len, &im), -EINVAL, "attribute past the end");

	/* Malformed framing. */
	m.len = 0;
	link_msg(&m, RTM_NEWLINK, AF_UNSPEC, 3, "eth1", 0);
	is_int(ifc_parse(m.b, 15, &im), -EINVAL, "15 bytes: no header");
	is_int(ifc_parse(m.b, m.len - 4, &im), -EINVAL,
	       "nlmsg_len longer than the datagram");
	m.b[0] = 12;
	m.b[1] = m.b[2] = m.b[3] = 0;
	is_int(ifc_parse(m.b, m.len, &im), -EINVAL, "nlmsg_len below 16");
	m.b[0] = 20;	/* header plus 4 bytes: no room for ifinfomsg */
	is_int(ifc_parse(m.b, m.len, &im), -EINVAL, "NEWLINK too short");
}

static void test_cache(void)
{
	struct ifc_stats st = IFC_STATS_INIT;
	struct msgbuf m = M_INIT;
	struct ifc c;
	uint32_t gen;

	ifc_init(&c);

	/* A dump datagram: three links, one deleted at once, then DONE. */
	gen = ifc_begin_dump(&c);
	link_msg(&m, RTM_NEWLINK, AF_UNSPEC, 2, "eth0", 5);
	link_msg(&m, RTM_NEWLINK, AF_UNSPEC, 3, "wlan0", 5);
	link_msg(&m, RTM_DELLINK, AF_UNSPEC, 2, "eth0", 0);
	link_msg(&m, RTM_NEWLINK, AF_UNSPEC, 4, "br-lan", 5);
	link_msg(&m, RTM_NEWLINK, 7, 3, "wlan0", 0);	/* bridge port info */
	done_msg(&m, 5, 0);
	is_int(ifc_feed(&c, m.b, m.len, &st), 0, "feed a dump");
	is_int(st.applied, 4, "four NEW/DEL applied");
	is_int(st.done_seq, 5, "DONE of seq 5 seen");
	is_int(st.bad, 0, "nothing malformed");
	ifc_sweep(&c, gen);
	is_str(ifc_lookup(&c, 2), NULL, "index 2 deleted");
	is_str(ifc_lookup(&c, 3), "wlan0", "index 3 is wlan0");
	is_str(ifc_lookup(&c, 4), "br-lan", "index 4 is br-lan");
	is_int(c.count, 2, "two entries");

	/* A rename keeps the index. */
	m.len = 0;
	st = (struct ifc_stats)IFC_STATS_INIT;
	link_msg(&m, RTM_NEWLINK, AF_UNSPEC, 3, "wan", 0);
	ifc_feed(&c, m.b, m.len, &st);
	is_str(ifc_lookup(&c, 3), "wan", "renamed wlan0 -> wan");
	is_int(c.count, 2, "rename: still two entries");

	/* Index reuse: 4 goes, a new link gets 4. */
	m.len = 0;
	link_msg(&m, RTM_DELLINK, AF_UNSPEC, 4, "br-lan", 0);
	link_msg(&m, RTM_NEWLINK, AF_UNSPEC, 4, "vlan7", 0);
	ifc_feed(&c, m.b, m.len, &st);
	is_str(ifc_lookup(&c, 4), "vlan7", "index 4 reused by vlan7");

	/* Indexes in one bucket (IFC_BUCKETS apart) stay apart. */
	ifc_set(&c, 4 + IFC_BUCKETS, "far");
	ifc_set(&c, 4 + 2 * IFC_BUCKETS, "farther");
	ifc_del(&c, 4 + IFC_BUCKETS);
	is_str(ifc_lookup(&c, 4), "vlan7", "same bucket: 4 kept");
	is_str(ifc_lookup(&c, 4 + 2 * IFC_BUCKETS), "farther",
	       "same bucket: the third kept");
	is_str(ifc_lookup(&c, 4 + IFC_BUCKETS), NULL, "same bucket: deleted");

	/* A later dump that no longer lists 4 (a lost DELLINK): swept. */
	gen = ifc_begin_dump(&c);
	m.len = 0;
	link_msg(&m, RTM_NEWLINK, AF_UNSPEC, 3, "wan", 9);
	link_msg(&m, RTM_NEWLINK, AF_UNSPEC, 4 + 2 * IFC_BUCKETS, "farther",
		 9);
	done_msg(&m, 9, NLM_F_DUMP_INTR);
	st = (struct ifc_stats)IFC_STATS_INIT;
	ifc_feed(&c, m.b, m.len, &st);
	is_int(st.intr, 1, "NLM_F_DUMP_INTR reported");
	ifc_sweep(&c, gen);
	is_str(ifc_lookup(&c, 4), NULL, "sweep: unlisted index 4 gone");
	is_str(ifc_lookup(&c, 3), "wan", "sweep: listed index 3 kept");

	/* A malformed message ends the datagram. */
	m.len = 0;
	link_msg(&m, RTM_NEWLINK, AF_UNSPEC, 5, "a", 0);
	begin_msg(&m, RTM_NEWLINK, 0, 0);
	put_ifinfo(&m, AF_UNSPEC, 6);
	put_attr(&m, IFLA_IFNAME, "b", 1);	/* no NUL */
	end_msg(&m);
	link_msg(&m, RTM_NEWLINK, AF_UNSPEC, 7, "c", 0);
	st = (struct ifc_stats)IFC_STATS_INIT;
	ifc_feed(&c, m.b, m.len, &st);
	is_int(st.bad, 1, "one malformed message");
	is_str(ifc_lookup(&c, 5), "a", "before it: applied");
	is_str(ifc_lookup(&c, 7), NULL, "after it: not reached");

	ifc_free(&c);
	is_int(c.count, 0, "freed");
}

/* ---- 2. the plugin ------------------------------------------------------- */

static struct nfpt *t;

static const char *names(uint32_t in, uint32_t out, const char **o)
{
	nfpt_feed(t, "in", &(struct nfpt_pkt){ .family = AF_INET,
						.ifindex_in = in,
						.ifindex_out = out });
	if (o)
		*o = nfpt_get(t, "cap", "oob.out");
	return nfpt_get(t, "cap", "oob.in");
}

static void test_plugin(void)
{
	unsigned int lo = if_nametoindex("lo");
	struct msgbuf m = M_INIT;
	struct nfp_inst *inst;
	const char *out;

	t = nfpt_new("[global]\nstack=in:PKTIN,ifi:IFINDEX,cap:CAPTURE\n",
		     plugins);
	inst = nfpt_inst(t, "ifi");
	if (!lo)
		bail_out("this machine has no lo");
	is_str(names(lo, 0, &out), "lo", "lo's index: lo, from the dump");
	is_str(out, "", "index 0: \"\" (no interface)");
	is_int((int64_t)inst->ctr[0], 0, "lo came from the cache");
	is_str(names(0, lo, &out), "", "no input interface: \"\"");
	is_str(out, "lo", "output interface lo");

	is_str(names(999999, 0, NULL), "999999", "unknown index: its number");
	is_int((int64_t)inst->ctr[1], 1, "counted as unknown");

	link_msg(&m, RTM_NEWLINK, AF_UNSPEC, 999999, "fake0", 0);
	ifindex_feed(inst, m.b, m.len);
	is_str(names(999999, 0, NULL), "fake0", "after NEWLINK: fake0");

	m.len = 0;
	link_msg(&m, RTM_NEWLINK, AF_UNSPEC, 999999, "fake1", 0);
	ifindex_feed(inst, m.b, m.len);
	is_str(names(999999, 0, NULL), "fake1", "after a rename: fake1");

	m.len = 0;
	link_msg(&m, RTM_DELLINK, 7, 999999, "fake1", 0);
	ifindex_feed(inst, m.b, m.len);
	is_str(names(999999, 0, NULL), "fake1", "AF_BRIDGE DELLINK ignored");

	m.len = 0;
	link_msg(&m, RTM_DELLINK, AF_UNSPEC, 999999, "fake1", 0);
	ifindex_feed(inst, m.b, m.len);
	is_str(names(999999, 0, NULL), "999999", "after DELLINK: a number");

	m.len = 0;
	link_msg(&m, RTM_NEWLINK, AF_UNSPEC, 999999, "other", 0);
	ifindex_feed(inst, m.b, m.len);
	is_str(names(999999, 999999, &out), "other", "index reused: other");
	is_str(out, "other", "oob.out from the same cache");
	nfpt_free(t);
}

/* ---- 3. real notifications in a namespace of our own --------------------- */

static int sh(const char *cmd)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "%s >/dev/null 2>&1", cmd);
	return system(buf);
}

static void test_netns(void)
{
	struct nfp_inst *inst;
	uint64_t misses;

	if (unshare(CLONE_NEWNET) < 0) {
		ok(1, "real notifications # SKIP cannot unshare (%s): not root",
		   strerror(errno));
		return;
	}
	if (sh("ip link show lo")) {
		ok(1, "real notifications # SKIP no ip(8)");
		return;
	}
	t = nfpt_new("[global]\nstack=in:PKTIN,ifi:IFINDEX,cap:CAPTURE\n",
		     plugins);
	inst = nfpt_inst(t, "ifi");
	is_str(names(1, 0, NULL), "lo", "netns: index 1 is lo");

	is_int(sh("ip link set lo name lox"), 0, "netns: rename lo to lox");
	ifindex_read(inst);
	is_str(names(1, 0, NULL), "lox", "netns: the rename arrived");

	if (sh("ip link add a0 index 40 type veth peer name a1 index 41")) {
		ok(1, "veth tests # SKIP no veth here");
		nfpt_free(t);
		return;
	}
	ifindex_read(inst);
	misses = inst->ctr[0];
	is_str(names(40, 41, NULL), "a0", "netns: new link a0 at 40");
	is_str(nfpt_get(t, "cap", "oob.out"), "a1", "netns: its peer a1");
	is_int((int64_t)(inst->ctr[0] - misses), 0,
	       "netns: both from notifications, no kernel query");

	is_int(sh("ip link del a0"), 0, "netns: delete a0 (and a1)");
	ifindex_read(inst);
	is_str(names(40, 0, NULL), "40", "netns: deleted, a number now");
	is_int(sh("ip link add b0 index 40 type veth peer name b1"), 0,
	       "netns: b0 takes index 40");
	ifindex_read(inst);
	is_str(names(40, 0, NULL), "b0", "netns: reused index is b0");

	/* Not read yet: the kernel is asked, once. */
	is_int(sh("ip link add c0 index 50 type veth peer name c1"), 0,
	       "netns: c0 at 50, notification left unread");
	misses = inst->ctr[0];
	is_str(names(50, 0, NULL), "c0", "netns: found through the kernel");
	is_str(names(50, 0, NULL), "c0", "netns: and again");
	is_int((int64_t)(inst->ctr[0] - misses), 1,
	       "netns: one miss, then cached");
	ifindex_read(inst);
	is_str(names(50, 0, NULL), "c0", "netns: the late notification agrees");

	/*
	 * Lost notifications: with the smallest receive buffer the kernel
	 * drops them (ENOBUFS), so b0's deletion and d0's rename are never
	 * read as such. The resync dump must bring the cache back.
	 */
	{
		int tiny = 1, big = 1 << 20, fd = ifindex_fd(inst), i;
		uint64_t resyncs = inst->ctr[2];

		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &tiny, sizeof(tiny));
		sh("ip link add d0 index 60 type veth peer name d1 index 61");
		sh("ip link set d0 name e0");
		sh("ip link set d1 name e1");
		sh("ip link del b0");
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
		for (i = 0; i < 20; i++) {
			ifindex_read(inst);
			usleep(10000);
		}
		ok(inst->ctr[2] > resyncs, "netns: overrun seen, resynced");
		misses = inst->ctr[0];
		is_str(names(60, 61, NULL), "e0", "netns: resync has e0");
		is_str(nfpt_get(t, "cap", "oob.out"), "e1",
		       "netns: resync has e1");
		is_int((int64_t)(inst->ctr[0] - misses), 0,
		       "netns: both from the resync, no kernel query");
		is_str(names(40, 0, NULL), "40",
		       "netns: the lost deletion of b0 was swept");
	}
	nfpt_free(t);
}

int main(void)
{
	test_parse();
	test_cache();
	test_plugin();
	test_netns();
	return done_testing();
}
