#!/bin/sh
# Issue 2, 10b and 10c: the seed README's three networks (eth0, eth1, north) from
# defaultDelegates, inline `delegates`, and a conflist with tuning chained (MTU applied).
. "$SRC/tests/netns/lib.sh"
setup_dirs
bridge_conf flannel-conf br-s 10.3.0.0/24
macvlan_conf sriov-conf up0 10.4.0.0/24
ip link add up1 type veth peer name up1p && ip link set up1 up && ip link set up1p up
printf '{"cniVersion":"1.0.0","name":"sriov-vlanid-l2enable-conf","plugins":[{"type":"macvlan","master":"up1","mode":"bridge","ipam":{"type":"host-local","subnet":"10.5.0.0/24","dataDir":"%s"}},{"type":"tuning","mtu":1280}]}\n' "$IPAM" >"$CONF/sriov-vlanid-l2enable-conf.conflist"
ip netns add seed

# The seed's JSON list (with interfaceRequest) as defaultDelegates.
netconf node-cni-network '"defaultDelegates":"[{\"name\":\"flannel-conf\"},{\"name\":\"sriov-conf\"},{\"name\":\"sriov-vlanid-l2enable-conf\",\"interfaceRequest\":\"north\"}]","LogFile":"'"$T"'/multus.log","LogLevel":"debug"' >"$T/nc"
multus ADD seed1 eth0 /run/netns/seed <"$T/nc"
check "seed example: ADD succeeds" [ "$RC" -eq 0 ]
check "eth0 is the flannel-conf bridge network" sh -c "ip netns exec seed ip -o -4 addr show eth0 | grep -q 'inet 10.3.0.'"
check "eth1 is sriov-conf (macvlan)" sh -c "ip netns exec seed ip -d link show eth1 | grep -q macvlan && ip netns exec seed ip -o -4 addr show eth1 | grep -q 'inet 10.4.0.'"
check "north is the conflist network" sh -c "ip netns exec seed ip -o -4 addr show north | grep -q 'inet 10.5.0.'"
check "tuning applied MTU 1280 on north" sh -c "ip netns exec seed ip link show north | grep -q 'mtu 1280'"
check "printed result is the master's" jq_out '.ips[0].address | startswith("10.3.0.")'
check "LogFile written with level and container id" grep -q ' debug \[seed1\] ' "$T/multus.log"
check "LogFile is 0600" [ "$(stat -c %a "$T/multus.log")" = 600 ]
check "store entry is 0600 in a 0700 dir" sh -c "[ \$(stat -c %a '$STORE') = 700 ] && [ \$(stat -c %a '$STORE/seed1.json') = 600 ]"
check "store keeps network, ifname, version, result" sh -c "jq -e '.attachments | length == 3 and .[2].ifname == \"north\" and .[2].network == \"sriov-vlanid-l2enable-conf\" and .[2].cniVersion == \"1.0.0\" and (.[2].result.ips | length) == 1' '$STORE/seed1.json'"
multus CHECK seed1 eth0 /run/netns/seed <"$T/nc"
check "CHECK on the healthy pod succeeds" [ "$RC" -eq 0 ]
multus DEL seed1 eth0 /run/netns/seed <"$T/nc"
check "DEL succeeds" [ "$RC" -eq 0 ]
check "nothing left in the pod" sh -c "[ \$(ip netns exec seed ip -o link | wc -l) -eq 1 ]"
check "IPAM released for all three" [ "$(ipam_count flannel-conf)$(ipam_count sriov-conf)$(ipam_count sriov-vlanid-l2enable-conf)" = "000" ]

# logToStderr false: nothing on stderr (kubelet's log), still everything in the log file.
netconf node-cni-network '"defaultDelegates":"flannel-conf","logToStderr":false,"logFile":"'"$T"'/quiet.log","logLevel":"verbose"' >"$T/nc"
multus ADD quiet eth0 /run/netns/seed <"$T/nc"
check "logToStderr false: ADD succeeds with an empty stderr" sh -c "[ $RC -eq 0 ] && [ ! -s '$T/err' ]"
check "logToStderr false: the log file has the verbose lines" grep -q ' verbose \[quiet\] ADD flannel-conf as eth0' "$T/quiet.log"
multus DEL quiet eth0 /run/netns/seed <"$T/nc"
netconf node-cni-network '"defaultDelegates":"nosuch","logLevel":"panic"' >"$T/nc"
multus ADD quiet2 eth0 /run/netns/seed <"$T/nc"
check "logLevel panic: an error is still reported on stdout, not logged" sh -c "[ $RC -ne 0 ] && jq -e '.code == 7' '$T/out' && [ ! -s '$T/err' ]"

# The comma form with @ifname, and the string form of the seed ("tke-bridge").
netconf node-cni-network '"defaultDelegates":"flannel-conf, sriov-conf ,sriov-vlanid-l2enable-conf@north"' >"$T/nc"
multus ADD seed2 eth0 /run/netns/seed <"$T/nc"
check "comma form: ADD succeeds" [ "$RC" -eq 0 ]
check "comma form: eth0, eth1 and north" sh -c "for i in eth0 eth1 north; do ip netns exec seed ip link show \$i >/dev/null || exit 1; done"
multus DEL seed2 eth0 /run/netns/seed <"$T/nc"

