#!/bin/sh
# Issue 11: `multus daemon` against the test API server's LIST/WATCH. An ADD served from its
# cache makes no API request of its own (the daemon's requests carry their own User-Agent in
# requests.log) and maps no libcurl; the status and events are written by the daemon, with
# retries, and flushed on SIGTERM; a pod created just before its ADD; a stale uid; a watch cut
# mid-stream and a 410, both recovered; 50 parallel requests; non-root clients refused; a
# stopped daemon: the ADD falls back within the bound.
. "$SRC/tests/netns/lib.sh"
setup_dirs
. "$SRC/tests/netns/k8s_lib.sh"
. "$SRC/tests/netns/daemon_lib.sh"
trap 'daemon_stop; api_stop' EXIT
check "API server starts" api_start
ip netns add pod
nad default net-a "$(br_json net-a br-a 10.71.0.0/24)"
nad kube-system tke-bridge "$(br_json tke-bridge br-t 10.72.0.0/24)"
npod default web "" tke.cloud.tencent.com/networks net-a k8s.v1.cni.cncf.io/networks net-a@net1
npod default other-node "" && jq '.spec.nodeName = "node2"' "$API/objects/pods/default/other-node.json" >"$T/x" && mv "$T/x" "$API/objects/pods/default/other-node.json"
netconf m '"kubeconfig":"'"$API/kubeconfig"'","daemonSocket":"'"$SOCK"'","defaultDelegates":"tke-bridge","logLevel":"verbose"' >"$T/nc"

check "daemon starts: LISTs pods and NADs" daemon_start --api-timeout-seconds 5
check "daemon: pods listed with fieldSelector spec.nodeName=node1, across namespaces" sh -c "jq -s -e '[.[] | select(.path == \"/api/v1/pods\" and (.query | contains(\"fieldSelector=spec.nodeName%3Dnode1\")))] | length >= 1' '$R'"
check "daemon: then WATCHes both from the list's resourceVersion, with bookmarks" wait_for sh -c "[ \$(jq -s '[.[] | select(.watch == true and (.query | contains(\"allowWatchBookmarks=true\")) and (.query | contains(\"resourceVersion=\")))] | length' '$R') -ge 2 ]"
check "daemon: the pod of node2 is not cached" sh -c "[ \$(grep -c '\"other-node\"' '$R') -eq 0 ] && [ \"\$(/usr/bin/python3 '$SRC/tests/k8s/cache_client.py' --socket '$SOCK' --request '{\"v\":1,\"op\":\"pod\",\"namespace\":\"default\",\"name\":\"other-node\"}' 2>&1)\" != '' ]"
check "socket: 0600 in a 0700 directory, root's" sh -c "[ \$(stat -c %a:%u '$SOCK') = 600:0 ] && [ \$(stat -c %a:%u '$T/run/multus') = 700:0 ]"

# === served from the cache ===================================================================
L=$(lines)
add c1 default web
check "cached ADD: succeeds with eth0 and net1" sh -c "[ $RC -eq 0 ] && jq -e '.interfaces | map(select(.sandbox)) | length >= 1' '$T/out'"
check "cached ADD: zero API requests of its own (requests.log: only the daemon's)" [ "$(plugin_reqs "$L")" -eq 0 ]
check "cached ADD: libcurl and TLS libraries never mapped" unmapped
check "cached ADD: the daemon wrote the status (PATCH, its User-Agent)" wait_for sh -c "jq -e '.metadata.annotations[\"k8s.v1.cni.cncf.io/network-status\"] | fromjson | map(.interface) == [\"eth0\",\"net1\"]' '$API/objects/pods/default/web.json'"
check "cached ADD: the daemon wrote 2 AddedInterface events" wait_for sh -c "[ \$(jq -s '[.[] | select(.reason == \"AddedInterface\" and .involvedObject.name == \"web\")] | length' '$API/events.log') -eq 2 ]"
check "cached ADD: the events name the pod with its uid and resourceVersion, as the API path's do" sh -c "jq -se '[.[] | select(.reason == \"AddedInterface\" and .involvedObject.name == \"web\")] | length == 2 and all(.[]; (.involvedObject.uid | type == \"string\" and length > 0) and (.involvedObject.resourceVersion | type == \"string\" and test(\"^[0-9]+\$\")))' '$API/events.log' >/dev/null"
check "cached ADD: the writes were the daemon's, nothing else was asked (no GET)" sh -c "[ \"\$(tail -n +$((L + 1)) '$R' | jq -r 'select(.watch != true) | .method + \" \" + (.ua | split(\"/\")[0])' | sort | uniq -c | tr -s ' ' | tr '\n' ';')\" = ' 1 PATCH multus-daemon; 2 POST multus-daemon;' ]"

