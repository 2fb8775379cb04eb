// SPDX-License-Identifier: GPL-2.0
/*
 * SCSI command emulation for StorVSP's disks (SBC-3/SPC-4 subset that a
 * Linux guest issues): CDB in, an action or an answer (status, fixed-format
 * sense, data-in bytes) out. No I/O and no state beyond the disk's
 * description, so every command is unit-testable without VMBus.
 */
#include <string.h>

#include "vsp/storvsp.h"

enum {
	TEST_UNIT_READY = 0x00,
	REQUEST_SENSE = 0x03,
	READ_6 = 0x08,
	WRITE_6 = 0x0a,
	INQUIRY = 0x12,
	MODE_SENSE_6 = 0x1a,
	START_STOP_UNIT = 0x1b,
	READ_CAPACITY_10 = 0x25,
	READ_10 = 0x28,
	WRITE_10 = 0x2a,
	SYNCHRONIZE_CACHE_10 = 0x35,
	UNMAP = 0x42,
	MODE_SENSE_10 = 0x5a,
	READ_16 = 0x88,
	WRITE_16 = 0x8a,
	SYNCHRONIZE_CACHE_16 = 0x91,
	WRITE_SAME_16 = 0x93,
	SERVICE_ACTION_IN_16 = 0x9e,
	REPORT_LUNS = 0xa0,
};

#define SAI_READ_CAPACITY_16	0x10
#define ASC_INVALID_OPCODE	0x20
#define ASC_LBA_OUT_OF_RANGE	0x21
#define ASC_INVALID_FIELD	0x24
#define ASC_WRITE_PROTECTED	0x27
#define ASC_SAVING_UNSUPPORTED	0x39
#define ASC_UNRECOVERED_READ	0x11
#define ASC_WRITE_ERROR		0x0c
#define MAX_UNMAP_BLOCKS	0x800000u	/* per descriptor, 4 GiB */
#define MAX_WS_BLOCKS		MAX_UNMAP_BLOCKS
#define OPTIMAL_GRANULARITY	8u		/* 4 KiB */

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, (uint16_t)v);
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, v >> 32);
	put32(p + 4, (uint32_t)v);
}

void scsi_set_sense(struct scsi_cmd *c, uint8_t key, uint8_t asc,
		    uint8_t ascq)
{
	c->action = SCSI_DONE;
	c->status = SAM_CHECK_CONDITION;
	c->data_len = 0;
	memset(c->sense, 0, sizeof(c->sense));
	c->sense[0] = 0x70;		/* current error, fixed format */
	c->sense[2] = key;
	c->sense[7] = SCSI_SENSE_LEN - 8;
	c->sense[12] = asc;
	c->sense[13] = ascq;
	c->sense_len = SCSI_SENSE_LEN;
}

static void invalid_field(struct scsi_cmd *c)
{
	scsi_set_sense(c, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD, 0);
}

void scsi_set_medium_error(struct scsi_cmd *c, bool write, uint64_t lba)
{
	scsi_set_sense(c, SENSE_MEDIUM_ERROR,
		       write ? ASC_WRITE_ERROR : ASC_UNRECOVERED_READ, 0);
	/* The information field holds the first bad LBA, if it fits. */
	if (lba <= UINT32_MAX) {
		c->sense[0] |= 0x80;
		put32(c->sense + 3, (uint32_t)lba);
	}
}

/* Answers with @len bytes built in data[], cut to @alloc and @xfer. */
static void reply(struct scsi_cmd *c, uint32_t len, uint32_t alloc,
		  uint32_t xfer)
{
	c->action = SCSI_DONE;
	c->status = SAM_GOOD;
	c->sense_len = 0;
	if (len > alloc)
		len = alloc;
	c->data_len = len < xfer ? len : xfer;
}

static void pad(char *dst, const char *src, size_t n)
{
	size_t l = strlen(src);

	memset(dst, ' ', n);
	memcpy(dst, src, l < n ? l : n);
}

static uint32_t vpd_supported(uint8_t *b)
{
	static const uint8_t pages[] = { 0x00, 0x80, 0x83, 0xb0, 0xb1, 0xb2 };

	b[3] = sizeof(pages);
	memcpy(b + 4, pages, sizeof(pages));
	return 4 + sizeof(pages);
}

