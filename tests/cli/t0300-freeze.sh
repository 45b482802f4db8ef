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
	grep -q "^froze $TREE by .*: 2 processes ($TREE and 1 descendant)" "$TMP/out" &&
	test $(wc -l <"$TMP/out") = 2 &&
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
	test "$(cat "$TMP/err")" = "stranger: freeze: $SPIN: already frozen by stranger" &&
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

# --- interrupted freezes -------------------------------------------------
# the spinning fixtures are done with: they would only slow what follows
for p in $(cat "$test_pidfile"); do fixture_kill "$p"; done
# A tree of 120 sleepers; freeze is stopped after N moved processes by the
# test hook STRANGER_TEST_FREEZE_KILL=N:SIG (it signals itself there).
fixture_start BIG bash -c 'for i in $(seq 120); do sleep 1000 & done; wait'
# all 120 born before they are counted (and adopted, so cleanup ends them)
for i in $(seq 200); do [ "$(pgrep -c -P "$BIG")" -ge 120 ] && break; sleep 0.05; done
tree_pids() { echo "$BIG"; pgrep -P "$BIG"; }
for p in $(pgrep -P "$BIG"); do fixture_adopt "$p"; done

# proc_state PID, proc_cg PID: without a fork per process (bash builtins),
# so that checking 121 processes stays quick
proc_state() {
	while read -r k v _; do [ "$k" = State: ] && { echo "$v"; return; }; done <"/proc/$1/status"
}
proc_cg() {
	while read -r l; do
		case "$l" in *stranger.freeze*) echo "$l"; return ;; 0::*) c=$l ;; esac
	done <"/proc/$1/cgroup"
	echo "$c"
}
# untouched: no process stopped or in a freezer cgroup, no state left
untouched() {
	! test -e "/run/stranger/freeze/$BIG" || { echo "state left" >&2; return 1; }
	! ls -d /sys/fs/cgroup/stranger.freeze.$BIG /sys/fs/cgroup/*/stranger.freeze.$BIG 2>/dev/null ||
		{ echo "cgroup left" >&2; return 1; }
	for p in $PIDS; do
		s=$(proc_state $p)
		test "$s" != T || { echo "$p stopped" >&2; return 1; }
		c=$(proc_cg $p)
		case "$c" in *stranger.freeze*) echo "$p in freezer" >&2; return 1 ;; esac
		if [ -n "$have_v2" ]; then
			test "$c" = "$BIGCG" || { echo "$p not home: $c" >&2; return 1; }
		fi
	done
	return 0
}
# all_frozen METHOD: every process of the tree is held
all_frozen() {
	for p in $PIDS; do
		if [ "$1" = signal ]; then
			test "$(proc_state $p)" = T || { echo "$p runs" >&2; return 1; }
		else
			case "$(proc_cg $p)" in *stranger.freeze.$BIG) ;; *) echo "$p not in freezer" >&2; return 1 ;; esac
		fi
	done
	return 0
}
PIDS=$(tree_pids)
BIGCG=$(cg2 "$BIG")

methods=signal
[ -n "$have_v2" ] && methods="cgroup signal"
for method in $methods; do
	for sig in 2 9; do
		for n in 0 1 10 100; do
test_expect_success "freeze --method=$method killed by signal $sig after $n moves: thaw undoes it" '
	set +e
	STRANGER_TEST_FREEZE_KILL=$n:$sig "$STRANGER" freeze --tree --method=$method "$BIG" >/dev/null 2>&1
	rc=$?
	set -e
	test "$rc" = $((128 + sig)) &&
	test -e "/run/stranger/freeze/$BIG" &&
	"$STRANGER" thaw "$BIG" >"$TMP/thaw" &&
	grep -q "undid an interrupted freeze" "$TMP/thaw" &&
	untouched
'
		done
test_expect_success "freeze --method=$method killed by signal $sig after 10 moves: freeze again resumes it" '
	set +e
	STRANGER_TEST_FREEZE_KILL=10:$sig "$STRANGER" freeze --tree --method=$method "$BIG" >/dev/null 2>&1
	set -e
	"$STRANGER" freeze --tree --method=$method "$BIG" >"$TMP/out" &&
	grep -q "resumed an interrupted freeze" "$TMP/out" &&
	grep -q ": 121 processes" "$TMP/out" &&
	all_frozen $method &&
	"$STRANGER" thaw "$BIG" >/dev/null &&
	untouched
'
	done
test_expect_success "freeze --method=$method of one process killed after 0 and 1 moves" '
	for n in 0 1; do
		set +e
		STRANGER_TEST_FREEZE_KILL=$n:9 "$STRANGER" freeze --method=$method "$BIG" >/dev/null 2>&1
		set -e
		"$STRANGER" thaw "$BIG" >/dev/null && untouched || return 1
	done
'
test_expect_success "freeze --method=$method interrupted by Ctrl-C at odd moments: thaw leaves nothing held" '
	for d in 0 0.005 0.01 0.02 0.05 0.1; do
		env --default-signal=INT "$STRANGER" freeze --tree --method=$method "$BIG" >/dev/null 2>&1 &
		f=$!
		sleep $d
		kill -INT $f 2>/dev/null
		wait $f
		"$STRANGER" thaw "$BIG" >/dev/null 2>&1
		untouched || return 1
	done
'
done

test_expect_success 'a zombie: "is a zombie: no memory left", exit 2' '
	fixture_start ZP bash -c "sleep 0.1 & exec sleep 600" &&
	sleep 0.5 &&
	z=$(pgrep -P "$ZP") && grep -q "^State:.Z" /proc/$z/status &&
	test_expect_code 2 "$STRANGER" freeze "$z" 2>"$TMP/ez" &&
	test "$(cat "$TMP/ez")" = "stranger: freeze: $z: is a zombie: no memory left"
'

test_done
