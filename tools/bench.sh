#!/bin/bash
# make bench: the suite's benchmarks, one section each, every table with
# a baseline measured in the same run. Timings are reported, never asserted.
#
#   tools/bench.sh [SECTION...]     default: every section
#
# A section is a function bench_NAME that builds what it needs, prints a
# "== title ==" line and a table, and returns non-zero only when it could
# not run; add new ones to SECTIONS (network ...). BENCH_SECONDS
# scales each measurement.
set -u
cd "$(dirname "$0")/.."
top=$PWD
: "${BENCH_SECONDS:=1.5}"

SECTIONS="ring echo storage"

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

# Storage in a guest: hvg_storvsc -> hvhost's StorVSP against QEMU's
# virtio-blk, side by side in one guest, each disk a fresh sparse raw image
# of 256 MiB in $BUILD/bench/ served through the host's page cache (hvhost:
# buffered preadv/pwritev on a worker thread per channel; QEMU:
# cache=writeback, aio=threads). fio (the extra program set) runs one job,
# libaio, O_DIRECT, over the first 64 MiB of each disk (written once
# first), time-based; the two disks take turns test by test.
bench_storage() {
	local secs bdir out
	echo "== storage: hvg_storvsc -> hvhost StorVSP vs QEMU virtio-blk (QEMU TCG guest, 2 vCPUs) =="
	make -s modules hvhost >/dev/null 2>&1 || { echo "# make modules hvhost failed"; return 1; }
	secs=$(awk -v s="$BENCH_SECONDS" 'BEGIN { printf "%d", s * 2 + 0.5 }')
	bdir=${BUILD:-$top/build}/bench
	mkdir -p "$bdir"
	rm -f "$bdir/storvsc.img" "$bdir/virtio.img"
	truncate -s 256M "$bdir/virtio.img"
	out=$(HVG_LOGLEVEL=1 "$top/selftests/qemu/run.sh" --extra fio \
		--hvhost-args "--disk path=$bdir/storvsc.img,size=256M,serial=BENCH0" \
		--qemu-args "-drive file=$bdir/virtio.img,if=none,id=vb,format=raw,cache=writeback,aio=threads -device virtio-blk-pci,drive=vb" \
		--cmd "
		modprobe sd_mod && modprobe hvg_storvsc && modprobe virtio_pci && modprobe virtio_blk || exit 1
		sv= i=0
		while [ -z \"\$sv\" ] || [ ! -b /dev/vda ]; do
			for b in /sys/bus/vmbus/devices/*/host*/target*/*/block/*; do
				[ -e \"\$b\" ] && sv=\${b##*/}
			done
			i=\$((i + 1))
			[ \$i -lt 300 ] || { echo \"bench: no disks: storvsc '\$sv', \$(ls /dev/vd* 2>&1)\"; exit 1; }
			usleep 100000
		done
		f() {
			dev=\$1
			shift
			fio --name=b --filename=/dev/\$dev --ioengine=libaio --direct=1 --thread --size=64M \"\$@\"
		}
		for d in \$sv vda; do f \$d --rw=write --bs=1M --iodepth=8 >/dev/null || exit 1; done
		b() {
			t=\$1
			shift
			for d in \$sv vda; do
				n=storvsc
				[ \$d = vda ] && n=virtio
				f \$d --time_based --runtime=$secs --output-format=terse --terse-version=3 \"\$@\" |
					awk -F';' -v t=\$t -v n=\$n '{ print \"bench:\", t, n, \"err=\" \$5, \"read_iops=\" \$8, \"read_kbs=\" \$7, \"write_iops=\" \$49, \"write_kbs=\" \$48 }'
			done
		}
		b rr1 --rw=randread --bs=4k --iodepth=1
		b rr32 --rw=randread --bs=4k --iodepth=32
		b rw1 --rw=randwrite --bs=4k --iodepth=1
		b rw32 --rw=randwrite --bs=4k --iodepth=32
		b sr --rw=read --bs=1M --iodepth=8
		b sw --rw=write --bs=1M --iodepth=8" 2>&1 | tr -d '\r' | grep '^bench: ') || { echo "# the guest run failed"; return 1; }
	echo "$out" | awk -v secs="$secs" '
	function val(k,   i) { for (i = 4; i <= NF; i++) if (index($i, k "=") == 1) return substr($i, length(k) + 2); return "" }
	BEGIN {
		what["rr1"] = "4 KiB random read, QD 1"; what["rr32"] = "4 KiB random read, QD 32"
		what["rw1"] = "4 KiB random write, QD 1"; what["rw32"] = "4 KiB random write, QD 32"
		what["sr"] = "1 MiB sequential read, QD 8"; what["sw"] = "1 MiB sequential write, QD 8"
		printf "%-6s %-30s %14s %14s %8s\n", "test", "what", "storvsc", "virtio-blk", "ratio"
	}
	$2 == "no" { print; bad = 1; next }
	val("err") != "0" { printf "%-6s %s failed: %s\n", $2, $3, $0; bad = 1; next }
	{
		rd = $2 ~ /^(rr|sr)/
		if ($2 ~ /^s/)	# MB/s
			v[$2, $3] = (rd ? val("read_kbs") : val("write_kbs")) * 1.024 / 1000
		else				# IOPS
			v[$2, $3] = rd ? val("read_iops") : val("write_iops")
		if (!($2 in seen)) { seen[$2] = 1; order[++n] = $2 }
	}
	END {
		for (i = 1; i <= n; i++) {
			t = order[i]; u = t ~ /^s/ ? "MB/s" : "IOPS"; fmt = t ~ /^s/ ? "%9.1f" : "%9.0f"
			r = v[t, "virtio"] > 0 ? sprintf("%.2f", v[t, "storvsc"] / v[t, "virtio"]) : "-"
			printf "%-6s %-30s " fmt " %-4s " fmt " %-4s %8s\n", t, what[t], v[t, "storvsc"], u, v[t, "virtio"], u, r
		}
		printf "ratio: storvsc / virtio-blk (above 1: storvsc faster); each cell one fio job, %s s, libaio, O_DIRECT\n", secs
		exit bad
	}'
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
