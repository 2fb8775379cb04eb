#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot the test guest against hvhost (DESIGN.md sections 6, 7).
#   run.sh                 tour of the loaded suite, then a shell on the console
#                          (tour only, then power off, when stdin is no terminal)
#   run.sh --cmd CMD       run CMD in the guest; exit with its status
#   run.sh --tests 'D...'  run the test dirs; results (guest-tests.sh lines) in
#                          the --results file
# Options: --results FILE, --log FILE (console log, default
# $BUILD/logs/run.log), --quiet (console to the log only), --timeout SECS
# (default $HVG_TIMEOUT or 900), --hvhost-args 'ARGS', --hvhost-log FILE (keep
# hvhost's output there; emu lane), --qemu-args 'ARGS'
# (more QEMU arguments, emu lane: e.g. a virtio-blk disk), --extra 'SET...'
# (extra program sets of selftests/qemu/extra/ to carry, besides those the
# --tests dirs name in their settings file: extra=SET...).
# The tour (no --cmd or --tests) gives hvhost a 64 MiB disk, a new
# $BUILD/tour-disk.img each time, unless --hvhost-args is given.
# Environment: LANE=emu|real, KERNEL=stock|debug, BUILD, KVER, HVHOST (the
# hvhost binary), HVG_LOGLEVEL (guest console loglevel, default 5: warnings
# and up), HVG_DEBUG_SLOWDOWN (default 4).
# KERNEL=debug (emu lane only) boots the debug kernel of tools/debug-kernel.sh
# with the modules `make modules KERNEL=debug` built in $BUILD/debug/src, in
# 2 GiB (KASAN's shadow, lockdep, kmemleak), and scales the default timeout
# and the guest's per-test timeouts by HVG_DEBUG_SLOWDOWN.
# Exit status: the command's with --cmd; 124 on timeout; 1 when the guest
# reported no end (crash, panic).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${BUILD:-$top/build}
kver=${KVER:-$("$top/tools/kver.sh")}
lane=${LANE:-emu}
hvhost=${HVHOST:-$top/hvhost/hvhost}
timeout=${HVG_TIMEOUT:-}
mode=shell payload=/hvg/tour.sh results= log=$build/logs/run.log quiet= host_args=- host_log=
qemu_args= extras=

while [ $# -gt 0 ]; do
	case $1 in
	--cmd) mode=cmd payload=$2; shift ;;
	--tests) mode=tests payload=$(printf '%s\n' $2); shift ;;
	--results) results=$2; shift ;;
	--log) log=$2; shift ;;
	--quiet) quiet=1 ;;
	--timeout) timeout=$2; shift ;;
	--hvhost-args) host_args=$2; shift ;;
	--hvhost-log) host_log=$2; shift ;;
	--qemu-args) qemu_args=$2; shift ;;
	--extra) extras="$extras $2"; shift ;;
	*) echo "usage: run.sh [--cmd CMD | --tests 'DIR...'] [--results F] [--log F] [--quiet] [--timeout S] [--hvhost-args A] [--hvhost-log F] [--qemu-args A] [--extra 'SET...']" >&2; exit 2 ;;
	esac
	shift
done
if [ "$host_args" = - ]; then	# not given
	host_args=
	if [ "$mode" = shell ]; then	# a fresh disk each time
		rm -f "$build/tour-disk.img"
		host_args="--disk path=$build/tour-disk.img,size=64M,serial=TOUR0"
	fi
fi
if [ "$mode" = tests ]; then
	for dir in $payload; do
		extras="$extras $(sed -n 's/^extra=//p' "$top/selftests/$dir/settings" 2>/dev/null)"
	done
fi
extras=$(printf '%s\n' $extras | sort -u)
mem_mb=1024 slow=1 image=/boot/vmlinuz-$kver
case ${KERNEL:-stock} in
stock) ;;
debug)
	[ "$lane" = emu ] || { echo "run.sh: KERNEL=debug runs on the emu lane only (the real lane boots the stock kernel)" >&2; exit 1; }
	ddir=$("$top/tools/debug-kernel.sh" --dir) || {
		echo "run.sh: the debug kernel is not built yet ('make modules KERNEL=debug' builds it, once)" >&2; exit 1; }
	[ -n "$(find "$build/debug/src" -name '*.ko' 2>/dev/null | head -n 1)" ] || {
		echo "run.sh: no modules built for the debug kernel in $build/debug/src ('make modules KERNEL=debug')" >&2; exit 1; }
	kver=$(cat "$ddir/release") image=$ddir/vmlinuz mem_mb=2048 slow=${HVG_DEBUG_SLOWDOWN:-4}
	export HVG_MODTREE=$build/debug/src HVG_KMODS_ROOT=$ddir/modules
	;;
*) echo "run.sh: unknown KERNEL=$KERNEL (stock or debug)" >&2; exit 1 ;;
esac
export KVER=$kver
timeout=${timeout:-$((900 * slow))}
interactive=
if [ "$mode" = shell ]; then	# the real lane's console is not interactive
	if [ -t 0 ] && [ -t 1 ] && [ "$lane" = emu ]; then interactive=1; else mode=cmd; fi
fi

