/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Control commands. A request is one line: a command name and arguments
 * separated by blanks. The response is zero or more lines and then a line
 * holding a single ".", or "error: <reason>" and then ".". Services add
 * their own commands with ctl_register().
 */
#ifndef HVHOST_CTL_CMD_H
#define HVHOST_CTL_CMD_H

#include "core/hv.h"
#include "core/strbuf.h"

#define CTL_MAX_CMDS	64
#define CTL_MAX_ARGS	16

/* Returns NULL on success, or the reason for an error line. */
typedef const char *(*ctl_fn)(void *opaque, int argc, char **argv,
			      struct strbuf *out);

struct ctl_command {
	const char *name;
	const char *args;
	const char *help;
	ctl_fn fn;
	void *opaque;
};

struct ctl_cmds {
	struct ctl_command v[CTL_MAX_CMDS];
	unsigned int nr;
};

int ctl_cmds_init(struct ctl_cmds *cmds, struct hv *hv);
int ctl_register(struct ctl_cmds *cmds, const struct ctl_command *cmd);
void ctl_execute(struct ctl_cmds *cmds, char *line, struct strbuf *out);

#endif /* HVHOST_CTL_CMD_H */
