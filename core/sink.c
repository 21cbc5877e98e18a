/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * core/sink - batches, a bounded queue and one worker thread per blocking sink
 *
 * Consumes rows from an output plugin's process() on the main thread and
 * gives them, batch by batch, to the plugin's write_batch() on a worker
 * thread of its own (include/nfpipe/sink.h is the contract). The main
 * thread never waits on the worker: it takes the sink's mutex only for
 * short bookkeeping, and to append a batch to the spool file when the queue
 * cannot take it.
 *
 * Ordering. Every batch gets a sequence number when it is handed over. Once
 * anything is in the spool, newer batches go to the spool too, until the
 * worker has drained it; the worker takes the queue first, then the spool.
 * So queued batches are always older than spooled ones and the sink sees
 * batches in sequence order, also across reconnects. Batches left in memory
 * at stop are older than everything spooled and go to a segment of their
 * own that the next start replays first.
 *
 * Failure. A RETRY from write_batch (connection lost) disconnects, marks
 * the sink down (new batches are spooled) and retries the same batch with
 * exponential backoff (100 ms doubling up to retry_max); rejected rows are
 * counted and logged with their reason and the batch still lands. Counters
 * are updated under the mutex with relaxed atomic adds; the main thread
 * reads them for SIGUSR1 without the mutex.
 */
#include "nfp.h"

#include <arpa/inet.h>
#include <endian.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <time.h>

#include <nfpipe/sink.h>

#include "core.h"
#include "spool.h"

#define BATCH_MAGIC	0x3142464eu /* "NFB1" little-endian */
#define BATCH_HDR	16	    /* magic, ncols, nrows, schema */
#define BATCH_BYTES_MAX (8u << 20)  /* hand over a batch this big */
#define MAX_COLS	65535u	    /* sanity bound for checks */
#define RETRY_MIN_MS	100	    /* first reconnect backoff */
#define STOP_GRACE_MS	1000	    /* past stop_timeout before giving up */

const char *const nfp_sink_spool_full_names[] = { "drop_new", "drop_old",
						  NULL };

struct nfp_batch {
	struct nfp_batch *next; /* queue or free list */
	uint8_t *buf;		/* header, then rows */
	size_t len;		/* bytes used */
	size_t cap;		/* bytes allocated */
	uint32_t nrows;		/* complete rows */
	uint64_t seq;		/* set when handed over */
	uint64_t born_ms;	/* when its first row came */
	size_t row_start;	/* row being built: its length word */
	uint32_t row_cols;	/* values put in it so far */
	bool row_bad;		/* a put failed: drop the row */
};

/* One unit of work the worker took. */
struct job {
	struct nfp_batch *b;	  /* what write_batch gets */
	bool from_spool;	  /* b is the worker's read buffer */
	struct nfp_spool_ref ref; /* when from_spool */
};

/* What the worker is doing, for SIGUSR1 and the stop warning. */
enum wstate {
	W_IDLE,	      /* waiting for work */
	W_CONNECTING, /* in ops->connect */
	W_WRITING,    /* in ops->write_batch */
	W_BACKOFF,    /* waiting before it tries again */
	W_DONE,	      /* the worker loop ended */
};

static const char *const wstate_names[] = {
	[W_IDLE] = "idle",	 [W_CONNECTING] = "connecting",
	[W_WRITING] = "writing", [W_BACKOFF] = "waiting to retry",
	[W_DONE] = "finished",
};

enum deliver_res {
	D_OK,	     /* written (rejects counted apart) */
	D_DROP,	     /* the sink refused the whole batch */
	D_GAVE_UP,   /* stopping while down: spool it */
	D_ABANDONED, /* main took over during the write */
};

struct nfp_sink {
	/* Set at start, read-only after. */
	struct nfp_inst *inst;	    /* owner; main thread (and counters) */
	struct nfp_inst log_inst;   /* name only: worker messages */
	char *name;		    /* copy of the instance name */
	struct nfp_sink_conf conf;  /* copy; spool_dir not kept */
	struct nfp_sink_ops ops;    /* the plugin's callbacks */
	void *ctx;		    /* theirs; released by the last owner */
	uint32_t ncols;		    /* values per row */
	uint32_t schema;	    /* row layout fingerprint */
	pthread_t thread;	    /* the worker */
	struct nfp_sink *next_live; /* main: list of running sinks */

	/* Main thread only. */
	struct nfp_batch *cur;	      /* batch being filled, or NULL */
	struct nfp_timer *timer;      /* flush_interval */
	struct nfp_ratelimit rl_main; /* main-thread complaints */

	/* Worker only. */
	struct nfp_ratelimit rl_reject;	 /* rejected rows */
	struct nfp_ratelimit rl_conn;	 /* connection trouble */
	struct nfp_ratelimit rl_work;	 /* spool trouble */
	const struct nfp_batch *writing; /* in write_batch, for rejects */
	uint32_t rejected_now;		 /* rejects in that write */

	/* Shared, under mu. */
	pthread_mutex_t mu;	     /* guards everything below */
	pthread_cond_t wake;	     /* worker: work, or stop */
	pthread_cond_t done;	     /* main: the worker finished */
	struct nfp_batch *qhead;     /* queue, oldest first */
	struct nfp_batch *qtail;     /* its newest */
	uint32_t qlen;		     /* batches queued */
	struct nfp_batch *free_list; /* buffers for reuse */
	uint32_t nfree;		     /* entries in free_list */
	struct nfp_batch *inflight;  /* queue batch being written */
	struct nfp_spool *spool;     /* or NULL: no spooling */
	uint64_t next_seq;	     /* for the next handed-over batch */
	uint64_t stop_deadline;	     /* monotonic ms, once stopping */
	unsigned int refs;	     /* main and worker; last one frees */
	bool spooling;		     /* new batches go to the spool */
	bool down;		     /* the last connect or write failed */
	bool busy;		     /* the worker has a batch */
	bool stopping;		     /* nfp_sink_stop() was called */
	bool finished;		     /* the worker loop ended */
	bool abandoned;		     /* main gave up waiting for it */
	bool reading_spool;	     /* the worker holds a spool record */
	enum wstate wstate;	     /* what the worker does */
	uint64_t wsince;	     /* since when, monotonic ms */
	uint64_t wseq;		     /* batch in hand, or 0 */
	bool wspool;		     /* that batch came from the spool */
	bool up;		     /* the worker has a connection */
	unsigned int nctr;	     /* the instance's counters */
	int64_t spool_since;	     /* wall s: oldest pending spooled row */
};

