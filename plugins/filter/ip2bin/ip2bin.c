/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter/ip2bin - IP2BIN: addresses as "0x" and 32 hex digits, for SQL
 *
 * Consumes the same addresses as IP2STR (ip.*, orig.ip.*, reply.ip.*,
 * arp.*; all optional) and produces ip.saddr.bin and its siblings: the
 * address as an IPv6 address (IPv4 mapped as ::ffff:a.b.c.d) written as
 * "0x" followed by 32 lower-case hex digits, the literal ulogd2's MySQL
 * schema stores in BINARY(16) columns. Only wanted keys are formatted, in
 * the record's arena. An address carries its own family; oob.family is the
 * fallback for one that does not. Never fails a record.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <nfpipe/plugin.h>

#include "../ip2str/ip2addr.h"

static const struct nfp_key ip2bin_in_keys[] = { IP2_ADDR_IN_KEYS, { 0 } };

#define BIN_OUT(n, h)                                                          \
	{                                                                      \
		n, NFP_T_STRING, 0, h                                          \
	}
static const struct nfp_key ip2bin_out_keys[] = {
	[IA_IP_SADDR] = BIN_OUT("ip.saddr.bin", "ip.saddr as 0x + 32 hex"),
	[IA_IP_DADDR] = BIN_OUT("ip.daddr.bin", "ip.daddr as 0x + 32 hex"),
	[IA_ORIG_SADDR] = BIN_OUT("orig.ip.saddr.bin", "orig.ip.saddr, hex"),
	[IA_ORIG_DADDR] = BIN_OUT("orig.ip.daddr.bin", "orig.ip.daddr, hex"),
	[IA_REPLY_SADDR] = BIN_OUT("reply.ip.saddr.bin", "reply.ip.saddr, hex"),
	[IA_REPLY_DADDR] = BIN_OUT("reply.ip.daddr.bin", "reply.ip.daddr, hex"),
	[IA_ARP_SADDR] = BIN_OUT("arp.saddr.bin", "arp.saddr, hex"),
	[IA_ARP_DADDR] = BIN_OUT("arp.daddr.bin", "arp.daddr, hex"),
	{ 0 }
};
#undef BIN_OUT

#define BIN_LEN (2 + 32) /* "0x" and two digits per byte */

static void fmt_bin(char *o, const uint8_t *a16)
{
	static const char hex[] = "0123456789abcdef";
	unsigned int i;

	*o++ = '0';
	*o++ = 'x';
	for (i = 0; i < 16; i++) {
		*o++ = hex[a16[i] >> 4];
		*o++ = hex[a16[i] & 15];
	}
	*o = '\0';
}

static enum nfp_ret ip2bin_process(struct nfp_inst *inst, struct nfp_rec *rec)
{
	const struct nfp_value *fam = nfp_get(rec, IA_OOB_FAMILY);
	unsigned int k;

	for (k = 0; k < IA__COUNT; k++) {
		const struct nfp_value *v;
		uint8_t a16[16];
		int family;
		char *s;

		if (!nfp_wanted(rec, k))
			continue;
		v = nfp_get(rec, k);
		if (!v)
			continue;
		family = v->addr.family;
		if (family != AF_INET && family != AF_INET6)
			family =
				fam && fam->u8 == AF_INET6 ? AF_INET6 : AF_INET;
		if (family == AF_INET6) {
			memcpy(a16, v->addr.in6, 16);
		} else {
			/* ::ffff:a.b.c.d, the IPv4-mapped form (RFC 4291). */
			memset(a16, 0, 10);
			a16[10] = 0xff;
			a16[11] = 0xff;
			memcpy(a16 + 12, &v->addr.in4, 4);
		}
		s = nfp_rec_alloc(rec, BIN_LEN + 1);
		if (!s)
			continue;
		fmt_bin(s, a16);
		nfp_set_str(rec, k, s, BIN_LEN);
	}
	return NFP_OK;
}

NFP_PLUGIN(filter, ip2bin) = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_FILTER,
	.name = "IP2BIN",
	.summary = "addresses as 0x-prefixed 128-bit hex (*.bin keys)",
	.in_keys = ip2bin_in_keys,
	.out_keys = ip2bin_out_keys,
	.process = ip2bin_process,
};
