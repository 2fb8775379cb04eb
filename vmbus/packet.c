// SPDX-License-Identifier: GPL-2.0
/*
 * The data path of an open channel: sending in-band, GPA-direct and
 * completion packets through the ring core (which decides when the host
 * must be signalled), reading packets in the callback, and request ids.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/string.h>
#include "channel.h"

/* Most ranges in one GPA-direct packet (the segment list is on the stack). */
#define GPA_MAX_RANGES	16

static void chan_broken(struct hvg_vmbus_channel *ch, const char *why)
{
	if (cmpxchg(&ch->state, HVG_CHAN_OPEN, HVG_CHAN_BROKEN) ==
	    HVG_CHAN_OPEN)
		pr_err_ratelimited("relid %u: %s: channel failed\n", ch->relid,
				   why);
}

/* out_full_first/total, as upstream counts them; under out_lock. */
static void count_full(struct hvg_vmbus_channel *ch, bool full)
{
	if (full) {
		atomic64_inc(&ch->stats.out_full_total);
		if (!ch->out_full)
			atomic64_inc(&ch->stats.out_full_first);
	}
	ch->out_full = full;
}

static int chan_write(struct hvg_vmbus_channel *ch, struct hvg_ring_wdesc *d,
		      const struct hvg_ring_seg *segs, unsigned int nsegs,
		      u32 total)
{
	unsigned long flags;
	bool signal = false;
	int ret;

	spin_lock_irqsave(&ch->out_lock, flags);
	if (READ_ONCE(ch->rescinded)) {
		ret = -ENODEV;	/* the host no longer reads the ring */
		goto out;
	}
	if (ch->state != HVG_CHAN_OPEN) {
		ret = ch->state == HVG_CHAN_BROKEN ? -EPROTO : -ENOTCONN;
		goto out;
	}
	ret = hvg_ring_write(&ch->out, d, segs, nsegs, &signal);
	if (ret == -EAGAIN &&
	    hvg_ring_set_pending_send(&ch->out, hvg_ring_packet_size(total)))
		ret = hvg_ring_write(&ch->out, d, segs, nsegs, &signal);
	/*
	 * Written: a request set by the retry above or by an earlier -EAGAIN
	 * is moot, and would make the host signal needlessly.
	 */
	if (!ret && READ_ONCE(ch->out.hdr->pending_send_sz))
		hvg_ring_set_pending_send(&ch->out, 0);
	count_full(ch, ret == -EAGAIN);
out:
	spin_unlock_irqrestore(&ch->out_lock, flags);
	if (ret == -EPROTO)
		chan_broken(ch, "host corrupted the send ring");
	if (signal) {
		atomic64_inc(&ch->stats.intr_out_empty);
		hvg_chan_signal(ch);
	}
	if (!ret) {
		atomic64_inc(&ch->stats.tx_packets);
		atomic64_add(total, &ch->stats.tx_bytes);
	}
	return ret;
}

/* Writes with a request id for @rqst (if any), freed again on failure. */
static int chan_send(struct hvg_vmbus_channel *ch, u16 type, u32 ext_len,
		     const struct hvg_ring_seg *segs, unsigned int nsegs,
		     u32 total, void *rqst)
{
	struct hvg_ring_wdesc d = { .type = type, .ext_len = ext_len };
	int ret;

	if (rqst) {
		d.flags = HVP_PKT_FLAG_COMPLETION_REQUESTED;
		d.trans_id = hvg_rqstor_alloc(&ch->rqstor, rqst);
		if (!d.trans_id)
			return -EBUSY;
	}
	ret = chan_write(ch, &d, segs, nsegs, total);
	if (ret && rqst)
		hvg_rqstor_take(&ch->rqstor, d.trans_id);
	return ret;
}

/**
 * hvg_channel_send() - send an in-band packet
 * @ch: an open channel
 * @data: the payload
 * @len: its length
 * @rqst: non-NULL: request a completion, which hvg_channel_complete() maps
 *	back to @rqst; NULL: no completion, trans_id 0
 *
 * Any context; never sleeps.
 *
 * Return: 0; -EAGAIN if the ring is full (the host signals when space
 * frees: the callback runs); -EBUSY if no request id is free; -ENOTCONN if
 * closed; -ENODEV if rescinded; -EPROTO if the channel failed; -EMSGSIZE if
 * it can never fit.
 */
