/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter/scan - SCAN: port scans, sweeps and bad TCP flags from logged packets
 *
 * Consumes BASE's keys of each logged packet (ip.saddr, ip.daddr,
 * ip.protocol, the tcp.* flags, tcp.dport, udp.dport, icmp.type,
 * icmpv6.type) and NFLOG's oob.time.sec and oob.prefix, and counts it in
 * the per-source table of table.c. Every packet goes on unchanged.
 * An alert is a record of its own (NFP_PF_EMITS), sent to the stacks that
 * start with this instance's name: the scanner in ip.saddr, its last
 * target in ip.daddr, and the scan.* keys. Its keys are all
 * NFP_KEYF_EMITTED, so in the packet's stack the plugins after SCAN read
 * the packet's own ip.saddr, not SCAN's.
 *
 * Sources in ignore= and, unless ignore_local=no, the addresses of this
 * host (getifaddrs at start and every local_refresh) are never counted.
 * All memory is taken at start (max_sources entries); nothing is allocated
 * per packet. Main thread only.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <nfpipe/plugin.h>

#include "scan.h"

#define MAX_LOCAL 256 /* host addresses kept for ignore_local */

struct cidr {
	uint8_t family;	  /* AF_INET or AF_INET6 */
	uint8_t plen;	  /* prefix length */
	uint8_t addr[16]; /* network order, host bits cleared */
};

struct scan_priv {
	/* options */
	uint64_t max_sources;	/* table entries */
	uint64_t timeout_ms;	/* scan_timeout */
	char *danger_levels;	/* "5,15,150,1500,10000" */
	uint64_t min_ports;	/* distinct ports for a port scan */
	uint64_t min_hosts;	/* distinct hosts for a sweep */
	uint64_t source_alerts; /* per source and minute */
	uint64_t total_alerts;	/* all sources, per second */
	char *ignore;		/* CIDRs, ',' ' ' or '\n' between */
	bool ignore_local;	/* skip this host's addresses */
	uint64_t local_refresh; /* ms between getifaddrs() */
	char *prefix;		/* count only packets with this prefix */
	/* state */
	struct scan_conf conf;		  /* parsed from the options */
	struct scan_table *tab;		  /* from start to stop */
	struct cidr *cidrs;		  /* ignore=, from configure */
	unsigned int ncidrs;		  /* entries in cidrs */
	struct nfp_addr local[MAX_LOCAL]; /* this host's addresses */
	unsigned int nlocal;		  /* entries in local */
	struct nfp_timer *timer;	  /* local_refresh */
	size_t prefix_len;		  /* strlen(prefix) */
	struct nfp_addr last_src;	  /* source of the previous packet */
	bool last_ignored;		  /* its ignore verdict */
	bool last_valid;		  /* last_* hold a verdict */
};

