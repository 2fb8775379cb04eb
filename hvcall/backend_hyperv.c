// SPDX-License-Identifier: GPL-2.0
/*
 * Backend "hyperv": real Hyper-V or KVM's Hyper-V emulation. Native MSRs,
 * the hypercall page, and HYPERVISOR_CALLBACK_VECTOR through the kernel's
 * vmbus handler slot. When the kernel already set Hyper-V up, its
 * hypercall page is reused and the guest OS ID and HYPERCALL MSRs are left
 * alone; otherwise this backend enables hypercalls and undoes it at exit.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/vmalloc.h>
#include <asm/hypervisor.h>
#include <asm/msr.h>
#include <asm/mshyperv.h>
#include <asm/nospec-branch.h>
#include "backend.h"

#define REQUIRED_FEATURES	(HVP_PRIV_SYNIC | HVP_PRIV_HYPERCALL)
#define REQUIRED_PRIV_HIGH	(HVP_PRIV_POST_MESSAGES | HVP_PRIV_SIGNAL_EVENTS)

/*
 * The page calls go through: the kernel's hv_hypercall_pg, or own_page's
 * executable alias. Set at init, cleared at exit; read without locking.
 */
static void *hcall_page;
static struct page *own_page;
static bool wrote_guest_os_id;

static u64 hcall(u64 control, u64 input, u64 output)
{
	u64 status;

	asm volatile("mov %[output], %%r8\n"
		     CALL_NOSPEC
		     : "=a" (status), ASM_CALL_CONSTRAINT,
		       "+c" (control), "+d" (input)
		     : [output] "r" (output), THUNK_TARGET(hcall_page)
		     : "cc", "memory", "r8", "r9", "r10", "r11");
	return status;
}

static int hv_rdmsr(u32 msr, u64 *val)
{
	return rdmsrl_safe(msr, val) ? -EIO : 0;
}

static int hv_wrmsr(u32 msr, u64 val)
{
	return wrmsrl_safe(msr, val) ? -EIO : 0;
}

static int hv_hypercall(u64 control, u64 input, u64 output, u64 *result)
{
	*result = hcall(control, input, output);
	return 0;
}

static int hv_signal_event(u64 input)
{
	return hcall(HVP_CALL_SIGNAL_EVENT | HVP_HCALL_FAST, input, 0) &
	       HVP_HCALL_STATUS_MASK;
}

static void hv_eom(void)
{
	wrmsrl(HVP_MSR_EOM, 0);
}

static int hv_set_irq(void (*handler)(void))
{
	hv_setup_vmbus_handler(handler);
	return 0;
}

static void hv_clear_irq(void)
{
	hv_remove_vmbus_handler();
	/* The vector's handler runs with interrupts off: an RCU reader. */
	synchronize_rcu();
}

static int hv_read_vp_index(u32 *vp)
{
	unsigned int cpu = smp_processor_id();
	u64 val;

	if (hv_vp_index && hv_vp_index[cpu] != VP_INVAL) {
		*vp = hv_vp_index[cpu];
		return 0;
	}
	if (rdmsrl_safe(HVP_MSR_VP_INDEX, &val))
		return -EIO;
	*vp = val;
	return 0;
}

/*
 * The kernel's reader: the TSC page when Hyper-V offers one, else the
 * TIME_REF_COUNT MSR; both need the privilege.
 */
static int hv_read_ref_counter(u64 *val)
{
	if (!(ms_hyperv.features & HVP_PRIV_TIME_REF_COUNT))
		return -EOPNOTSUPP;
	*val = hv_read_reference_counter();
	return 0;
}

static int own_hypercall_page(void)
{
	u64 val;

	own_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!own_page)
		return -ENOMEM;
	/* The hypervisor overlays the page; the kernel only executes it. */
	hcall_page = vmap(&own_page, 1, VM_MAP, PAGE_KERNEL_ROX);
	if (!hcall_page)
		goto err_page;
	rdmsrl(HVP_MSR_GUEST_OS_ID, val);
	if (!val) {
		val = HVG_GUEST_OS_ID;
		wrmsrl(HVP_MSR_GUEST_OS_ID, val);
		wrote_guest_os_id = true;
	}
	rdmsrl(HVP_MSR_HYPERCALL, val);
	val &= ~HVP_MSR_PAGE_GPA_MASK;
	val |= PFN_PHYS(page_to_pfn(own_page)) | HVP_MSR_PAGE_ENABLE;
	wrmsrl(HVP_MSR_HYPERCALL, val);
	return 0;

err_page:
	__free_page(own_page);
	own_page = NULL;
	return -ENOMEM;
}

static int check_partition(struct hvg_platform_info *info)
{
	if (x86_hyper_type != X86_HYPER_MS_HYPERV) {
		pr_err("Hyper-V CPUID found but the kernel did not set Hyper-V up (no callback vector)\n");
		return -EOPNOTSUPP;
	}
	if (hv_is_isolation_supported()) {
		pr_err("isolated (confidential) partitions are not supported\n");
		return -EOPNOTSUPP;
	}
	info->features = ms_hyperv.features;
	info->priv_high = ms_hyperv.priv_high;
	info->misc_features = ms_hyperv.misc_features;
	info->hints = ms_hyperv.hints;
	if ((info->features & REQUIRED_FEATURES) != REQUIRED_FEATURES ||
	    (info->priv_high & REQUIRED_PRIV_HIGH) != REQUIRED_PRIV_HIGH) {
		pr_err("Hyper-V lacks SynIC, hypercall, post-message or signal-event privileges (0x%x/0x%x)\n",
		       info->features, info->priv_high);
		return -EOPNOTSUPP;
	}
	return 0;
}

static int hv_init(struct hvg_platform_info *info, char *desc, size_t len)
{
	int ret;

	ret = check_partition(info);
	if (ret)
		return ret;
	if (hv_hypercall_pg) {
		hcall_page = hv_hypercall_pg;
	} else {
		ret = own_hypercall_page();
		if (ret)
			return ret;
	}
	snprintf(desc, len, "%s hypercall page, %u CPUs",
		 own_page ? "own" : "kernel's", num_possible_cpus());
	return 0;
}

static void hv_exit(void)
{
	u64 val;

	if (own_page) {
		rdmsrl(HVP_MSR_HYPERCALL, val);
		wrmsrl(HVP_MSR_HYPERCALL, val & ~HVP_MSR_PAGE_ENABLE);
		if (wrote_guest_os_id)
			wrmsrl(HVP_MSR_GUEST_OS_ID, 0);
		vunmap(hcall_page);
		__free_page(own_page);
		own_page = NULL;
		wrote_guest_os_id = false;
	}
	hcall_page = NULL;
}

const struct hvg_backend hvg_backend_hyperv = {
	.name = "hyperv",
	.kind = HVG_BACKEND_HYPERV,
	.init = hv_init,
	.exit = hv_exit,
	.read_msr = hv_rdmsr,
	.write_msr = hv_wrmsr,
	.hypercall = hv_hypercall,
	.signal_event = hv_signal_event,
	.eom = hv_eom,
	.set_irq = hv_set_irq,
	.clear_irq = hv_clear_irq,
	.read_vp_index = hv_read_vp_index,
	.read_ref_counter = hv_read_ref_counter,
};
