#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# hvg_timesync against hvhost's timesync device (emu lane), TAP: a guest
# clock set to 2001 is stepped to host time at load; a host clock shift
# with a SYNC moves it by the shift; the PTP clock "hyperv" reads host
# time; step=0 leaves the clock alone while the PTP clock tracks; service
# versions 1.0, 3.0, 4.0 (highest common, whatever order hvhost lists
# them in); a SYNC delayed in flight is compensated from 4.0 on; a SAMPLE
# does not step; the offset statistic; PTP frequency adjustment refused;
# SAMPLEs every 5 s by default; chronyd selects the PTP clock;
# unload/reload; each malformed IC message refused and counted once.
#
# Host time is read from hvhost, never from the guest: hvg_timesync_probe
# (probe.c) asks hvhost's test service for the timesync device's host
# clock over one mailbox round trip, brackets that by two CLOCK_REALTIME
# reads in the kernel with interrupts off, and prints the narrowest of 16
# brackets: offset_ns = guest - host is exact to +- bracket_ns / 2. A
# check fails, rather than passes, when the bracket is wider than
# MAX_BRACKET_MS: too wide to judge its tolerance.
stats=/sys/kernel/debug/hvg_timesync/stats
probes=/sys/kernel/debug/hvg_timesync_probe
MAX_BRACKET_MS=20
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() {
	n=$((n + 1))
	echo "not ok $n - $1"
	[ -z "$2" ] || echo "$2" | sed 's/^/# /'
}
result() { if [ -z "$2" ]; then ok "$1"; else nok "$1" "$2"; fi; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

host() { hvctl timesync show | tr ' ' '\n' | sed -n "s/^$1=//p"; }
stat() { sed -n "s/^$1=//p" "$stats" 2>/dev/null; }
abs() { if [ "$1" -lt 0 ]; then echo $((-$1)); else echo "$1"; fi; }
us() { echo "$(($1 / 1000)) us"; }

# wait_for SECONDS CMD: until CMD succeeds, bounded
wait_for() {
	i=0
	while ! eval "$2" >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt $(($1 * 10)) ] || return 1
		usleep 100000
	done
}

# probe: off (guest wall clock - host, ns), br (bracket, ns), rm
# (CLOCK_REALTIME - CLOCK_MONOTONIC, ns); false with err set when there
# is no usable reading.
probe() {
	out=$(cat $probes/probe 2>&1)
	off=$(echo "$out" | sed -n 's/^offset_ns=//p')
	br=$(echo "$out" | sed -n 's/^bracket_ns=//p')
	rm=$(echo "$out" | sed -n 's/^real_mono_ns=//p')
	err=
	if [ -z "$off" ] || [ -z "$br" ] || [ -z "$rm" ]; then
		err="no host time probe: $(echo $out)"
	elif [ "$br" -gt $((MAX_BRACKET_MS * 1000000)) ]; then
		err="probe bracket $(us "$br") > $MAX_BRACKET_MS ms: too wide to judge"
	fi
	[ -z "$err" ]
}

# wall_near TOL_MS: the guest's wall clock is within TOL_MS of host time.
wall_near() {
	probe || return 1
	echo "# wall clock - host = $(us "$off") (bracket $(us "$br"))"
	[ "$(abs "$off")" -lt $(($1 * 1000000)) ] ||
		err="wall clock - host = $(us "$off"), not within $1 ms (bracket $(us "$br"))"
	[ -z "$err" ]
}

