#!/bin/sh
# Issue 10: device plugins (SR-IOV). The seed README's pod (flannel-conf as eth0, sriov-conf,
# sriov-vlanid-l2enable-conf as north) with both SR-IOV NADs annotated
# k8s.v1.cni.cncf.io/resourceName: the VFs come from a fake kubelet (tests/k8s/fake_kubelet.py,
# real gRPC on a unix socket) or from its device checkpoint; the NPWG device-info file of a VF
# is copied for the CNI, shown in network-status and removed on DEL. sriov-cni is not packaged:
# tests/netns/bin/record saves what it gets and runs macvlan/tuning, so "VFs" are macvlans.
#
#   host netns: pf0 (veth, the "PF") --- macvlans eth1, north in netns "pod"
#               $T/kubelet/pod-resources/kubelet.sock   fake kubelet
#               $T/devinfo/{dp,cni}                      device-info files
. "$SRC/tests/netns/lib.sh"
setup_dirs
. "$SRC/tests/netns/k8s_lib.sh"

KUBELET=$T/kubelet
SOCK=$KUBELET/pod-resources/kubelet.sock
CP=$KUBELET/device-plugins/kubelet_internal_checkpoint
DI=$T/devinfo
REC=$T/rec
RES=intel.com/sriov_netdevice
VF1=0000:03:02.1 VF2=0000:03:02.2 VF3=0000:03:02.3
UID1=5e0b7a3c-53a1-4c1b-9d6e-0c2f3a9b1e01
export RECORD_DIR=$REC
mkdir -p "$KUBELET/pod-resources" "$KUBELET/device-plugins" "$DI/dp"
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
# The kubelet gave the pod three VFs (two containers), and another pod one.
cat >"$T/kpods.json" <<EOF
[{"namespace": "default", "name": "multus-multi-net-poc", "containers": [
   {"name": "a", "devices": [{"resource": "$RES", "ids": ["$VF2", "$VF1"]}]},
   {"name": "b", "devices": [{"resource": "$RES", "ids": ["$VF3"]}]}]},
 {"namespace": "default", "name": "other", "containers": [
   {"name": "a", "devices": [{"resource": "$RES", "ids": ["0000:03:02.7"]}]}]}]
EOF

# nad_res NS NAME CONFIG [RESOURCE]: a NAD, with the resourceName annotation when given.
nad_res() {
	mkdir -p "$API/objects/nads/$1"
	jq -n --arg c "$3" --arg r "${4:-}" \
		'{metadata: {annotations: (if $r == "" then {} else {"k8s.v1.cni.cncf.io/resourceName": $r} end)}, spec: {config: $c}}' \
		>"$API/objects/nads/$1/.$2.tmp"
	mv "$API/objects/nads/$1/.$2.tmp" "$API/objects/nads/$1/$2.json"
}
# pod_uid NS NAME UID NETWORKS: the pod, with its uid (the checkpoint is by uid).
pod_uid() {
	mkdir -p "$API/objects/pods/$1"
	jq -n --arg u "$3" --arg n "$4" \
		'{metadata: {uid: $u, annotations: {"tke.cloud.tencent.com/networks": $n}}}' \
		>"$API/objects/pods/$1/.$2.tmp"
	mv "$API/objects/pods/$1/.$2.tmp" "$API/objects/pods/$1/$2.json"
}
SEED_NETS='[{"name":"flannel-conf"},{"name":"sriov-conf"},{"name":"sriov-vlanid-l2enable-conf","interfaceRequest":"north"}]'
PODF=$API/objects/pods/default/multus-multi-net-poc.json
st() { jq -e "(.metadata.annotations[\"k8s.v1.cni.cncf.io/network-status\"] | fromjson) | $1" "$PODF" >/dev/null; }
rec() { jq -e "$2" "$REC/$1.json" >/dev/null; } # rec IFNAME.CMD.INNER FILTER
only_lo_pod() { [ "$(ip netns exec pod ip -o link | wc -l)" -eq 1 ]; }
code_is() { [ "$(jq -r .code "$T/out" 2>/dev/null)" = "$1" ]; }
out_has() { grep -qF -- "$1" "$T/out"; }
ok_if() { eval "$1"; } # ok_if 'SHELL CONDITION', with this file's helpers

