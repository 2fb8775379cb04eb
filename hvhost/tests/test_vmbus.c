// SPDX-License-Identifier: GPL-2.0
/*
 * The VMBus server's control plane, driven by a fake guest: negotiation,
 * offers, GPADLs (good and bad), open/close, rescind, hot-add, subchannels,
 * UNLOAD and messages that are short, unknown or in the wrong state.
 */
#include <string.h>

#include "tests/tap.h"	/* vmbus/tests/tap.h, shared with the ring tests */
#include "vmbus_guest.h"

static const uint32_t versions[] = {
	HVP_VMBUS_VERSION_WIN8, HVP_VMBUS_VERSION_WIN8_1,
	HVP_VMBUS_VERSION_WIN10, HVP_VMBUS_VERSION_WIN10_RS3,
	HVP_VMBUS_VERSION_WIN10_V5, HVP_VMBUS_VERSION_WIN10_V5_1,
	HVP_VMBUS_VERSION_WIN10_V5_2, HVP_VMBUS_VERSION_WIN10_V5_3,
};

static bool contains(const char *s, const char *sub)
{
	return strstr(s, sub) != NULL;
}

/* Every known version is accepted at the default cap, on the right id. */
static bool vmbus_negotiate_each(void)
{
	struct hvp_vmbus_initiate_contact m = {
		.header.msgtype = HVP_VMBUS_MSG_INITIATE_CONTACT,
		.target_vcpu = VG_VP,
	};
	struct hvp_vmbus_version_response r;
	unsigned int i;
	struct vg g;

	for (i = 0; i < ARRAY_SIZE(versions); i++) {
		uint32_t v = versions[i];
		unsigned int vp = v >= HVP_VMBUS_VERSION_WIN8_1 ? VG_VP : 0;

		CHECK(vg_init(&g, HVP_VMBUS_VERSION_WIN10_V5_3, 1));
		m.version_requested = v;
		m.interrupt_page = v >= HVP_VMBUS_VERSION_WIN10_V5 ? 2 :
				   VG_INT_PAGE;
		CHECK_EQ(vg_post(&g, v >= HVP_VMBUS_VERSION_WIN10_V5 ? 4 : 1,
				 &m, sizeof(m)), 0);
		/* Before Win8.1 host messages go to VP 0. */
		CHECK_EQ(vg_recv(&g, vp, &r, NULL),
			 HVP_VMBUS_MSG_VERSION_RESPONSE);
		CHECK_EQ(r.version_supported, 1);
		CHECK_EQ(r.msg_conn_id,
			 v >= HVP_VMBUS_VERSION_WIN10_V5 ? 1 : 0);
		CHECK_EQ(g.srv->version, v);
		CHECK_EQ(g.srv->interrupt_page,
			 v >= HVP_VMBUS_VERSION_WIN10_V5 ? 0 : VG_INT_PAGE);
		vg_uninit(&g);
	}
	return true;
}

/* A cap makes newer versions fail so the guest falls back. */
static bool vmbus_negotiate_cap(void)
{
	struct vg g;

	CHECK(vg_init(&g, HVP_VMBUS_VERSION_WIN10, 1));
	/* Hyper-V without 5.x has no connection id 4. */
	CHECK(!vg_connect(&g, HVP_VMBUS_VERSION_WIN10_V5_3));
	CHECK_EQ(vg_recv_type(&g), 0);
	CHECK(!vg_connect(&g, HVP_VMBUS_VERSION_WIN10_RS3));
	CHECK(vg_connect(&g, HVP_VMBUS_VERSION_WIN10));
	CHECK(contains(vg_ctl(&g, "vmbus"),
		       "state=connected version=4.0 max_version=4.0 "));
	/* The cap applies to the next negotiation. */
	CHECK(!strcmp(vg_ctl(&g, "vmbus max-version 5.2"),
		      "max_version=5.2\n.\n"));
	CHECK(contains(vg_ctl(&g, "vmbus max-version 4.5"), "error: "));
	CHECK(!vg_connect(&g, HVP_VMBUS_VERSION_WIN10_V5_3));
	CHECK(vg_connect(&g, HVP_VMBUS_VERSION_WIN10_V5_2));
	CHECK(contains(vg_ctl(&g, "vmbus"), "version=5.2 max_version=5.2 "));
	CHECK_EQ(g.srv->stats.versions_refused, 2);
	vg_uninit(&g);
	return true;
}