# ptp_near TOL_MS: the PTP clock $ptp is within TOL_MS of host time. The
# guest's wall clock links the two: phc_ctl cmp measures wall - PHC in the
# kernel (PTP_SYS_OFFSET*, the narrowest of 9 brackets), the probe wall -
# host just before and after; PHC - host = (wall - host) - (wall - PHC).
# The two probes must agree within 1 ms: the link did not move between.
ptp_near() {
	probe || return 1
	off0=$off br0=$br
	cmp=$(phc_ctl -q "$ptp" cmp 2>&1 |
		sed -n 's/.*offset from CLOCK_REALTIME is \(-\{0,1\}[0-9]*\)ns.*/\1/p')
	probe || return 1
	[ -n "$cmp" ] || { err="phc_ctl $ptp cmp: $(phc_ctl -q "$ptp" cmp 2>&1)"; return 1; }
	d=$(((off0 + off) / 2 - cmp))
	echo "# PTP - host = $(us "$d") (wall - PTP $(us "$cmp"); wall - host $(us "$off0"), $(us "$off"); brackets $(us "$br0"), $(us "$br"))"
	if [ "$(abs $((off - off0)))" -gt 1000000 ]; then
		err="wall - host moved by $(us $((off - off0))) between the probes"
	elif [ "$(abs "$d")" -ge $(($1 * 1000000)) ]; then
		err="PTP clock - host = $(us "$d"), not within $1 ms"
	fi
	[ -z "$err" ]
}

find_ptp() {
	for d in /sys/class/ptp/ptp*; do
		[ "$(cat "$d/clock_name" 2>/dev/null)" = hyperv ] &&
			echo "/dev/${d##*/}" && return
	done
}

load() {	# load [PARAMS]: load, wait for a negotiated channel and a sample
	modprobe hvg_timesync "$@" || return 1
	wait_for 20 '[ "$(stat samples)" -ge 1 ]'
}

# delayed_sync VERSION: a SYNC stamped 500 ms before it is sent, as one
# delayed in flight. From 4.0 its reference time dates it: the guest adds
# the 500 ms and lands on host time. Before 4.0 nothing dates it: the
# guest, as upstream's hv_util (adj_guesttime with the receipt's own
# reference time), takes it as sent on receipt and lands 500 ms behind.
delayed_sync() {
	r=
	hvctl timesync interval 0 >/dev/null	# no SAMPLE takes the delay
	steps=$(stat steps)
	out=$(hvctl timesync delay 500 2>&1 && hvctl timesync sync 2>&1)
	echo "$out" | grep -q 'flags=sync .* delay_ns=500000000' ||
		r="SYNC not sent with the delay: $(echo $out)"
	wait_for 20 "[ \"\$(stat steps)\" -gt $steps ]" || r="$r no step"
	probe || r="$r $err"
	d=$(stat last_delay_ns)
	echo "# $1: delayed SYNC: wall - host $(us "${off:-0}"), last_delay_ns=$d"
	if [ "$1" = 4.0 ]; then
		[ "$(abs "${off:-999999999}")" -lt 100000000 ] ||
			r="$r wall - host $(us "${off:-0}"), not within 100 ms"
		[ "$(abs $((d - 500000000)))" -lt 50000000 ] ||
			r="$r last_delay_ns=$d, not 500 ms +- 50 ms"
		what="compensated: clock within 100 ms of host, last_delay_ns 500 ms +- 50 ms"
	else
		[ "$(abs $((${off:-0} + 500000000)))" -lt 100000000 ] ||
			r="$r wall - host $(us "${off:-0}"), not -500 ms +- 100 ms"
		[ "$d" = 0 ] || r="$r last_delay_ns=$d, not 0"
		what="not dated (as upstream): clock 500 ms +- 100 ms behind, last_delay_ns 0"
	fi
	hvctl timesync interval 5 >/dev/null
	result "service version $1: SYNC delayed 500 ms in flight $what" "$r"
}

if ! hvctl timesync show >/dev/null 2>&1; then
	skip "timesync" "hvhost has no timesync device"
	exit 0
fi

