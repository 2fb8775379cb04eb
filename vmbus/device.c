// SPDX-License-Identifier: GPL-2.0
/*
 * Registering and removing the device of a primary channel, named by the
 * offer's instance GUID, with its channels/ directory.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-mapping.h>
#include <linux/slab.h>
#include "channel.h"
#include "device.h"

static void dev_release(struct device *dev)
{
	struct hvg_vmbus_device *vdev = to_hvg_vmbus_device(dev);

	hvg_chan_put(vdev->channel);
	kfree(vdev->driver_override);
	kfree(vdev);
}

static struct hvg_vmbus_device *dev_alloc(struct hvg_vmbus_channel *ch)
{
	struct hvg_vmbus_device *vdev;

	vdev = kzalloc(sizeof(*vdev), GFP_KERNEL);
	if (!vdev)
		return NULL;
	device_initialize(&vdev->dev);
	vdev->dev.bus = &hvg_vmbus_bus;
	vdev->dev.parent = hvg_bus_root;
	vdev->dev.release = dev_release;
	vdev->channel = hvg_chan_get(ch);
	memcpy(&vdev->class_id, &ch->offer.offer.if_type, sizeof(guid_t));
	memcpy(&vdev->instance_id, &ch->offer.offer.if_instance,
	       sizeof(guid_t));
	vdev->dev.coherent_dma_mask = DMA_BIT_MASK(64);
	vdev->dev.dma_mask = &vdev->dev.coherent_dma_mask;
	return vdev;
}

/**
 * hvg_device_add() - register the device of a new primary channel
 * @ch: the primary channel
 *
 * Runs on the device workqueue. A driver bound now probes before this
 * returns; otherwise the uevent lets udev load one.
 */
void hvg_device_add(struct hvg_vmbus_channel *ch)
{
	struct hvg_vmbus_device *vdev;
	int ret = -ENOMEM;

	vdev = dev_alloc(ch);
	if (!vdev)
		goto err;
	ret = dev_set_name(&vdev->dev, "%pUl", &vdev->instance_id);
	if (ret)
		goto err_put;
	ch->device = vdev;
	ret = device_add(&vdev->dev);
	if (ret)
		goto err_put;
	vdev->channels = kset_create_and_add("channels", NULL,
					     &vdev->dev.kobj);
	if (vdev->channels)
		hvg_chan_sysfs_add(ch, vdev->channels);
	hvg_chan_debugfs_add(ch);
	return;

err_put:
	ch->device = NULL;
	put_device(&vdev->dev);
err:
	pr_err("relid %u: cannot add the device (%d)\n", ch->relid, ret);
}

static void chan_sysfs_del(struct hvg_vmbus_channel *ch)
{
	if (ch->in_sysfs) {
		kobject_del(&ch->kobj);
		ch->in_sysfs = false;
	}
}

/**
 * hvg_device_remove() - unregister a primary channel's device
 * @ch: the primary channel
 *
 * Runs on the device workqueue. The driver's remove closes the channels
 * before this returns.
 */
void hvg_device_remove(struct hvg_vmbus_channel *ch)
{
	struct hvg_vmbus_device *vdev = ch->device;
	struct hvg_vmbus_channel *sc;

	if (!vdev)
		return;
	device_del(&vdev->dev);
	mutex_lock(&ch->conn->chan_lock);
	list_for_each_entry(sc, &ch->subs, node)
		chan_sysfs_del(sc);
	mutex_unlock(&ch->conn->chan_lock);
	chan_sysfs_del(ch);
	kset_unregister(vdev->channels);
	vdev->channels = NULL;
	ch->device = NULL;
	put_device(&vdev->dev);
}
