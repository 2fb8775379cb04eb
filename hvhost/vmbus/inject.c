// SPDX-License-Identifier: GPL-2.0
/*
 * `vmbus inject`: malformed host -> guest traffic on demand (see inject.h).
 *
 * Message cases build one control message and send it COUNT times through
 * the normal queue (so MessagePending/EOM and the backlog apply); the
 * oversized case writes the SIMP slot itself, since the SynIC layer never
 * posts more than 240 bytes. Packet cases act on an open channel: they
 * write descriptors and indices straight into the rings, bypassing the
 * ring core's checks, or send well-formed packets with wrong contents
 * through it, then signal the guest. None of them changes the server's
 * own view of channels and GPADLs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <hvproto/echo.h>

#include "vmbus/inject.h"
#include "vmbus/server.h"

/* Most copies per request: the server's backlog holds this many. */
#define INJ_MAX_COUNT	VMBUS_BACKLOG_MAX
/* Unknown class and instance: no guest driver binds them. */
#define INJ_GARBAGE	0xa5

struct inj_msg {
	uint32_t size;
	uint64_t data[HVP_MESSAGE_PAYLOAD_QWORDS];
};

struct inj_args {
	struct vmbus_server *srv;
	int argc;		/* arguments after the case name */
	char **argv;
	unsigned int count;
	struct strbuf *out;
};

struct inj_case {
	const char *name;
	const char *args;
	const char *help;
	int min_args, max_args;
	/* Message cases fill @m; the caller sends it. */
	const char *(*build)(struct inj_args *a, struct inj_msg *m);
	/* Other cases act themselves. */
	const char *(*act)(struct inj_args *a);
};

static bool parse_u32(const char *s, uint32_t *v)
{
	unsigned long long x;
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	x = strtoull(s, &end, 0);
	if (errno || *end || x > UINT32_MAX)
		return false;
	*v = (uint32_t)x;
	return true;
}

/* Argument @i as a u32, or @def when absent; false if malformed. */
static bool arg_u32(struct inj_args *a, int i, uint32_t def, uint32_t *v)
{
	if (i >= a->argc) {
		*v = def;
		return true;
	}
	return parse_u32(a->argv[i], v);
}

/* The minimum length of each host -> guest message type. */
static const uint32_t host_msg_len[HVP_VMBUS_MSG_COUNT] = {
	[HVP_VMBUS_MSG_OFFERCHANNEL] = sizeof(struct hvp_vmbus_offer_channel),
	[HVP_VMBUS_MSG_RESCIND_CHANNELOFFER] = sizeof(struct hvp_vmbus_relid_msg),
	[HVP_VMBUS_MSG_ALLOFFERS_DELIVERED] = sizeof(struct hvp_vmbus_msg_header),
	[HVP_VMBUS_MSG_OPENCHANNEL_RESULT] = sizeof(struct hvp_vmbus_open_result),
	[HVP_VMBUS_MSG_GPADL_CREATED] = sizeof(struct hvp_vmbus_gpadl_created),
	[HVP_VMBUS_MSG_GPADL_TORNDOWN] = sizeof(struct hvp_vmbus_gpadl_torndown),
	[HVP_VMBUS_MSG_VERSION_RESPONSE] =
		sizeof(struct hvp_vmbus_version_response),
	[HVP_VMBUS_MSG_UNLOAD_RESPONSE] = sizeof(struct hvp_vmbus_msg_header),
	[HVP_VMBUS_MSG_MODIFYCHANNEL_RESPONSE] =
		sizeof(struct hvp_vmbus_modify_channel),
};

static void msg_init(struct inj_msg *m, uint32_t type, uint32_t size)
{
	struct hvp_vmbus_msg_header *h = (void *)m->data;

	memset(m, 0, sizeof(*m));
	h->msgtype = type;
	m->size = size;
}

/* Message cases */

