#!/bin/bash
# bench/sandbox.sh BUILD - what the sandbox costs, on the same programs in
# one run:
#   1. start to report: `stranger sandbox -- /bin/true` (namespaces, the
#      overlay, cgroups, the seccomp filter, the tracer attached, the
#      sealed report), with --net=none and with the sinkhole (BPF hooks
#      loaded), against `bwrap --unshare-all --ro-bind / / /bin/true`,
#      which isolates but watches and reports nothing;
#   2. a program making 100,000 system calls (dd bs=1, 50,000 reads and
#      50,000 writes) run plainly, and in the sandbox, traced (bpf),
#      checking that the trace holds every one of its reads and writes.
# Prints the best of 5 runs of each and the ratios.
# Goals: under 100 ms to start and report on /bin/true; the traced run
# within 2x of untraced.
set -eu
. "$(dirname "$0")/lib.sh"
BUILD=${1:-build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
STRANGER="$BUILD/stranger"
command -v bwrap >/dev/null || { echo "bench/sandbox.sh: bwrap not installed (scripts/deps.sh)" >&2; exit 2; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/stranger-bench-sandbox.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
# sb ARGS... - one sandbox run into a fresh evidence folder
sb() {
	"$STRANGER" sandbox -o "$TMP/sb.$BASHPID.$RANDOM$RANDOM" "$@"
}

"$STRANGER" sandbox --net=none -o "$TMP/first" -- /bin/true >/dev/null || { echo "bench/sandbox.sh: the sandbox does not run here" >&2; exit 2; }
bwrap --unshare-all --ro-bind / / /bin/true || { echo "bench/sandbox.sh: bwrap does not run here" >&2; exit 2; }

bw=$(best_of 5 bwrap --unshare-all --ro-bind / / /bin/true)
none=$(best_of 5 sb --net=none -- /bin/true)
ptr=$(best_of 5 sb --net=none --backend=ptrace -- /bin/true)
sink=$(best_of 5 sb -- /bin/true)
bare=$(best_of 5 "$STRANGER" --version)
echo "start to report, /bin/true (best of 5, seconds):"
printf '  %-46s %8s\n' "bwrap --unshare-all --ro-bind / / /bin/true" "$bw"
printf '  %-46s %8s  %5sx bwrap\n' "stranger sandbox --net=none -- /bin/true" "$none" "$(ratio "$none" "$bw")"
printf '  %-46s %8s  %5sx bwrap\n' "stranger sandbox --net=none --backend=ptrace" "$ptr" "$(ratio "$ptr" "$bw")"
printf '  %-46s %8s  %5sx bwrap\n' "stranger sandbox -- /bin/true (sinkhole, bpf)" "$sink" "$(ratio "$sink" "$bw")"
printf '  %-46s %8s\n' "(stranger --version, loading its libraries)" "$bare"

COUNT=50000
WORK=(dd if=/dev/zero of=/dev/null bs=1 count=$COUNT)
plain=$(best_of 5 "${WORK[@]}")
traced=$(best_of 5 sb --net=none --backend=bpf -- "${WORK[@]}")
# the check: a traced run's trace has every read and write of dd
"$STRANGER" sandbox --net=none --backend=bpf -o "$TMP/check" -- "${WORK[@]}" >/dev/null 2>&1
last="$TMP/check/trace.txt"
r=$(grep -c ' read(0, "\\0", 1) *= 1$' "$last" || true)
w=$(grep -c ' write(1, "\\0", 1) *= 1$' "$last" || true)
if [ "$r" != $COUNT ] || [ "$w" != $COUNT ]; then
	echo "bench/sandbox.sh: the trace has $r reads and $w writes of $COUNT" >&2
	exit 1
fi
echo "100,000 system calls (dd bs=1 count=$COUNT; best of 5, seconds):"
printf '  %-46s %8s\n' "untraced" "$plain"
printf '  %-46s %8s  %5sx untraced\n' "in the sandbox, traced (bpf), with the report" "$traced" "$(ratio "$traced" "$plain")"
