/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A VMBus channel: the offer it came from, its rings once open, its
 * interrupt callback, request ids, statistics and its sysfs/debugfs
 * presence. Drivers see it through <hvg/vmbus.h> only.
 */
#ifndef HVG_VMBUS_CHANNEL_H
#define HVG_VMBUS_CHANNEL_H

#include <linux/interrupt.h>
#include <linux/kobject.h>
#include <linux/rcupdate.h>
#include <hvg/vmbus.h>
#include "connection.h"
#include "ring.h"
#include "rqstor.h"

enum hvg_chan_state {
	HVG_CHAN_OFFERED,	/* closed */
	HVG_CHAN_OPEN,
	HVG_CHAN_BROKEN,	/* open, but the host broke the protocol */
};

/**
 * struct hvg_chan_stats - per-channel counters (sysfs, debugfs)
 * @interrupts: host signals seen for this channel
 * @events: signals sent to the host
 * @bad_packets: packets dropped as malformed
 * @bad_completions: completions with unknown or completed request ids
 * @tx_packets: packets sent
 * @tx_bytes: their payload bytes
 * @rx_packets: packets received
 * @rx_bytes: their bytes
 * @intr_in_full: signals because a read freed the space the host awaited
 * @intr_out_empty: signals because a write made the send ring non-empty
 * @out_full_first: sends that found the send ring full first
 * @out_full_total: sends that found it full
 */
struct hvg_chan_stats {
	atomic64_t interrupts;
	atomic64_t events;
	atomic64_t bad_packets;
	atomic64_t bad_completions;
	atomic64_t tx_packets;
	atomic64_t tx_bytes;
	atomic64_t rx_packets;
	atomic64_t rx_bytes;
	atomic64_t intr_in_full;
	atomic64_t intr_out_empty;
	atomic64_t out_full_first;
	atomic64_t out_full_total;
};

/**
 * struct hvg_vmbus_channel - one offered channel
 * @kobj: sysfs channels/<relid>; holds the reference count
 * @rcu: frees the channel after event-path readers are done
 * @conn: the connection
 * @offer: the host's offer, as received
 * @relid: the channel id (event flag, sysfs name)
 * @sub_index: 0 for a primary channel
 * @sig_conn_id: connection id for HvSignalEvent
 * @monitored: signal through the monitor page
 * @dedicated: the host does not look at the interrupt page for this channel
 * @monitor_id: monitor page bit (when @monitored)
 * @primary: the primary of a sub-channel, NULL for a primary
 * @node: in hvg_conn.primaries or the primary's @subs (under chan_lock)
 * @subs: sub-channels of a primary (under chan_lock)
 * @device: a primary's device, once registered
 * @in_sysfs: @kobj was added
 * @rescinded: the host withdrew the offer; set once, read locklessly
 * @released: RELID_RELEASED was sent or is moot (under @lock)
 * @lock: serialises open, close and rescind; protects @state
 * @state: enum hvg_chan_state
 * @target_cpu: the CPU whose VP the host signals for this channel
 * @ring_buf: the rings: send ring then receive ring (header page first)
 * @ring_pages: pages in @ring_buf
 * @send_pages: pages of the send ring, header included
 * @ring_gpadl: the GPADL of @ring_buf
 * @page_ptrs: data page pointers for the ring core, both rings
 * @out: the guest->host ring (we write); under @out_lock
 * @out_lock: serialises senders
 * @out_full: the last send found the ring full (under @out_lock)
 * @in: the host->guest ring (we read, from the callback only)
 * @cb: the driver's callback, NULL when closed (READ_ONCE in the ISR)
 * @cb_ctx: passed to @cb
 * @tasklet: runs @cb on @target_cpu
 * @rqstor: request ids of sends that want a completion
 * @sc_callback: a primary's driver callback for new sub-channels (under
 *	@lock)
 * @sc_ctx: its context (under @lock)
 * @add_work: device add (primary) or sub-channel delivery, queued once
 * @rescind_work: device or sub-channel removal, queued once
 * @stats: counters
 * @debugfs: the channel's debugfs directory
 */
