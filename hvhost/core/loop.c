// SPDX-License-Identifier: GPL-2.0
/* The event loop (see loop.h). */
#include <errno.h>
#include <unistd.h>
#include <sys/epoll.h>

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
