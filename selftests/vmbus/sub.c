// SPDX-License-Identifier: GPL-2.0
/*
 * hvg_vmbus_test: the echo device's sub-channels. Each one hvhost offers
 * (hvctl vmbus add-subchannel) is opened as it is delivered; "subs N"
 * echoes N small packets on every open one, each checked. A rescinded
 * sub-channel refuses sends and is released when closed.
 */
#include <linux/slab.h>
#include <hvproto/echo.h>
#include <hvproto/ring.h>
#include "test.h"

#define SUB_RING	(16 * 1024)
#define SUB_WAIT	(30 * HZ)

static void sub_cb(struct hvg_vmbus_channel *ch, void *ctx)
{
	struct t_sub *s = ctx;
	struct hvg_pkt p;
	u64 seq;
	u32 i;

	while (!hvg_channel_recv(ch, s->buf, sizeof(s->buf), &p)) {
		const u8 *data = s->buf + p.offset;

		if (p.type != HVP_PKT_DATA_INBAND ||
		    p.len - p.offset != T_SUB_PKT)
			goto bad;
		memcpy(&seq, data, 8);
		if (seq != (u64)atomic64_read(&s->rx))
			goto bad;
		for (i = 8; i < T_SUB_PKT; i++)
			if (data[i] != hvp_echo_byte(seq, i))
				goto bad;
		atomic64_inc(&s->rx);
		continue;
bad:
		atomic_inc(&s->bad);
	}
	atomic_inc(&s->kicks);
	wake_up(&s->d->wq);
}

/**
 * t_sc_offer() - the bus delivers a sub-channel of the echo device
 * @sc: the sub-channel; opened here or forgotten
 * @ctx: the device's struct t_dev (t_dev, under t_lock, is what counts)
 */
void t_sc_offer(struct hvg_vmbus_channel *sc, void *ctx)
{
	struct hvg_channel_params p = {
		.send_size = SUB_RING,
		.recv_size = SUB_RING,
		.callback = sub_cb,
	};
	struct t_sub *s;

	mutex_lock(&t_lock);
	if (!t_dev || !t_dev->open)
		goto out;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		goto out;
	s->d = t_dev;
	s->ch = sc;
	p.ctx = s;
	if (hvg_channel_open(sc, &p)) {
		kfree(s);
		goto out;
	}
	list_add_tail(&s->node, &t_dev->subs);
	pr_info("hvg_vmbus_test: sub-channel %u (index %u) open\n",
		hvg_channel_relid(sc), hvg_channel_sub_index(sc));
out:
	mutex_unlock(&t_lock);
}

/**
 * t_subs_forget() - drop the sub-channels: the primary's close closed them
 * @d: the device; t_lock held
 */
void t_subs_forget(struct t_dev *d)
{
	struct t_sub *s, *tmp;

	list_for_each_entry_safe(s, tmp, &d->subs, node) {
		list_del(&s->node);
		kfree(s);
	}
}

static int sub_send(struct t_sub *s, u8 *pkt)
{
	u64 seq = s->sent;
	int ret, kicks;
	u32 i;

	memcpy(pkt, &seq, 8);
	for (i = 8; i < T_SUB_PKT; i++)
		pkt[i] = hvp_echo_byte(seq, i);
	do {
		kicks = atomic_read(&s->kicks);
		ret = hvg_channel_send(s->ch, pkt, T_SUB_PKT, NULL);
	} while (ret == -EAGAIN &&
		 !(ret = t_wait_room(s->d, s->ch, &s->kicks, kicks)));
	if (!ret)
		s->sent++;
	return ret;
}

static bool subs_done(struct t_dev *d)
{
	struct t_sub *s;

	list_for_each_entry(s, &d->subs, node)
		if (!hvg_channel_rescinded(s->ch) &&
		    (u64)atomic64_read(&s->rx) < s->sent && !atomic_read(&s->bad))
			return false;
	return true;
}

/**
 * t_subs_echo() - echo @n packets on every open sub-channel
 * @d: the device; t_lock held
 * @n: packets per sub-channel
 * @reason: filled on failure
 * @info: "subs=K rescinded=R relids=A,B,..."
 *
 * Return: 0 or -1.
 */
int t_subs_echo(struct t_dev *d, unsigned int n, char *reason, char *info)
{
	unsigned int i, subs = 0, gone = 0, len;
	u8 pkt[T_SUB_PKT];
	struct t_sub *s;
	int ret = 0;

	list_for_each_entry(s, &d->subs, node) {
		s->sent = 0;
		atomic64_set(&s->rx, 0);
		atomic_set(&s->bad, 0);
	}
	for (i = 0; i < n && !ret; i++)
		list_for_each_entry(s, &d->subs, node) {
			ret = sub_send(s, pkt);
			if (ret == -ENODEV && hvg_channel_rescinded(s->ch))
				ret = 0;	/* counted below */
			if (ret)
				break;
		}
	if (!ret && !wait_event_timeout(d->wq, subs_done(d), SUB_WAIT))
		ret = -ETIMEDOUT;
	len = scnprintf(info, T_INFO_LEN, "relids=");
	list_for_each_entry(s, &d->subs, node) {
		if (hvg_channel_rescinded(s->ch)) {
			gone++;
			continue;
		}
		subs++;
		len += scnprintf(info + len, T_INFO_LEN - len, "%u,",
				 hvg_channel_relid(s->ch));
		if (!ret && (atomic_read(&s->bad) ||
			     atomic64_read(&s->rx) != n))
			ret = -EBADMSG;
	}
	scnprintf(info + len, T_INFO_LEN - len, " subs=%u rescinded=%u",
		  subs, gone);
	if (ret) {
		snprintf(reason, T_REASON_LEN, "error %d (%s)", ret, info);
		return -1;
	}
	return 0;
}

/**
 * t_subs_close_rescinded() - close the sub-channels the host rescinded
 * @d: the device; t_lock held
 * @info: "closed=K"
 *
 * Closing a rescinded sub-channel releases it (RELID_RELEASED).
 *
 * Return: 0.
 */
int t_subs_close_rescinded(struct t_dev *d, char *info)
{
	struct t_sub *s, *tmp;
	unsigned int closed = 0;

	list_for_each_entry_safe(s, tmp, &d->subs, node) {
		if (!hvg_channel_rescinded(s->ch))
			continue;
		hvg_channel_close(s->ch);
		list_del(&s->node);
		kfree(s);
		closed++;
	}
	scnprintf(info, T_INFO_LEN, "closed=%u", closed);
	return 0;
}
