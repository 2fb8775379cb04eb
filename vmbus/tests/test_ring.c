// SPDX-License-Identifier: GPL-2.0
/* Units of the ring core: layout, wrap-around, full/empty, signalling. */
#include <stdlib.h>

#include "fixture.h"
#include "tap.h"

#define FEAT	HVP_RING_FEAT_PENDING_SEND_SZ

static bool t_init_args(void)
{
	struct hvp_ring_header *hdr = aligned_alloc(4096, sizeof(*hdr));
	u8 *mem = aligned_alloc(4096, 2 * 4096);
	u8 *pages[2] = { mem, mem + 4096 };
	u8 *holes[2] = { mem, NULL };
	u8 *odd[2] = { mem + 4, mem + 4096 };
	struct hvg_ring r;
	bool ok = false;

	memset(hdr, 0, sizeof(*hdr));
	CHECK_EQ(hvg_ring_init(&r, hdr, pages, 0), -EINVAL);
	CHECK_EQ(hvg_ring_init(&r, hdr, pages, 4100), -EINVAL);
	CHECK_EQ(hvg_ring_init(&r, hdr, pages, HVG_RING_MAX_SIZE + 8), -EINVAL);
	CHECK_EQ(hvg_ring_init(&r, NULL, pages, 4096), -EINVAL);
	CHECK_EQ(hvg_ring_init(&r, hdr, NULL, 4096), -EINVAL);
	CHECK_EQ(hvg_ring_init(&r, hdr, holes, 8192), -EINVAL);
	CHECK_EQ(hvg_ring_init(&r, hdr, odd, 4096), -EINVAL);
	CHECK_EQ(hvg_ring_init(&r, hdr, holes, 4096), 0);
	CHECK_EQ(hvg_ring_init(&r, hdr, pages, 8192), 0);
	CHECK(r.contig == mem);
	CHECK(!hvg_ring_is_broken(&r));
	CHECK_EQ(hvg_ring_init(&r, hdr, pages, 4104 + 8), 0);
	CHECK_EQ(r.size, 4112);
	ok = true;
	free(mem);
	free(hdr);
	return ok;
}

static bool t_init_reads_header(void)
{
	struct fixture f;

	CHECK(fix_init(&f, 8192, FIX_SCATTERED, FEAT));
	CHECK(f.w.contig == NULL);
	f.hdr->write_index = 64;
	f.hdr->read_index = 32;
	CHECK_EQ(hvg_ring_init(&f.r, f.hdr, f.pages, f.size), 0);
	CHECK_EQ(f.r.priv_read, 32);
	CHECK_EQ(f.r.priv_write, 64);
	CHECK_EQ(hvg_ring_read_avail(&f.r), 32);
	/* reset zeroes the header and the private indices */
	hvg_ring_reset(&f.r, FEAT);
	CHECK_EQ(f.hdr->write_index, 0);
	CHECK_EQ(f.hdr->feature_bits, FEAT);
	CHECK_EQ(f.r.priv_read, 0);
	fix_free(&f);
	return true;
}

static bool t_empty(void)
{
	struct fixture f;
	struct hvg_ring_pkt pkt;
	u8 buf[64];

	CHECK(fix_init(&f, 4096, FIX_CONTIG, FEAT));
	CHECK_EQ(hvg_ring_read(&f.r, buf, sizeof(buf), &pkt), -EAGAIN);
	CHECK_EQ(hvg_ring_read_avail(&f.r), 0);
	CHECK_EQ(hvg_ring_write_avail(&f.w), 4095);
	CHECK(!hvg_ring_read_done(&f.r));
	CHECK(!hvg_ring_unmask_interrupts(&f.r));
	CHECK(!hvg_ring_is_broken(&f.r));
	fix_free(&f);
	return true;
}

