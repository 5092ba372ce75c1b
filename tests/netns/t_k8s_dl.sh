#!/bin/sh
# Issue 9 point 1: libcurl is loaded on first use. The binary does not link it; only an ADD that
# reads a pod maps it (LD_DEBUG=libs shows what the loader loads); with libcurl hidden, that ADD
# fails with code 102 naming libcurl.so.4 and every other command still works.
# Issue 7 point 1: the sockets libcurl makes are close-on-exec (a delegate looks at the fds of
# its parent while multus runs it, with the API connection open).
. "$SRC/tests/netns/lib.sh"
setup_dirs
. "$SRC/tests/netns/k8s_lib.sh"
export PLUGINS PARENTFDS_LOG=$T/parentfds

TLS_LIBS='libcurl|libssl|libcrypto|libgnutls|libnghttp2|libssh|libldap|libkrb5|libgssapi'
check "readelf -d: the binary needs libmnl (readelf works)" sh -c "readelf -d '$MULTUS' | grep NEEDED | grep -q libmnl"
check "readelf -d: no libcurl or TLS library among the binary's DT_NEEDED" sh -c \
	"! readelf -d '$MULTUS' | grep NEEDED | grep -Eq '$TLS_LIBS'"

check "API server starts" api_start
ip netns add pod
printf '{"cniVersion":"1.0.0","name":"spied","type":"parentfds","inner":"bridge","bridge":"br-d","isGateway":true,"ipam":{"type":"host-local","subnet":"10.41.0.0/24","dataDir":"%s"}}\n' "$IPAM" >"$CONF/spied.conf"
netconf m '"kubeconfig":"'"$API/kubeconfig"'","defaultDelegates":"spied"' 1.1.0 >"$T/nc"
pod default web
A=$(kargs default web)

# run CMD ID CNI_ARGS: multus with the loader's log (LD_DEBUG=libs) in $T/ld/, stdout in
# $T/out, status in $RC. mapped: the loader's log names a libcurl or TLS library.
run() {
	rm -rf "$T/ld" && mkdir "$T/ld"
	CNI_COMMAND=$1 CNI_CONTAINERID=$2 CNI_IFNAME=eth0 CNI_NETNS=/run/netns/pod CNI_ARGS=$3 \
		CNI_PATH=$CNI_PATH_TEST LD_DEBUG=libs LD_DEBUG_OUTPUT=$T/ld/log "$MULTUS" <"${4:-$T/nc}" >"$T/out" 2>"$T/err"
	RC=$?
	[ "$1" != ADD ] || [ $RC -ne 0 ] || cp "$T/out" "$T/result-$2"
}
# check_nc ID: the netconf with that ADD's result as prevResult, as the runtime passes it.
check_nc() { jq -c --slurpfile r "$T/result-$1" '.prevResult = $r[0]' "$T/nc" >"$T/nc.check-$1" && echo "$T/nc.check-$1"; }
# bare CMD [NETCONF]: the same for VERSION, GC and STATUS (no container, netns or ifname).
bare() {
	rm -rf "$T/ld" && mkdir "$T/ld"
	CNI_COMMAND=$1 CNI_PATH=$CNI_PATH_TEST LD_DEBUG=libs LD_DEBUG_OUTPUT=$T/ld/log "$MULTUS" \
		<"${2:-$T/nc}" >"$T/out" 2>"$T/err"
	RC=$?
}
mapped() { cat "$T"/ld/log.* | grep -Eq "calling init: .*($TLS_LIBS)"; }
worked_unmapped() { [ "$RC" -eq 0 ] && [ -n "$(ls "$T/ld")" ] && ! mapped; }

run ADD d1 "$A"
check "ADD with a pod: works" [ "$RC" -eq 0 ]
check "ADD with a pod: the server saw the pod GET" grep -q '"GET", "path": "/api/v1/namespaces/default/pods/web", "status": 200' "$API/requests.log"
check "ADD with a pod: libcurl was loaded (the loader's log names it)" mapped
check "ADD with a pod: the delegate saw 3 or more sockets of multus (the API connection, curl's socketpair, rtnetlink)" \
	[ "$(wc -l <"$PARENTFDS_LOG")" -ge 3 ]
