// SPDX-License-Identifier: GPL-2.0
/*
 * Offers and rescinds. The message work validates an offer, makes a channel
 * and publishes it in the relid table; device registration (primary) and
 * delivery to the primary's driver (sub-channel) run on their own ordered
 * workqueues, because probing may wait for host answers the message work
 * must dispatch. A rescind marks the channel and ends its waits at once,
 * then removes the device on the same queue as the add, so it runs after
 * it; RELID_RELEASED goes out once the driver let go of the channel.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/string.h>
#include "channel.h"
#include "device.h"

static struct hvg_vmbus_channel *find_primary(struct hvg_conn *conn,
					      const struct hvp_vmbus_offer *o)
{
	struct hvg_vmbus_channel *ch;

	lockdep_assert_held(&conn->chan_lock);
	list_for_each_entry(ch, &conn->primaries, node) {
		if (!memcmp(&ch->offer.offer.if_type, &o->if_type, 16) &&
		    !memcmp(&ch->offer.offer.if_instance, &o->if_instance, 16))
			return ch;
	}
	return NULL;
}

static void dev_add_work(struct work_struct *work);
static void sub_add_work(struct work_struct *work);
static void dev_rescind_work(struct work_struct *work);
static void sub_rescind_work(struct work_struct *work);

static struct hvg_vmbus_channel *chan_alloc(struct hvg_conn *conn,
					    const struct hvp_vmbus_offer_channel *m)
{
	struct hvg_vmbus_channel *ch;

	ch = kzalloc(sizeof(*ch), GFP_KERNEL);
	if (!ch)
		return NULL;
	kobject_init(&ch->kobj, &hvg_chan_ktype);
	ch->conn = conn;
	memcpy(&ch->offer, m, sizeof(*m));
	ch->relid = le32_to_cpu(m->child_relid);
	ch->sub_index = le16_to_cpu(m->offer.sub_channel_index);
	ch->sig_conn_id = hvg_conn_at_least(conn, HVP_VMBUS_VERSION_WIN10) ?
			  le32_to_cpu(m->connection_id) : HVP_VMBUS_EVENT_CONN_ID;
	ch->sig_conn_id &= HVP_CONNECTION_ID_MASK;
	ch->monitor_id = m->monitor_id;
	ch->monitored = (m->monitor_flags & HVP_VMBUS_OFFER_MONITOR_ALLOCATED) &&
			m->monitor_id < 128;
	ch->dedicated = le16_to_cpu(m->interrupt_flags) &
			HVP_VMBUS_OFFER_DEDICATED_INTERRUPT;
	INIT_LIST_HEAD(&ch->node);
	INIT_LIST_HEAD(&ch->subs);
	mutex_init(&ch->lock);
	spin_lock_init(&ch->out_lock);
	tasklet_setup(&ch->tasklet, hvg_chan_tasklet);
	return ch;
}

/* Links a new channel in; false if the offer contradicts what we have. */
static bool chan_link(struct hvg_conn *conn, struct hvg_vmbus_channel *ch)
{
	struct hvg_vmbus_channel *primary;

	lockdep_assert_held(&conn->chan_lock);
	if (rcu_access_pointer(conn->channels[ch->relid])) {
		pr_warn_ratelimited("offer for relid %u, already in use, dropped\n",
				    ch->relid);
		return false;
	}
	primary = find_primary(conn, &ch->offer.offer);
	if (!primary != !ch->sub_index) {
		pr_warn_ratelimited("offer relid %u: sub-channel index %u %s a primary, dropped\n",
				    ch->relid, ch->sub_index,
				    primary ? "with" : "without");
		return false;
	}
	/*
	 * Work items per kind, initialised apart: lockdep then tells a
	 * primary's work (on dev_wq, which may flush sub_wq through a
	 * driver's remove) from a sub-channel's (on sub_wq).
	 */
	if (primary) {
		ch->primary = hvg_chan_get(primary);
		list_add_tail(&ch->node, &primary->subs);
		INIT_WORK(&ch->add_work, sub_add_work);
		INIT_WORK(&ch->rescind_work, sub_rescind_work);
	} else {
		list_add_tail(&ch->node, &conn->primaries);
		INIT_WORK(&ch->add_work, dev_add_work);
		INIT_WORK(&ch->rescind_work, dev_rescind_work);
	}
	conn->max_relid = max(conn->max_relid, ch->relid);
	/* Publishes the initialised channel to the event path. */
	rcu_assign_pointer(conn->channels[ch->relid], ch);
	return true;
}

