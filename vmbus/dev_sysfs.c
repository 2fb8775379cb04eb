// SPDX-License-Identifier: GPL-2.0
/*
 * Device attributes, as upstream's Documentation/ABI/stable/sysfs-bus-vmbus
 * lays them out, so lsvmbus and udev rules work unchanged.
 */
#include <linux/device.h>
#include <linux/sysfs.h>
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
	&dev_attr_vendor.attr,
	&dev_attr_channel_vp_mapping.attr,
	NULL,
};

static const struct attribute_group dev_group = {
	.attrs = dev_attrs,
};

const struct attribute_group *hvg_device_groups[] = {
	&dev_group,
	NULL,
};
