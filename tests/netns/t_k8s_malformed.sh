#!/bin/sh
# Issue 3, point 8: a malformed network annotation of each kind fails ADD with CNI code 7 and
# a message that quotes the bad part; nothing reaches the pod, no store entry is left, and no
# delegate runs (the good network listed first never appears).
. "$SRC/tests/netns/lib.sh"
setup_dirs

. "$SRC/tests/netns/k8s_lib.sh"

check "API server starts" api_start
KC=$API/kubeconfig
ip link add up0 type veth peer name up0p && ip link set up0 up && ip link set up0p up
ip netns add pod
br_json flannel-conf br-f 10.3.0.0/24 >"$CONF/flannel-conf.conf"
mv_json macvlan-conf up0 10.30.0.0/24 >"$CONF/macvlan-conf.conf"
netconf m '"kubeconfig":"'"$KC"'","defaultDelegates":"flannel-conf"' >"$T/nc"

# bad [-x] ANNOTATION VALUE QUOTED...: ADD fails with code 7; the message names the annotation
# (not with -x: a clash between elements, maybe of two annotations) and contains each QUOTED
# string; the pod and the store stay empty.
n=0
bad() {
	named=1
	[ "$1" = -x ] && { named=0; shift; }
	ann=$1 val=$2
	shift 2
	n=$((n + 1))
	pod default bad "$ann" "$val"
	multus ADD bad$n eth0 /run/netns/pod "$(kargs default bad)" <"$T/nc"
	what="$ann: $(printf '%s' "$val" | head -c 60 | tr '\n' ' ')"
	check "$what: ADD fails with code 7" sh -c "[ $RC -ne 0 ] && jq -e '.code == 7' '$T/out'"
	[ $named = 1 ] && check "$what: the message names the annotation" jq -e --arg a "$ann" '.msg | contains($a)' "$T/out"
	for q in "$@"; do
		check "$what: the message quotes $q" jq -e --arg q "$q" '.msg | contains($q)' "$T/out"
	done
	check "$what: nothing in the pod, no store entry" sh -c "[ \$(ip netns exec pod ip -o link | wc -l) -eq 1 ] && [ ! -e '$STORE/bad$n.json' ] && [ \$(ls '$IPAM/flannel-conf' 2>/dev/null | grep -c '^10\\.') = 0 ]"
}
TKE=tke.cloud.tencent.com/networks
NETS=k8s.v1.cni.cncf.io/networks
DEFN=v1.multus-cni.io/default-network

