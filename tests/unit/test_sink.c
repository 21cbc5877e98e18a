/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_sink - queue, worker, retry, spool and stop of a sink
 *
 * A scripted fake sink (its connect and write_batch fail, block or reject
 * on command) stands behind the real sink core. Rows carry their own index
 * in their first column, so order and loss are checked row by row: N rows
 * in must give exactly N rows out, in order. The byte layout of a batch is
 * checked against bytes written out by hand from the format in sink.c.
 */
#include "nfp.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <pthread.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <nfpipe/sink.h>

#include "engine.h"
#include "spool.h"
#include "tap.h"

#define MAXGOT 4096

static struct fake {
	pthread_mutex_t mu;		/* guards the fields below */
	pthread_cond_t cv;		/* gate and progress */
	bool down;			/* connect fails, writes RETRY */
	int retry_writes;		/* so many next writes RETRY */
	int busy_writes;		/* so many next writes BUSY */
	bool gate_closed;		/* write_batch waits while set */
	bool in_write;			/* a write waits at the gate */
	int64_t reject;			/* rows with this index are refused */
	int64_t got[MAXGOT];		/* row indexes written, in order */
	unsigned int ngot;		/* entries in got */
	unsigned int batches;		/* batches written */
	unsigned int connects;		/* connect calls that succeeded */
	unsigned int connect_fails;	/* connect calls that failed */
	unsigned int disconnects;	/* disconnect calls */
	unsigned int released;		/* release calls */
	bool seq_bad;			/* a batch came out of sequence */
	uint64_t last_seq;		/* of the last batch written */
	struct nfp_sval row0[16];	/* first row of the last batch */
	uint8_t row0_bytes[16][64];	/* copies of its TEXT/BLOB bytes */
	unsigned int row0_n;		/* values in row0 */
	char row0_text[256];		/* nfp_batch_row_text of it */
} F = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER,
	.reject = -1 };

static void fake_reset(void)
{
	pthread_mutex_lock(&F.mu);
	F.down = false;
	F.retry_writes = 0;
	F.busy_writes = 0;
	F.gate_closed = false;
	F.in_write = false;
	F.reject = -1;
	F.ngot = F.batches = F.connects = F.disconnects = F.released = 0;
	F.connect_fails = 0;
	F.seq_bad = false;
	F.last_seq = 0;
	pthread_mutex_unlock(&F.mu);
}

static int fake_connect(struct nfp_sink *s, void *ctx)
{
	int r = 0;

	pthread_mutex_lock(&F.mu);
	if (F.down) {
		r = -ECONNREFUSED;
		F.connect_fails++;
		pthread_cond_broadcast(&F.cv);
	} else {
		F.connects++;
	}
	pthread_mutex_unlock(&F.mu);
	return r;
}

