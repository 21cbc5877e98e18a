/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * input/nfacct - the counters of nfacct objects, polled
 *
 * Every pollinterval a timer sends one NFNL_MSG_ACCT_GET dump request (or
 * _GET_CTRZERO, which reads and zeroes atomically, with zerocounter=1) on a
 * NETLINK_NETFILTER socket that sits in the core's loop; each object of
 * the answer becomes one record: sum.name, sum.pkts, sum.bytes (64-bit end
 * to end), oob.time.sec/usec, the time of the request, and what the
 * kernel says of references and quotas (sum.use, sum.quota...). The
 * request is built and the answer decoded by libnetfilter_acct, into one
 * struct nfacct per instance, reused for every object. The socket is
 * opened in start(), as root, in the netns option's namespace when given,
 * and CAP_NET_ADMIN is kept across the daemon's -u USER (the kernel checks
 * it on every dump request). A refused dump is logged, rate-limited, and
 * counted; nothing stops silently. Main thread only.
 */
#include <linux/capability.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <nfpipe/plugin.h>

#include "../nfct/nlsys.h"
#include "nfacct_parse.h"

#define NFACCT_RXBUF (64 * 1024) /* dump datagrams are <= 32 KiB */

enum nfacct_ctr {
	C_POLLS,
	C_OBJECTS,
	C_MALFORMED,
	C_TRUNCATED,
	C_ERRORS,
};

static const char *const nfacct_counters[] = {
	[C_POLLS] = "polls",	     [C_OBJECTS] = "objects",
	[C_MALFORMED] = "malformed", [C_TRUNCATED] = "truncated",
	[C_ERRORS] = "dump_errors",  NULL
};

struct nfacct_priv {
	/* options, filled by the core */
	uint64_t pollinterval; /* ms between polls */
	bool zerocounter;      /* read and reset */
	bool timestamp;	       /* ulogd2's; the time is always set */
	char *netns;	       /* namespace path, or NULL */
	char *netns_ulogd;     /* network_namespace_path (ulogd2) */

	/* state */
	int fd;			 /* the netlink socket, -1 when closed */
	uint32_t seq;		 /* nlmsg_seq of the last request */
	uint32_t req_sec;	 /* time of the last request */
	uint32_t req_usec;	 /* and its microseconds */
	uint8_t *buf;		 /* NFACCT_RXBUF bytes */
	struct nfacct *acct;	 /* every object is decoded into it */
	struct nfp_timer *timer; /* the polls */
};

static const struct nfp_option nfacct_options[] = {
	{ .name = "pollinterval",
	  .type = NFP_OPT_DURATION,
	  .flags = NFP_OPT_REQUIRED,
	  .unit = "s",
	  .min = 100,
	  .max = 86400000,
	  .off = offsetof(struct nfacct_priv, pollinterval),
	  .help = "Read the counters this often (seconds unless a unit is given)." },
	{ .name = "zerocounter",
	  .type = NFP_OPT_BOOL,
	  .def = "1",
	  .off = offsetof(struct nfacct_priv, zerocounter),
	  .help = "Zero each counter as it is read (atomically), so that every record holds what was counted since the last one." },
	{ .name = "timestamp",
	  .type = NFP_OPT_BOOL,
	  .flags = NFP_OPT_DEPRECATED,
	  .off = offsetof(struct nfacct_priv, timestamp),
	  .help = "ignored: oob.time.sec and oob.time.usec are always set." },
	{ .name = "netns",
	  .type = NFP_OPT_PATH,
	  .off = offsetof(struct nfacct_priv, netns),
	  .help = "Read the objects of this network namespace (e.g. /run/netns/NAME)." },
	{ .name = "network_namespace_path",
	  .type = NFP_OPT_PATH,
	  .off = offsetof(struct nfacct_priv, netns_ulogd),
	  .help = "ulogd2's name for netns." },
	{ 0 }
};

static void on_obj(void *arg, struct nfacct *acct,
		   const struct nfacct_info *info, uint32_t seq)
{
	struct nfp_inst *inst = arg;
	struct nfacct_priv *p = inst->priv;
	struct nfp_rec *rec;

	inst->ctr[C_OBJECTS]++;
	rec = nfp_rec_new(inst);
	if (!rec)
		return;
	nfacct_fill(rec, acct, info, p->req_sec, p->req_usec);
	nfp_rec_push(inst, rec);
}

static void on_event(void *arg, enum nfacct_event ev, uint32_t seq, int err,
		     const char *why)
{
	struct nfp_inst *inst = arg;

	switch (ev) {
	case NFACCT_DG_ERROR:
		inst->ctr[C_ERRORS]++;
		if (err == -EPERM)
			nfp_err_rl(
				inst,
				"the kernel refused the nfacct dump (EPERM): the daemon lacks CAP_NET_ADMIN");
		else
			nfp_err_rl(inst, "nfacct dump failed: %s",
				   strerror(-err));
		break;
	case NFACCT_DG_MALFORMED:
		inst->ctr[C_MALFORMED]++;
		nfp_warn_rl(inst, "malformed nfacct message dropped: %s",
			    why ? why : "?");
		break;
	case NFACCT_DG_TRUNCATED:
		inst->ctr[C_TRUNCATED]++;
		nfp_warn_rl(inst, "truncated nfacct datagram: %s",
			    why ? why : "?");
		break;
	default:
		break;
	}
}