static bool vmbus_negotiate_bad(void)
{
	struct hvp_vmbus_initiate_contact m = {
		.header.msgtype = HVP_VMBUS_MSG_INITIATE_CONTACT,
		.version_requested = HVP_VMBUS_VERSION_WIN10,
		.target_vcpu = VG_VP,
	};
	struct hvp_vmbus_version_response r;
	struct vg g;

	CHECK(vg_init(&g, HVP_VMBUS_VERSION_WIN10_V5_3, 1));
	/* 5.x on the old connection id is refused. */
	m.version_requested = HVP_VMBUS_VERSION_WIN10_V5;
	m.msg_sint = 2;
	CHECK_EQ(vg_post(&g, 1, &m, sizeof(m)), 0);
	CHECK_EQ(vg_recv(&g, VG_VP, &r, NULL), HVP_VMBUS_MSG_VERSION_RESPONSE);
	CHECK_EQ(r.version_supported, 0);
	/* Unknown versions. */
	m.version_requested = HVP_VMBUS_VERSION(4, 5);
	m.interrupt_page = 0;
	CHECK_EQ(vg_post(&g, 1, &m, sizeof(m)), 0);
	CHECK_EQ(vg_recv(&g, VG_VP, &r, NULL), HVP_VMBUS_MSG_VERSION_RESPONSE);
	CHECK_EQ(r.version_supported, 0);
	/* Before Win8.1 the answer goes to VP 0. */
	m.version_requested = HVP_VMBUS_VERSION(1, 1);
	CHECK_EQ(vg_post(&g, 1, &m, sizeof(m)), 0);
	CHECK_EQ(vg_recv(&g, 0, &r, NULL), HVP_VMBUS_MSG_VERSION_RESPONSE);
	CHECK_EQ(r.version_supported, 0);
	/* A VP the partition does not have: refused, answered to the poster. */
	m.version_requested = HVP_VMBUS_VERSION_WIN10;
	m.target_vcpu = 7;
	CHECK_EQ(vg_post(&g, 1, &m, sizeof(m)), 0);
	CHECK_EQ(vg_recv(&g, VG_VP, &r, NULL), HVP_VMBUS_MSG_VERSION_RESPONSE);
	CHECK_EQ(r.version_supported, 0);
	m.target_vcpu = VG_VP;
	/* One monitor page without the other; a page outside RAM. */
	m.monitor_page1 = VG_MON1;
	CHECK_EQ(vg_post(&g, 1, &m, sizeof(m)), 0);
	CHECK_EQ(vg_recv(&g, VG_VP, &r, NULL), HVP_VMBUS_MSG_VERSION_RESPONSE);
	CHECK_EQ(r.version_supported, 0);
	m.monitor_page2 = FX_RAM_SIZE;
	CHECK_EQ(vg_post(&g, 1, &m, sizeof(m)), 0);
	CHECK_EQ(vg_recv(&g, VG_VP, &r, NULL), HVP_VMBUS_MSG_VERSION_RESPONSE);
	CHECK_EQ(r.version_supported, 0);
	m.interrupt_page = VG_INT_PAGE + 8;
	m.monitor_page2 = VG_MON2;
	CHECK_EQ(vg_post(&g, 1, &m, sizeof(m)), 0);
	CHECK_EQ(vg_recv(&g, VG_VP, &r, NULL), HVP_VMBUS_MSG_VERSION_RESPONSE);
	CHECK_EQ(r.version_supported, 0);
	CHECK_EQ(g.srv->state, VMBUS_DISCONNECTED);
	/* Short: no answer at all. */
	CHECK_EQ(vg_post(&g, 1, &m, 39), 0);
	CHECK_EQ(vg_recv_type(&g), 0);
	CHECK_EQ(g.srv->stats.messages_short, 1);
	m.interrupt_page = VG_INT_PAGE;
	CHECK_EQ(vg_post(&g, 1, &m, sizeof(m)), 0);
	CHECK_EQ(vg_recv(&g, VG_VP, &r, NULL), HVP_VMBUS_MSG_VERSION_RESPONSE);
	CHECK_EQ(r.version_supported, 1);
	vg_uninit(&g);
	return true;
}

/* Messages before contact, unknown types, host-only types: dropped. */
static bool vmbus_bad_messages(void)
{
	struct hvp_vmbus_msg_header h = {
		.msgtype = HVP_VMBUS_MSG_REQUESTOFFERS,
	};
	uint8_t zero[240] = { 0 };
	struct vg g;

	CHECK(vg_init(&g, HVP_VMBUS_VERSION_WIN10_V5_3, 1));
	CHECK_EQ(vg_post(&g, 1, &h, sizeof(h)), 0);
	CHECK_EQ(g.srv->stats.messages_wrong_state, 1);
	CHECK_EQ(vg_recv_type(&g), 0);
	h.msgtype = 99;
	CHECK_EQ(vg_post(&g, 1, &h, sizeof(h)), 0);
	h.msgtype = HVP_VMBUS_MSG_OFFERCHANNEL;
	CHECK_EQ(vg_post(&g, 1, &h, sizeof(h)), 0);
	CHECK_EQ(g.srv->stats.messages_unknown, 2);
	CHECK_EQ(vg_post(&g, 1, zero, 4), 0);
	CHECK_EQ(vg_post(&g, 1, zero, 0), 0);
	CHECK_EQ(g.srv->stats.messages_short, 2);
	CHECK(vg_connect(&g, HVP_VMBUS_VERSION_WIN10_V5_3));
	/* Every guest message type, every length from 0 to 240, zeros. */
	for (h.msgtype = 0; h.msgtype < 30; h.msgtype++) {
		uint32_t len;

		if (h.msgtype == HVP_VMBUS_MSG_INITIATE_CONTACT ||
		    h.msgtype == HVP_VMBUS_MSG_UNLOAD)
			continue;
		for (len = 0; len <= 240; len += 4) {
			memcpy(zero, &h, sizeof(h));
			vg_post(&g, 1, zero, len);
			while (vg_recv_type(&g))
				;
		}
	}
	CHECK_EQ(g.srv->state, VMBUS_CONNECTED);
	CHECK(!(g.srv->gpadls));
	vg_uninit(&g);
	return true;
}

