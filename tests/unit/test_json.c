/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_json - JSON writes the objects worked out by hand
 *
 * Runs the real engine (PKTIN -> JSON, PKTIN -> BASE -> JSON) into files
 * and sockets and compares with lines written by hand from the packet: an
 * RFC 3339 time in a fixed +05:30 zone, the escaping of control characters
 * and of invalid UTF-8, numbers bare, addresses as strings, ECS names, one
 * write(2) per batch. The network modes (unix, tcp, udp) send to a receiver
 * on a thread of the test, which keeps every byte: each record's line must
 * arrive whole, exactly once and in order with the receiver there, late,
 * stalled (the feed must not wait for it), closing its connection, after a
 * SIGHUP and after a restart of the daemon while it was down.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "tap.h"
#include "../../plugins/output/json/json.h"

extern const struct nfp_plugin nfp_filter_base;
extern const struct nfp_plugin nfp_output_json;

static const struct nfp_plugin *const plugins[] = { &nfp_filter_base,
						    &nfp_output_json, NULL };

static char dir[1024];

/* A UDP datagram 10.9.0.1:5353 -> 10.9.0.2:53, "hello" (33 bytes). */
static const uint8_t udp[] = {
	0x45, 0x00, 0x00, 0x21, 0x12, 0x34, 0x00, 0x00, 0x40, 0x11, 0x00,
	0x00, 0x0a, 0x09, 0x00, 0x01, 0x0a, 0x09, 0x00, 0x02, 0x14, 0xe9,
	0x00, 0x35, 0x00, 0x0d, 0x00, 0x00, 'h',  'e',	'l',  'l',  'o',
};

/* Quote, backslash, newline, SOH, DEL, é, a stray 0xff, a cut-off euro
 * sign, a UTF-16 surrogate, and an emoji. */
static const char nasty[] = "a\"b\\c\nd\x01\x7f\xc3\xa9\xff\xe2\x82x"
			    "\xed\xa0\x80\xf0\x9f\x98\x80";
#define NASTY_JSON                                                             \
	"\"a\\\"b\\\\c\\nd\\u0001\\u007f\xc3\xa9\\ufffd"                       \
	"\\ufffd\\ufffdx\\ufffd\\ufffd\\ufffd\xf0\x9f\x98\x80\""

static struct nfpt_pkt udp_pkt(const char *prefix)
{
	struct nfpt_pkt p = {
		.family = AF_INET,
		.data = udp,
		.len = sizeof(udp),
		.prefix = prefix,
		.hook = 3,
		.indev = "",
		.outdev = "eth0",
		.sec = 1000000000,
		.usec = 123, /* 2001-09-09 01:46:40 UTC */
	};
	return p;
}

/* The whole line for udp_pkt(prefix) through PKTIN alone, by hand. */
#define LINE_HEAD                                                              \
	"{\"timestamp\":\"2001-09-09T07:16:40.000123+05:30\","                 \
	"\"dvc\":\"Netfilter\",\"raw.pktlen\":33,\"raw.pktcount\":1,"          \
	"\"raw.type\":1,\"oob.prefix\":"
#define LINE_TAIL                                                              \
	",\"oob.time.sec\":1000000000,\"oob.time.usec\":123,"                  \
	"\"oob.mark\":0,\"oob.hook\":3,\"oob.family\":2,"                      \
	"\"oob.protocol\":2048,\"oob.in\":\"\",\"oob.out\":\"eth0\"}\n"

