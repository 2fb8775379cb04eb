#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# What `make run` shows before its shell: the suite as loaded in this guest,
# then (emu lane, where run.sh gave hvhost a disk) a disk of hvg_storvsc at
# work: ext4 made and a file written in the guest, the image checked by
# e2fsck on the host and a block of it compared on both sides.
show() {
	echo
	echo "guest# $*"
	sh -c "$*"
}
echo
echo "==== hvguest: $(uname -r), lane $HVG_LANE, $(nproc) vCPUs"
show 'lsmod | grep -E "^(Module|hvg_)"'
show 'dmesg | grep -E "hvg_|vmbus" | tail -n 20'
show 'ls /sys/bus/vmbus/devices 2>/dev/null'
show 'dmesg | grep -o "hvg_vmbus: VMBus version.*"'
show 'hvctl synic'
show 'hvctl vmbus'
show 'hvctl vmbus channels'

# The disk: the first one under hvg_storvsc.
storvsc_disk() {
	for h in /sys/class/scsi_host/host*; do
		[ "$(cat "$h/proc_name" 2>/dev/null)" = hvg_storvsc ] || continue
		for b in "$h"/device/target*/*/block/*; do
			[ -e "$b" ] && basename "$b" && return
		done
	done
}
if [ "$HVG_LANE" = emu ] && hvctl storage list 2>/dev/null | grep -q ' lun='; then
	show 'modprobe sd_mod && modprobe hvg_storvsc && hvctl storage list'
	i=0
	while [ -z "$(storvsc_disk)" ] && [ $i -lt 100 ]; do usleep 100000; i=$((i + 1)); done
	d=$(storvsc_disk)
	if [ -n "$d" ]; then
		export d
		show 'echo "/dev/$d: $(($(cat /sys/block/$d/size) / 2048)) MiB, $(cat /sys/block/$d/device/vendor)$(cat /sys/block/$d/device/model)"'
		show 'mkfs.ext4 -q -F /dev/$d && mkdir -p /mnt/disk && mount -t ext4 /dev/$d /mnt/disk &&
echo "written in the guest at $(date)" >/mnt/disk/hello && sha256sum /mnt/disk/hello && umount /mnt/disk'
		show 'hvctl storage fsck 0 0 | tail -n 2'
		show 'dd if=/dev/$d bs=4k count=1 iflag=direct 2>/dev/null | sha256sum; hvctl storage checksum 0 0 0 4096'
		echo "(the disk is /dev/$d; 'mount -t ext4 /dev/$d /mnt/disk' to use it)"
	else
		echo "tour: no hvg_storvsc disk appeared (dmesg | grep hvg_storvsc)"
	fi
fi
echo
