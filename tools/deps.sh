#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Install what building and testing hvguest needs on Debian 12, then extract
# from linux-source-6.1 the scripts the static checks use. Idempotent: when
# everything is present it only runs dpkg-query and a few tests (well under 1 s).
#
# The extracted scripts land in $BUILD/linux-source/scripts/ (default
# build/, where tools/static-check.sh looks first): checkpatch.pl,
# spelling.txt, const_structs.checkpatch.
set -eu

PKGS="qemu-system-x86 linux-image-amd64 linux-headers-amd64 busybox-static
sparse linux-source-6.1 cpio kmod gcc make libc6-dev perl xz-utils gzip"
# hvhost `storage fsck` runs e2fsck on disk images.
PKGS="$PKGS e2fsprogs"
# Building the debug guest kernel (tools/debug-kernel.sh): the kconfig
# parser, timeconst and objtool.
PKGS="$PKGS bc bison flex libelf-dev"
# The packages of the programs copied into the guest image, and of the extra
# program sets (selftests/qemu/extra/*: fio).
PKGS="$PKGS $(cat "$(dirname "$0")/../selftests/qemu/programs" \
	"$(dirname "$0")"/../selftests/qemu/extra/* 2>/dev/null | sed -e 's/#.*//' |
	awk 'NF > 1 { print $2 }' | sort -u)"
SRC_FILES="scripts/checkpatch.pl scripts/spelling.txt
scripts/const_structs.checkpatch"

installed=" $(dpkg-query -W -f='${db:Status-Abbrev}${Package}\n' $PKGS 2>/dev/null |
	sed -n 's/^ii *//p' | tr '\n' ' ')"
missing=
for p in $PKGS; do
	case $installed in *" $p "*) ;; *) missing="$missing $p" ;; esac
done

if [ -n "$missing" ]; then
	echo "deps: installing" $missing
	sudo=
	[ "$(id -u)" = 0 ] || sudo=sudo
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -q
	$sudo apt-get install -y -q --no-install-recommends $missing
fi

kver=$("$(dirname "$0")/kver.sh")

tarball=/usr/src/linux-source-6.1.tar.xz
dest=${BUILD:-$(dirname "$0")/../build}/linux-source
need=
for f in $SRC_FILES; do
	[ -s "$dest/$f" ] || need="$need linux-source-6.1/$f"
done
if [ -n "$need" ]; then
	echo "deps: extracting$need into $dest"
	mkdir -p "$dest"
	tar -xJf "$tarball" -C "$dest" --strip-components=1 $need
fi

# Fail loudly now rather than mid-build if the kernel pieces are not usable.
[ -e "/lib/modules/$kver/build/Makefile" ] && [ -e "/boot/vmlinuz-$kver" ] || {
	echo "deps: kernel $kver lacks headers or an image" >&2
	exit 1
}
