#!/bin/sh
# Runs every libFuzzer target for SECONDS over its kept corpus (tests/fuzz/corpus/NAME).
# New inputs go to a scratch folder, so the kept corpus only changes by hand.
set -u
secs=$1
shift
failed=0 passed=0
for bin in "$@"; do
	name=$(basename "$bin")
	seed="tests/fuzz/corpus/$name"
	scratch=$(mktemp -d)
	mkdir -p "$seed"
	if "$bin" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -print_final_stats=0 \
		-artifact_prefix="build-fuzz/$name-" "$scratch" "$seed" >"build-fuzz/$name.log" 2>&1; then
		echo "fuzz: $name ok ($(grep -c . "build-fuzz/$name.log") log lines)"
		passed=$((passed + 1))
	else
		echo "fuzz: $name FAILED"
		tail -n 30 "build-fuzz/$name.log"
		failed=$((failed + 1))
	fi
	rm -rf "$scratch"
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
