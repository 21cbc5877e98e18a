/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/fuzz/fuzz_nflog - the NFLOG datagram parser and record filler
 *
 * Treats the input as one netlink datagram from nfnetlink_log: walks it,
 * parses every packet message, fills a record from each (with and without
 * conntrack keys) and reads every value back, so that an out-of-bounds
 * pointer or length shows up under ASan. Also parses the whole input as a
 * single message. Nothing may crash, leak or read outside the input.
 * Without -DNFP_LIBFUZZER, replay.h turns this into a TAP test over the
 * recorded and hand-built datagrams in tests/data/nflog.
 */
#include "nfp.h"

#include "engine.h"
#include "nflog_parse.h"

struct fz_state {
	struct nfp_rec rec;		/* a record laid out for nflog_keys */
	struct nfp_value slots[NFLOG_K__MAX];	/* its values */
	uint64_t valid[1];		/* its valid bitmap */
	int32_t map[NFLOG_K__MAX];	/* key index -> slot: identity */
	uint64_t used[1];		/* every key wanted */
	unsigned long sink;		/* keeps the reads from being elided */
};

static struct fz_state fz;

static void fz_init(void)
{
	unsigned int i;

	if (fz.rec.slots)
		return;
	for (i = 0; i < NFLOG_K__MAX; i++)
		fz.map[i] = (int32_t)i;
	fz.used[0] = ~UINT64_C(0);
	fz.rec.slots = fz.slots;
	fz.rec.valid = fz.valid;
	fz.rec.in_map = fz.map;
	fz.rec.out_map = fz.map;
	fz.rec.out_used = fz.used;
	fz.rec.arena = nfp_arena_new();
	fz.rec.nslots = NFLOG_K__MAX;
	fz.rec.nvalid = 1;
}

/* Touch every byte a value claims to have. */
static void fz_read_back(void)
{
	unsigned int i, k;

	for (i = 0; i < NFLOG_K__MAX; i++) {
		const struct nfp_value *v = nfp_get(&fz.rec, i);

		if (!v)
			continue;
		switch (nflog_keys[i].type) {
		case NFP_T_RAW:
			for (k = 0; k < v->raw.len; k++)
				fz.sink += ((const uint8_t *)v->raw.ptr)[k];
			break;
		case NFP_T_STRING:
			if (strlen(v->str.ptr) != v->str.len)
				abort();
			break;
		default:
			fz.sink += v->u32;
			break;
		}
	}
}

static void fz_packet(void *arg, const struct nflog_pkt *p)
{
	struct nflog_fill_ctx ctx = { .label = 1, .now_sec = 1, .now_usec = 2 };

	nfp_rec_reset(&fz.rec);
	nflog_fill(&fz.rec, p, &ctx);
	fz_read_back();
	ctx.ct = true;
	nfp_rec_reset(&fz.rec);
	nflog_fill(&fz.rec, p, &ctx);
	fz_read_back();
	fz.sink += nflog_ct_state(p->ct_info)[0];
}

static void fz_event(void *arg, enum nflog_event ev, uint32_t seq, int err,
		     const char *why)
{
	fz.sink += (unsigned long)ev + seq + (unsigned long)err;
	if (why)
		fz.sink += strlen(why);
}

static const struct nflog_dgram_ops fz_ops = {
	.packet = fz_packet,
	.event = fz_event,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nflog_pkt pkt;
	struct nflog_seq s = { 0 };

	fz_init();
	nflog_dgram(data, size, &fz_ops, NULL);
	if (nflog_parse(data, size, &pkt) == 0) {
		fz_packet(NULL, &pkt);
		fz.sink += nflog_seq_gap(&s, pkt.seq);
	}
	return 0;
}

static const char *const NFP_FUZZ_CORPUS[] = { "tests/data/nflog", NULL };
#include "replay.h"
