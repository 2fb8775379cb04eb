// SPDX-License-Identifier: GPL-2.0
/* The event loop (see loop.h). */
#include <errno.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>

#include "loop.h"

#define LOOP_BATCH	16

int loop_init(struct loop *l)
{
	l->stop = false;
	l->exit_code = 0;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	return l->epfd < 0 ? -errno : 0;
}

void loop_uninit(struct loop *l)
{
	if (l->epfd >= 0)
		close(l->epfd);
	l->epfd = -1;
}

static int loop_ctl(struct loop *l, int op, struct loop_source *src,
		    uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = src };

	return epoll_ctl(l->epfd, op, src->fd, &ev) < 0 ? -errno : 0;
}

int loop_add(struct loop *l, struct loop_source *src, uint32_t events)
{
	return loop_ctl(l, EPOLL_CTL_ADD, src, events);
}

int loop_mod(struct loop *l, struct loop_source *src, uint32_t events)
{
	return loop_ctl(l, EPOLL_CTL_MOD, src, events);
}

void loop_del(struct loop *l, struct loop_source *src)
{
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, src->fd, NULL);
}

/*
 * Runs the handlers of one batch of ready sources. A handler that frees a
 * source other than its own must not do so while a batch is running; the
 * control server only ever frees the client being handled.
 */
int loop_run_once(struct loop *l, int timeout_ms)
{
	struct epoll_event ev[LOOP_BATCH];
	struct loop_source *src;
	int i, n;

	n = epoll_wait(l->epfd, ev, LOOP_BATCH, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (i = 0; i < n && !l->stop; i++) {
		src = ev[i].data.ptr;
		src->fn(src, ev[i].events);
	}
	return n;
}

int loop_run(struct loop *l)
{
	int err;

	while (!l->stop) {
		err = loop_run_once(l, -1);
		if (err < 0)
			return err;
	}
	return l->exit_code;
}

void loop_stop(struct loop *l, int exit_code)
{
	l->stop = true;
	l->exit_code = exit_code;
}

static void timer_event(struct loop_source *src, uint32_t events)
{
	struct loop_timer *t = container_of(src, struct loop_timer, src);
	uint64_t expirations;

	(void)events;
	/* EAGAIN: disarmed or re-armed since epoll saw it. */
	if (read(src->fd, &expirations, sizeof(expirations)) !=
	    sizeof(expirations))
		return;
	t->fn(t);
}

int loop_timer_init(struct loop *l, struct loop_timer *t, loop_timer_fn fn)
{
	int err;

	t->loop = l;
	t->fn = fn;
	t->src.fn = timer_event;
	t->src.fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (t->src.fd < 0)
		return -errno;
	err = loop_add(l, &t->src, EPOLLIN);
	if (err) {
		close(t->src.fd);
		t->src.fd = -1;
	}
	return err;
}

static struct timespec ns_to_ts(uint64_t ns)
{
	return (struct timespec){ .tv_sec = (time_t)(ns / 1000000000ull),
				  .tv_nsec = (long)(ns % 1000000000ull) };
}

int loop_timer_set(struct loop_timer *t, uint64_t first_ns,
		   uint64_t period_ns)
{
	struct itimerspec its = {
		.it_value = ns_to_ts(first_ns),
		.it_interval = ns_to_ts(period_ns),
	};

	/* A zero it_value disarms: the first expiry is at least 1 ns away. */
	if (!first_ns && period_ns)
		its.it_value.tv_nsec = 1;
	return timerfd_settime(t->src.fd, 0, &its, NULL) < 0 ? -errno : 0;
}

void loop_timer_uninit(struct loop_timer *t)
{
	if (t->src.fd < 0)
		return;
	loop_del(t->loop, &t->src);
	close(t->src.fd);
	t->src.fd = -1;
}
