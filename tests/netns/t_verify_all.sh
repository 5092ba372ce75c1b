#!/bin/sh
# Issue 12, point 1: multus --verify --all [--json] [--cni-dir DIR] over a node's whole store.
#
#   netns p1: eth0 (bridge br-va, 10.31.0.0/24), eth1 (macvlan on vpar, 10.32.0.0/24)  ADD va1
#   netns p2: eth0 (bridge br-va)                                                       ADD va2
#   plus synthetic entries: copies of va2's entry whose netns is gone (most of them), one whose
#   netns file is no netns, one without a netns, firewall rules left by one stale container.
. "$SRC/tests/netns/lib.sh"
setup_dirs
export PLUGINS
bridge_conf base br-va 10.31.0.0/24
macvlan_conf side vpar 10.32.0.0/24
ip netns add p1
ip netns add p2
N_STALE=${VERIFY_ALL_STALE:-196}

netconf m '"defaultDelegates":"base,side"' >"$T/nc1"
netconf m '"defaultDelegates":"base"' >"$T/nc2"
multus ADD va1 eth0 /run/netns/p1 <"$T/nc1"
check "ADD va1 (two attachments)" [ "$RC" -eq 0 ]
multus ADD va2 eth0 /run/netns/p2 <"$T/nc2"
check "ADD va2" [ "$RC" -eq 0 ]

# all: every pod as recorded.
"$MULTUS" --verify --all --cni-dir "$STORE" >"$T/all.out" 2>"$T/all.err"
rc=$?
check "two healthy pods: exit 0" [ "$rc" -eq 0 ]
check "two healthy pods: each netns and container listed" sh -c "grep -q '^netns /run/netns/p1: 1 store entry' '$T/all.out' && grep -q '^netns /run/netns/p2: 1 store entry' '$T/all.out' && grep -q '^container va1' '$T/all.out' && grep -q '^container va2' '$T/all.out'"
check "two healthy pods: every attachment ok" sh -c "[ \$(grep -c '^  eth[01] .* ok\$' '$T/all.out') -eq 3 ]"
check "two healthy pods: the summary line closes the output" sh -c "tail -n1 '$T/all.out' | grep -qx 'summary: 2 entries: 2 ok, 0 drift, 0 stale, 0 error(s); 2 netns, 0 unexplained link(s); result: ok'"
check "two healthy pods: nothing on stderr" [ ! -s "$T/all.err" ]

# The synthetic store: va2's entry copied under other ids with a netns that is gone.
mk_entry() { # ID NETNS|-
	if [ "$2" = - ]; then
		jq -c --arg id "$1" '.containerID = $id | del(.netns) | .podNamespace = "default" | .podName = "pod-" + $id' "$STORE/va2.json"
	else
		jq -c --arg id "$1" --arg ns "$2" '.containerID = $id | .netns = $ns | .podNamespace = "default" | .podName = "pod-" + $id' "$STORE/va2.json"
	fi >"$STORE/$1.json"
}
i=0
while [ "$i" -lt "$N_STALE" ]; do
	mk_entry "$(printf 'stale%04d' "$i")" "/run/netns/gone-$i"
	i=$((i + 1))
done
: >/run/netns/notns
mk_entry stalefile /run/netns/notns
mk_entry stalenone -
# A second entry in p2 (same netns by another spelling of its path): one netns, two entries.
mk_entry va2twin /var/run/netns/p2
# A container gone without DEL that left a masquerade rule behind (as bridge ipMasq tags it).
fw=no
if iptables -V 2>/dev/null | grep -q nf_tables &&
	iptables -t nat -A POSTROUTING -s 10.31.0.99 -j MASQUERADE -m comment --comment 'name: "base" id: "stale0007"' &&
	iptables -t nat -A POSTROUTING -s 10.31.0.98 -j MASQUERADE -m comment --comment 'name: "base" id: "stale0010"' &&
	iptables -t nat -A POSTROUTING -s 10.31.0.97 -j MASQUERADE -m comment --comment 'name: "base" id: "stale0010"' &&
	iptables -t nat -A POSTROUTING -s 10.31.0.96 -j MASQUERADE -m comment --comment 'name: "base" id: "va1"'; then
	fw=yes
fi
# An id that is a prefix of a tagged one (stale0010) owns none of its rules.
mk_entry stale001 /run/netns/gone-x
total=$((N_STALE + 6))

