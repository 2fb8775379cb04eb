// SPDX-License-Identifier: GPL-2.0
/*
 * The integration component framework (<hvg/ic.h>): header validation,
 * NEGOTIATE, in-place answers, and the receive loop of an IC channel.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <hvg/ic.h>
#include <hvg/vmbus.h>
#include <hvproto/ring.h>

/* The largest answer held back while the channel opens */
#define HELD_MAX	1024

/* What a NEGOTIATE answer with one version pair holds (upstream: 0x10) */
#define NEGOTIATE_ANSWER_LEN	(sizeof(struct hvp_ic_negotiate) + \
				 2 * sizeof(struct hvp_ic_version))

/**
 * hvg_ic_parse() - validate the pipe and IC headers of a host message
 * @data: the packet's payload
 * @len: its length
 * @msg: filled in on success (all but @msg->trans_id)
 *
 * Both headers must be there, the pipe header's msgsize (IC header and
 * body) must not claim more than follows it, and the IC header's msgsize
 * (body bytes) must fit in @len. The pipe header's flags are not
 * interpreted.
 *
 * Return: 0, or -EPROTO if the headers do not fit the packet.
 */
int hvg_ic_parse(void *data, u32 len, struct hvg_ic_msg *msg)
{
	const struct hvp_ic_pipe_header *pipe = data;
	struct hvp_ic_msg_header *hdr;
	u32 body_len;

	if (len < HVP_IC_BODY_OFFSET ||
	    le32_to_cpu(pipe->msgsize) > len - sizeof(*pipe))
		return -EPROTO;
	hdr = data + sizeof(*pipe);
	body_len = le16_to_cpu(hdr->msgsize);
	if (body_len > len - HVP_IC_BODY_OFFSET)
		return -EPROTO;
	msg->data = data;
	msg->len = len;
	msg->hdr = hdr;
	msg->body = data + HVP_IC_BODY_OFFSET;
	msg->body_len = body_len;
	msg->type = le16_to_cpu(hdr->msgtype);
	return 0;
}
EXPORT_SYMBOL_GPL(hvg_ic_parse);

static bool ver_listed(u32 v, const u32 *list, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (list[i] == v)
			return true;
	return false;
}

/* The highest of the host's @n versions that @ours lists; 0 if none. */
static u32 best_common(const struct hvp_ic_version *host, unsigned int n,
		       const u32 *ours, unsigned int n_ours)
{
	u32 best = 0, v;
	unsigned int i;

	for (i = 0; i < n; i++) {
		v = HVG_IC_VER(le16_to_cpu(host[i].major),
			       le16_to_cpu(host[i].minor));
		if (v > best && ver_listed(v, ours, n_ours))
			best = v;
	}
	return best;
}

static void put_ver(struct hvp_ic_version *dst, u32 v)
{
	dst->major = cpu_to_le16(HVG_IC_MAJOR(v));
	dst->minor = cpu_to_le16(HVG_IC_MINOR(v));
}

/* Answer "no common version": counts 0 and 0, no version entries. */
static void negotiate_none(struct hvg_ic_msg *msg, struct hvp_ic_negotiate *neg)
{
	neg->framework_count = 0;
	neg->service_count = 0;
	msg->hdr->msgsize = cpu_to_le16(sizeof(*neg));
}

/**
 * hvg_ic_negotiate() - answer a NEGOTIATE request in place
 * @ic: the IC, with its framework and service version lists
 * @msg: a NEGOTIATE message from hvg_ic_parse()
 *
 * Picks the highest framework and the highest service version that both
 * the host's lists and the driver's hold, and rewrites the body as the
 * answer: counts 1 and 1 with the chosen pair, or counts 0 and 0 (as
 * upstream) when either list has nothing in common or is malformed (a
 * count above HVP_IC_MAX_VERSION_COUNT, or versions past msgsize).
 * The header's flags and status are left to hvg_ic_set_response().
 * Call from the channel callback.
 *
 * Return: 0 when a pair was chosen (and recorded in @ic), -ENOENT when
 * nothing matched, -EPROTO when the request was malformed.
 */
int hvg_ic_negotiate(struct hvg_ic *ic, struct hvg_ic_msg *msg)
{
	struct hvp_ic_negotiate *neg = msg->body;
	unsigned int fc, sc;
	u32 fw, srv;

	if (msg->body_len < sizeof(*neg))
		return -EPROTO;
	fc = le16_to_cpu(neg->framework_count);
	sc = le16_to_cpu(neg->service_count);
	if (fc > HVP_IC_MAX_VERSION_COUNT || sc > HVP_IC_MAX_VERSION_COUNT ||
	    sizeof(*neg) + (fc + sc) * sizeof(neg->version[0]) > msg->body_len) {
		negotiate_none(msg, neg);
		return -EPROTO;
	}
	fw = best_common(neg->version, fc, ic->fw_versions, ic->fw_count);
	srv = best_common(neg->version + fc, sc, ic->srv_versions,
			  ic->srv_count);
	if (!fw || !srv) {
		negotiate_none(msg, neg);
		return -ENOENT;
	}
	/* fc >= 1 and sc >= 1: the two entries are inside body_len. */
	neg->framework_count = cpu_to_le16(1);
	neg->service_count = cpu_to_le16(1);
	put_ver(&neg->version[0], fw);
	put_ver(&neg->version[1], srv);
	msg->hdr->msgsize = cpu_to_le16(NEGOTIATE_ANSWER_LEN);
	WRITE_ONCE(ic->fw_version, fw);
	WRITE_ONCE(ic->srv_version, srv);
	return 0;
}
EXPORT_SYMBOL_GPL(hvg_ic_negotiate);

