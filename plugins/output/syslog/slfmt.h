/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output/syslog - names and the RFC 3164 line, apart from the socket code
 *
 * Pure functions (no I/O) so that the unit tests check them byte for byte.
 * sl_format() keeps a one-second cache of the formatted time: main thread
 * only.
 */
#ifndef NFP_SLFMT_H
#define NFP_SLFMT_H

#include <stdbool.h>
#include <stdint.h>

/* The last second sl_format() formatted. */
struct sl_time {
	bool valid;		/* text holds sec's "Mmm dd hh:mm:ss " */
	int64_t sec;		/* the second it shows */
	char text[16];		/* 16 bytes, no NUL */
};

/*
 * "LOG_LOCAL3", "local3", "LOG_KERN" ... to LOG_LOCAL3 etc. (case does not
 * matter, "LOG_" is optional; ulogd2's "LOG_KERNEL" is read as LOG_KERN).
 * -1 when unknown.
 */
int sl_facility(const char *name);
/* "LOG_NOTICE", "notice", ... to LOG_NOTICE; -1 when unknown. */
int sl_level(const char *name);

/*
 * "<pri>Mmm dd hh:mm:ss " + @tag + @len bytes of @msg into @buf, as glibc's
 * syslog(3) writes it (local time, C locale month, day padded with a
 * space). @buf needs @tag_len + @len + 24 bytes. Returns the bytes written
 * (no NUL).
 */
uint32_t sl_format(struct sl_time *tc, char *buf, int pri, int64_t sec,
		   const char *tag, uint32_t tag_len, const char *msg,
		   uint32_t len);

#endif /* NFP_SLFMT_H */