# The probe itself: hvhost answers, fast enough to judge by, and refuses
# what its test service does not offer (EPROTO), with result 0.
r=
modprobe hvg_timesync_probe || r="modprobe hvg_timesync_probe failed"
probe || r="$r $err"
echo "# host time probe: bracket $(us "${br:-0}")"
refused=$(cat $probes/refused 2>&1)
echo "$refused" | sed 's/^/# /'
[ "$(echo "$refused" | grep -c '=-71 result=0$')" = 2 ] ||
	r="$r malformed requests not refused: $(echo $refused)"
probe || r="$r after the malformed requests: $err"
result "host time probe: bracket <= $MAX_BRACKET_MS ms; unknown request and bad argument refused" "$r"

modprobe -r hvg_timesync 2>/dev/null
date -s @978307200 >/dev/null	# 2001-01-01
r=
load || r="hvg_timesync did not load or got no sample: $(cat $stats 2>/dev/null | tr '\n' ' ')"
[ "$(stat steps)" -ge 1 ] || r="$r no step made (stats: $(cat $stats | tr '\n' ' '))"
result "hvg_timesync loads, negotiates and steps the clock" "$r"
wall_near 100
result "clock set to 2001 before load is within 100 ms of host time" "$err"
# hvhost offers framework 3.0,1.0 and service 4.0,3.0,1.0: the highest
# common pair is 3.0/4.0, on both sides.
r=
for k in framework_version service_version; do
	echo "# guest $k=$(stat $k)"
done
[ "$(stat framework_version)" = 3.0 ] || r="framework_version=$(stat framework_version)"
[ "$(stat service_version)" = 4.0 ] || r="$r service_version=$(stat service_version)"
[ "$(host framework)" = 3.0 ] && [ "$(host version)" = 4.0 ] ||
	r="$r host says framework=$(host framework) version=$(host version)"
result "framework 3.0, service 4.0 with hvhost's default offer" "$r"

ptp=$(find_ptp)
result "PTP clock named hyperv registered" "$([ -c "$ptp" ] || echo 'no /sys/class/ptp/*/clock_name = hyperv')"
ptp_near 50
result "PTP clock reads within 50 ms of host time" "$err"
# phc_ctl exits 0 either way: its message tells.
r=
for c in "set 0" "adj 1" "freq 0"; do
	phc_ctl -q "$ptp" $c 2>&1 | grep -q "Operation not supported" ||
		r="$r '$c' not refused with EOPNOTSUPP: $(phc_ctl -q "$ptp" $c 2>&1)"
done
# A non-zero frequency stops in the PTP core, as upstream's (max_adj 0).
phc_ctl -q "$ptp" freq 100 2>&1 | grep -q "Numerical result out of range" ||
	r="$r 'freq 100' not refused with ERANGE: $(phc_ctl -q "$ptp" freq 100 2>&1)"
result "PTP settime, adjtime and frequency adjustment refused" "$r"

# hvhost's default SAMPLE interval is 5 s: over 10 s the guest counts
# about 2 samples (1 to 3: the window's edges and a slow guest).
r=
[ "$(host interval_ms)" = 5000 ] || r="host interval_ms=$(host interval_ms)"
s0=$(stat samples) h0=$(host samples_sent)
sleep 10
s1=$(stat samples) h1=$(host samples_sent)
echo "# in 10 s: guest samples +$((s1 - s0)), host samples_sent +$((h1 - h0))"
[ $((s1 - s0)) -ge 1 ] && [ $((s1 - s0)) -le 3 ] ||
	r="$r guest samples +$((s1 - s0)) in 10 s, not 1..3"
[ $((h1 - h0)) -ge 1 ] && [ $((h1 - h0)) -le 3 ] ||
	r="$r host samples_sent +$((h1 - h0)) in 10 s, not 1..3"
result "default SAMPLE interval 5 s: 1..3 samples in 10 s" "$r"

