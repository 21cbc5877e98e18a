/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * core/control - the control socket: status and reload for `nfpipe`
 *
 * A UNIX stream socket (mode 0600) served by the main loop. A client sends
 * one request line ("status", "reload", "ping") and gets one line of JSON
 * back, then the daemon closes the connection. doc/internals/control.md
 * documents the protocol and every field. Nothing here blocks: the
 * listening socket and every client are non-blocking, a request line is at
 * most CTL_IN_MAX bytes, at most CTL_CLIENTS clients are served at once,
 * a reply that does not fit the socket buffer is resumed on EPOLLOUT, and a
 * client that stays longer than CTL_TIMEOUT_MS is dropped. A reload is only
 * requested here; main.c runs it between wakeups and hands the result back
 * with nfp_control_reload_done(). Main thread only.
 */
#include "nfp.h"

#include <fcntl.h>
#include <inttypes.h>
#include <linux/netlink.h>
#include <stdarg.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "engine.h"

#define CTL_IN_MAX     256   /* bytes of a request line */
#define CTL_CLIENTS    32    /* served at once; more are closed at once */
#define CTL_TIMEOUT_MS 10000 /* a client's whole life */
#define CTL_NL_MAX     16    /* netlink fds looked at per instance */

struct ctl_client {
	struct ctl_client *next; /* all clients */
	int fd;			 /* the connection */
	char in[CTL_IN_MAX];	 /* request bytes so far */
	size_t inlen;		 /* used of in */
	char *out;		 /* reply, malloc'ed, or NULL */
	size_t outlen;		 /* its length */
	size_t outoff;		 /* written so far */
	bool want_reload;	 /* waits for nfp_control_reload_done() */
	uint64_t born;		 /* monotonic ms at accept */
};

static struct {
	int fd;			    /* listening socket, -1 when off */
	char *path;		    /* its path, owned */
	struct ctl_client *clients; /* connected */
	unsigned int nclients;	    /* entries in clients */
	struct nfp_timer *tick;	    /* 1 s: rates, timeouts */
	struct nfp_engine *eng;	    /* the running engine */
	const char *config;	    /* config path, owned by main */
	void (*reload)(void);	    /* asks main for a reload */
	time_t started;		    /* wall clock at start */
	uint64_t started_ms;	    /* monotonic ms at start */
	unsigned int reloads;	    /* successful reloads */
	time_t last_reload;	    /* wall clock of the last one, or 0 */
	uint64_t last_tick;	    /* monotonic ms of the last rate tick */
	double rate;		    /* records/s into the stacks, last tick */
} C = { .fd = -1 };

/* ---- a growing JSON text ------------------------------------------------ */

struct jbuf {
	char *p;    /* text, NUL-terminated */
	size_t len; /* bytes used */
	size_t cap; /* bytes allocated */
	bool oom;   /* an allocation failed: the text is incomplete */
};

static void jb_grow(struct jbuf *j, size_t more)
{
	char *n;
	size_t cap;

	if (j->oom || j->len + more + 1 <= j->cap)
		return;
	cap = j->cap ? j->cap : 4096;
	while (cap < j->len + more + 1)
		cap *= 2;
	n = realloc(j->p, cap);
	if (!n) {
		j->oom = true;
		return;
	}
	j->p = n;
	j->cap = cap;
}

static void NFP_PRINTF(2, 3) jb_printf(struct jbuf *j, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	jb_grow(j, (size_t)n);
	if (j->oom)
		return;
	va_start(ap, fmt);
	vsnprintf(j->p + j->len, j->cap - j->len, fmt, ap);
	va_end(ap);
	j->len += (size_t)n;
}

/* @s as a JSON string, quotes included. */
static void jb_str(struct jbuf *j, const char *s)
{
	const unsigned char *c;

	jb_grow(j, 2);
	if (j->oom)
		return;
	j->p[j->len++] = '"';
	for (c = (const unsigned char *)(s ? s : ""); *c; c++) {
		if (*c == '"' || *c == '\\')
			jb_printf(j, "\\%c", *c);
		else if (*c < 0x20)
			jb_printf(j, "\\u%04x", *c);
		else
			jb_printf(j, "%c", *c);
	}
	jb_printf(j, "\"");
}

/* ---- status ---------------------------------------------------------------
 */