static const struct nfp_option scan_options[] = {
	{ .name = "max_sources",
	  .type = NFP_OPT_UINT,
	  .def = "8192",
	  .min = 16,
	  .max = 4194304,
	  .off = offsetof(struct scan_priv, max_sources),
	  .help = "Sources tracked at once (about 1.1 KiB each, all taken at start); the least recently seen is evicted." },
	{ .name = "scan_timeout",
	  .type = NFP_OPT_DURATION,
	  .def = "3600",
	  .unit = "s",
	  .min = 1000,
	  .max = 604800000,
	  .off = offsetof(struct scan_priv, timeout_ms),
	  .help = "A scan type of a source is forgotten after this long without a packet of it (psad's SCAN_TIMEOUT)." },
	{ .name = "danger_levels",
	  .type = NFP_OPT_STRING,
	  .def = "5,15,150,1500,10000",
	  .off = offsetof(struct scan_priv, danger_levels),
	  .help = "Packets of a scan type for DL1..DL5, five ascending numbers (psad's defaults)." },
	{ .name = "min_ports",
	  .type = NFP_OPT_UINT,
	  .def = "5",
	  .min = 1,
	  .max = 65536,
	  .off = offsetof(struct scan_priv, min_ports),
	  .help = "Distinct destination ports (IP protocols for PROTO) that make a port scan." },
	{ .name = "min_hosts",
	  .type = NFP_OPT_UINT,
	  .def = "5",
	  .min = 1,
	  .max = 256,
	  .off = offsetof(struct scan_priv, min_hosts),
	  .help = "Distinct hosts that make a port sweep or a ping sweep." },
	{ .name = "source_alerts",
	  .type = NFP_OPT_UINT,
	  .def = "10",
	  .min = 0,
	  .max = 10000,
	  .off = offsetof(struct scan_priv, source_alerts),
	  .help = "Alerts one source may raise a minute (and in a burst); 0: no limit." },
	{ .name = "total_alerts",
	  .type = NFP_OPT_UINT,
	  .def = "100",
	  .min = 0,
	  .max = 1000000,
	  .off = offsetof(struct scan_priv, total_alerts),
	  .help = "Alerts all sources together may raise a second; 0: no limit." },
	{ .name = "ignore",
	  .type = NFP_OPT_STRING,
	  .flags = NFP_OPT_MULTI,
	  .off = offsetof(struct scan_priv, ignore),
	  .help = "Source addresses or CIDRs never counted, separated by commas or spaces; may be repeated." },
	{ .name = "ignore_local",
	  .type = NFP_OPT_BOOL,
	  .def = "yes",
	  .off = offsetof(struct scan_priv, ignore_local),
	  .help = "Never count packets from this host's own addresses." },
	{ .name = "local_refresh",
	  .type = NFP_OPT_DURATION,
	  .def = "60",
	  .unit = "s",
	  .min = 1000,
	  .max = 86400000,
	  .off = offsetof(struct scan_priv, local_refresh),
	  .help = "How often this host's addresses are read again." },
	{ .name = "prefix",
	  .type = NFP_OPT_STRING,
	  .off = offsetof(struct scan_priv, prefix),
	  .help = "Count only packets whose log prefix starts with this; unset: all." },
	{ 0 }
};

enum scan_in {
	SI_SADDR,
	SI_DADDR,
	SI_PROTOCOL,
	SI_TCP_SYN,
	SI_TCP_FIN,
	SI_TCP_RST,
	SI_TCP_PSH,
	SI_TCP_ACK,
	SI_TCP_URG,
	SI_TCP_DPORT,
	SI_UDP_DPORT,
	SI_ICMP_TYPE,
	SI_ICMPV6_TYPE,
	SI_TIME_SEC,
	SI_PREFIX,
};

#define OPT NFP_KEYF_OPTIONAL
static const struct nfp_key scan_in_keys[] = {
	[SI_SADDR] = { "ip.saddr", NFP_T_ADDR, 0, "the packet's source" },
	[SI_DADDR] = { "ip.daddr", NFP_T_ADDR, OPT, "its destination" },
	[SI_PROTOCOL] = { "ip.protocol", NFP_T_U8, OPT,
			  "IP protocol (IPv6: the upper layer)" },
	[SI_TCP_SYN] = { "tcp.syn", NFP_T_BOOL, OPT, "SYN flag" },
	[SI_TCP_FIN] = { "tcp.fin", NFP_T_BOOL, OPT, "FIN flag" },
	[SI_TCP_RST] = { "tcp.rst", NFP_T_BOOL, OPT, "RST flag" },
	[SI_TCP_PSH] = { "tcp.psh", NFP_T_BOOL, OPT, "PSH flag" },
	[SI_TCP_ACK] = { "tcp.ack", NFP_T_BOOL, OPT, "ACK flag" },
	[SI_TCP_URG] = { "tcp.urg", NFP_T_BOOL, OPT, "URG flag" },
	[SI_TCP_DPORT] = { "tcp.dport", NFP_T_U16, OPT, "TCP port" },
	[SI_UDP_DPORT] = { "udp.dport", NFP_T_U16, OPT, "UDP port" },
	[SI_ICMP_TYPE] = { "icmp.type", NFP_T_U8, OPT,
			   "ICMP type: 8 is an echo request" },
	[SI_ICMPV6_TYPE] = { "icmpv6.type", NFP_T_U8, OPT,
			     "ICMPv6 type: 128 is an echo request" },
	[SI_TIME_SEC] = { "oob.time.sec", NFP_T_U32, OPT,
			  "packet time; the clock when absent" },
	[SI_PREFIX] = { "oob.prefix", NFP_T_STRING, OPT,
			"log prefix, for prefix=" },
	{ 0 }
};

