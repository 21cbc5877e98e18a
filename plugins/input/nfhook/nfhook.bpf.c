// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * input/nfhook - the eBPF program at a netfilter hook
 *
 * A BPF_PROG_TYPE_NETFILTER program: the kernel calls it for every packet
 * at the hook and priority its netfilter link names, with a struct
 * bpf_nf_ctx { state, skb }. It only observes and always returns
 * NF_ACCEPT. Per flow (canonical 5-tuple, both directions one entry) it
 * counts packets and bytes (skb->len: the IP packet as the hook sees it,
 * a GSO/GRO super-packet counts once) in an LRU hash map, with first and
 * last time, TCP flags and the interfaces; a flow that ends by RST, or by
 * a packet after both FINs, goes up through the ring buffer and leaves the
 * map (mode=flows). Timeouts are user space's. mode=packets uses the same
 * table only to number each flow's packets: the first cfg_first of each
 * direction (and one in cfg_sample) go up the ring buffer instead, with
 * up to cfg_snaplen bytes read through a dynptr on the skb. Headers are
 * read with bpf_probe_read_kernel() from skb->head + network_header, fixed
 * sizes, only within the linear area (up to skb->tail), so no read is
 * verifier-unsafe or strays past the packet; a header outside it is
 * counted (unparsed) or leaves the flow without ports.
 * Built with clang -target bpf against vmlinux.h (the running kernel's
 * BTF); loaded by nfhook.c, which sets the program type by hand (libbpf
 * 1.1 does not know SEC("netfilter")).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "nfhook_shared.h"

#define NF_ACCEPT 1
#define AF_INET	  2
#define AF_INET6  10
#define P_ICMP	  1
#define P_TCP	  6
#define P_UDP	  17
#define P_ICMPV6  58
#define T_FIN	  0x01
#define T_RST	  0x04
#define L4_READ	  14 /* transport bytes read: up to the TCP flags */

char LICENSE[] SEC("license") = "GPL";

/* max_entries is set by the loader from max_flows. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct nfhook_key);
	__type(value, struct nfhook_flow);
} flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} ended SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NFHOOK_KC__MAX);
	__type(key, __u32);
	__type(value, __u64);
} kctr SEC(".maps");

/*
 * Set by the loader before the load (read-only data: the verifier prunes
 * what a mode does not use). mode 0: flows, 1: packets.
 */
const volatile __u32 cfg_mode = 0;
const volatile __u32 cfg_first = 4;	/* packets: first N per direction */
const volatile __u32 cfg_snaplen = 128; /* packets: bytes copied, <= SNAP_MAX */
const volatile __u32 cfg_sample = 0;	/* packets: also 1 in N, 0 = none */

/* A new flow's first value, built here: the stack is 512 bytes. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct nfhook_flow);
} scratch SEC(".maps");

static __always_inline void count(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&kctr, &idx);

	if (v)
		*v += 1;
}

/* What the headers gave. */
struct pkt {
	__u8 src[16];
	__u8 dst[16];
	__u16 sport;
	__u16 dport;
	__u8 family;
	__u8 proto;
	__u8 tcp_flags;
	__u8 icmp_type;
	__u8 icmp_code;
	__u8 has_l4; /* the transport header was read */
};

/* Ports, TCP flags or ICMP fields from the transport header's bytes @b. */
static __always_inline void l4_fields(const __u8 *b, struct pkt *p)
{
	p->has_l4 = 1;
	if (p->proto == P_TCP || p->proto == P_UDP) {
		p->sport = ((__u16)b[0] << 8) | b[1];
		p->dport = ((__u16)b[2] << 8) | b[3];
		if (p->proto == P_TCP)
			p->tcp_flags = b[13];
	} else if (p->proto == P_ICMP || p->proto == P_ICMPV6) {
		p->icmp_type = b[0];
		p->icmp_code = b[1];
		/* Echo request and reply: the identifier is the flow's. */
		if ((p->proto == P_ICMP && (b[0] == 8 || b[0] == 0)) ||
		    (p->proto == P_ICMPV6 && (b[0] == 128 || b[0] == 129))) {
			p->sport = ((__u16)b[4] << 8) | b[5];
			p->dport = p->sport;
		}
	}
}

