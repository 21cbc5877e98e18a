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
 * The encoder is hand-written (no printf per field): process() reserves the
 * record's worst case once and fills it. In file mode the batch goes out
 * with one write(2) through filebuf.c, reopened on SIGHUP. In the network
 * modes (unix, tcp, udp) the lines wait in a bounded buffer and go out on a
 * non-blocking socket from flush() and when the socket becomes writable; a
 * slow or absent receiver never blocks the loop: when the buffer is full,
 * new records are dropped and counted ("dropped"). Main thread only.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* sendmmsg */
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
enum json_fields { JF_ULOGD, JF_ECS };

static const char *const json_modes[] = { "file", "tcp", "udp", "unix",
					  NULL };
static const char *const json_field_sets[] = { "ulogd", "ecs", NULL };

static const struct nfp_key json_in[] = { { 0 } };

/* filebuf's counters first (file mode), then the network mode's. */
static const char *const json_counters[] = {
	FB_COUNTERS, "dropped", "sent", "reconnects", NULL
};
enum { JC_DROPPED = FB_CTR_ERRORS + 1, JC_SENT, JC_RECONNECTS };

#define JSON_POS_CACHE	4	/* stack positions whose layout we remember */
#define RETRY_MIN_MS	250	/* first reconnection delay */
#define RETRY_MAX_MS	30000	/* longest reconnection delay */
#define UDP_BATCH	64	/* datagrams per sendmmsg(2) */

/* What a visible key becomes in the object. */
enum json_role {
	JR_PLAIN = 0,	/* "name":value */
	JR_SKIP,	/* not written (pointer, raw without raw=1, duplicate) */
	JR_LABEL,	/* raw.label with boolean_label: "action" */
	JR_PROTO,	/* ip.protocol in ECS: also network.transport */
	JR_FAMILY,	/* oob.family in ECS: network.type */
};

struct json_field {
	char *head;		/* ,"name": ready to copy; malloc'ed */
	uint32_t head_len;	/* bytes in head */
	enum json_role role;	/* how the value is written */
	int prev;		/* earlier key with the same name, or -1 */
};

/* The layout of one stack position: its keys in nfp_rec_key() order. */
struct json_pos {
	const void *node;		/* the core's stack position; NULL: free */
	unsigned int nkeys;		/* keys visible there */
	struct json_field *f;		/* nkeys entries */
	int sec, usec;			/* indexes of oob.time.sec/usec, or -1 */
};

struct json_priv {
	char *file;		/* option: output file, or unix socket path */
	bool sync;		/* option: fdatasync() after each batch */
	bool timestamp;		/* option: write the timestamp field */
	bool eventv1;		/* option: "@version" and "@timestamp" */
	char *device;		/* option: value of "dvc" */
	bool boolean_label;	/* option: raw.label as "action" */
	int mode;		/* option: enum json_mode */
	char *host;		/* option: tcp/udp host */
	char *port;		/* option: tcp/udp port or service */
	int fields;		/* option: enum json_fields */
	bool raw;		/* option: write raw keys as hex */
	uint64_t buffer;	/* option: network buffer bytes */
	char *dvc;		/* ,"dvc":"..." or the ECS name; malloc'ed */
	uint32_t dvc_len;	/* bytes in dvc */
	struct json_pos pos[JSON_POS_CACHE]; /* per stack position layouts */
	struct json_time tcache;	/* last second formatted */
	struct fb fb;		/* file mode: the file and its batch */
	/* network modes */
	int sock;		/* connected socket, -1 when none */
	bool connecting;	/* non-blocking connect in progress */
	bool watching;		/* sock is registered with the loop */
	bool mid_line;		/* the stream broke inside the first line */
	struct sockaddr_storage addr; /* where to connect */
	socklen_t addrlen;	/* bytes of addr; 0 when unresolved */
	int socktype;		/* SOCK_STREAM or SOCK_DGRAM */
	char *q;		/* lines waiting to be sent; malloc'ed */
	size_t qoff;		/* bytes of q already sent */
	size_t qlen;		/* bytes in q */
	struct nfp_timer *retry; /* reconnection timer */
	uint64_t retry_ms;	/* next reconnection delay */
	struct nfp_inst *inst;	/* back pointer for callbacks */
};

