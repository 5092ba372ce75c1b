#!/bin/sh
# Every test, in the order CI wants them: the README's test command runs this.
#   format gate, strict build, unit tests, netns tests, the test API server and client tests,
#   the kubelet device lookup against the fake kubelet, make install, the man page and READMEs
#   against --help and each other,
#   fuzz smoke runs over the kept corpora, podman and containerd running multus (tests/runtime), the docker
#   image, then unit and netns tests again on an ASan+UBSan build. Closes with one
#   "N passed, N failed" line; exits non-zero when anything failed.
set -u
cd "$(dirname "$0")/.."
sh tests/deps.sh || { echo "check: installing dependencies failed"; exit 1; }
total_pass=0 total_fail=0 failed_suites=""
log=$(mktemp -d /tmp/multus-check.XXXXXX)

# suite NAME COMMAND...: runs it, shows its output, adds up its closing "N passed, N failed".
suite() {
	name=$1
	shift
	echo "=== $name: $*"
	start=$(date +%s)
	"$@" >"$log/$name.out" 2>&1
	rc=$?
	cat "$log/$name.out"
	line=$(grep -E '(^|: )[0-9]+ passed, [0-9]+ failed' "$log/$name.out" | tail -n1)
	p=$(printf '%s' "$line" | sed -E 's/.*(^|: )([0-9]+) passed, ([0-9]+) failed.*/\2/')
	f=$(printf '%s' "$line" | sed -E 's/.*(^|: )([0-9]+) passed, ([0-9]+) failed.*/\3/')
	[ -n "$line" ] || { p=$([ "$rc" -eq 0 ] && echo 1 || echo 0); f=$([ "$rc" -eq 0 ] && echo 0 || echo 1); }
	[ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ] && f=1
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	[ "$f" -ne 0 ] && failed_suites="$failed_suites $name"
	echo "=== $name: $p passed, $f failed ($(($(date +%s) - start)) s)"
}

suite format make -s format-check
suite build make -s WERROR=1
suite unit make -s WERROR=1 unit
suite netns make -s WERROR=1 netns
suite apiserver sh tests/k8s/test_apiserver.sh
[ -f tests/k8s/test_client.sh ] && suite k8s-client sh tests/k8s/test_client.sh
suite kubelet sh tests/k8s/test_kubelet.sh
suite install sh tests/install_test.sh
suite docs make -s WERROR=1 docs
suite fuzz make -s fuzz-smoke
# podman (CNI backend) running multus for real, in private namespaces.
suite podman sh tests/runtime/podman_test.sh
# containerd's CRI plugin running multus, driven as the kubelet drives it (tests/runtime/cri.py).
suite containerd sh tests/runtime/containerd_test.sh
# make docker-build and the image on a fake node (starts docker.io if no engine answers).
suite docker sh tests/docker_test.sh
suite asan-unit make -s asan-unit
suite asan-netns make -s asan-netns
rm -rf "$log"
[ -n "$failed_suites" ] && echo "check: failing suites:$failed_suites"
echo "check: $total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