check "API server starts" api_start
KC=$API/kubeconfig
ip link add pf0 type veth peer name pf0p && ip link set pf0 up && ip link set pf0p up
ip netns add pod
nad_res default flannel-conf "$(printf '{"cniVersion":"1.0.0","name":"flannel-conf","type":"record","inner":"bridge","bridge":"br-f","isGateway":true,"capabilities":{"deviceID":true},"ipam":{"type":"host-local","subnet":"10.3.0.0/24","dataDir":"%s"}}' "$IPAM")"
# sriov-conf: one plugin that asks for the device through runtimeConfig too.
nad_res default sriov-conf "$(printf '{"cniVersion":"1.0.0","name":"sriov-conf","type":"record","inner":"macvlan","master":"pf0","mode":"bridge","capabilities":{"deviceID":true,"CNIDeviceInfoFile":true},"ipam":{"type":"host-local","subnet":"10.56.217.0/24","dataDir":"%s"}}' "$IPAM")" "$RES"
# sriov-vlanid-l2enable-conf: a conflist; each plugin gets deviceID, none asks for runtimeConfig.
nad_res default sriov-vlanid-l2enable-conf "$(printf '{"cniVersion":"1.0.0","name":"sriov-vlanid-l2enable-conf","plugins":[{"type":"record","inner":"macvlan","master":"pf0","mode":"bridge"},{"type":"record","inner":"tuning","sysctl":{}}]}')" "$RES"
netconf m '"kubeconfig":"'"$KC"'","apiTimeoutSeconds":2,"kubeletRootDir":"'"$KUBELET"'","deviceInfoDir":"'"$DI"'","logFile":"'"$T/log"'","logLevel":"verbose"' >"$T/nc"
pod_uid default multus-multi-net-poc "$UID1" "$SEED_NETS"
A=$(kargs default multus-multi-net-poc)
# The device plugin's device-info file for VF1 (NPWG device-info spec 1.1); none for the others.
DP1=$DI/dp/intel.com-sriov_netdevice-$VF1-device.json
printf '{"type":"pci","version":"1.1.0","pci":{"pci-address":"%s","pf-pci-address":"0000:03:00.0"}}\n' "$VF1" >"$DP1"

# === PodResources Get: two attachments of one resource, distinct VFs in order ================
check "fake kubelet starts (Get served)" kubelet_start get
multus ADD c1 eth0 /run/netns/pod "$A" <"$T/nc"
check "ADD succeeds: eth0, eth1, north" ok_if "[ $RC -eq 0 ] && for i in eth0 eth1 north; do ip netns exec pod ip link show \$i >/dev/null || exit 1; done"
check "the kubelet was asked once, with Get" [ "$(kcalls)" = "Get " ]
check "sriov-conf (eth1) got the pod's first VF as deviceID" rec eth1.ADD.macvlan ".deviceID == \"$VF1\""
check "... and as runtimeConfig.deviceID (its capabilities ask)" rec eth1.ADD.macvlan ".runtimeConfig.deviceID == \"$VF1\""
CNIF1=$DI/cni/default-sriov-conf-c1_eth1
check "... and runtimeConfig.CNIDeviceInfoFile, named as upstream names it" rec eth1.ADD.macvlan ".runtimeConfig.CNIDeviceInfoFile == \"$CNIF1\""
check "north got the second VF, in each plugin of its conflist" ok_if "jq -e '.deviceID == \"$VF2\"' '$REC/north.ADD.macvlan.json' && jq -e '.deviceID == \"$VF2\"' '$REC/north.ADD.tuning.json'"
check "north's plugins ask for no runtimeConfig and get none" ok_if "jq -e 'has(\"runtimeConfig\") | not' '$REC/north.ADD.macvlan.json' && jq -e 'has(\"runtimeConfig\") | not' '$REC/north.ADD.tuning.json'"
check "the master (no resourceName) got no deviceID, nor a device-info file name" rec eth0.ADD.bridge '(has("deviceID") | not) and (.runtimeConfig // {} | has("deviceID") or has("CNIDeviceInfoFile") | not)'
check "the device plugin's file was copied to the CNI device-info file" cmp "$DP1" "$CNIF1"
check "no device-info file for VF2 (the device plugin wrote none)" [ ! -e "$DI/cni/default-sriov-vlanid-l2enable-conf-c1_north" ]
check "network-status: eth1 carries the device-info" st ".[1].interface == \"eth1\" and .[1].\"device-info\" == {\"type\":\"pci\",\"version\":\"1.1.0\",\"pci\":{\"pci-address\":\"$VF1\",\"pf-pci-address\":\"0000:03:00.0\"}}"
check "network-status: north and eth0 carry none" st '(.[2] | has("device-info") | not) and (.[0] | has("device-info") | not)'
check "the store records the resource and the device-info file" ok_if "jq -e '.attachments[1].resourceName == \"$RES\" and .attachments[1].runtimeConfig.CNIDeviceInfoFile == \"$CNIF1\" and .attachments[2].resourceName == \"$RES\"' '$STORE/c1.json'"
check "the log says where the devices came from" grep -q "devices of pod default/multus-multi-net-poc from the kubelet's PodResources API" "$T/log"
multus DEL c1 eth0 /run/netns/pod "$A" <"$T/nc"
check "DEL succeeds and removes the CNI device-info file" ok_if "[ $RC -eq 0 ] && [ ! -e '$CNIF1' ] && only_lo_pod"
check "DEL keeps the device plugin's own file" [ -e "$DP1" ]
check "DEL asked the kubelet nothing" [ "$(kcalls)" = "Get " ]

