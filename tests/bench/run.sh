#!/bin/sh
# make bench: multus against calling the same delegates directly, in a throwaway netns.
#   1. wall time of ADD+DEL of a pod with three networks (bridge, macvlan, macvlan+tuning),
#      multus vs. the delegates exec'd directly one by one: ratio
#   2. peak RSS of the multus process vs. the largest delegate's: ratio
#   3. the verification around one delegate (netcheck before+after), microseconds
#   4. rtnetlink sockets opened by one multus ADD (strace)
set -eu
MULTUS=${1:?usage: run.sh /path/to/multus}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
if [ "${BENCH_INSIDE:-}" != 1 ]; then
	[ "$(id -u)" -eq 0 ] || { echo "bench: needs root" >&2; exit 1; }
	make -s -C "$SRC" build/libmultus.a build/libk8s.a build/libnetlink.a build/libnetns.a \
		build/libcni.a build/libutil.a
	exec env BENCH_INSIDE=1 unshare -n -m --propagation private sh "$0" "$MULTUS"
fi
mount -t tmpfs tmpfs /run/netns 2>/dev/null || { mkdir -p /run/netns && mount -t tmpfs tmpfs /run/netns; }
ip link set lo up
N=${BENCH_ITERS:-30}
D=$(mktemp -d /tmp/multus-bench.XXXXXX)
trap 'rm -rf "$D"' EXIT
mkdir -p "$D/conf" "$D/ipam"
for up in up0 up1; do ip link add $up type veth peer name $up-p; ip link set $up up; ip link set $up-p up; done
printf '{"cniVersion":"1.0.0","name":"n0","type":"bridge","bridge":"brb","isGateway":true,"ipam":{"type":"host-local","subnet":"10.200.0.0/16","dataDir":"%s"}}' "$D/ipam" >"$D/conf/n0.conf"
printf '{"cniVersion":"1.0.0","name":"n1","type":"macvlan","master":"up0","ipam":{"type":"host-local","subnet":"10.201.0.0/16","dataDir":"%s"}}' "$D/ipam" >"$D/conf/n1.conf"
printf '{"cniVersion":"1.0.0","name":"n2","plugins":[{"type":"macvlan","master":"up1","ipam":{"type":"host-local","subnet":"10.202.0.0/16","dataDir":"%s"}},{"type":"tuning","mtu":1400}]}' "$D/ipam" >"$D/conf/n2.conflist"
printf '{"cniVersion":"1.0.0","name":"m","type":"multus","defaultDelegates":"n0,n1,n2@north","confDir":"%s","cniDir":"%s","binDir":"/usr/lib/cni"}' "$D/conf" "$D/store" >"$D/multus.conf"
ip netns add bench
P=/usr/lib/cni
ms() { date +%s%N; }
cni() { # CMD IFNAME PLUGIN CONF
	CNI_COMMAND=$1 CNI_CONTAINERID=bench$i CNI_NETNS=/run/netns/bench CNI_IFNAME=$2 CNI_PATH=$P "$P/$3" <"$4" >"$D/r.json"
}
# The conflist by hand, as libcni would: macvlan, then tuning with prevResult.
conflist_add() {
	printf '{"cniVersion":"1.0.0","name":"n2","type":"macvlan","master":"up1","ipam":{"type":"host-local","subnet":"10.202.0.0/16","dataDir":"%s"}}' "$D/ipam" >"$D/p1"
	cni ADD north macvlan "$D/p1"
	printf '{"cniVersion":"1.0.0","name":"n2","type":"tuning","mtu":1400,"prevResult":%s}' "$(cat "$D/r.json")" >"$D/p2"
	cni ADD north tuning "$D/p2"
}
conflist_del() {
	cni DEL north tuning "$D/p2"
	cni DEL north macvlan "$D/p1"
}
t0=$(ms)
for i in $(seq 1 "$N"); do
	cni ADD eth0 bridge "$D/conf/n0.conf"
	cni ADD eth1 macvlan "$D/conf/n1.conf"
	conflist_add
	conflist_del
	cni DEL eth1 macvlan "$D/conf/n1.conf"
	cni DEL eth0 bridge "$D/conf/n0.conf"
