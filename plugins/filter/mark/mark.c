/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter/mark - MARK: pass only records whose mark matches mark and mask
 *
 * Consumes ct.mark and oob.mark (both optional). A record goes on when
 * (value & mask) == mark, where value is ct.mark if the record has one and
 * oob.mark otherwise; it stops (NFP_STOP) when the value does not match. A
 * record with neither key passes, as in ulogd2. No state, no allocation.
 *
 * This is the smallest complete filter of the tree: copy it to start one.
 */
#include <stddef.h>
#include <stdint.h>

#include <nfpipe/plugin.h>

/* Options land here: the core parses them before start. */
struct mark_priv {
	uint64_t mark;		/* value wanted after masking */
	uint64_t mask;		/* bits of the mark that count */
};

static const struct nfp_option mark_options[] = {
	{ .name = "mark", .type = NFP_OPT_UINT, .def = "0",
	  .min = 0, .max = UINT32_MAX,
	  .off = offsetof(struct mark_priv, mark),
	  .help = "Mark a record must carry (after the mask) to go on." },
	{ .name = "mask", .type = NFP_OPT_UINT, .def = "0xffffffff",
	  .min = 0, .max = UINT32_MAX,
	  .off = offsetof(struct mark_priv, mask),
	  .help = "Bits of the mark that are compared." },
	{ 0 }
};

/* Input keys by index; the table below is in the same order. */
enum mark_in {
	MI_CT_MARK,
	MI_OOB_MARK,
};

static const struct nfp_key mark_in_keys[] = {
	[MI_CT_MARK] = { "ct.mark", NFP_T_U32, NFP_KEYF_OPTIONAL,
			 "conntrack mark; preferred when present" },
	[MI_OOB_MARK] = { "oob.mark", NFP_T_U32, NFP_KEYF_OPTIONAL,
			  "packet (skb) mark" },
	{ 0 }
};

static enum nfp_ret mark_process(struct nfp_inst *inst, struct nfp_rec *rec)
{
	const struct mark_priv *p = inst->priv;
	const struct nfp_value *v = nfp_get(rec, MI_CT_MARK);

	if (!v)
		v = nfp_get(rec, MI_OOB_MARK);
	if (!v)
		return NFP_OK;
	return (v->u32 & p->mask) == p->mark ? NFP_OK : NFP_STOP;
}

/* A mark with bits outside the mask can never match: say so at start. */
static int mark_start(struct nfp_inst *inst)
{
	const struct mark_priv *p = inst->priv;

	if (p->mark & ~p->mask)
		nfp_warn(inst, "mark 0x%llx has bits outside mask 0x%llx: "
			 "every record with a mark will be stopped",
			 (unsigned long long)p->mark,
			 (unsigned long long)p->mask);
	return 0;
}

NFP_PLUGIN(filter, mark) = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_FILTER,
	.name = "MARK",
	.summary = "pass only records whose ct.mark or oob.mark matches",
	.options = mark_options,
	.in_keys = mark_in_keys,
	.priv_size = sizeof(struct mark_priv),
	.start = mark_start,
	.process = mark_process,
};
