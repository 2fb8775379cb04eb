// SPDX-License-Identifier: GPL-2.0
/* The VSPs hvhost can offer, by the name --device and the ctl use. */
#include <string.h>

#include "vsp/vsp.h"

static const struct vsp_ops *const vsps[] = {
	&echo_vsp_ops,
	&timesync_vsp_ops,
};

const struct vsp_ops *vsp_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vsps); i++)
		if (!strcmp(vsps[i]->name, name))
			return vsps[i];
	return NULL;
}

const struct vsp_ops *vsp_at(unsigned int i)
{
	return i < ARRAY_SIZE(vsps) ? vsps[i] : NULL;
}
