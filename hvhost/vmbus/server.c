// SPDX-License-Identifier: GPL-2.0
/*
 * The VMBus connection: version negotiation, the message dispatch table,
 * REQUESTOFFERS, UNLOAD, and the queue of host -> guest messages.
 *
 * Every guest message is copied out of the hypercall input by the
 * hypercall layer; here its type is looked up in a table that gives the
 * minimum length and the states in which it is valid, so a handler never
 * sees a message shorter than its struct or one it cannot act on. A short
 * or unknown message is dropped and counted, never answered: the guest
 * cannot match an answer to a message that had no fields.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmbus/server.h"

static const uint32_t known_versions[] = {
	HVP_VMBUS_VERSION_WIN10_V5_3, HVP_VMBUS_VERSION_WIN10_V5_2,
	HVP_VMBUS_VERSION_WIN10_V5_1, HVP_VMBUS_VERSION_WIN10_V5,
	HVP_VMBUS_VERSION_WIN10_RS3, HVP_VMBUS_VERSION_WIN10,
	HVP_VMBUS_VERSION_WIN8_1, HVP_VMBUS_VERSION_WIN8,
};

static bool version_known(uint32_t v)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(known_versions); i++)
		if (known_versions[i] == v)
			return true;
	return false;
}

bool vmbus_parse_version(const char *s, uint32_t *version)
{
	unsigned int major, minor;
	int n = 0;

	if (sscanf(s, "%u.%u%n", &major, &minor, &n) != 2 || s[n] ||
	    major > 0xffff || minor > 0xffff)
		return false;
	*version = HVP_VMBUS_VERSION(major, minor);
	return version_known(*version);
}

void vmbus_version_str(uint32_t version, char *buf, size_t size)
{
	snprintf(buf, size, "%u.%u", version >> 16, version & 0xffff);
}

static const char *const msg_names[HVP_VMBUS_MSG_COUNT] = {
	[HVP_VMBUS_MSG_OFFERCHANNEL] = "OFFERCHANNEL",
	[HVP_VMBUS_MSG_RESCIND_CHANNELOFFER] = "RESCIND_CHANNELOFFER",
	[HVP_VMBUS_MSG_REQUESTOFFERS] = "REQUESTOFFERS",
	[HVP_VMBUS_MSG_ALLOFFERS_DELIVERED] = "ALLOFFERS_DELIVERED",
	[HVP_VMBUS_MSG_OPENCHANNEL] = "OPENCHANNEL",
	[HVP_VMBUS_MSG_OPENCHANNEL_RESULT] = "OPENCHANNEL_RESULT",
	[HVP_VMBUS_MSG_CLOSECHANNEL] = "CLOSECHANNEL",
	[HVP_VMBUS_MSG_GPADL_HEADER] = "GPADL_HEADER",
	[HVP_VMBUS_MSG_GPADL_BODY] = "GPADL_BODY",
	[HVP_VMBUS_MSG_GPADL_CREATED] = "GPADL_CREATED",
	[HVP_VMBUS_MSG_GPADL_TEARDOWN] = "GPADL_TEARDOWN",
	[HVP_VMBUS_MSG_GPADL_TORNDOWN] = "GPADL_TORNDOWN",
	[HVP_VMBUS_MSG_RELID_RELEASED] = "RELID_RELEASED",
	[HVP_VMBUS_MSG_INITIATE_CONTACT] = "INITIATE_CONTACT",
	[HVP_VMBUS_MSG_VERSION_RESPONSE] = "VERSION_RESPONSE",
	[HVP_VMBUS_MSG_UNLOAD] = "UNLOAD",
	[HVP_VMBUS_MSG_UNLOAD_RESPONSE] = "UNLOAD_RESPONSE",
	[HVP_VMBUS_MSG_TL_CONNECT_REQUEST] = "TL_CONNECT_REQUEST",
	[HVP_VMBUS_MSG_MODIFYCHANNEL] = "MODIFYCHANNEL",
	[HVP_VMBUS_MSG_TL_CONNECT_RESULT] = "TL_CONNECT_RESULT",
	[HVP_VMBUS_MSG_MODIFYCHANNEL_RESPONSE] = "MODIFYCHANNEL_RESPONSE",
};

const char *vmbus_msg_name(uint32_t type)
{
	if (type < HVP_VMBUS_MSG_COUNT && msg_names[type])
		return msg_names[type];
	return "UNKNOWN";
}

/* Host -> guest messages: to the contact VP's message SINT, in order. */

