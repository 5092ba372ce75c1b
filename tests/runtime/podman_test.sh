#!/bin/sh
# A real container runtime driving multus: Debian 12's podman (4.3) with its CNI backend, the
# network a conflist whose plugin is multus, no image registry (`podman run --rootfs` over a
# directory holding busybox-static).
#
# Everything runs inside a private `unshare -n -m` with /run, /var/lib/cni and /dev/shm on tmpfs,
# podman's storage and run dirs, network config dir, containers.conf (CONTAINERS_CONF) and
# storage.conf (CONTAINERS_STORAGE_CONF) under a fresh /tmp directory: the machine's links,
# tables, /etc/cni and /etc/containers are never touched. multus and the reference plugins are
# found through containers.conf's cni_plugin_dirs (podman's CNI_PATH); no netconf names a binDir.
#
# Root only (skipped otherwise, failed under CI=true). MULTUS=path overrides build/multus.
# Closes with "podman: N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
SRC=$PWD
MULTUS=${MULTUS:-$SRC/build/multus}

if [ -z "${PODMAN_TEST_W:-}" ]; then
	# --- Outside: can it run at all, then the same script inside the private namespaces ---
	cannot_run() {
		if [ "${CI:-}" = true ]; then
			echo "not ok - podman check cannot run under CI=true: $1"
			echo "podman: 0 passed, 1 failed"
			exit 1
		fi
		echo "skip - podman check ($1)"
		echo "podman: 0 passed, 0 failed"
		exit 0
	}
	[ "$(id -u)" -eq 0 ] || cannot_run "needs root"
	command -v podman >/dev/null || cannot_run "podman is not installed (tests/deps.sh)"
	[ -x /bin/busybox ] || cannot_run "busybox-static is not installed (tests/deps.sh)"
	[ -x "$MULTUS" ] || cannot_run "no $MULTUS (make)"
	unshare -n -m true 2>/dev/null || cannot_run "unshare -n -m is not permitted here"
	W=$(mktemp -d /tmp/multus-podman.XXXXXX)
	# podman's cgroupfs manager makes /libpod_parent (its conmon group, a group per pod) in
	# every hierarchy and leaves them; the ones this run made go at the end, when empty.
	made_cgroups=
	for h in /sys/fs/cgroup/*/; do
		[ -d "${h}libpod_parent" ] || made_cgroups="$made_cgroups ${h}libpod_parent"
	done
	PODMAN_TEST_W=$W MULTUS=$MULTUS timeout -k 10 "${PODMAN_TEST_TIMEOUT:-100}" \
		unshare -n -m --propagation private sh "$0"
	rc=$?
	# A run cut short (timeout) may leave conmon and container processes: the ones this run
	# started, by the pid and start time it noted (so never a later process with that pid).
	if [ ! -f "$W/counts" ] && [ -f "$W/pids" ]; then
		while read -r pid start; do
			[ "$(cut -d' ' -f22 "/proc/$pid/stat" 2>/dev/null)" = "$start" ] && kill -9 "$pid"
		done <"$W/pids"
	fi
	for d in $made_cgroups; do
		[ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	p=0 f=1
	[ -f "$W/counts" ] && read -r p f <"$W/counts"
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && { echo "not ok - the podman run exited $rc"; f=1; }
	[ -f "$W/counts" ] || echo "not ok - the podman run did not finish (exit $rc; timeout?)"
	[ -n "${PODMAN_TEST_KEEP:-}" ] && echo "# kept $W" || rm -rf "$W"
	echo "podman: $p passed, $f failed"
	[ "$f" -eq 0 ]
	exit $?
fi

# --- Inside: private net and mount namespaces -----------------------------------------------
W=$PODMAN_TEST_W
_pass=0 _fail=0 _n=0
ok() { _n=$((_n + 1)); _pass=$((_pass + 1)); echo "ok $_n - $*"; }
not_ok() { _n=$((_n + 1)); _fail=$((_fail + 1)); echo "not ok $_n - $*"; }
check() {
	d=$1
	shift
	if "$@" >"$W/check.out" 2>&1; then ok "$d"; else not_ok "$d"; sed 's/^/#   /' "$W/check.out" | tail -n 20; fi
}
finish() {
	echo "$_pass $_fail" >"$W/counts"
	exit 0
}

mount -t tmpfs tmpfs /run && mkdir -p /run/netns && mount -t tmpfs tmpfs /var/lib/cni &&
	mount -t tmpfs tmpfs /dev/shm && ip link set lo up || {
	not_ok "private /run, /var/lib/cni and /dev/shm"
	finish
}

# The root file system: busybox-static and its applets.
R=$W/rootfs
mkdir -p "$R/bin" "$R/etc" "$R/proc" "$R/sys" "$R/dev" "$R/tmp" "$R/run"
cp /bin/busybox "$R/bin/busybox"
for a in sh ip sleep cat ls; do ln -s busybox "$R/bin/$a"; done
echo 'root:x:0:0:root:/:/bin/sh' >"$R/etc/passwd"
echo 'root:x:0:' >"$R/etc/group"

# multus and a delegate that fails ADD, found by podman through cni_plugin_dirs.
mkdir -p "$W/cnibin" "$W/net.d" "$W/conf" "$W/ipam" "$W/run" "$W/root"
ln -s "$MULTUS" "$W/cnibin/multus"
ln -s "$SRC/tests/netns/bin/fail" "$W/cnibin/fail"

# podman raises its own RLIMIT_NPROC to 32768 and asks runc for nofile 1048576: without
# CAP_SYS_RESOURCE (this sandbox has none) runc's prlimit then fails with EPERM. The defaults
# here are the limits podman runs with.
nofile=$(awk '/^Max open files/ {print $5}' /proc/self/limits)
nproc=$(awk '/^Max processes/ {print ($4 > 32768) ? 32768 : $4}' /proc/self/limits)
cat >"$W/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
[network]
network_backend = "cni"
cni_plugin_dirs = ["$W/cnibin", "/usr/lib/cni"]
network_config_dir = "$W/net.d"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$W/events.log"
runtime = "runc"
tmp_dir = "$W/run/libpod"
static_dir = "$W/root/libpod"
EOF
cat >"$W/storage.conf" <<EOF
[storage]
driver = "vfs"
graphroot = "$W/root"
runroot = "$W/run/storage"
EOF
export CONTAINERS_CONF="$W/containers.conf" CONTAINERS_STORAGE_CONF="$W/storage.conf"
pm() { timeout 30 podman --network-config-dir "$W/net.d" "$@"; }
cleanup() {
	pm pod rm -a -f -t 0 >/dev/null 2>&1
	pm rm -a -f -t 0 >/dev/null 2>&1
	# the conmon exit commands of the containers just removed
	sleep 0.2
}
trap 'cleanup; finish' EXIT
trap 'exit 1' TERM INT

# A parent for macvlan: one end of a veth pair of ours.
ip link add mvp0 type veth peer name mvp0p && ip link set mvp0 up && ip link set mvp0p up

ipam() { # NAME SUBNET: host-local under our dir
	printf '{"type":"host-local","subnet":"%s","dataDir":"%s"}' "$2" "$W/ipam"
}
bridge() { # VERSION NAME BRIDGE SUBNET
	printf '{"cniVersion":"%s","name":"%s","type":"bridge","bridge":"%s","isGateway":true,"ipam":%s}' \
		"$1" "$2" "$3" "$(ipam "$2" "$4")"
}
macvlan() { # VERSION NAME PARENT SUBNET
	printf '{"cniVersion":"%s","name":"%s","type":"macvlan","master":"%s","mode":"bridge","ipam":%s}' \
		"$1" "$2" "$3" "$(ipam "$2" "$4")"
}
multus() { # EXTRA_MEMBERS: a multus plugin of a conflist, our store, confDir and log
	printf '{"type":"multus","confDir":"%s","cniDir":"%s","logFile":"%s","logLevel":"debug"%s}' \
		"$W/conf" "$W/store" "$W/multus.log" "${1:+,$1}"
}
conflist() { # FILE VERSION NAME PLUGIN...
	f=$1 v=$2 n=$3
	shift 3
	printf '{"cniVersion":"%s","name":"%s","plugins":[' "$v" "$n" >"$f"
	sep=
	for pl in "$@"; do printf '%s%s' "$sep" "$pl" >>"$f"; sep=,; done
	printf ']}\n' >>"$f"
}

# mnet (1.0.0): the master a bridge, the second network a macvlan, both inline delegates.
conflist "$W/net.d/mnet.conflist" 1.0.0 mnet \
	"$(multus "\"delegates\":[$(bridge 1.0.0 brnet pbr0 10.88.7.0/24),$(macvlan 1.0.0 mvnet mvp0 10.89.7.0/24)]")"
# m04 (0.4.0): the networks by name from confDir (defaultDelegates), the second one 1.0.0.
bridge 0.4.0 br04 pbr4 10.90.7.0/24 >"$W/conf/br04.conf"
bridge 1.0.0 br04b pbr5 10.91.7.0/24 >"$W/conf/br04b.conf"
# Its multus keeps the default cniDir (/var/lib/cni/multus, on our tmpfs) and logs to stderr only.
conflist "$W/net.d/m04.conflist" 0.4.0 m04 \
	"$(printf '{"type":"multus","confDir":"%s","defaultDelegates":"br04,br04b"}' "$W/conf")"
# mchain (1.0.0): multus (its delegate speaks 0.3.1) followed by tuning (a MAC of its own) and
# portmap; both get multus's result, in 1.0.0, as prevResult.
conflist "$W/net.d/mchain.conflist" 1.0.0 mchain \
	"$(multus "\"delegates\":[$(bridge 0.3.1 brchain pbr6 10.92.7.0/24)]")" \
	'{"type":"tuning","mac":"c2:00:00:00:00:42"}' \
	'{"type":"portmap","capabilities":{"portMappings":true}}'
# mnet2 (1.0.0): two bridges, the second auto-named with ifnamePrefix "net"; plain (0.4.0): a
# bridge network of podman's own kind, without multus.
conflist "$W/net.d/mnet2.conflist" 1.0.0 mnet2 \
	"$(multus "\"ifnamePrefix\":\"net\",\"delegates\":[$(bridge 1.0.0 brm2 pbr2 10.94.7.0/24),$(bridge 1.0.0 brm2b pbr3 10.95.7.0/24)]")"
conflist "$W/net.d/plain.conflist" 0.4.0 plain "$(bridge 0.4.0 plain pbr9 10.96.7.0/24)"
# mfail (1.0.0): the master works, the second delegate fails its ADD.
conflist "$W/net.d/mfail.conflist" 1.0.0 mfail \
	"$(multus "\"delegates\":[$(bridge 1.0.0 brfail pbr8 10.93.7.0/24),{\"cniVersion\":\"1.0.0\",\"name\":\"broken\",\"type\":\"fail\"}]")"

echo "# $(podman --version), $(runc --version | head -n1), $(conmon --version 2>&1 | head -n1)"

run() { # NAME NETWORK [ARGS...]: podman run -d; output in $W/run.out, status in RC
	n=$1 net=$2
	shift 2
	pm run -d --name "$n" --network "$net" "$@" --rootfs "$R" sleep 600 >"$W/run.out" 2>&1
	RC=$?
	for pid in $(pm inspect -f '{{.State.Pid}} {{.State.ConmonPid}}' "$n" 2>/dev/null); do
		[ "$pid" -gt 0 ] && echo "$pid $(cut -d' ' -f22 "/proc/$pid/stat")" >>"$W/pids"
	done 2>/dev/null
}
cid() { pm inspect -f '{{.Id}}' "$1"; }
# addr NAME IFNAME: the container's IPv4 address/prefix on IFNAME, as busybox ip shows it
addr() { pm exec "$1" ip -o -4 addr show dev "$2" | awk '{print $4}'; }
mac() { pm exec "$1" cat "/sys/class/net/$2/address"; }
has_addr() { [ "$(addr "$1" "$2")" = "$3" ]; }
entry() { echo "$W/store/$(cid "$1").json"; }
cache() { echo "/var/lib/cni/results/$2-$(cid "$1")-eth0"; }
leases() { ls "$W/ipam/$1" 2>/dev/null | grep -c '^[0-9.]*$'; }
ports() { ip -o link show master "$1" 2>/dev/null | wc -l; }
netns_of() { jq -r .netns "$1"; }
# same_result CACHE ENTRY: libcni's cached result and the master's result in our store agree
# (interfaces and ips; a 0.4.0 cache has ips[].version, the store speaks the delegate's version)
same_result() {
	a=$(jq -S -c '.result | {interfaces, ips: [.ips[] | del(.version)]}' "$1")
	b=$(jq -S -c '.attachments[] | select(.master) | .result | {interfaces, ips: [.ips[] | del(.version)]}' "$2")
	[ -n "$a" ] && [ "$a" = "$b" ] || { echo "cache: $a"; echo "store: $b"; false; }
}

# --- 1. Two networks on one container ------------------------------------------------------
run c1 mnet
check "podman run on a multus network succeeds" [ "$RC" -eq 0 ]
[ "$RC" -eq 0 ] || sed 's/^/#   /' "$W/run.out"
check "the container's eth0 has the master's address 10.88.7.2/24" has_addr c1 eth0 10.88.7.2/24
check "the container's eth1 has the macvlan's address 10.89.7.2/24" has_addr c1 eth1 10.89.7.2/24
check "podman inspect shows the master's IP, gateway and eth0's MAC" sh -c '
	[ "$1" = "10.88.7.2 24 10.88.7.1 $2" ]' sh \
	"$(pm inspect -f '{{.NetworkSettings.Networks.mnet.IPAddress}} {{.NetworkSettings.Networks.mnet.IPPrefixLen}} {{.NetworkSettings.Networks.mnet.Gateway}} {{.NetworkSettings.Networks.mnet.MacAddress}}' c1)" \
	"$(mac c1 eth0)"
E1=$(entry c1)
C1=$(cache c1 mnet)
check "our store has the entry, both attachments added, in podman's netns" sh -c '
	jq -e "[.attachments[] | .state] == [\"added\",\"added\"] and .netns == \"$2\"" "$1"' sh \
	"$E1" "$(pm inspect -f '{{.NetworkSettings.SandboxKey}}' c1)"
check "podman's CNI_ARGS (K8S_POD_NAME only) mean no pod" \
	jq -e '.podName == null and .podNamespace == null and .attachments[0].cniArgs == "IgnoreUnknown=1;K8S_POD_NAME=c1"' "$E1"
check "libcni's result cache and our store agree on the master's result" same_result "$C1" "$E1"
check "every interface with a sandbox in the cached result has a MAC" \
	jq -e '[.result.interfaces[] | select(.sandbox) | .mac | test("^[0-9a-f]{2}(:[0-9a-f]{2}){5}$")] | length > 0 and all' "$C1"

# --- 2. A second container ------------------------------------------------------------------
run c2 mnet
check "a second container on the same network" [ "$RC" -eq 0 ]
check "the second container has 10.88.7.3/24 and 10.89.7.3/24" sh -c '[ "$1 $2" = "10.88.7.3/24 10.89.7.3/24" ]' sh \
	"$(addr c2 eth0)" "$(addr c2 eth1)"
E2=$(entry c2)
NS1=$(netns_of "$E1")
check "two store entries, two leases per network, two bridge ports" sh -c '
	[ -f "$1" ] && [ -f "$2" ] && [ "$3 $4 $5" = "2 2 2" ]' sh "$E1" "$E2" \
	"$(leases brnet)" "$(leases mvnet)" "$(ports pbr0)"

# --- 3. podman stop: multus DEL -------------------------------------------------------------
pm stop -t 0 c1 >"$W/stop.out" 2>&1
check "podman stop succeeds" [ $? -eq 0 ]
check "stop: the store entry is gone" [ ! -e "$E1" ]
check "stop: the container's leases are released, the other's kept" sh -c '
	[ "$1 $2" = "1 1" ] && [ ! -e "$3/brnet/10.88.7.2" ] && [ -e "$3/brnet/10.88.7.3" ] && [ ! -e "$3/mvnet/10.89.7.2" ]' sh \
	"$(leases brnet)" "$(leases mvnet)" "$W/ipam"
check "stop: its veth is gone from the bridge, its netns from /run/netns" sh -c '
	[ "$1" -eq 1 ] && [ ! -e "$2" ]' sh "$(ports pbr0)" "$NS1"
check "stop: libcni's cached result is gone" [ ! -e "$C1" ]
check "stop: the other container keeps its interfaces and entry" sh -c '
	[ -f "$1" ] && [ "$2 $3" = "10.88.7.3/24 10.89.7.3/24" ]' sh "$E2" "$(addr c2 eth0)" "$(addr c2 eth1)"

# --- 4. podman start again: the same container id gets a fresh ADD --------------------------
pm start c1 >"$W/start.out" 2>&1
check "podman start of the stopped container succeeds" [ $? -eq 0 ]
check "start: eth0 and eth1 have addresses of their networks again" sh -c '
	case "$1 $2" in 10.88.7.*/24\ 10.89.7.*/24) true ;; *) false ;; esac' sh "$(addr c1 eth0)" "$(addr c1 eth1)"
