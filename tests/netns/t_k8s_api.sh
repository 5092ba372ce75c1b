#!/bin/sh
# Issue 3, point 8: API trouble. Token rotated in its file; 401/403/404 messages; API down or
# hanging at ADD bounded by apiTimeoutSeconds; API down at DEL (DEL from the store); retries;
# K8S_POD_UID mismatch; podman-style CNI_ARGS without API use.
. "$SRC/tests/netns/lib.sh"
setup_dirs

. "$SRC/tests/netns/k8s_lib.sh"
now_ms() { echo $(($(date +%s%N) / 1000000)); }
nreq() { [ -e "$API/requests.log" ] && wc -l <"$API/requests.log" || echo 0; }
# nreq_settled: the count once the server has logged what it was still answering (it logs a
# request after its reply, so a count taken right after multus exits can be one short).
nreq_settled() {
	a=$(nreq) b=
	while [ "$a" != "$b" ]; do sleep 0.2; b=$a; a=$(nreq); done
	echo "$a"
}
# faults JSON: written atomically.
faults() { printf '%s\n' "$1" >"$API/.faults.tmp" && mv "$API/.faults.tmp" "$API/faults.json"; }
clean_pod() { [ "$(ip netns exec pod ip -o link | wc -l)" -eq 1 ] && [ -z "$(ls "$STORE" 2>/dev/null | grep -v '\.lock$')" ]; }
fails_with() { # CODE SUBSTRING...: the last ADD failed with that CNI code and message parts.
	[ "$RC" -ne 0 ] || return 1
	jq -e --argjson c "$1" '.code == $c' "$T/out" >/dev/null || { cat "$T/out"; return 1; }
	shift
	for s in "$@"; do jq -e --arg s "$s" '.msg | contains($s)' "$T/out" >/dev/null || { cat "$T/out"; return 1; }; done
}

check "API server starts" api_start
KC=$API/kubeconfig
ip link add up0 type veth peer name up0p && ip link set up0 up && ip link set up0p up
ip netns add pod
br_json flannel-conf br-f 10.3.0.0/24 >"$CONF/flannel-conf.conf"
nad default macvlan-conf "$(mv_json macvlan-conf up0 10.30.0.0/24)"
netconf m '"kubeconfig":"'"$KC"'","defaultDelegates":"flannel-conf","apiTimeoutSeconds":2' >"$T/nc"
pod default web k8s.v1.cni.cncf.io/networks macvlan-conf
A=$(kargs default web)

# === token rotation ===========================================================================
multus ADD t1 eth0 /run/netns/pod "$A" <"$T/nc"
check "token: ADD with the first token works" sh -c "[ $RC -eq 0 ] && ip netns exec pod ip -d link show eth1 | grep -q macvlan"
multus DEL t1 eth0 /run/netns/pod "$A" <"$T/nc"
# The server stops accepting the old token; the kubeconfig's tokenFile still has it.
printf 'rotated-token-2\n' >"$API/.tokens.tmp" && mv "$API/.tokens.tmp" "$API/tokens"
multus ADD t2 eth0 /run/netns/pod "$A" <"$T/nc"
check "token: the old token is now refused (401, code 102)" fails_with 102 401
check "token: refused ADD left nothing" clean_pod
# kubelet/the DaemonSet writes the new token into the tokenFile: read again on this ADD.
printf 'rotated-token-2\n' >"$API/.token.tmp" && mv "$API/.token.tmp" "$API/token"
multus ADD t3 eth0 /run/netns/pod "$A" <"$T/nc"
check "token: after rotation in the tokenFile, the next ADD works" sh -c "[ $RC -eq 0 ] && ip netns exec pod ip -d link show eth1 | grep -q macvlan"
check "token: the server saw token auth, status 200" sh -c "grep '/pods/web\"' '$API/requests.log' | tail -n 1 | jq -e '.auth == \"token\" and .status == 200'"
multus DEL t3 eth0 /run/netns/pod "$A" <"$T/nc"
check "token: DEL" sh -c "[ $RC -eq 0 ]"

