#!/bin/sh
# Issue 8, point 1: the seed README's three netconf examples (../shared/seed/
# multus-tke-README.zh.md), with their text exactly as written: no cniVersion (so 0.1.0
# netconfs), no confDir/cniDir/binDir (so the defaults), kubeconfig /root/.kube/config, and
# LogFile /var/log/multus.log. The delegates they name are real plugins:
#
#   tke-bridge                   tests/netns/bin/tke-bridge (execs bridge), config without cniVersion
#   flannel-conf                 bridge + host-local, cniVersion 0.3.1
#   sriov-conf                   macvlan (SR-IOV stand-in) on veth up0, cniVersion 0.2.0
#   sriov-vlanid-l2enable-conf   conflist macvlan on up1 + tuning, cniVersion 1.0.0
#
# The paths the examples name exist only in this test's private mount namespace: /etc and
# /root are overlays whose writes land in $T (/etc/cni/net.d/multus is the default confDir,
# /root/.kube/config the test API server's kubeconfig), /var/log is a tmpfs; run.sh already
# made /var/lib/cni (the default cniDir and host-local's dataDir) a tmpfs. Nothing on the host
# changes.
. "$SRC/tests/netns/lib.sh"
setup_dirs
. "$SRC/tests/netns/k8s_lib.sh"

# private DIR: DIR as an overlay whose upper layer is a tmpfs under $T.
private() {
	mkdir -p "$T/ov$1" && mount -t tmpfs tmpfs "$T/ov$1" && mkdir "$T/ov$1/u" "$T/ov$1/w" &&
		mount -t overlay overlay -o "lowerdir=$1,upperdir=$T/ov$1/u,workdir=$T/ov$1/w" "$1"
}
if ! private /etc || ! private /root || ! mount -t tmpfs tmpfs /var/log; then
	skip "the seed README's netconfs at their own paths" "cannot mount overlay/tmpfs in the test's mount namespace"
	done_testing
	exit
fi
CONFD=/etc/cni/net.d/multus
mkdir -p "$CONFD" /root/.kube

# --- The three examples, copied verbatim ------------------------------------------------------
# "### 配置 kubeconfig", step 1:
cat >"$T/nc1" <<'JSON'
{
    "name": "node-cni-network",
    "type": "multus",
    "kubeconfig": "/root/.kube/config"
}
JSON
# "### 配置 kubeconfig 和默认委托 cni", step 1:
cat >"$T/nc2" <<'JSON'
{
    "name": "node-cni-network",
    "type": "multus",
    "kubeconfig": "/root/.kube/config",
    "defaultDelegates": "tke-bridge"
}
JSON
# The second with the two lines of "## 日志选项" ("### 将日志输出到文件", "### 设置日志登记"),
# each verbatim, added as its first keys (they end with a comma).
cat >"$T/nc3" <<'JSON'
{
    "LogFile": "/var/log/multus.log",
    "LogLevel": "debug",
    "name": "node-cni-network",
    "type": "multus",
    "kubeconfig": "/root/.kube/config",
    "defaultDelegates": "tke-bridge"
}
JSON
# When the seed README is at hand, the copies are checked against it.
SEED_README=${SEED_README:-/work/shared/seed/multus-tke-README.zh.md}
if [ -r "$SEED_README" ]; then
	# Every fenced block that holds a netconf ("type": "multus"), one file each.
	awk -v dir="$T" '/^```/ { if (inb) { inb = 0; if (txt ~ /"type": "multus"/) { n++; printf "%s", txt > (dir "/readme" n) } } else { inb = 1; txt = "" } next } inb { txt = txt $0 "\n" }' "$SEED_README"
	check "the seed README has exactly two netconf blocks" sh -c "[ -e '$T/readme2' ] && [ ! -e '$T/readme3' ]"
	check "example 1 is the README's text" cmp "$T/readme1" "$T/nc1"
	check "example 2 is the README's text" cmp "$T/readme2" "$T/nc2"
	check "example 3's log lines are the README's" sh -c "grep -qxF '    \"LogFile\": \"/var/log/multus.log\",' '$SEED_README' && grep -qxF '    \"LogLevel\": \"debug\",' '$SEED_README' && sed -n 2,3p '$T/nc3' | grep -cxF -f - '$SEED_README' | grep -qx 2"
	check "example 3 is example 2 plus those two lines" sh -c "sed 2,3d '$T/nc3' | cmp - '$T/nc2'"
