#!/bin/sh
# The nftables sweep against rules that iptables-nft writes (by hand, then by the real bridge and
# portmap plugins). run.sh gives this file a fresh netns, so the ruleset here is empty and ours.
#
#   ip  nat:    POSTROUTING -[A]-> CNI-a4 {2 x A}     POSTROUTING -[B]-> CNI-b4 {2 x B}
#               POSTROUTING untagged accept
#   ip6 nat:    POSTROUTING -[A]-> CNI-a6 {2 x A}     POSTROUTING -[B]-> CNI-b6 {2 x B}
#   ip  filter: FORWARD -[A]-> CNI-keep1 {untagged}   (goes: nothing else jumps to it)
#               FORWARD -[A]-> CNI-keep2 {A}, INPUT -> CNI-keep2   (kept: still referenced)
#   ip  cnitest (nft, comment in rule userdata): base -[C]-> CNI-c {C}
#               base -[D]-> CNI-d, and base vmap { 10.1.0.77 : jump CNI-d }   (kept: EBUSY)
#   ip  nat:    portmap's layout by hand, for PA and PB:
#               PREROUTING, OUTPUT -> CNI-HOSTPORT-DNAT -[PA]-> CNI-DN-pa {untagged DNAT,
#               2 x -> CNI-HOSTPORT-SETMARK}, the same for PB; CNI-HOSTPORT-SETMARK {untagged}
#   ip  filter: FORWARD -[T]-> CNI-tx {-> CNI-ty} {-> CNI-tz} {accept}   (all three go)
#               FORWARD -[U]-> CNI-shared {accept} <-[V]- FORWARD   (kept until V goes too)
#   ip  nat:    POSTROUTING -[churnN]-> CNI-churnN {churnN}, N < 40, swept while another
#               writer commits every ~50 ms (interrupted dumps)
#   then the real bridge (ipMasq) and portmap for pod1 and pod2, their DEL never run.
#
# A = aaaa1111 is a prefix of B = aaaa11112: sweeping A must leave every B rule.
. "$SRC/tests/netns/lib.sh"

A=aaaa1111
B=aaaa11112
C=cccc
TOOL=$T/nfttool