# The token never reaches a log, even at debug level.
netconf m '"kubeconfig":"'"$KC"'","defaultDelegates":"flannel-conf","apiTimeoutSeconds":2,"logLevel":"debug","logFile":"'"$T"'/multus.log"' >"$T/nc.dbg"
multus ADD t4 eth0 /run/netns/pod "$A" <"$T/nc.dbg"
check "token: debug ADD works and logs" sh -c "[ $RC -eq 0 ] && [ -s '$T/multus.log' ]"
multus DEL t4 eth0 /run/netns/pod "$A" <"$T/nc.dbg"
check "token: not in stderr, stdout or the debug log file" sh -c "! grep -q rotated-token-2 '$T/err' '$T/out' '$T/multus.log'"

# === 401, 403, 404 ============================================================================
printf 'someone-else\n' >"$API/.tokens.tmp" && mv "$API/.tokens.tmp" "$API/tokens"
multus ADD e1 eth0 /run/netns/pod "$A" <"$T/nc"
check "401: code 102, the message says 401 Unauthorized and names the pod" fails_with 102 401 Unauthorized default/web
check "401: no token in the message" sh -c "! grep -q rotated-token-2 '$T/out' '$T/err'"
check "401: nothing left" clean_pod
printf 'rotated-token-2\n' >"$API/.tokens.tmp" && mv "$API/.tokens.tmp" "$API/tokens"
printf 'rotated-token-2\n' >"$API/.tf.tmp" && mv "$API/.tf.tmp" "$API/tokens.forbidden"
multus ADD e2 eth0 /run/netns/pod "$A" <"$T/nc"
check "403: code 102, the message says 403 Forbidden" fails_with 102 "403 Forbidden"
check "403: the server's Status message is quoted" fails_with 102 'pods "web" is forbidden: User "system:serviceaccount:kube-system:multus" cannot get resource "pods"'
check "403: nothing left" clean_pod
rm -f "$API/tokens.forbidden"
multus ADD e3 eth0 /run/netns/pod "$(kargs default nosuchpod)" <"$T/nc"
check "404: code 102, the message says 404 and not found" fails_with 102 404 'pods "nosuchpod" not found'
check "404: nothing left" clean_pod
# A forbidden NAD (RBAC without network-attachment-definitions): the network is named.
faults '[{"method":"GET","path":"network-attachment-definitions/macvlan-conf$","action":{"status":403}}]'
multus ADD e4 eth0 /run/netns/pod "$A" <"$T/nc"
check "403 on the NAD: code 102 naming the network and the NAD" fails_with 102 "403 Forbidden" default/macvlan-conf 'network-attachment-definitions.k8s.cni.cncf.io "macvlan-conf" is forbidden'
check "403 on the NAD: nothing left" clean_pod
# A NAD GET that fails with 500 is not "no NAD": no fallback to a file of the same name.
mv_json macvlan-conf up0 10.99.0.0/24 >"$CONF/macvlan-conf.conf"
faults '[{"method":"GET","path":"network-attachment-definitions/macvlan-conf$","action":{"status":500}}]'
multus ADD e5 eth0 /run/netns/pod "$A" <"$T/nc"
check "500 on the NAD (every retry): code 102, no fallback to the file" fails_with 102 500 "Internal error occurred: injected"
check "500 on the NAD: nothing left" clean_pod
rm -f "$CONF/macvlan-conf.conf"

# === retries within the bound =================================================================
faults '[{"method":"GET","path":"/pods/web$","action":{"status":503},"count":1},{"method":"GET","path":"network-attachment-definitions/flannel-conf$","action":{"close":true},"count":1}]'
: >"$API/requests.log"
multus ADD r1 eth0 /run/netns/pod "$A" <"$T/nc"
check "retry: a 503 on the pod and a dropped NAD connection are retried, ADD works" sh -c "[ $RC -eq 0 ] && ip netns exec pod ip -d link show eth1 | grep -q macvlan"
check "retry: the server saw 2 pod GETs and 2 GETs of the NAD whose connection dropped" sh -c "[ \$(grep -c '\"GET\", \"path\": \"/api/v1/namespaces/default/pods/web\"' '$API/requests.log') = 2 ] && [ \$(grep -c 'network-attachment-definitions/flannel-conf\"' '$API/requests.log') = 2 ]"
multus DEL r1 eth0 /run/netns/pod "$A" <"$T/nc"
faults '[{"method":"GET","path":"/pods/web$","action":{"status":429},"count":1}]'
t0=$(now_ms)
multus ADD r2 eth0 /run/netns/pod "$A" <"$T/nc"
el=$(($(now_ms) - t0))
check "retry: 429 with Retry-After: 1 is retried after about a second (${el} ms)" sh -c "[ $RC -eq 0 ] && [ $el -ge 900 ] && [ $el -lt 3500 ]"
multus DEL r2 eth0 /run/netns/pod "$A" <"$T/nc"
rm -f "$API/faults.json"