/* Main thread: the running sinks, for nfp_sink_log_states(). */
static struct nfp_sink *live_sinks;

/* ---- batch encoding ----------------------------------------------------- */

static void put32(uint8_t *p, uint32_t v)
{
	v = htole32(v);
	memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	v = htole64(v);
	memcpy(p, &v, 8);
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return le32toh(v);
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return le64toh(v);
}

/* Bytes a value of @kind takes after its kind byte, or -1 if unknown. */
static int fixed_size(unsigned int kind)
{
	switch (kind) {
	case NFP_SV_NULL:
		return 0;
	case NFP_SV_BOOL:
		return 1;
	case NFP_SV_INT:
	case NFP_SV_U64:
		return 8;
	case NFP_SV_IN4:
		return 4;
	case NFP_SV_IN6:
		return 16;
	case NFP_SV_TIME:
		return 12;
	}
	return -1;
}

/*
 * Decode the value at *@pp, not past @end. Returns 1 and advances, or 0 when
 * the bytes are not a valid value.
 */
static int decode_val(const uint8_t **pp, const uint8_t *end,
		      struct nfp_sval *v)
{
	const uint8_t *p = *pp;
	unsigned int kind;
	uint32_t len;
	int fs;

	if (p >= end)
		return 0;
	kind = *p++;
	memset(v, 0, sizeof(*v));
	v->kind = (enum nfp_sv_kind)kind;
	if (kind == NFP_SV_TEXT || kind == NFP_SV_BLOB) {
		if (end - p < 4)
			return 0;
		len = get32(p);
		p += 4;
		if ((size_t)(end - p) < (size_t)len + (kind == NFP_SV_TEXT))
			return 0;
		if (kind == NFP_SV_TEXT && p[len] != '\0')
			return 0;
		v->bytes.ptr = p;
		v->bytes.len = len;
		*pp = p + len + (kind == NFP_SV_TEXT);
		return 1;
	}
	fs = fixed_size(kind);
	if (fs < 0 || end - p < fs)
		return 0;
	switch (kind) {
	case NFP_SV_BOOL:
		if (*p > 1)
			return 0;
		v->i = *p;
		break;
	case NFP_SV_INT:
		v->i = (int64_t)get64(p);
		break;
	case NFP_SV_U64:
		v->u = get64(p);
		break;
	case NFP_SV_IN4:
		memcpy(&v->in4, p, 4);
		break;
	case NFP_SV_IN6:
		memcpy(v->in6, p, 16);
		break;
	case NFP_SV_TIME:
		v->time.sec = (int64_t)get64(p);
		v->time.nsec = get32(p + 8);
		if (v->time.nsec > 999999999u)
			return 0;
		break;
	}
	*pp = p + fs;
	return 1;
}

int nfp_batch_check(const void *buf, size_t len, uint32_t *ncols,
		    uint32_t *nrows)
{
	const uint8_t *p = buf, *end = p + len;
	uint32_t nc, nr, r, c;

	if (len < BATCH_HDR || get32(p) != BATCH_MAGIC)
		return -EBADMSG;
	nc = get32(p + 4);
	nr = get32(p + 8);
	if (nc > MAX_COLS)
		return -EBADMSG;
	p += BATCH_HDR;
	for (r = 0; r < nr; r++) {
		const uint8_t *row_end;
		struct nfp_sval v;
		uint32_t rl;

		if (end - p < 4)
			return -EBADMSG;
		rl = get32(p);
		p += 4;
		if ((size_t)(end - p) < rl)
			return -EBADMSG;
		row_end = p + rl;
		for (c = 0; c < nc; c++)
			if (!decode_val(&p, row_end, &v))
				return -EBADMSG;
		if (p != row_end)
			return -EBADMSG;
	}
	if (p != end)
		return -EBADMSG;
	*ncols = nc;
	*nrows = nr;
	return 0;
}

NFP_API uint32_t nfp_batch_rows(const struct nfp_batch *b)
{
	return b->nrows;
}

NFP_API uint32_t nfp_batch_cols(const struct nfp_batch *b)
{
	return b->len >= BATCH_HDR ? get32(b->buf + 4) : 0;
}

NFP_API uint64_t nfp_batch_seq(const struct nfp_batch *b)
{
	return b->seq;
}

NFP_API void nfp_batch_iter_init(struct nfp_batch_iter *it,
				 const struct nfp_batch *b)
{
	it->p = b->buf + BATCH_HDR;
	it->end = b->buf + b->len;
	it->row_end = it->p;
	it->row = UINT32_MAX;
	it->nrows = b->nrows;
}

NFP_API int nfp_batch_next_row(struct nfp_batch_iter *it)
{
	uint32_t rl;

	if (it->row + 1 >= it->nrows && it->row != UINT32_MAX)
		return 0;
	if (it->nrows == 0 || it->end - it->row_end < 4)
		return 0;
	it->p = it->row_end;
	rl = get32(it->p);
	it->p += 4;
	if ((size_t)(it->end - it->p) < rl)
		return 0;
	it->row_end = it->p + rl;
	it->row++;
	return 1;
}

NFP_API int nfp_batch_next_val(struct nfp_batch_iter *it, struct nfp_sval *v)
{
	if (it->p >= it->row_end)
		return 0;
	if (!decode_val(&it->p, it->row_end, v)) {
		it->p = it->row_end;
		return 0;
	}
	return 1;
}

static size_t val_text(const struct nfp_sval *v, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	int n = 0;

	switch (v->kind) {
	case NFP_SV_NULL:
		n = snprintf(buf, len, "NULL");
		break;
	case NFP_SV_BOOL:
	case NFP_SV_INT:
		n = snprintf(buf, len, "%" PRId64, v->i);
		break;
	case NFP_SV_U64:
		n = snprintf(buf, len, "%" PRIu64, v->u);
		break;
	case NFP_SV_TEXT:
		n = snprintf(buf, len, "'%.*s%s'",
			     (int)(v->bytes.len > 48 ? 48 : v->bytes.len),
			     (const char *)v->bytes.ptr,
			     v->bytes.len > 48 ? "..." : "");
		break;
	case NFP_SV_BLOB:
		n = snprintf(buf, len, "<%" PRIu32 " bytes>", v->bytes.len);
		break;
	case NFP_SV_IN4:
		n = snprintf(buf, len, "%s",
			     inet_ntop(AF_INET, &v->in4, a, sizeof(a)));
		break;
	case NFP_SV_IN6:
		n = snprintf(buf, len, "%s",
			     inet_ntop(AF_INET6, v->in6, a, sizeof(a)));
		break;
	case NFP_SV_TIME:
		n = snprintf(buf, len, "%" PRId64 ".%09" PRIu32, v->time.sec,
			     v->time.nsec);
		break;
	default:
		n = snprintf(buf, len, "?");
		break;
	}
	if (n < 0)
		return 0;
	return (size_t)n < len ? (size_t)n : len ? len - 1 : 0;
}