static const struct nfp_option json_options[] = {
	{ .name = "file", .type = NFP_OPT_PATH,
	  .def = LOCALSTATEDIR "/log/nfpipe/nfpipe.json",
	  .off = offsetof(struct json_priv, file),
	  .help = "Output file (mode=file) or UNIX socket path (mode=unix)." },
	{ .name = "sync", .type = NFP_OPT_BOOL, .def = "0",
	  .off = offsetof(struct json_priv, sync),
	  .help = "fdatasync() the file after each batch." },
	{ .name = "timestamp", .type = NFP_OPT_BOOL, .def = "1",
	  .off = offsetof(struct json_priv, timestamp),
	  .help = "Write the packet time as an RFC 3339 \"timestamp\"." },
	{ .name = "eventv1", .type = NFP_OPT_BOOL, .def = "0",
	  .off = offsetof(struct json_priv, eventv1),
	  .help = "Logstash event v1: \"@version\":1 and \"@timestamp\"." },
	{ .name = "device", .type = NFP_OPT_STRING, .def = "Netfilter",
	  .off = offsetof(struct json_priv, device),
	  .help = "Device name written as \"dvc\" (ECS: observer.product)." },
	{ .name = "boolean_label", .type = NFP_OPT_BOOL, .def = "0",
	  .off = offsetof(struct json_priv, boolean_label),
	  .help = "Write raw.label as \"action\": \"allowed\" (non-zero) or "
		  "\"blocked\"." },
	{ .name = "mode", .type = NFP_OPT_ENUM, .def = "file",
	  .enums = json_modes, .off = offsetof(struct json_priv, mode),
	  .help = "Where lines go: file, tcp, udp or unix (path in file)." },
	{ .name = "host", .type = NFP_OPT_STRING, .def = "127.0.0.1",
	  .off = offsetof(struct json_priv, host),
	  .help = "Receiver for mode=tcp and mode=udp." },
	{ .name = "port", .type = NFP_OPT_STRING, .def = "12345",
	  .off = offsetof(struct json_priv, port),
	  .help = "Port (or service name) for mode=tcp and mode=udp." },
	{ .name = "fields", .type = NFP_OPT_ENUM, .def = "ulogd",
	  .enums = json_field_sets, .off = offsetof(struct json_priv, fields),
	  .help = "Field names: ulogd (key names) or ecs (Elastic Common "
		  "Schema: source.ip, destination.port, ...)." },
	{ .name = "raw", .type = NFP_OPT_BOOL, .def = "0",
	  .off = offsetof(struct json_priv, raw),
	  .help = "Also write raw keys (raw.pkt, raw.mac) as hex strings." },
	{ .name = "buffer", .type = NFP_OPT_SIZE, .def = "8M",
	  .min = 65536, .max = (int64_t)1 << 32,
	  .off = offsetof(struct json_priv, buffer),
	  .help = "Network modes: bytes held for a slow or absent receiver; "
		  "past it records are dropped and counted." },
	{ 0 }
};

/* ---- ECS names ---------------------------------------------------------- */

struct ecs_name {
	const char *key;	/* nfpipe / ulogd2 key */
	const char *ecs;	/* Elastic Common Schema field */
};

/* Key names with an ECS field; the others keep their own name. */
static const struct ecs_name ecs_names[] = {
	{ "ip.saddr", "source.ip" },
	{ "ip.saddr.str", "source.ip" },
	{ "ip.daddr", "destination.ip" },
	{ "ip.daddr.str", "destination.ip" },
	{ "tcp.sport", "source.port" },
	{ "udp.sport", "source.port" },
	{ "sctp.sport", "source.port" },
	{ "tcp.dport", "destination.port" },
	{ "udp.dport", "destination.port" },
	{ "sctp.dport", "destination.port" },
	{ "ip.protocol", "network.iana_number" },
	{ "oob.family", "network.type" },
	{ "ip.totlen", "network.bytes" },
	{ "oob.prefix", "event.action" },
	{ "oob.in", "observer.ingress.interface.name" },
	{ "oob.out", "observer.egress.interface.name" },
	{ "oob.ifindex_in", "observer.ingress.interface.id" },
	{ "oob.ifindex_out", "observer.egress.interface.id" },
	{ "oob.uid", "user.id" },
	{ "oob.gid", "group.id" },
	{ "print", "message" },
	{ "raw.label", "event.type" },
	{ NULL, NULL }
};

