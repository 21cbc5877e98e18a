/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nfpipe/sink.h - batches, a worker thread and a disk spool for blocking sinks
 *
 * For outputs whose writes can block (SQLite, PostgreSQL, MySQL, Kafka,
 * JSON over the network). The plugin's process() copies the values of its
 * input keys into a row of the current batch (nfp_sink_row_begin, put,
 * row_end); the batch is handed over when it is full (`batch` rows), from
 * the plugin's flush() when the worker is idle, or when its oldest row is
 * `flush_interval` old. A handed-over batch goes to a bounded in-memory
 * queue (`queue_max` batches) served by one worker thread per sink, which
 * calls the plugin's ops: connect, write_batch (one transaction per batch),
 * disconnect. When the sink is down or the queue is full, batches go to an
 * append-only spool on disk (`spool_dir`, at most `spool_max` bytes) and
 * are replayed in order before anything newer: order is kept end to end,
 * across reconnects and daemon restarts.
 *
 * Threading: the nfp_sink_* functions marked "main" run on the main thread
 * only (they never wait on the sink: at worst they append to the spool file,
 * a write(2)); the ops run on the sink's worker thread only and must not call
 * the core except the nfp_sink_* functions marked "worker" and the log
 * (nfp_log, and nfp_log_rl with state of their own, never the _rl macros).
 *
 * A batch's bytes are the spool's bytes: a row is typed values in a compact,
 * self-describing form (struct nfp_sval), so a sink reads a batch the same
 * way whether it was just built or replayed after a restart.
 */
#ifndef NFPIPE_SINK_H
#define NFPIPE_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nfpipe/api.h>
#include <nfpipe/key.h>
#include <nfpipe/option.h>

struct nfp_inst;
struct nfp_sink;
struct nfp_batch;

/* ---- values in a batch ------------------------------------------------- */

/* What a key's value became in a row; kept small so any sink can map it. */
enum nfp_sv_kind {
	NFP_SV_NULL = 0, /* unset or unbound key, or a pointer key */
	NFP_SV_BOOL,	 /* .i: 0 or 1 */
	NFP_SV_INT,	 /* .i: u8..u32 and i8..i64, sign kept */
	NFP_SV_U64,	 /* .u: u64, may be above INT64_MAX */
	NFP_SV_TEXT,	 /* .bytes: a NUL follows the len bytes */
	NFP_SV_BLOB,	 /* .bytes */
	NFP_SV_IN4,	 /* .in4: IPv4, network byte order */
	NFP_SV_IN6,	 /* .in6: IPv6, network byte order */
	NFP_SV_TIME,	 /* .time: wall clock */
	NFP_SV__MAX
};

struct nfp_sval {
	enum nfp_sv_kind kind; /* which member is meaningful */
	union {
		int64_t i;  /* BOOL, INT */
		uint64_t u; /* U64 */
		struct {
			const void *ptr; /* inside the batch: valid during
					  * write_batch only */
			uint32_t len;	 /* bytes, without TEXT's NUL */
		} bytes;		 /* TEXT, BLOB */
		uint32_t in4;		 /* IN4 */
		uint8_t in6[16];	 /* IN6 */
		struct {
			int64_t sec;   /* seconds since the epoch */
			uint32_t nsec; /* 0..999999999 */
		} time;		       /* TIME */
	};
};

/*
 * Walking a batch in the worker: rows in order, then each row's values in
 * column order. Batches reaching write_batch have been checked, so the walk
 * cannot fail; the functions still stop at anything out of bounds.
 */
struct nfp_batch_iter {
	const uint8_t *p;	/* next byte to read */
	const uint8_t *end;	/* end of the batch */
	const uint8_t *row_end; /* end of the current row */
	uint32_t row;		/* current row, 0-based; -1 before */
	uint32_t nrows;		/* rows in the batch */
};

NFP_API uint32_t nfp_batch_rows(const struct nfp_batch *b);
NFP_API uint32_t nfp_batch_cols(const struct nfp_batch *b);
/* Sequence number: one more per batch, continued across restarts. */
NFP_API uint64_t nfp_batch_seq(const struct nfp_batch *b);
NFP_API void nfp_batch_iter_init(struct nfp_batch_iter *it,
				 const struct nfp_batch *b);
