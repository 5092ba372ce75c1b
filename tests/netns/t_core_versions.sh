#!/bin/sh
# Issue 2, 10a: bridge+host-local (eth0) and macvlan (eth1) together, for each caller version.
#
#   pod netns "p"  eth0 --veth-- br-v (host side, 10.1.0.1)   eth1 (macvlan on parent0)
. "$SRC/tests/netns/lib.sh"
setup_dirs
bridge_conf br-net br-v 10.1.0.0/24 0.4.0
macvlan_conf mv-net parent0 10.2.0.0/24 1.0.0
ip netns add p
for v in 0.3.0 0.3.1 0.4.0 1.0.0 1.1.0; do
	netconf multus '"defaultDelegates":"br-net,mv-net"' "$v" >"$T/nc"
	multus ADD c-$v eth0 /run/netns/p <"$T/nc"
	check "$v: ADD succeeds" [ "$RC" -eq 0 ]
	check "$v: result cniVersion is the caller's" jq_out ".cniVersion == \"$v\""
	case $v in
	0.3.*|0.4.0) check "$v: ips carry version" jq_out '.ips[0].version == "4"' ;;
	*) check "$v: ips carry no version" jq_out '.ips[0] | has("version") | not' ;;
	esac
	check "$v: result is the master's (bridge 10.1.0.x)" jq_out '.ips[0].address | startswith("10.1.0.")'
	check "$v: result names eth0 in the sandbox" jq_out '[.interfaces[] | select(.sandbox != null and .sandbox != "") | .name] == ["eth0"]'
	addr0=$(jq -r '.ips[0].address' "$T/out")
	check "$v: eth0 has the result's address" sh -c "ip netns exec p ip -o addr show eth0 | grep -q ' $addr0 '"
	check "$v: eth1 exists with a 10.2.0.x address" sh -c "ip netns exec p ip -o -4 addr show eth1 | grep -q 'inet 10.2.0.'"
	check "$v: lo is up" sh -c "ip netns exec p ip link show lo | grep -q 'UP'"
	multus DEL c-$v eth0 /run/netns/p <"$T/nc"
	check "$v: DEL succeeds" [ "$RC" -eq 0 ]
	check "$v: no eth0/eth1 left" sh -c '! ip netns exec p ip link show eth0 2>/dev/null && ! ip netns exec p ip link show eth1 2>/dev/null'
	check "$v: IPAM released" [ "$(ipam_count br-net)$(ipam_count mv-net)" = "00" ]
	check "$v: store entry gone" [ ! -e "$STORE/c-$v.json" ]
done
done_testing