# +1 h: the jump is the change of CLOCK_REALTIME - CLOCK_MONOTONIC (exact:
# a step moves it, elapsed time does not), and the guest's wall clock must
# follow the host's shift: wall - host before and after stay within 100 ms
# of each other. A SYNC just before starts it from host time: the guest's
# clock drifts between SYNCs (under TCG its rate is only as good as its
# TSC calibration), which is not the jump. No periodic SAMPLE meanwhile:
# it would overwrite the SYNC's last_offset_ns.
hvctl timesync interval 0 >/dev/null
steps=$(stat steps)
hvctl timesync sync >/dev/null
wait_for 20 "[ \"\$(stat steps)\" -gt $steps ]"
steps=$(stat steps)
r=
probe || r="before: $err"
rm0=$rm off0=$off
out=$(hvctl timesync shift 3600 2>&1 && hvctl timesync sync 2>&1) || r="$r hvctl: $out"
wait_for 20 "[ \"\$(stat steps)\" -gt $steps ]" || r="$r no step after the SYNC"
probe || r="$r after: $err"
jump=$((rm - rm0))
echo "# wall clock stepped by $(us "$jump") (3600 s = 3600000000 us); wall - host $(us "$off0") before, $(us "$off") after"
[ "$(abs $((jump - 3600000000000)))" -lt 100000000 ] ||
	r="$r stepped by $(us "$jump"), not 3600 s +- 100 ms"
[ "$(abs $((off - off0)))" -lt 100000000 ] ||
	r="$r wall - host went from $(us "$off0") to $(us "$off")"
result "host shift +1 h with SYNC moves the guest clock by 1 h +- 100 ms" "$r"
lo=$(stat last_offset_ns)
echo "# last_offset_ns=$lo"
[ "$(abs $((lo - 3600000000000)))" -lt 100000000 ]
result "last_offset_ns after the +1 h SYNC is 3600 s +- 100 ms" \
	"$([ $? = 0 ] || echo "last_offset_ns=$lo")"
hvctl timesync interval 5 >/dev/null
wall_near 100
result "after the shift the clock is within 100 ms of host time" "$err"
ptp_near 50
result "after the shift the PTP clock is within 50 ms of host time" "$err"
hvctl timesync shift 0 >/dev/null && hvctl timesync sync >/dev/null
wait_for 20 "[ \"\$(stat steps)\" -gt $((steps + 1)) ]"

# A SAMPLE does not step, with step=1: after a +10 s host shift and a
# SAMPLE the wall clock is 10 s behind host time, the PTP clock is not.
steps=$(stat steps) samples=$(stat samples)
r=
probe || r="before: $err"
off0=$off
out=$(hvctl timesync shift 10 2>&1 && hvctl timesync sample 2>&1) || r="$r hvctl: $out"
wait_for 10 "[ \"\$(stat samples)\" -gt $samples ]" || r="$r SAMPLE not seen"
usleep 500000	# time for a wrong step to happen
[ "$(stat steps)" = "$steps" ] || r="$r steps $steps -> $(stat steps)"
probe || r="$r after: $err"
echo "# wall - host $(us "$off0") before, $(us "$off") after the +10 s SAMPLE; last_offset_ns=$(stat last_offset_ns)"
[ "$(abs $((off - off0 + 10000000000)))" -lt 100000000 ] ||
	r="$r wall - host went from $(us "$off0") to $(us "$off"), not -10 s +- 100 ms"
ptp_near 50 || r="$r $err"
result "SAMPLE after a +10 s host shift: no step, wall - host -10 s, PTP clock on host time" "$r"
hvctl timesync shift 0 >/dev/null && hvctl timesync sync >/dev/null
wait_for 20 "[ \"\$(stat steps)\" -gt $steps ]"

# step=0: SYNC leaves the clock at 2001; the PTP clock still tracks.
modprobe -r hvg_timesync
date -s @978307200 >/dev/null
r=
load step=0 || r="no sample with step=0"
hvctl timesync sync >/dev/null || r="$r hvctl timesync sync failed"
wait_for 10 '[ "$(stat syncs)" -ge 2 ]' || r="$r second SYNC not seen"
now=$(date +%s)
[ "$now" -lt 1000000000 ] || r="$r clock moved to $now"
[ "$(stat steps)" = 0 ] || r="$r steps=$(stat steps)"
probe && [ "$off" -lt -$((25 * 365 * 86400))000000000 ] ||
	r="$r wall - host = ${off:-?} ns: not left 25 years behind ($err)"
