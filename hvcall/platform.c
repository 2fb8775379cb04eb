// SPDX-License-Identifier: GPL-2.0
/*
 * Backend choice at load and the platform facts every client asks for:
 * which backend runs, the partition's CPUID features, the VP index of each
 * CPU.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/string.h>
#include <asm/hypervisor.h>
#include <asm/processor.h>
#include "backend.h"

static char *backend = "auto";
module_param(backend, charp, 0444);
MODULE_PARM_DESC(backend, "auto (default), hyperv or emu");

const struct hvg_backend *hvg_ops;
static struct hvg_platform_info platform_info;
static DEFINE_PER_CPU(u32, vp_index) = U32_MAX;

static bool hyperv_cpuid_present(void)
{
	u32 eax, sig[3];

	if (x86_hyper_type == X86_HYPER_MS_HYPERV)
		return true;
	if (!boot_cpu_has(X86_FEATURE_HYPERVISOR))
		return false;
	cpuid(HVP_CPUID_VENDOR, &eax, &sig[0], &sig[1], &sig[2]);
	return !memcmp(sig, "Microsoft Hv", 12);
}

static const struct hvg_backend *pick_backend(void)
{
	if (!strcmp(backend, "hyperv"))
		return &hvg_backend_hyperv;
	if (!strcmp(backend, "emu"))
		return &hvg_backend_emu;
	if (strcmp(backend, "auto"))
		return NULL;
	return hyperv_cpuid_present() ? &hvg_backend_hyperv : &hvg_backend_emu;
}

/**
 * hvg_platform_init() - choose the backend and start it
 *
 * Return: 0, or a negative errno after one log line saying why.
 */
int hvg_platform_init(void)
{
	const struct hvg_backend *ops = pick_backend();
	char desc[64] = "";
	int ret;

	if (!ops) {
		pr_err("unknown backend=%s (auto, hyperv or emu)\n", backend);
		return -EINVAL;
	}
	ret = ops->init(&platform_info, desc, sizeof(desc));
	if (ret == -ENODEV && !strcmp(backend, "auto"))
		pr_err("no hypervisor found: no Hyper-V CPUID and no hvhost ivshmem device\n");
	else if (ret == -ENODEV)
		pr_err("backend %s requested but not present\n", ops->name);
	if (ret)
		return ret;
	platform_info.backend = ops->kind;
	platform_info.backend_name = ops->name;
	hvg_ops = ops;
	pr_info("backend %s (%s)\n", ops->name, desc);
	return 0;
}

/**
 * hvg_platform_exit() - stop the backend started by hvg_platform_init()
 */
void hvg_platform_exit(void)
{
	hvg_ops->exit();
	hvg_ops = NULL;
}

/**
 * hvg_platform_set_vp() - record a CPU's VP index, learnt when it came up
 * @cpu: the CPU
 * @vp: its VP index, or U32_MAX when unknown
 */
void hvg_platform_set_vp(unsigned int cpu, u32 vp)
{
	WRITE_ONCE(per_cpu(vp_index, cpu), vp);
}

/**
 * hvg_platform() - what the hypervisor offers this partition
 *
 * Valid while hvg_hvcall is loaded; any context.
 *
 * Return: the backend and the partition's CPUID features and hints.
 */
const struct hvg_platform_info *hvg_platform(void)
{
	return &platform_info;
}
EXPORT_SYMBOL_GPL(hvg_platform);

/**
 * hvg_vp_index() - the hypervisor's VP index of a Linux CPU
 * @cpu: a possible CPU
 *
 * Any context. The index is learnt when the CPU's SynIC is enabled.
 *
 * Return: the VP index, or U32_MAX if @cpu has not been online since load.
 */
u32 hvg_vp_index(unsigned int cpu)
{
	if (cpu >= nr_cpu_ids)
		return U32_MAX;
	return READ_ONCE(per_cpu(vp_index, cpu));
}
EXPORT_SYMBOL_GPL(hvg_vp_index);

/**
 * hvg_reference_counter() - read the partition reference counter
 * @val: the counter: 100 ns units since the partition started (TLFS)
 *
 * Any context; on the emu backend a bounded round trip to hvhost.
 *
 * Return: 0, -EOPNOTSUPP without the TIME_REF_COUNT privilege, or another
 * negative errno when the counter could not be read.
 */
int hvg_reference_counter(u64 *val)
{
	return hvg_ops->read_ref_counter(val);
}
EXPORT_SYMBOL_GPL(hvg_reference_counter);
