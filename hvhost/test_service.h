/* SPDX-License-Identifier: GPL-2.0 */
/* The echo/event test service of <hvproto/emu_abi.h>; see README.md. */
#ifndef HVHOST_TEST_SERVICE_H
#define HVHOST_TEST_SERVICE_H

#include "core/hv.h"

int test_service_init(struct hv *hv);

#endif /* HVHOST_TEST_SERVICE_H */
