#!/bin/sh
# Issue 3, point 8: every annotation example of the seed README and of upstream Multus's docs,
# through the test API server; NAD versus confDir file lookup; namespaceIsolation on and off.
#
#   seed:      tke.cloud.tencent.com/networks: tke-bridge            (file, then NAD)
#              tke.cloud.tencent.com/networks: '[{flannel-conf},{sriov-conf},{...,north}]'
#   upstream:  clusterNetwork k8s-pod-network (eth0) + k8s.v1.cni.cncf.io/networks: ...
. "$SRC/tests/netns/lib.sh"
setup_dirs

. "$SRC/tests/netns/k8s_lib.sh"

check "API server starts" api_start
KC=$API/kubeconfig
for p in up0 up1; do
	ip link add $p type veth peer name ${p}p && ip link set $p up && ip link set ${p}p up
done
ip netns add pod

# === seed: tke.cloud.tencent.com/networks: tke-bridge ========================================
# The seed's own netconf (plus our dirs): kubeconfig only, no default networks.
netconf node-cni-network '"kubeconfig":"'"$KC"'","apiTimeoutSeconds":5' >"$T/nc"
br_json tke-bridge br-t 10.10.0.0/24 >"$CONF/tke-bridge.conf"
pod default samplepod tke.cloud.tencent.com/networks tke-bridge
multus ADD s1 eth0 /run/netns/pod "$(kargs default samplepod)" <"$T/nc"
check "seed tke-bridge (confDir file): ADD succeeds" [ "$RC" -eq 0 ]
check "seed tke-bridge (file): eth0 has 10.10.0.2/24" [ "$(addr_of pod eth0)" = 10.10.0.2/24 ]
check "seed tke-bridge (file): eth0's peer is on bridge br-t" sh -c 'ip -o link show master br-t | grep -q veth'
check "seed tke-bridge (file): printed result is eth0's" jq_out '.ips[0].address == "10.10.0.2/24" and ([.interfaces[] | select(.sandbox != null) | .name] == ["eth0"])'
check "seed tke-bridge (file): only lo and eth0 in the pod" [ "$(ip netns exec pod ip -o link | awk -F': ' '{print $2}' | cut -d@ -f1 | sort | tr '\n' ' ')" = "eth0 lo " ]
multus DEL s1 eth0 /run/netns/pod "$(kargs default samplepod)" <"$T/nc"
check "seed tke-bridge (file): DEL leaves only lo, releases the IP" sh -c "[ $RC -eq 0 ] && [ \$(ip netns exec pod ip -o link | wc -l) -eq 1 ] && [ \$(ls '$IPAM/tke-bridge' | grep -c '^10\\.') = 0 ]"

nad default tke-bridge "$(br_json tke-bridge br-tn 10.11.0.0/24)"
multus ADD s2 eth0 /run/netns/pod "$(kargs default samplepod)" <"$T/nc"
check "seed tke-bridge (NAD): ADD succeeds" [ "$RC" -eq 0 ]
check "seed tke-bridge (NAD): eth0 has the NAD's 10.11.0.2/24 (NAD wins over the file)" [ "$(addr_of pod eth0)" = 10.11.0.2/24 ]
check "seed tke-bridge (NAD): on bridge br-tn" sh -c 'ip -o link show master br-tn | grep -q veth'
multus DEL s2 eth0 /run/netns/pod "$(kargs default samplepod)" <"$T/nc"
check "seed tke-bridge (NAD): DEL cleans the pod" sh -c "[ $RC -eq 0 ] && [ \$(ip netns exec pod ip -o link | wc -l) -eq 1 ]"

# Seed: "defaultDelegates": "tke-bridge" serves a pod without annotations. Names without a
# namespace are NADs of multusNamespace (as clusterNetwork's), not of the pod's namespace.
netconf node-cni-network '"kubeconfig":"'"$KC"'","defaultDelegates":"tke-bridge"' >"$T/nc.dd"
pod default plain
nad kube-system tke-bridge "$(br_json tke-bridge br-tk 10.12.0.0/24)"
multus ADD s3 eth0 /run/netns/pod "$(kargs default plain)" <"$T/nc.dd"
check "seed defaultDelegates tke-bridge: a pod without annotation gets eth0 from the kube-system NAD (in 10.12.0.0/24)" ok_addr eth0 '10\.12\.0\.[0-9]*/24'
multus DEL s3 eth0 /run/netns/pod "$(kargs default plain)" <"$T/nc.dd"
rm "$API/objects/nads/kube-system/tke-bridge.json"
multus ADD s3 eth0 /run/netns/pod "$(kargs default plain)" <"$T/nc.dd"
check "seed defaultDelegates tke-bridge: without that NAD, the confDir file (10.10.0.0/24), not the pod namespace's NAD" ok_addr eth0 '10\.10\.0\.[0-9]*/24'
multus DEL s3 eth0 /run/netns/pod "$(kargs default plain)" <"$T/nc.dd"

