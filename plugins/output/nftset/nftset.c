/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output/nftset - put a record's address into an nftables set
 *
 * Consumes one address key (`key=`, ip.saddr by default) and, optionally,
 * SCAN's scan.dl (`min_dl=`). The address goes into set `set` (IPv4) or
 * `set6` (IPv6) of table `table` in family `family`, as an element with
 * `timeout=` that a later record renews. What never goes in (allow=,
 * loopback, this host's own addresses) and what is only repeated is
 * decided by the shared guard (setguard.h).
 *
 * process() only queues; flush() hands the whole batch to libnftables as
 * one command buffer, which nft sends as one netlink transaction: all or
 * nothing, one round trip (plus nft's generation check) per wakeup. An
 * element that is already in the set is renewed (`renew=`): on Linux 6.12
 * and later by sending it again with `timeout T expires T`, which the
 * kernel applies to an existing element; before 6.12 the kernel ignores
 * that, so the element is deleted and added again in the same
 * transaction. A delete of an element that is gone after all (an admin
 * flushed the set) fails the whole batch, which is counted and retried
 * as plain adds by the next records.
 *
 * start() checks that the sets exist with the right type (and `flags
 * timeout` when timeout= is set), or creates the table and sets when
 * create=yes; otherwise a missing set stops the daemon with the nft
 * command that makes it. Under `nfpiped --check` only configure() runs:
 * no kernel change. A failed batch is counted (errors, per address),
 * logged rate-limited with nft's message, and its addresses are retried
 * by their next record. Main thread only; CAP_NET_ADMIN is kept past -u.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/utsname.h>

#include <nftables/libnftables.h>

#include "nftset.h"
#include "setguard.h"

/* Longest text per element: its delete and its add with two durations. */
#define NS_ELEM_MAX (2 * INET6_ADDRSTRLEN + 72)

int (*nftset_run_hook)(const char *cmds);

static const char *const nftset_families[] = { "ip",	 "ip6",	   "inet",
					       "bridge", "netdev", NULL };

static const char *const nftset_counters[] = { SG_COUNTER_NAMES, NULL };

static const char *const nftset_renews[] = { "auto", "update", "readd", NULL };
enum { NS_RENEW_AUTO, NS_RENEW_UPDATE, NS_RENEW_READD };

struct nftset_priv {
	struct setguard g;   /* options, allow list, cache, batch */
	int family;	     /* option: index in nftset_families */
	char *table;	     /* option: table holding the sets */
	int renew;	     /* option: NS_RENEW_*; never AUTO after start */
	struct nft_ctx *nft; /* libnftables context; NULL with the hook */
	char *buf;	     /* command text of one batch; malloc'ed */
	size_t bufsize;	     /* bytes in buf */
};

static const struct nfp_option nftset_options[] = {
	{ .name = "family",
	  .type = NFP_OPT_ENUM,
	  .def = "inet",
	  .enums = nftset_families,
	  .off = offsetof(struct nftset_priv, family),
	  .help = "Family of the table: ip, ip6, inet, bridge, netdev." },
	{ .name = "table",
	  .type = NFP_OPT_STRING,
	  .def = "nfpipe",
	  .off = offsetof(struct nftset_priv, table),
	  .help = "Table that holds the sets." },
	SG_OPTIONS(struct nftset_priv, g),
	{ .name = "renew",
	  .type = NFP_OPT_ENUM,
	  .def = "auto",
	  .enums = nftset_renews,
	  .off = offsetof(struct nftset_priv, renew),
	  .help = "How an element in the set already gets a new timeout: "
		  "update (Linux >= 6.12), readd (delete and add), auto." },
	{ 0 }
};

/* nft identifiers, and nothing that could end the command text. */
static bool nft_name_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (!n || n > 255)
		return false;
	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') ||
	      s[0] == '_'))
		return false;
	for (i = 1; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		      c == '.'))
			return false;
	}
	return true;
}

static int nftset_configure(struct nfp_inst *inst)
{
	struct nftset_priv *p = inst->priv;
	int rc = 0;

	if (!p->table || !nft_name_ok(p->table))
		rc = nfp_inst_error(
			inst, "table", "letters, digits, '_', '-', '.'",
			"bad table name '%s'", p->table ? p->table : "");
	if (p->g.set6 && p->family == 0)
		rc = nfp_inst_error(inst, "set6", "family=inet or family=ip6",
				    "an ip table cannot match IPv6 sources");
	if (p->g.set && p->family == 1)
		rc = nfp_inst_error(inst, "set", "family=inet or family=ip",
				    "an ip6 table cannot match IPv4 sources");
	return sg_configure(inst, &p->g, nft_name_ok) ?: rc;
}

