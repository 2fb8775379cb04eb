/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMBus ring buffers and the packets on them.
 *
 * A channel has two rings in one GPADL: the guest->host ("outbound" for
 * the guest) ring first, then the host->guest ring at
 * downstream_ring_page_offset pages. Each ring is a 4 KiB header page
 * followed by the data area; the indices are byte offsets into the data
 * area. The ring is empty when read_index == write_index, and a writer
 * always leaves at least one byte free, so a full ring is never mistaken
 * for an empty one.
 *
 * A packet is a descriptor (offset8 and len8 in 8-byte units), its payload
 * padded to 8 bytes, and an 8-byte trailer holding the writer's previous
 * write index in its upper 32 bits. Packets wrap around the end of the
 * data area byte by byte.
 */
#ifndef HVPROTO_RING_H
#define HVPROTO_RING_H

#include "types.h"

#define HVP_RING_HEADER_SIZE		4096

/* hvp_ring_header.feature_bits */
#define HVP_RING_FEAT_PENDING_SEND_SZ	BIT(0)

struct hvp_ring_header {
	__le32 write_index;
	__le32 read_index;
	__le32 interrupt_mask;	/* set by the reader: do not signal me */
	__le32 pending_send_sz;	/* set by a blocked writer: signal me when this fits */
	__le32 reserved1[12];
	__le32 feature_bits;
	__u8 reserved2[4096 - 68];
};

HVP_ASSERT_OFFSET(struct hvp_ring_header, pending_send_sz, 12);
HVP_ASSERT_OFFSET(struct hvp_ring_header, feature_bits, 64);
HVP_ASSERT_SIZE(struct hvp_ring_header, HVP_RING_HEADER_SIZE);

/* Packet types (hvp_packet_desc.type) */
enum hvp_packet_type {
	HVP_PKT_INVALID = 0,
	HVP_PKT_SYNCH = 1,
	HVP_PKT_ADD_XFER_PAGESET = 2,
	HVP_PKT_RM_XFER_PAGESET = 3,
	HVP_PKT_ESTABLISH_GPADL = 4,
	HVP_PKT_TEARDOWN_GPADL = 5,
	HVP_PKT_DATA_INBAND = 6,
	HVP_PKT_DATA_USING_XFER_PAGES = 7,
	HVP_PKT_DATA_USING_GPADL = 8,
	HVP_PKT_DATA_USING_GPA_DIRECT = 9,
	HVP_PKT_CANCEL_REQUEST = 10,
	HVP_PKT_COMP = 11,
	HVP_PKT_DATA_USING_ADDITIONAL_PKT = 12,
	HVP_PKT_ADDITIONAL_DATA = 13,
};

/* hvp_packet_desc.flags */
#define HVP_PKT_FLAG_COMPLETION_REQUESTED	1

struct hvp_packet_desc {
	__le16 type;
	__le16 offset8;		/* payload starts offset8 * 8 bytes into the packet */
	__le16 len8;		/* packet length, trailer excluded, in 8-byte units */
	__le16 flags;
	__le64 trans_id;	/* request id; echoed by the completion */
};

HVP_ASSERT_SIZE(struct hvp_packet_desc, 16);

#define HVP_PACKET_TRAILER_SIZE		8

/*
 * GPA-direct packets: after the descriptor, a range count and the ranges.
 * Page-buffer form: each range is one page (hvp_gpa_page); multi-page form:
 * each range is struct hvp_gpa_mpb followed by PFN_UP(offset + len) PFNs,
 * ranges packed back to back.
 */
struct hvp_gpa_direct_header {
	struct hvp_packet_desc desc;
	__le32 reserved;
	__le32 range_count;
};

HVP_ASSERT_SIZE(struct hvp_gpa_direct_header, 24);

struct hvp_gpa_page {
	__le32 len;
	__le32 offset;
	__le64 pfn;
};

HVP_ASSERT_SIZE(struct hvp_gpa_page, 16);

struct hvp_gpa_mpb {
	__le32 len;
	__le32 offset;
	__le64 pfn_array[];
};

HVP_ASSERT_SIZE(struct hvp_gpa_mpb, 8);

/* Transfer-page packets (host -> guest receive buffers) */
struct hvp_xfer_page_range {
	__le32 byte_count;
	__le32 byte_offset;
};

struct hvp_xfer_page_header {
	struct hvp_packet_desc desc;
	__le16 xfer_pageset_id;
	__u8 sender_owns_set;
	__u8 reserved;
	__le32 range_count;
	struct hvp_xfer_page_range ranges[];
};

HVP_ASSERT_OFFSET(struct hvp_xfer_page_header, ranges, 24);
HVP_ASSERT_SIZE(struct hvp_xfer_page_header, 24);

#endif /* HVPROTO_RING_H */