# === seed: the JSON list with interfaceRequest "north" =======================================
nad default flannel-conf "$(br_json flannel-conf br-f 10.3.0.0/24)"
nad default sriov-conf "$(mv_json sriov-conf up0 10.4.0.0/24)"
nad default sriov-vlanid-l2enable-conf "$(printf '{"cniVersion":"1.0.0","name":"sriov-vlanid-l2enable-conf","plugins":[{"type":"macvlan","master":"up1","mode":"bridge","ipam":{"type":"host-local","subnet":"10.5.0.0/24","dataDir":"%s"}},{"type":"tuning","mtu":1280}]}' "$IPAM")"
# Exactly the YAML's value (a single-quoted YAML scalar folds its line breaks into spaces) ...
seed_list='[ { "name": "flannel-conf" }, { "name": "sriov-conf" }, { "name": "sriov-vlanid-l2enable-conf", "interfaceRequest": "north" } ]'
pod default multus-multi-net-poc tke.cloud.tencent.com/networks "$seed_list"
multus ADD s4 eth0 /run/netns/pod "$(kargs default multus-multi-net-poc)" <"$T/nc"
check "seed JSON list: ADD succeeds" [ "$RC" -eq 0 ]
check "seed JSON list: eth0 is flannel-conf (bridge, 10.3.0.2/24)" sh -c "[ \"\$(ip netns exec pod ip -o -4 addr show dev eth0 | awk '{print \$4}')\" = 10.3.0.2/24 ] && ip netns exec pod ip -d link show eth0 | grep -q veth"
check "seed JSON list: eth1 is sriov-conf (macvlan on up0, 10.4.0.2/24)" sh -c "ip netns exec pod ip -d link show eth1 | grep -q 'macvlan mode bridge' && [ \"\$(ip netns exec pod ip -o -4 addr show dev eth1 | awk '{print \$4}')\" = 10.4.0.2/24 ]"
check "seed JSON list: north is the conflist NAD (macvlan, 10.5.0.2/24, tuning's MTU 1280)" sh -c "ip netns exec pod ip -d link show north | grep -q 'mtu 1280' && [ \"\$(ip netns exec pod ip -o -4 addr show dev north | awk '{print \$4}')\" = 10.5.0.2/24 ]"
check "seed JSON list: exactly lo, eth0, eth1, north" [ "$(ip netns exec pod ip -o link | awk -F': ' '{print $2}' | cut -d@ -f1 | sort | tr '\n' ' ')" = "eth0 eth1 lo north " ]
check "seed JSON list: printed result is the master's (eth0, 10.3.0.2/24)" jq_out '.ips == [{"interface":2,"address":"10.3.0.2/24","gateway":"10.3.0.1"}] and .interfaces[2].name == "eth0"'
check "seed JSON list: store names the NADs ns/name with their ifnames" sh -c "jq -e '[.attachments[] | [.network, .ifname]] == [[\"default/flannel-conf\",\"eth0\"],[\"default/sriov-conf\",\"eth1\"],[\"default/sriov-vlanid-l2enable-conf\",\"north\"]]' '$STORE/s4.json'"
multus DEL s4 eth0 /run/netns/pod "$(kargs default multus-multi-net-poc)" <"$T/nc"
check "seed JSON list: DEL leaves only lo and releases every IP" sh -c "[ $RC -eq 0 ] && [ \$(ip netns exec pod ip -o link | wc -l) -eq 1 ] && [ \$(ls '$IPAM/flannel-conf' '$IPAM/sriov-conf' '$IPAM/sriov-vlanid-l2enable-conf' | grep -c '^10\\.') = 0 ]"
# ... and as a user would type it in the YAML block (literal line breaks and indentation).
seed_list_nl='[
            { "name": "flannel-conf" },
            { "name": "sriov-conf" },
            { "name": "sriov-vlanid-l2enable-conf",
              "interfaceRequest": "north" }
    ]'
pod default multus-multi-net-poc tke.cloud.tencent.com/networks "$seed_list_nl"
multus ADD s5 eth0 /run/netns/pod "$(kargs default multus-multi-net-poc)" <"$T/nc"
check "seed JSON list with line breaks: eth0, eth1, north" sh -c "[ $RC -eq 0 ] && [ \"\$(ip netns exec pod ip -o link | awk -F': ' '{print \$2}' | cut -d@ -f1 | sort | tr '\n' ' ')\" = 'eth0 eth1 lo north ' ]"
multus DEL s5 eth0 /run/netns/pod "$(kargs default multus-multi-net-poc)" <"$T/nc"

