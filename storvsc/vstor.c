// SPDX-License-Identifier: GPL-2.0
/*
 * The vstor control path: opening channels, the channel callback, control
 * requests with a bounded wait, the initialization handshake and the
 * sub-channels.
 */
#include <linux/cpumask.h>
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <hvg/vmbus.h>
#include <hvproto/ring.h>
#include "storvsc.h"

#define CTL_TIMEOUT	(30 * HZ)
#define SC_TIMEOUT	(10 * HZ)

/* Newest first; QUERY_PROTOCOL_VERSION stops at the first the host takes. */
static const u16 versions[] = {
	HVP_VSTOR_VERSION_WIN10,
	HVP_VSTOR_VERSION_WIN8_1,
	HVP_VSTOR_VERSION_WIN8,
};

static void ctl_answer(struct hsc_host *h, struct hsc_ctl *ctl,
		       const void *p, u32 len)
{
	spin_lock(&h->ctl_lock);
	if (ctl->armed) {
		ctl->armed = false;
		memset(&ctl->resp, 0, sizeof(ctl->resp));
		memcpy(&ctl->resp, p, min_t(u32, len, sizeof(ctl->resp)));
		ctl->resp_ok = len >= sizeof(ctl->resp);
		complete(&ctl->done);
	}
	spin_unlock(&h->ctl_lock);
}

static void on_comp(struct hsc_chan *c, u64 trans_id, const void *p, u32 len)
{
	enum hsc_rqst_kind *kind = hvg_channel_complete(c->ch, trans_id);

	if (!kind) {
		atomic64_inc(&c->stats.bad);
		return;
	}
	if (*kind == HSC_RQST_CTL)
		ctl_answer(c->host, container_of(kind, struct hsc_ctl, kind),
			   p, len);
	else
		hsc_on_srb_comp(c, container_of(kind, struct hsc_cmd, kind),
				p, len);
}

static void on_unsolicited(struct hsc_chan *c, const void *p, u32 len)
{
	const struct hvp_vstor_packet *pkt = p;
	u32 op;

	if (len < sizeof(pkt->operation))
		goto bad;
	op = le32_to_cpu(pkt->operation);
	if (op != HVP_VSTOR_OP_ENUMERATE_BUS &&
	    op != HVP_VSTOR_OP_REMOVE_DEVICE)
		goto bad;
	if (!READ_ONCE(c->host->dying))
		queue_work(system_long_wq, &c->host->scan_work);
	return;
bad:
	atomic64_inc(&c->stats.bad);
	dev_warn_ratelimited(&c->host->vdev->dev,
			     "unsolicited packet (%u bytes, operation %u) dropped\n",
			     len, len >= 4 ? le32_to_cpu(pkt->operation) : 0);
}

static void on_packet(struct hsc_chan *c, const u8 *buf,
		      const struct hvg_pkt *p)
{
	const u8 *payload = buf + p->offset;
	u32 len = p->len - p->offset;

	if (p->type == HVP_PKT_COMP) {
		on_comp(c, p->trans_id, payload, len);
	} else if (p->type == HVP_PKT_DATA_INBAND) {
		on_unsolicited(c, payload, len);
	} else {
		atomic64_inc(&c->stats.bad);
		dev_warn_ratelimited(&c->host->vdev->dev,
				     "packet of type %u dropped\n", p->type);
	}
}

/* A packet larger than any the protocol has: read it out of the way. */
static int drop_big(struct hsc_chan *c, u32 len)
{
	struct hvg_pkt p;
	void *buf = kmalloc(len, GFP_ATOMIC);
	int ret;

	if (!buf)
		return -ENOMEM;
	ret = hvg_channel_recv(c->ch, buf, len, &p);
	kfree(buf);
	atomic64_inc(&c->stats.bad);
	dev_warn_ratelimited(&c->host->vdev->dev,
			     "%u-byte packet dropped\n", len);
	return ret;
}