static enum nfp_sink_res fake_write(struct nfp_sink *s, void *ctx,
				    const struct nfp_batch *b)
{
	struct nfp_batch_iter it;
	struct nfp_sval v;

	pthread_mutex_lock(&F.mu);
	while (F.gate_closed) {
		F.in_write = true;
		pthread_cond_broadcast(&F.cv);
		pthread_cond_wait(&F.cv, &F.mu);
	}
	F.in_write = false;
	if (F.busy_writes > 0) {
		F.busy_writes--;
		pthread_mutex_unlock(&F.mu);
		return NFP_SINK_BUSY;
	}
	if (F.down || F.retry_writes > 0) {
		if (F.retry_writes > 0)
			F.retry_writes--;
		pthread_mutex_unlock(&F.mu);
		return NFP_SINK_RETRY;
	}
	if (nfp_batch_seq(b) <= F.last_seq)
		F.seq_bad = true;
	F.last_seq = nfp_batch_seq(b);
	nfp_batch_iter_init(&it, b);
	while (nfp_batch_next_row(&it)) {
		unsigned int n = 0;
		int64_t idx = -1;

		while (nfp_batch_next_val(&it, &v)) {
			if (n == 0 && v.kind == NFP_SV_INT)
				idx = v.i;
			if (it.row == 0 && n < 16) {
				F.row0[n] = v;
				if ((v.kind == NFP_SV_TEXT ||
				     v.kind == NFP_SV_BLOB) &&
				    v.bytes.len < 64) {
					memcpy(F.row0_bytes[n], v.bytes.ptr,
					       v.bytes.len);
					F.row0[n].bytes.ptr = F.row0_bytes[n];
				}
			}
			n++;
		}
		if (it.row == 0) {
			F.row0_n = n;
			nfp_batch_row_text(b, 0, F.row0_text,
					   sizeof(F.row0_text));
		}
		if (idx == F.reject) {
			nfp_sink_reject(s, it.row, "CHECK failed (test)");
			continue;
		}
		if (F.ngot < MAXGOT)
			F.got[F.ngot++] = idx;
	}
	F.batches++;
	pthread_cond_broadcast(&F.cv);
	pthread_mutex_unlock(&F.mu);
	/* The plugin's own counter, from the worker; one past the table is
	 * ignored. */
	nfp_sink_ctr_add(s, NFP_SINK_NCTR, nfp_batch_rows(b));
	nfp_sink_ctr_add(s, NFP_SINK_NCTR + 1, 1);
	return NFP_SINK_OK;
}

static void fake_disconnect(struct nfp_sink *s, void *ctx)
{
	pthread_mutex_lock(&F.mu);
	F.disconnects++;
	pthread_mutex_unlock(&F.mu);
}

static void fake_release(void *ctx)
{
	pthread_mutex_lock(&F.mu);
	F.released++;
	pthread_cond_broadcast(&F.cv);
	pthread_mutex_unlock(&F.mu);
}

static const struct nfp_sink_ops fake_ops = {
	.connect = fake_connect,
	.write_batch = fake_write,
	.disconnect = fake_disconnect,
	.release = fake_release,
};

static const char *const fake_counters[] = { NFP_SINK_COUNTER_NAMES,
					     "rows_seen", NULL };

static const struct nfp_plugin fake_plugin = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_OUTPUT,
	.name = "FAKESINK",
	.counters = fake_counters,
};

static char root[256];
static uint64_t ctr[NFP_SINK_NCTR + 2]; /* one spare to catch overruns */
static struct nfp_inst inst = {
	.plugin = &fake_plugin,
	.name = "fake1",
	.ctr = ctr,
};

static struct nfp_sink_conf conf_default(void)
{
	struct nfp_sink_conf c = {
		.batch = 1000,
		.flush_interval = 60000,
		.queue_max = 16,
		.spool_dir = root,
		.spool_max = 0,
		.spool_full = NFP_SPOOL_DROP_NEW,
		.stop_timeout = 2000,
		.retry_max = 200,
	};

	return c;
}

static struct nfp_sink *start(const struct nfp_sink_conf *c, uint32_t ncols)
{
	struct nfp_sink *s = NULL;
	int r;

	memset(ctr, 0, sizeof(ctr));
	r = nfp_sink_start(&inst, c, &fake_ops, &F, ncols, 0x11223344, &s);
	if (r)
		bail_out("nfp_sink_start: %s", strerror(-r));
	return s;
}

static void put_row(struct nfp_sink *s, uint32_t idx)
{
	struct nfp_value v = { .u32 = idx };

	nfp_sink_row_begin(s);
	nfp_sink_put(s, NFP_T_U32, &v);
	nfp_sink_row_end(s);
}

/* Wait up to @ms for @cond (a function of F, called under F.mu). */
static bool wait_for(bool (*cond)(void *), void *arg, unsigned int ms)
{
	struct timespec ts;
	bool r;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&F.mu);
	while (!(r = cond(arg)))
		if (pthread_cond_timedwait(&F.cv, &F.mu, &ts) == ETIMEDOUT) {
			r = cond(arg);
			break;
		}
	pthread_mutex_unlock(&F.mu);
	return r;
}

static bool got_at_least(void *arg)
{
	return F.ngot >= *(unsigned int *)arg;
}

