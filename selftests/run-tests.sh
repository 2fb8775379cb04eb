#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every test, as TAP (DESIGN.md section 6): static checks, hvhost units, then
# the guest test dirs on each lane. Results are renumbered in one sequence and
# the last line is "N passed, N failed" (", N skipped" when any were).
#   LANE=emu|real|all (default all)   TESTS='static unit DIR ...' (default all)
#   HVG_TIMEOUT: bound on one guest boot (default: its tests' timeouts + 120 s)
# A guest dir is selftests/DIR with executable *.sh; DIR/lanes lists its lanes
# (default emu), DIR/hvhost.args gets it a VM of its own. Guest console logs
# and results are kept in $BUILD/logs/.
set -uo pipefail
cd "$(dirname "$0")/.."
. selftests/lib/tap.sh
build=${BUILD:-$PWD/build}
logs=$build/logs
lane=${LANE:-all}
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
	echo "${HVG_TIMEOUT:-$total}"
}

# guest_vm LANE NAME 'DIRS' ['HVHOST ARGS']: one boot running DIRS.
guest_vm() {
	local lane=$1 name=$2 dirs=$3 args=${4:-} line rc done=
	local res=$logs/guest-$name.results log=$logs/guest-$name.log err=$logs/guest-$name.err
	local secs before=$tap_failed results=0
	secs=$(vm_timeout $dirs)
	echo "# guest $name: $(echo $dirs) (console log $log)"
	: >"$res"
	LANE=$lane selftests/qemu/run.sh --tests "$dirs" --results "$res" --log "$log" \
		--quiet --timeout "$secs" ${args:+--hvhost-args "$args"} >/dev/null 2>"$err" &
	vm_pid=$!
	while IFS= read -r line; do
		line=${line%$'\r'}
		case $line in
		hvg-done) done=1 ;;
		*": ok"* | *": not ok"* | *": Bail out!"*)
			results=$((results + 1))
			tap_result "${line#*: }" "${line%%: *}: " ;;
		esac
	done < <(tail -n +1 -F --pid="$vm_pid" "$res" 2>/dev/null)
	wait "$vm_pid"
	rc=$?
	vm_pid=
	sed 's/^/# /' "$err"
	if [ "$rc" = 124 ]; then
		tap_result "not ok - guest $name: timed out after $secs s, log $log"
	elif [ -z "$done" ] || [ "$results" = 0 ]; then
		tap_result "not ok - guest $name: no results (runner status $rc), log $log"
	elif [ "$rc" != 0 ]; then
		tap_result "not ok - guest $name: runner exited with status $rc, log $log"
	fi
	log_findings "$name" "$log"
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
		if [ "$1" = emu ] && [ -e "selftests/$dir/hvhost.args" ]; then
			guest_vm emu "emu-$dir" "$dir" "$(cat "selftests/$dir/hvhost.args")"
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
case $lane in emu | all) run_lane emu ;; esac
case $lane in
real | all)
	if [ -x selftests/qemu/real/run-nested.sh ]; then
		run_lane real
	elif [ -n "$(lane_dirs real)" ]; then
		tap_result "ok - real lane # SKIP selftests/qemu/real/run-nested.sh absent"
	fi
	;;
esac
tap_summary
