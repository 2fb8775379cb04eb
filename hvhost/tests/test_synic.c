// SPDX-License-Identifier: GPL-2.0
/* SynIC delivery: FIFO order, MessagePending/EOM, masking, event flags. */
#include <string.h>

#include <hvproto/emu_abi.h>

#include "fixture.h"
#include "tests/tap.h"	/* vmbus/tests/tap.h, shared with the ring tests */

#define ECHO(vp, sint)	HVEMU_TEST_ECHO_CONN(vp, sint)
#define EVENT(vp, sint)	HVEMU_TEST_EVENT_CONN(vp, sint)

static uint32_t slot_type(struct fixture *fx, unsigned int vp,
			  unsigned int sint)
{
	return fx_slot(fx, vp, sint)->header.message_type;
}

static bool slot_pending(struct fixture *fx, unsigned int vp,
			 unsigned int sint)
{
	return fx_slot(fx, vp, sint)->header.flags & HVP_MSG_FLAG_PENDING;
}

static bool synic_fifo_eom(void)
{
	struct hvp_message *m;
	struct fixture fx;
	uint8_t expect[HVP_MESSAGE_PAYLOAD_BYTES];

	CHECK(fx_init(&fx, 2) && fx_enable(&fx, 0) && fx_enable(&fx, 1));
	CHECK(fx_sint(&fx, 1, 2, false));
	CHECK_EQ(fx_post(&fx, 0, ECHO(1, 2), 1, 5, 0xa1), 0);
	CHECK_EQ(fx_post(&fx, 0, ECHO(1, 2), 2, 16, 0xa2), 0);
	CHECK_EQ(fx_post(&fx, 0, ECHO(1, 2), 3, 240, 0xa3), 0);
	/* Only the first lands; the slot asks for an EOM. */
	m = fx_slot(&fx, 1, 2);
	CHECK_EQ(m->header.message_type, 1);
	CHECK_EQ(m->header.payload_size, 5);
	memset(expect, 0, sizeof(expect));
	memset(expect, 0xa1, 5);
	CHECK(!memcmp(m->payload, expect, sizeof(expect)));
	CHECK(slot_pending(&fx, 1, 2));
	CHECK_EQ(fx.irqs[1], 1);
	CHECK_EQ(fx.irqs[0], 0);
	CHECK_EQ(fx.hv.synic.vps[1].sint[2].queued, 2);
	/* EOM while the slot is still full delivers nothing. */
	CHECK_EQ(hv_wrmsr(&fx.hv, 1, HVP_MSR_EOM, 0), 0);
	CHECK_EQ(slot_type(&fx, 1, 2), 1);
	CHECK_EQ(fx.irqs[1], 1);
	/* EOM from another VP does not touch this VP's queue. */
	__atomic_store_n(&m->header.message_type, 0, __ATOMIC_SEQ_CST);
	CHECK_EQ(hv_wrmsr(&fx.hv, 0, HVP_MSR_EOM, 0), 0);
	CHECK_EQ(slot_type(&fx, 1, 2), 0);
	CHECK_EQ(hv_wrmsr(&fx.hv, 1, HVP_MSR_EOM, 0), 0);
	CHECK_EQ(slot_type(&fx, 1, 2), 2);
	CHECK_EQ(m->header.payload_size, 16);
	CHECK(slot_pending(&fx, 1, 2));
	CHECK_EQ(fx.irqs[1], 2);
	fx_guest_eom(&fx, 1, 2);
	CHECK_EQ(slot_type(&fx, 1, 2), 3);
	CHECK_EQ(m->header.payload_size, 240);
	CHECK(!slot_pending(&fx, 1, 2));
	CHECK_EQ(fx.irqs[1], 3);
	fx_guest_eom(&fx, 1, 2);
	CHECK_EQ(slot_type(&fx, 1, 2), 0);
	CHECK_EQ(hv_wrmsr(&fx.hv, 1, HVP_MSR_EOM, 0), 0);
	CHECK_EQ(fx.irqs[1], 3);
	CHECK_EQ(fx.hv.stats.messages_delivered, 3);
	fx_uninit(&fx);
	return true;
}

