/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvg_storvsc: a SCSI host per VMBus storage channel (SCSI or IDE class).
 *
 * One blk-mq hardware queue per channel: queue 0 is the primary channel,
 * queue i sub-channel i; channel i interrupts the i-th online CPU and the
 * queue map puts that CPU on queue i (hsc_map_queues()). The IDE class has
 * one channel and one target, named by the instance GUID. Data moves as
 * one GPA-direct multi-page range built from the command's DMA-mapped
 * scatterlist; the host's completion
 * comes back on the same channel, in its callback (softirq, on the
 * channel's CPU), and is mapped to its command through the channel's
 * request ids (hvg_channel_complete(): unknown, stale and repeated ids are
 * rejected by the bus).
 */
#ifndef HVG_STORVSC_H
#define HVG_STORVSC_H

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <hvproto/vstor.h>

struct Scsi_Host;
struct scsi_cmnd;
struct dentry;
struct hvg_vmbus_channel;
struct hvg_vmbus_device;

#define HSC_RING_SEND		(256 * 1024)
#define HSC_RING_RECV		(64 * 1024)
#define HSC_MAX_XFER		(1024 * 1024)	/* our cap on the host's */
#define HSC_MAX_PFNS		(HSC_MAX_XFER / 4096 + 1)
#define HSC_QUEUE_DEPTH		128	/* per channel, at most (queue_depth()) */
#define HSC_CTL_SLOTS		2	/* request ids beyond the queue depth */
#define HSC_MAX_CHANNELS	64	/* primary + sub-channels we use */
#define HSC_RECV_BUF		256	/* a completion: descriptor + packet */

/* What a request id maps back to: a SCSI command or a control request. */
enum hsc_rqst_kind {
	HSC_RQST_CMD = 1,
	HSC_RQST_CTL,
};

/**
 * struct hsc_chan_stats - a channel's counters (debugfs)
 * @submitted: EXECUTE_SRB packets sent
 * @completed: their completions
 * @busy: sends refused with a full ring (the command was requeued)
 * @errors: completions mapped to an error
 * @retried: completions with SRB status 0x30 (host out of resources),
 *	given back to the midlayer to retry
 * @bad: host packets dropped as malformed
 */
struct hsc_chan_stats {
	atomic64_t submitted;
	atomic64_t completed;
	atomic64_t busy;
	atomic64_t errors;
	atomic64_t retried;
	atomic64_t bad;
};

/**
 * struct hsc_chan - one channel and its hardware queue
 * @ch: the VMBus channel
 * @host: the controller
 * @index: the hardware queue number (0 = primary)
 * @open: opened by us (closed at teardown)
 * @stats: counters
 * @buf: where the callback reads packets (callback only)
 */
struct hsc_chan {
	struct hvg_vmbus_channel *ch;
	struct hsc_host *host;
	u16 index;
	bool open;
	struct hsc_chan_stats stats;
	u8 buf[HSC_RECV_BUF] __aligned(8);
};

/**
 * struct hsc_ctl - a control request (init, sub-channels, bus reset)
 * @kind: HSC_RQST_CTL
 * @done: completed by the callback
 * @armed: a request waits for an answer (under hsc_host.ctl_lock)
 * @resp: the host's answer (written under hsc_host.ctl_lock)
 * @resp_ok: @resp is a full packet
 */
struct hsc_ctl {
	enum hsc_rqst_kind kind;
	struct completion done;
	bool armed;
	struct hvp_vstor_packet resp;
	bool resp_ok;
};

/**
 * struct hsc_host - one storage controller
 * @vdev: the VMBus device
 * @shost: the SCSI host
 * @ide: the IDE-accelerator class (one channel, one target)
 * @ide_target: IDE: the target id from the instance GUID
 * @version: negotiated vstor protocol version
 * @max_subs: sub-channels the host allows (0 if not multi-channel)
 * @max_xfer: bytes per request, host limit capped at HSC_MAX_XFER
 * @nchan: channels in @chans; grows only in probe, in the sub-channel
 *	callback (one call at a time, release after @chans is filled) until
 *	hsc_open_subs() stops it; fixed once the SCSI host is added
 * @chans: the channels, [0] the primary
 * @sc_wq: woken when a sub-channel is opened
 * @ctl_mutex: one control request at a time; protects @ctl's reuse
 * @ctl_lock: orders the callback's answer with the waiter's timeout;
 *	protects @ctl.armed, @ctl.resp, @ctl.resp_ok
 * @ctl: the control request
 * @ctl_dead: a control request timed out: the host is not answering
 * @dying: teardown started; no rescan is queued (READ_ONCE)
 * @removing: new commands fail (READ_ONCE)
 * @scan_work: ENUMERATE_BUS / REMOVE_DEVICE / INVALID_LUN: rescan
 * @dbg: debugfs directory
 * @node: in main.c's list of controllers (under its hosts_lock)
 */
struct hsc_host {
	struct hvg_vmbus_device *vdev;
	struct Scsi_Host *shost;
	bool ide;
	u32 ide_target;
	u16 version;
	u16 max_subs;
	u32 max_xfer;
	unsigned int nchan;
	struct hsc_chan *chans[HSC_MAX_CHANNELS];
	wait_queue_head_t sc_wq;
	struct mutex ctl_mutex;	/* one control request in flight */
	spinlock_t ctl_lock;	/* @ctl answer vs timeout */
	struct hsc_ctl ctl;
	bool ctl_dead;
	bool dying;
	bool removing;
	struct work_struct scan_work;
	struct dentry *dbg;
	struct list_head node;
};

/**
 * struct hsc_cmd - per-command driver data (scsi_cmd_priv)
 * @kind: HSC_RQST_CMD
 * @sc: the command
 * @inflight: sent and not yet completed; whoever clears it completes
 * @chan: the channel it was sent on
 * @pkt: the request packet
 * @pfns: the data's guest page frame numbers
 */
struct hsc_cmd {
	enum hsc_rqst_kind kind;
	struct scsi_cmnd *sc;
	atomic_t inflight;
	struct hsc_chan *chan;
	struct hvp_vstor_packet pkt;
	u64 pfns[HSC_MAX_PFNS];
};

/* vstor.c */
int hsc_open_primary(struct hsc_host *h);
int hsc_negotiate(struct hsc_host *h);
int hsc_open_subs(struct hsc_host *h);
void hsc_close_chans(struct hsc_host *h);
int hsc_ctl_request(struct hsc_host *h, u32 op, u16 arg,
		    struct hvp_vstor_packet *resp);
void hsc_callback(struct hvg_vmbus_channel *ch, void *ctx);

/* io.c */
extern struct scsi_host_template hsc_template;
void hsc_on_srb_comp(struct hsc_chan *c, struct hsc_cmd *cmd,
		     const struct hvp_vstor_packet *pkt, u32 len);
void hsc_fail_inflight(struct hsc_host *h, bool cancel);
void hsc_scan_work(struct work_struct *work);

/* debugfs.c */
void hsc_debugfs_add(struct hsc_host *h);
void hsc_debugfs_remove(struct hsc_host *h);
int hsc_debugfs_init(void);
void hsc_debugfs_exit(void);

#endif /* HVG_STORVSC_H */