else
	skip "the copies match the seed README" "$SEED_README is not here"
fi

# --- The delegates they name, in the default confDir -------------------------------------------
for p in up0 up1; do
	ip link add $p type veth peer name ${p}p && ip link set $p up && ip link set ${p}p up
done
printf '{"name":"tke-bridge","type":"tke-bridge","bridge":"cbr0","isGateway":true,"ipam":{"type":"host-local","subnet":"10.40.0.0/24","dataDir":"%s"}}\n' "$IPAM" >"$CONFD/tke-bridge.conf"
printf '{"cniVersion":"0.3.1","name":"flannel-conf","type":"bridge","bridge":"br-fl","isGateway":true,"ipam":{"type":"host-local","subnet":"10.41.0.0/24","dataDir":"%s"}}\n' "$IPAM" >"$CONFD/flannel-conf.conf"
printf '{"cniVersion":"0.2.0","name":"sriov-conf","type":"macvlan","master":"up0","mode":"bridge","ipam":{"type":"host-local","subnet":"10.42.0.0/24","dataDir":"%s"}}\n' "$IPAM" >"$CONFD/sriov-conf.conf"
printf '{"cniVersion":"1.0.0","name":"sriov-vlanid-l2enable-conf","plugins":[{"type":"macvlan","master":"up1","mode":"bridge","ipam":{"type":"host-local","subnet":"10.43.0.0/24","dataDir":"%s"}},{"type":"tuning","mtu":1280}]}\n' "$IPAM" >"$CONFD/sriov-vlanid-l2enable-conf.conflist"

check "API server starts" api_start
cp "$API/kubeconfig" /root/.kube/config
ip netns add pod
links() { ip netns exec pod ip -o link | awk -F': ' '{print $2}' | cut -d@ -f1 | sort | tr '\n' ' '; }
clean() { # ID: the pod has only lo, the store entry is gone, every lease released
	[ "$(links)" = "lo " ] && [ ! -e "/var/lib/cni/multus/$1.json" ] &&
		[ "$(ls "$IPAM"/* 2>/dev/null | grep -c '^10\.')" = 0 ]
}
# sadd NETCONF ID NS POD / sdel ...: as kubelet calls the plugin (CNI_PATH has tke-bridge).
sadd() { multus ADD "$2" eth0 /run/netns/pod "$(kargs "$3" "$4")" <"$1"; }
sdel() { multus DEL "$2" eth0 /run/netns/pod "$(kargs "$3" "$4")" <"$1"; }

# Example 1 with the README's samplepod (tke.cloud.tencent.com/networks: tke-bridge).
pod default samplepod tke.cloud.tencent.com/networks tke-bridge
sadd "$T/nc1" e1 default samplepod
check "example 1, samplepod: ADD succeeds" [ "$RC" -eq 0 ]
check "example 1, samplepod: eth0 from tke-bridge (bridge cbr0, 10.40.0.x)" sh -c "ip -o link show master cbr0 | grep -q veth && ip netns exec pod ip -o -4 addr show eth0 | grep -q 'inet 10.40.0.'"
check "example 1: the result in the 0.2.0 form for a 0.1.0 caller" \
	jq_out '.cniVersion == "0.1.0" and (.ip4.ip | startswith("10.40.0.")) and .ip4.gateway == "10.40.0.1" and (has("interfaces") or has("ips") | not)'
check "example 1: the store entry is in the default cniDir" [ -e /var/lib/cni/multus/e1.json ]
sdel "$T/nc1" e1 default samplepod
check "example 1, samplepod: DEL succeeds" [ "$RC" -eq 0 ]
check "example 1, samplepod: nothing left" clean e1

