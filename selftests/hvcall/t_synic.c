// SPDX-License-Identifier: GPL-2.0
/*
 * SynIC tests: registers enabled on every CPU; a masked SINT raises no
 * interrupt.
 */
#include <linux/bitops.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <asm/sync_bitops.h>
#include <linux/sched.h>
#include "test.h"

static int check_regs(unsigned int cpu, char *reason)
{
	struct hvg_synic_regs r;
	u64 simp_gpa = virt_to_phys(hvg_synic_message(cpu, 0));
	u64 siefp_gpa = virt_to_phys(hvg_synic_event_flags(cpu, 0));
	int ret = hvg_synic_read_regs(cpu, &r);

	if (ret) {
		snprintf(reason, T_REASON_LEN, "CPU %u: read_regs %d", cpu, ret);
		return -1;
	}
	if (!(r.scontrol & HVP_SCONTROL_ENABLE) ||
	    (r.simp & ~0xffeull) != (simp_gpa | HVP_MSR_PAGE_ENABLE) ||
	    (r.siefp & ~0xffeull) != (siefp_gpa | HVP_MSR_PAGE_ENABLE) ||
	    r.sversion != HVP_SYNIC_VERSION) {
		snprintf(reason, T_REASON_LEN,
			 "CPU %u: scontrol=%#llx simp=%#llx siefp=%#llx sversion=%#llx",
			 cpu, r.scontrol, r.simp, r.siefp, r.sversion);
		return -1;
	}
	return 0;
}

/* SCONTROL, SIMP and SIEFP enabled with our pages on every online CPU. */
int t_regs(char *reason)
{
	unsigned int cpu;

	for_each_online_cpu(cpu)
		if (check_regs(cpu, reason))
			return -1;
	return 0;
}

static bool flag_set(unsigned int cpu, u8 sint, unsigned int flag)
{
	return test_bit(flag,
			(unsigned long *)hvg_synic_event_flags(cpu, sint)->flags);
}

static void flag_clear(unsigned int cpu, u8 sint, unsigned int flag)
{
	sync_clear_bit(flag,
		       (unsigned long *)hvg_synic_event_flags(cpu, sint)->flags);
}

/* While masked: the host sets the flag but raises no interrupt. */
static int masked_signal(unsigned int cpu, const struct t_event_target *t,
			 char *reason)
{
	int calls, ret;

	flag_clear(cpu, T_MASKED_SINT, t->flag);
	ret = hvg_signal_event(t->conn, t->signal_flag);
	msleep(300);
	calls = atomic_read(&t_state.isr_calls);
	if (ret || calls || !flag_set(cpu, T_MASKED_SINT, t->flag)) {
		snprintf(reason, T_REASON_LEN,
			 "masked: signal %d, %d ISR calls, flag %u %sset", ret,
			 calls, t->flag,
			 flag_set(cpu, T_MASKED_SINT, t->flag) ? "" : "not ");
		return -1;
	}
	return 0;
}

/* Once unmasked, a signal interrupts. */
static int unmasked_signal(unsigned int cpu, const struct t_event_target *t,
			   char *reason)
{
	int ret;

	ret = hvg_sint_enable(T_MASKED_SINT);
	if (ret) {
		snprintf(reason, T_REASON_LEN, "sint_enable %d", ret);
		return -1;
	}
	/* The host may or may not deliver the flag set while masked. */
	if (wait_event_timeout(t_state.wq,
			       atomic_read(&t_state.evt_seen[cpu]), HZ))
		return 0;
	pr_info("hvg_hvcall_test: flag set while masked not delivered at unmask\n");
	flag_clear(cpu, T_MASKED_SINT, t->flag);
	hvg_signal_event(t->conn, t->signal_flag);
	if (!wait_event_timeout(t_state.wq,
				atomic_read(&t_state.evt_seen[cpu]), HZ)) {
		snprintf(reason, T_REASON_LEN, "no interrupt after unmasking");
		return -1;
	}
	return 0;
}

static int masked_body(unsigned int cpu, char *reason)
{
	struct t_event_target t;
	int ret;

	ret = t_host->event_open(cpu, T_MASKED_SINT);
	if (ret) {
		snprintf(reason, T_REASON_LEN, "event_open %d", ret);
		return -1;
	}
	t_host->event_target(cpu, T_MASKED_SINT, 3, &t);
	ret = masked_signal(cpu, &t, reason);
	if (!ret)
		ret = unmasked_signal(cpu, &t, reason);
	hvg_sint_disable(T_MASKED_SINT);
	t_host->event_close(cpu, T_MASKED_SINT);
	return ret;
}

/*
 * A masked SINT: the host sets the flag but raises no interrupt; once
 * unmasked, a signal interrupts.
 */
int t_masked(char *reason)
{
	unsigned int cpu = cpumask_first(cpu_online_mask);
	int ret;

	if (t_need_host(reason))
		return -1;
	hvg_sint_disable(T_MASKED_SINT);
	ret = t_isr_start(T_NO_SINT, T_MASKED_SINT);
	if (ret) {
		snprintf(reason, T_REASON_LEN, "set_isr %d", ret);
		return -1;
	}
	ret = masked_body(cpu, reason);
	t_isr_stop();
	return ret;
}
