// SPDX-License-Identifier: GPL-2.0
/*
 * The PTP clock "hyperv" (the name upstream uses, so chrony, udev's
 * ptp_hyperv rule and other tools recognise it): it reads the host's time,
 * extrapolated from the latest sample, and cannot be set or steered.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/module.h>
#include <linux/ptp_clock_kernel.h>
#include <hvg/vmbus.h>
#include "timesync.h"

static int ts_gettimex(struct ptp_clock_info *info, struct timespec64 *t,
		       struct ptp_system_timestamp *sts)
{
	struct ts_dev *ts = container_of(info, struct ts_dev, ptp_info);
	s64 ns;
	int ret;

	ptp_read_system_prets(sts);
	ret = ts_host_now(ts, &ns);
	ptp_read_system_postts(sts);
	if (!ret)
		*t = ns_to_timespec64(ns);
	return ret;
}

static int ts_gettime(struct ptp_clock_info *info, struct timespec64 *t)
{
	return ts_gettimex(info, t, NULL);
}

static int ts_settime(struct ptp_clock_info *info, const struct timespec64 *t)
{
	return -EOPNOTSUPP;
}

static int ts_adjtime(struct ptp_clock_info *info, s64 delta)
{
	return -EOPNOTSUPP;
}

static int ts_adjfine(struct ptp_clock_info *info, long scaled_ppm)
{
	return -EOPNOTSUPP;
}

static int ts_enable(struct ptp_clock_info *info, struct ptp_clock_request *r,
		     int on)
{
	return -EOPNOTSUPP;
}

static const struct ptp_clock_info ts_ptp_template = {
	.owner = THIS_MODULE,
	.name = "hyperv",
	.gettime64 = ts_gettime,
	.gettimex64 = ts_gettimex,
	.settime64 = ts_settime,
	.adjtime = ts_adjtime,
	.adjfine = ts_adjfine,
	.enable = ts_enable,
};

/**
 * ts_ptp_init() - register the PTP clock
 * @ts: the device
 *
 * A failure is logged and leaves the device without a PTP clock: stepping
 * still works.
 */
void ts_ptp_init(struct ts_dev *ts)
{
	struct ptp_clock *ptp;

	ts->ptp_info = ts_ptp_template;
	ptp = ptp_clock_register(&ts->ptp_info, &ts->vdev->dev);
	if (IS_ERR_OR_NULL(ptp)) {
		pr_warn("no PTP clock: %d\n", PTR_ERR_OR_ZERO(ptp));
		ptp = NULL;
	}
	ts->ptp = ptp;
}

/**
 * ts_ptp_uninit() - unregister the PTP clock
 * @ts: the device
 */
void ts_ptp_uninit(struct ts_dev *ts)
{
	if (ts->ptp)
		ptp_clock_unregister(ts->ptp);
	ts->ptp = NULL;
}