static const char *b_short(struct inj_args *a, struct inj_msg *m)
{
	uint32_t type, len, min;
	uint8_t *p = (uint8_t *)m->data;

	if (!arg_u32(a, 0, 0, &type) || type >= HVP_VMBUS_MSG_COUNT ||
	    !host_msg_len[type])
		return "TYPE: a host->guest message type (1 4 6 10 12 15 17 24)";
	min = host_msg_len[type];
	if (!arg_u32(a, 1, min - 1, &len) || len >= min)
		return "LEN: below the type's minimum length";
	/* What follows the header looks plausible, had the guest read it. */
	msg_init(m, type, len);
	memset(p + sizeof(struct hvp_vmbus_msg_header), 0x01,
	       sizeof(m->data) - sizeof(struct hvp_vmbus_msg_header));
	return NULL;
}

static const char *b_type(struct inj_args *a, struct inj_msg *m)
{
	uint32_t type;

	if (!arg_u32(a, 0, 0, &type))
		return "MSGTYPE: a number";
	msg_init(m, type, 32);
	return NULL;
}

/* A complete offer of an unknown device: the base of the offer cases. */
static void offer_init(struct inj_msg *m, uint32_t relid)
{
	struct hvp_vmbus_offer_channel *o = (void *)m->data;

	msg_init(m, HVP_VMBUS_MSG_OFFERCHANNEL, sizeof(*o));
	memset(&o->offer.if_type, INJ_GARBAGE, sizeof(o->offer.if_type));
	memset(&o->offer.if_instance, INJ_GARBAGE,
	       sizeof(o->offer.if_instance));
	o->offer.if_instance.b[0] = (uint8_t)relid;
	o->offer.if_instance.b[1] = (uint8_t)(relid >> 8);
	o->child_relid = relid;
	o->monitor_id = 0xff;
	o->interrupt_flags = HVP_VMBUS_OFFER_DEDICATED_INTERRUPT;
	o->connection_id = VMBUS_CHAN_CONN(relid & 0xfff);
}

static const char *b_offer_relid(struct inj_args *a, struct inj_msg *m)
{
	uint32_t relid;

	if (!arg_u32(a, 0, 0, &relid))
		return "RELID: a number";
	offer_init(m, relid);
	return NULL;
}

/* The real offer of channel RELID, as chan_offer() builds it. */
static const char *real_offer(struct inj_args *a, struct inj_msg *m,
			      uint32_t *relid)
{
	struct hvp_vmbus_offer_channel *o = (void *)m->data;
	struct vsp_channel *ch;

	if (!arg_u32(a, 0, 0, relid) || !(ch = chan_find(a->srv, *relid)))
		return "RELID: an existing channel";
	offer_init(m, *relid);
	o->offer.if_type = ch->vsp->class_id;
	chan_instance(ch, &o->offer.if_instance);
	o->offer.sub_channel_index = ch->sub_index;
	o->connection_id = ch->conn_id;
	return NULL;
}

static const char *b_offer_dup(struct inj_args *a, struct inj_msg *m)
{
	uint32_t relid;

	return real_offer(a, m, &relid);
}

static const char *b_offer_dup_instance(struct inj_args *a,
					struct inj_msg *m)
{
	struct hvp_vmbus_offer_channel *o = (void *)m->data;
	uint32_t relid, new_relid;
	const char *err = real_offer(a, m, &relid);

	if (err)
		return err;
	if (!arg_u32(a, 1, 0, &new_relid) || !new_relid)
		return "NEWRELID: a number";
	o->child_relid = new_relid;
	o->offer.sub_channel_index = 0;
	o->connection_id = VMBUS_CHAN_CONN(new_relid & 0xfff);
	return NULL;
}

static const char *b_offer_orphan(struct inj_args *a, struct inj_msg *m)
{
	struct hvp_vmbus_offer_channel *o = (void *)m->data;
	uint32_t relid, index;

	if (!arg_u32(a, 0, 0, &relid) || !arg_u32(a, 1, 1, &index) ||
	    !index || index > UINT16_MAX)
		return "RELID [INDEX]: numbers, INDEX 1..65535";
	offer_init(m, relid);
	o->offer.sub_channel_index = (uint16_t)index;
	return NULL;
}