# === a pod created just before its ADD =========================================================
# The daemon waits 10 ms for the watch, then GETs the pod itself, within the plugin's 50 ms;
# against this Python server over HTTP/1.1 that GET may need a TLS connection of its own, which
# on a loaded machine can take longer than the plugin waits (it then asks the API itself, as it
# must). Up to three fresh pods: one served without a plugin request shows the path works; if
# the daemon never answered in time, all three fall back and the check fails.
for try in 1 2 3; do
	pod=fresh
	[ "$try" -eq 1 ] || pod=fresh$try
	npod default "$pod" "" tke.cloud.tencent.com/networks net-a
	L=$(lines)
	add "c2$try" default "$pod"
	[ "$RC" -eq 0 ] || break
	[ "$(plugin_reqs "$L")" -eq 0 ] && break
done
check "pod created just before ADD: succeeds" [ "$RC" -eq 0 ]
check "pod created just before ADD: no API request of the plugin's (try $try of 3)" [ "$(plugin_reqs "$L")" -eq 0 ]

# === the watch cut mid-stream ==================================================================
W0=$(jq -s '[.[] | select(.watch == true and .path == "/api/v1/pods")] | length' "$R")
touch "$API/watch.cut"
check "watch cut: the daemon watches again (from its resourceVersion, no new LIST)" wait_for sh -c "[ \$(jq -s '[.[] | select(.watch == true and .path == \"/api/v1/pods\")] | length' '$R') -gt $W0 ]"
LISTS=$(jq -s '[.[] | select(.path == "/api/v1/pods" and .watch != true)] | length' "$R")
P=$(counter pods)
npod default after-cut "" tke.cloud.tencent.com/networks net-a
wait_cached $((P + 1))
F0=$(counter fetched)
L=$(lines)
add c3 default after-cut
F1=$(counter fetched)
check "watch cut: a pod made after the cut comes by the new watch (no GET, no LIST)" sh -c "[ $RC -eq 0 ] && [ $F1 -eq $F0 ] && [ \$(jq -s '[.[] | select(.path == \"/api/v1/pods\" and .watch != true)] | length' '$R') -eq $LISTS ] && [ $(plugin_reqs "$L") -eq 0 ]"

# === 410 Gone ==================================================================================
# Whichever watch comes back first gets the 410: pods or NADs.
ALL=$(jq -s '[.[] | select((.path == "/api/v1/pods" or (.path | endswith("/network-attachment-definitions"))) and .watch != true)] | length' "$R")
touch "$API/watch.gone" "$API/watch.cut"
check "410: the daemon lists again" wait_for sh -c "[ \$(jq -s '[.[] | select((.path == \"/api/v1/pods\" or (.path | endswith(\"/network-attachment-definitions\"))) and .watch != true)] | length' '$R') -gt $ALL ] && grep -q 'is gone (410); listing again' '$DOUT'"
check "410: and watches again" wait_for sh -c "[ \$(tail -n 1 '$R' | jq -r .watch) = true ] || jq -s -e '.[-3:] | any(.watch == true)' '$R'"
P=$(counter pods)
npod default after-gone "" tke.cloud.tencent.com/networks net-a
wait_cached $((P + 1))
F0=$(counter fetched)
L=$(lines)
add c4 default after-gone
F1=$(counter fetched)
check "410: recovered: a new pod comes by the watch" sh -c "[ $RC -eq 0 ] && [ $F1 -eq $F0 ] && [ $(plugin_reqs "$L") -eq 0 ]"

