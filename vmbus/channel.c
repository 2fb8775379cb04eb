// SPDX-License-Identifier: GPL-2.0
/*
 * Opening and closing channels: the rings (one allocation, send ring then
 * receive ring, each a header page and data), their GPADL, OPENCHANNEL and
 * its bounded wait, and the reverse.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/kmemleak.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <hvg/hvcall.h>
#include "channel.h"

#define RING_PAGE	HVG_RING_PAGE_SIZE

static bool params_valid(const struct hvg_channel_params *p)
{
	return p->callback && p->send_size && p->recv_size &&
	       IS_ALIGNED(p->send_size, RING_PAGE) &&
	       IS_ALIGNED(p->recv_size, RING_PAGE) &&
	       p->send_size <= HVG_RING_MAX_SIZE &&
	       p->recv_size <= HVG_RING_MAX_SIZE &&
	       p->user_data_len <= HVP_VMBUS_OPEN_USER_DATA_BYTES &&
	       (p->user_data || !p->user_data_len);
}

/* The driver's choice if one is online, else spread by relid. */
static unsigned int pick_cpu(const struct hvg_vmbus_channel *ch,
			     const struct cpumask *want)
{
	unsigned int n = ch->relid % num_online_cpus(), cpu;

	if (want) {
		cpu = cpumask_first_and(want, cpu_online_mask);
		if (cpu < nr_cpu_ids)
			return cpu;
	}

	for_each_online_cpu(cpu) {
		if (!n--)
			return cpu;
	}
	return cpumask_first(cpu_online_mask);
}

/* The host may still write the rings: keep them away from the allocator. */
static void ring_leak(struct hvg_vmbus_channel *ch)
{
	pr_warn("relid %u: host did not release the ring GPADL: leaking %u pages\n",
		ch->relid, ch->ring_pages);
	kmemleak_not_leak(ch->ring_buf);
	kfree(ch->page_ptrs);
	ch->ring_buf = NULL;
	ch->page_ptrs = NULL;
}

static void ring_free(struct hvg_vmbus_channel *ch)
{
	vfree(ch->ring_buf);
	kfree(ch->page_ptrs);
	ch->ring_buf = NULL;
	ch->page_ptrs = NULL;
}

static int ring_alloc(struct hvg_vmbus_channel *ch,
		      const struct hvg_channel_params *p)
{
	u32 send_data = p->send_size / RING_PAGE, recv_data = p->recv_size / RING_PAGE;
	u8 *recv_hdr;
	u32 i;
	int ret;

	ch->send_pages = 1 + send_data;
	ch->ring_pages = ch->send_pages + 1 + recv_data;
	ch->ring_buf = vzalloc_node((size_t)ch->ring_pages * RING_PAGE,
				    cpu_to_node(ch->target_cpu));
	ch->page_ptrs = kcalloc(send_data + recv_data, sizeof(u8 *),
				GFP_KERNEL);
	if (!ch->ring_buf || !ch->page_ptrs) {
		ring_free(ch);
		return -ENOMEM;
	}
	recv_hdr = ch->ring_buf + (size_t)ch->send_pages * RING_PAGE;
	for (i = 0; i < send_data; i++)
		ch->page_ptrs[i] = ch->ring_buf + (size_t)(1 + i) * RING_PAGE;
	for (i = 0; i < recv_data; i++)
		ch->page_ptrs[send_data + i] = recv_hdr + (size_t)(1 + i) * RING_PAGE;
	ret = hvg_ring_init(&ch->out, ch->ring_buf, ch->page_ptrs, p->send_size);
	if (!ret)
		ret = hvg_ring_init(&ch->in, (void *)recv_hdr,
				    ch->page_ptrs + send_data, p->recv_size);
	if (ret) {
		ring_free(ch);
		return ret;
	}
	hvg_ring_reset(&ch->out, HVP_RING_FEAT_PENDING_SEND_SZ);
	hvg_ring_reset(&ch->in, HVP_RING_FEAT_PENDING_SEND_SZ);
	return 0;
}

/*
 * Post a channel message whose answer is keyed by this channel's relid, and
 * wait (bounded) for it; a rescind that already happened ends the wait.
 */
static int chan_request(struct hvg_vmbus_channel *ch, const void *msg,
			u32 len, struct hvg_waiter *w, u32 resp_type,
			const char *what)
{
	int ret;

	hvg_waiter_init(w, resp_type, ch->relid, ch->relid);
	hvg_waiter_add(ch->conn, w);
	ret = hvg_conn_post(ch->conn, msg, len);
	if (ret) {
		hvg_waiter_del(ch->conn, w);
		return ret;
	}
	if (READ_ONCE(ch->rescinded))
		hvg_waiter_cancel_relid(ch->conn, ch->relid);
	return hvg_waiter_wait(ch->conn, w, what);
}

