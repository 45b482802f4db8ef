#!/bin/bash
# bench/sdiff.sh BUILD - stranger sdiff against diff <(strings A) <(strings B)
# on two large inputs: A a mixed file (executables, random bytes, text), B
# the same with strings swapped, blocks inserted and blocks removed.  Both
# must find the same number of removed and added strings.  Generated data
# lives in a temp dir that is removed.
set -eu
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
STRANGER="$BUILD/stranger"
SIZE_MB=${SIZE_MB:-128}
command -v strings >/dev/null || { echo "GNU strings not installed"; exit 1; }

base=/dev/shm
avail=$(df -Pm "$base" 2>/dev/null | awk 'NR==2 {print $4}')
[ -n "$avail" ] && [ "$avail" -gt $((SIZE_MB * 3 + 600)) ] || base=${TMPDIR:-/tmp}
DIR=$(mktemp -d "$base/stranger-bench.XXXXXX")
trap 'rm -rf "$DIR"' EXIT

python3 "$ROOT/bench/mkmixed.py" "$DIR/a" "$SIZE_MB" 7
python3 - "$DIR/a" "$DIR/b" <<'PY'
import random, sys
r = random.Random(11)
data = bytearray(open(sys.argv[1], 'rb').read())
# the article's swap, and a few more, in place
for i in range(50):
    o = r.randrange(len(data) - 64)
    data[o:o + 12] = b'\0/bin/login\0' if i % 2 else b'\0/bin/csh\0\0\0'
# blocks removed and blocks of new text inserted
for i in range(20):
    o = r.randrange(len(data) - 70000)
    del data[o:o + r.randrange(1000, 60000)]
for i in range(20):
    o = r.randrange(len(data))
    blob = b''.join(b'\0inserted string %d.%d\0' % (i, j) for j in range(200))
    data[o:o] = blob
open(sys.argv[2], 'wb').write(data)
PY
cat "$DIR/a" "$DIR/b" >/dev/null

t0=$(date +%s.%N)
bash -c 'diff <(strings "$1") <(strings "$2")' _ "$DIR/a" "$DIR/b" >"$DIR/peer" || true
t1=$(date +%s.%N)
"$STRANGER" sdiff "$DIR/a" "$DIR/b" >"$DIR/ours" || true
t2=$(date +%s.%N)
"$STRANGER" sdiff --summary "$DIR/a" "$DIR/b" >"$DIR/summary" || true
t3=$(date +%s.%N)

pd=$(grep -c '^<' "$DIR/peer" || true)
pa=$(grep -c '^>' "$DIR/peer" || true)
od=$(tail -n +3 "$DIR/ours" | grep -c '^-' || true)
oa=$(tail -n +3 "$DIR/ours" | grep -c '^+' || true)
n=$(strings "$DIR/a" | wc -l)
printf 'sdiff, two %d MiB inputs (%d strings each)\n' "$SIZE_MB" "$n"
printf '  diff <(strings A) <(strings B)  %6.2f s   -%d +%d\n' "$(echo "$t1 - $t0" | bc)" "$pd" "$pa"
printf '  stranger sdiff                  %6.2f s   -%d +%d\n' "$(echo "$t2 - $t1" | bc)" "$od" "$oa"
printf '  stranger sdiff --summary        %6.2f s   %d lines\n' "$(echo "$t3 - $t2" | bc)" "$(wc -l <"$DIR/summary")"
printf '  ratio                           %6.1fx\n' "$(echo "($t1 - $t0) / ($t2 - $t1)" | bc -l)"
if [ "$pd" != "$od" ] || [ "$pa" != "$oa" ]; then
	echo "sdiff: the two found different numbers of changes"
	exit 1
fi