static const char *b_offer_garbage(struct inj_args *a, struct inj_msg *m)
{
	struct hvp_vmbus_offer_channel *o = (void *)m->data;
	uint32_t relid;

	if (!arg_u32(a, 0, 0, &relid))
		return "RELID: a number";
	offer_init(m, relid);
	o->offer.reserved1 = ~0ull;
	o->offer.reserved2 = ~0ull;
	o->offer.chn_flags = 0xffff & ~HVP_VMBUS_CHN_NAMED_PIPE_MODE;
	o->offer.mmio_megabytes = 0xffff;
	memset(o->offer.user_def, 0xff, sizeof(o->offer.user_def));
	o->offer.reserved3 = 0xffff;
	o->monitor_id = 200;
	o->monitor_flags = 0xff;
	o->interrupt_flags = 0xffff;
	o->connection_id = 0xffffffffu;
	return NULL;
}

static const char *b_rescind(struct inj_args *a, struct inj_msg *m)
{
	struct hvp_vmbus_relid_msg *r = (void *)m->data;
	uint32_t relid;

	if (!arg_u32(a, 0, 0, &relid))
		return "RELID: a number";
	msg_init(m, HVP_VMBUS_MSG_RESCIND_CHANNELOFFER, sizeof(*r));
	r->child_relid = relid;
	return NULL;
}

static const char *b_open_result(struct inj_args *a, struct inj_msg *m)
{
	struct hvp_vmbus_open_result *r = (void *)m->data;
	uint32_t relid, open_id, status;

	if (!arg_u32(a, 0, 0, &relid) || !arg_u32(a, 1, relid, &open_id) ||
	    !arg_u32(a, 2, 0, &status))
		return "RELID [OPEN_ID [STATUS]]: numbers";
	msg_init(m, HVP_VMBUS_MSG_OPENCHANNEL_RESULT, sizeof(*r));
	r->child_relid = relid;
	r->open_id = open_id;
	r->status = status;
	return NULL;
}

static const char *b_gpadl_created(struct inj_args *a, struct inj_msg *m)
{
	struct hvp_vmbus_gpadl_created *r = (void *)m->data;
	uint32_t relid, gpadl, status;

	if (!arg_u32(a, 0, 0, &relid) || !arg_u32(a, 1, 0, &gpadl) ||
	    !arg_u32(a, 2, 0, &status))
		return "RELID GPADL [STATUS]: numbers";
	msg_init(m, HVP_VMBUS_MSG_GPADL_CREATED, sizeof(*r));
	r->child_relid = relid;
	r->gpadl = gpadl;
	r->status = status;
	return NULL;
}

static const char *b_gpadl_torndown(struct inj_args *a, struct inj_msg *m)
{
	struct hvp_vmbus_gpadl_torndown *r = (void *)m->data;
	uint32_t gpadl;

	if (!arg_u32(a, 0, 0, &gpadl))
		return "GPADL: a number";
	msg_init(m, HVP_VMBUS_MSG_GPADL_TORNDOWN, sizeof(*r));
	r->gpadl = gpadl;
	return NULL;
}

static const char *b_version(struct inj_args *a, struct inj_msg *m)
{
	struct hvp_vmbus_version_response *r = (void *)m->data;
	uint32_t supported, conn_id;

	if (!arg_u32(a, 0, 1, &supported) || supported > 0xff ||
	    !arg_u32(a, 1, 0xffffffffu, &conn_id))
		return "[SUPPORTED [CONN_ID]]: numbers";
	msg_init(m, HVP_VMBUS_MSG_VERSION_RESPONSE, sizeof(*r));
	r->version_supported = (uint8_t)supported;
	r->msg_conn_id = conn_id;
	return NULL;
}

static const char *b_header_only(struct inj_msg *m, uint32_t type)
{
	msg_init(m, type, sizeof(struct hvp_vmbus_msg_header));
	return NULL;
}

static const char *b_unload(struct inj_args *a, struct inj_msg *m)
{
	(void)a;
	return b_header_only(m, HVP_VMBUS_MSG_UNLOAD_RESPONSE);
}

