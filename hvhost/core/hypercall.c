// SPDX-License-Identifier: GPL-2.0
/*
 * Hypercall dispatch: validates the control word and the input, then hands
 * the call to the service that registered the connection id (conn.c).
 * Memory input is copied out of guest RAM once, before any field is read,
 * so the guest cannot change it between check and use.
 */
#include <string.h>

#include <hvproto/tlfs.h>

#include "hv.h"

#define SIGNAL_EVENT_RSVD	0xffff000000000000ull

/* HvPostMessage and HvSignalEvent are simple calls: no reps, no varhead. */
static bool simple_call_ok(uint64_t control)
{
	return !(control & (HVP_HCALL_VARHEAD_MASK | HVP_HCALL_REP_COUNT_MASK |
			    HVP_HCALL_REP_START_MASK));
}

/* The input block must be 8-byte aligned and must not cross a page. */
static bool input_aligned(uint64_t gpa, uint64_t len)
{
	return !(gpa & 7) && (gpa & 0xfff) + len <= 4096;
}

static uint16_t post_message(struct hv *hv, unsigned int vp, bool fast,
			     uint64_t in)
{
	struct hvp_post_message_input msg;
	const struct conn *c;

	hv->stats.post_message++;
	if (fast)
		return HVP_STATUS_INVALID_HYPERCALL_INPUT;
	if (!input_aligned(in, sizeof(msg)))
		return HVP_STATUS_INVALID_ALIGNMENT;
	if (gm_read(hv->mem, in, &msg, sizeof(msg)))
		return HVP_STATUS_INVALID_PARAMETER;
	if (msg.connection_id & ~HVP_CONNECTION_ID_MASK ||
	    msg.message_type == HVP_MSG_NONE ||
	    msg.message_type & HVP_MSG_HYPERVISOR_MASK ||
	    msg.payload_size > HVP_MESSAGE_PAYLOAD_BYTES)
		return HVP_STATUS_INVALID_PARAMETER;
	c = conn_find(&hv->msg_conns, msg.connection_id);
	if (!c)
		return HVP_STATUS_INVALID_CONNECTION_ID;
	return c->fn.msg(c->opaque, hv, vp, msg.connection_id,
			 msg.message_type, msg.payload, msg.payload_size);
}

static uint16_t signal_event(struct hv *hv, unsigned int vp, bool fast,
			     uint64_t in)
{
	const struct conn *c;
	unsigned int flag;
	uint64_t param;
	uint32_t conn;

	hv->stats.signal_event++;
	if (fast) {
		param = in;
	} else {
		if (!input_aligned(in, sizeof(param)))
			return HVP_STATUS_INVALID_ALIGNMENT;
		if (gm_read(hv->mem, in, &param, sizeof(param)))
			return HVP_STATUS_INVALID_PARAMETER;
	}
	conn = (uint32_t)param;
	flag = (param >> 32) & 0xffff;
	if ((param & SIGNAL_EVENT_RSVD) || (conn & ~HVP_CONNECTION_ID_MASK))
		return HVP_STATUS_INVALID_HYPERCALL_INPUT;
	if (flag >= HVP_EVENT_FLAGS_COUNT)
		return HVP_STATUS_INVALID_PARAMETER;
	c = conn_find(&hv->event_conns, conn);
	if (!c)
		return HVP_STATUS_INVALID_CONNECTION_ID;
	return c->fn.event(c->opaque, hv, vp, conn, flag);
}

static uint16_t dispatch(struct hv *hv, unsigned int vp, uint64_t control,
			 uint64_t in)
{
	bool fast = control & HVP_HCALL_FAST;

	if (control & HVP_HCALL_RSVD_MASK)
		return HVP_STATUS_INVALID_HYPERCALL_INPUT;
	switch (control & HVP_HCALL_CODE_MASK) {
	case HVP_CALL_POST_MESSAGE:
		if (!simple_call_ok(control))
			return HVP_STATUS_INVALID_HYPERCALL_INPUT;
		return post_message(hv, vp, fast, in);
	case HVP_CALL_SIGNAL_EVENT:
		if (!simple_call_ok(control))
			return HVP_STATUS_INVALID_HYPERCALL_INPUT;
		return signal_event(hv, vp, fast, in);
	}
	return HVP_STATUS_INVALID_HYPERCALL_CODE;
}

int hv_hypercall(struct hv *hv, unsigned int vp, uint64_t control,
		 uint64_t in, uint64_t out, uint64_t *result)
{
	struct synic_vp *v = synic_vp(&hv->synic, vp);
	uint16_t status;

	(void)out;	/* neither call has output */
	hv->stats.hypercalls++;
	if (!v || !(hv->hypercall & HVP_MSR_PAGE_ENABLE)) {
		hv->stats.hypercall_ud++;
		hv_trace("hypercall vp=%u control=%#llx: #UD", vp,
			 (unsigned long long)control);
		return HVEMU_STATUS_UD;
	}
	status = dispatch(hv, vp, control, in);
	if (status != HVP_STATUS_SUCCESS)
		hv->stats.hypercall_errors++;
	hv_trace("hypercall vp=%u control=%#llx in=%#llx: status %u", vp,
		 (unsigned long long)control, (unsigned long long)in, status);
	*result = status;
	return HVEMU_STATUS_OK;
}