lo=$(stat last_offset_ns)
echo "# step=0: last_offset_ns=$lo"
[ "$lo" -gt $((25 * 365 * 86400))000000000 ] ||
	r="$r last_offset_ns=$lo, not > 25 years"
result "step=0: SYNC leaves the clock alone; last_offset_ns > 25 years" "$r"
ptp=$(find_ptp)
ptp_near 50
result "step=0: PTP clock still within 50 ms of host time" "$err"
modprobe -r hvg_timesync

# Service versions as the host offers them: each reload renegotiates.
for v in 1.0 3.0 4.0; do
	r=
	hvctl timesync version "$v" >/dev/null || r="hvctl timesync version $v failed"
	date -s @978307200 >/dev/null
	load || r="$r no sample"
	[ "$(stat service_version)" = "$v" ] || r="$r service_version=$(stat service_version)"
	[ "$(host version)" = "$v" ] || r="$r host says version=$(host version)"
	wall_near 100 || r="$r $err"
	result "service version $v: negotiated, clock stepped within 100 ms" "$r"
	delayed_sync "$v"
	modprobe -r hvg_timesync
done
hvctl timesync version all >/dev/null

# Highest common, not first listed: hvhost lists oldest first, the guest
# still picks framework 3.0 and service 4.0.
r=
out=$(hvctl timesync order oldest-first 2>&1) || r="hvctl: $out"
echo "$out" | grep -q ' offered=1.0,3.0,4.0 ' || r="$r host offers: $out"
load || r="$r no sample"
[ "$(stat framework_version)" = 3.0 ] || r="$r framework_version=$(stat framework_version)"
[ "$(stat service_version)" = 4.0 ] || r="$r service_version=$(stat service_version)"
[ "$(host framework)" = 3.0 ] && [ "$(host version)" = 4.0 ] ||
	r="$r host says framework=$(host framework) version=$(host version)"
result "versions listed oldest first: framework 3.0, service 4.0 chosen" "$r"
hvctl timesync order newest-first >/dev/null
modprobe -r hvg_timesync

# Unload/reload: the PTP clock goes and comes back, the host sees the
# channel closed and reopened, the clock is synced again.
r=
[ -z "$(find_ptp)" ] || r="PTP clock left after unload"
[ "$(host state)" = closed ] || r="$r host state $(host state) after unload"
load || r="$r reload: no sample"
ptp=$(find_ptp)
[ -c "$ptp" ] || r="$r no PTP clock after reload"
[ "$(host state)" = ready ] || r="$r host state $(host state) after reload"
result "unload and reload" "$r"

# chronyd from Debian with refclock PHC on the device selects it.
mkdir -p -m 750 /run/chrony
cat >/tmp/chrony.conf <<EOF
refclock PHC $ptp poll 0 dpoll -2
pidfile /run/chrony/chronyd.pid
cmdport 0
EOF
r=
chronyd -f /tmp/chrony.conf -u root -l /tmp/chronyd.log || r="chronyd did not start"
wait_for 60 'chronyc -n sources 2>/dev/null | grep -q "^#\*"' ||
	r="$r not selected: $(chronyc -n sources 2>&1 | tail -n 2) $(tail -n 3 /tmp/chronyd.log)"
echo "$(chronyc -n sources 2>&1)" | sed 's/^/# /'
result "chronyd selects the PTP clock (refclock PHC) as its source" "$r"
kill "$(cat /run/chrony/chronyd.pid 2>/dev/null)" 2>/dev/null
wait_for 10 '! [ -e /run/chrony/chronyd.pid ]'

