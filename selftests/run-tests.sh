#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every test, as TAP (DESIGN.md section 6): static checks, hvhost units, then
# the guest test dirs on each lane. Results are renumbered in one sequence and
# the last line is "N passed, N failed" (", N skipped" when any were).
#   LANE=emu|real|all (default all)   TESTS='static unit DIR ...' (default all)
#   KERNEL=stock|debug|all (default all): the guest kernel(s); the debug
#   kernel (tools/debug-kernel.sh) runs the emu lane only, its results are
#   prefixed "debug: ", and it adds the detector proof (below)
#   HVG_TIMEOUT: bound on one guest boot (default: its tests' timeouts + 120 s)
#   HVG_DEBUG_SLOWDOWN: factor on every timeout on the debug kernel (default 4)
# A guest dir is selftests/DIR with executable *.sh; DIR/lanes lists its lanes
# (default emu), DIR/hvhost.args or an extra= line in DIR/settings (extra
# program sets, selftests/qemu/extra/) gets it a VM of its own. Guest console
# logs, results and hvhost's logs are kept in $BUILD/logs/.
# An executable DIR/host-check (emu lane; no .sh, or the guest would run it)
# also gets DIR a VM of its own, and runs on the host after that VM has
# ended, for what only the host can see once the guest is gone:
# `host-check HVHOST_LOG CONSOLE_LOG RESULTS STATUS` (STATUS: run.sh's exit
# status), in DIR, printing TAP that counts as DIR's results. Such a dir may
# end its guest itself (poweroff -f, reboot -f): its run then lacks init's
# hvg-done, and host-check judges how it ended; a timeout or a splat on the
# console still fails the run.
set -uo pipefail
cd "$(dirname "$0")/.."
. selftests/lib/tap.sh
build=${BUILD:-$PWD/build}
logs=$build/logs
lane=${LANE:-all}
kernel=stock	# the kernel guest_vm boots
slowdown=${HVG_DEBUG_SLOWDOWN:-4}
mkdir -p "$logs"
vm_pid=
trap '[ -z "$vm_pid" ] || kill "$vm_pid" 2>/dev/null; wait; exit 130' INT
trap '[ -z "$vm_pid" ] || kill "$vm_pid" 2>/dev/null; wait; exit 143' TERM

selected() {	# selected NAME: NAME is in $TESTS, or TESTS is unset
	[ -z "${TESTS:-}" ] || case " $TESTS " in *" $1 "*) ;; *) return 1 ;; esac
}

# run_tap LABEL PREFIX CMD...: CMD's TAP lines as results (PREFIX before each
# description), a failure of its own if it fails without one; "#" lines pass
# through, the rest become comments.
run_tap() {
	local label=$1 prefix=$2 line before=$tap_failed
	shift 2
	while IFS= read -r line; do
		case $line in
		"hvg-status 0") ;;
		"hvg-status "*)
			[ "$tap_failed" -gt "$before" ] ||
				tap_result "not ok - $label: '$*' exited with status ${line#hvg-status }" ;;
		"ok "* | "not ok "* | "Bail out!"*) tap_result "$line" "$prefix" ;;
		"#"*) echo "$line" ;;
		*) echo "# $line" ;;
		esac
	done < <("$@" 2>&1; echo "hvg-status $?")
}

