// SPDX-License-Identifier: GPL-2.0
/*
 * The channel kobject: its lifetime (the last put frees the channel after
 * an RCU grace period, as the event path looks channels up under RCU) and
 * the upstream per-channel directory /sys/bus/vmbus/devices/<id>/channels/<relid>/.
 */
#include <linux/slab.h>
#include <linux/sysfs.h>
#include "channel.h"

struct chan_attr {
	struct attribute attr;
	ssize_t (*show)(struct hvg_vmbus_channel *ch, char *buf);
	ssize_t (*store)(struct hvg_vmbus_channel *ch, const char *buf,
			 size_t count);
};

#define CHAN_ATTR_RO(_name) \
	static struct chan_attr chan_attr_##_name = __ATTR_RO(_name)
#define CHAN_ATTR_RW(_name) \
	static struct chan_attr chan_attr_##_name = __ATTR_RW(_name)

static ssize_t chan_attr_show(struct kobject *kobj, struct attribute *attr,
			      char *buf)
{
	struct chan_attr *a = container_of(attr, struct chan_attr, attr);

	return a->show(container_of(kobj, struct hvg_vmbus_channel, kobj), buf);
}

static ssize_t chan_attr_store(struct kobject *kobj, struct attribute *attr,
			       const char *buf, size_t count)
{
	struct chan_attr *a = container_of(attr, struct chan_attr, attr);

	if (!a->store)
		return -EIO;
	return a->store(container_of(kobj, struct hvg_vmbus_channel, kobj),
			buf, count);
}

static const struct sysfs_ops chan_sysfs_ops = {
	.show = chan_attr_show,
	.store = chan_attr_store,
};

/**
 * hvg_chan_snap() - a snapshot of one of a channel's rings, if open
 * @ch: the channel
 * @out: the send ring (else the receive ring)
 * @snap: filled when the channel is open
 *
 * Process context (takes the channel's lock).
 *
 * Return: false when the channel is closed.
 */
bool hvg_chan_snap(struct hvg_vmbus_channel *ch, bool out,
		   struct hvg_ring_snapshot *snap)
{
	bool open;

	mutex_lock(&ch->lock);
	open = ch->state != HVG_CHAN_OFFERED;
	if (open)
		hvg_ring_snapshot(out ? &ch->out : &ch->in, snap);
	mutex_unlock(&ch->lock);
	return open;
}

#define RING_ATTR(_name, _out, _field) \
static ssize_t _name##_show(struct hvg_vmbus_channel *ch, char *buf) \
{ \
	struct hvg_ring_snapshot snap = {}; \
	hvg_chan_snap(ch, _out, &snap); \
	return sysfs_emit(buf, "%u\n", snap._field); \
} \
CHAN_ATTR_RO(_name)

RING_ATTR(out_mask, true, interrupt_mask);
RING_ATTR(in_mask, false, interrupt_mask);
RING_ATTR(read_avail, false, read_avail);
RING_ATTR(write_avail, true, write_avail);

#define STAT_ATTR(_name, _field) \
static ssize_t _name##_show(struct hvg_vmbus_channel *ch, char *buf) \
{ \
	return sysfs_emit(buf, "%lld\n", atomic64_read(&ch->stats._field)); \
} \
CHAN_ATTR_RO(_name)

STAT_ATTR(events, events);
STAT_ATTR(interrupts, interrupts);
STAT_ATTR(intr_in_full, intr_in_full);
STAT_ATTR(intr_out_empty, intr_out_empty);
STAT_ATTR(out_full_first, out_full_first);
STAT_ATTR(out_full_total, out_full_total);

static ssize_t cpu_show(struct hvg_vmbus_channel *ch, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(ch->target_cpu));
}

static ssize_t cpu_store(struct hvg_vmbus_channel *ch, const char *buf,
			 size_t count)
{
	unsigned int cpu;
	int ret;

	ret = kstrtouint(buf, 10, &cpu);
	if (ret)
		return ret;
	ret = hvg_chan_set_cpu(ch, cpu);
	return ret ?: count;
}
CHAN_ATTR_RW(cpu);

/* The guest's (client's) monitor page entry of a monitored channel. */
/**
 * hvg_chan_monitor_pending() - the pending word of a channel's monitor group
 * @ch: a monitored channel
 * @m: a monitor page
 *
 * Return: the word, as the page holds it now.
 */
