#!/bin/sh
# API objects of the wrong shape with `multus daemon` in between: the daemon does not keep
# them (src/k8s/cache_proto.c), so the plugin asks the API itself and fails as without the
# daemon (t_k8s_misbehave.sh), naming the pod or the NAD, instead of being served the object
# without what it has. The daemon's own GET of a NAD answered with a Status in a 200: the same.
. "$SRC/tests/netns/lib.sh"
setup_dirs
. "$SRC/tests/netns/k8s_lib.sh"
. "$SRC/tests/netns/daemon_lib.sh"
trap 'daemon_stop; api_stop' EXIT
msg_has() { for s in "$@"; do jq -e --arg s "$s" '.msg | contains($s)' "$T/out" >/dev/null || { cat "$T/out"; return 1; }; done; }
# try ID: ADD of pod default/web ($RC, $T/out); DEL after, the ADD's output kept.
try() {
	multus ADD "$1" eth0 /run/netns/pod "$(kargs default web)" <"$T/nc"
	rc=$RC
	cp "$T/out" "$T/out.add"
	multus DEL "$1" eth0 /run/netns/pod "$(kargs default web)" <"$T/nc"
	cp "$T/out.add" "$T/out"
	RC=$rc
}
# ask pod|nads: the daemon answers ok (cache_client.py's exit status).
ask() {
	case $1 in
	pod) q='{"v":1,"op":"pod","namespace":"default","name":"web"}' ;;
	nads) q='{"v":1,"op":"nads","namespace":"default","names":["net-a"]}' ;;
	esac
	/usr/bin/python3 "$SRC/tests/k8s/cache_client.py" --socket "$SOCK" --request "$q" >/dev/null 2>&1
}
# until CMD...: until it succeeds (5 s at most): the watch brings a change in some ms.
until_ok() { i=0; while ! "$@" && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done; }
refused() { ! ask "$1"; }
raw() { printf '%s\n' "$2" >"$API/objects/$1.tmp" && mv "$API/objects/$1.tmp" "$API/objects/$1.json"; }

check "API server starts (HTTP/2)" api_start --http2
ip netns add pod
br_json flannel-conf br-f 10.3.0.0/24 >"$CONF/flannel-conf.conf"
nad default net-a "$(br_json net-a br-a 10.71.0.0/24)"
npod default web "" k8s.v1.cni.cncf.io/networks net-a@net1
netconf m '"kubeconfig":"'"$API/kubeconfig"'","daemonSocket":"'"$SOCK"'","defaultDelegates":"flannel-conf","apiTimeoutSeconds":2' >"$T/nc"
check "daemon starts" daemon_start --api-timeout-seconds 5
try c0
check "a good pod: ADD works, served by the daemon" sh -c "[ $RC -eq 0 ]"

mkdir -p "$API/objects/pods/default"
raw pods/default/web '{"metadata":{"annotations":{"k8s.v1.cni.cncf.io/networks":["net-a"]}},"spec":{"nodeName":"node1"}}'
until_ok refused pod
L=$(lines)
try c1
check "networks annotation an array: ADD fails with code 7 naming the pod and the annotation" sh -c "[ $RC -ne 0 ] && jq -e '.code == 7' '$T/out'"
check "networks annotation an array: the message" msg_has "pod default/web" "k8s.v1.cni.cncf.io/networks" "not a string"
check "networks annotation an array: the plugin asked the API itself" [ "$(plugin_reqs "$L")" -ge 1 ]
raw pods/default/web '{"metadata":{"annotations":"net-a"},"spec":{"nodeName":"node1"}}'
until_ok refused pod
try c2
check "annotations a string: ADD fails with code 102" sh -c "[ $RC -ne 0 ] && jq -e '.code == 102' '$T/out'"
check "annotations a string: the message" msg_has "pod default/web" "metadata.annotations is not an object"

