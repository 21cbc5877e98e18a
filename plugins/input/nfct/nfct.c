/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * input/nfct - connections from the kernel's connection tracking (ctnetlink)
 *
 * Produces one record per conntrack event or per flow found by a dump, with
 * ulogd2's NFCT keys plus state, zone, helper, status and master (see
 * nfct_keys[] in nfct_parse.c and README.md). Two modes:
 *  - events (pollinterval=0): a NETLINK_NETFILTER socket subscribed to the
 *    NEW/UPDATE/DESTROY groups of event_mask sits in the core's loop; each
 *    wakeup drains up to max_batch datagrams with recvmmsg(2).
 *  - polling (pollinterval>0): a dump of the conntrack table every interval
 *    on a timer; flows that disappeared between two dumps are reported as
 *    DESTROY with their last counters.
 * With hash_enable=1 a table of live flows (nfct_hash.c) pairs NEW with
 * DESTROY, so that a finished flow carries its start, helper and master.
 * An overrun (ENOBUFS) is counted, logged and followed by a resynchronising
 * dump that finds the flows whose DESTROY was lost. Dumps are synchronous:
 * the kernel produces them as fast as we read, and keeping the event socket
 * unread meanwhile keeps the order of events and dump consistent.
 * Everything is opened in start(), as root, in the netns option's namespace
 * when given; CAP_NET_ADMIN is kept across the daemon's -u USER when dumps
 * will be needed (nlsys.c). Main thread only; a malformed message is
 * counted and dropped.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* recvmmsg */
#endif
#include <linux/capability.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netlink.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <nfpipe/plugin.h>

#include "nfct_parse.h"
#include "nfct_track.h"
#include "nlsys.h"

#ifndef SO_RCVBUFFORCE
#define SO_RCVBUFFORCE 33
#endif
#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif
#ifndef NETLINK_BROADCAST_ERROR
#define NETLINK_BROADCAST_ERROR 4
#endif
#ifndef NETLINK_NO_ENOBUFS
#define NETLINK_NO_ENOBUFS 5
#endif

#define NFCT_RX_N	     64		 /* datagrams per recvmmsg(2) */
#define NFCT_RX_SZ	     4096	 /* one event is a few hundred bytes */
#define NFCT_DUMPBUF	     (64 * 1024) /* dump datagrams are <= 32 KiB */
#define NFCT_DUMP_TIMEOUT_MS 5000	 /* silence that ends a dump */

#define SYSCTL_ACCT   "/proc/sys/net/netfilter/nf_conntrack_acct"
#define SYSCTL_TSTAMP "/proc/sys/net/netfilter/nf_conntrack_timestamp"
#define SYSCTL_EVENTS "/proc/sys/net/netfilter/nf_conntrack_events"
#define SYSCTL_MAX    "/proc/sys/net/netfilter/nf_conntrack_max"

/* The tracker's counters come first, in enum nfct_track_ctr's order. */
enum nfct_ctr {
	C_UNPAIRED = NFCT_TC_UNPAIRED,
	C_HASH_FULL = NFCT_TC_HASH_FULL,
	C_PURGED = NFCT_TC_PURGED,
	C_EVENTS = NFCT_TC__MAX,
	C_DUMPED,
	C_MALFORMED,
	C_TRUNCATED,
	C_ENOBUFS,
	C_RESYNCS,
	C_FILTERED,
	C_DUMP_ERRORS,
	C_NLERRORS,
};

static const char *const nfct_counters[] = { [C_UNPAIRED] = "unpaired",
					     [C_HASH_FULL] = "hash_full",
					     [C_PURGED] = "purged",
					     [C_EVENTS] = "events",
					     [C_DUMPED] = "dumped",
					     [C_MALFORMED] = "malformed",
					     [C_TRUNCATED] = "truncated",
					     [C_ENOBUFS] = "enobufs",
					     [C_RESYNCS] = "resyncs",
					     [C_FILTERED] = "filtered",
					     [C_DUMP_ERRORS] = "dump_errors",
					     [C_NLERRORS] = "netlink_errors",
					     NULL };

