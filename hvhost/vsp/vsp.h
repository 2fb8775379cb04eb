/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VSP interface: a virtual service provider is the host half of one
 * VMBus device class. It registers a class GUID and callbacks; the VMBus
 * server (hvhost/vmbus/) offers its channels, opens and closes them, reads
 * the guest->host ring and hands each packet to ->packet(). The VSP answers
 * with the send helpers below and reaches guest memory only through the
 * bounds-checked accessors: every GPA, length and PFN in a packet comes from
 * the guest and is untrusted.
 *
 * Single-threaded: every callback and helper runs on hvhost's event loop.
 */
#ifndef HVHOST_VSP_H
#define HVHOST_VSP_H

#include <hvproto/ring.h>
#include <hvproto/vmbus.h>

#include "core/strbuf.h"
#include "core/util.h"

struct vsp_channel;

/* A packet from the guest: a private copy, validated by the ring core. */
struct vsp_packet {
	uint16_t type;		/* enum hvp_packet_type */
	uint16_t flags;		/* HVP_PKT_FLAG_* */
	uint64_t trans_id;
	const uint8_t *raw;	/* the packet from its descriptor on */
	uint32_t len;		/* bytes at raw (len8 * 8) */
	const uint8_t *data;	/* the payload: raw + offset8 * 8 */
	uint32_t data_len;
};

/* One range of a GPA-direct packet (multi-page-buffer form). */
struct vsp_gpa_range {
	uint32_t len;
	uint32_t offset;	/* into the first page, < 4096 */
	uint32_t nr_pfns;	/* PFN_UP(offset + len) */
	const uint64_t *pfns;	/* points into the packet copy */
};

struct vsp_ops {
	const char *name;		/* --device NAME, ctl NAME ... */
	struct hvp_guid class_id;
	/* Optional: fill chn_flags, mmio_megabytes, user_def of an offer. */
	void (*offer)(struct vsp_channel *ch, struct hvp_vmbus_offer *offer);
	/* The guest opened the channel; nonzero fails OPENCHANNEL. */
	int (*open)(struct vsp_channel *ch, const uint8_t *user_data,
		    uint32_t len);
	/*
	 * Optional: the channel is open and OPENCHANNEL_RESULT is on its
	 * way; the VSP may send (a host-initiated protocol starts here).
	 */
	void (*opened)(struct vsp_channel *ch);
	/*
	 * One packet from the guest. Return 0 when done with it, -EAGAIN to
	 * get the same packet again once the host->guest ring has room
	 * (nothing more is read until then), or another negative errno to
	 * drop it (counted).
	 */
	int (*packet)(struct vsp_channel *ch, const struct vsp_packet *pkt);
	/* Optional: the host->guest ring has room again after -EAGAIN. */
	void (*tx_ready)(struct vsp_channel *ch);
	/* The channel closed (CLOSECHANNEL, UNLOAD, rescind, teardown). */
	void (*close)(struct vsp_channel *ch);
	/* Optional: the host is withdrawing the channel. */
	void (*rescind)(struct vsp_channel *ch);
	/*
	 * Optional: `NAME SUBCOMMAND RELID [ARGS...]` on the control socket
	 * for one of this VSP's channels; returns NULL or an error reason.
	 */
	const char *(*ctl)(struct vsp_channel *ch, int argc, char **argv,
			   struct strbuf *out);
	const char *ctl_help;
};

/* The VSPs hvhost knows, by name ("echo"); NULL if none. */
const struct vsp_ops *vsp_find(const char *name);
/* The @i-th VSP hvhost knows, NULL past the last. */
const struct vsp_ops *vsp_at(unsigned int i);
extern const struct vsp_ops echo_vsp_ops;
extern const struct vsp_ops timesync_vsp_ops;

/* Per-channel state of the VSP. */
void vsp_set_priv(struct vsp_channel *ch, void *priv);
void *vsp_priv(const struct vsp_channel *ch);
uint32_t vsp_relid(const struct vsp_channel *ch);
uint16_t vsp_subchannel_index(const struct vsp_channel *ch);
bool vsp_is_open(const struct vsp_channel *ch);
/*
 * Devices with several channels: the state given to vmbus_add_device_dev()
 * (NULL for others), found from the primary or any of its subchannels.
 */
void *vsp_device(const struct vsp_channel *ch);
/* Offers a new subchannel of @primary (at once if the guest listens). */
int vsp_add_subchannel(struct vsp_channel *primary, struct vsp_channel **out);
/*
 * Withdraws a channel (its subchannels first), calling ->rescind of each;
 * one the guest never saw is freed at once, so @ch may be gone on return.
 * Not from ->close.
 */
void vsp_rescind(struct vsp_channel *ch);
/* The partition's TIME_REF_COUNT now (100 ns units), as the guest reads it. */
uint64_t vsp_time_ref_count(const struct vsp_channel *ch);

/*
 * Host -> guest packets. @ext (ext_len bytes, a multiple of 8) extends the
 * descriptor; @data is the payload. Return 0; -EAGAIN when the ring is full
 * (->tx_ready follows when it drains); -EPIPE if the channel is not open;
 * -EMSGSIZE if it can never fit; -EPROTO if the ring is broken.
 */
int vsp_send(struct vsp_channel *ch, uint16_t type, uint16_t flags,
	     uint64_t trans_id, const void *ext, uint32_t ext_len,
	     const void *data, uint32_t len);
int vsp_send_inband(struct vsp_channel *ch, uint64_t trans_id, bool comp_req,
		    const void *data, uint32_t len);
int vsp_send_comp(struct vsp_channel *ch, uint64_t trans_id,
		  const void *data, uint32_t len);
/* Bytes of payload a packet may carry now without -EAGAIN. */
uint32_t vsp_send_avail(struct vsp_channel *ch);

/*
 * Parses the ranges of a DATA_USING_GPA_DIRECT packet (page-buffer and
 * multi-page-buffer forms are the same layout): every range has len > 0,
 * offset < 4096 and its PFNs inside the packet's extension. Returns the
 * number of ranges (at most @max), or a negative errno for a malformed one.
 */
int vsp_gpa_ranges(const struct vsp_packet *pkt, struct vsp_gpa_range *r,
		   unsigned int max);

/* Bounds-checked guest memory: -EFAULT if any byte is outside RAM. */
int vsp_gpa_read(struct vsp_channel *ch, uint64_t gpa, void *dst,
		 uint64_t len);
int vsp_gpa_write(struct vsp_channel *ch, uint64_t gpa, const void *src,
		  uint64_t len);
void *vsp_gpa_ptr(struct vsp_channel *ch, uint64_t gpa, uint64_t len);
/*
 * Calls @fn on each piece of a range that lies in one guest page, in order:
 * @off is the piece's byte offset within the range. Stops at the first
 * nonzero return; -EFAULT for a PFN outside RAM.
 */
int vsp_range_for_each(struct vsp_channel *ch, const struct vsp_gpa_range *r,
		       int (*fn)(void *arg, uint8_t *p, uint32_t len,
				 uint64_t off),
		       void *arg);

#endif /* HVHOST_VSP_H */
