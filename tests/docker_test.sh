#!/bin/sh
# `make docker-build` as CI runs it, and the image proved as a node would use it (README,
# "Deployment"; PRODUCT.md section 8):
#   - a docker engine: the machine's, or Debian's docker.io started here (data under a fresh
#     /tmp directory, no bridge, no iptables/nftables rules, its own socket), stopped at the end;
#   - the debian:12 and debian:12-slim base images, when the engine has none, made from
#     Debian's packages with debootstrap (no registry needed); the tarball is kept in
#     /var/cache/multus-ci between runs;
#   - make docker-build, its apt through the host network; the image's multus reports make's
#     VERSION;
#   - the container's `multus install --multus-conf-file=auto --once` with a fake node's
#     directories mounted;
#   - the installed binary in a chroot that holds only glibc (and the reference plugins, which
#     need only glibc): VERSION, and a real ADD/DEL in a network namespace of its own.
# Root only (skipped otherwise, failed under CI=true). Closes with "docker: N passed, N failed".
set -u
cd "$(dirname "$0")/.."
SRC=$PWD
_pass=0 _fail=0
ok() { _pass=$((_pass + 1)); echo "ok - $*"; }
not_ok() { _fail=$((_fail + 1)); echo "not ok - $*"; }
check() {
	d=$1
	shift
	if "$@" >"$W/check.out" 2>&1; then ok "$d"; else not_ok "$d"; sed 's/^/#   /' "$W/check.out" | tail -n 20; fi
}
finish() {
	echo "docker: $_pass passed, $_fail failed"
	[ "$_fail" -eq 0 ]
	exit $?
}
if [ "$(id -u)" -ne 0 ]; then
	if [ "${CI:-}" = true ]; then _fail=1; echo "not ok - docker check needs root"; else echo "skip - docker check (needs root)"; fi
	echo "docker: $_pass passed, $_fail failed"
	[ "$_fail" -eq 0 ]
	exit $?
fi
W=$(mktemp -d /tmp/multus-docker.XXXXXX)
DPID=
cleanup() {
	if [ -n "$DPID" ]; then
		kill "$DPID" 2>/dev/null
		wait "$DPID" 2>/dev/null
	fi
	# Whatever the engine left mounted under our directory, then the directory.
	grep -o " $W[^ ]*" /proc/self/mounts | sort -r | while read -r m; do umount -l "$m"; done
	rm -rf "$W"
}
trap cleanup EXIT
CACHE=/var/cache/multus-ci
TARBALL=$CACHE/debian-12-minbase.tar
VERSION=$(sed -n 's/^VERSION ?= *//p' Makefile)
IMAGE=multus:$VERSION
apt_install() { DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >>"$W/apt.log" 2>&1; }

# --- The engine ----------------------------------------------------------------------------
if ! timeout 20 docker info >/dev/null 2>&1; then
	command -v dockerd >/dev/null || apt_install docker.io
	if ! command -v dockerd >/dev/null; then
		not_ok "docker.io installs"
		tail -n 20 "$W/apt.log"
		finish
	fi
	# No bridge and no firewall rules: the builds and containers below use the host's
	# network or none, and the machine's own links and tables are never touched.
	dockerd --data-root "$W/data" --exec-root "$W/exec" --pidfile "$W/dockerd.pid" \
		-H "unix://$W/docker.sock" --bridge=none --iptables=false --ip6tables=false \
		--ip-masq=false >"$W/dockerd.log" 2>&1 &
	DPID=$!
	export DOCKER_HOST="unix://$W/docker.sock"
	i=0
	while ! docker info >/dev/null 2>&1 && [ $i -lt 120 ]; do sleep 0.5; i=$((i + 1)); done
fi
check "a docker engine answers" docker info
[ "$_fail" -eq 0 ] || { tail -n 20 "$W/dockerd.log" 2>/dev/null; finish; }

# --- debian:12 and debian:12-slim from Debian's packages -------------------------------------
if ! docker image inspect debian:12 >/dev/null 2>&1 || ! docker image inspect debian:12-slim >/dev/null 2>&1; then
	if [ ! -s "$TARBALL" ]; then
		command -v debootstrap >/dev/null || apt_install debootstrap
		# The mirror the machine's apt uses.
		mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n1)
		[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list 2>/dev/null)
		start=$(date +%s)
		if timeout 900 debootstrap --variant=minbase bookworm "$W/rootfs" "${mirror:-http://deb.debian.org/debian}" >"$W/debootstrap.log" 2>&1; then
			rm -rf "$W/rootfs/var/cache/apt/archives/"*.deb "$W/rootfs/var/lib/apt/lists/"*
			mkdir -p "$CACHE"
			tar --numeric-owner -C "$W/rootfs" -cf "$TARBALL.tmp" . && mv "$TARBALL.tmp" "$TARBALL"
			echo "# debootstrap: $(($(date +%s) - start)) s, kept in $TARBALL"
		fi
		rm -rf "$W/rootfs"
	fi
	check "the debootstrap tarball of Debian 12 exists" test -s "$TARBALL"
	[ "$_fail" -eq 0 ] || { tail -n 20 "$W/debootstrap.log"; finish; }
	docker import "$TARBALL" debian:12 >/dev/null && docker tag debian:12 debian:12-slim
