/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host side of the integration-component (IC) framework, shared by the IC
 * VSPs (timesync now; heartbeat and shutdown later): building requests
 * (pipe header + IC header + body, <hvproto/ic.h>), remembering the ones
 * in flight, and checking the guest's in-place answers. Everything in an
 * answer comes from the guest and is checked here before it is used.
 */
#ifndef HVHOST_VSP_IC_H
#define HVHOST_VSP_IC_H

#include <hvproto/ic.h>

#include "core/util.h"

/* The longest request the pending table keeps a copy of. */
#define IC_MSG_MAX		256
/* Requests waiting for an answer; a new one replaces the oldest. */
#define IC_MAX_PENDING		32
/* The framework versions the host offers, newest first. */
#define IC_NR_FRAMEWORKS	2
extern const struct hvp_ic_version ic_frameworks[IC_NR_FRAMEWORKS];

static inline struct hvp_ic_version ic_ver(uint16_t major, uint16_t minor)
{
	return (struct hvp_ic_version){ .major = major, .minor = minor };
}

static inline bool ic_ver_eq(struct hvp_ic_version a, struct hvp_ic_version b)
{
	return a.major == b.major && a.minor == b.minor;
}

/* One request sent and not yet answered. */
struct ic_request {
	bool used;
	uint8_t tag;		/* the VSP's: which kind of request */
	uint64_t trans_id;	/* the packet's */
	uint64_t seq;		/* order of sending */
	uint32_t len;
	uint8_t msg[IC_MSG_MAX];
};

struct ic_pending {
	struct ic_request r[IC_MAX_PENDING];
	uint64_t next_trans_id;	/* from 1 */
	uint64_t seq;
	uint64_t unanswered;	/* replaced before the guest answered */
};

/*
 * Builds a request: pipe header (flags 0, msgsize = bytes after it), IC
 * header (flags TRANSACTION | REQUEST, status 0) and @body_len bytes of
 * @body. Returns its length, or 0 if it does not fit in @size.
 */
uint32_t ic_build(void *buf, uint32_t size, uint16_t msgtype,
		  struct hvp_ic_version fw, struct hvp_ic_version ver,
		  uint8_t transaction_id, const void *body, uint16_t body_len);
/*
 * NEGOTIATE offering @nfw framework and @nsvc service versions (IC header
 * versions 1.0 and 1.0, as nothing is agreed yet).
 */
uint32_t ic_build_negotiate(void *buf, uint32_t size, uint8_t transaction_id,
			    const struct hvp_ic_version *fw, unsigned int nfw,
			    const struct hvp_ic_version *svc,
			    unsigned int nsvc);

void ic_pending_init(struct ic_pending *p);
/* A packet trans_id for the next request; its IC transaction_id is the low byte. */
uint64_t ic_next_trans_id(struct ic_pending *p);
/* Remembers a request sent with @trans_id (a copy of its first IC_MSG_MAX bytes). */
void ic_pending_add(struct ic_pending *p, uint64_t trans_id, uint8_t tag,
		    const void *msg, uint32_t len);
/* Takes the request sent with @trans_id out of @p into @out; false if none. */
bool ic_pending_take(struct ic_pending *p, uint64_t trans_id,
		     struct ic_request *out);

/* Why an answer was refused. */
enum ic_resp_err {
	IC_RESP_OK,
	IC_RESP_UNMATCHED,	/* no request in flight with this trans_id */
	IC_RESP_NOT_INBAND,	/* not a DATA_INBAND packet */
	IC_RESP_LENGTH,		/* not the request's length (8-byte padding allowed) */
	IC_RESP_PIPE,		/* pipe header changed */
	IC_RESP_HEADER,		/* versions, msgtype or transaction_id changed */
	IC_RESP_FLAGS,		/* icflags not TRANSACTION | RESPONSE */
	IC_RESP_STATUS,		/* status not S_OK */
	IC_RESP_BODY,		/* body (or its msgsize) changed */
	IC_RESP_COUNTS,		/* negotiate counts not 1/1 or 0/0 */
	IC_RESP_VERSION,	/* a chosen version the host did not offer */
	IC_RESP_NR
};

const char *ic_resp_err_name(enum ic_resp_err e);

/*
 * Checks an answer to @req that is not a NEGOTIATE: the same bytes as the
 * request except icflags (TRANSACTION | RESPONSE) and status (S_OK).
 */
enum ic_resp_err ic_check_response(const struct ic_request *req,
				   const uint8_t *data, uint32_t len);

/* The outcome of a negotiation. */
struct ic_negotiated {
	bool match;		/* false: the guest supports none (counts 0/0) */
	struct hvp_ic_version fw, svc;
};

/*
 * Checks the answer to a NEGOTIATE built with ic_build_negotiate(): same
 * pipe header, IC header versions, msgtype and transaction_id; icflags
 * TRANSACTION | RESPONSE; msgsize covering the counts it announces and
 * inside the packet; counts 1/1 with status S_OK and a framework and a
 * service version the request offered, or counts 0/0 (no common version,
 * any status).
 */
enum ic_resp_err ic_parse_negotiate(const struct ic_request *req,
				    const uint8_t *data, uint32_t len,
				    struct ic_negotiated *out);

/* "X.Y" into a version; false unless both fit in 16 bits. */
bool ic_parse_version(const char *s, struct hvp_ic_version *v);

#endif /* HVHOST_VSP_IC_H */
