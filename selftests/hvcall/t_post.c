// SPDX-License-Identifier: GPL-2.0
/*
 * HvPostMessage input validation: bad arguments fail with -EINVAL before
 * any hypercall; an unknown connection gets the hypervisor's
 * INVALID_CONNECTION_ID status.
 */
#include "test.h"

#define T_UNKNOWN_CONN	0x00abc123u

int t_postval(char *reason)
{
	u8 buf[HVP_MESSAGE_PAYLOAD_BYTES + 8] = {};
	int ret;

	ret = hvg_post_message(T_UNKNOWN_CONN, T_MSG_TYPE, buf,
			       HVP_MESSAGE_PAYLOAD_BYTES + 1);
	if (ret != -EINVAL) {
		snprintf(reason, T_REASON_LEN, "241-byte payload: %d", ret);
		return -1;
	}
	ret = hvg_post_message(0x01000000u, T_MSG_TYPE, buf, 8);
	if (ret != -EINVAL) {
		snprintf(reason, T_REASON_LEN, "connection id > 24 bits: %d",
			 ret);
		return -1;
	}
	ret = hvg_post_message(T_UNKNOWN_CONN, T_MSG_TYPE, buf, 8);
	if (ret != HVP_STATUS_INVALID_CONNECTION_ID) {
		snprintf(reason, T_REASON_LEN,
			 "unknown connection: %d, want status %d", ret,
			 HVP_STATUS_INVALID_CONNECTION_ID);
		return -1;
	}
	return 0;
}
