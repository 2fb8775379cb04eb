/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvhost's VMBus server: the host half of the VMBus control plane (version
 * negotiation, offers, GPADLs, channel open/close, rescind, unload) and the
 * host side of each channel's rings, on which VSPs (hvhost/vsp/) serve
 * devices. See README.md for the behaviour and the control commands.
 */
#ifndef HVHOST_VMBUS_H
#define HVHOST_VMBUS_H

#include "core/hv.h"
#include "ctl_cmd.h"
#include "vsp/vsp.h"

struct vmbus_server;

/* Parses "X.Y" into a version hvhost knows; false if it knows none such. */
bool vmbus_parse_version(const char *s, uint32_t *version);

/* Registers the message and event connection ids; NULL on failure. */
struct vmbus_server *vmbus_server_create(struct hv *hv, uint32_t max_version);
/* Frees every channel, GPADL and queued message (the guest went away). */
void vmbus_server_destroy(struct vmbus_server *srv);
/* Adds a primary channel for @vsp; offered at once if the guest listens. */
int vmbus_add_device(struct vmbus_server *srv, const struct vsp_ops *vsp,
		     uint32_t *relid);
/*
 * The same, for a VSP whose device has state beyond its channels (@dev, see
 * vsp_device()); @out receives the primary channel.
 */
int vmbus_add_device_dev(struct vmbus_server *srv, const struct vsp_ops *vsp,
			 void *dev, struct vsp_channel **out);
/* Call after SynIC activity (EOM): posts messages waiting for room. */
void vmbus_server_poll(struct vmbus_server *srv);
/* `vmbus ...` and one command per VSP with a ctl hook. */
int vmbus_ctl_register(struct vmbus_server *srv, struct ctl_cmds *cmds);

#endif /* HVHOST_VMBUS_H */
