#!/bin/sh
# Runs each tests/netns/t_*.sh (or the files given after the binary) in a fresh network and
# mount namespace with a private /run/netns and its own temp dir, then prints one summary line.
# Needs root; without it every file is skipped with the reason.
set -u
MULTUS=$1
shift
SRC=$(cd "$(dirname "$0")/../.." && pwd)
files=${*:-$(ls "$SRC"/tests/netns/t_*.sh)}
passed=0 failed=0 broken=""
if [ "$(id -u)" -ne 0 ]; then
	echo "netns: skipped, needs root (unshare -n -m)"
	echo "netns: 0 passed, 0 failed"
	exit 0
fi
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
[ -n "$broken" ] && echo "netns: failing:$broken"
echo "netns: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
