#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# What `make run` shows before its shell: the suite as loaded in this guest.
show() {
	echo
	echo "guest# $*"
	sh -c "$*"
}
echo
echo "==== hvguest: $(uname -r), lane $HVG_LANE, $(nproc) vCPUs"
show 'lsmod | grep -E "^(Module|hvg_)"'
show 'dmesg | grep -E "hvg_|vmbus" | tail -n 20'
show 'ls /sys/bus/vmbus/devices 2>/dev/null'
show 'dmesg | grep -o "hvg_vmbus: VMBus version.*"'
show 'hvctl synic'
show 'hvctl vmbus'
show 'hvctl vmbus channels'
echo
