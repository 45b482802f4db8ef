#!/bin/bash
# sandbox limits: tasks, memory and time end a program that would not
# stop; an interrupted sandbox leaves nothing frozen, mounted or grouped.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/sandbox-lib.sh"

test_expect_success 'a fork bomb is stopped by the task limit' '
	test_expect_code 137 "$STRANGER" sandbox --net=none --timeout 20 --pids 40 -o "$TMP/fork" -- "$SB/escapee" forkbomb >/dev/null &&
	grep -q "^forkbomb: [0-9]* children, then EAGAIN" "$TMP/fork/stdout.txt" &&
	grep -q "tasks peak 40 of 40 ([1-9][0-9]* forks refused)" "$TMP/fork/report.txt" &&
	no_sandbox_left
'

test_expect_success 'allocating without end is stopped by the memory limit' '
	test_expect_code 137 "$STRANGER" sandbox --net=none --timeout 20 --memory 48M -o "$TMP/mem" -- "$SB/escapee" alloc >/dev/null &&
	grep -q "^ended: *killed by SIGKILL (out of memory: 1 OOM kill)" "$TMP/mem/report.txt" &&
	python3 -c "import json,sys; r=json.load(open(sys.argv[1]))[\"runs\"][0]; assert r[\"end\"]==\"oom\" and r[\"oom_kills\"]>=1 and r[\"memory_peak\"]<=48<<20" "$TMP/mem/report.json"
'

test_expect_success 'a loop without end: frozen and killed at the timeout, reported' '
	test_expect_code 124 "$STRANGER" sandbox --net=none --timeout 1 -o "$TMP/spin" -- "$SB/escapee" spin >"$TMP/out" &&
	grep -q "^run 1: timeout: frozen and killed after 1\." "$TMP/out" &&
	grep -q "^frozen: *2 processes at the end" "$TMP/spin/report.txt" &&
	! pgrep -f "^$SB/escapee spin" &&
	no_sandbox_left
'

test_expect_success 'Ctrl-C in the middle: one line, 130, nothing left' '
	"$STRANGER" sandbox --net=none -o "$TMP/int" -- "$SB/escapee" spin >"$TMP/int.out" 2>"$TMP/int.err" &
	sb=$! &&
	i=0 && while ! grep -q "^spin: spinning" "$TMP/int/stdout.txt" 2>/dev/null && ! pgrep -f "^$SB/escapee spin" >/dev/null; do
		i=$((i + 1)); test $i -lt 100; sleep 0.1
	done &&
	sleep 0.3 &&
	kill -INT $sb &&
	set +e && wait $sb; rc=$? && set -e &&
	test $rc = 130 &&
	test "$(wc -l <"$TMP/int.err")" = 1 &&
	grep -q "^stranger: sandbox: interrupted; the sandbox was killed and removed" "$TMP/int.err" &&
	! pgrep -f "^$SB/escapee spin" &&
	no_sandbox_left &&
	(cd "$TMP/int" && sha256sum -c --quiet manifest.sha256)
'

test_expect_success 'stranger killed outright: the sandbox dies with it, the next run sweeps its cgroups' '
	"$STRANGER" sandbox --net=none -o "$TMP/kill9" -- "$SB/escapee" spin >/dev/null 2>&1 &
	sb=$! &&
	i=0 && while ! pgrep -f "^$SB/escapee spin" >/dev/null; do
		i=$((i + 1)); test $i -lt 100; sleep 0.1
	done &&
	kill -KILL $sb && { wait $sb || true; } &&
	i=0 && while pgrep -f "^$SB/escapee spin" >/dev/null; do
		i=$((i + 1)); test $i -lt 50; sleep 0.1
	done &&
	"$STRANGER" sandbox --net=none -o "$TMP/after" -- /bin/true >/dev/null &&
	no_sandbox_left
'

test_done
