// SPDX-License-Identifier: GPL-2.0
/*
 * The data path: EXECUTE_SRB with the data as one GPA-direct range, the
 * completion checked and mapped to a SCSI result, bus reset, rescans.
 */
#include <linux/blk-mq.h>
#include <linux/scatterlist.h>
#include <scsi/scsi.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_device.h>
#include <scsi/scsi_eh.h>
#include <scsi/scsi_host.h>
#include <scsi/scsi_tcq.h>
#include <hvg/vmbus.h>
#include "storvsc.h"

#define HV_PAGE		4096U
#define HV_SHIFT	12

static struct device *hdev(const struct hsc_chan *c)
{
	return &c->host->vdev->dev;
}

static void build_srb(struct hsc_host *h, struct scsi_cmnd *sc,
		      struct hvp_vstor_packet *pkt)
{
	struct hvp_vmscsi_request *srb = &pkt->srb;
	u32 flags = HVP_SRB_FLAGS_DISABLE_SYNCH_TRANSFER;

	memset(pkt, 0, sizeof(*pkt));
	pkt->operation = cpu_to_le32(HVP_VSTOR_OP_EXECUTE_SRB);
	pkt->flags = cpu_to_le32(HVP_VSTOR_FLAG_REQUEST_COMPLETION);
	srb->length = cpu_to_le16(sizeof(*srb));
	srb->port_number = h->shost->host_no;
	srb->path_id = sc->device->channel;	/* IDE: always 0, as upstream */
	srb->target_id = sc->device->id;
	srb->lun = sc->device->lun;
	srb->cdb_length = sc->cmd_len;
	memcpy(srb->cdb, sc->cmnd, sc->cmd_len);
	srb->sense_info_length = HVP_VSTOR_SENSE_SIZE;
	srb->data_transfer_length = cpu_to_le32(scsi_bufflen(sc));
	srb->time_out_value = cpu_to_le32(scsi_cmd_to_rq(sc)->timeout / HZ);
	switch (sc->sc_data_direction) {
	case DMA_TO_DEVICE:
		srb->data_in = HVP_SRB_DATA_WRITE;
		flags |= HVP_SRB_FLAGS_DATA_OUT;
		break;
	case DMA_FROM_DEVICE:
		srb->data_in = HVP_SRB_DATA_READ;
		flags |= HVP_SRB_FLAGS_DATA_IN;
		break;
	default:
		srb->data_in = HVP_SRB_DATA_UNKNOWN;
		break;
	}
	srb->queue_tag = HVP_VSTOR_SRB_QUEUE_TAG_NONE;
	if (sc->device->tagged_supported) {
		flags |= HVP_SRB_FLAGS_QUEUE_ACTION_ENABLE |
			 HVP_SRB_FLAGS_NO_QUEUE_FREEZE;
		srb->queue_action = HVP_VSTOR_SRB_SIMPLE_TAG;
	}
	srb->srb_flags = cpu_to_le32(flags);
}

/*
 * The mapped scatterlist as one multi-page range. virt_boundary_mask
 * guarantees that only the first segment starts inside a page and only the
 * last ends inside one, so the data is a run of whole pages.
 */
static int build_range(struct hsc_cmd *cmd, struct scsi_cmnd *sc, int nseg,
		       struct hvg_gpa_range *r)
{
	struct scatterlist *sg;
	u32 total = 0, n = 0;
	int i;

	for_each_sg(scsi_sglist(sc), sg, nseg, i) {
		dma_addr_t a = sg_dma_address(sg);
		u32 len = sg_dma_len(sg);
		u64 pfn, last;

		if (!len || (i && (a & (HV_PAGE - 1))) ||
		    (i < nseg - 1 && ((a + len) & (HV_PAGE - 1))))
			return -EINVAL;
		if (!i)
			r->offset = a & (HV_PAGE - 1);
		last = (a + len - 1) >> HV_SHIFT;
		for (pfn = a >> HV_SHIFT; pfn <= last; pfn++) {
			if (n == HSC_MAX_PFNS)
				return -EINVAL;
			cmd->pfns[n++] = pfn;
		}
		total += len;
	}
	if (total != scsi_bufflen(sc))
		return -EINVAL;
	r->len = total;
	r->pfn_count = n;
	r->pfns = cmd->pfns;
	return 0;
}

static int send_cmd(struct hsc_chan *c, struct hsc_cmd *cmd,
		    struct scsi_cmnd *sc)
{
	struct hvg_gpa_range r = {};
	int nseg, ret;

