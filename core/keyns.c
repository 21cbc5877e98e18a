/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * core/keyns - key namespaces and what an instance's input keys are bound to
 *
 * nfp_key_enrichment() is the one place that says which keys belong to an
 * interpreter's namespace (l7., geoip., blacklist., scan.): labels that a
 * stack may or may not have. The SQL outputs read it to make such columns
 * optional (NULL when no plugin in the stack fills them) while every other
 * column must have a producer. nfp_inst_in_bound() tells a plugin, from
 * start() on, whether one of its input keys found a producer in any stack
 * it runs in, so it can say what it will leave empty.
 *
 * Both are pure look-ups on data laid out before start(); main thread only.
 */
#include "nfp.h"

#include "engine.h"

/* The namespaces of the interpreters (filters that label records). */
static const char *const enrichment_ns[] = {
	"l7.",	      /* L7: application protocol labels */
	"geoip.",     /* GEOIP: country, AS, flags */
	"blacklist.", /* BLACKLIST: the list an address is on */
	"scan.",      /* SCAN: scan alerts */
};

NFP_API bool nfp_key_enrichment(const char *key)
{
	unsigned int i;

	if (!key)
		return false;
	for (i = 0; i < ARRAY_SIZE(enrichment_ns); i++)
		if (!strncmp(key, enrichment_ns[i], strlen(enrichment_ns[i])))
			return true;
	return false;
}

/* -1: @ci runs nowhere under @n; 0: unbound everywhere; 1: bound somewhere */
static int node_bound(const struct nfp_node *n, const struct nfp_core_inst *ci,
		      unsigned int key)
{
	int r = -1, c;
	unsigned int k;

	if (n->ci == ci) {
		if (n->in_map && n->in_map[key] >= 0)
			return 1;
		r = 0;
	}
	for (k = 0; k < n->nchild; k++) {
		c = node_bound(n->child[k], ci, key);
		if (c == 1)
			return 1;
		if (c == 0)
			r = 0;
	}
	return r;
}

NFP_API bool nfp_inst_in_bound(const struct nfp_inst *inst, unsigned int key)
{
	const struct nfp_core_inst *ci = inst ? inst->core : NULL;
	unsigned int t;

	if (!ci || !ci->eng || key >= ci->n_in)
		return false;
	for (t = 0; t < ci->eng->ntrees; t++) {
		const struct nfp_tree *tr = ci->eng->trees[t];

		if (tr && tr->root && node_bound(tr->root, ci, key) == 1)
			return true;
	}
	return false;
}
