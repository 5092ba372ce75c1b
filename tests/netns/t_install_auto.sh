#!/bin/sh
# `multus install --multus-conf-file=auto` (PRODUCT.md section 8, README "Deployment"), into a
# fake host under $T as t_install.sh does, with the test API server's token and CA as the
# pod's service account, so that the kubeconfig it writes is used by a real ADD:
#
#   $T/host/opt/cni/bin         gets multus
#   $T/host/etc/cni/net.d       the node's conf dir: the primary config appears here late,
#                               changes, changes version; install generates 00-multus.conf(list)
#
# Then SIGTERM with --cleanup-config-on-exit, --once, errors, --help and the shipped DaemonSet.
. "$SRC/tests/netns/lib.sh"
. "$SRC/tests/netns/k8s_lib.sh"
BIN=$T/host/opt/cni/bin CONF=$T/host/etc/cni/net.d IPAM=$T/ipam STORE=$T/store
mkdir -p "$BIN" "$CONF" "$IPAM"
KC=$CONF/multus.d/multus.kubeconfig

if ! api_start; then
	not_ok "the test API server starts"
	done_testing
	exit 1
fi
export KUBERNETES_SERVICE_HOST=127.0.0.1 KUBERNETES_SERVICE_PORT="$(cat "$API/port")"

# auto ARGS...: the installer in auto mode with our paths (the conf dir's host path is ours too,
# so the netconf's "kubeconfig" is a file that exists here).
auto() {
	"$MULTUS" install --cni-bin-dir "$BIN" --cni-conf-dir "$CONF" --multus-conf-file=auto \
		--host-conf-dir "$CONF" --token-file "$API/token" --ca-file "$API/ca.crt" "$@"
}
# auto_bg ARGS...: the same in the background, output in $T/bg.out, its pid in $pid.
auto_bg() {
	"$MULTUS" install --cni-bin-dir "$BIN" --cni-conf-dir "$CONF" --multus-conf-file=auto \
		--host-conf-dir "$CONF" --token-file "$API/token" --ca-file "$API/ca.crt" "$@" >"$T/bg.out" 2>&1 &
	pid=$!
}
# wait_for COMMAND...: up to 5 s for it to succeed.
wait_for() {
	_i=0
	while ! "$@" >/dev/null 2>&1 && [ $_i -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
	"$@" >/dev/null 2>&1
}
# put FILE TEXT: writes a config the way a primary CNI's installer might (in place, not atomic).
put() { printf '%s\n' "$2" >"$1"; }
# stdin_of NETCONF: what the runtime hands multus: a conflist's first plugin with the list's
# name and cniVersion (libcni), or the conf itself.
stdin_of() { jq -c 'if .plugins then .plugins[0] + {name, cniVersion} else . end' "$1"; }
# add_del NETCONF WHAT: a real ADD, then DEL, of pod default/web through multus with that netconf.
add_del() {
	stdin_of "$1" | jq -c --arg s "$STORE" '. + {cniDir: $s}' >"$T/stdin.json"
	multus ADD "c-$2" eth0 /run/netns/pod "$(kargs default web)" <"$T/stdin.json"
	_a=$(addr_of pod eth0)
	check "$2: ADD through the generated netconf works (exit 0, eth0 with the primary's address)" \
		sh -c "[ $RC -eq 0 ] && printf '%s' '$_a' | grep -q '^$3' || { cat '$T/out' '$T/err'; false; }"
	check "$2: the result names eth0 with that address" jq -e \
		--arg p "$3" '[.ips[].address | startswith($p)] | any' "$T/out"
	multus DEL "c-$2" eth0 /run/netns/pod "$(kargs default web)" <"$T/stdin.json"
	_lo=$(only_lo pod && echo yes)
	check "$2: DEL works, the pod is clean and host-local's lease released" sh -c \
		"[ $RC -eq 0 ] && [ '$_lo' = yes ] && [ $(ipam_count "$4") -eq 0 ] || { cat '$T/out' '$T/err'; false; }"
}
export CNI_PATH_TEST=$PLUGINS
ip netns add pod
pod default web

# --- The primary appears late -------------------------------------------------------------
# Never primaries: our own names, anything of type multus (conf or a list with a multus
# plugin), other suffixes, a directory, our temporary files.
put "$CONF/00-multus.conf.bak" '{"cniVersion":"1.0.0","name":"x","type":"bridge"}'
put "$CONF/01-chain.conflist" '{"cniVersion":"1.0.0","name":"chain","plugins":[{"type":"multus"}]}'
put "$CONF/02-other-multus.conf" '{"cniVersion":"0.3.1","name":"m","type":"multus"}'
put "$CONF/03-notes.txt" 'not a config'
mkdir "$CONF/04-dir.conf"
auto_bg --interval 60 --cleanup-config-on-exit --readiness-indicator-file "$T/ready" \
	--multus-log-file "$T/multus.log" --multus-log-level DEBUG --multus-log-to-stderr=false \
	--multus-log-max-size 7 --multus-log-max-backups 2 --multus-log-compress=false
check "auto: the binary and the kubeconfig are installed before a primary exists" \
	wait_for grep -q installed "$T/bg.out"
check "auto: the binary is copied" cmp "$MULTUS" "$BIN/multus"
check "auto: kubeconfig 0600 with the token" sh -c "[ \$(stat -c %a '$KC') = 600 ] && grep -q test-token '$KC'"
sleep 0.5
check "auto: no primary yet: it says it waits, nothing generated (ours and type multus never taken)" sh -c \
	"grep -q 'no primary CNI config.*$CONF.*waiting' '$T/bg.out' && ! ls '$CONF' | grep -q '^00-multus.conf\$\|^00-multus.conflist\$'"
check "auto: still running while it waits" kill -0 "$pid"
primary1=$(jq -cn --arg d "$IPAM" '{cniVersion: "1.0.0", name: "podnet", plugins: [
	{type: "bridge", bridge: "cni0", isGateway: true,
	 ipam: {type: "host-local", subnet: "10.77.0.0/24", dataDir: $d}},
	{type: "portmap", capabilities: {portMappings: true}, snat: true},
	{type: "tuning", capabilities: {mac: false}}]}')
