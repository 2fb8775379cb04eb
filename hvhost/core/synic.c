// SPDX-License-Identifier: GPL-2.0
/*
 * SynIC message and event delivery, as Hyper-V does it.
 *
 * A message for (VP, SINT) waits in that SINT's FIFO until the SINT's slot
 * in the VP's SIMP page is free (message_type == HVP_MSG_NONE). Only the
 * head of the FIFO is ever written to the slot; when more wait behind it,
 * the slot carries MessagePending, and the guest's EOM (written after it
 * cleared the slot) makes hvhost deliver the next one.
 *
 * The guest frees a slot with: store message_type = 0; full barrier; load
 * flags; EOM if MessagePending. hvhost, finding the slot busy, does: set
 * MessagePending (locked RMW, a full barrier); load message_type again. One
 * of the two sides sees the other's store, so no message is stranded.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "synic.h"

int synic_init(struct synic *s, unsigned int nr_vps,
	       const struct guest_mem *mem, struct hv_stats *stats)
{
	unsigned int i, j;

	memset(s, 0, sizeof(*s));
	s->vps = calloc(nr_vps, sizeof(*s->vps));
	if (!s->vps)
		return -ENOMEM;
	s->nr_vps = nr_vps;
	s->mem = mem;
	s->stats = stats;
	for (i = 0; i < nr_vps; i++)
		for (j = 0; j < HVP_SINT_COUNT; j++)
			s->vps[i].sint[j].msr = HVP_SINT_MASKED;
	return 0;
}

static void drop_queue(struct synic *s, struct synic_sint *si)
{
	struct synic_msg *m;

	while ((m = si->head)) {
		si->head = m->next;
		free(m);
		s->stats->messages_dropped++;
	}
	si->tail = NULL;
	si->queued = 0;
}

static void drop_vp_queues(struct synic *s, struct synic_vp *v)
{
	unsigned int i;

	for (i = 0; i < HVP_SINT_COUNT; i++)
		drop_queue(s, &v->sint[i]);
}

void synic_uninit(struct synic *s)
{
	unsigned int i;

	for (i = 0; i < s->nr_vps; i++)
		drop_vp_queues(s, &s->vps[i]);
	free(s->vps);
	s->vps = NULL;
	s->nr_vps = 0;
}

void synic_set_irq(struct synic *s, synic_irq_fn fn, void *opaque)
{
	s->irq = fn;
	s->irq_opaque = opaque;
}

struct synic_vp *synic_vp(struct synic *s, unsigned int vp)
{
	return vp < s->nr_vps ? &s->vps[vp] : NULL;
}

unsigned int synic_vp_queued(const struct synic_vp *v)
{
	unsigned int i, n = 0;

	for (i = 0; i < HVP_SINT_COUNT; i++)
		n += v->sint[i].queued;
	return n;
}

static bool synic_enabled(const struct synic_vp *v)
{
	return v->scontrol & HVP_SCONTROL_ENABLE;
}

static bool simp_enabled(const struct synic_vp *v)
{
	return synic_enabled(v) && (v->simp & HVP_MSR_PAGE_ENABLE);
}

/* Interrupts VP @vp for @sint if the SINT may interrupt at all. */
static void raise_sint(struct synic *s, unsigned int vp, unsigned int sint)
{
	struct synic_vp *v = &s->vps[vp];
	struct synic_sint *si = &v->sint[sint];

	if (!synic_enabled(v) || (si->msr & HVP_SINT_MASKED))
		return;
	si->interrupts++;
	s->stats->interrupts++;
	hv_trace("irq vp=%u sint=%u", vp, sint);
	if (!s->irq || !s->irq(s->irq_opaque, vp))
		s->stats->interrupts_lost++;
}

static struct hvp_message *simp_slot(struct synic *s, struct synic_vp *v,
				     unsigned int sint)
{
	uint64_t gpa = (v->simp & HVP_MSR_PAGE_GPA_MASK) +
		       (uint64_t)sint * HVP_MESSAGE_SIZE;

	return gm_ptr(s->mem, gpa, HVP_MESSAGE_SIZE);
}

static uint32_t slot_type(struct hvp_message *slot)
{
	return __atomic_load_n(&slot->header.message_type, __ATOMIC_SEQ_CST);
}

/* The slot is busy: ask the guest for an EOM; true if it freed meanwhile. */
static bool slot_request_eom(struct synic *s, struct hvp_message *slot)
{
	uint8_t old;

	old = __atomic_fetch_or(&slot->header.flags, HVP_MSG_FLAG_PENDING,
				__ATOMIC_SEQ_CST);
	if (!(old & HVP_MSG_FLAG_PENDING))
		s->stats->messages_pending_set++;
	return slot_type(slot) == HVP_MSG_NONE;
}

static void slot_fill(struct hvp_message *slot, const struct synic_msg *m,
		      bool more)
{
	memcpy(slot->payload, m->payload, sizeof(slot->payload));
	slot->header.payload_size = (uint8_t)m->size;
	slot->header.flags = more ? HVP_MSG_FLAG_PENDING : 0;
	slot->header.reserved[0] = 0;
	slot->header.reserved[1] = 0;
	slot->header.sender = 0;
	/* Orders the payload and header before the type that publishes them. */
	__atomic_store_n(&slot->header.message_type, m->type, __ATOMIC_RELEASE);
}

