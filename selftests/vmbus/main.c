// SPDX-License-Identifier: GPL-2.0
/*
 * hvg_vmbus_test: a VSC for hvhost's echo device, driven from debugfs.
 * Writing "TEST [ARG]" to /sys/kernel/debug/hvg_vmbus_test/run runs it;
 * reading gives "pass" or "fail: reason" for the last run, and "info"
 * what it measured ("ns=" its duration, and per test more). Tests:
 * open, close, inband MB, gpa_sum MB, gpa_fill MB, cycles N, churn N
 * (close/open until rescinded), rtt MS (round trips), subs N (echo N
 * packets on each sub-channel), sub_close (close the rescinded ones),
 * flood N (N one-way packets, blocking on a full ring), burst_reset SEQ
 * (expect hvhost's burst packet SEQ next), burst_wait N (N burst packets
 * arrived in order, checked), gpa_multi (several ranges; bad ones
 * refused), gpadl_create PAGES, gpadl_destroy.
 */
#include <linux/debugfs.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <hvproto/vmbus.h>
#include "test.h"

/* t_lock serialises test runs with probe and remove; protects t_dev, result. */
DEFINE_MUTEX(t_lock);
struct t_dev *t_dev;
static char result[T_REASON_LEN + 8] = "none\n";
static char info[T_INFO_LEN + 32];
static struct dentry *dir;

static int run(const char *name, u64 arg, char *reason, char *inf)
{
	if (!t_dev)
		return snprintf(reason, T_REASON_LEN, "no echo device bound"), -1;
	if (!strcmp(name, "close")) {
		t_close(t_dev);
		return 0;
	}
	if (!strcmp(name, "cycles"))
		return t_cycles(t_dev, arg, reason);
	if (!strcmp(name, "churn"))
		return t_churn(t_dev, arg, reason, inf);
	if (!strcmp(name, "gpadl_create"))
		return t_gpadl_create(t_dev, arg, reason, inf);
	if (!strcmp(name, "gpadl_destroy"))
		return t_gpadl_destroy(t_dev, reason);
	if (!strcmp(name, "sub_close"))
		return t_subs_close_rescinded(t_dev, inf);
	if (t_open(t_dev))
		return snprintf(reason, T_REASON_LEN, "cannot open"), -1;
	if (!strcmp(name, "open"))
		return 0;
	if (!strcmp(name, "subs"))
		return t_subs_echo(t_dev, arg, reason, inf);
	if (!strcmp(name, "rtt"))
		return t_rtt(t_dev, arg, reason, inf);
	if (!strcmp(name, "gpa_multi"))
		return t_gpa_multi(t_dev, reason, inf);
	if (!strcmp(name, "flood"))
		return t_flood(t_dev, arg, reason, inf);
	if (!strcmp(name, "burst_reset")) {
		t_burst_reset(t_dev, arg);
		return 0;
	}
	if (!strcmp(name, "burst_wait"))
		return t_burst_wait(t_dev, arg, reason, inf);
	if (!strcmp(name, "inband"))
		return t_inband(t_dev, arg << 20, reason);
	if (!strcmp(name, "gpa_sum"))
		return t_gpa(t_dev, arg << 20, false, reason);
	if (!strcmp(name, "gpa_fill"))
		return t_gpa(t_dev, arg << 20, true, reason);
	return snprintf(reason, T_REASON_LEN, "unknown test %s", name), -1;
}

