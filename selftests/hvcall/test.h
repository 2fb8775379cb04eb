/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvg_hvcall_test: shared state of the tests and the ISR they install.
 */
#ifndef HVG_HVCALL_TEST_H
#define HVG_HVCALL_TEST_H

#include <linux/atomic.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <hvg/hvcall.h>

#define T_ECHO_SINT	5
#define T_EVENT_SINT	6
#define T_MASKED_SINT	7
#define T_NO_SINT	0xff
#define T_MSG_TYPE	0x4c
#define T_REASON_LEN	160

/**
 * struct t_state - what the ISR saw; one test runs at a time
 * @wq: woken by the ISR after every call
 * @msg_sint: SINT whose messages the ISR consumes, or T_NO_SINT
 * @evt_sint: SINT whose event flags the ISR clears, or T_NO_SINT
 * @isr_calls: ISR calls, all CPUs
 * @rx: echo messages received in order
 * @rx_pending: messages seen with MessagePending set
 * @rx_error: first error seen by the ISR (0 none), with @rx_reason
 * @rx_reason: text for @rx_error
 * @evt_seen: flags cleared by the ISR, per CPU
 * @evt_last: last flag number cleared, per CPU
 */
struct t_state {
	wait_queue_head_t wq;
	u8 msg_sint;
	u8 evt_sint;
	atomic_t isr_calls;
	atomic_t rx;
	atomic_t rx_pending;
	atomic_t rx_error;
	char rx_reason[T_REASON_LEN];
	atomic_t *evt_seen;
	atomic_t *evt_last;
};

extern struct t_state t_state;

int t_isr_start(u8 msg_sint, u8 evt_sint);
void t_isr_stop(void);
void t_fail_isr(const char *reason);
u32 t_payload_fill(u64 *payload, u32 seq);
int t_payload_check(const u64 *payload, u32 size, u32 seq);

/* Each test returns 0 or -1 with @reason filled in. */
int t_regs(char *reason);
int t_echo(char *reason);
int t_event(char *reason);
int t_masked(char *reason);
int t_postval(char *reason);

#endif /* HVG_HVCALL_TEST_H */