# NFTTOOL_CFLAGS='-fsanitize=address,undefined' runs the same checks under the sanitizers.
# shellcheck disable=SC2086
if ! cc -std=gnu11 -D_GNU_SOURCE -g ${NFTTOOL_CFLAGS:-} -I"$SRC/src" -o "$TOOL" "$SRC/tests/netns/nfttool.c" \
	"$SRC"/src/netlink/*.c "$SRC"/src/netns/*.c "$SRC"/src/util/*.c -lnftnl -lmnl >"$T/cc.out" 2>&1; then
	not_ok "build nfttool"
	sed 's/^/#   /' "$T/cc.out"
	done_testing
	exit 1
fi
if ! iptables -V 2>/dev/null | grep -q nf_tables; then
	skip "nft sweep" "iptables is not the nf_tables flavour"
	done_testing
	exit 0
fi
if ! nft list ruleset >/dev/null 2>&1; then
	skip "nft sweep" "no nftables support in this kernel"
	done_testing
	exit 0
fi

# expect DESCRIPTION WANT COMMAND...: passes when the command succeeds and prints WANT.
expect() {
	d=$1 want=$2
	shift 2
	got=$("$@" 2>"$T/expect.err")
	rc=$?
	if [ "$rc" -eq 0 ] && [ "$got" = "$want" ]; then
		ok "$d"
	else
		not_ok "$d"
		echo "#   want '$want', got '$got' (exit $rc)"
		sed 's/^/#   /' "$T/expect.err" | head -n 10
	fi
}
# Rules whose comment tags exactly this id, in both families.
tagged() { { iptables-save; ip6tables-save; } | grep -cF "id: \\\"$1\\\"" || true; }
# Rules in a chain: rules_in iptables|ip6tables TABLE CHAIN (fails when there is no such chain).
rules_in() { "$1" -t "$2" -S "$3" >"$T/rules_in" && { grep -c '^-A' "$T/rules_in" || true; }; }
# Lines of iptables-save (both families) that mention this text anywhere.
mentions() { { iptables-save; ip6tables-save; } | grep -cF "$1" || true; }
tag() { printf 'name: "net" id: "%s"' "$1"; }

# Like the bridge plugin's ipMasq (plugins/pkg/ip/ipmasq_linux.go), per family.
masq() { # masq iptables|ip6tables CHAIN SUBNET MCAST SOURCE ID
	$1 -t nat -N "$2"
	$1 -t nat -A "$2" -d "$3" -j ACCEPT -m comment --comment "$(tag "$6")"
	$1 -t nat -A "$2" ! -d "$4" -j MASQUERADE -m comment --comment "$(tag "$6")"
	$1 -t nat -A POSTROUTING -s "$5" -j "$2" -m comment --comment "$(tag "$6")"
}

# --- 1. hand-made iptables-nft rules -----------------------------------------------------------
masq iptables CNI-a4 10.1.0.0/24 224.0.0.0/4 10.1.0.5 $A
masq iptables CNI-b4 10.1.0.0/24 224.0.0.0/4 10.1.0.6 $B
masq ip6tables CNI-a6 fd00:1::/64 ff00::/8 fd00:1::5 $A
masq ip6tables CNI-b6 fd00:1::/64 ff00::/8 fd00:1::6 $B
iptables -t nat -A POSTROUTING -s 10.1.0.99 -j ACCEPT
iptables -N CNI-keep1
iptables -A CNI-keep1 -j ACCEPT
iptables -A FORWARD -s 10.1.0.5 -j CNI-keep1 -m comment --comment "$(tag $A)"
iptables -N CNI-keep2
iptables -A CNI-keep2 -j ACCEPT -m comment --comment "$(tag $A)"
iptables -A FORWARD -s 10.1.0.5 -j CNI-keep2 -m comment --comment "$(tag $A)"
iptables -A INPUT -j CNI-keep2
# A comment in the rule's userdata, as nft writes it (JSON input: quotes need no escaping).
nft add table ip cnitest
nft add chain ip cnitest CNI-c
nft add chain ip cnitest base '{ type filter hook forward priority 0; }'
cat >"$T/c.json" <<EOF
{"nftables": [
 {"rule": {"family": "ip", "table": "cnitest", "chain": "base",
  "expr": [{"jump": {"target": "CNI-c"}}], "comment": "name: \"net\" id: \"$C\""}},
 {"rule": {"family": "ip", "table": "cnitest", "chain": "CNI-c",
  "expr": [{"accept": null}], "comment": "name: \"net\" id: \"$C\" trailing"}}]}
EOF
nft -j -f "$T/c.json"

expect "tagged with A: 9 rules (3 ip nat, 3 ip6 nat, 3 ip filter)" 9 tagged $A
expect "tagged with B: 6 rules" 6 tagged $B

# --- 3. count mode: the right numbers, nothing deleted -----------------------------------------
nft list ruleset >"$T/before" 2>/dev/null
expect "count A: 10 rules, 3 chains (CNI-a4, CNI-a6, CNI-keep1 with its untagged rule)" \
	"rules=10 chains=3" "$TOOL" count $A
expect "count B: 6 rules, 2 chains" "rules=6 chains=2" "$TOOL" count $B
expect "count C (rule userdata comments): 2 rules, 1 chain" "rules=2 chains=1" "$TOOL" count $C
expect "count of an unknown id: nothing" "rules=0 chains=0" "$TOOL" count aaaa111
nft list ruleset >"$T/after" 2>/dev/null
check "count deletes nothing" cmp "$T/before" "$T/after"

# --- 1 (cont.). sweep A ------------------------------------------------------------------------
expect "sweep A: 10 rules, 3 chains" "rules=10 chains=3" "$TOOL" sweep $A
expect "no rule tagged with A is left" 0 tagged $A
check "chain ip nat CNI-a4 is gone" sh -c '! iptables -t nat -S CNI-a4'
check "chain ip6 nat CNI-a6 is gone" sh -c '! ip6tables -t nat -S CNI-a6'
check "nft agrees: no CNI-a4/CNI-a6 in the ruleset" sh -c '! nft list ruleset 2>/dev/null | grep -q "CNI-a[46]"'
expect "all 6 rules of B remain" 6 tagged $B
expect "chain ip nat CNI-b4 remains with its 2 rules" 2 rules_in iptables nat CNI-b4
expect "chain ip6 nat CNI-b6 remains with its 2 rules" 2 rules_in ip6tables nat CNI-b6
check "the untagged POSTROUTING rule remains" \
	sh -c 'iptables -t nat -S POSTROUTING | grep -q -- "-s 10.1.0.99/32 -j ACCEPT"'
check "CNI-keep1 (untagged rule, reached only through A) is gone with its rule" \
	sh -c '! iptables -S CNI-keep1 2>/dev/null && ! iptables -S | grep -q CNI-keep1'
expect "CNI-keep2 (an untagged rule jumps to it) remains, emptied" 0 \
	rules_in iptables filter CNI-keep2
check "the untagged jump to CNI-keep2 remains" sh -c 'iptables -S INPUT | grep -q -- "-j CNI-keep2"'
expect "sweep A again: nothing" "rules=0 chains=0" "$TOOL" sweep $A
expect "count B after sweeping A: unchanged" "rules=6 chains=2" "$TOOL" count $B
expect "sweep C (userdata comments): 2 rules, 1 chain" "rules=2 chains=1" "$TOOL" sweep $C
check "chain ip cnitest CNI-c is gone" sh -c '! nft list chain ip cnitest CNI-c'
expect "sweep B: 6 rules, 2 chains" "rules=6 chains=2" "$TOOL" sweep $B
check "only untagged rules are left" sh -c '! { iptables-save; ip6tables-save; } | grep -q "id: "'

# A chain also used where the listing cannot see it (a verdict map): the kernel refuses to delete
# it (EBUSY, NLM_F_NONREC), so the sweep lists again, keeps that chain and still takes the rules.
nft add chain ip cnitest CNI-d
nft add rule ip cnitest base ip saddr vmap '{ 10.1.0.77 : jump CNI-d }'
cat >"$T/d.json" <<EOF
{"nftables": [{"rule": {"family": "ip", "table": "cnitest", "chain": "base",
  "expr": [{"jump": {"target": "CNI-d"}}], "comment": "name: \"net\" id: \"dddd\""}}]}
EOF
nft -j -f "$T/d.json"
expect "count D: 1 rule, 1 chain (the map's use is invisible to a listing)" "rules=1 chains=1" \
	"$TOOL" count dddd
expect "sweep D: 1 rule, the chain kept" "rules=1 chains=0" "$TOOL" sweep dddd
check "CNI-d is still there for the map" nft list chain ip cnitest CNI-d
expect "count D afterwards: nothing" "rules=0 chains=0" "$TOOL" count dddd

# --- The listing and the batch are one generation of the ruleset -------------------------------
# Every commit moves the generation id; a delete batch carries the id its listing was made at, so
# a batch for a ruleset that changed since is refused whole (ERESTART) and the sweep lists again.
G1=$("$TOOL" genid)
nft add table ip gentest
G2=$("$TOOL" genid)
check "a commit moves the generation id ($G1 -> $G2)" test "$G2" -gt "$G1"
expect "no commit, no move" "$G2" "$TOOL" genid
nft delete table ip gentest
masq iptables CNI-sx4 10.1.0.0/24 224.0.0.0/4 10.1.0.51 stalex
masq iptables CNI-sy4 10.1.0.0/24 224.0.0.0/4 10.1.0.52 staley
expect "a batch for a gone generation is refused (ERESTART 85) whole; listed again, the sweep takes all" "refused=85 left=3
rules=3 chains=1" "$TOOL" stale stalex staley
expect "the batch that changed the ruleset in between went through" 0 tagged staley
expect "nothing tagged with the stale batch's id is left" 0 tagged stalex
check "both chains are gone" sh -c '! iptables -t nat -S | grep -q "CNI-s[xy]4"'
# The same inside one sweep: a commit between its listing and its batch gets the batch refused,
# and the sweep lists again and deletes what the second listing shows.
masq iptables CNI-rx4 10.1.0.0/24 224.0.0.0/4 10.1.0.53 racex
masq ip6tables CNI-rx6 fd00:1::/64 ff00::/8 fd00:1::53 racex
masq iptables CNI-ry4 10.1.0.0/24 224.0.0.0/4 10.1.0.54 racey
expect "a commit between listing and batch: refused, listed again, all 6 rules and 2 chains swept" \
	"rules=6 chains=2 listings=2" "$TOOL" race racex racey
expect "the commit in between (sweeping another id) went through" 0 tagged racey
expect "nothing tagged with the racing sweep's id is left" 0 tagged racex
check "the three chains are gone" sh -c '! { iptables-save; ip6tables-save; } | grep -q "CNI-r[xy][46]"'

# --- 4. portmap's layout by hand: tagged jumps to chains of untagged DNAT rules ----------------
# CNI-DN-x is reached only through its container's tagged jump, so it goes with it, rules and all;
# portmap's shared CNI-HOSTPORT-* chains stay even when their last user goes (portmap owns them;
# deleting one would race with a concurrent portmap ADD); CNI-HOSTPORT-DNAT is also still
# jumped to by untagged rules of PREROUTING and OUTPUT.
PA=portmapa
PB=portmapb
iptables -t nat -N CNI-HOSTPORT-SETMARK
iptables -t nat -A CNI-HOSTPORT-SETMARK -m comment --comment "CNI portfwd masquerade mark" \
	-j MARK --set-xmark 0x2000/0x2000
iptables -t nat -N CNI-HOSTPORT-DNAT
iptables -t nat -A PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT
iptables -t nat -A OUTPUT -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT
# Like portmap's fillDnatRules: dnchain CHAIN ID HOSTPORT CONTAINERIP
dnchain() {
	iptables -t nat -N "$1"
	iptables -t nat -A "$1" -s 10.1.0.0/24 -p tcp --dport "$3" -j CNI-HOSTPORT-SETMARK
	iptables -t nat -A "$1" -s 127.0.0.1 -p tcp --dport "$3" -j CNI-HOSTPORT-SETMARK
	iptables -t nat -A "$1" -p tcp --dport "$3" -j DNAT --to-destination "$4:80"
	iptables -t nat -I CNI-HOSTPORT-DNAT -p tcp -m comment --comment "dnat $(tag "$2")" \
		-m multiport --dports "$3" -j "$1"
}
dnchain CNI-DN-pa $PA 8081 10.1.0.21
dnchain CNI-DN-pb $PB 8082 10.1.0.22
expect "PA's DNAT rule is in place" 1 mentions 10.1.0.21:80
expect "count PA: its jump and the 3 untagged rules of CNI-DN-pa, 1 chain" "rules=4 chains=1" \
	"$TOOL" count $PA
expect "sweep PA: 4 rules, 1 chain" "rules=4 chains=1" "$TOOL" sweep $PA
check "CNI-DN-pa is gone" sh -c '! iptables -t nat -S CNI-DN-pa 2>/dev/null'
expect "none of PA's DNAT rules is left" 0 mentions 10.1.0.21:80
expect "CNI-DN-pb remains with its 3 rules" 3 rules_in iptables nat CNI-DN-pb
expect "PB's tagged jump to it remains" 1 tagged $PB
expect "CNI-HOSTPORT-SETMARK (CNI-DN-pb still uses it) remains with its rule" 1 \
	rules_in iptables nat CNI-HOSTPORT-SETMARK
expect "CNI-HOSTPORT-DNAT remains, with PB's jump only" 1 rules_in iptables nat CNI-HOSTPORT-DNAT
check "PREROUTING and OUTPUT still jump to CNI-HOSTPORT-DNAT" sh -c \
	'iptables -t nat -S PREROUTING | grep -q -- "-j CNI-HOSTPORT-DNAT" && iptables -t nat -S OUTPUT | grep -q -- "-j CNI-HOSTPORT-DNAT"'
expect "sweep PB: 4 rules, 1 chain (CNI-DN-pb; the shared CNI-HOSTPORT-SETMARK is portmap's)" \
	"rules=4 chains=1" "$TOOL" sweep $PB
check "CNI-DN-pb is gone, CNI-HOSTPORT-SETMARK stays with its rule" \
	sh -c '! iptables -t nat -S CNI-DN-pb 2>/dev/null && [ "$(iptables -t nat -S CNI-HOSTPORT-SETMARK | grep -c -- "^-A")" = 1 ]'
expect "CNI-HOSTPORT-DNAT remains, empty" 0 rules_in iptables nat CNI-HOSTPORT-DNAT
# The real portmap below makes its own shared chains.
iptables -t nat -D PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT
iptables -t nat -D OUTPUT -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT
iptables -t nat -X CNI-HOSTPORT-DNAT
iptables -t nat -F CNI-HOSTPORT-SETMARK
iptables -t nat -X CNI-HOSTPORT-SETMARK

# --- 5. chains reached only through a doomed chain go too; a chain another id uses stays ------
# Made deepest first: the listing meets the deeper rules before the jumps to them, so the plan
# needs one round per level.
TR=transit
iptables -N CNI-tz
iptables -A CNI-tz -j ACCEPT
iptables -N CNI-ty
iptables -A CNI-ty -j CNI-tz
iptables -N CNI-tx
iptables -A CNI-tx -j CNI-ty
iptables -A FORWARD -s 10.1.0.31 -j CNI-tx -m comment --comment "$(tag $TR)"
expect "count T: its jump and one rule in each of 3 chains" "rules=4 chains=3" "$TOOL" count $TR
expect "sweep T: 4 rules, 3 chains" "rules=4 chains=3" "$TOOL" sweep $TR
check "CNI-tx, CNI-ty and CNI-tz are gone" sh -c '! iptables -S | grep -q "CNI-t[xyz]"'
# Why the plan needs no look at hooks: a jump target is never a base chain.
nft add table ip hooktest
nft add chain ip hooktest CNI-hook '{ type filter hook input priority 0; }'
nft add chain ip hooktest CNI-r
check "the kernel refuses a jump to a base chain" \
	sh -c '! nft add rule ip hooktest CNI-r jump CNI-hook 2>/dev/null'
nft delete table ip hooktest

U=shareu
V=sharev
iptables -N CNI-shared
iptables -A CNI-shared -j ACCEPT
iptables -A FORWARD -s 10.1.0.41 -j CNI-shared -m comment --comment "$(tag $U)"
iptables -A FORWARD -s 10.1.0.42 -j CNI-shared -m comment --comment "$(tag $V)"
expect "count U: its jump only (V's tagged jump keeps CNI-shared)" "rules=1 chains=0" \
	"$TOOL" count $U
expect "sweep U: 1 rule, no chain" "rules=1 chains=0" "$TOOL" sweep $U
expect "CNI-shared remains with its untagged rule" 1 rules_in iptables filter CNI-shared
expect "V's jump to it remains" 1 tagged $V
expect "sweep V: its jump, then CNI-shared with its rule" "rules=2 chains=1" "$TOOL" sweep $V
check "CNI-shared is gone" sh -c '! iptables -S | grep -q CNI-shared'

# Sweeps while another writer keeps committing: interrupted listings (NLM_F_DUMP_INTR) are
# listed again, and every sweep still finds exactly its own rules.
i=0
while [ $i -lt 40 ]; do
	iptables -t nat -N CNI-churn$i
	iptables -t nat -A CNI-churn$i -j ACCEPT -m comment --comment "$(tag churn$i)"
	iptables -t nat -A POSTROUTING -j CNI-churn$i -m comment --comment "$(tag churn$i)"
	i=$((i + 1))
done
# Filler, so that a listing takes long enough to be interrupted now and then.
{
	echo '*filter'
	echo ':FILLER - [0:0]'
	i=0
	while [ $i -lt 3000 ]; do
		echo "-A FILLER -s 10.2.$((i / 256)).$((i % 256)) -m comment --comment filler -j ACCEPT"
		i=$((i + 1))
	done
	echo COMMIT
} | iptables-restore --noflush
nft add table ip churn
nft add chain ip churn c
# A commit every ~50 ms; a listing of this ruleset takes ~20 ms, so some are interrupted.
(while :; do nft add rule ip churn c accept && nft flush chain ip churn c && sleep 0.1; done) \
	>/dev/null 2>&1 &
churn=$!
i=0 bad=0
while [ $i -lt 40 ]; do
	out=$("$TOOL" sweep churn$i 2>&1)
	[ "$out" = "rules=2 chains=1" ] || { bad=$((bad + 1)) && echo "#   churn$i: $out"; }
	i=$((i + 1))
done
kill "$churn"
wait "$churn" 2>/dev/null
expect "40 sweeps under constant commits: all exact" 0 echo $bad
expect "no churn rule or chain is left" 0 mentions churn

# --- 2. the real bridge (ipMasq) and portmap plugins, whose DEL never ran ------------------------
ID1=0f3a8e1c2b7d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7
ID2=0f3a8e1c2b7d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d8
ID3=0f3a8e1c2b7d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d9
cat >"$T/bridge.json" <<EOF
{"cniVersion": "1.0.0", "name": "mynet", "type": "bridge", "bridge": "cni0",
 "isGateway": true, "ipMasq": true,
 "ipam": {"type": "host-local", "subnet": "10.88.0.0/24", "dataDir": "$T/ipam"}}
EOF
# plugin NAME ID POD CONFIG: ADD, the result into $T/res-POD.json
plugin() {
	CNI_COMMAND=ADD CNI_CONTAINERID=$2 CNI_NETNS=/run/netns/$3 CNI_IFNAME=eth0 \
		CNI_PATH=$PLUGINS "$PLUGINS/$1" <"$4" >"$T/res-$3.json"
}
# portmap chained after bridge in a conflist, as the runtime runs it: the network's name,
# runtimeConfig for the portMappings capability, bridge's result as prevResult.
# portmap_for POD HOSTPORT
portmap_for() {
	cat >"$T/portmap-$1.json" <<EOF
{"cniVersion": "1.0.0", "name": "mynet", "type": "portmap",
 "capabilities": {"portMappings": true},
 "runtimeConfig": {"portMappings": [{"hostPort": $2, "containerPort": 80, "protocol": "tcp"}]},
 "prevResult": $(cat "$T/res-$1.json")}
EOF
	plugin portmap "$(cat "$T/id-$1")" "$1" "$T/portmap-$1.json"
}
# The CNI-* chain that a rule tagged with this id jumps to from the given chain.
jump_of() { iptables-save -t nat | grep -F "id: \\\"$1\\\"" | grep -- "-A $2 " | sed -n 's/.*-j \(CNI-[^ ]*\).*/\1/p'; }
dn_chains() { iptables-save -t nat | grep -c ':CNI-DN-' || true; }
# portmap passes bridge's result on, addresses and all.
pod_ip() { sed -n 's/.*"address": *"\([0-9.]*\)\/.*/\1/p' "$T/res-$1.json" | head -n 1; }
# pod NAME ID: a netns and bridge's ADD for it
pod() {
	ip netns add "$1" && echo "$2" >"$T/id-$1" && plugin bridge "$2" "$1" "$T/bridge.json"
}

