#!/bin/sh
# API servers that misbehave in new ways (tests/k8s/README.md: faults.json's reply, raw,
# trickle, trickle_body, truncate, size, gzip, http10; ports that are no API server;
# certificates that do not fit). Every failure is a CNI error with code 102 (or 7 for a bad
# config) that names what failed (the pod, the NAD) and why, within apiTimeoutSeconds (2 s
# here) whatever the server does; nothing is left in the pod or the store. What a well-formed
# but unusual reply allows (HTTP/1.0, gzip, a Retry-After within the bound, LISTs that are
# no use: the GETs) works; status and event writes that fail are logged, not fatal.
. "$SRC/tests/netns/lib.sh"
setup_dirs

. "$SRC/tests/netns/k8s_lib.sh"
now_ms() { echo $(($(date +%s%N) / 1000000)); }
faults() { printf '%s\n' "$1" >"$API/.faults.tmp" && mv "$API/.faults.tmp" "$API/faults.json"; }
del_clean() { [ "$RC" -eq 0 ] && clean_pod; }
clean_pod() { [ "$(ip netns exec pod ip -o link | wc -l)" -eq 1 ] && [ -z "$(ls "$STORE" 2>/dev/null | grep -v '\.lock$')" ]; }
msg_has() { for s in "$@"; do jq -e --arg s "$s" '.msg | contains($s)' "$T/out" >/dev/null || { cat "$T/out"; return 1; }; done; }
reqs() { grep -c "\"GET\", \"path\": \"$1\"" "$API/requests.log" 2>/dev/null; }
POD=/api/v1/namespaces/default/pods/web
NADP=/apis/k8s.cni.cncf.io/v1/namespaces/default/network-attachment-definitions

check "API server starts" api_start
KC=$API/kubeconfig
ip link add up0 type veth peer name up0p && ip link set up0 up && ip link set up0p up
ip netns add pod
br_json flannel-conf br-f 10.3.0.0/24 >"$CONF/flannel-conf.conf"
nad default macvlan-conf "$(mv_json macvlan-conf up0 10.30.0.0/24)"
netconf m '"kubeconfig":"'"$KC"'","defaultDelegates":"flannel-conf","apiTimeoutSeconds":2,"logFile":"'"$T"'/log"' >"$T/nc"
pod default web k8s.v1.cni.cncf.io/networks macvlan-conf
A=$(kargs default web)

# fails DESC CODE SUBSTRING...: an ADD fails within the bound (2 s + 1.5 s) with that CNI code
# and a message holding every SUBSTRING; nothing is left.
n=0
fails() {
	fd=$1 fc=$2
	shift 2
	n=$((n + 1))
	: >"$API/requests.log"
	t0=$(now_ms)
	multus ADD f$n eth0 /run/netns/pod "$A" <"$T/nc"
	el=$(($(now_ms) - t0))
	check "$fd: ADD fails with code $fc in ${el} ms (< 3500)" sh -c "[ $RC -ne 0 ] && [ $el -lt 3500 ] && jq -e '.code == $fc' '$T/out' >/dev/null || { cat '$T/out'; exit 1; }"
	check "$fd: the message says $*" msg_has "$@"
	# An ADD that worked after all is undone, so the next probe starts clean.
	[ "$RC" -eq 0 ] && cp "$T/out" "$T/out.ok" && multus DEL f$n eth0 /run/netns/pod "$A" <"$T/nc" && cp "$T/out.ok" "$T/out"
	check "$fd: nothing left" clean_pod
}
# works DESC: an ADD succeeds with eth0 and the NAD's eth1; DEL leaves nothing.
works() {
	n=$((n + 1))
	: >"$API/requests.log"
	multus ADD w$n eth0 /run/netns/pod "$A" <"$T/nc"
	check "$1: ADD works (eth0, eth1 from the NAD)" sh -c "[ $RC -eq 0 ] && ip netns exec pod ip -d link show eth1 | grep -q macvlan || { cat '$T/out'; exit 1; }"
	multus DEL w$n eth0 /run/netns/pod "$A" <"$T/nc"
	check "$1: DEL works and leaves nothing" del_clean
}

