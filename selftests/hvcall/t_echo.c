// SPDX-License-Identifier: GPL-2.0
/*
 * Echo test: many messages through the test host's echo connection arrive
 * complete and in order, and bursts posted with interrupts off make the
 * host hold one behind a busy slot, so the MessagePending/EOM path runs.
 * A post the host refuses with INSUFFICIENT_BUFFERS is counted and retried
 * as the host allows (struct t_host).
 */
#include <linux/delay.h>
#include <linux/irqflags.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include "test.h"

#define T_BUSY_DELAY_US	20

struct echo_run {
	u32 conn;
	u32 seq;	/* messages the host accepted */
	u32 busy;	/* INSUFFICIENT_BUFFERS answers */
};

/* Posts message @e->seq, retrying while the host is busy, as allowed. */
static int post_one(struct echo_run *e)
{
	u64 payload[HVP_MESSAGE_PAYLOAD_QWORDS];
	u32 size = t_payload_fill(payload, e->seq);
	unsigned int tries = 0;
	int ret;

	for (;;) {
		ret = hvg_post_message(e->conn, T_MSG_TYPE, payload, size);
		if (ret != HVP_STATUS_INSUFFICIENT_BUFFERS)
			return ret;
		e->busy++;
		if (tries++ >= t_host->echo_busy_retries)
			return ret;
		udelay(T_BUSY_DELAY_US);
	}
}

/*
 * Posts up to a burst with interrupts off, so none is consumed before the
 * burst ends. Returns how many the host accepted; a refusal while busy
 * ends the burst without an error in @err.
 */
static int post_burst(struct echo_run *e, int *err)
{
	unsigned long flags;
	int n, ret = 0;

	local_irq_save(flags);
	for (n = 0; n < t_host->echo_burst && e->seq < t_host->echo_count;
	     n++) {
		ret = post_one(e);
		if (ret)
			break;
		e->seq++;
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

static int echo_wait(struct echo_run *e, char *reason)
{
	if (!wait_event_timeout(t_state.wq, caught_up(e->seq), 5 * HZ)) {
		snprintf(reason, T_REASON_LEN, "%d of %u received",
			 atomic_read(&t_state.rx), e->seq);
		return -1;
	}
	if (atomic_read(&t_state.rx_error)) {
		snprintf(reason, T_REASON_LEN, "message %d: %s",
			 atomic_read(&t_state.rx), t_state.rx_reason);
		return -1;
	}
	return 0;
}

static int echo_body(struct echo_run *e, char *reason)
{
	unsigned int stalls = 0;
	int err, n;

	while (e->seq < t_host->echo_count) {
		n = post_burst(e, &err);
		stalls = n ? 0 : stalls + 1;
		if (stalls > 1000)
			err = HVP_STATUS_INSUFFICIENT_BUFFERS;
		if (err) {
			snprintf(reason, T_REASON_LEN, "post %u: %d%s", e->seq,
				 err, err > 0 ? " (TLFS status)" : "");
			return -1;
		}
		if (echo_wait(e, reason))
			return -1;
	}
	if (!atomic_read(&t_state.rx_pending)) {
		snprintf(reason, T_REASON_LEN, "MessagePending never seen");
		return -1;
	}
	return 0;
}

static int echo_on_this_cpu(char *reason)
{
	unsigned int cpu = smp_processor_id();
	struct echo_run e = {};
	int ret;

	ret = t_host->echo_open(cpu, T_ECHO_SINT, &e.conn);
	if (ret) {
		snprintf(reason, T_REASON_LEN, "echo_open %d", ret);
		return -1;
	}
	ret = echo_body(&e, reason);
	/* The host must hold nothing of ours when the connection goes. */
	if (ret)
		wait_event_timeout(t_state.wq, caught_up(e.seq), HZ);
	t_host->echo_close(cpu, T_ECHO_SINT);
	pr_info("hvg_hvcall_test: echo: %u messages, %d with MessagePending, %u INSUFFICIENT_BUFFERS answers\n",
		e.seq, atomic_read(&t_state.rx_pending), e.busy);
	return ret;
}

int t_echo(char *reason)
{
	int ret;

	if (t_need_host(reason))
		return -1;
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
	ret = echo_on_this_cpu(reason);
	migrate_enable();
	hvg_sint_disable(T_ECHO_SINT);
out:
	t_isr_stop();
	return ret ? -1 : 0;
}
