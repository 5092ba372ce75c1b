#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The kubelet device lookup (src/k8s/kubelet.c, podresources.c, checkpoint.c) against the fake
# kubelet (fake_kubelet.py, real gRPC on a unix socket) and checkpoint files, through
# kubelet_tool: Get, the List fallback, garbage and silence, the size and time bounds, both
# checkpoint shapes. Prints "ok N - ..." / "not ok N - ..." and ends with "N passed, N failed".
# Env: B (build dir, default build), SAN (sanitizer flags for kubelet_tool), CC.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
PY=/usr/bin/python3
B=${B:-build}
SAN=${SAN:-}
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY

tmp=$(mktemp -d)
K=$tmp/kubelet
SOCK=$K/kubelet.sock
CP=$tmp/kubelet_internal_checkpoint
srv=""
stop() {
	[ -n "$srv" ] && kill "$srv" 2>/dev/null && wait "$srv" 2>/dev/null
	srv=""
}
cleanup() {
	stop
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
	else
		fail=$((fail + 1))
		echo "not ok $n - $1"
		echo "#   condition: $2"
		echo "#   rc $rc, ${ms} ms, stdout: $(head -c 300 "$tmp/out")"
		echo "#   stderr: $(head -c 300 "$tmp/err")"
		[ -e "$K/calls" ] && echo "#   calls: $(cat "$K/calls")"
	fi
}

cd "$top" || exit 1
command -v protoc-c >/dev/null || { echo "protoc-c missing (sh tests/deps.sh)"; exit 1; }
$PY -c 'import grpc, google.protobuf' 2>/dev/null ||
	{ echo "python3-grpcio / python3-protobuf missing (sh tests/deps.sh)"; exit 1; }
make -s B="$B" OPT="${OPT:--O2 -g}" SAN="$SAN" "$B/libk8s.a" "$B/libutil.a" >/dev/null || exit 1
tool=$tmp/kubelet_tool
# shellcheck disable=SC2086
"${CC:-cc}" -std=gnu11 -g -D_GNU_SOURCE -Isrc -I"$B/gen" $(pkg-config --cflags jansson libcurl) \
	$SAN -o "$tool" tests/k8s/kubelet_tool.c "$B/libk8s.a" "$B/libutil.a" \
	$(pkg-config --libs jansson libprotobuf-c) || exit 1
protoc-c --descriptor_set_out="$tmp/podresources.desc" -Isrc src/k8s/podresources.proto || exit 1

mkdir -p "$K"
cat >"$K/pods.json" <<'EOF'
[{"namespace": "default", "name": "sriov-pod", "containers": [
   {"name": "a", "devices": [{"resource": "example.com/vf", "ids": ["0000:03:02.3", "0000:03:02.1"]},
                             {"resource": "example.com/gpu", "ids": ["gpu7"]}]},
   {"name": "b", "devices": [{"resource": "example.com/vf", "ids": ["0000:03:02.2", "0000:03:02.1"]}]}]},
 {"namespace": "default", "name": "other", "containers": [
   {"name": "a", "devices": [{"resource": "example.com/vf", "ids": ["0000:03:02.9"]}]}]}]
EOF
WANT='{"example.com/vf":["0000:03:02.1","0000:03:02.2","0000:03:02.3"],"example.com/gpu":["gpu7"]}'

