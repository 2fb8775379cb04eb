// SPDX-License-Identifier: GPL-2.0
/*
 * Event test: HvSignalEvent through the test host's event connections sets
 * a flag on the target VP and interrupts it; the ISR on that CPU sees and
 * clears exactly that flag. Round trips to every online CPU's VP.
 */
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/sched.h>
#include "test.h"

static int round_trip(unsigned int cpu, unsigned int i, char *reason)
{
	struct t_event_target t;
	u16 flag;
	int ret;

	t_host->event_target(cpu, T_EVENT_SINT, i, &t);
	flag = t.flag;
	ret = hvg_signal_event(t.conn, t.signal_flag);
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

static int event_cpu(unsigned int cpu, char *reason)
{
	unsigned int i;
	int ret;

	ret = t_host->event_open(cpu, T_EVENT_SINT);
	if (ret) {
		snprintf(reason, T_REASON_LEN, "CPU %u: event_open %d", cpu,
			 ret);
		return -1;
	}
	for (i = 0; i < t_host->event_rounds && !ret; i++)
		ret = round_trip(cpu, i, reason);
	t_host->event_close(cpu, T_EVENT_SINT);
	return ret;
}

static int event_body(char *reason)
{
	unsigned int cpu;
	int ret = 0;

	cpus_read_lock();
	for_each_online_cpu(cpu) {
		ret = event_cpu(cpu, reason);
		if (ret)
			break;
	}
	cpus_read_unlock();
	return ret;
}

int t_event(char *reason)
{
	int ret;

	if (t_need_host(reason))
		return -1;
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
