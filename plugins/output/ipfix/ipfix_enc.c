/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output/ipfix - the IPFIX encoder: data records, templates, messages
 *
 * See ipfix_enc.h. Pure functions over caller-owned buffers; the only
 * allocations are ipfix_out's, grown by ipfix_pack() and kept for reuse.
 * Element ids and types are IANA's "IPFIX Information Elements" registry;
 * the wire layout is RFC 7011 section 3.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ipfix_enc.h"

/* IANA information element ids used here. */
enum {
	IE_OCTET_DELTA = 1,
	IE_PACKET_DELTA = 2,
	IE_PROTOCOL = 4,
	IE_SRC_PORT = 7,
	IE_SRC_IPV4 = 8,
	IE_DST_PORT = 11,
	IE_DST_IPV4 = 12,
	IE_POST_OCTET_DELTA = 23,
	IE_POST_PACKET_DELTA = 24,
	IE_SRC_IPV6 = 27,
	IE_DST_IPV6 = 28,
	IE_ICMP_TC_IPV4 = 32,
	IE_FLOW_END_REASON = 136,
	IE_ICMP_TC_IPV6 = 139,
	IE_FLOW_ID = 148,
	IE_START_MS = 152,
	IE_END_MS = 153,
	IE_POST_NAT_SRC_IPV4 = 225,
	IE_POST_NAT_DST_IPV4 = 226,
	IE_POST_NAPT_SRC_PORT = 227,
	IE_POST_NAPT_DST_PORT = 228,
};

/*
 * Addresses, ports and protocol first (what every collector keys on),
 * then the counters and times as unsigned64 / dateTimeMilliseconds.
 */
static const struct ipfix_field flow4_fields[] = {
	{ IE_SRC_IPV4, 4 },
	{ IE_DST_IPV4, 4 },
	{ IE_SRC_PORT, 2 },
	{ IE_DST_PORT, 2 },
	{ IE_PROTOCOL, 1 },
	{ IE_FLOW_END_REASON, 1 },
	{ IE_ICMP_TC_IPV4, 2 },
	{ IE_OCTET_DELTA, 8 },
	{ IE_PACKET_DELTA, 8 },
	{ IE_POST_OCTET_DELTA, 8 },
	{ IE_POST_PACKET_DELTA, 8 },
	{ IE_START_MS, 8 },
	{ IE_END_MS, 8 },
	{ IE_FLOW_ID, 8 },
};

static const struct ipfix_field flow6_fields[] = {
	{ IE_SRC_IPV6, 16 },
	{ IE_DST_IPV6, 16 },
	{ IE_SRC_PORT, 2 },
	{ IE_DST_PORT, 2 },
	{ IE_PROTOCOL, 1 },
	{ IE_FLOW_END_REASON, 1 },
	{ IE_ICMP_TC_IPV6, 2 },
	{ IE_OCTET_DELTA, 8 },
	{ IE_PACKET_DELTA, 8 },
	{ IE_POST_OCTET_DELTA, 8 },
	{ IE_POST_PACKET_DELTA, 8 },
	{ IE_START_MS, 8 },
	{ IE_END_MS, 8 },
	{ IE_FLOW_ID, 8 },
};

static const struct ipfix_field nat4_fields[] = {
	{ IE_SRC_IPV4, 4 },
	{ IE_DST_IPV4, 4 },
	{ IE_SRC_PORT, 2 },
	{ IE_DST_PORT, 2 },
	{ IE_PROTOCOL, 1 },
	{ IE_FLOW_END_REASON, 1 },
	{ IE_ICMP_TC_IPV4, 2 },
	{ IE_OCTET_DELTA, 8 },
	{ IE_PACKET_DELTA, 8 },
	{ IE_POST_OCTET_DELTA, 8 },
	{ IE_POST_PACKET_DELTA, 8 },
	{ IE_START_MS, 8 },
	{ IE_END_MS, 8 },
	{ IE_FLOW_ID, 8 },
	{ IE_POST_NAT_SRC_IPV4, 4 },
	{ IE_POST_NAT_DST_IPV4, 4 },
	{ IE_POST_NAPT_SRC_PORT, 2 },
	{ IE_POST_NAPT_DST_PORT, 2 },
};

