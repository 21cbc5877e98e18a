/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/fuzz/fuzz_nfacct - NFACCT's datagram walk, libnetfilter_acct's
 * decoder behind it, and the record filler
 *
 * Treats the input as one nfnetlink_acct datagram: walks it with one
 * struct nfacct reused for every object, as the daemon does, fills a
 * record from each object and reads every value back, so that a bad
 * pointer or length shows up under ASan. Also parses the whole input as
 * one message. Nothing may crash, leak, print or read outside the input
 * (the input is copied to a buffer of its exact size). Without
 * -DNFP_LIBFUZZER, replay.h turns this into a TAP test over the recorded
 * datagrams in tests/data/nfacct.
 */
#include "nfp.h"

#include "engine.h"
#include "flatrec.h"
#include "nfacct_parse.h"

_Static_assert(NFACCT_K__MAX <= 64, "fz_state.valid needs more words");

struct fz_state {
	struct nfp_rec rec;		       /* laid out for nfacct_keys */
	struct nfp_value slots[NFACCT_K__MAX]; /* its values */
	uint64_t valid[1];		       /* its valid bitmap */
	int32_t map[NFACCT_K__MAX];	       /* key index -> slot */
	uint64_t used[1];		       /* every key wanted */
	struct nfacct *acct;		       /* reused for every object */
	unsigned long sink;		       /* keeps reads alive */
};

static struct fz_state fz;

static void fz_init(void)
{
	if (fz.rec.slots)
		return;
	flat_rec_init(&fz.rec, fz.slots, fz.map, fz.valid, fz.used,
		      NFACCT_K__MAX);
	/* Lives as long as the process, like the daemon's per instance. */
	fz.acct = nfacct_alloc();
	if (!fz.acct)
		abort();
}

/* Touch every byte a value claims to have. */
static void fz_read_back(void)
{
	unsigned int i;

	for (i = 0; i < NFACCT_K__MAX; i++) {
		const struct nfp_value *v = nfp_get(&fz.rec, i);

		if (!v)
			continue;
		if (nfacct_keys[i].type == NFP_T_STRING) {
			if (strlen(v->str.ptr) != v->str.len ||
			    v->str.len >= NFACCT_NAME_MAX)
				abort();
			fz.sink += v->str.len;
		} else {
			fz.sink += v->u8;
		}
	}
}

static void fz_obj(void *arg, struct nfacct *acct,
		   const struct nfacct_info *info, uint32_t seq)
{
	nfp_rec_reset(&fz.rec);
	nfacct_fill(&fz.rec, acct, info, seq, 0);
	/* A name is never empty, the counters always there. */
	if (!nfp_get(&fz.rec, NFACCT_K_NAME)->str.len ||
	    !nfacct_attr_get(acct, NFACCT_ATTR_PKTS) ||
	    !nfacct_attr_get(acct, NFACCT_ATTR_BYTES))
		abort();
	/* The quota comes with its flags or not at all. */
	if (!nfacct_attr_get(acct, NFACCT_ATTR_FLAGS) !=
	    !nfacct_attr_get(acct, NFACCT_ATTR_QUOTA))
		abort();
	fz_read_back();
}

static void fz_event(void *arg, enum nfacct_event ev, uint32_t seq, int err,
		     const char *why)
{
	fz.sink += (unsigned long)ev + (why ? strlen(why) : 0);
}

static const struct nfacct_dgram_ops fz_ops = { fz_obj, fz_event };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nfacct_info info;
	uint8_t *copy;

	fz_init();
	/* An exact-size copy, so that ASan sees any read past the end. */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	nfacct_dgram(copy, size, fz.acct, &fz_ops, NULL);
	if (nfacct_parse(copy, size, fz.acct, &info) == 0)
		fz_obj(NULL, fz.acct, &info, 0);
	free(copy);
	return 0;
}

static const char *const NFP_FUZZ_CORPUS[] = { "tests/data/nfacct", NULL };
#include "replay.h"
