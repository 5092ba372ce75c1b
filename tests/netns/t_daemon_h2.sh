#!/bin/sh
# Issue 11: `multus daemon` keeps ONE HTTP/2 connection to the API server: against the test
# API server with --http2 (ALPN h2), its LISTs and WATCHes of pods and NADs, the GET of a pod
# not cached yet, the status PATCH and the event POSTs of a cached ADD all go as streams of
# one TLS connection (also the GET of a NAD made just before its ADD, the NADs watch behind);
# the server's GOAWAY, and a connection dropped without one: the daemon connects again (with
# its backoff), watches on from its resourceVersions, and the next ADD is served from the cache
# with the data changed in between; a rotated token: a 401, new credentials, the old client
# freed, the same connection.
. "$SRC/tests/netns/lib.sh"
setup_dirs
. "$SRC/tests/netns/k8s_lib.sh"
. "$SRC/tests/netns/daemon_lib.sh"
trap 'daemon_stop; api_stop' EXIT
C=$API/connections.log
# dreqs N: the daemon's requests after line N of requests.log, as "METHOD PATH proto conn".
dreqs() { tail -n +"$(($1 + 1))" "$R" | jq -r 'select(.ua | startswith("multus-daemon/")) | "\(.method) \(.path) \(.proto) \(.conn)"'; }
# pod_watches CONN: watches of pods that got their 200 on that connection.
pod_watches() { jq -s --argjson c "$1" '[.[] | select(.watch == true and .path == "/api/v1/pods" and .status == 200 and .conn == $c)] | length' "$R"; }
# opened [PROTO]: the TLS connections opened (connections.log), the ones a plugin's fallback
# made left out (the connections of requests.log's requests not of the daemon's).
opened() {
	jq -n --slurpfile r "$R" --slurpfile c "$C" --arg p "${1:-}" '[$r[] | select(.ua | startswith("multus-daemon/") | not) | .conn] as $pc |
		[$c[] | select(.event == "open" and (.conn | IN($pc[]) | not) and ($p == "" or .proto == $p))] | length'
}
h2_opened() { opened h2; }
h2_opened_is() { [ "$(opened h2)" -eq "$1" ]; }
# last_open: the daemon's newest connection.
last_open() {
	jq -n --slurpfile r "$R" --slurpfile c "$C" '[$r[] | select(.ua | startswith("multus-daemon/") | not) | .conn] as $pc |
		[$c[] | select(.event == "open" and (.conn | IN($pc[]) | not))] | last | .conn'
}
# watching CONN: both watches are (again) on that connection.
watching() { [ "$(jq -s --argjson c "$1" '[.[] | select(.watch == true and .conn == $c) | .path] | unique | length' "$R")" -eq 2 ]; }

check "API server starts with --http2" api_start --http2
ip netns add pod
nad default net-a "$(br_json net-a br-a 10.81.0.0/24)"
nad default net-b "$(br_json net-b br-b 10.82.0.0/24)"
nad kube-system tke-bridge "$(br_json tke-bridge br-t 10.83.0.0/24)"
npod default web "" tke.cloud.tencent.com/networks net-a k8s.v1.cni.cncf.io/networks net-a@net1
netconf m '"kubeconfig":"'"$API/kubeconfig"'","daemonSocket":"'"$SOCK"'","defaultDelegates":"tke-bridge"' >"$T/nc"

