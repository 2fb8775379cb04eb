/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The environment of the ring buffer core: the few primitives ring.c needs,
 * from the kernel or from C11 user space (unit tests, benchmark, hvhost).
 * This is the only file that knows which one it is built in.
 *
 * The peer is another partition (the guest or the host), never merely
 * another CPU of this kernel, so the kernel branch uses the virt_*
 * barriers, which stay barriers in a !CONFIG_SMP guest.
 */
#ifndef HVG_RING_ENV_H
#define HVG_RING_ENV_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <asm/barrier.h>
#include <asm/byteorder.h>

#define hvr_read_once(x)		READ_ONCE(x)
#define hvr_write_once(x, v)		WRITE_ONCE(x, v)
/* orders this load before every later load and store */
#define hvr_load_acquire(p)		virt_load_acquire(p)
/* orders every earlier load and store before this store */
#define hvr_store_release(p, v)		virt_store_release(p, v)
/* orders every earlier load and store before every later one */
#define hvr_mb()			virt_mb()

#else /* user space */

#include <endian.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <linux/types.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;

#define hvr_read_once(x)	__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define hvr_write_once(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
/* orders this load before every later load and store */
#define hvr_load_acquire(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)
/* orders every earlier load and store before this store */
#define hvr_store_release(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)
/* orders every earlier load and store before every later one */
#define hvr_mb()		__atomic_thread_fence(__ATOMIC_SEQ_CST)

#ifndef likely
#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#endif

#ifndef le16_to_cpu
#define le16_to_cpu(x)		le16toh(x)
#define le32_to_cpu(x)		le32toh(x)
#define le64_to_cpu(x)		le64toh(x)
#define cpu_to_le16(x)		htole16(x)
#define cpu_to_le32(x)		htole32(x)
#define cpu_to_le64(x)		htole64(x)
#endif

#endif /* __KERNEL__ */

#endif /* HVG_RING_ENV_H */
