#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Monitored notification (hvhost.args: the echo device offered as monitored).
# hvg_vmbus signals a monitored channel by its pending bit in the guest ->
# host monitor page, never by HvSignalEvent: echo traffic (thousands of
# checked packets, GPA-direct both ways, one-at-a-time round trips) works,
# hvhost counts monitor triggers for the channel and no HvSignalEvent, and
# takes the bits it polls. sysfs shows the offer's monitor id and the page
# entries hvhost wrote. An echo offer with monitor id 200 (out of range) is
# driven by HvSignalEvent instead, and the inject corpus's garbage offer
# (monitor id 200, monitor_flags 0xff) is survived.
. ../vmbus/lib.inc
echo "1..7"

# chan RELID KEY: hvhost's field; dec: a 0x.. value in decimal
chan() { host_chan "$1" "$2"; }
dec() { [ -n "$1" ] && echo $(($1)); }

r=$(echo_setup)
dev=$(echo_dev)
relid=$(cat "$dev/id" 2>/dev/null)
mid=$(chan "$relid" monitor_id)
case $mid in [0-9]*) [ "$mid" -lt 128 ] || r="$r; hvhost monitor id $mid" ;; *) r="$r; relid $relid not offered as monitored (monitor_id=$mid)" ;; esac
[ "$(chan "$relid" state)" = open ] || r="$r; channel $relid not open on the host"
result "hvhost offers the echo channel monitored (id $mid), hvg_vmbus_test binds and opens it" "$r"

r=
conn=$(dec "$(chan "$relid" conn_id)")
c=$dev/channels/$relid
for f in "$dev/monitor_id" "$c/monitor_id"; do
	[ "$(cat "$f" 2>/dev/null)" = "$mid" ] || r="$r; $f: '$(cat "$f" 2>/dev/null)', not $mid"
done
for f in "$dev/client_monitor_conn_id" "$dev/server_monitor_conn_id"; do
	[ "$(cat "$f" 2>/dev/null)" = "$conn" ] || r="$r; $f: '$(cat "$f" 2>/dev/null)', not hvhost's $conn"
done
# hvhost polls every 1 ms: latency 10000 (100 ns units) in the guest's page.
for f in "$dev/client_monitor_latency" "$c/latency"; do
	[ "$(cat "$f" 2>/dev/null)" = 10000 ] || r="$r; $f: '$(cat "$f" 2>/dev/null)', not 10000"
done
grep -q " monitored=1" "/sys/kernel/debug/hvg_vmbus/$relid/stats" 2>/dev/null ||
	r="$r; hvg_vmbus's debugfs does not show relid $relid monitored"
result "sysfs: monitor_id $mid as offered, monitor conn_id $conn and latency 10000 from hvhost's page entries" "$r"

sig0=$(chan "$relid" signals_in)
trig0=$(chan "$relid" monitor_triggers)
r=$(t "inband 12")$(t "gpa_sum 4")$(t "gpa_fill 4")$(t "rtt 1000")
rtt=$(info count)
sig=$(chan "$relid" signals_in)
trig=$(chan "$relid" monitor_triggers)
[ "$trig" -gt "$trig0" ] 2>/dev/null || r="$r; monitor_triggers stayed $trig0 -> $trig"
[ "$sig" = "$sig0" ] || r="$r; HvSignalEvent on a monitored channel: signals_in $sig0 -> $sig"
[ "${rtt:-0}" -gt 0 ] 2>/dev/null || r="$r; no round trip"
result "3146 checked in-band packets, 4 MB GPA-direct each way, $rtt round trips: $((trig - trig0)) monitor triggers, HvSignalEvent $((sig - sig0))" "$r"

# hvhost takes the bits: the guest's pending word drains once traffic stops.
r=$(wait_for 10 "[ \"\$(cat $dev/client_monitor_pending)\" = 0 ]" || echo "client_monitor_pending stays $(cat "$dev/client_monitor_pending")")
[ "$(host_stat monitor_ignored)" = 0 ] || r="$r; hvhost ignored $(host_stat monitor_ignored) triggers"
result "hvhost cleared the pending bits it took, none for unknown ids" "$r"

# Out of range: an echo offer with monitor id 200 and monitor_allocated.
r=
rmmod hvg_vmbus_test
hvctl vmbus rescind "$relid" >/dev/null
wait_for 30 "! host_has_relid $relid" || r="hvhost still has relid $relid"
bad=$(hvctl vmbus add echo monitor-id=200 | sed -n 's/^relid=//p')
modprobe hvg_vmbus_test
wait_for 30 '[ -n "$(echo_dev)" ]' || r="$r; the id-200 echo device is not bound"
dev=$(echo_dev)
[ "$(cat "$dev/id" 2>/dev/null)" = "$bad" ] || r="$r; bound $dev, not relid $bad"
[ "$(chan "$bad" monitor_id)" = 200 ] || r="$r; hvhost did not offer id 200 ($(chan "$bad" monitor_id))"
[ -e "$dev/monitor_id" ] && r="$r; $dev/monitor_id exists: treated as monitored"
[ -e "$dev/channels/$bad/monitor_id" ] && r="$r; channels/$bad/monitor_id exists"
r="$r$(t "inband 2")"
[ "$(chan "$bad" signals_in)" -gt 0 ] 2>/dev/null || r="$r; no HvSignalEvent on relid $bad"
[ "$(chan "$bad" monitor_triggers)" = 0 ] || r="$r; monitor triggers on relid $bad"
result "an echo offer with monitor id 200: not monitored, driven by HvSignalEvent" "$r"

# The inject corpus's garbage offer (monitor id 200, monitor_flags 0xff).
dmesg -c >/dev/null
r=$(hvctl vmbus inject offer-garbage 2000 | grep -v '^injected=')
g=/sys/bus/vmbus/devices/a5a507d0-a5a5-a5a5-a5a5-a5a5a5a5a5a5
r="$r$(wait_for 20 "[ -d $g ]" || echo "no device $g")"
[ -e "$g/monitor_id" ] && r="$r; $g/monitor_id exists"
hvctl vmbus inject rescind 2000 >/dev/null
r="$r$(wait_for 20 "[ ! -d $g ]" || echo "; $g still present after rescind")"
r="$r$(t "inband 1")"
result "garbage offer with monitor id 200 survived, the bus still works" "$r"

r=$(dmesg_bad)
modprobe -r hvg_vmbus_test hvg_vmbus || r="$r; modprobe -r failed"
[ "$(host open)" = 0 ] || r="$r; hvhost keeps $(host open) channels open"
[ "$(host gpadls)" = 0 ] || r="$r; hvhost keeps $(host gpadls) GPADLs"
result "unload: hvhost keeps no channel or GPADL, no splat" "$r"