# === API hanging or down at ADD: bounded by apiTimeoutSeconds (2 s) ==========================
bounded() { # DESCRIPTION ID: runs ADD, checks failure within 2 s + 1.5 s, code 102, clean pod.
	t0=$(now_ms)
	multus ADD "$2" eth0 /run/netns/pod "$A" <"$T/nc"
	el=$(($(now_ms) - t0))
	check "$1: ADD fails in ${el} ms (< 3500)" sh -c "[ $RC -ne 0 ] && [ $el -lt 3500 ]"
	check "$1: code 102 with a message" sh -c "jq -e '.code == 102 and (.msg | length) > 10' '$T/out'"
	check "$1: nothing left" clean_pod
}
faults '[{"method":"GET","path":"/pods/web$","action":{"hang":true}}]'
bounded "pod GET hangs" h1
faults '[{"method":"GET","path":"network-attachment","action":{"hang":true}}]'
bounded "NAD GET hangs" h2
faults '[{"method":"GET","path":"/pods/web$","action":{"delay":30}}]'
bounded "pod GET delayed 30 s" h3
faults '[{"method":"*","path":".","action":{"close":true}}]'
bounded "every connection closed without a reply" h4
rm -f "$API/faults.json"
# A refused port: a second kubeconfig pointing at a port nobody listens on.
sed "s#server: https://127.0.0.1:[0-9]*#server: https://127.0.0.1:1#" "$KC" >"$T/kc.refused"
netconf m '"kubeconfig":"'"$T/kc.refused"'","defaultDelegates":"flannel-conf","apiTimeoutSeconds":2' >"$T/nc.refused"
t0=$(now_ms)
multus ADD d1 eth0 /run/netns/pod "$A" <"$T/nc.refused"
el=$(($(now_ms) - t0))
check "refused port: ADD fails in ${el} ms (< 3500) with code 102" sh -c "[ $RC -ne 0 ] && [ $el -lt 3500 ] && jq -e '.code == 102' '$T/out'"
check "refused port: the message says it cannot connect" jq_out '.msg | test("connect"; "i")'
check "refused port: nothing left" clean_pod
# The server killed.
api_stop
bounded "API server killed" d2
check "API server restarts" api_start
KC=$API/kubeconfig