static bool in_write(void *arg)
{
	return F.in_write;
}

static bool connect_failed(void *arg)
{
	return F.connect_fails > 0;
}

static bool released(void *arg)
{
	return F.released > 0;
}

/* F.got is exactly first, first+1, ..., first+n-1. */
static bool got_seq(unsigned int from, int64_t first, unsigned int n)
{
	unsigned int i;

	if (F.ngot != from + n)
		return false;
	for (i = 0; i < n; i++)
		if (F.got[from + i] != first + i)
			return false;
	return true;
}

static void test_values(void)
{
	struct nfp_sink_conf c = conf_default();
	struct nfp_value v[10];
	struct nfp_sink *s;
	static const uint8_t raw[3] = { 1, 2, 3 };
	static const char *prefix = "'; DROP TABLE x; --";
	unsigned int one = 1;
	uint8_t six[16] = { 0 };

	fake_reset();
	s = start(&c, 11);
	memset(v, 0, sizeof(v));
	v[0].u32 = 7;
	v[1].b = true;
	v[2].u32 = 0xdeadbeefu;
	v[3].i32 = -5;
	v[4].u64 = UINT64_MAX;
	v[5].addr.family = AF_INET;
	v[5].addr.in4 = htonl(0x0a000001);
	v[6].addr.family = AF_INET6;
	six[15] = 1;
	memcpy(v[6].addr.in6, six, 16);
	v[7].str.ptr = prefix;
	v[7].str.len = (uint32_t)strlen(prefix);
	v[8].raw.ptr = raw;
	v[8].raw.len = 3;
	v[9].time.sec = 1700000000;
	v[9].time.nsec = 5;
	nfp_sink_row_begin(s);
	nfp_sink_put(s, NFP_T_U32, &v[0]);
	nfp_sink_put(s, NFP_T_BOOL, &v[1]);
	nfp_sink_put(s, NFP_T_U32, &v[2]);
	nfp_sink_put(s, NFP_T_I32, &v[3]);
	nfp_sink_put(s, NFP_T_U64, &v[4]);
	nfp_sink_put(s, NFP_T_ADDR, &v[5]);
	nfp_sink_put(s, NFP_T_ADDR, &v[6]);
	nfp_sink_put(s, NFP_T_STRING, &v[7]);
	nfp_sink_put(s, NFP_T_RAW, &v[8]);
	nfp_sink_put(s, NFP_T_TIME, &v[9]);
	nfp_sink_put(s, NFP_T_U32, NULL);
	is_int(nfp_sink_row_end(s), 0, "row of 11 values accepted");
	nfp_sink_flush(s);
	ok(wait_for(got_at_least, &one, 2000), "idle worker: flush hands over at once");
	nfp_sink_stop(s);
	is_int(F.row0_n, 11, "11 values come out");
	ok(F.row0[1].kind == NFP_SV_BOOL && F.row0[1].i == 1, "bool");
	ok(F.row0[2].kind == NFP_SV_INT && F.row0[2].i == 3735928559LL,
	   "u32 0xdeadbeef stays positive: 3735928559");
	ok(F.row0[3].kind == NFP_SV_INT && F.row0[3].i == -5, "i32 -5");
	ok(F.row0[4].kind == NFP_SV_U64 && F.row0[4].u == UINT64_MAX,
	   "u64 max as U64");
	ok(F.row0[5].kind == NFP_SV_IN4 &&
	   F.row0[5].in4 == htonl(0x0a000001), "addr v4 -> IN4");
	ok(F.row0[6].kind == NFP_SV_IN6 && !memcmp(F.row0[6].in6, six, 16),
	   "addr v6 -> IN6");
	ok(F.row0[7].kind == NFP_SV_TEXT && F.row0[7].bytes.len == 19 &&
	   !memcmp(F.row0[7].bytes.ptr, prefix, 19), "string verbatim");
	ok(F.row0[8].kind == NFP_SV_BLOB && F.row0[8].bytes.len == 3 &&
	   !memcmp(F.row0[8].bytes.ptr, raw, 3), "raw -> BLOB");
	ok(F.row0[9].kind == NFP_SV_TIME &&
	   F.row0[9].time.sec == 1700000000 && F.row0[9].time.nsec == 5,
	   "time");
	ok(F.row0[10].kind == NFP_SV_NULL, "unset -> NULL");
	is_str(F.row0_text,
	       "7, 1, 3735928559, -5, 18446744073709551615, 10.0.0.1, ::1, "
	       "''; DROP TABLE x; --', <3 bytes>, 1700000000.000000005, NULL",
	       "row as text for messages");
	is_int(F.released, 1, "ctx released once at stop");
}