static bool out_try(struct vmbus_server *srv, struct outmsg *m)
{
	uint16_t st = synic_post(&srv->hv->synic, m->vp, m->sint,
				 HVP_VMBUS_MESSAGE_TYPE, m->data, m->size);

	return st != HVP_STATUS_INSUFFICIENT_BUFFERS &&
	       st != HVP_STATUS_INSUFFICIENT_MEMORY;
}

static void send_to(struct vmbus_server *srv, unsigned int vp,
		    unsigned int sint, const void *msg, uint32_t size)
{
	const struct hvp_vmbus_msg_header *h = msg;
	struct outmsg m = { .vp = vp, .sint = sint, .size = size }, *q;

	memcpy(m.data, msg, size);
	srv->stats.messages_out++;
	hv_trace("vmbus: -> %s vp=%u sint=%u len=%u",
		 vmbus_msg_name(h->msgtype), vp, sint, size);
	if (!srv->out_head && out_try(srv, &m))
		return;
	q = srv->backlog < VMBUS_BACKLOG_MAX ? malloc(sizeof(*q)) : NULL;
	if (!q) {
		srv->stats.messages_lost++;
		hv_trace("vmbus: message lost: backlog full");
		return;
	}
	*q = m;
	if (srv->out_tail)
		srv->out_tail->next = q;
	else
		srv->out_head = q;
	srv->out_tail = q;
	srv->backlog++;
	srv->stats.messages_backlogged++;
}

void vmbus_send(struct vmbus_server *srv, const void *msg, uint32_t size)
{
	send_to(srv, srv->target_vp, srv->msg_sint, msg, size);
}

void vmbus_server_poll(struct vmbus_server *srv)
{
	struct outmsg *m;

	while ((m = srv->out_head) && out_try(srv, m)) {
		srv->out_head = m->next;
		if (!srv->out_head)
			srv->out_tail = NULL;
		srv->backlog--;
		free(m);
	}
	vmbus_monitor_poll(srv);
}

static void drop_backlog(struct vmbus_server *srv)
{
	struct outmsg *m;

	while ((m = srv->out_head)) {
		srv->out_head = m->next;
		free(m);
	}
	srv->out_tail = NULL;
	srv->backlog = 0;
}

void vmbus_reset_guest(struct vmbus_server *srv)
{
	struct vsp_channel *ch, *next;

	/* First: the guest's pages may be another kernel's memory now. */
	mon_reset(srv);
	for (ch = srv->channels; ch; ch = next) {
		next = ch->next;
		if (ch->state == CHAN_OPEN)
			chan_close(ch);
		if (ch->rescinded)
			chan_free(ch);
		else
			ch->offered = false;
	}
	gpadl_free_all(srv);
	srv->offers_requested = false;
	srv->state = VMBUS_DISCONNECTED;
	srv->interrupt_page = 0;
	srv->monitor_page1 = srv->monitor_page2 = 0;
}

/* A guest page given in INITIATE_CONTACT: 0, or aligned inside RAM. */
static bool page_ok(struct vmbus_server *srv, uint64_t gpa)
{
	return !gpa || (!(gpa & 0xfff) && gm_range_ok(srv->hv->mem, gpa, 4096));
}

