#!/bin/bash
# Static checks of the kernel code, printed as TAP lines:
#   style   checkpatch.pl --strict on every kernel source file
#   w1      the modules build with W=1 and no warning
#   sparse  the modules build with sparse (C=2) and no warning
# With no argument, all three. Output of a failed check follows as "# " lines.
set -u
cd "$(dirname "$0")/.."
top=$PWD
build=${BUILD:-$top/build}
kver=${KVER:-$(tools/kver.sh)}
kdir=${KDIR:-/lib/modules/$kver/build}
kconfig="CONFIG_HVG=m CONFIG_HVG_HVCALL=m CONFIG_HVG_VMBUS=m CONFIG_HVG_SELFTESTS=m CONFIG_HVG_TIMESYNC=m CONFIG_HVG_STORVSC=m"
kernel_dirs="hvcall vmbus storvsc netvsc timesync balloon include/hvg include/hvproto compat selftests"
n=0
failed=0

report() {	# report NAME LOGFILE STATUS
	n=$((n + 1))
	if [ "$3" -eq 0 ]; then
		echo "ok $n - static: $1"
	else
		failed=1
		echo "not ok $n - static: $1"
		sed -e 's/^/# /' "$2" | head -n 60
	fi
}

find_checkpatch() {
	for f in "${CHECKPATCH:-}" "$build/linux-source/scripts/checkpatch.pl" \
		 /usr/src/linux-source-6.1/scripts/checkpatch.pl; do
		[ -n "$f" ] && [ -f "$f" ] && { echo "$f"; return 0; }
	done
	local tarball
	tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1)
	[ -n "$tarball" ] || return 1
	mkdir -p "$build/linux-source"
	local base
	base=$(basename "$tarball" .tar.xz)
	tar -xJf "$tarball" -C "$build/linux-source" --strip-components=1 \
		"$base/scripts/checkpatch.pl" "$base/scripts/spelling.txt" \
		"$base/scripts/const_structs.checkpatch" || return 1
	echo "$build/linux-source/scripts/checkpatch.pl"
}

kernel_sources() {
	for d in $kernel_dirs; do
		# vmbus/tests is user space (the ring core's tests), like hvhost.
		[ -d "$d" ] && find "$d" -name '*.[ch]' ! -name '*.mod.c' \
			! -path 'selftests/qemu/*' ! -path 'vmbus/tests/*'
	done
	ls Kbuild Kconfig 2>/dev/null
}

check_style() {
	local log=$build/static-style.log cp status=0
	mkdir -p "$build"
	: >"$log"
	if ! cp=$(find_checkpatch); then
		echo "checkpatch.pl not found: run tools/deps.sh" >"$log"
		report "checkpatch --strict" "$log" 1
		return
	fi
	local ignore
	for f in $(kernel_sources); do
		ignore=FILE_PATH_CHANGES,SPDX_LICENSE_TAG
		# compat/ is the one place allowed to test kernel versions.
		case $f in
		compat/*) ignore=$ignore,LINUX_VERSION_CODE,CONSTANT_COMPARISON ;;
		# Shared with user space, which has no __packed of its own.
		include/hvproto/types.h) ignore=$ignore,PREFER_DEFINED_ATTRIBUTE_MACRO ;;
		storvsc/*) ignore=$ignore,CAMELCASE ;;	# the midlayer's struct Scsi_Host
		esac
		perl "$cp" --strict --no-tree --quiet --show-types \
			--ignore "$ignore" -f "$f" >>"$log" 2>&1 || status=1
	done
	report "checkpatch --strict ($(kernel_sources | wc -l) files)" "$log" $status
}

# kbuild LOG VARS...: build the modules from scratch with extra variables,
# in a copy of the tree so the objects `make` built are left alone; the log
# keeps compiler and sparse output only.
kbuild() {
	local log=$1 src=$build/static-src
	shift
	rm -rf "$src"
	mkdir -p "$src"
	tar -cf - --exclude=./build --exclude=./.git --exclude=./hvhost \
		--exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' . |
		tar -xf - -C "$src"
	make -s -C "$kdir" M="$src" $kconfig "$@" modules >"$log" 2>&1
}

check_w1() {
	local log=$build/static-w1.log status=0
	mkdir -p "$build"
	kbuild "$log" W=1 || status=1
	grep -qE 'warning:|error:' "$log" && status=1
	report "W=1 build without warnings" "$log" $status
}

check_sparse() {
	local log=$build/static-sparse.log status=0
	mkdir -p "$build"
	kbuild "$log" C=2 || status=1
	grep -qE 'warning:|error:' "$log" && status=1
	report "sparse (C=2) without warnings" "$log" $status
}

case "${1:-all}" in
style) check_style ;;
w1) check_w1 ;;
sparse) check_sparse ;;
all) check_style; check_w1; check_sparse ;;
*) echo "usage: $0 [style|w1|sparse]" >&2; exit 2 ;;
esac
exit $failed
