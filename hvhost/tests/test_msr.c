// SPDX-License-Identifier: GPL-2.0
/* Synthetic MSR validation and read-back. */
#include "fixture.h"
#include "tests/tap.h"	/* vmbus/tests/tap.h, shared with the ring tests */

#define GP	HVEMU_STATUS_GP

static uint64_t rd(struct fixture *fx, unsigned int vp, uint32_t msr)
{
	uint64_t v = 0xdeadull;

	if (hv_rdmsr(&fx->hv, vp, msr, &v))
		return 0xbadull;
	return v;
}

static bool msr_defaults(void)
{
	struct fixture fx;
	uint64_t v;

	CHECK(fx_init(&fx, 2));
	CHECK_EQ(rd(&fx, 1, HVP_MSR_VP_INDEX), 1);
	CHECK_EQ(rd(&fx, 0, HVP_MSR_SVERSION), 1);
	CHECK_EQ(rd(&fx, 0, HVP_MSR_SINT0 + 7), HVP_SINT_MASKED);
	CHECK_EQ(rd(&fx, 0, HVP_MSR_SCONTROL), 0);
	CHECK_EQ(hv_rdmsr(&fx.hv, 0, HVP_MSR_EOM, &v), GP);
	CHECK_EQ(hv_rdmsr(&fx.hv, 0, 0x40000085, &v), GP);
	CHECK_EQ(hv_rdmsr(&fx.hv, 0, 0x1b, &v), GP);
	CHECK_EQ(hv_rdmsr(&fx.hv, 0, (1ull << 32) | HVP_MSR_SIMP, &v), GP);
	CHECK_EQ(hv_rdmsr(&fx.hv, 2, HVP_MSR_VP_INDEX, &v), GP);
	CHECK_EQ(hv_wrmsr(&fx.hv, 0, HVP_MSR_VP_INDEX, 0), GP);
	CHECK_EQ(hv_wrmsr(&fx.hv, 0, HVP_MSR_SVERSION, 1), GP);
	CHECK_EQ(hv_wrmsr(&fx.hv, 0, 0x400000a0, 0), GP);
	CHECK_EQ(hv_wrmsr(&fx.hv, 0, HVP_MSR_EOM, 0), HVEMU_STATUS_OK);
	fx_uninit(&fx);
	return true;
}

static bool msr_hypercall(void)
{
	struct fixture fx;
	struct hv *hv = &fx.hv;

	CHECK(fx_init(&fx, 2));
	/* TLFS: no hypercall page before the guest identified itself. */
	CHECK_EQ(hv_wrmsr(hv, 0, HVP_MSR_HYPERCALL, 0x5001), GP);
	CHECK_EQ(fx_hcall(&fx, 0, HVP_CALL_SIGNAL_EVENT, 0),
		 0x10000 + HVEMU_STATUS_UD);
	CHECK_EQ(hv_wrmsr(hv, 0, HVP_MSR_GUEST_OS_ID, 0x8100000000010000ull), 0);
	CHECK_EQ(hv_wrmsr(hv, 0, HVP_MSR_HYPERCALL, 0x5001 | 0x10), GP);
	CHECK_EQ(hv_wrmsr(hv, 0, HVP_MSR_HYPERCALL, 0x5001), 0);
	CHECK_EQ(rd(&fx, 0, HVP_MSR_HYPERCALL), 0x5001);
	CHECK_EQ(rd(&fx, 0, HVP_MSR_GUEST_OS_ID), 0x8100000000010000ull);
	CHECK(fx_hcall(&fx, 0, 0x99, 0) == HVP_STATUS_INVALID_HYPERCALL_CODE);
	/* Partition-wide: written on VP 0, seen and used on VP 1. */
	CHECK_EQ(rd(&fx, 1, HVP_MSR_HYPERCALL), 0x5001);
	CHECK_EQ(rd(&fx, 1, HVP_MSR_GUEST_OS_ID), 0x8100000000010000ull);
	CHECK(fx_hcall(&fx, 1, 0x99, 0) == HVP_STATUS_INVALID_HYPERCALL_CODE);
	/* Clearing the guest OS id disables hypercalls again. */
	CHECK_EQ(hv_wrmsr(hv, 0, HVP_MSR_GUEST_OS_ID, 0), 0);
	CHECK_EQ(rd(&fx, 0, HVP_MSR_HYPERCALL), 0x5000);
	CHECK_EQ(fx_hcall(&fx, 0, 0x99, 0), 0x10000 + HVEMU_STATUS_UD);
	CHECK_EQ(fx_hcall(&fx, 1, 0x99, 0), 0x10000 + HVEMU_STATUS_UD);
	fx_uninit(&fx);
	return true;
}

