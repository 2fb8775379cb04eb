// SPDX-License-Identifier: GPL-2.0
/*
 * Host -> guest control messages: the ISR copies each message out of this
 * CPU's SINT2 slot and frees the slot; an ordered work item dispatches the
 * copies by type after checking the length against the type's minimum.
 * Answers to guest requests complete a struct hvg_waiter; offers and
 * rescinds go to offer.c. Every wait for an answer is bounded.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/smp.h>
#include <linux/string.h>
#include <asm/unaligned.h>
#include <hvg/hvcall.h>
#include "channel.h"
#include "connection.h"
#include "trace.h"

typedef void (*msg_handler_t)(struct hvg_conn *conn, const void *msg, u32 len);

static void answer(struct hvg_conn *conn, const void *msg, u32 len);
static void offers_delivered(struct hvg_conn *conn, const void *msg, u32 len);

/**
 * struct msg_type - how a host message type is handled
 * @min_len: shorter messages are dropped
 * @key_off: offset of the u32 an answer is matched on, or 0 for none
 * @handler: NULL: not expected from the host
 */
struct msg_type {
	u32 min_len;
	u32 key_off;
	msg_handler_t handler;
};

static const struct msg_type msg_types[HVP_VMBUS_MSG_COUNT] = {
	[HVP_VMBUS_MSG_OFFERCHANNEL] = {
		sizeof(struct hvp_vmbus_offer_channel), 0, hvg_offer_msg },
	[HVP_VMBUS_MSG_RESCIND_CHANNELOFFER] = {
		sizeof(struct hvp_vmbus_relid_msg), 0, hvg_rescind_msg },
	[HVP_VMBUS_MSG_ALLOFFERS_DELIVERED] = {
		sizeof(struct hvp_vmbus_msg_header), 0, offers_delivered },
	[HVP_VMBUS_MSG_OPENCHANNEL_RESULT] = {
		sizeof(struct hvp_vmbus_open_result),
		offsetof(struct hvp_vmbus_open_result, child_relid), answer },
	[HVP_VMBUS_MSG_GPADL_CREATED] = {
		sizeof(struct hvp_vmbus_gpadl_created),
		offsetof(struct hvp_vmbus_gpadl_created, gpadl), answer },
	[HVP_VMBUS_MSG_GPADL_TORNDOWN] = {
		sizeof(struct hvp_vmbus_gpadl_torndown),
		offsetof(struct hvp_vmbus_gpadl_torndown, gpadl), answer },
	[HVP_VMBUS_MSG_VERSION_RESPONSE] = {
		sizeof(struct hvp_vmbus_version_response), 0, answer },
	[HVP_VMBUS_MSG_UNLOAD_RESPONSE] = {
		sizeof(struct hvp_vmbus_msg_header), 0, answer },
	[HVP_VMBUS_MSG_MODIFYCHANNEL_RESPONSE] = {
		sizeof(struct hvp_vmbus_modify_channel),
		offsetof(struct hvp_vmbus_modify_channel, child_relid), answer },
};

/**
 * hvg_waiter_init() - prepare a wait for one host answer
 * @w: the waiter (usually on the caller's stack)
 * @msgtype: the answer's type
 * @key: relid or GPADL handle the answer carries (see msg_types), or 0
 * @relid: the channel concerned, so a rescind ends the wait, or 0
 */
void hvg_waiter_init(struct hvg_waiter *w, u32 msgtype, u32 key, u32 relid)
{
	memset(w, 0, sizeof(*w));
	INIT_LIST_HEAD(&w->node);
	w->msgtype = msgtype;
	w->key = key;
	w->relid = relid;
	init_completion(&w->done);
}

/**
 * hvg_waiter_add() - make a waiter visible, before its request is posted
 * @conn: the connection
 * @w: the waiter
 */
void hvg_waiter_add(struct hvg_conn *conn, struct hvg_waiter *w)
{
	spin_lock_bh(&conn->waiter_lock);
	list_add_tail(&w->node, &conn->waiters);
	spin_unlock_bh(&conn->waiter_lock);
}

/**
 * hvg_waiter_del() - withdraw a waiter whose request was not posted
 * @conn: the connection
 * @w: the waiter
 */
void hvg_waiter_del(struct hvg_conn *conn, struct hvg_waiter *w)
{
	spin_lock_bh(&conn->waiter_lock);
	list_del_init(&w->node);
	spin_unlock_bh(&conn->waiter_lock);
}

