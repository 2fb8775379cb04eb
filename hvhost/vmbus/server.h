/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VMBus server's state, shared by its files: server.c (connection,
 * message dispatch, the outgoing queue), gpadl.c, channel.c (offers, open,
 * close, rescind, the rings and the VSP helpers) and ctl.c.
 */
#ifndef HVHOST_VMBUS_SERVER_H
#define HVHOST_VMBUS_SERVER_H

#include <hvproto/vmbus.h>

#include "core/loop.h"
#include "ring.h"
#include "vmbus/vmbus.h"

/* NTSTATUS STATUS_UNSUCCESSFUL: what Hyper-V puts in a failed *_RESULT. */
#define VMBUS_STATUS_FAIL	0xc0000001u
/* Channel relid r signals the host on this connection id. */
#define VMBUS_CHAN_CONN(relid)	(0x100000u | (relid))
/* GPADLs a guest may hold, and their PFNs in all, in guest RAM pages. */
#define VMBUS_MAX_GPADLS	8192
#define VMBUS_PFN_RAM_FACTOR	4
/* Messages waiting for room in the guest's SINT queue, at most. */
#define VMBUS_BACKLOG_MAX	4096

enum vmbus_state {
	VMBUS_DISCONNECTED,	/* no accepted INITIATE_CONTACT */
	VMBUS_CONNECTED,	/* version agreed; offers once requested */
};

enum gpadl_state {
	GPADL_RECEIVING,	/* header seen, waiting for GPADL_BODY */
	GPADL_CREATED,		/* GPADL_CREATED sent; usable */
	GPADL_TEARDOWN,		/* teardown asked while a ring holds it */
};

struct gpadl_range {
	uint32_t byte_count;
	uint32_t byte_offset;
	uint32_t first;		/* index of its first PFN in pfns[] */
	uint32_t nr_pfns;
};

struct gpadl {
	struct gpadl *next;
	uint32_t handle;
	uint32_t relid;
	enum gpadl_state state;
	unsigned int refs;	/* open rings using it */
	uint16_t range_count;	/* announced by the header */
	uint16_t range_buflen;
	/* Receive-time parser over the stream of range words. */
	uint32_t words;		/* range words received */
	uint32_t pfns_left;	/* of the range being received */
	struct gpadl_range *ranges;	/* range_count entries */
	uint32_t nr_ranges;	/* complete or in progress */
	uint64_t *pfns;
	uint32_t nr_pfns, cap_pfns;
};

enum chan_state {
	CHAN_OFFERED,
	CHAN_OPEN,
};

struct vsp_channel {
	struct vsp_channel *next;
	struct vmbus_server *srv;
	const struct vsp_ops *vsp;
	void *vsp_priv;
	void *dev;		/* the device's state (primary only) */
	struct vsp_channel *primary;	/* NULL for a primary */
	uint32_t relid;
	uint32_t conn_id;
	uint32_t serial;		/* the device's instance number */
	uint16_t sub_index;
	uint16_t next_sub;		/* primary: next subchannel index */
	enum chan_state state;
	bool offered;		/* OFFERCHANNEL sent in this connection */
	bool rescinded;		/* RESCIND sent, RELID_RELEASED awaited */
	bool held;		/* pkt_buf holds a packet the VSP deferred */
	bool tx_blocked;	/* a send got -EAGAIN: pending_send_sz set */
	uint32_t target_vp;
	uint32_t open_id;
	struct gpadl *ring_gpadl;
	uint8_t **pages;	/* host pointers of the ring GPADL's pages */
	struct hvg_ring in;	/* guest -> host, host reads */
	struct hvg_ring out;	/* host -> guest, host writes */
	uint8_t *pkt_buf;
	uint32_t pkt_buf_size;
	struct hvg_ring_pkt pkt;	/* the held packet */
	uint64_t rx_packets, tx_packets, rx_bytes, tx_bytes;
	uint64_t signals_in, signals_out, bad_packets, dropped;
	uint64_t opens;
	/* Monitored notification (monitor.c) */
	int16_t monitor_id;	/* VMBUS_MONITOR_NONE, or 0..255 */
	bool mon_offered;	/* offered with monitor_allocated */
	bool mon_polled;	/* open, and counted in srv->mon_open */
	uint64_t monitor_triggers;	/* pending bits taken for it */
};

#define VMBUS_STATS(X) \
	X(messages_in) \
	X(messages_short) \
	X(messages_unknown) \
	X(messages_wrong_state) \
	X(messages_out) \
	X(messages_backlogged) \
	X(messages_lost) \
	X(messages_muted) \
	X(versions_refused) \
	X(offers) \
	X(gpadls_created) \
	X(gpadls_failed) \
	X(gpadls_torndown) \
	X(gpadl_bodies_dropped) \
	X(opens) \
	X(open_failures) \
	X(closes) \
	X(rescinds) \
	X(relids_released) \
	X(unloads) \
	X(resets) \
	X(events_in) \
	X(events_out) \
	X(packets_in) \
	X(packets_out) \
	X(bad_packets) \
	X(broken_rings) \
	X(monitor_triggers) \
	X(monitor_ignored)

