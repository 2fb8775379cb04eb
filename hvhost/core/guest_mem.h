/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest physical memory as hvhost sees it: one flat range, GPA == offset,
 * either the guest's RAM file mapped MAP_SHARED or a caller's buffer (unit
 * tests). Every accessor checks the whole [gpa, gpa + len) range, including
 * wrap-around, before touching memory.
 */
#ifndef HVHOST_GUEST_MEM_H
#define HVHOST_GUEST_MEM_H

#include "util.h"

struct guest_mem {
	uint8_t *base;
	uint64_t size;
	bool mapped;	/* base came from mmap() and is ours to unmap */
};

int gm_map_file(struct guest_mem *gm, const char *path, uint64_t size);
void gm_init_buffer(struct guest_mem *gm, void *buf, uint64_t size);
void gm_uninit(struct guest_mem *gm);

bool gm_range_ok(const struct guest_mem *gm, uint64_t gpa, uint64_t len);
void *gm_ptr(const struct guest_mem *gm, uint64_t gpa, uint64_t len);
int gm_read(const struct guest_mem *gm, uint64_t gpa, void *dst, uint64_t len);
int gm_write(const struct guest_mem *gm, uint64_t gpa, const void *src,
	     uint64_t len);

#endif /* HVHOST_GUEST_MEM_H */