static void test_order(void)
{
	struct nfp_sink_conf c = conf_default();
	struct nfp_sink *s;
	unsigned int i;

	fake_reset();
	c.batch = 7;
	s = start(&c, 1);
	for (i = 0; i < 100; i++) {
		put_row(s, i);
		if (i % 13 == 0)
			nfp_sink_flush(s);
	}
	nfp_sink_stop(s);
	ok(got_seq(0, 0, 100), "100 rows in, the same 100 out, in order");
	is_int(ctr[NFP_SINK_NCTR], 100,
	       "nfp_sink_ctr_add: the plugin's own counter, from the worker");
	is_int(ctr[NFP_SINK_NCTR + 1], 0,
	       "nfp_sink_ctr_add: an index past the counters is ignored");
	ok(!F.seq_bad, "batch sequence numbers increase");
	is_int(ctr[NFP_SINK_CTR_WRITTEN], 100, "written=100");
	is_int(ctr[NFP_SINK_CTR_QUEUED], 100, "queued=100");
	is_int(ctr[NFP_SINK_CTR_DROPPED] + ctr[NFP_SINK_CTR_SPOOLED], 0,
	       "nothing dropped or spooled");
	is_int(F.disconnects, 1, "disconnected once, at the end");
}

static void test_queue_full(void)
{
	struct nfp_sink_conf c = conf_default();
	struct nfp_sink *s;
	unsigned int i, n = 50;

	fake_reset();
	c.batch = 5;
	c.queue_max = 1;
	c.spool_max = 1 << 20;
	F.gate_closed = true;
	s = start(&c, 1);
	for (i = 0; i < 5; i++)
		put_row(s, i);
	ok(wait_for(in_write, NULL, 2000), "first batch is being written");
	for (; i < 50; i++)
		put_row(s, i);
	is_int(ctr[NFP_SINK_CTR_QUEUED], 10, "one more batch fits the queue");
	is_int(ctr[NFP_SINK_CTR_SPOOLED], 40, "the other 8 batches are spooled");
	pthread_mutex_lock(&F.mu);
	F.gate_closed = false;
	pthread_cond_broadcast(&F.cv);
	pthread_mutex_unlock(&F.mu);
	ok(wait_for(got_at_least, &n, 5000), "the sink catches up");
	put_row(s, 50);
	nfp_sink_stop(s);
	ok(got_seq(0, 0, 51), "queue, then spool, then new rows: in order");
	/* Row 50 may still find the spool being drained: then it goes there. */
	is_int(ctr[NFP_SINK_CTR_REPLAYED], ctr[NFP_SINK_CTR_SPOOLED],
	       "replayed = spooled (%" PRIu64 ")", ctr[NFP_SINK_CTR_SPOOLED]);
	is_int(ctr[NFP_SINK_CTR_WRITTEN], 51, "written=51");
}

static void test_retry(void)
{
	struct nfp_sink_conf c = conf_default();
	struct nfp_sink *s;
	unsigned int i;

	fake_reset();
	c.batch = 4;
	F.retry_writes = 3;
	s = start(&c, 1);
	for (i = 0; i < 20; i++)
		put_row(s, i);
	nfp_sink_stop(s);
	ok(got_seq(0, 0, 20), "three lost connections: 20 rows, in order");
	is_int(ctr[NFP_SINK_CTR_RECONNECTS], 3, "reconnects=3");
	is_int(F.connects, 4, "connected 4 times");
	is_int(F.disconnects, 4, "disconnected after each loss and at the end");
	is_int(ctr[NFP_SINK_CTR_WRITTEN], 20, "written=20");
}

