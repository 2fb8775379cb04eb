// SPDX-License-Identifier: GPL-2.0
/*
 * `vmbus inject`: each case puts the intended bytes where the guest looks:
 * the SIMP slot for messages, the rings' headers and data for packets.
 */
#include <string.h>

#include <hvproto/echo.h>

#include "tests/tap.h"	/* vmbus/tests/tap.h, shared with the ring tests */
#include "vmbus_guest.h"

#define OK(name, n)	"injected=" name " count=" #n "\n.\n"

static bool connected(struct vg *g, unsigned int devices)
{
	return vg_init(g, HVP_VMBUS_VERSION_WIN10_V5_3, devices) &&
	       vg_connect(g, HVP_VMBUS_VERSION_WIN10_V5_3) &&
	       vg_request_offers(g, NULL, 0) == (int)devices;
}

static bool inj_list_and_errors(void)
{
	struct vg g;

	CHECK(vg_init(&g, HVP_VMBUS_VERSION_WIN10_V5_3, 1));
	CHECK(strstr(vg_ctl(&g, "vmbus inject list"), "\npkt-len8 RELID"));
	CHECK(strstr(vg_ctl(&g, "vmbus inject LIST"), "oversize [SIZE] - "));
	CHECK(strstr(vg_ctl(&g, "vmbus inject alloffers"),
		     "error: the guest is not connected"));
	CHECK(vg_connect(&g, HVP_VMBUS_VERSION_WIN10_V5_3));
	CHECK(strstr(vg_ctl(&g, "vmbus inject nosuch"), "error: no such case"));
	CHECK(strstr(vg_ctl(&g, "vmbus inject short"), "error: wrong number"));
	CHECK(strstr(vg_ctl(&g, "vmbus inject short 3"), "error: TYPE"));
	CHECK(strstr(vg_ctl(&g, "vmbus inject short 1 196"), "error: LEN"));
	CHECK(strstr(vg_ctl(&g, "vmbus inject -n 0 alloffers"), "error: -n"));
	CHECK(strstr(vg_ctl(&g, "vmbus inject -n 5000 alloffers"), "error: -n"));
	CHECK(strstr(vg_ctl(&g, "vmbus inject offer-dup 7"), "error: RELID"));
	CHECK(strstr(vg_ctl(&g, "vmbus inject pkt-len8 1"), "error: the "
		     "channel is not open"));
	CHECK(strstr(vg_ctl(&g, "vmbus inject pkt-len8 1 3"), "error: RELID"));
	CHECK(strstr(vg_ctl(&g, "vmbus inject pkt-comp-repeat 9"),
		     "error: RELID"));
	CHECK_EQ(vg_recv_type(&g), 0);
	vg_uninit(&g);
	return true;
}

