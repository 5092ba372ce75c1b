#!/bin/sh
# Delegates that misbehave in ways t_adversarial.sh and t_core_failures.sh do not cover
# (tests/netns/bin/sly, in front of the real bridge plugin): exit status and output that
# disagree, codes the runtime acts on (11), versions, links made elsewhere or taken from another
# attachment, hangs on DEL and VERSION, SIGTERM ignored, CNI_PATH entries that are not plugins.
# Each: a CNI error naming the network and what went wrong, in bounded time; ADD rolled back
# (the failing delegate's DEL included); DEL keeps in the store only what failed.
. "$SRC/tests/netns/lib.sh"
setup_dirs
export PLUGINS
export SLY_LOG="$T/sly.log" SLY_DIR="$T/sly"
mkdir -p "$SLY_DIR"
ip netns add a
ip netns add elsewhere
bridge_conf good br-g 10.90.0.0/24

# sly_conf MODE [COMMAND] [EXTRA_MEMBERS]: network s-MODE, bridge+host-local, misbehaving on
# COMMAND (default ADD).
sly_conf() {
	printf '{"cniVersion":"1.0.0","name":"s-%s","type":"sly","sly":"%s","slyCmd":"%s","bridge":"br-s","ipam":{"type":"host-local","subnet":"10.91.0.0/24","dataDir":"%s"}%s}\n' \
		"$1" "$1" "${2:-ADD}" "$IPAM" "${3:+,$3}" >"$CONF/s-$1.conf"
}
# gone ID NET...: nothing of the container is left: no store entry, no lease of the networks,
# no link in the pod but lo.
gone() {
	id=$1
	shift
	[ ! -e "$STORE/$id.json" ] || { echo "entry left"; return 1; }
	for n in "$@"; do [ "$(ipam_count "$n")" = 0 ] || { echo "lease of $n left"; return 1; }; done
	[ "$(ip netns exec a ip -o link | wc -l)" = 1 ] || { ip netns exec a ip -o link; return 1; }
}
# err_is CODE TEXT...: the last answer failed with that code and a message containing each TEXT.
err_is() {
	code=$1
	shift
	[ "$RC" -ne 0 ] || { echo "rc 0"; return 1; }
	jq -e --argjson c "$code" '.code == $c' "$T/out" >/dev/null || { cat "$T/out"; return 1; }
	for s in "$@"; do
		jq -e --arg s "$s" '.msg | contains($s)' "$T/out" >/dev/null || { cat "$T/out"; return 1; }
	done
}
# sly_calls COMMAND NET: how often that delegate was called with that command.
sly_calls() { grep -c "^$1 $2\$" "$SLY_LOG"; }

# 1. A result on stdout, but exit status 2: a failure (exit status decides, as libcni does); the
# rollback DELs that delegate too, so its lease goes.
sly_conf resultfail
netconf m '"defaultDelegates":"good,s-resultfail"' >"$T/nc"
multus ADD rf eth0 /run/netns/a <"$T/nc"
check "result but exit 2: ADD fails, code 100 naming the network and the status" err_is 100 's-resultfail' 'exited with status 2'
check "result but exit 2: rolled back, its own lease too" gone rf good s-resultfail
check "result but exit 2: its DEL ran in the rollback" [ "$(sly_calls DEL s-resultfail)" = 1 ]

# 2. Code 11 (try again later): the runtime must see 11 (it retries on it), on ADD and DEL.
sly_conf code11
netconf m '"defaultDelegates":"good,s-code11"' >"$T/nc"
multus ADD t11 eth0 /run/netns/a <"$T/nc"
check "code 11 on ADD: the caller sees code 11, the network and the delegate's words" err_is 11 's-code11' 'try again later'
check "code 11 on ADD: details kept" jq_out '.details == "lock held"'
check "code 11 on ADD: rolled back" gone t11 good s-code11
sly_conf code11 DEL
multus ADD d11 eth0 /run/netns/a <"$T/nc"
check "code 11 on DEL: ADD works" [ "$RC" -eq 0 ]
multus DEL d11 eth0 /run/netns/a <"$T/nc"
check "code 11 on DEL: DEL fails with code 11 naming the network" err_is 11 's-code11'
check "code 11 on DEL: the store keeps only that network" jq -e '[.attachments[].network] == ["s-code11"]' "$STORE/d11.json"
touch "$SLY_DIR/off.s-code11"
multus DEL d11 eth0 /run/netns/a <"$T/nc"
check "code 11 on DEL: the retry finishes" sh -c "[ $RC -eq 0 ] && [ ! -e '$STORE/d11.json' ] && [ $(ipam_count s-code11) = 0 ]"