/**
 * hsc_callback() - a channel's callback: completions and host requests
 * @ch: the channel
 * @ctx: its struct hsc_chan
 *
 * Softirq context on the channel's CPU, never concurrent with itself.
 */
void hsc_callback(struct hvg_vmbus_channel *ch, void *ctx)
{
	struct hsc_chan *c = ctx;
	struct hvg_pkt p;
	int ret;

	for (;;) {
		ret = hvg_channel_recv(ch, c->buf, sizeof(c->buf), &p);
		if (!ret)
			on_packet(c, c->buf, &p);
		else if (ret != -ENOBUFS || drop_big(c, p.len))
			break;
	}
}

static struct hsc_chan *chan_new(struct hsc_host *h,
				 struct hvg_vmbus_channel *ch, u16 index)
{
	struct hsc_chan *c = kzalloc(sizeof(*c), GFP_KERNEL);

	if (!c)
		return NULL;
	c->ch = ch;
	c->host = h;
	c->index = index;
	return c;
}

/*
 * Queue i's home CPU: the i-th online one. hsc_map_queues() maps it to
 * queue i, so a command submitted there completes on the same CPU.
 */
static unsigned int home_cpu(unsigned int index)
{
	unsigned int n = index % num_online_cpus(), cpu;

	for_each_online_cpu(cpu) {
		if (!n--)
			return cpu;
	}
	return cpumask_first(cpu_online_mask);
}

static int chan_open(struct hsc_chan *c)
{
	struct hvp_vstor_channel_properties props = {};
	struct hvg_channel_params p = {
		.cpus = cpumask_of(home_cpu(c->index)),
		.send_size = HSC_RING_SEND,
		.recv_size = HSC_RING_RECV,
		.user_data = &props,
		.user_data_len = sizeof(props),
		.rqst_slots = HSC_QUEUE_DEPTH + HSC_CTL_SLOTS,
		.callback = hsc_callback,
		.ctx = c,
	};
	int ret = hvg_channel_open(c->ch, &p);

	c->open = !ret;
	return ret;
}

/**
 * hsc_open_primary() - open the primary channel as hardware queue 0
 * @h: the controller
 *
 * Return: 0 or a negative errno.
 */
int hsc_open_primary(struct hsc_host *h)
{
	struct hsc_chan *c = chan_new(h, h->vdev->channel, 0);
	int ret;

	if (!c)
		return -ENOMEM;
	h->chans[0] = c;
	h->nchan = 1;
	ret = chan_open(c);
	if (ret)
		dev_err_ratelimited(&h->vdev->dev,
				    "cannot open the channel: %d\n", ret);
	return ret;
}

/**
 * hsc_close_chans() - close every channel we opened, sub-channels first
 * @h: the controller
 *
 * Process context. Afterwards no callback runs and no completion arrives.
 */
void hsc_close_chans(struct hsc_host *h)
{
	unsigned int i;

	for (i = h->nchan; i-- > 0;) {
		if (h->chans[i]->open)
			hvg_channel_close(h->chans[i]->ch);
		h->chans[i]->open = false;
	}
}

static void ctl_build(struct hvp_vstor_packet *req, u32 op, u16 arg)
{
	memset(req, 0, sizeof(*req));
	req->operation = cpu_to_le32(op);
	req->flags = cpu_to_le32(HVP_VSTOR_FLAG_REQUEST_COMPLETION);
	if (op == HVP_VSTOR_OP_QUERY_PROTOCOL_VERSION)
		req->version.major_minor = cpu_to_le16(arg);
	else if (op == HVP_VSTOR_OP_CREATE_SUB_CHANNELS)
		req->sub_channel_count = cpu_to_le16(arg);
}

/* Wait for the answer; false on timeout (and the request is disarmed). */
static bool ctl_wait(struct hsc_host *h)
{
	bool answered;

	if (wait_for_completion_timeout(&h->ctl.done, CTL_TIMEOUT))
		return true;
	spin_lock_bh(&h->ctl_lock);
	answered = !h->ctl.armed;
	h->ctl.armed = false;
	spin_unlock_bh(&h->ctl_lock);
	if (!answered)
		hvg_channel_cancel_rqst(h->chans[0]->ch, &h->ctl.kind);
	return answered;
}

