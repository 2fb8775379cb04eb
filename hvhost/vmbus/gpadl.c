// SPDX-License-Identifier: GPL-2.0
/*
 * GPADLs: guest memory the guest describes to the host by PFN lists.
 *
 * GPADL_HEADER names a guest-chosen handle, the channel, range_count and
 * range_buflen, and carries the first words of the ranges; GPADL_BODY
 * messages carry the rest. The words are parsed as they arrive (a range
 * header {byte_count, byte_offset}, then PFN_UP(offset + count) PFNs, then
 * the next range), so the GPADL is complete exactly when its last range
 * is, and a PFN outside guest RAM or a body with too many words fails it at
 * once. range_buflen is a 16-bit field while a GPADL may exceed 64 KiB of
 * words, so it must equal the words' size modulo 65536.
 *
 * States: RECEIVING -> CREATED -> (TEARDOWN while a ring holds it) -> freed.
 * A failed GPADL is answered with GPADL_CREATED status != 0 and freed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vmbus/server.h"

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1u << PAGE_SHIFT)

const char *gpadl_state_name(enum gpadl_state s)
{
	switch (s) {
	case GPADL_RECEIVING: return "receiving";
	case GPADL_CREATED: return "created";
	case GPADL_TEARDOWN: return "teardown";
	}
	return "?";
}

struct gpadl *gpadl_find(struct vmbus_server *srv, uint32_t handle)
{
	struct gpadl *g;

	for (g = srv->gpadls; g; g = g->next)
		if (g->handle == handle)
			return g;
	return NULL;
}

unsigned int gpadl_count(const struct vmbus_server *srv, uint32_t relid)
{
	const struct gpadl *g;
	unsigned int n = 0;

	for (g = srv->gpadls; g; g = g->next)
		n += g->relid == relid;
	return n;
}

static void unlink_free(struct vmbus_server *srv, struct gpadl *g)
{
	struct gpadl **pp;

	for (pp = &srv->gpadls; *pp; pp = &(*pp)->next) {
		if (*pp == g) {
			*pp = g->next;
			break;
		}
	}
	srv->nr_gpadls--;
	srv->nr_pfns -= g->nr_pfns;
	free(g->ranges);
	free(g->pfns);
	free(g);
}

static void send_created(struct vmbus_server *srv, uint32_t relid,
			 uint32_t handle, uint32_t status)
{
	struct hvp_vmbus_gpadl_created r = {
		.header.msgtype = HVP_VMBUS_MSG_GPADL_CREATED,
		.child_relid = relid,
		.gpadl = handle,
		.status = status,
	};

	vmbus_send(srv, &r, sizeof(r));
}

static void fail(struct vmbus_server *srv, struct gpadl *g, const char *why)
{
	hv_trace("vmbus: gpadl %#x failed: %s", g->handle, why);
	srv->stats.gpadls_failed++;
	send_created(srv, g->relid, g->handle, VMBUS_STATUS_FAIL);
	unlink_free(srv, g);
}

/* At most as many PFNs as guest RAM has pages: bounds the allocation. */
static uint64_t max_pfns(const struct vmbus_server *srv)
{
	return srv->hv->mem->size >> PAGE_SHIFT;
}

static const char *add_pfn(struct vmbus_server *srv, struct gpadl *g,
			   uint64_t pfn)
{
	if (pfn >= max_pfns(srv))
		return "pfn outside guest RAM";
	if (srv->nr_pfns >= max_pfns(srv) * VMBUS_PFN_RAM_FACTOR)
		return "too many pages in all GPADLs";
	if (g->nr_pfns == g->cap_pfns) {
		uint32_t cap = g->cap_pfns ? g->cap_pfns * 2 : 32;
		uint64_t *p = realloc(g->pfns, cap * sizeof(*p));

		if (!p)
			return "out of memory";
		g->pfns = p;
		g->cap_pfns = cap;
	}
	g->pfns[g->nr_pfns++] = pfn;
	srv->nr_pfns++;
	return NULL;
}

static const char *add_range_header(struct vmbus_server *srv,
				    struct gpadl *g, uint64_t word)
{
	struct gpadl_range *r = &g->ranges[g->nr_ranges];
	uint64_t n;

	r->byte_count = (uint32_t)word;
	r->byte_offset = (uint32_t)(word >> 32);
	if (!r->byte_count || r->byte_offset >= PAGE_SIZE)
		return "bad range byte_count/byte_offset";
	n = ((uint64_t)r->byte_offset + r->byte_count + PAGE_SIZE - 1) >>
	    PAGE_SHIFT;
	if (g->nr_pfns + n > max_pfns(srv))
		return "more pages than guest RAM";
	r->first = g->nr_pfns;
	r->nr_pfns = (uint32_t)n;
	g->pfns_left = (uint32_t)n;
	g->nr_ranges++;
	return NULL;
}

static bool complete(const struct gpadl *g)
{
	return g->nr_ranges == g->range_count && !g->pfns_left;
}

/* Feeds range words to the parser; NULL or why the GPADL is bad. */
static const char *feed(struct vmbus_server *srv, struct gpadl *g,
			const void *words, uint32_t n)
{
	const char *err = NULL;
	uint64_t w;
	uint32_t i;

	for (i = 0; i < n && !err; i++) {
		if (complete(g))
			return "more words than the ranges need";
		/* The header's words are only 4-byte aligned. */
		memcpy(&w, (const uint8_t *)words + i * 8, 8);
		if (g->pfns_left) {
			err = add_pfn(srv, g, w);
			g->pfns_left--;
		} else {
			err = add_range_header(srv, g, w);
		}
		g->words++;
	}
	return err;
}

