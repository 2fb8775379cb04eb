#!/bin/bash
# make bench: the suite's benchmarks, one section each, every table with
# a baseline measured in the same run. Timings are reported, never asserted.
#
#   tools/bench.sh [SECTION...]     default: every section
#
# A section is a function bench_NAME that builds what it needs, prints a
# "== title ==" line and a table, and returns non-zero only when it could
# not run; add new ones to SECTIONS (echo round trips in the guest,
# storage, network ...). BENCH_SECONDS scales each measurement.
set -u
cd "$(dirname "$0")/.."
top=$PWD
: "${BENCH_SECONDS:=1.5}"

SECTIONS="ring"

# Ring core in user space: two threads, one ring, memcpy beside it.
bench_ring() {
	echo "== ring core: user space, writer and reader threads =="
	make -s -C "$top/vmbus/tests" bench || return 1
	"$top/vmbus/tests/ring_bench" -t "$BENCH_SECONDS"
}

sections=${*:-$SECTIONS}
failed=0
echo "# $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) (a busy machine slows every row)"
for s in $sections; do
	if ! declare -F "bench_$s" >/dev/null; then
		echo "unknown section: $s (known: $SECTIONS)" >&2
		failed=1
		continue
	fi
	"bench_$s" || { echo "# section $s failed"; failed=1; }
	echo
done
exit $failed