static bool contact_ok(struct vmbus_server *srv, uint32_t conn,
		       const struct hvp_vmbus_initiate_contact *m,
		       uint32_t vp, unsigned int sint)
{
	uint32_t v = m->version_requested;

	if (!version_known(v) || v > srv->max_version)
		return false;
	/* From 5.0 the guest must use the new connection id, as on Hyper-V. */
	if (v >= HVP_VMBUS_VERSION_WIN10_V5 &&
	    conn != HVP_VMBUS_MESSAGE_CONN_ID_4)
		return false;
	if (vp >= srv->hv->nr_vps || sint >= HVP_SINT_COUNT)
		return false;
	if (!m->monitor_page1 != !m->monitor_page2 ||
	    !page_ok(srv, m->monitor_page1) || !page_ok(srv, m->monitor_page2))
		return false;
	return v >= HVP_VMBUS_VERSION_WIN10_V5 || page_ok(srv, m->interrupt_page);
}

static void initiate_contact(struct vmbus_server *srv, unsigned int from,
			     uint32_t conn, const void *msg, uint32_t len)
{
	const struct hvp_vmbus_initiate_contact *m = msg;
	struct hvp_vmbus_version_response r = {
		.header.msgtype = HVP_VMBUS_MSG_VERSION_RESPONSE,
	};
	uint32_t v = m->version_requested, vp;
	unsigned int sint = HVP_VMBUS_MESSAGE_SINT;
	char vs[16];

	(void)len;
	/* A new contact resets the bus whatever its state (kexec, kdump). */
	if (srv->state != VMBUS_DISCONNECTED)
		srv->stats.resets++;
	vmbus_reset_guest(srv);
	drop_backlog(srv);
	/* Before Win8.1 host messages go to VP 0. */
	vp = v >= HVP_VMBUS_VERSION_WIN8_1 ? m->target_vcpu : 0;
	if (v >= HVP_VMBUS_VERSION_WIN10_V5)
		sint = m->msg_sint;
	vmbus_version_str(v, vs, sizeof(vs));
	if (!contact_ok(srv, conn, m, vp, sint)) {
		srv->stats.versions_refused++;
		hv_trace("vmbus: version %s refused (conn %u, vp %u)", vs, conn,
			 m->target_vcpu);
		if (vp >= srv->hv->nr_vps || sint >= HVP_SINT_COUNT) {
			vp = from;
			sint = HVP_VMBUS_MESSAGE_SINT;
		}
		send_to(srv, vp, sint, &r, sizeof(r));
		return;
	}
	srv->state = VMBUS_CONNECTED;
	srv->version = v;
	srv->target_vp = vp;
	srv->msg_sint = sint;
	srv->monitor_page1 = m->monitor_page1;
	srv->monitor_page2 = m->monitor_page2;
	srv->interrupt_page =
		v >= HVP_VMBUS_VERSION_WIN10_V5 ? 0 : m->interrupt_page;
	hv_trace("vmbus: version %s accepted: vp=%u sint=%u", vs, vp, sint);
	r.version_supported = 1;
	if (v >= HVP_VMBUS_VERSION_WIN10_V5)
		r.msg_conn_id = HVP_VMBUS_MESSAGE_CONN_ID;
	vmbus_send(srv, &r, sizeof(r));
}

static void request_offers(struct vmbus_server *srv, unsigned int from,
			   uint32_t conn, const void *msg, uint32_t len)
{
	struct hvp_vmbus_msg_header done = {
		.msgtype = HVP_VMBUS_MSG_ALLOFFERS_DELIVERED,
	};
	struct vsp_channel *ch;
	int pass;

	(void)from, (void)conn, (void)msg, (void)len;
	srv->offers_requested = true;
	/* Primaries first: a subchannel's offer names an offered primary. */
	for (pass = 0; pass < 2; pass++)
		for (ch = srv->channels; ch; ch = ch->next)
			if (!ch->offered && !ch->rescinded &&
			    !!ch->primary == pass)
				chan_offer(ch);
	vmbus_send(srv, &done, sizeof(done));
}

