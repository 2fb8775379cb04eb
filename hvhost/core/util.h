/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers shared by every hvhost file. */
#ifndef HVHOST_UTIL_H
#define HVHOST_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* The wire headers are little-endian; hvhost reads them in place. */
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "hvhost assumes a little-endian host"
#endif

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

/* Set by -v: one trace line per protocol event on stderr. */
extern int hvhost_verbose;

void hvhost_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define hv_trace(...) \
	do { \
		if (hvhost_verbose) \
			hvhost_log(__VA_ARGS__); \
	} while (0)

#endif /* HVHOST_UTIL_H */
