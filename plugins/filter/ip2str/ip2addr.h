/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter/ip2str - the address keys IP2STR, IP2BIN and IP2HBIN convert
 *
 * The three filters take the same eight optional address keys (and
 * oob.family for addresses without a family of their own) and give one
 * output per address in the same order: input IA_x becomes output IA_x.
 * Declared once here so the three cannot drift apart.
 */
#ifndef NFP_IP2ADDR_H
#define NFP_IP2ADDR_H

#include <nfpipe/key.h>

enum ip2_addr {
	IA_IP_SADDR,
	IA_IP_DADDR,
	IA_ORIG_SADDR,
	IA_ORIG_DADDR,
	IA_REPLY_SADDR,
	IA_REPLY_DADDR,
	IA_ARP_SADDR,
	IA_ARP_DADDR,
	IA__COUNT,
	IA_OOB_FAMILY = IA__COUNT, /* the one input not an address */
};

#define IP2_ADDR_IN(n, h)                                                      \
	{                                                                      \
		n, NFP_T_ADDR, NFP_KEYF_OPTIONAL, h                            \
	}

/* The entries of an input key table, before its { 0 }. */
#define IP2_ADDR_IN_KEYS                                                       \
	[IA_IP_SADDR] = IP2_ADDR_IN("ip.saddr", "packet source"),              \
	[IA_IP_DADDR] = IP2_ADDR_IN("ip.daddr", "packet destination"),         \
	[IA_ORIG_SADDR] = IP2_ADDR_IN("orig.ip.saddr", "flow source"),         \
	[IA_ORIG_DADDR] = IP2_ADDR_IN("orig.ip.daddr", "flow destination"),    \
	[IA_REPLY_SADDR] = IP2_ADDR_IN("reply.ip.saddr", "reply source"),      \
	[IA_REPLY_DADDR] = IP2_ADDR_IN("reply.ip.daddr", "reply destination"), \
	[IA_ARP_SADDR] = IP2_ADDR_IN("arp.saddr", "ARP sender"),               \
	[IA_ARP_DADDR] = IP2_ADDR_IN("arp.daddr", "ARP target"),               \
	[IA_OOB_FAMILY] = { "oob.family", NFP_T_U8, NFP_KEYF_OPTIONAL,         \
			    "family of addresses that lack their own" }

#endif /* NFP_IP2ADDR_H */
