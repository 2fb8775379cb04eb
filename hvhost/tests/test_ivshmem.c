// SPDX-License-Identifier: GPL-2.0
/*
 * The ivshmem server against a fake QEMU: the setup messages and fds, a
 * doorbell rung through the received eventfd completing a slot, and an
 * interrupt arriving on the client's own eventfd.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "core/ivshmem.h"
#include "core/mailbox.h"
#include "core/unixsock.h"
#include "fixture.h"
#include "tests/tap.h"	/* vmbus/tests/tap.h, shared with the ring tests */

#define NR	2

struct fake_qemu {
	int sock;
	int shm;
	int peer0[NR];
	int own[NR];
	void *bar2;
};

static bool recv_msg(int sock, int64_t *val, int *fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = val, .iov_len = sizeof(*val) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;

	*fd = -1;
	if (recvmsg(sock, &msg, 0) != sizeof(*val))
		return false;
	c = CMSG_FIRSTHDR(&msg);
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
		memcpy(fd, CMSG_DATA(c), sizeof(int));
	return true;
}

static bool expect(int sock, int64_t want, bool with_fd, int *fd)
{
	int64_t v;
	int got;

	if (!recv_msg(sock, &v, &got) || v != want || (got >= 0) != with_fd)
		return false;
	if (fd)
		*fd = got;
	else if (got >= 0)
		close(got);
	return true;
}

static bool qemu_connect(struct fake_qemu *q, const char *path)
{
	struct timeval tmo = { .tv_sec = 2 };

	q->sock = unix_connect(path);
	CHECK(q->sock >= 0);
	setsockopt(q->sock, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo));
	return true;
}

static bool qemu_setup(struct fake_qemu *q)
{
	unsigned int i;

	CHECK(expect(q->sock, 0, false, NULL));		/* version */
	CHECK(expect(q->sock, 1, false, NULL));		/* our id */
	CHECK(expect(q->sock, -1, true, &q->shm));	/* BAR2 */
	for (i = 0; i < NR; i++)
		CHECK(expect(q->sock, 0, true, &q->peer0[i]));
	for (i = 0; i < NR; i++)
		CHECK(expect(q->sock, 1, true, &q->own[i]));
	q->bar2 = mmap(NULL, HVEMU_CTL_REGION_SIZE, PROT_READ | PROT_WRITE,
		       MAP_SHARED, q->shm, 0);
	CHECK(q->bar2 != MAP_FAILED);
	return true;
}

static void qemu_close(struct fake_qemu *q)
{
	unsigned int i;

	munmap(q->bar2, HVEMU_CTL_REGION_SIZE);
	close(q->shm);
	for (i = 0; i < NR; i++) {
		close(q->peer0[i]);
		close(q->own[i]);
	}
	close(q->sock);
}

static bool readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1;
}

static bool notify(void *opaque, unsigned int vp)
{
	return ivshmem_notify(opaque, vp);
}

static bool ring_and_serve(struct fake_qemu *q, struct ivshmem_server *srv,
			   struct mailbox *mb, struct hv *hv, unsigned int vp)
{
	uint64_t one = 1;

	CHECK(write(q->peer0[vp], &one, sizeof(one)) == sizeof(one));
	CHECK(readable(srv->host_efd[vp], 1000));
	CHECK_EQ(ivshmem_doorbell_ack(srv, vp), 1);
	CHECK(!readable(srv->host_efd[vp], 0));
	CHECK(mailbox_process(mb, hv, vp));
	return true;
}

static bool ivs_handshake(void)
{
	char path[64];
	struct ivshmem_server srv;
	struct fake_qemu q, extra;
	struct hvemu_slot *slot;
	struct fixture fx;
	struct mailbox mb;
	uint64_t count;

	snprintf(path, sizeof(path), "/tmp/hvhost-ivs-%d.sock", (int)getpid());
	CHECK(fx_init(&fx, NR));
	CHECK_EQ(mailbox_create(&mb, NR, HVEMU_ABI_VERSION, FX_RAM_SIZE), 0);
	CHECK_EQ(ivshmem_server_init(&srv, path, mb.fd, NR), 0);
	synic_set_irq(&fx.hv.synic, notify, &srv);
	CHECK(qemu_connect(&q, path));
	CHECK_EQ(ivshmem_accept(&srv), 0);
	CHECK(qemu_setup(&q));
	CHECK_EQ(((struct hvemu_ctl_header *)q.bar2)->magic, HVEMU_MAGIC);
	/* One client only: a second is turned away. */
	CHECK(qemu_connect(&extra, path));
	CHECK_EQ(ivshmem_accept(&srv), (uint64_t)-EBUSY);
	CHECK(!readable(extra.sock, 1000) || recv(extra.sock, &count, 8, 0) <= 0);
	close(extra.sock);
	/* The guest's request in its BAR2 view, its doorbell, our completion. */
	slot = (void *)((char *)q.bar2 + HVEMU_HEADER_SIZE + HVEMU_SLOT_SIZE);
	slot->op = HVEMU_OP_RDMSR;
	slot->arg[0] = HVP_MSR_VP_INDEX;
	__atomic_store_n(&slot->req_seq, 1, __ATOMIC_RELEASE);
	CHECK(ring_and_serve(&q, &srv, &mb, &fx.hv, 1));
	CHECK_EQ(__atomic_load_n(&slot->done_seq, __ATOMIC_ACQUIRE), 1);
	CHECK_EQ(slot->status, HVEMU_STATUS_OK);
	CHECK_EQ(slot->result, 1);
	/* An event for VP 1 interrupts MSI-X vector 1, and only it. */
	CHECK(fx_enable(&fx, 1) && fx_sint(&fx, 1, 0, false));
	CHECK_EQ(fx_signal(&fx, 1, HVEMU_TEST_EVENT_CONN(1, 0), 3), 0);
	CHECK(readable(q.own[1], 1000));
	CHECK(read(q.own[1], &count, sizeof(count)) == sizeof(count));
	CHECK_EQ(count, 1);
	CHECK(!readable(q.own[0], 0));
	CHECK_EQ(fx.hv.stats.interrupts_lost, 0);
	qemu_close(&q);
	ivshmem_server_uninit(&srv);
	CHECK(access(path, F_OK) != 0);
	mailbox_destroy(&mb);
	fx_uninit(&fx);
	return true;
}

/* A client that hangs up before setup must not take the server down. */
static bool ivs_early_hangup(void)
{
	char path[64];
	struct ivshmem_server srv;
	struct mailbox mb;
	int fd;

	snprintf(path, sizeof(path), "/tmp/hvhost-ivs2-%d.sock", (int)getpid());
	CHECK_EQ(mailbox_create(&mb, NR, HVEMU_ABI_VERSION, 4096), 0);
	CHECK_EQ(ivshmem_server_init(&srv, path, mb.fd, NR), 0);
	CHECK(!ivshmem_notify(&srv, 0));
	fd = unix_connect(path);
	CHECK(fd >= 0);
	shutdown(fd, SHUT_RDWR);
	close(fd);
	/* Either the setup fails (client gone) or it is sent into the void. */
	ivshmem_accept(&srv);
	CHECK_EQ(ivshmem_accept(&srv), (uint64_t)-EAGAIN);
	CHECK(!ivshmem_notify(&srv, NR));
	ivshmem_server_uninit(&srv);
	mailbox_destroy(&mb);
	return true;
}

TAP_SUITE(ivshmem_tests,
	{ "ivshmem: handshake, doorbell completes the slot, interrupt to vector", ivs_handshake },
	{ "ivshmem: a client hanging up early", ivs_early_hangup });
