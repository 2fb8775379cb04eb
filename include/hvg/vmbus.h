/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvg_vmbus: the VMBus driver API for VSC drivers.
 *
 * A driver registers a struct hvg_vmbus_driver with a table of class GUIDs
 * (struct hv_vmbus_device_id, so MODULE_DEVICE_TABLE(vmbus, ...) emits the
 * "vmbus:<32 hex>" aliases udev loads modules by). Its probe gets a device
 * with a primary channel; it opens the channel with ring sizes and a
 * callback, sends packets (in-band, GPA-direct, completions) and reads them
 * in the callback. Everything the host sends is validated by the bus; a
 * channel the host breaks reports an error instead of delivering garbage.
 *
 * Contexts: open, close, GPADL calls sleep (each wait for the host is
 * bounded); sends may be called from any context; reads only from the
 * channel's callback, which runs in softirq context on the channel's CPU.
 */
#ifndef HVG_VMBUS_H
#define HVG_VMBUS_H

#include <linux/device.h>
#include <linux/mod_devicetable.h>
#include <linux/types.h>
#include <linux/uuid.h>

struct cpumask;
struct hvg_vmbus_channel;

/**
 * struct hvg_vmbus_device - a device on bus "vmbus": one primary channel
 * @dev: the driver-model device, named by the instance GUID
 * @channel: the primary channel
 * @class_id: the offer's class GUID (raw wire bytes)
 * @instance_id: the offer's instance GUID (raw wire bytes)
 * @channels: the sysfs directory channels/ (the bus's)
 * @driver_override: the only driver that may bind, set through sysfs
 *	(under the device lock)
 */
struct hvg_vmbus_device {
	struct device dev;
	struct hvg_vmbus_channel *channel;
	guid_t class_id;
	guid_t instance_id;
	struct kset *channels;
	const char *driver_override;
};

#define to_hvg_vmbus_device(d) container_of(d, struct hvg_vmbus_device, dev)

/**
 * struct hvg_vmbus_driver - a VSC driver
 * @name: the driver's name
 * @id_table: class GUIDs handled, ending with an all-zero entry
 * @probe: bind to a device (process context, may sleep)
 * @remove: unbind: close every channel opened (called on rescind too)
 * @shutdown: quiesce at reboot (optional)
 * @driver: the driver-model driver
 */
struct hvg_vmbus_driver {
	const char *name;
	const struct hv_vmbus_device_id *id_table;
	int (*probe)(struct hvg_vmbus_device *dev,
		     const struct hv_vmbus_device_id *id);
	void (*remove)(struct hvg_vmbus_device *dev);
	void (*shutdown)(struct hvg_vmbus_device *dev);
	struct device_driver driver;
};

#define to_hvg_vmbus_driver(d) container_of(d, struct hvg_vmbus_driver, driver)

int __hvg_vmbus_driver_register(struct hvg_vmbus_driver *drv,
				struct module *owner, const char *mod_name);
void hvg_vmbus_driver_unregister(struct hvg_vmbus_driver *drv);

/**
 * hvg_vmbus_driver_register() - register a VSC driver
 * @drv: the driver
 *
 * Return: 0 or a negative errno.
 */
#define hvg_vmbus_driver_register(drv) \
	__hvg_vmbus_driver_register(drv, THIS_MODULE, KBUILD_MODNAME)

/**
 * module_hvg_vmbus_driver() - a module that only registers a VSC driver
 * @drv: the struct hvg_vmbus_driver
 */
#define module_hvg_vmbus_driver(drv) \
	module_driver(drv, hvg_vmbus_driver_register, \
		      hvg_vmbus_driver_unregister)

/**
 * typedef hvg_channel_cb_t - a channel's interrupt callback
 * @ch: the channel with packets to read
 * @ctx: the pointer given to hvg_channel_open()
 *
 * Softirq context on the channel's CPU; never concurrent with itself.
 * Reads packets with hvg_channel_recv() until -EAGAIN (or as many as it
 * likes: the bus calls it again while packets remain).
 */
typedef void (*hvg_channel_cb_t)(struct hvg_vmbus_channel *ch, void *ctx);

