// SPDX-License-Identifier: GPL-2.0
/*
 * The VMBus connection: the pages the guest shares with the host for it,
 * posting control messages, INITIATE_CONTACT from the newest version down,
 * and UNLOAD, after which the host has released every channel and GPADL.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/string.h>
#include <hvg/hvcall.h>
#include "connection.h"
#include "trace.h"

/* Newest first; INITIATE_CONTACT tries each one up to max_version. */
static const u32 versions[] = {
	HVP_VMBUS_VERSION_WIN10_V5_3,
	HVP_VMBUS_VERSION_WIN10_V5_2,
	HVP_VMBUS_VERSION_WIN10_V5_1,
	HVP_VMBUS_VERSION_WIN10_V5,
	HVP_VMBUS_VERSION_WIN10_RS3,
	HVP_VMBUS_VERSION_WIN10,
	HVP_VMBUS_VERSION_WIN8_1,
	HVP_VMBUS_VERSION_WIN8,
};

#define POST_TRIES	20	/* host out of buffers: back off and retry */

/**
 * hvg_conn_alloc_pages() - allocate the interrupt and monitor pages
 * @conn: the connection
 *
 * Return: 0 or -ENOMEM.
 */
int hvg_conn_alloc_pages(struct hvg_conn *conn)
{
	conn->int_page = (void *)get_zeroed_page(GFP_KERNEL);
	conn->monitor[0] = (void *)get_zeroed_page(GFP_KERNEL);
	conn->monitor[1] = (void *)get_zeroed_page(GFP_KERNEL);
	if (conn->int_page && conn->monitor[0] && conn->monitor[1])
		return 0;
	hvg_conn_free_pages(conn);
	return -ENOMEM;
}

/**
 * hvg_conn_free_pages() - free the pages, unless the host may still use them
 * @conn: the connection
 */
void hvg_conn_free_pages(struct hvg_conn *conn)
{
	if (conn->pages_leaked) {
		pr_warn("host did not unload: leaking its monitor and interrupt pages\n");
		return;
	}
	free_page((unsigned long)conn->int_page);
	free_page((unsigned long)conn->monitor[0]);
	free_page((unsigned long)conn->monitor[1]);
	conn->int_page = NULL;
	conn->monitor[0] = NULL;
	conn->monitor[1] = NULL;
}

static int post_to(u32 conn_id, const void *msg, u32 len)
{
	const struct hvp_vmbus_msg_header *hdr = msg;
	unsigned int try;
	int ret;

	for (try = 0; try < POST_TRIES; try++) {
		ret = hvg_post_message(conn_id, HVP_VMBUS_MESSAGE_TYPE, msg,
				       len);
		if (ret != HVP_STATUS_INSUFFICIENT_BUFFERS &&
		    ret != HVP_STATUS_INSUFFICIENT_MEMORY)
			break;
		usleep_range(100 << min(try, 10U), 200 << min(try, 10U));
	}
	trace_hvg_vmbus_msg_send(le32_to_cpu(hdr->msgtype), len, ret);
	if (ret == HVP_STATUS_INVALID_CONNECTION_ID)
		return -EAGAIN;
	if (ret > 0)
		return -EIO;
	return ret;
}

/**
 * hvg_conn_post() - post a control message to the host
 * @conn: the connection
 * @msg: the message, header first
 * @len: its length, at most 240
 *
 * Process context: may sleep while the host is out of buffers (bounded).
 *
 * Return: 0, -ENOTCONN after unload, -EAGAIN when the host serves no such
 * connection, -EIO for another hypercall status, or a negative errno.
 */
int hvg_conn_post(struct hvg_conn *conn, const void *msg, u32 len)
{
	int ret;

	if (READ_ONCE(conn->state) != HVG_CONN_CONNECTED)
		return -ENOTCONN;
	ret = post_to(conn->msg_conn_id, msg, len);
	if (ret)
		pr_err_ratelimited("cannot post message type %u (%d)\n",
				   le32_to_cpu(((const struct hvp_vmbus_msg_header *)msg)->msgtype),
				   ret);
	return ret;
}

static void contact_msg(struct hvg_conn *conn, u32 version,
			struct hvp_vmbus_initiate_contact *msg)
{
	memset(msg, 0, sizeof(*msg));
	msg->header.msgtype = cpu_to_le32(HVP_VMBUS_MSG_INITIATE_CONTACT);
	msg->version_requested = cpu_to_le32(version);
	msg->target_vcpu = cpu_to_le32(hvg_vp_index(conn->connect_cpu));
	if (version >= HVP_VMBUS_VERSION_WIN10_V5)
		msg->msg_sint = HVP_VMBUS_MESSAGE_SINT;
	else
		msg->interrupt_page = cpu_to_le64(virt_to_phys(conn->int_page));
	msg->monitor_page1 = cpu_to_le64(virt_to_phys(conn->monitor[0]));
	msg->monitor_page2 = cpu_to_le64(virt_to_phys(conn->monitor[1]));
}

