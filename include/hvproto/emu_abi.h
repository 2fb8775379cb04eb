/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The emu transport ("doorbell ABI") between hvg_hvcall's emu backend and
 * hvhost, the emulated Hyper-V host.
 *
 * Transport: QEMU's ivshmem-doorbell PCI device (1af4:1110) connected to
 * hvhost's ivshmem server socket. hvhost is peer 0 and owns one eventfd per
 * virtual processor (VP); the guest is the client and owns one MSI-X vector
 * per VP. BAR2 is the control region below, created by hvhost. Guest RAM is
 * a shared file (memory-backend-file,share=on) that hvhost maps, so guest
 * physical addresses (SynIC pages, hypercall input pages) are read and
 * written by hvhost directly, as a root partition does on Hyper-V.
 *
 * Control region (BAR2):
 *   offset 0                 struct hvemu_ctl_header
 *   offset header_size       struct hvemu_slot[nr_slots], slot_size apart
 *
 * A VP's slot carries one TLFS operation that a real guest would perform
 * with an instruction: a hypercall (vmcall through the hypercall page), or
 * a rdmsr/wrmsr of a synthetic MSR. Slot i belongs to VP i, and only the
 * CPU whose VP index is i may use it, with local interrupts disabled.
 *
 * Request (guest):
 *   1. wait until done_seq == req_seq (the previous request is finished);
 *   2. write op and arg[]; then, ordered after them, req_seq + 1 to req_seq;
 *   3. ring the doorbell: write (0 << 16 | i) to BAR0 offset 12 (peer 0,
 *      vector i);
 *   4. unless the request is posted, wait, with a bound, until
 *      done_seq == req_seq, then read status and result.
 * A posted request (used where the TLFS result carries nothing the guest
 * acts on, e.g. HvSignalEvent and EOM) returns after step 3; the next
 * request on that slot waits for it in step 1.
 *
 * Completion (hvhost): on vector i's eventfd, or whenever it scans slots,
 * if req_seq != done_seq it reads op and arg[], performs the operation with
 * the VP's TLFS state, writes status and result and then, ordered after
 * them, req_seq to done_seq. Every field is untrusted: an unknown op gets
 * HVEMU_STATUS_BAD_OP.
 *
 * Interrupts (hvhost -> guest): to interrupt VP i (an unmasked SINT with a
 * new message or event flag), hvhost signals the guest's eventfd for MSI-X
 * vector i; the guest binds vector i to the CPU of VP i.
 *
 * Further rules:
 * - VP index i is Linux CPU i: a CPU must know its slot before it can issue
 *   any request, so the guest refuses to bind when nr_slots < nr_cpu_ids,
 *   and VP_INDEX read through slot i returns i.
 * - QEMU's ivshmem-doorbell "vectors" property must equal nr_slots; neither
 *   side can check it, so the runner starts both from one number.
 * - A req_seq that differs from done_seq by any amount is one request.
 * - A posted request that fails (e.g. #UD) is only counted by hvhost.
 * - cpuid_features[2] (ECX), cpuid_features[3] (EDX) and cpuid_hints are
 *   zero in ABI version 1.
 * - GUEST_OS_ID and HYPERCALL are partition-wide, as in the TLFS; every
 *   other synthetic MSR is per VP.
 * - Adding an op, a test request or a status that only answers a new op
 *   keeps HVEMU_ABI_VERSION: the header and slot layout and the meaning of
 *   every existing op are unchanged, an older host answers a new op with
 *   HVEMU_STATUS_BAD_OP (as it must answer any unknown op), and a guest
 *   treats that answer as "not offered". The version changes only when an
 *   existing layout or meaning does.
 */
#ifndef HVPROTO_EMU_ABI_H
#define HVPROTO_EMU_ABI_H

#include "types.h"

/* "hvhostEM" in little-endian byte order at offset 0 of BAR2 */
#define HVEMU_MAGIC		0x4d4574736f687668ull
#define HVEMU_ABI_VERSION	1

#define HVEMU_PCI_VENDOR	0x1af4
#define HVEMU_PCI_DEVICE	0x1110

/* ivshmem BAR0 registers */
#define HVEMU_BAR0_IVPOSITION	8
#define HVEMU_BAR0_DOORBELL	12
#define HVEMU_HOST_PEER_ID	0
#define HVEMU_DOORBELL(vector)	((HVEMU_HOST_PEER_ID << 16) | ((vector) & 0xffff))

#define HVEMU_HEADER_SIZE	4096
#define HVEMU_SLOT_SIZE		64
#define HVEMU_MAX_VPS		64
/* Size of the shared control region hvhost creates (BAR2, a power of two) */
#define HVEMU_CTL_REGION_SIZE	(64 * 1024)

struct hvemu_ctl_header {
	__le64 magic;			/* HVEMU_MAGIC */
	__le32 abi_version;		/* HVEMU_ABI_VERSION */
	__le32 header_size;		/* offset of slot 0 */
	__le32 nr_slots;		/* number of VPs and of MSI-X vectors */
	__le32 slot_size;		/* distance between slots */
	__le32 cpuid_features[4];	/* leaf 0x40000003 EAX, EBX, ECX, EDX */
	__le32 cpuid_hints;		/* leaf 0x40000004 EAX */
	__le32 reserved0;
	__le64 ram_size;		/* bytes of guest RAM hvhost maps */
	char host_version[32];		/* NUL-terminated, informational */
};

HVP_ASSERT_OFFSET(struct hvemu_ctl_header, abi_version, 8);
HVP_ASSERT_OFFSET(struct hvemu_ctl_header, nr_slots, 16);
HVP_ASSERT_OFFSET(struct hvemu_ctl_header, cpuid_features, 24);
HVP_ASSERT_OFFSET(struct hvemu_ctl_header, ram_size, 48);
HVP_ASSERT_SIZE(struct hvemu_ctl_header, 88);

/* hvemu_slot.op */
enum hvemu_op {
	HVEMU_OP_NONE = 0,
	/* arg0 control, arg1 input (GPA or fast), arg2 output; result = RAX */
	HVEMU_OP_HYPERCALL = 1,
	HVEMU_OP_RDMSR = 2,	/* arg0 MSR; result = value */
	HVEMU_OP_WRMSR = 3,	/* arg0 MSR, arg1 value */
	/*
	 * A request to hvhost's test service (no TLFS counterpart; tests
	 * only): arg0 enum hvemu_test_req, arg1 and arg2 as the request
	 * says, zero where it uses none; result = its answer. An unknown
	 * request, or one with a non-zero argument it does not use, gets
	 * HVEMU_STATUS_BAD_OP and result 0. Added to ABI version 1 without
	 * a version change (see "Further rules").
	 */
	HVEMU_OP_TEST = 4,
};

/* hvemu_slot.arg[0] of HVEMU_OP_TEST */
enum hvemu_test_req {
	/*
	 * The host clock the timesync device sends (vsp/timesync: host
	 * CLOCK_REALTIME plus the control socket's shift and drift), read
	 * while the request is performed: 100 ns units since 1601-01-01, as
	 * in a timesync sample's parent_time. arg1, arg2: 0. Lets a test
	 * compare a guest clock with host time over one mailbox round trip.
	 */
	HVEMU_TEST_REQ_TIMESYNC_TIME = 1,
};

/* hvemu_slot.status: how the instruction itself ended */
enum hvemu_status {
	HVEMU_STATUS_OK = 0,	/* done; for a hypercall, result carries the TLFS status */
	HVEMU_STATUS_GP = 1,	/* the instruction would raise #GP (bad MSR or value) */
	HVEMU_STATUS_UD = 2,	/* hypercall with the hypercall page disabled (#UD) */
	HVEMU_STATUS_BAD_OP = 3,	/* op unknown to hvhost */
};

struct hvemu_slot {
	__le32 req_seq;		/* written by the guest, last */
	__le32 done_seq;	/* written by hvhost, last */
	__le32 op;		/* enum hvemu_op */
	__le32 status;		/* enum hvemu_status */
	__le64 arg[3];
	__le64 result;
	__le64 reserved[2];
};

HVP_ASSERT_OFFSET(struct hvemu_slot, done_seq, 4);
HVP_ASSERT_OFFSET(struct hvemu_slot, arg, 16);
HVP_ASSERT_OFFSET(struct hvemu_slot, result, 40);
HVP_ASSERT_SIZE(struct hvemu_slot, HVEMU_SLOT_SIZE);

static_assert(HVEMU_HEADER_SIZE + HVEMU_MAX_VPS * HVEMU_SLOT_SIZE <=
	      HVEMU_CTL_REGION_SIZE, "slots do not fit the control region");

/*
 * hvhost's test service, so the SynIC layer is tested before VMBus exists.
 * Connection ids are 24 bits; bits 11:4 name the target VP and bits 3:0
 * the target SINT.
 *
 * HvPostMessage to HVEMU_TEST_ECHO_CONN(vp, sint) queues a message with the
 * same message type and payload to that VP's SINT (through the SIMP slot,
 * with MessagePending and EOM as for any message).
 *
 * HvSignalEvent to HVEMU_TEST_EVENT_CONN(vp, sint) with flag number f sets
 * flag f in that VP's SIEFP slot for the SINT and, if the flag was clear
 * and the SINT is enabled and unmasked, interrupts the VP.
 *
 * The same service answers HVEMU_OP_TEST requests in the mailbox (above).
 */
#define HVEMU_TEST_ECHO_BASE		0x00ec0000u
#define HVEMU_TEST_EVENT_BASE		0x00ee0000u
#define HVEMU_TEST_TARGET_MASK		0x00000fffu
#define HVEMU_TEST_BASE_MASK		0x00fff000u
#define HVEMU_TEST_ECHO_CONN(vp, sint)	(HVEMU_TEST_ECHO_BASE | \
					 (((vp) & 0xff) << 4) | ((sint) & 0xf))
#define HVEMU_TEST_EVENT_CONN(vp, sint)	(HVEMU_TEST_EVENT_BASE | \
					 (((vp) & 0xff) << 4) | ((sint) & 0xf))
#define HVEMU_TEST_CONN_VP(conn)	(((conn) >> 4) & 0xff)
#define HVEMU_TEST_CONN_SINT(conn)	((conn) & 0xf)

#endif /* HVPROTO_EMU_ABI_H */
