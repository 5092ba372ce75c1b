#!/bin/sh
# Adversarial QA of the CNI path: delegates that misbehave in ways the other files do not
# cover (tests/netns/bin/rogue), runtime call sequences, environment edge cases.
. "$SRC/tests/netns/lib.sh"
setup_dirs
export PLUGINS
ip netns add a
ip link add hostl0 type veth peer name hostl0p

# rogue_conf MODE: network r-MODE, a bridge+host-local network whose ADD misbehaves.
rogue_conf() {
	printf '{"cniVersion":"1.0.0","name":"r-%s","type":"rogue","rogue":"%s","bridge":"br-r","ipam":{"type":"host-local","subnet":"10.77.0.0/24","dataDir":"%s"}}\n' \
		"$1" "$1" "$IPAM" >"$CONF/r-$1.conf"
}
# clean MODE ID: nothing of the container is left (links, lease, store entry).
clean() {
	! has_link a eth0 && [ "$(ipam_count r-$1)" = 0 ] && [ ! -e "$STORE/$2.json" ]
}

# A delegate whose setsid'd child keeps our pipes open: the ADD ends when the delegate does.
rogue_conf setsid
netconf m '"defaultDelegates":"r-setsid","delegateTimeoutSeconds":20' >"$T/nc"
start=$(date +%s)
multus ADD s1 eth0 /run/netns/a <"$T/nc"
took=$(($(date +%s) - start))
check "setsid child: ADD succeeds" [ "$RC" -eq 0 ]
check "setsid child: ADD does not wait for the child (took ${took}s)" [ "$took" -le 3 ]
multus DEL s1 eth0 /run/netns/a <"$T/nc"
check "setsid child: DEL clean" sh -c "[ $RC -eq 0 ] && ! ip netns exec a ip link show eth0 2>/dev/null"
pgrep_here -x -f "sleep 30" | xargs -r kill 2>/dev/null

# Results that are not one JSON object: ADD fails naming the network, and rolls back.
for m in twodocs trailing empty null array badidx errok; do
	rogue_conf $m
	netconf m '"defaultDelegates":"r-'$m'"' >"$T/nc"
	multus ADD b-$m eth0 /run/netns/a <"$T/nc"
	check "$m result: ADD fails with a CNI error naming r-$m" sh -c "[ $RC -ne 0 ] && jq -e '(.code | type == \"number\") and (.msg | contains(\"r-$m\"))' '$T/out'"
	check "$m result: rolled back (link, lease, entry)" clean $m b-$m
	multus DEL b-$m eth0 /run/netns/a <"$T/nc"
	check "$m result: DEL after it succeeds" [ "$RC" -eq 0 ]
done

# Bytes that are not UTF-8 in a result: never a crash; either refused cleanly or printed
# as valid JSON.
rogue_conf nonutf8
netconf m '"defaultDelegates":"r-nonutf8"' >"$T/nc"
multus ADD b-nonutf8 eth0 /run/netns/a <"$T/nc"
check "non-UTF-8 result: a clean answer (rc $RC)" sh -c "jq -e . '$T/out' >/dev/null && { [ $RC -eq 0 ] || jq -e '.msg | contains(\"r-nonutf8\")' '$T/out'; }"
[ "$RC" -ne 0 ] && check "non-UTF-8 result: refused and rolled back" clean nonutf8 b-nonutf8
multus DEL b-nonutf8 eth0 /run/netns/a <"$T/nc"
check "non-UTF-8 result: DEL clean" sh -c "[ $RC -eq 0 ] && [ \$(ls '$IPAM/r-nonutf8' 2>/dev/null | grep -c '^10\\.') = 0 ]"

