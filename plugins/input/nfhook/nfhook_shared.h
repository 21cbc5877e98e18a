/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * input/nfhook - what the eBPF program and the loader share
 *
 * The layout of the flow map's keys and values, of the ring buffer's
 * events and the index of the kernel-side counters. Included by
 * nfhook.bpf.c (after vmlinux.h, which gives the __u* types) and by the
 * user-space files (after <linux/types.h>). Only fixed-size types, no
 * pointers: both sides must agree byte for byte.
 */
#ifndef NFHOOK_SHARED_H
#define NFHOOK_SHARED_H

/*
 * A flow's key is canonical: of its two endpoints (address, port), the
 * lower one (addresses compared as bytes in network order, then ports) is
 * "lo", so that both directions find the same entry. For ICMP echo both
 * ports hold the identifier; other ICMP messages have ports 0.
 */
struct nfhook_key {
	__u8 lo[16];   /* lower endpoint's address (IPv4: first 4 bytes) */
	__u8 hi[16];   /* higher endpoint's address */
	__u16 lo_port; /* lower endpoint's port, host order */
	__u16 hi_port; /* higher endpoint's port, host order */
	__u8 family;   /* AF_INET (2) or AF_INET6 (10) */
	__u8 proto;    /* IP protocol (after IPv6 extension headers) */
	__u8 pad[2];   /* zero */
};

/* Direction 0 is the original one: that of the flow's first packet. */
struct nfhook_flow {
	__u64 pkts[2];	    /* packets per direction */
	__u64 bytes[2];	    /* bytes per direction (IP header included) */
	__u64 first_ns;	    /* bpf_ktime_get_ns() of the first packet */
	__u64 last_ns;	    /* and of the last */
	__u32 tcp_flags[2]; /* TCP flags seen, ORed, per direction */
	__u32 ifindex_in;   /* input interface of the first packet */
	__u32 ifindex_out;  /* output interface of the first packet */
	__u32 fin;	    /* bit d: a FIN was seen in direction d */
	__u8 orig_is_lo;    /* the first packet went from lo to hi */
	__u8 icmp_type;	    /* ICMP(v6) type of the first packet */
	__u8 icmp_code;	    /* and its code */
	__u8 end;	    /* enum nfhook_end, set when it is handed up */
};

/* Why a flow ended: the kernel sets FIN and RST, user space the rest. */
enum nfhook_end {
	NFHOOK_END_NONE,
	NFHOOK_END_FIN,	   /* both FINs, then a packet without FIN */
	NFHOOK_END_RST,	   /* a RST */
	NFHOOK_END_IDLE,   /* idle_timeout without a packet */
	NFHOOK_END_ACTIVE, /* active_timeout since the first packet */
	NFHOOK_END_STOP,   /* the daemon stopped */
};

/* What the ring buffer carries: one ended flow. */
struct nfhook_event {
	struct nfhook_key key;	 /* the flow's key */
	struct nfhook_flow flow; /* its counts, as the last packet left them */
};

/* mode=packets: at most this many bytes of a packet are handed up. */
#define NFHOOK_SNAP_MAX 256

/* What the ring buffer carries in mode=packets: one packet. */
struct nfhook_pkt_event {
	__u64 ts_ns;	   /* bpf_ktime_get_ns() when it crossed the hook */
	__u32 len;	   /* skb->len: the whole IP packet */
	__u32 caplen;	   /* bytes in data, from the network header on */
	__u32 ifindex_in;  /* input interface, 0: none at this hook */
	__u32 ifindex_out; /* output interface, 0: none */
	__u32 family;	   /* AF_INET or AF_INET6 */
	__u32 dir;	   /* 0: the flow's original direction, 1: reply */
	__u8 data[NFHOOK_SNAP_MAX]; /* the packet's first bytes */
};

/* Slots of the per-CPU counter array, summed by user space. */
enum nfhook_kctr {
	NFHOOK_KC_PACKETS,   /* packets the program saw */
	NFHOOK_KC_CREATED,   /* flow entries created */
	NFHOOK_KC_ENDED,     /* flows ended by FIN/RST and sent up */
	NFHOOK_KC_RB_FAIL,   /* ring-buffer reservations that failed */
	NFHOOK_KC_UNPARSED,  /* packets whose headers could not be read */
	NFHOOK_KC_FRAGMENTS, /* non-first fragments (counted in a portless flow)
			      */
	NFHOOK_KC_UPDATE_FAIL, /* map updates that failed */
	NFHOOK_KC_PKTS_SENT,   /* mode=packets: packets handed up */
	NFHOOK_KC__MAX
};

#endif /* NFHOOK_SHARED_H */
