/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nfpipe/key.h - typed keys, value slots and the record a stack carries
 *
 * A plugin declares the keys it consumes and produces in { 0 }-terminated
 * tables and addresses them by their index in its own table. At start-up
 * the core lays out one array of value slots per input tree and gives every
 * stack position two maps: its input keys to the slots of the producers
 * upstream, its output keys to slots of its own. At run time a key access is
 * one array index; there are no name look-ups.
 *
 * Values belong to the core (or to the input's receive buffer, or to the
 * record's arena) and are valid while the record travels its stacks; an
 * output that keeps anything after process() returns copies it.
 */
#ifndef NFPIPE_KEY_H
#define NFPIPE_KEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <nfpipe/api.h>

enum nfp_type {
	NFP_T_NONE = 0,
	NFP_T_BOOL,   /* v.b */
	NFP_T_U8,     /* v.u8 */
	NFP_T_U16,    /* v.u16, host order */
	NFP_T_U32,    /* v.u32, host order */
	NFP_T_U64,    /* v.u64, host order */
	NFP_T_I8,     /* v.i8 */
	NFP_T_I16,    /* v.i16 */
	NFP_T_I32,    /* v.i32 */
	NFP_T_I64,    /* v.i64 */
	NFP_T_IPV4,   /* v.addr, family AF_INET */
	NFP_T_IPV6,   /* v.addr, family AF_INET6 */
	NFP_T_ADDR,   /* v.addr, either family (ulogd2's IPADDR) */
	NFP_T_STRING, /* v.str: NUL-terminated, len without the NUL */
	NFP_T_RAW,    /* v.raw: bytes */
	NFP_T_TIME,   /* v.time: wall clock, seconds and nanoseconds */
	NFP_T_PTR,    /* v.ptr: opaque pointer between cooperating plugins */
	NFP_T__MAX
};

/* Key flags. */
#define NFP_KEYF_OPTIONAL 0x1 /* input key: no producer is fine */
#define NFP_KEYF_INACTIVE 0x2 /* output key: declared, never set */
/*
 * Output key of an emitting filter set only on the records it emits: it
 * binds in the stacks that start with the filter, never in a stack the
 * filter sits in the middle of, where the plugins after it keep reading the
 * packet's own key of that name (so the filter need not copy it through).
 */
#define NFP_KEYF_EMITTED 0x4

/* An IP address as the kernel gives it: network byte order. */
struct nfp_addr {
	uint8_t family; /* AF_INET or AF_INET6 */
	uint8_t pad[3]; /* keeps in6 aligned; zero */
	union {
		uint32_t in4;	 /* AF_INET, network order */
		uint8_t in6[16]; /* AF_INET6 */
	};
};

/* One value slot. Which member is meaningful follows the key's type. */
struct nfp_value {
	union {
		bool b;
		uint8_t u8;
		uint16_t u16;
		uint32_t u32;
		uint64_t u64;
		int8_t i8;
		int16_t i16;
		int32_t i32;
		int64_t i64;
		struct nfp_addr addr;
		struct {
			const char *ptr; /* NUL-terminated, not owned */
			uint32_t len;	 /* bytes before the NUL */
		} str;
		struct {
			const void *ptr; /* not owned */
			uint32_t len;	 /* bytes */
		} raw;
		struct {
			int64_t sec;   /* seconds since the epoch */
			uint32_t nsec; /* 0..999999999 */
		} time;
		void *ptr;
	};
};

/* A key declaration in a plugin's in_keys or out_keys table. */
struct nfp_key {
	const char *name;   /* "ip.saddr": ulogd2's name where it has one */
	enum nfp_type type; /* see enum nfp_type */
	uint32_t flags;	    /* NFP_KEYF_* */
	const char *help;   /* one line for --help-plugin and the docs */
};

struct nfp_arena;

/*
 * The record. The core owns it; plugins use the accessors below. Before it
 * calls a plugin the core points in_map/out_map at that stack position's
 * maps, so a plugin's key index means the same thing in every stack.
 */
struct nfp_rec {
	struct nfp_value *slots;  /* nslots values, one per produced key */
	uint64_t *valid;	  /* bitmap: slot holds a value */
	const int32_t *in_map;	  /* input key index -> slot, -1 unbound */
	const int32_t *out_map;	  /* output key index -> slot */
	const uint64_t *out_used; /* bitmap by output key index: wanted */
	struct nfp_arena *arena;  /* reset when the record is reset */
	const void *node;	  /* core: current stack position */
	uint32_t nslots;	  /* number of slots */
	uint32_t nvalid;	  /* 64-bit words in valid */
};

static inline bool nfp_slot_valid(const struct nfp_rec *rec, int32_t s)
{
	return rec->valid[s >> 6] & (UINT64_C(1) << (s & 63));
}

/* The value of input key @key, or NULL when unbound or not set. */
static inline const struct nfp_value *nfp_get(const struct nfp_rec *rec,
					      unsigned int key)
{
	int32_t s = rec->in_map[key];

	if (s < 0 || !nfp_slot_valid(rec, s))
		return NULL;
	return &rec->slots[s];
}

/* True when input key @key is bound to a producer (set or not). */
static inline bool nfp_bound(const struct nfp_rec *rec, unsigned int key)
{
	return rec->in_map[key] >= 0;
}

/*
 * True when something downstream consumes output key @key. Plugins may skip
 * work for keys nobody wants; setting them anyway is harmless.
 */
static inline bool nfp_wanted(const struct nfp_rec *rec, unsigned int key)
{
	return rec->out_used[key >> 6] & (UINT64_C(1) << (key & 63));
}

/* The slot of output key @key, marked valid; the caller fills it. */
static inline struct nfp_value *nfp_put(struct nfp_rec *rec, unsigned int key)
{
	int32_t s = rec->out_map[key];

	rec->valid[s >> 6] |= UINT64_C(1) << (s & 63);
	return &rec->slots[s];
}

/* Unset output key @key (after a plugin set it and changed its mind). */
static inline void nfp_unset(struct nfp_rec *rec, unsigned int key)
{
	int32_t s = rec->out_map[key];

	rec->valid[s >> 6] &= ~(UINT64_C(1) << (s & 63));
}

#define NFP__SETTER(suffix, ctype, member)                                     \
	static inline void nfp_set_##suffix(struct nfp_rec *rec,               \
					    unsigned int key, ctype v)         \
	{                                                                      \
		nfp_put(rec, key)->member = v;                                 \
	}
