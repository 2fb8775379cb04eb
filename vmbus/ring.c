// SPDX-License-Identifier: GPL-2.0
/*
 * The VMBus ring buffer core (see ring.h). Freestanding: built unchanged
 * into hvg_vmbus.ko, the user-space tests and benchmark, and hvhost.
 *
 * Indices are byte offsets into the data area, multiples of 8, below the
 * size. A packet starts at an index and runs byte by byte around the end
 * of the data area; the data area is a list of pages, so every copy is cut
 * at page boundaries too, unless the pages turned out contiguous.
 *
 * Barrier pairs between the writer W and the reader R:
 *   1. W: packet bytes, release write_index; R: acquire write_index, bytes.
 *   2. R: packet bytes, release read_index; W: acquire read_index, write.
 *   3. W: store write_index, mb, load interrupt_mask and read_index;
 *      R: store interrupt_mask = 0, mb, load write_index.
 *   4. W: store pending_send_sz, mb, load read_index;
 *      R: store read_index, mb, load pending_send_sz.
 * In 3 and 4 each side stores then loads what the other stores, so at
 * least one of them sees the other's store: no wake-up is lost.
 */
#include "ring.h"

#define DESC_SIZE	((u32)sizeof(struct hvp_packet_desc))
#define TRAILER_SIZE	((u32)HVP_PACKET_TRAILER_SIZE)

static u32 min_u32(u32 a, u32 b)
{
	return a < b ? a : b;
}

static bool index_ok(const struct hvg_ring *ring, u32 idx)
{
	return idx < ring->size && !(idx & 7);
}

/* @idx + @n around the data area; @idx < size, @n <= size. */
static u32 ring_add(const struct hvg_ring *ring, u32 idx, u32 n)
{
	idx += n;
	return idx >= ring->size ? idx - ring->size : idx;
}

/* Bytes from @from up to @to going forward; both valid indices. */
static u32 ring_dist(const struct hvg_ring *ring, u32 from, u32 to)
{
	return to >= from ? to - from : ring->size - from + to;
}

static u8 *ring_ptr(const struct hvg_ring *ring, u32 off)
{
	if (ring->contig)
		return ring->contig + off;
	return ring->pages[off / HVG_RING_PAGE_SIZE] +
	       off % HVG_RING_PAGE_SIZE;
}

/* Bytes at @off that are contiguous in memory, at most @len. */
static u32 ring_chunk(const struct hvg_ring *ring, u32 off, u32 len)
{
	u32 n = ring->size - off;

	if (!ring->contig)
		n = min_u32(n, HVG_RING_PAGE_SIZE - off % HVG_RING_PAGE_SIZE);
	return min_u32(n, len);
}

/* Copy @len bytes into the ring at @off; returns the index after them. */
static u32 copy_to_ring(struct hvg_ring *ring, u32 off, const void *src,
			u32 len)
{
	const u8 *s = src;
	u32 n;

	while (len) {
		n = ring_chunk(ring, off, len);
		memcpy(ring_ptr(ring, off), s, n);
		s += n;
		len -= n;
		off = ring_add(ring, off, n);
	}
	return off;
}

static void copy_from_ring(const struct hvg_ring *ring, u32 off, void *dst,
			   u32 len)
{
	u8 *d = dst;
	u32 n;

	while (len) {
		n = ring_chunk(ring, off, len);
		memcpy(d, ring_ptr(ring, off), n);
		d += n;
		len -= n;
		off = ring_add(ring, off, n);
	}
}

/* One aligned 8-byte word of the ring, loaded once. */
static u64 ring_load_u64(const struct hvg_ring *ring, u32 off)
{
	__le64 *p = (__le64 *)ring_ptr(ring, off);

	return le64_to_cpu(hvr_read_once(*p));
}

static int ring_break(struct hvg_ring *ring)
{
	hvr_write_once(ring->broken, true);
	return -EPROTO;
}

