#!/bin/sh
# Issue 2, point 4: the version spoken with each delegate, counted exec by exec; runtimeConfig
# filtered by capabilities; concurrent calls for one container serialize on the store lock.
. "$SRC/tests/netns/lib.sh"
setup_dirs
export COUNTER_LOG=$T/calls PLUGINS
ip netns add n
# Wrapped in `counter`, which logs each call and the version it was spoken to in.
printf '{"cniVersion":"1.0.0","name":"own","type":"counter","inner":"bridge","bridge":"br-n","ipam":{"type":"host-local","subnet":"10.11.0.0/24","dataDir":"%s"}}\n' "$IPAM" >"$CONF/own.conf"
printf '{"name":"nover","type":"counter","inner":"bridge","bridge":"br-n2","ipam":{"type":"host-local","subnet":"10.12.0.0/24","dataDir":"%s"}}\n' "$IPAM" >"$CONF/nover.conf"

netconf m '"defaultDelegates":"own"' 1.1.0 >"$T/nc"
: >"$T/calls"
multus ADD v1 eth0 /run/netns/n <"$T/nc"
check "1.1.0 caller, 1.0.0 config: ADD succeeds" [ "$RC" -eq 0 ]
check "1.1.0 caller, 1.0.0 config: one exec, spoken in 1.0.0, no VERSION probe" [ "$(cat "$T/calls")" = "ADD 1.0.0" ]
check "1.1.0 caller: result printed in 1.1.0" jq_out '.cniVersion == "1.1.0"'
: >"$T/calls"
multus DEL v1 eth0 /run/netns/n <"$T/nc"
check "DEL spoken in the version ADD used" [ "$(cat "$T/calls")" = "DEL 1.0.0" ]

# A config that names a version the plugin does not speak: refused, probed once, retried.
printf '{"cniVersion":"1.1.0","name":"newer","type":"counter","inner":"bridge","bridge":"br-n2","ipam":{"type":"host-local","subnet":"10.12.0.0/24","dataDir":"%s"}}\n' "$IPAM" >"$CONF/newer.conf"
netconf m '"defaultDelegates":"newer"' 1.1.0 >"$T/nc"
: >"$T/calls"
multus ADD v2 eth0 /run/netns/n <"$T/nc"
check "1.1.0 config, plugin without 1.1.0: ADD succeeds after the plugin refuses 1.1.0" [ "$RC" -eq 0 ]
check "1.1.0 config: ADD 1.1.0 refused, one VERSION probe, ADD 1.0.0" \
	[ "$(tr '\n' ' ' <"$T/calls")" = "ADD 1.1.0 VERSION 1.1.0 ADD 1.0.0 " ]
check "the negotiated version is stored" sh -c "jq -e '.attachments[0].cniVersion == \"1.0.0\"' '$STORE/v2.json'"
: >"$T/calls"
multus DEL v2 eth0 /run/netns/n <"$T/nc"
check "DEL uses the negotiated version, no probe" [ "$(cat "$T/calls")" = "DEL 1.0.0" ]

# A config without cniVersion is a 0.1.0 config (CNI spec; libcni hands it on as it is).
netconf m '"defaultDelegates":"nover"' 1.1.0 >"$T/nc"
: >"$T/calls"
multus ADD v4 eth0 /run/netns/n <"$T/nc"
check "config without cniVersion: ADD succeeds" [ "$RC" -eq 0 ]
check "config without cniVersion: one exec, spoken in 0.1.0, no probe" [ "$(cat "$T/calls")" = "ADD 0.1.0" ]
check "config without cniVersion: its 0.2.0 result printed in 1.1.0" \
	jq_out '.cniVersion == "1.1.0" and (.ips[0].address | startswith("10.12.0.")) and .ips[0].gateway == "10.12.0.1"'
check "0.1.0 is stored" sh -c "jq -e '.attachments[0].cniVersion == \"0.1.0\"' '$STORE/v4.json'"
: >"$T/calls"
multus DEL v4 eth0 /run/netns/n <"$T/nc"
check "config without cniVersion: DEL succeeds" [ "$RC" -eq 0 ]
check "config without cniVersion: DEL spoken in 0.1.0" [ "$(cat "$T/calls")" = "DEL 0.1.0" ]