static bool vmbus_offers(void)
{
	struct hvp_vmbus_offer_channel o[4];
	const struct hvp_guid echo = HVP_GUID_HVG_ECHO;
	const char *r;
	struct vg g;

	CHECK(vg_init(&g, HVP_VMBUS_VERSION_WIN10_V5_3, 2));
	CHECK(vg_connect(&g, HVP_VMBUS_VERSION_WIN10_V5_3));
	CHECK_EQ(vg_request_offers(&g, o, 4), 2);
	CHECK_EQ(o[0].child_relid, 1);
	CHECK_EQ(o[1].child_relid, 2);
	CHECK(!memcmp(&o[0].offer.if_type, &echo, sizeof(echo)));
	CHECK(memcmp(&o[0].offer.if_instance, &o[1].offer.if_instance, 16));
	CHECK_EQ(o[0].offer.sub_channel_index, 0);
	CHECK_EQ(o[0].connection_id, VMBUS_CHAN_CONN(1));
	CHECK_EQ(o[0].interrupt_flags, HVP_VMBUS_OFFER_DEDICATED_INTERRUPT);
	CHECK_EQ(o[0].monitor_flags, 0);
	r = vg_ctl(&g, "vmbus channels");
	CHECK(contains(r, "relid=1 class=8e5fd1b4-3c2a-4b5e-9d7f-6a1c0e2b4d83 "
		       "instance=00000001-6876-4768-8000-0000000000b4 "
		       "state=offered sub=0 gpadls=0 rx_packets=0 "
		       "tx_packets=0 "));
	CHECK(contains(r, "\nrelid=2 class=8e5fd1b4-"));
	/* Hot-add while connected: offered at once, the lowest free relid. */
	CHECK(!strcmp(vg_ctl(&g, "vmbus add echo"), "relid=3\n.\n"));
	CHECK_EQ(vg_recv(&g, VG_VP, &o[2], NULL), HVP_VMBUS_MSG_OFFERCHANNEL);
	CHECK_EQ(o[2].child_relid, 3);
	CHECK(contains(vg_ctl(&g, "vmbus add frob"), "error: "));
	/* A subchannel: the primary's class and instance, an index. */
	CHECK(!strcmp(vg_ctl(&g, "vmbus add-subchannel 1"),
		      "relid=4 sub=1\n.\n"));
	CHECK_EQ(vg_recv(&g, VG_VP, &o[3], NULL), HVP_VMBUS_MSG_OFFERCHANNEL);
	CHECK_EQ(o[3].child_relid, 4);
	CHECK_EQ(o[3].offer.sub_channel_index, 1);
	CHECK(!memcmp(&o[3].offer.if_instance, &o[0].offer.if_instance, 16));
	CHECK(contains(vg_ctl(&g, "vmbus add-subchannel 4"), "error: "));
	CHECK(contains(vg_ctl(&g, "vmbus add-subchannel 9"), "error: "));
	/* A new contact (kexec) offers everything again. */
	CHECK(vg_connect(&g, HVP_VMBUS_VERSION_WIN10_V5_3));
	CHECK_EQ(vg_request_offers(&g, o, 4), 4);
	CHECK_EQ(o[3].offer.sub_channel_index, 1);
	vg_uninit(&g);
	return true;
}

/* Offers beyond the SINT queue wait in the server and follow EOMs. */
static bool vmbus_offer_backlog(void)
{
	struct hvp_vmbus_msg_header m = {
		.msgtype = HVP_VMBUS_MSG_REQUESTOFFERS,
	};
	unsigned int n = 0;
	uint32_t type;
	struct vg g;

	CHECK(vg_init(&g, HVP_VMBUS_VERSION_WIN10_V5_3, 100));
	CHECK(vg_connect(&g, HVP_VMBUS_VERSION_WIN10_V5_3));
	CHECK_EQ(vg_post(&g, 1, &m, sizeof(m)), 0);
	CHECK(g.srv->backlog > 0);
	while ((type = vg_recv_type(&g)) == HVP_VMBUS_MSG_OFFERCHANNEL) {
		n++;
		vmbus_server_poll(g.srv);
	}
	CHECK_EQ(n, 100);
	CHECK_EQ(type, HVP_VMBUS_MSG_ALLOFFERS_DELIVERED);
	CHECK_EQ(g.srv->backlog, 0);
	vg_uninit(&g);
	return true;
}

static bool vmbus_gpadl_bodies(void)
{
	uint64_t pfns[200];
	uint32_t i;
	struct vg g;

	CHECK(vg_init(&g, HVP_VMBUS_VERSION_WIN10_V5_3, 1));
	CHECK(vg_connect(&g, HVP_VMBUS_VERSION_WIN10_V5_3));
	CHECK_EQ(vg_request_offers(&g, NULL, 0), 1);
	for (i = 0; i < 200; i++)
		pfns[i] = 0x10 + (i * 7) % 200;
	/* Header only, exactly full, and header plus 7 bodies. */
	CHECK_EQ(vg_gpadl(&g, 1, 0x100, pfns, 1), 0);
	CHECK_EQ(vg_gpadl(&g, 1, 0x101, pfns, HVP_VMBUS_GPADL_HEADER_PFNS), 0);
	CHECK_EQ(vg_gpadl(&g, 1, 0x102, pfns, 200), 0);
	CHECK_EQ(g.srv->stats.gpadls_created, 3);
	CHECK(contains(vg_ctl(&g, "vmbus gpadls"),
		       "handle=0x102 relid=1 state=created ranges=1 pages=200 "
		       "bytes=819200 refs=0\n"));
	CHECK(!memcmp(gpadl_find(g.srv, 0x102)->pfns, pfns, sizeof(pfns)));
	CHECK(contains(vg_ctl(&g, "vmbus channels"), " gpadls=3 "));
	CHECK_EQ(vg_teardown(&g, 1, 0x101), HVP_VMBUS_MSG_GPADL_TORNDOWN);
	CHECK_EQ(vg_teardown(&g, 1, 0x101), 0);
	CHECK(contains(vg_ctl(&g, "vmbus channels"), " gpadls=2 "));
	vg_uninit(&g);
	return true;
}