start=$(date +%s%N)
"$MULTUS" --verify --all --cni-dir "$STORE" >"$T/all.out" 2>"$T/all.err"
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
echo "# --verify --all over $total entries ($N_STALE stale): ${ms} ms"
check "$total entries, most stale: exit 0 (stale is not an error)" [ "$rc" -eq 0 ]
check "$total entries: in bounded time (${ms} ms, bound 20 s)" [ "$ms" -lt 20000 ]
check "$total entries: the summary counts them" sh -c "tail -n1 '$T/all.out' | grep -qx 'summary: $total entries: 3 ok, 0 drift, $((N_STALE + 3)) stale, 0 error(s); 2 netns, 0 unexplained link(s); result: ok'"
check "stale entries are named with their container id and pod" grep -q '^stale: container stale0000 (pod default/pod-stale0000): network namespace /run/netns/gone-0 does not exist, 0 firewall rule(s) of its own$' "$T/all.out"
check "every stale id is reported once" sh -c "[ \$(grep -c '^stale: container stale[0-9][0-9][0-9][0-9] ' '$T/all.out') -eq $N_STALE ]"
if [ "$fw" = yes ]; then
	check "a stale container's leftover firewall rule is counted" grep -q '^stale: container stale0007 .* 1 firewall rule(s) of its own$' "$T/all.out"
	"$MULTUS" --verify p1 --cni-dir "$STORE" >"$T/one.out" 2>&1
	check "a live container's rule: --all and --verify NETNS count the same" sh -c "grep -q '^container va1, 1 firewall rule(s) of its own\$' '$T/all.out' && grep -q '^container va1, 1 firewall rule(s) of its own\$' '$T/one.out'"
	check "each container counts its own rules only (stale0010: 2; stale001, a prefix: 0)" sh -c "grep -q '^stale: container stale0010 .* 2 firewall rule(s) of its own\$' '$T/all.out' && grep -q '^stale: container stale001 .* 0 firewall rule(s) of its own\$' '$T/all.out'"
else
	skip "a stale container's leftover firewall rule" "iptables is not the nf_tables flavour"
fi
check "a netns file that is no netns: stale" grep -q '^stale: container stalefile .*is not a network namespace' "$T/all.out"
check "an entry without a netns: stale" grep -q '^stale: container stalenone .*: no netns recorded' "$T/all.out"
check "two entries in one netns (two spellings of its path) are one netns" sh -c "grep -q '^netns /run/netns/p2: 2 store entries' '$T/all.out' && ! grep -q '^netns /var/run/netns/p2' '$T/all.out'"

"$MULTUS" --verify --all --json --cni-dir "$STORE" >"$T/all.json" 2>"$T/all.err"
rc=$?
check "--json: exit 0, one document" sh -c "[ $rc -eq 0 ] && jq -se 'length == 1' '$T/all.json'"
check "--json: summary" jq -e ".ok == true and .cniDir == \"$STORE\" and .summary == {entries: $total, ok: 3, drift: 0, stale: $((N_STALE + 3)), errors: 0, netns: 2, unexplainedLinks: 0, result: \"ok\"}" "$T/all.json"
check "--json: netns groups with their entries and attachments" jq -e '[.netns[] | {netns, n: (.entries | length)}] == [{netns: "/run/netns/p1", n: 1}, {netns: "/run/netns/p2", n: 2}] and (.netns[0].entries[0] | .containerID == "va1" and .ok and (.attachments | map(.ifname)) == ["eth0", "eth1"])' "$T/all.json"
[ "$fw" = yes ] && nfw=1 || nfw=0
check "--json: stale entries with id, pod, netns, reason and firewall rules" jq -e '(.stale | length) == '"$((N_STALE + 3))"' and (.stale[] | select(.containerID == "stale0007") | .netns == "/run/netns/gone-7" and .podNamespace == "default" and .podName == "pod-stale0007" and .firewallRules == '"$nfw"' and (.reason | contains("does not exist")))' "$T/all.json"

# Drift in one pod, a stray link in the other: exit 1, each named.
ip netns exec p1 ip addr flush dev eth1
ip link add stray9p type veth peer name stray9 netns p2
"$MULTUS" --verify --all --cni-dir "$STORE" >"$T/all.out" 2>&1
rc=$?
check "drift: exit 1" [ "$rc" -eq 1 ]
check "drift: the missing address named under its container" sh -c "grep -A3 '^container va1' '$T/all.out' | grep -q 'eth1: address 10.32.0.[0-9]*/24 is missing'"
check "drift: the stray link named" grep -q '^unexplained link: stray9' "$T/all.out"
check "drift: summary" sh -c "tail -n1 '$T/all.out' | grep -qx 'summary: $total entries: 2 ok, 1 drift, $((N_STALE + 3)) stale, 0 error(s); 2 netns, 1 unexplained link(s); result: drift found'"
"$MULTUS" --verify --all --json --cni-dir "$STORE" >"$T/all.json" 2>&1
rc=$?
check "drift --json: exit 1, ok false, the entry and netns marked" sh -c "[ $rc -eq 1 ] && jq -e '.ok == false and .summary.result == \"drift found\" and .netns[0].entries[0].ok == false and .netns[1].ok == false and .netns[1].unexplainedLinks[0].name == \"stray9\"' '$T/all.json'"
ip netns exec p2 ip link del stray9

