#!/bin/bash
# bench/trace-bpf.sh BUILD - what watching costs the watched: the same
# `dd bs=1` workload (200,000 bytes, about 400,000 system calls)
#   1. untraced,
#   2. under strace -o /dev/null,
#   3. under stranger trace --backend=bpf -o /dev/null (every call
#      decoded and formatted, as with -o FILE).
# Checks that the bpf trace saw every read and write dd made (and lost
# none), prints the best of 3 runs (1 of strace, which takes over a
# minute here) and the ratios to untraced.
# Goal: the bpf trace within 3x of untraced.
set -eu
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
STRANGER="$BUILD/stranger"
command -v strace >/dev/null || { echo "bench/trace-bpf.sh: strace not installed" >&2; exit 2; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/stranger-bench-bpf.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
COUNT=${TRACE_COUNT:-200000}
WORK=(dd if=/dev/zero of=/dev/null bs=1 count="$COUNT")

if ! "$STRANGER" trace --backend=bpf -o "$TMP/probe" true 2>"$TMP/probe.err" ||
   grep -q "not available" "$TMP/probe.err"; then
	echo "bench/trace-bpf.sh: the bpf backend is not available here:" >&2
	cat "$TMP/probe.err" >&2
	exit 2
fi

# best N CMD... - the fastest of N runs of CMD, in seconds
best() {
	b=
	n=$1
	shift
	for _ in $(seq "$n"); do
		s=$(date +%s.%N)
		"$@" >/dev/null 2>&1
		e=$(date +%s.%N)
		t=$(echo "$e - $s" | bc -l)
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then b=$t; fi
	done
	printf '%.3f' "$b"
}

# every call seen? one run to a file, counted
"$STRANGER" trace --backend=bpf -o "$TMP/t.out" "${WORK[@]}" 2>"$TMP/t.err"
reads=$(grep -c '^read(0, "\\0", 1) *= 1$' "$TMP/t.out" || true)
writes=$(grep -c '^write(1, "\\0", 1) *= 1$' "$TMP/t.out" || true)
if [ "$reads" != "$COUNT" ] || [ "$writes" != "$COUNT" ] || grep -q lost "$TMP/t.err"; then
	echo "bench/trace-bpf.sh: the bpf trace missed calls: $reads reads, $writes writes of $COUNT" >&2
	cat "$TMP/t.err" >&2
	exit 1
fi
calls=$(grep -vc '^+++' "$TMP/t.out" || true)

plain=$(best 3 "${WORK[@]}")
# strace takes over a minute here: once is enough to see the gap
s_full=$(best 1 strace -o /dev/null "${WORK[@]}")
b_full=$(best 3 "$STRANGER" trace --backend=bpf -o /dev/null "${WORK[@]}")

echo "workload: ${WORK[*]} ($calls calls)"
printf '%-34s %8ss\n' "untraced" "$plain"
printf '%-34s %8ss  (%s calls/s)\n' "strace -o /dev/null" "$s_full" "$(echo "$calls / $s_full" | bc)"
printf '%-34s %8ss  (%s calls/s)\n' "stranger trace --backend=bpf" "$b_full" "$(echo "$calls / $b_full" | bc)"
printf 'ratio strace / untraced:   %.2f\n' "$(echo "$s_full / $plain" | bc -l)"
printf 'ratio bpf / untraced:      %.2f\n' "$(echo "$b_full / $plain" | bc -l)"
printf 'ratio strace / bpf:        %.2f\n' "$(echo "$s_full / $b_full" | bc -l)"
