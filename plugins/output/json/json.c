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
 * The encoder (jsonenc.c, shared with KAFKA) runs on the main thread. In
 * file mode the lines of a wakeup go out with one write(2) through
 * filebuf.c, reopened on SIGHUP. In the network modes (unix, tcp, udp)
 * each line is one TEXT row of a queued sink (include/nfpipe/sink.h): a
 * worker thread owns the socket and sends a batch's lines with as few
 * system calls as it can; a slow or absent receiver never blocks the loop,
 * its lines queue in memory and then spool to disk, and are sent in order
 * once it is back. Delivery is at least once: a batch whose sending failed
 * is sent again, whole, on a new connection, so a receiver may see the
 * lines before the break twice, and on a stream the line cut by the break
 * torn. SIGHUP reconnects (as ulogd2 does) before the next batch.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* sendmmsg */
#endif
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <nfpipe/plugin.h>
#include <nfpipe/sink.h>

#include "../logemu/filebuf.h"
#include "json.h"

#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR "/var"
#endif

enum json_mode { JM_FILE, JM_TCP, JM_UDP, JM_UNIX };

static const char *const json_modes[] = { "file", "tcp", "udp", "unix", NULL };

static const struct nfp_key json_in[] = { { 0 } };

/*
 * One table for both modes: the sink's counters first (it requires that),
 * then filebuf's from JC_FB on. File mode counts lines, bytes, writes and
 * write errors; the network modes count lines and bytes encoded on the
 * main thread and let the sink count what was sent ("written"), queued,
 * spooled and lost. "dropped" also counts records that could not be
 * encoded (out of memory), in both modes.
 */
static const char *const json_counters[] = { NFP_SINK_COUNTER_NAMES,
					     FB_COUNTERS, NULL };
#define JC_FB NFP_SINK_NCTR /* index of filebuf's "lines" */

/* The row layout's fingerprint: CRC-32 of "json-line", one TEXT column. */
#define JSON_SCHEMA 0x8b9a5b9eu

#define UDP_CHUNK   256 /* datagrams per sendmmsg(2) */
#define PEEK_ROUNDS 64	/* reads of what a receiver said, per batch */

struct json_net;

struct json_priv {
	char *file;		   /* option: output file, or unix socket */
	bool sync;		   /* option: fdatasync() after each batch */
	char *device;		   /* option: value of "dvc" */
	int mode;		   /* option: enum json_mode */
	char *host;		   /* option: tcp/udp host */
	char *port;		   /* option: tcp/udp port or service */
	uint64_t buffer;	   /* option: deprecated, ignored */
	uint64_t io_timeout;	   /* option: ms for a connect or a batch */
	struct nfp_sink_conf sink; /* options: batch, queue and spool */
	struct json_enc enc;	   /* options fields.. raw, and the encoder */
	struct fb fb;		   /* file mode: the file and its batch */
	struct nfp_sink *s;	   /* network modes: the running sink */
	struct json_net *net;	   /* the sink's ctx, for SIGHUP only */
	char *line;		   /* network modes: one encoded line */
	size_t line_cap;	   /* bytes allocated at line */
};

/*
 * The worker's side of a network mode: owned by the sink once started
 * (json_net_release frees it). Only hup is touched by the main thread.
 */
struct json_net {
	int mode;		   /* enum json_mode, not JM_FILE */
	int socktype;		   /* SOCK_STREAM or SOCK_DGRAM */
	char *host;		   /* tcp/udp: resolved at every connect */
	char *port;		   /* tcp/udp: port or service */
	char *path;		   /* unix: the socket's path */
	uint64_t io_timeout;	   /* ms a connect or one batch may take */
	int fd;			   /* connected socket, -1 when none */
	bool hup;		   /* SIGHUP: reconnect first; atomic */
	struct iovec *iov;	   /* a batch's lines, in order */
	uint32_t *row;		   /* the batch row of each iov entry */
	struct mmsghdr *mm;	   /* udp: a chunk's datagrams */
	uint32_t cap;		   /* entries of iov and row */
	struct nfp_ratelimit rl;   /* worker complaints */
	const struct nfp_inst *li; /* the sink's log instance */
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
	  .help = "Where lines go: file, tcp, udp or unix (a stream socket "
		  "at file)." },
	{ .name = "host",
	  .type = NFP_OPT_STRING,
	  .def = "127.0.0.1",
	  .off = offsetof(struct json_priv, host),
	  .help = "Receiver for mode=tcp and mode=udp; resolved at every "
		  "connection." },
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
	{ .name = "io_timeout",
	  .type = NFP_OPT_DURATION,
	  .def = "10s",
	  .unit = "ms",
	  .min = 100,
	  .max = 3600000,
	  .off = offsetof(struct json_priv, io_timeout),
	  .help = "Network modes: longest connect, and longest wait for a "
		  "receiver to take a batch; then reconnect and send it "
		  "again." },
	{ .name = "buffer",
	  .type = NFP_OPT_SIZE,
	  .flags = NFP_OPT_DEPRECATED,
	  .off = offsetof(struct json_priv, buffer),
	  .help = "Ignored: the network modes queue (queue_max, batch) and "
		  "spool (spool_dir, spool_max) instead of dropping." },
	NFP_SINK_OPTIONS(struct json_priv, sink),
	{ 0 }
};