/* One netlink socket of an input, for the status. */
struct nl_sock {
	const struct nfp_core_inst *ci; /* its instance */
	int proto;			/* NETLINK_* */
	uint32_t portid;		/* its address */
	uint64_t inode;			/* matches /proc/net/netlink */
	uint64_t drops;			/* the kernel's Drops column */
};

/* Fill in the Drops column of /proc/net/netlink for @n sockets. */
static void read_drops(struct nl_sock *socks, unsigned int n)
{
	FILE *f = n ? fopen("/proc/net/netlink", "re") : NULL;
	char line[512];
	unsigned int k;

	if (!f)
		return;
	if (!fgets(line, sizeof(line), f)) { /* the header */
		fclose(f);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		unsigned long long drops, inode;
		char sk[64];
		int eth, locks, dump;
		unsigned int pid, groups, rmem, wmem;

		/* sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode */
		if (sscanf(line, "%63s %d %u %x %u %u %d %d %llu %llu", sk,
			   &eth, &pid, &groups, &rmem, &wmem, &dump, &locks,
			   &drops, &inode) != 10)
			continue;
		for (k = 0; k < n; k++)
			if (socks[k].inode == inode)
				socks[k].drops = drops;
	}
	fclose(f);
}

static uint64_t ctr_named(const struct nfp_core_inst *ci, const char *name)
{
	unsigned int i;

	for (i = 0; i < ci->nctr; i++)
		if (!strcmp(ci->pub.plugin->counters[i], name))
			return __atomic_load_n(&ci->pub.ctr[i],
					       __ATOMIC_RELAXED);
	return 0;
}

static const char *kind_str(enum nfp_kind k)
{
	return k == NFP_INPUT ? "input" : k == NFP_FILTER ? "filter" : "output";
}

/* Records an instance handled: what an input pushed, what others took. */
static uint64_t inst_records(const struct nfp_core_inst *ci)
{
	return ci->pub.plugin->kind == NFP_INPUT ? ci->rec_out : ci->rec_in;
}

struct loss {
	uint64_t enobufs;      /* ENOBUFS reported to the inputs */
	uint64_t kernel_drops; /* /proc/net/netlink Drops of their sockets */
	uint64_t seq_gaps;     /* NFLOG sequence numbers missing */
	uint64_t malformed;    /* records the parsers refused */
	uint64_t errors;       /* records stopped by process() errors */
	uint64_t rejected;     /* sink rows the database refused */
	uint64_t dropped;      /* sink rows lost: spool full, ... */
};

static void sink_cb(const struct nfp_sink_state *st, void *arg)
{
	struct jbuf *j = arg;

	if (j->oom)
		return;
	if (j->p[j->len - 1] != '[')
		jb_printf(j, ",");
	jb_printf(j, "{\"instance\":");
	jb_str(j, st->inst->name);
	jb_printf(j, ",\"state\":");
	jb_str(j, st->state);
	jb_printf(j,
		  ",\"connected\":%s,\"down\":%s,\"queued_batches\":%" PRIu32
		  ",\"queued_rows\":%" PRIu64 ",\"spool_bytes\":%" PRIu64
		  ",\"oldest_spooled\":",
		  st->up ? "true" : "false", st->down ? "true" : "false",
		  st->queued, st->queued_rows, st->spool_bytes);
	if (st->oldest_spooled)
		jb_printf(j, "%" PRId64, st->oldest_spooled);
	else
		jb_printf(j, "null");
	jb_printf(j, "}");
}

