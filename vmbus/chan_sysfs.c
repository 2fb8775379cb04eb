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
};

#define CHAN_ATTR_RO(_name) \
	static struct chan_attr chan_attr_##_name = __ATTR_RO(_name)

static ssize_t chan_attr_show(struct kobject *kobj, struct attribute *attr,
			      char *buf)
{
	struct chan_attr *a = container_of(attr, struct chan_attr, attr);

	return a->show(container_of(kobj, struct hvg_vmbus_channel, kobj), buf);
}

static const struct sysfs_ops chan_sysfs_ops = {
	.show = chan_attr_show,
};

/* Snapshot of a ring while the channel is open; false when closed. */
static bool chan_snap(struct hvg_vmbus_channel *ch, bool out,
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
	chan_snap(ch, _out, &snap); \
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

static ssize_t cpu_show(struct hvg_vmbus_channel *ch, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(ch->target_cpu));
}
CHAN_ATTR_RO(cpu);

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
	&chan_attr_events.attr,
	&chan_attr_interrupts.attr,
	&chan_attr_cpu.attr,
	&chan_attr_monitor_id.attr,
	&chan_attr_subchannel_id.attr,
	NULL,
};
ATTRIBUTE_GROUPS(chan);

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
