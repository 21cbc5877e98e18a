/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * input/nflog - packets logged by NFLOG rules, from nfnetlink_log
 *
 * Produces one record per logged packet with the keys of doc/keys.md
 * ("NFLOG produces"). start() opens a NETLINK_NETFILTER socket, binds one
 * NFLOG group and configures it, waiting for the kernel's ack of every
 * request so that a refusal is reported at start-up, by name. At run time
 * the socket sits in the core's epoll loop: each wakeup drains up to
 * max_batch messages. Netlink overruns (ENOBUFS) and sequence gaps are
 * counted and survived; a malformed message is counted, logged at a
 * limited rate and dropped. Main thread only. The requests are built with
 * libnetfilter_log's nflog_nlmsg_put_header() and nflog_attr_put_cfg_*()
 * (libmnl for the attributes it has no helper for); the packet messages are
 * parsed by nflog_parse.c, free of sockets, for the unit tests and the
 * fuzzer, and ours for speed (README.md, "Parsing").
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>
#include <linux/netlink.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <libnetfilter_log/libnetfilter_log.h>

#include <nfpipe/plugin.h>

#include "nflog_parse.h"

/*
 * The kernel batches messages into datagrams of up to nlbufsiz (at most
 * 128 KiB) or one packet's size (at most 64 KiB), so this never truncates.
 */
#define NFLOG_RXBUF	     (256 * 1024)
#define NFLOG_ACK_TIMEOUT_MS 2000
#define NFLOG_NLBUFSIZ_MIN   4096   /* above the kernel's NLMSG_GOODSIZE */
#define NFLOG_NLBUFSIZ_MAX   131072 /* the kernel's upper bound */
/* The kernel's internal ENOTSUPP, which some netlink paths let out. */
#define KERNEL_ENOTSUPP 524

#ifndef SO_RCVBUFFORCE
#define SO_RCVBUFFORCE 33
#endif
#ifndef AF_BRIDGE
#define AF_BRIDGE 7
#endif

enum nflog_ctr {
	C_MESSAGES,
	C_MALFORMED,
	C_TRUNCATED,
	C_ENOBUFS,
	C_SEQ_GAPS,
	C_NLERRORS,
};

static const char *const nflog_counters[] = { [C_MESSAGES] = "messages",
					      [C_MALFORMED] = "malformed",
					      [C_TRUNCATED] = "truncated",
					      [C_ENOBUFS] = "enobufs",
					      [C_SEQ_GAPS] = "seq_gaps",
					      [C_NLERRORS] = "netlink_errors",
					      NULL };

struct nflog_priv {
	/* options, filled by the core */
	uint64_t group;		/* NFLOG group to bind */
	uint64_t bufsize;	/* ulogd2's, ignored */
	uint64_t addressfamily; /* early ulogd2's, ignored */
	bool bind;		/* make NFLOG the families' logger */
	bool unbind;		/* unbind the families first */
	bool seq_local;		/* ask for NFULA_SEQ */
	bool seq_global;	/* ask for NFULA_SEQ_GLOBAL */
	uint64_t label;		/* raw.label */
	uint64_t rcvbuf;	/* socket receive buffer, 0: leave */
	uint64_t rcvbuf_max;	/* grow on ENOBUFS up to this */
	uint64_t qthreshold;	/* NFULA_CFG_QTHRESH, 0: leave */
	uint64_t qtimeout;	/* NFULA_CFG_TIMEOUT, 0: leave */
	uint64_t copy_range;	/* bytes of packet; 0: metadata only */
	uint64_t nlbufsiz;	/* NFULA_CFG_NLBUFSIZ, 0: leave */
	bool conntrack;		/* ask for NFULA_CT */
	uint64_t max_batch;	/* messages per wakeup */

	/* state */
	int fd;			    /* the netlink socket, -1 when closed */
	uint8_t *buf;		    /* NFLOG_RXBUF bytes, owned */
	uint32_t req_seq;	    /* nlmsg_seq of the last request */
	uint64_t rcvbuf_now;	    /* receive buffer asked for so far */
	bool grow_warned;	    /* told that the buffer cannot grow */
	struct nflog_seq seqtrack;  /* for the seq_gaps counter */
	unsigned int batch;	    /* messages in this wakeup */
	bool dgram_trunc;	    /* this datagram had MSG_TRUNC */
	struct nflog_fill_ctx fill; /* label, ct, reception time */
	/* waiting for an ack in start() */
	uint32_t want_seq; /* nlmsg_seq awaited, 0: none */
	bool acked;	   /* the ack or error came */
	int ack_err;	   /* its error, 0 or -errno */
};

