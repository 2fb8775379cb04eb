// SPDX-License-Identifier: GPL-2.0
/*
 * The VMBus data path through real rings in fake guest memory: the echo
 * VSP's inband echo and completions, GPA-direct SUM/FILL/ECHO, bursts,
 * flow control both ways, the pre-5.0 interrupt page, a broken ring.
 */
#include <string.h>

#include <hvproto/echo.h>

#include "tests/tap.h"	/* vmbus/tests/tap.h, shared with the ring tests */
#include "vmbus_guest.h"

static bool open_echo(struct vg *g, uint32_t version, uint32_t half)
{
	return vg_init(g, version, 1) && vg_connect(g, version) &&
	       vg_request_offers(g, NULL, 0) == 1 && vg_open(g, 1, half, 0) == 0;
}

static int gsend(struct vg *g, uint16_t type, uint16_t flags, uint64_t id,
		 const void *ext, uint32_t ext_len, const void *data,
		 uint32_t len)
{
	struct hvg_ring_wdesc d = {
		.type = type, .flags = flags, .ext_len = ext_len,
		.trans_id = id,
	};
	struct hvg_ring_seg s[2] = { { ext, ext_len }, { data, len } };
	bool signal = false;
	int err = hvg_ring_write(&g->tx, &d, s, 2, &signal);

	if (!err && signal)
		vg_signal(g);
	return err;
}

/* Reads one packet; its payload into @buf. */
static int grecv(struct vg *g, struct hvg_ring_pkt *p, uint8_t *buf,
		 uint32_t size)
{
	int err = hvg_ring_read(&g->rx, buf, size, p);

	if (!err)
		memmove(buf, buf + p->offset, p->len - p->offset);
	return err;
}

static bool echo_inband(void)
{
	static uint8_t buf[70000];
	uint8_t msg[24] = "hello, echo device";
	struct hvg_ring_pkt p;
	struct vg g;

	CHECK(open_echo(&g, HVP_VMBUS_VERSION_WIN10_V5_3, 4));
	CHECK_EQ(gsend(&g, HVP_PKT_DATA_INBAND, 0, 42, NULL, 0, msg,
		       sizeof(msg)), 0);
	CHECK(vg_event_pending(&g, 0, 1));
	CHECK_EQ(grecv(&g, &p, buf, sizeof(buf)), 0);
	CHECK_EQ(p.type, HVP_PKT_DATA_INBAND);
	CHECK_EQ(p.trans_id, 42);
	CHECK_EQ(p.len - p.offset, sizeof(msg));
	CHECK(!memcmp(buf, msg, sizeof(msg)));
	CHECK_EQ(grecv(&g, &p, buf, sizeof(buf)), -EAGAIN);
	hvg_ring_read_done(&g.rx);
	/* COMPLETION_REQUESTED: answered with a completion. */
	CHECK_EQ(gsend(&g, HVP_PKT_DATA_INBAND,
		       HVP_PKT_FLAG_COMPLETION_REQUESTED, 43, NULL, 0, msg, 8),
		 0);
	CHECK(vg_event_pending(&g, 0, 1));
	CHECK_EQ(grecv(&g, &p, buf, sizeof(buf)), 0);
	CHECK_EQ(p.type, HVP_PKT_COMP);
	CHECK_EQ(p.trans_id, 43);
	CHECK(!memcmp(buf, msg, 8));
	hvg_ring_read_done(&g.rx);
	/* The largest payload the 12 KiB ring takes, and an unknown type. */
	memset(buf, 0x5a, 12000);
	CHECK_EQ(gsend(&g, HVP_PKT_DATA_INBAND, 0, 44, NULL, 0, buf, 12000), 0);
	memset(buf, 0, 12000);
	CHECK_EQ(grecv(&g, &p, buf, sizeof(buf)), 0);
	CHECK_EQ(p.len - p.offset, 12000);
	CHECK_EQ(buf[11999], 0x5a);
	hvg_ring_read_done(&g.rx);
	CHECK_EQ(gsend(&g, HVP_PKT_SYNCH, 0, 45, NULL, 0, msg, 8), 0);
	CHECK(strstr(vg_ctl(&g, "vmbus channels"),
		     " rx_packets=4 tx_packets=3 "));
	CHECK_EQ(g.srv->stats.bad_packets, 1);
	vg_uninit(&g);
	return true;
}

struct gpa_req {
	uint32_t reserved;
	uint32_t range_count;
	uint32_t len, offset;
	uint64_t pfn[4];
};

