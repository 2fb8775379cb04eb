// SPDX-License-Identifier: GPL-2.0
/*
 * hvg_storvsc: the driver, probe and remove. Probe is a list of steps;
 * remove undoes them in reverse, in one of two orders:
 *
 * 1. Unbind or unload with the host alive: the SCSI host goes first, so
 *    the commands in flight complete normally (and sd's cache flush is
 *    served); then the channels close.
 * 2. Rescind: the host will not answer. New commands fail at once, the
 *    commands it holds are taken back (request ids cancelled) and failed,
 *    the channels close, whatever slipped in before the close is failed,
 *    and only then the SCSI host goes, with nothing left to wait for.
 *
 * Either way the scan work is cancelled last, when no callback can queue
 * it any more.
 *
 * At reboot hvg_vmbus UNLOADs the connection (its reboot notifier); ours
 * runs after it and fails every command from then on, so sd's cache flush
 * at shutdown does not wait a SCSI timeout for a host that has left.
 */
#include <linux/module.h>
#include <linux/reboot.h>
#include <linux/slab.h>
#include <scsi/scsi_device.h>
#include <scsi/scsi_host.h>
#include <asm/unaligned.h>
#include <hvg/vmbus.h>
#include <hvproto/ring.h>
#include <hvproto/vmbus.h>
#include "storvsc.h"

#define SCSI_MAX_CHANNEL	7	/* path ids */
#define SCSI_MAX_TARGETS	2
#define SCSI_MAX_LUNS		255
#define IDE_MAX_LUNS		64

static const guid_t ide_guid = HVP_GUID_IDE;

static DEFINE_MUTEX(hosts_lock);	/* hosts */
static LIST_HEAD(hosts);

static struct hsc_host *host_alloc(struct hvg_vmbus_device *vdev)
{
	struct Scsi_Host *shost;
	struct hsc_host *h;

	shost = scsi_host_alloc(&hsc_template, sizeof(*h));
	if (!shost)
		return NULL;
	h = shost_priv(shost);
	h->shost = shost;
	h->vdev = vdev;
	h->ide = guid_equal(&vdev->class_id, &ide_guid);
	/* IDE: the instance GUID names the one target (as on Hyper-V). */
	h->ide_target = get_unaligned_le16(&vdev->instance_id.b[4]);
	init_waitqueue_head(&h->sc_wq);
	mutex_init(&h->ctl_mutex);
	spin_lock_init(&h->ctl_lock);
	h->ctl.kind = HSC_RQST_CTL;
	init_completion(&h->ctl.done);
	INIT_WORK(&h->scan_work, hsc_scan_work);
	INIT_LIST_HEAD(&h->node);
	dev_set_drvdata(&vdev->dev, h);
	return h;
}

static void host_free(struct hsc_host *h)
{
	unsigned int i;

	for (i = 0; i < h->nchan; i++)
		kfree(h->chans[i]);
	dev_set_drvdata(&h->vdev->dev, NULL);
	scsi_host_put(h->shost);
}

/*
 * Commands per hardware queue: as many of the largest requests the host's
 * transfer limit allows (one GPA-direct range of @pfns pages) as fit in the
 * channel's send ring at once, at most HSC_QUEUE_DEPTH. The protocol has no
 * queue-depth property; deeper queues would only meet a full ring and be
 * requeued.
 */
static unsigned int queue_depth(size_t pfns)
{
	size_t pkt = ALIGN(sizeof(struct hvp_gpa_direct_header) +
			   sizeof(struct hvp_gpa_range) + pfns * sizeof(u64) +
			   sizeof(struct hvp_vstor_packet), 8) +
		     sizeof(u64);	/* the ring's trailing index */

	return clamp_t(size_t, HSC_RING_SEND / pkt, 1, HSC_QUEUE_DEPTH);
}

/* The host's limits, and one hardware queue per channel. */
static void set_limits(struct hsc_host *h)
{
	struct Scsi_Host *shost = h->shost;

	shost->max_channel = h->ide ? 0 : SCSI_MAX_CHANNEL;
	shost->max_id = h->ide ? h->ide_target + 1 : SCSI_MAX_TARGETS;
	shost->max_lun = h->ide ? IDE_MAX_LUNS : SCSI_MAX_LUNS;
	shost->max_cmd_len = HVP_VSTOR_CDB_SIZE;
	shost->max_sectors = h->max_xfer >> SECTOR_SHIFT;
	shost->sg_tablesize = h->max_xfer / PAGE_SIZE + 1;
	shost->nr_hw_queues = h->nchan;
	shost->can_queue = queue_depth(shost->sg_tablesize);
	shost->cmd_per_lun = shost->can_queue;
}

