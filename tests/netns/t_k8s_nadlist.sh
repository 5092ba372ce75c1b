#!/bin/sh
# Issue 9 point 4: NAD lookups per ADD. One LIST per namespace when the plan needs two or more
# NADs from it, else one GET; no NAD is asked for twice in one invocation (a 404 that falls back
# to confDir included); the LIST follows continue tokens; a LIST that is refused falls back to
# GETs. Requests are counted in the test API server's log.
. "$SRC/tests/netns/lib.sh"
setup_dirs
. "$SRC/tests/netns/k8s_lib.sh"

check "API server starts" api_start
ip netns add pod
br_json flannel-conf br-f 10.60.0.0/24 >"$CONF/flannel-conf.conf"
br_json solo br-s 10.61.0.0/24 >"$CONF/solo.conf"
for i in 1 2 3; do nad default net$i "$(br_json net$i br-n$i 10.6$((i + 1)).0.0/24)"; done
nad other net4 "$(br_json net4 br-n4 10.65.0.0/24)"
# defaultDelegates names no NAD namespace of its own: kube-system/flannel-conf is one GET (404).
netconf m '"kubeconfig":"'"$API/kubeconfig"'","defaultDelegates":"flannel-conf"' >"$T/nc"
A=$(kargs default web)

# add_del ID NETWORKS: ADD of pod default/web with that networks annotation (the request log
# cleared first; RC and the log kept), then DEL.
add_del() {
	pod default web k8s.v1.cni.cncf.io/networks "$2"
	: >"$API/requests.log"
	multus ADD "$1" eth0 /run/netns/pod "$A" <"$T/nc"
	ADD_RC=$RC
	ADD_LINKS=$(ip netns exec pod ip -o link | wc -l)
	cp "$API/requests.log" "$T/req.$1"
	cp "$T/err" "$T/err.$1"
	multus DEL "$1" eth0 /run/netns/pod "$A" <"$T/nc"
}
# gets NS [NAME]: NAD GETs in the last ADD's log (of NAME, or of any name in NS).
gets() { grep -c "\"GET\", \"path\": \"/apis/k8s.cni.cncf.io/v1/namespaces/$1/network-attachment-definitions/${2:-[^\"]*}\"" "$T/req.$ID"; }
# lists NS: NAD LISTs of NS in the last ADD's log.
lists() { grep -c "\"GET\", \"path\": \"/apis/k8s.cni.cncf.io/v1/namespaces/$1/network-attachment-definitions\"" "$T/req.$ID"; }
counts() { echo "default: $(gets default) GET $(lists default) LIST; kube-system: $(gets kube-system) GET $(lists kube-system) LIST; other: $(gets other) GET $(lists other) LIST"; }

ID=one
add_del $ID net1
check "1 NAD: ADD works (eth0, net1)" sh -c "[ $ADD_RC -eq 0 ] && [ $ADD_LINKS -eq 3 ]"
check "1 NAD: one GET, no LIST ($(counts))" sh -c "[ $(gets default net1) = 1 ] && [ $(gets default) = 1 ] && [ $(lists default) = 0 ]"
check "1 NAD: the clusterNetwork's NAD is one GET (404, then confDir)" [ "$(gets kube-system flannel-conf)" = 1 ]
check "1 NAD: 4 requests besides the event POSTs (pod, 2 NADs, status PATCH)" [ "$(grep -vc '"POST"' "$T/req.$ID")" = 4 ]

ID=three
add_del $ID "net1,net2,net3"
check "3 NADs of one namespace: ADD works (eth0, net1-net3)" sh -c "[ $ADD_RC -eq 0 ] && [ $ADD_LINKS -eq 5 ]"
check "3 NADs of one namespace: one LIST, no GET ($(counts))" sh -c "[ $(lists default) = 1 ] && [ $(gets default) = 0 ]"
check "3 NADs: the LIST asks for a bounded page" grep -q '"query": "limit=[0-9]*"' "$T/req.$ID"

ID=fallback
add_del $ID "net1,solo"
check "a NAD and a confDir-only network: ADD works" sh -c "[ $ADD_RC -eq 0 ] && [ $ADD_LINKS -eq 4 ]"
check "a NAD and a confDir-only network: one LIST, no GET of the missing one ($(counts))" sh -c "[ $(lists default) = 1 ] && [ $(gets default) = 0 ]"

ID=twice
add_del $ID "solo@s1,solo@s2"
check "a 404 NAD used twice (confDir fallback): ADD works" sh -c "[ $ADD_RC -eq 0 ] && [ $ADD_LINKS -eq 4 ]"
check "a 404 NAD used twice: asked once ($(counts))" sh -c "[ $(gets default solo) = 1 ] && [ $(lists default) = 0 ]"

ID=two_ns
add_del $ID "net1,net2,other/net4"
check "two namespaces: ADD works" sh -c "[ $ADD_RC -eq 0 ] && [ $ADD_LINKS -eq 5 ]"
check "two namespaces: one LIST of default, one GET of other/net4 ($(counts))" sh -c \
	"[ $(lists default) = 1 ] && [ $(gets default) = 0 ] && [ $(gets other net4) = 1 ] && [ $(lists other) = 0 ]"

printf '2\n' >"$API/list.limit"
ID=paged
add_del $ID "net1,net2,net3"
check "pages of 2: ADD works" sh -c "[ $ADD_RC -eq 0 ] && [ $ADD_LINKS -eq 5 ]"
check "pages of 2: two LIST requests, the second with the continue token, no GET ($(counts))" sh -c \
	"[ $(lists default) = 2 ] && grep -q '\"query\": \"limit=[0-9]*&continue=[A-Za-z0-9%_-]*\"' '$T/req.$ID' && [ $(gets default) = 0 ]"
rm -f "$API/list.limit"

printf '[{"method":"GET","path":"network-attachment-definitions$","action":{"status":403}}]\n' >"$API/faults.json"
ID=nolist
add_del $ID "net1,net2,net3"
check "LIST refused (403): ADD works" sh -c "[ $ADD_RC -eq 0 ] && [ $ADD_LINKS -eq 5 ]"
check "LIST refused: one LIST, then one GET per NAD ($(counts))" sh -c "[ $(lists default) = 1 ] && [ $(gets default) = 3 ]"
check "LIST refused: a warning says so" grep -q "asking for each NetworkAttachmentDefinition" "$T/err.$ID"
rm -f "$API/faults.json"

api_stop
done_testing