NFP_API char *nfp_batch_row_text(const struct nfp_batch *b, uint32_t row,
				 char *buf, size_t len)
{
	struct nfp_batch_iter it;
	struct nfp_sval v;
	size_t o = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	nfp_batch_iter_init(&it, b);
	while (nfp_batch_next_row(&it))
		if (it.row == row)
			break;
	if (it.row != row)
		return buf;
	while (o + 1 < len && nfp_batch_next_val(&it, &v)) {
		if (o && o + 2 < len) {
			buf[o++] = ',';
			buf[o++] = ' ';
		}
		o += val_text(&v, buf + o, len - o);
	}
	buf[o < len ? o : len - 1] = '\0';
	return buf;
}

/* Room for @n more bytes in @b, or false (the row is then dropped). */
static bool batch_room(struct nfp_batch *b, size_t n)
{
	size_t cap;
	uint8_t *nb;

	if (b->cap - b->len >= n)
		return true;
	cap = b->cap ? b->cap : 4096;
	while (cap - b->len < n)
		cap *= 2;
	nb = realloc(b->buf, cap);
	if (!nb)
		return false;
	b->buf = nb;
	b->cap = cap;
	return true;
}

/* ---- small helpers ------------------------------------------------------- */

static void ctr_add(struct nfp_sink *s, unsigned int c, uint64_t n)
{
	/*
	 * Under mu (which keeps abandonment stable: past it the instance may
	 * be gone). Atomic because the main thread reads counters unlocked.
	 */
	if (!s->abandoned && n)
		__atomic_fetch_add(&s->inst->ctr[c], n, __ATOMIC_RELAXED);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Under mu: the worker now does @st (with batch @seq, 0: none). */
static void wstate_locked(struct nfp_sink *s, enum wstate st, uint64_t seq)
{
	if (s->wstate != st || s->wseq != seq)
		s->wsince = now_ms();
	s->wstate = st;
	s->wseq = seq;
}

/* Under mu: the worker's state as text, for messages. */
static void wstate_text(const struct nfp_sink *s, char *buf, size_t len)
{
	uint64_t ms = now_ms() - s->wsince;
	int n;

	n = snprintf(buf, len, "%s", wstate_names[s->wstate]);
	if (n >= 0 && (size_t)n < len && s->wseq)
		n += snprintf(buf + n, len - (size_t)n,
			      " (batch %" PRIu64 "%s)", s->wseq,
			      s->wspool ? " from the spool" : "");
	if (n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n,
			 " for %" PRIu64 ".%01" PRIu64 " s", ms / 1000,
			 ms % 1000 / 100);
}

static void deadline_ts(struct timespec *ts, uint64_t at_ms)
{
	ts->tv_sec = (time_t)(at_ms / 1000);
	ts->tv_nsec = (long)(at_ms % 1000) * 1000000L;
}

static void batch_reset(struct nfp_sink *s, struct nfp_batch *b)
{
	b->len = BATCH_HDR;
	b->nrows = 0;
	b->seq = 0;
	b->born_ms = 0;
	b->row_bad = false;
	b->next = NULL;
	put32(b->buf, BATCH_MAGIC);
	put32(b->buf + 4, s->ncols);
	put32(b->buf + 8, 0);
	put32(b->buf + 12, s->schema);
}

static void batch_free(struct nfp_batch *b)
{
	if (b) {
		free(b->buf);
		free(b);
	}
}

/* Under mu: keep @b for reuse, within reason. */
static void recycle_locked(struct nfp_sink *s, struct nfp_batch *b)
{
	if (s->nfree >= s->conf.queue_max + 4 || b->cap > 4 * BATCH_BYTES_MAX) {
		batch_free(b);
		return;
	}
	b->next = s->free_list;
	s->free_list = b;
	s->nfree++;
}

static struct nfp_batch *batch_get(struct nfp_sink *s)
{
	struct nfp_batch *b;

	pthread_mutex_lock(&s->mu);
	b = s->free_list;
	if (b) {
		s->free_list = b->next;
		s->nfree--;
	}
	pthread_mutex_unlock(&s->mu);
	if (!b) {
		b = calloc(1, sizeof(*b));
		if (!b)
			return NULL;
		if (!batch_room(b, 4096)) {
			free(b);
			return NULL;
		}
	}
	batch_reset(s, b);
	return b;
}

/* ---- handing over (main thread) ------------------------------------------ */

/* Under mu: append @b to the spool, applying spool_full. */
static void spool_batch_locked(struct nfp_sink *s, struct nfp_batch *b,
			       bool old, struct nfp_ratelimit *rl,
			       const struct nfp_inst *li)
{
	uint64_t lost;
	bool had;
	int r;

	if (!s->spool) {
		ctr_add(s, NFP_SINK_CTR_DROPPED, b->nrows);
		nfp_log_rl(rl, li, NFP_LOG_ERROR,
			   "no spool (spool_max=0): %u rows dropped", b->nrows);
		return;
	}
	had = nfp_spool_pending(s->spool);
	if (old)
		r = nfp_spool_append_old(s->spool, b->seq, b->nrows, b->buf,
					 (uint32_t)b->len);
	else
		r = nfp_spool_append(s->spool, b->seq, b->nrows, b->buf,
				     (uint32_t)b->len);
	while (r == -ENOSPC && !old &&
	       s->conf.spool_full == NFP_SPOOL_DROP_OLD &&
	       nfp_spool_drop_oldest(s->spool, &lost) == 0) {
		ctr_add(s, NFP_SINK_CTR_DROPPED, lost);
		nfp_log_rl(rl, li, NFP_LOG_ERROR,
			   "spool full (spool_max=%" PRIu64 "): %" PRIu64
			   " oldest rows dropped",
			   s->conf.spool_max, lost);
		r = nfp_spool_append(s->spool, b->seq, b->nrows, b->buf,
				     (uint32_t)b->len);
	}
	if (r == 0) {
		ctr_add(s, NFP_SINK_CTR_SPOOLED, b->nrows);
		s->spooling = true;
		if (!had || !s->spool_since)
			s->spool_since =
				(int64_t)time(NULL) -
				(b->born_ms ? (int64_t)(now_ms() - b->born_ms) /
						      1000
					    : 0);
		return;
	}
	ctr_add(s, NFP_SINK_CTR_DROPPED, b->nrows);
	if (r == -ENOSPC)
		nfp_log_rl(rl, li, NFP_LOG_ERROR,
			   "spool full (spool_max=%" PRIu64
			   " or disk): %u rows dropped",
			   s->conf.spool_max, b->nrows);
	else
		nfp_log_rl(rl, li, NFP_LOG_ERROR,
			   "cannot spool: %s; %u rows dropped", strerror(-r),
			   b->nrows);
}

/* Main: the batch leaves the main thread, to the queue or the spool. */
static void handover(struct nfp_sink *s, struct nfp_batch *b)
{
	bool kept = false;

	put32(b->buf + 8, b->nrows);
	pthread_mutex_lock(&s->mu);
	b->seq = s->next_seq++;
	if (!s->spooling && !s->down && s->qlen < s->conf.queue_max) {
		kept = true;
	} else if (s->spool) {
		spool_batch_locked(s, b, false, &s->rl_main, s->inst);
	} else if (s->qlen < s->conf.queue_max) {
		kept = true; /* down, no spool: memory is all there is */
	} else {
		ctr_add(s, NFP_SINK_CTR_DROPPED, b->nrows);
		nfp_log_rl(&s->rl_main, s->inst, NFP_LOG_ERROR,
			   "queue full and no spool: %u rows dropped",
			   b->nrows);
	}
	if (kept) {
		b->next = NULL;
		if (s->qtail)
			s->qtail->next = b;
		else
			s->qhead = b;
		s->qtail = b;
		s->qlen++;
		ctr_add(s, NFP_SINK_CTR_QUEUED, b->nrows);
	} else {
		recycle_locked(s, b);
	}
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->mu);
}

