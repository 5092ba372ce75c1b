#!/bin/sh
# Issue 12, points 2-4: multus(8) renders without warnings and has its sections; each command's
# --help lists the flags and defaults that the man page lists; README.md, README.zh.md and the
# man page name the same netconf keys and annotations (tests/docs/check_docs.py). Closes with
# "docs: N passed, N failed".
set -u
cd "$(dirname "$0")/.."
MULTUS=${1:-$PWD/build/multus}
if ! command -v man >/dev/null 2>&1 || ! command -v groff >/dev/null 2>&1; then
	echo "docs: man-db and groff are missing (sh tests/deps.sh installs them)"
	echo "docs: 0 passed, 1 failed"
	exit 1
fi
exec python3 tests/docs/check_docs.py "$MULTUS" doc/multus.8
