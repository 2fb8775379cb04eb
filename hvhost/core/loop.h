/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvhost's single-threaded event loop (epoll). A source is a file
 * descriptor plus a handler; embed struct loop_source in the owner and use
 * container_of() in the handler.
 */
#ifndef HVHOST_LOOP_H
#define HVHOST_LOOP_H

#include "util.h"

struct loop_source;
typedef void (*loop_fn)(struct loop_source *src, uint32_t events);

struct loop_source {
	int fd;
	loop_fn fn;
};

struct loop {
	int epfd;
	bool stop;
	int exit_code;
};

int loop_init(struct loop *l);
void loop_uninit(struct loop *l);
int loop_add(struct loop *l, struct loop_source *src, uint32_t events);
int loop_mod(struct loop *l, struct loop_source *src, uint32_t events);
void loop_del(struct loop *l, struct loop_source *src);
int loop_run_once(struct loop *l, int timeout_ms);
int loop_run(struct loop *l);
void loop_stop(struct loop *l, int exit_code);

/*
 * A timer (timerfd on CLOCK_MONOTONIC) whose expiry calls @fn on the loop.
 * Missed periods are folded into one call. Uninit it only from its own
 * handler or outside loop_run_once() (see the note there).
 */
struct loop_timer;
typedef void (*loop_timer_fn)(struct loop_timer *t);

struct loop_timer {
	struct loop_source src;
	struct loop *loop;
	loop_timer_fn fn;
};

int loop_timer_init(struct loop *l, struct loop_timer *t, loop_timer_fn fn);
/* First expiry @first_ns from now, then every @period_ns (0: once); 0, 0 disarms. */
int loop_timer_set(struct loop_timer *t, uint64_t first_ns,
		   uint64_t period_ns);
void loop_timer_uninit(struct loop_timer *t);

#endif /* HVHOST_LOOP_H */
