// SPDX-License-Identifier: GPL-2.0
/* The connection id registry (see conn.h). */
#include <errno.h>
#include <stdlib.h>

#include <hvproto/tlfs.h>

#include "hv.h"

void conn_table_uninit(struct conn_table *t)
{
	free(t->v);
	t->v = NULL;
	t->nr = t->cap = 0;
}

/* Two (id, mask) ranges overlap when they agree on the bits both fix. */
static bool ranges_overlap(uint32_t a, uint32_t am, uint32_t b, uint32_t bm)
{
	return ((a ^ b) & am & bm) == 0;
}

int conn_register(struct conn_table *t, uint32_t id, uint32_t mask,
		  const struct conn *c)
{
	struct conn *v;
	unsigned int i;

	mask &= HVP_CONNECTION_ID_MASK;
	if (id & ~mask)
		return -EINVAL;
	for (i = 0; i < t->nr; i++)
		if (ranges_overlap(id, mask, t->v[i].id, t->v[i].mask))
			return -EEXIST;
	if (t->nr == t->cap) {
		unsigned int cap = t->cap ? t->cap * 2 : 8;

		v = realloc(t->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		t->v = v;
		t->cap = cap;
	}
	t->v[t->nr] = *c;
	t->v[t->nr].id = id;
	t->v[t->nr].mask = mask;
	t->nr++;
	return 0;
}

int conn_unregister(struct conn_table *t, uint32_t id, uint32_t mask)
{
	unsigned int i;

	mask &= HVP_CONNECTION_ID_MASK;
	for (i = 0; i < t->nr; i++) {
		if (t->v[i].id == id && t->v[i].mask == mask) {
			t->v[i] = t->v[--t->nr];
			return 0;
		}
	}
	return -ENOENT;
}

const struct conn *conn_find(const struct conn_table *t, uint32_t conn)
{
	unsigned int i;

	for (i = 0; i < t->nr; i++)
		if ((conn & t->v[i].mask) == t->v[i].id)
			return &t->v[i];
	return NULL;
}

int hv_register_msg(struct hv *hv, uint32_t id, uint32_t mask,
		    conn_msg_fn fn, void *opaque)
{
	struct conn c = { .fn.msg = fn, .opaque = opaque };

	return conn_register(&hv->msg_conns, id, mask, &c);
}

int hv_register_event(struct hv *hv, uint32_t id, uint32_t mask,
		      conn_event_fn fn, void *opaque)
{
	struct conn c = { .fn.event = fn, .opaque = opaque };

	return conn_register(&hv->event_conns, id, mask, &c);
}
