#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# hvg_storvsc: queues, discard, faults and hotplug against hvhost's
# StorVSP, TAP: I/O on every channel; discard punches holes in the image;
# flush and FUA reach the host (FUA only where MODE SENSE reports DPOFUA);
# a medium error fails exactly its sectors; a dropped completion times out
# and the bus reset recovers it; SRB status 0x30 is retried, not success;
# malformed completions are survived; hot-add appears without a manual
# rescan; hot-remove, unbind/rmmod and rescind with I/O in flight fail it;
# 50 load/unload cycles each get every sub-channel.
. ./lib.sh

modprobe sd_mod
modprobe hvg_storvsc 2>/dev/null
wait_disks || { nok "disks present" "$(ls /sys/class/scsi_device/)"; exit 1; }
d0=$(sd_of 0) d1=$(sd_of 1)

# One direct writer per CPU: blk-mq maps each CPU to its own queue.
every_channel() {
	ncpu=$(grep -c ^processor /proc/cpuinfo)
	nq=$(dbg_channels | grep -c '^queue')
	[ "$nq" -ge 2 ] || echo "$nq channel(s) on $ncpu CPUs (want >= 2)"
	dd if=/dev/urandom of=/tmp/mq bs=1M count=4 2>/dev/null
	for c in $(seq 0 $((ncpu - 1))); do
		taskset -c "$c" dd if=/tmp/mq of="/dev/$d1" bs=64k seek=$((c * 64 + 256)) oflag=direct 2>/dev/null &
	done
	wait
	for c in $(seq 0 $((ncpu - 1))); do
		got=$(taskset -c "$c" dd if="/dev/$d1" bs=64k skip=$((c * 64 + 256)) count=64 iflag=direct 2>/dev/null | sha256sum)
		[ "$got" = "$(sha256sum </tmp/mq)" ] || echo "CPU $c: data read back differs"
	done
	dbg_channels | grep '^queue' | grep ' submitted=0 ' | sed 's/^/idle: /'
	dbg_channels | grep '^queue' | while read -r l; do
		s=$(echo "$l" | sed 's/.*submitted=\([0-9]*\).*/\1/')
		c=$(echo "$l" | sed 's/.*completed=\([0-9]*\).*/\1/')
		[ "$s" = "$c" ] || echo "unbalanced: $l"
	done
}
result "I/O from every CPU went over every channel, data verified" "$(every_channel)"

discard() {
	[ "$(cat /sys/block/$d0/queue/discard_max_bytes)" -gt 0 ] || echo "LUN 0 offers no discard"
	[ "$(cat /sys/block/$d1/queue/discard_max_bytes)" = 0 ] || echo "LUN 1 (nounmap) offers discard"
	dd if=/dev/urandom of="/dev/$d0" bs=1M seek=200 count=16 oflag=direct 2>/dev/null
	a1=$(hvctl storage allocated 0 0 | sed -n 's/allocated=\([0-9]*\).*/\1/p')
	blkdiscard -o $((200 << 20)) -l $((16 << 20)) "/dev/$d0" || echo "blkdiscard failed"
	a2=$(hvctl storage allocated 0 0 | sed -n 's/allocated=\([0-9]*\).*/\1/p')
	[ $((a1 - a2)) -ge $((15 << 20)) ] || echo "allocated $a1 -> $a2 bytes: no hole punched"
}
result "discard: 16 MiB punched out of the image; nounmap disk offers none" "$(discard)"

flush_fua() {
	[ "$(cat /sys/block/$d0/queue/write_cache)" = "write back" ] || echo "write cache: $(cat /sys/block/$d0/queue/write_cache)"
	f1=$(lun_field 0 flushes)
	dd if=/dev/zero of="/dev/$d0" bs=4k count=1 seek=100 oflag=direct conv=fsync 2>/dev/null
	f2=$(lun_field 0 flushes)
	[ "$f2" -gt "$f1" ] || echo "fsync sent no flush ($f1 -> $f2)"
}
result "flush: write cache on, fsync reaches the host as a cache flush" "$(flush_fua)"

