// SPDX-License-Identifier: GPL-2.0
/* Producer/consumer over one ring: see pc.h. */
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "pc.h"

#define END_TYPE	HVP_PKT_CANCEL_REQUEST
#define WAIT_MS		5000

struct pc_event {
	u32 seq;
	u32 waiters;
};

struct pc {
	const struct pc_config *cfg;
	struct pc_result *res;
	struct hvp_ring_header *hdr;
	u8 **pages;
	u8 *contig;
	u32 npages;
	struct hvg_ring w, r;
	struct pc_event ev_w, ev_r;	/* wake the writer, the reader */
	pthread_barrier_t start;
	struct timespec t0;
};

/* One packet's shape, derived from its number alone by both sides. */
struct plan {
	u32 len;	/* ext + payload */
	u32 ext;
	u32 split;	/* the payload is written as two segments, here */
};

static u64 mix64(u64 z)
{
	z += 0x9e3779b97f4a7c15ull;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void make_plan(const struct pc_config *cfg, u64 i, struct plan *p)
{
	u64 r = mix64(i ^ ((u64)cfg->seed << 40));
	u32 span = cfg->max_len - cfg->min_len + 1;

	if (!cfg->verify) {
		p->len = cfg->min_len;
		p->ext = 0;
		p->split = p->len;
		return;
	}
	/* mostly small, a few up to max_len (crossing pages) */
	if ((r >> 56) < 8)
		p->len = cfg->min_len + (u32)(r % span);
	else
		p->len = cfg->min_len + (u32)(r % (span < 600 ? span : 600));
	p->ext = ((r >> 40) & 3) ? 0 : 8 * (u32)(1 + ((r >> 42) & 3));
	if (p->ext > ((p->len - 8) & ~7u))
		p->ext = 0;
	p->split = p->ext + (u32)((r >> 20) % (p->len - p->ext + 1));
}

/* A checksum of @len bytes (the last 8 of a packet hold it). */
static u64 checksum(const u8 *p, u32 len)
{
	u64 h = 0xcbf29ce484222325ull, w;
	u32 i;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0x100000001b3ull;
		h ^= h >> 29;
	}
	for (; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

static void fill(u8 *buf, u64 i, u32 len)
{
	u64 w, s = mix64(i);
	u32 k;

	for (k = 0; k + 8 <= len - 8; k += 8) {
		w = s + k;
		w ^= w >> 31;
		w *= 0x94d049bb133111ebull;
		memcpy(buf + k, &w, 8);
	}
	for (; k < len - 8; k++)
		buf[k] = (u8)(s >> (k % 8));
	w = checksum(buf, len - 8);
	memcpy(buf + len - 8, &w, 8);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Pause; now and then yield, often when the threads may share a CPU. */
static void relax(const struct pc_config *cfg, unsigned int *spins)
{
	if (++*spins % (cfg->cpu[0] < 0 ? 256 : 16384) == 0) {
		sched_yield();
		return;
	}
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#else
	__asm__ volatile("" ::: "memory");
#endif
}

static void ev_signal(struct pc_event *e)
{
	__atomic_fetch_add(&e->seq, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&e->waiters, __ATOMIC_SEQ_CST))
		syscall(SYS_futex, &e->seq, FUTEX_WAKE_PRIVATE, INT_MAX,
			NULL, NULL, 0);
}

/* Returns false if the wait timed out. */
static bool ev_wait(struct pc_event *e, u32 seq)
{
	struct timespec ts = { WAIT_MS / 1000, 0 };
	long ret;

	__atomic_fetch_add(&e->waiters, 1, __ATOMIC_SEQ_CST);
	ret = syscall(SYS_futex, &e->seq, FUTEX_WAIT_PRIVATE, seq, &ts,
		      NULL, 0);
	__atomic_fetch_sub(&e->waiters, 1, __ATOMIC_SEQ_CST);
	return !(ret == -1 && errno == ETIMEDOUT);
}

static void pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0 || cpu >= sysconf(_SC_NPROCESSORS_ONLN))
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void set_error(struct pc *pc, int err)
{
	int zero = 0;

	__atomic_compare_exchange_n(&pc->res->ring_error, &zero, err, false,
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

/* Write one packet, waiting for space as the core directs. */
static bool put(struct pc *pc, const struct hvg_ring_wdesc *d,
		const struct hvg_ring_seg *segs, unsigned int nsegs, u32 len)
{
	const struct pc_config *cfg = pc->cfg;
	u32 need = hvg_ring_packet_size(len), seq;
	unsigned int spins = 0;
	bool sig, pending = false;
	int ret;

	for (;;) {
		ret = hvg_ring_write(&pc->w, d, segs, nsegs, &sig);
		if (!ret)
			break;
		if (ret != -EAGAIN || pc->res->ring_error) {
			set_error(pc, ret ? ret : -EINTR);
			ev_signal(&pc->ev_r);
			return false;
		}
		if (cfg->spin || spins < cfg->poll) {
			relax(cfg, &spins);
			continue;
		}
		seq = __atomic_load_n(&pc->ev_w.seq, __ATOMIC_SEQ_CST);
		pending = true;
		if (hvg_ring_set_pending_send(&pc->w, need))
			continue;
		pc->res->writer_waits++;
		if (!ev_wait(&pc->ev_w, seq) &&
		    hvg_ring_write_avail(&pc->w) >= need)
			pc->res->lost_wakeups++;
	}
	if (pending)
		hvg_ring_set_pending_send(&pc->w, 0);
	if (sig) {
		pc->res->writer_signals++;
		ev_signal(&pc->ev_r);
	}
	return true;
}

static void *writer(void *arg)
{
	struct pc *pc = arg;
	const struct pc_config *cfg = pc->cfg;
	struct hvg_ring_wdesc d = { .type = HVP_PKT_DATA_INBAND };
	struct hvg_ring_seg segs[3];
	double deadline = 0;
	struct plan p;
	unsigned int n;
	u8 *buf = malloc(cfg->max_len + 8);
	u64 i;

	memset(buf, 0x5a, cfg->max_len + 8);
	pin(cfg->cpu[0]);
	pthread_barrier_wait(&pc->start);
	if (!cfg->packets)
		deadline = now_s() + cfg->seconds;
	for (i = 0; cfg->packets ? i < cfg->packets : true; i++) {
		if (!cfg->packets && !(i % 256) && now_s() >= deadline)
			break;
		make_plan(cfg, i, &p);
		if (cfg->verify) {
			fill(buf, i, p.len);
			pc->res->sum_written += checksum(buf, p.len - 8);
		}
		n = 0;
		if (p.ext)
			segs[n++] = (struct hvg_ring_seg){ buf, p.ext };
		segs[n++] = (struct hvg_ring_seg){ buf + p.ext,
						   p.split - p.ext };
		segs[n++] = (struct hvg_ring_seg){ buf + p.split,
						   p.len - p.split };
		d.type = p.ext ? HVP_PKT_DATA_USING_GPA_DIRECT :
				 HVP_PKT_DATA_INBAND;
		d.ext_len = p.ext;
		d.trans_id = i;
		if (!put(pc, &d, segs, n, p.len))
			goto out;
	}
	d = (struct hvg_ring_wdesc){ .type = END_TYPE, .trans_id = i };
	put(pc, &d, NULL, 0, 0);
out:
	free(buf);
	return NULL;
}

static bool check_packet(struct pc *pc, const struct hvg_ring_pkt *pkt,
			 const u8 *buf, u64 i)
{
	struct plan p;
	u64 sum, want;

	make_plan(pc->cfg, i, &p);
	if (pkt->trans_id != i ||
	    pkt->len != hvg_ring_packet_size(p.len) - 8 ||
	    pkt->offset != 16 + p.ext)
		return false;
	if (!pc->cfg->verify)
		return true;
	sum = checksum(buf + 16, p.len - 8);
	memcpy(&want, buf + 16 + p.len - 8, 8);
	pc->res->sum_read += sum;
	return sum == want;
}

/* Read up to @cap packets; returns the last read's status. */
static int read_batch(struct pc *pc, u8 *buf, u32 size, unsigned int cap,
		      bool *end)
{
	struct hvg_ring_pkt pkt;
	unsigned int n;
	int ret = 0;

	for (n = 0; n < cap; n++) {
		ret = hvg_ring_read(&pc->r, buf, size, &pkt);
		if (ret)
			break;
		if (pkt.type == END_TYPE) {
			*end = true;
			break;
		}
		if (!check_packet(pc, &pkt, buf, pc->res->packets))
			pc->res->bad_packets++;
		pc->res->packets++;
		pc->res->bytes += pkt.len - pkt.offset;
	}
	if (hvg_ring_read_done(&pc->r)) {
		pc->res->reader_signals++;
		ev_signal(&pc->ev_w);
	}
	return ret;
}

static void *reader(void *arg)
{
	struct pc *pc = arg;
	const struct pc_config *cfg = pc->cfg;
	u32 size = hvg_ring_packet_size(cfg->max_len), seq;
	unsigned int cap, spins = 0;
	u8 *buf = malloc(size);
	u64 batch = mix64(cfg->seed), before;
	bool end = false;
	int ret;

	pin(cfg->cpu[1]);
	pthread_barrier_wait(&pc->start);
	hvg_ring_mask_interrupts(&pc->r);
	while (!end) {
		/* varied batches in the stress, a quarter ring in the bench */
		cap = cfg->verify ? 1 + (batch = mix64(batch)) % 128 :
			cfg->ring_size / 4 / size + 1;
		before = pc->res->packets;
		ret = read_batch(pc, buf, size, cap, &end);
		if (pc->res->packets != before)
			spins = 0;
		if (end || pc->res->ring_error)
			break;
		if (ret == 0)
			continue;
		if (ret != -EAGAIN) {
			set_error(pc, ret);
			break;
		}
		if (cfg->spin || spins < cfg->poll) {
			relax(cfg, &spins);
			continue;
		}
		seq = __atomic_load_n(&pc->ev_r.seq, __ATOMIC_SEQ_CST);
		if (hvg_ring_unmask_interrupts(&pc->r)) {
			hvg_ring_mask_interrupts(&pc->r);
			continue;
		}
		pc->res->reader_waits++;
		if (!ev_wait(&pc->ev_r, seq) && hvg_ring_read_avail(&pc->r))
			pc->res->lost_wakeups++;
		hvg_ring_mask_interrupts(&pc->r);
	}
	/* stop a writer blocked on a ring error */
	ev_signal(&pc->ev_w);
	free(buf);
	return NULL;
}

static bool setup(struct pc *pc)
{
	u32 i, pg = HVG_RING_PAGE_SIZE;

	pc->npages = (pc->cfg->ring_size + pg - 1) / pg;
	pc->hdr = aligned_alloc(pg, sizeof(*pc->hdr));
	pc->pages = calloc(pc->npages, sizeof(*pc->pages));
	if (!pc->hdr || !pc->pages)
		return false;
	memset(pc->hdr, 0, sizeof(*pc->hdr));
	if (!pc->cfg->scattered) {
		pc->contig = aligned_alloc(pg, pc->npages * pg);
		if (!pc->contig)
			return false;
		for (i = 0; i < pc->npages; i++)
			pc->pages[i] = pc->contig + i * pg;
	} else {
		for (i = 0; i < pc->npages; i++) {
			/* one by one, as hvhost sees a GPADL */
			pc->pages[i] = aligned_alloc(pg, pg);
			if (!pc->pages[i])
				return false;
		}
	}
	if (hvg_ring_init(&pc->w, pc->hdr, pc->pages, pc->cfg->ring_size))
		return false;
	hvg_ring_reset(&pc->w, HVP_RING_FEAT_PENDING_SEND_SZ);
	return !hvg_ring_init(&pc->r, pc->hdr, pc->pages, pc->cfg->ring_size);
}

static void teardown(struct pc *pc)
{
	u32 i;

	if (pc->contig)
		free(pc->contig);
	else if (pc->pages)
		for (i = 0; i < pc->npages; i++)
			free(pc->pages[i]);
	free(pc->pages);
	free(pc->hdr);
}

int pc_run(const struct pc_config *cfg, struct pc_result *res)
{
	struct pc pc = { .cfg = cfg, .res = res };
	pthread_t tw, tr;
	double t0;

	memset(res, 0, sizeof(*res));
	if ((cfg->verify && cfg->min_len < 8) || cfg->max_len < cfg->min_len ||
	    !setup(&pc)) {
		teardown(&pc);
		return -EINVAL;
	}
	pthread_barrier_init(&pc.start, NULL, 3);
	pthread_create(&tw, NULL, writer, &pc);
	pthread_create(&tr, NULL, reader, &pc);
	pthread_barrier_wait(&pc.start);
	t0 = now_s();
	pthread_join(tr, NULL);
	res->seconds = now_s() - t0;
	pthread_join(tw, NULL);
	pthread_barrier_destroy(&pc.start);
	res->full = pc.w.stats.full;
	teardown(&pc);
	return res->ring_error;
}