static int send_open(struct hvg_vmbus_channel *ch,
		     const struct hvg_channel_params *p)
{
	struct hvp_vmbus_open_channel msg = {
		.header.msgtype = cpu_to_le32(HVP_VMBUS_MSG_OPENCHANNEL),
		.child_relid = cpu_to_le32(ch->relid),
		.open_id = cpu_to_le32(ch->relid),
		.ring_gpadl = cpu_to_le32(ch->ring_gpadl),
		.target_vp = cpu_to_le32(hvg_vp_index(ch->target_cpu)),
		.downstream_ring_page_offset = cpu_to_le32(ch->send_pages),
	};
	const struct hvp_vmbus_open_result *res;
	struct hvg_waiter w;
	int ret;

	if (p->user_data_len)
		memcpy(msg.user_data, p->user_data, p->user_data_len);
	ret = chan_request(ch, &msg, sizeof(msg), &w,
			   HVP_VMBUS_MSG_OPENCHANNEL_RESULT, "OPENCHANNEL_RESULT");
	if (ret)
		return ret;
	res = (const void *)w.resp;
	if (le32_to_cpu(res->open_id) != ch->relid || res->status) {
		pr_warn_ratelimited("relid %u: host refused to open (status %#x)\n",
				    ch->relid, le32_to_cpu(res->status));
		return -EIO;
	}
	return 0;
}

static void send_close(struct hvg_vmbus_channel *ch)
{
	struct hvp_vmbus_relid_msg msg = {
		.header.msgtype = cpu_to_le32(HVP_VMBUS_MSG_CLOSECHANNEL),
		.child_relid = cpu_to_le32(ch->relid),
	};

	hvg_conn_post(ch->conn, &msg, sizeof(msg));
}

/* Stops callbacks: no CPU runs or will run the driver's callback. */
static void stop_callbacks(struct hvg_vmbus_channel *ch)
{
	WRITE_ONCE(ch->cb, NULL);
	synchronize_rcu();	/* the ISR looks at ch->cb under RCU */
	tasklet_kill(&ch->tasklet);
}

/* Tears the ring GPADL down and frees the rings, or leaks them. */
static void ring_release(struct hvg_vmbus_channel *ch)
{
	int ret = hvg_gpadl_teardown(ch, ch->ring_gpadl);

	if (ret)
		ring_leak(ch);
	else
		ring_free(ch);
}

static int open_locked(struct hvg_vmbus_channel *ch,
		       const struct hvg_channel_params *p)
{
	int ret;

	lockdep_assert_held(&ch->lock);
	ch->target_cpu = pick_cpu(ch, p->cpus);
	ret = ring_alloc(ch, p);
	if (ret)
		return ret;
	ret = hvg_rqstor_init(&ch->rqstor, p->rqst_slots);
	if (ret)
		goto err_ring;
	ret = hvg_gpadl_establish(ch, ch->ring_buf,
				  ch->ring_pages * RING_PAGE, &ch->ring_gpadl);
	if (ret == -ETIMEDOUT)
		goto err_leak;
	if (ret)
		goto err_rqstor;
	/* The consumer is ready before the host may signal. */
	ch->cb_ctx = p->ctx;
	WRITE_ONCE(ch->cb, p->callback);
	ret = send_open(ch, p);
	if (ret)
		goto err_open;
	spin_lock_irq(&ch->out_lock);
	ch->state = HVG_CHAN_OPEN;
	spin_unlock_irq(&ch->out_lock);
	return 0;

err_open:
	stop_callbacks(ch);
	if (ret == -ETIMEDOUT)
		send_close(ch);	/* in case it opens after all */
	hvg_rqstor_free(&ch->rqstor);
	ring_release(ch);
	return ret;
err_leak:
	ring_leak(ch);
err_rqstor:
	hvg_rqstor_free(&ch->rqstor);
err_ring:
	ring_free(ch);
	return ret;
}

/**
 * hvg_channel_open() - open a channel: rings, GPADL, OPENCHANNEL
 * @ch: a closed channel (a device's primary, or a sub-channel)
 * @p: ring sizes, user data, callback
 *
 * Process context; sleeps for the host's answers, each wait bounded. The
 * callback may run before this returns.
 *
 * Return: 0; -EINVAL for bad @p; -EBUSY if already open; -ENODEV if the
 * channel was rescinded; -ETIMEDOUT if the host did not answer; -EIO if it
 * refused; -ENOMEM.
 */
int hvg_channel_open(struct hvg_vmbus_channel *ch,
		     const struct hvg_channel_params *p)
{
	int ret;

	if (!params_valid(p))
		return -EINVAL;
	cpus_read_lock();	/* the CPU picked stays online (cpu.c) */
	mutex_lock(&ch->lock);
	if (READ_ONCE(ch->rescinded))
		ret = -ENODEV;
	else if (ch->state != HVG_CHAN_OFFERED)
		ret = -EBUSY;
	else
		ret = open_locked(ch, p);
	mutex_unlock(&ch->lock);
	cpus_read_unlock();
	return ret;
}
EXPORT_SYMBOL_GPL(hvg_channel_open);

