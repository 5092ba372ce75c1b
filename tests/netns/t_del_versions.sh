#!/bin/sh
# Issue 7, point 3: DEL of an entry whose stored cniVersion is newer than ours or unknown
# (1.2.0, 9.9.9), in the attachment and in its result. No prevResult can be written in such a
# version: the delegate's DEL still runs (without prevResult; renegotiated when the plugin
# refuses the version), and the interface and the host-local lease go.
#
#   pod netns "p"  eth0 --veth-- br-dv (bridge+host-local)   eth1 (macvlan+host-local on dv0)
. "$SRC/tests/netns/lib.sh"
setup_dirs
bridge_conf br-net br-dv 10.61.0.0/24 1.0.0
macvlan_conf mv-net dv0 10.62.0.0/24 1.0.0
ip netns add p
netconf multus '"defaultDelegates":"br-net,mv-net"' 1.0.0 >"$T/nc"
# stamp ID VERSION: every attachment of the entry, and its result, says VERSION.
stamp() {
	jq -c --arg v "$2" '.attachments |= map(.cniVersion = $v | if .result then .result.cniVersion = $v else . end)' \
		"$STORE/$1.json" >"$T/entry" && mv "$T/entry" "$STORE/$1.json"
}
gone() { # ID: no eth0/eth1 in the pod, no leases, no entry
	! has_link p eth0 && ! has_link p eth1 && [ "$(ipam_count br-net)$(ipam_count mv-net)" = "00" ] &&
		[ ! -e "$STORE/$1.json" ]
}
for v in 1.2.0 9.9.9; do
	multus ADD d-$v eth0 /run/netns/p <"$T/nc"
	check "$v: ADD works, both networks there" sh -c "[ $RC -eq 0 ] && ip netns exec p ip link show eth1 >/dev/null && [ $(ipam_count br-net)$(ipam_count mv-net) = 11 ]"
	stamp d-$v "$v"
	check "$v: the entry now says $v" sh -c "jq -e --arg v $v '[.attachments[] | .cniVersion, .result.cniVersion] | all(. == \$v)' '$STORE/d-$v.json'"
	multus DEL d-$v eth0 /run/netns/p <"$T/nc"
	check "$v: DEL returns 0" sh -c "[ $RC -eq 0 ] || { cat '$T/out' '$T/err'; false; }"
	check "$v: interfaces, leases and the entry are gone" gone d-$v
done
# A prevResult that is not an object (a runtime's cache gone wrong): CNI says DEL cleans up as
# far as it can, and ours needs no prevResult, only the store entry. So DEL tears down from
# it, with a warning; ADD and CHECK still refuse such a netconf (code 7).
for bad in '"garbage"' '[1,2]' '42' 'true'; do
	jq -c --argjson b "$bad" '.prevResult = $b' "$T/nc" >"$T/nc.bad"
	multus ADD d-prev eth0 /run/netns/p <"$T/nc"
	check "prevResult $bad: ADD (without it) works" [ "$RC" -eq 0 ]
	multus CHECK d-prev eth0 /run/netns/p <"$T/nc.bad"
	check "prevResult $bad: CHECK refuses it, code 7" sh -c "[ $RC -ne 0 ] && jq -e '.code == 7 and (.msg | contains(\"prevResult\"))' '$T/out' >/dev/null"
	multus DEL d-prev eth0 /run/netns/p <"$T/nc.bad"
	check "prevResult $bad: DEL returns 0" sh -c "[ $RC -eq 0 ] || { cat '$T/out' '$T/err'; false; }"
	check "prevResult $bad: DEL tore everything down from the store" gone d-prev
	check "prevResult $bad: DEL warned about it" grep -q 'prevResult is not an object' "$T/err"
done
multus ADD d-prev eth0 /run/netns/p <"$T/nc.bad"
check "prevResult true: ADD refuses it, code 7, nothing added" \
	sh -c "[ $RC -ne 0 ] && jq -e '.code == 7' '$T/out' >/dev/null && ! ip netns exec p ip link show eth0 2>/dev/null"
# The same DEL under valgrind: no uninitialised read on this path (the old out.code).
# (Not for the ASan build of asan-netns: valgrind cannot run a sanitized binary.)
if grep -q __asan_init "$MULTUS"; then
	skip "valgrind: DEL of a 9.9.9 entry" "the binary is built with ASan, which checks it instead"
elif command -v valgrind >/dev/null; then
	multus ADD d-vg eth0 /run/netns/p <"$T/nc"
	stamp d-vg 9.9.9
	CNI_COMMAND=DEL CNI_CONTAINERID=d-vg CNI_IFNAME=eth0 CNI_NETNS=/run/netns/p CNI_PATH=$CNI_PATH_TEST \
		valgrind -q --error-exitcode=97 --log-file="$T/vg.log" "$MULTUS" <"$T/nc" >"$T/out" 2>"$T/err"
	RC=$?
	check "valgrind: DEL of a 9.9.9 entry returns 0 with no memory error" sh -c "[ $RC -eq 0 ] || { cat '$T/vg.log' '$T/out'; false; }"
	check "valgrind: interfaces, leases and the entry are gone" gone d-vg
else
	skip "valgrind: DEL of a 9.9.9 entry" "valgrind is not installed"
fi
done_testing
