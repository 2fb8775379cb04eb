// SPDX-License-Identifier: GPL-2.0
/*
 * StorVSP: the SCSI emulation as pure functions, then the vstor protocol
 * through the fake guest: handshake and version negotiation, GPA-direct
 * I/O into an image file, range validation, unmap punching holes, hot-add
 * and faults.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "tests/tap.h"	/* vmbus/tests/tap.h, shared with the ring tests */
#include "vmbus_guest.h"
#include "vsp/storvsp.h"

static const struct scsi_disk disk = {
	.blocks = 2048, .max_xfer = 1 << 20, .unmap = true, .fua = true,
	.naa = 0x6abc,
	.vendor = "Msft", .model = "VirtualDisk", .serial = "SER1",
};

static bool sense_is(const struct scsi_cmd *c, uint8_t key, uint8_t asc)
{
	return c->action == SCSI_DONE && c->status == SAM_CHECK_CONDITION &&
	       c->sense_len == SCSI_SENSE_LEN && c->sense[0] == 0x70 &&
	       c->sense[2] == key && c->sense[12] == asc;
}

static bool scsi_inquiry(void)
{
	uint8_t cdb[6] = { 0x12, 0, 0, 0, 96, 0 };
	struct scsi_cmd c;

	scsi_decode(&disk, cdb, 6, 96, &c);
	CHECK_EQ(c.status, SAM_GOOD);
	CHECK_EQ(c.data_len, 96);
	CHECK(!memcmp(c.data + 8, "Msft    VirtualDisk     ", 24));
	cdb[1] = 1;
	cdb[2] = 0x80;
	scsi_decode(&disk, cdb, 6, 96, &c);
	CHECK_EQ(c.data[1], 0x80);
	CHECK_EQ(c.data[3], 4);
	CHECK(!memcmp(c.data + 4, "SER1", 4));
	cdb[2] = 0x00;
	scsi_decode(&disk, cdb, 6, 96, &c);
	CHECK_EQ(c.data[3], 6);
	CHECK_EQ(c.data[9], 0xb2);
	cdb[2] = 0xb2;
	scsi_decode(&disk, cdb, 6, 96, &c);
	CHECK_EQ(c.data[5], 0xc4);
	cdb[2] = 0xb0;
	scsi_decode(&disk, cdb, 6, 96, &c);
	CHECK_EQ((uint32_t)c.data[8] << 24 | c.data[9] << 16 |
		 c.data[10] << 8 | c.data[11], 2048);
	cdb[2] = 0x83;
	scsi_decode(&disk, cdb, 6, 96, &c);
	CHECK_EQ(c.data[4], 0x02);
	CHECK(!memcmp(c.data + 8, "Msft    ", 8));
	cdb[2] = 0x42;
	scsi_decode(&disk, cdb, 6, 96, &c);
	CHECK(sense_is(&c, SENSE_ILLEGAL_REQUEST, 0x24));
	scsi_inquiry_no_lun((uint8_t[6]){ 0x12, 0, 0, 0, 36, 0 }, 6, &c);
	CHECK_EQ(c.data[0], 0x7f);
	return true;
}

static bool scsi_commands(void)
{
	uint8_t rc16[16] = { 0x9e, 0x10, [13] = 32 };
	uint8_t rd10[10] = { 0x28, 0, 0, 0, 0x07, 0xff, 0, 0, 1, 0 };
	uint8_t ms[6] = { 0x1a, 0, 0x08, 0, 255, 0 };
	uint8_t rl[12] = { 0xa0, [9] = 255 };
	uint16_t luns[2] = { 0, 7 };
	struct scsi_disk ro = disk;
	struct scsi_cmd c;

	scsi_decode(&disk, (uint8_t[10]){ 0x25 }, 10, 8, &c);
	CHECK_EQ(c.data[2] << 8 | c.data[3], 2047);
	scsi_decode(&disk, rc16, 16, 32, &c);
	CHECK_EQ(c.data[6] << 8 | c.data[7], 2047);
	CHECK_EQ(c.data[14], 0xc0);
	scsi_decode(&disk, rd10, 10, 512, &c);
	CHECK_EQ(c.action, SCSI_READ);
	CHECK_EQ(c.lba, 2047);
	rd10[8] = 2;
	scsi_decode(&disk, rd10, 10, 1024, &c);
	CHECK(sense_is(&c, SENSE_ILLEGAL_REQUEST, 0x21));
	rd10[5] = 0;
	scsi_decode(&disk, rd10, 10, 512, &c);
	CHECK(sense_is(&c, SENSE_ILLEGAL_REQUEST, 0x24));
	ro.ro = true;
	rd10[0] = 0x2a;
	scsi_decode(&ro, rd10, 10, 1024, &c);
	CHECK(sense_is(&c, SENSE_DATA_PROTECT, 0x27));
	scsi_decode(&disk, rd10, 10, 1024, &c);
	CHECK_EQ(c.action, SCSI_WRITE);
	scsi_decode(&disk, (uint8_t[6]){ 0x0a, 0, 0, 1, 0, 0 }, 6, 256 * 512,
		    &c);
	CHECK_EQ(c.nblocks, 256);
	scsi_decode(&disk, (uint8_t[10]){ 0xc1 }, 10, 0, &c);
	CHECK(sense_is(&c, SENSE_ILLEGAL_REQUEST, 0x20));
	scsi_decode(&disk, ms, 6, 255, &c);
	CHECK_EQ(c.data[3], 8);
	CHECK_EQ(c.data[2], 0x10);		/* DPOFUA */
	CHECK_EQ(c.data[12], 0x08);
	CHECK_EQ(c.data[14] & 0x04, 0x04);
	ro.fua = false;
	scsi_decode(&ro, ms, 6, 255, &c);
	CHECK_EQ(c.data[2], 0x80);		/* WP, no DPOFUA */
	scsi_decode(&disk, (uint8_t[10]){ 0x35 }, 10, 0, &c);
	CHECK_EQ(c.action, SCSI_FLUSH);
	scsi_decode(&disk, (uint8_t[6]){ 0 }, 6, 0, &c);
	CHECK_EQ(c.status, SAM_GOOD);
	scsi_report_luns(rl, 12, luns, 2, &c);
	CHECK_EQ(c.data_len, 24);
	CHECK_EQ(c.data[3], 16);
	CHECK_EQ(c.data[17], 7);
	return true;
}

