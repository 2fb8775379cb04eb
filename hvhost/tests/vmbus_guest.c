// SPDX-License-Identifier: GPL-2.0
/* The fake VMBus guest of the unit tests (see vmbus_guest.h). */
#include <stdio.h>
#include <string.h>

#include "vmbus_guest.h"

bool vg_init(struct vg *g, uint32_t max_version, unsigned int devices)
{
	unsigned int i;

	memset(g, 0, sizeof(*g));
	if (!fx_init(&g->fx, 2) || !fx_enable(&g->fx, 0) ||
	    !fx_enable(&g->fx, 1) || !fx_sint(&g->fx, 0, 2, false) ||
	    !fx_sint(&g->fx, 1, 2, false))
		return false;
	g->srv = vmbus_server_create(&g->fx.hv, max_version);
	if (!g->srv)
		return false;
	for (i = 0; i < devices; i++)
		if (vmbus_add_device(g->srv, &echo_vsp_ops, NULL))
			return false;
	g->conn = HVP_VMBUS_MESSAGE_CONN_ID;
	return !ctl_cmds_init(&g->cmds, &g->fx.hv) &&
	       !vmbus_ctl_register(g->srv, &g->cmds);
}

void vg_uninit(struct vg *g)
{
	vmbus_server_destroy(g->srv);
	sb_free(&g->out);
	fx_uninit(&g->fx);
}

uint64_t vg_post(struct vg *g, uint32_t conn, const void *msg, uint32_t len)
{
	struct hvp_post_message_input *in = (void *)(g->fx.ram + FX_INPUT);

	memset(in, 0, sizeof(*in));
	in->connection_id = conn;
	in->message_type = HVP_VMBUS_MESSAGE_TYPE;
	in->payload_size = len;
	memcpy(in->payload, msg, len);
	return fx_hcall(&g->fx, VG_VP, HVP_CALL_POST_MESSAGE, FX_INPUT);
}

uint32_t vg_recv(struct vg *g, unsigned int vp, void *buf, uint32_t *len)
{
	struct hvp_message *m = fx_slot(&g->fx, vp, 2);
	struct hvp_vmbus_msg_header h;

	if (!m->header.message_type)
		return 0;
	memcpy(&h, m->payload, sizeof(h));
	if (buf)
		memcpy(buf, m->payload, m->header.payload_size);
	if (len)
		*len = m->header.payload_size;
	fx_guest_eom(&g->fx, vp, 2);
	return h.msgtype;
}

uint32_t vg_recv_type(struct vg *g)
{
	return vg_recv(g, VG_VP, NULL, NULL);
}

bool vg_connect(struct vg *g, uint32_t version)
{
	struct hvp_vmbus_initiate_contact m = {
		.header.msgtype = HVP_VMBUS_MSG_INITIATE_CONTACT,
		.version_requested = version,
		.target_vcpu = VG_VP,
		.monitor_page1 = VG_MON1,
		.monitor_page2 = VG_MON2,
	};
	struct hvp_vmbus_version_response r;
	bool v5 = version >= HVP_VMBUS_VERSION_WIN10_V5;

	if (v5)
		m.msg_sint = 2;
	else
		m.interrupt_page = VG_INT_PAGE;
	if (vg_post(g, v5 ? HVP_VMBUS_MESSAGE_CONN_ID_4 :
		    HVP_VMBUS_MESSAGE_CONN_ID, &m, sizeof(m)))
		return false;
	if (vg_recv(g, VG_VP, &r, NULL) != HVP_VMBUS_MSG_VERSION_RESPONSE)
		return false;
	if (v5)
		g->conn = r.msg_conn_id;
	return r.version_supported;
}

int vg_request_offers(struct vg *g, struct hvp_vmbus_offer_channel *offers,
		      int max)
{
	struct hvp_vmbus_msg_header m = {
		.msgtype = HVP_VMBUS_MSG_REQUESTOFFERS,
	};
	struct hvp_vmbus_offer_channel o;
	uint32_t type;
	int n = 0;

	if (vg_post(g, g->conn, &m, sizeof(m)))
		return -1;
	while ((type = vg_recv(g, VG_VP, &o, NULL)) ==
	       HVP_VMBUS_MSG_OFFERCHANNEL) {
		if (n < max)
			offers[n] = o;
		n++;
	}
	return type == HVP_VMBUS_MSG_ALLOFFERS_DELIVERED ? n : -1;
}

