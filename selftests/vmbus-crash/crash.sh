#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# UNLOAD from the panic path: /sys/kernel/debug/hvg_vmbus/crash_unload runs
# the panic notifier's code (post UNLOAD, poll the message slots with
# interrupts off, bounded) on the message CPU. hvhost must release every
# channel and GPADL; the module then unloads and connects again.
. ../vmbus/lib.inc
echo "1..4"

r=$(echo_setup)
dev=$(echo_dev)
prim=$(cat "$dev/id" 2>/dev/null)
sub=$(hvctl vmbus add-subchannel "$prim" | sed -n 's/^relid=\([0-9]*\) .*/\1/p')
wait_for 30 "[ \"\$(host_chan $sub state)\" = open ]" || r="$r; sub-channel $sub not opened"
r="$r$(t "inband 1")"
result "echo device open with a sub-channel" "$r"

r=
u0=$(host_stat unloads)
dmesg -c >/dev/null
echo 1 >/sys/kernel/debug/hvg_vmbus/crash_unload || r="write to crash_unload failed"
dmesg | grep -q 'hvg_vmbus: crash: unloaded' || r="$r; $(dmesg | grep 'hvg_vmbus: crash' || echo 'no crash: line')"
[ "$(host state)" = disconnected ] || r="$r; hvhost: state=$(host state)"
[ "$(host open)" = 0 ] || r="$r; hvhost: open=$(host open)"
[ "$(host gpadls)" = 0 ] || r="$r; hvhost: gpadls=$(host gpadls)"
[ "$(host_stat unloads)" -gt "$u0" ] || r="$r; hvhost: unloads stayed $u0"
result "crash-path UNLOAD (interrupts off, polled): hvhost disconnected, no open channel, no GPADL" "$r"

r=
modprobe -r hvg_vmbus_test hvg_vmbus || r="modprobe -r failed after the crash-path unload"
r="$r$(echo_setup)$(t "inband 1")"
result "after it the modules unload, and hvg_vmbus connects and echoes again" "$r"

modprobe -r hvg_vmbus_test hvg_vmbus
result "no kernel warning" "$(dmesg_bad)"
