#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# hvg_timesync against hvhost's timesync device (emu lane), TAP: a guest
# clock set to 2001 is stepped to host time at load; a host clock shift
# with a SYNC moves it by the shift; the PTP clock "hyperv" reads host
# time; step=0 leaves the clock alone while the PTP clock tracks; service
# versions 1.0, 3.0, 4.0; chronyd selects the PTP clock; unload/reload;
# malformed IC messages survived.
#
# Host time is read from hvhost (`timesync show`: host_time_ns), never
# from the guest. A guest clock C is compared with it honestly: C is read
# just before the request goes out and just after the answer is in, so the
# host read happened inside [c0, c1] on C; C agrees with the host within
# TOL if the host time lies in [c0 - TOL, c1 + TOL]. The narrowest of
# three brackets is used, and its width is printed.
stats=/sys/kernel/debug/hvg_timesync/stats
dev=${HVCTL_DEV:-/dev/ttyS2}
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
# busybox sh runs its own date applet, which has no %N: name the file.
wall_ns() { /usr/bin/date +%s%N; }
ptp_ns() {
	phc_ctl -q "$ptp" get 2>/dev/null |
		sed -n 's/.*clock time is \([0-9]*\)\.\([0-9]\{9\}\).*/\1\2/p'
}

# wait_for SECONDS CMD: until CMD succeeds, bounded
wait_for() {
	i=0
	while ! eval "$2" >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt $(($1 * 10)) ] || return 1
		usleep 100000
	done
}

# host_read READER: one bracketed read of host_time_ns, speaking hvctl's
# protocol directly so the bracket holds only the round trip (hvctl's own
# start-up and stale-answer drain would widen it). Sets c0 c1 h.
host_read() {
	until mkdir /tmp/.hvctl.lock 2>/dev/null; do usleep 10000; done
	stty -F "$dev" raw -echo
	exec 4<>"$dev"
	while read -r -t 0.1 _ <&4; do :; done
	c0=$($1)
	echo "timesync show" >&4
	h=
	while IFS= read -r -t 10 line <&4; do
		line=$(echo "$line" | tr -d '\r')
		[ "$line" = . ] && break
		h=$(echo "$line" | tr ' ' '\n' | sed -n 's/^host_time_ns=//p')
	done
	c1=$($1)
	exec 4<&-
	rmdir /tmp/.hvctl.lock
}

# near READER TOL_MS: the clock READER prints agrees with host time within
# TOL_MS; err says why not, info gives the offset seen.
near() {
	best=
	for _ in 1 2 3; do
		host_read "$1"
		[ -n "$h" ] && [ -n "$c0" ] && [ -n "$c1" ] || continue
		if [ -z "$best" ] || [ $((c1 - c0)) -lt "$best" ]; then
			best=$((c1 - c0)) lo=$c0 hi=$c1 hh=$h
		fi
	done
	[ -n "$best" ] || { err="no reading (host '$h', clock '$c0' '$c1')"; return 1; }
	tol=$(($2 * 1000000))
	mid=$(((lo + hi) / 2))
	info="$1 - host = $(((mid - hh) / 1000000)) ms at the bracket's middle, bracket $((best / 1000000)) ms"
	err=
	if [ "$hh" -lt $((lo - tol)) ]; then
		err="$1 ahead of the host: $info"
	elif [ "$hh" -gt $((hi + tol)) ]; then
		err="$1 behind the host: $info"
	fi
	echo "# $info"
	[ -z "$err" ]
}

