/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output/kafka - every record as one JSON message to a Kafka topic
 *
 * Consumes every key upstream (NFP_PF_ALL_KEYS) like JSON and encodes the
 * record with JSON's encoder (../json/jsonenc.c, the same options and
 * defaults). The message key and the topic are templates: literal text
 * with ${key.name} references, bound like input keys at start-up (a name
 * nothing upstream produces is a config error) and formatted as OPRINT
 * shows values; an unset key adds nothing, an empty key means no key.
 *
 * Delivery goes through the queued-sink core (include/nfpipe/sink.h).
 * process() runs on the main thread and turns a record into a row of three
 * TEXT values: topic, key (or NULL) and the JSON value. The worker thread
 * owns the librdkafka producer: write_batch() produces every message of the
 * batch (copied), then waits up to io_timeout for all delivery reports.
 * All delivered: OK. A message the cluster can never take (too large) is
 * rejected alone. Any other failure or a timeout: RETRY, and the core
 * disconnects (the producer is destroyed, its queue purged), spools and
 * writes the whole batch again later. Delivery is therefore at least once:
 * messages of a failed batch that did land are produced again. Within one
 * producer enable.idempotence=true (the default with acks=all) stops
 * librdkafka's own resends from duplicating or reordering. connect()
 * creates the producer and waits for a metadata answer, so an absent
 * cluster makes the sink spool instead of filling librdkafka's queue.
 *
 * librdkafka logs through nfp_log from its own threads, rate-limited with
 * state of our own; values of secret properties (passwords, client
 * secrets) are replaced by "****" in everything we log.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strndup */
#endif
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <librdkafka/rdkafka.h>

#include <nfpipe/plugin.h>
#include <nfpipe/sink.h>

#include "../json/json.h"

/* Version of the row layout (topic, key, value): spooled rows must match. */
#define KAFKA_SCHEMA 0x4b414631u /* "KAF1" */
#define KAFKA_NCOLS  3

#define TOPIC_MAX     249 /* Kafka's limit on a topic name */
#define TOPIC_CACHE   16  /* topic handles the worker keeps */
#define QFULL_WAIT_MS 50  /* poll while librdkafka's queue is full */
#define MAX_SECRETS   8	  /* secret property values to scrub */

enum kafka_acks { KA_ALL, KA_ONE, KA_NONE, KA_MINUS_ONE };
static const char *const kafka_acks_names[] = { "all", "1", "0", "-1", NULL };
static const char *const kafka_acks_value[] = { "all", "1", "0", "all" };

static const char *const kafka_codecs[] = { "none", "gzip", "snappy",
					    "lz4",  "zstd", NULL };

static const char *const kafka_counters[] = { NFP_SINK_COUNTER_NAMES,
					      "delivered", "delivery_errors",
					      NULL };
enum { KC_DELIVERED = NFP_SINK_NCTR, KC_DELIVERY_ERRORS };

/* One piece of a template: literal text, then optionally a key's value. */
struct tmpl_part {
	const char *lit; /* literal text (inside tmpl.text), not NUL-ended */
	uint32_t len;	 /* bytes of lit */
	int key;	 /* input key index, -1: none */
};

/* A parsed `topic` or `key` template. */
struct tmpl {
	char *text;		/* unescaped literals; malloc'ed */
	struct tmpl_part *part; /* nparts pieces; malloc'ed */
	unsigned int nparts;	/* pieces */
	bool has_keys;		/* false: the text is fixed */
};

/* A growable buffer for one formatted value (main thread). */
struct gbuf {
	char *p;    /* malloc'ed */
	size_t cap; /* bytes at p */
};

/* What librdkafka's log callback needs, from any of its threads. */
struct kafka_logger {
	pthread_mutex_t mu;		  /* guards rl */
	struct nfp_ratelimit rl;	  /* librdkafka's messages */
	const struct nfp_inst *li;	  /* instance (or its stand-in) */
	const char *secrets[MAX_SECRETS]; /* values never logged */
};

/* The worker's state: everything it touches is here. */
struct kafka_ctx {
	struct kafka_logger log; /* first: librdkafka's opaque points here */
	rd_kafka_conf_t *conf;	 /* the producer's config, dup'ed per
				  * connect */
	rd_kafka_t *rk;		 /* producer while connected */
	struct {
		char *name;	       /* topic; malloc'ed */
		rd_kafka_topic_t *rkt; /* handle of rk */
	} topics[TOPIC_CACHE];	       /* handles by name */
	unsigned int next_topic;       /* slot to reuse next */
	struct nfp_sink *s;	       /* for nfp_sink_reject() */
	uint64_t io_timeout;	       /* ms to wait for delivery reports */
	struct nfp_ratelimit rl;       /* worker complaints */
	char *secret_copy;	       /* storage of log.secrets; malloc'ed */
	/* One batch's delivery reports (the worker's poll calls dr_cb). */
	uint32_t pending;	 /* produced, no report yet */
	uint32_t delivered;	 /* reported delivered */
	uint32_t failed;	 /* reported failed, worth retrying */
	uint32_t rejected;	 /* reported failed for good */
	rd_kafka_resp_err_t err; /* first retryable error */
};

