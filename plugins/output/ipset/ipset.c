/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output/ipset - put a record's address into an ipset
 *
 * The same as NFTSET (the shared guard in ../nftset/setguard.h decides
 * what goes in) for ipsets, through libipset: `set` takes IPv4 addresses,
 * `set6` IPv6 ones, each added with `timeout=` (whole seconds, rounded
 * up) and the -exist flag, so that adding an address that is already in
 * renews its timeout (ipset has done so on every kernel that has it).
 *
 * process() only queues; flush() sends the batch in libipset's restore
 * mode, which packs consecutive adds to one set into one netlink message
 * (as many as fit in a page, about 100 addresses), so a flush costs one
 * round trip per set and page. The set's type is looked up once (at
 * start) and handed to libipset with every address: libipset would
 * otherwise ask the kernel for it again for each address. ipset has no
 * transactions: after a failed message the addresses of the batch are
 * counted as errors and retried by their next record.
 *
 * start() checks that the sets exist for the right family (and were made
 * with timeout support when timeout= is set), or creates them (hash:ip,
 * family inet/inet6, timeout) when create=yes; otherwise a missing set
 * stops the daemon with the ipset command that makes it. `nfpiped
 * --check` runs configure() only: no kernel change. Main thread only;
 * CAP_NET_ADMIN is kept past -u.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libipset/data.h>
#include <libipset/session.h>
#include <libipset/types.h>

#include "../nftset/setguard.h"
#include "ipset.h"

#define IS_TIMEOUT_MAX 2147483U /* seconds: the kernel's limit */
#define IS_OUT_MAX     4096	/* listing text kept for the set check */

int (*ipset_run_hook)(const char *lines);

static const char *const ipset_counters[] = { SG_COUNTER_NAMES, NULL };

struct ipset_priv {
	struct setguard g;		/* options, allow list, cache, batch */
	struct ipset_session *s;	/* libipset session; NULL with hook */
	const struct ipset_type *type4; /* type of set, from the kernel */
	const struct ipset_type *type6; /* type of set6 */
	char out[IS_OUT_MAX];		/* what libipset printed (listing) */
	size_t outlen;			/* bytes in out */
	char msg[256];			/* ipset_msg()'s copy */
	char *buf;			/* hook text of one batch; malloc'ed */
	size_t bufsize;			/* bytes in buf */
};

static const struct nfp_option ipset_options[] = {
	SG_OPTIONS(struct ipset_priv, g), { 0 }
};

/* ipset names: up to 31 bytes, no blanks or quotes (we allow less). */
static bool ipset_name_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (!n || n >= IPSET_MAXNAMELEN)
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		      c == '.'))
			return false;
	}
	return true;
}

static int ipset_configure(struct nfp_inst *inst)
{
	struct ipset_priv *p = inst->priv;

	return sg_configure(inst, &p->g, ipset_name_ok);
}

/* libipset's printf for listings: keep the text (bounded). */
static int __attribute__((format(printf, 3, 4)))
ipset_out(struct ipset_session *s, void *arg, const char *fmt, ...)
{
	struct ipset_priv *p = arg;
	va_list ap;
	int n;

	if (p->outlen >= sizeof(p->out) - 1)
		return 0;
	va_start(ap, fmt);
	n = vsnprintf(p->out + p->outlen, sizeof(p->out) - p->outlen, fmt, ap);
	va_end(ap);
	if (n > 0)
		p->outlen += (size_t)n;
	if (p->outlen >= sizeof(p->out))
		p->outlen = sizeof(p->out) - 1;
	return n;
}

/* libipset's last message, without its trailing newline. */
static const char *ipset_msg(struct ipset_priv *p)
{
	const char *m = p->s ? ipset_session_report_msg(p->s) : NULL;
	size_t n;

	if (!m || !*m)
		return "no message";
	n = strcspn(m, "\n");
	if (n >= sizeof(p->msg))
		n = sizeof(p->msg) - 1;
	memcpy(p->msg, m, n);
	p->msg[n] = '\0';
	return p->msg;
}

static uint32_t ipset_timeout_s(const struct ipset_priv *p)
{
	uint64_t s = (p->g.timeout + 999) / 1000;

	return s > IS_TIMEOUT_MAX ? IS_TIMEOUT_MAX : (uint32_t)s;
}

static int ipset_create(struct nfp_inst *inst, const char *name, uint8_t family)
{
	struct ipset_priv *p = inst->priv;
	uint32_t tmo = ipset_timeout_s(p);

	ipset_session_report_reset(p->s);
	ipset_session_data_set(p->s, IPSET_SETNAME, name);
	ipset_session_data_set(p->s, IPSET_OPT_TYPENAME, "hash:ip");
	ipset_session_data_set(p->s, IPSET_OPT_FAMILY, &family);
	if (!ipset_type_get(p->s, IPSET_CMD_CREATE))
		return -EINVAL;
	ipset_session_data_set(p->s, IPSET_OPT_TIMEOUT, &tmo);
	return ipset_cmd(p->s, IPSET_CMD_CREATE, 0) ? -EINVAL : 0;
}