static void unload(struct vmbus_server *srv, unsigned int from, uint32_t conn,
		   const void *msg, uint32_t len)
{
	struct hvp_vmbus_msg_header r = {
		.msgtype = HVP_VMBUS_MSG_UNLOAD_RESPONSE,
	};

	struct vsp_channel *ch;
	unsigned int nch = 0, nopen = 0;

	(void)from, (void)conn, (void)msg, (void)len;
	srv->stats.unloads++;
	for (ch = srv->channels; ch; ch = ch->next) {
		nch += ch->offered;
		nopen += ch->state == CHAN_OPEN;
	}
	/* Always logged: tests read it after the guest has gone (reboot). */
	hvhost_log("vmbus: UNLOAD received: %u channels released (%u open), "
		   "%u GPADLs", nch, nopen, srv->nr_gpadls);
	vmbus_reset_guest(srv);
	vmbus_send(srv, &r, sizeof(r));
}

#define ON_GPADL(fn) \
	static void on_##fn(struct vmbus_server *srv, unsigned int from, \
			    uint32_t conn, const void *msg, uint32_t len) \
	{ \
		(void)from, (void)conn; \
		fn(srv, msg, len); \
	}
ON_GPADL(gpadl_header)
ON_GPADL(gpadl_body)
ON_GPADL(gpadl_teardown)
ON_GPADL(chan_open)
ON_GPADL(chan_close_msg)
ON_GPADL(chan_released)
ON_GPADL(chan_modify)

#define ANY_STATE	(BIT(VMBUS_DISCONNECTED) | BIT(VMBUS_CONNECTED))
#define CONNECTED	BIT(VMBUS_CONNECTED)

/* The control plane: what each guest -> host message needs and does. */
static const struct msg_handler {
	uint32_t min_len;
	unsigned long states;
	void (*fn)(struct vmbus_server *srv, unsigned int from, uint32_t conn,
		   const void *msg, uint32_t len);
} handlers[HVP_VMBUS_MSG_COUNT] = {
	[HVP_VMBUS_MSG_INITIATE_CONTACT] = {
		sizeof(struct hvp_vmbus_initiate_contact), ANY_STATE,
		initiate_contact },
	[HVP_VMBUS_MSG_REQUESTOFFERS] = {
		sizeof(struct hvp_vmbus_msg_header), CONNECTED,
		request_offers },
	[HVP_VMBUS_MSG_GPADL_HEADER] = {
		sizeof(struct hvp_vmbus_gpadl_header) +
		sizeof(struct hvp_gpa_range), CONNECTED, on_gpadl_header },
	[HVP_VMBUS_MSG_GPADL_BODY] = {
		sizeof(struct hvp_vmbus_gpadl_body), CONNECTED,
		on_gpadl_body },
	[HVP_VMBUS_MSG_GPADL_TEARDOWN] = {
		sizeof(struct hvp_vmbus_gpadl_teardown), CONNECTED,
		on_gpadl_teardown },
	[HVP_VMBUS_MSG_OPENCHANNEL] = {
		sizeof(struct hvp_vmbus_open_channel), CONNECTED,
		on_chan_open },
	[HVP_VMBUS_MSG_CLOSECHANNEL] = {
		sizeof(struct hvp_vmbus_relid_msg), CONNECTED,
		on_chan_close_msg },
	[HVP_VMBUS_MSG_RELID_RELEASED] = {
		sizeof(struct hvp_vmbus_relid_msg), CONNECTED,
		on_chan_released },
	[HVP_VMBUS_MSG_MODIFYCHANNEL] = {
		sizeof(struct hvp_vmbus_modify_channel), CONNECTED,
		on_chan_modify },
	[HVP_VMBUS_MSG_UNLOAD] = {
		sizeof(struct hvp_vmbus_msg_header), CONNECTED, unload },
};

bool vmbus_parse_guest_msg(const char *s, uint32_t *type)
{
	unsigned long v;
	uint32_t t;
	char *end;

	for (t = 0; t < HVP_VMBUS_MSG_COUNT; t++)
		if (msg_names[t] && !strcmp(s, msg_names[t]))
			break;
	if (t == HVP_VMBUS_MSG_COUNT && *s >= '0' && *s <= '9') {
		v = strtoul(s, &end, 10);
		t = *end || v >= HVP_VMBUS_MSG_COUNT ? HVP_VMBUS_MSG_COUNT :
						     (uint32_t)v;
	}
	if (t == HVP_VMBUS_MSG_COUNT || !handlers[t].fn)
		return false;
	*type = t;
	return true;
}