# === upstream Multus docs: k8s.v1.cni.cncf.io/networks ======================================
# clusterNetwork by config name (no NAD kube-system/k8s-pod-network: the file is used). Its
# IPAM installs a default route via 10.20.0.1 (for the default-route example below).
printf '{"cniVersion":"1.0.0","name":"k8s-pod-network","type":"bridge","bridge":"br-c","isGateway":true,"ipam":{"type":"host-local","subnet":"10.20.0.0/24","routes":[{"dst":"0.0.0.0/0"}],"dataDir":"%s"}}\n' "$IPAM" >"$CONF/10-cluster.conf"
netconf multus-cni-network '"kubeconfig":"'"$KC"'","clusterNetwork":"k8s-pod-network"' >"$T/nc.up"
nad default macvlan-conf "$(mv_json macvlan-conf up0 10.30.0.0/24)"
nad other-ns macvlan-conf "$(mv_json macvlan-conf up0 10.31.0.0/24)"
up_add() { # ID ANNOTATION
	pod default samplepod k8s.v1.cni.cncf.io/networks "$2"
	multus ADD "$1" eth0 /run/netns/pod "$(kargs default samplepod)" <"$T/nc.up"
}
up_del() { # ID
	multus DEL "$1" eth0 /run/netns/pod "$(kargs default samplepod)" <"$T/nc.up"
	check "$1: DEL leaves only lo" sh -c "[ $RC -eq 0 ] && [ \$(ip netns exec pod ip -o link | wc -l) -eq 1 ] && [ ! -e '$STORE/$1.json' ]"
}

up_add u1 macvlan-conf
check "networks: macvlan-conf: ADD succeeds" [ "$RC" -eq 0 ]
check "networks: macvlan-conf: eth0 is the cluster network (10.20.0.2/24)" [ "$(addr_of pod eth0)" = 10.20.0.2/24 ]
check "networks: macvlan-conf: eth1 is a macvlan with 10.30.0.2/24" sh -c "ip netns exec pod ip -d link show eth1 | grep -q macvlan && [ \"\$(ip netns exec pod ip -o -4 addr show dev eth1 | awk '{print \$4}')\" = 10.30.0.2/24 ]"
check "networks: macvlan-conf: printed result is the cluster network's" jq_out '.ips[0].address == "10.20.0.2/24"'
up_del u1

up_add u2 macvlan-conf@net9
check "networks: macvlan-conf@net9: the macvlan is net9 (no eth1)" sh -c "[ $RC -eq 0 ] && ip netns exec pod ip -d link show net9 | grep -q macvlan && ! ip netns exec pod ip link show eth1 2>/dev/null"
check "networks: macvlan-conf@net9: net9 has an address in 10.30.0.0/24" ok_addr net9 '10\.30\.0\.[0-9]*/24'
up_del u2

up_add u3 other-ns/macvlan-conf
check "networks: other-ns/macvlan-conf: eth1 from the other namespace's NAD (in 10.31.0.0/24)" ok_addr eth1 '10\.31\.0\.[0-9]*/24'
check "networks: other-ns/macvlan-conf: the store says other-ns/macvlan-conf" sh -c "jq -e '.attachments[1].network == \"other-ns/macvlan-conf\"' '$STORE/u3.json'"
up_del u3

up_add u4 macvlan-conf,macvlan-conf
check "networks: macvlan-conf,macvlan-conf: ADD succeeds" [ "$RC" -eq 0 ]
check "networks: macvlan-conf,macvlan-conf: two macvlans eth1 and eth2" sh -c "ip netns exec pod ip -d link show eth1 | grep -q macvlan && ip netns exec pod ip -d link show eth2 | grep -q macvlan"
check "networks: macvlan-conf,macvlan-conf: each has its own address in 10.30.0.0/24" sh -c "ok() { ip netns exec pod ip -o -4 addr show dev \$1 | awk '{print \$4}' | grep -x '10\.30\.0\.[0-9]*/24'; }; a=\$(ok eth1) && b=\$(ok eth2) && [ \"\$a\" != \"\$b\" ]"
up_del u4
check "networks: macvlan-conf,macvlan-conf: both leases released" [ "$(ls "$IPAM/macvlan-conf" | grep -c '^10\.')" = 0 ]

