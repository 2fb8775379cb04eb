// SPDX-License-Identifier: GPL-2.0
/*
 * hvg_vmbus: the VMBus bus driver. This file is the init ladder: refuse to
 * run beside hv_vmbus, bus, message path, SynIC hook, version negotiation,
 * offers (init returns once ALLOFFERS_DELIVERED came and the boot-time
 * devices are registered), and UNLOAD at exit, reboot, kexec and panic.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/reboot.h>
#include <hvg/hvcall.h>
#include "channel.h"
#include "device.h"

static char *max_version = "5.3";
module_param(max_version, charp, 0444);
MODULE_PARM_DESC(max_version, "newest VMBus version to offer, MAJOR.MINOR (default 5.3)");

static unsigned int host_timeout_ms = 30000;
module_param(host_timeout_ms, uint, 0444);
MODULE_PARM_DESC(host_timeout_ms, "bound on every wait for a host answer (default 30000)");

static struct hvg_conn *conn;

static void vmbus_isr(void *ctx)
{
	hvg_event_isr(ctx);
	hvg_msg_isr(ctx);
}

static int reboot_notify(struct notifier_block *nb, unsigned long action,
			 void *data)
{
	/* Reboot and kexec: let the next kernel find the host clean. */
	hvg_conn_unload(conn);
	return NOTIFY_DONE;
}

static struct notifier_block reboot_nb = {
	.notifier_call = reboot_notify,
};

/* The in-tree stack owns the SynIC and bus "vmbus" when loaded. */
static int check_hv_vmbus(void)
{
	struct kobject *kobj;

	/* Our own module kobject lives in module_kset (/sys/module). */
	kobj = kset_find_obj(THIS_MODULE->mkobj.kobj.kset, "hv_vmbus");
	if (!kobj)
		return 0;
	kobject_put(kobj);
	pr_err("the in-tree hv_vmbus is loaded: unload it (and its drivers) first\n");
	return -EBUSY;
}

static int parse_max_version(u32 *version)
{
	unsigned int major, minor;

	if (sscanf(max_version, "%u.%u", &major, &minor) != 2 ||
	    major > 0xffff || minor > 0xffff) {
		pr_err("bad max_version '%s' (MAJOR.MINOR)\n", max_version);
		return -EINVAL;
	}
	*version = HVP_VMBUS_VERSION(major, minor);
	return 0;
}

static struct hvg_conn *conn_alloc(void)
{
	struct hvg_conn *c = kzalloc(sizeof(*c), GFP_KERNEL);

	if (!c)
		return NULL;
	spin_lock_init(&c->waiter_lock);
	INIT_LIST_HEAD(&c->waiters);
	mutex_init(&c->chan_lock);
	INIT_LIST_HEAD(&c->primaries);
	atomic_set(&c->next_gpadl, HVP_VMBUS_GPADL_HANDLE_BASE);
	init_completion(&c->offers_done);
	mutex_init(&c->unload_lock);
	c->host_timeout = msecs_to_jiffies(host_timeout_ms);
	c->debugfs = debugfs_create_dir("hvg_vmbus", NULL);
	/* Answers that came after a rescind ended their wait (msg.c). */
	debugfs_create_u32("late_answers", 0444, c->debugfs, &c->late_answers);
	return c;
}

static void conn_free(struct hvg_conn *c)
{
	debugfs_remove_recursive(c->debugfs);
	kfree(c);
}

/* Offers come once connected; wait for all of them, and their devices. */
static int request_offers(void)
{
	struct hvp_vmbus_msg_header msg = {
		.msgtype = cpu_to_le32(HVP_VMBUS_MSG_REQUESTOFFERS),
	};
	int ret;

	ret = hvg_conn_post(conn, &msg, sizeof(msg));
	if (ret)
		return ret;
	if (!wait_for_completion_timeout(&conn->offers_done,
					 conn->host_timeout)) {
		pr_err("no ALLOFFERS_DELIVERED within %u ms\n",
		       host_timeout_ms);
		return -ETIMEDOUT;
	}
	flush_workqueue(conn->msg_wq);
	flush_workqueue(conn->dev_wq);
	return 0;
}

static int hook_synic(void)
{
	int ret = hvg_synic_set_isr(vmbus_isr, conn);

	if (ret)
		return ret;
	ret = hvg_sint_enable(HVP_VMBUS_MESSAGE_SINT);
	if (ret)
		hvg_synic_clear_isr();
	return ret;
}

static void unhook_synic(void)
{
	hvg_sint_disable(HVP_VMBUS_MESSAGE_SINT);
	hvg_synic_clear_isr();
}

static int __init hvg_vmbus_init(void)
{
	u32 version;
	int ret;

	ret = parse_max_version(&version) ?: check_hv_vmbus();
	if (ret)
		return ret;
	conn = conn_alloc();
	if (!conn)
		return -ENOMEM;
	ret = hvg_conn_alloc_pages(conn);
	if (ret)
		goto err_conn;
	ret = hvg_msg_init(conn);
	if (ret)
		goto err_pages;
	ret = hvg_bus_init();
	if (ret)
		goto err_msg;
	ret = hook_synic();
	if (ret)
		goto err_bus;
	ret = hvg_conn_connect(conn, version);
	if (ret)
		goto err_synic;
	ret = register_reboot_notifier(&reboot_nb);
	if (ret)
		goto err_unload;
	ret = hvg_cpu_init(conn);
	if (ret)
		goto err_reboot;
	hvg_crash_init(conn);
	ret = request_offers();
	if (ret)
		goto err_cpu;
	return 0;

err_cpu:
	hvg_crash_exit();
	hvg_cpu_exit();
err_reboot:
	unregister_reboot_notifier(&reboot_nb);
err_unload:
	hvg_channels_remove_all(conn);
	hvg_conn_unload(conn);
err_synic:
	unhook_synic();
	flush_workqueue(conn->msg_wq);
err_bus:
	hvg_bus_exit();
err_msg:
	hvg_msg_exit(conn);
err_pages:
	hvg_conn_free_pages(conn);
err_conn:
	conn_free(conn);
	rcu_barrier();	/* channels are freed after a grace period */
	return ret;
}

static void __exit hvg_vmbus_exit(void)
{
	hvg_crash_exit();
	hvg_cpu_exit();
	unregister_reboot_notifier(&reboot_nb);
	hvg_channels_remove_all(conn);
	hvg_conn_unload(conn);
	unhook_synic();
	flush_workqueue(conn->msg_wq);
	hvg_bus_exit();
	hvg_msg_exit(conn);
	hvg_conn_free_pages(conn);
	conn_free(conn);
	rcu_barrier();
}

module_init(hvg_vmbus_init);
module_exit(hvg_vmbus_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("hvguest: VMBus bus driver (channels, GPADLs, rings)");
