/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * input/nfhook - records of ended flows, with NFCT's key names
 *
 * Pure user-space code (no BPF, no root): turns a flow as the program
 * left it (struct nfhook_key + struct nfhook_flow) into a record whose
 * keys carry NFCT's names and types, so every plugin that reads NFCT's
 * flows reads these unchanged. Unit-tested through a stack.
 */
#ifndef NFHOOK_REC_H
#define NFHOOK_REC_H

#include <stdint.h>

#include <linux/types.h>

#include <nfpipe/plugin.h>

#include "nfhook_shared.h"

enum nfhook_keyidx {
	NFHOOK_K_ORIG_SADDR,
	NFHOOK_K_ORIG_DADDR,
	NFHOOK_K_ORIG_PROTOCOL,
	NFHOOK_K_ORIG_SPORT,
	NFHOOK_K_ORIG_DPORT,
	NFHOOK_K_ORIG_PKTLEN,
	NFHOOK_K_ORIG_PKTCOUNT,
	NFHOOK_K_REPLY_SADDR,
	NFHOOK_K_REPLY_DADDR,
	NFHOOK_K_REPLY_PROTOCOL,
	NFHOOK_K_REPLY_SPORT,
	NFHOOK_K_REPLY_DPORT,
	NFHOOK_K_REPLY_PKTLEN,
	NFHOOK_K_REPLY_PKTCOUNT,
	NFHOOK_K_ICMP_TYPE,
	NFHOOK_K_ICMP_CODE,
	NFHOOK_K_ICMPV6_TYPE,
	NFHOOK_K_ICMPV6_CODE,
	NFHOOK_K_ICMP_ID,
	NFHOOK_K_START_SEC,
	NFHOOK_K_START_USEC,
	NFHOOK_K_END_SEC,
	NFHOOK_K_END_USEC,
	NFHOOK_K_FAMILY,
	NFHOOK_K_PROTOCOL,
	NFHOOK_K_CT_EVENT,
	NFHOOK_K_IFINDEX_IN,
	NFHOOK_K_IFINDEX_OUT,
	NFHOOK_K_ORIG_TCP_FLAGS,
	NFHOOK_K_REPLY_TCP_FLAGS,
	NFHOOK_K_END_REASON,
	NFHOOK_K_RAW_PKT,
	NFHOOK_K_RAW_PKTLEN,
	NFHOOK_K_RAW_PKTCOUNT,
	NFHOOK_K_TIME_SEC,
	NFHOOK_K_TIME_USEC,
	NFHOOK_K_HOOK,
	NFHOOK_K_DIR,
	NFHOOK_K__MAX
};

extern const struct nfp_key nfhook_keys[];

/* "fin", "rst", "idle", "active", "stop" or "?". */
const char *nfhook_end_name(uint8_t why);

/*
 * Set the keys of @rec (laid out with nfhook_keys) from the flow @k/@f
 * that ended for @why; @mono_to_real_ns is CLOCK_REALTIME minus
 * CLOCK_MONOTONIC (bpf_ktime_get_ns()'s clock), in nanoseconds.
 */
void nfhook_fill(struct nfp_rec *rec, const struct nfhook_key *k,
		 const struct nfhook_flow *f, int64_t mono_to_real_ns,
		 uint8_t why);

/*
 * mode=packets: set the packet keys of @rec from @ev (NFLOG's names:
 * raw.pkt is copied into the record's arena); @hook is NF_INET_*.
 */
void nfhook_fill_pkt(struct nfp_rec *rec, const struct nfhook_pkt_event *ev,
		     int64_t mono_to_real_ns, uint8_t hook);

#endif /* NFHOOK_REC_H */