static bool gpa(struct vg *g, uint32_t op, uint32_t len, uint64_t seed,
		const struct gpa_req *ext, uint32_t ext_len,
		struct hvp_echo_resp *resp, uint8_t *data)
{
	struct hvp_echo_req req = { .op = op, .len = len, .seed = seed };
	static uint8_t buf[16384];
	struct hvg_ring_pkt p;

	if (gsend(g, HVP_PKT_DATA_USING_GPA_DIRECT,
		  HVP_PKT_FLAG_COMPLETION_REQUESTED, 0x77, ext, ext_len, &req,
		  sizeof(req)) ||
	    grecv(g, &p, buf, sizeof(buf)) || p.type != HVP_PKT_COMP ||
	    p.trans_id != 0x77 || p.len - p.offset < sizeof(*resp))
		return false;
	memcpy(resp, buf, sizeof(*resp));
	if (data)
		memcpy(data, buf + sizeof(*resp), p.len - p.offset -
		       sizeof(*resp));
	hvg_ring_read_done(&g->rx);
	return true;
}

static bool echo_gpa_direct(void)
{
	struct gpa_req ext = {
		.range_count = 1, .len = 10000, .offset = 100,
		.pfn = { 0xa0, 0xa3, 0xa2 },
	};
	uint8_t *ram, out[400];
	struct hvp_echo_resp resp;
	uint64_t h;
	uint32_t i;
	struct vg g;

	CHECK(open_echo(&g, HVP_VMBUS_VERSION_WIN10_V5_3, 8));
	ram = g.fx.ram;
	for (i = 0; i < 4 * 4096; i++)
		ram[0xa0000 + i] = (uint8_t)(i * 13 + 1);
	/* SUM over 3 non-contiguous pages from offset 100. */
	h = hvp_echo_fnv_init(9);
	h = hvp_echo_fnv(h, ram + 0xa0000 + 100, 3996);
	h = hvp_echo_fnv(h, ram + 0xa3000, 4096);
	h = hvp_echo_fnv(h, ram + 0xa2000, 10000 - 3996 - 4096);
	CHECK(gpa(&g, HVP_ECHO_OP_SUM, 10000, 9, &ext, 40, &resp, NULL));
	CHECK_EQ(resp.status, HVP_ECHO_OK);
	CHECK_EQ(resp.len, 10000);
	CHECK_EQ(resp.sum, h);
	/* FILL writes the pattern into the guest's pages. */
	CHECK(gpa(&g, HVP_ECHO_OP_FILL, 10000, 3, &ext, 40, &resp, NULL));
	CHECK_EQ(resp.status, HVP_ECHO_OK);
	CHECK_EQ(ram[0xa0000 + 99], (uint8_t)(99 * 13 + 1));
	CHECK_EQ(ram[0xa0000 + 100], hvp_echo_byte(3, 0));
	CHECK_EQ(ram[0xa3000 + 5], hvp_echo_byte(3, 3996 + 5));
	CHECK_EQ(ram[0xa2000 + 1907], hvp_echo_byte(3, 9999));
	CHECK_EQ(ram[0xa2000 + 1908], (uint8_t)((0x2000 + 1908) * 13 + 1));
	h = hvp_echo_fnv_init(3);
	for (i = 0; i < 10000; i++) {
		uint8_t b = hvp_echo_byte(3, i);

		h = hvp_echo_fnv(h, &b, 1);
	}
	CHECK_EQ(resp.sum, h);
	/* ECHO returns the bytes. */
	ext.len = 300;
	ext.offset = 4000;
	CHECK(gpa(&g, HVP_ECHO_OP_ECHO, 300, 0, &ext, 32, &resp, out));
	CHECK_EQ(resp.status, HVP_ECHO_OK);
	CHECK(!memcmp(out, ram + 0xa0000 + 4000, 96));
	CHECK(!memcmp(out + 96, ram + 0xa3000, 204));
	/* Bad: length mismatch, PFN outside RAM (nothing written), op. */
	CHECK(gpa(&g, HVP_ECHO_OP_SUM, 301, 0, &ext, 32, &resp, NULL));
	CHECK_EQ(resp.status, HVP_ECHO_BAD_REQUEST);
	ext.pfn[1] = FX_RAM_SIZE / 4096;
	memset(ram + 0xa0000, 0xee, 4096);
	CHECK(gpa(&g, HVP_ECHO_OP_FILL, 300, 0, &ext, 32, &resp, NULL));
	CHECK_EQ(resp.status, HVP_ECHO_BAD_RANGE);
	CHECK_EQ(ram[0xa0000 + 4000], 0xee);
	ext.pfn[1] = 0xa1;
	CHECK(gpa(&g, 9, 300, 0, &ext, 32, &resp, NULL));
	CHECK_EQ(resp.status, HVP_ECHO_BAD_REQUEST);
	/* Ranges that overrun the extension. */
	ext.range_count = 2;
	CHECK(gpa(&g, HVP_ECHO_OP_SUM, 300, 0, &ext, 32, &resp, NULL));
	CHECK_EQ(resp.status, HVP_ECHO_BAD_RANGE);
	ext.range_count = 1;
	ext.len = 0;
	CHECK(gpa(&g, HVP_ECHO_OP_SUM, 0, 0, &ext, 32, &resp, NULL));
	CHECK_EQ(resp.status, HVP_ECHO_BAD_RANGE);
	CHECK(strstr(vg_ctl(&g, "echo stats 1"),
		     "relid=1 echoed=1 sums=1 fills=1 burst_sent=0 "
		     "burst_pending=0 errors=5\n"));
	vg_uninit(&g);
	return true;
}

