// SPDX-License-Identifier: GPL-2.0
/*
 * The time synchronization VSP (see timesync.h): the wire encoding and the
 * host clock arithmetic, then the per-channel protocol (NEGOTIATE at open,
 * SYNC once agreed, SAMPLE on the timer, the guest's answers matched and
 * checked), then the `timesync` control command and its fault injection.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vsp/ic.h"
#include "vsp/timesync.h"
#include "vsp/vsp.h"

/* Tags of the requests in flight. */
enum { TAG_NEGOTIATE, TAG_SYNC, TAG_SAMPLE, TAG_INJECT };

static const struct hvp_ic_version all_versions[] = {
	{ 4, 0 }, { 3, 0 }, { 1, 0 },
};

int64_t ts_clock_drift_ns(const struct ts_clock *c, uint64_t mono_ns)
{
	uint64_t elapsed = mono_ns > c->drift_base_ns ?
			   mono_ns - c->drift_base_ns : 0;

	return c->drift_acc_ns +
	       (int64_t)((__int128)elapsed * c->drift_ppb / TS_NSEC);
}

int64_t ts_clock_now(const struct ts_clock *c, int64_t real_ns,
		     uint64_t mono_ns)
{
	return real_ns + c->shift_ns + ts_clock_drift_ns(c, mono_ns);
}

void ts_clock_set_drift(struct ts_clock *c, int64_t ppb, uint64_t mono_ns)
{
	c->drift_acc_ns = ts_clock_drift_ns(c, mono_ns);
	c->drift_base_ns = mono_ns;
	c->drift_ppb = ppb;
}

uint64_t ts_unix_to_1601(int64_t unix_ns)
{
	int64_t t = unix_ns / 100 - (unix_ns % 100 < 0);

	t += (int64_t)HVP_TS_EPOCH_DELTA;
	return t < 0 ? 0 : (uint64_t)t;
}

