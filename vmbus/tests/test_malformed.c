// SPDX-License-Identifier: GPL-2.0
/*
 * A corpus of malformed rings, as a hostile or buggy peer could leave them.
 * Each must break the ring (sticky -EPROTO) without any access outside the
 * header and data pages: the pages are allocated to their exact size, so
 * ASan reports any stray byte.
 */
#include <stdlib.h>

#include "fixture.h"
#include "tap.h"

#define SIZE	(2 * 4096 + 512)	/* last page used in part */
#define BUFSZ	(1U << 20)

struct mcase {
	const char *what;
	u32 start;		/* where the descriptor is */
	u16 len8;
	u16 offset8;
	u32 published;		/* bytes after @start the writer published */
};

static void put_desc(struct fixture *f, u32 at, u16 type, u16 offset8,
		     u16 len8)
{
	struct hvp_packet_desc d = {
		.type = type, .offset8 = offset8, .len8 = len8, .trans_id = 1,
	};

	fix_poke(f, at, &d, sizeof(d));
}

/* Every operation of a broken reader fails or does nothing. */
static bool expect_broken(struct fixture *f)
{
	struct hvg_ring_pkt pkt;
	u8 *buf = malloc(BUFSZ);
	u32 priv = f->r.priv_read, pub = f->hdr->read_index;
	bool ok = false;

	if (hvg_ring_read(&f->r, buf, BUFSZ, &pkt) != -EPROTO) {
		printf("# read succeeded\n");
		goto out;
	}
	if (!hvg_ring_is_broken(&f->r) ||
	    hvg_ring_read(&f->r, buf, BUFSZ, &pkt) != -EPROTO ||
	    hvg_ring_read_avail(&f->r) != 0 || hvg_ring_read_done(&f->r) ||
	    !hvg_ring_unmask_interrupts(&f->r)) {
		printf("# not sticky\n");
		goto out;
	}
	/* nothing consumed, nothing published */
	ok = f->r.priv_read == priv && f->hdr->read_index == pub;
out:
	free(buf);
	return ok;
}

static bool run_case(const struct mcase *c)
{
	struct fixture f;
	bool ok;

	CHECK(fix_init(&f, SIZE, FIX_SCATTERED, HVP_RING_FEAT_PENDING_SEND_SZ));
	CHECK(fix_move_to(&f, c->start));
	put_desc(&f, c->start, HVP_PKT_DATA_INBAND, c->offset8, c->len8);
	f.hdr->write_index = (c->start + c->published) % SIZE;
	ok = expect_broken(&f);
	if (!ok)
		printf("# case: %s (start %u len8 %u offset8 %u published %u)\n",
		       c->what, c->start, c->len8, c->offset8, c->published);
	fix_free(&f);
	return ok;
}

static bool run_cases(const struct mcase *c, unsigned int n)
{
	bool ok = true;
	unsigned int i;

	for (i = 0; i < n; i++)
		ok &= run_case(&c[i]);
	return ok;
}

#define RUN(cases) run_cases(cases, sizeof(cases) / sizeof(cases[0]))

static bool t_len8_small(void)
{
	static const struct mcase c[] = {
		{ "len8 0", 0, 0, 2, 64 },
		{ "len8 1", 0, 1, 1, 64 },
		{ "len8 0 at the end", SIZE - 8, 0, 2, 64 },
		{ "len8 1 across pages", 4096 - 8, 1, 0, 64 },
	};

	return RUN(c);
}

static bool t_len8_big(void)
{
	static const struct mcase c[] = {
		{ "len8 eats the trailer", 0, 4, 2, 32 },
		{ "len8 one past", 0, 5, 2, 32 },
		{ "len8 past the write index", 64, 40, 2, 200 },
		{ "len8 0xffff", 0, 0xffff, 2, 64 },
		{ "len8 0xffff, ring nearly full", 8, 0xffff, 2, SIZE - 8 },
		{ "len8 the whole ring", 0, SIZE / 8, 2, SIZE - 8 },
		{ "len8 past, wrapping", SIZE - 16, 20, 2, 64 },
		{ "len8 past, descriptor split", SIZE - 8, 20, 2, 64 },
	};

	return RUN(c);
}

static bool t_offset8(void)
{
	static const struct mcase c[] = {
		{ "offset8 0", 0, 4, 0, 64 },
		{ "offset8 1", 0, 4, 1, 64 },
		{ "offset8 len8 + 1", 0, 4, 5, 64 },
		{ "offset8 0xffff", 0, 4, 0xffff, 64 },
		{ "offset8 1 wrapping", SIZE - 8, 4, 1, 64 },
	};

	return RUN(c);
}