enum scan_out {
	SK_SADDR,
	SK_DADDR,
	SK_TIME_SEC,
	SK_FAMILY,
	SK_TYPE,
	SK_DL,
	SK_PACKETS,
	SK_PORTS,
	SK_HOSTS,
	SK_PORT_MIN,
	SK_PORT_MAX,
	SK_FIRST,
	SK_LAST,
};

static const struct nfp_key scan_out_keys[] = {
	[SK_SADDR] = { "ip.saddr", NFP_T_ADDR, NFP_KEYF_EMITTED,
		       "alert: the scanner" },
	[SK_DADDR] = { "ip.daddr", NFP_T_ADDR, NFP_KEYF_EMITTED,
		       "alert: the scanner's last target" },
	[SK_TIME_SEC] = { "oob.time.sec", NFP_T_U32, NFP_KEYF_EMITTED,
			  "alert: time of the packet that raised it" },
	[SK_FAMILY] = { "oob.family", NFP_T_U8, NFP_KEYF_EMITTED,
			"alert: 2 (IPv4) or 10 (IPv6)" },
	[SK_TYPE] = { "scan.type", NFP_T_STRING, NFP_KEYF_EMITTED,
		      "SYN FIN NULL XMAS ACK MAIMON UDP PORTSWEEP PINGSWEEP PROTO BADFLAGS" },
	[SK_DL] = { "scan.dl", NFP_T_U8, NFP_KEYF_EMITTED,
		    "danger level, 1..5" },
	[SK_PACKETS] = { "scan.packets", NFP_T_U64, NFP_KEYF_EMITTED,
			 "packets of this scan in the window" },
	[SK_PORTS] = { "scan.ports", NFP_T_U32, NFP_KEYF_EMITTED,
		       "distinct ports (estimated), PROTO: protocols" },
	[SK_HOSTS] = { "scan.hosts", NFP_T_U32, NFP_KEYF_EMITTED,
		       "distinct hosts (estimated)" },
	[SK_PORT_MIN] = { "scan.port.min", NFP_T_U16, NFP_KEYF_EMITTED,
			  "lowest port (PROTO: protocol)" },
	[SK_PORT_MAX] = { "scan.port.max", NFP_T_U16, NFP_KEYF_EMITTED,
			  "highest port (PROTO: protocol)" },
	[SK_FIRST] = { "scan.first", NFP_T_U64, NFP_KEYF_EMITTED,
		       "first packet of the scan, seconds since the epoch" },
	[SK_LAST] = { "scan.last", NFP_T_U64, NFP_KEYF_EMITTED,
		      "last packet of the scan, seconds since the epoch" },
	{ 0 }
};

enum scan_ctr {
	SC_PACKETS,
	SC_SOURCES,
	SC_EVICTED,
	SC_ALERTS,
	SC_SUPPRESSED,
	SC_IGNORED
};
static const char *const scan_counters[] = { [SC_PACKETS] = "packets",
					     [SC_SOURCES] = "sources",
					     [SC_EVICTED] = "evicted",
					     [SC_ALERTS] = "alerts",
					     [SC_SUPPRESSED] = "suppressed",
					     [SC_IGNORED] = "ignored",
					     NULL };

