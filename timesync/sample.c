// SPDX-License-Identifier: GPL-2.0
/*
 * Timesync messages: validate a sample, correct it for its time in flight,
 * keep it as the guest's view of the host clock, and step the wall clock
 * after a SYNC.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/time64.h>
#include <linux/ktime.h>
#include <hvg/hvcall.h>
#include "timesync.h"

/* Host times past 2200-01-01 are refused: they would overflow s64 ns soon. */
#define MAX_UNIX_100NS		(7258118400ULL * 10000000ULL)
/* A 4.0 sample longer in flight than this is not corrected (10 s). */
#define MAX_DELAY_100NS		(10 * 10000000ULL)
/* Samples older than this make the PTP clock fail with -ESTALE, as upstream. */
#define STALE_NS		(600 * NSEC_PER_SEC)

/* A host sample, validated; @host_ns is the host time at its receipt. */
struct sample {
	s64 host_ns;
	s64 delay_ns;
	u8 flags;
};

static void count(struct ts_dev *ts, u64 *counter)
{
	unsigned long flags;

	spin_lock_irqsave(&ts->lock, flags);
	WRITE_ONCE(*counter, *counter + 1);
	spin_unlock_irqrestore(&ts->lock, flags);
}

/* 4.0: the sample's time in flight by the reference counter; 0 if unknown. */
static s64 flight_ns(struct ts_dev *ts, u64 vm_ref)
{
	u64 now;
	int ret;

	ret = hvg_reference_counter(&now);
	if (!ret && now >= vm_ref && now - vm_ref <= MAX_DELAY_100NS)
		return (now - vm_ref) * 100;
	count(ts, &ts->stats.bad_delays);
	if (ret)
		pr_warn_ratelimited("cannot read the reference counter (%d): sample not corrected\n",
				    ret);
	else
		pr_warn_ratelimited("sample sent at reference time %llu, received at %llu: not corrected\n",
				    vm_ref, now);
	return 0;
}

static int parse_ref_data(struct ts_dev *ts, const struct hvg_ic_msg *msg,
			  u64 *parent, struct sample *s)
{
	const struct hvp_ts_ref_data *d = msg->body;

	if (msg->body_len < sizeof(*d))
		return -EPROTO;
	*parent = le64_to_cpu(d->parent_time);
	s->flags = d->flags;
	s->delay_ns = flight_ns(ts, le64_to_cpu(d->vm_reference_time));
	return 0;
}

/* Before 4.0 nothing dates the send: the delay is taken as zero. */
static int parse_data(const struct hvg_ic_msg *msg, u64 *parent,
		      struct sample *s)
{
	const struct hvp_ts_data *d = msg->body;

	if (msg->body_len < sizeof(*d))
		return -EPROTO;
	*parent = le64_to_cpu(d->parent_time);
	s->flags = d->flags;
	s->delay_ns = 0;
	return 0;
}

static int parse(struct ts_dev *ts, const struct hvg_ic_msg *msg,
		 struct sample *s)
{
	u64 parent;
	int ret;

	if (msg->type != HVP_IC_MSG_TIMESYNC)
		return -EPROTO;
	if (READ_ONCE(ts->ic.srv_version) >= HVG_IC_VER(4, 0))
		ret = parse_ref_data(ts, msg, &parent, s);
	else
		ret = parse_data(msg, &parent, s);
	if (ret)
		return ret;
	if (parent < HVP_TS_EPOCH_DELTA ||
	    parent - HVP_TS_EPOCH_DELTA > MAX_UNIX_100NS)
		return -ERANGE;
	s->host_ns = (parent - HVP_TS_EPOCH_DELTA) * 100 + s->delay_ns;
	return 0;
}

static void store(struct ts_dev *ts, const struct sample *s)
{
	u64 raw = ktime_get_raw_ns();
	s64 real = ktime_get_real_ns();
	unsigned long flags;

	spin_lock_irqsave(&ts->lock, flags);
	ts->host_ns = s->host_ns;
	ts->raw_ns = raw;
	ts->have_sample = true;
	WRITE_ONCE(ts->stats.samples, ts->stats.samples + 1);
	if (s->flags & HVP_TS_FLAG_SYNC)
		WRITE_ONCE(ts->stats.syncs, ts->stats.syncs + 1);
	WRITE_ONCE(ts->stats.last_offset_ns, s->host_ns - real);
	WRITE_ONCE(ts->stats.last_delay_ns, s->delay_ns);
	spin_unlock_irqrestore(&ts->lock, flags);
}

/**
 * ts_handle() - the IC handler: one timesync message
 * @ic: the timesync IC
 * @msg: the message
 *
 * Channel callback context (softirq).
 *
 * Return: HVP_IC_S_OK, or HVP_IC_E_FAIL for a message refused.
 */
u32 ts_handle(struct hvg_ic *ic, struct hvg_ic_msg *msg)
{
	struct ts_dev *ts = container_of(ic, struct ts_dev, ic);
	struct sample s;
	int ret;

	ret = parse(ts, msg, &s);
	if (ret) {
		count(ts, &ts->stats.bad_samples);
		pr_err_ratelimited("refused a message of type %u, %u body bytes: %s\n",
				   msg->type, msg->body_len,
				   ret == -ERANGE ? "host time out of range" :
				   "malformed");
		return HVP_IC_E_FAIL;
	}
	/* SYNC wins when both bits are set, as upstream. */
	if (!(s.flags & (HVP_TS_FLAG_SYNC | HVP_TS_FLAG_SAMPLE)))
		return HVP_IC_S_OK;
	store(ts, &s);
	if ((s.flags & HVP_TS_FLAG_SYNC) && READ_ONCE(ts_step))
		schedule_work(&ts->step_work);
	return HVP_IC_S_OK;
}

/**
 * ts_host_now() - the host's time now, as the latest sample tells
 * @ts: the device
 * @ns: Unix nanoseconds
 *
 * Any context.
 *
 * Return: 0, or -ESTALE when there is no sample or it is older than 600 s.
 */
int ts_host_now(struct ts_dev *ts, s64 *ns)
{
	unsigned long flags;
	u64 elapsed;
	int ret = 0;

	spin_lock_irqsave(&ts->lock, flags);
	elapsed = ktime_get_raw_ns() - ts->raw_ns;
	if (!ts->have_sample || elapsed > STALE_NS)
		ret = -ESTALE;
	else
		*ns = ts->host_ns + elapsed;
	spin_unlock_irqrestore(&ts->lock, flags);
	return ret;
}

/**
 * ts_step_work() - step the wall clock to the host's time
 * @work: ts_dev.step_work
 *
 * The host time is extrapolated to the moment of the step, so the time the
 * work waited to run is compensated too.
 */
void ts_step_work(struct work_struct *work)
{
	struct ts_dev *ts = container_of(work, struct ts_dev, step_work);
	struct timespec64 tv;
	s64 host, off;
	int ret;

	ret = ts_host_now(ts, &host);
	if (!ret) {
		tv = ns_to_timespec64(host);
		off = host - ktime_get_real_ns();
		ret = do_settimeofday64(&tv);
	}
	count(ts, ret ? &ts->stats.step_errors : &ts->stats.steps);
	if (ret)
		pr_err_ratelimited("cannot step the clock to host time: %d\n",
				   ret);
	else
		pr_info_ratelimited("clock stepped to host time by %lld ns\n",
				    off);
}
