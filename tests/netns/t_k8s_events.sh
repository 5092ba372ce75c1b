#!/bin/sh
# Issue 8, point 4: after a successful ADD, one AddedInterface Event per attachment on the pod,
# as upstream writes them ("Add eth1 [10.56.217.2/24] from default/sriov-conf"); a 403, a 500
# or a hang on events does not fail the ADD, and costs at most the API bound.
. "$SRC/tests/netns/lib.sh"
setup_dirs

. "$SRC/tests/netns/k8s_lib.sh"
now_ms() { echo $(($(date +%s%N) / 1000000)); }
faults() { printf '%s\n' "$1" >"$API/.faults.tmp" && mv "$API/.faults.tmp" "$API/faults.json"; }
EV=$API/events.log
R=$API/requests.log
nev() { [ -e "$EV" ] && wc -l <"$EV" || echo 0; }
# ev N FILTER: jq -e FILTER on the Nth (1-based) event created.
ev() { sed -n "$1p" "$EV" | jq -e "$2" >/dev/null; }
posts() { jq -s '[.[] | select(.method == "POST")] | length' "$R"; }

check "API server starts" api_start
KC=$API/kubeconfig
ip link add up0 type veth peer name up0p && ip link set up0 up && ip link set up0p up
ip netns add pod
UID_=0c6b6c2e-5b8f-4d1e-9a57-3e0d4c7f1a22
nad default flannel-conf "$(br_json flannel-conf br-f 10.3.0.0/24)"
nad default sriov-conf "$(mv_json sriov-conf up0 10.56.217.0/24)"
# Dual stack: the message lists both addresses, as Go prints a []string.
printf '{"cniVersion":"1.0.0","name":"dual","type":"bridge","bridge":"br-d","ipam":{"type":"host-local","ranges":[[{"subnet":"10.7.0.0/24"}],[{"subnet":"fd00:7::/64"}]],"dataDir":"%s"}}\n' "$IPAM" >"$CONF/dual.conf"
mkdir -p "$API/objects/pods/default"
jq -n --arg uid "$UID_" '{metadata: {uid: $uid, resourceVersion: "41", annotations: {
	"tke.cloud.tencent.com/networks": "flannel-conf,sriov-conf,dual"}}}' >"$API/objects/pods/default/.web.tmp"
mv "$API/objects/pods/default/.web.tmp" "$API/objects/pods/default/web.json"
netconf m '"kubeconfig":"'"$KC"'","apiTimeoutSeconds":2' >"$T/nc"
A=$(kargs default web)

# === one event per attachment =================================================================
multus ADD e1 eth0 /run/netns/pod "$A" <"$T/nc"
check "ADD succeeds with eth0, eth1, eth2" sh -c "[ $RC -eq 0 ] && for i in eth0 eth1 eth2; do ip netns exec pod ip link show \$i >/dev/null || exit 1; done"
check "events: exactly 3 created (one per attachment)" [ "$(nev)" = 3 ]
a0=$(addr_of pod eth0) a1=$(addr_of pod eth1) a2=$(addr_of pod eth2)
a2v6=$(ip netns exec pod ip -o -6 addr show dev eth2 scope global | awk '{print $4}')
check "events: eth2 has a v4 and a global v6 address ($a2 $a2v6)" sh -c "[ -n '$a2' ] && [ -n '$a2v6' ]"
check "event 1: message 'Add eth0 [$a0] from default/flannel-conf'" ev 1 ".message == \"Add eth0 [$a0] from default/flannel-conf\""
check "event 2: message 'Add eth1 [$a1] from default/sriov-conf' (upstream's example)" ev 2 ".message == \"Add eth1 [$a1] from default/sriov-conf\""
check "event 2: the address is in 10.56.217.0/24" sh -c "echo '$a1' | grep -q '^10\\.56\\.217\\.[0-9]*/24$'"
check "event 3: message 'Add eth2 [$a2 $a2v6] from dual' (a config file's name)" ev 3 ".message == \"Add eth2 [$a2 $a2v6] from dual\""
for n in 1 2 3; do
	check "event $n: v1 Event, reason AddedInterface, type Normal, count 1" ev $n '.apiVersion == "v1" and .kind == "Event" and .reason == "AddedInterface" and .type == "Normal" and .count == 1'
	check "event $n: source component multus" ev $n '.source == {"component": "multus"} and .reportingComponent == "multus"'
	check "event $n: involvedObject is the pod with its uid and resourceVersion" ev $n ".involvedObject == {\"kind\":\"Pod\",\"namespace\":\"default\",\"name\":\"web\",\"apiVersion\":\"v1\",\"uid\":\"$UID_\",\"resourceVersion\":\"41\"}"
	check "event $n: in the pod's namespace, named web.<hex>" ev $n '.metadata.namespace == "default" and (.metadata.name | test("^web\\.[0-9a-f]+$"))'
	check "event $n: first and last timestamp, RFC 3339 UTC, within a minute of now" ev $n "(.firstTimestamp | test(\"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z\$\")) and .firstTimestamp == .lastTimestamp and ((.firstTimestamp | fromdateiso8601) - $(date +%s) | fabs) < 60"
