#!/bin/sh
# Issue 2, 10a: bridge+host-local (eth0) and macvlan (eth1) together, for each caller version.
# Issue 8, 1: 0.1.0/0.2.0 callers (also without cniVersion) get the 0.2.0 form; delegates that
# speak 0.1.0/0.2.0 (also configs without cniVersion); CHECK/GC/STATUS refused below their
# versions; VERSION.
#
#   pod netns "p"  eth0 --veth-- br-v (host side, 10.1.0.1)   eth1 (macvlan on parent0)
. "$SRC/tests/netns/lib.sh"
setup_dirs
bridge_conf br-net br-v 10.1.0.0/24 0.4.0
macvlan_conf mv-net parent0 10.2.0.0/24 1.0.0
ip netns add p
for v in 0.3.0 0.3.1 0.4.0 1.0.0 1.1.0; do
	netconf multus '"defaultDelegates":"br-net,mv-net"' "$v" >"$T/nc"
	multus ADD c-$v eth0 /run/netns/p <"$T/nc"
	check "$v: ADD succeeds" [ "$RC" -eq 0 ]
	check "$v: result cniVersion is the caller's" jq_out ".cniVersion == \"$v\""
	case $v in
	0.3.*|0.4.0) check "$v: ips carry version" jq_out '.ips[0].version == "4"' ;;
	*) check "$v: ips carry no version" jq_out '.ips[0] | has("version") | not' ;;
	esac
	check "$v: result is the master's (bridge 10.1.0.x)" jq_out '.ips[0].address | startswith("10.1.0.")'
	check "$v: result names eth0 in the sandbox" jq_out '[.interfaces[] | select(.sandbox != null and .sandbox != "") | .name] == ["eth0"]'
	addr0=$(jq -r '.ips[0].address' "$T/out")
	check "$v: eth0 has the result's address" sh -c "ip netns exec p ip -o addr show eth0 | grep -q ' $addr0 '"
	check "$v: eth1 exists with a 10.2.0.x address" sh -c "ip netns exec p ip -o -4 addr show eth1 | grep -q 'inet 10.2.0.'"
	check "$v: lo is up" sh -c "ip netns exec p ip link show lo | grep -q 'UP'"
	multus DEL c-$v eth0 /run/netns/p <"$T/nc"
	check "$v: DEL succeeds" [ "$RC" -eq 0 ]
	check "$v: no eth0/eth1 left" sh -c '! ip netns exec p ip link show eth0 2>/dev/null && ! ip netns exec p ip link show eth1 2>/dev/null'
	check "$v: IPAM released" [ "$(ipam_count br-net)$(ipam_count mv-net)" = "00" ]
	check "$v: store entry gone" [ ! -e "$STORE/c-$v.json" ]
done
# netconf_nov NAME EXTRA: a multus netconf without cniVersion (0.1.0).
netconf_nov() {
	printf '{"name":"%s","type":"multus","confDir":"%s","cniDir":"%s","binDir":"%s"%s}' \
		"$1" "$CONF" "$STORE" "$PLUGINS" "${2:+,$2}"
}

# 0.1.0/0.2.0 callers: the master's result in the 0.2.0 form, from a 0.4.0 bridge.
for v in none 0.1.0 0.2.0; do
	if [ $v = none ]; then
		netconf_nov multus '"defaultDelegates":"br-net,mv-net"' >"$T/nc"
		want=0.1.0
	else
		netconf multus '"defaultDelegates":"br-net,mv-net"' "$v" >"$T/nc"
		want=$v
	fi
	multus ADD c-$v eth0 /run/netns/p <"$T/nc"
	check "caller $v: ADD succeeds" [ "$RC" -eq 0 ]
	check "caller $v: result cniVersion $want" jq_out ".cniVersion == \"$want\""
	check "caller $v: 0.2.0 form: ip4 with ip and gateway, dns, nothing newer" \
		jq_out '(.ip4.ip | startswith("10.1.0.")) and .ip4.gateway == "10.1.0.1" and (.dns | type) == "object" and (has("ips") or has("interfaces") or has("routes") or has("ip6") | not)'
	addr0=$(jq -r '.ip4.ip' "$T/out")
	check "caller $v: eth0 has the result's address" sh -c "ip netns exec p ip -o addr show eth0 | grep -q ' $addr0 '"
	check "caller $v: eth1 exists with a 10.2.0.x address" sh -c "ip netns exec p ip -o -4 addr show eth1 | grep -q 'inet 10.2.0.'"
	multus DEL c-$v eth0 /run/netns/p <"$T/nc"
	check "caller $v: DEL succeeds" [ "$RC" -eq 0 ]
	check "caller $v: no eth0/eth1 left" sh -c '! ip netns exec p ip link show eth0 2>/dev/null && ! ip netns exec p ip link show eth1 2>/dev/null'
	check "caller $v: IPAM released" [ "$(ipam_count br-net)$(ipam_count mv-net)" = "00" ]
	check "caller $v: store entry gone" [ ! -e "$STORE/c-$v.json" ]
