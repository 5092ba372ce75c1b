#!/bin/sh
# netns/ and netlink/ against the kernel, checked with `ip`, in run.sh's throwaway netns:
#
#   this netns (run.sh's)                  netns "pod"
#   vh0 10.9.0.1/24  <------ veth ------>  vp0 10.9.0.2/24 fd00::2/64  (renamed eth1)
#
# The driver (tests/netns/nltool.c) makes one library call per run and prints the result.
. "$SRC/tests/netns/lib.sh"

NL=$T/nltool
if ! make -s -C "$SRC" build/libnetlink.a build/libnetns.a build/libutil.a >"$T/make.out" 2>&1 ||
	! cc -std=gnu11 -D_GNU_SOURCE -I"$SRC/src" -o "$NL" "$SRC/tests/netns/nltool.c" \
		"$SRC/build/libnetlink.a" "$SRC/build/libnetns.a" "$SRC/build/libutil.a" -lmnl \
		>>"$T/make.out" 2>&1; then
	not_ok "build nltool"
	sed 's/^/#   /' "$T/make.out" | tail -n 20
	done_testing
	exit 1
fi

# out CMD...: runs the driver, its stdout in $T/out, succeeds when it did.
out() { "$NL" "$@" >"$T/out" 2>&1; }
# fails_with ERRNO CMD...: the driver reports exactly -ERRNO.
fails_with() {
	want=$1
	shift
	! "$NL" "$@" >"$T/out" 2>&1 && grep -q "^err=-$want " "$T/out"
}
# ip_index NETNS NAME: the index `ip` gives the link.
ip_index() { ip -n "$1" -o link show "$2" | sed -n 's/^\([0-9]*\):.*/\1/p'; }

set -e
ip netns add pod
ip link add vh0 type veth peer name vp0
ip link set vp0 netns pod
# No DAD: addresses and their routes appear at once, so counts compared with ip cannot race.
ip netns exec pod sysctl -qw net.ipv6.conf.vp0.accept_dad=0
ip addr add 10.9.0.1/24 dev vh0
ip link set vh0 up
ip -n pod link set lo up
ip -n pod addr add 10.9.0.2/24 dev vp0
ip -n pod addr add fd00::2/64 dev vp0 nodad
ip -n pod link set vp0 up
ip netns exec pod sleep 60 &
POD_PID=$!
set +e
trap 'kill $POD_PID 2>/dev/null' EXIT

# --- netns_open ---
check "netns_open by name" out open pod
check "netns_open by path" out open /run/netns/pod
check "netns_open by /proc path" out open /proc/$POD_PID/ns/net
check "netns_open by pid is the pod netns" sh -c "'$NL' same $POD_PID pod | grep -qx 1"
check "this shell's pid is not the pod netns" sh -c "'$NL' same $$ pod | grep -qx 0"
echo regular >"$T/file"
check "a regular file is refused with -EINVAL" fails_with 22 open "$T/file"
check "... saying it is not a network namespace" grep -q "not a network namespace" "$T/out"
check "a mount namespace is refused with -EINVAL" fails_with 22 open /proc/$$/ns/mnt
check "a missing name is -ENOENT" fails_with 2 open nosuch
check "a missing path is -ENOENT" fails_with 2 open /run/netns/nosuch
check "a name with .. is refused" fails_with 22 open ../netns/pod

# --- links ---
VP0=$(ip_index pod vp0)
check "link-list in the pod (socket opened in the pod, we came back)" out -n pod link-list
cp "$T/out" "$T/links"
check "link-list has the names ip shows" sh -c "
	ip -n pod -o link show | sed 's/^[0-9]*: \([^:@]*\).*/\1/' | sort >'$T/ip.names'
	sed 's/.* name=\([^ ]*\) .*/\1/' '$T/links' | sort >'$T/nl.names'
	cmp '$T/ip.names' '$T/nl.names'"
MAC=$(ip -n pod -o link show vp0 | sed 's/.*link\/ether \([0-9a-f:]*\).*/\1/')
MTU=$(ip -n pod -o link show vp0 | sed 's/.* mtu \([0-9]*\).*/\1/')
check "vp0: index, mtu and mac as ip says" grep -q "^index=$VP0 name=vp0 .* mtu=$MTU mac=$MAC " "$T/links"
check "vp0: kind veth, peer in another netns" grep -q "name=vp0 .* kind=veth .*netnsid=1$" "$T/links"
check "vp0 is up" sh -c "grep 'name=vp0 ' '$T/links' | grep -q 'flags=0x[0-9a-f]*[13579bdf] '"
check "link-get by name" sh -c "'$NL' -n pod link-get vp0 | grep -q '^index=$VP0 name=vp0 '"
check "link-get by index" sh -c "'$NL' -n pod link-get-index $VP0 | grep -q '^index=$VP0 name=vp0 '"
check "link-get of a missing link is -ENODEV" fails_with 19 -n pod link-get nosuch
check "link-get here does not see the pod's link" fails_with 19 link-get vp0

