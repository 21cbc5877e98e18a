// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * filter/l7 - the flow table: parse, key, hash, LRU, detect, expire
 *
 * See l7_flow.h. Memory is laid out at l7_ctx_new(): the flows, a bucket
 * array (a power of two at least max_flows, chains through the flows), and
 * one detection slot per flow (nDPI's flow state plus a pattern buffer per
 * direction), taken from a free list on a flow's first packet and given
 * back as soon as nDPI and the patterns are done with it, so the pages
 * that are touched follow the flows being detected, not the table size.
 * The hash is seeded at random so that crafted addresses cannot pile
 * flows into one chain.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "l7_flow.h"

/* A detection slot: this header, nDPI's state, then 2 pattern buffers. */
struct l7_det {
	uint32_t next_free; /* free list: next slot index + 1 */
	uint16_t plen[2];   /* bytes in each direction's pattern buffer */
};

struct l7_ctx {
	struct l7_conf conf;	/* as given */
	struct l7n *ndpi;	/* the caller's; NULL: no nDPI */
	struct l7p_set *pats;	/* the caller's; NULL: no patterns */
	l7_emit_cb emit;	/* where finished flows go */
	void *arg;		/* for emit */
	uint64_t *ctr;		/* L7C__COUNT counters, the caller's */
	struct l7_flow *flows;	/* max_flows flows */
	uint32_t *bucket;	/* flow index + 1, 0: empty */
	uint32_t *ctbucket;	/* the same, by conntrack id */
	uint32_t mask;		/* buckets - 1 */
	uint64_t seed;		/* hash seed */
	uint32_t head;		/* LRU newest, index + 1 */
	uint32_t tail;		/* LRU oldest, index + 1 */
	uint32_t free;		/* free flows, chained through hnext */
	uint32_t count;		/* flows in use */
	uint8_t *det;		/* detection slots */
	size_t det_stride;	/* bytes per slot */
	size_t ndpi_off;	/* nDPI state's offset in a slot */
	size_t pat_off;		/* first pattern buffer's offset */
	uint32_t det_free;	/* free slots, index + 1 */
	uint8_t scratch[65536]; /* a packet with its length fields fixed */
};

static struct l7_det *det_of(struct l7_ctx *c, const struct l7_flow *f)
{
	return (struct l7_det *)(c->det + (size_t)(f->det - 1) * c->det_stride);
}

struct l7_ctx *l7_ctx_new(const struct l7_conf *conf, struct l7n *ndpi,
			  struct l7p_set *pats, l7_emit_cb emit, void *arg,
			  uint64_t *ctr)
{
	struct l7_ctx *c;
	uint32_t i, nb = 1;

	if (!conf->max_flows)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->conf = *conf;
	c->ndpi = ndpi;
	c->pats = l7p_count(pats) ? pats : NULL;
	c->emit = emit;
	c->arg = arg;
	c->ctr = ctr;
	while (nb < conf->max_flows && nb < (1u << 31))
		nb <<= 1;
	c->mask = nb - 1;
	c->ndpi_off = (sizeof(struct l7_det) + 15) & ~(size_t)15;
	c->pat_off =
		c->ndpi_off + ((ndpi ? l7n_flow_size() : 0) + 15) / 16 * 16;
	c->det_stride =
		c->pat_off +
		(c->pats ? ((size_t)conf->pat_bytes * 2 + 15) / 16 * 16 : 0);
	/* calloc'ed pages stay untouched (and out of RSS) until used. */
	c->flows = calloc(conf->max_flows, sizeof(*c->flows));
	c->bucket = calloc(nb, sizeof(*c->bucket));
	c->ctbucket = calloc(nb, sizeof(*c->ctbucket));
	c->det = calloc(conf->max_flows, c->det_stride);
	if (!c->flows || !c->bucket || !c->ctbucket || !c->det) {
		l7_ctx_free(c);
		return NULL;
	}
	if (getrandom(&c->seed, sizeof(c->seed), GRND_NONBLOCK) !=
	    sizeof(c->seed))
		c->seed = (uint64_t)(uintptr_t)c ^ 0x9e3779b97f4a7c15ull;
	for (i = conf->max_flows; i > 0; i--) {
		c->flows[i - 1].hnext = c->free;
		c->free = i;
		((struct l7_det *)(c->det + (size_t)(i - 1) * c->det_stride))
			->next_free = c->det_free;
		c->det_free = i;
	}
	return c;
}