# === 50 parallel requests ======================================================================
check "50 parallel pod requests: all answered ok with the pod" sh -c "/usr/bin/python3 '$SRC/tests/k8s/cache_client.py' --socket '$SOCK' --parallel 50 --request '{\"v\":1,\"op\":\"pod\",\"namespace\":\"default\",\"name\":\"web\"}' >'$T/par' && [ \$(grep -c '\"name\":\"web\"' '$T/par') -eq 50 ]"
NONE_GETS() { jq -s '[.[] | select(.method == "GET" and (.path | endswith("/network-attachment-definitions/none")))] | length' "$R"; }
G0=$(NONE_GETS)
check "50 parallel NAD requests: all answered" /usr/bin/python3 "$SRC/tests/k8s/cache_client.py" --socket "$SOCK" --parallel 50 --request '{"v":1,"op":"nads","namespace":"default","names":["net-a","none"]}'
# The daemon GETs a NAD it lacks once for all the clients asking meanwhile, not once each (50
# GETs at once over HTTP/1.1 timed out under ASan): 1 on a quiet machine; more when the 50
# clients are spread in time by load (13 seen with fuzzers running), never one each.
G1=$(NONE_GETS)
check "50 parallel NAD requests: the missing NAD GET once for the clients waiting together ($((G1 - G0)) GETs)" sh -c "[ $((G1 - G0)) -ge 1 ] && [ $((G1 - G0)) -le 25 ]"
check "garbage request: an error answer, the daemon goes on" sh -c "! /usr/bin/python3 '$SRC/tests/k8s/cache_client.py' --socket '$SOCK' --request '{\"v\":1,\"op\":\"pod\",\"namespace\":\"../x\",\"name\":\"web\"}' | grep -q '^ok' && kill -0 $DPID"

# === non-root clients ===========================================================================
REQ='{"v":1,"op":"pod","namespace":"default","name":"web"}'
check "non-root client (nobody): cannot connect" sh -c "setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/python3 '$SRC/tests/k8s/cache_client.py' --socket '$SOCK' --request '$REQ' | grep -q '^refused'"
RF=$(counter refused)
setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps +dac_override,+dac_read_search --ambient-caps +dac_override,+dac_read_search /usr/bin/python3 "$SRC/tests/k8s/cache_client.py" --socket "$SOCK" --request "$REQ" >"$T/nobody" 2>&1
RF1=$(counter refused)
check "non-root client that may bypass file modes (nobody + CAP_DAC_OVERRIDE): connects, refused by SO_PEERCRED" sh -c "grep -q '^closed' '$T/nobody' && [ $RF1 -gt $RF ]"

# === status writes retried =====================================================================
faults '[{"method": "PATCH", "path": "/pods/fresh$", "action": {"status": 500}, "count": 2}]'
L=$(lines)
add c5 default fresh
check "status retried: ADD succeeds at once" [ "$RC" -eq 0 ]
check "status retried: 2 x 500, then written (3 PATCHes)" wait_for sh -c "[ \$(tail -n +$((L + 1)) '$R' | jq -s '[.[] | select(.method == \"PATCH\")] | length') -eq 3 ] && jq -e '.metadata.annotations | has(\"k8s.v1.cni.cncf.io/network-status\")' '$API/objects/pods/default/fresh.json'"
rm -f "$API/faults.json"

# === the plugin's apiTimeoutSeconds bounds the daemon's retries ================================
# 2.5 s in the netconf (the daemon's own is 5 s): tries at about 0, 0.1, 0.3, 0.7 and 1.5 s, the
# next would be at 3.1 s. Four failures: written by the fifth; five: given up and logged, where
# the daemon's 5 s would have tried a sixth time.
netconf m '"kubeconfig":"'"$API/kubeconfig"'","daemonSocket":"'"$SOCK"'","defaultDelegates":"tke-bridge","apiTimeoutSeconds":2.5' >"$T/nc-t"
cp "$T/nc" "$T/nc-on" && cp "$T/nc-t" "$T/nc"
faults '[{"method": "PATCH", "path": "/pods/fresh$", "action": {"status": 500}, "count": 4}]'
L=$(lines)
add c5t default fresh
check "apiTimeoutSeconds 2.5: 4 x 500, then written within it (the fifth PATCH)" wait_for sh -c "[ \"\$(tail -n +$((L + 1)) '$R' | jq -s -c '[.[] | select(.method == \"PATCH\" and .path == \"/api/v1/namespaces/default/pods/fresh\") | .status]')\" = '[500,500,500,500,200]' ]"
faults '[{"method": "PATCH", "path": "/pods/fresh$", "action": {"status": 500}, "count": 5}]'
L=$(lines)
add c5u default fresh
check "apiTimeoutSeconds 2.5: 5 x 500: given up and logged" wait_for grep -q "cannot write the network-status of pod default/fresh after 5 attempts: HTTP 500" "$DOUT"
sleep 2
check "apiTimeoutSeconds 2.5: no sixth try (the daemon's own 5 s would have made one at 3.1 s)" sh -c "[ \"\$(tail -n +$((L + 1)) '$R' | jq -s -c '[.[] | select(.method == \"PATCH\" and .path == \"/api/v1/namespaces/default/pods/fresh\") | .status]')\" = '[500,500,500,500,500]' ]"
cp "$T/nc-on" "$T/nc"
rm -f "$API/faults.json"

