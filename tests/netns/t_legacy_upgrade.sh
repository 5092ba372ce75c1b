#!/bin/sh
# Issue 8, point 2: an in-place upgrade. Each fixture's pod (tests/fixtures/legacy-stores: what
# the seed fork and upstream Multus v4 left after a real ADD) is rebuilt with the reference
# plugins, the old store entry and result caches are put in place, and our DEL, CHECK and GC
# must work from them as from our own entries.
#
#   pod netns lgpod-seed / lgpod-up   eth0 --veth-- lgbr0 (lg-default, 198.18.50.0/24)
#                                     eth1 / net1 --veth-- lgbr1 (lg-extra, 198.18.51.0/24)
#   /var/lib/cni (tmpfs)              networks/ (host-local), networks/multus/ (seed's store),
#                                     results/ (seed's libcni 0.7), multus/ (ours, upstream's)
. "$SRC/tests/netns/lib.sh"
FIX=$SRC/tests/fixtures/legacy-stores
VLC=/var/lib/cni
mkdir -p "$T/conf" "$T/wrap" "$T/log"

# A "bridge" first in CNI_PATH that records each call (stdin, ifname, order) and can be told
# to fail a DEL, then runs the real one.
cat >"$T/wrap/bridge" <<EOF
#!/bin/sh
in=\$(cat)
printf '%s\n' "\$in" >"$T/log/\$CNI_COMMAND-\$CNI_IFNAME.json"
echo "\$CNI_COMMAND \$CNI_IFNAME" >>"$T/log/calls"
printf '%s\n' "\$CNI_ARGS" >"$T/log/\$CNI_COMMAND-\$CNI_IFNAME.args"
if [ "\$CNI_COMMAND" = DEL ] && [ -e "$T/log/fail-\$CNI_IFNAME" ]; then
	echo '{"cniVersion":"0.4.0","code":11,"msg":"injected DEL failure"}'
	exit 1
fi
printf '%s' "\$in" | exec $PLUGINS/bridge
EOF
chmod +x "$T/wrap/bridge"

# Our netconf: the fixture's, no kubeconfig (DEL works from the store alone), no cniDir.
mknc() { # FLAVOR VERSION [EXTRA_JQ]
	jq -c --arg c "$T/conf" --arg v "$2" "del(.kubeconfig) | .confDir = \$c | .cniVersion = \$v ${3:+| $3}" \
		"$FIX/$1/netconf.json"
}
# mrun CMD ID IFNAME NETNS < netconf
# A CHECK gets the runtime's cached result of the old binary's ADD as prevResult: its master's
# (the rebuilt pod's, $T/r-default.json).
mrun() {
	if [ "$1" = CHECK ]; then
		jq -c --slurpfile r "$T/r-default.json" '.prevResult = $r[0]' >"$T/mrun.in"
	else
		cat >"$T/mrun.in"
	fi
	CNI_COMMAND=$1 CNI_CONTAINERID=$2 CNI_IFNAME=$3 CNI_NETNS=$4 \
		CNI_ARGS="IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=lgpod;K8S_POD_INFRA_CONTAINER_ID=$2" \
		CNI_PATH="$T/wrap:$PLUGINS" "$MULTUS" <"$T/mrun.in" >"$T/out" 2>"$T/err"
	RC=$?
}