check "ADD with a pod: every one of them is close-on-exec" sh -c "! grep -v ' 1\$' '$PARENTFDS_LOG'"
run CHECK d1 "$A" "$(check_nc d1)"
check "CHECK: works, no libcurl or TLS library loaded" worked_unmapped
run DEL d1 "$A"
check "DEL: works, no libcurl or TLS library loaded" worked_unmapped
check "DEL: the store entry is gone" [ ! -e "$STORE/d1.json" ]
run ADD d2 "IgnoreUnknown=1;K8S_POD_NAME=web"
check "ADD without pod names: works, no libcurl or TLS library loaded" worked_unmapped
run DEL d2 "IgnoreUnknown=1;K8S_POD_NAME=web"
bare VERSION
check "VERSION: works, no libcurl loaded" worked_unmapped
netconf m '"kubeconfig":"'"$API/kubeconfig"'","defaultDelegates":"spied","cni.dev/valid-attachments":[]' 1.1.0 >"$T/gc"
bare GC "$T/gc"
check "GC: works, no libcurl loaded" worked_unmapped
bare STATUS
check "STATUS: works, no libcurl loaded" worked_unmapped
rm -rf "$T/ld" && mkdir "$T/ld"
LD_DEBUG=libs LD_DEBUG_OUTPUT=$T/ld/log "$MULTUS" --verify /run/netns/pod --cni-dir "$STORE" >"$T/out" 2>&1
RC=$?
check "--verify: runs ($RC), no libcurl loaded" sh -c "[ -s '$T/out' ] && [ -n \"\$(ls '$T/ld')\" ] && ! cat '$T'/ld/log.* | grep -Eq 'calling init: .*($TLS_LIBS)'"

# The flavour: GnuTLS's first (cheaper, see src/k8s/curl_dl.h), OpenSSL's when that is missing.
run ADD f1 "$A"
check "flavour: libcurl-gnutls.so.4 is the one loaded" sh -c "[ $RC -eq 0 ] && cat '$T'/ld/log.* | grep -q 'calling init: .*/libcurl-gnutls.so.4'"
run DEL f1 "$A"
gnutls=$(ldconfig -p | awk '$1 == "libcurl-gnutls.so.4" { print $NF }' | xargs -r readlink -f | sort -u)
for f in $gnutls; do mount --bind /dev/null "$f"; done
run ADD f2 "$A"
check "flavour: without libcurl-gnutls.so.4, libcurl.so.4 (OpenSSL) is loaded and ADD works" sh -c \
	"[ $RC -eq 0 ] && cat '$T'/ld/log.* | grep -q 'calling init: .*/libcurl.so.4' && ! cat '$T'/ld/log.* | grep -q 'calling init: .*/libcurl-gnutls'"
run DEL f2 "$A"
for f in $gnutls; do umount "$f"; done

# libcurl hidden from the loader (this test's private mount namespace): every libcurl*.so.4.
hidden=$(ldconfig -p | awk '$1 ~ /^libcurl.*\.so\.4$/ { print $NF }' | xargs -r readlink -f | sort -u)
check "libcurl found to hide" [ -n "$hidden" ]
for f in $hidden; do mount --bind /dev/null "$f"; done
n0=$(wc -l <"$API/requests.log")
run ADD h1 "$A"
check "libcurl missing: ADD with a pod fails with code 102" sh -c "[ $RC -ne 0 ] && jq -e '.code == 102' '$T/out'"
check "libcurl missing: the message names libcurl.so.4" jq_out '.msg | contains("libcurl.so.4")'
check "libcurl missing: nothing attached, no store entry, no request" sh -c \
	"[ \$(ip netns exec pod ip -o link | wc -l) -eq 1 ] && [ ! -e '$STORE/h1.json' ] && [ \$(wc -l <'$API/requests.log') = $n0 ]"
run ADD h2 "IgnoreUnknown=1;K8S_POD_NAME=web"
check "libcurl missing: ADD without pod names works" [ "$RC" -eq 0 ]
run CHECK h2 "IgnoreUnknown=1;K8S_POD_NAME=web" "$(check_nc h2)"
check "libcurl missing: CHECK works" [ "$RC" -eq 0 ]
run DEL h2 "IgnoreUnknown=1;K8S_POD_NAME=web"
check "libcurl missing: DEL works" sh -c "[ $RC -eq 0 ] && [ \$(ip netns exec pod ip -o link | wc -l) -eq 1 ]"
for f in $hidden; do umount "$f"; done
run ADD h3 "$A"
check "libcurl back: ADD with a pod works again" [ "$RC" -eq 0 ]
run DEL h3 "$A"

api_stop
done_testing
