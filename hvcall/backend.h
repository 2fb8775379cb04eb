/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The backend ops table: how one TLFS operation (rdmsr, wrmsr, hypercall)
 * is carried, and where the SynIC interrupt comes from. One backend is
 * chosen at load by platform.c; everything else calls through hvg_ops.
 */
#ifndef HVG_HVCALL_BACKEND_H
#define HVG_HVCALL_BACKEND_H

#include <linux/version.h>
#include <hvg/hvcall.h>

/* The guest OS ID this suite reports: Linux, the running kernel's version */
#define HVG_GUEST_OS_ID	HVP_GUEST_OS_ID_LINUX(KERNEL_VERSION(LINUX_VERSION_MAJOR, \
				LINUX_VERSION_PATCHLEVEL, LINUX_VERSION_SUBLEVEL))

/**
 * struct hvg_backend - a transport for TLFS operations
 * @name: "hyperv" or "emu"
 * @kind: the matching enum value
 * @init: find the hypervisor, enable hypercalls, fill @info and a short
 *	description for the load line; -ENODEV (not logged) when absent
 * @exit: undo @init
 * @read_msr: read a synthetic MSR of the calling CPU (any context)
 * @write_msr: write a synthetic MSR of the calling CPU (any context)
 * @hypercall: issue a hypercall on the calling CPU; 0 and the RAX value in
 *	@result, or a negative errno when it could not be made
 * @signal_event: HvSignalEvent with fast input @input; 0 or a positive
 *	TLFS status, or a negative errno (a posting backend returns 0)
 * @eom: write EOM on the calling CPU (may be posted)
 * @set_irq: route the SynIC interrupt of every CPU to @handler
 * @clear_irq: stop calling the handler and wait for running calls
 * @read_vp_index: the calling CPU's VP index
 * @read_ref_counter: the partition reference counter (100 ns units since
 *	the partition started; any context)
 */
struct hvg_backend {
	const char *name;
	enum hvg_backend_kind kind;
	int (*init)(struct hvg_platform_info *info, char *desc, size_t len);
	void (*exit)(void);
	int (*read_msr)(u32 msr, u64 *val);
	int (*write_msr)(u32 msr, u64 val);
	int (*hypercall)(u64 control, u64 input, u64 output, u64 *result);
	int (*signal_event)(u64 input);
	void (*eom)(void);
	int (*set_irq)(void (*handler)(void));
	void (*clear_irq)(void);
	int (*read_vp_index)(u32 *vp);
	int (*read_ref_counter)(u64 *val);
};

extern const struct hvg_backend hvg_backend_hyperv;
extern const struct hvg_backend hvg_backend_emu;

/* The chosen backend; set once by hvg_platform_init(), before any use. */
extern const struct hvg_backend *hvg_ops;

int hvg_platform_init(void);
void hvg_platform_exit(void);
void hvg_platform_set_vp(unsigned int cpu, u32 vp);

int hvg_hypercall_init(void);
void hvg_hypercall_exit(void);

int hvg_synic_init(void);
void hvg_synic_exit(void);

#endif /* HVG_HVCALL_BACKEND_H */
