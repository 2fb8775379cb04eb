// SPDX-License-Identifier: GPL-2.0
/*
 * hvg_vmbus_test: the echo device's channel, its callback and the data
 * tests: in-band echo and GPA-direct SUM (guest -> host data) and FILL
 * (host -> guest data), every byte checked; the host's unsolicited bursts
 * received in order and checked; one-way floods that fill the send ring.
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <hvproto/echo.h>
#include <hvproto/ring.h>
#include "test.h"

#define RING_SIZE	(256 * 1024)
#define INBAND_LEN	4000	/* payload bytes, a multiple of 8 */
#define INBAND_WINDOW	64
#define GPA_ORDER	6	/* 64 pages per GPA-direct request */
#define WAIT		(30 * HZ)
#define SEND_WAIT	(10 * HZ)	/* for the host's signal of free space */
#define BURST_WAIT	(120 * HZ)

static void on_inband(struct t_dev *d, const u8 *p, u32 len)
{
	u64 seq;
	u32 i;

	if (len < 8 || len > INBAND_LEN)
		goto bad;
	memcpy(&seq, p, 8);
	if (seq != d->rx_seq++)
		goto bad;
	for (i = 8; i < len; i++)
		if (p[i] != hvp_echo_byte(seq, i))
			goto bad;
	atomic64_add(len, &d->rx_bytes);
	atomic_dec(&d->inflight);
	return;
bad:
	atomic_cmpxchg(&d->rx_bad, 0, 1);
}

/* A host burst packet (false if @p is not one): checked, in order. */
static bool on_burst(struct t_dev *d, const u8 *p, u32 len)
{
	struct hvp_echo_req h;
	u64 seq;
	u32 i;

	/* An echo's first 8 bytes are its sequence number, < 2^32. */
	if (len < sizeof(h))
		return false;
	memcpy(&h, p, sizeof(h));
	if (le32_to_cpu(h.op) != HVP_ECHO_OP_BURST || le32_to_cpu(h.len) != len)
		return false;
	seq = le64_to_cpu(h.seed);
	if (seq != d->burst_seq)
		goto bad;
	for (i = 0; i < len - sizeof(h); i++)
		if (p[sizeof(h) + i] != hvp_echo_byte(seq, i))
			goto bad;
	d->burst_seq++;
	atomic64_inc(&d->burst_rx);
	return true;
bad:
	atomic64_cmpxchg(&d->burst_bad, 0, seq + 1);
	return true;
}

static void on_comp(struct t_dev *d, const u8 *p, u32 len, u64 trans_id)
{
	const struct hvp_echo_resp *resp = (const void *)p;
	struct t_rqst *r = hvg_channel_complete(d->ch, trans_id);

	if (!r)
		return;
	if (len < sizeof(*resp)) {
		r->status = U32_MAX;
	} else {
		r->status = le32_to_cpu(resp->status);
		r->len = le32_to_cpu(resp->len);
		r->sum = le64_to_cpu(resp->sum);
	}
	/* Orders the response fields before done (the waiter's acquire). */
	smp_store_release(&r->done, true);
}

static void t_callback(struct hvg_vmbus_channel *ch, void *ctx)
{
	struct t_dev *d = ctx;
	struct hvg_pkt p;
	int ret;

	while (!(ret = hvg_channel_recv(ch, d->buf, sizeof(d->buf), &p))) {
		if (p.type == HVP_PKT_COMP)
			on_comp(d, d->buf + p.offset, p.len - p.offset,
				p.trans_id);
		else if (p.type == HVP_PKT_DATA_INBAND &&
			 !on_burst(d, d->buf + p.offset, p.len - p.offset))
			on_inband(d, d->buf + p.offset, p.len - p.offset);
	}
	if (ret != -EAGAIN)
		atomic_cmpxchg(&d->rx_bad, 0, ret);
	/* Every run counts, packets or not: the host's room signal too. */
	atomic_inc(&d->kicks);
	wake_up(&d->wq);
}

/**
 * t_open() - open the echo channel
 * @d: the device
 *
 * Return: 0 or a negative errno.
 */
