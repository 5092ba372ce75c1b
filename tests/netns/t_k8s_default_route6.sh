#!/bin/sh
# The networks annotation's "default-route" with an IPv6 gateway (upstream's
# GatewayRequest takes either family): a dual-stack cluster network routes both families via
# eth0; a request for eth1's IPv6 gateway moves only the IPv6 default route there, one for both
# of eth1's gateways moves both, and each family keeps a single default route.
. "$SRC/tests/netns/lib.sh"
setup_dirs
. "$SRC/tests/netns/k8s_lib.sh"
check "API server starts" api_start
KC=$API/kubeconfig
ip netns add pod
# No duplicate address detection in this test's own namespaces: the routes go on at once.
sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
ip netns exec pod sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
printf '{"cniVersion":"1.0.0","name":"dual","type":"bridge","bridge":"br-d","isGateway":true,"ipam":{"type":"host-local","ranges":[[{"subnet":"10.40.0.0/24"}],[{"subnet":"fd00:40::/64"}]],"routes":[{"dst":"0.0.0.0/0"},{"dst":"::/0"}],"dataDir":"%s"}}\n' \
	"$IPAM" >"$CONF/10-dual.conf"
netconf multus-cni-network '"kubeconfig":"'"$KC"'","clusterNetwork":"dual"' >"$T/nc"
nad default v6net "$(printf '{"cniVersion":"1.0.0","name":"v6net","type":"bridge","bridge":"br-6","isGateway":true,"ipam":{"type":"host-local","ranges":[[{"subnet":"fd00:41::/64"}],[{"subnet":"10.41.0.0/24"}]],"dataDir":"%s"}}' "$IPAM")"
def6() { ip netns exec pod ip -6 route show default | awk '{print $1, $2, $3, $4, $5}' | tr '\n' ';'; }
def4() { ip netns exec pod ip -4 route show default | awk '{print $1, $2, $3, $4, $5}' | tr '\n' ';'; }

pod default plain
multus ADD d0 eth0 /run/netns/pod "$(kargs default plain)" <"$T/nc"
check "baseline: the dual-stack cluster network routes both families via eth0" sh -c \
	"[ $RC -eq 0 ] && [ '$(def6)' = 'default via fd00:40::1 dev eth0;' ] && [ '$(def4)' = 'default via 10.40.0.1 dev eth0;' ]"
multus DEL d0 eth0 /run/netns/pod "$(kargs default plain)" <"$T/nc"

pod default p1 k8s.v1.cni.cncf.io/networks '[{"name":"v6net","default-route":["fd00:41::1"]}]'
multus ADD d1 eth0 /run/netns/pod "$(kargs default p1)" <"$T/nc"
check "default-route fd00:41::1: ADD succeeds" sh -c "[ $RC -eq 0 ] || { cat '$T/out'; false; }"
check "default-route fd00:41::1: the only IPv6 default route is via fd00:41::1 dev eth1" [ "$(def6)" = "default via fd00:41::1 dev eth1;" ]
check "default-route fd00:41::1: IPv4's stays via 10.40.0.1 dev eth0" [ "$(def4)" = "default via 10.40.0.1 dev eth0;" ]
multus DEL d1 eth0 /run/netns/pod "$(kargs default p1)" <"$T/nc"
check "DEL: only lo left" sh -c "[ $RC -eq 0 ] && [ \$(ip netns exec pod ip -o link | wc -l) -eq 1 ]"

pod default p2 k8s.v1.cni.cncf.io/networks '[{"name":"v6net","default-route":["fd00:41::1","10.41.0.1"]}]'
multus ADD d2 eth0 /run/netns/pod "$(kargs default p2)" <"$T/nc"
check "default-route of both families: both via eth1, one each" sh -c \
	"[ $RC -eq 0 ] && [ '$(def6)' = 'default via fd00:41::1 dev eth1;' ] && [ '$(def4)' = 'default via 10.41.0.1 dev eth1;' ]"
multus DEL d2 eth0 /run/netns/pod "$(kargs default p2)" <"$T/nc"

pod default p3 k8s.v1.cni.cncf.io/networks '[{"name":"v6net","default-route":["fd00:99::1"]}]'
multus ADD d3 eth0 /run/netns/pod "$(kargs default p3)" <"$T/nc"
check "default-route to a gateway no result of eth1 names: fails, nothing left" sh -c \
	"[ $RC -ne 0 ] && grep -q 'fd00:99::1' '$T/out' && [ \$(ip netns exec pod ip -o link | wc -l) -eq 1 ] && [ ! -e '$STORE/d3.json' ]"
api_stop
done_testing
