#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# hvhost runs with --abi-version 99 (hvhost.args): hvg_hvcall must refuse
# the device with exactly one clear kernel log line naming both versions.
echo "1..3"
if [ "${HVG_LANE:-emu}" != emu ]; then
	for i in 1 2 3; do echo "ok $i - abi check # SKIP emu lane only"; done
	exit 0
fi
rmmod hvg_hvcall_test hvg_hvcall 2>/dev/null
dmesg -c >/dev/null
if modprobe hvg_hvcall 2>/dev/null; then
	echo "not ok 1 - modprobe hvg_hvcall refuses ABI version 99"
	rmmod hvg_hvcall
else
	echo "ok 1 - modprobe hvg_hvcall refuses ABI version 99"
fi
# busybox modprobe tries finit_module, then init_module: one line per try.
log=$(dmesg | grep hvg_hvcall | sed 's/^\[[^]]*\] //' | sort -u)
echo "$log" | sed 's/^/# /'
if [ "$(echo "$log" | grep -c .)" = 1 ] &&
   echo "$log" | grep -q "ABI version 99 .*ABI version 1)"; then
	echo "ok 2 - one log line naming versions 99 and 1"
else
	echo "not ok 2 - one log line naming versions 99 and 1"
fi
if dmesg | grep -q "WARNING\|BUG\|Oops"; then
	echo "not ok 3 - no kernel warning"
else
	echo "ok 3 - no kernel warning"
fi
