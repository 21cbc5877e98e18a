/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * input/pcap - packets from a capture file, or live from an interface
 *
 * Produces the keys of the NFLOG input (doc/keys.md) plus oob.group, one
 * record per captured frame, so every stack written for NFLOG runs on a
 * capture. Frames are decoded by pcap_parse.c and filled by the NFLOG
 * input's own nflog_fill(); timestamps come from the capture. Offline, the
 * input never blocks the loop: an always-ready eventfd wakes it, each wakeup
 * reads at most `batch` frames (so outputs flush between batches), and with
 * speed=N it pauses on a timer until the next frame is due at N x the
 * captured rate. At the end of the file it tells the core with
 * nfp_input_done(). Live (interface=), libpcap's fd sits in the loop in
 * non-blocking mode. A frame that cannot be decoded is counted, logged at a
 * limited rate and skipped. Main thread only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pcap/pcap.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

#include <nfpipe/plugin.h>

#include "pcap_parse.h"

/* packets = ip + not_ip + malformed + unsupported */
enum pcapin_ctr {
	C_PACKETS,
	C_MALFORMED,
	C_KERNEL_DROPS,
	C_IP,
	C_NOT_IP,
	C_UNSUPPORTED,
};

static const char *const pcapin_counters[] = {
	[C_PACKETS] = "packets",	   /* frames read */
	[C_MALFORMED] = "malformed",	   /* skipped: cut short, bad */
	[C_KERNEL_DROPS] = "kernel_drops", /* live: pcap_stats() */
	[C_IP] = "ip",			   /* records of IPv4, IPv6 */
	[C_NOT_IP] = "not_ip",		   /* ARP & co, or skipped */
	[C_UNSUPPORTED] = "unsupported",   /* skipped: link inside PPI */
	NULL
};

/* NFLOG's keys at NFLOG's indexes, so nflog_fill() sets them; then ours. */
#define PCAP_K_GROUP NFLOG_K__MAX
#define IA	     NFP_KEYF_INACTIVE

static const struct nfp_key pcapin_keys[] = {
	[NFLOG_K_RAW_MAC] = { "raw.mac", NFP_T_RAW, 0,
			      "link-layer header: Ethernet frames and NFLOG's HWHEADER" },
	[NFLOG_K_RAW_MAC_LEN] = { "raw.mac_len", NFP_T_U16, 0,
				  "bytes in raw.mac" },
	[NFLOG_K_RAW_PKT] = { "raw.pkt", NFP_T_RAW, 0,
			      "packet from its network header, as captured" },
	[NFLOG_K_RAW_PKTLEN] = { "raw.pktlen", NFP_T_U32, 0,
				 "bytes in raw.pkt" },
	[NFLOG_K_RAW_PKTCOUNT] = { "raw.pktcount", NFP_T_U32, 0,
				   "packets in this record: always 1" },
	[NFLOG_K_RAW_TYPE] = { "raw.type", NFP_T_U16, 0,
			       "ARPHRD_* type: Ethernet, the cooked header's, or NFLOG's" },
	[NFLOG_K_RAW_MAC_SADDR] = { "raw.mac.saddr", NFP_T_RAW, 0,
				    "source hardware address" },
	[NFLOG_K_RAW_MAC_ADDRLEN] = { "raw.mac.addrlen", NFP_T_U16, 0,
				      "bytes in raw.mac.saddr" },
	[NFLOG_K_RAW_LABEL] = { "raw.label", NFP_T_U8, 0,
				"the numeric_label option" },
	[NFLOG_K_PREFIX] = { "oob.prefix", NFP_T_STRING, 0,
			     "log prefix (DLT_NFLOG captures only)" },
	[NFLOG_K_TIME_SEC] = { "oob.time.sec", NFP_T_U32, 0,
			       "packet time from the capture: seconds" },
	[NFLOG_K_TIME_USEC] = { "oob.time.usec", NFP_T_U32, 0,
				"and microseconds" },
	[NFLOG_K_MARK] = { "oob.mark", NFP_T_U32, 0,
			   "packet mark (DLT_NFLOG), else 0" },
	[NFLOG_K_IFINDEX_IN] = { "oob.ifindex_in", NFP_T_U32, 0,
				 "input interface index (NFLOG, SLL2), 0 when none" },
	[NFLOG_K_IFINDEX_OUT] = { "oob.ifindex_out", NFP_T_U32, 0,
				  "output interface index (NFLOG, SLL2), 0 when none" },
	[NFLOG_K_HOOK] = { "oob.hook", NFP_T_U8, 0,
			   "netfilter hook (NFLOG); else 0, or 4 for outgoing frames" },
	[NFLOG_K_SEQ_LOCAL] = { "oob.seq.local", NFP_T_U32, 0,
				"NFLOG sequence number, when the capture has it" },
	[NFLOG_K_SEQ_GLOBAL] = { "oob.seq.global", NFP_T_U32, 0,
				 "NFLOG global sequence number, when the capture has it" },
	[NFLOG_K_FAMILY] = { "oob.family", NFP_T_U8, 0,
			     "AF_INET, AF_INET6, NFPROTO_ARP, else AF_BRIDGE" },
	[NFLOG_K_PROTOCOL] = { "oob.protocol", NFP_T_U16, 0,
			       "ethertype of the packet (ETH_P_IP ...)" },
	[NFLOG_K_UID] = { "oob.uid", NFP_T_U32, 0,
			  "owner of the sending socket (DLT_NFLOG, local packets)" },
	[NFLOG_K_GID] = { "oob.gid", NFP_T_U32, 0,
			  "group of the sending socket (DLT_NFLOG, local packets)" },
	[NFLOG_K_CT_STATE] = { "ct.state", NFP_T_STRING, IA,
			       "never set: captures carry no conntrack info" },
	[NFLOG_K_CT_MARK] = { "ct.mark", NFP_T_U32, IA, "never set" },
	[NFLOG_K_CT_ID] = { "ct.id", NFP_T_U32, IA, "never set" },
	[PCAP_K_GROUP] = { "oob.group", NFP_T_U16, 0,
			   "NFLOG group (DLT_NFLOG captures; nfpipe's, not ulogd2's)" },
	{ 0 }
};

