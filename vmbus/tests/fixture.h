/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Ring memory for the tests: a header page and data pages, either one
 * contiguous allocation (as the guest gives) or pages allocated one by one
 * and shuffled (as hvhost sees a GPADL), each exactly as large as the ring
 * uses, so ASan catches any access past the data area. Two views share
 * the memory: the writer's and the reader's, as on the two sides of VMBus.
 */
#ifndef RING_TESTS_FIXTURE_H
#define RING_TESTS_FIXTURE_H

#include "../ring.h"

struct fixture {
	struct hvp_ring_header *hdr;
	u8 **pages;
	u8 *contig;		/* the allocation, when contiguous */
	u32 npages;
	u32 size;
	struct hvg_ring w;	/* the writer's view */
	struct hvg_ring r;	/* the reader's view */
};

enum fix_layout { FIX_CONTIG, FIX_SCATTERED };

/* Allocate, reset the header (with @features) and init both views. */
bool fix_init(struct fixture *f, u32 size, enum fix_layout layout,
	      u32 features);
/* Put both indices at @idx and init both views again. */
bool fix_move_to(struct fixture *f, u32 idx);
void fix_free(struct fixture *f);

/* Byte @off of the data area, wherever its page is. */
u8 *fix_byte(struct fixture *f, u32 off);
void fix_peek(struct fixture *f, u32 off, void *dst, u32 len);
void fix_poke(struct fixture *f, u32 off, const void *src, u32 len);

/* Write one inband packet of @len pattern bytes (seeded by @seed). */
int fix_write(struct fixture *f, u32 len, u8 seed, bool *signal);
/* Read one packet; check it is fix_write()'s (@len, @seed). */
bool fix_read_check(struct fixture *f, u32 len, u8 seed);

void fill_pattern(u8 *p, u32 len, u8 seed);

#endif /* RING_TESTS_FIXTURE_H */