if [ ! -x "$PLUGINS/bridge" ] || [ ! -x "$PLUGINS/host-local" ]; then
	skip "real bridge plugin" "$PLUGINS/bridge or host-local not installed"
	done_testing
	exit $?
fi
check "bridge ADD with ipMasq for pod1" pod pod1 $ID1
check "bridge ADD with ipMasq for pod2" pod pod2 $ID2
MASQ1=$(jump_of $ID1 POSTROUTING)
expect "bridge tagged 3 rules for pod1" 3 tagged $ID1
check "bridge made a CNI-* masquerade chain for pod1 ($MASQ1)" iptables -t nat -S "$MASQ1"
expect "count pod1: 3 rules, 1 chain" "rules=3 chains=1" "$TOOL" count $ID1

want1="rules=3 chains=1" want2="rules=3 chains=1" tagged2=3 DN1='' DN2=''
if [ ! -x "$PLUGINS/portmap" ]; then
	skip "portmap" "$PLUGINS/portmap not installed"
elif ! { portmap_for pod1 8080 && portmap_for pod2 8090; } 2>"$T/portmap.err"; then
	skip "portmap" "portmap ADD failed here: $(head -c 200 "$T/portmap.err")"
else
	ok "portmap ADD for pod1 and pod2"
	DN1=$(jump_of $ID1 CNI-HOSTPORT-DNAT)
	DN2=$(jump_of $ID2 CNI-HOSTPORT-DNAT)
	IP1=$(pod_ip pod1)
	check "portmap made CNI-DN chains ($DN1, $DN2) with untagged DNAT rules" \
		sh -c "iptables -t nat -S '$DN1' | grep -q 'DNAT --to-destination $IP1:80' && iptables -t nat -S '$DN2' | grep -q DNAT"
	DNR1=$(rules_in iptables nat "$DN1")
	DNR2=$(rules_in iptables nat "$DN2")
	DN_BEFORE=$(dn_chains)
	expect "iptables-save -t nat shows 2 CNI-DN chains" 2 echo "$DN_BEFORE"
	# bridge's 3 tagged rules, portmap's tagged jump, and with it CNI-DN-x and its untagged
	# rules; CNI-HOSTPORT-SETMARK stays, pod2's CNI-DN chain still jumps to it.
	want1="rules=$((4 + DNR1)) chains=2"
	expect "count pod1 with portmap: $want1" "$want1" "$TOOL" count $ID1
	tagged2=4