static void det_put(struct l7_ctx *c, struct l7_flow *f)
{
	struct l7_det *d;

	if (!f->det)
		return;
	d = det_of(c, f);
	if (c->ndpi)
		l7n_flow_reset((uint8_t *)d + c->ndpi_off);
	d->plen[0] = d->plen[1] = 0;
	d->next_free = c->det_free;
	c->det_free = f->det;
	f->det = 0;
}

void l7_ctx_free(struct l7_ctx *c)
{
	uint32_t i;

	if (!c)
		return;
	if (c->flows && c->det)
		for (i = 0; i < c->conf.max_flows; i++)
			det_put(c, &c->flows[i]);
	free(c->flows);
	free(c->bucket);
	free(c->ctbucket);
	free(c->det);
	free(c);
}

uint32_t l7_ctx_count(const struct l7_ctx *c)
{
	return c->count;
}

static uint64_t mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

static uint32_t hash_key(const struct l7_ctx *c, const struct l7_key *k)
{
	uint64_t w[5], h = c->seed;
	unsigned int i;

	memcpy(w, k, sizeof(w));
	for (i = 0; i < 5; i++)
		h = mix(h ^ w[i]);
	return (uint32_t)h & c->mask;
}

/* ---- LRU ------------------------------------------------------------- */

static void lru_unlink(struct l7_ctx *c, struct l7_flow *f)
{
	if (f->prev)
		c->flows[f->prev - 1].next = f->next;
	else
		c->head = f->next;
	if (f->next)
		c->flows[f->next - 1].prev = f->prev;
	else
		c->tail = f->prev;
	f->prev = f->next = 0;
}

static void lru_push(struct l7_ctx *c, struct l7_flow *f)
{
	uint32_t id = (uint32_t)(f - c->flows) + 1;

	f->prev = 0;
	f->next = c->head;
	if (c->head)
		c->flows[c->head - 1].prev = id;
	c->head = id;
	if (!c->tail)
		c->tail = id;
}

/* ---- table ----------------------------------------------------------- */

static struct l7_flow *find(struct l7_ctx *c, const struct l7_key *k,
			    uint32_t h)
{
	uint32_t i;

	for (i = c->bucket[h]; i; i = c->flows[i - 1].hnext)
		if (!memcmp(&c->flows[i - 1].key, k, sizeof(*k)))
			return &c->flows[i - 1];
	return NULL;
}

static uint32_t hash_ct(const struct l7_ctx *c, uint32_t id)
{
	return (uint32_t)mix(c->seed ^ id) & c->mask;
}

static void ct_link(struct l7_ctx *c, struct l7_flow *f)
{
	uint32_t h = hash_ct(c, f->ct_id);

	f->cnext = c->ctbucket[h];
	c->ctbucket[h] = (uint32_t)(f - c->flows) + 1;
	f->in_ct = true;
}

static void ct_unlink(struct l7_ctx *c, struct l7_flow *f)
{
	uint32_t id = (uint32_t)(f - c->flows) + 1;
	uint32_t *p;

	if (!f->in_ct)
		return;
	p = &c->ctbucket[hash_ct(c, f->ct_id)];
	while (*p && *p != id)
		p = &c->flows[*p - 1].cnext;
	if (*p)
		*p = f->cnext;
	f->in_ct = false;
}

struct l7_flow *l7_lookup_ct(struct l7_ctx *c, uint32_t id)
{
	uint32_t i;

