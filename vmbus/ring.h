/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VMBus ring buffer core: one direction of a channel, seen from one side.
 *
 * ring.c is freestanding: the same file is built into hvg_vmbus.ko, into the
 * user-space unit tests and benchmark (vmbus/tests/), and into hvhost. The
 * wire format is in <hvproto/ring.h>; the environment in ring_env.h.
 *
 * Each side keeps its own struct hvg_ring over the shared header page and
 * data pages: the writer of a direction uses hvg_ring_write() and friends,
 * the reader hvg_ring_read() and friends. A struct is used in one role only.
 * Everything in shared memory is written by an untrusted peer: indices and
 * descriptors are validated on every read, and a ring caught holding garbage
 * is marked broken; from then on every operation fails with -EPROTO and the
 * caller fails the channel. The core never reads or writes outside the
 * header and the data pages it was given.
 *
 * Concurrency: one writer and one reader per ring, each serialised by its
 * caller (a channel lock, a NAPI context...); a writer and a reader never
 * need a lock between them. hvg_ring_snapshot() may run concurrently with
 * anything. No function sleeps or allocates.
 */
#ifndef HVG_RING_H
#define HVG_RING_H

#include "ring_env.h"
#include <hvproto/ring.h>

/* The data area is given as pages of this size (a Hyper-V page). */
#define HVG_RING_PAGE_SIZE	4096U
/* Largest data area accepted by hvg_ring_init(). */
#define HVG_RING_MAX_SIZE	(256U << 20)
/* Largest packet, descriptor included, trailer excluded (len8 is 16 bits). */
#define HVG_RING_MAX_PKT	(0xffffU * 8)

/**
 * struct hvg_ring_seg - one piece of a packet being written
 * @data: the bytes
 * @len: their number (any; the packet is padded to 8 bytes at its end)
 */
struct hvg_ring_seg {
	const void *data;
	u32 len;
};

/**
 * struct hvg_ring_wdesc - descriptor fields of a packet to write
 * @type: enum hvp_packet_type
 * @flags: HVP_PKT_FLAG_*
 * @trans_id: request id, echoed by the completion
 * @ext_len: bytes at the start of the segments that extend the descriptor
 *	(GPA ranges, transfer-page ranges...) and precede the payload; a
 *	multiple of 8. The payload offset is 16 + @ext_len.
 */
struct hvg_ring_wdesc {
	u16 type;
	u16 flags;
	u32 ext_len;
	u64 trans_id;
};

/**
 * struct hvg_ring_pkt - a packet read by hvg_ring_read()
 * @type: descriptor type (the caller checks it is one it handles)
 * @flags: descriptor flags
 * @trans_id: descriptor transaction id
 * @len: bytes of the packet (descriptor, extension, payload and padding:
 *	len8 * 8); at least 16
 * @offset: offset of the payload in the packet (offset8 * 8);
 *	16 <= @offset <= @len
 *
 * The caller's buffer holds the packet from its descriptor on, with len8 and
 * offset8 in that copy rewritten to the validated values.
 */
struct hvg_ring_pkt {
	u16 type;
	u16 flags;
	u64 trans_id;
	u32 len;
	u32 offset;
};

/**
 * struct hvg_ring_stats - counters for debugfs, owned by the struct's role
 * @packets: packets written (writer) or read (reader)
 * @bytes: their bytes, descriptor and padding included, trailer excluded
 * @signals: times the call told the caller to signal the peer
 * @full: writer: writes refused with -EAGAIN for lack of space;
 *	reader: batches that freed the space a blocked writer asked for
 * @small_buf: reader: reads refused with -ENOBUFS
 */
struct hvg_ring_stats {
	u64 packets;
	u64 bytes;
	u64 signals;
	u64 full;
	u64 small_buf;
};

/**
 * struct hvg_ring - one ring direction, as one side sees it
 * @hdr: the shared header page
 * @pages: the data pages, HVG_RING_PAGE_SIZE each (the last may be used in
 *	part when @size is not a multiple of it); owned by the caller
 * @contig: the data area when @pages are contiguous in this address space,
 *	else NULL
 * @size: bytes in the data area
 * @priv_write: writer: its write index (the shared one is only published)
 * @priv_read: reader: its read index, ahead of the shared one within a batch
 * @pub_read: reader: the read index last published
 * @broken: the peer put garbage in the ring; sticky
 * @stats: counters
 */
