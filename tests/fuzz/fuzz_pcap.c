/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/fuzz/fuzz_pcap - the PCAP input's frame decoder, DLT_NFLOG first
 *
 * Treats the input as one captured frame: parses it as DLT_NFLOG (nflog
 * header and TLVs) and as every other link type the input reads, then
 * touches every byte each result points at, so that a pointer or length
 * outside the input shows up under ASan. Nothing may crash or read outside
 * the input. Without -DNFP_LIBFUZZER, replay.h turns this into a TAP test
 * over tests/data/pcap/frames (DLT_NFLOG frames cut from the captures, and
 * hand-made bad ones) and the capture files themselves.
 */
#include "nfp.h"

#include "pcap_parse.h"

static unsigned long fz_sink;	/* keeps the reads from being elided */

static void touch(const void *p, uint32_t len)
{
	const uint8_t *b = p;
	uint32_t i;

	for (i = 0; p && i < len; i++)
		fz_sink += b[i];
}

static void check(const struct nflog_pkt *o)
{
	touch(o->payload, o->payload_len);
	touch(o->prefix, o->prefix_len);
	touch(o->hwheader, o->hwheader_len);
	touch(o->hwaddr, o->hwaddr_len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int dlts[] = {
		PCAPIN_DLT_NFLOG, PCAPIN_DLT_EN10MB, PCAPIN_DLT_RAW,
		PCAPIN_DLT_LINUX_SLL, PCAPIN_DLT_LINUX_SLL2, 4242,
	};
	struct nflog_pkt o;
	uint32_t len = size > UINT32_MAX ? UINT32_MAX : (uint32_t)size;
	size_t i;

	memset(&o, 0, sizeof(o));
	if (pcapin_nflog_tlvs(data, len, &o) == 0)
		check(&o);
	for (i = 0; i < ARRAY_SIZE(dlts); i++)
		if (pcapin_decode(dlts[i], data, len, &o) == 0)
			check(&o);
	return 0;
}

static const char *const NFP_FUZZ_CORPUS[] = { "tests/data/pcap/frames",
						"tests/data/pcap", NULL };
#include "replay.h"