/**
 * hvg_offer_msg() - OFFERCHANNEL: a new channel
 * @conn: the connection
 * @msg: the message, at least sizeof(struct hvp_vmbus_offer_channel)
 * @len: its length
 *
 * Runs on the message work.
 */
void hvg_offer_msg(struct hvg_conn *conn, const void *msg, u32 len)
{
	const struct hvp_vmbus_offer_channel *m = msg;
	u32 relid = le32_to_cpu(m->child_relid);
	struct hvg_vmbus_channel *ch;
	bool linked;

	if (!relid || relid >= HVP_VMBUS_MAX_RELIDS) {
		pr_warn_ratelimited("offer with bad relid %u dropped\n", relid);
		return;
	}
	ch = chan_alloc(conn, m);
	if (!ch) {
		pr_err_ratelimited("relid %u: out of memory for the offer\n",
				   relid);
		return;
	}
	mutex_lock(&conn->chan_lock);
	linked = chan_link(conn, ch);
	mutex_unlock(&conn->chan_lock);
	if (!linked) {
		hvg_chan_put(ch);
		return;
	}
	hvg_chan_get(ch);	/* for add_work */
	queue_work(ch->primary ? conn->sub_wq : conn->dev_wq, &ch->add_work);
}

static void dev_add_work(struct work_struct *work)
{
	struct hvg_vmbus_channel *ch = container_of(work, typeof(*ch), add_work);

	if (!READ_ONCE(ch->rescinded))
		hvg_device_add(ch);
	hvg_chan_put(ch);
}

static void sub_add_work(struct work_struct *work)
{
	struct hvg_vmbus_channel *ch = container_of(work, typeof(*ch), add_work);
	struct hvg_vmbus_channel *primary = ch->primary;
	hvg_sc_cb_t sc;
	void *ctx;

	if (READ_ONCE(ch->rescinded))
		goto out;
	if (primary->device && primary->device->channels)
		hvg_chan_sysfs_add(ch, primary->device->channels);
	hvg_chan_debugfs_add(ch);
	mutex_lock(&primary->lock);
	sc = primary->sc_callback;
	ctx = primary->sc_ctx;
	mutex_unlock(&primary->lock);
	if (sc)
		sc(ch, ctx);
out:
	hvg_chan_put(ch);
}

/**
 * hvg_chan_release() - forget a channel the host rescinded, once let go
 * @ch: the channel; closed
 *
 * Unpublishes the relid, sends RELID_RELEASED (the host may reuse it) and
 * drops the table's reference.
 */
void hvg_chan_release(struct hvg_vmbus_channel *ch)
{
	struct hvp_vmbus_relid_msg msg = {
		.header.msgtype = cpu_to_le32(HVP_VMBUS_MSG_RELID_RELEASED),
		.child_relid = cpu_to_le32(ch->relid),
	};
	struct hvg_conn *conn = ch->conn;

	mutex_lock(&ch->lock);
	if (ch->released) {
		mutex_unlock(&ch->lock);
		return;
	}
	ch->released = true;
	mutex_unlock(&ch->lock);

	mutex_lock(&conn->chan_lock);
	RCU_INIT_POINTER(conn->channels[ch->relid], NULL);
	list_del_init(&ch->node);
	mutex_unlock(&conn->chan_lock);
	if (READ_ONCE(ch->rescinded))
		hvg_conn_post(conn, &msg, sizeof(msg));
	hvg_chan_debugfs_remove(ch);
	hvg_chan_put(ch);
}

/**
 * hvg_chan_release_subs() - release a removed primary's sub-channels
 * @primary: the primary; its driver has closed every channel
 */
