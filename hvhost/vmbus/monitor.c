// SPDX-License-Identifier: GPL-2.0
/*
 * Monitored notification: a channel offered with monitor_allocated signals
 * the host by setting bit (monitor_id % 32) of trigger_group[monitor_id /
 * 32].pending in the guest -> host monitor page (monitor_page2 of
 * INITIATE_CONTACT), not by HvSignalEvent. On Hyper-V the hypervisor polls
 * that page at the latency the host wrote for the id and signals the
 * connection named in its parameter entry; here hvhost polls it itself,
 * on every vmbus_server_poll() (each doorbell and message) and on a 1 ms
 * timer while a monitored channel is open.
 *
 * What hvhost writes into the guest's pages when it offers a monitored
 * channel: trigger_state's group-enable bit of the id's group in page 2,
 * and in both pages the id's parameter (the channel's connection id; flag
 * number 0, or the relid where channels share connection id 2) and
 * latency (page 2: the poll period in 100 ns units; page 1: 0, since
 * hvhost signals the guest at once and never looks at page 1). A poll
 * takes each enabled group's pending word with an atomic exchange, so a
 * bit the guest sets meanwhile is kept for the next poll; a set bit of an
 * id that names no open monitored channel is dropped and counted. The
 * armed words and next_check_time are the hypervisor's own bookkeeping
 * and stay 0. Groups hvhost did not enable are left alone.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmbus/server.h"

#define MON_GROUPS		4
/* The poll period while a monitored channel is open, and as latency. */
#define MON_POLL_NS		1000000ull
#define MON_LATENCY_100NS	((uint16_t)(MON_POLL_NS / 100))

bool vmbus_parse_device_opt(const char *opt, int *monitor_id)
{
	unsigned long v;
	char *end;

	if (!strcmp(opt, "monitored")) {
		*monitor_id = VMBUS_MONITOR_AUTO;
		return true;
	}
	if (strncmp(opt, "monitor-id=", 11) || !opt[11] || opt[11] == '-' ||
	    opt[11] == '+')
		return false;
	errno = 0;
	v = strtoul(opt + 11, &end, 0);
	if (errno || *end || v > 255)
		return false;
	*monitor_id = (int)v;
	return true;
}

bool vmbus_parse_device(const char *spec, struct vmbus_dev_opts *o)
{
	char name[32];
	const char *comma = strchr(spec, ',');
	size_t n = comma ? (size_t)(comma - spec) : strlen(spec);

	if (n >= sizeof(name))
		return false;
	memcpy(name, spec, n);
	name[n] = '\0';
	o->vsp = vsp_find(name);
	o->monitor_id = VMBUS_MONITOR_NONE;
	if (!o->vsp)
		return false;
	return !comma || vmbus_parse_device_opt(comma + 1, &o->monitor_id);
}

/* Gives @ch the monitor id @id asked for (or the lowest free one). */
int mon_assign(struct vsp_channel *ch, int id)
{
	struct vmbus_server *srv = ch->srv;

	if (id == VMBUS_MONITOR_NONE)
		return 0;
	if (id == VMBUS_MONITOR_AUTO) {
		for (id = 0; id < VMBUS_MONITOR_IDS && srv->mon_chans[id]; id++)
			;
		if (id == VMBUS_MONITOR_IDS)
			return -ENOSPC;
	}
	if (id < 0 || id > 255)
		return -EINVAL;
	/* 128..255 exist only to test the guest: offered, never polled. */
	if (id < VMBUS_MONITOR_IDS) {
		if (srv->mon_chans[id])
			return -EBUSY;
		srv->mon_chans[id] = ch;
	}
	ch->monitor_id = (int16_t)id;
	return 0;
}

static struct hvp_monitor_page *mon_page(struct vmbus_server *srv,
					 uint64_t gpa)
{
	return gpa ? gm_ptr(srv->hv->mem, gpa, sizeof(struct hvp_monitor_page))
		   : NULL;
}

static void mon_entry(struct hvp_monitor_page *pg, unsigned int id,
		      uint32_t conn_id, uint16_t flag, uint16_t latency)
{
	struct hvp_monitor_parameter *p = &pg->parameter[id / 32][id % 32];

	p->connection_id = conn_id;
	p->flag_number = flag;
	p->reserved = 0;
	pg->latency[id / 32][id % 32] = latency;
}

