// SPDX-License-Identifier: GPL-2.0
/*
 * TLFS hypercalls on top of the backend: the generic call, HvPostMessage
 * (memory input from a per-CPU page) and HvSignalEvent (fast input).
 */
#include <linux/cpumask.h>
#include <linux/gfp.h>
#include <linux/irqflags.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/string.h>
#include <asm/io.h>
#include "backend.h"

/*
 * One zeroed page per possible CPU for hypercall input blocks, so a block
 * is 8-byte aligned and never straddles a page. A CPU uses only its own
 * page, with interrupts disabled for the whole call.
 */
static DEFINE_PER_CPU(void *, input_page);

/**
 * hvg_hypercall_init() - allocate the per-CPU input pages
 *
 * Return: 0 or -ENOMEM.
 */
int hvg_hypercall_init(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		void *page = (void *)get_zeroed_page(GFP_KERNEL);

		if (!page) {
			hvg_hypercall_exit();
			return -ENOMEM;
		}
		per_cpu(input_page, cpu) = page;
	}
	return 0;
}

/**
 * hvg_hypercall_exit() - free the per-CPU input pages
 */
void hvg_hypercall_exit(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		free_page((unsigned long)per_cpu(input_page, cpu));
		per_cpu(input_page, cpu) = NULL;
	}
}

/**
 * hvg_hypercall() - issue a raw TLFS hypercall on the calling CPU
 * @control: the control word (call code, fast bit, rep count...)
 * @input: input block GPA, or the first fast input
 * @output: output block GPA, or the second fast input
 *
 * Any context. Input and output blocks are the caller's: 8-byte aligned,
 * not straddling a page, in memory the hypervisor can read (and, on the
 * emu backend, in guest RAM that hvhost maps).
 *
 * Return: the hypercall result (RAX: status in bits 15:0, reps completed in
 * bits 43:32), or U64_MAX when the call could not be made.
 */
u64 hvg_hypercall(u64 control, u64 input, u64 output)
{
	u64 result;

	if (hvg_ops->hypercall(control, input, output, &result))
		return U64_MAX;
	return result;
}
EXPORT_SYMBOL_GPL(hvg_hypercall);

static bool post_message_valid(u32 connection_id, u32 message_type,
			       const void *payload, u32 payload_size)
{
	if (connection_id & ~HVP_CONNECTION_ID_MASK)
		return false;
	if (message_type == HVP_MSG_NONE ||
	    (message_type & HVP_MSG_HYPERVISOR_MASK))
		return false;
	if (payload_size > HVP_MESSAGE_PAYLOAD_BYTES)
		return false;
	return payload || !payload_size;
}

/**
 * hvg_post_message() - HvPostMessage: send a message to a connection
 * @connection_id: the target connection (24 bits)
 * @message_type: a guest message type (nonzero, bit 31 clear)
 * @payload: @payload_size bytes to send
 * @payload_size: at most 240
 *
 * Any context; concurrent callers on different CPUs are fine.
 *
 * Return: 0; -EINVAL for a bad argument (no hypercall is made); another
 * negative errno if the call could not be made; or a positive TLFS status,
 * e.g. HVP_STATUS_INVALID_CONNECTION_ID or HVP_STATUS_INSUFFICIENT_BUFFERS.
 */
int hvg_post_message(u32 connection_id, u32 message_type,
		     const void *payload, u32 payload_size)
{
	struct hvp_post_message_input *in;
	unsigned long flags;
	u64 result;
	int ret;

	if (!post_message_valid(connection_id, message_type, payload,
				payload_size))
		return -EINVAL;

	local_irq_save(flags);
	in = this_cpu_read(input_page);
	in->connection_id = cpu_to_le32(connection_id);
	in->reserved = 0;
	in->message_type = cpu_to_le32(message_type);
	in->payload_size = cpu_to_le32(payload_size);
	memcpy(in->payload, payload, payload_size);
	ret = hvg_ops->hypercall(HVP_CALL_POST_MESSAGE, virt_to_phys(in), 0,
				 &result);
	local_irq_restore(flags);
	if (ret)
		return ret;
	return result & HVP_HCALL_STATUS_MASK;
}
EXPORT_SYMBOL_GPL(hvg_post_message);

/**
 * hvg_signal_event() - HvSignalEvent: set an event flag of a connection
 * @connection_id: the target connection
 * @flag_number: the flag to set
 *
 * Any context. A fast hypercall; the emu backend posts it without waiting
 * for hvhost, so a TLFS error is then not reported.
 *
 * Return: 0, a negative errno, or a positive TLFS status.
 */
int hvg_signal_event(u32 connection_id, u16 flag_number)
{
	return hvg_ops->signal_event(HVP_SIGNAL_EVENT_FAST_INPUT(connection_id,
								 flag_number));
}
EXPORT_SYMBOL_GPL(hvg_signal_event);
