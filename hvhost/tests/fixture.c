// SPDX-License-Identifier: GPL-2.0
/* The fake partition used by the unit tests (see fixture.h). */
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "test_service.h"

static bool count_irq(void *opaque, unsigned int vp)
{
	struct fixture *fx = opaque;

	fx->irqs[vp]++;
	return true;
}

bool fx_init(struct fixture *fx, unsigned int nr_vps)
{
	memset(fx, 0, sizeof(*fx));
	fx->ram = aligned_alloc(4096, FX_RAM_SIZE);
	if (!fx->ram)
		return false;
	memset(fx->ram, 0, FX_RAM_SIZE);
	gm_init_buffer(&fx->mem, fx->ram, FX_RAM_SIZE);
	if (hv_init(&fx->hv, &fx->mem, nr_vps) || test_service_init(&fx->hv)) {
		free(fx->ram);
		return false;
	}
	synic_set_irq(&fx->hv.synic, count_irq, fx);
	return true;
}

void fx_uninit(struct fixture *fx)
{
	hv_uninit(&fx->hv);
	gm_uninit(&fx->mem);
	free(fx->ram);
}

uint64_t fx_simp(unsigned int vp)
{
	return FX_SIMP + vp * 0x2000ull;
}

uint64_t fx_siefp(unsigned int vp)
{
	return FX_SIEFP + vp * 0x2000ull;
}

/* What a guest driver does: identify, enable hypercalls and the SynIC. */
bool fx_enable(struct fixture *fx, unsigned int vp)
{
	struct hv *hv = &fx->hv;

	return !hv_wrmsr(hv, vp, HVP_MSR_GUEST_OS_ID, HVP_GUEST_OS_ID_LINUX(1)) &&
	       !hv_wrmsr(hv, vp, HVP_MSR_HYPERCALL, 0x5000 | 1) &&
	       !hv_wrmsr(hv, vp, HVP_MSR_SIMP, fx_simp(vp) | 1) &&
	       !hv_wrmsr(hv, vp, HVP_MSR_SIEFP, fx_siefp(vp) | 1) &&
	       !hv_wrmsr(hv, vp, HVP_MSR_SCONTROL, 1);
}

bool fx_sint(struct fixture *fx, unsigned int vp, unsigned int sint,
	     bool masked)
{
	uint64_t val = FX_VECTOR | (masked ? HVP_SINT_MASKED : 0);

	return !hv_wrmsr(&fx->hv, vp, HVP_MSR_SINT0 + sint, val);
}

struct hvp_message *fx_slot(struct fixture *fx, unsigned int vp,
			    unsigned int sint)
{
	return (struct hvp_message *)(fx->ram + fx_simp(vp)) + sint;
}

uint64_t *fx_flags(struct fixture *fx, unsigned int vp, unsigned int sint)
{
	return (uint64_t *)(fx->ram + fx_siefp(vp) +
			    sint * HVP_EVENT_FLAGS_BYTES);
}

/* Returns the TLFS status, or 0x10000 + hvemu status if the call faulted. */
uint64_t fx_hcall(struct fixture *fx, unsigned int vp, uint64_t control,
		  uint64_t in)
{
	uint64_t result = ~0ull;
	int st;

	st = hv_hypercall(&fx->hv, vp, control, in, 0, &result);
	return st ? 0x10000u + st : result;
}

uint64_t fx_post(struct fixture *fx, unsigned int vp, uint32_t conn,
		 uint32_t type, uint32_t size, uint8_t fill)
{
	struct hvp_post_message_input *in = (void *)(fx->ram + FX_INPUT);

	memset(in, 0, sizeof(*in));
	in->connection_id = conn;
	in->message_type = type;
	in->payload_size = size;
	memset(in->payload, fill, sizeof(in->payload));
	return fx_hcall(fx, vp, HVP_CALL_POST_MESSAGE, FX_INPUT);
}

uint64_t fx_signal(struct fixture *fx, unsigned int vp, uint32_t conn,
		   unsigned int flag)
{
	return fx_hcall(fx, vp, HVP_CALL_SIGNAL_EVENT | HVP_HCALL_FAST,
			HVP_SIGNAL_EVENT_FAST_INPUT(conn, flag));
}

/* The guest's side of the handshake: free the slot, EOM if asked to. */
void fx_guest_eom(struct fixture *fx, unsigned int vp, unsigned int sint)
{
	struct hvp_message *m = fx_slot(fx, vp, sint);

	__atomic_store_n(&m->header.message_type, 0, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&m->header.flags, __ATOMIC_SEQ_CST) &
	    HVP_MSG_FLAG_PENDING)
		hv_wrmsr(&fx->hv, vp, HVP_MSR_EOM, 0);
}