# JSON form with ips: static IPAM, capabilities ips.
nad default macvlan-conf '{"cniVersion":"0.3.1","name":"macvlan-conf","type":"macvlan","capabilities":{"ips":true},"master":"up0","mode":"bridge","ipam":{"type":"static"}}'
up_add u5 '[
      { "name": "macvlan-conf",
        "ips": [ "10.1.1.101/24" ] }
]'
check "networks JSON ips: ADD succeeds" [ "$RC" -eq 0 ]
check "networks JSON ips: eth1 has exactly the requested 10.1.1.101/24" [ "$(addr_of pod eth1)" = 10.1.1.101/24 ]
check "networks JSON ips: runtimeConfig.ips recorded for the delegate" sh -c "jq -e '.attachments[1].runtimeConfig.ips == [\"10.1.1.101/24\"]' '$STORE/u5.json'"
up_del u5

# JSON form with mac: capabilities mac.
nad default macvlan-conf "$(printf '{"cniVersion":"1.0.0","name":"macvlan-conf","type":"macvlan","capabilities":{"mac":true},"master":"up0","mode":"bridge","ipam":{"type":"host-local","subnet":"10.30.0.0/24","dataDir":"%s"}}' "$IPAM")"
up_add u6 '[{ "name": "macvlan-conf", "mac": "c2:b0:57:49:47:f1" }]'
check "networks JSON mac: ADD succeeds" [ "$RC" -eq 0 ]
check "networks JSON mac: eth1's MAC is c2:b0:57:49:47:f1" sh -c "ip netns exec pod ip -o link show eth1 | grep -q 'link/ether c2:b0:57:49:47:f1 '"
up_del u6

# JSON form with default-route: the pod's only IPv4 default route moves to eth1's gateway.
nad default macvlan-conf "$(mv_json macvlan-conf up0 10.30.0.0/24)"
multus ADD u7a eth0 /run/netns/pod "$(kargs default plain)" <"$T/nc.up"
check "default-route baseline: the cluster network alone routes default via 10.20.0.1 dev eth0" sh -c "[ $RC -eq 0 ] && [ \"\$(ip netns exec pod ip -4 route show default | sed 's/ *\$//')\" = 'default via 10.20.0.1 dev eth0' ]"
multus DEL u7a eth0 /run/netns/pod "$(kargs default plain)" <"$T/nc.up"
up_add u7 '[{ "name": "macvlan-conf", "default-route": ["10.30.0.1"] }]'
check "networks JSON default-route: ADD succeeds" [ "$RC" -eq 0 ]
check "networks JSON default-route: the only IPv4 default route is via 10.30.0.1 dev eth1" [ "$(ip netns exec pod ip -4 route show default | sed 's/ *$//')" = "default via 10.30.0.1 dev eth1" ]
up_del u7

# JSON form with cni-args: merged into args.cni, which static IPAM reads ("ips").
nad default macvlan-conf '{"cniVersion":"1.0.0","name":"macvlan-conf","type":"macvlan","master":"up0","mode":"bridge","ipam":{"type":"static"}}'
up_add u8 '[{ "name": "macvlan-conf", "cni-args": { "ips": ["10.30.0.77/24"], "foo": "bar" } }]'
check "networks JSON cni-args: ADD succeeds" [ "$RC" -eq 0 ]
check "networks JSON cni-args: the delegate saw args.cni.ips (eth1 has 10.30.0.77/24)" [ "$(addr_of pod eth1)" = 10.30.0.77/24 ]
check "networks JSON cni-args: stored config carries args.cni {ips, foo}" sh -c "jq -e '.attachments[1].config | fromjson | .args.cni == {\"ips\":[\"10.30.0.77/24\"],\"foo\":\"bar\"}' '$STORE/u8.json'"
up_del u8

