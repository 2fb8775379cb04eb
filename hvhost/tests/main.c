// SPDX-License-Identifier: GPL-2.0
/* Runs every unit test suite and prints TAP; exits 1 if any test failed. */
#include <signal.h>
#include <stdlib.h>

#include "tests/tap.h"	/* vmbus/tests/tap.h, shared with the ring tests */

extern const struct tap_test guest_mem_tests[], msr_tests[],
	hypercall_tests[], synic_tests[], mailbox_tests[], ivshmem_tests[],
	ctl_tests[], vmbus_tests[], vmbus_data_tests[], vmbus_monitor_tests[],
	timesync_tests[],
	inject_tests[], storvsp_tests[];

static const struct tap_test *const suites[] = {
	guest_mem_tests, msr_tests, hypercall_tests, synic_tests,
	mailbox_tests, ivshmem_tests, ctl_tests, vmbus_tests, vmbus_data_tests,
	vmbus_monitor_tests, timesync_tests,
	inject_tests, storvsp_tests,
};

int main(void)
{
	const struct tap_test *t;
	unsigned int i, n = 0, failed = 0;

	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		for (t = suites[i]; t->name; t++)
			n++;
	printf("TAP version 13\n1..%u\n", n);
	n = 0;
	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		for (t = suites[i]; t->name; t++) {
			bool ok = t->fn();

			failed += !ok;
			printf("%sok %u - %s\n", ok ? "" : "not ", ++n, t->name);
		}
	}
	printf("# %u passed, %u failed\n", n - failed, failed);
	return failed ? 1 : 0;
}
