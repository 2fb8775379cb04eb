// SPDX-License-Identifier: GPL-2.0
/*
 * hvg_vmbus_test: GPA-direct packets of several ranges (offsets inside the
 * first page, ranges over several pages, pages out of order), the ranges
 * hvg_channel_send_gpa() must refuse, and GPADLs of any size through the
 * exported hvg_gpadl_create() and hvg_gpadl_destroy().
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <hvproto/echo.h>
#include "test.h"

#define MR_PAGES	16	/* pages for the multi-range requests */
#define MR_MAX_RANGES	16	/* hvg_channel_send_gpa()'s limit */
#define GUARD		0xee	/* page bytes outside every range */

/* Byte @at of range @rg's pages, counted from its first page's start. */
static u8 *pbyte(const struct hvg_gpa_range *rg, u32 at)
{
	return (u8 *)page_address(pfn_to_page(rg->pfns[at / PAGE_SIZE])) +
	       at % PAGE_SIZE;
}

/* Byte @k of range @rg's data. */
static u8 *rbyte(const struct hvg_gpa_range *rg, u32 k)
{
	return pbyte(rg, rg->offset + k);
}

/* The bytes of @rg's pages outside its data are still GUARD. */
static bool guards_intact(const struct hvg_gpa_range *rg)
{
	u32 at;

	for (at = 0; at < rg->pfn_count * PAGE_SIZE; at++)
		if ((at < rg->offset || at >= rg->offset + rg->len) &&
		    *pbyte(rg, at) != GUARD)
			return false;
	return true;
}

/* hvg_channel_send_gpa() refuses @n ranges @rg as malformed. */
static bool refused(struct t_dev *d, const struct hvg_gpa_range *rg, u32 n)
{
	struct hvp_echo_req req = { .op = cpu_to_le32(HVP_ECHO_OP_SUM) };

	/* No completion requested: a range that got through fails below. */
	return hvg_channel_send_gpa(d->ch, rg, n, &req, sizeof(req),
				    NULL) == -EINVAL;
}

/* One SUM or FILL request over @n ranges, every byte and guard checked. */
static int multi_one(struct t_dev *d, const struct hvg_gpa_range *rg, u32 n,
		     bool fill, u64 seed)
{
	u64 h = hvp_echo_fnv_init(seed);
	u32 i, k, j, base = 0;
	struct t_rqst r;
	int ret;

	for (i = 0; i < n; i++)
		for (j = 0; j < rg[i].pfn_count; j++)
			memset(page_address(pfn_to_page(rg[i].pfns[j])), GUARD,
			       PAGE_SIZE);
	for (i = 0; i < n; base += rg[i++].len)
		for (k = 0; k < rg[i].len && !fill; k++)
			*rbyte(&rg[i], k) = hvp_echo_byte(seed, base + k);
	ret = t_gpa_send(d, rg, n, fill ? HVP_ECHO_OP_FILL : HVP_ECHO_OP_SUM,
			 base, seed, &r);
	if (ret)
		return ret;
	if (r.len != base)
		return -EBADMSG;
	for (i = 0, base = 0; i < n; base += rg[i++].len) {
		if (!guards_intact(&rg[i]))
			return -EFAULT;
		for (k = 0; k < rg[i].len; k++) {
			if (*rbyte(&rg[i], k) != hvp_echo_byte(seed, base + k))
				return -EBADMSG;
			h = hvp_echo_fnv(h, rbyte(&rg[i], k), 1);
		}
	}
	return r.sum == h ? 0 : -EBADMSG;
}

/* Three ranges at offset 100: 2, 3 and 1 pages, the PFNs in reverse. */
static const struct { u32 offset, len; } three[] = {
	{ 100, 5000 }, { 100, 8192 }, { 100, PAGE_SIZE - 100 },
};

/**
 * t_gpa_multi() - GPA-direct packets of several ranges, and refused ones
 * @d: the device, open
 * @reason: filled on failure
 * @info: "requests=N refused=N"
 *
 * SUM and FILL over three ranges at offset 100 (2, 3 and 1 pages, on pages
 * listed in reverse order), then over the limit of 16 one-page ranges;
 * each checked by the host's FNV sum, byte by byte, and by the page bytes
 * outside the ranges staying untouched. Then 17 ranges, a range whose
 * pfn_count does not match offset + len, an offset past the page and an
 * empty range must be refused with -EINVAL.
 *
 * Return: 0 or -1.
 */
