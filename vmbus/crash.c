// SPDX-License-Identifier: GPL-2.0
/*
 * UNLOAD from a dying kernel (panic notifier): no sleeping, no interrupts,
 * other CPUs stopped. Post UNLOAD and poll every CPU's message slot for
 * UNLOAD_RESPONSE, bounded by host_timeout_ms, so the host releases our
 * channels and a kdump or kexec'd kernel can connect again. The debugfs
 * file crash_unload runs the same path on the message CPU, for tests.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/panic_notifier.h>
#include <linux/smp.h>
#include <hvg/hvcall.h>
#include "connection.h"

#define POLL_US		100

/* Takes whatever sits in @cpu's slot; true if it was UNLOAD_RESPONSE. */
static bool take_slot(unsigned int cpu)
{
	struct hvp_message *slot = hvg_synic_message(cpu, HVP_VMBUS_MESSAGE_SINT);
	const struct hvp_vmbus_msg_header *hdr;
	u32 type;
	bool found;

	if (!slot)
		return false;
	type = le32_to_cpu(READ_ONCE(slot->header.message_type));
	if (type == HVP_MSG_NONE)
		return false;
	/* Orders the type check before reading the payload. */
	virt_rmb();
	hdr = (const void *)slot->payload;
	found = type == HVP_VMBUS_MESSAGE_TYPE &&
		le32_to_cpu(READ_ONCE(hdr->msgtype)) == HVP_VMBUS_MSG_UNLOAD_RESPONSE;
	if (cpu == smp_processor_id())
		hvg_synic_message_done(slot);
	else	/* its CPU is stopped: free the slot, no EOM is possible */
		xchg((u32 __force *)&slot->header.message_type, HVP_MSG_NONE);
	return found;
}

static bool poll_unload_response(struct hvg_conn *conn)
{
	unsigned long polls = jiffies_to_usecs(conn->host_timeout) / POLL_US;
	unsigned int cpu;

	while (polls--) {
		for_each_online_cpu(cpu)
			if (take_slot(cpu))
				return true;
		udelay(POLL_US);
	}
	return false;
}

/**
 * hvg_conn_unload_crash() - UNLOAD without sleeping or interrupts
 * @conn: the connection
 *
 * Any context with interrupts off; other CPUs must not dispatch messages.
 * Once connected only: the state becomes unloaded whatever the host says.
 */
void hvg_conn_unload_crash(struct hvg_conn *conn)
{
	struct hvp_vmbus_msg_header msg = {
		.msgtype = cpu_to_le32(HVP_VMBUS_MSG_UNLOAD),
	};
	int ret;

	if (cmpxchg(&conn->state, HVG_CONN_CONNECTED, HVG_CONN_UNLOADED) !=
	    HVG_CONN_CONNECTED)
		return;
	conn->pages_leaked = true;	/* until the host confirms */
	if (!hvg_conn_at_least(conn, HVP_VMBUS_VERSION_WIN8_1))
		return;	/* no UNLOAD before 3.0 */
	ret = hvg_post_message(conn->msg_conn_id, HVP_VMBUS_MESSAGE_TYPE, &msg,
			       sizeof(msg));
	if (ret) {
		pr_emerg("crash: cannot post UNLOAD (%d)\n", ret);
		return;
	}
	if (!poll_unload_response(conn)) {
		pr_emerg("crash: no UNLOAD_RESPONSE within %u ms\n",
			 jiffies_to_msecs(conn->host_timeout));
		return;
	}
	conn->pages_leaked = false;
	pr_emerg("crash: unloaded: the host released all channels\n");
}

static struct hvg_conn *crash_conn;	/* for the notifier */

static int panic_notify(struct notifier_block *nb, unsigned long event,
			void *data)
{
	hvg_conn_unload_crash(crash_conn);
	return NOTIFY_DONE;
}

static struct notifier_block panic_nb = {
	.notifier_call = panic_notify,
	.priority = INT_MIN + 1,	/* after kmsg_dump and the like */
};

static void unload_here(void *conn)
{
	hvg_conn_unload_crash(conn);
}

static ssize_t crash_unload_write(struct file *f, const char __user *buf,
				  size_t len, loff_t *ppos)
{
	struct hvg_conn *conn = f->private_data;
	int ret;

	/* The message CPU, interrupts off: no ISR takes the answer first. */
	ret = smp_call_function_single(conn->connect_cpu, unload_here, conn, 1);
	return ret ?: len;
}

static const struct file_operations crash_unload_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = crash_unload_write,
	.llseek = noop_llseek,
};

/**
 * hvg_crash_init() - UNLOAD on panic
 * @conn: the connection
 */
void hvg_crash_init(struct hvg_conn *conn)
{
	crash_conn = conn;
	atomic_notifier_chain_register(&panic_notifier_list, &panic_nb);
	debugfs_create_file("crash_unload", 0200, conn->debugfs, conn,
			    &crash_unload_fops);
}

/**
 * hvg_crash_exit() - no more UNLOAD on panic
 */
void hvg_crash_exit(void)
{
	atomic_notifier_chain_unregister(&panic_notifier_list, &panic_nb);
}
