// SPDX-License-Identifier: GPL-2.0
/*
 * Two-thread stress of the ring core: ring_stress [-n packets] [-s] [-c]
 * (-s: spin instead of waiting for signals; -c: contiguous pages).
 * Random sizes (crossing pages and the end of the ring), extension
 * segments, random batch sizes; every packet's length, id, offset and
 * checksum is checked. Exits 1 on any error; prints "# " lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "pc.h"

int main(int argc, char **argv)
{
	struct pc_config cfg = {
		.ring_size = 16 * 4096 + 512,
		.scattered = true,
		.packets = 10000000,
		.min_len = 8,
		.max_len = 12000,
		.verify = true,
		.cpu = { -1, -1 },
		.seed = (u32)getpid(),
	};
	struct pc_result res;
	bool ok;
	int opt, ret;

	while ((opt = getopt(argc, argv, "n:scr:")) != -1) {
		switch (opt) {
		case 'n':
			cfg.packets = strtoull(optarg, NULL, 0);
			break;
		case 's':
			cfg.spin = true;
			break;
		case 'c':
			cfg.scattered = false;
			break;
		case 'r':
			cfg.seed = (u32)strtoul(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr, "usage: %s [-n packets] [-s] [-c] [-r seed]\n",
				argv[0]);
			return 2;
		}
	}
	ret = pc_run(&cfg, &res);
	printf("# %llu packets, %.1f MB in %.2f s (%s, %s pages, seed %u)\n",
	       (unsigned long long)res.packets, res.bytes / 1e6, res.seconds,
	       cfg.spin ? "spinning" : "waiting", cfg.scattered ?
	       "scattered" : "contiguous", cfg.seed);
	printf("# signals: writer %llu reader %llu; ring full %llu; waits: writer %llu reader %llu\n",
	       (unsigned long long)res.writer_signals,
	       (unsigned long long)res.reader_signals,
	       (unsigned long long)res.full,
	       (unsigned long long)res.writer_waits,
	       (unsigned long long)res.reader_waits);
	ok = !ret && res.packets == cfg.packets && !res.bad_packets &&
	     !res.lost_wakeups && res.sum_read == res.sum_written;
	if (!ok)
		printf("# FAILED: error %d, %llu of %llu packets, %llu bad, %llu lost wake-ups, sums %s\n",
		       ret, (unsigned long long)res.packets,
		       (unsigned long long)cfg.packets,
		       (unsigned long long)res.bad_packets,
		       (unsigned long long)res.lost_wakeups,
		       res.sum_read == res.sum_written ? "equal" : "differ");
	return ok ? 0 : 1;
}
