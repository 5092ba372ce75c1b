#!/bin/sh
# `multus install` (PRODUCT.md section 8), as the DaemonSet runs it, into a fake host under $T:
#
#   $T/sa/token, $T/sa/ca.crt          the pod's service account (fake; nothing connects)
#   $T/cm/00-multus.conf               the ConfigMap's netconf
#   $T/host/opt/cni/bin                gets multus and multus.libs/ (the binary's libraries)
#   $T/host/etc/cni/net.d              gets 00-multus.conf and multus.d/multus.kubeconfig
#
# Then: the copied binary runs with the system's copies of its libraries hidden (bind mounts of
# /dev/null in a private mount namespace), the token is rotated under a running install, and
# the error exits.
. "$SRC/tests/netns/lib.sh"
export KUBERNETES_SERVICE_HOST=10.96.0.1 KUBERNETES_SERVICE_PORT=443
BIN=$T/host/opt/cni/bin CONF=$T/host/etc/cni/net.d
mkdir -p "$T/sa" "$T/cm" "$BIN" "$CONF"
printf 'eyJhbGciOiJSUzI1NiJ9.first-token.sig\n' >"$T/sa/token"
printf -- '-----BEGIN CERTIFICATE-----\nMIIBfakeCAfakeCA==\n-----END CERTIFICATE-----\n' >"$T/sa/ca.crt"
printf '{"cniVersion":"1.0.0","name":"node-cni-network","type":"multus","defaultDelegates":"tke-bridge","LogFile":"/var/log/multus.log","LogLevel":"info","confDir":"/etc/cni/net.d/multus"}\n' >"$T/cm/00-multus.conf"
# A temporary file a killed install left behind.
: >"$BIN/.multus-install.multus.AbC123"

# run_install [ARGS...]: the DaemonSet's command with our paths; stdout+stderr in $T/out, status in $RC.
run_install() {
	"$MULTUS" install --cni-bin-dir "$BIN" --cni-conf-dir "$CONF" --netconf "$T/cm/00-multus.conf" \
		--token-file "$T/sa/token" --ca-file "$T/sa/ca.crt" "$@" >"$T/out" 2>&1
	RC=$?
}

run_install --once
check "install --once exits 0" [ "$RC" -eq 0 ]
check "the binary is copied" cmp "$MULTUS" "$BIN/multus"
check "the binary is 0755" [ "$(stat -c %a "$BIN/multus")" = 755 ]
for l in libmnl.so 'libcurl(-gnutls)?.so'; do
	check "multus.libs holds $l*" sh -c "ls '$BIN/multus.libs' | grep -Eq '^$l\\.'"
done
# jansson, libyaml, libnftnl, zlib and protobuf-c are linked in from their static archives: not
# needed at run time (libz.so still ships: libcurl needs it).
for l in libjansson libyaml libnftnl libz libprotobuf-c; do
	check "readelf -d: $l is not DT_NEEDED (linked in)" sh -c "! readelf -d '$MULTUS' | grep NEEDED | grep -q '$l'"
done
for l in libjansson libyaml libnftnl libprotobuf-c; do
	check "$l is not shipped (nothing loads it)" sh -c "! ls '$BIN/multus.libs' | grep -q '^$l'"
done
check "multus.libs holds every DT_NEEDED but glibc's" sh -c "for n in \$(readelf -d '$MULTUS' | sed -n 's/.*(NEEDED).*\\[\\(.*\\)\\]/\\1/p' | grep -v '^libc\\.'); do [ -e '$BIN/multus.libs/'\$n ] || exit 1; done"
check "glibc's own libraries are not copied" sh -c "! ls '$BIN/multus.libs' | grep -Eq '^(libc|libm|libpthread|libdl|librt|libresolv|ld-linux.*)\\.so'"
check "nothing but multus and multus.libs in the bin dir (a stale temporary file removed)" \
	[ "$(ls -A "$BIN" | tr '\n' ' ')" = "multus multus.libs " ]

