#!/bin/sh
# Installs the Debian packages that the build and the tests need, when any is missing.
set -eu
pkgs="build-essential pkg-config clang libclang-rt-14-dev libmnl-dev libnftnl-dev libjansson-dev
libcurl4-openssl-dev libcurl3-gnutls libyaml-dev libcmocka-dev containernetworking-plugins iproute2 nftables
iptables python3 python3-yaml python3-h2 openssl jq curl clang-format util-linux procps valgrind strace
libprotobuf-c-dev protobuf-c-compiler python3-grpcio python3-protobuf zlib1g-dev man-db groff-base
podman runc busybox-static containerd"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# podman ships /etc/cni/net.d/87-podman-bridge.conflist: kept out, the machine's /etc/cni is
# never touched (tests/runtime/podman_test.sh uses a network config dir of its own).
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends -o 'DPkg::Options::=--path-exclude=/etc/cni' \
	-o 'DPkg::Options::=--path-exclude=/etc/cni/*' $missing >/dev/null
