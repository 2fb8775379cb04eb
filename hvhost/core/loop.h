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

#endif /* HVHOST_LOOP_H */