/* The peer's index, or ~0U after breaking the ring if it is garbage. */
static u32 load_index(struct hvg_ring *ring, __le32 *p, bool acquire)
{
	u32 idx;

	if (acquire)
		idx = le32_to_cpu(hvr_load_acquire(p));
	else
		idx = le32_to_cpu(hvr_read_once(*p));
	if (unlikely(!index_ok(ring, idx))) {
		ring_break(ring);
		return ~0U;
	}
	return idx;
}

int hvg_ring_init(struct hvg_ring *ring, struct hvp_ring_header *hdr,
		  u8 **pages, u32 size)
{
	u32 i, npages, w, r;

	memset(ring, 0, sizeof(*ring));
	if (!hdr || !pages || !size || size % 8 || size > HVG_RING_MAX_SIZE)
		return -EINVAL;
	npages = (size + HVG_RING_PAGE_SIZE - 1) / HVG_RING_PAGE_SIZE;
	for (i = 0; i < npages; i++)
		if (!pages[i] || (uintptr_t)pages[i] % 8)
			return -EINVAL;
	ring->hdr = hdr;
	ring->pages = pages;
	ring->size = size;
	ring->contig = pages[0];
	for (i = 1; i < npages; i++)
		if (pages[i] != pages[0] + i * HVG_RING_PAGE_SIZE)
			ring->contig = NULL;

	w = le32_to_cpu(hvr_read_once(hdr->write_index));
	r = le32_to_cpu(hvr_read_once(hdr->read_index));
	if (!index_ok(ring, w) || !index_ok(ring, r))
		return ring_break(ring);
	ring->priv_write = w;
	ring->priv_read = r;
	ring->pub_read = r;
	return 0;
}

void hvg_ring_reset(struct hvg_ring *ring, u32 feature_bits)
{
	struct hvp_ring_header *hdr = ring->hdr;

	hvr_write_once(hdr->write_index, 0);
	hvr_write_once(hdr->read_index, 0);
	hvr_write_once(hdr->interrupt_mask, 0);
	hvr_write_once(hdr->pending_send_sz, 0);
	hvr_write_once(hdr->feature_bits, cpu_to_le32(feature_bits));
	ring->priv_write = 0;
	ring->priv_read = 0;
	ring->pub_read = 0;
	hvr_write_once(ring->broken, false);
}

/* Free bytes as the writer sees them; ~0U if broken. */
static u32 write_space(struct hvg_ring *ring)
{
	u32 read;

	if (unlikely(hvr_read_once(ring->broken)))
		return ~0U;
	/* orders the reader's loads of the freed bytes before our stores */
	read = load_index(ring, &ring->hdr->read_index, true);
	if (read == ~0U)
		return ~0U;
	return ring->size - ring_dist(ring, read, ring->priv_write);
}

u32 hvg_ring_write_avail(struct hvg_ring *ring)
{
	u32 space = write_space(ring);

	return space == ~0U ? 0 : space - 1;
}

/* Descriptor + segments + padding + trailer from @start; returns the end. */
static u32 write_packet(struct hvg_ring *ring, u32 start,
			const struct hvg_ring_wdesc *desc,
			const struct hvg_ring_seg *segs, unsigned int nsegs,
			u32 len, u32 total)
{
	static const u8 zeros[8];
	struct hvp_packet_desc d;
	__le64 trailer;
	unsigned int i;
	u32 off;

	d.type = cpu_to_le16(desc->type);
	d.offset8 = cpu_to_le16((DESC_SIZE + desc->ext_len) / 8);
	d.len8 = cpu_to_le16((total - TRAILER_SIZE) / 8);
	d.flags = cpu_to_le16(desc->flags);
	d.trans_id = cpu_to_le64(desc->trans_id);
	off = copy_to_ring(ring, start, &d, DESC_SIZE);
	for (i = 0; i < nsegs; i++)
		off = copy_to_ring(ring, off, segs[i].data, segs[i].len);
	off = copy_to_ring(ring, off, zeros,
			   total - TRAILER_SIZE - DESC_SIZE - len);
	trailer = cpu_to_le64((u64)start << 32);
	return copy_to_ring(ring, off, &trailer, TRAILER_SIZE);
}

