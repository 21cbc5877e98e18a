/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output/logemu - PRINTPKT's lines in a file, framed like syslog
 *
 * Consumes `print` (required) and oob.time.sec/oob.time.usec (optional: the
 * packet's time; the wall clock when absent). Each record becomes one line:
 * ulogd2's `Mon dd hh:mm:ss HOST ` frame (local time, short host name), the
 * same with syslog's `kernel: ` tag after it (what syslog writes for the
 * kernel's own LOG lines, which psad, fail2ban and logwatch look for), an
 * RFC 3339 frame with microseconds and the UTC offset, or none, then the
 * text and a newline. Lines are buffered in process() and written with one
 * write(2) per batch in flush() (filebuf.c); reopen() on SIGHUP follows a
 * logrotate rename without losing a line. A record without `print` is
 * skipped, as ulogd2 does. Main thread only.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <nfpipe/plugin.h>

#include "filebuf.h"

#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR "/var"
#endif

enum { K_PRINT, K_TIME_SEC, K_TIME_USEC };

static const struct nfp_key logemu_in[] = {
	[K_PRINT] = { .name = "print",
		      .type = NFP_T_STRING,
		      .help = "the line to write (PRINTPKT, PRINTFLOW)" },
	[K_TIME_SEC] = { .name = "oob.time.sec",
			 .type = NFP_T_U32,
			 .flags = NFP_KEYF_OPTIONAL,
			 .help = "time of the packet; now when absent" },
	[K_TIME_USEC] = { .name = "oob.time.usec",
			  .type = NFP_T_U32,
			  .flags = NFP_KEYF_OPTIONAL,
			  .help = "its microseconds (framing=rfc3339)" },
	{ 0 }
};

enum logemu_framing { FR_ULOGD, FR_RFC3339, FR_NONE, FR_KERNEL };

static const char *const logemu_framings[] = { "ulogd", "rfc3339", "none",
					       "kernel", NULL };

static const char *const logemu_counters[] = { FB_COUNTERS, NULL };

struct logemu_priv {
	char *file;	   /* option: path of the log file */
	bool sync;	   /* option: fdatasync() after each batch */
	int framing;	   /* option: enum logemu_framing */
	struct fb fb;	   /* the file and its pending batch */
	char host[256];	   /* short host name, as ulogd2 */
	size_t hostlen;	   /* its length */
	int64_t stamp_sec; /* second the cached stamp is for, -1: none */
	char stamp[40];	   /* the frame up to the seconds */
	size_t stamplen;   /* bytes of stamp up to the fraction */
	char zone[8];	   /* RFC 3339: "+01:00" for stamp_sec */
};

static const struct nfp_option logemu_options[] = {
	{ .name = "file",
	  .type = NFP_OPT_PATH,
	  .def = LOCALSTATEDIR "/log/nfpipe/syslogemu.log",
	  .off = offsetof(struct logemu_priv, file),
	  .help = "File the lines are appended to; created 0640." },
	{ .name = "sync",
	  .type = NFP_OPT_BOOL,
	  .def = "0",
	  .off = offsetof(struct logemu_priv, sync),
	  .help = "fdatasync() the file after each batch." },
	{ .name = "framing",
	  .type = NFP_OPT_ENUM,
	  .def = "ulogd",
	  .enums = logemu_framings,
	  .off = offsetof(struct logemu_priv, framing),
	  .help = "ulogd: 'Mon dd hh:mm:ss host '; kernel: 'Mon dd hh:mm:ss host kernel: ' as syslog writes kernel lines (for psad, fail2ban, logwatch); rfc3339: 'YYYY-MM-DDThh:mm:ss.uuuuuu+hh:mm host '; none: the text alone." },
	{ 0 }
};

static const char months[12][4] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

static char *put2(char *p, int v)
{
	*p++ = (char)('0' + v / 10 % 10);
	*p++ = (char)('0' + v % 10);
	return p;
}

/*
 * Build the per-second part of the frame for @sec once; records of the
 * same second (most of a burst) reuse it.
 */
static void make_stamp(struct logemu_priv *le, int64_t sec)
{
	time_t t = (time_t)sec;
	struct tm tm;
	char *p = le->stamp;
	long off;

	if (!localtime_r(&t, &tm))
		memset(&tm, 0, sizeof(tm));
	if (le->framing == FR_ULOGD || le->framing == FR_KERNEL) {
		/* ctime()'s "Nov  4 18:40:35": the day padded with a space. */
		memcpy(p, months[tm.tm_mon % 12], 3);
		p += 3;
		*p++ = ' ';
		*p++ = tm.tm_mday >= 10 ? (char)('0' + tm.tm_mday / 10) : ' ';
		*p++ = (char)('0' + tm.tm_mday % 10);
		*p++ = ' ';
	} else {
		int year = tm.tm_year + 1900;

		p = put2(p, year / 100);
		p = put2(p, year % 100);
		*p++ = '-';
		p = put2(p, tm.tm_mon + 1);
		*p++ = '-';
		p = put2(p, tm.tm_mday);
		*p++ = 'T';
	}
	p = put2(p, tm.tm_hour);
	*p++ = ':';
	p = put2(p, tm.tm_min);
	*p++ = ':';
	p = put2(p, tm.tm_sec);
	le->stamplen = (size_t)(p - le->stamp);

	off = tm.tm_gmtoff;
	p = le->zone;
	*p++ = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	p = put2(p, (int)(off / 3600));
	*p++ = ':';
	p = put2(p, (int)(off / 60 % 60));
	*p = '\0';
	le->stamp_sec = sec;
}

static enum nfp_ret logemu_process(struct nfp_inst *inst, struct nfp_rec *rec)
{
	struct logemu_priv *le = inst->priv;
	const struct nfp_value *v = nfp_get(rec, K_PRINT);
	const struct nfp_value *ts;
	const char *text;
	int64_t sec;
	uint32_t usec = 0, len;
	char *d;

	if (!v)
		return NFP_OK;
	text = v->str.ptr ? v->str.ptr : "";
	len = v->str.ptr ? v->str.len : 0;
	/* A line that ends in a newline already (ulogd2's) gets no second. */
	if (len && text[len - 1] == '\n')
		len--;

	if (le->framing != FR_NONE) {
		ts = nfp_get(rec, K_TIME_SEC);
		if (ts) {
			const struct nfp_value *us = nfp_get(rec, K_TIME_USEC);

			sec = ts->u32;
			usec = us ? us->u32 % 1000000 : 0;
		} else {
			struct timeval tv;

			gettimeofday(&tv, NULL);
			sec = tv.tv_sec;
			usec = (uint32_t)tv.tv_usec;
		}
		if (sec != le->stamp_sec)
			make_stamp(le, sec);
	}

	/* stamp, ".uuuuuu", zone, two spaces, host, " kernel:", text, "\n" */
	d = fb_reserve(&le->fb, sizeof(le->stamp) + 7 + sizeof(le->zone) + 2 +
					le->hostlen + 8 + len + 1);
	if (!d)
		return NFP_ERROR;
	if (le->framing != FR_NONE) {
		char *p = d;

		memcpy(p, le->stamp, le->stamplen);
		p += le->stamplen;
		if (le->framing == FR_RFC3339) {
			int i;

			*p++ = '.';
			for (i = 5; i >= 0; i--) {
				p[i] = (char)('0' + usec % 10);
				usec /= 10;
			}
			p += 6;
			memcpy(p, le->zone, 6);
			p += 6;
		}
		*p++ = ' ';
		memcpy(p, le->host, le->hostlen);
		p += le->hostlen;
		if (le->framing == FR_KERNEL) {
			memcpy(p, " kernel:", 8);
			p += 8;
		}
		*p++ = ' ';
		d = p;
	}
	memcpy(d, text, len);
	d[len] = '\n';
	d += len + 1;
	fb_commit(&le->fb, (size_t)(d - (le->fb.buf + le->fb.len)));
	fb_record_done(&le->fb);
	return NFP_OK;
}

static int logemu_start(struct nfp_inst *inst)
{
	struct logemu_priv *le = inst->priv;
	char *dot;

	if (gethostname(le->host, sizeof(le->host)) < 0) {
		int err = errno;

		nfp_err(inst, "gethostname: %s", strerror(err));
		return -err;
	}
	le->host[sizeof(le->host) - 1] = '\0';
	/* ulogd2 logs the short name, as syslog does. */
	dot = strchr(le->host, '.');
	if (dot)
		*dot = '\0';
	le->hostlen = strlen(le->host);
	le->stamp_sec = -1;
	return fb_open(&le->fb, inst, le->file, le->sync);
}

static int logemu_flush(struct nfp_inst *inst)
{
	struct logemu_priv *le = inst->priv;

	return fb_flush(&le->fb);
}

static void logemu_reopen(struct nfp_inst *inst)
{
	struct logemu_priv *le = inst->priv;

	fb_reopen(&le->fb);
}

static void logemu_stop(struct nfp_inst *inst)
{
	struct logemu_priv *le = inst->priv;

	fb_close(&le->fb);
}

NFP_PLUGIN(output, logemu) = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_OUTPUT,
	.name = "LOGEMU",
	.summary = "log lines to a file, framed like syslog (ulogd2's LOGEMU)",
	.options = logemu_options,
	.in_keys = logemu_in,
	.counters = logemu_counters,
	.priv_size = sizeof(struct logemu_priv),
	.start = logemu_start,
	.process = logemu_process,
	.flush = logemu_flush,
	.reopen = logemu_reopen,
	.stop = logemu_stop,
};
