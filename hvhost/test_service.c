// SPDX-License-Identifier: GPL-2.0
/*
 * The SynIC test service: HvPostMessage to HVEMU_TEST_ECHO_CONN(vp, sint)
 * sends the same message back to (vp, sint); HvSignalEvent to
 * HVEMU_TEST_EVENT_CONN(vp, sint) with flag f sets flag f of (vp, sint).
 * A vp the partition does not have is an unknown connection.
 *
 * HVEMU_OP_TEST requests through the mailbox: HVEMU_TEST_REQ_TIMESYNC_TIME
 * answers the timesync device's host clock, so a guest test can compare
 * its clocks with host time over one mailbox round trip. Anything else,
 * or a request with a non-zero argument it does not use, is refused.
 */
#include <hvproto/emu_abi.h>

#include "test_service.h"
#include "vsp/timesync.h"

static uint16_t echo(void *opaque, struct hv *hv, unsigned int vp,
		     uint32_t conn, uint32_t type, const void *payload,
		     uint32_t size)
{
	unsigned int target = HVEMU_TEST_CONN_VP(conn);

	(void)opaque;
	(void)vp;
	if (target >= hv->nr_vps)
		return HVP_STATUS_INVALID_CONNECTION_ID;
	return synic_post(&hv->synic, target, HVEMU_TEST_CONN_SINT(conn),
			  type, payload, size);
}

static uint16_t event(void *opaque, struct hv *hv, unsigned int vp,
		      uint32_t conn, unsigned int flag)
{
	unsigned int target = HVEMU_TEST_CONN_VP(conn);

	(void)opaque;
	(void)vp;
	if (target >= hv->nr_vps)
		return HVP_STATUS_INVALID_CONNECTION_ID;
	return synic_signal(&hv->synic, target, HVEMU_TEST_CONN_SINT(conn),
			    flag);
}

uint32_t test_service_request(void *opaque, struct hv *hv, unsigned int vp,
			      const uint64_t *arg, uint64_t *result)
{
	(void)opaque;
	(void)hv;
	(void)vp;
	if (arg[0] == HVEMU_TEST_REQ_TIMESYNC_TIME && !arg[1] && !arg[2]) {
		*result = timesync_host_time();
		return HVEMU_STATUS_OK;
	}
	return HVEMU_STATUS_BAD_OP;
}

int test_service_init(struct hv *hv)
{
	int err;

	err = hv_register_msg(hv, HVEMU_TEST_ECHO_BASE, HVEMU_TEST_BASE_MASK,
			      echo, NULL);
	if (err)
		return err;
	return hv_register_event(hv, HVEMU_TEST_EVENT_BASE,
				 HVEMU_TEST_BASE_MASK, event, NULL);
}