u32 hvg_chan_monitor_pending(const struct hvg_vmbus_channel *ch,
			     const struct hvp_monitor_page *m)
{
	return le32_to_cpu(READ_ONCE(m->trigger_group[ch->monitor_id / 32].pending));
}

/**
 * hvg_chan_monitor_latency() - a monitored channel's latency entry
 * @ch: a monitored channel
 * @m: a monitor page
 *
 * Return: the entry, in 100 ns units.
 */
u32 hvg_chan_monitor_latency(const struct hvg_vmbus_channel *ch,
			     const struct hvp_monitor_page *m)
{
	u8 g = ch->monitor_id / 32, bit = ch->monitor_id % 32;

	return le16_to_cpu(READ_ONCE(m->latency[g][bit]));
}

static ssize_t pending_show(struct hvg_vmbus_channel *ch, char *buf)
{
	return sysfs_emit(buf, "%u\n",
			  hvg_chan_monitor_pending(ch, ch->conn->monitor[1]));
}
CHAN_ATTR_RO(pending);

static ssize_t latency_show(struct hvg_vmbus_channel *ch, char *buf)
{
	return sysfs_emit(buf, "%u\n",
			  hvg_chan_monitor_latency(ch, ch->conn->monitor[1]));
}
CHAN_ATTR_RO(latency);

static ssize_t monitor_id_show(struct hvg_vmbus_channel *ch, char *buf)
{
	return sysfs_emit(buf, "%u\n", ch->monitor_id);
}
CHAN_ATTR_RO(monitor_id);

static ssize_t subchannel_id_show(struct hvg_vmbus_channel *ch, char *buf)
{
	return sysfs_emit(buf, "%u\n", ch->sub_index);
}
CHAN_ATTR_RO(subchannel_id);

static struct attribute *chan_attrs[] = {
	&chan_attr_out_mask.attr,
	&chan_attr_in_mask.attr,
	&chan_attr_read_avail.attr,
	&chan_attr_write_avail.attr,
	&chan_attr_cpu.attr,
	&chan_attr_pending.attr,
	&chan_attr_latency.attr,
	&chan_attr_interrupts.attr,
	&chan_attr_events.attr,
	&chan_attr_intr_in_full.attr,
	&chan_attr_intr_out_empty.attr,
	&chan_attr_out_full_first.attr,
	&chan_attr_out_full_total.attr,
	&chan_attr_monitor_id.attr,
	&chan_attr_subchannel_id.attr,
	NULL,
};

/* The monitor page attributes only for a monitored channel, as upstream. */
static umode_t chan_attr_visible(struct kobject *kobj, struct attribute *attr,
				 int n)
{
	struct hvg_vmbus_channel *ch = container_of(kobj, typeof(*ch), kobj);

	if (!ch->monitored && (attr == &chan_attr_pending.attr ||
			       attr == &chan_attr_latency.attr ||
			       attr == &chan_attr_monitor_id.attr))
		return 0;
	return attr->mode;
}

static const struct attribute_group chan_group = {
	.attrs = chan_attrs,
	.is_visible = chan_attr_visible,
};
__ATTRIBUTE_GROUPS(chan);

static void chan_free_rcu(struct rcu_head *rcu)
{
	kfree(container_of(rcu, struct hvg_vmbus_channel, rcu));
}

static void chan_release(struct kobject *kobj)
{
	struct hvg_vmbus_channel *ch = container_of(kobj, typeof(*ch), kobj);

	if (ch->primary)
		hvg_chan_put(ch->primary);
	call_rcu(&ch->rcu, chan_free_rcu);
}

const struct kobj_type hvg_chan_ktype = {
	.release = chan_release,
	.sysfs_ops = &chan_sysfs_ops,
	.default_groups = chan_groups,
};

/**
 * hvg_chan_sysfs_add() - show the channel as channels/<relid>
 * @ch: the channel
 * @kset: the device's channels/ kset
 *
 * Return: 0 or a negative errno (the channel works without it).
 */
int hvg_chan_sysfs_add(struct hvg_vmbus_channel *ch, struct kset *kset)
{
	int ret;

	ch->kobj.kset = kset;
	ret = kobject_add(&ch->kobj, NULL, "%u", ch->relid);
	if (ret)
		return ret;
	ch->in_sysfs = true;
	kobject_uevent(&ch->kobj, KOBJ_ADD);
	return 0;
}