/* Drains the host->guest ring, checking burst packets in order. */
static bool drain_burst(struct vg *g, uint64_t *seq, uint32_t size)
{
	static uint8_t buf[8192];
	struct hvg_ring_pkt p;
	struct hvp_echo_req h;
	uint32_t j;

	while (!grecv(g, &p, buf, sizeof(buf))) {
		memcpy(&h, buf, sizeof(h));
		if (p.type != HVP_PKT_DATA_INBAND || p.trans_id ||
		    h.op != HVP_ECHO_OP_BURST || h.len != size ||
		    h.seed != *seq)
			return false;
		for (j = 0; j < size - sizeof(h); j++)
			if (buf[sizeof(h) + j] != hvp_echo_byte(*seq, j))
				return false;
		(*seq)++;
	}
	if (hvg_ring_read_done(&g->rx))
		vg_signal(g);
	return true;
}

static bool echo_burst(void)
{
	uint64_t seq = 0;
	unsigned int rounds = 0;
	struct vg g;

	CHECK(open_echo(&g, HVP_VMBUS_VERSION_WIN10_V5_3, 2));
	/* 3 packets of 1048 bytes fit a 4 KiB ring; the rest waits. */
	CHECK(!strcmp(vg_ctl(&g, "echo burst 1 50 1024"),
		      "relid=1 sent=3 pending=47\n.\n"));
	CHECK(vg_event_pending(&g, 0, 1));
	while (seq < 50 && rounds++ < 100)
		CHECK(drain_burst(&g, &seq, 1024));
	CHECK_EQ(seq, 50);
	CHECK(strstr(vg_ctl(&g, "echo stats 1"), " burst_sent=50 "
		     "burst_pending=0 errors=0\n"));
	CHECK(strstr(vg_ctl(&g, "echo burst 1 5 8"), "error: bad SIZE"));
	CHECK(strstr(vg_ctl(&g, "echo burst 2 5 64"), "error: "));
	CHECK(strstr(vg_ctl(&g, "echo burst 1 5"), "error: usage"));
	vg_uninit(&g);
	return true;
}

/* The guest sends more than the host can answer at once: nothing lost. */
static bool echo_backpressure(void)
{
	static uint8_t buf[4096], msg[512];
	uint32_t sent = 0, got = 0, rounds = 0;
	struct hvg_ring_pkt p;
	struct vg g;

	CHECK(open_echo(&g, HVP_VMBUS_VERSION_WIN10_V5_3, 3));
	while (got < 200 && rounds++ < 2000) {
		while (sent < 200) {
			memset(msg, (int)sent, sizeof(msg));
			if (gsend(&g, HVP_PKT_DATA_INBAND, 0, sent + 1, NULL,
				  0, msg, sizeof(msg)))
				break;
			sent++;
		}
		while (!grecv(&g, &p, buf, sizeof(buf))) {
			CHECK_EQ(p.trans_id, got + 1);
			CHECK_EQ(buf[511], (uint8_t)got);
			got++;
		}
		if (hvg_ring_read_done(&g.rx))
			vg_signal(&g);
	}
	CHECK_EQ(got, 200);
	CHECK(chan_find(g.srv, 1)->tx_packets == 200);
	vg_uninit(&g);
	return true;
}

