#!/bin/sh
# The main job, shown: a pod with the seed README's three networks in a throwaway network
# namespace, with the real reference plugins and host-local IPAM; then DEL, and proof that
# nothing is left. Runs inside its own `unshare -n -m`, so the machine is not touched.
#
#   pod netns "demo-pod"
#     eth0  --veth-->  br-demo (bridge "flannel-conf", 10.42.0.0/24, gateway 10.42.0.1)
#     eth1  macvlan on uplink0 ("sriov-conf", 10.56.217.0/24)
#     north macvlan on uplink1 + tuning MTU 1400 ("sriov-vlanid-l2enable-conf", 10.77.0.0/24)
set -eu
MULTUS=${1:?usage: demo.sh /path/to/multus}
if [ "${DEMO_INSIDE:-}" != 1 ]; then
	[ "$(id -u)" -eq 0 ] || { echo "demo: needs root (network namespaces)" >&2; exit 1; }
	exec env DEMO_INSIDE=1 unshare -n -m --propagation private sh "$0" "$MULTUS"
fi
mount -t tmpfs tmpfs /run/netns 2>/dev/null || { mkdir -p /run/netns && mount -t tmpfs tmpfs /run/netns; }
ip link set lo up
D=$(mktemp -d /tmp/multus-demo.XXXXXX)
trap 'rm -rf "$D"' EXIT
mkdir -p "$D/net.d" "$D/ipam"
for up in uplink0 uplink1; do
	ip link add "$up" type veth peer name "${up}-peer"
	ip link set "$up" up
	ip link set "${up}-peer" up
done
cat >"$D/net.d/10-flannel-conf.conf" <<J
{"cniVersion":"1.0.0","name":"flannel-conf","type":"bridge","bridge":"br-demo","isGateway":true,
 "ipam":{"type":"host-local","subnet":"10.42.0.0/24","dataDir":"$D/ipam"}}
J
cat >"$D/net.d/20-sriov-conf.conf" <<J
{"cniVersion":"1.0.0","name":"sriov-conf","type":"macvlan","master":"uplink0","mode":"bridge",
 "ipam":{"type":"host-local","subnet":"10.56.217.0/24","dataDir":"$D/ipam"}}
J
cat >"$D/net.d/30-sriov-vlanid-l2enable-conf.conflist" <<J
{"cniVersion":"1.0.0","name":"sriov-vlanid-l2enable-conf","plugins":[
 {"type":"macvlan","master":"uplink1","mode":"bridge","ipam":{"type":"host-local","subnet":"10.77.0.0/24","dataDir":"$D/ipam"}},
 {"type":"tuning","mtu":1400}]}
J
# The seed README's pod annotation, used here as the netconf's defaultDelegates.
cat >"$D/multus.conf" <<J
{"cniVersion":"1.0.0","name":"node-cni-network","type":"multus",
 "defaultDelegates":"[{\"name\":\"flannel-conf\"},{\"name\":\"sriov-conf\"},{\"name\":\"sriov-vlanid-l2enable-conf\",\"interfaceRequest\":\"north\"}]",
 "confDir":"$D/net.d","cniDir":"$D/store","binDir":"/usr/lib/cni","LogLevel":"info"}
J
ip netns add demo-pod
# run CMD [NETCONF]: multus as the runtime runs it (the netconf: $D/multus.conf).
run() {
	CNI_COMMAND=$1 CNI_CONTAINERID=demo0123 CNI_NETNS=/run/netns/demo-pod CNI_IFNAME=eth0 \
		CNI_PATH=/usr/lib/cni CNI_ARGS="IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=samplepod" \
		"$MULTUS" <"${2:-$D/multus.conf}"
}
echo "== multus ADD (netconf: $D/multus.conf)"
run ADD >"$D/result.json"
echo "== printed result (the master's, eth0):"
cat "$D/result.json"
echo "== ip -br addr in the pod:"
ip netns exec demo-pod ip -br addr
echo "== north's MTU (tuning chained in the conflist):"
ip netns exec demo-pod ip link show north | head -n1
echo "== store entry: $(ls "$D/store")"
# CHECK gets the ADD's result as prevResult, as the runtime caches and passes it.
jq -c --slurpfile r "$D/result.json" '.prevResult = $r[0]' "$D/multus.conf" >"$D/check.conf"
echo "== multus CHECK" && run CHECK "$D/check.conf" && echo "CHECK ok"
echo "== multus DEL"
run DEL
echo "== after DEL, ip -br link in the pod:"
ip netns exec demo-pod ip -br link
left_links=$(ip netns exec demo-pod ip -o link | grep -vc ': lo:' || true)
left_ips=$(find "$D/ipam" -type f -name '[0-9]*.[0-9]*' | wc -l)
left_store=$(find "$D/store" -name '*.json' | wc -l)
echo "== left behind: $left_links link(s), $left_ips IPAM allocation(s), $left_store store entr(y/ies)"
[ "$left_links" -eq 0 ] && [ "$left_ips" -eq 0 ] && [ "$left_store" -eq 0 ]
echo "demo: ok"
