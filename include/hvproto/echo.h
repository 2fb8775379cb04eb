/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The echo test device (class HVP_GUID_HVG_ECHO): hvhost's loopback VSP,
 * so the bus is tested end to end without a real VSC. All fields are
 * little-endian.
 *
 * Guest -> host packets and the host's answers (trans_id always echoed):
 *
 *   DATA_INBAND, any payload (0 .. ring limit):
 *	without COMPLETION_REQUESTED: an inband packet with the same payload;
 *	with COMPLETION_REQUESTED: a COMP packet with the same payload.
 *
 *   DATA_USING_GPA_DIRECT (multi-page-buffer ranges; page-buffer form is
 *   the same layout) whose payload starts with struct hvp_echo_req; the
 *   data is the ranges' bytes, concatenated in order, req.len in total
 *   (must equal the ranges' total). Always answered with a COMP packet
 *   holding struct hvp_echo_resp:
 *	HVP_ECHO_OP_ECHO: the data follows the response (len <=
 *	    HVP_ECHO_MAX_INLINE);
 *	HVP_ECHO_OP_SUM: sum = hvp_echo_fnv(seed, data);
 *	HVP_ECHO_OP_FILL: the host writes byte i of the data as
 *	    hvp_echo_byte(seed, i) (host -> guest data path), sum = the FNV
 *	    of what it wrote.
 *   A bad request (short payload, unknown op, len mismatch, a PFN outside
 *   guest RAM, too many ranges) gets status != 0 and no data touched.
 *
 *   Any other packet type is dropped (counted by hvhost).
 *
 * Host -> guest, unsolicited (control command `echo burst RELID COUNT
 * SIZE`): COUNT DATA_INBAND packets with trans_id 0, each SIZE (>= 16)
 * bytes: struct hvp_echo_req { op = HVP_ECHO_OP_BURST, len = SIZE,
 * seed = sequence number from 0 } then byte j (j from 0) of the rest is
 * hvp_echo_byte(seq, j).
 */
#ifndef HVPROTO_ECHO_H
#define HVPROTO_ECHO_H

#include "types.h"

enum hvp_echo_op {
	HVP_ECHO_OP_ECHO = 1,
	HVP_ECHO_OP_SUM = 2,
	HVP_ECHO_OP_FILL = 3,
	HVP_ECHO_OP_BURST = 4,	/* host -> guest only */
};

enum hvp_echo_status {
	HVP_ECHO_OK = 0,
	HVP_ECHO_BAD_REQUEST = 1,	/* short, unknown op, len mismatch */
	HVP_ECHO_BAD_RANGE = 2,		/* malformed range or PFN outside RAM */
	HVP_ECHO_TOO_LONG = 3,		/* ECHO longer than HVP_ECHO_MAX_INLINE */
};

/* Largest data an ECHO over GPA-direct returns inline. */
#define HVP_ECHO_MAX_INLINE	8192
/* Most ranges in one GPA-direct request. */
#define HVP_ECHO_MAX_RANGES	64

struct hvp_echo_req {
	__le32 op;	/* enum hvp_echo_op */
	__le32 len;	/* data bytes */
	__le64 seed;
};

HVP_ASSERT_SIZE(struct hvp_echo_req, 16);

struct hvp_echo_resp {
	__le32 op;	/* the request's op */
	__le32 status;	/* enum hvp_echo_status */
	__le32 len;	/* data bytes processed */
	__le32 reserved;
	__le64 sum;	/* SUM, FILL: hvp_echo_fnv() of the data */
};

HVP_ASSERT_SIZE(struct hvp_echo_resp, 24);

#define HVP_ECHO_FNV_PRIME	0x100000001b3ULL
#define HVP_ECHO_FNV_BASIS	0xcbf29ce484222325ULL

/* FNV-1a 64 over @len bytes, continuing from @h (start: hvp_echo_fnv_init). */
static inline __u64 hvp_echo_fnv_init(__u64 seed)
{
	return HVP_ECHO_FNV_BASIS ^ seed;
}

static inline __u64 hvp_echo_fnv(__u64 h, const void *data, __u64 len)
{
	const __u8 *p = data;

	while (len--)
		h = (h ^ *p++) * HVP_ECHO_FNV_PRIME;
	return h;
}

/* The FILL and burst pattern: byte @i of a stream seeded with @seed. */
static inline __u8 hvp_echo_byte(__u64 seed, __u64 i)
{
	__u64 x = seed * 0x9e3779b97f4a7c15ULL + i;

	return (__u8)(x ^ (x >> 8) ^ (x >> 29));
}

#endif /* HVPROTO_ECHO_H */