check "start: the store entry is back, for the new netns" sh -c '
	[ -f "$1" ] && [ "$(jq -r .netns "$1")" = "$2" ] && [ "$2" != "$3" ]' sh \
	"$E1" "$(pm inspect -f '{{.NetworkSettings.SandboxKey}}' c1)" "$NS1"
check "start: libcni's result cache and our store agree" same_result "$C1" "$E1"

# --- 5. podman rm -f: DEL of both -----------------------------------------------------------
pm rm -f -t 0 c1 c2 >"$W/rm.out" 2>&1
check "podman rm -f of both succeeds" [ $? -eq 0 ]
check "rm: no store entry, lease, bridge port, macvlan or cached result left" sh -c '
	[ -z "$(ls "$1")" ] && [ "$2 $3 $4" = "0 0 0" ] && [ -z "$(ls /var/lib/cni/results)" ] &&
	[ -z "$(ip -o link show type macvlan)" ] && [ -z "$(ls /run/netns)" ]' sh \
	"$W/store" "$(leases brnet)" "$(leases mvnet)" "$(ports pbr0)"

# --- 6. A killed container: conmon's exit command (podman container cleanup) does the DEL ----
run k1 mnet
E=$(entry k1)
check "k1: runs with both networks" sh -c '[ "$1" -eq 0 ] && [ -f "$2" ]' sh "$RC" "$E"
pm kill k1 >/dev/null 2>&1
i=0
while [ -e "$E" ] && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
check "kill: the cleanup after the container died removed the store entry and leases" sh -c '
	[ ! -e "$1" ] && [ "$2 $3" = "0 0" ]' sh "$E" "$(leases brnet)" "$(leases mvnet)"
