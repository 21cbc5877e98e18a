/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * input/nfct - what becomes of each event and dumped entry
 *
 * See nfct_track.h for the rules. The kernel's messages are not alike:
 * NEW and UPDATE events carry the helper, a RELATED flow's master, labels
 * and the security context but no counters; DESTROY carries counters and
 * timestamps but none of the former; a dump carries everything. A table entry
 * keeps the union of what it was told, so that the record at the end is whole.
 */
#include <string.h>

#include "nfct_track.h"

static void ns_to_time(uint64_t ns, uint32_t *sec, uint32_t *usec)
{
	*sec = (uint32_t)(ns / 1000000000u);
	*usec = (uint32_t)(ns % 1000000000u / 1000u);
}

static void report(struct nfct_tracker *tr, const struct nfct_flow *f,
		   uint32_t event, const struct nfct_times *t)
{
	if (tr->mask & event)
		tr->emit(tr->arg, f, event, t);
}

/*
 * Fill in what @f lacks and @old told. The mark is never taken over: the
 * kernel leaves it out only when it is 0.
 */
static void merge_missing(struct nfct_flow *f, const struct nfct_flow *old)
{
	if (!(f->has & NFCT_HAS_HELPER) && (old->has & NFCT_HAS_HELPER)) {
		memcpy(f->helper, old->helper, sizeof(f->helper));
		f->has |= NFCT_HAS_HELPER;
	}
	if (!(f->has & NFCT_HAS_MASTER) && (old->has & NFCT_HAS_MASTER)) {
		f->master = old->master;
		f->has |= NFCT_HAS_MASTER;
	}
	if (!(f->has & NFCT_HAS_CTR_ORIG) && (old->has & NFCT_HAS_CTR_ORIG)) {
		f->pkts[0] = old->pkts[0];
		f->bytes[0] = old->bytes[0];
		f->has |= NFCT_HAS_CTR_ORIG;
	}
	if (!(f->has & NFCT_HAS_CTR_REPLY) && (old->has & NFCT_HAS_CTR_REPLY)) {
		f->pkts[1] = old->pkts[1];
		f->bytes[1] = old->bytes[1];
		f->has |= NFCT_HAS_CTR_REPLY;
	}
	if (!(f->has & NFCT_HAS_TS_START) && (old->has & NFCT_HAS_TS_START)) {
		f->ts_start = old->ts_start;
		f->has |= NFCT_HAS_TS_START;
	}
	/* DESTROY events carry neither labels nor the security context. */
	if (!(f->has & NFCT_HAS_LABELS) && (old->has & NFCT_HAS_LABELS)) {
		memcpy(f->labels, old->labels, sizeof(f->labels));
		f->has |= NFCT_HAS_LABELS;
	}
	if (!(f->has & NFCT_HAS_SECCTX) && (old->has & NFCT_HAS_SECCTX)) {
		f->secctx = old->secctx;
		f->has |= NFCT_HAS_SECCTX;
	}
}

/* Refresh entry @e with @f and mark it seen by this generation. */
static void refresh(struct nfct_tracker *tr, struct nfct_entry *e,
		    const struct nfct_flow *f)
{
	struct nfct_flow m = *f;

	merge_missing(&m, &e->flow);
	m.why = NULL;
	e->flow = m;
	e->gen = tr->gen;
	if (!e->times.has_start && (f->has & NFCT_HAS_TS_START)) {
		ns_to_time(f->ts_start, &e->times.start_sec,
			   &e->times.start_usec);
		e->times.has_start = true;
	}
}

/* A table entry for @f, or NULL (counted) when the table is full. */
static struct nfct_entry *track(struct nfct_tracker *tr,
				const struct nfct_flow *f)
{
	struct nfct_entry *e = nfct_hash_add(&tr->hash, f);

	if (!e) {
		tr->ctr[NFCT_TC_HASH_FULL]++;
		if (tr->full)
			tr->full(tr->arg);
		return NULL;
	}
	e->gen = tr->gen;
	if (f->has & NFCT_HAS_TS_START) {
		ns_to_time(f->ts_start, &e->times.start_sec,
			   &e->times.start_usec);
		e->times.has_start = true;
	}
	return e;
}

int nfct_track_init(struct nfct_tracker *tr, bool hash, uint32_t buckets,
		    uint32_t max)
{
	int err;

	memset(tr, 0, sizeof(*tr));
	tr->mask = NFCT_EV_NEW | NFCT_EV_DESTROY;
	if (!hash)
		return 0;
	err = nfct_hash_init(&tr->hash, buckets, max);
	if (err)
		return err;
	tr->hash_on = true;
	return 0;
}

void nfct_track_free(struct nfct_tracker *tr)
{
	if (tr->hash_on)
		nfct_hash_free(&tr->hash);
	tr->hash_on = false;
}

