/* SPDX-License-Identifier: GPL-2.0 */
/* `hvhost run`: the emulated host serving one QEMU guest. */
#ifndef HVHOST_RUN_H
#define HVHOST_RUN_H

#include <stdint.h>

struct run_opts {
	const char *ivshmem_socket;
	const char *ram_file;
	const char *ctl_socket;
	uint64_t ram_size;
	unsigned int vcpus;
	uint32_t abi_version;
};

int host_run(const struct run_opts *o);

#endif /* HVHOST_RUN_H */