vm_timeout() {	# vm_timeout DIR...: the sum of the tests' timeouts, plus boot
	local dir t total=120
	for dir; do
		t=$(sed -n 's/^timeout=//p' "selftests/$dir/settings" 2>/dev/null)
		total=$((total + ${t:-300} * $(ls selftests/"$dir"/*.sh | wc -l)))
	done
	total=${HVG_TIMEOUT:-$total}
	[ "$kernel" = stock ] || total=$((total * slowdown))
	echo "$total"
}

host_check() {	# host_check DIR: its executable host-check, if any
	[ -x "selftests/$1/host-check" ] && echo "selftests/$1/host-check"
}

# guest_vm LANE NAME 'DIRS' ['HVHOST ARGS']: one boot of $kernel running DIRS.
guest_vm() {
	local lane=$1 name=$2 dirs=$3 args=${4:-} line rc done= kprefix=
	[ "$kernel" = stock ] || kprefix="$kernel: " name=$kernel-$name
	local res=$logs/guest-$name.results log=$logs/guest-$name.log err=$logs/guest-$name.err
	local hlog=$logs/guest-$name.hvhost.log secs before=$tap_failed results=0 check=
	[ "$lane" != emu ] || check=$(host_check $dirs)
	secs=$(vm_timeout $dirs)
	echo "# guest $name: $(echo $dirs) (console log $log)"
	: >"$res"
	KERNEL=$kernel LANE=$lane selftests/qemu/run.sh --tests "$dirs" --results "$res" --log "$log" \
		--quiet --timeout "$secs" ${args:+--hvhost-args "$args"} --hvhost-log "$hlog" >/dev/null 2>"$err" &
	vm_pid=$!
	while IFS= read -r line; do
		line=${line%$'\r'}
		case $line in
		hvg-done) done=1 ;;
		*": ok"* | *": not ok"* | *": Bail out!"*)
			results=$((results + 1))
			tap_result "${line#*: }" "$kprefix${line%%: *}: " ;;
		esac
	done < <(tail -n +1 -F --pid="$vm_pid" "$res" 2>/dev/null)
	wait "$vm_pid"
	rc=$?
	vm_pid=
	sed 's/^/# /' "$err"
	if [ "$rc" = 124 ]; then
		tap_result "not ok - guest $name: timed out after $secs s, log $log"
	elif [ -n "$check" ] && [ -z "$done" ] && [ "$rc" = 1 ]; then
		echo "# guest $name: ended without hvg-done; $check judges it"
	elif [ -z "$done" ] || [ "$results" = 0 ]; then
		tap_result "not ok - guest $name: no results (runner status $rc), log $log"
	elif [ "$rc" != 0 ]; then
		tap_result "not ok - guest $name: runner exited with status $rc, log $log"
	fi
	log_findings "$name" "$log"
	[ -z "$check" ] || [ "$rc" = 124 ] ||
		run_tap "$check" "$kprefix$dirs/host-check: " \
			sh -c 'cd "$(dirname "$1")" && ./host-check "$2" "$3" "$4" "$5"' sh \
			"$check" "$hlog" "$log" "$res" "$rc"
}

# The splats that fail a run whatever the tests said.
splat='Kernel panic|Oops|BUG:|WARNING:|KASAN|UBSAN|general protection fault'
splat+='|possible circular locking|inconsistent lock state|possible recursive locking'
splat+='|suspicious RCU usage|unreferenced object|blocked for more than'
# Real lane: L2's QEMU (its stderr is L1's console) and L1's kernel (KVM).
splat+='|qemu-system-x86_64: |hvg-real-l1: kernel: '
log_findings() {	# log_findings NAME LOG
	grep -a -E "$splat" "$2" | tr -d '\r' | head -n 10 | while IFS= read -r line; do
		echo "not ok - guest $1: $2: $line"
	done >"$2.findings"
	while IFS= read -r line; do tap_result "$line"; done <"$2.findings"
	rm -f "$2.findings"
}

# Guest test dirs for a lane.
lane_dirs() {	# lane_dirs LANE
	local d dir
	for d in selftests/*/; do
		dir=$(basename "$d")
		case $dir in qemu | lib) continue ;; esac
		selected "$dir" || continue
		ls "$d"*.sh >/dev/null 2>&1 || continue
		[ -n "$(find "$d" -maxdepth 1 -name '*.sh' -perm -u+x)" ] || continue
		grep -qw "$1" "$d/lanes" 2>/dev/null || { [ ! -e "$d/lanes" ] && [ "$1" = emu ]; } || continue
		echo "$dir"
	done
}

run_lane() {	# run_lane LANE
	local dir shared=
	for dir in $(lane_dirs "$1"); do
		if [ "$1" = emu ] && { [ -e "selftests/$dir/hvhost.args" ] || [ -n "$(host_check "$dir")" ]; }; then
			guest_vm emu "emu-$dir" "$dir" "$(cat "selftests/$dir/hvhost.args" 2>/dev/null)"
		elif grep -q '^extra=' "selftests/$dir/settings" 2>/dev/null; then
			# an extra program set (run.sh reads the line) slows the
			# boot: not for the other dirs
			guest_vm "$1" "$1-$dir" "$dir"
		else
			shared="$shared $dir"
		fi
	done
	[ -z "$shared" ] || guest_vm "$1" "$1" "$shared"
}

if selected static; then
	if [ -x tools/static-check.sh ]; then
		run_tap static "" tools/static-check.sh
	else
		tap_result "ok - static # SKIP tools/static-check.sh absent"
	fi
fi
if selected unit; then
	if [ -e hvhost/Makefile ]; then
		run_tap unit "unit: " make -s --no-print-directory unit
	else
		tap_result "ok - unit # SKIP no hvhost/Makefile"
	fi
fi
# The debug kernel and the modules built against it (the kernel once, ~N min,
# then cached: README.md); a failure fails the debug runs.
debug_build() {
	local blog=$logs/debug-build.log
	echo "# debug kernel: make modules KERNEL=debug (log $blog)"
	if ! make -s --no-print-directory modules KERNEL=debug >"$blog" 2>&1; then
		tail -n 20 "$blog" | sed 's/^/# /'
		tap_result "not ok - debug: building the debug kernel or the modules against it failed, log $blog"
		return 1
	fi
}

# The detector proof: hvg_debug_selftest (selftests/debug-selftest, run by
# nothing else) leaks an allocation and reads freed memory inside an ordinary
# guest run. It passes when that run went red with a kmemleak and a KASAN
# finding, as any run with such a bug in the suite would.
detector_proof() {
	local out missing=
	echo "# detector proof: a run with a leak and a use-after-free must fail"
	out=$(tap_n=0 tap_passed=0 tap_failed=0 tap_skipped=0
		guest_vm emu proof debug-selftest
		echo "proof: $tap_failed failed")
	echo "$out" | sed 's/^/# proof: /'
	echo "$out" | grep -q '^proof: [1-9]' || missing="$missing, a failed run"
	echo "$out" | grep -q '^not ok .*unreferenced object' || missing="$missing, a kmemleak report"
	echo "$out" | grep -q '^not ok .*KASAN: .*use-after-free' || missing="$missing, a KASAN report"
	if [ -z "$missing" ]; then
		tap_result "ok - debug: detector proof: the leak and the use-after-free turned the run red"
	else
		tap_result "not ok - debug: detector proof: missing${missing#,} (log $logs/guest-debug-proof.log)"
	fi
}

case ${KERNEL:-all} in
all) kernels="stock debug" ;;
stock | debug) kernels=$KERNEL ;;
*) echo "run-tests.sh: unknown KERNEL=$KERNEL (stock, debug or all)" >&2; exit 2 ;;
esac
proof=
{ [ -z "${TESTS:-}" ] || selected debug-selftest; } && [ "$lane" != real ] && proof=1
for kernel in $kernels; do
	if [ "$kernel" = debug ]; then
		[ -n "$proof" ] || { [ "$lane" != real ] && [ -n "$(lane_dirs emu)" ]; } || continue
		debug_build || continue
	fi
	case $lane in emu | all) run_lane emu ;; esac
	case $lane in
	real | all)
		if [ "$kernel" != stock ]; then
			echo "# real lane: runs on the stock kernel only"
		elif [ -x selftests/qemu/real/run-nested.sh ]; then
			run_lane real
		elif [ -n "$(lane_dirs real)" ]; then
			tap_result "ok - real lane # SKIP selftests/qemu/real/run-nested.sh absent"
		fi
		;;
	esac
	[ "$kernel" != debug ] || [ -z "$proof" ] || detector_proof
done
tap_summary
