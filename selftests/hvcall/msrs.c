// SPDX-License-Identifier: GPL-2.0
/*
 * hvg_hvcall_msrs: the Hyper-V MSRs of every online CPU, read natively,
 * so a test can look at the partition from outside hvg_hvcall: before it
 * loads, while it is loaded and after it unloads. Reading
 * /sys/kernel/debug/hvg_hvcall_msrs gives one line per CPU:
 *   cpu=N guest_os_id=X hypercall=X scontrol=X simp=X siefp=X unmasked=X
 * (unmasked: the bitmap of SINTs not masked; "err" for an MSR that faults).
 * Test-only; reads MSRs, never writes them.
 */
#include <linux/bitops.h>
#include <linux/cpu.h>
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <asm/msr.h>
#include <hvproto/tlfs.h>

static const struct {
	const char *name;
	u32 msr;
} regs[] = {
	{ "guest_os_id", HVP_MSR_GUEST_OS_ID },
	{ "hypercall", HVP_MSR_HYPERCALL },
	{ "scontrol", HVP_MSR_SCONTROL },
	{ "simp", HVP_MSR_SIMP },
	{ "siefp", HVP_MSR_SIEFP },
};

static struct dentry *file;

static int unmasked_sints(unsigned int cpu, u32 *mask)
{
	unsigned int i;
	u64 val;

	*mask = 0;
	for (i = 0; i < HVP_SINT_COUNT; i++) {
		if (rdmsrl_safe_on_cpu(cpu, HVP_MSR_SINT0 + i, &val))
			return -EIO;
		if (!(val & HVP_SINT_MASKED))
			*mask |= BIT(i);
	}
	return 0;
}

static void show_cpu(struct seq_file *m, unsigned int cpu)
{
	unsigned int i;
	u32 mask;
	u64 val;

	seq_printf(m, "cpu=%u", cpu);
	for (i = 0; i < ARRAY_SIZE(regs); i++) {
		if (rdmsrl_safe_on_cpu(cpu, regs[i].msr, &val))
			seq_printf(m, " %s=err", regs[i].name);
		else
			seq_printf(m, " %s=%#llx", regs[i].name, val);
	}
	if (unmasked_sints(cpu, &mask))
		seq_puts(m, " unmasked=err\n");
	else
		seq_printf(m, " unmasked=%#x\n", mask);
}

static int msrs_show(struct seq_file *m, void *v)
{
	unsigned int cpu;

	cpus_read_lock();
	for_each_online_cpu(cpu)
		show_cpu(m, cpu);
	cpus_read_unlock();
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(msrs);

static int __init msrs_init(void)
{
	file = debugfs_create_file("hvg_hvcall_msrs", 0400, NULL, NULL,
				   &msrs_fops);
	return 0;
}

static void __exit msrs_exit(void)
{
	debugfs_remove(file);
}

module_init(msrs_init);
module_exit(msrs_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("hvguest: Hyper-V MSRs of every CPU, read-only (test-only)");
