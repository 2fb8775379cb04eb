// SPDX-License-Identifier: GPL-2.0
/*
 * Channels: offers (primary and subchannels), OPENCHANNEL / CLOSECHANNEL,
 * rescind and RELID_RELEASED, MODIFYCHANNEL, and the host side of the two
 * rings: guest signals in, packets to the VSP, packets and signals out.
 *
 * A channel is freed only when the guest can no longer name it: after
 * RELID_RELEASED for a rescinded offer, on UNLOAD or a new contact for a
 * rescinded one, or when hvhost exits.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmbus/server.h"

#define PAGE_SIZE		4096u
#define PKT_BUF_INITIAL		(64u << 10)

void guid_str(const struct hvp_guid *g, char *buf, size_t size)
{
	const uint8_t *b = g->b;

	snprintf(buf, size, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x", b[3], b[2], b[1], b[0], b[5],
		 b[4], b[7], b[6], b[8], b[9], b[10], b[11], b[12], b[13],
		 b[14], b[15]);
}

struct vsp_channel *chan_find(struct vmbus_server *srv, uint32_t relid)
{
	struct vsp_channel *ch;

	for (ch = srv->channels; ch; ch = ch->next)
		if (ch->relid == relid)
			return ch;
	return NULL;
}

/* Lowest free relid from 1; the list stays sorted by relid. */
static uint32_t alloc_relid(struct vmbus_server *srv,
			    struct vsp_channel ***link)
{
	struct vsp_channel **pp = &srv->channels;
	uint32_t relid = 1;

	while (*pp && (*pp)->relid == relid) {
		relid++;
		pp = &(*pp)->next;
	}
	*link = pp;
	return relid < HVP_VMBUS_MAX_RELIDS ? relid : 0;
}

static uint16_t chan_event(void *opaque, struct hv *hv, unsigned int vp,
			   uint32_t conn, unsigned int flag)
{
	struct vsp_channel *ch = opaque;

	(void)hv, (void)conn, (void)flag;
	hv_trace("vmbus: channel %u: signal from vp %u", ch->relid, vp);
	ch->signals_in++;
	ch->srv->stats.events_in++;
	vmbus_server_poll(ch->srv);
	chan_kick(ch);
	return HVP_STATUS_SUCCESS;
}

int chan_create(struct vmbus_server *srv, const struct vsp_ops *vsp,
		struct vsp_channel *primary, struct vsp_channel **out)
{
	struct vsp_channel *ch, **link;
	uint32_t relid = alloc_relid(srv, &link);
	int err;

	if (!relid)
		return -ENOSPC;
	if (primary && primary->next_sub == UINT16_MAX)
		return -ENOSPC;
	ch = calloc(1, sizeof(*ch));
	if (!ch)
		return -ENOMEM;
	ch->srv = srv;
	ch->vsp = vsp;
	ch->relid = relid;
	ch->conn_id = VMBUS_CHAN_CONN(relid);
	ch->monitor_id = VMBUS_MONITOR_NONE;
	ch->primary = primary;
	if (primary) {
		ch->serial = primary->serial;
		ch->sub_index = ++primary->next_sub;
	} else {
		ch->serial = ++srv->next_serial;
	}
	err = hv_register_event(srv->hv, ch->conn_id, ~0u, chan_event, ch);
	if (err) {
		free(ch);
		return err;
	}
	ch->next = *link;
	*link = ch;
	hv_trace("vmbus: channel %u created: %s sub=%u", relid, vsp->name,
		 ch->sub_index);
	*out = ch;
	return 0;
}

/*
 * Instance GUIDs are stable across runs, so tests can name them:
 * SSSSSSSS-6876-4768-8000-0000000000II, S the device serial, I a byte of
 * the class (text form "hvg" in the middle groups).
 */
void chan_instance(const struct vsp_channel *ch, struct hvp_guid *g)
{
	uint32_t s = ch->serial;

	memset(g, 0, sizeof(*g));
	memcpy(g->b, &s, sizeof(s));
	g->b[4] = 0x76, g->b[5] = 0x68, g->b[6] = 0x68, g->b[7] = 0x47;
	g->b[8] = 0x80;
	g->b[15] = ch->vsp->class_id.b[0];
}

