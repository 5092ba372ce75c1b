#!/bin/sh
# make bench: multus against calling the same delegates directly, in a throwaway netns.
#
# A pod with K = 1, 4 and 16 attachments, each a bridge + host-local network of its own. Per
# sample: a fresh pod netns with lo up (as runtimes hand it over), ADD, DEL, `ip netns del`,
# then a settle pause (the kernel tears a netns down in the background; the next sample would
# pay for it). Three ways, interleaved
# sample by sample, the order rotating:
#   direct   the delegates exec'd one by one as a runtime with libcni would (tests/bench/cnirun:
#            one exec per delegate, its config on stdin), DEL in reverse order
#   multus   one multus exec, the networks from confDir (defaultDelegates), no API
#   multus+API  the same networks as NADs, read from the test API server over TLS on loopback
#            (tests/k8s/apiserver.py): the master from defaultDelegates (a NAD in
#            multusNamespace), the others from the pod's networks annotation; pod GET, NAD
#            GET/LIST, the status PATCH and the events are all part of it
#   multus+daemon  the same with `multus daemon` running (its cache LISTed and WATCHed from
#            the same API server): the plugin asks the daemon's socket and makes no API
#            request. The daemon writes the status and events after the ADD: between ADD and
#            DEL, outside the timed region, the sample waits until they have reached the API
#            server (its requests.log, at most 2 s), so that they do not run during the DEL
# Between ADD and DEL every way pauses the same BENCH_GAP (0.1 s; the daemon's way after its
# writes are in): on this VM a DEL after an idle pause is 3 to 5 ms slower than one right
# after the ADD (measured: the same pause before only the no-API way's DEL took its DEL from
# 30 to 36 ms), so a pause in one way alone made that way's DEL look dearer
# and, for the ledger (K <= 4 only, BENCH_LEDGER_K="1 4"):
#   passthru the smallest exec'd meta plugin (tests/bench/passthru.c: stdin to the delegates,
#            the first one's stdout back, no parsing, no store): passthru - direct is the
#            floor no exec'd meta plugin avoids (its own exec, loader, pipes, wait, exit)
#   multus/tmpfs  multus without the API, its cniDir on a tmpfs (mounted in this script's
#            private mount namespace): multus - multus/tmpfs is what the store's file system
#            costs (the fsync, creating, renaming and unlinking files on the disk)
# Printed: medians of the wall time of ADD, of DEL and of both, the ratio and the absolute
# overhead against direct, the overhead per extra attachment; then the peak RSS of multus
# itself (not its delegates) at ADD and at DEL next to the largest delegate's, and its own CPU
# time, from a few separate traced samples (cnirun -t); then the ledger: the ADD+DEL overhead
# without the API split into the floor, the store's file system, multus's own CPU beyond the
# floor program's (from multus/tmpfs, whose CPU holds no disk I/O) and the residual (what is
# left: waits that are none of these, and the noise); for the API and the daemon, their extra
# over no API split into own CPU and waits. Then `make bench-spawn`'s output and the cost of
# the verification around one delegate.
#
#   BENCH_RUNS=20 (samples per K and way)  BENCH_K="1 4 16"  BENCH_SETTLE=0.2 (seconds)
#   BENCH_RSS_RUNS=5 (traced samples; 3 at most outside BENCH_LEDGER_K)  BENCH_LEDGER_K="1 4"
#   BENCH_GAP=0.1 (seconds)  BENCH_API_NICE=19 (the test API server's niceness)
#   BENCH_STORE=disk: the store (cniDir) of the multus ways on the file system of /tmp, as a
#     node's /var/lib/cni/multus is on its root; BENCH_STORE=journal: on an ext4 made with
#     mkfs.ext4's defaults (a journal) in a file in /tmp, mounted through a loop device in this
#     script's own mount namespace. This VM's root ext4 has no journal and is mounted with
#     discard, so that each freed block is discarded at once, in the unlink or rename that
#     frees it (0.5 to 0.6 ms each here); on a journaled ext4 the discard waits for the commit
#     (a C loop: rename over an entry 0.49 -> 0.15 ms, unlink 0.61 -> 0.14 ms; but that
#     image's fsync, 2.1 ms against 0.9 through the loop device, no longer hides behind the
#     first delegate's start-up, and end to end the two did not differ in 50 samples)
# A benchmark, not a test: run it on a quiet machine, and read the spread between two runs.
set -eu
MULTUS=${1:?usage: run.sh /path/to/multus}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
B=$(dirname "$MULTUS")
RUNS=${BENCH_RUNS:-20}
KS=${BENCH_K:-1 4 16}
SETTLE=${BENCH_SETTLE:-0.2}
RSS_RUNS=${BENCH_RSS_RUNS:-5}
LEDGER_K=${BENCH_LEDGER_K:-1 4}
GAP=${BENCH_GAP:-0.1}
P=/usr/lib/cni
if [ "${BENCH_INSIDE:-}" != 1 ]; then
	[ "$(id -u)" -eq 0 ] || { echo "bench: needs root" >&2; exit 1; }
	for t in cnirun passthru; do
		[ -x "$B/bench/$t" ] || { echo "bench: $B/bench/$t missing (make bench builds it)" >&2; exit 1; }
	done
	exec env BENCH_INSIDE=1 unshare -n -m --propagation private sh "$0" "$MULTUS"