static uint16_t dispatch(struct vmbus_server *srv, unsigned int vp,
			 uint32_t conn, uint32_t type, const void *payload,
			 uint32_t size)
{
	const struct hvp_vmbus_msg_header *h = payload;
	const struct msg_handler *mh;
	uint32_t msgtype;

	srv->stats.messages_in++;
	vmbus_server_poll(srv);
	if (type != HVP_VMBUS_MESSAGE_TYPE || size < sizeof(*h)) {
		srv->stats.messages_short++;
		hv_trace("vmbus: <- dropped: type %u len %u", type, size);
		return HVP_STATUS_SUCCESS;
	}
	msgtype = h->msgtype;
	mh = msgtype < HVP_VMBUS_MSG_COUNT ? &handlers[msgtype] : NULL;
	if (!mh || !mh->fn) {
		srv->stats.messages_unknown++;
		hv_trace("vmbus: <- %s (%u) dropped: not a guest message",
			 vmbus_msg_name(msgtype), msgtype);
		return HVP_STATUS_SUCCESS;
	}
	if (size < mh->min_len) {
		srv->stats.messages_short++;
		hv_trace("vmbus: <- %s dropped: %u bytes, needs %u",
			 vmbus_msg_name(msgtype), size, mh->min_len);
		return HVP_STATUS_SUCCESS;
	}
	if (!(mh->states & BIT(srv->state))) {
		srv->stats.messages_wrong_state++;
		hv_trace("vmbus: <- %s dropped: not connected",
			 vmbus_msg_name(msgtype));
		return HVP_STATUS_SUCCESS;
	}
	if (srv->mute[msgtype]) {
		/* `vmbus mute`: a host that never answers, for guest tests. */
		srv->mute[msgtype]--;
		srv->stats.messages_muted++;
		hvhost_log("vmbus: <- %s muted: swallowed, %u more to swallow",
			   vmbus_msg_name(msgtype), srv->mute[msgtype]);
		return HVP_STATUS_SUCCESS;
	}
	hv_trace("vmbus: <- %s vp=%u conn=%u len=%u", vmbus_msg_name(msgtype),
		 vp, conn, size);
	mh->fn(srv, vp, conn, payload, size);
	return HVP_STATUS_SUCCESS;
}

static uint16_t msg_conn1(void *opaque, struct hv *hv, unsigned int vp,
			  uint32_t conn, uint32_t type, const void *payload,
			  uint32_t size)
{
	(void)hv;
	return dispatch(opaque, vp, conn, type, payload, size);
}

/* Hyper-V serves connection id 4 only where it speaks 5.0 or later. */
static uint16_t msg_conn4(void *opaque, struct hv *hv, unsigned int vp,
			  uint32_t conn, uint32_t type, const void *payload,
			  uint32_t size)
{
	struct vmbus_server *srv = opaque;

	(void)hv;
	if (srv->max_version < HVP_VMBUS_VERSION_WIN10_V5)
		return HVP_STATUS_INVALID_CONNECTION_ID;
	return dispatch(srv, vp, conn, type, payload, size);
}

/* Pre-5.0 guests may signal through the interrupt page instead. */
static uint16_t event_conn2(void *opaque, struct hv *hv, unsigned int vp,
			    uint32_t conn, unsigned int flag)
{
	struct vmbus_server *srv = opaque;

	(void)hv, (void)vp, (void)conn, (void)flag;
	srv->stats.events_in++;
	vmbus_server_poll(srv);
	chan_int_page_scan(srv);
	return HVP_STATUS_SUCCESS;
}

struct vmbus_server *vmbus_server_create(struct hv *hv, uint32_t max_version)
{
	struct vmbus_server *srv = calloc(1, sizeof(*srv));

