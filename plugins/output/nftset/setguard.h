/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output/nftset/setguard.h - what NFTSET and IPSET share: which address
 * of a record goes into a kernel set, and when
 *
 * Both outputs read one address key (`key=`, ip.saddr by default) and,
 * optionally, SCAN's scan.dl (`min_dl=`). The guard decides per record:
 * skipped (no address, below min_dl, no set for its family), allowed
 * (an `allow=` CIDR, loopback, unspecified, or one of this host's own
 * addresses: never blocked), repeat (already queued in this batch, or sent
 * less than `refresh` ago), or queued for the next batch as an add or a
 * refresh. A bounded, 4-way set-associative cache (`cache_size` entries,
 * oldest expiry evicted) remembers what was put in the set and until when,
 * so a source logged a thousand times a second costs one kernel operation
 * per `refresh` interval. Nothing is allocated per record. The plugin
 * applies the batch in flush() and reports back with sg_done().
 * Main thread only.
 */
#ifndef NFP_SETGUARD_H
#define NFP_SETGUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nfpipe/plugin.h>

#define SG_BATCH_MAX 1024 /* queued addresses before a batch goes early */

/* The counters both plugins name, in this order. */
#define SG_COUNTER_NAMES                                                       \
	"added", "refreshed", "allowed", "errors", "skipped", "repeats"
enum { SG_ADDED, SG_REFRESHED, SG_ALLOWED, SG_ERRORS, SG_SKIPPED, SG_REPEATS };

enum { SG_K_ADDR, SG_K_DL };

struct sg_cidr {
	uint8_t family;	  /* AF_INET, AF_INET6 */
	uint8_t plen;	  /* prefix length */
	uint8_t addr[16]; /* network order, host bits cleared */
};

struct sg_entry {
	struct nfp_addr addr; /* the address */
	uint64_t expires;     /* nfp_now_ms() it leaves the set; 0: not in */
	uint64_t sent;	      /* nfp_now_ms() of the last add or refresh */
	bool pending;	      /* queued in the current batch */
};

struct sg_pending {
	struct nfp_addr addr; /* what to add */
	bool refresh;	      /* we believe it is in the set already */
};

/*
 * Embedded in each plugin's priv; the option fields are filled by the core
 * from SG_OPTIONS, the rest by sg_configure() and sg_start().
 */
struct setguard {
	char *key;	     /* option: address key to read */
	char *allow;	     /* option: CIDRs never blocked */
	char *set;	     /* option: set for IPv4 addresses */
	char *set6;	     /* option: set for IPv6 addresses */
	uint64_t min_dl;     /* option: smallest scan.dl that is blocked */
	uint64_t timeout;    /* option: ms an element lives; 0: for ever */
	uint64_t refresh;    /* option: ms between two refreshes */
	uint64_t cache_size; /* option: addresses remembered */
	bool create;	     /* option: create missing table and sets */

	struct nfp_key keys[3];	 /* in_keys: the address, scan.dl */
	struct sg_cidr *allowed; /* parsed allow=; malloc'ed */
	unsigned int nallowed;	 /* entries in allowed */
	struct sg_cidr *own;	 /* this host's addresses; malloc'ed */
	unsigned int nown;	 /* entries in own */
	uint64_t own_at;	 /* nfp_now_ms() own was read; 0: never */
	struct sg_entry *cache;	 /* nbuckets * 4 entries; malloc'ed */
	uint32_t nbuckets;	 /* power of two */
	struct sg_pending pend[SG_BATCH_MAX]; /* the batch being built */
	unsigned int npend;		      /* entries in pend */
};

/* Option table entries for the fields above, in a priv of type @T with
 * the guard as member @M. */
