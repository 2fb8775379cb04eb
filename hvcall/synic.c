// SPDX-License-Identifier: GPL-2.0
/*
 * The per-CPU SynIC: message and event-flag pages, SIMP/SIEFP/SCONTROL on
 * every online CPU through cpuhp, SINTs enabled by clients, EOM, and the
 * one ISR callback the SynIC interrupt is dispatched to.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/gfp.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <asm/io.h>
#include <asm/irq_vectors.h>
#include "backend.h"

struct synic_pages {
	struct hvp_message_page *msg;
	struct hvp_event_flags_page *evt;
};

struct synic_isr {
	hvg_synic_isr_t fn;
	void *ctx;
};

/* Allocated at load for every possible CPU, freed at unload. */
static DEFINE_PER_CPU(struct synic_pages, pages);
static enum cpuhp_state synic_hp_state;

/*
 * sint_lock protects sint_enabled and orders SINT MSR programming between
 * clients (hvg_sint_enable/disable) and CPUs coming online. Taken inside
 * cpus_read_lock() or the hotplug lock.
 */
static DEFINE_MUTEX(sint_lock);
static u16 sint_enabled;

/* isr_lock serialises writers of isr_slot; the ISR reads it under RCU. */
static DEFINE_MUTEX(isr_lock);
static struct synic_isr __rcu *isr_slot;

static u64 sint_value(bool enable)
{
	u64 val = HYPERVISOR_CALLBACK_VECTOR;

	if (!enable)
		return val | HVP_SINT_MASKED;
	if (!(hvg_platform()->hints & HVP_HINT_DEPRECATING_AEOI))
		val |= HVP_SINT_AUTO_EOI;
	return val;
}

static int write_page_msr(u32 msr, void *page)
{
	u64 val;
	int ret;

	ret = hvg_ops->read_msr(msr, &val);
	if (ret)
		return ret;
	val &= ~(HVP_MSR_PAGE_GPA_MASK | HVP_MSR_PAGE_ENABLE);
	if (page)
		val |= virt_to_phys(page) | HVP_MSR_PAGE_ENABLE;
	return hvg_ops->write_msr(msr, val);
}

static int write_sints(u16 mask)
{
	unsigned int i;
	int ret;

	for (i = 0; i < HVP_SINT_COUNT; i++) {
		ret = hvg_ops->write_msr(HVP_MSR_SINT0 + i,
				     sint_value(mask & BIT(i)));
		if (ret)
			return ret;
	}
	return 0;
}

static int synic_disable_regs(void)
{
	int ret, err = 0;

	ret = write_sints(0);
	err = err ?: ret;
	ret = hvg_ops->write_msr(HVP_MSR_SCONTROL, 0);
	err = err ?: ret;
	ret = write_page_msr(HVP_MSR_SIEFP, NULL);
	err = err ?: ret;
	ret = write_page_msr(HVP_MSR_SIMP, NULL);
	return err ?: ret;
}

static int synic_cpu_online(unsigned int cpu)
{
	struct synic_pages *p = this_cpu_ptr(&pages);
	u32 vp;
	int ret;

	ret = hvg_ops->read_vp_index(&vp);
	if (ret)
		goto err;
	hvg_platform_set_vp(cpu, vp);
	ret = write_page_msr(HVP_MSR_SIMP, p->msg);
	if (!ret)
		ret = write_page_msr(HVP_MSR_SIEFP, p->evt);
	mutex_lock(&sint_lock);
	if (!ret)
		ret = write_sints(sint_enabled);
	mutex_unlock(&sint_lock);
	if (!ret)
		ret = hvg_ops->write_msr(HVP_MSR_SCONTROL, HVP_SCONTROL_ENABLE);
	if (!ret)
		return 0;
	synic_disable_regs();
err:
	pr_err("CPU %u: cannot enable the SynIC (%d)\n", cpu, ret);
	return ret;
}

static int synic_cpu_offline(unsigned int cpu)
{
	int ret = synic_disable_regs();

	if (ret)
		pr_warn_ratelimited("CPU %u: SynIC disable failed (%d)\n",
				    cpu, ret);
	return 0;
}

static void free_pages_all(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct synic_pages *p = per_cpu_ptr(&pages, cpu);

		free_page((unsigned long)p->msg);
		free_page((unsigned long)p->evt);
		p->msg = NULL;
		p->evt = NULL;
	}
}

static int alloc_pages_all(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct synic_pages *p = per_cpu_ptr(&pages, cpu);

		p->msg = (void *)get_zeroed_page(GFP_KERNEL);
		p->evt = (void *)get_zeroed_page(GFP_KERNEL);
		if (!p->msg || !p->evt) {
			free_pages_all();
			return -ENOMEM;
		}
	}
	return 0;
}

