/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvg_vmbus: the integration component (IC) framework, shared by every IC
 * driver (timesync, heartbeat, shutdown...).
 *
 * An IC driver embeds a struct hvg_ic, fills in its name, version lists and
 * handler, and calls hvg_ic_open() from probe. The framework reads every
 * packet the host sends into its own buffer, validates the pipe and IC
 * headers (see <hvproto/ic.h>), answers NEGOTIATE itself (highest common
 * framework and service versions), hands every other message to the
 * handler, and sends the answer in place with the request's trans_id.
 * Nothing the host wrote is trusted: a message whose headers do not fit the
 * packet is dropped with a ratelimited log line and counted.
 */
#ifndef HVG_IC_H
#define HVG_IC_H

#include <linux/spinlock.h>
#include <linux/types.h>
#include <hvproto/ic.h>

struct hvg_vmbus_channel;

/* A version as one number: major in bits 31:16, minor in bits 15:0 */
#define HVG_IC_VER(major, minor)	((u32)(major) << 16 | (u16)(minor))
#define HVG_IC_MAJOR(v)			((u32)(v) >> 16)
#define HVG_IC_MINOR(v)			((u32)(v) & 0xffff)

/* Bytes each way of an IC channel's rings, and of its receive buffer */
#define HVG_IC_RING_SIZE	(16 * 1024)

/**
 * struct hvg_ic_msg - one validated message from the host, in the buffer
 * @data: the pipe header: the start of the packet's payload
 * @len: payload bytes, headers included; the answer has the same length
 * @hdr: the IC message header
 * @body: the body, at HVP_IC_BODY_OFFSET
 * @body_len: the header's msgsize: body bytes, checked to fit in @len
 * @type: the header's msgtype (HVP_IC_MSG_*)
 * @trans_id: the packet's trans_id, echoed in the answer
 */
struct hvg_ic_msg {
	void *data;
	u32 len;
	struct hvp_ic_msg_header *hdr;
	void *body;
	u32 body_len;
	u16 type;
	u64 trans_id;
};

/**
 * struct hvg_ic_stats - what the framework saw; read with READ_ONCE()
 * @messages: messages with valid headers
 * @malformed: packets dropped or answered with a failure because a size,
 *	count or type from the host did not fit
 * @negotiations: NEGOTIATE requests answered with a common version pair
 * @no_match: NEGOTIATE requests with no common version (answered 0/0)
 * @send_errors: answers the channel refused
 */
struct hvg_ic_stats {
	u64 messages;
	u64 malformed;
	u64 negotiations;
	u64 no_match;
	u64 send_errors;
};

struct hvg_ic;

/**
 * typedef hvg_ic_handler_t - handle one non-NEGOTIATE message
 * @ic: the IC, negotiated (@ic->srv_version is set)
 * @msg: the message; the handler may rewrite the body in place for the
 *	answer but must not write past @msg->body + @msg->body_len
 *
 * Called from the channel callback (softirq), never concurrently with
 * itself for one IC.
 *
 * Return: the status for the answer: HVP_IC_S_OK or an HVP_IC_E_* value.
 */
typedef u32 (*hvg_ic_handler_t)(struct hvg_ic *ic, struct hvg_ic_msg *msg);

/**
 * struct hvg_ic - an integration component channel
 * @name: for log lines, e.g. "timesync"
 * @fw_versions: framework versions the driver speaks (HVG_IC_VER)
 * @fw_count: entries in @fw_versions
 * @srv_versions: service versions the driver speaks
 * @srv_count: entries in @srv_versions
 * @handler: called for every message but NEGOTIATE
 * @ch: the channel; set by hvg_ic_open()
 * @fw_version: negotiated framework version, 0 until negotiated
 * @srv_version: negotiated service version, 0 until negotiated
 * @buf: the receive buffer, where answers are built in place
 * @stats: counters, written only from the channel callback
 * @lock: protects @opened and the held answer (@held, @held_len,
 *	@held_id)
 * @opened: hvg_channel_open() has returned: answers can be sent
 * @held: an answer the callback made before the channel could send,
 *	sent by hvg_ic_open() (the host may write NEGOTIATE at once)
 * @held_len: its length, 0 when none is held
 * @held_id: its trans_id
 *
 * @fw_version, @srv_version, @buf and @stats are written only by the
 * channel callback, which never runs concurrently with itself; other
 * contexts read the versions and counters with READ_ONCE().
 */
struct hvg_ic {
	const char *name;
	const u32 *fw_versions;
	unsigned int fw_count;
	const u32 *srv_versions;
	unsigned int srv_count;
	hvg_ic_handler_t handler;
	struct hvg_vmbus_channel *ch;
	u32 fw_version;
	u32 srv_version;
	u8 *buf;
	struct hvg_ic_stats stats;
	spinlock_t lock;	/* protects opened and the held answer */
	bool opened;
	u8 *held;
	u32 held_len;
	u64 held_id;
};

int hvg_ic_parse(void *data, u32 len, struct hvg_ic_msg *msg);
int hvg_ic_negotiate(struct hvg_ic *ic, struct hvg_ic_msg *msg);
void hvg_ic_set_response(struct hvg_ic_msg *msg, u32 status);
int hvg_ic_respond(struct hvg_ic *ic, struct hvg_ic_msg *msg);
int hvg_ic_open(struct hvg_ic *ic, struct hvg_vmbus_channel *ch);
void hvg_ic_close(struct hvg_ic *ic);

#endif /* HVG_IC_H */