static void test_encoder(void)
{
	struct json_time tc = { 0 };
	char buf[256], *e;

	e = json_str(buf, nasty, sizeof(nasty) - 1);
	*e = 0;
	is_str(buf, NASTY_JSON, "json_str: escapes and U+FFFD per bad byte");
	e = json_str(buf, "\b\f\r\t\x1f", 5);
	*e = 0;
	is_str(buf, "\"\\b\\f\\r\\t\\u001f\"", "json_str: short escapes");
	e = json_u64(buf, UINT64_MAX);
	*e = 0;
	is_str(buf, "18446744073709551615", "json_u64: largest value");
	e = json_time(&tc, buf, 1000000000, -1);
	*e = 0;
	is_str(buf, "\"2001-09-09T07:16:40+05:30\"", "json_time: no fraction");
	e = json_time(&tc, buf, 1000000001, 999999);
	*e = 0;
	is_str(buf, "\"2001-09-09T07:16:41.999999+05:30\"",
	       "json_time: next second, microseconds");
	is_str(json_ecs_name("udp.dport"), "destination.port",
	       "ECS: udp.dport");
	ok(json_ecs_name("oob.mark") == NULL, "ECS: oob.mark keeps its name");
	is_str(json_transport(58), "ipv6-icmp", "ECS: transport 58");
}

static void test_file(void)
{
	struct nfpt_pkt p = udp_pkt(nasty);
	char conf[8192], path[1200], *got;
	struct nfpt *t;

	snprintf(path, sizeof(path), "%s/a.json", dir);
	snprintf(conf, sizeof(conf),
		 "[global]\nstack=in:PKTIN,j:JSON\n[j]\nfile=%s\n", path);
	t = nfpt_new(conf, plugins);
	nfpt_feed(t, "in", &p);
	nfpt_free(t);
	got = nfpt_slurp(path);
	is_str(got, LINE_HEAD NASTY_JSON LINE_TAIL,
	       "file: the object worked out by hand");
	free(got);
}

static void test_options(void)
{
	struct nfpt_pkt p = udp_pkt("x");
	char conf[8192], path[1200], *got;
	struct nfpt *t;

	snprintf(path, sizeof(path), "%s/b.json", dir);
	snprintf(conf, sizeof(conf),
		 "[global]\nstack=in:PKTIN,j:JSON\n[j]\nfile=%s\n"
		 "eventv1=1\ndevice=\"gw\\\"1\"\n",
		 path);
	t = nfpt_new(conf, plugins);
	nfpt_feed(t, "in", &p);
	nfpt_free(t);
	got = nfpt_slurp(path);
	like(got,
	     "{\"@version\":1,\"@timestamp\":\"2001-09-09T07:16:40"
	     ".000123+05:30\",\"dvc\":\"gw",
	     "eventv1: @version and @timestamp first");
	free(got);

	snprintf(path, sizeof(path), "%s/c.json", dir);
	snprintf(conf, sizeof(conf),
		 "[global]\nstack=in:PKTIN,j:JSON\n[j]\nfile=%s\n"
		 "timestamp=0\nraw=1\n",
		 path);
	t = nfpt_new(conf, plugins);
	nfpt_feed(t, "in", &p);
	nfpt_free(t);
	got = nfpt_slurp(path);
	like(got,
	     "{\"dvc\":\"Netfilter\",\"raw.pkt\":\"450000211234000040"
	     "1100000a0900010a09000214e90035000d000068656c6c6f\",",
	     "timestamp=0 leaves it out; raw=1 writes raw.pkt in hex");
	free(got);
}