# A result without sandbox, one naming a host link, one in another version.
for m in nosandbox hostname oldver; do
	rogue_conf $m
	netconf m '"defaultDelegates":"r-'$m'"' >"$T/nc"
	multus ADD c-$m eth0 /run/netns/a <"$T/nc"
	check "$m: ADD succeeds (the link is there under eth0)" sh -c "[ $RC -eq 0 ] && ip netns exec a ip link show eth0 >/dev/null"
	check "$m: the result is in the caller's version 1.0.0" jq_out '.cniVersion == "1.0.0" and (.ips | length == 1) and (.ips[0] | has("version") | not)'
	check "$m: the host link hostl0 is untouched" ip link show hostl0
	multus DEL c-$m eth0 /run/netns/a <"$T/nc"
	check "$m: DEL clean" sh -c "[ $RC -eq 0 ] && ! ip netns exec a ip link show eth0 2>/dev/null && [ \$(ls '$IPAM/r-$m' | grep -c '^10\\.') = 0 ] && [ ! -e '$STORE/c-$m.json' ]"
	check "$m: the host link hostl0 survives DEL" ip link show hostl0
done

# Links: an extra one, a pre-existing one deleted, the interface renamed after the report.
rogue_conf extralink
netconf m '"defaultDelegates":"r-extralink"' >"$T/nc"
multus ADD l1 eth0 /run/netns/a <"$T/nc"
check "extra link: ADD succeeds" [ "$RC" -eq 0 ]
multus DEL l1 eth0 /run/netns/a <"$T/nc"
check "extra link: DEL sweeps the stray veth too" sh -c "[ $RC -eq 0 ] && ! ip netns exec a ip link show stray0 2>/dev/null && ! ip netns exec a ip link show stray0p 2>/dev/null"

rogue_conf delpre
ip netns exec a ip link add pre0 type veth peer name pre0p
netconf m '"defaultDelegates":"r-delpre"' >"$T/nc"
multus ADD l2 eth0 /run/netns/a <"$T/nc"
check "deleted pre-existing link: ADD answers (rc $RC) without crashing" jq_out '.'
multus DEL l2 eth0 /run/netns/a <"$T/nc"
check "deleted pre-existing link: DEL clean" sh -c "[ $RC -eq 0 ] && ! ip netns exec a ip link show eth0 2>/dev/null && [ ! -e '$STORE/l2.json' ]"

rogue_conf renamed
netconf m '"defaultDelegates":"r-renamed"' >"$T/nc"
multus ADD l3 eth0 /run/netns/a <"$T/nc"
check "renamed after report: ADD fails naming r-renamed" sh -c "[ $RC -ne 0 ] && jq -e '.msg | contains(\"r-renamed\")' '$T/out'"
check "renamed after report: the renamed link is swept" sh -c "! ip netns exec a ip link show gone0 2>/dev/null"
check "renamed after report: rolled back" clean renamed l3

# Started with fd 0, 1 or 2 closed (a runtime's bug, or a wrapper's): what multus opens first
# must not become its stdout or stderr. Before the fix, with fd 1 closed the log file was
# opened as fd 1 and got the result; with fd 2 closed it got every log line twice.
bridge_conf good br-g 10.78.0.0/24
netconf m '"defaultDelegates":"good","logFile":"'"$T/fd.log"'"' >"$T/nc"
run_closed() { # FD ID
	case $1 in
	1) CNI_COMMAND=ADD CNI_CONTAINERID=$2 CNI_IFNAME=eth0 CNI_NETNS=/run/netns/a CNI_PATH=$CNI_PATH_TEST "$MULTUS" <"$T/nc" >&- 2>"$T/err" ;;
	2) CNI_COMMAND=ADD CNI_CONTAINERID=$2 CNI_IFNAME=eth0 CNI_NETNS=/run/netns/a CNI_PATH=$CNI_PATH_TEST "$MULTUS" <"$T/nc" >"$T/out" 2>&- ;;
	esac
	RC=$?
}
for fd in 1 2; do
	: >"$T/fd.log"
	run_closed $fd fd$fd
	check "fd $fd closed: ADD succeeds" [ "$RC" -eq 0 ]
	check "fd $fd closed: the log file has only log lines" sh -c "! grep -qv '^20[0-9-]*T[0-9:.]*Z ' '$T/fd.log' && [ -s '$T/fd.log' ]"
	check "fd $fd closed: each log line once" sh -c "[ \$(sort '$T/fd.log' | uniq -d | wc -l) = 0 ]"
	check "fd $fd closed: the store entry is valid JSON" jq -e .containerID "$STORE/fd$fd.json"
	multus DEL fd$fd eth0 /run/netns/a <"$T/nc"
	check "fd $fd closed: DEL clean" sh -c "[ $RC -eq 0 ] && ! ip netns exec a ip link show eth0 2>/dev/null && [ ! -e '$STORE/fd$fd.json' ]"