static const char *b_alloffers(struct inj_args *a, struct inj_msg *m)
{
	(void)a;
	return b_header_only(m, HVP_VMBUS_MSG_ALLOFFERS_DELIVERED);
}

static const char *b_modify(struct inj_args *a, struct inj_msg *m)
{
	struct hvp_vmbus_modify_channel *r = (void *)m->data;
	uint32_t relid, status;

	if (!arg_u32(a, 0, 0, &relid) || !arg_u32(a, 1, 0, &status))
		return "RELID [STATUS]: numbers";
	msg_init(m, HVP_VMBUS_MSG_MODIFYCHANNEL_RESPONSE, sizeof(*r));
	r->child_relid = relid;
	r->target_vp = status;
	return NULL;
}

/* SynIC cases */

static const char *a_synic_type(struct inj_args *a)
{
	struct hvp_vmbus_msg_header h = {
		.msgtype = HVP_VMBUS_MSG_ALLOFFERS_DELIVERED,
	};
	struct vmbus_server *srv = a->srv;
	uint32_t type;
	unsigned int i;

	if (!arg_u32(a, 0, 2, &type) || !type || type == HVP_VMBUS_MESSAGE_TYPE ||
	    type & HVP_MSG_HYPERVISOR_MASK)
		return "TYPE: a SynIC message type other than 0, 1, >= 0x80000000";
	for (i = 0; i < a->count; i++)
		if (synic_post(&srv->hv->synic, srv->target_vp, srv->msg_sint,
			       type, &h, sizeof(h)))
			return "the SINT queue is full";
	return NULL;
}

/* Writes the SIMP slot itself: payload_size above 240. */
static const char *a_oversize(struct inj_args *a)
{
	struct vmbus_server *srv = a->srv;
	struct synic *s = &srv->hv->synic;
	struct synic_vp *v = synic_vp(s, srv->target_vp);
	struct hvp_vmbus_msg_header h = {
		.msgtype = HVP_VMBUS_MSG_ALLOFFERS_DELIVERED,
	};
	struct hvp_message *slot;
	uint32_t size;

	if (!arg_u32(a, 0, 255, &size) || size <= HVP_MESSAGE_PAYLOAD_BYTES ||
	    size > 255)
		return "SIZE: 241..255";
	if (a->count != 1)
		return "one at a time: the slot must be free";
	if (!v || !(v->scontrol & HVP_SCONTROL_ENABLE) ||
	    !(v->simp & HVP_MSR_PAGE_ENABLE))
		return "the guest's SIMP is disabled";
	slot = gm_ptr(srv->hv->mem, (v->simp & HVP_MSR_PAGE_GPA_MASK) +
		      (uint64_t)srv->msg_sint * HVP_MESSAGE_SIZE,
		      HVP_MESSAGE_SIZE);
	if (!slot || srv->backlog || v->sint[srv->msg_sint].queued ||
	    __atomic_load_n(&slot->header.message_type, __ATOMIC_SEQ_CST))
		return "the message slot is busy: retry";
	memset(slot->payload, 0, sizeof(slot->payload));
	memcpy(slot->payload, &h, sizeof(h));
	slot->header.payload_size = (uint8_t)size;
	slot->header.flags = 0;
	slot->header.sender = 0;
	/* Orders the payload and header before the type that publishes them. */
	__atomic_store_n(&slot->header.message_type, HVP_VMBUS_MESSAGE_TYPE,
			 __ATOMIC_RELEASE);
	if (!(v->sint[srv->msg_sint].msr & HVP_SINT_MASKED) && s->irq)
		s->irq(s->irq_opaque, srv->target_vp);
	return NULL;
}

/* Packet cases: the channel's rings, written directly */

static struct vsp_channel *open_chan(struct inj_args *a, const char **err)
{
	struct vsp_channel *ch;
	uint32_t relid;

	if (!arg_u32(a, 0, 0, &relid) || !(ch = chan_find(a->srv, relid))) {
		*err = "RELID: an existing channel";
		return NULL;
	}
	if (ch->state != CHAN_OPEN) {
		*err = "the channel is not open";
		return NULL;
	}
	return ch;
}