struct nfct_priv {
	/* options, filled by the core */
	uint64_t pollinterval; /* ms between dumps; 0: events */
	bool hash_enable;      /* pair NEW and DESTROY */
	uint64_t hash_buckets; /* chains in the table */
	uint64_t hash_max;     /* entries at most */
	uint64_t event_mask;   /* 1 NEW, 2 UPDATE, 4 DESTROY */
	uint64_t rcvbuf;       /* event socket buffer, 0: leave */
	uint64_t rcvbuf_max;   /* grow on ENOBUFS up to this */
	uint64_t resync_ms;    /* delay before a resync dump */
	bool reliable;	       /* NETLINK_BROADCAST_ERROR etc. */
	char *src_filter;      /* accept_src_filter */
	char *dst_filter;      /* accept_dst_filter */
	char *proto_filter;    /* accept_proto_filter */
	char *netns;	       /* namespace path, or NULL */
	char *netns_ulogd;     /* network_namespace_path (ulogd2) */
	bool accounting;       /* set nf_conntrack_acct=1 */
	bool timestamp;	       /* set nf_conntrack_timestamp=1 */
	uint64_t max_batch;    /* datagrams per wakeup */
	char *connlabel_file;  /* label names; NULL: the library's */

	/* state */
	struct nfp_inst *inst;		/* back pointer for the callbacks */
	struct nfct_filter filter;	/* parsed accept_*_filter */
	bool filtering;			/* any filter given */
	struct nfct_tracker tr;		/* pairing and reporting */
	struct nfct_parser parser;	/* libnetfilter_conntrack's object */
	struct nfct_labelmap *labels;	/* names of labels, or NULL */
	int evfd;			/* event socket, -1 when none */
	int qfd;			/* dump socket, -1 when none */
	uint32_t seq;			/* last nlmsg_seq sent */
	uint32_t qseq;			/* seq of the running dump */
	bool dump_done;			/* NLMSG_DONE or error came */
	bool dump_intr;			/* the kernel flagged it inconsistent */
	bool dump_silent;		/* first dump: fill, emit nothing */
	int dump_err;			/* kernel's error, 0 or -errno */
	bool resync_armed;		/* resync timer pending */
	uint64_t rcvbuf_now;		/* receive buffer asked for */
	bool grow_warned;		/* said the buffer cannot grow */
	struct nfp_timer *poll_timer;	/* polling mode */
	struct nfp_timer *resync_timer; /* after ENOBUFS */
	uint8_t *rx;			/* NFCT_RX_N * NFCT_RX_SZ bytes */
	struct mmsghdr *mm;		/* NFCT_RX_N headers into rx */
	struct iovec *iov;		/* NFCT_RX_N vectors */
	struct sockaddr_nl *from;	/* NFCT_RX_N sender addresses */
	uint8_t *dbuf;			/* NFCT_DUMPBUF bytes for dumps */
	struct timespec now;		/* reception time of this batch */
};

