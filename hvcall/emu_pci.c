// SPDX-License-Identifier: GPL-2.0
/*
 * The emu backend's device: hvhost's ivshmem-doorbell PCI function. Binds
 * only a device whose BAR2 starts with HVEMU_MAGIC and speaks our ABI
 * version, maps its BARs and binds MSI-X vector i to CPU i (the CPU of
 * VP i).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <hvproto/emu_abi.h>
#include "emu.h"

#define HDR(field)	offsetof(struct hvemu_ctl_header, field)

struct hvg_emu hvg_emu;

static void forward_irq(void *data)
{
	hvg_emu_irq();
}

static void flush_noop(void *data)
{
}

static irqreturn_t vec_isr(int irq, void *data)
{
	struct hvg_emu_vec *vec = data;

	if (likely(vec->cpu == smp_processor_id())) {
		hvg_emu_irq();
		return IRQ_HANDLED;
	}
	/* The SynIC pages to look at are vec->cpu's: run there. */
	if (smp_call_function_single_async(vec->cpu, &vec->csd) == -ENXIO)
		pr_warn_ratelimited("VP %u interrupt for an offline CPU\n",
				    vec->cpu);
	return IRQ_HANDLED;
}

static void read_info(void __iomem *ctl, struct hvg_platform_info *info)
{
	info->features = readl(ctl + HDR(cpuid_features[0]));
	info->priv_high = readl(ctl + HDR(cpuid_features[1]));
	info->misc_features = readl(ctl + HDR(cpuid_features[3]));
	info->hints = readl(ctl + HDR(cpuid_hints));
}

/* Return: 0, -ENODEV (not hvhost's), or an error already logged. */
static int check_header(struct pci_dev *pdev, void __iomem *ctl)
{
	struct hvg_emu *emu = &hvg_emu;
	u64 need;

	if (readq(ctl + HDR(magic)) != HVEMU_MAGIC)
		return -ENODEV;
	emu->abi_version = readl(ctl + HDR(abi_version));
	if (emu->abi_version != HVEMU_ABI_VERSION) {
		/* One line per load, however often the core probes. */
		if (emu->probe_err != -EPROTONOSUPPORT)
			pr_err("hvhost doorbell ABI version %u is not supported (this module speaks ABI version %u)\n",
			       emu->abi_version, HVEMU_ABI_VERSION);
		return -EPROTONOSUPPORT;
	}
	emu->header_size = readl(ctl + HDR(header_size));
	emu->nr_slots = readl(ctl + HDR(nr_slots));
	emu->slot_size = readl(ctl + HDR(slot_size));
	need = emu->header_size + (u64)emu->nr_slots * emu->slot_size;
	if (emu->header_size < sizeof(struct hvemu_ctl_header) ||
	    emu->slot_size < HVEMU_SLOT_SIZE || emu->nr_slots > HVEMU_MAX_VPS ||
	    need > pci_resource_len(pdev, 2)) {
		pr_err("hvhost control region is malformed (header %u, %u slots of %u)\n",
		       emu->header_size, emu->nr_slots, emu->slot_size);
		return -EPROTO;
	}
	if (emu->nr_slots < nr_cpu_ids) {
		pr_err("hvhost offers %u VPs but this guest has %u CPUs\n",
		       emu->nr_slots, nr_cpu_ids);
		return -ERANGE;
	}
	read_info(ctl, &emu->info);
	return 0;
}

static void free_vectors(struct pci_dev *pdev)
{
	struct hvg_emu *emu = &hvg_emu;
	unsigned int i;

	for (i = 0; i < emu->nr_vecs; i++)
		free_irq(emu->vecs[i].irq, &emu->vecs[i]);
	/*
	 * A forwarded interrupt may still be queued on its CPU. Two waited
	 * calls there: the first is handled in the same or a later batch
	 * than the queued one, the second only after that batch finished.
	 */
	for (i = 0; i < emu->nr_vecs; i++) {
		smp_call_function_single(i, flush_noop, NULL, 1);
		smp_call_function_single(i, flush_noop, NULL, 1);
	}
	pci_free_irq_vectors(pdev);
	kfree(emu->vecs);
	emu->vecs = NULL;
	emu->nr_vecs = 0;
}