/* Step to the next row: 1, or 0 after the last one. */
NFP_API int nfp_batch_next_row(struct nfp_batch_iter *it);
/* The next value of the current row in *@v: 1, or 0 at the end of the row. */
NFP_API int nfp_batch_next_val(struct nfp_batch_iter *it, struct nfp_sval *v);
/*
 * Row @row as text for messages, "v1, v2, 'text', NULL", cut to @len.
 * Returns @buf.
 */
NFP_API char *nfp_batch_row_text(const struct nfp_batch *b, uint32_t row,
				 char *buf, size_t len);

/* ---- the sink's callbacks (worker thread) ----------------------------- */

enum nfp_sink_res {
	NFP_SINK_OK = 0, /* the batch landed, minus rejected rows */
	NFP_SINK_RETRY,	 /* lost connection or transient failure: nothing
			  * landed; disconnect, reconnect, write again */
	NFP_SINK_DROP,	 /* can never land (e.g. a spooled batch for a
			  * table that changed): dropped and counted */
	NFP_SINK_BUSY,	 /* nothing landed, the connection is fine (a
			  * lock held elsewhere): write again later */
};

struct nfp_sink_ops {
	/* Open the connection: 0, or a negative errno (retried later). */
	int (*connect)(struct nfp_sink *s, void *ctx);
	/*
	 * Write @b as one transaction. A row the database refuses (constraint,
	 * value too long) is reported with nfp_sink_reject() and skipped; the
	 * rest of the batch lands and the result is NFP_SINK_OK.
	 */
	enum nfp_sink_res (*write_batch)(struct nfp_sink *s, void *ctx,
					 const struct nfp_batch *b);
	/* Close the connection (after RETRY, and at the end). */
	void (*disconnect)(struct nfp_sink *s, void *ctx);
	/*
	 * Optional: free @ctx. Called exactly once, by whichever thread lets
	 * go of the sink last (the worker may outlive nfp_sink_stop() when a
	 * write hangs past stop_timeout): the plugin never frees @ctx.
	 */
	void (*release)(void *ctx);
};

/* Worker: row @row of the batch being written was refused for @reason. */
NFP_API void nfp_sink_reject(struct nfp_sink *s, uint32_t row,
			     const char *reason);
/*
 * Worker: add @n to the instance's counter @idx (an index into the plugin's
 * .counters, e.g. one of its own past NFP_SINK_NCTR). Safe from the ops
 * even after nfp_sink_stop() gave up waiting for the worker (then nothing
 * is counted: the instance may be gone). Takes the sink's lock: count once
 * per batch, not per row.
 */
NFP_API void nfp_sink_ctr_add(struct nfp_sink *s, unsigned int idx, uint64_t n);
/*
 * An instance stand-in for the worker's log messages: it carries the
 * instance name and stays valid as long as the worker runs, even past
 * nfp_sink_stop().
 */
NFP_API const struct nfp_inst *nfp_sink_log_inst(const struct nfp_sink *s);

/* ---- configuration ---------------------------------------------------- */

enum nfp_spool_full {
	NFP_SPOOL_DROP_NEW = 0, /* keep what is spooled, drop the new batch */
	NFP_SPOOL_DROP_OLD,	/* drop the oldest spooled batches for it */
};

/* Options shared by every queued sink; NFP_SINK_OPTIONS() declares them. */
struct nfp_sink_conf {
	uint64_t batch;		 /* rows per batch (transaction) at most */
	uint64_t flush_interval; /* ms a row may wait for its batch */
	uint64_t queue_max;	 /* batches waiting in memory for the worker */
	char *spool_dir;	 /* the spool is <spool_dir>/<instance> */
	uint64_t spool_max;	 /* bytes on disk; 0: no spool */
	int spool_full;		 /* enum nfp_spool_full */
	bool spool_fsync;	 /* fdatasync every spooled batch */
	uint64_t stop_timeout;	 /* ms to drain the queue when stopping */
	uint64_t retry_max;	 /* ms: cap of the reconnect backoff */
	uint64_t spool_compress; /* zstd level of spooled batches; 0: off */
	/*
	 * Set by the plugin before nfp_sink_start(), not options: rows that
	 * make a handover to an idle worker worth its wake-up (0: any, each
	 * flush hands over), and the longest the first of them waits for
	 * the rest (then flush_interval still bounds it).
	 */
	uint64_t gather_rows;
	uint64_t gather_ms;
};

