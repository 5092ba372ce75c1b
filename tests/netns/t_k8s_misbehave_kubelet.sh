#!/bin/sh
# Kubelets that misbehave in new ways (tests/k8s/fake_kubelet.py's h2-* modes: HTTP/2 without a
# gRPC library, so the frames can lie) and device checkpoints that are no checkpoint. A NAD
# with a resourceName needs the pod's device: each failure is an ADD error within
# apiTimeoutSeconds (2 s) that names the kubelet's socket or the checkpoint and what was wrong,
# with nothing set up.
. "$SRC/tests/netns/lib.sh"
setup_dirs
. "$SRC/tests/netns/k8s_lib.sh"

KUBELET=$T/kubelet
SOCK=$KUBELET/pod-resources/kubelet.sock
CP=$KUBELET/device-plugins/kubelet_internal_checkpoint
RES=intel.com/sriov_netdevice
UID1=5e0b7a3c-53a1-4c1b-9d6e-0c2f3a9b1e01
mkdir -p "$KUBELET/pod-resources" "$KUBELET/device-plugins" "$T/devinfo/dp"
now_ms() { echo $(($(date +%s%N) / 1000000)); }
kpid=
kubelet_stop() {
	[ -n "$kpid" ] || return 0
	kill "$kpid" 2>/dev/null
	wait "$kpid" 2>/dev/null
	kpid=
	rm -f "$SOCK"
}
trap 'kubelet_stop; api_stop' EXIT
protoc-c --descriptor_set_out="$T/podresources.desc" -I"$SRC/src" "$SRC/src/k8s/podresources.proto"
echo '[]' >"$T/kpods.json"
kubelet_start() { # MODE
	kubelet_stop
	rm -f "$KUBELET/pod-resources/ready" "$T/kcalls"
	/usr/bin/python3 "$SRC/tests/k8s/fake_kubelet.py" --socket "$SOCK" \
		--desc "$T/podresources.desc" --pods "$T/kpods.json" --mode "$1" --log "$T/kcalls" \
		--max-seconds 300 2>>"$T/kubelet.err" &
	kpid=$!
	i=0
	while [ ! -e "$KUBELET/pod-resources/ready" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	[ -e "$KUBELET/pod-resources/ready" ]
}
kcalls() { [ -e "$T/kcalls" ] && jq -r .method "$T/kcalls" | tr '\n' ' '; }
msg_has() { for s in "$@"; do jq -e --arg s "$s" '.msg | contains($s)' "$T/out" >/dev/null || { cat "$T/out"; return 1; }; done; }
clean_pod() { [ "$(ip netns exec pod ip -o link | wc -l)" -eq 1 ] && [ -z "$(ls "$STORE" 2>/dev/null | grep -v '\.lock$')" ]; }

check "API server starts" api_start
ip link add pf0 type veth peer name pf0p && ip link set pf0 up && ip link set pf0p up
ip netns add pod
br_json flannel-conf br-f 10.3.0.0/24 >"$CONF/flannel-conf.conf"
mkdir -p "$API/objects/nads/default"
jq -n --arg c "$(mv_json sriov-conf pf0 10.56.217.0/24)" --arg r "$RES" \
	'{metadata: {annotations: {"k8s.v1.cni.cncf.io/resourceName": $r}}, spec: {config: $c}}' >"$API/objects/nads/default/sriov-conf.json"
mkdir -p "$API/objects/pods/default"
jq -n --arg u "$UID1" '{metadata: {uid: $u, annotations: {"k8s.v1.cni.cncf.io/networks": "sriov-conf"}}}' >"$API/objects/pods/default/web.json"
netconf m '"kubeconfig":"'"$API/kubeconfig"'","defaultDelegates":"flannel-conf","apiTimeoutSeconds":2,"kubeletRootDir":"'"$KUBELET"'","deviceInfoDir":"'"$T/devinfo"'"' >"$T/nc"
A=$(kargs default web)

# fails DESC SUBSTRING...: ADD fails within 2 s + 1.5 s, the message holds every SUBSTRING
# (and names the NAD); nothing is set up.
n=0
fails() {
	fd=$1
	shift
	n=$((n + 1))
	t0=$(now_ms)
	multus ADD k$n eth0 /run/netns/pod "$A" <"$T/nc"
	el=$(($(now_ms) - t0))
	check "$fd: ADD fails in ${el} ms (< 3500)" sh -c "[ $RC -ne 0 ] && [ $el -lt 3500 ] && jq -e '.code > 0' '$T/out' >/dev/null"
	check "$fd: the message names the network and says $*" msg_has sriov-conf "$@"
	check "$fd: nothing set up" clean_pod
}

# === the PodResources socket ====================================================================
check "kubelet: a frame longer than its data" kubelet_start h2-short
fails "frame says 100 bytes, 5 come" "$SOCK" "frame says 100 bytes, 5 came"
check "frame too short: not retried with List (no gRPC status said so)" [ "$(kcalls)" = "Get " ]
check "kubelet: the compressed flag set" kubelet_start h2-compressed
fails "compressed frame" "$SOCK" "compressed"
check "kubelet: trailers-only errors" kubelet_start h2-error
fails "trailers-only grpc-status 13" "$SOCK" "gRPC status 13: kubelet fault injected"
check "trailers-only: Get, then List, as for an older kubelet" [ "$(kcalls)" = "Get List " ]
check "kubelet: no grpc-status" kubelet_start h2-nostatus
fails "no grpc-status at all" "$SOCK" "no grpc-status"
check "kubelet: HTTP/2, then silence" kubelet_start h2-mute
fails "HTTP/2 handshake, then no answer" "$SOCK" "did not answer within 2000 ms"
check "kubelet: a reply trickling in" kubelet_start h2-trickle
fails "reply bytes 200 ms apart" "$SOCK" "did not answer within 2000 ms"
kubelet_stop

# === the checkpoint (no socket) =================================================================
head -c 4096 /dev/urandom >"$CP"
fails "checkpoint: random bytes" "$CP" "not JSON"
printf '{"Data":{"PodDeviceEntries":[{"PodUID":"%s","ResourceName":"%s","DeviceIDs":[7]}]}}' "$UID1" "$RES" >"$CP"
fails "checkpoint: a device ID that is a number" "$CP" "not a string"
printf '{"Data":{"PodDeviceEntries":{"PodUID":"%s"}}}' "$UID1" >"$CP"
fails "checkpoint: entries not a list" "$CP" "PodDeviceEntries"
{
	printf '{"Data":{"PodDeviceEntries":[{"PodUID":"%s","ResourceName":"%s","DeviceIDs":["' "$UID1" "$RES"
	head -c 17000000 /dev/zero | tr '\0' 'a'
	printf '"]}]}}'
} >"$CP"
fails "checkpoint: 17 MB" "$CP" "too large"
rm -f "$CP"
mkfifo "$CP"
fails "checkpoint: a FIFO nobody writes" "$CP" "not a regular file"
rm -f "$CP"
mkdir "$CP"
fails "checkpoint: a directory" "$CP" "not a regular file"
rmdir "$CP"
ln -s /dev/zero "$CP"
fails "checkpoint: a symlink to /dev/zero" "$CP" "symbolic link"
rm -f "$CP"

api_stop
done_testing