done
CNI_COMMAND=ADD CNI_CONTAINERID=fd0 CNI_IFNAME=eth0 CNI_NETNS=/run/netns/a CNI_PATH=$CNI_PATH_TEST "$MULTUS" <&- >"$T/out" 2>"$T/err"
RC=$?
check "fd 0 closed: read as an empty netconf (code 6)" sh -c "[ $RC -ne 0 ] && jq -e '.code == 6 and (.msg | contains(\"netconf\"))' '$T/out'"
check "fd 0 closed: nothing added" sh -c "! ip netns exec a ip link show eth0 2>/dev/null && [ ! -e '$STORE/fd0.json' ]"

# Lengths at the edges: a 200-byte container id and a 15-byte CNI_IFNAME work; 1000 bytes and
# 16 bytes are code 4 saying why (before the fix, a 1000-byte id of letters "must match" the
# pattern it matches).
netconf m '"defaultDelegates":"good"' >"$T/nc"
id200=$(head -c 200 /dev/zero | tr '\0' b)
multus ADD "$id200" abcdefghijklmno /run/netns/a <"$T/nc"
check "200-byte id, 15-byte ifname: ADD succeeds" sh -c "[ $RC -eq 0 ] && ip netns exec a ip link show abcdefghijklmno >/dev/null"
multus DEL "$id200" abcdefghijklmno /run/netns/a <"$T/nc"
check "200-byte id: DEL clean" sh -c "[ $RC -eq 0 ] && [ -z \"\$(ls '$STORE')\" ] && ! ip netns exec a ip link show abcdefghijklmno 2>/dev/null"
multus ADD "$(head -c 1000 /dev/zero | tr '\0' b)" eth0 /run/netns/a <"$T/nc"
check "1000-byte id: code 4 giving its length and the bound" sh -c "[ $RC -ne 0 ] && jq -e '.code == 4 and (.msg | contains(\"1000 bytes long, at most 200\"))' '$T/out'"
multus ADD c16 abcdefghijklmnop /run/netns/a <"$T/nc"
check "16-byte ifname: code 4 naming CNI_IFNAME" sh -c "[ $RC -ne 0 ] && jq -e '.code == 4 and (.msg | contains(\"CNI_IFNAME\"))' '$T/out'"
check "invalid env: nothing added" sh -c "[ -z \"\$(ls '$STORE')\" ] && [ \$(ip netns exec a ip -o link | wc -l) = 1 ]"

# multus killed mid-ADD (the store entry written, the first network added, the second one's
# delegate running): the delegate dies with it, and the runtime's DEL leaves nothing.
printf '{"cniVersion":"1.0.0","name":"slow-net","type":"slowpoke"}\n' >"$CONF/slow-net.conf"
netconf m '"defaultDelegates":"good,slow-net"' >"$T/nc"
for sig in KILL TERM; do
	ip netns add k
	CNI_COMMAND=ADD CNI_CONTAINERID=k$sig CNI_IFNAME=eth0 CNI_NETNS=/run/netns/k CNI_PATH=$CNI_PATH_TEST \
		"$MULTUS" <"$T/nc" >"$T/out" 2>"$T/err" &
	pid=$!
	i=0
	while ! pgrep_here -x -f "sleep 997" >/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	check "SIG$sig mid-ADD: the entry was written and eth0 added first" sh -c "[ -e '$STORE/k$sig.json' ] && ip netns exec k ip link show eth0 >/dev/null"
	kill -$sig $pid
	wait $pid
	sleep 0.3
	check "SIG$sig mid-ADD: the running delegate died with multus" none_here "sleep 997"
	multus DEL k$sig eth0 /run/netns/k <"$T/nc"
	check "SIG$sig mid-ADD: DEL succeeds and leaves nothing" sh -c "[ $RC -eq 0 ] && ! ip netns exec k ip link show eth0 2>/dev/null && [ $(ipam_count good) = 0 ] && [ ! -e '$STORE/k$sig.json' ]" 
	ip netns del k