/* Two ranges, the second's header in a body, byte_offset used. */
static bool vmbus_gpadl_multirange(void)
{
	uint8_t buf[240] = { 0 };
	struct hvp_vmbus_gpadl_header *h = (void *)buf;
	struct hvp_vmbus_gpadl_body *b = (void *)buf;
	uint64_t w[60];
	struct hvp_vmbus_gpadl_created c;
	struct gpadl *gp;
	unsigned int i, n = 0;
	struct vg g;

	CHECK(vg_init(&g, HVP_VMBUS_VERSION_WIN10_V5_3, 1));
	CHECK(vg_connect(&g, HVP_VMBUS_VERSION_WIN10_V5_3));
	CHECK_EQ(vg_request_offers(&g, NULL, 0), 1);
	/* Range 0: 30 pages' worth from offset 100 (31 PFNs); range 1: 5. */
	w[n++] = 30 * 4096ull | 100ull << 32;
	for (i = 0; i < 31; i++)
		w[n++] = 0x20 + i;
	w[n++] = 5 * 4096ull;
	for (i = 0; i < 5; i++)
		w[n++] = 0x60 + i;
	h->header.msgtype = HVP_VMBUS_MSG_GPADL_HEADER;
	h->child_relid = 1;
	h->gpadl = 7;
	h->range_buflen = (uint16_t)(n * 8);
	h->range_count = 2;
	memcpy(h->range, w, 27 * 8);
	CHECK_EQ(vg_post(&g, 1, buf, 20 + 27 * 8), 0);
	CHECK_EQ(vg_recv_type(&g), 0);
	memset(buf, 0, sizeof(buf));
	b->header.msgtype = HVP_VMBUS_MSG_GPADL_BODY;
	b->gpadl = 7;
	memcpy(b->pfn, w + 27, (n - 27) * 8);
	CHECK_EQ(vg_post(&g, 1, buf, 16 + (n - 27) * 8), 0);
	CHECK_EQ(vg_recv(&g, VG_VP, &c, NULL), HVP_VMBUS_MSG_GPADL_CREATED);
	CHECK_EQ(c.status, 0);
	gp = gpadl_find(g.srv, 7);
	CHECK_EQ(gp->nr_ranges, 2);
	CHECK_EQ(gp->nr_pfns, 36);
	CHECK_EQ(gp->ranges[0].byte_offset, 100);
	CHECK_EQ(gp->ranges[1].first, 31);
	vg_uninit(&g);
	return true;
}

static bool vmbus_gpadl_bad(void)
{
	uint8_t buf[240] = { 0 };
	struct hvp_vmbus_gpadl_header *h = (void *)buf;
	struct hvp_vmbus_gpadl_body *b = (void *)buf;
	struct hvp_gpa_range r = { .byte_count = 3 * 4096 };
	uint64_t pfns[60], big = FX_RAM_SIZE / 4096;
	unsigned int i;
	struct vg g;

	CHECK(vg_init(&g, HVP_VMBUS_VERSION_WIN10_V5_3, 1));
	CHECK(vg_connect(&g, HVP_VMBUS_VERSION_WIN10_V5_3));
	CHECK_EQ(vg_request_offers(&g, NULL, 0), 1);
	for (i = 0; i < 60; i++)
		pfns[i] = 0x30 + i;
	/* PFN outside RAM, in the header or in a body. */
	pfns[1] = big;
	CHECK_EQ(vg_gpadl(&g, 1, 0x200, pfns, 3), VMBUS_STATUS_FAIL);
	pfns[1] = 0x31;
	pfns[35] = ~0ull;
	CHECK_EQ(vg_gpadl(&g, 1, 0x200, pfns, 60), VMBUS_STATUS_FAIL);
	CHECK_EQ(vg_recv_type(&g), 0);	/* the later body was dropped */
	CHECK_EQ(g.srv->stats.gpadl_bodies_dropped, 1);
	pfns[35] = 0x35;
	/* Unknown channel. */
	CHECK_EQ(vg_gpadl(&g, 9, 0x201, pfns, 3), VMBUS_STATUS_FAIL);
	/* Duplicate handle: refused, the first one intact. */
	CHECK_EQ(vg_gpadl(&g, 1, 0x202, pfns, 3), 0);
	CHECK_EQ(vg_gpadl(&g, 1, 0x202, pfns, 4), VMBUS_STATUS_FAIL);
	CHECK_EQ(gpadl_find(g.srv, 0x202)->nr_pfns, 3);
	/* range_buflen that disagrees with the range. */
	h->header.msgtype = HVP_VMBUS_MSG_GPADL_HEADER;
	h->child_relid = 1;
	h->gpadl = 0x203;
	h->range_count = 1;
	h->range_buflen = 8 + 4 * 8;
	memcpy(h->range, &r, sizeof(r));
	memcpy(buf + 28, pfns, 3 * 8);
	CHECK_EQ(vg_post(&g, 1, buf, 28 + 3 * 8), 0);
	CHECK_EQ(vg_recv_type(&g), HVP_VMBUS_MSG_GPADL_CREATED);
	CHECK(!(gpadl_find(g.srv, 0x203)));
	/* More PFNs than the range needs. */
	h->range_buflen = 8 + 3 * 8;
	memcpy(buf + 28, pfns, 4 * 8);
	CHECK_EQ(vg_post(&g, 1, buf, 28 + 4 * 8), 0);
	CHECK_EQ(vg_recv_type(&g), HVP_VMBUS_MSG_GPADL_CREATED);
	CHECK(!(gpadl_find(g.srv, 0x203)));
	/* byte_offset past the page; zero ranges; odd length. */
	r.byte_offset = 4096;
	memcpy(h->range, &r, sizeof(r));
	CHECK_EQ(vg_post(&g, 1, buf, 28 + 3 * 8), 0);
	CHECK_EQ(vg_recv_type(&g), HVP_VMBUS_MSG_GPADL_CREATED);
	r.byte_offset = 0;
	memcpy(h->range, &r, sizeof(r));
	h->range_count = 0;
	CHECK_EQ(vg_post(&g, 1, buf, 28 + 3 * 8), 0);
	CHECK_EQ(vg_recv_type(&g), HVP_VMBUS_MSG_GPADL_CREATED);
	h->range_count = 1;
	CHECK_EQ(vg_post(&g, 1, buf, 28 + 3 * 8 - 4), 0);
	CHECK_EQ(vg_recv_type(&g), HVP_VMBUS_MSG_GPADL_CREATED);
	/* Short header: dropped without an answer. */
	CHECK_EQ(vg_post(&g, 1, buf, 27), 0);
	CHECK_EQ(vg_recv_type(&g), 0);
	/* A body too many: the GPADL fails when it overflows. */
	h->range_buflen = 8 + 30 * 8;
	r.byte_count = 30 * 4096;
	memcpy(h->range, &r, sizeof(r));
	memcpy(buf + 28, pfns, 26 * 8);
	CHECK_EQ(vg_post(&g, 1, buf, 28 + 26 * 8), 0);
	CHECK_EQ(vg_recv_type(&g), 0);
	memset(buf, 0, sizeof(buf));
	b->header.msgtype = HVP_VMBUS_MSG_GPADL_BODY;
	b->gpadl = 0x203;
	memcpy(b->pfn, pfns, 5 * 8);
	CHECK_EQ(vg_post(&g, 1, buf, 16 + 5 * 8), 0);
	CHECK_EQ(vg_recv_type(&g), HVP_VMBUS_MSG_GPADL_CREATED);
	CHECK(!(gpadl_find(g.srv, 0x203)));
	/* Only the good one is left. */
	CHECK(g.srv->gpadls == gpadl_find(g.srv, 0x202));
	CHECK(!(g.srv->gpadls->next));
	CHECK_EQ(g.srv->stats.gpadls_failed, 10);
	vg_uninit(&g);
	return true;
}