static int accept_version(struct hvg_conn *conn, u32 version,
			  const struct hvp_vmbus_version_response *resp)
{
	u32 msg_conn_id = HVP_VMBUS_MESSAGE_CONN_ID;

	if (!resp->version_supported)
		return -EPROTONOSUPPORT;
	if (version >= HVP_VMBUS_VERSION_WIN10_V5) {
		msg_conn_id = le32_to_cpu(resp->msg_conn_id);
		if (!msg_conn_id || msg_conn_id & ~HVP_CONNECTION_ID_MASK) {
			pr_err("host accepted %u.%u with bad message connection id %#x\n",
			       version >> 16, version & 0xffff, msg_conn_id);
			return -EPROTO;
		}
	}
	conn->version = version;
	conn->msg_conn_id = msg_conn_id;
	WRITE_ONCE(conn->state, HVG_CONN_CONNECTED);
	return 0;
}

/* Returns 0 when @version is in use, -EPROTONOSUPPORT or -EAGAIN to try the next. */
static int try_version(struct hvg_conn *conn, u32 version)
{
	struct hvp_vmbus_initiate_contact msg;
	struct hvg_waiter w;
	u32 conn_id;
	int ret;

	conn_id = version >= HVP_VMBUS_VERSION_WIN10_V5 ?
		  HVP_VMBUS_MESSAGE_CONN_ID_4 : HVP_VMBUS_MESSAGE_CONN_ID;
	contact_msg(conn, version, &msg);
	hvg_waiter_init(&w, HVP_VMBUS_MSG_VERSION_RESPONSE, 0, 0);
	hvg_waiter_add(conn, &w);
	ret = post_to(conn_id, &msg, sizeof(msg));
	if (ret) {
		hvg_waiter_del(conn, &w);
		return ret;
	}
	ret = hvg_waiter_wait(conn, &w, "VERSION_RESPONSE");
	if (ret)
		return ret;
	return accept_version(conn, version,
			      (const struct hvp_vmbus_version_response *)w.resp);
}

/**
 * hvg_conn_connect() - negotiate the newest version both sides speak
 * @conn: the connection, pages allocated and message path running
 * @max_version: the newest version to try
 *
 * Return: 0 once connected, -ENODEV when no host answers, or the error of
 * the attempt that failed otherwise (e.g. -ETIMEDOUT).
 */
int hvg_conn_connect(struct hvg_conn *conn, u32 max_version)
{
	bool answered = false;
	unsigned int i;
	int ret = -ENODEV;

	for (i = 0; i < ARRAY_SIZE(versions); i++) {
		if (versions[i] > max_version)
			continue;
		ret = try_version(conn, versions[i]);
		if (!ret) {
			pr_info("VMBus version %u.%u, message connection id %u\n",
				conn->version >> 16, conn->version & 0xffff,
				conn->msg_conn_id);
			return 0;
		}
		if (ret == -EPROTONOSUPPORT)
			answered = true;
		else if (ret != -EAGAIN)
			break;
	}
	if (ret == -EAGAIN || ret == -EPROTONOSUPPORT) {
		pr_err("no VMBus host: %s\n", answered ?
		       "the host refused every version up to max_version" :
		       "INITIATE_CONTACT got INVALID_CONNECTION_ID for every version");
		return -ENODEV;
	}
	pr_err("version negotiation failed (%d)\n", ret);
	return ret;
}

/**
 * hvg_conn_unload() - UNLOAD: the host releases every channel and GPADL
 * @conn: the connection
 *
 * Process context; idempotent. Waits for UNLOAD_RESPONSE, bounded; when
 * none comes the shared pages are leaked, since the host may still use them.
 */
void hvg_conn_unload(struct hvg_conn *conn)
{
	struct hvp_vmbus_msg_header msg = {
		.msgtype = cpu_to_le32(HVP_VMBUS_MSG_UNLOAD),
	};
	struct hvg_waiter w;
	int ret;

	mutex_lock(&conn->unload_lock);
	if (conn->state != HVG_CONN_CONNECTED)
		goto out;
	if (!hvg_conn_at_least(conn, HVP_VMBUS_VERSION_WIN8_1)) {
		/* Before 3.0 there is no UNLOAD: the host keeps our pages. */
		conn->pages_leaked = true;
		WRITE_ONCE(conn->state, HVG_CONN_UNLOADED);
		goto out;
	}
	hvg_waiter_init(&w, HVP_VMBUS_MSG_UNLOAD_RESPONSE, 0, 0);
	hvg_waiter_add(conn, &w);
	ret = hvg_conn_post(conn, &msg, sizeof(msg));
	if (ret)
		hvg_waiter_del(conn, &w);
	else
		ret = hvg_waiter_wait(conn, &w, "UNLOAD_RESPONSE");
	WRITE_ONCE(conn->state, HVG_CONN_UNLOADED);
	if (ret)
		conn->pages_leaked = true;
	else
		pr_info("unloaded: the host released all channels\n");
out:
	mutex_unlock(&conn->unload_lock);
}
