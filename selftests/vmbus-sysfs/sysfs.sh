#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# sysfs parity with upstream (Documentation/ABI/stable/sysfs-bus-vmbus and
# drivers/hv/vmbus_drv.c in 6.1): the attribute set of every device and
# channel, the formats upstream's lsvmbus (tools/hv/lsvmbus) parses, and
# the writable ones: channels/<N>/cpu (MODIFYCHANNEL) and driver_override.
. ../vmbus/lib.inc
echo "1..10"

# Documentation/ABI/stable/sysfs-bus-vmbus, 6.1, every What: line.
# Not expected here: channels/<N>/ring (created by uio_hv_generic only) and
# channels/<N>/monitor_id, which like upstream's is shown only for channels
# the host monitors (hvhost never offers monitored notification).
abi_paths='
/sys/bus/vmbus/hibernation
/sys/bus/vmbus/devices/<UUID>/id
/sys/bus/vmbus/devices/<UUID>/class_id
/sys/bus/vmbus/devices/<UUID>/device_id
/sys/bus/vmbus/devices/<UUID>/channel_vp_mapping
/sys/bus/vmbus/devices/<UUID>/device
/sys/bus/vmbus/devices/<UUID>/vendor
/sys/bus/vmbus/devices/<UUID>/numa_node
/sys/bus/vmbus/devices/<UUID>/channels/<N>
/sys/bus/vmbus/devices/<UUID>/channels/<N>/cpu
/sys/bus/vmbus/devices/<UUID>/channels/<N>/in_mask
/sys/bus/vmbus/devices/<UUID>/channels/<N>/latency
/sys/bus/vmbus/devices/<UUID>/channels/<N>/out_mask
/sys/bus/vmbus/devices/<UUID>/channels/<N>/pending
/sys/bus/vmbus/devices/<UUID>/channels/<N>/read_avail
/sys/bus/vmbus/devices/<UUID>/channels/<N>/write_avail
/sys/bus/vmbus/devices/<UUID>/channels/<N>/events
/sys/bus/vmbus/devices/<UUID>/channels/<N>/interrupts
/sys/bus/vmbus/devices/<UUID>/channels/<N>/subchannel_id
/sys/bus/vmbus/devices/<UUID>/channels/<N>/monitor_id
/sys/bus/vmbus/devices/<UUID>/channels/<N>/ring
/sys/bus/vmbus/devices/<UUID>/channels/<N>/intr_in_full
/sys/bus/vmbus/devices/<UUID>/channels/<N>/intr_out_empty
/sys/bus/vmbus/devices/<UUID>/channels/<N>/out_full_first
/sys/bus/vmbus/devices/<UUID>/channels/<N>/out_full_total
'
# Upstream's monitor-only attributes (is_visible hides them otherwise).
monitor_only='monitor_id pending latency server_monitor_pending client_monitor_pending server_monitor_latency client_monitor_latency server_monitor_conn_id client_monitor_conn_id'
uio_only='ring'

# The files of a device directory: vmbus_dev_attrs[] of vmbus_drv.c, minus
# the monitor ones, plus the driver core's uevent.
dev_files='channel_vp_mapping class_id device device_id driver_override id
in_intr_mask in_read_bytes_avail in_read_index in_write_bytes_avail
in_write_index modalias numa_node out_intr_mask out_read_bytes_avail
out_read_index out_write_bytes_avail out_write_index state uevent vendor'
# The files of a channel directory: vmbus_chan_attrs[], minus monitor ones.
chan_files='cpu events in_mask interrupts intr_in_full intr_out_empty out_full_first
out_full_total out_mask read_avail subchannel_id write_avail'

sorted() { echo $* | tr ' ' '\n' | grep . | sort; }
files_of() { find "$1/" -maxdepth 1 -type f | sed 's,.*/,,' | sort; }
# same WHAT DIR EXPECTED: the regular files of DIR are exactly EXPECTED
same() {
	files_of "$2" >/tmp/hvg-f
	d=$(sorted "$3" | diff - /tmp/hvg-f | grep '^[-+][a-z]')
	[ -z "$d" ] || echo "; $1: $(echo $d | sed 's/-\([a-z_]*\)/missing \1/g; s/+\([a-z_]*\)/extra \1/g')"
}

r=$(echo_setup)
dev=$(echo_dev)
prim=$(cat "$dev/id")
sub=$(hvctl vmbus add-subchannel "$prim" | sed -n 's/^relid=\([0-9]*\) .*/\1/p')
wait_for 30 "[ \"\$(host_chan $sub state)\" = open ]" || r="$r; sub-channel $sub not opened"
result "echo device bound, with an open sub-channel $sub" "$r"

