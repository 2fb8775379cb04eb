#!/bin/bash
# make bench: the suite's benchmarks, one section each, every table with
# a baseline measured in the same run. Timings are reported, never asserted.
#
#   tools/bench.sh [SECTION...]     default: every section
#
# A section is a function bench_NAME that builds what it needs, prints a
# "== title ==" line and a table, and returns non-zero only when it could
# not run; add new ones to SECTIONS (storage, network ...). BENCH_SECONDS
# scales each measurement.
set -u
cd "$(dirname "$0")/.."
top=$PWD
: "${BENCH_SECONDS:=1.5}"

SECTIONS="ring echo"

# Ring core in user space: two threads, one ring, memcpy beside it.
bench_ring() {
	echo "== ring core: user space, writer and reader threads =="
	make -s -C "$top/vmbus/tests" bench || return 1
	"$top/vmbus/tests/ring_bench" -t "$BENCH_SECONDS"
}

# Echo through hvhost, in a QEMU guest (selftests/qemu/run.sh --cmd): the
# test VSC hvg_vmbus_test against the echo VSP. Round trips with one small
# in-band packet outstanding, then throughput in-band (64 packets of 4000 B
# in flight) and GPA-direct (256 KiB requests, one outstanding). The guest
# runs under TCG on the same CPUs as hvhost: compare rows of one run.
bench_echo() {
	local ms mb out
	echo "== echo through hvhost: guest VSC <-> echo VSP (QEMU TCG guest, 2 vCPUs) =="
	make -s modules hvhost >/dev/null 2>&1 || { echo "# make modules hvhost failed"; return 1; }
	ms=$(awk -v s="$BENCH_SECONDS" 'BEGIN { printf "%d", s * 2000 }')
	mb=$(awk -v s="$BENCH_SECONDS" 'BEGIN { printf "%d", s * 16 }')
	out=$(HVG_LOGLEVEL=1 "$top/selftests/qemu/run.sh" --cmd "
		up() { cut -d' ' -f1 /proc/uptime; }
		rmmod hvg_vmbus && modprobe hvg_hvcall_test || exit 1
		t0=\$(up); echo event >/sys/kernel/debug/hvg_hvcall_test/run; t1=\$(up)
		echo \"bench: event \$(cat /sys/kernel/debug/hvg_hvcall_test/run) count=\$((1000 * \$(nproc))) ns=\$(awk \"BEGIN { print (\$t1 - \$t0) * 1e9 }\")\"
		rmmod hvg_hvcall_test && modprobe hvg_vmbus && modprobe hvg_vmbus_test || exit 1
		d=/sys/kernel/debug/hvg_vmbus_test
		b() { echo \"\$2\" >\$d/run; echo \"bench: \$1 \$(cat \$d/run) \$(cat \$d/info)\"; }
		b rtt 'rtt $ms'
		b inband 'inband $mb'
		b gpa_sum 'gpa_sum $mb'
		b gpa_fill 'gpa_fill $mb'" 2>&1 | tr -d '\r' | grep '^bench: ') || { echo "# the guest run failed"; return 1; }
	echo "$out" | awk -v mb="$mb" '
	function val(k,   i) { for (i = 3; i <= NF; i++) if (index($i, k "=") == 1) return substr($i, length(k) + 2); return "" }
	BEGIN { printf "%-10s %-44s %14s %12s\n", "test", "what", "rate", "per op" }
	$3 != "pass" { printf "%-10s failed: %s\n", $2, $0; bad = 1; next }
	$2 == "rtt" || $2 == "event" { n = val("count"); t = val("ns") / 1e9
		what = $2 == "rtt" ? "in-band 64 B, one outstanding, round trips" : \
			"baseline: HvSignalEvent -> event round trips"
		printf "%-10s %-44s %10.0f /s %9.1f us\n", $2, what, n / t, t * 1e6 / n; next }
	{ t = val("ns") / 1e9; what = $2 == "inband" ? "in-band 4000 B, window 64, each way" : \
		($2 == "gpa_sum" ? "GPA-direct 256 KiB guest->host, checked" : "GPA-direct 256 KiB host->guest, checked")
		printf "%-10s %-44s %9.1f MB/s %12s\n", $2, what, mb / t, "" }
	END { exit bad }'
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
