/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output/syslog - the `print` line of each record to the local syslog
 *
 * Consumes `print` (PRINTPKT's or PRINTFLOW's line) and sends it to a UNIX
 * socket of the system logger (`socket`, /dev/log by default) exactly as
 * glibc's syslog(3) would: "<PRI>Mmm dd hh:mm:ss ident[pid]: line", one
 * datagram a line (a stream socket gets a NUL after each line, as glibc
 * does). syslog(3) itself is not used because it can block the loop on a
 * slow logger and cannot be pointed at another socket for tests.
 *
 * Lines are queued per batch and sent from flush() with one sendmmsg(2),
 * never waiting: when the logger's socket is full the rest waits for
 * EPOLLOUT in a bounded queue, and past its bound lines are dropped and
 * counted ("dropped"). A logger that is absent or restarted is reconnected
 * at the next batch (at most once a second). Main thread only.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* sendmmsg */
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <nfpipe/plugin.h>

#include "slfmt.h"

#define SL_QMAX		1024		/* lines waiting for the logger */
#define SL_LINE_MAX	8192		/* longer lines are cut (as rsyslog) */
#define SL_RETRY_MS	1000		/* reconnect at most this often */

enum { SL_PRINT };

static const struct nfp_key syslog_in[] = {
	[SL_PRINT] = { "print", NFP_T_STRING, 0,
		       "the line to log (PRINTPKT, PRINTFLOW)" },
	{ 0 }
};

static const char *const syslog_counters[] = {
	"lines", "sent", "dropped", "send_errors", "reconnects", NULL
};
enum { SC_LINES, SC_SENT, SC_DROPPED, SC_ERRORS, SC_RECONNECTS };

struct sl_msg {
	char *buf;		/* header and line; malloc'ed, SL_LINE_MAX+64 */
	uint32_t len;		/* bytes to send */
};

struct syslog_priv {
	char *facility;		/* option: LOG_DAEMON, LOG_LOCAL0, ... */
	char *level;		/* option: LOG_NOTICE, ... */
	char *ident;		/* option: program name in each line */
	char *socket;		/* option: the logger's socket path */
	int pri;		/* facility | level, worked out by configure */
	int fd;			/* socket to the logger, -1 when none */
	int socktype;		/* SOCK_DGRAM, or SOCK_STREAM as a fallback */
	bool watching;		/* fd is registered for EPOLLOUT */
	uint64_t last_try;	/* nfp_now_ms() of the last connect attempt */
	struct sl_msg q[SL_QMAX]; /* ring of lines waiting to be sent */
	unsigned int head;	/* oldest waiting line */
	unsigned int count;	/* lines waiting */
	struct sl_time tc;	/* the last second formatted */
	char tag[128];		/* "ident[pid]: " */
	uint32_t tag_len;	/* bytes in tag */
};

static const struct nfp_option syslog_options[] = {
	{ .name = "facility", .type = NFP_OPT_STRING, .def = "LOG_KERN",
	  .off = offsetof(struct syslog_priv, facility),
	  .help = "Syslog facility: LOG_KERN, LOG_DAEMON, LOG_USER, "
		  "LOG_LOCAL0..LOG_LOCAL7, ... (as ulogd2)." },
	{ .name = "level", .type = NFP_OPT_STRING, .def = "LOG_NOTICE",
	  .off = offsetof(struct syslog_priv, level),
	  .help = "Syslog level: LOG_EMERG .. LOG_DEBUG (as ulogd2)." },
	{ .name = "ident", .type = NFP_OPT_STRING, .def = "nfpiped",
	  .off = offsetof(struct syslog_priv, ident),
	  .help = "Program name in each line; ident=ulogd keeps filters "
		  "written for ulogd2 working." },
	{ .name = "socket", .type = NFP_OPT_PATH, .def = "/dev/log",
	  .off = offsetof(struct syslog_priv, socket),
	  .help = "UNIX socket of the system logger." },
	{ 0 }
};