static const struct nfp_option nflog_options[] = {
	{ .name = "group",
	  .type = NFP_OPT_UINT,
	  .def = "0",
	  .min = 0,
	  .max = 65535,
	  .off = offsetof(struct nflog_priv, group),
	  .help = "NFLOG group to listen on (nft 'log group N', iptables --nflog-group N)." },
	{ .name = "bufsize",
	  .type = NFP_OPT_SIZE,
	  .flags = NFP_OPT_DEPRECATED,
	  .off = offsetof(struct nflog_priv, bufsize),
	  .help = "ignored: nfpipe receives into a 256 KiB buffer, enough for any datagram." },
	{ .name = "bind",
	  .type = NFP_OPT_BOOL,
	  .def = "0",
	  .off = offsetof(struct nflog_priv, bind),
	  .help = "Make NFLOG the default logger of IPv4, IPv6 and bridge (group 0 gets what nf_log_packet() logs without a rule, e.g. nf_conntrack_log_invalid)." },
	{ .name = "unbind",
	  .type = NFP_OPT_BOOL,
	  .def = "1",
	  .off = offsetof(struct nflog_priv, unbind),
	  .help = "With bind=1, unbind the families' logger first; kept for ulogd2 configs, as today's kernels replace it on bind anyway." },
	{ .name = "rmem",
	  .type = NFP_OPT_SIZE,
	  .flags = NFP_OPT_DEPRECATED,
	  .off = offsetof(struct nflog_priv, rcvbuf),
	  .help = "early ulogd2's name: use netlink_socket_buffer_size." },
	{ .name = "addressfamily",
	  .type = NFP_OPT_UINT,
	  .flags = NFP_OPT_DEPRECATED,
	  .off = offsetof(struct nflog_priv, addressfamily),
	  .help = "ignored: a group gets every family; bind=1 binds IPv4, IPv6 and bridge." },
	{ .name = "seq_local",
	  .type = NFP_OPT_BOOL,
	  .def = "0",
	  .off = offsetof(struct nflog_priv, seq_local),
	  .help = "Ask for per-group sequence numbers: oob.seq.local and the seq_gaps loss counter." },
	{ .name = "seq_global",
	  .type = NFP_OPT_BOOL,
	  .def = "0",
	  .off = offsetof(struct nflog_priv, seq_global),
	  .help = "Ask for per-namespace sequence numbers: oob.seq.global." },
	{ .name = "numeric_label",
	  .type = NFP_OPT_UINT,
	  .def = "0",
	  .min = 0,
	  .max = 255,
	  .off = offsetof(struct nflog_priv, label),
	  .help = "Value of raw.label in every record (e.g. 0 drop, 1 accept)." },
	{ .name = "netlink_socket_buffer_size",
	  .type = NFP_OPT_SIZE,
	  .def = "8M",
	  .min = 0,
	  .max = 1024 * 1024 * 1024,
	  .off = offsetof(struct nflog_priv, rcvbuf),
	  .help = "Socket receive buffer (SO_RCVBUFFORCE as root, else capped by net.core.rmem_max); 0 keeps the system default." },
	{ .name = "netlink_socket_buffer_maxsize",
	  .type = NFP_OPT_SIZE,
	  .def = "0",
	  .min = 0,
	  .max = 1024 * 1024 * 1024,
	  .off = offsetof(struct nflog_priv, rcvbuf_max),
	  .help = "On ENOBUFS double the receive buffer up to this size; 0 never grows it." },
	{ .name = "netlink_qthreshold",
	  .type = NFP_OPT_UINT,
	  .def = "0",
	  .min = 0,
	  .max = UINT32_MAX,
	  .off = offsetof(struct nflog_priv, qthreshold),
	  .help = "Messages the kernel queues before it sends a datagram; 0 keeps the kernel's (100)." },
	{ .name = "netlink_qtimeout",
	  .type = NFP_OPT_UINT,
	  .def = "0",
	  .min = 0,
	  .max = UINT32_MAX,
	  .off = offsetof(struct nflog_priv, qtimeout),
	  .help = "Longest the kernel queues a message, in 1/100 s; 0 keeps the kernel's (100 = 1 s)." },
	{ .name = "copy_range",
	  .type = NFP_OPT_UINT,
	  .def = "65535",
	  .min = 0,
	  .max = 65535,
	  .off = offsetof(struct nflog_priv, copy_range),
	  .help = "Bytes of each packet to copy (a rule's snaplen may cut more); 0 copies metadata only, no raw.pkt." },
	{ .name = "nlbufsiz",
	  .type = NFP_OPT_SIZE,
	  .def = "128k",
	  .min = 0,
	  .max = NFLOG_NLBUFSIZ_MAX,
	  .off = offsetof(struct nflog_priv, nlbufsiz),
	  .help = "Kernel buffer per datagram, 4096..131072 bytes; 0 keeps the kernel's (one page). Large buffers mean fewer, fuller datagrams: less CPU per packet." },
	{ .name = "conntrack",
	  .type = NFP_OPT_BOOL,
	  .def = "0",
	  .off = offsetof(struct nflog_priv, conntrack),
	  .help = "Ask for conntrack info: ct.state, ct.mark, ct.id (kernel needs CONFIG_NETFILTER_NETLINK_GLUE_CT)." },
	{ .name = "attach_conntrack",
	  .type = NFP_OPT_BOOL,
	  .off = offsetof(struct nflog_priv, conntrack),
	  .help = "ulogd2's name for conntrack." },
	{ .name = "max_batch",
	  .type = NFP_OPT_UINT,
	  .def = "1024",
	  .min = 1,
	  .max = 1000000,
	  .off = offsetof(struct nflog_priv, max_batch),
	  .help = "Messages read per loop wakeup before other sockets get their turn." },
	{ 0 }
};