static void test_busy(void)
{
	struct nfp_sink_conf c = conf_default();
	struct nfp_sink *s;
	unsigned int i;

	fake_reset();
	c.batch = 4;
	F.busy_writes = 2;
	s = start(&c, 1);
	for (i = 0; i < 12; i++)
		put_row(s, i);
	nfp_sink_stop(s);
	ok(got_seq(0, 0, 12), "busy twice: 12 rows, in order");
	is_int(ctr[NFP_SINK_CTR_RECONNECTS], 0, "busy is not a lost connection");
	is_int(F.connects, 1, "one connection throughout");
}

static void test_down_then_up(void)
{
	struct nfp_sink_conf c = conf_default();
	struct nfp_sink *s;
	unsigned int i, n = 20;

	fake_reset();
	c.batch = 1;
	c.spool_max = 1 << 20;
	F.down = true;
	s = start(&c, 1);
	ok(wait_for(connect_failed, NULL, 2000),
	   "the worker connects at start (and fails)");
	/*
	 * The worker marks the sink down just after connect() returns; rows
	 * put in that instant would (rightly) still be queued. Give it time.
	 */
	usleep(100 * 1000);
	for (i = 0; i < 20; i++)
		put_row(s, i);
	is_int(ctr[NFP_SINK_CTR_SPOOLED], 20,
	       "sink down: every batch is spooled");
	is_int(F.ngot, 0, "nothing written while down");
	pthread_mutex_lock(&F.mu);
	F.down = false;
	pthread_mutex_unlock(&F.mu);
	ok(wait_for(got_at_least, &n, 5000), "sink back: everything written");
	nfp_sink_stop(s);
	ok(got_seq(0, 0, 20), "in order");
	is_int(ctr[NFP_SINK_CTR_RECONNECTS], 1, "reconnects=1");
	is_int(ctr[NFP_SINK_CTR_REPLAYED], ctr[NFP_SINK_CTR_SPOOLED],
	       "replayed = spooled");
}

static void test_reject(void)
{
	struct nfp_sink_conf c = conf_default();
	struct nfp_sink *s;
	unsigned int i;

	fake_reset();
	F.reject = 3;
	s = start(&c, 1);
	for (i = 0; i < 10; i++)
		put_row(s, i);
	nfp_sink_stop(s);
	ok(F.ngot == 9 && F.got[2] == 2 && F.got[3] == 4,
	   "row 3 refused, the rest of its batch lands");
	is_int(ctr[NFP_SINK_CTR_REJECTED], 1, "rejected=1");
	is_int(ctr[NFP_SINK_CTR_WRITTEN], 9, "written=9");
}

static void test_restart(void)
{
	struct nfp_sink_conf c = conf_default();
	struct nfp_sink *s;
	unsigned int i;

	/* Stopped while down: everything goes to disk. */
	fake_reset();
	c.batch = 2;
	c.spool_max = 1 << 20;
	inst.name = "restart1";
	F.down = true;
	s = start(&c, 1);
	for (i = 0; i < 10; i++) {
		put_row(s, i);
		nfp_sink_flush(s);
	}
	put_row(s, 10);
	nfp_sink_stop(s);
	is_int(ctr[NFP_SINK_CTR_SPOOLED], 11, "stopped while down: 11 rows spooled");
	is_int(ctr[NFP_SINK_CTR_DROPPED] + ctr[NFP_SINK_CTR_WRITTEN], 0,
	       "none written or lost");

	/* Started again with the sink up: old rows first, then new ones. */
	fake_reset();
	s = start(&c, 1);
	for (i = 11; i < 15; i++)
		put_row(s, i);
	nfp_sink_stop(s);
	ok(got_seq(0, 0, 15), "after restart: 15 rows in order");
	/* New rows go behind the old spool, or to the queue once it drained. */
	is_int(ctr[NFP_SINK_CTR_SPOOLED] + ctr[NFP_SINK_CTR_QUEUED], 4,
	       "new rows spooled or queued: 4");
	is_int(ctr[NFP_SINK_CTR_REPLAYED], 11 + ctr[NFP_SINK_CTR_SPOOLED],
	       "replayed = 11 old + new ones spooled");
	inst.name = "fake1";
}