bool ts_parse_fixed(const char *s, unsigned int decimals, bool neg,
		    int64_t max, int64_t *out)
{
	bool minus = *s == '-', digits = false, point = false;
	unsigned int frac = 0;
	int64_t v = 0;

	if (*s == '-' || *s == '+')
		s++;
	if (minus && !neg)
		return false;
	for (; *s; s++) {
		if (*s == '.' && !point) {
			point = true;
			continue;
		}
		if (*s < '0' || *s > '9' || (point && frac == decimals) ||
		    v > (INT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (*s - '0');
		frac += point;
		digits = true;
	}
	for (; digits && frac < decimals; frac++) {
		if (v > INT64_MAX / 10)
			return false;
		v *= 10;
	}
	if (!digits || v > max)
		return false;
	*out = minus ? -v : v;
	return true;
}

bool ts_parse_version(const char *s, struct hvp_ic_version *v)
{
	unsigned int i;

	if (!strcmp(s, "all")) {
		*v = ic_ver(0, 0);
		return true;
	}
	if (!ic_parse_version(s, v))
		return false;
	for (i = 0; i < ARRAY_SIZE(all_versions); i++)
		if (ic_ver_eq(*v, all_versions[i]))
			return true;
	return false;
}

uint32_t ts_build(void *buf, uint32_t size, struct hvp_ic_version fw,
		  struct hvp_ic_version svc, uint8_t tid, uint8_t flags,
		  uint64_t parent_time, uint64_t ref_time)
{
	struct hvp_ts_ref_data ref = {
		.parent_time = parent_time,
		.vm_reference_time = ref_time,
		.flags = flags,
	};
	struct hvp_ts_data d = {
		.parent_time = parent_time,
		.flags = flags,
	};

	if (svc.major >= 4)
		return ic_build(buf, size, HVP_IC_MSG_TIMESYNC, fw, svc, tid,
				&ref, sizeof(ref));
	return ic_build(buf, size, HVP_IC_MSG_TIMESYNC, fw, svc, tid, &d,
			sizeof(d));
}

/* @n versions of @src into @dst, reversed if @rev. */
static void copy_versions(struct hvp_ic_version *dst,
			  const struct hvp_ic_version *src, unsigned int n,
			  bool rev)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		dst[i] = src[rev ? n - 1 - i : i];
}

uint32_t ts_build_negotiate(void *buf, uint32_t size, uint8_t tid,
			    struct hvp_ic_version cap, bool oldest_first)
{
	struct hvp_ic_version fw[IC_NR_FRAMEWORKS];
	struct hvp_ic_version svc[ARRAY_SIZE(all_versions)];

	copy_versions(fw, ic_frameworks, IC_NR_FRAMEWORKS, oldest_first);
	copy_versions(svc, all_versions, ARRAY_SIZE(all_versions),
		      oldest_first);
	if (cap.major)
		return ic_build_negotiate(buf, size, tid, fw,
					  IC_NR_FRAMEWORKS, &cap, 1);
	return ic_build_negotiate(buf, size, tid, fw, IC_NR_FRAMEWORKS, svc,
				  ARRAY_SIZE(all_versions));
}

bool ts_parse_delay(const char *s, int64_t *ns)
{
	int64_t us;

	if (!ts_parse_fixed(s, 3, false, TS_MAX_DELAY_NS / 1000, &us))
		return false;
	*ns = us * 1000;
	return true;
}

void ts_backdate(int64_t *host_ns, uint64_t *ref, uint64_t delay_ns)
{
	uint64_t ticks = delay_ns / 100;

	*host_ns -= (int64_t)delay_ns;
	*ref = *ref > ticks ? *ref - ticks : 0;
}

/* Fault injection: malformed messages the guest must survive. */

enum inject_case {
	INJ_SHORT_PIPE, INJ_SHORT_HEADER, INJ_PIPE_MSGSIZE, INJ_IC_MSGSIZE,
	INJ_NEG_COUNT, INJ_NEG_SVC_COUNT, INJ_NEG_OVERFLOW, INJ_NEG_FW_ZERO,
	INJ_MSGTYPE, INJ_SHORT_BODY, INJ_TIME_1601, INJ_TIME_1969,
	INJ_TIME_NEGATIVE, INJ_TIME_FUTURE, INJ_TS_FLAGS, INJ_IC_FLAGS,
	INJ_MSG_VERSION, INJ_NR
};

static const char *const inject_names[INJ_NR] = {
	[INJ_SHORT_PIPE] = "short-pipe",
	[INJ_SHORT_HEADER] = "short-header",
	[INJ_PIPE_MSGSIZE] = "pipe-msgsize",
	[INJ_IC_MSGSIZE] = "ic-msgsize",
	[INJ_NEG_COUNT] = "negotiate-count",
	[INJ_NEG_SVC_COUNT] = "negotiate-svc-count",
	[INJ_NEG_OVERFLOW] = "negotiate-overflow",
	[INJ_NEG_FW_ZERO] = "negotiate-fw-zero",
	[INJ_MSGTYPE] = "unknown-msgtype",
	[INJ_SHORT_BODY] = "short-body",
	[INJ_TIME_1601] = "time-1601",
	[INJ_TIME_1969] = "time-before-1970",
	[INJ_TIME_NEGATIVE] = "time-negative",
	[INJ_TIME_FUTURE] = "time-future",
	[INJ_TS_FLAGS] = "ts-flags",
	[INJ_IC_FLAGS] = "ic-flags",
	[INJ_MSG_VERSION] = "msg-version",
};

const char *ts_inject_name(unsigned int i)
{
	return i < INJ_NR ? inject_names[i] : NULL;
}

static void get_header(const uint8_t *buf, struct hvp_ic_msg_header *h)
{
	memcpy(h, buf + sizeof(struct hvp_ic_pipe_header), sizeof(*h));
}

static void put_header(uint8_t *buf, const struct hvp_ic_msg_header *h)
{
	memcpy(buf + sizeof(struct hvp_ic_pipe_header), h, sizeof(*h));
}

/* Sets the negotiate body's counts in place. */
static void put_counts(uint8_t *buf, uint16_t nfw, uint16_t nsvc)
{
	struct hvp_ic_negotiate n = {
		.framework_count = nfw, .service_count = nsvc,
	};

	memcpy(buf + HVP_IC_BODY_OFFSET, &n, sizeof(n));
}

static int inject_negotiate(enum inject_case c, uint8_t *buf, uint32_t size,
			    uint8_t tid)
{
	uint32_t len;

	switch (c) {
	case INJ_NEG_OVERFLOW:
		/* Counts 2 and 3, but the packet holds one version. */
		len = ic_build_negotiate(buf, size, tid, ic_frameworks, 1,
					 NULL, 0);
		put_counts(buf, 2, 3);
		return len;
	case INJ_NEG_FW_ZERO:
		return ic_build_negotiate(buf, size, tid, NULL, 0,
					  all_versions,
					  ARRAY_SIZE(all_versions));
	default:
		len = ts_build_negotiate(buf, size, tid, ic_ver(0, 0), false);
		put_counts(buf, c == INJ_NEG_COUNT ? 101 : IC_NR_FRAMEWORKS,
			   c == INJ_NEG_COUNT ? ARRAY_SIZE(all_versions) :
			   0xffff);
		return len;
	}
}

int ts_build_inject(const char *name, void *out, uint32_t size,
		    struct hvp_ic_version fw, struct hvp_ic_version svc,
		    uint8_t tid, uint64_t parent_time, uint64_t ref_time)
{
	struct hvp_ic_pipe_header pipe;
	struct hvp_ic_msg_header h;
	uint8_t *buf = out;
	uint32_t len, c;

	for (c = 0; c < INJ_NR && strcmp(name, inject_names[c]); c++)
		;
	if (c == INJ_NR || size < 64)
		return -1;
	if (c >= INJ_NEG_COUNT && c <= INJ_NEG_FW_ZERO)
		return inject_negotiate(c, buf, size, tid);
	if (c == INJ_SHORT_BODY)
		return ic_build(buf, size, HVP_IC_MSG_TIMESYNC, fw, svc, tid,
				&parent_time, sizeof(parent_time));
	if (c == INJ_TIME_1601)
		parent_time = 0;
	else if (c == INJ_TIME_1969)
		parent_time = HVP_TS_EPOCH_DELTA - 1;
	else if (c == INJ_TIME_NEGATIVE)
		parent_time = 1ull << 63;
	else if (c == INJ_TIME_FUTURE)
		parent_time = UINT64_MAX;
	len = ts_build(buf, size, fw, svc, tid,
		       c == INJ_TS_FLAGS ? 0x80 : HVP_TS_FLAG_SYNC,
		       parent_time, ref_time);
	get_header(buf, &h);
	switch (c) {
	case INJ_SHORT_PIPE:
		return 0;
	case INJ_SHORT_HEADER:
		return sizeof(pipe) + 8;
	case INJ_PIPE_MSGSIZE:
		memcpy(&pipe, buf, sizeof(pipe));
		pipe.msgsize = 4096;
		memcpy(buf, &pipe, sizeof(pipe));
		break;
	case INJ_IC_MSGSIZE:
		h.msgsize = 4000;
		break;
	case INJ_MSGTYPE:
		h.msgtype = 99;
		break;
	case INJ_IC_FLAGS:
		h.flags |= 0xf0;
		break;
	case INJ_MSG_VERSION:
		h.msg_version = ic_ver(0x7fff, 0x7fff);
		break;
	}
	put_header(buf, &h);
	return len;
}

/* The emulated host's clock, knobs and counters, and the open channels. */

struct ts_chan;

struct ts_host {
	struct loop_timer timer;
	bool timer_armed;
	struct ts_clock clock;
	struct hvp_ic_version cap;	/* 0.0: offer all */
	bool oldest_first;		/* NEGOTIATE lists oldest first */
	uint64_t delay_ns;		/* the next SYNC/SAMPLE's backdating */
	uint64_t interval_ns;
	struct ts_chan *chans;		/* open channels, newest first */
	uint64_t samples_sent, syncs_sent, responses, bad_responses;
	uint64_t negotiations, injected, inject_responses, send_errors;
	enum ic_resp_err last_bad;
};

enum ts_state {
	TS_NEGOTIATING,	/* NEGOTIATE sent, no good answer yet */
	TS_READY,	/* versions agreed: SYNC and SAMPLEs flow */
	TS_NO_VERSION,	/* the guest supports none of ours */
	TS_FAILED,	/* TS_MAX_NEGOTIATIONS bad answers: silent */
};

static const char *const state_names[] = {
	[TS_NEGOTIATING] = "negotiating", [TS_READY] = "ready",
	[TS_NO_VERSION] = "no-version", [TS_FAILED] = "failed",
};

struct ts_chan {
	struct ts_chan *next;
	struct vsp_channel *ch;
	enum ts_state state;
	struct hvp_ic_version fw, svc;
	unsigned int negotiations;
	struct ic_pending pending;
};

static struct ts_host host = {
	.interval_ns = TS_DEFAULT_INTERVAL_NS,
	.timer = { .src = { .fd = -1 } },
};

static int64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * TS_NSEC + ts.tv_nsec;
}