fi
mount -t tmpfs tmpfs /run/netns 2>/dev/null || { mkdir -p /run/netns && mount -t tmpfs tmpfs /run/netns; }
ip link set lo up
D=$(mktemp -d /tmp/multus-bench.XXXXXX)
APIPID=
DPID=
# Each step may fail (a mount not made yet): the rest still runs, and $D goes.
cleanup() {
	[ -z "$DPID" ] || kill "$DPID" 2>/dev/null || :
	[ -z "$APIPID" ] || kill "$APIPID" 2>/dev/null || :
	for m in tmpfs api jstore; do umount "$D/$m" 2>/dev/null || :; done
	rm -rf "$D"
}
trap cleanup EXIT
mkdir -p "$D/conf" "$D/ipam" "$D/res" "$D/api" "$D/tmpfs"
# multus/tmpfs's cniDir; this mount namespace is the script's own.
mount -t tmpfs -o mode=0700 tmpfs "$D/tmpfs"
# The test API server's objects and request log on a tmpfs too: a real API server is not on
# the node's disk, and its writes there (each status PATCH rewrites the pod's file) queued
# before the next DEL's own (the store entry's unlink), 3 to 4 ms of it in the API ways.
mount -t tmpfs tmpfs "$D/api"
mkdir -p "$D/api/objects/pods/default"
STORE=$D/store
case ${BENCH_STORE:-disk} in
disk) ;;
journal)
	truncate -s 256M "$D/store.img"
	mkfs.ext4 -q -F "$D/store.img"
	mkdir -p "$D/jstore"
	mount -o loop "$D/store.img" "$D/jstore" ||
		{ echo "bench: BENCH_STORE=journal needs a loop device" >&2; exit 1; }
	STORE=$D/jstore/store ;;
*) echo "bench: BENCH_STORE is disk or journal" >&2; exit 1 ;;
esac
CNIRUN=$B/bench/cnirun
PASSTHRU=$B/bench/passthru
export CNI_PATH=$P

# Niced: a real API server does not run on the node, and this one's Python (TLS, HTTP/2, the
# watch streams) answering the daemon's writes right after an ADD took the two cores from
# the plugin's last steps (BENCH_API_NICE=0 for the old way).
nice -n "${BENCH_API_NICE:-19}" /usr/bin/python3 "$SRC/tests/k8s/apiserver.py" --dir "$D/api" --max-seconds 3600 2>"$D/api.err" &
APIPID=$!
i=0
while [ ! -e "$D/api/ready" ] && [ $i -lt 300 ]; do sleep 0.05; i=$((i + 1)); done
[ -e "$D/api/ready" ] || { echo "bench: the test API server did not start" >&2; cat "$D/api.err" >&2; exit 1; }

# Networks n1..n16: a bridge each, host-local from a /16 each. Files for confDir, the same
# configs as NADs (n1 in kube-system, multusNamespace; the others in default).
for i in $(seq 1 16); do
	printf '{"cniVersion":"1.0.0","name":"n%d","type":"bridge","bridge":"brb%d","isGateway":true,"ipam":{"type":"host-local","subnet":"10.%d.0.0/16","dataDir":"%s"}}\n' \
		"$i" "$i" $((100 + i)) "$D/ipam" >"$D/conf/n$i.conf"
	ns=default
	[ "$i" -eq 1 ] && ns=kube-system
	mkdir -p "$D/api/objects/nads/$ns"
	jq -n --rawfile c "$D/conf/n$i.conf" '{spec: {config: $c}}' >"$D/api/objects/nads/$ns/n$i.json"