# === slow bytes ===============================================================================
faults '[{"path":"/pods/web$","action":{"trickle":0.1}}]'
fails "pod reply headers one byte per 100 ms" 102 "cannot read pod default/web" "did not answer within 2000 ms"
faults '[{"path":"/pods/web$","action":{"trickle_body":0.1,"size":400}}]'
fails "pod reply body one byte per 100 ms" 102 "cannot read pod default/web" "did not answer within 2000 ms"
faults '[{"path":"network-attachment-definitions/macvlan-conf$","action":{"trickle_body":0.05}}]'
fails "NAD reply body one byte per 50 ms" 102 "default/macvlan-conf" "did not answer within 2000 ms"
# With a bound above the 3 s connect cap: still one slow answer, not "cannot connect".
netconf m '"kubeconfig":"'"$KC"'","defaultDelegates":"flannel-conf","apiTimeoutSeconds":4' >"$T/nc"
faults '[{"path":"/pods/web$","action":{"trickle_body":0.1,"size":400}}]'
n=$((n + 1))
t0=$(now_ms)
multus ADD f$n eth0 /run/netns/pod "$A" <"$T/nc"
el=$(($(now_ms) - t0))
check "pod reply body one byte per 100 ms, apiTimeoutSeconds 4: fails in ${el} ms (4000..5500)" sh -c "[ $RC -ne 0 ] && [ $el -ge 3900 ] && [ $el -lt 5500 ]"
check "apiTimeoutSeconds 4: code 102" jq -e '.code == 102' "$T/out"
check "apiTimeoutSeconds 4: the message says the server did not answer within 4000 ms" msg_has "cannot read pod default/web" "did not answer within 4000 ms"
check "apiTimeoutSeconds 4: nothing left" clean_pod
netconf m '"kubeconfig":"'"$KC"'","defaultDelegates":"flannel-conf","apiTimeoutSeconds":2,"logFile":"'"$T"'/log"' >"$T/nc"