/* ---- receiving ---------------------------------------------------------- */

static void on_packet(void *arg, const struct nflog_pkt *pkt)
{
	struct nfp_inst *inst = arg;
	struct nflog_priv *p = inst->priv;
	struct nfp_rec *rec;

	inst->ctr[C_MESSAGES]++;
	p->batch++;
	if (p->seq_local && (pkt->has & NFLOG_HAS_SEQ))
		inst->ctr[C_SEQ_GAPS] += nflog_seq_gap(&p->seqtrack, pkt->seq);
	rec = nfp_rec_new(inst);
	if (!rec)
		return;
	nflog_fill(rec, pkt, &p->fill);
	nfp_rec_push(inst, rec);
}

static void on_event(void *arg, enum nflog_event ev, uint32_t seq, int err,
		     const char *why)
{
	struct nfp_inst *inst = arg;
	struct nflog_priv *p = inst->priv;

	switch (ev) {
	case NFLOG_EV_ACK:
	case NFLOG_EV_ERROR:
		if (p->want_seq && seq == p->want_seq) {
			p->acked = true;
			p->ack_err = err;
			break;
		}
		if (ev == NFLOG_EV_ERROR) {
			inst->ctr[C_NLERRORS]++;
			nfp_warn_rl(inst, "netlink error from the kernel: %s",
				    strerror(-err));
		}
		break;
	case NFLOG_EV_MALFORMED:
		inst->ctr[C_MALFORMED]++;
		nfp_warn_rl(inst, "malformed NFLOG message dropped: %s", why);
		break;
	case NFLOG_EV_TRUNCATED:
		/* A datagram cut by MSG_TRUNC was counted once already. */
		if (p->dgram_trunc)
			break;
		inst->ctr[C_TRUNCATED]++;
		nfp_warn_rl(inst, "truncated NFLOG datagram: %s", why);
		break;
	case NFLOG_EV_DONE:
	case NFLOG_EV_OTHER:
		break;
	}
}

static const struct nflog_dgram_ops nflog_ops = {
	.packet = on_packet,
	.event = on_event,
};