fi

# The failed DEL: the delegates never ran theirs, and the pod is gone.
ip netns del pod1
expect "sweep pod1: $want1" "$want1" "$TOOL" sweep $ID1
expect "no rule mentions pod1's id any more" 0 mentions $ID1
check "pod1's masquerade chain $MASQ1 is gone" sh -c "! iptables -t nat -S '$MASQ1' 2>/dev/null"
if [ -n "$DN1" ]; then
	expect "iptables-save -t nat shows one CNI-DN chain fewer" $((DN_BEFORE - 1)) dn_chains
	check "pod1's $DN1 is gone" sh -c "! iptables -t nat -S '$DN1' 2>/dev/null"
	expect "none of pod1's DNAT rules is left" 0 mentions "$IP1:80"
	expect "pod2's $DN2 remains with its $DNR2 rules" "$DNR2" rules_in iptables nat "$DN2"
	expect "pod2's tagged jump to it remains" "$DN2" jump_of $ID2 CNI-HOSTPORT-DNAT
	check "CNI-HOSTPORT-SETMARK remains: $DN2 jumps to it" iptables -t nat -S CNI-HOSTPORT-SETMARK
	check "CNI-HOSTPORT-DNAT remains, and PREROUTING's jump to it" \
		sh -c 'iptables -t nat -S CNI-HOSTPORT-DNAT >/dev/null && iptables -t nat -S PREROUTING | grep -q -- "-j CNI-HOSTPORT-DNAT"'
	# pod2 is now the last user of CNI-HOSTPORT-SETMARK, which stays all the same: it is
	# portmap's shared chain.
	want2="rules=$((4 + DNR2)) chains=2"