void hvg_chan_release_subs(struct hvg_vmbus_channel *primary)
{
	struct hvg_conn *conn = primary->conn;
	struct hvg_vmbus_channel *sc;

	for (;;) {
		mutex_lock(&conn->chan_lock);
		sc = list_first_entry_or_null(&primary->subs,
					      struct hvg_vmbus_channel, node);
		if (sc)
			hvg_chan_get(sc);
		mutex_unlock(&conn->chan_lock);
		if (!sc)
			return;
		mutex_lock(&sc->lock);
		if (sc->state != HVG_CHAN_OFFERED)
			hvg_chan_close_locked(sc);
		mutex_unlock(&sc->lock);
		hvg_chan_release(sc);
		hvg_chan_put(sc);
	}
}

static void dev_rescind_work(struct work_struct *work)
{
	struct hvg_vmbus_channel *ch = container_of(work, typeof(*ch),
						    rescind_work);

	/* The driver's remove closes the channel and its subs. */
	hvg_device_remove(ch);
	hvg_chan_release_subs(ch);
	hvg_chan_release(ch);
	hvg_chan_put(ch);
}

static void sub_rescind_work(struct work_struct *work)
{
	struct hvg_vmbus_channel *ch = container_of(work, typeof(*ch),
						    rescind_work);
	bool open;

	mutex_lock(&ch->lock);
	open = ch->state != HVG_CHAN_OFFERED;
	mutex_unlock(&ch->lock);
	/* An open sub-channel is released by its close. */
	if (!open)
		hvg_chan_release(ch);
	hvg_chan_put(ch);
}

/**
 * hvg_rescind_msg() - RESCIND_CHANNELOFFER: the host withdraws a channel
 * @conn: the connection
 * @msg: the message, at least sizeof(struct hvp_vmbus_relid_msg)
 * @len: its length
 *
 * Runs on the message work: ends the channel's waits now, queues the rest.
 */
void hvg_rescind_msg(struct hvg_conn *conn, const void *msg, u32 len)
{
	const struct hvp_vmbus_relid_msg *m = msg;
	u32 relid = le32_to_cpu(m->child_relid);
	struct hvg_vmbus_channel *ch = NULL;

	if (relid && relid < HVP_VMBUS_MAX_RELIDS) {
		mutex_lock(&conn->chan_lock);
		ch = rcu_dereference_protected(conn->channels[relid],
					       lockdep_is_held(&conn->chan_lock));
		if (ch && !xchg(&ch->rescinded, true))
			hvg_chan_get(ch);
		else
			ch = NULL;
		mutex_unlock(&conn->chan_lock);
	}
	if (!ch) {
		pr_warn_ratelimited("rescind of unknown relid %u dropped\n",
				    relid);
		return;
	}
	hvg_waiter_cancel_relid(conn, relid);
	queue_work(ch->primary ? conn->sub_wq : conn->dev_wq,
		   &ch->rescind_work);
}

static void remove_all_work(struct work_struct *work)
{
	struct hvg_conn *conn = container_of(work, struct hvg_conn,
					    remove_work);
	struct hvg_vmbus_channel *ch;

	for (;;) {
		mutex_lock(&conn->chan_lock);
		ch = list_first_entry_or_null(&conn->primaries,
					      struct hvg_vmbus_channel, node);
		if (ch)
			hvg_chan_get(ch);
		mutex_unlock(&conn->chan_lock);
		if (!ch)
			break;
		hvg_device_remove(ch);
		hvg_chan_release_subs(ch);
		hvg_chan_release(ch);
		hvg_chan_put(ch);
	}
}

/**
 * hvg_channels_remove_all() - remove every device and channel (module exit)
 * @conn: the connection; no more host messages are dispatched
 *
 * Runs the removals on the device workqueue, after any queued add or
 * rescind, so they never race them.
 */
void hvg_channels_remove_all(struct hvg_conn *conn)
{
	flush_workqueue(conn->sub_wq);
	INIT_WORK(&conn->remove_work, remove_all_work);
	queue_work(conn->dev_wq, &conn->remove_work);
	flush_workqueue(conn->dev_wq);
	flush_workqueue(conn->sub_wq);
}
