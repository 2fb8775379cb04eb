#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The real-hypervisor lane (DESIGN.md section 2): boot an L2 guest on KVM's Hyper-V
# emulation plus QEMU's VMBus server and hyperv-testdev.
#
#   run-nested.sh --initramfs IMG --results FILE --log FILE --timeout SECS \
#                 --append 'KERNEL CMDLINE' [--quiet]
#
# Where the host's /dev/kvm can run a Hyper-V-enlightened guest, L2 runs directly on
# it.  Otherwise (no /dev/kvm, or a KVM without Hyper-V support, as on the CI
# sandboxes) an L1 guest under TCG (-cpu max, so SVM) loads kvm_amd and runs Debian's
# qemu-system-x86_64 for L2.  HVG_REAL_MODE=nested|direct forces one; BUILD (default
# <repo>/build) holds the cached L1 base image, keyed by kernel, QEMU and busybox
# versions and this script's L1 recipe.
#
# Serial ports: L2 ttyS0 is its console, L2 ttyS1 carries results.  In the nested
# case L1's QEMU maps L2 ttyS1 straight onto L1's own ttyS1 (raw), which the host
# maps to FILE, so result lines stream up unchanged and survive a timeout.  Both
# consoles (L1 stays quiet apart from "hvg-real-l1:" lines) go to LOG, and to stdout
# unless --quiet.
#
# Exit: 0 when QEMU finished and FILE holds results; 124 on timeout; 1 when QEMU (L1
# or L2) failed or the guest wrote no results; 2 on usage errors.  One "run-nested:"
# line on stderr says which.
#
# For test authors (details in README.md): L2 has 2 vCPUs (VP index 0 and 1),
# hv-relaxed, hv-vpindex, hv-synic, hv-time, hv-runtime (no hv-stimer: see hv_cpu)
# and kvm=off, so Linux sees "Microsoft Hyper-V".  -device vmbus-bridge owns SINT 2,
# message connection 1 and event connection 2 and offers no channels (VMBus <= 4.0).
# -device hyperv-testdev is one 32-bit write-only register at I/O port 0x3000:
#   outl((conn_id << 24) | (cmd << 16) | (vp_index << 8) | sint, 0x3000)
#   cmd 1 SINT route create   (vp, sint)         2 SINT route destroy (vp, sint)
#   cmd 3 SINT route set_sint (vp, sint): raise that SINT's interrupt, no message
#   cmd 4 message connection create (vp, sint, conn_id): HvPostMessage to conn_id is
#         echoed back (same type and payload) into vp's SINT message slot
#   cmd 5 message connection destroy (conn_id)
#   cmd 6 event connection create (vp, sint, conn_id): HvSignalEvent on conn_id sets
#         event flag number conn_id in vp's SINT event flags and raises the SINT
#   cmd 7 event connection destroy (conn_id)
# Misuse kills L2's QEMU and so fails the run: a VP index other than 0/1, destroying
# what does not exist, reusing a connection id (vmbus-bridge has 1 and 2), or
# posting/signalling to a VP whose SynIC, SIMP or SIEFP is not enabled.
set -euo pipefail

me=run-nested
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../.." && pwd)

die() { echo "$me: $1" >&2; exit "${2:-1}"; }
note() { echo "$me: $1" >>"$log"; [ -n "$quiet" ] || echo "$me: $1"; }
usage() {
	echo "usage: $me --initramfs IMG --results FILE --log FILE --timeout SECS --append 'CMDLINE' [--quiet]" >&2
	exit 2
}

img='' results='' log='' secs='' append='' quiet=''
while [ $# -gt 0 ]; do
	case $1 in
	--initramfs) img=${2-}; shift 2 || usage ;;
	--results) results=${2-}; shift 2 || usage ;;
	--log) log=${2-}; shift 2 || usage ;;
	--timeout) secs=${2-}; shift 2 || usage ;;
	--append) append=${2-}; shift 2 || usage ;;
	--quiet) quiet=1; shift ;;
	-h|--help) usage ;;
	*) echo "$me: unknown argument '$1'" >&2; usage ;;
	esac
done
if [ -z "$img" ] || [ -z "$results" ] || [ -z "$log" ] || [ -z "$secs" ]; then
	usage
fi
[[ $secs =~ ^[1-9][0-9]*$ ]] || die "--timeout wants whole seconds, got '$secs'" 2
[ -r "$img" ] || die "initramfs '$img' not readable" 2

kver=$("$repo/tools/kver.sh") || die "no usable kernel (tools/kver.sh failed)" 2
kimg=/boot/vmlinuz-$kver
[ -r "$kimg" ] || die "$kimg not readable" 2
qemu=$(command -v qemu-system-x86_64) || die "qemu-system-x86_64 not installed" 2
build=${BUILD:-$repo/build}
mode=${HVG_REAL_MODE:-auto}
l2_mem=${HVG_L2_MEM:-640}