fi
check "the engine has debian:12 and debian:12-slim" sh -c \
	"docker image inspect debian:12 >/dev/null && docker image inspect debian:12-slim >/dev/null"

# --- make docker-build ------------------------------------------------------------------------
start=$(date +%s)
DOCKER_BUILDKIT=0 timeout 1200 make -s docker-build DOCKER_BUILD_FLAGS=--network=host >"$W/build.log" 2>&1
rc=$?
echo "# make docker-build: $(($(date +%s) - start)) s"
check "make docker-build succeeds" sh -c "[ $rc -eq 0 ] || { tail -n 30 '$W/build.log'; false; }"
docker run --rm --network=none "$IMAGE" /usr/bin/multus --version >"$W/version" 2>&1
check "the image's multus reports make's VERSION ($VERSION)" grep -q "^multus $VERSION " "$W/version"

# --- The container's install, into a fake node's directories ----------------------------------
H=$W/node
mkdir -p "$H/opt/cni/bin" "$H/etc/cni/net.d" "$W/sa"
printf 'eyJhbGciOiJSUzI1NiJ9.image-token.sig\n' >"$W/sa/token"
printf -- '-----BEGIN CERTIFICATE-----\nMIIBfakeCAfakeCA==\n-----END CERTIFICATE-----\n' >"$W/sa/ca.crt"
printf '{"cniVersion":"1.0.0","name":"podnet","plugins":[{"type":"bridge","bridge":"cni0","isGateway":true,"ipam":{"type":"host-local","subnet":"10.66.0.0/24"}}]}\n' \
	>"$H/etc/cni/net.d/10-podnet.conflist"
docker run --rm --network=none -e KUBERNETES_SERVICE_HOST=10.96.0.1 -e KUBERNETES_SERVICE_PORT=443 \
	-v "$H/opt/cni/bin:/host/opt/cni/bin" -v "$H/etc/cni/net.d:/host/etc/cni/net.d" \
	-v "$W/sa:/var/run/secrets/kubernetes.io/serviceaccount:ro" \
	"$IMAGE" /usr/bin/multus install --multus-conf-file=auto --once >"$W/install.out" 2>&1
rc=$?
check "the container's multus install --once exits 0" sh -c "[ $rc -eq 0 ] || { cat '$W/install.out'; false; }"
check "it installed multus and multus.libs/" sh -c "[ -x '$H/opt/cni/bin/multus' ] && ls '$H/opt/cni/bin/multus.libs' | grep -q '^libmnl'"
check "it wrote the kubeconfig and 00-multus.conflist wrapping the node's primary" jq -e \
	'.plugins[0].type == "multus" and .plugins[0].kubeconfig == "/etc/cni/net.d/multus.d/multus.kubeconfig" and .plugins[0].delegates[0].name == "podnet"' \
	"$H/etc/cni/net.d/00-multus.conflist"
check "the kubeconfig is 0600 with the token" sh -c \
	"[ \$(stat -c %a '$H/etc/cni/net.d/multus.d/multus.kubeconfig') = 600 ] && grep -q image-token '$H/etc/cni/net.d/multus.d/multus.kubeconfig'"

# --- Upstream's DaemonSet with only its image changed: its init container and entrypoint -------
U=$W/upnode
mkdir -p "$U/opt/cni/bin" "$U/etc/cni/net.d"
cp "$H/etc/cni/net.d/10-podnet.conflist" "$U/etc/cni/net.d/"
docker run --rm --network=none -v "$U/opt/cni/bin:/host/opt/cni/bin" "$IMAGE" \
	/install_multus --type thin >"$W/up-init.out" 2>&1
rc=$?
check "upstream's init container, /install_multus --type thin: exit 0, multus and multus.libs/ copied, nothing else" sh -c \
	"[ $rc -eq 0 ] && [ -x '$U/opt/cni/bin/multus' ] && ls '$U/opt/cni/bin/multus.libs' | grep -q '^libmnl' && [ -z \"\$(ls -A '$U/etc/cni/net.d' | grep -v 10-podnet)\" ] || { cat '$W/up-init.out'; false; }"
docker run --rm --network=none -e KUBERNETES_SERVICE_HOST=10.96.0.1 -e KUBERNETES_SERVICE_PORT=443 \
	-v "$U/opt/cni/bin:/host/opt/cni/bin" -v "$U/etc/cni/net.d:/host/etc/cni/net.d" \
	-v "$W/sa:/var/run/secrets/kubernetes.io/serviceaccount:ro" \
	"$IMAGE" /thin_entrypoint --multus-conf-file=auto --multus-autoconfig-dir=/host/etc/cni/net.d \
	--cni-conf-dir=/host/etc/cni/net.d --skip-multus-binary-copy=true --once >"$W/up-thin.out" 2>&1