/* Descriptor, padding and trailer bytes as they lie in the ring. */
static bool t_layout_and_trailer(void)
{
	struct fixture f;
	struct hvp_packet_desc d;
	u64 trailer;
	u32 start = 0, len, k;
	u8 b;

	CHECK(fix_init(&f, 8192, FIX_CONTIG, FEAT));
	for (len = 0; len <= 17; len++) {
		u32 total = hvg_ring_packet_size(len);

		CHECK_EQ(total % 8, 0);
		CHECK_EQ(total, 16 + ((len + 7) & ~7u) + 8);
		CHECK_EQ(fix_write(&f, len, (u8)len, NULL), 0);
		fix_peek(&f, start, &d, sizeof(d));
		CHECK_EQ(d.type, HVP_PKT_DATA_INBAND);
		CHECK_EQ(d.offset8, 2);
		CHECK_EQ(d.len8, (total - 8) / 8);
		CHECK_EQ(d.flags, HVP_PKT_FLAG_COMPLETION_REQUESTED);
		CHECK_EQ(d.trans_id, 0x1000 + len);
		for (k = 16 + len; k < total - 8; k++) {
			fix_peek(&f, start + k, &b, 1);
			CHECK_EQ(b, 0);		/* padding is zero */
		}
		fix_peek(&f, start + total - 8, &trailer, 8);
		CHECK_EQ(trailer, (u64)start << 32);
		start += total;
		CHECK_EQ(f.hdr->write_index, start);
		CHECK_EQ(f.w.stats.bytes, f.hdr->write_index - 8 * (len + 1));
	}
	for (len = 0; len <= 17; len++)
		CHECK(fix_read_check(&f, len, (u8)len));
	CHECK(!hvg_ring_read_done(&f.r));
	CHECK_EQ(f.hdr->read_index, start);
	CHECK_EQ(f.r.stats.packets, 18);
	CHECK_EQ(f.r.stats.bytes, f.w.stats.bytes);
	fix_free(&f);
	return true;
}

/* The extension segment moves the payload offset; segments concatenate. */
static bool t_segments_and_extension(void)
{
	struct fixture f;
	struct hvp_gpa_direct_header gh = { .range_count = 1 };
	struct hvp_gpa_page range = { .len = 4096, .pfn = 0x1234 };
	u8 a[5] = "abcde", b[3] = "fgh", buf[128];
	struct hvg_ring_seg segs[] = {
		{ (u8 *)&gh + 16, 8 }, { &range, sizeof(range) },
		{ a, 5 }, { NULL, 0 }, { b, 3 },
	};
	struct hvg_ring_wdesc d = {
		.type = HVP_PKT_DATA_USING_GPA_DIRECT, .ext_len = 24,
		.trans_id = 7,
	};
	struct hvg_ring_pkt pkt;
	struct hvp_gpa_direct_header *rh = (void *)buf;
	bool sig;

	CHECK(fix_init(&f, 4096, FIX_CONTIG, FEAT));
	CHECK_EQ(hvg_ring_write(&f.w, &d, segs, 5, &sig), 0);
	CHECK_EQ(hvg_ring_read(&f.r, buf, sizeof(buf), &pkt), 0);
	CHECK_EQ(pkt.type, HVP_PKT_DATA_USING_GPA_DIRECT);
	CHECK_EQ(pkt.offset, 40);
	CHECK_EQ(pkt.len, 48);
	CHECK_EQ(rh->desc.offset8, 5);
	CHECK_EQ(rh->desc.len8, 6);
	CHECK_EQ(rh->range_count, 1);
	CHECK(!memcmp(buf + 24, &range, sizeof(range)));
	CHECK(!memcmp(buf + 40, "abcdefgh", 8));

	/* no segments at all: a bare descriptor */
	CHECK_EQ(hvg_ring_write(&f.w, &(struct hvg_ring_wdesc){ .type = 11 },
				NULL, 0, &sig), 0);
	CHECK_EQ(hvg_ring_read(&f.r, buf, sizeof(buf), &pkt), 0);
	CHECK_EQ(pkt.len, 16);
	CHECK_EQ(pkt.offset, 16);
	CHECK_EQ(pkt.type, HVP_PKT_COMP);

	d.ext_len = 12;
	CHECK_EQ(hvg_ring_write(&f.w, &d, segs, 5, &sig), -EINVAL);
	d.ext_len = 48;
	CHECK_EQ(hvg_ring_write(&f.w, &d, segs, 5, &sig), -EINVAL);
	fix_free(&f);
	return true;
}