static const struct ipfix_field pkt4_fields[] = {
	{ IE_SRC_IPV4, 4 },    { IE_DST_IPV4, 4 },     { IE_SRC_PORT, 2 },
	{ IE_DST_PORT, 2 },    { IE_PROTOCOL, 1 },     { IE_ICMP_TC_IPV4, 2 },
	{ IE_OCTET_DELTA, 8 }, { IE_PACKET_DELTA, 8 }, { IE_START_MS, 8 },
	{ IE_END_MS, 8 },
};

static const struct ipfix_field pkt6_fields[] = {
	{ IE_SRC_IPV6, 16 },   { IE_DST_IPV6, 16 },    { IE_SRC_PORT, 2 },
	{ IE_DST_PORT, 2 },    { IE_PROTOCOL, 1 },     { IE_ICMP_TC_IPV6, 2 },
	{ IE_OCTET_DELTA, 8 }, { IE_PACKET_DELTA, 8 }, { IE_START_MS, 8 },
	{ IE_END_MS, 8 },
};

#define N(a) ((uint16_t)(sizeof(a) / sizeof((a)[0])))

/* reclen is the sum of the field lengths, worked out by hand. */
static const struct ipfix_tmpl tmpls[IPFIX_NTMPL] = {
	{ IPFIX_TID_FLOW4, N(flow4_fields), 72, flow4_fields },
	{ IPFIX_TID_FLOW6, N(flow6_fields), 96, flow6_fields },
	{ IPFIX_TID_NAT4, N(nat4_fields), 84, nat4_fields },
	{ IPFIX_TID_PKT4, N(pkt4_fields), 47, pkt4_fields },
	{ IPFIX_TID_PKT6, N(pkt6_fields), 71, pkt6_fields },
};

const struct ipfix_tmpl *ipfix_tmpl_get(unsigned int tid)
{
	if (tid < IPFIX_TID_FLOW4 || tid >= IPFIX_TID_END)
		return NULL;
	return &tmpls[tid - IPFIX_TID_FLOW4];
}

uint32_t ipfix_tmpl_fingerprint(void)
{
	uint32_t h = 2166136261u; /* FNV-1a over ids and fields */
	unsigned int i, j;

	for (i = 0; i < IPFIX_NTMPL; i++) {
		uint32_t w[2] = { tmpls[i].id, tmpls[i].nfields };

		for (j = 0; j < 2; j++)
			h = (h ^ w[j]) * 16777619u;
		for (j = 0; j < tmpls[i].nfields; j++) {
			h = (h ^ tmpls[i].fields[j].ie) * 16777619u;
			h = (h ^ tmpls[i].fields[j].len) * 16777619u;
		}
	}
	return h;
}

/* ---- big-endian stores ----------------------------------------------------
 */

static inline uint8_t *put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return p + 2;
}

static inline uint8_t *put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return p + 4;
}

static inline uint8_t *put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)(v >> 32));
	return put32(p + 4, (uint32_t)v);
}

/* ---- records ----------------------------------------------------------------
 */

