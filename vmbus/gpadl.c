// SPDX-License-Identifier: GPL-2.0
/*
 * GPADLs: a guest buffer described to the host page by page, under a
 * guest-chosen handle, in one GPADL_HEADER and as many GPADL_BODY messages
 * as the PFNs need; torn down with GPADL_TEARDOWN. A buffer whose GPADL the
 * host did not confirm torn down must never be freed: the host may still
 * write it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include "channel.h"

/* range_buflen is 16 bits: 8 bytes of range header, then 8 per PFN. */
#define GPADL_MAX_PFNS	((U16_MAX - sizeof(struct hvp_gpa_range)) / 8)

static u64 buf_pfn(void *buf, u32 page)
{
	void *p = buf + (size_t)page * PAGE_SIZE;

	if (is_vmalloc_addr(p))
		return vmalloc_to_pfn(p);
	return virt_to_phys(p) >> PAGE_SHIFT;
}

static int post_header(struct hvg_vmbus_channel *ch, void *buf, u32 pfns,
		       u32 handle, u32 *sent)
{
	u8 raw[HVP_MESSAGE_PAYLOAD_BYTES] __aligned(8) = {};
	struct hvp_vmbus_gpadl_header *m = (void *)raw;
	u32 n = min_t(u32, pfns, HVP_VMBUS_GPADL_HEADER_PFNS), i;
	struct hvp_gpa_range *r = (void *)m->range;

	m->header.msgtype = cpu_to_le32(HVP_VMBUS_MSG_GPADL_HEADER);
	m->child_relid = cpu_to_le32(ch->relid);
	m->gpadl = cpu_to_le32(handle);
	m->range_buflen = cpu_to_le16(sizeof(struct hvp_gpa_range) + pfns * 8);
	m->range_count = cpu_to_le16(1);
	r->byte_count = cpu_to_le32(pfns * PAGE_SIZE);
	r->byte_offset = 0;
	for (i = 0; i < n; i++)
		r->pfn_array[i] = cpu_to_le64(buf_pfn(buf, i));
	*sent = n;
	return hvg_conn_post(ch->conn, m, sizeof(*m) +
			     sizeof(struct hvp_gpa_range) + n * 8);
}

static int post_body(struct hvg_vmbus_channel *ch, void *buf, u32 pfns,
		     u32 handle, u32 *sent)
{
	u8 raw[HVP_MESSAGE_PAYLOAD_BYTES] __aligned(8) = {};
	struct hvp_vmbus_gpadl_body *m = (void *)raw;
	u32 n = min_t(u32, pfns - *sent, HVP_VMBUS_GPADL_BODY_PFNS), i;

	m->header.msgtype = cpu_to_le32(HVP_VMBUS_MSG_GPADL_BODY);
	m->gpadl = cpu_to_le32(handle);
	for (i = 0; i < n; i++)
		m->pfn[i] = cpu_to_le64(buf_pfn(buf, *sent + i));
	*sent += n;
	return hvg_conn_post(ch->conn, m, sizeof(*m) + n * 8);
}

static u32 next_handle(struct hvg_conn *conn)
{
	u32 h;

	do {
		h = atomic_inc_return(&conn->next_gpadl);
	} while (!h);
	return h;
}

/**
 * hvg_gpadl_establish() - share a buffer with the host
 * @ch: the channel the GPADL belongs to
 * @buf: page-aligned, from the page allocator, kmalloc or vmalloc
 * @size: a multiple of PAGE_SIZE, at most 8190 pages (the protocol's limit)
 * @handle: the GPADL handle, on success
 *
 * Process context; waits for GPADL_CREATED, bounded.
 *
 * Return: 0; -EINVAL; -ENOSPC if the host refused; -ENODEV if the channel
 * was rescinded; -ETIMEDOUT (then the host may still map the buffer: leak
 * it); or the error of posting.
 */
