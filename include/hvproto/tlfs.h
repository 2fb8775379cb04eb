/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hypervisor Top Level Functional Specification (TLFS) facts used by the
 * suite: synthetic MSRs, CPUID leaves, hypercall control words and status
 * codes, and the SynIC message and event-flag pages. x86-64 only.
 *
 * Every name carries the hvp_/HVP_ prefix so this header can be included
 * beside the kernel's own <asm/hyperv-tlfs.h>.
 */
#ifndef HVPROTO_TLFS_H
#define HVPROTO_TLFS_H

#include "types.h"

/* CPUID leaves */
#define HVP_CPUID_VENDOR		0x40000000	/* ebx,ecx,edx: "Microsoft Hv" */
#define HVP_CPUID_FEATURES		0x40000003
#define HVP_CPUID_HINTS			0x40000004

/* Leaf 0x40000003 EAX: partition privileges (low) */
#define HVP_PRIV_VP_RUNTIME		BIT(0)
#define HVP_PRIV_TIME_REF_COUNT		BIT(1)
#define HVP_PRIV_SYNIC			BIT(2)
#define HVP_PRIV_SYNTIMER		BIT(3)
#define HVP_PRIV_HYPERCALL		BIT(5)
#define HVP_PRIV_VP_INDEX		BIT(6)
/* Leaf 0x40000003 EBX: partition privileges (high) */
#define HVP_PRIV_POST_MESSAGES		BIT(4)
#define HVP_PRIV_SIGNAL_EVENTS		BIT(5)

/* Leaf 0x40000004 EAX: recommendations */
#define HVP_HINT_DEPRECATING_AEOI	BIT(9)	/* ack the APIC; do not use auto-EOI */

/* Synthetic MSRs */
#define HVP_MSR_GUEST_OS_ID		0x40000000
#define HVP_MSR_HYPERCALL		0x40000001
#define HVP_MSR_VP_INDEX		0x40000002
#define HVP_MSR_TIME_REF_COUNT		0x40000020	/* 100 ns units since partition start */
#define HVP_MSR_SCONTROL		0x40000080
#define HVP_MSR_SVERSION		0x40000081
#define HVP_MSR_SIEFP			0x40000082
#define HVP_MSR_SIMP			0x40000083
#define HVP_MSR_EOM			0x40000084
#define HVP_MSR_SINT0			0x40000090
#define HVP_MSR_SINT15			0x4000009F

#define HVP_SINT_COUNT			16
#define HVP_SYNIC_VERSION		1

/* HYPERCALL, SIMP and SIEFP: bit 0 enable, bits 63:12 guest page number */
#define HVP_MSR_PAGE_ENABLE		BIT_ULL(0)
#define HVP_MSR_PAGE_GPN_SHIFT		12
#define HVP_MSR_PAGE_GPA_MASK		(~0xfffull)
/* SCONTROL */
#define HVP_SCONTROL_ENABLE		BIT_ULL(0)
/* SINTx */
#define HVP_SINT_VECTOR_MASK		0xffull
#define HVP_SINT_MASKED			BIT_ULL(16)
#define HVP_SINT_AUTO_EOI		BIT_ULL(17)
#define HVP_SINT_POLLING		BIT_ULL(18)
#define HVP_SINT_VALID_BITS		(HVP_SINT_VECTOR_MASK | HVP_SINT_MASKED | \
					 HVP_SINT_AUTO_EOI | HVP_SINT_POLLING)
/* The lowest vector a SINT may name; the reset value of a SINT is masked. */
#define HVP_SINT_MIN_VECTOR		16

/* Guest OS ID for Linux: vendor 0x8100 in bits 63:48, version in 47:16 */
#define HVP_GUEST_OS_ID_LINUX(kver)	((0x8100ull << 48) | \
					 (((unsigned long long)(kver) & 0xffffffffull) << 16))

/* Hypercall control word (RCX) and result (RAX) */
#define HVP_HCALL_CODE_MASK		0xffffull
#define HVP_HCALL_FAST			BIT_ULL(16)
#define HVP_HCALL_VARHEAD_SHIFT		17
#define HVP_HCALL_VARHEAD_MASK		(0x3ffull << HVP_HCALL_VARHEAD_SHIFT)
#define HVP_HCALL_REP_COUNT_SHIFT	32
#define HVP_HCALL_REP_COUNT_MASK	(0xfffull << HVP_HCALL_REP_COUNT_SHIFT)
#define HVP_HCALL_REP_START_SHIFT	48
#define HVP_HCALL_REP_START_MASK	(0xfffull << HVP_HCALL_REP_START_SHIFT)
/* Bits a guest must leave zero in a control word */
#define HVP_HCALL_RSVD_MASK		(~(HVP_HCALL_CODE_MASK | HVP_HCALL_FAST | \
					   HVP_HCALL_VARHEAD_MASK | \
					   HVP_HCALL_REP_COUNT_MASK | \
					   HVP_HCALL_REP_START_MASK))