# An entry that cannot be read: exit 2, named; the others are still checked.
printf '{"containerID":' >"$STORE/broken1.json"
"$MULTUS" --verify --all --cni-dir "$STORE" >"$T/all.out" 2>&1
rc=$?
check "unreadable entry: exit 2 (error before drift)" [ "$rc" -eq 2 ]
check "unreadable entry: named, the rest still checked" sh -c "grep -q '^error: container broken1: ' '$T/all.out' && grep -q '^container va1' '$T/all.out' && tail -n1 '$T/all.out' | grep -q 'summary: $((total + 1)) entries: 2 ok, 1 drift, $((N_STALE + 3)) stale, 1 error(s); .*result: error$'"
rm -f "$STORE/broken1.json"

# Usage and access errors.
"$MULTUS" --verify --all p1 >"$T/out" 2>&1
check "--all with a NETNS: exit 2" sh -c "[ $? -eq 2 ] && grep -q 'takes no NETNS' '$T/out'"
"$MULTUS" --verify --all --cni-dir "$T/nosuchdir" >"$T/out" 2>&1
check "a --cni-dir that does not exist: exit 2 naming it" sh -c "[ $? -eq 2 ] && grep -q '$T/nosuchdir' '$T/out'"
"$MULTUS" --verify --all --cni-dir "$T/nc1" >"$T/out" 2>&1
check "a --cni-dir that is a file: exit 2" [ $? -eq 2 ]
"$MULTUS" --verify --all --bogus >"$T/out" 2>&1
check "unknown flag: exit 2 with the usage" sh -c "[ $? -eq 2 ] && grep -q 'Usage: multus --verify' '$T/out'"
"$MULTUS" --verify --help >"$T/out" 2>&1
check "--verify --help: exit 0, lists --all with the store's default" sh -c "[ $? -eq 0 ] && grep -q -- '--all' '$T/out' && grep -q -- '--cni-dir DIR .*\[/var/lib/cni/multus\]' '$T/out'"

# The real pods' DEL leaves --all with only the synthetic entries, all stale.
multus DEL va1 eth0 /run/netns/p1 <"$T/nc1"
multus DEL va2 eth0 /run/netns/p2 <"$T/nc2"
rm -f "$STORE/va2twin.json"
"$MULTUS" --verify --all --cni-dir "$STORE" >"$T/all.out" 2>&1
check "after DEL: only stale entries, exit 0" sh -c "[ $? -eq 0 ] && tail -n1 '$T/all.out' | grep -qx 'summary: $((N_STALE + 3)) entries: 0 ok, 0 drift, $((N_STALE + 3)) stale, 0 error(s); 0 netns, 0 unexplained link(s); result: ok'"