# v1.multus-cni.io/default-network replaces the cluster network. A name alone is a NAD of
# multusNamespace (kube-system), as upstream reads it, not of the pod's namespace.
nad kube-system flannel-conf "$(br_json flannel-conf br-fk 10.3.1.0/24)"
pod default samplepod v1.multus-cni.io/default-network flannel-conf
multus ADD u9 eth0 /run/netns/pod "$(kargs default samplepod)" <"$T/nc.up"
check "default-network annotation: eth0 is kube-system's flannel-conf (10.3.1.x), not the cluster network nor default's" sh -c "[ $RC -eq 0 ] && ip netns exec pod ip -o -4 addr show dev eth0 | grep -q 'inet 10.3.1.' && [ \$(ip netns exec pod ip -o link | wc -l) -eq 2 ]"
check "default-network annotation: the store names kube-system/flannel-conf" sh -c "jq -e '.attachments[0].network == \"kube-system/flannel-conf\"' '$STORE/u9.json'"
up_del u9
pod default samplepod v1.multus-cni.io/default-network default/flannel-conf
multus ADD u9b eth0 /run/netns/pod "$(kargs default samplepod)" <"$T/nc.up"
check "default-network annotation default/flannel-conf: the pod namespace's NAD (10.3.0.x)" sh -c "[ $RC -eq 0 ] && ip netns exec pod ip -o -4 addr show dev eth0 | grep -q 'inet 10.3.0.'"
up_del u9b
netconf multus-cni-network '"kubeconfig":"'"$KC"'","clusterNetwork":"k8s-pod-network","namespaceIsolation":true' >"$T/nc.upi"
pod default samplepod v1.multus-cni.io/default-network flannel-conf
multus ADD u9c eth0 /run/netns/pod "$(kargs default samplepod)" <"$T/nc.upi"
check "default-network annotation with namespaceIsolation: the implicit multusNamespace is allowed" sh -c "[ $RC -eq 0 ] && ip netns exec pod ip -o -4 addr show dev eth0 | grep -q 'inet 10.3.1.'"
multus DEL u9c eth0 /run/netns/pod "$(kargs default samplepod)" <"$T/nc.upi"
pod default samplepod v1.multus-cni.io/default-network kube-system/flannel-conf
multus ADD u9d eth0 /run/netns/pod "$(kargs default samplepod)" <"$T/nc.upi"
check "default-network annotation with namespaceIsolation: naming kube-system/ itself is still refused (code 7)" sh -c "[ $RC -ne 0 ] && jq -e '.code == 7 and (.msg | contains(\"namespaceIsolation\"))' '$T/out'"
check "default-network: the pod is clean" only_lo pod

# Spaces around '/' and '@' in the comma form are trimmed, as upstream and the seed do.
nad default macvlan-conf "$(mv_json macvlan-conf up0 10.30.0.0/24)"
up_add u10 'default / macvlan-conf, macvlan-conf @ x1 ,other-ns /macvlan-conf@ x2'
check "networks with spaces around / and @: ADD succeeds" [ "$RC" -eq 0 ]
check "networks with spaces: eth1, x1 and x2 from the right NADs" sh -c "jq -e '[.attachments[] | [.network, .ifname]] == [[\"k8s-pod-network\",\"eth0\"],[\"default/macvlan-conf\",\"eth1\"],[\"default/macvlan-conf\",\"x1\"],[\"other-ns/macvlan-conf\",\"x2\"]]' '$STORE/u10.json'"
check "networks with spaces: x2 in other-ns's 10.31.0.0/24" ok_addr x2 '10\.31\.0\.[0-9]*/24'
up_del u10

# A mac request reaches the delegate as runtimeConfig.mac and as MAC= in CNI_ARGS (upstream
# does both; plugins that read CNI_ARGS get it too). `args-rec` logs CNI_ARGS, runs macvlan.
cat >"$T/args-rec" <<'SH'
#!/bin/sh
[ "$CNI_COMMAND" = ADD ] && printf '%s\n' "$CNI_ARGS" >>"$ARGS_LOG"
exec "$PLUGINS/macvlan"
SH
chmod +x "$T/args-rec"
export ARGS_LOG=$T/args.log PLUGINS
CNI_PATH_TEST="$T:$CNI_PATH_TEST"
nad default mac-rec "$(printf '{"cniVersion":"1.0.0","name":"mac-rec","type":"args-rec","capabilities":{"mac":true},"master":"up0","mode":"bridge","ipam":{"type":"host-local","subnet":"10.32.0.0/24","dataDir":"%s"}}' "$IPAM")"
pod default samplepod k8s.v1.cni.cncf.io/networks '[{"name":"mac-rec","mac":"c2:b0:57:49:47:f2"}]'
multus ADD u11 eth0 /run/netns/pod "$(kargs default samplepod)" <"$T/nc.up"
check "mac request: ADD succeeds with eth1's MAC c2:b0:57:49:47:f2" sh -c "[ $RC -eq 0 ] && ip netns exec pod ip -o link show eth1 | grep -q 'link/ether c2:b0:57:49:47:f2 '"
check "mac request: the delegate's CNI_ARGS are the pod's plus MAC=" [ "$(cat "$ARGS_LOG")" = "$(kargs default samplepod);MAC=c2:b0:57:49:47:f2" ]
up_del u11
: >"$ARGS_LOG"
nad default mac-rec '{"cniVersion":"1.0.0","name":"mac-rec","type":"args-rec","capabilities":{"mac":true,"ips":true},"master":"up0","mode":"bridge","ipam":{"type":"static"}}'
pod default samplepod k8s.v1.cni.cncf.io/networks '[{"name":"mac-rec","mac":"c2:b0:57:49:47:f3","ips":["10.32.1.5/24","fd32::5/64"]}]'
multus ADD u12 eth0 /run/netns/pod "$(kargs default samplepod)" <"$T/nc.up"
check "mac and ips: MAC= before IP=, as upstream" [ "$(cat "$ARGS_LOG")" = "$(kargs default samplepod);MAC=c2:b0:57:49:47:f3;IP=10.32.1.5/24,fd32::5/64" ]
check "mac and ips: eth1 has both" sh -c "[ $RC -eq 0 ] && [ '$(addr_of pod eth1)' = 10.32.1.5/24 ] && ip netns exec pod ip -o link show eth1 | grep -q c2:b0:57:49:47:f3"
up_del u12

