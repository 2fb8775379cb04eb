#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# hvg-kmemleak [WHEN]: on a kernel with kmemleak (the debug kernel), scan now
# and print every suspected leak (kmemleak's "unreferenced object" reports,
# which fail a run: selftests/run-tests.sh) with a header naming WHEN. Each
# leak is reported once: the list is cleared after it is printed.
# Exit status 1 when it found a leak; 0 otherwise, and on kernels without
# kmemleak, where it does nothing.
f=/sys/kernel/debug/kmemleak
[ -w "$f" ] || exit 0
# kmemleak ignores objects younger than 5 s, and an object whose contents
# changed since the previous scan (every new one) waits for the next: so
# two scans, 10 s or more each under TCG.
sleep 6
echo scan >"$f"
echo scan >"$f"
leaks=$(cat "$f")
[ -n "$leaks" ] || exit 0
echo "hvg-kmemleak: $(echo "$leaks" | grep -c 'unreferenced object') suspected leaks${1:+ after $1}:"
echo "$leaks"
echo clear >"$f"
exit 1
