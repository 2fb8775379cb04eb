/* SPDX-License-Identifier: GPL-2.0 */
/*
 * State shared by the emu backend's PCI side (emu_pci.c: the ivshmem
 * device, its BARs and MSI-X vectors) and its request side
 * (backend_emu.c: the doorbell ABI of <hvproto/emu_abi.h>).
 */
#ifndef HVG_HVCALL_EMU_H
#define HVG_HVCALL_EMU_H

#include <linux/pci.h>
#include <linux/smp.h>
#include <hvg/hvcall.h>

/**
 * struct hvg_emu_vec - one MSI-X vector, bound to the CPU of its VP
 * @cpu: the CPU whose VP index equals the vector number
 * @irq: Linux IRQ number
 * @csd: forwards an interrupt that arrived on another CPU to @cpu
 * @name: IRQ name shown in /proc/interrupts
 */
struct hvg_emu_vec {
	unsigned int cpu;
	int irq;
	call_single_data_t csd;
	char name[24];
};

/**
 * struct hvg_emu - the bound hvhost device
 * @pdev: the ivshmem device; NULL when none is bound
 * @regs: BAR0 (ivshmem registers: doorbell)
 * @ctl: BAR2 (control region: header and slots)
 * @abi_version: the header's ABI version
 * @nr_slots: slots (VPs) hvhost offers
 * @header_size: offset of slot 0
 * @slot_size: distance between slots
 * @seq: last req_seq written to each slot; slot i is used only by CPU i
 *	with interrupts disabled, which serialises it
 * @vecs: one per CPU id, @nr_vecs of them
 * @nr_vecs: MSI-X vectors allocated
 * @probe_err: why the last probe refused a device (already logged)
 * @info: the header's CPUID values
 */
struct hvg_emu {
	struct pci_dev *pdev;
	void __iomem *regs;
	void __iomem *ctl;
	u32 abi_version;
	u32 nr_slots;
	u32 header_size;
	u32 slot_size;
	u32 *seq;
	struct hvg_emu_vec *vecs;
	unsigned int nr_vecs;
	int probe_err;
	struct hvg_platform_info info;
};

extern struct hvg_emu hvg_emu;

int hvg_emu_pci_register(void);
void hvg_emu_pci_unregister(void);
void hvg_emu_irq(void);

#endif /* HVG_HVCALL_EMU_H */