# No hv-stimer: with it, the in-tree hv_vmbus (the reference in vmbus-real) takes
# the clockevents, and its unload both leaves L2 on an HPET nested TCG cannot
# program on time and can call through a cleared stimer handler (seen once: a
# NULL-pointer call from vmbus_isr during rmmod hv_vmbus).
# Nothing of ours uses the synthetic timers.
hv_cpu=host,kvm=off,hv-relaxed,hv-vpindex,hv-synic,hv-time,hv-runtime
hv_dev=(-device vmbus-bridge -device hyperv-testdev)

# The L2 machine, minus kernel, initrd, serial ports and command line.
l2_machine() {	# CPU
	l2_machine=(-enable-kvm -machine q35 -cpu "$1" -smp 2 -m "$l2_mem"
		"${hv_dev[@]}" -nodefaults -display none -monitor none -no-reboot)
}

# Does this host's KVM take the Hyper-V enlightenments?  (A KVM without them fails
# at vCPU creation: "kernel doesn't allow setting HyperV VP_INDEX".)
kvm_runs_hyperv() {
	[ -r /dev/kvm ] && [ -w /dev/kvm ] || return 1
	echo quit | timeout 60 "$qemu" -enable-kvm -machine q35 -cpu "$hv_cpu" -m 64 \
		"${hv_dev[@]}" -nodefaults -display none -S -monitor stdio >/dev/null 2>&1
}

case $mode in
auto) if kvm_runs_hyperv; then mode=direct; else mode=nested; fi ;;
direct|nested) ;;
*) die "HVG_REAL_MODE must be auto, direct or nested, not '$mode'" 2 ;;
esac

# ---- the L1 base image (nested only), cached -------------------------------------

l1_modules() {	# kvm-amd and its dependencies, dependencies first
	local m=$1 d
	for d in $(modinfo -k "$kver" -F depends "$m" | tr , ' '); do
		l1_modules "$d"
	done
	case " $mods_seen " in *" $m "*) ;; *) mods_seen="$mods_seen $m" ;; esac
}

# PID 1 of L1.  /l2.img and /l2.cmdline come from the per-run archive.
l1_init() {
	cat <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc p /proc; mount -t sysfs s /sys; mount -t devtmpfs d /dev
mount -t tmpfs t /tmp
say() { echo "hvg-real-l1: $*" >/dev/console; }
for m in $(cat /lib/modules/order); do
	# Shadow paging: with nested paging, TCG's SVM emulation corrupted L2 or
	# hung L1 in about 2 boots of 5 (bad GS base, triple faults); with npt=0
	# 2 boots of 13 died, L2's QEMU by SIGSEGV.
	args=
	case $m in kvm[-_]amd) args=npt=0 ;; esac
	insmod /lib/modules/$m.ko $args || say "insmod $m $args failed"
done
[ "$(cat /sys/module/kvm_amd/parameters/npt 2>/dev/null)" = N ] ||
	say "kvm_amd: nested paging is on (npt=0 not taken)"
if [ ! -c /dev/kvm ]; then
	say "no /dev/kvm in L1 (kvm_amd did not load)"
	poweroff -f
fi
klines=$(dmesg | wc -l)
qemu-system-x86_64 $(cat /l2.machine) -L /usr/share/qemu -L /usr/share/seabios \
	-kernel /vmlinuz -initrd /l2.img -append "$(cat /l2.cmdline)" \
	-serial stdio -serial /dev/ttyS1 \
	-trace qemu_system_shutdown_request -D /tmp/l2.trace </dev/null
rc=$?
# KVM's complaints about L2, warnings and worse (L1 runs loglevel=1).  Known
# here: TCG's TSC is unstable and its timer interrupts run late on a busy
# machine, and L2's boot-time PMU probe (check_hw_exists: counter ^= 0xffff,
# wrmsr_safe) writes a counter KVM does not emulate.
dmesg -r | tail -n +$((klines + 1)) | grep '^<[0-4]>' | while read -r l; do
	case $l in
	*"unstable TSC"* | *"hrtimer: interrupt took"* | \
	*"Unhandled WRMSR(0xc0010007) = 0xffff") say "known: $l" ;;
	*) say "kernel: $l" ;;
	esac
done
how=reset
grep -q qemu_system_shutdown_request /tmp/l2.trace && how=poweroff
echo
say "L2 qemu rc=$rc $how"
sync
poweroff -f
EOF
}