const char *json_ecs_name(const char *key)
{
	const struct ecs_name *e;

	for (e = ecs_names; e->key; e++)
		if (!strcmp(e->key, key))
			return e->ecs;
	return NULL;
}

/* IANA protocol number to ECS network.transport, NULL when unnamed. */
const char *json_transport(unsigned int proto)
{
	switch (proto) {
	case 1: return "icmp";
	case 2: return "igmp";
	case 6: return "tcp";
	case 17: return "udp";
	case 47: return "gre";
	case 50: return "esp";
	case 51: return "ah";
	case 58: return "ipv6-icmp";
	case 132: return "sctp";
	case 136: return "udplite";
	default: return NULL;
	}
}

/* ---- the encoder ---------------------------------------------------------- */

static const char hexd[] = "0123456789abcdef";

/* Length of the valid UTF-8 sequence at @s (1..4), or 0 when invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];

	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if (c == 0xe0 && s[1] < 0xa0)	/* overlong */
			return 0;
		if (c == 0xed && s[1] >= 0xa0)	/* UTF-16 surrogates */
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		if (c == 0xf0 && s[1] < 0x90)	/* overlong */
			return 0;
		if (c == 0xf4 && s[1] >= 0x90)	/* past U+10FFFF */
			return 0;
		return 4;
	}
	return 0;	/* continuation byte, 0xc0/0xc1, 0xf5.. */
}

char *json_str(char *d, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, k;

	*d++ = '"';
	while (i < n) {
		unsigned char c = s[i];

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			*d++ = (char)c;
			i++;
			continue;
		}
		if (c >= 0x80) {
			k = utf8_len(s + i, n - i);
			if (k) {
				memcpy(d, s + i, k);
				d += k;
				i += k;
			} else {
				/* One replacement character per bad byte. */
				memcpy(d, "\\ufffd", 6);
				d += 6;
				i++;
			}
			continue;
		}
		*d++ = '\\';
		switch (c) {
		case '"': *d++ = '"'; break;
		case '\\': *d++ = '\\'; break;
		case '\b': *d++ = 'b'; break;
		case '\f': *d++ = 'f'; break;
		case '\n': *d++ = 'n'; break;
		case '\r': *d++ = 'r'; break;
		case '\t': *d++ = 't'; break;
		default:
			*d++ = 'u';
			*d++ = '0';
			*d++ = '0';
			*d++ = hexd[c >> 4];
			*d++ = hexd[c & 15];
		}
		i++;
	}
	*d++ = '"';
	return d;
}

char *json_u64(char *d, uint64_t v)
{
	char tmp[20];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*d++ = tmp[--n];
	return d;
}

static char *json_i64(char *d, int64_t v)
{
	if (v < 0) {
		*d++ = '-';
		return json_u64(d, (uint64_t)0 - (uint64_t)v);
	}
	return json_u64(d, (uint64_t)v);
}

static char *two(char *d, unsigned int v)
{
	*d++ = (char)('0' + v / 10 % 10);
	*d++ = (char)('0' + v % 10);
	return d;
}

char *json_time(struct json_time *tc, char *d, int64_t sec, int64_t usec)
{
	if (!tc->valid || tc->sec != sec) {
		time_t t = (time_t)sec;
		struct tm tm;
		long off;
		char *p = tc->text;

		if (!localtime_r(&t, &tm))
			memset(&tm, 0, sizeof(tm));
		p = json_u64(p, (uint64_t)(tm.tm_year + 1900) % 10000);
		*p++ = '-';
		p = two(p, (unsigned int)tm.tm_mon + 1);
		*p++ = '-';
		p = two(p, (unsigned int)tm.tm_mday);
		*p++ = 'T';
		p = two(p, (unsigned int)tm.tm_hour);
		*p++ = ':';
		p = two(p, (unsigned int)tm.tm_min);
		*p++ = ':';
		p = two(p, (unsigned int)tm.tm_sec);
		tc->text_len = (uint32_t)(p - tc->text);
		off = tm.tm_gmtoff;
		p = tc->zone;
		*p++ = off < 0 ? '-' : '+';
		if (off < 0)
			off = -off;
		p = two(p, (unsigned int)(off / 3600));
		*p++ = ':';
		p = two(p, (unsigned int)(off / 60 % 60));
		tc->sec = sec;
		tc->valid = true;
	}
	*d++ = '"';
	memcpy(d, tc->text, tc->text_len);
	d += tc->text_len;
	if (usec >= 0) {
		unsigned int u = (unsigned int)(usec % 1000000);
		int i;

		*d++ = '.';
		for (i = 5; i >= 0; i--) {
			d[i] = (char)('0' + u % 10);
			u /= 10;
		}
		d += 6;
	}
	memcpy(d, tc->zone, 6);
	d += 6;
	*d++ = '"';
	return d;
}

