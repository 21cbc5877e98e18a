/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/fuzz/fuzz_spool - the spool segment reader and the batch check on
 * any bytes
 *
 * The input is read three times: as a spool segment (nfp_spool_scan:
 * framing, CRCs, resynchronisation after damage), with every intact
 * pending record checked as a serialized batch (decompressed first when it
 * is an "NFPZ" record: nfp_spool_unpack); as a serialized batch itself
 * (nfp_batch_check); and as the payload of an "NFPZ" record, as a damaged
 * zstd frame behind a matching CRC would reach nfp_spool_unpack. Nothing
 * may crash, hang or read out of bounds, and what the scan reports must
 * add up.
 */
#include "nfp.h"

#include "spool.h"

struct fz_state {
	uint64_t seen;	   /* records the callback got */
	uint64_t last_end; /* end of the previous record */
};

/* Decompress a compressed payload into an exact-size buffer, then check it. */
static void fz_unpack(const uint8_t *p, uint32_t len)
{
	uint32_t raw = nfp_spool_raw_len(p, len), ncols, nrows;
	uint8_t *out;

	if (!raw || raw > (16u << 20))
		return;
	out = malloc(raw);
	if (!out)
		return;
	if (nfp_spool_unpack(p, len, out, raw) == 0)
		nfp_batch_check(out, raw, &ncols, &nrows);
	free(out);
}

static void fz_rec(const struct nfp_spool_rec *r, void *arg)
{
	struct fz_state *st = arg;
	uint32_t ncols, nrows;

	/* Records come in file order and never overlap. */
	if (r->off < st->last_end)
		abort();
	st->last_end = r->off + NFP_SPOOL_HDR + r->len;
	st->seen++;
	if (r->done || r->bad_payload)
		return;
	if (r->packed)
		fz_unpack(r->payload, r->len);
	else
		nfp_batch_check(r->payload, r->len, &ncols, &nrows);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_state st = { 0 };
	struct nfp_spool_scan res;
	uint32_t ncols, nrows;
	uint8_t *copy;

	/* An exact-size heap copy lets ASan see any overread. */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	nfp_spool_scan(copy, size, fz_rec, &st, &res);
	if (st.seen != res.records || res.good_end > size ||
	    res.pending + res.bad_records > res.records)
		abort();
	nfp_batch_check(copy, size, &ncols, &nrows);
	fz_unpack(copy, (uint32_t)(size > UINT32_MAX ? UINT32_MAX : size));
	free(copy);
	return 0;
}

static const char *const NFP_FUZZ_CORPUS[] = { "tests/data/spool", NULL };
#include "replay.h"
