#!/bin/bash
# stranger strings on bad input: missing, unreadable and directory
# arguments are reported and skipped (the other files are still scanned, as
# GNU strings does) and end in exit 2; bad options are usage errors; a long
# stream is scanned in bounded memory.
. "$(dirname "$0")/../lib.sh"

GNU=$(command -v strings)
printf 'first file\0\1\2second string\n' >"$TMP/a"
printf 'another one\0tail without end' >"$TMP/b"
: >"$TMP/empty"
mkdir "$TMP/dir"

# one_line FILE PATTERN - FILE is one line naming PATTERN
one_line() {
	[ "$(wc -l <"$1")" = 1 ] && grep -q -- "$2" "$1" && no_control_bytes "$1"
}

test_expect_success 'missing file: message, exit 2, the others scanned' '
	test_expect_code 2 "$STRANGER" strings "$TMP/a" "$TMP/nosuch" "$TMP/b" \
		>"$TMP/out" 2>"$TMP/err" &&
	one_line "$TMP/err" "nosuch: No such file or directory" &&
	cat "$TMP/a" "$TMP/b" | "$STRANGER" strings >"$TMP/want" &&
	test_cmp "$TMP/want" "$TMP/out"
'

test_expect_success 'same stdout as GNU strings with a missing file' '
	[ -z "$GNU" ] && exit 0
	"$GNU" -f "$TMP/a" "$TMP/nosuch" "$TMP/b" >"$TMP/gnu" 2>/dev/null
	"$STRANGER" strings -f "$TMP/a" "$TMP/nosuch" "$TMP/b" >"$TMP/out" 2>/dev/null
	test_cmp "$TMP/gnu" "$TMP/out"
'

test_expect_success 'directory: message, exit 2, the others scanned' '
	test_expect_code 2 "$STRANGER" strings "$TMP/dir" "$TMP/a" \
		>"$TMP/out" 2>"$TMP/err" &&
	one_line "$TMP/err" "dir: is a directory" &&
	"$STRANGER" strings "$TMP/a" >"$TMP/want" &&
	test_cmp "$TMP/want" "$TMP/out"
'

test_expect_success 'a path through a file: message, exit 2' '
	test_expect_code 2 "$STRANGER" strings "$TMP/a/x" 2>"$TMP/err" &&
	one_line "$TMP/err" "Not a directory"
'

test_expect_success 'unreadable file: message, exit 2, the others scanned' '
	cp "$TMP/a" "$TMP/secret" && chmod 000 "$TMP/secret" &&
	if [ "$(id -u)" = 0 ]; then
		chmod 755 "$TMP" && chmod 644 "$TMP/b" &&
		ud=$(user_copy "$STRANGER") &&
		runner="setpriv --reuid=65534 --regid=65534 --clear-groups $ud/stranger"
	else
		runner="$STRANGER"
	fi &&
	test_expect_code 2 $runner strings "$TMP/secret" "$TMP/b" \
		>"$TMP/out" 2>"$TMP/err" &&
	one_line "$TMP/err" "secret: Permission denied" &&
	"$STRANGER" strings "$TMP/b" >"$TMP/want" &&
	test_cmp "$TMP/want" "$TMP/out"
'

test_expect_success 'a read error: message, exit 2, what was read is kept' '
	test_expect_code 2 "$STRANGER" strings /proc/self/mem "$TMP/b" \
		>"$TMP/out" 2>"$TMP/err" &&
	one_line "$TMP/err" "read error" &&
	"$STRANGER" strings "$TMP/b" >"$TMP/want" &&
	test_cmp "$TMP/want" "$TMP/out"
'

test_expect_success 'empty file and empty standard input: no output, exit 0' '
	"$STRANGER" strings "$TMP/empty" >"$TMP/out" &&
	test ! -s "$TMP/out" &&
	"$STRANGER" strings -f -t x </dev/null >"$TMP/out" &&
	test ! -s "$TMP/out"
'

test_expect_success '-n 0 and -n 4294967296 are refused' '
	test_expect_code 2 "$STRANGER" strings -n 0 "$TMP/a" >"$TMP/out" 2>"$TMP/err" &&
	test ! -s "$TMP/out" && grep -q "minimum string length 0" "$TMP/err" &&
	test_expect_code 2 "$STRANGER" strings -n 4294967296 "$TMP/a" 2>"$TMP/err" &&
	test_expect_code 2 "$STRANGER" strings -n 12abc "$TMP/a" 2>"$TMP/err" &&
	grep -q "invalid integer" "$TMP/err"
'

test_expect_success 'absurd -n: nothing is that long, as GNU strings says' '
	for n in 4294967295 99999999999 -1 2147483648; do
		"$STRANGER" strings -n $n "$TMP/a" "$TMP/b" >"$TMP/out" || exit 1
		test ! -s "$TMP/out" || exit 1
		if [ -n "$GNU" ]; then
			"$GNU" -n $n "$TMP/a" "$TMP/b" >"$TMP/gnu" && test_cmp "$TMP/gnu" "$TMP/out" || exit 1
		fi
	done
'

test_expect_success 'unknown -e, bad -t, lone "-": usage error, exit 2' '
	test_expect_code 2 "$STRANGER" strings -e x "$TMP/a" 2>"$TMP/err" &&
	grep -q "invalid encoding" "$TMP/err" && grep -q "^usage:" "$TMP/err" &&
	test_expect_code 2 "$STRANGER" strings -e ss "$TMP/a" 2>/dev/null &&
	test_expect_code 2 "$STRANGER" strings -t q "$TMP/a" 2>/dev/null &&
	test_expect_code 2 "$STRANGER" strings - </dev/null 2>/dev/null &&
	test_expect_code 2 "$STRANGER" strings --no-such-option 2>/dev/null
'

test_expect_success 'a 300 MB string from a pipe streams in bounded memory' '
	head -c 300000000 /dev/zero | tr "\0" "A" |
		/usr/bin/time -f "%M" -o "$TMP/rss" "$STRANGER" strings -t x |
		wc -c >"$TMP/len" &&
	[ "$(cat "$TMP/len")" = 300000009 ] &&
	[ "$(tail -n 1 "$TMP/rss")" -lt 100000 ]
'

test_expect_success 'a 200 MB random stream: bounded memory' '
	head -c 200000000 /dev/urandom |
		/usr/bin/time -f "%M" -o "$TMP/rss" "$STRANGER" strings >/dev/null &&
	[ "$(tail -n 1 "$TMP/rss")" -lt 100000 ]
'

test_done