static char *json_in4(char *d, uint32_t in4)
{
	const uint8_t *b = (const uint8_t *)&in4;
	int i;

	for (i = 0; i < 4; i++) {
		if (i)
			*d++ = '.';
		d = json_u64(d, b[i]);
	}
	return d;
}

/* A value as JSON; the caller reserved VAL_MAX or the string's bound. */
static char *json_value(struct json_priv *jp, char *d, enum nfp_type type,
			const struct nfp_value *v)
{
	char buf[INET6_ADDRSTRLEN];
	uint32_t i;

	switch (type) {
	case NFP_T_BOOL:
		if (v->b) {
			memcpy(d, "true", 4);
			return d + 4;
		}
		memcpy(d, "false", 5);
		return d + 5;
	case NFP_T_U8: return json_u64(d, v->u8);
	case NFP_T_U16: return json_u64(d, v->u16);
	case NFP_T_U32: return json_u64(d, v->u32);
	case NFP_T_U64: return json_u64(d, v->u64);
	case NFP_T_I8: return json_i64(d, v->i8);
	case NFP_T_I16: return json_i64(d, v->i16);
	case NFP_T_I32: return json_i64(d, v->i32);
	case NFP_T_I64: return json_i64(d, v->i64);
	case NFP_T_IPV4:
	case NFP_T_IPV6:
	case NFP_T_ADDR:
		*d++ = '"';
		if (v->addr.family == AF_INET) {
			d = json_in4(d, v->addr.in4);
		} else if (inet_ntop(AF_INET6, v->addr.in6, buf,
				     sizeof(buf))) {
			size_t n = strlen(buf);

			memcpy(d, buf, n);
			d += n;
		}
		*d++ = '"';
		return d;
	case NFP_T_STRING:
		return json_str(d, v->str.ptr ? v->str.ptr : "",
				v->str.ptr ? v->str.len : 0);
	case NFP_T_RAW:
		*d++ = '"';
		for (i = 0; v->raw.ptr && i < v->raw.len; i++) {
			uint8_t c = ((const uint8_t *)v->raw.ptr)[i];

			*d++ = hexd[c >> 4];
			*d++ = hexd[c & 15];
		}
		*d++ = '"';
		return d;
	case NFP_T_TIME:
		return json_time(&jp->tcache, d, v->time.sec,
				 v->time.nsec / 1000);
	default:
		memcpy(d, "null", 4);
		return d + 4;
	}
}

#define VAL_MAX 64	/* longest non-string value: an IPv6 or a time */

/* Worst-case bytes for a value. */
static size_t value_bound(enum nfp_type type, const struct nfp_value *v)
{
	if (type == NFP_T_STRING)
		return (v->str.ptr ? (size_t)v->str.len * 6 : 0) + 2;
	if (type == NFP_T_RAW)
		return (size_t)v->raw.len * 2 + 2;
	return VAL_MAX;
}

/* ---- stack-position layouts --------------------------------------------- */

static void pos_free(struct json_pos *p)
{
	unsigned int i;

	for (i = 0; p->f && i < p->nkeys; i++)
		free(p->f[i].head);
	free(p->f);
	memset(p, 0, sizeof(*p));
}

/* ,"name": with @name escaped. */
static char *make_head(const char *name, uint32_t *len)
{
	size_t n = strlen(name);
	char *h = malloc(n * 6 + 5), *d;

	if (!h)
		return NULL;
	d = h;
	*d++ = ',';
	d = json_str(d, name, n);
	*d++ = ':';
	*len = (uint32_t)(d - h);
	return h;
}

