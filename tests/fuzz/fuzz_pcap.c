/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/fuzz/fuzz_pcap - the PCAP input's frame decoder, DLT_NFLOG first
 *
 * Treats the input as one captured frame: parses it as DLT_NFLOG (nflog
 * header and TLVs) and as every other link type the input reads (loopback,
 * PPP, Cisco HDLC, raw IP, 802.11, radiotap, PPI, ...), then
 * touches every byte each result points at, so that a pointer or length
 * outside the input shows up under ASan. Nothing may crash or read outside
 * the input. Without -DNFP_LIBFUZZER, replay.h turns this into a TAP test
 * over tests/data/pcap/frames (the first frame of each capture of
 * mkpcaps.py, one per link type and encapsulation, and hand-made bad
 * NFLOG ones) and the capture files themselves.
 */
#include "nfp.h"

#include "pcap_parse.h"

static unsigned long fz_sink; /* keeps the reads from being elided */

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
		PCAPIN_DLT_NFLOG,      PCAPIN_DLT_EN10MB,
		PCAPIN_DLT_RAW,	       PCAPIN_DLT_LINUX_SLL,
		PCAPIN_DLT_LINUX_SLL2, 4242,
		PCAPIN_DLT_NULL,       PCAPIN_DLT_LOOP,
		PCAPIN_DLT_PPP,	       PCAPIN_DLT_PPP_SERIAL,
		PCAPIN_DLT_PPP_ETHER,  PCAPIN_DLT_C_HDLC,
		PCAPIN_DLT_PPP_PPPD,   PCAPIN_DLT_PPP_WITH_DIR,
		PCAPIN_DLT_C_HDLC_DIR, PCAPIN_DLT_IPV4,
		PCAPIN_DLT_IPV6,       PCAPIN_DLT_IEEE802_11,
		PCAPIN_DLT_RADIOTAP,   PCAPIN_DLT_PPI,
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