# Upstream validates "mac" with Go's net.ParseMAC: its '-' and '.' forms are requests too, and
# the delegate gets the string as written (runtimeConfig.mac and MAC=), as upstream passes it.
# `mac-dash` also records stdin and gives macvlan's result MAC back in upper-case '-' form:
# network-status shows it as the delegate wrote it, CHECK and --verify compare it by value.
cat >"$T/mac-dash" <<'SH'
#!/bin/sh
in=$(cat)
[ "$CNI_COMMAND" = ADD ] && printf '%s\n' "$CNI_ARGS" >>"$ARGS_LOG" && printf '%s\n' "$in" >"$ARGS_LOG.stdin"
out=$(printf '%s' "$in" | "$PLUGINS/macvlan") || { printf '%s\n' "$out"; exit 1; }
[ "$CNI_COMMAND" = ADD ] || { printf '%s' "$out"; exit 0; }
printf '%s' "$out" | jq -c '(.interfaces[] | select(.sandbox != null) | .mac) |= (ascii_upcase | gsub(":"; "-"))'
SH
chmod +x "$T/mac-dash"
nad default mac-dash "$(printf '{"cniVersion":"1.0.0","name":"mac-dash","type":"mac-dash","capabilities":{"mac":true},"master":"up0","mode":"bridge","ipam":{"type":"host-local","subnet":"10.33.0.0/24","dataDir":"%s"}}' "$IPAM")"
for form in c2-b0-57-49-47-f4 c2b0.5749.47F4; do
	: >"$ARGS_LOG"
	up_add u13 "[{\"name\":\"mac-dash\",\"mac\":\"$form\"}]"
	check "mac $form: ADD succeeds, eth1 has c2:b0:57:49:47:f4" sh -c "[ $RC -eq 0 ] && ip netns exec pod ip -o link show eth1 | grep -q 'link/ether c2:b0:57:49:47:f4 ' || { cat '$T/out'; false; }"
	check "mac $form: the delegate gets it as written, as runtimeConfig.mac and MAC=" \
		sh -c "jq -e '.runtimeConfig.mac == \"$form\"' '$ARGS_LOG.stdin' >/dev/null && [ \"\$(cat '$ARGS_LOG')\" = '$(kargs default samplepod);MAC=$form' ]"
	check "mac $form: network-status has the result's MAC as the delegate wrote it" \
		jq -e '.metadata.annotations["k8s.v1.cni.cncf.io/network-status"] | fromjson | .[1].interface == "eth1" and .[1].mac == "C2-B0-57-49-47-F4"' "$API/objects/pods/default/samplepod.json"
	multus CHECK u13 eth0 /run/netns/pod "$(kargs default samplepod)" <"$T/nc.up"
	check "mac $form: CHECK passes (the result's C2-B0-57-49-47-F4 is eth1's MAC)" sh -c "[ $RC -eq 0 ] || cat '$T/out'"
	"$MULTUS" --verify /run/netns/pod --cni-dir "$STORE" >"$T/v.out" 2>&1
	VRC=$?
	check "mac $form: --verify finds no drift" sh -c "[ $VRC -eq 0 ] || cat '$T/v.out'"
	up_del u13
done

