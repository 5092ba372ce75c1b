#!/bin/sh
# Issue 8, point 5: logOptions as upstream has them (maxSize MB, maxAge days, maxBackups,
# compress), with many multus processes writing one logFile: the file is rotated to
# multus-2006-01-02T15-04-05.000.log(.gz) beside it, old backups go, and no line is lost or
# split. (The many-writers stress with a tiny size is the unit test test_multus_logrotate.)
. "$SRC/tests/netns/lib.sh"
setup_dirs

L=$T/log
mkdir -p "$L"
LOG=$L/multus.log
# nc OPTIONS_JSON: a netconf logging to $LOG at debug with these logOptions.
nc() { netconf m '"defaultDelegates":"x","logFile":"'"$LOG"'","logLevel":"debug","logToStderr":false,"logOptions":'"$1"; }
ts() { date -u -d "$1" +%Y-%m-%dT%H-%M-%S.000; } # a backup's time part, as lumberjack's
backups() { ls "$L" | grep -E '^multus-[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}-[0-9]{2}-[0-9]{2}\.[0-9]{3}\.log(\.gz)?$'; }
# fill BYTES: the log holds exactly BYTES bytes of whole 9-byte "old line" lines.
fill() { yes 'old line' | head -c "$1" >"$LOG"; }
# every line of the log and of every backup (gunzipped), in no particular order
all_lines() { cat "$LOG"; for b in $(backups); do case $b in *.gz) zcat "$L/$b" ;; *) cat "$L/$b" ;; esac; done; }

# === one rotation, compressed; maxAge and maxBackups ===========================================
fill 1048572 # 1 MiB less 4 bytes: the next line does not fit in maxSize 1
# The names are taken once: computed again at check time, a second passing under load would
# name another file.
d10=$(ts '10 days ago') d6=$(ts '6 days ago') d1=$(ts '1 day ago') d2=$(ts '2 days ago') d3=$(ts '3 days ago')
printf 'ten days old\n' | gzip >"$L/multus-$d10.log.gz"
printf 'six days old\n' >"$L/multus-$d6.log"
printf 'one day old\n' >"$L/multus-$d1.log"
printf 'two days old\n' >"$L/multus-$d2.log"
printf 'three days old\n' >"$L/multus-$d3.log"
printf 'keep\n' >"$L/multus.txt"
sum=$(sha256sum <"$LOG")
nc '{"maxSize":1,"maxAge":5,"maxBackups":3,"compress":true}' >"$T/nc"
multus DEL r1 eth0 /run/netns/nope "" <"$T/nc"
backups | sort >"$T/bk"
check "DEL with logOptions succeeds" [ "$RC" -eq 0 ]
check "the log is a new file with only this DEL's lines" sh -c "[ \$(wc -l <'$LOG') -eq 2 ] && grep -q '\[r1\] DEL: no store entry' '$LOG' && ! grep -q 'old line' '$LOG'"
new=$(tail -n 1 "$T/bk")
check "the full log became a backup named multus-<now, UTC>.log.gz ($new)" sh -c "echo '$new' | grep -q '^multus-$(date -u +%Y-%m-%dT)[0-9-]*\.[0-9]\{3\}\.log\.gz$'"
check "the backup is gzip and holds the old log byte for byte" sh -c "[ \"\$(zcat '$L/$new' | sha256sum)\" = '$sum' ]"
check "maxAge 5: the 10 and 6 days old backups are gone" sh -c "! grep -q -e '$(echo "$d10" | cut -c1-10)' -e '$(echo "$d6" | cut -c1-10)' '$T/bk'"
check "maxBackups 3: the 3 newest are kept (now, 1 and 2 days), the 3 days old one removed" sh -c "[ \"\$(tr '\n' ' ' <'$T/bk')\" = 'multus-$d2.log.gz multus-$d1.log.gz $new ' ]"
check "compress: the kept older backups were gzip'd, their text intact" sh -c "[ \"\$(zcat '$L/multus-$d1.log.gz')\" = 'one day old' ] && [ ! -e '$L/multus-$d1.log' ]"
check "nothing else touched or left behind (multus.txt, the lock file, no .tmp)" sh -c "[ -e '$L/multus.txt' ] && [ -e '$LOG.lock' ] && ! ls '$L' | grep -q tmp"
check "the log and its backups are 0600" sh -c "[ \$(stat -c %a '$LOG') = 600 ] && [ \$(stat -c %a '$L/$new') = 600 ]"