# === short, long and odd bodies ===============================================================
faults '[{"path":"/pods/web$","action":{"reply":{"status":200,"body":"{\"kind\":\"Pod\",\"metadata\":{\"annotations\":"}}}]'
fails "pod: a 200 with truncated JSON" 102 "cannot read pod default/web" "bad JSON in the reply"
faults '[{"path":"/pods/web$","action":{"truncate":20}}]'
fails "pod: Content-Length larger than the body" 102 "cannot read pod default/web" "connection to the API server lost"
check "Content-Length larger than the body: retried, at most 5 times" sh -c "r=\$(grep -c '\"$POD\"' '$API/requests.log'); [ \$r -ge 2 ] && [ \$r -le 5 ]"
faults '[{"path":"/pods/web$","action":{"size":100000000}}]'
fails "pod: a 100 MB body" 102 "cannot read pod default/web" "larger than 4 MiB"
check "100 MB body: not retried" [ "$(reqs $POD)" = 1 ]
faults '[{"path":"/pods/web$","action":{"size":100000000,"http10":true}}]'
fails "pod: a 100 MB HTTP/1.0 body (no Content-Length)" 102 "cannot read pod default/web" "larger than 4 MiB"
faults '[{"path":"network-attachment-definitions/macvlan-conf$","action":{"gzip":true}},{"path":"/pods/web$","action":{"gzip":true}}]'
works "pod and NAD: gzip bodies (Content-Encoding: gzip, as client-go asks for)"
faults '[{"path":"/pods/web$","action":{"gzip":true,"truncate":30}}]'
fails "pod: a truncated gzip body" 102 "cannot read pod default/web"
deep=$(printf '%*s' 100000 '' | tr ' ' '[')
faults "[{\"path\":\"/pods/web\$\",\"action\":{\"reply\":{\"status\":200,\"body\":\"$deep\"}}}]"
fails "pod: 100000 nested arrays" 102 "cannot read pod default/web" "bad JSON in the reply"
faults '[{"path":"/pods/web$","action":{"reply":{"status":200,"body":"{\"kind\":\"Pod\",\"metadata\":{\"name\":\"w\u0000b\"}}"}}}]'
fails "pod: a NUL in a string" 102 "cannot read pod default/web" "bad JSON in the reply"
faults '[{"path":"/pods/web$","action":{"reply":{"status":200,"body":"[1,2,3]"}}}]'
fails "pod: a JSON array, not an object" 102 "cannot read pod default/web" "not a JSON object"
faults '[{"path":"/pods/web$","action":{"http10":true}}]'
works "pod: an HTTP/1.0 reply whose body ends with the connection"
faults '[{"path":"/pods/web$","action":{"raw":"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"}}]'
fails "pod: a chunk size that is no number" 102 "cannot read pod default/web" "chunked"
faults '[{"path":"/pods/web$","action":{"raw":"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n7fffffff\r\n{}"}}]'
fails "pod: a chunk of 2 GiB announced, 2 bytes sent" 102 "cannot read pod default/web"
faults '[{"path":"/pods/web$","action":{"raw":"SSH-2.0-OpenSSH\r\n\r\n"}}]'
fails "pod: not HTTP at all" 102 "cannot read pod default/web" "reply is not HTTP"
faults '[{"path":"/pods/web$","action":{"raw":"HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n{}"}}]'
fails "pod: a negative Content-Length" 102 "cannot read pod default/web" "Content-Length"
head -c 300000 /dev/zero | tr '\0' 'a' >"$T/hdr"
jq -n --rawfile h "$T/hdr" '[{path: "/pods/web$", action: {reply: {status: 200, headers: {"X-Big": $h}, body: {}}}}]' >"$API/.faults.tmp" && mv "$API/.faults.tmp" "$API/faults.json"
fails "pod: a 300 kB header line" 102 "cannot read pod default/web" "header over 100 kB"

# === redirects and Retry-After =================================================================
faults '[{"path":"/pods/web$","action":{"reply":{"status":302,"headers":{"Location":"http://127.0.0.1:1/api/v1/namespaces/default/pods/web"},"body":""}}}]'
fails "pod: 302 to another scheme and port" 102 "cannot read pod default/web" "302 redirect to http://127.0.0.1:1/api/v1/namespaces/default/pods/web not followed"
check "302: one request, not followed" [ "$(reqs $POD)" = 1 ]
faults '[{"path":"/pods/web$","action":{"reply":{"status":307,"headers":{"Location":"https://localhost/elsewhere"},"body":""}}}]'
fails "pod: 307 to another host" 102 "cannot read pod default/web" "307 redirect to https://localhost/elsewhere not followed"
faults '[{"path":"/pods/web$","action":{"status":429,"headers":{"Retry-After":"30"}}}]'
fails "pod: 429 with Retry-After: 30 (past the bound)" 102 "cannot read pod default/web" "429 Too Many Requests"
faults '[{"path":"/pods/web$","action":{"status":503,"headers":{"Retry-After":"3600"}}}]'
fails "pod: 503 with Retry-After: 3600" 102 "cannot read pod default/web" "503 Service Unavailable"
faults '[{"path":"/pods/web$","action":{"status":503,"headers":{"Retry-After":"Fri, 31 Dec 2100 23:59:59 GMT"}}}]'
fails "pod: 503 with Retry-After a date in 2100" 102 "cannot read pod default/web" "503 Service Unavailable"
check "Retry-After in 2100: not waited for, one GET" [ "$(reqs $POD)" = 1 ]
faults '[{"path":"/pods/web$","action":{"status":503,"headers":{"Retry-After":"soon, maybe"}}}]'
fails "pod: 503 with a Retry-After that is no number nor date: retried with backoff" 102 "cannot read pod default/web" "503 Service Unavailable"
check "Retry-After garbage: retried (2..5 GETs)" sh -c "r=\$(grep -c '\"GET\", \"path\": \"$POD\"' '$API/requests.log'); [ \$r -ge 2 ] && [ \$r -le 5 ]"
faults '[{"path":"/pods/web$","action":{"status":503,"headers":{"Retry-After":"1"}},"count":1}]'
works "pod: 503 with Retry-After: 1 (within the bound)"
check "503 with Retry-After: 1: two pod GETs" [ "$(reqs $POD)" = 2 ]

