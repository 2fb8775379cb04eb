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

/*
 * Performs HVEMU_OP_TEST for VP @vp: @arg is the slot's arg[]; returns an
 * enum hvemu_status and sets *@result.
 */
typedef uint32_t (*mailbox_test_fn)(void *opaque, struct hv *hv,
				    unsigned int vp, const uint64_t *arg,
				    uint64_t *result);

struct mailbox {
	int fd;			/* memfd, handed to the ivshmem client */
	uint8_t *region;	/* HVEMU_CTL_REGION_SIZE bytes */
	unsigned int nr_slots;
	mailbox_test_fn test;	/* NULL: HVEMU_OP_TEST is an unknown op */
	void *test_opaque;
};

int mailbox_create(struct mailbox *mb, unsigned int nr_slots,
		   uint32_t abi_version, uint64_t ram_size);
void mailbox_destroy(struct mailbox *mb);
/* Who performs HVEMU_OP_TEST (the test service); NULL: nobody. */
void mailbox_set_test(struct mailbox *mb, mailbox_test_fn fn, void *opaque);

struct hvemu_slot *mailbox_slot(struct mailbox *mb, unsigned int i);
bool mailbox_process(struct mailbox *mb, struct hv *hv, unsigned int i);
unsigned int mailbox_scan(struct mailbox *mb, struct hv *hv);

#endif /* HVHOST_MAILBOX_H */
