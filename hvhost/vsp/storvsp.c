// SPDX-License-Identifier: GPL-2.0
/*
 * StorVSP: storage controllers over VMBus, of the SCSI controller class or
 * the IDE-accelerator class (one target, LUN 0). The primary channel
 * carries the vstor handshake
 * (a state table); every open channel carries EXECUTE_SRB, checked here
 * (addressing, direction, GPA-direct ranges against the transfer length
 * and guest RAM), decoded by storvsp_scsi.c and, for I/O, run by the
 * channel's worker (storvsp_io.c). Answers go out in order through the
 * channel's txq, which waits for ring room.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include "vmbus/vmbus.h"
#include "vsp/storvsp.h"

#define PAGE_SIZE	4096u
#define UNMAP_PARAM_MAX	(8u + 16u * STOR_UNMAP_MAX_DESC)
#define OP_REPORT_LUNS	0xa0
#define OP_INQUIRY	0x12


/* Control operations: the states each is valid in, the state after. */
static const struct {
	uint8_t valid;		/* BIT(enum stor_state) */
	int8_t next;		/* -1: unchanged */
} ctl_table[] = {
	[HVP_VSTOR_OP_BEGIN_INITIALIZATION] = { BIT(STOR_NEW), STOR_BEGUN },
	[HVP_VSTOR_OP_QUERY_PROTOCOL_VERSION] = {
		BIT(STOR_BEGUN) | BIT(STOR_VERSIONED), -1 },
	[HVP_VSTOR_OP_QUERY_PROPERTIES] = {
		BIT(STOR_VERSIONED) | BIT(STOR_PROPERTIES) | BIT(STOR_READY),
		-1 },
	[HVP_VSTOR_OP_END_INITIALIZATION] = {
		BIT(STOR_PROPERTIES), STOR_READY },
	[HVP_VSTOR_OP_CREATE_SUB_CHANNELS] = { BIT(STOR_READY), -1 },
	[HVP_VSTOR_OP_RESET_LUN] = { BIT(STOR_READY), -1 },
	[HVP_VSTOR_OP_RESET_ADAPTER] = { BIT(STOR_READY), -1 },
	[HVP_VSTOR_OP_RESET_BUS] = { BIT(STOR_READY), -1 },
};

static bool version_ok(uint16_t v, uint16_t max)
{
	return v <= max && (v == HVP_VSTOR_VERSION_WIN10 ||
			    v == HVP_VSTOR_VERSION_WIN8_1 ||
			    v == HVP_VSTOR_VERSION_WIN8);
}

static uint32_t create_subs(struct stor_ctrl *c, struct vsp_channel *ch,
			    uint16_t count)
{
	unsigned int i;

	if (c->subs_requested || !count || count > c->sv->max_channels ||
	    count > STOR_MAX_SUBCHANNELS)
		return STOR_STATUS_FAIL;
	c->subs_requested = true;
	for (i = 1; i <= count; i++) {
		if (c->subs[i])
			continue;
		if (vsp_add_subchannel(ch, &c->subs[i]))
			return STOR_STATUS_FAIL;
	}
	return 0;
}

/* One control request on the primary; the status to answer. */
static uint32_t control(struct stor_ctrl *c, struct vsp_channel *ch,
			const struct hvp_vstor_packet *in,
			struct hvp_vstor_packet *out)
{
	uint32_t op = in->operation;
	struct storvsp *sv = c->sv;

	switch (op) {
	case HVP_VSTOR_OP_QUERY_PROTOCOL_VERSION:
		out->version = in->version;
		if (!version_ok(in->version.major_minor, sv->max_version))
			return STOR_STATUS_FAIL;
		c->version = in->version.major_minor;
		c->state = STOR_VERSIONED;
		return 0;
	case HVP_VSTOR_OP_QUERY_PROPERTIES:
		out->properties.max_channel_count = sv->max_channels;
		/* Multi-channel from 5.1 on, as upstream storvsc expects. */
		if (sv->max_channels && c->version >= HVP_VSTOR_VERSION_WIN8)
			out->properties.flags =
				HVP_VSTOR_PROP_SUPPORTS_MULTI_CHANNEL;
		/*
		 * IDE: flagged, with the SCSI controller's channel offer
		 * otherwise: a guest must not take sub-channels there.
		 */
		if (c->ide)
			out->properties.flags |= HVP_VSTOR_PROP_EMULATED_IDE;
		out->properties.max_transfer_bytes = sv->max_xfer;
		if (c->state == STOR_VERSIONED)
			c->state = STOR_PROPERTIES;
		return 0;
	case HVP_VSTOR_OP_CREATE_SUB_CHANNELS:
		if (c->version < HVP_VSTOR_VERSION_WIN8)
			return STOR_STATUS_FAIL;
		return create_subs(c, ch, in->sub_channel_count);
	default:
		if (ctl_table[op].next >= 0)
			c->state = (enum stor_state)ctl_table[op].next;
		return 0;
	}
}

