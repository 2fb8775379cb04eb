#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run test dirs inside the guest: guest-tests.sh DIR...
# Each executable *.sh in /selftests/DIR runs with HVG_LANE exported, under
# the timeout of DIR/settings (timeout=N, default 300). Its output goes to the
# console (stderr); each top-level TAP result goes to stdout prefixed
# "DIR/SCRIPT: ", e.g. "hvcall/synic.sh: ok 1 - sint masked". A script that
# fails without a "not ok", times out, or reports nothing gets a "not ok" line
# of its own; exit status 4 (kselftest's skip) gets "ok - SCRIPT # SKIP".
# On the debug kernel, timeouts are scaled by HVG_SLOWDOWN and a kmemleak
# scan follows every script (load/unload cycles leak there first): a leak
# gets "DIR/SCRIPT: not ok - kmemleak ...".

run_script() {	# run_script DIR SCRIPT TIMEOUT
	tag="$1/$2"
	start=$(date +%s)
	echo "# ---- $tag (timeout $3 s)" >&2
	(
		set -o pipefail
		cd "/selftests/$1" && timeout "$3" "./$2" </dev/null 2>&1 |
			while IFS= read -r line; do
				echo "$line" >&2
				case $line in
				"ok "* | "not ok "* | "Bail out!"*) echo "$tag: $line" ;;
				esac
			done
	) >/tmp/hvg-tap
	rc=$?
	cat /tmp/hvg-tap
	if grep -q "^$tag: not ok\|^$tag: Bail out!" /tmp/hvg-tap; then
		:
	elif [ "$rc" = 143 ] && [ $(($(date +%s) - start)) -ge "$3" ]; then
		echo "$tag: not ok - $2 timed out after $3 s"
	elif [ "$rc" = 4 ]; then
		echo "$tag: ok - $2 # SKIP exit status 4"
	elif [ "$rc" != 0 ]; then
		echo "$tag: not ok - $2 exited with status $rc"
	elif ! [ -s /tmp/hvg-tap ]; then
		echo "$tag: not ok - $2 reported no TAP result"
	fi
	hvg-kmemleak "$tag" >&2 ||
		echo "$tag: not ok - kmemleak: suspected leaks after $2 (console log)"
}

for dir; do
	if ! [ -d "/selftests/$dir" ]; then
		echo "$dir: not ok - no test dir /selftests/$dir"
		continue
	fi
	timeout=$(sed -n 's/^timeout=//p' "/selftests/$dir/settings" 2>/dev/null)
	found=
	for script in "/selftests/$dir"/*.sh; do
		[ -x "$script" ] || continue
		found=1
		run_script "$dir" "$(basename "$script")" $((${timeout:-300} * ${HVG_SLOWDOWN:-1}))
	done
	[ -n "$found" ] || echo "$dir: not ok - no executable *.sh test"
done