	for (i = c->ctbucket[hash_ct(c, id)]; i; i = c->flows[i - 1].cnext)
		if (c->flows[i - 1].ct_id == id)
			return &c->flows[i - 1];
	return NULL;
}

static void forget(struct l7_ctx *c, struct l7_flow *f)
{
	uint32_t id = (uint32_t)(f - c->flows) + 1;
	uint32_t *p = &c->bucket[hash_key(c, &f->key)];

	while (*p && *p != id)
		p = &c->flows[*p - 1].hnext;
	if (*p)
		*p = f->hnext;
	lru_unlink(c, f);
	ct_unlink(c, f);
	det_put(c, f);
	f->state = L7F_FREE;
	f->hnext = c->free;
	c->free = id;
	c->count--;
}

/* nDPI has not named the flow and will get no more packets: its guess. */
static void give_up(struct l7_ctx *c, struct l7_flow *f)
{
	struct l7n_label l = { 0 };

	if (f->labelled || !c->ndpi || !f->det)
		return;
	l7n_giveup(c->ndpi, (uint8_t *)det_of(c, f) + c->ndpi_off, &l);
	f->master = l.master;
	f->app = l.app;
	f->category = l.category;
	f->guessed = l.guessed;
	f->labelled = true;
	f->ndpi_done = true;
	if (l.master || l.app)
		c->ctr[l.guessed ? L7C_GUESSED : L7C_DETECTED]++;
	else
		c->ctr[L7C_UNDETECTED]++;
}

static void end_flow(struct l7_ctx *c, struct l7_flow *f, enum l7_end why)
{
	if (f->state != L7F_LIVE)
		return;
	give_up(c, f);
	det_put(c, f);
	f->state = L7F_ENDED;
	if (why == L7_END_EVICT)
		c->ctr[L7C_EVICTED]++;
	if (c->emit)
		c->emit(c->arg, f, why);
}

static void start_flow(struct l7_ctx *c, struct l7_flow *f, uint8_t side,
		       const struct l7_pkt *p)
{
	struct l7_det *d;

	ct_unlink(c, f);
	f->first_us = f->last_us = p->ts_us;
	memset(f->bytes, 0, sizeof(f->bytes));
	memset(f->pkts, 0, sizeof(f->pkts));
	f->risk = 0;
	f->ct_id = p->ct_id;
	f->has_ct = p->has_ct;
	if (f->has_ct)
		ct_link(c, f);
	f->prefix = p->prefix;
	f->master = f->app = f->category = 0;
	f->pattern = -1;
	f->state = L7F_LIVE;
	f->init_side = side;
	f->fin = 0;
	f->fed = 0;
	f->has_icmp = false;
	f->labelled = f->guessed = false;
	f->ndpi_done = !c->ndpi;
	f->host[0] = '\0';
	c->ctr[L7C_FLOWS]++;
	if (c->ndpi || c->pats) {
		/* One slot per flow exists, so the free list is never empty. */
		f->det = c->det_free;
		d = det_of(c, f);
		c->det_free = d->next_free;
		d->plen[0] = d->plen[1] = 0;
	}
}

static struct l7_flow *new_flow(struct l7_ctx *c, const struct l7_key *k,
				uint32_t h)
{
	struct l7_flow *f;
	uint32_t id;

	if (!c->free) {
		f = &c->flows[c->tail - 1];
		end_flow(c, f, L7_END_EVICT);
		forget(c, f);
		h = hash_key(c, k);
	}
	id = c->free;
	f = &c->flows[id - 1];
	c->free = f->hnext;
	f->key = *k;
	f->hnext = c->bucket[h];
	c->bucket[h] = id;
	f->det = 0;
	f->in_ct = false;
	c->count++;
	lru_push(c, f);
	return f;
}

/* ---- parsing --------------------------------------------------------- */