netconf m '"defaultDelegates":"own"' 0.3.1 >"$T/nc"
: >"$T/calls"
multus ADD v3 eth0 /run/netns/n <"$T/nc"
check "0.3.1 caller, 1.0.0 config: spoken in 1.0.0, printed in 0.3.1" sh -c "[ \"\$(cat '$T/calls')\" = 'ADD 1.0.0' ] && jq -e '.cniVersion == \"0.3.1\" and .ips[0].version == \"4\"' '$T/out'"
multus DEL v3 eth0 /run/netns/n <"$T/nc"

# runtimeConfig: only what a plugin's capabilities ask for reaches it. `echo-rc` records
# the config it was given.
cat >"$T/echo-rc" <<'SH'
#!/bin/sh
conf=$(cat)
printf '%s' "$conf" >>"$ECHO_LOG"
echo >>"$ECHO_LOG"
[ "$CNI_COMMAND" = ADD ] || exit 0
printf '%s' "$conf" | exec "$PLUGINS/bridge"
SH
chmod +x "$T/echo-rc"
export ECHO_LOG=$T/echo.log
printf '{"cniVersion":"1.0.0","name":"caps","type":"echo-rc","capabilities":{"portMappings":true},"bridge":"br-c","ipam":{"type":"host-local","subnet":"10.13.0.0/24","dataDir":"%s"}}\n' "$IPAM" >"$CONF/caps.conf"
netconf m '"defaultDelegates":"caps","runtimeConfig":{"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}],"bandwidth":{"ingressRate":1}}' >"$T/nc"
CNI_PATH_TEST="$T:$CNI_PATH_TEST" multus ADD rc1 eth0 /run/netns/n <"$T/nc"
check "capabilities: ADD succeeds" [ "$RC" -eq 0 ]
check "capabilities: portMappings handed on" sh -c "head -n1 '$ECHO_LOG' | jq -e '.runtimeConfig.portMappings[0].hostPort == 8080'"
check "capabilities: bandwidth (not asked for) filtered out" sh -c "head -n1 '$ECHO_LOG' | jq -e '.runtimeConfig | has(\"bandwidth\") | not'"
check "capabilities key left in place" sh -c "head -n1 '$ECHO_LOG' | jq -e '.capabilities.portMappings == true'"
CNI_PATH_TEST="$T:$CNI_PATH_TEST" multus DEL rc1 eth0 /run/netns/n <"$T/nc"
check "DEL gets prevResult (0.4.0+)" sh -c "tail -n1 '$ECHO_LOG' | jq -e '.prevResult.ips[0].address | startswith(\"10.13.0.\")'"

# Concurrency: ADD and DEL of one container at once serialize on the lock; the end state is
# consistent (either torn down, or added with its store entry).
netconf m '"defaultDelegates":"own"' >"$T/nc"
ok_runs=0
for i in 1 2 3 4 5; do
	multus ADD race eth0 /run/netns/n <"$T/nc" &
	(sleep 0.0$i; CNI_COMMAND=DEL CNI_CONTAINERID=race CNI_IFNAME=eth0 CNI_NETNS=/run/netns/n CNI_PATH=$CNI_PATH_TEST "$MULTUS" <"$T/nc" >/dev/null 2>&1) &
	wait
	if [ -e "$STORE/race.json" ]; then
		has_link n eth0 && ok_runs=$((ok_runs + 1))
		multus DEL race eth0 /run/netns/n <"$T/nc"
	else
		has_link n eth0 || ok_runs=$((ok_runs + 1))
	fi
done
check "ADD and DEL racing: store and netns agree every time (5 runs)" [ "$ok_runs" -eq 5 ]
check "after the races nothing is left" sh -c "! ip netns exec n ip link show eth0 2>/dev/null && [ \$(ls '$IPAM/own' | grep -c '^10\\.') = 0 ]"
done_testing
