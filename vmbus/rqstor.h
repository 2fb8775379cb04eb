/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Request ids for packets that want a completion. The host echoes the id
 * in its completion; the id maps back to the sender's context only once:
 * unknown ids, reused slots and second completions are rejected.
 */
#ifndef HVG_VMBUS_RQSTOR_H
#define HVG_VMBUS_RQSTOR_H

#include <linux/spinlock.h>
#include <linux/types.h>

/**
 * struct hvg_rqstor - a channel's request ids
 * @lock: protects every other field
 * @size: slots
 * @free_head: first free slot, or @size when none
 * @next_free: per slot: the next free slot
 * @gen: per slot: bumped at every allocation, the id's upper half
 * @ctx: per slot: the sender's context, NULL when free
 *
 * An id is gen << 32 | (slot + 1): never 0 (reserved for unsolicited
 * packets), and a stale completion for a reused slot has the wrong gen.
 */
struct hvg_rqstor {
	spinlock_t lock;	/* every other field */
	u32 size;
	u32 free_head;
	u32 *next_free;
	u32 *gen;
	void **ctx;
};

int hvg_rqstor_init(struct hvg_rqstor *r, u32 size);
void hvg_rqstor_free(struct hvg_rqstor *r);
u64 hvg_rqstor_alloc(struct hvg_rqstor *r, void *ctx);
void *hvg_rqstor_take(struct hvg_rqstor *r, u64 id);
bool hvg_rqstor_cancel(struct hvg_rqstor *r, void *ctx);

#endif /* HVG_VMBUS_RQSTOR_H */