/* Exactly one byte always stays free; a full ring refuses, then recovers. */
static bool t_full(void)
{
	struct fixture f;
	int i;

	CHECK(fix_init(&f, 256, FIX_CONTIG, FEAT));
	CHECK_EQ(hvg_ring_packet_size(40), 64);
	for (i = 0; i < 3; i++)
		CHECK_EQ(fix_write(&f, 40, (u8)i, NULL), 0);
	CHECK_EQ(hvg_ring_write_avail(&f.w), 63);
	CHECK_EQ(fix_write(&f, 40, 3, NULL), -EAGAIN);	/* would leave 0 */
	CHECK_EQ(f.w.stats.full, 1);
	CHECK_EQ(fix_write(&f, 32, 3, NULL), 0);	/* 56: leaves 8 */
	CHECK_EQ(fix_write(&f, 0, 4, NULL), -EAGAIN);
	CHECK_EQ(hvg_ring_write_avail(&f.w), 7);
	CHECK_EQ(hvg_ring_read_avail(&f.r), 248);

	/* space comes back only when the reader publishes */
	CHECK(fix_read_check(&f, 40, 0));
	CHECK_EQ(fix_write(&f, 40, 5, NULL), -EAGAIN);
	CHECK(!hvg_ring_read_done(&f.r));
	CHECK_EQ(fix_write(&f, 40, 5, NULL), 0);
	CHECK(fix_read_check(&f, 40, 1));
	CHECK(fix_read_check(&f, 40, 2));
	CHECK(fix_read_check(&f, 32, 3));
	CHECK(fix_read_check(&f, 40, 5));
	hvg_ring_read_done(&f.r);
	CHECK_EQ(hvg_ring_write_avail(&f.w), 255);

	/* the largest packet fits an empty ring only; bigger never fits */
	CHECK_EQ(hvg_ring_packet_size(224), 248);
	CHECK_EQ(fix_write(&f, 225, 6, NULL), -EMSGSIZE);
	CHECK_EQ(fix_write(&f, 224, 6, NULL), 0);
	CHECK_EQ(fix_write(&f, 0, 7, NULL), -EAGAIN);
	CHECK(fix_read_check(&f, 224, 6));
	hvg_ring_read_done(&f.r);
	fix_free(&f);
	return true;
}

static bool t_len8_limit(void)
{
	struct fixture f;
	u32 max = HVG_RING_MAX_PKT - 16;

	CHECK(fix_init(&f, 1 << 20, FIX_CONTIG, FEAT));
	CHECK_EQ(fix_write(&f, max + 1, 1, NULL), -EMSGSIZE);
	CHECK_EQ(fix_write(&f, max, 1, NULL), 0);
	CHECK(fix_read_check(&f, max, 1));
	fix_free(&f);
	return true;
}

/*
 * Packets whose descriptor, payload or trailer straddle the end of the
 * data area, from every 8-byte start near the end, and cross pages.
 */
static bool wrap_layout(enum fix_layout layout)
{
	static const u32 lens[] = { 0, 1, 8, 13, 100, 4000, 4097, 5000 };
	struct fixture f;
	u32 size = 3 * 4096 - 8, back, i;

	CHECK(fix_init(&f, size, layout, FEAT));
	for (back = 8; back <= 136; back += 8) {
		CHECK(fix_move_to(&f, size - back));
		for (i = 0; i < 8; i++) {
			CHECK_EQ(fix_write(&f, lens[i], (u8)(back + i), NULL), 0);
			CHECK(fix_read_check(&f, lens[i], (u8)(back + i)));
			hvg_ring_read_done(&f.r);
		}
		/* several in flight across the end */
		for (i = 0; i < 4; i++)
			CHECK_EQ(fix_write(&f, 2000 + i, (u8)i, NULL), 0);
		for (i = 0; i < 4; i++)
			CHECK(fix_read_check(&f, 2000 + i, (u8)i));
		CHECK(!hvg_ring_read_done(&f.r));
		CHECK_EQ(f.hdr->read_index, f.hdr->write_index);
	}
	fix_free(&f);
	return true;
}

static bool t_wrap_contig(void)
{
	return wrap_layout(FIX_CONTIG);
}

static bool t_wrap_scattered(void)
{
	return wrap_layout(FIX_SCATTERED);
}

/* The bytes land where the linear layout says, whatever the pages' order. */
static bool t_scattered_bytes(void)
{
	struct fixture f;
	u8 payload[6000], got[6000];
	struct hvg_ring_seg seg = { payload, sizeof(payload) };
	struct hvg_ring_wdesc d = { .type = HVP_PKT_DATA_INBAND };
	bool sig;

	CHECK(fix_init(&f, 4 * 4096, FIX_SCATTERED, FEAT));
	CHECK(f.pages[1] != f.pages[0] + 4096);
	fill_pattern(payload, sizeof(payload), 42);
	CHECK(fix_move_to(&f, 4096 - 64));
	CHECK_EQ(hvg_ring_write(&f.w, &d, &seg, 1, &sig), 0);
	fix_peek(&f, 4096 - 64 + 16, got, sizeof(got));
	CHECK(!memcmp(got, payload, sizeof(got)));
	CHECK_EQ(*fix_byte(&f, 4096 - 64), HVP_PKT_DATA_INBAND);
	fix_free(&f);
	return true;
}

