/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * core/spool.h - the disk spool of queued sinks, and the batch format check
 *
 * Internal to the core (sink.c is the only user besides the tests and the
 * fuzz target). A spool is a directory of append-only segment files named
 * after the sequence number of their first record ("%020llu.seg"). Each
 * record is framed:
 *
 *   off size
 *     0   4  magic "NFPS"
 *     4   4  payload length                 (little-endian, as all fields)
 *     8   8  sequence number of the batch
 *    16   4  rows in the batch
 *    20   4  CRC-32 of the payload
 *    24   4  CRC-32 of bytes 0..23
 *    28   1  state: 'P' pending, 'D' done (written to the sink)
 *    29   3  zero
 *    32      payload: the serialized batch
 *
 * A record with magic "NFPZ" carries a compressed batch; its payload is
 *
 *     0   1  codec: 1 zstd
 *     1   3  zero
 *     4   4  length of the batch once decompressed
 *     8      the compressed frame
 *
 * and both CRCs cover it as they cover a plain one. A batch that does not
 * shrink is written plain ("NFPS"), as every record of the first format was:
 * a spool left by an older nfpiped replays unchanged. Segments holding
 * compressed records are named "%020llu.zseg", which an older nfpiped does
 * not open (nor delete): after a downgrade they wait for the next upgrade.
 *
 * Only the state byte changes after a record is written (one pwrite when the
 * batch has been written to the sink), so it is outside both CRCs. The
 * header CRC lets a reader trust the length and skip a record whose payload
 * is damaged; a damaged header is skipped by searching for the next valid
 * one. Not thread-safe: sink.c serializes every call except
 * nfp_spool_read(), which only reads a record nobody else touches.
 */
#ifndef NFP_SPOOL_H
#define NFP_SPOOL_H

#include "nfp.h"

#define NFP_SPOOL_MAGIC	  0x5350464eu /* "NFPS" little-endian */
#define NFP_SPOOL_MAGIC_Z 0x5a50464eu /* "NFPZ": compressed payload */
#define NFP_SPOOL_ZHDR	  8	      /* codec, zero, raw length */
#define NFP_SPOOL_ZSTD	  1	      /* the codec byte for zstd */
#define NFP_SPOOL_HDR	  32	      /* bytes of a record header */
#define NFP_SPOOL_PENDING 'P'
#define NFP_SPOOL_DONE	  'D'
#define NFP_SPOOL_REC_MAX (256u << 20) /* payload bytes at most */

/* CRC-32 as zlib and Ethernet (reflected 0xEDB88320); start with 0. */
uint32_t nfp_crc32(uint32_t crc, const void *buf, size_t len);

/* ---- the pure segment reader (fuzzed) ----------------------------------- */

/* One record found by nfp_spool_scan(). */
struct nfp_spool_rec {
	uint64_t off;		/* of its header in the segment */
	uint64_t seq;		/* batch sequence number */
	uint32_t rows;		/* rows in the batch */
	uint32_t len;		/* payload bytes */
	bool done;		/* state byte says written */
	bool bad_payload;	/* header fine, payload CRC wrong */
	bool packed;		/* "NFPZ": nfp_spool_unpack() the payload */
	const uint8_t *payload; /* inside the scanned buffer */
};

struct nfp_spool_scan {
	uint64_t good_end;     /* end of the last valid record */
	uint64_t records;      /* valid records (done or pending) */
	uint64_t pending;      /* of them not done, payload intact */
	uint64_t pending_rows; /* rows in those */
	uint64_t bad_records;  /* valid header, damaged payload */
	uint64_t bad_rows;     /* rows in those */
	uint64_t gap_bytes;    /* skipped between valid records */
	uint32_t gaps;	       /* damaged stretches before good_end */
	uint64_t max_seq;      /* highest sequence number seen */
	bool torn;	       /* bytes after good_end (a torn tail) */
	bool torn_hdr;	       /* the tail has a valid header ... */
	uint32_t torn_rows;    /* ... announcing this many rows */
};

typedef void (*nfp_spool_rec_cb)(const struct nfp_spool_rec *r, void *arg);

/*
 * Walk the records of a segment held in @buf: @cb (may be NULL) gets every
 * record with a valid header, in file order; damaged stretches are skipped
 * by searching for the next valid header. Never reads outside @buf.
 */
void nfp_spool_scan(const uint8_t *buf, size_t len, nfp_spool_rec_cb cb,
		    void *arg, struct nfp_spool_scan *res);

/* Fill a record header for @payload into @hdr (NFP_SPOOL_HDR bytes). */
void nfp_spool_frame(uint8_t *hdr, uint64_t seq, uint32_t rows,
		     const void *payload, uint32_t len);
/* The same for a compressed payload (magic "NFPZ"). */
void nfp_spool_frame_z(uint8_t *hdr, uint64_t seq, uint32_t rows,
		       const void *payload, uint32_t len);

/*
 * The batch length a compressed payload announces (not yet checked), or 0
 * when @len is too short or the codec unknown.
 */
uint32_t nfp_spool_raw_len(const uint8_t *payload, uint32_t len);
/*
 * Decompress the payload of an "NFPZ" record into @out, which holds @cap
 * bytes: the batch must be exactly nfp_spool_raw_len() long and fit.
 * 0, or -EBADMSG for anything else. Never reads or writes out of bounds.
 */
