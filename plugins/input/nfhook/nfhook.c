/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * input/nfhook - nfpipe's own eBPF program at a netfilter hook
 *
 * Loads nfhook.bpf.c (embedded as a libbpf skeleton) as a
 * BPF_PROG_TYPE_NETFILTER program and attaches it with one netfilter
 * bpf_link per family (family=inet: two) at the hook and priority of the
 * options, in the network namespace nfpiped runs in. mode=flows: the
 * program keeps per-flow counts in an LRU map and hands up flows that end
 * by FIN/RST through a ring buffer; a timer here ends idle and
 * active-timeout flows, and stop() ends the rest. Every ended flow becomes
 * one record with NFCT's flow keys (nfhook_rec.c). mode=packets: the same
 * flow table only numbers each flow's packets; the first `first` of each
 * direction (and one in `sample`) go up the ring buffer with up to
 * `snaplen` bytes and become records with NFLOG's packet keys. The links are
 * fds of this process: they go away with the daemon, however it ends.
 *
 * Debian 12's libbpf 1.1 and uapi headers predate netfilter programs, so
 * the program type (32) and expected attach type (45) are set by hand and
 * the link is made with the bpf(2) syscall (struct nfhook_link_attr).
 * Fails at start, with the reason: no BTF, a kernel without netfilter
 * programs or links, a verifier refusal (its log in the message), a
 * priority taken (EBUSY). Main thread only.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <linux/types.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include <nfpipe/plugin.h>

#include "nfhook_load.h"
#include "nfhook_rec.h"
#include "nfhook.skel.h"

/* Not in Debian 12's <linux/bpf.h> (6.1): the kernel's values (6.4+). */
#define NFHOOK_PROG_TYPE_NETFILTER 32
#define NFHOOK_ATTACH_NETFILTER	   45
#define NFHOOK_BTF		   "/sys/kernel/btf/vmlinux"

/*
 * The head of union bpf_attr's link_create member as kernels 6.4+ lay it
 * out for BPF_LINK_CREATE with attach_type BPF_NETFILTER: prog_fd,
 * target_fd (unused, 0), attach_type, flags (0), then the netfilter
 * struct of the inner union at offset 16: pf (NFPROTO_IPV4 2 or
 * NFPROTO_IPV6 10), hooknum (NF_INET_*), priority (strictly between
 * NF_IP_PRI_FIRST and NF_IP_PRI_LAST) and flags (BPF_F_NETFILTER_IP_DEFRAG
 * is 1; not used). The kernel zero-fills what lies beyond the size given.
 */
struct nfhook_link_attr {
	__u32 prog_fd;	   /* the program */
	__u32 target_fd;   /* 0 */
	__u32 attach_type; /* NFHOOK_ATTACH_NETFILTER */
	__u32 flags;	   /* 0 */
	__u32 pf;	   /* netfilter.pf */
	__u32 hooknum;	   /* netfilter.hooknum */
	__s32 priority;	   /* netfilter.priority */
	__u32 nf_flags;	   /* netfilter.flags */
};

enum nfhook_ctr {
	C_FLOWS,
	C_END_FIN,
	C_END_RST,
	C_END_IDLE,
	C_END_ACTIVE,
	C_END_STOP,
	C_K_PACKETS,
	C_K_CREATED,
	C_K_RB_FAIL,
	C_EVICTED,
	C_K_UNPARSED,
	C_K_FRAGMENTS,
	C_K_UPDATE_FAIL,
	C_PACKETS,
	C_K_PKTS_SENT,
};

static const char *const nfhook_counters[] = {
	[C_FLOWS] = "flows",
	[C_END_FIN] = "ended_fin",
	[C_END_RST] = "ended_rst",
	[C_END_IDLE] = "ended_idle",
	[C_END_ACTIVE] = "ended_active",
	[C_END_STOP] = "ended_stop",
	[C_K_PACKETS] = "kernel_packets",
	[C_K_CREATED] = "kernel_flows_created",
	[C_K_RB_FAIL] = "ringbuf_full",
	[C_EVICTED] = "lru_evicted",
	[C_K_UNPARSED] = "unparsed",
	[C_K_FRAGMENTS] = "fragments",
	[C_K_UPDATE_FAIL] = "map_update_failed",
	[C_PACKETS] = "packets",
	[C_K_PKTS_SENT] = "kernel_packets_sent",
	NULL
};