/* ---- the worker: sockets ---------------------------------------------- */

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Wait until @fd is ready for @events or @deadline: 0 or -ETIMEDOUT. */
static int wait_fd(int fd, short events, uint64_t deadline)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	uint64_t now;
	int r;

	for (;;) {
		now = now_ms();
		if (now >= deadline)
			return -ETIMEDOUT;
		r = poll(&pfd, 1, (int)(deadline - now));
		if (r > 0)
			return 0; /* errors and hang-ups show in the call */
		if (r < 0 && errno != EINTR)
			return -errno;
	}
}

/* x->fd: a socket connected to @sa within io_timeout. 0 or -errno. */
static int open_addr(struct json_net *x, int family, const struct sockaddr *sa,
		     socklen_t len)
{
	int fd, err = 0;
	socklen_t elen = sizeof(err);

	fd = socket(family, x->socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, sa, len) < 0) {
		/* UNIX sockets say EAGAIN for a full backlog: retried. */
		if (errno != EINPROGRESS) {
			err = -errno;
			close(fd);
			return err;
		}
		err = wait_fd(fd, POLLOUT, now_ms() + x->io_timeout);
		if (!err && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen))
			err = errno;
		if (err) {
			close(fd);
			return err < 0 ? err : -err;
		}
	}
	x->fd = fd;
	return 0;
}

static int json_net_connect(struct nfp_sink *s, void *ctx)
{
	struct json_net *x = ctx;
	struct addrinfo hints = { 0 }, *res, *ai;
	int r;

	x->li = nfp_sink_log_inst(s);
	if (x->mode == JM_UNIX) {
		struct sockaddr_un un = { .sun_family = AF_UNIX };

		/* Checked at start: it fits. */
		memcpy(un.sun_path, x->path, strlen(x->path) + 1);
		return open_addr(x, AF_UNIX, (struct sockaddr *)&un,
				 sizeof(un));
	}
	/* Here, not at start: a DNS hiccup delays the worker only. */
	hints.ai_socktype = x->socktype;
	r = getaddrinfo(x->host, x->port, &hints, &res);
	if (r) {
		nfp_log_rl(&x->rl, x->li, NFP_LOG_ERROR, "%s port %s: %s",
			   x->host, x->port, gai_strerror(r));
		return r == EAI_SYSTEM ? -errno : -EHOSTUNREACH;
	}
	r = -EHOSTUNREACH;
	for (ai = res; ai; ai = ai->ai_next) {
		r = open_addr(x, ai->ai_family, ai->ai_addr, ai->ai_addrlen);
		if (!r)
			break;
	}
	freeaddrinfo(res);
	return r;
}

static void json_net_disconnect(struct nfp_sink *s, void *ctx)
{
	struct json_net *x = ctx;

	if (x->fd >= 0)
		close(x->fd);
	x->fd = -1;
}

/*
 * A stream receiver has nothing to say: what it sent is read and thrown
 * away, and an end of file means it closed. Checked before every batch so
 * that a batch is not written into a connection the peer has closed (TCP
 * would take the first write and lose it). true when the peer is gone.
 */
static bool peer_gone(struct json_net *x)
{
	char junk[4096];
	ssize_t n;
	int i;

	for (i = 0; i < PEEK_ROUNDS; i++) {
		n = recv(x->fd, junk, sizeof(junk), MSG_DONTWAIT);
		if (n > 0)
			continue;
		if (n == 0)
			return true;
		if (errno == EINTR)
			continue;
		return errno != EAGAIN && errno != EWOULDBLOCK;
	}
	return false;
}

