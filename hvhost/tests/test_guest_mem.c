// SPDX-License-Identifier: GPL-2.0
/* Guest memory bounds: the end of RAM, wrap-around, the RAM file's size. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/guest_mem.h"
#include "tests/tap.h"	/* vmbus/tests/tap.h, shared with the ring tests */

#define SIZE	8192u

static bool gm_bounds(void)
{
	uint8_t *buf = calloc(1, SIZE), byte = 0x5a, out[4];
	struct guest_mem gm;

	CHECK(buf);
	gm_init_buffer(&gm, buf, SIZE);
	CHECK(gm_range_ok(&gm, 0, SIZE));
	CHECK(gm_range_ok(&gm, SIZE - 1, 1));
	CHECK(!gm_range_ok(&gm, SIZE, 1));
	CHECK(!gm_range_ok(&gm, SIZE - 1, 2));
	CHECK(!gm_range_ok(&gm, 0, SIZE + 1));
	CHECK(!gm_range_ok(&gm, 0, 0));
	/* gpa + len wraps to a small number */
	CHECK(!gm_range_ok(&gm, UINT64_MAX, 2));
	CHECK(!gm_range_ok(&gm, 16, UINT64_MAX - 8));
	CHECK(!gm_range_ok(&gm, UINT64_MAX - 4095, 8192));
	CHECK(gm_ptr(&gm, SIZE - 4, 4) == buf + SIZE - 4);
	CHECK(!gm_ptr(&gm, SIZE - 3, 4));
	CHECK_EQ(gm_write(&gm, SIZE - 1, &byte, 1), 0);
	CHECK_EQ(buf[SIZE - 1], 0x5a);
	CHECK_EQ(gm_write(&gm, SIZE, &byte, 1), (uint64_t)-EFAULT);
	CHECK_EQ(gm_read(&gm, SIZE - 2, out, 4), (uint64_t)-EFAULT);
	CHECK_EQ(gm_read(&gm, 1ull << 63, out, 4), (uint64_t)-EFAULT);
	gm_uninit(&gm);
	free(buf);
	return true;
}

static bool gm_file(void)
{
	char path[] = "/tmp/hvhost-ram-XXXXXX";
	struct guest_mem gm;
	uint8_t v = 0;
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	CHECK(ftruncate(fd, SIZE) == 0);
	CHECK(pwrite(fd, "\x42", 1, SIZE - 1) == 1);
	/* A mapping longer than the file would SIGBUS: refused. */
	CHECK_EQ(gm_map_file(&gm, path, SIZE * 2), (uint64_t)-ERANGE);
	CHECK_EQ(gm_map_file(&gm, path, SIZE), 0);
	CHECK_EQ(gm_read(&gm, SIZE - 1, &v, 1), 0);
	CHECK_EQ(v, 0x42);
	CHECK(!gm_ptr(&gm, SIZE, 1));
	gm_uninit(&gm);
	CHECK(gm_map_file(&gm, "/nonexistent/ram", SIZE) < 0);
	close(fd);
	unlink(path);
	return true;
}

TAP_SUITE(guest_mem_tests,
	{ "guest_mem: end of RAM and gpa+len wrap-around are refused", gm_bounds },
	{ "guest_mem: RAM file mapping and size check", gm_file });
