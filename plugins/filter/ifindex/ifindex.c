/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter/ifindex - IFINDEX: interface names for oob.ifindex_in/_out
 *
 * Consumes oob.ifindex_in and oob.ifindex_out and produces oob.in and
 * oob.out: the interface's name, "" for index 0 (no interface), as ulogd2.
 * Names come from a cache (ifcache.c) filled by an RTM_GETLINK dump at
 * start and kept current by the RTMGRP_LINK multicast on the same socket,
 * which the loop watches: renames, new links, deleted links and reused
 * indexes all land there before the next packet that needs them. When the
 * kernel dropped notifications (ENOBUFS) the cache is dumped again and
 * entries the dump no longer lists are swept.
 *
 * process() never blocks: an index missing from the cache (a link newer
 * than the last notification read) is asked of if_indextoname(), one ioctl,
 * and remembered; an index the kernel does not know either becomes its
 * number as text. Names point into the cache, which changes only in the
 * socket's callback, never while a record travels. Main thread only.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <nfpipe/plugin.h>

#include "ifcache.h"
#include "ifindex.h"

#define IFX_BUF_SIZE	65536	/* one netlink datagram, dumps included */
#define IFX_BATCH	64	/* datagrams read per wakeup */
#define IFX_START_WAIT	5	/* seconds the start-up dump may take */

struct ifindex_priv {
	struct mnl_socket *nl;	/* NETLINK_ROUTE, bound to RTMGRP_LINK */
	int fd;			/* its fd, -1 when closed */
	bool watched;		/* fd registered with the loop */
	struct ifc cache;	/* index -> name */
	void *buf;		/* receive buffer, IFX_BUF_SIZE */
	uint32_t seq;		/* last request's sequence number */
	uint32_t dump_seq;	/* dump in flight, 0 when none */
	uint32_t dump_gen;	/* its cache generation, for the sweep */
	bool redump;		/* another dump is due after this one */
};

enum ifindex_in {
	XI_IFINDEX_IN,
	XI_IFINDEX_OUT,
};

static const struct nfp_key ifindex_in_keys[] = {
	[XI_IFINDEX_IN] = { "oob.ifindex_in", NFP_T_U32, 0,
			    "input interface index, 0 when none" },
	[XI_IFINDEX_OUT] = { "oob.ifindex_out", NFP_T_U32, 0,
			     "output interface index, 0 when none" },
	{ 0 }
};

enum ifindex_out {
	XO_IN,
	XO_OUT,
};

static const struct nfp_key ifindex_out_keys[] = {
	[XO_IN] = { "oob.in", NFP_T_STRING, 0,
		    "input interface name, \"\" when none" },
	[XO_OUT] = { "oob.out", NFP_T_STRING, 0,
		     "output interface name, \"\" when none" },
	{ 0 }
};

enum ifindex_ctr {
	XC_MISSES,
	XC_UNKNOWN,
	XC_RESYNCS,
};

static const char *const ifindex_counters[] = {
	[XC_MISSES] = "misses",		/* not cached: asked the kernel */
	[XC_UNKNOWN] = "unknown",	/* the kernel did not know it either */
	[XC_RESYNCS] = "resyncs",	/* dumps after lost notifications */
	NULL
};

