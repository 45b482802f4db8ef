#!/bin/bash
# stranger sdiff: the unified diff of two sequences of strings is minimal
# and applies as a patch; --summary names each string found on one side
# only; the backdoor and its known-good twin differ in /bin/login.
. "$(dirname "$0")/../lib.sh"

TWIN="$FIXTURES/backdoor-twin"
BD="$FIXTURES/backdoor"

# lists A B SEED EDITS - two files of NUL-separated words, B an edited A
lists() {
	python3 - "$1" "$2" "$3" "$4" <<'PY'
import random, sys
a, b, seed, edits = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
r = random.Random(seed)
words = ["word%03d" % r.randrange(60) for _ in range(400)]
new = list(words)
for _ in range(edits):
    op = r.randrange(3)
    i = r.randrange(len(new) + 1)
    if op == 0 and new:
        del new[min(i, len(new) - 1)]
    elif op == 1:
        new.insert(i, "new%04d" % r.randrange(100))
    elif new:
        new[min(i, len(new) - 1)] = "word%03d" % r.randrange(60)
open(a, "wb").write(b"\0".join(w.encode() for w in words) + b"\0")
open(b, "wb").write(b"\0".join(w.encode() for w in new) + b"\0")
PY
}

test_expect_success 'identical inputs: no output, exit 0' '
	"$STRANGER" sdiff "$BD" "$BD" >"$TMP/out" &&
	test ! -s "$TMP/out" &&
	"$STRANGER" sdiff --summary "$TWIN" "$TWIN" >"$TMP/out" &&
	test ! -s "$TMP/out"
'

test_expect_success 'the twin and the backdoor: -/bin/login +/bin/csh, exit 1' '
	test_expect_code 1 "$STRANGER" sdiff "$TWIN" "$BD" >"$TMP/out" &&
	head -n 2 "$TMP/out" >"$TMP/head" &&
	printf -- "--- %s\n+++ %s\n" "$TWIN" "$BD" >"$TMP/want" &&
	test_cmp "$TMP/want" "$TMP/head" &&
	grep -q "^@@ -[0-9]*,[0-9]* +[0-9]*,[0-9]* @@$" "$TMP/out" &&
	grep -qx -- "-/bin/login" "$TMP/out" &&
	grep -qx -- "+/bin/csh" "$TMP/out" &&
	no_control_bytes "$TMP/out"
'

test_expect_success '--summary: each one-sided string once, with its count' '
	test_expect_code 1 "$STRANGER" sdiff --summary "$TWIN" "$BD" >"$TMP/out" &&
	grep -qx -- "-/bin/login	1" "$TMP/out" &&
	grep -qx -- "+/bin/csh	1" "$TMP/out" &&
	! grep -q "^ " "$TMP/out" &&
	[ "$(cut -f1 "$TMP/out" | sort | uniq -d | wc -l)" = 0 ]
'

test_expect_success '--json and --summary --json are JSON Lines' '
	test_expect_code 1 "$STRANGER" sdiff --json "$TWIN" "$BD" >"$TMP/out" &&
	valid_json_lines "$TMP/out" &&
	grep -q "\"op\":\"-\".*\"string\":\"/bin/login\"" "$TMP/out" &&
	test_expect_code 1 "$STRANGER" sdiff --summary --json "$TWIN" "$BD" >"$TMP/out" &&
	valid_json_lines "$TMP/out" &&
	grep -q "\"op\":\"+\",\"count\":1,.*\"string\":\"/bin/csh\"" "$TMP/out"
'

test_expect_success 'the suspect from standard input' '
	test_expect_code 1 "$STRANGER" sdiff --summary "$TWIN" - <"$BD" >"$TMP/out" &&
	grep -qx -- "+/bin/csh	1" "$TMP/out"
'

test_expect_success 'the diff is minimal (as diff --minimal) and applies as a patch' '
	for seed in 1 2 3 4 5 6 7 8; do
		lists "$TMP/a" "$TMP/b" $seed $((seed * 7)) &&
		"$STRANGER" strings "$TMP/a" >"$TMP/a.txt" &&
		"$STRANGER" strings "$TMP/b" >"$TMP/b.txt" &&
		{ "$STRANGER" sdiff "$TMP/a" "$TMP/b" >"$TMP/d"; [ $? = 1 ]; } &&
		ours=$(grep -c "^[-+][^-+]" "$TMP/d") &&
		gnu=$(diff --minimal -u "$TMP/a.txt" "$TMP/b.txt" | grep -c "^[-+][^-+]") &&
		[ "$ours" = "$gnu" ] &&
		cp "$TMP/a.txt" "$TMP/p.txt" &&
		tail -n +3 "$TMP/d" | patch -s "$TMP/p.txt" &&
		test_cmp "$TMP/b.txt" "$TMP/p.txt" || { echo "seed $seed"; exit 1; }
	done
'

test_expect_success 'bad input: missing file, directory, bad options, exit 2' '
	test_expect_code 2 "$STRANGER" sdiff "$TWIN" "$TMP/nosuch" 2>"$TMP/err" &&
	grep -q "nosuch: No such file" "$TMP/err" &&
	test_expect_code 2 "$STRANGER" sdiff "$TMP" "$BD" 2>"$TMP/err" &&
	grep -q "is a directory" "$TMP/err" &&
	test_expect_code 2 "$STRANGER" sdiff "$TWIN" 2>/dev/null &&
	test_expect_code 2 "$STRANGER" sdiff - - </dev/null 2>/dev/null &&
	test_expect_code 2 "$STRANGER" sdiff -e q "$TWIN" "$BD" 2>/dev/null &&
	test_expect_code 2 "$STRANGER" sdiff -n 0 "$TWIN" "$BD" 2>/dev/null
'

test_expect_success 'empty inputs' '
	: >"$TMP/empty" &&
	"$STRANGER" sdiff "$TMP/empty" "$TMP/empty" >"$TMP/out" &&
	test ! -s "$TMP/out" &&
	test_expect_code 1 "$STRANGER" sdiff "$TMP/empty" "$TWIN" >"$TMP/out" &&
	grep -q "^@@ -0,0 +1," "$TMP/out"
'

test_done