# An attachment that was added and fails its DEL in the rollback of a later failed ADD is kept
# (its lease is held): the runtime's DEL retries only it. The failed one is not kept.
printf '{"cniVersion":"1.0.0","name":"fail-net","type":"fail"}\n' >"$CONF/fail-net.conf"
netconf m '"defaultDelegates":"s-code11,fail-net"' >"$T/nc"
rm -f "$SLY_DIR/off.s-code11"
multus ADD rk eth0 /run/netns/a <"$T/nc"
check "rollback DEL failing for an added network: ADD fails with the ADD's error" err_is 999 'fail-net'
check "rollback DEL failing for an added network: the store keeps only it" jq -e '[.attachments[].network] == ["s-code11"] and .attachments[0].state == "added"' "$STORE/rk.json"
touch "$SLY_DIR/off.s-code11"
multus DEL rk eth0 /run/netns/a <"$T/nc"
check "rollback DEL failing for an added network: the runtime's DEL finishes it" sh -c "[ $RC -eq 0 ] && [ ! -e '$STORE/rk.json' ] && [ ! -e '$STORE/rk.lock' ] && [ $(ipam_count s-code11) = 0 ]"

# 3. An error object but exit 0: on ADD a failure (no result); on DEL and CHECK a success, as
# libcni sees it (exit status decides).
sly_conf errexit0 DEL
netconf m '"defaultDelegates":"s-errexit0"' >"$T/nc"
multus ADD e0 eth0 /run/netns/a <"$T/nc"
check "error object, exit 0, on DEL: ADD works" [ "$RC" -eq 0 ]
multus DEL e0 eth0 /run/netns/a <"$T/nc"
check "error object, exit 0, on DEL: DEL succeeds, nothing kept" sh -c "[ $RC -eq 0 ] && [ ! -s '$T/out' ] && [ ! -e '$STORE/e0.json' ] && [ $(ipam_count s-errexit0) = 0 ]"

# 4. DEL that fails only the first time: the retry runs only that delegate.
sly_conf pass
sly_conf failonce DEL
netconf m '"defaultDelegates":"s-pass,s-failonce,s-pass@net2"' >"$T/nc"
multus ADD f1 eth0 /run/netns/a <"$T/nc"
check "DEL failing once: ADD works" [ "$RC" -eq 0 ]
: >"$SLY_LOG"
multus DEL f1 eth0 /run/netns/a <"$T/nc"
check "DEL failing once: DEL fails naming it" err_is 999 's-failonce' 'failing this once'
check "DEL failing once: the others were torn down (links, leases)" sh -c "[ $(ipam_count s-pass) = 0 ] && ! ip netns exec a ip link show eth0 2>/dev/null && ! ip netns exec a ip link show net2 2>/dev/null"
check "DEL failing once: the store keeps only it" jq -e '[.attachments[].network] == ["s-failonce"]' "$STORE/f1.json"
: >"$SLY_LOG"
multus DEL f1 eth0 /run/netns/a <"$T/nc"
check "DEL failing once: the retry succeeds" sh -c "[ $RC -eq 0 ] && [ ! -e '$STORE/f1.json' ]"
check "DEL failing once: the retry called only that delegate" sh -c "[ \$(wc -l <'$SLY_LOG') = 1 ] && [ $(sly_calls DEL s-failonce) = 1 ]"
check "DEL failing once: nothing left" gone f1 s-pass s-failonce

