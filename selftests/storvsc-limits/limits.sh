#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# hvg_storvsc honours the host's limits and layout (hvhost.args): a max
# transfer of 256 KiB and one sub-channel; controller 0 with LUN 0 and a
# read-only LUN 1; a second controller with LUN 0, listed first (so it may
# get the lower relid and SCSI host number). hvhost creates no read-only
# image, so LUN 1 is a read-only view of controller 1's image (created by
# the first --disk); LUN 1's first MiB is never written through either.
# LUN 2 is discard=ws16: thin, but discarded by WRITE SAME(16) UNMAP.
# Last: controller 2 is hot-added with a LUN and hot-removed by rescind.
. ../storvsc/lib.sh

echo "1..13"
load_wait "controller 0 LUN 0, 1 and 2, controller 1 LUN 0 have disks" \
	'[ -b "/dev/$(sd_of 0 0)" ] && [ -b "/dev/$(sd_of 1 0)" ] && [ -b "/dev/$(sd_of 0 1)" ] && [ -b "/dev/$(sd_of 2 0)" ]'
d0=$(sd_of 0 0) ro=$(sd_of 1 0) c1=$(sd_of 0 1) ws=$(sd_of 2 0)
chan0() { cat "/sys/kernel/debug/hvg_storvsc/host$1/channels"; }
h0=$(host_of "$d0") h1=$(host_of "$c1")

limits() {
	q=/sys/block/$d0/queue
	[ "$(cat $q/max_hw_sectors_kb)" = 256 ] || echo "max_hw_sectors_kb $(cat $q/max_hw_sectors_kb), want 256"
	[ "$(cat $q/max_segments)" = 65 ] || echo "max_segments $(cat $q/max_segments), want 65 (256 KiB / 4 KiB + 1)"
	x=$(chan0 "$h0" | sed -n 's/^version=.* max_xfer=\([0-9]*\)$/\1/p')
	[ "$x" = 262144 ] || echo "debugfs max_xfer '$x', want 262144"
	queue_depth_bad "$d0"
	[ "$(cat "/sys/block/$d0/device/queue_depth")" = 128 ] ||
		echo "queue_depth $(cat "/sys/block/$d0/device/queue_depth"), want 128 (the cap: 420 fit)"
}
result "max transfer 256 KiB: max_hw_sectors_kb 256, max_segments 65, debugfs max_xfer, queue depth 128" \
	"$(limits)"

queues() {
	ncpu=$(grep -c '^processor' /proc/cpuinfo)
	want=2
	[ "$ncpu" -ge 2 ] || want=1
	q=$(chan0 "$h0" | grep -c '^queue=')
	[ "$q" = $want ] || echo "$q channels, want $want ($ncpu CPUs, host allows 1 sub-channel)"
	hw=$(ls "/sys/block/$d0/mq" | wc -l)
	[ "$hw" = $want ] || echo "$hw blk-mq queues, want $want"
}
result "one sub-channel allowed: primary + 1 channel, one blk-mq queue each" "$(queues)"

# 1 MiB direct must reach the host as requests of at most 256 KiB.
split() {
	w0=$(lun_field 0 writes)
	dd if=/dev/urandom of=/tmp/raw bs=1M count=1 2>/dev/null
	dd if=/tmp/raw of="/dev/$d0" bs=1M seek=2 oflag=direct conv=fsync 2>&1 | grep -iv 'records\|copied'
	w=$(($(lun_field 0 writes) - w0))
	[ "$w" -ge 4 ] || echo "1 MiB went as $w host writes, want >= 4"
	s=$(sha256sum </tmp/raw | cut -d' ' -f1)
	h=$(host_sha256 0 0 $((2 << 20)) $((1 << 20)))
	[ "$h" = "$s" ] || echo "host image sha256 '$h', guest wrote $s"
}
result "1 MiB direct write: >= 4 host writes, the image's bytes" "$(split)"

