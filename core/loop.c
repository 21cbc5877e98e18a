/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * core/loop - the epoll loop: fds, monotonic timers and signals
 *
 * One epoll instance on the main thread. Plugins register fds for their
 * instance; timers are timerfds and signals a signalfd, so everything is an
 * fd and one epoll_wait() serves all of it. A watch removed from inside a
 * callback is only marked dead and freed after the wakeup's batch, because
 * later events of the same batch may still point at it. After each batch the
 * engine flushes the outputs that received records.
 */
#include "nfp.h"

#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"

#define MAX_EVENTS 64

enum watch_kind {
	W_FD,	  /* a plugin's fd */
	W_TIMER,  /* a timerfd behind struct nfp_timer */
	W_SIGNAL, /* the signalfd */
};

struct watch {
	struct watch *next;	 /* all watches */
	enum watch_kind kind;	 /* what fired */
	int fd;			 /* watched fd */
	bool dead;		 /* removed; freed after the batch */
	struct nfp_inst *inst;	 /* owner, NULL for the core's own */
	nfp_fd_cb cb;		 /* W_FD */
	struct nfp_timer *timer; /* W_TIMER */
};

struct nfp_timer {
	struct watch *w;       /* its watch; w->fd is the timerfd */
	struct nfp_inst *inst; /* owner */
	nfp_timer_cb cb;       /* called on expiry */
	void *arg;	       /* for cb */
};

static struct {
	int epfd;		 /* the epoll fd, -1 before init */
	struct watch *watches;	 /* every watch */
	bool stop;		 /* leave nfp_loop_run() */
	bool in_batch;		 /* dispatching */
	void (*sig_cb)(int sig); /* signal handler */
	void (*idle)(void);	 /* after each batch and its flush */
	struct nfp_engine *eng;	 /* flushed after each batch */
} L = { .epfd = -1 };

NFP_API uint64_t nfp_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int nfp_loop_init(void)
{
	if (L.epfd >= 0)
		return 0;
	L.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (L.epfd < 0)
		return -errno;
	L.stop = false;
	return 0;
}

static void watch_unlink_free(struct watch *w)
{
	struct watch **pp;

	for (pp = &L.watches; *pp; pp = &(*pp)->next) {
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	}
	if (w->kind != W_FD && w->fd >= 0)
		close(w->fd);
	free(w);
}

static void reap(void)
{
	struct watch *w, *n;

	for (w = L.watches; w; w = n) {
		n = w->next;
		if (w->dead)
			watch_unlink_free(w);
	}
}

static void watch_kill(struct watch *w)
{
	if (w->dead)
		return;
	if (L.epfd >= 0)
		epoll_ctl(L.epfd, EPOLL_CTL_DEL, w->fd, NULL);
	w->dead = true;
	if (w->timer) {
		w->timer->w = NULL;
		free(w->timer);
		w->timer = NULL;
	}
	if (!L.in_batch)
		watch_unlink_free(w);
}

void nfp_loop_exit(void)
{
	struct watch *w, *n;

	for (w = L.watches; w; w = n) {
		n = w->next;
		watch_kill(w);
	}
	reap();
	if (L.epfd >= 0)
		close(L.epfd);
	L.epfd = -1;
}

static struct watch *watch_add(enum watch_kind kind, int fd, uint32_t events,
			       struct nfp_inst *inst)
{
	struct epoll_event ev = { .events = events };
	struct watch *w;

	if (L.epfd < 0 && nfp_loop_init() < 0)
		return NULL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->kind = kind;
	w->fd = fd;
	w->inst = inst;
	ev.data.ptr = w;
	if (epoll_ctl(L.epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int err = errno;

		free(w);
		errno = err;
		return NULL;
	}
	w->next = L.watches;
	L.watches = w;
	return w;
}

static struct watch *watch_find(struct nfp_inst *inst, int fd)
{
	struct watch *w;

	for (w = L.watches; w; w = w->next)
		if (!w->dead && w->kind == W_FD && w->fd == fd &&
		    w->inst == inst)
			return w;
	return NULL;
}

NFP_API int nfp_fd_add(struct nfp_inst *inst, int fd, uint32_t events,
		       nfp_fd_cb cb)
{
	struct watch *w = watch_add(W_FD, fd, events, inst);

	if (!w)
		return -errno;
	w->cb = cb;
	return 0;
}

NFP_API int nfp_fd_mod(struct nfp_inst *inst, int fd, uint32_t events)
{
	struct watch *w = watch_find(inst, fd);
	struct epoll_event ev = { .events = events };

	if (!w)
		return -ENOENT;
	ev.data.ptr = w;
	if (epoll_ctl(L.epfd, EPOLL_CTL_MOD, fd, &ev) < 0)
		return -errno;
	return 0;
}

NFP_API void nfp_fd_del(struct nfp_inst *inst, int fd)
{
	struct watch *w = watch_find(inst, fd);

	if (w)
		watch_kill(w);
}

NFP_API struct nfp_timer *nfp_timer_new(struct nfp_inst *inst, nfp_timer_cb cb,
					void *arg)
{
	struct nfp_timer *t;
	int fd;

	fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (fd < 0)
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t) {
		close(fd);
		return NULL;
	}
	t->w = watch_add(W_TIMER, fd, EPOLLIN, inst);
	if (!t->w) {
		close(fd);
		free(t);
		return NULL;
	}
	t->w->timer = t;
	t->inst = inst;
	t->cb = cb;
	t->arg = arg;
	return t;
}

