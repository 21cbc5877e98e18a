/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/fuzz/fuzz_nfct - the conntrack message parser, tracker and filler
 *
 * Treats the input as one ctnetlink datagram: walks it, parses every
 * message, runs each flow through a small pairing table (as events, then
 * as a dump followed by a purge) and fills a record from every flow the
 * tracker reports, reading each value back so that a bad pointer or length
 * shows up under ASan. Also parses the whole input as one message and
 * matches it against a filter. Nothing may crash, leak or read outside
 * the input. Without -DNFP_LIBFUZZER, replay.h turns this into a TAP test
 * over the recorded datagrams in tests/data/nfct.
 */
#include "nfp.h"

#include "engine.h"
#include "flatrec.h"
#include "nfct_parse.h"
#include "nfct_track.h"

/* One 64-bit word of valid bits covers every key. */
_Static_assert(NFCT_K__MAX <= 64, "fz_state.valid needs more words");

struct fz_state {
	struct nfp_rec rec;		     /* laid out for nfct_keys */
	struct nfp_value slots[NFCT_K__MAX]; /* its values */
	uint64_t valid[1];		     /* its valid bitmap */
	int32_t map[NFCT_K__MAX];	     /* key index -> slot */
	uint64_t used[1];		     /* every key wanted */
	struct nfct_tracker tr;		     /* pairing table */
	uint64_t ctr[NFCT_TC__MAX];	     /* its counters */
	struct nfct_filter filter;	     /* a few prefixes */
	struct nfct_parser parser;	     /* kept across inputs */
	unsigned long sink;		     /* keeps reads alive */
};

static struct fz_state fz;

static void fz_init(void)
{
	const char *why, *bad;

	if (fz.rec.slots)
		return;
	flat_rec_init(&fz.rec, fz.slots, fz.map, fz.valid, fz.used,
		      NFCT_K__MAX);
	if (nfct_parser_init(&fz.parser))
		abort();
	nfct_filter_init(&fz.filter);
	nfct_filter_addrs(&fz.filter, false, "10.0.0.0/8,fd00::/8,0.0.0.0/0",
			  &why, &bad);
	nfct_filter_protos(&fz.filter, "tcp,udp,icmp,58", &why, &bad);
}

/* Touch every byte a value claims to have. */
static void fz_read_back(void)
{
	unsigned int i;

	for (i = 0; i < NFCT_K__MAX; i++) {
		const struct nfp_value *v = nfp_get(&fz.rec, i);

		if (!v)
			continue;
		if (nfct_keys[i].type == NFP_T_STRING) {
			if (strlen(v->str.ptr) != v->str.len)
				abort();
			fz.sink += v->str.len;
		} else {
			fz.sink += v->u8;
		}
	}
}

static void fz_emit(void *arg, const struct nfct_flow *f, uint32_t event,
		    const struct nfct_times *t)
{
	nfp_rec_reset(&fz.rec);
	nfct_fill(&fz.rec, f, event, t, NULL);
	fz_read_back();
}

static void fz_flow(void *arg, const struct nfct_flow *f, uint32_t seq)
{
	bool dump = *(bool *)arg;

	fz.sink += nfct_filter_match(&fz.filter, f);
	if (dump)
		nfct_track_dump(&fz.tr, f, seq, 0, seq & 1);
	else
		nfct_track_event(&fz.tr, f, seq, 0);
}

static const struct nfct_dgram_ops fz_ops = { .flow = fz_flow };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nfct_flow f;
	bool dump = false;
	uint8_t *copy;
	char s[256];

	fz_init();
	/* An exact-size copy, so that ASan sees any read past the end. */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (nfct_track_init(&fz.tr, true, 7, 64))
		goto out;
	fz.tr.mask = NFCT_EV_NEW | NFCT_EV_UPDATE | NFCT_EV_DESTROY;
	fz.tr.emit = fz_emit;
	fz.tr.ctr = fz.ctr;
	nfct_dgram(&fz.parser, copy, size, &fz_ops, &dump);
	dump = true;
	fz.tr.polling = true;
	nfct_track_dump_begin(&fz.tr);
	nfct_dgram(&fz.parser, copy, size, &fz_ops, &dump);
	nfct_track_purge(&fz.tr, 1, 2);
	nfct_track_dump_begin(&fz.tr);
	nfct_track_purge(&fz.tr, 3, 4);
	nfct_track_free(&fz.tr);
	if (nfct_parse(&fz.parser, copy, size, &f) == 0) {
		nfct_status_str(f.status, s, sizeof(s));
		fz.sink += strlen(s) + strlen(nfct_state(f.status)) +
			   strlen(nfct_tcp_state(f.tcp_state)) +
			   strlen(nfct_sctp_state(f.sctp_state)) +
			   strlen(nfct_dccp_state(f.dccp_state));
		fz_emit(NULL, &f, NFCT_EV_DESTROY, NULL);
	}
out:
	free(copy);
	return 0;
}

static const char *const NFP_FUZZ_CORPUS[] = { "tests/data/nfct", NULL };
#include "replay.h"