struct pcapin_priv {
	/* options, filled by the core */
	char *file;	  /* capture to read, or NULL */
	char *interface;  /* live device, or NULL */
	uint64_t speed;	  /* 0: flat out; N: N x real time */
	uint64_t batch;	  /* frames per wakeup */
	uint64_t snaplen; /* live: bytes per frame */
	bool promisc;	  /* live: promiscuous mode */
	char *filter;	  /* BPF expression, or NULL */
	uint64_t label;	  /* raw.label */

	/* state */
	pcap_t *pc;		    /* the capture, NULL when closed */
	int dlt;		    /* its link type */
	int evfd;		    /* offline: always-ready wakeup, or -1 */
	struct nfp_timer *pace;	    /* offline speed=N: the pause */
	bool paused;		    /* evfd is off until pace fires */
	bool done;		    /* end of file reached */
	bool have_held;		    /* held/held_data: a frame not yet due */
	struct pcap_pkthdr held;    /* its header */
	const u_char *held_data;    /* its bytes, valid until next read */
	uint64_t t0_pkt_us;	    /* capture time of the first frame */
	uint64_t t0_wall_us;	    /* monotonic time it was replayed */
	bool t0_set;		    /* the two above are valid */
	struct nflog_fill_ctx fill; /* label, capture time */
	unsigned int batch_n;	    /* frames in this wakeup */
};

static const struct nfp_option pcapin_options[] = {
	{ .name = "file",
	  .type = NFP_OPT_PATH,
	  .off = offsetof(struct pcapin_priv, file),
	  .help = "Capture file to replay (pcap or pcapng; link types in the README: Ethernet, raw IP, loopback, PPP, Cisco HDLC, 802.11, PPI, Linux cooked, NFLOG)." },
	{ .name = "interface",
	  .type = NFP_OPT_STRING,
	  .off = offsetof(struct pcapin_priv, interface),
	  .help = "Capture live on this interface instead (also nflog:N); needs CAP_NET_RAW." },
	{ .name = "speed",
	  .type = NFP_OPT_UINT,
	  .def = "0",
	  .min = 0,
	  .max = 1000000,
	  .off = offsetof(struct pcapin_priv, speed),
	  .help = "Replay pace: 0 as fast as possible, N at N times the captured rate." },
	{ .name = "batch",
	  .type = NFP_OPT_UINT,
	  .def = "256",
	  .min = 1,
	  .max = 100000,
	  .off = offsetof(struct pcapin_priv, batch),
	  .help = "Frames read per loop wakeup: outputs flush between batches." },
	{ .name = "snaplen",
	  .type = NFP_OPT_UINT,
	  .def = "65535",
	  .min = 64,
	  .max = 262144,
	  .off = offsetof(struct pcapin_priv, snaplen),
	  .help = "Live: bytes captured per frame." },
	{ .name = "promisc",
	  .type = NFP_OPT_BOOL,
	  .def = "0",
	  .off = offsetof(struct pcapin_priv, promisc),
	  .help = "Live: put the interface in promiscuous mode." },
	{ .name = "filter",
	  .type = NFP_OPT_STRING,
	  .off = offsetof(struct pcapin_priv, filter),
	  .help = "BPF filter expression (tcpdump syntax) applied to the frames." },
	{ .name = "numeric_label",
	  .type = NFP_OPT_UINT,
	  .def = "0",
	  .min = 0,
	  .max = 255,
	  .off = offsetof(struct pcapin_priv, label),
	  .help = "Value of raw.label in every record, as NFLOG's option." },
	{ 0 }
};

static uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* ---- one frame ---------------------------------------------------------- */

/* A frame pcapin_decode() refused: counted by reason, @r. */
static void skipped(struct nfp_inst *inst, int r, const struct nflog_pkt *pkt)
{
	unsigned long long n = inst->ctr[C_PACKETS];
	const char *name;

	switch (r) {
	case PCAPIN_ENOTIP:
		/* PPP keepalives and 802.11 beacons are normal, not news. */
		inst->ctr[C_NOT_IP]++;
		nfp_dbg(inst, "frame %llu skipped: %s (0x%04x)", n, pkt->why,
			pkt->hw_protocol);
		break;
	case PCAPIN_EDLT:
		inst->ctr[C_UNSUPPORTED]++;
		name = pcap_datalink_val_to_name(pkt->hw_protocol);
		nfp_warn_rl(inst, "frame %llu skipped: %s: %u (%s)", n,
			    pkt->why, pkt->hw_protocol,
			    name ? name : "unknown");
		break;
	default:
		inst->ctr[C_MALFORMED]++;
		nfp_warn_rl(inst, "frame %llu skipped: %s", n, pkt->why);
		break;
	}
}

static void frame(struct nfp_inst *inst, const struct pcap_pkthdr *h,
		  const u_char *data)
{
	struct pcapin_priv *p = inst->priv;
	struct nflog_pkt pkt;
	struct nfp_rec *rec;
	int r;

	inst->ctr[C_PACKETS]++;
	p->batch_n++;
	r = pcapin_decode(p->dlt, data, h->caplen, &pkt);
	if (r < 0) {
		skipped(inst, r, &pkt);
		return;
	}
	inst->ctr[pcapin_is_ip(pkt.family) ? C_IP : C_NOT_IP]++;
	rec = nfp_rec_new(inst);
	if (!rec)
		return;
	/* NFLOG's time when the frame has one, else the capture's. */
	p->fill.now_sec = h->ts.tv_sec;
	p->fill.now_usec = (uint32_t)h->ts.tv_usec;
	nflog_fill(rec, &pkt, &p->fill);
	if (p->dlt == PCAPIN_DLT_NFLOG)
		nfp_set_u16(rec, PCAP_K_GROUP, pkt.group);
	nfp_rec_push(inst, rec);
}

/* ---- offline ------------------------------------------------------------- */

static void finish(struct nfp_inst *inst)
{
	struct pcapin_priv *p = inst->priv;

	if (p->done)
		return;
	p->done = true;
	if (p->evfd >= 0) {
		nfp_fd_del(inst, p->evfd);
		close(p->evfd);
		p->evfd = -1;
	}
	nfp_info(
		inst,
		"end of %s: %llu frames, %llu malformed, %llu IP, %llu not IP, %llu of an unsupported link type",
		p->file, (unsigned long long)inst->ctr[C_PACKETS],
		(unsigned long long)inst->ctr[C_MALFORMED],
		(unsigned long long)inst->ctr[C_IP],
		(unsigned long long)inst->ctr[C_NOT_IP],
		(unsigned long long)inst->ctr[C_UNSUPPORTED]);
	nfp_input_done(inst);
}

/*
 * With speed=N: microseconds until the frame @h is due, 0 when it is. The
 * first frame sets the origin of both clocks.
 */
static uint64_t due_in(struct pcapin_priv *p, const struct pcap_pkthdr *h)
{
	uint64_t t = (uint64_t)h->ts.tv_sec * 1000000 + (uint64_t)h->ts.tv_usec;
	uint64_t at, now;

	if (!p->speed)
		return 0;
	if (!p->t0_set || t < p->t0_pkt_us) {
		/* A capture going back in time restarts the pacing. */
		p->t0_pkt_us = t;
		p->t0_wall_us = mono_us();
		p->t0_set = true;
		return 0;
	}
	at = p->t0_wall_us + (t - p->t0_pkt_us) / p->speed;
	now = mono_us();
	return at > now ? at - now : 0;
}

