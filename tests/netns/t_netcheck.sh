#!/bin/sh
# Issue 4, point 7: the kernel's truth checked around misbehaving delegates; --verify.
#
#   pod netns "v":  eth0 (bridge br-k, 10.21.0.0/24)  eth1/... (the delegate under test)
. "$SRC/tests/netns/lib.sh"
setup_dirs
export PLUGINS
bridge_conf base br-k 10.21.0.0/24
printf '{"cniVersion":"1.0.0","name":"liar-net","type":"liar"}\n' >"$CONF/liar-net.conf"
printf '{"cniVersion":"1.0.0","name":"misnamed","type":"misname","inner":"bridge","bridge":"br-m","ipam":{"type":"host-local","subnet":"10.22.0.0/24","dataDir":"%s"}}\n' "$IPAM" >"$CONF/misnamed.conf"
printf '{"cniVersion":"1.0.0","name":"leaks","type":"leaky","inner":"bridge","bridge":"br-l","ipam":{"type":"host-local","subnet":"10.23.0.0/24","dataDir":"%s"}}\n' "$IPAM" >"$CONF/leaks.conf"
macvlan_conf side parent9 10.24.0.0/24
ip netns add v

# (a) a delegate that says ok and creates nothing.
netconf m '"defaultDelegates":"base,liar-net"' >"$T/nc"
multus ADD a1 eth0 /run/netns/v <"$T/nc"
check "(a) liar: ADD fails" [ "$RC" -ne 0 ]
check "(a) liar: the error says no interface appeared" jq_out '.msg | contains("no interface \"eth1\"") and contains("liar-net")'
check "(a) liar: the earlier attachment is rolled back" sh -c '! ip netns exec v ip link show eth0 2>/dev/null'
check "(a) liar: its IP released, no store entry" sh -c "[ \$(ls '$IPAM/base' | grep -c '^10\\.') = 0 ] && [ ! -e '$STORE/a1.json' ]"

# (b) a delegate that names its interface otherwise.
netconf m '"defaultDelegates":"base,misnamed"' >"$T/nc"
multus ADD b1 eth0 /run/netns/v <"$T/nc"
check "(b) misname: ADD succeeds" [ "$RC" -eq 0 ]
check "(b) misname: the link carries the planned name eth1" sh -c 'ip netns exec v ip link show eth1 >/dev/null && ! ip netns exec v ip link show wrong0 2>/dev/null'
check "(b) misname: eth1 is up with its address" sh -c "ip netns exec v ip -o -4 addr show eth1 | grep -q 'inet 10.22.0.' && ip netns exec v ip link show eth1 | grep -q ',UP'"
check "(b) misname: the store's result says eth1" sh -c "jq -e '.attachments[1].result.interfaces | map(select(.sandbox != null)) | .[0].name == \"eth1\"' '$STORE/b1.json'"
# (Its own CHECK would fail: host-local booked the lease under the wrong name. Ours looks.)
"$MULTUS" --verify v --cni-dir "$STORE" >"$T/verify.out" 2>&1
check "(b) misname: --verify finds the repaired attachment as recorded" grep -q 'result: ok' "$T/verify.out"
multus DEL b1 eth0 /run/netns/v <"$T/nc"
check "(b) misname: DEL cleans everything" sh -c "[ $RC -eq 0 ] && [ \$(ip netns exec v ip -o link | wc -l) -eq 1 ]"

