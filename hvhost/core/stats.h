/* SPDX-License-Identifier: GPL-2.0 */
/* Partition-wide counters, printed by the `stats` control command. */
#ifndef HVHOST_STATS_H
#define HVHOST_STATS_H

#include <stdint.h>

#define HV_STATS(X) \
	X(mailbox_requests) \
	X(bad_requests) \
	X(doorbells) \
	X(msr_reads) \
	X(msr_writes) \
	X(msr_faults) \
	X(hypercalls) \
	X(hypercall_errors) \
	X(hypercall_ud) \
	X(post_message) \
	X(signal_event) \
	X(messages_queued) \
	X(messages_delivered) \
	X(messages_pending_set) \
	X(messages_dropped) \
	X(events_set) \
	X(events_dropped) \
	X(eoms) \
	X(interrupts) \
	X(interrupts_lost)

struct hv_stats {
#define HV_STATS_FIELD(name) uint64_t name;
	HV_STATS(HV_STATS_FIELD)
#undef HV_STATS_FIELD
};

#endif /* HVHOST_STATS_H */