static void hand_cur(struct nfp_sink *s)
{
	struct nfp_batch *b = s->cur;

	if (!b || !b->nrows)
		return;
	s->cur = NULL;
	if (s->timer)
		nfp_timer_disarm(s->timer);
	handover(s, b);
}

/* The worker has nothing to do and the sink is up (takes mu). */
static bool worker_idle(struct nfp_sink *s)
{
	bool idle;

	pthread_mutex_lock(&s->mu);
	idle = !s->busy && !s->qhead && !s->down && !s->spooling;
	pthread_mutex_unlock(&s->mu);
	return idle;
}

/* When the batch timer first fires after a batch's first row. */
static uint64_t first_wait(const struct nfp_sink *s)
{
	if (s->conf.gather_rows && s->conf.gather_ms &&
	    s->conf.gather_ms < s->conf.flush_interval)
		return s->conf.gather_ms;
	return s->conf.flush_interval;
}

/*
 * flush_interval is a hard bound; before it, a batch goes to an idle worker
 * once it is worth a wake-up (gather_rows, or its first row gather_ms old),
 * and a busy worker lets it grow.
 */
static void timer_cb(struct nfp_inst *inst, void *arg)
{
	struct nfp_sink *s = arg;
	struct nfp_batch *b = s->cur;
	uint64_t age;

	(void)inst;
	if (!b || !b->nrows)
		return;
	age = now_ms() - b->born_ms;
	if (age >= s->conf.flush_interval || worker_idle(s))
		hand_cur(s);
	else if (s->timer)
		nfp_timer_arm(s->timer, s->conf.flush_interval - age, 0);
}

NFP_API void nfp_sink_row_begin(struct nfp_sink *s)
{
	if (!s->cur) {
		s->cur = batch_get(s);
		if (!s->cur)
			return;
	}
	s->cur->row_start = s->cur->len;
	s->cur->row_cols = 0;
	s->cur->row_bad = !batch_room(s->cur, 4);
	if (!s->cur->row_bad)
		s->cur->len += 4;
}

NFP_API void nfp_sink_put(struct nfp_sink *s, enum nfp_type type,
			  const struct nfp_value *v)
{
	struct nfp_batch *b = s->cur;
	const void *bytes = NULL;
	uint32_t blen = 0;
	unsigned int kind = NFP_SV_NULL;
	uint8_t *p;

	if (!b || b->row_bad)
		return;
	b->row_cols++;
	if (v) {
		switch (type) {
		case NFP_T_BOOL:
			kind = NFP_SV_BOOL;
			break;
		case NFP_T_U8:
		case NFP_T_U16:
		case NFP_T_U32:
		case NFP_T_I8:
		case NFP_T_I16:
		case NFP_T_I32:
		case NFP_T_I64:
			kind = NFP_SV_INT;
			break;
		case NFP_T_U64:
			kind = NFP_SV_U64;
			break;
		case NFP_T_IPV4:
			kind = NFP_SV_IN4;
			break;
		case NFP_T_IPV6:
			kind = NFP_SV_IN6;
			break;
		case NFP_T_ADDR:
			if (v->addr.family == AF_INET)
				kind = NFP_SV_IN4;
			else if (v->addr.family == AF_INET6)
				kind = NFP_SV_IN6;
			break;
		case NFP_T_STRING:
			if (v->str.ptr) {
				kind = NFP_SV_TEXT;
				bytes = v->str.ptr;
				blen = v->str.len;
			}
			break;
		case NFP_T_RAW:
			if (v->raw.ptr || !v->raw.len) {
				kind = NFP_SV_BLOB;
				bytes = v->raw.ptr;
				blen = v->raw.len;
			}
			break;
		case NFP_T_TIME:
			kind = NFP_SV_TIME;
			break;
		default: /* NONE, PTR: nothing to store */
			break;
		}
	}
	if (kind == NFP_SV_TEXT || kind == NFP_SV_BLOB) {
		if (!batch_room(b, 6 + (size_t)blen)) {
			b->row_bad = true;
			return;
		}
		p = b->buf + b->len;
		*p++ = (uint8_t)kind;
		put32(p, blen);
		p += 4;
		if (blen)
			memcpy(p, bytes, blen);
		p += blen;
		if (kind == NFP_SV_TEXT)
			*p++ = '\0';
		b->len = (size_t)(p - b->buf);
		return;
	}
	if (!batch_room(b, 17)) {
		b->row_bad = true;
		return;
	}
	p = b->buf + b->len;
	*p++ = (uint8_t)kind;
	switch (kind) {
	case NFP_SV_BOOL:
		*p++ = v->b ? 1 : 0;
		break;
	case NFP_SV_INT: {
		int64_t i;

		switch (type) {
		case NFP_T_U8:
			i = v->u8;
			break;
		case NFP_T_U16:
			i = v->u16;
			break;
		case NFP_T_U32:
			i = v->u32;
			break;
		case NFP_T_I8:
			i = v->i8;
			break;
		case NFP_T_I16:
			i = v->i16;
			break;
		case NFP_T_I32:
			i = v->i32;
			break;
		default:
			i = v->i64;
			break;
		}
		put64(p, (uint64_t)i);
		p += 8;
		break;
	}
	case NFP_SV_U64:
		put64(p, v->u64);
		p += 8;
		break;
	case NFP_SV_IN4:
		memcpy(p, &v->addr.in4, 4);
		p += 4;
		break;
	case NFP_SV_IN6:
		memcpy(p, v->addr.in6, 16);
		p += 16;
		break;
	case NFP_SV_TIME:
		put64(p, (uint64_t)v->time.sec);
		put32(p + 8,
		      v->time.nsec > 999999999u ? 999999999u : v->time.nsec);
		p += 12;
		break;
	}
	b->len = (size_t)(p - b->buf);
}