struct l7_parsed {
	const uint8_t *src, *dst; /* addresses */
	uint16_t sport, dport;	  /* host order */
	uint8_t proto;		  /* L4 protocol */
	uint8_t family;		  /* 4 or 6 */
	uint8_t tcpflags;	  /* TCP flags byte */
	uint8_t icmp_type, icmp_code;
	bool has_icmp;
	uint32_t iplen;		/* IP length from the header */
	uint32_t caplen;	/* bytes of the packet we have */
	const uint8_t *payload; /* L4 payload */
	uint32_t paylen;	/* captured payload bytes */
};

enum { P_OK, P_MALFORMED, P_NOT_IP, P_SKIP };

static int parse_l4(const uint8_t *l4, uint32_t l4len, struct l7_parsed *r)
{
	uint32_t off;

	switch (r->proto) {
	case 6: /* TCP */
		if (l4len < 20)
			return P_MALFORMED;
		off = (uint32_t)(l4[12] >> 4) * 4;
		if (off < 20 || off > l4len)
			return P_MALFORMED;
		r->sport = (uint16_t)(l4[0] << 8 | l4[1]);
		r->dport = (uint16_t)(l4[2] << 8 | l4[3]);
		r->tcpflags = l4[13];
		r->payload = l4 + off;
		r->paylen = l4len - off;
		return P_OK;
	case 17:  /* UDP */
	case 136: /* UDP-Lite */
		if (l4len < 8)
			return P_MALFORMED;
		r->sport = (uint16_t)(l4[0] << 8 | l4[1]);
		r->dport = (uint16_t)(l4[2] << 8 | l4[3]);
		r->payload = l4 + 8;
		r->paylen = l4len - 8;
		return P_OK;
	case 1:	 /* ICMP */
	case 58: /* ICMPv6 */
		if (l4len < 2)
			return P_MALFORMED;
		r->icmp_type = l4[0];
		r->icmp_code = l4[1];
		r->has_icmp = true;
		return P_OK;
	default:
		return P_OK;
	}
}

static int parse(const uint8_t *d, uint32_t len, struct l7_parsed *r)
{
	uint32_t hl, tot, off;
	uint8_t nh;
	int i;

	memset(r, 0, sizeof(*r));
	if (len < 1)
		return P_MALFORMED;
	switch (d[0] >> 4) {
	case 4:
		if (len < 20)
			return P_MALFORMED;
		hl = (uint32_t)(d[0] & 15) * 4;
		tot = (uint32_t)(d[2] << 8 | d[3]);
		if (hl < 20 || hl > len || tot < hl)
			return P_MALFORMED;
		r->family = 4;
		r->src = d + 12;
		r->dst = d + 16;
		r->proto = d[9];
		r->iplen = tot;
		r->caplen = len < tot ? len : tot;
		if ((d[6] & 0x1f) || d[7])
			return P_SKIP; /* a later fragment: no L4 header */
		return parse_l4(d + hl, r->caplen - hl, r);
	case 6:
		if (len < 40)
			return P_MALFORMED;
		tot = 40 + (uint32_t)(d[4] << 8 | d[5]);
		r->family = 6;
		r->src = d + 8;
		r->dst = d + 24;
		r->iplen = tot;
		r->caplen = len < tot ? len : tot;
		nh = d[6];
		off = 40;
		for (i = 0; i < 8; i++) {
			if (nh != 0 && nh != 43 && nh != 60 && nh != 44 &&
			    nh != 51)
				break;
			if (off + 8 > r->caplen)
				return P_MALFORMED;
			if (nh == 44) {
				if ((d[off + 2] << 8 | d[off + 3]) & 0xfff8)
					return P_SKIP;
				hl = 8;
			} else if (nh == 51) {
				hl = ((uint32_t)d[off + 1] + 2) * 4;
			} else {
				hl = ((uint32_t)d[off + 1] + 1) * 8;
			}
			nh = d[off];
			off += hl;
		}
		if (off > r->caplen)
			return P_MALFORMED;
		r->proto = nh;
		return parse_l4(d + off, r->caplen - off, r);
	default:
		return P_NOT_IP;
	}
}