/* The SynIC interrupt of the calling CPU, in hard interrupt context. */
static void synic_irq(void)
{
	struct synic_isr *isr;

	rcu_read_lock();
	isr = rcu_dereference(isr_slot);
	if (isr)
		isr->fn(isr->ctx);
	rcu_read_unlock();
}

static int synic_owned_elsewhere(void)
{
	u64 simp;
	int ret;

	preempt_disable();
	ret = hvg_ops->read_msr(HVP_MSR_SIMP, &simp);
	preempt_enable();
	if (ret)
		return ret;
	if (simp & HVP_MSR_PAGE_ENABLE) {
		pr_err("the SynIC is already in use (is hv_vmbus loaded?)\n");
		return -EBUSY;
	}
	return 0;
}

/**
 * hvg_synic_init() - enable the SynIC on every CPU, now and when it onlines
 *
 * Return: 0 or a negative errno.
 */
int hvg_synic_init(void)
{
	int ret;

	ret = synic_owned_elsewhere();
	if (ret)
		return ret;
	ret = alloc_pages_all();
	if (ret)
		return ret;
	ret = hvg_ops->set_irq(synic_irq);
	if (ret)
		goto err_pages;
	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "hvg/hvcall:synic",
				synic_cpu_online, synic_cpu_offline);
	if (ret < 0)
		goto err_irq;
	synic_hp_state = ret;
	return 0;

err_irq:
	hvg_ops->clear_irq();
err_pages:
	free_pages_all();
	return ret;
}

/**
 * hvg_synic_exit() - mask every SINT, disable the SynIC, free the pages
 */
void hvg_synic_exit(void)
{
	cpuhp_remove_state(synic_hp_state);
	hvg_ops->clear_irq();
	free_pages_all();
}

struct sint_call {
	u8 sint;
	bool enable;
	atomic_t err;
};

static void sint_write_local(void *data)
{
	struct sint_call *call = data;
	int ret;

	ret = hvg_ops->write_msr(HVP_MSR_SINT0 + call->sint,
			     sint_value(call->enable));
	if (ret)
		atomic_set(&call->err, ret);
}

static int sint_set(u8 sint, bool enable)
{
	struct sint_call call = { .sint = sint, .enable = enable };

	cpus_read_lock();
	mutex_lock(&sint_lock);
	if (enable)
		sint_enabled |= BIT(sint);
	else
		sint_enabled &= ~BIT(sint);
	atomic_set(&call.err, 0);
	on_each_cpu(sint_write_local, &call, 1);
	mutex_unlock(&sint_lock);
	cpus_read_unlock();
	return atomic_read(&call.err);
}

/**
 * hvg_sint_enable() - unmask a SINT on every CPU, now and when it onlines
 * @sint: 0..15
 *
 * Process context. The SINT raises the SynIC interrupt (the ISR set with
 * hvg_synic_set_isr()) for new messages and event flags.
 *
 * Return: 0, -EINVAL for a bad @sint, or the error of a CPU's MSR write.
 */
int hvg_sint_enable(u8 sint)
{
	if (sint >= HVP_SINT_COUNT)
		return -EINVAL;
	return sint_set(sint, true);
}
EXPORT_SYMBOL_GPL(hvg_sint_enable);

/**
 * hvg_sint_disable() - mask a SINT on every CPU
 * @sint: 0..15
 *
 * Process context. Interrupts already raised may still run the ISR.
 */
void hvg_sint_disable(u8 sint)
{
	int ret;

	if (sint >= HVP_SINT_COUNT)
		return;
	ret = sint_set(sint, false);
	if (ret)
		pr_warn("SINT%u: mask failed (%d)\n", sint, ret);
}
EXPORT_SYMBOL_GPL(hvg_sint_disable);

/**
 * hvg_synic_set_isr() - set the SynIC interrupt callback of every CPU
 * @isr: called in hard interrupt context on the interrupted CPU
 * @ctx: passed to @isr
 *
 * Process context. There is one slot.
 *
 * Return: 0, -EBUSY if a callback is already set, or -ENOMEM.
 */
int hvg_synic_set_isr(hvg_synic_isr_t isr, void *ctx)
{
	struct synic_isr *new;
	int ret = -EBUSY;

	new = kzalloc(sizeof(*new), GFP_KERNEL);
	if (!new)
		return -ENOMEM;
	new->fn = isr;
	new->ctx = ctx;
	mutex_lock(&isr_lock);
	if (!rcu_access_pointer(isr_slot)) {
		rcu_assign_pointer(isr_slot, new);
		new = NULL;
		ret = 0;
	}
	mutex_unlock(&isr_lock);
	kfree(new);
	return ret;
}
EXPORT_SYMBOL_GPL(hvg_synic_set_isr);

