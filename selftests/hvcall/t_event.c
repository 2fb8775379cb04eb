// SPDX-License-Identifier: GPL-2.0
/*
 * Event test: HvSignalEvent through hvhost's event service sets a flag on
 * the target VP and interrupts it; the ISR on that CPU sees and clears
 * exactly that flag. 1000 round trips per online CPU.
 */
#include <linux/cpumask.h>
#include <hvproto/emu_abi.h>
#include <linux/sched.h>
#include "test.h"

#define T_EVENT_ROUNDS	1000

static int round_trip(unsigned int cpu, unsigned int i, char *reason)
{
	u32 conn = HVEMU_TEST_EVENT_CONN(hvg_vp_index(cpu), T_EVENT_SINT);
	u16 flag = (i * 7 + cpu) % HVP_EVENT_FLAGS_COUNT;
	int ret;

	ret = hvg_signal_event(conn, flag);
	if (ret) {
		snprintf(reason, T_REASON_LEN, "CPU %u round %u: signal %d",
			 cpu, i, ret);
		return -1;
	}
	if (!wait_event_timeout(t_state.wq,
				atomic_read(&t_state.evt_seen[cpu]) > i, HZ)) {
		snprintf(reason, T_REASON_LEN,
			 "CPU %u round %u: no interrupt for flag %u", cpu, i,
			 flag);
		return -1;
	}
	if (atomic_read(&t_state.evt_seen[cpu]) != i + 1 ||
	    atomic_read(&t_state.evt_last[cpu]) != flag) {
		snprintf(reason, T_REASON_LEN,
			 "CPU %u round %u: saw %d flags, last %d, want %u",
			 cpu, i, atomic_read(&t_state.evt_seen[cpu]),
			 atomic_read(&t_state.evt_last[cpu]), flag);
		return -1;
	}
	return 0;
}

static int event_body(char *reason)
{
	unsigned int cpu, i;

	for_each_online_cpu(cpu)
		for (i = 0; i < T_EVENT_ROUNDS; i++)
			if (round_trip(cpu, i, reason))
				return -1;
	return 0;
}

int t_event(char *reason)
{
	int ret;

	ret = t_isr_start(T_NO_SINT, T_EVENT_SINT);
	if (ret) {
		snprintf(reason, T_REASON_LEN, "set_isr %d", ret);
		return -1;
	}
	ret = hvg_sint_enable(T_EVENT_SINT);
	if (ret)
		snprintf(reason, T_REASON_LEN, "sint_enable %d", ret);
	else
		ret = event_body(reason);
	hvg_sint_disable(T_EVENT_SINT);
	t_isr_stop();
	return ret ? -1 : 0;
}