/* "192.0.2.0/24", "2001:db8::/32" or a bare address; -1 when neither. */
static int cidr_parse(const char *s, struct cidr *c)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	unsigned int max, i;
	unsigned long plen;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	memset(c, 0, sizeof(*c));
	if (inet_pton(AF_INET, buf, c->addr) == 1) {
		c->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, c->addr) == 1) {
		c->family = AF_INET6;
		max = 128;
	} else {
		return -1;
	}
	plen = max;
	if (slash) {
		errno = 0;
		plen = strtoul(slash + 1, &end, 10);
		if (end == slash + 1 || *end || errno || plen > max)
			return -1;
	}
	c->plen = (uint8_t)plen;
	for (i = 0; i < max / 8; i++) {
		if (i * 8 >= plen)
			c->addr[i] = 0;
		else if (i * 8 + 8 > plen)
			c->addr[i] &= (uint8_t)(0xff00 >> (plen - i * 8));
	}
	return 0;
}

static bool cidr_match(const struct cidr *c, const struct nfp_addr *a)
{
	const uint8_t *b =
		a->family == AF_INET6 ? a->in6 : (const uint8_t *)&a->in4;
	unsigned int full = c->plen / 8, rest = c->plen % 8;

	if (c->family != a->family || memcmp(c->addr, b, full))
		return false;
	return !rest || (b[full] & (uint8_t)(0xff00 >> rest)) == c->addr[full];
}

static bool same_addr(const struct nfp_addr *a, const struct nfp_addr *b)
{
	if (a->family != b->family)
		return false;
	return a->family == AF_INET6 ? !memcmp(a->in6, b->in6, 16)
				     : a->in4 == b->in4;
}

static bool is_local(const struct scan_priv *p, const struct nfp_addr *a)
{
	unsigned int i;

	for (i = 0; i < p->nlocal; i++)
		if (same_addr(&p->local[i], a))
			return true;
	return false;
}

/* This host's address, or in ignore=. */
static bool ignored(const struct scan_priv *p, const struct nfp_addr *a)
{
	unsigned int i;

	if (is_local(p, a))
		return true;
	for (i = 0; i < p->ncidrs; i++)
		if (cidr_match(&p->cidrs[i], a))
			return true;
	return false;
}

static void local_refresh(struct nfp_inst *inst, void *arg)
{
	struct scan_priv *p = inst->priv;
	struct ifaddrs *ifa, *i;
	unsigned int n = 0;

	(void)arg;
	if (getifaddrs(&ifa) < 0) {
		nfp_warn(inst, "getifaddrs: %s; keeping the %u addresses known",
			 strerror(errno), p->nlocal);
		return;
	}
	for (i = ifa; i && n < MAX_LOCAL; i = i->ifa_next) {
		struct nfp_addr *l = &p->local[n];

		if (!i->ifa_addr)
			continue;
		memset(l, 0, sizeof(*l));
		if (i->ifa_addr->sa_family == AF_INET) {
			l->family = AF_INET;
			l->in4 = ((struct sockaddr_in *)(void *)i->ifa_addr)
					 ->sin_addr.s_addr;
		} else if (i->ifa_addr->sa_family == AF_INET6) {
			l->family = AF_INET6;
			memcpy(l->in6,
			       &((struct sockaddr_in6 *)(void *)i->ifa_addr)
					->sin6_addr,
			       16);
		} else {
			continue;
		}
		n++;
	}
	freeifaddrs(ifa);
	p->nlocal = n;
	p->last_valid = false;
}

