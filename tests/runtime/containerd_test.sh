#!/bin/sh
# A second real container runtime driving multus: Debian 12's containerd (1.6) and its CRI
# plugin, called the way the kubelet calls it (tests/runtime/cri.py, a minimal runtime.v1
# client: Debian has no crictl). multus is the node's CNI config, as `multus install --once`
# writes it in auto mode from a primary conflist (bridge + portmap), with the kubeconfig of the
# test API server (tests/k8s/apiserver.py): pods and NADs come from there.
#
# Everything runs inside a private `unshare -n -m -p` (its own PID namespace: containerd, its
# shims and the sandboxes' processes all die with it, whatever happens) with /run, /var/lib/cni
# on tmpfs; containerd's root, state, sockets and config under a fresh /tmp directory. No
# registry: the sandbox image is an OCI archive made here (tests/runtime/ociarchive.py,
# busybox-static, sleep as the entrypoint) and imported with ctr. The machine's links, tables,
# /etc/cni and /etc/containerd are never touched; the cgroups the sandboxes get are under a
# parent of this run's own, removed at the end.
#
# Root only (skipped otherwise, failed under CI=true). MULTUS=path overrides build/multus;
# CTRD_TEST_KEEP=1 keeps the directory, CTRD_TEST_TIMEOUT bounds the run (100 s; it takes
# about 20), CTRD_TEST_SNAPSHOTTER=native skips overlayfs. Closes with
# "containerd: N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
SRC=$PWD
MULTUS=${MULTUS:-$SRC/build/multus}

if [ -z "${CTRD_TEST_W:-}" ]; then
	# --- Outside: can it run at all, then the same script inside the private namespaces ---
	cannot_run() {
		if [ "${CI:-}" = true ]; then
			echo "not ok - containerd check cannot run under CI=true: $1"
			echo "containerd: 0 passed, 1 failed"
			exit 1
		fi
		echo "skip - containerd check ($1)"
		echo "containerd: 0 passed, 0 failed"
		exit 0
	}
	[ "$(id -u)" -eq 0 ] || cannot_run "needs root"
	for c in containerd ctr containerd-shim-runc-v2 runc; do
		command -v $c >/dev/null || cannot_run "$c is not installed (tests/deps.sh)"
	done
	/usr/bin/python3 -c 'import grpc' 2>/dev/null || cannot_run "python3-grpcio is not installed (tests/deps.sh)"
	[ -x /bin/busybox ] || cannot_run "busybox-static is not installed (tests/deps.sh)"
	[ -x "$MULTUS" ] || cannot_run "no $MULTUS (make)"
	unshare -n -m -p -f --mount-proc --kill-child true 2>/dev/null ||
		cannot_run "unshare -n -m -p is not permitted here"
	W=$(mktemp -d /tmp/multus-containerd.XXXXXX)
	CG=${W#/tmp/}
	# --kill-child: if the run is cut short, its PID namespace's first process gets SIGKILL,
	# and with it every process of the namespace (containerd, shims, sandboxes).
	CTRD_TEST_W=$W CTRD_TEST_CG=$CG MULTUS=$MULTUS timeout -k 10 "${CTRD_TEST_TIMEOUT:-100}" \
		unshare -n -m -p -f --mount-proc --kill-child --propagation private sh "$0"
	rc=$?
	# The sandboxes' cgroups (runc makes them under our parent, in every hierarchy): gone
	# with their processes, the parents this run made are removed here, when empty.
	for h in /sys/fs/cgroup/*/; do
		[ -d "$h$CG" ] && find "$h$CG" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	p=0 f=1
	[ -f "$W/counts" ] && read -r p f <"$W/counts"
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && { echo "not ok - the containerd run exited $rc"; f=1; }
	[ -f "$W/counts" ] || echo "not ok - the containerd run did not finish (exit $rc; timeout?)"
	for h in /sys/fs/cgroup/*/; do
		[ -d "$h$CG" ] && { echo "not ok - cgroup $h$CG is left"; f=$((f + 1)); }
	done
	if [ -n "${CTRD_TEST_KEEP:-}" ]; then
		echo "# kept $W"
	else
		rm -rf "$W"
	fi
	echo "containerd: $p passed, $f failed"
	[ "$f" -eq 0 ]
	exit $?
fi

# --- Inside: private net, mount and PID namespaces ------------------------------------------
W=$CTRD_TEST_W
export W
. "$SRC/tests/runtime/containerd_lib.sh"

mount -t tmpfs tmpfs /run && mkdir -p /run/netns && mount -t tmpfs tmpfs /var/lib/cni &&
	ip link set lo up || {
	not_ok "private /run and /var/lib/cni"
	finish
}
trap 'cleanup; finish' EXIT
trap 'exit 1' TERM INT

setup_all || {
	sed 's/^/#   /' "$W/setup.out" | tail -n 30
	finish
}
echo "# $(containerd --version), $(runc --version | head -n1), snapshotter $SNAP"

# --- 1. A pod with secondary networks -------------------------------------------------------
U1=6f3c2a10-9b1e-4c55-8d2f-1a2b3c4d5e01
pod_obj default web "$U1" '{"k8s.v1.cni.cncf.io/networks":"macnet,default/brnet@sec9"}'
run_pod default web "$U1"
check "RunPodSandbox of a pod naming two NADs succeeds" [ "$RC" -eq 0 ]
[ "$RC" -eq 0 ] || sed 's/^/#   /' "$W/run.err"
ID1=$ID
NS1=$(netns_of "$ID1")
check "the sandbox's netns is containerd's /var/run/netns/cni-<uuid>" sh -c '
	printf "%s" "$1" | grep -Eq "^/var/run/netns/cni-[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$" && [ -e "$1" ]' sh "$NS1"
A0=$(addr_in "$NS1" eth0) A1=$(addr_in "$NS1" eth1) A2=$(addr_in "$NS1" sec9)
check "eth0 has the primary's address, eth1 macnet's, sec9 brnet's ($A0 $A1 $A2)" sh -c '
	case "$1 $2 $3" in 10.60.0.*/24\ 10.61.0.*/24\ 10.62.0.*/24) true ;; *) false ;; esac' sh "$A0" "$A1" "$A2"