done
# Only this test's own (its netns), never another test's on the same machine.
pgrep_here -x -f "sleep 997" | xargs -r kill 2>/dev/null

# A DEL racing an ADD of the same container: it waits for the ADD (the lock) and then tears
# down what the ADD made; nothing is left either way.
printf '{"cniVersion":"1.0.0","name":"late-net","type":"rogue","rogue":"setsid","bridge":"br-g","ipam":{"type":"host-local","subnet":"10.79.0.0/24","dataDir":"%s"}}\n' "$IPAM" >"$CONF/late-net.conf"
netconf m '"defaultDelegates":"good,late-net"' >"$T/nc"
ip netns add r
CNI_COMMAND=ADD CNI_CONTAINERID=race CNI_IFNAME=eth0 CNI_NETNS=/run/netns/r CNI_PATH=$CNI_PATH_TEST \
	"$MULTUS" <"$T/nc" >"$T/race.out" 2>"$T/race.err" &
pid=$!
sleep 0.05
multus DEL race eth0 /run/netns/r <"$T/nc"
wait $pid
check "DEL racing ADD: DEL succeeds" [ "$RC" -eq 0 ]
# Whichever came second: if the ADD won the lock first, DEL removed all; if DEL did, the ADD
# added and it is there. Another DEL always leaves nothing.
multus DEL race eth0 /run/netns/r <"$T/nc"
check "DEL racing ADD: then nothing is left" sh -c "[ $RC -eq 0 ] && [ \$(ip netns exec r ip -o link | wc -l) = 1 ] && [ $(ipam_count good) = 0 ] && [ $(ipam_count late-net) = 0 ] && [ ! -e '$STORE/race.json' ]"
ip netns del r
pgrep_here -x -f "sleep 30" | xargs -r kill 2>/dev/null

# 20 ADDs of different containers at once, then 20 DELs at once.
netconf m '"defaultDelegates":"good"' >"$T/nc"
i=0
while [ $i -lt 20 ]; do
	ip netns add p$i
	i=$((i + 1))
done
par() { # CMD
	i=0
	while [ $i -lt 20 ]; do
		CNI_COMMAND=$1 CNI_CONTAINERID=p$i CNI_IFNAME=eth0 CNI_NETNS=/run/netns/p$i CNI_PATH=$CNI_PATH_TEST \
			"$MULTUS" <"$T/nc" >"$T/p$i.out" 2>"$T/p$i.err" &
		i=$((i + 1))
	done
	wait
}
par ADD
check "20 parallel ADDs: all succeed with distinct addresses" sh -c "cat '$T'/p*.out | jq -r '.ips[0].address' | sort -u | grep -c '^10\\.78\\.' | grep -qx 20"
check "20 parallel ADDs: 20 leases, 20 entries" sh -c "[ $(ipam_count good) = 20 ] && [ \$(ls '$STORE' | grep -c '^p.*json\$') = 20 ]"
par DEL
check "20 parallel DELs: all succeed" sh -c "! grep -l code '$T'/p*.out"
check "20 parallel DELs: no lease, no entry, no veth left" sh -c "[ $(ipam_count good) = 0 ] && [ -z \"\$(ls '$STORE')\" ] && ! ip -o link | grep -q veth"
i=0
while [ $i -lt 20 ]; do
	ip netns del p$i
	i=$((i + 1))
done