static void test_base_ecs(void)
{
	struct nfpt_pkt p = udp_pkt("DROP");
	char conf[8192], path[1200], *got;
	struct nfpt *t;

	snprintf(path, sizeof(path), "%s/d.json", dir);
	snprintf(conf, sizeof(conf),
		 "[global]\nstack=in:PKTIN,b:BASE,j:JSON\n"
		 "stack=in:PKTIN,j2:JSON\n"
		 "[j]\nfile=%s\n[j2]\nfile=%s.2\n",
		 path, path);
	t = nfpt_new(conf, plugins);
	nfpt_feed(t, "in", &p);
	nfpt_free(t);
	got = nfpt_slurp(path);
	like(got, ",\"ip.saddr\":\"10.9.0.1\",\"ip.daddr\":\"10.9.0.2\",",
	     "ulogd names: addresses as strings");
	like(got, ",\"ip.protocol\":17,", "ulogd names: protocol a number");
	like(got, ",\"udp.sport\":5353,\"udp.dport\":53,",
	     "ulogd names: ports numbers");
	free(got);

	snprintf(path, sizeof(path), "%s/e.json", dir);
	snprintf(conf, sizeof(conf),
		 "[global]\nstack=in:PKTIN,b:BASE,j:JSON\n"
		 "[j]\nfile=%s\nfields=ecs\n",
		 path);
	t = nfpt_new(conf, plugins);
	nfpt_feed(t, "in", &p);
	nfpt_free(t);
	got = nfpt_slurp(path);
	like(got,
	     "{\"@timestamp\":\"2001-09-09T07:16:40.000123+05:30\","
	     "\"observer.product\":\"Netfilter\",",
	     "ECS: @timestamp and observer.product first");
	like(got, ",\"event.action\":\"DROP\",", "ECS: prefix is event.action");
	like(got,
	     ",\"source.ip\":\"10.9.0.1\",\"destination.ip\":\"10.9.0.2\",",
	     "ECS: source.ip, destination.ip");
	like(got, ",\"network.iana_number\":17,\"network.transport\":\"udp\",",
	     "ECS: network.iana_number and network.transport");
	like(got, ",\"source.port\":5353,\"destination.port\":53,",
	     "ECS: source.port, destination.port");
	like(got, ",\"network.type\":\"ipv4\",", "ECS: network.type");
	like(got, ",\"observer.egress.interface.name\":\"eth0\"",
	     "ECS: egress interface");
	ok(!strstr(got, "oob.time.sec"), "ECS: time only in @timestamp");
	free(got);
}

static void test_batch(void)
{
	struct nfpt_pkt p = udp_pkt("B");
	char conf[8192], path[1200], *got, *nl;
	struct nfpt *t;
	int lines = 0;

	snprintf(path, sizeof(path), "%s/f.json", dir);
	snprintf(conf, sizeof(conf),
		 "[global]\nstack=in:PKTIN,b:BASE,j:JSON\n"
		 "stack=in:PKTIN,j:JSON\n[j]\nfile=%s\n",
		 path);
	t = nfpt_new(conf, plugins);
	nfpt_feed(t, "in", &p);
	is_int((int64_t)nfpt_counter(t, "j", "lines"), 2, "batch: two objects");
	is_int((int64_t)nfpt_counter(t, "j", "writes"), 1, "batch: one write(2)");
	nfpt_feed(t, "in", &p);
	nfpt_free(t);
	got = nfpt_slurp(path);
	for (nl = got; (nl = strchr(nl, '\n')); nl++)
		lines++;
	is_int(lines, 4, "batch: one line an object, two stack positions");
	free(got);
}

/* ---- network modes ---------------------------------------------------- */

/*
 * A receiver on a thread of its own: it accepts stream connections one
 * after the other (or reads a bound datagram socket) and keeps every byte
 * it got, connections one after the other, so the tests can check what
 * arrived, in which order, how often.
 */
struct rcv {
	int type;		  /* SOCK_STREAM or SOCK_DGRAM */
	int ls;			  /* listening (stream) or bound (dgram) */
	pthread_t th;		  /* the reading thread */
	pthread_mutex_t mu;	  /* guards the members below it */
	char *buf;		  /* everything received */
	size_t len;		  /* bytes in buf */
	size_t cap;		  /* bytes allocated */
	unsigned int lines;	  /* '\n' in buf */
	unsigned int conns;	  /* connections accepted */
	unsigned int reads;	  /* recv() calls that got bytes */
	unsigned int close_after; /* close the first connection here */
	bool closed;		  /* it did */
	int pause;		  /* atomic: do not read for now */
	int stop;		  /* atomic: end the thread */
};

static void rcv_take(struct rcv *r, const char *p, size_t n)
{
	size_t i;

	pthread_mutex_lock(&r->mu);
	if (r->len + n > r->cap) {
		r->cap = (r->len + n) * 2;
		r->buf = realloc(r->buf, r->cap);
		if (!r->buf)
			bail_out("receiver: out of memory");
	}
	memcpy(r->buf + r->len, p, n);
	r->len += n;
	r->reads++;
	for (i = 0; i < n; i++)
		r->lines += p[i] == '\n';
	pthread_mutex_unlock(&r->mu);
}