static void pause_until(struct nfp_inst *inst, uint64_t us)
{
	struct pcapin_priv *p = inst->priv;

	nfp_fd_mod(inst, p->evfd, 0);
	p->paused = true;
	nfp_timer_arm(p->pace, (us + 999) / 1000, 0);
}

static void offline_read(struct nfp_inst *inst, int fd, uint32_t events)
{
	struct pcapin_priv *p = inst->priv;
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t wait;
	int r;

	if (p->done || p->paused || !p->pc)
		return;
	p->batch_n = 0;
	while (p->batch_n < p->batch) {
		if (p->have_held) {
			h = &p->held;
			data = p->held_data;
		} else {
			r = pcap_next_ex(p->pc, &h, &data);
			if (r == PCAP_ERROR_BREAK) {
				finish(inst);
				return;
			}
			if (r < 0) {
				nfp_err(inst, "reading %s failed: %s", p->file,
					pcap_geterr(p->pc));
				finish(inst);
				return;
			}
		}
		wait = due_in(p, h);
		if (wait) {
			if (!p->have_held) {
				p->held = *h;
				p->held_data = data;
				p->have_held = true;
			}
			pause_until(inst, wait);
			return;
		}
		p->have_held = false;
		frame(inst, h, data);
	}
}

static void pace_fired(struct nfp_inst *inst, void *arg)
{
	struct pcapin_priv *p = inst->priv;

	if (p->done || p->evfd < 0)
		return;
	p->paused = false;
	nfp_fd_mod(inst, p->evfd, EPOLLIN);
}

static int open_offline(struct nfp_inst *inst)
{
	struct pcapin_priv *p = inst->priv;
	char err[PCAP_ERRBUF_SIZE] = "";

	p->pc = pcap_open_offline_with_tstamp_precision(
		p->file, PCAP_TSTAMP_PRECISION_MICRO, err);
	if (!p->pc) {
		nfp_err(inst, "cannot read capture %s: %s", p->file, err);
		return -ENOENT;
	}
	return 0;
}

/* ---- live ---------------------------------------------------------------- */

static void live_cb(u_char *user, const struct pcap_pkthdr *h,
		    const u_char *data)
{
	frame((struct nfp_inst *)user, h, data);
}

static void live_read(struct nfp_inst *inst, int fd, uint32_t events)
{
	struct pcapin_priv *p = inst->priv;
	struct pcap_stat st;

	p->batch_n = 0;
	if (pcap_dispatch(p->pc, (int)p->batch, live_cb, (u_char *)inst) < 0)
		nfp_err_rl(inst, "capture on %s failed: %s", p->interface,
			   pcap_geterr(p->pc));
	if (pcap_stats(p->pc, &st) == 0)
		inst->ctr[C_KERNEL_DROPS] = st.ps_drop;
}

static int open_live(struct nfp_inst *inst)
{
	struct pcapin_priv *p = inst->priv;
	char err[PCAP_ERRBUF_SIZE] = "";
	int r;

	p->pc = pcap_create(p->interface, err);
	if (!p->pc) {
		nfp_err(inst, "cannot capture on %s: %s", p->interface, err);
		return -ENODEV;
	}
	pcap_set_snaplen(p->pc, (int)p->snaplen);
	pcap_set_promisc(p->pc, p->promisc);
	/* Frames as they come: batching is the loop's job, not libpcap's. */
	pcap_set_immediate_mode(p->pc, 1);
	pcap_set_tstamp_precision(p->pc, PCAP_TSTAMP_PRECISION_MICRO);
	r = pcap_activate(p->pc);
	if (r < 0) {
		nfp_err(inst, "cannot capture on %s: %s", p->interface,
			pcap_geterr(p->pc));
		return -EPERM;
	}
	if (pcap_setnonblock(p->pc, 1, err) < 0) {
		nfp_err(inst, "%s: %s", p->interface, err);
		return -EIO;
	}
	return 0;
}

/* ---- plugin callbacks ---------------------------------------------------- */

static int pcapin_configure(struct nfp_inst *inst)
{
	struct pcapin_priv *p = inst->priv;

	if (!p->file == !p->interface) {
		nfp_err(inst,
			"set either file= (replay a capture) or interface= (capture live)");
		return -EINVAL;
	}
	return 0;
}