# (b) again dual-stack: the rename (down, rename, up) must not cost the IPv6 address.
sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
ip netns exec v sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
printf '{"cniVersion":"1.0.0","name":"misnamed6","type":"misname","inner":"bridge","bridge":"br-m6","ipam":{"type":"host-local","ranges":[[{"subnet":"10.25.0.0/24"}],[{"subnet":"fd25::/64"}]],"dataDir":"%s"}}\n' "$IPAM" >"$CONF/misnamed6.conf"
netconf m '"defaultDelegates":"base,misnamed6"' >"$T/nc"
multus ADD b6 eth0 /run/netns/v <"$T/nc"
check "(b) misname dual-stack: ADD succeeds" [ "$RC" -eq 0 ]
check "(b) misname dual-stack: eth1 kept its IPv6 address through the rename" sh -c "ip netns exec v ip -o -6 addr show eth1 scope global | grep -q 'inet6 fd25::'"
"$MULTUS" --verify v --cni-dir "$STORE" >"$T/verify.out" 2>&1
check "(b) misname dual-stack: --verify finds both addresses" grep -q 'result: ok' "$T/verify.out"
multus DEL b6 eth0 /run/netns/v <"$T/nc"

# (c) a delegate that leaves its link behind on DEL.
netconf m '"defaultDelegates":"base,leaks"' >"$T/nc"
multus ADD c1 eth0 /run/netns/v <"$T/nc"
check "(c) leaky: ADD succeeds" [ "$RC" -eq 0 ]
peer=$(ip netns exec v ip -o link show eth1 | sed -n 's/.*@if\([0-9]*\).*/\1/p')
multus DEL c1 eth0 /run/netns/v <"$T/nc"
check "(c) leaky: DEL succeeds" [ "$RC" -eq 0 ]
check "(c) leaky: the leftover eth1 is deleted" sh -c '! ip netns exec v ip link show eth1 2>/dev/null'
check "(c) leaky: its host-side veth peer went with it" sh -c "! ip -o link | grep -q '^$peer:'"
check "(c) leaky: the log says it swept a link" grep -q 'deleted 1 leftover link' "$T/err"
check "(c) leaky: store entry removed" [ ! -e "$STORE/c1.json" ]
multus ADD c2 eth0 /run/netns/v <"$T/nc"
multus DEL c2 eth0 "" <"$T/nc"
check "(c) leaky, DEL without CNI_NETNS: the sweep uses the netns ADD saw" sh -c "[ $RC -eq 0 ] && ! ip netns exec v ip link show eth1 2>/dev/null"

# (d) the planned name is taken already.
ip netns exec v ip link add eth1 type veth peer name other1
netconf m '"defaultDelegates":"base,side@eth1"' >"$T/nc"
multus ADD d1 eth0 /run/netns/v <"$T/nc"
check "(d) taken: ADD fails" [ "$RC" -ne 0 ]
check "(d) taken: the error names eth1" jq_out '.msg | contains("\"eth1\" already exists")'
check "(d) taken: nothing left behind (eth0 rolled back, IPs released)" sh -c "! ip netns exec v ip link show eth0 2>/dev/null && [ \$(ls '$IPAM/base' | grep -c '^10\\.') = 0 ] && [ \$(ls '$IPAM/side' 2>/dev/null | grep -c '^10\\.') = 0 ]"
check "(d) taken: the pre-existing eth1 is untouched" has_link v eth1
ip netns exec v ip link del eth1

