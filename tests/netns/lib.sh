# Shared helpers for the netns tests (sourced). Each test file is run by run.sh inside its own
# fresh network and mount namespace (unshare -n -m) with a private /var/run/netns, so nothing
# here can touch the machine's own links, tables or /etc/cni.
#
# Variables set by run.sh: MULTUS (the binary), T (a fresh temp dir for this file),
# SRC (the checkout), PLUGINS (/usr/lib/cni), TESTBIN (our misbehaving delegates).

_pass=0
_fail=0
_n=0

ok() { _n=$((_n + 1)); _pass=$((_pass + 1)); echo "ok $_n - $*"; }
not_ok() { _n=$((_n + 1)); _fail=$((_fail + 1)); echo "not ok $_n - $*"; }
# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() {
	d=$1
	shift
	if "$@" >"$T/check.out" 2>&1; then ok "$d"; else not_ok "$d"; sed 's/^/#   /' "$T/check.out" | head -n 20; fi
}
# skip DESCRIPTION REASON
skip() { echo "skip - $1 ($2)"; }
# done_testing: prints this file's counts in the form run.sh adds up.
done_testing() {
	echo "file: $_pass passed, $_fail failed"
	[ "$_fail" -eq 0 ]
}
