#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# hvg_storvsc under fio (Debian's, from the extra program set "fio": see
# settings), TAP: raw random writes of 4-64 KiB on LUN 0, libaio, O_DIRECT,
# queue depth 32, one job pinned to each CPU (so blk-mq uses every hardware
# queue), then every block read back and checked with crc32c; every channel
# carried that I/O by the guest's counters and by hvhost's, without errors;
# the bytes are the image's bytes on the host; with hvhost holding each
# request, the host sees every queue's 32 requests at once.
. ./lib.sh

modprobe sd_mod
modprobe hvg_storvsc 2>/dev/null
wait_disks || { nok "disks present" "$(ls /sys/class/scsi_device/)"; exit 1; }
d0=$(sd_of 0)
command -v fio >/dev/null || { nok "fio in the guest image" "no fio: settings lacks extra=fio?"; exit 1; }
if [ ! -d /proc/sysvipc ]; then	# the debug kernel, so far
	ok "fio # SKIP the kernel lacks CONFIG_SYSVIPC: fio keeps its job table in shmget memory"
	exit 0
fi

ncpu=$(grep -c ^processor /proc/cpuinfo)
per=$((16 / ncpu))	# MiB per job: 16 MiB in all, each job its own region
[ "$per" -ge 1 ] || per=1
base=$((32 << 20))	# clear of the first MiBs the kernel's probes read
bound=$((240 * ${HVG_SLOWDOWN:-1}))

# fio_pinned OUT FIO-ARGS...: one job per CPU, pinned, QD 32, libaio, direct
fio_pinned() {
	out=$1
	shift
	timeout "$bound" fio --output="$out" --thread --name=hvg --filename="/dev/$d0" \
		--ioengine=libaio --direct=1 --iodepth=32 --numjobs="$ncpu" \
		--cpus_allowed="0-$((ncpu - 1))" --cpus_allowed_policy=split "$@" >"$out.err" 2>&1
}

queue_counts >/tmp/q0
host_chan_requests >/tmp/h0
fio_pinned /tmp/fio.out --rw=randwrite --bsrange=4k-64k --size="${per}M" \
	--offset="$base" --offset_increment="${per}M" --randrepeat=0 \
	--verify=crc32c --do_verify=1 --verify_fatal=1 --verify_state_save=0
rc=$?

verify() {
	[ "$rc" = 0 ] || { echo "fio exited with status $rc"; cat /tmp/fio.out.err; tail -n 40 /tmp/fio.out; return; }
	[ "$(grep -c 'err= 0:' /tmp/fio.out)" = "$ncpu" ] || { echo "want $ncpu jobs with err= 0"; grep 'err=' /tmp/fio.out; }
	# "issued rwts: total=R,W,...": each job read back what it wrote
	grep 'issued rwts' /tmp/fio.out | sed 's/.*total=\([0-9]*\),\([0-9]*\),.*/\1 \2/' |
		while read -r r w; do
			[ "$w" -gt 0 ] && [ "$r" = "$w" ] || echo "a job wrote $w blocks, verified $r"
		done
	[ "$(grep -c 'issued rwts' /tmp/fio.out)" = "$ncpu" ] || echo "want $ncpu job reports"
	grep -q "WRITE: .*io=$((per * ncpu))\.0MiB" /tmp/fio.out || grep 'WRITE:' /tmp/fio.out
	grep -i 'verify\|bad magic\|crc32c' /tmp/fio.out.err | head -n 5
}
result "fio: $ncpu jobs (one per CPU), QD 32, libaio direct, ${per} MiB random writes each, all crc32c verified" "$(verify)"

queues() {
	nq=$(queue_counts | wc -l)
	[ "$nq" -ge "$ncpu" ] || [ "$nq" -ge 2 ] || echo "$nq queue(s) on $ncpu CPUs"
	queue_counts | while read -r q s e; do
		s0=$(awk -v q="$q" '$1 == q { print $2 }' /tmp/q0)
		e0=$(awk -v q="$q" '$1 == q { print $3 }' /tmp/q0)
		[ "$s" -gt "${s0:-0}" ] || echo "queue $q: submitted ${s0:-0} -> $s"
		[ "$e" = "${e0:-0}" ] || echo "queue $q: errors ${e0:-0} -> $e"
	done
	# hvhost numbers channels by sub_channel_index, which a reload of the
	# driver may renumber: count the channels whose requests rose.
	i=0 busy=0
	for h in $(host_chan_requests); do
		h0=$(sed -n "$((i + 1))p" /tmp/h0)
		[ "$h" -le "${h0:-0}" ] || busy=$((busy + 1))
		i=$((i + 1))
	done
	[ "$busy" -ge "$nq" ] || echo "hvhost saw requests on $busy channels, the guest has $nq queues: $(tr '\n' , </tmp/h0) -> $(host_chan_requests | tr '\n' ,)"
}
result "every channel carried fio's I/O, no errors (guest debugfs, hvhost counters)" "$(queues)"

# Each job's region, read in the guest, against the image on the host.
host_bytes() {
	for j in $(seq 0 $((ncpu - 1))); do
		off=$((base + j * (per << 20)))
		g=$(dd if="/dev/$d0" bs=1M skip=$((off >> 20)) count="$per" iflag=direct 2>/dev/null | sha256sum | cut -d' ' -f1)
		h=$(host_sha256 0 0 "$off" $((per << 20)))
		[ "$g" = "$h" ] || echo "job $j region: guest $g, host image $h"
	done
}
result "the bytes fio wrote are the host image's bytes" "$(host_bytes)"

# Depth: hvhost holds every request 50 ms on its channel's worker, so the
# requests a queue has sent wait there; sample hvhost's in-flight count.
# Each job has at most 32 outstanding, on its own queue: a total above
# 32 * (ncpu - 1) + 15 means every queue had more than 15 at once.
depth() {
	hvctl storage fault delay 50 >/dev/null || { echo "storage fault delay refused"; return; }
	fio_pinned /tmp/depth.out --rw=randread --bs=4k --size=8M --offset="$base" \
		--time_based --runtime=4 &
	pid=$!
	max=0 want=$((32 * (ncpu - 1) + 16))
	while kill -0 "$pid" 2>/dev/null && [ "$max" -lt "$want" ]; do
		usleep 200000
		v=$(ctl_field inflight)
		[ "${v:-0}" -le "$max" ] || max=$v
	done
	wait "$pid"
	frc=$?
	hvctl storage fault clear >/dev/null
	[ "$frc" = 0 ] || { echo "fio exited with status $frc"; cat /tmp/depth.out.err; }
	[ "$max" -ge "$want" ] || echo "at most $max requests in flight at hvhost at once (want >= $want)"
	echo "# $max requests in flight at hvhost at once" >&2
}
result "queue depth: hvhost holds 32 requests from every queue at once" "$(depth)"