	nseg = scsi_dma_map(sc);
	if (nseg < 0)
		return -EAGAIN;
	if (nseg) {
		ret = build_range(cmd, sc, nseg, &r);
		if (ret) {
			dev_warn_ratelimited(hdev(c), "scatterlist not page-expressible (%d segments, %u bytes)\n",
					     nseg, scsi_bufflen(sc));
			goto err;
		}
	}
	atomic_set(&cmd->inflight, 1);
	if (nseg)
		ret = hvg_channel_send_gpa(c->ch, &r, 1, &cmd->pkt,
					   sizeof(cmd->pkt), &cmd->kind);
	else
		ret = hvg_channel_send(c->ch, &cmd->pkt, sizeof(cmd->pkt),
				       &cmd->kind);
	if (!ret)
		return 0;
	atomic_set(&cmd->inflight, 0);
err:
	scsi_dma_unmap(sc);
	return ret;
}

static int hsc_queuecommand(struct Scsi_Host *shost, struct scsi_cmnd *sc)
{
	struct hsc_host *h = shost_priv(shost);
	struct hsc_cmd *cmd = scsi_cmd_priv(sc);
	u16 q = blk_mq_unique_tag_to_hwq(blk_mq_unique_tag(scsi_cmd_to_rq(sc)));
	struct hsc_chan *c;
	int ret;

	if (READ_ONCE(h->removing) || q >= h->nchan) {
		sc->result = DID_NO_CONNECT << 16;
		scsi_done(sc);
		return 0;
	}
	c = h->chans[q];
	cmd->kind = HSC_RQST_CMD;
	cmd->sc = sc;
	cmd->chan = c;
	build_srb(h, sc, &cmd->pkt);
	ret = send_cmd(c, cmd, sc);
	if (!ret) {
		atomic64_inc(&c->stats.submitted);
		return 0;
	}
	if (ret == -EAGAIN || ret == -EBUSY) {
		atomic64_inc(&c->stats.busy);
		return SCSI_MLQUEUE_HOST_BUSY;
	}
	sc->result = (ret == -EINVAL || ret == -EMSGSIZE ? DID_ERROR :
		      DID_NO_CONNECT) << 16;
	scsi_done(sc);
	return 0;
}

static void copy_sense(struct scsi_cmnd *sc,
		       const struct hvp_vmscsi_request *srb)
{
	u32 len = min_t(u32, srb->sense_info_length, HVP_VSTOR_SENSE_SIZE);

	BUILD_BUG_ON(HVP_VSTOR_SENSE_SIZE > SCSI_SENSE_BUFFERSIZE);
	memcpy(sc->sense_buffer, srb->sense_data, len);
}

/* The LUN is gone: drop it, unless it is still being probed. */
static void lun_gone(struct hsc_chan *c, struct scsi_cmnd *sc)
{
	if (sc->device->sdev_state != SDEV_RUNNING ||
	    READ_ONCE(c->host->dying))
		return;
	dev_warn_ratelimited(hdev(c), "LUN %d:%d:%llu gone\n",
			     sc->device->channel, sc->device->id,
			     sc->device->lun);
	queue_work(system_long_wq, &c->host->scan_work);
}

/* An error SRB: the SCSI status when it means something, else @fallback. */
static int error_result(u8 status, bool sense, int fallback)
{
	if (status == SAM_STAT_GOOD ||
	    (status == SAM_STAT_CHECK_CONDITION && !sense))
		return fallback;
	return status;
}

/* A SAM status the midlayer acts on (anything else would send it to EH). */
static bool sam_status_ok(u8 status)
{
	switch (status) {
	case SAM_STAT_GOOD:
	case SAM_STAT_CHECK_CONDITION:
	case SAM_STAT_CONDITION_MET:
	case SAM_STAT_BUSY:
	case SAM_STAT_RESERVATION_CONFLICT:
	case SAM_STAT_TASK_SET_FULL:
	case SAM_STAT_ACA_ACTIVE:
	case SAM_STAT_TASK_ABORTED:
		return true;
	}
	return false;
}