/* The set @name exists for @family (with timeout support when needed),
 * or is created; its type in *@type. 0, or -ENOENT/-EINVAL, logged. */
static int ipset_check_set(struct nfp_inst *inst, const char *name,
			   uint8_t family, const struct ipset_type **type)
{
	struct ipset_priv *p = inst->priv;
	const char *fam = family == NFPROTO_IPV4 ? "inet" : "inet6";
	const char *hdr;
	bool is6;

	ipset_session_report_reset(p->s);
	p->outlen = 0;
	p->out[0] = '\0';
	ipset_envopt_set(p->s, IPSET_ENV_LIST_HEADER);
	ipset_session_data_set(p->s, IPSET_SETNAME, name);
	if (ipset_cmd(p->s, IPSET_CMD_LIST, 0)) {
		ipset_envopt_unset(p->s, IPSET_ENV_LIST_HEADER);
		if (!strstr(ipset_msg(p), "does not exist")) {
			/* Not a missing set: permissions, no ip_set. */
			nfp_err(inst, "cannot list ipset %s: %s", name, p->msg);
			return -EINVAL;
		}
		if (!p->g.create) {
			nfp_err(inst,
				"ipset %s does not exist (%s): create it with: "
				"ipset create %s hash:ip family %s timeout %u, "
				"or set create=yes",
				name, ipset_msg(p), name, fam,
				ipset_timeout_s(p));
			return -ENOENT;
		}
		/* After a failed listing libipset 7.17 cannot look up a
		 * type for create in the same session: start a new one. */
		ipset_session_fini(p->s);
		p->s = ipset_session_init(ipset_out, p);
		if (!p->s)
			return -ENOMEM;
		if (ipset_create(inst, name, family)) {
			nfp_err(inst, "cannot create ipset %s: %s", name,
				ipset_msg(p));
			return -EINVAL;
		}
		nfp_info(inst,
			 "created ipset %s (hash:ip family %s timeout "
			 "%u)",
			 name, fam, ipset_timeout_s(p));
	} else {
		ipset_envopt_unset(p->s, IPSET_ENV_LIST_HEADER);
		hdr = strstr(p->out, "Header:");
		is6 = hdr && strstr(hdr, "family inet6");
		if (is6 != (family == NFPROTO_IPV6)) {
			nfp_err(inst,
				"ipset %s is not of family %s: %s "
				"addresses cannot go in",
				name, fam,
				family == NFPROTO_IPV4 ? "IPv4" : "IPv6");
			return -EINVAL;
		}
		if (p->g.timeout && (!hdr || !strstr(hdr, " timeout "))) {
			nfp_err(inst,
				"ipset %s was created without timeout "
				"support: its elements cannot expire; "
				"recreate it with 'timeout 0' or more, or set "
				"timeout=0",
				name);
			return -EINVAL;
		}
	}
	ipset_session_report_reset(p->s);
	ipset_session_data_set(p->s, IPSET_SETNAME, name);
	*type = ipset_type_get(p->s, IPSET_CMD_ADD);
	if (!*type) {
		nfp_err(inst, "ipset %s: cannot learn its type: %s", name,
			ipset_msg(p));
		return -EINVAL;
	}
	return 0;
}

static int ipset_start(struct nfp_inst *inst)
{
	struct ipset_priv *p = inst->priv;
	int rc;

	rc = sg_start(inst, &p->g);
	if (rc)
		return rc;
	if (ipset_run_hook) {
		p->bufsize = (size_t)SG_BATCH_MAX * (INET6_ADDRSTRLEN + 64);
		p->buf = malloc(p->bufsize);
		return p->buf ? 0 : -ENOMEM;
	}
	ipset_load_types();
	p->s = ipset_session_init(ipset_out, p);
	if (!p->s)
		return -ENOMEM;
	if (p->g.set &&
	    (rc = ipset_check_set(inst, p->g.set, NFPROTO_IPV4, &p->type4)))
		return rc;
	if (p->g.set6 &&
	    (rc = ipset_check_set(inst, p->g.set6, NFPROTO_IPV6, &p->type6)))
		return rc;
	/* Adding what is in already renews its timeout instead of failing. */
	ipset_envopt_set(p->s, IPSET_ENV_EXIST);
	nfp_keep_caps(inst, 1ULL << CAP_NET_ADMIN);
	return 0;
}