/* Ask for @size bytes of receive buffer; returns what the kernel granted. */
static int set_rcvbuf(struct nflog_priv *p, uint64_t size)
{
	int v = size > INT_MAX / 2 ? INT_MAX / 2 : (int)size, got = 0;
	socklen_t sl = sizeof(got);

	/* FORCE ignores net.core.rmem_max but needs CAP_NET_ADMIN. */
	if (setsockopt(p->fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)) < 0)
		setsockopt(p->fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
	p->rcvbuf_now = size;
	if (getsockopt(p->fd, SOL_SOCKET, SO_RCVBUF, &got, &sl) < 0)
		return 0;
	/* The kernel doubles the value for its bookkeeping. */
	return got / 2;
}

static void grow_rcvbuf(struct nfp_inst *inst)
{
	struct nflog_priv *p = inst->priv;
	uint64_t want = p->rcvbuf_now ? p->rcvbuf_now * 2 : 256 * 1024;
	int got;

	if (!p->rcvbuf_max || p->rcvbuf_now >= p->rcvbuf_max) {
		if (!p->grow_warned)
			nfp_warn(
				inst,
				"the kernel dropped NFLOG messages (ENOBUFS): raise netlink_socket_buffer_size or netlink_socket_buffer_maxsize, or netlink_qthreshold");
		p->grow_warned = true;
		return;
	}
	if (want > p->rcvbuf_max)
		want = p->rcvbuf_max;
	got = set_rcvbuf(p, want);
	nfp_info(
		inst,
		"the kernel dropped NFLOG messages (ENOBUFS): receive buffer raised to %d bytes",
		got);
}

/*
 * Receive one datagram and run it through the parser. Returns its size, or
 * -errno (-EAGAIN when the socket is empty).
 */
static ssize_t rx_one(struct nfp_inst *inst)
{
	struct nflog_priv *p = inst->priv;
	struct sockaddr_nl sa;
	struct iovec iov = { .iov_base = p->buf, .iov_len = NFLOG_RXBUF };
	struct msghdr mh = {
		.msg_name = &sa,
		.msg_namelen = sizeof(sa),
		.msg_iov = &iov,
		.msg_iovlen = 1,
	};
	struct timespec now;
	ssize_t n;

	n = recvmsg(p->fd, &mh, MSG_DONTWAIT);
	if (n < 0) {
		if (errno == ENOBUFS) {
			inst->ctr[C_ENOBUFS]++;
			grow_rcvbuf(inst);
		}
		return -errno;
	}
	/* Only the kernel (port 0) may talk to us; anyone can unicast. */
	if (mh.msg_namelen < sizeof(sa) || sa.nl_pid != 0) {
		inst->ctr[C_MALFORMED]++;
		nfp_warn_rl(
			inst,
			"ignored a datagram from user-space netlink port %u",
			(unsigned int)sa.nl_pid);
		return n;
	}
	p->dgram_trunc = (mh.msg_flags & MSG_TRUNC) != 0;
	if (p->dgram_trunc) {
		inst->ctr[C_TRUNCATED]++;
		nfp_warn_rl(inst,
			    "NFLOG datagram larger than %d bytes truncated",
			    NFLOG_RXBUF);
		n = NFLOG_RXBUF;
	}
	/* One clock read per datagram: the kernel sent them together. */
	clock_gettime(CLOCK_REALTIME, &now);
	p->fill.now_sec = now.tv_sec;
	p->fill.now_usec = (uint32_t)(now.tv_nsec / 1000);
	nflog_dgram(p->buf, (size_t)n, &nflog_ops, inst);
	return n;
}

static void nflog_read(struct nfp_inst *inst, int fd, uint32_t events)
{
	struct nflog_priv *p = inst->priv;
	unsigned int dgrams;
	ssize_t r;

	/* Datagrams are bounded too: one may hold no packet at all. */
	p->batch = 0;
	for (dgrams = 0; p->batch < p->max_batch && dgrams < p->max_batch;
	     dgrams++) {
		r = rx_one(inst);
		if (r == -EAGAIN || r == -EWOULDBLOCK)
			break;
		if (r == -ENOBUFS || r == -EINTR || r >= 0)
			continue;
		nfp_err_rl(inst, "reading the NFLOG socket failed: %s",
			   strerror((int)-r));
		break;
	}
}

