#!/bin/bash
# dump: an ELF core gdb loads, of a running or a frozen process.
. "$(dirname "$0")/../lib.sh"

have_v2=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
have_v1=$(awk '$9 == "cgroup" && $NF ~ /freezer/ { print $5; exit }' /proc/self/mountinfo)

# gdb_core EXE CORE CMD... - run gdb commands on a core, quietly
gdb_core() {
	exe=$1 core=$2
	shift 2
	args=()
	for c in "$@"; do args+=(-ex "$c"); done
	gdb -nx -batch "${args[@]}" "$exe" "$core" 2>&1
}
# counter_in CORE - the dumpee's counter as the core holds it
counter_in() {
	gdb_core "$FIXTURES/dumpee" "$1" 'p counter' | sed -n 's/^\$1 = //p'
}
sealed() { (cd "$1" && sha256sum -c --strict manifest.sha256 >/dev/null); }

mkdir -p "$TMP/intruder"
fixture_start LAUNCH "$FIXTURES/backdoor" -d "$TMP/intruder" -p 5120 -r "$TMP/ready"
wait_for_file "$TMP/ready"
read -r BD _ <"$TMP/ready"

test_expect_success 'gdb loads the core of the running backdoor' '
	"$STRANGER" recover "$BD" -o "$TMP/rec" >/dev/null &&
	"$STRANGER" dump "$BD" -o "$TMP/d1" >"$TMP/out" &&
	grep -q "^ *REGIONS" "$TMP/out" &&
	gdb_core "$TMP/rec/exe" "$TMP/d1/core" "info threads" bt "x/s secret" >"$TMP/gdb" &&
	cat "$TMP/gdb" &&
	grep -q "SECRET=wietse-was-here-1996" "$TMP/gdb" &&
	grep -q "in serve " "$TMP/gdb" &&
	grep -q "^\* 1 *Thread .*LWP $BD" "$TMP/gdb" &&
	! grep -qi "warning: .*core" "$TMP/gdb" &&
	sealed "$TMP/d1" && test_cmp "$TMP/d1/maps" /proc/$BD/maps
'

test_expect_success 'the core holds the code, NT_FILE, AUXV and PRPSINFO' '
	readelf -n "$TMP/d1/core" >"$TMP/notes" &&
	grep -q NT_PRSTATUS "$TMP/notes" && grep -q NT_FPREGSET "$TMP/notes" &&
	grep -q NT_X86_XSTATE "$TMP/notes" && grep -q NT_PRPSINFO "$TMP/notes" &&
	grep -q NT_AUXV "$TMP/notes" && grep -q NT_FILE "$TMP/notes" &&
	gdb_core "$TMP/rec/exe" "$TMP/d1/core" "info proc mappings" >"$TMP/map" &&
	grep -q "0x0 .*/in.telnetd (deleted)" "$TMP/map" &&
	gdb_core "$TMP/rec/exe" "$TMP/d1/core" "x/4xb main" >"$TMP/code" &&
	! grep -q "Cannot access" "$TMP/code" &&
	readelf -lW "$TMP/d1/core" | awk "\$1 == \"LOAD\" && \$7 == \"R\" && \$8 == \"E\" && \$5 == \"0x000000\" { bad = 1 } END { exit bad }"
'

test_expect_success 'a running process is resumed after the dump' '
	grep -q "^TracerPid:.0$" /proc/$BD/status &&
	! grep -q "^State:.*[tT] (" /proc/$BD/status &&
	exec 8<>/dev/tcp/127.0.0.1/$(cut -d" " -f2 "$TMP/ready") && exec 8>&-
'

fixture_start D "$FIXTURES/dumpee" -r "$TMP/dready" -t 3
wait_for_file "$TMP/dready"

# frozen_test METHOD - frozen by METHOD: the dump leaves it frozen and the
# counter does not move across two dumps; after thaw it does
frozen_test() {
	"$STRANGER" thaw "$D" >/dev/null 2>&1
	"$STRANGER" freeze --method="$1" "$D" >/dev/null &&
	sleep 0.2 &&
	"$STRANGER" dump "$D" -o "$TMP/f-$1-a" >/dev/null &&
	sleep 0.3 &&
	"$STRANGER" dump "$D" -o "$TMP/f-$1-b" >/dev/null || return 1
	a=$(counter_in "$TMP/f-$1-a/core") && b=$(counter_in "$TMP/f-$1-b/core")
	echo "counter $a $b"
	test -n "$a" && test "$a" = "$b" || return 1
	grep -q "frozen: $1" "$TMP/f-$1-a/case.log" || { echo "not logged as frozen"; return 1; }
	gdb_core "$FIXTURES/dumpee" "$TMP/f-$1-a/core" "info threads" >"$TMP/thr"
	test "$(grep -c "^[* ] *[0-9][0-9]* *Thread 0x" "$TMP/thr")" = 5 || { cat "$TMP/thr"; return 1; }
	sealed "$TMP/f-$1-a" && sealed "$TMP/f-$1-b" || return 1
	"$STRANGER" thaw "$D" >/dev/null || return 1
	sleep 0.2
	"$STRANGER" dump "$D" -o "$TMP/f-$1-c" >/dev/null || return 1
	c=$(counter_in "$TMP/f-$1-c/core") && echo "after thaw $c" &&
	test "$c" != "$b"
}

if [ -n "$have_v2" ]; then
	test_expect_success 'frozen by cgroup v2: stays frozen, runs no code' 'frozen_test cgroup-v2'
else
	test_skip 'frozen by cgroup v2' 'no cgroup v2 mount'
fi
if [ -n "$have_v1" ]; then
	test_expect_success 'frozen by cgroup v1: stays frozen, runs no code' 'frozen_test cgroup-v1'
else
	test_skip 'frozen by cgroup v1' 'no cgroup v1 freezer'
fi
test_expect_success 'frozen by SIGSTOP: stays stopped, runs no code' 'frozen_test signal'

test_expect_success 'the registers are the threads'\'' own' '
	gdb_core "$FIXTURES/dumpee" "$TMP/f-signal-a/core" "thread apply all bt" >"$TMP/bt" &&
	grep -q " spin (" "$TMP/bt" && grep -c " block (" "$TMP/bt" | grep -qx 3
'

test_expect_success 'an existing non-empty folder is refused' '
	test_expect_code 2 "$STRANGER" dump "$D" -o "$TMP/d1" 2>"$TMP/err" &&
	grep -q "not empty" "$TMP/err" && sealed "$TMP/d1"
'

test_expect_success 'a PID that does not exist: exit 2' '
	bash -c "exit 0" & gone=$!; wait $gone
	test_expect_code 2 "$STRANGER" dump "$gone" -o "$TMP/gone" 2>"$TMP/err" &&
	grep -q "no such process" "$TMP/err"
'

test_expect_success 'usage errors: exit 2' '
	test_expect_code 2 "$STRANGER" dump "$D" 2>/dev/null &&
	test_expect_code 2 "$STRANGER" dump 1 2 -o "$TMP/u" 2>/dev/null &&
	test_expect_code 2 "$STRANGER" dump x -o "$TMP/u" 2>/dev/null &&
	test_expect_code 2 "$STRANGER" dump $$ -o /proc/nope 2>/dev/null
'

fixture_kill "$D"
fixture_kill "$BD"
test_done