enum { FAM_IPV4, FAM_IPV6, FAM_INET };
enum { MODE_FLOWS, MODE_PACKETS };

static const char *const hook_names[] = { "prerouting",	 "input",
					  "forward",	 "output",
					  "postrouting", NULL };
static const char *const family_names[] = { "ipv4", "ipv6", "inet", NULL };
static const char *const mode_names[] = { "flows", "packets", NULL };

struct nfhook_priv {
	/* options, filled by the core */
	int hook;		 /* NF_INET_* (index of hook_names) */
	int family;		 /* FAM_* */
	int64_t priority;	 /* netfilter hook priority */
	int mode;		 /* MODE_* */
	uint64_t max_flows;	 /* entries of the LRU map */
	uint64_t idle_timeout;	 /* ms without a packet that end a flow */
	uint64_t active_timeout; /* ms after which a live flow is cut */
	uint64_t first;		 /* packets: first N of each direction */
	uint64_t snaplen;	 /* packets: bytes of each */
	uint64_t sample;	 /* packets: also one in N, 0: none */

	/* state */
	struct nfhook_bpf *skel;   /* the loaded program and maps */
	int link[2];		   /* netfilter links, -1 when none */
	struct ring_buffer *rb;	   /* the FIN/RST ring buffer */
	int rb_fd;		   /* its epoll fd, in the core's loop */
	struct nfp_timer *timer;   /* the timeout scans */
	struct nfhook_key *keys;   /* max_flows keys, for a scan */
	uint8_t *why;		   /* max_flows end reasons, for a scan */
	struct nfhook_key *bkeys;  /* SCAN_BATCH keys read at once */
	struct nfhook_flow *bvals; /* and their flows */
	uint64_t removed_user;	   /* flows user space took out */
	uint64_t live;		   /* entries seen by the last scan */
};

static const struct nfp_option nfhook_options[] = {
	{ .name = "hook",
	  .type = NFP_OPT_ENUM,
	  .enums = hook_names,
	  .def = "forward",
	  .off = offsetof(struct nfhook_priv, hook),
	  .help = "Netfilter hook the program is attached at." },
	{ .name = "family",
	  .type = NFP_OPT_ENUM,
	  .enums = family_names,
	  .def = "inet",
	  .off = offsetof(struct nfhook_priv, family),
	  .help = "ipv4, ipv6, or inet (both: two links)." },
	{ .name = "priority",
	  .type = NFP_OPT_INT,
	  .def = "-127",
	  .min = INT_MIN + 1,
	  .max = INT_MAX - 1,
	  .off = offsetof(struct nfhook_priv, priority),
	  .help = "Hook priority; -127 is between mangle (-150) and dstnat (-100), which no common chain uses. Another hook at the same priority makes the attach fail (EBUSY)." },
	{ .name = "mode",
	  .type = NFP_OPT_ENUM,
	  .enums = mode_names,
	  .def = "flows",
	  .off = offsetof(struct nfhook_priv, mode),
	  .help = "flows: one record per ended flow, with NFCT's keys; packets: the first packets of each flow, with NFLOG's keys." },
	{ .name = "max_flows",
	  .type = NFP_OPT_UINT,
	  .def = "65536",
	  .min = 16,
	  .max = 16777216,
	  .off = offsetof(struct nfhook_priv, max_flows),
	  .help = "Flows tracked at once (an LRU map: the oldest is evicted, and counted, when full)." },
	{ .name = "idle_timeout",
	  .type = NFP_OPT_DURATION,
	  .def = "30s",
	  .unit = "s",
	  .min = 100,
	  .max = 86400000,
	  .off = offsetof(struct nfhook_priv, idle_timeout),
	  .help = "A flow without a packet for this long ends." },
	{ .name = "active_timeout",
	  .type = NFP_OPT_DURATION,
	  .def = "30m",
	  .unit = "s",
	  .min = 100,
	  .max = 86400000,
	  .off = offsetof(struct nfhook_priv, active_timeout),
	  .help = "A flow this old is reported and starts anew (as an IPFIX exporter's active timeout)." },
	{ .name = "first",
	  .type = NFP_OPT_UINT,
	  .def = "4",
	  .max = 1000000,
	  .off = offsetof(struct nfhook_priv, first),
	  .help = "mode=packets: hand up the first N packets of each direction of each flow." },
	{ .name = "snaplen",
	  .type = NFP_OPT_UINT,
	  .def = "128",
	  .min = 20,
	  .max = NFHOOK_SNAP_MAX,
	  .off = offsetof(struct nfhook_priv, snaplen),
	  .help = "mode=packets: bytes of each packet, from the IP header on (at most 256)." },
	{ .name = "sample",
	  .type = NFP_OPT_UINT,
	  .def = "0",
	  .max = 1000000000,
	  .off = offsetof(struct nfhook_priv, sample),
	  .help = "mode=packets: also hand up one packet in N at random (0: none)." },
	{ 0 }
};