static const struct nfp_option nfct_options[] = {
	{ .name = "pollinterval",
	  .type = NFP_OPT_DURATION,
	  .def = "0",
	  .unit = "s",
	  .min = 0,
	  .max = 86400000,
	  .off = offsetof(struct nfct_priv, pollinterval),
	  .help = "Dump the table this often instead of listening to events (seconds unless a unit is given); 0 listens to events." },
	{ .name = "hash_enable",
	  .type = NFP_OPT_BOOL,
	  .def = "1",
	  .off = offsetof(struct nfct_priv, hash_enable),
	  .help = "Keep live flows in a table: DESTROY records carry flow.start, ct.helper and the master; NEW events only open a flow. Polling needs it." },
	{ .name = "hash_buckets",
	  .type = NFP_OPT_UINT,
	  .def = "0",
	  .max = 16777216,
	  .off = offsetof(struct nfct_priv, hash_buckets),
	  .help = "Chains in the flow table; 0: a quarter of hash_max_entries." },
	{ .name = "hash_max_entries",
	  .type = NFP_OPT_UINT,
	  .def = "0",
	  .max = 67108864,
	  .off = offsetof(struct nfct_priv, hash_max),
	  .help = "Flows the table holds at most (about 340 bytes each, taken as flows come); past it flows go untracked and are counted (hash_full). 0: as many as the kernel tracks (net.netfilter.nf_conntrack_max)." },
	{ .name = "event_mask",
	  .type = NFP_OPT_UINT,
	  .def = "0x00000005",
	  .min = 1,
	  .max = 7,
	  .off = offsetof(struct nfct_priv, event_mask),
	  .help = "Events that make records: 1 NEW, 2 UPDATE, 4 DESTROY, or'ed. With the table, NEW is always listened to and never reported." },
	{ .name = "netlink_socket_buffer_size",
	  .type = NFP_OPT_SIZE,
	  .def = "8M",
	  .min = 0,
	  .max = 1024 * 1024 * 1024,
	  .off = offsetof(struct nfct_priv, rcvbuf),
	  .help = "Event socket receive buffer (SO_RCVBUFFORCE as root); 0 keeps the system default." },
	{ .name = "netlink_socket_buffer_maxsize",
	  .type = NFP_OPT_SIZE,
	  .def = "0",
	  .min = 0,
	  .max = 1024 * 1024 * 1024,
	  .off = offsetof(struct nfct_priv, rcvbuf_max),
	  .help = "On ENOBUFS double the receive buffer up to this size; 0 never grows it." },
	{ .name = "netlink_resync_timeout",
	  .type = NFP_OPT_DURATION,
	  .def = "60",
	  .unit = "s",
	  .min = 0,
	  .max = 86400000,
	  .off = offsetof(struct nfct_priv, resync_ms),
	  .help = "After events were lost (ENOBUFS), wait this long, then dump the table to find the flows whose DESTROY was lost." },
	{ .name = "reliable",
	  .type = NFP_OPT_BOOL,
	  .def = "0",
	  .off = offsetof(struct nfct_priv, reliable),
	  .help = "Ask the kernel not to drop events when the socket is full (NETLINK_BROADCAST_ERROR, NETLINK_NO_ENOBUFS): conntrack redelivers them later." },
	{ .name = "accept_src_filter",
	  .type = NFP_OPT_STRING,
	  .off = offsetof(struct nfct_priv, src_filter),
	  .help = "Only flows whose original source is in these comma-separated addresses or prefixes (10.0.0.0/8,fd00::/8)." },
	{ .name = "accept_dst_filter",
	  .type = NFP_OPT_STRING,
	  .off = offsetof(struct nfct_priv, dst_filter),
	  .help = "Only flows whose original destination is in these addresses or prefixes." },
	{ .name = "accept_proto_filter",
	  .type = NFP_OPT_STRING,
	  .off = offsetof(struct nfct_priv, proto_filter),
	  .help = "Only flows of these comma-separated protocols (tcp,udp,icmp or numbers)." },
	{ .name = "netns",
	  .type = NFP_OPT_PATH,
	  .off = offsetof(struct nfct_priv, netns),
	  .help = "Listen in this network namespace (e.g. /run/netns/NAME) instead of the daemon's." },
	{ .name = "network_namespace_path",
	  .type = NFP_OPT_PATH,
	  .off = offsetof(struct nfct_priv, netns_ulogd),
	  .help = "ulogd2's name for netns." },
	{ .name = "accounting",
	  .type = NFP_OPT_BOOL,
	  .def = "0",
	  .off = offsetof(struct nfct_priv, accounting),
	  .help = "Set net.netfilter.nf_conntrack_acct=1 at start (for flows that begin afterwards): byte and packet counters." },
	{ .name = "timestamp",
	  .type = NFP_OPT_BOOL,
	  .def = "0",
	  .off = offsetof(struct nfct_priv, timestamp),
	  .help = "Set net.netfilter.nf_conntrack_timestamp=1 at start: the kernel's own start and end times (to the nanosecond)." },
	{ .name = "max_batch",
	  .type = NFP_OPT_UINT,
	  .def = "1024",
	  .min = 1,
	  .max = 1000000,
	  .off = offsetof(struct nfct_priv, max_batch),
	  .help = "Datagrams read per loop wakeup before other sockets get their turn." },
	{ .name = "connlabel_file",
	  .type = NFP_OPT_PATH,
	  .off = offsetof(struct nfct_priv, connlabel_file),
	  .help = "Names of conntrack labels for ct.labels (connlabel.conf format); default libnetfilter_conntrack's, /etc/xtables/connlabel.conf. Without the file labels show as bit numbers." },
	{ 0 }
};

/* ---- records ------------------------------------------------------------- */

static void emit(void *arg, const struct nfct_flow *f, uint32_t event,
		 const struct nfct_times *t)
{
	struct nfp_inst *inst = arg;
	struct nfct_priv *p = inst->priv;
	struct nfp_rec *rec = nfp_rec_new(inst);

	if (!rec)
		return;
	nfct_fill(rec, f, event, t, p->labels);
	nfp_rec_push(inst, rec);
}

static void table_full(void *arg)
{
	struct nfp_inst *inst = arg;
	struct nfct_priv *p = inst->priv;

	nfp_warn_rl(
		inst,
		"flow table full (%u entries): flows go untracked; raise hash_max_entries",
		p->tr.hash.count);
}

static uint32_t now_sec(const struct nfct_priv *p)
{
	return (uint32_t)p->now.tv_sec;
}

static uint32_t now_usec(const struct nfct_priv *p)
{
	return (uint32_t)(p->now.tv_nsec / 1000);
}

/* ---- receiving ----------------------------------------------------------- */

