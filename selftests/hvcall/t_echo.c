// SPDX-License-Identifier: GPL-2.0
/*
 * Echo test: 10,000 messages through hvhost's echo service arrive
 * complete and in order, and bursts posted with interrupts off make hvhost
 * queue them, so the MessagePending/EOM path runs.
 */
#include <linux/irqflags.h>
#include <linux/preempt.h>
#include <linux/smp.h>
#include <hvproto/emu_abi.h>
#include <linux/sched.h>
#include "test.h"

#define T_ECHO_COUNT	10000
#define T_ECHO_BURST	8

/* Posts up to T_ECHO_BURST messages from @seq; returns how many went. */
static int post_burst(u32 conn, u32 seq, int *err)
{
	u64 payload[HVP_MESSAGE_PAYLOAD_QWORDS];
	unsigned long flags;
	int n, ret = 0;

	local_irq_save(flags);
	for (n = 0; n < T_ECHO_BURST && seq + n < T_ECHO_COUNT; n++) {
		u32 size = t_payload_fill(payload, seq + n);

		ret = hvg_post_message(conn, T_MSG_TYPE, payload, size);
		if (ret)
			break;
	}
	local_irq_restore(flags);
	*err = ret == HVP_STATUS_INSUFFICIENT_BUFFERS ? 0 : ret;
	return n;
}

static bool caught_up(u32 seq)
{
	return atomic_read(&t_state.rx) >= seq ||
	       atomic_read(&t_state.rx_error);
}

static int echo_body(char *reason)
{
	unsigned int cpu = smp_processor_id();
	u32 conn = HVEMU_TEST_ECHO_CONN(hvg_vp_index(cpu), T_ECHO_SINT);
	unsigned int stalls = 0;
	u32 seq = 0;
	int err, n;

	while (seq < T_ECHO_COUNT) {
		n = post_burst(conn, seq, &err);
		seq += n;
		stalls = n ? 0 : stalls + 1;
		if (stalls > 1000)
			err = HVP_STATUS_INSUFFICIENT_BUFFERS;
		if (err) {
			snprintf(reason, T_REASON_LEN, "post %u: %d", seq, err);
			return -1;
		}
		if (!wait_event_timeout(t_state.wq, caught_up(seq), 5 * HZ)) {
			snprintf(reason, T_REASON_LEN, "%d of %u received",
				 atomic_read(&t_state.rx), seq);
			return -1;
		}
		if (atomic_read(&t_state.rx_error)) {
			snprintf(reason, T_REASON_LEN, "message %d: %s",
				 atomic_read(&t_state.rx), t_state.rx_reason);
			return -1;
		}
	}
	if (!atomic_read(&t_state.rx_pending)) {
		snprintf(reason, T_REASON_LEN, "MessagePending never seen");
		return -1;
	}
	pr_info("hvg_hvcall_test: echo: %u messages, %d with MessagePending\n",
		seq, atomic_read(&t_state.rx_pending));
	return 0;
}

int t_echo(char *reason)
{
	int ret;

	ret = t_isr_start(T_ECHO_SINT, T_NO_SINT);
	if (ret) {
		snprintf(reason, T_REASON_LEN, "set_isr %d", ret);
		return -1;
	}
	ret = hvg_sint_enable(T_ECHO_SINT);
	if (ret) {
		snprintf(reason, T_REASON_LEN, "sint_enable %d", ret);
		goto out;
	}
	/* Stay on one CPU: its VP is the echo target, its ISR the reader. */
	migrate_disable();
	ret = echo_body(reason);
	migrate_enable();
	hvg_sint_disable(T_ECHO_SINT);
out:
	t_isr_stop();
	return ret ? -1 : 0;
}