int hvg_ring_write(struct hvg_ring *ring, const struct hvg_ring_wdesc *desc,
		   const struct hvg_ring_seg *segs, unsigned int nsegs,
		   bool *signal)
{
	struct hvp_ring_header *hdr = ring->hdr;
	u32 len = 0, total, space, start, end;
	unsigned int i;

	*signal = false;
	for (i = 0; i < nsegs; i++) {
		if (segs[i].len > HVG_RING_MAX_PKT - len)
			return -EMSGSIZE;
		len += segs[i].len;
	}
	if (desc->ext_len % 8 || desc->ext_len > len)
		return -EINVAL;
	total = hvg_ring_packet_size(len);
	if (total - TRAILER_SIZE > HVG_RING_MAX_PKT || total >= ring->size)
		return -EMSGSIZE;
	space = write_space(ring);
	if (unlikely(space == ~0U))
		return -EPROTO;
	if (space <= total) {
		ring->stats.full++;
		return -EAGAIN;
	}

	start = ring->priv_write;
	end = write_packet(ring, start, desc, segs, nsegs, len, total);
	/* orders the packet's bytes before the index that publishes them */
	hvr_store_release(&hdr->write_index, cpu_to_le32(end));
	ring->priv_write = end;
	ring->stats.packets++;
	ring->stats.bytes += total - TRAILER_SIZE;

	/* orders the write_index store before the interrupt_mask load */
	hvr_mb();
	if (le32_to_cpu(hvr_read_once(hdr->interrupt_mask)))
		return 0;
	if (le32_to_cpu(hvr_read_once(hdr->read_index)) == start) {
		ring->stats.signals++;
		*signal = true;
	}
	return 0;
}

bool hvg_ring_set_pending_send(struct hvg_ring *ring, u32 bytes)
{
	u32 space;

	hvr_write_once(ring->hdr->pending_send_sz, cpu_to_le32(bytes));
	if (!bytes)
		return true;
	/* orders the pending_send_sz store before the read_index load */
	hvr_mb();
	space = write_space(ring);
	return space == ~0U || space > bytes;
}

u32 hvg_ring_read_avail(struct hvg_ring *ring)
{
	u32 write;

	if (unlikely(hvr_read_once(ring->broken)))
		return 0;
	write = load_index(ring, &ring->hdr->write_index, false);
	if (write == ~0U)
		return 0;
	return ring_dist(ring, ring->priv_read, write);
}

/* Validate the descriptor at the read index against @avail bytes. */
static int read_desc(struct hvg_ring *ring, u32 avail,
		     struct hvg_ring_pkt *pkt, struct hvp_packet_desc *d)
{
	u32 off = ring->priv_read;
	u64 w0, w1;

	if (unlikely(avail < DESC_SIZE + TRAILER_SIZE))
		return ring_break(ring);
	/* the descriptor is two aligned words, each within one page */
	w0 = ring_load_u64(ring, off);
	w1 = ring_load_u64(ring, ring_add(ring, off, 8));
	pkt->type = w0 & 0xffff;
	pkt->offset = ((w0 >> 16) & 0xffff) * 8;
	pkt->len = ((w0 >> 32) & 0xffff) * 8;
	pkt->flags = w0 >> 48;
	pkt->trans_id = w1;
	if (unlikely(pkt->len < DESC_SIZE ||
		     pkt->len > avail - TRAILER_SIZE ||
		     pkt->offset < DESC_SIZE || pkt->offset > pkt->len))
		return ring_break(ring);

	d->type = cpu_to_le16(pkt->type);
	d->offset8 = cpu_to_le16(pkt->offset / 8);
	d->len8 = cpu_to_le16(pkt->len / 8);
	d->flags = cpu_to_le16(pkt->flags);
	d->trans_id = cpu_to_le64(pkt->trans_id);
	return 0;
}

int hvg_ring_read(struct hvg_ring *ring, void *buf, u32 buf_size,
		  struct hvg_ring_pkt *pkt)
{
	struct hvp_packet_desc d;
	u32 write, avail;
	int ret;

