// SPDX-License-Identifier: GPL-2.0
/*
 * The timesync VSP and the IC helpers: NEGOTIATE bytes per configuration,
 * the checks on the guest's answers, SYNC/SAMPLE encoding per version and
 * the 1601 epoch, the host clock's shift and drift, TIME_REF_COUNT, the
 * bytes of every inject case, the protocol end to end through real
 * rings with a fake guest answering in place, and the host time probe a
 * guest test reads through the mailbox (HVEMU_TEST_REQ_TIMESYNC_TIME).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hvproto/tlfs.h>

#include "core/mailbox.h"
#include "ctl_cmd.h"
#include "test_service.h"
#include "tests/tap.h"	/* vmbus/tests/tap.h, shared with the ring tests */
#include "vmbus_guest.h"
#include "vsp/ic.h"
#include "vsp/timesync.h"

#define V(a, b)		ic_ver(a, b)
#define NOW_1601()	ts_unix_to_1601((int64_t)time(NULL) * TS_NSEC)

static struct hvp_ic_msg_header hdr(const uint8_t *msg)
{
	struct hvp_ic_msg_header h;

	memcpy(&h, msg + 8, sizeof(h));
	return h;
}

static struct hvp_ic_pipe_header pipe_hdr(const uint8_t *msg)
{
	struct hvp_ic_pipe_header p;

	memcpy(&p, msg, sizeof(p));
	return p;
}

