/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMBus control plane: the channel messages guest and host exchange through
 * HvPostMessage (guest -> host) and the SynIC message slot of
 * HVP_VMBUS_MESSAGE_SINT (host -> guest), the protocol versions, the
 * monitor page, and class GUIDs. The ring buffer and packet formats are in
 * ring.h.
 *
 * Every message starts with struct hvp_vmbus_msg_header and fits one
 * SynIC message payload (240 bytes). All fields are little-endian.
 */
#ifndef HVPROTO_VMBUS_H
#define HVPROTO_VMBUS_H

#include "types.h"

/* Protocol versions: major << 16 | minor; the guest tries newest first. */
#define HVP_VMBUS_VERSION(major, minor)	(((major) << 16) | (minor))
#define HVP_VMBUS_VERSION_WIN8		HVP_VMBUS_VERSION(2, 4)
#define HVP_VMBUS_VERSION_WIN8_1	HVP_VMBUS_VERSION(3, 0)
#define HVP_VMBUS_VERSION_WIN10		HVP_VMBUS_VERSION(4, 0)
#define HVP_VMBUS_VERSION_WIN10_RS3	HVP_VMBUS_VERSION(4, 1)
#define HVP_VMBUS_VERSION_WIN10_V5	HVP_VMBUS_VERSION(5, 0)
#define HVP_VMBUS_VERSION_WIN10_V5_1	HVP_VMBUS_VERSION(5, 1)
#define HVP_VMBUS_VERSION_WIN10_V5_2	HVP_VMBUS_VERSION(5, 2)
#define HVP_VMBUS_VERSION_WIN10_V5_3	HVP_VMBUS_VERSION(5, 3)

/*
 * Connection ids. Before 5.0 the guest posts every message to
 * HVP_VMBUS_MESSAGE_CONN_ID; from 5.0 INITIATE_CONTACT goes to
 * HVP_VMBUS_MESSAGE_CONN_ID_4 and later messages to the msg_conn_id of the
 * VERSION_RESPONSE.
 */
#define HVP_VMBUS_MESSAGE_CONN_ID	1
#define HVP_VMBUS_EVENT_CONN_ID		2
#define HVP_VMBUS_MONITOR_CONN_ID	3
#define HVP_VMBUS_MESSAGE_CONN_ID_4	4

/* The SINT that carries VMBus messages and channel events */
#define HVP_VMBUS_MESSAGE_SINT		2
/* HvPostMessage message_type and SynIC message type of VMBus messages */
#define HVP_VMBUS_MESSAGE_TYPE		1

/* Channel ids (relids) index the 2048 event flags of the SINT. */
#define HVP_VMBUS_MAX_RELIDS		2048

/* Guest-chosen GPADL handles start here (any nonzero value is valid). */
#define HVP_VMBUS_GPADL_HANDLE_BASE	0xe1e10

enum hvp_vmbus_msgtype {
	HVP_VMBUS_MSG_INVALID = 0,
	HVP_VMBUS_MSG_OFFERCHANNEL = 1,
	HVP_VMBUS_MSG_RESCIND_CHANNELOFFER = 2,
	HVP_VMBUS_MSG_REQUESTOFFERS = 3,
	HVP_VMBUS_MSG_ALLOFFERS_DELIVERED = 4,
	HVP_VMBUS_MSG_OPENCHANNEL = 5,
	HVP_VMBUS_MSG_OPENCHANNEL_RESULT = 6,
	HVP_VMBUS_MSG_CLOSECHANNEL = 7,
	HVP_VMBUS_MSG_GPADL_HEADER = 8,
	HVP_VMBUS_MSG_GPADL_BODY = 9,
	HVP_VMBUS_MSG_GPADL_CREATED = 10,
	HVP_VMBUS_MSG_GPADL_TEARDOWN = 11,
	HVP_VMBUS_MSG_GPADL_TORNDOWN = 12,
	HVP_VMBUS_MSG_RELID_RELEASED = 13,
	HVP_VMBUS_MSG_INITIATE_CONTACT = 14,
	HVP_VMBUS_MSG_VERSION_RESPONSE = 15,
	HVP_VMBUS_MSG_UNLOAD = 16,
	HVP_VMBUS_MSG_UNLOAD_RESPONSE = 17,
	HVP_VMBUS_MSG_TL_CONNECT_REQUEST = 21,
	HVP_VMBUS_MSG_MODIFYCHANNEL = 22,
	HVP_VMBUS_MSG_TL_CONNECT_RESULT = 23,
	HVP_VMBUS_MSG_MODIFYCHANNEL_RESPONSE = 24,
	HVP_VMBUS_MSG_COUNT
};

