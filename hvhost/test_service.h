/* SPDX-License-Identifier: GPL-2.0 */
/* The echo/event test service of <hvproto/emu_abi.h>; see README.md. */
#ifndef HVHOST_TEST_SERVICE_H
#define HVHOST_TEST_SERVICE_H

#include "core/hv.h"

/* Registers the echo/event connections. */
int test_service_init(struct hv *hv);
/* HVEMU_OP_TEST, for mailbox_set_test(): an enum hvemu_status. */
uint32_t test_service_request(void *opaque, struct hv *hv, unsigned int vp,
			      const uint64_t *arg, uint64_t *result);

#endif /* HVHOST_TEST_SERVICE_H */