static bool t_short(void)
{
	static const struct mcase c[] = {
		{ "8 bytes published", 0, 2, 2, 8 },
		{ "16 bytes published (no trailer)", 0, 2, 2, 16 },
		{ "16 bytes published at the end", SIZE - 8, 2, 2, 16 },
	};

	return RUN(c);
}

static bool t_write_index(void)
{
	static const u32 bad[] = { SIZE, SIZE + 8, 0xfffffff8, 4, 0xffffffff,
				   4097 };
	struct fixture f;
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(fix_init(&f, SIZE, FIX_SCATTERED, 0));
		CHECK_EQ(fix_write(&f, 8, 1, NULL), 0);
		f.hdr->write_index = bad[i];
		if (!expect_broken(&f)) {
			printf("# write_index %#x\n", bad[i]);
			return false;
		}
		/* a reader starting on such a header is broken from init */
		CHECK_EQ(hvg_ring_init(&f.r, f.hdr, f.pages, SIZE), -EPROTO);
		CHECK(hvg_ring_is_broken(&f.r));
		fix_free(&f);
	}
	return true;
}

/* The writer's view: the reader's index is untrusted too. */
static bool t_read_index(void)
{
	static const u32 bad[] = { SIZE, 12, 0x80000000, 0xffffffff };
	struct fixture f;
	unsigned int i;
	bool sig;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(fix_init(&f, SIZE, FIX_SCATTERED, 0));
		f.hdr->read_index = bad[i];
		CHECK_EQ(hvg_ring_write_avail(&f.w), 0);
		CHECK(hvg_ring_is_broken(&f.w));
		CHECK_EQ(fix_write(&f, 8, 1, &sig), -EPROTO);
		CHECK(!sig);
		CHECK(hvg_ring_set_pending_send(&f.w, 64));
		CHECK_EQ(f.hdr->write_index, 0);
		CHECK_EQ(hvg_ring_init(&f.w, f.hdr, f.pages, SIZE), -EPROTO);
		fix_free(&f);
	}
	return true;
}

/* Garbage seen by the other reader entry points breaks the ring too. */
static bool t_other_paths(void)
{
	struct fixture f;

	CHECK(fix_init(&f, SIZE, FIX_SCATTERED, HVP_RING_FEAT_PENDING_SEND_SZ));
	f.hdr->write_index = 3;
	CHECK_EQ(hvg_ring_read_avail(&f.r), 0);
	CHECK(hvg_ring_is_broken(&f.r));
	fix_free(&f);

	CHECK(fix_init(&f, SIZE, FIX_SCATTERED, HVP_RING_FEAT_PENDING_SEND_SZ));
	f.hdr->write_index = SIZE;
	CHECK(hvg_ring_unmask_interrupts(&f.r));
	CHECK(hvg_ring_is_broken(&f.r));
	fix_free(&f);

	/* read_done's look at the write index for pending_send_sz */
	CHECK(fix_init(&f, SIZE, FIX_SCATTERED, HVP_RING_FEAT_PENDING_SEND_SZ));
	CHECK_EQ(fix_write(&f, 8, 1, NULL), 0);
	CHECK(fix_read_check(&f, 8, 1));
	f.hdr->pending_send_sz = 100;
	f.hdr->write_index = 0xffff0000;
	CHECK(!hvg_ring_read_done(&f.r));
	CHECK(hvg_ring_is_broken(&f.r));
	fix_free(&f);
	return true;
}

/* What the core leaves to the caller, or ignores, is not an error. */
static bool t_tolerated(void)
{
	struct fixture f;
	struct hvg_ring_pkt pkt;
	u8 buf[256];

	CHECK(fix_init(&f, SIZE, FIX_SCATTERED, 0));
	CHECK_EQ(fix_write(&f, 8, 1, NULL), 0);
	fix_poke(&f, 24, "garbage!", 8);		/* the trailer */
	CHECK(fix_read_check(&f, 8, 1));
	put_desc(&f, 32, 0xffff, 4, 4);			/* unknown type */
	f.hdr->write_index = 32 + 40;
	CHECK_EQ(hvg_ring_read(&f.r, buf, sizeof(buf), &pkt), 0);
	CHECK_EQ(pkt.type, 0xffff);
	CHECK_EQ(pkt.offset, pkt.len);			/* empty payload */
	CHECK(!hvg_ring_is_broken(&f.r));
	fix_free(&f);
	return true;
}