# 5. Results in a version other than asked: unknown (9.9.9) or none: read in the version asked;
# the caller gets its own.
for m in newver nover; do
	sly_conf $m
	netconf m '"defaultDelegates":"s-'$m'"' 0.4.0 >"$T/nc"
	multus ADD v-$m eth0 /run/netns/a <"$T/nc"
	check "$m: ADD succeeds, result in the caller's 0.4.0" sh -c "[ $RC -eq 0 ] && jq -e '.cniVersion == \"0.4.0\" and (.ips[0].version == \"4\")' '$T/out'"
	multus CHECK v-$m eth0 /run/netns/a <"$T/nc"
	check "$m: CHECK succeeds" [ "$RC" -eq 0 ]
	multus DEL v-$m eth0 /run/netns/a <"$T/nc"
	check "$m: DEL clean" sh -c "[ $RC -eq 0 ] && [ ! -e '$STORE/v-$m.json' ] && [ $(ipam_count s-$m) = 0 ]"
done

# 6. A result that puts the interface in another netns's sandbox: the link is in the pod (the
# kernel's truth), and the printed result says the pod's netns.
sly_conf othersb
netconf m '"defaultDelegates":"s-othersb"' >"$T/nc"
multus ADD sb eth0 /run/netns/a <"$T/nc"
check "other sandbox: ADD succeeds" [ "$RC" -eq 0 ]
check "other sandbox: the result names the pod's netns" jq_out '[.interfaces[] | select(.name == "eth0") | .sandbox] == ["/run/netns/a"]'
multus DEL sb eth0 /run/netns/a <"$T/nc"
check "other sandbox: DEL clean" gone sb s-othersb

# 7. The link made in the host netns: ADD fails (no interface in the pod), naming the network;
# the rollback DELs it (its DEL removes the host link) and the lease goes.
sly_conf hostlink
netconf m '"defaultDelegates":"good,s-hostlink@net1"' >"$T/nc"
multus ADD hl eth0 /run/netns/a <"$T/nc"
check "link in the host netns: ADD fails naming the network and net1" err_is 103 's-hostlink' 'net1'
check "link in the host netns: rolled back" gone hl good s-hostlink
check "link in the host netns: its DEL ran (the host link is gone)" sh -c "! ip link show h-net1 2>/dev/null"

# 8. A later delegate takes the first attachment's eth0: moved to another netns, deleted,
# renamed. The pod is not wired as the result would say: ADD fails naming both networks, and
# rolls back.
for m in moveeth0 deleth0 renameth0; do
	sly_conf $m
	netconf m '"defaultDelegates":"good,s-'$m'@net1"' >"$T/nc"
	multus ADD x-$m eth0 /run/netns/a <"$T/nc"
	check "$m: ADD fails naming the delegate's network and eth0's" err_is 103 's-'$m 'good' 'eth0'
	check "$m: rolled back (leases, entry, pod links)" gone x-$m good s-$m
	ip netns exec elsewhere ip link del eth0 2>/dev/null
	multus DEL x-$m eth0 /run/netns/a <"$T/nc"
	check "$m: DEL after it succeeds" [ "$RC" -eq 0 ]
done

# 9. eth0 renamed after the ADD (by someone else): CHECK says which interface is missing; DEL
# still releases everything.
netconf m '"defaultDelegates":"good"' >"$T/nc"
multus ADD rn eth0 /run/netns/a <"$T/nc"
ip netns exec a ip link set eth0 down
ip netns exec a ip link set eth0 name moved0
multus CHECK rn eth0 /run/netns/a <"$T/nc"
check "renamed after ADD: CHECK fails naming the network and eth0" err_is 103 'good' 'eth0'
multus DEL rn eth0 /run/netns/a <"$T/nc"
check "renamed after ADD: DEL succeeds and releases the lease" sh -c "[ $RC -eq 0 ] && [ ! -e '$STORE/rn.json' ] && [ $(ipam_count good) = 0 ]"
ip netns exec a ip link del moved0 2>/dev/null

