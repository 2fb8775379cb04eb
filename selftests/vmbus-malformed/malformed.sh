#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# hvg_vmbus against a hostile host (DESIGN.md section 5), TAP: hvhost's
# `vmbus inject` sends malformed control messages and writes malformed
# packets and ring indices; for every case the guest drops the input with a
# ratelimited line, a packet case fails only its channel (debugfs state and
# counters say so), and the bus keeps working: an echo round trip passes
# (after reopening a failed channel). A burst of 1000 bad messages or
# completions gives at most 20 lines. The runner fails the run on any
# oops, BUG or WARNING on the console.
run=/sys/kernel/debug/hvg_vmbus_test/run
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() {
	n=$((n + 1))
	echo "not ok $n - $1"
	[ -z "$2" ] || echo "$2" | sed 's/^/# /'
}
result() { if [ -z "$2" ]; then ok "$1"; else nok "$1" "$2"; fi; }
host() { hvctl vmbus | tr ' ' '\n' | sed -n "s/^$1=//p"; }

# wait_for SECONDS CMD: until CMD succeeds, bounded
wait_for() {
	i=0
	while ! eval "$2" >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt $(($1 * 10)) ] || return 1
		usleep 100000
	done
}

# tr_run TEST: run a test of hvg_vmbus_test.ko; prints nothing on pass
tr_run() {
	if echo "$1" >"$run" 2>/dev/null; then r=$(cat "$run"); else r="cannot run $1"; fi
	[ "$r" = pass ] || echo "$1: $r"
}

echo_dev() {
	for d in /sys/bus/vmbus/devices/*; do
		[ "$(readlink "$d/driver" 2>/dev/null | sed 's,.*/,,')" = hvg_vmbus_test ] && echo "$d" && return
	done
}

# stat FIELD: the echo channel's debugfs counter or state
stat() { tr ' ' '\n' <"$dbg/stats" | sed -n "s/^$1=//p" | head -n 1; }

inject() { hvctl vmbus inject "$@" >/dev/null 2>&1 || echo "hvctl vmbus inject $* failed: $(hvctl vmbus inject "$@" 2>&1)"; }

# The bus still works: hvhost connected, the devices unchanged, an echo.
alive() {
	[ "$(host state)" = connected ] || echo "hvhost: state=$(host state)"
	[ "$(ls /sys/bus/vmbus/devices | wc -l)" = "$ndev" ] ||
		echo "$(ls /sys/bus/vmbus/devices | wc -l) devices, expected $ndev"
	tr_run "inband 1"
}

# Waits until the dmesg (since the last dmesg -c) matches PATTERN.
logged() {
	wait_for 20 "dmesg | grep -qE '$1'" || echo "no line /$1/ in dmesg"
}

# msg DESC PATTERN INJECT-ARGS...: a message case
msg() {
	desc=$1 pat=$2
	shift 2
	dmesg -c >/dev/null
	r=$(inject "$@")
	[ -n "$pat" ] && r="$r$(logged "$pat")"
	[ -z "$pat" ] && usleep 500000
	r="$r$(alive)"
	result "message: $desc: dropped, bus alive" "$r"
}

# Reopens the echo channel: close, then a test opens it again.
reopen() { tr_run close; tr_run "inband 1"; }

# pkt DESC INJECT-ARGS...: a ring corruption case: the channel fails,
# says so, and works again once reopened.
pkt() {
	desc=$1
	shift
	dmesg -c >/dev/null
	r=$(inject "$@")
	r="$r$(wait_for 20 '[ "$(stat state)" = 2 ]' || echo "channel state $(stat state), not failed (2)")"
	r="$r$(logged "relid $relid: .*channel failed")"
	echo "inband 1" >"$run" 2>/dev/null
	[ "$(cat "$run")" != pass ] || r="$r; a failed channel still echoes"
	r="$r$(reopen)"
	[ "$(stat state)" = 1 ] || r="$r; state $(stat state) after reopening"
	result "packet: $desc: channel failed with a line, works after reopening" "$r"
}