check "daemon starts: LISTs pods and NADs" daemon_start --api-timeout-seconds 5
check "daemon: both watches up" wait_for watching 1
L=$(lines)
add c1 default web
check "cached ADD over h2: succeeds, zero API requests of the plugin's" sh -c "[ $RC -eq 0 ] && [ $(plugin_reqs "$L") -eq 0 ]"
check "cached ADD: the daemon wrote the status and 2 AddedInterface events" wait_for sh -c "[ \"\$(jq -c '.metadata.annotations[\"k8s.v1.cni.cncf.io/network-status\"] | fromjson | map(.interface)' '$API/objects/pods/default/web.json')\" = '[\"eth0\",\"net1\"]' ] && [ \$(jq -s '[.[] | select(.reason == \"AddedInterface\" and .involvedObject.name == \"web\")] | length' '$API/events.log') -eq 2 ]"
# A pod the watch has not brought: the daemon GETs it, on the same connection.
faults '[{"method": "GET", "path": "^/api/v1/pods$", "action": {"hang": true}}]'
L=$(lines)
touch "$API/watch.cut"
wait_hung "$L" # the pods watch, cut, asked for again, hangs
npod default late "" tke.cloud.tencent.com/networks net-a
/usr/bin/python3 "$SRC/tests/k8s/cache_client.py" --socket "$SOCK" --request '{"v":1,"op":"pod","namespace":"default","name":"late"}' >"$T/late" 2>&1
rm -f "$API/faults.json"
PW=$(pod_watches 1)
touch "$API/watch.cut" # releases the hung watch
check "a pod not cached yet: the daemon's GET answers it" grep -q '^ok .*"name":"late"' "$T/late"
# A NAD made just before its ADD, the NADs watch held up: the daemon GETs it for the plugin.
# That GET must come back within the plugin's 50 ms, through this Python h2 server; on a loaded
# machine (or under ASan) it may not, and the plugin then asks the API itself, as it must (on a
# connection of its own, which the connection counts below leave out). Up to three fresh NADs,
# each for a fresh pod: one served without a plugin request shows the path; if the daemon never
# answered in time, all three fall back and the check fails.
for try in 1 2 3; do
	NAD=net-c$try
	P=$(counter pods)
	npod default "web2-$try" "" tke.cloud.tencent.com/networks net-a k8s.v1.cni.cncf.io/networks "$NAD@net9"
	wait_cached $((P + 1))
	faults '[{"method": "GET", "path": "^/apis/k8s.cni.cncf.io/v1/network-attachment-definitions$", "action": {"hang": true}}]'
	L=$(lines)
	touch "$API/watch.cut"
	wait_for sh -c "tail -n +$((L + 1)) '$R' | jq -se 'any(.[]; (.path | endswith(\"/network-attachment-definitions\")) and .fault == \"hang\")' >/dev/null"
	nad default "$NAD" "$(br_json "$NAD" "br-c$try" "10.8$((3 + try)).0.0/24")"
	L=$(lines)
	add "c0$try" default "web2-$try"
	rm -f "$API/faults.json"
	touch "$API/watch.cut" # releases the hung watch
	[ "$RC" -eq 0 ] || break
	[ "$(plugin_reqs "$L")" -eq 0 ] && break
done
check "a NAD made just before its ADD: served (net9 in the status the daemon wrote), the daemon GETs the NAD, no plugin request (try $try of 3)" wait_for sh -c "[ $RC -eq 0 ] && jq -e '.metadata.annotations[\"k8s.v1.cni.cncf.io/network-status\"] | fromjson | map(.interface) | index(\"net9\")' '$API/objects/pods/default/web2-$try.json' >/dev/null && [ $(plugin_reqs "$L") -eq 0 ] && tail -n +$((L + 1)) '$R' | jq -se 'any(.[]; .path == \"/apis/k8s.cni.cncf.io/v1/namespaces/default/network-attachment-definitions/$NAD\" and .status == 200 and (.ua | startswith(\"multus-daemon/\")))' >/dev/null"
dreqs 0 >"$T/d1"
check "ONE connection, h2: LISTs, WATCHes, the GET, the PATCH and the POSTs (requests.log)" sh -c "
	grep -q '^GET /api/v1/pods h2 ' '$T/d1' && grep -q '^GET /apis/k8s.cni.cncf.io/v1/network-attachment-definitions h2 ' '$T/d1' &&
	grep -q '^GET /api/v1/namespaces/default/pods/late h2 ' '$T/d1' && grep -q '^PATCH /api/v1/namespaces/default/pods/web h2 ' '$T/d1' &&
	grep -q '^GET /apis/k8s.cni.cncf.io/v1/namespaces/default/network-attachment-definitions/$NAD h2 ' '$T/d1' &&
	[ \$(grep -c '^POST /api/v1/namespaces/default/events h2 ' '$T/d1') -eq 4 ] &&
	[ \$(awk '{print \$3 \" \" \$4}' '$T/d1' | sort -u | wc -l) -eq 1 ] && [ \$(awk '{print \$3}' '$T/d1' | sort -u) = h2 ]"
check "ONE TLS connection opened so far (connections.log), HTTP/2" sh -c "[ $(opened) -eq 1 ] && [ $(h2_opened) -eq 1 ]"
CONN=$(awk '{print $4}' "$T/d1" | sort -u)

