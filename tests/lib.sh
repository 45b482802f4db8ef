# tests/lib.sh - the shell test harness (after git's t/test-lib.sh).
#
# A test script sources this file, then runs
#     test_expect_success 'what it checks' '
#         commands...
#     '
# and ends with test_done.  Output is TAP ("ok N - ...", "not ok N - ...",
# "ok N # skip ..."), which tests/run.sh counts.
#
# Every script gets $STRANGER (the binary under test), $FIXTURES (built
# fixtures), $TMP (a private temp dir, removed at exit) and
# fixture_start/fixture_kill, which track fixtures by PID so that exactly
# the processes a test started are ended, and nothing else.

set -u
: "${BUILD:=build}"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
STRANGER="$BUILD/stranger"
FIXTURES="$BUILD/fixtures"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/stranger-test.XXXXXX")
test_count=0
test_failed=0
# Fixtures are recorded in a file, not a variable: a test body runs in a
# subshell, and a variable set there would be lost before cleanup.
test_pidfile="$TMP/.fixture-pids"
: >"$test_pidfile"

test_cleanup() {
	test_pids=$(cat "$test_pidfile" 2>/dev/null)
	for p in $test_pids; do
		# a fixture a failed test left frozen must be thawed to die
		"$STRANGER" thaw "$p" >/dev/null 2>&1
		kill -CONT "$p" 2>/dev/null
		kill -KILL "$p" 2>/dev/null
	done
	for p in $test_pids; do
		wait "$p" 2>/dev/null
	done
	if [ -s "$TMP/.user-dir" ]; then
		rm -rf "$(cat "$TMP/.user-dir")"
	fi
	rm -rf "$TMP"
}
trap test_cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '# %s\n' "$*"; }

test_expect_success() {
	test_count=$((test_count + 1))
	if (set -e; eval "$2") >"$TMP/.out" 2>&1; then
		echo "ok $test_count - $1"
	else
		echo "not ok $test_count - $1"
		sed -e 's/^/#   /' "$TMP/.out" | head -n 40
		test_failed=$((test_failed + 1))
	fi
}

test_skip() {
	test_count=$((test_count + 1))
	echo "ok $test_count # skip $1 ($2)"
}

test_done() {
	echo "1..$test_count"
	[ "$test_failed" = 0 ]
}

# test_expect_code N CMD... - CMD must exit with status N
test_expect_code() {
	want=$1
	shift
	set +e
	"$@"
	got=$?
	set -e
	if [ "$got" != "$want" ]; then
		echo "expected exit $want, got $got: $*" >&2
		return 1
	fi
}

test_cmp() {
	diff -u "$1" "$2"
}

# no_control_bytes FILE - FILE holds no byte below 0x20 but \n, nor 0x7f
no_control_bytes() {
	if LC_ALL=C grep -q "$(printf '[\001-\011\013-\037\177]')" "$1"; then
		echo "raw control bytes in $1:" >&2
		od -c "$1" | head -n 20 >&2
		return 1
	fi
}

# user_copy FILE... - copy FILEs (the stranger binary, a fixture) to a
# folder an unprivileged user can reach, and print the folder.  A test that
# drops privileges runs the copies: the checkout may sit under a home of
# mode 0700, where another user cannot execute anything.  The folder is
# removed at exit.
user_copy() {
	if [ ! -s "$TMP/.user-dir" ]; then
		ud=$(mktemp -d /tmp/stranger-user.XXXXXX) || return 1
		chmod 755 "$ud" && echo "$ud" >"$TMP/.user-dir" || return 1
	fi
	ud=$(cat "$TMP/.user-dir")
	for f in "$@"; do
		cp "$f" "$ud/" && chmod a+rX "$ud/$(basename "$f")" || return 1
	done
	echo "$ud"
}

# fixture_start VAR CMD... - start CMD in the background, keep its PID in VAR
fixture_start() {
	var=$1
	shift
	"$@" &
	eval "$var=$!"
	echo "$!" >>"$test_pidfile"
}

# fixture_adopt PID - a fixture started otherwise (a daemon, a grandchild)
fixture_adopt() {
	echo "$1" >>"$test_pidfile"
}

# wait_for_file FILE - up to 10 s for a fixture to say it is ready
wait_for_file() {
	i=0
	while [ ! -s "$1" ]; do
		i=$((i + 1))
		[ $i -gt 200 ] && { echo "timeout waiting for $1" >&2; return 1; }
		sleep 0.05
	done
}

fixture_kill() {
	"$STRANGER" thaw "$1" >/dev/null 2>&1
	kill -CONT "$1" 2>/dev/null
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null || true
}

valid_json_lines() {
	python3 -c '
import json, sys
n = 0
for line in open(sys.argv[1]):
    json.loads(line)
    n += 1
sys.exit(0 if n else 1)' "$1"
}
