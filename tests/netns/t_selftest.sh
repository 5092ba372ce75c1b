#!/bin/sh
# The harness itself: we are in a private netns with only lo, and /run/netns is ours.
. "$SRC/tests/netns/lib.sh"
check "only lo in the test netns" sh -c '[ "$(ip -o link | wc -l)" -eq 1 ]'
check "ip netns add works in the private /run/netns" ip netns add selftest
check "the new netns is listed" sh -c 'ip netns list | grep -q selftest'
ip netns del selftest
# The runner itself, where it cannot run (an unprivileged user): under CI=true that is a
# failure, not "0 passed, 0 failed"; elsewhere a skip with the reason.
# A copy nobody can read, wherever the checkout is ($T is root's alone).
R=$(mktemp -d /tmp/multus-runner.XXXXXX)
mkdir -p "$R/tests/netns" && cp "$SRC/tests/netns/run.sh" "$R/tests/netns/" && chmod -R a+rX "$R"
runner() { # CI_VALUE: run.sh as nobody; its output in $T/runner.out, status in $RC
	setpriv --reuid=65534 --regid=65534 --clear-groups env CI="$1" \
		sh "$R/tests/netns/run.sh" /nonexistent "$R/tests/netns/t_none.sh" >"$T/runner.out" 2>&1
	RC=$?
}
runner true
check "run.sh without root under CI=true fails, saying why" sh -c "cat '$T/runner.out'; [ $RC -ne 0 ] && grep -q 'cannot run under CI=true: needs root' '$T/runner.out' && tail -n 1 '$T/runner.out' | grep -qx 'netns: 0 passed, 1 failed'"
runner false
check "run.sh without root outside CI skips with the reason and exits 0" sh -c "cat '$T/runner.out'; [ $RC -eq 0 ] && grep -q 'skipped, needs root' '$T/runner.out'"
rm -rf "$R"
done_testing