static void ms_to_ts(uint64_t ms, struct timespec *ts)
{
	ts->tv_sec = (time_t)(ms / 1000);
	ts->tv_nsec = (long)(ms % 1000) * 1000000L;
}

NFP_API int nfp_timer_arm(struct nfp_timer *t, uint64_t first_ms,
			  uint64_t interval_ms)
{
	struct itimerspec its = { 0 };

	if (!t || !t->w)
		return -EINVAL;
	ms_to_ts(first_ms ? first_ms : 1, &its.it_value);
	ms_to_ts(interval_ms, &its.it_interval);
	if (timerfd_settime(t->w->fd, 0, &its, NULL) < 0)
		return -errno;
	return 0;
}

NFP_API void nfp_timer_disarm(struct nfp_timer *t)
{
	struct itimerspec its = { 0 };

	if (t && t->w)
		timerfd_settime(t->w->fd, 0, &its, NULL);
}

NFP_API void nfp_timer_free(struct nfp_timer *t)
{
	if (!t)
		return;
	if (t->w) {
		t->w->timer = NULL;
		watch_kill(t->w);
	}
	free(t);
}

void nfp_loop_forget(struct nfp_inst *inst)
{
	struct watch *w, *n;

	for (w = L.watches; w; w = n) {
		n = w->next;
		if (w->inst == inst && !w->dead)
			watch_kill(w);
	}
}

int nfp_loop_signals(const int *sigs, unsigned int n, void (*cb)(int sig))
{
	struct watch *w;
	sigset_t set;
	unsigned int i;
	int fd;

	sigemptyset(&set);
	for (i = 0; i < n; i++)
		sigaddset(&set, sigs[i]);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	w = watch_add(W_SIGNAL, fd, EPOLLIN, NULL);
	if (!w) {
		close(fd);
		return -errno;
	}
	L.sig_cb = cb;
	return 0;
}

static void dispatch(struct watch *w, uint32_t events)
{
	struct signalfd_siginfo si;
	uint64_t ticks;

	if (w->dead)
		return;
	switch (w->kind) {
	case W_FD:
		w->cb(w->inst, w->fd, events);
		break;
	case W_TIMER:
		if (read(w->fd, &ticks, sizeof(ticks)) != sizeof(ticks))
			break;
		if (w->timer)
			w->timer->cb(w->timer->inst, w->timer->arg);
		break;
	case W_SIGNAL:
		while (read(w->fd, &si, sizeof(si)) == sizeof(si))
			if (L.sig_cb)
				L.sig_cb((int)si.ssi_signo);
		break;
	}
}

void nfp_loop_stop(void)
{
	L.stop = true;
}

NFP_API int nfp_stopping(void)
{
	return L.stop;
}

int nfp_loop_run(struct nfp_engine *e)
{
	struct epoll_event ev[MAX_EVENTS];
	int i, n;

	L.eng = e;
	while (!L.stop) {
		n = epoll_wait(L.epfd, ev, MAX_EVENTS, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		L.in_batch = true;
		for (i = 0; i < n; i++)
			dispatch(ev[i].data.ptr, ev[i].events);
		L.in_batch = false;
		reap();
		if (L.eng)
			nfp_engine_flush(L.eng);
		/* Between wakeups: no record is in flight, nothing is dirty. */
		if (L.idle)
			L.idle();
	}
	return 0;
}

void nfp_loop_set_engine(struct nfp_engine *e)
{
	L.eng = e;
}

void nfp_loop_set_idle(void (*fn)(void))
{
	L.idle = fn;
}

int nfp_loop_inst_fds(const struct nfp_inst *inst, int *fds, int max)
{
	const struct watch *w;
	int n = 0;

	for (w = L.watches; w; w = w->next)
		if (!w->dead && w->kind == W_FD && w->inst == inst && n < max)
			fds[n++] = w->fd;
	return n;
}

void nfp_loop_drain(void)
{
	struct watch *w;

	L.in_batch = true;
	for (w = L.watches; w; w = w->next)
		if (w->kind == W_FD && w->inst &&
		    w->inst->plugin->kind == NFP_INPUT)
			dispatch(w, EPOLLIN);
	L.in_batch = false;
	reap();
}
