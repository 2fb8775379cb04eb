/* SPDX-License-Identifier: GPL-2.0 */
/* A fake partition on malloc'd guest RAM, with interrupts counted. */
#ifndef HVHOST_TESTS_FIXTURE_H
#define HVHOST_TESTS_FIXTURE_H

#include "core/hv.h"

#define FX_RAM_SIZE	(1u << 20)
#define FX_SIMP		0x10000ull	/* VP n's SIMP at FX_SIMP + n * 0x2000 */
#define FX_SIEFP	0x11000ull
#define FX_INPUT	0x40000ull	/* hypercall input page */
#define FX_VECTOR	0x30ull

struct fixture {
	uint8_t *ram;
	struct guest_mem mem;
	struct hv hv;
	unsigned int irqs[HVEMU_MAX_VPS];
};

bool fx_init(struct fixture *fx, unsigned int nr_vps);
void fx_uninit(struct fixture *fx);
bool fx_enable(struct fixture *fx, unsigned int vp);
bool fx_sint(struct fixture *fx, unsigned int vp, unsigned int sint,
	     bool masked);
uint64_t fx_simp(unsigned int vp);
uint64_t fx_siefp(unsigned int vp);
struct hvp_message *fx_slot(struct fixture *fx, unsigned int vp,
			    unsigned int sint);
uint64_t *fx_flags(struct fixture *fx, unsigned int vp, unsigned int sint);
uint64_t fx_hcall(struct fixture *fx, unsigned int vp, uint64_t control,
		  uint64_t in);
uint64_t fx_post(struct fixture *fx, unsigned int vp, uint32_t conn,
		 uint32_t type, uint32_t size, uint8_t fill);
uint64_t fx_signal(struct fixture *fx, unsigned int vp, uint32_t conn,
		   unsigned int flag);
void fx_guest_eom(struct fixture *fx, unsigned int vp, unsigned int sint);

#endif /* HVHOST_TESTS_FIXTURE_H */