static int scan_configure(struct nfp_inst *inst)
{
	struct scan_priv *p = inst->priv;
	struct scan_conf *c = &p->conf;
	char *copy, *tok, *save = NULL;
	int err = 0;

	c->max_sources = (uint32_t)p->max_sources;
	c->timeout = (uint32_t)(p->timeout_ms / 1000);
	c->min_ports = (uint32_t)p->min_ports;
	c->min_hosts = (uint32_t)p->min_hosts;
	c->source_per_min = (uint32_t)p->source_alerts;
	c->total_per_sec = (uint32_t)p->total_alerts;
	if (scan_parse_dl(p->danger_levels, c->dl) < 0)
		err = nfp_inst_error(
			inst, "danger_levels",
			"five ascending packet counts, e.g. 5,15,150,1500,10000",
			"bad danger_levels \"%s\"", p->danger_levels);
	p->prefix_len = p->prefix ? strlen(p->prefix) : 0;
	if (!p->ignore)
		return err;
	copy = strdup(p->ignore);
	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ", \t\n", &save); tok;
	     tok = strtok_r(NULL, ", \t\n", &save)) {
		struct cidr cd, *n;

		if (cidr_parse(tok, &cd) < 0) {
			err = nfp_inst_error(
				inst, "ignore",
				"an address or a CIDR such as 192.0.2.0/24 or 2001:db8::/32",
				"bad address \"%s\" in ignore", tok);
			continue;
		}
		n = realloc(p->cidrs, (p->ncidrs + 1) * sizeof(*n));
		if (!n) {
			err = -ENOMEM;
			break;
		}
		p->cidrs = n;
		p->cidrs[p->ncidrs++] = cd;
	}
	free(copy);
	return err;
}

static void scan_release(struct nfp_inst *inst)
{
	struct scan_priv *p = inst->priv;

	free(p->cidrs);
	p->cidrs = NULL;
	p->ncidrs = 0;
}

static int scan_start(struct nfp_inst *inst)
{
	struct scan_priv *p = inst->priv;
	size_t bytes;

	p->tab = scan_table_new(&p->conf);
	if (!p->tab) {
		nfp_err(inst, "no memory for %u sources", p->conf.max_sources);
		return -ENOMEM;
	}
	bytes = scan_table_bytes(p->tab);
	nfp_info(inst, "tracking up to %u sources in %zu KiB",
		 p->conf.max_sources, (bytes + 1023) / 1024);
	if (p->ignore_local) {
		local_refresh(inst, NULL);
		p->timer = nfp_timer_new(inst, local_refresh, NULL);
		if (!p->timer || nfp_timer_arm(p->timer, p->local_refresh,
					       p->local_refresh) < 0)
			nfp_warn(inst, "no timer: this host's addresses are "
				       "read only once");
	}
	return 0;
}

static void scan_stop(struct nfp_inst *inst)
{
	struct scan_priv *p = inst->priv;

	if (p->timer)
		nfp_timer_free(p->timer);
	p->timer = NULL;
	scan_table_free(p->tab);
	p->tab = NULL;
}

static void emit_alert(const struct scan_alert *a, void *arg)
{
	struct nfp_inst *inst = arg;
	struct nfp_rec *rec = nfp_rec_new(inst);
	const char *name = scan_type_name(a->type);

	if (!rec)
		return;
	nfp_put(rec, SK_SADDR)->addr = *a->src;
	if (a->dst->family)
		nfp_put(rec, SK_DADDR)->addr = *a->dst;
	nfp_set_u32(rec, SK_TIME_SEC, a->now);
	nfp_set_u8(rec, SK_FAMILY, a->src->family);
	nfp_set_str(rec, SK_TYPE, name, (uint32_t)strlen(name));
	nfp_set_u8(rec, SK_DL, a->dl);
	nfp_set_u64(rec, SK_PACKETS, a->packets);
	nfp_set_u32(rec, SK_PORTS, a->ports);
	nfp_set_u32(rec, SK_HOSTS, a->hosts);
	nfp_set_u16(rec, SK_PORT_MIN, a->port_min);
	nfp_set_u16(rec, SK_PORT_MAX, a->port_max);
	nfp_set_u64(rec, SK_FIRST, a->first);
	nfp_set_u64(rec, SK_LAST, a->last);
	nfp_rec_push(inst, rec);
}

static bool flag(const struct nfp_rec *rec, unsigned int key)
{
	const struct nfp_value *v = nfp_get(rec, key);

	return v && v->b;
}