/* A message queued behind a slot delivered alone sets MessagePending. */
static bool synic_pending_late(void)
{
	struct fixture fx;

	CHECK(fx_init(&fx, 1) && fx_enable(&fx, 0) && fx_sint(&fx, 0, 3, false));
	CHECK_EQ(fx_post(&fx, 0, ECHO(0, 3), 7, 8, 1), 0);
	CHECK(!slot_pending(&fx, 0, 3));
	CHECK_EQ(fx_post(&fx, 0, ECHO(0, 3), 8, 8, 2), 0);
	CHECK(slot_pending(&fx, 0, 3));
	CHECK_EQ(slot_type(&fx, 0, 3), 7);
	fx_guest_eom(&fx, 0, 3);
	CHECK_EQ(slot_type(&fx, 0, 3), 8);
	CHECK(!slot_pending(&fx, 0, 3));
	/* A slot freed without EOM is found free by the next post. */
	__atomic_store_n(&fx_slot(&fx, 0, 3)->header.message_type, 0,
			 __ATOMIC_SEQ_CST);
	CHECK_EQ(fx_post(&fx, 0, ECHO(0, 3), 9, 8, 3), 0);
	CHECK_EQ(slot_type(&fx, 0, 3), 9);
	CHECK_EQ(fx.irqs[0], 3);
	fx_uninit(&fx);
	return true;
}

static bool synic_masked(void)
{
	struct fixture fx;

	CHECK(fx_init(&fx, 1) && fx_enable(&fx, 0) && fx_sint(&fx, 0, 5, true));
	CHECK_EQ(fx_post(&fx, 0, ECHO(0, 5), 1, 8, 1), 0);
	CHECK_EQ(fx_post(&fx, 0, ECHO(0, 5), 2, 8, 1), 0);
	/* Delivered to the slot, but a masked SINT raises no interrupt. */
	CHECK_EQ(slot_type(&fx, 0, 5), 1);
	CHECK_EQ(fx.irqs[0], 0);
	fx_guest_eom(&fx, 0, 5);
	CHECK_EQ(slot_type(&fx, 0, 5), 2);
	CHECK_EQ(fx.irqs[0], 0);
	/* Unmasking with a message in the slot interrupts once. */
	CHECK(fx_sint(&fx, 0, 5, false));
	CHECK_EQ(fx.irqs[0], 1);
	CHECK(fx_sint(&fx, 0, 5, false));
	CHECK_EQ(fx.irqs[0], 1);
	/* SCONTROL disabled: no delivery, no interrupt. */
	fx_guest_eom(&fx, 0, 5);
	CHECK_EQ(hv_wrmsr(&fx.hv, 0, HVP_MSR_SCONTROL, 0), 0);
	CHECK_EQ(fx_post(&fx, 0, ECHO(0, 5), 3, 8, 1), 0);
	CHECK_EQ(slot_type(&fx, 0, 5), 0);
	CHECK_EQ(fx.irqs[0], 1);
	CHECK_EQ(fx.hv.stats.messages_dropped, 1);
	fx_uninit(&fx);
	return true;
}

/* Disabling SIMP or SCONTROL drops the queue: a reloaded driver sees none. */
static bool synic_disable_drops(void)
{
	struct fixture fx;

	CHECK(fx_init(&fx, 1) && fx_enable(&fx, 0) && fx_sint(&fx, 0, 1, false));
	CHECK_EQ(fx_post(&fx, 0, ECHO(0, 1), 1, 8, 1), 0);
	CHECK_EQ(fx_post(&fx, 0, ECHO(0, 1), 2, 8, 1), 0);
	CHECK_EQ(fx_post(&fx, 0, ECHO(0, 1), 3, 8, 1), 0);
	CHECK_EQ(synic_vp_queued(&fx.hv.synic.vps[0]), 2);
	CHECK_EQ(hv_wrmsr(&fx.hv, 0, HVP_MSR_SIMP, fx_simp(0)), 0);
	CHECK_EQ(synic_vp_queued(&fx.hv.synic.vps[0]), 0);
	CHECK_EQ(fx.hv.stats.messages_dropped, 2);
	memset(fx.ram + fx_simp(0), 0, 4096);
	CHECK(fx_enable(&fx, 0));
	CHECK_EQ(hv_wrmsr(&fx.hv, 0, HVP_MSR_EOM, 0), 0);
	CHECK_EQ(slot_type(&fx, 0, 1), 0);
	CHECK_EQ(fx_post(&fx, 0, ECHO(0, 1), 4, 8, 1), 0);
	CHECK_EQ(fx_post(&fx, 0, ECHO(0, 1), 5, 8, 1), 0);
	CHECK_EQ(hv_wrmsr(&fx.hv, 0, HVP_MSR_SCONTROL, 0), 0);
	CHECK_EQ(synic_vp_queued(&fx.hv.synic.vps[0]), 0);
	CHECK_EQ(fx.hv.stats.messages_dropped, 3);
	fx_uninit(&fx);
	return true;
}