# ifnamePrefix "net" gives upstream's names; a requested name is skipped by auto names.
netconf node-cni-network '"ifnamePrefix":"net","defaultDelegates":"flannel-conf,sriov-conf@net1,sriov-vlanid-l2enable-conf"' >"$T/nc"
multus ADD seed3 eth0 /run/netns/seed <"$T/nc"
check "auto names skip requested ones: net1 requested, conflist gets net2" sh -c "ip netns exec seed ip link show net1 >/dev/null && ip netns exec seed ip link show net2 >/dev/null"
multus DEL seed3 eth0 /run/netns/seed <"$T/nc"

# Inline delegates: the first is the master.
br=$(cat "$CONF/flannel-conf.conf")
mv=$(cat "$CONF/sriov-conf.conf")
netconf inline "\"delegates\":[$br,$mv]" >"$T/nc"
multus ADD seed4 eth0 /run/netns/seed <"$T/nc"
check "inline delegates: ADD succeeds with eth0 and eth1" sh -c "[ $RC -eq 0 ] && ip netns exec seed ip link show eth1 >/dev/null"
multus DEL seed4 eth0 /run/netns/seed <"$T/nc"
check "inline delegates: DEL leaves only lo" sh -c "[ \$(ip netns exec seed ip -o link | wc -l) -eq 1 ]"

# A link that was in the pod before is skipped by auto naming and never touched.
ip netns exec seed ip link add eth1 type veth peer name keepme
netconf node-cni-network '"defaultDelegates":"flannel-conf,sriov-conf"' >"$T/nc"
multus ADD seed5 eth0 /run/netns/seed <"$T/nc"
check "an existing eth1 in the pod: the second network becomes eth2" sh -c "[ $RC -eq 0 ] && ip netns exec seed ip -d link show eth2 | grep -q macvlan"
multus DEL seed5 eth0 /run/netns/seed <"$T/nc"
check "the pre-existing eth1 is still there after DEL" has_link seed eth1
# An unknown logLevel is a warning, not a failed ADD (upstream ignores it; the level is info).
netconf node-cni-network '"defaultDelegates":"flannel-conf","logLevel":"loud"' >"$T/nc"
multus ADD lvl eth0 /run/netns/seed <"$T/nc"
check "unknown logLevel: ADD succeeds" [ "$RC" -eq 0 ]
check "unknown logLevel: a warning names it" grep -q ' warning \[lvl\] netconf: logLevel "loud" is not one of .*; using info' "$T/err"
check "unknown logLevel: info lines are logged, debug ones are not" sh -c "grep -q ' info \[lvl\] ' '$T/err' && ! grep -q ' debug ' '$T/err'"
multus DEL lvl eth0 /run/netns/seed <"$T/nc"
check "unknown logLevel: DEL succeeds" [ "$RC" -eq 0 ]

# clusterNetwork naming a directory: its first config file by name (upstream's third form),
# passing over multus's own; an invalid first file is an error naming it.
mkdir "$T/primary"
netconf m-in-dir '"defaultDelegates":"x"' >"$T/primary/00-multus.conf"
sed 's/"flannel-conf"/"dir-first"/' "$CONF/flannel-conf.conf" >"$T/primary/10-first.conf"
sed 's/"sriov-conf"/"dir-second"/' "$CONF/sriov-conf.conf" >"$T/primary/20-second.conflist.json"
: >"$T/primary/05-not-a-config.txt"
netconf node-cni-network '"clusterNetwork":"'"$T/primary"'"' >"$T/nc"
multus ADD cdir eth0 /run/netns/seed <"$T/nc"
check "clusterNetwork directory: ADD succeeds" [ "$RC" -eq 0 ]
check "clusterNetwork directory: the first config by name (10-first.conf, multus's own passed over)" sh -c "jq -e '[.attachments[] | [.network, .ifname]] == [[\"dir-first\",\"eth0\"]]' '$STORE/cdir.json'"
check "clusterNetwork directory: eth0 is that bridge network (10.3.0.x)" sh -c "ip netns exec seed ip -o -4 addr show eth0 | grep -q 'inet 10.3.0.'"
multus DEL cdir eth0 /run/netns/seed <"$T/nc"
check "clusterNetwork directory: DEL succeeds, eth0 gone" sh -c "[ $RC -eq 0 ] && ! ip netns exec seed ip link show eth0 2>/dev/null"
printf '{"name":' >"$T/primary/01-broken.conf"
multus ADD cdir2 eth0 /run/netns/seed <"$T/nc"
check "clusterNetwork directory with an invalid first file: code 7 naming it" sh -c "[ $RC -ne 0 ] && jq -e '.code == 7 and (.msg | contains(\"clusterNetwork\") and contains(\"01-broken.conf\"))' '$T/out'"
mkdir "$T/empty"
netconf node-cni-network '"clusterNetwork":"'"$T/empty"'"' >"$T/nc"
multus ADD cdir3 eth0 /run/netns/seed <"$T/nc"
check "clusterNetwork empty directory: code 7 naming it" sh -c "[ $RC -ne 0 ] && jq -e '.code == 7 and (.msg | contains(\"no config file\") and contains(\"$T/empty\"))' '$T/out'"
check "clusterNetwork directory: no eth0 left, no store entries" sh -c "! ip netns exec seed ip link show eth0 2>/dev/null && [ ! -e '$STORE/cdir2.json' ] && [ ! -e '$STORE/cdir3.json' ]"
done_testing