/* Before 5.0 a guest may signal with the interrupt page and id 2. */
static bool echo_int_page(void)
{
	uint64_t *bits;
	uint8_t msg[8] = "ping";
	static uint8_t buf[4096];
	struct hvg_ring_pkt p;
	struct vg g;

	CHECK(open_echo(&g, HVP_VMBUS_VERSION_WIN10, 2));
	g.chan_conn = 0xffffff;	/* keep gsend from signalling */
	CHECK_EQ(gsend(&g, HVP_PKT_DATA_INBAND, 0, 1, NULL, 0, msg, 8), 0);
	CHECK_EQ(grecv(&g, &p, buf, sizeof(buf)), -EAGAIN);
	bits = (uint64_t *)(g.fx.ram + VG_INT_PAGE + 2048);
	bits[0] |= 1ull << 1;
	CHECK_EQ(fx_signal(&g.fx, VG_VP, HVP_VMBUS_EVENT_CONN_ID, 0), 0);
	CHECK_EQ(bits[0], 0);
	CHECK_EQ(grecv(&g, &p, buf, sizeof(buf)), 0);
	CHECK(!memcmp(buf, msg, 8));
	vg_uninit(&g);
	return true;
}

/* 3.0: shared event id; a signal without interrupt-page bits still works. */
static bool echo_shared_event(void)
{
	struct hvp_vmbus_offer_channel o;
	uint8_t msg[8] = "pong";
	static uint8_t buf[4096];
	struct hvg_ring_pkt p;
	struct vg g;

	CHECK(vg_init(&g, HVP_VMBUS_VERSION_WIN10_V5_3, 1));
	CHECK(vg_connect(&g, HVP_VMBUS_VERSION_WIN8_1));
	CHECK_EQ(vg_request_offers(&g, &o, 1), 1);
	CHECK_EQ(o.connection_id, 0);
	CHECK_EQ(o.interrupt_flags, 0);
	CHECK_EQ(vg_open(&g, 1, 2, 0), 0);
	g.chan_conn = HVP_VMBUS_EVENT_CONN_ID;
	CHECK_EQ(gsend(&g, HVP_PKT_DATA_INBAND, 0, 1, NULL, 0, msg, 8), 0);
	CHECK_EQ(grecv(&g, &p, buf, sizeof(buf)), 0);
	CHECK(!memcmp(buf, msg, 8));
	vg_uninit(&g);
	return true;
}

/* Garbage indices break the ring, not the host. */
static bool echo_broken_ring(void)
{
	struct vg g;

	CHECK(open_echo(&g, HVP_VMBUS_VERSION_WIN10_V5_3, 2));
	g.tx.hdr->write_index = 4093;
	CHECK_EQ(vg_signal(&g), 0);
	CHECK_EQ(g.srv->stats.broken_rings, 1);
	CHECK_EQ(vg_signal(&g), 0);
	/* The guest can still close and tear down. */
	vg_close(&g, 1);
	CHECK_EQ(vg_teardown(&g, 1, 0xe1e11), HVP_VMBUS_MSG_GPADL_TORNDOWN);
	vg_uninit(&g);
	return true;
}

/* The guest vanishing with channels open and traffic queued. */
static bool echo_teardown_open(void)
{
	uint8_t msg[64] = { 1 };
	struct vg g;

	CHECK(open_echo(&g, HVP_VMBUS_VERSION_WIN10_V5_3, 2));
	CHECK(strstr(vg_ctl(&g, "echo burst 1 100 512"), "pending="));
	CHECK_EQ(gsend(&g, HVP_PKT_DATA_INBAND, 0, 1, NULL, 0, msg, 64), 0);
	CHECK(!strcmp(vg_ctl(&g, "vmbus rescind 1"), "relid=1 rescinded\n.\n"));
	CHECK_EQ(gsend(&g, HVP_PKT_DATA_INBAND, 0, 2, NULL, 0, msg, 64), 0);
	vg_uninit(&g);
	return true;
}

TAP_SUITE(vmbus_data_tests,
	{ "echo: inband echo and completion", echo_inband },
	{ "echo: GPA-direct SUM, FILL, ECHO, bad requests", echo_gpa_direct },
	{ "echo: burst with pending_send_sz flow control", echo_burst },
	{ "echo: guest->host backpressure", echo_backpressure },
	{ "echo: pre-5.0 interrupt page signalling", echo_int_page },
	{ "echo: pre-4.0 shared event connection id", echo_shared_event },
	{ "echo: broken ring", echo_broken_ring },
	{ "echo: teardown with channels open", echo_teardown_open });