void chan_offer(struct vsp_channel *ch)
{
	struct vmbus_server *srv = ch->srv;
	struct hvp_vmbus_offer_channel m = {
		.header.msgtype = HVP_VMBUS_MSG_OFFERCHANNEL,
		.child_relid = ch->relid,
		.monitor_id = 0xff,
		.interrupt_flags = HVP_VMBUS_OFFER_DEDICATED_INTERRUPT,
		.connection_id = ch->conn_id,
	};

	m.offer.if_type = ch->vsp->class_id;
	chan_instance(ch, &m.offer.if_instance);
	m.offer.sub_channel_index = ch->sub_index;
	/*
	 * Before 4.0 channels share HVP_VMBUS_EVENT_CONN_ID and name
	 * themselves with a bit in the guest's interrupt page.
	 */
	if (srv->version < HVP_VMBUS_VERSION_WIN10) {
		m.connection_id = 0;
		m.interrupt_flags = 0;
	}
	if (ch->vsp->offer)
		ch->vsp->offer(ch, &m.offer);
	mon_offer(ch, &m);
	ch->offered = true;
	srv->stats.offers++;
	vmbus_send(srv, &m, sizeof(m));
}

static void send_open_result(struct vmbus_server *srv, uint32_t relid,
			     uint32_t open_id, uint32_t status)
{
	struct hvp_vmbus_open_result r = {
		.header.msgtype = HVP_VMBUS_MSG_OPENCHANNEL_RESULT,
		.child_relid = relid,
		.open_id = open_id,
		.status = status,
	};

	if (status)
		srv->stats.open_failures++;
	else
		srv->stats.opens++;
	vmbus_send(srv, &r, sizeof(r));
}

/* The ring GPADL: one page-aligned range of whole pages, two rings. */
static const char *check_ring_gpadl(const struct gpadl *g, uint32_t down)
{
	if (!g)
		return "no such gpadl";
	if (g->state != GPADL_CREATED)
		return "gpadl not created";
	if (g->refs)
		return "gpadl already holds a ring";
	if (g->nr_ranges != 1 || g->ranges[0].byte_offset ||
	    g->ranges[0].byte_count != (uint64_t)g->nr_pfns * PAGE_SIZE)
		return "gpadl is not one range of whole pages";
	/* Each ring is a header page and at least one data page. */
	if (down < 2 || down > g->nr_pfns || g->nr_pfns - down < 2)
		return "bad downstream ring offset";
	return NULL;
}

static const char *map_rings(struct vsp_channel *ch, struct gpadl *g,
			     uint32_t down)
{
	const struct guest_mem *mem = ch->srv->hv->mem;
	uint32_t i, n = g->nr_pfns;

	ch->pages = calloc(n, sizeof(*ch->pages));
	if (!ch->pages)
		return "out of memory";
	for (i = 0; i < n; i++) {
		ch->pages[i] = gm_ptr(mem, g->pfns[i] * PAGE_SIZE, PAGE_SIZE);
		if (!ch->pages[i])
			return "ring page outside guest RAM";
	}
	if (hvg_ring_init(&ch->in, (void *)ch->pages[0], &ch->pages[1],
			  (down - 1) * PAGE_SIZE))
		return "bad guest->host ring header";
	if (hvg_ring_init(&ch->out, (void *)ch->pages[down],
			  &ch->pages[down + 1], (n - down - 1) * PAGE_SIZE))
		return "bad host->guest ring header";
	return NULL;
}

static void unmap_rings(struct vsp_channel *ch)
{
	free(ch->pages);
	ch->pages = NULL;
	free(ch->pkt_buf);
	ch->pkt_buf = NULL;
	ch->pkt_buf_size = 0;
	ch->held = ch->tx_blocked = false;
	memset(&ch->in, 0, sizeof(ch->in));
	memset(&ch->out, 0, sizeof(ch->out));
}

static const char *open_checks(struct vmbus_server *srv,
			       struct vsp_channel *ch,
			       const struct hvp_vmbus_open_channel *m)
{
	if (!ch)
		return "no such channel";
	if (ch->rescinded)
		return "channel rescinded";
	if (ch->state == CHAN_OPEN)
		return "channel already open";
	if (m->target_vp >= srv->hv->nr_vps)
		return "bad target vp";
	return check_ring_gpadl(gpadl_find(srv, m->ring_gpadl),
				m->downstream_ring_page_offset);
}

