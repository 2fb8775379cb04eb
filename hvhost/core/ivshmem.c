// SPDX-License-Identifier: GPL-2.0
/* The ivshmem-doorbell server protocol (see ivshmem.h). */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "ivshmem.h"
#include "unixsock.h"

static void close_fds(int *fds, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = -1;
	}
}

static int make_eventfds(int *fds, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		fds[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (fds[i] < 0)
			return -errno;
	}
	return 0;
}

int ivshmem_server_init(struct ivshmem_server *srv, const char *path,
			int shm_fd, unsigned int nr_vectors)
{
	int err;

	memset(srv, 0, sizeof(*srv));
	srv->listen_fd = srv->client_fd = -1;
	memset(srv->host_efd, -1, sizeof(srv->host_efd));
	memset(srv->guest_efd, -1, sizeof(srv->guest_efd));
	if (!nr_vectors || nr_vectors > HVEMU_MAX_VPS ||
	    strlen(path) >= sizeof(srv->path))
		return -EINVAL;
	strcpy(srv->path, path);
	srv->shm_fd = shm_fd;
	srv->nr_vectors = nr_vectors;
	err = make_eventfds(srv->host_efd, nr_vectors);
	if (!err)
		err = make_eventfds(srv->guest_efd, nr_vectors);
	if (!err) {
		srv->listen_fd = unix_listen(path);
		if (srv->listen_fd < 0)
			err = srv->listen_fd;
	}
	if (err)
		ivshmem_server_uninit(srv);
	return err;
}

void ivshmem_server_uninit(struct ivshmem_server *srv)
{
	if (srv->client_fd >= 0)
		close(srv->client_fd);
	if (srv->listen_fd >= 0) {
		close(srv->listen_fd);
		unlink(srv->path);
	}
	srv->client_fd = srv->listen_fd = -1;
	close_fds(srv->host_efd, srv->nr_vectors);
	close_fds(srv->guest_efd, srv->nr_vectors);
}

int ivshmem_send_msg(int sock, int64_t value, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = &value, .iov_len = sizeof(value) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cmsg;
	ssize_t n;

	if (fd >= 0) {
		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof(cbuf);
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	}
	do {
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == sizeof(value) ? 0 : -EIO;
}

static int send_setup(struct ivshmem_server *srv, int sock)
{
	unsigned int i;
	int err;

	err = ivshmem_send_msg(sock, IVSHMEM_PROTOCOL_VERSION, -1);
	if (!err)
		err = ivshmem_send_msg(sock, IVSHMEM_CLIENT_ID, -1);
	if (!err)
		err = ivshmem_send_msg(sock, -1, srv->shm_fd);
	for (i = 0; !err && i < srv->nr_vectors; i++)
		err = ivshmem_send_msg(sock, HVEMU_HOST_PEER_ID,
				       srv->host_efd[i]);
	for (i = 0; !err && i < srv->nr_vectors; i++)
		err = ivshmem_send_msg(sock, IVSHMEM_CLIENT_ID,
				       srv->guest_efd[i]);
	return err;
}

/*
 * Accepts a pending connection. Returns 0 when it became the client,
 * -EBUSY when a client is already served (the newcomer is closed), or
 * another negative errno.
 */
int ivshmem_accept(struct ivshmem_server *srv)
{
	struct timeval tmo = { .tv_sec = 2 };
	int fd, err;

	fd = accept4(srv->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (srv->client_fd >= 0) {
		close(fd);
		return -EBUSY;
	}
	/* A client that never reads must not stall the host for long. */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tmo, sizeof(tmo));
	err = send_setup(srv, fd);
	if (err) {
		close(fd);
		return err;
	}
	srv->client_fd = fd;
	return 0;
}

bool ivshmem_notify(struct ivshmem_server *srv, unsigned int vector)
{
	uint64_t one = 1;

	if (srv->client_fd < 0 || vector >= srv->nr_vectors)
		return false;
	return write(srv->guest_efd[vector], &one, sizeof(one)) == sizeof(one);
}

uint64_t ivshmem_doorbell_ack(struct ivshmem_server *srv, unsigned int vector)
{
	uint64_t count = 0;

	if (vector >= srv->nr_vectors ||
	    read(srv->host_efd[vector], &count, sizeof(count)) != sizeof(count))
		return 0;
	return count;
}