# === API down at DEL ==========================================================================
netconf m '"kubeconfig":"'"$KC"'","defaultDelegates":"flannel-conf","apiTimeoutSeconds":10' >"$T/nc"
multus ADD x1 eth0 /run/netns/pod "$A" <"$T/nc"
check "DEL without API: ADD with the server up" sh -c "[ $RC -eq 0 ] && ip netns exec pod ip link show eth1 >/dev/null && [ -e '$STORE/x1.json' ]"
check "DEL without API: two leases held" [ "$(ipam_count flannel-conf)$(ipam_count macvlan-conf)" = 11 ]
api_stop
n0=$(nreq)
t0=$(now_ms)
multus DEL x1 eth0 /run/netns/pod "$A" <"$T/nc"
el=$(($(now_ms) - t0))
check "DEL without API: succeeds" [ "$RC" -eq 0 ]
check "DEL without API: does not wait for the API (${el} ms < 2000, apiTimeoutSeconds 10)" [ "$el" -lt 2000 ]
check "DEL without API: eth0 and eth1 are gone" only_lo pod
check "DEL without API: the bridge's host veth is gone" sh -c "! ip -o link show master br-f | grep -q veth"
check "DEL without API: IPAM released for both networks" [ "$(ipam_count flannel-conf)$(ipam_count macvlan-conf)" = 00 ]
check "DEL without API: store entry removed" [ ! -e "$STORE/x1.json" ]
multus DEL x1 eth0 /run/netns/pod "$A" <"$T/nc"
check "DEL without API: a second DEL is a no-op success" [ "$RC" -eq 0 ]
# A hanging server at DEL: still no API call, no wait.
check "API server restarts (hanging everything)" api_start
faults '[{"method":"*","path":".","action":{"hang":true}}]'
netconf m '"kubeconfig":"'"$API/kubeconfig"'","defaultDelegates":"flannel-conf","apiTimeoutSeconds":10' >"$T/nc"
rm -f "$API/faults.json"
multus ADD x2 eth0 /run/netns/pod "$A" <"$T/nc"
faults '[{"method":"*","path":".","action":{"hang":true}}]'
n0=$(nreq_settled)
t0=$(now_ms)
multus DEL x2 eth0 /run/netns/pod "$A" <"$T/nc"
el=$(($(now_ms) - t0))
check "DEL with a hanging API: succeeds in ${el} ms (< 2000)" sh -c "[ $RC -eq 0 ] && [ $el -lt 2000 ]"
check "DEL with a hanging API: no request made" [ "$(nreq)" = "$n0" ]
check "DEL with a hanging API: pod clean, IPs released" sh -c "[ \$(ip netns exec pod ip -o link | wc -l) -eq 1 ] && [ ! -e '$STORE/x2.json' ] && [ \$(ls '$IPAM/flannel-conf' '$IPAM/macvlan-conf' | grep -c '^10\\.') = 0 ]"
rm -f "$API/faults.json"

# === K8S_POD_UID ==============================================================================
mkdir -p "$API/objects/pods/default"
jq -n '{metadata: {uid: "11111111-2222-3333-4444-555555555555", annotations: {"k8s.v1.cni.cncf.io/networks": "macvlan-conf"}}}' >"$API/objects/pods/default/.u.tmp"
mv "$API/objects/pods/default/.u.tmp" "$API/objects/pods/default/web.json"
multus ADD u1 eth0 /run/netns/pod "$A;K8S_POD_UID=99999999-2222-3333-4444-555555555555" <"$T/nc"
check "UID mismatch: code 3" fails_with 3 11111111-2222-3333-4444-555555555555 99999999-2222-3333-4444-555555555555
check "UID mismatch: nothing attached, no store entry" clean_pod
multus ADD u2 eth0 /run/netns/pod "$A;K8S_POD_UID=11111111-2222-3333-4444-555555555555" <"$T/nc"
check "UID match: ADD works" sh -c "[ $RC -eq 0 ] && ip netns exec pod ip link show eth1 >/dev/null"
multus DEL u2 eth0 /run/netns/pod "$A;K8S_POD_UID=99999999-2222-3333-4444-555555555555" <"$T/nc"
check "UID: DEL is not refused for a differing UID (it needs no pod)" sh -c "[ $RC -eq 0 ] && [ \$(ip netns exec pod ip -o link | wc -l) -eq 1 ]"

# === podman-style CNI_ARGS: only K8S_POD_NAME ================================================
n0=$(nreq)
multus ADD pm1 eth0 /run/netns/pod "IgnoreUnknown=1;K8S_POD_NAME=web" <"$T/nc"
check "podman: ADD works from the config alone (eth0 from defaultDelegates, no eth1)" sh -c "[ $RC -eq 0 ] && ip netns exec pod ip -o -4 addr show dev eth0 | grep -q 'inet 10.3.0.' && ! ip netns exec pod ip link show eth1 2>/dev/null"
check "podman: no API request made" [ "$(nreq)" = "$n0" ]
multus DEL pm1 eth0 /run/netns/pod "IgnoreUnknown=1;K8S_POD_NAME=web" <"$T/nc"
check "podman: DEL" sh -c "[ $RC -eq 0 ] && [ \$(ip netns exec pod ip -o link | wc -l) -eq 1 ]"
multus ADD pm2 eth0 /run/netns/pod "" <"$T/nc"
check "no CNI_ARGS at all: ADD works, no API request" sh -c "[ $RC -eq 0 ] && [ \$(wc -l <'$API/requests.log') = $n0 ]"
multus DEL pm2 eth0 /run/netns/pod "" <"$T/nc"

api_stop
done_testing
