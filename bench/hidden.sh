#!/bin/bash
# bench/hidden.sh BUILD - stranger hidden against unhide (brute, procall)
# and unhide-tcp, on the same quiet system: private PID and network
# namespaces holding the backdoor fixture and a few sleepers.  Both sides
# must agree that nothing is hidden.  Prints each time and the ratios, the
# port scan also with each bind probe method (--probe).
# A new PID namespace has its own pid_max (4194304 on recent kernels); it
# is set to the host's, so both tools cover the host's PID space, and
# stranger's sweep of the whole 4194304 space is timed on its own.
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

now() { date +%s.%N; }
# timed NAME CMD... - run, keep the time and exit status
timed() {
	name=$1; shift
	t0=$(now)
	case $name in s_*) limit=600 ;; *) limit=$PEER_TIMEOUT ;; esac
	timeout "$limit" "$@" >"$WORK/$name.out" 2>&1
	rc=$?
	t1=$(now)
	echo "$rc $(awk -v a="$t0" -v b="$t1" "BEGIN { printf \"%.3f\", b - a }")" >"$WORK/$name.time"
}
timed s_proc "$STRANGER" hidden --only processes
timed s_port "$STRANGER" hidden --only ports
for m in bpf-uring bpf uring syscalls; do
	timed "s_port_$m" "$STRANGER" hidden --only ports --probe=$m
done
cat /proc/sys/kernel/pid_max >"$WORK/pid_max"
timed s_4m "$STRANGER" hidden --only processes --max-pid 4194304
timed u_brute unhide brute
timed u_procall unhide procall
timed u_tcp unhide-tcp
'

get() { cut -d" " -f"$2" "$WORK/$1.time"; }
fmt() { # NAME - "1.23 s" or ">= 60 s" when cut off
	if [ "$(get "$1" 1)" = 124 ]; then echo ">= $(printf %.2f "$(get "$1" 2)") s"; else echo "$(printf %.2f "$(get "$1" 2)") s"; fi
}
ratio() { # PEER STRANGER
	r=$(awk -v a="$(get "$1" 2)" -v b="$(get "$2" 2)" "BEGIN { printf \"%.1f\", a / b }")
	if [ "$(get "$1" 1)" = 124 ]; then echo ">= ${r}x"; else echo "${r}x"; fi
}

agree=yes
for s in s_proc s_port s_4m; do
	[ "$(get $s 1)" = 0 ] || { agree=no; echo "stranger ($s) found something:"; cat "$WORK/$s.out"; }
done
for u in u_brute u_procall; do
	[ "$(get $u 1)" = 124 ] && continue
	grep -qi "found hidden" "$WORK/$u.out" && { agree=no; echo "$u found something:"; grep -i "found hidden" "$WORK/$u.out"; }
done
[ "$(get u_tcp 1)" = 124 ] || [ "$(get u_tcp 1)" = 0 ] || { agree=no; echo "unhide-tcp found something:"; cat "$WORK/u_tcp.out"; }

echo "pid_max $(cat "$WORK/pid_max") (in the namespace), $(nproc) CPUs, load $(cut -d" " -f1 /proc/loadavg)"
printf "%-44s %12s\n" "stranger hidden --only processes" "$(fmt s_proc)"
printf "%-44s %12s   ratio %s\n" "unhide brute" "$(fmt u_brute)" "$(ratio u_brute s_proc)"
printf "%-44s %12s   ratio %s\n" "unhide procall" "$(fmt u_procall)" "$(ratio u_procall s_proc)"
printf "%-44s %12s\n" "stranger hidden --only ports" "$(fmt s_port)"
printf "%-44s %12s   ratio %s\n" "unhide-tcp" "$(fmt u_tcp)" "$(ratio u_tcp s_port)"
for m in bpf-uring bpf uring syscalls; do
	case $(get "s_port_$m" 1) in
	0) printf "%-44s %12s   ratio %s\n" "  --probe=$m" "$(fmt "s_port_$m")" "$(ratio u_tcp "s_port_$m")" ;;
	2) printf "%-44s %12s\n" "  --probe=$m" "cannot run here" ;;
	*) agree=no; echo "stranger --probe=$m found something:"; cat "$WORK/s_port_$m.out" ;;
	esac
done
printf "%-44s %12s\n" "stranger hidden --only processes, 4194304 PIDs" "$(fmt s_4m)"
echo "outputs agree (nothing hidden): $agree"
[ "$agree" = yes ]