/* The nearest earlier field with the same member name, or -1. */
static int same_name(const struct json_pos *p, unsigned int upto,
		     const char *head, uint32_t len)
{
	unsigned int i;

	for (i = upto; i-- > 0;)
		if (p->f[i].head && p->f[i].head_len == len &&
		    !memcmp(p->f[i].head, head, len))
			return (int)i;
	return -1;
}

/* Work out, once per stack position, what each visible key becomes. */
static struct json_pos *pos_build(struct json_priv *jp,
				  const struct nfp_rec *rec)
{
	unsigned int i, n = nfp_rec_nkeys(rec), slot = 0;
	struct json_pos *p;
	bool ecs = jp->fields == JF_ECS;

	for (i = 0; i < JSON_POS_CACHE; i++) {
		if (jp->pos[i].node == rec->node)
			return &jp->pos[i];
		if (!jp->pos[i].node && !slot)
			slot = i + 1;
	}
	if (!slot)
		return NULL;	/* more positions than cached: slow path */
	p = &jp->pos[slot - 1];
	p->f = calloc(n ? n : 1, sizeof(*p->f));
	if (!p->f)
		return NULL;
	p->nkeys = n;
	p->sec = p->usec = -1;
	for (i = 0; i < n; i++) {
		struct json_field *f = &p->f[i];
		const char *name, *ename;

		f->prev = -1;
		enum nfp_type type;

		nfp_rec_key(rec, i, &name, &type);
		f->role = JR_PLAIN;
		if (!strcmp(name, "oob.time.sec"))
			p->sec = (int)i;
		else if (!strcmp(name, "oob.time.usec"))
			p->usec = (int)i;
		if (type == NFP_T_PTR || type == NFP_T_NONE ||
		    (type == NFP_T_RAW && !jp->raw)) {
			f->role = JR_SKIP;
			continue;
		}
		ename = name;
		if (!strcmp(name, "raw.label") && jp->boolean_label) {
			f->role = JR_LABEL;
			ename = ecs ? "event.type" : "action";
		} else if (ecs) {
			const char *e = json_ecs_name(name);

			/* The time is @timestamp in ECS. */
			if ((int)i == p->sec || (int)i == p->usec) {
				f->role = JR_SKIP;
				continue;
			}
			if (e && strcmp(name, "raw.label"))
				ename = e;
			if (!strcmp(name, "ip.protocol"))
				f->role = JR_PROTO;
			else if (!strcmp(name, "oob.family"))
				f->role = JR_FAMILY;
		}
		f->head = make_head(ename, &f->head_len);
		if (!f->head) {
			pos_free(p);
			return NULL;
		}
		/* Two keys with one name (ip.saddr and ip.saddr.str, or
		 * tcp.sport and udp.sport, in ECS) must not make a duplicate
		 * member: per record, the first one that is set wins. */
		f->prev = same_name(p, i, f->head, f->head_len);
	}
	p->node = rec->node;
	return p;
}

/* True when an earlier key of the same member name is set. */
static bool shadowed(const struct json_pos *p,
		     const struct nfp_value *const *vp,
		     const struct json_field *f)
{
	int j;

	for (j = f->prev; j >= 0; j = p->f[j].prev)
		if (vp[j] && p->f[j].role != JR_SKIP)
			return true;
	return false;
}

/* ---- one record ----------------------------------------------------------- */