void chan_open(struct vmbus_server *srv, const void *msg, uint32_t len)
{
	const struct hvp_vmbus_open_channel *m = msg;
	struct vsp_channel *ch = chan_find(srv, m->child_relid);
	const char *err = open_checks(srv, ch, m);
	struct gpadl *g;

	(void)len;
	if (!err) {
		g = gpadl_find(srv, m->ring_gpadl);
		err = map_rings(ch, g, m->downstream_ring_page_offset);
		if (!err && ch->vsp->open &&
		    ch->vsp->open(ch, m->user_data, sizeof(m->user_data)))
			err = "the device refused";
		if (err) {
			unmap_rings(ch);
		} else {
			gpadl_get(g);
			ch->ring_gpadl = g;
			ch->state = CHAN_OPEN;
			ch->target_vp = m->target_vp;
			ch->open_id = m->open_id;
			ch->opens++;
			mon_opened(ch);
		}
	}
	if (err)
		hv_trace("vmbus: open of channel %u failed: %s",
			 m->child_relid, err);
	else
		hv_trace("vmbus: channel %u open: vp=%u gpadl=%#x down=%u",
			 ch->relid, ch->target_vp, m->ring_gpadl,
			 m->downstream_ring_page_offset);
	send_open_result(srv, m->child_relid, m->open_id,
			 err ? VMBUS_STATUS_FAIL : 0);
	if (!err && ch->vsp->opened)
		ch->vsp->opened(ch);
	/* The guest may have written before it saw the result. */
	if (!err)
		chan_kick(ch);
}

void chan_close(struct vsp_channel *ch)
{
	struct vmbus_server *srv = ch->srv;

	if (ch->state != CHAN_OPEN)
		return;
	if (ch->vsp->close)
		ch->vsp->close(ch);
	ch->state = CHAN_OFFERED;
	mon_closed(ch);
	unmap_rings(ch);
	srv->stats.closes++;
	hv_trace("vmbus: channel %u closed", ch->relid);
	gpadl_put(srv, ch->ring_gpadl);
	ch->ring_gpadl = NULL;
}

void chan_close_msg(struct vmbus_server *srv, const void *msg, uint32_t len)
{
	const struct hvp_vmbus_relid_msg *m = msg;
	struct vsp_channel *ch = chan_find(srv, m->child_relid);

	(void)len;
	if (!ch || ch->state != CHAN_OPEN) {
		srv->stats.messages_wrong_state++;
		hv_trace("vmbus: close of channel %u dropped: not open",
			 m->child_relid);
		return;
	}
	chan_close(ch);
}

void chan_free(struct vsp_channel *ch)
{
	struct vmbus_server *srv = ch->srv;
	struct vsp_channel **pp, *c;

	chan_close(ch);
	mon_release(ch);
	for (c = srv->channels; c; c = c->next)
		if (c->primary == ch)
			c->primary = NULL;
	for (pp = &srv->channels; *pp; pp = &(*pp)->next) {
		if (*pp == ch) {
			*pp = ch->next;
			break;
		}
	}
	conn_unregister(&srv->hv->event_conns, ch->conn_id, ~0u);
	hv_trace("vmbus: channel %u freed", ch->relid);
	free(ch);
}

/* Subchannels go first, as Hyper-V does it. */
void chan_rescind(struct vsp_channel *ch)
{
	struct vmbus_server *srv = ch->srv;
	struct hvp_vmbus_relid_msg m = {
		.header.msgtype = HVP_VMBUS_MSG_RESCIND_CHANNELOFFER,
		.child_relid = ch->relid,
	};
	struct vsp_channel *c, *next;

	if (ch->rescinded)
		return;
	for (c = srv->channels; c; c = next) {
		next = c->next;
		if (c->primary == ch)
			chan_rescind(c);
	}
	srv->stats.rescinds++;
	if (ch->vsp->rescind)
		ch->vsp->rescind(ch);
	if (!ch->offered) {
		/* The guest never heard of it. */
		chan_free(ch);
		return;
	}
	ch->rescinded = true;
	hv_trace("vmbus: channel %u rescinded", ch->relid);
	vmbus_send(srv, &m, sizeof(m));
}

