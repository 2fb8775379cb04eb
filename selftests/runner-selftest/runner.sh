#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The guest the runner builds: lane exported, serial ports present, the suite's
# modules installed under extra/, depmod'ed and resolvable by modprobe.
n=0
check() {	# check DESCRIPTION COMMAND...
	desc=$1
	shift
	n=$((n + 1))
	if "$@"; then echo "ok $n - $desc"; else echo "not ok $n - $desc"; fi
}
lane_matches() { grep -qw "hvg.lane=$HVG_LANE" /proc/cmdline; }
ports() { [ -c /dev/ttyS1 ] && { [ "$HVG_LANE" != emu ] || [ -c /dev/ttyS2 ]; }; }
moddir=/lib/modules/$(uname -r)
all_depmodded() {
	for ko in "$moddir"/extra/*.ko; do
		[ -e "$ko" ] || continue
		grep -q "^extra/$(basename "$ko"):" "$moddir/modules.dep" || return 1
	done
}
suite_resolves() {
	while read -r mod; do
		[ -e "$moddir/extra/$mod.ko" ] || continue
		modprobe -D "$mod" | grep -q "extra/$mod.ko" || return 1
	done </hvg/modules
}

echo "TAP version 13"
echo "1..4"
check "HVG_LANE ($HVG_LANE) is the kernel's hvg.lane" lane_matches
check "ttyS1 (results) and, on emu, ttyS2 (hvctl) exist" ports
check "every module under extra/ is in modules.dep" all_depmodded
if ls "$moddir"/extra/*.ko >/dev/null 2>&1; then
	check "modprobe resolves the suite's modules to extra/" suite_resolves
else
	n=$((n + 1))
	echo "ok $n - modprobe resolves the suite's modules # SKIP none built"
fi