/* clang-format off */
#define SG_OPTIONS(T, M)                                                       \
	{ .name = "key", .type = NFP_OPT_STRING, .def = "ip.saddr",            \
	  .off = offsetof(T, M.key),                                           \
	  .help = "Address key put into the set (ip.saddr, ip.daddr, any "     \
		  "address key)." },                                           \
	{ .name = "set", .type = NFP_OPT_STRING,                               \
	  .off = offsetof(T, M.set),                                           \
	  .help = "Set for IPv4 addresses (set or set6 must be given)." },     \
	{ .name = "set6", .type = NFP_OPT_STRING,                              \
	  .off = offsetof(T, M.set6),                                          \
	  .help = "Set for IPv6 addresses; without it they are skipped." },    \
	{ .name = "timeout", .type = NFP_OPT_DURATION, .def = "1h",            \
	  .unit = "s", .min = 0, .max = 2147483000LL,                          \
	  .off = offsetof(T, M.timeout),                                       \
	  .help = "Kernel-side lifetime of an element, renewed by each new "   \
		  "record; 0: none given (the set's default)." },                               \
	{ .name = "refresh", .type = NFP_OPT_DURATION, .def = "1s",            \
	  .unit = "s", .min = 0, .max = 86400000LL,                            \
	  .off = offsetof(T, M.refresh),                                       \
	  .help = "An address already in the set is sent again at most this " \
		  "often." },                                                  \
	{ .name = "min_dl", .type = NFP_OPT_UINT, .def = "0", .min = 0,        \
	  .max = 5, .off = offsetof(T, M.min_dl),                              \
	  .help = "Only records with scan.dl at least this (SCAN's danger "    \
		  "level); 0: every record." },                                \
	{ .name = "allow", .type = NFP_OPT_STRING, .flags = NFP_OPT_MULTI,     \
	  .off = offsetof(T, M.allow),                                         \
	  .help = "CIDRs never put in the set (comma or space separated, may " \
		  "repeat); loopback and own addresses always." },             \
	{ .name = "create", .type = NFP_OPT_BOOL, .def = "no",                 \
	  .off = offsetof(T, M.create),                                        \
	  .help = "Create missing sets at start (with timeout support)." },    \
	{ .name = "cache_size", .type = NFP_OPT_UINT, .def = "16384",          \
	  .min = 16, .max = 16777216, .off = offsetof(T, M.cache_size),        \
	  .help = "Addresses remembered to tell refreshes from adds and "      \
		  "skip repeats." }
/* clang-format on */

/* The in_keys --help-plugin shows (key=ip.saddr). */
extern const struct nfp_key sg_default_keys[];

/*
 * From configure(): check the options, parse allow=, set the instance's
 * keys. Reports errors with nfp_inst_error(); returns 0 or -EINVAL.
 * @name_ok checks a set name for the plugin's rules.
 */
int sg_configure(struct nfp_inst *inst, struct setguard *g,
		 bool (*name_ok)(const char *name));
/* From start(): allocate the cache, read own addresses. 0 or -ENOMEM. */
int sg_start(struct nfp_inst *inst, struct setguard *g);
/* Free what sg_configure() and sg_start() allocated (release). */
void sg_release(struct setguard *g);

/*
 * Parse a list of CIDRs (commas, spaces, newlines between) into a
 * malloc'ed array; a bare address is a host. 0, or -EINVAL with the bad
 * word in @bad.
 */
int sg_parse_cidrs(const char *text, struct sg_cidr **out, unsigned int *n,
		   char *bad, size_t badlen);
bool sg_cidr_match(const struct sg_cidr *c, const struct nfp_addr *a);

/* True when @a must never be blocked (counted by the caller). */
bool sg_allowed(struct setguard *g, const struct nfp_addr *a, uint64_t now);

/*
 * process(): look at @rec and queue its address when it should go to the
 * set; counts skipped, allowed and repeats itself. Returns true when the
 * batch is full and the plugin should apply it now.
 */
bool sg_take(struct nfp_inst *inst, struct setguard *g,
	     const struct nfp_rec *rec, uint64_t now);

/* After a batch was applied (@ok) or failed: update the cache, count
 * added/refreshed or errors, empty the batch. */
void sg_done(struct nfp_inst *inst, struct setguard *g, bool ok, uint64_t now);

/* Own addresses (getifaddrs) into g->own now; 0 or -errno. */
int sg_read_own(struct setguard *g);

#endif /* NFP_SETGUARD_H */