# 10. 3 MiB on stderr and a child holding stdout, on DEL and on CHECK: bounded, succeeding.
for m in chatty holdout; do
	for c in DEL CHECK; do
		sly_conf $m $c
		netconf m '"defaultDelegates":"s-'$m'","delegateTimeoutSeconds":20' >"$T/nc"
		multus ADD o-$m eth0 /run/netns/a <"$T/nc"
		start=$(date +%s)
		multus $c o-$m eth0 /run/netns/a <"$T/nc"
		took=$(($(date +%s) - start))
		check "$m on $c: succeeds in bounded time (${took}s)" sh -c "[ $RC -eq 0 ] && [ $took -le 3 ]"
		check "$m on $c: our stderr stays bounded" [ "$(wc -c <"$T/err")" -lt 1048576 ]
		multus DEL o-$m eth0 /run/netns/a <"$T/nc"
		check "$m on $c: then nothing left" gone o-$m s-$m
	done
done
pgrep_here -x -f "sleep 30" | xargs -r kill 2>/dev/null

# 10b. A child the delegate leaves behind (its fds closed, so nothing waits for it) would add a
# link after multus looked, one no DEL sweeps: it dies when the delegate exits.
sly_conf late
netconf m '"defaultDelegates":"s-late"' >"$T/nc"
multus ADD lt eth0 /run/netns/a <"$T/nc"
check "left-behind child: ADD succeeds" [ "$RC" -eq 0 ]
sleep 1
check "left-behind child: it added no link afterwards" sh -c "! ip netns exec a ip link show late0 2>/dev/null"
multus DEL lt eth0 /run/netns/a <"$T/nc"
check "left-behind child: DEL clean" gone lt s-late

# 11. A delegate that ignores SIGTERM and hangs, on ADD and on DEL: killed at the timeout,
# whatever it ignores. The ADD rolls back; the DEL keeps it for the runtime's retry.
sly_conf noterm
netconf m '"defaultDelegates":"good,s-noterm","delegateTimeoutSeconds":2' >"$T/nc"
start=$(date +%s)
multus ADD nt eth0 /run/netns/a <"$T/nc"
took=$(($(date +%s) - start))
check "SIGTERM ignored on ADD: fails in bounded time (${took}s), naming the timeout" sh -c "[ $took -le 6 ] && jq -e '.msg | contains(\"s-noterm\") and contains(\"did not finish within 2000 ms\")' '$T/out'"
check "SIGTERM ignored on ADD: rolled back, no delegate left" sh -c "[ ! -e '$STORE/nt.json' ] && [ $(ipam_count good) = 0 ] && ! pgrep --ns $$ --nslist net -x -f 'sleep 998' >/dev/null"
sly_conf noterm DEL
multus ADD ntd eth0 /run/netns/a <"$T/nc"
check "SIGTERM ignored on DEL: ADD works" [ "$RC" -eq 0 ]
start=$(date +%s)
multus DEL ntd eth0 /run/netns/a <"$T/nc"
took=$(($(date +%s) - start))
check "SIGTERM ignored on DEL: fails in bounded time (${took}s) naming it" sh -c "[ $took -le 6 ] && [ $RC -ne 0 ] && jq -e '.msg | contains(\"s-noterm\") and contains(\"DEL did not finish\")' '$T/out'"
check "SIGTERM ignored on DEL: the other network is torn down, the entry keeps the hung one" sh -c "[ $(ipam_count good) = 0 ] && jq -e '[.attachments[].network] == [\"s-noterm\"]' '$STORE/ntd.json'"
check "SIGTERM ignored on DEL: no delegate left" none_here "sleep 998"
touch "$SLY_DIR/off.s-noterm"
multus DEL ntd eth0 /run/netns/a <"$T/nc"
check "SIGTERM ignored on DEL: the retry finishes" sh -c "[ $RC -eq 0 ] && [ ! -e '$STORE/ntd.json' ] && [ $(ipam_count s-noterm) = 0 ]"
check "SIGTERM ignored on DEL: nothing left" gone ntd good s-noterm