struct kafka_priv {
	char *brokers;		   /* option: bootstrap list */
	char *topic;		   /* option: topic template */
	char *key;		   /* option: message key template */
	char *device;		   /* option: "dvc" */
	int acks;		   /* option: enum kafka_acks */
	int compression;	   /* option: index in kafka_codecs */
	char *property;		   /* option: "name=value" lines */
	uint64_t io_timeout;	   /* option: ms */
	struct json_enc enc;	   /* JSON options and the encoder */
	struct nfp_sink_conf sink; /* batch, queue and spool options */
	struct tmpl topic_t;	   /* parsed topic */
	struct tmpl key_t;	   /* parsed key */
	struct nfp_key *in;	   /* input keys the templates name */
	unsigned int nin;	   /* entries of in before the { 0 } */
	struct gbuf tbuf;	   /* formatted topic */
	struct gbuf kbuf;	   /* formatted key */
	struct gbuf vbuf;	   /* encoded JSON */
	rd_kafka_conf_t *conf;	   /* built by configure, to the ctx */
	struct nfp_sink *s;	   /* running sink, or NULL */
};

static const struct nfp_option kafka_options[] = {
	{ .name = "brokers",
	  .type = NFP_OPT_STRING,
	  .flags = NFP_OPT_REQUIRED,
	  .off = offsetof(struct kafka_priv, brokers),
	  .help = "Bootstrap brokers, \"host:port,host:port\"." },
	{ .name = "topic",
	  .type = NFP_OPT_STRING,
	  .flags = NFP_OPT_REQUIRED,
	  .off = offsetof(struct kafka_priv, topic),
	  .help = "Topic, or a template such as \"nflog-${oob.prefix}\"." },
	{ .name = "key",
	  .type = NFP_OPT_STRING,
	  .def = "",
	  .off = offsetof(struct kafka_priv, key),
	  .help = "Message key template, e.g. \"${ip.saddr.str}\"; empty: "
		  "no key (messages spread over the partitions)." },
	{ .name = "timestamp",
	  .type = NFP_OPT_BOOL,
	  .def = "1",
	  .off = offsetof(struct kafka_priv, enc.timestamp),
	  .help = "Write the packet time as an RFC 3339 \"timestamp\"." },
	{ .name = "eventv1",
	  .type = NFP_OPT_BOOL,
	  .def = "0",
	  .off = offsetof(struct kafka_priv, enc.eventv1),
	  .help = "Logstash event v1: \"@version\":1 and \"@timestamp\"." },
	{ .name = "device",
	  .type = NFP_OPT_STRING,
	  .def = "Netfilter",
	  .off = offsetof(struct kafka_priv, device),
	  .help = "Device name written as \"dvc\" (ECS: observer.product)." },
	{ .name = "boolean_label",
	  .type = NFP_OPT_BOOL,
	  .def = "0",
	  .off = offsetof(struct kafka_priv, enc.boolean_label),
	  .help = "Write raw.label as \"action\": \"allowed\" (non-zero) or "
		  "\"blocked\"." },
	{ .name = "fields",
	  .type = NFP_OPT_ENUM,
	  .def = "ulogd",
	  .enums = json_field_sets,
	  .off = offsetof(struct kafka_priv, enc.fields),
	  .help = "Field names: ulogd (key names) or ecs (Elastic Common "
		  "Schema: source.ip, destination.port, ...)." },
	{ .name = "raw",
	  .type = NFP_OPT_BOOL,
	  .def = "0",
	  .off = offsetof(struct kafka_priv, enc.raw),
	  .help = "Also write raw keys (raw.pkt, raw.mac) as hex strings." },
	{ .name = "acks",
	  .type = NFP_OPT_ENUM,
	  .def = "all",
	  .enums = kafka_acks_names,
	  .off = offsetof(struct kafka_priv, acks),
	  .help = "Broker acknowledgements a message needs: all (-1), 1 "
		  "(the leader) or 0 (none)." },
	{ .name = "compression",
	  .type = NFP_OPT_ENUM,
	  .def = "none",
	  .enums = kafka_codecs,
	  .off = offsetof(struct kafka_priv, compression),
	  .help = "Compression of message sets: none, gzip, snappy, lz4 or "
		  "zstd." },
	{ .name = "property",
	  .type = NFP_OPT_STRING,
	  .flags = NFP_OPT_MULTI,
	  .off = offsetof(struct kafka_priv, property),
	  .help = "A librdkafka property \"name=value\" (repeatable), applied "
		  "last, e.g. security.protocol=sasl_ssl." },
	{ .name = "io_timeout",
	  .type = NFP_OPT_DURATION,
	  .def = "5s",
	  .unit = "ms",
	  .min = 100,
	  .max = 3600000,
	  .off = offsetof(struct kafka_priv, io_timeout),
	  .help = "Wait for the cluster's answer at connect and for a batch's "
		  "delivery reports; past it the batch is written again." },
	NFP_SINK_OPTIONS(struct kafka_priv, sink),
	{ 0 }
};