/* ---- configuring the kernel ---------------------------------------------- */

/*
 * A config request for @group and family @pf in @buf, with a fresh seq and
 * an ack asked for (libnetfilter_log's header asks for none).
 */
static struct nlmsghdr *cfg_msg(struct nflog_priv *p, char *buf, uint8_t pf,
				uint16_t group)
{
	struct nlmsghdr *nlh;

	nlh = nflog_nlmsg_put_header(buf, NFULNL_MSG_CONFIG, pf, group);
	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = ++p->req_seq;
	return nlh;
}

/*
 * Send @nlh and wait for its ack. Packets that arrive meanwhile (the group
 * is bound before its last setting) go down the stacks as usual. Returns 0
 * or the kernel's -errno; -ETIMEDOUT when no answer came.
 */
static int request(struct nfp_inst *inst, struct nlmsghdr *nlh)
{
	struct nflog_priv *p = inst->priv;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
	struct timespec t0, t;
	long left;
	ssize_t r;

	if (sendto(p->fd, nlh, nlh->nlmsg_len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel)) < 0)
		return -errno;
	p->want_seq = nlh->nlmsg_seq;
	p->acked = false;
	p->ack_err = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		r = rx_one(inst);
		if (p->acked)
			break;
		if (r < 0 && r != -EAGAIN && r != -EWOULDBLOCK &&
		    r != -ENOBUFS && r != -EINTR) {
			p->want_seq = 0;
			return (int)r;
		}
		/* Checked every time: a busy group must not hide a lost ack. */
		clock_gettime(CLOCK_MONOTONIC, &t);
		left = NFLOG_ACK_TIMEOUT_MS - (t.tv_sec - t0.tv_sec) * 1000 -
		       (t.tv_nsec - t0.tv_nsec) / 1000000;
		if (left <= 0) {
			p->want_seq = 0;
			return -ETIMEDOUT;
		}
		if (r == -EAGAIN || r == -EWOULDBLOCK)
			poll(&pfd, 1, (int)left);
	}
	p->want_seq = 0;
	return p->ack_err;
}

/* The kernel asks us to retry once it has loaded a module (EAGAIN). */
static int request_retry(struct nfp_inst *inst, struct nlmsghdr *nlh)
{
	int ret, i;

	for (i = 0; i < 3; i++) {
		ret = request(inst, nlh);
		if (ret != -EAGAIN)
			break;
		nlh->nlmsg_seq = ++((struct nflog_priv *)inst->priv)->req_seq;
	}
	return ret;
}

/* The netlink port id bound to @group in this netns, or 0 if none. */
static uint32_t group_owner(uint16_t group)
{
	FILE *f = fopen("/proc/net/netfilter/nfnetlink_log", "re");
	unsigned int g, port;
	char line[256];
	uint32_t owner = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%u %u", &g, &port) == 2 && g == group) {
			owner = port;
			break;
		}
	fclose(f);
	return owner;
}

static void bind_error(struct nfp_inst *inst, uint16_t group, int err)
{
	uint32_t owner;

	/*
	 * EPERM means either no CAP_NET_ADMIN or a group someone else owns;
	 * the kernel's list of bound groups tells the two apart.
	 */
	if (err == -EPERM || err == -EBUSY) {
		owner = group_owner(group);
		if (owner) {
			nfp_err(inst,
				"another process already listens on NFLOG group %u in this network namespace (netlink port %u, usually its pid): stop it or use another group",
				group, owner);
			return;
		}
	}
	if (err == -EPERM) {
		nfp_err(inst,
			"binding NFLOG group %u needs root or CAP_NET_ADMIN",
			group);
		return;
	}
	nfp_err(inst,
		"cannot bind NFLOG group %u: %s (is nfnetlink_log available? modprobe nfnetlink_log)",
		group, strerror(-err));
}

