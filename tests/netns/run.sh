#!/bin/sh
# Runs each tests/netns/t_*.sh (or the files given after the binary) in a fresh network and
# mount namespace with a private /run/netns and its own temp dir, then prints one summary line.
# Needs root and unshare; without them every file is skipped with the reason, except under
# CI=true, where a tier that cannot run (or ran nothing) fails instead of passing with 0 tests.
set -u
MULTUS=$1
shift
SRC=$(cd "$(dirname "$0")/../.." && pwd)
files=${*:-$(ls "$SRC"/tests/netns/t_*.sh)}
passed=0 failed=0 broken=""
cannot_run() { # REASON
	if [ "${CI:-}" = true ]; then
		echo "netns: cannot run under CI=true: $1"
		echo "netns: 0 passed, 1 failed"
		exit 1
	fi
	echo "netns: skipped, $1"
	echo "netns: 0 passed, 0 failed"
	exit 0
}
[ "$(id -u)" -eq 0 ] || cannot_run "needs root (unshare -n -m)"
unshare -n -m true 2>/dev/null || cannot_run "unshare -n -m is not permitted here"
[ -n "$files" ] || cannot_run "no test files"
for f in $files; do
	name=$(basename "$f" .sh)
	T=$(mktemp -d "/tmp/multus-$name.XXXXXX")
	echo "# $name"
	# The inner shell makes /run/netns private to this test before anything else runs.
	env MULTUS="$MULTUS" T="$T" SRC="$SRC" PLUGINS=/usr/lib/cni TESTBIN="$SRC/tests/netns/bin" \
		timeout -k 5 "${NETNS_TEST_TIMEOUT:-300}" unshare -n -m --propagation private sh -c '
		mount -t tmpfs tmpfs /run/netns 2>/dev/null || { mkdir -p /run/netns && mount -t tmpfs tmpfs /run/netns; }
		mount -t tmpfs tmpfs /var/lib/cni 2>/dev/null || { mkdir -p /var/lib/cni && mount -t tmpfs tmpfs /var/lib/cni; }
		ip link set lo up
		exec sh "$0"' "$f" >"$T.log" 2>&1 </dev/null
	rc=$?
	cat "$T.log"
	p=$(sed -n 's/^file: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$T.log" | tail -n1)
	fl=$(sed -n 's/^file: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$T.log" | tail -n1)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${fl:-0}))
	if [ -z "$p" ] || { [ "$rc" -ne 0 ] && [ "${fl:-0}" -eq 0 ]; }; then
		echo "# $name exited $rc without finishing (timeout or crash)"
		failed=$((failed + 1))
		broken="$broken $name"
	fi
	[ "${fl:-0}" -ne 0 ] && broken="$broken $name"
	rm -rf "$T" "$T.log"
done
if [ $((passed + failed)) -eq 0 ] && [ "${CI:-}" = true ]; then
	echo "netns: no test ran"
	failed=1
fi
[ -n "$broken" ] && echo "netns: failing:$broken"
echo "netns: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