/* The hook's text: "add SET ADDR[ timeout N]" lines, IPv4 then IPv6. */
static int ipset_apply_hook(struct ipset_priv *p)
{
	char a[INET6_ADDRSTRLEN];
	size_t n = 0;
	unsigned int i, pass;

	p->buf[0] = '\0';
	for (pass = 0; pass < 2; pass++) {
		int fam = pass ? AF_INET6 : AF_INET;

		for (i = 0; i < p->g.npend; i++) {
			const struct nfp_addr *x = &p->g.pend[i].addr;

			if (x->family != fam)
				continue;
			inet_ntop(fam,
				  fam == AF_INET ? (const void *)&x->in4
						 : (const void *)x->in6,
				  a, sizeof(a));
			n += (size_t)snprintf(p->buf + n, p->bufsize - n,
					      "add %s %s",
					      pass ? p->g.set6 : p->g.set, a);
			if (p->g.timeout)
				n += (size_t)snprintf(
					p->buf + n, p->bufsize - n,
					" timeout %u", ipset_timeout_s(p));
			n += (size_t)snprintf(p->buf + n, p->bufsize - n, "\n");
		}
	}
	return ipset_run_hook(p->buf);
}

/* Queue the batch's addresses of @family with libipset, then commit. */
static int ipset_apply_family(struct ipset_priv *p, int family)
{
	const struct ipset_type *type = family == AF_INET ? p->type4 : p->type6;
	const char *set = family == AF_INET ? p->g.set : p->g.set6;
	uint8_t nfproto = family == AF_INET ? NFPROTO_IPV4 : NFPROTO_IPV6;
	uint32_t tmo = ipset_timeout_s(p), line = 0;
	union nf_inet_addr ip;
	unsigned int i;

	for (i = 0; i < p->g.npend; i++) {
		const struct nfp_addr *x = &p->g.pend[i].addr;

		if (x->family != family)
			continue;
		memset(&ip, 0, sizeof(ip));
		if (family == AF_INET)
			ip.ip = x->in4;
		else
			memcpy(ip.ip6, x->in6, 16);
		ipset_session_data_set(p->s, IPSET_SETNAME, set);
		ipset_session_data_set(p->s, IPSET_OPT_TYPE, type);
		ipset_session_data_set(p->s, IPSET_OPT_FAMILY, &nfproto);
		ipset_session_data_set(p->s, IPSET_OPT_IP, &ip);
		if (p->g.timeout)
			ipset_session_data_set(p->s, IPSET_OPT_TIMEOUT, &tmo);
		/* A line number puts libipset in restore mode: adds to the
		 * same set are packed into one message until the commit. */
		if (ipset_cmd(p->s, IPSET_CMD_ADD, ++line))
			return -EIO;
	}
	return line && ipset_commit(p->s) ? -EIO : 0;
}

static int ipset_apply(struct nfp_inst *inst)
{
	struct ipset_priv *p = inst->priv;
	int rc;

	if (!p->g.npend)
		return 0;
	if (ipset_run_hook) {
		rc = ipset_apply_hook(p);
	} else if (!p->s && !(p->s = ipset_session_init(ipset_out, p))) {
		rc = -ENOMEM;
	} else {
		ipset_envopt_set(p->s, IPSET_ENV_EXIST);
		ipset_session_report_reset(p->s);
		rc = 0;
		if (p->g.set)
			rc = ipset_apply_family(p, AF_INET);
		if (!rc && p->g.set6)
			rc = ipset_apply_family(p, AF_INET6);
	}
	if (rc)
		nfp_err_rl(inst, "adding %u address%s to the ipset failed: %s",
			   p->g.npend, p->g.npend == 1 ? "" : "es",
			   ipset_msg(p));
	if (rc && p->s) {
		/* What libipset may still hold of the failed batch must not
		 * go out with the next one: a new session (the types stay). */
		ipset_session_fini(p->s);
		p->s = ipset_session_init(ipset_out, p);
	}
	sg_done(inst, &p->g, rc == 0, nfp_now_ms());
	return rc ? -EIO : 0;
}

static enum nfp_ret ipset_process(struct nfp_inst *inst, struct nfp_rec *rec)
{
	struct ipset_priv *p = inst->priv;

	if (sg_take(inst, &p->g, rec, nfp_now_ms()))
		ipset_apply(inst); /* a full batch goes now */
	return NFP_OK;
}

static int ipset_flush(struct nfp_inst *inst)
{
	return ipset_apply(inst);
}

static void ipset_free(struct ipset_priv *p)
{
	if (p->s)
		ipset_session_fini(p->s);
	p->s = NULL;
	free(p->buf);
	p->buf = NULL;
}

static void ipset_stop(struct nfp_inst *inst)
{
	ipset_apply(inst);
	ipset_free(inst->priv);
}

/* Also after a start() that failed half-way (no stop() then). */
static void ipset_release(struct nfp_inst *inst)
{
	struct ipset_priv *p = inst->priv;

	ipset_free(p);
	sg_release(&p->g);
}

NFP_PLUGIN(output, ipset) = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_OUTPUT,
	.name = "IPSET",
	.summary = "put the record's address into an ipset, with a timeout",
	.options = ipset_options,
	.in_keys = sg_default_keys,
	.counters = ipset_counters,
	.priv_size = sizeof(struct ipset_priv),
	.configure = ipset_configure,
	.start = ipset_start,
	.process = ipset_process,
	.flush = ipset_flush,
	.stop = ipset_stop,
	.release = ipset_release,
};