static uint32_t vpd_serial(const struct scsi_disk *d, uint8_t *b)
{
	size_t n = strlen(d->serial);

	b[3] = (uint8_t)n;
	memcpy(b + 4, d->serial, n);
	return 4 + (uint32_t)n;
}

static uint32_t vpd_device_id(const struct scsi_disk *d, uint8_t *b)
{
	uint32_t pos = 4, n = 8 + 16 + (uint32_t)strlen(d->serial);

	/* T10 vendor id: ASCII, LUN association */
	b[pos] = 0x02;
	b[pos + 1] = 0x01;
	b[pos + 3] = (uint8_t)n;
	pad((char *)b + pos + 4, d->vendor, 8);
	pad((char *)b + pos + 12, d->model, 16);
	memcpy(b + pos + 28, d->serial, strlen(d->serial));
	pos += 4 + n;
	/* NAA: binary */
	b[pos] = 0x01;
	b[pos + 1] = 0x03;
	b[pos + 3] = 8;
	put64(b + pos + 4, d->naa);
	pos += 12;
	put16(b + 2, (uint16_t)(pos - 4));
	return pos;
}

static uint32_t vpd_block_limits(const struct scsi_disk *d, uint8_t *b)
{
	put16(b + 2, 0x3c);
	put16(b + 6, OPTIMAL_GRANULARITY);		/* optimal granularity */
	put32(b + 8, d->max_xfer / STOR_BLOCK);	/* maximum transfer */
	put32(b + 12, d->max_xfer / STOR_BLOCK);	/* optimal transfer */
	if (d->unmap && !d->ws16) {
		put32(b + 20, MAX_UNMAP_BLOCKS);
		put32(b + 24, STOR_UNMAP_MAX_DESC);
	}
	if (d->unmap) {
		put32(b + 28, OPTIMAL_GRANULARITY);
		put64(b + 36, MAX_WS_BLOCKS);		/* max WRITE SAME */
	}
	return 0x40;
}

static uint32_t vpd_characteristics(uint8_t *b)
{
	put16(b + 2, 0x3c);
	put16(b + 4, 1);	/* non-rotating medium */
	return 0x40;
}

static uint32_t vpd_provisioning(const struct scsi_disk *d, uint8_t *b)
{
	put16(b + 2, 4);
	/*
	 * ws16: LBPWS without LBPU, so Linux's sd discards with WRITE
	 * SAME(16) UNMAP instead of UNMAP.
	 */
	if (d->unmap) {
		/* LBPU, LBPWS, LBPRZ */
		b[5] = (d->ws16 ? 0 : 0x80) | 0x40 | 0x04;
		b[6] = 0x02;			/* thin provisioned */
	}
	return 8;
}

static void inquiry_vpd(const struct scsi_disk *d, uint8_t page,
			uint32_t alloc, uint32_t xfer, struct scsi_cmd *c)
{
	uint8_t *b = c->data;
	uint32_t len;

	b[1] = page;
	switch (page) {
	case 0x00: len = vpd_supported(b); break;
	case 0x80: len = vpd_serial(d, b); break;
	case 0x83: len = vpd_device_id(d, b); break;
	case 0xb0: len = vpd_block_limits(d, b); break;
	case 0xb1: len = vpd_characteristics(b); break;
	case 0xb2: len = vpd_provisioning(d, b); break;
	default:
		invalid_field(c);
		return;
	}
	reply(c, len, alloc, xfer);
}

static void inquiry(const struct scsi_disk *d, const uint8_t *cdb,
		    uint32_t xfer, struct scsi_cmd *c)
{
	uint32_t alloc = get16(cdb + 3);
	uint8_t *b = c->data;

	if (cdb[1] & 0xfe) {		/* CmdDt and reserved bits */
		invalid_field(c);
		return;
	}
	if (cdb[1] & 1) {
		inquiry_vpd(d, cdb[2], alloc, xfer, c);
		return;
	}
	if (cdb[2]) {
		invalid_field(c);
		return;
	}
	b[0] = 0x00;		/* direct access block device */
	b[2] = 0x06;		/* SPC-4 */
	b[3] = 0x12;		/* HiSup, response data format 2 */
	b[4] = 96 - 5;
	b[7] = 0x02;		/* CmdQue */
	pad((char *)b + 8, d->vendor, 8);
	pad((char *)b + 16, d->model, 16);
	pad((char *)b + 32, "1.0", 4);
	reply(c, 96, alloc, xfer);
}