pm rm -f -t 0 k1 >/dev/null 2>&1

# --- 7. cniVersion 0.4.0, networks from confDir -----------------------------------------------
run c4 m04
check "0.4.0 conflist: podman run succeeds" [ "$RC" -eq 0 ]
[ "$RC" -eq 0 ] || sed 's/^/#   /' "$W/run.out"
check "0.4.0 conflist: eth0 10.90.7.2/24 (0.4.0 bridge), eth1 10.91.7.2/24 (1.0.0 bridge)" sh -c '
	[ "$1 $2" = "10.90.7.2/24 10.91.7.2/24" ]' sh "$(addr c4 eth0)" "$(addr c4 eth1)"
C4=$(cache c4 m04)
E4=/var/lib/cni/multus/$(cid c4).json
check "default cniDir: the entry in /var/lib/cni/multus, beside libcni's results/" sh -c '
	[ -f "$1" ] && [ "$(ls /var/lib/cni | tr "\n" " ")" = "multus results " ]' sh "$E4"
check "0.4.0 conflist: libcni cached a 0.4.0 result with ips[].version" \
	jq -e '.result.cniVersion == "0.4.0" and .result.ips[0].version == "4" and .result.ips[0].address == "10.90.7.2/24"' "$C4"
check "0.4.0 conflist: podman inspect shows the master's IP" \
	[ "$(pm inspect -f '{{.NetworkSettings.Networks.m04.IPAddress}}' c4)" = 10.90.7.2 ]
