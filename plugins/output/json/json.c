/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output/json - every key of every record as one JSON object a line
 *
 * Consumes all keys visible at its place in the stack (NFP_PF_ALL_KEYS), as
 * ulogd2's JSON does, and writes one object per record: a "timestamp" (RFC
 * 3339, local time with its UTC offset), "dvc", then the keys that are set,
 * named as in ulogd2 (fields=ulogd) or as Elastic Common Schema fields
 * (fields=ecs). Integers are bare numbers, booleans true/false, addresses
 * and times strings; strings are escaped so that any byte sequence (control
 * characters, invalid UTF-8 in a log prefix) gives valid JSON.
 *
 * The encoder (jsonenc.c, shared with KAFKA) writes straight into the
 * output buffer. In file mode the batch goes out
 * with one write(2) through filebuf.c, reopened on SIGHUP. In the network
 * modes (unix, tcp, udp) the lines wait in a bounded buffer and go out on a
 * non-blocking socket from flush() and when the socket becomes writable; a
 * slow or absent receiver never blocks the loop: when the buffer is full,
 * new records are dropped and counted ("dropped"). Main thread only.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* sendmmsg */
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <nfpipe/plugin.h>

#include "../logemu/filebuf.h"
#include "json.h"

#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR "/var"
#endif

enum json_mode { JM_FILE, JM_TCP, JM_UDP, JM_UNIX };

static const char *const json_modes[] = { "file", "tcp", "udp", "unix", NULL };

static const struct nfp_key json_in[] = { { 0 } };

/* filebuf's counters first (file mode), then the network mode's. */
static const char *const json_counters[] = { FB_COUNTERS, "dropped", "sent",
					     "reconnects", NULL };
enum { JC_DROPPED = FB_CTR_ERRORS + 1, JC_SENT, JC_RECONNECTS };

#define RETRY_MIN_MS 250   /* first reconnection delay */
#define RETRY_MAX_MS 30000 /* longest reconnection delay */
#define UDP_BATCH    64	   /* datagrams per sendmmsg(2) */

struct json_priv {
	char *file;	     /* option: output file, or unix socket path */
	bool sync;	     /* option: fdatasync() after each batch */
	char *device;	     /* option: value of "dvc" */
	int mode;	     /* option: enum json_mode */
	char *host;	     /* option: tcp/udp host */
	char *port;	     /* option: tcp/udp port or service */
	uint64_t buffer;     /* option: network buffer bytes */
	struct json_enc enc; /* options fields.. raw, and the encoder */
	struct fb fb;	     /* file mode: the file and its batch */
	/* network modes */
	int sock;	 /* connected socket, -1 when none */
	bool connecting; /* non-blocking connect in progress */
	bool watching;	 /* sock is registered with the loop */
	bool mid_line;	 /* the stream broke inside the first line */
	struct sockaddr_storage addr; /* where to connect */
	socklen_t addrlen;	      /* bytes of addr; 0 when unresolved */
	int socktype;		      /* SOCK_STREAM or SOCK_DGRAM */
	char *q;		      /* lines waiting to be sent; malloc'ed */
	size_t qoff;		      /* bytes of q already sent */
	size_t qlen;		      /* bytes in q */
	struct nfp_timer *retry;      /* reconnection timer */
	uint64_t retry_ms;	      /* next reconnection delay */
	struct nfp_inst *inst;	      /* back pointer for callbacks */
};

