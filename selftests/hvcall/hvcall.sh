#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# hvg_hvcall tests, TAP. HVG_LANE=emu: against hvhost's test service,
# checked from the guest (hvg_hvcall_test.ko) and through hvctl.
# HVG_LANE=real: backend hyperv under KVM's Hyper-V emulation.
lane=${HVG_LANE:-emu}
run=/sys/kernel/debug/hvg_hvcall_test/run
n=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
nok() {
	n=$((n + 1))
	echo "not ok $n - $1"
	[ -z "$2" ] || echo "$2" | sed 's/^/# /'
}
# result NAME REASON: ok when REASON is empty
result() { if [ -z "$2" ]; then ok "$1"; else nok "$1" "$2"; fi; }

# t NAME DESC: run a test of hvg_hvcall_test.ko
t() {
	if echo "$1" >"$run" 2>/dev/null; then r=$(cat "$run"); else r="cannot run $1"; fi
	if [ "$r" = pass ]; then ok "$2"; else nok "$2" "$r"; fi
}

stat() { hvctl stats | sed -n "s/^$1=//p"; }

# hvctl synic lines whose field $1 does not satisfy the awk test $2 on v
synic_bad() {
	hvctl synic | awk -v f="$1" '{
		for (i = 1; i <= NF; i++) {
			split($i, kv, "=")
			if (kv[1] != f) continue
			v = kv[2]; sub(/^0x/, "", v)
			last = substr(v, length(v))
			if (!('"$2"')) print $1 " " $i
		}
	}'
}

synic_enabled_host() {
	[ "$(hvctl synic | grep -c '^vp=')" = "$(grep -c ^processor /proc/cpuinfo)" ] ||
		echo "hvctl synic lists $(hvctl synic | grep -c '^vp=') VPs"
	synic_bad scontrol 'v == "1"'
	synic_bad simp 'last ~ /[13579bdf]/'
	synic_bad siefp 'last ~ /[13579bdf]/'
}

synic_disabled_host() {
	synic_bad scontrol 'v == "0"'
	synic_bad simp 'last ~ /[02468ace]/'
	synic_bad siefp 'last ~ /[02468ace]/'
	synic_bad guest_os_id 'v == "0"'
	synic_bad hypercall 'last ~ /[02468ace]/'
}

# hvg_vmbus (loaded at boot) and its VSC drivers hold hvg_hvcall: out of
# the way before the unload cycles, loaded again at the end.
vscs=
vmbus_off() {
	[ -d /sys/module/hvg_vmbus ] || return 0
	vscs=$(ls /sys/module/hvg_vmbus/holders 2>/dev/null)
	rmmod $vscs hvg_vmbus
}
vmbus_on() {
	[ -n "$vmbus_was" ] || return 0
	modprobe hvg_vmbus
	for m in $vscs; do modprobe "$m"; done
}
vmbus_was=$([ -d /sys/module/hvg_vmbus ] && echo 1)

dmesg_bad() {
	dmesg | grep -E "WARNING|BUG|Oops|hvg_hvcall: (CPU [0-9]|hvhost|SINT|the SynIC|VP [0-9])"
}

load_check() {	# load_check BACKEND
	modprobe hvg_hvcall 2>&1 || return
	dmesg | grep -q "hvg_hvcall: backend $1 " ||
		echo "no 'backend $1' line: $(dmesg | grep hvg_hvcall: | tail -n 3)"
}

unload_cycles() {	# unload_cycles N
	i=0
	while [ $i -lt "$1" ]; do
		i=$((i + 1))
		rmmod hvg_hvcall 2>&1 || return
		bad=$(synic_disabled_host)
		[ -z "$bad" ] || { echo "cycle $i after unload: $bad"; return; }
		grep -q hvg_hvcall /proc/interrupts && { echo "cycle $i: IRQs left"; return; }
		modprobe hvg_hvcall 2>&1 || return
	done
}

slab() { sed -n 's/^SUnreclaim: *\([0-9]*\).*/\1/p' /proc/meminfo; }

emu_lane() {
	echo "1..10"
	vmbus_off
	result "hvg_hvcall loads with backend emu" "$(load_check emu)"
	modprobe hvg_hvcall_test || true
	t regs "SynIC enabled on every CPU (guest view)"
	result "SynIC enabled on every VP (hvctl synic)" "$(synic_enabled_host)"
	t echo "10000 echoed messages complete and in order, MessagePending seen"
	last_line "hvg_hvcall_test: echo: [0-9]"
	t event "1000 signal-event round trips per CPU"
	t masked "a masked SINT gets no interrupt"
	before=$(stat post_message)
	t postval "post-message input validation"
	after=$(stat post_message)
	result "invalid post-message arguments make no hypercall" \
		"$([ $((after - before)) = 1 ] || echo "post_message $before -> $after, want +1")"
	rmmod hvg_hvcall_test
	s0=$(slab)
	result "20 unload/load cycles leave every VP's SynIC disabled" "$(unload_cycles 20)"
	echo "# SUnreclaim ${s0} kB -> $(slab) kB"
	result "no kernel warning or hvg_hvcall error in dmesg" "$(dmesg_bad)"
	vmbus_on
}

