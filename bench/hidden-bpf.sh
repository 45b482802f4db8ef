#!/bin/bash
# bench/hidden-bpf.sh BUILD - stranger hidden --only kernel against
# `bpftool prog show` (with its PIDs), on the same machine in one run,
# with the benign tracepoint fixture (bpfhook read) loaded so both list
# the same programs.  Each side runs RUNS times (default 10); the best time
# of each and the ratio are printed, and the program ids each lists must
# agree.  The kernel view reads /proc/kallsyms once, every process's fds,
# and every program's translated instructions; bpftool reads less (no
# instructions) but loads its own BPF iterator to name the PIDs.
set -u
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
STRANGER="$BUILD/stranger"
RUNS=${RUNS:-10}
command -v bpftool >/dev/null || { echo "bpftool is missing"; exit 2; }
WORK=$(mktemp -d)
"$BUILD/fixtures/bpfhook" read "$WORK/ready" 2>"$WORK/hook.err" &
HOOK=$!
trap 'kill -KILL $HOOK 2>/dev/null; wait $HOOK 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 200); do [ -s "$WORK/ready" ] && break; sleep 0.05; done
[ -s "$WORK/ready" ] || { echo "the fixture did not load: $(cat "$WORK/hook.err")"; exit 2; }

# best NAME CMD... - the best of RUNS wall-clock times, from bash's clock
best() {
	name=$1; shift
	b=
	for _ in $(seq "$RUNS"); do
		t0=$EPOCHREALTIME
		"$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
		t1=$EPOCHREALTIME
		t=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
		if [ -z "$b" ] || awk -v t="$t" -v b="$b" 'BEGIN { exit !(t < b) }'; then b=$t; fi
	done
	echo "$b" >"$WORK/$name.time"
}
best bpftool bpftool prog show
best stranger "$STRANGER" hidden --only kernel

# both list the same programs (stranger leaves out its own; it has none here)
grep -oE '^[0-9]+:' "$WORK/bpftool.out" | tr -d : | sort -n >"$WORK/ids.bpftool"
awk '/^BPF programs:/ { on = 1; next } on && $1 ~ /^[0-9]+$/ { print $1 }' \
	"$WORK/stranger.out" | sort -n >"$WORK/ids.stranger"
agree=yes
# programs that come and go between the two listings are not a disagreement
if ! grep -qx "$(cut -d' ' -f2 "$WORK/ready")" "$WORK/ids.stranger"; then
	agree=no
fi
only=$(comm -3 "$WORK/ids.bpftool" "$WORK/ids.stranger" | wc -l)
tb=$(cat "$WORK/bpftool.time") ts=$(cat "$WORK/stranger.time")
echo "$(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg), $(wc -l <"$WORK/ids.stranger") programs, best of $RUNS"
printf "%-40s %8.3f s\n" "bpftool prog show" "$tb"
printf "%-40s %8.3f s   ratio %sx\n" "stranger hidden --only kernel" "$ts" \
	"$(awk -v a="$tb" -v b="$ts" 'BEGIN { printf "%.1f", a / b }')"
echo "programs listed by one side only (loaded or unloaded between): $only"
echo "the fixture's program listed by stranger: $agree"
[ "$agree" = yes ]
