#!/bin/sh
# The plugin's round trips to `multus daemon`: one connection for the pod, which brings the
# NADs the netconf and the pod's annotations name as far as the cache has them, one for the
# status and the events together (the "report"); a NAD the cache lacks takes one more for all
# of those ("nadkeys", whatever their namespaces). Counted by the daemon itself (its
# "connections" counter, SIGUSR1): an ADD with K=4 NADs in 2 namespaces makes exactly 2, as
# K=1 does, still zero API requests of the plugin's own, and the daemon writes every status
# and event. A NAD missing from a batch fails the ADD with the message of the API path. A daemon that predates those two ops (tests/k8s/
# fake_daemon.py --mode old): one "nads" per namespace, then "status" and "events".
. "$SRC/tests/netns/lib.sh"
setup_dirs
. "$SRC/tests/netns/k8s_lib.sh"
. "$SRC/tests/netns/daemon_lib.sh"
trap 'daemon_stop; api_stop' EXIT
check "API server starts" api_start
ip netns add pod
nad kube-system tke-bridge "$(br_json tke-bridge br-t 10.81.0.0/24)"
nad kube-system net-c "$(br_json net-c br-c 10.82.0.0/24)"
nad default net-a "$(br_json net-a br-a 10.83.0.0/24)"
nad default net-b "$(br_json net-b br-b 10.84.0.0/24)"
npod default k4 "" k8s.v1.cni.cncf.io/networks "net-a,net-b,kube-system/net-c"
npod default k1 ""
npod default miss "" k8s.v1.cni.cncf.io/networks "net-a,net-none,kube-system/net-c"
netconf m '"kubeconfig":"'"$API/kubeconfig"'","daemonSocket":"'"$SOCK"'","defaultDelegates":"tke-bridge","logLevel":"debug"' >"$T/nc"
check "daemon starts" daemon_start --api-timeout-seconds 5
wait_cached 3

# conns ID NAME: the ADD (and DEL) of pod default/NAME; $CONNS: the daemon's connections.
conns() {
	_c0=$(counter connections)
	L=$(lines)
	add "$1" default "$2"
	CONNS=$(($(counter connections) - _c0))
}
# written NAME N: the daemon wrote NAME's network-status with N interfaces, and N events.
written() {
	jq -e --argjson n "$2" '.metadata.annotations["k8s.v1.cni.cncf.io/network-status"] | fromjson | length == $n' "$API/objects/pods/default/$1.json" >/dev/null &&
		[ "$(jq -s --arg p "$1" '[.[] | select(.reason == "AddedInterface" and .involvedObject.name == $p)] | length' "$API/events.log")" -eq "$2" ]
}

conns b4 k4
check "K=4 in 2 namespaces: ADD succeeds (the master's result: eth0)" sh -c "[ $RC -eq 0 ] && jq -e '.interfaces | map(select(.sandbox) | .name) == [\"eth0\"]' '$T/out' >/dev/null"
check "K=4 in 2 namespaces: exactly 2 connections to the daemon (the pod with the 4 NADs, report), not 7 ($CONNS)" [ "$CONNS" -eq 2 ]
check "K=4: the plugin logged the NADs that came with the pod" grep -q '4 NADs from the node-local cache with the pod' "$T/err"
check "K=4: and asked for no NAD on its own" sh -c "! grep -q 'from the node-local cache in one request' '$T/err'"
check "K=4: zero API requests of the plugin's own" [ "$(plugin_reqs "$L")" -eq 0 ]
check "K=4: libcurl and TLS libraries never mapped" unmapped
check "K=4: the daemon wrote the network-status (4 interfaces) and 4 AddedInterface events" wait_for written k4 4
check "K=4: the network-status names all four networks on eth0, eth1, eth2, eth3" sh -c "jq -e '.metadata.annotations[\"k8s.v1.cni.cncf.io/network-status\"] | fromjson | map(.name + \"@\" + .interface) == [\"kube-system/tke-bridge@eth0\",\"default/net-a@eth1\",\"default/net-b@eth2\",\"kube-system/net-c@eth3\"]' '$API/objects/pods/default/k4.json' >/dev/null"
check "K=4: the daemon's writes: 1 PATCH and 4 event POSTs, nothing else" wait_for sh -c "[ \"\$(tail -n +$((L + 1)) '$R' | jq -r 'select(.watch != true) | .method + \" \" + (.ua | split(\"/\")[0])' | sort | uniq -c | tr -s ' ' | tr '\n' ';')\" = ' 1 PATCH multus-daemon; 4 POST multus-daemon;' ]"

conns b1 k1
check "K=1: ADD succeeds" [ "$RC" -eq 0 ]
check "K=1: exactly 2 connections to the daemon (the pod with its NAD, report), not 4 ($CONNS)" [ "$CONNS" -eq 2 ]
check "K=1: zero API requests of the plugin's own" [ "$(plugin_reqs "$L")" -eq 0 ]
check "K=1: the daemon wrote the network-status and the event" wait_for written k1 1

# A NAD that is nowhere: the batch says so, and the ADD fails as the API path's does.
conns bm miss
check "missing NAD: ADD fails" [ "$RC" -ne 0 ]
MSG=$(jq -r .msg "$T/out")
export MSG
check "missing NAD: 2 connections (pod, the NADs; no report) ($CONNS)" [ "$CONNS" -eq 2 ]
check "missing NAD: zero API requests of the plugin's own" [ "$(plugin_reqs "$L")" -eq 0 ]
netconf m '"kubeconfig":"'"$API/kubeconfig"'","daemonSocket":"","defaultDelegates":"tke-bridge"' >"$T/nc-api"
multus ADD bm2 eth0 /run/netns/pod "$(kargs default miss)" <"$T/nc-api"
check "missing NAD: the same message as without the daemon ($MSG)" sh -c "[ $RC -ne 0 ] && [ \"\$(jq -r .msg '$T/out')\" = \"\$MSG\" ] && echo \"\$MSG\" | grep -q 'NetworkAttachmentDefinition default/net-none does not exist'"
multus DEL bm2 eth0 /run/netns/pod "$(kargs default miss)" <"$T/nc-api"
daemon_stop

# An older daemon: one nads request per namespace, each with all of that namespace's NADs.
FLOG=$T/fake.log
/usr/bin/python3 "$SRC/tests/k8s/fake_daemon.py" --socket "$SOCK" --api-dir "$API" --log "$FLOG" \
	--mode old 2>>"$T/fake.err" &
DPID=$!
wait_for test -e "$SOCK.ready"
L=$(lines)
add bo default k4
check "old daemon, K=4 in 2 namespaces: ADD succeeds, zero API requests" sh -c "[ $RC -eq 0 ] && [ $(plugin_reqs "$L") -eq 0 ]"
check "old daemon: pod, nads, nads, status, events (5 connections, not 7)" [ "$(jq -r .op "$FLOG" | tr '\n' ' ')" = "pod nads nads status events " ]
check "old daemon: one nads request per namespace with both of its NADs" sh -c "jq -sc '[.[] | select(.op == \"nads\") | {namespace, names}]' '$FLOG' | grep -qxF '[{\"namespace\":\"kube-system\",\"names\":[\"tke-bridge\",\"net-c\"]},{\"namespace\":\"default\",\"names\":[\"net-a\",\"net-b\"]}]'"
check "old daemon: the plugin logged a batch per namespace" sh -c "grep -q '2 NADs from the node-local cache in one request (kube-system)' '$T/err' && grep -q '2 NADs from the node-local cache in one request (default)' '$T/err'"
kill "$DPID"
wait "$DPID" 2>/dev/null
DPID=
done_testing
