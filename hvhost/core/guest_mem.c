// SPDX-License-Identifier: GPL-2.0
/* Bounds-checked access to guest RAM (see guest_mem.h). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "guest_mem.h"

int gm_map_file(struct guest_mem *gm, const char *path, uint64_t size)
{
	struct stat st;
	void *p;
	int fd, err;

	if (!size || size > SIZE_MAX)
		return -EINVAL;
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* A mapping past the end of the file would SIGBUS on access. */
	if (fstat(fd, &st) < 0) {
		err = -errno;
		goto err_close;
	}
	if ((uint64_t)st.st_size < size) {
		err = -ERANGE;
		goto err_close;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		err = -errno;
		goto err_close;
	}
	close(fd);
	gm->base = p;
	gm->size = size;
	gm->mapped = true;
	return 0;

err_close:
	close(fd);
	return err;
}

void gm_init_buffer(struct guest_mem *gm, void *buf, uint64_t size)
{
	gm->base = buf;
	gm->size = size;
	gm->mapped = false;
}

void gm_uninit(struct guest_mem *gm)
{
	if (gm->mapped && gm->base)
		munmap(gm->base, gm->size);
	gm->base = NULL;
	gm->size = 0;
	gm->mapped = false;
}

/* True when [gpa, gpa + len) is non-empty and lies inside guest RAM. */
bool gm_range_ok(const struct guest_mem *gm, uint64_t gpa, uint64_t len)
{
	if (!gm->base || !len)
		return false;
	/* Written so that gpa + len can never wrap. */
	return gpa < gm->size && len <= gm->size - gpa;
}

void *gm_ptr(const struct guest_mem *gm, uint64_t gpa, uint64_t len)
{
	if (!gm_range_ok(gm, gpa, len))
		return NULL;
	return gm->base + gpa;
}

int gm_read(const struct guest_mem *gm, uint64_t gpa, void *dst, uint64_t len)
{
	const void *src = gm_ptr(gm, gpa, len);

	if (!src)
		return -EFAULT;
	memcpy(dst, src, len);
	return 0;
}

int gm_write(const struct guest_mem *gm, uint64_t gpa, const void *src,
	     uint64_t len)
{
	void *dst = gm_ptr(gm, gpa, len);

	if (!dst)
		return -EFAULT;
	memcpy(dst, src, len);
	return 0;
}
