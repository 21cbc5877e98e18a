/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output/ipfix - flows (NFCT) or packets (NFLOG/BASE) to an IPFIX collector
 *
 * Consumes NFCT's keys (records=flows, the default) or BASE's
 * (records=packets) and produces nothing. process() turns each record into
 * one IPFIX data record in wire form (ipfix_enc.c) and stores it, with its
 * template id, as a row of the queued-sink core (include/nfpipe/sink.h).
 * The sink's worker thread owns the socket: it packs a batch's records into
 * RFC 7011 messages of at most `mtu` octets and sends them, over TCP
 * (blocking send with a timeout) or UDP (sendmmsg). The main thread never
 * waits on the collector: while it is away batches queue, then spool to
 * disk, and are sent in order when it is back. Rows reach the worker in
 * messages' worth (GATHER_MSGS full messages, or after GATHER_MS), not
 * after every wakeup of the loop: the sink core decides, from the
 * gather_rows and gather_ms set here (see gather_setup()).
 *
 * Sessions: every (re)connection is a new transport session: templates go
 * first, and over TCP the sequence number starts again at 0. Over UDP the
 * templates are sent again every `template_refresh` (RFC 7011 8.4) and the
 * sequence number runs on for the life of the instance. A batch that fails
 * part-way is sent again from its first unsent record, so a record is
 * counted in the sequence number once per session that carried it.
 * TCP is at least once: the worker holds a copy of the session's tail
 * (what the collector's window and our send queue can hold); when the
 * connection is reset, or breaks with data in flight, that tail goes first
 * in the next session (counter `resent`). A clean close by the collector
 * means it read everything: the copy is dropped.
 *
 * Flows: by default only records that end a connection (ct.event DESTROY)
 * are exported; NEW and UPDATE records are counted as `skipped`.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* sendmmsg */
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <linux/sockios.h> /* SIOCOUTQ */
#include <linux/tcp.h>	   /* struct tcp_info with tcpi_snd_wnd */

#include <nfpipe/plugin.h>
#include <nfpipe/sink.h>

#include "ipfix_enc.h"

#define UDP_MTU	    1400	/* mtu=0 over UDP: fits a 1500-octet path */
#define TCP_MTU	    16384	/* mtu=0 over TCP: fewer, larger messages */
#define MMSG_CHUNK  64		/* datagrams per sendmmsg() */
#define HOLD_MIN    (64u << 10) /* TCP: least tail of records held */
#define HOLD_MAX    (32u << 20) /* ... and most */
#define HOLD_BLIND  (8u << 20)	/* when the kernel cannot say the window */
#define GATHER_MSGS 8		/* full messages' worth of rows per handover */
#define GATHER_MS   50		/* longest wait for them */

enum { PROTO_TCP = 0, PROTO_UDP };
enum { TMPL_ONCE = 0, TMPL_ALWAYS, TMPL_NEVER };
enum { REC_FLOWS = 0, REC_PACKETS };

static const char *const proto_names[] = { "tcp", "udp", NULL };
static const char *const tmpl_names[] = { "once", "always", "never", NULL };
static const char *const rec_names[] = { "flows", "packets", NULL };

/* Counters after the sink's: copied from the worker's in flush(). */
enum {
	CTR_MESSAGES = NFP_SINK_NCTR, /* IPFIX messages sent */
	CTR_RECORDS,		      /* data records sent */
	CTR_TEMPLATES,		      /* messages that carried templates */
	CTR_SKIPPED,		      /* records not exported (not DESTROY,
				       * not IPv4/IPv6) */
	CTR_SEND_ERRORS,	      /* failed sends (then reconnect) */
	CTR_RESENT,		      /* records sent again after a
				       * connection broke (TCP) */
};

static const char *const ipfix_counters[] = {
	NFP_SINK_COUNTER_NAMES, "messages", "records", "templates", "skipped",
	"send_errors",		"resent",   NULL
};

struct ipfix_priv {
	char *host;		   /* option host */
	uint64_t port;		   /* option port */
	int proto;		   /* option proto: PROTO_* */
	uint64_t oid;		   /* option oid (ulogd2's) */
	uint64_t domain_id;	   /* option domain_id */
	uint64_t mtu;		   /* option mtu; 0: by proto */
	int send_template;	   /* option send_template: TMPL_* */
	uint64_t template_refresh; /* option template_refresh, ms */
	int records;		   /* option records: REC_* */
	bool all_events;	   /* option all_events */
	uint64_t timeout;	   /* option timeout, ms */
	struct nfp_sink_conf sink; /* batch, queue and spool options */
	struct nfp_sink *s;	   /* running sink, or NULL */
	struct ipfix_ctx *x;	   /* the worker's state, for counters;
				    * owned by the sink */
};

/* The worker's side: owned by the sink once started (ctx_release). */
struct ipfix_ctx {
	char *host;		 /* collector name or address */
	char port[8];		 /* its port, as text */
	int proto;		 /* PROTO_* */
	int send_template;	 /* TMPL_* */
	uint64_t refresh_ms;	 /* UDP template refresh; 0: never */
	uint64_t timeout_ms;	 /* TCP connect and send timeout */
	int fd;			 /* connected socket, or -1 */
	struct ipfix_exp exp;	 /* sequence, templates due, MTU */
	uint64_t tmpl_at;	 /* monotonic ms of the last templates */
	struct ipfix_rec *recs;	 /* a batch's records */
	uint32_t *rowof;	 /* the batch row of each record */
	size_t rcap;		 /* entries allocated in recs */
	struct ipfix_out out;	 /* a batch's messages */
	uint64_t resume_batch;	 /* batch sent in part ... */
	uint32_t resume_row;	 /* ... up to this row; 0: none */
	uint8_t *hold;		 /* TCP: the tail of records sent in this
				  * session, as tid, len, data (host order) */
	size_t hold_len;	 /* octets used in hold */
	size_t hold_cap;	 /* octets allocated */
	size_t hold_nrec;	 /* records in hold */
	uint32_t max_wnd;	 /* largest window the collector offered */
	bool resend;		 /* the session broke with data unread:
				  * hold goes first in the next one */
	struct nfp_ratelimit rl; /* worker complaints */
	struct nfp_sink *s;	 /* for nfp_sink_ctr_add(), set by the ops */
};

static const struct nfp_option ipfix_options[] = {
	{ .name = "host",
	  .type = NFP_OPT_STRING,
	  .flags = NFP_OPT_REQUIRED,
	  .off = offsetof(struct ipfix_priv, host),
	  .help = "Collector host name or address (IPv4 or IPv6)." },
	{ .name = "port",
	  .type = NFP_OPT_UINT,
	  .def = "4739",
	  .min = 1,
	  .max = 65535,
	  .off = offsetof(struct ipfix_priv, port),
	  .help = "Collector port (IANA's IPFIX port is 4739)." },
	{ .name = "proto",
	  .type = NFP_OPT_ENUM,
	  .def = "tcp",
	  .enums = proto_names,
	  .off = offsetof(struct ipfix_priv, proto),
	  .help = "Transport: tcp or udp." },
	{ .name = "domain_id",
	  .type = NFP_OPT_UINT,
	  .def = "0",
	  .max = UINT32_MAX,
	  .off = offsetof(struct ipfix_priv, domain_id),
	  .help = "Observation domain id in every message header; 0: oid's." },
	{ .name = "oid",
	  .type = NFP_OPT_UINT,
	  .def = "0",
	  .max = UINT32_MAX,
	  .off = offsetof(struct ipfix_priv, oid),
	  .help = "ulogd2's name of domain_id (used when domain_id is 0)." },
	{ .name = "mtu",
	  .type = NFP_OPT_UINT,
	  .def = "0",
	  .max = 65535,
	  .off = offsetof(struct ipfix_priv, mtu),
	  .help = "Longest IPFIX message in octets; 0: 1400 over UDP, 16384 over TCP." },
	{ .name = "send_template",
	  .type = NFP_OPT_ENUM,
	  .def = "once",
	  .enums = tmpl_names,
	  .off = offsetof(struct ipfix_priv, send_template),
	  .help = "Templates: once (first message of each session, and every template_refresh over UDP), always (every message), never." },
	{ .name = "template_refresh",
	  .type = NFP_OPT_DURATION,
	  .def = "60s",
	  .unit = "s",
	  .max = 86400000,
	  .off = offsetof(struct ipfix_priv, template_refresh),
	  .help = "UDP: send the templates again after this long; 0: never." },
	{ .name = "records",
	  .type = NFP_OPT_ENUM,
	  .def = "flows",
	  .enums = rec_names,
	  .off = offsetof(struct ipfix_priv, records),
	  .help = "flows (NFCT's keys, one record per ended connection) or packets (BASE's keys, one record per packet)." },
	{ .name = "all_events",
	  .type = NFP_OPT_BOOL,
	  .def = "0",
	  .off = offsetof(struct ipfix_priv, all_events),
	  .help = "Flows: export NEW and UPDATE records too, not only DESTROY." },
	{ .name = "timeout",
	  .type = NFP_OPT_DURATION,
	  .def = "5s",
	  .unit = "s",
	  .min = 100,
	  .max = 600000,
	  .off = offsetof(struct ipfix_priv, timeout),
	  .help = "TCP: longest wait to connect or to send one batch." },
	NFP_SINK_OPTIONS(struct ipfix_priv, sink),
	{ 0 }
};

/* ---- keys -------------------------------------------------------------------
 */

enum {
	FK_SADDR = 0,
	FK_DADDR,
	FK_PROTO,
	FK_SPORT,
	FK_DPORT,
	FK_BYTES,
	FK_PKTS,
	FK_R_SADDR,
	FK_R_DADDR,
	FK_R_SPORT,
	FK_R_DPORT,
	FK_R_BYTES,
	FK_R_PKTS,
	FK_START_SEC,
	FK_START_USEC,
	FK_END_SEC,
	FK_END_USEC,
	FK_ICMP_TYPE,
	FK_ICMP_CODE,
	FK_ICMP6_TYPE,
	FK_ICMP6_CODE,
	FK_CT_ID,
	FK_CT_EVENT,
	FK_TCP_STATE,
};

#define OPT NFP_KEYF_OPTIONAL

static const struct nfp_key flow_keys[] = {
	[FK_SADDR] = { "orig.ip.saddr", NFP_T_ADDR, 0,
		       "sourceIPv4/IPv6Address" },
	[FK_DADDR] = { "orig.ip.daddr", NFP_T_ADDR, 0,
		       "destinationIPv4/IPv6Address" },
	[FK_PROTO] = { "orig.ip.protocol", NFP_T_U8, 0, "protocolIdentifier" },
	[FK_SPORT] = { "orig.l4.sport", NFP_T_U16, OPT, "sourceTransportPort" },
	[FK_DPORT] = { "orig.l4.dport", NFP_T_U16, OPT,
		       "destinationTransportPort" },
	[FK_BYTES] = { "orig.raw.pktlen", NFP_T_U64, OPT, "octetDeltaCount" },
	[FK_PKTS] = { "orig.raw.pktcount", NFP_T_U64, OPT, "packetDeltaCount" },
	[FK_R_SADDR] = { "reply.ip.saddr", NFP_T_ADDR, OPT,
			 "postNATDestinationIPv4Address when translated" },
	[FK_R_DADDR] = { "reply.ip.daddr", NFP_T_ADDR, OPT,
			 "postNATSourceIPv4Address when translated" },
	[FK_R_SPORT] = { "reply.l4.sport", NFP_T_U16, OPT,
			 "postNAPTDestinationTransportPort when translated" },
	[FK_R_DPORT] = { "reply.l4.dport", NFP_T_U16, OPT,
			 "postNAPTSourceTransportPort when translated" },
	[FK_R_BYTES] = { "reply.raw.pktlen", NFP_T_U64, OPT,
			 "postOctetDeltaCount (reply direction)" },
	[FK_R_PKTS] = { "reply.raw.pktcount", NFP_T_U64, OPT,
			"postPacketDeltaCount (reply direction)" },
	[FK_START_SEC] = { "flow.start.sec", NFP_T_U32, OPT,
			   "flowStartMilliseconds" },
	[FK_START_USEC] = { "flow.start.usec", NFP_T_U32, OPT, "" },
	[FK_END_SEC] = { "flow.end.sec", NFP_T_U32, OPT,
			 "flowEndMilliseconds (unset: the export time)" },
	[FK_END_USEC] = { "flow.end.usec", NFP_T_U32, OPT, "" },
	[FK_ICMP_TYPE] = { "icmp.type", NFP_T_U8, OPT, "icmpTypeCodeIPv4" },
	[FK_ICMP_CODE] = { "icmp.code", NFP_T_U8, OPT, "" },
	[FK_ICMP6_TYPE] = { "icmpv6.type", NFP_T_U8, OPT, "icmpTypeCodeIPv6" },
	[FK_ICMP6_CODE] = { "icmpv6.code", NFP_T_U8, OPT, "" },
	[FK_CT_ID] = { "ct.id", NFP_T_U32, OPT, "flowId" },
	[FK_CT_EVENT] = { "ct.event", NFP_T_U32, OPT,
			  "only DESTROY (4) is exported unless all_events" },
	[FK_TCP_STATE] = { "ct.tcp.state", NFP_T_STRING, OPT,
			   "flowEndReason: end of flow after FIN/RST" },
	{ 0 }
};

enum {
	PK_SADDR = 0,
	PK_DADDR,
	PK_PROTO,
	PK_TOTLEN,
	PK_PAYLOADLEN,
	PK_TCP_SPORT,
	PK_TCP_DPORT,
	PK_UDP_SPORT,
	PK_UDP_DPORT,
	PK_ICMP_TYPE,
	PK_ICMP_CODE,
	PK_ICMP6_TYPE,
	PK_ICMP6_CODE,
	PK_TIME_SEC,
	PK_TIME_USEC,
};

static const struct nfp_key packet_keys[] = {
	[PK_SADDR] = { "ip.saddr", NFP_T_ADDR, 0, "sourceIPv4/IPv6Address" },
	[PK_DADDR] = { "ip.daddr", NFP_T_ADDR, 0,
		       "destinationIPv4/IPv6Address" },
	[PK_PROTO] = { "ip.protocol", NFP_T_U8, 0, "protocolIdentifier" },
	[PK_TOTLEN] = { "ip.totlen", NFP_T_U16, OPT,
			"octetDeltaCount of an IPv4 packet" },
	[PK_PAYLOADLEN] = { "ip6.payloadlen", NFP_T_U16, OPT,
			    "octetDeltaCount of an IPv6 packet, plus 40" },
	[PK_TCP_SPORT] = { "tcp.sport", NFP_T_U16, OPT, "sourceTransportPort" },
	[PK_TCP_DPORT] = { "tcp.dport", NFP_T_U16, OPT,
			   "destinationTransportPort" },
	[PK_UDP_SPORT] = { "udp.sport", NFP_T_U16, OPT, "sourceTransportPort" },
	[PK_UDP_DPORT] = { "udp.dport", NFP_T_U16, OPT,
			   "destinationTransportPort" },
	[PK_ICMP_TYPE] = { "icmp.type", NFP_T_U8, OPT, "icmpTypeCodeIPv4" },
	[PK_ICMP_CODE] = { "icmp.code", NFP_T_U8, OPT, "" },
	[PK_ICMP6_TYPE] = { "icmpv6.type", NFP_T_U8, OPT, "icmpTypeCodeIPv6" },
	[PK_ICMP6_CODE] = { "icmpv6.code", NFP_T_U8, OPT, "" },
	[PK_TIME_SEC] = { "oob.time.sec", NFP_T_U32, OPT,
			  "flowStartMilliseconds = flowEndMilliseconds" },
	[PK_TIME_USEC] = { "oob.time.usec", NFP_T_U32, OPT, "" },
	{ 0 }
};

#undef OPT

/* ---- helpers ----------------------------------------------------------------
 */

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t get_u(const struct nfp_rec *rec, unsigned int key,
		      enum nfp_type type, uint64_t dflt)
{
	const struct nfp_value *v = nfp_get(rec, key);

	if (!v)
		return dflt;
	switch (type) {
	case NFP_T_U8:
		return v->u8;
	case NFP_T_U16:
		return v->u16;
	case NFP_T_U32:
		return v->u32;
	default:
		return v->u64;
	}
}

#define U8K(rec, k, d)	get_u(rec, k, NFP_T_U8, d)
#define U16K(rec, k, d) get_u(rec, k, NFP_T_U16, d)
#define U32K(rec, k, d) get_u(rec, k, NFP_T_U32, d)
#define U64K(rec, k, d) get_u(rec, k, NFP_T_U64, d)

/* Copy an address key into @dst (16 octets); its family, or 0 if unset. */
static int get_addr(const struct nfp_rec *rec, unsigned int key, uint8_t *dst)
{
	const struct nfp_value *v = nfp_get(rec, key);

	if (!v)
		return 0;
	if (v->addr.family == AF_INET) {
		memcpy(dst, &v->addr.in4, 4);
		return AF_INET;
	}
	if (v->addr.family == AF_INET6) {
		memcpy(dst, v->addr.in6, 16);
		return AF_INET6;
	}
	return 0;
}

static uint64_t ms_of(const struct nfp_rec *rec, unsigned int sec_key,
		      unsigned int usec_key, uint64_t dflt)
{
	const struct nfp_value *s = nfp_get(rec, sec_key);

	if (!s)
		return dflt;
	return (uint64_t)s->u32 * 1000 + U32K(rec, usec_key, 0) / 1000;
}

/* flowEndReason (IANA): 1 idle timeout, 2 active timeout, 3 end of flow. */
static uint8_t end_reason(const struct nfp_rec *rec, uint64_t event)
{
	static const char *const closing[] = { "TIME_WAIT", "CLOSE",
					       "LAST_ACK",  "CLOSE_WAIT",
					       "FIN_WAIT",  NULL };
	const struct nfp_value *v;
	unsigned int i;

	if (event != 4)
		return 2; /* a live flow reported on the way */
	v = nfp_get(rec, FK_TCP_STATE);
	if (v)
		for (i = 0; closing[i]; i++)
			if (!strcmp(v->str.ptr, closing[i]))
				return 3;
	return 1;
}

/* ---- main thread: records to rows
 * --------------------------------------------- */

/* Fill @f from NFCT's keys; false when the record is not exported. */
static bool flow_from_rec(const struct ipfix_priv *p, const struct nfp_rec *rec,
			  struct ipfix_flow *f)
{
	uint8_t rs[16] = { 0 }, rd[16] = { 0 };
	uint64_t event = U32K(rec, FK_CT_EVENT, 4), now;
	int fam;

	if (event != 4 && !p->all_events)
		return false;
	fam = get_addr(rec, FK_SADDR, f->saddr);
	if (!fam || get_addr(rec, FK_DADDR, f->daddr) != fam)
		return false;
	f->family = (uint8_t)fam;
	f->proto = (uint8_t)U8K(rec, FK_PROTO, 0);
	f->sport = (uint16_t)U16K(rec, FK_SPORT, 0);
	f->dport = (uint16_t)U16K(rec, FK_DPORT, 0);
	if (fam == AF_INET && nfp_get(rec, FK_ICMP_TYPE))
		f->icmp = (uint16_t)(U8K(rec, FK_ICMP_TYPE, 0) << 8 |
				     U8K(rec, FK_ICMP_CODE, 0));
	else if (fam == AF_INET6 && nfp_get(rec, FK_ICMP6_TYPE))
		f->icmp = (uint16_t)(U8K(rec, FK_ICMP6_TYPE, 0) << 8 |
				     U8K(rec, FK_ICMP6_CODE, 0));
	f->bytes = U64K(rec, FK_BYTES, 0);
	f->pkts = U64K(rec, FK_PKTS, 0);
	f->rbytes = U64K(rec, FK_R_BYTES, 0);
	f->rpkts = U64K(rec, FK_R_PKTS, 0);
	now = wall_ms();
	f->end_ms = ms_of(rec, FK_END_SEC, FK_END_USEC, now);
	f->start_ms = ms_of(rec, FK_START_SEC, FK_START_USEC, f->end_ms);
	f->flow_id = U32K(rec, FK_CT_ID, 0);
	f->end_reason = end_reason(rec, event);

	/*
	 * The reply tuple is the original one reversed unless NAT changed
	 * it: its source is where the packets really went, its destination
	 * what the source became.
	 */
	if (fam == AF_INET && get_addr(rec, FK_R_SADDR, rs) == AF_INET &&
	    get_addr(rec, FK_R_DADDR, rd) == AF_INET) {
		uint16_t rsp = (uint16_t)U16K(rec, FK_R_SPORT, 0);
		uint16_t rdp = (uint16_t)U16K(rec, FK_R_DPORT, 0);

		if (memcmp(rs, f->daddr, 4) || memcmp(rd, f->saddr, 4) ||
		    rsp != f->dport || rdp != f->sport) {
			f->nat = true;
			memcpy(f->nat_saddr, rd, 4);
			memcpy(f->nat_daddr, rs, 4);
			f->nat_sport = rdp;
			f->nat_dport = rsp;
		}
	}
	return true;
}

/* Fill @f from BASE's keys: one packet. */
static bool packet_from_rec(const struct nfp_rec *rec, struct ipfix_flow *f)
{
	int fam = get_addr(rec, PK_SADDR, f->saddr);

	if (!fam || get_addr(rec, PK_DADDR, f->daddr) != fam)
		return false;
	f->family = (uint8_t)fam;
	f->proto = (uint8_t)U8K(rec, PK_PROTO, 0);
	if (nfp_get(rec, PK_TCP_SPORT)) {
		f->sport = (uint16_t)U16K(rec, PK_TCP_SPORT, 0);
		f->dport = (uint16_t)U16K(rec, PK_TCP_DPORT, 0);
	} else if (nfp_get(rec, PK_UDP_SPORT)) {
		f->sport = (uint16_t)U16K(rec, PK_UDP_SPORT, 0);
		f->dport = (uint16_t)U16K(rec, PK_UDP_DPORT, 0);
	}
	if (fam == AF_INET) {
		f->bytes = U16K(rec, PK_TOTLEN, 0);
		if (nfp_get(rec, PK_ICMP_TYPE))
			f->icmp = (uint16_t)(U8K(rec, PK_ICMP_TYPE, 0) << 8 |
					     U8K(rec, PK_ICMP_CODE, 0));
	} else {
		/* The IPv6 header counts itself out of its payload length. */
		if (nfp_get(rec, PK_PAYLOADLEN))
			f->bytes = 40 + U16K(rec, PK_PAYLOADLEN, 0);
		if (nfp_get(rec, PK_ICMP6_TYPE))
			f->icmp = (uint16_t)(U8K(rec, PK_ICMP6_TYPE, 0) << 8 |
					     U8K(rec, PK_ICMP6_CODE, 0));
	}
	f->pkts = 1;
	f->start_ms = ms_of(rec, PK_TIME_SEC, PK_TIME_USEC, 0);
	if (!f->start_ms)
		f->start_ms = wall_ms();
	f->end_ms = f->start_ms;
	return true;
}

static enum nfp_ret ipfix_process(struct nfp_inst *inst, struct nfp_rec *rec)
{
	struct ipfix_priv *p = inst->priv;
	uint8_t buf[IPFIX_REC_MAX];
	struct ipfix_flow f;
	struct nfp_value v;
	uint16_t tid;
	size_t len;
	bool ok;

	memset(&f, 0, sizeof(f));
	if (p->records == REC_PACKETS)
		ok = packet_from_rec(rec, &f);
	else
		ok = flow_from_rec(p, rec, &f);
	len = ok ? ipfix_rec_encode(&f, p->records == REC_PACKETS, buf, &tid)
		 : 0;
	if (!len) {
		inst->ctr[CTR_SKIPPED]++;
		return NFP_OK;
	}
	nfp_sink_row_begin(p->s);
	v.u16 = tid;
	nfp_sink_put(p->s, NFP_T_U16, &v);
	v.raw.ptr = buf;
	v.raw.len = (uint32_t)len;
	nfp_sink_put(p->s, NFP_T_RAW, &v);
	if (nfp_sink_row_end(p->s))
		return NFP_ERROR;
	return NFP_OK;
}

/* ---- worker: the socket
 * ------------------------------------------------------- */

static void ctx_count(struct ipfix_ctx *x, unsigned int c, uint64_t n)
{
	if (x->s && n)
		nfp_sink_ctr_add(x->s, c, n);
}

static int ipfix_connect(struct nfp_sink *s, void *ctx)
{
	struct ipfix_ctx *x = ctx;
	struct addrinfo hints, *res = NULL, *ai;
	struct timeval tv;
	int fd = -1, rc, err = -EHOSTUNREACH;

	x->s = s;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = x->proto == PROTO_UDP ? SOCK_DGRAM : SOCK_STREAM;
	rc = getaddrinfo(x->host, x->port, &hints, &res);
	if (rc) {
		nfp_log_rl(&x->rl, nfp_sink_log_inst(s), NFP_LOG_ERROR,
			   "cannot resolve %s: %s", x->host, gai_strerror(rc));
		return -EHOSTUNREACH;
	}
	tv.tv_sec = (time_t)(x->timeout_ms / 1000);
	tv.tv_usec = (suseconds_t)(x->timeout_ms % 1000) * 1000;
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
			    ai->ai_protocol);
		if (fd < 0) {
			err = -errno;
			continue;
		}
		/* On Linux SO_SNDTIMEO bounds connect() too. */
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		err = -errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		return err; /* the sink logs it and retries with backoff */
	x->fd = fd;
	/* A new transport session: templates first (RFC 7011 8). */
	x->exp.tmpl_due = x->send_template != TMPL_NEVER;
	x->tmpl_at = mono_ms();
	if (x->proto == PROTO_TCP)
		x->exp.seq = 0;
	return 0;
}

