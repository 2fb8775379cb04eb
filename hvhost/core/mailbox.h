/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The control region (ivshmem BAR2) and its per-VP mailbox slots, as laid
 * down in <hvproto/emu_abi.h>. hvhost creates the region (a memfd) and is
 * the only writer of the header, of status/result and of done_seq.
 */
#ifndef HVHOST_MAILBOX_H
#define HVHOST_MAILBOX_H

#include <hvproto/emu_abi.h>

#include "hv.h"

struct mailbox {
	int fd;			/* memfd, handed to the ivshmem client */
	uint8_t *region;	/* HVEMU_CTL_REGION_SIZE bytes */
	unsigned int nr_slots;
};

int mailbox_create(struct mailbox *mb, unsigned int nr_slots,
		   uint32_t abi_version, uint64_t ram_size);
void mailbox_destroy(struct mailbox *mb);

struct hvemu_slot *mailbox_slot(struct mailbox *mb, unsigned int i);
bool mailbox_process(struct mailbox *mb, struct hv *hv, unsigned int i);
unsigned int mailbox_scan(struct mailbox *mb, struct hv *hv);

#endif /* HVHOST_MAILBOX_H */
