#!/bin/sh
# GC, STATUS and the readiness file (PRODUCT.md section 5); the nftables sweep through DEL
# (section 7) with a real bridge ipMasq delegate whose DEL leaks everything.
. "$SRC/tests/netns/lib.sh"
setup_dirs
export PLUGINS
bridge_conf g1 br-g 10.31.0.0/24
ip netns add ga
ip netns add gb

# GC: two containers added; the runtime says only "ga-id" is valid.
netconf m '"defaultDelegates":"g1"' 1.1.0 >"$T/nc"
multus ADD ga-id eth0 /run/netns/ga <"$T/nc"
check "GC setup: first ADD" [ "$RC" -eq 0 ]
multus ADD gb-id eth0 /run/netns/gb <"$T/nc"
check "GC setup: second ADD" [ "$RC" -eq 0 ]
netconf m '"defaultDelegates":"g1","cni.dev/valid-attachments":[{"containerID":"ga-id","ifname":"eth0"}]' 1.1.0 >"$T/gc"
CNI_COMMAND=GC CNI_PATH=$CNI_PATH_TEST "$MULTUS" <"$T/gc" >"$T/out" 2>"$T/err"; rc=$?
check "GC succeeds and prints nothing" sh -c "[ $rc -eq 0 ] && [ ! -s '$T/out' ]"
check "GC tore down the invalid container's link" sh -c '! ip netns exec gb ip link show eth0 2>/dev/null'
check "GC removed its store entry" [ ! -e "$STORE/gb-id.json" ]
check "GC released its IP (one lease left, the valid one's)" [ "$(ipam_count g1)" = 1 ]
check "GC kept the valid container" sh -c "ip netns exec ga ip link show eth0 >/dev/null && [ -e '$STORE/ga-id.json' ]"
# The older key, cni.dev/attachments, and an empty list: everything goes.
netconf m '"defaultDelegates":"g1","cni.dev/attachments":[]' 1.1.0 >"$T/gc"
CNI_COMMAND=GC CNI_PATH=$CNI_PATH_TEST "$MULTUS" <"$T/gc" >"$T/out" 2>"$T/err"; rc=$?
check "GC with cni.dev/attachments [] collects the rest" sh -c "[ $rc -eq 0 ] && [ ! -e '$STORE/ga-id.json' ] && ! ip netns exec ga ip link show eth0 2>/dev/null"
check "GC: no IP left" [ "$(ipam_count g1)" = 0 ]
# GC of another multus config leaves our entries alone.
multus ADD gc-other eth0 /run/netns/ga <"$T/nc"
netconf other-multus '"defaultDelegates":"g1","cni.dev/valid-attachments":[]' 1.1.0 >"$T/gc"
CNI_COMMAND=GC CNI_PATH=$CNI_PATH_TEST "$MULTUS" <"$T/gc" >"$T/out" 2>"$T/err"
check "GC of another network name keeps our entry" [ -e "$STORE/gc-other.json" ]
multus DEL gc-other eth0 /run/netns/ga <"$T/nc"

# Temp files `.ID.json.XXXXXX` that a multus killed mid-write left: GC removes them under the
# container's lock (with or without an entry), never while another process holds that lock
# (a live writer's); the container's next ADD or DEL removes its own too, found by the mark
# ('w') the killed writer left in the lock file (without one they list no directory).
netconf m '"defaultDelegates":"g1"' 1.1.0 >"$T/nc"
multus ADD gt-keep eth0 /run/netns/ga <"$T/nc"
for f in .gt-gone.json.Ab12Cd .gt-keep.json.Cd34Ef .gt-held.json.Gh56Ij .gt-keep.json.bad; do
	printf '{"half":' >"$STORE/$f"
done
netconf m '"defaultDelegates":"g1","cni.dev/valid-attachments":[{"containerID":"gt-keep","ifname":"eth0"}]' 1.1.0 >"$T/gc"
flock "$STORE/gt-held.lock" sleep 2 &
holder=$!
sleep 0.3
CNI_COMMAND=GC CNI_PATH=$CNI_PATH_TEST "$MULTUS" <"$T/gc" >"$T/out" 2>"$T/err" &
gcpid=$!
sleep 1
check "GC: a temp file whose container's lock is held stays while it is held" [ -e "$STORE/.gt-held.json.Gh56Ij" ]
wait $holder
wait $gcpid
rc=$?
check "GC with stale temp files succeeds" sh -c "[ $rc -eq 0 ] || cat '$T/out'"
check "GC removed the temp file of a container without an entry, and its lock" sh -c "[ ! -e '$STORE/.gt-gone.json.Ab12Cd' ] && [ ! -e '$STORE/gt-gone.lock' ]"
check "GC removed the temp file of a valid container, and kept the container" \
	sh -c "[ ! -e '$STORE/.gt-keep.json.Cd34Ef' ] && [ -e '$STORE/gt-keep.json' ] && ip netns exec ga ip link show eth0 >/dev/null"