static void ipfix_disconnect(struct nfp_sink *s, void *ctx)
{
	struct ipfix_ctx *x = ctx;

	(void)s;
	if (x->fd >= 0)
		close(x->fd);
	x->fd = -1;
}

enum { PEER_UP = 0, PEER_CLOSED, PEER_LOST };

/* Octets in our send queue the collector has not acknowledged. */
static size_t tcp_outq(int fd)
{
	int n = 0;

	if (ioctl(fd, SIOCOUTQ, &n) < 0 || n < 0)
		return 0;
	return (size_t)n;
}

/*
 * The state of the TCP connection before a batch: PEER_UP; PEER_CLOSED
 * when the collector closed it after reading everything (a clean FIN with
 * nothing of ours unacknowledged: Linux answers a close with unread data
 * with a reset, not a FIN); PEER_LOST when it was reset, or closed with
 * data of ours in flight: what it had not read is gone.
 */
static int tcp_peer(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLRDHUP };
	char c;

	if (poll(&pfd, 1, 0) <= 0)
		return PEER_UP;
	if (pfd.revents & (POLLERR | POLLHUP))
		return PEER_LOST;
	if (pfd.revents & POLLRDHUP)
		return tcp_outq(fd) ? PEER_LOST : PEER_CLOSED;
	/* Collectors send nothing; a byte is ignored, EOF is not. */
	if (recv(fd, &c, 1, MSG_DONTWAIT) != 0)
		return PEER_UP;
	return tcp_outq(fd) ? PEER_LOST : PEER_CLOSED;
}

