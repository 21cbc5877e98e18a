/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * core/record - the record's arena, key iteration and value formatting
 *
 * Each tree owns one record and one arena. The arena is a bump allocator of
 * chunks: strings a filter builds for the current record live there and are
 * released all at once when the record is reset, so the hot path allocates
 * nothing from malloc once the first chunk is warm. Chunks beyond the first
 * are kept for reuse; a burst of huge records costs memory once, not per
 * record.
 */
#include "nfp.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <sys/socket.h>

#include "engine.h"

#define ARENA_CHUNK	 (64 * 1024)
#define ARENA_MAX_CHUNKS 64

struct nfp_arena_chunk {
	struct nfp_arena_chunk *next;	  /* next chunk, kept across resets */
	size_t size;			  /* usable bytes in data */
	size_t used;			  /* bytes handed out */
	_Alignas(8) unsigned char data[]; /* the memory */
};

struct nfp_arena {
	struct nfp_arena_chunk *head; /* first chunk, always present */
	struct nfp_arena_chunk *cur;  /* chunk being filled */
	unsigned int nchunks;	      /* chunks allocated */
};

static struct nfp_arena_chunk *chunk_new(size_t size)
{
	struct nfp_arena_chunk *c = malloc(sizeof(*c) + size);

	if (!c)
		return NULL;
	c->next = NULL;
	c->size = size;
	c->used = 0;
	return c;
}

struct nfp_arena *nfp_arena_new(void)
{
	struct nfp_arena *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->head = chunk_new(ARENA_CHUNK);
	if (!a->head) {
		free(a);
		return NULL;
	}
	a->cur = a->head;
	a->nchunks = 1;
	return a;
}

void nfp_arena_reset(struct nfp_arena *a)
{
	struct nfp_arena_chunk *c;

	for (c = a->head; c; c = c->next)
		c->used = 0;
	a->cur = a->head;
}

void nfp_arena_free(struct nfp_arena *a)
{
	struct nfp_arena_chunk *c, *n;

	if (!a)
		return;
	for (c = a->head; c; c = n) {
		n = c->next;
		free(c);
	}
	free(a);
}

static void *arena_alloc(struct nfp_arena *a, size_t size)
{
	struct nfp_arena_chunk *c = a->cur;
	size_t need = (size + 7) & ~(size_t)7;
	void *p;

	while (c->size - c->used < need) {
		if (!c->next) {
			size_t sz = need > ARENA_CHUNK ? need : ARENA_CHUNK;

			if (a->nchunks >= ARENA_MAX_CHUNKS)
				return NULL;
			c->next = chunk_new(sz);
			if (!c->next)
				return NULL;
			a->nchunks++;
		}
		c = c->next;
		a->cur = c;
	}
	p = c->data + c->used;
	c->used += need;
	return p;
}

NFP_API void *nfp_rec_alloc(struct nfp_rec *rec, size_t size)
{
	return arena_alloc(rec->arena, size);
}