# clusterNetwork and defaultNetworks by NAD in multusNamespace; none in systemNamespaces.
nad default macvlan-conf "$(mv_json macvlan-conf up0 10.30.0.0/24)"
nad kube-system cluster-nad "$(br_json cluster-nad br-k 10.60.0.0/24)"
nad kube-system extra-net "$(mv_json extra-net up1 10.61.0.0/24)"
netconf m '"kubeconfig":"'"$KC"'","clusterNetwork":"cluster-nad","defaultNetworks":["extra-net"]' >"$T/nc.dn"
pod default dn k8s.v1.cni.cncf.io/networks macvlan-conf
multus ADD dn1 eth0 /run/netns/pod "$(kargs default dn)" <"$T/nc.dn"
check "clusterNetwork from kube-system NAD, defaultNetworks then the annotation: eth0, eth1, eth2 in order" sh -c "[ $RC -eq 0 ] && jq -e '[.attachments[] | [.network, .ifname]] == [[\"kube-system/cluster-nad\",\"eth0\"],[\"kube-system/extra-net\",\"eth1\"],[\"default/macvlan-conf\",\"eth2\"]]' '$STORE/dn1.json'"
check "clusterNetwork NAD: eth0 in 10.60.0.0/24" ok_addr eth0 '10\.60\.0\.[0-9]*/24'
check "defaultNetworks NAD: eth1 in 10.61.0.0/24" ok_addr eth1 '10\.61\.0\.[0-9]*/24'
multus DEL dn1 eth0 /run/netns/pod "$(kargs default dn)" <"$T/nc.dn"
pod kube-system sys
multus ADD dn2 eth0 /run/netns/pod "$(kargs kube-system sys)" <"$T/nc.dn"
check "systemNamespaces: a kube-system pod gets the cluster network only" sh -c "[ $RC -eq 0 ] && [ \$(ip netns exec pod ip -o link | wc -l) -eq 2 ] && jq -e '.attachments | length == 1' '$STORE/dn2.json'"
multus DEL dn2 eth0 /run/netns/pod "$(kargs kube-system sys)" <"$T/nc.dn"
netconf m '"kubeconfig":"'"$KC"'","clusterNetwork":"cluster-nad","defaultNetworks":["extra-net"],"systemNamespaces":["default"]' >"$T/nc.dn2"
multus ADD dn3 eth0 /run/netns/pod "$(kargs default dn)" <"$T/nc.dn2"
check "systemNamespaces [default]: a default pod gets no defaultNetworks (eth0 + the annotation's eth1)" sh -c "[ $RC -eq 0 ] && jq -e '[.attachments[].network] == [\"kube-system/cluster-nad\",\"default/macvlan-conf\"]' '$STORE/dn3.json'"
multus DEL dn3 eth0 /run/netns/pod "$(kargs default dn)" <"$T/nc.dn2"
check "defaultNetworks: pod clean afterwards" only_lo pod

# === NAD versus file ==========================================================================
netconf m '"kubeconfig":"'"$KC"'"' >"$T/nc.l"
# The file's name differs from its config name: lookup is by "name".
br_json dual br-d1 10.40.0.0/24 >"$CONF/zz-dual.conf"
nad default dual "$(br_json dual br-d2 10.41.0.0/24)"
br_json emptycfg br-e 10.42.0.0/24 >"$CONF/emptycfg.conf"
mkdir -p "$API/objects/nads/default"
printf '{"spec":{"config":""}}\n' >"$API/objects/nads/default/emptycfg.json"
br_json fileonly br-o 10.43.0.0/24 >"$CONF/fileonly.conf"
lk() { # ID NETWORK
	pod default lk tke.cloud.tencent.com/networks "$2"
	multus ADD "$1" eth0 /run/netns/pod "$(kargs default lk)" <"$T/nc.l"
}
lk l1 dual
check "lookup: NAD and file both named dual: the NAD wins (in 10.41.0.0/24)" ok_addr eth0 '10\.41\.0\.[0-9]*/24'
multus DEL l1 eth0 /run/netns/pod "$(kargs default lk)" <"$T/nc.l"
lk l2 emptycfg
check "lookup: NAD with empty spec.config: the file is used (in 10.42.0.0/24)" ok_addr eth0 '10\.42\.0\.[0-9]*/24'
check "lookup: NAD with empty spec.config: the network is still the NAD, default/emptycfg" sh -c "jq -e '.attachments[0].network == \"default/emptycfg\"' '$STORE/l2.json'"
check "lookup: NAD with empty spec.config: network-status names default/emptycfg" sh -c "jq -e '.metadata.annotations[\"k8s.v1.cni.cncf.io/network-status\"] | fromjson | .[0].name == \"default/emptycfg\"' '$API/objects/pods/default/lk.json'"
multus DEL l2 eth0 /run/netns/pod "$(kargs default lk)" <"$T/nc.l"
rm "$CONF/emptycfg.conf"
lk l2b emptycfg
check "lookup: NAD with empty spec.config and no file: the message says both" sh -c "[ $RC -ne 0 ] && jq -e '.code == 7 and (.msg | contains(\"network \\\"default/emptycfg\\\" not found: NetworkAttachmentDefinition default/emptycfg has no spec.config and no config named \\\"emptycfg\\\" in $CONF\"))' '$T/out'"
lk l3 fileonly
check "lookup: no NAD: the file is used (in 10.43.0.0/24)" ok_addr eth0 '10\.43\.0\.[0-9]*/24'
check "lookup: file network is named by its config name in the store" sh -c "jq -e '.attachments[0].network == \"fileonly\"' '$STORE/l3.json'"
multus DEL l3 eth0 /run/netns/pod "$(kargs default lk)" <"$T/nc.l"
lk l4 ghost-net
check "lookup: neither NAD nor file: code 7" sh -c "[ $RC -ne 0 ] && jq -e '.code == 7' '$T/out'"
check "lookup: neither: the message names the network, the NAD and the confDir" jq_out ".msg | contains(\"network \\\"default/ghost-net\\\" not found: NetworkAttachmentDefinition default/ghost-net does not exist and no config named \\\"ghost-net\\\" in $CONF\")"
check "lookup: neither: nothing in the pod, no store entry" sh -c "[ \$(ip netns exec pod ip -o link | wc -l) -eq 1 ] && [ ! -e '$STORE/l4.json' ]"

