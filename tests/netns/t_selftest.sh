#!/bin/sh
# The harness itself: we are in a private netns with only lo, and /run/netns is ours.
. "$SRC/tests/netns/lib.sh"
check "only lo in the test netns" sh -c '[ "$(ip -o link | wc -l)" -eq 1 ]'
check "ip netns add works in the private /run/netns" ip netns add selftest
check "the new netns is listed" sh -c 'ip netns list | grep -q selftest'
ip netns del selftest
done_testing