/* Ask for every link; the answers arrive on the same socket. */
static int request_dump(struct ifindex_priv *p)
{
	char buf[NLMSG_SPACE(sizeof(struct ifinfomsg))];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	if (++p->seq == 0)	/* 0 is what notifications carry */
		p->seq = 1;
	nlh->nlmsg_seq = p->seq;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	if (mnl_socket_sendto(p->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	p->dump_seq = nlh->nlmsg_seq;
	p->dump_gen = ifc_begin_dump(&p->cache);
	p->redump = false;
	return 0;
}

/* What one datagram meant for the dump in flight. */
static void after_feed(struct nfp_inst *inst, const struct ifc_stats *st)
{
	struct ifindex_priv *p = inst->priv;

	if (st->bad)
		nfp_warn_rl(inst, "malformed rtnetlink message ignored");
	if (!p->dump_seq)
		return;
	if (st->error && st->error_seq == p->dump_seq) {
		nfp_warn_rl(inst, "link dump failed: %s", strerror(-st->error));
		p->dump_seq = 0;
		return;
	}
	if (st->intr)
		p->redump = true;
	if (st->done_seq >= 0 && (uint32_t)st->done_seq == p->dump_seq) {
		/* A dump interrupted by changes may miss links: no sweep. */
		if (!p->redump)
			ifc_sweep(&p->cache, p->dump_gen);
		p->dump_seq = 0;
	}
}

void ifindex_feed(struct nfp_inst *inst, const void *buf, size_t len)
{
	struct ifindex_priv *p = inst->priv;
	struct ifc_stats st = IFC_STATS_INIT;

	if (ifc_feed(&p->cache, buf, len, &st) < 0)
		nfp_err_rl(inst, "out of memory for the interface cache");
	after_feed(inst, &st);
}

void ifindex_read(struct nfp_inst *inst)
{
	struct ifindex_priv *p = inst->priv;
	unsigned int i;
	ssize_t n;

	for (i = 0; i < IFX_BATCH; i++) {
		n = recv(p->fd, p->buf, IFX_BUF_SIZE, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				/* Notifications were lost: ask for all. */
				inst->ctr[XC_RESYNCS]++;
				p->redump = true;
				continue;
			}
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				nfp_warn_rl(inst, "rtnetlink receive: %s",
					    strerror(errno));
			break;
		}
		ifindex_feed(inst, p->buf, (size_t)n);
	}
	if (p->redump && !p->dump_seq && request_dump(p) < 0)
		nfp_warn_rl(inst, "cannot request a link dump: %s",
			    strerror(errno));
}

int ifindex_fd(struct nfp_inst *inst)
{
	return ((struct ifindex_priv *)inst->priv)->fd;
}

static void ifindex_readable(struct nfp_inst *inst, int fd, uint32_t events)
{
	ifindex_read(inst);
}

/* The start-up dump, read to its end before the first packet. */
static int initial_dump(struct nfp_inst *inst)
{
	struct ifindex_priv *p = inst->priv;
	struct timeval tv = { .tv_sec = IFX_START_WAIT };
	int ret;

	if (setsockopt(p->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		return -errno;
	ret = request_dump(p);
	if (ret < 0)
		return ret;
	while (p->dump_seq) {
		ssize_t n = recv(p->fd, p->buf, IFX_BUF_SIZE, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				p->redump = true;
				continue;
			}
			return -errno;
		}
		ifindex_feed(inst, p->buf, (size_t)n);
		if (!p->dump_seq && p->redump) {
			ret = request_dump(p);
			if (ret < 0)
				return ret;
		}
	}
	return 0;
}

static void ifindex_stop(struct nfp_inst *inst)
{
	struct ifindex_priv *p = inst->priv;

	if (p->watched)
		nfp_fd_del(inst, p->fd);
	p->watched = false;
	if (p->nl)
		mnl_socket_close(p->nl);
	p->nl = NULL;
	p->fd = -1;
	ifc_free(&p->cache);
	free(p->buf);
	p->buf = NULL;
}

static int ifindex_start(struct nfp_inst *inst)
{
	struct ifindex_priv *p = inst->priv;
	int ret, fl;

	ifc_init(&p->cache);
	p->fd = -1;
	p->buf = malloc(IFX_BUF_SIZE);
	if (!p->buf)
		return -ENOMEM;
	p->nl = mnl_socket_open(NETLINK_ROUTE);
	if (!p->nl) {
		ret = -errno;
		nfp_err(inst, "cannot open an rtnetlink socket: %s",
			strerror(errno));
		goto fail;
	}
	p->fd = mnl_socket_get_fd(p->nl);
	fl = fcntl(p->fd, F_GETFD);
	if (fl >= 0)
		fcntl(p->fd, F_SETFD, fl | FD_CLOEXEC);
	if (mnl_socket_bind(p->nl, RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		nfp_err(inst, "cannot join the rtnetlink link group: %s",
			strerror(errno));
		goto fail;
	}
	ret = initial_dump(inst);
	if (ret < 0) {
		nfp_err(inst, "cannot list the interfaces: %s",
			strerror(-ret));
		goto fail;
	}
	ret = nfp_fd_add(inst, p->fd, EPOLLIN, ifindex_readable);
	if (ret < 0) {
		nfp_err(inst, "cannot watch the rtnetlink socket: %s",
			strerror(-ret));
		goto fail;
	}
	p->watched = true;
	nfp_dbg(inst, "%u interfaces known", p->cache.count);
	return 0;
fail:
	ifindex_stop(inst);
	return ret;
}

const char *ifindex_name(struct nfp_inst *inst, struct nfp_rec *rec,
			 uint32_t index, uint32_t *len)
{
	struct ifindex_priv *p = inst->priv;
	char tmp[IF_NAMESIZE];
	const char *s;

	if (!index) {
		*len = 0;
		return "";
	}
	s = ifc_lookup(&p->cache, index);
	if (!s) {
		/* Newer than the notifications read so far: ask directly. */
		inst->ctr[XC_MISSES]++;
		if (if_indextoname(index, tmp) && ifc_set(&p->cache, index,
							  tmp) == 0)
			s = ifc_lookup(&p->cache, index);
	}
	if (s) {
		*len = (uint32_t)strlen(s);
		return s;
	}
	inst->ctr[XC_UNKNOWN]++;
	return nfp_rec_printf(rec, len, "%u", index);
}

static enum nfp_ret ifindex_process(struct nfp_inst *inst, struct nfp_rec *rec)
{
	static const unsigned int in[] = { XI_IFINDEX_IN, XI_IFINDEX_OUT };
	static const unsigned int out[] = { XO_IN, XO_OUT };
	unsigned int i;

	for (i = 0; i < 2; i++) {
		const struct nfp_value *v = nfp_get(rec, in[i]);
		const char *s;
		uint32_t len;

		if (!nfp_wanted(rec, out[i]))
			continue;
		s = ifindex_name(inst, rec, v ? v->u32 : 0, &len);
		if (s)
			nfp_set_str(rec, out[i], s, len);
	}
	return NFP_OK;
}

NFP_PLUGIN(filter, ifindex) = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_FILTER,
	.name = "IFINDEX",
	.summary = "interface names (oob.in, oob.out) from interface indexes",
	.in_keys = ifindex_in_keys,
	.out_keys = ifindex_out_keys,
	.counters = ifindex_counters,
	.priv_size = sizeof(struct ifindex_priv),
	.start = ifindex_start,
	.process = ifindex_process,
	.stop = ifindex_stop,
};