static bool is_control(uint32_t op)
{
	return op < ARRAY_SIZE(ctl_table) && ctl_table[op].valid;
}

/* A request that is not EXECUTE_SRB: answered at once. */
static int control_packet(struct stor_chan *sc, const struct vsp_packet *pkt,
			  const struct hvp_vstor_packet *in)
{
	struct stor_ctrl *c = sc->c;
	struct hvp_vstor_packet out = {
		.operation = HVP_VSTOR_OP_COMPLETE_IO,
		.status = STOR_STATUS_FAIL,
	};
	uint32_t op = in->operation;
	bool reset = op == HVP_VSTOR_OP_RESET_LUN ||
		     op == HVP_VSTOR_OP_RESET_BUS ||
		     op == HVP_VSTOR_OP_RESET_ADAPTER;

	if (is_control(op) && (ctl_table[op].valid & BIT(c->state)) &&
	    (!sc->index || reset))
		out.status = control(c, sc->ch, in, &out);
	hv_trace("storvsp: controller %u channel %u: op %u -> status %#x",
		 c->id, sc->index, op, out.status);
	return vsp_send_comp(sc->ch, pkt->trans_id, &out, sizeof(out));
}

static struct stor_req *req_alloc(struct stor_chan *sc,
				  const struct vsp_packet *pkt,
				  const struct hvp_vstor_packet *in)
{
	struct stor_req *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->sc = sc;
	r->trans_id = pkt->trans_id;
	r->pkt = *in;
	r->xfer = in->srb.data_transfer_length;
	sc->inflight++;
	return r;
}

/*
 * Answers @r now with SRB status @srb, no SCSI status, no data moved, and
 * @len as the transfer length.
 */
static void answer_srb(struct stor_req *r, uint8_t srb, uint32_t len)
{
	r->cmd.action = SCSI_DONE;
	r->cmd.status = SAM_GOOD;
	r->cmd.sense_len = 0;
	r->pkt.srb.srb_status = srb;
	r->moved = len;
	r->err = 0;
	stor_complete(r);
}

static void fail_srb(struct stor_req *r, uint8_t srb)
{
	answer_srb(r, srb, 0);
}

