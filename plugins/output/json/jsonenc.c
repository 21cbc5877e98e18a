/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output/json - the JSON encoder shared by JSON and KAFKA
 *
 * json_enc_rec() writes one record as one object: "timestamp" (RFC 3339,
 * local time with its UTC offset), "dvc", then the keys that are set, named
 * as in ulogd2 (fields=ulogd) or as Elastic Common Schema fields
 * (fields=ecs). Integers are bare numbers, booleans true/false, addresses
 * and times strings; strings are escaped so that any byte sequence (control
 * characters, invalid UTF-8 in a log prefix) gives valid JSON. Hand-written,
 * no printf per field: the record's worst case is reserved once and filled.
 * What each key of a stack position becomes is worked out once and cached.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <nfpipe/plugin.h>

#include "json.h"

const char *const json_field_sets[] = { "ulogd", "ecs", NULL };

/* What a visible key becomes in the object. */
enum json_role {
	JR_PLAIN = 0, /* "name":value */
	JR_SKIP,      /* not written (pointer, raw without raw=1, duplicate) */
	JR_LABEL,     /* raw.label with boolean_label: "action" */
	JR_PROTO,     /* ip.protocol in ECS: also network.transport */
	JR_FAMILY,    /* oob.family in ECS: network.type */
};

struct json_field {
	char *head;	     /* ,"name": ready to copy; malloc'ed */
	uint32_t head_len;   /* bytes in head */
	enum json_role role; /* how the value is written */
	int prev;	     /* earlier key with the same name, or -1 */
};

/* The layout of one stack position: its keys in nfp_rec_key() order. */
struct json_pos {
	const void *node;     /* the core's stack position; NULL: free */
	unsigned int nkeys;   /* keys visible there */
	struct json_field *f; /* nkeys entries */
	int sec, usec;	      /* indexes of oob.time.sec/usec, or -1 */
};

/* ---- ECS names ---------------------------------------------------------- */

struct ecs_name {
	const char *key; /* nfpipe / ulogd2 key */
	const char *ecs; /* Elastic Common Schema field */
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
	case 1:
		return "icmp";
	case 2:
		return "igmp";
	case 6:
		return "tcp";
	case 17:
		return "udp";
	case 47:
		return "gre";
	case 50:
		return "esp";
	case 51:
		return "ah";
	case 58:
		return "ipv6-icmp";
	case 132:
		return "sctp";
	case 136:
		return "udplite";
	default:
		return NULL;
	}
}

/* ---- the encoder ----------------------------------------------------------
 */

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
		if (c == 0xe0 && s[1] < 0xa0) /* overlong */
			return 0;
		if (c == 0xed && s[1] >= 0xa0) /* UTF-16 surrogates */
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		if (c == 0xf0 && s[1] < 0x90) /* overlong */
			return 0;
		if (c == 0xf4 && s[1] >= 0x90) /* past U+10FFFF */
			return 0;
		return 4;
	}
	return 0; /* continuation byte, 0xc0/0xc1, 0xf5.. */
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
		case '"':
			*d++ = '"';
			break;
		case '\\':
			*d++ = '\\';
			break;
		case '\b':
			*d++ = 'b';
			break;
		case '\f':
			*d++ = 'f';
			break;
		case '\n':
			*d++ = 'n';
			break;
		case '\r':
			*d++ = 'r';
			break;
		case '\t':
			*d++ = 't';
			break;
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
static char *json_value(struct json_enc *e, char *d, enum nfp_type type,
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
	case NFP_T_U8:
		return json_u64(d, v->u8);
	case NFP_T_U16:
		return json_u64(d, v->u16);
	case NFP_T_U32:
		return json_u64(d, v->u32);
	case NFP_T_U64:
		return json_u64(d, v->u64);
	case NFP_T_I8:
		return json_i64(d, v->i8);
	case NFP_T_I16:
		return json_i64(d, v->i16);
	case NFP_T_I32:
		return json_i64(d, v->i32);
	case NFP_T_I64:
		return json_i64(d, v->i64);
	case NFP_T_IPV4:
	case NFP_T_IPV6:
	case NFP_T_ADDR:
		*d++ = '"';
		if (v->addr.family == AF_INET) {
			d = json_in4(d, v->addr.in4);
		} else if (inet_ntop(AF_INET6, v->addr.in6, buf, sizeof(buf))) {
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
		return json_time(&e->tcache, d, v->time.sec,
				 v->time.nsec / 1000);
	default:
		memcpy(d, "null", 4);
		return d + 4;
	}
}

