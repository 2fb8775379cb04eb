/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The emulated partition: guest memory, per-VP SynIC state, the connection
 * ids the host serves, and the counters. The TLFS entry points (MSR access
 * and hypercalls) take a VP index and return an enum hvemu_status, i.e. how
 * the guest's instruction ended; a hypercall's TLFS status is in *result.
 */
#ifndef HVHOST_HV_H
#define HVHOST_HV_H

#include <hvproto/emu_abi.h>

#include "conn.h"
#include "synic.h"

struct hv {
	unsigned int nr_vps;
	const struct guest_mem *mem;
	struct synic synic;
	struct conn_table msg_conns;
	struct conn_table event_conns;
	struct hv_stats stats;
	/* Partition-wide MSRs (TLFS): the same on every VP. */
	uint64_t guest_os_id;
	uint64_t hypercall;
	/* CLOCK_MONOTONIC at hv_init: TIME_REF_COUNT counts from here. */
	uint64_t ref_start_ns;
};

int hv_init(struct hv *hv, const struct guest_mem *mem, unsigned int nr_vps);
void hv_uninit(struct hv *hv);

/* msr.c */
int hv_rdmsr(struct hv *hv, unsigned int vp, uint64_t msr, uint64_t *val);
int hv_wrmsr(struct hv *hv, unsigned int vp, uint64_t msr, uint64_t val);
/* The partition reference counter: 100 ns units since hv_init. */
uint64_t hv_time_ref_count(const struct hv *hv);
uint64_t hv_monotonic_ns(void);

/* hypercall.c */
int hv_hypercall(struct hv *hv, unsigned int vp, uint64_t control,
		 uint64_t in, uint64_t out, uint64_t *result);

#endif /* HVHOST_HV_H */