check "0.4.0 conflist: cache and store agree" same_result "$C4" "$E4"
pm rm -f -t 0 c4 >/dev/null 2>&1
check "0.4.0 conflist: rm leaves no entry and no lease" sh -c '
	[ ! -e "$1" ] && [ "$2 $3" = "0 0" ]' sh "$E4" "$(leases br04)" "$(leases br04b)"

# --- 8. multus followed by tuning and portmap (prevResult) ----------------------------------
run c6 mchain -p 18080:80
check "multus (a 0.3.1 delegate), tuning, portmap: podman run succeeds" [ "$RC" -eq 0 ]
[ "$RC" -eq 0 ] || sed 's/^/#   /' "$W/run.out"
check "tuning got multus's result: eth0 has tuning's MAC and the master's address" sh -c '
	[ "$1 $2" = "c2:00:00:00:00:42 10.92.7.2/24" ]' sh "$(mac c6 eth0)" "$(addr c6 eth0)"
check "podman inspect shows tuning's MAC and the master's IP" \
	[ "$(pm inspect -f '{{.NetworkSettings.Networks.mchain.MacAddress}} {{.NetworkSettings.Networks.mchain.IPAddress}}' c6)" = "c2:00:00:00:00:42 10.92.7.2" ]
check "portmap set up 18080 for the container's address" sh -c '
	nft list ruleset | grep -q "dport 18080" && nft list ruleset | grep -q "10.92.7.2"'
