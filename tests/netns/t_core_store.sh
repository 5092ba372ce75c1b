#!/bin/sh
# Issue 7 defects 2, 4, 5 and issue 9 item 2: odd files in confDir, a read-only and a full
# cniDir, temporary files created exclusively, one fsync per ADD.
. "$SRC/tests/netns/lib.sh"
setup_dirs
export PLUGINS
bridge_conf good br-s 10.21.0.0/24
ip netns add s

# A FIFO, a character device and a symlink to a FIFO in confDir: skipped with a warning, never
# opened for reading (opening a FIFO blocks until a writer comes, while ADD holds the lock).
mkfifo "$CONF/00-fifo.conf"
mknod "$CONF/01-chardev.conf" c 1 3
ln -s "$CONF/00-fifo.conf" "$CONF/02-fifolink.conflist"
netconf m '"defaultDelegates":"good"' >"$T/nc"
start=$(date +%s)
CNI_COMMAND=ADD CNI_CONTAINERID=odd1 CNI_IFNAME=eth0 CNI_NETNS=/run/netns/s CNI_PATH=$CNI_PATH_TEST \
	timeout 10 "$MULTUS" <"$T/nc" >"$T/out" 2>"$T/err"
RC=$? took=$(($(date +%s) - start))
check "FIFO and device in confDir: ADD completes (rc $RC, 124 is the timeout)" [ "$RC" -eq 0 ]
check "FIFO and device in confDir: in bounded time (took ${took}s)" [ "$took" -le 5 ]
check "FIFO and device in confDir: the network is attached" has_link s eth0
for f in 00-fifo.conf 01-chardev.conf 02-fifolink.conflist; do
	check "$f: skipped with a warning" grep -q "skipping $CONF/$f is not a regular file" "$T/err"
done
check "each odd file is warned about once, though confDir is looked up twice" \
	[ "$(grep -c 'skipping .*00-fifo.conf' "$T/err")" -eq 1 ]
multus DEL odd1 eth0 /run/netns/s <"$T/nc"
check "FIFO and device in confDir: DEL succeeds" [ "$RC" -eq 0 ]
rm -f "$CONF/00-fifo.conf" "$CONF/01-chardev.conf" "$CONF/02-fifolink.conflist"

# A hard link planted at the old temporary name (<id>.json.tmp.<pid>; exec keeps the pid):
# its target is never truncated or written.
mkdir -p "$STORE"
printf 'precious\n' >"$T/victim"
CNI_COMMAND=ADD CNI_CONTAINERID=hl1 CNI_IFNAME=eth0 CNI_NETNS=/run/netns/s CNI_PATH=$CNI_PATH_TEST \
	sh -c 'ln "$1" "$2/hl1.json.tmp.$$" && exec "$3"' sh "$T/victim" "$STORE" "$MULTUS" \
	<"$T/nc" >"$T/out" 2>"$T/err"
RC=$?
check "planted hard link: ADD succeeds" [ "$RC" -eq 0 ]
check "planted hard link: its target is untouched" [ "$(cat "$T/victim")" = precious ]
check "planted hard link: the entry is a file of its own" sh -c "[ \$(stat -c %h '$STORE/hl1.json') -eq 1 ] && jq -e '.containerID == \"hl1\"' '$STORE/hl1.json' >/dev/null"
check "planted hard link: no temporary file left" sh -c "! ls -A '$STORE' | grep -q '^\\.hl1'"
multus DEL hl1 eth0 /run/netns/s <"$T/nc"
check "planted hard link: DEL succeeds" [ "$RC" -eq 0 ]
rm -f "$STORE/hl1.json.tmp."*

