/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nfpipe/log.h - the daemon's log, for the core and for plugins
 *
 * Messages go to the configured log (file, stderr or syslog) prefixed with
 * the instance name when one is given. No trailing newline. On hot paths use
 * the _rl forms: each call site logs at most NFP_RL_BURST messages per
 * NFP_RL_INTERVAL seconds and then says how many it suppressed. nfp_log()
 * is safe from any thread; the _rl macros keep their state per call site,
 * so worker threads pass a struct nfp_ratelimit of their own to
 * nfp_log_rl() instead.
 */
#ifndef NFPIPE_LOG_H
#define NFPIPE_LOG_H

#include <stdint.h>
#include <time.h>

#include <nfpipe/api.h>

struct nfp_inst;

/* Levels, numbered as ulogd2's loglevel so that old configs keep meaning. */
enum nfp_level {
	NFP_LOG_DEBUG = 1,
	NFP_LOG_INFO = 3,
	NFP_LOG_NOTICE = 5,
	NFP_LOG_ERROR = 7,
	NFP_LOG_FATAL = 8,
};
#define NFP_LOG_WARN NFP_LOG_NOTICE

#define NFP_RL_INTERVAL 10 /* seconds */
#define NFP_RL_BURST	5  /* messages per interval and call site */

/* Per-call-site rate-limit state; static inside the _rl macros. */
struct nfp_ratelimit {
	time_t start;	  /* start of the current interval */
	uint32_t printed; /* messages printed in it */
	uint32_t missed;  /* messages suppressed in it */
};

/* @inst may be NULL for messages of the core itself. */
NFP_API void nfp_log(const struct nfp_inst *inst, enum nfp_level level,
		     const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

NFP_API void nfp_log_rl(struct nfp_ratelimit *rl, const struct nfp_inst *inst,
			enum nfp_level level, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* True when messages of @level would be written: skip building them if not. */
NFP_API int nfp_log_enabled(enum nfp_level level);

#define nfp_err(inst, ...)  nfp_log(inst, NFP_LOG_ERROR, __VA_ARGS__)
#define nfp_warn(inst, ...) nfp_log(inst, NFP_LOG_NOTICE, __VA_ARGS__)
#define nfp_info(inst, ...) nfp_log(inst, NFP_LOG_INFO, __VA_ARGS__)
#define nfp_dbg(inst, ...)                                                     \
	do {                                                                   \
		if (nfp_log_enabled(NFP_LOG_DEBUG))                            \
			nfp_log(inst, NFP_LOG_DEBUG, __VA_ARGS__);             \
	} while (0)

#define NFP__RL(inst, level, ...)                                              \
	do {                                                                   \
		static struct nfp_ratelimit nfp__rl;                           \
		nfp_log_rl(&nfp__rl, inst, level, __VA_ARGS__);                \
	} while (0)
#define nfp_err_rl(inst, ...)  NFP__RL(inst, NFP_LOG_ERROR, __VA_ARGS__)
#define nfp_warn_rl(inst, ...) NFP__RL(inst, NFP_LOG_NOTICE, __VA_ARGS__)

#endif /* NFPIPE_LOG_H */