# GC: the runtime's list decides what goes, so a list multus cannot read collects nothing
# (before the fix a missing key or malformed elements tore down every container).
ip netns add g
netconf m '"defaultDelegates":"good"' 1.1.0 >"$T/nc"
multus ADD gc1 eth0 /run/netns/g <"$T/nc"
check "GC setup: ADD" [ "$RC" -eq 0 ]
gc() { # EXTRA_MEMBERS
	netconf m '"defaultDelegates":"good"'"${1:+,$1}" 1.1.0 >"$T/gc"
	CNI_COMMAND=GC CNI_PATH=$CNI_PATH_TEST "$MULTUS" <"$T/gc" >"$T/out" 2>"$T/err"
	RC=$?
}
gc ''
check "GC without cni.dev/valid-attachments: code 7 saying so" sh -c "[ $RC -ne 0 ] && jq -e '.code == 7 and (.msg | contains(\"cni.dev/valid-attachments\"))' '$T/out'"
check "GC without the list: the container is kept" sh -c "[ -e '$STORE/gc1.json' ] && ip netns exec g ip link show eth0 >/dev/null"
for bad in '[{"containerID":5}]' '[5]' '[{"ifname":"eth0"}]' '[{"containerID":"gc1","ifname":0}]' '{}' '"gc1"'; do
	gc '"cni.dev/valid-attachments":'"$bad"
	check "GC with valid-attachments $bad: code 7, container kept" sh -c "[ $RC -ne 0 ] && jq -e '.code == 7' '$T/out' >/dev/null && [ -e '$STORE/gc1.json' ] && ip netns exec g ip link show eth0 >/dev/null"
done
gc '"cni.dev/valid-attachments":[{"containerID":"gc1"}]'
check "GC listing the container without ifname keeps it" sh -c "[ $RC -eq 0 ] && [ -e '$STORE/gc1.json' ]"
gc '"cni.dev/valid-attachments":[{"containerID":"gc1","ifname":"net1"}]'
check "GC listing the container under another ifname collects it" sh -c "[ $RC -eq 0 ] && [ ! -e '$STORE/gc1.json' ] && ! ip netns exec g ip link show eth0 2>/dev/null && [ $(ipam_count good) = 0 ]"
multus ADD gc2 eth0 /run/netns/g <"$T/nc"
gc '"cni.dev/valid-attachments":null,"cni.dev/attachments":null'
check "GC with libcni's null (a Go nil slice: none valid) collects" sh -c "[ $RC -eq 0 ] && [ ! -e '$STORE/gc2.json' ] && ! ip netns exec g ip link show eth0 2>/dev/null"
ip netns del g

