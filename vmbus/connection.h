/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VMBus connection: version negotiation, the control-message path
 * (posting, receiving, waiting for a host answer) and unload. One
 * connection per partition; everything else reaches it through a channel
 * or the pointer main.c passes around.
 */
#ifndef HVG_VMBUS_CONNECTION_H
#define HVG_VMBUS_CONNECTION_H

#include <linux/completion.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <hvproto/tlfs.h>
#include <hvproto/vmbus.h>

struct hvg_vmbus_channel;

#define HVG_MSGQ_LEN	64	/* host messages copied out, not yet dispatched */

/**
 * struct hvg_msgq - host messages copied out of the SynIC slot by the ISR
 * @lock: protects the other fields (taken in hard interrupt context)
 * @head: next slot to dispatch
 * @count: messages queued
 * @stalled: a message was left in a SynIC slot because the queue was full
 * @msg: the copies
 */
struct hvg_msgq {
	raw_spinlock_t lock;
	unsigned int head;
	unsigned int count;
	bool stalled;
	struct hvp_message msg[HVG_MSGQ_LEN];
};

/* Answers remembered for waits that a rescind ended before they came. */
#define HVG_LATE_ANSWERS	16

/**
 * struct hvg_late_answer - an answer the host still owes an ended wait
 * @msgtype: its type, 0 for none
 * @key: its relid or GPADL handle
 */
struct hvg_late_answer {
	u32 msgtype;
	u32 key;
};

/**
 * struct hvg_waiter - a request waiting for one host answer
 * @node: in hvg_conn.waiters
 * @msgtype: the answer's message type
 * @key: the answer's relid or GPADL handle (what it is matched on)
 * @relid: the channel the request concerns (rescind cancels it), or 0
 * @done: completed by the answer, or by a rescind of @relid
 * @status: 0 when answered, -ENODEV when the channel was rescinded
 * @len: bytes of @resp
 * @resp: the answer, header included
 */
struct hvg_waiter {
	struct list_head node;
	u32 msgtype;
	u32 key;
	u32 relid;
	struct completion done;
	int status;
	u32 len;
	u8 resp[HVP_MESSAGE_PAYLOAD_BYTES];
};

enum hvg_conn_state {
	HVG_CONN_DISCONNECTED,
	HVG_CONN_CONNECTED,
	HVG_CONN_UNLOADED,
};

/**
 * struct hvg_conn - the VMBus connection
 * @state: enum hvg_conn_state; changed under @unload_lock
 * @version: negotiated protocol version (HVP_VMBUS_VERSION form)
 * @msg_conn_id: connection id every message is posted to
 * @connect_cpu: the CPU whose VP receives control messages
 * @int_page: the interrupt page; second half: guest->host bits per relid
 * @monitor: monitor pages: [0] host->guest, [1] guest->host
 * @pages_leaked: the host may still write the pages: never free them
 * @msgq: messages from the ISR to @msg_work
 * @msg_work: dispatches @msgq on @msg_wq
 * @msg_wq: ordered: control-message dispatch, never blocks on the host
 * @dev_wq: ordered: device add and remove (offers, rescinds), may block
 * @sub_wq: ordered: sub-channel offers handed to the primary's driver
 * @remove_work: removes every device at module exit, on @dev_wq
 * @waiter_lock: protects @waiters, @late and @late_next (taken from
 *	@msg_work and callers)
 * @waiters: struct hvg_waiter, requests waiting for an answer
 * @late: answers still due for waits a rescind ended (type 0: free slot)
 * @late_next: the @late slot to fill next (the oldest is overwritten)
 * @late_answers: answers that came for such an ended wait (debugfs)
 * @chan_lock: protects @channels writers, @primaries and channel lists
 * @channels: relid -> channel, read under RCU in the event path
 * @primaries: primary channels, in offer order
 * @max_relid: highest relid offered (bounds the event-flag scan)
 * @next_gpadl: the next guest-chosen GPADL handle
 * @offers_done: completed by ALLOFFERS_DELIVERED
 * @unload_lock: serialises unload (module exit, reboot notifier)
 * @host_timeout: bound on every wait for the host, in jiffies
 * @debugfs: the module's debugfs directory
 */
struct hvg_conn {
	enum hvg_conn_state state;
	u32 version;
	u32 msg_conn_id;
	unsigned int connect_cpu;
	unsigned long *int_page;
	struct hvp_monitor_page *monitor[2];
	bool pages_leaked;

	struct hvg_msgq msgq;
	struct work_struct msg_work;
	struct workqueue_struct *msg_wq;
	struct workqueue_struct *dev_wq;
	struct workqueue_struct *sub_wq;
	struct work_struct remove_work;

	spinlock_t waiter_lock;	/* @waiters, @late, @late_next */
	struct list_head waiters;
	struct hvg_late_answer late[HVG_LATE_ANSWERS];
	unsigned int late_next;
	u32 late_answers;

	struct mutex chan_lock;	/* relid table writers, channel lists */
	struct hvg_vmbus_channel __rcu *channels[HVP_VMBUS_MAX_RELIDS];
	struct list_head primaries;
	u32 max_relid;

	atomic_t next_gpadl;
	struct completion offers_done;
	struct mutex unload_lock;	/* serialises unload */
	unsigned long host_timeout;
	struct dentry *debugfs;
};

/* connection.c */
int hvg_conn_connect(struct hvg_conn *conn, u32 max_version);
void hvg_conn_unload(struct hvg_conn *conn);
void hvg_conn_free_pages(struct hvg_conn *conn);
int hvg_conn_alloc_pages(struct hvg_conn *conn);
int hvg_conn_post(struct hvg_conn *conn, const void *msg, u32 len);

/* crash.c */
void hvg_conn_unload_crash(struct hvg_conn *conn);
void hvg_crash_init(struct hvg_conn *conn);
void hvg_crash_exit(void);

/* msg.c */
int hvg_msg_init(struct hvg_conn *conn);
void hvg_msg_exit(struct hvg_conn *conn);
void hvg_msg_isr(struct hvg_conn *conn);
void hvg_waiter_init(struct hvg_waiter *w, u32 msgtype, u32 key, u32 relid);
void hvg_waiter_add(struct hvg_conn *conn, struct hvg_waiter *w);
void hvg_waiter_del(struct hvg_conn *conn, struct hvg_waiter *w);
int hvg_waiter_wait(struct hvg_conn *conn, struct hvg_waiter *w,
		    const char *what);
void hvg_waiter_cancel_relid(struct hvg_conn *conn, u32 relid);

static inline bool hvg_conn_at_least(const struct hvg_conn *conn, u32 ver)
{
	return conn->version >= ver;
}

#endif /* HVG_VMBUS_CONNECTION_H */