# Comma form.
bad $TKE 'flannel-conf,a@b@c' '"a@b@c"'
bad $NETS 'macvlan-conf,a@b@c' '"a@b@c"'
bad $TKE 'flannel-conf,../etc' '../etc'
bad $NETS '../etc/passwd' '../etc/passwd'
bad $NETS 'a/b/c' '"a/b/c"'
bad $NETS 'macvlan-conf,,macvlan-conf' 'empty'
bad $NETS 'Macvlan_Conf' '"Macvlan_Conf"'
bad $NETS 'macvlan-conf@' '"macvlan-conf@"'
bad $NETS 'macvlan-conf@bad/name' '"bad/name"'
bad $NETS 'macvlan-conf@this-name-is-too-long' '"this-name-is-too-long"'
bad $NETS 'macvlan-conf@..' '".."'
bad -x $NETS 'macvlan-conf@net1,macvlan-conf@net1' '"net1"'
bad -x $TKE 'flannel-conf@eth0,macvlan-conf@eth0' '"eth0"'
bad $NETS 'Bad_NS/macvlan-conf' '"Bad_NS"'
# JSON form.
bad $TKE '[{"name":"flannel-conf"}' 'JSON'
bad $NETS '[{"name":"macvlan-conf",}]' 'JSON'
bad $NETS '[]' '[]'
bad $TKE '[null]' 'null'
bad $NETS '["macvlan-conf"]' '"macvlan-conf"'
bad $NETS '[{"name":"macvlan-conf"},7]' '7'
bad $NETS '[{"interface":"net5"}]' '{"interface":"net5"}' '"name"'
bad $NETS '[{"name":""}]' '"name"'
bad $NETS '[{"name":42}]' '{"name":42}'
bad $NETS '[{"name":"macvlan-conf","interface":"bad name"}]' '"bad name"'
bad $TKE '[{"name":"flannel-conf","interfaceRequest":"0123456789abcdef"}]' '"0123456789abcdef"'
bad -x $NETS '[{"name":"macvlan-conf","interface":"north"},{"name":"macvlan-conf","interface":"north"}]' '"north"'
bad $NETS '[{"name":"../etc"}]' '../etc'
bad $NETS '[{"name":"macvlan-conf","namespace":"a/b"}]' '"a/b"'
bad $NETS '[{"name":"macvlan-conf","ips":["10.1.1.300/24"]}]' '10.1.1.300/24'
bad $NETS '[{"name":"macvlan-conf","ips":"10.1.1.3/24"}]' '"ips"'
bad $NETS '[{"name":"macvlan-conf","mac":"c2:b0:57:49:47"}]' 'c2:b0:57:49:47'
bad $NETS '[{"name":"macvlan-conf","default-route":["nope"]}]' '"nope"'
bad $NETS '[{"name":"macvlan-conf","cni-args":"x=y"}]' '"cni-args"'
bad $NETS '{"name":"macvlan-conf"}' 'array'
bad $NETS '"macvlan-conf"' '"macvlan-conf"'
bad $DEFN 'flannel-conf,macvlan-conf' 'exactly one'
# A secondary network asking for the master's name (the two annotations clash).
pod default bad $TKE flannel-conf $NETS macvlan-conf@eth0
multus ADD clash eth0 /run/netns/pod "$(kargs default bad)" <"$T/nc"
check "networks macvlan-conf@eth0 next to the master eth0: code 7 quoting \"eth0\"" sh -c "[ $RC -eq 1 ] && jq -e '.code == 7 and (.msg | contains(\"\\\"eth0\\\"\"))' '$T/out'"
check "networks macvlan-conf@eth0 next to the master eth0: nothing in the pod" sh -c "[ \$(ip netns exec pod ip -o link | wc -l) -eq 1 ] && [ ! -e '$STORE/clash.json' ]"
# Huge and deeply nested input: a clear error, no crash.
head -c 300000 /dev/zero | tr '\0' 'a' >"$T/big"
jq -n --rawfile v "$T/big" --arg k $NETS '{metadata: {annotations: {($k): $v}}}' >"$API/objects/pods/default/.bad.tmp"
mv "$API/objects/pods/default/.bad.tmp" "$API/objects/pods/default/bad.json"
multus ADD huge eth0 /run/netns/pod "$(kargs default bad)" <"$T/nc"
check "huge annotation (300 kB): code 7, no crash" sh -c "[ $RC -eq 1 ] && jq -e '.code == 7 and (.msg | contains(\"$NETS\"))' '$T/out'"
deep=$(printf '%*s' 20000 '' | tr ' ' '[')
pod default bad $NETS "$deep"
multus ADD deep eth0 /run/netns/pod "$(kargs default bad)" <"$T/nc"
check "20000 nested [: code 7, no crash" sh -c "[ $RC -eq 1 ] && jq -e '.code == 7 and (.msg | contains(\"$NETS\"))' '$T/out'"
many=$(i=0; while [ $i -lt 200 ]; do printf 'macvlan-conf@n%d,' $i; i=$((i + 1)); done; printf 'macvlan-conf')
pod default bad $NETS "$many"
multus ADD many eth0 /run/netns/pod "$(kargs default bad)" <"$T/nc"
check "201 networks: code 7 saying too many, nothing attached" sh -c "[ $RC -eq 1 ] && jq -e '.code == 7' '$T/out' && [ \$(ip netns exec pod ip -o link | wc -l) -eq 1 ]"

# The same pod with the annotation fixed works: the failures left nothing in the way.
pod default bad $NETS 'macvlan-conf@net1'
multus ADD good eth0 /run/netns/pod "$(kargs default bad)" <"$T/nc"
check "fixed annotation: ADD succeeds with eth0 and net1" sh -c "[ $RC -eq 0 ] && ip netns exec pod ip link show eth0 >/dev/null && ip netns exec pod ip -d link show net1 | grep -q macvlan"
multus DEL good eth0 /run/netns/pod "$(kargs default bad)" <"$T/nc"
check "fixed annotation: DEL leaves only lo" only_lo pod
check "no store entries at all remain" sh -c "[ -z \"\$(ls '$STORE' | grep -v '\\.lock\$')\" ]"

api_stop
done_testing