/* The spool compresses (spool_compress=1): batches spooled while the sink
 * is down land in .zseg segments smaller than the rows, and replay in order
 * after a restart. */
static void test_restart_compressed(void)
{
	struct nfp_sink_conf c = conf_default();
	char dir[600];
	struct dirent *de;
	struct nfp_sink *s;
	unsigned int i, zsegs = 0;
	DIR *d;

	fake_reset();
	c.batch = 100;
	c.spool_max = 1 << 20;
	c.spool_compress = 1;
	inst.name = "restartz";
	F.down = true;
	s = start(&c, 1);
	for (i = 0; i < 300; i++)
		put_row(s, i);
	nfp_sink_stop(s);
	is_int(ctr[NFP_SINK_CTR_SPOOLED], 300, "down: 300 rows spooled");
	snprintf(dir, sizeof(dir), "%s/restartz", root);
	d = opendir(dir);
	while (d && (de = readdir(d)))
		if (strstr(de->d_name, ".zseg"))
			zsegs++;
	if (d)
		closedir(d);
	ok(zsegs >= 1, "in compressed segments (%u)", zsegs);

	fake_reset();
	s = start(&c, 1);
	nfp_sink_stop(s);
	ok(got_seq(0, 0, 300), "after restart: the 300 rows in order");
	is_int(ctr[NFP_SINK_CTR_REPLAYED], 300, "replayed=300");
	is_int(ctr[NFP_SINK_CTR_DROPPED], 0, "dropped=0");
	inst.name = "fake1";
}

/*
 * The sink core decides when a batch is worth a wake-up of the worker:
 * with gather_rows/gather_ms set (as IPFIX does), a flush hands a few
 * young rows over only once they are gather_rows, or gather_ms old.
 */
static void test_gather(void)
{
	struct nfp_sink_conf c = conf_default();
	struct nfp_sink *s;
	unsigned int i, n;

	fake_reset();
	c.gather_rows = 10;
	c.gather_ms = 300;
	s = start(&c, 1);
	for (i = 0; i < 5; i++) {
		put_row(s, i);
		nfp_sink_flush(s);
	}
	n = 1;
	ok(!wait_for(got_at_least, &n, 100),
	   "5 rows, 5 flushes: none handed over (%u written)", F.ngot);
	for (; i < 10; i++) {
		put_row(s, i);
		nfp_sink_flush(s);
	}
	n = 10;
	ok(wait_for(got_at_least, &n, 2000),
	   "the 10th row makes the batch worth it: 10 written");
	put_row(s, i++);
	nfp_sink_flush(s);
	usleep(350 * 1000);
	nfp_sink_flush(s);
	n = 11;
	ok(wait_for(got_at_least, &n, 2000),
	   "a lone row goes once it is gather_ms old");
	nfp_sink_stop(s);
	ok(got_seq(0, 0, 11), "11 rows in order");
	is_int(F.batches, 2, "in 2 batches");
}

