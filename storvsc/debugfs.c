// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs: /sys/kernel/debug/hvg_storvsc/host<N>/channels, one line per
 * channel (hardware queue): its relid and the counters of struct
 * hsc_chan_stats. Tests check that I/O went over every channel.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <scsi/scsi_host.h>
#include <hvg/vmbus.h>
#include "storvsc.h"

static struct dentry *root;

static int channels_show(struct seq_file *m, void *unused)
{
	struct hsc_host *h = m->private;
	unsigned int i;

	seq_printf(m, "version=%u.%u max_xfer=%u\n", h->version >> 8,
		   h->version & 0xff, h->max_xfer);
	for (i = 0; i < h->nchan; i++) {
		struct hsc_chan *c = h->chans[i];

		seq_printf(m, "queue=%u relid=%u submitted=%lld completed=%lld busy=%lld errors=%lld retried=%lld bad=%lld\n",
			   c->index, hvg_channel_relid(c->ch),
			   atomic64_read(&c->stats.submitted),
			   atomic64_read(&c->stats.completed),
			   atomic64_read(&c->stats.busy),
			   atomic64_read(&c->stats.errors),
			   atomic64_read(&c->stats.retried),
			   atomic64_read(&c->stats.bad));
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(channels);

/**
 * hsc_debugfs_add() - the controller's directory
 * @h: the controller, its SCSI host added
 */
void hsc_debugfs_add(struct hsc_host *h)
{
	char name[24];

	snprintf(name, sizeof(name), "host%u", h->shost->host_no);
	h->dbg = debugfs_create_dir(name, root);
	debugfs_create_file("channels", 0444, h->dbg, h, &channels_fops);
}

/**
 * hsc_debugfs_remove() - remove it (waits for readers)
 * @h: the controller
 */
void hsc_debugfs_remove(struct hsc_host *h)
{
	debugfs_remove_recursive(h->dbg);
	h->dbg = NULL;
}

/**
 * hsc_debugfs_init() - the driver's directory
 *
 * Return: 0 (debugfs failures are not fatal).
 */
int hsc_debugfs_init(void)
{
	root = debugfs_create_dir("hvg_storvsc", NULL);
	return 0;
}

/**
 * hsc_debugfs_exit() - remove it
 */
void hsc_debugfs_exit(void)
{
	debugfs_remove_recursive(root);
}