static bool inj_messages(void)
{
	uint8_t buf[240];
	const struct hvp_vmbus_open_result *r = (void *)buf;
	const struct hvp_vmbus_version_response *v = (void *)buf;
	uint32_t len, i;
	struct vg g;

	CHECK(connected(&g, 1));
	CHECK(!strcmp(vg_ctl(&g, "vmbus inject short 1"), OK("short", 1)));
	CHECK_EQ(vg_recv(&g, VG_VP, buf, &len), HVP_VMBUS_MSG_OFFERCHANNEL);
	CHECK_EQ(len, sizeof(struct hvp_vmbus_offer_channel) - 1);
	CHECK(!strcmp(vg_ctl(&g, "vmbus inject short 4 0"), OK("short", 1)));
	/* Nothing of the message is left, not even its type. */
	CHECK_EQ(fx_slot(&g.fx, VG_VP, 2)->header.message_type,
		 HVP_VMBUS_MESSAGE_TYPE);
	CHECK_EQ(fx_slot(&g.fx, VG_VP, 2)->header.payload_size, 0);
	fx_guest_eom(&g.fx, VG_VP, 2);
	CHECK(!strcmp(vg_ctl(&g, "vmbus inject short 4 5"), OK("short", 1)));
	CHECK_EQ(vg_recv(&g, VG_VP, buf, &len), HVP_VMBUS_MSG_ALLOFFERS_DELIVERED);
	CHECK_EQ(len, 5);
	CHECK(!strcmp(vg_ctl(&g, "vmbus inject short 6 19"), OK("short", 1)));
	CHECK_EQ(vg_recv(&g, VG_VP, NULL, &len), HVP_VMBUS_MSG_OPENCHANNEL_RESULT);
	CHECK_EQ(len, 19);
	CHECK(!strcmp(vg_ctl(&g, "vmbus inject -n 3 type 0xffffffff"),
		      OK("type", 3)));
	for (i = 0; i < 3; i++) {
		CHECK_EQ(vg_recv(&g, VG_VP, NULL, &len), 0xffffffffu);
		CHECK_EQ(len, 32);
	}
	CHECK_EQ(vg_recv_type(&g), 0);
	CHECK(!strcmp(vg_ctl(&g, "vmbus inject open-result 1 9 0"),
		      OK("open-result", 1)));
	CHECK_EQ(vg_recv(&g, VG_VP, buf, &len), HVP_VMBUS_MSG_OPENCHANNEL_RESULT);
	CHECK(len == sizeof(*r) && r->child_relid == 1 && r->open_id == 9 &&
	      r->status == 0);
	CHECK(!strcmp(vg_ctl(&g, "vmbus inject version-response"),
		      OK("version-response", 1)));
	CHECK_EQ(vg_recv(&g, VG_VP, buf, &len), HVP_VMBUS_MSG_VERSION_RESPONSE);
	CHECK(len == sizeof(*v) && v->version_supported == 1 &&
	      v->msg_conn_id == 0xffffffffu);
	CHECK(!strcmp(vg_ctl(&g, "vmbus inject -n 2 rescind 77"),
		      OK("rescind", 2)));
	for (i = 0; i < 2; i++) {
		CHECK_EQ(vg_recv(&g, VG_VP, buf, &len),
			 HVP_VMBUS_MSG_RESCIND_CHANNELOFFER);
		CHECK_EQ(((struct hvp_vmbus_relid_msg *)buf)->child_relid, 77);
	}
	CHECK(!strcmp(vg_ctl(&g, "vmbus inject gpadl-torndown 0x1234"),
		      OK("gpadl-torndown", 1)));
	CHECK_EQ(vg_recv(&g, VG_VP, buf, &len), HVP_VMBUS_MSG_GPADL_TORNDOWN);
	CHECK_EQ(((struct hvp_vmbus_gpadl_torndown *)buf)->gpadl, 0x1234);
	CHECK(!strcmp(vg_ctl(&g, "vmbus inject unload-response"),
		      OK("unload-response", 1)));
	CHECK_EQ(vg_recv_type(&g), HVP_VMBUS_MSG_UNLOAD_RESPONSE);
	/* The server's own state is untouched. */
	CHECK(strstr(vg_ctl(&g, "vmbus"), "state=connected "));
	CHECK(strstr(vg_ctl(&g, "vmbus channels"), "relid=1 "));
	vg_uninit(&g);
	return true;
}

static bool inj_offers(void)
{
	struct hvp_vmbus_offer_channel real, o;
	uint32_t len;
	struct vg g;

	CHECK(vg_init(&g, HVP_VMBUS_VERSION_WIN10_V5_3, 1));
	CHECK(vg_connect(&g, HVP_VMBUS_VERSION_WIN10_V5_3));
	CHECK_EQ(vg_request_offers(&g, &real, 1), 1);
	CHECK(!strcmp(vg_ctl(&g, "vmbus inject offer-dup 1"),
		      OK("offer-dup", 1)));
	CHECK_EQ(vg_recv(&g, VG_VP, &o, &len), HVP_VMBUS_MSG_OFFERCHANNEL);
	CHECK_EQ(len, sizeof(o));
	CHECK(!memcmp(&o, &real, sizeof(o)));

	CHECK(!strcmp(vg_ctl(&g, "vmbus inject offer-dup-instance 1 9"),
		      OK("offer-dup-instance", 1)));
	CHECK_EQ(vg_recv(&g, VG_VP, &o, NULL), HVP_VMBUS_MSG_OFFERCHANNEL);
	CHECK(!memcmp(&o.offer.if_instance, &real.offer.if_instance, 16));
	CHECK(o.child_relid == 9 && o.offer.sub_channel_index == 0);

	CHECK(!strcmp(vg_ctl(&g, "vmbus inject offer-relid 2048"),
		      OK("offer-relid", 1)));
	CHECK_EQ(vg_recv(&g, VG_VP, &o, NULL), HVP_VMBUS_MSG_OFFERCHANNEL);
	CHECK(o.child_relid == 2048 && o.offer.if_type.b[0] == 0xa5);

	CHECK(!strcmp(vg_ctl(&g, "vmbus inject offer-orphan-sub 12 3"),
		      OK("offer-orphan-sub", 1)));
	CHECK_EQ(vg_recv(&g, VG_VP, &o, NULL), HVP_VMBUS_MSG_OFFERCHANNEL);
	CHECK(o.child_relid == 12 && o.offer.sub_channel_index == 3);

	CHECK(!strcmp(vg_ctl(&g, "vmbus inject offer-garbage 2000"),
		      OK("offer-garbage", 1)));
	CHECK_EQ(vg_recv(&g, VG_VP, &o, NULL), HVP_VMBUS_MSG_OFFERCHANNEL);
	CHECK(o.child_relid == 2000 && o.monitor_id == 200 &&
	      o.monitor_flags == 0xff && o.connection_id == 0xffffffffu &&
	      o.offer.sub_channel_index == 0 &&
	      o.offer.if_instance.b[0] == 0xd0 &&
	      o.offer.if_instance.b[1] == 0x07);
	vg_uninit(&g);
	return true;
}