check "eth1 is a macvlan, sec9 a veth of br-sec" sh -c '
	nsenter --net="$1" ip -d -o link show eth1 | grep -q macvlan &&
	nsenter --net="$1" ip -d -o link show sec9 | grep -q veth && [ "$2" -eq 1 ]' sh "$NS1" "$(ports br-sec)"
check "PodSandboxStatus's IP is the master's (eth0's)" [ "$(sandbox_ip "$ID1")" = "${A0%/*}" ]
E1=$(entry "$ID1")
check "the store entry: containerd's netns, three attachments added" jq -e --arg ns "$NS1" '
	.netns == $ns and ([.attachments[].state] == ["added","added","added"]) and
	([.attachments[].ifname] == ["eth0","eth1","sec9"])' "$E1"
check "containerd's CNI_ARGS: IgnoreUnknown, namespace, name, infra container id and pod UID" sh -c '
	jq -r ".attachments[0].cniArgs" "$1" | tr ";" "\n" | sort >"$W/args"
	printf "%s\n" IgnoreUnknown=1 "K8S_POD_INFRA_CONTAINER_ID=$2" K8S_POD_NAME=web \
		K8S_POD_NAMESPACE=default "K8S_POD_UID=$3" | sort | diff - "$W/args"' sh "$E1" "$ID1" "$U1"
