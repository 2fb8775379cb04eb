#!/bin/sh
# Print the version of the Debian kernel the suite builds for and boots:
# the newest one under /lib/modules that has both headers (build/) and an
# image in /boot. Never the host's `uname -r`, which may be another kernel.
set -eu
for dir in $(ls -d /lib/modules/*/ 2>/dev/null | sort -rV); do
	ver=$(basename "$dir")
	if [ -e "$dir/build/Makefile" ] && [ -e "/boot/vmlinuz-$ver" ]; then
		echo "$ver"
		exit 0
	fi
done
echo "kver.sh: no kernel with headers and an image; run tools/deps.sh" >&2
exit 1
