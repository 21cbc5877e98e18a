/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/fuzz/flatrec.h - a record outside any stack, one slot per key
 *
 * What a plugin's pure fill step writes into in the fuzz targets and the
 * parse benches: key index = slot, every key wanted, an arena that lives
 * as long as the process. The caller owns @slots and @map (@nkeys each)
 * and @valid and @used ((@nkeys + 63) / 64 words each). Include after
 * nfp.h (struct nfp_rec, nfp_arena_new).
 */
#ifndef NFP_FUZZ_FLATREC_H
#define NFP_FUZZ_FLATREC_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static inline void flat_rec_init(struct nfp_rec *rec, struct nfp_value *slots,
				 int32_t *map, uint64_t *valid, uint64_t *used,
				 unsigned int nkeys)
{
	unsigned int i, nwords = (nkeys + 63) / 64;

	for (i = 0; i < nkeys; i++)
		map[i] = (int32_t)i;
	memset(used, 0xff, nwords * sizeof(*used));
	rec->slots = slots;
	rec->valid = valid;
	rec->in_map = map;
	rec->out_map = map;
	rec->out_used = used;
	rec->arena = nfp_arena_new();
	if (!rec->arena)
		abort();
	rec->nslots = nkeys;
	rec->nvalid = nwords;
}

#endif /* NFP_FUZZ_FLATREC_H */
