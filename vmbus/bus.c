// SPDX-License-Identifier: GPL-2.0
/*
 * Bus "vmbus": matching drivers by class GUID, uevents with the modalias
 * udev loads VSC modules by, and driver registration.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/string.h>
#include "device.h"

static const struct hv_vmbus_device_id *
match_id(const struct hv_vmbus_device_id *id, const guid_t *class_id)
{
	for (; id && !guid_is_null(&id->guid); id++) {
		if (guid_equal(&id->guid, class_id))
			return id;
	}
	return NULL;
}

static int bus_match(struct device *dev, struct device_driver *drv)
{
	struct hvg_vmbus_device *vdev = to_hvg_vmbus_device(dev);

	/* driver_override binds that driver whatever its id table says. */
	if (vdev->driver_override)
		return !strcmp(vdev->driver_override, drv->name);
	return !!match_id(to_hvg_vmbus_driver(drv)->id_table, &vdev->class_id);
}

static int bus_uevent(struct device *dev, struct kobj_uevent_env *env)
{
	struct hvg_vmbus_device *vdev = to_hvg_vmbus_device(dev);

	return add_uevent_var(env, "MODALIAS=vmbus:%*phN", 16,
			      vdev->class_id.b);
}

static int bus_probe(struct device *dev)
{
	struct hvg_vmbus_driver *drv = to_hvg_vmbus_driver(dev->driver);
	struct hvg_vmbus_device *vdev = to_hvg_vmbus_device(dev);
	static const struct hv_vmbus_device_id any = {};
	const struct hv_vmbus_device_id *id;

	id = match_id(drv->id_table, &vdev->class_id);
	if (!id && vdev->driver_override)
		id = &any;
	if (!id || !drv->probe)
		return -ENODEV;
	return drv->probe(vdev, id);
}

static void bus_remove(struct device *dev)
{
	struct hvg_vmbus_driver *drv = to_hvg_vmbus_driver(dev->driver);

	if (drv->remove)
		drv->remove(to_hvg_vmbus_device(dev));
}

static void bus_shutdown(struct device *dev)
{
	struct hvg_vmbus_driver *drv;

	if (!dev->driver)
		return;
	drv = to_hvg_vmbus_driver(dev->driver);
	if (drv->shutdown)
		drv->shutdown(to_hvg_vmbus_device(dev));
}

/* Hibernation is not supported: upstream's /sys/bus/vmbus/hibernation is 0. */
static ssize_t hibernation_show(struct bus_type *bus, char *buf)
{
	return sysfs_emit(buf, "0\n");
}
static BUS_ATTR_RO(hibernation);

static struct attribute *bus_attrs[] = {
	&bus_attr_hibernation.attr,
	NULL,
};
ATTRIBUTE_GROUPS(bus);

struct bus_type hvg_vmbus_bus = {
	.name = "vmbus",
	.match = bus_match,
	.uevent = bus_uevent,
	.probe = bus_probe,
	.remove = bus_remove,
	.shutdown = bus_shutdown,
	.dev_groups = hvg_device_groups,
	.bus_groups = bus_groups,
};

/**
 * __hvg_vmbus_driver_register() - register a VSC driver
 * @drv: the driver; @drv->name and @drv->id_table set
 * @owner: the driver's module
 * @mod_name: its name
 *
 * Use hvg_vmbus_driver_register(). Process context.
 *
 * Return: 0 or a negative errno.
 */
int __hvg_vmbus_driver_register(struct hvg_vmbus_driver *drv,
				struct module *owner, const char *mod_name)
{
	drv->driver.name = drv->name;
	drv->driver.bus = &hvg_vmbus_bus;
	drv->driver.owner = owner;
	drv->driver.mod_name = mod_name;
	return driver_register(&drv->driver);
}
EXPORT_SYMBOL_GPL(__hvg_vmbus_driver_register);

/**
 * hvg_vmbus_driver_unregister() - unregister a VSC driver
 * @drv: a registered driver; its remove runs for every bound device
 *
 * Process context.
 */
void hvg_vmbus_driver_unregister(struct hvg_vmbus_driver *drv)
{
	driver_unregister(&drv->driver);
}
EXPORT_SYMBOL_GPL(hvg_vmbus_driver_unregister);

/* The parent of every device: /sys/devices/vmbus */
struct device *hvg_bus_root;

/**
 * hvg_bus_init() - register bus "vmbus" and the devices' parent
 *
 * Return: 0 or a negative errno.
 */
int hvg_bus_init(void)
{
	int ret;

	ret = bus_register(&hvg_vmbus_bus);
	if (ret)
		return ret;
	hvg_bus_root = root_device_register("vmbus");
	if (IS_ERR(hvg_bus_root)) {
		bus_unregister(&hvg_vmbus_bus);
		return PTR_ERR(hvg_bus_root);
	}
	return 0;
}

/**
 * hvg_bus_exit() - unregister bus "vmbus"; every device must be gone
 */
void hvg_bus_exit(void)
{
	root_device_unregister(hvg_bus_root);
	bus_unregister(&hvg_vmbus_bus);
}