/* The SCSI result of a completed SRB; -1 if it is malformed (counted bad). */
static int srb_result(struct hsc_chan *c, struct scsi_cmnd *sc,
		      const struct hvp_vmscsi_request *srb)
{
	u8 st = srb->srb_status & HVP_SRB_STATUS_MASK;
	u8 status = srb->scsi_status;
	bool sense = (srb->srb_status & HVP_SRB_STATUS_AUTOSENSE_VALID) &&
		     status == SAM_STAT_CHECK_CONDITION;

	if (!sam_status_ok(status)) {
		dev_warn_ratelimited(hdev(c), "SCSI status %#x (SRB status %#x)\n",
				     status, srb->srb_status);
		return -1;
	}
	if (sense && srb->sense_info_length > HVP_VSTOR_SENSE_SIZE) {
		dev_warn_ratelimited(hdev(c), "sense length %u\n",
				     srb->sense_info_length);
		return -1;
	}
	if (sense)
		copy_sense(sc, srb);
	switch (st) {
	case HVP_SRB_STATUS_SUCCESS:
	case HVP_SRB_STATUS_DATA_OVERRUN:	/* a short transfer: resid */
		/* CHECK CONDITION without sense: nothing to act on */
		if (status == SAM_STAT_CHECK_CONDITION && !sense)
			return DID_ERROR << 16;
		return status;
	case HVP_SRB_STATUS_ERROR:
	case HVP_SRB_STATUS_ABORTED:
	case HVP_SRB_STATUS_INVALID_REQUEST:
		return error_result(status, sense, DID_ERROR << 16);
	case HVP_SRB_STATUS_INVALID_LUN:
		lun_gone(c, sc);
		return DID_NO_CONNECT << 16;
	case HVP_SRB_STATUS_INTERNAL_ERROR:
		/*
		 * The host ran out of resources and did nothing: never a
		 * success (upstream 6.1 took it for one). BUSY makes the
		 * midlayer retry it later.
		 */
		atomic64_inc(&c->stats.retried);
		dev_warn_ratelimited(hdev(c), "host out of resources (SRB status %#x): retrying\n",
				     srb->srb_status);
		return error_result(status, sense, SAM_STAT_BUSY);
	default:
		dev_warn_ratelimited(hdev(c), "unknown SRB status %#x\n",
				     srb->srb_status);
		return -1;
	}
}

static int comp_result(struct hsc_chan *c, struct scsi_cmnd *sc,
		       const struct hvp_vstor_packet *pkt, u32 len)
{
	u32 op, xfer;

	if (len < sizeof(*pkt)) {
		dev_warn_ratelimited(hdev(c), "completion of %u bytes\n", len);
		return -1;
	}
	op = le32_to_cpu(pkt->operation);
	if (op != HVP_VSTOR_OP_COMPLETE_IO) {
		dev_warn_ratelimited(hdev(c), "completion with operation %u\n",
				     op);
		return -1;
	}
	xfer = le32_to_cpu(pkt->srb.data_transfer_length);
	if (xfer > scsi_bufflen(sc)) {
		dev_warn_ratelimited(hdev(c), "completion moved %u bytes of %u\n",
				     xfer, scsi_bufflen(sc));
		return -1;
	}
	scsi_set_resid(sc, scsi_bufflen(sc) - xfer);
	return srb_result(c, sc, &pkt->srb);
}

/**
 * hsc_on_srb_comp() - the host completed a command
 * @c: the channel it was sent on
 * @cmd: the command, from the completion's request id
 * @pkt: the completion's payload (unaligned, untrusted)
 * @len: its length
 *
 * The channel's callback.
 */
void hsc_on_srb_comp(struct hsc_chan *c, struct hsc_cmd *cmd,
		     const struct hvp_vstor_packet *pkt, u32 len)
{
	struct scsi_cmnd *sc = cmd->sc;
	struct hvp_vstor_packet copy;
	int result;

	if (!atomic_xchg(&cmd->inflight, 0))
		return;
	memcpy(&copy, pkt, min_t(u32, len, sizeof(copy)));
	result = comp_result(c, sc, &copy, len);
	if (result < 0) {
		atomic64_inc(&c->stats.bad);
		result = DID_ERROR << 16;
	}
	sc->result = result;
	if (result)
		atomic64_inc(&c->stats.errors);
	atomic64_inc(&c->stats.completed);
	scsi_dma_unmap(sc);
	scsi_done(sc);
}

/* Take a command back from the host: no completion will reach it. */
static bool take_back(struct hsc_cmd *cmd, bool cancel)
{
	if (!atomic_xchg(&cmd->inflight, 0))
		return false;
	if (cancel)
		hvg_channel_cancel_rqst(cmd->chan->ch, &cmd->kind);
	scsi_dma_unmap(cmd->sc);
	return true;
}