static void status_netlink(struct jbuf *j, struct loss *l)
{
	struct nl_sock socks[64];
	const struct nfp_core_inst *ci;
	unsigned int n = 0, k;

	for (ci = C.eng->insts; ci; ci = ci->next) {
		int fds[CTL_NL_MAX], nfd, i;

		if (ci->pub.plugin->kind != NFP_INPUT)
			continue;
		nfd = nfp_loop_inst_fds(&ci->pub, fds, CTL_NL_MAX);
		for (i = 0; i < nfd && n < ARRAY_SIZE(socks); i++) {
			struct sockaddr_nl sa;
			socklen_t sl = sizeof(sa);
			int dom = 0, proto = 0;
			socklen_t ol = sizeof(dom);
			struct stat st;

			if (getsockopt(fds[i], SOL_SOCKET, SO_DOMAIN, &dom,
				       &ol) < 0 ||
			    dom != AF_NETLINK)
				continue;
			ol = sizeof(proto);
			getsockopt(fds[i], SOL_SOCKET, SO_PROTOCOL, &proto,
				   &ol);
			memset(&sa, 0, sizeof(sa));
			if (getsockname(fds[i], (struct sockaddr *)&sa, &sl) <
				    0 ||
			    fstat(fds[i], &st) < 0)
				continue;
			socks[n].ci = ci;
			socks[n].proto = proto;
			socks[n].portid = sa.nl_pid;
			socks[n].inode = (uint64_t)st.st_ino;
			socks[n].drops = 0;
			n++;
		}
	}
	read_drops(socks, n);
	jb_printf(j, ",\"netlink\":[");
	for (k = 0; k < n; k++) {
		l->kernel_drops += socks[k].drops;
		jb_printf(j, "%s{\"instance\":", k ? "," : "");
		jb_str(j, socks[k].ci->name);
		jb_printf(j,
			  ",\"protocol\":%d,\"portid\":%" PRIu32
			  ",\"inode\":%" PRIu64 ",\"kernel_drops\":%" PRIu64
			  "}",
			  socks[k].proto, socks[k].portid, socks[k].inode,
			  socks[k].drops);
	}
	jb_printf(j, "]");
}

static void status_json(struct jbuf *j)
{
	const struct nfp_conf_section *g;
	const struct nfp_conf_entry *en;
	const struct nfp_core_inst *ci;
	struct loss l = { 0 };
	uint64_t up = nfp_now_ms() - C.started_ms, kernel, lost;
	bool first = true;
	unsigned int i;

	jb_printf(j, "{\"version\":");
	jb_str(j, PACKAGE_VERSION);
	jb_printf(j, ",\"pid\":%d,\"config\":", (int)getpid());
	jb_str(j, C.config);
	jb_printf(j,
		  ",\"started\":%" PRId64 ",\"uptime\":%" PRIu64
		  ".%03u,\"reloads\":%u,\"last_reload\":",
		  (int64_t)C.started, up / 1000, (unsigned int)(up % 1000),
		  C.reloads);
	if (C.last_reload)
		jb_printf(j, "%" PRId64, (int64_t)C.last_reload);
	else
		jb_printf(j, "null");
	jb_printf(j, ",\"rate\":%.1f,\"stacks\":[", C.rate);
	g = C.eng->conf ? nfp_conf_section(C.eng->conf, "global") : NULL;
	for (en = g ? g->entries : NULL; en; en = en->next) {
		if (strcmp(en->key, "stack"))
			continue;
		if (!first)
			jb_printf(j, ",");
		first = false;
		jb_str(j, en->value);
	}
	jb_printf(j, "],\"instances\":[");
	for (ci = C.eng->insts; ci; ci = ci->next) {
		jb_printf(j, "%s{\"name\":", ci == C.eng->insts ? "" : ",");
		jb_str(j, ci->name);
		jb_printf(j, ",\"plugin\":");
		jb_str(j, ci->pub.plugin->name);
		jb_printf(j,
			  ",\"kind\":\"%s\",\"in\":%" PRIu64 ",\"out\":%" PRIu64
			  ",\"stopped\":%" PRIu64 ",\"errors\":%" PRIu64
			  ",\"flush_errors\":%" PRIu64
			  ",\"rate\":%.1f,\"counters\":{",
			  kind_str(ci->pub.plugin->kind), ci->rec_in,
			  ci->rec_out, ci->rec_stop, ci->rec_err, ci->flush_err,
			  ci->rate);
		for (i = 0; i < ci->nctr; i++) {
			jb_printf(j, "%s", i ? "," : "");
			jb_str(j, ci->pub.plugin->counters[i]);
			jb_printf(j, ":%" PRIu64,
				  (uint64_t)__atomic_load_n(&ci->pub.ctr[i],
							    __ATOMIC_RELAXED));
		}
		jb_printf(j, "}}");
		l.errors += ci->rec_err;
		l.malformed += ctr_named(ci, "malformed");
		if (ci->pub.plugin->kind == NFP_INPUT) {
			l.enobufs += ctr_named(ci, "enobufs");
			l.seq_gaps += ctr_named(ci, "seq_gaps");
		}
		if (ci->pub.plugin->kind == NFP_OUTPUT) {
			l.rejected += ctr_named(ci, "rejected");
			l.dropped += ctr_named(ci, "dropped");
		}
	}
	jb_printf(j, "],\"sinks\":[");
	nfp_sink_states(sink_cb, j);
	jb_printf(j, "]");
	status_netlink(j, &l);
	/*
	 * The kernel's drops and NFLOG's sequence gaps count the same lost
	 * packets twice over: the larger of the two is what was lost before
	 * user space, at least one per ENOBUFS when neither saw it.
	 */
	kernel = l.kernel_drops > l.seq_gaps ? l.kernel_drops : l.seq_gaps;
	if (!kernel)
		kernel = l.enobufs;
	lost = kernel + l.malformed + l.errors + l.rejected + l.dropped;
	jb_printf(j,
		  ",\"loss\":{\"enobufs\":%" PRIu64 ",\"kernel_drops\":%" PRIu64
		  ",\"seq_gaps\":%" PRIu64 ",\"malformed\":%" PRIu64
		  ",\"errors\":%" PRIu64 ",\"sink_rejected\":%" PRIu64
		  ",\"sink_dropped\":%" PRIu64 ",\"lost\":%" PRIu64 "}}\n",
		  l.enobufs, l.kernel_drops, l.seq_gaps, l.malformed, l.errors,
		  l.rejected, l.dropped, lost);
}