# wall_up: w = the wall clock (ns), u = the uptime (ms) at the same moment,
# uw = the uncertainty (ms): the wall clock is read (busybox adjtimex: no
# exec) between two builtin reads of /proc/uptime, u is their mean.
wall_up() {
	read -r ua _ </proc/uptime
	w=$(busybox adjtimex | awk '/tv_sec/ { s = $2 } /tv_usec/ { u = $2 }
		END { printf "%d%06d000", s, u }')
	read -r ub _ </proc/uptime
	ua=${ua%.*}${ua#*.} ub=${ub%.*}${ub#*.}
	u=$(((ua + ub) * 5)) uw=$(((ub - ua) * 5 + 10))
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

if ! hvctl timesync show >/dev/null 2>&1; then
	skip "timesync" "hvhost has no timesync device"
	exit 0
fi

modprobe -r hvg_timesync 2>/dev/null
date -s @978307200 >/dev/null	# 2001-01-01
r=
load || r="hvg_timesync did not load or got no sample: $(cat $stats 2>/dev/null | tr '\n' ' ')"
[ "$(stat steps)" -ge 1 ] || r="$r no step made (stats: $(cat $stats | tr '\n' ' '))"
result "hvg_timesync loads, negotiates and steps the clock" "$r"
near wall_ns 100
result "clock set to 2001 before load is within 100 ms of host time" "$err"
result "service version 4.0 with hvhost's default offer" \
	"$([ "$(stat service_version)" = 4.0 ] || echo "service_version=$(stat service_version)")"

ptp=$(find_ptp)
result "PTP clock named hyperv registered" "$([ -c "$ptp" ] || echo 'no /sys/class/ptp/*/clock_name = hyperv')"
near ptp_ns 50
result "PTP clock reads within 50 ms of host time" "$err"
# phc_ctl exits 0 either way: its message tells.
r=
for c in "set 0" "adj 1"; do
	phc_ctl -q "$ptp" $c 2>&1 | grep -q "Operation not supported" ||
		r="$r '$c' not refused with EOPNOTSUPP: $(phc_ctl -q "$ptp" $c 2>&1)"
done
result "PTP settime and adjtime refused" "$r"

# +1 h: the jump is the wall clock's advance less the elapsed monotonic
# time (/proc/uptime, 10 ms resolution). A SYNC just before starts it
# from host time: the guest's clock drifts between SYNCs (under TCG its
# rate is only as good as its TSC calibration), which is not the jump.
steps=$(stat steps)
hvctl timesync sync >/dev/null
wait_for 20 "[ \"\$(stat steps)\" -gt $steps ]"
steps=$(stat steps)
wall_up
w0=$w u0=$u uw0=$uw
r=
out=$(hvctl timesync shift 3600 2>&1 && hvctl timesync sync 2>&1) || r="hvctl: $out"
wait_for 20 "[ \"\$(stat steps)\" -gt $steps ]" || r="$r no step after the SYNC"
wall_up
jump=$(((w - w0) / 1000000 - (u - u0)))
tol=$((100 + uw0 + uw))
echo "# clock moved by $jump ms beyond elapsed time (measured to +- $((uw0 + uw)) ms)"
[ $jump -ge $((3600000 - tol)) ] && [ $jump -le $((3600000 + tol)) ] ||
	r="$r moved by $jump ms, not 3600000 +- 100 (+- $((uw0 + uw)) ms measurement)"
result "host shift +1 h with SYNC moves the guest clock by 1 h +- 100 ms" "$r"
near wall_ns 100
result "after the shift the clock is within 100 ms of host time" "$err"
near ptp_ns 50
result "after the shift the PTP clock is within 50 ms of host time" "$err"
hvctl timesync shift -3600 >/dev/null && hvctl timesync sync >/dev/null
wait_for 20 "[ \"\$(stat steps)\" -gt $((steps + 1)) ]"

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
result "step=0: SYNC leaves the clock alone" "$r"
ptp=$(find_ptp)
near ptp_ns 50
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
	near wall_ns 100 || r="$r $err"
	result "service version $v: negotiated, clock stepped within 100 ms" "$r"
	modprobe -r hvg_timesync
done
hvctl timesync version all >/dev/null

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
# console), counted, and timesync still works afterwards.
cases=$(hvctl timesync inject 2>&1 | sed -n 's/.*(\(.*\)).*/\1/p')
if [ -z "$cases" ]; then
	skip "malformed IC messages survived" "hvhost offers no timesync inject"
else
	r=
	bad0=$(($(stat ic_malformed) + $(stat bad_samples) + $(stat ic_no_match)))
	for c in $cases; do
		hvctl timesync inject "$c" >/dev/null || r="$r inject $c failed"
	done
	usleep 500000
	bad1=$(($(stat ic_malformed) + $(stat bad_samples) + $(stat ic_no_match)))
	echo "# $((bad1 - bad0)) of $(echo $cases | wc -w) injected messages refused"
	[ $bad1 -gt $bad0 ] || r="$r none refused"
	date -s @978307200 >/dev/null
	steps=$(stat steps)
	hvctl timesync sync >/dev/null || r="$r sync failed"
	wait_for 10 "[ \"\$(stat steps)\" -gt $steps ]" || r="$r no step after injection"
	near wall_ns 100 || r="$r $err"
	[ "$(host last_bad)" = none ] || r="$r host saw a bad answer: $(host last_bad)"
	result "malformed IC messages survived; timesync works after them" "$r"
fi

modprobe -r hvg_timesync || nok "final unload"
echo "1..$n"