# One fsync per ADD (three networks): the first write of the entry, before any delegate.
# Later rewrites and DEL do not sync. Counted for multus's own process, not its delegates.
bridge_conf n2 br-s2 10.22.0.0/24
bridge_conf n3 br-s3 10.23.0.0/24
netconf m '"defaultDelegates":"good,n2,n3"' >"$T/nc3"
fsyncs() { # CMD ID: multus under strace; prints the fsync/fdatasync calls of multus itself
	CNI_COMMAND=$1 CNI_CONTAINERID=$2 CNI_IFNAME=eth0 CNI_NETNS=/run/netns/s CNI_PATH=$CNI_PATH_TEST \
		strace -f -qq -e trace=execve,fsync,fdatasync -o "$T/strace" "$MULTUS" \
		<"$T/nc3" >"$T/out" 2>"$T/err"
	RC=$?
	pid=$(grep -m1 "execve(\"$MULTUS\"" "$T/strace" | cut -d' ' -f1)
	awk -v p="$pid" '$1 == p && ($2 ~ /^fsync\(/ || $2 ~ /^fdatasync\(/)' "$T/strace" | wc -l
}
n=$(fsyncs ADD fs1)
all=$(grep -c 'fsync(\|fdatasync(' "$T/strace")
check "3-network ADD succeeds" sh -c "[ $RC -eq 0 ] && [ \$(ip netns exec s ip -o link | wc -l) -eq 4 ]"
check "3-network ADD: exactly one fsync (got $n)" [ "$n" -eq 1 ]
echo "# fsync calls per 3-network ADD: multus $n, its delegates $((all - n))"
n=$(fsyncs DEL fs1)
check "DEL succeeds" [ "$RC" -eq 0 ]
check "DEL: no fsync (got $n)" [ "$n" -eq 0 ]

# The fsync overlaps the first delegate's start-up, but no delegate gets its config before the
# entry is on disk and in place: the first saw the first write (generation 1), the second the
# same entry (the first's progress went to the journal).
printf '{"cniVersion":"1.0.0","name":"w1","type":"record","inner":"bridge","bridge":"br-w1","ipam":{"type":"host-local","subnet":"10.24.0.0/24","dataDir":"%s"}}\n' "$IPAM" >"$CONF/w1.conf"
printf '{"cniVersion":"1.0.0","name":"w2","type":"record","inner":"bridge","bridge":"br-w2","ipam":{"type":"host-local","subnet":"10.25.0.0/24","dataDir":"%s"}}\n' "$IPAM" >"$CONF/w2.conf"
netconf m '"defaultDelegates":"w1,w2"' >"$T/ncw"
RECORD_DIR=$T/rec RECORD_STORE=$STORE multus ADD wit1 eth0 /run/netns/s <"$T/ncw"
check "witnessed ADD succeeds" [ "$RC" -eq 0 ]
check "the first delegate got its config with the entry in place (generation 1)" [ "$(cat "$T/rec/eth0.ADD.bridge.entry")" = "entry 1" ]
check "the second too" [ "$(cat "$T/rec/eth1.ADD.bridge.entry")" = "entry 1" ]
check "no temporary file left behind" sh -c "! ls -A '$STORE' | grep -q '^\.wit1\.json\.'"
multus DEL wit1 eth0 /run/netns/s <"$T/ncw"
check "witnessed DEL succeeds" sh -c "[ $RC -eq 0 ] && [ ! -e '$STORE/wit1.json' ]"

# ADD's progress between delegates goes to the journal (.ID.journal, appended), not to
# renames over the entry: a 3-network ADD renames twice (the first write, the entry after the
# last delegate) and leaves no journal; DEL renames never when all goes well.
renames() { # CMD ID: the rename calls of multus's own process
	CNI_COMMAND=$1 CNI_CONTAINERID=$2 CNI_IFNAME=eth0 CNI_NETNS=/run/netns/s CNI_PATH=$CNI_PATH_TEST \
		strace -f -qq -e trace=execve,rename,renameat,renameat2 -o "$T/strace" "$MULTUS" \
		<"$T/nc3" >"$T/out" 2>"$T/err"
	RC=$?
	pid=$(grep -m1 "execve(\"$MULTUS\"" "$T/strace" | cut -d' ' -f1)
	awk -v p="$pid" '$1 == p && $2 ~ /^rename/' "$T/strace" | wc -l
}
n=$(renames ADD jr1)
check "3-network ADD: two renames of the entry, not four (got $n)" sh -c "[ $RC -eq 0 ] && [ $n -eq 2 ]"
check "3-network ADD: the journal is gone, the entry has every result" sh -c "[ ! -e '$STORE/.jr1.journal' ] && jq -e '[.attachments[].state] == [\"added\",\"added\",\"added\"] and .generation == 4' '$STORE/jr1.json' >/dev/null"
n=$(renames DEL jr1)
check "3-network DEL: no rename (got $n), nothing left" sh -c "[ $RC -eq 0 ] && [ $n -eq 0 ] && [ -z \"\$(ls -A '$STORE')\" ]"