start() { # start MODE: a fresh fake kubelet
	stop
	rm -f "$K/ready" "$K/calls"
	$PY tests/k8s/fake_kubelet.py --socket "$SOCK" --desc "$tmp/podresources.desc" \
		--pods "$K/pods.json" --mode "$1" --log "$K/calls" --max-seconds 300 \
		>>"$tmp/server.log" 2>&1 &
	srv=$!
	i=0
	while [ ! -e "$K/ready" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	[ -e "$K/ready" ] || { echo "fake kubelet ($1) did not start"; cat "$tmp/server.log"; exit 1; }
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }
rc=0 ms=0
run() { # run SOCKET CHECKPOINT NS NAME UID TIMEOUT_MS
	t0=$(now_ms)
	"$tool" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	ms=$(($(now_ms) - t0))
}
has() { grep -qF -- "$1" "$tmp/out"; }
calls() { [ -e "$K/calls" ] && sed -n 's/.*"method": "\([A-Za-z]*\)".*/\1/p' "$K/calls" | tr '\n' ' '; }

start get
run "$SOCK" "$CP" default sriov-pod "" 3000
check "Get: the pod's devices, per resource, sorted, each once" \
	'[ $rc -eq 0 ] && [ "$(cat "$tmp/out")" = "$WANT" ] && [ "$(calls)" = "Get " ]'
check "the answer says it came from the PodResources API" 'grep -q "PodResources API" "$tmp/err"'
check "Get asked for the pod by name and namespace" \
	'grep -q "pod_name: \\\\\"sriov-pod\\\\\" *pod_namespace: \\\\\"default\\\\\"" "$K/calls"'
rm -f "$K/calls"
run "$SOCK" "$CP" default nobody "" 3000
check "a pod the kubelet does not know (Get fails): List, and no devices" \
	'[ $rc -eq 0 ] && [ "$(cat "$tmp/out")" = "{}" ] && [ "$(calls)" = "Get List " ]'

start list
run "$SOCK" "$CP" default sriov-pod "" 3000
check "Get UNIMPLEMENTED (older kubelet): List, same devices" \
	'[ $rc -eq 0 ] && [ "$(cat "$tmp/out")" = "$WANT" ] && [ "$(calls)" = "Get List " ]'

start get-off
run "$SOCK" "$CP" default sriov-pod "" 3000
check "Get disabled by feature gate (UNKNOWN): List, same devices" \
	'[ $rc -eq 0 ] && [ "$(cat "$tmp/out")" = "$WANT" ] && [ "$(calls)" = "Get List " ]'

start garbage
run "$SOCK" "$CP" default sriov-pod "" 3000
check "a reply that is not a protobuf message: EPROTO, says so" \
	'[ $rc -eq 1 ] && has "error: EPROTO" && has "does not decode" && has "$SOCK" && [ $ms -lt 2000 ]'

start silent
run "$SOCK" "$CP" default sriov-pod "" 1000
check "a kubelet that never answers: ETIMEDOUT after the bound (1 s), not later" \
	'[ $rc -eq 1 ] && has "error: ETIMEDOUT" && has "did not answer within 1000 ms" && [ $ms -ge 900 ] && [ $ms -lt 2500 ]'

start raw-mute
run "$SOCK" "$CP" default sriov-pod "" 1000
check "a socket that accepts and says nothing: ETIMEDOUT within the bound" \
	'[ $rc -eq 1 ] && has "error: ETIMEDOUT" && [ $ms -ge 900 ] && [ $ms -lt 2500 ]'

start raw-junk
run "$SOCK" "$CP" default sriov-pod "" 3000
check "a socket that answers junk, not HTTP/2: EPROTO, not a gRPC server" \
	'[ $rc -eq 1 ] && has "error: EPROTO" && has "did not answer as a gRPC server" && [ $ms -lt 2000 ]'

start huge
run "$SOCK" "$CP" default sriov-pod "" 10000
check "a reply over 16 MiB is refused: EFBIG" '[ $rc -eq 1 ] && has "error: EFBIG" && has "16 MiB"'
stop

rm -f "$SOCK"
run "$SOCK" "$CP" default sriov-pod "" 1000
check "neither socket nor checkpoint: ENOENT naming both" \
	'[ $rc -eq 1 ] && has "error: ENOENT" && has "$SOCK" && has "$CP"'

UID1=2f1f4f0c-0000-4000-8000-000000000001
cat >"$CP" <<EOF
{"Data":{"PodDeviceEntries":[
 {"PodUID":"$UID1","ContainerName":"a","ResourceName":"example.com/vf","DeviceIDs":["0000:03:02.3","0000:03:02.1"],"AllocResp":"CiQKIlNSSU9WX1ZGPTAwMDA6MDM6MDIuMQ=="},
 {"PodUID":"$UID1","ContainerName":"b","ResourceName":"example.com/vf","DeviceIDs":["0000:03:02.2"],"AllocResp":""},
 {"PodUID":"someone-else","ContainerName":"a","ResourceName":"example.com/vf","DeviceIDs":["0000:03:02.9"],"AllocResp":""}],
 "RegisteredDevices":{"example.com/vf":["0000:03:02.1","0000:03:02.2","0000:03:02.3","0000:03:02.9"]}},
 "Checksum":1234567}
EOF
run "$SOCK" "$CP" default sriov-pod "$UID1" 1000
check "no socket: the checkpoint (DeviceIDs a list), this pod's devices only" \
	'[ $rc -eq 0 ] && [ "$(cat "$tmp/out")" = "{\"example.com/vf\":[\"0000:03:02.1\",\"0000:03:02.2\",\"0000:03:02.3\"]}" ] && grep -q checkpoint "$tmp/err"'

cat >"$CP" <<EOF
{"Data":{"PodDeviceEntries":[
 {"PodUID":"$UID1","ContainerName":"a","ResourceName":"example.com/vf","DeviceIDs":{"1":["0000:81:00.4"],"0":["0000:03:02.3","0000:03:02.1"]},"AllocResp":""},
 {"PodUID":"someone-else","ContainerName":"a","ResourceName":"example.com/vf","DeviceIDs":{"0":["0000:03:02.9"]},"AllocResp":""}],
 "RegisteredDevices":{}},"Checksum":1}
EOF
run "$SOCK" "$CP" default sriov-pod "$UID1" 1000
check "the checkpoint with DeviceIDs per NUMA node (kubelet 1.20+)" \
	'[ $rc -eq 0 ] && [ "$(cat "$tmp/out")" = "{\"example.com/vf\":[\"0000:03:02.1\",\"0000:03:02.3\",\"0000:81:00.4\"]}" ]'
run "$SOCK" "$CP" default sriov-pod "" 1000
check "the checkpoint without the pod's uid: an error that says so" \
	'[ $rc -eq 1 ] && has "error: EINVAL" && has "uid"'

printf '{"Data":{"PodDeviceEntries":[{"PodUID":"%s","ResourceName":"example.com/vf","DeviceIDs":7}]}}' "$UID1" >"$CP"
run "$SOCK" "$CP" default sriov-pod "$UID1" 1000
check "a checkpoint entry of the pod with a bad DeviceIDs: EPROTO naming the entry" \
	'[ $rc -eq 1 ] && has "error: EPROTO" && has "PodDeviceEntries[0]" && has "$CP"'
printf '\001\002garbage' >"$CP"
run "$SOCK" "$CP" default sriov-pod "$UID1" 1000
check "a checkpoint that is not JSON: EPROTO" '[ $rc -eq 1 ] && has "error: EPROTO" && has "not JSON"'
mkfifo "$tmp/fifo"
run "$SOCK" "$tmp/fifo" default sriov-pod "$UID1" 1000
check "a checkpoint that is a FIFO does not hang: refused" \
	'[ $rc -eq 1 ] && has "not a regular file" && [ $ms -lt 1000 ]'
: >"$SOCK"
run "$SOCK" "$CP" default sriov-pod "$UID1" 1000
check "a socket path that is a plain file: ENOTSOCK" '[ $rc -eq 1 ] && has "error: ENOTSOCK"'

echo "kubelet: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
