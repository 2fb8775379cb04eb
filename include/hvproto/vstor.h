/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMBus storage protocol ("vstor"), spoken by the guest's StorVSC and the
 * host's StorVSP over the SCSI (and IDE-accelerator) channel classes.
 *
 * Every request and response is one 64-byte struct hvp_vstor_packet. The
 * guest sends them with COMPLETION_REQUESTED; the host answers with a COMP
 * packet (same trans_id) carrying a vstor packet with operation
 * COMPLETE_IO. EXECUTE_SRB requests that move data are GPA-direct packets
 * (one multi-page range) whose payload is the vstor packet; others are
 * inband. The host also sends unsolicited inband packets (trans_id 0):
 * ENUMERATE_BUS (rescan) and REMOVE_DEVICE.
 */
#ifndef HVPROTO_VSTOR_H
#define HVPROTO_VSTOR_H

#include "types.h"

/* Protocol versions: major << 8 | minor */
#define HVP_VSTOR_VERSION_WIN8		0x0501
#define HVP_VSTOR_VERSION_WIN8_1	0x0600
#define HVP_VSTOR_VERSION_WIN10		0x0602

enum hvp_vstor_operation {
	HVP_VSTOR_OP_COMPLETE_IO = 1,
	HVP_VSTOR_OP_REMOVE_DEVICE = 2,
	HVP_VSTOR_OP_EXECUTE_SRB = 3,
	HVP_VSTOR_OP_RESET_LUN = 4,
	HVP_VSTOR_OP_RESET_ADAPTER = 5,
	HVP_VSTOR_OP_RESET_BUS = 6,
	HVP_VSTOR_OP_BEGIN_INITIALIZATION = 7,
	HVP_VSTOR_OP_END_INITIALIZATION = 8,
	HVP_VSTOR_OP_QUERY_PROTOCOL_VERSION = 9,
	HVP_VSTOR_OP_QUERY_PROPERTIES = 10,
	HVP_VSTOR_OP_ENUMERATE_BUS = 11,
	HVP_VSTOR_OP_FCHBA_DATA = 12,
	HVP_VSTOR_OP_CREATE_SUB_CHANNELS = 13,
};

/* hvp_vstor_packet.flags */
#define HVP_VSTOR_FLAG_REQUEST_COMPLETION	1

/* SRB status (hvp_vmscsi_request.srb_status), low 6 bits; flags above */
#define HVP_SRB_STATUS_PENDING		0x00
#define HVP_SRB_STATUS_SUCCESS		0x01
#define HVP_SRB_STATUS_ABORTED		0x02
#define HVP_SRB_STATUS_ERROR		0x04
#define HVP_SRB_STATUS_INVALID_REQUEST	0x06
#define HVP_SRB_STATUS_DATA_OVERRUN	0x12
#define HVP_SRB_STATUS_INVALID_LUN	0x20
#define HVP_SRB_STATUS_INTERNAL_ERROR	0x30	/* host out of resources: retry */
#define HVP_SRB_STATUS_MASK		0x3f
#define HVP_SRB_STATUS_QUEUE_FROZEN	0x40
#define HVP_SRB_STATUS_AUTOSENSE_VALID	0x80

/* hvp_vmscsi_request.data_in */
#define HVP_SRB_DATA_WRITE		0
#define HVP_SRB_DATA_READ		1
#define HVP_SRB_DATA_UNKNOWN		2

/* hvp_vmscsi_request.srb_flags */
#define HVP_SRB_FLAGS_QUEUE_ACTION_ENABLE	0x00000002
#define HVP_SRB_FLAGS_DISABLE_SYNCH_TRANSFER	0x00000008
#define HVP_SRB_FLAGS_DATA_IN			0x00000040
#define HVP_SRB_FLAGS_DATA_OUT			0x00000080
#define HVP_SRB_FLAGS_NO_QUEUE_FREEZE		0x00000100

#define HVP_VSTOR_CDB_SIZE		16
#define HVP_VSTOR_SENSE_SIZE		20
#define HVP_VSTOR_SRB_QUEUE_TAG_NONE	0xff
#define HVP_VSTOR_SRB_SIMPLE_TAG	0x20

/* The SCSI request block, WIN8 size (52 bytes) */
struct __packed hvp_vmscsi_request {
	__le16 length;		/* sizeof(struct hvp_vmscsi_request) */
	__u8 srb_status;
	__u8 scsi_status;
	__u8 port_number;
	__u8 path_id;
	__u8 target_id;
	__u8 lun;
	__u8 cdb_length;
	__u8 sense_info_length;
	__u8 data_in;
	__u8 reserved;
	__le32 data_transfer_length;
	union {
		__u8 cdb[HVP_VSTOR_CDB_SIZE];
		__u8 sense_data[HVP_VSTOR_SENSE_SIZE];
	};
	/* WIN8 extension */
	__le16 reserve;
	__u8 queue_tag;
	__u8 queue_action;
	__le32 srb_flags;
	__le32 time_out_value;
	__le32 queue_sort_key;
};

HVP_ASSERT_OFFSET(struct hvp_vmscsi_request, data_transfer_length, 12);
HVP_ASSERT_OFFSET(struct hvp_vmscsi_request, cdb, 16);
HVP_ASSERT_OFFSET(struct hvp_vmscsi_request, reserve, 36);
HVP_ASSERT_OFFSET(struct hvp_vmscsi_request, srb_flags, 40);
HVP_ASSERT_SIZE(struct hvp_vmscsi_request, 52);

/* QUERY_PROPERTIES result (also the OPENCHANNEL user data, zeroed) */
#define HVP_VSTOR_PROP_SUPPORTS_MULTI_CHANNEL	0x1
#define HVP_VSTOR_PROP_EMULATED_IDE		0x2	/* an IDE controller */

struct __packed hvp_vstor_channel_properties {
	__le32 reserved;
	__le16 max_channel_count;	/* subchannels the host allows */
	__le16 reserved1;
	__le32 flags;
	__le32 max_transfer_bytes;
	__le64 reserved2;
};

HVP_ASSERT_SIZE(struct hvp_vstor_channel_properties, 24);

struct hvp_vstor_protocol_version {
	__le16 major_minor;
	__le16 revision;	/* 0 */
};

HVP_ASSERT_SIZE(struct hvp_vstor_protocol_version, 4);

struct __packed hvp_vstor_packet {
	__le32 operation;	/* enum hvp_vstor_operation */
	__le32 flags;
	__le32 status;		/* 0 = success for control operations */
	union {
		struct hvp_vmscsi_request srb;
		struct hvp_vstor_channel_properties properties;
		struct hvp_vstor_protocol_version version;
		__le16 sub_channel_count;
		__u8 raw[52];
	};
};

HVP_ASSERT_OFFSET(struct hvp_vstor_packet, srb, 12);
HVP_ASSERT_SIZE(struct hvp_vstor_packet, 64);

#endif /* HVPROTO_VSTOR_H */