rc=$?
check "upstream's /thin_entrypoint with its DaemonSet's flags: 00-multus.conflist wrapping the primary" sh -c \
	"[ $rc -eq 0 ] && jq -e '.plugins[0].type == \"multus\" and .plugins[0].delegates[0].name == \"podnet\"' '$U/etc/cni/net.d/00-multus.conflist' || { cat '$W/up-thin.out'; false; }"

# --- The installed binary on a node with nothing but glibc ------------------------------------
R=$W/chroot
mkdir -p "$R/opt/cni" "$R/etc/cni" "$R/proc" "$R/run/netns" "$R/tmp"
# glibc's shared objects as Debian's libc6 ships them, in the directories they really are in
# (Debian 12 merges /lib into /usr/lib: the same symlinks in the chroot).
for l in lib lib64; do [ -L "/$l" ] && ln -s "$(readlink "/$l")" "$R/$l"; done
for f in $(dpkg -L libc6 | grep -E '/[^/]*\.so(\.[0-9]+)*$'); do
	[ -f "$f" ] || [ -L "$f" ] || continue
	d=$(readlink -f "$(dirname "$f")")
	mkdir -p "$R$d" && cp -a "$d/$(basename "$f")" "$R$d/"
done
cp -a "$H/opt/cni/bin" "$R/opt/cni/bin"
cp -a "$H/etc/cni/net.d" "$R/etc/cni/net.d"
# The delegates: Debian's reference plugins need only glibc too.
cp /usr/lib/cni/bridge /usr/lib/cni/host-local /usr/lib/cni/loopback "$R/opt/cni/bin/"
check "the chroot's libraries are glibc's and the install's only" sh -c \
	"find '$R' -name '*.so*' ! -path '$R/opt/cni/bin/multus.libs/*' | sed 's|^$R||' | while read -r f; do { dpkg -S \"\$f\" || dpkg -S \"\${f#/usr}\"; } 2>/dev/null | grep -q '^libc6:' || { echo \"not glibc: \$f\"; exit 1; }; done"
# The same binary without its multus.libs beside it does not start there: the chroot has none
# of the libraries, the install's copies are what make it run.
cp "$H/opt/cni/bin/multus" "$R/tmp/multus-bare"
check "in the chroot, the binary without its multus.libs does not start (nothing but glibc there)" \
	sh -c "! chroot '$R' /tmp/multus-bare --version"
jq -c '.plugins[0] + {name, cniVersion}' "$R/etc/cni/net.d/00-multus.conflist" >"$R/tmp/stdin.json"
# A mount and network namespace of our own: proc for the chroot, the pod's netns, the bridge.
unshare -m -n sh -c '
	R=$1
	mount --make-rprivate / && mount -t proc proc "$R/proc" || exit 9
	ip link set lo up
	touch "$R/run/netns/pod"
	unshare -n sleep 600 &
	sp=$!
	sleep 0.2
	mount --bind "/proc/$sp/ns/net" "$R/run/netns/pod" || exit 9
	kill $sp
	run() { # CMD
		CNI_COMMAND=$1 CNI_CONTAINERID=img1 CNI_IFNAME=eth0 CNI_NETNS=/run/netns/pod \
			CNI_PATH=/opt/cni/bin chroot "$R" /opt/cni/bin/multus <"$R/tmp/stdin.json"
	}
	echo "== version"
	chroot "$R" /opt/cni/bin/multus --version
	echo "== add"
	run ADD; echo "rc=$?"
	echo "== addr"
	nsenter --net="$R/run/netns/pod" ip -o -4 addr show dev eth0
	echo "== del"
	run DEL; echo "rc=$?"
	echo "== links"
	nsenter --net="$R/run/netns/pod" ip -o link | wc -l
	echo "== leases"
	ls "$R/var/lib/cni/networks/podnet" 2>/dev/null | grep -c "^10\\." 
	echo "== end"
	umount "$R/run/netns/pod" "$R/proc"
' sh "$R" >"$W/chroot.out" 2>&1
check "in the glibc-only chroot, the installed multus runs --version ($VERSION)" sh -c \
	"sed -n '/^== version/,/^== add/p' '$W/chroot.out' | grep -q '^multus $VERSION ' || { cat '$W/chroot.out'; false; }"
check "in the chroot, ADD through the generated netconf: exit 0, eth0 with an address of the primary's subnet" sh -c \
	"sed -n '/^== add/,/^== del/p' '$W/chroot.out' | grep -q '^rc=0' && sed -n '/^== addr/,/^== del/p' '$W/chroot.out' | grep -q 'inet 10\\.66\\.0\\.' || { cat '$W/chroot.out'; false; }"
check "in the chroot, DEL: exit 0, only lo left in the pod, no lease left" sh -c \
	"sed -n '/^== del/,/^== links/p' '$W/chroot.out' | grep -q '^rc=0' && [ \"\$(sed -n '/^== links/{n;p}' '$W/chroot.out')\" = 1 ] && [ \"\$(sed -n '/^== leases/{n;p}' '$W/chroot.out')\" = 0 ] || { cat '$W/chroot.out'; false; }"
finish
