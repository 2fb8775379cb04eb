#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Sub-channels: hvhost offers them for the echo device's primary (hvctl
# vmbus add-subchannel), hvg_vmbus delivers them to its driver, which opens
# and echoes on each; closing the primary closes them; a rescinded one is
# released (RELID_RELEASED), open or not; rescinding the primary takes all.
. ../vmbus/lib.inc
# lib.inc's host_has_relid greps -q: when the relid is there grep exits
# early, hvctl dies of SIGPIPE and leaves its lock, and every later hvctl
# fails. This reads the whole answer.
has_relid() { [ -n "$(host_chan "$1" relid)" ]; }
echo "1..9"

r=$(echo_setup)
dev=$(echo_dev)
prim=$(cat "$dev/id" 2>/dev/null)
subs=
for _ in 1 2 3; do
	s=$(hvctl vmbus add-subchannel "$prim" | sed -n 's/^relid=\([0-9]*\) .*/\1/p')
	[ -n "$s" ] || r="$r; add-subchannel $prim failed"
	subs="$subs $s"
done
for s in $subs; do
	wait_for 30 "[ -d $dev/channels/$s ] && [ \"\$(host_chan $s state)\" = open ]" ||
		r="$r; sub-channel $s: channels/$s $([ -d "$dev/channels/$s" ] || echo absent), hvhost state $(host_chan "$s" state)"
	k=$(host_chan "$s" sub)
	[ "$(cat "$dev/channels/$s/subchannel_id" 2>/dev/null)" = "$k" ] ||
		r="$r; channels/$s/subchannel_id $(cat "$dev/channels/$s/subchannel_id" 2>/dev/null) != hvhost's $k"
done
result "3 sub-channels offered for relid $prim appear under channels/ and the driver opens them" "$r"

r=$(for s in $prim $subs; do grep -q "^$s:[0-9]" "$dev/channel_vp_mapping" || echo "no $s in channel_vp_mapping"; done)
result "channel_vp_mapping lists the primary and every sub-channel" "$r"

for s in $subs; do eval "ev_$s=\$(cat $dev/channels/$s/events) in_$s=\$(cat $dev/channels/$s/interrupts)"; done
r=$(t "subs 200")
[ "$(info subs)" = 3 ] || r="$r; echoed on $(info subs) sub-channels, want 3"
for s in $subs; do
	[ "$(host_chan "$s" rx_packets)" -ge 200 ] 2>/dev/null || r="$r; hvhost relid $s rx_packets=$(host_chan "$s" rx_packets)"
	[ "$(host_chan "$s" tx_packets)" -ge 200 ] 2>/dev/null || r="$r; hvhost relid $s tx_packets=$(host_chan "$s" tx_packets)"
	eval "e0=\$ev_$s i0=\$in_$s"
	[ "$(cat "$dev/channels/$s/events")" -gt "$e0" ] || r="$r; channels/$s/events stayed $e0"
	[ "$(cat "$dev/channels/$s/interrupts")" -gt "$i0" ] || r="$r; channels/$s/interrupts stayed $i0"
done
result "200 packets echoed on each sub-channel, counted by hvhost and channels/<relid>/ on each" "$r"

set -- $subs
gone=$1
rel0=$(host_stat relids_released)
r=
hvctl vmbus rescind "$gone" >/dev/null || r="hvctl vmbus rescind $gone failed"
r="$r$(t "subs 20")"
[ "$(info rescinded)" = 1 ] && [ "$(info subs)" = 2 ] || r="$r; after rescind: $(cat "$info")"
r="$r$(t "inband 1")"
[ -d "$dev" ] || r="$r; the device went away"
# The driver still holds it open: no RELID_RELEASED may have gone out yet.
usleep 500000
# (host_chan reads hvctl's whole answer: grep -q could leave hvctl's lock)
[ -n "$(host_chan "$gone" relid)" ] || r="$r; hvhost freed relid $gone while the driver still held it open"
[ "$(host_stat relids_released)" = "$rel0" ] ||
	r="$r; relids_released $rel0 -> $(host_stat relids_released) before the driver's close"
