/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * input/nfct - what becomes of each event and dumped entry
 *
 * The tracker decides which records NFCT emits and what they carry, free
 * of sockets so that the unit tests can replay recorded messages through
 * it. Rules (README.md has them for users):
 *  - without the table (hash_enable=0) every event is reported as it
 *    comes, NEW with its reception time as flow.start, DESTROY with its
 *    reception time (or the kernel's timestamps) as flow.end;
 *  - with the table, NEW opens a flow and is not reported (as ulogd2);
 *    UPDATE refreshes it; DESTROY is reported with what the flow gathered:
 *    its start, helper and master, which the kernel's DESTROY lacks;
 *  - a dump refreshes the table (and, when polling, reports each live flow
 *    as UPDATE); afterwards nfct_track_purge() reports the flows the dump
 *    no longer listed as DESTROY, with the time of the purge as their end.
 * Only events in the event mask are reported. Single-threaded.
 */
#ifndef NFP_NFCT_TRACK_H
#define NFP_NFCT_TRACK_H

#include "nfct_hash.h"
#include "nfct_parse.h"

/* Counters the tracker keeps, in this order, in the array at ->ctr. */
enum nfct_track_ctr {
	NFCT_TC_UNPAIRED,	/* DESTROY of a flow the table did not hold */
	NFCT_TC_HASH_FULL,	/* flows left untracked: table full */
	NFCT_TC_PURGED,		/* flows found gone by a dump */
	NFCT_TC__MAX
};

typedef void (*nfct_emit_fn)(void *arg, const struct nfct_flow *f,
			     uint32_t event, const struct nfct_times *t);

struct nfct_tracker {
	struct nfct_hash hash;		/* live flows, when hash_on */
	bool hash_on;			/* hash_enable */
	bool polling;			/* dumped flows are reported */
	uint32_t mask;			/* NFCT_EV_* reported */
	uint32_t gen;			/* generation of the current dump */
	nfct_emit_fn emit;		/* gets every record to report */
	void (*full)(void *arg);	/* table full; optional */
	void *arg;			/* for emit and full */
	uint64_t *ctr;			/* NFCT_TC__MAX counters */
};

/*
 * Set up @tr; with @hash a table of @buckets chains and at most @max
 * flows. The caller then sets mask, polling, emit, full, arg and ctr.
 * Returns 0 or -ENOMEM.
 */
int nfct_track_init(struct nfct_tracker *tr, bool hash, uint32_t buckets,
		    uint32_t max);
void nfct_track_free(struct nfct_tracker *tr);

/* An event (NEW, UPDATE, DESTROY) received at @sec.@usec. */
void nfct_track_event(struct nfct_tracker *tr, const struct nfct_flow *f,
		      uint32_t sec, uint32_t usec);

/* A dump starts: later entries and events belong to the new generation. */
void nfct_track_dump_begin(struct nfct_tracker *tr);

/*
 * One entry of the dump, received at @sec.@usec. @silent: the first dump,
 * whose flows predate us: they keep no start unless the kernel stamped
 * them, and nothing is reported.
 */
void nfct_track_dump(struct nfct_tracker *tr, const struct nfct_flow *f,
		     uint32_t sec, uint32_t usec, bool silent);

/*
 * After a complete dump: report and forget every flow it did not list.
 * Returns how many went.
 */
unsigned int nfct_track_purge(struct nfct_tracker *tr, uint32_t sec,
			      uint32_t usec);

#endif /* NFP_NFCT_TRACK_H */