static bool synic_events(void)
{
	struct fixture fx;
	uint64_t *f;

	CHECK(fx_init(&fx, 2) && fx_enable(&fx, 1));
	CHECK(fx_enable(&fx, 0) && fx_sint(&fx, 1, 3, false));
	CHECK_EQ(fx_signal(&fx, 0, EVENT(1, 3), 5), 0);
	f = fx_flags(&fx, 1, 3);
	CHECK_EQ(f[0], 1u << 5);
	CHECK_EQ(fx.irqs[1], 1);
	/* Only a 0 -> 1 transition interrupts. */
	CHECK_EQ(fx_signal(&fx, 0, EVENT(1, 3), 5), 0);
	CHECK_EQ(fx.irqs[1], 1);
	CHECK_EQ(fx_signal(&fx, 1, EVENT(1, 3), 2047), 0);
	CHECK_EQ(f[31], 1ull << 63);
	CHECK_EQ(fx.irqs[1], 2);
	f[0] = 0;
	CHECK_EQ(fx_signal(&fx, 0, EVENT(1, 3), 5), 0);
	CHECK_EQ(fx.irqs[1], 3);
	/* A masked SINT gets the flag but no interrupt, until unmasked. */
	CHECK_EQ(fx_signal(&fx, 0, EVENT(1, 4), 64), 0);
	CHECK_EQ(fx_flags(&fx, 1, 4)[1], 1);
	CHECK_EQ(fx.irqs[1], 3);
	CHECK(fx_sint(&fx, 1, 4, false));
	CHECK_EQ(fx.irqs[1], 4);
	/* No SIEFP: nothing written, nothing raised. */
	CHECK_EQ(hv_wrmsr(&fx.hv, 1, HVP_MSR_SIEFP, 0), 0);
	CHECK_EQ(fx_signal(&fx, 0, EVENT(1, 3), 6), 0);
	CHECK_EQ(f[0], 1u << 5);
	CHECK_EQ(fx.irqs[1], 4);
	CHECK_EQ(fx.hv.stats.events_dropped, 1);
	CHECK_EQ(fx.irqs[0], 0);
	fx_uninit(&fx);
	return true;
}

/* A guest scribbling over its SIMP page never crashes delivery. */
static bool synic_garbage_page(void)
{
	struct fixture fx;

	CHECK(fx_init(&fx, 1) && fx_enable(&fx, 0));
	memset(fx.ram + fx_simp(0), 0xff, 4096);
	CHECK_EQ(fx_post(&fx, 0, ECHO(0, 15), 1, 8, 1), 0);
	CHECK_EQ(slot_type(&fx, 0, 15), 0xffffffff);
	CHECK_EQ(synic_vp_queued(&fx.hv.synic.vps[0]), 1);
	CHECK_EQ(hv_wrmsr(&fx.hv, 0, HVP_MSR_EOM, 0), 0);
	CHECK_EQ(synic_vp_queued(&fx.hv.synic.vps[0]), 1);
	fx_uninit(&fx);
	return true;
}

TAP_SUITE(synic_tests,
	{ "synic: FIFO order, MessagePending and EOM", synic_fifo_eom },
	{ "synic: MessagePending set on a busy slot; slot freed without EOM", synic_pending_late },
	{ "synic: masked SINT and disabled SCONTROL raise no interrupt", synic_masked },
	{ "synic: disabling SIMP or SCONTROL drops queued messages", synic_disable_drops },
	{ "synic: event flags, 0->1 interrupts, masked and disabled SIEFP", synic_events },
	{ "synic: garbage in the SIMP page", synic_garbage_page });