static void make_key(const struct l7_parsed *r, struct l7_key *k,
		     uint8_t *src_side)
{
	size_t alen = r->family == 4 ? 4 : 16;
	int cmp = memcmp(r->src, r->dst, alen);

	memset(k, 0, sizeof(*k));
	if (!cmp)
		cmp = (r->sport > r->dport) - (r->sport < r->dport);
	*src_side = cmp > 0;
	memcpy(*src_side ? k->b : k->a, r->src, alen);
	memcpy(*src_side ? k->a : k->b, r->dst, alen);
	k->pa = *src_side ? r->dport : r->sport;
	k->pb = *src_side ? r->sport : r->dport;
	k->proto = r->proto;
	k->family = r->family;
}

/* ---- detection ------------------------------------------------------- */

static void take_label(struct l7_ctx *c, struct l7_flow *f, void *nf,
		       const struct l7n_label *l)
{
	const char *h = l7n_host(nf);

	f->master = l->master;
	f->app = l->app;
	f->category = l->category;
	f->guessed = l->guessed;
	f->risk = l7n_risk(nf);
	if (h[0]) {
		strncpy(f->host, h, sizeof(f->host) - 1);
		f->host[sizeof(f->host) - 1] = '\0';
	}
	if (!f->labelled) {
		f->labelled = true;
		c->ctr[L7C_DETECTED]++;
	}
}

static const uint8_t *fixed_len(struct l7_ctx *c, const uint8_t *d,
				const struct l7_parsed *r)
{
	uint32_t n = r->caplen;

	if (r->caplen == r->iplen || n > sizeof(c->scratch))
		return d;
	/* nDPI refuses a packet shorter than its IP length: snaplen. */
	memcpy(c->scratch, d, n);
	if (r->family == 4) {
		c->scratch[2] = (uint8_t)(n >> 8);
		c->scratch[3] = (uint8_t)n;
	} else {
		c->scratch[4] = (uint8_t)((n - 40) >> 8);
		c->scratch[5] = (uint8_t)(n - 40);
	}
	return c->scratch;
}

static void detect(struct l7_ctx *c, struct l7_flow *f, const uint8_t *d,
		   const struct l7_parsed *r, uint64_t ts_us, bool reply)
{
	struct l7_det *dt = det_of(c, f);
	struct l7n_label l = { 0 };
	enum l7n_state s;

	f->fed++;
	if (!f->ndpi_done) {
		void *nf = (uint8_t *)dt + c->ndpi_off;
		uint32_t n = r->caplen > 65535 ? 65535 : r->caplen;

		s = l7n_feed(c->ndpi, nf, fixed_len(c, d, r), (uint16_t)n,
			     ts_us / 1000, &l);
		if (s != L7N_MORE)
			take_label(c, f, nf, &l);
		if (s == L7N_DONE)
			f->ndpi_done = true;
		else if (f->fed >= c->conf.max_packets) {
			give_up(c, f);
			f->ndpi_done = true;
		}
	}
	if (c->pats && f->pattern < 0 && r->paylen) {
		uint8_t *buf = (uint8_t *)dt + c->pat_off +
			       (reply ? c->conf.pat_bytes : 0);
		uint16_t *used = &dt->plen[reply];
		uint32_t room = c->conf.pat_bytes - *used;
		uint32_t n = r->paylen < room ? r->paylen : room;

		if (n) {
			int m;

			memcpy(buf + *used, r->payload, n);
			*used = (uint16_t)(*used + n);
			m = l7p_match(c->pats, buf, *used);
			if (m >= 0) {
				f->pattern = (int16_t)m;
				c->ctr[L7C_PATTERN_HITS]++;
			}
		}
	}
	if (f->ndpi_done &&
	    (!c->pats || f->pattern >= 0 || f->fed >= c->conf.max_packets))
		det_put(c, f);
}