int hvg_gpadl_establish(struct hvg_vmbus_channel *ch, void *buf, u32 size,
			u32 *handle)
{
	u32 pfns = size >> PAGE_SHIFT, sent, h;
	const struct hvp_vmbus_gpadl_created *resp;
	struct hvg_waiter w;
	int ret;

	if (!size || !PAGE_ALIGNED(size) || !PAGE_ALIGNED(buf) ||
	    pfns > GPADL_MAX_PFNS)
		return -EINVAL;
	h = next_handle(ch->conn);
	hvg_waiter_init(&w, HVP_VMBUS_MSG_GPADL_CREATED, h, ch->relid);
	hvg_waiter_add(ch->conn, &w);
	ret = post_header(ch, buf, pfns, h, &sent);
	while (!ret && sent < pfns)
		ret = post_body(ch, buf, pfns, h, &sent);
	if (ret) {
		hvg_waiter_del(ch->conn, &w);
		return ret;
	}
	if (READ_ONCE(ch->rescinded))
		hvg_waiter_cancel_relid(ch->conn, ch->relid);
	ret = hvg_waiter_wait(ch->conn, &w, "GPADL_CREATED");
	if (ret)
		return ret;
	resp = (const void *)w.resp;
	if (resp->status) {
		pr_warn_ratelimited("relid %u: host refused GPADL %#x (status %#x)\n",
				    ch->relid, h, le32_to_cpu(resp->status));
		return -ENOSPC;
	}
	*handle = h;
	return 0;
}

/**
 * hvg_gpadl_teardown() - stop sharing a buffer
 * @ch: the channel the GPADL belongs to
 * @handle: the GPADL
 *
 * Process context; waits for GPADL_TORNDOWN, bounded. A rescinded channel's
 * GPADLs are released by the host with the channel.
 *
 * Return: 0 when the buffer may be freed, else a negative errno (leak it).
 */
int hvg_gpadl_teardown(struct hvg_vmbus_channel *ch, u32 handle)
{
	struct hvp_vmbus_gpadl_teardown msg = {
		.header.msgtype = cpu_to_le32(HVP_VMBUS_MSG_GPADL_TEARDOWN),
		.child_relid = cpu_to_le32(ch->relid),
		.gpadl = cpu_to_le32(handle),
	};
	struct hvg_waiter w;
	int ret;

	if (READ_ONCE(ch->conn->state) == HVG_CONN_UNLOADED)
		return 0;	/* the host released everything */
	hvg_waiter_init(&w, HVP_VMBUS_MSG_GPADL_TORNDOWN, handle, ch->relid);
	hvg_waiter_add(ch->conn, &w);
	ret = hvg_conn_post(ch->conn, &msg, sizeof(msg));
	if (ret) {
		hvg_waiter_del(ch->conn, &w);
		return READ_ONCE(ch->rescinded) ? 0 : ret;
	}
	if (READ_ONCE(ch->rescinded))
		hvg_waiter_cancel_relid(ch->conn, ch->relid);
	ret = hvg_waiter_wait(ch->conn, &w, "GPADL_TORNDOWN");
	return ret == -ENODEV ? 0 : ret;
}

/**
 * hvg_gpadl_create() - share a buffer with the host
 * @ch: the channel the GPADL belongs to (open or not)
 * @buf: page-aligned kernel memory (page allocator, kmalloc or vmalloc)
 * @size: a multiple of PAGE_SIZE, at most 8190 pages
 * @handle: the GPADL handle to give the host, on success
 *
 * Process context; sleeps until the host confirms, bounded by the module
 * parameter host_timeout_ms.
 *
 * Return: 0; -EINVAL for a bad buffer; -ENOSPC if the host refused;
 * -ENODEV if the channel was rescinded; -ETIMEDOUT if the host did not
 * answer (the buffer may then still be mapped by the host: never free it).
 */
int hvg_gpadl_create(struct hvg_vmbus_channel *ch, void *buf, u32 size,
		     u32 *handle)
{
	return hvg_gpadl_establish(ch, buf, size, handle);
}
EXPORT_SYMBOL_GPL(hvg_gpadl_create);

/**
 * hvg_gpadl_destroy() - stop sharing a buffer
 * @ch: the channel given to hvg_gpadl_create()
 * @handle: the handle it returned
 *
 * Process context; sleeps until the host confirms, bounded.
 *
 * Return: 0 when the buffer may be freed; a negative errno when the host
 * did not confirm (the buffer must then be leaked).
 */
int hvg_gpadl_destroy(struct hvg_vmbus_channel *ch, u32 handle)
{
	return hvg_gpadl_teardown(ch, handle);
}
EXPORT_SYMBOL_GPL(hvg_gpadl_destroy);
