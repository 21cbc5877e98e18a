/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_kafka - KAFKA against librdkafka's mock cluster
 *
 * Runs the real engine (PKTIN -> KAFKA, PKTIN -> BASE -> IP2STR -> KAFKA)
 * into a mock cluster made in this process (rdkafka_mock.h) and reads every
 * message back with a consumer: the JSON value of one record written out by
 * hand, keys and topics from their templates, per-partition order, the
 * counters; a broker taken down mid-stream and brought back (at least once,
 * nothing lost, order kept); a cluster absent at start (everything spooled,
 * delivered after a restart); and the config errors of bad options,
 * secrets kept out of them. Times are in UTC: 1000000000 s is 2001-09-09
 * 01:46:40 UTC.
 */
#include "nfp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <nfpipe/sink.h>

#include "engine.h"
#include "harness.h"
#include "tap.h"

extern const struct nfp_plugin nfp_filter_base;
extern const struct nfp_plugin nfp_filter_ip2str;
extern const struct nfp_plugin nfp_output_kafka;

static const struct nfp_plugin *const plugins[] = { &nfp_filter_base,
						    &nfp_filter_ip2str,
						    &nfp_output_kafka, NULL };

static char root[256], logpath[300];

/* A UDP datagram 10.9.0.1:5353 -> 10.9.0.2:53, "hello" (33 bytes). */
static const uint8_t udp[] = {
	0x45, 0x00, 0x00, 0x21, 0x12, 0x34, 0x00, 0x00, 0x40, 0x11, 0x00,
	0x00, 0x0a, 0x09, 0x00, 0x01, 0x0a, 0x09, 0x00, 0x02, 0x14, 0xe9,
	0x00, 0x35, 0x00, 0x0d, 0x00, 0x00, 'h',  'e',	'l',  'l',  'o',
};

/* udp[] with the last byte of the destination address set to @d. */
static void feed(struct nfpt *t, const char *prefix, uint32_t mark, uint8_t d)
{
	static uint8_t pkt[sizeof(udp)];
	struct nfpt_pkt p = {
		.family = AF_INET,
		.data = pkt,
		.len = sizeof(pkt),
		.prefix = prefix,
		.hook = 3,
		.mark = mark,
		.indev = "",
		.outdev = "eth0",
		.sec = 1000000000,
		.usec = 123,
	};

	memcpy(pkt, udp, sizeof(udp));
	pkt[19] = d;
	nfpt_feed(t, "in", &p);
}

/* Flush and wait up to @ms for counter @name to reach @want. */
static bool wait_ctr(struct nfpt *t, const char *name, const char *ctr,
		     uint64_t want, unsigned int ms)
{
	struct nfp_inst *inst = nfpt_inst(t, name);

	while (ms--) {
		inst->plugin->flush(inst);
		if (nfpt_counter(t, name, ctr) >= want)
			return true;
		usleep(1000);
	}
	return false;
}