modprobe hvg_vmbus 2>/dev/null
modprobe hvg_vmbus_test
dmesg -c >/dev/null
dev=$(echo_dev)
relid=$(cat "$dev/id" 2>/dev/null)
dbg=/sys/kernel/debug/hvg_vmbus/$relid
ndev=$(ls /sys/bus/vmbus/devices | wc -l)
r=$(tr_run "inband 1")
[ -n "$dev" ] || r="no device bound to hvg_vmbus_test"
[ -r "$dbg/stats" ] || r="$r; no $dbg/stats"
[ "$ndev" = 2 ] || r="$r; $ndev devices, hvhost offers 2"
result "echo channel relid $relid open and echoing; $ndev devices" "$r"

# Control messages
for t in 1 2 6 10 12 15 24; do
	msg "type $t one byte short" "host message type $t too short" short $t
done
msg "ALLOFFERS_DELIVERED 7 bytes" "host message with bad size 7" short 4
msg "UNLOAD_RESPONSE 7 bytes" "host message with bad size 7" short 17
msg "empty message" "host message with bad size 0" short 1 0
msg "payload_size 255 in the SynIC slot" "host message with bad size 255" oversize
msg "payload_size 241 in the SynIC slot" "host message with bad size 241" oversize 241
for t in 0 25 0xffffffff; do
	msg "unknown type $t" "host message type $(printf %u $t) dropped" type $t
done
msg "guest->host type 14 from the host" "host message type 14 dropped" type 14
msg "SynIC message type 2 on the VMBus SINT" "SynIC message type 0x2 on SINT2 dropped" synic-type 2
msg "offer with relid 0" "offer with bad relid 0 dropped" offer-relid 0
msg "offer with relid 2048" "offer with bad relid 2048 dropped" offer-relid 2048
msg "offer with relid 0xffffffff" "offer with bad relid 4294967295 dropped" offer-relid 0xffffffff
msg "offer of an unknown device on relid $relid (in use)" "offer for relid $relid, already in use" offer-relid "$relid"
msg "the echo channel's offer again" "offer for relid $relid, already in use" offer-dup "$relid"
msg "the echo device's instance as a new primary" "relid 100: sub-channel index 0 with a primary" offer-dup-instance "$relid" 100
msg "subchannel offer with no primary" "relid 101: sub-channel index 1 without a primary" offer-orphan-sub 101
msg "subchannel index 65535 with no primary" "relid 102: sub-channel index 65535 without a primary" offer-orphan-sub 102 65535
msg "rescind of unknown relid 1999" "rescind of unknown relid 1999 dropped" rescind 1999
msg "rescind of relid 0" "rescind of unknown relid 0 dropped" rescind 0
msg "rescind of relid 0xffffffff" "rescind of unknown relid 4294967295 dropped" rescind 0xffffffff
msg "unsolicited OPENCHANNEL_RESULT for the open channel" "unexpected message type 6" open-result "$relid" "$relid" 0
msg "OPENCHANNEL_RESULT for unknown relid 1999" "unexpected message type 6" open-result 1999 7 0
msg "unsolicited GPADL_CREATED" "unexpected message type 10" gpadl-created "$relid" 0xe1e10 0
msg "GPADL_CREATED for unknown relid and handle" "unexpected message type 10" gpadl-created 1999 0x7777 0
msg "unsolicited GPADL_TORNDOWN" "unexpected message type 12" gpadl-torndown 0x12345
msg "unsolicited VERSION_RESPONSE" "unexpected message type 15" version-response 1 0xffffffff
msg "unsolicited UNLOAD_RESPONSE" "unexpected message type 17" unload-response
msg "unsolicited MODIFYCHANNEL_RESPONSE" "unexpected message type 24" modify-response "$relid" 0
msg "ALLOFFERS_DELIVERED twice" "" -n 2 alloffers