static int64_t host_now(void)
{
	return ts_clock_now(&host.clock, realtime_ns(), hv_monotonic_ns());
}

/* Sends and remembers a request; 0 or the vsp_send() error. */
static int send_request(struct ts_chan *t, uint64_t trans_id, uint8_t tag,
			const void *msg, uint32_t len)
{
	int err = vsp_send_inband(t->ch, trans_id, false, msg, len);

	if (err) {
		host.send_errors++;
		hv_trace("timesync: relid %u: send failed: %s",
			 vsp_relid(t->ch), strerror(-err));
		return err;
	}
	ic_pending_add(&t->pending, trans_id, tag, msg, len);
	return 0;
}

static void negotiate(struct ts_chan *t)
{
	uint64_t id = ic_next_trans_id(&t->pending);
	uint8_t msg[IC_MSG_MAX];
	uint32_t len = ts_build_negotiate(msg, sizeof(msg), (uint8_t)id,
					  host.cap, host.oldest_first);

	t->state = TS_NEGOTIATING;
	t->negotiations++;
	host.negotiations++;
	hv_trace("timesync: relid %u: -> NEGOTIATE #%u", vsp_relid(t->ch),
		 t->negotiations);
	send_request(t, id, TAG_NEGOTIATE, msg, len);
}