static bool scsi_unmap(void)
{
	uint8_t cdb[10] = { 0x42, [8] = 24 };
	uint8_t p[24] = { 0, 22, 0, 16, [15] = 8, [19] = 16 };
	struct scsi_extent e[4];
	struct scsi_disk nd = disk;
	struct scsi_cmd c;

	scsi_decode(&disk, cdb, 10, 24, &c);
	CHECK_EQ(c.action, SCSI_UNMAP);
	CHECK_EQ(scsi_unmap_extents(&disk, p, 24, e, 4, &c), 1);
	CHECK_EQ(e[0].lba, 8);
	CHECK_EQ(e[0].nblocks, 16);
	p[15] = 0xff, p[14] = 0xff;
	CHECK_EQ(scsi_unmap_extents(&disk, p, 24, e, 4, &c), -1);
	CHECK(sense_is(&c, SENSE_ILLEGAL_REQUEST, 0x21));
	nd.unmap = false;
	scsi_decode(&nd, cdb, 10, 24, &c);
	CHECK(sense_is(&c, SENSE_ILLEGAL_REQUEST, 0x24));
	scsi_decode(&disk, (uint8_t[16]){ 0x93, 0x08, [13] = 8 }, 16, 512, &c);
	CHECK_EQ(c.action, SCSI_WS_UNMAP);
	return true;
}