/**
 * hvg_synic_clear_isr() - remove the callback and wait for running calls
 *
 * Process context. On return no CPU runs or will run the old callback.
 */
void hvg_synic_clear_isr(void)
{
	struct synic_isr *old;

	mutex_lock(&isr_lock);
	old = rcu_replace_pointer(isr_slot, NULL, lockdep_is_held(&isr_lock));
	mutex_unlock(&isr_lock);
	/* Interrupt handlers are RCU readers: this waits for running ones. */
	synchronize_rcu();
	kfree(old);
}
EXPORT_SYMBOL_GPL(hvg_synic_clear_isr);

/**
 * hvg_synic_message() - a CPU's message slot for a SINT
 * @cpu: a possible CPU
 * @sint: 0..15
 *
 * Any context; valid while hvg_hvcall is loaded.
 *
 * Return: the slot, or NULL for a bad argument.
 */
struct hvp_message *hvg_synic_message(unsigned int cpu, u8 sint)
{
	if (cpu >= nr_cpu_ids || sint >= HVP_SINT_COUNT)
		return NULL;
	return &per_cpu(pages, cpu).msg->sint_message[sint];
}
EXPORT_SYMBOL_GPL(hvg_synic_message);

/**
 * hvg_synic_event_flags() - a CPU's event-flag bits for a SINT
 * @cpu: a possible CPU
 * @sint: 0..15
 *
 * Any context; valid while hvg_hvcall is loaded. Clear flags atomically
 * (e.g. sync_test_and_clear_bit()): the hypervisor sets them concurrently.
 *
 * Return: the flags, or NULL for a bad argument.
 */
struct hvp_event_flags *hvg_synic_event_flags(unsigned int cpu, u8 sint)
{
	if (cpu >= nr_cpu_ids || sint >= HVP_SINT_COUNT)
		return NULL;
	return &per_cpu(pages, cpu).evt->sint_flags[sint];
}
EXPORT_SYMBOL_GPL(hvg_synic_event_flags);

/**
 * hvg_synic_message_done() - free a message slot for the next message
 * @msg: a slot of the calling CPU, whose message the caller has consumed
 *
 * Call on the CPU owning @msg, with preemption disabled (normally from the
 * ISR). Clears the message type and, if the hypervisor queued another
 * message behind this one (MessagePending), writes EOM so it is delivered.
 */
void hvg_synic_message_done(struct hvp_message *msg)
{
	/*
	 * Full barrier: orders clearing message_type before reading
	 * MessagePending, against the hypervisor setting the flag.
	 */
	xchg((u32 __force *)&msg->header.message_type, HVP_MSG_NONE);
	if (READ_ONCE(msg->header.flags) & HVP_MSG_FLAG_PENDING)
		hvg_ops->eom();
}
EXPORT_SYMBOL_GPL(hvg_synic_message_done);

struct regs_call {
	struct hvg_synic_regs *regs;
	int err;
};

static void read_regs_local(void *data)
{
	struct regs_call *call = data;
	struct hvg_synic_regs *regs = call->regs;
	unsigned int i;
	int err;

	err = hvg_ops->read_msr(HVP_MSR_SCONTROL, &regs->scontrol);
	err = err ?: hvg_ops->read_msr(HVP_MSR_SVERSION, &regs->sversion);
	err = err ?: hvg_ops->read_msr(HVP_MSR_SIMP, &regs->simp);
	err = err ?: hvg_ops->read_msr(HVP_MSR_SIEFP, &regs->siefp);
	for (i = 0; i < HVP_SINT_COUNT && !err; i++)
		err = hvg_ops->read_msr(HVP_MSR_SINT0 + i, &regs->sint[i]);
	call->err = err;
}

/**
 * hvg_synic_read_regs() - read a CPU's SynIC registers, on that CPU
 * @cpu: an online CPU
 * @regs: filled in
 *
 * Process context.
 *
 * Return: 0, or a negative errno (offline CPU, MSR access failed).
 */
int hvg_synic_read_regs(unsigned int cpu, struct hvg_synic_regs *regs)
{
	struct regs_call call = { .regs = regs };
	int ret;

	ret = smp_call_function_single(cpu, read_regs_local, &call, 1);
	return ret ?: call.err;
}
EXPORT_SYMBOL_GPL(hvg_synic_read_regs);