/* The sample's fields, for the caller to print. */
struct ts_sent {
	uint64_t trans_id;
	int64_t host_ns;
	uint64_t parent_time, ref_time;
	uint64_t delay_ns;	/* backdated by (`timesync delay`) */
};

static int send_time(struct ts_chan *t, uint8_t flags, struct ts_sent *s)
{
	uint8_t msg[IC_MSG_MAX];
	uint32_t len;
	int err;

	s->trans_id = ic_next_trans_id(&t->pending);
	/* Both clocks read back to back: the guest corrects by their pair. */
	s->ref_time = vsp_time_ref_count(t->ch);
	s->host_ns = host_now();
	/* As if sent now but stamped delay_ns ago: delayed in flight. */
	s->delay_ns = host.delay_ns;
	host.delay_ns = 0;
	ts_backdate(&s->host_ns, &s->ref_time, s->delay_ns);
	s->parent_time = ts_unix_to_1601(s->host_ns);
	len = ts_build(msg, sizeof(msg), t->fw, t->svc, (uint8_t)s->trans_id,
		       flags, s->parent_time, s->ref_time);
	err = send_request(t, s->trans_id,
			   flags == HVP_TS_FLAG_SYNC ? TAG_SYNC : TAG_SAMPLE,
			   msg, len);
	if (!err && flags == HVP_TS_FLAG_SYNC)
		host.syncs_sent++;
	else if (!err)
		host.samples_sent++;
	hv_trace("timesync: relid %u: -> %s parent_time=%llu ref=%llu delay_ns=%llu%s",
		 vsp_relid(t->ch), flags == HVP_TS_FLAG_SYNC ? "SYNC" : "SAMPLE",
		 (unsigned long long)s->parent_time,
		 (unsigned long long)s->ref_time,
		 (unsigned long long)s->delay_ns, err ? " (failed)" : "");
	return err;
}