/* @cdb decodes to CHECK CONDITION with sense @key / @asc. */
static bool refused(const struct scsi_disk *d, const uint8_t *cdb,
		    unsigned int len, uint32_t xfer, uint8_t key, uint8_t asc)
{
	struct scsi_cmd c;

	scsi_decode(d, cdb, len, xfer, &c);
	return sense_is(&c, key, asc);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* READ/WRITE(6): a 21-bit LBA (byte 1's top bits masked), 0 is 256. */
static bool scsi_rw6(void)
{
	struct scsi_disk big = disk;
	struct scsi_cmd c;

	big.blocks = 1 << 22;
	scsi_decode(&big, (uint8_t[6]){ 0x08, 0x01, 0x02, 0x03, 4, 0 }, 6,
		    4 * 512, &c);
	CHECK_EQ(c.action, SCSI_READ);
	CHECK_EQ(c.lba, 0x010203);
	CHECK_EQ(c.nblocks, 4);
	CHECK(!c.data_out);
	scsi_decode(&big, (uint8_t[6]){ 0x08, 0xe1, 0x02, 0x03, 0, 0 }, 6,
		    256 * 512, &c);
	CHECK_EQ(c.action, SCSI_READ);
	CHECK_EQ(c.lba, 0x010203);
	CHECK_EQ(c.nblocks, 256);
	scsi_decode(&big, (uint8_t[6]){ 0x0a, 0xff, 0xff, 0xfe, 1, 0 }, 6,
		    512, &c);
	CHECK_EQ(c.action, SCSI_WRITE);
	CHECK_EQ(c.lba, 0x1ffffe);
	CHECK(c.data_out);
	/* 256 blocks offered as 255: the length must match */
	CHECK(refused(&big, (uint8_t[6]){ 0x08, 0, 0, 0, 0, 0 }, 6, 255 * 512,
		      SENSE_ILLEGAL_REQUEST, 0x24));
	CHECK(refused(&disk, (uint8_t[6]){ 0x08, 0, 0x07, 0xff, 2, 0 }, 6,
		      1024, SENSE_ILLEGAL_REQUEST, 0x21));
	return true;
}

/* SYNCHRONIZE CACHE(16), REQUEST SENSE, START STOP UNIT, VPD B1. */
static bool scsi_misc(void)
{
	uint8_t sc16[16] = { 0x91, [8] = 0x07, [9] = 0xff, [13] = 1 };
	uint8_t rs[6] = { 0x03, 0, 0, 0, 252, 0 };
	uint8_t b1[6] = { 0x12, 1, 0xb1, 0, 255, 0 };
	struct scsi_cmd c;

	scsi_decode(&disk, sc16, 16, 0, &c);
	CHECK_EQ(c.action, SCSI_FLUSH);
	sc16[13] = 2;
	CHECK(refused(&disk, sc16, 16, 0, SENSE_ILLEGAL_REQUEST, 0x21));
	sc16[13] = 0;
	sc16[2] = 1;		/* lba 2^56 + 0x7ff */
	CHECK(refused(&disk, sc16, 16, 0, SENSE_ILLEGAL_REQUEST, 0x21));
	/* Autosense leaves nothing pending: NO SENSE, fixed format. */
	scsi_decode(&disk, rs, 6, 252, &c);
	CHECK_EQ(c.action, SCSI_DONE);
	CHECK_EQ(c.status, SAM_GOOD);
	CHECK_EQ(c.data_len, 18);
	CHECK_EQ(c.data[0], 0x70);
	CHECK_EQ(c.data[2], SENSE_NO_SENSE);
	CHECK_EQ(c.data[7], 10);
	CHECK_EQ(c.data[12], 0);
	rs[4] = 8;
	scsi_decode(&disk, rs, 6, 252, &c);
	CHECK_EQ(c.data_len, 8);
	rs[1] = 0x01;		/* DESC: descriptor format not offered */
	CHECK(refused(&disk, rs, 6, 252, SENSE_ILLEGAL_REQUEST, 0x24));
	scsi_decode(&disk, (uint8_t[6]){ 0x1b, 0, 0, 0, 1, 0 }, 6, 0, &c);
	CHECK_EQ(c.action, SCSI_DONE);
	CHECK_EQ(c.status, SAM_GOOD);
	CHECK_EQ(c.data_len, 0);
	scsi_decode(&disk, (uint8_t[6]){ 0x1b, 0, 0, 0, 0, 0 }, 6, 0, &c);
	CHECK_EQ(c.status, SAM_GOOD);
	scsi_decode(&disk, b1, 6, 255, &c);
	CHECK_EQ(c.status, SAM_GOOD);
	CHECK_EQ(c.data_len, 0x40);
	CHECK_EQ(c.data[1], 0xb1);
	CHECK_EQ(c.data[2] << 8 | c.data[3], 0x40 - 4);
	CHECK_EQ(c.data[4] << 8 | c.data[5], 1);	/* non-rotating */
	return true;
}

/* MODE SENSE(10): header, short LBA block descriptor, caching page. */
static bool scsi_mode_sense10(void)
{
	uint8_t ms[10] = { 0x5a, 0, 0x08, [8] = 255 };
	struct scsi_disk ro = disk;
	struct scsi_cmd c;

	scsi_decode(&disk, ms, 10, 255, &c);
	CHECK_EQ(c.status, SAM_GOOD);
	CHECK_EQ(c.data_len, 8 + 8 + 20);
	CHECK_EQ(c.data[0] << 8 | c.data[1], 36 - 2);
	CHECK_EQ(c.data[3], 0x10);			/* DPOFUA, no WP */
	CHECK_EQ(c.data[6] << 8 | c.data[7], 8);	/* block desc length */
	CHECK_EQ(be32(c.data + 8), 2048);		/* blocks */
	CHECK_EQ(be32(c.data + 12), 512);		/* block length */
	CHECK_EQ(c.data[16], 0x08);			/* caching page */
	CHECK_EQ(c.data[17], 0x12);
	CHECK_EQ(c.data[18] & 0x04, 0x04);		/* WCE */
	/* DBD: no descriptor, the page right after the header */
	ms[1] = 0x08;
	scsi_decode(&disk, ms, 10, 255, &c);
	CHECK_EQ(c.data_len, 8 + 20);
	CHECK_EQ(c.data[0] << 8 | c.data[1], 28 - 2);
	CHECK_EQ(c.data[6] << 8 | c.data[7], 0);
	CHECK_EQ(c.data[8], 0x08);
	/* Allocation length 12: cut, the header still tells the whole. */
	ms[1] = 0;
	ms[8] = 12;
	scsi_decode(&disk, ms, 10, 255, &c);
	CHECK_EQ(c.data_len, 12);
	CHECK_EQ(c.data[0] << 8 | c.data[1], 36 - 2);
	ms[8] = 255;
	ro.ro = true;
	ro.fua = false;
	scsi_decode(&ro, ms, 10, 255, &c);
	CHECK_EQ(c.data[3], 0x80);			/* WP, no DPOFUA */
	/* The short LBA descriptor's count is 32 bits, capped. */
	ro.blocks = 0x1000000;
	scsi_decode(&ro, ms, 10, 255, &c);
	CHECK_EQ(be32(c.data + 8), 0x1000000);
	ro.blocks = 1ull << 33;
	scsi_decode(&ro, ms, 10, 255, &c);
	CHECK_EQ(be32(c.data + 8), 0xffffffff);
	return true;
}

/* WRITE SAME(16): only the UNMAP form, within VPD B0's limit. */
static bool scsi_write_same(void)
{
	uint8_t ws[16] = { 0x93, 0x08, [9] = 8, [13] = 16 };
	uint8_t b0[6] = { 0x12, 1, 0xb0, 0, 255, 0 };
	struct scsi_disk ro = disk, big = disk, nd = disk;
	struct scsi_cmd c;
	uint64_t max;

	scsi_decode(&disk, ws, 16, 512, &c);
	CHECK_EQ(c.action, SCSI_WS_UNMAP);
	CHECK_EQ(c.lba, 8);
	CHECK_EQ(c.nblocks, 16);
	CHECK(c.data_out);
	/* no data block */
	CHECK(refused(&disk, ws, 16, 0, SENSE_ILLEGAL_REQUEST, 0x24));
	ro.ro = true;
	CHECK(refused(&ro, ws, 16, 512, SENSE_DATA_PROTECT, 0x27));
	ro.unmap = false;			/* as a real ro LUN is */
	CHECK(refused(&ro, ws, 16, 512, SENSE_DATA_PROTECT, 0x27));
	nd.unmap = false;
	CHECK(refused(&nd, ws, 16, 512, SENSE_ILLEGAL_REQUEST, 0x24));
	/*
	 * Without UNMAP the block would be written over the range; NDOB
	 * (no data-out buffer) likewise: neither is offered.
	 */
	ws[1] = 0;
	CHECK(refused(&disk, ws, 16, 512, SENSE_ILLEGAL_REQUEST, 0x24));
	ws[1] = 0x09;
	CHECK(refused(&disk, ws, 16, 512, SENSE_ILLEGAL_REQUEST, 0x24));
	ws[1] = 0x08;
	ws[9] = 0xf8, ws[8] = 0x07;		/* lba 2040 + 16 > 2048 */
	CHECK(refused(&disk, ws, 16, 512, SENSE_ILLEGAL_REQUEST, 0x21));
	/* The count limit is the one VPD B0 advertises. */
	big.blocks = 1ull << 32;
	scsi_decode(&big, b0, 6, 255, &c);
	max = (uint64_t)be32(c.data + 36) << 32 | be32(c.data + 40);
	CHECK(max > 0 && max < UINT32_MAX);
	ws[8] = 0, ws[9] = 0;
	ws[10] = (uint8_t)(max >> 24), ws[11] = (uint8_t)(max >> 16);
	ws[12] = (uint8_t)(max >> 8), ws[13] = (uint8_t)max;
	scsi_decode(&big, ws, 16, 512, &c);
	CHECK_EQ(c.action, SCSI_WS_UNMAP);
	CHECK_EQ(c.nblocks, max);
	max++;
	ws[10] = (uint8_t)(max >> 24), ws[11] = (uint8_t)(max >> 16);
	ws[12] = (uint8_t)(max >> 8), ws[13] = (uint8_t)max;
	CHECK(refused(&big, ws, 16, 512, SENSE_ILLEGAL_REQUEST, 0x24));
	return true;
}

/* discard=ws16: LBPWS without LBPU, no UNMAP limits, UNMAP refused. */
static bool scsi_discard_ws16(void)
{
	uint8_t inq[6] = { 0x12, 1, 0xb2, 0, 255, 0 };
	struct scsi_disk ws = disk;
	struct scsi_cmd c;

	ws.ws16 = true;
	scsi_decode(&ws, inq, 6, 255, &c);
	CHECK_EQ(c.data[5], 0x44);		/* LBPWS, LBPRZ */
	inq[2] = 0xb0;
	scsi_decode(&ws, inq, 6, 255, &c);
	CHECK_EQ(be32(c.data + 20), 0);		/* max unmap LBA count */
	CHECK_EQ(be32(c.data + 24), 0);		/* max descriptors */
	CHECK_EQ(be32(c.data + 40), 0x800000);	/* max WRITE SAME */
	scsi_decode(&disk, inq, 6, 255, &c);
	CHECK(be32(c.data + 20) && be32(c.data + 24));
	CHECK(refused(&ws, (uint8_t[10]){ 0x42, [8] = 24 }, 10, 24,
		      SENSE_ILLEGAL_REQUEST, 0x20));
	scsi_decode(&ws, (uint8_t[16]){ 0x93, 0x08, [13] = 8 }, 16, 512, &c);
	CHECK_EQ(c.action, SCSI_WS_UNMAP);
	return true;
}

/* The protocol, through the fake guest */

#define BUF_GPA	((uint64_t)VG_BUF_PFN * 4096)

struct sg {
	struct vg g;
	struct storvsp *sv;
	char path[64];
	uint8_t target;		/* SRBs' target id */
};

static int psend(struct sg *s, const struct hvp_vstor_packet *p,
		 const void *ext, uint32_t ext_len, uint64_t id)
{
	struct hvg_ring_wdesc d = {
		.type = ext ? HVP_PKT_DATA_USING_GPA_DIRECT :
			      HVP_PKT_DATA_INBAND,
		.flags = HVP_PKT_FLAG_COMPLETION_REQUESTED,
		.ext_len = ext_len, .trans_id = id,
	};
	struct hvg_ring_seg seg[2] = { { ext, ext_len }, { p, sizeof(*p) } };
	bool signal = false;
	int err = hvg_ring_write(&s->g.tx, &d, seg, 2, &signal);

	vg_signal(&s->g);
	return err;
}

/* The next packet from the host, waiting for the workers up to 2 s. */
static bool precv(struct sg *s, struct hvg_ring_pkt *p,
		  struct hvp_vstor_packet *out, uint32_t *len)
{
	static uint8_t buf[4096];
	struct pollfd pfd = { storvsp_fd(s->sv), POLLIN, 0 };
	int i;

	for (i = 0; i < 200; i++) {
		if (!hvg_ring_read(&s->g.rx, buf, sizeof(buf), p)) {
			*len = p->len - p->offset;
			memset(out, 0, sizeof(*out));
			memcpy(out, buf + p->offset,
			       *len < sizeof(*out) ? *len : sizeof(*out));
			hvg_ring_read_done(&s->g.rx);
			return true;
		}
		poll(&pfd, 1, 10);
		storvsp_process(s->sv);
	}
	return false;
}

static uint32_t ctl_op(struct sg *s, uint32_t op, uint16_t arg)
{
	struct hvp_vstor_packet p = { .operation = op }, r;
	struct hvg_ring_pkt pk;
	uint32_t len;

	p.version.major_minor = arg;
	if (psend(s, &p, NULL, 0, 77) || !precv(s, &pk, &r, &len) ||
	    pk.type != HVP_PKT_COMP || pk.trans_id != 77 ||
	    r.operation != HVP_VSTOR_OP_COMPLETE_IO)
		return 0xdead;
	if (op == HVP_VSTOR_OP_QUERY_PROPERTIES)
		return r.properties.max_transfer_bytes;
	return r.status;
}

/* QUERY_PROPERTIES' flags (ctl_op() gives its max transfer). */
static uint32_t props_flags(struct sg *s)
{
	struct hvp_vstor_packet p = {
		.operation = HVP_VSTOR_OP_QUERY_PROPERTIES }, r;
	struct hvg_ring_pkt pk;
	uint32_t len;

	if (psend(s, &p, NULL, 0, 78) || !precv(s, &pk, &r, &len) ||
	    pk.type != HVP_PKT_COMP || pk.trans_id != 78 || r.status)
		return 0xdead;
	return r.properties.flags;
}

/* Controller 0 with a 1 MiB disk at LUN 0; IDE class if @ide (target 1). */
static bool sg_init_as(struct sg *s, uint16_t max_version, bool ide,
		       struct hvp_vmbus_offer_channel *offer)
{
	struct stor_disk_spec spec = { .controller = 0, .lun = 0,
				       .size = 1 << 20, .ide = ide,
				       .ide_target = ide };
	struct hvp_vmbus_offer_channel o;
	unsigned int lun;

	memset(s, 0, sizeof(*s));
	strcpy(s->path, "/tmp/hvhost-storvsp-XXXXXX");
	close(mkstemp(s->path));
	unlink(s->path);
	spec.path = s->path;
	if (!vg_init(&s->g, HVP_VMBUS_VERSION_WIN10_V5_3, 0))
		return false;
	s->sv = storvsp_create(s->g.srv);
	if (!s->sv || storvsp_ctl_register(s->sv, &s->g.cmds))
		return false;
	s->sv->max_version = max_version;
	if (storvsp_add_disk(s->sv, &spec, &lun))
		return false;
	return vg_connect(&s->g, HVP_VMBUS_VERSION_WIN10_V5_3) &&
	       vg_request_offers(&s->g, offer ? offer : &o, 1) == 1 &&
	       vg_open(&s->g, 1, 8, 0) == 0;
}

static bool sg_init(struct sg *s, uint16_t max_version)
{
	return sg_init_as(s, max_version, false, NULL);
}

static void sg_uninit(struct sg *s)
{
	vg_uninit(&s->g);
	storvsp_destroy(s->sv);
	unlink(s->path);
}

static bool handshake(struct sg *s)
{
	CHECK_EQ(ctl_op(s, HVP_VSTOR_OP_QUERY_PROTOCOL_VERSION, 0x602),
		 STOR_STATUS_FAIL);	/* before BEGIN */
	CHECK_EQ(ctl_op(s, HVP_VSTOR_OP_BEGIN_INITIALIZATION, 0), 0);
	return true;
}

static bool vstor_versions(void)
{
	struct sg s;

	CHECK(sg_init(&s, HVP_VSTOR_VERSION_WIN8_1));
	CHECK(handshake(&s));
	CHECK_EQ(ctl_op(&s, HVP_VSTOR_OP_QUERY_PROTOCOL_VERSION, 0x602),
		 STOR_STATUS_FAIL);
	CHECK_EQ(ctl_op(&s, HVP_VSTOR_OP_QUERY_PROTOCOL_VERSION, 0x600), 0);
	CHECK_EQ(ctl_op(&s, HVP_VSTOR_OP_EXECUTE_SRB, 0), STOR_STATUS_FAIL);
	CHECK_EQ(ctl_op(&s, HVP_VSTOR_OP_QUERY_PROPERTIES, 0), 2u << 20);
	CHECK_EQ(ctl_op(&s, HVP_VSTOR_OP_END_INITIALIZATION, 0), 0);
	CHECK_EQ(ctl_op(&s, 99, 0), STOR_STATUS_FAIL);
	CHECK_EQ(ctl_op(&s, HVP_VSTOR_OP_CREATE_SUB_CHANNELS, 2), 0);
	CHECK(strstr(vg_ctl(&s.g, "storage"), "version=6.0 channels=3"));
	sg_uninit(&s);

	/* Capped at 5.1: 6.2 and 6.0 refused, 5.1 taken, multi-channel. */
	CHECK(sg_init(&s, HVP_VSTOR_VERSION_WIN8));
	CHECK(handshake(&s));
	CHECK_EQ(ctl_op(&s, HVP_VSTOR_OP_QUERY_PROTOCOL_VERSION, 0x602),
		 STOR_STATUS_FAIL);
	CHECK_EQ(ctl_op(&s, HVP_VSTOR_OP_QUERY_PROTOCOL_VERSION, 0x600),
		 STOR_STATUS_FAIL);
	CHECK_EQ(ctl_op(&s, HVP_VSTOR_OP_QUERY_PROTOCOL_VERSION, 0x501), 0);
	CHECK_EQ(props_flags(&s), HVP_VSTOR_PROP_SUPPORTS_MULTI_CHANNEL);
	CHECK_EQ(ctl_op(&s, HVP_VSTOR_OP_END_INITIALIZATION, 0), 0);
	CHECK_EQ(ctl_op(&s, HVP_VSTOR_OP_CREATE_SUB_CHANNELS, 2), 0);
	CHECK(strstr(vg_ctl(&s.g, "storage"), "version=5.1 channels=3"));
	sg_uninit(&s);
	return true;
}

static bool ready(struct sg *s)
{
	return handshake(s) &&
	       !ctl_op(s, HVP_VSTOR_OP_QUERY_PROTOCOL_VERSION, 0x602) &&
	       ctl_op(s, HVP_VSTOR_OP_QUERY_PROPERTIES, 0) == 2u << 20 &&
	       !ctl_op(s, HVP_VSTOR_OP_END_INITIALIZATION, 0);
}

/* One SRB; data (if @len) at BUF_GPA + @off, one multi-page range. */
static bool srb(struct sg *s, uint8_t lun, const uint8_t *cdb, uint8_t dir,
		uint32_t len, uint32_t off, struct hvp_vstor_packet *r)
{
	struct hvp_vstor_packet p = { .operation = HVP_VSTOR_OP_EXECUTE_SRB };
	struct {
		uint32_t reserved, count, len, offset;
		uint64_t pfns[64];
	} ext = { 0, 1, len, off % 4096, { 0 } };
	uint32_t i, n = (off % 4096 + len + 4095) / 4096, rlen;
	struct hvg_ring_pkt pk;

	p.srb.length = sizeof(p.srb);
	p.srb.target_id = s->target;
	p.srb.lun = lun;
	p.srb.cdb_length = 16;
	p.srb.data_in = dir;
	p.srb.data_transfer_length = len;
	memcpy(p.srb.cdb, cdb, 16);
	for (i = 0; i < n; i++)
		ext.pfns[i] = VG_BUF_PFN + off / 4096 + i;
	if (psend(s, &p, len ? &ext : NULL, len ? 16 + n * 8 : 0, 5))
		return false;
	return precv(s, &pk, r, &rlen) && pk.type == HVP_PKT_COMP &&
	       pk.trans_id == 5 && rlen == sizeof(*r);
}

/* Reads the message slot empty: how many messages of type @type. */
static int drain(struct sg *s, uint32_t type)
{
	uint32_t t;
	int n = 0;

	while ((t = vg_recv_type(&s->g)))
		n += t == type;
	return n;
}

/*
 * A new session on the primary: close, tear the ring down, open again.
 * The open rescinds the last session's sub-channels before it answers,
 * so vg_open() stops at the first RESCIND and the rest is read here.
 * Returns the rescinds, or -1 if the open failed.
 */
static int reopen(struct sg *s)
{
	struct hvp_vmbus_open_result r;
	int rescinds = 0, opened = 0;
	uint32_t t;

	vg_close(&s->g, 1);
	if (vg_teardown(&s->g, 1, 0xe1e10 + 1) != HVP_VMBUS_MSG_GPADL_TORNDOWN)
		return -1;
	if (!vg_open(&s->g, 1, 8, 0))
		return 0;
	rescinds++;
	while ((t = vg_recv(&s->g, VG_VP, &r, NULL))) {
		rescinds += t == HVP_VMBUS_MSG_RESCIND_CHANNELOFFER;
		opened += t == HVP_VMBUS_MSG_OPENCHANNEL_RESULT && !r.status;
	}
	return opened == 1 ? rescinds : -1;
}

/* Live (offered, not rescinded) sub-channels in hvhost's channel list. */
static int live_subs(struct sg *s)
{
	const char *p = vg_ctl(&s->g, "vmbus channels");
	int n = 0;

	while ((p = strstr(p, "state=offered sub="))) {
		p += strlen("state=offered sub=");
		n += *p != '0';
	}
	return n;
}

/* Every session gets the sub-channels it asks for (50 reloads, issue 4). */
static bool vstor_sessions(void)
{
	struct sg s;
	int i;

	CHECK(sg_init(&s, HVP_VSTOR_VERSION_WIN10));
	for (i = 0; i < 5; i++) {
		if (i)
			CHECK_EQ(reopen(&s), 2);
		CHECK(ready(&s));
		CHECK_EQ(ctl_op(&s, HVP_VSTOR_OP_CREATE_SUB_CHANNELS, 2), 0);
		CHECK_EQ(drain(&s, HVP_VMBUS_MSG_OFFERCHANNEL), 2);
		CHECK_EQ(live_subs(&s), 2);
		CHECK(strstr(vg_ctl(&s.g, "storage"), "channels=3 open=1"));
	}
	sg_uninit(&s);
	return true;
}

/* Writes the pattern i * 7 from BUF_GPA + 100 with @cdb; true if done. */
static bool write_pattern(struct sg *s, const uint8_t *cdb,
			  struct hvp_vstor_packet *r)
{
	uint8_t *buf = s->g.fx.ram + BUF_GPA;
	int i;

	for (i = 0; i < 8192; i++)
		buf[100 + i] = (uint8_t)(i * 7);
	return srb(s, 0, cdb, HVP_SRB_DATA_WRITE, 8192, 100, r) &&
	       r->srb.srb_status == HVP_SRB_STATUS_SUCCESS;
}

static bool vstor_io(void)
{
	uint8_t wr[16] = { 0x8a, [9] = 8, [13] = 16 };	/* lba 8, 16 blocks */
	uint8_t rd[16] = { 0x88, [9] = 8, [13] = 16 };
	uint8_t *buf;
	struct hvp_vstor_packet r;
	struct sg s;
	struct stat st;
	char hex[160];
	int i;

	CHECK(sg_init(&s, HVP_VSTOR_VERSION_WIN10));
	CHECK(ready(&s));
	buf = s.g.fx.ram + BUF_GPA;
	CHECK(write_pattern(&s, wr, &r));
	CHECK_EQ(r.srb.data_transfer_length, 8192);
	memset(buf, 0, 16384);
	CHECK(srb(&s, 0, rd, HVP_SRB_DATA_READ, 8192, 4000, &r));
	CHECK_EQ(r.srb.srb_status, HVP_SRB_STATUS_SUCCESS);
	for (i = 0; i < 8192; i++)
		CHECK_EQ(buf[4000 + i], (uint8_t)(i * 7));
	snprintf(hex, sizeof(hex), "storage checksum 0 0 4096 8192");
	CHECK(strstr(vg_ctl(&s.g, hex), "sha256="));
	/* length mismatch, bad PFN, wrong direction, missing LUN */
	CHECK(srb(&s, 0, rd, HVP_SRB_DATA_READ, 4096, 0, &r));
	CHECK_EQ(r.srb.srb_status, HVP_SRB_STATUS_ERROR |
		 HVP_SRB_STATUS_AUTOSENSE_VALID);
	CHECK_EQ(r.srb.sense_data[12], 0x24);
	CHECK(srb(&s, 0, rd, HVP_SRB_DATA_READ, 8192,
		  FX_RAM_SIZE - BUF_GPA - 4096, &r));
	CHECK_EQ(r.srb.srb_status, HVP_SRB_STATUS_INVALID_REQUEST);
	CHECK(srb(&s, 0, rd, HVP_SRB_DATA_WRITE, 8192, 0, &r));
	CHECK_EQ(r.srb.srb_status, HVP_SRB_STATUS_INVALID_REQUEST);
	CHECK(srb(&s, 3, rd, HVP_SRB_DATA_READ, 8192, 0, &r));
	CHECK_EQ(r.srb.srb_status, HVP_SRB_STATUS_INVALID_LUN);
	/* medium error on lba 10 */
	CHECK(strstr(vg_ctl(&s.g, "storage fault medium-error 0 0 10 1"),
		     "0:0:10+1"));
	CHECK(srb(&s, 0, rd, HVP_SRB_DATA_READ, 8192, 0, &r));
	CHECK_EQ(r.srb.sense_data[2], SENSE_MEDIUM_ERROR);
	CHECK_EQ(r.srb.sense_data[6], 10);
	vg_ctl(&s.g, "storage fault clear");
	/* FUA counted; out of memory (0x30): nothing written, then written */
	wr[1] = 0x08;
	CHECK(write_pattern(&s, wr, &r));
	CHECK(strstr(vg_ctl(&s.g, "storage"), " fua=1 fua_writes=1\n"));
	wr[1] = 0;
	CHECK(strstr(vg_ctl(&s.g, "storage fault oom-next 2"),
		     "oom_next=2 oom_sent=0 "));
	memset(buf + 100, 0x5a, 8192);
	for (i = 0; i < 2; i++) {
		CHECK(srb(&s, 0, wr, HVP_SRB_DATA_WRITE, 8192, 100, &r));
		CHECK_EQ(r.srb.srb_status, HVP_SRB_STATUS_INTERNAL_ERROR);
		CHECK_EQ(r.srb.data_transfer_length, 8192);	/* untouched */
	}
	memset(buf, 0, 16384);
	CHECK(srb(&s, 0, rd, HVP_SRB_DATA_READ, 8192, 4000, &r));
	CHECK_EQ(r.srb.srb_status, HVP_SRB_STATUS_SUCCESS);
	CHECK_EQ(buf[4000 + 1], 7);	/* the 0x5a writes did not happen */
	CHECK(strstr(vg_ctl(&s.g, "storage fault"), "oom_next=0 oom_sent=2 "));
	/* unmap punches a hole */
	CHECK(!stat(s.path, &st) && st.st_blocks > 0);
	memset(buf, 0, 24);
	buf[1] = 22, buf[3] = 16, buf[8 + 7] = 8, buf[8 + 11] = 16;
	CHECK(srb(&s, 0, (uint8_t[16]){ 0x42, [8] = 24 }, HVP_SRB_DATA_WRITE,
		  24, 0, &r));
	CHECK_EQ(r.srb.srb_status, HVP_SRB_STATUS_SUCCESS);
	CHECK(!stat(s.path, &st));
	CHECK_EQ(st.st_blocks, 0);
	CHECK(strstr(vg_ctl(&s.g, "storage allocated 0 0"), "allocated=0 "));
	/* hot-add: ENUMERATE_BUS */
	snprintf(hex, sizeof(hex), "storage add 0 1 path=%s-2,size=64K",
		 s.path);
	CHECK(strstr(vg_ctl(&s.g, hex), "enumerate=sent"));
	{
		struct hvg_ring_pkt pk;
		uint32_t len;

		CHECK(precv(&s, &pk, &r, &len));
		CHECK_EQ(pk.type, HVP_PKT_DATA_INBAND);
		CHECK_EQ(r.operation, HVP_VSTOR_OP_ENUMERATE_BUS);
		CHECK(strstr(vg_ctl(&s.g, "storage remove 0 1"),
			     "remove_device=sent"));
		CHECK(precv(&s, &pk, &r, &len));
		CHECK_EQ(r.operation, HVP_VSTOR_OP_REMOVE_DEVICE);
		CHECK_EQ(r.srb.lun, 1);
	}
	snprintf(hex, sizeof(hex), "%s-2", s.path);
	unlink(hex);
	sg_uninit(&s);
	return true;
}

/* The LUN line of `storage list` for LUN @lun of controller 0. */
static const char *lun_line(struct sg *s, unsigned int lun)
{
	char want[32];

	snprintf(want, sizeof(want), "controller=0 lun=%u ", lun);
	return strstr(vg_ctl(&s->g, "storage list"), want);
}

/*
 * READ/WRITE(6) move the image's bytes at the masked LBA; WRITE SAME(16)
 * UNMAP punches them out (zeros only), counted apart from UNMAP; a read-
 * only LUN answers DATA PROTECT; REQUEST SENSE after an error: NO SENSE.
 */
static bool vstor_rw6_write_same(void)
{
	uint8_t wr6[16] = { 0x0a, 0xe0, 0, 32, 16, 0 };	/* lba 32 */
	uint8_t rd6[16] = { 0x08, 0xe0, 0, 32, 16, 0 };
	uint8_t ws[16] = { 0x93, 0x08, [9] = 32, [13] = 16 };
	uint8_t img[8192], *buf;
	struct hvp_vstor_packet r;
	struct hvg_ring_pkt pk;
	char cmd[128];
	struct stat st;
	uint32_t len;
	struct sg s;
	int fd, i;

	CHECK(sg_init(&s, HVP_VSTOR_VERSION_WIN10));
	CHECK(ready(&s));
	buf = s.g.fx.ram + BUF_GPA;
	CHECK(write_pattern(&s, wr6, &r));
	fd = open(s.path, O_RDONLY);
	CHECK(fd >= 0);
	CHECK_EQ(pread(fd, img, sizeof(img), 32 * 512), sizeof(img));
	for (i = 0; i < 8192; i++)
		CHECK_EQ(img[i], (uint8_t)(i * 7));
	memset(buf, 0, 16384);
	CHECK(srb(&s, 0, rd6, HVP_SRB_DATA_READ, 8192, 4000, &r));
	CHECK_EQ(r.srb.srb_status, HVP_SRB_STATUS_SUCCESS);
	for (i = 0; i < 8192; i++)
		CHECK_EQ(buf[4000 + i], (uint8_t)(i * 7));
	CHECK(!fstat(fd, &st) && st.st_blocks >= 16);
	/* A block not of zeros cannot become a hole: refused, kept. */
	memset(buf, 0, 512);
	buf[511] = 1;
	CHECK(srb(&s, 0, ws, HVP_SRB_DATA_WRITE, 512, 0, &r));
	CHECK_EQ(r.srb.srb_status, HVP_SRB_STATUS_ERROR |
		 HVP_SRB_STATUS_AUTOSENSE_VALID);
	CHECK_EQ(r.srb.sense_data[12], 0x24);
	CHECK(!fstat(fd, &st) && st.st_blocks >= 16);
	buf[511] = 0;
	CHECK(srb(&s, 0, ws, HVP_SRB_DATA_WRITE, 512, 0, &r));
	CHECK_EQ(r.srb.srb_status, HVP_SRB_STATUS_SUCCESS);
	CHECK(!fstat(fd, &st));
	CHECK_EQ(st.st_blocks, 0);
	CHECK_EQ(pread(fd, img, sizeof(img), 32 * 512), sizeof(img));
	for (i = 0; i < 8192; i++)
		CHECK_EQ(img[i], 0);
	close(fd);
	CHECK(strstr(lun_line(&s, 0), " unmaps=0 write_sames=1 "
		     "discard=unmap "));
	/* Past the end: LBA out of range, nothing counted. */
	ws[8] = 0x07, ws[9] = 0xf8;
	CHECK(srb(&s, 0, ws, HVP_SRB_DATA_WRITE, 512, 0, &r));
	CHECK_EQ(r.srb.sense_data[2], SENSE_ILLEGAL_REQUEST);
	CHECK_EQ(r.srb.sense_data[12], 0x21);
	CHECK(strstr(lun_line(&s, 0), " write_sames=1 "));
	/* Autosense delivered the sense: nothing pending. */
	CHECK(srb(&s, 0, (uint8_t[16]){ 0xc1 }, HVP_SRB_DATA_UNKNOWN, 0, 0,
		  &r));
	CHECK_EQ(r.srb.sense_data[12], 0x20);
	memset(buf, 0xee, 64);
	CHECK(srb(&s, 0, (uint8_t[16]){ 0x03, [4] = 18 }, HVP_SRB_DATA_READ,
		  18, 0, &r));
	CHECK_EQ(r.srb.srb_status, HVP_SRB_STATUS_SUCCESS);
	CHECK_EQ(r.srb.data_transfer_length, 18);
	CHECK_EQ(buf[0], 0x70);
	CHECK_EQ(buf[2], SENSE_NO_SENSE);
	CHECK_EQ(buf[12], 0);
	/* A read-only view of the image at LUN 1: DATA PROTECT. */
	snprintf(cmd, sizeof(cmd), "storage add 0 1 path=%s,ro", s.path);
	CHECK(strstr(vg_ctl(&s.g, cmd), "enumerate=sent"));
	CHECK(precv(&s, &pk, &r, &len));
	CHECK_EQ(r.operation, HVP_VSTOR_OP_ENUMERATE_BUS);
	CHECK(strstr(lun_line(&s, 1), " discard=none "));
	ws[8] = 0, ws[9] = 0;
	CHECK(srb(&s, 1, ws, HVP_SRB_DATA_WRITE, 512, 0, &r));
	CHECK_EQ(r.srb.sense_data[2], SENSE_DATA_PROTECT);
	CHECK_EQ(r.srb.sense_data[12], 0x27);
	sg_uninit(&s);
	return true;
}

/*
 * One worker per channel: with every request held 10 s, a request on each
 * of two channels is being worked on (the workers' timestamps) while the
 * other is too. Workers shared by the channels, or one request at a time,
 * would start the second only after the first was given back. Stopping
 * the workers cancels both.
 */
static bool vstor_worker_per_channel(void)
{
	struct stor_disk_spec spec = { .path = "/tmp/hvhost-storvsp-w",
				       .size = 65536 };
	struct storvsp *sv = storvsp_create(NULL);
	struct stor_ctrl c = { .sv = sv };
	struct stor_chan ch[2] = { { .c = &c }, { .c = &c, .index = 1 } };
	struct stor_req *r[2], *done, *next;
	uint8_t data[2][512];
	struct stor_lun *l;
	bool overlap;
	int i, n = 0;

	CHECK(sv);
	unlink(spec.path);
	CHECK(!stor_lun_open(&spec, 1 << 20, &l));
	unlink(spec.path);
	sv->delay_ms = 10000;
	for (i = 0; i < 2; i++)
		CHECK(!stor_worker_start(&ch[i]));
	for (i = 0; i < 2; i++) {
		r[i] = calloc(1, sizeof(*r[i]));
		CHECK(r[i]);
		r[i]->sc = &ch[i];
		r[i]->lun = l;
		stor_lun_get(l);
		l->inflight++;
		r[i]->xfer = 512;
		r[i]->cmd.action = SCSI_READ;
		r[i]->cmd.nblocks = 1;
		r[i]->iov = calloc(1, sizeof(*r[i]->iov));
		CHECK(r[i]->iov);
		r[i]->iov[0] = (struct iovec){ data[i], 512 };
		r[i]->nr_iov = 1;
		stor_submit(r[i]);
	}
	for (i = 0; i < 500; i++) {
		if (__atomic_load_n(&r[0]->t_start, __ATOMIC_ACQUIRE) &&
		    __atomic_load_n(&r[1]->t_start, __ATOMIC_ACQUIRE))
			break;
		usleep(10000);
	}
	for (i = 0; i < 2; i++)
		CHECK(!stor_worker_stop(&ch[i]));
	/* Both were given back, cancelled, their work overlapping. */
	overlap = r[0]->t_start && r[1]->t_start &&
		  r[0]->t_start < r[1]->t_end && r[1]->t_start < r[0]->t_end;
	for (done = sv->done; done; done = next) {
		next = done->next;
		n += done->err == -ECANCELED;
		stor_req_free(done);
	}
	sv->done = sv->done_tail = NULL;
	stor_lun_put(l);
	storvsp_destroy(sv);
	CHECK(overlap);
	CHECK_EQ(n, 2);
	return true;
}

/* The IDE-accelerator class: offer, properties, addressing, one LUN. */
static bool vstor_ide(void)
{
	static const struct hvp_guid ide = HVP_GUID_IDE;
	uint8_t tur[16] = { 0 }, rd[16] = { 0x28, [8] = 1 };
	struct stor_disk_spec scsi = { .lun = -1, .size = 65536 };
	struct hvp_vmbus_offer_channel o;
	struct hvp_vstor_packet r;
	unsigned int lun;
	char cmd[128];
	struct sg s;

	CHECK(sg_init_as(&s, HVP_VSTOR_VERSION_WIN10, true, &o));
	CHECK(!memcmp(&o.offer.if_type, &ide, sizeof(ide)));
	/* Target 1 in bytes 4-5 of the instance, as Hyper-V names it. */
	CHECK_EQ(o.offer.if_instance.b[4], 1);
	CHECK_EQ(o.offer.if_instance.b[5], 0);
	CHECK(handshake(&s));
	CHECK_EQ(ctl_op(&s, HVP_VSTOR_OP_QUERY_PROTOCOL_VERSION, 0x602), 0);
	CHECK_EQ(props_flags(&s), HVP_VSTOR_PROP_SUPPORTS_MULTI_CHANNEL |
				  HVP_VSTOR_PROP_EMULATED_IDE);
	CHECK_EQ(ctl_op(&s, HVP_VSTOR_OP_END_INITIALIZATION, 0), 0);
	/* Target 0 is not this controller's; target 1 is. */
	CHECK(srb(&s, 0, tur, HVP_SRB_DATA_UNKNOWN, 0, 0, &r));
	CHECK_EQ(r.srb.srb_status, HVP_SRB_STATUS_INVALID_LUN);
	s.target = 1;
	CHECK(srb(&s, 0, tur, HVP_SRB_DATA_UNKNOWN, 0, 0, &r));
	CHECK_EQ(r.srb.srb_status, HVP_SRB_STATUS_SUCCESS);
	CHECK(srb(&s, 0, rd, HVP_SRB_DATA_READ, 512, 0, &r));
	CHECK_EQ(r.srb.srb_status, HVP_SRB_STATUS_SUCCESS);
	CHECK_EQ(r.srb.data_transfer_length, 512);
	CHECK(strstr(vg_ctl(&s.g, "storage list"), " class=ide target=1\n"));
	/* LUN 0 only, and of the controller's class. */
	snprintf(cmd, sizeof(cmd), "storage add 0 1 path=%s-2,size=64K",
		 s.path);
	CHECK(strstr(vg_ctl(&s.g, cmd), "lun 0 only"));
	snprintf(cmd, sizeof(cmd), "%s-2", s.path);
	scsi.path = cmd;
	CHECK(storvsp_add_disk(s.sv, &scsi, &lun));	/* not ide=1 */
	sg_uninit(&s);
	return true;
}

/*
 * storage add-controller: the new controller's SCSI-class offer reaches the
 * connected guest at once, with the relid the command printed; an existing
 * controller, an id beyond 15 and a missing id are refused.
 */
static bool vstor_add_controller(void)
{
	static const struct hvp_guid scsi = HVP_GUID_SCSI;
	struct hvp_vmbus_offer_channel o;
	const char *out;
	unsigned int relid;
	struct sg s;

	CHECK(sg_init(&s, HVP_VSTOR_VERSION_WIN10));
	out = vg_ctl(&s.g, "storage add-controller 3");
	CHECK(sscanf(out, "controller=3 relid=%u", &relid) == 1);
	CHECK_EQ(vg_recv(&s.g, VG_VP, &o, NULL), HVP_VMBUS_MSG_OFFERCHANNEL);
	CHECK_EQ(o.child_relid, relid);
	CHECK(!memcmp(&o.offer.if_type, &scsi, sizeof(scsi)));
	CHECK(strstr(vg_ctl(&s.g, "storage list"), "controller=3 relid="));
	CHECK(strstr(vg_ctl(&s.g, "storage add-controller 3"), "exists"));
	CHECK(strstr(vg_ctl(&s.g, "storage add-controller 0"), "exists"));
	CHECK(strstr(vg_ctl(&s.g, "storage add-controller 16"), "usage"));
	CHECK(strstr(vg_ctl(&s.g, "storage add-controller"), "usage"));
	sg_uninit(&s);
	return true;
}

/* ide, ide=T and discard= parse; a target beyond 1 is refused. */
static bool vstor_ide_spec(void)
{
	char buf[64] = "path=/tmp/x,ide=1,lun=0", bad[32] = "path=/x,ide=2";
	struct stor_disk_spec spec;

	CHECK(!stor_parse_spec(buf, &spec, false));
	CHECK(spec.ide);
	CHECK_EQ(spec.ide_target, 1);
	CHECK(stor_parse_spec(bad, &spec, false));
	CHECK(!spec.discard_ws16);
	strcpy(buf, "path=/x,discard=ws16");
	CHECK(!stor_parse_spec(buf, &spec, false));
	CHECK(spec.discard_ws16);
	strcpy(buf, "path=/x,discard=unmap");
	CHECK(!stor_parse_spec(buf, &spec, false));
	CHECK(!spec.discard_ws16);
	strcpy(buf, "path=/x,discard=trim");
	CHECK(stor_parse_spec(buf, &spec, false));
	return true;
}

TAP_SUITE(storvsp_tests,
	{ "storvsp: add-controller offers a SCSI controller at once",
	  vstor_add_controller },
	{ "storvsp: INQUIRY and VPD pages", scsi_inquiry },
	{ "storvsp: capacity, READ/WRITE checks, MODE SENSE, REPORT LUNS",
	  scsi_commands },
	{ "storvsp: UNMAP and WRITE SAME parsing", scsi_unmap },
	{ "storvsp: READ/WRITE(6): 21-bit LBA, 0 blocks is 256", scsi_rw6 },
	{ "storvsp: SYNCHRONIZE CACHE(16), REQUEST SENSE, START STOP, VPD B1",
	  scsi_misc },
	{ "storvsp: MODE SENSE(10): WP, DPOFUA, block descriptor, cut",
	  scsi_mode_sense10 },
	{ "storvsp: WRITE SAME(16): UNMAP form only, ro, range, B0 limit",
	  scsi_write_same },
	{ "storvsp: discard=ws16: LBPWS without LBPU, UNMAP refused",
	  scsi_discard_ws16 },
	{ "storvsp: handshake order, version cap, subchannels",
	  vstor_versions },
	{ "storvsp: five sessions, each gets its subchannels",
	  vstor_sessions },
	{ "storvsp: IDE class: instance names target 1, only it answers, LUN 0",
	  vstor_ide },
	{ "storvsp: ide[=T] and discard= disk options", vstor_ide_spec },
	{ "storvsp: one worker per channel: two held requests overlap",
	  vstor_worker_per_channel },
	{ "storvsp: READ/WRITE(6) at the masked LBA, WRITE SAME(16) punches",
	  vstor_rw6_write_same },
	{ "storvsp: GPA-direct I/O, range checks, faults, unmap, hot-plug",
	  vstor_io });
