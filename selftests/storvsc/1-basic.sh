#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# hvg_storvsc against hvhost's StorVSP (emu lane), TAP: the disks of
# hvhost.args appear with their size, vendor, model, serial and VPD pages;
# raw bytes written in the guest are the image's bytes on the host; ext4
# made, filled with a tree of files, checked after a driver reload (so read
# back from the host) and by e2fsck -fn on the image on the host.
. ./lib.sh

modprobe sd_mod
modprobe hvg_storvsc 2>/dev/null
if wait_disks; then ok "both LUNs have a disk"; else
	nok "both LUNs have a disk" "$(ls /sys/class/scsi_device/ 2>&1; dmesg | grep -i 'hvg_storvsc\|scsi\|sd ' | tail -n 20)"
	exit 1
fi
d0=$(sd_of 0) d1=$(sd_of 1)

identity() {	# identity DISK SIZE VENDOR MODEL SERIAL
	dev=/sys/block/$1/device
	[ "$(cat "/sys/block/$1/size")" = $(($2 / 512)) ] ||
		echo "size $(cat "/sys/block/$1/size") sectors, want $(($2 / 512))"
	v=$(sed 's/ *$//' "$dev/vendor") m=$(sed 's/ *$//' "$dev/model")
	[ "$v" = "$3" ] || echo "vendor '$v', want '$3'"
	[ "$m" = "$4" ] || echo "model '$m', want '$4'"
	s=$(tail -c +5 "$dev/vpd_pg80" 2>/dev/null | tr -d '\0 ')
	[ "$s" = "$5" ] || echo "VPD 0x80 serial '$s', want '$5'"
	grep -q "$5" "$dev/vpd_pg83" 2>/dev/null || echo "VPD 0x83 has no '$5'"
	[ "$(od -An -tx1 -j1 -N1 "$dev/vpd_pg83" | tr -d ' ')" = 83 ] ||
		echo "VPD 0x83 page code wrong"
}
result "LUN 0: 256 MiB, HVGV HVGDISK0, serial HVGSER0 in VPD 0x80 and 0x83" \
	"$(identity "$d0" $((256 << 20)) HVGV HVGDISK0 HVGSER0)"
result "LUN 1: 64 MiB, Msft HVGDISK1, serial HVGSER1" \
	"$(identity "$d1" $((64 << 20)) Msft HVGDISK1 HVGSER1)"

result "queue depth: as many requests of the host's transfer limit as fit the send ring" \
	"$(queue_depth_bad "$d0")"
echo "# LUN 0: queue_depth $(cat "/sys/block/$d0/device/queue_depth")," \
	"max_hw_sectors_kb $(cat "/sys/block/$d0/queue/max_hw_sectors_kb")"

# Raw bytes: 8 MiB at 3 MiB into LUN 1, direct, against the image's bytes.
raw_bytes() {
	dd if=/dev/urandom of=/tmp/raw bs=1M count=8 2>/dev/null
	dd if=/tmp/raw of="/dev/$d1" bs=1M seek=3 oflag=direct conv=fsync 2>&1 |
		grep -iv 'records\|copied'
	want=$(sha256sum </tmp/raw | cut -d' ' -f1)
	host=$(host_sha256 0 1 $((3 << 20)) $((8 << 20)))
	[ "$host" = "$want" ] || echo "host image sha256 '$host', guest wrote $want"
	back=$(dd if="/dev/$d1" bs=1M skip=3 count=8 iflag=direct 2>/dev/null | sha256sum | cut -d' ' -f1)
	[ "$back" = "$want" ] || echo "read back $back, wrote $want"
	# Unaligned in memory: a 4 KiB read whose buffer starts mid-page is
	# covered by the aligned case above; a 3-sector odd-offset read here.
	a=$(dd if="/dev/$d1" bs=512 skip=$((6144 + 7)) count=3 2>/dev/null | sha256sum | cut -d' ' -f1)
	b=$(dd if=/tmp/raw bs=512 skip=7 count=3 2>/dev/null | sha256sum | cut -d' ' -f1)
	[ "$a" = "$b" ] || echo "odd sectors read $a, want $b"
}
result "raw: 8 MiB written direct land in the host image byte for byte" "$(raw_bytes)"

mkdir -p /mnt/d0
fs_make() {
	mkfs.ext4 -q -F "/dev/$d0" >/tmp/mkfs.log 2>&1 || { cat /tmp/mkfs.log; return; }
	mount -t ext4 "/dev/$d0" /mnt/d0 || { echo "mount failed"; return; }
	mkdir -p /mnt/d0/a/b/c /mnt/d0/x
	i=0
	for f in a/1 a/b/2 a/b/c/3 x/4 x/5 top; do
		i=$((i + 1))
		dd if=/dev/urandom of="/mnt/d0/$f" bs=4k count=$((i * 37)) 2>/dev/null
	done
	dd if=/dev/urandom of=/mnt/d0/x/big bs=1M count=24 2>/dev/null
	(cd /mnt/d0 && find . -type f ! -name sums | sort | xargs sha256sum) >/tmp/sums
	cp /tmp/sums /mnt/d0/sums
	umount /mnt/d0 || echo "umount failed"
}
result "ext4: mkfs, mount, a tree of 7 files written, unmount" "$(fs_make)"

host_fsck() {
	out=$(hvctl storage fsck 0 0)
	echo "$out" | grep -q '^fsck_status=0$' || echo "$out" | tail -n 8
}
result "host: e2fsck -fn on the image finds it clean" "$(host_fsck)"

# Every channel's CPU is one of its queue's (hvg_storvsc's map_queues and
# the CPU it opens each channel on): with 2+ CPUs there are 2+ channels.
aligned() {
	ncpu=$(grep -c '^processor' /proc/cpuinfo)
	q=$(ls "/sys/block/$d0/mq" | wc -l)
	[ "$ncpu" -lt 2 ] || [ "$q" -ge 2 ] || echo "$q queues with $ncpu CPUs"
	cpu_aligned "$d0"
}
result "each channel interrupts a CPU in its blk-mq queue's cpu_list" "$(aligned)"

# Reload the driver: the disk goes away with its page cache, so the files
# are read back from the host.
reload_verify() {
	rmmod hvg_storvsc || { echo "rmmod failed"; return; }
	[ -z "$(sd_of 0)" ] || echo "LUN 0 still there after unload"
	modprobe hvg_storvsc || { echo "modprobe failed"; return; }
	wait_disks || { echo "no disks after reload"; return; }
	d0=$(sd_of 0)
	mount -t ext4 -o ro "/dev/$d0" /mnt/d0 || { echo "mount failed"; return; }
	(cd /mnt/d0 && sha256sum -c /tmp/sums 2>&1 | grep -v ': OK$')
	cmp -s /tmp/sums /mnt/d0/sums || echo "sums file differs"
	umount /mnt/d0
}
result "ext4: after a driver reload every file's sha256 matches" "$(reload_verify)"

result "no channel counted a malformed host packet" \
	"$(dbg_channels | grep '^queue' | grep -v ' bad=0$')"