static void on_flow(void *arg, const struct nfct_flow *f, uint32_t seq)
{
	struct nfp_inst *inst = arg;
	struct nfct_priv *p = inst->priv;

	if (f->kind == NFCT_KIND_DUMP) {
		/* Only our own dump's answers; a stale dump's are dropped. */
		if (seq != p->qseq || p->dump_done)
			return;
		inst->ctr[C_DUMPED]++;
		if (f->dump_intr)
			p->dump_intr = true;
		if (p->filtering && !nfct_filter_match(&p->filter, f)) {
			inst->ctr[C_FILTERED]++;
			return;
		}
		nfct_track_dump(&p->tr, f, now_sec(p), now_usec(p),
				p->dump_silent);
		return;
	}
	inst->ctr[C_EVENTS]++;
	if (p->filtering && !nfct_filter_match(&p->filter, f)) {
		inst->ctr[C_FILTERED]++;
		return;
	}
	nfct_track_event(&p->tr, f, now_sec(p), now_usec(p));
}

static void on_event(void *arg, enum nfct_event ev, uint32_t seq, int err,
		     const char *why)
{
	struct nfp_inst *inst = arg;
	struct nfct_priv *p = inst->priv;

	switch (ev) {
	case NFCT_DG_DONE:
		if (seq == p->qseq)
			p->dump_done = true;
		break;
	case NFCT_DG_ERROR:
		if (seq == p->qseq && !p->dump_done) {
			p->dump_err = err;
			p->dump_done = true;
			break;
		}
		inst->ctr[C_NLERRORS]++;
		nfp_warn_rl(inst, "netlink error from the kernel: %s",
			    strerror(-err));
		break;
	case NFCT_DG_MALFORMED:
		inst->ctr[C_MALFORMED]++;
		nfp_warn_rl(inst, "malformed conntrack message dropped: %s",
			    why ? why : "?");
		break;
	case NFCT_DG_TRUNCATED:
		inst->ctr[C_TRUNCATED]++;
		nfp_warn_rl(inst, "truncated conntrack datagram: %s",
			    why ? why : "?");
		break;
	case NFCT_DG_ACK:
	case NFCT_DG_OTHER:
		break;
	}
}

static const struct nfct_dgram_ops nfct_ops = {
	.flow = on_flow,
	.event = on_event,
};

/* Ask for @size bytes of receive buffer; returns what the kernel granted. */
static int set_rcvbuf(int fd, uint64_t size)
{
	int v = size > INT_MAX / 2 ? INT_MAX / 2 : (int)size, got = 0;
	socklen_t sl = sizeof(got);

	/* FORCE ignores net.core.rmem_max but needs CAP_NET_ADMIN. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &got, &sl) < 0)
		return 0;
	return got / 2;
}

static void arm_resync(struct nfp_inst *inst)
{
	struct nfct_priv *p = inst->priv;

	if (p->resync_armed || !p->resync_timer)
		return;
	if (nfp_timer_arm(p->resync_timer, p->resync_ms, 0) == 0)
		p->resync_armed = true;
}

static void on_enobufs(struct nfp_inst *inst)
{
	struct nfct_priv *p = inst->priv;
	uint64_t want;

	inst->ctr[C_ENOBUFS]++;
	if (p->tr.hash_on) {
		nfp_warn_rl(
			inst,
			"conntrack events were lost (ENOBUFS): resynchronising with a dump in %llu ms",
			(unsigned long long)p->resync_ms);
		arm_resync(inst);
	} else {
		nfp_warn_rl(
			inst,
			"conntrack events were lost (ENOBUFS) and cannot be recovered without hash_enable=1: raise netlink_socket_buffer_size or set reliable=1");
	}
	if (!p->rcvbuf_max || p->rcvbuf_now >= p->rcvbuf_max) {
		if (!p->grow_warned && p->rcvbuf_max)
			nfp_warn(
				inst,
				"receive buffer at netlink_socket_buffer_maxsize (%llu bytes)",
				(unsigned long long)p->rcvbuf_max);
		p->grow_warned = true;
		return;
	}
	want = p->rcvbuf_now ? p->rcvbuf_now * 2 : 256 * 1024;
	if (want > p->rcvbuf_max)
		want = p->rcvbuf_max;
	p->rcvbuf_now = want;
	nfp_info(inst, "receive buffer raised to %d bytes",
		 set_rcvbuf(p->evfd, want));
}

/*
 * Read up to @limit datagrams from the event socket. Returns the number
 * read; stops early when the socket is empty.
 */
static unsigned int read_events(struct nfp_inst *inst, uint64_t limit)
{
	struct nfct_priv *p = inst->priv;
	unsigned int total = 0, i;
	int n;

	while (total < limit) {
		for (i = 0; i < NFCT_RX_N; i++)
			p->mm[i].msg_hdr.msg_namelen = sizeof(p->from[i]);
		n = recvmmsg(p->evfd, p->mm, NFCT_RX_N, MSG_DONTWAIT, NULL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				on_enobufs(inst);
				continue;
			}
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				nfp_err_rl(
					inst,
					"reading the conntrack event socket failed: %s",
					strerror(errno));
			break;
		}
		/* One clock read per batch: the kernel queued them all. */
		clock_gettime(CLOCK_REALTIME, &p->now);
		for (i = 0; i < (unsigned int)n; i++) {
			struct msghdr *mh = &p->mm[i].msg_hdr;
			size_t len = p->mm[i].msg_len;

			/* Only the kernel speaks here; anyone can unicast. */
			if (mh->msg_namelen < sizeof(p->from[i]) ||
			    p->from[i].nl_pid != 0) {
				inst->ctr[C_MALFORMED]++;
				nfp_warn_rl(
					inst,
					"ignored a datagram from netlink port %u",
					(unsigned int)p->from[i].nl_pid);
				continue;
			}
			if (mh->msg_flags & MSG_TRUNC) {
				inst->ctr[C_TRUNCATED]++;
				nfp_warn_rl(
					inst,
					"conntrack event larger than %d bytes dropped",
					NFCT_RX_SZ);
				continue;
			}
			nfct_dgram(&p->parser, p->rx + (size_t)i * NFCT_RX_SZ,
				   len, &nfct_ops, inst);
		}
		total += (unsigned int)n;
		if (n < NFCT_RX_N)
			break;
	}
	return total;
}