/* ---- records ----------------------------------------------------------- */

static int64_t mono_to_real(void)
{
	struct timespec r, m;

	clock_gettime(CLOCK_REALTIME, &r);
	clock_gettime(CLOCK_MONOTONIC, &m);
	return ((int64_t)r.tv_sec - m.tv_sec) * 1000000000 +
	       ((int64_t)r.tv_nsec - m.tv_nsec);
}

static void emit(struct nfp_inst *inst, const struct nfhook_key *k,
		 const struct nfhook_flow *f, uint8_t why)
{
	struct nfp_rec *rec;

	inst->ctr[C_FLOWS]++;
	switch (why) {
	case NFHOOK_END_FIN:
		inst->ctr[C_END_FIN]++;
		break;
	case NFHOOK_END_RST:
		inst->ctr[C_END_RST]++;
		break;
	case NFHOOK_END_IDLE:
		inst->ctr[C_END_IDLE]++;
		break;
	case NFHOOK_END_ACTIVE:
		inst->ctr[C_END_ACTIVE]++;
		break;
	default:
		inst->ctr[C_END_STOP]++;
		break;
	}
	rec = nfp_rec_new(inst);
	if (!rec)
		return;
	nfhook_fill(rec, k, f, mono_to_real(), why);
	nfp_rec_push(inst, rec);
}

static int on_ended(void *ctx, void *data, size_t size)
{
	struct nfp_inst *inst = ctx;
	const struct nfhook_event *ev = data;
	struct nfhook_priv *p = inst->priv;
	struct nfp_rec *rec;

	if (size == sizeof(struct nfhook_pkt_event)) {
		inst->ctr[C_PACKETS]++;
		rec = nfp_rec_new(inst);
		if (!rec)
			return 0;
		nfhook_fill_pkt(rec, data, mono_to_real(), (uint8_t)p->hook);
		nfp_rec_push(inst, rec);
		return 0;
	}
	if (size < sizeof(*ev))
		return 0;
	emit(inst, &ev->key, &ev->flow, ev->flow.end);
	return 0;
}

static void nfhook_read(struct nfp_inst *inst, int fd, uint32_t events)
{
	struct nfhook_priv *p = inst->priv;

	(void)fd;
	(void)events;
	ring_buffer__consume(p->rb);
}

