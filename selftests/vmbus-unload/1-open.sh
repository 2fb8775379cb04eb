#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# UNLOAD at reboot, guest half: hvg_vmbus loaded, the echo channel open
# (hvg_vmbus_test holds it) when 2-reboot.sh reboots the guest. hvhost
# logs every UNLOAD; host-check reads that log once the guest is gone.
# The UNLOADs so far (module reloads) are reported for it to skip.
. ../vmbus/lib.inc
echo "1..2"

r=$(echo_setup)
relid=$(cat "$(echo_dev)/id" 2>/dev/null)
[ "$(host_chan "$relid" state)" = open ] || r="$r; hvhost: channel ${relid:-?} is not open"
result "hvg_vmbus loaded, echo channel ${relid:-?} open on the host" "$r"
# host-check parses "unloads=N" out of this line.
n=$(host_stat unloads)
result "hvhost has had unloads=${n:-?} before the reboot" "$(echo "$n" | grep -qx '[0-9][0-9]*' || echo "no unload count")"