static bool msr_synic(void)
{
	struct fixture fx;
	struct hv *hv = &fx.hv;
	unsigned int i;

	CHECK(fx_init(&fx, 2));
	CHECK_EQ(hv_wrmsr(hv, 0, HVP_MSR_SCONTROL, 2), GP);
	CHECK_EQ(hv_wrmsr(hv, 0, HVP_MSR_SCONTROL, 1), 0);
	CHECK_EQ(hv_wrmsr(hv, 0, HVP_MSR_SIMP, 0x10000 | 2), GP);
	CHECK_EQ(hv_wrmsr(hv, 0, HVP_MSR_SIEFP, 0x11000 | 0x800), GP);
	/* An enabled page must lie in guest RAM; a disabled one may not. */
	CHECK_EQ(hv_wrmsr(hv, 0, HVP_MSR_SIMP, FX_RAM_SIZE | 1), GP);
	CHECK_EQ(hv_wrmsr(hv, 0, HVP_MSR_SIEFP, (FX_RAM_SIZE - 4096) | 1), 0);
	CHECK_EQ(hv_wrmsr(hv, 0, HVP_MSR_SIMP, ~0xfffull | 1), GP);
	CHECK_EQ(hv_wrmsr(hv, 0, HVP_MSR_SIMP, FX_RAM_SIZE), 0);
	CHECK_EQ(rd(&fx, 0, HVP_MSR_SIMP), FX_RAM_SIZE);
	CHECK_EQ(hv_wrmsr(hv, 0, HVP_MSR_SIMP, 0x10001), 0);
	CHECK_EQ(rd(&fx, 0, HVP_MSR_SIMP), 0x10001);
	CHECK_EQ(rd(&fx, 0, HVP_MSR_SIEFP), (FX_RAM_SIZE - 4096) | 1);
	/* SINTs: reserved bits and vectors below 16 (unless masked). */
	CHECK_EQ(hv_wrmsr(hv, 0, HVP_MSR_SINT0 + 2, 0x30 | (1ull << 19)), GP);
	CHECK_EQ(hv_wrmsr(hv, 0, HVP_MSR_SINT0 + 2, 0x30 | (1ull << 40)), GP);
	CHECK_EQ(hv_wrmsr(hv, 0, HVP_MSR_SINT0 + 2, 15), GP);
	CHECK_EQ(hv_wrmsr(hv, 0, HVP_MSR_SINT0 + 2, 0), GP);
	CHECK_EQ(hv_wrmsr(hv, 0, HVP_MSR_SINT0 + 2, HVP_SINT_MASKED | 3), 0);
	CHECK_EQ(rd(&fx, 0, HVP_MSR_SINT0 + 2), HVP_SINT_MASKED | 3);
	for (i = 0; i < HVP_SINT_COUNT; i++) {
		uint64_t v = 0x20 + i + (i & 1 ? HVP_SINT_AUTO_EOI : 0);

		CHECK_EQ(hv_wrmsr(hv, 1, HVP_MSR_SINT0 + i, v), 0);
		CHECK_EQ(rd(&fx, 1, HVP_MSR_SINT0 + i), v);
	}
	CHECK_EQ(rd(&fx, 0, HVP_MSR_SINT0 + 5), HVP_SINT_MASKED);
	CHECK_EQ(fx.hv.stats.msr_faults, 9);
	fx_uninit(&fx);
	return true;
}

TAP_SUITE(msr_tests,
	{ "msr: read-only, write-only and unknown MSRs fault", msr_defaults },
	{ "msr: partition-wide HYPERCALL needs GUEST_OS_ID; disabled hypercalls #UD", msr_hypercall },
	{ "msr: SCONTROL/SIMP/SIEFP/SINT validation and read-back", msr_synic });