/* The kernel's per-CPU counters, summed, into the instance's. */
static void read_kctr(struct nfp_inst *inst)
{
	static const unsigned int map[NFHOOK_KC__MAX] = {
		[NFHOOK_KC_PACKETS] = C_K_PACKETS,
		[NFHOOK_KC_CREATED] = C_K_CREATED,
		[NFHOOK_KC_ENDED] = UINT_MAX,
		[NFHOOK_KC_RB_FAIL] = C_K_RB_FAIL,
		[NFHOOK_KC_UNPARSED] = C_K_UNPARSED,
		[NFHOOK_KC_FRAGMENTS] = C_K_FRAGMENTS,
		[NFHOOK_KC_UPDATE_FAIL] = C_K_UPDATE_FAIL,
		[NFHOOK_KC_PKTS_SENT] = C_K_PKTS_SENT,
	};
	struct nfhook_priv *p = inst->priv;
	int fd = bpf_map__fd(p->skel->maps.kctr);
	int ncpu = libbpf_num_possible_cpus();
	uint64_t sum[NFHOOK_KC__MAX] = { 0 }, *v, removed;
	__u32 i;
	int c;

	if (ncpu <= 0)
		return;
	v = calloc((size_t)ncpu, sizeof(*v));
	if (!v)
		return;
	for (i = 0; i < NFHOOK_KC__MAX; i++) {
		if (bpf_map_lookup_elem(fd, &i, v))
			continue;
		for (c = 0; c < ncpu; c++)
			sum[i] += v[c];
		if (map[i] != UINT_MAX)
			inst->ctr[map[i]] = sum[i];
	}
	free(v);
	/*
	 * An LRU map evicts silently: what was created and is neither live
	 * nor taken out by the program or by us was evicted.
	 */
	removed = sum[NFHOOK_KC_ENDED] + sum[NFHOOK_KC_RB_FAIL] +
		  p->removed_user + p->live;
	if (sum[NFHOOK_KC_CREATED] > removed &&
	    sum[NFHOOK_KC_CREATED] - removed > inst->ctr[C_EVICTED])
		inst->ctr[C_EVICTED] = sum[NFHOOK_KC_CREATED] - removed;
}

/* Take the flow at @k out of the map and hand it up as ended for @why. */
static void take(struct nfp_inst *inst, const struct nfhook_key *k, uint8_t why)
{
	struct nfhook_priv *p = inst->priv;
	int fd = bpf_map__fd(p->skel->maps.flows);
	struct nfhook_flow f;

	if (bpf_map_lookup_and_delete_elem(fd, k, &f)) {
		if (bpf_map_lookup_elem(fd, k, &f))
			return;
		bpf_map_delete_elem(fd, k);
	}
	p->removed_user++;
	if (p->mode == MODE_FLOWS)
		emit(inst, k, &f, why);
}

/* Flows read from the map by one BPF_MAP_LOOKUP_BATCH call. */
#define SCAN_BATCH 4096

/*
 * One pass over the map: flows past a timeout (or, with @all, every
 * flow) are ended. The map is read SCAN_BATCH flows a system call (one
 * call a flow made a scan of 50000 live flows cost 100 ms); the keys of
 * the ended flows are collected first, then each is taken out with its
 * last counts.
 */
static void scan(struct nfp_inst *inst, bool all)
{
	struct nfhook_priv *p = inst->priv;
	int fd = bpf_map__fd(p->skel->maps.flows);
	uint64_t now, idle = p->idle_timeout * 1000000ULL;
	uint64_t active = p->active_timeout * 1000000ULL;
	uint64_t linger = idle < 2000000000ULL ? idle : 2000000000ULL;
	const struct nfhook_flow *f;
	struct timespec ts;
	uint8_t *why = p->why;
	size_t n = 0, i, live = 0;
	__u32 token, cnt, j;
	void *in = NULL;
	int err = 0;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	while (err == 0 && n < p->max_flows && live < 2 * p->max_flows) {
		cnt = SCAN_BATCH;
		err = bpf_map_lookup_batch(fd, in, &token, p->bkeys, p->bvals,
					   &cnt, NULL);
		if (err && err != -ENOENT)
			break;
		in = &token;
		for (j = 0; j < cnt && n < p->max_flows; j++) {
			f = &p->bvals[j];
			live++;
			if (all)
				why[n] = NFHOOK_END_STOP;
			else if (now > f->first_ns &&
				 now - f->first_ns >= active)
				why[n] = NFHOOK_END_ACTIVE;
			else if (now > f->last_ns && now - f->last_ns >= idle)
				why[n] = NFHOOK_END_IDLE;
			else if (f->fin == 3 && now > f->last_ns &&
				 now - f->last_ns >= linger)
				why[n] = NFHOOK_END_FIN;
			else
				continue;
			p->keys[n++] = p->bkeys[j];
		}
	}
	for (i = 0; i < n; i++)
		take(inst, &p->keys[i], why[i]);
	p->live = live - n;
	read_kctr(inst);
}