static const struct nfp_option json_options[] = {
	{ .name = "file",
	  .type = NFP_OPT_PATH,
	  .def = LOCALSTATEDIR "/log/nfpipe/nfpipe.json",
	  .off = offsetof(struct json_priv, file),
	  .help = "Output file (mode=file) or UNIX socket path (mode=unix)." },
	{ .name = "sync",
	  .type = NFP_OPT_BOOL,
	  .def = "0",
	  .off = offsetof(struct json_priv, sync),
	  .help = "fdatasync() the file after each batch." },
	{ .name = "timestamp",
	  .type = NFP_OPT_BOOL,
	  .def = "1",
	  .off = offsetof(struct json_priv, enc.timestamp),
	  .help = "Write the packet time as an RFC 3339 \"timestamp\"." },
	{ .name = "eventv1",
	  .type = NFP_OPT_BOOL,
	  .def = "0",
	  .off = offsetof(struct json_priv, enc.eventv1),
	  .help = "Logstash event v1: \"@version\":1 and \"@timestamp\"." },
	{ .name = "device",
	  .type = NFP_OPT_STRING,
	  .def = "Netfilter",
	  .off = offsetof(struct json_priv, device),
	  .help = "Device name written as \"dvc\" (ECS: observer.product)." },
	{ .name = "boolean_label",
	  .type = NFP_OPT_BOOL,
	  .def = "0",
	  .off = offsetof(struct json_priv, enc.boolean_label),
	  .help = "Write raw.label as \"action\": \"allowed\" (non-zero) or "
		  "\"blocked\"." },
	{ .name = "mode",
	  .type = NFP_OPT_ENUM,
	  .def = "file",
	  .enums = json_modes,
	  .off = offsetof(struct json_priv, mode),
	  .help = "Where lines go: file, tcp, udp or unix (path in file)." },
	{ .name = "host",
	  .type = NFP_OPT_STRING,
	  .def = "127.0.0.1",
	  .off = offsetof(struct json_priv, host),
	  .help = "Receiver for mode=tcp and mode=udp." },
	{ .name = "port",
	  .type = NFP_OPT_STRING,
	  .def = "12345",
	  .off = offsetof(struct json_priv, port),
	  .help = "Port (or service name) for mode=tcp and mode=udp." },
	{ .name = "fields",
	  .type = NFP_OPT_ENUM,
	  .def = "ulogd",
	  .enums = json_field_sets,
	  .off = offsetof(struct json_priv, enc.fields),
	  .help = "Field names: ulogd (key names) or ecs (Elastic Common "
		  "Schema: source.ip, destination.port, ...)." },
	{ .name = "raw",
	  .type = NFP_OPT_BOOL,
	  .def = "0",
	  .off = offsetof(struct json_priv, enc.raw),
	  .help = "Also write raw keys (raw.pkt, raw.mac) as hex strings." },
	{ .name = "buffer",
	  .type = NFP_OPT_SIZE,
	  .def = "8M",
	  .min = 65536,
	  .max = (int64_t)1 << 32,
	  .off = offsetof(struct json_priv, buffer),
	  .help = "Network modes: bytes held for a slow or absent receiver; "
		  "past it records are dropped and counted." },
	{ 0 }
};

/* ---- one record -----------------------------------------------------------
 */

/* Room for @n bytes in the current mode's buffer, or NULL. */
static char *out_reserve(void *arg, size_t n)
{
	struct json_priv *jp = arg;
	char *q;

	if (jp->mode == JM_FILE)
		return fb_reserve(&jp->fb, n);
	if (jp->qlen + n > jp->buffer) {
		/* Drop what was sent already before giving up. */
		if (jp->qoff) {
			memmove(jp->q, jp->q + jp->qoff, jp->qlen - jp->qoff);
			jp->qlen -= jp->qoff;
			jp->qoff = 0;
		}
		if (jp->qlen + n > jp->buffer)
			return NULL;
	}
	if (!jp->q) {
		q = malloc(jp->buffer);
		if (!q)
			return NULL;
		jp->q = q;
	}
	return jp->q + jp->qlen;
}

static void out_commit(struct json_priv *jp, size_t n)
{
	if (jp->mode == JM_FILE) {
		fb_commit(&jp->fb, n);
		fb_record_done(&jp->fb);
	} else {
		jp->qlen += n;
		jp->inst->ctr[FB_CTR_LINES]++;
	}
}

