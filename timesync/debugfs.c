// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/hvg_timesync/stats: the negotiated versions, the
 * sample and step counters, and the IC framework's counters, one
 * key=value per line.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include "timesync.h"

static void show_ver(struct seq_file *m, const char *key, u32 v)
{
	seq_printf(m, "%s=%u.%u\n", key, HVG_IC_MAJOR(v), HVG_IC_MINOR(v));
}

static int stats_show(struct seq_file *m, void *unused)
{
	struct ts_dev *ts = m->private;
	const struct ts_stats *s = &ts->stats;
	const struct hvg_ic_stats *ic = &ts->ic.stats;

	show_ver(m, "framework_version", READ_ONCE(ts->ic.fw_version));
	show_ver(m, "service_version", READ_ONCE(ts->ic.srv_version));
	seq_printf(m, "samples=%llu\nsyncs=%llu\nsteps=%llu\nstep_errors=%llu\n",
		   READ_ONCE(s->samples), READ_ONCE(s->syncs),
		   READ_ONCE(s->steps), READ_ONCE(s->step_errors));
	seq_printf(m, "bad_samples=%llu\nbad_delays=%llu\n",
		   READ_ONCE(s->bad_samples), READ_ONCE(s->bad_delays));
	seq_printf(m, "last_offset_ns=%lld\nlast_delay_ns=%lld\n",
		   READ_ONCE(s->last_offset_ns), READ_ONCE(s->last_delay_ns));
	seq_printf(m, "ic_messages=%llu\nic_malformed=%llu\nic_negotiations=%llu\n",
		   READ_ONCE(ic->messages), READ_ONCE(ic->malformed),
		   READ_ONCE(ic->negotiations));
	seq_printf(m, "ic_no_match=%llu\nic_send_errors=%llu\n",
		   READ_ONCE(ic->no_match), READ_ONCE(ic->send_errors));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

/**
 * ts_debugfs_init() - create hvg_timesync/stats
 * @ts: the device
 */
void ts_debugfs_init(struct ts_dev *ts)
{
	ts->dbg = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("stats", 0444, ts->dbg, ts, &stats_fops);
}

/**
 * ts_debugfs_uninit() - remove hvg_timesync/, waiting for readers
 * @ts: the device
 */
void ts_debugfs_uninit(struct ts_dev *ts)
{
	debugfs_remove_recursive(ts->dbg);
	ts->dbg = NULL;
}
