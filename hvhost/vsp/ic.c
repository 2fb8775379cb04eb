// SPDX-License-Identifier: GPL-2.0
/* Host-side IC framework helpers (see ic.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vsp/ic.h"

#define IC_RESPONSE_FLAGS	(HVP_IC_FLAG_TRANSACTION | HVP_IC_FLAG_RESPONSE)

const struct hvp_ic_version ic_frameworks[IC_NR_FRAMEWORKS] = {
	{ 3, 0 }, { 1, 0 },
};

uint32_t ic_build(void *buf, uint32_t size, uint16_t msgtype,
		  struct hvp_ic_version fw, struct hvp_ic_version ver,
		  uint8_t transaction_id, const void *body, uint16_t body_len)
{
	struct hvp_ic_pipe_header pipe = {
		.msgsize = sizeof(struct hvp_ic_msg_header) + body_len,
	};
	struct hvp_ic_msg_header h = {
		.framework_version = fw,
		.msgtype = msgtype,
		.msg_version = ver,
		.msgsize = body_len,
		.transaction_id = transaction_id,
		.flags = HVP_IC_FLAG_TRANSACTION | HVP_IC_FLAG_REQUEST,
	};
	uint8_t *p = buf;

	if (size < HVP_IC_BODY_OFFSET || size - HVP_IC_BODY_OFFSET < body_len)
		return 0;
	memcpy(p, &pipe, sizeof(pipe));
	memcpy(p + sizeof(pipe), &h, sizeof(h));
	if (body_len)
		memcpy(p + HVP_IC_BODY_OFFSET, body, body_len);
	return HVP_IC_BODY_OFFSET + body_len;
}

uint32_t ic_build_negotiate(void *buf, uint32_t size, uint8_t transaction_id,
			    const struct hvp_ic_version *fw, unsigned int nfw,
			    const struct hvp_ic_version *svc,
			    unsigned int nsvc)
{
	uint8_t body[sizeof(struct hvp_ic_negotiate) +
		     2 * HVP_IC_MAX_VERSION_COUNT * sizeof(struct hvp_ic_version)];
	struct hvp_ic_negotiate n = {
		.framework_count = (uint16_t)nfw,
		.service_count = (uint16_t)nsvc,
	};
	uint8_t *v = body + sizeof(n);

	if (nfw > HVP_IC_MAX_VERSION_COUNT || nsvc > HVP_IC_MAX_VERSION_COUNT)
		return 0;
	memcpy(body, &n, sizeof(n));
	if (nfw)
		memcpy(v, fw, nfw * sizeof(*fw));
	if (nsvc)
		memcpy(v + nfw * sizeof(*fw), svc, nsvc * sizeof(*svc));
	return ic_build(buf, size, HVP_IC_MSG_NEGOTIATE, ic_ver(1, 0),
			ic_ver(1, 0), transaction_id, body,
			(uint16_t)(sizeof(n) + (nfw + nsvc) * sizeof(*fw)));
}

void ic_pending_init(struct ic_pending *p)
{
	memset(p, 0, sizeof(*p));
	p->next_trans_id = 1;
}

uint64_t ic_next_trans_id(struct ic_pending *p)
{
	return p->next_trans_id++;
}

void ic_pending_add(struct ic_pending *p, uint64_t trans_id, uint8_t tag,
		    const void *msg, uint32_t len)
{
	struct ic_request *r = &p->r[0];
	unsigned int i;

	for (i = 0; i < IC_MAX_PENDING; i++) {
		if (!p->r[i].used) {
			r = &p->r[i];
			break;
		}
		if (p->r[i].seq < r->seq)
			r = &p->r[i];
	}
	if (r->used)
		p->unanswered++;
	r->used = true;
	r->tag = tag;
	r->trans_id = trans_id;
	r->seq = p->seq++;
	r->len = len;
	memcpy(r->msg, msg, len < IC_MSG_MAX ? len : IC_MSG_MAX);
}

bool ic_pending_take(struct ic_pending *p, uint64_t trans_id,
		     struct ic_request *out)
{
	unsigned int i;

	for (i = 0; i < IC_MAX_PENDING; i++) {
		if (p->r[i].used && p->r[i].trans_id == trans_id) {
			*out = p->r[i];
			p->r[i].used = false;
			return true;
		}
	}
	return false;
}

const char *ic_resp_err_name(enum ic_resp_err e)
{
	static const char *const names[IC_RESP_NR] = {
		[IC_RESP_OK] = "ok",
		[IC_RESP_UNMATCHED] = "unmatched",
		[IC_RESP_NOT_INBAND] = "not-inband",
		[IC_RESP_LENGTH] = "length",
		[IC_RESP_PIPE] = "pipe-header",
		[IC_RESP_HEADER] = "ic-header",
		[IC_RESP_FLAGS] = "flags",
		[IC_RESP_STATUS] = "status",
		[IC_RESP_BODY] = "body",
		[IC_RESP_COUNTS] = "counts",
		[IC_RESP_VERSION] = "version",
	};

	return (unsigned int)e < IC_RESP_NR ? names[e] : "?";
}

/* Length, pipe header, IC header (less msgsize, status, flags) and flags. */
static enum ic_resp_err check_common(const struct ic_request *req,
				     const uint8_t *data, uint32_t len,
				     struct hvp_ic_msg_header *h)
{
	struct hvp_ic_msg_header q;
	uint32_t pad = (req->len + 7) & ~7u;	/* the ring pads to 8 */

