// SPDX-License-Identifier: GPL-2.0
/*
 * The test host "testdev": QEMU's hyperv-testdev, beside KVM's Hyper-V
 * emulation on the real lane. One write-only register at I/O port 0x3000,
 * outl(conn << 24 | cmd << 16 | vp << 8 | sint), creates and destroys
 * message connections (HvPostMessage to conn is echoed to vp's sint) and
 * event connections (HvSignalEvent to conn, flag number 0, sets flag conn
 * in vp's sint and raises it).
 *
 * QEMU aborts on a command it cannot carry out (unknown VP, a connection
 * id already registered, destroying one that is not), and on traffic to a
 * connection whose VP has its SynIC off, so every connection made here is
 * recorded, made only while hvg_hvcall keeps the SynIC on, and destroyed
 * exactly once, at the latest when this module unloads (hvg_hvcall, which
 * it depends on, is still loaded then). Ids 1 and 2 are vmbus-bridge's.
 */
#include <linux/bitmap.h>
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include "test.h"

#define TD_PORT		0x3000
#define TD_MSG_CREATE	4
#define TD_MSG_DESTROY	5
#define TD_EVT_CREATE	6
#define TD_EVT_DESTROY	7

/* Connection ids: 8 bits; echo 0x10 + vp, events 0x20 + vp * 4 + k. */
#define TD_MAX_VP	8
#define TD_ECHO_BASE	0x10
#define TD_EVENT_BASE	0x20
#define TD_EVENT_CONNS	4
#define TD_CONN_IDS	256

/* Connections made and not yet destroyed; tests run one at a time. */
static DECLARE_BITMAP(td_live, TD_CONN_IDS);
static struct resource *td_region;

static void td_write(u8 conn, u8 cmd, u8 vp, u8 sint)
{
	outl((u32)conn << 24 | (u32)cmd << 16 | (u32)vp << 8 | sint, TD_PORT);
}

static bool td_is_event(u8 conn)
{
	return conn >= TD_EVENT_BASE;
}

static int td_create(u8 conn, unsigned int cpu, u8 sint)
{
	u32 vp = hvg_vp_index(cpu);

	if (vp >= TD_MAX_VP || sint >= HVP_SINT_COUNT)
		return -ERANGE;
	if (test_and_set_bit(conn, td_live))
		return -EBUSY;
	td_write(conn, td_is_event(conn) ? TD_EVT_CREATE : TD_MSG_CREATE,
		 vp, sint);
	return 0;
}

static void td_destroy(u8 conn)
{
	if (test_and_clear_bit(conn, td_live))
		td_write(conn, td_is_event(conn) ? TD_EVT_DESTROY :
			 TD_MSG_DESTROY, 0, 0);
}

static u8 td_echo_conn(unsigned int cpu)
{
	return TD_ECHO_BASE + hvg_vp_index(cpu) % TD_MAX_VP;
}

static u8 td_event_conn(unsigned int cpu, unsigned int k)
{
	return TD_EVENT_BASE + (hvg_vp_index(cpu) % TD_MAX_VP) * TD_EVENT_CONNS +
	       k % TD_EVENT_CONNS;
}

static int td_echo_open(unsigned int cpu, u8 sint, u32 *conn)
{
	*conn = td_echo_conn(cpu);
	return td_create(*conn, cpu, sint);
}

static void td_echo_close(unsigned int cpu, u8 sint)
{
	if (hvg_vp_index(cpu) < TD_MAX_VP)
		td_destroy(td_echo_conn(cpu));
}

static void td_event_close(unsigned int cpu, u8 sint)
{
	unsigned int k;

	if (hvg_vp_index(cpu) >= TD_MAX_VP)
		return;
	for (k = 0; k < TD_EVENT_CONNS; k++)
		td_destroy(td_event_conn(cpu, k));
}

static int td_event_open(unsigned int cpu, u8 sint)
{
	unsigned int k;
	int ret;

	for (k = 0; k < TD_EVENT_CONNS; k++) {
		ret = td_create(td_event_conn(cpu, k), cpu, sint);
		if (ret) {
			td_event_close(cpu, sint);
			return ret;
		}
	}
	return 0;
}

static void td_event_target(unsigned int cpu, u8 sint, unsigned int round,
			    struct t_event_target *t)
{
	t->conn = td_event_conn(cpu, round);
	t->signal_flag = 0;	/* testdev refuses any other */
	t->flag = t->conn;
}

/*
 * QEMU stages one message per connection: a post made while the last is
 * staged or waits behind a busy slot is refused with INSUFFICIENT_BUFFERS
 * and overwrites the message QEMU retries. So at most two are in flight:
 * the first lands in the empty slot, the second (retried until QEMU has
 * finished with the first) waits behind it with MessagePending, and the
 * next burst starts once both arrived. QEMU echoes payloads under 240
 * bytes only.
 */
const struct t_host t_host_testdev = {
	.name = "testdev",
	.echo_count = 2000,
	.echo_burst = 2,
	.echo_busy_retries = 500,
	.payload_qwords = HVP_MESSAGE_PAYLOAD_QWORDS - 1,
	.event_rounds = 500,
	.echo_open = td_echo_open,
	.echo_close = td_echo_close,
	.event_open = td_event_open,
	.event_close = td_event_close,
	.event_target = td_event_target,
};

/**
 * t_testdev_init() - claim hyperv-testdev's port
 *
 * Return: 0, -ENODEV without the Hyper-V backend, or -EBUSY.
 */
int t_testdev_init(void)
{
	if (hvg_platform()->backend != HVG_BACKEND_HYPERV)
		return -ENODEV;
	td_region = request_region(TD_PORT, 4, "hyperv-testdev");
	return td_region ? 0 : -EBUSY;
}

/**
 * t_testdev_exit() - destroy every connection left, release the port
 */
void t_testdev_exit(void)
{
	unsigned int conn;

	for_each_set_bit(conn, td_live, TD_CONN_IDS)
		td_destroy(conn);
	release_region(TD_PORT, 4);
	td_region = NULL;
}