/*
 * How much of the session's tail to hold: what may still sit unread in
 * the collector's receive buffer (at most its largest window, twice for
 * the kernel's overhead accounting) plus our own unacknowledged queue.
 */
static size_t hold_limit(struct ipfix_ctx *x)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);
	size_t lim;

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(x->fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == 0 &&
	    len >= offsetof(struct tcp_info, tcpi_snd_wnd) +
			    sizeof(ti.tcpi_snd_wnd)) {
		if (ti.tcpi_snd_wnd > x->max_wnd)
			x->max_wnd = ti.tcpi_snd_wnd;
		lim = 2 * (size_t)x->max_wnd;
	} else {
		lim = HOLD_BLIND;
	}
	lim += tcp_outq(x->fd);
	if (lim < HOLD_MIN)
		lim = HOLD_MIN;
	return lim > HOLD_MAX ? HOLD_MAX : lim;
}

/* Append record @r to the held tail; false when out of memory. */
static bool hold_add(struct ipfix_ctx *x, const struct ipfix_rec *r)
{
	size_t need = x->hold_len + 4 + r->len;

	if (need > x->hold_cap) {
		size_t cap = x->hold_cap ? x->hold_cap : HOLD_MIN;
		uint8_t *p;

		while (cap < need)
			cap *= 2;
		p = realloc(x->hold, cap);
		if (!p)
			return false;
		x->hold = p;
		x->hold_cap = cap;
	}
	memcpy(x->hold + x->hold_len, &r->tid, 2);
	memcpy(x->hold + x->hold_len + 2, &r->len, 2);
	memcpy(x->hold + x->hold_len + 4, r->data, r->len);
	x->hold_len = need;
	x->hold_nrec++;
	return true;
}

