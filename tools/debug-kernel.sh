#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build (once) the debug guest kernel (DESIGN.md section 6): Debian's
# linux-source-6.1 configured with `make allnoconfig` plus
# tools/debug-kernel/debug.config, built with `nice make -j2`. The build is
# cached outside the repository, in $HVG_DEBUG_CACHE/KEY (default
# /var/cache/hvguest/debug-kernel), where KEY is the source package's
# version and the fragment's hash: it is rebuilt only when either changes.
#   debug-kernel.sh          build unless cached; print the cache dir
#   debug-kernel.sh --dir    print the cache dir, build nothing; status 1 if
#                            the build is not there (yet)
# The cache dir holds:
#   linux/         the configured, built tree: KDIR for external modules
#   vmlinuz        the bzImage
#   modules/       `make modules_install` root (lib/modules/RELEASE/...)
#   release        the kernel release, e.g. 6.1.192-hvgdebug
#   build.log      the build's output; build.time its duration in seconds
#   done           written last: the build is complete
# A failed or interrupted build resumes where it stopped on the next run.
# Environment: HVG_DEBUG_CACHE, HVG_DEBUG_JOBS (default 2).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
frag=$here/debug-kernel/debug.config
tarball=/usr/src/linux-source-6.1.tar.xz
cache=${HVG_DEBUG_CACHE:-/var/cache/hvguest/debug-kernel}
jobs=${HVG_DEBUG_JOBS:-2}

srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null) || {
	echo "debug-kernel: linux-source-6.1 is not installed (run tools/deps.sh)" >&2
	exit 1
}
key=$srcver-$(sha256sum "$frag" | cut -c1-12)
dir=$cache/$key

if [ "${1:-}" = --dir ]; then
	echo "$dir"
	[ -e "$dir/done" ]
	exit
fi
[ $# = 0 ] || { echo "usage: debug-kernel.sh [--dir]" >&2; exit 2; }
if [ -e "$dir/done" ]; then
	echo "$dir"
	exit 0
fi

mkdir -p "$dir"
exec 9>"$dir.lock"
if ! flock -n 9; then
	echo "debug-kernel: another build of $key is running; waiting for it" >&2
	flock 9
fi
if [ -e "$dir/done" ]; then	# the other build finished it
	echo "$dir"
	exit 0
fi

log=$dir/build.log
echo "debug-kernel: building $key in $dir (log $log); about 20 min on 2 cores" >&2
start=$(date +%s)
build() {
	tree=$dir/linux
	if ! [ -e "$tree/.extracted" ]; then
		rm -rf "$tree"
		mkdir -p "$tree"
		tar -xJf "$tarball" -C "$tree" --strip-components=1
		touch "$tree/.extracted"
	fi
	# Reproducible: no host name, user or clock in the image.
	export KBUILD_BUILD_USER=hvguest KBUILD_BUILD_HOST=hvguest
	KBUILD_BUILD_TIMESTAMP=$(date -u -d "@$(stat -c %Y "$tarball")")
	export KBUILD_BUILD_TIMESTAMP
	kmake() { nice -n 10 make -C "$tree" -j"$jobs" "$@"; }

	# Configure only when the fragment is new to this tree, so that a
	# resumed build is incremental.
	if ! cmp -s "$frag" "$tree/.hvg-fragment"; then
		kmake allnoconfig
		"$tree/scripts/kconfig/merge_config.sh" -m -O "$tree" "$tree/.config" "$frag"
		kmake olddefconfig
		# Every symbol the fragment names must have taken.
		bad=0
		while IFS= read -r line; do
			case $line in
			CONFIG_*=*) grep -qxF "$line" "$tree/.config" || {
				echo "debug-kernel: $line did not take: $(grep "^${line%%=*}=\|^# ${line%%=*} is not set" "$tree/.config" || echo absent)"
				bad=1; } ;;
			"# CONFIG_"*" is not set") sym=${line#\# }; sym=${sym%% *}
				! grep -q "^$sym=" "$tree/.config" || {
				echo "debug-kernel: $sym is set, the fragment unsets it"; bad=1; } ;;
			esac
		done <"$frag"
		[ "$bad" = 0 ] || exit 1
		cp "$frag" "$tree/.hvg-fragment"
	fi
	kmake bzImage modules
	kmake modules_prepare
	rm -rf "$dir/modules"
	kmake INSTALL_MOD_PATH="$dir/modules" INSTALL_MOD_STRIP=1 modules_install
	cp "$tree/arch/x86/boot/bzImage" "$dir/vmlinuz"
	kmake -s kernelrelease >"$dir/release"
}
# A subshell of its own, not a condition: errexit must stay in force there.
set +e
(build) >"$log" 2>&1
rc=$?
set -e
if [ "$rc" != 0 ]; then
	echo "debug-kernel: build failed; the end of $log:" >&2
	tail -n 30 "$log" >&2
	exit 1
fi
echo $(($(date +%s) - start)) >"$dir/build.time"
touch "$dir/done"
echo "debug-kernel: built $(cat "$dir/release") in $(cat "$dir/build.time") s" >&2
echo "$dir"