static int bind_vector(struct pci_dev *pdev, unsigned int i)
{
	struct hvg_emu_vec *vec = &hvg_emu.vecs[i];
	int ret;

	vec->cpu = i;
	vec->irq = pci_irq_vector(pdev, i);
	INIT_CSD(&vec->csd, forward_irq, vec);
	snprintf(vec->name, sizeof(vec->name), "hvg_hvcall-vp%u", i);
	ret = request_irq(vec->irq, vec_isr, IRQF_NOBALANCING, vec->name, vec);
	if (ret)
		return ret;
	if (cpu_online(i) && irq_set_affinity(vec->irq, cpumask_of(i)))
		pr_warn("VP %u: cannot bind its interrupt to CPU %u\n", i, i);
	return 0;
}

static int setup_vectors(struct pci_dev *pdev)
{
	struct hvg_emu *emu = &hvg_emu;
	unsigned int n = nr_cpu_ids;
	int ret;

	emu->vecs = kcalloc(n, sizeof(*emu->vecs), GFP_KERNEL);
	if (!emu->vecs)
		return -ENOMEM;
	ret = pci_alloc_irq_vectors(pdev, n, n, PCI_IRQ_MSIX);
	if (ret < 0) {
		pr_err("need %u MSI-X vectors from hvhost's device (%d)\n",
		       n, ret);
		kfree(emu->vecs);
		emu->vecs = NULL;
		return ret;
	}
	for (; emu->nr_vecs < n; emu->nr_vecs++) {
		ret = bind_vector(pdev, emu->nr_vecs);
		if (ret) {
			free_vectors(pdev);
			return ret;
		}
	}
	return 0;
}

static int init_seqs(void)
{
	struct hvg_emu *emu = &hvg_emu;
	unsigned int i;

	emu->seq = kcalloc(emu->nr_slots, sizeof(*emu->seq), GFP_KERNEL);
	if (!emu->seq)
		return -ENOMEM;
	for (i = 0; i < emu->nr_slots; i++)
		emu->seq[i] = readl(emu->ctl + emu->header_size +
				    i * emu->slot_size +
				    offsetof(struct hvemu_slot, req_seq));
	return 0;
}

static int map_device(struct pci_dev *pdev)
{
	int ret;

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	ret = pcim_iomap_regions(pdev, BIT(0) | BIT(2), KBUILD_MODNAME);
	if (ret)
		return ret;
	hvg_emu.regs = pcim_iomap_table(pdev)[0];
	hvg_emu.ctl = pcim_iomap_table(pdev)[2];
	return 0;
}

static int emu_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct hvg_emu *emu = &hvg_emu;
	int ret;

	if (emu->pdev)
		return -EBUSY;
	ret = map_device(pdev);
	if (!ret)
		ret = check_header(pdev, emu->ctl);
	if (!ret)
		ret = init_seqs();
	if (!ret)
		ret = setup_vectors(pdev);
	if (ret) {
		kfree(emu->seq);
		emu->seq = NULL;
		if (ret != -ENODEV)
			emu->probe_err = ret;
		/* Already logged: keep the driver core from adding a line. */
		return -ENODEV;
	}
	pci_set_master(pdev);
	emu->pdev = pdev;
	return 0;
}

static void emu_remove(struct pci_dev *pdev)
{
	struct hvg_emu *emu = &hvg_emu;

	if (pdev != emu->pdev)
		return;
	free_vectors(pdev);
	kfree(emu->seq);
	emu->seq = NULL;
	emu->pdev = NULL;
}

static const struct pci_device_id emu_ids[] = {
	{ PCI_DEVICE(HVEMU_PCI_VENDOR, HVEMU_PCI_DEVICE) },
	{ }
};

static struct pci_driver emu_driver = {
	.name = KBUILD_MODNAME,
	.id_table = emu_ids,
	.probe = emu_probe,
	.remove = emu_remove,
	.driver.suppress_bind_attrs = true,
};

/**
 * hvg_emu_pci_register() - bind hvhost's ivshmem device
 *
 * Return: 0 with hvg_emu filled in; -ENODEV (not logged) if there is no
 * hvhost device; or the error a refused device was logged with.
 */
int hvg_emu_pci_register(void)
{
	int ret;

	hvg_emu.probe_err = 0;
	ret = pci_register_driver(&emu_driver);
	if (ret)
		return ret;
	if (hvg_emu.pdev)
		return 0;
	pci_unregister_driver(&emu_driver);
	return hvg_emu.probe_err ?: -ENODEV;
}

/**
 * hvg_emu_pci_unregister() - release the device
 */
void hvg_emu_pci_unregister(void)
{
	pci_unregister_driver(&emu_driver);
}
