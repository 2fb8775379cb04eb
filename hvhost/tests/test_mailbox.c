// SPDX-License-Identifier: GPL-2.0
/* The control region header and the slot protocol. */
#include <string.h>

#include "core/mailbox.h"
#include "fixture.h"
#include "tests/tap.h"	/* vmbus/tests/tap.h, shared with the ring tests */

static void request(struct hvemu_slot *s, uint32_t op, uint64_t a0,
		    uint64_t a1, uint64_t a2)
{
	s->op = op;
	s->arg[0] = a0;
	s->arg[1] = a1;
	s->arg[2] = a2;
	__atomic_store_n(&s->req_seq, s->req_seq + 1, __ATOMIC_RELEASE);
}

static bool mb_header(void)
{
	struct hvemu_ctl_header *h;
	struct mailbox mb;

	CHECK(mailbox_create(&mb, 0, 1, 4096) < 0);
	CHECK(mailbox_create(&mb, HVEMU_MAX_VPS + 1, 1, 4096) < 0);
	CHECK_EQ(mailbox_create(&mb, 3, 7, 1ull << 30), 0);
	h = (void *)mb.region;
	CHECK_EQ(h->magic, HVEMU_MAGIC);
	CHECK_EQ(h->abi_version, 7);
	CHECK_EQ(h->header_size, HVEMU_HEADER_SIZE);
	CHECK_EQ(h->nr_slots, 3);
	CHECK_EQ(h->slot_size, HVEMU_SLOT_SIZE);
	CHECK_EQ(h->ram_size, 1ull << 30);
	CHECK(h->cpuid_features[0] & HVP_PRIV_SYNIC);
	CHECK(h->cpuid_features[0] & HVP_PRIV_HYPERCALL);
	CHECK(h->cpuid_features[0] & HVP_PRIV_VP_INDEX);
	CHECK(h->cpuid_features[1] & HVP_PRIV_POST_MESSAGES);
	CHECK(h->cpuid_features[1] & HVP_PRIV_SIGNAL_EVENTS);
	CHECK(memchr(h->host_version, 0, sizeof(h->host_version)));
	CHECK(!mailbox_slot(&mb, 3));
	mailbox_destroy(&mb);
	return true;
}

static bool mb_slots(void)
{
	struct hvemu_slot *s0, *s1;
	struct fixture fx;
	struct mailbox mb;

	CHECK(fx_init(&fx, 2));
	CHECK_EQ(mailbox_create(&mb, 2, 1, FX_RAM_SIZE), 0);
	s0 = mailbox_slot(&mb, 0);
	s1 = mailbox_slot(&mb, 1);
	CHECK_EQ(mailbox_scan(&mb, &fx.hv), 0);
	request(s1, HVEMU_OP_RDMSR, HVP_MSR_VP_INDEX, 0, 0);
	CHECK_EQ(mailbox_process(&mb, &fx.hv, 1), 1);
	CHECK_EQ(s1->done_seq, 1);
	CHECK_EQ(s1->status, HVEMU_STATUS_OK);
	CHECK_EQ(s1->result, 1);
	CHECK_EQ(mailbox_process(&mb, &fx.hv, 1), 0);
	request(s0, HVEMU_OP_WRMSR, HVP_MSR_GUEST_OS_ID, 0x42, 0);
	request(s1, HVEMU_OP_WRMSR, HVP_MSR_VP_INDEX, 5, 0);
	CHECK_EQ(mailbox_scan(&mb, &fx.hv), 2);
	CHECK_EQ(s0->status, HVEMU_STATUS_OK);
	CHECK_EQ(fx.hv.guest_os_id, 0x42);
	CHECK_EQ(s1->status, HVEMU_STATUS_GP);
	CHECK_EQ(s1->done_seq, 2);
	request(s0, HVEMU_OP_HYPERCALL, HVP_CALL_SIGNAL_EVENT, 0, 0);
	CHECK_EQ(mailbox_scan(&mb, &fx.hv), 1);
	CHECK_EQ(s0->status, HVEMU_STATUS_UD);
	/* Garbage: unknown ops, wild sequence numbers. */
	request(s0, 0xdead, ~0ull, ~0ull, ~0ull);
	CHECK_EQ(mailbox_scan(&mb, &fx.hv), 1);
	CHECK_EQ(s0->status, HVEMU_STATUS_BAD_OP);
	s0->op = HVEMU_OP_NONE;
	s0->req_seq = 0x80000000u;
	CHECK_EQ(mailbox_scan(&mb, &fx.hv), 1);
	CHECK_EQ(s0->done_seq, 0x80000000u);
	CHECK_EQ(s0->status, HVEMU_STATUS_BAD_OP);
	CHECK_EQ(fx.hv.stats.bad_requests, 2);
	CHECK_EQ(fx.hv.stats.mailbox_requests, 6);
	mailbox_destroy(&mb);
	fx_uninit(&fx);
	return true;
}

TAP_SUITE(mailbox_tests,
	{ "mailbox: control region header", mb_header },
	{ "mailbox: slot requests, completions and garbage", mb_slots });