static int add_iov(struct stor_req *r, unsigned int *cap, uint8_t *p,
		   uint32_t len)
{
	struct iovec *v;

	if (r->nr_iov && (uint8_t *)r->iov[r->nr_iov - 1].iov_base +
			 r->iov[r->nr_iov - 1].iov_len == p) {
		r->iov[r->nr_iov - 1].iov_len += len;
		return 0;
	}
	if (r->nr_iov == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		v = realloc(r->iov, *cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		r->iov = v;
	}
	r->iov[r->nr_iov++] = (struct iovec){ p, len };
	return 0;
}

/* The guest pages of a GPA-direct request as iovecs; false if bad. */
static bool map_ranges(struct stor_chan *sc, const struct vsp_packet *pkt,
		       struct stor_req *r)
{
	struct vsp_gpa_range rg[STOR_MAX_RANGES];
	unsigned int cap = 0;
	uint64_t total = 0, pfn;
	int nr, i;
	uint32_t j;

	nr = vsp_gpa_ranges(pkt, rg, STOR_MAX_RANGES);
	if (nr <= 0)
		return false;
	for (i = 0; i < nr; i++)
		total += rg[i].len;
	if (total != r->xfer)
		return false;
	for (i = 0; i < nr; i++) {
		uint32_t start = rg[i].offset, left = rg[i].len;

		for (j = 0; j < rg[i].nr_pfns && left; j++) {
			uint32_t n = PAGE_SIZE - start < left ?
				     PAGE_SIZE - start : left;
			uint8_t *p;

			memcpy(&pfn, &rg[i].pfns[j], sizeof(pfn));
			if (pfn > UINT64_MAX / PAGE_SIZE)
				return false;
			p = vsp_gpa_ptr(sc->ch, pfn * PAGE_SIZE + start, n);
			if (!p || add_iov(r, &cap, p, n))
				return false;
			left -= n;
			start = 0;
		}
	}
	return true;
}

static void copy_to_iov(struct stor_req *r, const uint8_t *src, uint32_t n)
{
	unsigned int i;
	uint32_t k;

	for (i = 0; i < r->nr_iov && n; i++) {
		k = r->iov[i].iov_len < n ? (uint32_t)r->iov[i].iov_len : n;
		memcpy(r->iov[i].iov_base, src, k);
		src += k;
		n -= k;
	}
}

static void copy_from_iov(const struct stor_req *r, uint8_t *dst, uint32_t n)
{
	unsigned int i;
	uint32_t k;

	for (i = 0; i < r->nr_iov && n; i++) {
		k = r->iov[i].iov_len < n ? (uint32_t)r->iov[i].iov_len : n;
		memcpy(dst, r->iov[i].iov_base, k);
		dst += k;
		n -= k;
	}
}

static bool medium_error(struct stor_req *r)
{
	struct storvsp *sv = r->sc->c->sv;
	struct scsi_cmd *cmd = &r->cmd;
	unsigned int i;

	for (i = 0; i < sv->nr_medium; i++) {
		const struct stor_medium_error *m = &sv->medium[i];

		if (m->controller != r->lun->controller ||
		    m->lun != r->lun->lun || m->lba >= cmd->lba + cmd->nblocks ||
		    cmd->lba >= m->lba + m->count)
			continue;
		scsi_set_medium_error(cmd, cmd->action == SCSI_WRITE,
				      m->lba > cmd->lba ? m->lba : cmd->lba);
		return true;
	}
	return false;
}

static void decode(struct stor_ctrl *c, struct stor_req *r)
{
	const struct hvp_vmscsi_request *srb = &r->pkt.srb;
	uint16_t luns[STOR_MAX_LUNS];
	unsigned int i, n = 0;

	if (srb->cdb[0] == OP_REPORT_LUNS) {
		for (i = 0; i < STOR_MAX_LUNS; i++)
			if (c->luns[i])
				luns[n++] = (uint16_t)i;
		scsi_report_luns(srb->cdb, srb->cdb_length, luns, n, &r->cmd);
	} else if (!r->lun) {
		scsi_inquiry_no_lun(srb->cdb, srb->cdb_length, &r->cmd);
	} else {
		scsi_decode(&r->lun->d, srb->cdb, srb->cdb_length, r->xfer,
			    &r->cmd);
	}
}

/* The command's direction against the request's data_in. */
static bool direction_ok(const struct stor_req *r)
{
	const struct scsi_cmd *cmd = &r->cmd;
	uint8_t dir = r->pkt.srb.data_in;

	if (!r->xfer || cmd->status != SAM_GOOD)
		return true;
	if (cmd->data_out)
		return dir == HVP_SRB_DATA_WRITE;
	if (cmd->action == SCSI_READ ||
	    (cmd->action == SCSI_DONE && cmd->data_len))
		return dir == HVP_SRB_DATA_READ;
	return true;
}

static bool prepare_unmap(struct stor_req *r)
{
	uint8_t buf[UNMAP_PARAM_MAX];
	int n;

	if (r->cmd.action == SCSI_WS_UNMAP) {
		/*
		 * A hole reads back zeros (LBPRZ): only a block of zeros may
		 * become one. Other data would have to be written, which is
		 * not offered.
		 */
		copy_from_iov(r, buf, STOR_BLOCK);
		if (buf[0] || memcmp(buf, buf + 1, STOR_BLOCK - 1)) {
			scsi_set_sense(&r->cmd, SENSE_ILLEGAL_REQUEST, 0x24, 0);
			return true;
		}
		r->ext = malloc(sizeof(*r->ext));
		if (!r->ext)
			return false;
		r->ext[0] = (struct scsi_extent){ r->cmd.lba, r->cmd.nblocks };
		r->nr_ext = 1;
		return true;
	}
	if (r->xfer > sizeof(buf)) {
		scsi_set_sense(&r->cmd, SENSE_ILLEGAL_REQUEST, 0x24, 0);
		return true;
	}
	copy_from_iov(r, buf, r->xfer);
	r->ext = calloc(STOR_UNMAP_MAX_DESC, sizeof(*r->ext));
	if (!r->ext)
		return false;
	n = scsi_unmap_extents(&r->lun->d, buf, r->xfer, r->ext,
			       STOR_UNMAP_MAX_DESC, &r->cmd);
	if (n >= 0)
		r->nr_ext = (unsigned int)n;
	return true;
}

static void execute_srb(struct stor_chan *sc, struct stor_req *r)
{
	const struct hvp_vmscsi_request *srb = &r->pkt.srb;
	struct stor_ctrl *c = sc->c;
	struct stor_lun *l = c->luns[srb->lun];
	bool no_lun_ok = srb->lun == 0 && srb->cdb[0] == OP_INQUIRY;

	if (srb->path_id || srb->target_id != (c->ide ? c->ide_target : 0) ||
	    (!l && !no_lun_ok && srb->cdb[0] != OP_REPORT_LUNS)) {
		fail_srb(r, HVP_SRB_STATUS_INVALID_LUN);
		return;
	}
	if (l) {
		r->lun = l;
		stor_lun_get(l);
		l->inflight++;
	}
	decode(c, r);
	if (!direction_ok(r)) {
		fail_srb(r, HVP_SRB_STATUS_INVALID_REQUEST);
		return;
	}
	if ((r->cmd.action == SCSI_READ || r->cmd.action == SCSI_WRITE) &&
	    medium_error(r)) {
		stor_complete(r);
		return;
	}
	if ((r->cmd.action == SCSI_UNMAP || r->cmd.action == SCSI_WS_UNMAP) &&
	    !prepare_unmap(r)) {
		fail_srb(r, HVP_SRB_STATUS_INTERNAL_ERROR);
		return;
	}
	if (r->cmd.action == SCSI_DONE) {
		r->moved = r->cmd.data_len < r->xfer ? r->cmd.data_len : r->xfer;
		copy_to_iov(r, r->cmd.data, r->moved);
		stor_complete(r);
		return;
	}
	stor_submit(r);
}

static int srb_packet(struct stor_chan *sc, const struct vsp_packet *pkt,
		      const struct hvp_vstor_packet *in)
{
	struct stor_ctrl *c = sc->c;
	struct stor_req *r;

	if (c->state != STOR_READY)
		return control_packet(sc, pkt, in);
	r = req_alloc(sc, pkt, in);
	if (!r)
		return -ENOMEM;
	c->requests++;
	c->chan_requests[sc->index]++;
	if (sc->inflight > STOR_MAX_INFLIGHT) {
		fail_srb(r, HVP_SRB_STATUS_INTERNAL_ERROR);
		return 0;
	}
	/*
	 * The fault: out of memory, nothing done. The answer keeps the
	 * request's transfer length, as a host that never got to it may: a
	 * guest taking 0x30 for success would lose the data.
	 */
	if (c->sv->oom_next) {
		c->sv->oom_next--;
		c->sv->oom_sent++;
		answer_srb(r, HVP_SRB_STATUS_INTERNAL_ERROR, r->xfer);
		return 0;
	}
	if (in->srb.cdb_length > HVP_VSTOR_CDB_SIZE ||
	    r->xfer > c->sv->max_xfer ||
	    (pkt->type == HVP_PKT_DATA_INBAND) != !r->xfer ||
	    (r->xfer && !map_ranges(sc, pkt, r))) {
		fail_srb(r, HVP_SRB_STATUS_INVALID_REQUEST);
		return 0;
	}
	execute_srb(sc, r);
	return 0;
}

static int stor_packet(struct vsp_channel *ch, const struct vsp_packet *pkt)
{
	struct stor_chan *sc = vsp_priv(ch);
	struct hvp_vstor_packet in = { 0 };

	if (!sc)
		return -EPIPE;
	if (pkt->type != HVP_PKT_DATA_INBAND &&
	    pkt->type != HVP_PKT_DATA_USING_GPA_DIRECT)
		return -EOPNOTSUPP;
	if (!(pkt->flags & HVP_PKT_FLAG_COMPLETION_REQUESTED))
		return -EINVAL;
	/* Room for the answer first, so no request is acted on twice. */
	if (vsp_send_avail(ch) < sizeof(in) || sc->txq)
		return -EAGAIN;
	memcpy(&in, pkt->data,
	       pkt->data_len < sizeof(in) ? pkt->data_len : sizeof(in));
	if (pkt->data_len < sizeof(in)) {
		in.operation = 0;	/* answered as an unknown operation */
		return control_packet(sc, pkt, &in);
	}
	if (in.operation == HVP_VSTOR_OP_EXECUTE_SRB)
		return srb_packet(sc, pkt, &in);
	if (pkt->type != HVP_PKT_DATA_INBAND)
		return -EINVAL;
	return control_packet(sc, pkt, &in);
}

/* Answers */

static void build_answer(struct stor_req *r)
{
	struct hvp_vmscsi_request *srb = &r->pkt.srb;
	struct scsi_cmd *cmd = &r->cmd;
	uint8_t status = srb->srb_status;

	r->pkt.operation = HVP_VSTOR_OP_COMPLETE_IO;
	r->pkt.flags = 0;
	r->pkt.status = 0;
	memset(srb->sense_data, 0, sizeof(srb->sense_data));
	srb->sense_info_length = 0;
	srb->scsi_status = cmd->status;
	srb->data_transfer_length = r->moved;
	if (status) {		/* fail_srb() set it */
		srb->scsi_status = SAM_GOOD;
		return;
	}
	if (cmd->status == SAM_CHECK_CONDITION) {
		srb->srb_status = HVP_SRB_STATUS_ERROR |
				  HVP_SRB_STATUS_AUTOSENSE_VALID;
		memcpy(srb->sense_data, cmd->sense, cmd->sense_len);
		srb->sense_info_length = cmd->sense_len;
		srb->data_transfer_length = 0;
	} else {
		srb->srb_status = HVP_SRB_STATUS_SUCCESS;
	}
}

static void account(struct stor_req *r)
{
	struct stor_lun *l = r->lun;
	bool failed = r->pkt.srb.srb_status != HVP_SRB_STATUS_SUCCESS;

	if (failed)
		r->sc->c->errors++;
	if (!l)
		return;
	l->errors += failed;
	if (failed)
		return;
	switch (r->cmd.action) {
	case SCSI_READ:
		l->reads++;
		l->read_bytes += r->moved;
		break;
	case SCSI_WRITE:
		l->writes++;
		l->write_bytes += r->moved;
		l->fua_writes += r->cmd.fua;
		break;
	case SCSI_FLUSH:
		l->flushes++;
		break;
	case SCSI_UNMAP:
		l->unmaps++;
		break;
	case SCSI_WS_UNMAP:
		l->write_sames++;
		break;
	case SCSI_DONE:
		break;
	}
}

static void apply_inject(struct stor_ctrl *c, struct stor_req *r)
{
	struct hvp_vstor_packet *b = &r->bad;

	*b = r->pkt;
	r->bad_len = sizeof(*b);
	switch (c->inject) {
	case INJ_SHORT:
		r->bad_len = sizeof(*b) / 2;
		break;
	case INJ_BAD_OPERATION:
		b->operation = 0x7f;
		break;
	case INJ_HUGE_LENGTH:
		b->srb.data_transfer_length = 0xffffffff;
		break;
	case INJ_SENSE_LENGTH:
		b->srb.scsi_status = SAM_CHECK_CONDITION;
		b->srb.srb_status = HVP_SRB_STATUS_ERROR |
				    HVP_SRB_STATUS_AUTOSENSE_VALID;
		b->srb.sense_info_length = 255;
		break;
	case INJ_BAD_STATUS:
		b->srb.srb_status = 0x3f;
		break;
	case INJ_NONE:
		return;
	}
	r->send_bad = true;
	r->send_good = c->inject_follow;
	c->inject = INJ_NONE;
}

void stor_complete(struct stor_req *r)
{
	struct stor_chan *sc = r->sc;
	struct stor_ctrl *c = sc->c;
	struct storvsp *sv = c->sv;

	if (r->lun && (r->err == -ENODEV ||
		       __atomic_load_n(&r->lun->removed, __ATOMIC_ACQUIRE))) {
		r->pkt.srb.srb_status = HVP_SRB_STATUS_INVALID_LUN;
		r->moved = 0;
	} else if (r->err == -ECANCELED) {
		r->pkt.srb.srb_status = HVP_SRB_STATUS_ABORTED;
		r->moved = 0;
	} else if (r->err) {
		scsi_set_medium_error(&r->cmd, r->cmd.action != SCSI_READ,
				      r->cmd.lba);
		r->moved = 0;
	}
	build_answer(r);
	account(r);
	if (sv->drop_next) {
		sv->drop_next--;
		c->dropped++;
		sc->inflight--;
		stor_req_free(r);
		return;
	}
	r->send_good = true;
	apply_inject(c, r);
	r->next = NULL;
	if (sc->txq_tail)
		sc->txq_tail->next = r;
	else
		sc->txq = r;
	sc->txq_tail = r;
	stor_flush_txq(sc);
}

void stor_flush_txq(struct stor_chan *sc)
{
	struct stor_req *r;
	int err;

	while ((r = sc->txq)) {
		if (r->send_bad) {
			err = vsp_send_comp(sc->ch, r->trans_id, &r->bad,
					    r->bad_len);
			if (err == -EAGAIN)
				return;
			r->send_bad = false;
		}
		if (r->send_good) {
			err = vsp_send_comp(sc->ch, r->trans_id, &r->pkt,
					    sizeof(r->pkt));
			if (err == -EAGAIN)
				return;
			r->send_good = false;
		}
		sc->txq = r->next;
		if (!sc->txq)
			sc->txq_tail = NULL;
		sc->inflight--;
		stor_req_free(r);
	}
}

void storvsp_process(struct storvsp *sv)
{
	struct stor_req *r, *next;
	uint64_t v;

	if (read(sv->efd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		hv_trace("storvsp: eventfd: %s", strerror(errno));
	pthread_mutex_lock(&sv->done_lock);
	r = sv->done;
	sv->done = sv->done_tail = NULL;
	pthread_mutex_unlock(&sv->done_lock);
	for (; r; r = next) {
		next = r->next;
		stor_complete(r);
	}
}

bool stor_notify(struct stor_ctrl *c, uint32_t op, unsigned int lun)
{
	struct hvp_vstor_packet p = { .operation = op };
	struct stor_chan *sc = c->chans[0];

	if (!sc || c->state != STOR_READY)
		return false;
	p.srb.length = sizeof(p.srb);
	p.srb.lun = (uint8_t)lun;
	return !vsp_send_inband(sc->ch, 0, false, &p, sizeof(p));
}

/* Channels */

/*
 * A channel's slot in c->subs[] and c->chans[]: 0 for the primary, 1..N
 * for a sub-channel of this session, -1 for none. The VMBus sub-channel
 * index grows with every offer and is no slot: after a re-open the new
 * sub-channels have new indices but the slots 1..N again.
 */
static int chan_slot(const struct stor_ctrl *c, const struct vsp_channel *ch)
{
	int i;

	if (!vsp_subchannel_index(ch))
		return 0;
	for (i = 1; i <= STOR_MAX_SUBCHANNELS; i++)
		if (c->subs[i] == ch)
			return i;
	return -1;
}

static int stor_open(struct vsp_channel *ch, const uint8_t *user_data,
		     uint32_t len)
{
	struct stor_ctrl *c = vsp_device(ch);
	struct stor_chan *sc;
	unsigned int i;
	int err, index;

	(void)user_data, (void)len;
	if (!c || c->removed)
		return -ENODEV;
	index = chan_slot(c, ch);
	if (index < 0)
		return -ENODEV;
	sc = calloc(1, sizeof(*sc));
	if (!sc)
		return -ENOMEM;
	sc->c = c;
	sc->ch = ch;
	sc->index = (uint16_t)index;
	err = stor_worker_start(sc);
	if (err) {
		free(sc);
		return err;
	}
	if (!index) {
		c->state = STOR_NEW;
		c->version = 0;
		c->subs_requested = false;
		/* A new session: the last one's subchannels go. */
		for (i = 1; i <= STOR_MAX_SUBCHANNELS; i++)
			if (c->subs[i] && !c->chans[i])
				vsp_rescind(c->subs[i]);
	}
	c->chans[index] = sc;
	vsp_set_priv(ch, sc);
	return 0;
}

static void stor_close(struct vsp_channel *ch)
{
	struct stor_chan *sc = vsp_priv(ch);
	struct storvsp *sv;
	struct stor_req *r, *next, **pp;

	if (!sc)
		return;
	sv = sc->c->sv;
	for (r = stor_worker_stop(sc); r; r = next) {
		next = r->next;
		stor_req_free(r);
	}
	/* What the worker finished but the loop has not answered. */
	pthread_mutex_lock(&sv->done_lock);
	sv->done_tail = NULL;
	for (pp = &sv->done; (r = *pp);) {
		if (r->sc == sc) {
			*pp = r->next;
			stor_req_free(r);
		} else {
			sv->done_tail = r;
			pp = &r->next;
		}
	}
	pthread_mutex_unlock(&sv->done_lock);
	for (r = sc->txq; r; r = next) {
		next = r->next;
		stor_req_free(r);
	}
	sc->c->chans[sc->index] = NULL;
	if (!sc->index)
		sc->c->state = STOR_NEW;
	free(sc);
	vsp_set_priv(ch, NULL);
}

static void stor_rescind(struct vsp_channel *ch)
{
	struct stor_ctrl *c = vsp_device(ch);
	int index;

	if (!c)
		return;
	index = chan_slot(c, ch);
	if (!index) {
		c->primary = NULL;
		c->removed = true;
	} else if (index > 0) {
		c->subs[index] = NULL;
	}
}

static void stor_tx_ready(struct vsp_channel *ch)
{
	struct stor_chan *sc = vsp_priv(ch);

	if (sc)
		stor_flush_txq(sc);
}

const struct vsp_ops storvsp_ops = {
	.name = "storvsp",
	.class_id = HVP_GUID_SCSI,
	.open = stor_open,
	.packet = stor_packet,
	.tx_ready = stor_tx_ready,
	.close = stor_close,
	.rescind = stor_rescind,
};

/* An IDE channel's instance GUID names its target, as on Hyper-V. */
static void stor_ide_offer(struct vsp_channel *ch,
			   struct hvp_vmbus_offer *offer)
{
	const struct stor_ctrl *c = vsp_device(ch);

	offer->if_instance.b[4] = c ? c->ide_target : 0;
	offer->if_instance.b[5] = 0;
}

const struct vsp_ops storvsp_ide_ops = {
	.name = "storvsp-ide",
	.class_id = HVP_GUID_IDE,
	.offer = stor_ide_offer,
	.open = stor_open,
	.packet = stor_packet,
	.tx_ready = stor_tx_ready,
	.close = stor_close,
	.rescind = stor_rescind,
};

/* Controllers and the public face */

static int add_controller(struct storvsp *sv, unsigned int id, bool ide,
			  uint8_t ide_target)
{
	struct stor_ctrl *c;
	int err;

	if (id >= STOR_MAX_CONTROLLERS)
		return -EINVAL;
	if (sv->ctrls[id] && !sv->ctrls[id]->removed)
		return -EEXIST;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->sv = sv;
	c->id = id;
	c->ide = ide;
	c->ide_target = ide_target;
	err = vmbus_add_device_dev(sv->srv, ide ? &storvsp_ide_ops :
				   &storvsp_ops, c, &c->primary);
	if (err) {
		free(c);
		return err;
	}
	/* A removed controller's state lives on until hvhost exits. */
	c->next_old = sv->ctrls[id];
	sv->ctrls[id] = c;
	return 0;
}

int storvsp_add_controller(struct storvsp *sv, unsigned int id)
{
	return add_controller(sv, id, false, 0);
}

int storvsp_add_ide_controller(struct storvsp *sv, unsigned int id,
			       uint8_t target)
{
	if (target > STOR_IDE_MAX_TARGET)
		return -EINVAL;
	return add_controller(sv, id, true, target);
}

const char *storvsp_add_disk(struct storvsp *sv,
			     const struct stor_disk_spec *spec,
			     unsigned int *lun)
{
	struct stor_disk_spec s = *spec;
	struct stor_ctrl *c;
	struct stor_lun *l;
	const char *err;
	int i;

	if (s.controller < 0 || s.controller >= STOR_MAX_CONTROLLERS)
		return "bad controller";
	c = sv->ctrls[s.controller];
	if (!c || c->removed) {
		if (add_controller(sv, (unsigned int)s.controller, s.ide,
				   s.ide_target))
			return "cannot add the controller";
		c = sv->ctrls[s.controller];
	}
	if (c->ide != s.ide || (c->ide && c->ide_target != s.ide_target))
		return "the controller is of another class or IDE target";
	if (c->ide && s.lun < 0)
		s.lun = 0;
	if (c->ide && s.lun)
		return "an IDE controller has lun 0 only";
	for (i = 0; s.lun < 0 && i < STOR_MAX_LUNS; i++)
		if (!c->luns[i])
			s.lun = i;
	if (s.lun < 0 || s.lun >= STOR_MAX_LUNS)
		return "no free lun";
	if (c->luns[s.lun])
		return "lun in use";
	err = stor_lun_open(&s, sv->max_xfer, &l);
	if (err)
		return err;
	c->luns[s.lun] = l;
	*lun = (unsigned int)s.lun;
	return NULL;
}

struct storvsp *storvsp_create(struct vmbus_server *srv)
{
	struct storvsp *sv = calloc(1, sizeof(*sv));

	if (!sv)
		return NULL;
	sv->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (sv->efd < 0) {
		free(sv);
		return NULL;
	}
	sv->srv = srv;
	sv->max_version = HVP_VSTOR_VERSION_WIN10;
	sv->max_channels = 4;
	sv->max_xfer = STOR_DEFAULT_MAX_XFER;
	pthread_mutex_init(&sv->done_lock, NULL);
	return sv;
}

static void free_ctrl(struct stor_ctrl *c)
{
	unsigned int i;

	for (i = 0; i < STOR_MAX_LUNS; i++)
		stor_lun_put(c->luns[i]);
	free(c);
}

/* After vmbus_server_destroy(): every channel is closed by then. */
void storvsp_destroy(struct storvsp *sv)
{
	struct stor_ctrl *c, *next;
	unsigned int i;

	if (!sv)
		return;
	for (i = 0; i < STOR_MAX_CONTROLLERS; i++) {
		for (c = sv->ctrls[i]; c; c = next) {
			next = c->next_old;
			free_ctrl(c);
		}
	}
	pthread_mutex_destroy(&sv->done_lock);
	close(sv->efd);
	free(sv);
}

int storvsp_fd(const struct storvsp *sv)
{
	return sv->efd;
}

/* Malformed answers for the guest's validation (README: inject cases) */

static const char *const armed_cases[] = {
	[INJ_SHORT] = "short",
	[INJ_BAD_OPERATION] = "bad-operation",
	[INJ_HUGE_LENGTH] = "huge-length",
	[INJ_SENSE_LENGTH] = "sense-length",
	[INJ_BAD_STATUS] = "bad-status",
};

bool stor_inject_parse(const char *name, enum stor_inject *inj)
{
	unsigned int i;

	for (i = 1; i < ARRAY_SIZE(armed_cases); i++) {
		if (!strcmp(name, armed_cases[i])) {
			*inj = (enum stor_inject)i;
			return true;
		}
	}
	return false;
}

const char *stor_inject_now(struct stor_ctrl *c, const char *name)
{
	struct hvp_vstor_packet p = { .operation = HVP_VSTOR_OP_COMPLETE_IO };
	struct stor_chan *sc = c->chans[0];
	int err;

	if (!sc)
		return "controller not open";
	p.srb.srb_status = HVP_SRB_STATUS_SUCCESS;
	if (!strcmp(name, "unknown-trans-id"))
		err = vsp_send_comp(sc->ch, 0xfeedfacecafe0000ull, &p,
				    sizeof(p));
	else if (!strcmp(name, "unsolicited-complete"))
		err = vsp_send_inband(sc->ch, 0, false, &p, sizeof(p));
	else if (!strcmp(name, "short-unsolicited"))
		err = vsp_send_inband(sc->ch, 0, false, &p, 2);
	else
		return "unknown case (short bad-operation huge-length "
		       "sense-length bad-status unknown-trans-id "
		       "unsolicited-complete short-unsolicited)";
	return err ? "the ring is full" : NULL;
}