static int syslog_configure(struct nfp_inst *inst)
{
	struct syslog_priv *sp = inst->priv;
	int fac, lvl, rc = 0;

	fac = sl_facility(sp->facility);
	lvl = sl_level(sp->level);
	if (fac < 0) {
		nfp_err(inst, "unknown facility '%s' (LOG_KERN, LOG_USER, "
			"LOG_DAEMON, LOG_LOCAL0..7, ...)", sp->facility);
		rc = -EINVAL;
	}
	if (lvl < 0) {
		nfp_err(inst, "unknown level '%s' (LOG_EMERG, LOG_ALERT, "
			"LOG_CRIT, LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, "
			"LOG_DEBUG)", sp->level);
		rc = -EINVAL;
	}
	if (rc)
		return rc;
	/* glibc's syslog(3) sends facility 0 (kern) as the openlog() one,
	 * and ulogd2 opens with LOG_DAEMON: what ulogd2 users see. */
	if (fac == LOG_KERN)
		fac = LOG_DAEMON;
	sp->pri = fac | lvl;
	return 0;
}

static void sl_close(struct nfp_inst *inst)
{
	struct syslog_priv *sp = inst->priv;

	if (sp->fd < 0)
		return;
	if (sp->watching)
		nfp_fd_del(inst, sp->fd);
	sp->watching = false;
	close(sp->fd);
	sp->fd = -1;
}