KC=$CONF/multus.d/multus.kubeconfig
check "kubeconfig is 0600 in a 0700 dir" sh -c "[ \$(stat -c %a '$CONF/multus.d') = 700 ] && [ \$(stat -c %a '$KC') = 600 ]"
check "kubeconfig has the server URL" grep -q '^    server: "https://10.96.0.1:443"$' "$KC"
check "kubeconfig's CA data decodes to the CA file" sh -c \
	"sed -n 's/^ *certificate-authority-data: //p' '$KC' | base64 -d | cmp - '$T/sa/ca.crt'"
check "kubeconfig has the token inline" grep -q '^    token: "eyJhbGciOiJSUzI1NiJ9.first-token.sig"$' "$KC"
check "kubeconfig names its cluster, user and current context" sh -c \
	"grep -q '^current-context: multus-context$' '$KC' && grep -q '^    cluster: local$' '$KC' && grep -q '^    user: multus$' '$KC'"
check "the token is not printed" sh -c "! grep -q first-token '$T/out'"
check "nothing but the kubeconfig in multus.d" [ "$(ls -A "$CONF/multus.d")" = multus.kubeconfig ]
NC=$CONF/00-multus.conf
check "00-multus.conf is JSON with kubeconfig set to the host path" \
	jq -e '.kubeconfig == "/etc/cni/net.d/multus.d/multus.kubeconfig"' "$NC"
check "00-multus.conf keeps every other key" jq -e --slurpfile cm "$T/cm/00-multus.conf" \
	'del(.kubeconfig) == $cm[0]' "$NC"
check "00-multus.conf is 0644 (no secret in it)" [ "$(stat -c %a "$NC")" = 644 ]

# The copied binary runs with the system's copies of its libraries hidden.
hidden() { # SONAME-REGEX: the system's files for those sonames (the loader's cache), resolved.
	ldconfig -p | awk -v p="$1" '$1 ~ p && $NF ~ /^\// { print $NF }' | xargs -r readlink -f | sort -u
}
libs=$(for l in libjansson libcurl libmnl libnftnl libyaml libprotobuf-c; do hidden "^$l[.-]"; done)
unshare -m --propagation private sh -c '
	for f in $0; do mount --bind /dev/null "$f" || exit 9; done
	if "$1" --version >/dev/null 2>&1; then echo "visible"; else echo "hidden"; fi
	"$2" --version' "$libs" "$MULTUS" "$BIN/multus" >"$T/hide.out" 2>&1
check "with its libraries hidden, the build's binary fails to start" \
	[ "$(head -n1 "$T/hide.out")" = hidden ]
check "with them hidden, the copied binary still runs --version" grep -q '^multus ' "$T/hide.out"
check "libcurl is not linked: ldd of the binary does not name it" sh -c "! ldd '$MULTUS' | grep -q libcurl"
check "libcurl's own dependencies are copied too (its TLS library among them)" sh -c \
	"ls '$BIN/multus.libs' | grep -Eq '^(libssl|libgnutls)\\.so\\.'"

# Every library the copy brought, hidden from the system: the libraries' own dependencies must
# come from multus.libs too. The loader uses the binary's DT_RPATH for them, never a DT_RUNPATH;
# libcurl, loaded on first use, is searched for there as well. The proof is an ADD that reads
# its pod from the API server over TLS (the test server, on this test's loopback).
. "$SRC/tests/netns/k8s_lib.sh"
IPAM=$T/ipam
mkdir -p "$IPAM" "$T/nets"
if readelf -d "$MULTUS" 2>/dev/null | grep -q '(RUNPATH)'; then
	skip "the copied binary runs with every copied library hidden" \
		"the binary has DT_RUNPATH, which the loader ignores for libcurl's own dependencies; link with -Wl,--disable-new-dtags"
elif ! api_start; then
	not_ok "the test API server starts"
