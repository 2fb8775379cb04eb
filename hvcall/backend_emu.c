// SPDX-License-Identifier: GPL-2.0
/*
 * Backend "emu": TLFS operations carried to hvhost through the doorbell
 * ABI of <hvproto/emu_abi.h>. Each CPU owns the slot of its VP (slot i is
 * CPU i, checked against the VP_INDEX MSR when the CPU comes up) and uses it
 * with interrupts disabled, so a slot never has two users. Waits are spins
 * bounded by EMU_TIMEOUT_NS: hvhost shares the host's cores with the vCPUs,
 * so a stuck host costs the CPU a bounded delay and the caller an error,
 * never a hang.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/export.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/irqflags.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <hvproto/emu_abi.h>
#include "backend.h"
#include "emu.h"

#define EMU_TIMEOUT_NS		NSEC_PER_SEC
#define EMU_FAST_SPINS		256

#define SLOT_REQ	offsetof(struct hvemu_slot, req_seq)
#define SLOT_DONE	offsetof(struct hvemu_slot, done_seq)
#define SLOT_OP		offsetof(struct hvemu_slot, op)
#define SLOT_STATUS	offsetof(struct hvemu_slot, status)
#define SLOT_ARG(i)	(offsetof(struct hvemu_slot, arg) + 8 * (i))
#define SLOT_RESULT	offsetof(struct hvemu_slot, result)

/*
 * The SynIC handler MSI-X interrupts are routed to. Read once per
 * interrupt inside an RCU read section; cleared before synchronize_rcu().
 */
static void (*irq_handler)(void);
/* The page whose GPN enables hypercalls; hvhost never executes it. */
static struct page *hcall_page;

static void __iomem *slot_of(unsigned int cpu)
{
	return hvg_emu.ctl + hvg_emu.header_size + cpu * hvg_emu.slot_size;
}

static bool wait_done(void __iomem *slot, u32 seq)
{
	u64 deadline = ktime_get_ns() + EMU_TIMEOUT_NS;
	unsigned int spins = 0;

	while (readl(slot + SLOT_DONE) != seq) {
		if (spins++ < EMU_FAST_SPINS) {
			cpu_relax();
			continue;
		}
		if (ktime_get_ns() > deadline)
			return false;
		udelay(1);
	}
	/* Orders reading done_seq before reading status and result. */
	rmb();
	return true;
}

static int status_errno(u32 status)
{
	switch (status) {
	case HVEMU_STATUS_OK:
		return 0;
	case HVEMU_STATUS_GP:
		return -EIO;
	case HVEMU_STATUS_UD:
		return -EOPNOTSUPP;
	default:
		return -EPROTO;
	}
}

/* One request on the calling CPU's slot; interrupts must be disabled. */
static int emu_request(u32 op, u64 a0, u64 a1, u64 a2, bool posted, u64 *result)
{
	unsigned int cpu = smp_processor_id();
	void __iomem *slot = slot_of(cpu);
	u32 *seq = &hvg_emu.seq[cpu];

	lockdep_assert_irqs_disabled();
	if (!wait_done(slot, *seq))
		goto timeout;
	writel(op, slot + SLOT_OP);
	writeq(a0, slot + SLOT_ARG(0));
	writeq(a1, slot + SLOT_ARG(1));
	writeq(a2, slot + SLOT_ARG(2));
	/* Orders op and arguments before the new req_seq. */
	wmb();
	writel(++*seq, slot + SLOT_REQ);
	writel(HVEMU_DOORBELL(cpu), hvg_emu.regs + HVEMU_BAR0_DOORBELL);
	if (posted)
		return 0;
	if (!wait_done(slot, *seq))
		goto timeout;
	*result = readq(slot + SLOT_RESULT);
	return status_errno(readl(slot + SLOT_STATUS));

timeout:
	pr_err_ratelimited("CPU %u: hvhost did not complete request %u (op %u)\n",
			   cpu, *seq, op);
	return -ETIMEDOUT;
}

static int request_irqsave(u32 op, u64 a0, u64 a1, bool posted, u64 *result)
{
	unsigned long flags;
	int ret;

	local_irq_save(flags);
	ret = emu_request(op, a0, a1, 0, posted, result);
	local_irq_restore(flags);
	return ret;
}

static int emu_rdmsr(u32 msr, u64 *val)
{
	return request_irqsave(HVEMU_OP_RDMSR, msr, 0, false, val);
}

static int emu_read_ref_counter(u64 *val)
{
	return emu_rdmsr(HVP_MSR_TIME_REF_COUNT, val);
}

static int emu_wrmsr(u32 msr, u64 val)
{
	u64 unused;

	return request_irqsave(HVEMU_OP_WRMSR, msr, val, false, &unused);
}

static int emu_hypercall(u64 control, u64 input, u64 output, u64 *result)
{
	unsigned long flags;
	int ret;

	local_irq_save(flags);
	ret = emu_request(HVEMU_OP_HYPERCALL, control, input, output,
			  false, result);
	local_irq_restore(flags);
	return ret;
}

static int emu_signal_event(u64 input)
{
	return request_irqsave(HVEMU_OP_HYPERCALL,
			       HVP_CALL_SIGNAL_EVENT | HVP_HCALL_FAST, input,
			       true, NULL);
}