/* The transport header at @off, read on its own. */
static __always_inline void read_l4(const unsigned char *l3, __u32 off,
				    __u32 lin, struct pkt *p)
{
	__u8 b[L4_READ];

	/* Only the linear part: beyond it lie other bytes, not the packet's. */
	if (off + sizeof(b) > lin ||
	    bpf_probe_read_kernel(b, sizeof(b), l3 + off))
		return;
	l4_fields(b, p);
}

/*
 * The parsers are inlined and read the network and transport headers in
 * one bpf_probe_read_kernel() when both fit in the linear area and no
 * IPv4 option or IPv6 extension header lies between them: on this
 * machine (AMD, "Safe RET" against SRSO) every call and return costs,
 * and a helper call is three of them.
 */
static __always_inline int parse4(const unsigned char *l3, __u32 lin,
				  struct pkt *p)
{
	__u8 b[20 + L4_READ];
	__u32 ihl, got;
	__u16 frag;

	/* Both headers at once when they are there, else the IP header. */
	got = lin >= sizeof(b) ? sizeof(b) : 20;
	if (lin < 20 ||
	    bpf_probe_read_kernel(b, got == 20 ? 20 : sizeof(b), l3))
		return -1;
	if ((b[0] >> 4) != 4)
		return -1;
	ihl = (b[0] & 0x0f) * 4;
	if (ihl < 20)
		return -1;
	p->family = AF_INET;
	p->proto = b[9];
	__builtin_memcpy(p->src, b + 12, 4);
	__builtin_memcpy(p->dst, b + 16, 4);
	frag = ((__u16)b[6] << 8) | b[7];
	if (frag & 0x1fff) {
		count(NFHOOK_KC_FRAGMENTS);
		return 0;
	}
	if (ihl == 20 && got == sizeof(b))
		l4_fields(b + 20, p);
	else
		read_l4(l3, ihl, lin, p);
	return 0;
}

static __noinline int parse6(const unsigned char *l3, __u32 lin, struct pkt *p)
{
	__u8 b[40 + L4_READ];
	__u8 e[4];
	__u32 off = 40, got;
	__u8 nh;
	int i;

	/* Both headers at once when they are there, else the IPv6 header. */
	got = lin >= sizeof(b) ? sizeof(b) : 40;
	if (lin < 40 ||
	    bpf_probe_read_kernel(b, got == 40 ? 40 : sizeof(b), l3))
		return -1;
	if ((b[0] >> 4) != 6)
		return -1;
	p->family = AF_INET6;
	__builtin_memcpy(p->src, b + 8, 16);
	__builtin_memcpy(p->dst, b + 24, 16);
	nh = b[6];
	if (got == sizeof(b) && nh != 0 && nh != 43 && nh != 60 && nh != 51 &&
	    nh != 44) {
		p->proto = nh;
		l4_fields(b + 40, p);
		return 0;
	}
	/* Extension headers, at most six; then whatever follows is L4. */
	for (i = 0; i < 6; i++) {
		if (off + sizeof(e) > lin)
			return -1;
		if (nh == 0 || nh == 43 || nh == 60) {
			if (bpf_probe_read_kernel(e, sizeof(e), l3 + off))
				return -1;
			nh = e[0];
			off += ((__u32)e[1] + 1) * 8;
		} else if (nh == 51) { /* AH counts in 4-byte words */
			if (bpf_probe_read_kernel(e, sizeof(e), l3 + off))
				return -1;
			nh = e[0];
			off += ((__u32)e[1] + 2) * 4;
		} else if (nh == 44) {
			if (bpf_probe_read_kernel(e, sizeof(e), l3 + off))
				return -1;
			nh = e[0];
			off += 8;
			if ((((__u16)e[2] << 8) | e[3]) & 0xfff8) {
				p->proto = nh;
				count(NFHOOK_KC_FRAGMENTS);
				return 0;
			}
		} else {
			break;
		}
		if (off > 512)
			return -1;
	}
	p->proto = nh;
	read_l4(l3, off, lin, p);
	return 0;
}