static void bad_response(struct ts_chan *t, enum ic_resp_err e)
{
	host.bad_responses++;
	host.last_bad = e;
	hv_trace("timesync: relid %u: <- bad answer: %s", vsp_relid(t->ch),
		 ic_resp_err_name(e));
}

static void negotiate_answer(struct ts_chan *t, const struct ic_request *req,
			     const struct vsp_packet *pkt)
{
	struct ic_negotiated n;
	struct ts_sent s;
	enum ic_resp_err e = ic_parse_negotiate(req, pkt->data, pkt->data_len,
						&n);

	if (e) {
		bad_response(t, e);
		if (t->state != TS_NEGOTIATING)
			return;
		if (t->negotiations < TS_MAX_NEGOTIATIONS)
			negotiate(t);
		else
			t->state = TS_FAILED;
		return;
	}
	host.responses++;
	if (t->state != TS_NEGOTIATING)
		return;
	if (!n.match) {
		t->state = TS_NO_VERSION;
		hv_trace("timesync: relid %u: <- no common version",
			 vsp_relid(t->ch));
		return;
	}
	t->fw = n.fw;
	t->svc = n.svc;
	t->state = TS_READY;
	hv_trace("timesync: relid %u: <- NEGOTIATE framework %u.%u service %u.%u",
		 vsp_relid(t->ch), n.fw.major, n.fw.minor, n.svc.major,
		 n.svc.minor);
	send_time(t, HVP_TS_FLAG_SYNC, &s);
}

static int ts_packet(struct vsp_channel *ch, const struct vsp_packet *pkt)
{
	struct ts_chan *t = vsp_priv(ch);
	struct ic_request req;
	enum ic_resp_err e;

	if (pkt->type != HVP_PKT_DATA_INBAND) {
		bad_response(t, IC_RESP_NOT_INBAND);
		return 0;
	}
	if (!ic_pending_take(&t->pending, pkt->trans_id, &req)) {
		bad_response(t, IC_RESP_UNMATCHED);
		return 0;
	}
	switch (req.tag) {
	case TAG_NEGOTIATE:
		negotiate_answer(t, &req, pkt);
		break;
	case TAG_INJECT:
		/* Whatever the guest makes of garbage is its business. */
		host.inject_responses++;
		break;
	default:
		e = ic_check_response(&req, pkt->data, pkt->data_len);
		if (e)
			bad_response(t, e);
		else
			host.responses++;
	}
	return 0;
}

static int ts_open(struct vsp_channel *ch, const uint8_t *user_data,
		   uint32_t len)
{
	struct ts_chan *t = calloc(1, sizeof(*t));

	(void)user_data, (void)len;
	if (!t)
		return -ENOMEM;
	t->ch = ch;
	ic_pending_init(&t->pending);
	t->next = host.chans;
	host.chans = t;
	vsp_set_priv(ch, t);
	return 0;
}

static void ts_opened(struct vsp_channel *ch)
{
	negotiate(vsp_priv(ch));
}

