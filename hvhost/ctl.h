/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The control socket: a Unix stream socket serving the line protocol of
 * ctl_cmd.h to any number of clients at once (the guest's serial port,
 * kept connected, and one-shot `hvhost ctl` calls).
 */
#ifndef HVHOST_CTL_H
#define HVHOST_CTL_H

#include "core/loop.h"
#include "ctl_cmd.h"

#define CTL_LINE_MAX	1024
/* Output beyond this for a client that does not read is discarded. */
#define CTL_OUT_MAX	(1u << 20)

struct ctl_client;

struct ctl_server {
	struct loop_source src;
	struct loop *loop;
	struct ctl_cmds *cmds;
	struct ctl_client *clients;
	char path[108];
};

int ctl_server_init(struct ctl_server *srv, struct loop *loop,
		    struct ctl_cmds *cmds, const char *path);
void ctl_server_uninit(struct ctl_server *srv);
unsigned int ctl_server_nr_clients(const struct ctl_server *srv);

/* `hvhost ctl SOCKET COMMAND [ARGS...]`; returns the exit status. */
int ctl_client_main(int argc, char **argv);

#endif /* HVHOST_CTL_H */
