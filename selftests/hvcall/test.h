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

/**
 * struct t_event_target - where one signal-event round goes
 * @conn: the connection to signal
 * @signal_flag: the flag number passed to HvSignalEvent
 * @flag: the flag the host then sets in the target VP's event flags
 */
struct t_event_target {
	u32 conn;
	u16 signal_flag;
	u16 flag;
};

/**
 * struct t_host - the host's test service the tests talk to
 * @name: "emu" (hvhost's test service) or "testdev" (QEMU's hyperv-testdev)
 * @echo_count: messages the echo test sends
 * @echo_burst: messages posted back to back before waiting for them all
 * @echo_busy_retries: retries of a post the host refuses with
 *	INSUFFICIENT_BUFFERS, within a burst (0: end the burst)
 * @payload_qwords: largest payload the host echoes, in qwords
 * @event_rounds: signal-event round trips per CPU
 * @echo_open: make the host echo HvPostMessage to @cpu's VP, @sint; the
 *	connection to post to in @conn
 * @echo_close: undo @echo_open
 * @event_open: make the connections that set flags in @cpu's VP, @sint
 * @event_close: undo @event_open
 * @event_target: the connection and flags of round @round
 *
 * Open and close run in process context, one test at a time, with the
 * SynIC enabled on every CPU.
 */
struct t_host {
	const char *name;
	unsigned int echo_count;
	unsigned int echo_burst;
	unsigned int echo_busy_retries;
	unsigned int payload_qwords;
	unsigned int event_rounds;
	int (*echo_open)(unsigned int cpu, u8 sint, u32 *conn);
	void (*echo_close)(unsigned int cpu, u8 sint);
	int (*event_open)(unsigned int cpu, u8 sint);
	void (*event_close)(unsigned int cpu, u8 sint);
	void (*event_target)(unsigned int cpu, u8 sint, unsigned int round,
			     struct t_event_target *t);
};

/* The host chosen at load (module parameter "host"), or NULL for none. */
extern const struct t_host *t_host;
extern const struct t_host t_host_emu;
extern const struct t_host t_host_testdev;

int t_host_init(const char *name);
void t_host_exit(void);
int t_testdev_init(void);
void t_testdev_exit(void);
int t_need_host(char *reason);

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
