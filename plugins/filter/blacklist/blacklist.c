/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter/blacklist - BLACKLIST: tag records whose peers are on a blocklist
 *
 * Consumes ip.saddr/ip.daddr (packet records) and orig.ip.saddr/
 * orig.ip.daddr (flow records from NFCT), all optional, IPv4 or IPv6; on=
 * picks which pair (auto: the packet's when set, else the flow's). Produces
 * blacklist.src and blacklist.dst, the NAME of the first list (in config
 * order) that holds the address, and blacklist.src.desc/blacklist.dst.desc,
 * the description the list gives that range (p2p text, Spamhaus SBL id),
 * set only when there is one. With only_hits=1 a record that hit nothing
 * stops here, so an output after it stores only hits.
 *
 * Lists (list=NAME:FORMAT:PATH, repeatable) are read in configure(), so a
 * missing file or an unknown format is a config error with its line; bad
 * lines in a list are counted and the first few logged as path:line, the
 * rest of the list loads. SIGHUP (reopen) reads every list again into a new
 * table and swaps it in; a list that cannot be read keeps its old table.
 * Look-ups are binary searches over merged ranges (iplist.c); nothing is
 * allocated per record. The key values point into the list tables, which
 * change only between records (main thread).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <nfpipe/plugin.h>

#include "iplist.h"

/* Bad lines logged per list load; the rest are only counted. */
#define BL_BAD_SHOWN 5

static const char *const bl_match[] = { "src", "dst", "both", NULL };
enum { BM_SRC, BM_DST, BM_BOTH };
static const char *const bl_on[] = { "auto", "packet", "flow", NULL };
enum { BO_AUTO, BO_PACKET, BO_FLOW };

struct bl_list {
	char *name;		/* NAME, the value of blacklist.src/dst */
	char *path;		/* PATH */
	enum ipl_format format; /* FORMAT */
	uint32_t name_len;	/* strlen(name) */
	struct iplist *ipl;	/* the current table; owned */
};

struct bl_priv {
	char *list;	       /* option: list= lines joined by '\n' */
	int match;	       /* option: BM_* */
	int on;		       /* option: BO_* */
	bool only_hits;	       /* option: stop records hitting nothing */
	struct bl_list *lists; /* parsed from list=; owned */
	unsigned int nlists;   /* entries in lists */
};

static const struct nfp_option bl_options[] = {
	{ .name = "list",
	  .type = NFP_OPT_STRING,
	  .flags = NFP_OPT_REQUIRED | NFP_OPT_MULTI,
	  .off = offsetof(struct bl_priv, list),
	  .help = "A list NAME:FORMAT:PATH (repeatable); FORMAT is p2p, cidr, "
		  "dshield, spamhaus, ipset or auto; gzip files are read "
		  "too." },
	{ .name = "match",
	  .type = NFP_OPT_ENUM,
	  .def = "both",
	  .enums = bl_match,
	  .off = offsetof(struct bl_priv, match),
	  .help = "Which address is looked up: src, dst or both." },
	{ .name = "on",
	  .type = NFP_OPT_ENUM,
	  .def = "auto",
	  .enums = bl_on,
	  .off = offsetof(struct bl_priv, on),
	  .help = "packet (ip.saddr/daddr), flow (orig.ip.saddr/daddr) or "
		  "auto (the packet's when set, else the flow's)." },
	{ .name = "only_hits",
	  .type = NFP_OPT_BOOL,
	  .def = "0",
	  .off = offsetof(struct bl_priv, only_hits),
	  .help = "Stop records whose addresses are on no list." },
	{ 0 }
};

enum bl_in { BI_SADDR, BI_DADDR, BI_ORIG_SADDR, BI_ORIG_DADDR };

static const struct nfp_key bl_in_keys[] = {
	[BI_SADDR] = { "ip.saddr", NFP_T_ADDR, NFP_KEYF_OPTIONAL,
		       "packet's source address" },
	[BI_DADDR] = { "ip.daddr", NFP_T_ADDR, NFP_KEYF_OPTIONAL,
		       "packet's destination address" },
	[BI_ORIG_SADDR] = { "orig.ip.saddr", NFP_T_ADDR, NFP_KEYF_OPTIONAL,
			    "flow's original source address" },
	[BI_ORIG_DADDR] = { "orig.ip.daddr", NFP_T_ADDR, NFP_KEYF_OPTIONAL,
			    "flow's original destination address" },
	{ 0 }
};

enum bl_out { BK_SRC, BK_DST, BK_SRC_DESC, BK_DST_DESC };

