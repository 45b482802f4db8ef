#!/bin/bash
# bench/ps.sh BUILD - stranger ps (which also reads every process's fds for
# the listening flag, and its environment for LD_PRELOAD) against ps -ef,
# with NPROC (default 2000) extra processes.
BUILD=${1:-build}
. "$(dirname "$0")/lib.sh"
NPROC=${NPROC:-2000}
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
	wait 2>/dev/null
}
trap cleanup EXIT
for _ in $(seq "$NPROC"); do
	sleep 600 &
	pids+=($!)
done
sleep 1
n_ps=$(ps -e --no-headers | wc -l)
n_ours=$("$STRANGER" ps | tail -n +2 | wc -l)
echo "machine: ps -e sees $n_ps processes, stranger ps sees $n_ours"
t_ps=$(best_of 5 ps -ef)
t_ours=$(best_of 5 "$STRANGER" ps)
echo "ps -ef          ${t_ps}s"
echo "stranger ps     ${t_ours}s"
echo "ratio ps -ef / stranger ps: $(ratio "$t_ps" "$t_ours")x"