static bool vmbus_open_close(void)
{
	struct hvp_vmbus_open_channel m = {
		.header.msgtype = HVP_VMBUS_MSG_OPENCHANNEL,
		.child_relid = 1,
		.open_id = 5,
		.ring_gpadl = 0x300,
		.target_vp = 0,
		.downstream_ring_page_offset = 1,
	};
	struct hvp_vmbus_open_result r;
	uint64_t pfns[4] = { 0x80, 0x81, 0x82, 0x83 };
	struct vg g;

	CHECK(vg_init(&g, HVP_VMBUS_VERSION_WIN10_V5_3, 2));
	CHECK(vg_connect(&g, HVP_VMBUS_VERSION_WIN10_V5_3));
	CHECK_EQ(vg_request_offers(&g, NULL, 0), 2);
	CHECK_EQ(vg_gpadl(&g, 1, 0x300, pfns, 4), 0);
	/* Bad downstream offsets, target VP, GPADL, relid. */
	CHECK_EQ(vg_post(&g, 1, &m, sizeof(m)), 0);
	CHECK_EQ(vg_recv(&g, VG_VP, &r, NULL), HVP_VMBUS_MSG_OPENCHANNEL_RESULT);
	CHECK_EQ(r.status, VMBUS_STATUS_FAIL);
	CHECK_EQ(r.open_id, 5);
	m.downstream_ring_page_offset = 3;
	CHECK_EQ(vg_post(&g, 1, &m, sizeof(m)), 0);
	CHECK_EQ(vg_recv(&g, VG_VP, &r, NULL), HVP_VMBUS_MSG_OPENCHANNEL_RESULT);
	CHECK_EQ(r.status, VMBUS_STATUS_FAIL);
	m.downstream_ring_page_offset = 2;
	m.target_vp = 2;
	CHECK_EQ(vg_post(&g, 1, &m, sizeof(m)), 0);
	CHECK_EQ(vg_recv(&g, VG_VP, &r, NULL), HVP_VMBUS_MSG_OPENCHANNEL_RESULT);
	CHECK_EQ(r.status, VMBUS_STATUS_FAIL);
	m.target_vp = 0;
	m.ring_gpadl = 0x301;
	CHECK_EQ(vg_post(&g, 1, &m, sizeof(m)), 0);
	CHECK_EQ(vg_recv(&g, VG_VP, &r, NULL), HVP_VMBUS_MSG_OPENCHANNEL_RESULT);
	CHECK_EQ(r.status, VMBUS_STATUS_FAIL);
	m.ring_gpadl = 0x300;
	m.child_relid = 7;
	CHECK_EQ(vg_post(&g, 1, &m, sizeof(m)), 0);
	CHECK_EQ(vg_recv(&g, VG_VP, &r, NULL), HVP_VMBUS_MSG_OPENCHANNEL_RESULT);
	CHECK_EQ(r.status, VMBUS_STATUS_FAIL);
	CHECK_EQ(g.srv->stats.open_failures, 5);
	/* Good. Zeroed ring headers are valid. */
	m.child_relid = 1;
	CHECK_EQ(vg_post(&g, 1, &m, sizeof(m)), 0);
	CHECK_EQ(vg_recv(&g, VG_VP, &r, NULL), HVP_VMBUS_MSG_OPENCHANNEL_RESULT);
	CHECK_EQ(r.status, 0);
	CHECK(contains(vg_ctl(&g, "vmbus channels"), "relid=1 class="));
	CHECK(contains(vg_ctl(&g, "vmbus channels"), " state=open sub=0 gpadls=1 "));
	CHECK(contains(vg_ctl(&g, "vmbus gpadls"), " refs=1\n"));
	/* Twice; another channel on the same ring GPADL. */
	CHECK_EQ(vg_post(&g, 1, &m, sizeof(m)), 0);
	CHECK_EQ(vg_recv(&g, VG_VP, &r, NULL), HVP_VMBUS_MSG_OPENCHANNEL_RESULT);
	CHECK_EQ(r.status, VMBUS_STATUS_FAIL);
	m.child_relid = 2;
	CHECK_EQ(vg_post(&g, 1, &m, sizeof(m)), 0);
	CHECK_EQ(vg_recv(&g, VG_VP, &r, NULL), HVP_VMBUS_MSG_OPENCHANNEL_RESULT);
	CHECK_EQ(r.status, VMBUS_STATUS_FAIL);
	/* Teardown while the ring uses it waits for the close. */
	CHECK_EQ(vg_teardown(&g, 1, 0x300), 0);
	CHECK(contains(vg_ctl(&g, "vmbus gpadls"), "state=teardown"));
	vg_close(&g, 1);
	CHECK_EQ(vg_recv_type(&g), HVP_VMBUS_MSG_GPADL_TORNDOWN);
	CHECK(!(g.srv->gpadls));
	CHECK(contains(vg_ctl(&g, "vmbus channels"), " state=offered "));
	/* Close of a closed channel: dropped. */
	vg_close(&g, 1);
	CHECK_EQ(vg_recv_type(&g), 0);
	/* Reopen works. */
	CHECK_EQ(vg_open(&g, 1, 2, 0), 0);
	vg_close(&g, 1);
	CHECK_EQ(vg_teardown(&g, 1, 0xe1e11), HVP_VMBUS_MSG_GPADL_TORNDOWN);
	CHECK_EQ(g.srv->stats.opens, 2);
	CHECK_EQ(g.srv->stats.closes, 2);
	vg_uninit(&g);
	return true;
}