int hvg_channel_send(struct hvg_vmbus_channel *ch, const void *data, u32 len,
		     void *rqst)
{
	struct hvg_ring_seg seg = { .data = data, .len = len };

	return chan_send(ch, HVP_PKT_DATA_INBAND, 0, &seg, 1, len, rqst);
}
EXPORT_SYMBOL_GPL(hvg_channel_send);

static bool range_valid(const struct hvg_gpa_range *r)
{
	return r->len && r->offset < HVG_RING_PAGE_SIZE && r->pfns &&
	       r->pfn_count == DIV_ROUND_UP((u64)r->offset + r->len,
					    HVG_RING_PAGE_SIZE);
}

/**
 * hvg_channel_send_gpa() - send a GPA-direct packet (multi-page ranges)
 * @ch: an open channel
 * @ranges: guest memory the host reads or writes, 1 to 16 ranges
 * @nranges: their number
 * @data: the in-band payload after the ranges
 * @len: its length
 * @rqst: as for hvg_channel_send()
 *
 * Any context; never sleeps. The memory must stay valid until the host
 * completes the request.
 *
 * Return: as hvg_channel_send(), and -EINVAL for a malformed range.
 */
int hvg_channel_send_gpa(struct hvg_vmbus_channel *ch,
			 const struct hvg_gpa_range *ranges, u32 nranges,
			 const void *data, u32 len, void *rqst)
{
	struct hvg_ring_seg segs[2 + 2 * GPA_MAX_RANGES];
	__le32 rhead[GPA_MAX_RANGES][2], head[2];
	u32 i, n = 0, ext = sizeof(head);

	if (!nranges || nranges > GPA_MAX_RANGES)
		return -EINVAL;
	head[0] = 0;
	head[1] = cpu_to_le32(nranges);
	segs[n++] = (struct hvg_ring_seg){ head, sizeof(head) };
	for (i = 0; i < nranges; i++) {
		if (!range_valid(&ranges[i]))
			return -EINVAL;
		rhead[i][0] = cpu_to_le32(ranges[i].len);
		rhead[i][1] = cpu_to_le32(ranges[i].offset);
		segs[n++] = (struct hvg_ring_seg){ rhead[i], sizeof(rhead[i]) };
		/* x86-64 only: u64 PFNs are already little-endian. */
		segs[n++] = (struct hvg_ring_seg){ ranges[i].pfns,
						   ranges[i].pfn_count * 8 };
		ext += sizeof(rhead[i]) + ranges[i].pfn_count * 8;
	}
	segs[n++] = (struct hvg_ring_seg){ data, len };
	return chan_send(ch, HVP_PKT_DATA_USING_GPA_DIRECT, ext, segs, n,
			 ext + len, rqst);
}
EXPORT_SYMBOL_GPL(hvg_channel_send_gpa);

/**
 * hvg_channel_send_comp() - answer a host request with a completion
 * @ch: an open channel
 * @data: the completion's payload
 * @len: its length
 * @trans_id: the request's trans_id
 *
 * Any context; never sleeps.
 *
 * Return: as hvg_channel_send().
 */
int hvg_channel_send_comp(struct hvg_vmbus_channel *ch, const void *data,
			  u32 len, u64 trans_id)
{
	struct hvg_ring_wdesc d = { .type = HVP_PKT_COMP, .trans_id = trans_id };
	struct hvg_ring_seg seg = { .data = data, .len = len };

	return chan_write(ch, &d, &seg, 1, len);
}
EXPORT_SYMBOL_GPL(hvg_channel_send_comp);

/**
 * hvg_channel_send_reply() - answer a host request with an in-band packet
 * @ch: an open channel
 * @data: the payload
 * @len: its length
 * @trans_id: the request's trans_id, echoed as integration components do
 *
 * Any context; never sleeps. No completion is requested.
 *
 * Return: as hvg_channel_send().
 */
int hvg_channel_send_reply(struct hvg_vmbus_channel *ch, const void *data,
			   u32 len, u64 trans_id)
{
	struct hvg_ring_wdesc d = { .type = HVP_PKT_DATA_INBAND,
				    .trans_id = trans_id };
	struct hvg_ring_seg seg = { .data = data, .len = len };

	return chan_write(ch, &d, &seg, 1, len);
}
EXPORT_SYMBOL_GPL(hvg_channel_send_reply);

