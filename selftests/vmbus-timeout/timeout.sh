#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Every wait for the host is bounded: hvhost swallows one kind of guest
# message (`hvctl vmbus mute TYPE`), and with host_timeout_ms=2000 the
# operation waiting for its answer must fail within 5 s (more on the debug
# kernel) with a line naming the missing answer, leak what the host may
# still use, and work again once the host answers. Own VM (hvhost.args):
# the leaks stay out of other dirs.
. ../vmbus/lib.inc
echo "1..8"
T=2000		# host_timeout_ms
# centiseconds an operation may take in all: the wait and 3 s (scaled on
# the debug kernel, HVG_SLOWDOWN) for the rest
BOUND=$((T / 10 + 300 * ${HVG_SLOWDOWN:-1}))

up() { cut -d' ' -f1 /proc/uptime | tr -d .; }	# centiseconds
# took START: centiseconds since START, and why if over the bound
took() {
	d=$(($(up) - $1))
	[ "$d" -le "$BOUND" ] || echo "took $d cs, bound $BOUND cs"
}
# ran_within: the last hvg_vmbus_test run took at most BOUND (its info ns=)
ran_within() {
	ns=$(info ns)
	[ -n "$ns" ] && [ "$ns" -le $((BOUND * 10000000)) ] || echo "run took ${ns:-?} ns"
}
# run_expect TEST WANT: the test's result is WANT ("pass" or a fail line)
run_expect() {
	echo "$1" >"$run" 2>/dev/null
	got=$(cat "$run")
	case $got in $2) ;; *) echo "$1: got '$got', want '$2'" ;; esac
}
# logged TEXT: dmesg has a hvg_vmbus line containing TEXT
logged() { dmesg | grep -q "hvg_vmbus: .*$1" || echo "no dmesg line '$1'"; }
# mute TYPE: hvhost swallows the next TYPE (not in a subshell: sets m0,
# the count of swallowed messages before, and mr, why it failed)
mute() {	# mute TYPE [N]
	m0=$(host_stat messages_muted) mr= mn=${2:-1}
	hvctl vmbus mute "$1" "$mn" | grep -q "name=$1 left=$mn$" ||
		mr="hvctl vmbus mute $1 $mn failed"
}
muted_one() {	# hvhost swallowed exactly the N messages since mute
	m=$(host_stat messages_muted)
	[ "$m" = $((m0 + mn)) ] || echo "; hvhost: messages_muted $m, want $((m0 + mn))"
}
load() { modprobe hvg_vmbus host_timeout_ms=$T 2>&1; }
# Busybox's modprobe and insmod load a module whose init failed a second
# time (finit_module, then init_module): a failing load waits twice.
BOUND2=$((2 * T / 10 + 300 * ${HVG_SLOWDOWN:-1}))

hvctl vmbus mute clear >/dev/null
modprobe -r hvg_vmbus_test hvg_vmbus 2>/dev/null	# loaded at boot
r=$(load) || r="modprobe hvg_vmbus host_timeout_ms=$T failed: $r"
[ "$(cat /sys/module/hvg_vmbus/parameters/host_timeout_ms)" = $T ] ||
	r="$r; host_timeout_ms is not $T"
hvctl vmbus channels | grep "class=$echo_class" | grep ' sub=0 ' |
	grep -q -v state=rescinded || hvctl vmbus add echo >/dev/null
modprobe hvg_vmbus_test || r="$r; modprobe hvg_vmbus_test failed"
wait_for 30 '[ -n "$(echo_dev)" ]' || r="$r; no echo device bound"
relid=$(cat "$(echo_dev)/id" 2>/dev/null)
r="$r$(t close)"
result "setup: hvg_vmbus with host_timeout_ms=$T, echo device bound (relid $relid), channel closed" "$r"

# 2. OPENCHANNEL unanswered: the open fails in time, then opens again.
dmesg -c >/dev/null
mute OPENCHANNEL
r=$mr
r="$r$(run_expect open 'fail: cannot open')$(ran_within)"
r="$r$(logged "no OPENCHANNEL_RESULT from the host within $T ms")$(muted_one)"
[ "$(host_chan "$relid" state)" = offered ] || r="$r; hvhost: channel $(host_chan "$relid" state)"
[ "$(host_gpadls_of "$relid")" = 0 ] || r="$r; hvhost keeps $(host_gpadls_of "$relid") GPADLs of $relid (ring not torn down)"
r="$r$(run_expect open pass)$(t "inband 1")"
[ "$(host_chan "$relid" state)" = open ] || r="$r; hvhost: channel $(host_chan "$relid" state) after the reopen"
result "OPENCHANNEL unanswered: open fails within $((BOUND / 100)) s naming OPENCHANNEL_RESULT, ring GPADL torn down; the next open works" "$r"

# 3. GPADL_HEADER unanswered: no GPADL_CREATED; the ring is leaked.
r=$(t close)
dmesg -c >/dev/null
mute GPADL_HEADER
r="$r$mr"
r="$r$(run_expect open 'fail: cannot open')$(ran_within)"
r="$r$(logged "no GPADL_CREATED from the host within $T ms")"
r="$r$(logged "relid $relid: host did not release the ring GPADL: leaking")$(muted_one)"
[ "$(host_chan "$relid" state)" = offered ] || r="$r; hvhost: channel $(host_chan "$relid" state)"
r="$r$(run_expect open pass)$(t "inband 1")"
result "GPADL_HEADER unanswered: open fails within $((BOUND / 100)) s naming GPADL_CREATED, leaks the ring; the next open works" "$r"