done
mconf() { # FILE CONFDIR EXTRA_MEMBERS [CNIDIR]
	printf '{"cniVersion":"1.0.0","name":"m","type":"multus","confDir":"%s","cniDir":"%s","binDir":"%s",%s}\n' \
		"$2" "${4:-$STORE}" "$P" "$3" >"$1"
}
mkdir -p "$D/empty"
for K in $KS; do
	# multus without the API: the K networks from confDir; its store on the disk or a tmpfs.
	mconf "$D/noapi-$K.conf" "$D/conf" "\"defaultDelegates\":\"$(seq -s, -f 'n%g' 1 "$K")\""
	mconf "$D/tmpfs-$K.conf" "$D/conf" "\"defaultDelegates\":\"$(seq -s, -f 'n%g' 1 "$K")\"" "$D/tmpfs/store"
	# passthru: the same K configs, one a line.
	for i in $(seq 1 "$K"); do cat "$D/conf/n$i.conf"; done >"$D/passthru-$K.conf"
	# With the API: n1 from defaultDelegates, n2..nK from the pod's annotation; an empty
	# confDir, so that every network is a NAD.
	mconf "$D/api-$K.conf" "$D/empty" "\"kubeconfig\":\"$D/api/kubeconfig\",\"defaultDelegates\":\"n1\",\"daemonSocket\":\"\""
	mconf "$D/daemon-$K.conf" "$D/empty" "\"kubeconfig\":\"$D/api/kubeconfig\",\"defaultDelegates\":\"n1\",\"daemonSocket\":\"$D/run/multus.sock\""
	ann=""
	[ "$K" -gt 1 ] && ann=$(seq -s, -f 'n%g' 2 "$K")
	jq -n --arg a "$ann" '{metadata: {annotations: (if $a == "" then {} else {"k8s.v1.cni.cncf.io/networks": $a} end)}, spec: {nodeName: "bench"}}' \
		>"$D/api/objects/pods/default/bench-$K.json"
done

# The node-local cache, on the same API server.
mkdir -p "$D/run"
NODE_NAME=bench "$MULTUS" daemon --no-install --socket "$D/run/multus.sock" --kubeconfig "$D/api/kubeconfig" >"$D/daemon.out" 2>&1 &
DPID=$!
i=0
while ! grep -q "watch pods: listed" "$D/daemon.out" && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
grep -q "watch pods: listed" "$D/daemon.out" || { echo "bench: multus daemon did not start" >&2; cat "$D/daemon.out" >&2; exit 1; }

# steps CMD K: cnirun's steps for the direct way (DEL in reverse order).
steps() {
	s=""
	for i in $(seq 1 "$2"); do
		ifn=eth0
		[ "$i" -gt 1 ] && ifn=net$((i - 1))
		if [ "$1" = ADD ]; then s="$s $P/bridge,$D/conf/n$i.conf,$ifn"; else s="$P/bridge,$D/conf/n$i.conf,$ifn $s"; fi
	done
	echo "$s"
}
# writes: the status PATCHes and event POSTs the test API server has logged so far.
writes() { grep -c '"method": "P[OA][ST]' "$D/api/requests.log" || true; }
# daemon_wait BEFORE K: until the daemon's PATCH and K events after BEFORE are in (at most
# 2 s; each miss counted in $D/res/daemon.late).
daemon_wait() {
	i=0
	while [ "$(writes)" -lt $(($1 + 1 + $2)) ] && [ $i -lt 200 ]; do sleep 0.01; i=$((i + 1)); done
	[ $i -lt 200 ] || echo late >>"$D/res/daemon.late"
}
# sample WAY K ID [-t]: one pod: ADD and DEL the WAY, then the netns goes and settles.
sample() {
	ip netns add b
	# lo is up before any network, as every runtime has it (containerd and CRI-O run the
	# loopback plugin first, podman sets it up): else multus, which brings lo up when it is
	# not, would pay here for a step that a real pod has behind it (0.5 ms on this VM).
	ip -n b link set lo up
	before=$(writes)
	for cmd in ADD DEL; do
		out=$D/res/$1-$2.$(echo $cmd | tr A-Z a-z)${4:+.rss}
		[ "$1.$cmd" != daemon.DEL ] || daemon_wait "$before" "$2"
		[ "$cmd" != DEL ] || sleep "$GAP"
		case $1 in
		direct)
			# shellcheck disable=SC2046
			"$CNIRUN" "$out" $cmd "$3" /run/netns/b $(steps $cmd "$2") ;;
		passthru) "$CNIRUN" ${4:-} "$out" $cmd "$3" /run/netns/b "$PASSTHRU,$D/passthru-$2.conf,eth0" ;;
		noapi|tmpfs) "$CNIRUN" ${4:-} "$out" $cmd "$3" /run/netns/b "$MULTUS,$D/$1-$2.conf,eth0" ;;
		api|daemon)
			"$CNIRUN" ${4:-} "$out" $cmd "$3" /run/netns/b \
				"$MULTUS,$D/$1-$2.conf,eth0,IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=bench-$2;K8S_POD_INFRA_CONTAINER_ID=$3" ;;
		esac || { echo "bench: $1 $cmd K=$2 failed (CNIRUN_STDERR=1 shows why)" >&2; exit 1; }
	done
	ip netns del b
	sleep "$SETTLE"
}