NFP_API int nfp_sink_row_end(struct nfp_sink *s)
{
	struct nfp_batch *b = s->cur;

	if (!b || b->row_bad || b->row_cols != s->ncols) {
		if (b)
			b->len = b->row_start;
		pthread_mutex_lock(&s->mu);
		ctr_add(s, NFP_SINK_CTR_DROPPED, 1);
		pthread_mutex_unlock(&s->mu);
		if (b && !b->row_bad)
			nfp_log_rl(&s->rl_main, s->inst, NFP_LOG_ERROR,
				   "row with %u values, %u expected: dropped",
				   b->row_cols, s->ncols);
		else
			nfp_log_rl(&s->rl_main, s->inst, NFP_LOG_ERROR,
				   "out of memory: row dropped");
		return b && !b->row_bad ? -EINVAL : -ENOMEM;
	}
	put32(b->buf + b->row_start, (uint32_t)(b->len - b->row_start - 4));
	if (b->nrows++ == 0) {
		b->born_ms = now_ms();
		if (s->timer)
			nfp_timer_arm(s->timer, first_wait(s), 0);
	}
	if (b->nrows >= s->conf.batch || b->len >= BATCH_BYTES_MAX)
		hand_cur(s);
	return 0;
}

NFP_API int nfp_sink_put_keys(struct nfp_sink *s, const struct nfp_rec *rec,
			      unsigned int n)
{
	unsigned int i;

	nfp_sink_row_begin(s);
	for (i = 0; i < n; i++)
		nfp_sink_put_key(s, rec, i);
	return nfp_sink_row_end(s);
}

NFP_API int nfp_sink_flush(struct nfp_sink *s)
{
	struct nfp_batch *b = s ? s->cur : NULL;
	uint64_t age;

	if (!b || !b->nrows)
		return 0;
	age = now_ms() - b->born_ms;
	if (age >= s->conf.flush_interval) {
		hand_cur(s);
		return 0;
	}
	/*
	 * A few rows are not worth waking the worker for (a send, a
	 * transaction each): the batch timer comes back at gather_ms.
	 */
	if (b->nrows < s->conf.gather_rows && age < s->conf.gather_ms)
		return 0;
	/* A busy worker lets the batch grow: fewer, bigger transactions. */
	if (worker_idle(s))
		hand_cur(s);
	return 0;
}

/* ---- the worker --------------------------------------------------------- */

NFP_API void nfp_sink_ctr_add(struct nfp_sink *s, unsigned int idx, uint64_t n)
{
	pthread_mutex_lock(&s->mu);
	if (idx < s->nctr)
		ctr_add(s, idx, n);
	pthread_mutex_unlock(&s->mu);
}

NFP_API void nfp_sink_reject(struct nfp_sink *s, uint32_t row,
			     const char *reason)
{
	char text[256];

	s->rejected_now++;
	if (!nfp_log_enabled(NFP_LOG_ERROR))
		return;
	text[0] = '\0';
	if (s->writing)
		nfp_batch_row_text(s->writing, row, text, sizeof(text));
	nfp_log_rl(&s->rl_reject, &s->log_inst, NFP_LOG_ERROR,
		   "row rejected, skipped: %s (row %u of batch %" PRIu64
		   ": %s)",
		   reason ? reason : "?", row, s->writing ? s->writing->seq : 0,
		   text);
}

NFP_API const struct nfp_inst *nfp_sink_log_inst(const struct nfp_sink *s)
{
	return &s->log_inst;
}

/* Under mu: mark the sink down (new batches are spooled from now on). */
static void set_down_locked(struct nfp_sink *s)
{
	s->down = true;
}