# rebuild FLAVOR [real]: the pod as the old binary left it. With "real", the result caches
# hold this run's results (the fixture's MACs and veth names are another machine's).
rebuild() {
	f=$1
	if [ "$f" = seed ]; then id=lgseed0001 ns=lgpod-seed if2=eth1; else id=lgup0001 ns=lgpod-up if2=net1; fi
	ip netns add "$ns"
	# Fresh leases (host-local hands out .2 again), as on the machine that made the fixture.
	rm -rf $VLC/networks/lg-default $VLC/networks/lg-extra
	for n in default:eth0 extra:$if2; do
		CNI_COMMAND=ADD CNI_CONTAINERID=$id CNI_IFNAME=${n#*:} CNI_NETNS=/var/run/netns/$ns \
			CNI_PATH=$PLUGINS "$PLUGINS/bridge" <"$FIX/$f/lg-${n%%:*}.conf" >"$T/r-${n%%:*}.json" ||
			echo "# rebuild: bridge ADD of lg-${n%%:*} failed: $(cat "$T/r-${n%%:*}.json")"
	done
	if [ "$f" = seed ]; then
		mkdir -p $VLC/networks/multus $VLC/results
		cp "$FIX/seed/var-lib-cni/networks/multus/$id" $VLC/networks/multus/
		cp "$FIX"/seed/var-lib-cni/results/* $VLC/results/
		if [ "${2:-}" = real ]; then
			cp "$T/r-default.json" $VLC/results/lg-default-$id
			cp "$T/r-extra.json" $VLC/results/lg-extra-$id
		fi
	else
		mkdir -p $VLC/multus/results
		cp "$FIX/upstream/var-lib-cni/multus/$id" $VLC/multus/
		cp "$FIX"/upstream/var-lib-cni/multus/results/* $VLC/multus/results/
		if [ "${2:-}" = real ]; then
			for n in default:eth0 extra:net1; do
				c=$VLC/multus/results/lg-${n%%:*}-$id-${n#*:}
				jq -c --slurpfile r "$T/r-${n%%:*}.json" '.result = $r[0]' "$c" >"$T/c" && mv "$T/c" "$c"
			done
		fi
	fi
	rm -f "$T/log/"*
}
veths() { ip -o link show type veth | wc -l; }
leases() { ls $VLC/networks/lg-default $VLC/networks/lg-extra 2>/dev/null | grep -c '^198\.18\.'; }
# clean FLAVOR: nothing of the pod is left, and no entry of either format.
clean() {
	if [ "$1" = seed ]; then id=lgseed0001 ns=lgpod-seed if2=eth1; else id=lgup0001 ns=lgpod-up if2=net1; fi
	! has_link "$ns" eth0 && ! has_link "$ns" "$if2" && [ "$(veths)" -eq 0 ] && [ "$(leases)" -eq 0 ] &&
		[ ! -e $VLC/networks/multus/$id ] && [ ! -e $VLC/multus/$id ] && [ ! -e $VLC/multus/$id.json ] &&
		[ ! -e $VLC/multus/$id.lock ] && ! ls $VLC/results $VLC/multus/results 2>/dev/null | grep -q "$id"
}

for f in seed upstream; do
	if [ "$f" = seed ]; then id=lgseed0001 ns=lgpod-seed if2=eth1; else id=lgup0001 ns=lgpod-up if2=net1; fi
	# --- DEL with the files exactly as the old binary left them.
	rebuild $f
	check "$f: the rebuilt pod has eth0 and $if2, two veths and two leases" \
		sh -c "ip netns exec $ns ip link show $if2 >/dev/null && [ $(veths) -eq 2 ] && [ $(leases) -eq 2 ]"
	mknc $f 0.4.0 >"$T/nc"
	mrun DEL $id eth0 /var/run/netns/$ns <"$T/nc"
	check "$f: DEL of the old binary's pod returns 0" sh -c "[ $RC -eq 0 ] || { cat '$T/out' '$T/err'; false; }"
	check "$f: DEL ran the delegates in reverse with the old ifnames" \
		sh -c "[ \"\$(cat '$T/log/calls' | tr '\n' ' ')\" = 'DEL $if2 DEL eth0 ' ] || cat '$T/log/calls'"
	check "$f: each DEL had its config bytes and the cached result as prevResult" \
		sh -c "jq -e '.bridge == \"lgbr1\" and .prevResult.ips[0].address == \"198.18.51.2/24\"' '$T/log/DEL-$if2.json' >/dev/null &&
			jq -e '.bridge == \"lgbr0\" and .prevResult.ips[0].address == \"198.18.50.2/24\"' '$T/log/DEL-eth0.json' >/dev/null"
	if [ $f = upstream ]; then
		check "upstream: DEL passed the CNI_ARGS upstream's cache recorded" \
			grep -q '^IgnoreUnknown=true;K8S_POD_NAMESPACE=default;K8S_POD_NAME=lgpod-upstream;' "$T/log/DEL-net1.args"
	else
		check "seed: DEL passed the call's CNI_ARGS" grep -q "K8S_POD_INFRA_CONTAINER_ID=$id" "$T/log/DEL-eth1.args"
	fi
	check "$f: nothing is left (interfaces, veths, leases, entry and caches of either format)" clean $f
	mrun DEL $id eth0 /var/run/netns/$ns <"$T/nc"
	check "$f: a repeated DEL returns 0" [ "$RC" -eq 0 ]
	ip netns del $ns

	# --- A DEL that fails for one network: that one is kept, in our format, for the retry.
	rebuild $f
	touch "$T/log/fail-$if2"
	mrun DEL $id eth0 /var/run/netns/$ns <"$T/nc"
	check "$f: a DEL whose $if2 delegate fails is an error" sh -c "[ $RC -ne 0 ] && jq -e '.code == 11' '$T/out' >/dev/null"
	check "$f: what failed is kept in our format, with its prevResult; the old files are gone" \
		sh -c "jq -e '[.attachments[] | .ifname] == [\"$if2\"] and .attachments[0].result.ips[0].address == \"198.18.51.2/24\"' $VLC/multus/$id.json >/dev/null &&
			[ ! -e $VLC/networks/multus/$id ] && [ ! -e $VLC/multus/$id ] && ! ls $VLC/results $VLC/multus/results 2>/dev/null | grep -q $id"
	check "$f: eth0 went, $if2 is still there" sh -c "! ip netns exec $ns ip link show eth0 >/dev/null 2>&1 && ip netns exec $ns ip link show $if2 >/dev/null"
	rm -f "$T/log/fail-$if2" "$T/log/calls"
	mrun DEL $id eth0 /var/run/netns/$ns <"$T/nc"
	check "$f: the retried DEL returns 0 and leaves nothing" sh -c "[ $RC -eq 0 ] && [ \"\$(cat '$T/log/calls')\" = 'DEL $if2' ]"
	check "$f: after the retry nothing is left" clean $f
	ip netns del $ns

	# --- CHECK, with caches that hold this run's results.
	rebuild $f real
	mrun CHECK $id eth0 /var/run/netns/$ns <"$T/nc"
	check "$f: CHECK of the old binary's pod returns 0" sh -c "[ $RC -eq 0 ] || { cat '$T/out' '$T/err'; false; }"
	check "$f: CHECK ran both delegates with prevResult" \
		sh -c "jq -e '.prevResult.ips[0].address == \"198.18.51.2/24\"' '$T/log/CHECK-$if2.json' >/dev/null && [ -e '$T/log/CHECK-eth0.json' ]"
	check "$f: CHECK leaves the old entry alone" [ -e "$([ $f = seed ] && echo $VLC/networks/multus/$id || echo $VLC/multus/$id)" ]
	ip netns exec $ns ip link del $if2
	mrun CHECK $id eth0 /var/run/netns/$ns <"$T/nc"
	check "$f: CHECK after $if2 was deleted fails, naming it" sh -c "[ $RC -ne 0 ] && grep -q '$if2' '$T/out'"
	rm -f $([ $f = seed ] && echo $VLC/results/lg-extra-$id || echo $VLC/multus/results/lg-extra-$id-net1)
	mrun CHECK $id eth0 /var/run/netns/$ns <"$T/nc"
	check "$f: CHECK of a network whose result cache is gone fails, saying so" \
		sh -c "[ $RC -ne 0 ] && grep -q 'lg-extra ($if2) has no recorded result' '$T/out'"
	mrun DEL $id eth0 /var/run/netns/$ns <"$T/nc"
	check "$f: DEL after the failed CHECK returns 0" [ "$RC" -eq 0 ]
	check "$f: nothing left after CHECK and DEL" clean $f
	ip netns del $ns

	# --- GC (no CNI_IFNAME, no CNI_NETNS): kept while valid, torn down when not.
	rebuild $f real
	jq -c --arg c "$T/conf" --arg id $id 'del(.kubeconfig) | .confDir = $c | .cniVersion = "1.1.0" |
		.["cni.dev/valid-attachments"] = [{"containerID": $id, "ifname": "eth0"}]' "$FIX/$f/netconf.json" >"$T/nc-gc"
	CNI_COMMAND=GC CNI_PATH="$T/wrap:$PLUGINS" "$MULTUS" <"$T/nc-gc" >"$T/out" 2>"$T/err"
	RC=$?
	check "$f: GC with the container valid returns 0 and keeps the pod" \
		sh -c "[ $RC -eq 0 ] && ip netns exec $ns ip link show $if2 >/dev/null && [ $(leases) -eq 2 ] && [ ! -e '$T/log/calls' ]"
	jq -c '.["cni.dev/valid-attachments"] = []' "$T/nc-gc" >"$T/nc-gc0"
	CNI_COMMAND=GC CNI_PATH="$T/wrap:$PLUGINS" "$MULTUS" <"$T/nc-gc0" >"$T/out" 2>"$T/err"
	RC=$?
	check "$f: GC with the container no longer valid returns 0" sh -c "[ $RC -eq 0 ] || { cat '$T/out' '$T/err'; false; }"
	check "$f: GC tore it down with the old ifnames and the netns the results name" \
		sh -c "[ \"\$(cat '$T/log/calls' | tr '\n' ' ')\" = 'DEL $if2 DEL eth0 ' ] && jq -e '.prevResult' '$T/log/DEL-eth0.json' >/dev/null"
	check "$f: nothing left after GC" clean $f
	ip netns del $ns

	# --- A repeated ADD for the old binary's pod: its attachments go first, as with our own
	# entry, then ours are added (the fixture's netconf: lg-default as eth0; the seed's names
	# it in confDir).
	rebuild $f real
	cp "$FIX/$f/lg-default.conf" "$T/conf/"
	mrun ADD $id eth0 /var/run/netns/$ns <"$T/nc"
	check "$f: a repeated ADD over the old binary's entry returns 0" sh -c "[ $RC -eq 0 ] || { cat '$T/out' '$T/err'; false; }"
	check "$f: it tore the old attachments down first, in reverse, then added eth0" \
		sh -c "[ \"\$(cat '$T/log/calls' | tr '\n' ' ')\" = 'DEL $if2 DEL eth0 ADD eth0 ' ] || cat '$T/log/calls'"
	check "$f: the old DELs had their prevResult" jq -e '.prevResult.ips[0].address == "198.18.51.2/24"' "$T/log/DEL-$if2.json"
	check "$f: the old entry and caches are gone; ours lists eth0" \
		sh -c "[ ! -e $VLC/networks/multus/$id ] && [ ! -e $VLC/multus/$id ] && ! ls $VLC/results $VLC/multus/results 2>/dev/null | grep -q $id &&
			jq -e '[.attachments[] | .ifname] == [\"eth0\"]' $VLC/multus/$id.json >/dev/null"
	check "$f: only the new eth0 is in the pod, with one veth and one lease" \
		sh -c "! ip netns exec $ns ip link show $if2 >/dev/null 2>&1 && ip netns exec $ns ip link show eth0 >/dev/null && [ $(veths) -eq 1 ] && [ $(leases) -eq 1 ]"
	mrun DEL $id eth0 /var/run/netns/$ns <"$T/nc"
	check "$f: DEL after the repeated ADD returns 0" [ "$RC" -eq 0 ]
	check "$f: nothing left after the repeated ADD and its DEL" clean $f
	rm -f "$T/conf/lg-default.conf"
	ip netns del $ns
done

# --- Upstream's entry with what an annotation asked for (macRequest, ipRequest, deviceID; also
# a macRequest on the master, which upstream never merges), both configs with capabilities, the
# cached CNI_ARGS with the MAC= and IP= its ADD appended: our DEL passes what upstream's DEL
# would (delPlugins: the call's runtimeConfig, plus the requests for all but the master, and
# the device-info file), without MAC= and IP= in CNI_ARGS, and removes the device-info file.
rebuild upstream real
E=$VLC/multus/lgup0001
caps='.capabilities = {"mac": true, "ips": true, "deviceID": true, "CNIDeviceInfoFile": true, "portMappings": true}'
jq -c "(.[] | .Bytes) |= (@base64d | fromjson | $caps | tojson | @base64) |
	.[0].macRequest = \"02:00:00:00:00:50\" |
	.[1] += {macRequest: \"02-00-00-00-00-51\", ipRequest: [\"198.18.51.9/24\"], deviceID: \"0000:00:09.0\"}" "$E" >"$T/e" && mv "$T/e" "$E"
C=$VLC/multus/results/lg-extra-lgup0001-net1
jq -c '.cniArgs += [["MAC", "02-00-00-00-00-51"], ["IP", "198.18.51.9/24"]]' "$C" >"$T/c" && mv "$T/c" "$C"
mkdir -p "$T/devinfo/cni"
echo '{"type":"pci"}' >"$T/devinfo/cni/default-lg-extra-lgup0001_net1"
mknc upstream 0.4.0 '.deviceInfoDir = "'"$T"'/devinfo" | .runtimeConfig = {"portMappings": [{"hostPort": 8080, "containerPort": 80, "protocol": "tcp"}]}' >"$T/nc"
mrun DEL lgup0001 eth0 /var/run/netns/lgpod-up <"$T/nc"
check "upstream with requests: DEL returns 0" sh -c "[ $RC -eq 0 ] || { cat '$T/out' '$T/err'; false; }"
check "upstream with requests: net1's DEL got the call's runtimeConfig and the recorded mac, ips, deviceID and device-info file" \
	jq -e --arg d "$T/devinfo/cni/default-lg-extra-lgup0001_net1" '.runtimeConfig == {"portMappings": [{"hostPort": 8080, "containerPort": 80, "protocol": "tcp"}], "mac": "02-00-00-00-00-51", "ips": ["198.18.51.9/24"], "deviceID": "0000:00:09.0", "CNIDeviceInfoFile": $d}' "$T/log/DEL-net1.json"
check "upstream with requests: the master's DEL got only the call's runtimeConfig" \
	jq -e '.runtimeConfig == {"portMappings": [{"hostPort": 8080, "containerPort": 80, "protocol": "tcp"}]}' "$T/log/DEL-eth0.json"
check "upstream with requests: net1's CNI_ARGS are the cached ones without what only ADD added" \
	sh -c "grep -q '^IgnoreUnknown=true;K8S_POD_NAMESPACE=default;K8S_POD_NAME=lgpod-upstream;.*K8S_POD_UID=11111111-2222-3333-4444-555555555555\$' '$T/log/DEL-net1.args' && ! grep -q 'MAC=\\|IP=' '$T/log/DEL-net1.args'"
check "upstream with requests: the device-info file went" [ ! -e "$T/devinfo/cni/default-lg-extra-lgup0001_net1" ]
check "upstream with requests: nothing is left" clean upstream
ip netns del lgpod-up

# --- DEL of an old binary's pod under valgrind: no memory error on the reader's path (leaks are
# not counted: the CNI path ends with _exit, freeing nothing; the unit tests check the reader).
if command -v valgrind >/dev/null && ! grep -q __asan_init "$MULTUS"; then
	rebuild upstream
	mknc upstream 0.4.0 >"$T/nc"
	CNI_COMMAND=DEL CNI_CONTAINERID=lgup0001 CNI_IFNAME=eth0 CNI_NETNS=/var/run/netns/lgpod-up \
		CNI_PATH="$T/wrap:$PLUGINS" valgrind -q --error-exitcode=97 --leak-check=no --log-file="$T/vg.log" "$MULTUS" <"$T/nc" >"$T/out" 2>"$T/err"
	RC=$?
	check "valgrind: DEL of upstream's pod returns 0 with no memory error" \
		sh -c "[ $RC -eq 0 ] || { cat '$T/vg.log' '$T/out'; false; }"
	check "valgrind: nothing left" clean upstream
	ip netns del lgpod-up
else
	skip "valgrind DEL of an old binary's pod" "no valgrind, or an ASan build"
fi

# --- Corrupt legacy entries: an error (code 6), the entry kept, never a silent success.
mknc seed 0.4.0 >"$T/nc"
mkdir -p $VLC/networks/multus $VLC/multus
good=$(cat "$FIX/seed/var-lib-cni/networks/multus/lgseed0001")
printf '%s' "$good" | head -c 300 >"$T/trunc"
printf '%s' "$good" | sed 's/"Bytes":"ewog/"Bytes":"e!og/' >"$T/b64"
printf '%s' "$good" | sed 's/"Bytes":"ewog[^"]*"/"Bytes":"bm90IGpzb24="/' >"$T/notjson"
ip netns add lgbad
for c in trunc b64 notjson; do
	for where in $VLC/networks/multus $VLC/multus; do
		cp "$T/$c" "$where/bad-$c"
		mrun DEL bad-$c eth0 /var/run/netns/lgbad <"$T/nc"
		check "corrupt ($c) in $where: DEL fails with code 6 naming the file" \
			sh -c "[ $RC -ne 0 ] && jq -e '.code == 6' '$T/out' >/dev/null && grep -q '$where/bad-$c' '$T/out'"
		check "corrupt ($c) in $where: the entry is kept as it was" cmp -s "$T/$c" "$where/bad-$c"
		mrun CHECK bad-$c eth0 /var/run/netns/lgbad <"$T/nc"
		check "corrupt ($c) in $where: CHECK fails with code 6" sh -c "[ $RC -ne 0 ] && jq -e '.code == 6' '$T/out' >/dev/null"
		rm -f "$where/bad-$c"
	done
done
cp "$T/b64" $VLC/multus/bad-b
mrun DEL bad-b eth0 /var/run/netns/lgbad <"$T/nc"
check "bad base64 is named as such" grep -q 'delegates\[0\]: \\"Bytes\\" is not base64' "$T/out"
rm -f $VLC/multus/bad-b
cp "$T/trunc" $VLC/networks/multus/bad-gc
jq -c '.cniVersion = "1.1.0" | .["cni.dev/valid-attachments"] = []' "$T/nc" >"$T/nc-gc"
CNI_COMMAND=GC CNI_PATH="$T/wrap:$PLUGINS" "$MULTUS" <"$T/nc-gc" >"$T/out" 2>"$T/err"
RC=$?
check "corrupt entry: GC fails naming it, and keeps it" \
	sh -c "[ $RC -ne 0 ] && grep -q 'bad-gc' '$T/out' && cmp -s '$T/trunc' $VLC/networks/multus/bad-gc"
rm -f $VLC/networks/multus/bad-gc
# A host-local lease directory called "multus" shares the seed's default dir: never an entry.
mkdir -p $VLC/networks/multus
printf 'lgx\r\neth0' >$VLC/networks/multus/10.9.9.9
CNI_COMMAND=GC CNI_PATH="$T/wrap:$PLUGINS" "$MULTUS" <"$T/nc-gc" >"$T/out" 2>"$T/err"
RC=$?
check "GC ignores host-local's files in the seed's default dir" sh -c "[ $RC -eq 0 ] && [ -e $VLC/networks/multus/10.9.9.9 ]"
# With cniDir set, the seed's default dir is not looked at.
cp "$FIX/seed/var-lib-cni/networks/multus/lgseed0001" $VLC/networks/multus/
jq -c --arg d "$T/store" '.cniDir = $d' "$T/nc" >"$T/nc-dir"
rm -f "$T/log/"*
mrun DEL lgseed0001 eth0 /var/run/netns/lgbad <"$T/nc-dir"
check "with cniDir set, DEL does not read the seed's default dir" \
	sh -c "[ $RC -eq 0 ] && [ ! -e '$T/log/calls' ] && [ -e $VLC/networks/multus/lgseed0001 ]"
done_testing
