#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the guest initramfs (uncompressed newc cpio): busybox, the programs in
# selftests/qemu/programs with their libraries, the suite's modules depmod'ed
# under /lib/modules/$KVER/extra (plus the in-tree modules they need), the
# selftests tree under /selftests, and the init.
# Usage: mkimage.sh OUT.cpio   (KVER from the environment or tools/kver.sh)
#        mkimage.sh --extra NAME OUT.cpio
# --extra builds an extra archive, to be appended to the base one (the kernel
# unpacks concatenated archives): the programs of the named set
# selftests/qemu/extra/NAME (same format as programs) with their libraries,
# uncompressed. It is cached: when OUT exists and OUT.key matches the set,
# this script and every file it would copy (path, size, mtime), OUT is kept.
# The debug kernel (run.sh, KERNEL=debug) sets HVG_MODTREE, the tree its
# modules were built in (default: this one), and HVG_KMODS_ROOT, where its
# in-tree modules are installed (default: the host's /).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
extra=
if [ "${1:-}" = --extra ]; then
	extra=${2:?usage: mkimage.sh --extra NAME OUT.cpio}
	shift 2
fi
out=$(realpath -m "${1:?usage: mkimage.sh [--extra NAME] OUT.cpio}")
root=$out.root.$$
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

lines() { sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$@"; }

# prog_files LIST: each program of LIST (a programs-format file) and its
# shared libraries, one path a line.
prog_files() {
	local prog path
	for prog in $(lines "$1" | awk '{ print $1 }'); do
		path=$(command -v "$prog") || { echo "mkimage: $prog not found (run tools/deps.sh)" >&2; return 1; }
		echo "$path"
		ldd "$path" 2>/dev/null | awk '/=> \// { print $3 } /^\t\// { print $1 }'
	done
}

# skeleton: an empty image tree, Debian's usr-merged layout.
skeleton() {
	rm -rf "$root"
	mkdir -p "$root"/usr/{bin,sbin,lib/x86_64-linux-gnu,lib64}
	for d in bin sbin lib lib64; do ln -s "usr/$d" "$root/$d"; done
}

copy_file() {	# copy_file PATH: copy PATH to the same path in the image
	mkdir -p "$root$(dirname "$1")"
	rm -f "$root$1"
	cp -L "$1" "$root$1"
}

if [ -n "$extra" ]; then
	set_file=$here/extra/$extra
	[ -f "$set_file" ] || { echo "mkimage: no extra program set '$extra' ($set_file)" >&2; exit 1; }
	files=$(prog_files "$set_file" | sort -u)
	# shellcheck disable=SC2086 # one path a word
	key=$({ cat "$set_file" "$0"; stat -L -c '%n %s %Y' $files; } | sha256sum | cut -d' ' -f1)
	[ -s "$out" ] && [ "$(cat "$out.key" 2>/dev/null)" = "$key" ] && exit 0
	skeleton
	for f in $files; do copy_file "$f"; done
	# The base archive has the top-level symlinks; only usr/ goes here.
	# Uncompressed: under TCG the kernel's gunzip of it costs ~2 s of boot,
	# unpacking the plain archive ~0.7 s.
	(cd "$root" && find usr | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$out.tmp.$$"
	echo "$key" >"$out.key.$$"
	mv "$out.tmp.$$" "$out"
	mv "$out.key.$$" "$out.key"
	rm -rf "$root"
	exit 0
fi

kver=${KVER:-$("$top/tools/kver.sh")}
modtree=${HVG_MODTREE:-$top}
kmods_root=${HVG_KMODS_ROOT:-}

skeleton
mkdir -p "$root"/{dev,proc,sys,tmp,run,root,etc,mnt,hvg}
mknod -m 600 "$root/dev/console" c 5 1	# the kernel opens it before init runs
mknod -m 666 "$root/dev/null" c 1 3
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\n' >"$root/etc/group"

# busybox and its applets (Debian's usr-merged layout).
cp /bin/busybox "$root/usr/bin/busybox"
busybox --list-full | while read -r applet; do
	applet=usr/${applet#usr/}
	[ -e "$root/$applet" ] || ln -s /usr/bin/busybox "$root/$applet"
done

# Named programs and their shared libraries; a program replaces an applet.
files=$(prog_files "$here/programs")
for f in $files; do
	[ -e "$root$f" ] && [ ! -L "$root$f" ] || copy_file "$f"
done

# The suite's modules, the in-tree modules they (and kmods) need, depmod.
moddir=$root/lib/modules/$kver
mkdir -p "$moddir/extra"
ours=$(cd "$modtree" && find hvcall vmbus storvsc netvsc timesync balloon selftests \
	-name '*.ko' 2>/dev/null | sort || true)
names=
for ko in $ours; do
	cp "$modtree/$ko" "$moddir/extra/"
	names="$names $(basename "$ko" .ko | tr - _)"
done
needed=$(lines "$here/kmods" | awk '$2 != "optional" { print $1 }')
# "optional" ones only where this kernel has them (virtio_blk: not in the
# debug kernel).
for mod in $(lines "$here/kmods" | awk '$2 == "optional" { print $1 }'); do
	if modprobe -d "${kmods_root:-/}" -S "$kver" --show-depends "$mod" >/dev/null 2>&1; then
		needed="$needed $mod"
	fi
done
for ko in $ours; do
	for dep in $(modinfo -F depends "$modtree/$ko" | tr , ' '); do
		case " $names " in *" ${dep//-/_} "*) ;; *) needed="$needed $dep" ;; esac
	done
done
for mod in $needed; do
	modprobe -d "${kmods_root:-/}" -S "$kver" --show-depends "$mod" |
		awk '$1 == "insmod" { print $2 }'
done | sort -u | while read -r ko; do
	mkdir -p "$root$(dirname "${ko#"$kmods_root"}")"
	cp -L "$ko" "$root${ko#"$kmods_root"}"
done
for f in modules.builtin modules.builtin.modinfo modules.order; do
	cp "$kmods_root/lib/modules/$kver/$f" "$moddir/"
done
depmod -b "$root" "$kver"

# Tests, guest-side tools, init.
mkdir -p "$root/selftests"
tar -C "$top/selftests" -cf - --exclude=./qemu --exclude='*.ko' --exclude='*.o' \
	--exclude='*.mod' --exclude='*.mod.c' --exclude='.*.cmd' --exclude='*.a' \
	--exclude=modules.order --exclude=Module.symvers . | tar -C "$root/selftests" -xf -
install -m 755 "$here/init" "$root/init"
install -m 755 "$here/guest-tests.sh" "$here/tour.sh" "$root/hvg/"
install -m 755 "$here/kmemleak.sh" "$root/usr/bin/hvg-kmemleak"
install -m 755 "$here/hvctl" "$root/usr/bin/hvctl"
lines "$here/modules" >"$root/hvg/modules"

(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$out.tmp"
mv "$out.tmp" "$out"
rm -rf "$root"