static void test_spool_full(void)
{
	struct nfp_sink_conf c = conf_default();
	struct nfp_sink *s;
	unsigned int i, n;
	bool incr = true;

	/* drop_new: the oldest rows survive. */
	fake_reset();
	c.batch = 1;
	c.queue_max = 1;
	c.spool_max = 400;	/* 61-byte records: 6 fit */
	inst.name = "full1";
	F.gate_closed = true;
	s = start(&c, 1);
	put_row(s, 0);
	wait_for(in_write, NULL, 2000);
	for (i = 1; i < 12; i++)
		put_row(s, i);
	is_int(ctr[NFP_SINK_CTR_SPOOLED], 6, "6 batches fit the spool");
	is_int(ctr[NFP_SINK_CTR_DROPPED], 4, "drop_new: 4 new ones dropped");
	pthread_mutex_lock(&F.mu);
	F.gate_closed = false;
	pthread_cond_broadcast(&F.cv);
	pthread_mutex_unlock(&F.mu);
	nfp_sink_stop(s);
	ok(got_seq(0, 0, 8), "rows 0..7 written, in order");

	/* drop_old: the newest rows survive. */
	fake_reset();
	c.spool_full = NFP_SPOOL_DROP_OLD;
	inst.name = "full2";
	F.gate_closed = true;
	s = start(&c, 1);
	put_row(s, 0);
	wait_for(in_write, NULL, 2000);
	for (i = 1; i < 12; i++)
		put_row(s, i);
	ok(ctr[NFP_SINK_CTR_DROPPED] > 0, "drop_old dropped old rows (%" PRIu64 ")",
	   ctr[NFP_SINK_CTR_DROPPED]);
	pthread_mutex_lock(&F.mu);
	F.gate_closed = false;
	pthread_cond_broadcast(&F.cv);
	pthread_mutex_unlock(&F.mu);
	nfp_sink_stop(s);
	n = F.ngot;
	for (i = 1; i < n; i++)
		if (F.got[i] <= F.got[i - 1])
			incr = false;
	ok(n > 0 && F.got[n - 1] == 11 && incr,
	   "the newest row (11) is written, all in order");
	is_int(n + ctr[NFP_SINK_CTR_DROPPED], 12, "written + dropped = 12");
	inst.name = "fake1";
}

static void test_abandon(void)
{
	struct nfp_sink_conf c = conf_default();
	struct nfp_sink *s;
	unsigned int i;

	fake_reset();
	c.batch = 1;
	c.spool_max = 1 << 20;
	c.stop_timeout = 50;
	inst.name = "hang1";
	F.gate_closed = true;
	s = start(&c, 1);
	put_row(s, 0);
	wait_for(in_write, NULL, 2000);
	for (i = 1; i < 5; i++)
		put_row(s, i);
	nfp_sink_stop(s);
	is_int(ctr[NFP_SINK_CTR_SPOOLED], 5,
	       "a hung write: stop spools the batch in flight and the queue");
	is_int(F.released, 0, "the worker still holds the sink");
	pthread_mutex_lock(&F.mu);
	F.gate_closed = false;
	pthread_cond_broadcast(&F.cv);
	pthread_mutex_unlock(&F.mu);
	ok(wait_for(released, NULL, 3000), "the late worker frees the sink");

	s = start(&c, 1);
	nfp_sink_stop(s);
	ok(F.ngot == 6 && F.got[0] == 0 && got_seq(1, 0, 5),
	   "the late write landed and the spool replays 0..4: at least once");
	inst.name = "fake1";
}

/* The exact bytes of a one-row batch: u32 5 and "hi". */
static const uint8_t want_batch[] = {
	'N', 'F', 'B', '1',		/* magic */
	3, 0, 0, 0,			/* columns */
	1, 0, 0, 0,			/* rows */
	0x44, 0x33, 0x22, 0x11,		/* schema fingerprint */
	18, 0, 0, 0,			/* row length */
	2, 5, 0, 0, 0, 0, 0, 0, 0,	/* INT 5 */
	4, 2, 0, 0, 0, 'h', 'i', 0,	/* TEXT "hi" */
	0,				/* NULL */
};

