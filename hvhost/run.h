/* SPDX-License-Identifier: GPL-2.0 */
/* `hvhost run`: the emulated host serving one QEMU guest. */
#ifndef HVHOST_RUN_H
#define HVHOST_RUN_H

#include <stdint.h>

#include "vsp/storvsp.h"

#include <hvproto/ic.h>

#define RUN_MAX_DEVICES	64
#define RUN_MAX_DISKS	64

struct run_opts {
	const char *ivshmem_socket;
	const char *ram_file;
	const char *ctl_socket;
	uint64_t ram_size;
	unsigned int vcpus;
	uint32_t abi_version;
	uint32_t vmbus_max_version;
	const char *devices[RUN_MAX_DEVICES];	/* NAME[,OPT]; none: echo, timesync */
	unsigned int nr_devices;
	struct stor_disk_spec disks[RUN_MAX_DISKS];	/* --disk */
	unsigned int nr_disks;
	uint16_t storage_max_version;	/* 0: the default */
	int storage_channels;		/* -1: the default */
	uint32_t storage_max_xfer;	/* 0: the default */
	struct hvp_ic_version timesync_version;	/* 0.0: offer 4.0 3.0 1.0 */
	uint64_t timesync_interval_ns;
};

int host_run(const struct run_opts *o);

#endif /* HVHOST_RUN_H */
