/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-VP synthetic interrupt controller (TLFS chapter "SynIC"): the MSR
 * state, one bounded FIFO of pending messages per SINT, message delivery
 * through the SIMP slot with MessagePending/EOM, event flags in the SIEFP
 * page, and interrupts to the VP.
 *
 * Single-threaded: only hvhost's event loop calls into a synic. The guest
 * shares the SIMP and SIEFP pages, so those are touched with atomics only
 * where the TLFS handshake needs it (message_type, flags, event bits).
 */
#ifndef HVHOST_SYNIC_H
#define HVHOST_SYNIC_H

#include <hvproto/tlfs.h>

#include "guest_mem.h"
#include "stats.h"

#define SYNIC_QUEUE_MAX		64

struct synic_msg {
	struct synic_msg *next;
	uint32_t type;
	uint32_t size;
	uint64_t payload[HVP_MESSAGE_PAYLOAD_QWORDS];
};

struct synic_sint {
	uint64_t msr;
	struct synic_msg *head, *tail;	/* waiting for the SIMP slot */
	unsigned int queued;
	uint64_t delivered;
	uint64_t interrupts;
};

struct synic_vp {
	uint64_t scontrol;
	uint64_t simp;
	uint64_t siefp;
	struct synic_sint sint[HVP_SINT_COUNT];
};

/* Raises the guest interrupt for VP @vp; returns false if it was lost. */
typedef bool (*synic_irq_fn)(void *opaque, unsigned int vp);

struct synic {
	unsigned int nr_vps;
	struct synic_vp *vps;
	const struct guest_mem *mem;
	struct hv_stats *stats;
	synic_irq_fn irq;
	void *irq_opaque;
};

int synic_init(struct synic *s, unsigned int nr_vps,
	       const struct guest_mem *mem, struct hv_stats *stats);
void synic_uninit(struct synic *s);
void synic_set_irq(struct synic *s, synic_irq_fn fn, void *opaque);

struct synic_vp *synic_vp(struct synic *s, unsigned int vp);
unsigned int synic_vp_queued(const struct synic_vp *v);

/* State changes; the values were validated by the MSR layer. */
void synic_set_scontrol(struct synic *s, unsigned int vp, uint64_t val);
void synic_set_simp(struct synic *s, unsigned int vp, uint64_t val);
void synic_set_siefp(struct synic *s, unsigned int vp, uint64_t val);
void synic_set_sint(struct synic *s, unsigned int vp, unsigned int sint,
		    uint64_t val);
void synic_eom(struct synic *s, unsigned int vp);

/* Host -> guest; both return a TLFS status. */
uint16_t synic_post(struct synic *s, unsigned int vp, unsigned int sint,
		    uint32_t type, const void *payload, uint32_t size);
uint16_t synic_signal(struct synic *s, unsigned int vp, unsigned int sint,
		      unsigned int flag);

#endif /* HVHOST_SYNIC_H */