done

# Both families and routes (static IPAM) and dns (macvlan's own key) from a 1.0.0 delegate, printed for a 0.2.0 caller.
printf '{"cniVersion":"1.0.0","name":"st-net","type":"macvlan","master":"parent0","mode":"bridge","ipam":{"type":"static","addresses":[{"address":"10.6.0.5/24","gateway":"10.6.0.1"},{"address":"fd06::5/64","gateway":"fd06::1"}],"routes":[{"dst":"10.60.0.0/16"},{"dst":"fd60::/48"}]},"dns":{"nameservers":["10.6.0.53"],"search":["example.test"]}}\n' >"$CONF/st-net.conf"
netconf multus '"defaultDelegates":"st-net"' 0.2.0 >"$T/nc"
multus ADD ds eth0 /run/netns/p <"$T/nc"
check "dual stack, 0.2.0 caller: ADD succeeds" [ "$RC" -eq 0 ]
check "dual stack, 0.2.0 caller: exactly the 0.2.0 result" jq_out '. == {"cniVersion":"0.2.0","ip4":{"ip":"10.6.0.5/24","gateway":"10.6.0.1","routes":[{"dst":"10.60.0.0/16"}]},"ip6":{"ip":"fd06::5/64","gateway":"fd06::1","routes":[{"dst":"fd60::/48"}]},"dns":{"nameservers":["10.6.0.53"],"search":["example.test"]}}'
check "dual stack: the routes are in the pod" sh -c "ip netns exec p ip route show 10.60.0.0/16 | grep -q 'via 10.6.0.1' && ip netns exec p ip -6 route show fd60::/48 | grep -q 'via fd06::1'"
multus DEL ds eth0 /run/netns/p <"$T/nc"
check "dual stack: DEL succeeds and eth0 is gone" sh -c "[ $RC -eq 0 ] && ! ip netns exec p ip link show eth0 2>/dev/null"

