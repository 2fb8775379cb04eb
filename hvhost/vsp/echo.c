// SPDX-License-Identifier: GPL-2.0
/*
 * The echo test VSP (class HVP_GUID_HVG_ECHO): echoes inband packets,
 * checksums, echoes or fills the guest pages of GPA-direct requests, and
 * sends bursts of unsolicited packets on request. The protocol is in
 * <hvproto/echo.h>. For flow-control tests `echo mode RELID pause` stops
 * reading the guest's ring (it fills) and `drop` reads in-band packets
 * without answering them; after leaving pause, `vmbus inject kick RELID`
 * makes the host read again.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <hvproto/echo.h>

#include "vsp/vsp.h"

#define BURST_MAX_SIZE	(1u << 20)
#define BURST_MAX_COUNT	100000000ul

enum echo_mode { ECHO_ECHO, ECHO_PAUSE, ECHO_DROP };

struct echo {
	enum echo_mode mode;
	uint8_t *burst_buf;
	uint32_t burst_size;
	uint64_t burst_left;
	uint64_t burst_seq;
	uint64_t echoed, sums, fills, burst_sent, dropped, errors;
};

static int echo_open(struct vsp_channel *ch, const uint8_t *user_data,
		     uint32_t len)
{
	struct echo *e = calloc(1, sizeof(*e));

	(void)user_data, (void)len;
	if (!e)
		return -ENOMEM;
	vsp_set_priv(ch, e);
	return 0;
}

static void echo_close(struct vsp_channel *ch)
{
	struct echo *e = vsp_priv(ch);

	if (e)
		free(e->burst_buf);
	free(e);
	vsp_set_priv(ch, NULL);
}

static int check_fn(void *arg, uint8_t *p, uint32_t len, uint64_t off)
{
	(void)arg, (void)p, (void)len, (void)off;
	return 0;
}

static int copy_fn(void *arg, uint8_t *p, uint32_t len, uint64_t off)
{
	memcpy((uint8_t *)arg + off, p, len);
	return 0;
}

struct sum_state {
	uint64_t h;
	uint64_t seed;
	uint64_t base;	/* offset of this range in the data */
};

static int sum_fn(void *arg, uint8_t *p, uint32_t len, uint64_t off)
{
	struct sum_state *s = arg;

	(void)off;
	s->h = hvp_echo_fnv(s->h, p, len);
	return 0;
}

static int fill_fn(void *arg, uint8_t *p, uint32_t len, uint64_t off)
{
	struct sum_state *s = arg;
	uint32_t j;

	for (j = 0; j < len; j++)
		p[j] = hvp_echo_byte(s->seed, s->base + off + j);
	s->h = hvp_echo_fnv(s->h, p, len);
	return 0;
}

/* Validates a request; HVP_ECHO_OK or the status to answer. */
static uint32_t check_request(struct vsp_channel *ch,
			      const struct vsp_packet *pkt,
			      const struct hvp_echo_req *req,
			      struct vsp_gpa_range *r, int *nr)
{
	uint64_t total = 0;
	int i;

	if (pkt->data_len < sizeof(*req))
		return HVP_ECHO_BAD_REQUEST;
	if (req->op < HVP_ECHO_OP_ECHO || req->op > HVP_ECHO_OP_FILL)
		return HVP_ECHO_BAD_REQUEST;
	*nr = vsp_gpa_ranges(pkt, r, HVP_ECHO_MAX_RANGES);
	if (*nr < 0)
		return HVP_ECHO_BAD_RANGE;
	for (i = 0; i < *nr; i++) {
		total += r[i].len;
		if (vsp_range_for_each(ch, &r[i], check_fn, NULL))
			return HVP_ECHO_BAD_RANGE;
	}
	if (total != req->len)
		return HVP_ECHO_BAD_REQUEST;
	if (req->op == HVP_ECHO_OP_ECHO && total > HVP_ECHO_MAX_INLINE)
		return HVP_ECHO_TOO_LONG;
	return HVP_ECHO_OK;
}

static int gpa_request(struct vsp_channel *ch, const struct vsp_packet *pkt)
{
	struct vsp_gpa_range r[HVP_ECHO_MAX_RANGES];
	struct {
		struct hvp_echo_resp resp;
		uint8_t data[HVP_ECHO_MAX_INLINE];
	} out;
	struct hvp_echo_req req = { 0 };
	struct sum_state s = { 0 };
	uint32_t len = sizeof(out.resp);
	struct echo *e = vsp_priv(ch);
	int i, nr = 0;

	memcpy(&req, pkt->data,
	       pkt->data_len < sizeof(req) ? pkt->data_len : sizeof(req));
	memset(&out.resp, 0, sizeof(out.resp));
	out.resp.op = req.op;
	out.resp.status = check_request(ch, pkt, &req, r, &nr);
	if (out.resp.status == HVP_ECHO_OK) {
		s.seed = req.seed;
		s.h = hvp_echo_fnv_init(req.seed);
		for (i = 0; i < nr; i++) {
			if (req.op == HVP_ECHO_OP_ECHO)
				vsp_range_for_each(ch, &r[i], copy_fn,
						   out.data + s.base);
			else
				vsp_range_for_each(ch, &r[i],
						   req.op == HVP_ECHO_OP_SUM ?
						   sum_fn : fill_fn, &s);
			s.base += r[i].len;
		}
		out.resp.len = req.len;
		if (req.op == HVP_ECHO_OP_ECHO)
			len += req.len;
		else
			out.resp.sum = s.h;
		e->sums += req.op == HVP_ECHO_OP_SUM;
		e->fills += req.op == HVP_ECHO_OP_FILL;
		e->echoed += req.op == HVP_ECHO_OP_ECHO;
	} else {
		e->errors++;
	}
	return vsp_send_comp(ch, pkt->trans_id, &out, len);
}

