/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter/hwhdr - HWHDR: the link-layer header and addresses as text
 *
 * Consumes raw.mac, raw.mac_len, raw.type, raw.mac.saddr, raw.mac.addrlen
 * and oob.protocol (all optional) and produces, as ulogd2's HWHDR does:
 *   mac.str        the whole link-layer header, "aa:bb:..." (any link type)
 *   mac.saddr.str  source hardware address (NFULA_HWADDR, else Ethernet's)
 *   mac.daddr.str  destination, Ethernet only
 *   raw.type       ARPHRD_* of the header (guessed from its length when
 *                  the input lacks it), passed on
 *   oob.protocol   Ethernet's ethertype, else the input's, passed on
 * An Ethernet header shorter than 14 bytes is not parsed (ulogd2 read past
 * it); its bytes still become mac.str. Strings live in the record's arena
 * and are built only when wanted downstream. Never fails a record.
 */
#include <stddef.h>
#include <stdint.h>

#include <net/if_arp.h>

#include <nfpipe/plugin.h>

enum hwhdr_in {
	HI_RAW_TYPE,
	HI_OOB_PROTOCOL,
	HI_RAW_MAC,
	HI_RAW_MAC_LEN,
	HI_RAW_MAC_SADDR,
	HI_RAW_MAC_ADDRLEN,
};

static const struct nfp_key hwhdr_in_keys[] = {
	[HI_RAW_TYPE] = { "raw.type", NFP_T_U16, NFP_KEYF_OPTIONAL,
			  "ARPHRD_* of the device" },
	[HI_OOB_PROTOCOL] = { "oob.protocol", NFP_T_U16, NFP_KEYF_OPTIONAL,
			      "ethertype from the kernel" },
	[HI_RAW_MAC] = { "raw.mac", NFP_T_RAW, NFP_KEYF_OPTIONAL,
			 "link-layer header" },
	[HI_RAW_MAC_LEN] = { "raw.mac_len", NFP_T_U16, NFP_KEYF_OPTIONAL,
			     "its length" },
	[HI_RAW_MAC_SADDR] = { "raw.mac.saddr", NFP_T_RAW, NFP_KEYF_OPTIONAL,
			       "source hardware address (NFULA_HWADDR)" },
	[HI_RAW_MAC_ADDRLEN] = { "raw.mac.addrlen", NFP_T_U16,
				 NFP_KEYF_OPTIONAL, "its length" },
	{ 0 }
};

enum hwhdr_out {
	HO_RAW_TYPE,
	HO_OOB_PROTOCOL,
	HO_MAC_SADDR,
	HO_MAC_DADDR,
	HO_MAC_STR,
};

static const struct nfp_key hwhdr_out_keys[] = {
	[HO_RAW_TYPE] = { "raw.type", NFP_T_U16, 0,
			  "ARPHRD_* of the header (0xffff: unknown)" },
	[HO_OOB_PROTOCOL] = { "oob.protocol", NFP_T_U16, 0,
			      "ethertype: Ethernet header's, else input's" },
	[HO_MAC_SADDR] = { "mac.saddr.str", NFP_T_STRING, 0,
			   "source hardware address, aa:bb:cc:dd:ee:ff" },
	[HO_MAC_DADDR] = { "mac.daddr.str", NFP_T_STRING, 0,
			   "destination hardware address (Ethernet)" },
	[HO_MAC_STR] = { "mac.str", NFP_T_STRING, 0,
			 "the whole link-layer header in hex" },
	{ 0 }
};

#define ETH_ALEN_ 6	/* bytes of an Ethernet address */
#define ETH_HLEN_ 14	/* destination, source, ethertype */

/* Set @key to @len bytes at @p as "aa:bb:...", if anyone wants it. */
static void set_hex(struct nfp_rec *rec, unsigned int key, const uint8_t *p,
		    uint32_t len)
{
	static const char hex[] = "0123456789abcdef";
	uint32_t i;
	char *s, *o;

	if (!nfp_wanted(rec, key))
		return;
	if (!len) {
		nfp_set_str(rec, key, "", 0);
		return;
	}
	s = nfp_rec_alloc(rec, (size_t)len * 3);
	if (!s)
		return;
	for (i = 0, o = s; i < len; i++) {
		*o++ = hex[p[i] >> 4];
		*o++ = hex[p[i] & 15];
		*o++ = ':';
	}
	o[-1] = '\0';
	nfp_set_str(rec, key, s, len * 3 - 1);
}

/* Bytes of a raw key, no more than its companion length key says. */
static uint32_t raw_len(const struct nfp_value *raw,
			const struct nfp_value *len)
{
	if (len && len->u16 < raw->raw.len)
		return len->u16;
	return raw->raw.len;
}

static enum nfp_ret hwhdr_process(struct nfp_inst *inst, struct nfp_rec *rec)
{
	const struct nfp_value *saddr = nfp_get(rec, HI_RAW_MAC_SADDR);
	const struct nfp_value *mac = nfp_get(rec, HI_RAW_MAC);
	const struct nfp_value *rtype = nfp_get(rec, HI_RAW_TYPE);
	const struct nfp_value *v;
	const uint8_t *h;
	uint16_t type;
	uint32_t len;

	v = nfp_get(rec, HI_OOB_PROTOCOL);
	if (v)
		nfp_set_u16(rec, HO_OOB_PROTOCOL, v->u16);
	if (saddr)
		set_hex(rec, HO_MAC_SADDR, saddr->raw.ptr,
			raw_len(saddr, nfp_get(rec, HI_RAW_MAC_ADDRLEN)));
	if (!mac) {
		/*
		 * raw.type is ours downstream: pass the device's on rather
		 * than hide it. Without either, an address alone has no
		 * known link type (ulogd2 said ARPHRD_VOID here).
		 */
		if (rtype)
			nfp_set_u16(rec, HO_RAW_TYPE, rtype->u16);
		else if (saddr)
			nfp_set_u16(rec, HO_RAW_TYPE, ARPHRD_VOID);
		return NFP_OK;
	}
	h = mac->raw.ptr;
	len = raw_len(mac, nfp_get(rec, HI_RAW_MAC_LEN));
	if (rtype)
		type = rtype->u16;
	else	/* ULOG gave no type: a 14-byte header is Ethernet's. */
		type = len == ETH_HLEN_ ? ARPHRD_ETHER : ARPHRD_VOID;
	nfp_set_u16(rec, HO_RAW_TYPE, type);
	if (type == ARPHRD_ETHER && len >= ETH_HLEN_) {
		if (!saddr)
			set_hex(rec, HO_MAC_SADDR, h + ETH_ALEN_, ETH_ALEN_);
		set_hex(rec, HO_MAC_DADDR, h, ETH_ALEN_);
		nfp_set_u16(rec, HO_OOB_PROTOCOL,
			    (uint16_t)(h[2 * ETH_ALEN_] << 8 |
				       h[2 * ETH_ALEN_ + 1]));
	}
	set_hex(rec, HO_MAC_STR, h, len);
	return NFP_OK;
}

NFP_PLUGIN(filter, hwhdr) = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_FILTER,
	.name = "HWHDR",
	.summary = "link-layer header and hardware addresses as text",
	.in_keys = hwhdr_in_keys,
	.out_keys = hwhdr_out_keys,
	.process = hwhdr_process,
};