static void emu_eom(void)
{
	request_irqsave(HVEMU_OP_WRMSR, HVP_MSR_EOM, 0, true, NULL);
}

/**
 * hvg_emu_test_request() - one request to hvhost's test service
 * @req: enum hvemu_test_req (any value: hvhost refuses what it lacks)
 * @arg: its argument, 0 for a request that takes none
 * @result: the answer
 *
 * For tests: HVEMU_OP_TEST of <hvproto/emu_abi.h>, one bounded round trip
 * on the calling CPU's slot, nothing else in between. Any context.
 *
 * Return: 0; -EOPNOTSUPP on a backend other than emu; -EPROTO when hvhost
 * refused the request; -ETIMEDOUT when it did not answer.
 */
int hvg_emu_test_request(u64 req, u64 arg, u64 *result)
{
	if (hvg_ops != &hvg_backend_emu)
		return -EOPNOTSUPP;
	return request_irqsave(HVEMU_OP_TEST, req, arg, false, result);
}
EXPORT_SYMBOL_GPL(hvg_emu_test_request);

static int emu_read_vp_index(u32 *vp)
{
	unsigned int cpu = smp_processor_id();
	u64 val;
	int ret;

	ret = emu_rdmsr(HVP_MSR_VP_INDEX, &val);
	if (ret)
		return ret;
	if (val != cpu) {
		pr_err("CPU %u: hvhost reports VP index %llu; the emu backend needs VP index == CPU\n",
		       cpu, val);
		return -EPROTO;
	}
	*vp = val;
	return 0;
}

/**
 * hvg_emu_irq() - an MSI-X interrupt for the calling CPU's VP
 *
 * Hard interrupt context, on the CPU of the VP.
 */
void hvg_emu_irq(void)
{
	void (*handler)(void);

	rcu_read_lock();
	handler = READ_ONCE(irq_handler);
	if (handler)
		handler();
	rcu_read_unlock();
}

static int emu_set_irq(void (*handler)(void))
{
	WRITE_ONCE(irq_handler, handler);
	return 0;
}

static void emu_clear_irq(void)
{
	WRITE_ONCE(irq_handler, NULL);
	synchronize_rcu();
}

struct msr_call {
	u32 msr;
	u64 val;
	atomic_t err;
};

static void wrmsr_local(void *data)
{
	struct msr_call *call = data;
	int ret = emu_wrmsr(call->msr, call->val);

	if (ret)
		atomic_set(&call->err, ret);
}

/*
 * GUEST_OS_ID and HYPERCALL are partition-wide in the TLFS; writing them
 * on every CPU also suits a host that keeps them per VP.
 */
static int wrmsr_all(u32 msr, u64 val)
{
	struct msr_call call = { .msr = msr, .val = val };

	atomic_set(&call.err, 0);
	on_each_cpu(wrmsr_local, &call, 1);
	return atomic_read(&call.err);
}

static int enable_hypercalls(void)
{
	int ret;

	hcall_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!hcall_page)
		return -ENOMEM;
	cpus_read_lock();
	ret = wrmsr_all(HVP_MSR_GUEST_OS_ID, HVG_GUEST_OS_ID);
	if (!ret)
		ret = wrmsr_all(HVP_MSR_HYPERCALL,
				PFN_PHYS(page_to_pfn(hcall_page)) |
				HVP_MSR_PAGE_ENABLE);
	cpus_read_unlock();
	if (ret) {
		pr_err("hvhost refused the guest OS ID or hypercall page (%d)\n",
		       ret);
		wrmsr_all(HVP_MSR_GUEST_OS_ID, 0);
		__free_page(hcall_page);
		hcall_page = NULL;
	}
	return ret;
}

static void disable_hypercalls(void)
{
	cpus_read_lock();
	wrmsr_all(HVP_MSR_HYPERCALL, 0);
	wrmsr_all(HVP_MSR_GUEST_OS_ID, 0);
	cpus_read_unlock();
	__free_page(hcall_page);
	hcall_page = NULL;
}

static int emu_init(struct hvg_platform_info *info, char *desc, size_t len)
{
	int ret;

	ret = hvg_emu_pci_register();
	if (ret)
		return ret;
	ret = enable_hypercalls();
	if (ret) {
		hvg_emu_pci_unregister();
		return ret;
	}
	*info = hvg_emu.info;
	snprintf(desc, len, "hvhost abi %u, %u VPs", hvg_emu.abi_version,
		 hvg_emu.nr_slots);
	return 0;
}

static void emu_exit(void)
{
	disable_hypercalls();
	hvg_emu_pci_unregister();
}

const struct hvg_backend hvg_backend_emu = {
	.name = "emu",
	.kind = HVG_BACKEND_EMU,
	.init = emu_init,
	.exit = emu_exit,
	.read_msr = emu_rdmsr,
	.write_msr = emu_wrmsr,
	.hypercall = emu_hypercall,
	.signal_event = emu_signal_event,
	.eom = emu_eom,
	.set_irq = emu_set_irq,
	.clear_irq = emu_clear_irq,
	.read_vp_index = emu_read_vp_index,
	.read_ref_counter = emu_read_ref_counter,
};