/* The held record at octet @off in *@r; the offset of the next one. */
static size_t hold_get(const struct ipfix_ctx *x, size_t off,
		       struct ipfix_rec *r)
{
	memcpy(&r->tid, x->hold + off, 2);
	memcpy(&r->len, x->hold + off + 2, 2);
	r->data = x->hold + off + 4;
	return off + 4 + r->len;
}

/* Drop the oldest held records until at most @lim octets are left. */
static void hold_trim(struct ipfix_ctx *x, size_t lim)
{
	struct ipfix_rec r;
	size_t off = 0;

	if (x->hold_len <= lim)
		return;
	while (x->hold_len - off > lim) {
		off = hold_get(x, off, &r);
		x->hold_nrec--;
	}
	memmove(x->hold, x->hold + off, x->hold_len - off);
	x->hold_len -= off;
}

static void hold_clear(struct ipfix_ctx *x)
{
	x->hold_len = 0;
	x->hold_nrec = 0;
}

/* Send messages [from, to) over TCP; the index of the first one not sent. */
static size_t send_tcp(struct ipfix_ctx *x, size_t from, size_t to, int *err)
{
	size_t i;

	for (i = from; i < to; i++) {
		const struct ipfix_msg *m = &x->out.msg[i];
		size_t done = 0;

		while (done < m->len) {
			ssize_t n = send(x->fd, x->out.buf + m->off + done,
					 m->len - done, MSG_NOSIGNAL);

			if (n < 0) {
				if (errno == EINTR)
					continue;
				*err = errno;
				/*
				 * Part of a message went out: the stream is
				 * out of step, the session must end.
				 */
				return i;
			}
			done += (size_t)n;
		}
	}
	return i;
}