static uint8_t *ring_byte(const struct hvg_ring *r, uint32_t off)
{
	off %= r->size;
	return r->pages[off / 4096] + off % 4096;
}

static void ring_poke(const struct hvg_ring *r, uint32_t off, const void *src,
		      uint32_t len)
{
	const uint8_t *s = src;
	uint32_t i;

	for (i = 0; i < len; i++)
		*ring_byte(r, off + i) = s[i];
}

static void ring_peek(const struct hvg_ring *r, uint32_t off, void *dst,
		      uint32_t len)
{
	uint8_t *d = dst;
	uint32_t i;

	for (i = 0; i < len; i++)
		d[i] = *ring_byte(r, off + i);
}

static void kick_guest(struct vsp_channel *ch)
{
	ch->signals_out++;
	ch->srv->stats.events_out++;
	synic_signal(&ch->srv->hv->synic, ch->target_vp,
		     HVP_VMBUS_MESSAGE_SINT, ch->relid);
}

/*
 * A 32-byte packet at the write index (descriptor, 8 payload bytes,
 * trailer) with @d as its descriptor, published; a valid one has offset8 2
 * and len8 3.
 */
static void raw_packet(struct vsp_channel *ch, const struct hvp_packet_desc *d)
{
	struct hvg_ring *r = &ch->out;
	uint32_t start = r->priv_write;
	uint64_t payload = 0x494e4a4543544544ull, trailer = (uint64_t)start << 32;

	ring_poke(r, start, d, sizeof(*d));
	ring_poke(r, start + 16, &payload, 8);
	ring_poke(r, start + 24, &trailer, 8);
	__atomic_store_n(&r->hdr->write_index, (start + 32) % r->size,
			 __ATOMIC_RELEASE);
	kick_guest(ch);
}

static const char *raw_desc(struct inj_args *a, uint16_t offset8,
			    uint16_t len8)
{
	struct hvp_packet_desc d = {
		.type = HVP_PKT_DATA_INBAND, .offset8 = offset8, .len8 = len8,
		.trans_id = 0,
	};
	const char *err = NULL;
	struct vsp_channel *ch = open_chan(a, &err);

	if (!ch)
		return err;
	if (a->count != 1)
		return "one at a time: the ring is broken after it";
	if (hvg_ring_write_avail(&ch->out) < 64)
		return "the host->guest ring is full";
	raw_packet(ch, &d);
	return NULL;
}

static const char *a_pkt_len8(struct inj_args *a)
{
	uint32_t len8;

	if (!arg_u32(a, 1, 1, &len8) || len8 > UINT16_MAX || len8 == 3)
		return "RELID LEN8: 0..65535 but 3 (the valid value)";
	return raw_desc(a, 2, (uint16_t)len8);
}

static const char *a_pkt_offset8(struct inj_args *a)
{
	uint32_t off8;

	if (!arg_u32(a, 1, 1, &off8) || off8 > UINT16_MAX ||
	    (off8 >= 2 && off8 <= 3))
		return "RELID OFFSET8: 0..65535 but 2, 3 (the valid values)";
	return raw_desc(a, (uint16_t)off8, 3);
}

static const char *set_index(struct inj_args *a, bool write_index,
			     uint32_t def_kind)
{
	const char *err = NULL;
	struct vsp_channel *ch = open_chan(a, &err);
	struct hvg_ring *r;
	uint32_t v;

	if (!ch)
		return err;
	r = write_index ? &ch->out : &ch->in;
	/* 0: just past the end; 1: unaligned; else the value given */
	if (!arg_u32(a, 1, def_kind, &v))
		return "RELID [VALUE]: numbers";
	if (v == 0)
		v = r->size;
	else if (v == 1)
		v = ((write_index ? r->priv_write : r->priv_read) + 4) %
		    r->size;
	if (write_index)
		__atomic_store_n(&r->hdr->write_index, v, __ATOMIC_RELEASE);
	else
		__atomic_store_n(&r->hdr->read_index, v, __ATOMIC_RELEASE);
	kick_guest(ch);
	return NULL;
}