void scsi_inquiry_no_lun(const uint8_t *cdb, unsigned int cdb_len,
			 struct scsi_cmd *c)
{
	memset(c, 0, sizeof(*c));
	if (cdb_len < 6 || cdb[0] != INQUIRY || (cdb[1] & 0xff)) {
		invalid_field(c);
		return;
	}
	c->data[0] = 0x7f;	/* qualifier 3, type 0x1f: no LUN here */
	c->data[2] = 0x06;
	c->data[3] = 0x12;
	c->data[4] = 36 - 5;
	reply(c, 36, get16(cdb + 3), UINT32_MAX);
}

static void read_capacity(const struct scsi_disk *d, const uint8_t *cdb,
			  bool sixteen, uint32_t xfer, struct scsi_cmd *c)
{
	uint64_t last = d->blocks ? d->blocks - 1 : 0;
	uint8_t *b = c->data;

	if (!sixteen) {
		put32(b, last > UINT32_MAX ? UINT32_MAX : (uint32_t)last);
		put32(b + 4, STOR_BLOCK);
		reply(c, 8, 8, xfer);
		return;
	}
	put64(b, last);
	put32(b + 8, STOR_BLOCK);
	b[13] = 3;		/* 4 KiB physical blocks */
	if (d->unmap)
		b[14] = 0x80 | 0x40;	/* LBPME, LBPRZ */
	reply(c, 32, get32(cdb + 10), xfer);
}

static uint32_t mode_pages(const struct scsi_disk *d, uint8_t page,
			   uint8_t pc, uint8_t *b)
{
	uint32_t n = 0;

	(void)d;
	if (page == 0x08 || page == 0x3f) {
		b[n] = 0x08;
		b[n + 1] = 0x12;
		if (pc != 1)
			b[n + 2] = 0x04;	/* WCE; nothing is changeable */
		n += 20;
	}
	if (page == 0x0a || page == 0x3f) {
		b[n] = 0x0a;
		b[n + 1] = 0x0a;
		n += 12;
	}
	return n;
}

static void mode_sense(const struct scsi_disk *d, const uint8_t *cdb,
		       bool ten, uint32_t xfer, struct scsi_cmd *c)
{
	uint8_t page = cdb[2] & 0x3f, pc = cdb[2] >> 6, sub = cdb[3];
	uint32_t hdr = ten ? 8 : 4, bd = (cdb[1] & 0x08) ? 0 : 8, n;
	uint32_t alloc = ten ? get16(cdb + 7) : cdb[4];
	uint8_t *b = c->data;
	uint32_t blocks = d->blocks > UINT32_MAX ? UINT32_MAX :
			  (uint32_t)d->blocks;

	if (pc == 3) {
		scsi_set_sense(c, SENSE_ILLEGAL_REQUEST,
			       ASC_SAVING_UNSUPPORTED, 0);
		return;
	}
	if ((page != 0x08 && page != 0x0a && page != 0x3f) ||
	    (sub && !(page == 0x3f && sub == 0xff))) {
		invalid_field(c);
		return;
	}
	if (bd) {	/* short LBA block descriptor (SBC-3 6.4.2.2) */
		put32(b + hdr, blocks);
		b[hdr + 6] = STOR_BLOCK >> 8;
	}
	n = hdr + bd + mode_pages(d, page, pc, b + hdr + bd);
	if (ten) {
		put16(b, (uint16_t)(n - 2));
		b[3] = (d->ro ? 0x80 : 0) | (d->fua ? 0x10 : 0);	/* WP, DPOFUA */
		put16(b + 6, (uint16_t)bd);
	} else {
		b[0] = (uint8_t)(n - 1);
		b[2] = (d->ro ? 0x80 : 0) | (d->fua ? 0x10 : 0);
		b[3] = (uint8_t)bd;
	}
	reply(c, n, alloc, xfer);
}

void scsi_report_luns(const uint8_t *cdb, unsigned int cdb_len,
		      const uint16_t *luns, unsigned int nr,
		      struct scsi_cmd *c)
{
	unsigned int i;
	uint32_t alloc;

	memset(c, 0, sizeof(*c));
	if (cdb_len < 12 || cdb[0] != REPORT_LUNS || cdb[2] > 2) {
		invalid_field(c);
		return;
	}
	alloc = get32(cdb + 6);
	if (alloc < 16) {
		invalid_field(c);
		return;
	}
	if (nr > STOR_MAX_LUNS)
		nr = STOR_MAX_LUNS;
	put32(c->data, nr * 8);
	for (i = 0; i < nr; i++)	/* peripheral device addressing */
		c->data[8 + i * 8 + 1] = (uint8_t)luns[i];
	reply(c, 8 + nr * 8, alloc, UINT32_MAX);
}