/*
 * The validated length reaches the caller even if the peer rewrites the
 * descriptor after the core looked: the copy's len8/offset8 are the
 * validated ones. (Single-threaded stand-in: the copy in the buffer must
 * agree with pkt whatever the ring holds now.)
 */
static bool t_copy_agrees(void)
{
	struct fixture f;
	struct hvg_ring_pkt pkt;
	struct hvp_packet_desc *d;
	u8 buf[256];

	CHECK(fix_init(&f, SIZE, FIX_SCATTERED, 0));
	CHECK_EQ(fix_write(&f, 30, 1, NULL), 0);
	CHECK_EQ(hvg_ring_read(&f.r, buf, sizeof(buf), &pkt), 0);
	d = (void *)buf;
	CHECK_EQ(d->len8 * 8u, pkt.len);
	CHECK_EQ(d->offset8 * 8u, pkt.offset);
	CHECK_EQ(d->type, pkt.type);
	CHECK_EQ(d->trans_id, pkt.trans_id);
	fix_free(&f);
	return true;
}

static u64 rng_state = 0x9e3779b97f4a7c15ull;

static u64 rnd(void)
{
	u64 z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Random indices and bytes: whatever happens stays inside the ring. */
static bool t_fuzz(void)
{
	static const u32 sizes[] = { 24, 64, 4096, 4096 + 8, 3 * 4096 - 8 };
	struct hvg_ring_pkt pkt;
	u8 *buf = malloc(BUFSZ);
	struct fixture f;
	unsigned int it, k;
	u32 size, avail, i;
	int ret;

	for (it = 0; it < 3000; it++) {
		size = sizes[it % 5];
		CHECK(fix_init(&f, size, it & 1 ? FIX_SCATTERED : FIX_CONTIG,
			       (u32)rnd()));
		for (i = 0; i < size; i += 2) {
			u16 v = (u16)rnd();

			/* small len8/offset8 values are the interesting ones */
			if (i % 8 == 2 || i % 8 == 4)
				v %= 2 + (rnd() % 2 ? 8 : 600);
			fix_poke(&f, i, &v, 2);
		}
		f.hdr->read_index = rnd() % 3 ? (rnd() % size) & ~7u : (u32)rnd();
		f.hdr->write_index = rnd() % 3 ? (rnd() % size) & ~7u : (u32)rnd();
		f.hdr->pending_send_sz = (u32)rnd() % (2 * size);
		if (hvg_ring_init(&f.r, f.hdr, f.pages, size)) {
			CHECK(hvg_ring_is_broken(&f.r));
			fix_free(&f);
			continue;
		}
		for (k = 0; k < 64; k++) {
			u32 bsz = rnd() % 2 ? BUFSZ : (u32)rnd() % 512;

			avail = hvg_ring_read_avail(&f.r);
			ret = hvg_ring_read(&f.r, buf, bsz, &pkt);
			if (ret == -EAGAIN || ret == -EPROTO)
				break;
			if (ret == -ENOBUFS) {
				CHECK(pkt.len > bsz);
				continue;
			}
			CHECK_EQ(ret, 0);
			CHECK(pkt.len >= 16 && pkt.len + 8 <= avail);
			CHECK(pkt.offset >= 16 && pkt.offset <= pkt.len);
			if (rnd() % 4 == 0)
				hvg_ring_read_done(&f.r);
		}
		hvg_ring_read_done(&f.r);
		hvg_ring_unmask_interrupts(&f.r);

		/* the writer's side of the same garbage */
		if (hvg_ring_init(&f.w, f.hdr, f.pages, size) == 0)
			for (k = 0; k < 16; k++)
				if (fix_write(&f, (u32)rnd() % 300, (u8)k,
					      NULL) == -EPROTO)
					break;
		fix_free(&f);
	}
	free(buf);
	return true;
}

TAP_SUITE(malformed_tests,
	{ "malformed: len8 too small", t_len8_small },
	{ "malformed: len8 too big, past the write index", t_len8_big },
	{ "malformed: offset8 < 2 or > len8", t_offset8 },
	{ "malformed: less than a descriptor and trailer published", t_short },
	{ "malformed: write_index out of range or unaligned", t_write_index },
	{ "malformed: read_index garbage (writer side, init)", t_read_index },
	{ "malformed: garbage seen by read_avail, unmask, read_done", t_other_paths },
	{ "malformed: trailer, type and empty payload are not checked", t_tolerated },
	{ "malformed: the copy carries the validated descriptor", t_copy_agrees },
	{ "malformed: fuzzed headers and data stay in bounds", t_fuzz });