E6=$(entry c6)
CID6=$(cid c6)
pm rm -f -t 0 c6 >/dev/null 2>&1
check "chain: rm removes the entry, the lease and every rule of the container" sh -c '
	[ ! -e "$1" ] && [ "$(ls "$2/brchain" | grep -c "^[0-9.]*$")" -eq 0 ] &&
	! nft list ruleset | grep -q -e "dport 18080" -e "$3"' sh "$E6" "$W/ipam" "$CID6"

# --- 9. A failing delegate ------------------------------------------------------------------
run f1 mfail
check "a failing second delegate makes podman run fail" [ "$RC" -ne 0 ]
check "podman shows multus's error with the delegate's message" sh -c '
	grep -q "broken" "$1" && grep -q "injected failure from the fail delegate" "$1"' sh "$W/run.out"
sed 's/^/#   podman: /' "$W/run.out" | head -n 5
check "failed ADD: no store entry, no lease, no bridge port, no netns, no cached result" sh -c '
	[ -z "$(ls "$1")" ] && [ "$2 $3" = "0 0" ] && [ -z "$(ls /run/netns)" ] &&
	[ -z "$(ls /var/lib/cni/results)" ]' sh "$W/store" "$(leases brfail)" "$(ports pbr8)"
pm rm -f -t 0 f1 >"$W/rm.out" 2>&1
check "podman rm of the failed container succeeds (DEL of nothing)" [ $? -eq 0 ]

