#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# hvg_vmbus against QEMU's VMBus server (-device vmbus-bridge: versions up to
# 4.0, no offers) on KVM's Hyper-V emulation, real lane only, TAP: fallback to
# 4.0, ALLOFFERS_DELIVERED with no devices, UNLOAD and reconnect 10 times; the
# in-tree hv_vmbus as the reference ("Vmbus version:4.0") and the refusals to
# run beside it. QEMU's and L1's errors are judged by the runner in the
# console log (run-tests.sh).
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() {
	n=$((n + 1))
	echo "not ok $n - $1"
	[ -z "$2" ] || echo "$2" | sed 's/^/# /'
}
result() { if [ -z "$2" ]; then ok "$1"; else nok "$1" "$2"; fi; }

# Kernel lines since the last call of fresh, with their "<level>" prefix.
fresh() { dmesg -r -c | tee -a /tmp/vmbus-real.dmesg; }
has() { echo "$log" | grep -q "$1" || echo "no '$1' in: $(echo "$log" | tail -n 5)"; }
loaded() { grep -q "^$1 " /proc/modules; }

version_line='hvg_vmbus: VMBus version 4\.0, message connection id 1$'
unload_line='hvg_vmbus: unloaded: the host released all channels'

load() {	# load: hvg_vmbus connects at 4.0, no devices
	modprobe hvg_vmbus 2>&1 || return
	log=$(fresh)
	has "$version_line"
	d=$(ls /sys/bus/vmbus/devices 2>&1)
	[ -z "$d" ] || echo "devices: $d"
}

unload() {	# unload: UNLOAD answered by UNLOAD_RESPONSE
	rmmod hvg_vmbus 2>&1 || return
	log=$(fresh)
	has "$unload_line"
}

cycles() {	# cycles N
	i=0
	while [ $i -lt "$1" ]; do
		i=$((i + 1))
		r=$(load; unload)
		[ -z "$r" ] || { echo "cycle $i: $r"; return; }
	done
}

# refused MOD LINE: modprobe MOD fails, and its only kernel error is LINE.
# (Busybox's modprobe retries a failed finit_module with init_module, so
# the module's init runs, and says it, twice.)
refused() {
	modprobe "$1" >/dev/null 2>&1 && { echo "$1 loaded"; rmmod "$1"; return; }
	log=$(fresh)
	errs=$(echo "$log" | sed -n 's/^<[0-4]>\[[^]]*\] //p' | sort -u)
	[ "$errs" = "$2" ] || echo "want the one error line '$2', got: $errs"
	! loaded "$1" || echo "$1 left loaded"
}

echo "1..9"
rmmod hvg_vmbus 2>/dev/null	# loaded at boot
loaded hvg_hvcall || modprobe hvg_hvcall
dmesg -c >/dev/null
s=$(date +%s)
result "hvg_vmbus falls back to VMBus 4.0 on message connection id 1, ALLOFFERS_DELIVERED, no devices" \
	"$(load)"
grep "$version_line" /tmp/vmbus-real.dmesg | head -n 1 | sed 's/^<[0-9]*>\[[^]]*\] /# /'
result "rmmod: UNLOAD answered by UNLOAD_RESPONSE" "$(unload)"
result "10 reloads: each connects at 4.0 with no devices and unloads with UNLOAD_RESPONSE" \
	"$(cycles 10)"
echo "# 11 connect/unload cycles in $(($(date +%s) - s)) s"

# The reference: the in-tree stack on its own.
rmmod hvg_hvcall
result "the in-tree hv_vmbus loads and reports Vmbus version:4.0" \
	"$(modprobe hv_vmbus 2>&1; log=$(fresh); has 'hv_vmbus: Vmbus version:4\.0$')"
result "beside hv_vmbus, modprobe hvg_vmbus fails in hvg_hvcall with one clear line" \
	"$(refused hvg_vmbus 'hvg_hvcall: the SynIC is already in use (is hv_vmbus loaded?)')"
result "after hv_vmbus unloads, hvg_vmbus connects again" \
	"$(rmmod hv_vmbus 2>&1; load; unload)"

# hv_vmbus loaded over hvg_hvcall: hvg_vmbus's own check (/sys/module).
result "hvg_hvcall loaded, then hv_vmbus: hvg_vmbus refuses with one clear line" \
	"$(modprobe hv_vmbus 2>&1; log=$(fresh); has 'hv_vmbus: Vmbus version:4\.0$'
	   refused hvg_vmbus 'hvg_vmbus: the in-tree hv_vmbus is loaded: unload it (and its drivers) first')"
result "hv_vmbus and hvg_hvcall unloaded, hvg_vmbus connects again" \
	"$(rmmod hv_vmbus 2>&1 && rmmod hvg_hvcall 2>&1; load; unload)"

fresh >/dev/null
result "no kernel warning or error but the refusals" \
	"$(grep '^<[0-4]>' /tmp/vmbus-real.dmesg |
		grep -v -e 'the SynIC is already in use' -e 'the in-tree hv_vmbus is loaded')"
