// SPDX-License-Identifier: GPL-2.0
/*
 * Request-id allocator (see rqstor.h): a free list of slots, each id
 * carrying its slot's generation.
 */
#include <linux/slab.h>
#include "rqstor.h"

/**
 * hvg_rqstor_init() - allocate @size slots, all free
 * @r: the allocator
 * @size: slots; 0 makes every allocation fail
 *
 * Return: 0 or -ENOMEM.
 */
int hvg_rqstor_init(struct hvg_rqstor *r, u32 size)
{
	u32 i;

	spin_lock_init(&r->lock);
	r->size = size;
	r->free_head = 0;
	if (!size) {
		r->next_free = NULL;
		r->gen = NULL;
		r->ctx = NULL;
		return 0;
	}
	r->next_free = kcalloc(size, sizeof(*r->next_free), GFP_KERNEL);
	r->gen = kcalloc(size, sizeof(*r->gen), GFP_KERNEL);
	r->ctx = kcalloc(size, sizeof(*r->ctx), GFP_KERNEL);
	if (!r->next_free || !r->gen || !r->ctx) {
		hvg_rqstor_free(r);
		return -ENOMEM;
	}
	for (i = 0; i < size; i++)
		r->next_free[i] = i + 1;
	return 0;
}

/**
 * hvg_rqstor_free() - free the slots; outstanding ids become unknown
 * @r: the allocator
 */
void hvg_rqstor_free(struct hvg_rqstor *r)
{
	kfree(r->next_free);
	kfree(r->gen);
	kfree(r->ctx);
	r->next_free = NULL;
	r->gen = NULL;
	r->ctx = NULL;
	r->size = 0;
	r->free_head = 0;
}

/**
 * hvg_rqstor_alloc() - allocate an id for @ctx
 * @r: the allocator
 * @ctx: non-NULL sender context, returned by hvg_rqstor_take()
 *
 * Any context.
 *
 * Return: the id, or 0 when every slot is in use.
 */
u64 hvg_rqstor_alloc(struct hvg_rqstor *r, void *ctx)
{
	unsigned long flags;
	u64 id = 0;
	u32 slot;

	spin_lock_irqsave(&r->lock, flags);
	slot = r->free_head;
	if (slot < r->size) {
		r->free_head = r->next_free[slot];
		r->gen[slot]++;
		r->ctx[slot] = ctx;
		id = (u64)r->gen[slot] << 32 | (slot + 1);
	}
	spin_unlock_irqrestore(&r->lock, flags);
	return id;
}

static void put_slot(struct hvg_rqstor *r, u32 slot)
{
	lockdep_assert_held(&r->lock);
	r->ctx[slot] = NULL;
	r->next_free[slot] = r->free_head;
	r->free_head = slot;
}

/**
 * hvg_rqstor_take() - look an id up and free it
 * @r: the allocator
 * @id: an id from the host
 *
 * Any context.
 *
 * Return: the context the id was allocated for, or NULL when @id is not
 * outstanding (never allocated, completed already, or stale).
 */
void *hvg_rqstor_take(struct hvg_rqstor *r, u64 id)
{
	u32 slot = (u32)id - 1;
	unsigned long flags;
	void *ctx = NULL;

	spin_lock_irqsave(&r->lock, flags);
	if ((u32)id && slot < r->size && r->ctx[slot] &&
	    r->gen[slot] == (u32)(id >> 32)) {
		ctx = r->ctx[slot];
		put_slot(r, slot);
	}
	spin_unlock_irqrestore(&r->lock, flags);
	return ctx;
}

/**
 * hvg_rqstor_cancel() - free the id allocated for @ctx, if any
 * @r: the allocator
 * @ctx: the sender context
 *
 * Return: true if an id was freed; its completion will be rejected.
 */
bool hvg_rqstor_cancel(struct hvg_rqstor *r, void *ctx)
{
	unsigned long flags;
	bool found = false;
	u32 slot;

	spin_lock_irqsave(&r->lock, flags);
	for (slot = 0; slot < r->size && !found; slot++) {
		if (r->ctx[slot] == ctx) {
			put_slot(r, slot);
			found = true;
		}
	}
	spin_unlock_irqrestore(&r->lock, flags);
	return found;
}
