/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Integration components (ICs): time synchronization, heartbeat, shutdown
 * and the others. Each IC is a VMBus channel whose messages are inband
 * packets laid out as: pipe header, IC message header, body at offset
 * HVP_IC_BODY_OFFSET. The host sends requests (NEGOTIATE first); the guest
 * answers each one in place: the same bytes and length, with icflags set
 * to TRANSACTION | RESPONSE and status filled in.
 */
#ifndef HVPROTO_IC_H
#define HVPROTO_IC_H

#include "types.h"

struct hvp_ic_pipe_header {
	__le32 flags;
	__le32 msgsize;
};

HVP_ASSERT_SIZE(struct hvp_ic_pipe_header, 8);

struct hvp_ic_version {
	__le16 major;
	__le16 minor;
};

HVP_ASSERT_SIZE(struct hvp_ic_version, 4);

/* hvp_ic_msg_header.msgtype */
#define HVP_IC_MSG_NEGOTIATE		0
#define HVP_IC_MSG_HEARTBEAT		1
#define HVP_IC_MSG_KVPEXCHANGE		2
#define HVP_IC_MSG_SHUTDOWN		3
#define HVP_IC_MSG_TIMESYNC		4
#define HVP_IC_MSG_VSS			5
#define HVP_IC_MSG_FCOPY		7

/* hvp_ic_msg_header.flags */
#define HVP_IC_FLAG_TRANSACTION		0x01
#define HVP_IC_FLAG_REQUEST		0x02
#define HVP_IC_FLAG_RESPONSE		0x04

/* hvp_ic_msg_header.status (HRESULT values) */
#define HVP_IC_S_OK			0x00000000u
#define HVP_IC_E_FAIL			0x80004005u
#define HVP_IC_S_CONT			0x80070103u
#define HVP_IC_E_NOT_SUPPORTED		0x80070032u

struct hvp_ic_msg_header {
	struct hvp_ic_version framework_version;
	__le16 msgtype;
	struct hvp_ic_version msg_version;
	__le16 msgsize;		/* body bytes */
	__le32 status;
	__u8 transaction_id;
	__u8 flags;
	__u8 reserved[2];
};

HVP_ASSERT_OFFSET(struct hvp_ic_msg_header, msgtype, 4);
HVP_ASSERT_OFFSET(struct hvp_ic_msg_header, msgsize, 10);
HVP_ASSERT_OFFSET(struct hvp_ic_msg_header, status, 12);
HVP_ASSERT_SIZE(struct hvp_ic_msg_header, 20);

#define HVP_IC_BODY_OFFSET	(sizeof(struct hvp_ic_pipe_header) + \
				 sizeof(struct hvp_ic_msg_header))

/*
 * NEGOTIATE body: framework_count framework versions, then service_count
 * service versions. The guest answers with counts 1 and 1 and the chosen
 * pair in version[0] and version[1] (0 and 0 when nothing matched).
 */
struct hvp_ic_negotiate {
	__le16 framework_count;
	__le16 service_count;
	__le32 reserved;
	struct hvp_ic_version version[];
};

HVP_ASSERT_SIZE(struct hvp_ic_negotiate, 8);

/* Upper bound on the counts a guest accepts (upstream uses the same). */
#define HVP_IC_MAX_VERSION_COUNT	100

/* Time synchronization: host time is 100 ns units since 1601-01-01 UTC. */
#define HVP_TS_FLAG_PROBE		0
#define HVP_TS_FLAG_SYNC		1
#define HVP_TS_FLAG_SAMPLE		2
/* 100 ns units from 1601-01-01 to 1970-01-01 */
#define HVP_TS_EPOCH_DELTA		116444736000000000ull

/* Service versions 1.0 and 3.0 */
struct __packed hvp_ts_data {
	__le64 parent_time;
	__le64 child_time;
	__le64 round_trip_time;
	__u8 flags;
};

HVP_ASSERT_SIZE(struct hvp_ts_data, 25);

/* Service version 4.0: reference time = partition reference counter (100 ns) at send */
struct __packed hvp_ts_ref_data {
	__le64 parent_time;
	__le64 vm_reference_time;
	__u8 flags;
	__s8 leap_flags;
	__s8 stratum;
	__u8 reserved[3];
};

HVP_ASSERT_SIZE(struct hvp_ts_ref_data, 22);

/* Heartbeat */
struct hvp_heartbeat_data {
	__le64 seq_num;
	__le32 reserved[8];
};

HVP_ASSERT_SIZE(struct hvp_heartbeat_data, 40);

/* Shutdown: flags 0/1 shut down, 2/3 reboot, 4/5 hibernate; bit 0 = forced */
struct hvp_shutdown_data {
	__le32 reason_code;
	__le32 timeout_seconds;
	__le32 flags;
	__u8 display_message[2048];
};

HVP_ASSERT_SIZE(struct hvp_shutdown_data, 2060);

#endif /* HVPROTO_IC_H */