/* Moves the head of @sint's FIFO into the SIMP slot if it can; true if so. */
static bool try_deliver(struct synic *s, unsigned int vp, unsigned int sint)
{
	struct synic_vp *v = &s->vps[vp];
	struct synic_sint *si = &v->sint[sint];
	struct hvp_message *slot;
	struct synic_msg *m = si->head;

	if (!m || !simp_enabled(v))
		return false;
	slot = simp_slot(s, v, sint);
	if (!slot) {
		drop_queue(s, si);
		return false;
	}
	if (slot_type(slot) != HVP_MSG_NONE && !slot_request_eom(s, slot))
		return false;
	si->head = m->next;
	if (!si->head)
		si->tail = NULL;
	si->queued--;
	slot_fill(slot, m, si->queued > 0);
	if (si->queued)
		s->stats->messages_pending_set++;
	free(m);
	si->delivered++;
	s->stats->messages_delivered++;
	hv_trace("deliver vp=%u sint=%u queued=%u", vp, sint, si->queued);
	raise_sint(s, vp, sint);
	return true;
}

void synic_set_scontrol(struct synic *s, unsigned int vp, uint64_t val)
{
	struct synic_vp *v = &s->vps[vp];

	v->scontrol = val;
	if (!synic_enabled(v))
		drop_vp_queues(s, v);
}

void synic_set_simp(struct synic *s, unsigned int vp, uint64_t val)
{
	struct synic_vp *v = &s->vps[vp];

	v->simp = val;
	if (!(val & HVP_MSR_PAGE_ENABLE))
		drop_vp_queues(s, v);
}

void synic_set_siefp(struct synic *s, unsigned int vp, uint64_t val)
{
	s->vps[vp].siefp = val;
}

static bool sint_has_events(struct synic *s, struct synic_vp *v,
			    unsigned int sint)
{
	uint64_t gpa = (v->siefp & HVP_MSR_PAGE_GPA_MASK) +
		       (uint64_t)sint * HVP_EVENT_FLAGS_BYTES;
	uint64_t *w;
	unsigned int i;

	if (!(v->siefp & HVP_MSR_PAGE_ENABLE))
		return false;
	w = gm_ptr(s->mem, gpa, HVP_EVENT_FLAGS_BYTES);
	if (!w)
		return false;
	for (i = 0; i < HVP_EVENT_FLAGS_BYTES / 8; i++)
		if (__atomic_load_n(&w[i], __ATOMIC_RELAXED))
			return true;
	return false;
}

/* On unmask, whatever waited while masked is delivered or signalled. */
void synic_set_sint(struct synic *s, unsigned int vp, unsigned int sint,
		    uint64_t val)
{
	struct synic_vp *v = &s->vps[vp];
	struct synic_sint *si = &v->sint[sint];
	bool was_masked = si->msr & HVP_SINT_MASKED;
	struct hvp_message *slot;

	si->msr = val;
	if (!was_masked || (val & HVP_SINT_MASKED) || !synic_enabled(v))
		return;
	if (try_deliver(s, vp, sint))
		return;
	slot = simp_enabled(v) ? simp_slot(s, v, sint) : NULL;
	if ((slot && slot_type(slot) != HVP_MSG_NONE) ||
	    sint_has_events(s, v, sint))
		raise_sint(s, vp, sint);
}

void synic_eom(struct synic *s, unsigned int vp)
{
	unsigned int i;

	s->stats->eoms++;
	hv_trace("eom vp=%u", vp);
	for (i = 0; i < HVP_SINT_COUNT; i++)
		try_deliver(s, vp, i);
}

uint16_t synic_post(struct synic *s, unsigned int vp, unsigned int sint,
		    uint32_t type, const void *payload, uint32_t size)
{
	struct synic_vp *v = synic_vp(s, vp);
	struct synic_sint *si;
	struct synic_msg *m;

	if (!v || sint >= HVP_SINT_COUNT || size > HVP_MESSAGE_PAYLOAD_BYTES ||
	    type == HVP_MSG_NONE)
		return HVP_STATUS_INVALID_PARAMETER;
	if (!simp_enabled(v)) {
		/* Nobody can see it; a later enable must not find it. */
		s->stats->messages_dropped++;
		return HVP_STATUS_SUCCESS;
	}
	si = &v->sint[sint];
	if (si->queued >= SYNIC_QUEUE_MAX)
		return HVP_STATUS_INSUFFICIENT_BUFFERS;
	m = calloc(1, sizeof(*m));
	if (!m)
		return HVP_STATUS_INSUFFICIENT_MEMORY;
	m->type = type;
	m->size = size;
	memcpy(m->payload, payload, size);
	if (si->tail)
		si->tail->next = m;
	else
		si->head = m;
	si->tail = m;
	si->queued++;
	s->stats->messages_queued++;
	try_deliver(s, vp, sint);
	return HVP_STATUS_SUCCESS;
}

uint16_t synic_signal(struct synic *s, unsigned int vp, unsigned int sint,
		      unsigned int flag)
{
	struct synic_vp *v = synic_vp(s, vp);
	uint64_t gpa, bit, old, *w;

	if (!v || sint >= HVP_SINT_COUNT || flag >= HVP_EVENT_FLAGS_COUNT)
		return HVP_STATUS_INVALID_PARAMETER;
	gpa = (v->siefp & HVP_MSR_PAGE_GPA_MASK) +
	      (uint64_t)sint * HVP_EVENT_FLAGS_BYTES + (flag / 64) * 8;
	w = gm_ptr(s->mem, gpa, sizeof(*w));
	if (!synic_enabled(v) || !(v->siefp & HVP_MSR_PAGE_ENABLE) || !w) {
		s->stats->events_dropped++;
		return HVP_STATUS_SUCCESS;
	}
	bit = 1ull << (flag % 64);
	old = __atomic_fetch_or(w, bit, __ATOMIC_SEQ_CST);
	s->stats->events_set++;
	hv_trace("event vp=%u sint=%u flag=%u%s", vp, sint, flag,
		 (old & bit) ? " (already set)" : "");
	if (!(old & bit))
		raise_sint(s, vp, sint);
	return HVP_STATUS_SUCCESS;
}