NFP_API extern const char *const nfp_sink_spool_full_names[];

/*
 * Option table entries for struct nfp_sink_conf member @m of the plugin's
 * private struct @ptype; put them in the plugin's table like any entry.
 */
#define NFP_SINK_OPTIONS(ptype, m)                                                     \
	{ .name = "batch",                                                             \
	  .type = NFP_OPT_UINT,                                                        \
	  .def = "1000",                                                               \
	  .min = 1,                                                                    \
	  .max = 1000000,                                                              \
	  .off = offsetof(ptype, m.batch),                                             \
	  .help = "Rows per batch, written as one transaction." },                     \
		{ .name = "flush_interval",                                            \
		  .type = NFP_OPT_DURATION,                                            \
		  .def = "1s",                                                         \
		  .unit = "ms",                                                        \
		  .min = 1,                                                            \
		  .max = 3600000,                                                      \
		  .off = offsetof(ptype, m.flush_interval),                            \
		  .help = "Longest time a row waits for its batch to be written." },   \
		{ .name = "queue_max",                                                 \
		  .type = NFP_OPT_UINT,                                                \
		  .def = "16",                                                         \
		  .min = 1,                                                            \
		  .max = 65536,                                                        \
		  .off = offsetof(ptype, m.queue_max),                                 \
		  .help = "Batches waiting in memory; past it batches are spooled." }, \
		{ .name = "spool_dir",                                                 \
		  .type = NFP_OPT_PATH,                                                \
		  .def = NFP_SINK_SPOOL_DIR,                                           \
		  .off = offsetof(ptype, m.spool_dir),                                 \
		  .help = "Spool directory; the instance spools in a subdirectory "    \
			  "of its own name." },                                        \
		{ .name = "spool_max",                                                 \
		  .type = NFP_OPT_SIZE,                                                \
		  .def = "1G",                                                         \
		  .off = offsetof(ptype, m.spool_max),                                 \
		  .help = "Disk the spool may use; 0 turns spooling off." },           \
		{ .name = "spool_compress",                                            \
		  .type = NFP_OPT_UINT,                                                \
		  .def = "1",                                                          \
		  .max = 19,                                                           \
		  .off = offsetof(ptype, m.spool_compress),                            \
		  .help = "zstd level of spooled batches (1: fastest); 0 spools "      \
			  "them uncompressed." },                                      \
		{ .name = "spool_full",                                                \
		  .type = NFP_OPT_ENUM,                                                \
		  .def = "drop_new",                                                   \
		  .enums = nfp_sink_spool_full_names,                                  \
		  .off = offsetof(ptype, m.spool_full),                                \
		  .help = "When the spool is full: drop_new (the new batch) or "       \
			  "drop_old (the oldest spooled batches)." },                  \
		{ .name = "spool_fsync",                                               \
		  .type = NFP_OPT_BOOL,                                                \
		  .def = "0",                                                          \
		  .off = offsetof(ptype, m.spool_fsync),                               \
		  .help = "fdatasync the spool after every batch (survives power "     \
			  "loss; slower)." },                                          \
		{ .name = "stop_timeout",                                              \
		  .type = NFP_OPT_DURATION,                                            \
		  .def = "5s",                                                         \
		  .unit = "ms",                                                        \
		  .max = 3600000,                                                      \
		  .off = offsetof(ptype, m.stop_timeout),                              \
		  .help = "On stop, time to write what is queued before spooling "     \
			  "the rest." },                                               \
	{                                                                              \
		.name = "retry_max", .type = NFP_OPT_DURATION, .def = "5s",            \
		.unit = "ms", .min = 100, .max = 3600000,                              \
		.off = offsetof(ptype, m.retry_max),                                   \
		.help = "Longest wait between reconnection attempts."                  \
	}

