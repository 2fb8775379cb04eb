// SPDX-License-Identifier: GPL-2.0
/*
 * Ring core throughput: ring_bench [-t seconds] [-r ring bytes] [-s]
 * A writer and a reader thread, pinned to CPUs 0 and 1, move packets of
 * 64 B, 1 KiB and 8 KiB payload through one ring (waiting on futexes as
 * the core signals, or spinning with -s); beside each, memcpy bandwidth of
 * the same block size over the same footprint, measured in this run.
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
	u8 *src = aligned_alloc(4096, footprint), *dst = aligned_alloc(4096, footprint);
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

int main(int argc, char **argv)
{
	static const u32 sizes[] = { 64, 1024, 8192 };
	struct pc_config cfg = {
		.ring_size = 256 * 1024,
		.seconds = 1.5,
		.cpu = { 0, 1 },
	};
	struct pc_result res;
	double gbps, base;
	unsigned int i;
	int opt;

	while ((opt = getopt(argc, argv, "t:r:s")) != -1) {
		switch (opt) {
		case 't':
			cfg.seconds = strtod(optarg, NULL);
			break;
		case 'r':
			cfg.ring_size = (u32)strtoul(optarg, NULL, 0);
			break;
		case 's':
			cfg.spin = true;
			break;
		default:
			fprintf(stderr, "usage: %s [-t seconds] [-r ring bytes] [-s]\n",
				argv[0]);
			return 2;
		}
	}
	printf("ring %u KiB, writer on CPU %d, reader on CPU %d, %s, %.1f s per size\n",
	       cfg.ring_size / 1024, cfg.cpu[0], cfg.cpu[1],
	       cfg.spin ? "spinning" : "futex waits as signalled", cfg.seconds);
	printf("%-8s %12s %9s %12s %8s %9s %9s\n", "payload", "packets/s",
	       "ring GB/s", "memcpy GB/s", "ratio", "signals", "waits");
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		cfg.min_len = cfg.max_len = sizes[i];
		if (pc_run(&cfg, &res)) {
			printf("%-8u ring error\n", sizes[i]);
			return 1;
		}
		gbps = res.bytes / res.seconds / 1e9;
		base = memcpy_gbps(sizes[i], cfg.ring_size, cfg.seconds / 3);
		printf("%-8u %12.0f %9.2f %12.2f %8.2f %9llu %9llu\n", sizes[i],
		       res.packets / res.seconds, gbps, base, gbps / base,
		       (unsigned long long)(res.writer_signals + res.reader_signals),
		       (unsigned long long)(res.writer_waits + res.reader_waits));
	}
	printf("ratio = ring GB/s / memcpy GB/s (one copy, one thread, same block size);\n"
	       "the ring copies each byte twice, once per thread.\n");
	return 0;
}