static char *conf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *conf(const char *fmt, ...)
{
	static char buf[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return buf;
}

/* ---- the mock cluster and a consumer ------------------------------------ */

struct mock {
	rd_kafka_t *rk;		     /* the throwaway handle that owns it */
	rd_kafka_mock_cluster_t *mc; /* the cluster */
	char bootstraps[256];	     /* "127.0.0.1:port,..." */
};

static void mock_new(struct mock *m, int brokers)
{
	rd_kafka_conf_t *c = rd_kafka_conf_new();
	char err[256];

	/* Keep the throwaway handle quiet: it has no broker of its own. */
	rd_kafka_conf_set(c, "log_level", "0", err, sizeof(err));
	m->rk = rd_kafka_new(RD_KAFKA_PRODUCER, c, err, sizeof(err));
	if (!m->rk)
		bail_out("rd_kafka_new: %s", err);
	m->mc = rd_kafka_mock_cluster_new(m->rk, brokers);
	if (!m->mc)
		bail_out("rd_kafka_mock_cluster_new failed");
	snprintf(m->bootstraps, sizeof(m->bootstraps), "%s",
		 rd_kafka_mock_cluster_bootstraps(m->mc));
}

static void mock_free(struct mock *m)
{
	rd_kafka_mock_cluster_destroy(m->mc);
	rd_kafka_destroy(m->rk);
}

/* One consumed message. */
struct msg {
	int32_t part;	/* partition */
	int64_t offset; /* offset in it */
	char *key;	/* NUL-terminated copy, NULL when none */
	char *val;	/* NUL-terminated copy */
	long mark;	/* "oob.mark" of the value, -1 if none */
};

struct msgs {
	struct msg m[4096]; /* in consumption order */
	unsigned int n;	    /* messages */
};

static long mark_of(const char *json)
{
	const char *p = strstr(json, "\"oob.mark\":");

	return p ? strtol(p + 11, NULL, 10) : -1;
}

/*
 * Every message of @topic's @nparts partitions from the start, until each
 * partition reports its end (or 10 s pass).
 */
static void consume(const char *bootstraps, const char *topic, int nparts,
		    struct msgs *out)
{
	rd_kafka_conf_t *c = rd_kafka_conf_new();
	rd_kafka_topic_partition_list_t *tp;
	rd_kafka_message_t *rm;
	rd_kafka_t *rk;
	char err[256];
	int i, eof = 0;
	time_t end = time(NULL) + 10;

	out->n = 0;
	rd_kafka_conf_set(c, "bootstrap.servers", bootstraps, err, sizeof(err));
	rd_kafka_conf_set(c, "group.id", "test", err, sizeof(err));
	rd_kafka_conf_set(c, "enable.partition.eof", "true", err, sizeof(err));
	rd_kafka_conf_set(c, "log_level", "3", err, sizeof(err));
	rk = rd_kafka_new(RD_KAFKA_CONSUMER, c, err, sizeof(err));
	if (!rk)
		bail_out("consumer: %s", err);
	rd_kafka_poll_set_consumer(rk);
	tp = rd_kafka_topic_partition_list_new(nparts);
	for (i = 0; i < nparts; i++)
		rd_kafka_topic_partition_list_add(tp, topic, i)->offset =
			RD_KAFKA_OFFSET_BEGINNING;
	rd_kafka_assign(rk, tp);
	rd_kafka_topic_partition_list_destroy(tp);
	while (eof < nparts && time(NULL) < end) {
		rm = rd_kafka_consumer_poll(rk, 100);
		if (!rm)
			continue;
		if (rm->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
			eof++;
		} else if (!rm->err && out->n < 4096) {
			struct msg *m = &out->m[out->n++];

			m->part = rm->partition;
			m->offset = rm->offset;
			m->key = rm->key ? strndup(rm->key, rm->key_len) : NULL;
			m->val = strndup(rm->payload, rm->len);
			m->mark = mark_of(m->val);
		} else if (rm->err) {
			diag("consumer: %s", rd_kafka_message_errstr(rm));
		}
		rd_kafka_message_destroy(rm);
	}
	if (eof < nparts)
		diag("consumer: %d of %d partitions reached their end", eof,
		     nparts);
	rd_kafka_consumer_close(rk);
	rd_kafka_destroy(rk);
}

static void msgs_free(struct msgs *ms)
{
	unsigned int i;

	for (i = 0; i < ms->n; i++) {
		free(ms->m[i].key);
		free(ms->m[i].val);
	}
	ms->n = 0;
}

/*
 * Marks 0..@n-1 each at least once, nothing else; within each partition the
 * first sightings of marks in increasing order. Returns the duplicates.
 */
static unsigned int check_all(const struct msgs *ms, unsigned int n,
			      const char *what)
{
	static unsigned char seen[4096];
	long last[64];
	unsigned int i, missing = 0, dups = 0, bad = 0, disorder = 0;

	memset(seen, 0, sizeof(seen));
	for (i = 0; i < 64; i++)
		last[i] = -1;
	for (i = 0; i < ms->n; i++) {
		long k = ms->m[i].mark;
		int32_t p = ms->m[i].part;

		if (k < 0 || k >= (long)n || p < 0 || p >= 64) {
			bad++;
			continue;
		}
		if (seen[k]++) {
			dups++;
			continue;
		}
		if (k < last[p])
			disorder++;
		last[p] = k;
	}
	for (i = 0; i < n; i++)
		if (!seen[i])
			missing++;
	is_int(missing, 0, "%s: every one of %u records arrived", what, n);
	is_int(bad, 0, "%s: no message that was not sent", what);
	is_int(disorder, 0, "%s: in order within each partition", what);
	return dups;
}

/* ---- tests ----------------------------------------------------------------
 */

/* PKTIN alone: the whole value worked out by hand from the packet. */
#define VALUE_HEAD                                                             \
	"{\"timestamp\":\"2001-09-09T01:46:40.000123+00:00\","                 \
	"\"dvc\":\"Netfilter\",\"raw.pktlen\":33,\"raw.pktcount\":1,"          \
	"\"raw.type\":1,\"oob.prefix\":\"web\",\"oob.time.sec\":1000000000,"   \
	"\"oob.time.usec\":123,\"oob.mark\":"
#define VALUE_TAIL                                                             \
	",\"oob.hook\":3,\"oob.family\":2,\"oob.protocol\":2048,"              \
	"\"oob.in\":\"\",\"oob.out\":\"eth0\"}"

static void test_messages(void)
{
	struct mock m;
	struct msgs *ms = calloc(1, sizeof(*ms));
	struct nfpt *t;
	unsigned int i, nokey = 0, dups;
	int32_t part_of[5] = { -1, -1, -1, -1, -1 };
	unsigned int spread = 0;
	char want[512], prefix[8];

	mock_new(&m, 3);
	rd_kafka_mock_topic_create(m.mc, "nflog", 3, 1);

	/* One record through PKTIN alone; no key template: no key. */
	t = nfpt_new(conf("[global]\nstack=in:PKTIN,k:KAFKA\n"
			  "[k]\nbrokers=\"%s\"\ntopic=\"nflog\"\n"
			  "io_timeout=3s\nspool_dir=\"%s/spool\"\n",
			  m.bootstraps, root),
		     plugins);
	feed(t, "web", 7, 2);
	ok(wait_ctr(t, "k", "delivered", 1, 10000), "one record delivered");
	nfpt_free(t);
	consume(m.bootstraps, "nflog", 3, ms);
	is_int(ms->n, 1, "one message in the topic");
	snprintf(want, sizeof(want), VALUE_HEAD "7" VALUE_TAIL);
	is_str(ms->n ? ms->m[0].val : NULL, want,
	       "the value is the record's JSON object, no newline");
	ok(ms->n && !ms->m[0].key, "no key template: a message without a key");
	msgs_free(ms);
	mock_free(&m);

	/* 300 records, keyed "<prefix>-<daddr>" through BASE and IP2STR. */
	mock_new(&m, 3);
	rd_kafka_mock_topic_create(m.mc, "nflog", 3, 1);
	t = nfpt_new(conf("[global]\nstack=in:PKTIN,b:BASE,s:IP2STR,k:KAFKA\n"
			  "[k]\nbrokers=\"%s\"\ntopic=\"nflog\"\n"
			  "key=\"${oob.prefix}-${ip.daddr.str}$$\"\n"
			  "batch=40\ntimestamp=0\nio_timeout=3s\n"
			  "spool_dir=\"%s/spool\"\n",
			  m.bootstraps, root),
		     plugins);
	for (i = 0; i < 300; i++) {
		snprintf(prefix, sizeof(prefix), "P%u", i % 5);
		feed(t, prefix, i, (uint8_t)(i % 5));
	}
	ok(wait_ctr(t, "k", "written", 300, 10000), "300 rows written");
	is_int(nfpt_counter(t, "k", "delivered"), 300, "delivered counts 300");
	is_int(nfpt_counter(t, "k", "delivery_errors"), 0, "no delivery errors");
	nfpt_free(t);
	consume(m.bootstraps, "nflog", 3, ms);
	is_int(ms->n, 300, "300 messages in the topic");
	dups = check_all(ms, 300, "keyed");
	is_int(dups, 0, "keyed: no duplicates without an outage");
	for (i = 0; i < ms->n; i++) {
		struct msg *g = &ms->m[i];
		long k = g->mark;
		char wk[32];

		snprintf(wk, sizeof(wk), "P%ld-10.9.0.%ld$", k % 5, k % 5);
		if (!g->key || strcmp(g->key, wk)) {
			nokey++;
			if (nokey < 3)
				diag("mark %ld: key '%s', wanted '%s'", k,
				     g->key ? g->key : "(none)", wk);
			continue;
		}
		if (part_of[k % 5] < 0)
			part_of[k % 5] = g->part;
		else if (part_of[k % 5] != g->part)
			spread++;
	}
	is_int(nokey, 0, "every key is \"<oob.prefix>-<ip.daddr.str>$\"");
	is_int(spread, 0, "the messages of one key share a partition");
	ok(ms->n && strstr(ms->m[0].val, "\"ip.saddr.str\":\"10.9.0.1\"") &&
		   !strstr(ms->m[0].val, "\"timestamp\""),
	   "the value has IP2STR's keys and no timestamp (timestamp=0)");
	msgs_free(ms);

	/* A topic template: characters Kafka refuses become '_'. */
	rd_kafka_mock_topic_create(m.mc, "fw-a_b_c", 1, 1);
	t = nfpt_new(conf("[global]\nstack=in:PKTIN,k:KAFKA\n"
			  "[k]\nbrokers=\"%s\"\ntopic=\"fw-${oob.prefix}\"\n"
			  "fields=ecs\nio_timeout=3s\nspool_dir=\"%s/spool\"\n",
			  m.bootstraps, root),
		     plugins);
	feed(t, "a b:c", 1, 2);
	ok(wait_ctr(t, "k", "delivered", 1, 10000),
	   "topic template: delivered");
	nfpt_free(t);
	consume(m.bootstraps, "fw-a_b_c", 1, ms);
	is_int(ms->n, 1, "prefix \"a b:c\" goes to topic fw-a_b_c");
	ok(ms->n && strstr(ms->m[0].val, "\"observer.product\":\"Netfilter\""),
	   "fields=ecs reaches the encoder");
	msgs_free(ms);
	mock_free(&m);
	free(ms);
}

/* The only broker goes down mid-stream and comes back. */
static void test_outage(void)
{
	struct mock m;
	struct msgs *ms = calloc(1, sizeof(*ms));
	struct nfpt *t;
	unsigned int i, dups;

	mock_new(&m, 1);
	rd_kafka_mock_topic_create(m.mc, "nflog", 2, 1);
	t = nfpt_new(conf("[global]\nstack=in:PKTIN,k:KAFKA\n"
			  "[k]\nbrokers=\"%s\"\ntopic=\"nflog\"\n"
			  "batch=10\nio_timeout=500ms\nretry_max=300ms\n"
			  "spool_dir=\"%s/spool-outage\"\n",
			  m.bootstraps, root),
		     plugins);
	for (i = 0; i < 100; i++)
		feed(t, "web", i, 2);
	ok(wait_ctr(t, "k", "delivered", 100, 10000),
	   "outage: the first 100 delivered");
	rd_kafka_mock_broker_set_down(m.mc, 1);
	for (i = 100; i < 200; i++) {
		feed(t, "web", i, 2);
		usleep(10000);
	}
	usleep(1000 * 1000);
	ok(nfpt_counter(t, "k", "spooled") > 0,
	   "outage: broker down, batches spooled (%" PRIu64 " rows)",
	   nfpt_counter(t, "k", "spooled"));
	ok(nfpt_counter(t, "k", "written") < 200,
	   "outage: not all written while down (%" PRIu64 ")",
	   nfpt_counter(t, "k", "written"));
	rd_kafka_mock_broker_set_up(m.mc, 1);
	for (i = 200; i < 300; i++)
		feed(t, "web", i, 2);
	ok(wait_ctr(t, "k", "written", 300, 20000),
	   "outage: all 300 rows written after the broker is back");
	is_int(nfpt_counter(t, "k", "dropped"), 0, "outage: nothing dropped");
	ok(nfpt_counter(t, "k", "reconnects") >= 1, "outage: reconnected");
	ok(nfpt_counter(t, "k", "delivered") >= 300,
	   "outage: delivered >= 300 (%" PRIu64 ", errors %" PRIu64 ")",
	   nfpt_counter(t, "k", "delivered"), nfpt_counter(t, "k", "delivery_errors"));
	nfpt_free(t);
	consume(m.bootstraps, "nflog", 2, ms);
	dups = check_all(ms, 300, "outage");
	ok(ms->n == 300 + dups,
	   "outage: %u messages = 300 + %u repeated (at least once)", ms->n,
	   dups);
	msgs_free(ms);
	mock_free(&m);
	free(ms);
}

/* No cluster at start: everything spools; a restart with one delivers. */
static void test_absent(void)
{
	struct mock m;
	struct msgs *ms = calloc(1, sizeof(*ms));
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	struct nfpt *t;
	unsigned int i;
	int fd;
	char brokers[64];

	/* A port nobody listens on: bind one, note it, close it. */
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(fd, (struct sockaddr *)&sa, &sl))
		bail_out("no free port: %s", strerror(errno));
	close(fd);
	snprintf(brokers, sizeof(brokers), "127.0.0.1:%u", ntohs(sa.sin_port));

	t = nfpt_new(conf("[global]\nstack=in:PKTIN,k:KAFKA\n"
			  "[k]\nbrokers=\"%s\"\ntopic=\"nflog\"\nbatch=10\n"
			  "io_timeout=300ms\nstop_timeout=1s\n"
			  "spool_dir=\"%s/spool-absent\"\n",
			  brokers, root),
		     plugins);
	/* The first connect fails after io_timeout; from then on the sink
	 * is down and every batch goes to the spool. */
	usleep(800 * 1000);
	for (i = 0; i < 30; i++)
		feed(t, "web", i, 2);
	ok(wait_ctr(t, "k", "spooled", 30, 5000),
	   "absent cluster: the 30 rows are spooled");
	is_int(nfpt_counter(t, "k", "written"), 0, "absent cluster: none written");
	nfpt_free(t);

	mock_new(&m, 1);
	rd_kafka_mock_topic_create(m.mc, "nflog", 1, 1);
	t = nfpt_new(conf("[global]\nstack=in:PKTIN,k:KAFKA\n"
			  "[k]\nbrokers=\"%s\"\ntopic=\"nflog\"\nbatch=10\n"
			  "io_timeout=3s\nspool_dir=\"%s/spool-absent\"\n",
			  m.bootstraps, root),
		     plugins);
	for (i = 30; i < 35; i++)
		feed(t, "web", i, 2);
	ok(wait_ctr(t, "k", "written", 35, 10000),
	   "cluster there after a restart: 35 written");
	is_int(nfpt_counter(t, "k", "replayed"), 30, "the 30 spooled ones replayed");
	nfpt_free(t);
	consume(m.bootstraps, "nflog", 1, ms);
	is_int(ms->n, 35, "35 messages, no duplicate");
	check_all(ms, 35, "absent");
	msgs_free(ms);
	mock_free(&m);
	free(ms);
}