int t_gpa_multi(struct t_dev *d, char *reason, char *info)
{
	struct hvg_gpa_range rg[MR_MAX_RANGES + 1];
	struct page *pg[MR_PAGES] = { NULL };
	u64 pfns[MR_PAGES], seed;
	u32 i, p = 0, done = 0, nref = 0;
	int ret = 0;

	for (i = 0; i < MR_PAGES; i++) {
		pg[i] = alloc_page(GFP_KERNEL);
		if (!pg[i]) {
			ret = -ENOMEM;
			goto out;
		}
	}
	for (i = 0; i < MR_PAGES; i++)
		pfns[i] = page_to_pfn(pg[MR_PAGES - 1 - i]);
	for (i = 0; i < ARRAY_SIZE(three); i++) {
		rg[i] = (struct hvg_gpa_range){
			.offset = three[i].offset, .len = three[i].len,
			.pfn_count = DIV_ROUND_UP(three[i].offset +
						  three[i].len, PAGE_SIZE),
			.pfns = pfns + p,
		};
		p += rg[i].pfn_count;
	}
	for (seed = 1; seed <= 4 && !ret; seed++, done++)
		ret = multi_one(d, rg, ARRAY_SIZE(three), seed & 1, seed);
	for (i = 0; i < MR_MAX_RANGES + 1; i++)
		rg[i] = (struct hvg_gpa_range){
			.offset = 100 + i, .len = PAGE_SIZE - 100 - 2 * i,
			.pfn_count = 1, .pfns = pfns + i % MR_PAGES,
		};
	for (seed = 5; seed <= 6 && !ret; seed++, done++)
		ret = multi_one(d, rg, MR_MAX_RANGES, seed & 1, seed);
	if (ret)
		goto out;

	nref += refused(d, rg, MR_MAX_RANGES + 1);
	rg[0] = (struct hvg_gpa_range){ .offset = 100, .len = PAGE_SIZE,
					.pfn_count = 1, .pfns = pfns };
	nref += refused(d, rg, 1);	/* needs 2 PFNs */
	rg[0] = (struct hvg_gpa_range){ .offset = PAGE_SIZE, .len = 8,
					.pfn_count = 2, .pfns = pfns };
	nref += refused(d, rg, 1);
	rg[0] = (struct hvg_gpa_range){ .offset = 0, .len = 0,
					.pfn_count = 0, .pfns = pfns };
	nref += refused(d, rg, 1);
	ret = nref == 4 ? 0 : -EINVAL;
out:
	for (i = 0; i < MR_PAGES; i++)
		if (pg[i])
			__free_page(pg[i]);
	scnprintf(info, T_INFO_LEN, "requests=%u refused=%u", done, nref);
	if (ret) {
		snprintf(reason, T_REASON_LEN,
			 "after %u requests: error %d (%u of 4 bad ranges refused)",
			 done, ret, nref);
		return -1;
	}
	return 0;
}

/**
 * t_gpadl_create() - share a vmalloc buffer of @pages pages with the host
 * @d: the device (its channel open or not); one such GPADL at a time
 * @pages: its size
 * @reason: filled on failure
 * @info: "handle=0x... pages=N" on success, "error=E" when refused
 *
 * A refusal is reported in @info, not as a failure: the test script
 * decides which sizes must be refused.
 *
 * Return: 0 or -1.
 */
int t_gpadl_create(struct t_dev *d, u64 pages, char *reason, char *info)
{
	void *buf;
	int ret;

	if (d->gpadl_buf)
		return snprintf(reason, T_REASON_LEN, "a GPADL exists"), -1;
	if (!pages || pages > 16384)
		return snprintf(reason, T_REASON_LEN, "1..16384 pages"), -1;
	buf = vzalloc(pages * PAGE_SIZE);
	if (!buf)
		return snprintf(reason, T_REASON_LEN, "no memory"), -1;
	ret = hvg_gpadl_create(d->ch, buf, pages * PAGE_SIZE, &d->gpadl);
	if (ret) {
		vfree(buf);
		scnprintf(info, T_INFO_LEN, "error=%d", ret);
		return 0;
	}
	d->gpadl_buf = buf;
	scnprintf(info, T_INFO_LEN, "handle=%#x pages=%llu", d->gpadl, pages);
	return 0;
}

/**
 * t_gpadl_destroy() - tear down the GPADL of t_gpadl_create()
 * @d: the device
 * @reason: filled on failure
 *
 * Return: 0 or -1 (the buffer is then leaked: the host may still map it).
 */
int t_gpadl_destroy(struct t_dev *d, char *reason)
{
	int ret;

	if (!d->gpadl_buf)
		return 0;
	ret = hvg_gpadl_destroy(d->ch, d->gpadl);
	if (!ret)
		vfree(d->gpadl_buf);
	d->gpadl_buf = NULL;
	if (ret) {
		snprintf(reason, T_REASON_LEN, "hvg_gpadl_destroy: %d", ret);
		return -1;
	}
	return 0;
}