static int ctl_result(struct hsc_host *h, u32 op,
		      struct hvp_vstor_packet *resp)
{
	struct hvp_vstor_packet *r = &h->ctl.resp;
	u32 rop = le32_to_cpu(r->operation), status = le32_to_cpu(r->status);

	if (!h->ctl.resp_ok || rop != HVP_VSTOR_OP_COMPLETE_IO) {
		dev_warn_ratelimited(&h->vdev->dev,
				     "operation %u: malformed answer (operation %u)\n",
				     op, rop);
		return -EPROTO;
	}
	if (status)
		return -EIO;
	if (resp)
		*resp = *r;
	return 0;
}

/**
 * hsc_ctl_request() - send a control request on the primary channel and
 *	wait, bounded, for its answer
 * @h: the controller
 * @op: HVP_VSTOR_OP_*
 * @arg: the version (QUERY_PROTOCOL_VERSION) or count (CREATE_SUB_CHANNELS)
 * @resp: where the answer goes (may be NULL)
 *
 * Process context. After a timeout the host is taken as dead: later
 * requests fail at once, so a late answer can never be taken for another.
 *
 * Return: 0; -EIO if the host refused; -ETIMEDOUT; -EPROTO for a malformed
 * answer; a send error.
 */
int hsc_ctl_request(struct hsc_host *h, u32 op, u16 arg,
		    struct hvp_vstor_packet *resp)
{
	struct hvp_vstor_packet req;
	int ret;

	ctl_build(&req, op, arg);
	mutex_lock(&h->ctl_mutex);
	if (h->ctl_dead) {
		ret = -ETIMEDOUT;
		goto out;
	}
	spin_lock_bh(&h->ctl_lock);
	reinit_completion(&h->ctl.done);
	h->ctl.armed = true;
	spin_unlock_bh(&h->ctl_lock);
	ret = hvg_channel_send(h->chans[0]->ch, &req, sizeof(req), &h->ctl.kind);
	if (ret) {
		spin_lock_bh(&h->ctl_lock);
		h->ctl.armed = false;
		spin_unlock_bh(&h->ctl_lock);
		goto out;
	}
	if (!ctl_wait(h)) {
		h->ctl_dead = true;
		dev_err_ratelimited(&h->vdev->dev,
				    "operation %u: no answer from the host\n",
				    op);
		ret = -ETIMEDOUT;
		goto out;
	}
	ret = ctl_result(h, op, resp);
out:
	mutex_unlock(&h->ctl_mutex);
	return ret;
}

static int query_version(struct hsc_host *h)
{
	unsigned int i;
	int ret = -EIO;

	for (i = 0; i < ARRAY_SIZE(versions); i++) {
		ret = hsc_ctl_request(h, HVP_VSTOR_OP_QUERY_PROTOCOL_VERSION,
				      versions[i], NULL);
		if (!ret) {
			h->version = versions[i];
			return 0;
		}
		if (ret != -EIO)
			break;
	}
	dev_err_ratelimited(&h->vdev->dev, "no common vstor version: %d\n",
			    ret);
	return ret;
}

static int query_properties(struct hsc_host *h)
{
	struct hvp_vstor_packet resp;
	u32 flags, max_xfer;
	int ret;

	ret = hsc_ctl_request(h, HVP_VSTOR_OP_QUERY_PROPERTIES, 0, &resp);
	if (ret)
		return ret;
	flags = le32_to_cpu(resp.properties.flags);
	max_xfer = le32_to_cpu(resp.properties.max_transfer_bytes);
	if (max_xfer < PAGE_SIZE) {
		dev_err_ratelimited(&h->vdev->dev,
				    "host's max transfer %u is too small\n",
				    max_xfer);
		return -EPROTO;
	}
	h->max_xfer = round_down(min_t(u32, max_xfer, HSC_MAX_XFER), PAGE_SIZE);
	h->max_subs = 0;
	if (!h->ide && (flags & HVP_VSTOR_PROP_SUPPORTS_MULTI_CHANNEL))
		h->max_subs = min3(le16_to_cpu(resp.properties.max_channel_count),
				   num_online_cpus() - 1, HSC_MAX_CHANNELS - 1);
	return 0;
}