# === Status bodies that contradict the HTTP status ============================================
st() { printf '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"%s","reason":"%s","code":%s}' "$1" "$2" "$3"; }
faults '[{"path":"/pods/web$","action":{"reply":{"status":404,"body":'"$(st 'said 500 inside' InternalError 500)"'}}}]'
fails "pod: HTTP 404 with a Status of code 500: HTTP decides, the message is quoted" 102 "404 Not Found" "said 500 inside"
check "404 with a Status of 500: not retried" [ "$(reqs $POD)" = 1 ]
faults '[{"path":"/pods/web$","action":{"reply":{"status":200,"body":'"$(st 'pods \"web\" is gone' NotFound 404)"'}}}]'
fails "pod: HTTP 200 with a Status of code 404" 102 "cannot read pod default/web" 'HTTP status 200: pods "web" is gone'
faults '[{"path":"network-attachment-definitions/macvlan-conf$","action":{"reply":{"status":200,"body":'"$(st 'no NAD here' NotFound 404)"'}}}]'
fails "NAD: HTTP 200 with a Status of code 404" 102 "default/macvlan-conf" "no NAD here"
rm -f "$API/faults.json"

# === pod objects of the wrong shape ============================================================
raw_pod() { printf '%s\n' "$1" >"$API/objects/pods/default/.web.tmp" && mv "$API/objects/pods/default/.web.tmp" "$API/objects/pods/default/web.json"; }
raw_pod '{"metadata":{"annotations":["k8s.v1.cni.cncf.io/networks","macvlan-conf"]}}'
fails "pod: metadata.annotations is an array" 102 "pod default/web" "metadata.annotations is not an object"
raw_pod '{"metadata":{"annotations":{"k8s.v1.cni.cncf.io/networks":["macvlan-conf"]}}}'
fails "pod: the networks annotation is an array, not a string" 7 "pod default/web" "k8s.v1.cni.cncf.io/networks" "not a string"
raw_pod '{"metadata":{"annotations":{"tke.cloud.tencent.com/networks":7}}}'
fails "pod: the tke networks annotation is a number" 7 "tke.cloud.tencent.com/networks" "not a string"
raw_pod '{"metadata":{"annotations":{"k8s.v1.cni.cncf.io/networks":"macvlan-conf","other.example/x":{"a":1}}}}'
works "pod: an annotation multus does not read is not a string"
faults '[{"path":"/pods/web$","action":{"reply":{"status":200,"body":{"kind":"Pod","apiVersion":"v1","metadata":"web"}}}}]'
fails "pod: metadata is a string" 102 "pod default/web" "metadata is not an object"
rm -f "$API/faults.json"
pod default web k8s.v1.cni.cncf.io/networks macvlan-conf