# === no logOptions: upstream's defaults (100 MB), so a 1 MiB log is not rotated ================
rm -f "$L"/multus*
fill 1048572
netconf m '"defaultDelegates":"x","logFile":"'"$LOG"'","logLevel":"debug","logToStderr":false' >"$T/nc.def"
multus DEL d1 eth0 /run/netns/nope "" <"$T/nc.def"
check "defaults: no rotation below 100 MB, the lines appended" sh -c "[ $RC -eq 0 ] && [ \$(ls '$L' | grep -c '^multus-') -eq 0 ] && [ \$(grep -c 'old line' '$LOG') -eq 116508 ] && grep -q '\[d1\]' '$LOG'"

# === many multus processes across one rotation =================================================
# The log is 112 bytes short of 1 MiB: one of 24 concurrent DELs rotates it while the others
# write. Each DEL writes 2 lines; all 48 must be found once, whole.
rm -f "$L"/multus*
fill 1048464
nc '{"maxSize":1,"compress":true,"maxBackups":0,"maxAge":0}' >"$T/nc.many"
pids=""
for i in $(seq 1 24); do
	CNI_COMMAND=DEL CNI_CONTAINERID=p$i CNI_IFNAME=eth0 CNI_NETNS=/run/netns/nope \
		CNI_PATH=$CNI_PATH_TEST "$MULTUS" <"$T/nc.many" >/dev/null 2>&1 &
	pids="$pids $!"
done
fails=0
for p in $pids; do wait "$p" || fails=$((fails + 1)); done
all_lines >"$T/all"
backups >"$T/bk"
check "24 concurrent DELs all succeed" [ "$fails" -eq 0 ]
check "exactly one rotation: one .gz backup, no plain one" sh -c "[ \$(grep -c '\.gz\$' '$T/bk') -eq 1 ] && [ \$(wc -l <'$T/bk') -eq 1 ]"
check "every old line is kept once (116496 of them)" [ "$(grep -c -x 'old line' "$T/all")" -eq 116496 ]
check "each DEL's 2 lines are there, once each" sh -c "for i in \$(seq 1 24); do [ \$(grep -c \"\\[p\$i\\] \" '$T/all') -eq 2 ] || { echo p\$i; exit 1; }; done"
check "48 + 116496 lines in all, none split or mixed" sh -c "[ \$(wc -l <'$T/all') -eq 116544 ] && ! grep -v -x 'old line' '$T/all' | grep -v -q -E -x '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]{15}Z (debug|verbose) \[p[0-9]+\] DEL: (netconf m, netns /run/netns/nope, ifname eth0|no store entry, nothing to do)'"
check "the backup went at most a line per writer past 1 MiB" sh -c "[ \$(zcat '$L'/*.gz | wc -c) -le \$((1048576 + 24 * 120)) ] && [ \$(zcat '$L'/*.gz | wc -c) -ge 1048464 ]"

# === wrong types are code 7, naming the key =====================================================
for bad in '{"maxSize":"1"}' '{"maxAge":1.5}' '{"compress":"yes"}' '[1]'; do
	nc "$bad" >"$T/nc.bad"
	multus DEL b1 eth0 /run/netns/nope "" <"$T/nc.bad"
	key=$(printf '%s' "$bad" | jq -r 'if type == "object" then "logOptions." + (keys[0]) else "logOptions" end')
	check "logOptions $bad: code 7 naming $key" sh -c "[ $RC -ne 0 ] && jq -e --arg k '\"$key\"' '.code == 7 and (.msg | contains(\$k))' '$T/out'"
done

done_testing
