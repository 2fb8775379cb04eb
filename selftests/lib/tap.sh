# SPDX-License-Identifier: GPL-2.0
# TAP aggregation for bash runners: tap_result renumbers results from many
# sources into one sequence and counts them; tap_summary closes the run.

tap_n=0 tap_passed=0 tap_failed=0 tap_skipped=0

# tap_result LINE [PREFIX]: LINE is "ok [N] [- ]DESC [# DIRECTIVE]", the same
# with "not ok", or "Bail out! MSG"; PREFIX goes before DESC. A SKIP directive
# (or TODO on a failure) counts as skipped.
tap_result() {
	local line=$1 prefix=${2:-} ok desc
	case $line in
	"not ok"*) ok=0 desc=${line#not ok} ;;
	"ok"*) ok=1 desc=${line#ok} ;;
	*) ok=0 desc="bail out: ${line#Bail out!}" ;;
	esac
	[[ $desc =~ ^\ *[0-9]*\ *(-\ )?(.*)$ ]] && desc=${BASH_REMATCH[2]}
	tap_n=$((tap_n + 1))
	shopt -s nocasematch
	if [[ $desc == *"# skip"* || ($ok = 0 && $desc == *"# todo"*) ]]; then
		tap_skipped=$((tap_skipped + 1))
	elif [ $ok = 1 ]; then
		tap_passed=$((tap_passed + 1))
	else
		tap_failed=$((tap_failed + 1))
	fi
	shopt -u nocasematch
	[ $ok = 1 ] && echo "ok $tap_n - $prefix$desc" || echo "not ok $tap_n - $prefix$desc"
}

# tap_summary: the plan, the closing line; status 1 on any failure.
tap_summary() {
	local skipped=
	[ "$tap_skipped" = 0 ] || skipped=", $tap_skipped skipped"
	echo "1..$tap_n"
	echo "$tap_passed passed, $tap_failed failed$skipped"
	[ "$tap_failed" = 0 ]
}
