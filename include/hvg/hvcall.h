/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvg_hvcall: the suite's interface to the hypervisor (TLFS hypercalls and
 * the SynIC), independent of the backend that carries it:
 *   "hyperv" - real Hyper-V (or KVM's Hyper-V emulation): hypercall page,
 *              native MSRs, HYPERVISOR_CALLBACK_VECTOR;
 *   "emu"    - hvhost through the doorbell ABI of <hvproto/emu_abi.h>.
 * Nothing above this header knows which backend runs.
 *
 * Return convention of the hypercall helpers: 0 on success, a negative
 * errno when the call could not be made (bad argument, transport failure,
 * timeout), or a positive TLFS status (HVP_STATUS_*) the hypervisor
 * returned.
 */
#ifndef HVG_HVCALL_H
#define HVG_HVCALL_H

#include <linux/types.h>
#include "../hvproto/tlfs.h"

enum hvg_backend_kind {
	HVG_BACKEND_HYPERV,
	HVG_BACKEND_EMU,
};

/**
 * struct hvg_platform_info - what the hypervisor offers this partition
 * @backend: which backend carries TLFS operations
 * @backend_name: "hyperv" or "emu"
 * @features: CPUID 0x40000003 EAX (partition privileges, low)
 * @priv_high: CPUID 0x40000003 EBX (partition privileges, high)
 * @misc_features: CPUID 0x40000003 EDX
 * @hints: CPUID 0x40000004 EAX (recommendations)
 */
struct hvg_platform_info {
	enum hvg_backend_kind backend;
	const char *backend_name;
	u32 features;
	u32 priv_high;
	u32 misc_features;
	u32 hints;
};

/**
 * struct hvg_synic_regs - one VP's SynIC registers, as read back
 * @scontrol: SCONTROL
 * @sversion: SVERSION
 * @simp: SIMP
 * @siefp: SIEFP
 * @sint: SINT0..SINT15
 */
struct hvg_synic_regs {
	u64 scontrol;
	u64 sversion;
	u64 simp;
	u64 siefp;
	u64 sint[HVP_SINT_COUNT];
};

/**
 * typedef hvg_synic_isr_t - the per-CPU SynIC interrupt callback
 * @ctx: the pointer given to hvg_synic_set_isr()
 *
 * Runs in hard interrupt context on the CPU whose SynIC has a new message
 * or event flag; it inspects that CPU's message and event-flag pages.
 */
typedef void (*hvg_synic_isr_t)(void *ctx);

const struct hvg_platform_info *hvg_platform(void);
u32 hvg_vp_index(unsigned int cpu);
int hvg_reference_counter(u64 *val);
/* Tests only: hvhost's test service (emu backend). */
int hvg_emu_test_request(u64 req, u64 arg, u64 *result);

u64 hvg_hypercall(u64 control, u64 input, u64 output);
int hvg_post_message(u32 connection_id, u32 message_type,
		     const void *payload, u32 payload_size);
int hvg_signal_event(u32 connection_id, u16 flag_number);

int hvg_synic_set_isr(hvg_synic_isr_t isr, void *ctx);
void hvg_synic_clear_isr(void);
int hvg_sint_enable(u8 sint);
void hvg_sint_disable(u8 sint);
struct hvp_message *hvg_synic_message(unsigned int cpu, u8 sint);
struct hvp_event_flags *hvg_synic_event_flags(unsigned int cpu, u8 sint);
void hvg_synic_message_done(struct hvp_message *msg);
int hvg_synic_read_regs(unsigned int cpu, struct hvg_synic_regs *regs);

#endif /* HVG_HVCALL_H */