struct hvg_vmbus_channel {
	struct kobject kobj;
	struct rcu_head rcu;
	struct hvg_conn *conn;
	struct hvp_vmbus_offer_channel offer;
	u32 relid;
	u16 sub_index;
	u32 sig_conn_id;
	bool monitored;
	bool dedicated;
	u8 monitor_id;

	struct hvg_vmbus_channel *primary;
	struct list_head node;
	struct list_head subs;
	struct hvg_vmbus_device *device;
	bool in_sysfs;
	bool rescinded;
	bool released;

	struct mutex lock;	/* open/close/rescind, @state */
	enum hvg_chan_state state;
	unsigned int target_cpu;
	void *ring_buf;
	u32 ring_pages;
	u32 send_pages;
	u32 ring_gpadl;
	u8 **page_ptrs;

	struct hvg_ring out;
	spinlock_t out_lock;	/* senders of @out, @out_full */
	bool out_full;
	struct hvg_ring in;
	hvg_channel_cb_t cb;
	void *cb_ctx;
	struct tasklet_struct tasklet;
	struct hvg_rqstor rqstor;
	hvg_sc_cb_t sc_callback;
	void *sc_ctx;

	struct work_struct add_work;
	struct work_struct rescind_work;
	struct hvg_chan_stats stats;
	struct dentry *debugfs;
};

static inline struct hvg_vmbus_channel *hvg_chan_get(struct hvg_vmbus_channel *ch)
{
	kobject_get(&ch->kobj);
	return ch;
}

static inline void hvg_chan_put(struct hvg_vmbus_channel *ch)
{
	kobject_put(&ch->kobj);
}

/* offer.c */
void hvg_offer_msg(struct hvg_conn *conn, const void *msg, u32 len);
void hvg_rescind_msg(struct hvg_conn *conn, const void *msg, u32 len);
void hvg_channels_remove_all(struct hvg_conn *conn);
void hvg_chan_release(struct hvg_vmbus_channel *ch);
void hvg_chan_release_subs(struct hvg_vmbus_channel *primary);

/* chan_sysfs.c */
extern const struct kobj_type hvg_chan_ktype;
int hvg_chan_sysfs_add(struct hvg_vmbus_channel *ch, struct kset *kset);
bool hvg_chan_snap(struct hvg_vmbus_channel *ch, bool out,
		   struct hvg_ring_snapshot *snap);
u32 hvg_chan_monitor_pending(const struct hvg_vmbus_channel *ch,
			     const struct hvp_monitor_page *m);
u32 hvg_chan_monitor_latency(const struct hvg_vmbus_channel *ch,
			     const struct hvp_monitor_page *m);

/* event.c */
void hvg_event_isr(struct hvg_conn *conn);
void hvg_chan_signal(struct hvg_vmbus_channel *ch);
void hvg_chan_tasklet(struct tasklet_struct *t);

/* channel.c */
void hvg_chan_close_locked(struct hvg_vmbus_channel *ch);
int hvg_chan_set_cpu(struct hvg_vmbus_channel *ch, unsigned int cpu);

/* cpu.c */
int hvg_cpu_init(struct hvg_conn *conn);
void hvg_cpu_exit(void);

/* gpadl.c */
int hvg_gpadl_establish(struct hvg_vmbus_channel *ch, void *buf, u32 size,
			u32 *handle);
int hvg_gpadl_teardown(struct hvg_vmbus_channel *ch, u32 handle);

/* debugfs.c */
void hvg_chan_debugfs_add(struct hvg_vmbus_channel *ch);
void hvg_chan_debugfs_remove(struct hvg_vmbus_channel *ch);

#endif /* HVG_VMBUS_CHANNEL_H */