static void nfhook_tick(struct nfp_inst *inst, void *arg)
{
	struct nfhook_priv *p = inst->priv;

	(void)arg;
	if (nfp_stopping())
		return;
	/* FIN/RST flows first: a flow must not end twice. */
	ring_buffer__consume(p->rb);
	scan(inst, false);
}

/* ---- the kernel side ------------------------------------------------- */

static int link_create(struct nfp_inst *inst, int prog_fd, uint32_t pf)
{
	struct nfhook_priv *p = inst->priv;
	struct nfhook_link_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.prog_fd = (__u32)prog_fd;
	a.attach_type = NFHOOK_ATTACH_NETFILTER;
	a.pf = pf;
	a.hooknum = (__u32)p->hook;
	a.priority = (__s32)p->priority;
	fd = (int)syscall(__NR_bpf, BPF_LINK_CREATE, &a, sizeof(a));
	if (fd >= 0)
		return fd;
	fd = -errno;
	if (fd == -EBUSY)
		nfp_err(inst,
			"cannot attach at %s/%s priority %lld: another hook (an nft or iptables chain, or another program) has that priority there (EBUSY); set priority= to a free one",
			pf == 2 ? "ipv4" : "ipv6", hook_names[p->hook],
			(long long)p->priority);
	else if (fd == -EINVAL || fd == -EOPNOTSUPP)
		nfp_err(inst,
			"cannot create a netfilter bpf link (%s): this kernel lacks netfilter links (CONFIG_NETFILTER_BPF_LINK, 6.4+) or refuses priority %lld",
			strerror(-fd), (long long)p->priority);
	else
		nfp_err(inst, "cannot create a netfilter bpf link: %s",
			strerror(-fd));
	return fd;
}

static void nfhook_stop(struct nfp_inst *inst)
{
	struct nfhook_priv *p = inst->priv;
	int i;

	/* Detach first: what is counted from here on is what we report. */
	for (i = 0; i < 2; i++) {
		if (p->link[i] >= 0)
			close(p->link[i]);
		p->link[i] = -1;
	}
	nfp_timer_free(p->timer);
	p->timer = NULL;
	if (p->rb) {
		if (p->rb_fd >= 0)
			nfp_fd_del(inst, p->rb_fd);
		ring_buffer__consume(p->rb);
		if (p->skel && p->keys && p->why)
			scan(inst, true);
		ring_buffer__free(p->rb);
		p->rb = NULL;
		p->rb_fd = -1;
	}
	if (p->skel) {
		nfp_info(
			inst,
			"stopped: %llu flows, %llu packets handed up, %llu packets seen, %llu evicted, %llu ring-buffer losses",
			(unsigned long long)inst->ctr[C_FLOWS],
			(unsigned long long)inst->ctr[C_PACKETS],
			(unsigned long long)inst->ctr[C_K_PACKETS],
			(unsigned long long)inst->ctr[C_EVICTED],
			(unsigned long long)inst->ctr[C_K_RB_FAIL]);
		nfhook_bpf__destroy(p->skel);
		p->skel = NULL;
	}
	free(p->keys);
	p->keys = NULL;
	free(p->why);
	p->why = NULL;
	free(p->bkeys);
	p->bkeys = NULL;
	free(p->bvals);
	p->bvals = NULL;
}

static int nfhook_configure(struct nfp_inst *inst)
{
	char buf[256];
	const char *why;

	why = nfhook_kernel_lacks(NFHOOK_BTF, buf, sizeof(buf));
	if (why) {
		nfp_err(inst, "this kernel lacks %s", why);
		return -EOPNOTSUPP;
	}
	return 0;
}

static int skel_load(void *arg)
{
	return nfhook_bpf__load(arg);
}