static const char *a_windex_range(struct inj_args *a)
{
	return set_index(a, true, 0);
}

static const char *a_windex_unaligned(struct inj_args *a)
{
	return set_index(a, true, 1);
}

static const char *a_rindex(struct inj_args *a)
{
	return set_index(a, false, 0);
}

/* Well-formed packets, sent through the ring core COUNT times. */
static const char *send_n(struct inj_args *a, struct vsp_channel *ch,
			  uint16_t type, uint64_t trans_id, const void *ext,
			  uint32_t ext_len, const void *data, uint32_t len)
{
	unsigned int i;
	int err;

	for (i = 0; i < a->count; i++) {
		err = vsp_send(ch, type, 0, trans_id, ext, ext_len, data, len);
		if (err == -EAGAIN) {
			sb_printf(a->out, "sent=%u\n", i);
			return "the host->guest ring is full";
		}
		if (err)
			return "the host->guest ring is broken";
	}
	return NULL;
}

static const char *a_comp(struct inj_args *a)
{
	struct hvp_echo_resp resp = { .op = HVP_ECHO_OP_SUM };
	const char *err = NULL;
	struct vsp_channel *ch = open_chan(a, &err);
	uint32_t lo, hi;

	if (!ch)
		return err;
	if (!arg_u32(a, 1, 0xdead, &lo) || !arg_u32(a, 2, 0xbeef, &hi))
		return "RELID [ID_LOW [ID_HIGH]]: numbers";
	return send_n(a, ch, HVP_PKT_COMP, (uint64_t)hi << 32 | lo, NULL, 0,
		      &resp, sizeof(resp));
}

/* The last packet written, found through its trailer: sent again. */
static const char *a_comp_repeat(struct inj_args *a)
{
	const char *err = NULL;
	struct vsp_channel *ch = open_chan(a, &err);
	struct hvp_packet_desc d;
	uint8_t payload[256];
	uint64_t trailer;
	uint32_t start, off, len;
	struct hvg_ring *r;

	if (!ch)
		return err;
	r = &ch->out;
	if (!r->stats.packets)
		return "no packet sent on this channel yet";
	ring_peek(r, r->priv_write + r->size - 8, &trailer, 8);
	start = (uint32_t)(trailer >> 32);
	if (start >= r->size)
		return "the ring holds no trailer";
	ring_peek(r, start, &d, sizeof(d));
	off = d.offset8 * 8u;
	len = d.len8 * 8u;
	if (d.type != HVP_PKT_COMP || off < sizeof(d) || off > len ||
	    len - off > sizeof(payload))
		return "the last packet is not a small completion";
	ring_peek(r, start + off, payload, len - off);
	return send_n(a, ch, HVP_PKT_COMP, d.trans_id, NULL, 0, payload,
		      len - off);
}

static const char *a_pkt_type(struct inj_args *a)
{
	uint64_t payload = 0;
	const char *err = NULL;
	struct vsp_channel *ch = open_chan(a, &err);
	uint32_t type;

	if (!ch)
		return err;
	if (!arg_u32(a, 1, 0x7f, &type) || type > UINT16_MAX)
		return "RELID [TYPE]: 0..65535";
	return send_n(a, ch, (uint16_t)type, 0, NULL, 0, &payload,
		      sizeof(payload));
}

/*
 * A packet of @type whose extension @ext (range_count at ext[1]) holds
 * one range, with range_count set to the COUNT argument (default 5; 1 is
 * refused unless @one_ok).
 */
static const char *range_count_case(struct inj_args *a, uint16_t type,
				    uint32_t *ext, uint32_t ext_len,
				    bool one_ok)
{
	struct hvp_echo_resp resp = { .op = HVP_ECHO_OP_FILL };
	const char *err = NULL;
	struct vsp_channel *ch = open_chan(a, &err);

	if (!ch)
		return err;
	if (!arg_u32(a, 1, 5, &ext[1]) || (!one_ok && ext[1] == 1))
		return one_ok ? "RELID [COUNT]: a number" :
		       "RELID [COUNT]: a range count other than 1";
	return send_n(a, ch, type, 0, ext, ext_len, &resp, sizeof(resp));
}

