/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bus "vmbus" and its devices: one per primary channel.
 */
#ifndef HVG_VMBUS_DEVICE_H
#define HVG_VMBUS_DEVICE_H

#include <hvg/vmbus.h>

struct hvg_vmbus_channel;

extern struct bus_type hvg_vmbus_bus;
extern struct device *hvg_bus_root;
extern const struct attribute_group *hvg_device_groups[];

int hvg_bus_init(void);
void hvg_bus_exit(void);
void hvg_device_add(struct hvg_vmbus_channel *ch);
void hvg_device_remove(struct hvg_vmbus_channel *ch);

#endif /* HVG_VMBUS_DEVICE_H */