# Delegates that speak 0.1.0 (no cniVersion) and 0.2.0, and one that speaks 0.4.0: `rec` logs
# the command and the config each is given, then runs the real plugin named by "inner".
cat >"$T/rec" <<'SH'
#!/bin/sh
conf=$(cat)
printf '%s %s\n' "$CNI_COMMAND" "$(printf '%s' "$conf" | jq -c .)" >>"$REC_LOG"
inner=$(printf '%s' "$conf" | jq -r '.inner // "bridge"')
printf '%s' "$conf" | exec "$PLUGINS/$inner"
SH
chmod +x "$T/rec"
export REC_LOG=$T/rec.log PLUGINS
printf '{"name":"old-br","type":"rec","inner":"bridge","bridge":"br-o","isGateway":true,"ipam":{"type":"host-local","subnet":"10.7.0.0/24","dataDir":"%s"}}\n' "$IPAM" >"$CONF/old-br.conf"
printf '{"cniVersion":"0.2.0","name":"old-mv","type":"rec","inner":"macvlan","master":"parent0","mode":"bridge","ipam":{"type":"host-local","subnet":"10.8.0.0/24","dataDir":"%s"}}\n' "$IPAM" >"$CONF/old-mv.conf"
printf '{"cniVersion":"0.4.0","name":"new-mv","type":"rec","inner":"macvlan","master":"parent0","mode":"bridge","ipam":{"type":"host-local","subnet":"10.9.0.0/24","dataDir":"%s"}}\n' "$IPAM" >"$CONF/new-mv.conf"
# recs CMD: "NETWORK:VERSION:prev" (prev when a prevResult was given) for each call, in order.
recs() { sed -n "s/^$1 //p" "$REC_LOG" | jq -r '"\(.name):\(.cniVersion):\(if has("prevResult") then "prev" else "-" end)"' | tr '\n' ' '; }
for v in 0.3.1 1.0.0 1.1.0; do
	: >"$REC_LOG"
	netconf multus '"defaultDelegates":"old-br,old-mv,new-mv"' "$v" >"$T/nc"
	CNI_PATH_TEST="$T:$CNI_PATH_TEST" multus ADD o-$v eth0 /run/netns/p <"$T/nc"
	check "old delegates, caller $v: ADD succeeds" [ "$RC" -eq 0 ]
	check "old delegates, caller $v: spoken in 0.1.0, 0.2.0 and 0.4.0" [ "$(recs ADD)" = "old-br:0.1.0:- old-mv:0.2.0:- new-mv:0.4.0:- " ]
	check "old delegates, caller $v: the master's 0.2.0 result converted up to $v" \
		jq_out ".cniVersion == \"$v\" and (.ips | length) == 1 and (.ips[0].address | startswith(\"10.7.0.\")) and .ips[0].gateway == \"10.7.0.1\""
	case $v in
	0.3.1) check "caller 0.3.1: ips[].version derived" jq_out '.ips[0].version == "4"' ;;
	*) check "caller $v: no ips[].version" jq_out '.ips[0] | has("version") | not' ;;
	esac
	mac0=$(ip netns exec p cat /sys/class/net/eth0/address)
	check "old delegates, caller $v: the 0.1.0 result gets eth0 as the kernel shows it, its address on it" \
		jq_out ".interfaces == [{\"name\":\"eth0\",\"mac\":\"$mac0\",\"sandbox\":\"/run/netns/p\"}] and .ips[0].interface == 0"
	check "old delegates, caller $v: the stored 0.2.0 result of eth1 has eth1 too" sh -c "jq -e '.attachments[1].result.interfaces[0].name == \"eth1\" and .attachments[1].result.interfaces[0].mac == \"'\$(ip netns exec p cat /sys/class/net/eth1/address)'\"' '$STORE/o-$v.json'"
	check "old delegates, caller $v: --verify finds no drift (MACs and addresses as described)" "$MULTUS" --verify /run/netns/p --cni-dir "$STORE"
	check "old delegates, caller $v: the three links" sh -c "for i in eth0 eth1 eth2; do ip netns exec p ip link show \$i >/dev/null || exit 1; done"
	check "old delegates: the store keeps each version" sh -c "jq -e '[.attachments[].cniVersion] == [\"0.1.0\",\"0.2.0\",\"0.4.0\"]' '$STORE/o-$v.json'"
	if [ $v != 0.3.1 ]; then
		: >"$REC_LOG"
		CNI_PATH_TEST="$T:$CNI_PATH_TEST" multus CHECK o-$v eth0 /run/netns/p <"$T/nc"
		check "old delegates, caller $v: CHECK succeeds (links and addresses verified)" [ "$RC" -eq 0 ]
		check "old delegates, caller $v: CHECK reaches only the 0.4.0 delegate, with prevResult" [ "$(recs CHECK)" = "new-mv:0.4.0:prev " ]
	fi
	: >"$REC_LOG"
	CNI_PATH_TEST="$T:$CNI_PATH_TEST" multus DEL o-$v eth0 /run/netns/p <"$T/nc"
	check "old delegates, caller $v: DEL succeeds" [ "$RC" -eq 0 ]
	check "old delegates, caller $v: DEL in reverse, each in its version, prevResult only for 0.4.0" \
		[ "$(recs DEL)" = "new-mv:0.4.0:prev old-mv:0.2.0:- old-br:0.1.0:- " ]
	check "old delegates, caller $v: nothing left" sh -c "[ \$(ip netns exec p ip -o link | wc -l) -eq 1 ] && [ ! -e '$STORE/o-$v.json' ]"
	check "old delegates, caller $v: IPAM released" [ "$(ipam_count old-br)$(ipam_count old-mv)$(ipam_count new-mv)" = "000" ]
done

# GC (1.1.0 caller) tears a pod of old delegates down as DEL does.
netconf multus '"defaultDelegates":"old-br,old-mv,new-mv"' 1.1.0 >"$T/nc"
CNI_PATH_TEST="$T:$CNI_PATH_TEST" multus ADD o-gc eth0 /run/netns/p <"$T/nc"
check "old delegates, GC setup: ADD succeeds" [ "$RC" -eq 0 ]
: >"$REC_LOG"
netconf multus '"defaultDelegates":"old-br,old-mv,new-mv","cni.dev/valid-attachments":[]' 1.1.0 >"$T/gc"
CNI_COMMAND=GC CNI_PATH="$T:$CNI_PATH_TEST" "$MULTUS" <"$T/gc" >"$T/out" 2>"$T/err"
check "old delegates: GC succeeds" [ "$?" -eq 0 ]
check "old delegates: GC's DELs in reverse, each in its version, prevResult only for 0.4.0" \
	[ "$(recs DEL)" = "new-mv:0.4.0:prev old-mv:0.2.0:- old-br:0.1.0:- " ]
check "old delegates: GC asked none of them for GC (none speaks 1.1.0)" [ -z "$(recs GC)" ]
check "old delegates: after GC nothing left" sh -c "[ \$(ip netns exec p ip -o link | wc -l) -eq 1 ] && [ ! -e '$STORE/o-gc.json' ] && [ \"\$(ls '$IPAM'/old-br '$IPAM'/old-mv '$IPAM'/new-mv | grep -c '^10\\.')\" = 0 ]"