# 12. Code 1, and the VERSION probe answers garbage or never: the delegate's own code 1 stays,
# in bounded time (the probe has the delegate's timeout too); rolled back.
sly_conf incompat
netconf m '"defaultDelegates":"good,s-incompat","delegateTimeoutSeconds":2' >"$T/nc"
for v in garbage hang; do
	: >"$SLY_LOG"
	start=$(date +%s)
	SLY_VERSION=$v multus ADD bv-$v eth0 /run/netns/a <"$T/nc"
	took=$(($(date +%s) - start))
	check "code 1, VERSION $v: ADD fails with the delegate's code 1 naming the network (${took}s)" sh -c "[ $took -le 8 ] && jq -e '.code == 1 and (.msg | contains(\"s-incompat\") and contains(\"incompatible\"))' '$T/out'"
	check "code 1, VERSION $v: probed once, not retried" sh -c "[ \$(grep -c '^VERSION' '$SLY_LOG') = 1 ] && [ $(sly_calls ADD s-incompat) = 1 ]"
	check "code 1, VERSION $v: rolled back, no delegate left" sh -c "[ ! -e '$STORE/bv-$v.json' ] && [ $(ipam_count good) = 0 ] && [ $(ipam_count s-incompat) = 0 ] && ! pgrep --ns $$ --nslist net -x -f 'sleep 996' >/dev/null"
done
[ "$took" -ge 2 ] && ok "code 1, VERSION hang: the probe ran until its timeout (${took}s)" || not_ok "code 1, VERSION hang: the probe did not wait (${took}s)"

# On DEL: code 1 and a garbage VERSION: the DEL fails with code 1 naming it and keeps it; the
# retry, once the delegate works, finishes.
sly_conf incompat DEL
sed -i 's/"name":"s-incompat"/"name":"s-incompat-d"/' "$CONF/s-incompat.conf"
netconf m '"defaultDelegates":"good,s-incompat-d","delegateTimeoutSeconds":2' >"$T/nc"
multus ADD bvd eth0 /run/netns/a <"$T/nc"
check "code 1 on DEL: ADD works" [ "$RC" -eq 0 ]
SLY_VERSION=garbage multus DEL bvd eth0 /run/netns/a <"$T/nc"
check "code 1 on DEL, VERSION garbage: DEL fails with code 1 naming it" err_is 1 's-incompat-d' 'incompatible'
check "code 1 on DEL, VERSION garbage: the store keeps only it" jq -e '[.attachments[].network] == ["s-incompat-d"]' "$STORE/bvd.json"
touch "$SLY_DIR/off.s-incompat-d"
multus DEL bvd eth0 /run/netns/a <"$T/nc"
check "code 1 on DEL: the retry finishes" gone bvd good s-incompat-d

# 13. CHECK that hangs ignoring SIGTERM: bounded, naming it, and the attachment stays. STATUS of
# a 1.1.0 master that hangs: not ready (code 50), bounded.
sly_conf noterm CHECK
sed -i 's/"name":"s-noterm"/"name":"s-noterm-c"/' "$CONF/s-noterm.conf"
netconf m '"defaultDelegates":"s-noterm-c","delegateTimeoutSeconds":2' >"$T/nc"
multus ADD ck eth0 /run/netns/a <"$T/nc"
start=$(date +%s)
multus CHECK ck eth0 /run/netns/a <"$T/nc"
took=$(($(date +%s) - start))
check "CHECK hangs: fails in bounded time (${took}s) naming it" sh -c "[ $took -le 6 ] && [ $RC -ne 0 ] && jq -e '.msg | contains(\"s-noterm-c\") and contains(\"CHECK did not finish\")' '$T/out'"
check "CHECK hangs: the attachment stays" sh -c "[ -e '$STORE/ck.json' ] && ip netns exec a ip link show eth0 >/dev/null && [ $(ipam_count s-noterm-c) = 1 ]"
check "CHECK hangs: no delegate left" none_here "sleep 998"
multus DEL ck eth0 /run/netns/a <"$T/nc"
check "CHECK hangs: DEL clean" gone ck s-noterm-c
printf '{"cniVersion":"1.1.0","name":"s-status","type":"sly","sly":"noterm","slyCmd":"STATUS"}\n' >"$CONF/s-status.conf"
netconf m '"defaultDelegates":"s-status","delegateTimeoutSeconds":2' 1.1.0 >"$T/nc"
start=$(date +%s)
CNI_COMMAND=STATUS CNI_PATH=$CNI_PATH_TEST "$MULTUS" <"$T/nc" >"$T/out" 2>"$T/err"
RC=$?
took=$(($(date +%s) - start))
check "STATUS hangs: not ready (code 50) naming it, bounded (${took}s)" sh -c "[ $took -le 6 ] && [ $RC -ne 0 ] && jq -e '.code == 50 and (.msg | contains(\"s-status\"))' '$T/out'"
check "STATUS hangs: no delegate left" none_here "sleep 998"

