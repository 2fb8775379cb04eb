// SPDX-License-Identifier: GPL-2.0
/*
 * Channel interrupts both ways. Host -> guest: the SynIC ISR takes this
 * CPU's SINT2 event flags, one per relid, and schedules each channel's
 * tasklet, which runs the driver's callback in batches with the inbound
 * interrupt_mask set. Guest -> host: the interrupt-page bit and
 * HvSignalEvent, or the monitor page when the offer asks for it.
 */
#include <linux/bitops.h>
#include <asm/sync_bitops.h>
#include <linux/smp.h>
#include <hvg/hvcall.h>
#include "channel.h"

#define CB_BATCHES	16	/* callback rounds before yielding the CPU */

static void chan_event(struct hvg_conn *conn, u32 relid)
{
	struct hvg_vmbus_channel *ch;

	ch = rcu_dereference(conn->channels[relid]);
	if (!ch)
		return;
	atomic64_inc(&ch->stats.interrupts);
	if (READ_ONCE(ch->cb))
		tasklet_schedule(&ch->tasklet);
}

/**
 * hvg_event_isr() - dispatch this CPU's channel event flags
 * @conn: the connection
 *
 * Hard interrupt context, inside the hvcall ISR's RCU read section.
 */
void hvg_event_isr(struct hvg_conn *conn)
{
	struct hvp_event_flags *ef;
	unsigned long *words, bits;
	u32 w, nwords, bit;

	ef = hvg_synic_event_flags(smp_processor_id(), HVP_VMBUS_MESSAGE_SINT);
	if (!ef)
		return;
	words = (unsigned long *)ef->flags;
	nwords = READ_ONCE(conn->max_relid) / BITS_PER_LONG + 1;
	for (w = 0; w < nwords; w++) {
		if (!READ_ONCE(words[w]))
			continue;
		bits = xchg(&words[w], 0);
		for_each_set_bit(bit, &bits, BITS_PER_LONG) {
			u32 relid = w * BITS_PER_LONG + bit;

			if (relid)	/* bit 0 stands for control messages */
				chan_event(conn, relid);
		}
	}
}

/**
 * hvg_chan_signal() - tell the host the channel has news
 * @ch: an open channel
 *
 * Any context. Called only when the ring core says so (the ring became
 * non-empty with the host's interrupt_mask clear, or a read freed the
 * space the host was waiting for): Hyper-V throttles needless signals.
 */
void hvg_chan_signal(struct hvg_vmbus_channel *ch)
{
	struct hvg_conn *conn = ch->conn;
	unsigned long *send_bits;

	atomic64_inc(&ch->stats.events);
	send_bits = (unsigned long *)((u8 *)conn->int_page +
				      HVP_VMBUS_INT_PAGE_HALF);
	if (!ch->dedicated || ch->monitored)
		sync_set_bit(ch->relid, send_bits);
	if (ch->monitored) {
		struct hvp_monitor_trigger_group *tg =
			&conn->monitor[1]->trigger_group[ch->monitor_id / 32];

		/* pending is the low half of the 8-aligned group word. */
		sync_set_bit(ch->monitor_id % 32, (unsigned long *)&tg->pending);
		return;
	}
	hvg_signal_event(ch->sig_conn_id, 0);
}

/**
 * hvg_chan_tasklet() - run a channel's callback until its ring is drained
 * @t: the channel's tasklet
 *
 * Softirq context on the channel's CPU. Packets are read with the inbound
 * interrupt_mask set; unmasking rechecks for packets written meanwhile.
 */
void hvg_chan_tasklet(struct tasklet_struct *t)
{
	struct hvg_vmbus_channel *ch = from_tasklet(ch, t, tasklet);
	hvg_channel_cb_t cb = READ_ONCE(ch->cb);
	unsigned int round;

	if (!cb)
		return;
	for (round = 0; round < CB_BATCHES; round++) {
		hvg_ring_mask_interrupts(&ch->in);
		cb(ch, ch->cb_ctx);
		if (hvg_ring_read_done(&ch->in)) {
			atomic64_inc(&ch->stats.intr_in_full);
			hvg_chan_signal(ch);
		}
		if (hvg_ring_is_broken(&ch->in) ||
		    !hvg_ring_unmask_interrupts(&ch->in))
			return;
	}
	tasklet_schedule(&ch->tasklet);
}
