#!/bin/bash
# bench/trace.sh BUILD - stranger trace against strace on a syscall-heavy
# workload: `dd bs=1` copying 20,000 bytes (about 40,000 system calls),
#   1. untraced,
#   2. fully traced: strace -f -o /dev/null  vs  stranger trace -f -o /dev/null,
#   3. filtered (-e trace=openat): strace -f --seccomp-bpf  vs  stranger trace -f
#      (which installs its seccomp filter by itself).
# Checks that both tracers saw the same calls, prints the best of 3 runs of
# each and the ratios (stranger / strace; below 1 is faster).
set -eu
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
STRANGER="$BUILD/stranger"
# this measures the ptrace engine; bench/trace-bpf.sh measures bpf
export STRANGER_TRACE_BACKEND=ptrace
command -v strace >/dev/null || { echo "bench/trace.sh: strace not installed" >&2; exit 2; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/stranger-bench-trace.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
COUNT=${TRACE_COUNT:-20000}
WORK=(dd if=/dev/zero of=/dev/null bs=1 count="$COUNT")

# best - the fastest of 3 runs of "$@", in seconds
best() {
	b=
	for _ in 1 2 3; do
		s=$(date +%s.%N)
		"$@" >/dev/null 2>&1
		e=$(date +%s.%N)
		t=$(echo "$e - $s" | bc -l)
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then b=$t; fi
	done
	printf '%.3f' "$b"
}

# the same calls? compare the call names of one run of each
strace -f -o "$TMP/s.out" "${WORK[@]}" 2>/dev/null
"$STRANGER" trace -f -o "$TMP/t.out" "${WORK[@]}" 2>/dev/null
sed -E 's/^[0-9]+ +//; s/\(.*//' "$TMP/s.out" | sort | uniq -c >"$TMP/s.n"
sed -E 's/^[0-9]+ +//; s/\(.*//' "$TMP/t.out" | sort | uniq -c >"$TMP/t.n"
if ! diff -u "$TMP/s.n" "$TMP/t.n" >"$TMP/diff"; then
	echo "bench/trace.sh: the tracers disagree on the calls made:" >&2
	cat "$TMP/diff" >&2
	exit 1
fi
calls=$(grep -vc '^[0-9]* *+++' "$TMP/t.out" || true)

plain=$(best "${WORK[@]}")
s_full=$(best strace -f -o /dev/null "${WORK[@]}")
t_full=$(best "$STRANGER" trace -f -o /dev/null "${WORK[@]}")
s_filt=$(best strace -f --seccomp-bpf -e trace=openat -o /dev/null "${WORK[@]}")
t_filt=$(best "$STRANGER" trace -f -e trace=openat -o /dev/null "${WORK[@]}")

echo "workload: ${WORK[*]} ($calls calls traced)"
printf '%-28s %8ss\n' "untraced" "$plain"
printf '%-28s %8ss  (%s calls/s)\n' "strace -f (full)" "$s_full" "$(echo "$calls / $s_full" | bc)"
printf '%-28s %8ss  (%s calls/s)\n' "stranger trace -f (full)" "$t_full" "$(echo "$calls / $t_full" | bc)"
printf '%-28s %8ss\n' "strace --seccomp-bpf openat" "$s_filt"
printf '%-28s %8ss\n' "stranger trace openat" "$t_filt"
printf 'ratio full:     %.2f\n' "$(echo "$t_full / $s_full" | bc -l)"
printf 'ratio filtered: %.2f\n' "$(echo "$t_filt / $s_filt" | bc -l)"