/* READ/WRITE(6/10/16): the LBA range and the transfer it needs. */
static void rw(const struct scsi_disk *d, const uint8_t *cdb, uint32_t xfer,
	       struct scsi_cmd *c)
{
	bool write = cdb[0] == WRITE_6 || cdb[0] == WRITE_10 ||
		     cdb[0] == WRITE_16;

	switch (cdb[0]) {
	case READ_6:
	case WRITE_6:
		c->lba = (uint64_t)(cdb[1] & 0x1f) << 16 | get16(cdb + 2);
		c->nblocks = cdb[4] ? cdb[4] : 256;
		break;
	case READ_10:
	case WRITE_10:
		c->lba = get32(cdb + 2);
		c->nblocks = get16(cdb + 7);
		c->fua = cdb[1] & 0x08;
		break;
	default:
		c->lba = get64(cdb + 2);
		c->nblocks = get32(cdb + 10);
		c->fua = cdb[1] & 0x08;
		break;
	}
	c->data_out = write;
	if (c->lba > d->blocks || c->nblocks > d->blocks - c->lba) {
		scsi_set_sense(c, SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE,
			       0);
		return;
	}
	if ((uint64_t)c->nblocks * STOR_BLOCK > d->max_xfer ||
	    (uint64_t)c->nblocks * STOR_BLOCK != xfer) {
		invalid_field(c);
		return;
	}
	if (write && d->ro) {
		scsi_set_sense(c, SENSE_DATA_PROTECT, ASC_WRITE_PROTECTED, 0);
		return;
	}
	if (!c->nblocks) {
		reply(c, 0, 0, 0);
		return;
	}
	c->action = write ? SCSI_WRITE : SCSI_READ;
}

static void unmap(const struct scsi_disk *d, const uint8_t *cdb,
		  uint32_t xfer, struct scsi_cmd *c)
{
	uint32_t len = get16(cdb + 7);

	c->data_out = true;
	if (d->unmap && d->ws16) {	/* LBPU clear: not supported */
		scsi_set_sense(c, SENSE_ILLEGAL_REQUEST, ASC_INVALID_OPCODE,
			       0);
		return;
	}
	if (!d->unmap || (cdb[1] & 1)) {	/* ANCHOR unsupported */
		invalid_field(c);
		return;
	}
	if (d->ro) {
		scsi_set_sense(c, SENSE_DATA_PROTECT, ASC_WRITE_PROTECTED, 0);
		return;
	}
	if (len != xfer || (len && len < 8)) {
		invalid_field(c);
		return;
	}
	if (!len) {
		reply(c, 0, 0, 0);
		return;
	}
	c->action = SCSI_UNMAP;
}

static void write_same(const struct scsi_disk *d, const uint8_t *cdb,
		       uint32_t xfer, struct scsi_cmd *c)
{
	c->lba = get64(cdb + 2);
	c->nblocks = get32(cdb + 10);
	c->data_out = true;
	/*
	 * Only the UNMAP form, with its one block of zeros (prepare_unmap()
	 * checks the data: LBPRZ promises zeros back). Writing the block over the
	 * range (UNMAP clear) and NDOB are not offered: invalid field.
	 */
	if (!(cdb[1] & 0x08) || (cdb[1] & 0x01) || xfer != STOR_BLOCK) {
		invalid_field(c);
		return;
	}
	if (c->lba > d->blocks || c->nblocks > d->blocks - c->lba) {
		scsi_set_sense(c, SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE,
			       0);
		return;
	}
	if (!c->nblocks || c->nblocks > MAX_WS_BLOCKS) {
		invalid_field(c);	/* 0 would mean "to the end" */
		return;
	}
	if (d->ro) {	/* before the LBPWS check: ro disks advertise none */
		scsi_set_sense(c, SENSE_DATA_PROTECT, ASC_WRITE_PROTECTED, 0);
		return;
	}
	if (!d->unmap) {
		invalid_field(c);
		return;
	}
	c->action = SCSI_WS_UNMAP;
}