static bool inj_synic(void)
{
	struct hvp_message *slot;
	struct vg g;

	CHECK(connected(&g, 1));
	slot = fx_slot(&g.fx, VG_VP, 2);
	CHECK(!strcmp(vg_ctl(&g, "vmbus inject oversize"), OK("oversize", 1)));
	CHECK_EQ(slot->header.message_type, HVP_VMBUS_MESSAGE_TYPE);
	CHECK_EQ(slot->header.payload_size, 255);
	/* Busy until the guest takes it. */
	CHECK(strstr(vg_ctl(&g, "vmbus inject oversize 241"), "error: the "
		     "message slot is busy"));
	fx_guest_eom(&g.fx, VG_VP, 2);
	CHECK(!strcmp(vg_ctl(&g, "vmbus inject oversize 241"),
		      OK("oversize", 1)));
	CHECK_EQ(slot->header.payload_size, 241);
	fx_guest_eom(&g.fx, VG_VP, 2);
	CHECK(strstr(vg_ctl(&g, "vmbus inject oversize 240"), "error: SIZE"));
	CHECK(!strcmp(vg_ctl(&g, "vmbus inject synic-type"),
		      OK("synic-type", 1)));
	CHECK_EQ(slot->header.message_type, 2);
	CHECK_EQ(slot->header.payload_size, 8);
	vg_uninit(&g);
	return true;
}

static bool open_echo(struct vg *g)
{
	return connected(g, 1) && vg_open(g, 1, 2, 0) == 0;
}

static bool inj_ring_descriptors(void)
{
	static uint8_t buf[4096];
	struct hvp_packet_desc d;
	struct hvg_ring_pkt p;
	struct vg g;

	CHECK(open_echo(&g));
	CHECK(!strcmp(vg_ctl(&g, "vmbus inject pkt-len8 1 1"),
		      OK("pkt-len8", 1)));
	CHECK(vg_event_pending(&g, 0, 1));
	CHECK_EQ(g.rx.hdr->write_index, 32);
	memcpy(&d, g.pages[3], sizeof(d));
	CHECK(d.type == HVP_PKT_DATA_INBAND && d.offset8 == 2 && d.len8 == 1);
	CHECK_EQ(hvg_ring_read(&g.rx, buf, sizeof(buf), &p), -EPROTO);
	vg_uninit(&g);

	CHECK(open_echo(&g));
	CHECK(!strcmp(vg_ctl(&g, "vmbus inject pkt-len8 1 100"),
		      OK("pkt-len8", 1)));
	CHECK_EQ(hvg_ring_read(&g.rx, buf, sizeof(buf), &p), -EPROTO);
	vg_uninit(&g);

	CHECK(open_echo(&g));
	CHECK(!strcmp(vg_ctl(&g, "vmbus inject pkt-offset8 1 4"),
		      OK("pkt-offset8", 1)));
	memcpy(&d, g.pages[3], sizeof(d));
	CHECK(d.offset8 == 4 && d.len8 == 3);
	CHECK_EQ(hvg_ring_read(&g.rx, buf, sizeof(buf), &p), -EPROTO);
	vg_uninit(&g);

	CHECK(open_echo(&g));
	CHECK(!strcmp(vg_ctl(&g, "vmbus inject pkt-offset8 1"),
		      OK("pkt-offset8", 1)));
	CHECK_EQ(hvg_ring_read(&g.rx, buf, sizeof(buf), &p), -EPROTO);
	vg_uninit(&g);
	return true;
}