# === an annotation's deviceID gives way =========================================================
pod_uid default multus-multi-net-poc "$UID1" '[{"name":"flannel-conf"},{"name":"sriov-conf","deviceID":"0000:99:00.0"}]'
multus ADD c2 eth0 /run/netns/pod "$A" <"$T/nc"
check "ADD with an annotation deviceID succeeds" [ "$RC" -eq 0 ]
check "the kubelet's VF wins over the annotation's deviceID" rec eth1.ADD.macvlan ".deviceID == \"$VF1\" and .runtimeConfig.deviceID == \"$VF1\""
check "with a warning naming both" grep -q "the annotation's deviceID 0000:99:00.0 gives way to the kubelet's $VF1" "$T/err"
multus DEL c2 eth0 /run/netns/pod "$A" <"$T/nc"

# === more attachments than devices ================================================================
pod_uid default multus-multi-net-poc "$UID1" '[{"name":"flannel-conf"},{"name":"sriov-conf"},{"name":"sriov-conf"},{"name":"sriov-conf"},{"name":"sriov-conf"}]'
rm -rf "$REC"
multus ADD c3 eth0 /run/netns/pod "$A" <"$T/nc"
check "four networks of a resource with three VFs: ADD fails with code 7" ok_if "[ $RC -ne 0 ] && jq -e '.code == 7' '$T/out'"
check "... naming the resource and the pod" ok_if "grep -qF 'no device of resource $RES for pod default/multus-multi-net-poc' '$T/out'"
check "... before any delegate ran (nothing in the pod, no store entry)" ok_if "only_lo_pod && [ ! -e '$STORE/c3.json' ] && [ ! -e '$REC' ]"
echo '[]' >"$T/kpods.json.none"
pod_uid default multus-multi-net-poc "$UID1" '[{"name":"flannel-conf"},{"name":"sriov-conf"}]'
cp "$T/kpods.json" "$T/kpods.json.saved" && cp "$T/kpods.json.none" "$T/kpods.json"
multus ADD c3 eth0 /run/netns/pod "$A" <"$T/nc"
check "a pod the kubelet gave no VF: code 7 naming the resource and the pod" ok_if "[ $RC -ne 0 ] && code_is 7 && out_has 'no device of resource $RES for pod default/multus-multi-net-poc: the kubelet gave it 0'"
cp "$T/kpods.json.saved" "$T/kpods.json"

# === older kubelet: List ===========================================================================
check "fake kubelet restarts without Get" kubelet_start list
rm -rf "$REC"
multus ADD c4 eth0 /run/netns/pod "$A" <"$T/nc"
check "Get UNIMPLEMENTED: List, and the same VF" ok_if "[ $RC -eq 0 ] && [ \"\$(kcalls)\" = 'Get List ' ] && jq -e '.deviceID == \"$VF1\"' '$REC/eth1.ADD.macvlan.json'"
multus DEL c4 eth0 /run/netns/pod "$A" <"$T/nc"