struct hvp_guid {
	__u8 b[16];
};

HVP_ASSERT_SIZE(struct hvp_guid, 16);

struct hvp_vmbus_msg_header {
	__le32 msgtype;		/* enum hvp_vmbus_msgtype */
	__le32 padding;
};

HVP_ASSERT_SIZE(struct hvp_vmbus_msg_header, 8);

/* hvp_vmbus_offer.chn_flags */
#define HVP_VMBUS_CHN_ENUMERATE_DEVICE_INTERFACE	0x0001
#define HVP_VMBUS_CHN_NAMED_PIPE_MODE			0x0010
#define HVP_VMBUS_CHN_LOOPBACK				0x0100
#define HVP_VMBUS_CHN_PARENT				0x0200
#define HVP_VMBUS_CHN_REQUEST_MONITORED_NOTIFICATION	0x0400
#define HVP_VMBUS_CHN_TLNPI_PROVIDER			0x2000

#define HVP_VMBUS_OFFER_USER_DEF_BYTES	120

/* The device description inside an offer */
struct __packed hvp_vmbus_offer {
	struct hvp_guid if_type;	/* class GUID: which driver */
	struct hvp_guid if_instance;	/* instance GUID: the device name */
	__le64 reserved1;
	__le64 reserved2;
	__le16 chn_flags;
	__le16 mmio_megabytes;
	__u8 user_def[HVP_VMBUS_OFFER_USER_DEF_BYTES];	/* pipe mode: __le32 mode first */
	__le16 sub_channel_index;	/* 0 = primary channel */
	__le16 reserved3;
};

HVP_ASSERT_OFFSET(struct hvp_vmbus_offer, chn_flags, 48);
HVP_ASSERT_OFFSET(struct hvp_vmbus_offer, user_def, 52);
HVP_ASSERT_OFFSET(struct hvp_vmbus_offer, sub_channel_index, 172);
HVP_ASSERT_SIZE(struct hvp_vmbus_offer, 176);

/* hvp_vmbus_offer_channel.monitor_flags and .interrupt_flags, bit 0 */
#define HVP_VMBUS_OFFER_MONITOR_ALLOCATED	0x01
#define HVP_VMBUS_OFFER_DEDICATED_INTERRUPT	0x0001

/* OFFERCHANNEL, host -> guest */
struct __packed hvp_vmbus_offer_channel {
	struct hvp_vmbus_msg_header header;
	struct hvp_vmbus_offer offer;
	__le32 child_relid;
	__u8 monitor_id;
	__u8 monitor_flags;
	__le16 interrupt_flags;
	__le32 connection_id;	/* for HvSignalEvent; pre-4.0 hosts send 0 */
};

HVP_ASSERT_OFFSET(struct hvp_vmbus_offer_channel, child_relid, 184);
HVP_ASSERT_OFFSET(struct hvp_vmbus_offer_channel, monitor_id, 188);
HVP_ASSERT_OFFSET(struct hvp_vmbus_offer_channel, interrupt_flags, 190);
HVP_ASSERT_OFFSET(struct hvp_vmbus_offer_channel, connection_id, 192);
HVP_ASSERT_SIZE(struct hvp_vmbus_offer_channel, 196);

/* RESCIND_CHANNELOFFER (host -> guest), CLOSECHANNEL and RELID_RELEASED (guest -> host) */
struct hvp_vmbus_relid_msg {
	struct hvp_vmbus_msg_header header;
	__le32 child_relid;
};

HVP_ASSERT_SIZE(struct hvp_vmbus_relid_msg, 12);

#define HVP_VMBUS_OPEN_USER_DATA_BYTES	120

/* OPENCHANNEL, guest -> host */
struct hvp_vmbus_open_channel {
	struct hvp_vmbus_msg_header header;
	__le32 child_relid;
	__le32 open_id;
	__le32 ring_gpadl;
	__le32 target_vp;
	__le32 downstream_ring_page_offset;	/* host->guest ring, in 4 KiB pages */
	__u8 user_data[HVP_VMBUS_OPEN_USER_DATA_BYTES];
};

HVP_ASSERT_OFFSET(struct hvp_vmbus_open_channel, target_vp, 20);
HVP_ASSERT_OFFSET(struct hvp_vmbus_open_channel, user_data, 28);
HVP_ASSERT_SIZE(struct hvp_vmbus_open_channel, 148);

