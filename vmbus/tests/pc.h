/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A producer and a consumer thread on one ring, as the two sides of a
 * channel: the stress test (random sizes, checksums) and the benchmark
 * (fixed sizes) both run on it. In wait mode each side sleeps on a futex
 * and is woken only when the ring core says to signal it, so a lost
 * wake-up shows as a wait that times out with work pending.
 */
#ifndef RING_TESTS_PC_H
#define RING_TESTS_PC_H

#include "../ring.h"

struct pc_config {
	u32 ring_size;		/* data area bytes */
	bool scattered;		/* data pages allocated one by one */
	u64 packets;		/* stop after this many, or ... */
	double seconds;		/* ... after this long (packets == 0) */
	u32 min_len, max_len;	/* payload bytes, ext included */
	bool verify;		/* random contents, checksums, ext segments */
	bool spin;		/* spin instead of waiting for signals */
	u32 poll;		/* spin this many times before waiting */
	int cpu[2];		/* pin the writer and the reader; -1: don't */
	u32 seed;
};

struct pc_result {
	double seconds;
	u64 packets;
	u64 bytes;		/* payload bytes */
	u64 writer_signals;	/* writes that said "signal the reader" */
	u64 reader_signals;	/* read batches that said "signal the writer" */
	u64 full;		/* writes refused for lack of space */
	u64 writer_waits, reader_waits;
	u64 bad_packets;	/* wrong length, id, offset or checksum */
	u64 lost_wakeups;	/* waits that timed out with work to do */
	u64 sum_written, sum_read;	/* checksums of all packets */
	int ring_error;		/* first unexpected error from the core */
};

int pc_run(const struct pc_config *cfg, struct pc_result *res);

#endif /* RING_TESTS_PC_H */