static void *rcv_main(void *arg)
{
	static char tmp[1 << 16];
	struct rcv *r = arg;
	struct pollfd pfd;
	int cs = r->type == SOCK_DGRAM ? r->ls : -1;
	ssize_t n;
	bool shut;

	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		if (cs < 0) {
			pfd.fd = r->ls;
			pfd.events = POLLIN;
			if (poll(&pfd, 1, 20) == 1) {
				cs = accept(r->ls, NULL, NULL);
				pthread_mutex_lock(&r->mu);
				r->conns += cs >= 0;
				pthread_mutex_unlock(&r->mu);
			}
			continue;
		}
		if (__atomic_load_n(&r->pause, __ATOMIC_ACQUIRE)) {
			usleep(5000);
			continue;
		}
		pfd.fd = cs;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 20) != 1)
			continue;
		n = recv(cs, tmp, sizeof(tmp), MSG_DONTWAIT);
		if (n > 0)
			rcv_take(r, tmp, (size_t)n);
		if (r->type == SOCK_DGRAM)
			continue;
		pthread_mutex_lock(&r->mu);
		shut = r->close_after && !r->closed &&
		       r->lines >= r->close_after;
		if (shut)
			r->closed = true;
		pthread_mutex_unlock(&r->mu);
		if (shut || n == 0 ||
		    (n < 0 && errno != EAGAIN && errno != EINTR)) {
			close(cs);
			cs = -1;
		}
	}
	if (cs >= 0 && cs != r->ls)
		close(cs);
	return NULL;
}

/*
 * A receiver of @type bound on 127.0.0.1 (port in *@port) or at unix path
 * @path; a stream one listens only when @listening, else connections to it
 * are refused until rcv_listen(). Not reading until rcv_run().
 */