# === GOAWAY ======================================================================================
check "the hung pods watch released: watched again on connection $CONN" wait_for sh -c "[ \$(jq -s --argjson c $CONN '[.[] | select(.watch == true and .path == \"/api/v1/pods\" and .status == 200 and .conn == \$c)] | length' '$R') -gt $PW ]"
touch "$API/h2.goaway"
check "GOAWAY: the server closed the connection" wait_for sh -c "jq -se 'any(.[]; .event == \"close\" and .how == \"goaway\")' '$C'"
check "GOAWAY: the daemon connects again (one new h2 connection) and watches on it" wait_for h2_opened_is 2
CONN2=$(last_open)
check "GOAWAY: both watches on the new connection, from their resourceVersions (no new LIST)" sh -c "
	i=0; while [ \$(jq -s --argjson c $CONN2 '[.[] | select(.watch == true and .conn == \$c) | .path] | unique | length' '$R') -lt 2 ] && [ \$i -lt 100 ]; do sleep 0.05; i=\$((i + 1)); done
	[ \$(jq -s --argjson c $CONN2 '[.[] | select(.watch == true and .conn == \$c) | .path] | unique | length' '$R') -eq 2 ] &&
	[ \$(jq -s --argjson c $CONN2 '[.[] | select(.conn == \$c and .watch != true and .method == \"GET\")] | length' '$R') -eq 0 ]"
check "GOAWAY: the daemon logged the cut and its backoff" grep -q "watch .*: the watch stream was cut; again in [0-9]* ms" "$DOUT"
# Fresh data: web's second attachment is net-b now.
npod default web "" tke.cloud.tencent.com/networks net-a k8s.v1.cni.cncf.io/networks net-b@net2
wait_pod_has web net-b@net2
L=$(lines)
add c2 default web
check "after GOAWAY: the ADD is served from the cache with the new data (net2 in its status), no plugin request" wait_for sh -c "[ $RC -eq 0 ] && jq -e '.metadata.annotations[\"k8s.v1.cni.cncf.io/network-status\"] | fromjson | map(.interface) | index(\"net2\")' '$API/objects/pods/default/web.json' >/dev/null && [ $(plugin_reqs "$L") -eq 0 ]"
check "after GOAWAY: its status and events written on the new connection" wait_for sh -c "
	[ \"\$(jq -c '.metadata.annotations[\"k8s.v1.cni.cncf.io/network-status\"] | fromjson | map(.interface)' '$API/objects/pods/default/web.json')\" = '[\"eth0\",\"net2\"]' ] &&
	tail -n +$((L + 1)) '$R' | jq -se 'map(select(.method != \"GET\")) | length == 3 and all(.[]; .conn == $CONN2 and .proto == \"h2\")'"

# === the connection dropped without a GOAWAY =====================================================
touch "$API/h2.drop"
check "dropped: the daemon connects again (a third h2 connection)" wait_for h2_opened_is 3
CONN3=$(last_open)
check "dropped: both watches on it" wait_for watching "$CONN3"
npod default web "" tke.cloud.tencent.com/networks net-a k8s.v1.cni.cncf.io/networks net-a@net3
wait_pod_has web net-a@net3
L=$(lines)
add c3 default web
check "after the drop: the ADD is served from the cache with the new data (net3 in its status), no plugin request" wait_for sh -c "[ $RC -eq 0 ] && jq -e '.metadata.annotations[\"k8s.v1.cni.cncf.io/network-status\"] | fromjson | map(.interface) | index(\"net3\")' '$API/objects/pods/default/web.json' >/dev/null && [ $(plugin_reqs "$L") -eq 0 ]"
check "after the drop: its writes on the third connection" wait_for sh -c "tail -n +$((L + 1)) '$R' | jq -se 'map(select(.method != \"GET\")) | length == 3 and all(.[]; .conn == $CONN3 and .proto == \"h2\")'"
check "three connections so far, every one h2" sh -c "[ $(opened) -eq 3 ] && [ $(h2_opened) -eq 3 ]"

# === the token rotated: a 401, new credentials, the same connection ===========================
printf 'rotated-token\n' >"$API/.t" && mv "$API/.t" "$API/token"
printf 'rotated-token\n' >"$API/.t" && mv "$API/.t" "$API/tokens"
L=$(lines)
touch "$API/watch.cut"
check "401 over h2: the daemon reads its credentials again and watches on" wait_for sh -c "grep -q 'credentials read again' '$DOUT' && tail -n +$((L + 1)) '$R' | jq -se 'any(.[]; .status == 401) and any(.[]; .watch == true and .status == 200 and .auth == \"token\")' >/dev/null"
i=0
while [ "$(counter freed)" != 1 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check "401 over h2: the old API client freed, its connection kept: no new connection, all on $CONN3" sh -c "[ '$(counter freed)' = 1 ] && [ $(h2_opened) -eq 3 ] && tail -n +$((L + 1)) '$R' | jq -se 'all(.[]; .conn == $CONN3)' >/dev/null"
daemon_stop
check "SIGTERM: exit 0" [ "$DRC" -eq 0 ]
check "the API server logged no error" sh -c "! grep -q Traceback '$T/api.err'"
done_testing