check "the pod's network-status annotation was PATCHed: eth0 (default), eth1, sec9" sh -c '
	jq -e --arg a0 "${1%/*}" --arg a1 "${2%/*}" --arg a2 "${3%/*}" "
	.metadata.annotations[\"k8s.v1.cni.cncf.io/network-status\"] | fromjson |
	[.[] | [.name, .interface, .ips[0], (.default // false)]] ==
	[[\"k8s-pod-network\", \"eth0\", \$a0, true], [\"default/macnet\", \"eth1\", \$a1, false],
	 [\"default/brnet\", \"sec9\", \$a2, false]]" "$4"' sh "$A0" "$A1" "$A2" "$API/objects/pods/default/web.json"
check "three AddedInterface events on the pod, with its uid" sh -c '
	jq -s -e --arg u "$2" --arg a1 "$3" "[.[] | select(.involvedObject.name == \"web\")] |
	length == 3 and all(.reason == \"AddedInterface\" and .involvedObject.uid == \$u) and
	.[1].message == \"Add eth1 [\" + \$a1 + \"] from default/macnet\"" "$1"' sh "$API/events.log" "$U1" "$A1"
C1=$(results "$ID1")
check "libcni cached containerd's result, and it is the master's" sh -c '
	[ -f "$1" ] && jq -e --arg a "$2" "[.result.ips[].address] == [\$a]" "$1"' sh "$C1" "$A0"

# --- 2. Port mappings: containerd passes the portMappings capability through multus --------
U2=6f3c2a10-9b1e-4c55-8d2f-1a2b3c4d5e02
pod_obj default ports "$U2" '{}'
run_pod default ports "$U2" '[{"protocol":"TCP","container_port":80,"host_port":18080},{"protocol":"UDP","container_port":53,"host_port":18053}]'
check "RunPodSandbox with port_mappings succeeds" [ "$RC" -eq 0 ]
[ "$RC" -eq 0 ] || sed 's/^/#   /' "$W/run.err"
ID2=$ID
IP2=$(sandbox_ip "$ID2");
# go-cni's PortMapping has no JSON tags: HostPort, ContainerPort, Protocol, HostIP (portmap,
# Go, matches keys case-insensitively); multus hands them on as they came.
check "multus got containerd's portMappings and gave them to the master as they came" jq -e '
	.attachments[0].runtimeConfig.portMappings | sort_by(.HostPort) ==
	[{"HostPort":18053,"ContainerPort":53,"Protocol":"udp","HostIP":""},
	 {"HostPort":18080,"ContainerPort":80,"Protocol":"tcp","HostIP":""}]' "$(entry "$ID2")"
check "portmap's DNAT rules exist: 18080/tcp -> $IP2:80 and 18053/udp -> $IP2:53" sh -c '
	nft list ruleset >"$W/rules"
	grep "tcp dport 18080" "$W/rules" | grep -q "dnat to $1:80" &&
	grep "udp dport 18053" "$W/rules" | grep -q "dnat to $1:53"' sh "$IP2"
check "both pods have rules tagged with their ids (portmap's, the bridge's ipMasq)" sh -c '
	iptables-save -t nat >"$W/tagged" && grep -F "$1" "$W/tagged" | grep -q "dports 18080" &&
	grep -F "$2" "$W/tagged" | grep -q MASQUERADE' sh "$ID2" "$ID1"
cri stop "$ID2" >"$W/stop.out" 2>&1
check "StopPodSandbox of the ports pod succeeds" [ $? -eq 0 ]
check "stop: no rule of the ports pod is left, no port's DNAT; the web pod's rules kept" sh -c '
	nft list ruleset >"$W/rules"
	iptables-save -t nat >"$W/tagged"
	! grep -q -e "dport 18080" -e "dport 18053" "$W/rules" && ! grep -qF "$1" "$W/tagged" &&
	grep -qF "$2" "$W/tagged"' sh "$ID2" "$ID1"
cri rm "$ID2" >/dev/null 2>&1

# --- 3. StopPodSandbox: multus DEL ----------------------------------------------------------
cri stop "$ID1" >"$W/stop.out" 2>&1
check "StopPodSandbox succeeds" [ $? -eq 0 ]
sed 's/^/#   /' "$W/stop.out"
check "stop: the store entry is gone" [ ! -e "$E1" ]
check "stop: every lease of the pod released (primary, macnet, brnet)" \
	[ "$(leases k8s-pod-network) $(leases macnet) $(leases brnet)" = "0 0 0" ]
check "stop: the veths are gone from cni0 and br-sec, no macvlan on the parent" sh -c '
	[ "$1" = "0 0" ] && [ -z "$(ip -o link show type macvlan)" ]' sh "$(ports cni0) $(ports br-sec)"
check "stop: libcni's cached result is gone" [ ! -e "$C1" ]
check "stop: containerd removed the netns" [ ! -e "$NS1" ]
check "PodSandboxStatus after stop: NOTREADY" [ "$(cri inspect "$ID1" | jq -r .state)" = SANDBOX_NOTREADY ]
cri stop "$ID1" >"$W/stop.out" 2>&1
check "a second StopPodSandbox succeeds (multus DEL of nothing)" [ $? -eq 0 ]
sed 's/^/#   /' "$W/stop.out"
cri rm "$ID1" >"$W/rm.out" 2>&1
RC=$?
check "RemovePodSandbox succeeds; no sandbox is listed" sh -c '[ "$1" -eq 0 ] && [ -z "$2" ]' sh "$RC" "$(cri ls)"

# --- 4. A failing delegate ------------------------------------------------------------------
U4=6f3c2a10-9b1e-4c55-8d2f-1a2b3c4d5e04
pod_obj default bad "$U4" '{"k8s.v1.cni.cncf.io/networks":"macnet,broken"}'
run_pod default bad "$U4"
check "a NAD naming a missing plugin: RunPodSandbox fails" [ "$RC" -ne 0 ]
sed 's/^/#   /' "$W/run.err"
check "the gRPC error carries multus's message, naming the network and the plugin" sh -c '
	grep -q "broken" "$1" && grep -q "nosuchplugin" "$1"' sh "$W/run.err"
check "failed run: nothing left (no entry, lease, veth, macvlan, netns, cached result, sandbox)" nothing_left
U5=6f3c2a10-9b1e-4c55-8d2f-1a2b3c4d5e05
pod_obj default bad2 "$U5" '{"k8s.v1.cni.cncf.io/networks":"nomaster"}'
run_pod default bad2 "$U5"
check "a delegate failing its ADD (macvlan on a missing link): RunPodSandbox fails" [ "$RC" -ne 0 ]
sed 's/^/#   /' "$W/run.err"
check "the gRPC error carries the delegate's message through multus" sh -c '
	grep -q "network \"nomaster\": macvlan ADD failed: Link not found" "$1"' sh "$W/run.err"
check "failed run: the master's ADD was undone, nothing left" nothing_left

# --- 5. containerd restarted between Run and Stop -------------------------------------------
U6=6f3c2a10-9b1e-4c55-8d2f-1a2b3c4d5e06
pod_obj default rs "$U6" '{"k8s.v1.cni.cncf.io/networks":"macnet"}'
run_pod default rs "$U6"
ID6=$ID
NS6=$(netns_of "$ID6")
IP6=$(sandbox_ip "$ID6")
check "rs: runs with eth0 and eth1" sh -c '[ "$1" -eq 0 ] && [ -n "$2" ] && [ -n "$3" ]' sh "$RC" "$IP6" "$(addr_in "$NS6" eth1)"
ctrd_kill
ctrd_start
check "containerd killed (SIGKILL) and started again; CRI ready with multus's config" [ $? -eq 0 ]
cri inspect "$ID6" >"$W/inspect.json"
check "after the restart: the sandbox is READY with the same IP" \
	jq -e --arg ip "$IP6" '.state == "SANDBOX_READY" and .network.ip == $ip' "$W/inspect.json"
cri stop "$ID6" >"$W/stop.out" 2>&1
check "after the restart: StopPodSandbox succeeds" [ $? -eq 0 ]
sed 's/^/#   /' "$W/stop.out"
cri rm "$ID6" >/dev/null 2>&1
check "after the restart: stop cleaned up (no entry, lease, veth, macvlan, netns, cache)" nothing_left

# --- 6. A stale pod object: K8S_POD_UID differs ---------------------------------------------
pod_obj default stale 6f3c2a10-9b1e-4c55-8d2f-1a2b3c4d5e07 '{"k8s.v1.cni.cncf.io/networks":"macnet"}'
run_pod default stale 6f3c2a10-9b1e-4c55-8d2f-1a2b3c4d5eff
check "K8S_POD_UID not the API pod's: RunPodSandbox fails" [ "$RC" -ne 0 ]
check "the gRPC error is multus's: both UIDs named" sh -c '
	grep -q "has UID 6f3c2a10-9b1e-4c55-8d2f-1a2b3c4d5e07, not K8S_POD_UID 6f3c2a10-9b1e-4c55-8d2f-1a2b3c4d5eff" "$1"' sh "$W/run.err"
sed 's/^/#   /' "$W/run.err"
check "stale pod: nothing left" nothing_left
check "stale pod: no status PATCH, no event for it" sh -c '
	! jq -e ".metadata.annotations[\"k8s.v1.cni.cncf.io/network-status\"]" "$1" &&
	! jq -e "select(.involvedObject.name == \"stale\")" "$2"' sh "$API/objects/pods/default/stale.json" "$API/events.log"

# --- 7. A CNI 0.3.1 primary (a .conf): install writes 00-multus.conf, libcni makes it a list --
swap_config 10-k8s.conf '{"cniVersion":"0.3.1","name":"k8s-old","type":"bridge","bridge":"cni1","isGateway":true,"ipam":{"type":"host-local","subnet":"10.64.0.0/24"}}' 0.3.1
RC=$?
check "a 0.3.1 primary: install wrote 00-multus.conf, containerd loaded it as 0.3.1" sh -c '
	[ "$1" -eq 0 ] && jq -e ".cniVersion == \"0.3.1\" and .type == \"multus\"" "$W/net.d/00-multus.conf" &&
	[ ! -e "$W/net.d/00-multus.conflist" ]' sh "$RC"
U7=6f3c2a10-9b1e-4c55-8d2f-1a2b3c4d5e08
pod_obj default old "$U7" '{"k8s.v1.cni.cncf.io/networks":"macnet"}'
run_pod default old "$U7"
check "0.3.1: RunPodSandbox succeeds" [ "$RC" -eq 0 ]
[ "$RC" -eq 0 ] || sed 's/^/#   /' "$W/run.err"
ID7=$ID
NS7=$(netns_of "$ID7")
A0=$(addr_in "$NS7" eth0) A1=$(addr_in "$NS7" eth1)
check "0.3.1: eth0 on the primary ($A0), eth1 on macnet ($A1), the status IP eth0's" sh -c '
	case "$1 $2" in 10.64.0.*/24\ 10.61.0.*/24) [ "$3" = "${1%/*}" ] ;; *) false ;; esac' sh \
	"$A0" "$A1" "$(sandbox_ip "$ID7")"
check "0.3.1: libcni cached multus's 0.3.1 result: eth0's address, on eth0 in the sandbox" jq -e --arg a "$A0" '
	.result.cniVersion == "0.3.1" and [.result.ips[].address] == [$a] and
	.result.interfaces[.result.ips[0].interface].name == "eth0"' "$(results "$ID7")"
cri stop "$ID7" >"$W/stop.out" 2>&1 && cri rm "$ID7" >>"$W/stop.out" 2>&1
check "0.3.1: Stop and Remove succeed and leave nothing" sh -c '[ "$1" -eq 0 ]' sh $?
check "0.3.1: nothing left" nothing_left

# --- 8. The netconf written by hand: a CNI 0.2.0 master (no interfaces in its result) -------
# containerd takes the pod IP from the result's eth0: multus names it from the kernel.
swap_config 00-multus.conflist "$(jq -n --arg kc "$W/net.d/multus.d/multus.kubeconfig" --arg log "$W/multus.log" '{
	cniVersion: "1.0.0", name: "multus-cni-network", plugins: [{type: "multus", kubeconfig: $kc,
	logFile: $log, logLevel: "debug", delegates: [{cniVersion: "0.2.0", name: "k8s-v2",
	type: "bridge", bridge: "cni2", isGateway: true,
	ipam: {type: "host-local", subnet: "10.65.0.0/24"}}]}]}')"
check "a hand-written 00-multus.conflist: containerd loaded it" [ $? -eq 0 ]
U8=6f3c2a10-9b1e-4c55-8d2f-1a2b3c4d5e09
pod_obj default v2 "$U8" '{"k8s.v1.cni.cncf.io/networks":"brnet@net5"}'
run_pod default v2 "$U8"
check "0.2.0 master: RunPodSandbox succeeds" [ "$RC" -eq 0 ]
[ "$RC" -eq 0 ] || sed 's/^/#   /' "$W/run.err"
ID8=$ID
NS8=$(netns_of "$ID8")
A0=$(addr_in "$NS8" eth0) A1=$(addr_in "$NS8" net5)
check "0.2.0 master: eth0 $A0, net5 $A1, and containerd found the IP on eth0" sh -c '
	case "$1 $2" in 10.65.0.*/24\ 10.62.0.*/24) [ "$3" = "${1%/*}" ] ;; *) false ;; esac' sh \
	"$A0" "$A1" "$(sandbox_ip "$ID8")"
cri stop "$ID8" >"$W/stop.out" 2>&1 && cri rm "$ID8" >>"$W/stop.out" 2>&1
check "0.2.0 master: Stop and Remove succeed" sh -c '[ "$1" -eq 0 ]' sh $?
check "0.2.0 master: nothing left" nothing_left

# --- 9. As after a reboot: the sandbox's process and netns are gone before StopPodSandbox ---
# containerd then DELs with CNI_NETNS empty; the leases can only go through the store entry.
U9=6f3c2a10-9b1e-4c55-8d2f-1a2b3c4d5e0a
pod_obj default rb "$U9" '{"k8s.v1.cni.cncf.io/networks":"brnet@net5,macnet"}'
run_pod default rb "$U9"
ID9=$ID
NS9=$(netns_of "$ID9")
P9=$(cri inspect "$ID9" | jq -r .info.info.pid)
check "rb: runs with eth0, net5 and eth1" sh -c '[ "$1" -eq 0 ] && [ -n "$2" ] && [ -n "$3" ]' sh "$RC" \
	"$(addr_in "$NS9" net5)" "$(addr_in "$NS9" eth1)"
kill -9 "$P9"
i=0
while [ "$(cri inspect "$ID9" | jq -r .state)" != SANDBOX_NOTREADY ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
umount "$NS9" && rm -f "$NS9"
check "rb: the sandbox died, its netns is gone, its leases are held" sh -c '
	[ ! -e "$1" ] && [ "$2" = SANDBOX_NOTREADY ] && [ "$3" -eq 3 ]' sh "$NS9" \
	"$(cri inspect "$ID9" | jq -r .state)" "$(cd /var/lib/cni/networks && ls -d -- */[0-9]* | wc -l)"
cri stop "$ID9" >"$W/stop.out" 2>&1
check "netns gone: StopPodSandbox succeeds" [ $? -eq 0 ]
sed 's/^/#   /' "$W/stop.out"
cri rm "$ID9" >/dev/null 2>&1
check "netns gone: the leases were released, the entry and the cache are gone" nothing_left

# --- 10. Four pods at once (the netconf of 8): the kubelet's parallel RunPodSandbox and Stops
for n in 1 2 3 4; do
	pod_obj default par$n "6f3c2a10-9b1e-4c55-8d2f-1a2b3c4d5f0$n" '{"k8s.v1.cni.cncf.io/networks":"macnet,brnet"}'
done
# (wait by pid: containerd and the API server are this shell's children too)
pids=
for n in 1 2 3 4; do
	(
		RUN_ERR=$W/run.par$n.err
		run_pod default par$n "6f3c2a10-9b1e-4c55-8d2f-1a2b3c4d5f0$n"
		echo "$RC $ID" >"$W/par$n"
	) &
	pids="$pids $!"
done
wait $pids
ips=
for n in 1 2 3 4; do
	read -r rc id <"$W/par$n"
	ns=$(netns_of "$id")
	ips="$ips$rc $(addr_in "$ns" eth0) $(addr_in "$ns" eth1) $(addr_in "$ns" eth2)
"
	echo "$id" >>"$W/par.ids"
done
check "parallel: all four RunPodSandbox succeed, each with eth0, eth1 and eth2" sh -c '
	[ "$(printf "%s" "$1" | grep -c "^0 10\.65\.0\.[0-9]*/24 10\.61\.0\.[0-9]*/24 10\.62\.0\.[0-9]*/24$")" -eq 4 ] || { printf "%s" "$1"; false; }' sh "$ips"
check "parallel: twelve distinct addresses, four store entries" sh -c '
	[ "$(printf "%s" "$1" | tr " " "\n" | grep -c "^10\.")" -eq 12 ] &&
	[ "$(printf "%s" "$1" | tr " " "\n" | grep "^10\." | sort -u | wc -l)" -eq 12 ] &&
	[ "$(ls "$2" | grep -c "\.json$")" -eq 4 ]' sh "$ips" "$STORE"
[ "$(cat "$W"/run.par*.err)" = "" ] || sed 's/^/#   /' "$W"/run.par*.err
pids=
for id in $(cat "$W/par.ids"); do
	(cri stop "$id" >"$W/stop.$id" 2>&1 && cri rm "$id" >>"$W/stop.$id" 2>&1; echo $? >"$W/rc.$id") &
	pids="$pids $!"
done
wait $pids
check "parallel: the four Stops and Removes succeed" sh -c '[ "$(cat "$W"/rc.* | tr -d "\n")" = 0000 ]'
check "parallel: nothing left" nothing_left

check "multus logged no error but the failures asked for" sh -c '
	! grep " error " "$1" | grep -v -e "broken" -e "nomaster" -e "not K8S_POD_UID"' sh "$W/multus.log"