static bool vmbus_rescind(void)
{
	struct hvp_vmbus_relid_msg m = {
		.header.msgtype = HVP_VMBUS_MSG_RELID_RELEASED,
		.child_relid = 1,
	};
	struct hvp_vmbus_relid_msg r;
	uint64_t pfns[2] = { 0xb0, 0xb1 };
	struct vg g;

	CHECK(vg_init(&g, HVP_VMBUS_VERSION_WIN10_V5_3, 2));
	CHECK(vg_connect(&g, HVP_VMBUS_VERSION_WIN10_V5_3));
	CHECK_EQ(vg_request_offers(&g, NULL, 0), 2);
	CHECK(!strcmp(vg_ctl(&g, "vmbus add-subchannel 1"),
		      "relid=3 sub=1\n.\n"));
	CHECK_EQ(vg_recv_type(&g), HVP_VMBUS_MSG_OFFERCHANNEL);
	CHECK_EQ(vg_gpadl(&g, 3, 0x500, pfns, 2), 0);
	CHECK_EQ(vg_open(&g, 1, 2, 0), 0);
	/* Released before a rescind: ignored. */
	CHECK_EQ(vg_post(&g, 1, &m, sizeof(m)), 0);
	CHECK(chan_find(g.srv, 1));
	/* The subchannel is rescinded first. */
	CHECK(!strcmp(vg_ctl(&g, "vmbus rescind 1"), "relid=1 rescinded\n.\n"));
	CHECK_EQ(vg_recv(&g, VG_VP, &r, NULL),
		 HVP_VMBUS_MSG_RESCIND_CHANNELOFFER);
	CHECK_EQ(r.child_relid, 3);
	CHECK_EQ(vg_recv(&g, VG_VP, &r, NULL),
		 HVP_VMBUS_MSG_RESCIND_CHANNELOFFER);
	CHECK_EQ(r.child_relid, 1);
	CHECK(contains(vg_ctl(&g, "vmbus channels"), "state=rescinded"));
	CHECK(contains(vg_ctl(&g, "vmbus rescind 1"), "error: "));
	CHECK(contains(vg_ctl(&g, "vmbus rescind 9"), "error: "));
	/* Opening or creating GPADLs on a rescinded channel fails. */
	CHECK_EQ(vg_open(&g, 3, 2, 0), -1);
	/* Close, teardown, release: then it is gone, its event id too. */
	vg_close(&g, 1);
	CHECK_EQ(vg_teardown(&g, 1, 0xe1e11), HVP_VMBUS_MSG_GPADL_TORNDOWN);
	CHECK_EQ(vg_post(&g, 1, &m, sizeof(m)), 0);
	CHECK(!(chan_find(g.srv, 1)));
	CHECK_EQ(vg_signal(&g), HVP_STATUS_INVALID_CONNECTION_ID);
	/* Released without tearing its GPADLs down: they go with it. */
	m.child_relid = 3;
	CHECK(gpadl_find(g.srv, 0x500));
	CHECK_EQ(vg_post(&g, 1, &m, sizeof(m)), 0);
	CHECK(!(chan_find(g.srv, 3)));
	CHECK(!g.srv->gpadls);
	CHECK_EQ(g.srv->stats.relids_released, 2);
	/* The freed relid is reused by the next hot-add. */
	CHECK(!strcmp(vg_ctl(&g, "vmbus add echo"), "relid=1\n.\n"));
	/* Rescinding an offer the guest never saw frees it at once. */
	CHECK_EQ(vg_recv_type(&g), HVP_VMBUS_MSG_OFFERCHANNEL);
	vg_uninit(&g);
	return true;
}

