# Shared helpers for the netns tests (sourced). Each test file is run by run.sh inside its own
# fresh network and mount namespace (unshare -n -m) with a private /var/run/netns, so nothing
# here can touch the machine's own links, tables or /etc/cni.
#
# Variables set by run.sh: MULTUS (the binary), T (a fresh temp dir for this file),
# SRC (the checkout), PLUGINS (/usr/lib/cni), TESTBIN (our misbehaving delegates).

_pass=0
_fail=0
_n=0

ok() { _n=$((_n + 1)); _pass=$((_pass + 1)); echo "ok $_n - $*"; }
not_ok() { _n=$((_n + 1)); _fail=$((_fail + 1)); echo "not ok $_n - $*"; }
# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() {
	d=$1
	shift
	if "$@" >"$T/check.out" 2>&1; then ok "$d"; else not_ok "$d"; sed 's/^/#   /' "$T/check.out" | head -n 20; fi
}
# skip DESCRIPTION REASON
skip() { echo "skip - $1 ($2)"; }
# done_testing: prints this file's counts in the form run.sh adds up.
done_testing() {
	echo "file: $_pass passed, $_fail failed"
	[ "$_fail" -eq 0 ]
}

# --- multus helpers -------------------------------------------------------------------------
# setup_dirs: confDir, cniDir (store), IPAM dataDir and a CNI_PATH with our test delegates
# first, then the real plugins.
setup_dirs() {
	CONF=$T/conf STORE=$T/store IPAM=$T/ipam
	mkdir -p "$CONF" "$IPAM"
	export CNI_PATH_TEST="$TESTBIN:$PLUGINS"
}

# netconf NAME EXTRA_JSON_MEMBERS VERSION: a multus netconf using our dirs.
netconf() {
	printf '{"cniVersion":"%s","name":"%s","type":"multus","confDir":"%s","cniDir":"%s","binDir":"%s"%s}' \
		"${3:-1.0.0}" "$1" "$CONF" "$STORE" "$PLUGINS" "${2:+,$2}"
}

# multus CMD ID IFNAME NETNS [CNI_ARGS] < netconf: runs multus; stdout in $T/out, stderr in
# $T/err, exit status in $RC. As libcni does, a successful ADD's result is cached (in
# $T/.results/ID-IFNAME) and a CHECK whose netconf has no prevResult gets it from there
# (NO_PREV=1: as given, for tests of a CHECK without one); DEL removes it.
multus() {
	_rc=$T/.results/$2-$3
	cat >"$T/.check.in"
	if [ "$1" = CHECK ] && [ -z "${NO_PREV:-}" ] && [ -s "$_rc" ]; then
		# Input that is not a JSON object goes as it is.
		jq -c --slurpfile r "$_rc" 'if has("prevResult") then . else .prevResult = $r[0] end' \
			<"$T/.check.in" >"$T/.check.prev" 2>/dev/null && mv "$T/.check.prev" "$T/.check.in"
	fi
	CNI_COMMAND=$1 CNI_CONTAINERID=$2 CNI_IFNAME=$3 CNI_NETNS=$4 CNI_ARGS=${5:-} \
		CNI_PATH=$CNI_PATH_TEST "$MULTUS" <"$T/.check.in" >"$T/out" 2>"$T/err"
	RC=$?
	if [ "$1" = ADD ] && [ $RC -eq 0 ]; then
		mkdir -p "$T/.results" && cp "$T/out" "$_rc"
	elif [ "$1" = DEL ] && [ $RC -eq 0 ]; then
		rm -f "$_rc"
	fi
}

# A bridge+host-local network config file.
bridge_conf() { # NAME BRIDGE SUBNET [VERSION]
	printf '{"cniVersion":"%s","name":"%s","type":"bridge","bridge":"%s","isGateway":true,"ipam":{"type":"host-local","subnet":"%s","dataDir":"%s"}}\n' \
		"${4:-1.0.0}" "$1" "$2" "$3" "$IPAM" >"$CONF/$1.conf"
}

# A macvlan+host-local network on a parent link of ours (made here: a veth end).
macvlan_conf() { # NAME PARENT SUBNET [VERSION]
	ip link show "$2" >/dev/null 2>&1 || {
		ip link add "$2" type veth peer name "${2}p"
		ip link set "$2" up
		ip link set "${2}p" up
	}
	printf '{"cniVersion":"%s","name":"%s","type":"macvlan","master":"%s","mode":"bridge","ipam":{"type":"host-local","subnet":"%s","dataDir":"%s"}}\n' \
		"${4:-1.0.0}" "$1" "$2" "$3" "$IPAM" >"$CONF/$1.conf"
}

# jq_out FILTER: evaluates jq on the last stdout.
jq_out() { jq -e "$1" "$T/out" >/dev/null 2>&1; }
# in_pod NETNS CMD...: run a command in the pod netns.
in_pod() { ns=$1; shift; ip netns exec "$ns" "$@"; }
# pgrep_here ARGS...: pgrep limited to the processes of this test's network namespace, so that
# other tests running on the machine at the same time are never seen.
pgrep_here() { pgrep --ns $$ --nslist net "$@"; }
# none_here CMDLINE: no process of this test runs exactly that (a function for check: a
# `sh -c` does not know pgrep_here, and "! pgrep_here" there could never fail).
none_here() { ! pgrep_here -x -f "$1" >/dev/null; }
has_link() { ip netns exec "$1" ip link show "$2" >/dev/null 2>&1; }
# ipam_count NETWORK: addresses host-local still holds for that network.
ipam_count() { ls "$IPAM/$1" 2>/dev/null | grep -c '^[0-9a-f.:]*[0-9a-f]$'; }
