// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <stdio.h>

#include "fixture.h"

static u32 page_bytes(const struct fixture *f, u32 i)
{
	u32 rest = f->size - i * HVG_RING_PAGE_SIZE;

	return rest < HVG_RING_PAGE_SIZE ? rest : HVG_RING_PAGE_SIZE;
}

bool fix_init(struct fixture *f, u32 size, enum fix_layout layout,
	      u32 features)
{
	u32 i, nfull = size / HVG_RING_PAGE_SIZE;

	memset(f, 0, sizeof(*f));
	f->size = size;
	f->npages = (size + HVG_RING_PAGE_SIZE - 1) / HVG_RING_PAGE_SIZE;
	f->hdr = aligned_alloc(4096, sizeof(*f->hdr));
	f->pages = calloc(f->npages, sizeof(*f->pages));
	if (!f->hdr || !f->pages)
		return false;
	memset(f->hdr, 0, sizeof(*f->hdr));
	if (layout == FIX_CONTIG) {
		f->contig = aligned_alloc(4096, f->npages * HVG_RING_PAGE_SIZE);
		if (!f->contig)
			return false;
		for (i = 0; i < f->npages; i++)
			f->pages[i] = f->contig + i * HVG_RING_PAGE_SIZE;
		memset(f->contig, 0xee, f->npages * HVG_RING_PAGE_SIZE);
	} else {
		for (i = 0; i < f->npages; i++) {
			/* exact size: the last page may be partly used */
			f->pages[i] = malloc(page_bytes(f, i));
			if (!f->pages[i])
				return false;
			memset(f->pages[i], 0xee, page_bytes(f, i));
		}
		/* full pages in reverse address order; a partial one last */
		for (i = 0; i < nfull / 2; i++) {
			u8 *t = f->pages[i];

			f->pages[i] = f->pages[nfull - 1 - i];
			f->pages[nfull - 1 - i] = t;
		}
	}
	if (hvg_ring_init(&f->w, f->hdr, f->pages, size))
		return false;
	hvg_ring_reset(&f->w, features);
	return hvg_ring_init(&f->r, f->hdr, f->pages, size) == 0;
}

bool fix_move_to(struct fixture *f, u32 idx)
{
	f->hdr->write_index = idx;
	f->hdr->read_index = idx;
	return hvg_ring_init(&f->w, f->hdr, f->pages, f->size) == 0 &&
	       hvg_ring_init(&f->r, f->hdr, f->pages, f->size) == 0;
}

void fix_free(struct fixture *f)
{
	u32 i;

	if (f->contig)
		free(f->contig);
	else if (f->pages)
		for (i = 0; i < f->npages; i++)
			free(f->pages[i]);
	free(f->pages);
	free(f->hdr);
	memset(f, 0, sizeof(*f));
}

u8 *fix_byte(struct fixture *f, u32 off)
{
	off %= f->size;
	return f->pages[off / HVG_RING_PAGE_SIZE] + off % HVG_RING_PAGE_SIZE;
}

void fix_peek(struct fixture *f, u32 off, void *dst, u32 len)
{
	u8 *d = dst;
	u32 i;

	for (i = 0; i < len; i++)
		d[i] = *fix_byte(f, off + i);
}

void fix_poke(struct fixture *f, u32 off, const void *src, u32 len)
{
	const u8 *s = src;
	u32 i;

	for (i = 0; i < len; i++)
		*fix_byte(f, off + i) = s[i];
}

void fill_pattern(u8 *p, u32 len, u8 seed)
{
	u32 i;

	for (i = 0; i < len; i++)
		p[i] = (u8)(seed + i * 7 + (i >> 8));
}

int fix_write(struct fixture *f, u32 len, u8 seed, bool *signal)
{
	struct hvg_ring_wdesc d = {
		.type = HVP_PKT_DATA_INBAND,
		.flags = HVP_PKT_FLAG_COMPLETION_REQUESTED,
		.trans_id = 0x1000 + seed,
	};
	struct hvg_ring_seg seg;
	bool dummy;
	u8 *buf = malloc(len + 1);
	int ret;

	fill_pattern(buf, len, seed);
	seg.data = buf;
	seg.len = len;
	ret = hvg_ring_write(&f->w, &d, &seg, 1, signal ? signal : &dummy);
	free(buf);
	return ret;
}

bool fix_read_check(struct fixture *f, u32 len, u8 seed)
{
	u32 need = hvg_ring_packet_size(len) - HVP_PACKET_TRAILER_SIZE;
	struct hvg_ring_pkt pkt;
	u8 *buf = malloc(need), *want = malloc(len + 1);
	bool ok = false;
	int ret;

	ret = hvg_ring_read(&f->r, buf, need, &pkt);
	if (ret) {
		printf("# read returned %d\n", ret);
		goto out;
	}
	fill_pattern(want, len, seed);
	if (pkt.type != HVP_PKT_DATA_INBAND || pkt.len != need ||
	    pkt.offset != 16 || pkt.trans_id != 0x1000u + seed ||
	    pkt.flags != HVP_PKT_FLAG_COMPLETION_REQUESTED) {
		printf("# packet: type %u len %u offset %u trans_id %llu\n",
		       pkt.type, pkt.len, pkt.offset,
		       (unsigned long long)pkt.trans_id);
		goto out;
	}
	if (memcmp(buf + 16, want, len)) {
		printf("# payload of %u bytes differs (seed %u)\n", len, seed);
		goto out;
	}
	ok = true;
out:
	free(buf);
	free(want);
	return ok;
}
