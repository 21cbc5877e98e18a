/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nfpipe/loop.h - file descriptors and timers in the daemon's epoll loop
 *
 * Everything runs on the main thread. Callbacks must not block; a sink that
 * can block hands its work to a worker thread. After every wakeup's batch of
 * callbacks the core flushes each output that received records.
 */
#ifndef NFPIPE_LOOP_H
#define NFPIPE_LOOP_H

#include <stdint.h>

#include <nfpipe/api.h>

struct nfp_inst;
struct nfp_timer;

/* @events are EPOLLIN/EPOLLOUT bits; @cb gets the ones that fired. */
typedef void (*nfp_fd_cb)(struct nfp_inst *inst, int fd, uint32_t events);
typedef void (*nfp_timer_cb)(struct nfp_inst *inst, void *arg);

/* Watch @fd for @inst. The caller still owns @fd and closes it after del. */
NFP_API int nfp_fd_add(struct nfp_inst *inst, int fd, uint32_t events, nfp_fd_cb cb);
NFP_API int nfp_fd_mod(struct nfp_inst *inst, int fd, uint32_t events);
NFP_API void nfp_fd_del(struct nfp_inst *inst, int fd);

/*
 * A monotonic timer (timerfd). Created disarmed; the core frees any timer an
 * instance still holds when the instance stops.
 */
NFP_API struct nfp_timer *nfp_timer_new(struct nfp_inst *inst, nfp_timer_cb cb,
				void *arg);
/* First expiry after @first_ms, then every @interval_ms (0: once). */
NFP_API int nfp_timer_arm(struct nfp_timer *t, uint64_t first_ms, uint64_t interval_ms);
NFP_API void nfp_timer_disarm(struct nfp_timer *t);
NFP_API void nfp_timer_free(struct nfp_timer *t);

/* Monotonic milliseconds, for plugins that age their own batches. */
NFP_API uint64_t nfp_now_ms(void);

#endif /* NFPIPE_LOOP_H */