void chan_released(struct vmbus_server *srv, const void *msg, uint32_t len)
{
	const struct hvp_vmbus_relid_msg *m = msg;
	struct vsp_channel *ch = chan_find(srv, m->child_relid);
	uint32_t relid;

	(void)len;
	if (!ch || !ch->rescinded) {
		srv->stats.messages_wrong_state++;
		hv_trace("vmbus: release of relid %u dropped: not rescinded",
			 m->child_relid);
		return;
	}
	srv->stats.relids_released++;
	relid = ch->relid;
	chan_free(ch);
	gpadl_free_relid(srv, relid);
}

void chan_modify(struct vmbus_server *srv, const void *msg, uint32_t len)
{
	const struct hvp_vmbus_modify_channel *m = msg;
	struct vsp_channel *ch = chan_find(srv, m->child_relid);
	struct hvp_vmbus_modify_channel r = {
		.header.msgtype = HVP_VMBUS_MSG_MODIFYCHANNEL_RESPONSE,
		.child_relid = m->child_relid,
		.target_vp = VMBUS_STATUS_FAIL,
	};

	(void)len;
	if (srv->version < HVP_VMBUS_VERSION_WIN10_RS3) {
		srv->stats.messages_wrong_state++;
		return;
	}
	if (ch && !ch->rescinded && m->target_vp < srv->hv->nr_vps) {
		ch->target_vp = m->target_vp;
		r.target_vp = 0;
		hv_trace("vmbus: channel %u: target vp %u", ch->relid,
			 ch->target_vp);
	}
	if (srv->version >= HVP_VMBUS_VERSION_WIN10_V5_3)
		vmbus_send(srv, &r, sizeof(r));
}

/* Data path */

static void signal_guest(struct vsp_channel *ch)
{
	ch->signals_out++;
	ch->srv->stats.events_out++;
	synic_signal(&ch->srv->hv->synic, ch->target_vp,
		     HVP_VMBUS_MESSAGE_SINT, ch->relid);
}

static void ring_broken(struct vsp_channel *ch, const char *which)
{
	ch->srv->stats.broken_rings++;
	hv_trace("vmbus: channel %u: %s ring broken", ch->relid, which);
}

/* Reads the next packet into pkt_buf; 0, -EAGAIN when empty, or -EPROTO. */
static int read_packet(struct vsp_channel *ch)
{
	uint32_t size;
	uint8_t *buf;
	int err;

	for (;;) {
		err = hvg_ring_read(&ch->in, ch->pkt_buf, ch->pkt_buf_size,
				    &ch->pkt);
		if (err != -ENOBUFS)
			return err;
		size = ch->pkt_buf_size ? ch->pkt_buf_size : PKT_BUF_INITIAL;
		while (size < ch->pkt.len)
			size *= 2;
		buf = realloc(ch->pkt_buf, size);
		if (!buf)
			return -ENOMEM;
		ch->pkt_buf = buf;
		ch->pkt_buf_size = size;
	}
}

/* Hands the held packet to the VSP; false if it asked to wait. */
static bool deliver(struct vsp_channel *ch)
{
	struct vsp_packet p = {
		.type = ch->pkt.type,
		.flags = ch->pkt.flags,
		.trans_id = ch->pkt.trans_id,
		.raw = ch->pkt_buf,
		.len = ch->pkt.len,
		.data = ch->pkt_buf + ch->pkt.offset,
		.data_len = ch->pkt.len - ch->pkt.offset,
	};
	int err = ch->vsp->packet(ch, &p);

	if (err == -EAGAIN)
		return false;
	ch->held = false;
	ch->rx_packets++;
	ch->rx_bytes += p.len;
	ch->srv->stats.packets_in++;
	if (err) {
		ch->bad_packets++;
		ch->srv->stats.bad_packets++;
		hv_trace("vmbus: channel %u: packet type %u dropped: %s",
			 ch->relid, p.type, strerror(-err));
	}
	return true;
}

