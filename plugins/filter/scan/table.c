/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter/scan - the per-source table and the scan rules of SCAN
 *
 * Pure: packets in (struct scan_pkt), alerts out through a callback; no
 * clock but the packets', no I/O, no allocation after scan_table_new().
 *
 * Each source entry has a fixed size (scan_source_bytes(), about 1.1 KiB):
 *  - per scan type: packets, first and last time, port range, the danger
 *    level last alerted and one waiting for the rate limits;
 *  - per port-based type (SYN FIN NULL XMAS ACK MAIMON UDP BADFLAGS) a
 *    512-bit sketch of destination ports (a port sets the bit its 32-bit
 *    hash picks); distinct ports are estimated from the bits set by linear
 *    counting, m ln(m / zeros), which assumes a random-looking hash: a few
 *    per cent off up to ~1500 ports, saturating at 3194; for small counts
 *    a collision costs one port (5 ports collide with a 2% chance, and the
 *    scan then qualifies at its sixth);
 *  - a 256-bit sketch of all hosts the source sent to, another of the hosts
 *    it sent echo requests to (PINGSWEEP), an exact 256-bit map of the IP
 *    protocols it used (PROTO);
 *  - four port-sweep candidates, each a (protocol, port) with its own
 *    256-bit host sketch; a new (protocol, port) replaces the candidate
 *    with the fewest hosts.
 * A type's state is forgotten when `timeout` seconds pass without a packet
 * of it (psad's scan_timeout works the same way), a source's whole state
 * when the source was quiet that long.
 *
 * Entries are found by a chained hash on the address, seeded at random so
 * that spoofed sources cannot aim at one chain, and kept on an LRU list: a
 * new source takes a never used entry, else the least recently seen one.
 *
 * Alerts are rate-limited by two token buckets in packet time: one per
 * source (source_per_min a minute, as many in a burst) and one for the
 * table (total_per_sec a second). An alert that finds either empty is
 * counted in suppressed and waits; the next packet of that source raises
 * it (with the figures of that moment) once the buckets allow.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "scan.h"

#define NIL	  UINT32_MAX
#define PORT_BITS 512
#define HOST_BITS 256
#define NSWEEP	  4

struct scan_tstate {
	uint32_t packets;     /* in the window, saturating */
	uint32_t first, last; /* seconds */
	uint16_t pmin, pmax;  /* port (PROTO: protocol) range */
	uint16_t bits;	      /* bits set in the type's sketch */
	uint8_t dl;	      /* highest danger level alerted */
	uint8_t pend;	      /* danger level waiting, 0: none */
};

struct scan_sweep {
	uint32_t packets, first, last;	/* of this (proto, port) */
	uint16_t port;			/* destination port */
	uint8_t proto;			/* IPPROTO_TCP or _UDP */
	uint8_t used;			/* holds a candidate */
	uint16_t bits;			/* bits set in hosts */
	uint64_t hosts[HOST_BITS / 64]; /* sketch of targets */
};

/* What a quiet source forgets: zeroed as a whole. */
struct scan_state {
	uint32_t credit;		/* per-source bucket, 1/60 alerts */
	uint32_t credit_time;		/* last refill, seconds */
	uint16_t hbits;			/* bits set in hosts */
	uint8_t npend;			/* types with pend set */
	uint8_t sweep_best;		/* candidate last alerted */
	struct nfp_addr dst;		/* last target */
	struct scan_tstate t[ST__N];	/* per type */
	uint64_t hosts[HOST_BITS / 64]; /* every target */
	uint64_t ping[HOST_BITS / 64];	/* echo targets */
	uint64_t protos[256 / 64];	/* IP protocols, exact */
	uint64_t ports[ST__NPORT][PORT_BITS / 64]; /* port sketches */
	struct scan_sweep sw[NSWEEP];		   /* port-sweep candidates */
};

struct scan_src {
	struct nfp_addr addr; /* the source; family 0: free */
	uint32_t hash;	      /* addr_hash(addr) */
	uint32_t hnext;	      /* next entry in the hash chain */
	uint32_t prev, next;  /* LRU list, most recent at head */
	uint32_t last;	      /* last packet, seconds */
	struct scan_state s;  /* scan state */
};

struct scan_table {
	struct scan_conf c;		  /* configuration */
	struct scan_stats st;		  /* counters */
	struct scan_src *src;		  /* max_sources entries */
	uint32_t *bucket;		  /* chain heads, nbucket of them */
	uint32_t mask;			  /* nbucket - 1 */
	uint32_t used;			  /* entries ever taken */
	uint32_t head, tail;		  /* LRU ends */
	uint32_t seed;			  /* hash seed */
	uint32_t credit;		  /* table-wide bucket, alerts */
	uint32_t credit_time;		  /* its last refill */
	uint32_t est_port[PORT_BITS + 1]; /* linear-count estimates */
	uint32_t est_host[HOST_BITS + 1]; /* the same for host sketches */
	size_t bytes;			  /* allocated */
};

static const char *const type_names[ST__N] = {
	[ST_SYN] = "SYN",
	[ST_FIN] = "FIN",
	[ST_NULL] = "NULL",
	[ST_XMAS] = "XMAS",
	[ST_ACK] = "ACK",
	[ST_MAIMON] = "MAIMON",
	[ST_UDP] = "UDP",
	[ST_BADFLAGS] = "BADFLAGS",
	[ST_PORTSWEEP] = "PORTSWEEP",
	[ST_PINGSWEEP] = "PINGSWEEP",
	[ST_PROTO] = "PROTO",
};

const char *scan_type_name(enum scan_type type)
{
	return (unsigned int)type < ST__N ? type_names[type] : "?";
}

int scan_tcp_type(uint8_t flags)
{
	uint8_t f = flags & 0x3f;

	if ((f & (SCAN_SYN | SCAN_FIN)) == (SCAN_SYN | SCAN_FIN) ||
	    (f & (SCAN_SYN | SCAN_RST)) == (SCAN_SYN | SCAN_RST) ||
	    (f & (SCAN_FIN | SCAN_RST)) == (SCAN_FIN | SCAN_RST))
		return ST_BADFLAGS;
	switch (f) {
	case 0:
		return ST_NULL;
	case SCAN_SYN:
		return ST_SYN;
	case SCAN_FIN:
		return ST_FIN;
	case SCAN_FIN | SCAN_PSH | SCAN_URG:
		return ST_XMAS;
	case SCAN_ACK:
		return ST_ACK;
	case SCAN_FIN | SCAN_ACK:
		return ST_MAIMON;
	}
	/* URG or PSH alone, or with FIN only partly an XMAS: no real stack
	 * sends these either. */
	if (!(f & (SCAN_SYN | SCAN_ACK | SCAN_RST)))
		return ST_BADFLAGS;
	return -1;
}

int scan_parse_dl(const char *s, uint32_t dl[SCAN_NDL])
{
	unsigned int i;
	char *end;

	for (i = 0; i < SCAN_NDL; i++) {
		unsigned long v;

		while (*s == ' ' || *s == '\t')
			s++;
		errno = 0;
		v = strtoul(s, &end, 10);
		if (end == s || errno || v == 0 || v > UINT32_MAX)
			return -1;
		if (i && v <= dl[i - 1])
			return -1;
		dl[i] = (uint32_t)v;
		s = end;
		while (*s == ' ' || *s == '\t')
			s++;
		if (i + 1 < SCAN_NDL) {
			if (*s != ',')
				return -1;
			s++;
		}
	}
	return *s ? -1 : 0;
}

static uint32_t mix32(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

static uint32_t addr_hash(const struct nfp_addr *a, uint32_t seed)
{
	uint32_t w[4], h = seed ^ a->family;
	unsigned int i;

	if (a->family != AF_INET6)
		return mix32(h ^ a->in4);
	memcpy(w, a->in6, sizeof(w));
	for (i = 0; i < 4; i++)
		h = mix32(h ^ w[i]);
	return h;
}

static bool addr_eq(const struct nfp_addr *a, const struct nfp_addr *b)
{
	if (a->family != b->family)
		return false;
	if (a->family == AF_INET6)
		return !memcmp(a->in6, b->in6, 16);
	return a->in4 == b->in4;
}

/* Set @bit in @map; true when it was clear. */
static bool bit_set(uint64_t *map, unsigned int bit)
{
	uint64_t m = UINT64_C(1) << (bit & 63);

	if (map[bit >> 6] & m)
		return false;
	map[bit >> 6] |= m;
	return true;
}

static unsigned int port_bit(uint16_t port)
{
	return mix32(port * 0x9e3779b1u) >> 23;
}

static unsigned int host_bit(const struct nfp_addr *a)
{
	return addr_hash(a, 0x5ca11ed) >> 24;
}

static uint8_t level(const struct scan_table *t, uint32_t packets)
{
	uint8_t l = 0;

	while (l < SCAN_NDL && packets >= t->c.dl[l])
		l++;
	return l;
}

static void fill_est(uint32_t *est, unsigned int m)
{
	unsigned int s;

	for (s = 0; s <= m; s++) {
		double zeros = s < m ? (double)(m - s) : 0.5;
		double e = s ? m * log(m / zeros) : 0;
		uint32_t r = (uint32_t)(e + 0.5);

		est[s] = r < s ? s : r;
	}
}

size_t scan_source_bytes(void)
{
	return sizeof(struct scan_src);
}

struct scan_table *scan_table_new(const struct scan_conf *c)
{
	struct scan_table *t;
	uint32_t nb = 1;

	if (!c->max_sources)
		return NULL;
	while (nb < c->max_sources && nb < (UINT32_C(1) << 31))
		nb <<= 1;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->c = *c;
	t->src = calloc(c->max_sources, sizeof(*t->src));
	t->bucket = malloc(nb * sizeof(*t->bucket));
	if (!t->src || !t->bucket) {
		scan_table_free(t);
		return NULL;
	}
	memset(t->bucket, 0xff, nb * sizeof(*t->bucket));
	t->mask = nb - 1;
	t->head = t->tail = NIL;
	if (getrandom(&t->seed, sizeof(t->seed), GRND_NONBLOCK) !=
	    sizeof(t->seed))
		t->seed =
			(uint32_t)time(NULL) ^ (uint32_t)getpid() * 2654435761u;
	t->credit = c->total_per_sec;
	fill_est(t->est_port, PORT_BITS);
	fill_est(t->est_host, HOST_BITS);
	t->bytes = sizeof(*t) + (size_t)c->max_sources * sizeof(*t->src) +
		   nb * sizeof(*t->bucket);
	return t;
}

void scan_table_free(struct scan_table *t)
{
	if (!t)
		return;
	free(t->src);
	free(t->bucket);
	free(t);
}

size_t scan_table_bytes(const struct scan_table *t)
{
	return t->bytes;
}

const struct scan_stats *scan_table_stats(const struct scan_table *t)
{
	return &t->st;
}

static void lru_unlink(struct scan_table *t, uint32_t i)
{
	struct scan_src *e = &t->src[i];

	if (e->prev != NIL)
		t->src[e->prev].next = e->next;
	else
		t->head = e->next;
	if (e->next != NIL)
		t->src[e->next].prev = e->prev;
	else
		t->tail = e->prev;
}

static void lru_push(struct scan_table *t, uint32_t i)
{
	struct scan_src *e = &t->src[i];

	e->prev = NIL;
	e->next = t->head;
	if (t->head != NIL)
		t->src[t->head].prev = i;
	t->head = i;
	if (t->tail == NIL)
		t->tail = i;
}

static void hash_unlink(struct scan_table *t, uint32_t i)
{
	uint32_t *pp = &t->bucket[t->src[i].hash & t->mask];

	while (*pp != NIL && *pp != i)
		pp = &t->src[*pp].hnext;
	if (*pp == i)
		*pp = t->src[i].hnext;
}

static void state_reset(const struct scan_table *t, struct scan_src *e,
			uint32_t now)
{
	memset(&e->s, 0, sizeof(e->s));
	e->s.credit = t->c.source_per_min * 60;
	e->s.credit_time = now;
}

static struct scan_src *lookup(struct scan_table *t, const struct nfp_addr *a,
			       uint32_t now)
{
	uint32_t h = addr_hash(a, t->seed), i;
	struct scan_src *e;

	for (i = t->bucket[h & t->mask]; i != NIL; i = t->src[i].hnext) {
		e = &t->src[i];
		if (e->hash == h && addr_eq(&e->addr, a)) {
			if (t->head != i) {
				lru_unlink(t, i);
				lru_push(t, i);
			}
			return e;
		}
	}
	if (t->used < t->c.max_sources) {
		i = t->used++;
	} else {
		i = t->tail;
		hash_unlink(t, i);
		lru_unlink(t, i);
		t->st.evicted++;
	}
	e = &t->src[i];
	e->addr = *a;
	e->hash = h;
	e->hnext = t->bucket[h & t->mask];
	t->bucket[h & t->mask] = i;
	e->last = now;
	state_reset(t, e, now);
	lru_push(t, i);
	t->st.sources++;
	return e;
}

/* Both buckets refilled to @now; true (and both charged) when they allow
 * one more alert. A limit of 0 means none. */
static bool rate_ok(struct scan_table *t, struct scan_src *e, uint32_t now)
{
	const struct scan_conf *c = &t->c;
	struct scan_state *s = &e->s;

	if (c->source_per_min && now > s->credit_time) {
		uint64_t v = s->credit + (uint64_t)(now - s->credit_time) *
						 c->source_per_min;

		s->credit = v > c->source_per_min * 60 ? c->source_per_min * 60
						       : (uint32_t)v;
		s->credit_time = now;
	}
	if (c->total_per_sec && now > t->credit_time) {
		uint64_t v = t->credit + (uint64_t)(now - t->credit_time) *
						 c->total_per_sec;

		t->credit =
			v > c->total_per_sec ? c->total_per_sec : (uint32_t)v;
		t->credit_time = now;
	}
	if (c->source_per_min && s->credit < 60)
		return false;
	if (c->total_per_sec && !t->credit)
		return false;
	if (c->source_per_min)
		s->credit -= 60;
	if (c->total_per_sec)
		t->credit--;
	return true;
}

static void raise_alert(struct scan_table *t, struct scan_src *e,
			enum scan_type ty, uint8_t dl, uint32_t now,
			scan_alert_cb cb, void *arg)
{
	const struct scan_tstate *ts = &e->s.t[ty];
	struct scan_alert a = {
		.type = ty,
		.dl = dl,
		.packets = ts->packets,
		.port_min = ts->pmin,
		.port_max = ts->pmax,
		.first = ts->first,
		.last = ts->last,
		.now = now,
		.src = &e->addr,
		.dst = &e->s.dst,
		.hosts = t->est_host[e->s.hbits],
	};

	switch (ty) {
	case ST_PORTSWEEP: {
		const struct scan_sweep *w = &e->s.sw[e->s.sweep_best];

		a.packets = w->packets;
		a.first = w->first;
		a.last = w->last;
		a.port_min = a.port_max = w->port;
		a.ports = 1;
		a.hosts = t->est_host[w->bits];
		break;
	}
	case ST_PINGSWEEP:
		a.ports = 0;
		a.hosts = t->est_host[ts->bits];
		break;
	case ST_PROTO:
		a.ports = ts->bits;
		break;
	default:
		a.ports = t->est_port[ts->bits];
		break;
	}
	t->st.alerts++;
	if (cb)
		cb(&a, arg);
}

/* The distinct ports, hosts or protocols type @ty has, against its minimum. */
static bool wide_enough(const struct scan_table *t, const struct scan_src *e,
			enum scan_type ty)
{
	const struct scan_tstate *ts = &e->s.t[ty];

	switch (ty) {
	case ST_BADFLAGS:
		return true;
	case ST_PORTSWEEP:
		return t->est_host[e->s.sw[e->s.sweep_best].bits] >=
		       t->c.min_hosts;
	case ST_PINGSWEEP:
		return t->est_host[ts->bits] >= t->c.min_hosts;
	case ST_PROTO:
		return ts->bits >= t->c.min_ports;
	default:
		return t->est_port[ts->bits] >= t->c.min_ports;
	}
}

/* Alert when @ty of @e reached a danger level above the one alerted. */
static void check(struct scan_table *t, struct scan_src *e, enum scan_type ty,
		  uint32_t packets, uint32_t now, scan_alert_cb cb, void *arg)
{
	struct scan_tstate *ts = &e->s.t[ty];
	uint8_t dl = level(t, packets);

	if (dl <= ts->dl || !wide_enough(t, e, ty))
		return;
	if (rate_ok(t, e, now)) {
		ts->dl = dl;
		if (ts->pend) {
			ts->pend = 0;
			e->s.npend--;
		}
		raise_alert(t, e, ty, dl, now, cb, arg);
	} else if (dl > ts->pend) {
		if (!ts->pend)
			e->s.npend++;
		ts->pend = dl;
		t->st.suppressed++;
	}
}

static bool expired(const struct scan_table *t, uint32_t last, uint32_t now)
{
	return now > last && now - last > t->c.timeout;
}

/* Count a packet of type @ty; forget the type first if it went quiet. */
static struct scan_tstate *type_hit(struct scan_table *t, struct scan_src *e,
				    enum scan_type ty, uint16_t port,
				    uint32_t now)
{
	struct scan_tstate *ts = &e->s.t[ty];

	if (ts->packets && expired(t, ts->last, now)) {
		if (ts->pend)
			e->s.npend--;
		memset(ts, 0, sizeof(*ts));
		if (ty < ST__NPORT)
			memset(e->s.ports[ty], 0, sizeof(e->s.ports[ty]));
		else if (ty == ST_PINGSWEEP)
			memset(e->s.ping, 0, sizeof(e->s.ping));
		else if (ty == ST_PROTO)
			memset(e->s.protos, 0, sizeof(e->s.protos));
	}
	if (!ts->packets) {
		ts->first = now;
		ts->pmin = ts->pmax = port;
	} else {
		if (port < ts->pmin)
			ts->pmin = port;
		if (port > ts->pmax)
			ts->pmax = port;
	}
	if (ts->packets < UINT32_MAX)
		ts->packets++;
	ts->last = now;
	return ts;
}

static void port_hit(struct scan_table *t, struct scan_src *e,
		     enum scan_type ty, uint16_t port, uint32_t now,
		     scan_alert_cb cb, void *arg)
{
	struct scan_tstate *ts = type_hit(t, e, ty, port, now);

	if (bit_set(e->s.ports[ty], port_bit(port)))
		ts->bits++;
	check(t, e, ty, ts->packets, now, cb, arg);
}

static void sweep_hit(struct scan_table *t, struct scan_src *e,
		      const struct scan_pkt *p, uint32_t now, scan_alert_cb cb,
		      void *arg)
{
	struct scan_sweep *w = NULL, *v;
	unsigned int i;

	for (i = 0; i < NSWEEP; i++) {
		v = &e->s.sw[i];
		if (v->used && v->port == p->dport && v->proto == p->proto) {
			w = v;
			break;
		}
	}
	if (w && expired(t, w->last, now))
		memset(w, 0, sizeof(*w));
	if (!w || !w->used) {
		for (i = 0; !w && i < NSWEEP; i++) {
			v = &e->s.sw[i];
			if (!v->used || expired(t, v->last, now))
				w = v;
		}
		for (i = 0; !w && i < NSWEEP; i++) {
			v = &e->s.sw[i];
			if (i == e->s.sweep_best && e->s.t[ST_PORTSWEEP].dl)
				continue; /* keep what was alerted */
			if (!w || v->bits < w->bits ||
			    (v->bits == w->bits && v->last < w->last))
				w = v;
		}
		if (!w)
			w = &e->s.sw[(e->s.sweep_best + 1) % NSWEEP];
		memset(w, 0, sizeof(*w));
		w->used = 1;
		w->port = p->dport;
		w->proto = p->proto;
		w->first = now;
	}
	if (w->packets < UINT32_MAX)
		w->packets++;
	w->last = now;
	if (bit_set(w->hosts, host_bit(p->dst)))
		w->bits++;
	if (t->est_host[w->bits] < t->c.min_hosts)
		return;
	/* The widest candidate is the sweep this source makes. */
	if (w != &e->s.sw[e->s.sweep_best] &&
	    w->bits > e->s.sw[e->s.sweep_best].bits)
		e->s.sweep_best = (uint8_t)(w - e->s.sw);
	if (w != &e->s.sw[e->s.sweep_best])
		return;
	type_hit(t, e, ST_PORTSWEEP, p->dport, now);
	check(t, e, ST_PORTSWEEP, w->packets, now, cb, arg);
}

/* Alerts that waited for the rate limits, now that a packet came. */
static void retry_pending(struct scan_table *t, struct scan_src *e,
			  uint32_t now, scan_alert_cb cb, void *arg)
{
	unsigned int ty;

	for (ty = 0; ty < ST__N && e->s.npend; ty++) {
		const struct scan_tstate *ts = &e->s.t[ty];
		uint32_t n = ts->packets;

		if (!ts->pend)
			continue;
		if (ty == ST_PORTSWEEP)
			n = e->s.sw[e->s.sweep_best].packets;
		check(t, e, ty, n, now, cb, arg);
	}
}

void scan_table_add(struct scan_table *t, const struct scan_pkt *p,
		    scan_alert_cb cb, void *arg)
{
	struct scan_tstate *ts;
	struct scan_src *e;
	uint32_t now = p->now;
	uint8_t npend;
	int ty;

	t->st.packets++;
	e = lookup(t, p->src, now);
	if (expired(t, e->last, now))
		state_reset(t, e, now);
	e->last = now;
	npend = e->s.npend;
	if (p->dst && p->dst->family) {
		e->s.dst = *p->dst;
		if (bit_set(e->s.hosts, host_bit(p->dst)))
			e->s.hbits++;
	}

	ts = type_hit(t, e, ST_PROTO, p->proto, now);
	if (bit_set(e->s.protos, p->proto))
		ts->bits++;
	check(t, e, ST_PROTO, ts->packets, now, cb, arg);

	if (p->has_flags) {
		ty = scan_tcp_type(p->flags);
		if (ty >= 0)
			port_hit(t, e, (enum scan_type)ty,
				 p->has_port ? p->dport : 0, now, cb, arg);
		if (ty >= 0 && ty != ST_BADFLAGS && p->has_port && p->dst &&
		    p->dst->family)
			sweep_hit(t, e, p, now, cb, arg);
	} else if (p->has_port) {
		port_hit(t, e, ST_UDP, p->dport, now, cb, arg);
		if (p->dst && p->dst->family)
			sweep_hit(t, e, p, now, cb, arg);
	} else if (p->echo && p->dst && p->dst->family) {
		ts = type_hit(t, e, ST_PINGSWEEP, 0, now);
		if (bit_set(e->s.ping, host_bit(p->dst)))
			ts->bits++;
		check(t, e, ST_PINGSWEEP, ts->packets, now, cb, arg);
	}
	if (npend)
		retry_pending(t, e, now, cb, arg);
}