r=
for d in /sys/bus/vmbus/devices/*; do
	r="$r$(same "$(basename "$d")" "$d" "$dev_files")"
	[ -d "$d/channels" ] || r="$r; $d: no channels/"
	for c in "$d"/channels/*; do
		r="$r$(same "$(basename "$d")/channels/$(basename "$c")" "$c" "$chan_files")"
	done
done
result "every device and channel directory has exactly upstream's attribute set" "$r"

r=
for p in $abi_paths; do
	a=${p##*/}
	case " $monitor_only $uio_only " in *" $a "*) continue ;; esac
	p=$(echo "$p" | sed "s,<UUID>,$(basename "$dev"),; s,<N>,$sub,")
	[ -e "$p" ] || r="$r; no $p"
done
[ "$(cat /sys/bus/vmbus/hibernation)" = 0 ] || r="$r; hibernation: $(cat /sys/bus/vmbus/hibernation)"
result "every path of Documentation/ABI/stable/sysfs-bus-vmbus is present" "$r"

# What lsvmbus reads, per device: id (an int, its sort key), class_id and
# device_id ("{guid}" lines; class_id is looked up in its table, so lower
# case), channel_vp_mapping ("relid:cpu" lines it splits on ':').
guid='{[0-9a-f]\{8\}-[0-9a-f]\{4\}-[0-9a-f]\{4\}-[0-9a-f]\{4\}-[0-9a-f]\{12\}}'
r=
for d in /sys/bus/vmbus/devices/*; do
	b=$(basename "$d")
	id=$(cat "$d/id")
	case $id in '' | *[!0-9]*) r="$r; $b/id '$id' not an integer" ;; esac
	echo "$(cat "$d/class_id")" | grep -qx "$guid" || r="$r; $b/class_id '$(cat "$d/class_id")'"
	[ "$(cat "$d/device_id")" = "{$b}" ] || r="$r; $b/device_id '$(cat "$d/device_id")' != {$b}"
	[ "$(cat "$d/class_id")" = "{$(host_chan "$id" class)}" ] || r="$r; $b/class_id != hvhost's $(host_chan "$id" class)"
	m=$(cat "$d/channel_vp_mapping")
	echo "$m" | grep -qv '^[0-9]*:[0-9]*$' && r="$r; $b/channel_vp_mapping: '$m'"
	echo "$m" | head -n 1 | grep -q "^$id:" || r="$r; $b/channel_vp_mapping does not start with $id"
	for c in $(echo "$m" | cut -d: -f1); do
		[ -d "$d/channels/$c" ] || r="$r; $b: mapping names $c, no channels/$c"
		[ "$(grep "^$c:" "$d/channel_vp_mapping" | cut -d: -f2)" = "$(cat "$d/channels/$c/cpu")" ] ||
			r="$r; $b: mapping cpu of $c != channels/$c/cpu"
	done
	[ "$(echo "$m" | wc -l)" = "$(ls "$d/channels" | wc -l)" ] || r="$r; $b: mapping and channels/ differ"
	grep -qx '0x1414' "$d/vendor" || r="$r; $b/vendor $(cat "$d/vendor")"
	grep -qx '0x[0-9a-f]*' "$d/device" || r="$r; $b/device $(cat "$d/device")"
	grep -qx -- '-\{0,1\}[0-9]*' "$d/numa_node" || r="$r; $b/numa_node $(cat "$d/numa_node")"
done
result "lsvmbus's inputs: id, class_id, device_id, channel_vp_mapping (and vendor, device, numa_node) in upstream's formats" "$r"

r=
for f in $(files_of "$dev") ; do cat "$dev/$f" >/dev/null 2>&1 || r="$r; cannot read $f"; done
for f in $chan_files; do cat "$dev/channels/$sub/$f" >/dev/null 2>&1 || r="$r; cannot read channels/$sub/$f"; done
w=$(cat "$dev/out_write_index"); a=$(cat "$dev/out_write_bytes_avail")
r="$r$(t "inband 1")"
[ "$(cat "$dev/out_write_index")" != "$w" ] || r="$r; out_write_index stayed $w after an echo"
[ "$(cat "$dev/in_read_index")" = "$(cat "$dev/in_write_index")" ] || r="$r; in ring not drained"
[ "$(cat "$dev/in_read_bytes_avail")" = 0 ] || r="$r; in_read_bytes_avail $(cat "$dev/in_read_bytes_avail")"
[ "$a" -gt 0 ] || r="$r; out_write_bytes_avail $a"
result "every attribute reads; the device-level ring attributes follow the primary's rings" "$r"

r=
c=$dev/channels/$prim
cpu0=$(cat "$c/cpu")
to=$((1 - cpu0))
echo "$to" >"$c/cpu" || r="write $to to cpu failed"
[ "$(cat "$c/cpu")" = "$to" ] || r="$r; cpu reads $(cat "$c/cpu"), want $to"
[ "$(host_chan "$prim" vp)" = "$to" ] || r="$r; hvhost: vp=$(host_chan "$prim" vp), want $to"
i0=$(cat "$c/interrupts")
r="$r$(t "inband 1")"
[ "$(cat "$c/interrupts")" -gt "$i0" ] || r="$r; no interrupt after the move"
grep -q "^$prim:$to\$" "$dev/channel_vp_mapping" || r="$r; channel_vp_mapping: $(cat "$dev/channel_vp_mapping")"
echo 99 >"$c/cpu" 2>/dev/null && r="$r; cpu 99 accepted"
echo "$cpu0" >"$c/cpu" || r="$r; moving back failed"
result "channels/$prim/cpu: writing moves the channel (MODIFYCHANNEL, hvhost's vp follows), echo still works, an offline CPU is refused" "$r"

# CPU offline is refused while an open channel is bound to the CPU.
r=
c=$dev/channels/$prim
cpu1=/sys/devices/system/cpu/cpu1/online
echo 1 >"$c/cpu" || r="cannot move channel $prim to CPU 1"
echo 0 >"$cpu1" 2>/dev/null && r="$r; CPU 1 went offline with channel $prim bound"
[ "$(cat "$cpu1")" = 1 ] || { r="$r; CPU 1 offline"; echo 1 >"$cpu1"; }
for ch in /sys/bus/vmbus/devices/*/channels/*; do
	[ "$(cat "$ch/cpu")" = 0 ] || echo 0 >"$ch/cpu" 2>/dev/null	# closed ones fail: unbound anyway
done
echo 0 >"$cpu1" || r="$r; CPU 1 refused to go offline with no channel bound"
[ "$(cat "$cpu1")" = 0 ] || r="$r; CPU 1 still online"
r="$r$(t "inband 1")"
echo 1 >"$cpu1" || r="$r; CPU 1 did not come back"
r="$r$(t "inband 1")"
result "CPU 1 cannot go offline while channel $prim is bound to it; once moved it can, and echo works throughout" "$r"

r=
echo hvg_nonexistent >"$dev/driver_override" || r="write failed"
[ "$(cat "$dev/driver_override")" = hvg_nonexistent ] || r="$r; reads '$(cat "$dev/driver_override")'"
b=$(basename "$dev")
echo "$b" >/sys/bus/vmbus/drivers/hvg_vmbus_test/unbind
echo "$b" >/sys/bus/vmbus/drivers_probe 2>/dev/null
[ -e "$dev/driver" ] && r="$r; bound again despite driver_override"
echo >"$dev/driver_override"
[ "$(cat "$dev/driver_override")" = "(null)" ] || r="$r; cleared, reads '$(cat "$dev/driver_override")'"
echo "$b" >/sys/bus/vmbus/drivers_probe 2>/dev/null
wait_for 10 "[ -e $dev/driver ]" || r="$r; not bound after clearing driver_override"
result "driver_override keeps other drivers off the device; cleared, the driver binds again" "$r"

# Module init returns only once every offer has its device: count right
# after modprobe, against hvhost's primaries counted before it (4 extra
# echo devices offered at once make the device work longer).
r=
modprobe -r hvg_vmbus_test hvg_vmbus || r="modprobe -r failed"
extra=
for _ in 1 2 3 4; do
	extra="$extra $(hvctl vmbus add echo | sed -n 's/^relid=//p')"
done
want=$(hvctl vmbus channels | grep ' sub=0 ' | grep -vc state=rescinded)
got=$(modprobe hvg_vmbus && ls /sys/bus/vmbus/devices | wc -l)
[ "$got" = "$want" ] || r="$r; sysfs had ${got:-no} devices when modprobe returned, hvhost offers $want"
for x in $extra; do
	hvctl vmbus rescind "$x" >/dev/null || r="$r; rescind $x failed"
	# host_chan, not host_has_relid: grep -q could leave hvctl's lock
	wait_for 30 "[ -z \"\$(host_chan $x relid)\" ]" || r="$r; hvhost still has relid $x"
done
result "modprobe hvg_vmbus returns with a device for each of hvhost's $want offers" "$r"

modprobe -r hvg_vmbus_test hvg_vmbus
result "no kernel warning" "$(dmesg_bad)"