static void finish(struct vmbus_server *srv, struct gpadl *g)
{
	if ((uint16_t)(g->words * 8) != g->range_buflen) {
		fail(srv, g, "range_buflen does not match the ranges");
		return;
	}
	g->state = GPADL_CREATED;
	srv->stats.gpadls_created++;
	hv_trace("vmbus: gpadl %#x created: relid=%u ranges=%u pages=%u",
		 g->handle, g->relid, g->nr_ranges, g->nr_pfns);
	send_created(srv, g->relid, g->handle, 0);
}

/* The channel a GPADL belongs to must exist and not be rescinded. */
static bool relid_ok(struct vmbus_server *srv, uint32_t relid)
{
	struct vsp_channel *ch = chan_find(srv, relid);

	return ch && !ch->rescinded;
}

void gpadl_header(struct vmbus_server *srv, const void *msg, uint32_t len)
{
	const struct hvp_vmbus_gpadl_header *m = msg;
	uint32_t bytes = len - sizeof(*m);
	struct gpadl *g;
	const char *err;

	if (gpadl_find(srv, m->gpadl) || !m->gpadl ||
	    srv->nr_gpadls >= VMBUS_MAX_GPADLS) {
		hv_trace("vmbus: gpadl %#x: handle in use or too many",
			 m->gpadl);
		srv->stats.gpadls_failed++;
		send_created(srv, m->child_relid, m->gpadl, VMBUS_STATUS_FAIL);
		return;
	}
	g = calloc(1, sizeof(*g));
	if (g)
		g->ranges = calloc(m->range_count ? m->range_count : 1,
				   sizeof(*g->ranges));
	if (!g || !g->ranges) {
		free(g);
		srv->stats.gpadls_failed++;
		send_created(srv, m->child_relid, m->gpadl, VMBUS_STATUS_FAIL);
		return;
	}
	g->handle = m->gpadl;
	g->relid = m->child_relid;
	g->range_count = m->range_count;
	g->range_buflen = m->range_buflen;
	g->state = GPADL_RECEIVING;
	g->next = srv->gpadls;
	srv->gpadls = g;
	srv->nr_gpadls++;
	if (!relid_ok(srv, g->relid))
		err = "no such channel";
	else if (!g->range_count)
		err = "no ranges";
	else if (bytes % 8)
		err = "message not a whole number of words";
	else
		err = feed(srv, g, m->range, bytes / 8);
	if (err)
		fail(srv, g, err);
	else if (complete(g))
		finish(srv, g);
}

void gpadl_body(struct vmbus_server *srv, const void *msg, uint32_t len)
{
	const struct hvp_vmbus_gpadl_body *m = msg;
	uint32_t bytes = len - sizeof(*m);
	struct gpadl *g = gpadl_find(srv, m->gpadl);
	const char *err;

	if (!g || g->state != GPADL_RECEIVING) {
		srv->stats.gpadl_bodies_dropped++;
		hv_trace("vmbus: gpadl body for %#x dropped: %s", m->gpadl,
			 g ? "not receiving" : "no such gpadl");
		return;
	}
	if (!bytes || bytes % 8)
		err = "body not a whole number of words";
	else
		err = feed(srv, g, m->pfn, bytes / 8);
	if (err)
		fail(srv, g, err);
	else if (complete(g))
		finish(srv, g);
}

static void send_torndown(struct vmbus_server *srv, uint32_t handle)
{
	struct hvp_vmbus_gpadl_torndown r = {
		.header.msgtype = HVP_VMBUS_MSG_GPADL_TORNDOWN,
		.gpadl = handle,
	};

	srv->stats.gpadls_torndown++;
	vmbus_send(srv, &r, sizeof(r));
}

void gpadl_teardown(struct vmbus_server *srv, const void *msg, uint32_t len)
{
	const struct hvp_vmbus_gpadl_teardown *m = msg;
	struct gpadl *g = gpadl_find(srv, m->gpadl);

	(void)len;
	if (!g || g->state == GPADL_TEARDOWN) {
		hv_trace("vmbus: teardown of gpadl %#x dropped: %s", m->gpadl,
			 g ? "already tearing down" : "no such gpadl");
		return;
	}
	if (g->refs) {
		/* A ring still maps it: answer when the channel closes. */
		hv_trace("vmbus: gpadl %#x in use: teardown deferred", g->handle);
		g->state = GPADL_TEARDOWN;
		return;
	}
	send_torndown(srv, g->handle);
	unlink_free(srv, g);
}

void gpadl_get(struct gpadl *g)
{
	g->refs++;
}

void gpadl_put(struct vmbus_server *srv, struct gpadl *g)
{
	if (--g->refs || g->state != GPADL_TEARDOWN)
		return;
	send_torndown(srv, g->handle);
	unlink_free(srv, g);
}

/* A released relid takes its GPADLs along, so a reused relid starts clean. */
void gpadl_free_relid(struct vmbus_server *srv, uint32_t relid)
{
	struct gpadl *g, *next;

	for (g = srv->gpadls; g; g = next) {
		next = g->next;
		if (g->relid == relid && !g->refs) {
			hv_trace("vmbus: gpadl %#x freed with relid %u",
				 g->handle, relid);
			unlink_free(srv, g);
		}
	}
}

/* The guest is gone or unloaded: no answers, the rings are closed. */
void gpadl_free_all(struct vmbus_server *srv)
{
	while (srv->gpadls)
		unlink_free(srv, srv->gpadls);
}
