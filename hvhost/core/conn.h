/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Connection ids the host serves. HvPostMessage and HvSignalEvent name a
 * connection id; a service (the test service, later the VMBus server and
 * its channels) registers a handler for an id, or for a range of ids given
 * as (id, mask): connection c matches when (c & mask) == id.
 */
#ifndef HVHOST_CONN_H
#define HVHOST_CONN_H

#include "util.h"

struct hv;

/* Both return a TLFS status for the guest's hypercall. */
typedef uint16_t (*conn_msg_fn)(void *opaque, struct hv *hv, unsigned int vp,
				uint32_t conn, uint32_t type,
				const void *payload, uint32_t size);
typedef uint16_t (*conn_event_fn)(void *opaque, struct hv *hv,
				  unsigned int vp, uint32_t conn,
				  unsigned int flag);

struct conn {
	uint32_t id;
	uint32_t mask;
	union {
		conn_msg_fn msg;
		conn_event_fn event;
	} fn;
	void *opaque;
};

struct conn_table {
	struct conn *v;
	unsigned int nr, cap;
};

void conn_table_uninit(struct conn_table *t);
int conn_register(struct conn_table *t, uint32_t id, uint32_t mask,
		  const struct conn *c);
int conn_unregister(struct conn_table *t, uint32_t id, uint32_t mask);
const struct conn *conn_find(const struct conn_table *t, uint32_t conn);

int hv_register_msg(struct hv *hv, uint32_t id, uint32_t mask,
		    conn_msg_fn fn, void *opaque);
int hv_register_event(struct hv *hv, uint32_t id, uint32_t mask,
		      conn_event_fn fn, void *opaque);

#endif /* HVHOST_CONN_H */