put "$CONF/10-podnet.conflist" "$primary1"
NL=$CONF/00-multus.conflist NC=$CONF/00-multus.conf
check "auto: the primary appears -> 00-multus.conflist is generated within 5 s" wait_for test -s "$NL"
check "auto: generation is logged naming both files" \
	wait_for grep -q "$NL generated from the primary CNI config $CONF/10-podnet.conflist" "$T/bg.out"
check "cniVersion 1.0.0 primary: a conflist, no 00-multus.conf" sh -c \
	"jq -e '.plugins | length == 1' '$NL' && [ ! -e '$NC' ]"
check "conflist: cniVersion and upstream's network name; one multus plugin" jq -e \
	'.cniVersion == "1.0.0" and .name == "multus-cni-network" and .plugins[0].type == "multus"' "$NL"
check "conflist: the primary is the only delegate, unchanged" jq -e --argjson p "$primary1" \
	'.plugins[0].delegates == [$p]' "$NL"
check "conflist: the primary's enabled capabilities (not the disabled ones)" jq -e \
	'.plugins[0].capabilities == {portMappings: true}' "$NL"
check "conflist: kubeconfig, readinessindicatorfile, logFile, logLevel, logToStderr from the flags" \
	jq -e --arg kc "$KC" --arg r "$T/ready" --arg l "$T/multus.log" '.plugins[0] |
	.kubeconfig == $kc and .readinessindicatorfile == $r and .logFile == $l and
	.logLevel == "debug" and .logToStderr == false and
	.logOptions == {maxSize: 7, maxBackups: 2, compress: false}' "$NL"
check "conflist: 0644" [ "$(stat -c %a "$NL")" = 644 ]
: >"$T/ready"
add_del "$NL" conflist 10.77.0. podnet
check "conflist ADD: the pod was read with the kubeconfig install wrote (token auth)" \
	grep -q '"GET", "path": "/api/v1/namespaces/default/pods/web", "status": 200' "$API/requests.log"
check "conflist ADD: it logged to the generated logFile, at debug" grep -qi debug "$T/multus.log"

# --- The primary changes ------------------------------------------------------------------
primary2=$(printf '%s' "$primary1" | jq -c '.plugins[0].ipam.subnet = "10.78.0.0/24"')
put "$T/new.conflist" "$primary2"
mv "$T/new.conflist" "$CONF/10-podnet.conflist"
check "changed primary (renamed over): regenerated within 5 s" \
	wait_for jq -e --argjson p "$primary2" '.plugins[0].delegates == [$p]' "$NL"
check "regeneration is logged" grep -q "$NL regenerated" "$T/bg.out"
primary3=$(printf '%s' "$primary2" | jq -c '.plugins[0].ipam.subnet = "10.79.0.0/24" | .plugins[0].bridge = "cni2"')
put "$CONF/10-podnet.conflist" "$primary3"
check "changed primary (rewritten in place): regenerated within 5 s" \
	wait_for jq -e --argjson p "$primary3" '.plugins[0].delegates == [$p]' "$NL"
