#!/bin/bash
# bench/hidden.sh BUILD - stranger hidden against unhide (brute, procall)
# and unhide-tcp, on the same quiet system: private PID and network
# namespaces holding the backdoor fixture and a few sleepers.  Both sides
# must agree that nothing is hidden.  Prints each time and the ratios, the
# port scan also with each bind probe method (--probe).
# A new PID namespace has its own pid_max (4194304 on recent kernels); it
# is set to the host's, so both tools cover the host's PID space, and
# stranger's sweep of the whole 4194304 space is timed on its own.  Each
# stranger figure is taken with the default sweep (BPF where it loads) and
# with --sweep=syscalls, the sweep used where BPF is denied.
#
# unhide brute forks once per PID and can take many minutes; each peer
# gets PEER_TIMEOUT seconds (default 60), and a peer cut off there is
# reported as ">=": the ratio is then a lower bound.
set -u
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
STRANGER="$BUILD/stranger"
FIXTURES="$BUILD/fixtures"
PEER_TIMEOUT=${PEER_TIMEOUT:-60}
for t in unhide unhide-tcp unshare; do
	command -v "$t" >/dev/null || { echo "bench/hidden: $t not installed (Debian: unhide)"; exit 2; }
done
WORK=$(mktemp -d /tmp/stranger-bench.XXXXXX)
HOST_PID_MAX=$(cat /proc/sys/kernel/pid_max)
trap 'rm -rf "$WORK"' EXIT

STRANGER="$STRANGER" FIXTURES="$FIXTURES" WORK="$WORK" PEER_TIMEOUT="$PEER_TIMEOUT" \
HOST_PID_MAX="$HOST_PID_MAX" \
unshare -pfnm --mount-proc --propagation private bash -c '
ip link set lo up 2>/dev/null
echo "$HOST_PID_MAX" >/proc/sys/kernel/pid_max 2>/dev/null
mkdir -p "$WORK/bd"
"$FIXTURES/backdoor" -d "$WORK/bd" -p 5120 -r "$WORK/ready" &
for _ in $(seq 200); do [ -s "$WORK/ready" ] && break; sleep 0.05; done
for i in 1 2 3; do sleep 600 & done

# times come from the clock of bash itself: a date(1) per reading would
# add its fork and exec to every figure, a large part of a short one
# timed NAME CMD... - run under timeout(1), keep the time and exit status
timed() {
	name=$1; shift
	t0=$EPOCHREALTIME
	case $name in s_*) limit=600 ;; *) limit=$PEER_TIMEOUT ;; esac
	timeout "$limit" "$@" >"$WORK/$name.out" 2>&1
	rc=$?
	t1=$EPOCHREALTIME
	echo "$rc $(awk -v a="$t0" -v b="$t1" "BEGIN { printf \"%.3f\", b - a }")" >"$WORK/$name.time"
}
# which sweep the default is here; this also brings stranger into the
# page cache, as the peers are after their first run
if "$STRANGER" hidden --only processes --max-pid 64 --sweep=bpf >/dev/null 2>&1; then
	echo bpf >"$WORK/sweep"
else
	echo "syscalls (BPF unavailable)" >"$WORK/sweep"
fi
timed s_proc "$STRANGER" hidden --only processes
timed s_proc_sc "$STRANGER" hidden --only processes --sweep=syscalls
timed s_port "$STRANGER" hidden --only ports
for m in bpf-uring bpf uring syscalls; do
	timed "s_port_$m" "$STRANGER" hidden --only ports --probe=$m
done
cat /proc/sys/kernel/pid_max >"$WORK/pid_max"
timed s_4m "$STRANGER" hidden --only processes --max-pid 4194304
timed s_4m_sc "$STRANGER" hidden --only processes --max-pid 4194304 --sweep=syscalls
timed u_brute unhide brute
timed u_procall unhide procall
timed u_tcp unhide-tcp
'

get() { cut -d" " -f"$2" "$WORK/$1.time"; }
fmt() { # NAME - "1.23 s", "0.045 s" below a second, or ">= 60.00 s" when cut off
	t=$(get "$1" 2)
	case $t in 0.*) t=$(printf %.3f "$t") ;; *) t=$(printf %.2f "$t") ;; esac
	if [ "$(get "$1" 1)" = 124 ]; then echo ">= $t s"; else echo "$t s"; fi
}
ratio() { # PEER STRANGER
	r=$(awk -v a="$(get "$1" 2)" -v b="$(get "$2" 2)" "BEGIN { printf \"%.1f\", a / b }")
	if [ "$(get "$1" 1)" = 124 ]; then echo ">= ${r}x"; else echo "${r}x"; fi
}

agree=yes
for s in s_proc s_proc_sc s_port s_4m s_4m_sc; do
	[ "$(get $s 1)" = 0 ] || { agree=no; echo "stranger ($s) found something:"; cat "$WORK/$s.out"; }
done
for u in u_brute u_procall; do
	[ "$(get $u 1)" = 124 ] && continue
	grep -qi "found hidden" "$WORK/$u.out" && { agree=no; echo "$u found something:"; grep -i "found hidden" "$WORK/$u.out"; }
done
[ "$(get u_tcp 1)" = 124 ] || [ "$(get u_tcp 1)" = 0 ] || { agree=no; echo "unhide-tcp found something:"; cat "$WORK/u_tcp.out"; }

echo "pid_max $(cat "$WORK/pid_max") (in the namespace), $(nproc) CPUs, load $(cut -d" " -f1 /proc/loadavg), default sweep: $(cat "$WORK/sweep")"
W=56
printf "%-${W}s %12s\n" "stranger hidden --only processes" "$(fmt s_proc)"
printf "%-${W}s %12s\n" "stranger hidden --only processes --sweep=syscalls" "$(fmt s_proc_sc)"
printf "%-${W}s %12s   ratio %s; --sweep=syscalls %s\n" "unhide brute" "$(fmt u_brute)" "$(ratio u_brute s_proc)" "$(ratio u_brute s_proc_sc)"
printf "%-${W}s %12s   ratio %s; --sweep=syscalls %s\n" "unhide procall" "$(fmt u_procall)" "$(ratio u_procall s_proc)" "$(ratio u_procall s_proc_sc)"
printf "%-${W}s %12s\n" "stranger hidden --only ports" "$(fmt s_port)"
printf "%-${W}s %12s   ratio %s\n" "unhide-tcp" "$(fmt u_tcp)" "$(ratio u_tcp s_port)"
for m in bpf-uring bpf uring syscalls; do
	case $(get "s_port_$m" 1) in
	0) printf "%-${W}s %12s   ratio %s\n" "  --probe=$m" "$(fmt "s_port_$m")" "$(ratio u_tcp "s_port_$m")" ;;
	2) printf "%-${W}s %12s\n" "  --probe=$m" "cannot run here" ;;
	*) agree=no; echo "stranger --probe=$m found something:"; cat "$WORK/s_port_$m.out" ;;
	esac
done
printf "%-${W}s %12s   ratio to unhide procall %s\n" "stranger hidden --only processes, 4194304 PIDs" "$(fmt s_4m)" "$(ratio u_procall s_4m)"
printf "%-${W}s %12s   ratio to unhide procall %s\n" "  the same, --sweep=syscalls" "$(fmt s_4m_sc)" "$(ratio u_procall s_4m_sc)"
echo "outputs agree (nothing hidden): $agree"
[ "$agree" = yes ]