struct l7_flow *l7_packet(struct l7_ctx *c, const struct l7_pkt *p, bool *reply)
{
	struct l7_parsed r;
	struct l7_flow *f;
	struct l7_key k;
	uint8_t side;
	uint32_t h;
	int dir;

	*reply = false;
	switch (parse(p->data, p->len, &r)) {
	case P_OK:
		break;
	case P_MALFORMED:
		c->ctr[L7C_MALFORMED]++;
		return NULL;
	case P_NOT_IP:
		c->ctr[L7C_NOT_IP]++;
		return NULL;
	default:
		return NULL;
	}
	make_key(&r, &k, &side);
	h = hash_key(c, &k);
	f = find(c, &k, h);
	if (!f) {
		f = new_flow(c, &k, h);
		start_flow(c, f, side, p);
	} else if (f->state == L7F_ENDED &&
		   (r.proto != 6 || (r.tcpflags & 0x12) == 0x02)) {
		/* A new SYN, or a datagram after the flow ended: anew. */
		start_flow(c, f, side, p);
	}
	lru_unlink(c, f);
	lru_push(c, f);
	dir = side != f->init_side;
	*reply = dir;
	if (p->ts_us > f->last_us)
		f->last_us = p->ts_us;
	if (f->state != L7F_LIVE)
		return f;
	if (!f->pkts[0] && !f->pkts[1] && r.has_icmp) {
		f->has_icmp = true;
		f->icmp_type = r.icmp_type;
		f->icmp_code = r.icmp_code;
	}
	if (p->has_ct && !f->has_ct) {
		f->ct_id = p->ct_id;
		f->has_ct = true;
		ct_link(c, f);
	}
	f->pkts[dir]++;
	f->bytes[dir] += r.iplen;
	if (f->det)
		detect(c, f, p->data, &r, p->ts_us, dir);
	if (r.proto == 6) {
		if (r.tcpflags & 0x04) {
			end_flow(c, f, L7_END_RST);
		} else if (r.tcpflags & 0x01) {
			f->fin |= (uint8_t)(1u << dir);
			if (f->fin == 3)
				end_flow(c, f, L7_END_FIN);
		}
	}
	return f;
}

struct l7_flow *l7_lookup(struct l7_ctx *c, uint8_t family, uint8_t proto,
			  const void *saddr, const void *daddr, uint16_t sport,
			  uint16_t dport)
{
	struct l7_parsed r = { 0 };
	struct l7_key k;
	uint8_t side;

	if (family != 4 && family != 6)
		return NULL;
	r.src = saddr;
	r.dst = daddr;
	r.sport = sport;
	r.dport = dport;
	r.proto = proto;
	r.family = family;
	make_key(&r, &k, &side);
	return find(c, &k, hash_key(c, &k));
}

void l7_expire(struct l7_ctx *c, uint64_t now_us)
{
	uint64_t idle = c->conf.idle_us, linger = c->conf.linger_us;
	uint64_t least = idle < linger ? idle : linger;
	uint32_t i, prev;

	for (i = c->tail; i; i = prev) {
		struct l7_flow *f = &c->flows[i - 1];

		prev = f->prev;
		if (f->last_us + least > now_us)
			break;
		if (f->state == L7F_LIVE && f->last_us + idle <= now_us)
			end_flow(c, f, L7_END_IDLE);
		if (f->state == L7F_ENDED && f->last_us + linger <= now_us)
			forget(c, f);
	}
}

void l7_ctx_flush(struct l7_ctx *c)
{
	uint32_t i;

	for (i = c->tail; i; i = c->flows[i - 1].prev)
		end_flow(c, &c->flows[i - 1], L7_END_STOP);
}

const uint8_t *l7_flow_addr(const struct l7_flow *f, bool reply, uint16_t *port)
{
	bool a = (f->init_side == 0) != reply;

	*port = a ? f->key.pa : f->key.pb;
	return a ? f->key.a : f->key.b;
}