static int bind_families(struct nfp_inst *inst)
{
	static const uint8_t pfs[] = { AF_INET, AF_INET6, AF_BRIDGE };
	static const char *const names[] = { "IPv4", "IPv6", "bridge" };
	struct nflog_priv *p = inst->priv;
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	unsigned int i;
	int ret;

	for (i = 0; i < sizeof(pfs); i++) {
		if (p->unbind) {
			nlh = cfg_msg(p, buf, pfs[i], 0);
			nflog_attr_put_cfg_cmd(nlh, NFULNL_CFG_CMD_PF_UNBIND);
			ret = request_retry(inst, nlh);
			if (ret < 0) {
				nfp_err(inst, "cannot unbind the %s logger: %s",
					names[i], strerror(-ret));
				return ret;
			}
		}
		nlh = cfg_msg(p, buf, pfs[i], 0);
		nflog_attr_put_cfg_cmd(nlh, NFULNL_CFG_CMD_PF_BIND);
		ret = request_retry(inst, nlh);
		if (ret < 0) {
			nfp_err(inst, "cannot make NFLOG the %s logger: %s%s",
				names[i], strerror(-ret),
				ret == -EPERM ? " (needs CAP_NET_ADMIN)" : "");
			return ret;
		}
	}
	return 0;
}

static uint16_t seq_flags(const struct nflog_priv *p)
{
	return (p->seq_local ? NFULNL_CFG_F_SEQ : 0) |
	       (p->seq_global ? NFULNL_CFG_F_SEQ_GLOBAL : 0);
}

/* Bind the group and set copy mode, queue and flags in one request. */
static int bind_group(struct nfp_inst *inst)
{
	struct nflog_priv *p = inst->priv;
	char buf[MNL_SOCKET_BUFFER_SIZE];
	uint16_t group = (uint16_t)p->group;
	struct nlmsghdr *nlh;
	int ret;

	nlh = cfg_msg(p, buf, AF_UNSPEC, group);
	nflog_attr_put_cfg_cmd(nlh, NFULNL_CFG_CMD_BIND);
	nflog_attr_put_cfg_mode(
		nlh, p->copy_range ? NFULNL_COPY_PACKET : NFULNL_COPY_META,
		(uint32_t)p->copy_range);
	/* The library has no helper for these: libmnl's. */
	if (p->qthreshold)
		mnl_attr_put_u32(nlh, NFULA_CFG_QTHRESH,
				 htonl((uint32_t)p->qthreshold));
	if (p->qtimeout)
		mnl_attr_put_u32(nlh, NFULA_CFG_TIMEOUT,
				 htonl((uint32_t)p->qtimeout));
	if (p->nlbufsiz)
		mnl_attr_put_u32(nlh, NFULA_CFG_NLBUFSIZ,
				 htonl((uint32_t)p->nlbufsiz));
	if (seq_flags(p))
		mnl_attr_put_u16(nlh, NFULA_CFG_FLAGS, htons(seq_flags(p)));
	ret = request_retry(inst, nlh);
	if (ret < 0) {
		bind_error(inst, group, ret);
		return ret;
	}
	if (!p->conntrack)
		return 0;

	/*
	 * A separate request: a kernel without conntrack glue refuses the
	 * whole message, and the rest must not depend on it.
	 */
	nlh = cfg_msg(p, buf, AF_UNSPEC, group);
	mnl_attr_put_u16(nlh, NFULA_CFG_FLAGS,
			 htons(seq_flags(p) | NFULNL_CFG_F_CONNTRACK));
	ret = request_retry(inst, nlh);
	if (ret == 0) {
		p->fill.ct = true;
	} else if (ret == -EOPNOTSUPP || ret == -EINVAL ||
		   ret == -KERNEL_ENOTSUPP) {
		nfp_warn(
			inst,
			"this kernel lacks CONFIG_NETFILTER_NETLINK_GLUE_CT (or nf_conntrack_netlink): going on without ct.state, ct.mark and ct.id");
	} else {
		nfp_warn(
			inst,
			"the kernel refused conntrack info (%s): going on without ct.state, ct.mark and ct.id",
			strerror(-ret));
	}
	return 0;
}

/* ---- plugin callbacks ---------------------------------------------------- */