/**
 * hvg_waiter_wait() - wait for the answer, bounded by host_timeout_ms
 * @conn: the connection
 * @w: an added waiter; removed on return
 * @what: the answer's name, for the timeout message
 *
 * Return: 0 with the answer in @w->resp, -ENODEV if the channel was
 * rescinded, or -ETIMEDOUT.
 */
int hvg_waiter_wait(struct hvg_conn *conn, struct hvg_waiter *w,
		    const char *what)
{
	unsigned long left;

	left = wait_for_completion_timeout(&w->done, conn->host_timeout);
	hvg_waiter_del(conn, w);
	if (!left) {
		pr_err_ratelimited("no %s from the host within %u ms\n", what,
				   jiffies_to_msecs(conn->host_timeout));
		return -ETIMEDOUT;
	}
	return w->status;
}

/**
 * hvg_waiter_cancel_relid() - end every wait concerning a rescinded channel
 * @conn: the connection
 * @relid: the channel
 *
 * The host still answers those requests; each answer is remembered (the
 * last HVG_LATE_ANSWERS), so that it is counted when it comes rather than
 * logged as unexpected.
 */
void hvg_waiter_cancel_relid(struct hvg_conn *conn, u32 relid)
{
	struct hvg_waiter *w, *tmp;

	spin_lock_bh(&conn->waiter_lock);
	list_for_each_entry_safe(w, tmp, &conn->waiters, node) {
		if (w->relid != relid)
			continue;
		list_del_init(&w->node);
		w->status = -ENODEV;
		complete(&w->done);
		/* The host still answers the request: expect it, quietly. */
		conn->late[conn->late_next].msgtype = w->msgtype;
		conn->late[conn->late_next].key = w->key;
		conn->late_next = (conn->late_next + 1) % HVG_LATE_ANSWERS;
	}
	spin_unlock_bh(&conn->waiter_lock);
}

/* An answer for a wait a rescind ended? Then it is consumed. Lock held. */
static bool late_answer(struct hvg_conn *conn, u32 type, u32 key)
{
	struct hvg_late_answer *l;

	lockdep_assert_held(&conn->waiter_lock);
	for (l = conn->late; l < conn->late + HVG_LATE_ANSWERS; l++) {
		if (l->msgtype != type || l->key != key)
			continue;
		l->msgtype = 0;
		conn->late_answers++;
		return true;
	}
	return false;
}

static void answer(struct hvg_conn *conn, const void *msg, u32 len)
{
	u32 type = le32_to_cpu(((const struct hvp_vmbus_msg_header *)msg)->msgtype);
	const struct msg_type *t = &msg_types[type];
	struct hvg_waiter *w;
	u32 key = 0;
	bool late;

	if (t->key_off)
		key = get_unaligned_le32(msg + t->key_off);
	spin_lock_bh(&conn->waiter_lock);
	list_for_each_entry(w, &conn->waiters, node) {
		if (w->msgtype != type || w->key != key)
			continue;
		list_del_init(&w->node);
		memcpy(w->resp, msg, len);
		w->len = len;
		w->status = 0;
		complete(&w->done);
		spin_unlock_bh(&conn->waiter_lock);
		return;
	}
	late = late_answer(conn, type, key);
	spin_unlock_bh(&conn->waiter_lock);
	if (!late)
		pr_warn_ratelimited("unexpected message type %u (key %#x) dropped\n",
				    type, key);
}

static void offers_delivered(struct hvg_conn *conn, const void *msg, u32 len)
{
	complete_all(&conn->offers_done);
}

static void dispatch(struct hvg_conn *conn, const struct hvp_message *m)
{
	const struct hvp_vmbus_msg_header *hdr = (const void *)m->payload;
	u32 len = m->header.payload_size;
	u32 type;

	if (len > HVP_MESSAGE_PAYLOAD_BYTES || len < sizeof(*hdr)) {
		pr_warn_ratelimited("host message with bad size %u dropped\n",
				    len);
		return;
	}
	type = le32_to_cpu(hdr->msgtype);
	trace_hvg_vmbus_msg_recv(type, len, 0);
	if (type >= HVP_VMBUS_MSG_COUNT || !msg_types[type].handler) {
		pr_warn_ratelimited("host message type %u dropped\n", type);
		return;
	}
	if (len < msg_types[type].min_len) {
		pr_warn_ratelimited("host message type %u too short (%u < %u)\n",
				    type, len, msg_types[type].min_len);
		return;
	}
	msg_types[type].handler(conn, hdr, len);
}

