// SPDX-License-Identifier: GPL-2.0
/* Hypercall input validation: each TLFS status from a bad input. */
#include <string.h>

#include <hvproto/emu_abi.h>

#include "fixture.h"
#include "tests/tap.h"	/* vmbus/tests/tap.h, shared with the ring tests */

#define ECHO(vp, sint)	HVEMU_TEST_ECHO_CONN(vp, sint)
#define EVENT(vp, sint)	HVEMU_TEST_EVENT_CONN(vp, sint)

static bool hc_control(void)
{
	struct fixture fx;

	CHECK(fx_init(&fx, 2) && fx_enable(&fx, 0));
	CHECK_EQ(fx_hcall(&fx, 0, 0x99, 0), HVP_STATUS_INVALID_HYPERCALL_CODE);
	CHECK_EQ(fx_hcall(&fx, 0, 0, 0), HVP_STATUS_INVALID_HYPERCALL_CODE);
	/* reserved bits 31:27, 47:44, 63:60 */
	CHECK_EQ(fx_hcall(&fx, 0, HVP_CALL_POST_MESSAGE | (1ull << 31), FX_INPUT),
		 HVP_STATUS_INVALID_HYPERCALL_INPUT);
	CHECK_EQ(fx_hcall(&fx, 0, 0x99 | (1ull << 45), 0),
		 HVP_STATUS_INVALID_HYPERCALL_INPUT);
	CHECK_EQ(fx_hcall(&fx, 0, HVP_CALL_SIGNAL_EVENT | (1ull << 63), 0),
		 HVP_STATUS_INVALID_HYPERCALL_INPUT);
	/* rep count, rep start, variable header on simple calls */
	CHECK_EQ(fx_hcall(&fx, 0, HVP_CALL_POST_MESSAGE | (1ull << 32), FX_INPUT),
		 HVP_STATUS_INVALID_HYPERCALL_INPUT);
	CHECK_EQ(fx_hcall(&fx, 0, HVP_CALL_SIGNAL_EVENT | HVP_HCALL_FAST |
			  (3ull << 48), EVENT(0, 1)),
		 HVP_STATUS_INVALID_HYPERCALL_INPUT);
	CHECK_EQ(fx_hcall(&fx, 0, HVP_CALL_POST_MESSAGE | (1ull << 17), FX_INPUT),
		 HVP_STATUS_INVALID_HYPERCALL_INPUT);
	CHECK_EQ(fx.hv.stats.hypercall_errors, 8);
	fx_uninit(&fx);
	return true;
}

static uint64_t post_at(struct fixture *fx, uint64_t gpa, uint64_t control)
{
	struct hvp_post_message_input in = {
		.connection_id = ECHO(0, 1), .message_type = 1,
		.payload_size = 8,
	};

	if (gpa + sizeof(in) <= FX_RAM_SIZE)
		memcpy(fx->ram + gpa, &in, sizeof(in));
	return fx_hcall(fx, 0, control, gpa);
}

