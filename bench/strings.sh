#!/bin/bash
# bench/strings.sh BUILD - stranger strings against GNU strings on a 1 GiB
# mixed file (executables, libraries, random bytes, zero pages, text,
# UTF-16), generated in a temp dir (RAM-backed when /dev/shm has room) and
# removed at the end.  Both write to a file there; the outputs must have the
# same SHA-256.  Prints the best of 2 runs of each and the ratio.
set -eu
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
STRANGER="$BUILD/stranger"
SIZE_MB=${SIZE_MB:-1024}
GNU=$(command -v strings) || { echo "GNU strings not installed"; exit 1; }

base=/dev/shm
avail=$(df -Pm "$base" 2>/dev/null | awk 'NR==2 {print $4}')
[ -n "$avail" ] && [ "$avail" -gt $((SIZE_MB * 2 + 600)) ] || base=${TMPDIR:-/tmp}
DIR=$(mktemp -d "$base/stranger-bench.XXXXXX")
trap 'rm -rf "$DIR"' EXIT

python3 "$ROOT/bench/mkmixed.py" "$DIR/mixed" "$SIZE_MB"
cat "$DIR/mixed" >/dev/null # warm the page cache for both

# best NAME CMD... - "wall cpu" of the fastest of 2 runs, in seconds, the
# output in $DIR/NAME.  CPU (user + sys) says what the work costs when
# other programs compete for the cores.
best() {
	name=$1
	shift
	b=
	for _ in 1 2; do
		/usr/bin/time -f "%e %U %S" -o "$DIR/time" "$@" "$DIR/mixed" >"$DIR/$name"
		read -r w u s <"$DIR/time"
		if [ -z "$b" ] || [ "$(echo "$w < ${b%% *}" | bc)" = 1 ]; then
			b="$w $(echo "$u + $s" | bc)"
		fi
	done
	echo "$b"
}

read -r tg cg <<<"$(best gnu.out "$GNU" -a)"
read -r ts cs <<<"$(best our.out "$STRANGER" strings -a)"
hg=$(sha256sum <"$DIR/gnu.out" | cut -d' ' -f1)
hs=$(sha256sum <"$DIR/our.out" | cut -d' ' -f1)
if [ "$hg" != "$hs" ]; then
	echo "strings: OUTPUTS DIFFER ($hg vs $hs)"
	exit 1
fi
out_mb=$(($(stat -c %s "$DIR/our.out") >> 20))
mbs() { echo "$SIZE_MB * 1.048576 / $1" | bc -l; }
printf 'strings, %d MiB mixed file (%d MiB of output, same sha256 %s...)\n' \
	"$SIZE_MB" "$out_mb" "${hs:0:16}"
printf '  GNU strings  %6.2f s wall %6.0f MB/s   %6.2f s cpu\n' "$tg" "$(mbs "$tg")" "$cg"
printf '  stranger     %6.2f s wall %6.0f MB/s   %6.2f s cpu\n' "$ts" "$(mbs "$ts")" "$cs"
printf '  ratio        %6.1fx wall               %6.1fx cpu\n' \
	"$(echo "$tg / $ts" | bc -l)" "$(echo "$cg / $cs" | bc -l)"
