/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * reports/timespec - parse --since/--until and --interval, print times
 *
 * The grammar is in timespec.h. Dates are turned into seconds with a civil
 * calendar computation of our own (no timegm, no TZ): the result never
 * depends on the environment, which the tests and the fuzzer rely on.
 */
#include "nfp.h"

#include <ctype.h>
#include <inttypes.h>
#include <time.h>

#include "timespec.h"

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned int m, unsigned int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Read exactly @n digits at *@p into *@v. */
static bool digits(const char **p, int n, int *v)
{
	int i, x = 0;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return false;
		x = x * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*v = x;
	return true;
}

static int unit_seconds(char c, int64_t *mul)
{
	switch (c) {
	case 's':
		*mul = 1;
		return 0;
	case 'm':
		*mul = 60;
		return 0;
	case 'h':
		*mul = 3600;
		return 0;
	case 'd':
		*mul = 86400;
		return 0;
	case 'w':
		*mul = 7 * 86400;
		return 0;
	}
	return -EINVAL;
}

/* "12h" into seconds; @bare_ok lets a number go without a unit. */
static int parse_amount(const char *s, bool bare_ok, int64_t *out)
{
	int64_t v = 0, mul = 1;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	while (isdigit((unsigned char)*p)) {
		v = v * 10 + (*p - '0');
		if (v > 100LL * 366 * 86400) /* a century is plenty */
			return -EINVAL;
		p++;
	}
	if (*p) {
		if (unit_seconds(*p, &mul) < 0 || p[1])
			return -EINVAL;
	} else if (!bare_ok) {
		return -EINVAL;
	}
	*out = v * mul;
	return 0;
}

int ts_parse_duration(const char *s, int64_t *out)
{
	int64_t v;

	if (!s || parse_amount(s, true, &v) < 0 || v <= 0)
		return -EINVAL;
	*out = v;
	return 0;
}

int ts_parse(const char *s, int64_t now, int64_t *out)
{
	static const unsigned char mdays[] = { 31, 28, 31, 30, 31, 30,
					       31, 31, 30, 31, 30, 31 };
	int y, mo, d, h = 0, mi = 0, se = 0, oh, om;
	int64_t v, off = 0;
	const char *p = s;

	if (!s || !*s)
		return -EINVAL;
	if (!strcmp(s, "now")) {
		*out = now;
		return 0;
	}
	if (*s == '-' || *s == '+') {
		if (parse_amount(s + 1, false, &v) < 0)
			return -EINVAL;
		*out = *s == '-' ? now - v : now + v;
		return 0;
	}
	if (*s == '@') {
		if (parse_amount(s + 1, true, &v) < 0 ||
		    s[strlen(s) - 1] < '0' || s[strlen(s) - 1] > '9')
			return -EINVAL;
		*out = v;
		return 0;
	}
	if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) ||
	    *p++ != '-' || !digits(&p, 2, &d))
		return -EINVAL;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 ||
	    d > mdays[mo - 1] + (mo == 2 && leap(y)))
		return -EINVAL;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi))
			return -EINVAL;
		if (*p == ':') {
			p++;
			if (!digits(&p, 2, &se))
				return -EINVAL;
		}
		if (h > 23 || mi > 59 || se > 60)
			return -EINVAL;
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			int sign = *p++ == '-' ? -1 : 1;

			if (!digits(&p, 2, &oh) || *p++ != ':' ||
			    !digits(&p, 2, &om) || oh > 23 || om > 59)
				return -EINVAL;
			off = sign * (oh * 3600 + om * 60);
		}
	}
	if (*p)
		return -EINVAL;
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se -
	       off;
	return 0;
}

void ts_rfc3339(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) ||
	    !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "%" PRId64, t);
}

void ts_human(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) ||
	    !strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(buf, len, "%" PRId64, t);
}
