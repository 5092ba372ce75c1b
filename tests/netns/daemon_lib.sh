# Helpers of the `multus daemon` tests (t_daemon*.sh), sourced after lib.sh, setup_dirs and
# k8s_lib.sh: the daemon against the test API server, and what its log and counters say.
now_ms() { echo $(($(date +%s%N) / 1000000)); }
SOCK=$T/run/multus/multus.sock DOUT=$T/daemon.out DPID=
R=$API/requests.log
faults() { printf '%s\n' "$1" >"$API/.faults.tmp" && mv "$API/.faults.tmp" "$API/faults.json"; }
# npod NS NAME UID [ANNOTATION VALUE]...: a pod of node1.
npod() {
	_ns=$1 _name=$2 _uid=$3
	shift 3
	_obj=$(jq -nc --arg u "$_uid" '{metadata: {annotations: {}}, spec: {nodeName: "node1"}} | if $u != "" then .metadata.uid = $u else . end')
	while [ $# -ge 2 ]; do
		_obj=$(printf '%s' "$_obj" | jq -c --arg k "$1" --arg v "$2" '.metadata.annotations[$k] = $v')
		shift 2
	done
	mkdir -p "$API/objects/pods/$_ns"
	printf '%s\n' "$_obj" >"$API/objects/pods/$_ns/.$_name.tmp"
	mv "$API/objects/pods/$_ns/.$_name.tmp" "$API/objects/pods/$_ns/$_name.json"
}
# daemon_start [ARGS...]: the cache only, for node1, until both LISTs are done; at the
# priority $DAEMON_NICE (a nice value, default 0).
daemon_start() {
	mkdir -p "$T/run"
	NODE_NAME=node1 nice -n "${DAEMON_NICE:-0}" "$MULTUS" daemon --no-install --socket "$SOCK" --kubeconfig "$API/kubeconfig" \
		"$@" >"$DOUT" 2>&1 &
	DPID=$!
	i=0
	while ! { grep -q "watch pods: listed" "$DOUT" && grep -q "watch nads: listed" "$DOUT"; } && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	# Not listed: what the daemon said instead goes into the check's output.
	grep -q "watch nads: listed" "$DOUT" || { tail -n 15 "$DOUT"; return 1; }
}
daemon_stop() { [ -n "$DPID" ] && kill "$DPID" 2>/dev/null; wait "$DPID" 2>/dev/null; DRC=$?; DPID=; }
# counter NAME: the daemon's counter as it logs them on SIGUSR1.
counter() {
	n=$(grep -c "served " "$DOUT")
	kill -USR1 "$DPID"
	i=0
	while [ "$(grep -c "served " "$DOUT")" -le "$n" ] && [ $i -lt 100 ]; do sleep 0.02; i=$((i + 1)); done
	grep "served " "$DOUT" | tail -n 1 | sed -n "s/.*[ ,]$1 \([0-9]*\).*/\1/p"
}
# plugin_reqs N: lines of requests.log after line N not made by the daemon.
plugin_reqs() { tail -n +"$(($1 + 1))" "$R" | jq -c 'select(.ua | startswith("multus-daemon/") | not)' | wc -l; }
lines() { wc -l <"$R"; }
wait_for() { i=0; while ! "$@" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done; "$@"; }
TLS_LIBS='libcurl|libssl|libcrypto|libgnutls|libnghttp2'
# add ID NS NAME [UID]: ADD (netns "pod", netconf $T/nc) with the loader's log, then its
# DEL; $RC, $MS, $T/out and $T/err (the ADD's; the DEL's output is in $T/del.out).
add() {
	rm -rf "$T/ld" && mkdir "$T/ld"
	_a="$(kargs "$2" "$3")${4:+;K8S_POD_UID=$4}"
	t0=$(now_ms)
	CNI_COMMAND=ADD CNI_CONTAINERID=$1 CNI_IFNAME=eth0 CNI_NETNS=/run/netns/pod CNI_ARGS=$_a \
		CNI_PATH=$CNI_PATH_TEST LD_DEBUG=libs LD_DEBUG_OUTPUT=$T/ld/log "$MULTUS" <"$T/nc" >"$T/out" 2>"$T/err"
	RC=$?
	MS=$(($(now_ms) - t0))
	# Not through lib.sh's multus(): that would put the DEL's output over the ADD's.
	CNI_COMMAND=DEL CNI_CONTAINERID=$1 CNI_IFNAME=eth0 CNI_NETNS=/run/netns/pod CNI_ARGS=$_a \
		CNI_PATH=$CNI_PATH_TEST "$MULTUS" <"$T/nc" >"$T/del.out" 2>&1
}
unmapped() { [ -n "$(ls "$T/ld")" ] && ! cat "$T"/ld/log.* | grep -Eq "calling init: .*($TLS_LIBS)"; }
# wait_cached N: until the daemon's cache holds N pods (its counters), after the watch brought
# one: a fixed sleep is too short on a busy machine.
wait_cached() { i=0; while [ "$(counter pods)" -lt "$1" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done; }
# wait_pod_has NAME TEXT: until the cached pod default/NAME (as the daemon answers) has TEXT.
wait_pod_has() {
	i=0
	while ! /usr/bin/python3 "$SRC/tests/k8s/cache_client.py" --socket "$SOCK" \
		--request '{"v":1,"op":"pod","namespace":"default","name":"'"$1"'"}' 2>/dev/null | grep -qF "$2" &&
		[ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
}
# wait_hung L: until a pods watch asked for after line L of requests.log hangs (a hang fault).
wait_hung() { wait_for sh -c "tail -n +$(($1 + 1)) '$R' | jq -se 'any(.[]; .path == \"/api/v1/pods\" and .fault == \"hang\")' >/dev/null"; }