/* GPA-direct: range_count multi-page ranges filling the extension exactly. */
static bool gpa_ranges_valid(const u8 *pkt, u32 end)
{
	const struct hvp_gpa_direct_header *h = (const void *)pkt;
	u32 pos = sizeof(*h), count, i;
	struct hvp_gpa_mpb mpb;
	u64 pfns;

	if (end < sizeof(*h))
		return false;
	count = le32_to_cpu(h->range_count);
	for (i = 0; i < count; i++) {
		if (end - pos < sizeof(mpb))
			return false;
		memcpy(&mpb, pkt + pos, sizeof(mpb));
		pos += sizeof(mpb);
		if (!mpb.len || le32_to_cpu(mpb.offset) >= HVG_RING_PAGE_SIZE)
			return false;
		pfns = DIV_ROUND_UP((u64)le32_to_cpu(mpb.offset) +
				    le32_to_cpu(mpb.len), HVG_RING_PAGE_SIZE);
		if ((end - pos) / 8 < pfns)
			return false;
		pos += pfns * 8;
	}
	return count && pos == end;
}

/* Transfer pages: range_count ranges inside the extension. */
static bool xfer_ranges_valid(const u8 *pkt, u32 end)
{
	const struct hvp_xfer_page_header *h = (const void *)pkt;
	u32 count;

	if (end < sizeof(*h))
		return false;
	count = le32_to_cpu(h->range_count);
	return count && (end - sizeof(*h)) / sizeof(h->ranges[0]) >= count;
}

/* What the ring core leaves to us: the type, and the ranges we can check. */
static const char *pkt_invalid(const u8 *pkt, const struct hvg_ring_pkt *rp)
{
	switch (rp->type) {
	case HVP_PKT_DATA_USING_GPA_DIRECT:
		return gpa_ranges_valid(pkt, rp->offset) ? NULL :
		       "GPA-direct packet with bad ranges";
	case HVP_PKT_DATA_USING_XFER_PAGES:
		return xfer_ranges_valid(pkt, rp->offset) ? NULL :
		       "transfer-page packet with bad ranges";
	default:
		return rp->type && rp->type <= HVP_PKT_ADDITIONAL_DATA ? NULL :
		       "packet of unknown type";
	}
}

/**
 * hvg_channel_recv() - read the next packet
 * @ch: an open channel, from its callback
 * @buf: where the packet is copied, descriptor first
 * @size: bytes at @buf
 * @pkt: the packet's validated fields
 *
 * A packet of unknown type, or whose GPA or transfer-page ranges do not
 * match its length, is dropped (counted in bad_packets, ratelimited line)
 * and the next one is read.
 *
 * Return: 0; -EAGAIN when no packet is left; -ENOBUFS if @size is too
 * small (@pkt->len is the size needed; the packet stays); -EPROTO if the
 * host put garbage in the ring (the channel has failed).
 */
int hvg_channel_recv(struct hvg_vmbus_channel *ch, void *buf, u32 size,
		     struct hvg_pkt *pkt)
{
	struct hvg_ring_pkt rp;
	const char *bad;
	int ret;

	for (;;) {
		ret = hvg_ring_read(&ch->in, buf, size, &rp);
		pkt->len = rp.len;
		if (ret == -EPROTO) {
			atomic64_inc(&ch->stats.bad_packets);
			chan_broken(ch, "malformed packet from the host");
		}
		if (ret)
			return ret;
		atomic64_inc(&ch->stats.rx_packets);
		atomic64_add(rp.len, &ch->stats.rx_bytes);
		bad = pkt_invalid(buf, &rp);
		if (!bad)
			break;
		atomic64_inc(&ch->stats.bad_packets);
		pr_warn_ratelimited("relid %u: %s dropped (type %u)\n", ch->relid,
				    bad, rp.type);
	}
	pkt->type = rp.type;
	pkt->flags = rp.flags;
	pkt->trans_id = rp.trans_id;
	pkt->offset = rp.offset;
	return 0;
}
EXPORT_SYMBOL_GPL(hvg_channel_recv);

