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

# wait_pid SECONDS PID: until PID has exited, bounded; kills it if not
wait_pid() {
	i=0
	while kill -0 "$2" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt $(($1 * 10)) ] || { kill "$2"; return 1; }
		usleep 100000
	done
}

# sd_of LUN [CONTROLLER]: the block device of a LUN under hvg_storvsc. With
# CONTROLLER, only on the SCSI host whose primary channel has that
# controller's relid (hvhost's list, the driver's debugfs); without, on any
# hvg_storvsc host (the dirs with one controller).
sd_of() {
	r=
	[ -z "$2" ] || r=$(ctl_field relid "$2")
	for d in /sys/class/scsi_device/*:0:0:"$1"; do
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
