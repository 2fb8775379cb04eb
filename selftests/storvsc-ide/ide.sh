#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# hvg_storvsc on the IDE-accelerator class (hvhost.args): controller 0 is
# an IDE controller {32412632-86cb-44a2-9b5c-50d1417354f5} whose instance
# GUID names target 1 (hvhost answers no other target), a 48 MiB disk at
# LUN 0; controller 1 is a SCSI controller for contrast. hvhost offers
# both 2 sub-channels; as upstream storvsc, the driver takes none on IDE:
# one channel, one blk-mq queue, no scan beyond the instance's target.
. ../storvsc/lib.sh

echo "1..6"
load_wait "IDE controller's disk at target 1 LUN 0, SCSI controller's at 0:0" \
	'[ -b "/dev/$(sd_of 0 0 1)" ] && [ -b "/dev/$(sd_of 0 1)" ]'
d=$(sd_of 0 0 1) s=$(sd_of 0 1)
h=$(host_of "$d")

bound() {
	vdev=$(dirname "$(readlink -f "/sys/class/scsi_host/host$h/device")")
	c=$(cat "$vdev/class_id")
	[ "$c" = "{32412632-86cb-44a2-9b5c-50d1417354f5}" ] || echo "SCSI host$h's VMBus device has class $c, want the IDE class"
	drv=$(basename "$(readlink -f "$vdev/driver")")
	[ "$drv" = hvg_storvsc ] || echo "IDE device bound to '$drv'"
	hvctl storage list | grep -q '^controller=0 .* class=ide target=1$' ||
		echo "hvhost: controller 0 is not IDE target 1: $(hvctl storage list | head -n 1)"
	# Only the instance's target: no other SCSI device on this host.
	n=$(ls -d /sys/class/scsi_device/"$h":* | wc -l)
	[ "$n" = 1 ] || echo "$n SCSI devices on the IDE host: $(ls /sys/class/scsi_device/)"
}
result "hvg_storvsc binds the IDE-class device, one disk at its instance's target" "$(bound)"

identity() {
	[ "$(cat "/sys/block/$d/size")" = $((48 << 11)) ] ||
		echo "size $(cat "/sys/block/$d/size") sectors, want $((48 << 11))"
	sn=$(tail -c +5 "/sys/block/$d/device/vpd_pg80" 2>/dev/null | tr -d '\0 ')
	[ "$sn" = HVGIDE1 ] || echo "VPD 0x80 serial '$sn', want HVGIDE1"
}
result "IDE disk: 48 MiB, serial HVGIDE1" "$(identity)"

raw() {
	e0=$(ctl_field errors 0)
	dd if=/dev/urandom of=/tmp/raw bs=1M count=1 2>/dev/null
	dd if=/tmp/raw of="/dev/$d" bs=1M seek=7 oflag=direct conv=fsync 2>&1 |
		grep -iv 'records\|copied'
	want=$(sha256sum </tmp/raw | cut -d' ' -f1)
	back=$(dd if="/dev/$d" bs=1M skip=7 count=1 iflag=direct 2>/dev/null | sha256sum | cut -d' ' -f1)
	[ "$back" = "$want" ] || echo "read back $back, wrote $want"
	host=$(host_sha256 0 0 $((7 << 20)) $((1 << 20)))
	[ "$host" = "$want" ] || echo "host image sha256 '$host', guest wrote $want"
	[ "$(ctl_field errors 0)" = "$e0" ] || echo "hvhost counted errors on the IDE controller: $e0 -> $(ctl_field errors 0)"
}
result "IDE: 1 MiB direct write is the image's bytes (hvctl storage checksum)" "$(raw)"

# hvhost offers multi-channel on both; the SCSI controller takes it, the
# IDE one must not.
limits() {
	q=$(grep -c '^queue=' "/sys/kernel/debug/hvg_storvsc/host$h/channels")
	[ "$q" = 1 ] || echo "IDE: $q channels in debugfs, want 1"
	hw=$(ls "/sys/block/$d/mq" | wc -l)
	[ "$hw" = 1 ] || echo "IDE: $hw blk-mq queues, want 1"
	[ "$(ctl_field channels 0)" = 1 ] || echo "hvhost: IDE controller has $(ctl_field channels 0) channels, want 1 (no sub-channel)"
	ncpu=$(grep -c '^processor' /proc/cpuinfo)
	want=$((ncpu - 1))
	[ $want -le 2 ] || want=2
	[ "$(ctl_field channels 1)" = $((want + 1)) ] || echo "hvhost: SCSI controller has $(ctl_field channels 1) channels, want $((want + 1)) ($ncpu CPUs)"
	sq=$(ls "/sys/block/$s/mq" | wc -l)
	[ "$sq" = $((want + 1)) ] || echo "SCSI: $sq blk-mq queues, want $((want + 1))"
}
result "IDE: no sub-channels, one queue (the SCSI controller beside it has min(2, ncpu - 1))" "$(limits)"

result "no channel counted a malformed host packet" \
	"$(dbg_channels | grep '^queue' | grep -v ' bad=0$')"