work=$build/qemu/run-$$
sock=/tmp/hvguest-$$	# unix socket paths must stay short
ram=/dev/shm/hvguest-$$-ram
results=${results:-$work/results}
host_log=${host_log:-$work/hvhost.log}
hvhost_pid= qemu_pid=
cleanup() {
	trap - EXIT INT TERM
	[ -z "$qemu_pid" ] || kill "$qemu_pid" 2>/dev/null || true
	[ -z "$hvhost_pid" ] || kill "$hvhost_pid" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$sock" "$ram" "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$work/job/hvg" "$sock" "$(dirname "$log")" "$(dirname "$results")" "$(dirname "$host_log")"
: >"$results"
: >"$log"

# The image (built per run: under a second): the base archive, the extra
# program sets' archives (built once, cached in $build/qemu/), then the job.
"$here/mkimage.sh" "$work/initramfs.cpio"
parts=("$work/initramfs.cpio")
for x in $extras; do
	"$here/mkimage.sh" --extra "$x" "$build/qemu/extra-$x.cpio"
	parts+=("$build/qemu/extra-$x.cpio")
done
{ echo "$mode"; printf '%s\n' "$payload"; } >"$work/job/hvg/job"
(cd "$work/job" && find hvg | cpio -o -H newc -R 0:0 --quiet) >"$work/job.cpio"
cat "${parts[@]}" "$work/job.cpio" >"$work/initrd.cpio"

append="console=ttyS0 panic=-1 oops=panic panic_on_warn=1 loglevel=${HVG_LOGLEVEL:-5} hvg.lane=$lane edd=off"
[ "$slow" = 1 ] || append="$append hvg.slowdown=$slow"

if [ "$lane" = real ]; then
	nested=$here/real/run-nested.sh
	[ -x "$nested" ] || { echo "run.sh: LANE=real needs $nested, which does not exist yet" >&2; exit 1; }
	set +e
	"$nested" --initramfs "$work/initrd.cpio" --results "$results" --log "$log" \
		--timeout "$timeout" --append "$append"
	rc=$?
	set -e
	[ "$rc" = 0 ] || [ "$rc" = 124 ] || echo "run.sh: run-nested.sh exited with status $rc" >&2
else
	[ "$lane" = emu ] || { echo "run.sh: unknown LANE=$lane (emu or real)" >&2; exit 1; }
	[ -x "${hvhost%% *}" ] || { echo "run.sh: no hvhost at $hvhost (make hvhost, or set HVHOST)" >&2; exit 1; }
	truncate -s "${mem_mb}M" "$ram"
	# shellcheck disable=SC2086 # HVHOST and the extra arguments are word lists
	$hvhost run --ivshmem-socket "$sock/ivshmem" --ram-file "$ram" --ram-size $((mem_mb << 20)) \
		--vcpus 2 --ctl-socket "$sock/ctl" $host_args >"$host_log" 2>&1 &
	hvhost_pid=$!
	for _ in $(seq 100); do
		[ -S "$sock/ivshmem" ] && [ -S "$sock/ctl" ] && break
		kill -0 "$hvhost_pid" 2>/dev/null || { cat "$host_log" >&2; echo "run.sh: hvhost exited" >&2; exit 1; }
		sleep 0.1
	done
	[ -S "$sock/ivshmem" ] || { echo "run.sh: hvhost made no $sock/ivshmem in 10 s" >&2; exit 1; }
	ctl=(-chardev "socket,id=hvctl,path=$sock/ctl" -serial chardev:hvctl)
	[ -S "$sock/ctl" ] || { echo "run.sh: hvhost made no control socket; hvctl will not answer" >&2; ctl=(-serial null); }
	if [ -n "$interactive" ]; then
		con=(-chardev "stdio,id=con,mux=on,signal=off,logfile=$log" -serial chardev:con -mon chardev=con,mode=readline)
	elif [ -n "$quiet" ]; then
		con=(-chardev "file,id=con,path=$log" -serial chardev:con)
	else
		con=(-chardev "stdio,id=con,logfile=$log" -serial chardev:con)
	fi
	qemu=(qemu-system-x86_64 -machine q35,memory-backend=mem -accel tcg,thread=multi
		-cpu max -smp 2 -m "${mem_mb}M"
		-object "memory-backend-file,id=mem,size=${mem_mb}M,mem-path=$ram,share=on"
		-chardev "socket,path=$sock/ivshmem,id=ivs" -device ivshmem-doorbell,chardev=ivs,vectors=2
		-kernel "$image" -initrd "$work/initrd.cpio" -append "$append"
		-nographic -nodefaults -no-reboot -bios qboot.rom
		"${con[@]}" -serial "file:$results" "${ctl[@]}")
	# shellcheck disable=SC2206 # the extra arguments are a word list
	qemu+=($qemu_args)
	set +e
	if [ -n "$interactive" ]; then
		"${qemu[@]}"
		rc=$?
	else
		timeout -k 5 "$timeout" "${qemu[@]}" </dev/null &
		qemu_pid=$!
		wait "$qemu_pid"
		rc=$?
		qemu_pid=
	fi
	set -e
	[ "$rc" = 0 ] || [ "$rc" = 124 ] || { echo "run.sh: qemu exited with status $rc" >&2; tail -n 20 "$host_log" >&2; }
fi

[ -z "$interactive" ] || exit "$rc"	# the user may have left with poweroff
if [ "$rc" = 124 ]; then
	echo "run.sh: guest timed out after $timeout s (console log: $log)" >&2
	exit 124
fi
if ! grep -q '^hvg-done' "$results"; then
	echo "run.sh: the guest did not finish its job (console log: $log)" >&2
	exit 1
fi
[ "$rc" = 0 ] || exit 1	# the guest finished, but its VM did not end cleanly
if [ "$mode" = cmd ]; then
	status=$(sed -n 's/^hvg-exit: \([0-9]*\).*/\1/p' "$results" | tail -n 1)
	exit "${status:-1}"
fi
exit 0