int64_t vg_gpadl(struct vg *g, uint32_t relid, uint32_t handle,
		 const uint64_t *pfns, uint32_t n)
{
	uint8_t buf[240];
	struct hvp_vmbus_gpadl_header *h = (void *)buf;
	struct hvp_vmbus_gpadl_body *b = (void *)buf;
	struct hvp_gpa_range r = { .byte_count = n * 4096, .byte_offset = 0 };
	struct hvp_vmbus_gpadl_created c;
	uint32_t i = 0, k;

	memset(buf, 0, sizeof(buf));
	h->header.msgtype = HVP_VMBUS_MSG_GPADL_HEADER;
	h->child_relid = relid;
	h->gpadl = handle;
	h->range_buflen = (uint16_t)(sizeof(r) + n * 8);
	h->range_count = 1;
	memcpy(buf + sizeof(*h), &r, sizeof(r));
	k = n < HVP_VMBUS_GPADL_HEADER_PFNS ? n : HVP_VMBUS_GPADL_HEADER_PFNS;
	memcpy(buf + sizeof(*h) + sizeof(r), pfns, k * 8);
	if (vg_post(g, g->conn, buf, sizeof(*h) + sizeof(r) + k * 8))
		return -1;
	for (i = k; i < n; i += k) {
		k = n - i < HVP_VMBUS_GPADL_BODY_PFNS ? n - i :
		    HVP_VMBUS_GPADL_BODY_PFNS;
		memset(buf, 0, sizeof(buf));
		b->header.msgtype = HVP_VMBUS_MSG_GPADL_BODY;
		b->gpadl = handle;
		memcpy(b->pfn, pfns + i, k * 8);
		if (vg_post(g, g->conn, buf, sizeof(*b) + k * 8))
			return -1;
	}
	if (vg_recv(g, VG_VP, &c, NULL) != HVP_VMBUS_MSG_GPADL_CREATED ||
	    c.gpadl != handle || c.child_relid != relid)
		return -1;
	return c.status;
}

uint32_t vg_teardown(struct vg *g, uint32_t relid, uint32_t handle)
{
	struct hvp_vmbus_gpadl_teardown m = {
		.header.msgtype = HVP_VMBUS_MSG_GPADL_TEARDOWN,
		.child_relid = relid,
		.gpadl = handle,
	};

	vg_post(g, g->conn, &m, sizeof(m));
	return vg_recv_type(g);
}

/* Ring pages in reverse PFN order: the host must not assume contiguity. */
int64_t vg_open(struct vg *g, uint32_t relid, uint32_t half, uint32_t vp)
{
	struct hvp_vmbus_open_channel m = {
		.header.msgtype = HVP_VMBUS_MSG_OPENCHANNEL,
		.child_relid = relid,
		.open_id = relid,
		.ring_gpadl = 0xe1e10 + relid,
		.target_vp = vp,
		.downstream_ring_page_offset = half,
	};
	struct hvp_vmbus_open_result r;
	uint64_t pfns[64];
	uint32_t i, n = 2 * half;
	struct vsp_channel *ch = chan_find(g->srv, relid);

	for (i = 0; i < n; i++) {
		pfns[i] = VG_RING_PFN + n - 1 - i;
		g->pages[i] = g->fx.ram + pfns[i] * 4096;
	}
	memset(g->fx.ram + VG_RING_PFN * 4096, 0, n * 4096);
	if (hvg_ring_init(&g->tx, (void *)g->pages[0], &g->pages[1],
			  (half - 1) * 4096) ||
	    hvg_ring_init(&g->rx, (void *)g->pages[half], &g->pages[half + 1],
			  (half - 1) * 4096))
		return -1;
	hvg_ring_reset(&g->tx, HVP_RING_FEAT_PENDING_SEND_SZ);
	hvg_ring_reset(&g->rx, HVP_RING_FEAT_PENDING_SEND_SZ);
	if (vg_gpadl(g, relid, m.ring_gpadl, pfns, n))
		return -1;
	vg_post(g, g->conn, &m, sizeof(m));
	if (vg_recv(g, VG_VP, &r, NULL) != HVP_VMBUS_MSG_OPENCHANNEL_RESULT ||
	    r.child_relid != relid || r.open_id != relid)
		return -1;
	g->chan_conn = ch ? ch->conn_id : 0;
	return r.status;
}

void vg_close(struct vg *g, uint32_t relid)
{
	struct hvp_vmbus_relid_msg m = {
		.header.msgtype = HVP_VMBUS_MSG_CLOSECHANNEL,
		.child_relid = relid,
	};

	vg_post(g, g->conn, &m, sizeof(m));
}

uint64_t vg_signal(struct vg *g)
{
	return fx_signal(&g->fx, VG_VP, g->chan_conn, 0);
}

const char *vg_ctl(struct vg *g, const char *req)
{
	char line[256];

	snprintf(line, sizeof(line), "%s", req);
	sb_reset(&g->out);
	ctl_execute(&g->cmds, line, &g->out);
	return g->out.buf ? g->out.buf : "";
}

/* Tests and clears the relid's flag in VP @vp's SINT2 event flags. */
bool vg_event_pending(struct vg *g, unsigned int vp, uint32_t relid)
{
	uint64_t *w = fx_flags(&g->fx, vp, 2) + relid / 64;
	uint64_t bit = 1ull << (relid % 64);

	return __atomic_fetch_and(w, ~bit, __ATOMIC_SEQ_CST) & bit;
}