static void nfct_read(struct nfp_inst *inst, int fd, uint32_t events)
{
	struct nfct_priv *p = inst->priv;

	read_events(inst, p->max_batch);
}

/* ---- dumps --------------------------------------------------------------- */

/*
 * Dump the whole table into the flow table, synchronously. Returns 0, or
 * -errno: the kernel's refusal (-EPERM without CAP_NET_ADMIN), -ETIMEDOUT,
 * or -EINTR when the kernel flagged the dump inconsistent.
 */
static int dump_table(struct nfp_inst *inst)
{
	struct nfct_priv *p = inst->priv;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct pollfd pfd = { .fd = p->qfd, .events = POLLIN };
	char req[MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct nfgenmsg))];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);
	struct nfgenmsg *nfg;
	struct sockaddr_nl from;
	socklen_t fl;
	ssize_t n;

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++p->seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_UNSPEC;
	nfg->version = NFNETLINK_V0;

	nfct_track_dump_begin(&p->tr);
	p->qseq = nlh->nlmsg_seq;
	p->dump_done = false;
	p->dump_intr = false;
	p->dump_err = 0;
	if (sendto(p->qfd, req, nlh->nlmsg_len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel)) < 0)
		goto fail_errno;
	while (!p->dump_done) {
		fl = sizeof(from);
		n = recvfrom(p->qfd, p->dbuf, NFCT_DUMPBUF,
			     MSG_DONTWAIT | MSG_TRUNC, (struct sockaddr *)&from,
			     &fl);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				goto fail_errno;
			if (poll(&pfd, 1, NFCT_DUMP_TIMEOUT_MS) == 0) {
				p->dump_err = -ETIMEDOUT;
				break;
			}
			continue;
		}
		if (from.nl_pid != 0)
			continue;
		if ((size_t)n > NFCT_DUMPBUF) {
			/* Part of the table is gone: no purge this time. */
			inst->ctr[C_TRUNCATED]++;
			p->dump_intr = true;
			n = NFCT_DUMPBUF;
		}
		clock_gettime(CLOCK_REALTIME, &p->now);
		nfct_dgram(&p->parser, p->dbuf, (size_t)n, &nfct_ops, inst);
	}
	p->qseq = 0;
	if (p->dump_err)
		goto fail;
	return p->dump_intr ? -EINTR : 0;
fail_errno:
	p->dump_err = -errno;
fail:
	p->qseq = 0;
	inst->ctr[C_DUMP_ERRORS]++;
	return p->dump_err;
}

static void dump_failed(struct nfp_inst *inst, int err)
{
	if (err == -EPERM)
		nfp_err_rl(
			inst,
			"the kernel refused a conntrack dump (EPERM): the daemon lacks CAP_NET_ADMIN");
	else if (err == -EINTR)
		nfp_warn_rl(
			inst,
			"conntrack dump inconsistent (the table changed under it): ended flows are looked for at the next one");
	else
		nfp_err_rl(inst, "conntrack dump failed: %s", strerror(-err));
}