build_l1() {
	local out=$1 stage lib m
	stage=$(mktemp -d "$build/real/stage.XXXXXX")
	mkdir -p "$stage"/{bin,proc,sys,dev,tmp,usr/bin,lib/modules,usr/share/qemu,usr/share/seabios}
	cp /bin/busybox "$stage/bin/"
	mods_seen=
	l1_modules kvm-amd
	for m in $mods_seen; do
		cp "$(modinfo -k "$kver" -n "$m")" "$stage/lib/modules/$m.ko"
	done
	echo "$mods_seen" >"$stage/lib/modules/order"
	cp "$qemu" "$stage/usr/bin/qemu-system-x86_64"
	for lib in $(ldd "$qemu" | awk '/=>/ {print $3} /ld-linux/ {print $1}'); do
		mkdir -p "$stage$(dirname "$lib")"
		cp -L "$lib" "$stage$lib"
	done
	cp -rL /usr/share/qemu/. "$stage/usr/share/qemu/" 2>/dev/null || true
	cp -L /usr/share/seabios/* "$stage/usr/share/seabios/" 2>/dev/null || true
	cp "$kimg" "$stage/vmlinuz"
	l1_init >"$stage/init"
	chmod +x "$stage/init"
	(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) >"$out.tmp"
	mv "$out.tmp" "$out"
	rm -rf "$stage"
}

l1_base() {
	local key base
	key=$( {
		echo "$kver"; "$qemu" --version | head -n 1
		/bin/busybox 2>&1 | head -n 1; modinfo -k "$kver" -F vermagic kvm-amd
		l1_init; declare -f build_l1 l1_modules
	} | sha256sum | cut -c1-16)
	base=$build/real/l1-$kver-$key.cpio.gz
	mkdir -p "$build/real"
	(
		flock 9
		if [ ! -s "$base" ]; then
			echo "$me: building L1 image $base" >&2
			build_l1 "$base"
		fi
	) 9>"$build/real/.lock"
	echo "$base"
}

# ---- run ------------------------------------------------------------------------

work=$(mktemp -d "${TMPDIR:-/tmp}/hvg-real.XXXXXX")
pid='' teepid='' watchpid=''
# shellcheck disable=SC2317  # called from the EXIT trap
cleanup() {
	[ -z "$watchpid" ] || kill "$watchpid" 2>/dev/null || true
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill "$pid" 2>/dev/null || true
		sleep 1
		kill -9 "$pid" 2>/dev/null || true
	fi
	if [ -n "$teepid" ]; then
		wait "$teepid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ "$mode" = nested ]; then
	# KVM nested in TCG keeps CPUID 0xd's XSAVE size at the legacy 576 bytes whatever
	# XCR0 holds, so L2's kernel WARNs ("XSAVE consistency problem"), fatal under
	# panic_on_warn.  Without XSAVE L2 uses FXSAVE; the lane needs no AVX.
	l2_machine "$hv_cpu,-xsave"
	base=$(l1_base) || die "building the L1 image failed"
	mkdir -p "$work/run"
	cp "$img" "$work/run/l2.img"
	printf '%s' "$append" >"$work/run/l2.cmdline"
	# -serial ttyS1 and the rest are added by L1's init.
	printf '%s ' "${l2_machine[@]}" >"$work/run/l2.machine"
	(cd "$work/run" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/run.cpio.gz"
	cat "$base" "$work/run.cpio.gz" >"$work/initrd"
	# No transparent huge pages in L1 (seen once with them: khugepaged soft
	# lockups in L1 for minutes); kvm_amd npt=0 in L1's init (see there).
	# shellcheck disable=SC2054  # commas belong to QEMU options
	qemu_cmd=("$qemu" -accel tcg,thread=multi -smp 2 -cpu max -machine q35 -m 3G
		-nodefaults -display none -monitor none -no-reboot
		-kernel "$kimg" -initrd "$work/initrd"
		-append "console=ttyS0 quiet loglevel=1 panic=-1 transparent_hugepage=never"
		-serial stdio -serial "file:$results")
else
	l2_machine "$hv_cpu"
	qemu_cmd=("$qemu" "${l2_machine[@]}" -kernel "$kimg" -initrd "$img"
		-append "$append" -serial stdio -serial "file:$results")
fi
# A guest reset (panic=-1, triple fault) also ends QEMU -no-reboot with status 0;
# only a power-off passes through qemu_system_shutdown_request.
qemu_cmd+=(-trace qemu_system_shutdown_request -D "$work/qemu.trace")

# Silence longer than this (neither console nor results grew) is a hang: the lane's
# tests print every few seconds (a test's own timeout, 600 s, is longer on purpose:
# the guest could not report a hang of the whole guest).
stall=${HVG_REAL_STALL:-300}
[[ $stall =~ ^[1-9][0-9]*$ ]] || die "HVG_REAL_STALL wants whole seconds, got '$stall'" 2

size_of() { stat -c %s "$1" 2>/dev/null || echo 0; }

# watch_stall PID: kill PID once the console and the results stayed the same size
# for $stall seconds, and leave $work/stalled behind.
watch_stall() {
	local last=-1 now quiet=0
	while kill -0 "$1" 2>/dev/null; do
		sleep 5
		now=$(( $(size_of "$log") + $(size_of "$results") ))
		if [ "$now" -ne "$last" ]; then
			last=$now quiet=0
		else
			quiet=$((quiet + 5))
		fi
		if [ "$quiet" -ge "$stall" ]; then
			: >"$work/stalled"
			kill "$1" 2>/dev/null
			return
		fi
	done
}

# attempt: one boot.  0 on success; otherwise $why says what went wrong.
attempt() {
	local rc=0 outer=L2 l2
	why=''
	rm -f "$results" "$work/stalled" "$work/qemu.trace" "$work/console"
	: >"$log"
	mkfifo "$work/console"
	if [ -n "$quiet" ]; then
		tr -d '\r' <"$work/console" >>"$log" &
	else
		tr -d '\r' <"$work/console" | tee -a "$log" &
	fi
	teepid=$!
	start=$(date +%s)
	note "$mode lane, kernel $kver, timeout ${secs}s, stall ${stall}s"
	timeout -k 10 "$secs" "${qemu_cmd[@]}" </dev/null >"$work/console" 2>&1 &
	pid=$!
	watch_stall "$pid" &
	watchpid=$!
	wait "$pid" || rc=$?
	pid=''
	kill "$watchpid" 2>/dev/null || true
	wait "$watchpid" 2>/dev/null || true
	watchpid=''
	wait "$teepid" || true
	teepid=''
	took=$(( $(date +%s) - start ))

	[ "$mode" = nested ] && outer=L1
	if [ -e "$work/stalled" ]; then
		why="no output for ${stall}s, killed after ${took}s ($mode lane)"
		return 3
	elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		why="timeout after ${secs}s ($mode lane)"
		return 124
	elif [ "$rc" -ne 0 ]; then
		why="QEMU failed (exit $rc, $mode lane) after ${took}s"
	elif ! grep -q qemu_system_shutdown_request "$work/qemu.trace"; then
		why="$outer reset instead of powering off (kernel panic or triple fault) after ${took}s"
	elif [ "$mode" = nested ]; then
		l2=$(sed -n 's/.*hvg-real-l1: L2 qemu rc=\([0-9]* [a-z]*\).*/\1/p' "$log" | tail -n 1)
		if [ -z "$l2" ]; then
			why="L1 did not run L2 after ${took}s"
		elif [ "${l2% *}" -ne 0 ]; then
			why="L2 QEMU failed (exit ${l2% *}) after ${took}s"
		elif [ "${l2#* }" != poweroff ]; then
			why="L2 reset instead of powering off (kernel panic or triple fault) after ${took}s"
		fi
	fi
	if [ -z "$why" ] && [ ! -s "$results" ]; then
		why="guest finished but wrote no results after ${took}s"
	fi
	[ -z "$why" ] || return 1
	note "done in ${took}s ($mode lane)"
}

