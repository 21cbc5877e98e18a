/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * core/log - the daemon's own log: a file, stderr or syslog
 *
 * One line per message: "2026-11-24T18:40:35.123+00:00 nfpiped[PID]: LEVEL:
 * [INSTANCE] message". A file is opened in append mode and reopened on
 * SIGHUP; writes are unbuffered single write(2) calls so that lines from a
 * crash are not lost. Rate-limited forms keep a per-call-site window.
 */
#include "nfp.h"

#include <fcntl.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"

static struct {
	int fd;	     /* file or 2; -1 when syslog */
	bool syslog; /* use syslog(3) */
	bool own_fd; /* fd was opened here */
	int level;   /* lowest level written */
	char *path;  /* file path for reopen, or NULL */
} lg = { .fd = 2, .level = NFP_LOG_INFO };

static const char *level_word(enum nfp_level l)
{
	if (l >= NFP_LOG_FATAL)
		return "fatal";
	if (l >= NFP_LOG_ERROR)
		return "error";
	if (l >= NFP_LOG_NOTICE)
		return "warning";
	if (l >= NFP_LOG_INFO)
		return "info";
	return "debug";
}

static int syslog_prio(enum nfp_level l)
{
	if (l >= NFP_LOG_FATAL)
		return LOG_CRIT;
	if (l >= NFP_LOG_ERROR)
		return LOG_ERR;
	if (l >= NFP_LOG_NOTICE)
		return LOG_NOTICE;
	if (l >= NFP_LOG_INFO)
		return LOG_INFO;
	return LOG_DEBUG;
}

static int open_file(const char *path)
{
	return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
}

int nfp_log_open(const char *path, int level)
{
	int fd;

	if (level > 0)
		lg.level = level;
	if (!path || !strcmp(path, "stderr") || !strcmp(path, "-")) {
		nfp_log_close();
		lg.fd = 2;
		return 0;
	}
	if (!strcmp(path, "stdout")) {
		nfp_log_close();
		lg.fd = 1;
		return 0;
	}
	if (!strcmp(path, "syslog")) {
		nfp_log_close();
		openlog("nfpiped", LOG_PID | LOG_NDELAY, LOG_DAEMON);
		lg.syslog = true;
		lg.fd = -1;
		return 0;
	}
	fd = open_file(path);
	if (fd < 0)
		return -errno;
	nfp_log_close();
	lg.fd = fd;
	lg.own_fd = true;
	lg.path = strdup(path);
	return 0;
}

int nfp_log_reopen(void)
{
	int fd;

	if (!lg.path)
		return 0;
	fd = open_file(lg.path);
	if (fd < 0)
		return -errno;
	dup2(fd, lg.fd);
	close(fd);
	return 0;
}

void nfp_log_close(void)
{
	if (lg.own_fd)
		close(lg.fd);
	if (lg.syslog)
		closelog();
	free(lg.path);
	lg.path = NULL;
	lg.own_fd = false;
	lg.syslog = false;
	lg.fd = 2;
}

void nfp_log_set_level(int level)
{
	lg.level = level;
}

NFP_API int nfp_log_enabled(enum nfp_level level)
{
	return (int)level >= lg.level;
}

static void vlog(const struct nfp_inst *inst, enum nfp_level level,
		 const char *suffix, const char *fmt, va_list ap)
{
	char buf[2048];
	size_t o = 0;
	int n;

	if (!lg.syslog) {
		struct timeval tv;
		struct tm tm;
		char tz[8];

		gettimeofday(&tv, NULL);
		localtime_r(&tv.tv_sec, &tm);
		o = strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
		strftime(tz, sizeof(tz), "%z", &tm);
		n = snprintf(
			buf + o, sizeof(buf) - o,
			".%03ld%.3s:%s nfpiped[%d]: ", (long)tv.tv_usec / 1000,
			tz, tz + 3, (int)getpid());
		o += n > 0 ? (size_t)n : 0;
	}
	n = snprintf(buf + o, sizeof(buf) - o, "%s: ", level_word(level));
	o += n > 0 ? (size_t)n : 0;
	if (inst) {
		n = snprintf(buf + o, sizeof(buf) - o, "[%s] ", inst->name);
		o += n > 0 ? (size_t)n : 0;
	}
	if (o < sizeof(buf)) {
		n = vsnprintf(buf + o, sizeof(buf) - o, fmt, ap);
		o += n > 0 ? (size_t)n : 0;
	}
	if (suffix && o < sizeof(buf)) {
		n = snprintf(buf + o, sizeof(buf) - o, "%s", suffix);
		o += n > 0 ? (size_t)n : 0;
	}
	if (o > sizeof(buf) - 2)
		o = sizeof(buf) - 2;
	if (lg.syslog) {
		buf[o] = '\0';
		syslog(syslog_prio(level), "%s", buf);
		return;
	}
	buf[o++] = '\n';
	if (write(lg.fd, buf, o) < 0) {
		/* Nowhere left to complain. */
	}
}

NFP_API void nfp_log(const struct nfp_inst *inst, enum nfp_level level,
		     const char *fmt, ...)
{
	va_list ap;

	if ((int)level < lg.level)
		return;
	va_start(ap, fmt);
	vlog(inst, level, NULL, fmt, ap);
	va_end(ap);
}

NFP_API void nfp_log_rl(struct nfp_ratelimit *rl, const struct nfp_inst *inst,
			enum nfp_level level, const char *fmt, ...)
{
	struct timespec now;
	char suffix[64];
	va_list ap;

	if ((int)level < lg.level)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	suffix[0] = '\0';
	if (now.tv_sec - rl->start >= NFP_RL_INTERVAL) {
		if (rl->missed)
			snprintf(suffix, sizeof(suffix),
				 " (%u similar messages suppressed)",
				 rl->missed);
		rl->start = now.tv_sec;
		rl->printed = 0;
		rl->missed = 0;
	}
	if (rl->printed >= NFP_RL_BURST) {
		rl->missed++;
		return;
	}
	rl->printed++;
	va_start(ap, fmt);
	vlog(inst, level, suffix[0] ? suffix : NULL, fmt, ap);
	va_end(ap);
}