check "link-down" out -n pod link-down vp0
check "... ip shows vp0 down" sh -c "ip -n pod -o link show vp0 | grep -qv '[<,]UP[,>]'"
check "link-rename vp0 to eth1 (down)" out -n pod link-rename vp0 eth1
check "... ip shows eth1 with vp0's index" sh -c "[ \"\$(ip -n pod -o link show eth1 | cut -d: -f1)\" = $VP0 ]"
check "... and no vp0" sh -c "! ip -n pod link show vp0 2>/dev/null"
check "... rename did not bring it up" sh -c "ip -n pod -o link show eth1 | grep -qv '[<,]UP[,>]'"
check "link-up" out -n pod link-up eth1
check "... ip shows eth1 up" sh -c "ip -n pod -o link show eth1 | grep -q '[<,]UP[,>]'"
# Taking the link down dropped its IPv6 address (the kernel's default): put it back.
ip -n pod addr add fd00::2/64 dev eth1 nodad
check "rename to an invalid name is refused" fails_with 22 -n pod link-rename eth1 "bad name"

# --- addresses ---
check "addr-list" out -n pod addr-list
cp "$T/out" "$T/addrs"
check "addr-list has 10.9.0.2/24 on eth1" grep -q "^ifindex=$VP0 addr=10.9.0.2/24 scope=0$" "$T/addrs"
check "addr-list has fd00::2/64 on eth1" grep -q "^ifindex=$VP0 addr=fd00::2/64 scope=0$" "$T/addrs"
check "addr-list has as many addresses as ip" sh -c "[ \$(ip -n pod -o addr show | wc -l) -eq \$(wc -l <'$T/addrs') ]"
check "addr-list 4 has only IPv4" sh -c "'$NL' -n pod addr-list 4 >'$T/a4' && ! grep -q : '$T/a4' && grep -q 10.9.0.2 '$T/a4'"

# --- routes ---
check "route-add default via 10.9.0.1" out -n pod route-add 0.0.0.0/0 via 10.9.0.1
check "... ip shows it" sh -c "ip -n pod route show default | grep -q '^default via 10.9.0.1 dev eth1'"
check "route-add of the same route again is -EEXIST" fails_with 17 -n pod route-add 0.0.0.0/0 via 10.9.0.1
check "route-add to table 100, metric 7, dev" out -n pod route-add 192.168.7.0/24 via 10.9.0.1 dev eth1 table 100 metric 7
check "... ip shows it in table 100" sh -c "ip -n pod route show table 100 | grep -q '^192.168.7.0/24 via 10.9.0.1 dev eth1 metric 7'"
check "route-add IPv6 via fd00::1" out -n pod route-add fd01::/64 via fd00::1
check "... ip -6 shows it" sh -c "ip -n pod -6 route show fd01::/64 | grep -q 'via fd00::1 dev eth1'"
check "host bits set: -EINVAL with the kernel's text" fails_with 22 -n pod route-add 10.99.0.5/24 via 10.9.0.1
check "... message carries the extack text" grep -q "Invalid prefix for given prefix length" "$T/out"
check "an unreachable gateway: -ENETUNREACH" fails_with 101 -n pod route-add 10.77.0.0/16 via 172.16.0.1

check "route-list" out -n pod route-list
cp "$T/out" "$T/routes"
check "route-list has the default route in main" grep -q "^dst=0.0.0.0/0 gw=10.9.0.1 oif=$VP0 table=254 metric=0 proto=3 " "$T/routes"
check "route-list has table 100" grep -q "^dst=192.168.7.0/24 gw=10.9.0.1 oif=$VP0 table=100 metric=7 " "$T/routes"
check "route-list has the local table" grep -q "^dst=10.9.0.2/32 gw=- oif=$VP0 table=255 " "$T/routes"
check "route-list has IPv6" grep -q "^dst=fd01::/64 gw=fd00::1 oif=$VP0 table=254 " "$T/routes"
check "route-list matches ip's count over all tables" sh -c "
	n=\$( (ip -n pod -4 route show table all; ip -n pod -6 route show table all) | wc -l)
	[ \$n -eq \$(wc -l <'$T/routes') ] || { echo ip \$n nl \$(wc -l <'$T/routes'); exit 1; }"

check "route-del default" out -n pod route-del 0.0.0.0/0 via 10.9.0.1
check "... ip shows no default" sh -c "[ -z \"\$(ip -n pod route show default)\" ]"
check "route-del of a missing route is -ESRCH" fails_with 3 -n pod route-del 0.0.0.0/0 via 10.9.0.1
check "route-del in table 100" out -n pod route-del 192.168.7.0/24 table 100
check "... ip shows table 100 empty" sh -c "[ -z \"\$(ip -n pod route show table 100)\" ]"

# --- delete ---
check "vh0 is here before the delete" ip link show vh0
check "link-del eth1" out -n pod link-del eth1
check "... ip shows no eth1 in the pod" sh -c "! ip -n pod link show eth1 2>/dev/null"
check "... and its peer vh0 is gone here" sh -c "! ip link show vh0 2>/dev/null"
check "link-del of a missing link is -ENODEV" fails_with 19 -n pod link-del eth1

kill $POD_PID 2>/dev/null
ip netns del pod
done_testing