add_del "$NL" regenerated 10.79.0. podnet

# A primary that is broken for a while: the last good netconf stays, and the error is said once.
cp "$NL" "$T/nl.before"
put "$CONF/10-podnet.conflist" '{"cniVersion": "1.0.0", "plugins": ['
check "a broken primary is reported, naming it" wait_for grep -q "10-podnet.conflist: not JSON" "$T/bg.out"
check "a broken primary leaves the last generated netconf as it was" cmp "$NL" "$T/nl.before"

# --- cniVersion 0.3.1 primary: a conf; the list goes -----------------------------------------
rm "$CONF/10-podnet.conflist"
primary4=$(jq -cn --arg d "$IPAM" '{cniVersion: "0.3.1", name: "oldnet", type: "bridge",
	bridge: "cni1", isGateway: true, ipam: {type: "host-local", subnet: "10.80.0.0/24", dataDir: $d}}')
put "$CONF/20-oldnet.conf" "$primary4"
check "cniVersion 0.3.1 primary: 00-multus.conf is generated within 5 s" \
	wait_for jq -e --argjson p "$primary4" '.delegates == [$p]' "$NC"
check "0.3.1: the conflist of the 1.0.0 primary is removed (it would sort after ours, but is stale)" \
	[ ! -e "$NL" ]
check "0.3.1: a conf of type multus at 0.3.1, the flags' keys at its top" jq -e --arg kc "$KC" \
	'.cniVersion == "0.3.1" and .type == "multus" and .name == "multus-cni-network" and
	 .kubeconfig == $kc and .logLevel == "debug" and .logOptions.maxSize == 7 and (has("plugins") | not) and (has("capabilities") | not)' "$NC"
add_del "$NC" conf 10.80.0. oldnet

# A primary earlier by name takes over (the runtime would use it).
primary5=$(printf '%s' "$primary4" | jq -c '.name = "earlier" | .ipam.subnet = "10.81.0.0/24"')
put "$CONF/15-earlier.json" "$primary5"
check "a .json config earlier by name becomes the primary" \
	wait_for jq -e --argjson p "$primary5" '.delegates == [$p]' "$NC"
check "our own 00-multus.conf was never taken as the primary" sh -c \
	"! jq -e '.delegates[0].type == \"multus\"' '$NC'"

# --- SIGTERM with --cleanup-config-on-exit ---------------------------------------------------
kill -TERM "$pid"
wait "$pid"
check "SIGTERM: exit 0" [ "$?" -eq 0 ]
check "cleanup: 00-multus.conf and the kubeconfig (and multus.d) are removed" sh -c \
	"[ ! -e '$NC' ] && [ ! -e '$NL' ] && [ ! -e '$KC' ] && [ ! -e '$CONF/multus.d' ]"
check "cleanup: the primaries and the other files stay, the binary too" sh -c \
	"[ -e '$CONF/20-oldnet.conf' ] && [ -e '$CONF/15-earlier.json' ] && [ -e '$CONF/01-chain.conflist' ] && [ -e '$BIN/multus' ]"
check "cleanup is logged" grep -q "removed" "$T/bg.out"

# Without the flag, SIGTERM leaves the node's files.
auto_bg --interval 60
check "no cleanup flag: generated" wait_for test -s "$NC"
kill -TERM "$pid"
wait "$pid"
check "no cleanup flag: SIGTERM exits 0 and leaves netconf and kubeconfig" sh -c \
	"[ $? -eq 0 ] && [ -s '$NC' ] && [ -s '$KC' ]"

# --- --once ---------------------------------------------------------------------------------
rm -f "$NC"
auto --once --override-network-name >"$T/out1" 2>&1
check "--once: exit 0 with the primary there, generated" sh -c "[ $? -eq 0 ] && [ -s '$NC' ]"
check "--override-network-name: the primary's name" jq -e '.name == "earlier"' "$NC"
auto --once --multus-master-cni-file-name 20-oldnet.conf --namespace-isolation \
	--global-namespaces default,infra --additional-bin-dir /opt/extra >"$T/out1" 2>&1
check "--multus-master-cni-file-name picks that file; isolation, globalNamespaces, binDir" jq -e \
	--argjson p "$primary4" '.delegates == [$p] and .namespaceIsolation == true and
	.globalNamespaces == "default,infra" and .binDir == "/opt/extra" and (has("readinessindicatorfile") | not)' "$NC"