check "GC removed the temp file once its lock was free" [ ! -e "$STORE/.gt-held.json.Gh56Ij" ]
check "GC left a name that is no temp file of ours" [ -e "$STORE/.gt-keep.json.bad" ]
multus DEL gt-keep eth0 /run/netns/ga <"$T/nc"
rm -f "$STORE/.gt-keep.json.bad"
printf '{"half":' >"$STORE/.gt-keep.json.St12Uv"
printf w >"$STORE/gt-keep.lock"
multus DEL gt-keep eth0 /run/netns/ga <"$T/nc"
check "DEL (even with no entry left) removes the container's temp file" sh -c "[ $RC -eq 0 ] && [ ! -e '$STORE/.gt-keep.json.St12Uv' ]"
printf '{"half":' >"$STORE/.gt-add.json.Kl78Mn"
printf '{"half":' >"$STORE/.gt-add2.json.Op90Qr"
printf w >"$STORE/gt-add.lock"
printf w >"$STORE/gt-add2.lock"
multus ADD gt-add eth0 /run/netns/ga <"$T/nc"
check "ADD removes the container's temp file, not another's" \
	sh -c "[ $RC -eq 0 ] && [ ! -e '$STORE/.gt-add.json.Kl78Mn' ] && [ -e '$STORE/.gt-add2.json.Op90Qr' ]"
check "ADD cleared the mark (the old one too); a whole write leaves none" sh -c "[ ! -s '$STORE/gt-add.lock' ]"
sync "$STORE/gt-add.lock"
check "the lock file has no disk block (its mark is a size, never data)" [ "$(stat -c %b "$STORE/gt-add.lock")" -eq 0 ]
multus DEL gt-add eth0 /run/netns/ga <"$T/nc"
rm -f "$STORE/gt-add2.lock"
printf '{"half":' >"$STORE/.gt-add.json.Wx12Yz"
multus ADD gt-add eth0 /run/netns/ga <"$T/nc"
check "ADD without a mark leaves an unmarked temp file to GC" sh -c "[ $RC -eq 0 ] && [ -e '$STORE/.gt-add.json.Wx12Yz' ]"
multus DEL gt-add eth0 /run/netns/ga <"$T/nc"
rm -f "$STORE/.gt-add2.json.Op90Qr" "$STORE/.gt-add.json.Wx12Yz"

# STATUS and readiness.
netconf m '"defaultDelegates":"g1","readinessindicatorfile":"'"$T"'/ready","apiTimeoutSeconds":1' 1.1.0 >"$T/st"
start=$(date +%s%N)
CNI_COMMAND=STATUS CNI_PATH=$CNI_PATH_TEST "$MULTUS" <"$T/st" >"$T/out" 2>"$T/err"; rc=$?
took=$((($(date +%s%N) - start) / 1000000))
check "STATUS without the readiness file: code 50" sh -c "[ $rc -ne 0 ] && jq -e '.code == 50 and (.msg | contains(\"$T/ready\"))' '$T/out'"
check "STATUS waits at most the bound (${took} ms, bound 1000 ms)" [ "$took" -lt 2500 ]
touch "$T/ready"
CNI_COMMAND=STATUS CNI_PATH=$CNI_PATH_TEST "$MULTUS" <"$T/st" >"$T/out" 2>"$T/err"; rc=$?
check "STATUS with the readiness file: ready" sh -c "[ $rc -eq 0 ] && [ ! -s '$T/out' ]"
netconf m '"defaultDelegates":"g1"' 1.0.0 >"$T/st0"
CNI_COMMAND=STATUS CNI_PATH=$CNI_PATH_TEST "$MULTUS" <"$T/st0" >"$T/out" 2>"$T/err"
check "STATUS below 1.1.0: code 1" jq_out '.code == 1'
rm -f "$T/ready"
netconf m '"defaultDelegates":"g1","readinessindicatorfile":"'"$T"'/ready","apiTimeoutSeconds":3' 1.1.0 >"$T/st"
(sleep 1; touch "$T/ready") &
multus ADD rd1 eth0 /run/netns/ga <"$T/st"
check "ADD waits for the readiness file to appear, then succeeds" sh -c "[ $RC -eq 0 ] && ip netns exec ga ip link show eth0 >/dev/null"
rm -f "$T/ready"
start=$(date +%s%N)
multus DEL rd1 eth0 /run/netns/ga <"$T/st"
took=$((($(date +%s%N) - start) / 1000000))
check "DEL never waits for the readiness file (${took} ms)" sh -c "[ $RC -eq 0 ] && [ $took -lt 1500 ]"
netconf m '"defaultDelegates":"g1","readinessindicatorfile":"'"$T"'/ready","apiTimeoutSeconds":1' 1.1.0 >"$T/st"
multus ADD rd2 eth0 /run/netns/ga <"$T/st"
check "ADD without the readiness file fails with code 11, nothing added" sh -c "jq -e '.code == 11' '$T/out' && ! ip netns exec ga ip link show eth0 2>/dev/null"