# Malformed IC messages: each is survived (no oops: the runner checks the
# console) and refused, counted once by the counter for its kind; then a
# SYNC still steps the clock. ts-flags (neither SYNC nor SAMPLE set) is
# well-formed and answered S_OK but not used, as upstream (which steps on
# SYNC only): accepted by design, no counter moves.
expect() {
	case $1 in
	short-pipe | short-header | pipe-msgsize | ic-msgsize) echo ic_malformed ;;
	negotiate-count | negotiate-svc-count | negotiate-overflow) echo ic_malformed ;;
	ic-flags | msg-version) echo ic_malformed ;;
	negotiate-fw-zero) echo ic_no_match ;;
	unknown-msgtype | short-body | time-*) echo bad_samples ;;
	ts-flags) echo none ;;
	*) echo unknown ;;
	esac
}
bad() { echo $(($(stat ic_malformed) + $(stat bad_samples) + $(stat ic_no_match))); }
cases=$(hvctl timesync inject 2>&1 | sed -n 's/.*(\(.*\)).*/\1/p')
if [ -z "$cases" ]; then
	skip "malformed IC messages refused" "hvhost offers no timesync inject"
else
	# No periodic SAMPLE meanwhile: each case must be the only message.
	hvctl timesync interval 0 >/dev/null
	for c in $cases; do
		r=
		k=$(expect "$c")
		[ "$k" != unknown ] || r="no expectation for case $c"
		b0=$(bad) m0=$(stat ic_messages) a0=$(host inject_responses)
		k0=0
		[ "$k" = none ] || [ "$k" = unknown ] || k0=$(stat "$k")
		out=$(hvctl timesync inject "$c" 2>&1) || r="$r inject: $out"
		# Seen: counted, or answered (the guest answers what it parses).
		wait_for 5 "[ \$(bad) -gt $b0 ] || [ \$(host inject_responses) -gt $a0 ]" ||
			r="$r not seen by the guest"
		usleep 200000	# a second count would show by now
		db=$(($(bad) - b0))
		echo "# $c: bad +$db, ic_messages +$(($(stat ic_messages) - m0)), answered +$(($(host inject_responses) - a0))"
		if [ "$k" = none ]; then
			[ "$db" = 0 ] || r="$r counted as bad (+$db)"
			[ $(($(stat ic_messages) - m0)) = 1 ] || r="$r not handled once"
			[ $(($(host inject_responses) - a0)) = 1 ] || r="$r not answered"
			result "malformed IC message $c: accepted by design (answered, ignored)" "$r"
		else
			[ "$db" = 1 ] || r="$r bad counters +$db, not +1"
			[ "$k" = unknown ] || [ $(($(stat "$k") - k0)) = 1 ] ||
				r="$r $k +$(($(stat "$k") - k0)), not +1"
			result "malformed IC message $c: refused, $k +1" "$r"
		fi
	done
	hvctl timesync interval 5 >/dev/null
	r=
	date -s @978307200 >/dev/null
	steps=$(stat steps)
	hvctl timesync sync >/dev/null || r="$r sync failed"
	wait_for 10 "[ \"\$(stat steps)\" -gt $steps ]" || r="$r no step after injection"
	wall_near 100 || r="$r $err"
	[ "$(host last_bad)" = none ] || r="$r host saw a bad answer: $(host last_bad)"
	[ "$(stat service_version)" = 4.0 ] || r="$r service_version=$(stat service_version)"
	result "after the malformed messages a SYNC steps the clock within 100 ms" "$r"
fi

# rmmod: modprobe -r would also try hvg_hvcall, which hvg_vmbus still uses.
out=$(rmmod hvg_timesync_probe 2>&1) || nok "probe unload" "$out"
out=$(modprobe -r hvg_timesync 2>&1) ||
	nok "final unload" "$out $(lsmod | grep hvg_)"
echo "1..$n"
