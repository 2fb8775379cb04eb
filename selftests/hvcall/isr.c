// SPDX-License-Identifier: GPL-2.0
/*
 * The tests' SynIC ISR: consumes echo messages in order (checking each
 * payload) and clears event flags, counting what it saw.
 */
#include <linux/bitops.h>
#include <linux/sched.h>
#include <asm/sync_bitops.h>
#include <linux/cpumask.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>
#include "test.h"

struct t_state t_state;

#define T_MIX	0x9e3779b97f4a7c15ull

/**
 * t_payload_fill() - the payload of echo message @seq
 * @payload: 30 qwords
 * @seq: sequence number
 *
 * Return: its size in bytes, 16 up to the test host's largest payload.
 */
u32 t_payload_fill(u64 *payload, u32 seq)
{
	u32 n = 2 + seq % (t_host->payload_qwords - 1), i;
	u64 sum = 0;

	payload[0] = seq;
	for (i = 1; i < n - 1; i++)
		payload[i] = (seq + 1) * T_MIX ^ i;
	for (i = 0; i < n - 1; i++)
		sum += payload[i] ^ (i * T_MIX);
	payload[n - 1] = sum;
	return n * 8;
}

/**
 * t_payload_check() - is @payload echo message @seq?
 * @payload: received qwords
 * @size: received payload size
 * @seq: the expected sequence number
 *
 * Return: 0 or -1.
 */
int t_payload_check(const u64 *payload, u32 size, u32 seq)
{
	u64 want[HVP_MESSAGE_PAYLOAD_QWORDS];
	u32 n = t_payload_fill(want, seq);

	if (size != n)
		return -1;
	return memcmp(want, payload, n) ? -1 : 0;
}

/**
 * t_fail_isr() - record the ISR's first error
 * @reason: text
 */
void t_fail_isr(const char *reason)
{
	if (atomic_cmpxchg(&t_state.rx_error, 0, 1) == 0)
		strscpy(t_state.rx_reason, reason, sizeof(t_state.rx_reason));
}

static void isr_message(struct hvp_message *msg)
{
	u64 payload[HVP_MESSAGE_PAYLOAD_QWORDS];
	u32 type = le32_to_cpu(READ_ONCE(msg->header.message_type));
	u32 size;

	if (type == HVP_MSG_NONE)
		return;
	/* Orders reading message_type before the rest of the message. */
	virt_rmb();
	size = min_t(u32, msg->header.payload_size, sizeof(payload));
	memcpy(payload, msg->payload, size);
	if (msg->header.flags & HVP_MSG_FLAG_PENDING)
		atomic_inc(&t_state.rx_pending);
	if (type != T_MSG_TYPE)
		t_fail_isr("wrong message type");
	else if (t_payload_check(payload, msg->header.payload_size,
				 atomic_read(&t_state.rx)))
		t_fail_isr("message out of order or corrupt");
	atomic_inc(&t_state.rx);
	hvg_synic_message_done(msg);
}

static void isr_events(unsigned int cpu, struct hvp_event_flags *evt)
{
	unsigned long *bits = (unsigned long *)evt->flags;
	unsigned int i;

	for (i = 0; i < HVP_EVENT_FLAGS_COUNT; i++) {
		if (!test_bit(i, bits) || !sync_test_and_clear_bit(i, bits))
			continue;
		atomic_set(&t_state.evt_last[cpu], i);
		atomic_inc(&t_state.evt_seen[cpu]);
	}
}

static void t_isr(void *ctx)
{
	unsigned int cpu = smp_processor_id();
	struct t_state *t = ctx;

	atomic_inc(&t->isr_calls);
	if (t->msg_sint != T_NO_SINT)
		isr_message(hvg_synic_message(cpu, t->msg_sint));
	if (t->evt_sint != T_NO_SINT)
		isr_events(cpu, hvg_synic_event_flags(cpu, t->evt_sint));
	wake_up(&t->wq);
}

/**
 * t_isr_start() - reset the counters and install the ISR
 * @msg_sint: SINT to consume messages from, or T_NO_SINT
 * @evt_sint: SINT to clear event flags of, or T_NO_SINT
 *
 * Return: 0 or a negative errno.
 */
int t_isr_start(u8 msg_sint, u8 evt_sint)
{
	struct t_state *t = &t_state;
	int ret;

	t->evt_seen = kcalloc(nr_cpu_ids, sizeof(atomic_t), GFP_KERNEL);
	t->evt_last = kcalloc(nr_cpu_ids, sizeof(atomic_t), GFP_KERNEL);
	if (!t->evt_seen || !t->evt_last) {
		ret = -ENOMEM;
		goto err;
	}
	t->msg_sint = msg_sint;
	t->evt_sint = evt_sint;
	atomic_set(&t->isr_calls, 0);
	atomic_set(&t->rx, 0);
	atomic_set(&t->rx_pending, 0);
	atomic_set(&t->rx_error, 0);
	t->rx_reason[0] = '\0';
	ret = hvg_synic_set_isr(t_isr, t);
	if (!ret)
		return 0;
err:
	kfree(t->evt_seen);
	kfree(t->evt_last);
	return ret;
}

/**
 * t_isr_stop() - remove the ISR (waits for running calls)
 */
void t_isr_stop(void)
{
	hvg_synic_clear_isr();
	kfree(t_state.evt_seen);
	kfree(t_state.evt_last);
	t_state.evt_seen = NULL;
	t_state.evt_last = NULL;
}