/* ---- clients ---------------------------------------------------------- */

static void client_close(struct ctl_client *c)
{
	struct ctl_client **pp;

	for (pp = &C.clients; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	nfp_fd_del(NULL, c->fd);
	close(c->fd);
	free(c->out);
	free(c);
	C.nclients--;
}

/* Write what the socket takes; close when done or broken. */
static void client_write(struct ctl_client *c)
{
	while (c->outoff < c->outlen) {
		ssize_t n = send(c->fd, c->out + c->outoff,
				 c->outlen - c->outoff, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			nfp_fd_mod(NULL, c->fd, EPOLLOUT);
			return;
		}
		if (n <= 0)
			break;
		c->outoff += (size_t)n;
	}
	client_close(c);
}

/* Take @j's text as the reply and start sending it. */
static void client_reply(struct ctl_client *c, struct jbuf *j)
{
	if (j->oom || !j->p) {
		free(j->p);
		client_close(c);
		return;
	}
	c->out = j->p;
	c->outlen = j->len;
	c->outoff = 0;
	client_write(c);
}

static void client_request(struct ctl_client *c, const char *req)
{
	struct jbuf j = { 0 };

	if (!strcmp(req, "status")) {
		status_json(&j);
	} else if (!strcmp(req, "ping")) {
		jb_printf(&j, "{\"ok\":true,\"pid\":%d}\n", (int)getpid());
	} else if (!strcmp(req, "reload")) {
		if (C.reload) {
			c->want_reload = true;
			nfp_fd_mod(NULL, c->fd, 0);
			C.reload();
			return;
		}
		jb_printf(&j, "{\"ok\":false,\"errors\":[\"reload is not "
			      "available in this mode\"]}\n");
	} else {
		jb_printf(&j, "{\"ok\":false,\"errors\":[");
		jb_str(&j, "unknown request; try status, reload or ping");
		jb_printf(&j, "]}\n");
	}
	client_reply(c, &j);
}

static void client_cb(struct nfp_inst *inst, int fd, uint32_t events)
{
	struct ctl_client *c;
	char *nl;
	ssize_t n;

	(void)inst;
	for (c = C.clients; c && c->fd != fd; c = c->next)
		;
	if (!c)
		return;
	if (c->out) {
		if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
			client_write(c);
		return;
	}
	n = recv(c->fd, c->in + c->inlen, sizeof(c->in) - 1 - c->inlen, 0);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		client_close(c);
		return;
	}
	c->inlen += (size_t)n;
	c->in[c->inlen] = '\0';
	nl = strchr(c->in, '\n');
	if (!nl) {
		if (c->inlen == sizeof(c->in) - 1)
			client_close(c); /* a line too long: not a client */
		return;
	}
	*nl = '\0';
	if (nl > c->in && nl[-1] == '\r')
		nl[-1] = '\0';
	client_request(c, c->in);
}

