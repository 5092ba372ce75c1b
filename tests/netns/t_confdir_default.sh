#!/bin/sh
# A netconf without "confDir": networks by config name are looked for in ours,
# /etc/cni/net.d/multus (PRODUCT.md), then in upstream Multus's default, /etc/cni/multus/net.d,
# where an upstream node keeps them; with the key, only there. /etc is an overlay in this
# test's own mount namespace (run.sh gives each file one): the machine's /etc is never written.
. "$SRC/tests/netns/lib.sh"
setup_dirs
mkdir -p "$T/etc-up" "$T/etc-work"
if ! mount -t overlay overlay -o "lowerdir=/etc,upperdir=$T/etc-up,workdir=$T/etc-work" /etc 2>"$T/mnt.err"; then
	skip "confDir defaults" "an overlay on /etc is not possible here: $(cat "$T/mnt.err")"
	done_testing
	exit 0
fi
OURS=/etc/cni/net.d/multus UP=/etc/cni/multus/net.d
mkdir -p "$OURS" "$UP"
# conf DIR FILE NAME BRIDGE SUBNET: a bridge + host-local config named NAME.
conf() {
	printf '{"cniVersion":"1.0.0","name":"%s","type":"bridge","bridge":"%s","ipam":{"type":"host-local","subnet":"%s","dataDir":"%s"}}\n' \
		"$3" "$4" "$5" "$IPAM" >"$1/$2"
}
conf "$UP" 10-upnet.conf upnet br-up 10.91.0.0/24
conf "$UP" 20-both.conf both br-bu 10.92.0.0/24
conf "$OURS" 20-both.conf both br-bo 10.93.0.0/24
# nc DELEGATES [MEMBERS]: a netconf without confDir.
nc() {
	printf '{"cniVersion":"1.0.0","name":"m","type":"multus","cniDir":"%s","binDir":"%s","defaultDelegates":"%s"%s}\n' \
		"$STORE" "$PLUGINS" "$1" "${2:+,$2}"
}
ip netns add p
addr() { ip netns exec p ip -o -4 addr show dev "$1" 2>/dev/null | awk '{print $4}'; }

nc upnet,both@net1 >"$T/nc"
multus ADD c1 eth0 /run/netns/p <"$T/nc"
a0=$(addr eth0) a1=$(addr net1)
check "no confDir key: a network only in upstream's default dir is found (eth0 from upnet)" sh -c \
	"[ $RC -eq 0 ] && echo '$a0' | grep -q '^10\\.91\\.' || { cat '$T/out'; false; }"
check "no confDir key: a name in both dirs is ours (net1 from /etc/cni/net.d/multus)" sh -c "echo '$a1' | grep -q '^10\\.93\\.'"
multus DEL c1 eth0 /run/netns/p <"$T/nc"
check "no confDir key: DEL works, nothing left" sh -c "[ $RC -eq 0 ] && [ \$(ip netns exec p ip -o link | wc -l) -eq 1 ]"

nc nowhere >"$T/nc"
multus ADD c2 eth0 /run/netns/p <"$T/nc"
check "no confDir key, not found: code 7 naming both dirs" jq -e \
	'.code == 7 and (.msg | contains("nowhere") and contains("/etc/cni/net.d/multus or /etc/cni/multus/net.d"))' "$T/out"

rm -rf "$OURS"
nc upnet >"$T/nc"
multus ADD c3 eth0 /run/netns/p <"$T/nc"
a0=$(addr eth0)
check "no confDir key, ours missing altogether: upstream's dir still answers" sh -c \
	"[ $RC -eq 0 ] && echo '$a0' | grep -q '^10\\.91\\.' || { cat '$T/out'; false; }"
multus DEL c3 eth0 /run/netns/p <"$T/nc"
check "DEL after it works" [ "$RC" -eq 0 ]

nc upnet "\"confDir\":\"$CONF\"" >"$T/nc"
multus ADD c4 eth0 /run/netns/p <"$T/nc"
check "confDir given: only there (upnet not found, upstream's dir not named)" jq -e \
	--arg d "$CONF" '.code == 7 and (.msg | endswith("in " + $d))' "$T/out"
check "no failed ADD left a store entry" sh -c "! ls '$STORE' 2>/dev/null | grep -q 'c[24].json'"
done_testing