# === garbage and silence from the kubelet ==========================================================
check "fake kubelet answering garbage" kubelet_start garbage
t0=$(now_ms)
multus ADD c5 eth0 /run/netns/pod "$A" <"$T/nc"
check "garbage: ADD fails at once with a message that says so" ok_if "[ $RC -ne 0 ] && out_has 'does not decode' && out_has 'sriov-conf' && [ $(($(now_ms) - t0)) -lt 2000 ]"
check "garbage: nothing set up" ok_if "only_lo_pod && [ ! -e '$STORE/c5.json' ]"
check "fake kubelet that never answers" kubelet_start silent
t0=$(now_ms)
multus ADD c5 eth0 /run/netns/pod "$A" <"$T/nc"
ms=$(($(now_ms) - t0))
check "silence: ADD fails after apiTimeoutSeconds (2 s), not later (took ${ms} ms)" ok_if "[ $RC -ne 0 ] && code_is 11 && out_has 'did not answer within 2000 ms' && [ $ms -ge 1900 ] && [ $ms -lt 5000 ]"
check "silence: nothing set up" ok_if "only_lo_pod && [ ! -e '$STORE/c5.json' ]"
# A NAD without resourceName never waits for the kubelet.
pod_uid default multus-multi-net-poc "$UID1" '[{"name":"flannel-conf"}]'
: >"$T/kcalls"
t0=$(now_ms)
multus ADD c6 eth0 /run/netns/pod "$A" <"$T/nc"
ms=$(($(now_ms) - t0))
check "no resourceName: the silent kubelet is not asked (took ${ms} ms)" ok_if "[ $RC -eq 0 ] && [ ! -s '$T/kcalls' ] && [ $ms -lt 1500 ]"
multus DEL c6 eth0 /run/netns/pod "$A" <"$T/nc"
kubelet_stop

# === no socket: the device checkpoint, both shapes =================================================
pod_uid default multus-multi-net-poc "$UID1" "$SEED_NETS"
cat >"$CP" <<EOF
{"Data":{"PodDeviceEntries":[
 {"PodUID":"$UID1","ContainerName":"a","ResourceName":"$RES","DeviceIDs":["$VF3","$VF2"],"AllocResp":""},
 {"PodUID":"0c2f3a9b-0000-4000-8000-000000000000","ContainerName":"a","ResourceName":"$RES","DeviceIDs":["$VF1"],"AllocResp":""}],
 "RegisteredDevices":{"$RES":["$VF1","$VF2","$VF3"]}},"Checksum":42}
EOF
rm -rf "$REC"
multus ADD c7 eth0 /run/netns/pod "$A" <"$T/nc"
check "checkpoint (DeviceIDs a list): the pod's VFs by uid, in order" ok_if "[ $RC -eq 0 ] && jq -e '.deviceID == \"$VF2\"' '$REC/eth1.ADD.macvlan.json' && jq -e '.deviceID == \"$VF3\"' '$REC/north.ADD.macvlan.json'"
check "the log says the checkpoint" grep -q "from the kubelet's device checkpoint" "$T/log"
multus DEL c7 eth0 /run/netns/pod "$A" <"$T/nc"
cat >"$CP" <<EOF
{"Data":{"PodDeviceEntries":[
 {"PodUID":"$UID1","ContainerName":"a","ResourceName":"$RES","DeviceIDs":{"1":["$VF3"],"0":["$VF1"]},"AllocResp":""}],
 "RegisteredDevices":{"$RES":["$VF1","$VF3"]}},"Checksum":43}
EOF
rm -rf "$REC"
multus ADD c8 eth0 /run/netns/pod "$A" <"$T/nc"
check "checkpoint (DeviceIDs per NUMA node): VF1 and VF3" ok_if "[ $RC -eq 0 ] && jq -e '.deviceID == \"$VF1\"' '$REC/eth1.ADD.macvlan.json' && jq -e '.deviceID == \"$VF3\"' '$REC/north.ADD.macvlan.json'"
check "checkpoint: VF1's device-info is copied there too" cmp "$DP1" "$DI/cni/default-sriov-conf-c8_eth1"
multus DEL c8 eth0 /run/netns/pod "$A" <"$T/nc"
check "DEL removes it" ok_if "[ $RC -eq 0 ] && [ ! -e '$DI/cni/default-sriov-conf-c8_eth1' ] && only_lo_pod"
rm -f "$CP"
multus ADD c9 eth0 /run/netns/pod "$A" <"$T/nc"
check "neither socket nor checkpoint: ADD fails naming both" ok_if "[ $RC -ne 0 ] && out_has '$SOCK' && out_has '$CP' && only_lo_pod"

api_stop
done_testing
