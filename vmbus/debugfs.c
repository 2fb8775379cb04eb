// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs: /sys/kernel/debug/hvg_vmbus/<relid>/stats per channel: ring
 * indices, interrupt and signal counts, packets and bytes each way.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include "channel.h"

static void show_ring(struct seq_file *s, const char *name,
		      const struct hvg_ring *r)
{
	struct hvg_ring_snapshot snap;

	hvg_ring_snapshot(r, &snap);
	seq_printf(s, "%s: write_index=%u read_index=%u interrupt_mask=%u pending_send_sz=%u read_avail=%u write_avail=%u broken=%d packets=%llu bytes=%llu signals=%llu full=%llu\n",
		   name, snap.write_index, snap.read_index, snap.interrupt_mask,
		   snap.pending_send_sz, snap.read_avail, snap.write_avail,
		   snap.broken, r->stats.packets, r->stats.bytes,
		   r->stats.signals, r->stats.full);
}

static int stats_show(struct seq_file *s, void *unused)
{
	struct hvg_vmbus_channel *ch = s->private;
	struct hvg_chan_stats *st = &ch->stats;

	seq_printf(s, "relid=%u sub_index=%u state=%d rescinded=%d cpu=%u sig_conn_id=%u monitored=%d\n",
		   ch->relid, ch->sub_index, READ_ONCE(ch->state),
		   READ_ONCE(ch->rescinded), READ_ONCE(ch->target_cpu),
		   ch->sig_conn_id, ch->monitored);
	seq_printf(s, "interrupts=%lld events=%lld tx_packets=%lld tx_bytes=%lld rx_packets=%lld rx_bytes=%lld bad_packets=%lld bad_completions=%lld\n",
		   atomic64_read(&st->interrupts), atomic64_read(&st->events),
		   atomic64_read(&st->tx_packets), atomic64_read(&st->tx_bytes),
		   atomic64_read(&st->rx_packets), atomic64_read(&st->rx_bytes),
		   atomic64_read(&st->bad_packets),
		   atomic64_read(&st->bad_completions));
	mutex_lock(&ch->lock);
	if (ch->state != HVG_CHAN_OFFERED) {
		show_ring(s, "out", &ch->out);
		show_ring(s, "in", &ch->in);
	}
	mutex_unlock(&ch->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

/**
 * hvg_chan_debugfs_add() - create the channel's debugfs directory
 * @ch: the channel
 */
void hvg_chan_debugfs_add(struct hvg_vmbus_channel *ch)
{
	char name[16];

	if (ch->debugfs)
		return;
	snprintf(name, sizeof(name), "%u", ch->relid);
	ch->debugfs = debugfs_create_dir(name, ch->conn->debugfs);
	debugfs_create_file("stats", 0444, ch->debugfs, ch, &stats_fops);
}

/**
 * hvg_chan_debugfs_remove() - remove it
 * @ch: the channel
 */
void hvg_chan_debugfs_remove(struct hvg_vmbus_channel *ch)
{
	debugfs_remove_recursive(ch->debugfs);
	ch->debugfs = NULL;
}