# jbd2 writes each ext4 journal commit block with REQ_PREFLUSH|REQ_FUA:
# WRITE(10) with FUA where the disk reports DPOFUA (LUN 0), a write and
# cache flushes where not (LUN 1). (Busybox dd has no oflag=dsync.)
commit_on() {	# commit_on LUN DISK: mkfs, mount, one synced file, unmount
	mkfs.ext4 -q -F "/dev/$2" >/tmp/mkfs.log 2>&1 || { cat /tmp/mkfs.log; return; }
	mount -t ext4 "/dev/$2" /mnt/fua || { echo "LUN $1: mount failed"; return; }
	u0=$(lun_field "$1" fua_writes) f0=$(lun_field "$1" flushes)
	dd if=/dev/urandom of=/mnt/fua/f bs=64k count=4 2>/dev/null
	sync
	u1=$(lun_field "$1" fua_writes) f1=$(lun_field "$1" flushes)
	umount /mnt/fua || echo "LUN $1: umount failed"
}
fua() {
	[ "$(cat "/sys/block/$d0/queue/fua")" = 1 ] || echo "LUN 0 reports DPOFUA, queue/fua is $(cat "/sys/block/$d0/queue/fua")"
	[ "$(cat "/sys/block/$d1/queue/fua")" = 0 ] || echo "LUN 1 (nofua): queue/fua is $(cat "/sys/block/$d1/queue/fua")"
	mkdir -p /mnt/fua
	commit_on 0 "$d0"
	[ $((u1 - u0)) -ge 1 ] || echo "LUN 0: a journal commit, $((u1 - u0)) FUA writes on the host"
	commit_on 1 "$d1"
	[ "$u1" = "$u0" ] || echo "LUN 1 (nofua): $((u1 - u0)) FUA writes"
	[ $((f1 - f0)) -ge 2 ] || echo "LUN 1 (nofua): a journal commit, $((f1 - f0)) flushes (want a pre- and a post-flush)"
}
result "FUA: journal commits reach the host as FUA writes (DPOFUA disk) or flushes (nofua)" "$(fua)"

medium() {
	hvctl storage fault medium-error 0 1 1000 8 >/dev/null
	bad=
	for s in $(seq 996 1011); do
		if dd if="/dev/$d1" of=/dev/null bs=512 skip="$s" count=1 iflag=direct 2>/dev/null; then
			[ "$s" -lt 1000 ] || [ "$s" -ge 1008 ] || bad="$bad $s:read"
		else
			[ "$s" -ge 1000 ] && [ "$s" -lt 1008 ] || bad="$bad $s:EIO"
		fi
	done
	hvctl storage fault clear >/dev/null
	[ -z "$bad" ] || echo "wrong sectors:$bad"
	dd if="/dev/$d1" of=/dev/null bs=512 skip=1000 count=8 iflag=direct 2>/dev/null || echo "still failing after clear"
}
result "medium error on LBAs 1000-1007: EIO for exactly those" "$(medium)"

dropped() {
	echo 5 >"/sys/block/$d1/device/timeout"
	hvctl storage fault drop-next 1 >/dev/null
	dd if="/dev/$d1" of=/dev/null bs=4k count=1 skip=77 iflag=direct 2>&1 | grep -iv 'records\|copied'
	hvctl storage fault clear >/dev/null
	[ "$(cat "/sys/block/$d1/device/state")" = running ] || echo "device state $(cat "/sys/block/$d1/device/state")"
	dd if="/dev/$d1" of=/dev/null bs=4k count=4 iflag=direct 2>/dev/null || echo "I/O fails after recovery"
	dmesg | grep -q 'bus reset: 0' || echo "no bus reset logged"
	echo 30 >"/sys/block/$d1/device/timeout"
}
result "dropped completion: timeout, bus reset, the read succeeds" "$(dropped)"

# retried=: the driver's count of SRB status 0x30 completions, all queues
retried() {
	t=0
	for v in $(dbg_channels | sed -n 's/.* retried=\([0-9]*\).*/\1/p'); do
		t=$((t + v))
	done
	echo $t
}