/* The batch's lines into x->iov and x->row: their number, or -ENOMEM. */
static long collect(struct nfp_sink *s, struct json_net *x,
		    const struct nfp_batch *b)
{
	uint32_t nrows = nfp_batch_rows(b), n = 0;
	struct nfp_batch_iter it;
	struct nfp_sval v;

	if (nrows > x->cap) {
		struct iovec *iov = realloc(x->iov, nrows * sizeof(*iov));
		uint32_t *row;

		if (!iov)
			return -ENOMEM;
		x->iov = iov;
		row = realloc(x->row, nrows * sizeof(*row));
		if (!row)
			return -ENOMEM;
		x->row = row;
		x->cap = nrows;
	}
	nfp_batch_iter_init(&it, b);
	while (nfp_batch_next_row(&it)) {
		if (!nfp_batch_next_val(&it, &v) || v.kind != NFP_SV_TEXT ||
		    !v.bytes.len) {
			nfp_sink_reject(s, it.row, "not a JSON line");
			continue;
		}
		x->iov[n].iov_base = (void *)v.bytes.ptr;
		x->iov[n].iov_len = v.bytes.len;
		x->row[n] = it.row;
		n++;
	}
	return n;
}

/* Stream: every byte of the lines, in as few sendmsg(2) as it takes. */
static enum nfp_sink_res write_stream(struct json_net *x, long n)
{
	uint64_t deadline = now_ms() + x->io_timeout;
	struct msghdr mh = { 0 };
	long i = 0;
	ssize_t w;
	int r;

	if (peer_gone(x)) {
		nfp_log_rl(&x->rl, x->li, NFP_LOG_NOTICE,
			   "the receiver closed the connection");
		return NFP_SINK_RETRY;
	}
	while (i < n) {
		mh.msg_iov = x->iov + i;
		mh.msg_iovlen = (size_t)(n - i > IOV_MAX ? IOV_MAX : n - i);
		w = sendmsg(x->fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0 && errno == EINTR)
			continue;
		/* 0 bytes taken is no progress either: wait for room. */
		if (w == 0 ||
		    (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))) {
			r = wait_fd(x->fd, POLLOUT, deadline);
			if (r) {
				nfp_log_rl(
					&x->rl, x->li, NFP_LOG_NOTICE,
					"the receiver took no data for %llu ms",
					(unsigned long long)x->io_timeout);
				return NFP_SINK_RETRY;
			}
			continue;
		}
		if (w < 0) {
			nfp_log_rl(&x->rl, x->li, NFP_LOG_NOTICE, "send: %s",
				   strerror(errno));
			return NFP_SINK_RETRY;
		}
		/* Step over what went out; a line may be half sent. */
		while (w > 0 && i < n) {
			if ((size_t)w >= x->iov[i].iov_len) {
				w -= (ssize_t)x->iov[i].iov_len;
				i++;
			} else {
				x->iov[i].iov_base =
					(char *)x->iov[i].iov_base + w;
				x->iov[i].iov_len -= (size_t)w;
				w = 0;
			}
		}
	}
	return NFP_SINK_OK;
}