/* OPENCHANNEL_RESULT, host -> guest; status 0 = opened */
struct hvp_vmbus_open_result {
	struct hvp_vmbus_msg_header header;
	__le32 child_relid;
	__le32 open_id;
	__le32 status;
};

HVP_ASSERT_SIZE(struct hvp_vmbus_open_result, 20);

/* One guest-physical range of a GPADL: pfn_array has PFN_UP(offset + count) entries. */
struct __packed hvp_gpa_range {
	__le32 byte_count;
	__le32 byte_offset;
	__le64 pfn_array[];
};

HVP_ASSERT_SIZE(struct hvp_gpa_range, 8);

/* GPADL_HEADER, guest -> host; GPADL_BODY messages carry the PFNs that do not fit */
struct __packed hvp_vmbus_gpadl_header {
	struct hvp_vmbus_msg_header header;
	__le32 child_relid;
	__le32 gpadl;
	__le16 range_buflen;	/* bytes of range[] in total, all messages */
	__le16 range_count;
	/*
	 * range_count struct hvp_gpa_range, each followed by its PFNs (bytes:
	 * an array of flexible structures is not valid C)
	 */
	__u8 range[];
};

HVP_ASSERT_SIZE(struct hvp_vmbus_gpadl_header, 20);

struct hvp_vmbus_gpadl_body {
	struct hvp_vmbus_msg_header header;
	__le32 msg_number;
	__le32 gpadl;
	__le64 pfn[];
};

HVP_ASSERT_SIZE(struct hvp_vmbus_gpadl_body, 16);

/* PFNs that fit the header message (one range) and each body message */
#define HVP_VMBUS_GPADL_HEADER_PFNS	((240 - 20 - 8) / 8)
#define HVP_VMBUS_GPADL_BODY_PFNS	((240 - 16) / 8)

/* GPADL_CREATED, host -> guest; status 0 = created */
struct hvp_vmbus_gpadl_created {
	struct hvp_vmbus_msg_header header;
	__le32 child_relid;
	__le32 gpadl;
	__le32 status;
};

HVP_ASSERT_SIZE(struct hvp_vmbus_gpadl_created, 20);

/* GPADL_TEARDOWN, guest -> host */
struct hvp_vmbus_gpadl_teardown {
	struct hvp_vmbus_msg_header header;
	__le32 child_relid;
	__le32 gpadl;
};

HVP_ASSERT_SIZE(struct hvp_vmbus_gpadl_teardown, 16);

/* GPADL_TORNDOWN, host -> guest */
struct hvp_vmbus_gpadl_torndown {
	struct hvp_vmbus_msg_header header;
	__le32 gpadl;
};

HVP_ASSERT_SIZE(struct hvp_vmbus_gpadl_torndown, 12);

/* INITIATE_CONTACT, guest -> host */
struct __packed hvp_vmbus_initiate_contact {
	struct hvp_vmbus_msg_header header;
	__le32 version_requested;
	__le32 target_vcpu;	/* VP index that receives host messages */
	union {
		__le64 interrupt_page;	/* before 5.0: GPA of the interrupt page */
		struct {
			__u8 msg_sint;	/* from 5.0: SINT for host messages */
			__u8 msg_vtl;
			__u8 reserved[6];
		};
	};
	__le64 monitor_page1;	/* GPA, host -> guest monitor page */
	__le64 monitor_page2;	/* GPA, guest -> host monitor page */
};

HVP_ASSERT_OFFSET(struct hvp_vmbus_initiate_contact, interrupt_page, 16);
HVP_ASSERT_OFFSET(struct hvp_vmbus_initiate_contact, monitor_page1, 24);
HVP_ASSERT_SIZE(struct hvp_vmbus_initiate_contact, 40);

/* VERSION_RESPONSE, host -> guest */
struct hvp_vmbus_version_response {
	struct hvp_vmbus_msg_header header;
	__u8 version_supported;	/* nonzero: the requested version is accepted */
	__u8 connection_state;
	__le16 padding;
	__le32 msg_conn_id;	/* from 5.0: where to post later messages */
};

HVP_ASSERT_OFFSET(struct hvp_vmbus_version_response, msg_conn_id, 12);
HVP_ASSERT_SIZE(struct hvp_vmbus_version_response, 16);

/* MODIFYCHANNEL, guest -> host (4.1+); MODIFYCHANNEL_RESPONSE (5.3+) */
struct hvp_vmbus_modify_channel {
	struct hvp_vmbus_msg_header header;
	__le32 child_relid;
	__le32 target_vp;	/* response: status */
};

HVP_ASSERT_SIZE(struct hvp_vmbus_modify_channel, 16);

