/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvg_vmbus_test: a test-only VSC bound to hvhost's echo device.
 */
#ifndef HVG_VMBUS_TEST_H
#define HVG_VMBUS_TEST_H

#include <linux/atomic.h>
#include <linux/mutex.h>
#include <linux/wait.h>
#include <hvg/vmbus.h>

#define T_REASON_LEN	160
#define T_INFO_LEN	128
#define T_PKT_MAX	(16 * 1024)
#define T_SUB_PKT	64	/* bytes of each sub-channel echo packet */

/**
 * struct t_dev - the bound echo device
 * @vdev: the device
 * @ch: its primary channel
 * @open: the channel is open
 * @wq: woken by the callback
 * @inflight: in-band packets sent, not yet echoed
 * @rx_seq: next in-band echo sequence number expected
 * @rx_bytes: in-band payload bytes received and verified
 * @rx_bad: first verification failure (0: none)
 * @comp: GPA-direct completions received (request pointer written)
 * @kicks: callback runs; a sender that got -EAGAIN waits for a change
 *	(the host's signal that it freed the space asked for)
 * @burst_seq: next burst sequence number expected (callback only)
 * @burst_rx: burst packets received in order and checked
 * @burst_bad: first burst packet that did not check (0: none)
 * @gpadl_buf: the buffer of the GPADL made by t_gpadl_create(), or NULL
 * @gpadl: its handle
 * @subs: struct t_sub, the sub-channels opened (under t_lock)
 * @buf: the callback's packet buffer
 */
struct t_dev {
	struct hvg_vmbus_device *vdev;
	struct hvg_vmbus_channel *ch;
	bool open;
	wait_queue_head_t wq;
	atomic_t inflight;
	u64 rx_seq;
	atomic64_t rx_bytes;
	atomic_t rx_bad;
	atomic_t comp;
	atomic_t kicks;
	u64 burst_seq;
	atomic64_t burst_rx;
	atomic64_t burst_bad;
	void *gpadl_buf;
	u32 gpadl;
	struct list_head subs;
	u8 buf[T_PKT_MAX];
};

/**
 * struct t_sub - a sub-channel of the echo device, opened when offered
 * @node: in t_dev.subs
 * @d: the device
 * @ch: the sub-channel; not to be touched once closed (a rescinded one
 *	is freed by its close)
 * @sent: packets sent in the current run
 * @rx: echoes received and verified
 * @bad: echoes that did not match
 * @kicks: callback runs (see t_dev.kicks)
 * @buf: the callback's packet buffer
 */
struct t_sub {
	struct list_head node;
	struct t_dev *d;
	struct hvg_vmbus_channel *ch;
	u64 sent;
	atomic64_t rx;
	atomic_t bad;
	atomic_t kicks;
	u8 buf[T_SUB_PKT + 64];
};

/**
 * struct t_rqst - one GPA-direct request waiting for its completion
 * @done: set by the callback when the completion arrived
 * @status: the response's status
 * @len: the response's len
 * @sum: the response's sum
 */
struct t_rqst {
	bool done;
	u32 status;
	u32 len;
	u64 sum;
};

extern struct mutex t_lock;
extern struct t_dev *t_dev;

int t_open(struct t_dev *d);
void t_close(struct t_dev *d);
int t_inband(struct t_dev *d, u64 bytes, char *reason);
int t_flood(struct t_dev *d, u64 n, char *reason, char *info);
void t_burst_reset(struct t_dev *d, u64 seq);
int t_burst_wait(struct t_dev *d, u64 n, char *reason, char *info);
int t_wait_room(struct t_dev *d, struct hvg_vmbus_channel *ch,
		atomic_t *kicks, int seen);
int t_gpa_send(struct t_dev *d, const struct hvg_gpa_range *rg, u32 n,
	       u32 op, u32 len, u64 seed, struct t_rqst *r);
int t_gpa_multi(struct t_dev *d, char *reason, char *info);
int t_gpadl_create(struct t_dev *d, u64 pages, char *reason, char *info);
int t_gpadl_destroy(struct t_dev *d, char *reason);
int t_gpa(struct t_dev *d, u64 bytes, bool fill, char *reason);
int t_cycles(struct t_dev *d, unsigned int n, char *reason);
int t_churn(struct t_dev *d, unsigned int n, char *reason, char *info);
int t_rtt(struct t_dev *d, unsigned int ms, char *reason, char *info);

void t_sc_offer(struct hvg_vmbus_channel *sc, void *ctx);
void t_subs_forget(struct t_dev *d);
int t_subs_echo(struct t_dev *d, unsigned int n, char *reason, char *info);
int t_subs_close_rescinded(struct t_dev *d, char *info);

#endif /* HVG_VMBUS_TEST_H */