static uint8_t *put_field(uint8_t *p, const struct ipfix_flow *f, uint16_t ie)
{
	switch (ie) {
	case IE_SRC_IPV4:
		memcpy(p, f->saddr, 4);
		return p + 4;
	case IE_DST_IPV4:
		memcpy(p, f->daddr, 4);
		return p + 4;
	case IE_SRC_IPV6:
		memcpy(p, f->saddr, 16);
		return p + 16;
	case IE_DST_IPV6:
		memcpy(p, f->daddr, 16);
		return p + 16;
	case IE_SRC_PORT:
		return put16(p, f->sport);
	case IE_DST_PORT:
		return put16(p, f->dport);
	case IE_PROTOCOL:
		*p = f->proto;
		return p + 1;
	case IE_FLOW_END_REASON:
		*p = f->end_reason;
		return p + 1;
	case IE_ICMP_TC_IPV4:
	case IE_ICMP_TC_IPV6:
		return put16(p, f->icmp);
	case IE_OCTET_DELTA:
		return put64(p, f->bytes);
	case IE_PACKET_DELTA:
		return put64(p, f->pkts);
	case IE_POST_OCTET_DELTA:
		return put64(p, f->rbytes);
	case IE_POST_PACKET_DELTA:
		return put64(p, f->rpkts);
	case IE_START_MS:
		return put64(p, f->start_ms);
	case IE_END_MS:
		return put64(p, f->end_ms);
	case IE_FLOW_ID:
		return put64(p, f->flow_id);
	case IE_POST_NAT_SRC_IPV4:
		memcpy(p, f->nat_saddr, 4);
		return p + 4;
	case IE_POST_NAT_DST_IPV4:
		memcpy(p, f->nat_daddr, 4);
		return p + 4;
	case IE_POST_NAPT_SRC_PORT:
		return put16(p, f->nat_sport);
	case IE_POST_NAPT_DST_PORT:
		return put16(p, f->nat_dport);
	}
	return p; /* not reached: every field of the tables is above */
}

size_t ipfix_rec_encode(const struct ipfix_flow *f, bool packet, uint8_t *buf,
			uint16_t *tid)
{
	const struct ipfix_tmpl *t;
	uint8_t *p = buf;
	unsigned int i;

	if (f->family == AF_INET)
		*tid = packet	? IPFIX_TID_PKT4
		       : f->nat ? IPFIX_TID_NAT4
				: IPFIX_TID_FLOW4;
	else if (f->family == AF_INET6)
		*tid = packet ? IPFIX_TID_PKT6 : IPFIX_TID_FLOW6;
	else
		return 0;
	t = ipfix_tmpl_get(*tid);
	for (i = 0; i < t->nfields; i++)
		p = put_field(p, f, t->fields[i].ie);
	return (size_t)(p - buf);
}

/* ---- templates
 * ---------------------------------------------------------------- */

size_t ipfix_tmpl_set_len(unsigned int mask)
{
	size_t n = IPFIX_SET_HDR_LEN;
	unsigned int i;

	for (i = 0; i < IPFIX_NTMPL; i++)
		if (mask & (1u << i))
			n += 4 + 4 * (size_t)tmpls[i].nfields;
	return n;
}

size_t ipfix_tmpl_set(uint8_t *p, unsigned int mask)
{
	size_t len = ipfix_tmpl_set_len(mask);
	unsigned int i, j;
	uint8_t *q;

	q = put16(p, IPFIX_SET_TEMPLATE);
	q = put16(q, (uint16_t)len);
	for (i = 0; i < IPFIX_NTMPL; i++) {
		if (!(mask & (1u << i)))
			continue;
		q = put16(q, tmpls[i].id);
		q = put16(q, tmpls[i].nfields);
		for (j = 0; j < tmpls[i].nfields; j++) {
			/* Enterprise bit clear: IANA elements. */
			q = put16(q, tmpls[i].fields[j].ie);
			q = put16(q, tmpls[i].fields[j].len);
		}
	}
	return len;
}

size_t ipfix_min_mtu(unsigned int mask)
{
	size_t longest = 0;
	unsigned int i;

	for (i = 0; i < IPFIX_NTMPL; i++)
		if ((mask & (1u << i)) && tmpls[i].reclen > longest)
			longest = tmpls[i].reclen;
	return IPFIX_HDR_LEN + ipfix_tmpl_set_len(mask) + IPFIX_SET_HDR_LEN +
	       longest;
}

/* ---- messages
 * ---------------------------------------------------------------- */