/* Copy this CPU's pending message out; false when the queue is full. */
static bool take_local(struct hvg_conn *conn)
{
	struct hvg_msgq *q = &conn->msgq;
	struct hvp_message *slot;
	bool taken = true;
	u32 type;

	slot = hvg_synic_message(smp_processor_id(), HVP_VMBUS_MESSAGE_SINT);
	if (!slot)
		return true;
	type = le32_to_cpu(READ_ONCE(slot->header.message_type));
	if (type == HVP_MSG_NONE)
		return true;
	raw_spin_lock(&q->lock);
	if (q->count == HVG_MSGQ_LEN) {
		q->stalled = true;
		taken = false;
	} else if (type == HVP_VMBUS_MESSAGE_TYPE) {
		/* Orders the type check before reading the payload. */
		virt_rmb();
		memcpy(&q->msg[(q->head + q->count) % HVG_MSGQ_LEN], slot,
		       sizeof(*slot));
		q->count++;
	}
	raw_spin_unlock(&q->lock);
	if (taken) {
		if (type != HVP_VMBUS_MESSAGE_TYPE)
			pr_warn_ratelimited("SynIC message type %#x on SINT%u dropped\n",
					    type, HVP_VMBUS_MESSAGE_SINT);
		hvg_synic_message_done(slot);
	}
	return taken;
}

/**
 * hvg_msg_isr() - take this CPU's VMBus message, if any
 * @conn: the connection
 *
 * Hard interrupt context, on the CPU whose slot it reads.
 */
void hvg_msg_isr(struct hvg_conn *conn)
{
	take_local(conn);
	if (READ_ONCE(conn->msgq.count))
		queue_work(conn->msg_wq, &conn->msg_work);
}

static void retake_local(void *data)
{
	unsigned long flags;

	local_irq_save(flags);
	hvg_msg_isr(data);
	local_irq_restore(flags);
}

static bool pop(struct hvg_msgq *q, struct hvp_message *m, bool *stalled)
{
	bool got = false;

	raw_spin_lock_irq(&q->lock);
	if (q->count) {
		memcpy(m, &q->msg[q->head], sizeof(*m));
		q->head = (q->head + 1) % HVG_MSGQ_LEN;
		q->count--;
		got = true;
	} else {
		*stalled = q->stalled;
		q->stalled = false;
	}
	raw_spin_unlock_irq(&q->lock);
	return got;
}

static void msg_work(struct work_struct *work)
{
	struct hvg_conn *conn = container_of(work, struct hvg_conn, msg_work);
	struct hvp_message m;
	bool stalled = false;

	while (pop(&conn->msgq, &m, &stalled))
		dispatch(conn, &m);
	/* A slot was left full while the queue was: take it now. */
	if (stalled)
		on_each_cpu(retake_local, conn, 1);
}

/**
 * hvg_msg_init() - set up the message queue and the workqueues
 * @conn: the connection
 *
 * Return: 0 or -ENOMEM.
 */
int hvg_msg_init(struct hvg_conn *conn)
{
	raw_spin_lock_init(&conn->msgq.lock);
	INIT_WORK(&conn->msg_work, msg_work);
	conn->msg_wq = alloc_ordered_workqueue("hvg_vmbus_msg", 0);
	conn->dev_wq = alloc_ordered_workqueue("hvg_vmbus_dev", 0);
	conn->sub_wq = alloc_ordered_workqueue("hvg_vmbus_sub", 0);
	if (conn->msg_wq && conn->dev_wq && conn->sub_wq)
		return 0;
	hvg_msg_exit(conn);
	return -ENOMEM;
}

/**
 * hvg_msg_exit() - stop dispatching; the ISR must be gone
 * @conn: the connection
 */
void hvg_msg_exit(struct hvg_conn *conn)
{
	if (conn->msg_wq)
		destroy_workqueue(conn->msg_wq);
	if (conn->sub_wq)
		destroy_workqueue(conn->sub_wq);
	if (conn->dev_wq)
		destroy_workqueue(conn->dev_wq);
	conn->msg_wq = NULL;
	conn->sub_wq = NULL;
	conn->dev_wq = NULL;
}