	if (unlikely(hvr_read_once(ring->broken)))
		return -EPROTO;
	/* orders the write_index load before the loads of what it publishes */
	write = load_index(ring, &ring->hdr->write_index, true);
	if (write == ~0U)
		return -EPROTO;
	avail = ring_dist(ring, ring->priv_read, write);
	if (!avail)
		return -EAGAIN;
	ret = read_desc(ring, avail, pkt, &d);
	if (ret)
		return ret;
	if (pkt->len > buf_size) {
		ring->stats.small_buf++;
		return -ENOBUFS;
	}

	/* the validated descriptor, then the rest as the peer wrote it */
	memcpy(buf, &d, DESC_SIZE);
	copy_from_ring(ring, ring_add(ring, ring->priv_read, DESC_SIZE),
		       (u8 *)buf + DESC_SIZE, pkt->len - DESC_SIZE);
	ring->priv_read = ring_add(ring, ring->priv_read,
				   pkt->len + TRAILER_SIZE);
	ring->stats.packets++;
	ring->stats.bytes += pkt->len;
	return 0;
}

bool hvg_ring_read_done(struct hvg_ring *ring)
{
	struct hvp_ring_header *hdr = ring->hdr;
	u32 old = ring->pub_read, pending, write, space, space_before;

	if (unlikely(hvr_read_once(ring->broken)) || old == ring->priv_read)
		return false;
	/* orders our loads of the packets before the writer reuses the space */
	hvr_store_release(&hdr->read_index, cpu_to_le32(ring->priv_read));
	ring->pub_read = ring->priv_read;

	if (!(le32_to_cpu(hvr_read_once(hdr->feature_bits)) &
	      HVP_RING_FEAT_PENDING_SEND_SZ))
		return false;
	/* orders the read_index store before the pending_send_sz load */
	hvr_mb();
	pending = le32_to_cpu(hvr_read_once(hdr->pending_send_sz));
	if (!pending)
		return false;
	write = load_index(ring, &hdr->write_index, false);
	if (write == ~0U)
		return false;
	/* the writer cannot have passed @old: it was the published index */
	space = ring->size - ring_dist(ring, ring->priv_read, write);
	space_before = ring->size - ring_dist(ring, old, write);
	if (space <= pending || space_before > pending)
		return false;
	ring->stats.full++;
	ring->stats.signals++;
	return true;
}

void hvg_ring_mask_interrupts(struct hvg_ring *ring)
{
	hvr_write_once(ring->hdr->interrupt_mask, cpu_to_le32(1));
}

bool hvg_ring_unmask_interrupts(struct hvg_ring *ring)
{
	hvr_write_once(ring->hdr->interrupt_mask, 0);
	/* orders the interrupt_mask store before the write_index load */
	hvr_mb();
	return hvg_ring_read_avail(ring) || hvg_ring_is_broken(ring);
}

void hvg_ring_snapshot(const struct hvg_ring *ring,
		       struct hvg_ring_snapshot *snap)
{
	const struct hvp_ring_header *hdr = ring->hdr;
	u32 w, r;

	w = le32_to_cpu(hvr_read_once(hdr->write_index));
	r = le32_to_cpu(hvr_read_once(hdr->read_index));
	snap->write_index = w;
	snap->read_index = r;
	snap->interrupt_mask = le32_to_cpu(hvr_read_once(hdr->interrupt_mask));
	snap->pending_send_sz =
		le32_to_cpu(hvr_read_once(hdr->pending_send_sz));
	snap->feature_bits = le32_to_cpu(hvr_read_once(hdr->feature_bits));
	snap->broken = hvg_ring_is_broken(ring);
	if (index_ok(ring, w) && index_ok(ring, r)) {
		snap->read_avail = ring_dist(ring, r, w);
		snap->write_avail = ring->size - snap->read_avail - 1;
	} else {
		snap->read_avail = 0;
		snap->write_avail = 0;
	}
}