int t_open(struct t_dev *d)
{
	struct hvg_channel_params p = {
		.send_size = RING_SIZE,
		.recv_size = RING_SIZE,
		.rqst_slots = 64,
		.callback = t_callback,
		.ctx = d,
	};
	int ret;

	if (d->open)
		return 0;
	ret = hvg_channel_open(d->ch, &p);
	d->open = !ret;
	return ret;
}

/**
 * t_close() - close it
 * @d: the device
 */
void t_close(struct t_dev *d)
{
	if (d->open)
		hvg_channel_close(d->ch);	/* and its sub-channels */
	d->open = false;
	t_subs_forget(d);
}

/**
 * t_wait_room() - after -EAGAIN, wait for the host's signal of free space
 * @d: the device (its wait queue)
 * @ch: the channel sent on
 * @kicks: counted by @ch's callback on each run
 * @seen: @kicks read before the send that failed
 *
 * No polling: the failed send asked the host (pending_send_sz) to signal
 * once it has freed the space, and its signal runs the callback. A host
 * that does not signal fails the caller after SEND_WAIT.
 *
 * Return: 0 to retry the send; -ETIMEDOUT; the channel's error.
 */
int t_wait_room(struct t_dev *d, struct hvg_vmbus_channel *ch,
		atomic_t *kicks, int seen)
{
	if (!wait_event_timeout(d->wq, atomic_read(kicks) != seen ||
				hvg_channel_error(ch), SEND_WAIT))
		return -ETIMEDOUT;
	return hvg_channel_error(ch);
}

static int send_one(struct t_dev *d, u8 *pkt, u64 seq)
{
	int ret, kicks;
	u32 i;

	memcpy(pkt, &seq, 8);
	for (i = 8; i < INBAND_LEN; i++)
		pkt[i] = hvp_echo_byte(seq, i);
	do {
		kicks = atomic_read(&d->kicks);
		ret = hvg_channel_send(d->ch, pkt, INBAND_LEN, NULL);
	} while (ret == -EAGAIN &&
		 !(ret = t_wait_room(d, d->ch, &d->kicks, kicks)));
	return ret;
}

/**
 * t_inband() - echo @bytes in-band, every byte checked
 * @d: the device, open
 * @bytes: payload bytes each way
 * @reason: filled on failure
 *
 * Return: 0 or -1.
 */
int t_inband(struct t_dev *d, u64 bytes, char *reason)
{
	u64 seq, n = DIV_ROUND_UP(bytes, INBAND_LEN);
	u8 *pkt = kmalloc(INBAND_LEN, GFP_KERNEL);
	int ret = 0;

	if (!pkt)
		return snprintf(reason, T_REASON_LEN, "no memory"), -1;
	d->rx_seq = 0;
	atomic64_set(&d->rx_bytes, 0);
	atomic_set(&d->rx_bad, 0);
	atomic_set(&d->inflight, 0);
	for (seq = 0; seq < n && !ret; seq++) {
		if (!wait_event_timeout(d->wq, atomic_read(&d->inflight) <
					INBAND_WINDOW || atomic_read(&d->rx_bad), WAIT))
			ret = -ETIMEDOUT;
		else if (atomic_read(&d->rx_bad))
			ret = -EBADMSG;
		else
			ret = send_one(d, pkt, seq);
		if (!ret)
			atomic_inc(&d->inflight);
	}
	if (!ret && !wait_event_timeout(d->wq, !atomic_read(&d->inflight) ||
					atomic_read(&d->rx_bad), WAIT))
		ret = -ETIMEDOUT;
	kfree(pkt);
	if (ret || atomic_read(&d->rx_bad) ||
	    atomic64_read(&d->rx_bytes) != n * INBAND_LEN) {
		snprintf(reason, T_REASON_LEN,
			 "error %d, bad %d, %lld of %llu bytes echoed, %d in flight",
			 ret, atomic_read(&d->rx_bad),
			 atomic64_read(&d->rx_bytes), n * INBAND_LEN,
			 atomic_read(&d->inflight));
		return -1;
	}
	return 0;
}

/**
 * t_gpa_send() - one GPA-direct echo request, waited for
 * @d: the device, open
 * @rg: the ranges
 * @n: their number
 * @op: HVP_ECHO_OP_SUM or HVP_ECHO_OP_FILL
 * @len: the ranges' bytes in total
 * @seed: the request's seed
 * @r: filled with the completion
 *
 * Return: 0; -EIO if the host answered with an error status; the send's
 * error; -ETIMEDOUT.
 */