r="$r$(t sub_close)"
[ "$(info closed)" = 1 ] || r="$r; sub_close: $(cat "$info")"
wait_for 30 "! has_relid $gone" || r="$r; hvhost still has relid $gone"
[ "$(host_gpadls_of "$gone")" = 0 ] || r="$r; hvhost keeps GPADLs of relid $gone"
[ "$(host_stat relids_released)" -gt "$rel0" ] || r="$r; relids_released stayed $rel0"
wait_for 10 "[ ! -d $dev/channels/$gone ]" || r="$r; channels/$gone still present"
result "rescind of an open sub-channel: sends fail, primary and others keep echoing, the relid is released only by its close" "$r"

r=$(t close)
for s in $prim $2 $3; do
	[ "$(host_chan "$s" state)" = offered ] || r="$r; relid $s: hvhost state $(host_chan "$s" state)"
	[ "$(host_gpadls_of "$s")" = 0 ] || r="$r; relid $s: hvhost keeps $(host_gpadls_of "$s") GPADLs"
done
result "closing the primary closes its sub-channels too: hvhost has none open, no GPADL" "$r"

# A sub-channel offered while the primary is closed is not opened; its
# rescind releases it at once.
r=
idle=$(hvctl vmbus add-subchannel "$prim" | sed -n 's/^relid=\([0-9]*\) .*/\1/p')
wait_for 30 "[ -d $dev/channels/$idle ]" || r="no channels/$idle"
rel0=$(host_stat relids_released)
hvctl vmbus rescind "$idle" >/dev/null || r="$r; hvctl vmbus rescind $idle failed"
wait_for 30 "! has_relid $idle" || r="$r; hvhost still has relid $idle"
[ "$(host_stat relids_released)" -gt "$rel0" ] || r="$r; relids_released stayed $rel0"
wait_for 10 "[ ! -d $dev/channels/$idle ]" || r="$r; channels/$idle still present"
result "rescind of a sub-channel never opened releases it at once" "$r"

r=$(t open)
s4=$(hvctl vmbus add-subchannel "$prim" | sed -n 's/^relid=\([0-9]*\) .*/\1/p')
wait_for 30 "[ \"\$(host_chan $s4 state)\" = open ]" || r="$r; sub-channel $s4 not opened"
r="$r$(t "subs 10")"
rmmod hvg_vmbus_test || r="$r; rmmod failed"
[ "$(host open)" = 0 ] || r="$r; hvhost: open=$(host open)"
[ "$(host gpadls)" = 0 ] || r="$r; hvhost: gpadls=$(host gpadls)"
result "unbinding the driver with open sub-channels leaves hvhost with nothing open, no GPADL" "$r"

r=
modprobe hvg_vmbus_test
wait_for 30 '[ -n "$(echo_dev)" ]' || r="driver did not rebind"
s5=$(hvctl vmbus add-subchannel "$prim" | sed -n 's/^relid=\([0-9]*\) .*/\1/p')
wait_for 30 "[ \"\$(host_chan $s5 state)\" = open ]" || r="$r; sub-channel $s5 not opened"
rel0=$(host_stat relids_released)
hvctl vmbus rescind "$prim" >/dev/null || r="$r; hvctl vmbus rescind $prim failed"
wait_for 30 "[ ! -d $dev ]" || r="$r; $dev still present"
for s in $prim $2 $3 $s4 $s5; do
	wait_for 30 "! has_relid $s" || r="$r; hvhost still has relid $s"
done
[ "$(host_stat relids_released)" -ge $((rel0 + 5)) ] ||
	r="$r; relids_released $rel0 -> $(host_stat relids_released), want +5"
result "rescind of the primary removes the device and releases it and every sub-channel" "$r"

modprobe -r hvg_vmbus_test hvg_vmbus
result "no kernel warning" "$(dmesg_bad)"