int nfp_spool_unpack(const uint8_t *payload, uint32_t len, uint8_t *out,
		     uint32_t cap);
/*
 * Compress @len bytes of @data into an "NFPZ" payload at @out (@cap bytes,
 * at least nfp_spool_pack_bound(@len)) with zstd at @level, with the zstd
 * frame's checksum (damage behind a good CRC still fails). The payload's
 * length, or 0 when it would not be shorter than @len (write it plain).
 * @cctx is a ZSTD_CCtx (NULL: one is made and freed for the call).
 */
size_t nfp_spool_pack_bound(size_t len);
size_t nfp_spool_pack(void *cctx, int level, const void *data, uint32_t len,
		      uint8_t *out, size_t cap);

/*
 * Check a serialized batch (sink.c's format) completely. 0 with *@ncols and
 * *@nrows set, or -EBADMSG. Never reads outside @buf.
 */
int nfp_batch_check(const void *buf, size_t len, uint32_t *ncols,
		    uint32_t *nrows);

/* ---- the spool directory ---------------------------------------------- */

struct nfp_spool;
struct nfp_spool_seg;

/* A pending record handed to the reader; its segment stays while held. */
struct nfp_spool_ref {
	struct nfp_spool_seg *seg; /* where it is */
	uint64_t off;		   /* header offset */
	uint64_t seq;		   /* batch sequence number */
	uint32_t len;		   /* payload bytes on disk */
	uint32_t raw_len;	   /* batch bytes once read: the reader's */
	uint32_t rows;		   /* rows in the batch */
	uint32_t crc;		   /* CRC-32 the payload must have */
	bool packed;		   /* compressed ("NFPZ") */
};

/* What opening found, for the log and the counters. */
struct nfp_spool_info {
	uint64_t segments;     /* segment files kept */
	uint64_t pending;      /* records to replay */
	uint64_t pending_rows; /* rows in them */
	uint64_t bytes;	       /* on disk */
	uint64_t next_seq;     /* first sequence number free */
	uint64_t torn;	       /* torn tails truncated */
	uint64_t bad_records;  /* damaged records skipped */
	uint64_t lost_rows;    /* rows known lost in those */
	uint64_t gap_bytes;    /* unreadable bytes skipped */
};

/*
 * Open (creating, mode 0750) the spool directory @dir, lock it against a
 * second daemon, and scan its segments: torn tails are truncated, segments
 * with damaged stretches rewritten without them, fully written segments
 * removed. At most @max_bytes on disk; @sync: fdatasync every append.
 * 0 or a negative errno (-EBUSY: locked by another process).
 */
int nfp_spool_open(const char *dir, uint64_t max_bytes, bool sync,
		   struct nfp_spool **out, struct nfp_spool_info *info);
/*
 * Compress what is appended from now on with zstd at @level (1 when the
 * spool is opened: fast, and 10-30 times smaller on log rows); 0 writes
 * plain records as the first format did. Records already written keep
 * their form: a spool may hold both, and reads both.
 */
void nfp_spool_set_compress(struct nfp_spool *sp, int level);
/* Sync and close; pending records stay for the next open. */
void nfp_spool_close(struct nfp_spool *sp);

/*
 * Append a batch. -ENOSPC when it would pass max_bytes (or the disk is
 * full), other negative errnos for I/O errors; nothing is half-written.
 */
int nfp_spool_append(struct nfp_spool *sp, uint64_t seq, uint32_t rows,
		     const void *data, uint32_t len);
/*
 * Append a batch that is older than every pending record (left over in
 * memory at stop): it goes to a segment that is replayed first.
 */
int nfp_spool_append_old(struct nfp_spool *sp, uint64_t seq, uint32_t rows,
			 const void *data, uint32_t len);
/*
 * Remove the oldest segment not being read, for spool_full=drop_old.
 * *@rows gets the pending rows it held. 0, or -ENOENT if none can go.
 */
int nfp_spool_drop_oldest(struct nfp_spool *sp, uint64_t *rows);

/* True while a record is waiting (including one being read). */
bool nfp_spool_pending(const struct nfp_spool *sp);
uint64_t nfp_spool_bytes(const struct nfp_spool *sp);

/*
 * The oldest pending record: 1 and *@ref, 0 when there is none. Segments
 * found damaged on the way are dropped; *@lost_rows (added to) says how
 * many rows they held. The record's segment stays until ack or unref.
 */
int nfp_spool_next(struct nfp_spool *sp, struct nfp_spool_ref *ref,
		   uint64_t *lost_rows);
/*
 * Read the batch of @ref into @buf (ref->raw_len bytes), decompressed if it
 * was compressed: 0, or -EBADMSG (CRC, or the compressed data is damaged),
 * -EIO, -ENOMEM. Thread: may run beside appends (it uses no spool state).
 */
int nfp_spool_read(const struct nfp_spool_ref *ref, void *buf);
/* The record is done with (written, or dropped): mark it, free space. */
int nfp_spool_ack(struct nfp_spool *sp, const struct nfp_spool_ref *ref);
/* The record stays pending (the sink is down): let go of it. */
void nfp_spool_unref(struct nfp_spool *sp, const struct nfp_spool_ref *ref);

#endif /* NFP_SPOOL_H */