# 14. CNI_PATH entries before the real plugin that are no plugin: a directory, a dangling
# symlink, a file that is not executable. Skipped as libcni does for the first two (a regular
# file it finds); multus also passes over the file it cannot execute (as execvp does).
mkdir -p "$T/p1/bridge" "$T/p2" "$T/p3"
ln -s "$T/nowhere" "$T/p2/bridge"
printf '#!/bin/sh\nexit 1\n' >"$T/p3/bridge"
chmod 644 "$T/p3/bridge"
netconf m '"defaultDelegates":"good"' >"$T/nc"
SAVED=$CNI_PATH_TEST
CNI_PATH_TEST="$T/p1:$T/p2:$T/p3:$PLUGINS"
multus ADD cp eth0 /run/netns/a <"$T/nc"
check "CNI_PATH with a directory, a dangling link, a non-executable file first: ADD uses the real one" sh -c "[ $RC -eq 0 ] && ip netns exec a ip link show eth0 >/dev/null"
multus DEL cp eth0 /run/netns/a <"$T/nc"
check "CNI_PATH with them first: DEL clean" gone cp good
# Only those: code 7 naming the type and saying why each was passed over.
CNI_PATH_TEST="$T/p1:$T/p2:$T/p3"
sed "s|\"binDir\":\"$PLUGINS\"|\"binDir\":\"$T/none\"|" "$T/nc" >"$T/nc2"
multus ADD cq eth0 /run/netns/a <"$T/nc2"
check "only such entries: code 7 naming the type and the non-executable file" err_is 7 '"bridge"' "$T/p3/bridge" 'not executable'
check "only such entries: nothing added" gone cq good
CNI_PATH_TEST=$SAVED
# The plugin made not executable between ADD and DEL: DEL fails naming the file and why, and
# keeps the attachment (its lease needs it); executable again, the retry finishes.
mkdir -p "$T/own"
cp "$PLUGINS/bridge" "$T/own/ownbr"
printf '{"cniVersion":"1.0.0","name":"own","type":"ownbr","bridge":"br-o","ipam":{"type":"host-local","subnet":"10.92.0.0/24","dataDir":"%s"}}\n' "$IPAM" >"$CONF/own.conf"
netconf m '"defaultDelegates":"good,own@net1"' >"$T/nc"
CNI_PATH_TEST="$T/own:$SAVED"
multus ADD ox eth0 /run/netns/a <"$T/nc"
check "plugin made not executable: ADD works" [ "$RC" -eq 0 ]
chmod 644 "$T/own/ownbr"
multus DEL ox eth0 /run/netns/a <"$T/nc"
check "plugin made not executable: DEL fails naming the file, not executable" sh -c "[ $RC -ne 0 ] && jq -e '.msg | contains(\"own\") and contains(\"$T/own/ownbr is there but not executable\")' '$T/out'"
check "plugin made not executable: the store keeps only it, the other is torn down" sh -c "jq -e '[.attachments[].network] == [\"own\"]' '$STORE/ox.json' && [ $(ipam_count good) = 0 ] && [ $(ipam_count own) = 1 ]"
chmod 755 "$T/own/ownbr"
multus DEL ox eth0 /run/netns/a <"$T/nc"
check "plugin made not executable: the retry finishes" gone ox good own
CNI_PATH_TEST=$SAVED

done_testing
