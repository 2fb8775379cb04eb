/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fixed-width little-endian types for the wire formats in include/hvproto/,
 * usable from the kernel and from C11 user space (hvhost, unit tests).
 */
#ifndef HVPROTO_TYPES_H
#define HVPROTO_TYPES_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/bits.h>
#include <linux/build_bug.h>
#else
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#ifndef BIT
#define BIT(nr)		(1UL << (nr))
#endif
#ifndef __packed
#define __packed	__attribute__((packed))
#endif
#ifndef BIT_ULL
#define BIT_ULL(nr)	(1ULL << (nr))
#endif
#endif

/* Check a size or offset the protocol fixes, at compile time. */
#define HVP_ASSERT_SIZE(type, size) \
	static_assert(sizeof(type) == (size), #type " has the wrong size")
#define HVP_ASSERT_OFFSET(type, field, off) \
	static_assert(offsetof(type, field) == (off), \
		      #type "." #field " is at the wrong offset")

#endif /* HVPROTO_TYPES_H */
