#!/bin/sh
# scripts/fuzz.sh DIR - run every fuzz harness built in DIR/fuzz for
# FUZZ_SECONDS seconds each (default 5), seeded from tests/fuzz/corpus/NAME
# when it exists.  Exit 1 if any harness finds a crash.
DIR=${1:-build/fuzz}
secs=${FUZZ_SECONDS:-5}
rc=0
for h in "$DIR"/fuzz/fuzz_*; do
	[ -x "$h" ] || continue
	name=$(basename "$h")
	work=$(mktemp -d)
	seeds="tests/fuzz/corpus/$name"
	[ -d "$seeds" ] || seeds=
	if "$h" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$work/" "$work" $seeds >"$work/log" 2>&1; then
		echo "fuzz $name: ok ($(grep -o 'Done [0-9]* runs' "$work/log" | head -n 1))"
	else
		echo "fuzz $name: FAILED"
		tail -n 40 "$work/log"
		rc=1
	fi
	rm -rf "$work"
done
exit $rc