# Netconfs as users write them. A conflist handed over as it is: code 7 saying so.
printf '{"cniVersion":"1.0.0","name":"m","plugins":[{"type":"multus","confDir":"%s","cniDir":"%s","defaultDelegates":"good"}]}' "$CONF" "$STORE" >"$T/nc"
multus ADD cl1 eth0 /run/netns/a <"$T/nc"
check "conflist as the netconf: code 7 saying it is a conflist" sh -c "[ $RC -ne 0 ] && jq -e '.code == 7 and (.msg | contains(\"conflist\"))' '$T/out'"
# An inline conflist in delegates: both plugins run, DEL leaves nothing.
netconf m '"delegates":[{"cniVersion":"1.0.0","name":"inl","plugins":[{"type":"bridge","bridge":"br-i","ipam":{"type":"host-local","subnet":"10.81.0.0/24","dataDir":"'"$IPAM"'"}},{"type":"tuning","sysctl":{"net.ipv4.conf.eth0.rp_filter":"2"}}]}]' >"$T/nc"
multus ADD cl2 eth0 /run/netns/a <"$T/nc"
check "inline conflist delegate: ADD succeeds, tuning applied" sh -c "[ $RC -eq 0 ] && [ \$(ip netns exec a cat /proc/sys/net/ipv4/conf/eth0/rp_filter) = 2 ]"
multus DEL cl2 eth0 /run/netns/a <"$T/nc"
check "inline conflist delegate: DEL clean" sh -c "[ $RC -eq 0 ] && ! ip netns exec a ip link show eth0 2>/dev/null && [ $(ipam_count inl) = 0 ]"
# capabilities + runtimeConfig portMappings reach portmap; its DNAT rules are swept on DEL
# even when portmap's DEL fails (the DEL then fails, naming it, and a retry finishes).
printf '{"cniVersion":"1.0.0","name":"pm","plugins":[{"type":"bridge","bridge":"br-p","isGateway":true,"ipam":{"type":"host-local","subnet":"10.80.0.0/24","dataDir":"%s"}},{"type":"rogue","rogue":"pass","inner":"portmap","rogueDel":"%s","capabilities":{"portMappings":true}}]}\n' "$IPAM" "$T/pm-del-fails" >"$CONF/pm.conflist"
touch "$T/pm-del-fails"
netconf m '"defaultDelegates":"pm","capabilities":{"portMappings":true},"runtimeConfig":{"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]}' >"$T/nc"
multus ADD pm1 eth0 /run/netns/a 'IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=p' <"$T/nc"
check "portMappings: ADD succeeds" [ "$RC" -eq 0 ]
check "portMappings: the DNAT rule to the pod exists" sh -c "nft list table ip nat 2>/dev/null | grep -q 'dnat to 10.80.0.2:80'"
multus DEL pm1 eth0 /run/netns/a 'IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=p' <"$T/nc"
check "portmap DEL fails: DEL fails naming the network" sh -c "[ $RC -ne 0 ] && jq -e '.msg | contains(\"pm\")' '$T/out'"
check "portmap DEL fails: its DNAT chain is swept anyway" sh -c "! nft list table ip nat 2>/dev/null | grep -q 'CNI-DN-'"
check "portmap DEL fails: the pod's link is gone anyway" sh -c "! ip netns exec a ip link show eth0 2>/dev/null"
rm "$T/pm-del-fails"
multus DEL pm1 eth0 /run/netns/a <"$T/nc"
check "portmap DEL fails: the runtime's retry finishes, nothing left" sh -c "[ $RC -eq 0 ] && [ ! -e '$STORE/pm1.json' ] && [ $(ipam_count pm) = 0 ]"

# A store entry DEL could not read back is never written: five attachments of a 1 MB config
# made of quotes (each stored escaped, twice its size) are more than the 8 MiB DEL reads.
# Before the fix the ADD succeeded and every later DEL failed with "file too large", leaking
# all five links and leases.
python3 -c '
import json, sys
d = {"cniVersion": "1.0.0", "name": "big", "type": "bridge", "bridge": "br-b", "pad": "\"" * 520000,
     "ipam": {"type": "host-local", "subnet": "10.82.0.0/24", "dataDir": sys.argv[1]}}
open(sys.argv[2] + "/big.conf", "w").write(json.dumps(d))
' "$IPAM" "$CONF"
netconf m '"defaultDelegates":"big,big@net1,big@net2,big@net3,big@net4"' >"$T/nc"
multus ADD big1 eth0 /run/netns/a <"$T/nc"
check "oversized store entry: ADD fails saying the entry is too large" sh -c "[ $RC -ne 0 ] && jq -e '.msg | contains(\"store entry\") and contains(\"too large\")' '$T/out'"
check "oversized store entry: nothing added, nothing on disk" sh -c "[ \$(ip netns exec a ip -o link | wc -l) = 1 ] && [ $(ipam_count big) = 0 ] && [ ! -e '$STORE/big1.json' ]"
multus DEL big1 eth0 /run/netns/a <"$T/nc"
check "oversized store entry: DEL succeeds" [ "$RC" -eq 0 ]