static void event_new(struct nfct_tracker *tr, const struct nfct_flow *f,
		      struct nfct_entry *e, struct nfct_times *t)
{
	if (f->has & NFCT_HAS_TS_START)
		ns_to_time(f->ts_start, &t->start_sec, &t->start_usec);
	t->has_start = true;
	if (!tr->hash_on) {
		report(tr, f, NFCT_EV_NEW, t);
		return;
	}
	/* With the table NEW only opens the flow, as ulogd2 does. */
	if (!e)
		e = track(tr, f);
	if (!e)
		return;
	refresh(tr, e, f);
	if (!e->times.has_start) {
		e->times.has_start = true;
		e->times.start_sec = t->start_sec;
		e->times.start_usec = t->start_usec;
	}
}

static void event_update(struct nfct_tracker *tr, const struct nfct_flow *f,
			 struct nfct_entry *e, struct nfct_times *t)
{
	if (f->has & NFCT_HAS_TS_START) {
		ns_to_time(f->ts_start, &t->start_sec, &t->start_usec);
		t->has_start = true;
	}
	if (!tr->hash_on) {
		report(tr, f, NFCT_EV_UPDATE, t);
		return;
	}
	if (!e)
		e = track(tr, f);
	if (!e) {
		report(tr, f, NFCT_EV_UPDATE, t);
		return;
	}
	refresh(tr, e, f);
	report(tr, &e->flow, NFCT_EV_UPDATE, &e->times);
}

static void event_destroy(struct nfct_tracker *tr, const struct nfct_flow *f,
			  struct nfct_entry *e, struct nfct_times *t,
			  uint32_t sec, uint32_t usec)
{
	struct nfct_flow m = *f;

	if (f->has & NFCT_HAS_TS_STOP) {
		ns_to_time(f->ts_stop, &t->end_sec, &t->end_usec);
	} else {
		t->end_sec = sec;
		t->end_usec = usec;
	}
	t->has_end = true;
	if (e) {
		merge_missing(&m, &e->flow);
		if (e->times.has_start) {
			t->has_start = true;
			t->start_sec = e->times.start_sec;
			t->start_usec = e->times.start_usec;
		}
	} else if (tr->hash_on) {
		tr->ctr[NFCT_TC_UNPAIRED]++;
	}
	/* The kernel's own start beats our reception time. */
	if (f->has & NFCT_HAS_TS_START) {
		ns_to_time(f->ts_start, &t->start_sec, &t->start_usec);
		t->has_start = true;
	}
	report(tr, &m, NFCT_EV_DESTROY, t);
	if (e)
		nfct_hash_del(&tr->hash, e);
}

void nfct_track_event(struct nfct_tracker *tr, const struct nfct_flow *f,
		      uint32_t sec, uint32_t usec)
{
	struct nfct_times t = { .start_sec = sec, .start_usec = usec };
	struct nfct_entry *e = NULL;

	if (tr->hash_on)
		e = nfct_hash_find(&tr->hash, f);
	switch (f->kind) {
	case NFCT_KIND_NEW:
		event_new(tr, f, e, &t);
		break;
	case NFCT_KIND_UPDATE:
		t.start_sec = t.start_usec = 0;
		event_update(tr, f, e, &t);
		break;
	case NFCT_KIND_DESTROY:
		t.start_sec = t.start_usec = 0;
		event_destroy(tr, f, e, &t, sec, usec);
		break;
	default:
		break;
	}
}

void nfct_track_dump_begin(struct nfct_tracker *tr)
{
	tr->gen++;
}

void nfct_track_dump(struct nfct_tracker *tr, const struct nfct_flow *f,
		     uint32_t sec, uint32_t usec, bool silent)
{
	struct nfct_entry *e;

	if (!tr->hash_on)
		return;
	e = nfct_hash_find(&tr->hash, f);
	if (e) {
		refresh(tr, e, f);
	} else {
		e = track(tr, f);
		if (!e)
			return;
		/*
		 * First seen now: it began between the last dump and this
		 * one. Flows of the first dump predate us: no start unless
		 * the kernel stamped them.
		 */
		if (!e->times.has_start && !silent) {
			e->times.has_start = true;
			e->times.start_sec = sec;
			e->times.start_usec = usec;
		}
	}
	if (tr->polling && !silent)
		report(tr, &e->flow, NFCT_EV_UPDATE, &e->times);
}

struct purge_ctx {
	struct nfct_tracker *tr; /* whose flows go */
	uint32_t sec;		 /* time of the purge */
	uint32_t usec;		 /* and its microseconds */
};

static void purge_one(void *arg, struct nfct_entry *e)
{
	struct purge_ctx *c = arg;
	struct nfct_times t = e->times;

	/* It ended between the last dump that listed it and now. */
	c->tr->ctr[NFCT_TC_PURGED]++;
	t.has_end = true;
	t.end_sec = c->sec;
	t.end_usec = c->usec;
	report(c->tr, &e->flow, NFCT_EV_DESTROY, &t);
}

unsigned int nfct_track_purge(struct nfct_tracker *tr, uint32_t sec,
			      uint32_t usec)
{
	struct purge_ctx c = { .tr = tr, .sec = sec, .usec = usec };

	if (!tr->hash_on)
		return 0;
	return nfct_hash_purge(&tr->hash, tr->gen, purge_one, &c);
}