# === NADs of the wrong shape ===================================================================
raw_nad() { printf '%s\n' "$1" >"$API/objects/nads/default/.macvlan-conf.tmp" && mv "$API/objects/nads/default/.macvlan-conf.tmp" "$API/objects/nads/default/macvlan-conf.json"; }
raw_nad "{\"spec\":{\"config\":$(mv_json macvlan-conf up0 10.30.0.0/24)}}"
fails "NAD: spec.config is an object, not a string" 7 "default/macvlan-conf" "spec.config is not a string"
raw_nad '{"spec":"x"}'
fails "NAD: spec is a string" 7 "default/macvlan-conf" "spec"
raw_nad '{"spec":{"config":"[1,2]"}}'
fails "NAD: spec.config is a JSON array" 7 "default/macvlan-conf"
raw_nad '{"spec":{"config":"{\"cniVersion\":\"1.0.0\",\"name\":\"macvlan-conf\"}"}}'
fails "NAD: spec.config has no type" 7 "default/macvlan-conf" "type"
head -c 10000000 /dev/zero | tr '\0' ' ' >"$T/pad"
jq -n --arg c "$(mv_json macvlan-conf up0 10.30.0.0/24)" --rawfile p "$T/pad" '{spec: {config: ($c + $p)}}' >"$T/big.json"
mv "$T/big.json" "$API/objects/nads/default/macvlan-conf.json"
fails "NAD: a 10 MB spec.config" 102 "default/macvlan-conf" "larger than 4 MiB"
nad default macvlan-conf "$(mv_json macvlan-conf up0 10.30.0.0/24)"
works "NAD fixed again"

# === NAD lists (two NADs of one namespace make a LIST) =========================================
nad default macvlan-b "$(mv_json macvlan-b up0 10.31.0.0/24)"
pod default web k8s.v1.cni.cncf.io/networks macvlan-conf,macvlan-b
list2() {
	n=$((n + 1))
	: >"$API/requests.log"
	multus ADD l$n eth0 /run/netns/pod "$A" <"$T/nc"
	check "$1: ADD works with eth1 and eth2" sh -c "[ $RC -eq 0 ] && ip netns exec pod ip link show eth1 >/dev/null && ip netns exec pod ip link show eth2 >/dev/null || { cat '$T/out'; exit 1; }"
	multus DEL l$n eth0 /run/netns/pod "$A" <"$T/nc"
	check "$1: DEL works and leaves nothing" del_clean
}
faults '[{"path":"network-attachment-definitions$","action":{"reply":{"status":200,"body":{"kind":"NetworkAttachmentDefinitionList","apiVersion":"k8s.cni.cncf.io/v1","metadata":{"resourceVersion":"1"},"items":null}}}}]'
list2 "LIST with items null"
faults '[{"path":"network-attachment-definitions$","action":{"reply":{"status":200,"body":{"kind":"NetworkAttachmentDefinitionList","apiVersion":"k8s.cni.cncf.io/v1","metadata":{"continue":"again"},"items":[]}}}}]'
list2 "LIST whose continue token never ends"
check "LIST whose continue token never ends: at most 16 pages asked for" sh -c "[ \$(grep -c '\"$NADP\"' '$API/requests.log') -le 16 ]"
faults '[{"path":"network-attachment-definitions$","action":{"size":100000000}}]'
list2 "LIST of 100 MB"
rm -f "$API/faults.json"
pod default web k8s.v1.cni.cncf.io/networks macvlan-conf

# === status and event writes: slow or refused, logged, not fatal ==============================
faults '[{"method":"PATCH","path":"/pods/web$","action":{"trickle":0.1}},{"method":"POST","path":"events$","action":{"trickle":0.1}}]'
n=$((n + 1))
t0=$(now_ms)
multus ADD s$n eth0 /run/netns/pod "$A" <"$T/nc"
el=$(($(now_ms) - t0))
check "PATCH and POST trickling: ADD works in ${el} ms (< 3500)" sh -c "[ $RC -eq 0 ] && [ $el -lt 3500 ] && ip netns exec pod ip link show eth1 >/dev/null"
check "PATCH trickling: the warning names the pod" grep -q "cannot write the network-status annotations of pod default/web" "$T/log"
multus DEL s$n eth0 /run/netns/pod "$A" <"$T/nc"
check "PATCH trickling: DEL works and leaves nothing" del_clean
faults '[{"method":"PATCH","path":"/pods/web$","action":{"reply":{"status":200,"body":"not json"}}}]'
works "PATCH answered with junk"
rm -f "$API/faults.json"