	if (len < req->len || len > pad || len < HVP_IC_BODY_OFFSET ||
	    req->len > IC_MSG_MAX)
		return IC_RESP_LENGTH;
	if (memcmp(data, req->msg, sizeof(struct hvp_ic_pipe_header)))
		return IC_RESP_PIPE;
	memcpy(h, data + sizeof(struct hvp_ic_pipe_header), sizeof(*h));
	memcpy(&q, req->msg + sizeof(struct hvp_ic_pipe_header), sizeof(q));
	if (!ic_ver_eq(h->framework_version, q.framework_version) ||
	    !ic_ver_eq(h->msg_version, q.msg_version) ||
	    h->msgtype != q.msgtype || h->transaction_id != q.transaction_id)
		return IC_RESP_HEADER;
	if (h->flags != IC_RESPONSE_FLAGS)
		return IC_RESP_FLAGS;
	return IC_RESP_OK;
}

enum ic_resp_err ic_check_response(const struct ic_request *req,
				   const uint8_t *data, uint32_t len)
{
	struct hvp_ic_msg_header h, q;
	enum ic_resp_err e = check_common(req, data, len, &h);

	if (e)
		return e;
	if (h.status != HVP_IC_S_OK)
		return IC_RESP_STATUS;
	memcpy(&q, req->msg + sizeof(struct hvp_ic_pipe_header), sizeof(q));
	if (h.msgsize != q.msgsize ||
	    memcmp(data + HVP_IC_BODY_OFFSET, req->msg + HVP_IC_BODY_OFFSET,
		   req->len - HVP_IC_BODY_OFFSET))
		return IC_RESP_BODY;
	return IC_RESP_OK;
}

static bool offered(const uint8_t *list, unsigned int n,
		    struct hvp_ic_version v)
{
	struct hvp_ic_version o;
	unsigned int i;

	for (i = 0; i < n; i++) {
		memcpy(&o, list + i * sizeof(o), sizeof(o));
		if (ic_ver_eq(o, v))
			return true;
	}
	return false;
}

enum ic_resp_err ic_parse_negotiate(const struct ic_request *req,
				    const uint8_t *data, uint32_t len,
				    struct ic_negotiated *out)
{
	const uint8_t *qv = req->msg + HVP_IC_BODY_OFFSET +
			    sizeof(struct hvp_ic_negotiate);
	struct hvp_ic_negotiate n, q;
	struct hvp_ic_msg_header h;
	struct hvp_ic_version v[2];
	enum ic_resp_err e = check_common(req, data, len, &h);

	memset(out, 0, sizeof(*out));
	if (e)
		return e;
	if (h.msgsize < sizeof(n) ||
	    h.msgsize > len - HVP_IC_BODY_OFFSET)
		return IC_RESP_BODY;
	memcpy(&n, data + HVP_IC_BODY_OFFSET, sizeof(n));
	memcpy(&q, req->msg + HVP_IC_BODY_OFFSET, sizeof(q));
	if (!n.framework_count && !n.service_count)
		return IC_RESP_OK;	/* no common version */
	if (n.framework_count != 1 || n.service_count != 1)
		return IC_RESP_COUNTS;
	if (h.msgsize < sizeof(n) + sizeof(v))
		return IC_RESP_BODY;
	if (h.status != HVP_IC_S_OK)
		return IC_RESP_STATUS;
	memcpy(v, data + HVP_IC_BODY_OFFSET + sizeof(n), sizeof(v));
	if (!offered(qv, q.framework_count, v[0]) ||
	    !offered(qv + q.framework_count * sizeof(v[0]), q.service_count,
		     v[1]))
		return IC_RESP_VERSION;
	out->match = true;
	out->fw = v[0];
	out->svc = v[1];
	return IC_RESP_OK;
}

bool ic_parse_version(const char *s, struct hvp_ic_version *v)
{
	unsigned long major, minor;
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	major = strtoul(s, &end, 10);
	if (errno || *end != '.' || end[1] < '0' || end[1] > '9' ||
	    major > UINT16_MAX)
		return false;
	minor = strtoul(end + 1, &end, 10);
	if (errno || *end || minor > UINT16_MAX)
		return false;
	*v = ic_ver((uint16_t)major, (uint16_t)minor);
	return true;
}