/* ---- secrets and the log ------------------------------------------------- */

/* Property names whose values must never reach the log. */
static bool secret_name(const char *name, size_t len)
{
	static const char *const words[] = {
		"password", "secret",  "oauthbearer.config",
		"key.pem",  "ssl_key", NULL
	};
	unsigned int i;

	for (i = 0; words[i]; i++)
		if (memmem(name, len, words[i], strlen(words[i])))
			return true;
	return false;
}

/* Replace every secret in @msg (NUL-terminated, changed in place). */
static void scrub(char *msg, const char *const *secrets)
{
	unsigned int i;
	char *hit;
	size_t n;

	for (i = 0; i < MAX_SECRETS && secrets[i]; i++) {
		n = strlen(secrets[i]);
		if (!n)
			continue;
		while ((hit = strstr(msg, secrets[i]))) {
			/* "****" and the rest of msg, shorter or as long. */
			if (n >= 4) {
				memcpy(hit, "****", 4);
				memmove(hit + 4, hit + n, strlen(hit + n) + 1);
			} else {
				memset(hit, '*', n);
			}
		}
	}
}

static void log_cb(const rd_kafka_t *rk, int level, const char *fac,
		   const char *buf)
{
	struct kafka_logger *lg = rd_kafka_opaque(rk);
	enum nfp_level nl;
	char msg[1024];

	if (!lg)
		return;
	/* librdkafka's levels are syslog's. */
	if (level <= 3)
		nl = NFP_LOG_ERROR;
	else if (level <= 5)
		nl = NFP_LOG_NOTICE;
	else if (level == 6)
		nl = NFP_LOG_INFO;
	else
		nl = NFP_LOG_DEBUG;
	if (!nfp_log_enabled(nl))
		return;
	snprintf(msg, sizeof(msg), "%s", buf);
	scrub(msg, lg->secrets);
	pthread_mutex_lock(&lg->mu);
	nfp_log_rl(&lg->rl, lg->li, nl, "librdkafka %s: %s", fac, msg);
	pthread_mutex_unlock(&lg->mu);
}

/* ---- templates ----------------------------------------------------------- */

static void tmpl_free(struct tmpl *t)
{
	free(t->text);
	free(t->part);
	memset(t, 0, sizeof(*t));
}

/* The index of @name in p->in, added when new; -1 on ENOMEM. */
static int key_index(struct kafka_priv *p, const char *name, size_t len)
{
	struct nfp_key *in;
	char *copy;
	unsigned int i;

	for (i = 0; i < p->nin; i++)
		if (strlen(p->in[i].name) == len &&
		    !memcmp(p->in[i].name, name, len))
			return (int)i;
	in = realloc(p->in, (p->nin + 2) * sizeof(*in));
	if (!in)
		return -1;
	p->in = in;
	copy = strndup(name, len);
	if (!copy)
		return -1;
	memset(&in[p->nin], 0, 2 * sizeof(*in));
	in[p->nin].name = copy;
	in[p->nin].type = NFP_T_NONE; /* any type: formatted as text */
	in[p->nin].help = "named in the topic or key template";
	return (int)p->nin++;
}

/*
 * Parse @src: "${name}" is the value of key name, "$$" a '$', anything
 * else itself. 0, or -EINVAL with *why set, or -ENOMEM.
 */
static int tmpl_parse(struct kafka_priv *p, struct tmpl *t, const char *src,
		      const char **why)
{
	size_t n = src ? strlen(src) : 0;
	const char *s = src ? src : "", *end;
	char *o;
	struct tmpl_part *cur;

	t->text = malloc(n + 1);
	/* Worst case a part per "${": n/3 + 1 parts. */
	t->part = calloc(n / 3 + 2, sizeof(*t->part));
	if (!t->text || !t->part)
		return -ENOMEM;
	o = t->text;
	cur = &t->part[0];
	cur->lit = o;
	cur->key = -1;
	while (*s) {
		if (s[0] == '$' && s[1] == '$') {
			*o++ = '$';
			s += 2;
			continue;
		}
		if (s[0] != '$' || s[1] != '{') {
			*o++ = *s++;
			continue;
		}
		end = strchr(s + 2, '}');
		if (!end) {
			*why = "\"${\" without its \"}\"";
			return -EINVAL;
		}
		if (end == s + 2) {
			*why = "\"${}\" names no key";
			return -EINVAL;
		}
		cur->len = (uint32_t)(o - cur->lit);
		cur->key = key_index(p, s + 2, (size_t)(end - s - 2));
		if (cur->key < 0)
			return -ENOMEM;
		t->has_keys = true;
		s = end + 1;
		cur++;
		cur->lit = o;
		cur->key = -1;
	}
	cur->len = (uint32_t)(o - cur->lit);
	*o = '\0';
	t->nparts = (unsigned int)(cur - t->part) + 1;
	return 0;
}