# Example 1 with the README's multus-multi-net-poc (its annotation as the YAML folds it).
pod default multus-multi-net-poc tke.cloud.tencent.com/networks \
	'[ { "name": "flannel-conf" }, { "name": "sriov-conf" }, { "name": "sriov-vlanid-l2enable-conf", "interfaceRequest": "north" } ]'
sadd "$T/nc1" e2 default multus-multi-net-poc
check "example 1, multus-multi-net-poc: ADD succeeds" [ "$RC" -eq 0 ]
check "example 1, multus-multi-net-poc: lo, eth0, eth1, north" [ "$(links)" = "eth0 eth1 lo north " ]
check "eth0 is flannel-conf (bridge, 10.41.0.x)" sh -c "ip netns exec pod ip -o -4 addr show eth0 | grep -q 'inet 10.41.0.'"
check "eth1 is sriov-conf (macvlan, 10.42.0.x; spoken to in 0.2.0)" sh -c "ip netns exec pod ip -d link show eth1 | grep -q macvlan && ip netns exec pod ip -o -4 addr show eth1 | grep -q 'inet 10.42.0.'"
check "north is the conflist (macvlan, 10.43.0.x, MTU 1280)" sh -c "ip netns exec pod ip link show north | grep -q 'mtu 1280' && ip netns exec pod ip -o -4 addr show north | grep -q 'inet 10.43.0.'"
check "multus-multi-net-poc: the master's result (eth0) in the 0.2.0 form" jq_out '(.ip4.ip | startswith("10.41.0.")) and .cniVersion == "0.1.0"'
check "multus-multi-net-poc: each delegate's version is stored" sh -c "jq -e '[.attachments[].cniVersion] == [\"0.3.1\",\"0.2.0\",\"1.0.0\"]' /var/lib/cni/multus/e2.json"
sdel "$T/nc1" e2 default multus-multi-net-poc
check "multus-multi-net-poc: DEL succeeds" [ "$RC" -eq 0 ]
check "multus-multi-net-poc: nothing left" clean e2

# Example 2 with the README's multus-test pod (no annotation): defaultDelegates tke-bridge.
pod default multus-test
sadd "$T/nc2" e3 default multus-test
check "example 2, multus-test: ADD succeeds" [ "$RC" -eq 0 ]
check "example 2, multus-test: eth0 from tke-bridge" sh -c "[ '$(links)' = 'eth0 lo ' ] && ip netns exec pod ip -o -4 addr show eth0 | grep -q 'inet 10.40.0.'"
check "example 2: 0.2.0 form" jq_out '.cniVersion == "0.1.0" and (.ip4.ip | startswith("10.40.0."))'
sdel "$T/nc2" e3 default multus-test
check "example 2, multus-test: DEL succeeds" [ "$RC" -eq 0 ]
check "example 2, multus-test: nothing left" clean e3
# DEL needs neither the pod nor the API: the store entry is enough.
sadd "$T/nc2" e4 default multus-test
api_stop
sdel "$T/nc2" e4 default multus-test
check "example 2: DEL with the API server gone succeeds" [ "$RC" -eq 0 ]
check "example 2: nothing left after DEL without API" clean e4
check "API server restarts" api_start
cp "$API/kubeconfig" /root/.kube/config

# Example 3: the same, logging at debug to /var/log/multus.log.
sadd "$T/nc3" e5 default multus-test
check "example 3: ADD succeeds" [ "$RC" -eq 0 ]
check "example 3: /var/log/multus.log has debug lines for the container" grep -q ' debug \[e5\] ' /var/log/multus.log
check "example 3: the log file is 0600" [ "$(stat -c %a /var/log/multus.log)" = 600 ]
sdel "$T/nc3" e5 default multus-test
check "example 3: DEL succeeds" [ "$RC" -eq 0 ]
check "example 3: nothing left" clean e5
check "example 3: DEL is logged too" grep -q ' \[e5\] DEL' /var/log/multus.log
done_testing