# Two multus networks for one container on different interfaces (podman/CRI-O with two
# networks): the second ADD must not tear down the first (before the fix it did, and the
# second network's DEL tore down the first one's attachment too). It is refused, saying why;
# the runtime's DEL of the refused network leaves the first alone.
bridge_conf other br-o 10.83.0.0/24
netconf m1 '"defaultDelegates":"good"' >"$T/nc1"
netconf m2 '"defaultDelegates":"other"' >"$T/nc2"
multus ADD two eth0 /run/netns/a <"$T/nc1"
check "two multus networks: the first ADD succeeds" [ "$RC" -eq 0 ]
multus ADD two eth1 /run/netns/a <"$T/nc2"
check "two multus networks: the second is refused naming both" sh -c "[ $RC -ne 0 ] && jq -e '.code == 7 and (.msg | contains(\"m1\") and contains(\"m2\"))' '$T/out'"
check "two multus networks: the first is still wired" sh -c "ip netns exec a ip link show eth0 >/dev/null && [ $(ipam_count good) = 1 ] && [ $(ipam_count other) = 0 ]"
# With the first's result as prevResult: only the store can tell it is the other network's.
jq -c --slurpfile r "$T/.results/two-eth0" '.prevResult = $r[0]' "$T/nc2" >"$T/nc2.check"
multus CHECK two eth1 /run/netns/a <"$T/nc2.check"
check "two multus networks: CHECK of the second is code 3, not a check of the first" sh -c "[ $RC -ne 0 ] && jq -e '.code == 3' '$T/out'"
multus DEL two eth1 /run/netns/a <"$T/nc2"
check "two multus networks: DEL of the second succeeds and leaves the first" sh -c "[ $RC -eq 0 ] && ip netns exec a ip link show eth0 >/dev/null && [ -e '$STORE/two.json' ]"
# The same netconf renamed (an upgrade), or a DEL on another ifname: still this entry.
netconf m1-renamed '"defaultDelegates":"good"' >"$T/nc3"
multus DEL two eth0 /run/netns/a <"$T/nc3"
check "renamed netconf, same ifname: DEL tears the entry down" sh -c "[ $RC -eq 0 ] && ! ip netns exec a ip link show eth0 2>/dev/null && [ ! -e '$STORE/two.json' ] && [ $(ipam_count good) = 0 ]"
multus ADD two2 eth0 /run/netns/a <"$T/nc1"
multus DEL two2 net9 /run/netns/a <"$T/nc1"
check "same netconf, another CNI_IFNAME: DEL tears the entry down" sh -c "[ $RC -eq 0 ] && ! ip netns exec a ip link show eth0 2>/dev/null && [ ! -e '$STORE/two2.json' ]"

# CNI_ARGS with empty pairs (";;", a trailing ';'): multus tolerates them, the Go plugins do
# not ("ARGS: invalid pair"). Before the fix they were passed on: the bridge ADD failed, so did
# the rollback's DEL, and the kept entry made every later ADD and DEL of the container fail.
netconf m '"defaultDelegates":"good"' >"$T/nc"
multus ADD args1 eth0 /run/netns/a 'IgnoreUnknown=1;;K8S_POD_NAME=p;' <"$T/nc"
check "CNI_ARGS with empty pairs: ADD succeeds with the Go bridge" sh -c "[ $RC -eq 0 ] && ip netns exec a ip link show eth0 >/dev/null"
multus DEL args1 eth0 /run/netns/a 'IgnoreUnknown=1;;K8S_POD_NAME=p;' <"$T/nc"
check "CNI_ARGS with empty pairs: DEL clean" sh -c "[ $RC -eq 0 ] && ! ip netns exec a ip link show eth0 2>/dev/null && [ ! -e '$STORE/args1.json' ] && [ $(ipam_count good) = 0 ]"

# A result just under the 1 MiB cap is taken (and stored, and DEL reads it back).
rogue_conf huge
netconf m '"defaultDelegates":"r-huge"' >"$T/nc"
multus ADD h1 eth0 /run/netns/a <"$T/nc"
check "result near the cap: ADD succeeds, the result printed" sh -c "[ $RC -eq 0 ] && jq -e '.ips[0].address | startswith(\"10.77.0.\")' '$T/out'"
multus DEL h1 eth0 /run/netns/a <"$T/nc"
check "result near the cap: DEL clean" sh -c "[ $RC -eq 0 ] && [ ! -e '$STORE/h1.json' ] && [ $(ipam_count r-huge) = 0 ]"