/* GPA-direct: one range of one page (4096 bytes at 0 of PFN 0x100). */
static const char *a_pkt_gpa(struct inj_args *a)
{
	uint32_t ext[6] = { 0, 0, 4096, 0, 0x100, 0 };

	return range_count_case(a, HVP_PKT_DATA_USING_GPA_DIRECT, ext,
				sizeof(ext), false);
}

/* Transfer pages: pageset 1, one range of 512 bytes at 0. */
static const char *a_pkt_xfer(struct inj_args *a)
{
	uint32_t ext[4] = { 1, 0, 512, 0 };

	return range_count_case(a, HVP_PKT_DATA_USING_XFER_PAGES, ext,
				sizeof(ext), true);
}

/*
 * Not malformed: runs the host's receive path for RELID as a guest signal
 * would, e.g. after `echo mode RELID drop` ends a pause whose ring is full
 * (the guest does not signal a non-empty ring).
 */
static const char *a_kick(struct inj_args *a)
{
	const char *err = NULL;
	struct vsp_channel *ch = open_chan(a, &err);

	if (!ch)
		return err;
	chan_kick(ch);
	return NULL;
}

static const struct inj_case cases[] = {
	{ "short", "TYPE [LEN]", "a host message type below its minimum "
	  "length (default: one byte short)", 1, 2, b_short, NULL },
	{ "oversize", "[SIZE]", "the SIMP slot's payload_size above 240 "
	  "(default 255), written directly", 0, 1, NULL, a_oversize },
	{ "type", "MSGTYPE", "a VMBus message of that type (0, 25, "
	  "0xffffffff, a guest->host type...)", 1, 1, b_type, NULL },
	{ "synic-type", "[TYPE]", "a SynIC message type other than VMBus's "
	  "(default 2) on the VMBus SINT", 0, 1, NULL, a_synic_type },
	{ "offer-relid", "RELID", "an offer of an unknown device with that "
	  "relid (0, >= 2048, one in use)", 1, 1, b_offer_relid, NULL },
	{ "offer-dup", "RELID", "channel RELID's own offer again",
	  1, 1, b_offer_dup, NULL },
	{ "offer-dup-instance", "RELID NEWRELID", "channel RELID's class and "
	  "instance as a primary (sub index 0) on NEWRELID",
	  2, 2, b_offer_dup_instance, NULL },
	{ "offer-orphan-sub", "RELID [INDEX]", "a subchannel offer "
	  "(default index 1) of an instance with no primary",
	  1, 2, b_offer_orphan, NULL },
	{ "offer-garbage", "RELID", "an offer with garbage GUIDs, flags, "
	  "monitor id 200, connection id 0xffffffff", 1, 1, b_offer_garbage,
	  NULL },
	{ "rescind", "RELID", "RESCIND_CHANNELOFFER of RELID (the server's "
	  "channels are not touched)", 1, 1, b_rescind, NULL },
	{ "open-result", "RELID [OPEN_ID [STATUS]]", "an OPENCHANNEL_RESULT "
	  "nobody asked for", 1, 3, b_open_result, NULL },
	{ "gpadl-created", "RELID GPADL [STATUS]", "a GPADL_CREATED nobody "
	  "asked for", 2, 3, b_gpadl_created, NULL },
	{ "gpadl-torndown", "GPADL", "a GPADL_TORNDOWN nobody asked for",
	  1, 1, b_gpadl_torndown, NULL },
	{ "version-response", "[SUPPORTED [CONN_ID]]", "a VERSION_RESPONSE "
	  "nobody asked for", 0, 2, b_version, NULL },
	{ "unload-response", "", "an UNLOAD_RESPONSE nobody asked for",
	  0, 0, b_unload, NULL },
	{ "alloffers", "", "ALLOFFERS_DELIVERED again", 0, 0, b_alloffers,
	  NULL },
	{ "modify-response", "RELID [STATUS]", "a MODIFYCHANNEL_RESPONSE "
	  "nobody asked for", 1, 2, b_modify, NULL },
	{ "pkt-len8", "RELID [LEN8]", "a packet with len8 LEN8 (default 1; "
	  "> 3 runs past the write index)", 1, 2, NULL, a_pkt_len8 },
	{ "pkt-offset8", "RELID [OFFSET8]", "a packet with offset8 OFFSET8 "
	  "(default 1; > 3 is past len8)", 1, 2, NULL, a_pkt_offset8 },
	{ "pkt-windex-range", "RELID [VALUE]", "the host->guest write_index "
	  "out of range (default: the ring size)", 1, 2, NULL,
	  a_windex_range },
	{ "pkt-windex-unaligned", "RELID", "the host->guest write_index "
	  "4 bytes past the real one", 1, 1, NULL, a_windex_unaligned },
	{ "pkt-rindex", "RELID [VALUE]", "the guest->host read_index out of "
	  "range (default: the ring size)", 1, 2, NULL, a_rindex },
	{ "pkt-comp", "RELID [ID_LOW [ID_HIGH]]", "a completion with a "
	  "trans_id never sent (default 0xbeef0000dead)", 1, 3, NULL, a_comp },
	{ "pkt-comp-repeat", "RELID", "the last completion sent on RELID, "
	  "again", 1, 1, NULL, a_comp_repeat },
	{ "pkt-type", "RELID [TYPE]", "a well-formed packet of type TYPE "
	  "(default 0x7f)", 1, 2, NULL, a_pkt_type },
	{ "pkt-gpa", "RELID [COUNT]", "a GPA-direct packet whose range_count "
	  "(default 5) does not match its one range", 1, 2, NULL, a_pkt_gpa },
	{ "pkt-xfer", "RELID [COUNT]", "a transfer-page packet with "
	  "range_count COUNT (default 5) and one range (1 is well-formed)",
	  1, 2, NULL, a_pkt_xfer },
	{ "kick", "RELID", "no packet: read RELID's guest->host ring now, as "
	  "on a guest signal", 1, 1, NULL, a_kick },
};