# multus killed while the third delegate runs: the entry on disk still says what the first
# write said, the journal holds the two done (with the links a leaky delegate made), and the
# runtime's DEL reads it: the link the leaky delegate's DEL leaves is swept, nothing is left.
printf '{"cniVersion":"1.0.0","name":"leaks","type":"leaky","inner":"bridge","bridge":"br-sl","ipam":{"type":"host-local","subnet":"10.24.0.0/24","dataDir":"%s"}}\n' "$IPAM" >"$CONF/leaks.conf"
printf '{"cniVersion":"1.0.0","name":"slow-net","type":"slowpoke"}\n' >"$CONF/slow-net.conf"
netconf m '"defaultDelegates":"good,leaks,slow-net"' >"$T/ncj"
CNI_COMMAND=ADD CNI_CONTAINERID=jk1 CNI_IFNAME=eth0 CNI_NETNS=/run/netns/s CNI_PATH=$CNI_PATH_TEST \
	"$MULTUS" <"$T/ncj" >"$T/out" 2>"$T/err" &
pid=$!
i=0
while ! pgrep_here -x -f "sleep 997" >/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "killed mid-ADD: the entry is still its first write" jq -e '.generation == 1 and ([.attachments[].state] | all(. == "planned"))' "$STORE/jk1.json"
check "killed mid-ADD: the journal's last record has the two networks done" sh -c "tail -n 1 '$STORE/.jk1.journal' | jq -e '.generation == 3 and [.attachments[].state] == [\"added\",\"added\",\"planned\"] and (.attachments[1].links | map(.name) | index(\"eth1\") != null)' >/dev/null"
kill -KILL $pid
wait $pid 2>/dev/null
check "killed mid-ADD: eth1 (the leaky network) is there" has_link s eth1
multus DEL jk1 eth0 /run/netns/s <"$T/ncj"
check "killed mid-ADD: DEL succeeds" [ "$RC" -eq 0 ]
check "killed mid-ADD: the leaky delegate's link was swept (its ownership came from the journal)" sh -c "! ip netns exec s ip link show eth1 >/dev/null 2>&1 && [ \$(ip netns exec s ip -o link | wc -l) -eq 1 ]"
check "killed mid-ADD: no entry, journal, lock or lease left" sh -c "[ -z \"\$(ls -A '$STORE')\" ] && [ $(ipam_count good) -eq 0 ] && [ $(ipam_count leaks) -eq 0 ]"
pkill --ns $$ --nslist net -x -f "sleep 997" 2>/dev/null