# An offer with garbage GUIDs and fields is a device nobody drives;
# rescinded twice, it goes, and the second rescind is dropped.
dmesg -c >/dev/null
r=$(inject offer-garbage 2000)
g=/sys/bus/vmbus/devices/a5a507d0-a5a5-a5a5-a5a5-a5a5a5a5a5a5
r="$r$(wait_for 20 "[ -d $g ]" || echo "no device $g")"
[ "$(cat $g/id 2>/dev/null)" = 2000 ] || r="$r; id $(cat $g/id 2>/dev/null), not 2000"
[ -e $g/driver ] && r="$r; a driver bound the garbage device"
r="$r$(inject -n 2 rescind 2000)"
r="$r$(wait_for 20 "[ ! -d $g ]" || echo "$g still present after rescind")"
r="$r$(logged 'rescind of unknown relid 2000 dropped')"
r="$r$(alive)"
result "message: offer with garbage GUIDs, flags, monitor id 200, connection id: unbound device, removed by a rescind, second rescind dropped" "$r"

# Packets and rings of the open echo channel
pkt "len8 1 (below the descriptor)" pkt-len8 "$relid" 1
pkt "len8 0" pkt-len8 "$relid" 0
pkt "len8 past the write index" pkt-len8 "$relid" 100
pkt "offset8 1 (inside the descriptor)" pkt-offset8 "$relid" 1
pkt "offset8 past len8" pkt-offset8 "$relid" 4
pkt "write_index at the ring size" pkt-windex-range "$relid"
pkt "write_index 0xfffffff8" pkt-windex-range "$relid" 0xfffffff8
pkt "write_index unaligned" pkt-windex-unaligned "$relid"

# read_index garbage is seen by the guest's next send.
dmesg -c >/dev/null
r=$(inject pkt-rindex "$relid")
echo "inband 1" >"$run" 2>/dev/null
[ "$(cat "$run")" != pass ] || r="$r; a send on a corrupted ring passed"
[ "$(stat state)" = 2 ] || r="$r; channel state $(stat state), not failed (2)"
r="$r$(logged "relid $relid: host corrupted the send ring: channel failed")"
r="$r$(reopen)"
result "packet: read_index garbage in the guest->host ring: the send fails, channel failed with a line, works after reopening" "$r"

# Well-formed packets with bad contents: dropped, counted, channel usable.
dmesg -c >/dev/null
b0=$(stat bad_completions)
r=$(inject pkt-comp "$relid")
r="$r$(wait_for 20 '[ "$(stat bad_completions)" -gt "$b0" ]' || echo "bad_completions stays $b0")"
r="$r$(logged "relid $relid: completion with unknown request id 0xbeef0000dead dropped")"
r="$r$(alive)"
result "packet: completion with an unknown trans_id dropped and counted" "$r"

dmesg -c >/dev/null
r=$(tr_run "gpa_sum 1")
b0=$(stat bad_completions)
r="$r$(inject pkt-comp-repeat "$relid")"
r="$r$(wait_for 20 '[ "$(stat bad_completions)" -gt "$b0" ]' || echo "bad_completions stays $b0")"
r="$r$(logged "relid $relid: completion with unknown request id")"
r="$r$(alive)"
result "packet: a completion repeated is dropped and counted" "$r"

for ty in 0 0x7f 0xffff; do
	dmesg -c >/dev/null
	b0=$(stat bad_packets)
	r=$(inject pkt-type "$relid" $ty)
	r="$r$(wait_for 20 '[ "$(stat bad_packets)" -gt "$b0" ]' || echo "bad_packets stays $b0")"
	r="$r$(logged "relid $relid: packet of unknown type dropped .type $(printf %u $ty).")"
	r="$r$(alive)"
	result "packet: unknown type $ty dropped and counted" "$r"
done

for c in 0 5 0xffffffff; do
	dmesg -c >/dev/null
	b0=$(stat bad_packets)
	r=$(inject pkt-gpa "$relid" $c)
	r="$r$(wait_for 20 '[ "$(stat bad_packets)" -gt "$b0" ]' || echo "bad_packets stays $b0")"
	r="$r$(logged "relid $relid: GPA-direct packet with bad ranges dropped")"
	r="$r$(alive)"
	result "packet: GPA-direct with range_count $c for one range dropped and counted" "$r"