# Nested KVM under TCG (QEMU 7.2's SVM emulation) now and then corrupts a guest's
# state, in L1 or in L2, with nothing of ours on the stack: "stack guard page was
# hit" in interrupt or entry code (a bad GS base), RCU stalls, silent resets
# (triple faults), hangs, and L2's QEMU, a user process in L1, dying of SIGSEGV;
# about 1 boot in 7 still dies so with L1's settings above.  A boot
# that died so (it reset, hung or crashed) before any result said "not ok" judged
# nothing of ours wrong, so the lane boots again: 3 boots at most, and a new one
# only within $retry_budget s of the first.  Each dead boot's console and results
# stay beside the log, named on stderr.  A "not ok", or a boot that ran to its
# end, is final.
retry_budget=${HVG_REAL_RETRY_BUDGET:-600}
first=$(date +%s)
n=1
while :; do
	rc=0
	attempt || rc=$?
	if [ "$rc" -eq 0 ] || [ "$rc" -eq 124 ] || [ "$n" -ge 3 ]; then
		break
	fi
	[ $(($(date +%s) - first)) -lt "$retry_budget" ] || break
	! grep -q 'not ok' "$results" 2>/dev/null || break
	! grep -q 'hvg-real-l1: L2 qemu rc=0 poweroff' "$log" || break
	mv "$log" "$log.boot$n"
	[ ! -e "$results" ] || mv "$results" "$results.boot$n"
	echo "$me: boot $n died ($why) with no result failed; console in $log.boot$n; booting again" >&2
	n=$((n + 1))
done
[ "$rc" -eq 0 ] || die "$why; console in $log" "$([ "$rc" -eq 124 ] && echo 124 || echo 1)"
exit 0