static bool t_small_buffer(void)
{
	struct fixture f;
	struct hvg_ring_pkt pkt;
	u8 buf[64], *small;

	CHECK(fix_init(&f, 4096, FIX_CONTIG, FEAT));
	CHECK_EQ(fix_write(&f, 100, 9, NULL), 0);
	CHECK_EQ(hvg_ring_read(&f.r, buf, sizeof(buf), &pkt), -ENOBUFS);
	CHECK_EQ(pkt.len, 120);
	CHECK_EQ(f.r.priv_read, 0);
	CHECK_EQ(f.r.stats.small_buf, 1);
	CHECK(!hvg_ring_is_broken(&f.r));
	CHECK_EQ(hvg_ring_read_avail(&f.r), 128);
	CHECK(fix_read_check(&f, 100, 9));

	/* one word short, on the heap: ASan sees any byte copied past it */
	small = malloc(112);
	CHECK_EQ(fix_write(&f, 100, 10, NULL), 0);
	CHECK_EQ(hvg_ring_read(&f.r, small, 112, &pkt), -ENOBUFS);
	free(small);
	CHECK(fix_read_check(&f, 100, 10));
	fix_free(&f);
	return true;
}

/* Reads are private until read_done publishes them, once per batch. */
static bool t_batch(void)
{
	struct fixture f;
	int i;

	CHECK(fix_init(&f, 4096, FIX_CONTIG, FEAT));
	for (i = 0; i < 5; i++)
		CHECK_EQ(fix_write(&f, 24, (u8)i, NULL), 0);
	for (i = 0; i < 3; i++)
		CHECK(fix_read_check(&f, 24, (u8)i));
	CHECK_EQ(f.hdr->read_index, 0);
	CHECK_EQ(hvg_ring_read_avail(&f.r), 2 * 48);
	hvg_ring_read_done(&f.r);
	CHECK_EQ(f.hdr->read_index, 3 * 48);
	for (i = 3; i < 5; i++)
		CHECK(fix_read_check(&f, 24, (u8)i));
	hvg_ring_read_done(&f.r);
	CHECK_EQ(f.hdr->read_index, 5 * 48);
	fix_free(&f);
	return true;
}

/* The writer signals only on empty -> non-empty with the mask clear. */
static bool t_interrupt_mask(void)
{
	struct fixture f;
	bool sig;

	CHECK(fix_init(&f, 4096, FIX_CONTIG, FEAT));
	CHECK_EQ(fix_write(&f, 8, 1, &sig), 0);
	CHECK(sig);
	CHECK_EQ(fix_write(&f, 8, 2, &sig), 0);
	CHECK(!sig);				/* not empty before */
	CHECK_EQ(f.w.stats.signals, 1);

	/* read everything, not yet published: still non-empty to the writer */
	CHECK(fix_read_check(&f, 8, 1));
	CHECK(fix_read_check(&f, 8, 2));
	CHECK_EQ(fix_write(&f, 8, 3, &sig), 0);
	CHECK(!sig);
	CHECK(fix_read_check(&f, 8, 3));
	hvg_ring_read_done(&f.r);

	/* masked: no signal; unmask finds what came meanwhile */
	hvg_ring_mask_interrupts(&f.r);
	CHECK_EQ(f.hdr->interrupt_mask, 1);
	CHECK_EQ(fix_write(&f, 8, 4, &sig), 0);
	CHECK(!sig);
	CHECK(hvg_ring_unmask_interrupts(&f.r));
	CHECK_EQ(f.hdr->interrupt_mask, 0);
	CHECK(fix_read_check(&f, 8, 4));
	hvg_ring_read_done(&f.r);

	/* unmasked and empty: nothing to do, and the next write signals */
	CHECK(!hvg_ring_unmask_interrupts(&f.r));
	CHECK_EQ(fix_write(&f, 8, 5, &sig), 0);
	CHECK(sig);
	CHECK_EQ(f.w.stats.signals, 2);
	fix_free(&f);
	return true;
}

/* Fill a 1024-byte ring with 4 packets of 200 (total 232 each) = 928. */
static bool fill_four(struct fixture *f)
{
	int i;

	for (i = 0; i < 4; i++)
		CHECK_EQ(fix_write(f, 200, (u8)i, NULL), 0);
	return true;
}