static void rcv_init(struct rcv *r, int type, const char *path,
		     unsigned int *port, bool listening)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_un *un = (struct sockaddr_un *)&ss;
	socklen_t len;
	int one = 1, big = 8 << 20;

	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->mu, NULL);
	r->type = type;
	if (path) {
		un->sun_family = AF_UNIX;
		snprintf(un->sun_path, sizeof(un->sun_path), "%s", path);
		len = sizeof(*un);
	} else {
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sin->sin_port = htons((uint16_t)*port);
		len = sizeof(*sin);
	}
	r->ls = socket(ss.ss_family, type | SOCK_CLOEXEC, 0);
	if (r->ls < 0)
		bail_out("receiver socket: %s", strerror(errno));
	setsockopt(r->ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(r->ls, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	if (bind(r->ls, (struct sockaddr *)&ss, len) < 0)
		bail_out("receiver bind: %s", strerror(errno));
	if (!path && getsockname(r->ls, (struct sockaddr *)&ss, &len) == 0)
		*port = ntohs(sin->sin_port);
	if (listening && type == SOCK_STREAM && listen(r->ls, 8) < 0)
		bail_out("receiver listen: %s", strerror(errno));
}

static void rcv_listen(struct rcv *r)
{
	if (listen(r->ls, 8) < 0)
		bail_out("receiver listen: %s", strerror(errno));
}

static void rcv_run(struct rcv *r)
{
	if (pthread_create(&r->th, NULL, rcv_main, r))
		bail_out("receiver thread");
}

static void rcv_done(struct rcv *r)
{
	__atomic_store_n(&r->stop, 1, __ATOMIC_RELEASE);
	pthread_join(r->th, NULL);
	close(r->ls);
}

static void rcv_free(struct rcv *r)
{
	free(r->buf);
	pthread_mutex_destroy(&r->mu);
}

static unsigned int rcv_lines(struct rcv *r)
{
	unsigned int n;

	pthread_mutex_lock(&r->mu);
	n = r->lines;
	pthread_mutex_unlock(&r->mu);
	return n;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Until @r has @n lines or @secs passed; meanwhile the instance's flush()
 * hands over the batch that waited while the worker was busy (the loop's
 * timer would, but the harness runs no loop). The lines it has.
 */
static unsigned int wait_lines(struct rcv *r, unsigned int n, double secs,
			       struct nfpt *t)
{
	double end = now_s() + secs;
	struct nfp_inst *i = t ? nfpt_inst(t, "j") : NULL;

	while (rcv_lines(r) < n && now_s() < end) {
		if (i)
			i->plugin->flush(i);
		usleep(5000);
	}
	return rcv_lines(r);
}

/* Counter @name once it is @want, or what it is after 5 s. */
static uint64_t wait_counter(struct nfpt *t, const char *name, uint64_t want)
{
	double end = now_s() + 5;

	while (nfpt_counter(t, "j", name) != want && now_s() < end)
		usleep(5000);
	return nfpt_counter(t, "j", name);
}

/* Record @k: udp_pkt() with the prefix "n=<k>", six digits. */
static void feed_n(struct nfpt *t, unsigned int from, unsigned int n)
{
	char prefix[16];
	struct nfpt_pkt p;
	unsigned int k;

	for (k = from; k < from + n; k++) {
		snprintf(prefix, sizeof(prefix), "n=%06u", k);
		p = udp_pkt(prefix);
		nfpt_feed(t, "in", &p);
	}
}

/*
 * What @r got must be the lines of records 0..@n-1, each whole, each
 * exactly once, in order: the line worked out by hand with the prefix of
 * its number.
 */
static void check_lines(struct rcv *r, unsigned int n, const char *what)
{
	char want[1024], prefix[16];
	unsigned int k = 0, bad = 0;
	size_t off = 0, ll;
	const char *nl;

	while (off < r->len) {
		nl = memchr(r->buf + off, '\n', r->len - off);
		ll = nl ? (size_t)(nl - (r->buf + off)) + 1 : r->len - off;
		snprintf(prefix, sizeof(prefix), "\"n=%06u\"", k);
		snprintf(want, sizeof(want), "%s%s%s", LINE_HEAD, prefix,
			 LINE_TAIL);
		if (k >= n || ll != strlen(want) ||
		    memcmp(r->buf + off, want, ll)) {
			if (!bad++)
				diag("%s: line %u is %.*s", what, k,
				     (int)(ll > 200 ? 200 : ll), r->buf + off);
		}
		off += ll;
		k++;
	}
	is_int(k, n, "%s: %u lines arrived", what, n);
	is_int(bad, 0, "%s: each the expected line, once, in order", what);
}

/* A JSON instance "j" of @mode writing to @where, with sink @extra. */
static struct nfpt *net_new(const char *mode, const char *where,
			    const char *name, const char *extra)
{
	char conf[8192];

	snprintf(conf, sizeof(conf),
		 "[global]\nstack=in:PKTIN,j:JSON\n[j]\nmode=%s\n%s\n"
		 "spool_dir=%s/spool-%s\nretry_max=100ms\n%s\n",
		 mode, where, dir, name, extra ? extra : "");
	return nfpt_new(conf, plugins);
}

static void sock_where(char *buf, size_t len, const char *path,
		       unsigned int port)
{
	if (path)
		snprintf(buf, len, "file=%s", path);
	else
		snprintf(buf, len, "host=127.0.0.1\nport=%u", port);
}

/* The receiver is there throughout: every line arrives, in order. */
static void test_net_order(const char *mode, int type, bool unix_path)
{
	char path[200], where[300], what[64];
	unsigned int port = 0, n = 300;
	struct nfpt *t;
	struct rcv r;

	/* Datagrams that find the receive buffer full are lost: fewer. */
	if (type == SOCK_DGRAM)
		n = 100;

	snprintf(path, sizeof(path), "%.90s/o-%s", dir, mode);
	snprintf(what, sizeof(what), "%s, receiver up", mode);
	rcv_init(&r, type, unix_path ? path : NULL, &port, true);
	rcv_run(&r);
	sock_where(where, sizeof(where), unix_path ? path : NULL, port);
	t = net_new(mode, where, mode, "batch=50");
	feed_n(t, 0, n);
	wait_lines(&r, n, 10, t);
	is_int((int64_t)nfpt_counter(t, "j", "lines"), n, "%s: lines counts %u",
	       what, n);
	is_int((int64_t)wait_counter(t, "written", n), n,
	       "%s: written counts %u", what, n);
	nfpt_free(t);
	wait_lines(&r, n, 2, NULL);
	rcv_done(&r);
	check_lines(&r, n, what);
	if (type == SOCK_DGRAM)
		is_int(r.reads, n, "%s: one datagram a line", what);
	rcv_free(&r);
}

/*
 * No receiver at start: lines spool; it appears; every line arrives,
 * exactly once, in order.
 */
static void test_net_absent(const char *mode, int type, bool unix_path)
{
	char path[200], where[300], what[64], name[32];
	unsigned int port = 0, n = 60;
	uint64_t spooled;
	struct nfpt *t;
	struct rcv r;

	snprintf(path, sizeof(path), "%.90s/a-%s", dir, mode);
	snprintf(what, sizeof(what), "%s, receiver late", mode);
	snprintf(name, sizeof(name), "absent-%s", mode);
	if (type == SOCK_DGRAM) {
		/* A free port, closed again: datagrams to it are refused. */
		rcv_init(&r, type, NULL, &port, false);
		close(r.ls);
		rcv_free(&r);
	} else if (!unix_path) {
		/* Bound, not listening: connections are refused. */
		rcv_init(&r, type, NULL, &port, false);
	}
	sock_where(where, sizeof(where), unix_path ? path : NULL, port);
	t = net_new(mode, where, name, "batch=10");
	/* The worker's first attempt fails: from then on batches spool. */
	usleep(200000);
	feed_n(t, 0, 10);
	/*
	 * UDP: that batch failed at once, and once more right away; the
	 * next attempt, which looks connected for an instant, is 200 ms
	 * later. Feed in between.
	 */
	usleep(100000);
	feed_n(t, 10, n - 10);
	usleep(200000);
	/*
	 * Streams are refused at connect: every batch spools. A UDP
	 * "connection" always works: a batch is sent and refused (ICMP),
	 * and while the worker is connected again, batches queue instead.
	 */
	spooled = nfpt_counter(t, "j", "spooled");
	if (type == SOCK_DGRAM)
		ok(spooled > 0, "%s: lines spooled (%llu)", what,
		   (unsigned long long)spooled);
	else
		is_int((int64_t)spooled, n, "%s: every line spooled", what);
	is_int((int64_t)nfpt_counter(t, "j", "written"), 0, "%s: none written",
	       what);
	if (type == SOCK_DGRAM || unix_path)
		rcv_init(&r, type, unix_path ? path : NULL, &port, true);
	else
		rcv_listen(&r);
	rcv_run(&r);
	wait_lines(&r, n, 10, t);
	is_int((int64_t)wait_counter(t, "replayed", spooled), (int64_t)spooled,
	       "%s: all replayed from the spool", what);
	nfpt_free(t);
	rcv_done(&r);
	check_lines(&r, n, what);
	rcv_free(&r);
}

/*
 * The receiver stops reading: the socket buffers fill, the worker waits,
 * and the feed goes on at full speed (lines spool); then it reads again
 * and gets everything.
 */
static void test_net_stalled(void)
{
	char path[200], where[300];
	unsigned int n = 20000;
	struct nfpt *t;
	struct rcv r;
	double t0, dt;

	snprintf(path, sizeof(path), "%.90s/stall", dir);
	rcv_init(&r, SOCK_STREAM, path, NULL, true);
	r.pause = 1;
	rcv_run(&r);
	sock_where(where, sizeof(where), path, 0);
	t = net_new("unix", where, "stall",
		    "batch=100\nqueue_max=2\nio_timeout=60s\nstop_timeout=60s");
	t0 = now_s();
	feed_n(t, 0, n);
	dt = now_s() - t0;
	ok(dt < 5, "stalled receiver: %u records fed in %.2f s (< 5 s)", n, dt);
	ok(nfpt_counter(t, "j", "spooled") > 0,
	   "stalled receiver: lines spooled (%llu)",
	   (unsigned long long)nfpt_counter(t, "j", "spooled"));
	ok(rcv_lines(&r) == 0, "stalled receiver: read nothing yet");
	__atomic_store_n(&r.pause, 0, __ATOMIC_RELEASE);
	wait_lines(&r, n, 30, t);
	nfpt_free(t);
	wait_lines(&r, n, 5, NULL);
	rcv_done(&r);
	check_lines(&r, n, "stalled receiver");
	rcv_free(&r);
}

/*
 * The receiver closes its connection (TCP FIN) between batches: the next
 * batch must not go into the dead connection, where TCP would take it and
 * lose it. No line lost; two connections.
 */
static void test_net_closed(void)
{
	char where[300];
	unsigned int port = 0, n = 40;
	struct nfpt *t;
	struct rcv r;
	bool closed = false;
	int i;

	rcv_init(&r, SOCK_STREAM, NULL, &port, true);
	r.close_after = n;
	rcv_run(&r);
	sock_where(where, sizeof(where), NULL, port);
	t = net_new("tcp", where, "closed", "batch=10");
	feed_n(t, 0, n);
	wait_lines(&r, n, 10, t);
	for (i = 0; i < 200 && !closed; i++) {
		pthread_mutex_lock(&r.mu);
		closed = r.closed;
		pthread_mutex_unlock(&r.mu);
		usleep(5000);
	}
	ok(closed, "receiver closed: after %u lines", n);
	usleep(50000); /* the FIN is in */
	feed_n(t, n, n);
	wait_lines(&r, 2 * n, 10, t);
	nfpt_free(t);
	rcv_done(&r);
	is_int(r.conns, 2, "receiver closed: a second connection");
	check_lines(&r, 2 * n, "receiver closed");
	rcv_free(&r);
}

/* SIGHUP: a new connection before the next batch; nothing lost. */
static void test_net_hup(void)
{
	char where[300];
	unsigned int port = 0, n = 20;
	struct nfp_inst *i;
	struct nfpt *t;
	struct rcv r;

	rcv_init(&r, SOCK_STREAM, NULL, &port, true);
	rcv_run(&r);
	sock_where(where, sizeof(where), NULL, port);
	t = net_new("tcp", where, "hup", "batch=10");
	feed_n(t, 0, n);
	wait_lines(&r, n, 10, t);
	i = nfpt_inst(t, "j");
	i->plugin->reopen(i);
	feed_n(t, n, n);
	wait_lines(&r, 2 * n, 10, t);
	nfpt_free(t);
	rcv_done(&r);
	is_int(r.conns, 2, "SIGHUP: connected again");
	check_lines(&r, 2 * n, "SIGHUP");
	rcv_free(&r);
}

/*
 * The daemon stops while the receiver is down: the lines stay in the
 * spool, and the next start sends them.
 */
static void test_net_restart(void)
{
	char where[300];
	unsigned int port = 0, n = 50;
	struct nfpt *t;
	struct rcv r;
	double t0;

	rcv_init(&r, SOCK_STREAM, NULL, &port, false);
	sock_where(where, sizeof(where), NULL, port);
	t = net_new("tcp", where, "restart", "batch=10");
	feed_n(t, 0, n);
	t0 = now_s();
	nfpt_free(t);
	ok(now_s() - t0 < 3, "stop, receiver down: no wait for it");
	rcv_listen(&r);
	rcv_run(&r);
	usleep(300000);
	is_int(rcv_lines(&r), 0, "stop, receiver down: nothing sent");
	t = net_new("tcp", where, "restart", "batch=10");
	wait_lines(&r, n, 10, t);
	is_int((int64_t)wait_counter(t, "replayed", n), n,
	       "next start: %u spooled lines replayed", n);
	nfpt_free(t);
	rcv_done(&r);
	check_lines(&r, n, "after a restart");
	rcv_free(&r);
}

/* A line too long for a datagram is rejected; the others go. */
static void test_udp_too_long(void)
{
	static char big[70000];
	char where[300];
	unsigned int port = 0;
	struct nfpt_pkt p;
	struct nfpt *t;
	struct rcv r;

	memset(big, 'x', sizeof(big) - 1);
	rcv_init(&r, SOCK_DGRAM, NULL, &port, true);
	rcv_run(&r);
	sock_where(where, sizeof(where), NULL, port);
	t = net_new("udp", where, "big", "batch=10");
	feed_n(t, 0, 1);
	p = udp_pkt(big);
	nfpt_feed(t, "in", &p);
	feed_n(t, 1, 1);
	wait_lines(&r, 2, 5, t);
	is_int((int64_t)wait_counter(t, "rejected", 1), 1,
	       "udp: the long line rejected");
	is_int((int64_t)wait_counter(t, "written", 2), 2,
	       "udp: the other two written");
	nfpt_free(t);
	rcv_done(&r);
	check_lines(&r, 2, "udp, one line too long");
	rcv_free(&r);
}

/* The old `buffer` option is still accepted (deprecated, ignored). */
static void test_net_buffer_option(void)
{
	char conf[2048], msgs[2048];
	int n;

	snprintf(conf, sizeof(conf),
		 "[global]\nstack=in:PKTIN,j:JSON\n[j]\nmode=tcp\n"
		 "buffer=8M\nspool_dir=%s/spool-opt\n",
		 dir);
	n = nfpt_check(conf, plugins, msgs, sizeof(msgs));
	is_int(n, 0, "buffer=8M: no config error");
	snprintf(conf, sizeof(conf),
		 "[global]\nstack=in:PKTIN,j:JSON\n[j]\nmode=tcp\n"
		 "io_timeout=50ms\n");
	n = nfpt_check(conf, plugins, msgs, sizeof(msgs));
	ok(n == 1 && strstr(msgs, "io_timeout"),
	   "io_timeout below 100 ms: a config error");
}

/* The line of a nasty prefix over each socket: the file's, byte for byte. */
static void test_net_nasty(const char *mode, int type, bool unix_path)
{
	struct nfpt_pkt p = udp_pkt(nasty);
	char path[200], where[300], what[64];
	unsigned int port = 0;
	struct nfpt *t;
	struct rcv r;

	snprintf(path, sizeof(path), "%.90s/n-%s", dir, mode);
	snprintf(what, sizeof(what), "%s: the same line as the file's", mode);
	rcv_init(&r, type, unix_path ? path : NULL, &port, true);
	rcv_run(&r);
	sock_where(where, sizeof(where), unix_path ? path : NULL, port);
	t = net_new(mode, where, path + strlen(path) - strlen(mode) - 2, NULL);
	nfpt_feed(t, "in", &p);
	wait_lines(&r, 1, 5, t);
	nfpt_free(t);
	rcv_done(&r);
	rcv_take(&r, "", 1);
	is_str(r.buf, LINE_HEAD NASTY_JSON LINE_TAIL, "%s", what);
	rcv_free(&r);
}
int main(void)
{
	char tmpl[] = "/tmp/nfpt-json.XXXXXX";

	if (!mkdtemp(tmpl))
		bail_out("mkdtemp");
	snprintf(dir, sizeof(dir), "%s", tmpl);
	setenv("TZ", "<+0530>-5:30", 1);
	tzset();
	test_encoder();
	test_file();
	test_options();
	test_base_ecs();
	test_batch();
	test_net_nasty("unix", SOCK_STREAM, true);
	test_net_nasty("tcp", SOCK_STREAM, false);
	test_net_nasty("udp", SOCK_DGRAM, false);
	test_net_order("unix", SOCK_STREAM, true);
	test_net_order("tcp", SOCK_STREAM, false);
	test_net_order("udp", SOCK_DGRAM, false);
	test_net_absent("unix", SOCK_STREAM, true);
	test_net_absent("tcp", SOCK_STREAM, false);
	test_net_absent("udp", SOCK_DGRAM, false);
	test_net_stalled();
	test_net_closed();
	test_net_hup();
	test_net_restart();
	test_udp_too_long();
	test_net_buffer_option();
	nfpt_rmtree(dir);
	return done_testing();
}