# The environment as runtimes get it wrong: CNI_PATH with empty and relative entries, DEL
# with CNI_NETNS empty after the netns is gone, VERSION with garbage on stdin, 5 MiB stdin.
netconf m '"defaultDelegates":"good"' >"$T/nc"
ip netns add gone
CNI_PATH_SAVED=$CNI_PATH_TEST
CNI_PATH_TEST="::no/such/relative:$CNI_PATH_TEST:"
multus ADD e1 eth0 /run/netns/gone <"$T/nc"
check "CNI_PATH with empty and relative entries: ADD succeeds" [ "$RC" -eq 0 ]
CNI_PATH_TEST=$CNI_PATH_SAVED
ip netns del gone
multus DEL e1 eth0 "" <"$T/nc"
check "DEL with CNI_NETNS empty after the netns went: succeeds, lease and entry gone" sh -c "[ $RC -eq 0 ] && [ ! -e '$STORE/e1.json' ] && [ $(ipam_count good) = 0 ]"
echo 'garbage{{' | CNI_COMMAND=VERSION "$MULTUS" >"$T/out" 2>"$T/err"
check "VERSION with garbage stdin: the version document" jq_out '.cniVersion == "1.1.0" and (.supportedVersions | index("0.1.0"))'
{ printf '{"cniVersion":"1.0.0","name":"m","type":"multus","x":"'; head -c 5242880 /dev/zero | tr '\0' a; printf '"}'; } >"$T/big"
multus ADD e2 eth0 /run/netns/a <"$T/big"
check "5 MiB netconf: code 6 giving the bound" sh -c "[ $RC -ne 0 ] && jq -e '.code == 6 and (.msg | contains(\"larger than\"))' '$T/out'"

# A network whose type is multus itself (a NAD or confDir file pointing back at us): the
# inner multus would wait for this container's lock until killed, and so would every DEL
# (before the fix: ADD failed after the delegate timeout, its rollback too, and the entry was
# kept for a DEL that could never succeed). Refused up front, code 7, nothing kept.
mkdir -p "$T/self"
cp "$MULTUS" "$T/self/multus"
printf '{"cniVersion":"1.0.0","name":"self","type":"multus","confDir":"%s","cniDir":"%s","defaultDelegates":"good"}\n' "$CONF" "$STORE" >"$CONF/self.conf"
netconf m '"defaultDelegates":"good,self","delegateTimeoutSeconds":3' >"$T/nc"
CNI_PATH_SAVED=$CNI_PATH_TEST
CNI_PATH_TEST="$T/self:$CNI_PATH_TEST"
multus ADD self1 eth0 /run/netns/a <"$T/nc"
check "multus as a delegate: code 7 naming the network" sh -c "[ $RC -ne 0 ] && jq -e '.code == 7 and (.msg | contains(\"self\") and contains(\"multus\"))' '$T/out'"
check "multus as a delegate: rolled back, nothing kept" sh -c "! ip netns exec a ip link show eth0 2>/dev/null && [ ! -e '$STORE/self1.json' ] && [ $(ipam_count good) = 0 ]"
multus DEL self1 eth0 /run/netns/a <"$T/nc"
check "multus as a delegate: DEL succeeds" [ "$RC" -eq 0 ]
CNI_PATH_TEST=$CNI_PATH_SAVED

# logFile in a directory that does not exist yet: made (0755), as upstream's lumberjack does;
# before the fix nothing was logged there, with one warning on stderr.
netconf m '"defaultDelegates":"good","logLevel":"debug","logFile":"'"$T/logs/multus/m.log"'"' >"$T/nc"
multus DEL nolog eth0 /run/netns/a <"$T/nc"
check "logFile in a missing directory: made, and the line is there" sh -c "[ $RC -eq 0 ] && grep -q '\[nolog\] DEL' '$T/logs/multus/m.log' && [ \$(stat -c %a '$T/logs/multus') = 755 ] && [ \$(stat -c %a '$T/logs/multus/m.log') = 600 ]"

done_testing