/*
 * The reader signals the writer only when a batch takes the free space
 * from <= pending_send_sz to > it, and only if the feature is advertised.
 */
static bool t_pending_send(void)
{
	struct fixture f;
	u32 need = hvg_ring_packet_size(400);	/* 424 */

	CHECK(fix_init(&f, 1024, FIX_CONTIG, FEAT));
	CHECK(fill_four(&f));				/* free: 96 */
	CHECK_EQ(fix_write(&f, 400, 9, NULL), -EAGAIN);
	CHECK(!hvg_ring_set_pending_send(&f.w, need));
	CHECK_EQ(f.hdr->pending_send_sz, need);

	CHECK(fix_read_check(&f, 200, 0));		/* free: 328 */
	CHECK(!hvg_ring_read_done(&f.r));
	CHECK(fix_read_check(&f, 200, 1));		/* free: 560 > 424 */
	CHECK(hvg_ring_read_done(&f.r));
	CHECK_EQ(f.r.stats.signals, 1);
	CHECK(fix_read_check(&f, 200, 2));		/* was above already */
	CHECK(!hvg_ring_read_done(&f.r));

	CHECK(hvg_ring_set_pending_send(&f.w, need));	/* fits now */
	CHECK_EQ(fix_write(&f, 400, 9, NULL), 0);
	CHECK(hvg_ring_set_pending_send(&f.w, 0));
	CHECK_EQ(f.hdr->pending_send_sz, 0);

	/* no pending request: no signal however much is freed */
	CHECK(fix_read_check(&f, 200, 3));
	CHECK(fix_read_check(&f, 400, 9));
	CHECK(!hvg_ring_read_done(&f.r));
	fix_free(&f);

	/* a writer without the feature is never signalled for space */
	CHECK(fix_init(&f, 1024, FIX_CONTIG, 0));
	CHECK(fill_four(&f));
	CHECK(!hvg_ring_set_pending_send(&f.w, need));
	CHECK(fix_read_check(&f, 200, 0));
	CHECK(fix_read_check(&f, 200, 1));
	CHECK(!hvg_ring_read_done(&f.r));
	CHECK_EQ(f.r.stats.signals, 0);
	fix_free(&f);
	return true;
}

static bool t_snapshot(void)
{
	struct fixture f;
	struct hvg_ring_snapshot s;

	CHECK(fix_init(&f, 4096, FIX_SCATTERED, FEAT));
	CHECK_EQ(fix_write(&f, 10, 1, NULL), 0);
	hvg_ring_mask_interrupts(&f.r);
	hvg_ring_set_pending_send(&f.w, 100);
	hvg_ring_snapshot(&f.r, &s);
	CHECK_EQ(s.write_index, 40);
	CHECK_EQ(s.read_index, 0);
	CHECK_EQ(s.interrupt_mask, 1);
	CHECK_EQ(s.pending_send_sz, 100);
	CHECK_EQ(s.feature_bits, FEAT);
	CHECK_EQ(s.read_avail, 40);
	CHECK_EQ(s.write_avail, 4096 - 40 - 1);
	CHECK(!s.broken);
	f.hdr->write_index = 4;
	hvg_ring_snapshot(&f.r, &s);
	CHECK_EQ(s.read_avail, 0);
	CHECK_EQ(s.write_avail, 0);
	fix_free(&f);
	return true;
}

TAP_SUITE(ring_tests,
	{ "ring: init validates size, pages and alignment", t_init_args },
	{ "ring: init takes indices from the header; reset", t_init_reads_header },
	{ "ring: empty ring", t_empty },
	{ "ring: descriptor, zero padding of odd sizes, trailer", t_layout_and_trailer },
	{ "ring: extension segment sets offset8; segment lists", t_segments_and_extension },
	{ "ring: full ring keeps one byte free; -EMSGSIZE", t_full },
	{ "ring: len8 limit (largest packet)", t_len8_limit },
	{ "ring: wrap-around at every 8-byte offset, contiguous", t_wrap_contig },
	{ "ring: wrap-around and page crossings, scattered pages", t_wrap_scattered },
	{ "ring: scattered pages hold the linear layout", t_scattered_bytes },
	{ "ring: caller buffer too small", t_small_buffer },
	{ "ring: batched reads publish once", t_batch },
	{ "ring: interrupt_mask signalling rules", t_interrupt_mask },
	{ "ring: pending_send_sz signalling rules", t_pending_send },
	{ "ring: snapshot for sysfs/debugfs", t_snapshot });
