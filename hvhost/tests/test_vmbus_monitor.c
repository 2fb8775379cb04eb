// SPDX-License-Identifier: GPL-2.0
/*
 * Monitored notification: the offer's monitor fields, the entries hvhost
 * writes into the guest's monitor pages, the poll that takes pending bits
 * (counted per channel, cleared, the channel served), bits of unknown ids
 * and of groups hvhost never enabled, the poll timer, and offers without
 * monitor pages or with an out-of-range id.
 */
#include <string.h>
#include <sys/timerfd.h>

#include <hvproto/echo.h>

#include "tests/tap.h"	/* vmbus/tests/tap.h, shared with the ring tests */
#include "vmbus_guest.h"

#define V53	HVP_VMBUS_VERSION_WIN10_V5_3

static struct hvp_monitor_page *mon(struct vg *g, uint64_t gpa)
{
	return (struct hvp_monitor_page *)(g->fx.ram + gpa);
}

static uint32_t *pending(struct vg *g, unsigned int group)
{
	return (uint32_t *)&mon(g, VG_MON2)->trigger_group[group].pending;
}

/* A partition with one echo device offered with monitor id @id. */
static bool setup(struct vg *g, int id, struct hvp_vmbus_offer_channel *o)
{
	struct vmbus_dev_opts d = { &echo_vsp_ops, id };

	return vg_init(g, V53, 0) && !vmbus_add_device_opts(g->srv, &d, NULL) &&
	       vg_connect(g, V53) && vg_request_offers(g, o, 1) == 1;
}

/* The same, its channel (relid 1) open; NULL on failure. */
static struct vsp_channel *open_monitored(struct vg *g)
{
	struct hvp_vmbus_offer_channel o;

	if (!setup(g, VMBUS_MONITOR_AUTO, &o) || vg_open(g, 1, 4, 0))
		return NULL;
	return chan_find(g->srv, 1);
}

/* An inband packet into the guest->host ring, with no HvSignalEvent. */
static bool gwrite(struct vg *g, uint64_t id)
{
	uint8_t msg[16] = "monitored";
	struct hvg_ring_wdesc d = {
		.type = HVP_PKT_DATA_INBAND, .trans_id = id,
	};
	struct hvg_ring_seg s = { msg, sizeof(msg) };
	bool signal = false;

	return !hvg_ring_write(&g->tx, &d, &s, 1, &signal) && signal;
}

static bool echoed(struct vg *g, uint64_t id)
{
	uint8_t buf[256];
	struct hvg_ring_pkt p;

	if (hvg_ring_read(&g->rx, buf, sizeof(buf), &p) || p.trans_id != id)
		return false;
	hvg_ring_read_done(&g->rx);
	return true;
}

static bool mon_offer_pages(void)
{
	struct hvp_vmbus_offer_channel o;
	struct hvp_monitor_page *p1, *p2;
	struct vg g;

	CHECK(setup(&g, VMBUS_MONITOR_AUTO, &o));
	CHECK_EQ(o.monitor_flags, HVP_VMBUS_OFFER_MONITOR_ALLOCATED);
	CHECK_EQ(o.monitor_id, 0);
	p1 = mon(&g, VG_MON1);
	p2 = mon(&g, VG_MON2);
	CHECK_EQ(p2->trigger_state, 1);
	CHECK_EQ(p2->parameter[0][0].connection_id, o.connection_id);
	CHECK_EQ(p2->parameter[0][0].flag_number, 0);
	/* The 1 ms poll period, in 100 ns units. */
	CHECK_EQ(p2->latency[0][0], 10000);
	CHECK_EQ(p1->parameter[0][0].connection_id, o.connection_id);
	CHECK_EQ(p1->latency[0][0], 0);
	CHECK_EQ(p1->trigger_state, 0);
	/* The lowest free id; an explicit one; one in use is refused. */
	CHECK(strstr(vg_ctl(&g, "vmbus add echo monitored"), "relid=2"));
	CHECK(strstr(vg_ctl(&g, "vmbus add echo monitor-id=40"), "relid=3"));
	CHECK(strstr(vg_ctl(&g, "vmbus add echo monitor-id=40"),
		     "monitor id in use"));
	CHECK(strstr(vg_ctl(&g, "vmbus add echo monitor-id=256"), "usage"));
	CHECK_EQ(vg_recv(&g, VG_VP, &o, NULL), HVP_VMBUS_MSG_OFFERCHANNEL);
	CHECK_EQ(o.monitor_id, 1);
	CHECK_EQ(vg_recv(&g, VG_VP, &o, NULL), HVP_VMBUS_MSG_OFFERCHANNEL);
	CHECK_EQ(o.monitor_id, 40);
	CHECK_EQ(p2->trigger_state, 3);
	CHECK_EQ(p2->parameter[1][8].connection_id, o.connection_id);
	CHECK(strstr(vg_ctl(&g, "vmbus channels"),
		     "relid=3 class=8e5fd1b4-3c2a-4b5e-9d7f-6a1c0e2b4d83"));
	CHECK(strstr(vg_ctl(&g, "vmbus channels"), "monitor_id=40 "));
	vg_uninit(&g);
	return true;
}

