/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The time synchronization VSP (class HVP_GUID_TIMESYNC): negotiates at
 * open, sends a SYNC once negotiated and a SAMPLE every interval, with the
 * host clock = CLOCK_REALTIME + shift + drift. The clock and its knobs are
 * the emulated host's, one per hvhost process, shared by every timesync
 * channel; `timesync ...` on the control socket drives them (README.md).
 */
#ifndef HVHOST_VSP_TIMESYNC_H
#define HVHOST_VSP_TIMESYNC_H

#include <hvproto/ic.h>

#include "core/loop.h"
#include "ctl_cmd.h"

#define TS_NSEC			1000000000ll
#define TS_DEFAULT_INTERVAL_NS	(5 * TS_NSEC)
#define TS_MAX_INTERVAL_NS	(86400 * TS_NSEC)
/* Shifts keep host time inside 64-bit ns around now (about +-95 years). */
#define TS_MAX_SHIFT_NS		(3000000000ll * TS_NSEC)
/* Drift in parts per billion; +-10% at most. */
#define TS_MAX_DRIFT_PPB	100000000ll
/* The longest `timesync delay`: 60 s. */
#define TS_MAX_DELAY_NS		(60 * TS_NSEC)
/* NEGOTIATEs per open before a channel that answers badly is given up. */
#define TS_MAX_NEGOTIATIONS	3

/* The host clock: CLOCK_REALTIME plus a shift plus drift since it was set. */
struct ts_clock {
	int64_t shift_ns;
	int64_t drift_ppb;
	uint64_t drift_base_ns;	/* CLOCK_MONOTONIC when drift was set */
	int64_t drift_acc_ns;	/* drift gathered before that */
};

/* Host time in unix ns at @real_ns (CLOCK_REALTIME) and @mono_ns. */
int64_t ts_clock_now(const struct ts_clock *c, int64_t real_ns,
		     uint64_t mono_ns);
/* Drift gathered by @mono_ns (ns, may be negative). */
int64_t ts_clock_drift_ns(const struct ts_clock *c, uint64_t mono_ns);
void ts_clock_set_drift(struct ts_clock *c, int64_t ppb, uint64_t mono_ns);
/* Unix ns to the wire's 100 ns units since 1601 (floor; 0 before 1601). */
uint64_t ts_unix_to_1601(int64_t unix_ns);

/*
 * A decimal "[-]I[.F]" scaled by 10^@decimals (at most @decimals digits
 * after the point), |value| <= @max; negative only if @neg.
 */
bool ts_parse_fixed(const char *s, unsigned int decimals, bool neg,
		    int64_t max, int64_t *out);
/* "1.0", "3.0", "4.0", or "all" (0.0): the versions hvhost speaks. */
bool ts_parse_version(const char *s, struct hvp_ic_version *v);

/*
 * A TIMESYNC message for service version @svc (ts_data before 4.0,
 * ts_ref_data from 4.0): @flags HVP_TS_FLAG_*, @parent_time in 100 ns
 * since 1601, @ref_time the TIME_REF_COUNT (4.0 only). Its length.
 */
uint32_t ts_build(void *buf, uint32_t size, struct hvp_ic_version fw,
		  struct hvp_ic_version svc, uint8_t tid, uint8_t flags,
		  uint64_t parent_time, uint64_t ref_time);
/*
 * The NEGOTIATE for a version cap (0.0: 4.0, 3.0 and 1.0), framework and
 * service versions listed newest first, or oldest first with @oldest_first.
 */
uint32_t ts_build_negotiate(void *buf, uint32_t size, uint8_t tid,
			    struct hvp_ic_version cap, bool oldest_first);
/*
 * A time in milliseconds, "I[.F]" (3 decimals at most), 0 ..
 * TS_MAX_DELAY_NS, into ns.
 */
bool ts_parse_delay(const char *s, int64_t *ns);
/*
 * The host time and TIME_REF_COUNT that a message sent at @host_ns and
 * @ref would carry had it been stamped @delay_ns earlier (ref floored at 0).
 */
void ts_backdate(int64_t *host_ns, uint64_t *ref, uint64_t delay_ns);

/* Names of the malformed messages `timesync inject` sends. */
const char *ts_inject_name(unsigned int i);
/*
 * The bytes of inject case @name for negotiated versions @fw/@svc and a
 * SYNC at @parent_time/@ref_time; its length (0 is a valid length: the
 * empty payload), or -1 for an unknown name.
 */
int ts_build_inject(const char *name, void *buf, uint32_t size,
		    struct hvp_ic_version fw, struct hvp_ic_version svc,
		    uint8_t tid, uint64_t parent_time, uint64_t ref_time);

/*
 * Resets the host clock, configuration and counters; with @loop, arms the
 * SAMPLE timer there (NULL: no periodic SAMPLEs, as in the unit tests).
 */
int timesync_host_init(struct loop *loop);
void timesync_host_uninit(void);
/* The host clock now, as a sample would carry it: 100 ns since 1601. */
uint64_t timesync_host_time(void);
/* Service versions to offer from the next open: one, or 0.0 for all. */
void timesync_set_version(struct hvp_ic_version cap);
/* SAMPLE period (0: none); re-arms the timer. */
int timesync_set_interval(uint64_t ns);
/* `timesync ...` */
int timesync_ctl_register(struct ctl_cmds *cmds);

#endif /* HVHOST_VSP_TIMESYNC_H */