static int load(struct nfp_inst *inst)
{
	struct nfhook_priv *p = inst->priv;
	char msg[17000];
	int err;

	nfhook_log_begin();
	p->skel = nfhook_bpf__open();
	nfhook_log_end();
	if (!p->skel) {
		err = -errno;
		nfp_err(inst, "cannot open the embedded BPF object: %s%s%s",
			strerror(-err), *nfhook_libbpf_log() ? ": " : "",
			nfhook_libbpf_log());
		return err;
	}
	bpf_program__set_type(p->skel->progs.nfhook_flows,
			      (enum bpf_prog_type)NFHOOK_PROG_TYPE_NETFILTER);
	bpf_program__set_expected_attach_type(
		p->skel->progs.nfhook_flows,
		(enum bpf_attach_type)NFHOOK_ATTACH_NETFILTER);
	bpf_map__set_max_entries(p->skel->maps.flows, (__u32)p->max_flows);
	p->skel->rodata->cfg_mode = p->mode == MODE_PACKETS ? 1 : 0;
	p->skel->rodata->cfg_first = (__u32)p->first;
	p->skel->rodata->cfg_snaplen = (__u32)p->snaplen;
	p->skel->rodata->cfg_sample = (__u32)p->sample;
	err = nfhook_load_logged(skel_load, p->skel, msg, sizeof(msg));
	if (err)
		nfp_err(inst, "%s", msg);
	return err;
}

static int nfhook_start(struct nfp_inst *inst)
{
	struct nfhook_priv *p = inst->priv;
	uint64_t every;
	int err, prog_fd;

	p->link[0] = p->link[1] = -1;
	p->rb_fd = -1;
	err = load(inst);
	if (err)
		goto fail;
	prog_fd = bpf_program__fd(p->skel->progs.nfhook_flows);
	if (p->family != FAM_IPV6) {
		p->link[0] = link_create(inst, prog_fd, 2);
		if (p->link[0] < 0) {
			err = p->link[0];
			goto fail;
		}
	}
	if (p->family != FAM_IPV4) {
		p->link[1] = link_create(inst, prog_fd, 10);
		if (p->link[1] < 0) {
			err = p->link[1];
			goto fail;
		}
	}
	p->keys = calloc(p->max_flows, sizeof(*p->keys));
	p->why = malloc(p->max_flows);
	p->bkeys = calloc(SCAN_BATCH, sizeof(*p->bkeys));
	p->bvals = calloc(SCAN_BATCH, sizeof(*p->bvals));
	p->rb = ring_buffer__new(bpf_map__fd(p->skel->maps.ended), on_ended,
				 inst, NULL);
	p->timer = nfp_timer_new(inst, nfhook_tick, NULL);
	if (!p->keys || !p->why || !p->bkeys || !p->bvals || !p->rb ||
	    !p->timer) {
		err = -ENOMEM;
		goto fail;
	}
	p->rb_fd = ring_buffer__epoll_fd(p->rb);
	err = nfp_fd_add(inst, p->rb_fd, EPOLLIN, nfhook_read);
	if (err)
		goto fail;
	/* Scan often enough that a timeout is late by a quarter at most. */
	every = p->idle_timeout < p->active_timeout ? p->idle_timeout
						    : p->active_timeout;
	every /= 4;
	if (every < 100)
		every = 100;
	if (every > 1000)
		every = 1000;
	err = nfp_timer_arm(p->timer, every, every);
	if (err)
		goto fail;
	nfp_info(
		inst,
		"attached at %s hook %s priority %lld: %s, up to %llu flows, idle %llu ms, active %llu ms",
		family_names[p->family], hook_names[p->hook],
		(long long)p->priority, mode_names[p->mode],
		(unsigned long long)p->max_flows,
		(unsigned long long)p->idle_timeout,
		(unsigned long long)p->active_timeout);
	return 0;
fail:
	nfhook_stop(inst);
	return err;
}

NFP_PLUGIN(input, nfhook) = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_INPUT,
	.name = "NFHOOK",
	.summary = "flows counted by nfpipe's eBPF program at a netfilter hook",
	.options = nfhook_options,
	.out_keys = nfhook_keys,
	.counters = nfhook_counters,
	.priv_size = sizeof(struct nfhook_priv),
	.configure = nfhook_configure,
	.start = nfhook_start,
	.stop = nfhook_stop,
};