static void rx(struct vsp_channel *ch)
{
	bool more = true;
	int err;

	while (more && ch->state == CHAN_OPEN) {
		hvg_ring_mask_interrupts(&ch->in);
		for (;;) {
			if (!ch->held) {
				err = read_packet(ch);
				if (err == -EPROTO)
					ring_broken(ch, "guest->host");
				if (err)
					break;
				ch->held = true;
			}
			if (!deliver(ch) || ch->state != CHAN_OPEN)
				break;
		}
		if (ch->state != CHAN_OPEN)
			return;
		if (hvg_ring_read_done(&ch->in))
			signal_guest(ch);
		/* A deferred packet waits for the guest's signal of room. */
		more = hvg_ring_unmask_interrupts(&ch->in) && !ch->held &&
		       !hvg_ring_is_broken(&ch->in);
	}
}

void chan_kick(struct vsp_channel *ch)
{
	bool was_blocked = ch->tx_blocked;

	if (ch->state != CHAN_OPEN)
		return;
	/* Retry sending: a held packet first, then the VSP's own queue. */
	if (was_blocked) {
		ch->tx_blocked = false;
		hvg_ring_set_pending_send(&ch->out, 0);
	}
	rx(ch);
	if (ch->state == CHAN_OPEN && was_blocked && !ch->tx_blocked &&
	    ch->vsp->tx_ready)
		ch->vsp->tx_ready(ch);
}

/* Pre-5.0: the guest's half of the interrupt page names the channels. */
static void kick_all(struct vmbus_server *srv)
{
	struct vsp_channel *ch, *next;

	for (ch = srv->channels; ch; ch = next) {
		next = ch->next;
		chan_kick(ch);
	}
}

/*
 * A signal on the shared id names no channel without the interrupt page's
 * bits; with none set, every open channel is looked at.
 */
void chan_int_page_scan(struct vmbus_server *srv)
{
	uint64_t *w, bits;
	unsigned int i;
	bool any = false;
	struct vsp_channel *ch;

	w = srv->interrupt_page ?
	    gm_ptr(srv->hv->mem, srv->interrupt_page + HVP_VMBUS_INT_PAGE_HALF,
		   HVP_VMBUS_INT_PAGE_HALF) : NULL;
	for (i = 0; w && i < HVP_VMBUS_INT_PAGE_HALF / 8; i++) {
		if (!__atomic_load_n(&w[i], __ATOMIC_RELAXED))
			continue;
		bits = __atomic_exchange_n(&w[i], 0, __ATOMIC_SEQ_CST);
		while (bits) {
			unsigned int bit = __builtin_ctzll(bits);

			bits &= bits - 1;
			any = true;
			ch = chan_find(srv, i * 64 + bit);
			if (ch) {
				ch->signals_in++;
				chan_kick(ch);
			}
		}
	}
	if (!any)
		kick_all(srv);
}

/* The VSP helpers of vsp.h */

void vsp_set_priv(struct vsp_channel *ch, void *priv)
{
	ch->vsp_priv = priv;
}

void *vsp_priv(const struct vsp_channel *ch)
{
	return ch->vsp_priv;
}

uint32_t vsp_relid(const struct vsp_channel *ch)
{
	return ch->relid;
}

uint16_t vsp_subchannel_index(const struct vsp_channel *ch)
{
	return ch->sub_index;
}

bool vsp_is_open(const struct vsp_channel *ch)
{
	return ch->state == CHAN_OPEN;
}

uint64_t vsp_time_ref_count(const struct vsp_channel *ch)
{
	return hv_time_ref_count(ch->srv->hv);
}

int vsp_send(struct vsp_channel *ch, uint16_t type, uint16_t flags,
	     uint64_t trans_id, const void *ext, uint32_t ext_len,
	     const void *data, uint32_t len)
{
	struct hvg_ring_wdesc d = {
		.type = type, .flags = flags, .ext_len = ext_len,
		.trans_id = trans_id,
	};
	struct hvg_ring_seg segs[2] = { { ext, ext_len }, { data, len } };
	bool signal = false;
	int err;

	if (ch->state != CHAN_OPEN)
		return -EPIPE;
	if (ch->tx_blocked)
		return -EAGAIN;
	err = hvg_ring_write(&ch->out, &d, segs, 2, &signal);
	if (err == -EAGAIN) {
		/* Room may have appeared before the guest saw the request. */
		if (hvg_ring_set_pending_send(&ch->out,
					      hvg_ring_packet_size(ext_len + len)))
			err = hvg_ring_write(&ch->out, &d, segs, 2, &signal);
		if (err == -EAGAIN) {
			ch->tx_blocked = true;
			return err;
		}
		hvg_ring_set_pending_send(&ch->out, 0);
	}
	if (err == -EPROTO)
		ring_broken(ch, "host->guest");
	if (err)
		return err;
	ch->tx_packets++;
	ch->tx_bytes += hvg_ring_packet_size(ext_len + len) -
			HVP_PACKET_TRAILER_SIZE;
	ch->srv->stats.packets_out++;
	if (signal)
		signal_guest(ch);
	return 0;
}

