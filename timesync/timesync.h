/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvg_timesync: the time synchronization integration component.
 *
 * The host sends samples of its clock (100 ns units since 1601). Each one
 * is corrected for the time it spent in flight (service 4.0: the partition
 * reference counter at send against the counter at receipt), converted to
 * Unix nanoseconds, and stored beside the guest's CLOCK_MONOTONIC_RAW at
 * receipt: that pair is the host clock as the guest knows it, which the PTP
 * clock extrapolates. A SYNC sample also steps the guest's wall clock
 * (from a work item, do_settimeofday64 sleeps), unless step=0.
 */
#ifndef HVG_TIMESYNC_H
#define HVG_TIMESYNC_H

#include <linux/ptp_clock_kernel.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <hvg/ic.h>

struct hvg_vmbus_device;
struct dentry;

/**
 * struct ts_stats - counters; written under ts_dev.lock, read with READ_ONCE
 * @samples: SYNC and SAMPLE messages accepted
 * @syncs: SYNC messages accepted
 * @steps: wall clock steps made
 * @step_errors: steps do_settimeofday64() refused
 * @bad_samples: timesync messages refused (short body, time out of range)
 * @bad_delays: 4.0 samples whose reference time could not be used
 * @last_offset_ns: host minus guest wall clock at the latest sample
 * @last_delay_ns: the latest sample's in-flight time, as corrected
 */
struct ts_stats {
	u64 samples;
	u64 syncs;
	u64 steps;
	u64 step_errors;
	u64 bad_samples;
	u64 bad_delays;
	s64 last_offset_ns;
	s64 last_delay_ns;
};

/**
 * struct ts_dev - the one timesync device
 * @ic: the IC channel
 * @vdev: the VMBus device
 * @lock: protects @host_ns, @raw_ns, @have_sample and @stats
 * @host_ns: host time (Unix ns) at the latest sample's receipt
 * @raw_ns: CLOCK_MONOTONIC_RAW at that receipt
 * @have_sample: @host_ns and @raw_ns are set
 * @stats: counters
 * @step_work: steps the wall clock after a SYNC
 * @ptp_info: the PTP clock's operations
 * @ptp: the PTP clock, or NULL when it could not be registered
 * @dbg: debugfs directory
 */
struct ts_dev {
	struct hvg_ic ic;
	struct hvg_vmbus_device *vdev;
	spinlock_t lock;	/* protects the sample and stats */
	s64 host_ns;
	u64 raw_ns;
	bool have_sample;
	struct ts_stats stats;
	struct work_struct step_work;
	struct ptp_clock_info ptp_info;
	struct ptp_clock *ptp;
	struct dentry *dbg;
};

extern bool ts_step;

u32 ts_handle(struct hvg_ic *ic, struct hvg_ic_msg *msg);
void ts_step_work(struct work_struct *work);
int ts_host_now(struct ts_dev *ts, s64 *ns);

void ts_ptp_init(struct ts_dev *ts);
void ts_ptp_uninit(struct ts_dev *ts);

void ts_debugfs_init(struct ts_dev *ts);
void ts_debugfs_uninit(struct ts_dev *ts);

#endif /* HVG_TIMESYNC_H */