#define HVP_HCALL_STATUS_MASK		0xffffull

/* Hypercall codes */
#define HVP_CALL_POST_MESSAGE		0x005c
#define HVP_CALL_SIGNAL_EVENT		0x005d

/* Hypercall status codes */
#define HVP_STATUS_SUCCESS			0
#define HVP_STATUS_INVALID_HYPERCALL_CODE	2
#define HVP_STATUS_INVALID_HYPERCALL_INPUT	3
#define HVP_STATUS_INVALID_ALIGNMENT		4
#define HVP_STATUS_INVALID_PARAMETER		5
#define HVP_STATUS_ACCESS_DENIED		6
#define HVP_STATUS_OPERATION_DENIED		8
#define HVP_STATUS_INSUFFICIENT_MEMORY		11
#define HVP_STATUS_INVALID_PORT_ID		17
#define HVP_STATUS_INVALID_CONNECTION_ID	18
#define HVP_STATUS_INSUFFICIENT_BUFFERS		19

/* SynIC message page: one 256-byte slot per SINT */
#define HVP_MESSAGE_SIZE		256
#define HVP_MESSAGE_PAYLOAD_BYTES	240
#define HVP_MESSAGE_PAYLOAD_QWORDS	30

#define HVP_MSG_NONE			0x00000000u
/* Message types with bit 31 set are reserved to the hypervisor. */
#define HVP_MSG_HYPERVISOR_MASK		0x80000000u
#define HVP_MSG_TIMER_EXPIRED		0x80000010u

/* hvp_message_header.flags */
#define HVP_MSG_FLAG_PENDING		BIT(0)

struct hvp_message_header {
	__le32 message_type;
	__u8 payload_size;
	__u8 flags;
	__u8 reserved[2];
	__le64 sender;		/* port id or partition id; unused by the suite */
};

struct hvp_message {
	struct hvp_message_header header;
	__le64 payload[HVP_MESSAGE_PAYLOAD_QWORDS];
};

HVP_ASSERT_SIZE(struct hvp_message_header, 16);
HVP_ASSERT_OFFSET(struct hvp_message_header, flags, 5);
HVP_ASSERT_SIZE(struct hvp_message, HVP_MESSAGE_SIZE);

struct hvp_message_page {
	struct hvp_message sint_message[HVP_SINT_COUNT];
};

HVP_ASSERT_SIZE(struct hvp_message_page, 4096);

/* SynIC event-flags page: 2048 flag bits per SINT */
#define HVP_EVENT_FLAGS_BYTES		256
#define HVP_EVENT_FLAGS_COUNT		(HVP_EVENT_FLAGS_BYTES * 8)

struct hvp_event_flags {
	__u8 flags[HVP_EVENT_FLAGS_BYTES];
};

struct hvp_event_flags_page {
	struct hvp_event_flags sint_flags[HVP_SINT_COUNT];
};

HVP_ASSERT_SIZE(struct hvp_event_flags_page, 4096);

/* HvPostMessage input block (memory input, 8-byte aligned, one page) */
#define HVP_CONNECTION_ID_MASK		0x00ffffffu

struct hvp_post_message_input {
	__le32 connection_id;	/* bits 23:0; 31:24 reserved */
	__le32 reserved;
	__le32 message_type;
	__le32 payload_size;
	__le64 payload[HVP_MESSAGE_PAYLOAD_QWORDS];
};

HVP_ASSERT_SIZE(struct hvp_post_message_input, 256);
HVP_ASSERT_OFFSET(struct hvp_post_message_input, payload, 16);

/*
 * HvSignalEvent input: 8 bytes, normally passed as a fast hypercall in RDX:
 * connection id in bits 31:0, flag number in bits 47:32, bits 63:48 zero.
 */
struct hvp_signal_event_input {
	__le32 connection_id;
	__le16 flag_number;
	__le16 reserved;
};

HVP_ASSERT_SIZE(struct hvp_signal_event_input, 8);

#define HVP_SIGNAL_EVENT_FAST_INPUT(conn, flag) \
	(((__u64)(conn) & 0xffffffffull) | ((__u64)((flag) & 0xffff) << 32))

#endif /* HVPROTO_TLFS_H */
