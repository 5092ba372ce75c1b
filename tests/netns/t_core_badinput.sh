#!/bin/sh
# Issue 2, 10g: bad input gets the CNI.md code and a message naming the bad part.
. "$SRC/tests/netns/lib.sh"
setup_dirs
bridge_conf good br-b 10.8.0.0/24
ip netns add b
netconf m '"defaultDelegates":"good"' >"$T/nc"

expect() { # DESCRIPTION CODE TEXT
	check "$1: code $2" jq_out ".code == $2"
	check "$1: message names \"$3\"" jq_out ".msg | contains(\"$3\")"
}
printf '{"cniVersion":"1.0.0",' >"$T/in"
multus ADD x eth0 /run/netns/b <"$T/in"
check "malformed JSON: fails" [ "$RC" -ne 0 ]
expect "malformed JSON" 6 "decode"
printf '[1,2]' >"$T/in"
multus ADD x eth0 /run/netns/b <"$T/in"
expect "netconf not an object" 6 "not a JSON object"
printf '{"cniVersion":"1.0.0","name":"m","type":"multus","logLevel":7}' >"$T/in"
multus ADD x eth0 /run/netns/b <"$T/in"
expect "wrong type" 7 "logLevel"
printf '{"cniVersion":"0.2.1","name":"m","type":"multus"}' >"$T/in"
multus ADD x eth0 /run/netns/b <"$T/in"
expect "unknown cniVersion" 1 "0.2.1"
# Without cniVersion it is a 0.1.0 netconf: past the version, and answered in 0.1.0.
printf '{"name":"m","type":"multus"}' >"$T/in"
multus ADD x eth0 /run/netns/b <"$T/in"
expect "missing cniVersion, no networks" 7 "defaultDelegates"
check "missing cniVersion: the error is in 0.1.0" jq_out '.cniVersion == "0.1.0"'
printf '{"cniVersion":"0.3.1","name":"m","type":"multus","delegates":{}}' >"$T/in"
multus ADD x eth0 /run/netns/b <"$T/in"
expect "delegates not an array" 7 "delegates"

env -i CNI_COMMAND=ADD PATH="$PATH" "$MULTUS" <"$T/nc" >"$T/out" 2>/dev/null
expect "several missing variables" 4 "CNI_CONTAINERID, CNI_NETNS, CNI_IFNAME, CNI_PATH"
multus ADD x "bad/name" /run/netns/b <"$T/nc"
expect "bad ifname" 4 "CNI_IFNAME"
multus ADD x "waytoolonginterfacename" /run/netns/b <"$T/nc"
expect "ifname too long" 4 "CNI_IFNAME"
multus ADD "../../etc" eth0 /run/netns/b <"$T/nc"
expect "bad container id" 4 "CNI_CONTAINERID"
multus ADD "" eth0 /run/netns/b <"$T/nc"
expect "empty container id" 3 "CNI_CONTAINERID"
CNI_COMMAND=FROB CNI_PATH=/ "$MULTUS" <"$T/nc" >"$T/out" 2>/dev/null
expect "unknown command" 4 "FROB"

netconf m '"defaultDelegates":"../etc"' >"$T/nc2"
multus ADD x eth0 /run/netns/b <"$T/nc2"
expect "network named ../etc" 7 "../etc"
check "network named ../etc: nothing read outside confDir" [ ! -e "$STORE/x.json" ]
netconf m '"defaultDelegates":"good,good@eth0"' >"$T/nc2"
multus ADD x eth0 /run/netns/b <"$T/nc2"
expect "duplicate interface name" 7 "eth0"
netconf m '"defaultDelegates":"[]"' >"$T/nc2"
multus ADD x eth0 /run/netns/b <"$T/nc2"
expect "empty JSON list" 7 "empty"
netconf m '"defaultDelegates":"[null]"' >"$T/nc2"
multus ADD x eth0 /run/netns/b <"$T/nc2"
expect "[null]" 7 "element 0"
netconf m '' >"$T/nc2"
multus ADD x eth0 /run/netns/b <"$T/nc2"
expect "no networks at all" 7 "no networks"
deep=$(printf '%0.s[' $(seq 1 5000))
printf '{"cniVersion":"1.0.0","name":"m","type":"multus","x":%s' "$deep" >"$T/in"
multus ADD x eth0 /run/netns/b <"$T/in"
expect "deeply nested netconf" 6 "decode"
multus ADD x eth0 /run/netns/nosuchns <"$T/nc"
check "missing netns: fails" [ "$RC" -ne 0 ]
check "missing netns: message names it" jq_out '.msg | contains("/run/netns/nosuchns")'
check "no run left a store entry" sh -c "[ -z \"\$(ls '$STORE' 2>/dev/null | grep json)\" ]"
printf '{"cniVersion":"0.3.1","name":"m","type":"multus","defaultDelegates":"good"}' >"$T/in"
multus CHECK x eth0 /run/netns/b <"$T/in"
expect "CHECK below 0.4.0" 1 "CHECK"
# CHECK needs prevResult (CNI.md: the runtime passes the ADD's cached result).
cp "$T/nc" "$T/in"
multus ADD pr eth0 /run/netns/b <"$T/in"
check "CHECK's prevResult: the ADD before it works" [ "$RC" -eq 0 ]
NO_PREV=1
multus CHECK pr eth0 /run/netns/b <"$T/in"
unset NO_PREV
check "CHECK without prevResult: fails" [ "$RC" -ne 0 ]
expect "CHECK without prevResult" 7 "CHECK needs prevResult"
multus CHECK pr eth0 /run/netns/b <"$T/in"
check "CHECK with the ADD's result as prevResult: succeeds, silent" sh -c "[ $RC -eq 0 ] && [ ! -s '$T/out' ]"
multus DEL pr eth0 /run/netns/b <"$T/in"
check "CHECK's prevResult: DEL after it works" sh -c "[ $RC -eq 0 ] && [ ! -e '$STORE/pr.json' ]"
printf '{"cniVersion":"1.0.0","name":"m","type":"multus","defaultDelegates":"good"}' >"$T/in"
multus GC x eth0 /run/netns/b <"$T/in"
expect "GC below 1.1.0" 1 "GC"
echo '{"cniVersion":"1.1.0"}' | CNI_COMMAND=VERSION CNI_NETNS=dummy "$MULTUS" >"$T/out"
check "VERSION" jq_out '.cniVersion == "1.1.0" and .supportedVersions == ["0.1.0","0.2.0","0.3.0","0.3.1","0.4.0","1.0.0","1.1.0"]'
done_testing
