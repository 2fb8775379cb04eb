// SPDX-License-Identifier: GPL-2.0
/* The partition object (see hv.h). */
#include <errno.h>
#include <string.h>

#include "hv.h"

int hv_init(struct hv *hv, const struct guest_mem *mem, unsigned int nr_vps)
{
	memset(hv, 0, sizeof(*hv));
	if (!nr_vps || nr_vps > HVEMU_MAX_VPS)
		return -EINVAL;
	hv->nr_vps = nr_vps;
	hv->mem = mem;
	hv->ref_start_ns = hv_monotonic_ns();
	return synic_init(&hv->synic, nr_vps, mem, &hv->stats);
}

void hv_uninit(struct hv *hv)
{
	synic_uninit(&hv->synic);
	conn_table_uninit(&hv->msg_conns);
	conn_table_uninit(&hv->event_conns);
}