void mon_offer(struct vsp_channel *ch, struct hvp_vmbus_offer_channel *m)
{
	struct vmbus_server *srv = ch->srv;
	struct hvp_monitor_page *p1, *p2;
	uint32_t conn_id = m->connection_id;
	uint16_t flag = 0;
	unsigned int id;

	ch->mon_offered = false;
	/* A guest that gave no monitor pages gets a plain offer. */
	if (ch->monitor_id < 0 || !srv->monitor_page2)
		return;
	m->monitor_id = (uint8_t)ch->monitor_id;
	m->monitor_flags = HVP_VMBUS_OFFER_MONITOR_ALLOCATED;
	ch->mon_offered = true;
	if (ch->monitor_id >= VMBUS_MONITOR_IDS)
		return;
	id = (unsigned int)ch->monitor_id;
	if (!conn_id) {		/* before 4.0: the shared connection */
		conn_id = HVP_VMBUS_EVENT_CONN_ID;
		flag = (uint16_t)ch->relid;
	}
	p1 = mon_page(srv, srv->monitor_page1);
	p2 = mon_page(srv, srv->monitor_page2);
	if (p1)
		mon_entry(p1, id, conn_id, flag, 0);
	if (p2) {
		mon_entry(p2, id, conn_id, flag, MON_LATENCY_100NS);
		__atomic_fetch_or(&p2->trigger_state, 1u << (id / 32),
				  __ATOMIC_SEQ_CST);
	}
	srv->mon_groups |= 1u << (id / 32);
}

static void timer_update(struct vmbus_server *srv)
{
	bool on = srv->mon_open > 0;

	if (!srv->mon_timer_ok || on == srv->mon_timer_on)
		return;
	if (!loop_timer_set(&srv->mon_timer, on ? MON_POLL_NS : 0,
			    on ? MON_POLL_NS : 0))
		srv->mon_timer_on = on;
}

void mon_opened(struct vsp_channel *ch)
{
	if (!ch->mon_offered || ch->monitor_id >= VMBUS_MONITOR_IDS ||
	    ch->mon_polled)
		return;
	ch->mon_polled = true;
	ch->srv->mon_open++;
	timer_update(ch->srv);
}

void mon_closed(struct vsp_channel *ch)
{
	if (!ch->mon_polled)
		return;
	ch->mon_polled = false;
	ch->srv->mon_open--;
	timer_update(ch->srv);
}

void mon_release(struct vsp_channel *ch)
{
	struct vmbus_server *srv = ch->srv;
	struct hvp_monitor_page *pg;
	unsigned int id;

	mon_closed(ch);
	if (ch->monitor_id < 0 || ch->monitor_id >= VMBUS_MONITOR_IDS)
		return;
	id = (unsigned int)ch->monitor_id;
	srv->mon_chans[id] = NULL;
	if (ch->mon_offered && srv->state == VMBUS_CONNECTED) {
		pg = mon_page(srv, srv->monitor_page1);
		if (pg)
			mon_entry(pg, id, 0, 0, 0);
		pg = mon_page(srv, srv->monitor_page2);
		if (pg)
			mon_entry(pg, id, 0, 0, 0);
	}
}

void mon_reset(struct vmbus_server *srv)
{
	struct vsp_channel *ch;

	for (ch = srv->channels; ch; ch = ch->next) {
		mon_closed(ch);
		ch->mon_offered = false;
	}
	srv->mon_groups = 0;
}

/* The triggers of group @g: @bits, already taken out of the page. */
static void mon_fire(struct vmbus_server *srv, unsigned int g, uint32_t bits)
{
	struct vsp_channel *ch;
	unsigned int bit;

	while (bits) {
		bit = (unsigned int)__builtin_ctz(bits);
		bits &= bits - 1;
		ch = srv->mon_chans[g * 32 + bit];
		if (!ch || !ch->mon_polled) {
			srv->stats.monitor_ignored++;
			hv_trace("vmbus: monitor id %u: trigger names no open "
				 "channel, ignored", g * 32 + bit);
			continue;
		}
		hv_trace("vmbus: channel %u: monitor trigger (id %u)",
			 ch->relid, g * 32 + bit);
		ch->monitor_triggers++;
		srv->stats.monitor_triggers++;
		chan_kick(ch);
	}
}

void vmbus_monitor_poll(struct vmbus_server *srv)
{
	struct hvp_monitor_page *pg;
	uint32_t *w, bits;
	unsigned int g;

	if (!srv->mon_open || srv->mon_polling)
		return;
	pg = mon_page(srv, srv->monitor_page2);
	if (!pg)
		return;
	/* chan_kick() runs VSP code, which may poll the server again. */
	srv->mon_polling = true;
	for (g = 0; g < MON_GROUPS; g++) {
		if (!(srv->mon_groups & (1u << g)))
			continue;
		w = (uint32_t *)&pg->trigger_group[g].pending;
		if (!__atomic_load_n(w, __ATOMIC_RELAXED))
			continue;
		bits = __atomic_exchange_n(w, 0, __ATOMIC_SEQ_CST);
		mon_fire(srv, g, bits);
	}
	srv->mon_polling = false;
}

static void mon_tick(struct loop_timer *t)
{
	struct vmbus_server *srv = container_of(t, struct vmbus_server,
						mon_timer);

	vmbus_server_poll(srv);
}

int vmbus_server_set_loop(struct vmbus_server *srv, struct loop *loop)
{
	int err = loop_timer_init(loop, &srv->mon_timer, mon_tick);

	srv->mon_timer_ok = !err;
	if (!err)
		timer_update(srv);
	return err;
}

void mon_uninit(struct vmbus_server *srv)
{
	if (srv->mon_timer_ok)
		loop_timer_uninit(&srv->mon_timer);
	srv->mon_timer_ok = false;
}