static enum nfp_ret scan_process(struct nfp_inst *inst, struct nfp_rec *rec)
{
	struct scan_priv *p = inst->priv;
	const struct nfp_value *sa, *da, *v;
	const struct scan_stats *st;
	struct scan_pkt pkt = { 0 };

	sa = nfp_get(rec, SI_SADDR);
	if (!sa || (sa->addr.family != AF_INET && sa->addr.family != AF_INET6))
		return NFP_OK;
	if (p->prefix_len) {
		v = nfp_get(rec, SI_PREFIX);
		if (!v || v->str.len < p->prefix_len ||
		    memcmp(v->str.ptr, p->prefix, p->prefix_len))
			return NFP_OK;
	}
	/* Logged packets come in runs from one source: keep its verdict. */
	if (!p->last_valid || !same_addr(&p->last_src, &sa->addr)) {
		p->last_src = sa->addr;
		p->last_ignored = ignored(p, &sa->addr);
		p->last_valid = true;
	}
	if (p->last_ignored) {
		inst->ctr[SC_IGNORED]++;
		return NFP_OK;
	}
	da = nfp_get(rec, SI_DADDR);
	pkt.src = &sa->addr;
	pkt.dst = da ? &da->addr : NULL;
	v = nfp_get(rec, SI_PROTOCOL);
	pkt.proto = v ? v->u8 : 0;
	v = nfp_get(rec, SI_TIME_SEC);
	pkt.now = v ? v->u32 : (uint32_t)time(NULL);
	switch (pkt.proto) {
	case IPPROTO_TCP:
		v = nfp_get(rec, SI_TCP_DPORT);
		if (!v)
			break; /* header incomplete: the protocol counts */
		pkt.has_port = true;
		pkt.dport = v->u16;
		pkt.has_flags = true;
		pkt.flags = (flag(rec, SI_TCP_FIN) ? SCAN_FIN : 0) |
			    (flag(rec, SI_TCP_SYN) ? SCAN_SYN : 0) |
			    (flag(rec, SI_TCP_RST) ? SCAN_RST : 0) |
			    (flag(rec, SI_TCP_PSH) ? SCAN_PSH : 0) |
			    (flag(rec, SI_TCP_ACK) ? SCAN_ACK : 0) |
			    (flag(rec, SI_TCP_URG) ? SCAN_URG : 0);
		break;
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
		v = nfp_get(rec, SI_UDP_DPORT);
		if (v) {
			pkt.has_port = true;
			pkt.dport = v->u16;
		}
		break;
	case IPPROTO_ICMP:
		v = nfp_get(rec, SI_ICMP_TYPE);
		pkt.echo = v && v->u8 == 8;
		break;
	case IPPROTO_ICMPV6:
		v = nfp_get(rec, SI_ICMPV6_TYPE);
		pkt.echo = v && v->u8 == 128;
		break;
	}
	scan_table_add(p->tab, &pkt, emit_alert, inst);
	st = scan_table_stats(p->tab);
	inst->ctr[SC_PACKETS] = st->packets;
	inst->ctr[SC_SOURCES] = st->sources;
	inst->ctr[SC_EVICTED] = st->evicted;
	inst->ctr[SC_ALERTS] = st->alerts;
	inst->ctr[SC_SUPPRESSED] = st->suppressed;
	return NFP_OK;
}

NFP_PLUGIN(filter, scan) = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_FILTER,
	.name = "SCAN",
	.summary =
		"port scans, sweeps and bad TCP flags per source: alert records",
	.flags = NFP_PF_EMITS,
	.options = scan_options,
	.in_keys = scan_in_keys,
	.out_keys = scan_out_keys,
	.counters = scan_counters,
	.priv_size = sizeof(struct scan_priv),
	.configure = scan_configure,
	.start = scan_start,
	.process = scan_process,
	.stop = scan_stop,
	.release = scan_release,
};