static bool hc_post_message(void)
{
	uint64_t pm = HVP_CALL_POST_MESSAGE;
	struct fixture fx;
	unsigned int i;

	CHECK(fx_init(&fx, 2) && fx_enable(&fx, 0) && fx_enable(&fx, 1));
	CHECK_EQ(post_at(&fx, FX_INPUT, pm), 0);
	CHECK_EQ(post_at(&fx, FX_INPUT + 0xf00, pm), 0);
	CHECK_EQ(post_at(&fx, FX_INPUT, pm | HVP_HCALL_FAST),
		 HVP_STATUS_INVALID_HYPERCALL_INPUT);
	CHECK_EQ(post_at(&fx, FX_INPUT + 4, pm), HVP_STATUS_INVALID_ALIGNMENT);
	CHECK_EQ(post_at(&fx, FX_INPUT + 0xf08, pm), HVP_STATUS_INVALID_ALIGNMENT);
	CHECK_EQ(post_at(&fx, FX_RAM_SIZE, pm), HVP_STATUS_INVALID_PARAMETER);
	CHECK_EQ(post_at(&fx, ~0xfffull, pm), HVP_STATUS_INVALID_PARAMETER);
	CHECK_EQ(fx_post(&fx, 0, ECHO(0, 1), 1, 241, 0),
		 HVP_STATUS_INVALID_PARAMETER);
	CHECK_EQ(fx_post(&fx, 0, ECHO(0, 1), 1, 0xffffff00, 0),
		 HVP_STATUS_INVALID_PARAMETER);
	CHECK_EQ(fx_post(&fx, 0, ECHO(0, 1), 0, 8, 0),
		 HVP_STATUS_INVALID_PARAMETER);
	CHECK_EQ(fx_post(&fx, 0, ECHO(0, 1), 0x80000010, 8, 0),
		 HVP_STATUS_INVALID_PARAMETER);
	CHECK_EQ(fx_post(&fx, 0, ECHO(0, 1) | (1u << 24), 1, 8, 0),
		 HVP_STATUS_INVALID_PARAMETER);
	CHECK_EQ(fx_post(&fx, 0, 0x123456, 1, 8, 0),
		 HVP_STATUS_INVALID_CONNECTION_ID);
	CHECK_EQ(fx_post(&fx, 0, EVENT(0, 1), 1, 8, 0),
		 HVP_STATUS_INVALID_CONNECTION_ID);
	CHECK_EQ(fx_post(&fx, 0, ECHO(2, 1), 1, 8, 0),
		 HVP_STATUS_INVALID_CONNECTION_ID);
	CHECK_EQ(fx_post(&fx, 0, ECHO(1, 4), 1, 240, 0), 0);
	/* The slot holds one message, the FIFO SYNIC_QUEUE_MAX more. */
	for (i = 0; i < SYNIC_QUEUE_MAX; i++)
		CHECK_EQ(fx_post(&fx, 0, ECHO(1, 4), 2, 0, 0), 0);
	CHECK_EQ(fx_post(&fx, 0, ECHO(1, 4), 2, 0, 0),
		 HVP_STATUS_INSUFFICIENT_BUFFERS);
	CHECK_EQ(fx.hv.synic.vps[1].sint[4].queued, SYNIC_QUEUE_MAX);
	fx_uninit(&fx);
	return true;
}

static bool hc_signal_event(void)
{
	uint64_t se = HVP_CALL_SIGNAL_EVENT, *w;
	struct fixture fx;

	CHECK(fx_init(&fx, 2) && fx_enable(&fx, 0));
	CHECK_EQ(fx_signal(&fx, 0, EVENT(0, 1), 0), 0);
	CHECK_EQ(fx_signal(&fx, 0, EVENT(0, 1), 2047), 0);
	CHECK_EQ(fx_signal(&fx, 0, EVENT(0, 1), 2048),
		 HVP_STATUS_INVALID_PARAMETER);
	CHECK_EQ(fx_signal(&fx, 0, EVENT(0, 1), 0xffff),
		 HVP_STATUS_INVALID_PARAMETER);
	CHECK_EQ(fx_signal(&fx, 0, EVENT(0, 1) | (1u << 30), 0),
		 HVP_STATUS_INVALID_HYPERCALL_INPUT);
	CHECK_EQ(fx_hcall(&fx, 0, se | HVP_HCALL_FAST,
			  EVENT(0, 1) | (1ull << 50)),
		 HVP_STATUS_INVALID_HYPERCALL_INPUT);
	CHECK_EQ(fx_signal(&fx, 0, 0x000001, 0),
		 HVP_STATUS_INVALID_CONNECTION_ID);
	CHECK_EQ(fx_signal(&fx, 0, ECHO(0, 1), 0),
		 HVP_STATUS_INVALID_CONNECTION_ID);
	CHECK_EQ(fx_signal(&fx, 0, EVENT(7, 1), 0),
		 HVP_STATUS_INVALID_CONNECTION_ID);
	/* The memory form of the same input. */
	w = (uint64_t *)(fx.ram + FX_INPUT);
	*w = HVP_SIGNAL_EVENT_FAST_INPUT(EVENT(0, 2), 9);
	CHECK_EQ(fx_hcall(&fx, 0, se, FX_INPUT), 0);
	CHECK_EQ(fx_flags(&fx, 0, 2)[0], 1u << 9);
	CHECK_EQ(fx_hcall(&fx, 0, se, FX_INPUT + 4), HVP_STATUS_INVALID_ALIGNMENT);
	CHECK_EQ(fx_hcall(&fx, 0, se, FX_RAM_SIZE), HVP_STATUS_INVALID_PARAMETER);
	CHECK_EQ(fx_hcall(&fx, 0, se, FX_RAM_SIZE - 8),
		 HVP_STATUS_INVALID_CONNECTION_ID);
	CHECK_EQ(fx.hv.stats.signal_event, 13);
	fx_uninit(&fx);
	return true;
}

TAP_SUITE(hypercall_tests,
	{ "hypercall: control word validation", hc_control },
	{ "hypercall: HvPostMessage input validation and status codes", hc_post_message },
	{ "hypercall: HvSignalEvent fast and memory input validation", hc_signal_event });
