#!/bin/sh
# A runtime's IP= and MAC= in CNI_ARGS (podman run --ip, --mac-address) ask for its own
# interface, CNI_IFNAME: the master gets them, the other attachments do not (given them, a
# second network's host-local tried to allocate the master's address in its own subnet and
# the whole ADD failed). The other pairs reach every delegate.
. "$SRC/tests/netns/lib.sh"
setup_dirs
bridge_conf ra br-ra 10.31.0.0/24
bridge_conf rb br-rb 10.32.0.0/24
netconf m '"defaultDelegates":"ra,rb"' >"$T/nc"
ip netns add ra
ARGS="IgnoreUnknown=1;K8S_POD_NAME=c1;IP=10.31.0.50;MAC=12:34:56:78:9a:bc"
multus ADD ra1 eth0 /run/netns/ra "$ARGS" <"$T/nc"
check "ADD with IP= and MAC= and a second network succeeds (rc $RC)" [ "$RC" -eq 0 ]
[ "$RC" -eq 0 ] || sed 's/^/#   /' "$T/out" "$T/err" | head -n 10
check "the master has the requested address and MAC" sh -c '
	ip netns exec ra ip -o -4 addr show dev eth0 | grep -q " 10.31.0.50/24 " &&
	[ "$(ip netns exec ra cat /sys/class/net/eth0/address)" = 12:34:56:78:9a:bc ]'
check "the printed result is the master's, with the requested address" \
	jq_out '.ips[0].address == "10.31.0.50/24" and ([.interfaces[] | select(.sandbox) | .mac] == ["12:34:56:78:9a:bc"])'
check "the second network has an address of its own subnet and another MAC" sh -c '
	ip netns exec ra ip -o -4 addr show dev eth1 | grep -q " 10.32.0.2/24 " &&
	[ "$(ip netns exec ra cat /sys/class/net/eth1/address)" != 12:34:56:78:9a:bc ]'
check "the store: the master's CNI_ARGS as sent, the other's without IP= and MAC=" jq -e "
	.attachments[0].cniArgs == \"$ARGS\" and
	.attachments[1].cniArgs == \"IgnoreUnknown=1;K8S_POD_NAME=c1\"" "$STORE/ra1.json"
multus DEL ra1 eth0 /run/netns/ra "$ARGS" <"$T/nc"
check "DEL succeeds and releases both leases" sh -c '
	[ "$1" -eq 0 ] && [ "$2 $3" = "0 0" ] && [ ! -e "$4/ra1.json" ]' sh "$RC" "$(ipam_count ra)" "$(ipam_count rb)" "$STORE"

# Without IP=/MAC= every delegate gets the runtime's CNI_ARGS as they are.
multus ADD ra2 eth0 /run/netns/ra "IgnoreUnknown=1;K8S_POD_NAME=c2;FOO=bar" <"$T/nc"
check "other pairs reach every delegate" sh -c '
	[ "$1" -eq 0 ] || { echo "rc $1"; cat "$3"; false; } && jq -e "[.attachments[].cniArgs] == [\"IgnoreUnknown=1;K8S_POD_NAME=c2;FOO=bar\",\"IgnoreUnknown=1;K8S_POD_NAME=c2;FOO=bar\"]" "$2"' sh \
	"$RC" "$STORE/ra2.json" "$T/out"
multus DEL ra2 eth0 /run/netns/ra <"$T/nc"
check "DEL of the second succeeds" [ "$RC" -eq 0 ]
done_testing