done
t1=$(ms)
for i in $(seq 1 "$N"); do
	CNI_COMMAND=ADD CNI_CONTAINERID=mb$i CNI_NETNS=/run/netns/bench CNI_IFNAME=eth0 CNI_PATH=$P "$MULTUS" <"$D/multus.conf" >/dev/null 2>&1
	CNI_COMMAND=DEL CNI_CONTAINERID=mb$i CNI_NETNS=/run/netns/bench CNI_IFNAME=eth0 CNI_PATH=$P "$MULTUS" <"$D/multus.conf" >/dev/null 2>&1
done
t2=$(ms)
direct=$(( (t1 - t0) / N / 1000 ))
via=$(( (t2 - t1) / N / 1000 ))
echo "bench: pod with 3 networks, ADD+DEL, $N runs"
echo "bench:   delegates called directly: ${direct} us per pod"
echo "bench:   through multus:            ${via} us per pod"
awk -v a="$via" -v b="$direct" 'BEGIN { printf "bench:   ratio multus/direct: %.3f (overhead %.0f us per pod)\n", a / b, a - b }'

# Peak RSS: multus itself (its delegates are separate processes) vs. the bridge plugin.
rss() { /usr/bin/python3 -c '
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdin=open(sys.argv[1] if False else "/dev/stdin"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$@"; }
i=rss
m_rss=$(CNI_COMMAND=DEL CNI_CONTAINERID=rss CNI_NETNS=/run/netns/bench CNI_IFNAME=eth0 CNI_PATH=$P rss "$MULTUS" <"$D/multus.conf")
b_rss=$(CNI_COMMAND=DEL CNI_CONTAINERID=rss CNI_NETNS=/run/netns/bench CNI_IFNAME=eth0 CNI_PATH=$P rss "$P/bridge" <"$D/conf/n0.conf")
echo "bench: peak RSS: multus DEL ${m_rss} KiB, bridge DEL ${b_rss} KiB"
awk -v a="$m_rss" -v b="$b_rss" 'BEGIN { printf "bench:   ratio multus/bridge: %.3f\n", a / b }'

# The verification around one delegate, in a netns with 3 and with 100 links.
cc -O2 -D_GNU_SOURCE -I"$SRC/src" "$SRC/tests/bench/bench_netcheck.c" -o "$D/bench_netcheck" \
	-L"$SRC/build" -lmultus -lk8s -lnetlink -lnetns -lcni -lutil \
	$(pkg-config --libs libmnl libnftnl jansson libcurl yaml-0.1)
ip netns exec bench ip link add chk0 type veth peer name chk0p
v3=$("$D/bench_netcheck" bench chk0 2000)
for k in $(seq 1 48); do ip netns exec bench ip link add x$k type veth peer name y$k; done
v100=$("$D/bench_netcheck" bench chk0 500)
echo "bench: verification per attachment (before+after): ${v3} us with 3 links, ${v100} us with 100 links"
awk -v a="$v3" -v b="$direct" 'BEGIN { printf "bench:   ratio verification/direct pod: %.5f\n", a / b }'

# rtnetlink sockets per invocation.
if command -v strace >/dev/null 2>&1; then
	i=st
	CNI_COMMAND=ADD CNI_CONTAINERID=st CNI_NETNS=/run/netns/bench CNI_IFNAME=eth0 CNI_PATH=$P \
		strace -f -qq -e trace=socket -o "$D/strace" "$MULTUS" <"$D/multus.conf" >/dev/null 2>&1
	own=$(grep -v 'resumed\|exited' "$D/strace" | awk -v pid="$(head -n1 "$D/strace" | cut -d' ' -f1)" '$1 == pid' | grep -c 'NETLINK_ROUTE' || true)
	echo "bench: rtnetlink sockets opened by multus itself in one ADD of 3 networks: $own (one per namespace)"
	CNI_COMMAND=DEL CNI_CONTAINERID=st CNI_NETNS=/run/netns/bench CNI_IFNAME=eth0 CNI_PATH=$P "$MULTUS" <"$D/multus.conf" >/dev/null 2>&1
else
	echo "bench: strace not installed; socket count skipped"
fi
