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
#define T_PKT_MAX	(16 * 1024)

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
	u8 buf[T_PKT_MAX];
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
int t_gpa(struct t_dev *d, u64 bytes, bool fill, char *reason);
int t_cycles(struct t_dev *d, unsigned int n, char *reason);

#endif /* HVG_VMBUS_TEST_H */