static bool inj_ring_indices(void)
{
	static uint8_t buf[4096];
	struct hvg_ring_pkt p;
	struct vg g;

	CHECK(open_echo(&g));
	CHECK(!strcmp(vg_ctl(&g, "vmbus inject pkt-windex-range 1"),
		      OK("pkt-windex-range", 1)));
	CHECK_EQ(g.rx.hdr->write_index, 4096);
	CHECK(vg_event_pending(&g, 0, 1));
	CHECK_EQ(hvg_ring_read(&g.rx, buf, sizeof(buf), &p), -EPROTO);
	vg_uninit(&g);

	CHECK(open_echo(&g));
	CHECK(!strcmp(vg_ctl(&g, "vmbus inject pkt-windex-unaligned 1"),
		      OK("pkt-windex-unaligned", 1)));
	CHECK_EQ(g.rx.hdr->write_index, 4);
	CHECK_EQ(hvg_ring_read(&g.rx, buf, sizeof(buf), &p), -EPROTO);
	vg_uninit(&g);

	CHECK(open_echo(&g));
	CHECK(!strcmp(vg_ctl(&g, "vmbus inject pkt-rindex 1 0xfffffff8"),
		      OK("pkt-rindex", 1)));
	CHECK_EQ(g.tx.hdr->read_index, 0xfffffff8u);
	CHECK_EQ(hvg_ring_write_avail(&g.tx), 0);
	CHECK(hvg_ring_is_broken(&g.tx));
	vg_uninit(&g);
	return true;
}

static bool inj_packets(void)
{
	static uint8_t buf[4096];
	const struct hvp_gpa_direct_header *gh = (void *)buf;
	const struct hvp_xfer_page_header *xh = (void *)buf;
	uint8_t msg[16] = { 0 };
	struct hvg_ring_pkt p;
	bool signal;
	struct hvg_ring_wdesc wd = {
		.type = HVP_PKT_DATA_INBAND,
		.flags = HVP_PKT_FLAG_COMPLETION_REQUESTED, .trans_id = 0x42,
	};
	struct hvg_ring_seg seg = { msg, sizeof(msg) };
	struct vg g;
	unsigned int i;

	CHECK(open_echo(&g));
	CHECK(strstr(vg_ctl(&g, "vmbus inject pkt-comp-repeat 1"),
		     "error: no packet sent"));
	CHECK(!strcmp(vg_ctl(&g, "vmbus inject -n 3 pkt-comp 1"),
		      OK("pkt-comp", 3)));
	for (i = 0; i < 3; i++) {
		CHECK_EQ(hvg_ring_read(&g.rx, buf, sizeof(buf), &p), 0);
		CHECK(p.type == HVP_PKT_COMP && p.trans_id == 0xbeef0000deadull &&
		      p.len - p.offset == sizeof(struct hvp_echo_resp));
	}
	hvg_ring_read_done(&g.rx);

	/* A real completion, then the same again. */
	CHECK_EQ(hvg_ring_write(&g.tx, &wd, &seg, 1, &signal), 0);
	CHECK_EQ(vg_signal(&g), 0);
	CHECK_EQ(hvg_ring_read(&g.rx, buf, sizeof(buf), &p), 0);
	CHECK(p.type == HVP_PKT_COMP && p.trans_id == 0x42);
	CHECK(!strcmp(vg_ctl(&g, "vmbus inject pkt-comp-repeat 1"),
		      OK("pkt-comp-repeat", 1)));
	CHECK_EQ(hvg_ring_read(&g.rx, buf, sizeof(buf), &p), 0);
	CHECK(p.type == HVP_PKT_COMP && p.trans_id == 0x42 &&
	      p.len - p.offset == sizeof(msg));

	CHECK(!strcmp(vg_ctl(&g, "vmbus inject pkt-type 1 0"),
		      OK("pkt-type", 1)));
	CHECK_EQ(hvg_ring_read(&g.rx, buf, sizeof(buf), &p), 0);
	CHECK(p.type == 0 && p.len == 24);

	CHECK(!strcmp(vg_ctl(&g, "vmbus inject pkt-gpa 1"), OK("pkt-gpa", 1)));
	CHECK_EQ(hvg_ring_read(&g.rx, buf, sizeof(buf), &p), 0);
	CHECK(p.type == HVP_PKT_DATA_USING_GPA_DIRECT && p.offset == 40 &&
	      gh->range_count == 5);
	CHECK(!memcmp(buf + 24, (uint32_t[]){ 4096, 0, 0x100, 0 }, 16));
	CHECK_EQ(hvg_ring_read(&g.rx, buf, sizeof(buf), &p), -EAGAIN);

	CHECK(strstr(vg_ctl(&g, "vmbus inject pkt-xfer 1 x"), "error: RELID"));
	CHECK(!strcmp(vg_ctl(&g, "vmbus inject pkt-xfer 1 0xffffffff"),
		      OK("pkt-xfer", 1)));
	CHECK(!strcmp(vg_ctl(&g, "vmbus inject pkt-xfer 1 1"),
		      OK("pkt-xfer", 1)));
	for (i = 0; i < 2; i++) {
		CHECK_EQ(hvg_ring_read(&g.rx, buf, sizeof(buf), &p), 0);
		CHECK(p.type == HVP_PKT_DATA_USING_XFER_PAGES && p.offset == 32 &&
		      xh->xfer_pageset_id == 1 &&
		      xh->range_count == (i ? 1 : 0xffffffffu) &&
		      xh->ranges[0].byte_count == 512 &&
		      xh->ranges[0].byte_offset == 0);
	}
	CHECK_EQ(hvg_ring_read(&g.rx, buf, sizeof(buf), &p), -EAGAIN);
	vg_uninit(&g);
	return true;
}