# (e) --verify.
ip netns exec v ip link add keep0 type veth peer name keep0p
netconf m '"defaultDelegates":"base,side"' >"$T/nc"
multus ADD e1 eth0 /run/netns/v <"$T/nc"
check "(e) ADD for verify" [ "$RC" -eq 0 ]
"$MULTUS" --verify v --cni-dir "$STORE" >"$T/out" 2>&1; rc=$?
check "(e) healthy pod: exit 0" [ "$rc" -eq 0 ]
check "(e) links that were there before ADD (keep0, keep0p) are explained, not stray" sh -c "[ $rc -eq 0 ] && ! grep -q 'unexplained link' '$T/out'"
check "(e) healthy pod: text says ok for both" sh -c "grep -c '^  eth[01] .* ok$' '$T/out' | grep -qx 2 && grep -q 'result: ok' '$T/out'"
"$MULTUS" --verify /run/netns/v --json --cni-dir "$STORE" >"$T/out" 2>&1; rc=$?
check "(e) --json by path: exit 0 and parses" sh -c "[ $rc -eq 0 ] && jq -e '.ok == true and (.entries[0].attachments | length) == 2' '$T/out'"
ip netns exec v sleep 30 >/dev/null 2>&1 &
sp=$!
sleep 0.3
"$MULTUS" --verify "$sp" --cni-dir "$STORE" >/dev/null 2>&1; rc=$?
kill "$sp" 2>/dev/null
check "(e) NETNS given as a pid: exit 0" [ "$rc" -eq 0 ]
ip netns exec v ip addr flush dev eth1
"$MULTUS" --verify v --cni-dir "$STORE" >"$T/out" 2>&1; rc=$?
check "(e) address removed: exit 1" [ "$rc" -eq 1 ]
check "(e) address removed: named" sh -c "grep -q 'eth1: address 10.24.0.[0-9]*/24 is missing' '$T/out'"
ip netns exec v ip link del eth1
"$MULTUS" --verify v --json --cni-dir "$STORE" >"$T/out" 2>&1; rc=$?
check "(e) link deleted: exit 1 naming it" sh -c "[ $rc -eq 1 ] && jq -e '.entries[0].attachments[1].problems == [\"eth1: link is missing\"]' '$T/out'"
ip netns exec v ip link add stray0 type veth peer name stray0p
"$MULTUS" --verify v --cni-dir "$STORE" >"$T/out" 2>&1; rc=$?
check "(e) stray links reported" sh -c "[ $rc -eq 1 ] && grep -q 'unexplained link: stray0' '$T/out'"
"$MULTUS" --verify nosuchns --cni-dir "$STORE" >"$T/out" 2>&1; rc=$?
check "(e) bad NETNS: exit 2 with a message" sh -c "[ $rc -eq 2 ] && grep -q 'nosuchns' '$T/out'"
"$MULTUS" --verify "$T/nc" --cni-dir "$STORE" >/dev/null 2>&1; rc=$?
check "(e) a regular file as NETNS: exit 2" [ "$rc" -eq 2 ]
"$MULTUS" --verify >/dev/null 2>&1; rc=$?
check "(e) no NETNS: exit 2" [ "$rc" -eq 2 ]
ip netns exec v ip link del stray0
multus CHECK e1 eth0 /run/netns/v <"$T/nc"
check "(e) CHECK fails naming the missing link" sh -c "[ $RC -ne 0 ] && jq -e '.msg | contains(\"eth1: link is missing\")' '$T/out'"
multus DEL e1 eth0 /run/netns/v <"$T/nc"
check "(e) DEL after drift still succeeds" [ "$RC" -eq 0 ]

# (f) default-route moved to a secondary attachment as requested.
netconf m '"defaultDelegates":"[{\"name\":\"base\"},{\"name\":\"side\",\"default-route\":[\"10.24.0.1\"]}]"' >"$T/nc"
multus ADD f1 eth0 /run/netns/v <"$T/nc"
check "(f) ADD with default-route on eth1" [ "$RC" -eq 0 ]
check "(f) the only IPv4 default route goes via 10.24.0.1 dev eth1" sh -c "[ \"\$(ip netns exec v ip -4 route show default)\" = 'default via 10.24.0.1 dev eth1 ' ] || [ \"\$(ip netns exec v ip -4 route show default)\" = 'default via 10.24.0.1 dev eth1' ]"
"$MULTUS" --verify v --cni-dir "$STORE" >"$T/out" 2>&1; rc=$?
check "(f) --verify agrees" [ "$rc" -eq 0 ]
ip netns exec v ip route del default
"$MULTUS" --verify v --cni-dir "$STORE" >"$T/out" 2>&1; rc=$?
check "(f) default route removed: --verify says so" sh -c "[ $rc -eq 1 ] && grep -q 'default route via 10.24.0.1 is not as planned' '$T/out'"
multus DEL f1 eth0 /run/netns/v <"$T/nc"
check "(f) DEL" [ "$RC" -eq 0 ]
done_testing