/**
 * hsc_negotiate() - the vstor handshake on the open primary channel
 * @h: the controller
 *
 * BEGIN_INITIALIZATION, QUERY_PROTOCOL_VERSION (6.2, 6.0, 5.1),
 * QUERY_PROPERTIES, END_INITIALIZATION; each answer awaited, bounded.
 *
 * Return: 0 or a negative errno.
 */
int hsc_negotiate(struct hsc_host *h)
{
	int ret;

	ret = hsc_ctl_request(h, HVP_VSTOR_OP_BEGIN_INITIALIZATION, 0, NULL);
	if (ret)
		goto err;
	ret = query_version(h);
	if (ret)
		return ret;
	ret = query_properties(h);
	if (ret)
		goto err;
	ret = hsc_ctl_request(h, HVP_VSTOR_OP_END_INITIALIZATION, 0, NULL);
	if (ret)
		goto err;
	dev_info_ratelimited(&h->vdev->dev,
			     "vstor %u.%u, max transfer %u, %u sub-channels allowed\n",
			     h->version >> 8, h->version & 0xff, h->max_xfer,
			     h->max_subs);
	return 0;
err:
	dev_err_ratelimited(&h->vdev->dev, "vstor initialization failed: %d\n",
			    ret);
	return ret;
}

/*
 * The bus's sub-channel callback (process context, one call at a time, and
 * none once hvg_channel_set_sc_callback(NULL) returned): open it as ours.
 */
static void on_sub_channel(struct hvg_vmbus_channel *sc, void *ctx)
{
	struct hsc_host *h = ctx;
	struct hsc_chan *c;

	if (h->nchan > h->max_subs)
		return;
	c = chan_new(h, sc, h->nchan);
	if (!c)
		return;
	if (chan_open(c)) {
		kfree(c);
		return;
	}
	h->chans[h->nchan] = c;
	smp_store_release(&h->nchan, h->nchan + 1);	/* after chans[] */
	wake_up(&h->sc_wq);
}

/* Every sub-channel asked for is open (and in @chans). */
static bool subs_arrived(struct hsc_host *h)
{
	/* Acquire: pairs with the release in on_sub_channel(). */
	return smp_load_acquire(&h->nchan) == h->max_subs + 1;
}

/**
 * hsc_open_subs() - ask for sub-channels and open those that arrive
 * @h: the controller, initialized
 *
 * Waits, bounded, for the offers; goes on with those that came.
 *
 * Return: 0, or a negative errno if the request itself failed.
 */
int hsc_open_subs(struct hsc_host *h)
{
	struct hvg_vmbus_channel *primary = h->chans[0]->ch;
	unsigned int got;
	int ret;

	if (!h->max_subs)
		return 0;
	hvg_channel_set_sc_callback(primary, on_sub_channel, h);
	ret = hsc_ctl_request(h, HVP_VSTOR_OP_CREATE_SUB_CHANNELS,
			      h->max_subs, NULL);
	if (!ret)
		wait_event_timeout(h->sc_wq, subs_arrived(h), SC_TIMEOUT);
	/* Waits for a callback in progress: @nchan is final from here. */
	hvg_channel_set_sc_callback(primary, NULL, NULL);
	got = h->nchan - 1;
	if (ret)
		dev_err_ratelimited(&h->vdev->dev,
				    "CREATE_SUB_CHANNELS failed: %d\n", ret);
	else if (got != h->max_subs)
		dev_warn_ratelimited(&h->vdev->dev,
				     "%u of %u sub-channels arrived in %u s: going on with %u queues\n",
				     got, h->max_subs, SC_TIMEOUT / HZ, got + 1);
	return ret == -EIO ? 0 : ret;
}