static enum nfp_ret json_process(struct nfp_inst *inst, struct nfp_rec *rec)
{
	struct json_priv *jp = inst->priv;
	long n = json_enc_rec(&jp->enc, rec, out_reserve, jp, true);

	if (n < 0) {
		inst->ctr[JC_DROPPED]++;
		if (n == -ENOSPC)
			nfp_warn_rl(inst, "buffer full: record dropped");
		return NFP_ERROR;
	}
	out_commit(jp, (size_t)n);
	return NFP_OK;
}

/* ---- network modes --------------------------------------------------------
 */

static void net_close(struct json_priv *jp)
{
	if (jp->sock < 0)
		return;
	if (jp->watching)
		nfp_fd_del(jp->inst, jp->sock);
	jp->watching = false;
	close(jp->sock);
	jp->sock = -1;
	jp->connecting = false;
}

static void net_retry_later(struct json_priv *jp)
{
	net_close(jp);
	if (jp->retry)
		nfp_timer_arm(jp->retry, jp->retry_ms, 0);
	jp->retry_ms = jp->retry_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS
						       : jp->retry_ms * 2;
}

static void net_watch(struct json_priv *jp, bool want_out);

/* After a broken stream, the first line may be half sent: skip its rest. */
static void skip_partial(struct json_priv *jp)
{
	char *nl;

	if (!jp->mid_line)
		return;
	jp->mid_line = false;
	nl = memchr(jp->q + jp->qoff, '\n', jp->qlen - jp->qoff);
	if (!nl) {
		jp->qoff = jp->qlen;
		return;
	}
	jp->qoff = (size_t)(nl + 1 - jp->q);
	jp->inst->ctr[JC_DROPPED]++;
}

static void send_stream(struct json_priv *jp)
{
	ssize_t n;

	skip_partial(jp);
	while (jp->qoff < jp->qlen) {
		n = send(jp->sock, jp->q + jp->qoff, jp->qlen - jp->qoff,
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		jp->inst->ctr[FB_CTR_WRITES]++;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			net_watch(jp, true);
			return;
		}
		if (n <= 0) {
			nfp_warn_rl(jp->inst, "send: %s; reconnecting",
				    n < 0 ? strerror(errno) : "no progress");
			if (jp->qoff < jp->qlen &&
			    (jp->qoff == 0 || jp->q[jp->qoff - 1] != '\n'))
				jp->mid_line = true;
			net_retry_later(jp);
			return;
		}
		jp->qoff += (size_t)n;
		jp->inst->ctr[FB_CTR_BYTES] += (uint64_t)n;
	}
	/* Lines may end before qoff only when they were all sent. */
	jp->inst->ctr[JC_SENT] = jp->inst->ctr[FB_CTR_BYTES];
	net_watch(jp, false);
}

static void send_dgram(struct json_priv *jp)
{
	struct mmsghdr mm[UDP_BATCH];
	struct iovec iov[UDP_BATCH];
	unsigned int k;
	int n, i;
	char *p, *nl, *end;

	while (jp->qoff < jp->qlen) {
		p = jp->q + jp->qoff;
		end = jp->q + jp->qlen;
		for (k = 0; k < UDP_BATCH && p < end; k++) {
			nl = memchr(p, '\n', (size_t)(end - p));
			nl = nl ? nl + 1 : end;
			iov[k].iov_base = p;
			iov[k].iov_len = (size_t)(nl - p);
			memset(&mm[k], 0, sizeof(mm[k]));
			mm[k].msg_hdr.msg_iov = &iov[k];
			mm[k].msg_hdr.msg_iovlen = 1;
			p = nl;
		}
		n = sendmmsg(jp->sock, mm, k, MSG_DONTWAIT);
		jp->inst->ctr[FB_CTR_WRITES]++;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			net_watch(jp, true);
			return;
		}
		if (n < 0) {
			/* An ICMP error of an earlier datagram (nobody
			 * listens): this one is lost, count it and go on. */
			jp->qoff += iov[0].iov_len;
			jp->inst->ctr[JC_DROPPED]++;
			nfp_warn_rl(jp->inst, "send: %s", strerror(errno));
			continue;
		}
		for (i = 0; i < n; i++) {
			jp->qoff += iov[i].iov_len;
			jp->inst->ctr[FB_CTR_BYTES] += iov[i].iov_len;
			jp->inst->ctr[JC_SENT]++;
		}
	}
	net_watch(jp, false);
}