static bool inj_kick(void)
{
	static uint8_t buf[4096];
	uint8_t msg[16] = { 1 };
	struct hvg_ring_pkt p;
	bool signal;
	struct hvg_ring_wdesc wd = { .type = HVP_PKT_DATA_INBAND };
	struct hvg_ring_seg seg = { msg, sizeof(msg) };
	struct vg g;

	CHECK(open_echo(&g));
	CHECK(strstr(vg_ctl(&g, "echo mode 1 slow"), "error: usage"));
	CHECK(!strcmp(vg_ctl(&g, "echo mode 1 pause"), ".\n"));
	CHECK_EQ(hvg_ring_write(&g.tx, &wd, &seg, 1, &signal), 0);
	CHECK_EQ(vg_signal(&g), 0);
	CHECK_EQ(hvg_ring_read(&g.rx, buf, sizeof(buf), &p), -EAGAIN);
	/* Held: nothing more is read, even on a signal. */
	CHECK_EQ(hvg_ring_write(&g.tx, &wd, &seg, 1, &signal), 0);
	CHECK_EQ(vg_signal(&g), 0);
	CHECK(strstr(vg_ctl(&g, "echo stats 1"),
		     "\nrelid=1 mode=pause dropped=0\n"));
	CHECK(!strcmp(vg_ctl(&g, "echo mode 1 drop"), ".\n"));
	CHECK(strstr(vg_ctl(&g, "vmbus inject kick 9"), "error: RELID"));
	CHECK(!strcmp(vg_ctl(&g, "vmbus inject kick 1"), OK("kick", 1)));
	CHECK(strstr(vg_ctl(&g, "echo stats 1"),
		     "\nrelid=1 mode=drop dropped=2\n"));
	CHECK_EQ(hvg_ring_read(&g.rx, buf, sizeof(buf), &p), -EAGAIN);
	CHECK(!strcmp(vg_ctl(&g, "echo mode 1 echo"), ".\n"));
	CHECK_EQ(hvg_ring_write(&g.tx, &wd, &seg, 1, &signal), 0);
	CHECK_EQ(vg_signal(&g), 0);
	CHECK_EQ(hvg_ring_read(&g.rx, buf, sizeof(buf), &p), 0);
	CHECK(p.type == HVP_PKT_DATA_INBAND && p.len - p.offset == sizeof(msg));
	vg_uninit(&g);
	return true;
}

TAP_SUITE(inject_tests,
	{ "inject: list, usage and state errors", inj_list_and_errors },
	{ "inject: truncated, unknown and unsolicited messages", inj_messages },
	{ "inject: bad offers", inj_offers },
	{ "inject: oversized slot, foreign SynIC type", inj_synic },
	{ "inject: bad len8 and offset8 in the ring", inj_ring_descriptors },
	{ "inject: bad ring indices", inj_ring_indices },
	{ "inject: bad completions, types and range counts", inj_packets },
	{ "inject: kick re-reads a ring the echo device paused", inj_kick });
