#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Tracepoints: hvg_vmbus traces every control message it sends
# (hvg_vmbus_msg_send) and receives (hvg_vmbus_msg_recv). Drive a channel's
# life cycle and a hot-add/rescind with the events enabled, and find each
# message type in the trace. Types: 1 OFFERCHANNEL, 2 RESCIND, 5 OPEN,
# 6 OPEN_RESULT, 7 CLOSE, 8 GPADL_HEADER, 9 GPADL_BODY (a 256 KiB ring
# needs bodies), 10 GPADL_CREATED, 11 GPADL_TEARDOWN, 12 GPADL_TORNDOWN,
# 13 RELID_RELEASED, 22 MODIFYCHANNEL, 24 MODIFYCHANNEL_RESPONSE (a write
# to channels/N/cpu; hvhost speaks 5.3, where the host answers).
. ../vmbus/lib.inc
echo "1..4"

tr=/sys/kernel/tracing
[ -d $tr/events ] || mount -t tracefs nodev $tr 2>/dev/null
[ -d $tr/events ] || tr=/sys/kernel/debug/tracing
if [ ! -d $tr/events ]; then
	for i in 1 2 3 4; do echo "ok $i - tracepoints # SKIP kernel without tracefs"; done
	exit 0
fi

# seen DIR TYPE: the trace has an event of that direction and type
seen() { grep -q "hvg_vmbus_msg_$1: type=$2 " $tr/trace; }
missing() {	# missing DIR TYPE...: the types not traced
	d=$1
	shift
	for ty in "$@"; do seen "$d" "$ty" || printf ' %s' "$ty"; done
}

r=
rmmod hvg_vmbus_test 2>/dev/null
modprobe hvg_vmbus || r="modprobe hvg_vmbus failed"
echo 0 >$tr/tracing_on
echo >$tr/trace
echo 1 >$tr/events/hvg_vmbus/enable || r="$r; cannot enable events/hvg_vmbus"
echo 1 >$tr/tracing_on
hvctl vmbus channels | grep "class=$echo_class" | grep ' sub=0 ' |
	grep -q -v state=rescinded || hvctl vmbus add echo >/dev/null
modprobe hvg_vmbus_test || r="$r; modprobe hvg_vmbus_test failed"
wait_for 30 '[ -n "$(echo_dev)" ]' || r="$r; no echo device bound"
r="$r$(t "inband 1")"
dev=$(echo_dev)
relid=$(cat "$dev/id" 2>/dev/null)
cpu=$(cat "$dev/channels/$relid/cpu" 2>/dev/null)
echo $((1 - ${cpu:-0})) >"$dev/channels/$relid/cpu" ||
	r="$r; moving channel $relid off CPU $cpu failed"
rmmod hvg_vmbus_test || r="$r; rmmod hvg_vmbus_test failed"
result "echo channel opened, used, moved to another CPU and closed with tracing on" "$r"

added=$(hvctl vmbus add echo | sed -n 's/^relid=\([0-9]*\).*/\1/p')
wait_for 30 "ls /sys/bus/vmbus/devices/*/id | xargs cat | grep -qx '$added'" ||
	echo "# relid $added never appeared in the guest"
hvctl vmbus rescind "$added" >/dev/null
wait_for 30 "! hvctl vmbus channels | grep -q '^relid=$added '" ||
	echo "# hvhost still has relid $added"
echo 0 >$tr/tracing_on

m=$(missing send 5 7 8 9 11 13 22)
result "sent messages traced (open, close, GPADL header, body and teardown, relid released, modify channel)" \
	"${m:+not traced:$m}"
m=$(missing recv 1 2 6 10 12 24)
result "received messages traced (offer, rescind, open result, GPADL created and torn down, modify response)" \
	"${m:+not traced:$m}"

echo 0 >$tr/events/hvg_vmbus/enable
echo >$tr/trace
result "no kernel warning" "$(dmesg_bad)"
