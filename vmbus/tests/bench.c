// SPDX-License-Identifier: GPL-2.0
/*
 * Ring core throughput: ring_bench [-t seconds] [-r ring bytes] [-p polls] [-s]
 * A writer and a reader thread, pinned to CPUs 0 and 1, move packets of
 * 64 B, 1 KiB and 8 KiB payload through one ring; a side with nothing to
 * do polls a little (-p), then sleeps on a futex until the core says the
 * other side must signal it (or spins for ever with -s). Beside each size:
 * the same ring driven by one thread (write until full, read until empty:
 * the core's own cost, no cross-CPU traffic) and memcpy bandwidth of the
 * same block size over the same footprint, all measured in this run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "pc.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* GB/s of memcpy in @block pieces through @footprint bytes. */
static double memcpy_gbps(u32 block, u32 footprint, double seconds)
{
	u8 *src = aligned_alloc(4096, footprint);
	u8 *dst = aligned_alloc(4096, footprint);
	double t0, t;
	u64 bytes = 0;
	u32 off = 0, k;

	memset(src, 1, footprint);
	memset(dst, 2, footprint);
	t0 = now_s();
	do {
		for (k = 0; k < 256; k++) {
			memcpy(dst + off, src + off, block);
			__asm__ volatile("" : : "r"(dst) : "memory");
			off += block;
			if (off + block > footprint)
				off = 0;
		}
		bytes += 256ull * block;
		t = now_s() - t0;
	} while (t < seconds);
	free(src);
	free(dst);
	return bytes / t / 1e9;
}

/* GB/s of payload through a ring written and read by this thread alone. */
static double single_gbps(u32 len, u32 size, double seconds)
{
	u32 i, npages = (size + 4095) / 4096;
	struct hvp_ring_header *hdr = aligned_alloc(4096, sizeof(*hdr));
	u8 *mem = aligned_alloc(4096, npages * 4096);
	u8 **pages = calloc(npages, sizeof(*pages));
	u8 *src = calloc(1, len), *buf = malloc(len + 64);
	struct hvg_ring_seg seg = { src, len };
	struct hvg_ring_wdesc d = { .type = HVP_PKT_DATA_INBAND };
	struct hvg_ring w, r;
	struct hvg_ring_pkt pkt;
	double t0, t;
	u64 bytes = 0;
	bool sig;

	memset(hdr, 0, sizeof(*hdr));
	for (i = 0; i < npages; i++)
		pages[i] = mem + i * 4096;
	hvg_ring_init(&w, hdr, pages, size);
	hvg_ring_reset(&w, HVP_RING_FEAT_PENDING_SEND_SZ);
	hvg_ring_init(&r, hdr, pages, size);
	t0 = now_s();
	do {
		while (!hvg_ring_write(&w, &d, &seg, 1, &sig))
			;
		while (!hvg_ring_read(&r, buf, len + 64, &pkt))
			bytes += len;
		hvg_ring_read_done(&r);
		t = now_s() - t0;
	} while (t < seconds);
	free(buf);
	free(src);
	free(pages);
	free(mem);
	free(hdr);
	return bytes / t / 1e9;
}

int main(int argc, char **argv)
{
	static const u32 sizes[] = { 64, 1024, 8192 };
	struct pc_config cfg = {
		.ring_size = 256 * 1024,
		.seconds = 1.5,
		.poll = 0,
		.cpu = { 0, 1 },
	};
	struct pc_result res;
	double gbps, base, one;
	unsigned int i;
	int opt;

	while ((opt = getopt(argc, argv, "t:r:p:s")) != -1) {
		switch (opt) {
		case 't':
			cfg.seconds = strtod(optarg, NULL);
			break;
		case 'r':
			cfg.ring_size = (u32)strtoul(optarg, NULL, 0);
			break;
		case 'p':
			cfg.poll = (u32)strtoul(optarg, NULL, 0);
			break;
		case 's':
			cfg.spin = true;
			break;
		default:
			fprintf(stderr, "usage: %s [-t seconds] [-r ring bytes] [-p polls] [-s]\n",
				argv[0]);
			return 2;
		}
	}
	printf("ring %u KiB; writer on CPU %d, reader on CPU %d; ",
	       cfg.ring_size / 1024, cfg.cpu[0], cfg.cpu[1]);
	if (cfg.spin)
		printf("spinning");
	else
		printf("poll %u, then futex waits as signalled", cfg.poll);
	printf("; %.1f s per size\n", cfg.seconds);
	printf("%-8s %11s %9s %8s %9s %9s %7s %7s %7s\n", "payload",
	       "packets/s", "GB/s", "waits", "signals", "1-thread", "memcpy",
	       "ring/", "1-thr/");
	printf("%-8s %11s %9s %8s %9s %9s %7s %7s %7s\n", "", "", "", "", "",
	       "GB/s", "GB/s", "memcpy", "memcpy");
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		cfg.min_len = sizes[i];
		cfg.max_len = sizes[i];
		if (pc_run(&cfg, &res)) {
			printf("%-8u ring error\n", sizes[i]);
			return 1;
		}
		gbps = res.bytes / res.seconds / 1e9;
		one = single_gbps(sizes[i], cfg.ring_size, cfg.seconds / 3);
		base = memcpy_gbps(sizes[i], cfg.ring_size, cfg.seconds / 3);
		printf("%-8u %11.0f %9.2f %8llu %9llu %9.2f %7.2f %7.3f %7.3f\n",
		       sizes[i], res.packets / res.seconds, gbps,
		       (unsigned long long)(res.writer_waits + res.reader_waits),
		       (unsigned long long)(res.writer_signals +
					    res.reader_signals),
		       one, base, gbps / base, one / base);
	}
	printf("GB/s of payload. memcpy: one thread, one copy of each block; the ring\n"
	       "copies each byte twice (into the ring, out to the reader's buffer).\n");
	return 0;
}