static const struct nfp_key bl_out_keys[] = {
	[BK_SRC] = { "blacklist.src", NFP_T_STRING, 0,
		     "name of the first list holding the source" },
	[BK_DST] = { "blacklist.dst", NFP_T_STRING, 0,
		     "name of the first list holding the destination" },
	[BK_SRC_DESC] = { "blacklist.src.desc", NFP_T_STRING, 0,
			  "the list's description of the source's range" },
	[BK_DST_DESC] = { "blacklist.dst.desc", NFP_T_STRING, 0,
			  "the list's description of the destination's "
			  "range" },
	{ 0 }
};

static const char *const bl_counters[] = { "hits", "misses", "reloads",
					   "reload_failures", NULL };
enum { BC_HITS, BC_MISSES, BC_RELOADS, BC_RELOAD_FAILURES };

/* Bad lines of one load: the first few are logged with path:line. */
struct bad_ctx {
	struct nfp_inst *inst; /* for the log */
	const char *path;      /* the list's file */
	unsigned long n;       /* bad lines so far */
};

static void on_bad(void *ctx, unsigned long line, const char *why)
{
	struct bad_ctx *b = ctx;

	if (++b->n <= BL_BAD_SHOWN)
		nfp_warn(b->inst, "%s:%lu: %s; line skipped", b->path, line,
			 why);
}

/*
 * Read list @l into a new table. Returns it (the caller owns it), or NULL
 * with *err set and the reason logged.
 */
static struct iplist *bl_read(struct nfp_inst *inst, const struct bl_list *l,
			      int *err)
{
	struct bad_ctx b = { inst, l->path, 0 };
	struct iplist *ipl = ipl_new(l->format, 0);

	if (!ipl) {
		*err = -ENOMEM;
		return NULL;
	}
	ipl_set_bad_fn(ipl, on_bad, &b);
	*err = ipl_load_file(ipl, l->path);
	if (!*err)
		*err = ipl_finish(ipl);
	if (!*err && ipl->bad && !ipl->n4 && !ipl->n6)
		*err = -EBADMSG; /* not one good line: the wrong file */
	if (*err) {
		ipl_free(ipl);
		return NULL;
	}
	if (ipl->bad > BL_BAD_SHOWN)
		nfp_warn(inst, "%s: %lu bad lines in all (first %d shown)",
			 l->path, ipl->bad, BL_BAD_SHOWN);
	nfp_info(inst,
		 "list %s: %lu ranges from %s (%s), %zu IPv4 and %zu "
		 "IPv6 after merging",
		 l->name, ipl->ranges, l->path, ipl_format_name(ipl->format),
		 ipl->n4, ipl->n6);
	return ipl;
}

static const char *errtext(int err)
{
	return err == -EBADMSG ? "no line of the list could be read"
			       : strerror(-err);
}

/* "NAME:FORMAT:PATH" into @l; an error names what is wrong. */
static int parse_spec(struct nfp_inst *inst, char *spec, struct bl_list *l)
{
	char *c1 = strchr(spec, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	int f;

	if (!c1 || !c2 || c1 == spec || !c2[1])
		return nfp_inst_error(inst, "list",
				      "write list=NAME:FORMAT:"
				      "PATH, e.g. list=level1:p2p:/var/lib/"
				      "level1.gz",
				      "list \"%s\" is not NAME:FORMAT:PATH",
				      spec);
	*c1 = *c2 = '\0';
	f = ipl_format_parse(c1 + 1);
	if (f < 0)
		return nfp_inst_error(inst, "list",
				      "formats: auto, p2p, cidr, "
				      "dshield, spamhaus, ipset",
				      "list %s: unknown format \"%s\"", spec,
				      c1 + 1);
	l->name = strdup(spec);
	l->path = strdup(c2 + 1);
	if (!l->name || !l->path)
		return -ENOMEM;
	l->name_len = (uint32_t)strlen(l->name);
	l->format = (enum ipl_format)f;
	return 0;
}

static void bl_release(struct nfp_inst *inst)
{
	struct bl_priv *p = inst->priv;
	unsigned int i;

	for (i = 0; i < p->nlists; i++) {
		free(p->lists[i].name);
		free(p->lists[i].path);
		ipl_free(p->lists[i].ipl);
	}
	free(p->lists);
	p->lists = NULL;
	p->nlists = 0;
}

static int bl_configure(struct nfp_inst *inst)
{
	struct bl_priv *p = inst->priv;
	char *copy, *line, *save = NULL;
	unsigned int n = 1, i;
	const char *c;
	int err = 0, e;

	for (c = p->list; *c; c++)
		n += *c == '\n';
	p->lists = calloc(n, sizeof(*p->lists));
	copy = strdup(p->list);
	if (!p->lists || !copy) {
		free(copy);
		return -ENOMEM;
	}
	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct bl_list *l = &p->lists[p->nlists];

		e = parse_spec(inst, line, l);
		if (e) {
			err = e;
			free(l->name);
			free(l->path);
			memset(l, 0, sizeof(*l));
			p->nlists++;
			continue;
		}
		for (i = 0; i < p->nlists; i++)
			if (p->lists[i].name &&
			    !strcmp(p->lists[i].name, l->name))
				err = nfp_inst_error(inst, "list",
						     "give each "
						     "list a name of its own",
						     "list name \"%s\" used "
						     "twice",
						     l->name);
		p->nlists++;
	}
	free(copy);
	/* every list that parsed is read, so every error shows at once */
	for (i = 0; i < p->nlists; i++) {
		struct bl_list *l = &p->lists[i];

		if (!l->name)
			continue;
		l->ipl = bl_read(inst, l, &e);
		if (!l->ipl)
			err = nfp_inst_error(inst, "list", NULL,
					     "list %s: cannot read %s: %s",
					     l->name, l->path, errtext(e));
	}
	return err;
}