	if (!srv)
		return NULL;
	srv->hv = hv;
	srv->max_version = max_version;
	srv->msg_sint = HVP_VMBUS_MESSAGE_SINT;
	if (hv_register_msg(hv, HVP_VMBUS_MESSAGE_CONN_ID, ~0u, msg_conn1,
			    srv))
		goto err_free;
	if (hv_register_msg(hv, HVP_VMBUS_MESSAGE_CONN_ID_4, ~0u, msg_conn4,
			    srv))
		goto err_conn1;
	if (hv_register_event(hv, HVP_VMBUS_EVENT_CONN_ID, ~0u, event_conn2,
			      srv))
		goto err_conn4;
	return srv;

err_conn4:
	conn_unregister(&hv->msg_conns, HVP_VMBUS_MESSAGE_CONN_ID_4, ~0u);
err_conn1:
	conn_unregister(&hv->msg_conns, HVP_VMBUS_MESSAGE_CONN_ID, ~0u);
err_free:
	free(srv);
	return NULL;
}

void vmbus_server_destroy(struct vmbus_server *srv)
{
	struct hv *hv;

	if (!srv)
		return;
	hv = srv->hv;
	mon_uninit(srv);
	vmbus_reset_guest(srv);
	while (srv->channels)
		chan_free(srv->channels);
	drop_backlog(srv);
	conn_unregister(&hv->event_conns, HVP_VMBUS_EVENT_CONN_ID, ~0u);
	conn_unregister(&hv->msg_conns, HVP_VMBUS_MESSAGE_CONN_ID_4, ~0u);
	conn_unregister(&hv->msg_conns, HVP_VMBUS_MESSAGE_CONN_ID, ~0u);
	free(srv);
}

static int add_device(struct vmbus_server *srv, const struct vsp_ops *vsp,
		      int monitor_id, void *dev, struct vsp_channel **out)
{
	struct vsp_channel *ch;
	int err;

	err = chan_create(srv, vsp, NULL, &ch);
	if (err)
		return err;
	err = mon_assign(ch, monitor_id);
	if (err) {
		chan_free(ch);
		return err;
	}
	ch->dev = dev;
	if (srv->state == VMBUS_CONNECTED && srv->offers_requested)
		chan_offer(ch);
	if (out)
		*out = ch;
	return 0;
}

int vmbus_add_device_dev(struct vmbus_server *srv, const struct vsp_ops *vsp,
			 void *dev, struct vsp_channel **out)
{
	return add_device(srv, vsp, VMBUS_MONITOR_NONE, dev, out);
}

int vmbus_add_device_opts(struct vmbus_server *srv,
			  const struct vmbus_dev_opts *o, uint32_t *relid)
{
	struct vsp_channel *ch;
	int err;

	err = add_device(srv, o->vsp, o->monitor_id, NULL, &ch);
	if (!err && relid)
		*relid = ch->relid;
	return err;
}

int vmbus_add_device(struct vmbus_server *srv, const struct vsp_ops *vsp,
		     uint32_t *relid)
{
	const struct vmbus_dev_opts o = { vsp, VMBUS_MONITOR_NONE };

	return vmbus_add_device_opts(srv, &o, relid);
}

/* Device-level VSP helpers of vsp.h */

void *vsp_device(const struct vsp_channel *ch)
{
	const struct vsp_channel *p = ch->primary ? ch->primary : ch;

	return p->dev;
}

int vsp_add_subchannel(struct vsp_channel *primary, struct vsp_channel **out)
{
	struct vmbus_server *srv = primary->srv;
	struct vsp_channel *ch;
	int err;

	if (primary->primary || primary->rescinded)
		return -EINVAL;
	err = chan_create(srv, primary->vsp, primary, &ch);
	if (err)
		return err;
	if (srv->state == VMBUS_CONNECTED && srv->offers_requested)
		chan_offer(ch);
	if (out)
		*out = ch;
	return 0;
}

void vsp_rescind(struct vsp_channel *ch)
{
	chan_rescind(ch);
}
