/* SPDX-License-Identifier: GPL-2.0 */
/* A tiny TAP harness: each test is a bool function, one TAP line each. */
#ifndef HVG_TESTS_TAP_H
#define HVG_TESTS_TAP_H

#include <stdbool.h>
#include <stdio.h>

#define CHECK(cond) \
	do { \
		if (!(cond)) { \
			printf("# %s:%d: failed: %s\n", __FILE__, __LINE__, \
			       #cond); \
			return false; \
		} \
	} while (0)

#define CHECK_EQ(a, b) \
	do { \
		unsigned long long _a = (a), _b = (b); \
		if (_a != _b) { \
			printf("# %s:%d: failed: %s == %s (%#llx != %#llx)\n", \
			       __FILE__, __LINE__, #a, #b, _a, _b); \
			return false; \
		} \
	} while (0)

struct tap_test {
	const char *name;
	bool (*fn)(void);
};

#define TAP_SUITE(sym, ...) \
	const struct tap_test sym[] = { __VA_ARGS__, { NULL, NULL } }

#endif /* HVG_TESTS_TAP_H */