# The host answers the next 3 requests "out of memory" (SRB status 0x30,
# nothing done): taken as success, the write would leave the image alone
# and the read return stale bytes.
oom() {
	dd if=/dev/urandom of=/tmp/oom bs=64k count=4 2>/dev/null
	want=$(sha256sum </tmp/oom | cut -d' ' -f1)
	r0=$(retried)
	hvctl storage fault oom-next 3 >/dev/null
	dd if=/tmp/oom of="/dev/$d1" bs=64k seek=40 oflag=direct 2>&1 | grep -iv 'records\|copied'
	host=$(host_sha256 0 1 $((40 << 16)) $((4 << 16)))
	[ "$host" = "$want" ] || echo "image bytes after the write differ"
	hvctl storage fault oom-next 3 >/dev/null
	back=$(dd if="/dev/$d1" bs=64k skip=40 count=4 iflag=direct 2>/dev/null | sha256sum | cut -d' ' -f1)
	[ "$back" = "$want" ] || echo "read back differs"
	f=$(hvctl storage fault)
	hvctl storage fault clear >/dev/null
	echo "$f" | grep -q 'oom_next=0 oom_sent=6 ' || echo "host: $f"
	r1=$(retried)
	[ $((r1 - r0)) -ge 6 ] || echo "retried $r0 -> $r1 (want +6)"
}
result "SRB status 0x30: retried, data written and read correct" "$(oom)"

# bad_sum: the bad counters of every channel, summed
bad_sum() {
	dbg_channels | sed -n 's/^queue=.* bad=\([0-9]*\)$/\1/p' | awk '{s += $1} END {print s + 0}'
}

# Each malformed case is counted exactly once. An armed case fails the next
# completion (the midlayer retries the read, which then succeeds); with
# "follow" the host also sends the good completion after the bad one, which
# then has an id already completed: a second bad packet.
malformed() {
	dd if=/dev/urandom of=/tmp/m bs=4k count=1 2>/dev/null
	dd if=/tmp/m of="/dev/$d1" bs=4k seek=50 oflag=direct 2>/dev/null
	for c in short bad-operation huge-length sense-length bad-status; do
		b0=$(bad_sum)
		hvctl storage inject 0 "$c" >/dev/null || echo "inject $c refused"
		got=$(dd if="/dev/$d1" bs=4k skip=50 count=1 iflag=direct 2>/dev/null | sha256sum)
		[ "$got" = "$(sha256sum </tmp/m)" ] || echo "$c: read wrong or failed"
		b1=$(bad_sum)
		[ $((b1 - b0)) = 1 ] || echo "$c: bad $b0 -> $b1 (want +1)"
	done
	b0=$(bad_sum)
	hvctl storage inject 0 huge-length follow >/dev/null || echo "inject follow refused"
	got=$(dd if="/dev/$d1" bs=4k skip=50 count=1 iflag=direct 2>/dev/null | sha256sum)
	[ "$got" = "$(sha256sum </tmp/m)" ] || echo "huge-length follow: read wrong or failed"
	wait_for 5 '[ $(($(bad_sum) - b0)) -ge 2 ]'
	b1=$(bad_sum)
	[ $((b1 - b0)) = 2 ] || echo "huge-length follow: bad $b0 -> $b1 (want +2)"
	for c in unknown-trans-id unsolicited-complete short-unsolicited; do
		b0=$(bad_sum)
		hvctl storage inject 0 "$c" >/dev/null || echo "inject $c refused"
		wait_for 5 '[ $(bad_sum) -gt $b0 ]'
		b1=$(bad_sum)
		[ $((b1 - b0)) = 1 ] || echo "$c: bad $b0 -> $b1 (want +1)"
	done
	got=$(dd if="/dev/$d1" bs=4k skip=50 count=1 iflag=direct 2>/dev/null | sha256sum)
	[ "$got" = "$(sha256sum </tmp/m)" ] || echo "disk broken after sent cases"
}
result "malformed host packets: each counted bad exactly once, survived, data intact" "$(malformed)"

hotplug() {
	out=$(hvctl storage add 0 2 path=build/storvsc-d2.img,size=32M,serial=HVGSER2)
	echo "$out" | grep -q enumerate=sent || echo "add: $out"
	wait_for 60 '[ -b "/dev/$(sd_of 2)" ]' || { echo "LUN 2 did not appear"; return; }
	d2=$(sd_of 2)
	# Each read held 200 ms on the host: the 32 MiB take minutes, so the
	# remove finds one in flight and the rest are still to come.
	hvctl storage fault delay 200 >/dev/null
	dd if="/dev/$d2" of=/dev/null bs=64k iflag=direct 2>/tmp/dd2.err &
	pid=$!
	wait_for 30 '[ "$(lun_field 2 inflight)" -gt 0 ]' || echo "no read in flight on LUN 2"
	out=$(hvctl storage remove 0 2)
	hvctl storage fault clear >/dev/null
	echo "$out" | grep -q ' inflight=[1-9]' || echo "remove found nothing in flight: $out"
	wait_pid 60 $pid || echo "reader hung"
	wait $pid && echo "reader of the removed LUN succeeded"
	wait_for 60 '[ -z "$(sd_of 2)" ]' || echo "LUN 2 still present"
	[ -b "/dev/$d0" ] || echo "LUN 0 went away too"
}
result "hot-add appears unasked; hot-remove under I/O fails the I/O" "$(hotplug)"