/* Datagrams: one a line; a line too long for one is rejected. */
static enum nfp_sink_res write_dgram(struct nfp_sink *s, struct json_net *x,
				     long n)
{
	uint64_t deadline = now_ms() + x->io_timeout;
	int err = 0;
	socklen_t elen = sizeof(err);
	long i = 0, k, j;
	int r;

	while (i < n) {
		k = n - i > UDP_CHUNK ? UDP_CHUNK : n - i;
		for (j = 0; j < k; j++) {
			memset(&x->mm[j], 0, sizeof(x->mm[j]));
			x->mm[j].msg_hdr.msg_iov = &x->iov[i + j];
			x->mm[j].msg_hdr.msg_iovlen = 1;
		}
		r = sendmmsg(x->fd, x->mm, (unsigned int)k,
			     MSG_NOSIGNAL | MSG_DONTWAIT);
		if (r > 0) {
			i += r;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0 || errno == EAGAIN || errno == EWOULDBLOCK) {
			if (wait_fd(x->fd, POLLOUT, deadline)) {
				nfp_log_rl(&x->rl, x->li, NFP_LOG_NOTICE,
					   "socket not writable for %llu ms",
					   (unsigned long long)x->io_timeout);
				return NFP_SINK_RETRY;
			}
			continue;
		}
		if (errno == EMSGSIZE) {
			nfp_sink_reject(s, x->row[i],
					"line longer than a datagram");
			i++;
			continue;
		}
		/*
		 * ECONNREFUSED: an ICMP port unreachable came back for an
		 * earlier datagram, nobody listens. Like any other error the
		 * batch is sent again later, and spooling starts meanwhile.
		 */
		nfp_log_rl(&x->rl, x->li, NFP_LOG_NOTICE, "send: %s",
			   strerror(errno));
		return NFP_SINK_RETRY;
	}
	/*
	 * A receiver missing now: on loopback the ICMP error of these
	 * datagrams is already here; from further away it shows one batch
	 * later, too late for this one.
	 */
	if (!getsockopt(x->fd, SOL_SOCKET, SO_ERROR, &err, &elen) && err) {
		nfp_log_rl(&x->rl, x->li, NFP_LOG_NOTICE, "send: %s",
			   strerror(err));
		return NFP_SINK_RETRY;
	}
	return NFP_SINK_OK;
}

static enum nfp_sink_res json_net_write(struct nfp_sink *s, void *ctx,
					const struct nfp_batch *b)
{
	struct json_net *x = ctx;
	long n;

	if (__atomic_exchange_n(&x->hup, false, __ATOMIC_ACQ_REL)) {
		nfp_log(x->li, NFP_LOG_NOTICE, "reconnecting (SIGHUP)");
		json_net_disconnect(s, x);
		if (json_net_connect(s, x))
			return NFP_SINK_RETRY;
	}
	if (x->fd < 0)
		return NFP_SINK_RETRY;
	n = collect(s, x, b);
	if (n < 0)
		return NFP_SINK_RETRY;
	if (x->socktype == SOCK_DGRAM)
		return write_dgram(s, x, n);
	return write_stream(x, n);
}

static void json_net_release(void *ctx)
{
	struct json_net *x = ctx;

	if (!x)
		return;
	if (x->fd >= 0)
		close(x->fd);
	free(x->host);
	free(x->port);
	free(x->path);
	free(x->iov);
	free(x->row);
	free(x->mm);
	free(x);
}

static const struct nfp_sink_ops json_net_ops = {
	.connect = json_net_connect,
	.write_batch = json_net_write,
	.disconnect = json_net_disconnect,
	.release = json_net_release,
};

/* ---- the main thread -------------------------------------------------- */

/* Room for a line of up to @n bytes and a NUL in jp->line, or NULL. */
static char *line_reserve(void *arg, size_t n)
{
	struct json_priv *jp = arg;
	size_t cap = jp->line_cap ? jp->line_cap : 4096;
	char *p;

	if (n + 1 <= jp->line_cap)
		return jp->line;
	while (cap < n + 1)
		cap *= 2;
	p = realloc(jp->line, cap);
	if (!p)
		return NULL;
	jp->line = p;
	jp->line_cap = cap;
	return p;
}

static char *file_reserve(void *arg, size_t n)
{
	struct json_priv *jp = arg;

	return fb_reserve(&jp->fb, n);
}

static enum nfp_ret json_process(struct nfp_inst *inst, struct nfp_rec *rec)
{
	struct json_priv *jp = inst->priv;
	struct nfp_value v = { 0 };
	long n;

	if (jp->mode == JM_FILE) {
		n = json_enc_rec(&jp->enc, rec, file_reserve, jp, true);
		if (n < 0) {
			inst->ctr[NFP_SINK_CTR_DROPPED]++;
			return NFP_ERROR;
		}
		fb_commit(&jp->fb, (size_t)n);
		fb_record_done(&jp->fb);
		return NFP_OK;
	}
	n = json_enc_rec(&jp->enc, rec, line_reserve, jp, true);
	if (n < 0) {
		/* The worker adds to the sink's counters concurrently. */
		__atomic_fetch_add(&inst->ctr[NFP_SINK_CTR_DROPPED], 1,
				   __ATOMIC_RELAXED);
		nfp_warn_rl(inst, "out of memory: record dropped");
		return NFP_ERROR;
	}
	jp->line[n] = '\0';
	v.str.ptr = jp->line;
	v.str.len = (uint32_t)n;
	nfp_sink_row_begin(jp->s);
	nfp_sink_put(jp->s, NFP_T_STRING, &v);
	if (nfp_sink_row_end(jp->s))
		return NFP_ERROR;
	inst->ctr[JC_FB + FB_CTR_LINES]++;
	inst->ctr[JC_FB + FB_CTR_BYTES] += (uint64_t)n;
	return NFP_OK;
}

