#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Rescind racing the driver: open/close churn, a single close, driver
# unbind (rmmod), and probe of a just hot-added device. Each time the
# device goes, hvhost gets RELID_RELEASED and keeps no channel or GPADL
# for the relid, the test module reports no unexpected error, and nothing
# hangs (every wait below is bounded) or splats.
. ../vmbus/lib.inc
# lib.inc's host_has_relid greps -q: when the relid is there grep exits
# early, hvctl dies of SIGPIPE and leaves its lock, and every later hvctl
# fails. This reads the whole answer.
has_relid() { [ -n "$(host_chan "$1" relid)" ]; }
ROUNDS=${ROUNDS:-8}
echo "1..6"

# gone RELID REL0: the device of RELID is gone and hvhost released it
gone() {
	wait_for 60 "! ls /sys/bus/vmbus/devices/*/channels/$1 >/dev/null 2>&1" ||
		echo "relid $1: still in sysfs"
	wait_for 30 "! has_relid $1" || echo "relid $1: hvhost still has it ($(hvctl vmbus channels | grep "^relid=$1 "))"
	[ "$(host_gpadls_of "$1")" = 0 ] || echo "relid $1: hvhost keeps $(host_gpadls_of "$1") GPADLs"
	[ "$(host_stat relids_released)" -gt "$2" ] || echo "relid $1: relids_released stayed $2"
}

# bound: an echo device offered and bound, its relid printed
bound() {
	modprobe hvg_vmbus_test
	hvctl vmbus channels | grep "class=$echo_class" | grep ' sub=0 ' |
		grep -q -v state=rescinded || hvctl vmbus add echo >/dev/null
	wait_for 30 '[ -n "$(echo_dev)" ]' && cat "$(echo_dev)/id"
}

# race KIND ROUND: one rescind against KIND; prints what went wrong
race() {
	relid=$(bound)
	[ -n "$relid" ] || { echo "round $2: no echo device bound"; return; }
	rel0=$(host_stat relids_released)
	case $1 in
	churn)	echo "churn 100000" >"$run" & ;;
	close)	echo close >"$run" & ;;
	rmmod)	rmmod hvg_vmbus_test & ;;
	esac
	bg=$!
	usleep $(( ($2 * 37) % 5 * 20000 ))	# land at different points
	hvctl vmbus rescind "$relid" >/dev/null || echo "round $2: rescind $relid failed"
	i=0
	while kill -0 "$bg" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 600 ] || { echo "round $2: $1 still running after 60 s"; return; }
		usleep 100000
	done
	wait "$bg"
	gone "$relid" "$rel0" | sed "s/^/round $2: /"
	if [ "$1" != rmmod ]; then
		r=$(cat "$run")
		case $r in pass | "fail: no echo device bound") ;; *) echo "round $2: $1: $r" ;; esac
	fi
}

echo_setup >/dev/null
for kind in churn close rmmod; do
	r=
	k=0
	while [ $k -lt "$ROUNDS" ]; do
		k=$((k + 1))
		r="$r$(race $kind $k)"
	done
	case $kind in
	churn) d="open/close churn" ;;
	close) d="a close" ;;
	rmmod) d="rmmod of the driver" ;;
	esac
	result "$ROUNDS rescinds racing $d: device gone, relid released, no channel or GPADL left on hvhost" "$r"
done

# Rescind right behind the offer: racing device add, probe and open.
r=
modprobe hvg_vmbus_test
k=0
while [ $k -lt "$ROUNDS" ]; do
	k=$((k + 1))
	rel0=$(host_stat relids_released)
	relid=$(hvctl vmbus add echo | sed -n 's/^relid=\([0-9]*\).*/\1/p')
	[ -n "$relid" ] || { r="$r; round $k: add failed"; continue; }
	usleep $(( (k % 4) * 30000 ))
	hvctl vmbus rescind "$relid" >/dev/null || r="$r; round $k: rescind $relid failed"
	r="$r$(gone "$relid" "$rel0" | sed "s/^/; round $k: /")"
done
result "$ROUNDS rescinds racing offer, probe and open of a hot-added device" "$r"

r=
[ "$(host open)" = 0 ] || r="hvhost: open=$(host open)"
[ "$(host gpadls)" = 0 ] || r="$r; hvhost: gpadls=$(host gpadls)"
# An answer the host sends after a rescind ended its wait (GPADL_TORNDOWN,
# OPENCHANNEL_RESULT, GPADL_CREATED) is expected: counted, not logged.
late=$(cat /sys/kernel/debug/hvg_vmbus/late_answers 2>/dev/null)
echo "# answers after a rescind ended their wait: ${late:-?}"
u=$(dmesg | grep 'hvg_vmbus: unexpected message')
[ -z "$u" ] || r="$r; $u"
modprobe -r hvg_vmbus_test hvg_vmbus || r="$r; modprobe -r failed"
result "after the races hvhost has no open channel and no GPADL, no answer was unexpected; modules unload" "$r"
result "no kernel warning" "$(dmesg_bad)"
