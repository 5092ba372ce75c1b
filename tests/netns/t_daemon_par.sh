#!/bin/sh
# Issue 11: 50 real `multus` ADDs in parallel, each pod in its own netns (bridge + host-local as
# the default network), all served by `multus daemon`: every one succeeds, the plugins make no
# API request at all (requests.log), the daemon writes all 50 statuses and 50 AddedInterface
# events; then 50 parallel DELs leave nothing behind: no store entry, no lease, no veth.
. "$SRC/tests/netns/lib.sh"
setup_dirs
. "$SRC/tests/netns/k8s_lib.sh"
. "$SRC/tests/netns/daemon_lib.sh"
N=50
cleanup() {
	daemon_stop
	api_stop
	i=0
	while [ $i -lt $N ]; do ip netns del "par$i" 2>/dev/null; i=$((i + 1)); done
}
trap cleanup EXIT
# run CMD I: CNI_COMMAND CMD for pod p$I in netns par$I; status in $T/rc.CMD.I. The plugins
# (and their delegates) run at a lower priority than the daemon: on a CI machine of 2 shared
# cores, 50 ADDs with their delegates at once would otherwise keep the daemon waiting for a CPU
# past the plugins' 50 ms (their own run-queue wait is not counted, the daemon's is). The
# daemon itself runs at -10, ahead of whatever else the machine runs at 0 (a full netns run
# beside other work once saw 4 of the 50 fall back at a load of 4).
run() {
	CNI_COMMAND=$1 CNI_CONTAINERID=cpar$2 CNI_IFNAME=eth0 CNI_NETNS=/run/netns/par$2 \
		CNI_ARGS="$(kargs default "p$2")" CNI_PATH=$CNI_PATH_TEST nice -n 9 "$MULTUS" <"$T/nc" \
		>"$T/out.$1.$2" 2>"$T/err.$1.$2"
	echo $? >"$T/rc.$1.$2"
}
# all CMD: N of them at once; $MS the wall time.
all() {
	t0=$(now_ms)
	i=0 pids=
	while [ $i -lt $N ]; do
		run "$1" $i &
		pids="$pids $!" i=$((i + 1))
	done
	# shellcheck disable=SC2086
	wait $pids # not a bare wait: the daemon and the API server are children too
	MS=$(($(now_ms) - t0))
}
all_ok() { [ "$(cat "$T"/rc."$1".* | grep -cx 0)" -eq $N ]; }
annotated() { n=0; for f in "$API"/objects/pods/default/p*.json; do jq -e '.metadata.annotations | has("k8s.v1.cni.cncf.io/network-status")' "$f" >/dev/null && n=$((n + 1)); done; echo $n; }

check "API server starts" api_start --http2
nad kube-system podnet "$(br_json podnet br-par 10.91.0.0/24)"
i=0
while [ $i -lt $N ]; do npod default "p$i" "" && ip netns add "par$i" && i=$((i + 1)) || break; done
netconf m '"kubeconfig":"'"$API/kubeconfig"'","daemonSocket":"'"$SOCK"'","defaultDelegates":"podnet","logLevel":"verbose"' >"$T/nc"
DAEMON_NICE=-10
check "daemon starts with $N pods cached" daemon_start
check "daemon: all $N pods listed" grep -q "watch pods: listed $N," "$DOUT"

L=$(lines)
S0=$(counter served)
all ADD
check "$N parallel ADDs ($MS ms): all succeed" all_ok ADD
check "$N parallel ADDs: each pod has eth0 with an address of podnet" sh -c "n=0; i=0; while [ \$i -lt $N ]; do ip netns exec par\$i ip -4 -o addr show dev eth0 | grep -q 'inet 10\.91\.0\.' && n=\$((n + 1)); i=\$((i + 1)); done; [ \$n -eq $N ]"
# Under ASan (daemon and plugins two to three times slower, 2 cores), the last of a burst of 50
# can wait past the plugin's 50 ms: it falls back to the API, as it must (a CI run saw 1 of 50).
# There up to 5 may; the native build must serve all 50. A fallback names why in its log.
ALLOW=0
nm -D "$MULTUS" 2>/dev/null | grep -q __asan_init && ALLOW=5
F=$(grep -l 'node-local cache .*asking the API server' "$T"/err.ADD.* 2>/dev/null | wc -l)
[ "$F" -eq 0 ] || grep -h 'node-local cache' "$T"/err.ADD.* | sed 's/.*node-local cache [^ ]*//' | sort | uniq -c | sed 's/^/# fallback: /'
check "$N parallel ADDs: $F fell back to the API (at most $ALLOW); without a fallback no API request from the plugins (requests.log)" sh -c "[ $F -le $ALLOW ] && { [ $F -gt 0 ] || [ $(plugin_reqs "$L") -eq 0 ]; }"
S=$((N - F))
check "$N parallel ADDs: $S served by the daemon (the pod with its NAD: $S answers at least)" sh -c "[ $(($(counter served) - S0)) -ge $S ]"
check "the daemon wrote the $S statuses of the ADDs it served" wait_for sh -c "[ \$(tail -n +$((L + 1)) '$R' | jq -s '[.[] | select(.method == \"PATCH\" and .status == 200 and (.ua | startswith(\"multus-daemon/\")))] | map(.path) | unique | length') -ge $S ]"
check "the daemon wrote the $S AddedInterface events of the ADDs it served" wait_for sh -c "[ \$(tail -n +$((L + 1)) '$R' | jq -s '[.[] | select(.method == \"POST\" and .status == 201 and (.ua | startswith(\"multus-daemon/\")))] | length') -ge $S ]"
check "all $N AddedInterface events written, by the daemon or the plugin that fell back" wait_for sh -c "[ \$(tail -n +$((L + 1)) '$R' | jq -s '[.[] | select(.method == \"POST\" and .status == 201)] | length') -eq $N ]"
check "every pod object carries its network-status" [ "$(annotated)" -eq $N ]
check "the daemon dropped no write" [ "$(counter dropped)" -eq 0 ]
check "$N store entries, $N leases, $N veths on br-par" sh -c "[ \$(ls -A '$STORE' | grep -c cpar) -ge $N ] && [ $(ipam_count podnet) -eq $N ] && [ \$(ip -o link show master br-par | wc -l) -eq $N ]"

L=$(lines)
all DEL
check "$N parallel DELs ($MS ms): all succeed" all_ok DEL
check "$N parallel DELs: no API request at all" [ "$(tail -n +$((L + 1)) "$R" | jq -s '[.[] | select(.ua | startswith("multus-daemon/") | not)] | length')" -eq 0 ]
check "$N parallel DELs: nothing left: no store entry, no lease, no veth on br-par, no eth0" sh -c "
	[ -z \"\$(ls -A '$STORE' 2>/dev/null | grep -v '^\\.lock\$' | grep cpar)\" ] && [ $(ipam_count podnet) -eq 0 ] &&
	[ -z \"\$(ip -o link show master br-par 2>/dev/null)\" ] &&
	i=0; while [ \$i -lt $N ]; do ! ip netns exec par\$i ip link show eth0 >/dev/null 2>&1 || exit 1; i=\$((i + 1)); done"
done_testing