#ifndef NFP_SINK_SPOOL_DIR
#ifdef LOCALSTATEDIR
#define NFP_SINK_SPOOL_DIR LOCALSTATEDIR "/spool/nfpipe"
#else
#define NFP_SINK_SPOOL_DIR "/var/spool/nfpipe"
#endif
#endif

/* ---- counters --------------------------------------------------------- */

/*
 * The sink counts into the instance's first NFP_SINK_NCTR counters: start
 * the plugin's .counters with NFP_SINK_COUNTER_NAMES. Rows in = written +
 * rejected + dropped + rows still queued or spooled.
 */
enum nfp_sink_ctr {
	NFP_SINK_CTR_WRITTEN = 0,  /* rows the sink committed */
	NFP_SINK_CTR_QUEUED,	   /* rows handed to the memory queue */
	NFP_SINK_CTR_SPOOLED,	   /* rows appended to the spool */
	NFP_SINK_CTR_REPLAYED,	   /* spooled rows committed later */
	NFP_SINK_CTR_DROPPED,	   /* rows lost: spool full, corrupt... */
	NFP_SINK_CTR_REJECTED,	   /* rows the database refused */
	NFP_SINK_CTR_RECONNECTS,   /* connected again after a loss */
	NFP_SINK_CTR_SPOOL_ERRORS, /* torn or corrupt spool records */
	NFP_SINK_NCTR
};

#define NFP_SINK_COUNTER_NAMES                                                 \
	"written", "queued", "spooled", "replayed", "dropped", "rejected",     \
		"reconnects", "spool_errors"

/* ---- life cycle and rows (main thread) -------------------------------- */

/*
 * Main, from start(): open the spool (replaying what a previous run left
 * comes first) and start the worker. @ncols values make a row; @schema is
 * a fingerprint of the row layout (e.g. a CRC of the column names): spooled
 * batches with another fingerprint are dropped and counted instead of being
 * written into the wrong columns. @ctx belongs to the sink from here on,
 * even on failure (ops->release frees it). 0 or a negative errno.
 */
NFP_API int nfp_sink_start(struct nfp_inst *inst,
			   const struct nfp_sink_conf *conf,
			   const struct nfp_sink_ops *ops, void *ctx,
			   uint32_t ncols, uint32_t schema,
			   struct nfp_sink **out);

/* Main: begin a row; then exactly ncols puts; then nfp_sink_row_end(). */
NFP_API void nfp_sink_row_begin(struct nfp_sink *s);
/* Main: a value of producer type @type; @v NULL stores NULL. Copied. */
NFP_API void nfp_sink_put(struct nfp_sink *s, enum nfp_type type,
			  const struct nfp_value *v);

/* Main: input key @key of @rec, whatever type its producer declared. */
static inline void nfp_sink_put_key(struct nfp_sink *s,
				    const struct nfp_rec *rec, unsigned int key)
{
	nfp_sink_put(s, nfp_in_type(rec, key), nfp_get(rec, key));
}

/* Main: end the row; a full batch is handed over. 0 or -ENOMEM (dropped). */
NFP_API int nfp_sink_row_end(struct nfp_sink *s);
/*
 * Main: the whole row of a sink whose columns are the plugin's first @n
 * input keys (SQL tables): begin, a put per key, end. 0 or -ENOMEM.
 */
NFP_API int nfp_sink_put_keys(struct nfp_sink *s, const struct nfp_rec *rec,
			      unsigned int n);
/*
 * Main, from flush(): hand the current batch over when the worker is idle,
 * or when it is full or old; otherwise let it grow. Never waits. @s may be
 * NULL (a sink that did not start): nothing to do.
 */
NFP_API int nfp_sink_flush(struct nfp_sink *s);
/*
 * Main, from stop(): hand over the current batch, let the worker write the
 * queue for at most stop_timeout, spool what is left, free the sink.
 */
NFP_API void nfp_sink_stop(struct nfp_sink *s);

#endif /* NFPIPE_SINK_H */
