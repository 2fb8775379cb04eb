// SPDX-License-Identifier: GPL-2.0
/*
 * hvg_timesync: the time synchronization integration component on the
 * VMBus class 9527e630-d0ae-497b-adce-e80ab0175caf. One device per
 * partition, as Hyper-V offers it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <hvg/vmbus.h>
#include <hvproto/vmbus.h>
#include "timesync.h"

bool ts_step = true;
module_param_named(step, ts_step, bool, 0644);
MODULE_PARM_DESC(step, "Step the wall clock to host time on SYNC (default 1)");

static const u32 fw_versions[] = { HVG_IC_VER(3, 0), HVG_IC_VER(1, 0) };
static const u32 srv_versions[] = {
	HVG_IC_VER(4, 0), HVG_IC_VER(3, 0), HVG_IC_VER(1, 0),
};

/* ts_lock serialises probe and remove; protects ts_bound. */
static DEFINE_MUTEX(ts_lock);
static bool ts_bound;

static bool claim(void)
{
	bool ok;

	mutex_lock(&ts_lock);
	ok = !ts_bound;
	ts_bound = true;
	mutex_unlock(&ts_lock);
	return ok;
}

static void unclaim(void)
{
	mutex_lock(&ts_lock);
	ts_bound = false;
	mutex_unlock(&ts_lock);
}

static struct ts_dev *ts_alloc(struct hvg_vmbus_device *vdev)
{
	struct ts_dev *ts = kzalloc(sizeof(*ts), GFP_KERNEL);

	if (!ts)
		return NULL;
	ts->vdev = vdev;
	spin_lock_init(&ts->lock);
	INIT_WORK(&ts->step_work, ts_step_work);
	ts->ic.name = "timesync";
	ts->ic.fw_versions = fw_versions;
	ts->ic.fw_count = ARRAY_SIZE(fw_versions);
	ts->ic.srv_versions = srv_versions;
	ts->ic.srv_count = ARRAY_SIZE(srv_versions);
	ts->ic.handler = ts_handle;
	return ts;
}

static int ts_probe(struct hvg_vmbus_device *vdev,
		    const struct hv_vmbus_device_id *id)
{
	struct ts_dev *ts;
	int ret;

	if (!claim()) {
		dev_err(&vdev->dev, "a second timesync device: ignored\n");
		return -EBUSY;
	}
	ret = -ENOMEM;
	ts = ts_alloc(vdev);
	if (!ts)
		goto err_unclaim;
	ts_debugfs_init(ts);
	ts_ptp_init(ts);
	ret = hvg_ic_open(&ts->ic, vdev->channel);
	if (ret)
		goto err_uninit;
	dev_set_drvdata(&vdev->dev, ts);
	return 0;

err_uninit:
	ts_ptp_uninit(ts);
	ts_debugfs_uninit(ts);
	kfree(ts);
err_unclaim:
	unclaim();
	return ret;
}

/*
 * Teardown order: the channel first, so no sample arrives and no step is
 * queued; then the step work; then the PTP clock (its readers use the
 * sample) and debugfs (its readers use the counters).
 */
static void ts_remove(struct hvg_vmbus_device *vdev)
{
	struct ts_dev *ts = dev_get_drvdata(&vdev->dev);

	hvg_ic_close(&ts->ic);
	cancel_work_sync(&ts->step_work);
	ts_ptp_uninit(ts);
	ts_debugfs_uninit(ts);
	kfree(ts);
	unclaim();
}

static const struct hv_vmbus_device_id ts_ids[] = {
	{ .guid = HVP_GUID_TIMESYNC },
	{}
};
MODULE_DEVICE_TABLE(vmbus, ts_ids);

static struct hvg_vmbus_driver ts_driver = {
	.name = "hvg_timesync",
	.id_table = ts_ids,
	.probe = ts_probe,
	.remove = ts_remove,
};
module_hvg_vmbus_driver(ts_driver);

MODULE_DESCRIPTION("Hyper-V time synchronization and PTP clock (hvguest)");
MODULE_LICENSE("GPL");