static int gbuf_need(struct gbuf *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 256;
	char *q;

	if (n <= b->cap)
		return 0;
	while (cap < n)
		cap *= 2;
	q = realloc(b->p, cap);
	if (!q)
		return -ENOMEM;
	b->p = q;
	b->cap = cap;
	return 0;
}

/* @t for @rec into @b, NUL-terminated: its length or -ENOMEM. */
static long tmpl_format(const struct tmpl *t, const struct nfp_rec *rec,
			struct gbuf *b)
{
	const struct nfp_value *v;
	const struct tmpl_part *pt;
	size_t o = 0;
	unsigned int i;
	int n;

	for (i = 0; i < t->nparts; i++) {
		pt = &t->part[i];
		if (gbuf_need(b, o + pt->len + 1))
			return -ENOMEM;
		memcpy(b->p + o, pt->lit, pt->len);
		o += pt->len;
		if (pt->key < 0)
			continue;
		v = nfp_get(rec, (unsigned int)pt->key);
		if (!v)
			continue;
		for (;;) {
			n = nfp_value_format(
				nfp_in_type(rec, (unsigned int)pt->key), v,
				b->p + o, b->cap - o);
			if (n < 0)
				break;
			if ((size_t)n < b->cap - o) {
				o += (size_t)n;
				break;
			}
			if (gbuf_need(b, o + (size_t)n + 1))
				return -ENOMEM;
		}
	}
	if (gbuf_need(b, o + 1))
		return -ENOMEM;
	b->p[o] = '\0';
	return (long)o;
}

static bool topic_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

/*
 * A templated topic as Kafka allows it: characters outside [A-Za-z0-9._-]
 * become '_', cut at 249 bytes. Returns the new length.
 */
static long topic_clean(char *s, long n)
{
	long i;

	if (n > TOPIC_MAX)
		n = TOPIC_MAX;
	s[n] = '\0';
	for (i = 0; i < n; i++)
		if (!topic_char(s[i]))
			s[i] = '_';
	return n;
}

/* ---- the producer's configuration ---------------------------------------- */

static int conf_set(struct nfp_inst *inst, rd_kafka_conf_t *c, const char *name,
		    const char *value, const char *const *secrets)
{
	char err[512];

	if (rd_kafka_conf_set(c, name, value, err, sizeof(err)) ==
	    RD_KAFKA_CONF_OK)
		return 0;
	scrub(err, secrets);
	return nfp_inst_error(inst, "property",
			      "see librdkafka's CONFIGURATION.md for the names "
			      "and values it takes",
			      "%s: %s", name, err);
}

/*
 * Copy the values of secret properties into @copy (one string after the
 * other) and point @secrets at them, for scrub().
 */
static int collect_secrets(const char *props, char **copy, const char **secrets)
{
	const char *line, *nl, *eq;
	unsigned int n = 0;
	char *o;

	*copy = NULL;
	if (!props)
		return 0;
	*copy = malloc(strlen(props) + 1);
	if (!*copy)
		return -ENOMEM;
	o = *copy;
	for (line = props; *line && n < MAX_SECRETS; line = nl ? nl + 1 : "") {
		nl = strchr(line, '\n');
		eq = memchr(line, '=', nl ? (size_t)(nl - line) : strlen(line));
		if (!eq || !secret_name(line, (size_t)(eq - line)))
			continue;
		eq++;
		secrets[n++] = o;
		while (*eq && *eq != '\n')
			*o++ = *eq++;
		*o++ = '\0';
	}
	return 0;
}

/*
 * Build the producer's configuration from the options, then the property
 * lines. A bad name or value, or a combination librdkafka refuses, is a
 * config error now rather than an endless reconnect later.
 */