NFP_API const char *nfp_rec_printf(struct nfp_rec *rec, uint32_t *len,
				   const char *fmt, ...)
{
	char small[256];
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	p = arena_alloc(rec->arena, (size_t)n + 1);
	if (!p)
		return NULL;
	if ((size_t)n < sizeof(small)) {
		memcpy(p, small, (size_t)n + 1);
	} else {
		va_start(ap, fmt);
		vsnprintf(p, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	if (len)
		*len = (uint32_t)n;
	return p;
}

void nfp_rec_reset(struct nfp_rec *rec)
{
	memset(rec->valid, 0, rec->nvalid * sizeof(uint64_t));
	nfp_arena_reset(rec->arena);
}

NFP_API unsigned int nfp_rec_nkeys(const struct nfp_rec *rec)
{
	const struct nfp_node *n = rec->node;

	return n ? n->nvis : 0;
}

NFP_API const struct nfp_value *nfp_rec_key(const struct nfp_rec *rec,
					    unsigned int i, const char **name,
					    enum nfp_type *type)
{
	const struct nfp_node *n = rec->node;
	const struct nfp_vis *v;

	if (!n || i >= n->nvis)
		return NULL;
	v = &n->vis[i];
	if (name)
		*name = v->name;
	if (type)
		*type = v->type;
	if (!nfp_slot_valid(rec, v->slot))
		return NULL;
	return &rec->slots[v->slot];
}

NFP_API enum nfp_type nfp_in_type(const struct nfp_rec *rec, unsigned int key)
{
	const struct nfp_node *n = rec->node;

	if (!n || !n->in_type || rec->in_map[key] < 0)
		return NFP_T_NONE;
	return n->in_type[key];
}

static const char *const type_names[NFP_T__MAX] = {
	[NFP_T_NONE] = "any",  [NFP_T_BOOL] = "bool",	  [NFP_T_U8] = "u8",
	[NFP_T_U16] = "u16",   [NFP_T_U32] = "u32",	  [NFP_T_U64] = "u64",
	[NFP_T_I8] = "i8",     [NFP_T_I16] = "i16",	  [NFP_T_I32] = "i32",
	[NFP_T_I64] = "i64",   [NFP_T_IPV4] = "ipv4",	  [NFP_T_IPV6] = "ipv6",
	[NFP_T_ADDR] = "addr", [NFP_T_STRING] = "string", [NFP_T_RAW] = "raw",
	[NFP_T_TIME] = "time", [NFP_T_PTR] = "pointer",
};

NFP_API const char *nfp_type_name(enum nfp_type type)
{
	if ((unsigned int)type >= NFP_T__MAX)
		return "?";
	return type_names[type];
}

static int format_raw(const uint8_t *p, uint32_t n, char *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t need = n ? (size_t)n * 3 - 1 : 0;
	size_t o = 0;
	uint32_t i;

	if (!len)
		return (int)need;
	for (i = 0; i < n && o + 3 <= len; i++) {
		if (i)
			buf[o++] = ':';
		buf[o++] = hex[p[i] >> 4];
		buf[o++] = hex[p[i] & 15];
	}
	buf[o < len ? o : len - 1] = '\0';
	return (int)need;
}

NFP_API int nfp_value_format(enum nfp_type type, const struct nfp_value *v,
			     char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	switch (type) {
	case NFP_T_BOOL:
		return snprintf(buf, len, "%d", v->b ? 1 : 0);
	case NFP_T_U8:
		return snprintf(buf, len, "%" PRIu8, v->u8);
	case NFP_T_U16:
		return snprintf(buf, len, "%" PRIu16, v->u16);
	case NFP_T_U32:
		return snprintf(buf, len, "%" PRIu32, v->u32);
	case NFP_T_U64:
		return snprintf(buf, len, "%" PRIu64, v->u64);
	case NFP_T_I8:
		return snprintf(buf, len, "%" PRId8, v->i8);
	case NFP_T_I16:
		return snprintf(buf, len, "%" PRId16, v->i16);
	case NFP_T_I32:
		return snprintf(buf, len, "%" PRId32, v->i32);
	case NFP_T_I64:
		return snprintf(buf, len, "%" PRId64, v->i64);
	case NFP_T_IPV4:
	case NFP_T_IPV6:
	case NFP_T_ADDR:
		if (v->addr.family == AF_INET6)
			inet_ntop(AF_INET6, v->addr.in6, a, sizeof(a));
		else
			inet_ntop(AF_INET, &v->addr.in4, a, sizeof(a));
		return snprintf(buf, len, "%s", a);
	case NFP_T_STRING:
		return snprintf(buf, len, "%s", v->str.ptr ? v->str.ptr : "");
	case NFP_T_RAW:
		return format_raw(v->raw.ptr, v->raw.len, buf, len);
	case NFP_T_TIME:
		return snprintf(buf, len, "%" PRId64 ".%09" PRIu32, v->time.sec,
				v->time.nsec);
	case NFP_T_PTR:
		return snprintf(buf, len, "%p", v->ptr);
	default:
		return snprintf(buf, len, "?");
	}
}