static int echo_packet(struct vsp_channel *ch, const struct vsp_packet *pkt)
{
	struct echo *e = vsp_priv(ch);

	if (e->mode == ECHO_PAUSE)
		return -EAGAIN;	/* held: nothing more is read */
	switch (pkt->type) {
	case HVP_PKT_DATA_INBAND:
		if (e->mode == ECHO_DROP) {
			e->dropped++;
			return 0;
		}
		e->echoed++;
		if (pkt->flags & HVP_PKT_FLAG_COMPLETION_REQUESTED)
			return vsp_send_comp(ch, pkt->trans_id, pkt->data,
					     pkt->data_len);
		return vsp_send_inband(ch, pkt->trans_id, false, pkt->data,
				       pkt->data_len);
	case HVP_PKT_DATA_USING_GPA_DIRECT:
		return gpa_request(ch, pkt);
	default:
		e->errors++;
		return -EOPNOTSUPP;
	}
}

static void burst_pump(struct vsp_channel *ch)
{
	struct echo *e = vsp_priv(ch);
	struct hvp_echo_req *h;
	uint32_t j;
	int err;

	while (e && e->burst_left) {
		h = (struct hvp_echo_req *)e->burst_buf;
		h->op = HVP_ECHO_OP_BURST;
		h->len = e->burst_size;
		h->seed = e->burst_seq;
		for (j = 0; j < e->burst_size - sizeof(*h); j++)
			e->burst_buf[sizeof(*h) + j] =
				hvp_echo_byte(e->burst_seq, j);
		err = vsp_send_inband(ch, 0, false, e->burst_buf,
				      e->burst_size);
		if (err == -EAGAIN)
			return;
		if (err) {
			e->errors++;
			e->burst_left = 0;
			return;
		}
		e->burst_seq++;
		e->burst_sent++;
		e->burst_left--;
	}
}

static bool parse_ul(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	*v = strtoul(s, &end, 0);
	return !errno && !*end && *v <= max;
}

static const char *burst(struct vsp_channel *ch, struct echo *e, int argc,
			 char **argv, struct strbuf *out)
{
	unsigned long count, size;
	uint8_t *buf;

	if (argc != 5)
		return "usage: echo burst RELID COUNT SIZE";
	if (!parse_ul(argv[3], BURST_MAX_COUNT, &count))
		return "bad COUNT";
	if (!parse_ul(argv[4], BURST_MAX_SIZE, &size) ||
	    size < sizeof(struct hvp_echo_req))
		return "bad SIZE (16 .. 1048576)";
	if (e->burst_left && size != e->burst_size)
		return "a burst of another size is in progress";
	if (size != e->burst_size) {
		buf = realloc(e->burst_buf, size);
		if (!buf)
			return "out of memory";
		e->burst_buf = buf;
		e->burst_size = (uint32_t)size;
	}
	e->burst_left += count;
	burst_pump(ch);
	sb_printf(out, "relid=%u sent=%llu pending=%llu\n", vsp_relid(ch),
		  (unsigned long long)e->burst_sent,
		  (unsigned long long)e->burst_left);
	return NULL;
}

static const char *const mode_names[] = {
	[ECHO_ECHO] = "echo", [ECHO_PAUSE] = "pause", [ECHO_DROP] = "drop",
};

static const char *set_mode(struct echo *e, int argc, char **argv)
{
	unsigned int i;

	for (i = 0; argc == 4 && i < sizeof(mode_names) / sizeof(mode_names[0]);
	     i++) {
		if (!strcmp(argv[3], mode_names[i])) {
			e->mode = (enum echo_mode)i;
			return NULL;
		}
	}
	return "usage: echo mode RELID echo|pause|drop";
}

static const char *echo_ctl(struct vsp_channel *ch, int argc, char **argv,
			    struct strbuf *out)
{
	struct echo *e = vsp_priv(ch);

	if (!vsp_is_open(ch) || !e)
		return "channel not open";
	if (!strcmp(argv[1], "burst"))
		return burst(ch, e, argc, argv, out);
	if (!strcmp(argv[1], "mode"))
		return set_mode(e, argc, argv);
	if (!strcmp(argv[1], "stats") && argc == 3) {
		sb_printf(out, "relid=%u echoed=%llu sums=%llu fills=%llu "
			  "burst_sent=%llu burst_pending=%llu errors=%llu\n"
			  "relid=%u mode=%s dropped=%llu\n",
			  vsp_relid(ch), (unsigned long long)e->echoed,
			  (unsigned long long)e->sums,
			  (unsigned long long)e->fills,
			  (unsigned long long)e->burst_sent,
			  (unsigned long long)e->burst_left,
			  (unsigned long long)e->errors, vsp_relid(ch),
			  mode_names[e->mode],
			  (unsigned long long)e->dropped);
		return NULL;
	}
	return "usage: echo burst RELID COUNT SIZE | echo mode RELID "
	       "echo|pause|drop | echo stats RELID";
}

const struct vsp_ops echo_vsp_ops = {
	.name = "echo",
	.class_id = HVP_GUID_HVG_ECHO,
	.open = echo_open,
	.packet = echo_packet,
	.tx_ready = burst_pump,
	.close = echo_close,
	.ctl = echo_ctl,
	.ctl_help = "burst RELID COUNT SIZE | mode RELID echo|pause|drop | "
		    "stats RELID",
};
