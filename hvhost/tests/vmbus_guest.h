/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fake VMBus guest for the unit tests: posts channel messages through
 * HvPostMessage, takes the host's messages out of the SIMP slot (with EOM),
 * builds GPADLs and rings in the fixture's RAM, and runs the guest side of
 * the rings with the same ring core as hvg_vmbus.
 */
#ifndef HVHOST_TESTS_VMBUS_GUEST_H
#define HVHOST_TESTS_VMBUS_GUEST_H

#include <hvproto/vmbus.h>

#include "fixture.h"
#include "ring.h"
#include "vmbus/server.h"

#define VG_VP		1	/* the guest's contact VP */
#define VG_INT_PAGE	0x20000ull
#define VG_MON1		0x21000ull
#define VG_MON2		0x22000ull
#define VG_RING_PFN	0x80u	/* rings live in pages 0x80..0x9f */
#define VG_BUF_PFN	0xa0u	/* data buffers from here */

struct vg {
	struct fixture fx;
	struct vmbus_server *srv;
	struct ctl_cmds cmds;
	struct strbuf out;
	uint32_t conn;		/* where messages go after contact */
	/* The open channel's guest side. */
	uint8_t *pages[64];
	struct hvg_ring tx, rx;	/* guest -> host, host -> guest */
	uint32_t chan_conn;
};

/* A partition with 2 VPs, SINT2 unmasked on both, @devices echo devices. */
bool vg_init(struct vg *g, uint32_t max_version, unsigned int devices);
void vg_uninit(struct vg *g);
uint64_t vg_post(struct vg *g, uint32_t conn, const void *msg, uint32_t len);
/* Next message on (vp, SINT2), EOM'd; its msgtype, or 0 if none. */
uint32_t vg_recv(struct vg *g, unsigned int vp, void *buf, uint32_t *len);
uint32_t vg_recv_type(struct vg *g);
/* INITIATE_CONTACT for @version on the right connection id; true if accepted. */
bool vg_connect(struct vg *g, uint32_t version);
/* REQUESTOFFERS; counts the offers until ALLOFFERS_DELIVERED. */
int vg_request_offers(struct vg *g, struct hvp_vmbus_offer_channel *offers,
		      int max);
/* A GPADL over @n PFNs (pfns[i]); the GPADL_CREATED status, or -1. */
int64_t vg_gpadl(struct vg *g, uint32_t relid, uint32_t handle,
		 const uint64_t *pfns, uint32_t n);
uint32_t vg_teardown(struct vg *g, uint32_t relid, uint32_t handle);
/* Creates a ring GPADL of 2 * @half pages (reversed PFNs) and opens. */
int64_t vg_open(struct vg *g, uint32_t relid, uint32_t half, uint32_t vp);
void vg_close(struct vg *g, uint32_t relid);
uint64_t vg_signal(struct vg *g);
/* Sends @req on the control socket; the response. */
const char *vg_ctl(struct vg *g, const char *req);
bool vg_event_pending(struct vg *g, unsigned int vp, uint32_t relid);

#endif /* HVHOST_TESTS_VMBUS_GUEST_H */