static const struct inj_case *find_case(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		if (!strcmp(cases[i].name, name))
			return &cases[i];
	return NULL;
}

static void list(struct strbuf *out)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		sb_printf(out, "%s%s%s - %s\n", cases[i].name,
			  *cases[i].args ? " " : "", cases[i].args,
			  cases[i].help);
}

const char *vmbus_inject_ctl(struct vmbus_server *srv, int argc, char **argv,
			     struct strbuf *out)
{
	struct inj_args a = { .srv = srv, .count = 1, .out = out };
	const struct inj_case *c;
	struct inj_msg m;
	const char *err;
	unsigned int i;

	if (argc == 1 && !strcasecmp(argv[0], "list")) {
		list(out);
		return NULL;
	}
	if (argc >= 2 && !strcmp(argv[0], "-n")) {
		if (!parse_u32(argv[1], &a.count) || !a.count ||
		    a.count > INJ_MAX_COUNT)
			return "-n COUNT: 1..4096";
		argc -= 2, argv += 2;
	}
	if (argc < 1)
		return "usage: vmbus inject list | [-n COUNT] CASE [ARGS...]";
	c = find_case(argv[0]);
	if (!c)
		return "no such case (vmbus inject list)";
	a.argc = argc - 1;
	a.argv = argv + 1;
	if (a.argc < c->min_args || a.argc > c->max_args)
		return "wrong number of arguments (vmbus inject list)";
	if (srv->state != VMBUS_CONNECTED)
		return "the guest is not connected";
	if (c->act) {
		err = c->act(&a);
		if (err)
			return err;
	} else {
		err = c->build(&a, &m);
		if (err)
			return err;
		for (i = 0; i < a.count; i++)
			vmbus_send(srv, m.data, m.size);
	}
	hv_trace("vmbus: injected %s x%u", c->name, a.count);
	sb_printf(out, "injected=%s count=%u\n", c->name, a.count);
	return NULL;
}