static const struct nfacct_dgram_ops nfacct_ops = {
	.obj = on_obj,
	.event = on_event,
};

/*
 * Answers of every request are taken, not only the last one's: with
 * zerocounter=1 a late answer holds counts that exist nowhere else.
 */
static void nfacct_read(struct nfp_inst *inst, int fd, uint32_t events)
{
	struct nfacct_priv *p = inst->priv;
	struct sockaddr_nl from;
	socklen_t fl;
	ssize_t n;
	int i;

	for (i = 0; i < 256; i++) {
		fl = sizeof(from);
		n = recvfrom(p->fd, p->buf, NFACCT_RXBUF,
			     MSG_DONTWAIT | MSG_TRUNC, (struct sockaddr *)&from,
			     &fl);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				nfp_err_rl(
					inst,
					"reading the nfacct socket failed: %s",
					strerror(errno));
			return;
		}
		if (fl < sizeof(from) || from.nl_pid != 0)
			continue;
		if ((size_t)n > NFACCT_RXBUF) {
			inst->ctr[C_TRUNCATED]++;
			n = NFACCT_RXBUF;
		}
		nfacct_dgram(p->buf, (size_t)n, p->acct, &nfacct_ops, inst);
	}
}

static void nfacct_poll(struct nfp_inst *inst, void *arg)
{
	struct nfacct_priv *p = inst->priv;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	uint32_t req[NFACCT_REQ_LEN / sizeof(uint32_t)];
	struct timespec now;
	size_t len;

	if (nfp_stopping())
		return;
	len = nfacct_request(req, p->zerocounter, ++p->seq);
	inst->ctr[C_POLLS]++;
	/* The counters are read when the kernel gets the request. */
	clock_gettime(CLOCK_REALTIME, &now);
	p->req_sec = (uint32_t)now.tv_sec;
	p->req_usec = (uint32_t)(now.tv_nsec / 1000);
	if (sendto(p->fd, req, len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel)) < 0) {
		inst->ctr[C_ERRORS]++;
		nfp_err_rl(inst, "cannot ask for the nfacct counters: %s",
			   strerror(errno));
	}
}

static int open_socket(struct nfp_inst *inst)
{
	struct nfacct_priv *p = inst->priv;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	const char *ns = p->netns ? p->netns : p->netns_ulogd;
	int saved = -1, err = 0, err2;

	if (ns) {
		err = nlsys_netns_enter(ns, &saved);
		if (err) {
			nfp_err(inst, "cannot enter network namespace %s: %s",
				ns, strerror(-err));
			return err;
		}
	}
	p->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
		       NETLINK_NETFILTER);
	if (p->fd < 0 || bind(p->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = -errno;
		nfp_err(inst, "cannot open a netlink socket: %s",
			strerror(errno));
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

static void nfacct_stop(struct nfp_inst *inst)
{
	struct nfacct_priv *p = inst->priv;

	nfp_timer_free(p->timer);
	p->timer = NULL;
	if (p->fd >= 0) {
		nfp_fd_del(inst, p->fd);
		close(p->fd);
		p->fd = -1;
	}
	free(p->buf);
	p->buf = NULL;
	nfacct_free(p->acct);
	p->acct = NULL;
}

static int nfacct_configure(struct nfp_inst *inst)
{
	struct nfacct_priv *p = inst->priv;

	if (p->netns && p->netns_ulogd) {
		nfp_err(inst, "set netns or network_namespace_path, not both");
		return -EINVAL;
	}
	return 0;
}

static int nfacct_start(struct nfp_inst *inst)
{
	struct nfacct_priv *p = inst->priv;
	int err;

	p->fd = -1;
	err = open_socket(inst);
	if (err)
		goto fail;
	p->buf = malloc(NFACCT_RXBUF);
	p->acct = nfacct_alloc();
	p->timer = nfp_timer_new(inst, nfacct_poll, NULL);
	if (!p->buf || !p->acct || !p->timer) {
		err = -ENOMEM;
		goto fail;
	}
	err = nfp_fd_add(inst, p->fd, EPOLLIN, nfacct_read);
	if (!err)
		err = nfp_timer_arm(p->timer, p->pollinterval, p->pollinterval);
	if (err)
		goto fail;
	/*
	 * The kernel checks CAP_NET_ADMIN on every dump request, so polls
	 * after -u USER need it kept (and only it).
	 */
	nfp_keep_caps(inst, UINT64_C(1) << CAP_NET_ADMIN);
	nfp_info(inst, "polling nfacct every %llu ms%s",
		 (unsigned long long)p->pollinterval,
		 p->zerocounter ? ", zeroing the counters" : "");
	return 0;
fail:
	nfacct_stop(inst);
	return err;
}

NFP_PLUGIN(input, nfacct) = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_INPUT,
	.name = "NFACCT",
	.summary = "nfacct object counters, polled (64-bit)",
	.options = nfacct_options,
	.out_keys = nfacct_keys,
	.counters = nfacct_counters,
	.priv_size = sizeof(struct nfacct_priv),
	.configure = nfacct_configure,
	.start = nfacct_start,
	.stop = nfacct_stop,
};