else
	all=$(for l in $(ls "$BIN/multus.libs"); do hidden "^$l\$"; done)
	check "every copied library has a system copy to hide" \
		[ "$(printf '%s\n' $all | wc -l)" -eq "$(ls "$BIN/multus.libs" | wc -l)" ]
	# Every flavour of libcurl too, copied or not: none may come from the system.
	all="$all $(hidden '^libcurl.*[.]so[.]4$')"
	ip netns add pod
	br_json n1 br-i 10.44.0.0/24 >"$T/nets/n1.conf"
	printf '{"cniVersion":"1.0.0","name":"m","type":"multus","kubeconfig":"%s","defaultDelegates":"n1","confDir":"%s","cniDir":"%s","binDir":"%s"}' \
		"$API/kubeconfig" "$T/nets" "$T/store" "$PLUGINS" >"$T/m.conf"
	pod default web
	unshare -m --propagation private sh -c '
		for f in $0; do mount --bind /dev/null "$f" || exit 9; done
		"$1" --version
		CNI_COMMAND=ADD CNI_CONTAINERID=i1 CNI_IFNAME=eth0 CNI_NETNS=/run/netns/pod \
			CNI_ARGS="$2" CNI_PATH="$3" "$1" <"$4" >"$5"' \
		"$all" "$BIN/multus" "$(kargs default web)" "$PLUGINS" "$T/m.conf" "$T/add.out" >"$T/hide.out" 2>&1
	check "the copied binary runs with every copied library hidden" grep -q '^multus ' "$T/hide.out"
	check "with every copied library hidden, the copied binary's ADD of a pod works" sh -c \
		"jq -e '.interfaces | length > 0' '$T/add.out' || { cat '$T/hide.out' '$T/add.out'; false; }"
	check "with every copied library hidden, the copied binary made the pod GET and the status PATCH" sh -c \
		"grep -q '\"GET\", \"path\": \"/api/v1/namespaces/default/pods/web\", \"status\": 200' '$API/requests.log' && grep -q '\"PATCH\", \"path\": \"/api/v1/namespaces/default/pods/web\", \"status\": 200' '$API/requests.log'"
	api_stop
fi

# Token rotation under a running install; SIGTERM ends it with status 0.
"$MULTUS" install --cni-bin-dir "$BIN" --cni-conf-dir "$CONF" --netconf "$T/cm/00-multus.conf" \
	--token-file "$T/sa/token" --ca-file "$T/sa/ca.crt" --interval 1 >"$T/bg.out" 2>&1 &
pid=$!
i=0
while ! grep -q installed "$T/bg.out" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check "the running install did its first install" grep -q installed "$T/bg.out"
printf 'eyJhbGciOiJSUzI1NiJ9.second-token.sig\n' >"$T/sa/token.new"
mv "$T/sa/token.new" "$T/sa/token"
i=0
while ! grep -q second-token "$KC" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check "a new token reaches the kubeconfig within 5 s" grep -q '^    token: "eyJhbGciOiJSUzI1NiJ9.second-token.sig"$' "$KC"
check "still 0600 after the rewrite" [ "$(stat -c %a "$KC")" = 600 ]
check "no temporary file left in multus.d" [ "$(ls -A "$CONF/multus.d")" = multus.kubeconfig ]
kill -TERM "$pid"
wait "$pid"
check "SIGTERM: exit 0" [ "$?" -eq 0 ]
check "the rotation is logged, the token is not" sh -c "grep -q rewritten '$T/bg.out' && ! grep -q -- -token '$T/bg.out'"

# The shipped manifest: the DaemonSet's command and flags parse, and its ConfigMap's netconf
# installs (later flags override the DaemonSet's paths with ours).
if python3 -c 'import yaml' 2>/dev/null; then
	python3 - "$SRC/deploy/multus-daemonset.yml" "$T/shipped.conf" "$T/ds.args" <<'EOF'
