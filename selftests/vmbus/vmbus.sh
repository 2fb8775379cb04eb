#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# hvg_vmbus against hvhost's VMBus server (emu lane), TAP: negotiation,
# the sysfs listing against hvhost's offers, the echo device through
# hvg_vmbus_test.ko (100 MB each way in-band and GPA-direct, checked),
# GPA-direct with several ranges and refused ranges, GPADLs of every size
# class, per-channel debugfs statistics against hvhost's,
# 100 open/close cycles, flow control both ways (a burst through a full
# receive ring; a flood against a paused host), unload with a channel open,
# hot-add with driver autoload, rescind under traffic.
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

# trun TEST: run a test of hvg_vmbus_test.ko; prints nothing on pass, else why
trun() {
	if echo "$1" >"$run" 2>/dev/null; then r=$(cat "$run"); else r="cannot run $1"; fi
	[ "$r" = pass ] || echo "; $1: $r"
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

# A test run before in the same guest may have rescinded the boot-time one.
[ "$(echo_devs)" -ge 1 ] || { hvctl vmbus add echo >/dev/null; wait_for 30 '[ "$(echo_devs)" = 1 ]'; }
modprobe hvg_vmbus_test
wait_for 30 '[ -n "$(echo_dev)" ]'
dev=$(echo_dev)
result "hvg_vmbus_test binds the echo device" "$([ -n "$dev" ] || echo 'no device bound to hvg_vmbus_test')"
t "inband 100" "100 MB echoed in-band, every byte checked"
t "gpa_sum 100" "100 MB guest->host GPA-direct, FNV sums match"
t "gpa_fill 100" "100 MB host->guest GPA-direct, every byte checked"
relid=$(cat "$dev/id" 2>/dev/null)
t gpa_multi "GPA-direct SUM and FILL over 3 ranges at offset 100 (2, 3, 1 pages) and over 16 ranges: sums, bytes and the bytes around the ranges check; 17 ranges, a wrong pfn_count, offset 4096, an empty range refused (-EINVAL)"

# GPADLs through the exported hvg_gpadl_create/destroy: 26 PFNs fit the
# GPADL_HEADER, each GPADL_BODY takes 28 more, 8190 is the most.
info=/sys/kernel/debug/hvg_vmbus_test/info
ival() { tr ' ' '\n' <"$info" | sed -n "s/^$1=//p"; }
r=
for pages in 1 26 27 54 55 8190; do
	r="$r$(trun "gpadl_create $pages")"
	h=$(ival handle)
	[ -n "$h" ] || { r="$r; $pages pages: $(cat "$info")"; continue; }
	line=$(hvctl vmbus gpadls | grep "^handle=$h ")
	case $line in
	*" relid=$relid state=created "*" pages=$pages "*) ;;
	*) r="$r; $pages pages: hvhost has '$line'" ;;
	esac
	r="$r$(trun gpadl_destroy)"
	hvctl vmbus gpadls | grep -q "^handle=$h " && r="$r; $pages pages: $h still in hvhost after destroy"
done
g0=$(hvctl vmbus gpadls | grep -c .)
r="$r$(trun "gpadl_create 8191")"
[ "$(ival error)" = -22 ] || r="$r; 8191 pages: $(cat "$info") (expected error=-22)"
[ "$(hvctl vmbus gpadls | grep -c .)" = "$g0" ] || r="$r; hvhost got a GPADL for 8191 pages"
result "GPADLs of 1, 26, 27, 54, 55, 8190 pages: hvhost has each with its page count and none after destroy; 8191 refused with -EINVAL, nothing sent" "${r#; }"

