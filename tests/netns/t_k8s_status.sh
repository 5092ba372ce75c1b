#!/bin/sh
# Issue 3, point 8: the network-status annotations written after ADD, field by field; the
# requests one ADD makes (one pod GET, one GET per NAD lookup, one PATCH, one Event POST per
# attachment, one connection; the events themselves are checked in t_k8s_events.sh);
# a failed or hanging status write is not fatal; a slow delegate does not cost the PATCH.
. "$SRC/tests/netns/lib.sh"
setup_dirs

. "$SRC/tests/netns/k8s_lib.sh"
now_ms() { echo $(($(date +%s%N) / 1000000)); }
faults() { printf '%s\n' "$1" >"$API/.faults.tmp" && mv "$API/.faults.tmp" "$API/faults.json"; }
link_mac() { ip netns exec pod ip -j link show "$1" | jq -r '.[0].address'; }
# st FILTER: jq -e on the pod's k8s.v1.cni.cncf.io/network-status, parsed.
PODF=$API/objects/pods/default/web.json
st() { jq -e "(.metadata.annotations[\"k8s.v1.cni.cncf.io/network-status\"] | fromjson) | $1" "$PODF" >/dev/null; }

check "API server starts" api_start
KC=$API/kubeconfig
for p in up0 up1; do
	ip link add $p type veth peer name ${p}p && ip link set $p up && ip link set ${p}p up
done
ip netns add pod
nad default flannel-conf "$(printf '{"cniVersion":"1.0.0","name":"flannel-conf","type":"bridge","bridge":"br-f","isGateway":true,"ipam":{"type":"host-local","subnet":"10.3.0.0/24","dataDir":"%s"},"dns":{"nameservers":["10.3.0.53"],"search":["svc.cluster.local"]}}' "$IPAM")"
mv_json sriov-conf up0 10.4.0.0/24 >"$CONF/sriov-conf.conf"
nad other-ns macvlan-conf "$(printf '{"cniVersion":"1.0.0","name":"macvlan-conf","type":"macvlan","capabilities":{"mac":true},"master":"up1","mode":"bridge","ipam":{"type":"host-local","subnet":"10.31.0.0/24","dataDir":"%s"}}' "$IPAM")"
netconf m '"kubeconfig":"'"$KC"'","apiTimeoutSeconds":5' >"$T/nc"
pod default web \
	tke.cloud.tencent.com/networks '[{"name":"flannel-conf"},{"name":"sriov-conf"}]' \
	k8s.v1.cni.cncf.io/networks '[{"name":"macvlan-conf","namespace":"other-ns","interface":"net5","mac":"c2:b0:57:49:47:f1"}]'
A=$(kargs default web)

# === one ADD's requests =======================================================================
: >"$API/requests.log"
multus ADD s1 eth0 /run/netns/pod "$A" <"$T/nc"
check "ADD succeeds with eth0, eth1, net5" sh -c "[ $RC -eq 0 ] && for i in eth0 eth1 net5; do ip netns exec pod ip link show \$i >/dev/null || exit 1; done"
R=$API/requests.log
check "requests: exactly 7 (pod GET, one LIST for the 2 networks of default, one NAD GET of other-ns, PATCH, 3 event POSTs)" [ "$(wc -l <"$R")" = 7 ]
check "requests: one GET of the pod, and it is the first" sh -c "[ \$(jq -s '[.[] | select(.method == \"GET\" and .path == \"/api/v1/namespaces/default/pods/web\")] | length' '$R') = 1 ] && head -n 1 '$R' | jq -e '.method == \"GET\" and (.path | endswith(\"/pods/web\"))'"
check "requests: a LIST of default (flannel-conf, sriov-conf) and a GET of other-ns/macvlan-conf" sh -c "[ \"\$(jq -r 'select(.method == \"GET\" and (.path | contains(\"network-attachment-definitions\"))) | .path' '$R' | sed 's#.*/namespaces/##' | sort | tr '\n' ' ')\" = 'default/network-attachment-definitions other-ns/network-attachment-definitions/macvlan-conf ' ]"
check "requests: one PATCH of the pod, after every GET" sh -c "[ \$(jq -s '[.[] | select(.method == \"PATCH\")] | length' '$R') = 1 ] && sed -n 4p '$R' | jq -e '.method == \"PATCH\" and .path == \"/api/v1/namespaces/default/pods/web\" and .status == 200'"
check "requests: then the 3 event POSTs, created" sh -c "tail -n 3 '$R' | jq -s -e 'length == 3 and all(.method == \"POST\" and .path == \"/api/v1/namespaces/default/events\" and .status == 201)'"
check "requests: all on one TLS connection" [ "$(jq -s '[.[].conn] | unique | length' "$R")" = 1 ]
check "requests: all authenticated by token, no errors (sriov-conf's absence is known from the LIST)" [ "$(jq -s -c '[.[] | [.auth, .status]] | unique' "$R")" = '[["token",200],["token",201]]' ]
# Keep-alive without stalls: the whole API conversation before the delegates is quick.
check "requests: pod GET to the last NAD request within 100 ms (no Nagle/delayed-ACK stalls)" sh -c "jq -s -e '(.[2].t - .[0].t) < 0.1' '$R'"

