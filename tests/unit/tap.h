/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/tap.h - a small TAP producer for the unit tests
 *
 * Header-only. Each check prints "ok N - name" or "not ok N - name" with
 * the values that differed; done_testing() prints the plan and returns the
 * exit status. automake's tap-driver.sh reads the output.
 */
#ifndef NFP_TAP_H
#define NFP_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned int tap_n, tap_failed;

static inline void __attribute__((format(printf, 2, 0)))
tap_vresult(int pass, const char *fmt, va_list ap)
{
	printf("%sok %u - ", pass ? "" : "not ", ++tap_n);
	vprintf(fmt, ap);
	putchar('\n');
	if (!pass)
		tap_failed++;
	fflush(stdout);
}

static inline int __attribute__((format(printf, 2, 3)))
ok(int pass, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vresult(pass, fmt, ap);
	va_end(ap);
	return pass;
}

static inline void __attribute__((format(printf, 1, 2)))
diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static inline int __attribute__((format(printf, 3, 4)))
is_int(int64_t got, int64_t want, const char *fmt, ...)
{
	va_list ap;
	int pass = got == want;

	va_start(ap, fmt);
	tap_vresult(pass, fmt, ap);
	va_end(ap);
	if (!pass)
		diag("     got: %" PRId64 "\n#   wanted: %" PRId64, got, want);
	return pass;
}

static inline int __attribute__((format(printf, 3, 4)))
is_str(const char *got, const char *want, const char *fmt, ...)
{
	va_list ap;
	int pass = (got && want) ? !strcmp(got, want) : got == want;

	va_start(ap, fmt);
	tap_vresult(pass, fmt, ap);
	va_end(ap);
	if (!pass)
		diag("     got: '%s'\n#   wanted: '%s'", got ? got : "(null)",
		     want ? want : "(null)");
	return pass;
}

/* Passes when @needle occurs in @hay. */
static inline int __attribute__((format(printf, 3, 4)))
like(const char *hay, const char *needle, const char *fmt, ...)
{
	va_list ap;
	int pass = hay && strstr(hay, needle);

	va_start(ap, fmt);
	tap_vresult(pass, fmt, ap);
	va_end(ap);
	if (!pass)
		diag("     got: '%s'\n#  lacking: '%s'", hay ? hay : "(null)",
		     needle);
	return pass;
}

static inline void __attribute__((noreturn, format(printf, 1, 2)))
bail_out(const char *fmt, ...)
{
	va_list ap;

	fputs("Bail out! ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	exit(255);
}

/*
 * The plan, and the exit status: 0 even when checks failed, because the
 * TAP driver counts the "not ok" lines and would count a non-zero exit
 * once more. A crash still shows: the plan is missing.
 */
static inline int done_testing(void)
{
	printf("1..%u\n", tap_n);
	if (tap_failed)
		printf("# %u of %u checks failed\n", tap_failed, tap_n);
	return 0;
}

#endif /* NFP_TAP_H */
