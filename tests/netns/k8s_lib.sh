# The test API server and the helpers every t_k8s_*.sh uses (sourced after lib.sh and
# setup_dirs). The server runs inside the test's own network namespace, on its loopback.
API=$T/api
APIPID=
mkdir -p "$API/objects/pods" "$API/objects/nads"
# api_start [ARGS...]: apiserver.py's own flags after ours (--http2).
api_start() {
	rm -f "$API/ready"
	/usr/bin/python3 "$SRC/tests/k8s/apiserver.py" --dir "$API" --max-seconds 600 "$@" 2>>"$T/api.err" &
	APIPID=$!
	i=0
	while [ ! -e "$API/ready" ] && [ $i -lt 300 ]; do sleep 0.05; i=$((i + 1)); done
	[ -e "$API/ready" ]
}
api_stop() {
	[ -n "$APIPID" ] || return 0
	kill "$APIPID" 2>/dev/null
	wait "$APIPID" 2>/dev/null
	APIPID=
}
trap 'api_stop' EXIT
# pod NS NAME [ANNOTATION VALUE]...: writes the pod object atomically.
pod() {
	_ns=$1 _name=$2
	shift 2
	_obj='{"metadata":{"annotations":{}}}'
	while [ $# -ge 2 ]; do
		_obj=$(printf '%s' "$_obj" | jq -c --arg k "$1" --arg v "$2" '.metadata.annotations[$k] = $v')
		shift 2
	done
	mkdir -p "$API/objects/pods/$_ns"
	printf '%s\n' "$_obj" >"$API/objects/pods/$_ns/.$_name.tmp"
	mv "$API/objects/pods/$_ns/.$_name.tmp" "$API/objects/pods/$_ns/$_name.json"
}
# nad NS NAME CONFIG_TEXT: a NetworkAttachmentDefinition whose spec.config is CONFIG_TEXT.
nad() {
	mkdir -p "$API/objects/nads/$1"
	jq -n --arg c "$3" '{spec: {config: $c}}' >"$API/objects/nads/$1/.$2.tmp"
	mv "$API/objects/nads/$1/.$2.tmp" "$API/objects/nads/$1/$2.json"
}
# kargs NS NAME: CNI_ARGS as kubelet sends them.
kargs() { printf 'IgnoreUnknown=1;K8S_POD_NAMESPACE=%s;K8S_POD_NAME=%s;K8S_POD_INFRA_CONTAINER_ID=x' "$1" "$2"; }
# Config texts.
br_json() { # NAME BRIDGE SUBNET
	printf '{"cniVersion":"1.0.0","name":"%s","type":"bridge","bridge":"%s","isGateway":true,"ipam":{"type":"host-local","subnet":"%s","dataDir":"%s"}}' "$1" "$2" "$3" "$IPAM"
}
mv_json() { # NAME PARENT SUBNET
	printf '{"cniVersion":"1.0.0","name":"%s","type":"macvlan","master":"%s","mode":"bridge","ipam":{"type":"host-local","subnet":"%s","dataDir":"%s"}}' "$1" "$2" "$3" "$IPAM"
}
only_lo() { [ "$(ip netns exec "$1" ip -o link | wc -l)" -eq 1 ]; }
addr_of() { ip netns exec "$1" ip -o -4 addr show dev "$2" 2>/dev/null | awk '{print $4}'; }
# ok_addr DEV REGEX: the last ADD succeeded and DEV in netns "pod" has exactly one IPv4
# address, matching REGEX (host-local does not hand out the same address twice in a row).
ok_addr() { [ "$RC" -eq 0 ] && [ "$(addr_of pod "$1" | wc -l)" -eq 1 ] && addr_of pod "$1" | grep -qx "$2"; }