static bool mon_trigger(void)
{
	struct vsp_channel *ch;
	struct vg g;

	CHECK((ch = open_monitored(&g)));
	/* A packet and the channel's pending bit, as hvg_vmbus sends. */
	CHECK(gwrite(&g, 7));
	__atomic_fetch_or(pending(&g, 0), 1u, __ATOMIC_SEQ_CST);
	vmbus_server_poll(g.srv);
	CHECK_EQ(*pending(&g, 0), 0);
	CHECK(echoed(&g, 7));
	CHECK(vg_event_pending(&g, 0, 1));
	CHECK_EQ(ch->monitor_triggers, 1);
	CHECK_EQ(ch->signals_in, 0);
	CHECK_EQ(g.srv->stats.monitor_triggers, 1);
	/* Nothing pending: nothing counted. */
	vmbus_server_poll(g.srv);
	CHECK_EQ(ch->monitor_triggers, 1);
	/* HvSignalEvent still works, and is counted apart. */
	CHECK(gwrite(&g, 8));
	CHECK_EQ(vg_signal(&g), 0);
	CHECK(echoed(&g, 8));
	CHECK_EQ(ch->signals_in, 1);
	CHECK_EQ(ch->monitor_triggers, 1);
	CHECK(strstr(vg_ctl(&g, "vmbus channels"),
		     "monitor_id=0 monitor_triggers=1\n"));
	/* Closed: a bit set now names no open channel. */
	vg_close(&g, 1);
	__atomic_fetch_or(pending(&g, 0), 1u, __ATOMIC_SEQ_CST);
	vmbus_server_poll(g.srv);
	CHECK_EQ(ch->monitor_triggers, 1);
	vg_uninit(&g);
	return true;
}

static bool mon_bad_ids(void)
{
	struct vsp_channel *ch;
	struct vg g;

	CHECK((ch = open_monitored(&g)));
	/* Unallocated ids in an enabled group: taken, counted, ignored. */
	__atomic_fetch_or(pending(&g, 0), 0xf0000006u, __ATOMIC_SEQ_CST);
	/* A group hvhost never enabled: left alone. */
	__atomic_fetch_or(pending(&g, 3), 0x80000000u, __ATOMIC_SEQ_CST);
	vmbus_server_poll(g.srv);
	CHECK_EQ(*pending(&g, 0), 0);
	CHECK_EQ(*pending(&g, 3), 0x80000000u);
	CHECK_EQ(g.srv->stats.monitor_ignored, 6);
	CHECK_EQ(g.srv->stats.monitor_triggers, 0);
	CHECK_EQ(ch->monitor_triggers, 0);
	CHECK(!vg_event_pending(&g, 0, 1));
	/* A guest that overwrote trigger_state changes nothing. */
	mon(&g, VG_MON2)->trigger_state = 0xffffffffu;
	vmbus_server_poll(g.srv);
	CHECK_EQ(*pending(&g, 3), 0x80000000u);
	vg_uninit(&g);
	return true;
}

/* Ids 128..255 test the guest: offered as such, nothing written or polled. */
static bool mon_out_of_range(void)
{
	struct hvp_vmbus_offer_channel o;
	struct hvp_monitor_page *p2;
	struct vg g;

	CHECK(setup(&g, 200, &o));
	CHECK_EQ(o.monitor_flags, HVP_VMBUS_OFFER_MONITOR_ALLOCATED);
	CHECK_EQ(o.monitor_id, 200);
	p2 = mon(&g, VG_MON2);
	CHECK_EQ(p2->trigger_state, 0);
	CHECK_EQ(vg_open(&g, 1, 4, 0), 0);
	CHECK_EQ(g.srv->mon_open, 0);
	CHECK(gwrite(&g, 9));
	CHECK_EQ(vg_signal(&g), 0);
	CHECK(echoed(&g, 9));
	CHECK(strstr(vg_ctl(&g, "vmbus channels"), "monitor_id=200 "));
	vg_uninit(&g);
	return true;
}