static void test_format(void)
{
	struct nfp_sink_conf c = conf_default();
	struct nfp_spool_info info;
	struct nfp_spool_ref ref;
	struct nfp_spool *sp;
	struct nfp_value v[2];
	struct nfp_sink *s;
	uint8_t buf[256], bad[sizeof(want_batch)];
	char dir[512];
	uint32_t nc, nr;
	uint64_t lost = 0;

	/* Take it from the spool: sink down, one batch. */
	fake_reset();
	c.spool_max = 1 << 20;
	inst.name = "fmt1";
	F.down = true;
	s = start(&c, 3);
	v[0].u32 = 5;
	v[1].str.ptr = "hi";
	v[1].str.len = 2;
	nfp_sink_row_begin(s);
	nfp_sink_put(s, NFP_T_U32, &v[0]);
	nfp_sink_put(s, NFP_T_STRING, &v[1]);
	nfp_sink_put(s, NFP_T_STRING, NULL);
	nfp_sink_row_end(s);
	nfp_sink_stop(s);
	snprintf(dir, sizeof(dir), "%s/fmt1", root);
	if (nfp_spool_open(dir, 1 << 20, false, &sp, &info))
		bail_out("open %s", dir);
	ok(nfp_spool_next(sp, &ref, &lost) == 1 &&
	   ref.len == sizeof(want_batch) && nfp_spool_read(&ref, buf) == 0 &&
	   !memcmp(buf, want_batch, sizeof(want_batch)),
	   "batch bytes as specified");
	nfp_spool_close(sp);
	inst.name = "fake1";

	is_int(nfp_batch_check(want_batch, sizeof(want_batch), &nc, &nr), 0,
	       "format check accepts it");
	ok(nc == 3 && nr == 1, "3 columns, 1 row");
	is_int(nfp_batch_check(want_batch, sizeof(want_batch) - 1, &nc, &nr),
	       -EBADMSG, "one byte short: refused");
	memcpy(bad, want_batch, sizeof(bad));
	bad[36] = 'x';
	is_int(nfp_batch_check(bad, sizeof(bad), &nc, &nr), -EBADMSG,
	       "TEXT without its NUL: refused");
	memcpy(bad, want_batch, sizeof(bad));
	bad[20] = 9;
	is_int(nfp_batch_check(bad, sizeof(bad), &nc, &nr), -EBADMSG,
	       "unknown kind: refused");
	memcpy(bad, want_batch, sizeof(bad));
	bad[4] = 2;
	is_int(nfp_batch_check(bad, sizeof(bad), &nc, &nr), -EBADMSG,
	       "more values than columns: refused");
	memcpy(bad, want_batch, sizeof(bad));
	bad[8] = 2;
	is_int(nfp_batch_check(bad, sizeof(bad), &nc, &nr), -EBADMSG,
	       "a row missing: refused");
}

static void test_busy_flush(void)
{
	struct nfp_sink_conf c = conf_default();
	struct nfp_sink *s;
	unsigned int i;

	fake_reset();
	c.batch = 100;
	F.gate_closed = true;
	s = start(&c, 1);
	put_row(s, 0);
	nfp_sink_flush(s);
	wait_for(in_write, NULL, 2000);
	for (i = 1; i < 30; i++) {
		put_row(s, i);
		nfp_sink_flush(s);
	}
	is_int(ctr[NFP_SINK_CTR_QUEUED], 1,
	       "busy worker: flush lets the next batch grow");
	pthread_mutex_lock(&F.mu);
	F.gate_closed = false;
	pthread_cond_broadcast(&F.cv);
	pthread_mutex_unlock(&F.mu);
	nfp_sink_stop(s);
	is_int(F.batches, 2, "29 rows went as one batch");
	ok(got_seq(0, 0, 30), "all 30 in order");
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(root, sizeof(root), "%s/nfpt-sink-XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(root))
		bail_out("mkdtemp: %s", strerror(errno));
	nfp_log_set_level(NFP_LOG_FATAL);
	test_values();
	test_order();
	test_queue_full();
	test_retry();
	test_busy();
	test_down_then_up();
	test_reject();
	test_restart();
	test_restart_compressed();
	test_gather();
	test_spool_full();
	test_abandon();
	test_format();
	test_busy_flush();
	nfp_loop_exit();
	if (!getenv("NFPT_KEEP")) {
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
		if (system(cmd) != 0)
			diag("could not remove %s", root);
	}
	return done_testing();
}