# === a stale uid ================================================================================
# The pods watch held up (it hangs); the pod is made anew under another uid: the cache has the
# old one, so the daemon fetches it.
npod default re "uid-old" tke.cloud.tencent.com/networks net-a
wait_for sh -c "/usr/bin/python3 '$SRC/tests/k8s/cache_client.py' --socket '$SOCK' --request '{\"v\":1,\"op\":\"pod\",\"namespace\":\"default\",\"name\":\"re\",\"uid\":\"uid-old\"}' | grep -q '^ok .*uid-old'"
faults '[{"method": "GET", "path": "^/api/v1/pods$", "action": {"hang": true}}]'
L=$(lines)
touch "$API/watch.cut"
wait_hung "$L" # the pods watch, cut, asked for again, hangs
npod default re "uid-new" tke.cloud.tencent.com/networks net-a
S0=$(counter stale) F0=$(counter fetched)
L=$(lines)
# Asked directly (the plugin's 50 ms would not wait for a GET on a new TLS connection here,
# HTTP/1.1 with a hung watch holding one).
/usr/bin/python3 "$SRC/tests/k8s/cache_client.py" --socket "$SOCK" --request '{"v":1,"op":"pod","namespace":"default","name":"re","uid":"uid-new"}' >"$T/re" 2>&1
S1=$(counter stale) F1=$(counter fetched)
check "stale uid: the daemon answers with the new pod" grep -q '^ok .*"uid":"uid-new"' "$T/re"
check "stale uid: it saw the cached one stale and fetched the pod itself" sh -c "[ $S1 -gt $S0 ] && [ $F1 -gt $F0 ] && tail -n +$((L + 1)) '$R' | jq -s -e 'any(.[]; .path == \"/api/v1/namespaces/default/pods/re\" and .method == \"GET\" and (.ua | startswith(\"multus-daemon/\")))'"
L=$(lines)
add c6 default re uid-new
check "stale uid: then the ADD is served from the cache" sh -c "[ $RC -eq 0 ] && [ $(plugin_reqs "$L") -eq 0 ]"
rm -f "$API/faults.json"

# === a NAD made just before its ADD ===========================================================
# The NADs watch held up: a NAD the cache lacks is fetched by the daemon before it answers that
# there is none (the plugin would otherwise look in confDir only and fail the ADD).
faults '[{"method": "GET", "path": "^/apis/k8s.cni.cncf.io/v1/network-attachment-definitions$", "action": {"hang": true}}]'
L=$(lines)
touch "$API/watch.cut"
wait_for sh -c "tail -n +$((L + 1)) '$R' | jq -se 'any(.[]; (.path | endswith(\"/network-attachment-definitions\")) and .fault == \"hang\")' >/dev/null"
nad default net-late "$(br_json net-late br-l 10.74.0.0/24)"
F0=$(counter fetched)
L=$(lines)
/usr/bin/python3 "$SRC/tests/k8s/cache_client.py" --socket "$SOCK" --request '{"v":1,"op":"nads","namespace":"default","names":["net-a","net-late","none"]}' >"$T/late" 2>&1
F1=$(counter fetched)
check "new NAD: the daemon GETs what it lacks: net-late found, none null, net-a from the cache" sh -c "grep -q '^ok ' '$T/late' && sed 's/^ok //' '$T/late' | jq -e '.nads[\"net-late\"].spec.config | fromjson | .name == \"net-late\"' >/dev/null && sed 's/^ok //' '$T/late' | jq -e '.nads.none == null and (.nads[\"net-a\"].metadata.name == \"net-a\")' >/dev/null"
check "new NAD: two GETs by the daemon (net-late, none), none of net-a" sh -c "[ $((F1 - F0)) -eq 2 ] && [ \"\$(tail -n +$((L + 1)) '$R' | jq -r 'select(.method == \"GET\" and (.ua | startswith(\"multus-daemon/\"))) | .path' | sort | tr '\n' ' ')\" = '/apis/k8s.cni.cncf.io/v1/namespaces/default/network-attachment-definitions/net-late /apis/k8s.cni.cncf.io/v1/namespaces/default/network-attachment-definitions/none ' ]"
rm -f "$API/faults.json"
touch "$API/watch.cut"

