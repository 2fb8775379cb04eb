/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fault injection for the guest tests (`vmbus inject ...`): hvhost sends
 * the guest malformed VMBus control messages, and writes malformed packets
 * and ring indices into an open channel's rings, so the guest's parsers are
 * tested against a hostile host (DESIGN.md section 5). The cases are
 * listed by `vmbus inject list` and in README.md.
 */
#ifndef HVHOST_VMBUS_INJECT_H
#define HVHOST_VMBUS_INJECT_H

#include "core/strbuf.h"

struct vmbus_server;

/* `vmbus inject list` or `vmbus inject [-n COUNT] CASE [ARGS...]`. */
const char *vmbus_inject_ctl(struct vmbus_server *srv, int argc, char **argv,
			     struct strbuf *out);

#endif /* HVHOST_VMBUS_INJECT_H */