/**
 * hvg_ic_set_response() - turn a request into its answer
 * @msg: the message
 * @status: HVP_IC_S_OK or an HVP_IC_E_* value
 */
void hvg_ic_set_response(struct hvg_ic_msg *msg, u32 status)
{
	msg->hdr->flags = HVP_IC_FLAG_TRANSACTION | HVP_IC_FLAG_RESPONSE;
	msg->hdr->status = cpu_to_le32(status);
}
EXPORT_SYMBOL_GPL(hvg_ic_set_response);

static void send_failed(struct hvg_ic *ic, struct hvg_ic_msg *msg, int ret)
{
	WRITE_ONCE(ic->stats.send_errors, ic->stats.send_errors + 1);
	pr_err_ratelimited("%s: cannot answer message type %u: %d\n",
			   ic->name, msg->type, ret);
}

/**
 * hvg_ic_respond() - send the answer built in place
 * @ic: the IC
 * @msg: the message, turned into an answer by hvg_ic_set_response()
 *
 * Sends @msg->len bytes in-band with the request's trans_id, no
 * completion. Any context.
 *
 * Return: 0 or the channel's negative errno (counted, logged ratelimited).
 */
int hvg_ic_respond(struct hvg_ic *ic, struct hvg_ic_msg *msg)
{
	int ret;

	ret = hvg_channel_send_reply(ic->ch, msg->data, msg->len,
				     msg->trans_id);
	if (ret)
		send_failed(ic, msg, ret);
	return ret;
}
EXPORT_SYMBOL_GPL(hvg_ic_respond);

static void count(u64 *counter)
{
	WRITE_ONCE(*counter, *counter + 1);
}

static u32 negotiate_status(struct hvg_ic *ic, struct hvg_ic_msg *msg)
{
	int ret = hvg_ic_negotiate(ic, msg);

	if (!ret) {
		count(&ic->stats.negotiations);
		pr_info_ratelimited("%s: framework %u.%u, service %u.%u\n",
				    ic->name, HVG_IC_MAJOR(ic->fw_version),
				    HVG_IC_MINOR(ic->fw_version),
				    HVG_IC_MAJOR(ic->srv_version),
				    HVG_IC_MINOR(ic->srv_version));
		return HVP_IC_S_OK;
	}
	if (ret == -ENOENT) {
		count(&ic->stats.no_match);
		pr_err_ratelimited("%s: no framework or service version in common with the host\n",
				   ic->name);
	} else {
		count(&ic->stats.malformed);
		pr_err_ratelimited("%s: malformed NEGOTIATE (%u body bytes)\n",
				   ic->name, msg->body_len);
	}
	return HVP_IC_E_FAIL;
}

#define REQUEST_FLAGS	(HVP_IC_FLAG_TRANSACTION | HVP_IC_FLAG_REQUEST)

/*
 * Why a well-formed message cannot go to the handler, or NULL: unknown
 * flags, no NEGOTIATE yet, or a message version other than the one agreed
 * (it names the body's layout).
 */
static const char *refuse(struct hvg_ic *ic, struct hvg_ic_msg *msg)
{
	const struct hvp_ic_version *v = &msg->hdr->msg_version;

	if (msg->hdr->flags & ~REQUEST_FLAGS)
		return "unknown or response flags";
	if (msg->type == HVP_IC_MSG_NEGOTIATE)
		return NULL;
	if (!ic->srv_version)
		return "before NEGOTIATE";
	if (HVG_IC_VER(le16_to_cpu(v->major), le16_to_cpu(v->minor)) !=
	    ic->srv_version)
		return "not the negotiated message version";
	return NULL;
}

/*
 * The host may send before hvg_channel_open() has returned, when the
 * channel refuses sends: keep the answer for hvg_ic_open(), or send it now
 * if the open has completed meanwhile.
 */
static void hold(struct hvg_ic *ic, struct hvg_ic_msg *msg)
{
	bool opened;

	spin_lock(&ic->lock);
	opened = ic->opened;
	if (!opened && msg->len <= HELD_MAX) {
		memcpy(ic->held, msg->data, msg->len);
		ic->held_len = msg->len;
		ic->held_id = msg->trans_id;
	}
	spin_unlock(&ic->lock);
	if (opened)
		hvg_ic_respond(ic, msg);
	else if (msg->len > HELD_MAX)
		pr_err_ratelimited("%s: early answer of %u bytes dropped\n",
				   ic->name, msg->len);
}