static void listen_cb(struct nfp_inst *inst, int fd, uint32_t events)
{
	struct ctl_client *c;
	int cfd;

	(void)inst;
	(void)events;
	/* Bounded: at most a listen backlog's worth per wakeup. */
	for (int i = 0; i < 16; i++) {
		cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (cfd < 0)
			return;
		if (C.nclients >= CTL_CLIENTS) {
			close(cfd);
			continue;
		}
		c = calloc(1, sizeof(*c));
		if (!c) {
			close(cfd);
			continue;
		}
		c->fd = cfd;
		c->born = nfp_now_ms();
		if (nfp_fd_add(NULL, cfd, EPOLLIN, client_cb) < 0) {
			close(cfd);
			free(c);
			continue;
		}
		c->next = C.clients;
		C.clients = c;
		C.nclients++;
	}
}

static void tick_cb(struct nfp_inst *inst, void *arg)
{
	struct ctl_client *c, *n;
	struct nfp_core_inst *ci;
	uint64_t now = nfp_now_ms(), dt = now - C.last_tick, total = 0;

	(void)inst;
	(void)arg;
	for (c = C.clients; c; c = n) {
		n = c->next;
		if (!c->want_reload && now - c->born > CTL_TIMEOUT_MS)
			client_close(c);
	}
	if (!C.eng || !dt)
		return;
	for (ci = C.eng->insts; ci; ci = ci->next) {
		uint64_t r = inst_records(ci);

		/* A new instance starts from 0 after a reload. */
		if (r >= ci->rate_last)
			ci->rate = (double)(r - ci->rate_last) * 1000.0 /
				   (double)dt;
		ci->rate_last = r;
		if (ci->pub.plugin->kind == NFP_INPUT)
			total += (uint64_t)ci->rate;
	}
	C.rate = (double)total;
	C.last_tick = now;
}

/* ---- the interface for main.c ------------------------------------------ */

int nfp_control_open(const char *path, const char *config, void (*reload)(void))
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[sizeof(sa.sun_path)], *slash;
	mode_t old;
	int fd, err;

	C.config = config;
	C.reload = reload;
	C.started = time(NULL);
	C.started_ms = C.last_tick = nfp_now_ms();
	C.tick = nfp_timer_new(NULL, tick_cb, NULL);
	if (!C.tick || nfp_timer_arm(C.tick, 1000, 1000) < 0)
		return -ENOMEM;
	if (!path || !*path || !strcmp(path, "none"))
		return 0;
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	/* $runstatedir/nfpipe may not exist yet (no systemd to make it). */
	strcpy(dir, path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0750) == 0)
			nfp_own_path(NULL, dir);
		else if (errno != EEXIST)
			return -errno;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* A socket left by a daemon that died; a live one answers connect. */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		close(fd);
		return -EADDRINUSE;
	}
	unlink(path);
	old = umask(0177);
	err = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (err < 0 || chmod(path, 0600) < 0 || listen(fd, 16) < 0 ||
	    nfp_fd_add(NULL, fd, EPOLLIN, listen_cb) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	nfp_own_path(NULL, path); /* so that USER can remove it at exit */
	C.fd = fd;
	C.path = strdup(path);
	return 0;
}

const char *nfp_control_path(void)
{
	return C.path;
}

void nfp_control_engine(struct nfp_engine *e)
{
	C.eng = e;
}

double nfp_control_rate(void)
{
	return C.rate;
}

void nfp_control_reload_done(bool ok, const struct nfp_diags *d)
{
	struct ctl_client *c, *n;
	const struct nfp_diag *dg;
	char line[1024];

	if (ok) {
		C.reloads++;
		C.last_reload = time(NULL);
	}
	for (c = C.clients; c; c = n) {
		struct jbuf j = { 0 };
		bool first = true;

		n = c->next;
		if (!c->want_reload)
			continue;
		c->want_reload = false;
		jb_printf(&j, "{\"ok\":%s,\"errors\":[", ok ? "true" : "false");
		for (dg = d ? d->head : NULL; dg; dg = dg->next) {
			if (dg->level != NFP_LOG_ERROR)
				continue;
			nfp_diag_format(dg, line, sizeof(line));
			jb_printf(&j, "%s", first ? "" : ",");
			first = false;
			jb_str(&j, line);
		}
		jb_printf(&j, "]}\n");
		client_reply(c, &j);
	}
}

void nfp_control_close(void)
{
	while (C.clients)
		client_close(C.clients);
	if (C.fd >= 0) {
		nfp_fd_del(NULL, C.fd);
		close(C.fd);
		C.fd = -1;
	}
	if (C.path)
		unlink(C.path);
	free(C.path);
	C.path = NULL;
	nfp_timer_free(C.tick);
	C.tick = NULL;
	C.eng = NULL;
}