static rd_kafka_conf_t *build_conf(struct nfp_inst *inst, struct kafka_priv *p,
				   const char *const *secrets)
{
	rd_kafka_conf_t *c = rd_kafka_conf_new();
	char num[32], name[256], err[512];
	const char *line, *nl, *eq;
	size_t nlen;
	int bad = 0;

	if (!c)
		return NULL;
	bad |= conf_set(inst, c, "bootstrap.servers", p->brokers, secrets);
	bad |= conf_set(inst, c, "client.id", "nfpiped", secrets);
	bad |= conf_set(inst, c, "acks", kafka_acks_value[p->acks], secrets);
	/* Idempotence needs acks=all; without it librdkafka refuses. */
	bad |= conf_set(inst, c, "enable.idempotence",
			(p->acks == KA_ALL || p->acks == KA_MINUS_ONE)
				? "true"
				: "false",
			secrets);
	bad |= conf_set(inst, c, "compression.codec",
			kafka_codecs[p->compression], secrets);
	/* librdkafka gives up on a message when we do. */
	snprintf(num, sizeof(num), "%" PRIu64, p->io_timeout);
	bad |= conf_set(inst, c, "message.timeout.ms", num, secrets);
	/* A whole batch must fit in librdkafka's queue. */
	snprintf(num, sizeof(num), "%" PRIu64,
		 p->sink.batch < 100000 ? 100000 : p->sink.batch);
	bad |= conf_set(inst, c, "queue.buffering.max.messages", num, secrets);
	for (line = p->property; line && *line; line = nl ? nl + 1 : "") {
		nl = strchr(line, '\n');
		nlen = nl ? (size_t)(nl - line) : strlen(line);
		eq = memchr(line, '=', nlen);
		if (!eq || eq == line || (size_t)(eq - line) >= sizeof(name)) {
			bad = nfp_inst_error(inst, "property",
					     "write property=\"name=value\"",
					     "a property line of %zu bytes "
					     "without a name and '='",
					     nlen);
			continue;
		}
		memcpy(name, line, (size_t)(eq - line));
		name[eq - line] = '\0';
		{
			char *val =
				strndup(eq + 1, nlen - (size_t)(eq - line) - 1);

			if (!val) {
				bad = -ENOMEM;
				break;
			}
			bad |= conf_set(inst, c, name, val, secrets);
			free(val);
		}
	}
	if (bad) {
		rd_kafka_conf_destroy(c);
		return NULL;
	}
	rd_kafka_conf_set_log_cb(c, log_cb);
	/* Checks across properties happen in rd_kafka_new() only. */
	{
		rd_kafka_conf_t *trial = rd_kafka_conf_dup(c);
		struct kafka_logger lg = { .li = inst };
		rd_kafka_t *rk;
		unsigned int i;

		pthread_mutex_init(&lg.mu, NULL);
		for (i = 0; i < MAX_SECRETS; i++)
			lg.secrets[i] = secrets[i];
		rd_kafka_conf_set_opaque(trial, &lg);
		/* Only the configuration is tried: no broker is asked (that
		 * is connect()'s job), so nothing is logged either. */
		rd_kafka_conf_set(trial, "bootstrap.servers", "", err,
				  sizeof(err));
		rd_kafka_conf_set_log_cb(trial, NULL);
		rk = rd_kafka_new(RD_KAFKA_PRODUCER, trial, err, sizeof(err));
		if (!rk) {
			rd_kafka_conf_destroy(trial);
			scrub(err, secrets);
			nfp_inst_error(
				inst, "property", NULL,
				"librdkafka refuses the configuration: %s",
				err);
			rd_kafka_conf_destroy(c);
			pthread_mutex_destroy(&lg.mu);
			return NULL;
		}
		rd_kafka_destroy(rk);
		pthread_mutex_destroy(&lg.mu);
	}
	return c;
}

/* ---- the worker ---------------------------------------------------------- */

static bool permanent(rd_kafka_resp_err_t err)
{
	/* The message itself is the problem: sending it again cannot help. */
	return err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE ||
	       err == RD_KAFKA_RESP_ERR_INVALID_MSG_SIZE ||
	       err == RD_KAFKA_RESP_ERR_INVALID_RECORD;
}

static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
	/* The opaque is the context's logger, its first member. */
	struct kafka_ctx *x = opaque;

	(void)rk;
	if (x->pending)
		x->pending--;
	if (!m->err) {
		x->delivered++;
		return;
	}
	if (permanent(m->err)) {
		x->rejected++;
		nfp_sink_reject(x->s, (uint32_t)(uintptr_t)m->_private,
				rd_kafka_err2str(m->err));
		return;
	}
	if (!x->failed)
		x->err = m->err;
	x->failed++;
}

static void topics_clear(struct kafka_ctx *x)
{
	unsigned int i;

	for (i = 0; i < TOPIC_CACHE; i++) {
		if (x->topics[i].rkt)
			rd_kafka_topic_destroy(x->topics[i].rkt);
		free(x->topics[i].name);
		x->topics[i].rkt = NULL;
		x->topics[i].name = NULL;
	}
	x->next_topic = 0;
}

/* A handle for topic @name (@len bytes, NUL follows), or NULL. */
static rd_kafka_topic_t *topic_get(struct kafka_ctx *x, const char *name,
				   uint32_t len)
{
	rd_kafka_topic_t *rkt;
	unsigned int i;
	char *copy;

	for (i = 0; i < TOPIC_CACHE; i++)
		if (x->topics[i].name && strlen(x->topics[i].name) == len &&
		    !memcmp(x->topics[i].name, name, len))
			return x->topics[i].rkt;
	copy = strndup(name, len);
	if (!copy)
		return NULL;
	rkt = rd_kafka_topic_new(x->rk, copy, NULL);
	if (!rkt) {
		free(copy);
		return NULL;
	}
	i = x->next_topic;
	x->next_topic = (i + 1) % TOPIC_CACHE;
	/* Messages hold their own reference: dropping ours is safe. */
	if (x->topics[i].rkt)
		rd_kafka_topic_destroy(x->topics[i].rkt);
	free(x->topics[i].name);
	x->topics[i].name = copy;
	x->topics[i].rkt = rkt;
	return rkt;
}