# === not an API server at all on the kubeconfig's port ==========================================
# kc_port PORT: the netconf's kubeconfig points at 127.0.0.1:PORT.
kc_port() {
	sed "s#server: https://127.0.0.1:[0-9]*#server: https://127.0.0.1:$1#" "$KC" >"$T/kc.port"
	netconf m '"kubeconfig":"'"$T/kc.port"'","defaultDelegates":"flannel-conf","apiTimeoutSeconds":2' >"$T/nc"
}
# listener MODE: a TCP listener on 127.0.0.1 (port in $T/lport): "mute" accepts and says
# nothing, "plain" answers the first bytes with a plain HTTP reply, "reset" closes at once.
listener() {
	rm -f "$T/lport"
	/usr/bin/python3 -c '
import socket, sys, threading, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
open(sys.argv[2], "w").write(str(s.getsockname()[1]))
held = []
def serve(c):
    if sys.argv[1] == "plain":
        c.recv(4096); c.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
    if sys.argv[1] in ("plain", "reset"):
        c.close()
    else:
        held.append(c)
deadline = time.time() + 120
while time.time() < deadline:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
' "$1" "$T/lport" &
	LPID=$!
	i=0
	while [ ! -s "$T/lport" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	kc_port "$(cat "$T/lport")"
}
listener mute
fails "a port that accepts and never answers the TLS handshake" 102 "cannot read pod default/web" "did not answer within 2000 ms"
kill $LPID
listener plain
fails "a plain HTTP server on the https:// port" 102 "cannot read pod default/web" "TLS"
kill $LPID
listener reset
fails "a port that closes every connection at once" 102 "cannot read pod default/web" "TLS handshake with the API server failed"
kill $LPID
wait $LPID 2>/dev/null
netconf m '"kubeconfig":"'"$KC"'","defaultDelegates":"flannel-conf","apiTimeoutSeconds":2,"logFile":"'"$T"'/log"' >"$T/nc"

# === TLS: certificates that do not fit ========================================================
# sign_server DAYS SAN: a new server certificate from the test CA.
sign_server() {
	printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=%s\n' "$2" >"$T/srv.ext"
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$API/server.key" -out "$T/srv.csr" -subj /CN=kube-apiserver 2>/dev/null &&
		openssl x509 -req -in "$T/srv.csr" -CA "$API/ca.crt" -CAkey "$API/ca.key" -set_serial $$ -days "$1" -extfile "$T/srv.ext" -out "$API/server.crt" 2>/dev/null
}
tls_fails() { # DESC SUBSTRING...
	td=$1
	shift
	: >"$API/connections.log"
	fails "TLS: $td" 102 "cannot read pod default/web" "$@"
	check "TLS: $td: no request made, not retried" sh -c "[ ! -s '$API/requests.log' ] && [ \$(wc -l <'$API/connections.log') -le 1 ]"
}
api_stop
check "server certificate for another host" sign_server 30 DNS:elsewhere.example
api_start
tls_fails "a certificate for another host" "certificate is not trusted" "does not match target host name"
api_stop
check "an expired server certificate" sign_server -1 IP:127.0.0.1
api_start
tls_fails "an expired certificate" "certificate is not trusted (it has expired)"
api_stop
check "a good server certificate again" sign_server 30 IP:127.0.0.1
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$T/other-ca.key" -out "$T/other-ca.crt" -days 30 -subj /CN=other-ca 2>/dev/null
api_start
sed "s#certificate-authority: .*#certificate-authority: $T/other-ca.crt#" "$KC" >"$T/kc.other"
netconf m '"kubeconfig":"'"$T/kc.other"'","defaultDelegates":"flannel-conf","apiTimeoutSeconds":2' >"$T/nc"
tls_fails "a CA that did not sign the server's certificate" "certificate is not trusted (no configured certificate-authority signed it)"
netconf m '"kubeconfig":"'"$KC"'","defaultDelegates":"flannel-conf","apiTimeoutSeconds":2' >"$T/nc"
works "TLS: the right CA and certificate again"

api_stop
done_testing