# Unload with a read in flight: rmmod (on 6.1 refused at once while the
# disk is open: sd holds the module), else the driver is unbound from the
# device, which runs the same remove. The host is alive, so the read in
# flight completes; the reader then fails, or meets the end of the disk
# (a dead disk has capacity 0): either way it stops short, nothing hangs;
# loaded or bound again, the disks come back.
unload_inflight() {
	dev=$(ls /sys/bus/vmbus/drivers/hvg_storvsc/ | grep -- - | head -n 1)
	[ -n "$dev" ] || { echo "no device bound to hvg_storvsc"; return; }
	size=$(($(cat "/sys/block/$d1/size") * 512))
	hvctl storage fault delay 300 >/dev/null
	dd if="/dev/$d1" of=/dev/null bs=64k iflag=direct 2>/tmp/dd3.err &
	pid=$!
	wait_for 30 '[ "$(lun_field 1 inflight)" -gt 0 ]' || echo "no read in flight"
	how=rmmod
	if ! rmmod hvg_storvsc 2>/dev/null; then
		how=unbind
		echo "$dev" >/sys/bus/vmbus/drivers/hvg_storvsc/unbind || echo "unbind failed"
	fi
	hvctl storage fault clear >/dev/null
	wait_pid 60 $pid || echo "reader hung"
	if wait $pid; then
		got=$(sed -n 's/^\([0-9]*\)+[0-9]* records in$/\1/p' /tmp/dd3.err)
		[ "${got:-$((size >> 16))}" -lt $((size >> 16)) ] ||
			echo "reader read all $got blocks of 64 KiB across the $how"
	fi
	[ -z "$(sd_of 1)" ] || echo "LUN 1 still present after the $how"
	if [ $how = rmmod ]; then
		modprobe hvg_storvsc
	else
		echo "$dev" >/sys/bus/vmbus/drivers/hvg_storvsc/bind
	fi
	wait_disks || echo "disks did not come back"
}
result "unload (rmmod or unbind) with I/O in flight: dd fails or stops short, no hang; the disks come back" "$(unload_inflight)"

cycles() {
	for i in $(seq 50); do
		# The first may wait for the hot-removed LUN's teardown.
		wait_for 30 'rmmod hvg_storvsc' || { echo "rmmod failed at cycle $i: $(rmmod hvg_storvsc 2>&1)"; return; }
		modprobe hvg_storvsc || { echo "modprobe failed at cycle $i"; return; }
	done
	wait_disks || echo "disks missing after 50 cycles"
}
result "50 load/unload cycles" "$(cycles)"

result "every reload got all its sub-channels" \
	"$(dmesg | grep 'sub-channels arrived')"

# Rescind of the storage channel with a read in flight: the driver takes
# the commands back and fails them, the disks go, every channel (primary
# and sub-channels) is released to the host. Last: the controller is gone.
rescind() {
	d1=$(sd_of 1)
	relid=$(dbg_channels | sed -n 's/^queue=0 relid=\([0-9]*\).*/\1/p')
	[ -n "$relid" ] || { echo "no primary relid in debugfs"; return; }
	hvctl storage fault delay 300 >/dev/null
	dd if="/dev/$d1" of=/dev/null bs=64k iflag=direct 2>/dev/null &
	pid=$!
	wait_for 30 '[ "$(lun_field 1 inflight)" -gt 0 ]' || echo "no read in flight"
	out=$(hvctl vmbus rescind "$relid")
	hvctl storage fault clear >/dev/null
	echo "$out" | grep -q rescinded || echo "rescind: $out"
	wait_pid 60 $pid || echo "reader hung"
	wait $pid && echo "reader succeeded over the rescinded channel"
	wait_for 60 '[ -z "$(sd_of 0)" ] && [ -z "$(sd_of 1)" ]' || echo "disks still present"
	wait_for 30 '! hvctl vmbus channels | grep -q state=rescinded' ||
		echo "not released: $(hvctl vmbus channels | grep state=rescinded | cut -d' ' -f1,4)"
}
result "rescind with I/O in flight: the I/O fails, disks go, channels released" "$(rescind)"
