/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/harness.h - drive real stacks in a unit test, no root needed
 *
 * nfpt_new() builds the core's engine from config text with the given
 * plugins linked statically, plus two test plugins of the harness:
 *   PKTIN    an input with NFLOG's keys (raw.pkt, oob.prefix, ...) and the
 *            interface names oob.in/oob.out, filled from struct nfpt_pkt
 *   CAPTURE  an output that keeps every key of the last record it got, as
 *            text (nfp_value_format), and counts records
 * Config errors make the test bail out; nfpt_check() returns them instead.
 */
#ifndef NFP_HARNESS_H
#define NFP_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nfpipe/plugin.h>

struct nfpt;

/* One packet as NFLOG would deliver it; unset pointers leave keys unset. */
struct nfpt_pkt {
	int family;	      /* oob.family: AF_INET, AF_INET6 */
	uint16_t protocol;    /* oob.protocol: ETH_P_IP, ... (0: by family) */
	const void *data;     /* raw.pkt */
	size_t len;	      /* raw.pktlen */
	const char *prefix;   /* oob.prefix */
	uint8_t hook;	      /* oob.hook */
	uint32_t mark;	      /* oob.mark */
	uint32_t ifindex_in;  /* oob.ifindex_in (0: unset) */
	uint32_t ifindex_out; /* oob.ifindex_out (0: unset) */
	const char *indev;    /* oob.in */
	const char *outdev;   /* oob.out */
	const void *mac;      /* raw.mac: the link header */
	uint16_t mac_len;     /* raw.mac_len */
	uint16_t hwtype;      /* raw.type: ARPHRD_ETHER, ... */
	bool has_uid;	      /* set oob.uid and oob.gid */
	uint32_t uid;	      /* oob.uid */
	uint32_t gid;	      /* oob.gid */
	uint32_t sec;	      /* oob.time.sec */
	uint32_t usec;	      /* oob.time.usec */
};

/* @plugins: NULL-terminated, e.g. { &nfp_filter_base, NULL }. */
struct nfpt *nfpt_new(const char *conf,
		      const struct nfp_plugin *const *plugins);
/* Number of config errors; @buf gets every diagnostic, one per line. */
int nfpt_check(const char *conf, const struct nfp_plugin *const *plugins,
	       char *buf, size_t len);
/* The same for the config file @path (its name and mode are real). */
int nfpt_check_file(const char *path, const struct nfp_plugin *const *plugins,
		    char *buf, size_t len);
/* Plugin counter @name of instance @inst (read atomically), or -1. */
uint64_t nfpt_counter(struct nfpt *t, const char *inst, const char *name);
/* The whole file @path, NUL-terminated, malloc'ed; "(missing)" if none. */
char *nfpt_slurp(const char *path);
/* rm -rf @dir, unless NFPT_KEEP is set (then say where it is). */
void nfpt_rmtree(const char *dir);
/* Push one packet into PKTIN instance @input; then flush every output. */
void nfpt_feed(struct nfpt *t, const char *input, const struct nfpt_pkt *p);
/* An instance by name, for tests that call a plugin's functions directly. */
struct nfp_inst *nfpt_inst(struct nfpt *t, const char *name);
/* Key @key of the last record CAPTURE instance @cap got; NULL if unset. */
const char *nfpt_get(struct nfpt *t, const char *cap, const char *key);
/* Records CAPTURE instance @cap got so far. */
unsigned int nfpt_count(struct nfpt *t, const char *cap);
/*
 * Reload to @conf as nfpiped does on SIGHUP: the number of instances
 * carried over, or a negative count of the new config's errors (then the
 * running engine stays).
 */
int nfpt_reload(struct nfpt *t, const char *conf,
		const struct nfp_plugin *const *plugins);
/* Stop every instance (outputs flush) and free everything. */
void nfpt_free(struct nfpt *t);

#endif /* NFP_HARNESS_H */