static int add_host(struct hsc_host *h)
{
	int ret = scsi_add_host(h->shost, &h->vdev->dev);

	if (ret)
		dev_err(&h->vdev->dev, "scsi_add_host: %d\n", ret);
	return ret;
}

static void scan(struct hsc_host *h)
{
	if (!h->ide)
		scsi_scan_host(h->shost);
	else if (scsi_add_device(h->shost, 0, h->ide_target, 0))
		dev_warn_ratelimited(&h->vdev->dev,
				     "no IDE disk at target %u\n",
				     h->ide_target);
}

static int hsc_probe(struct hvg_vmbus_device *vdev,
		     const struct hv_vmbus_device_id *id)
{
	struct hsc_host *h;
	int ret;

	h = host_alloc(vdev);
	if (!h)
		return -ENOMEM;
	/* An SRB's target id is a byte: a larger one cannot be addressed. */
	if (h->ide && h->ide_target > U8_MAX) {
		dev_err_ratelimited(&vdev->dev, "IDE target %u in the instance GUID\n",
				    h->ide_target);
		ret = -EINVAL;
		goto err_close;
	}
	ret = hsc_open_primary(h);
	if (ret)
		goto err_close;
	ret = hsc_negotiate(h);
	if (ret)
		goto err_close;
	ret = hsc_open_subs(h);
	if (ret)
		goto err_close;
	set_limits(h);
	ret = add_host(h);
	if (ret)
		goto err_close;
	hsc_debugfs_add(h);
	mutex_lock(&hosts_lock);
	list_add(&h->node, &hosts);
	mutex_unlock(&hosts_lock);
	scan(h);
	return 0;

err_close:
	hsc_close_chans(h);
	host_free(h);
	return ret;
}

static void hsc_remove(struct hvg_vmbus_device *vdev)
{
	struct hsc_host *h = dev_get_drvdata(&vdev->dev);
	bool gone = hvg_channel_rescinded(vdev->channel);

	mutex_lock(&hosts_lock);
	list_del(&h->node);
	mutex_unlock(&hosts_lock);
	WRITE_ONCE(h->dying, true);
	hsc_debugfs_remove(h);
	if (gone) {
		WRITE_ONCE(h->removing, true);
		hsc_fail_inflight(h, true);
	} else {
		cancel_work_sync(&h->scan_work);
		scsi_remove_host(h->shost);
		WRITE_ONCE(h->removing, true);
	}
	hsc_close_chans(h);
	hsc_fail_inflight(h, false);
	cancel_work_sync(&h->scan_work);
	if (gone)
		scsi_remove_host(h->shost);
	host_free(h);
}

static const struct hv_vmbus_device_id hsc_ids[] = {
	{ .guid = HVP_GUID_SCSI },
	{ .guid = HVP_GUID_IDE },
	{}
};
MODULE_DEVICE_TABLE(vmbus, hsc_ids);

static struct hvg_vmbus_driver hsc_driver = {
	.name = "hvg_storvsc",
	.id_table = hsc_ids,
	.probe = hsc_probe,
	.remove = hsc_remove,
};

static int reboot_notify(struct notifier_block *nb, unsigned long action,
			 void *data)
{
	struct hsc_host *h;

	mutex_lock(&hosts_lock);
	list_for_each_entry(h, &hosts, node) {
		WRITE_ONCE(h->removing, true);
		hsc_fail_inflight(h, true);
	}
	mutex_unlock(&hosts_lock);
	return NOTIFY_DONE;
}

static struct notifier_block reboot_nb = {
	.notifier_call = reboot_notify,
	.priority = -1,	/* after hvg_vmbus's UNLOAD */
};

static int __init hsc_init(void)
{
	int ret;

	hsc_debugfs_init();
	ret = register_reboot_notifier(&reboot_nb);
	if (ret)
		goto err_debugfs;
	ret = hvg_vmbus_driver_register(&hsc_driver);
	if (ret)
		goto err_reboot;
	return 0;

err_reboot:
	unregister_reboot_notifier(&reboot_nb);
err_debugfs:
	hsc_debugfs_exit();
	return ret;
}

static void __exit hsc_exit(void)
{
	hvg_vmbus_driver_unregister(&hsc_driver);
	unregister_reboot_notifier(&reboot_nb);
	hsc_debugfs_exit();
}

module_init(hsc_init);
module_exit(hsc_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("hvguest: SCSI disks over VMBus (storage VSC)");