static void net_send(struct json_priv *jp)
{
	if (jp->sock < 0 || jp->connecting)
		return;
	if (jp->socktype == SOCK_DGRAM)
		send_dgram(jp);
	else
		send_stream(jp);
	if (jp->qoff == jp->qlen)
		jp->qoff = jp->qlen = 0;
}

static void net_event(struct nfp_inst *inst, int fd, uint32_t events)
{
	struct json_priv *jp = inst->priv;
	int err = 0;
	socklen_t len = sizeof(err);

	if (jp->connecting) {
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
			err = errno;
		if (err) {
			nfp_warn_rl(inst, "connecting: %s", strerror(err));
			net_retry_later(jp);
			return;
		}
		jp->connecting = false;
		jp->retry_ms = RETRY_MIN_MS;
		nfp_info(inst, "connected");
	} else if (events & EPOLLIN) {
		char junk[512];
		ssize_t n;

		/* Receivers have nothing to say: read and discard, and
		 * learn of an orderly close (0) here. */
		do {
			n = recv(fd, junk, sizeof(junk), MSG_DONTWAIT);
		} while (n > 0);
		if (n == 0 ||
		    (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
			events |= EPOLLHUP;
	}
	if (!jp->connecting && (events & (EPOLLERR | EPOLLHUP))) {
		if (jp->qoff < jp->qlen &&
		    (jp->qoff == 0 || jp->q[jp->qoff - 1] != '\n'))
			jp->mid_line = true;
		nfp_warn_rl(inst, "connection lost; reconnecting");
		net_retry_later(jp);
		return;
	}
	net_send(jp);
}

static void net_watch(struct json_priv *jp, bool want_out)
{
	uint32_t ev = want_out ? EPOLLOUT : 0;

	/* A stream is watched for hang-ups too: EPOLLIN sees the FIN. */
	if (jp->socktype == SOCK_STREAM && !want_out)
		ev = EPOLLIN;
	if (jp->socktype == SOCK_DGRAM && !want_out) {
		if (jp->watching) {
			nfp_fd_del(jp->inst, jp->sock);
			jp->watching = false;
		}
		return;
	}
	if (!jp->watching) {
		if (nfp_fd_add(jp->inst, jp->sock, ev, net_event) == 0)
			jp->watching = true;
	} else {
		nfp_fd_mod(jp->inst, jp->sock, ev);
	}
}

static int net_resolve(struct json_priv *jp)
{
	struct addrinfo hints = { 0 }, *res;
	int rc;

	if (jp->mode == JM_UNIX) {
		struct sockaddr_un *un = (struct sockaddr_un *)&jp->addr;

		if (!jp->file || strlen(jp->file) >= sizeof(un->sun_path)) {
			nfp_err(jp->inst,
				"unix socket path missing or longer "
				"than %zu bytes",
				sizeof(un->sun_path) - 1);
			return -EINVAL;
		}
		un->sun_family = AF_UNIX;
		strcpy(un->sun_path, jp->file);
		jp->addrlen = sizeof(*un);
		jp->socktype = SOCK_STREAM;
		return 0;
	}
	jp->socktype = jp->mode == JM_UDP ? SOCK_DGRAM : SOCK_STREAM;
	hints.ai_socktype = jp->socktype;
	rc = getaddrinfo(jp->host, jp->port, &hints, &res);
	if (rc) {
		nfp_err(jp->inst, "%s port %s: %s", jp->host, jp->port,
			gai_strerror(rc));
		return -EINVAL;
	}
	memcpy(&jp->addr, res->ai_addr, res->ai_addrlen);
	jp->addrlen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static void net_connect(struct json_priv *jp)
{
	int fd;

	net_close(jp);
	fd = socket(jp->addr.ss_family,
		    jp->socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		nfp_err_rl(jp->inst, "socket: %s", strerror(errno));
		net_retry_later(jp);
		return;
	}
	jp->sock = fd;
	if (connect(fd, (struct sockaddr *)&jp->addr, jp->addrlen) < 0) {
		if (errno != EINPROGRESS) {
			nfp_warn_rl(jp->inst, "connect: %s; retrying",
				    strerror(errno));
			net_retry_later(jp);
			return;
		}
		jp->connecting = true;
		net_watch(jp, true);
		return;
	}
	jp->retry_ms = RETRY_MIN_MS;
	net_send(jp);
	if (jp->sock >= 0 && jp->socktype == SOCK_STREAM)
		net_watch(jp, jp->qoff < jp->qlen);
}

static void net_retry_cb(struct nfp_inst *inst, void *arg)
{
	struct json_priv *jp = inst->priv;

	jp->inst->ctr[JC_RECONNECTS]++;
	net_connect(jp);
}

/* ---- life cycle -----------------------------------------------------------
 */

static int json_start(struct nfp_inst *inst)
{
	struct json_priv *jp = inst->priv;
	int rc;

	jp->inst = inst;
	jp->sock = -1;
	rc = json_enc_init(&jp->enc, jp->device);
	if (rc)
		return rc;
	if (jp->mode == JM_FILE)
		return fb_open(&jp->fb, inst, jp->file, jp->sync);
	rc = net_resolve(jp);
	if (rc)
		return rc;
	jp->retry = nfp_timer_new(inst, net_retry_cb, NULL);
	jp->retry_ms = RETRY_MIN_MS;
	net_connect(jp);
	return 0;
}

static int json_flush(struct nfp_inst *inst)
{
	struct json_priv *jp = inst->priv;

	if (jp->mode == JM_FILE)
		return fb_flush(&jp->fb);
	net_send(jp);
	return 0;
}

static void json_reopen(struct nfp_inst *inst)
{
	struct json_priv *jp = inst->priv;

	if (jp->mode == JM_FILE) {
		fb_reopen(&jp->fb);
		return;
	}
	/* As ulogd2: SIGHUP reconnects (a receiver that moved). */
	if (jp->socktype == SOCK_STREAM && jp->qoff < jp->qlen &&
	    (jp->qoff == 0 || jp->q[jp->qoff - 1] != '\n'))
		jp->mid_line = true;
	if (net_resolve(jp) == 0) {
		jp->retry_ms = RETRY_MIN_MS;
		net_connect(jp);
	}
}

static void json_stop(struct nfp_inst *inst)
{
	struct json_priv *jp = inst->priv;

	if (jp->mode == JM_FILE) {
		fb_close(&jp->fb);
	} else {
		net_send(jp);
		if (jp->qoff < jp->qlen)
			nfp_warn(inst, "%zu bytes not sent at stop",
				 jp->qlen - jp->qoff);
		net_close(jp);
		if (jp->retry)
			nfp_timer_free(jp->retry);
		jp->retry = NULL;
		free(jp->q);
		jp->q = NULL;
	}
	json_enc_free(&jp->enc);
}

NFP_PLUGIN(output, json) = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_OUTPUT,
	.name = "JSON",
	.summary = "every key as one JSON object a line, to a file or socket",
	.flags = NFP_PF_ALL_KEYS,
	.options = json_options,
	.in_keys = json_in,
	.counters = json_counters,
	.priv_size = sizeof(struct json_priv),
	.start = json_start,
	.process = json_process,
	.flush = json_flush,
	.reopen = json_reopen,
	.stop = json_stop,
};
