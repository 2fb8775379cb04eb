/* SPDX-License-Identifier: GPL-2.0 */
/* Unix stream sockets by path, for the ivshmem and control servers. */
#ifndef HVHOST_UNIXSOCK_H
#define HVHOST_UNIXSOCK_H

int unix_listen(const char *path);
int unix_connect(const char *path);

#endif /* HVHOST_UNIXSOCK_H */
