# Helpers of tests/runtime/containerd_test.sh, sourced inside its private namespaces with
# SRC, W, MULTUS and CTRD_TEST_CG set. Layout under $W:
#   containerd.sock, config.toml, root/, state/, opt/   containerd's own
#   cnibin/     the CRI's bin_dir: multus (as `multus install` copies it) and /usr/lib/cni's
#   net.d/      the CRI's conf_dir: 10-k8s.conflist (the primary), 00-multus.conflist and
#               multus.d/multus.kubeconfig (both written by `multus install --once`)
#   api/        the test API server's state (pods, NADs, events.log)
#   multus.log  multus's log (debug)
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

API=$W/api
APIPID= CTRDPID=
STORE=/var/lib/cni/multus
cri() { /usr/bin/python3 "$SRC/tests/runtime/cri.py" --socket "$W/containerd.sock" --timeout 60 "$@"; }

# ctrd_start [CNI_VERSION]: containerd in the background (log appended to
# $W/containerd.log), then waits up to 15 s for its CRI to answer with multus's network loaded
# (in that cniVersion, 1.0.0 unless given).
ctrd_start() {
	containerd --config "$W/config.toml" >>"$W/containerd.log" 2>&1 &
	CTRDPID=$!
	_i=0
	while [ $_i -lt 150 ]; do
		cri --timeout 2 status >"$W/status.json" 2>/dev/null &&
			jq -e --arg v "${1:-1.0.0}" '.lastCNILoadStatus == "OK" and
				([.cniconfig.Networks[].Config | select(.Name == "multus-cni-network") |
				  .CNIVersion] == [$v])' "$W/status.json" >/dev/null && return 0
		kill -0 "$CTRDPID" 2>/dev/null || return 1
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}
# ctrd_kill [SIGNAL]: containerd only (its shims and the sandboxes keep running), as a crash.
ctrd_kill() {
	[ -n "$CTRDPID" ] || return 0
	kill -"${1:-KILL}" "$CTRDPID" 2>/dev/null
	wait "$CTRDPID" 2>/dev/null
	CTRDPID=
}
cleanup() {
	if [ -n "$CTRDPID" ]; then
		for id in $(cri --timeout 20 ls 2>/dev/null | jq -r .id); do
			cri --timeout 20 stop "$id" >/dev/null 2>&1
			cri --timeout 20 rm "$id" >/dev/null 2>&1
		done
		ctrd_kill TERM
	fi
	if [ -n "$APIPID" ]; then
		kill "$APIPID" 2>/dev/null
		wait "$APIPID" 2>/dev/null
		APIPID=
	fi
}