msrs() { cat /sys/kernel/debug/hvg_hvcall_msrs 2>&1; }

# The partition-wide MSRs the kernel set, as every CPU reads them.
hv_msrs() { msrs | awk '{ print $1, $2, $3 }'; }

hv_msrs_set() {	# hv_msrs_set MSRS: the kernel enabled hypercalls on every CPU
	[ "$(echo "$1" | grep -c '^cpu=')" = "$(grep -c ^processor /proc/cpuinfo)" ] ||
		{ echo "MSR lines: $1"; return; }
	echo "$1" | awk '{
		split($2, g, "="); split($3, h, "=")
		if (g[2] == "0" || g[2] == "err" || h[2] == "err" ||
		    substr(h[2], length(h[2])) !~ /[13579bdf]/) print "not set: " $0
	}'
}

# msr_bad FIELD AWK-TEST: CPU lines whose FIELD's value v fails AWK-TEST
msr_bad() {
	msrs | awk -v f="$1" '{
		for (i = 2; i <= NF; i++) {
			split($i, kv, "=")
			if (kv[1] != f) continue
			v = kv[2]; last = substr(v, length(v))
			if (v == "err" || !('"$2"')) print $1 " " $i
		}
	}'
}

synic_enabled_msr() {
	[ "$(msrs | grep -c '^cpu=')" = "$(grep -c ^processor /proc/cpuinfo)" ] ||
		echo "MSR lines: $(msrs)"
	msr_bad scontrol 'last ~ /[13579bdf]/'
	msr_bad simp 'last ~ /[13579bdf]/'
	msr_bad siefp 'last ~ /[13579bdf]/'
}

synic_disabled_msr() {
	msr_bad scontrol 'last ~ /[02468ace]/'
	msr_bad simp 'last ~ /[02468ace]/'
	msr_bad siefp 'last ~ /[02468ace]/'
	msr_bad unmasked 'v == "0x0" || v == "0"'
}

real_cycles() {	# real_cycles N: unload/load, SynIC off after each unload
	i=0
	while [ $i -lt "$1" ]; do
		i=$((i + 1))
		rmmod hvg_hvcall 2>&1 || return
		bad=$(synic_disabled_msr)
		[ -z "$bad" ] || { echo "cycle $i after unload: $bad"; return; }
		modprobe hvg_hvcall 2>&1 || return
		bad=$(synic_enabled_msr)
		[ -z "$bad" ] || { echo "cycle $i after load: $bad"; return; }
	done
}

# last_line PATTERN: the last dmesg line matching, as a TAP comment
last_line() { dmesg | grep "$1" | tail -n 1 | sed 's/^\[[^]]*\] /# /'; }

real_lane() {
	echo "1..13"
	vmbus_off
	rmmod hvg_hvcall_test hvg_hvcall 2>/dev/null
	modprobe hvg_hvcall_msrs
	m0=$(hv_msrs)
	result "the kernel set the guest OS ID and enabled hypercalls on every CPU" \
		"$(hv_msrs_set "$m0")"
	result "hvg_hvcall loads with backend hyperv, reusing the kernel's hypercall page" \
		"$(load_check hyperv; dmesg | grep -q "hvg_hvcall: backend hyperv (kernel's hypercall page" ||
			echo "no 'kernel's hypercall page' in: $(dmesg | grep 'hvg_hvcall: backend')")"
	m1=$(hv_msrs)
	result "guest OS ID and HYPERCALL MSRs unchanged by loading" \
		"$([ "$m0" = "$m1" ] || echo "before: $m0; loaded: $m1")"
	result "SynIC enabled on every CPU (MSRs)" "$(synic_enabled_msr)"
	modprobe hvg_hvcall_test host=testdev || true
	t regs "SynIC registers on every CPU (hvg_synic_read_regs)"
	t postval "post-message validation; unknown connection gets status 0x12"
	t echo "echoed messages through hyperv-testdev complete and in order, MessagePending seen"
	last_line "hvg_hvcall_test: echo: [0-9]"
	t event "signal-event round trips through hyperv-testdev on every CPU"
	t masked "a masked SINT gets no interrupt (hyperv-testdev)"
	rmmod hvg_hvcall_test hvg_hvcall
	m2=$(hv_msrs)
	result "guest OS ID and HYPERCALL MSRs unchanged after unload" \
		"$([ "$m0" = "$m2" ] || echo "before: $m0; after: $m2")"
	result "SynIC disabled and every SINT masked on every CPU after unload" \
		"$(synic_disabled_msr)"
	result "5 unload/load cycles: SynIC on after each load, off after each unload" \
		"$(modprobe hvg_hvcall 2>&1 && real_cycles 5)"
	result "no kernel warning or hvg_hvcall error in dmesg" "$(dmesg_bad)"
	vmbus_on
}

grep -q " /sys/kernel/debug " /proc/mounts || mount -t debugfs none /sys/kernel/debug
case $lane in
emu) emu_lane ;;
real) real_lane ;;
*) echo "1..0 # SKIP unknown HVG_LANE=$lane" ;;
esac