/* SIGHUP: every list again; one that fails keeps its old table. */
static void bl_reopen(struct nfp_inst *inst)
{
	struct bl_priv *p = inst->priv;
	unsigned int i;
	int err;

	for (i = 0; i < p->nlists; i++) {
		struct bl_list *l = &p->lists[i];
		struct iplist *ipl = bl_read(inst, l, &err);

		if (!ipl) {
			inst->ctr[BC_RELOAD_FAILURES]++;
			nfp_err(inst,
				"list %s: cannot reload %s: %s; the "
				"previous version stays in use",
				l->name, l->path, errtext(err));
			continue;
		}
		ipl_free(l->ipl);
		l->ipl = ipl;
		inst->ctr[BC_RELOADS]++;
	}
}

/* The address of the pair on= picks, or NULL. */
static const struct nfp_value *pick(const struct bl_priv *p,
				    const struct nfp_rec *rec, bool src)
{
	const struct nfp_value *v = NULL;

	if (p->on != BO_FLOW)
		v = nfp_get(rec, src ? BI_SADDR : BI_DADDR);
	if (!v && p->on != BO_PACKET)
		v = nfp_get(rec, src ? BI_ORIG_SADDR : BI_ORIG_DADDR);
	return v;
}

/* Look @v up in every list; set @key (and @dkey) on a hit. */
static bool lookup(const struct bl_priv *p, struct nfp_rec *rec,
		   const struct nfp_value *v, unsigned int key,
		   unsigned int dkey)
{
	unsigned int i;
	uint32_t d = 0;
	ipl_u128 a6 = 0;

	if (v->addr.family == AF_INET6)
		a6 = ipl_u128_from(v->addr.in6);
	else if (v->addr.family != AF_INET)
		return false;
	for (i = 0; i < p->nlists; i++) {
		const struct bl_list *l = &p->lists[i];
		const char *desc;

		if (v->addr.family == AF_INET) {
			const struct ipl_r4 *r =
				ipl_find4(l->ipl, ntohl(v->addr.in4));

			if (!r)
				continue;
			d = r->desc;
		} else {
			const struct ipl_r6 *r = ipl_find6(l->ipl, a6);

			if (!r)
				continue;
			d = r->desc;
		}
		nfp_set_str(rec, key, l->name, l->name_len);
		if (d) {
			desc = ipl_desc(l->ipl, d);
			nfp_set_str(rec, dkey, desc, (uint32_t)strlen(desc));
		}
		return true;
	}
	return false;
}

static enum nfp_ret bl_process(struct nfp_inst *inst, struct nfp_rec *rec)
{
	const struct bl_priv *p = inst->priv;
	const struct nfp_value *v;
	bool hit = false;

	if (p->match != BM_DST && (v = pick(p, rec, true)))
		hit |= lookup(p, rec, v, BK_SRC, BK_SRC_DESC);
	if (p->match != BM_SRC && (v = pick(p, rec, false)))
		hit |= lookup(p, rec, v, BK_DST, BK_DST_DESC);
	inst->ctr[hit ? BC_HITS : BC_MISSES]++;
	if (!hit && p->only_hits)
		return NFP_STOP;
	return NFP_OK;
}

NFP_PLUGIN(filter, blacklist) = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_FILTER,
	.name = "BLACKLIST",
	.summary = "tag records whose addresses are on blocklists "
		   "(p2p, cidr, dshield, spamhaus, ipset)",
	.options = bl_options,
	.in_keys = bl_in_keys,
	.out_keys = bl_out_keys,
	.counters = bl_counters,
	.priv_size = sizeof(struct bl_priv),
	.configure = bl_configure,
	.process = bl_process,
	.reopen = bl_reopen,
	.release = bl_release,
};