int t_gpa_send(struct t_dev *d, const struct hvg_gpa_range *rg, u32 n,
	       u32 op, u32 len, u64 seed, struct t_rqst *r)
{
	struct hvp_echo_req req = {
		.op = cpu_to_le32(op),
		.len = cpu_to_le32(len),
		.seed = cpu_to_le64(seed),
	};
	int ret, kicks;

	memset(r, 0, sizeof(*r));
	do {
		kicks = atomic_read(&d->kicks);
		ret = hvg_channel_send_gpa(d->ch, rg, n, &req, sizeof(req), r);
	} while (ret == -EAGAIN &&
		 !(ret = t_wait_room(d, d->ch, &d->kicks, kicks)));
	if (ret)
		return ret;
	/* Acquire: orders reading done before the response fields. */
	if (!wait_event_timeout(d->wq, smp_load_acquire(&r->done), WAIT)) {
		hvg_channel_cancel_rqst(d->ch, r);
		return -ETIMEDOUT;
	}
	return r->status ? -EIO : 0;
}

static int gpa_request(struct t_dev *d, struct page *pg, u32 op, u64 seed,
		       struct t_rqst *r)
{
	u32 len = PAGE_SIZE << GPA_ORDER, i;
	u64 pfns[1 << GPA_ORDER];
	struct hvg_gpa_range range = {
		.len = len, .pfn_count = 1 << GPA_ORDER, .pfns = pfns,
	};

	for (i = 0; i < range.pfn_count; i++)
		pfns[i] = page_to_pfn(pg) + i;
	return t_gpa_send(d, &range, 1, op, len, seed, r);
}

/**
 * t_flood() - send @n in-band packets one way, as fast as the ring takes them
 * @d: the device, open, its host end in `echo mode RELID drop` or `pause`
 * @n: packets of INBAND_LEN bytes
 * @reason: filled on failure
 * @info: "sent=N"
 *
 * More than the send ring holds: each time it is full, the send waits for
 * the host's signal (t_wait_room()), never polls.
 *
 * Return: 0 or -1.
 */
int t_flood(struct t_dev *d, u64 n, char *reason, char *info)
{
	u8 *pkt = kmalloc(INBAND_LEN, GFP_KERNEL);
	u64 seq;
	int ret = 0;

	if (!pkt)
		return snprintf(reason, T_REASON_LEN, "no memory"), -1;
	for (seq = 0; seq < n && !ret; seq++)
		ret = send_one(d, pkt, seq);
	kfree(pkt);
	scnprintf(info, T_INFO_LEN, "sent=%llu", ret ? seq - 1 : seq);
	if (ret) {
		snprintf(reason, T_REASON_LEN, "packet %llu of %llu: error %d",
			 seq - 1, n, ret);
		return -1;
	}
	return 0;
}

/**
 * t_burst_reset() - expect the host's next burst packet to be number @seq
 * @d: the device; no burst in flight
 * @seq: hvhost's burst_sent for the channel
 */
void t_burst_reset(struct t_dev *d, u64 seq)
{
	WRITE_ONCE(d->burst_seq, seq);
	atomic64_set(&d->burst_rx, 0);
	atomic64_set(&d->burst_bad, 0);
}

/**
 * t_burst_wait() - wait for @n burst packets since t_burst_reset()
 * @d: the device, open
 * @n: packets the host was asked for
 * @reason: filled on failure
 * @info: "rx=N"
 *
 * Return: 0 when exactly @n arrived in order, each checked, within
 * BURST_WAIT; else -1.
 */
int t_burst_wait(struct t_dev *d, u64 n, char *reason, char *info)
{
	long left;

	left = wait_event_timeout(d->wq, atomic64_read(&d->burst_rx) >= n ||
				  atomic64_read(&d->burst_bad) ||
				  hvg_channel_error(d->ch), BURST_WAIT);
	scnprintf(info, T_INFO_LEN, "rx=%lld", atomic64_read(&d->burst_rx));
	if (left && atomic64_read(&d->burst_rx) == n &&
	    !atomic64_read(&d->burst_bad))
		return 0;
	snprintf(reason, T_REASON_LEN,
		 "%lld of %llu burst packets, first bad seq+1 %lld, error %d%s",
		 atomic64_read(&d->burst_rx), n, atomic64_read(&d->burst_bad),
		 hvg_channel_error(d->ch), left ? "" : ", timed out");
	return -1;
}

