/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output/syslog - facility and level names, and the RFC 3164 line
 *
 * See slfmt.h. The names are ulogd2's (LOG_DAEMON, LOG_LOCAL0, ...) and the
 * rest of <syslog.h>'s; the line is what glibc's syslog(3) sends to
 * /dev/log, so that a logger sees nfpiped as it saw ulogd2.
 */
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>

#include "slfmt.h"

struct sl_name {
	const char *name;	/* without "LOG_" */
	int value;		/* <syslog.h> constant */
};

static const struct sl_name facilities[] = {
	{ "KERN", LOG_KERN }, { "KERNEL", LOG_KERN }, { "USER", LOG_USER },
	{ "MAIL", LOG_MAIL }, { "DAEMON", LOG_DAEMON }, { "AUTH", LOG_AUTH },
	{ "SYSLOG", LOG_SYSLOG }, { "LPR", LOG_LPR }, { "NEWS", LOG_NEWS },
	{ "UUCP", LOG_UUCP }, { "CRON", LOG_CRON },
	{ "AUTHPRIV", LOG_AUTHPRIV }, { "FTP", LOG_FTP },
	{ "LOCAL0", LOG_LOCAL0 }, { "LOCAL1", LOG_LOCAL1 },
	{ "LOCAL2", LOG_LOCAL2 }, { "LOCAL3", LOG_LOCAL3 },
	{ "LOCAL4", LOG_LOCAL4 }, { "LOCAL5", LOG_LOCAL5 },
	{ "LOCAL6", LOG_LOCAL6 }, { "LOCAL7", LOG_LOCAL7 },
	{ NULL, 0 }
};

static const struct sl_name levels[] = {
	{ "EMERG", LOG_EMERG }, { "ALERT", LOG_ALERT }, { "CRIT", LOG_CRIT },
	{ "ERR", LOG_ERR }, { "WARNING", LOG_WARNING },
	{ "NOTICE", LOG_NOTICE }, { "INFO", LOG_INFO }, { "DEBUG", LOG_DEBUG },
	{ NULL, 0 }
};

static int lookup(const struct sl_name *t, const char *name)
{
	if (!name)
		return -1;
	if (!strncasecmp(name, "LOG_", 4))
		name += 4;
	for (; t->name; t++)
		if (!strcasecmp(t->name, name))
			return t->value;
	return -1;
}

int sl_facility(const char *name)
{
	return lookup(facilities, name);
}

int sl_level(const char *name)
{
	return lookup(levels, name);
}

static char *num(char *d, unsigned int v)
{
	char tmp[10];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*d++ = tmp[--n];
	return d;
}

uint32_t sl_format(struct sl_time *tc, char *buf, int pri, int64_t sec,
		   const char *tag, uint32_t tag_len, const char *msg,
		   uint32_t len)
{
	static const char mon[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	char *d = buf;

	if (!tc->valid || tc->sec != sec) {
		time_t t = (time_t)sec;
		struct tm tm;
		char *p = tc->text;

		if (!localtime_r(&t, &tm))
			memset(&tm, 0, sizeof(tm));
		memcpy(p, mon + 3 * (tm.tm_mon % 12), 3);
		p[3] = ' ';
		p[4] = tm.tm_mday >= 10 ? (char)('0' + tm.tm_mday / 10) : ' ';
		p[5] = (char)('0' + tm.tm_mday % 10);
		p[6] = ' ';
		p[7] = (char)('0' + tm.tm_hour / 10);
		p[8] = (char)('0' + tm.tm_hour % 10);
		p[9] = ':';
		p[10] = (char)('0' + tm.tm_min / 10);
		p[11] = (char)('0' + tm.tm_min % 10);
		p[12] = ':';
		p[13] = (char)('0' + tm.tm_sec / 10);
		p[14] = (char)('0' + tm.tm_sec % 10);
		p[15] = ' ';
		tc->sec = sec;
		tc->valid = true;
	}
	*d++ = '<';
	d = num(d, (unsigned int)pri);
	*d++ = '>';
	memcpy(d, tc->text, 16);
	d += 16;
	memcpy(d, tag, tag_len);
	d += tag_len;
	memcpy(d, msg, len);
	d += len;
	return (uint32_t)(d - buf);
}