static bool fail_one(struct scsi_cmnd *sc, void *cancel)
{
	if (take_back(scsi_cmd_priv(sc), *(bool *)cancel)) {
		sc->result = DID_NO_CONNECT << 16;
		scsi_done(sc);
	}
	return true;
}

/**
 * hsc_fail_inflight() - fail every command the host holds
 * @h: the controller
 * @cancel: the channels are open: cancel the request ids too
 *
 * Process context, teardown: the host will not complete them.
 */
void hsc_fail_inflight(struct hsc_host *h, bool cancel)
{
	scsi_host_busy_iter(h->shost, fail_one, &cancel);
}

static bool reclaim_one(struct scsi_cmnd *sc, void *unused)
{
	take_back(scsi_cmd_priv(sc), true);
	return true;
}

/*
 * Error handling reaches here when commands timed out (no abort exists in
 * the protocol): RESET_BUS, then every outstanding command is the
 * midlayer's again, and a completion the host may still send for one is
 * rejected by its cancelled request id.
 */
static int hsc_host_reset(struct scsi_cmnd *sc)
{
	struct hsc_host *h = shost_priv(sc->device->host);
	int ret;

	if (READ_ONCE(h->removing))
		return FAILED;
	ret = hsc_ctl_request(h, HVP_VSTOR_OP_RESET_BUS, 0, NULL);
	dev_warn_ratelimited(&h->vdev->dev, "bus reset: %d\n", ret);
	if (ret)
		return FAILED;
	scsi_host_busy_iter(h->shost, reclaim_one, NULL);
	return SUCCESS;
}

static bool lun_absent(struct scsi_device *sdev)
{
	struct scsi_sense_hdr sshdr;
	int ret = scsi_test_unit_ready(sdev, 10 * HZ, 1, &sshdr);

	return ret > 0 && host_byte(ret) == DID_NO_CONNECT;
}

/**
 * hsc_scan_work() - the host changed the bus: drop gone LUNs, scan
 * @work: hsc_host.scan_work
 */
void hsc_scan_work(struct work_struct *work)
{
	struct hsc_host *h = container_of(work, struct hsc_host, scan_work);
	struct scsi_device *sdev;

	shost_for_each_device(sdev, h->shost) {
		if (lun_absent(sdev))
			scsi_remove_device(sdev);
	}
	if (!h->ide)
		scsi_scan_host(h->shost);
}

/*
 * CPUs to hardware queues: round robin, then each channel's CPU to that
 * channel's queue, so a queue's CPU list holds the CPU its completions
 * arrive on (vstor.c gives channel i the i-th online CPU: distinct while
 * there are no more channels than CPUs, as hsc_negotiate() caps them). A
 * channel moved later (channels/<relid>/cpu) keeps working, off its map.
 */
static void hsc_map_queues(struct Scsi_Host *shost)
{
	struct blk_mq_queue_map *qmap = &shost->tag_set.map[HCTX_TYPE_DEFAULT];
	struct hsc_host *h = shost_priv(shost);
	unsigned int cpu, i = 0;

	for_each_possible_cpu(cpu)
		qmap->mq_map[cpu] = qmap->queue_offset + i++ % qmap->nr_queues;
	for (i = 0; i < min(qmap->nr_queues, h->nchan); i++) {
		cpu = hvg_channel_cpu(h->chans[i]->ch);
		if (cpu < nr_cpu_ids)
			qmap->mq_map[cpu] = qmap->queue_offset + i;
	}
}

static int hsc_slave_configure(struct scsi_device *sdev)
{
	sdev->no_report_opcodes = 1;
	sdev->no_write_same = 1;
	sdev->try_vpd_pages = 1;
	return 0;
}

struct scsi_host_template hsc_template = {
	.module = THIS_MODULE,
	.name = "hvg_storvsc",
	.proc_name = "hvg_storvsc",
	.queuecommand = hsc_queuecommand,
	.map_queues = hsc_map_queues,
	.eh_host_reset_handler = hsc_host_reset,
	.slave_configure = hsc_slave_configure,
	.change_queue_depth = scsi_change_queue_depth,
	.cmd_size = sizeof(struct hsc_cmd),
	.this_id = -1,
	.can_queue = HSC_QUEUE_DEPTH,
	.cmd_per_lun = HSC_QUEUE_DEPTH,
	.sg_tablesize = HSC_MAX_PFNS,
	.max_sectors = HSC_MAX_XFER >> SECTOR_SHIFT,
	.virt_boundary_mask = HV_PAGE - 1,
	.track_queue_depth = 1,
	.no_write_same = 1,
};