two() {
	[ "$h0" != "$h1" ] || echo "controller 1's disk on the same SCSI host $h0"
	[ "$(cat "/sys/class/scsi_host/host$h1/proc_name")" = hvg_storvsc ] || echo "host$h1 is not hvg_storvsc's"
	s=$(tail -c +5 "/sys/block/$c1/device/vpd_pg80" 2>/dev/null | tr -d '\0 ')
	[ "$s" = HVGLIMC1 ] || echo "controller 1 LUN 0 serial '$s', want HVGLIMC1"
	[ "$(cat "/sys/block/$c1/size")" = $((32 << 11)) ] || echo "size $(cat "/sys/block/$c1/size") sectors, want 32 MiB"
}
result "controller 1: its own hvg_storvsc SCSI host, LUN 0 serial HVGLIMC1, 32 MiB" "$(two)"

c1data() {
	dd if=/dev/urandom of=/tmp/c1 bs=1M count=1 2>/dev/null
	dd if=/tmp/c1 of="/dev/$c1" bs=1M seek=3 oflag=direct conv=fsync 2>&1 | grep -iv 'records\|copied'
	s=$(sha256sum </tmp/c1 | cut -d' ' -f1)
	h=$(host_sha256 1 0 $((3 << 20)) $((1 << 20)))
	[ "$h" = "$s" ] || echo "controller 1 image sha256 '$h', guest wrote $s"
	o=$(host_sha256 0 0 $((3 << 20)) $((1 << 20)))
	[ "$o" != "$s" ] || echo "the bytes landed on controller 0's image too"
	back=$(dd if="/dev/$c1" bs=1M skip=3 count=1 iflag=direct 2>/dev/null | sha256sum | cut -d' ' -f1)
	[ "$back" = "$s" ] || echo "read back $back, wrote $s"
}
result "controller 1: 1 MiB written lands in its image, not controller 0's" "$(c1data)"

c1chan() {
	n=$(chan0 "$h1" | sed -n 's/^queue=.* submitted=\([0-9]*\) .*/\1/p' | awk '{s += $1} END {print s + 0}')
	[ "$n" -gt 0 ] || echo "controller 1's channels submitted $n"
	r=$(ctl_field relid 1)
	chan0 "$h1" | grep -q "^queue=0 relid=$r " || echo "host$h1 primary is not relid $r"
}
result "controller 1: its I/O went over its own channels (relid from hvhost)" "$(c1chan)"

ro_flag() { [ "$(cat "/sys/block/$ro/ro")" = 1 ] || echo "/sys/block/$ro/ro is $(cat "/sys/block/$ro/ro")"; }
result "read-only LUN: /sys/block/X/ro = 1" "$(ro_flag)"

sum_ro() { host_sha256 0 1 0 $((1 << 20)); }
ro_write() {
	before=$(sum_ro)
	[ -n "$before" ] || echo "no host checksum"
	dd if=/dev/urandom of=/tmp/ro bs=1M count=1 2>/dev/null
	if dd if=/tmp/ro of="/dev/$ro" bs=1M oflag=direct conv=fsync 2>/dev/null; then
		echo "a direct write to the read-only LUN succeeded"
	fi
	[ "$(sum_ro)" = "$before" ] || echo "the read-only image changed"
	[ "$(lun_field 1 writes)" = 0 ] || echo "host counted $(lun_field 1 writes) writes on the ro LUN"
}
result "read-only LUN: a direct write fails, the image is unchanged" "$(ro_write)"

# sd picks WRITE SAME(16) UNMAP when VPD B2 has LBPWS and not LBPU.
ws_mode() {
	m=$(cat /sys/block/$ws/device/scsi_disk/*/provisioning_mode)
	[ "$m" = writesame_16 ] || echo "provisioning_mode '$m', want writesame_16"
	[ "$(cat /sys/block/$ws/queue/discard_max_bytes)" -gt 0 ] || echo "discard_max_bytes 0"
	m=$(lun_field 2 discard)
	[ "$m" = ws16 ] || echo "hvhost says discard=$m"
	m=$(cat /sys/block/$d0/device/scsi_disk/*/provisioning_mode)
	[ "$m" = unmap ] || echo "LUN 0 (default) provisioning_mode '$m', want unmap"
}
result "discard=ws16 LUN: sd discards by WRITE SAME(16), discard_max_bytes > 0" "$(ws_mode)"