/* Is (a, ap) lower than (b, bp)? Addresses as bytes, then ports. */
static __always_inline int lower(const __u8 *a, __u16 ap, const __u8 *b,
				 __u16 bp)
{
	int i;

	for (i = 0; i < 16; i++) {
		if (a[i] != b[i])
			return a[i] < b[i];
	}
	return ap <= bp;
}

/* Hand @f up (it ended for @why) and drop it from the map. */
static __always_inline void end_flow(struct nfhook_key *k,
				     struct nfhook_flow *f, __u8 why)
{
	struct nfhook_event *ev;

	if (cfg_mode != 0)
		goto out;
	ev = bpf_ringbuf_reserve(&ended, sizeof(*ev), 0);
	if (!ev) {
		count(NFHOOK_KC_RB_FAIL);
	} else {
		__builtin_memcpy(&ev->key, k, sizeof(*k));
		__builtin_memcpy(&ev->flow, f, sizeof(*f));
		ev->flow.end = why;
		bpf_ringbuf_submit(ev, 0);
		count(NFHOOK_KC_ENDED);
	}
out:
	bpf_map_delete_elem(&flows, k);
}

/*
 * mode=packets reads through a dynptr on the skb (a kfunc netfilter
 * programs may call): it sees paged data too, which a read from
 * skb->head does not.
 */
extern int bpf_dynptr_from_skb(struct __sk_buff *s, __u64 flags,
			       struct bpf_dynptr *ptr) __ksym;

/* mode=packets: hand up the packet's first cfg_snaplen bytes. */
/* BPF calls take five arguments: @ifs is in | out << 32, @fd family | dir << 8.
 */
static __noinline void send_pkt(struct sk_buff *skb, __u32 len, __u64 ifs,
				__u32 fd)
{
	struct nfhook_pkt_event *ev;
	struct bpf_dynptr dp;
	__u32 cap = cfg_snaplen;

	if (cap > len)
		cap = len;
	if (cap > NFHOOK_SNAP_MAX)
		cap = NFHOOK_SNAP_MAX;
	ev = bpf_ringbuf_reserve(&ended, sizeof(*ev), 0);
	if (!ev) {
		count(NFHOOK_KC_RB_FAIL);
		return;
	}
	ev->ts_ns = bpf_ktime_get_ns();
	ev->len = len;
	ev->ifindex_in = (__u32)ifs;
	ev->ifindex_out = (__u32)(ifs >> 32);
	ev->family = fd & 0xff;
	ev->dir = fd >> 8;
	/* The dynptr starts at skb->data: the IP header at these hooks. */
	if (bpf_dynptr_from_skb((struct __sk_buff *)skb, 0, &dp) ||
	    bpf_dynptr_read(ev->data, cap & (NFHOOK_SNAP_MAX * 2 - 1), &dp, 0,
			    0))
		cap = 0;
	ev->caplen = cap;
	bpf_ringbuf_submit(ev, 0);
	count(NFHOOK_KC_PKTS_SENT);
}

