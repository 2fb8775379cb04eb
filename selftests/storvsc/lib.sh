# SPDX-License-Identifier: GPL-2.0
# Helpers of the storvsc tests (sourced). The disks are those of
# hvhost.args: controller 0, LUN 0 (256 MiB, serial HVGSER0, unmap) and
# LUN 1 (64 MiB, serial HVGSER1, nounmap, nofua).
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() {
	n=$((n + 1))
	echo "not ok $n - $1"
	[ -z "$2" ] || echo "$2" | sed 's/^/# /'
}
result() { if [ -z "$2" ]; then ok "$1"; else nok "$1" "$2"; fi; }

# wait_for SECONDS CMD: until CMD succeeds, bounded
wait_for() {
	i=0
	while ! eval "$2" >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt $(($1 * 10)) ] || return 1
		usleep 100000
	done
}

# load_wait DESC COND: load sd_mod and hvg_storvsc, wait (60 s) for COND;
# "ok DESC", or "not ok DESC" with the disks and log seen, and exit
load_wait() {
	modprobe sd_mod
	modprobe hvg_storvsc 2>/dev/null
	if wait_for 60 "$2"; then ok "$1"; return; fi
	nok "$1" "$(ls /sys/class/scsi_device/; hvctl storage list; dmesg | grep -i 'hvg_storvsc\|scsi\|vmbus' | tail -n 15)"
	exit 1
}

# wait_pid SECONDS PID: until PID has exited, bounded; kills it if not
wait_pid() {
	i=0
	while kill -0 "$2" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt $(($1 * 10)) ] || { kill "$2"; return 1; }
		usleep 100000
	done
}

# sd_of LUN [CONTROLLER [TARGET]]: the block device of a LUN under
# hvg_storvsc (target 0 unless TARGET: an IDE controller's is in its
# instance GUID). With CONTROLLER, only on the SCSI host whose primary
# channel has that controller's relid (hvhost's list, the driver's
# debugfs); without, on any hvg_storvsc host (the dirs with one controller).
sd_of() {
	r=
	[ -z "$2" ] || r=$(ctl_field relid "$2")
	for d in /sys/class/scsi_device/*:0:"${3:-0}":"$1"; do
		[ -e "$d" ] || continue
		h=${d##*/}
		h=${h%%:*}
		[ "$(cat "/sys/class/scsi_host/host$h/proc_name")" = hvg_storvsc ] || continue
		[ -z "$2" ] || grep -q "^queue=0 relid=$r " \
			"/sys/kernel/debug/hvg_storvsc/host$h/channels" 2>/dev/null || continue
		ls "$d/device/block" 2>/dev/null | head -n 1
		return
	done
}

# lun_field LUN KEY: a field of hvhost's line for controller 0's LUN
lun_field() {
	hvctl storage list | grep "^controller=0 lun=$1 " | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# wait_disks: both LUNs have a block device
wait_disks() {
	wait_for 60 '[ -n "$(sd_of 0)" ] && [ -n "$(sd_of 1)" ] && [ -b /dev/$(sd_of 0) ] && [ -b /dev/$(sd_of 1) ]'
}

dbg_channels() { cat /sys/kernel/debug/hvg_storvsc/host*/channels; }

# queue_counts: "QUEUE SUBMITTED ERRORS" per channel of the hvg_storvsc hosts
queue_counts() {
	dbg_channels | sed -n 's/^queue=\([0-9]*\) .*submitted=\([0-9]*\) .*errors=\([0-9]*\) .*/\1 \2 \3/p'
}

# ctl_field KEY [CONTROLLER]: a field of hvhost's line for a controller
# (default 0; not its LUNs')
ctl_field() {
	hvctl storage list | grep "^controller=${2:-0} relid=" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

# host_chan_requests: hvhost's EXECUTE_SRB count per channel of controller
# 0 (primary first), one a line
host_chan_requests() { ctl_field chan_requests | tr ',' '\n'; }

# host_sha256 CTRL LUN OFFSET LEN: the SHA-256 hvhost reads from that
# range of the LUN's image
host_sha256() { hvctl storage checksum "$@" | sed -n 's/.*sha256=\([0-9a-f]*\).*/\1/p'; }

# host_of DISK: its SCSI host number
host_of() { _d=$(readlink -f "/sys/block/$1/device"); _d=${_d##*/}; echo "${_d%%:*}"; }

# cpu_aligned DISK: for each channel of DISK's controller (debugfs "queue=i
# relid=r"), the CPU r interrupts (the VMBus device's channel_vp_mapping)
# is in blk-mq queue i's cpu_list, so a completion arrives on a CPU that
# submits to its queue. Prints what is wrong.
cpu_aligned() {
	h=$(host_of "$1")
	vdev=$(dirname "$(readlink -f "/sys/class/scsi_host/host$h/device")")
	map=$vdev/channel_vp_mapping
	[ -r "$map" ] || { echo "no $map"; return; }
	sed -n 's/^queue=\([0-9]*\) relid=\([0-9]*\) .*/\1 \2/p' \
		"/sys/kernel/debug/hvg_storvsc/host$h/channels" >/tmp/qr
	[ -s /tmp/qr ] || echo "host$h: no channels in debugfs"
	while read -r q r; do
		cpu=$(sed -n "s/^$r:\([0-9]*\)$/\1/p" "$map")
		l=$(cat "/sys/block/$1/mq/$q/cpu_list" 2>/dev/null)
		echo ", $l," | grep -q ", $cpu," ||
			echo "queue $q: channel $r interrupts CPU '$cpu', the queue's CPUs are '$l'"
	done </tmp/qr
}

# Queue depth from the host's transfer limit: as many of the largest
# requests (one GPA-direct range of max_segments PFNs after a 24-byte
# descriptor and 8-byte range header, the 64-byte vstor packet, padded to 8,
# and the ring's 8-byte index) as fit in hvg_storvsc's 256 KiB send ring,
# at most 128; the blk-mq tags of every queue match.
queue_depth_bad() {	# queue_depth_bad DISK
	segs=$(cat "/sys/block/$1/queue/max_segments")
	hw=$(cat "/sys/block/$1/queue/max_hw_sectors_kb")
	[ "$segs" = $((hw / 4 + 1)) ] || echo "max_segments $segs for max_hw_sectors_kb $hw"
	want=$((262144 / ((24 + 8 + 8 * segs + 64 + 7) / 8 * 8 + 8)))
	[ "$want" -le 128 ] || want=128
	got=$(cat "/sys/block/$1/device/queue_depth")
	[ "$got" = "$want" ] || echo "queue_depth $got, want $want (max_segments $segs)"
	for t in /sys/block/"$1"/mq/*/nr_tags; do
		[ "$(cat "$t")" = "$want" ] || echo "$t: $(cat "$t"), want $want"
	done
}
