#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# hvg_vmbus against hvhost's VMBus server (emu lane), TAP: negotiation,
# the sysfs listing against hvhost's offers, the echo device through
# hvg_vmbus_test.ko (100 MB each way in-band and GPA-direct, checked),
# 100 open/close cycles, unload with a channel open, hot-add with driver
# autoload, rescind under traffic.
run=/sys/kernel/debug/hvg_vmbus_test/run
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() {
	n=$((n + 1))
	echo "not ok $n - $1"
	[ -z "$2" ] || echo "$2" | sed 's/^/# /'
}
result() { if [ -z "$2" ]; then ok "$1"; else nok "$1" "$2"; fi; }

# t TEST DESC: run a test of hvg_vmbus_test.ko
t() {
	if echo "$1" >"$run" 2>/dev/null; then r=$(cat "$run"); else r="cannot run $1"; fi
	[ "$r" = pass ] && r=
	result "$2" "$r"
}

host() { hvctl vmbus | tr ' ' '\n' | sed -n "s/^$1=//p"; }

# wait_for SECONDS CMD...: until CMD succeeds, bounded
wait_for() {
	i=0
	while ! eval "$2" >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt $(($1 * 10)) ] || return 1
		usleep 100000
	done
}

sysfs_vs_host() {
	hvctl vmbus channels | grep ' sub=0 ' | grep -v state=rescinded | while read -r line; do
		inst=$(echo "$line" | tr ' ' '\n' | sed -n 's/^instance=//p')
		cls=$(echo "$line" | tr ' ' '\n' | sed -n 's/^class=//p')
		relid=$(echo "$line" | tr ' ' '\n' | sed -n 's/^relid=//p')
		d=/sys/bus/vmbus/devices/$inst
		[ -d "$d" ] || { echo "no $d"; continue; }
		[ "$(cat "$d/class_id")" = "{$cls}" ] || echo "$inst: class_id $(cat "$d/class_id") != $cls"
		[ "$(cat "$d/id")" = "$relid" ] || echo "$inst: id $(cat "$d/id") != $relid"
		[ -d "$d/channels/$relid" ] || echo "$inst: no channels/$relid"
	done
	h=$(hvctl vmbus channels | grep ' sub=0 ' | grep -vc state=rescinded)
	g=$(ls /sys/bus/vmbus/devices | wc -l)
	[ "$h" = "$g" ] || echo "hvhost offers $h primaries, sysfs has $g devices"
}

# echo devices in sysfs (hvhost offers others beside them)
echo_devs() { grep -l '{8e5fd1b4-3c2a-4b5e-9d7f-6a1c0e2b4d83}' /sys/bus/vmbus/devices/*/class_id 2>/dev/null | wc -l; }

echo_dev() {	# the bound echo device's directory
	for d in /sys/bus/vmbus/devices/*; do
		[ "$(readlink "$d/driver" 2>/dev/null | sed 's,.*/,,')" = hvg_vmbus_test ] && echo "$d" && return
	done
}

modprobe -r hvg_vmbus_test hvg_vmbus 2>/dev/null	# loaded at boot
dmesg -c >/dev/null
r=$(modprobe hvg_vmbus 2>&1) || r="modprobe failed: $r"
dmesg | grep -q "hvg_vmbus: VMBus version $(host version)," || r="$r no version line matching hvhost's $(host version)"
result "hvg_vmbus loads and negotiates hvhost's version ($(host version))" "$r"
result "sysfs devices match hvhost's offers" "$(sysfs_vs_host)"
d=/sys/bus/vmbus/devices/$(ls /sys/bus/vmbus/devices | head -n 1)
m=$(cat "$d/modalias" 2>/dev/null)
case $m in vmbus:[0-9a-f]*) [ ${#m} = 38 ] && m= ;; esac
result "modalias is vmbus:<32 hex>" "$m"

modprobe hvg_vmbus_test
dev=$(echo_dev)
result "hvg_vmbus_test binds the echo device" "$([ -n "$dev" ] || echo 'no device bound to hvg_vmbus_test')"
t "inband 100" "100 MB echoed in-band, every byte checked"
t "gpa_sum 100" "100 MB guest->host GPA-direct, FNV sums match"
t "gpa_fill 100" "100 MB host->guest GPA-direct, every byte checked"
t "cycles 100" "100 close/open cycles, each echoing a packet"
relid=$(cat "$dev/id" 2>/dev/null)
r=
for f in cpu in_mask out_mask read_avail write_avail events interrupts; do
	[ -r "$dev/channels/$relid/$f" ] || r="$r no channels/$relid/$f"
done
[ "$(cat "$dev/channels/$relid/events" 2>/dev/null)" -gt 0 ] 2>/dev/null || r="$r events counter is 0"
result "channels/$relid/ counters" "$r"

r=
[ "$(host open)" -ge 1 ] || r="hvhost sees no open channel before unload"
modprobe -r hvg_vmbus_test hvg_vmbus || r="$r; modprobe -r failed"
[ "$(host open)" = 0 ] || r="$r; hvhost: open=$(host open)"
[ "$(host gpadls)" = 0 ] || r="$r; hvhost: gpadls=$(host gpadls)"
[ "$(host state)" = disconnected ] || r="$r; hvhost: state=$(host state)"
result "unload with the channel open leaves hvhost with no open channel and no GPADL" "$r"

# Hot-add: the uevent's MODALIAS makes mdev load the driver. The boot-time
# echo device is rescinded first, so the driver is loaded for the new one.
echo '$MODALIAS=.* 0:0 660 @modprobe "$MODALIAS"' >/etc/mdev.conf
mdev -d 2>/dev/null
modprobe hvg_vmbus
r=
wait_for 30 '[ -n "$(echo_dev)" ]' || r="hvg_vmbus_test not autoloaded for the boot-time device"
old=$(cat "$(echo_dev)/id" 2>/dev/null)
rmmod hvg_vmbus_test
hvctl vmbus rescind "$old" >/dev/null || r="$r; hvctl vmbus rescind $old failed"
wait_for 30 '[ "$(echo_devs)" = 0 ]' || r="$r; rescinded device $old still present"
result "boot-time device's driver autoloads; rescind of an idle device removes it" "$r"

r=
hvctl vmbus add echo >/dev/null || r="hvctl vmbus add echo failed"
wait_for 30 '[ "$(echo_devs)" = 1 ]' || r="$r; no new device"
wait_for 30 '[ -n "$(echo_dev)" ]' || r="$r; hvg_vmbus_test not autoloaded and bound"
result "hot-added echo device appears and its driver autoloads" "$r"

dev=$(echo_dev)
relid=$(cat "$dev/id" 2>/dev/null)
r=
echo "inband 100" >"$run" &
bg=$!
usleep 300000
hvctl vmbus rescind "$relid" >/dev/null || r="hvctl vmbus rescind $relid failed"
wait_for 60 '[ ! -d "$dev" ]' || r="$r; $dev still present"
wait "$bg"
wait_for 30 'hvctl vmbus gpadls | grep -q "relid=$relid "; [ $? = 1 ]' ||
	r="$r; hvhost keeps GPADLs of relid $relid"
result "rescind under traffic removes the device, hvhost keeps no GPADL" "$r"
result "sysfs devices match hvhost's offers after hot-add and rescind" "$(sysfs_vs_host)"

modprobe -r hvg_vmbus_test hvg_vmbus
result "no kernel warning" "$(dmesg | grep -E 'WARNING|BUG|Oops|hvg_vmbus: .*(failed|leaking)')"
