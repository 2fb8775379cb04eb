// SPDX-License-Identifier: GPL-2.0
/*
 * Device attributes, as upstream's Documentation/ABI/stable/sysfs-bus-vmbus
 * lays them out, so lsvmbus and udev rules work unchanged.
 */
#include <linux/device.h>
#include <linux/sysfs.h>
#include <hvproto/vmbus.h>
#include "channel.h"
#include "device.h"

static struct hvg_vmbus_channel *dev_chan(struct device *dev)
{
	return to_hvg_vmbus_device(dev)->channel;
}

static ssize_t id_show(struct device *dev, struct device_attribute *attr,
		       char *buf)
{
	return sysfs_emit(buf, "%u\n", dev_chan(dev)->relid);
}
static DEVICE_ATTR_RO(id);

static ssize_t state_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(dev_chan(dev)->state));
}
static DEVICE_ATTR_RO(state);

static ssize_t monitor_id_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", dev_chan(dev)->monitor_id);
}
static DEVICE_ATTR_RO(monitor_id);

static ssize_t class_id_show(struct device *dev,
			     struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "{%pUl}\n", &to_hvg_vmbus_device(dev)->class_id);
}
static DEVICE_ATTR_RO(class_id);

static ssize_t device_id_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "{%pUl}\n",
			  &to_hvg_vmbus_device(dev)->instance_id);
}
static DEVICE_ATTR_RO(device_id);

static ssize_t modalias_show(struct device *dev,
			     struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "vmbus:%*phN\n", 16,
			  to_hvg_vmbus_device(dev)->class_id.b);
}
static DEVICE_ATTR_RO(modalias);

static ssize_t numa_node_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n",
			  cpu_to_node(READ_ONCE(dev_chan(dev)->target_cpu)));
}
static DEVICE_ATTR_RO(numa_node);

/* The primary's ring @out (or inbound) while open: upstream fails when closed. */
#define DEV_RING_ATTR(_name, _out, _field) \
static ssize_t _name##_show(struct device *dev, \
			    struct device_attribute *attr, char *buf) \
{ \
	struct hvg_ring_snapshot snap; \
	if (!hvg_chan_snap(dev_chan(dev), _out, &snap)) \
		return -EINVAL; \
	return sysfs_emit(buf, "%u\n", snap._field); \
} \
static DEVICE_ATTR_RO(_name)

DEV_RING_ATTR(out_intr_mask, true, interrupt_mask);
DEV_RING_ATTR(out_read_index, true, read_index);
DEV_RING_ATTR(out_write_index, true, write_index);
DEV_RING_ATTR(out_read_bytes_avail, true, read_avail);
DEV_RING_ATTR(out_write_bytes_avail, true, write_avail);
DEV_RING_ATTR(in_intr_mask, false, interrupt_mask);
DEV_RING_ATTR(in_read_index, false, read_index);
DEV_RING_ATTR(in_write_index, false, write_index);
DEV_RING_ATTR(in_read_bytes_avail, false, read_avail);
DEV_RING_ATTR(in_write_bytes_avail, false, write_avail);

/*
 * The monitor page entries of a monitored channel: [0] is the host's
 * (server), [1] the guest's (client). Shown only when the offer
 * allocated a monitor id, as upstream does.
 */
static u32 mon_pending(struct hvg_vmbus_channel *ch, int page)
{
	return hvg_chan_monitor_pending(ch, ch->conn->monitor[page]);
}

static u32 mon_latency(struct hvg_vmbus_channel *ch, int page)
{
	return hvg_chan_monitor_latency(ch, ch->conn->monitor[page]);
}

static u32 mon_conn_id(struct hvg_vmbus_channel *ch, int page)
{
	const struct hvp_monitor_page *m = ch->conn->monitor[page];
	u8 g = ch->monitor_id / 32, bit = ch->monitor_id % 32;

	return le32_to_cpu(READ_ONCE(m->parameter[g][bit].connection_id));
}

#define DEV_MON_ATTR(_name, _fn, _page) \
static ssize_t _name##_show(struct device *dev, \
			    struct device_attribute *attr, char *buf) \
{ \
	return sysfs_emit(buf, "%u\n", _fn(dev_chan(dev), _page)); \
} \
static DEVICE_ATTR_RO(_name)

DEV_MON_ATTR(server_monitor_pending, mon_pending, 0);
DEV_MON_ATTR(client_monitor_pending, mon_pending, 1);
DEV_MON_ATTR(server_monitor_latency, mon_latency, 0);
DEV_MON_ATTR(client_monitor_latency, mon_latency, 1);
DEV_MON_ATTR(server_monitor_conn_id, mon_conn_id, 0);
DEV_MON_ATTR(client_monitor_conn_id, mon_conn_id, 1);

