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
	uint32_t len;		   /* payload bytes */
	uint32_t rows;		   /* rows in the batch */
	uint32_t crc;		   /* CRC-32 the payload must have */
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
/* Read the payload of @ref into @buf (ref->len bytes): 0 or -EBADMSG/-EIO. */
int nfp_spool_read(const struct nfp_spool_ref *ref, void *buf);
/* The record is done with (written, or dropped): mark it, free space. */
int nfp_spool_ack(struct nfp_spool *sp, const struct nfp_spool_ref *ref);
/* The record stays pending (the sink is down): let go of it. */
void nfp_spool_unref(struct nfp_spool *sp, const struct nfp_spool_ref *ref);

#endif /* NFP_SPOOL_H */