ws_allocated() { hvctl storage allocated 0 2 | sed -n 's/allocated=\([0-9]*\).*/\1/p'; }
ws_discard() {
	w0=$(lun_field 2 write_sames)
	dd if=/dev/urandom of="/dev/$ws" bs=1M seek=8 count=16 oflag=direct 2>/dev/null
	a1=$(ws_allocated)
	blkdiscard -o $((8 << 20)) -l $((16 << 20)) "/dev/$ws" || echo "blkdiscard failed"
	a2=$(ws_allocated)
	[ $((a1 - a2)) -ge $((15 << 20)) ] || echo "allocated $a1 -> $a2 bytes: no hole punched"
	z=$(dd if=/dev/zero bs=1M count=16 2>/dev/null | sha256sum | cut -d' ' -f1)
	h=$(host_sha256 0 2 $((8 << 20)) $((16 << 20)))
	[ "$h" = "$z" ] || echo "the discarded 16 MiB of the image are not zeros"
	w=$(($(lun_field 2 write_sames) - w0))
	[ "$w" -gt 0 ] || echo "hvhost counted $w WRITE SAMEs"
	[ "$(lun_field 2 unmaps)" = 0 ] || echo "hvhost counted $(lun_field 2 unmaps) UNMAPs"
}
result "discard=ws16 LUN: blkdiscard punches 16 MiB by WRITE SAME(16), no UNMAP" "$(ws_discard)"

# A controller hot-added from the control socket is offered at once and
# hvg_storvsc makes it a new SCSI host (no rescan asked); a LUN added to it
# appears and its bytes land in its image; the rescind of its channel (how
# a controller is hot-removed) takes the host and the disk away and every
# channel back to the host.
nhosts() { ls -d /sys/kernel/debug/hvg_storvsc/host* 2>/dev/null | wc -l; }
hot_controller() {
	n0=$(nhosts)
	out=$(hvctl storage add-controller 2)
	wait_for 60 '[ "$(nhosts)" -gt "$n0" ]' ||
		{ echo "no new SCSI host after add-controller 2: $out"; return; }
	out=$(hvctl storage add 2 0 path=build/storvsc-lim-c2.img,size=16M,serial=HVGLIMC2)
	wait_for 60 '[ -b "/dev/$(sd_of 0 2)" ]' ||
		{ echo "no disk at controller 2 LUN 0: $out"; return; }
	d=$(sd_of 0 2)
	[ "$(cat "/sys/block/$d/size")" = 32768 ] || echo "size $(cat "/sys/block/$d/size") sectors, want 32768"
	s=$(tail -c +5 "/sys/block/$d/device/vpd_pg80" 2>/dev/null | tr -d '\0 ')
	[ "$s" = HVGLIMC2 ] || echo "VPD 0x80 serial '$s', want HVGLIMC2"
	dd if=/dev/urandom of=/tmp/c2 bs=1M count=1 2>/dev/null
	dd if=/tmp/c2 of="/dev/$d" bs=1M oflag=direct conv=fsync 2>/dev/null || echo "direct write failed"
	g=$(sha256sum </tmp/c2 | cut -d' ' -f1)
	h=$(host_sha256 2 0 0 $((1 << 20)))
	[ "$h" = "$g" ] || echo "controller 2 image sha256 '$h', guest wrote $g"
	relid=$(ctl_field relid 2)
	out=$(hvctl vmbus rescind "$relid")
	echo "$out" | grep -q rescinded || echo "rescind relid '$relid': $out"
	wait_for 60 '[ -z "$(sd_of 0 2)" ] && [ "$(nhosts)" -eq "$n0" ]' ||
		echo "after the rescind: $(nhosts) SCSI hosts (were $n0), disk '$(sd_of 0 2)'"
	wait_for 30 '! hvctl vmbus channels | grep -q state=rescinded' ||
		echo "not released: $(hvctl vmbus channels | grep state=rescinded | cut -d' ' -f1,4)"
}
result "controller hot-add: a new SCSI host, its LUN's bytes in its image; hot-remove by rescind" \
	"$(hot_controller)"

bad() {
	b=$(dbg_channels | sed -n 's/.* bad=\([0-9]*\)$/\1/p' | awk '{s += $1} END {print s + 0}')
	[ "$b" = 0 ] || echo "bad=$b"
}
result "no channel counted a malformed host packet" "$(bad)"
