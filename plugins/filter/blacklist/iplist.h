/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter/blacklist/iplist - address lists: parse, merge, look up, cover
 *
 * The one piece of code that reads blocklists, shared by the BLACKLIST
 * filter and `nfpipe blocklist`. Text goes in line by line (ipl_add_line(),
 * or whole buffers with ipl_add_text(), or files, gzip or not, with
 * ipl_load_file()); ipl_finish() sorts the IPv4 and IPv6 ranges and merges
 * every overlapping or adjacent pair; ipl_find4()/ipl_find6() are then a
 * binary search, and ipl_cidrs() walks the minimal CIDR cover of the merged
 * ranges. Formats: p2p ("desc:a.b.c.d-e.f.g.h"), cidr (a network, an
 * address or "lo-hi" a line, '#' and ';' comments), dshield (block.txt:
 * start, end, prefix), spamhaus (DROP/EDROP "net ; SBLnnn"), ipset (`ipset
 * save` output: its add lines) and auto (the format of the first line that
 * parses as one). A merged range keeps the description of the range that
 * starts first. Bad lines are counted and handed to the caller's callback
 * with their line number; the rest loads.
 *
 * Everything but ipl_load_file() is pure (memory in, memory out, no I/O, no
 * globals), so a fuzzer drives it. Not thread-safe per list; a finished list
 * may be read from any number of threads.
 */
#ifndef NFP_IPLIST_H
#define NFP_IPLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ipl_format {
	IPL_AUTO = 0,
	IPL_P2P,
	IPL_CIDR,
	IPL_DSHIELD,
	IPL_SPAMHAUS,
	IPL_IPSET,
	IPL__NFORMATS
};

/* Flags of ipl_new(). */
#define IPL_NODESC 0x1 /* keep no descriptions (conversion only) */

typedef unsigned __int128 ipl_u128;

struct ipl_r4 {
	uint32_t lo, hi; /* host order, inclusive */
	uint32_t desc;	 /* offset + 1 in the pool; 0: none */
};

struct ipl_r6 {
	ipl_u128 lo, hi; /* the address as a big-endian number, inclusive */
	uint32_t desc;	 /* offset + 1 in the pool; 0: none */
};

/* Called for each bad line: its number (from 1) and why it is bad. */
typedef void (*ipl_bad_fn)(void *ctx, unsigned long line, const char *why);

struct iplist {
	struct ipl_r4 *v4;	   /* ranges; sorted, disjoint once finished */
	size_t n4, cap4;	   /* used, allocated */
	struct ipl_r6 *v6;	   /* the same for IPv6 */
	size_t n6, cap6;	   /* used, allocated */
	char *pool;		   /* descriptions, NUL-separated */
	size_t pool_len, pool_cap; /* used, allocated */
	unsigned int flags;	   /* IPL_* */
	enum ipl_format format;	   /* given, or found by IPL_AUTO */
	unsigned long line;	   /* lines read so far */
	unsigned long ranges;	   /* ranges read (before the merge) */
	unsigned long bad;	   /* bad lines */
	ipl_bad_fn bad_fn;	   /* may be NULL */
	void *bad_ctx;		   /* for bad_fn */
	bool finished;		   /* ipl_finish() ran */
};

/* "p2p" ... for a format, and back (-1 when unknown). */
const char *ipl_format_name(enum ipl_format f);
int ipl_format_parse(const char *name);

/*
 * A new empty list that reads @format (IPL_AUTO: found from the first good
 * line). The caller owns it and frees it with ipl_free(). NULL on ENOMEM.
 */
struct iplist *ipl_new(enum ipl_format format, unsigned int flags);
void ipl_free(struct iplist *l);
void ipl_set_bad_fn(struct iplist *l, ipl_bad_fn fn, void *ctx);

/*
 * One line (no newline needed; a trailing '\r' is ignored). Returns 0 (also
 * for blank, comment and bad lines: bad ones are counted and reported), or
 * -ENOMEM.
 */
int ipl_add_line(struct iplist *l, const char *line, size_t len);
/* Every line of @buf; the last one needs no newline. 0 or -ENOMEM. */
int ipl_add_text(struct iplist *l, const char *buf, size_t len);
/* Add one range directly (@bits 32 or 128). 0 or -ENOMEM / -EINVAL. */
int ipl_add_range4(struct iplist *l, uint32_t lo, uint32_t hi,
		   const char *desc);
int ipl_add_range6(struct iplist *l, ipl_u128 lo, ipl_u128 hi,
		   const char *desc);

/*
 * A whole file ("-": standard input), gzip or plain (zlib tells them
 * apart). 0, or a negative errno: the file could not be read (a list that
 * has bad lines still returns 0).
 */
int ipl_load_file(struct iplist *l, const char *path);

/* Sort and merge. Idempotent. 0 or -ENOMEM. */
int ipl_finish(struct iplist *l);

/*
 * On a finished list: the range holding @addr (IPv4 host order, IPv6 as a
 * big-endian number), or NULL.
 */
const struct ipl_r4 *ipl_find4(const struct iplist *l, uint32_t addr);
const struct ipl_r6 *ipl_find6(const struct iplist *l, ipl_u128 addr);
/* The description of a range ("" when none). */
const char *ipl_desc(const struct iplist *l, uint32_t desc);

/* 16 network-order bytes to the number, and back. */
ipl_u128 ipl_u128_from(const uint8_t *b);
void ipl_u128_to(ipl_u128 v, uint8_t *b);

/*
 * The minimal CIDR cover of the finished list, IPv4 first: @fn gets each
 * network (@family AF_INET: @addr host order in the low 32 bits), in
 * ascending order. Stops early when @fn returns non-zero and returns that.
 */
typedef int (*ipl_cidr_fn)(void *ctx, int family, ipl_u128 addr,
			   unsigned int prefix);
int ipl_cidrs(const struct iplist *l, ipl_cidr_fn fn, void *ctx);
/* The same for one family only (AF_INET or AF_INET6). */
int ipl_cidrs_family(const struct iplist *l, int family, ipl_cidr_fn fn,
		     void *ctx);
/* The number of networks ipl_cidrs() gives, per family. */
void ipl_count_cidrs(const struct iplist *l, size_t *n4, size_t *n6);

/* Each range's CIDR cover (@bits 32 or 128), for one range. */
int ipl_range_cidrs(int family, ipl_u128 lo, ipl_u128 hi, ipl_cidr_fn fn,
		    void *ctx);

#endif /* NFP_IPLIST_H */