# The Go plugins' entries (tests/fixtures/legacy-stores) come along: upstream's in the cniDir,
# the seed fork's in its default store, read only when no --cni-dir is given.
FIX=$SRC/tests/fixtures/legacy-stores
cp "$FIX/upstream/var-lib-cni/multus/lgup0001" "$STORE/"
mkdir -p "$STORE/results"
cp "$FIX"/upstream/var-lib-cni/multus/results/* "$STORE/results/"
"$MULTUS" --verify --all --cni-dir "$STORE" >"$T/all.out" 2>&1
rc=$?
check "upstream's legacy entry, netns gone: stale, exit 0" sh -c "[ $rc -eq 0 ] && grep -q \"^stale: container lgup0001, a Go plugin's entry: network namespace /var/run/netns/lgpod-up does not exist\" '$T/all.out'"
ip netns add lgpod-up
"$MULTUS" --verify --all --json --cni-dir "$STORE" >"$T/all.json" 2>&1
rc=$?
check "upstream's legacy entry, netns there but empty: exit 1, both attachments checked" sh -c "[ $rc -eq 1 ] && jq -e '.netns[0].netns == \"/var/run/netns/lgpod-up\" and (.netns[0].entries[0] | .containerID == \"lgup0001\" and .legacy == true and .ok == false and ([.attachments[] | .ifname] == [\"eth0\", \"net1\"]) and ([.attachments[].problems[]] | any(contains(\"eth0: link is missing\"))))' '$T/all.json'"
"$MULTUS" --verify lgpod-up --cni-dir "$STORE" >"$T/out" 2>&1
check "--verify NETNS finds the legacy entry too" sh -c "[ $? -eq 1 ] && grep -q '^container lgup0001.*a Go plugin.s entry' '$T/out'"
ip netns del lgpod-up
rm -rf "$STORE/lgup0001" "$STORE/results"
mkdir -p /var/lib/cni/networks/multus /var/lib/cni/results
cp "$FIX/seed/var-lib-cni/networks/multus/lgseed0001" /var/lib/cni/networks/multus/
cp "$FIX"/seed/var-lib-cni/results/* /var/lib/cni/results/
"$MULTUS" --verify --all >"$T/all.out" 2>&1
rc=$?
check "the seed fork's default store, no --cni-dir: its entry is listed (stale)" sh -c "[ $rc -eq 0 ] && grep -q \"^stale: container lgseed0001, a Go plugin's entry: network namespace /var/run/netns/lgpod-seed does not exist\" '$T/all.out' && tail -n1 '$T/all.out' | grep -q '^summary: 1 entries: 0 ok, 0 drift, 1 stale'"
"$MULTUS" --verify --all --cni-dir "$STORE" >"$T/all.out" 2>&1
check "with --cni-dir, the seed's default store is not looked at" sh -c "! grep -q lgseed0001 '$T/all.out'"
rm -rf /var/lib/cni/networks/multus /var/lib/cni/results

# More live netns than the process may hold fds (ulimit -n 32, 60 netns): one netns is open at
# a time. Each holds a copy of va2's entry without its links: drift, named, in all 60.
mkdir -p "$T/many"
i=0
while [ "$i" -lt 60 ]; do
	ip netns add "many$i"
	jq -c --arg id "many$i" --arg ns "/run/netns/many$i" '.containerID = $id | .netns = $ns' \
		"$STORE/stale0000.json" >"$T/many/many$i.json"
	i=$((i + 1))
done
sh -c "ulimit -n 32 && exec '$MULTUS' --verify --all --json --cni-dir '$T/many'" >"$T/all.json" 2>&1
rc=$?
check "60 live netns under ulimit -n 32: exit 1 (drift in each), every netns checked" sh -c "[ $rc -eq 1 ] && jq -e '.summary.netns == 60 and .summary.drift == 60 and .summary.errors == 0 and ([.netns[].entries[0].attachments[0].problems[0]] | all(. == \"eth0: link is missing\"))' '$T/all.json'"
i=0
while [ "$i" -lt 60 ]; do
	ip netns del "many$i"
	i=$((i + 1))
done

# A node's worth of firewall rules: every stale container left bridge ipMasq's chain (tagged
# jump, two tagged rules inside), beside 5000 untagged service rules. Counted from one listing.
if [ "$fw" = yes ]; then
	iptables -t nat -F POSTROUTING
	{
		echo '*nat'
		for f in "$STORE"/stale[0-9][0-9][0-9][0-9].json; do
			id=$(basename "$f" .json)
			c="CNI-$id"
			tag="-m comment --comment \"name: \\\"base\\\" id: \\\"$id\\\"\""
			echo ":$c - [0:0]"
			echo "-A POSTROUTING -s 10.33.0.1 -j $c $tag"
			echo "-A $c -d 10.31.0.0/24 -j ACCEPT $tag"
			echo "-A $c ! -d 224.0.0.0/4 -j MASQUERADE $tag"
		done
		i=0
		while [ "$i" -lt 5000 ]; do
			echo "-A PREROUTING -d 10.34.$((i / 250)).$((i % 250)) -p tcp --dport 80 -j DNAT --to-destination 10.35.0.1:80 -m comment --comment \"default/svc$i:http\""
			i=$((i + 1))
		done
		echo COMMIT
	} >"$T/rules"
	check "ruleset loaded ($(grep -c '^-A' "$T/rules") rules)" iptables-restore --noflush "$T/rules"
	start=$(date +%s%N)
	"$MULTUS" --verify --all --json --cni-dir "$STORE" >"$T/all.json" 2>&1
	rc=$?
	ms=$((($(date +%s%N) - start) / 1000000))
	echo "# --verify --all over $((N_STALE + 3)) entries and $(grep -c '^-A' "$T/rules") rules: ${ms} ms"
	check "with $N_STALE containers' chains: exit 0 in bounded time (${ms} ms, bound 20 s)" sh -c "[ $rc -eq 0 ] && [ $ms -lt 20000 ]"
	check "each stale container's own chain counted: 3 rules each, none for the others" jq -e '[.stale[] | select(.containerID | test("^stale[0-9]{4}$")) | .firewallRules] == [range('"$N_STALE"') | 3] and ([.stale[] | select(.containerID | test("^stale[0-9]{4}$") | not) | .firewallRules] | all(. == 0))' "$T/all.json"
fi
done_testing