# pod_obj NS NAME UID ANNOTATIONS_JSON: the pod object in the test API server.
pod_obj() {
	mkdir -p "$API/objects/pods/$1"
	jq -n --arg u "$3" --argjson a "$4" '{metadata: {uid: $u, resourceVersion: "7", annotations: $a}}' \
		>"$API/objects/pods/$1/.$2.tmp" && mv "$API/objects/pods/$1/.$2.tmp" "$API/objects/pods/$1/$2.json"
}
# nad NS NAME CONFIG_JSON
nad() {
	mkdir -p "$API/objects/nads/$1"
	jq -n --arg c "$3" '{spec: {config: $c}}' >"$API/objects/nads/$1/.$2.tmp" &&
		mv "$API/objects/nads/$1/.$2.tmp" "$API/objects/nads/$1/$2.json"
}
# run_pod NS NAME UID [PORT_MAPPINGS_JSON]: RunPodSandbox as the kubelet asks for it (its
# labels, log directory and a cgroup parent per pod); the id in ID, the status in RC, the
# client's stderr in $W/run.err (or $RUN_ERR).
run_pod() {
	jq -n --arg ns "$1" --arg n "$2" --arg u "$3" --argjson pm "${4:-[]}" \
		--arg logs "$W/logs/$1_$2_$3" --arg cg "/$CTRD_TEST_CG/pod$3" '{
		name: $n, namespace: $ns, uid: $u, attempt: 0, hostname: $n, log_directory: $logs,
		cgroup_parent: $cg, port_mappings: $pm,
		labels: {"io.kubernetes.pod.name": $n, "io.kubernetes.pod.namespace": $ns,
			 "io.kubernetes.pod.uid": $u},
		annotations: {"kubernetes.io/config.source": "api"}}' >"$W/spec.$2.json"
	mkdir -p "$W/logs/$1_$2_$3"
	ID=$(cri run <"$W/spec.$2.json" 2>"${RUN_ERR:-$W/run.err}")
	RC=$?
}
# netns_of ID: the sandbox's network namespace, from its runtime spec (verbose status).
netns_of() {
	cri inspect "$1" | jq -r '.info.info.runtimeSpec.linux.namespaces[] | select(.type == "network") | .path'
}
sandbox_ip() { cri inspect "$1" | jq -r .network.ip; }
# addr_in NETNS IFNAME: the IPv4 address/prefix of IFNAME there
addr_in() { nsenter --net="$1" ip -o -4 addr show dev "$2" 2>/dev/null | awk '{print $4}'; }
entry() { echo "$STORE/$1.json"; }
results() { echo "/var/lib/cni/results/multus-cni-network-$1-eth0"; }
leases() { ls "/var/lib/cni/networks/$1" 2>/dev/null | grep -c '^[0-9.]*$'; }
ports() { ip -o link show master "$1" 2>/dev/null | wc -l; }
# nothing_left: no store entry, lease (of any network), veth (but our macvlan parent's),
# macvlan, netns, cached result or sandbox
nothing_left() {
	_e=$(ls "$STORE" 2>/dev/null) _r=$(ls /var/lib/cni/results 2>/dev/null) _ns=$(ls /run/netns)
	_l=$(cd /var/lib/cni/networks 2>/dev/null && ls -d -- */[0-9]*)
	_p=$(ip -o link show type veth | grep -v -e ' mvp0@' -e ' mvp0p@')
	_m=$(ip -o link show type macvlan) _s=$(cri ls)
	[ -z "$_e$_r$_ns$_l$_p$_m$_s" ] || {
		printf 'store: %s\nresults: %s\nnetns: %s\nleases: %s\nveths: %s\nmacvlan: %s\nsandboxes: %s\n' \
			"$_e" "$_r" "$_ns" "$_l" "$_p" "$_m" "$_s"
		false
	}
}
# swap_config FILE TEXT [CNI_VERSION]: containerd stopped (no sandbox runs), the conf dir's
# configs replaced by FILE, containerd started again with multus's config of CNI_VERSION.
swap_config() {
	ctrd_kill TERM
	rm -f "$W"/net.d/*.conf "$W"/net.d/*.conflist
	printf '%s\n' "$2" >"$W/net.d/$1"
	[ "${1#00-multus}" != "$1" ] || install_multus_once >>"$W/setup.out" 2>&1 || return 1
	ctrd_start "${3:-1.0.0}"
}

# setup_all: the image, the API server and its objects, the primary config, `multus install`,
# containerd. Output in $W/setup.out; false (and a "not ok") on the first step that fails.
setup_all() {
	_step() {
		_d=$1
		shift
		"$@" >>"$W/setup.out" 2>&1 || {
			not_ok "setup: $_d"
			return 1
		}
	}
	mkdir -p "$W/cnibin" "$W/net.d" "$W/root" "$W/state" "$W/opt" "$W/logs" "$API/objects/pods" \
		"$API/objects/nads"
	_step "a sandbox image from busybox-static, imported later" make_image &&
		_step "the test API server starts" api_start &&
		_step "the primary config and the NADs" write_configs &&
		_step "multus install --once writes 00-multus.conflist and the kubeconfig" install_multus &&
		_step "containerd starts, its CRI loads multus's config" ctrd_start &&
		_step "ctr imports the sandbox image into k8s.io" \
			ctr --address "$W/containerd.sock" -n k8s.io images import --snapshotter "$SNAP" \
			"$W/pause.tar"
}
make_image() {
	R=$W/rootfs
	mkdir -p "$R/bin" "$R/etc" "$R/proc" "$R/sys" "$R/dev" "$R/tmp"
	cp /bin/busybox "$R/bin/busybox" || return 1
	for a in sh ip sleep cat; do ln -s busybox "$R/bin/$a"; done
	echo 'root:x:0:0:root:/:/bin/sh' >"$R/etc/passwd"
	echo 'root:x:0:' >"$R/etc/group"
	/usr/bin/python3 "$SRC/tests/runtime/ociarchive.py" "$W/pause.tar" localhost/multus-pause:1 \
		"$R" /bin/sleep 2147483647
}
api_start() {
	/usr/bin/python3 "$SRC/tests/k8s/apiserver.py" --dir "$API" --max-seconds 300 2>>"$W/api.err" &
	APIPID=$!
	_i=0
	while [ ! -e "$API/ready" ] && [ $_i -lt 300 ]; do sleep 0.05; _i=$((_i + 1)); done
	[ -e "$API/ready" ]
}
write_configs() {
	# A parent for macvlan: one end of a veth pair of ours.
	ip link add mvp0 type veth peer name mvp0p && ip link set mvp0 up && ip link set mvp0p up ||
		return 1
	# The primary, as a node's network add-on leaves it: bridge and portmap.
	cat >"$W/net.d/10-k8s.conflist" <<-EOF
		{"cniVersion": "1.0.0", "name": "k8s-pod-network", "plugins": [
		 {"type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": true,
		  "ipam": {"type": "host-local", "subnet": "10.60.0.0/24"}},
		 {"type": "portmap", "capabilities": {"portMappings": true}}]}
	EOF
	nad default macnet '{"cniVersion":"1.0.0","type":"macvlan","master":"mvp0","mode":"bridge","ipam":{"type":"host-local","subnet":"10.61.0.0/24"}}' &&
		nad default brnet '{"cniVersion":"0.4.0","type":"bridge","bridge":"br-sec","ipam":{"type":"host-local","subnet":"10.62.0.0/24"}}' &&
		nad default broken '{"cniVersion":"1.0.0","type":"nosuchplugin"}' &&
		nad default nomaster '{"cniVersion":"1.0.0","type":"macvlan","master":"no-such-link","ipam":{"type":"host-local","subnet":"10.63.0.0/24"}}' &&
		for p in /usr/lib/cni/*; do ln -s "$p" "$W/cnibin/" || return 1; done
	# overlayfs where the test dir's file system takes it (not on an overlay itself), else
	# the native snapshotter (plain copies). CTRD_TEST_SNAPSHOTTER=native forces it.
	SNAP=native
	[ -n "${CTRD_TEST_SNAPSHOTTER:-}" ] || mkdir -p "$W/ovl/l" "$W/ovl/u" "$W/ovl/w" "$W/ovl/m" &&
		mount -t overlay overlay -o "lowerdir=$W/ovl/l,upperdir=$W/ovl/u,workdir=$W/ovl/w" \
			"$W/ovl/m" 2>/dev/null && umount "$W/ovl/m" && SNAP=overlayfs
	rm -rf "$W/ovl"
	echo "snapshotter: $SNAP"
	cat >"$W/config.toml" <<-EOF
		version = 2
		root = "$W/root"
		state = "$W/state"
		disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
		  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs"]
		[grpc]
		  address = "$W/containerd.sock"
		[ttrpc]
		  address = "$W/containerd.sock.ttrpc"
		[debug]
		  level = "debug"
		[plugins."io.containerd.internal.v1.opt"]
		  path = "$W/opt"
		[plugins."io.containerd.grpc.v1.cri"]
		  sandbox_image = "localhost/multus-pause:1"
		  stream_server_address = "127.0.0.1"
		  stream_server_port = "0"
		  disable_apparmor = true
		  # no CAP_SYS_RESOURCE here: the sandbox's oom_score_adj may not go below ours
		  restrict_oom_score_adj = true
		  [plugins."io.containerd.grpc.v1.cri".containerd]
		    snapshotter = "$SNAP"
		    default_runtime_name = "runc"
		    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
		      runtime_type = "io.containerd.runc.v2"
		      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
		        SystemdCgroup = false
		  [plugins."io.containerd.grpc.v1.cri".cni]
		    bin_dir = "$W/cnibin"
		    conf_dir = "$W/net.d"
		    max_conf_num = 1
	EOF
}
install_multus_once() {
	KUBERNETES_SERVICE_HOST=127.0.0.1 KUBERNETES_SERVICE_PORT=$(cat "$API/port") \
		"$MULTUS" install --once --cni-bin-dir "$W/cnibin" --cni-conf-dir "$W/net.d" \
		--multus-conf-file=auto --host-conf-dir "$W/net.d" --token-file "$API/token" \
		--ca-file "$API/ca.crt" --multus-log-file "$W/multus.log" --multus-log-level debug
}
install_multus() {
	install_multus_once &&
		jq -e '.plugins[0].type == "multus" and .plugins[0].capabilities.portMappings == true' \
			"$W/net.d/00-multus.conflist"
}