/* UNLOAD (and an open channel released by the guest leaving) */
static bool vmbus_unload(void)
{
	struct hvp_vmbus_msg_header m = { .msgtype = HVP_VMBUS_MSG_UNLOAD };
	uint64_t pfns[3] = { 0xa0, 0xa1, 0xa2 };
	struct vg g;

	CHECK(vg_init(&g, HVP_VMBUS_VERSION_WIN10_V5_3, 2));
	CHECK(vg_connect(&g, HVP_VMBUS_VERSION_WIN10_V5_3));
	CHECK_EQ(vg_request_offers(&g, NULL, 0), 2);
	CHECK_EQ(vg_open(&g, 1, 2, 0), 0);
	CHECK_EQ(vg_open(&g, 2, 2, 1), 0);
	CHECK_EQ(vg_gpadl(&g, 2, 0x400, pfns, 3), 0);
	CHECK(!strcmp(vg_ctl(&g, "vmbus rescind 2"), "relid=2 rescinded\n.\n"));
	CHECK_EQ(vg_recv_type(&g), HVP_VMBUS_MSG_RESCIND_CHANNELOFFER);
	CHECK_EQ(vg_post(&g, 1, &m, sizeof(m)), 0);
	CHECK_EQ(vg_recv_type(&g), HVP_VMBUS_MSG_UNLOAD_RESPONSE);
	CHECK(!(g.srv->gpadls));
	CHECK(!(chan_find(g.srv, 2)));
	CHECK_EQ(chan_find(g.srv, 1)->state, CHAN_OFFERED);
	CHECK(contains(vg_ctl(&g, "vmbus"), "state=disconnected version=none "));
	CHECK(contains(vg_ctl(&g, "vmbus"), " channels=1 open=0 gpadls=0 "));
	CHECK(contains(vg_ctl(&g, "vmbus stats"), "unloads=1\n"));
	/* And the guest can come back. */
	CHECK(vg_connect(&g, HVP_VMBUS_VERSION_WIN10));
	CHECK_EQ(vg_request_offers(&g, NULL, 0), 1);
	CHECK_EQ(vg_open(&g, 1, 2, 0), 0);
	vg_uninit(&g);
	return true;
}

static bool vmbus_modify(void)
{
	struct hvp_vmbus_modify_channel m = {
		.header.msgtype = HVP_VMBUS_MSG_MODIFYCHANNEL,
		.child_relid = 1,
		.target_vp = 1,
	}, r;
	struct vg g;

	CHECK(vg_init(&g, HVP_VMBUS_VERSION_WIN10_V5_3, 1));
	CHECK(vg_connect(&g, HVP_VMBUS_VERSION_WIN10_V5_3));
	CHECK_EQ(vg_request_offers(&g, NULL, 0), 1);
	CHECK_EQ(vg_open(&g, 1, 2, 0), 0);
	CHECK_EQ(vg_post(&g, 1, &m, sizeof(m)), 0);
	CHECK_EQ(vg_recv(&g, VG_VP, &r, NULL),
		 HVP_VMBUS_MSG_MODIFYCHANNEL_RESPONSE);
	CHECK_EQ(r.target_vp, 0);
	CHECK_EQ(chan_find(g.srv, 1)->target_vp, 1);
	m.target_vp = 5;
	CHECK_EQ(vg_post(&g, 1, &m, sizeof(m)), 0);
	CHECK_EQ(vg_recv(&g, VG_VP, &r, NULL),
		 HVP_VMBUS_MSG_MODIFYCHANNEL_RESPONSE);
	CHECK_EQ(r.target_vp, VMBUS_STATUS_FAIL);
	vg_uninit(&g);
	return true;
}