/* Upstream's enum vmbus_device_type numbers, for the "device" attribute. */
static const struct {
	guid_t guid;
	u16 type;
} dev_types[] = {
	{ HVP_GUID_IDE, 0 },
	{ HVP_GUID_SCSI, 1 },
	{ HVP_GUID_NIC, 3 },
	{ HVP_GUID_TIMESYNC, 10 },
	{ HVP_GUID_HEARTBEAT, 11 },
	{ HVP_GUID_SHUTDOWN, 12 },
	{ HVP_GUID_DM, 15 },
};

#define DEV_TYPE_UNKNOWN	16

static ssize_t device_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	const guid_t *class_id = &to_hvg_vmbus_device(dev)->class_id;
	u16 type = DEV_TYPE_UNKNOWN;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dev_types); i++)
		if (guid_equal(&dev_types[i].guid, class_id))
			type = dev_types[i].type;
	return sysfs_emit(buf, "0x%x\n", type);
}
static DEVICE_ATTR_RO(device);

static ssize_t driver_override_store(struct device *dev,
				     struct device_attribute *attr,
				     const char *buf, size_t count)
{
	int ret = driver_set_override(dev,
				      &to_hvg_vmbus_device(dev)->driver_override,
				      buf, count);

	return ret ?: count;
}

static ssize_t driver_override_show(struct device *dev,
				    struct device_attribute *attr, char *buf)
{
	ssize_t len;

	device_lock(dev);
	len = sysfs_emit(buf, "%s\n", to_hvg_vmbus_device(dev)->driver_override);
	device_unlock(dev);
	return len;
}
static DEVICE_ATTR_RW(driver_override);

static ssize_t vendor_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "0x1414\n");	/* Microsoft's PCI vendor id */
}
static DEVICE_ATTR_RO(vendor);

static ssize_t channel_vp_mapping_show(struct device *dev,
				       struct device_attribute *attr,
				       char *buf)
{
	struct hvg_vmbus_channel *ch = dev_chan(dev), *sc;
	int n;

	n = sysfs_emit(buf, "%u:%u\n", ch->relid, READ_ONCE(ch->target_cpu));
	mutex_lock(&ch->conn->chan_lock);
	list_for_each_entry(sc, &ch->subs, node)
		n += sysfs_emit_at(buf, n, "%u:%u\n", sc->relid,
				   READ_ONCE(sc->target_cpu));
	mutex_unlock(&ch->conn->chan_lock);
	return n;
}
static DEVICE_ATTR_RO(channel_vp_mapping);

static struct attribute *dev_attrs[] = {
	&dev_attr_id.attr,
	&dev_attr_state.attr,
	&dev_attr_monitor_id.attr,
	&dev_attr_class_id.attr,
	&dev_attr_device_id.attr,
	&dev_attr_modalias.attr,
	&dev_attr_numa_node.attr,
	&dev_attr_server_monitor_pending.attr,
	&dev_attr_client_monitor_pending.attr,
	&dev_attr_server_monitor_latency.attr,
	&dev_attr_client_monitor_latency.attr,
	&dev_attr_server_monitor_conn_id.attr,
	&dev_attr_client_monitor_conn_id.attr,
	&dev_attr_out_intr_mask.attr,
	&dev_attr_out_read_index.attr,
	&dev_attr_out_write_index.attr,
	&dev_attr_out_read_bytes_avail.attr,
	&dev_attr_out_write_bytes_avail.attr,
	&dev_attr_in_intr_mask.attr,
	&dev_attr_in_read_index.attr,
	&dev_attr_in_write_index.attr,
	&dev_attr_in_read_bytes_avail.attr,
	&dev_attr_in_write_bytes_avail.attr,
	&dev_attr_channel_vp_mapping.attr,
	&dev_attr_vendor.attr,
	&dev_attr_device.attr,
	&dev_attr_driver_override.attr,
	NULL,
};

static bool monitor_attr(const struct attribute *attr)
{
	return attr == &dev_attr_monitor_id.attr ||
	       attr == &dev_attr_server_monitor_pending.attr ||
	       attr == &dev_attr_client_monitor_pending.attr ||
	       attr == &dev_attr_server_monitor_latency.attr ||
	       attr == &dev_attr_client_monitor_latency.attr ||
	       attr == &dev_attr_server_monitor_conn_id.attr ||
	       attr == &dev_attr_client_monitor_conn_id.attr;
}

/* Monitor attributes only for a channel the host monitors, as upstream. */
static umode_t dev_attr_visible(struct kobject *kobj, struct attribute *attr,
				int n)
{
	struct device *dev = kobj_to_dev(kobj);

	if (monitor_attr(attr) && !dev_chan(dev)->monitored)
		return 0;
	return attr->mode;
}

static const struct attribute_group dev_group = {
	.attrs = dev_attrs,
	.is_visible = dev_attr_visible,
};

const struct attribute_group *hvg_device_groups[] = {
	&dev_group,
	NULL,
};
