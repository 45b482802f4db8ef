#!/bin/bash
# freeze/thaw: nothing runs while frozen; thaw puts everything back.
. "$(dirname "$0")/../lib.sh"

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
cg2() { grep '^0::' "/proc/$1/cgroup"; }

# still: the process used no CPU over half a second
still() {
	a=$(cpu_ticks "$1"); sleep 0.5; b=$(cpu_ticks "$1")
	[ "$a" = "$b" ] || { echo "ran while frozen: $a -> $b" >&2; return 1; }
}
spinning() {
	a=$(cpu_ticks "$1"); sleep 0.5; b=$(cpu_ticks "$1")
	[ "$a" != "$b" ] || { echo "did not run: $a" >&2; return 1; }
}

have_v2=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
have_v1=$(awk '$9 == "cgroup" && $NF ~ /freezer/ { print $5; exit }' /proc/self/mountinfo)

fixture_start SPIN bash -c 'while :; do :; done'

if [ -n "$have_v2" ]; then
test_expect_success 'cgroup v2: frozen, confirmed, still; thaw puts it back' '
	before=$(cg2 $SPIN) &&
	"$STRANGER" freeze "$SPIN" >"$TMP/out" &&
	grep -q "^froze $SPIN by cgroup-v2" "$TMP/out" &&
	grep -q "^undo: stranger thaw $SPIN$" "$TMP/out" &&
	grep -q "frozen 1" "$have_v2/stranger.freeze.$SPIN/cgroup.events" &&
	still "$SPIN" &&
	grep -q "^State:.S" /proc/$SPIN/status &&
	"$STRANGER" thaw "$SPIN" >"$TMP/thaw" &&
	grep -q "^thawed $SPIN by cgroup-v2: 1 process" "$TMP/thaw" &&
	test "$(cg2 $SPIN)" = "$before" &&
	! test -e "$have_v2/stranger.freeze.$SPIN" &&
	spinning "$SPIN"
'
else
test_skip 'cgroup v2 freeze' 'no cgroup2 mount'
fi

if [ -n "$have_v1" ]; then
test_expect_success 'cgroup v1 freezer: frozen, still, thawed back' '
	before=$(grep ":freezer:" /proc/$SPIN/cgroup) &&
	"$STRANGER" freeze --method=cgroup-v1 "$SPIN" >"$TMP/out" &&
	grep -q "^froze $SPIN by cgroup-v1" "$TMP/out" &&
	still "$SPIN" &&
	"$STRANGER" thaw "$SPIN" &&
	test "$(grep ":freezer:" /proc/$SPIN/cgroup)" = "$before" &&
	spinning "$SPIN"
'
else
test_skip 'cgroup v1 freeze' 'no v1 freezer hierarchy'
fi

test_expect_success 'signal method: every thread stopped, SIGCONT thaws' '
	"$STRANGER" freeze --method=signal "$SPIN" >"$TMP/out" &&
	grep -q "^froze $SPIN by signal" "$TMP/out" &&
	grep -q "^State:.T" /proc/$SPIN/status &&
	still "$SPIN" &&
	"$STRANGER" thaw "$SPIN" &&
	spinning "$SPIN"
'

test_expect_success '--tree freezes the descendants too' '
	fixture_start TREE bash -c "bash -c \"while :; do :; done\" & while :; do :; done" &&
	sleep 0.3 &&
	child=$(pgrep -P "$TREE" | head -n 1) &&
	test -n "$child" &&
	fixture_adopt "$child" &&
	"$STRANGER" freeze --tree "$TREE" >"$TMP/out" &&
	grep -q "also froze descendant $child" "$TMP/out" &&
	still "$TREE" && still "$child" &&
	"$STRANGER" thaw "$TREE" &&
	spinning "$TREE" && spinning "$child"
'

test_expect_success 'a process that exits while frozen: thaw says so and cleans up' '
	fixture_start GONE sleep 600 &&
	"$STRANGER" freeze "$GONE" >/dev/null &&
	kill -KILL "$GONE" && sleep 0.3 &&
	"$STRANGER" thaw "$GONE" >"$TMP/out" &&
	grep -q "1 exited while frozen" "$TMP/out" &&
	! ls -d /sys/fs/cgroup/*/stranger.freeze.$GONE 2>/dev/null
'

test_expect_success 'freezing twice is refused' '
	"$STRANGER" freeze "$SPIN" >/dev/null &&
	test_expect_code 2 "$STRANGER" freeze "$SPIN" 2>"$TMP/err" &&
	grep -q "already frozen" "$TMP/err" &&
	"$STRANGER" thaw "$SPIN" >/dev/null
'

test_expect_success 'refuses PID 1, itself, its parents, kernel threads' '
	test_expect_code 2 "$STRANGER" freeze 1 2>"$TMP/e1" && grep -q "PID 1" "$TMP/e1" &&
	test_expect_code 2 "$STRANGER" freeze $$ 2>"$TMP/e2" && grep -q "itself" "$TMP/e2" &&
	test_expect_code 2 "$STRANGER" freeze 2 2>"$TMP/e3" && grep -q "kernel thread" "$TMP/e3"
'

test_expect_success 'bad PIDs: one line, exit 2' '
	test_expect_code 2 "$STRANGER" freeze 999999999 2>"$TMP/e" &&
	test $(wc -l <"$TMP/e") = 1 &&
	test_expect_code 2 "$STRANGER" freeze "-5" 2>/dev/null &&
	test_expect_code 2 "$STRANGER" thaw "$SPIN" 2>"$TMP/e4" &&
	grep -q "not frozen by stranger" "$TMP/e4" &&
	test_expect_code 2 "$STRANGER" freeze --method=bogus "$SPIN" 2>/dev/null
'

test_done