/* Worker: write @b, reconnecting as needed. Takes mu only briefly. */
static enum deliver_res deliver(struct nfp_sink *s, struct nfp_batch *b,
				bool *up, uint64_t *backoff)
{
	enum nfp_sink_res r;
	uint64_t until;
	int err;

	for (;;) {
		if (!*up) {
			pthread_mutex_lock(&s->mu);
			wstate_locked(s, W_CONNECTING, b->seq);
			pthread_mutex_unlock(&s->mu);
			err = s->ops.connect(s, s->ctx);
			pthread_mutex_lock(&s->mu);
			s->up = !err;
			if (s->abandoned) {
				/* Main spooled this batch already. */
				pthread_mutex_unlock(&s->mu);
				*up = !err;
				return D_ABANDONED;
			}
			if (!err) {
				*up = true;
				if (s->down) {
					s->down = false;
					ctr_add(s, NFP_SINK_CTR_RECONNECTS, 1);
					nfp_log(&s->log_inst, NFP_LOG_NOTICE,
						"connected again");
				}
			} else {
				set_down_locked(s);
				nfp_log_rl(
					&s->rl_conn, &s->log_inst,
					NFP_LOG_ERROR,
					"cannot connect: %s; batches go to the spool meanwhile",
					strerror(-err));
			}
			pthread_mutex_unlock(&s->mu);
		}
		if (*up) {
			pthread_mutex_lock(&s->mu);
			wstate_locked(s, W_WRITING, b->seq);
			pthread_mutex_unlock(&s->mu);
			s->writing = b;
			s->rejected_now = 0;
			r = s->ops.write_batch(s, s->ctx, b);
			s->writing = NULL;
			pthread_mutex_lock(&s->mu);
			if (s->abandoned) {
				pthread_mutex_unlock(&s->mu);
				return D_ABANDONED;
			}
			if (r == NFP_SINK_OK || r == NFP_SINK_DROP) {
				if (s->down) {
					s->down = false;
					nfp_log(&s->log_inst, NFP_LOG_NOTICE,
						"writing again");
				}
				pthread_mutex_unlock(&s->mu);
				/* Backoff restarts only once writes work. */
				*backoff = RETRY_MIN_MS;
				return r == NFP_SINK_OK ? D_OK : D_DROP;
			}
			if (r == NFP_SINK_BUSY) {
				/* Same connection, later; spool meanwhile. */
				set_down_locked(s);
				pthread_mutex_unlock(&s->mu);
				nfp_log_rl(
					&s->rl_conn, &s->log_inst,
					NFP_LOG_NOTICE,
					"busy; retrying, batches go to the spool meanwhile");
				goto wait;
			}
			pthread_mutex_unlock(&s->mu);
			s->ops.disconnect(s, s->ctx);
			*up = false;
			pthread_mutex_lock(&s->mu);
			s->up = false;
			set_down_locked(s);
			pthread_mutex_unlock(&s->mu);
			nfp_log_rl(
				&s->rl_conn, &s->log_inst, NFP_LOG_ERROR,
				"write failed; reconnecting, batches go to the spool meanwhile");
			/* One immediate reconnect: most losses are brief. */
			if (*backoff == RETRY_MIN_MS) {
				*backoff = RETRY_MIN_MS * 2;
				continue;
			}
		}
	wait:
		pthread_mutex_lock(&s->mu);
		wstate_locked(s, W_BACKOFF, b->seq);
		until = now_ms() + *backoff;
		for (;;) {
			uint64_t now = now_ms(), limit = until;
			struct timespec ts;

			if (s->abandoned) {
				pthread_mutex_unlock(&s->mu);
				return D_ABANDONED;
			}
			if (s->stopping) {
				/* With a spool, giving up loses nothing. */
				if (s->spool || now >= s->stop_deadline) {
					pthread_mutex_unlock(&s->mu);
					return D_GAVE_UP;
				}
				if (limit > s->stop_deadline)
					limit = s->stop_deadline;
			}
			if (now >= limit)
				break;
			/* Handovers wake us too; the deadline stays put. */
			deadline_ts(&ts, limit);
			pthread_cond_timedwait(&s->wake, &s->mu, &ts);
		}
		pthread_mutex_unlock(&s->mu);
		*backoff *= 2;
		if (*backoff > s->conf.retry_max)
			*backoff = s->conf.retry_max;
	}
}

/* Under mu: take the oldest work. 1, or 0 when there is none. */
static int pick_locked(struct nfp_sink *s, struct job *j)
{
	uint64_t lost = 0;
	int r;

	if (s->qhead) {
		j->b = s->qhead;
		s->qhead = j->b->next;
		if (!s->qhead)
			s->qtail = NULL;
		s->qlen--;
		j->b->next = NULL;
		j->from_spool = false;
		s->inflight = j->b;
		return 1;
	}
	/* Stopping, the spool is drained until stop_timeout, then kept. */
	if (!s->spool || (s->stopping && now_ms() >= s->stop_deadline))
		return 0;
	r = nfp_spool_next(s->spool, &j->ref, &lost);
	if (lost) {
		ctr_add(s, NFP_SINK_CTR_DROPPED, lost);
		ctr_add(s, NFP_SINK_CTR_SPOOL_ERRORS, 1);
		nfp_log_rl(&s->rl_work, &s->log_inst, NFP_LOG_ERROR,
			   "damaged spool segment: %" PRIu64 " rows lost",
			   lost);
	}
	if (r == 1) {
		j->from_spool = true;
		s->reading_spool = true;
		return 1;
	}
	if (!nfp_spool_pending(s->spool))
		s->spooling = false;
	return 0;
}

/* Worker: read a spooled batch into @rb. 0, or negative: drop it. */
static int load_spooled(struct nfp_sink *s, struct job *j, struct nfp_batch *rb)
{
	uint32_t ncols, nrows;
	int r;

	rb->len = 0;
	if (!batch_room(rb, j->ref.raw_len))
		return -ENOMEM;
	r = nfp_spool_read(&j->ref, rb->buf);
	if (!r)
		r = nfp_batch_check(rb->buf, j->ref.raw_len, &ncols, &nrows);
	if (r) {
		nfp_log_rl(&s->rl_work, &s->log_inst, NFP_LOG_ERROR,
			   "spooled batch %" PRIu64
			   " unreadable (%s): %u rows lost",
			   j->ref.seq, strerror(-r), j->ref.rows);
		return r;
	}
	if (ncols != s->ncols || get32(rb->buf + 12) != s->schema ||
	    nrows != j->ref.rows) {
		nfp_log_rl(
			&s->rl_work, &s->log_inst, NFP_LOG_ERROR,
			"spooled batch %" PRIu64
			" has another row layout (%u columns, now %u): its %u rows are dropped",
			j->ref.seq, ncols, s->ncols, nrows);
		return -ESTALE;
	}
	rb->len = j->ref.raw_len;
	rb->nrows = nrows;
	rb->seq = j->ref.seq;
	return 0;
}

static void sink_free(struct nfp_sink *s)
{
	struct nfp_batch *b, *n;

	if (s->ops.release)
		s->ops.release(s->ctx);
	for (b = s->free_list; b; b = n) {
		n = b->next;
		batch_free(b);
	}
	for (b = s->qhead; b; b = n) {
		n = b->next;
		batch_free(b);
	}
	batch_free(s->cur);
	pthread_cond_destroy(&s->wake);
	pthread_cond_destroy(&s->done);
	pthread_mutex_destroy(&s->mu);
	free(s->name);
	free(s);
}

/*
 * Under mu, stopping while down or past the deadline: keep what is in
 * memory on disk. @j, the batch in hand, may be NULL.
 */
static void spool_leftovers_locked(struct nfp_sink *s, struct job *j)
{
	struct nfp_batch *b;

	if (!j) {
		/* Nothing in hand. */
	} else if (j->from_spool) {
		nfp_spool_unref(s->spool, &j->ref);
		s->reading_spool = false;
	} else {
		spool_batch_locked(s, j->b, true, &s->rl_work, &s->log_inst);
		s->inflight = NULL;
		recycle_locked(s, j->b);
	}
	while ((b = s->qhead)) {
		s->qhead = b->next;
		s->qlen--;
		spool_batch_locked(s, b, true, &s->rl_work, &s->log_inst);
		recycle_locked(s, b);
	}
	s->qtail = NULL;
}