# Per-channel debugfs statistics: an in-band run of 1 MB is 263 packets
# each way; hvhost counts the same.
dstat() { sed -n "${2:-1,2}p" "/sys/kernel/debug/hvg_vmbus/$relid/stats" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
hrx() { hvctl vmbus channels | grep "^relid=$relid " | tr ' ' '\n' | sed -n 's/^rx_packets=//p'; }
tx0=$(dstat tx_packets) rx0=$(dstat rx_packets) txb0=$(dstat tx_bytes) h0=$(hrx)
r=$(trun "inband 1")
[ "$(dstat tx_packets)" = $((tx0 + 263)) ] || r="$r; tx_packets $tx0 -> $(dstat tx_packets)"
[ "$(dstat rx_packets)" = $((rx0 + 263)) ] || r="$r; rx_packets $rx0 -> $(dstat rx_packets)"
[ "$(dstat tx_bytes)" -ge $((txb0 + 263 * 4000)) ] 2>/dev/null || r="$r; tx_bytes $txb0 -> $(dstat tx_bytes)"
[ "$(hrx)" = $((h0 + 263)) ] || r="$r; hvhost rx_packets $h0 -> $(hrx)"
wi=$(dstat write_index 3)
[ -n "$wi" ] && [ "$wi" = "$(cat "$dev/out_write_index")" ] || r="$r; debugfs out write_index '$wi', sysfs out_write_index $(cat "$dev/out_write_index")"
result "debugfs stats: 1 MB in-band moves tx_packets and rx_packets by 263, as hvhost's rx_packets; out write_index matches sysfs" "${r#; }"
t "cycles 100" "100 close/open cycles, each echoing a packet"
r=
for f in cpu in_mask out_mask read_avail write_avail events interrupts; do
	[ -r "$dev/channels/$relid/$f" ] || r="$r no channels/$relid/$f"
done
[ "$(cat "$dev/channels/$relid/events" 2>/dev/null)" -gt 0 ] 2>/dev/null || r="$r events counter is 0"
result "channels/$relid/ counters" "$r"

# Flow control, host -> guest: 20000 packets through the 256 KiB ring.
# hvhost sends more only when the guest's read_done signal says it freed
# the space hvhost asked for (pending_send_sz); without it the burst stalls.
cnt() { cat "$dev/channels/$relid/$1" 2>/dev/null; }
estat() { hvctl echo stats "$relid" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
in0=$(cnt intr_in_full)
sent0=$(estat burst_sent)
r=$(trun "burst_reset $sent0")
hvctl echo burst "$relid" 20000 2048 >/dev/null || r="$r; hvctl echo burst failed"
r="$r$(trun "burst_wait 20000")"
[ "$(estat burst_pending)" = 0 ] || r="$r; hvhost: burst_pending=$(estat burst_pending)"
[ "$(estat burst_sent)" = $((sent0 + 20000)) ] || r="$r; hvhost: burst_sent=$(estat burst_sent), was $sent0"
[ "$(cnt intr_in_full)" -gt "$in0" ] 2>/dev/null || r="$r; intr_in_full $in0 -> $(cnt intr_in_full): the ring never filled"
result "20000 burst packets of 2048 B from hvhost arrive in order, checked, within 120 s; none pending; intr_in_full rose" "${r#; }"

# Flow control, guest -> host: hvhost stops reading, the guest's sends fill
# the ring and block (no polling) until hvhost, reading again, signals the
# room the guest asked for; a missing signal fails the flood in 10 s.
full0=$(cnt out_full_total)
r=
hvctl echo mode "$relid" pause >/dev/null || r="hvctl echo mode pause failed"
echo "flood 300" >"$run" 2>/dev/null &
bg=$!
usleep 2000000
kill -0 "$bg" 2>/dev/null || r="$r; flood of 300 packets ended while hvhost was paused"
[ "$(cnt out_full_total)" -gt "$full0" ] 2>/dev/null || r="$r; out_full_total $full0 -> $(cnt out_full_total) while paused"
hvctl echo mode "$relid" drop >/dev/null || r="$r; hvctl echo mode drop failed"
hvctl vmbus inject kick "$relid" >/dev/null || r="$r; hvctl vmbus inject kick failed"
wait "$bg"
[ "$(cat "$run")" = pass ] || r="$r; flood 300: $(cat "$run")"
[ "$(estat dropped)" = 300 ] || r="$r; hvhost read $(estat dropped) of 300"
hvctl echo mode "$relid" echo >/dev/null
r="$r$(trun "inband 1")"
result "300 one-way packets against a paused hvhost: the send ring fills (out_full_total rose), the sends wait for hvhost's signal, all 300 arrive, echo works after" "${r#; }"

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