static void test_config(void)
{
	char diags[8192], *log;
	const char *head = "[global]\nstack=in:PKTIN,k:KAFKA\n[k]\n";
	const char *b = "brokers=\"127.0.0.1:1\"\n";
	int n;

	n = nfpt_check(conf("%stopic=\"nflog\"\n", head), plugins, diags,
		       sizeof(diags));
	ok(n >= 1 && strstr(diags, "brokers"),
	   "no brokers: an error naming it");
	n = nfpt_check(conf("%s%s", head, b), plugins, diags, sizeof(diags));
	ok(n >= 1 && strstr(diags, "topic"), "no topic: an error naming it");
	is_int(nfpt_check(conf("%s%stopic=\"nflog\"\n", head, b), plugins,
			  diags, sizeof(diags)),
	       0, "brokers and topic: a valid config");
	is_int(nfpt_check(conf("%s%stopic=\"a b\"\n", head, b), plugins, diags,
			  sizeof(diags)),
	       1, "topic with a space: an error");
	like(diags,
	     "test.conf:5: error: [k] topic=\"a b\": ' ' is not allowed in a "
	     "topic name; use only A-Z a-z 0-9 . _ - in a topic name",
	     "topic error: at topic='s line, with what to change");
	is_int(nfpt_check(conf("%s%stopic=\"t\"\nkey=\"${ip.saddr.str\"\n",
			       head, b),
			  plugins, diags, sizeof(diags)),
	       1, "key template without '}': an error");
	n = nfpt_check(
		conf("%s%stopic=\"t\"\nkey=\"${ip.saddr.str}\"\n", head, b),
		plugins, diags, sizeof(diags));
	ok(n == 1 && strstr(diags, "ip.saddr.str"),
	   "key naming a key nothing produces: an error naming it");
	is_int(nfpt_check(conf("%s%stopic=\"t\"\nkey=\"${oob.prefix}\"\n", head,
			       b),
			  plugins, diags, sizeof(diags)),
	       0, "key naming PKTIN's oob.prefix: valid");
	is_int(nfpt_check(conf("%s%stopic=\"t\"\nproperty=\"nonsense\"\n", head,
			       b),
			  plugins, diags, sizeof(diags)),
	       1, "property without '=': an error");
	is_int(nfpt_check(conf("%s%stopic=\"t\"\nproperty=\"no.such=1\"\n",
			       head, b),
			  plugins, diags, sizeof(diags)),
	       1, "unknown librdkafka property: an error");
	is_int(nfpt_check(conf("%s%stopic=\"t\"\nacks=1\n"
			       "property=\"enable.idempotence=true\"\n",
			       head, b),
			  plugins, diags, sizeof(diags)),
	       1, "acks=1 with idempotence: librdkafka refuses, an error");
	is_int(nfpt_check(conf("%s%stopic=\"t\"\nacks=1\n", head, b), plugins,
			  diags, sizeof(diags)),
	       0, "acks=1 alone: idempotence off, valid");
	is_int(nfpt_check(conf("%s%stopic=\"t\"\ncompression=rar\n", head, b),
			  plugins, diags, sizeof(diags)),
	       1, "compression=rar: an error");
	is_int(nfpt_check(conf("%s%stopic=\"t\"\ncompression=zstd\n", head, b),
			  plugins, diags, sizeof(diags)),
	       0, "compression=zstd: valid");
	n = nfpt_check(conf("%s%stopic=\"t\"\n"
			    "property=\"sasl.password=Hunter2-Secret\"\n"
			    "property=\"security.protocol=Hunter2-Secret\"\n",
			    head, b),
		       plugins, diags, sizeof(diags));
	log = nfpt_slurp(logpath);
	ok(n == 1 && strstr(diags, "test.conf:7: error: [k] "
				   "security.protocol: Invalid value"),
	   "a bad property value: an error at its line naming the property");
	ok(!strstr(diags, "Hunter2-Secret") && !strstr(log, "Hunter2-Secret"),
	   "the secret is in neither the errors nor the log");
	free(log);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");

	setenv("TZ", "UTC", 1);
	tzset();
	snprintf(root, sizeof(root), "%s/nfpt-kafka-XXXXXX",
		 tmp ? tmp : "/tmp");
	if (!mkdtemp(root))
		bail_out("mkdtemp: %s", strerror(errno));
	snprintf(logpath, sizeof(logpath), "%s/nfpiped.log", root);
	if (nfp_log_open(logpath, NFP_LOG_INFO) < 0)
		bail_out("cannot open %s", logpath);
	test_config();
	test_messages();
	test_outage();
	test_absent();
	nfp_log_close();
	nfpt_rmtree(root);
	return done_testing();
}
