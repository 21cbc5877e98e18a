/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * reports/timespec - the times people type after --since and --until
 *
 * Accepted, all in UTC unless an offset is written:
 *   now                     the moment the command runs
 *   -30s -30m -1h -7d -2w   relative to now (a leading '+' goes forward)
 *   2026-12-07              midnight of that day
 *   2026-12-07T14:05        with T or a space, seconds optional
 *   2026-12-07T14:05:09Z    'Z' or +HH:MM / -HH:MM at the end
 *   @1765116309             seconds since 1970
 * Pure functions over a string; nothing is printed, nothing allocated.
 */
#ifndef NFP_TIMESPEC_H
#define NFP_TIMESPEC_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parse @s (NUL-terminated) into seconds since 1970 UTC at *@out, with
 * @now the meaning of "now". Returns 0, or -EINVAL for anything else
 * (out of range included: years 1970..9999).
 */
int ts_parse(const char *s, int64_t now, int64_t *out);

/*
 * Parse a duration ("90", "5m", "1h", "1d", "1w"; a bare number is seconds)
 * into seconds > 0 at *@out. Returns 0 or -EINVAL.
 */
int ts_parse_duration(const char *s, int64_t *out);

/* @t as "2026-12-07T14:05:09Z" (RFC 3339, UTC) into @buf (>= 21 bytes). */
void ts_rfc3339(int64_t t, char *buf, size_t len);

/* @t as "2026-12-07 14:05:09" (UTC, for people) into @buf. */
void ts_human(int64_t t, char *buf, size_t len);

#endif /* NFP_TIMESPEC_H */