done
check "events: three distinct names" [ "$(jq -s '[.[].metadata.name] | unique | length' "$EV")" = 3 ]
check "events: POSTed after the status PATCH, on the same connection" sh -c "jq -s -e '([.[] | .method] | .[-4:]) == [\"PATCH\",\"POST\",\"POST\",\"POST\"] and ([.[].conn] | unique | length) == 1' '$R'"
: >"$R"
multus DEL e1 eth0 /run/netns/pod "$A" <"$T/nc"
check "DEL: clean, and no event or other API request" sh -c "[ $RC -eq 0 ] && [ \$(ip netns exec pod ip -o link | wc -l) -eq 1 ] && [ \$(wc -l <'$R') = 0 ] && [ $(nev) = 3 ]"

# === without an API there are no events, and nothing fails ====================================
netconf m '"defaultDelegates":"sriov-conf"' >"$T/nc.noapi"
mv_json sriov-conf up0 10.56.218.0/24 >"$CONF/sriov-conf.conf"
multus ADD n1 eth0 /run/netns/pod "$A" <"$T/nc.noapi"
check "no kubeconfig: ADD works, no request, no event" sh -c "[ $RC -eq 0 ] && [ \$(wc -l <'$R') = 0 ] && [ $(nev) = 3 ]"
multus DEL n1 eth0 /run/netns/pod "$A" <"$T/nc.noapi"

# === a failed event write is logged, not fatal ================================================
for code in 403 500; do
	faults '[{"method":"POST","path":"/events$","action":{"status":'$code'}}]'
	: >"$R"
	n0=$(nev)
	multus ADD f$code eth0 /run/netns/pod "$A" <"$T/nc"
	check "events $code: ADD still succeeds with the master's result" sh -c "[ $RC -eq 0 ] && jq -e '.ips[0].address | startswith(\"10.3.0.\")' '$T/out' && ip netns exec pod ip link show eth2 >/dev/null"
	check "events $code: the status annotation is still written" sh -c "jq -s -e '[.[] | select(.method == \"PATCH\" and .status == 200)] | length == 1' '$R'"
	check "events $code: one POST tried, not retried, none after it" [ "$(posts)" = 1 ]
	check "events $code: nothing created" [ "$(nev)" = "$n0" ]
	check "events $code: one warning naming the events, the pod and the status" sh -c "[ \$(grep -c 'AddedInterface' '$T/err') = 1 ] && grep 'AddedInterface' '$T/err' | grep -q 'warning' && grep 'AddedInterface' '$T/err' | grep -q 'default/web' && grep 'AddedInterface' '$T/err' | grep -q '$code' && grep -q '3 of 3 not written' '$T/err'"
	multus DEL f$code eth0 /run/netns/pod "$A" <"$T/nc"
	check "events $code: DEL clean" sh -c "[ $RC -eq 0 ] && [ \$(ip netns exec pod ip -o link | wc -l) -eq 1 ]"
done
faults '[{"method":"POST","path":"/events$","action":{"status":403}}]'
multus ADD g1 eth0 /run/netns/pod "$A" <"$T/nc"
check "events 403: the warning quotes the API's message (cannot create resource \"events\")" sh -c "[ $RC -eq 0 ] && grep -q 'cannot create resource \"events\"' '$T/err'"
multus DEL g1 eth0 /run/netns/pod "$A" <"$T/nc"

# Only the second event fails: the first stays, the rest are skipped with one warning.
printf '[{"method":"POST","path":"/events$","action":{"delay":0},"count":1},{"method":"POST","path":"/events$","action":{"status":500}}]\n' >"$API/.faults.tmp" && mv "$API/.faults.tmp" "$API/faults.json"
n0=$(nev)
: >"$R"
multus ADD h1 eth0 /run/netns/pod "$A" <"$T/nc"
check "2nd event 500: ADD succeeds, 1 event created, 2 POSTs, '2 of 3 not written'" sh -c "[ $RC -eq 0 ] && [ $(($(nev) - n0)) = 1 ] && [ \$(jq -s '[.[] | select(.method == \"POST\")] | length' '$R') = 2 ] && grep -q '2 of 3 not written' '$T/err'"
multus DEL h1 eth0 /run/netns/pod "$A" <"$T/nc"

# === the API bound holds: a hanging events endpoint =============================================
faults '[{"method":"POST","path":"/events$","action":{"hang":true}}]'
t0=$(now_ms)
multus ADD k1 eth0 /run/netns/pod "$A" <"$T/nc"
el=$(($(now_ms) - t0))
check "events hang: ADD succeeds within apiTimeoutSeconds 2 + 1.5 s (${el} ms)" sh -c "[ $RC -eq 0 ] && [ $el -lt 3500 ]"
check "events hang: the pod is wired and a warning logged" sh -c "ip netns exec pod ip -o -4 addr show dev eth1 | grep -q 'inet 10.56.217.' && grep -q 'AddedInterface' '$T/err'"
multus DEL k1 eth0 /run/netns/pod "$A" <"$T/nc"
rm -f "$API/faults.json"

api_stop

# === RBAC: the shipped ClusterRole grants exactly what the plugin uses ==========================
check "deploy/: the ClusterRole is pods get+list+watch+patch, events create, NADs get+list+watch, nothing more" \
	python3 -c '
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d and d.get("kind") == "ClusterRole"]
assert len(docs) == 1, docs
got = sorted((g, r, tuple(sorted(x["verbs"]))) for x in docs[0]["rules"]
             for g in x["apiGroups"] for r in x["resources"])
want = [("", "events", ("create",)), ("", "pods", ("get", "list", "patch", "watch")),
        ("k8s.cni.cncf.io", "network-attachment-definitions", ("get", "list", "watch"))]
assert got == want, got
' "$SRC/deploy/multus-daemonset.yml"
done_testing
