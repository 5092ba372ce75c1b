#!/bin/sh
# Runs each cmocka unit test binary and closes with one summary line for CI.
set -u
passed=0 failed=0 failed_bins=""
for bin in "$@"; do
	out=$("$bin" 2>&1)
	rc=$?
	printf '%s\n' "$out" | grep -E '^\[  (FAILED|ERROR)|^\[  PASSED  \]' | sed "s|^|$(basename "$bin"): |"
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -n1)
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -n1)
	passed=$((passed + ${p:-0}))
	if [ "$rc" -ne 0 ] || [ -n "$f" ]; then
		failed=$((failed + ${f:-1}))
		failed_bins="$failed_bins $(basename "$bin")"
		printf '%s\n' "$out" | tail -n 40
	fi
done
[ -n "$failed_bins" ] && echo "unit: failing:$failed_bins"
echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