/* The worker's context for the network modes, or NULL (logged). */
static struct json_net *net_new(struct nfp_inst *inst, struct json_priv *jp)
{
	struct json_net *x = calloc(1, sizeof(*x));

	if (!x)
		return NULL;
	x->fd = -1;
	x->mode = jp->mode;
	x->socktype = jp->mode == JM_UDP ? SOCK_DGRAM : SOCK_STREAM;
	x->io_timeout = jp->io_timeout;
	x->li = inst;
	if (jp->mode == JM_UNIX) {
		x->path = strdup(jp->file);
	} else {
		x->host = strdup(jp->host);
		x->port = strdup(jp->port);
	}
	if (jp->mode == JM_UDP)
		x->mm = calloc(UDP_CHUNK, sizeof(*x->mm));
	if ((jp->mode == JM_UNIX && !x->path) ||
	    (jp->mode != JM_UNIX && (!x->host || !x->port)) ||
	    (jp->mode == JM_UDP && !x->mm)) {
		json_net_release(x);
		return NULL;
	}
	return x;
}

static int json_start(struct nfp_inst *inst)
{
	struct json_priv *jp = inst->priv;
	size_t path_max = sizeof(((struct sockaddr_un *)0)->sun_path) - 1;
	struct json_net *x;
	int rc;

	rc = json_enc_init(&jp->enc, jp->device);
	if (rc)
		goto fail;
	if (jp->mode == JM_FILE) {
		jp->fb.ctr_base = JC_FB;
		rc = fb_open(&jp->fb, inst, jp->file, jp->sync);
		if (rc)
			goto fail;
		return 0;
	}
	rc = -EINVAL;
	if (jp->mode == JM_UNIX &&
	    (!jp->file || !*jp->file || strlen(jp->file) > path_max)) {
		nfp_err(inst,
			"unix socket path missing or longer than %zu bytes",
			path_max);
		goto fail;
	}
	if (jp->mode != JM_UNIX && (!jp->host || !jp->port)) {
		nfp_err(inst, "mode=%s needs host and port",
			json_modes[jp->mode]);
		goto fail;
	}
	rc = -ENOMEM;
	x = net_new(inst, jp);
	if (!x)
		goto fail;
	/* From here the sink owns x, even when it fails to start. */
	rc = nfp_sink_start(inst, &jp->sink, &json_net_ops, x, 1, JSON_SCHEMA,
			    &jp->s);
	if (rc) {
		jp->s = NULL;
		goto fail;
	}
	jp->net = x;
	return 0;
fail:
	/* stop() is not called after a failed start. */
	json_enc_free(&jp->enc);
	return rc;
}

static int json_flush(struct nfp_inst *inst)
{
	struct json_priv *jp = inst->priv;

	if (jp->mode == JM_FILE)
		return fb_flush(&jp->fb);
	return nfp_sink_flush(jp->s);
}

static void json_reopen(struct nfp_inst *inst)
{
	struct json_priv *jp = inst->priv;

	if (jp->mode == JM_FILE) {
		fb_reopen(&jp->fb);
		return;
	}
	/* As ulogd2: SIGHUP reconnects (a receiver that moved). The worker
	 * does it before its next batch; the loop never waits for it. */
	if (jp->net) {
		__atomic_store_n(&jp->net->hup, true, __ATOMIC_RELEASE);
		nfp_info(inst, "reconnecting before the next batch");
	}
}

static void json_stop(struct nfp_inst *inst)
{
	struct json_priv *jp = inst->priv;

	if (jp->mode == JM_FILE) {
		fb_close(&jp->fb);
	} else if (jp->s) {
		/* The sink owns and frees the worker's context. */
		nfp_sink_stop(jp->s);
		jp->s = NULL;
		jp->net = NULL;
	}
	free(jp->line);
	jp->line = NULL;
	jp->line_cap = 0;
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