# === a stopped daemon ===========================================================================
netconf m '"kubeconfig":"'"$API/kubeconfig"'","daemonSocket":""' >"$T/nc-off"
cp "$T/nc" "$T/nc-on" && cp "$T/nc-off" "$T/nc" && add c7 default web && BASE=$MS && cp "$T/nc-on" "$T/nc"
kill -STOP "$DPID"
L=$(lines)
add c8 default web
kill -CONT "$DPID"
# The bound: 50 ms waited, 500 ms of wall time at most; 1000 ms over the baseline leaves the API
# path its variance on a loaded machine and still fails a wait for apiTimeoutSeconds (10 s).
check "daemon stopped: ADD falls back to the API within the bound ($MS ms, $BASE ms without)" sh -c "[ $RC -eq 0 ] && [ $(plugin_reqs "$L") -ge 2 ] && [ $MS -lt $((BASE + 1000)) ]"

# === the token rotated: a 401, the credentials read again ======================================
cp "$API/tokens" "$T/tokens.old"
printf 'rotated-token\n' >"$API/.t" && mv "$API/.t" "$API/token"
printf 'rotated-token\n' >"$API/.t" && mv "$API/.t" "$API/tokens"
touch "$API/watch.cut"
check "401: the daemon reads its credentials again and watches on" wait_for sh -c "grep -q 'credentials read again' '$DOUT' && tail -n 1 '$R' | jq -e '.status == 200 and .auth == \"token\"' >/dev/null && jq -s -e 'any(.[]; .status == 401)' '$R'"
# The transfers under way used the old client (its headers, its TLS files): it is freed once
# they are done, not kept for good (one leaked client a rotation).
i=0
while [ "$(counter freed)" != 1 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check "401: the old API client is freed once its last transfer is done (made 2, freed 1)" sh -c "[ '$(counter made)' = 2 ] && [ '$(counter freed)' = 1 ]"

# === SIGTERM flushes the queue ==================================================================
faults '[{"method": "PATCH", "path": "/pods/after-cut$", "action": {"delay": 1}, "count": 1}]'
add c9 default after-cut
daemon_stop
check "SIGTERM: exit 0 after flushing" sh -c "[ $DRC -eq 0 ] && grep -q 'terminated: flushing' '$DOUT'"
check "SIGTERM: the delayed status write was finished first" sh -c "[ \$(jq -s '[.[] | select(.method == \"PATCH\" and .path == \"/api/v1/namespaces/default/pods/after-cut\" and .status == 200)] | length' '$R') -ge 2 ]"
check "SIGTERM: the socket is removed" test ! -e "$SOCK"

# === everything `multus install` does, with its flags; in-cluster API access ====================
BIN=$T/host/bin HCONF=$T/host/net.d
mkdir -p "$BIN" "$HCONF" "$T/cm"
printf '{"cniVersion":"1.0.0","name":"node-cni-network","type":"multus","defaultDelegates":"tke-bridge"}\n' >"$T/cm/00-multus.conf"
L=$(lines)
KUBERNETES_SERVICE_HOST=127.0.0.1 KUBERNETES_SERVICE_PORT=$(cat "$API/port") \
	"$MULTUS" daemon --node-name node1 --socket "$SOCK" --cni-bin-dir "$BIN" --cni-conf-dir "$HCONF" \
	--netconf "$T/cm/00-multus.conf" --token-file "$API/token" --ca-file "$API/ca.crt" >"$DOUT" 2>&1 &
DPID=$!
check "daemon + install: the binary, the kubeconfig and 00-multus.conf installed" wait_for sh -c "cmp '$MULTUS' '$BIN/multus' && [ -s '$HCONF/multus.d/multus.kubeconfig' ] && jq -e '.kubeconfig == \"/etc/cni/net.d/multus.d/multus.kubeconfig\"' '$HCONF/00-multus.conf'"
check "daemon + install: the installer says so" grep -q "multus install: multus .* installed in $BIN" "$DOUT"
check "daemon + install: the cache LISTs in-cluster (token, service host)" wait_for sh -c "tail -n +$((L + 1)) '$R' | jq -s -e 'any(.[]; .path == \"/api/v1/pods\" and .auth == \"token\" and (.ua | startswith(\"multus-daemon/\")))' && test -S '$SOCK'"
kill "$DPID"
wait "$DPID"
DRC=$? DPID=
check "daemon + install: SIGTERM ends both, exit 0" sh -c "[ $DRC -eq 0 ] && grep -q 'multus install: terminated' '$DOUT'"
done_testing