static void sync_cache(const struct scsi_disk *d, const uint8_t *cdb,
		       struct scsi_cmd *c)
{
	bool sixteen = cdb[0] == SYNCHRONIZE_CACHE_16;
	uint64_t lba = sixteen ? get64(cdb + 2) : get32(cdb + 2);
	uint32_t n = sixteen ? get32(cdb + 10) : get16(cdb + 7);

	if (lba > d->blocks || n > d->blocks - lba) {
		scsi_set_sense(c, SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE,
			       0);
		return;
	}
	c->action = SCSI_FLUSH;
}

static unsigned int cdb_size(uint8_t op)
{
	switch (op >> 5) {
	case 0: return 6;
	case 1: case 2: return 10;
	case 4: return 16;
	case 5: return 12;
	default: return 0;
	}
}

void scsi_decode(const struct scsi_disk *d, const uint8_t *cdb,
		 unsigned int cdb_len, uint32_t xfer, struct scsi_cmd *c)
{
	unsigned int need;

	memset(c, 0, sizeof(*c));
	c->action = SCSI_DONE;
	need = cdb_len ? cdb_size(cdb[0]) : 0;
	if (!need || cdb_len < need) {
		scsi_set_sense(c, SENSE_ILLEGAL_REQUEST, ASC_INVALID_OPCODE,
			       0);
		return;
	}
	switch (cdb[0]) {
	case TEST_UNIT_READY:
	case START_STOP_UNIT:
		reply(c, 0, 0, 0);
		break;
	case REQUEST_SENSE:
		/*
		 * Sense goes back with each CHECK CONDITION (autosense), so
		 * none is ever pending: NO SENSE, as Linux's targets answer.
		 * Fixed format only: DESC set is an invalid field (SPC-4).
		 */
		if (cdb[1] & 0x01) {
			invalid_field(c);
			break;
		}
		c->data[0] = 0x70;
		c->data[7] = SCSI_SENSE_LEN - 8;
		reply(c, SCSI_SENSE_LEN, cdb[4], xfer);
		break;
	case INQUIRY:
		inquiry(d, cdb, xfer, c);
		break;
	case MODE_SENSE_6:
	case MODE_SENSE_10:
		mode_sense(d, cdb, cdb[0] == MODE_SENSE_10, xfer, c);
		break;
	case READ_CAPACITY_10:
		read_capacity(d, cdb, false, xfer, c);
		break;
	case SERVICE_ACTION_IN_16:
		if ((cdb[1] & 0x1f) == SAI_READ_CAPACITY_16)
			read_capacity(d, cdb, true, xfer, c);
		else
			invalid_field(c);
		break;
	case READ_6: case READ_10: case READ_16:
	case WRITE_6: case WRITE_10: case WRITE_16:
		rw(d, cdb, xfer, c);
		break;
	case SYNCHRONIZE_CACHE_10:
	case SYNCHRONIZE_CACHE_16:
		sync_cache(d, cdb, c);
		break;
	case UNMAP:
		unmap(d, cdb, xfer, c);
		break;
	case WRITE_SAME_16:
		write_same(d, cdb, xfer, c);
		break;
	default:
		scsi_set_sense(c, SENSE_ILLEGAL_REQUEST, ASC_INVALID_OPCODE,
			       0);
		break;
	}
}

int scsi_unmap_extents(const struct scsi_disk *d, const uint8_t *p,
		       uint32_t len, struct scsi_extent *e, unsigned int max,
		       struct scsi_cmd *c)
{
	uint32_t dlen, i, n;

	if (len < 8 || get16(p) + 2u > len || get16(p + 2) + 8u > len ||
	    get16(p + 2) % 16) {
		invalid_field(c);
		return -1;
	}
	dlen = get16(p + 2);
	n = dlen / 16;
	if (n > max || n > STOR_UNMAP_MAX_DESC) {
		invalid_field(c);
		return -1;
	}
	for (i = 0; i < n; i++) {
		const uint8_t *q = p + 8 + i * 16;

		e[i].lba = get64(q);
		e[i].nblocks = get32(q + 8);
		if (e[i].lba > d->blocks ||
		    e[i].nblocks > d->blocks - e[i].lba) {
			scsi_set_sense(c, SENSE_ILLEGAL_REQUEST,
				       ASC_LBA_OUT_OF_RANGE, 0);
			return -1;
		}
		if (e[i].nblocks > MAX_UNMAP_BLOCKS) {
			invalid_field(c);
			return -1;
		}
	}
	return (int)n;
}