static ssize_t run_write(struct file *f, const char __user *ubuf, size_t len,
			 loff_t *ppos)
{
	char cmd[48], name[16], reason[T_REASON_LEN] = "", inf[T_INFO_LEN] = "";
	unsigned long long arg = 0;
	ktime_t start;

	if (!len || len >= sizeof(cmd))
		return -EINVAL;
	if (copy_from_user(cmd, ubuf, len))
		return -EFAULT;
	cmd[len] = '\0';
	if (sscanf(cmd, "%15s %llu", name, &arg) < 1)
		return -EINVAL;
	mutex_lock(&t_lock);
	start = ktime_get();
	if (run(name, arg, reason, inf))
		snprintf(result, sizeof(result), "fail: %s\n", reason);
	else
		strscpy(result, "pass\n", sizeof(result));
	snprintf(info, sizeof(info), "ns=%lld %s\n",
		 ktime_to_ns(ktime_sub(ktime_get(), start)), inf);
	pr_info("hvg_vmbus_test: %s %llu: %s", name, arg, result);
	mutex_unlock(&t_lock);
	return len;
}

static ssize_t run_read(struct file *f, char __user *ubuf, size_t len,
			loff_t *ppos)
{
	ssize_t ret;

	mutex_lock(&t_lock);
	ret = simple_read_from_buffer(ubuf, len, ppos, result, strlen(result));
	mutex_unlock(&t_lock);
	return ret;
}

static ssize_t info_read(struct file *f, char __user *ubuf, size_t len,
			 loff_t *ppos)
{
	ssize_t ret;

	mutex_lock(&t_lock);
	ret = simple_read_from_buffer(ubuf, len, ppos, info, strlen(info));
	mutex_unlock(&t_lock);
	return ret;
}

static const struct file_operations info_fops = {
	.owner = THIS_MODULE,
	.read = info_read,
	.llseek = default_llseek,
};

static const struct file_operations run_fops = {
	.owner = THIS_MODULE,
	.write = run_write,
	.read = run_read,
	.llseek = default_llseek,
};

static int t_probe(struct hvg_vmbus_device *vdev,
		   const struct hv_vmbus_device_id *id)
{
	struct t_dev *d;
	int ret;

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	d->vdev = vdev;
	d->ch = vdev->channel;
	init_waitqueue_head(&d->wq);
	INIT_LIST_HEAD(&d->subs);
	mutex_lock(&t_lock);
	ret = t_dev ? -EBUSY : t_open(d);	/* one echo device at a time */
	if (!ret) {
		t_dev = d;
		dev_set_drvdata(&vdev->dev, d);
	}
	mutex_unlock(&t_lock);
	if (ret)
		kfree(d);
	else
		hvg_channel_set_sc_callback(d->ch, t_sc_offer, d);
	return ret;
}

static void t_remove(struct hvg_vmbus_device *vdev)
{
	struct t_dev *d = dev_get_drvdata(&vdev->dev);
	char reason[T_REASON_LEN];

	/* Waits for a delivery in progress, which takes t_lock. */
	hvg_channel_set_sc_callback(d->ch, NULL, NULL);
	mutex_lock(&t_lock);
	t_gpadl_destroy(d, reason);
	t_close(d);
	t_dev = NULL;
	mutex_unlock(&t_lock);
	kfree(d);
}

static const struct hv_vmbus_device_id t_ids[] = {
	{ .guid = HVP_GUID_HVG_ECHO },
	{}
};
MODULE_DEVICE_TABLE(vmbus, t_ids);

static struct hvg_vmbus_driver t_driver = {
	.name = "hvg_vmbus_test",
	.id_table = t_ids,
	.probe = t_probe,
	.remove = t_remove,
};

static int __init t_init(void)
{
	int ret;

	dir = debugfs_create_dir("hvg_vmbus_test", NULL);
	debugfs_create_file("run", 0600, dir, NULL, &run_fops);
	debugfs_create_file("info", 0400, dir, NULL, &info_fops);
	ret = hvg_vmbus_driver_register(&t_driver);
	if (ret)
		debugfs_remove_recursive(dir);
	return ret;
}

static void __exit t_exit(void)
{
	hvg_vmbus_driver_unregister(&t_driver);
	debugfs_remove_recursive(dir);
}

module_init(t_init);
module_exit(t_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("hvguest: echo-device VSC for the VMBus tests (test-only)");