static void *worker_main(void *arg)
{
	struct nfp_sink *s = arg;
	uint64_t backoff = RETRY_MIN_MS;
	struct nfp_batch rb = { 0 }; /* spool reads land here */
	enum deliver_res dr;
	bool up = false, last;
	struct job j;
	int err;

	/* Not as root for a moment when -u USER follows: files it makes
	 * (a SQLite database) would stay root's. */
	nfp_privs_wait();
	/* Connect at once: a sink that is down is spooled to from the start. */
	err = s->ops.connect(s, s->ctx);
	pthread_mutex_lock(&s->mu);
	s->up = !err;
	if (!err) {
		up = true;
	} else {
		set_down_locked(s);
		nfp_log_rl(
			&s->rl_conn, &s->log_inst, NFP_LOG_ERROR,
			"cannot connect: %s; batches go to the spool meanwhile",
			strerror(-err));
	}
	for (;;) {
		if (s->abandoned)
			break;
		if (s->stopping && s->qhead && s->spool &&
		    now_ms() >= s->stop_deadline) {
			/* Out of time: the rest waits on disk, in order. */
			spool_leftovers_locked(s, NULL);
			break;
		}
		if (!pick_locked(s, &j)) {
			if (s->stopping)
				break;
			s->busy = false;
			wstate_locked(s, W_IDLE, 0);
			if (s->spool && nfp_spool_pending(s->spool)) {
				struct timespec ts;

				/*
				 * Cannot happen (pick_locked reads every
				 * pending record or drops its segment), but a
				 * worker asleep on a non-empty spool is the
				 * one thing that must never be: look again
				 * each second rather than trust a wake-up.
				 */
				deadline_ts(&ts, now_ms() + 1000);
				pthread_cond_timedwait(&s->wake, &s->mu, &ts);
			} else {
				pthread_cond_wait(&s->wake, &s->mu);
			}
			continue;
		}
		s->busy = true;
		s->wspool = j.from_spool;
		pthread_mutex_unlock(&s->mu);
		if (j.from_spool && load_spooled(s, &j, &rb) < 0) {
			pthread_mutex_lock(&s->mu);
			ctr_add(s, NFP_SINK_CTR_DROPPED, j.ref.rows);
			ctr_add(s, NFP_SINK_CTR_SPOOL_ERRORS, 1);
			if (!s->abandoned)
				nfp_spool_ack(s->spool, &j.ref);
			s->reading_spool = false;
			continue;
		}
		if (j.from_spool)
			j.b = &rb;
		dr = deliver(s, j.b, &up, &backoff);
		pthread_mutex_lock(&s->mu);
		if (dr == D_ABANDONED || s->abandoned) {
			/* Main spooled a copy and closed the spool. */
			if (!j.from_spool)
				recycle_locked(s, j.b);
			break;
		}
		if (dr == D_GAVE_UP) {
			spool_leftovers_locked(s, &j);
			break;
		}
		if (dr == D_OK) {
			uint32_t ok = j.b->nrows - s->rejected_now;

			ctr_add(s, NFP_SINK_CTR_WRITTEN, ok);
			ctr_add(s, NFP_SINK_CTR_REJECTED, s->rejected_now);
			if (j.from_spool)
				ctr_add(s, NFP_SINK_CTR_REPLAYED, ok);
		} else {
			ctr_add(s, NFP_SINK_CTR_DROPPED, j.b->nrows);
			nfp_log_rl(&s->rl_work, &s->log_inst, NFP_LOG_ERROR,
				   "batch %" PRIu64
				   " refused as a whole: %u rows dropped",
				   j.b->seq, j.b->nrows);
		}
		if (j.from_spool) {
			nfp_spool_ack(s->spool, &j.ref);
			s->reading_spool = false;
		} else {
			s->inflight = NULL;
			recycle_locked(s, j.b);
		}
	}
	if (s->abandoned && s->spool) {
		/* Main left the spool to us: our record stays pending. */
		nfp_spool_close(s->spool);
		s->spool = NULL;
	}
	s->reading_spool = false;
	s->busy = false;
	wstate_locked(s, W_DONE, 0);
	s->finished = true;
	pthread_cond_broadcast(&s->done);
	pthread_mutex_unlock(&s->mu);
	if (up)
		s->ops.disconnect(s, s->ctx);
	free(rb.buf);
	pthread_mutex_lock(&s->mu);
	last = --s->refs == 0;
	pthread_mutex_unlock(&s->mu);
	if (last)
		sink_free(s);
	return NULL;
}

/* ---- life cycle --------------------------------------------------------- */

static int open_spool(struct nfp_sink *s, const struct nfp_inst *inst)
{
	struct nfp_spool_info info;
	char *path;
	int r;

	if (!s->conf.spool_max)
		return 0;
	if (!s->conf.spool_dir || !*s->conf.spool_dir) {
		nfp_err(inst,
			"spool_dir is empty (set spool_max=0 to run without a spool)");
		return -EINVAL;
	}
	if (asprintf(&path, "%s/%s", s->conf.spool_dir, inst->name) < 0)
		return -ENOMEM;
	r = nfp_spool_open(path, s->conf.spool_max, s->conf.spool_fsync,
			   &s->spool, &info);
	if (r) {
		if (r == -EBUSY)
			nfp_err(inst, "spool %s is in use by another process",
				path);
		else
			nfp_err(inst, "cannot open spool %s: %s", path,
				strerror(-r));
		free(path);
		return r;
	}
	nfp_spool_set_compress(s->spool, (int)s->conf.spool_compress);
	nfp_own_path(inst, path); /* the spool is USER's after -u */
	s->next_seq = info.next_seq;
	if (info.torn || info.bad_records || info.gap_bytes)
		nfp_warn(inst,
			 "spool %s: %" PRIu64 " torn tails truncated, %" PRIu64
			 " damaged batches and %" PRIu64
			 " unreadable bytes skipped, %" PRIu64 " rows lost",
			 path, info.torn, info.bad_records, info.gap_bytes,
			 info.lost_rows);
	s->inst->ctr[NFP_SINK_CTR_SPOOL_ERRORS] += info.torn + info.bad_records;
	s->inst->ctr[NFP_SINK_CTR_DROPPED] += info.lost_rows;
	if (info.pending) {
		nfp_info(inst,
			 "spool %s: %" PRIu64 " batches (%" PRIu64
			 " rows) from an earlier run are replayed first",
			 path, info.pending, info.pending_rows);
		s->spooling = true;
		s->spool_since = (int64_t)time(NULL);
	}
	free(path);
	return 0;
}