int vsp_send_inband(struct vsp_channel *ch, uint64_t trans_id, bool comp_req,
		    const void *data, uint32_t len)
{
	return vsp_send(ch, HVP_PKT_DATA_INBAND,
			comp_req ? HVP_PKT_FLAG_COMPLETION_REQUESTED : 0,
			trans_id, NULL, 0, data, len);
}

int vsp_send_comp(struct vsp_channel *ch, uint64_t trans_id,
		  const void *data, uint32_t len)
{
	return vsp_send(ch, HVP_PKT_COMP, 0, trans_id, NULL, 0, data, len);
}

uint32_t vsp_send_avail(struct vsp_channel *ch)
{
	uint32_t avail, overhead = hvg_ring_packet_size(0) + 8;

	if (ch->state != CHAN_OPEN || ch->tx_blocked)
		return 0;
	avail = hvg_ring_write_avail(&ch->out);
	return avail > overhead ? (avail - overhead) & ~7u : 0;
}

int vsp_gpa_ranges(const struct vsp_packet *pkt, struct vsp_gpa_range *r,
		   unsigned int max)
{
	const struct hvp_gpa_direct_header *h = (const void *)pkt->raw;
	uint32_t pos = sizeof(*h), end = pkt->len - pkt->data_len, count, i;
	struct hvp_gpa_mpb mpb;

	if (end < sizeof(*h))
		return -EINVAL;
	count = h->range_count;
	if (count > max)
		return -E2BIG;
	for (i = 0; i < count; i++) {
		uint64_t n;

		if (end - pos < sizeof(mpb))
			return -EINVAL;
		memcpy(&mpb, pkt->raw + pos, sizeof(mpb));
		if (!mpb.len || mpb.offset >= PAGE_SIZE)
			return -EINVAL;
		n = ((uint64_t)mpb.offset + mpb.len + PAGE_SIZE - 1) / PAGE_SIZE;
		pos += sizeof(mpb);
		if ((end - pos) / 8 < n)
			return -EINVAL;
		r[i].len = mpb.len;
		r[i].offset = mpb.offset;
		r[i].nr_pfns = (uint32_t)n;
		r[i].pfns = (const uint64_t *)(pkt->raw + pos);
		pos += (uint32_t)n * 8;
	}
	return (int)count;
}

int vsp_gpa_read(struct vsp_channel *ch, uint64_t gpa, void *dst,
		 uint64_t len)
{
	return gm_read(ch->srv->hv->mem, gpa, dst, len);
}

int vsp_gpa_write(struct vsp_channel *ch, uint64_t gpa, const void *src,
		  uint64_t len)
{
	return gm_write(ch->srv->hv->mem, gpa, src, len);
}

void *vsp_gpa_ptr(struct vsp_channel *ch, uint64_t gpa, uint64_t len)
{
	return gm_ptr(ch->srv->hv->mem, gpa, len);
}

int vsp_range_for_each(struct vsp_channel *ch, const struct vsp_gpa_range *r,
		       int (*fn)(void *arg, uint8_t *p, uint32_t len,
				 uint64_t off),
		       void *arg)
{
	uint32_t i, start = r->offset, left = r->len;
	uint64_t off = 0, pfn;
	uint8_t *p;
	int err;

	for (i = 0; i < r->nr_pfns && left; i++) {
		uint32_t n = PAGE_SIZE - start < left ? PAGE_SIZE - start : left;

		memcpy(&pfn, &r->pfns[i], sizeof(pfn));
		if (pfn > UINT64_MAX / PAGE_SIZE)
			return -EFAULT;
		p = vsp_gpa_ptr(ch, pfn * PAGE_SIZE + start, n);
		if (!p)
			return -EFAULT;
		err = fn(arg, p, n, off);
		if (err)
			return err;
		off += n;
		left -= n;
		start = 0;
	}
	return 0;
}
