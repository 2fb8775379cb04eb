/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ivshmem-doorbell server side (QEMU docs/specs/ivshmem-spec.rst):
 * hvhost is peer 0 and serves exactly one client, QEMU, which gets id 1.
 * Every setup message is one little-endian int64, some with one fd
 * (SCM_RIGHTS): protocol version 0; the client's id; -1 with the shared
 * memory fd; peer 0's id with each of its eventfds; the client's own id with
 * each of its eventfds. Vector i of peer 0 is VP i's doorbell; writing the
 * client's eventfd i raises the guest's MSI-X vector i.
 */
#ifndef HVHOST_IVSHMEM_H
#define HVHOST_IVSHMEM_H

#include <hvproto/emu_abi.h>

#include "util.h"

#define IVSHMEM_PROTOCOL_VERSION	0
#define IVSHMEM_CLIENT_ID		1

struct ivshmem_server {
	int listen_fd;
	int client_fd;		/* -1 until QEMU connects */
	int shm_fd;		/* not owned */
	unsigned int nr_vectors;
	int host_efd[HVEMU_MAX_VPS];	/* doorbells the guest rings */
	int guest_efd[HVEMU_MAX_VPS];	/* interrupts hvhost raises */
	char path[108];
};

int ivshmem_server_init(struct ivshmem_server *srv, const char *path,
			int shm_fd, unsigned int nr_vectors);
void ivshmem_server_uninit(struct ivshmem_server *srv);
int ivshmem_accept(struct ivshmem_server *srv);
bool ivshmem_notify(struct ivshmem_server *srv, unsigned int vector);
uint64_t ivshmem_doorbell_ack(struct ivshmem_server *srv, unsigned int vector);

/* Shared with the unit tests, which play QEMU. */
int ivshmem_send_msg(int sock, int64_t value, int fd);

#endif /* HVHOST_IVSHMEM_H */