NFP_API int nfp_sink_start(struct nfp_inst *inst,
			   const struct nfp_sink_conf *conf,
			   const struct nfp_sink_ops *ops, void *ctx,
			   uint32_t ncols, uint32_t schema,
			   struct nfp_sink **out)
{
	pthread_condattr_t ca;
	sigset_t all, old;
	struct nfp_sink *s;
	char tname[16];
	int r;

	*out = NULL;
	if (!inst->plugin || !inst->plugin->counters ||
	    !inst->plugin->counters[0] ||
	    strcmp(inst->plugin->counters[0], "written")) {
		nfp_err(inst,
			"plugin bug: its counters must start with NFP_SINK_COUNTER_NAMES");
		if (ops->release)
			ops->release(ctx);
		return -EINVAL;
	}
	s = calloc(1, sizeof(*s));
	if (!s || !(s->name = strdup(inst->name))) {
		free(s);
		if (ops->release)
			ops->release(ctx);
		return -ENOMEM;
	}
	s->inst = inst;
	for (s->nctr = 0;
	     inst->plugin->counters && inst->plugin->counters[s->nctr];
	     s->nctr++)
		;
	s->log_inst.name = s->name;
	s->conf = *conf;
	s->conf.spool_dir = NULL;
	s->ops = *ops;
	s->ctx = ctx;
	s->ncols = ncols;
	s->schema = schema;
	s->next_seq = 1;
	s->refs = 1;
	s->wsince = now_ms();
	pthread_mutex_init(&s->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->wake, &ca);
	pthread_cond_init(&s->done, &ca);
	pthread_condattr_destroy(&ca);

	s->conf.spool_dir = conf->spool_dir;
	r = open_spool(s, inst);
	s->conf.spool_dir = NULL;
	if (r)
		goto fail;
	s->timer = nfp_timer_new(inst, timer_cb, s);
	if (!s->timer) {
		r = errno ? -errno : -ENOMEM;
		nfp_err(inst, "cannot create the flush timer: %s",
			strerror(-r));
		goto fail;
	}
	/* Signals belong to the main thread's signalfd. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	s->refs = 2;
	r = -pthread_create(&s->thread, NULL, worker_main, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r) {
		s->refs = 1;
		nfp_err(inst, "cannot start the worker thread: %s",
			strerror(-r));
		goto fail;
	}
	snprintf(tname, sizeof(tname), "nfp-%s", inst->name);
	pthread_setname_np(s->thread, tname);
	s->next_live = live_sinks;
	live_sinks = s;
	*out = s;
	return 0;
fail:
	if (s->timer)
		nfp_timer_free(s->timer);
	nfp_spool_close(s->spool);
	sink_free(s);
	return r;
}

NFP_API void nfp_sink_stop(struct nfp_sink *s)
{
	struct nfp_sink **sp;
	char st[96];
	struct timespec ts;
	struct nfp_batch *b;
	bool last;

	if (!s)
		return;
	for (sp = &live_sinks; *sp; sp = &(*sp)->next_live)
		if (*sp == s) {
			*sp = s->next_live;
			break;
		}
	hand_cur(s);
	if (s->timer) {
		nfp_timer_free(s->timer);
		s->timer = NULL;
	}
	pthread_mutex_lock(&s->mu);
	s->stopping = true;
	s->stop_deadline = now_ms() + s->conf.stop_timeout;
	pthread_cond_broadcast(&s->wake);
	deadline_ts(&ts, s->stop_deadline + STOP_GRACE_MS);
	while (!s->finished)
		if (pthread_cond_timedwait(&s->done, &s->mu, &ts) == ETIMEDOUT)
			break;
	if (s->finished) {
		pthread_mutex_unlock(&s->mu);
		pthread_join(s->thread, NULL);
		pthread_mutex_lock(&s->mu);
	} else {
		/* A write hangs: keep a copy of everything, at least once. */
		wstate_text(s, st, sizeof(st));
		nfp_warn(
			s->inst,
			"the worker did not finish within stop_timeout (it is %s); spooling %u queued batches%s",
			st, s->qlen,
			s->inflight ? " and the one being written" : "");
		if (s->inflight)
			spool_batch_locked(s, s->inflight, true, &s->rl_main,
					   s->inst);
		while ((b = s->qhead)) {
			s->qhead = b->next;
			s->qlen--;
			spool_batch_locked(s, b, true, &s->rl_main, s->inst);
			recycle_locked(s, b);
		}
		s->qtail = NULL;
		s->abandoned = true;
		pthread_detach(s->thread);
	}
	/* A record the worker still reads keeps the spool open for it. */
	if (!s->reading_spool) {
		nfp_spool_close(s->spool);
		s->spool = NULL;
	}
	last = --s->refs == 0;
	pthread_mutex_unlock(&s->mu);
	if (last)
		sink_free(s);
}

/*
 * Main: one line per running sink with what its worker is doing, for the
 * SIGUSR1 dump (after the counters). A worker that sits in "writing" or
 * "connecting" for long is waiting on its server.
 */
void nfp_sink_log_states(void)
{
	struct nfp_sink *s;
	char st[96];
	uint64_t spooled;
	uint32_t qlen;
	bool up, down;

	for (s = live_sinks; s; s = s->next_live) {
		pthread_mutex_lock(&s->mu);
		wstate_text(s, st, sizeof(st));
		qlen = s->qlen;
		up = s->up;
		down = s->down;
		spooled = nfp_spool_bytes(s->spool);
		pthread_mutex_unlock(&s->mu);
		nfp_log(s->inst, NFP_LOG_NOTICE,
			"worker: %s; connection %s%s; %u batches queued, %" PRIu64
			" bytes spooled",
			st, up ? "open" : "closed",
			down ? ", sink down (new batches spool)" : "", qlen,
			spooled);
	}
}

void nfp_sink_states(void (*cb)(const struct nfp_sink_state *st, void *arg),
		     void *arg)
{
	struct nfp_sink_state st;
	struct nfp_batch *b;
	struct nfp_sink *s;

	for (s = live_sinks; s; s = s->next_live) {
		memset(&st, 0, sizeof(st));
		st.inst = s->inst;
		pthread_mutex_lock(&s->mu);
		snprintf(st.state, sizeof(st.state), "%s",
			 wstate_names[s->wstate]);
		st.up = s->up;
		st.down = s->down;
		st.queued = s->qlen;
		for (b = s->qhead; b; b = b->next)
			st.queued_rows += b->nrows;
		st.spool_bytes = nfp_spool_bytes(s->spool);
		if (s->spool && nfp_spool_pending(s->spool))
			st.oldest_spooled = s->spool_since;
		pthread_mutex_unlock(&s->mu);
		cb(&st, arg);
	}
}
