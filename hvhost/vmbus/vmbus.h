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
struct loop;

/* Monitor ids: 4 trigger groups of 32 in the monitor pages. */
#define VMBUS_MONITOR_IDS	128
#define VMBUS_MONITOR_NONE	(-1)	/* signalled by HvSignalEvent */
#define VMBUS_MONITOR_AUTO	(-2)	/* the lowest free monitor id */

/* A device as --device and `vmbus add` give it. */
struct vmbus_dev_opts {
	const struct vsp_ops *vsp;
	/*
	 * VMBUS_MONITOR_NONE, _AUTO, or the id to offer: 0..127, or 128..255
	 * to test the guest (offered with monitor_allocated, never polled).
	 */
	int monitor_id;
};

/* Parses "X.Y" into a version hvhost knows; false if it knows none such. */
bool vmbus_parse_version(const char *s, uint32_t *version);

/*
 * "NAME[,monitored|,monitor-id=N]" (--device); false if NAME is no VSP
 * or the option is malformed.
 */
bool vmbus_parse_device(const char *spec, struct vmbus_dev_opts *o);
/* One option of the above ("monitored", "monitor-id=N"). */
bool vmbus_parse_device_opt(const char *opt, int *monitor_id);

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
/* The same with options: monitored notification. */
int vmbus_add_device_opts(struct vmbus_server *srv,
			  const struct vmbus_dev_opts *o, uint32_t *relid);
/*
 * Call after SynIC activity (EOM): posts messages waiting for room, and
 * polls the guest's monitor page (vmbus_monitor_poll()).
 */
void vmbus_server_poll(struct vmbus_server *srv);
/* Takes the monitor page's pending bits and kicks their channels. */
void vmbus_monitor_poll(struct vmbus_server *srv);
/* Polls the monitor page on @loop's timer while monitored channels are open. */
int vmbus_server_set_loop(struct vmbus_server *srv, struct loop *loop);
/* `vmbus ...` and one command per VSP with a ctl hook. */
int vmbus_ctl_register(struct vmbus_server *srv, struct ctl_cmds *cmds);

#endif /* HVHOST_VMBUS_H */
