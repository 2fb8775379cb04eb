// SPDX-License-Identifier: GPL-2.0
/*
 * StorVSP's I/O engine: one worker thread per open channel moves data
 * straight between the image file and the guest's pages (preadv/pwritev on
 * iovecs the loop built from the request's checked PFNs: no bounce
 * buffer), flushes and punches holes, then hands the request back to the
 * loop through sv->done and the eventfd. Workers touch nothing else: the
 * loop answers the guest and keeps every counter.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vsp/storvsp.h"

static size_t iov_bytes(const struct iovec *iov, unsigned int n)
{
	size_t b = 0;

	while (n--)
		b += iov[n].iov_len;
	return b;
}

/*
 * All of @iov at @off; a read past the end of the file reads zeros (a
 * sparse tail). Works on a copy, so the request's iovecs stay intact.
 */
static int rw_full(int fd, const struct iovec *src, unsigned int nr,
		   uint64_t off, bool write)
{
	struct iovec iov[IOV_MAX < 1024 ? IOV_MAX : 1024];
	unsigned int i = 0, n, j;
	size_t skip = 0;
	ssize_t got;

	while (i < nr) {
		n = nr - i < ARRAY_SIZE(iov) ? nr - i : ARRAY_SIZE(iov);
		memcpy(iov, src + i, n * sizeof(*iov));
		iov[0].iov_base = (uint8_t *)iov[0].iov_base + skip;
		iov[0].iov_len -= skip;
		got = write ? pwritev(fd, iov, (int)n, (off_t)off) :
			      preadv(fd, iov, (int)n, (off_t)off);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -errno;
		if (!got && write)
			return -EIO;
		if (!got) {
			for (j = 0; j < n; j++)
				memset(iov[j].iov_base, 0, iov[j].iov_len);
			got = (ssize_t)iov_bytes(iov, n);
		}
		off += (uint64_t)got;
		/* Advance over what moved: whole iovecs, then a part. */
		got += (ssize_t)skip;
		while (i < nr && (size_t)got >= src[i].iov_len) {
			got -= (ssize_t)src[i].iov_len;
			i++;
		}
		skip = (size_t)got;
	}
	return 0;
}

static int punch(int fd, const struct scsi_extent *e, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (!e[i].nblocks)
			continue;
		if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			      (off_t)(e[i].lba * STOR_BLOCK),
			      (off_t)e[i].nblocks * STOR_BLOCK))
			return -errno;
	}
	return 0;
}

static int flush(int fd)
{
	return fdatasync(fd) ? -errno : 0;
}

static void execute(struct stor_req *r)
{
	struct stor_lun *l = r->lun;
	uint64_t off = r->cmd.lba * STOR_BLOCK;
	int err = 0;

	if (__atomic_load_n(&l->removed, __ATOMIC_ACQUIRE)) {
		r->err = -ENODEV;
		return;
	}
	switch (r->cmd.action) {
	case SCSI_READ:
	case SCSI_WRITE:
		err = rw_full(l->fd, r->iov, r->nr_iov, off,
			      r->cmd.action == SCSI_WRITE);
		if (!err && r->cmd.action == SCSI_WRITE && r->cmd.fua)
			err = flush(l->fd);
		if (!err)
			r->moved = r->xfer;
		break;
	case SCSI_FLUSH:
		err = flush(l->fd);
		break;
	case SCSI_UNMAP:
	case SCSI_WS_UNMAP:
		err = punch(l->fd, r->ext, r->nr_ext);
		break;
	case SCSI_DONE:
		break;
	}
	r->err = err;
}

/* Holds the request delay_ms; false if the channel is stopping. */
static bool delay(struct stor_chan *sc)
{
	unsigned int ms = __atomic_load_n(&sc->c->sv->delay_ms,
					  __ATOMIC_RELAXED);
	struct timespec until;
	bool stop;

	if (!ms)
		return true;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&sc->lock);
	while (!sc->stop &&
	       pthread_cond_timedwait(&sc->cond, &sc->lock, &until) != ETIMEDOUT)
		;
	stop = sc->stop;
	pthread_mutex_unlock(&sc->lock);
	return !stop;
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void hand_back(struct storvsp *sv, struct stor_req *r)
{
	uint64_t one = 1;

	r->next = NULL;
	pthread_mutex_lock(&sv->done_lock);
	if (sv->done_tail)
		sv->done_tail->next = r;
	else
		sv->done = r;
	sv->done_tail = r;
	pthread_mutex_unlock(&sv->done_lock);
	/* A full counter still wakes the loop; nothing to do on failure. */
	if (write(sv->efd, &one, sizeof(one)) < 0)
		return;
}

static void *worker(void *arg)
{
	struct stor_chan *sc = arg;
	struct stor_req *r;

	pthread_mutex_lock(&sc->lock);
	for (;;) {
		while (!sc->queue && !sc->stop)
			pthread_cond_wait(&sc->cond, &sc->lock);
		if (sc->stop)
			break;
		r = sc->queue;
		sc->queue = r->next;
		if (!sc->queue)
			sc->queue_tail = NULL;
		pthread_mutex_unlock(&sc->lock);
		__atomic_store_n(&r->t_start, now_ns(), __ATOMIC_RELEASE);
		if (r->xfer && !delay(sc))
			r->err = -ECANCELED;
		else
			execute(r);
		r->t_end = now_ns();
		hand_back(sc->c->sv, r);
		pthread_mutex_lock(&sc->lock);
	}
	pthread_mutex_unlock(&sc->lock);
	return NULL;
}

int stor_worker_start(struct stor_chan *sc)
{
	pthread_condattr_t ca;
	int err;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_mutex_init(&sc->lock, NULL);
	pthread_cond_init(&sc->cond, &ca);
	pthread_condattr_destroy(&ca);
	err = pthread_create(&sc->thread, NULL, worker, sc);
	if (err) {
		pthread_cond_destroy(&sc->cond);
		pthread_mutex_destroy(&sc->lock);
		return -err;
	}
	sc->started = true;
	return 0;
}

struct stor_req *stor_worker_stop(struct stor_chan *sc)
{
	struct stor_req *left;

	if (!sc->started)
		return NULL;
	pthread_mutex_lock(&sc->lock);
	sc->stop = true;
	pthread_cond_broadcast(&sc->cond);
	pthread_mutex_unlock(&sc->lock);
	pthread_join(sc->thread, NULL);
	left = sc->queue;
	sc->queue = sc->queue_tail = NULL;
	pthread_cond_destroy(&sc->cond);
	pthread_mutex_destroy(&sc->lock);
	sc->started = false;
	return left;
}

void stor_submit(struct stor_req *r)
{
	struct stor_chan *sc = r->sc;

	r->next = NULL;
	pthread_mutex_lock(&sc->lock);
	if (sc->queue_tail)
		sc->queue_tail->next = r;
	else
		sc->queue = r;
	sc->queue_tail = r;
	pthread_cond_signal(&sc->cond);
	pthread_mutex_unlock(&sc->lock);
}

void stor_req_free(struct stor_req *r)
{
	if (r->lun) {
		r->lun->inflight--;
		stor_lun_put(r->lun);
	}
	free(r->iov);
	free(r->ext);
	free(r);
}