/**
 * hvg_channel_complete() - map a completion's trans_id to its request
 * @ch: the channel
 * @trans_id: from the completion packet
 *
 * Any context. Each id maps back once: unknown, stale and repeated ids are
 * rejected (counted, ratelimited line).
 *
 * Return: the @rqst given when sending, or NULL.
 */
void *hvg_channel_complete(struct hvg_vmbus_channel *ch, u64 trans_id)
{
	void *rqst = hvg_rqstor_take(&ch->rqstor, trans_id);

	if (!rqst) {
		atomic64_inc(&ch->stats.bad_completions);
		pr_warn_ratelimited("relid %u: completion with unknown request id %#llx dropped\n",
				    ch->relid, trans_id);
	}
	return rqst;
}
EXPORT_SYMBOL_GPL(hvg_channel_complete);

/**
 * hvg_channel_cancel_rqst() - give up on a request's completion
 * @ch: the channel
 * @rqst: the context of an outstanding request
 *
 * Any context. A completion arriving later is rejected.
 */
void hvg_channel_cancel_rqst(struct hvg_vmbus_channel *ch, void *rqst)
{
	hvg_rqstor_cancel(&ch->rqstor, rqst);
}
EXPORT_SYMBOL_GPL(hvg_channel_cancel_rqst);

/**
 * hvg_channel_error() - has the channel failed?
 * @ch: the channel
 *
 * Return: 0; -EPROTO when the host broke the protocol on it; -ENODEV when
 * it was rescinded.
 */
int hvg_channel_error(struct hvg_vmbus_channel *ch)
{
	if (READ_ONCE(ch->state) == HVG_CHAN_BROKEN)
		return -EPROTO;
	return READ_ONCE(ch->rescinded) ? -ENODEV : 0;
}
EXPORT_SYMBOL_GPL(hvg_channel_error);

/**
 * hvg_channel_relid() - the channel's id
 * @ch: the channel
 *
 * Return: the relid.
 */
u32 hvg_channel_relid(const struct hvg_vmbus_channel *ch)
{
	return ch->relid;
}
EXPORT_SYMBOL_GPL(hvg_channel_relid);

/**
 * hvg_channel_cpu() - the CPU the channel's interrupts go to
 * @ch: the channel
 *
 * Meaningful while it is open; moved by channels/<relid>/cpu.
 *
 * Return: the CPU.
 */
unsigned int hvg_channel_cpu(const struct hvg_vmbus_channel *ch)
{
	return READ_ONCE(ch->target_cpu);
}
EXPORT_SYMBOL_GPL(hvg_channel_cpu);

/**
 * hvg_channel_sub_index() - which sub-channel this is
 * @ch: the channel
 *
 * Return: 0 for a primary channel.
 */
u16 hvg_channel_sub_index(const struct hvg_vmbus_channel *ch)
{
	return ch->sub_index;
}
EXPORT_SYMBOL_GPL(hvg_channel_sub_index);

/**
 * hvg_channel_rescinded() - has the host withdrawn the channel?
 * @ch: the channel
 *
 * Return: true once the rescind arrived; the device is removed soon.
 */
bool hvg_channel_rescinded(const struct hvg_vmbus_channel *ch)
{
	return READ_ONCE(ch->rescinded);
}
EXPORT_SYMBOL_GPL(hvg_channel_rescinded);

/**
 * hvg_channel_set_sc_callback() - receive the primary's sub-channel offers
 * @primary: a primary channel
 * @sc: called with each new sub-channel and @ctx (see hvg_sc_cb_t); NULL
 *	to stop
 * @ctx: the driver's context for @sc, e.g. its per-device data
 *
 * Process context. Stopping waits for a call in progress, so a driver's
 * remove may free @ctx afterwards: do not stop from the callback or while
 * holding a lock it takes.
 */
void hvg_channel_set_sc_callback(struct hvg_vmbus_channel *primary,
				 hvg_sc_cb_t sc, void *ctx)
{
	mutex_lock(&primary->lock);
	primary->sc_callback = sc;
	primary->sc_ctx = sc ? ctx : NULL;
	mutex_unlock(&primary->lock);
	if (!sc)
		flush_workqueue(primary->conn->sub_wq);
}
EXPORT_SYMBOL_GPL(hvg_channel_set_sc_callback);