static uint16_t le16_at(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint64_t le64_at(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static bool ts_negotiate_bytes(void)
{
	static const uint8_t all[] = {
		0, 0, 0, 0, 48, 0, 0, 0,		/* pipe: flags, msgsize */
		1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 28, 0,	/* 1.0 NEGOTIATE 1.0 28 */
		0, 0, 0, 0, 7, 3, 0, 0,			/* status, tid, flags */
		2, 0, 3, 0, 0, 0, 0, 0,			/* counts 2 and 3 */
		3, 0, 0, 0, 1, 0, 0, 0,			/* framework 3.0 1.0 */
		4, 0, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0,	/* service 4.0 3.0 1.0 */
	};
	static const uint8_t oldest[] = {	/* the versions, oldest first */
		1, 0, 0, 0, 3, 0, 0, 0,
		1, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0,
	};
	uint8_t buf[IC_MSG_MAX];

	CHECK_EQ(ts_build_negotiate(buf, sizeof(buf), 7, V(0, 0), false), 56);
	CHECK(!memcmp(buf, all, sizeof(all)));
	/* A cap offers only that service version. */
	CHECK_EQ(ts_build_negotiate(buf, sizeof(buf), 9, V(3, 0), false), 48);
	CHECK_EQ(pipe_hdr(buf).msgsize, 40);
	CHECK_EQ(hdr(buf).msgsize, 20);
	CHECK_EQ(hdr(buf).transaction_id, 9);
	CHECK_EQ(le16_at(buf + 28), 2);
	CHECK_EQ(le16_at(buf + 30), 1);
	CHECK_EQ(le16_at(buf + 44), 3);
	CHECK_EQ(le16_at(buf + 46), 0);
	CHECK_EQ(ts_build_negotiate(buf, sizeof(buf), 9, V(1, 0), false), 48);
	CHECK_EQ(le16_at(buf + 44), 1);
	/* Oldest first: the same versions, each list reversed. */
	CHECK_EQ(ts_build_negotiate(buf, sizeof(buf), 7, V(0, 0), true), 56);
	CHECK(!memcmp(buf, all, 36));
	CHECK(!memcmp(buf + 36, oldest, sizeof(oldest)));
	CHECK_EQ(ts_build_negotiate(buf, sizeof(buf), 9, V(3, 0), true), 48);
	CHECK(!memcmp(buf + 36, oldest, 8));	/* framework 1.0 3.0 */
	CHECK_EQ(le16_at(buf + 44), 3);
	/* Too small a buffer, too many versions. */
	CHECK_EQ(ts_build_negotiate(buf, 55, 7, V(0, 0), false), 0);
	CHECK_EQ(ic_build_negotiate(buf, sizeof(buf), 1, ic_frameworks, 101,
				    NULL, 0), 0);
	return true;
}

static bool ts_parse_versions(void)
{
	struct hvp_ic_version v;

	CHECK(ts_parse_version("4.0", &v) && v.major == 4 && !v.minor);
	CHECK(ts_parse_version("3.0", &v) && v.major == 3);
	CHECK(ts_parse_version("1.0", &v) && v.major == 1);
	CHECK(ts_parse_version("all", &v) && !v.major);
	CHECK(!ts_parse_version("2.0", &v));
	CHECK(!ts_parse_version("4", &v));
	CHECK(!ts_parse_version("4.0x", &v));
	CHECK(!ts_parse_version("-4.0", &v));
	CHECK(!ts_parse_version("", &v));
	CHECK(ic_parse_version("65535.65535", &v) && v.minor == 65535);
	CHECK(!ic_parse_version("65536.0", &v));
	return true;
}

/* The guest's in-place answer to a NEGOTIATE: counts and versions. */
static uint32_t answer_negotiate(uint8_t *buf, const uint8_t *req,
				 uint32_t len, uint16_t nfw, uint16_t nsvc,
				 struct hvp_ic_version fw,
				 struct hvp_ic_version svc)
{
	struct hvp_ic_msg_header h = hdr(req);
	struct hvp_ic_negotiate n = {
		.framework_count = nfw, .service_count = nsvc,
	};

	if (buf != req)
		memcpy(buf, req, len);
	h.flags = HVP_IC_FLAG_TRANSACTION | HVP_IC_FLAG_RESPONSE;
	h.msgsize = 16;
	memcpy(buf + 8, &h, sizeof(h));
	memcpy(buf + 28, &n, sizeof(n));
	memcpy(buf + 36, &fw, 4);
	memcpy(buf + 40, &svc, 4);
	return len;
}

static void patch_header(uint8_t *buf, void (*fn)(struct hvp_ic_msg_header *))
{
	struct hvp_ic_msg_header h = hdr(buf);

	fn(&h);
	memcpy(buf + 8, &h, sizeof(h));
}

static void set_tid(struct hvp_ic_msg_header *h) { h->transaction_id ^= 1; }
static void set_type(struct hvp_ic_msg_header *h) { h->msgtype = 4; }
static void set_fw(struct hvp_ic_msg_header *h) { h->framework_version.major = 3; }
static void set_flags_resp(struct hvp_ic_msg_header *h) { h->flags = HVP_IC_FLAG_RESPONSE; }
static void set_flags_req(struct hvp_ic_msg_header *h) { h->flags |= HVP_IC_FLAG_REQUEST; }
static void set_status(struct hvp_ic_msg_header *h) { h->status = HVP_IC_E_FAIL; }
static void set_big(struct hvp_ic_msg_header *h) { h->msgsize = 29; }
static void set_small(struct hvp_ic_msg_header *h) { h->msgsize = 12; }
static void set_7(struct hvp_ic_msg_header *h) { h->msgsize = 7; }

static bool ts_negotiate_answers(void)
{
	uint8_t req[IC_MSG_MAX], a[IC_MSG_MAX];
	struct ic_negotiated n;
	struct ic_request r;
	struct ic_pending p;
	uint32_t len = ts_build_negotiate(req, sizeof(req), 5, V(0, 0), false);

	ic_pending_init(&p);
	CHECK_EQ(ic_next_trans_id(&p), 1);
	ic_pending_add(&p, 1, 0, req, len);
	CHECK(!ic_pending_take(&p, 2, &r));
	CHECK(ic_pending_take(&p, 1, &r));
	CHECK(!ic_pending_take(&p, 1, &r));
	CHECK_EQ(r.len, 56);
	/* Good: the chosen pair, and the 8-byte padding the ring adds. */
	answer_negotiate(a, req, len, 1, 1, V(3, 0), V(4, 0));
	CHECK_EQ(ic_parse_negotiate(&r, a, len, &n), IC_RESP_OK);
	CHECK(n.match && n.fw.major == 3 && n.svc.major == 4);
	answer_negotiate(a, req, len, 1, 1, V(1, 0), V(1, 0));
	CHECK_EQ(ic_parse_negotiate(&r, a, len, &n), IC_RESP_OK);
	CHECK(n.match && n.fw.major == 1 && n.svc.major == 1);
	/* No common version: counts 0/0, whatever the status. */
	answer_negotiate(a, req, len, 0, 0, V(0, 0), V(0, 0));
	patch_header(a, set_status);
	CHECK_EQ(ic_parse_negotiate(&r, a, len, &n), IC_RESP_OK);
	CHECK(!n.match);
	/* Lengths: short, past the ring's padding, below the header. */
	answer_negotiate(a, req, len, 1, 1, V(3, 0), V(4, 0));
	CHECK_EQ(ic_parse_negotiate(&r, a, len - 1, &n), IC_RESP_LENGTH);
	CHECK_EQ(ic_parse_negotiate(&r, a, len + 8, &n), IC_RESP_LENGTH);
	CHECK_EQ(ic_parse_negotiate(&r, a, 0, &n), IC_RESP_LENGTH);
	/* Pipe header, IC header fields, flags, status. */
	a[4]++;
	CHECK_EQ(ic_parse_negotiate(&r, a, len, &n), IC_RESP_PIPE);
	a[4]--;
#define BAD(fn, err) \
	do { \
		answer_negotiate(a, req, len, 1, 1, V(3, 0), V(4, 0)); \
		patch_header(a, fn); \
		CHECK_EQ(ic_parse_negotiate(&r, a, len, &n), err); \
		CHECK(!n.match); \
	} while (0)
	BAD(set_tid, IC_RESP_HEADER);
	BAD(set_type, IC_RESP_HEADER);
	BAD(set_fw, IC_RESP_HEADER);
	BAD(set_flags_resp, IC_RESP_FLAGS);
	BAD(set_flags_req, IC_RESP_FLAGS);
	BAD(set_status, IC_RESP_STATUS);
	BAD(set_big, IC_RESP_BODY);	/* msgsize past the packet */
	BAD(set_small, IC_RESP_BODY);	/* msgsize short of the versions */
	BAD(set_7, IC_RESP_BODY);	/* msgsize short of the counts */
#undef BAD
	/* Counts other than 1/1 and 0/0. */
	answer_negotiate(a, req, len, 2, 1, V(3, 0), V(4, 0));
	CHECK_EQ(ic_parse_negotiate(&r, a, len, &n), IC_RESP_COUNTS);
	answer_negotiate(a, req, len, 0, 1, V(3, 0), V(4, 0));
	CHECK_EQ(ic_parse_negotiate(&r, a, len, &n), IC_RESP_COUNTS);
	answer_negotiate(a, req, len, 101, 101, V(3, 0), V(4, 0));
	CHECK_EQ(ic_parse_negotiate(&r, a, len, &n), IC_RESP_COUNTS);
	/* Versions the host did not offer. */
	answer_negotiate(a, req, len, 1, 1, V(2, 0), V(4, 0));
	CHECK_EQ(ic_parse_negotiate(&r, a, len, &n), IC_RESP_VERSION);
	answer_negotiate(a, req, len, 1, 1, V(3, 0), V(5, 0));
	CHECK_EQ(ic_parse_negotiate(&r, a, len, &n), IC_RESP_VERSION);
	answer_negotiate(a, req, len, 1, 1, V(4, 0), V(3, 0));
	CHECK_EQ(ic_parse_negotiate(&r, a, len, &n), IC_RESP_VERSION);
	/* Capped at 3.0: 4.0 is no longer an answer. */
	len = ts_build_negotiate(req, sizeof(req), 6, V(3, 0), false);
	ic_pending_add(&p, 2, 0, req, len);
	CHECK(ic_pending_take(&p, 2, &r));
	answer_negotiate(a, req, len, 1, 1, V(3, 0), V(4, 0));
	CHECK_EQ(ic_parse_negotiate(&r, a, len, &n), IC_RESP_VERSION);
	answer_negotiate(a, req, len, 1, 1, V(3, 0), V(3, 0));
	CHECK_EQ(ic_parse_negotiate(&r, a, len, &n), IC_RESP_OK);
	return true;
}

static bool ts_time_answers(void)
{
	uint8_t req[IC_MSG_MAX], a[IC_MSG_MAX];
	struct hvp_ic_msg_header h;
	struct ic_request r;
	struct ic_pending p;
	uint32_t len, i;

	ic_pending_init(&p);
	len = ts_build(req, sizeof(req), V(3, 0), V(4, 0), 3,
		       HVP_TS_FLAG_SYNC, 123456789, 42);
	ic_pending_add(&p, 3, 1, req, len);
	CHECK(ic_pending_take(&p, 3, &r));
	CHECK_EQ(r.tag, 1);
	memcpy(a, req, len);
	h = hdr(a);
	h.flags = HVP_IC_FLAG_TRANSACTION | HVP_IC_FLAG_RESPONSE;
	memcpy(a + 8, &h, sizeof(h));
	CHECK_EQ(ic_check_response(&r, a, len), IC_RESP_OK);
	CHECK_EQ(ic_check_response(&r, a, 56), IC_RESP_OK);	/* padded */
	CHECK_EQ(ic_check_response(&r, a, 57), IC_RESP_LENGTH);
	CHECK_EQ(ic_check_response(&r, a, len - 1), IC_RESP_LENGTH);
	a[28]++;	/* parent_time changed */
	CHECK_EQ(ic_check_response(&r, a, len), IC_RESP_BODY);
	a[28]--;
	patch_header(a, set_7);
	CHECK_EQ(ic_check_response(&r, a, len), IC_RESP_BODY);
	memcpy(a + 8, &h, sizeof(h));
	patch_header(a, set_status);
	CHECK_EQ(ic_check_response(&r, a, len), IC_RESP_STATUS);
	memcpy(a + 8, &h, sizeof(h));
	patch_header(a, set_tid);
	CHECK_EQ(ic_check_response(&r, a, len), IC_RESP_HEADER);
	memcpy(a + 8, &h, sizeof(h));
	patch_header(a, set_flags_resp);
	CHECK_EQ(ic_check_response(&r, a, len), IC_RESP_FLAGS);
	/* The oldest of more than IC_MAX_PENDING is dropped and counted. */
	for (i = 0; i <= IC_MAX_PENDING; i++)
		ic_pending_add(&p, 100 + i, 0, req, len);
	CHECK_EQ(p.unanswered, 1);
	CHECK(!ic_pending_take(&p, 100, &r));
	CHECK(ic_pending_take(&p, 101, &r));
	CHECK(ic_pending_take(&p, 100 + IC_MAX_PENDING, &r));
	for (i = 0; i < ARRAY_SIZE(p.r); i++)
		CHECK(i < IC_MAX_PENDING);
	CHECK(strcmp(ic_resp_err_name(IC_RESP_VERSION), "?"));
	CHECK(!strcmp(ic_resp_err_name(IC_RESP_NR), "?"));
	return true;
}

static bool ts_encoding(void)
{
	uint8_t buf[IC_MSG_MAX];
	struct hvp_ic_msg_header h;

	/* 1.0 and 3.0: ictimesync_data, 25 bytes. */
	CHECK_EQ(ts_build(buf, sizeof(buf), V(1, 0), V(1, 0), 0x21,
			  HVP_TS_FLAG_SYNC, 0x1122334455667788ull, 99), 53);
	h = hdr(buf);
	CHECK_EQ(pipe_hdr(buf).msgsize, 45);
	CHECK_EQ(h.msgtype, HVP_IC_MSG_TIMESYNC);
	CHECK_EQ(h.msgsize, 25);
	CHECK_EQ(h.framework_version.major, 1);
	CHECK_EQ(h.msg_version.major, 1);
	CHECK_EQ(h.flags, HVP_IC_FLAG_TRANSACTION | HVP_IC_FLAG_REQUEST);
	CHECK_EQ(h.transaction_id, 0x21);
	CHECK_EQ(h.status, 0);
	CHECK_EQ(le64_at(buf + 28), 0x1122334455667788ull);
	CHECK_EQ(le64_at(buf + 36), 0);		/* child_time */
	CHECK_EQ(le64_at(buf + 44), 0);		/* round_trip_time */
	CHECK_EQ(buf[52], HVP_TS_FLAG_SYNC);
	CHECK_EQ(ts_build(buf, sizeof(buf), V(3, 0), V(3, 0), 1,
			  HVP_TS_FLAG_SAMPLE, 5, 99), 53);
	CHECK_EQ(hdr(buf).msg_version.major, 3);
	CHECK_EQ(buf[52], HVP_TS_FLAG_SAMPLE);
	/* 4.0: ictimesync_ref_data, 22 bytes, with the reference time. */
	CHECK_EQ(ts_build(buf, sizeof(buf), V(3, 0), V(4, 0), 2,
			  HVP_TS_FLAG_SAMPLE, 0x0102030405060708ull,
			  0xabcdefull), 50);
	h = hdr(buf);
	CHECK_EQ(h.msgsize, 22);
	CHECK_EQ(h.framework_version.major, 3);
	CHECK_EQ(h.msg_version.major, 4);
	CHECK_EQ(le64_at(buf + 28), 0x0102030405060708ull);
	CHECK_EQ(le64_at(buf + 36), 0xabcdefull);
	CHECK_EQ(buf[44], HVP_TS_FLAG_SAMPLE);
	CHECK_EQ(buf[45] | buf[46] | buf[47] | buf[48] | buf[49], 0);
	/* The epoch: 1601, 1970, 2000-01-01 and 2001-09-09 01:46:40 UTC. */
	CHECK_EQ(ts_unix_to_1601(0), HVP_TS_EPOCH_DELTA);
	CHECK_EQ(ts_unix_to_1601(946684800ll * TS_NSEC), 125911584000000000ull);
	CHECK_EQ(ts_unix_to_1601(1000000000ll * TS_NSEC),
		 126444736000000000ull);
	CHECK_EQ(ts_unix_to_1601(199), HVP_TS_EPOCH_DELTA + 1);
	CHECK_EQ(ts_unix_to_1601(-1), HVP_TS_EPOCH_DELTA - 1);
	CHECK_EQ(ts_unix_to_1601(-100), HVP_TS_EPOCH_DELTA - 1);
	CHECK_EQ(ts_unix_to_1601(-101), HVP_TS_EPOCH_DELTA - 2);
	/* The oldest int64 ns (1677) still floors correctly. */
	CHECK_EQ(ts_unix_to_1601(INT64_MIN), 24211015631452241ull);
	return true;
}

static bool ts_clock_math(void)
{
	struct ts_clock c = { 0 };
	int64_t x;

	/* Shifts: negative and fractional, ns precision, bounded. */
	CHECK(ts_parse_fixed("3600", 9, true, TS_MAX_SHIFT_NS, &x));
	CHECK_EQ(x, 3600000000000ll);
	CHECK(ts_parse_fixed("-0.25", 9, true, TS_MAX_SHIFT_NS, &x));
	CHECK_EQ(x, -250000000ll);
	CHECK(ts_parse_fixed("+1.000000001", 9, true, TS_MAX_SHIFT_NS, &x));
	CHECK_EQ(x, 1000000001ll);
	CHECK(ts_parse_fixed(".5", 9, true, TS_MAX_SHIFT_NS, &x));
	CHECK_EQ(x, 500000000ll);
	CHECK(ts_parse_fixed("-3000000000", 9, true, TS_MAX_SHIFT_NS, &x));
	CHECK(!ts_parse_fixed("3000000000.1", 9, true, TS_MAX_SHIFT_NS, &x));
	CHECK(!ts_parse_fixed("99999999999999999999", 9, true, INT64_MAX, &x));
	CHECK(!ts_parse_fixed("1.0000000001", 9, true, TS_MAX_SHIFT_NS, &x));
	CHECK(!ts_parse_fixed("1.2.3", 9, true, TS_MAX_SHIFT_NS, &x));
	CHECK(!ts_parse_fixed("", 9, true, TS_MAX_SHIFT_NS, &x));
	CHECK(!ts_parse_fixed("-", 9, true, TS_MAX_SHIFT_NS, &x));
	CHECK(!ts_parse_fixed(".", 9, true, TS_MAX_SHIFT_NS, &x));
	CHECK(!ts_parse_fixed("1e3", 9, true, TS_MAX_SHIFT_NS, &x));
	CHECK(!ts_parse_fixed("-1", 9, false, TS_MAX_SHIFT_NS, &x));
	CHECK(ts_parse_fixed("12.5", 3, true, TS_MAX_DRIFT_PPB, &x));
	CHECK_EQ(x, 12500);
	/* Host time = realtime + shift + drift since it was set. */
	c.shift_ns = -250000000;
	CHECK_EQ(ts_clock_now(&c, 1000 * TS_NSEC, 77), 999750000000ll);
	ts_clock_set_drift(&c, 100000, 0);		/* +100 ppm */
	CHECK_EQ(ts_clock_drift_ns(&c, TS_NSEC), 100000);
	CHECK_EQ(ts_clock_now(&c, 1000 * TS_NSEC, TS_NSEC),
		 999750100000ll);
	ts_clock_set_drift(&c, -50000, TS_NSEC);	/* then -50 ppm */
	CHECK_EQ(ts_clock_drift_ns(&c, TS_NSEC), 100000);
	CHECK_EQ(ts_clock_drift_ns(&c, 3 * TS_NSEC), 0);
	CHECK_EQ((uint64_t)ts_clock_drift_ns(&c, 5 * TS_NSEC),
		 (uint64_t)-100000ll);
	/* A day at the largest drift does not overflow. */
	ts_clock_set_drift(&c, TS_MAX_DRIFT_PPB, 0);
	c.drift_acc_ns = 0;
	CHECK_EQ(ts_clock_drift_ns(&c, 86400 * TS_NSEC), 8640 * TS_NSEC);
	/* Before the base (not possible with CLOCK_MONOTONIC): nothing. */
	ts_clock_set_drift(&c, 1000, 10);
	CHECK_EQ(ts_clock_drift_ns(&c, 5), c.drift_acc_ns);
	return true;
}

static bool ts_time_ref_count(void)
{
	struct timespec ms = { 0, 2000000 };
	struct hvemu_ctl_header *h;
	struct fixture fx;
	struct mailbox mb;
	uint64_t a = 0, b = 0, c = 0;

	CHECK(fx_init(&fx, 2));
	CHECK_EQ(hv_rdmsr(&fx.hv, 0, HVP_MSR_TIME_REF_COUNT, &a), 0);
	CHECK_EQ(hv_rdmsr(&fx.hv, 1, HVP_MSR_TIME_REF_COUNT, &b), 0);
	CHECK(b >= a);
	nanosleep(&ms, NULL);
	CHECK_EQ(hv_rdmsr(&fx.hv, 0, HVP_MSR_TIME_REF_COUNT, &c), 0);
	CHECK(c >= b + 20000);		/* 2 ms in 100 ns units */
	CHECK(c < 600000000ull);	/* counted from hv_init, not boot */
	/* Read-only on every VP. */
	CHECK_EQ(hv_wrmsr(&fx.hv, 0, HVP_MSR_TIME_REF_COUNT, 0),
		 HVEMU_STATUS_GP);
	CHECK_EQ(hv_wrmsr(&fx.hv, 1, HVP_MSR_TIME_REF_COUNT, c + 1000),
		 HVEMU_STATUS_GP);
	CHECK_EQ(hv_rdmsr(&fx.hv, 2, HVP_MSR_TIME_REF_COUNT, &a),
		 HVEMU_STATUS_GP);
	CHECK_EQ(hv_rdmsr(&fx.hv, 0, HVP_MSR_TIME_REF_COUNT, &a), 0);
	CHECK(a >= c);
	fx_uninit(&fx);
	/* Advertised in CPUID 0x40000003 EAX. */
	CHECK_EQ(mailbox_create(&mb, 1, 1, 1ull << 20), 0);
	h = (void *)mb.region;
	CHECK(h->cpuid_features[0] & HVP_PRIV_TIME_REF_COUNT);
	mailbox_destroy(&mb);
	return true;
}

static bool ts_inject_bytes(void)
{
	uint8_t b[IC_MSG_MAX];
	const struct hvp_ic_version fw = V(3, 0), svc = V(4, 0);
	unsigned int i;
	int len;

#define INJ(name) ts_build_inject(name, b, sizeof(b), fw, svc, 7, 1000, 2)
	for (i = 0; ts_inject_name(i); i++)
		CHECK(INJ(ts_inject_name(i)) >= 0);
	CHECK_EQ(i, 17);
	CHECK_EQ(INJ("nonsense"), -1);
	CHECK_EQ(ts_build_inject("short-pipe", b, 8, fw, svc, 7, 1000, 2), -1);
	CHECK_EQ(INJ("short-pipe"), 0);
	CHECK_EQ(INJ("short-header"), 16);
	CHECK_EQ(INJ("pipe-msgsize"), 50);
	CHECK_EQ(pipe_hdr(b).msgsize, 4096);
	CHECK_EQ(INJ("ic-msgsize"), 50);
	CHECK_EQ(hdr(b).msgsize, 4000);
	CHECK_EQ(pipe_hdr(b).msgsize, 42);
	/* NEGOTIATEs: counts over 100, past the packet, no framework. */
	CHECK_EQ(INJ("negotiate-count"), 56);
	CHECK_EQ(hdr(b).msgtype, HVP_IC_MSG_NEGOTIATE);
	CHECK_EQ(le16_at(b + 28), 101);
	CHECK_EQ(le16_at(b + 30), 3);
	CHECK_EQ(INJ("negotiate-svc-count"), 56);
	CHECK_EQ(le16_at(b + 28), 2);
	CHECK_EQ(le16_at(b + 30), 0xffff);
	len = INJ("negotiate-overflow");
	CHECK_EQ(len, 40);
	CHECK_EQ(hdr(b).msgsize, 12);
	CHECK_EQ(le16_at(b + 28), 2);
	CHECK_EQ(le16_at(b + 30), 3);
	CHECK_EQ(INJ("negotiate-fw-zero"), 48);
	CHECK_EQ(le16_at(b + 28), 0);
	CHECK_EQ(le16_at(b + 30), 3);
	CHECK_EQ(le16_at(b + 36), 4);
	/* Timesync messages: type, length, times, flags, version. */
	CHECK_EQ(INJ("unknown-msgtype"), 50);
	CHECK_EQ(hdr(b).msgtype, 99);
	CHECK_EQ(INJ("short-body"), 36);
	CHECK_EQ(hdr(b).msgtype, HVP_IC_MSG_TIMESYNC);
	CHECK_EQ(hdr(b).msgsize, 8);
	CHECK_EQ(le64_at(b + 28), 1000);
	CHECK_EQ(INJ("time-1601"), 50);
	CHECK_EQ(le64_at(b + 28), 0);
	CHECK_EQ(b[44], HVP_TS_FLAG_SYNC);
	CHECK_EQ(le64_at(b + 36), 2);
	CHECK_EQ(INJ("time-before-1970"), 50);
	CHECK_EQ(le64_at(b + 28), HVP_TS_EPOCH_DELTA - 1);
	CHECK_EQ(INJ("time-negative"), 50);
	CHECK_EQ(le64_at(b + 28), 1ull << 63);
	CHECK_EQ(INJ("time-future"), 50);
	CHECK_EQ(le64_at(b + 28), UINT64_MAX);
	CHECK_EQ(INJ("ts-flags"), 50);
	CHECK_EQ(b[44], 0x80);
	CHECK_EQ(le64_at(b + 28), 1000);
	CHECK_EQ(INJ("ic-flags"), 50);
	CHECK_EQ(hdr(b).flags, 0xf0 | HVP_IC_FLAG_TRANSACTION |
		 HVP_IC_FLAG_REQUEST);
	CHECK_EQ(INJ("msg-version"), 50);
	CHECK_EQ(hdr(b).msg_version.major, 0x7fff);
	CHECK_EQ(hdr(b).transaction_id, 7);
	/* The version decides the body: 1.0 has the 25-byte one. */
	CHECK_EQ(ts_build_inject("time-future", b, sizeof(b), V(1, 0),
				 V(1, 0), 7, 1000, 2), 53);
	CHECK_EQ(b[52], HVP_TS_FLAG_SYNC);
	CHECK_EQ(ts_build_inject("ts-flags", b, sizeof(b), V(1, 0),
				 V(3, 0), 7, 1000, 2), 53);
	CHECK_EQ(b[52], 0x80);
#undef INJ
	return true;
}

static int64_t real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * TS_NSEC + ts.tv_nsec;
}

/* One request on @s, performed; its status. */
static uint32_t probe(struct mailbox *mb, struct fixture *fx,
		      struct hvemu_slot *s, uint32_t op, uint64_t a0,
		      uint64_t a1, uint64_t a2)
{
	s->op = op;
	s->arg[0] = a0;
	s->arg[1] = a1;
	s->arg[2] = a2;
	s->result = 0xbad;
	__atomic_store_n(&s->req_seq, s->req_seq + 1, __ATOMIC_RELEASE);
	if (!mailbox_process(mb, &fx->hv, 1) || s->done_seq != s->req_seq)
		return 0xffff;
	return s->status;
}

/* `timesync ARGS` on @cmds; true if it answered without an error. */
static bool ts_ctl(struct ctl_cmds *cmds, const char *args)
{
	char line[128];
	struct strbuf out = { 0 };
	bool ok;

	snprintf(line, sizeof(line), "timesync %s", args);
	ctl_execute(cmds, line, &out);
	ok = out.buf && !strstr(out.buf, "error:");
	sb_free(&out);
	return ok;
}

/*
 * HVEMU_TEST_REQ_TIMESYNC_TIME: the host clock the samples carry, with
 * its shift and drift, read inside the request; refused without the test
 * service, for another request code or a non-zero unused argument.
 */
static bool ts_time_probe(void)
{
	struct ctl_cmds cmds;
	struct fixture fx;
	struct mailbox mb;
	struct hvemu_slot *s;
	uint64_t before, after, bad0;
	const uint64_t T = HVEMU_TEST_REQ_TIMESYNC_TIME;

	CHECK(fx_init(&fx, 2));
	CHECK_EQ(mailbox_create(&mb, 2, 1, FX_RAM_SIZE), 0);
	CHECK_EQ(timesync_host_init(NULL), 0);
	CHECK_EQ(ctl_cmds_init(&cmds, &fx.hv), 0);
	CHECK_EQ(timesync_ctl_register(&cmds), 0);
	s = mailbox_slot(&mb, 1);
	/* No test service attached: an unknown op. */
	CHECK_EQ(probe(&mb, &fx, s, HVEMU_OP_TEST, T, 0, 0),
		 HVEMU_STATUS_BAD_OP);
	CHECK_EQ(s->result, 0);
	mailbox_set_test(&mb, test_service_request, NULL);
	before = ts_unix_to_1601(real_ns());
	CHECK_EQ(probe(&mb, &fx, s, HVEMU_OP_TEST, T, 0, 0), HVEMU_STATUS_OK);
	after = ts_unix_to_1601(real_ns());
	CHECK(s->result >= before && s->result <= after);
	/* The shift and drift the control socket sets are in it. */
	CHECK(ts_ctl(&cmds, "shift -3600.5"));
	before = ts_unix_to_1601(real_ns() - 3600500000000ll);
	CHECK_EQ(probe(&mb, &fx, s, HVEMU_OP_TEST, T, 0, 0), HVEMU_STATUS_OK);
	after = ts_unix_to_1601(real_ns() - 3600500000000ll);
	CHECK(s->result >= before && s->result <= after);
	CHECK(ts_ctl(&cmds, "shift 0"));
	CHECK(ts_ctl(&cmds, "drift 100000"));	/* +10%: 20 ms in 200 ms */
	nanosleep(&(struct timespec){ 0, 200000000 }, NULL);
	before = ts_unix_to_1601(real_ns() + 20000000);
	CHECK_EQ(probe(&mb, &fx, s, HVEMU_OP_TEST, T, 0, 0), HVEMU_STATUS_OK);
	after = ts_unix_to_1601(real_ns() + 40000000);
	CHECK(s->result >= before && s->result <= after);
	/* Malformed: refused, counted, result 0, nothing else disturbed. */
	bad0 = fx.hv.stats.bad_requests;
	CHECK_EQ(probe(&mb, &fx, s, HVEMU_OP_TEST, 0, 0, 0),
		 HVEMU_STATUS_BAD_OP);
	CHECK_EQ(s->result, 0);
	CHECK_EQ(probe(&mb, &fx, s, HVEMU_OP_TEST, 0xdead, 0, 0),
		 HVEMU_STATUS_BAD_OP);
	CHECK_EQ(probe(&mb, &fx, s, HVEMU_OP_TEST, T | (1ull << 32), 0, 0),
		 HVEMU_STATUS_BAD_OP);
	CHECK_EQ(probe(&mb, &fx, s, HVEMU_OP_TEST, T, 8, 0),
		 HVEMU_STATUS_BAD_OP);
	CHECK_EQ(probe(&mb, &fx, s, HVEMU_OP_TEST, T, 0, ~0ull),
		 HVEMU_STATUS_BAD_OP);
	CHECK_EQ(s->result, 0);
	CHECK_EQ(probe(&mb, &fx, s, HVEMU_OP_TEST + 1, T, 0, 0),
		 HVEMU_STATUS_BAD_OP);
	CHECK_EQ(fx.hv.stats.bad_requests, bad0 + 6);
	before = ts_unix_to_1601(real_ns());
	CHECK_EQ(probe(&mb, &fx, s, HVEMU_OP_TEST, T, 0, 0), HVEMU_STATUS_OK);
	CHECK(s->result >= before + 200000);	/* the drift's 20 ms */
	/* Slot 0 untouched by all of it. */
	CHECK_EQ(mailbox_slot(&mb, 0)->done_seq, 0);
	timesync_host_uninit();
	mailbox_destroy(&mb);
	fx_uninit(&fx);
	return true;
}

/* End to end: a fake guest on real rings. */

struct tg {
	struct vg g;
	uint8_t msg[4096];
	uint32_t len;
	uint64_t trans_id;
};

static bool tg_open(struct tg *t, struct loop *loop)
{
	memset(t, 0, sizeof(*t));
	return !timesync_host_init(loop) &&
	       vg_init(&t->g, HVP_VMBUS_VERSION_WIN10_V5_3, 0) &&
	       !vmbus_add_device(t->g.srv, &timesync_vsp_ops, NULL) &&
	       !timesync_ctl_register(&t->g.cmds) &&
	       vg_connect(&t->g, HVP_VMBUS_VERSION_WIN10_V5_3) &&
	       vg_request_offers(&t->g, NULL, 0) == 1 &&
	       vg_open(&t->g, 1, 4, 0) == 0;
}

/* CLOSECHANNEL, the ring GPADL torn down, OPENCHANNEL again. */
static bool tg_reopen(struct tg *t)
{
	vg_close(&t->g, 1);
	return vg_teardown(&t->g, 1, 0xe1e10 + 1) ==
	       HVP_VMBUS_MSG_GPADL_TORNDOWN && vg_open(&t->g, 1, 4, 0) == 0;
}

static void tg_close(struct tg *t)
{
	vg_uninit(&t->g);
	timesync_host_uninit();
}

/* The next host message; its IC msgtype, or -1. */
static int tg_recv(struct tg *t)
{
	struct hvg_ring_pkt p;

	if (hvg_ring_read(&t->g.rx, t->msg, sizeof(t->msg), &p))
		return -1;
	hvg_ring_read_done(&t->g.rx);
	t->len = p.len - p.offset;
	t->trans_id = p.trans_id;
	memmove(t->msg, t->msg + p.offset, t->len);
	if (p.type != HVP_PKT_DATA_INBAND || t->len < HVP_IC_BODY_OFFSET)
		return -1;
	return hdr(t->msg).msgtype;
}

/* Answers the last message in place, as hv_utils does. */
static bool tg_answer(struct tg *t, uint32_t len)
{
	struct hvg_ring_wdesc d = {
		.type = HVP_PKT_DATA_INBAND, .trans_id = t->trans_id,
	};
	struct hvg_ring_seg s = { t->msg, len };
	struct hvp_ic_msg_header h = hdr(t->msg);
	bool signal = false;

	h.flags = HVP_IC_FLAG_TRANSACTION | HVP_IC_FLAG_RESPONSE;
	memcpy(t->msg + 8, &h, sizeof(h));
	if (hvg_ring_write(&t->g.tx, &d, &s, 1, &signal))
		return false;
	if (signal)
		vg_signal(&t->g);
	return true;
}

static bool tg_negotiate(struct tg *t, struct hvp_ic_version svc)
{
	uint32_t len;

	if (tg_recv(t) != HVP_IC_MSG_NEGOTIATE)
		return false;
	len = t->len;
	answer_negotiate(t->msg, t->msg, len, 1, 1, V(3, 0), svc);
	return tg_answer(t, len);
}

/* The value of KEY= in the control response. */
static long long field(struct tg *t, const char *req, const char *key)
{
	const char *out = vg_ctl(&t->g, req), *p;
	char k[64];

	snprintf(k, sizeof(k), " %s=", key);
	if (!strncmp(out, k + 1, strlen(k + 1)))
		return strtoll(out + strlen(k + 1), NULL, 10);
	p = strstr(out, k);
	return p ? strtoll(p + strlen(k), NULL, 10) : -999;
}

static bool has(struct tg *t, const char *req, const char *text)
{
	return strstr(vg_ctl(&t->g, req), text) != NULL;
}

static bool ts_protocol(void)
{
	struct tg t;
	uint64_t now = NOW_1601(), ref;

	CHECK(tg_open(&t, NULL));
	CHECK(has(&t, "timesync", "state=negotiating"));
	CHECK(has(&t, "timesync sync", "error: no timesync channel"));
	CHECK(tg_negotiate(&t, V(4, 0)));
	/* The SYNC follows at once, as 4.0 with the reference counter. */
	CHECK_EQ(tg_recv(&t), HVP_IC_MSG_TIMESYNC);
	CHECK_EQ(t.len, 56);		/* 50, padded by the ring */
	CHECK_EQ(hdr(t.msg).msg_version.major, 4);
	CHECK_EQ(hdr(t.msg).framework_version.major, 3);
	CHECK_EQ(hdr(t.msg).msgsize, 22);
	CHECK_EQ(t.msg[44], HVP_TS_FLAG_SYNC);
	CHECK(le64_at(t.msg + 28) >= now - 20000000);
	CHECK(le64_at(t.msg + 28) <= now + 30000000);
	ref = hv_time_ref_count(&t.g.fx.hv);
	CHECK(le64_at(t.msg + 36) <= ref);
	CHECK(le64_at(t.msg + 36) + 10000000 > ref);
	CHECK(tg_answer(&t, t.len));
	CHECK(has(&t, "timesync show", "version=4.0 samples_sent=0 "
		  "syncs_sent=1 responses=2 bad_responses=0 "));
	CHECK(has(&t, "timesync", " state=ready relid=1 "));
	/* SAMPLE now; a shift moves parent_time, the MSR clock stays. */
	CHECK(has(&t, "timesync sample", "relid=1 trans_id=3 flags=sample "));
	CHECK_EQ(tg_recv(&t), HVP_IC_MSG_TIMESYNC);
	CHECK_EQ(t.msg[44], HVP_TS_FLAG_SAMPLE);
	CHECK(tg_answer(&t, t.len));
	CHECK_EQ(field(&t, "timesync shift 3600.5", "shift_ns"),
		 3600500000000ll);
	CHECK(has(&t, "timesync sync", "flags=sync"));
	CHECK_EQ(tg_recv(&t), HVP_IC_MSG_TIMESYNC);
	now = NOW_1601() + 36005000000ull;
	CHECK(le64_at(t.msg + 28) >= now - 20000000);
	CHECK(le64_at(t.msg + 28) <= now + 30000000);
	CHECK(tg_answer(&t, t.len));
	CHECK(field(&t, "timesync", "host_time_ns") >
	      ((long long)time(NULL) + 3599) * TS_NSEC);
	CHECK_EQ(field(&t, "timesync shift -0.25", "shift_ns"), -250000000);
	CHECK(has(&t, "timesync drift -12.5", " drift_ppm=-12.5 "));
	CHECK(has(&t, "timesync drift 7", " drift_ppm=7 "));
	CHECK(has(&t, "timesync drift 0.001", " drift_ppm=0.001 "));
	CHECK_EQ(field(&t, "timesync", "samples_sent"), 1);
	CHECK_EQ(field(&t, "timesync", "syncs_sent"), 2);
	CHECK_EQ(field(&t, "timesync", "responses"), 4);
	CHECK_EQ(field(&t, "timesync", "bad_responses"), 0);
	/* Bad answers: counted, the channel goes on. */
	CHECK(has(&t, "timesync sample", "flags=sample"));
	CHECK_EQ(tg_recv(&t), HVP_IC_MSG_TIMESYNC);
	t.msg[30]++;
	CHECK(tg_answer(&t, t.len));
	CHECK(has(&t, "timesync", " bad_responses=1 "));
	CHECK(has(&t, "timesync", " last_bad=body"));
	CHECK(tg_answer(&t, t.len));	/* again: no longer in flight */
	CHECK(has(&t, "timesync", " bad_responses=2 "));
	CHECK(has(&t, "timesync", " last_bad=unmatched"));
	CHECK(has(&t, "timesync sample", "flags=sample"));
	CHECK_EQ(tg_recv(&t), HVP_IC_MSG_TIMESYNC);
	CHECK(tg_answer(&t, t.len));
	CHECK_EQ(field(&t, "timesync", "responses"), 5);
	CHECK_EQ(field(&t, "timesync", "bad_responses"), 2);
	/* Knob errors. */
	CHECK(has(&t, "timesync shift 1e3", "error: bad SECONDS"));
	CHECK(has(&t, "timesync drift 200000", "error: bad PPM"));
	CHECK(has(&t, "timesync version 2.0", "error: bad version"));
	CHECK(has(&t, "timesync interval 0.001", "error: bad SECONDS"));
	CHECK(has(&t, "timesync bogus", "error: usage"));
	CHECK(has(&t, "timesync inject", "error: usage: timesync inject"));
	CHECK(has(&t, "timesync inject nonsense", "time-future"));
	tg_close(&t);
	return true;
}

static bool ts_versions_and_failures(void)
{
	struct tg t;
	int i;

	/* Capped at 1.0: the 25-byte body, 1.0 in the header. */
	CHECK(tg_open(&t, NULL));
	CHECK(has(&t, "timesync version 1.0", " offered=1.0 "));
	CHECK(tg_reopen(&t));
	CHECK_EQ(tg_recv(&t), HVP_IC_MSG_NEGOTIATE);
	CHECK_EQ(le16_at(t.msg + 30), 1);
	CHECK_EQ(le16_at(t.msg + 44), 1);
	answer_negotiate(t.msg, t.msg, t.len, 1, 1, V(1, 0), V(1, 0));
	CHECK(tg_answer(&t, t.len));
	CHECK_EQ(tg_recv(&t), HVP_IC_MSG_TIMESYNC);
	CHECK_EQ(hdr(t.msg).msgsize, 25);
	CHECK_EQ(hdr(t.msg).msg_version.major, 1);
	CHECK_EQ(hdr(t.msg).framework_version.major, 1);
	CHECK_EQ(t.msg[52], HVP_TS_FLAG_SYNC);
	CHECK(has(&t, "timesync", " version=1.0 "));
	/* No common version: silent, not bad. */
	vg_close(&t.g, 1);
	CHECK(has(&t, "timesync", " state=closed relid=0 channels=0 "));
	CHECK(has(&t, "timesync version all", " offered=4.0,3.0,1.0 "));
	CHECK(tg_reopen(&t));
	CHECK_EQ(tg_recv(&t), HVP_IC_MSG_NEGOTIATE);
	answer_negotiate(t.msg, t.msg, t.len, 0, 0, V(0, 0), V(0, 0));
	CHECK(tg_answer(&t, t.len));
	CHECK_EQ(tg_recv(&t), -1);
	CHECK(has(&t, "timesync", " state=no-version "));
	CHECK(has(&t, "timesync sample", "error: "));
	/* Bad NEGOTIATE answers: renegotiate, give up after three. */
	CHECK(tg_reopen(&t));
	for (i = 0; i < TS_MAX_NEGOTIATIONS; i++) {
		CHECK_EQ(tg_recv(&t), HVP_IC_MSG_NEGOTIATE);
		answer_negotiate(t.msg, t.msg, t.len, 1, 1, V(3, 0), V(2, 0));
		CHECK(tg_answer(&t, t.len));
	}
	CHECK_EQ(tg_recv(&t), -1);
	CHECK(has(&t, "timesync", " state=failed "));
	CHECK(has(&t, "timesync", " last_bad=version"));
	CHECK_EQ(field(&t, "timesync", "bad_responses"), 3);
	/* A bad answer then a good one. */
	CHECK(tg_reopen(&t));
	CHECK_EQ(tg_recv(&t), HVP_IC_MSG_NEGOTIATE);
	CHECK(tg_answer(&t, t.len - 8));	/* short */
	CHECK(has(&t, "timesync", " last_bad=length"));
	CHECK(tg_negotiate(&t, V(3, 0)));
	CHECK_EQ(tg_recv(&t), HVP_IC_MSG_TIMESYNC);
	CHECK_EQ(hdr(t.msg).msg_version.major, 3);
	CHECK(has(&t, "timesync", " state=ready "));
	tg_close(&t);
	return true;
}

static bool ts_inject_e2e(void)
{
	struct tg t;
	unsigned int i;
	char req[64];

	CHECK(tg_open(&t, NULL));
	CHECK(has(&t, "timesync inject time-future", "error: no timesync"));
	CHECK(has(&t, "timesync inject bogus", "error: usage"));
	CHECK(tg_negotiate(&t, V(4, 0)));
	CHECK_EQ(tg_recv(&t), HVP_IC_MSG_TIMESYNC);
	for (i = 0; ts_inject_name(i); i++) {
		snprintf(req, sizeof(req), "timesync inject %s",
			 ts_inject_name(i));
		CHECK(has(&t, req, "relid=1 case="));
		/* A guest that echoes garbage back is not held against it. */
		CHECK(tg_recv(&t) >= -1);
		CHECK_EQ(t.trans_id, 3 + i);
		CHECK(tg_answer(&t, t.len));
	}
	CHECK(has(&t, "timesync inject short-pipe", " bytes=0 "));
	CHECK_EQ(field(&t, "timesync", "injected"), i + 1);
	CHECK_EQ(field(&t, "timesync", "inject_responses"), i);
	CHECK_EQ(field(&t, "timesync", "bad_responses"), 0);
	tg_close(&t);
	return true;
}

static bool ts_timer(void)
{
	struct loop l;
	struct tg t;
	int i, n = 0;

	CHECK_EQ(loop_init(&l), 0);
	CHECK(tg_open(&t, &l));
	CHECK(tg_negotiate(&t, V(4, 0)));
	CHECK_EQ(tg_recv(&t), HVP_IC_MSG_TIMESYNC);
	CHECK(has(&t, "timesync interval 0.02", " interval_ms=20 "));
	for (i = 0; i < 50 && n < 2; i++) {
		loop_run_once(&l, 100);
		while (tg_recv(&t) == HVP_IC_MSG_TIMESYNC) {
			CHECK_EQ(t.msg[44], HVP_TS_FLAG_SAMPLE);
			n++;
		}
	}
	CHECK_EQ(n, 2);
	CHECK(has(&t, "timesync interval 0", " interval_ms=0 "));
	loop_run_once(&l, 50);
	while (tg_recv(&t) == HVP_IC_MSG_TIMESYNC)
		;
	loop_run_once(&l, 50);
	CHECK_EQ(tg_recv(&t), -1);
	tg_close(&t);
	loop_uninit(&l);
	return true;
}

static bool ts_delay_args(void)
{
	uint64_t ref = 12345678;
	int64_t ns = 0, h = 1000000000;

	CHECK(ts_parse_delay("500", &ns) && ns == 500000000);
	CHECK(ts_parse_delay("0.25", &ns) && ns == 250000);
	CHECK(ts_parse_delay("0", &ns) && ns == 0);
	CHECK(ts_parse_delay("60000", &ns) && ns == TS_MAX_DELAY_NS);
	CHECK(!ts_parse_delay("60000.001", &ns));
	CHECK(!ts_parse_delay("0.0001", &ns));
	CHECK(!ts_parse_delay("-1", &ns));
	CHECK(!ts_parse_delay("1e3", &ns));
	CHECK(!ts_parse_delay("", &ns));
	CHECK(!ts_parse_delay("99999999999999999999", &ns));
	ts_backdate(&h, &ref, 500000000);
	CHECK_EQ(h, 500000000);
	CHECK_EQ(ref, 12345678 - 5000000);
	ts_backdate(&h, &ref, 60 * TS_NSEC);	/* ref floors at 0 */
	CHECK_EQ(ref, 0);
	CHECK_EQ(h, 500000000 - 60 * TS_NSEC);
	return true;
}

/* `timesync delay`: the next message only, both of its clocks backdated. */
static bool ts_delay_e2e(void)
{
	struct tg t;
	uint64_t now, ref;

	CHECK(tg_open(&t, NULL));
	CHECK(has(&t, "timesync delay -5", "error: bad MS"));
	CHECK(has(&t, "timesync delay 60001", "error: bad MS"));
	CHECK(has(&t, "timesync delay", "error: usage"));
	CHECK(has(&t, "timesync delay 500", " delay_ns=500000000"));
	CHECK(tg_negotiate(&t, V(4, 0)));
	/* The SYNC at open is the next message: it takes the delay. */
	CHECK_EQ(tg_recv(&t), HVP_IC_MSG_TIMESYNC);
	now = NOW_1601() - 5000000;
	CHECK(le64_at(t.msg + 28) >= now - 20000000);
	CHECK(le64_at(t.msg + 28) <= now + 30000000);
	/* The counter started with the fixture: it may floor at 0. */
	ref = hv_time_ref_count(&t.g.fx.hv);
	if (ref > 5000000) {
		CHECK(le64_at(t.msg + 36) <= ref - 5000000);
		CHECK(le64_at(t.msg + 36) + 10000000 > ref - 5000000);
	} else {
		CHECK_EQ(le64_at(t.msg + 36), 0);
	}
	CHECK(tg_answer(&t, t.len));
	CHECK(has(&t, "timesync", " delay_ns=0"));
	/* Then undelayed again. */
	CHECK(has(&t, "timesync sample", " delay_ns=0"));
	CHECK_EQ(tg_recv(&t), HVP_IC_MSG_TIMESYNC);
	now = NOW_1601();
	CHECK(le64_at(t.msg + 28) >= now - 20000000);
	CHECK(tg_answer(&t, t.len));
	CHECK(has(&t, "timesync delay 2.5", " delay_ns=2500000"));
	CHECK(has(&t, "timesync sync", " delay_ns=2500000"));
	CHECK_EQ(tg_recv(&t), HVP_IC_MSG_TIMESYNC);
	CHECK(tg_answer(&t, t.len));
	CHECK_EQ(field(&t, "timesync", "bad_responses"), 0);
	tg_close(&t);
	return true;
}

/* `timesync order oldest-first`: the NEGOTIATE lists reversed. */
static bool ts_order_e2e(void)
{
	struct tg t;

	CHECK(tg_open(&t, NULL));
	CHECK(has(&t, "timesync order sideways", "error: bad order"));
	CHECK(has(&t, "timesync order", "error: usage"));
	CHECK(has(&t, "timesync order oldest-first",
		  " offered=1.0,3.0,4.0 "));
	CHECK(has(&t, "timesync", " order=oldest-first "));
	CHECK(tg_reopen(&t));
	CHECK_EQ(tg_recv(&t), HVP_IC_MSG_NEGOTIATE);
	CHECK_EQ(le16_at(t.msg + 36), 1);
	CHECK_EQ(le16_at(t.msg + 40), 3);
	CHECK_EQ(le16_at(t.msg + 44), 1);
	CHECK_EQ(le16_at(t.msg + 52), 4);
	answer_negotiate(t.msg, t.msg, t.len, 1, 1, V(3, 0), V(4, 0));
	CHECK(tg_answer(&t, t.len));
	CHECK_EQ(tg_recv(&t), HVP_IC_MSG_TIMESYNC);
	CHECK(has(&t, "timesync", " version=4.0 "));
	CHECK(has(&t, "timesync", " framework=3.0 "));
	CHECK(has(&t, "timesync order newest-first",
		  " offered=4.0,3.0,1.0 "));
	tg_close(&t);
	return true;
}

TAP_SUITE(timesync_tests,
	{ "timesync: NEGOTIATE bytes per version cap", ts_negotiate_bytes },
	{ "timesync: version arguments", ts_parse_versions },
	{ "timesync: NEGOTIATE answers, good and each bad case",
	  ts_negotiate_answers },
	{ "timesync: SYNC/SAMPLE answers, pending table", ts_time_answers },
	{ "timesync: 1.0/3.0/4.0 encoding, 1601 epoch", ts_encoding },
	{ "timesync: shift and drift arithmetic", ts_clock_math },
	{ "timesync: TIME_REF_COUNT monotonic, read-only, advertised",
	  ts_time_ref_count },
	{ "timesync: inject case bytes", ts_inject_bytes },
	{ "timesync: negotiate, SYNC, SAMPLE, shift, bad answers",
	  ts_protocol },
	{ "timesync: version cap, no common version, renegotiation",
	  ts_versions_and_failures },
	{ "timesync: every inject case through the ring", ts_inject_e2e },
	{ "timesync: periodic SAMPLE timer", ts_timer },
	{ "timesync: delay arguments, backdating", ts_delay_args },
	{ "timesync: delay MS backdates the next message only",
	  ts_delay_e2e },
	{ "timesync: order oldest-first reverses the NEGOTIATE lists",
	  ts_order_e2e },
	{ "timesync: host time probe (HVEMU_OP_TEST), malformed requests",
	  ts_time_probe });