import sys, yaml
docs = {d["kind"]: d for d in yaml.safe_load_all(open(sys.argv[1])) if d}
open(sys.argv[2], "w").write(docs["ConfigMap"]["data"]["00-multus.conf"])
c = docs["DaemonSet"]["spec"]["template"]["spec"]["containers"][0]
open(sys.argv[3], "w").write("\n".join(c["command"] + c["args"]) + "\n")
EOF
	check "the DaemonSet runs /usr/bin/multus daemon" [ "$(head -n2 "$T/ds.args" | tr '\n' ' ')" = "/usr/bin/multus daemon " ]
	# The daemon passes every flag but its own to the installer (t_daemon.sh runs it whole).
	# shellcheck disable=SC2046
	"$MULTUS" install $(tail -n +3 "$T/ds.args" | grep -Ev '^--(socket|api-timeout-seconds|node-name|kubeconfig)=') --cni-bin-dir "$BIN" --cni-conf-dir "$CONF" \
		--netconf "$T/shipped.conf" --token-file "$T/sa/token" --ca-file "$T/sa/ca.crt" --once >"$T/out" 2>&1
	check "the DaemonSet's flags and the ConfigMap's netconf install" [ "$?" -eq 0 ]
	check "the shipped netconf: seed's defaultDelegates, LogFile, LogLevel; confDir; kubeconfig" \
		jq -e '.cniVersion == "1.0.0" and .name == "node-cni-network" and .defaultDelegates == "tke-bridge" and .LogFile == "/var/log/multus.log" and .LogLevel == "info" and .confDir == "/etc/cni/net.d/multus" and .kubeconfig == "/etc/cni/net.d/multus.d/multus.kubeconfig"' "$CONF/00-multus.conf"
else
	skip "the shipped manifest installs" "python3 with yaml is not available"
fi

# Errors.
cp "$NC" "$T/nc.before"
rm -f "$T/cm/00-multus.conf"
run_install --once
check "missing netconf: exit 1" [ "$RC" -eq 1 ]
check "missing netconf: the message names the file" grep -q "$T/cm/00-multus.conf" "$T/out"
printf '{"cniVersion":"1.0.0","type":"multus"}\n' >"$T/cm/00-multus.conf"
run_install --once
check "netconf without a name: exit 1, naming the file and the key" sh -c \
	"[ $RC -eq 1 ] && grep -q '$T/cm/00-multus.conf.*name' '$T/out'"
check "a bad netconf changes nothing on the node" cmp "$NC" "$T/nc.before"
printf '[1]\n' >"$T/cm/00-multus.conf"
run_install --once
check "netconf not an object: exit 1" [ "$RC" -eq 1 ]
cp "$T/nc.before" "$T/cm/00-multus.conf"
run_install --once --token-file "$T/sa/missing"
check "missing token file: exit 1 naming it" sh -c "[ $RC -eq 1 ] && grep -q '$T/sa/missing' '$T/out'"
run_install --once --cni-bin-dir "$T/nowhere"
check "missing bin dir: exit 1 naming it" sh -c "[ $RC -eq 1 ] && grep -q '$T/nowhere' '$T/out'"
KUBERNETES_SERVICE_HOST= run_install --once
check "no KUBERNETES_SERVICE_HOST: exit 1" [ "$RC" -eq 1 ]
run_install --once --bogus
check "unknown flag: exit 2" [ "$RC" -eq 2 ]
run_install --interval 0
check "--interval 0: exit 2" [ "$RC" -eq 2 ]
run_install --once --host-conf-dir relative/dir
check "relative --host-conf-dir: exit 2" [ "$RC" -eq 2 ]
"$MULTUS" install --help >"$T/out" 2>&1
check "--help exits 0 and documents every flag" sh -c \
	"for f in cni-bin-dir cni-conf-dir netconf host-conf-dir token-file ca-file once interval; do grep -q -- \"--\$f\" '$T/out' || exit 1; done"
# The seed README's netconf as written ("配置 kubeconfig 和默认委托 cni"; no cniVersion, so a
# 0.1.0 netconf) installs, its keys kept and no cniVersion added.
printf '{\n    "name": "node-cni-network",\n    "type": "multus",\n    "kubeconfig": "/root/.kube/config",\n    "defaultDelegates": "tke-bridge"\n}\n' >"$T/cm/seed.conf"
run_install --once --netconf "$T/cm/seed.conf"
check "a netconf without cniVersion installs" [ "$RC" -eq 0 ]
check "its 00-multus.conf: the seed's keys, kubeconfig replaced, still no cniVersion" jq -e \
	'(has("cniVersion") | not) and .name == "node-cni-network" and .defaultDelegates == "tke-bridge" and .kubeconfig == "/etc/cni/net.d/multus.d/multus.kubeconfig"' "$NC"
done_testing