static size_t send_udp(struct ipfix_ctx *x, size_t from, size_t to, int *err)
{
	struct mmsghdr mh[MMSG_CHUNK];
	struct iovec iov[MMSG_CHUNK];
	size_t i = from, k, n;
	int r;

	while (i < to) {
		n = to - i < MMSG_CHUNK ? to - i : MMSG_CHUNK;
		memset(mh, 0, n * sizeof(mh[0]));
		for (k = 0; k < n; k++) {
			iov[k].iov_base = x->out.buf + x->out.msg[i + k].off;
			iov[k].iov_len = x->out.msg[i + k].len;
			mh[k].msg_hdr.msg_iov = &iov[k];
			mh[k].msg_hdr.msg_iovlen = 1;
		}
		r = sendmmsg(x->fd, mh, (unsigned int)n, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			*err = errno;
			return i;
		}
		i += (size_t)r;
	}
	return i;
}

/* Record @row of the batch, when it is one of ours; else reject it. */
static bool batch_rec(struct nfp_sink *s, struct ipfix_ctx *x,
		      struct nfp_batch_iter *it, uint32_t row,
		      struct ipfix_rec *r)
{
	const struct ipfix_tmpl *t = NULL;
	struct nfp_sval v;

	if (nfp_batch_next_val(it, &v) && v.kind == NFP_SV_INT)
		t = ipfix_tmpl_get((unsigned int)v.i);
	/* Spooled by a build with other templates, or another mode. */
	if (!t || !((1u << (t->id - IPFIX_TID_FLOW4)) & x->exp.tmask) ||
	    !nfp_batch_next_val(it, &v) || v.kind != NFP_SV_BLOB ||
	    v.bytes.len != t->reclen) {
		nfp_sink_reject(s, row, "not a record of this IPFIX output");
		return false;
	}
	r->tid = t->id;
	r->len = (uint16_t)v.bytes.len;
	r->data = v.bytes.ptr;
	return true;
}

