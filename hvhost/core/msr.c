// SPDX-License-Identifier: GPL-2.0
/*
 * rdmsr/wrmsr of the synthetic MSRs. Validation lives here (a bad value
 * is a #GP, as on Hyper-V); the SynIC reacts to accepted values in synic.c.
 * GUEST_OS_ID and HYPERCALL are partition-wide, as the TLFS has them: a
 * write on any VP is seen by all. The SynIC MSRs are per VP.
 */
#include <time.h>

#include <hvproto/tlfs.h>

#include "hv.h"

/* Bits 11:1 of SIMP/SIEFP, 11:2 of HYPERCALL, 63:1 of SCONTROL are reserved. */
#define PAGE_MSR_RSVD		(0xffeull)
#define HYPERCALL_RSVD		(0xffcull)
#define SCONTROL_RSVD		(~HVP_SCONTROL_ENABLE)

uint64_t hv_monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The same clock the timesync VSP stamps vm_reference_time with. */
uint64_t hv_time_ref_count(const struct hv *hv)
{
	return (hv_monotonic_ns() - hv->ref_start_ns) / 100;
}

static bool is_sint(uint64_t msr)
{
	return msr >= HVP_MSR_SINT0 && msr <= HVP_MSR_SINT15;
}

int hv_rdmsr(struct hv *hv, unsigned int vp, uint64_t msr, uint64_t *val)
{
	struct synic_vp *v = synic_vp(&hv->synic, vp);

	hv->stats.msr_reads++;
	if (!v)
		goto gp;
	switch (msr) {
	case HVP_MSR_GUEST_OS_ID:
		*val = hv->guest_os_id;
		return HVEMU_STATUS_OK;
	case HVP_MSR_HYPERCALL:
		*val = hv->hypercall;
		return HVEMU_STATUS_OK;
	case HVP_MSR_VP_INDEX:
		*val = vp;
		return HVEMU_STATUS_OK;
	case HVP_MSR_SCONTROL:
		*val = v->scontrol;
		return HVEMU_STATUS_OK;
	case HVP_MSR_SVERSION:
		*val = HVP_SYNIC_VERSION;
		return HVEMU_STATUS_OK;
	case HVP_MSR_SIEFP:
		*val = v->siefp;
		return HVEMU_STATUS_OK;
	case HVP_MSR_SIMP:
		*val = v->simp;
		return HVEMU_STATUS_OK;
	case HVP_MSR_TIME_REF_COUNT:
		*val = hv_time_ref_count(hv);
		return HVEMU_STATUS_OK;
	}
	if (is_sint(msr)) {
		*val = v->sint[msr - HVP_MSR_SINT0].msr;
		return HVEMU_STATUS_OK;
	}
gp:
	/* Unknown MSRs, and EOM, which is write-only. */
	hv->stats.msr_faults++;
	return HVEMU_STATUS_GP;
}

/* An enabled SIMP/SIEFP must name a page hvhost can reach. */
static bool page_msr_ok(struct hv *hv, uint64_t val)
{
	if (val & PAGE_MSR_RSVD)
		return false;
	if (!(val & HVP_MSR_PAGE_ENABLE))
		return true;
	return gm_range_ok(hv->mem, val & HVP_MSR_PAGE_GPA_MASK, 4096);
}

static bool sint_ok(uint64_t val)
{
	if (val & ~HVP_SINT_VALID_BITS)
		return false;
	return (val & HVP_SINT_MASKED) ||
	       (val & HVP_SINT_VECTOR_MASK) >= HVP_SINT_MIN_VECTOR;
}

static bool write_hypercall(struct hv *hv, uint64_t val)
{
	if (val & HYPERCALL_RSVD)
		return false;
	/* TLFS: the guest must identify itself before enabling hypercalls. */
	if ((val & HVP_MSR_PAGE_ENABLE) && !hv->guest_os_id)
		return false;
	hv->hypercall = val;
	return true;
}

static bool write_guest_os_id(struct hv *hv, uint64_t val)
{
	hv->guest_os_id = val;
	/* Clearing the guest OS id disables the hypercall page. */
	if (!val)
		hv->hypercall &= ~HVP_MSR_PAGE_ENABLE;
	return true;
}

static bool write_msr(struct hv *hv, unsigned int vp, uint64_t msr,
		      uint64_t val)
{
	switch (msr) {
	case HVP_MSR_GUEST_OS_ID:
		return write_guest_os_id(hv, val);
	case HVP_MSR_HYPERCALL:
		return write_hypercall(hv, val);
	case HVP_MSR_SCONTROL:
		if (val & SCONTROL_RSVD)
			return false;
		synic_set_scontrol(&hv->synic, vp, val);
		return true;
	case HVP_MSR_SIEFP:
		if (!page_msr_ok(hv, val))
			return false;
		synic_set_siefp(&hv->synic, vp, val);
		return true;
	case HVP_MSR_SIMP:
		if (!page_msr_ok(hv, val))
			return false;
		synic_set_simp(&hv->synic, vp, val);
		return true;
	case HVP_MSR_EOM:
		synic_eom(&hv->synic, vp);
		return true;
	}
	if (is_sint(msr) && sint_ok(val)) {
		synic_set_sint(&hv->synic, vp, msr - HVP_MSR_SINT0, val);
		return true;
	}
	/*
	 * Unknown MSRs, bad SINT values, and the read-only VP_INDEX, SVERSION
	 * and TIME_REF_COUNT.
	 */
	return false;
}

int hv_wrmsr(struct hv *hv, unsigned int vp, uint64_t msr, uint64_t val)
{
	struct synic_vp *v = synic_vp(&hv->synic, vp);

	hv->stats.msr_writes++;
	if (v && write_msr(hv, vp, msr, val))
		return HVEMU_STATUS_OK;
	hv->stats.msr_faults++;
	hv_trace("wrmsr vp=%u msr=%#llx val=%#llx: #GP", vp,
		 (unsigned long long)msr, (unsigned long long)val);
	return HVEMU_STATUS_GP;
}