# A 0.2.0 conflist: tuning gets the bridge's result as a 0.2.0 prevResult.
printf '{"cniVersion":"0.2.0","name":"old-list","plugins":[{"type":"rec","inner":"bridge","bridge":"br-l","isGateway":true,"ipam":{"type":"host-local","subnet":"10.10.0.0/24","dataDir":"%s"}},{"type":"rec","inner":"tuning","mtu":1300}]}\n' "$IPAM" >"$CONF/old-list.conflist"
: >"$REC_LOG"
netconf multus '"defaultDelegates":"old-list"' 1.0.0 >"$T/nc"
CNI_PATH_TEST="$T:$CNI_PATH_TEST" multus ADD l1 eth0 /run/netns/p <"$T/nc"
check "0.2.0 conflist: ADD succeeds" [ "$RC" -eq 0 ]
check "0.2.0 conflist: tuning's prevResult is the 0.2.0 form" sh -c \
	"sed -n 's/^ADD //p' '$REC_LOG' | sed -n 2p | jq -e '.cniVersion == \"0.2.0\" and (.prevResult.ip4.ip | startswith(\"10.10.0.\")) and (.prevResult | has(\"ips\") | not)'"
check "0.2.0 conflist: tuning applied MTU 1300" sh -c "ip netns exec p ip link show eth0 | grep -q 'mtu 1300'"
check "0.2.0 conflist: printed in 1.0.0" jq_out '.cniVersion == "1.0.0" and (.ips[0].address | startswith("10.10.0."))'
: >"$REC_LOG"
CNI_PATH_TEST="$T:$CNI_PATH_TEST" multus DEL l1 eth0 /run/netns/p <"$T/nc"
check "0.2.0 conflist: DEL in reverse without prevResult" [ "$(recs DEL)" = "old-list:0.2.0:- old-list:0.2.0:- " ]
check "0.2.0 conflist: nothing left" sh -c "[ $RC -eq 0 ] && ! ip netns exec p ip link show eth0 2>/dev/null && [ $(ipam_count old-list) = 0 ]"

# CHECK needs 0.4.0, GC and STATUS 1.1.0: code 1, in the caller's version, nothing run.
: >"$REC_LOG"
for v in none 0.1.0 0.2.0 0.3.1; do
	if [ $v = none ]; then netconf_nov multus '"defaultDelegates":"old-br"' >"$T/nc"; else netconf multus '"defaultDelegates":"old-br"' "$v" >"$T/nc"; fi
	CNI_PATH_TEST="$T:$CNI_PATH_TEST" multus CHECK k-$v eth0 /run/netns/p <"$T/nc"
	check "CHECK, caller $v: refused with code 1" sh -c "[ $RC -ne 0 ] && jq -e '.code == 1 and (.msg | contains(\"CHECK needs CNI version 0.4.0\"))' '$T/out'"
	want=$v && [ $v = none ] && want=0.1.0
	check "CHECK, caller $v: the error is printed in $want" jq_out ".cniVersion == \"$want\""
done
for cmd in GC STATUS; do
	for v in none 0.2.0 1.0.0; do
		if [ $v = none ]; then netconf_nov multus '"defaultDelegates":"old-br"' >"$T/nc"; else netconf multus '"defaultDelegates":"old-br"' "$v" >"$T/nc"; fi
		CNI_COMMAND=$cmd CNI_PATH="$T:$CNI_PATH_TEST" "$MULTUS" <"$T/nc" >"$T/out" 2>"$T/err"
		RC=$?
		check "$cmd, caller $v: refused with code 1" sh -c "[ $RC -ne 0 ] && jq -e '.code == 1 and (.msg | contains(\"$cmd needs CNI version 1.1.0\"))' '$T/out'"
	done
done
check "CHECK/GC/STATUS refused: no delegate was run" [ ! -s "$REC_LOG" ]

# VERSION, as libcni asks it, and --version.
for v in 0.1.0 1.1.0; do
	echo "{\"cniVersion\":\"$v\"}" | CNI_COMMAND=VERSION CNI_NETNS=dummy "$MULTUS" >"$T/out"
	check "VERSION ($v asked): exactly the spec's answer" \
		[ "$(cat "$T/out")" = '{"cniVersion":"1.1.0","supportedVersions":["0.1.0","0.2.0","0.3.0","0.3.1","0.4.0","1.0.0","1.1.0"]}' ]
done
check "--version lists 0.1.0 and 0.2.0" sh -c "'$MULTUS' --version | grep -q 'CNI 0.1.0, 0.2.0, 0.3.0, 0.3.1, 0.4.0, 1.0.0, 1.1.0'"
done_testing