done

# Transfer-page packets: range counts of none, more than the packet holds
# (it has one), and 0xffffffff are dropped; one range for one is delivered.
for c in 0 5 0xffffffff; do
	dmesg -c >/dev/null
	b0=$(stat bad_packets)
	r=$(inject pkt-xfer "$relid" $c)
	r="$r$(wait_for 20 '[ "$(stat bad_packets)" -gt "$b0" ]' || echo "bad_packets stays $b0")"
	r="$r$(logged "relid $relid: transfer-page packet with bad ranges dropped .type 7.")"
	r="$r$(alive)"
	result "packet: transfer-page with range_count $c for one range dropped and counted" "$r"
done
dmesg -c >/dev/null
b0=$(stat bad_packets) rx0=$(stat rx_packets)
r=$(inject pkt-xfer "$relid" 1)
r="$r$(alive)"	# its echo is read after the transfer-page packet
[ "$(stat bad_packets)" = "$b0" ] || r="$r; bad_packets $b0 -> $(stat bad_packets)"
[ "$(stat rx_packets)" -gt "$rx0" ] 2>/dev/null || r="$r; rx_packets stays $rx0"
dmesg | grep -q 'transfer-page' && r="$r; $(dmesg | grep transfer-page)"
result "packet: a well-formed transfer-page packet is delivered, not counted as bad" "$r"

# Ratelimiting: 1000 bad messages or completions, at most 20 lines.
burst() {	# burst DESC SENTINEL-PATTERN INJECT-ARGS...
	desc=$1 pat=$2
	shift 2
	usleep 5100000	# a fresh ratelimit interval
	dmesg -c >/dev/null
	r=$(inject -n 1000 "$@")
	r="$r$(wait_for 60 '[ "$(host backlog)" = 0 ]' || echo "hvhost backlog $(host backlog)")"
	r="$r$(inject rescind 2046)"
	r="$r$(logged "$pat")"
	lines=$(dmesg | grep -c hvg_vmbus)
	[ "$lines" -le 20 ] || r="$r; $lines lines: $(dmesg | tail -n 5)"
	r="$r$(alive)"
	result "burst: 1000 $desc: $lines lines, bus alive" "$r"
}
burst "messages of unknown type 25" "rescind of unknown relid 2046" type 25
burst "truncated offers" "rescind of unknown relid 2046" short 1
usleep 5100000
dmesg -c >/dev/null
b0=$(stat bad_completions)
r=$(inject -n 1000 pkt-comp "$relid")
r="$r$(wait_for 60 '[ "$(stat bad_completions)" -ge $((b0 + 1000)) ]' || echo "bad_completions $(stat bad_completions), expected $((b0 + 1000))")"
lines=$(dmesg | grep -c hvg_vmbus)
[ "$lines" -le 20 ] || r="$r; $lines lines: $(dmesg | tail -n 5)"
r="$r$(alive)"
result "burst: 1000 completions with unknown ids: $lines lines, all counted, bus alive" "$r"

r=
modprobe -r hvg_vmbus_test hvg_vmbus || r="modprobe -r failed"
[ "$(host open)" = 0 ] || r="$r; hvhost: open=$(host open)"
[ "$(host gpadls)" = 0 ] || r="$r; hvhost: gpadls=$(host gpadls)"
r="$r$(modprobe hvg_vmbus 2>&1)"
[ "$(ls /sys/bus/vmbus/devices | wc -l)" = "$ndev" ] || r="$r; $(ls /sys/bus/vmbus/devices | wc -l) devices after reload"
result "unload leaves hvhost with no open channel or GPADL; reload finds $ndev devices" "$r"
result "no kernel warning" "$(dmesg | grep -E 'WARNING|BUG|Oops|general protection')"