/* vmbus mute: the next N guest messages of a type go unanswered. */
static bool vmbus_mute(void)
{
	struct hvp_vmbus_msg_header m = { .msgtype = HVP_VMBUS_MSG_UNLOAD };
	struct vg g;

	CHECK(vg_init(&g, HVP_VMBUS_VERSION_WIN10_V5_3, 1));
	/* Only guest -> host types, by name or number; N >= 1. */
	CHECK(contains(vg_ctl(&g, "vmbus mute OFFERCHANNEL"), "error: "));
	CHECK(contains(vg_ctl(&g, "vmbus mute 1"), "error: "));
	CHECK(contains(vg_ctl(&g, "vmbus mute 99"), "error: "));
	CHECK(contains(vg_ctl(&g, "vmbus mute OPENCHANNEL 0"), "error: "));
	CHECK(contains(vg_ctl(&g, "vmbus mute OPENCHANNEL -1"), "error: "));
	CHECK(contains(vg_ctl(&g, "vmbus mute OPENCHANNEL 2x"), "error: "));
	CHECK(!strcmp(vg_ctl(&g, "vmbus mute"), ".\n"));
	/* A muted INITIATE_CONTACT: no VERSION_RESPONSE, still disconnected. */
	CHECK(!strcmp(vg_ctl(&g, "vmbus mute 14"),
		      "type=14 name=INITIATE_CONTACT left=1\n.\n"));
	CHECK(!vg_connect(&g, HVP_VMBUS_VERSION_WIN10_V5_3));
	CHECK_EQ(g.srv->state, VMBUS_DISCONNECTED);
	CHECK(vg_connect(&g, HVP_VMBUS_VERSION_WIN10_V5_3));
	/* REQUESTOFFERS muted: no offers, no ALLOFFERS_DELIVERED. */
	CHECK(!strcmp(vg_ctl(&g, "vmbus mute REQUESTOFFERS"),
		      "type=3 name=REQUESTOFFERS left=1\n.\n"));
	CHECK_EQ(vg_request_offers(&g, NULL, 0), -1);
	CHECK_EQ(vg_request_offers(&g, NULL, 0), 1);
	/* Two OPENCHANNELs swallowed, the third answered. */
	CHECK(!strcmp(vg_ctl(&g, "vmbus mute OPENCHANNEL 2"),
		      "type=5 name=OPENCHANNEL left=2\n.\n"));
	CHECK(!strcmp(vg_ctl(&g, "vmbus mute"),
		      "type=5 name=OPENCHANNEL left=2\n.\n"));
	CHECK_EQ(vg_open(&g, 1, 2, 0), -1);
	CHECK(contains(vg_ctl(&g, "vmbus channels"), " state=offered "));
	CHECK_EQ(vg_teardown(&g, 1, 0xe1e11), HVP_VMBUS_MSG_GPADL_TORNDOWN);
	CHECK_EQ(vg_open(&g, 1, 2, 0), -1);
	CHECK_EQ(vg_teardown(&g, 1, 0xe1e11), HVP_VMBUS_MSG_GPADL_TORNDOWN);
	CHECK_EQ(vg_open(&g, 1, 2, 0), 0);
	vg_close(&g, 1);
	/* GPADL_TEARDOWN muted: the GPADL stays, no GPADL_TORNDOWN. */
	CHECK(contains(vg_ctl(&g, "vmbus mute GPADL_TEARDOWN 5"), "left=5"));
	CHECK(contains(vg_ctl(&g, "vmbus mute UNLOAD"), "left=1"));
	CHECK_EQ(vg_teardown(&g, 1, 0xe1e11), 0);
	CHECK(gpadl_find(g.srv, 0xe1e11));
	/* clear: answered again. */
	CHECK(!strcmp(vg_ctl(&g, "vmbus mute clear"), "mute cleared\n.\n"));
	CHECK(!strcmp(vg_ctl(&g, "vmbus mute"), ".\n"));
	CHECK_EQ(vg_teardown(&g, 1, 0xe1e11), HVP_VMBUS_MSG_GPADL_TORNDOWN);
	CHECK(!g.srv->gpadls);
	CHECK_EQ(vg_post(&g, 1, &m, sizeof(m)), 0);
	CHECK_EQ(vg_recv_type(&g), HVP_VMBUS_MSG_UNLOAD_RESPONSE);
	CHECK(contains(vg_ctl(&g, "vmbus stats"), "messages_muted=5\n"));
	vg_uninit(&g);
	return true;
}

/* A new INITIATE_CONTACT without UNLOAD (kexec) ends the old session. */
static bool vmbus_recontact(void)
{
	uint64_t pfns[2] = { 0xa0, 0xa1 };
	struct vg g;

	CHECK(vg_init(&g, HVP_VMBUS_VERSION_WIN10_V5_3, 2));
	CHECK(vg_connect(&g, HVP_VMBUS_VERSION_WIN10_V5_3));
	CHECK_EQ(vg_request_offers(&g, NULL, 0), 2);
	CHECK_EQ(vg_open(&g, 1, 2, 0), 0);
	CHECK_EQ(vg_gpadl(&g, 2, 0x600, pfns, 2), 0);
	CHECK(contains(vg_ctl(&g, "vmbus"), " channels=2 open=1 gpadls=2 "));
	CHECK(vg_connect(&g, HVP_VMBUS_VERSION_WIN10_V5_3));
	CHECK(contains(vg_ctl(&g, "vmbus"),
		       "state=connected version=5.3 "));
	CHECK(contains(vg_ctl(&g, "vmbus"),
		       " offers_requested=0 channels=2 open=0 gpadls=0 "));
	CHECK(!g.srv->gpadls);
	CHECK_EQ(g.srv->nr_gpadls, 0);
	CHECK(contains(vg_ctl(&g, "vmbus stats"), "resets=1\n"));
	CHECK(contains(vg_ctl(&g, "vmbus stats"), "unloads=0\n"));
	/* The channels are offered again, and open again. */
	CHECK_EQ(vg_request_offers(&g, NULL, 0), 2);
	CHECK_EQ(vg_open(&g, 1, 2, 0), 0);
	vg_uninit(&g);
	return true;
}

TAP_SUITE(vmbus_tests,
	{ "vmbus: each version negotiates", vmbus_negotiate_each },
	{ "vmbus: max version cap, conn id 4 rule", vmbus_negotiate_cap },
	{ "vmbus: bad INITIATE_CONTACT refused", vmbus_negotiate_bad },
	{ "vmbus: short, unknown, early messages dropped", vmbus_bad_messages },
	{ "vmbus: offers, hot-add, subchannels", vmbus_offers },
	{ "vmbus: offers beyond the SINT queue", vmbus_offer_backlog },
	{ "vmbus: GPADL header and bodies", vmbus_gpadl_bodies },
	{ "vmbus: GPADL with two ranges", vmbus_gpadl_multirange },
	{ "vmbus: bad GPADLs refused", vmbus_gpadl_bad },
	{ "vmbus: open and close", vmbus_open_close },
	{ "vmbus: rescind and RELID_RELEASED", vmbus_rescind },
	{ "vmbus: UNLOAD frees channels and GPADLs", vmbus_unload },
	{ "vmbus: MODIFYCHANNEL", vmbus_modify },
	{ "vmbus: mute: unanswered guest messages", vmbus_mute },
	{ "vmbus: re-contact without UNLOAD frees channels and GPADLs",
	  vmbus_recontact });