# === the status annotations, field by field ====================================================
check "status: both annotations present" sh -c "jq -e '.metadata.annotations | has(\"k8s.v1.cni.cncf.io/network-status\") and has(\"tke.cloud.tencent.com/networks-status\")' '$PODF'"
check "status: both annotations are the same text" sh -c "jq -e '.metadata.annotations | .[\"k8s.v1.cni.cncf.io/network-status\"] == .[\"tke.cloud.tencent.com/networks-status\"]' '$PODF'"
check "status: the request annotations are untouched" sh -c "jq -e '.metadata.annotations[\"tke.cloud.tencent.com/networks\"] == \"[{\\\"name\\\":\\\"flannel-conf\\\"},{\\\"name\\\":\\\"sriov-conf\\\"}]\"' '$PODF'"
check "status: resourceVersion went from 1 to 2 (one PATCH)" sh -c "jq -e '.metadata.resourceVersion == \"2\"' '$PODF'"
check "status: a JSON array of 3 entries" st 'type == "array" and length == 3'
check "status: names (ns/nad for NADs, the config name for a file)" st '[.[].name] == ["default/flannel-conf","sriov-conf","other-ns/macvlan-conf"]'
check "status: interfaces" st '[.[].interface] == ["eth0","eth1","net5"]'
check "status: exactly one default:true, the master eth0" st '[.[] | select(.default == true) | .interface] == ["eth0"] and ([.[].default] == [true,false,false])'
for i in 0:eth0 1:eth1 2:net5; do
	idx=${i%%:*} dev=${i#*:}
	want=$(ip netns exec pod ip -j -4 addr show dev "$dev" | jq -c '[.[0].addr_info[].local]')
	check "status: [$idx] ips are $dev's addresses without prefix length ($want)" st ".[$idx].ips == $want and (.[$idx].ips | length) == 1 and (.[$idx].ips | all(contains(\"/\") | not))"
	check "status: [$idx] mac is $dev's MAC ($(link_mac "$dev"))" st ".[$idx].mac == \"$(link_mac "$dev")\""
done
check "status: net5's MAC is the requested c2:b0:57:49:47:f1" st '.[2].mac == "c2:b0:57:49:47:f1"'
check "status: eth0's dns comes from its result" st '.[0].dns == {"nameservers":["10.3.0.53"],"search":["svc.cluster.local"]}'
check "status: every entry has a dns object" st 'all(.dns | type == "object")'
check "status: eth0's gateway is 10.3.0.1" st '.[0].gateway == ["10.3.0.1"]'
check "status: ips match the printed result of the master" sh -c "[ \"\$(jq -r '.ips[0].address' '$T/out' | cut -d/ -f1)\" = \"\$(jq -r '.metadata.annotations[\"k8s.v1.cni.cncf.io/network-status\"] | fromjson | .[0].ips[0]' '$PODF')\" ]"
multus DEL s1 eth0 /run/netns/pod "$A" <"$T/nc"
check "DEL: clean, and no API write at DEL" sh -c "[ $RC -eq 0 ] && [ \$(ip netns exec pod ip -o link | wc -l) -eq 1 ] && [ \$(wc -l <'$R') = 7 ]"

# A second ADD of the same pod (new sandbox) rewrites the status, it does not append.
multus ADD s2 eth0 /run/netns/pod "$A" <"$T/nc"
check "second ADD: status rewritten with 3 entries, resourceVersion 3" sh -c "[ $RC -eq 0 ] && jq -e '.metadata.resourceVersion == \"3\" and (.metadata.annotations[\"tke.cloud.tencent.com/networks-status\"] | fromjson | length) == 3' '$PODF'"
check "second ADD: mac of eth0 is the new link's" st ".[0].mac == \"$(link_mac eth0)\""
multus DEL s2 eth0 /run/netns/pod "$A" <"$T/nc"

# More networks, still one connection, each NAD asked for once: pod GET, a LIST of default
# (flannel-conf, sriov-conf), a GET of other-ns/macvlan-conf, PATCH.
pod default web k8s.v1.cni.cncf.io/networks 'sriov-conf,other-ns/macvlan-conf,sriov-conf,sriov-conf,other-ns/macvlan-conf@net7'
netconf m '"kubeconfig":"'"$KC"'","defaultDelegates":"default/flannel-conf"' >"$T/nc6"
: >"$R"
multus ADD s3 eth0 /run/netns/pod "$A" <"$T/nc6"
check "6 networks: ADD succeeds" [ "$RC" -eq 0 ]
check "6 networks: 1 pod GET, 1 LIST, 1 NAD GET, 1 PATCH" [ "$(jq -s -c '[.[] | select(.path | endswith("/pods/web")) | .method], ([.[] | select(.path | endswith("network-attachment-definitions"))] | length), ([.[] | select(.path | contains("network-attachment-definitions/"))] | length)' "$R" | tr '\n' ' ')" = '["GET","PATCH"] 1 1 ' ]
check "6 networks: one connection" [ "$(jq -s '[.[].conn] | unique | length' "$R")" = 1 ]
check "6 networks: status has 6 entries, one default" sh -c "jq -e '.metadata.annotations[\"k8s.v1.cni.cncf.io/network-status\"] | fromjson | length == 6 and ([.[] | select(.default)] | length) == 1' '$PODF'"
multus DEL s3 eth0 /run/netns/pod "$A" <"$T/nc6"

# === a failing or hanging PATCH is not fatal ===================================================
pod default web tke.cloud.tencent.com/networks flannel-conf
faults '[{"method":"PATCH","path":".","action":{"status":500}}]'
multus ADD f1 eth0 /run/netns/pod "$A" <"$T/nc"
check "PATCH 500: ADD still succeeds with the master's result" sh -c "[ $RC -eq 0 ] && jq -e '.ips[0].address | startswith(\"10.3.0.\")' '$T/out'"
check "PATCH 500: the pod has no status annotation" sh -c "! jq -e '.metadata.annotations | has(\"k8s.v1.cni.cncf.io/network-status\")' '$PODF'"
check "PATCH 500: a warning is logged" grep -q 'network-status' "$T/err"
multus DEL f1 eth0 /run/netns/pod "$A" <"$T/nc"
faults '[{"method":"PATCH","path":".","action":{"hang":true}}]'
netconf m '"kubeconfig":"'"$KC"'","apiTimeoutSeconds":2' >"$T/nc2"
t0=$(now_ms)
multus ADD f2 eth0 /run/netns/pod "$A" <"$T/nc2"
el=$(($(now_ms) - t0))
check "PATCH hangs: ADD succeeds within apiTimeoutSeconds 2 + 1.5 s (${el} ms)" sh -c "[ $RC -eq 0 ] && [ $el -lt 3500 ]"
check "PATCH hangs: the pod is wired" sh -c "ip netns exec pod ip -o -4 addr show dev eth0 | grep -q 'inet 10.3.0.'"
multus DEL f2 eth0 /run/netns/pod "$A" <"$T/nc2"
rm -f "$API/faults.json"

# === delegate time is not API time ============================================================
# A delegate slower than apiTimeoutSeconds: the API calls themselves are quick, so the status
# PATCH must still be made and succeed.
mkdir -p "$T/bin"
printf '#!/bin/sh\n[ "$CNI_COMMAND" = ADD ] && sleep 2.5\nexec %s/bridge\n' "$PLUGINS" >"$T/bin/slowbridge"
chmod +x "$T/bin/slowbridge"
nad default slow-net "$(printf '{"cniVersion":"1.0.0","name":"slow-net","type":"slowbridge","bridge":"br-s","ipam":{"type":"host-local","subnet":"10.8.0.0/24","dataDir":"%s"}}' "$IPAM")"
pod default web tke.cloud.tencent.com/networks slow-net
CNI_PATH_TEST="$T/bin:$CNI_PATH_TEST"
: >"$R"
multus ADD sl1 eth0 /run/netns/pod "$A" <"$T/nc2"
check "slow delegate (2.5 s, apiTimeoutSeconds 2): ADD succeeds" [ "$RC" -eq 0 ]
check "slow delegate: the status PATCH was sent and succeeded" sh -c "jq -s -e '[.[] | select(.method == \"PATCH\" and .status == 200)] | length == 1' '$R'"
check "slow delegate: the pod has its status" st '.[0].name == "default/slow-net" and .[0].interface == "eth0" and .[0].default == true'
multus DEL sl1 eth0 /run/netns/pod "$A" <"$T/nc2"
check "slow delegate: DEL clean" sh -c "[ $RC -eq 0 ] && [ \$(ip netns exec pod ip -o link | wc -l) -eq 1 ]"

api_stop
done_testing