/* The first line of nft's error message, for a log line. */
static const char *nft_errline(struct nftset_priv *p, char *buf, size_t len)
{
	const char *e = p->nft ? nft_ctx_get_error_buffer(p->nft) : NULL;
	size_t n;

	if (!e || !*e)
		return "no message";
	n = strcspn(e, "\n");
	if (n >= len)
		n = len - 1;
	memcpy(buf, e, n);
	buf[n] = '\0';
	return buf;
}

static int nft_run(struct nftset_priv *p, const char *cmds)
{
	if (nftset_run_hook)
		return nftset_run_hook(cmds);
	/* Drop what an earlier command left in the buffers. */
	nft_ctx_get_output_buffer(p->nft);
	nft_ctx_get_error_buffer(p->nft);
	return nft_run_cmd_from_buffer(p->nft, cmds);
}

/* The set @name exists with @type (and timeout support when needed), or
 * is created when create=yes. 0, or -ENOENT/-EINVAL, logged. */
static int nftset_check_set(struct nfp_inst *inst, const char *name,
			    const char *type)
{
	struct nftset_priv *p = inst->priv;
	const char *fam = nftset_families[p->family], *out, *flags;
	char cmd[1024], err[256];

	snprintf(cmd, sizeof(cmd), "list set %s %s %s", fam, p->table, name);
	if (nft_run(p, cmd) != 0) {
		nft_errline(p, err, sizeof(err));
		if (!strstr(err, "No such file or directory") &&
		    !nftset_run_hook) {
			/* Not a missing set: permissions, a name nft cannot
			 * parse (a keyword), no nf_tables. */
			nfp_err(inst, "cannot list set %s %s %s: %s", fam,
				p->table, name, err);
			return -EINVAL;
		}
		if (!p->g.create) {
			nfp_err(inst,
				"set %s %s %s does not exist (%s): create it "
				"with: nft add table %s %s '{ set %s { type "
				"%s; flags timeout; }; }' or set create=yes",
				fam, p->table, name, err, fam, p->table, name,
				type);
			return -ENOENT;
		}
		snprintf(cmd, sizeof(cmd),
			 "add table %s %s\n"
			 "add set %s %s %s { type %s; flags timeout; }\n",
			 fam, p->table, fam, p->table, name, type);
		if (nft_run(p, cmd) != 0) {
			nfp_err(inst, "cannot create set %s %s %s: %s", fam,
				p->table, name,
				nft_errline(p, err, sizeof(err)));
			return -EINVAL;
		}
		nfp_info(inst, "created set %s %s %s (type %s, flags timeout)",
			 fam, p->table, name, type);
		return 0;
	}
	out = nftset_run_hook ? "" : nft_ctx_get_output_buffer(p->nft);
	if (!nftset_run_hook && !strstr(out, type)) {
		nfp_err(inst,
			"set %s %s %s is not of type %s: %s addresses "
			"cannot go in",
			fam, p->table, name, type,
			strcmp(type, "ipv4_addr") ? "IPv6" : "IPv4");
		return -EINVAL;
	}
	flags = strstr(out, "flags ");
	if (!nftset_run_hook && p->g.timeout &&
	    (!flags || !strstr(flags, "timeout"))) {
		nfp_err(inst,
			"set %s %s %s has no 'flags timeout': its "
			"elements cannot expire; recreate it with flags "
			"timeout, or set timeout=0",
			fam, p->table, name);
		return -EINVAL;
	}
	return 0;
}

/* Linux 6.12 applies the timeout and expiration of an element added
 * again; before, an existing element keeps its own. */