# === namespaceIsolation =======================================================================
nad b net "$(br_json net-b br-b 10.50.0.0/24)"
nad default net "$(br_json net-g br-g 10.51.0.0/24)"
nad a net "$(br_json net-a br-a 10.52.0.0/24)"
iso() { # ID NETCONF ANNOTATION
	pod a p tke.cloud.tencent.com/networks "$3"
	multus ADD "$1" eth0 /run/netns/pod "$(kargs a p)" <"$2"
}
iso_del() { multus DEL "$1" eth0 /run/netns/pod "$(kargs a p)" <"$2"; }
netconf m '"kubeconfig":"'"$KC"'","namespaceIsolation":true' >"$T/nc.iso"
iso i1 "$T/nc.iso" b/net
check "isolation on: pod in a using b/net fails with code 7" sh -c "[ $RC -ne 0 ] && jq -e '.code == 7' '$T/out'"
check "isolation on: the message names b/net and the pod's namespace" jq_out '.msg | contains("b/net") and contains("namespace a")'
check "isolation on: nothing in the pod, no store entry" sh -c "[ \$(ip netns exec pod ip -o link | wc -l) -eq 1 ] && [ ! -e '$STORE/i1.json' ]"
check "isolation on: b/net's NAD was never fetched" sh -c "! grep -q 'namespaces/b/network-attachment-definitions' '$API/requests.log'"
iso i2 "$T/nc.iso" default/net
check "isolation on: default/net (global namespace) works (in 10.51.0.0/24)" ok_addr eth0 '10\.51\.0\.[0-9]*/24'
iso_del i2 "$T/nc.iso"
iso i3 "$T/nc.iso" net
check "isolation on: the pod's own namespace (net = a/net) works (in 10.52.0.0/24)" ok_addr eth0 '10\.52\.0\.[0-9]*/24'
iso_del i3 "$T/nc.iso"
iso i4 "$T/nc.iso" 'default/net,b/net'
check "isolation on: b/net as a second element also fails, nothing left" sh -c "[ $RC -ne 0 ] && jq -e '.code == 7' '$T/out' && [ \$(ip netns exec pod ip -o link | wc -l) -eq 1 ]"
pod a p tke.cloud.tencent.com/networks net k8s.v1.cni.cncf.io/networks b/net
multus ADD i5 eth0 /run/netns/pod "$(kargs a p)" <"$T/nc.iso"
check "isolation on: b/net in k8s.v1.cni.cncf.io/networks fails too (code 7)" sh -c "[ $RC -ne 0 ] && jq -e '.code == 7 and (.msg | contains(\"b/net\"))' '$T/out'"
netconf m '"kubeconfig":"'"$KC"'","namespaceIsolation":true,"globalNamespaces":"default, b"' >"$T/nc.iso2"
iso i6 "$T/nc.iso2" b/net
check "isolation on, globalNamespaces \"default, b\": b/net works (in 10.50.0.0/24)" ok_addr eth0 '10\.50\.0\.[0-9]*/24'
iso_del i6 "$T/nc.iso2"
netconf m '"kubeconfig":"'"$KC"'","namespaceIsolation":false' >"$T/nc.open"
iso i7 "$T/nc.open" b/net
check "isolation off: b/net works (in 10.50.0.0/24)" ok_addr eth0 '10\.50\.0\.[0-9]*/24'
iso_del i7 "$T/nc.open"
iso i8 "$T/nc.open" default/net
check "isolation off: default/net works (in 10.51.0.0/24)" ok_addr eth0 '10\.51\.0\.[0-9]*/24'
iso_del i8 "$T/nc.open"
check "isolation: the pod is empty after the last DEL" only_lo pod

api_stop
done_testing