static void send_held(struct hvg_ic *ic)
{
	struct hvg_ic_msg msg = { .data = ic->held, .type = U16_MAX };

	spin_lock_bh(&ic->lock);
	ic->opened = true;
	msg.len = ic->held_len;
	msg.trans_id = ic->held_id;
	ic->held_len = 0;
	spin_unlock_bh(&ic->lock);
	/* The callback holds nothing once opened is set: held is ours. */
	if (msg.len)
		hvg_ic_respond(ic, &msg);
}

static void handle(struct hvg_ic *ic, struct hvg_ic_msg *msg)
{
	const char *why;
	u32 status;
	int ret;

	count(&ic->stats.messages);
	why = refuse(ic, msg);
	if (why) {
		count(&ic->stats.malformed);
		pr_err_ratelimited("%s: refused message type %u, flags 0x%x: %s\n",
				   ic->name, msg->type, msg->hdr->flags, why);
		status = HVP_IC_E_FAIL;
	} else if (msg->type == HVP_IC_MSG_NEGOTIATE) {
		status = negotiate_status(ic, msg);
	} else {
		status = ic->handler(ic, msg);
	}
	hvg_ic_set_response(msg, status);
	ret = hvg_channel_send_reply(ic->ch, msg->data, msg->len,
				     msg->trans_id);
	if (ret == -ENOTCONN)
		hold(ic, msg);
	else if (ret)
		send_failed(ic, msg, ret);
}

/* Reads the packet into ic->buf; false when the loop must stop. */
static bool read_one(struct hvg_ic *ic, struct hvg_ic_msg *msg)
{
	struct hvg_pkt pkt;
	int ret;

	for (;;) {
		ret = hvg_channel_recv(ic->ch, ic->buf, HVG_IC_RING_SIZE, &pkt);
		if (ret == -EAGAIN)
			return false;
		if (ret) {
			/* -ENOBUFS cannot happen: a packet fits its ring. */
			pr_err_ratelimited("%s: cannot read a packet: %d\n",
					   ic->name, ret);
			return false;
		}
		if (pkt.type == HVP_PKT_DATA_INBAND &&
		    !hvg_ic_parse(ic->buf + pkt.offset, pkt.len - pkt.offset,
				  msg)) {
			msg->trans_id = pkt.trans_id;
			return true;
		}
		count(&ic->stats.malformed);
		pr_err_ratelimited("%s: dropped a packet of type %u, %u bytes: not an IC message\n",
				   ic->name, pkt.type, pkt.len);
	}
}

/* The channel callback: softirq, never concurrent with itself. */
static void ic_callback(struct hvg_vmbus_channel *ch, void *ctx)
{
	struct hvg_ic *ic = ctx;
	struct hvg_ic_msg msg;

	while (read_one(ic, &msg))
		handle(ic, &msg);
}

/**
 * hvg_ic_open() - open an IC channel and start answering the host
 * @ic: the IC, with @name, the version lists and @handler filled in
 * @ch: the device's primary channel
 *
 * Process context; sleeps. The handler may run before this returns.
 *
 * Return: 0 or a negative errno.
 */
int hvg_ic_open(struct hvg_ic *ic, struct hvg_vmbus_channel *ch)
{
	struct hvg_channel_params p = {
		.send_size = HVG_IC_RING_SIZE,
		.recv_size = HVG_IC_RING_SIZE,
		.callback = ic_callback,
		.ctx = ic,
	};
	int ret;

	if (!ic->fw_count || !ic->srv_count || !ic->handler)
		return -EINVAL;
	ic->buf = kmalloc(HVG_IC_RING_SIZE, GFP_KERNEL);
	ic->held = kmalloc(HELD_MAX, GFP_KERNEL);
	if (!ic->buf || !ic->held) {
		ret = -ENOMEM;
		goto err_free;
	}
	ic->ch = ch;
	ic->fw_version = 0;
	ic->srv_version = 0;
	memset(&ic->stats, 0, sizeof(ic->stats));
	spin_lock_init(&ic->lock);
	ic->opened = false;
	ic->held_len = 0;
	ret = hvg_channel_open(ch, &p);
	if (ret)
		goto err_free;
	send_held(ic);
	return 0;

err_free:
	kfree(ic->held);
	kfree(ic->buf);
	ic->held = NULL;
	ic->buf = NULL;
	return ret;
}
EXPORT_SYMBOL_GPL(hvg_ic_open);

/**
 * hvg_ic_close() - close an IC channel opened by hvg_ic_open()
 * @ic: the IC
 *
 * Process context; sleeps. The handler is not running and will not run
 * again once this returns.
 */
void hvg_ic_close(struct hvg_ic *ic)
{
	hvg_channel_close(ic->ch);
	kfree(ic->held);
	kfree(ic->buf);
	ic->held = NULL;
	ic->buf = NULL;
}
EXPORT_SYMBOL_GPL(hvg_ic_close);
