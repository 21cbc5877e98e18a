/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output/json - the JSON encoder: a record as one JSON object
 *
 * Shared by the JSON output (one object a line to a file or a socket) and
 * the KAFKA output (one object a message). json_enc_rec() writes every key
 * visible at the record's stack position, named as in ulogd2 or as Elastic
 * Common Schema fields, after a "timestamp" and "dvc"; the layout of each
 * stack position is worked out once and cached.
 *
 * Each low-level writer appends to @d, which has room for the worst case (a
 * string of n bytes needs at most 6n + 2), and returns the end of what it
 * wrote. No NUL is written. Main thread only (the time and layout caches).
 */
#ifndef NFP_JSON_H
#define NFP_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nfpipe/plugin.h>

/* The last second json_time() formatted, so that a batch formats once. */
struct json_time {
	bool valid;	   /* text and zone hold sec's formatting */
	int64_t sec;	   /* the second they show */
	char text[32];	   /* "YYYY-MM-DDTHH:MM:SS", local time */
	uint32_t text_len; /* bytes in text */
	char zone[8];	   /* "+HH:MM" UTC offset, 6 bytes used */
};

/* Field names: ulogd2's key names or Elastic Common Schema. */
enum json_fields { JF_ULOGD, JF_ECS };

/* The option values of json_fields' enum, NULL-terminated. */
extern const char *const json_field_sets[];

#define JSON_POS_CACHE 4 /* stack positions whose layout we remember */

struct json_pos;

/* An encoder: what the options asked for, and its caches. */
struct json_enc {
	bool timestamp;		 /* write the packet time as "timestamp" */
	bool eventv1;		 /* "@version":1 and "@timestamp" */
	bool boolean_label;	 /* raw.label as "action" */
	bool raw;		 /* raw keys as hex strings */
	int fields;		 /* enum json_fields */
	char *dvc;		 /* ,"dvc":"..." or the ECS name; malloc'ed */
	uint32_t dvc_len;	 /* bytes in dvc */
	struct json_pos *pos;	 /* JSON_POS_CACHE layouts; malloc'ed */
	struct json_time tcache; /* last second formatted */
};

/*
 * Set up @e, whose option members are filled in, for device name @device.
 * 0 or -ENOMEM. json_enc_free() undoes it (also after a failure).
 */
int json_enc_init(struct json_enc *e, const char *device);
void json_enc_free(struct json_enc *e);

/*
 * @rec as one object, followed by a '\n' when @newline. The bytes go where
 * @reserve(@arg, n) says, which must give room for n bytes (the record's
 * worst case) or NULL. Returns the bytes written (the caller commits them),
 * -ENOSPC when @reserve said NULL, or -ENOMEM.
 */
long json_enc_rec(struct json_enc *e, const struct nfp_rec *rec,
		  char *(*reserve)(void *arg, size_t n), void *arg,
		  bool newline);

/*
 * @n bytes of @s as a quoted JSON string: '"', '\\' and control characters
 * escaped (\n, \t, ... or \u00XX, DEL as \u007f), valid UTF-8 copied, and
 * every byte that does not belong to a valid UTF-8 sequence written as
 * \ufffd. Needs 6n + 2 bytes.
 */
char *json_str(char *d, const char *s, size_t n);
/* @v in decimal; at most 20 bytes. */
char *json_u64(char *d, uint64_t v);
/*
 * "YYYY-MM-DDTHH:MM:SS[.uuuuuu]+HH:MM" in local time (TZ) with quotes;
 * @usec < 0 leaves the fraction out. At most 36 bytes.
 */
char *json_time(struct json_time *tc, char *d, int64_t sec, int64_t usec);
/* The ECS field for key @key, or NULL when it keeps its own name. */
const char *json_ecs_name(const char *key);
/* ECS network.transport for an IANA protocol number, or NULL. */
const char *json_transport(unsigned int proto);

#endif /* NFP_JSON_H */