npod default web "" k8s.v1.cni.cncf.io/networks net-a@net1
raw nads/default/net-a "{\"spec\":{\"config\":$(br_json net-a br-a 10.71.0.0/24)}}"
until_ok refused nads
try c3
check "NAD spec.config an object: ADD fails with code 7" sh -c "[ $RC -ne 0 ] && jq -e '.code == 7' '$T/out'"
check "NAD spec.config an object: the message names the NAD" msg_has "default/net-a" "spec.config is not a string"

nad default net-a "$(br_json net-a br-a 10.71.0.0/24)"
until_ok ask pod
until_ok ask nads
try c4
check "all fixed: ADD works again" sh -c "[ $RC -eq 0 ]"
check "nothing left in the pod" sh -c "[ \$(ip netns exec pod ip -o link | wc -l) -eq 1 ] && [ -z \"\$(ls '$STORE' | grep -v '\\.lock\$')\" ]"

daemon_stop

# === a pods LIST whose items are null: an empty list (as client-go reads it), then the watch ===
faults '[{"method": "GET", "path": "^/api/v1/pods$", "action": {"reply": {"status": 200, "body": {"kind": "PodList", "apiVersion": "v1", "metadata": {"resourceVersion": "1"}, "items": null}}}, "count": 1}]'
check "LIST with items null: the daemon starts" daemon_start --api-timeout-seconds 5
check "LIST with items null: listed as empty, not refused" sh -c "grep -q 'watch pods: listed 0,' '$DOUT' && ! grep -q 'not a list' '$DOUT'"
rm -f "$API/faults.json"
check "LIST with items null: the pod comes after (watch or relist) and is served" wait_for ask pod
daemon_stop

# === a daemon that misbehaves (tests/k8s/fake_daemon.py): the plugin asks the API itself =========
FSOCK=$T/fake/multus.sock FPID=
fake_start() { # MODE
	rm -f "$FSOCK.ready"
	/usr/bin/python3 "$SRC/tests/k8s/fake_daemon.py" --socket "$FSOCK" --api-dir "$API" \
		--log "$T/fake.log" --mode "$1" 2>>"$T/fake.err" &
	FPID=$!
	i=0
	while [ ! -e "$FSOCK.ready" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	[ -e "$FSOCK.ready" ]
}
netconf m '"kubeconfig":"'"$API/kubeconfig"'","daemonSocket":"'"$FSOCK"'","defaultDelegates":"flannel-conf","apiTimeoutSeconds":2,"logLevel":"verbose"' >"$T/nc"
for m in trickle flood other othernad; do
	check "fake daemon: $m" fake_start $m
	L=$(lines)
	t0=$(now_ms)
	multus ADD fk-$m eth0 /run/netns/pod "$(kargs default web)" <"$T/nc"
	ms=$(($(now_ms) - t0))
	check "daemon $m: ADD works with eth0 and net1 in ${ms} ms (< 3000: a trickled answer would take 4 s)" sh -c "[ $RC -eq 0 ] && [ $ms -lt 3000 ] && ip netns exec pod ip link show net1 >/dev/null"
	what=/api/v1/namespaces/default/pods/web
	[ $m = othernad ] && what=/apis/k8s.cni.cncf.io/v1/namespaces/default/network-attachment-definitions/net-a
	check "daemon $m: the plugin asked the API itself for $what" sh -c "tail -n +$((L + 1)) '$R' | grep -q '\"GET\", \"path\": \"$what\"'"
	check "daemon $m: the fallback is logged" grep -q "node-local cache $FSOCK" "$T/err"
	[ $m = other ] && check "daemon other: the log says the answer was another pod" grep -q "its answer is another pod" "$T/err"
	[ $m = othernad ] && check "daemon othernad: the log says the answer was another NAD" grep -q "its answer is another NAD" "$T/err"
	multus DEL fk-$m eth0 /run/netns/pod "$(kargs default web)" <"$T/nc"
	check "daemon $m: DEL leaves nothing" sh -c "[ $RC -eq 0 ] && [ \$(ip netns exec pod ip -o link | wc -l) -eq 1 ]"
	kill "$FPID" && wait "$FPID" 2>/dev/null
done

api_stop
done_testing