/* Room for @n bytes in the current mode's buffer, or NULL (counted). */
static char *out_reserve(struct json_priv *jp, size_t n)
{
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
	const struct nfp_value *vals[256], **vp = vals;
	struct json_pos *p;
	const struct nfp_value *v;
	int64_t sec = -1, usec = -1;
	size_t bound = 128 + jp->dvc_len;
	unsigned int i, n;
	char *d, *start;
	enum nfp_type type;
	const char *name;
	bool ecs = jp->fields == JF_ECS;

	p = pos_build(jp, rec);
	if (!p) {
		/* More stack positions than cached: give up the last one. */
		pos_free(&jp->pos[JSON_POS_CACHE - 1]);
		p = pos_build(jp, rec);
		if (!p) {
			inst->ctr[JC_DROPPED]++;
			return NFP_ERROR;
		}
	}
	n = p->nkeys;
	if (n > 256) {
		vp = malloc(n * sizeof(*vp));
		if (!vp) {
			inst->ctr[JC_DROPPED]++;
			return NFP_ERROR;
		}
	}
	for (i = 0; i < n; i++) {
		vp[i] = nfp_rec_key(rec, i, &name, &type);
		if (vp[i] && p->f[i].role != JR_SKIP)
			bound += p->f[i].head_len + value_bound(type, vp[i]) +
				 24;
	}
	if (p->sec >= 0 && vp[p->sec]) {
		sec = vp[p->sec]->u32;
		if (p->usec >= 0 && vp[p->usec])
			usec = vp[p->usec]->u32;
	}
	start = d = out_reserve(jp, bound);
	if (!d) {
		inst->ctr[JC_DROPPED]++;
		nfp_warn_rl(inst, "buffer full: record dropped");
		if (vp != vals)
			free(vp);
		return NFP_ERROR;
	}
	*d++ = '{';
	if (jp->eventv1) {
		memcpy(d, "\"@version\":1,", 13);
		d += 13;
	}
	if (jp->timestamp || ecs) {
		if (sec < 0) {
			struct timespec ts;

			clock_gettime(CLOCK_REALTIME, &ts);
			sec = ts.tv_sec;
			usec = ts.tv_nsec / 1000;
		}
		if (jp->eventv1 || ecs) {
			memcpy(d, "\"@timestamp\":", 13);
			d += 13;
		} else {
			memcpy(d, "\"timestamp\":", 12);
			d += 12;
		}
		d = json_time(&jp->tcache, d, sec, usec);
		*d++ = ',';
	}
	memcpy(d, jp->dvc, jp->dvc_len);
	d += jp->dvc_len;
	for (i = 0; i < n; i++) {
		const struct json_field *f = &p->f[i];

		v = vp[i];
		if (!v || f->role == JR_SKIP || shadowed(p, vp, f))
			continue;
		nfp_rec_key(rec, i, &name, &type);
		memcpy(d, f->head, f->head_len);
		d += f->head_len;
		switch (f->role) {
		case JR_LABEL:
			if (ecs)
				d = json_str(d, v->u8 ? "allowed" : "denied",
					     v->u8 ? 7 : 6);
			else
				d = json_str(d, v->u8 ? "allowed" : "blocked",
					     7);
			break;
		case JR_FAMILY:
			if (v->u8 == AF_INET)
				d = json_str(d, "ipv4", 4);
			else if (v->u8 == AF_INET6)
				d = json_str(d, "ipv6", 4);
			else
				d = json_u64(d, v->u8);
			break;
		case JR_PROTO: {
			const char *t = json_transport(v->u8);

			d = json_u64(d, v->u8);
			if (t) {
				memcpy(d, ",\"network.transport\":", 21);
				d = json_str(d + 21, t, strlen(t));
			}
			break;
		}
		default:
			d = json_value(jp, d, type, v);
		}
	}
	*d++ = '}';
	*d++ = '\n';
	out_commit(jp, (size_t)(d - start));
	if (vp != vals)
		free(vp);
	return NFP_OK;
}

/* ---- network modes -------------------------------------------------------- */

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
	jp->retry_ms = jp->retry_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS :
							 jp->retry_ms * 2;
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
		if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK &&
			       errno != EINTR))
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
			nfp_err(jp->inst, "unix socket path missing or longer "
				"than %zu bytes", sizeof(un->sun_path) - 1);
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

/* ---- life cycle ----------------------------------------------------------- */

static int json_start(struct nfp_inst *inst)
{
	struct json_priv *jp = inst->priv;
	const char *dname = jp->fields == JF_ECS ? "observer.product" : "dvc";
	size_t dlen = strlen(jp->device ? jp->device : "");
	char *d;
	int rc;

	jp->inst = inst;
	jp->sock = -1;
	jp->dvc = malloc(strlen(dname) + dlen * 6 + 8);
	if (!jp->dvc)
		return -ENOMEM;
	d = json_str(jp->dvc, dname, strlen(dname));
	*d++ = ':';
	d = json_str(d, jp->device ? jp->device : "", dlen);
	jp->dvc_len = (uint32_t)(d - jp->dvc);
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
	unsigned int i;

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
	for (i = 0; i < JSON_POS_CACHE; i++)
		pos_free(&jp->pos[i]);
	free(jp->dvc);
	jp->dvc = NULL;
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