# --- 10. podman run --ip and --mac-address: the runtime's requests are for the master --------
run s1 mnet --ip 10.88.7.50 --mac-address 12:34:56:78:9a:bc
check "--ip and --mac-address on a network with a second attachment: podman run succeeds" [ "$RC" -eq 0 ]
[ "$RC" -eq 0 ] || sed 's/^/#   /' "$W/run.out"
check "--ip/--mac-address: eth0 has the requested address and MAC" sh -c '
	[ "$1 $2" = "10.88.7.50/24 12:34:56:78:9a:bc" ]' sh "$(addr s1 eth0)" "$(mac s1 eth0)"
check "--ip/--mac-address: eth1 has an address of its own subnet and a MAC of its own" sh -c '
	case "$1" in 10.89.7.*/24) [ "$2" != 12:34:56:78:9a:bc ] ;; *) false ;; esac' sh "$(addr s1 eth1)" "$(mac s1 eth1)"
check "--ip: podman inspect shows the requested IP" \
	[ "$(pm inspect -f '{{.NetworkSettings.Networks.mnet.IPAddress}}' s1)" = 10.88.7.50 ]
pm rm -f -t 0 s1 >/dev/null 2>&1
check "--ip: rm releases both leases" sh -c '[ "$1 $2" = "0 0" ]' sh "$(leases brnet)" "$(leases mvnet)"

# --- 11. Two networks of podman's: multus's and a plain one ---------------------------------
run d1 mnet2,plain
check "a multus network and a plain one: podman run succeeds" [ "$RC" -eq 0 ]
[ "$RC" -eq 0 ] || sed 's/^/#   /' "$W/run.out"
pm exec d1 ip -o -4 addr >"$W/d1.addr" 2>&1
check "multus's two attachments (eth0/eth1 and net1) and the plain network's address" sh -c '
	a=$(awk "{print \$2, \$4}" "$1" | sort | tr "\n" " ")
	case "$a" in
	"eth0 10.94.7.2/24 eth1 10.96.7.2/24 lo 127.0.0.1/8 net1 10.95.7.2/24 " | \
	"eth0 10.96.7.2/24 eth1 10.94.7.2/24 lo 127.0.0.1/8 net1 10.95.7.2/24 ") true ;;
	*) echo "$a"; false ;;
	esac' sh "$W/d1.addr"
check "podman inspect shows both networks' IPs" [ "$(pm inspect -f \
	'{{.NetworkSettings.Networks.mnet2.IPAddress}} {{.NetworkSettings.Networks.plain.IPAddress}}' d1)" = "10.94.7.2 10.96.7.2" ]
pm rm -f -t 0 d1 >/dev/null 2>&1
check "rm: both networks torn down (no entry, no lease, no bridge port)" sh -c '
	[ -z "$(ls "$1")" ] && [ "$2 $3 $4 $5" = "0 0 0 0" ]' sh "$W/store" \
	"$(leases brm2)" "$(leases brm2b)" "$(leases plain)" "$(ports pbr9)"

# --- 12. Two multus networks on one container: the store keeps one per container -----------
run d2 mnet2,mchain
check "two multus networks on one container: podman run fails" [ "$RC" -ne 0 ]
check "two multus networks: podman shows multus's refusal naming both" sh -c '
	grep -q "already has multus network" "$1" && grep -q "mnet2" "$1" && grep -q "mchain" "$1"' sh "$W/run.out"
sed 's/^/#   podman: /' "$W/run.out" | grep Error
check "two multus networks: nothing left (no entry, no lease, no netns)" sh -c '
	[ -z "$(ls "$1")" ] && [ "$2 $3 $4" = "0 0 0" ] && [ -z "$(ls /run/netns)" ]' sh "$W/store" \
	"$(leases brm2)" "$(leases brm2b)" "$(leases brchain)"