/*
 * The guest's pre-5.0 interrupt page: the first half is the host->guest
 * event bits, the second half the guest->host bits, one per relid.
 */
#define HVP_VMBUS_INT_PAGE_HALF		2048

/* Monitor pages (guest-allocated, host-polled notification) */
struct hvp_monitor_trigger_group {
	__le32 pending;
	__le32 armed;
};

struct hvp_monitor_parameter {
	__le32 connection_id;
	__le16 flag_number;
	__le16 reserved;
};

struct hvp_monitor_page {
	__le32 trigger_state;	/* bits 3:0 group enable */
	__le32 reserved1;
	struct hvp_monitor_trigger_group trigger_group[4];
	__le64 reserved2[3];
	__le32 next_check_time[4][32];
	__le16 latency[4][32];
	__le64 reserved3[32];
	struct hvp_monitor_parameter parameter[4][32];
	__u8 reserved4[1984];
};

HVP_ASSERT_OFFSET(struct hvp_monitor_page, trigger_group, 8);
HVP_ASSERT_OFFSET(struct hvp_monitor_page, next_check_time, 64);
HVP_ASSERT_OFFSET(struct hvp_monitor_page, latency, 576);
HVP_ASSERT_OFFSET(struct hvp_monitor_page, parameter, 1088);
HVP_ASSERT_SIZE(struct hvp_monitor_page, 4096);

/*
 * Class GUIDs as the 16 bytes on the wire (the first three fields of the
 * textual form are little-endian), with the textual form above each.
 */
/* f8615163-df3e-46c5-913f-f2d2f965ed0e: network */
#define HVP_GUID_NIC { { 0x63, 0x51, 0x61, 0xf8, 0x3e, 0xdf, 0xc5, 0x46, \
	0x91, 0x3f, 0xf2, 0xd2, 0xf9, 0x65, 0xed, 0x0e } }
/* 32412632-86cb-44a2-9b5c-50d1417354f5: IDE accelerator */
#define HVP_GUID_IDE { { 0x32, 0x26, 0x41, 0x32, 0xcb, 0x86, 0xa2, 0x44, \
	0x9b, 0x5c, 0x50, 0xd1, 0x41, 0x73, 0x54, 0xf5 } }
/* ba6163d9-04a1-4d29-b605-72e2ffb1dc7f: SCSI */
#define HVP_GUID_SCSI { { 0xd9, 0x63, 0x61, 0xba, 0xa1, 0x04, 0x29, 0x4d, \
	0xb6, 0x05, 0x72, 0xe2, 0xff, 0xb1, 0xdc, 0x7f } }
/* 9527e630-d0ae-497b-adce-e80ab0175caf: time synchronization */
#define HVP_GUID_TIMESYNC { { 0x30, 0xe6, 0x27, 0x95, 0xae, 0xd0, 0x7b, 0x49, \
	0xad, 0xce, 0xe8, 0x0a, 0xb0, 0x17, 0x5c, 0xaf } }
/* 57164f39-9115-4e78-ab55-382f3bd5422d: heartbeat */
#define HVP_GUID_HEARTBEAT { { 0x39, 0x4f, 0x16, 0x57, 0x15, 0x91, 0x78, 0x4e, \
	0xab, 0x55, 0x38, 0x2f, 0x3b, 0xd5, 0x42, 0x2d } }
/* 0e0b6031-5213-4934-818b-38d90ced39db: shutdown */
#define HVP_GUID_SHUTDOWN { { 0x31, 0x60, 0x0b, 0x0e, 0x13, 0x52, 0x34, 0x49, \
	0x81, 0x8b, 0x38, 0xd9, 0x0c, 0xed, 0x39, 0xdb } }
/* 525074dc-8985-46e2-8057-a307dc18a502: dynamic memory */
#define HVP_GUID_DM { { 0xdc, 0x74, 0x50, 0x52, 0x85, 0x89, 0xe2, 0x46, \
	0x80, 0x57, 0xa3, 0x07, 0xdc, 0x18, 0xa5, 0x02 } }
/*
 * 8e5fd1b4-3c2a-4b5e-9d7f-6a1c0e2b4d83: hvhost's echo test device (a class
 * chosen for this project, not Hyper-V's)
 */
#define HVP_GUID_HVG_ECHO { { 0xb4, 0xd1, 0x5f, 0x8e, 0x2a, 0x3c, 0x5e, 0x4b, \
	0x9d, 0x7f, 0x6a, 0x1c, 0x0e, 0x2b, 0x4d, 0x83 } }

#endif /* HVPROTO_VMBUS_H */