static void ts_close(struct vsp_channel *ch)
{
	struct ts_chan *t = vsp_priv(ch), **pp;

	for (pp = &host.chans; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
	free(t);
	vsp_set_priv(ch, NULL);
}

const struct vsp_ops timesync_vsp_ops = {
	.name = "timesync",
	.class_id = HVP_GUID_TIMESYNC,
	.open = ts_open,
	.opened = ts_opened,
	.packet = ts_packet,
	.close = ts_close,
};

/* The host: timer, configuration, control commands. */

static void tick(struct loop_timer *timer)
{
	struct ts_chan *t;
	struct ts_sent s;

	(void)timer;
	for (t = host.chans; t; t = t->next)
		if (t->state == TS_READY)
			send_time(t, HVP_TS_FLAG_SAMPLE, &s);
}

int timesync_host_init(struct loop *loop)
{
	int err;

	host.clock = (struct ts_clock){ .drift_base_ns = hv_monotonic_ns() };
	host.cap = ic_ver(0, 0);
	host.oldest_first = false;
	host.delay_ns = 0;
	host.interval_ns = TS_DEFAULT_INTERVAL_NS;
	host.samples_sent = host.syncs_sent = host.responses = 0;
	host.bad_responses = host.negotiations = host.injected = 0;
	host.inject_responses = host.send_errors = 0;
	host.last_bad = IC_RESP_OK;
	if (!loop)
		return 0;
	err = loop_timer_init(loop, &host.timer, tick);
	host.timer_armed = !err;
	return err ? err : timesync_set_interval(host.interval_ns);
}

void timesync_host_uninit(void)
{
	if (host.timer_armed)
		loop_timer_uninit(&host.timer);
	host.timer_armed = false;
}

uint64_t timesync_host_time(void)
{
	return ts_unix_to_1601(host_now());
}

void timesync_set_version(struct hvp_ic_version cap)
{
	host.cap = cap;
}

int timesync_set_interval(uint64_t ns)
{
	host.interval_ns = ns;
	if (!host.timer_armed)
		return 0;
	return loop_timer_set(&host.timer, ns, ns);
}

static void version_str(struct hvp_ic_version v, char *buf, size_t size)
{
	snprintf(buf, size, "%u.%u", v.major, v.minor);
}

/* ppb as ppm with the fraction's trailing zeros dropped: 12.5, -3, 0.001. */
static void ppm_str(int64_t ppb, char *buf, size_t size)
{
	uint64_t a = ppb < 0 ? -(uint64_t)ppb : (uint64_t)ppb;
	unsigned int frac = a % 1000, digits = 3;

	if (!frac) {
		snprintf(buf, size, "%s%llu", ppb < 0 ? "-" : "",
			 (unsigned long long)(a / 1000));
		return;
	}
	for (; frac % 10 == 0; frac /= 10)
		digits--;
	snprintf(buf, size, "%s%llu.%0*u", ppb < 0 ? "-" : "",
		 (unsigned long long)(a / 1000), (int)digits, frac);
}

static void show(struct strbuf *out)
{
	struct ts_chan *t, *first = NULL;
	char v[16] = "none", fw[16] = "none", ppm[32];
	char offered[32] = "4.0,3.0,1.0";
	unsigned int n = 0;

	for (t = host.chans; t; t = t->next, n++)
		first = t;	/* the oldest open channel */
	if (first && first->state == TS_READY) {
		version_str(first->svc, v, sizeof(v));
		version_str(first->fw, fw, sizeof(fw));
	}
	if (host.cap.major)
		version_str(host.cap, offered, sizeof(offered));
	else if (host.oldest_first)
		snprintf(offered, sizeof(offered), "1.0,3.0,4.0");
	ppm_str(host.clock.drift_ppb, ppm, sizeof(ppm));
	sb_printf(out, "host_time_ns=%lld shift_ns=%lld drift_ppm=%s "
		  "version=%s samples_sent=%llu syncs_sent=%llu responses=%llu "
		  "bad_responses=%llu offered=%s interval_ms=%llu state=%s "
		  "relid=%u channels=%u drift_ns=%lld negotiations=%llu "
		  "injected=%llu inject_responses=%llu send_errors=%llu "
		  "last_bad=%s framework=%s order=%s delay_ns=%llu\n",
		  (long long)host_now(), (long long)host.clock.shift_ns, ppm,
		  v, (unsigned long long)host.samples_sent,
		  (unsigned long long)host.syncs_sent,
		  (unsigned long long)host.responses,
		  (unsigned long long)host.bad_responses, offered,
		  (unsigned long long)(host.interval_ns / 1000000),
		  first ? state_names[first->state] : "closed",
		  first ? vsp_relid(first->ch) : 0, n,
		  (long long)ts_clock_drift_ns(&host.clock, hv_monotonic_ns()),
		  (unsigned long long)host.negotiations,
		  (unsigned long long)host.injected,
		  (unsigned long long)host.inject_responses,
		  (unsigned long long)host.send_errors,
		  host.last_bad ? ic_resp_err_name(host.last_bad) : "none",
		  fw, host.oldest_first ? "oldest-first" : "newest-first",
		  (unsigned long long)host.delay_ns);
}

/* `timesync sync|sample`: one line per agreed channel. */
static const char *send_now(uint8_t flags, struct strbuf *out)
{
	struct ts_chan *t;
	struct ts_sent s;
	bool any = false;

	for (t = host.chans; t; t = t->next) {
		if (t->state != TS_READY)
			continue;
		if (send_time(t, flags, &s))
			return "send failed (ring full?)";
		any = true;
		sb_printf(out, "relid=%u trans_id=%llu flags=%s "
			  "host_time_ns=%lld parent_time=%llu ref_time=%llu "
			  "delay_ns=%llu\n",
			  vsp_relid(t->ch), (unsigned long long)s.trans_id,
			  flags == HVP_TS_FLAG_SYNC ? "sync" : "sample",
			  (long long)s.host_ns,
			  (unsigned long long)s.parent_time,
			  (unsigned long long)s.ref_time,
			  (unsigned long long)s.delay_ns);
	}
	return any ? NULL : "no timesync channel has negotiated";
}

static const char *inject(int argc, char **argv, struct strbuf *out)
{
	static char usage[512];
	uint8_t msg[IC_MSG_MAX];
	struct ts_chan *t;
	struct ts_sent s;
	unsigned int i;
	int len;

	snprintf(usage, sizeof(usage), "usage: timesync inject CASE (");
	for (i = 0; i < INJ_NR; i++)
		snprintf(usage + strlen(usage), sizeof(usage) - strlen(usage),
			 "%s%s", i ? " " : "", inject_names[i]);
	snprintf(usage + strlen(usage), sizeof(usage) - strlen(usage), ")");
	for (i = 0; i < INJ_NR && argc == 3 &&
		    strcmp(argv[2], inject_names[i]); i++)
		;
	if (argc != 3 || i == INJ_NR)
		return usage;
	for (t = host.chans; t && t->state != TS_READY; t = t->next)
		;
	if (!t)
		return "no timesync channel has negotiated";
	s.trans_id = ic_next_trans_id(&t->pending);
	s.ref_time = vsp_time_ref_count(t->ch);
	len = ts_build_inject(argv[2], msg, sizeof(msg), t->fw, t->svc,
			      (uint8_t)s.trans_id,
			      ts_unix_to_1601(host_now()), s.ref_time);
	if (len < 0)
		return usage;
	if (send_request(t, s.trans_id, TAG_INJECT, msg, (uint32_t)len))
		return "send failed (ring full?)";
	host.injected++;
	hv_trace("timesync: relid %u: -> inject %s (%d bytes)",
		 vsp_relid(t->ch), argv[2], len);
	sb_printf(out, "relid=%u case=%s bytes=%d trans_id=%llu\n",
		  vsp_relid(t->ch), argv[2], len,
		  (unsigned long long)s.trans_id);
	return NULL;
}

/* shift, drift, version, interval, delay or order; prints the state. */
static const char *set_knob(int argc, char **argv, struct strbuf *out)
{
	const char *sub = argv[1];
	struct hvp_ic_version v;
	int64_t x;

	if (argc != 3)
		return "usage: timesync shift|drift|version|interval|delay|order VALUE";
	if (!strcmp(sub, "shift")) {
		if (!ts_parse_fixed(argv[2], 9, true, TS_MAX_SHIFT_NS, &x))
			return "bad SECONDS (decimal, |s| <= 3000000000)";
		host.clock.shift_ns = x;
	} else if (!strcmp(sub, "drift")) {
		if (!ts_parse_fixed(argv[2], 3, true, TS_MAX_DRIFT_PPB, &x))
			return "bad PPM (decimal, 3 places, |ppm| <= 100000)";
		ts_clock_set_drift(&host.clock, x, hv_monotonic_ns());
	} else if (!strcmp(sub, "version")) {
		if (!ts_parse_version(argv[2], &v))
			return "bad version (1.0 3.0 4.0 all)";
		timesync_set_version(v);
	} else if (!strcmp(sub, "delay")) {
		if (!ts_parse_delay(argv[2], &x))
			return "bad MS (decimal, 3 places, 0 .. 60000)";
		host.delay_ns = (uint64_t)x;
	} else if (!strcmp(sub, "order")) {
		if (strcmp(argv[2], "oldest-first") &&
		    strcmp(argv[2], "newest-first"))
			return "bad order (oldest-first newest-first)";
		host.oldest_first = !strcmp(argv[2], "oldest-first");
	} else {
		if (!ts_parse_fixed(argv[2], 9, false, TS_MAX_INTERVAL_NS,
				    &x) || (x && x < TS_NSEC / 100))
			return "bad SECONDS (0 = off, 0.01 .. 86400)";
		if (timesync_set_interval((uint64_t)x))
			return "cannot arm the timer";
	}
	show(out);
	return NULL;
}

static const char *cmd_timesync(void *opaque, int argc, char **argv,
				struct strbuf *out)
{
	const char *sub = argc > 1 ? argv[1] : "show";

	(void)opaque;
	if (!strcmp(sub, "show") && argc <= 2) {
		show(out);
		return NULL;
	}
	if (!strcmp(sub, "sync") && argc == 2)
		return send_now(HVP_TS_FLAG_SYNC, out);
	if (!strcmp(sub, "sample") && argc == 2)
		return send_now(HVP_TS_FLAG_SAMPLE, out);
	if (!strcmp(sub, "inject"))
		return inject(argc, argv, out);
	if (!strcmp(sub, "shift") || !strcmp(sub, "drift") ||
	    !strcmp(sub, "version") || !strcmp(sub, "interval") ||
	    !strcmp(sub, "delay") || !strcmp(sub, "order"))
		return set_knob(argc, argv, out);
	return "usage: timesync [show|sync|sample|shift SECONDS|drift PPM|"
	       "version X.Y|all|interval SECONDS|delay MS|"
	       "order oldest-first|newest-first|inject CASE]";
}

int timesync_ctl_register(struct ctl_cmds *cmds)
{
	const struct ctl_command cmd = {
		"timesync", "[show|sync|sample|shift SECONDS|drift PPM|"
		"version X.Y|all|interval SECONDS|delay MS|"
		"order oldest-first|newest-first|inject CASE]",
		"the host clock the timesync device sends, fault injection",
		cmd_timesync, NULL,
	};

	return ctl_register(cmds, &cmd);
}