static int nflog_configure(struct nfp_inst *inst)
{
	struct nflog_priv *p = inst->priv;

	if (p->nlbufsiz && p->nlbufsiz < NFLOG_NLBUFSIZ_MIN) {
		nfp_err(inst,
			"nlbufsiz=%llu is below %d bytes: the kernel ignores it; use 0 for its default",
			(unsigned long long)p->nlbufsiz, NFLOG_NLBUFSIZ_MIN);
		return -EINVAL;
	}
	if (p->rcvbuf_max && p->rcvbuf_max < p->rcvbuf)
		nfp_warn(
			inst,
			"netlink_socket_buffer_maxsize is below netlink_socket_buffer_size: the buffer will not grow");
	/* Keys nobody will ever set stay out of OPRINT's and JSON's way. */
	if (!p->conntrack)
		return nfp_inst_set_keys(inst, NULL, nflog_keys_noct);
	return 0;
}

static void close_socket(struct nflog_priv *p)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	free(p->buf);
	p->buf = NULL;
}

static int nflog_start(struct nfp_inst *inst)
{
	struct nflog_priv *p = inst->priv;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int ret, got;

	p->fd = -1;
	p->fill.label = (uint8_t)p->label;
	p->buf = malloc(NFLOG_RXBUF);
	if (!p->buf) {
		nfp_err(inst, "out of memory");
		return -ENOMEM;
	}
	p->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
		       NETLINK_NETFILTER);
	if (p->fd < 0 || bind(p->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		ret = -errno;
		nfp_err(inst, "cannot open a netfilter netlink socket: %s",
			strerror(-ret));
		goto fail;
	}
	if (p->rcvbuf) {
		got = set_rcvbuf(p, p->rcvbuf);
		if ((uint64_t)got < p->rcvbuf)
			nfp_warn(
				inst,
				"receive buffer is %d bytes, not %llu: run as root (SO_RCVBUFFORCE) or raise net.core.rmem_max",
				got, (unsigned long long)p->rcvbuf);
	}
	if (p->bind) {
		ret = bind_families(inst);
		if (ret < 0)
			goto fail;
	}
	ret = bind_group(inst);
	if (ret < 0)
		goto fail;
	ret = nfp_fd_add(inst, p->fd, EPOLLIN, nflog_read);
	if (ret < 0) {
		nfp_err(inst, "cannot watch the NFLOG socket: %s",
			strerror(-ret));
		goto fail;
	}
	nfp_info(inst, "listening on NFLOG group %u (%s)",
		 (unsigned int)p->group,
		 p->copy_range ? "packets" : "metadata only");
	return 0;
fail:
	close_socket(p);
	return ret;
}

static void nflog_stop(struct nfp_inst *inst)
{
	struct nflog_priv *p = inst->priv;
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct pollfd pfd;
	struct nlmsghdr *nlh;
	uint64_t deadline, now;

	if (p->fd < 0)
		return;
	nfp_fd_del(inst, p->fd);
	/*
	 * Unbinding makes the kernel send the batch it still holds before
	 * its ack: request() pushes those packets down the stacks, so a stop
	 * loses nothing the kernel had logged.
	 */
	nlh = cfg_msg(p, buf, AF_UNSPEC, (uint16_t)p->group);
	nflog_attr_put_cfg_cmd(nlh, NFULNL_CFG_CMD_UNBIND);
	if (request(inst, nlh) < 0 && p->qthreshold != 1) {
		/*
		 * After dropping privileges the kernel refuses the unbind and
		 * only sends a partial batch when its timer fires: wait that
		 * long (bounded) and read what comes.
		 */
		uint64_t ms = (p->qtimeout ? p->qtimeout : 100) * 10 + 50;

		if (ms > 2000)
			ms = 2000;
		deadline = nfp_now_ms() + ms;
		pfd.fd = p->fd;
		pfd.events = POLLIN;
		while ((now = nfp_now_ms()) < deadline) {
			pfd.revents = 0;
			if (poll(&pfd, 1, (int)(deadline - now)) <= 0)
				break;
			nflog_read(inst, p->fd, EPOLLIN);
		}
	}
	close_socket(p);
}

NFP_PLUGIN(input, nflog) = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_INPUT,
	.name = "NFLOG",
	.summary =
		"packets logged by nftables 'log group N' / iptables NFLOG rules",
	.options = nflog_options,
	.out_keys = nflog_keys,
	.counters = nflog_counters,
	.priv_size = sizeof(struct nflog_priv),
	.configure = nflog_configure,
	.start = nflog_start,
	.stop = nflog_stop,
};