/* Room for @rows records in recs and rowof. */
static bool recs_room(struct ipfix_ctx *x, size_t rows)
{
	void *p1, *p2;

	if (x->rcap >= rows)
		return true;
	p1 = realloc(x->recs, rows * sizeof(*x->recs));
	if (!p1)
		return false;
	x->recs = p1;
	p2 = realloc(x->rowof, rows * sizeof(*x->rowof));
	if (!p2)
		return false;
	x->rowof = p2;
	x->rcap = rows;
	return true;
}

static enum nfp_sink_res ipfix_write(struct nfp_sink *s, void *ctx,
				     const struct nfp_batch *b)
{
	struct ipfix_ctx *x = ctx;
	const struct nfp_inst *li = nfp_sink_log_inst(s);

	x->s = s;
	uint32_t rows = nfp_batch_rows(b), skip = 0, row, seq0;
	struct nfp_batch_iter it;
	size_t n = 0, nheld = 0, sent, i, k, nrec = 0, off;
	bool due, tcp = x->proto == PROTO_TCP;
	int err = 0;

	if (x->fd < 0)
		return NFP_SINK_RETRY;
	if (tcp) {
		switch (tcp_peer(x->fd)) {
		case PEER_CLOSED:
			/* It read everything we sent: nothing to resend. */
			hold_clear(x);
			nfp_log_rl(&x->rl, li, NFP_LOG_ERROR,
				   "collector %s closed the connection",
				   x->host);
			return NFP_SINK_RETRY;
		case PEER_LOST:
			x->resend = x->hold_nrec > 0;
			nfp_log_rl(
				&x->rl, li, NFP_LOG_ERROR,
				"collector %s reset the connection; sending the last %zu records again",
				x->host, x->hold_nrec);
			return NFP_SINK_RETRY;
		}
	}
	if (x->resume_row && x->resume_batch == nfp_batch_seq(b))
		skip = x->resume_row;
	if (!recs_room(x, rows + (x->resend ? x->hold_nrec : 0)))
		return NFP_SINK_BUSY;

	/*
	 * After a reset the held tail goes first: the collector may not have
	 * read it. It stays held, as sent again in this session.
	 */
	if (x->resend) {
		for (off = 0; off < x->hold_len; n++) {
			off = hold_get(x, off, &x->recs[n]);
			x->rowof[n] = 0;
		}
		nheld = n;
	}
	nfp_batch_iter_init(&it, b);
	for (row = 0; nfp_batch_next_row(&it); row++) {
		if (!batch_rec(s, x, &it, row, &x->recs[n]) || row < skip)
			continue;
		x->rowof[n++] = row;
	}

	if (x->send_template != TMPL_NEVER && !tcp && x->refresh_ms &&
	    mono_ms() - x->tmpl_at >= x->refresh_ms)
		x->exp.tmpl_due = true;
	ipfix_out_reset(&x->out);
	seq0 = x->exp.seq;
	due = x->exp.tmpl_due;
	if (ipfix_pack(&x->exp, &x->out, x->recs, n, (uint32_t)time(NULL))) {
		x->exp.seq = seq0;
		x->exp.tmpl_due = due;
		return NFP_SINK_BUSY;
	}
	if (tcp)
		sent = send_tcp(x, 0, x->out.nmsg, &err);
	else
		sent = send_udp(x, 0, x->out.nmsg, &err);

	for (i = 0; i < sent; i++) {
		nrec += x->out.msg[i].nrec;
		if (x->out.msg[i].tmpl) {
			ctx_count(x, CTR_TEMPLATES, 1);
			x->tmpl_at = mono_ms();
		}
	}
	ctx_count(x, CTR_MESSAGES, sent);
	ctx_count(x, CTR_RECORDS, nrec);
	ctx_count(x, CTR_RESENT, nrec < nheld ? nrec : nheld);
	if (nrec >= nheld)
		x->resend = false;
	/* What of the batch went out joins the held tail. */
	if (tcp)
		for (k = nheld; k < nrec; k++)
			if (!hold_add(x, &x->recs[k]))
				break;
	if (sent == x->out.nmsg) {
		x->resume_row = 0;
		if (tcp) {
			size_t lim = hold_limit(x);

			/* Trimmed by halves: not a memmove per batch. */
			if (x->hold_len > 2 * lim)
				hold_trim(x, lim);
		}
		return NFP_SINK_OK;
	}

	/*
	 * Part-way: the batch comes back after the reconnect and resumes at
	 * its first unsent record. Over TCP what went out may be lost in
	 * the broken connection: the held tail, which has it, goes first.
	 */
	ctx_count(x, CTR_SEND_ERRORS, 1);
	x->exp.seq = x->out.msg[sent].seq;
	if (x->out.msg[sent].tmpl)
		x->exp.tmpl_due = true;
	if (nrec > nheld) {
		x->resume_batch = nfp_batch_seq(b);
		x->resume_row = x->rowof[nrec];
	}
	if (tcp && x->hold_nrec)
		x->resend = true;
	nfp_log_rl(&x->rl, li, NFP_LOG_ERROR,
		   "sending to %s port %s: %s (%zu of %zu messages sent)",
		   x->host, x->port, strerror(err), sent, x->out.nmsg);
	return NFP_SINK_RETRY;
}