struct hvg_ring {
	struct hvp_ring_header *hdr;
	u8 **pages;
	u8 *contig;
	u32 size;
	u32 priv_write;
	u32 priv_read;
	u32 pub_read;
	bool broken;
	struct hvg_ring_stats stats;
};

/**
 * struct hvg_ring_snapshot - the shared header as an observer sees it
 * @write_index: as in the header
 * @read_index: as in the header
 * @interrupt_mask: as in the header
 * @pending_send_sz: as in the header
 * @feature_bits: as in the header
 * @read_avail: bytes between the two indices (0 if an index is invalid)
 * @write_avail: bytes free (0 if an index is invalid)
 * @broken: the owner found garbage in the ring
 */
struct hvg_ring_snapshot {
	u32 write_index;
	u32 read_index;
	u32 interrupt_mask;
	u32 pending_send_sz;
	u32 feature_bits;
	u32 read_avail;
	u32 write_avail;
	bool broken;
};

/**
 * hvg_ring_init() - set up one side's view of a ring
 * @ring: the struct to fill
 * @hdr: the shared header page
 * @pages: DIV_ROUND_UP(@size, HVG_RING_PAGE_SIZE) data page pointers; the
 *	array must outlive @ring
 * @size: bytes in the data area: a multiple of 8, 0 < @size <=
 *	HVG_RING_MAX_SIZE
 *
 * Takes the private indices from the header (both sides may init at any
 * time, e.g. hvhost after the guest opened the channel). Does not write the
 * header; the owner of the memory calls hvg_ring_reset() before sharing it.
 *
 * Return: 0; -EINVAL for a bad @size or a NULL pointer; -EPROTO (and the
 * ring is broken) if an index in the header is out of range or unaligned.
 */
int hvg_ring_init(struct hvg_ring *ring, struct hvp_ring_header *hdr,
		  u8 **pages, u32 size);

/**
 * hvg_ring_reset() - put the shared header in its initial state
 * @ring: an initialised ring whose memory is not shared yet
 * @feature_bits: HVP_RING_FEAT_* to advertise (the guest advertises
 *	HVP_RING_FEAT_PENDING_SEND_SZ on both rings, as upstream does)
 *
 * Zeroes both indices, interrupt_mask and pending_send_sz, sets feature_bits,
 * and resets @ring's private indices and broken flag (not the stats).
 */
void hvg_ring_reset(struct hvg_ring *ring, u32 feature_bits);

/**
 * hvg_ring_packet_size() - bytes a packet takes on the ring
 * @len: extension plus payload bytes (the segments' total)
 *
 * Descriptor, @len, padding to 8 bytes and the trailer: what must be free,
 * plus one byte, for the packet to be written; the value for
 * hvg_ring_set_pending_send().
 */
static inline u32 hvg_ring_packet_size(u32 len)
{
	return ((sizeof(struct hvp_packet_desc) + len + 7) & ~7U) +
	       HVP_PACKET_TRAILER_SIZE;
}

/**
 * hvg_ring_write() - write one packet
 * @ring: the ring, used as its writer
 * @desc: descriptor fields
 * @segs: the extension then the payload, in pieces
 * @nsegs: number of @segs (may be 0)
 * @signal: set to whether the caller must signal the reader: only when this
 *	packet made the ring non-empty and the reader's interrupt_mask is 0
 *
 * Copies descriptor, segments, zero padding and trailer, then publishes the
 * write index with release semantics, so the reader sees the packet whole
 * or not at all. Callers serialise writers of one ring.
 *
 * Return: 0; -EAGAIN if the packet does not fit now (the ring always keeps
 * one byte free); -EMSGSIZE if it can never fit in this ring or in len8;
 * -EINVAL if @desc->ext_len is not a multiple of 8 or exceeds the segments;
 * -EPROTO if the ring is broken (the peer's read index is invalid).
 */
int hvg_ring_write(struct hvg_ring *ring, const struct hvg_ring_wdesc *desc,
		   const struct hvg_ring_seg *segs, unsigned int nsegs,
		   bool *signal);

