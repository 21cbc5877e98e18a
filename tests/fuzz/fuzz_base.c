/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/fuzz/fuzz_base - BASE's packet decoder on any bytes
 *
 * Decodes the input as a packet of every family BASE knows (IPv4, IPv6,
 * ARP, and bridged IPv4, IPv6, ARP and an unknown ethertype) into a record
 * built here, with every key wanted. The input is copied into a buffer of
 * exactly its size, so any read past the end is caught by the sanitizer.
 * Nothing may crash, leak or read out of bounds whatever the bytes. Built
 * without NFP_LIBFUZZER it replays tests/data/pkt/ (replay.h).
 */
#include "nfp.h"

#include <linux/if_ether.h>

#include "engine.h"
#include "flatrec.h"
#include "base.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One record laid out as BASE's: key index = slot, everything wanted. */
static struct nfp_rec *fuzz_rec(void)
{
	static struct nfp_value slots[BK__COUNT];
	static int32_t map[BK__COUNT];
	static uint64_t valid[(BK__COUNT + 63) / 64];
	static uint64_t used[(BK__COUNT + 63) / 64];
	static struct nfp_rec rec;

	if (rec.slots)
		return &rec;
	flat_rec_init(&rec, slots, map, valid, used, BK__COUNT);
	return &rec;
}

/* Touch every value that is set, so that a wild pointer shows. */
static void check(const struct nfp_rec *rec)
{
	char buf[512];
	unsigned int i;

	for (i = 0; i < BK__COUNT; i++) {
		if (!nfp_slot_valid(rec, (int32_t)i))
			continue;
		if (i == BK_IP6_EXTHDRS) {
			const struct nfp_value *v = &rec->slots[i];

			if (strlen(v->str.ptr) != v->str.len)
				abort();
		} else if (i == BK_TCP_OPTIONS || i == BK_ARP_SHWADDR ||
			   i == BK_ARP_DHWADDR) {
			nfp_value_format(NFP_T_RAW, &rec->slots[i], buf,
					 sizeof(buf));
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct {
		uint8_t family;	    /* NFPROTO_* */
		uint16_t ethertype; /* for the bridge */
	} as[] = {
		{ 2, 0 },	 { 10, 0 },	    { 3, 0 },
		{ 7, ETH_P_IP }, { 7, ETH_P_IPV6 }, { 7, ETH_P_ARP },
		{ 7, 0x88cc },
	};
	struct nfp_rec *rec = fuzz_rec();
	uint8_t *pkt;
	unsigned int i;

	if (size > UINT32_MAX)
		return 0;
	pkt = malloc(size ? size : 1);
	if (!pkt)
		return 0;
	memcpy(pkt, data, size);
	for (i = 0; i < ARRAY_SIZE(as); i++) {
		nfp_rec_reset(rec);
		base_decode(rec, pkt, (uint32_t)size, as[i].family,
			    as[i].ethertype, NULL);
		check(rec);
	}
	free(pkt);
	return 0;
}

static const char *const NFP_FUZZ_CORPUS[] = { "tests/data/pkt", NULL };
#include "replay.h"