static void ctx_release(void *ctx)
{
	struct ipfix_ctx *x = ctx;

	if (x->fd >= 0)
		close(x->fd);
	free(x->host);
	free(x->recs);
	free(x->rowof);
	free(x->hold);
	ipfix_out_free(&x->out);
	free(x);
}

static const struct nfp_sink_ops ipfix_ops = {
	.connect = ipfix_connect,
	.write_batch = ipfix_write,
	.disconnect = ipfix_disconnect,
	.release = ctx_release,
};

/* ---- life cycle
 * --------------------------------------------------------------- */

static int ipfix_configure(struct nfp_inst *inst)
{
	struct ipfix_priv *p = inst->priv;
	unsigned int mask = p->records == REC_PACKETS ? IPFIX_TMPL_PACKETS
						      : IPFIX_TMPL_FLOWS;
	size_t min = ipfix_min_mtu(mask);

	if (p->mtu && p->mtu < min) {
		nfp_err(inst,
			"%s: mtu=%llu cannot hold the templates and a record: at least %zu",
			nfp_inst_where(inst), (unsigned long long)p->mtu, min);
		return -EINVAL;
	}
	if (!*p->host) {
		nfp_err(inst, "%s: host is empty", nfp_inst_where(inst));
		return -EINVAL;
	}
	if (p->records == REC_PACKETS)
		return nfp_inst_set_keys(inst, packet_keys, NULL);
	return 0;
}