/*
 * Dump, then report the flows the table holds and the kernel no longer
 * does. Events queued before and during the dump are read first, so that a
 * DESTROY still in the socket is reported as itself, not as a purge.
 */
static void sync_table(struct nfp_inst *inst)
{
	struct nfct_priv *p = inst->priv;
	int err;

	/* Bounded: a flood must not keep us from the dump forever. */
	if (p->evfd >= 0)
		read_events(inst, p->max_batch * 16);
	err = dump_table(inst);
	if (err) {
		dump_failed(inst, err);
		if (p->evfd >= 0)
			arm_resync(inst);
		return;
	}
	if (p->evfd >= 0)
		read_events(inst, p->max_batch * 16);
	clock_gettime(CLOCK_REALTIME, &p->now);
	nfct_track_purge(&p->tr, now_sec(p), now_usec(p));
}

static void on_poll(struct nfp_inst *inst, void *arg)
{
	if (!nfp_stopping())
		sync_table(inst);
}

static void on_resync(struct nfp_inst *inst, void *arg)
{
	struct nfct_priv *p = inst->priv;

	p->resync_armed = false;
	if (nfp_stopping())
		return;
	inst->ctr[C_RESYNCS]++;
	sync_table(inst);
}

/* ---- start and stop ------------------------------------------------------ */

