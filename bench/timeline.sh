#!/bin/bash
# bench/timeline.sh BUILD - timeline against its peers, on the same input
# in one run:
#
#   stranger timeline --no-live -o BODY DIR
#       vs  find DIR -printf '%A@ %T@ %C@ %p\n' | sort
#       (stranger also reads birth times, with statx, and writes the TSK
#       body file; both see every path: the line counts are checked)
#   stranger timeline --from-body BODY --format=mactime
#       vs  mactime -b BODY -d -y      (The Sleuth Kit; outputs compared)
#   memory: stranger renders a synthetic body file of BENCH_BIG lines
#       (default 10 million) as mactime with the default 64 MB sort
#       budget; its peak resident size is reported (GNU time's %M).
#
# DIR is /usr (BENCH_DIR to change it).  The cache is warmed first; each
# timing is the best of three runs.
set -u
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
STRANGER="$BUILD/stranger"
DIR=${BENCH_DIR:-/usr}
BIG=${BENCH_BIG:-10000000}
W=$(mktemp -d /tmp/stranger-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT

fail() { echo "bench/timeline.sh: $*" >&2; exit 1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
best3() { # CMD... : "WALL CPU" of the fastest of three runs (CPU: user+sys)
	local best= cpu= t c
	for _ in 1 2 3; do
		/usr/bin/time -f '%e %U %S' -o "$W/time" "$@" || fail "failed: $*"
		t=$(awk '{ print $1 }' "$W/time")
		c=$(awk '{ printf "%.2f", $2 + $3 }' "$W/time")
		if [ -z "$best" ] || awk -v t="$t" -v b="$best" 'BEGIN { exit !(t < b) }'; then
			best=$t cpu=$c
		fi
	done
	echo "$best $cpu"
}
command -v mactime >/dev/null || fail "mactime (sleuthkit) is not installed"

export DIR W STRANGER

echo "warming the cache: $DIR"
find "$DIR" -printf "%A@ %T@ %C@ %p\n" >/dev/null 2>&1
"$STRANGER" timeline --no-live -o "$W/body" "$DIR" 2>/dev/null

read -r t_find c_find < <(best3 sh -c 'find "$DIR" -printf "%A@ %T@ %C@ %p\n" 2>/dev/null | LC_ALL=C sort >"$W/find.out"')
read -r t_walk c_walk < <(best3 sh -c '"$STRANGER" timeline --no-live -o "$W/body" "$DIR" 2>/dev/null; [ $? -le 1 ]')
n_find=$(wc -l <"$W/find.out")
n_body=$(wc -l <"$W/body")
births=$(awk -F'|' '$11 != "-1"' "$W/body" | wc -l)
# a name with a newline is two lines for find and one for the body file;
# a tree that changes while the benchmark runs (a package install) too
d=$((n_find > n_body ? n_find - n_body : n_body - n_find))
[ $((d * 100)) -le "$n_find" ] || fail "find saw $n_find paths, stranger $n_body"

read -r t_tsk c_tsk < <(best3 sh -c 'mactime -b "$W/body" -d -y >"$W/tsk.out"')
read -r t_ours c_ours < <(best3 sh -c '"$STRANGER" timeline --from-body "$W/body" --format=mactime >"$W/ours.out"')
cmp -s "$W/tsk.out" "$W/ours.out" || fail "mactime and stranger differ on $DIR's body file"
n_lines=$(wc -l <"$W/ours.out")

printf '%-52s %8s %8s %6s   %8s %8s %6s\n' "" "peer s" "ours s" "wall" "peer cpu" "ours cpu" "cpu"
printf '%-52s %8s %8s %5sx   %8s %8s %5sx\n' "walk $DIR: find -printf | sort  vs  timeline -o body" \
	"$t_find" "$t_walk" "$(ratio "$t_find" "$t_walk")" "$c_find" "$c_walk" "$(ratio "$c_find" "$c_walk")"
printf '%-52s %8s %8s %5sx   %8s %8s %5sx\n' "render: mactime -b -d -y  vs  timeline --from-body" \
	"$t_tsk" "$t_ours" "$(ratio "$t_tsk" "$t_ours")" "$c_tsk" "$c_ours" "$(ratio "$c_tsk" "$c_ours")"
echo "  $n_body paths ($births with a birth time); $n_lines mactime lines, identical"

echo "memory: a synthetic body file of $BIG lines"
python3 - "$W/big.body" "$BIG" <<\PY
import random, sys
random.seed(1)
n = int(sys.argv[2])
with open(sys.argv[1], "w", buffering=1 << 20) as f:
    chunk = []
    for i in range(n):
        t = 1500000000 + random.randrange(300000000)
        chunk.append("0|/synthetic/d%d/e%d/file-%09d|%d|r/rrw-r--r--|0|0|%d|%d|%d|%d|%d\n"
                     % (i % 1000, i % 37, i, i + 1, i % 65536, t, t - 3600, t + 60, t - 86400))
        if len(chunk) == 100000:
            f.write("".join(chunk)); chunk = []
    f.write("".join(chunk))
PY
a=$(date +%s.%N)
/usr/bin/time -f '%M' -o "$W/rss" "$STRANGER" timeline --from-body "$W/big.body" \
	--format=mactime >"$W/big.out" || fail "rendering the big body file failed"
b=$(date +%s.%N)
printf '  %s lines in, %s lines out in %.1f s; peak RSS %d MB (budget 64 MB of sort memory)\n' \
	"$(wc -l <"$W/big.body")" "$(wc -l <"$W/big.out")" \
	"$(awk -v a="$a" -v b="$b" 'BEGIN { print b - a }')" $(($(cat "$W/rss") / 1024))