/*
 * How many rows make a handover to the worker worth it: GATHER_MSGS
 * messages of the longest record in use (fewer when a batch is smaller),
 * and how long the first of them may wait for the rest. Handing over the
 * few records of each loop wakeup cost a thread wake-up, a nearly empty
 * message and a collector wake-up each time: under a stream of conntrack
 * events those context switches took the CPU the main thread needed to
 * drain the netlink socket, and the kernel dropped events. The sink core
 * applies these at every flush (nfp_sink_conf's gather_rows, gather_ms).
 */
static void gather_setup(struct ipfix_priv *p, uint32_t mtu, unsigned int mask)
{
	size_t longest = 1, per;
	unsigned int i;

	for (i = 0; i < IPFIX_NTMPL; i++) {
		const struct ipfix_tmpl *t =
			ipfix_tmpl_get(IPFIX_TID_FLOW4 + i);

		if ((mask & (1u << i)) && t && t->reclen > longest)
			longest = t->reclen;
	}
	per = (mtu - IPFIX_HDR_LEN - IPFIX_SET_HDR_LEN) / longest;
	if (!per)
		per = 1;
	p->sink.gather_rows = per * GATHER_MSGS;
	if (p->sink.gather_rows > p->sink.batch)
		p->sink.gather_rows = p->sink.batch;
	p->sink.gather_ms = p->sink.flush_interval < GATHER_MS
				    ? p->sink.flush_interval
				    : GATHER_MS;
}

static int ipfix_start(struct nfp_inst *inst)
{
	struct ipfix_priv *p = inst->priv;
	struct ipfix_ctx *x;

	x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	x->host = strdup(p->host);
	if (!x->host) {
		free(x);
		return -ENOMEM;
	}
	snprintf(x->port, sizeof(x->port), "%u", (unsigned int)p->port);
	x->proto = p->proto;
	x->send_template = p->send_template;
	x->refresh_ms = p->template_refresh;
	x->timeout_ms = p->timeout;
	x->fd = -1;
	x->exp.domain = (uint32_t)(p->domain_id ? p->domain_id : p->oid);
	x->exp.mtu = (uint32_t)(p->mtu			? p->mtu
				: p->proto == PROTO_UDP ? UDP_MTU
							: TCP_MTU);
	x->exp.tmask = p->records == REC_PACKETS ? IPFIX_TMPL_PACKETS
						 : IPFIX_TMPL_FLOWS;
	x->exp.tmpl_always = p->send_template == TMPL_ALWAYS;
	p->x = x;
	gather_setup(p, x->exp.mtu, x->exp.tmask);
	nfp_info(inst, "exporting %s to %s port %u over %s, domain %u, mtu %u",
		 rec_names[p->records], p->host, (unsigned int)p->port,
		 proto_names[p->proto], x->exp.domain, x->exp.mtu);
	return nfp_sink_start(inst, &p->sink, &ipfix_ops, x, 2,
			      ipfix_tmpl_fingerprint(), &p->s);
}

static int ipfix_flush(struct nfp_inst *inst)
{
	struct ipfix_priv *p = inst->priv;

	return nfp_sink_flush(p->s);
}

static void ipfix_stop(struct nfp_inst *inst)
{
	struct ipfix_priv *p = inst->priv;

	nfp_sink_stop(p->s);
	p->s = NULL;
	p->x = NULL; /* the sink's to free, maybe already gone */
}

NFP_PLUGIN(output, ipfix) = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_OUTPUT,
	.name = "IPFIX",
	.summary =
		"flows or packets as IPFIX (RFC 7011) over UDP or TCP, queued and spooled",
	.options = ipfix_options,
	.in_keys = flow_keys,
	.counters = ipfix_counters,
	.priv_size = sizeof(struct ipfix_priv),
	.configure = ipfix_configure,
	.start = ipfix_start,
	.process = ipfix_process,
	.flush = ipfix_flush,
	.stop = ipfix_stop,
};
