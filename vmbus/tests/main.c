// SPDX-License-Identifier: GPL-2.0
/*
 * Runs the ring core's unit suites (built with ASan+UBSan) and the
 * two-thread stress (built -O2, run as ./ring_stress), one TAP stream;
 * exits 1 if any test failed.
 */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "tap.h"

extern const struct tap_test ring_tests[], malformed_tests[];

static bool run_stress(const char *prog, const char *args)
{
	char cmd[256];
	int status;

	fflush(stdout);
	snprintf(cmd, sizeof(cmd), "TSAN_OPTIONS=halt_on_error=1 ./%s %s",
		 prog, args);
	status = system(cmd);
	return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static bool t_stress_wait(void)
{
	return run_stress("ring_stress", "");
}

static bool t_stress_spin(void)
{
	return run_stress("ring_stress", "-s -c -n 2000000");
}

static bool t_stress_tsan(void)
{
	return run_stress("ring_stress_tsan", "-n 200000");
}

static const struct tap_test stress_tests[] = {
	{ "stress: 10M packets, checksums, futex waits as signalled, scattered pages",
	  t_stress_wait },
	{ "stress: 2M packets, checksums, both spinning, contiguous pages",
	  t_stress_spin },
	{ "stress: 200k packets under ThreadSanitizer, no data race",
	  t_stress_tsan },
	{ NULL, NULL }
};

static const struct tap_test *const suites[] = {
	ring_tests, malformed_tests, stress_tests,
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
