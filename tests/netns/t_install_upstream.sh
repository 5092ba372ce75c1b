#!/bin/sh
# A DaemonSet made for upstream Multus, its image swapped for ours: the flags of upstream's thin
# entrypoint (cmd/thin_entrypoint) and of its older entrypoint.sh keep working with
# `multus install` (README "Deployment"). Into a fake host under $T as t_install_auto.sh does,
# with the test API server's token and CA as the pod's service account, so that a real ADD
# goes through the kubeconfig written.
. "$SRC/tests/netns/lib.sh"
. "$SRC/tests/netns/k8s_lib.sh"
BIN=$T/host/opt/cni/bin CONF=$T/host/etc/cni/net.d IPAM=$T/ipam STORE=$T/store
mkdir -p "$BIN" "$CONF" "$IPAM"
KC=$CONF/multus.d/multus.kubeconfig NC=$CONF/00-multus.conf NL=$CONF/00-multus.conflist

if ! api_start; then
	not_ok "the test API server starts"
	done_testing
	exit 1
fi
export KUBERNETES_SERVICE_HOST=127.0.0.1 KUBERNETES_SERVICE_PORT="$(cat "$API/port")"
export CNI_PATH_TEST=$PLUGINS

# inst ARGS...: the installer with our paths; output in $T/o, status in $RC.
inst() {
	"$MULTUS" install --cni-bin-dir "$BIN" --cni-conf-dir "$CONF" --host-conf-dir "$CONF" \
		--token-file "$API/token" --ca-file "$API/ca.crt" "$@" >"$T/o" 2>&1
	RC=$?
}
inst_bg() {
	"$MULTUS" install --cni-bin-dir "$BIN" --cni-conf-dir "$CONF" --host-conf-dir "$CONF" \
		--token-file "$API/token" --ca-file "$API/ca.crt" "$@" >"$T/bg.out" 2>&1 &
	pid=$!
}
wait_for() {
	_i=0
	while ! "$@" >/dev/null 2>&1 && [ $_i -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
	"$@" >/dev/null 2>&1
}
stdin_of() { jq -c 'if .plugins then .plugins[0] + {name, cniVersion} else . end' "$1"; }
# add_del NETCONF WHAT PREFIX: a real ADD, then DEL, of pod default/web through that netconf.
add_del() {
	stdin_of "$1" | jq -c --arg s "$STORE" '. + {cniDir: $s}' >"$T/stdin.json"
	multus ADD "c-$2" eth0 /run/netns/pod "$(kargs default web)" <"$T/stdin.json"
	cp "$T/out" "$T/add-$2.json"
	_a=$(addr_of pod eth0)
	check "$2: ADD through it works (the pod read over its kubeconfig, eth0 addressed)" sh -c \
		"[ $RC -eq 0 ] && printf '%s' '$_a' | grep -q '^$3' || { cat '$T/out' '$T/err'; false; }"
	multus DEL "c-$2" eth0 /run/netns/pod "$(kargs default web)" <"$T/stdin.json"
	_lo=$(only_lo pod && echo yes)
	check "$2: DEL works, the pod is clean" sh -c "[ $RC -eq 0 ] && [ '$_lo' = yes ]"
}
ip netns add pod
pod default web
printf '{"cniVersion":"0.3.1","name":"primary","type":"bridge","bridge":"brup0","isGateway":true,"ipam":{"type":"host-local","subnet":"10.77.0.0/24","dataDir":"%s"}}\n' \
	"$IPAM" >"$CONF/10-primary.conf"

# --- Booleans as upstream writes them: --flag, --flag=true, --flag=false ---------------------
inst --multus-conf-file=auto --once=true --cleanup-config-on-exit=true --override-network-name=false \
	--namespace-isolation=true --multus-log-to-stderr=true --skip-multus-binary-copy=false
check "--once=true --cleanup-config-on-exit=true --override-network-name=false ...: exit 0" sh -c \
	"[ $RC -eq 0 ] && jq -e '.name == \"multus-cni-network\" and .namespaceIsolation == true' '$NC' || { cat '$T/o'; false; }"
check "--skip-multus-binary-copy=false: the binary is copied" cmp "$MULTUS" "$BIN/multus"
inst --multus-conf-file=auto --once --restart-crio=true
check "--restart-crio=true (entrypoint.sh's): accepted, exit 0, a note that it is not done" sh -c \
	"[ $RC -eq 0 ] && grep -q 'restart-crio: not done' '$T/o'"
for a in "--once=yes" "--restart-crio=perhaps" "--rename-conf-file=maybe" "--skip-tls-verify=2" "--cni-version=0.3.2" \
	"--force-cni-version" "--multus-kubeconfig-file-host=rel/kc" "--no-such-flag"; do
	# shellcheck disable=SC2086
	inst --multus-conf-file=auto --once $a
	check "usage error, exit 2: $a" [ "$RC" -eq 2 ]
done

# --- --cni-version, --force-cni-version -----------------------------------------------------
# As upstream's entrypoint.sh: the netconf's cniVersion; multus speaks the primary's own to it.
inst --multus-conf-file=auto --once --cni-version=1.0.0
check "--cni-version 1.0.0 over a 0.3.1 primary: a conflist at 1.0.0, the primary as it is, the .conf removed" sh -c \
	"[ $RC -eq 0 ] && [ ! -e '$NC' ] && jq -e '.cniVersion == \"1.0.0\" and .plugins[0].delegates[0].cniVersion == \"0.3.1\"' '$NL' || { cat '$T/o'; false; }"
add_del "$NL" given-version 10.77.0.
check "--cni-version: the result printed in the netconf's 1.0.0 (no ips[].version)" \
	jq -e '.cniVersion == "1.0.0" and (.ips[0] | has("version") | not)' "$T/add-given-version.json"
rm -f "$NL"
inst --multus-conf-file=auto --once --cni-version=0.3.1
check "--cni-version equal to the primary's: a conf at 0.3.1" sh -c "[ $RC -eq 0 ] && jq -e '.cniVersion == \"0.3.1\"' '$NC'"
inst --multus-conf-file=auto --once --cni-version=1.0.0 --force-cni-version=true
check "--force-cni-version: a conflist at 1.0.0, the primary made 1.0.0 in it" sh -c \
	"[ $RC -eq 0 ] && [ ! -e '$NC' ] && jq -e '.cniVersion == \"1.0.0\" and .plugins[0].delegates[0].cniVersion == \"1.0.0\" and .plugins[0].delegates[0].name == \"primary\"' '$NL' || { cat '$T/o'; false; }"
check "--force-cni-version: the primary's file is untouched" jq -e '.cniVersion == "0.3.1"' "$CONF/10-primary.conf"
add_del "$NL" forced 10.77.0.
rm -f "$NL"

# --- --multus-kubeconfig-file-host, --skip-tls-verify ---------------------------------------
inst --multus-conf-file=auto --once --multus-kubeconfig-file-host=/etc/kubernetes/multus.kubeconfig
check "--multus-kubeconfig-file-host: the netconf's kubeconfig" sh -c \
	"[ $RC -eq 0 ] && jq -e '.kubeconfig == \"/etc/kubernetes/multus.kubeconfig\"' '$NC'"
check "--multus-kubeconfig-file-host: ours is still written where the pod mounts it" test -s "$KC"
printf '{"cniVersion":"0.3.1","name":"given","type":"multus","delegates":[%s]}\n' \
	"$(jq -c . "$CONF/10-primary.conf")" >"$T/given.conf"
inst --multus-conf-file="$T/given.conf" --once --multus-kubeconfig-file-host=/srv/kc
check "--multus-kubeconfig-file-host with a given netconf: its kubeconfig too" sh -c \
	"[ $RC -eq 0 ] && jq -e '.kubeconfig == \"/srv/kc\" and .name == \"given\"' '$NC'"
inst --multus-conf-file=auto --once --skip-tls-verify
check "--skip-tls-verify: the kubeconfig skips verification and holds no CA" sh -c \
	"[ $RC -eq 0 ] && grep -q '^    insecure-skip-tls-verify: true$' '$KC' && ! grep -q certificate-authority '$KC'"
# No CA in it: the server's certificate (of the test's own CA) was not verified.
add_del "$NC" insecure 10.77.0.
inst --multus-conf-file=auto --once
check "without --skip-tls-verify again: the CA is back" sh -c \
	"[ $RC -eq 0 ] && grep -q certificate-authority-data '$KC' && ! grep -q insecure '$KC'"

# --- --skip-multus-binary-copy, --multus-bin-file -------------------------------------------
rm -rf "$BIN"/*
inst --multus-conf-file=auto --once --skip-multus-binary-copy
check "--skip-multus-binary-copy: nothing in the bin dir, the netconf written" sh -c \
	"[ $RC -eq 0 ] && [ -z \"\$(ls -A '$BIN')\" ] && [ -s '$NC' ]"
cp "$MULTUS" "$T/other-multus"
printf 'x' >>"$T/other-multus"
inst --multus-conf-file=auto --once --multus-bin-file="$T/other-multus"
check "--multus-bin-file: that file is installed as multus" sh -c "[ $RC -eq 0 ] && cmp '$T/other-multus' '$BIN/multus'"
rm -rf "$BIN"/* "$NC"
inst --multus-conf-file=auto --once --multus-bin-file=/usr/src/multus-cni/bin/multus-missing
check "--multus-bin-file missing: exit 1 naming it, nothing written" sh -c \
	"[ $RC -eq 1 ] && grep -q 'multus-bin-file /usr/src/multus-cni/bin/multus-missing' '$T/o' && [ -z \"\$(ls -A '$BIN')\" ] && [ ! -e '$NC' ]"

# --- --multus-cni-conf-dir ------------------------------------------------------------------
inst --multus-conf-file=auto --once --multus-cni-conf-dir="$T/host/etc/cni/multus/net.d"
check "--multus-cni-conf-dir: made, as upstream's entrypoint does" sh -c "[ $RC -eq 0 ] && [ -d '$T/host/etc/cni/multus/net.d' ]"

# --- A netconf option with a given netconf: said and ignored, as upstream ignores it ----------
inst --multus-conf-file="$T/given.conf" --once --cni-version=1.0.0 --multus-log-level=debug
check "netconf options with a given netconf: exit 0, a warning, the given netconf as it is" sh -c \
	"[ $RC -eq 0 ] && grep -q 'apply to --multus-conf-file=auto only' '$T/o' && jq -e '.name == \"given\" and (has(\"logLevel\") | not)' '$NC' || { cat '$T/o'; false; }"

# --- --rename-conf-file ---------------------------------------------------------------------
rm -f "$NC"
printf '{"cniVersion":"0.3.1","name":"later","type":"bridge","bridge":"brup9","ipam":{"type":"host-local","subnet":"10.78.0.0/24","dataDir":"%s"}}\n' \
	"$IPAM" >"$CONF/90-later.conf"
inst_bg --multus-conf-file=auto --rename-conf-file=true --interval 1
check "--rename-conf-file: the primary wrapped, then renamed to .old" sh -c \
	"$(printf 'i=0; while [ ! -e %s/10-primary.conf.old ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done' "$CONF");
	 [ ! -e '$CONF/10-primary.conf' ] && jq -e '.delegates[0].name == \"primary\"' '$NC'"
sleep 1.5
check "--rename-conf-file: the next config by name is not taken instead (after the rename and a tick)" \
	jq -e '.delegates[0].name == "primary"' "$NC"
jq '.isGateway = false' "$CONF/10-primary.conf.old" >"$CONF/10-primary.conf"
check "--rename-conf-file: the primary written again is wrapped again, and renamed again" \
	wait_for sh -c "jq -e '.delegates[0].isGateway == false' '$NC' && [ ! -e '$CONF/10-primary.conf' ]"
kill -TERM "$pid"
wait "$pid"
check "--rename-conf-file: SIGTERM exits 0" [ "$?" -eq 0 ]
mv "$CONF/10-primary.conf.old" "$CONF/10-primary.conf"
rm -f "$CONF/90-later.conf"

# --- --skip-config-watch (entrypoint.sh) ----------------------------------------------------
rm -f "$NC"
inst_bg --multus-conf-file=auto --skip-config-watch --interval 1
check "--skip-config-watch: generated once" wait_for test -s "$NC"
cp "$NC" "$T/nc.once"
jq '.isGateway = false | .name = "changed"' "$CONF/10-primary.conf" >"$T/p" && cp "$T/p" "$CONF/10-primary.conf"
sleep 2.2
check "--skip-config-watch: a changed primary is not regenerated (a write and two ticks later)" cmp "$NC" "$T/nc.once"
rm -f "$KC"
check "--skip-config-watch: the kubeconfig is still kept (rewritten within a tick)" wait_for test -s "$KC"
kill -TERM "$pid"
wait "$pid"
check "--skip-config-watch: SIGTERM exits 0" [ "$?" -eq 0 ]

# --- Upstream's image's commands, linked to us (deploy/Dockerfile) ----------------------------
ln -s "$MULTUS" "$T/thin_entrypoint"
ln -s "$MULTUS" "$T/install_multus"
mkdir -p "$T/dest"
"$T/install_multus" --type thin --dest-dir "$T/dest" >"$T/o" 2>&1
check "install_multus --type thin --dest-dir: the binary and its libraries, nothing else" sh -c \
	"[ $? -eq 0 ] && cmp '$MULTUS' '$T/dest/multus' && ls '$T/dest/multus.libs' | grep -q '^libmnl' && [ \"\$(ls '$T/dest' | tr '\n' ' ')\" = 'multus multus.libs ' ] || { cat '$T/o'; false; }"
"$T/install_multus" --type thick --dest-dir "$T/dest" >"$T/o" 2>&1
check "install_multus --type thick: exit 2, saying there is no thick plugin" sh -c "[ $? -eq 2 ] && grep -q 'no thick plugin' '$T/o'"
"$T/install_multus" --dest-dir "$T/dest" >"$T/o" 2>&1
check "install_multus without --type: exit 2" [ "$?" -eq 2 ]
rm -f "$NC" "$NL"
"$T/thin_entrypoint" --multus-conf-file=auto --multus-autoconfig-dir="$CONF" --cni-conf-dir="$CONF" \
	--cni-bin-dir "$BIN" --host-conf-dir "$CONF" --token-file "$API/token" --ca-file "$API/ca.crt" \
	--skip-multus-binary-copy=true --once >"$T/o" 2>&1
check "thin_entrypoint is multus install: upstream's DaemonSet's flags generate the netconf" sh -c \
	"[ $? -eq 0 ] && jq -e '.delegates[0].type == \"bridge\"' '$NC' || { cat '$T/o'; false; }"

# --- multus daemon hands them to its installer -----------------------------------------------
rm -f "$NC" "$NL"
"$MULTUS" daemon --socket "$T/run/multus.sock" --node-name node1 --kubeconfig "$API/kubeconfig" \
	--cni-bin-dir "$BIN" --cni-conf-dir "$CONF" --host-conf-dir "$CONF" --token-file "$API/token" \
	--ca-file "$API/ca.crt" --multus-conf-file=auto --cni-version=0.3.1 --force-cni-version=false \
	--multus-kubeconfig-file-host=/etc/cni/net.d/multus.d/multus.kubeconfig --cleanup-config-on-exit=true \
	>"$T/d.out" 2>&1 &
dpid=$!
check "multus daemon with upstream's flags: the netconf generated" wait_for test -s "$NC"
check "multus daemon with upstream's flags: the kubeconfig path given" \
	jq -e '.kubeconfig == "/etc/cni/net.d/multus.d/multus.kubeconfig"' "$NC"
kill -TERM "$dpid"
wait "$dpid"
check "multus daemon: SIGTERM exits 0, --cleanup-config-on-exit=true removed the netconf" sh -c \
	"[ $? -eq 0 ] && [ ! -e '$NC' ] || { cat '$T/d.out'; false; }"

# --skip-tls-verify reaches the daemon's own in-cluster client too: with a CA that did not
# sign the server's certificate, it lists only with the flag.
printf -- '-----BEGIN CERTIFICATE-----\nMIIBfakeCAfakeCA==\n-----END CERTIFICATE-----\n' >"$T/other-ca.crt"
for skip in "" --skip-tls-verify; do
	"$MULTUS" daemon --no-install --socket "$T/run2/multus.sock" --node-name node1 \
		--token-file "$API/token" --ca-file "$T/other-ca.crt" $skip >"$T/d2.out" 2>&1 &
	dpid=$!
	_i=0
	while ! grep -q "watch pods: listed\|TLS\|certificate\|CA" "$T/d2.out" && [ $_i -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
	if [ -n "$skip" ]; then
		check "daemon, in-cluster, another CA, --skip-tls-verify: it lists the node's pods" grep -q "watch pods: listed" "$T/d2.out"
	else
		check "daemon, in-cluster, another CA, no --skip-tls-verify: it does not list, and says why" sh -c \
			"! grep -q 'watch pods: listed' '$T/d2.out' && grep -q 'watch pods' '$T/d2.out' || { cat '$T/d2.out'; false; }"
	fi
	kill -TERM "$dpid"
	wait "$dpid"
done

api_stop
done_testing
