#!/bin/sh
# make install: DESTDIR, PREFIX and CNI_BIN_DIR honoured; the binary installed is the build's;
# multus(8) under PREFIX/share/man/man8, readable by man.
set -u
cd "$(dirname "$0")/.."
pass=0 fail=0
t() { if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "not ok - $*"; fi; }
d=$(mktemp -d /tmp/multus-install.XXXXXX)
trap 'rm -rf "$d"' EXIT
make -s install DESTDIR="$d/a" >/dev/null
t [ -x "$d/a/opt/cni/bin/multus" ]
t cmp -s build/multus "$d/a/opt/cni/bin/multus"
t [ "$(stat -c %a "$d/a/opt/cni/bin/multus")" = 755 ]
t [ -f "$d/a/usr/share/doc/multus/README.md" ]
t [ -f "$d/a/usr/share/doc/multus/README.zh.md" ]
# multus(8): installed as the source is, and man reads it there without a warning.
man8=$d/a/usr/share/man/man8/multus.8
t [ -f "$man8" ]
t cmp -s doc/multus.8 "$man8"
t [ "$(stat -c %a "$man8")" = 644 ]
t sh -c "MANWIDTH=80 man -l '$man8' 2>/dev/null | grep -q '^MULTUS(8)'"
t sh -c "MANWIDTH=80 man -l '$man8' 2>/dev/null | grep -q '^SYNOPSIS'"
t sh -c "[ -z \"\$(MANWIDTH=80 man --warnings -l '$man8' 2>&1 >/dev/null)\" ]"
make -s install DESTDIR="$d/b" PREFIX=/usr/local CNI_BIN_DIR=/usr/libexec/cni >/dev/null
t [ -x "$d/b/usr/libexec/cni/multus" ]
t [ -f "$d/b/usr/local/share/doc/multus/README.md" ]
t [ -f "$d/b/usr/local/share/man/man8/multus.8" ]
t [ ! -e "$d/b/usr/share" ]
t [ ! -e "$d/b/opt" ]
t sh -c "'$d/a/opt/cni/bin/multus' --version | grep -q '^multus '"
echo "install: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
