#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The k8s client against the fake kube-apiserver (apiserver.py), through client_tool:
# connection reuse, Status errors, retries, the time bound, TLS and token handling.
# Prints "ok N - ..." / "not ok N - ..." and ends with "N passed, N failed".
# Env: B (build dir, default build), SAN (sanitizer flags for client_tool, e.g. with
# B=build-asan), CC.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
PY=/usr/bin/python3
B=${B:-build}
SAN=${SAN:-}
# Traffic goes to 127.0.0.1 only, never to a proxy from the environment.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY

tmp=$(mktemp -d)
S=$tmp/state
srv=""
cleanup() {
	[ -n "$srv" ] && kill "$srv" 2>/dev/null && wait "$srv" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

pass=0 fail=0 n=0
check() { # check DESCRIPTION SHELL-CONDITION
	n=$((n + 1))
	if eval "$2"; then
		pass=$((pass + 1))
		echo "ok $n - $1"
		[ -n "${VERBOSE:-}" ] && echo "#   rc $rc, ${ms} ms: $(head -c 300 "$tmp/out") $(cat "$tmp/err")"
	else
		fail=$((fail + 1))
		echo "not ok $n - $1"
		echo "#   condition: $2"
		echo "#   rc $rc, ${ms} ms, stdout: $(head -c 300 "$tmp/out")"
		echo "#   stderr: $(head -c 300 "$tmp/err")"
	fi
}

# Build the tool over the k8s and util archives.
cd "$top" || exit 1
make -s B="$B" OPT="${OPT:--O2 -g}" SAN="$SAN" "$B/libk8s.a" "$B/libutil.a" >/dev/null || exit 1
tool=$tmp/client_tool
# shellcheck disable=SC2086
"${CC:-cc}" -std=gnu11 -g -D_GNU_SOURCE -Isrc $(pkg-config --cflags jansson libcurl) $SAN \
	-o "$tool" tests/k8s/client_tool.c "$B/libk8s.a" "$B/libutil.a" \
	$(pkg-config --libs jansson yaml-0.1) || exit 1

mkdir -p "$S"
$PY tests/k8s/apiserver.py --dir "$S" --max-seconds 600 >"$tmp/server.log" 2>&1 &
srv=$!
i=0
while [ ! -e "$S/ready" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -e "$S/ready" ] || { echo "apiserver did not start"; cat "$tmp/server.log"; exit 1; }
port=$(cat "$S/port")
url=https://127.0.0.1:$port

put() { # put FILE CONTENT: atomic, the server may be reading
	mkdir -p "$(dirname "$1")"
	printf '%s\n' "$2" >"$1.tmp" && mv "$1.tmp" "$1"
}
faults() { put "$S/faults.json" "$1"; }
mkkc() { # mkkc FILE SERVER CLUSTER-LINES USER-LINES
	cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: $2
$3
users:
- name: u
  user:
$4
contexts:
- name: x
  context: {cluster: c, user: u}
current-context: x
EOF
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }
rc=0 ms=0 mark=0
run() { # run KUBECONFIG TIMEOUT_MS CALL...: rc, ms, $tmp/out, $tmp/err, mark (log lines before)
	mark=0
	[ -e "$S/requests.log" ] && mark=$(wc -l <"$S/requests.log")
	t0=$(now_ms)
	"$tool" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	ms=$(($(now_ms) - t0))
}
conns() { # distinct connections logged since the last run started
	tail -n +$((mark + 1)) "$S/requests.log" | sed -n 's/.*"conn": \([0-9]*\).*/\1/p' | sort -u | wc -l
}
has() { grep -qF -- "$1" "$tmp/out"; }
counts() { grep -qF -- "requests=$1 connections=$2" "$tmp/err"; }

KC=$S/kubeconfig
CA="    certificate-authority: $S/ca.crt"
put "$S/objects/pods/default/p1.json" '{"metadata":{"annotations":{"a":"b"}}}'
put "$S/objects/nads/default/n1.json" '{"spec":{"config":"{\"cniVersion\":\"1.0.0\"}"}}'
faults '[]'

run "$KC" 3000 get-pod default p1
check "GET pod" '[ $rc -eq 0 ] && has "\"name\":\"p1\"" && has "\"a\":\"b\""'

run "$KC" 3000 get-pod default p1 get-nad default n1 patch default p1 '{"x":"y"}'
check "three calls in one client use one connection" \
	'[ $rc -eq 0 ] && counts 3 1 && [ "$(conns)" -eq 1 ]'
check "PATCH merged the annotation" 'grep -q "\"x\": \"y\"" "$S/objects/pods/default/p1.json"'

mkkc "$tmp/kc-bad" "$url" "$CA" "    token: not-a-valid-token"
run "$tmp/kc-bad" 3000 get-pod default p1
check "401 says Unauthorized and quotes the Status message" \
	'[ $rc -ne 0 ] && has "error: EACCES GET pods default/p1: 401 Unauthorized: Unauthorized"'

put "$S/tokens.forbidden" "forbidden-token"
mkkc "$tmp/kc-forbidden" "$url" "$CA" "    token: forbidden-token"
run "$tmp/kc-forbidden" 3000 get-pod default p1
check "403 says Forbidden and quotes the Status message" \
	'[ $rc -ne 0 ] && has "error: EACCES GET pods default/p1: 403 Forbidden: pods \"p1\" is forbidden: User \"system:serviceaccount:kube-system:multus\" cannot get"'

run "$KC" 3000 get-pod default nope
check "404 says Not Found and quotes the Status message" \
	'[ $rc -ne 0 ] && has "error: ENOENT GET pods default/nope: 404 Not Found: pods \"nope\" not found" && counts 1 1'

faults '[{"method":"GET","path":"/pods/p1$","action":{"status":500},"count":1}]'
run "$KC" 3000 get-pod default p1
check "a 500 is retried and the retry succeeds" '[ $rc -eq 0 ] && has "\"p1\"" && counts 2 1'

faults '[{"method":"GET","path":"/pods/p1$","action":{"close":true},"count":1}]'
run "$KC" 3000 get-pod default p1
check "a closed connection is retried on a new one" '[ $rc -eq 0 ] && counts 2 2'

faults '[{"method":"GET","path":"/pods/p1$","action":{"status":429},"count":1}]'
run "$KC" 5000 get-pod default p1
check "a 429 waits for Retry-After (1 s), then succeeds" \
	'[ $rc -eq 0 ] && [ $ms -ge 1000 ] && [ $ms -lt 3000 ]'

faults '[{"method":"GET","path":"/pods/p1$","action":{"status":503}}]'
run "$KC" 1500 get-pod default p1
check "a lasting 503 fails within the bound, quoting the Status" \
	'[ $rc -ne 0 ] && has "error: EIO GET pods default/p1: 503 Service Unavailable: the server is currently unable" && [ $ms -lt 2500 ]'

faults '[{"method":"GET","path":"/pods/p1$","action":{"status":404}}]'
run "$KC" 3000 get-pod default p1
check "a 404 is not retried" '[ $rc -ne 0 ] && counts 1 1'

faults '[{"method":"GET","path":"/pods/p1$","action":{"hang":true},"count":1}]'
run "$KC" 2000 get-pod default p1
check "a hanging server fails within the timeout + 1.5 s with ETIMEDOUT" \
	'[ $rc -ne 0 ] && has "error: ETIMEDOUT GET pods default/p1: API server did not answer within 2000 ms" && [ $ms -ge 1900 ] && [ $ms -lt 3500 ]'
faults '[]'

free_port=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkkc "$tmp/kc-refused" "https://127.0.0.1:$free_port" "$CA" "    token: x"
run "$tmp/kc-refused" 5000 get-pod default p1
check "a refused port fails with ECONNREFUSED after retries, within the bound" \
	'[ $rc -ne 0 ] && has "error: ECONNREFUSED GET pods default/p1: cannot connect" && [ $ms -lt 5000 ] && grep -q "requests=[2-9]" "$tmp/err"'

run "$KC" 3000 get-pod default p1
check "token rotation: the old token works before" '[ $rc -eq 0 ]'
put "$S/tokens" "rotated-token"
put "$S/token" "rotated-token"
run "$KC" 3000 get-pod default p1
check "token rotation: the next run reads the new token" '[ $rc -eq 0 ]'
put "$tmp/old-token" "test-token"
mkkc "$tmp/kc-old" "$url" "$CA" "    tokenFile: $tmp/old-token"
run "$tmp/kc-old" 3000 get-pod default p1
check "token rotation: the removed token is refused" '[ $rc -ne 0 ] && has "401 Unauthorized"'

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=other \
	-keyout "$tmp/other.key" -out "$tmp/other.crt" >/dev/null 2>&1
mkkc "$tmp/kc-wrongca" "$url" "    certificate-authority: $tmp/other.crt" "    token: rotated-token"
run "$tmp/kc-wrongca" 3000 get-pod default p1
check "a wrong CA fails TLS verification" \
	'[ $rc -ne 0 ] && has "error: EIO GET pods default/p1: TLS: the API server'"'"'s certificate is not trusted" && counts 1 1'

mkkc "$tmp/kc-cert" "$url" "$CA" "    client-certificate: $S/client.crt
    client-key: $S/client.key"
run "$tmp/kc-cert" 3000 get-pod default p1
check "a client certificate (files, no token) authenticates" \
	'[ $rc -eq 0 ] && tail -n 1 "$S/requests.log" | grep -q "\"auth\": \"cert\""'

mkkc "$tmp/kc-data" "$url" "    certificate-authority-data: $(base64 -w0 "$S/ca.crt")" \
	"    client-certificate-data: $(base64 -w0 "$S/client.crt")
    client-key-data: $(base64 -w0 "$S/client.key")"
run "$tmp/kc-data" 3000 get-pod default p1
check "CA, certificate and key as base64 data" \
	'[ $rc -eq 0 ] && tail -n 1 "$S/requests.log" | grep -q "\"auth\": \"cert\""'

mkkc "$tmp/kc-sni" "$url" "$CA
    tls-server-name: kubernetes.default.svc" "    token: rotated-token"
run "$tmp/kc-sni" 3000 get-pod default p1
check "tls-server-name: verified against the given name" '[ $rc -eq 0 ]'
mkkc "$tmp/kc-sni-bad" "$url" "$CA
    tls-server-name: other.example" "    token: rotated-token"
run "$tmp/kc-sni-bad" 3000 get-pod default p1
check "tls-server-name: a name the certificate lacks fails" '[ $rc -ne 0 ] && has "TLS"'

mkkc "$tmp/kc-insecure" "$url" "    insecure-skip-tls-verify: true" "    token: rotated-token"
run "$tmp/kc-insecure" 3000 get-pod default p1
check "insecure-skip-tls-verify skips verification" '[ $rc -eq 0 ]'

{
	printf '{"metadata":{"annotations":{"big":"'
	head -c 5242880 /dev/zero | tr '\0' a
	printf '"}}}\n'
} >"$tmp/big.json" && mv "$tmp/big.json" "$S/objects/pods/default/big.json"
run "$KC" 5000 get-pod default big
check "a 5 MiB reply is refused" \
	'[ $rc -ne 0 ] && has "error: EPROTO GET pods default/big: reply larger than 4 MiB" && counts 1 1'

run "$KC" 3000 get-pod default ../x get-pod Default p1 get-nad default "a/b"
check "invalid names never reach the server" \
	'[ $rc -ne 0 ] && [ "$(grep -c "error: EINVAL" "$tmp/out")" -eq 3 ] && counts 0 0'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