NFP__SETTER(bool, bool, b)
NFP__SETTER(u8, uint8_t, u8)
NFP__SETTER(u16, uint16_t, u16)
NFP__SETTER(u32, uint32_t, u32)
NFP__SETTER(u64, uint64_t, u64)
NFP__SETTER(i8, int8_t, i8)
NFP__SETTER(i16, int16_t, i16)
NFP__SETTER(i32, int32_t, i32)
NFP__SETTER(i64, int64_t, i64)
NFP__SETTER(ptr, void *, ptr)
#undef NFP__SETTER

/* Set an IPv4 address given in network byte order. */
static inline void nfp_set_in4(struct nfp_rec *rec, unsigned int key,
			       uint32_t in4)
{
	struct nfp_value *v = nfp_put(rec, key);

	memset(&v->addr, 0, sizeof(v->addr));
	v->addr.family = 2; /* AF_INET */
	v->addr.in4 = in4;
}

/* Set an IPv6 address from 16 bytes in network byte order. */
static inline void nfp_set_in6(struct nfp_rec *rec, unsigned int key,
			       const void *in6)
{
	struct nfp_value *v = nfp_put(rec, key);

	v->addr.family = 10; /* AF_INET6 */
	memset(v->addr.pad, 0, sizeof(v->addr.pad));
	memcpy(v->addr.in6, in6, 16);
}

/*
 * Set a string. @s must stay valid while the record travels (a literal, the
 * receive buffer, or memory from nfp_rec_alloc()); it must be NUL-terminated.
 */
static inline void nfp_set_str(struct nfp_rec *rec, unsigned int key,
			       const char *s, uint32_t len)
{
	struct nfp_value *v = nfp_put(rec, key);

	v->str.ptr = s;
	v->str.len = len;
}

/* Set raw bytes; the same lifetime rule as nfp_set_str(). */
static inline void nfp_set_raw(struct nfp_rec *rec, unsigned int key,
			       const void *p, uint32_t len)
{
	struct nfp_value *v = nfp_put(rec, key);

	v->raw.ptr = p;
	v->raw.len = len;
}

static inline void nfp_set_time(struct nfp_rec *rec, unsigned int key,
				int64_t sec, uint32_t nsec)
{
	struct nfp_value *v = nfp_put(rec, key);

	v->time.sec = sec;
	v->time.nsec = nsec;
}

/*
 * Memory that lives as long as the record: from the record's arena, reset
 * with it. Never fails for sizes below 64 KiB; NULL past that when the
 * arena cannot grow. Aligned to 8 bytes.
 */
NFP_API void *nfp_rec_alloc(struct nfp_rec *rec, size_t size);

/* A formatted string in the record's arena; NULL when it cannot grow. */
NFP_API const char *nfp_rec_printf(struct nfp_rec *rec, uint32_t *len,
				   const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * For plugins that consume every key upstream (OPRINT, GPRINT, JSON):
 * the number of keys visible at the current stack position, in stack order
 * (nearest producer wins a name), and each one's name, type and value
 * (NULL when not set).
 */
NFP_API unsigned int nfp_rec_nkeys(const struct nfp_rec *rec);
NFP_API const struct nfp_value *nfp_rec_key(const struct nfp_rec *rec,
					    unsigned int i, const char **name,
					    enum nfp_type *type);

/*
 * A value as text, the way OPRINT shows it: integers in decimal, addresses
 * in their usual notation, strings as they are, raw bytes in hex with ':'
 * between bytes, time as seconds.nanoseconds. Returns the length it needed
 * (as snprintf); the output is always NUL-terminated when @len > 0.
 */
NFP_API int nfp_value_format(enum nfp_type type, const struct nfp_value *v,
			     char *buf, size_t len);

/*
 * The type the producer of input key @key declared, for plugins whose input
 * keys accept any type (NFP_T_NONE: SQL columns found at run time);
 * NFP_T_NONE when the key is unbound.
 */
NFP_API enum nfp_type nfp_in_type(const struct nfp_rec *rec, unsigned int key);

/*
 * True when @key belongs to an interpreter's namespace: it starts with
 * "l7.", "geoip.", "blacklist." or "scan.". Such keys label records when
 * the stack has the interpreter and are simply absent when it has not; the
 * SQL outputs make a column for one optional (NULL without a producer),
 * while a column for any other key still needs one. The one place that
 * decides it (core/keyns.c).
 */
NFP_API bool nfp_key_enrichment(const char *key);

/* "u32", "ipv4", ... for messages and --help-plugin. */
NFP_API const char *nfp_type_name(enum nfp_type type);

#endif /* NFPIPE_KEY_H */
