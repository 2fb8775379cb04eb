// SPDX-License-Identifier: GPL-2.0
/*
 * hvg_vmbus_test: echo round trips for make bench: one small in-band
 * packet outstanding at a time, for a given time. Reported, not judged.
 */
#include <linux/ktime.h>
#include <hvproto/echo.h>
#include "test.h"

#define RTT_LEN		64
#define RTT_WAIT	(10 * HZ)

static int rtt_one(struct t_dev *d, u8 *pkt, u64 seq)
{
	u32 i;
	int ret;

	memcpy(pkt, &seq, 8);
	for (i = 8; i < RTT_LEN; i++)
		pkt[i] = hvp_echo_byte(seq, i);
	atomic_inc(&d->inflight);
	ret = hvg_channel_send(d->ch, pkt, RTT_LEN, NULL);
	if (ret) {
		atomic_dec(&d->inflight);
		return ret;
	}
	if (!wait_event_timeout(d->wq, !atomic_read(&d->inflight) ||
				atomic_read(&d->rx_bad), RTT_WAIT))
		return -ETIMEDOUT;
	return atomic_read(&d->rx_bad) ? -EBADMSG : 0;
}

/**
 * t_rtt() - in-band round trips, one outstanding, for @ms milliseconds
 * @d: the device, open
 * @ms: how long
 * @reason: filled on failure
 * @info: "count=N ns=T"
 *
 * Return: 0 or -1.
 */
int t_rtt(struct t_dev *d, unsigned int ms, char *reason, char *info)
{
	ktime_t start = ktime_get(), end = ktime_add_ms(start, ms);
	u8 pkt[RTT_LEN];
	u64 n = 0;
	int ret = 0;

	d->rx_seq = 0;
	atomic_set(&d->rx_bad, 0);
	atomic_set(&d->inflight, 0);
	while (!ret && ktime_before(ktime_get(), end)) {
		ret = rtt_one(d, pkt, n);
		if (!ret)
			n++;
	}
	scnprintf(info, T_INFO_LEN, "count=%llu ns=%lld", n,
		  ktime_to_ns(ktime_sub(ktime_get(), start)));
	if (ret) {
		snprintf(reason, T_REASON_LEN, "round trip %llu: error %d", n,
			 ret);
		return -1;
	}
	return 0;
}