static int out_room(struct ipfix_out *o, size_t need)
{
	size_t cap;
	void *p;

	if (o->cap - o->len >= need)
		return 0;
	cap = o->cap ? o->cap : 16384;
	while (cap - o->len < need)
		cap *= 2;
	p = realloc(o->buf, cap);
	if (!p)
		return -ENOMEM;
	o->buf = p;
	o->cap = cap;
	return 0;
}

static int out_msg(struct ipfix_out *o)
{
	size_t cap;
	void *p;

	if (o->nmsg < o->mcap)
		return 0;
	cap = o->mcap ? 2 * o->mcap : 64;
	p = realloc(o->msg, cap * sizeof(*o->msg));
	if (!p)
		return -ENOMEM;
	o->msg = p;
	o->mcap = cap;
	return 0;
}

/* Close the open data set (at @set, when any) and the message @m. */
static void msg_close(struct ipfix_exp *e, struct ipfix_out *o,
		      struct ipfix_msg *m, size_t set, uint32_t now)
{
	uint8_t *h = o->buf + m->off;

	if (set)
		put16(o->buf + set + 2, (uint16_t)(o->len - set));
	m->len = (uint32_t)(o->len - m->off);
	m->seq = e->seq;
	put16(h, IPFIX_VERSION);
	put16(h + 2, (uint16_t)m->len);
	put32(h + 4, now);
	/* RFC 7011 3.1: data records sent before this message, mod 2^32. */
	put32(h + 8, e->seq);
	put32(h + 12, e->domain);
	e->seq += m->nrec;
	o->nmsg++;
}

int ipfix_pack(struct ipfix_exp *e, struct ipfix_out *o,
	       const struct ipfix_rec *r, size_t n, uint32_t now)
{
	size_t mtu = e->mtu > IPFIX_MSG_MAX ? IPFIX_MSG_MAX : e->mtu;
	struct ipfix_msg *m = NULL;
	size_t i, set = 0, need;
	uint16_t set_tid = 0;

	for (i = 0; i < n; i++) {
		need = r[i].len;
		if (!m || set_tid != r[i].tid)
			need += IPFIX_SET_HDR_LEN;
		if (m && m->nrec && o->len - m->off + need > mtu) {
			msg_close(e, o, m, set, now);
			m = NULL;
		}
		if (!m) {
			size_t tl = 0;
			bool tmpl = e->tmpl_due || e->tmpl_always;

			if (tmpl)
				tl = ipfix_tmpl_set_len(e->tmask);
			if (out_msg(o) || out_room(o, IPFIX_HDR_LEN + tl + mtu))
				return -ENOMEM;
			m = &o->msg[o->nmsg];
			memset(m, 0, sizeof(*m));
			m->off = (uint32_t)o->len;
			m->first = (uint32_t)i;
			o->len += IPFIX_HDR_LEN;
			if (tmpl) {
				o->len += ipfix_tmpl_set(o->buf + o->len,
							 e->tmask);
				m->tmpl = true;
				e->tmpl_due = false;
			}
			set = 0;
			set_tid = 0;
			need = r[i].len + IPFIX_SET_HDR_LEN;
		}
		if (!set || set_tid != r[i].tid) {
			if (set)
				put16(o->buf + set + 2,
				      (uint16_t)(o->len - set));
			set = o->len;
			set_tid = r[i].tid;
			put16(o->buf + set, set_tid);
			o->len += IPFIX_SET_HDR_LEN;
		}
		memcpy(o->buf + o->len, r[i].data, r[i].len);
		o->len += r[i].len;
		m->nrec++;
	}
	if (m)
		msg_close(e, o, m, set, now);
	return 0;
}

void ipfix_out_reset(struct ipfix_out *o)
{
	o->len = 0;
	o->nmsg = 0;
}

void ipfix_out_free(struct ipfix_out *o)
{
	free(o->buf);
	free(o->msg);
	memset(o, 0, sizeof(*o));
}
