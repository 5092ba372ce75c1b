#!/bin/sh
# Issue 7, point 1: a delegate inherits fds 0-2 and nothing else: not the API connection that
# is open during ADD, not libcurl's socketpair, not the store lock. The fdlog delegate lists
# its shell's fds at start; besides 0-2 (our pipes) only the script the shell reads may be
# there.
. "$SRC/tests/netns/lib.sh"
setup_dirs
. "$SRC/tests/netns/k8s_lib.sh"
SELF=$(readlink -f "$TESTBIN/fdlog")
export FD_LOG="$T/fds"
# only_stdio COMMAND: every listing of that command has 0, 1 and 2 as pipes and no other fd
# but the script.
only_stdio() {
	set -- "$FD_LOG.$1".*
	[ -e "$1" ] || { echo "no listing"; return 1; }
	for f in "$@"; do
		cat "$f"
		for fd in 0 1 2; do grep -q "^$fd pipe:\[[0-9]*\]\$" "$f" || return 1; done
		! grep -v -e '^[012] ' -e "^[0-9]* $SELF\$" "$f" || return 1
	done
}

check "API server starts" api_start
KC=$API/kubeconfig
ip link add up0 type veth peer name up0p && ip link set up0 up && ip link set up0p up
ip netns add pod
printf '{"cniVersion":"1.0.0","name":"fd-br","type":"fdlog","inner":"bridge","bridge":"br-fd","ipam":{"type":"host-local","subnet":"10.71.0.0/24","dataDir":"%s"}}\n' "$IPAM" >"$CONF/fd-br.conf"
nad default fd-mv "$(printf '{"cniVersion":"1.0.0","name":"fd-mv","type":"fdlog","inner":"macvlan","master":"up0","mode":"bridge","ipam":{"type":"host-local","subnet":"10.72.0.0/24","dataDir":"%s"}}' "$IPAM")"
netconf m '"kubeconfig":"'"$KC"'","defaultDelegates":"fd-br","apiTimeoutSeconds":5' >"$T/nc"
pod default web k8s.v1.cni.cncf.io/networks fd-mv
A=$(kargs default web)

multus ADD f1 eth0 /run/netns/pod "$A" <"$T/nc"
check "ADD through the API works (two fdlog delegates)" sh -c "[ $RC -eq 0 ] && ip netns exec pod ip link show eth1 >/dev/null && [ \$(ls '$FD_LOG'.ADD.* | wc -l) -eq 2 ]"
check "the API was used during this ADD" sh -c "grep -q 'fd-mv' '$API/requests.log'"
check "ADD: each delegate started with 0, 1, 2 only" only_stdio ADD
multus DEL f1 eth0 /run/netns/pod "$A" <"$T/nc"
check "DEL works" sh -c "[ $RC -eq 0 ] && [ \$(ls '$FD_LOG'.DEL.* | wc -l) -eq 2 ]"
check "DEL: each delegate started with 0, 1, 2 only" only_stdio DEL
done_testing
