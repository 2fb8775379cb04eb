// SPDX-License-Identifier: GPL-2.0
/*
 * The host side of the tests: which test service answers the echo and
 * signal-event tests, and hvhost's ("emu"), whose connections exist
 * without being created: HVEMU_TEST_ECHO_CONN(vp, sint) echoes messages,
 * HVEMU_TEST_EVENT_CONN(vp, sint) sets the flag it is signalled with.
 */
#include <linux/errno.h>
#include <linux/string.h>
#include <hvproto/emu_abi.h>
#include "test.h"

const struct t_host *t_host;

static int emu_echo_open(unsigned int cpu, u8 sint, u32 *conn)
{
	*conn = HVEMU_TEST_ECHO_CONN(hvg_vp_index(cpu), sint);
	return 0;
}

static void emu_close(unsigned int cpu, u8 sint)
{
}

static int emu_event_open(unsigned int cpu, u8 sint)
{
	return 0;
}

static void emu_event_target(unsigned int cpu, u8 sint, unsigned int round,
			     struct t_event_target *t)
{
	t->conn = HVEMU_TEST_EVENT_CONN(hvg_vp_index(cpu), sint);
	t->signal_flag = (round * 7 + cpu) % HVP_EVENT_FLAGS_COUNT;
	t->flag = t->signal_flag;
}

const struct t_host t_host_emu = {
	.name = "emu",
	.echo_count = 10000,
	.echo_burst = 8,
	.echo_busy_retries = 0,
	.payload_qwords = HVP_MESSAGE_PAYLOAD_QWORDS,
	.event_rounds = 1000,
	.echo_open = emu_echo_open,
	.echo_close = emu_close,
	.event_open = emu_event_open,
	.event_close = emu_close,
	.event_target = emu_event_target,
};

/**
 * t_host_init() - choose the test host
 * @name: "auto" (hvhost's on the emu backend, else none), "emu",
 *	"testdev" or "none"
 *
 * Return: 0, -EINVAL for an unknown name, or testdev's error.
 */
int t_host_init(const char *name)
{
	int ret;

	if (!strcmp(name, "auto")) {
		if (hvg_platform()->backend == HVG_BACKEND_EMU)
			t_host = &t_host_emu;
	} else if (!strcmp(name, "emu")) {
		t_host = &t_host_emu;
	} else if (!strcmp(name, "testdev")) {
		ret = t_testdev_init();
		if (ret)
			return ret;
		t_host = &t_host_testdev;
	} else if (strcmp(name, "none")) {
		return -EINVAL;
	}
	return 0;
}

/**
 * t_host_exit() - release the test host, destroying what is left of it
 */
void t_host_exit(void)
{
	if (t_host == &t_host_testdev)
		t_testdev_exit();
	t_host = NULL;
}

/**
 * t_need_host() - fail a test that needs a test host when there is none
 * @reason: filled in when there is none
 *
 * Return: 0 or -1.
 */
int t_need_host(char *reason)
{
	if (t_host)
		return 0;
	snprintf(reason, T_REASON_LEN,
		 "no test host (load hvg_hvcall_test with host=emu or host=testdev)");
	return -1;
}