# GC and STATUS are forwarded to delegates that speak 1.1.0 (and only to them).
export CALL_LOG=$T/calls110 NOT_READY=$T/not-ready
printf '{"cniVersion":"1.1.0","name":"n110","type":"speaks110","bridge":"br-110","ipam":{"type":"host-local","subnet":"10.33.0.0/24","dataDir":"%s"}}\n' "$IPAM" >"$CONF/n110.conf"
netconf m '"defaultDelegates":"n110"' 1.1.0 >"$T/nc110"
multus ADD k110 eth0 /run/netns/ga <"$T/nc110"
check "1.1.0 delegate: ADD succeeds" [ "$RC" -eq 0 ]
multus ADD k111 eth0 /run/netns/gb <"$T/nc110"
: >"$CALL_LOG"
netconf m '"defaultDelegates":"n110","cni.dev/valid-attachments":[{"containerID":"k110","ifname":"eth0"}]' 1.1.0 >"$T/gc110"
CNI_COMMAND=GC CNI_PATH=$CNI_PATH_TEST "$MULTUS" <"$T/gc110" >"$T/out" 2>"$T/err"; rc=$?
check "GC with a 1.1.0 delegate succeeds" [ "$rc" -eq 0 ]
check "GC tore the invalid container down" sh -c "[ ! -e '$STORE/k111.json' ] && ! ip netns exec gb ip link show eth0 2>/dev/null"
check "GC was forwarded once to the 1.1.0 delegate" [ "$(grep -c '^GC ' "$CALL_LOG")" = 1 ]
check "the delegate's GC names exactly the valid attachment" sh -c "sed -n 's/^GC //p' '$CALL_LOG' | jq -e '.[\"cni.dev/valid-attachments\"] == [{\"containerID\":\"k110\",\"ifname\":\"eth0\"}] and .cniVersion == \"1.1.0\"'"
netconf m '"defaultDelegates":"n110"' 1.1.0 >"$T/st110"
CNI_COMMAND=STATUS CNI_PATH=$CNI_PATH_TEST "$MULTUS" <"$T/st110" >"$T/out" 2>"$T/err"; rc=$?
check "STATUS forwarded to the 1.1.0 master delegate: ready" sh -c "[ $rc -eq 0 ] && grep -q '^STATUS ' '$CALL_LOG'"
touch "$NOT_READY"
CNI_COMMAND=STATUS CNI_PATH=$CNI_PATH_TEST "$MULTUS" <"$T/st110" >"$T/out" 2>"$T/err"; rc=$?
check "the master delegate not ready: STATUS code 50 with its message" sh -c "[ $rc -ne 0 ] && jq -e '.code == 50 and (.msg | contains(\"speaks110: plugin not ready\"))' '$T/out'"
rm -f "$NOT_READY"
multus DEL k110 eth0 /run/netns/ga <"$T/nc110"
check "1.1.0 delegate: DEL" [ "$RC" -eq 0 ]

# The nftables sweep: bridge with ipMasq, wrapped so that its DEL does nothing at all.
if ! nft list tables >/dev/null 2>&1; then
	skip "nftables sweep through DEL" "no nftables in this kernel"
else
	cat >"$T/deaf" <<'SH'
#!/bin/sh
# Runs the bridge plugin for ADD; ignores DEL entirely (leaks link, IP and firewall rules).
conf=$(cat)
[ "$CNI_COMMAND" = DEL ] && exit 0
printf '%s' "$conf" | exec "$PLUGINS/bridge"
SH
	chmod +x "$T/deaf"
	printf '{"cniVersion":"1.0.0","name":"masq","type":"deaf","bridge":"br-q","isGateway":true,"ipMasq":true,"ipam":{"type":"host-local","subnet":"10.32.0.0/24","dataDir":"%s"}}\n' "$IPAM" >"$CONF/masq.conf"
	netconf m '"defaultDelegates":"masq"' >"$T/nc"
	CNI_PATH_TEST="$T:$CNI_PATH_TEST" multus ADD nftid0123 eth0 /run/netns/ga <"$T/nc"
	check "ipMasq ADD succeeds" [ "$RC" -eq 0 ]
	check "the bridge plugin tagged its rules with our id" sh -c "iptables-save -t nat | grep -q 'comment.*nftid0123'"
	"$MULTUS" --verify ga --cni-dir "$STORE" >"$T/v" 2>&1
	check "--verify reports the tagged rules" grep -q 'nftid0123.*[1-9] firewall rule' "$T/v"
	CNI_PATH_TEST="$T:$CNI_PATH_TEST" multus DEL nftid0123 eth0 /run/netns/ga <"$T/nc"
	check "DEL succeeds although the delegate did nothing" [ "$RC" -eq 0 ]
	check "no rule mentions the container any more" sh -c "! iptables-save | grep -q nftid0123"
	check "its CNI-* masquerade chain is gone" sh -c "! iptables-save -t nat | grep -q '^:CNI-'"
	check "its leftover link is gone" sh -c '! ip netns exec ga ip link show eth0 2>/dev/null'
	check "the log counts the swept rules" grep -q 'leftover firewall rule' "$T/err"
fi
done_testing