/**
 * typedef hvg_sc_cb_t - a primary's callback for its new sub-channels
 * @sc: the new sub-channel, offered and closed
 * @ctx: the pointer given to hvg_channel_set_sc_callback()
 *
 * Process context (the bus's sub-channel workqueue), one call at a time.
 * The driver opens @sc there (hvg_channel_sub_index() tells which it is)
 * or forgets it: a sub-channel not open when the callback returns may be
 * freed by a rescind.
 */
typedef void (*hvg_sc_cb_t)(struct hvg_vmbus_channel *sc, void *ctx);

/**
 * struct hvg_channel_params - how to open a channel
 * @send_size: bytes of the guest->host ring data area (a page multiple)
 * @recv_size: bytes of the host->guest ring data area (a page multiple)
 * @user_data: device-specific bytes for OPENCHANNEL (may be NULL)
 * @user_data_len: at most 120
 * @rqst_slots: request ids available for sends that want a completion
 * @cpus: CPUs the channel may interrupt: the first online one is taken;
 *	NULL (or none online): the bus spreads channels by relid
 * @callback: called when the host has written packets
 * @ctx: passed to @callback
 */
struct hvg_channel_params {
	u32 send_size;
	u32 recv_size;
	const void *user_data;
	u32 user_data_len;
	u32 rqst_slots;
	const struct cpumask *cpus;
	hvg_channel_cb_t callback;
	void *ctx;
};

/**
 * struct hvg_pkt - a packet read with hvg_channel_recv()
 * @type: HVP_PKT_* (enum hvp_packet_type)
 * @flags: HVP_PKT_FLAG_*
 * @trans_id: the sender's request id
 * @len: bytes copied to the caller's buffer, descriptor included
 * @offset: where the payload starts in the buffer (after the descriptor
 *	and any extension); @offset <= @len
 */
struct hvg_pkt {
	u16 type;
	u16 flags;
	u64 trans_id;
	u32 len;
	u32 offset;
};

/**
 * struct hvg_gpa_range - one multi-page range of a GPA-direct packet
 * @len: bytes in the range
 * @offset: offset of the first byte in the first page
 * @pfn_count: PFNs in @pfns: DIV_ROUND_UP(@offset + @len, 4096)
 * @pfns: the 4 KiB guest page frame numbers
 */
struct hvg_gpa_range {
	u32 len;
	u32 offset;
	u32 pfn_count;
	const u64 *pfns;
};

int hvg_channel_open(struct hvg_vmbus_channel *ch,
		     const struct hvg_channel_params *p);
void hvg_channel_close(struct hvg_vmbus_channel *ch);
int hvg_channel_send(struct hvg_vmbus_channel *ch, const void *data, u32 len,
		     void *rqst);
int hvg_channel_send_gpa(struct hvg_vmbus_channel *ch,
			 const struct hvg_gpa_range *ranges, u32 nranges,
			 const void *data, u32 len, void *rqst);
int hvg_channel_send_comp(struct hvg_vmbus_channel *ch, const void *data,
			  u32 len, u64 trans_id);
int hvg_channel_send_reply(struct hvg_vmbus_channel *ch, const void *data,
			   u32 len, u64 trans_id);
int hvg_channel_recv(struct hvg_vmbus_channel *ch, void *buf, u32 size,
		     struct hvg_pkt *pkt);
void *hvg_channel_complete(struct hvg_vmbus_channel *ch, u64 trans_id);
void hvg_channel_cancel_rqst(struct hvg_vmbus_channel *ch, void *rqst);
int hvg_channel_error(struct hvg_vmbus_channel *ch);
u32 hvg_channel_relid(const struct hvg_vmbus_channel *ch);
unsigned int hvg_channel_cpu(const struct hvg_vmbus_channel *ch);
u16 hvg_channel_sub_index(const struct hvg_vmbus_channel *ch);
bool hvg_channel_rescinded(const struct hvg_vmbus_channel *ch);
void hvg_channel_set_sc_callback(struct hvg_vmbus_channel *primary,
				 hvg_sc_cb_t sc, void *ctx);

int hvg_gpadl_create(struct hvg_vmbus_channel *ch, void *buf, u32 size,
		     u32 *handle);
int hvg_gpadl_destroy(struct hvg_vmbus_channel *ch, u32 handle);

#endif /* HVG_VMBUS_H */