# fsdesc DIR: the file system DIR is on, and whether an ext4 there has a journal (jbd2).
fsdesc() {
	src=$(findmnt -no SOURCE -T "$1")
	j=""
	if [ "$(findmnt -no FSTYPE -T "$1")" = ext4 ]; then
		j=", no journal"
		[ ! -e "/proc/fs/jbd2/$(basename "$src")-8" ] || j=", journal"
	fi
	echo "$(findmnt -no FSTYPE -T "$1") ($(findmnt -no OPTIONS -T "$1")$j)"
}
echo "bench: $RUNS samples per K and way, K in $KS, settle ${SETTLE}s; $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "bench: the store (BENCH_STORE=${BENCH_STORE:-disk}) on $(fsdesc "$(dirname "$STORE")")"
# ways K: the ways sampled at K (the ledger's two only at the K of BENCH_LEDGER_K).
ways() {
	case " $LEDGER_K " in
	*" $1 "*) echo "direct passthru tmpfs noapi api daemon" ;;
	*) echo "direct noapi api daemon" ;;
	esac
}
# One warm-up of each (page cache, the API server's first TLS handshake).
for K in $KS; do for w in $(ways "$K"); do sample $w "$K" warm-$w-$K; done; done
rm -f "$D"/res/*
for r in $(seq 1 "$RUNS"); do
	for K in $KS; do
		order=$(ways "$K")
		[ $((r % 2)) -eq 1 ] || order=$(echo "$order" | tr ' ' '\n' | tac | tr '\n' ' ')
		for w in $order; do sample $w "$K" "s$r-$w-$K"; done
	done
done
# The traced samples: BENCH_RSS_RUNS at the ledger's K, at most 3 at the others (K=16 is slow).
for r in $(seq 1 "$RSS_RUNS"); do
	for K in $KS; do
		[ "$(ways "$K")" != "direct noapi api daemon" ] || [ "$r" -le 3 ] || continue
		for w in $(ways "$K"); do [ $w = direct ] || sample $w "$K" "rss$r-$w-$K" -t; done
	done
done
[ ! -e "$D/res/daemon.late" ] ||
	echo "bench: warning: $(wc -l <"$D/res/daemon.late") daemon samples went on to DEL before the daemon's writes were in (2 s)"
/usr/bin/python3 - "$D/res" "$KS" "$LEDGER_K" <<'EOF'
import os, random, statistics as st, sys
d, ks = sys.argv[1], [int(k) for k in sys.argv[2].split()]
lks = [k for k in ks if str(k) in sys.argv[3].split()]
def col(name, i):
    p = os.path.join(d, name)
    return [int(l.split()[i]) for l in open(p)] if os.path.exists(p) else []
def med(v): return st.median(v) / 1000 if v else float("nan")
ways = [("noapi", "multus"), ("api", "multus+API"), ("daemon", "multus+daemon")]
print("bench: wall time, medians in ms (overhead = multus - direct; ratio = multus / direct)")
print("bench: %-4s %-8s %9s | %9s %9s %7s | %11s %9s %7s | %13s %9s %7s" % ("K", "op", "direct", "multus", "overhead", "ratio", "multus+API", "overhead", "ratio", "multus+daemon", "overhead", "ratio"))
over = {}
for k in ks:
    for op in ("add", "del", "add+del"):
        def walls(w):
            if op != "add+del":
                return col("%s-%d.%s" % (w, k, op), 0)
            a, b = col("%s-%d.add" % (w, k), 0), col("%s-%d.del" % (w, k), 0)
            return [x + y for x, y in zip(a, b)]
        dv = med(walls("direct"))
        row = []
        for w, _ in ways:
            mv = med(walls(w))
            over[(w, k, op)] = mv - dv
            row += [mv, mv - dv, mv / dv]
        print("bench: %-4d %-8s %9.2f | %9.2f %9.2f %7.3f | %11.2f %9.2f %7.3f | %13.2f %9.2f %7.3f" % (k, op.upper(), dv, *row))
# The same overheads as medians of per-run differences (a run's samples are seconds apart),
# each with a 95% bootstrap interval of that median: what the samples say the overhead is,
# for comparing it with a target.
rng = random.Random(1)
def ci(v, n=2000):
    if len(v) < 5:
        return float("nan"), float("nan")
    m = sorted(st.median(rng.choices(v, k=len(v))) for _ in range(n))
    return m[int(0.025 * n)] / 1000, m[int(0.975 * n) - 1] / 1000
print("bench: ADD+DEL overhead over direct, median of per-run differences [95% bootstrap interval], ms")
for k in ks:
    dv = [x + y for x, y in zip(col("direct-%d.add" % k, 0), col("direct-%d.del" % k, 0))]
    parts = []
    for w, label in ways:
        mv = [x + y for x, y in zip(col("%s-%d.add" % (w, k), 0), col("%s-%d.del" % (w, k), 0))]
        pd = [x - y for x, y in zip(mv, dv)]
        lo, hi = ci(pd)
        parts.append("%s %.2f [%.2f, %.2f]" % (label, med(pd), lo, hi))
    print("bench:   K=%-3d %s" % (k, "; ".join(parts)))
if len(ks) > 1:
    k0 = ks[0]
    for w, label in ways:
        per = ["K=%d: %.2f" % (k, (over[(w, k, "add+del")] - over[(w, k0, "add+del")]) / (k - k0)) for k in ks[1:]]
        print("bench: %s: ADD+DEL overhead per extra attachment (ms), against K=%d: %s" % (label, k0, ", ".join(per)))
print("bench: peak RSS in KiB, medians: multus itself (not its delegates) / the largest delegate (with its IPAM child)")
for k in ks:
    dl = [max(a, b) for a, b in zip(col("direct-%d.add" % k, 1), col("direct-%d.del" % k, 1))]
    parts = []
    for w, label in ways:
        a, b = col("%s-%d.add.rss" % (w, k), 2), col("%s-%d.del.rss" % (w, k), 2)
        parts.append("%s ADD %s DEL %s" % (label, int(st.median(a)) if a else "-", int(st.median(b)) if b else "-"))
    print("bench:   K=%-3d %s; largest delegate %s" % (k, "; ".join(parts), int(st.median(dl)) if dl else "-"))
print("bench: CPU time of multus itself (user+system, not its delegates, nor the API server), ms, medians")
for k in ks:
    parts = []
    for w, label in ways:
        a, b = col("%s-%d.add.rss" % (w, k), 3), col("%s-%d.del.rss" % (w, k), 3)
        parts.append("%s ADD %.2f DEL %.2f" % (label, med(a), med(b)))
    print("bench:   K=%-3d %s" % (k, "; ".join(parts)))

# The ledger. Each part is the median of per-run differences between two ways (the samples of
# one run are seconds apart, so a change of the machine's load cancels out); the overhead here
# is paired the same way, and can differ a little from the table's difference of medians.
def vals(w, k, op, i=0, sfx=""):
    if op != "add+del":
        return col("%s-%d.%s%s" % (w, k, op, sfx), i)
    return [x + y for x, y in zip(col("%s-%d.add%s" % (w, k, sfx), i), col("%s-%d.del%s" % (w, k, sfx), i))]
def paired(a, b):
    return [x - y for x, y in zip(a, b)]
def q(v, f):
    v = sorted(v)
    return v[min(len(v) - 1, int(f * len(v)))] / 1000 if v else float("nan")
if lks:
    print("bench: ledger of the overhead without the API (ms; medians of per-run differences): floor = passthru - direct;")
    print("bench:   store FS = multus - multus/tmpfs; own CPU = multus/tmpfs's CPU - passthru's (traced samples);")
    print("bench:   run queue = multus/tmpfs's time runnable but waiting for a CPU - passthru's (traced samples, schedstat);")
    print("bench:   residual = overhead - floor - store FS - own CPU - run queue")
for k in lks:
    for op in ("add+del", "add", "del"):
        ov = paired(vals("noapi", k, op), vals("direct", k, op))
        o = med(ov)
        fl = med(paired(vals("passthru", k, op), vals("direct", k, op)))
        fs = med(paired(vals("noapi", k, op), vals("tmpfs", k, op)))
        c = med(paired(vals("tmpfs", k, op, 3, ".rss"), vals("passthru", k, op, 3, ".rss")))
        rq = med(paired(vals("tmpfs", k, op, 4, ".rss"), vals("passthru", k, op, 4, ".rss")))
        print("bench:   %s overhead K=%d: %.2f ms = floor %.2f ms, store FS %.2f ms, own CPU %.2f ms, run queue %.2f ms, residual %.2f ms (overhead p25-p75 %.2f-%.2f)"
              % (op.upper(), k, o, fl, fs, c, rq, o - fl - fs - c - rq, q(ov, 0.25), q(ov, 0.75)))
    for w, label in ways[1:]:
        e = med(paired(vals(w, k, "add+del"), vals("noapi", k, "add+del")))
        c = med(paired(vals(w, k, "add+del", 3, ".rss"), vals("noapi", k, "add+del", 3, ".rss")))
        print("bench:   %s K=%d: ADD+DEL %.2f ms over multus without the API = own CPU %+.2f ms, waits %.2f ms"
              % (label, k, e, c, e - c))
for k in lks:
    cm = lambda w, op: med(col("%s-%d.%s.rss" % (w, k, op), 3))
    print("bench:   own CPU K=%d: passthru ADD %.2f DEL %.2f; multus/tmpfs ADD %.2f DEL %.2f; multus ADD %.2f DEL %.2f"
          % (k, cm("passthru", "add"), cm("passthru", "del"), cm("tmpfs", "add"), cm("tmpfs", "del"),
             cm("noapi", "add"), cm("noapi", "del")))
    rm_ = lambda w, op: med(col("%s-%d.%s.rss" % (w, k, op), 4))
    print("bench:   run queue K=%d: passthru ADD %.2f DEL %.2f; multus/tmpfs ADD %.2f DEL %.2f; multus ADD %.2f DEL %.2f"
          % (k, rm_("passthru", "add"), rm_("passthru", "del"), rm_("tmpfs", "add"), rm_("tmpfs", "del"),
             rm_("noapi", "add"), rm_("noapi", "del")))
EOF

# make bench-spawn: the cost of starting one delegate, multus's spawn against fork+exec.
if [ -x "$B/bench/bench_spawn" ]; then
	echo "bench: make bench-spawn:"
	"$B/bench/bench_spawn" | sed 's/^/bench:   /'
fi

# The verification around one delegate, in a netns with 3 and with 100 links.
cc -O2 -D_GNU_SOURCE -I"$SRC/src" "$SRC/tests/bench/bench_netcheck.c" -o "$D/bench_netcheck" \
	-L"$B" -lmultus -lk8s -lnetlink -lnetns -lcni -lutil \
	$(pkg-config --libs libmnl libnftnl jansson yaml-0.1) 2>"$D/cc.err" || {
	echo "bench: bench_netcheck does not build, skipped: $(head -c 300 "$D/cc.err")"
	exit 0
}
ip netns add chk
ip netns exec chk ip link add chk0 type veth peer name chk0p
v3=$("$D/bench_netcheck" chk chk0 2000)
for k in $(seq 1 48); do ip netns exec chk ip link add x$k type veth peer name y$k; done
v100=$("$D/bench_netcheck" chk chk0 500)
echo "bench: verification per attachment (before+after): ${v3} us with 3 links, ${v100} us with 100 links"