/**
 * hvg_ring_set_pending_send() - ask the reader for a signal when space frees
 * @ring: the ring, used as its writer
 * @bytes: signal me when more than this is free
 *	(hvg_ring_packet_size() of the packet that did not fit); 0 to clear
 *
 * The reader honours this only if feature_bits has
 * HVP_RING_FEAT_PENDING_SEND_SZ. Call it after hvg_ring_write() returned
 * -EAGAIN, sleep only if it returns false, and clear it once written.
 *
 * Return: true if more than @bytes is already free (retry the write now:
 * the reader may have freed the space before it could see the request),
 * if @bytes is 0, or if the ring is broken (the retry reports it).
 */
bool hvg_ring_set_pending_send(struct hvg_ring *ring, u32 bytes);

/**
 * hvg_ring_write_avail() - bytes the writer may use now
 * @ring: the ring, used as its writer
 *
 * Return: free bytes minus the one always kept free, so a packet of
 * hvg_ring_packet_size() <= this fits; 0 if broken.
 */
u32 hvg_ring_write_avail(struct hvg_ring *ring);

/**
 * hvg_ring_read() - copy the next packet out of the ring
 * @ring: the ring, used as its reader
 * @buf: where to copy the packet, descriptor first
 * @buf_size: bytes at @buf
 * @pkt: the packet's validated descriptor fields; on -ENOBUFS only @pkt->len
 *	is set, to the size needed
 *
 * Validates the descriptor (16 <= len8 * 8 <= bytes available minus the
 * trailer, 16 <= offset8 * 8 <= len8 * 8), copies the packet so the peer
 * cannot change it after validation, and advances the private read index.
 * The space is returned to the writer only by hvg_ring_read_done(), so a
 * batch of reads costs one index update. Callers serialise readers.
 *
 * Return: 0; -EAGAIN if the ring is empty; -ENOBUFS if @buf_size is too
 * small (the packet stays in the ring); -EPROTO if the ring is broken,
 * now or earlier.
 */
int hvg_ring_read(struct hvg_ring *ring, void *buf, u32 buf_size,
		  struct hvg_ring_pkt *pkt);

/**
 * hvg_ring_read_done() - end a batch of reads
 * @ring: the ring, used as its reader
 *
 * Publishes the private read index with release semantics (the packets'
 * bytes are read before the writer may reuse them). If the writer
 * advertised HVP_RING_FEAT_PENDING_SEND_SZ and is waiting for space, decides
 * whether this batch freed it.
 *
 * Return: true if the caller must signal the writer: pending_send_sz is set
 * and the free space went from <= pending_send_sz to > pending_send_sz.
 */
bool hvg_ring_read_done(struct hvg_ring *ring);

/**
 * hvg_ring_read_avail() - bytes of packets not yet read
 * @ring: the ring, used as its reader
 *
 * Return: bytes between the private read index and the write index; 0 if
 * empty or broken (a bad write index breaks the ring).
 */
u32 hvg_ring_read_avail(struct hvg_ring *ring);

/**
 * hvg_ring_mask_interrupts() - tell the writer not to signal
 * @ring: the ring, used as its reader
 *
 * For the start of a batch. A writer that has not seen the mask yet merely
 * signals once more.
 */
void hvg_ring_mask_interrupts(struct hvg_ring *ring);

/**
 * hvg_ring_unmask_interrupts() - let the writer signal again, then recheck
 * @ring: the ring, used as its reader
 *
 * Clears interrupt_mask, then (after a full barrier, pairing with the
 * writer's) looks for data written while the mask was set, which the
 * writer did not signal. Call after hvg_ring_read_done().
 *
 * Return: true if data is available (keep reading, masking again: no
 * signal will come for it) or the ring is broken (the next read says so).
 */
bool hvg_ring_unmask_interrupts(struct hvg_ring *ring);

/**
 * hvg_ring_snapshot() - read the header for debugfs or sysfs
 * @ring: the ring, in either role
 * @snap: filled from the shared header
 *
 * Lockless and read-only: the values may be stale by the time they are
 * printed.
 */
void hvg_ring_snapshot(const struct hvg_ring *ring,
		       struct hvg_ring_snapshot *snap);

/**
 * hvg_ring_is_broken() - has the peer put garbage in the ring?
 * @ring: the ring
 *
 * Return: true once any operation found an invalid index or descriptor.
 */
static inline bool hvg_ring_is_broken(const struct hvg_ring *ring)
{
	return hvr_read_once(ring->broken);
}

#endif /* HVG_RING_H */