pm rm -f -t 0 d2 >/dev/null 2>&1

# --- 13. podman network connect / disconnect: multus hot-plugged on eth1 --------------------
run h1 plain
H0=$(addr h1 eth0)
check "h1: runs on the plain network" sh -c '[ "$1" -eq 0 ] && case "$2" in 10.96.7.*/24) true ;; *) false ;; esac' sh "$RC" "$H0"
pm network connect mnet2 h1 >"$W/conn.out" 2>&1
check "podman network connect of the multus network succeeds" [ $? -eq 0 ]
sed 's/^/#   /' "$W/conn.out"
EH=$(entry h1)
check "connect: the master on podman's eth1, the second on net1, eth0 untouched" sh -c '
	case "$1 $2 $3" in "$4 "10.94.7.*/24\ 10.95.7.*/24) true ;; *) echo "$*"; false ;; esac' sh \
	"$(addr h1 eth0)" "$(addr h1 eth1)" "$(addr h1 net1)" "$H0"
check "connect: the store entry is for CNI_IFNAME eth1" \
	jq -e '.ifname == "eth1" and [.attachments[].ifname] == ["eth1","net1"]' "$EH"
check "connect: libcni cached the result under eth1, and it agrees with our store" \
	same_result "/var/lib/cni/results/mnet2-$(cid h1)-eth1" "$EH"
pm network disconnect mnet2 h1 >"$W/conn.out" 2>&1
check "podman network disconnect succeeds" [ $? -eq 0 ]
sed 's/^/#   /' "$W/conn.out"
check "disconnect: entry, leases, eth1 and net1 gone; the plain network kept" sh -c '
	[ ! -e "$1" ] && [ "$2 $3 $4" = "0 0 1" ] && [ "$5" = "$7" ] && [ -z "$6" ]' sh \
	"$EH" "$(leases brm2)" "$(leases brm2b)" "$(leases plain)" "$(addr h1 eth0)" \
	"$(pm exec h1 ip -o link show | grep -e " eth1" -e " net1")" "$H0"
pm network connect mnet h1 >"$W/conn.out" 2>&1
check "connect of mnet: the master on eth1, the second auto-named eth2 (eth0 and eth1 taken)" sh -c '
	[ "$1" -eq 0 ] && case "$2 $3" in 10.88.7.*/24\ 10.89.7.*/24) true ;; *) echo "$*"; false ;; esac' sh \
	$? "$(addr h1 eth1)" "$(addr h1 eth2)"
pm rm -f -t 0 h1 >/dev/null 2>&1
check "rm after a connect: no entry, no lease left" sh -c '
	[ -z "$(ls "$1")" ] && [ "$2 $3 $4" = "0 0 0" ]' sh "$W/store" "$(leases brnet)" "$(leases mvnet)" "$(leases plain)"

# --- 14. podman run --rm in the foreground --------------------------------------------------
pm run --rm --name r1 --network mnet --rootfs "$R" ip -o -4 addr >"$W/r1.out" 2>&1
check "podman run --rm: the command sees eth0 and eth1 on their subnets" sh -c '
	[ "$1" -eq 0 ] && grep -q "eth0 *inet 10\.88\.7\.[0-9]*/24" "$2" && grep -q "eth1 *inet 10\.89\.7\.[0-9]*/24" "$2"' sh \
	$? "$W/r1.out"
check "podman run --rm: once it returns, no entry, lease, netns or cached result is left" sh -c '
	[ -z "$(ls "$1")" ] && [ "$2 $3" = "0 0" ] && [ -z "$(ls /run/netns)" ] && [ -z "$(ls /var/lib/cni/results)" ]' sh \
	"$W/store" "$(leases brnet)" "$(leases mvnet)"

# --- 15. As after a reboot: our entry and the leases survive, the netns does not -------------
run b1 mnet
EB=$(entry b1)
NSB=$(netns_of "$EB")
mkdir -p "$W/saved"
cp -p "$EB" "$W/saved/entry" && cp -p "$W/ipam/brnet/$(addr b1 eth0 | cut -d/ -f1)" "$W/saved/brnet" &&
	cp -p "$W/ipam/mvnet/$(addr b1 eth1 | cut -d/ -f1)" "$W/saved/mvnet"
OLD0=$(addr b1 eth0 | cut -d/ -f1) OLD1=$(addr b1 eth1 | cut -d/ -f1)
pm stop -t 0 b1 >/dev/null 2>&1
cp -p "$W/saved/entry" "$EB" && cp -p "$W/saved/brnet" "$W/ipam/brnet/$OLD0" &&
	cp -p "$W/saved/mvnet" "$W/ipam/mvnet/$OLD1"