/**
 * hvg_chan_close_locked() - close an open channel
 * @ch: the channel, its lock held
 */
void hvg_chan_close_locked(struct hvg_vmbus_channel *ch)
{
	lockdep_assert_held(&ch->lock);
	if (ch->state == HVG_CHAN_OFFERED)
		return;
	stop_callbacks(ch);
	spin_lock_irq(&ch->out_lock);
	ch->state = HVG_CHAN_OFFERED;	/* senders fail from now on */
	spin_unlock_irq(&ch->out_lock);
	send_close(ch);
	ring_release(ch);
	hvg_rqstor_free(&ch->rqstor);
}

static struct hvg_vmbus_channel *next_open_sub(struct hvg_vmbus_channel *ch)
{
	struct hvg_vmbus_channel *sc, *found = NULL;

	mutex_lock(&ch->conn->chan_lock);
	list_for_each_entry(sc, &ch->subs, node) {
		if (READ_ONCE(sc->state) != HVG_CHAN_OFFERED) {
			found = hvg_chan_get(sc);
			break;
		}
	}
	mutex_unlock(&ch->conn->chan_lock);
	return found;
}

static void close_one(struct hvg_vmbus_channel *ch)
{
	mutex_lock(&ch->lock);
	hvg_chan_close_locked(ch);
	mutex_unlock(&ch->lock);
	/* A sub-channel rescinded while open is released by its close. */
	if (ch->primary && READ_ONCE(ch->rescinded))
		hvg_chan_release(ch);
}

/**
 * hvg_channel_close() - close a channel (and a primary's sub-channels)
 * @ch: the channel; closing a closed channel does nothing
 *
 * Process context. On return the callback no longer runs and the rings are
 * freed (or, if the host did not confirm the GPADL teardown, leaked).
 */
void hvg_channel_close(struct hvg_vmbus_channel *ch)
{
	struct hvg_vmbus_channel *sc;

	if (!ch->primary) {
		while ((sc = next_open_sub(ch))) {
			close_one(sc);
			hvg_chan_put(sc);
		}
	}
	close_one(ch);
}
EXPORT_SYMBOL_GPL(hvg_channel_close);

static int send_modify(struct hvg_vmbus_channel *ch, unsigned int cpu)
{
	struct hvp_vmbus_modify_channel msg = {
		.header.msgtype = cpu_to_le32(HVP_VMBUS_MSG_MODIFYCHANNEL),
		.child_relid = cpu_to_le32(ch->relid),
		.target_vp = cpu_to_le32(hvg_vp_index(cpu)),
	};
	const struct hvp_vmbus_modify_channel *res;
	struct hvg_waiter w;
	int ret;

	/* Before 5.3 the host does not answer: fire and forget. */
	if (!hvg_conn_at_least(ch->conn, HVP_VMBUS_VERSION_WIN10_V5_3))
		return hvg_conn_post(ch->conn, &msg, sizeof(msg));
	ret = chan_request(ch, &msg, sizeof(msg), &w,
			   HVP_VMBUS_MSG_MODIFYCHANNEL_RESPONSE,
			   "MODIFYCHANNEL_RESPONSE");
	if (ret)
		return ret;
	res = (const void *)w.resp;
	if (res->target_vp) {	/* the response's status */
		pr_warn_ratelimited("relid %u: host refused CPU %u (status %#x)\n",
				    ch->relid, cpu, le32_to_cpu(res->target_vp));
		return -EIO;
	}
	return 0;
}

/**
 * hvg_chan_set_cpu() - move an open channel's interrupts to another CPU
 * @ch: the channel
 * @cpu: an online CPU
 *
 * MODIFYCHANNEL, VMBus 4.1 and later; from 5.3 the host answers and a
 * refusal fails. Process context; the wait for the answer is bounded.
 *
 * Return: 0; -EIO if the channel is not open, the version too old or the
 * host refused; -EINVAL if @cpu is not online; -ENODEV if rescinded;
 * -ETIMEDOUT.
 */
int hvg_chan_set_cpu(struct hvg_vmbus_channel *ch, unsigned int cpu)
{
	int ret = 0;

	if (!hvg_conn_at_least(ch->conn, HVP_VMBUS_VERSION_WIN10_RS3))
		return -EIO;
	if (cpu >= nr_cpu_ids)
		return -EINVAL;
	cpus_read_lock();	/* @cpu stays online */
	mutex_lock(&ch->lock);
	if (!cpu_online(cpu))
		ret = -EINVAL;
	else if (READ_ONCE(ch->rescinded))
		ret = -ENODEV;
	else if (ch->state != HVG_CHAN_OPEN)
		ret = -EIO;
	else if (cpu != ch->target_cpu)
		ret = send_modify(ch, cpu);
	if (!ret)
		WRITE_ONCE(ch->target_cpu, cpu);
	mutex_unlock(&ch->lock);
	cpus_read_unlock();
	return ret;
}