SEC("netfilter")
int nfhook_flows(struct bpf_nf_ctx *ctx)
{
	const struct nf_hook_state *st = ctx->state;
	struct sk_buff *skb = ctx->skb;
	struct net_device *in = st->in, *out = st->out;
	struct nfhook_key k = {};
	struct nfhook_flow *f;
	struct pkt p = {};
	const unsigned char *l3;
	__u64 now = bpf_ktime_get_ns(), seq = 1;
	__u32 len, lin, dir = 0, fin = 0, ifin, ifout;
	int src_lo, err, created = 0;

	count(NFHOOK_KC_PACKETS);
	l3 = skb->head + skb->network_header;
	len = skb->len;
	ifin = in ? in->ifindex : 0;
	ifout = out ? out->ifindex : 0;
	/* Bytes of the linear area from the network header on. */
	lin = skb->tail > skb->network_header ? skb->tail - skb->network_header
					      : 0;
	if (st->pf == 2)
		err = parse4(l3, lin, &p);
	else
		err = parse6(l3, lin, &p);
	if (err) {
		count(NFHOOK_KC_UNPARSED);
		return NF_ACCEPT;
	}

	src_lo = lower(p.src, p.sport, p.dst, p.dport);
	if (src_lo) {
		__builtin_memcpy(k.lo, p.src, 16);
		__builtin_memcpy(k.hi, p.dst, 16);
		k.lo_port = p.sport;
		k.hi_port = p.dport;
	} else {
		__builtin_memcpy(k.lo, p.dst, 16);
		__builtin_memcpy(k.hi, p.src, 16);
		k.lo_port = p.dport;
		k.hi_port = p.sport;
	}
	k.family = p.family;
	k.proto = p.proto;

	f = bpf_map_lookup_elem(&flows, &k);
	if (!f) {
		struct nfhook_flow *n;
		__u32 zero = 0;

		n = bpf_map_lookup_elem(&scratch, &zero);
		if (!n)
			return NF_ACCEPT;
		__builtin_memset(n, 0, sizeof(*n));
		n->pkts[0] = 1;
		n->bytes[0] = len;
		n->first_ns = now;
		n->last_ns = now;
		n->tcp_flags[0] = p.tcp_flags;
		n->orig_is_lo = src_lo;
		n->icmp_type = p.icmp_type;
		n->icmp_code = p.icmp_code;
		n->ifindex_in = ifin;
		n->ifindex_out = ifout;
		n->fin = (p.tcp_flags & T_FIN) ? 1 : 0;
		if (!bpf_map_update_elem(&flows, &k, n, BPF_NOEXIST)) {
			/*
			 * Made: no second lookup, the scratch copy holds what
			 * the map does (read only, by end_flow on a RST).
			 */
			count(NFHOOK_KC_CREATED);
			created = 1;
			f = n;
		} else {
			/* Another CPU made it first: count into theirs. */
			f = bpf_map_lookup_elem(&flows, &k);
			if (!f) {
				count(NFHOOK_KC_UPDATE_FAIL);
				return NF_ACCEPT;
			}
		}
	}

	if (!created) {
		dir = (src_lo == f->orig_is_lo) ? 0 : 1;
		fin = f->fin;
		seq = __sync_fetch_and_add(&f->pkts[dir & 1], 1) + 1;
		__sync_fetch_and_add(&f->bytes[dir & 1], len);
		f->last_ns = now;
		if (p.tcp_flags)
			__sync_fetch_and_or(&f->tcp_flags[dir & 1],
					    p.tcp_flags);
	}
	if (cfg_mode == 1 &&
	    (seq <= cfg_first ||
	     (cfg_sample && bpf_get_prandom_u32() % cfg_sample == 0)))
		send_pkt(skb, len, ifin | ((__u64)ifout << 32),
			 p.family | (dir << 8));
	if (p.proto != P_TCP)
		return NF_ACCEPT;
	if (p.tcp_flags & T_RST) {
		end_flow(&k, f, NFHOOK_END_RST);
	} else if (p.tcp_flags & T_FIN) {
		if (!created)
			__sync_fetch_and_or(&f->fin, 1U << (dir & 1));
	} else if (fin == 3) {
		/* The last ACK after both FINs closes it. */
		end_flow(&k, f, NFHOOK_END_FIN);
	}
	return NF_ACCEPT;
}