check "reboot: the stale entry names a netns that is gone, its leases are held" sh -c '
	[ -f "$1" ] && [ ! -e "$2" ] && [ "$3 $4" = "1 1" ]' sh "$EB" "$NSB" "$(leases brnet)" "$(leases mvnet)"
pm start b1 >"$W/start.out" 2>&1
check "reboot: podman start of the container succeeds over the stale entry" [ $? -eq 0 ]
sed 's/^/#   /' "$W/start.out" | grep -i error
check "reboot: the stale leases were released, one lease per network for the new ADD" sh -c '
	[ "$1 $2" = "1 1" ] && [ ! -e "$3/brnet/$4" ] && [ ! -e "$3/mvnet/$5" ]' sh \
	"$(leases brnet)" "$(leases mvnet)" "$W/ipam" "$OLD0" "$OLD1"
check "reboot: the entry is the new ADD's, in podman's new netns" sh -c '
	[ "$(jq -r .netns "$1")" = "$2" ] && [ "$2" != "$3" ] && [ -e "$2" ]' sh \
	"$EB" "$(pm inspect -f '{{.NetworkSettings.SandboxKey}}' b1)" "$NSB"
pm rm -f -t 0 b1 >/dev/null 2>&1
check "reboot: rm leaves nothing" sh -c '[ -z "$(ls "$1")" ] && [ "$2 $3" = "0 0" ]' sh \
	"$W/store" "$(leases brnet)" "$(leases mvnet)"

# --- 16. A pod: its infra container (an image imported from our rootfs) holds the networks --
tar -C "$R" -cf "$W/rootfs.tar" . && pm import -q "$W/rootfs.tar" localhost/multus-bb:1 >/dev/null &&
	pm pod create --name p1 --network mnet --infra-image localhost/multus-bb:1 \
		--infra-command "sleep 600" --infra-name p1-infra >/dev/null 2>"$W/pod.out" &&
	pm pod start p1 >/dev/null 2>>"$W/pod.out" &&
	pm run -d --pod p1 --name p1-app localhost/multus-bb:1 sleep 600 >/dev/null 2>>"$W/pod.out"
check "podman pod on the multus network: import, pod create, start and an app container" [ $? -eq 0 ]
sed 's/^/#   /' "$W/pod.out"
for n in p1-infra p1-app; do
	for pid in $(pm inspect -f '{{.State.Pid}} {{.State.ConmonPid}}' "$n" 2>/dev/null); do
		[ "$pid" -gt 0 ] && echo "$pid $(cut -d' ' -f22 "/proc/$pid/stat")" >>"$W/pids"
	done 2>/dev/null
done
EP=$(entry p1-infra)
check "pod: the app container sees the infra's eth0 and eth1" sh -c '
	case "$1 $2" in 10.88.7.*/24\ 10.89.7.*/24) true ;; *) echo "$*"; false ;; esac' sh \
	"$(addr p1-app eth0)" "$(addr p1-app eth1)"
check "pod: one store entry, the infra container's; podman's K8S_POD_NAME is the pod's name" sh -c '
	ls "$1"; jq -c "[.containerID, .attachments[].cniArgs]" "$2"
	[ "$(ls "$1" | grep -c "\.json$")" -eq 1 ] &&
	jq -e "[.attachments[].cniArgs] == [\"IgnoreUnknown=1;K8S_POD_NAME=p1\",\"IgnoreUnknown=1;K8S_POD_NAME=p1\"] and .podName == null" "$2"' sh \
	"$W/store" "$EP"
pm stop -t 0 p1-app >/dev/null 2>&1
check "pod: stopping the app container leaves the pod's networks alone" sh -c '
	[ -f "$1" ] && [ "$2 $3" = "1 1" ]' sh "$EP" "$(leases brnet)" "$(leases mvnet)"
pm pod rm -f -t 0 p1 >/dev/null 2>&1
check "pod rm: no entry, no lease, no netns left" sh -c '
	[ -z "$(ls "$1")" ] && [ "$2 $3" = "0 0" ] && [ -z "$(ls /run/netns)" ]' sh \
	"$W/store" "$(leases brnet)" "$(leases mvnet)"

check "multus logged no error but the failures asked for" sh -c '
	! grep " error " "$1" | grep -v -e "network \"broken\"" -e "ADD failed at network broken" -e "already has multus network"' sh "$W/multus.log"