/* A guest that gave no monitor pages gets a plain offer. */
static bool mon_no_pages(void)
{
	struct hvp_vmbus_initiate_contact m = {
		.header.msgtype = HVP_VMBUS_MSG_INITIATE_CONTACT,
		.version_requested = V53,
		.target_vcpu = VG_VP,
		.msg_sint = 2,
	};
	struct vmbus_dev_opts d = { &echo_vsp_ops, VMBUS_MONITOR_AUTO };
	struct hvp_vmbus_version_response r;
	struct hvp_vmbus_offer_channel o;
	struct vg g;

	CHECK(vg_init(&g, V53, 0));
	CHECK_EQ(vmbus_add_device_opts(g.srv, &d, NULL), 0);
	CHECK_EQ(vg_post(&g, HVP_VMBUS_MESSAGE_CONN_ID_4, &m, sizeof(m)), 0);
	CHECK_EQ(vg_recv(&g, VG_VP, &r, NULL), HVP_VMBUS_MSG_VERSION_RESPONSE);
	CHECK(r.version_supported);
	g.conn = r.msg_conn_id;
	CHECK_EQ(vg_request_offers(&g, &o, 1), 1);
	CHECK_EQ(o.monitor_id, 0xff);
	CHECK_EQ(o.monitor_flags, 0);
	CHECK(strstr(vg_ctl(&g, "vmbus channels"), "monitor_id=none "));
	vg_uninit(&g);
	return true;
}

static bool timer_armed(struct vg *g)
{
	struct itimerspec its;

	return !timerfd_gettime(g->srv->mon_timer.src.fd, &its) &&
	       (its.it_value.tv_sec || its.it_value.tv_nsec);
}

/* The 1 ms timer runs only while a monitored channel is open. */
static bool mon_timer(void)
{
	struct hvp_vmbus_offer_channel o;
	struct hvp_vmbus_msg_header u = { .msgtype = HVP_VMBUS_MSG_UNLOAD };
	struct vsp_channel *ch;
	struct loop l;
	struct vg g;
	int i;

	CHECK(setup(&g, VMBUS_MONITOR_AUTO, &o));
	CHECK_EQ(loop_init(&l), 0);
	CHECK_EQ(vmbus_server_set_loop(g.srv, &l), 0);
	CHECK(!timer_armed(&g));
	CHECK_EQ(vg_open(&g, 1, 4, 0), 0);
	CHECK(timer_armed(&g));
	ch = chan_find(g.srv, 1);
	CHECK(gwrite(&g, 10));
	__atomic_fetch_or(pending(&g, 0), 1u, __ATOMIC_SEQ_CST);
	for (i = 0; i < 100 && !ch->monitor_triggers; i++)
		loop_run_once(&l, 10);
	CHECK_EQ(ch->monitor_triggers, 1);
	CHECK(echoed(&g, 10));
	/* UNLOAD closes the channel: the timer stops. */
	CHECK_EQ(vg_post(&g, g.conn, &u, sizeof(u)), 0);
	CHECK_EQ(vg_recv_type(&g), HVP_VMBUS_MSG_UNLOAD_RESPONSE);
	CHECK(!timer_armed(&g));
	CHECK_EQ(g.srv->mon_open, 0);
	vg_uninit(&g);
	loop_uninit(&l);
	return true;
}

TAP_SUITE(vmbus_monitor_tests,
	{ "monitor: offer fields and monitor page entries", mon_offer_pages },
	{ "monitor: a pending bit is taken, counted, its channel served",
	  mon_trigger },
	{ "monitor: bits of unknown ids and disabled groups", mon_bad_ids },
	{ "monitor: ids 128..255 offered, never polled", mon_out_of_range },
	{ "monitor: no monitor pages, plain offer", mon_no_pages },
	{ "monitor: the poll timer runs while a monitored channel is open",
	  mon_timer });