cp "$NC" "$T/nc.before"
put "$CONF/05-broken.conf" '{"cniVersion": "0.3.1", "type": '
auto --once >"$T/out1" 2>&1
check "--once, first config by name not JSON: exit 1 naming it, netconf unchanged" sh -c \
	"[ $? -eq 1 ] && grep -q '05-broken.conf: not JSON' '$T/out1' && cmp '$NC' '$T/nc.before'"
put "$CONF/05-broken.conf" '{"cniVersion": "9.9.9", "name": "n", "type": "bridge"}'
auto --once >"$T/out1" 2>&1
check "--once, a cniVersion multus does not speak: exit 1, the plugin parser's message" sh -c \
	"[ $? -eq 1 ] && grep -q '05-broken.conf.*9.9.9' '$T/out1' && cmp '$NC' '$T/nc.before'"
rm -f "$CONF/05-broken.conf"
mkdir "$T/late"
auto_bg --once --multus-autoconfig-dir "$T/late"
sleep 1
check "--once with no primary yet waits" kill -0 "$pid"
put "$T/late/50-late.conf" "$primary4"
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
wait "$pid"
check "--once: exits 0 once the primary in --multus-autoconfig-dir appears" sh -c \
	"[ $? -eq 0 ] && grep -q 'generated from the primary CNI config $T/late/50-late.conf' '$T/bg.out' && jq -e '.delegates[0].name == \"oldnet\"' '$NC'"

# --- Usage errors and --help ------------------------------------------------------------------
for a in "--readiness-indicator-file rel/r" \
	"--multus-log-level loud" "--multus-log-to-stderr=maybe" \
	"--multus-log-max-size -1" "--multus-log-max-age 1.5" \
	"--multus-master-cni-file-name a/b"; do
	# shellcheck disable=SC2086
	auto $a >"$T/out1" 2>&1
	check "usage error, exit 2: $a" [ "$?" -eq 2 ]
done
"$MULTUS" install --help >"$T/help" 2>&1
check "--help: exit 0" [ "$?" -eq 0 ]
for f in cni-bin-dir cni-conf-dir multus-conf-file netconf host-conf-dir token-file ca-file once \
	interval cleanup-config-on-exit multus-autoconfig-dir multus-master-cni-file-name \
	override-network-name readiness-indicator-file multus-log-file multus-log-level \
	multus-log-to-stderr multus-log-max-size multus-log-max-age multus-log-max-backups \
	multus-log-compress namespace-isolation global-namespaces additional-bin-dir; do
	# The entry of that flag: its line and the indented ones after it, up to the next flag.
	entry=$(awk -v f="--$f" '/^  -/ { on = index($0, f " ") || index($0, f "[") || index($0, f ",") || $0 ~ f "$" } on' "$T/help")
	case $entry in *"["*"]"*) ok "--help lists --$f with its default" ;; *) not_ok "--help lists --$f with its default: $entry" ;; esac
done

# --- The shipped DaemonSet runs auto mode ---------------------------------------------------
if python3 -c 'import yaml' 2>/dev/null; then
	python3 - "$SRC/deploy/multus-daemonset.yml" "$T/ds.args" <<'EOF'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
ds = [d for d in docs if d["kind"] == "DaemonSet"][0]
c = ds["spec"]["template"]["spec"]["containers"][0]
open(sys.argv[2], "w").write("\n".join(c["command"] + c["args"]) + "\n")
EOF
	check "the DaemonSet runs /usr/bin/multus daemon --multus-conf-file=auto" sh -c \
		"[ \"\$(head -n2 '$T/ds.args' | tr '\n' ' ')\" = '/usr/bin/multus daemon ' ] && grep -qx -- '--multus-conf-file=auto' '$T/ds.args'"
	rm -f "$NC"
	# Its flags, then ours for the paths (later flags win); --once as a stand-in for the pod.
	# shellcheck disable=SC2046
	# The daemon's own flags are not the installer's (t_daemon.sh runs the daemon whole).
	"$MULTUS" install $(tail -n +3 "$T/ds.args" | grep -Ev '^--(socket|api-timeout-seconds|node-name|kubeconfig)=') \
		--cni-bin-dir "$BIN" --cni-conf-dir "$CONF" --host-conf-dir "$CONF" \
		--token-file "$API/token" --ca-file "$API/ca.crt" --once >"$T/out1" 2>&1
	check "the DaemonSet's flags generate the netconf from the node's primary" sh -c \
		"[ $? -eq 0 ] && jq -e '.type == \"multus\" and .delegates[0].name == \"earlier\"' '$NC' || { cat '$T/out1'; false; }"
else
	skip "the shipped DaemonSet runs auto mode" "python3 with yaml is not available"
fi
api_stop
done_testing