# A read-only cniDir: DEL still tears the pod down, and says what it could not record.
mount --bind "$STORE" "$STORE"
netconf m '"defaultDelegates":"good"' >"$T/nc"
multus ADD ro1 eth0 /run/netns/s <"$T/nc"
check "read-only: ADD before the remount succeeds" [ "$RC" -eq 0 ]
multus ADD ro2 eth1 /run/netns/s <"$T/nc"
check "read-only: a second pod interface with its own lease" sh -c "[ $RC -eq 0 ] && [ $(ipam_count good) -eq 2 ]"
rm -f "$STORE/ro2.lock" # a store whose lock file is gone too
mount -o remount,bind,ro "$STORE"
check "read-only: the store really is read-only" sh -c "! touch '$STORE/x' 2>/dev/null"
multus DEL ro1 eth0 /run/netns/s <"$T/nc"
check "read-only: DEL reports an error" [ "$RC" -ne 0 ]
check "read-only: the error names what it could not record" jq_out ".msg | contains(\"$STORE/ro1.json\") and contains(\"Read-only file system\") and contains(\"torn down\")"
check "read-only: eth0 is gone from the pod" sh -c '! ip netns exec s ip link show eth0 2>/dev/null'
check "read-only: the entry is still there" [ -e "$STORE/ro1.json" ]
multus DEL ro2 eth1 /run/netns/s <"$T/nc"
check "read-only without a lock file: DEL tears down too" sh -c "[ $RC -ne 0 ] && ! ip netns exec s ip link show eth1 2>/dev/null"
check "read-only without a lock file: it says it had no lock" grep -q "DEL without the container's lock" "$T/err"
check "read-only: the host-local leases are gone" [ "$(ipam_count good)" -eq 0 ]
printf '{"cniVersion":"1.0.0","name":"rec","type":"counter","inner":"bridge","bridge":"br-s4","ipam":{"type":"host-local","subnet":"10.24.0.0/24","dataDir":"%s"}}\n' "$IPAM" >"$CONF/rec.conf"
netconf m '"defaultDelegates":"rec"' >"$T/ncr"
rm -f "$T/calls"
COUNTER_LOG=$T/calls multus ADD ro3 eth0 /run/netns/s <"$T/ncr"
check "read-only: ADD fails, naming what it cannot write" sh -c "[ $RC -ne 0 ] && jq -e '.msg | contains(\"$STORE/ro3.\") and contains(\"Read-only file system\")' '$T/out' >/dev/null"
check "read-only: ADD ran no delegate" sh -c "! grep -q ADD '$T/calls' 2>/dev/null"
check "read-only: ADD left nothing in the pod but lo" [ "$(ip netns exec s ip -o link | wc -l)" -eq 1 ]
mount -o remount,bind,rw "$STORE"
multus DEL ro1 eth0 /run/netns/s <"$T/nc"
check "read-only: the runtime's retry, once writable, succeeds and clears the entry" sh -c "[ $RC -eq 0 ] && [ ! -e '$STORE/ro1.json' ] && [ ! -e '$STORE/ro1.lock' ]"
multus DEL ro2 eth1 /run/netns/s <"$T/nc"
check "read-only: the second retry too" sh -c "[ $RC -eq 0 ] && [ ! -e '$STORE/ro2.json' ]"
umount "$STORE"

# A full cniDir: ADD fails before any delegate runs, and leaves nothing in the pod.
FULL=$T/full
mkdir -p "$FULL"
mount -t tmpfs -o size=64k,mode=0700 tmpfs "$FULL"
dd if=/dev/zero of="$FULL/fill" bs=4096 2>/dev/null
check "full: the store really is full" sh -c "! echo x >'$FULL/probe' 2>/dev/null || ! [ -s '$FULL/probe' ]"
rm -f "$FULL/probe"
printf '{"cniVersion":"1.0.0","name":"m","type":"multus","confDir":"%s","cniDir":"%s","binDir":"%s","defaultDelegates":"rec"}' \
	"$CONF" "$FULL" "$PLUGINS" >"$T/ncf"
rm -f "$T/calls"
COUNTER_LOG=$T/calls multus ADD full1 eth0 /run/netns/s <"$T/ncf"
check "full: ADD fails" [ "$RC" -ne 0 ]
check "full: the error says the store is full" jq_out '.msg | contains("No space left on device") and contains("full1.json")'
check "full: no delegate ran" sh -c "! grep -q ADD '$T/calls' 2>/dev/null"
check "full: nothing in the pod but lo" [ "$(ip netns exec s ip -o link | wc -l)" -eq 1 ]
check "full: no entry, lock or temporary file left" [ "$(ls -A "$FULL")" = fill ]
COUNTER_LOG=$T/calls multus DEL full1 eth0 /run/netns/s <"$T/ncf"
check "full: a later DEL succeeds" [ "$RC" -eq 0 ]
umount "$FULL"

ip netns del s
done_testing