static int open_socket(int *fd)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	*fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
		     NETLINK_NETFILTER);
	if (*fd < 0)
		return -errno;
	if (bind(*fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	return 0;
}

static int open_events(struct nfp_inst *inst)
{
	struct nfct_priv *p = inst->priv;
	uint64_t groups = p->event_mask;
	unsigned int g;
	int on = 1, err;

	err = open_socket(&p->evfd);
	if (err)
		return err;
	/* Pairing needs both ends of every flow, whatever is reported. */
	if (p->tr.hash_on)
		groups |= NFCT_EV_NEW | NFCT_EV_DESTROY;
	for (g = 0; g < 3; g++) {
		/* NFNLGRP_CONNTRACK_NEW, _UPDATE, _DESTROY are 1, 2, 3. */
		int grp = (int)g + 1;

		if (!(groups & (1u << g)))
			continue;
		if (setsockopt(p->evfd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
			       &grp, sizeof(grp)) < 0)
			return -errno;
	}
	if (p->rcvbuf) {
		p->rcvbuf_now = p->rcvbuf;
		set_rcvbuf(p->evfd, p->rcvbuf);
	}
	if (p->reliable &&
	    (setsockopt(p->evfd, SOL_NETLINK, NETLINK_BROADCAST_ERROR, &on,
			sizeof(on)) < 0 ||
	     setsockopt(p->evfd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &on,
			sizeof(on)) < 0))
		return -errno;
	return 0;
}

/* Sysctls of the namespace we are in (the netns option's, when given). */
static int setup_sysctls(struct nfp_inst *inst)
{
	struct nfct_priv *p = inst->priv;
	long v;
	int err;

	if (p->accounting) {
		err = nlsys_sysctl_set(SYSCTL_ACCT, 1);
		if (err) {
			nfp_err(inst,
				"accounting=1: cannot set net.netfilter.nf_conntrack_acct: %s",
				strerror(-err));
			return err;
		}
	} else if (nlsys_sysctl_get(SYSCTL_ACCT, &v) == 0 && v == 0) {
		nfp_warn(
			inst,
			"net.netfilter.nf_conntrack_acct is 0: orig.raw.* and reply.raw.* counters stay 0; set accounting=1 to switch it on");
	}
	if (p->timestamp) {
		err = nlsys_sysctl_set(SYSCTL_TSTAMP, 1);
		if (err) {
			nfp_err(inst,
				"timestamp=1: cannot set net.netfilter.nf_conntrack_timestamp: %s",
				strerror(-err));
			return err;
		}
	}
	if (!p->pollinterval && nlsys_sysctl_get(SYSCTL_EVENTS, &v) == 0 &&
	    v == 0)
		nfp_warn(
			inst,
			"net.netfilter.nf_conntrack_events is 0: the kernel sends no events, so no records will come; set it to 1 or 2");
	return 0;
}

static int open_all(struct nfp_inst *inst)
{
	struct nfct_priv *p = inst->priv;
	const char *ns = p->netns ? p->netns : p->netns_ulogd;
	int saved = -1, err, err2;

	if (ns) {
		err = nlsys_netns_enter(ns, &saved);
		if (err) {
			nfp_err(inst, "cannot enter network namespace %s: %s",
				ns, strerror(-err));
			return err;
		}
	}
	err = setup_sysctls(inst);
	if (!err && !p->pollinterval) {
		err = open_events(inst);
		if (err)
			nfp_err(inst,
				"cannot open the conntrack event socket: %s",
				strerror(-err));
	}
	if (!err && p->tr.hash_on) {
		err = open_socket(&p->qfd);
		if (err)
			nfp_err(inst,
				"cannot open the conntrack dump socket: %s",
				strerror(-err));
	}
	if (ns) {
		err2 = nlsys_netns_leave(saved);
		if (err2 && !err) {
			nfp_err(inst,
				"cannot return from network namespace %s: %s",
				ns, strerror(-err2));
			err = err2;
		}
	}
	return err;
}

static int alloc_buffers(struct nfct_priv *p)
{
	unsigned int i;

	if (p->evfd >= 0) {
		p->rx = malloc((size_t)NFCT_RX_N * NFCT_RX_SZ);
		p->mm = calloc(NFCT_RX_N, sizeof(*p->mm));
		p->iov = calloc(NFCT_RX_N, sizeof(*p->iov));
		p->from = calloc(NFCT_RX_N, sizeof(*p->from));
		if (!p->rx || !p->mm || !p->iov || !p->from)
			return -ENOMEM;
		for (i = 0; i < NFCT_RX_N; i++) {
			p->iov[i].iov_base = p->rx + (size_t)i * NFCT_RX_SZ;
			p->iov[i].iov_len = NFCT_RX_SZ;
			p->mm[i].msg_hdr.msg_iov = &p->iov[i];
			p->mm[i].msg_hdr.msg_iovlen = 1;
			p->mm[i].msg_hdr.msg_name = &p->from[i];
		}
	}
	if (p->qfd >= 0) {
		p->dbuf = malloc(NFCT_DUMPBUF);
		if (!p->dbuf)
			return -ENOMEM;
	}
	return 0;
}

static void close_all(struct nfp_inst *inst)
{
	struct nfct_priv *p = inst->priv;

	if (p->evfd >= 0) {
		nfp_fd_del(inst, p->evfd);
		close(p->evfd);
		p->evfd = -1;
	}
	if (p->qfd >= 0) {
		close(p->qfd);
		p->qfd = -1;
	}
	nfp_timer_free(p->poll_timer);
	nfp_timer_free(p->resync_timer);
	p->poll_timer = p->resync_timer = NULL;
	nfct_track_free(&p->tr);
	nfct_parser_free(&p->parser);
	if (p->labels)
		nfct_labelmap_destroy(p->labels);
	p->labels = NULL;
	free(p->rx);
	free(p->mm);
	free(p->iov);
	free(p->from);
	free(p->dbuf);
	p->rx = NULL;
	p->mm = NULL;
	p->iov = NULL;
	p->from = NULL;
	p->dbuf = NULL;
}

/* Parse the filters once, so that --check reports their errors. */
static int nfct_configure(struct nfp_inst *inst)
{
	struct nfct_priv *p = inst->priv;
	const char *why = NULL, *bad = NULL;
	int err = 0;

	nfct_filter_init(&p->filter);
	if (p->src_filter &&
	    nfct_filter_addrs(&p->filter, false, p->src_filter, &why, &bad))
		err = -EINVAL;
	else if (p->dst_filter &&
		 nfct_filter_addrs(&p->filter, true, p->dst_filter, &why, &bad))
		err = -EINVAL;
	else if (p->proto_filter &&
		 nfct_filter_protos(&p->filter, p->proto_filter, &why, &bad))
		err = -EINVAL;
	if (err) {
		nfp_err(inst, "bad accept filter at \"%s\": %s", bad, why);
		return err;
	}
	p->filtering = p->filter.nsrc || p->filter.ndst || !p->filter.any_proto;
	if (p->pollinterval && p->pollinterval < 100) {
		nfp_err(inst,
			"pollinterval must be 0 (events) or at least 100 ms");
		return -EINVAL;
	}
	if (p->pollinterval && !p->hash_enable) {
		nfp_err(inst,
			"polling (pollinterval) needs hash_enable=1: the table is how ended flows are found");
		return -EINVAL;
	}
	if (p->netns && p->netns_ulogd) {
		nfp_err(inst, "set netns or network_namespace_path, not both");
		return -EINVAL;
	}
	return 0;
}

/*
 * The flow table's size: as configured, or room for every flow the kernel
 * can track (ulogd2's fixed 32768 overflow on a busy gateway, and then
 * DESTROY records lose their start time). Entries are taken as flows come,
 * so the limit costs nothing until it is used.
 */
static void table_size(struct nfct_priv *p, uint32_t *buckets, uint32_t *max)
{
	long v;

	*max = (uint32_t)p->hash_max;
	if (!*max) {
		if (nlsys_sysctl_get(SYSCTL_MAX, &v) < 0 || v <= 0)
			v = 65536;
		*max = (uint32_t)(v < 4096	 ? 4096
				  : v > 16777216 ? 16777216
						 : v);
	}
	*buckets = (uint32_t)p->hash_buckets;
	if (!*buckets)
		*buckets = *max / 4 < 1024 ? 1024 : *max / 4;
}

static int nfct_start(struct nfp_inst *inst)
{
	struct nfct_priv *p = inst->priv;
	uint32_t buckets, max;
	char tbl[64];
	int err;

	p->inst = inst;
	p->evfd = -1;
	p->qfd = -1;
	err = nfct_parser_init(&p->parser);
	if (err)
		return err;
	/*
	 * A missing file is no error: labels then show as numbers. The
	 * library also gives no map for a file it reads but whose every line
	 * it skips (a name with other than letters, digits, '-', ' ').
	 */
	p->labels = nfct_labelmap_new(p->connlabel_file);
	if (!p->labels && p->connlabel_file) {
		if (access(p->connlabel_file, R_OK))
			nfp_warn(
				inst,
				"cannot read connlabel_file %s: %s; ct.labels shows bit numbers",
				p->connlabel_file, strerror(errno));
		else
			nfp_warn(
				inst,
				"connlabel_file %s names no label libnetfilter_conntrack takes (a line is \"BIT NAME\", NAME of letters, digits, '-' and spaces); ct.labels shows bit numbers",
				p->connlabel_file);
	}
	table_size(p, &buckets, &max);
	err = nfct_track_init(&p->tr, p->hash_enable, buckets, max);
	if (err) {
		close_all(inst);
		return err;
	}
	p->tr.mask = (uint32_t)p->event_mask;
	p->tr.polling = p->pollinterval != 0;
	p->tr.emit = emit;
	p->tr.full = table_full;
	p->tr.arg = inst;
	p->tr.ctr = inst->ctr;
	err = open_all(inst);
	if (!err)
		err = alloc_buffers(p);
	if (err)
		goto fail;
	if (p->evfd >= 0) {
		err = nfp_fd_add(inst, p->evfd, EPOLLIN, nfct_read);
		if (err)
			goto fail;
	}
	if (p->qfd >= 0) {
		p->resync_timer = nfp_timer_new(inst, on_resync, NULL);
		if (!p->resync_timer) {
			err = -ENOMEM;
			goto fail;
		}
	}
	if (p->pollinterval) {
		/* The flows that predate us fill the table silently. */
		p->dump_silent = true;
		err = dump_table(inst);
		p->dump_silent = false;
		if (err) {
			nfp_err(inst, "first conntrack dump failed: %s",
				strerror(-err));
			goto fail;
		}
		p->poll_timer = nfp_timer_new(inst, on_poll, NULL);
		if (!p->poll_timer ||
		    nfp_timer_arm(p->poll_timer, p->pollinterval,
				  p->pollinterval) < 0) {
			err = -ENOMEM;
			goto fail;
		}
	}
	/*
	 * The kernel checks CAP_NET_ADMIN on every dump request, not only at
	 * bind: dumps after -u USER need it kept (and only it).
	 */
	if (p->qfd >= 0)
		nfp_keep_caps(inst, UINT64_C(1) << CAP_NET_ADMIN);
	tbl[0] = '\0';
	if (p->tr.hash_on)
		snprintf(tbl, sizeof(tbl), " with a table of up to %u flows",
			 max);
	nfp_info(inst, "%s mode%s, reporting%s%s%s%s",
		 p->pollinterval ? "polling" : "event", tbl,
		 (p->event_mask & NFCT_EV_NEW) && !p->tr.hash_on ? " NEW" : "",
		 p->event_mask & NFCT_EV_UPDATE ? " UPDATE" : "",
		 p->event_mask & NFCT_EV_DESTROY ? " DESTROY" : "",
		 p->reliable ? ", reliable" : "");
	return 0;
fail:
	close_all(inst);
	return err;
}

static void nfct_stop(struct nfp_inst *inst)
{
	close_all(inst);
}

NFP_PLUGIN(input, nfct) = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_INPUT,
	.name = "NFCT",
	.summary =
		"connections from conntrack: events or polling, NEW/DESTROY paired",
	.options = nfct_options,
	.out_keys = nfct_keys,
	.counters = nfct_counters,
	.priv_size = sizeof(struct nfct_priv),
	.configure = nfct_configure,
	.start = nfct_start,
	.stop = nfct_stop,
};
