#!/bin/bash
# sandbox: bad input gets one line and exit 2, and builds no sandbox.
. "$(dirname "$0")/../lib.sh"

test_expect_success 'a missing program' '
	test_expect_code 2 "$STRANGER" sandbox -o "$TMP/m" -- /nonexistent/prog 2>"$TMP/err" &&
	test "$(cat "$TMP/err")" = "stranger: sandbox: /nonexistent/prog: No such file or directory" &&
	! test -e "$TMP/m" &&
	test_expect_code 2 "$STRANGER" sandbox -o "$TMP/m" -- no-such-program-anywhere 2>"$TMP/err" &&
	test "$(wc -l <"$TMP/err")" = 1
'

test_expect_success 'no program at all' '
	test_expect_code 2 "$STRANGER" sandbox -o "$TMP/m" 2>"$TMP/err" &&
	grep -q "^stranger: sandbox: no program given" "$TMP/err"
'

test_expect_success 'a bad --memory, --net, --backend, --timeout' '
	for a in --memory=lots --memory=-5M --memory=10 --memory=1T0; do
		test_expect_code 2 "$STRANGER" sandbox "$a" -- /bin/true 2>"$TMP/err" || exit 1
		grep -q "^stranger: sandbox: --memory: " "$TMP/err" || exit 1
	done &&
	test_expect_code 2 "$STRANGER" sandbox --net=wifi -- /bin/true 2>"$TMP/err" &&
	grep -q "^stranger: sandbox: --net: " "$TMP/err" &&
	test_expect_code 2 "$STRANGER" sandbox --backend=gdb -- /bin/true 2>/dev/null &&
	test_expect_code 2 "$STRANGER" sandbox --timeout=-1 -- /bin/true 2>/dev/null
'

test_expect_success 'an evidence folder that is not empty is never mixed' '
	mkdir -p "$TMP/full" && echo x >"$TMP/full/x" &&
	test_expect_code 2 "$STRANGER" sandbox -o "$TMP/full" -- /bin/true 2>"$TMP/err" &&
	grep -q "not empty" "$TMP/err"
'

test_expect_success 'a hostile program name is escaped' '
	test_expect_code 2 "$STRANGER" sandbox -o "$TMP/h" -- "$(printf "/no/\033[2Jx")" 2>"$TMP/err" &&
	no_control_bytes "$TMP/err" &&
	grep -q "x1b" "$TMP/err"
'

test_expect_success '--help' '
	"$STRANGER" sandbox --help >"$TMP/help" &&
	grep -q "^usage: stranger sandbox \[-o DIR\]" "$TMP/help" &&
	grep -q -- "--net" "$TMP/help"
'

test_done
