/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter/ip2str - IP2STR: addresses as text, for outputs that want strings
 *
 * Consumes ip.saddr, ip.daddr, orig.ip.saddr, orig.ip.daddr, reply.ip.saddr,
 * reply.ip.daddr, arp.saddr and arp.daddr (all optional, IPv4 or IPv6) and
 * produces the same names with ".str": dotted quads, and IPv6 in the
 * RFC 5952 form inet_ntop() gives (lower case, longest zero run as "::").
 * Only keys something downstream consumes are formatted; the text lives in
 * the record's arena. An address carries its own family; oob.family is
 * only the fallback for one that does not. Never fails a record.
 */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <nfpipe/plugin.h>

#include "ip2addr.h"

static const struct nfp_key ip2str_in_keys[] = { IP2_ADDR_IN_KEYS, { 0 } };

#define STR_OUT(n, h)                                                          \
	{                                                                      \
		n, NFP_T_STRING, 0, h                                          \
	}
static const struct nfp_key ip2str_out_keys[] = {
	[IA_IP_SADDR] = STR_OUT("ip.saddr.str", "ip.saddr as text"),
	[IA_IP_DADDR] = STR_OUT("ip.daddr.str", "ip.daddr as text"),
	[IA_ORIG_SADDR] = STR_OUT("orig.ip.saddr.str", "orig.ip.saddr as text"),
	[IA_ORIG_DADDR] = STR_OUT("orig.ip.daddr.str", "orig.ip.daddr as text"),
	[IA_REPLY_SADDR] =
		STR_OUT("reply.ip.saddr.str", "reply.ip.saddr as text"),
	[IA_REPLY_DADDR] =
		STR_OUT("reply.ip.daddr.str", "reply.ip.daddr as text"),
	[IA_ARP_SADDR] = STR_OUT("arp.saddr.str", "arp.saddr as text"),
	[IA_ARP_DADDR] = STR_OUT("arp.daddr.str", "arp.daddr as text"),
	{ 0 }
};
#undef STR_OUT

/*
 * A dotted quad without printf: this runs for every address of every
 * record. @o has room for 16 bytes; returns the length without the NUL.
 */
static uint32_t fmt_in4(char *o, const uint8_t *b)
{
	char *s = o;
	unsigned int i, v;

	for (i = 0; i < 4; i++) {
		v = b[i];
		if (v >= 100) {
			*o++ = (char)('0' + v / 100);
			v %= 100;
			*o++ = (char)('0' + v / 10);
		} else if (v >= 10) {
			*o++ = (char)('0' + v / 10);
		}
		*o++ = (char)('0' + v % 10);
		*o++ = '.';
	}
	o[-1] = '\0';
	return (uint32_t)(o - 1 - s);
}

/* The family an address is in: its own, else the record's. */
static int addr_family(const struct nfp_rec *rec, const struct nfp_addr *a)
{
	const struct nfp_value *f;

	if (a->family == AF_INET || a->family == AF_INET6)
		return a->family;
	f = nfp_get(rec, IA_OOB_FAMILY);
	if (!f)
		return AF_UNSPEC;
	/* NFPROTO_IPV6 is 10; IPv4, ARP and the bridge's IPv4 use AF_INET. */
	return f->u8 == AF_INET6 ? AF_INET6 : AF_INET;
}

static enum nfp_ret ip2str_process(struct nfp_inst *inst, struct nfp_rec *rec)
{
	unsigned int k;

	for (k = 0; k < IA__COUNT; k++) {
		const struct nfp_value *v;
		char *s;

		if (!nfp_wanted(rec, k))
			continue;
		v = nfp_get(rec, k);
		if (!v)
			continue;
		switch (addr_family(rec, &v->addr)) {
		case AF_INET:
			s = nfp_rec_alloc(rec, INET_ADDRSTRLEN);
			if (!s)
				break;
			nfp_set_str(rec, k, s,
				    fmt_in4(s, (const uint8_t *)&v->addr.in4));
			break;
		case AF_INET6:
			s = nfp_rec_alloc(rec, INET6_ADDRSTRLEN);
			if (!s || !inet_ntop(AF_INET6, v->addr.in6, s,
					     INET6_ADDRSTRLEN))
				break;
			nfp_set_str(rec, k, s, (uint32_t)strlen(s));
			break;
		}
	}
	return NFP_OK;
}

NFP_PLUGIN(filter, ip2str) = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_FILTER,
	.name = "IP2STR",
	.summary = "IPv4 and IPv6 addresses as text (*.str keys)",
	.in_keys = ip2str_in_keys,
	.out_keys = ip2str_out_keys,
	.process = ip2str_process,
};
