#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Self-test of apiserver.py: starts it in a temp dir and checks every behaviour the C tests
# rely on with curl. Prints "ok N - ..." / "not ok N - ..." and "N passed, N failed".
# Conditions are single-quoted strings that check() evals later, so that they show
# up verbatim in failure output; the variables they use are set in between.
# shellcheck disable=SC2016,SC2034
set -u

here=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3

missing=""
command -v curl >/dev/null 2>&1 || missing="$missing curl"
command -v jq >/dev/null 2>&1 || missing="$missing jq"
if [ -n "$missing" ]; then
	export DEBIAN_FRONTEND=noninteractive
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1 ||
		{ apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing >/dev/null; } ||
		{ echo "cannot install$missing" >&2; exit 1; }
fi

tmp=$(mktemp -d)
S=$tmp/state
srv=""
srv2=""
cleanup() {
	for p in $srv $srv2; do kill "$p" 2>/dev/null; done
	for p in $srv $srv2; do wait "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

pass=0
fail=0
n=0
check() { # check DESCRIPTION SHELL-CONDITION
	n=$((n + 1))
	if eval "$2"; then
		pass=$((pass + 1))
		echo "ok $n - $1"
	else
		fail=$((fail + 1))
		echo "not ok $n - $1"
		echo "#   condition: $2"
		echo "#   http $code rc $rc body: $(head -c 400 "$tmp/body" 2>/dev/null)"
	fi
}

wait_file() { # wait_file PATH: up to 10 s
	i=0
	while [ ! -e "$1" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	[ -e "$1" ]
}

nreq=0 # requests the server should have logged
code="" rc=0 secs=0
req() { # req METHOD PATH [curl args]: sets code, rc, secs; body in $tmp/body, headers in $tmp/hdr
	m=$1 p=$2
	shift 2
	nreq=$((nreq + 1))
	rc=0
	: >"$tmp/body"
	out=$(curl -sS --noproxy '*' --max-time 5 --cacert "$S/ca.crt" -X "$m" \
		-o "$tmp/body" -D "$tmp/hdr" -w '%{http_code} %{time_total}' \
		"$@" "https://127.0.0.1:$port$p" 2>"$tmp/curlerr") || rc=$?
	code=${out% *}
	secs=${out#* }
}
tok() { # tok METHOD PATH [curl args]: as req, with the valid token
	m=$1 p=$2
	shift 2
	req "$m" "$p" -H "Authorization: Bearer test-token" "$@"
}
body() { jq -e "$1" "$tmp/body" >/dev/null 2>&1; }
faults() { # atomically, so the server never reads half a file
	printf '%s\n' "$1" >"$S/faults.json.tmp" && mv "$S/faults.json.tmp" "$S/faults.json"
}

pod=/api/v1/namespaces/default/pods/p1
nads=/apis/k8s.cni.cncf.io/v1/namespaces/default/network-attachment-definitions

# ---- start --------------------------------------------------------------------------------
mkdir -p "$S"
$PY "$here/apiserver.py" --dir "$S" --max-seconds 120 2>"$tmp/stderr" &
srv=$!
wait_file "$S/ready"
check "server becomes ready within 10 s" '[ -e "$S/ready" ]'
[ -e "$S/ready" ] || { cat "$tmp/stderr"; echo "$pass passed, $fail failed"; exit 1; }
port=$(cat "$S/port")
check "pid file names the server" '[ "$(cat "$S/pid")" = "$srv" ]'
check "files: certs, tokens, token, objects/" \
	'(for f in ca.crt ca.key server.crt server.key client.crt client.key tokens token; do
		[ -s "$S/$f" ] || exit 1; done) && [ -d "$S/objects" ]'
check "kubeconfig: server, CA path, token file" \
	'grep -q "server: https://127.0.0.1:$port\$" "$S/kubeconfig" &&
	 grep -q "certificate-authority: $S/ca.crt\$" "$S/kubeconfig" &&
	 grep -q "tokenFile: $S/token\$" "$S/kubeconfig" &&
	 grep -q "^current-context: test\$" "$S/kubeconfig" &&
	 [ "$(cat "$S/token")" = test-token ]'
check "server cert has the SANs" \
	'openssl x509 -in "$S/server.crt" -noout -ext subjectAltName |
	 grep -q "IP Address:127.0.0.1" && openssl verify -CAfile "$S/ca.crt" "$S/server.crt" >/dev/null'

mkdir -p "$S/objects/pods/default" "$S/objects/nads/default"
printf '%s\n' '{"metadata":{"annotations":{"keep":"1","drop":"x"}},"spec":{}}' \
	>"$S/objects/pods/default/p1.json"
printf '%s\n' '{"spec":{"config":"{\"cniVersion\":\"1.0.0\",\"type\":\"bridge\"}"}}' \
	>"$S/objects/nads/default/net1.json"

# ---- GET, auth ----------------------------------------------------------------------------
tok GET $pod
check "GET pod: 200 with kind, apiVersion, metadata filled in" \
	'[ "$code" = 200 ] && body ".kind==\"Pod\" and .apiVersion==\"v1\" and
	 .metadata.name==\"p1\" and .metadata.namespace==\"default\" and
	 (.metadata.uid|length)==36 and .metadata.resourceVersion==\"1\" and
	 .metadata.annotations.keep==\"1\""'
check "GET pod: Content-Type application/json, Content-Length" \
	'grep -qi "^content-type: application/json" "$tmp/hdr" && grep -qi "^content-length: " "$tmp/hdr"'
uid=$(jq -r .metadata.uid "$tmp/body")
tok GET $pod
check "uid is stable" '[ "$(jq -r .metadata.uid "$tmp/body")" = "$uid" ]'

req GET $pod
check "no token: 401 Status" \
	'[ "$code" = 401 ] && body ".kind==\"Status\" and .code==401 and .reason==\"Unauthorized\" and
	 .message==\"Unauthorized\""'
req GET $pod -H "Authorization: Bearer nope"
check "unknown token: 401" '[ "$code" = 401 ]'
echo other-token >>"$S/tokens"
req GET $pod -H "Authorization: Bearer other-token"
check "tokens re-read per request: new token accepted" '[ "$code" = 200 ]'
echo bad-token >"$S/tokens.forbidden"
req GET $pod -H "Authorization: Bearer bad-token"
check "forbidden token: 403 with kube-apiserver's message" \
	'[ "$code" = 403 ] && body ".reason==\"Forbidden\" and .code==403 and .message==
	 \"pods \\\"p1\\\" is forbidden: User \\\"system:serviceaccount:kube-system:multus\\\" cannot get resource \\\"pods\\\" in API group \\\"\\\" in the namespace \\\"default\\\"\""'
req GET $nads/net1 -H "Authorization: Bearer bad-token"
check "forbidden token on a NAD names the group" \
	'[ "$code" = 403 ] && body ".message|startswith(\"network-attachment-definitions.k8s.cni.cncf.io \\\"net1\\\" is forbidden\")"'
req GET $pod --cert "$S/client.crt" --key "$S/client.key"
check "client certificate: 200" '[ "$code" = 200 ]'

# ---- NotFound, NADs ----------------------------------------------------------------------
tok GET /api/v1/namespaces/default/pods/nope
check "missing pod: 404 Status" \
	'[ "$code" = 404 ] && [ "$(tr -d "\n" <"$tmp/body")" = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"pods \\\"nope\\\" not found\",\"reason\":\"NotFound\",\"details\":{\"name\":\"nope\",\"kind\":\"pods\"},\"code\":404}" ]'
tok GET $nads/net1
check "GET NAD: 200 with kind and spec.config" \
	'[ "$code" = 200 ] && body ".kind==\"NetworkAttachmentDefinition\" and
	 .apiVersion==\"k8s.cni.cncf.io/v1\" and .metadata.name==\"net1\" and
	 (.spec.config|fromjson|.type)==\"bridge\""'
tok GET $nads/nope
check "missing NAD: 404 Status" \
	'[ "$code" = 404 ] && body ".reason==\"NotFound\" and .message==
	 \"network-attachment-definitions.k8s.cni.cncf.io \\\"nope\\\" not found\" and
	 .details.group==\"k8s.cni.cncf.io\""'
tok GET $nads
check "NAD list" \
	'[ "$code" = 200 ] && body ".kind==\"NetworkAttachmentDefinitionList\" and
	 (.items|length)==1 and .items[0].metadata.name==\"net1\""'
tok GET /api/v1/nodes
check "unknown path: 404 Status" \
	'[ "$code" = 404 ] && body ".kind==\"Status\" and
	 .message==\"the server could not find the requested resource\""'
tok POST $pod --data-binary '{}'
check "wrong method: 405 Status" '[ "$code" = 405 ] && body ".reason==\"MethodNotAllowed\""'

# ---- PATCH -------------------------------------------------------------------------------
tok PATCH $pod -H "Content-Type: application/merge-patch+json" \
	--data-binary '{"metadata":{"annotations":{"drop":null,"new":"v"}}}'
check "merge PATCH: 200 with the merged object, resourceVersion bumped" \
	'[ "$code" = 200 ] && body ".metadata.annotations=={\"keep\":\"1\",\"new\":\"v\"} and
	 .metadata.resourceVersion==\"2\" and .spec=={}"'
check "PATCH persisted to the file" \
	'jq -e ".metadata.annotations.new==\"v\" and (.metadata.annotations|has(\"drop\")|not)" \
	 "$S/objects/pods/default/p1.json" >/dev/null'
tok GET $pod
check "GET after PATCH sees it" '[ "$code" = 200 ] && body ".metadata.annotations.new==\"v\""'
tok PATCH $pod -H "Content-Type: application/merge-patch+json" \
	--data-binary '{"metadata":{"resourceVersion":"1","annotations":{"x":"y"}}}'
check "PATCH with a stale resourceVersion: 409 Conflict" \
	'[ "$code" = 409 ] && body ".reason==\"Conflict\" and .message==\"Operation cannot be fulfilled on pods \\\"p1\\\": the object has been modified; please apply your changes to the latest version and try again\""'
tok PATCH $pod -H "Content-Type: application/json-patch+json" --data-binary '[]'
check "PATCH other content type: 415" '[ "$code" = 415 ] && body ".kind==\"Status\""'
tok PATCH $pod -H "Content-Type: application/merge-patch+json" --data-binary '{oops'
check "PATCH body not JSON: 400" '[ "$code" = 400 ] && body ".reason==\"BadRequest\""'
tok PATCH /api/v1/namespaces/default/pods/nope -H "Content-Type: application/merge-patch+json" \
	--data-binary '{}'
check "PATCH missing pod: 404" '[ "$code" = 404 ]'

# ---- POST events ---------------------------------------------------------------------------
events=/api/v1/namespaces/default/events
ev='{"apiVersion":"v1","kind":"Event","metadata":{"name":"p1.17f3","namespace":"default"},"involvedObject":{"kind":"Pod","name":"p1"},"reason":"AddedInterface","message":"Add eth1 [10.1.0.2/24] from default/net1","type":"Normal"}'
tok POST $events -H "Content-Type: application/json" --data-binary "$ev"
check "POST event: 201 with the object, namespace, uid, resourceVersion" \
	'[ "$code" = 201 ] && body ".kind==\"Event\" and .metadata.name==\"p1.17f3\" and
	 .metadata.namespace==\"default\" and (.metadata.uid|length)==36 and
	 .metadata.resourceVersion==\"1\" and .reason==\"AddedInterface\""'
check "POST event: stored under objects/events/NS/ and one line in events.log" \
	'jq -e ".message==\"Add eth1 [10.1.0.2/24] from default/net1\"" \
	 "$S/objects/events/default/p1.17f3.json" >/dev/null && [ "$(wc -l <"$S/events.log")" = 1 ] &&
	 jq -e ".metadata.name==\"p1.17f3\"" "$S/events.log" >/dev/null'
tok POST $events -H "Content-Type: application/json" --data-binary "$ev"
check "POST event again: 409 AlreadyExists, not logged twice" \
	'[ "$code" = 409 ] && body ".reason==\"AlreadyExists\" and .message==\"events \\\"p1.17f3\\\" already exists\"" &&
	 [ "$(wc -l <"$S/events.log")" = 1 ]'
tok POST /api/v1/namespaces/other/events -H "Content-Type: application/json" --data-binary "$ev"
check "POST event into another namespace than its own: 400" '[ "$code" = 400 ]'
tok POST $events -H "Content-Type: application/merge-patch+json" --data-binary "$ev"
check "POST event of another content type: 415" '[ "$code" = 415 ]'
tok POST $events -H "Content-Type: application/json" --data-binary '{"apiVersion":"v1","kind":"Event","metadata":{"name":"Bad_Name"}}'
check "POST event with an invalid name: 422" '[ "$code" = 422 ] && body ".reason==\"Invalid\""'
req POST $events -H "Authorization: Bearer bad-token" -H "Content-Type: application/json" --data-binary "$ev"
check "POST event with a forbidden token: 403 naming create and events" \
	'[ "$code" = 403 ] && body ".message==\"events is forbidden: User \\\"system:serviceaccount:kube-system:multus\\\" cannot create resource \\\"events\\\" in API group \\\"\\\" in the namespace \\\"default\\\"\""'
tok GET $events
check "GET of the events collection: 405" '[ "$code" = 405 ]'

# ---- faults ------------------------------------------------------------------------------
faults '[{"method":"GET","path":"/pods/p1$","action":{"status":500},"count":1}]'
tok GET $pod
check "fault status 500: InternalError Status" \
	'[ "$code" = 500 ] && body ".reason==\"InternalError\" and
	 .message==\"Internal error occurred: injected\""'
check "fault count decremented on disk" 'jq -e ".[0].count==0" "$S/faults.json" >/dev/null'
tok GET $pod
check "after count 1: normal again" '[ "$code" = 200 ]'
faults '[{"method":"*","path":"pods","action":{"status":429},"count":1}]'
tok GET $pod
check "fault 429 with Retry-After: 1" \
	'[ "$code" = 429 ] && grep -qi "^retry-after: 1" "$tmp/hdr" && body ".reason==\"TooManyRequests\""'
faults '[{"method":"PATCH","path":"pods","action":{"status":409},"count":1}]'
tok GET $pod
check "fault for PATCH only leaves GET alone" '[ "$code" = 200 ]'
faults '[{"path":"pods","action":{"delay":1},"count":1}]'
tok GET $pod
check "fault delay 1 s, then served" \
	'[ "$code" = 200 ] && awk "BEGIN{exit !($secs >= 0.9)}"'
faults '[{"path":"pods","action":{"close":true},"count":1}]'
tok GET $pod
check "fault close: connection closed without a reply (curl 52)" '[ "$rc" = 52 ]'
faults '[{"path":"pods","action":{"hang":true},"count":1}]'
tok GET $pod --max-time 1
check "fault hang: no answer (curl timeout 28)" '[ "$rc" = 28 ]'
faults '[{"path":"pods","action":{"hang":true}}]'
curl -s --noproxy '*' --max-time 20 --cacert "$S/ca.crt" -H "Authorization: Bearer test-token" \
	"https://127.0.0.1:$port$pod" >/dev/null 2>&1 &
hung=$!
nreq=$((nreq + 1))
sleep 0.3
tok GET $nads/net1
check "a hanging request does not block other connections" '[ "$code" = 200 ] && [ "$rc" = 0 ]'
rm -f "$S/faults.json"

# ---- log, keep-alive ---------------------------------------------------------------------
nreq=$((nreq + 2))
curl -sS --noproxy '*' --max-time 5 --cacert "$S/ca.crt" -H "Authorization: Bearer test-token" \
	-o /dev/null "https://127.0.0.1:$port$pod" -o /dev/null "https://127.0.0.1:$port$nads/net1"
sleep 0.2
log=$S/requests.log
check "keep-alive: two requests in one curl share a conn" \
	'[ "$(tail -n 2 "$log" | jq -s ".[0].conn==.[1].conn and .[0].conn!=null")" = true ]'
check "separate curl runs use separate conns" \
	'[ "$(tail -n 3 "$log" | jq -s ".[0].conn!=.[1].conn")" = true ]'
check "request log: one line per request ($nreq)" '[ "$(wc -l <"$log")" -eq "$nreq" ]'
check "request log: fields, auth kinds, faults named" \
	'jq -se "all(has(\"t\") and has(\"method\") and has(\"path\") and has(\"status\") and
	 has(\"conn\") and has(\"auth\") and has(\"fault\")) and
	 (map(.auth)|unique)==[\"cert\",\"none\",\"token\"] and
	 (map(.fault)|map(select(.!=null))|length)==6" "$log" >/dev/null'
check "request log never holds a token" '! grep -q -e test-token -e bad-token -e other-token "$log"'

# ---- LIST and WATCH across namespaces (multus daemon) --------------------------------------
mkdir -p "$S/objects/pods/other"
printf '{"spec":{"nodeName":"n1"}}\n' >"$S/objects/pods/other/on-n1.json"
printf '{"spec":{"nodeName":"n2"}}\n' >"$S/objects/pods/other/on-n2.json"
tok GET "/api/v1/pods?fieldSelector=spec.nodeName%3Dn1"
check "pods LIST across namespaces, fieldSelector spec.nodeName" \
	'[ "$code" = 200 ] && body ".kind==\"PodList\" and ([.items[].metadata.name]==[\"on-n1\"]) and (.metadata.resourceVersion|test(\"^[0-9]+$\"))"'
rv=$(jq -r .metadata.resourceVersion "$tmp/body")
tok GET "/api/v1/pods?fieldSelector=bogus%3Dx"
check "an unsupported field selector: 400" '[ "$code" = 400 ]'
curl -sN --noproxy '*' --max-time 4 --cacert "$S/ca.crt" -H "Authorization: Bearer test-token" \
	"https://127.0.0.1:$port/api/v1/pods?fieldSelector=spec.nodeName%3Dn1&watch=1&resourceVersion=$rv&allowWatchBookmarks=true&timeoutSeconds=2" \
	>"$tmp/watch" 2>/dev/null &
w=$!
sleep 0.3
printf '{"spec":{"nodeName":"n1"},"metadata":{"annotations":{"a":"b"}}}\n' >"$S/objects/pods/other/.x" && mv "$S/objects/pods/other/.x" "$S/objects/pods/other/on-n1.json"
printf '{"spec":{"nodeName":"n2"},"metadata":{"annotations":{"a":"b"}}}\n' >"$S/objects/pods/other/.x" && mv "$S/objects/pods/other/.x" "$S/objects/pods/other/on-n2.json"
sleep 0.3
rm "$S/objects/pods/other/on-n1.json"
wait "$w"
check "WATCH: MODIFIED then DELETED of the selected pod only, a BOOKMARK, rising resourceVersions, ends at timeoutSeconds" \
	'jq -se "(map(select(.type != \"BOOKMARK\") | .type) == [\"MODIFIED\", \"DELETED\"]) and
	 all(.[]; .type == \"BOOKMARK\" or .object.metadata.name == \"on-n1\") and any(.[]; .type == \"BOOKMARK\") and
	 (map(.object.metadata.resourceVersion | tonumber) | . == sort)" "$tmp/watch" >/dev/null'
touch "$S/watch.gone"
curl -sN --noproxy '*' --max-time 4 --cacert "$S/ca.crt" -H "Authorization: Bearer test-token" \
	"https://127.0.0.1:$port/api/v1/pods?watch=1&resourceVersion=$rv" >"$tmp/watch" 2>/dev/null
check "watch.gone: the next watch gets an ERROR event, a 410 Expired Status, and ends" \
	'jq -se "length == 1 and .[0].type == \"ERROR\" and .[0].object.code == 410" "$tmp/watch" >/dev/null && [ ! -e "$S/watch.gone" ]'
curl -sN --noproxy '*' --max-time 4 --cacert "$S/ca.crt" -H "Authorization: Bearer test-token" \
	"https://127.0.0.1:$port/api/v1/pods?watch=1&resourceVersion=$rv&timeoutSeconds=3" >"$tmp/watch" 2>/dev/null &
w=$!
sleep 0.3
touch "$S/watch.cut"
wait "$w"
wrc=$?
check "watch.cut: the stream ends without its last chunk (curl 18), the file is consumed" \
	'[ "$wrc" = 18 ] && [ ! -e "$S/watch.cut" ]'

# ---- shutdown ----------------------------------------------------------------------------
kill "$srv"
i=0
while kill -0 "$srv" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check "SIGTERM: exits promptly despite a hanging request, removes ready" \
	'! kill -0 "$srv" 2>/dev/null && [ ! -e "$S/ready" ]'
st=0
wait "$srv" || st=$?
check "SIGTERM: exit status 0" '[ "$st" -eq 0 ]'
srv=""
wait "$hung" 2>/dev/null

S2=$tmp/state2
mkdir -p "$S2"
cp "$S"/ca.crt "$S"/ca.key "$S"/server.crt "$S"/server.key "$S2"/
$PY "$here/apiserver.py" --dir "$S2" --max-seconds 1 2>>"$tmp/stderr" &
srv2=$!
wait_file "$S2/ready"
i=0
while kill -0 "$srv2" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check "--max-seconds: exits by itself, reuses existing certs" \
	'! kill -0 "$srv2" 2>/dev/null && [ ! -e "$S2/ready" ] && cmp -s "$S/ca.crt" "$S2/ca.crt" &&
	 openssl verify -CAfile "$S2/ca.crt" "$S2/client.crt" >/dev/null'
srv2=""

# ---- --http2: the same routes over h2 (ALPN), many streams on one connection ----------------
S3=$tmp/state3
mkdir -p "$S3/objects/pods/default" "$S3/objects/nads/default"
cp "$S"/ca.crt "$S"/ca.key "$S"/server.crt "$S"/server.key "$S3"/
printf '{"metadata":{"annotations":{}},"spec":{"nodeName":"n1"}}\n' >"$S3/objects/pods/default/p1.json"
printf '{"spec":{"config":"{}"}}\n' >"$S3/objects/nads/default/n1.json"
$PY "$here/apiserver.py" --dir "$S3" --http2 --max-seconds 60 2>>"$tmp/stderr" &
srv2=$!
wait_file "$S3/ready"
port3=$(cat "$S3/port")
h2c() { # h2c [curl args] URL...: h2 with the valid token; "%{http_version} %{http_code}" a line
	curl -sS --noproxy '*' --max-time 6 --cacert "$S3/ca.crt" -H "Authorization: Bearer test-token" "$@"
}
u3=https://127.0.0.1:$port3
v=$(h2c -o /dev/null -w '%{http_version} %{http_code}' "$u3$pod")
v1=$(h2c --http1.1 -o /dev/null -w '%{http_version} %{http_code}' "$u3$pod")
check "--http2: a GET is answered over h2, and HTTP/1.1 still to a client that asks for it" \
	'[ "$v" = "2 200" ] && [ "$v1" = "1.1 200" ] &&
	 [ "$(jq -sc "map(.proto)" "$S3/requests.log")" = "[\"h2\",\"HTTP/1.1\"]" ]'
: >"$S3/requests.log"
: >"$S3/connections.log"
h2c -Z -w '%{http_version} %{http_code}\n' -o "$tmp/w1" \
	"$u3/api/v1/pods?watch=1&resourceVersion=1&allowWatchBookmarks=true&timeoutSeconds=2&fieldSelector=spec.nodeName%3Dn1" \
	-o "$tmp/w2" "$u3/apis/k8s.cni.cncf.io/v1/network-attachment-definitions?watch=1&resourceVersion=1&timeoutSeconds=2" \
	-o "$tmp/g1" "$u3/api/v1/pods?fieldSelector=spec.nodeName%3Dn1" \
	-o "$tmp/g2" "$u3$pod" -o "$tmp/g3" "$u3/api/v1/namespaces/default/pods/none" >"$tmp/vers" 2>/dev/null &
w=$!
sleep 0.5
printf '{"metadata":{"annotations":{"x":"y"}},"spec":{"nodeName":"n1"}}\n' >"$S3/objects/pods/default/p2.json.tmp"
mv "$S3/objects/pods/default/p2.json.tmp" "$S3/objects/pods/default/p2.json"
wait "$w"
check "--http2: two watches, a LIST, a GET and a 404 at once: all h2, on ONE connection" \
	'[ "$(sort "$tmp/vers" | uniq -c | tr -s " ")" = " 4 2 200
 1 2 404" ] && [ "$(jq -s "map(.conn) | unique | length" "$S3/requests.log")" -eq 1 ] &&
	 [ "$(jq -s "map(select(.proto == \"h2\")) | length" "$S3/requests.log")" -eq 5 ] &&
	 [ "$(jq -s "map(select(.event == \"open\")) | length" "$S3/connections.log")" -eq 1 ]'
check "--http2: the watch streams an ADDED event and a bookmark, the 404 is a Status" \
	'jq -se "any(.[]; .type == \"ADDED\" and .object.metadata.name == \"p2\") and any(.[]; .type == \"BOOKMARK\")" "$tmp/w1" >/dev/null &&
	 jq -e ".items | length == 1" "$tmp/g1" >/dev/null && jq -e ".kind == \"Status\" and .code == 404" "$tmp/g3" >/dev/null'
v=$(h2c -o "$tmp/body" -w '%{http_version} %{http_code}' -X PATCH -H 'Content-Type: application/merge-patch+json' \
	--data '{"metadata":{"annotations":{"k":"v"}}}' "$u3$pod")
v2=$(h2c -o /dev/null -w '%{http_version} %{http_code}' -H 'Content-Type: application/json' \
	--data '{"kind":"Event","apiVersion":"v1","metadata":{"name":"e1"}}' "$u3/api/v1/namespaces/default/events")
check "--http2: PATCH (merge) and POST of an event" \
	'[ "$v" = "2 200" ] && [ "$v2" = "2 201" ] && jq -e ".metadata.annotations.k == \"v\"" "$S3/objects/pods/default/p1.json" >/dev/null &&
	 [ "$(jq -r .metadata.name "$S3/events.log")" = e1 ]'
printf '[{"method": "GET", "path": "/pods/p1$", "action": {"status": 503}, "count": 1}]\n' >"$S3/faults.json"
v=$(h2c -o "$tmp/body" -w '%{http_version} %{http_code}' "$u3$pod")
touch "$S3/watch.gone"
h2c -N "$u3/api/v1/pods?watch=1&resourceVersion=2" >"$tmp/w1" 2>/dev/null
check "--http2: an injected 503 Status, and watch.gone: an ERROR 410 event" \
	'[ "$v" = "2 503" ] && body ".kind == \"Status\" and .code == 503" &&
	 jq -se "length == 1 and .[0].object.code == 410" "$tmp/w1" >/dev/null'
h2c -N "$u3/api/v1/pods?watch=1&resourceVersion=2&timeoutSeconds=4" >/dev/null 2>&1 &
w=$!
sleep 0.5
touch "$S3/watch.cut"
wait "$w"
wrc=$?
check "--http2: watch.cut resets the stream (curl 92)" '[ "$wrc" = 92 ]'
: >"$S3/connections.log"
h2c -N "$u3/api/v1/pods?watch=1&resourceVersion=2&timeoutSeconds=4" >/dev/null 2>&1 &
w=$!
sleep 0.5
touch "$S3/h2.goaway"
wait "$w"
wrc=$?
check "--http2: h2.goaway: GOAWAY, the connection closes under the watch, the file is consumed" \
	'[ "$wrc" != 0 ] && [ ! -e "$S3/h2.goaway" ] && jq -se "any(.[]; .event == \"close\" and .how == \"goaway\")" "$S3/connections.log" >/dev/null'
kill "$srv2"
wait "$srv2" 2>/dev/null
srv2=""

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
