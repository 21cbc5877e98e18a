/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output/json - the JSON encoder's building blocks, for json.c and its tests
 *
 * Each writer appends to @d, which has room for the worst case (a string of
 * n bytes needs at most 6n + 2), and returns the end of what it wrote. No
 * NUL is written. Main thread only (json_time keeps a cache).
 */
#ifndef NFP_JSON_H
#define NFP_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The last second json_time() formatted, so that a batch formats once. */
struct json_time {
	bool valid;		/* text and zone hold sec's formatting */
	int64_t sec;		/* the second they show */
	char text[32];		/* "YYYY-MM-DDTHH:MM:SS", local time */
	uint32_t text_len;	/* bytes in text */
	char zone[8];		/* "+HH:MM" UTC offset, 6 bytes used */
};

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