static int gpa_one(struct t_dev *d, struct page *pg, bool fill, u64 seed)
{
	u32 len = PAGE_SIZE << GPA_ORDER, i;
	u8 *buf = page_address(pg);
	struct t_rqst r;
	int ret;

	if (fill)
		memset(buf, 0, len);
	else
		for (i = 0; i < len; i++)
			buf[i] = hvp_echo_byte(seed, i);
	ret = gpa_request(d, pg, fill ? HVP_ECHO_OP_FILL : HVP_ECHO_OP_SUM,
			  seed, &r);
	if (ret)
		return ret;
	if (r.len != len ||
	    r.sum != hvp_echo_fnv(hvp_echo_fnv_init(seed), buf, len))
		return -EBADMSG;
	for (i = 0; fill && i < len; i++)
		if (buf[i] != hvp_echo_byte(seed, i))
			return -EBADMSG;
	return 0;
}

/**
 * t_gpa() - move @bytes through GPA-direct requests, checked by FNV sums
 * @d: the device, open
 * @bytes: data bytes
 * @fill: host -> guest (FILL) instead of guest -> host (SUM)
 * @reason: filled on failure
 *
 * Return: 0 or -1.
 */
int t_gpa(struct t_dev *d, u64 bytes, bool fill, char *reason)
{
	u64 seed, n = DIV_ROUND_UP(bytes, PAGE_SIZE << GPA_ORDER);
	struct page *pg = alloc_pages(GFP_KERNEL, GPA_ORDER);
	int ret = 0;

	if (!pg)
		return snprintf(reason, T_REASON_LEN, "no memory"), -1;
	for (seed = 1; seed <= n && !ret; seed++)
		ret = gpa_one(d, pg, fill, seed);
	__free_pages(pg, GPA_ORDER);
	if (ret) {
		snprintf(reason, T_REASON_LEN, "request %llu of %llu: error %d",
			 seed - 1, n, ret);
		return -1;
	}
	return 0;
}

/**
 * t_cycles() - close and reopen the channel @n times, echoing each time
 * @d: the device
 * @n: cycles
 * @reason: filled on failure
 *
 * Return: 0 or -1.
 */
int t_cycles(struct t_dev *d, unsigned int n, char *reason)
{
	unsigned int i;
	int ret;

	for (i = 0; i < n; i++) {
		t_close(d);
		ret = t_open(d);
		if (ret) {
			snprintf(reason, T_REASON_LEN, "cycle %u: open: %d",
				 i, ret);
			return -1;
		}
		if (t_inband(d, INBAND_LEN, reason))
			return -1;
	}
	return 0;
}

/**
 * t_churn() - close and reopen until the host rescinds the channel
 * @d: the device
 * @n: at most this many cycles
 * @reason: filled on failure
 * @info: "cycles=N rescinded=0|1"
 *
 * For racing a rescind against open and close: an open that fails
 * because of the rescind is the expected end, not a failure.
 *
 * Return: 0 or -1.
 */
int t_churn(struct t_dev *d, unsigned int n, char *reason, char *info)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < n && !hvg_channel_rescinded(d->ch); i++) {
		t_close(d);
		ret = t_open(d);
		/*
		 * -ENODEV: we saw the rescind; -EIO, -ENOSPC: the host refused
		 * the open or the ring GPADL it got after rescinding, before
		 * its rescind reached us.
		 */
		if ((ret == -ENODEV || ret == -EIO || ret == -ENOSPC) &&
		    wait_event_timeout(d->wq, hvg_channel_rescinded(d->ch),
				       5 * HZ))
			ret = 0;
		if (ret)
			break;
	}
	scnprintf(info, T_INFO_LEN, "cycles=%u rescinded=%d", i,
		  hvg_channel_rescinded(d->ch));
	if (ret) {
		snprintf(reason, T_REASON_LEN, "cycle %u: open: %d", i, ret);
		return -1;
	}
	return 0;
}