#define VAL_MAX 64 /* longest non-string value: an IPv6 or a time */

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
static struct json_pos *pos_build(struct json_enc *e, const struct nfp_rec *rec)
{
	unsigned int i, n = nfp_rec_nkeys(rec), slot = 0;
	struct json_pos *p;
	bool ecs = e->fields == JF_ECS;

	for (i = 0; i < JSON_POS_CACHE; i++) {
		if (e->pos[i].node == rec->node)
			return &e->pos[i];
		if (!e->pos[i].node && !slot)
			slot = i + 1;
	}
	if (!slot)
		return NULL; /* more positions than cached: slow path */
	p = &e->pos[slot - 1];
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
		    (type == NFP_T_RAW && !e->raw)) {
			f->role = JR_SKIP;
			continue;
		}
		ename = name;
		if (!strcmp(name, "raw.label") && e->boolean_label) {
			f->role = JR_LABEL;
			ename = ecs ? "event.type" : "action";
		} else if (ecs) {
			const char *en = json_ecs_name(name);

			/* The time is @timestamp in ECS. */
			if ((int)i == p->sec || (int)i == p->usec) {
				f->role = JR_SKIP;
				continue;
			}
			if (en && strcmp(name, "raw.label"))
				ename = en;
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

long json_enc_rec(struct json_enc *e, const struct nfp_rec *rec,
		  char *(*reserve)(void *arg, size_t n), void *arg,
		  bool newline)
{
	const struct nfp_value *vals[256], **vp = vals;
	struct json_pos *p;
	const struct nfp_value *v;
	int64_t sec = -1, usec = -1;
	size_t bound = 128 + e->dvc_len;
	unsigned int i, n;
	char *d, *start;
	enum nfp_type type;
	const char *name;
	bool ecs = e->fields == JF_ECS;

	p = pos_build(e, rec);
	if (!p) {
		/* More stack positions than cached: give up the last one. */
		pos_free(&e->pos[JSON_POS_CACHE - 1]);
		p = pos_build(e, rec);
		if (!p)
			return -ENOMEM;
	}
	n = p->nkeys;
	if (n > 256) {
		vp = malloc(n * sizeof(*vp));
		if (!vp)
			return -ENOMEM;
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
	start = d = reserve(arg, bound);
	if (!d) {
		if (vp != vals)
			free(vp);
		return -ENOSPC;
	}
	*d++ = '{';
	if (e->eventv1) {
		memcpy(d, "\"@version\":1,", 13);
		d += 13;
	}
	if (e->timestamp || ecs) {
		if (sec < 0) {
			struct timespec ts;

			clock_gettime(CLOCK_REALTIME, &ts);
			sec = ts.tv_sec;
			usec = ts.tv_nsec / 1000;
		}
		if (e->eventv1 || ecs) {
			memcpy(d, "\"@timestamp\":", 13);
			d += 13;
		} else {
			memcpy(d, "\"timestamp\":", 12);
			d += 12;
		}
		d = json_time(&e->tcache, d, sec, usec);
		*d++ = ',';
	}
	memcpy(d, e->dvc, e->dvc_len);
	d += e->dvc_len;
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
			d = json_value(e, d, type, v);
		}
	}
	*d++ = '}';
	if (newline)
		*d++ = '\n';
	if (vp != vals)
		free(vp);
	return (long)(d - start);
}

int json_enc_init(struct json_enc *e, const char *device)
{
	const char *dname = e->fields == JF_ECS ? "observer.product" : "dvc";
	size_t dlen = strlen(device ? device : "");
	char *d;

	e->pos = calloc(JSON_POS_CACHE, sizeof(*e->pos));
	e->dvc = malloc(strlen(dname) + dlen * 6 + 8);
	if (!e->pos || !e->dvc)
		return -ENOMEM;
	d = json_str(e->dvc, dname, strlen(dname));
	*d++ = ':';
	d = json_str(d, device ? device : "", dlen);
	e->dvc_len = (uint32_t)(d - e->dvc);
	return 0;
}

void json_enc_free(struct json_enc *e)
{
	unsigned int i;

	for (i = 0; e->pos && i < JSON_POS_CACHE; i++)
		pos_free(&e->pos[i]);
	free(e->pos);
	e->pos = NULL;
	free(e->dvc);
	e->dvc = NULL;
}