fi
expect "pod2's $tagged2 tagged rules remain" $tagged2 tagged $ID2
expect "count pod2: $want2" "$want2" "$TOOL" count $ID2
expect "sweep pod1 again: nothing" "rules=0 chains=0" "$TOOL" sweep $ID1

ip netns del pod2
expect "sweep pod2: $want2" "$want2" "$TOOL" sweep $ID2
expect "no rule mentions pod2's id any more" 0 mentions $ID2
if [ -n "$DN2" ]; then
	expect "no CNI-DN chain is left" 0 dn_chains
	check "CNI-HOSTPORT-SETMARK stays after its last user (portmap's shared chain)" \
		iptables -t nat -S CNI-HOSTPORT-SETMARK
	check "CNI-HOSTPORT-DNAT and CNI-HOSTPORT-MASQ remain, with their untagged jumps" sh -c \
		'iptables -t nat -S PREROUTING | grep -q -- "-j CNI-HOSTPORT-DNAT" && iptables -t nat -S POSTROUTING | grep -q -- "-j CNI-HOSTPORT-MASQ"'
	check "bridge ADD for pod3" pod pod3 $ID3
	check "a later portmap ADD works" portmap_for pod3 8080
	check "and it made CNI-HOSTPORT-SETMARK again" \
		sh -c 'iptables -t nat -S CNI-HOSTPORT-SETMARK | grep -q -- "-j MARK"'
fi
done_testing