static int nftset_kernel_updates(void)
{
	struct utsname u;
	unsigned int major = 0, minor = 0;

	if (uname(&u) < 0 || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return 0;
	return major > 6 || (major == 6 && minor >= 12);
}

static int nftset_start(struct nfp_inst *inst)
{
	struct nftset_priv *p = inst->priv;
	int rc;

	if (p->renew == NS_RENEW_AUTO)
		p->renew = nftset_kernel_updates() ? NS_RENEW_UPDATE
						   : NS_RENEW_READD;
	nfp_dbg(inst, "renewing elements by %s", nftset_renews[p->renew]);

	rc = sg_start(inst, &p->g);
	if (rc)
		return rc;
	p->bufsize = (size_t)SG_BATCH_MAX * NS_ELEM_MAX + 1024;
	p->buf = malloc(p->bufsize);
	if (!p->buf)
		return -ENOMEM;
	if (!nftset_run_hook) {
		p->nft = nft_ctx_new(NFT_CTX_DEFAULT);
		if (!p->nft)
			return -ENOMEM;
		nft_ctx_buffer_output(p->nft);
		nft_ctx_buffer_error(p->nft);
		nft_ctx_output_set_flags(p->nft, NFT_CTX_OUTPUT_TERSE);
	}
	if (p->g.set && (rc = nftset_check_set(inst, p->g.set, "ipv4_addr")))
		return rc;
	if (p->g.set6 && (rc = nftset_check_set(inst, p->g.set6, "ipv6_addr")))
		return rc;
	nfp_keep_caps(inst, 1ULL << CAP_NET_ADMIN);
	return 0;
}

/* "VERB element FAM TABLE SET { a, b, ... }" for the queued addresses of
 * @family (only the renewals when @renewals), each followed by @suffix;
 * the length written, 0 when none. */
static size_t nftset_elems(struct nftset_priv *p, const char *verb, int family,
			   const char *set, bool renewals, const char *suffix,
			   char *b, size_t size)
{
	char a[INET6_ADDRSTRLEN];
	size_t n = 0;
	unsigned int i;
	bool any = false;

	for (i = 0; i < p->g.npend; i++) {
		const struct nfp_addr *x = &p->g.pend[i].addr;

		if (x->family != family || (renewals && !p->g.pend[i].refresh))
			continue;
		inet_ntop(family,
			  family == AF_INET ? (const void *)&x->in4
					    : (const void *)x->in6,
			  a, sizeof(a));
		if (!any)
			n += (size_t)snprintf(
				b + n, size - n, "%s element %s %s %s { ", verb,
				nftset_families[p->family], p->table, set);
		n += (size_t)snprintf(b + n, size - n, "%s%s%s",
				      any ? ", " : "", a, suffix);
		any = true;
	}
	if (any)
		n += (size_t)snprintf(b + n, size - n, " }\n");
	return n;
}

/* The batch's commands for @family: with renew=readd the renewals are
 * deleted first, then everything is added with its timeout. */
static size_t nftset_cmd(struct nftset_priv *p, int family, const char *set,
			 char *b, size_t size)
{
	char tmo[64] = "";
	size_t n = 0;

	if (p->g.timeout)
		snprintf(tmo, sizeof(tmo), " timeout %llums expires %llums",
			 (unsigned long long)p->g.timeout,
			 (unsigned long long)p->g.timeout);
	if (p->renew == NS_RENEW_READD && p->g.timeout)
		n = nftset_elems(p, "delete", family, set, true, "", b, size);
	return n +
	       nftset_elems(p, "add", family, set, false, tmo, b + n, size - n);
}

static int nftset_apply(struct nfp_inst *inst)
{
	struct nftset_priv *p = inst->priv;
	char err[256];
	size_t n;
	int rc;

	if (!p->g.npend)
		return 0;
	n = nftset_cmd(p, AF_INET, p->g.set, p->buf, p->bufsize);
	nftset_cmd(p, AF_INET6, p->g.set6, p->buf + n, p->bufsize - n);
	rc = nft_run(p, p->buf);
	if (rc)
		nfp_err_rl(inst, "adding %u address%s to the set failed: %s",
			   p->g.npend, p->g.npend == 1 ? "" : "es",
			   nft_errline(p, err, sizeof(err)));
	sg_done(inst, &p->g, rc == 0, nfp_now_ms());
	return rc ? -EIO : 0;
}

static enum nfp_ret nftset_process(struct nfp_inst *inst, struct nfp_rec *rec)
{
	struct nftset_priv *p = inst->priv;

	if (sg_take(inst, &p->g, rec, nfp_now_ms()))
		nftset_apply(inst); /* a full batch goes now */
	return NFP_OK;
}

static int nftset_flush(struct nfp_inst *inst)
{
	return nftset_apply(inst);
}

static void nftset_free(struct nftset_priv *p)
{
	if (p->nft)
		nft_ctx_free(p->nft);
	p->nft = NULL;
	free(p->buf);
	p->buf = NULL;
}

static void nftset_stop(struct nfp_inst *inst)
{
	nftset_apply(inst);
	nftset_free(inst->priv);
}

/* Also after a start() that failed half-way (no stop() then). */
static void nftset_release(struct nfp_inst *inst)
{
	struct nftset_priv *p = inst->priv;

	nftset_free(p);
	sg_release(&p->g);
}

NFP_PLUGIN(output, nftset) = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_OUTPUT,
	.name = "NFTSET",
	.summary = "put the record's address into an nftables set, "
		   "with a timeout",
	.options = nftset_options,
	.in_keys = sg_default_keys,
	.counters = nftset_counters,
	.priv_size = sizeof(struct nftset_priv),
	.configure = nftset_configure,
	.start = nftset_start,
	.process = nftset_process,
	.flush = nftset_flush,
	.stop = nftset_stop,
	.release = nftset_release,
};