static int sl_connect(struct nfp_inst *inst)
{
	struct syslog_priv *sp = inst->priv;
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	int type, fd;

	sp->last_try = nfp_now_ms();
	if (strlen(sp->socket) >= sizeof(un.sun_path))
		return -ENAMETOOLONG;
	strcpy(un.sun_path, sp->socket);
	for (type = SOCK_DGRAM;; type = SOCK_STREAM) {
		fd = socket(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -errno;
		if (connect(fd, (struct sockaddr *)&un, sizeof(un)) == 0)
			break;
		close(fd);
		/* A logger listening on a stream socket (as glibc tries). */
		if (errno != EPROTOTYPE || type == SOCK_STREAM)
			return -errno;
	}
	sp->fd = fd;
	sp->socktype = type;
	return 0;
}

static void sl_send(struct nfp_inst *inst);

static void sl_event(struct nfp_inst *inst, int fd, uint32_t events)
{
	sl_send(inst);
}

static void sl_watch(struct nfp_inst *inst, bool on)
{
	struct syslog_priv *sp = inst->priv;

	if (on && !sp->watching)
		sp->watching = nfp_fd_add(inst, sp->fd, EPOLLOUT, sl_event) == 0;
	else if (!on && sp->watching) {
		nfp_fd_del(inst, sp->fd);
		sp->watching = false;
	}
}

/* Send what is queued without waiting; keep the rest for EPOLLOUT. */
static void sl_send(struct nfp_inst *inst)
{
	struct syslog_priv *sp = inst->priv;
	struct mmsghdr mm[64];
	struct iovec iov[64];
	unsigned int k, i;
	int n, rc;

	while (sp->count) {
		if (sp->fd < 0) {
			if (nfp_now_ms() - sp->last_try < SL_RETRY_MS &&
			    sp->last_try)
				return;
			rc = sl_connect(inst);
			if (rc) {
				nfp_warn_rl(inst, "cannot connect to %s: %s",
					    sp->socket, strerror(-rc));
				return;
			}
			inst->ctr[SC_RECONNECTS]++;
		}
		for (k = 0; k < 64 && k < sp->count; k++) {
			struct sl_msg *m = &sp->q[(sp->head + k) % SL_QMAX];

			iov[k].iov_base = m->buf;
			iov[k].iov_len = m->len;
			memset(&mm[k], 0, sizeof(mm[k]));
			mm[k].msg_hdr.msg_iov = &iov[k];
			mm[k].msg_hdr.msg_iovlen = 1;
		}
		if (sp->socktype == SOCK_STREAM) {
			/* One line at a time: a short write would split it. */
			n = (int)send(sp->fd, iov[0].iov_base, iov[0].iov_len,
				      MSG_DONTWAIT | MSG_NOSIGNAL);
			n = n == (int)iov[0].iov_len ? 1 : (n < 0 ? -1 : 0);
		} else {
			n = sendmmsg(sp->fd, mm, k, MSG_DONTWAIT);
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			sl_watch(inst, true);
			return;
		}
		if (n <= 0) {
			/* The logger went away (restart): reconnect later. */
			inst->ctr[SC_ERRORS]++;
			nfp_warn_rl(inst, "sending to %s: %s", sp->socket,
				    n < 0 ? strerror(errno) : "short write");
			sl_close(inst);
			sp->last_try = nfp_now_ms();
			return;
		}
		for (i = 0; i < (unsigned int)n; i++) {
			sp->head = (sp->head + 1) % SL_QMAX;
			sp->count--;
			inst->ctr[SC_SENT]++;
		}
	}
	if (sp->fd >= 0)
		sl_watch(inst, false);
}

static enum nfp_ret syslog_process(struct nfp_inst *inst,
				   struct nfp_rec *rec)
{
	struct syslog_priv *sp = inst->priv;
	const struct nfp_value *v = nfp_get(rec, SL_PRINT);
	struct sl_msg *m;
	struct timespec ts;
	uint32_t len;

	if (!v || !v->str.ptr)
		return NFP_OK;
	inst->ctr[SC_LINES]++;
	if (sp->count == SL_QMAX) {
		inst->ctr[SC_DROPPED]++;
		nfp_warn_rl(inst, "logger too slow: line dropped");
		return NFP_ERROR;
	}
	m = &sp->q[(sp->head + sp->count) % SL_QMAX];
	if (!m->buf) {
		m->buf = malloc(SL_LINE_MAX + sizeof(sp->tag) + 40);
		if (!m->buf) {
			inst->ctr[SC_DROPPED]++;
			return NFP_ERROR;
		}
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	len = v->str.len < SL_LINE_MAX ? v->str.len : SL_LINE_MAX;
	m->len = sl_format(&sp->tc, m->buf, sp->pri, ts.tv_sec, sp->tag,
			   sp->tag_len, v->str.ptr, len);
	/* glibc sends the NUL too on a stream socket: it ends the line. */
	if (sp->socktype == SOCK_STREAM)
		m->buf[m->len++] = '\0';
	sp->count++;
	return NFP_OK;
}

static int syslog_start(struct nfp_inst *inst)
{
	struct syslog_priv *sp = inst->priv;
	int n, rc;

	sp->fd = -1;
	sp->socktype = SOCK_DGRAM;
	n = snprintf(sp->tag, sizeof(sp->tag), "%.100s[%d]: ",
		     sp->ident ? sp->ident : "", (int)getpid());
	sp->tag_len = n > 0 ? (uint32_t)n : 0;
	rc = sl_connect(inst);
	if (rc)
		/* As syslog(3): no logger yet is not an error; try later. */
		nfp_warn(inst, "cannot connect to %s: %s; will retry",
			 sp->socket, strerror(-rc));
	return 0;
}

static int syslog_flush(struct nfp_inst *inst)
{
	sl_send(inst);
	return 0;
}

static void syslog_reopen(struct nfp_inst *inst)
{
	struct syslog_priv *sp = inst->priv;

	/* A restarted logger has a new socket at the same path. */
	sl_close(inst);
	sp->last_try = 0;
	sl_send(inst);
}

static void syslog_stop(struct nfp_inst *inst)
{
	struct syslog_priv *sp = inst->priv;
	unsigned int i;

	sl_send(inst);
	if (sp->count) {
		inst->ctr[SC_DROPPED] += sp->count;
		nfp_warn(inst, "%u lines not sent at stop", sp->count);
	}
	sl_close(inst);
	for (i = 0; i < SL_QMAX; i++) {
		free(sp->q[i].buf);
		sp->q[i].buf = NULL;
	}
}

NFP_PLUGIN(output, syslog) = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_OUTPUT,
	.name = "SYSLOG",
	.summary = "the print line of each record to the system logger",
	.options = syslog_options,
	.in_keys = syslog_in,
	.counters = syslog_counters,
	.priv_size = sizeof(struct syslog_priv),
	.configure = syslog_configure,
	.start = syslog_start,
	.process = syslog_process,
	.flush = syslog_flush,
	.reopen = syslog_reopen,
	.stop = syslog_stop,
};