static void kafka_disconnect(struct nfp_sink *s, void *ctx)
{
	struct kafka_ctx *x = ctx;

	(void)s;
	if (!x->rk)
		return;
	/* What is still queued belongs to a batch that will be retried. */
	rd_kafka_purge(x->rk,
		       RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
	rd_kafka_poll(x->rk, 0);
	topics_clear(x);
	rd_kafka_destroy(x->rk);
	x->rk = NULL;
}

static int kafka_connect(struct nfp_sink *s, void *ctx)
{
	struct kafka_ctx *x = ctx;
	const struct rd_kafka_metadata *md = NULL;
	rd_kafka_conf_t *c;
	rd_kafka_resp_err_t err;
	char msg[512];
	int nbrokers;

	x->s = s;
	x->log.li = nfp_sink_log_inst(s);
	c = rd_kafka_conf_dup(x->conf);
	if (!c)
		return -ENOMEM;
	rd_kafka_conf_set_opaque(c, &x->log);
	x->rk = rd_kafka_new(RD_KAFKA_PRODUCER, c, msg, sizeof(msg));
	if (!x->rk) {
		rd_kafka_conf_destroy(c);
		scrub(msg, x->log.secrets);
		nfp_log_rl(&x->rl, x->log.li, NFP_LOG_ERROR,
			   "cannot create the producer: %s", msg);
		return -EINVAL;
	}
	/* Any broker's answer will do: the cluster is there. */
	err = rd_kafka_metadata(x->rk, 0, NULL, &md, (int)x->io_timeout);
	if (err) {
		nfp_log_rl(&x->rl, x->log.li, NFP_LOG_ERROR,
			   "no answer from the brokers within %" PRIu64
			   " ms: %s",
			   x->io_timeout, rd_kafka_err2str(err));
		kafka_disconnect(s, x);
		return -ETIMEDOUT;
	}
	nbrokers = md->broker_cnt;
	rd_kafka_metadata_destroy(md);
	nfp_log(x->log.li, NFP_LOG_INFO, "connected: %d broker%s", nbrokers,
		nbrokers == 1 ? "" : "s");
	return 0;
}

/* Produce row @row; false when the batch must be given back. */
static bool produce(struct kafka_ctx *x, uint32_t row,
		    const struct nfp_sval *topic, const struct nfp_sval *key,
		    const struct nfp_sval *val, uint64_t deadline)
{
	rd_kafka_resp_err_t err;
	const void *kp = key->kind == NFP_SV_TEXT ? key->bytes.ptr : NULL;
	size_t kl = key->kind == NFP_SV_TEXT ? key->bytes.len : 0;
	rd_kafka_topic_t *rkt;
	struct timespec ts;
	uint64_t now;

	if (topic->kind != NFP_SV_TEXT || val->kind != NFP_SV_TEXT) {
		/* A row of another layout; the schema check makes this rare. */
		nfp_sink_reject(x->s, row, "not a topic, key and value");
		x->rejected++;
		return true;
	}
	rkt = topic_get(x, topic->bytes.ptr, topic->bytes.len);
	if (!rkt) {
		nfp_log_rl(&x->rl, x->log.li, NFP_LOG_ERROR, "topic %s: %s",
			   (const char *)topic->bytes.ptr,
			   rd_kafka_err2str(rd_kafka_last_error()));
		return false;
	}
	for (;;) {
		err = rd_kafka_producev(
			x->rk, RD_KAFKA_V_RKT(rkt),
			RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
			RD_KAFKA_V_KEY(kp, kl),
			RD_KAFKA_V_VALUE((void *)val->bytes.ptr,
					 val->bytes.len),
			RD_KAFKA_V_OPAQUE((void *)(uintptr_t)row),
			RD_KAFKA_V_END);
		if (!err) {
			x->pending++;
			return true;
		}
		if (permanent(err)) {
			nfp_sink_reject(x->s, row, rd_kafka_err2str(err));
			x->rejected++;
			return true;
		}
		if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL)
			break;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		now = (uint64_t)ts.tv_sec * 1000 +
		      (uint64_t)ts.tv_nsec / 1000000;
		if (now >= deadline)
			break;
		rd_kafka_poll(x->rk, QFULL_WAIT_MS);
	}
	nfp_log_rl(&x->rl, x->log.li, NFP_LOG_ERROR, "produce: %s",
		   rd_kafka_err2str(err));
	return false;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static enum nfp_sink_res kafka_write(struct nfp_sink *s, void *ctx,
				     const struct nfp_batch *b)
{
	struct kafka_ctx *x = ctx;
	struct nfp_batch_iter it;
	struct nfp_sval v[KAFKA_NCOLS];
	uint64_t deadline = now_ms() + x->io_timeout, now;
	rd_kafka_resp_err_t fatal;
	bool ok = true;
	unsigned int c;
	char why[256];

	x->s = s;
	x->pending = x->delivered = x->failed = x->rejected = 0;
	x->err = RD_KAFKA_RESP_ERR_NO_ERROR;
	nfp_batch_iter_init(&it, b);
	while (ok && nfp_batch_next_row(&it)) {
		for (c = 0; c < KAFKA_NCOLS; c++)
			if (!nfp_batch_next_val(&it, &v[c]))
				v[c].kind = NFP_SV_NULL;
		ok = produce(x, it.row, &v[0], &v[1], &v[2], deadline);
	}
	/* flush() sends at once, without waiting for linger.ms. */
	while (ok && x->pending && (now = now_ms()) < deadline)
		rd_kafka_flush(x->rk, (int)(deadline - now));
	rd_kafka_poll(x->rk, 0);
	nfp_sink_ctr_add(s, KC_DELIVERED, x->delivered);
	nfp_sink_ctr_add(s, KC_DELIVERY_ERRORS, x->failed + x->rejected);
	fatal = rd_kafka_fatal_error(x->rk, why, sizeof(why));
	if (ok && !x->pending && !x->failed && !fatal)
		return NFP_SINK_OK;
	if (fatal)
		nfp_log_rl(&x->rl, x->log.li, NFP_LOG_ERROR,
			   "producer failed for good (%s): starting a new one",
			   why);
	else if (x->failed)
		nfp_log_rl(&x->rl, x->log.li, NFP_LOG_ERROR,
			   "batch %" PRIu64 ": %u of %u messages failed (%s); "
			   "writing it again",
			   nfp_batch_seq(b), x->failed, nfp_batch_rows(b),
			   rd_kafka_err2str(x->err));
	else if (x->pending)
		nfp_log_rl(&x->rl, x->log.li, NFP_LOG_ERROR,
			   "batch %" PRIu64 ": %u of %u delivery reports "
			   "missing after %" PRIu64 " ms; writing it again",
			   nfp_batch_seq(b), x->pending, nfp_batch_rows(b),
			   x->io_timeout);
	return NFP_SINK_RETRY;
}

static void kafka_release(void *ctx)
{
	struct kafka_ctx *x = ctx;

	if (!x)
		return;
	if (x->rk)
		kafka_disconnect(NULL, x);
	if (x->conf)
		rd_kafka_conf_destroy(x->conf);
	pthread_mutex_destroy(&x->log.mu);
	free(x->secret_copy);
	free(x);
}

static const struct nfp_sink_ops kafka_ops = {
	.connect = kafka_connect,
	.write_batch = kafka_write,
	.disconnect = kafka_disconnect,
	.release = kafka_release,
};

/* ---- the main thread ----------------------------------------------------- */

static int kafka_configure(struct nfp_inst *inst)
{
	struct kafka_priv *p = inst->priv;
	const char *secrets[MAX_SECRETS] = { 0 }, *why = NULL;
	char *secret_copy = NULL;
	unsigned int i;
	int r;

	r = tmpl_parse(p, &p->topic_t, p->topic, &why);
	if (r == -EINVAL)
		return nfp_inst_error(inst, "topic",
				      "write ${key.name} for a key's value",
				      "topic=\"%s\": %s", p->topic, why);
	if (!r)
		r = tmpl_parse(p, &p->key_t, p->key, &why);
	if (r == -EINVAL)
		return nfp_inst_error(inst, "key",
				      "write ${key.name} for a key's value",
				      "key=\"%s\": %s", p->key, why);
	if (r)
		return r;
	for (i = 0; p->topic_t.text[i]; i++) {
		if (!topic_char(p->topic_t.text[i])) {
			return nfp_inst_error(
				inst, "topic",
				"use only A-Z a-z 0-9 . _ - in a topic name",
				"topic=\"%s\": '%c' is not allowed in a "
				"topic name",
				p->topic, p->topic_t.text[i]);
		}
	}
	if (!p->topic_t.has_keys &&
	    (i == 0 || i > TOPIC_MAX || !strcmp(p->topic_t.text, ".") ||
	     !strcmp(p->topic_t.text, ".."))) {
		return nfp_inst_error(inst, "topic", NULL,
				      "topic=\"%s\": not a topic name (1 to "
				      "%d bytes, not . or ..)",
				      p->topic, TOPIC_MAX);
	}
	if (p->nin && nfp_inst_set_keys(inst, p->in, NULL) < 0)
		return -EINVAL;
	r = collect_secrets(p->property, &secret_copy, secrets);
	if (r)
		return r;
	if (secrets[0] && nfp_inst_conf_readable(inst))
		nfp_warn(inst,
			 "the config file holds a Kafka secret and every user "
			 "can read it: chmod o-r it (%s)",
			 nfp_inst_where(inst));
	p->conf = build_conf(inst, p, secrets);
	free(secret_copy);
	return p->conf ? 0 : -EINVAL;
}

static struct kafka_ctx *ctx_new(struct kafka_priv *p)
{
	struct kafka_ctx *x = calloc(1, sizeof(*x));

	if (!x)
		return NULL;
	pthread_mutex_init(&x->log.mu, NULL);
	if (collect_secrets(p->property, &x->secret_copy, x->log.secrets)) {
		kafka_release(x);
		return NULL;
	}
	x->conf = p->conf;
	p->conf = NULL;
	x->io_timeout = p->io_timeout;
	rd_kafka_conf_set_dr_msg_cb(x->conf, dr_cb);
	return x;
}

static int kafka_start(struct nfp_inst *inst)
{
	struct kafka_priv *p = inst->priv;
	struct kafka_ctx *x;
	int r;

	if (!p->conf)
		return -EINVAL;
	r = json_enc_init(&p->enc, p->device);
	if (r)
		return r;
	x = ctx_new(p);
	if (!x)
		return -ENOMEM;
	return nfp_sink_start(inst, &p->sink, &kafka_ops, x, KAFKA_NCOLS,
			      KAFKA_SCHEMA, &p->s);
}

static char *vbuf_reserve(void *arg, size_t n)
{
	struct gbuf *b = arg;

	return gbuf_need(b, n) ? NULL : b->p;
}

static void put_text(struct nfp_sink *s, const char *str, long len)
{
	struct nfp_value v;

	v.str.ptr = str;
	v.str.len = (uint32_t)len;
	nfp_sink_put(s, NFP_T_STRING, &v);
}

static enum nfp_ret kafka_process(struct nfp_inst *inst, struct nfp_rec *rec)
{
	struct kafka_priv *p = inst->priv;
	long tn, kn, vn;
	const char *topic;

	if (p->topic_t.has_keys) {
		tn = tmpl_format(&p->topic_t, rec, &p->tbuf);
		if (tn > 0)
			tn = topic_clean(p->tbuf.p, tn);
		topic = p->tbuf.p;
	} else {
		topic = p->topic_t.text;
		tn = (long)strlen(topic);
	}
	if (tn <= 0 || (tn <= 2 && topic[0] == '.' && topic[tn - 1] == '.')) {
		nfp_warn_rl(inst, "the topic template gives no topic name "
				  "for this record: dropped");
		return NFP_ERROR;
	}
	kn = tmpl_format(&p->key_t, rec, &p->kbuf);
	vn = json_enc_rec(&p->enc, rec, vbuf_reserve, &p->vbuf, false);
	if (kn < 0 || vn < 0) {
		nfp_warn_rl(inst, "out of memory: record dropped");
		return NFP_ERROR;
	}
	nfp_sink_row_begin(p->s);
	put_text(p->s, topic, tn);
	if (kn > 0)
		put_text(p->s, p->kbuf.p, kn);
	else
		nfp_sink_put(p->s, NFP_T_STRING, NULL);
	put_text(p->s, p->vbuf.p, vn);
	return nfp_sink_row_end(p->s) == 0 ? NFP_OK : NFP_ERROR;
}

static int kafka_flush(struct nfp_inst *inst)
{
	struct kafka_priv *p = inst->priv;

	return nfp_sink_flush(p->s);
}

/* What configure() made: also when the instance never started. */
static void kafka_release_conf(struct nfp_inst *inst)
{
	struct kafka_priv *p = inst->priv;
	unsigned int i;

	if (p->conf)
		rd_kafka_conf_destroy(p->conf);
	p->conf = NULL;
	tmpl_free(&p->topic_t);
	tmpl_free(&p->key_t);
	for (i = 0; i < p->nin; i++)
		free((char *)p->in[i].name);
	free(p->in);
	p->in = NULL;
	p->nin = 0;
}

static void kafka_stop(struct nfp_inst *inst)
{
	struct kafka_priv *p = inst->priv;

	nfp_sink_stop(p->s);
	p->s = NULL;
	json_enc_free(&p->enc);
	free(p->tbuf.p);
	free(p->kbuf.p);
	free(p->vbuf.p);
	memset(&p->tbuf, 0, sizeof(p->tbuf));
	memset(&p->kbuf, 0, sizeof(p->kbuf));
	memset(&p->vbuf, 0, sizeof(p->vbuf));
}

static const struct nfp_key kafka_in[] = { { 0 } };

NFP_PLUGIN(output, kafka) = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_OUTPUT,
	.name = "KAFKA",
	.summary = "every record as a JSON message to Kafka, queued, spooled",
	.flags = NFP_PF_ALL_KEYS,
	.options = kafka_options,
	.in_keys = kafka_in,
	.counters = kafka_counters,
	.priv_size = sizeof(struct kafka_priv),
	.configure = kafka_configure,
	.start = kafka_start,
	.process = kafka_process,
	.flush = kafka_flush,
	.stop = kafka_stop,
	.release = kafka_release_conf,
};
