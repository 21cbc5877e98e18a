/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter/ip2hbin - IP2HBIN: IPv4 addresses as host-order integers
 *
 * Consumes the same addresses as IP2STR (ip.*, orig.ip.*, reply.ip.*,
 * arp.*; all optional) and produces ip.hsaddr, ip.hdaddr and their siblings
 * as u32 in host byte order, so that 192.168.0.1 is 3232235521: what
 * ulogd2's MySQL schema keeps in INT UNSIGNED columns. An IPv6 address has
 * no 32-bit form: its key stays unset (NULL in SQL); use IP2STR or IP2BIN
 * for IPv6. An address carries its own family; oob.family is the fallback
 * for one that does not. Never fails a record.
 */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <nfpipe/plugin.h>

#include "../ip2str/ip2addr.h"

static const struct nfp_key ip2hbin_in_keys[] = { IP2_ADDR_IN_KEYS, { 0 } };

#define HBIN_OUT(n, h)                                                         \
	{                                                                      \
		n, NFP_T_U32, 0, h                                             \
	}
static const struct nfp_key ip2hbin_out_keys[] = {
	[IA_IP_SADDR] = HBIN_OUT("ip.hsaddr", "IPv4 ip.saddr, host order"),
	[IA_IP_DADDR] = HBIN_OUT("ip.hdaddr", "IPv4 ip.daddr, host order"),
	[IA_ORIG_SADDR] = HBIN_OUT("orig.ip.hsaddr", "IPv4 orig.ip.saddr"),
	[IA_ORIG_DADDR] = HBIN_OUT("orig.ip.hdaddr", "IPv4 orig.ip.daddr"),
	[IA_REPLY_SADDR] = HBIN_OUT("reply.ip.hsaddr", "IPv4 reply.ip.saddr"),
	[IA_REPLY_DADDR] = HBIN_OUT("reply.ip.hdaddr", "IPv4 reply.ip.daddr"),
	[IA_ARP_SADDR] = HBIN_OUT("arp.hsaddr", "IPv4 arp.saddr, host order"),
	[IA_ARP_DADDR] = HBIN_OUT("arp.hdaddr", "IPv4 arp.daddr, host order"),
	{ 0 }
};
#undef HBIN_OUT

static enum nfp_ret ip2hbin_process(struct nfp_inst *inst, struct nfp_rec *rec)
{
	const struct nfp_value *fam = nfp_get(rec, IA_OOB_FAMILY);
	unsigned int k;

	for (k = 0; k < IA__COUNT; k++) {
		const struct nfp_value *v = nfp_get(rec, k);

		if (!v || v->addr.family == AF_INET6)
			continue;
		if (v->addr.family != AF_INET && fam && fam->u8 == AF_INET6)
			continue;
		nfp_set_u32(rec, k, ntohl(v->addr.in4));
	}
	return NFP_OK;
}

NFP_PLUGIN(filter, ip2hbin) = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_FILTER,
	.name = "IP2HBIN",
	.summary = "IPv4 addresses as host-order u32 (ip.hsaddr ...)",
	.in_keys = ip2hbin_in_keys,
	.out_keys = ip2hbin_out_keys,
	.process = ip2hbin_process,
};