# 4. GPADL_TEARDOWN unanswered: close returns in time and leaks the ring.
dmesg -c >/dev/null
g0=$(host_gpadls_of "$relid")
mute GPADL_TEARDOWN
r=$mr
r="$r$(run_expect close pass)$(ran_within)"
r="$r$(logged "no GPADL_TORNDOWN from the host within $T ms")"
r="$r$(logged "relid $relid: host did not release the ring GPADL: leaking")$(muted_one)"
[ "$(host_chan "$relid" state)" = offered ] || r="$r; hvhost: channel $(host_chan "$relid" state) after the close"
[ "$(host_gpadls_of "$relid")" = "$g0" ] || r="$r; hvhost: $(host_gpadls_of "$relid") GPADLs of $relid, want the $g0 not torn down"
r="$r$(run_expect open pass)$(t "inband 1")"
result "GPADL_TEARDOWN unanswered: close returns within $((BOUND / 100)) s naming GPADL_TORNDOWN and leaks the ring; reopen works" "$r"

# 5. UNLOAD unanswered: rmmod returns in time, the pages are leaked.
dmesg -c >/dev/null
u0=$(host_stat unloads)
mute UNLOAD
r=$mr
s=$(up)
rmmod hvg_vmbus_test hvg_vmbus || r="$r; rmmod failed"
r="$r$(took "$s")"
r="$r$(logged "no UNLOAD_RESPONSE from the host within $T ms")"
r="$r$(logged "host did not unload: leaking its monitor and interrupt pages")$(muted_one)"
[ "$(host_stat unloads)" = "$u0" ] || r="$r; hvhost counted an UNLOAD"
[ "$(host state)" = connected ] || r="$r; hvhost: state=$(host state), want connected (it never saw the UNLOAD)"
[ ! -d /sys/module/hvg_vmbus ] || r="$r; hvg_vmbus still loaded"
result "UNLOAD unanswered: rmmod returns within $((BOUND / 100)) s, logs that the host did not unload and leaks its pages" "$r"

# load_fails TYPE ANSWER: with TYPE muted, modprobe fails in time naming
# ANSWER; prints why not
load_fails() {
	dmesg -c >/dev/null
	mute "$1" 2
	[ -z "$mr" ] || echo "$mr"
	s=$(up)
	! load >/dev/null || echo "; modprobe succeeded"
	BOUND=$BOUND2 took "$s"
	logged "no $2 within $T ms"
	muted_one
	[ ! -d /sys/module/hvg_vmbus ] || echo "; hvg_vmbus loaded"
}

# 6. REQUESTOFFERS unanswered: module init fails in time; UNLOAD on the way out.
r=$(load_fails REQUESTOFFERS ALLOFFERS_DELIVERED)
[ "$(host state)" = disconnected ] || r="$r; hvhost: state=$(host state) (no UNLOAD from the failed init)"
[ "$(host open)" = 0 ] && [ "$(host gpadls)" = 0 ] || r="$r; hvhost: open=$(host open) gpadls=$(host gpadls)"
result "REQUESTOFFERS unanswered: modprobe fails within $((BOUND2 / 100)) s (two tries) naming ALLOFFERS_DELIVERED, the host is left unloaded" "$r"

# 7. INITIATE_CONTACT unanswered: modprobe fails in time; then all works.
r=$(load_fails INITIATE_CONTACT "VERSION_RESPONSE from the host")
[ -z "$(hvctl vmbus mute)" ] || r="$r; hvhost still mutes: $(hvctl vmbus mute)"
r="$r$(load >/dev/null || echo "; modprobe after the mutes failed")"
modprobe hvg_vmbus_test || r="$r; modprobe hvg_vmbus_test failed"
wait_for 30 '[ -n "$(echo_dev)" ]' || r="$r; no echo device bound"
r="$r$(t "inband 1")"
result "INITIATE_CONTACT unanswered: modprobe fails within $((BOUND2 / 100)) s (two tries) naming VERSION_RESPONSE; then load, bind and echo work" "$r"

# 8. mute clear, and no kernel warning or hung task from all of it.
r=
dmesg -c >/dev/null
hvctl vmbus mute OPENCHANNEL 3 >/dev/null
hvctl vmbus mute clear | grep -q '^mute cleared$' || r="mute clear failed"
[ -z "$(hvctl vmbus mute)" ] || r="$r; hvhost still mutes: $(hvctl vmbus mute)"
r="$r$(t close)$(run_expect open pass)$(t "inband 1")"
modprobe -r hvg_vmbus_test hvg_vmbus || r="$r; modprobe -r failed"
[ "$(host open)" = 0 ] && [ "$(host gpadls)" = 0 ] || r="$r; hvhost: open=$(host open) gpadls=$(host gpadls)"
w=$(dmesg | grep -E 'WARNING|BUG|Oops|blocked for more than|hvg_vmbus: .*(unexpected|failed)')
[ -z "$w" ] || r="$r; $w"
modprobe hvg_vmbus	# as the next dir expects it (default timeout)
result "mute clear: the host answers everything again; unload leaves no channel or GPADL; no kernel warning" "$r"