static int set_filter(struct nfp_inst *inst)
{
	struct pcapin_priv *p = inst->priv;
	struct bpf_program prog;
	int r;

	if (!p->filter)
		return 0;
	if (pcap_compile(p->pc, &prog, p->filter, 1, PCAP_NETMASK_UNKNOWN) <
	    0) {
		nfp_err(inst, "filter \"%s\": %s", p->filter,
			pcap_geterr(p->pc));
		return -EINVAL;
	}
	r = pcap_setfilter(p->pc, &prog);
	pcap_freecode(&prog);
	if (r < 0) {
		nfp_err(inst, "filter \"%s\": %s", p->filter,
			pcap_geterr(p->pc));
		return -EINVAL;
	}
	return 0;
}

static void close_all(struct nfp_inst *inst)
{
	struct pcapin_priv *p = inst->priv;

	if (p->evfd >= 0) {
		nfp_fd_del(inst, p->evfd);
		close(p->evfd);
	}
	p->evfd = -1;
	if (p->pc)
		pcap_close(p->pc);
	p->pc = NULL;
	p->have_held = false;
}

static int pcapin_start(struct nfp_inst *inst)
{
	struct pcapin_priv *p = inst->priv;
	int r;

	p->evfd = -1;
	p->fill.label = (uint8_t)p->label;
	r = p->file ? open_offline(inst) : open_live(inst);
	if (r < 0)
		goto fail;
	p->dlt = pcap_datalink(p->pc);
	if (!pcapin_dlt_supported(p->dlt)) {
		const char *n = pcap_datalink_val_to_name(p->dlt);

		nfp_err(inst,
			"link type %d (%s) is not one this input reads: Ethernet, raw IP (RAW, IPV4, IPV6), loopback (NULL, LOOP), PPP (PPP, PPP_SERIAL, PPP_ETHER, PPP_PPPD, PPP_WITH_DIR), Cisco HDLC (C_HDLC, C_HDLC_WITH_DIR), 802.11 (IEEE802_11, IEEE802_11_RADIO, PPI), Linux cooked (LINUX_SLL, LINUX_SLL2) or NFLOG",
			p->dlt, n ? n : "unknown");
		r = -EPROTONOSUPPORT;
		goto fail;
	}
	r = set_filter(inst);
	if (r < 0)
		goto fail;
	if (p->interface) {
		r = nfp_fd_add(inst, pcap_get_selectable_fd(p->pc), EPOLLIN,
			       live_read);
		if (r < 0)
			goto fail_loop;
		nfp_info(inst, "capturing on %s (%s)", p->interface,
			 pcap_datalink_val_to_name(p->dlt));
		return 0;
	}
	/* Level-triggered and never read: ready on every wakeup. */
	p->evfd = eventfd(1, EFD_NONBLOCK | EFD_CLOEXEC);
	if (p->evfd < 0) {
		r = -errno;
		goto fail_loop;
	}
	r = nfp_fd_add(inst, p->evfd, EPOLLIN, offline_read);
	if (r < 0) {
		close(p->evfd);
		p->evfd = -1;
		goto fail_loop;
	}
	if (p->speed) {
		p->pace = nfp_timer_new(inst, pace_fired, NULL);
		if (!p->pace) {
			r = -ENOMEM;
			goto fail_loop;
		}
	}
	if (p->speed)
		nfp_info(inst, "replaying %s (%s) at %llu x the captured pace",
			 p->file, pcap_datalink_val_to_name(p->dlt),
			 (unsigned long long)p->speed);
	else
		nfp_info(inst, "replaying %s (%s) as fast as possible", p->file,
			 pcap_datalink_val_to_name(p->dlt));
	return 0;
fail_loop:
	nfp_err(inst, "cannot join the event loop: %s", strerror(-r));
fail:
	close_all(inst);
	return r;
}

static void pcapin_stop(struct nfp_inst *inst)
{
	struct pcapin_priv *p = inst->priv;

	if (p->interface && p->pc)
		nfp_fd_del(inst, pcap_get_selectable_fd(p->pc));
	/* The core frees the pace timer with the instance's other watches. */
	p->pace = NULL;
	close_all(inst);
}

NFP_PLUGIN(input, pcap) = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_INPUT,
	.name = "PCAP",
	.summary =
		"packets from a capture file (replay) or a live interface, with NFLOG's keys",
	.options = pcapin_options,
	.out_keys = pcapin_keys,
	.counters = pcapin_counters,
	.priv_size = sizeof(struct pcapin_priv),
	.configure = pcapin_configure,
	.start = pcapin_start,
	.stop = pcapin_stop,
};