struct vmbus_stats {
#define VMBUS_STATS_FIELD(name) uint64_t name;
	VMBUS_STATS(VMBUS_STATS_FIELD)
#undef VMBUS_STATS_FIELD
};

struct outmsg {
	struct outmsg *next;
	unsigned int vp, sint;
	uint32_t size;
	uint64_t data[HVP_MESSAGE_PAYLOAD_QWORDS];
};

/* The opaque of one VSP's control command. */
struct vmbus_vsp_ctl {
	struct vmbus_server *srv;
	const struct vsp_ops *vsp;
};

#define VMBUS_MAX_VSP_CTLS	8

struct vmbus_server {
	struct hv *hv;
	enum vmbus_state state;
	uint32_t max_version;	/* for the next negotiation */
	uint32_t version;	/* agreed, when connected */
	uint32_t target_vp;	/* VP for host messages */
	unsigned int msg_sint;
	uint64_t interrupt_page;	/* pre-5.0, 0 if none */
	uint64_t monitor_page1, monitor_page2;
	bool offers_requested;
	struct vsp_channel *channels;	/* by relid, ascending */
	struct gpadl *gpadls;
	unsigned int nr_gpadls;
	uint64_t nr_pfns;	/* in all GPADLs */
	struct outmsg *out_head, *out_tail;
	unsigned int backlog;
	uint32_t next_serial;
	struct vmbus_stats stats;
	struct vmbus_vsp_ctl vsp_ctls[VMBUS_MAX_VSP_CTLS];
	/* `vmbus mute`: guest messages of each type still to swallow. */
	uint32_t mute[HVP_VMBUS_MSG_COUNT];
	/* Monitored notification (monitor.c) */
	struct vsp_channel *mon_chans[VMBUS_MONITOR_IDS];	/* by id */
	unsigned int mon_groups;	/* trigger groups enabled, bit each */
	unsigned int mon_open;		/* channels with mon_polled set */
	bool mon_polling;		/* vmbus_monitor_poll() is running */
	bool mon_timer_ok, mon_timer_on;
	struct loop_timer mon_timer;	/* polls while mon_open */
};

/* server.c */
void vmbus_send(struct vmbus_server *srv, const void *msg, uint32_t size);
/* Closes every channel, frees every GPADL and rescinded channel. */
void vmbus_reset_guest(struct vmbus_server *srv);
const char *vmbus_msg_name(uint32_t type);
/* A guest -> host type by name (OPENCHANNEL) or number; false if none. */
bool vmbus_parse_guest_msg(const char *s, uint32_t *type);
void vmbus_version_str(uint32_t version, char *buf, size_t size);

/* gpadl.c */
struct gpadl *gpadl_find(struct vmbus_server *srv, uint32_t handle);
void gpadl_header(struct vmbus_server *srv, const void *msg, uint32_t len);
void gpadl_body(struct vmbus_server *srv, const void *msg, uint32_t len);
void gpadl_teardown(struct vmbus_server *srv, const void *msg, uint32_t len);
void gpadl_get(struct gpadl *g);
void gpadl_put(struct vmbus_server *srv, struct gpadl *g);
void gpadl_free_all(struct vmbus_server *srv);
void gpadl_free_relid(struct vmbus_server *srv, uint32_t relid);
unsigned int gpadl_count(const struct vmbus_server *srv, uint32_t relid);
const char *gpadl_state_name(enum gpadl_state s);

/* channel.c */
struct vsp_channel *chan_find(struct vmbus_server *srv, uint32_t relid);
int chan_create(struct vmbus_server *srv, const struct vsp_ops *vsp,
		struct vsp_channel *primary, struct vsp_channel **out);
void chan_instance(const struct vsp_channel *ch, struct hvp_guid *g);
void chan_offer(struct vsp_channel *ch);
void chan_open(struct vmbus_server *srv, const void *msg, uint32_t len);
void chan_close_msg(struct vmbus_server *srv, const void *msg, uint32_t len);
void chan_close(struct vsp_channel *ch);
void chan_rescind(struct vsp_channel *ch);
void chan_released(struct vmbus_server *srv, const void *msg, uint32_t len);
void chan_modify(struct vmbus_server *srv, const void *msg, uint32_t len);
void chan_free(struct vsp_channel *ch);
void chan_kick(struct vsp_channel *ch);
void chan_int_page_scan(struct vmbus_server *srv);

void guid_str(const struct hvp_guid *g, char *buf, size_t size);

/* monitor.c */
int mon_assign(struct vsp_channel *ch, int id);
/* Fills the offer's monitor fields and the guest's monitor pages. */
void mon_offer(struct vsp_channel *ch, struct hvp_vmbus_offer_channel *m);
void mon_opened(struct vsp_channel *ch);
void mon_closed(struct vsp_channel *ch);
/* The channel is being freed: its id and page entries go. */
void mon_release(struct vsp_channel *ch);
/* The connection is gone: nothing is offered as monitored any more. */
void mon_reset(struct vmbus_server *srv);
void mon_uninit(struct vmbus_server *srv);

#endif /* HVHOST_VMBUS_SERVER_H */
