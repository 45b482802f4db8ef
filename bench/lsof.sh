#!/bin/bash
# bench/lsof.sh BUILD - stranger lsof against lsof -n -P for the whole
# machine, with NPROC (default 2000) fixture processes holding 20 fds each.
# Checks that both report the same (FD, TYPE, NODE, NAME) tuples for the
# fixtures, then prints the times and the ratio.
BUILD=${1:-build}
. "$(dirname "$0")/lib.sh"
NPROC=${NPROC:-2000}
TMP=$(mktemp -d /tmp/stranger-bench.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

for i in $(seq "$NPROC"); do
	"$FIXTURES/holder" "$TMP/r$i" 20 0 2>/dev/null &
	pids+=($!)
done
for i in $(seq "$NPROC"); do
	while [ ! -s "$TMP/r$i" ]; do sleep 0.01; done
done
echo "machine: $(ls /proc | grep -c '^[0-9]') processes, $NPROC of them fixtures with 20 fds"

# the header must come from the same run as the rows: widths differ
lsof -n -P -K i 2>/dev/null | awk 'NR == 1 || /^holder /' >"$TMP/real"
"$STRANGER" lsof 2>/dev/null | awk 'NR == 1 || /^holder /' >"$TMP/ours"
python3 "$ROOT/tests/lsof_tuples.py" "$TMP/real" >"$TMP/real.t"
python3 "$ROOT/tests/lsof_tuples.py" "$TMP/ours" >"$TMP/ours.t"
if cmp -s "$TMP/real.t" "$TMP/ours.t"; then
	echo "same tuples: $(wc -l <"$TMP/ours.t") (FD, TYPE, NODE, NAME) for the fixtures"
else
	echo "tuples differ:"
	diff "$TMP/real.t" "$TMP/ours.t" | head -n 20
	exit 1
fi

t_lsof=$(best_of 3 lsof -n -P)
t_lsofk=$(best_of 3 lsof -n -P -K i)
t_ours=$(best_of 3 "$STRANGER" lsof)
echo "lsof -n -P           ${t_lsof}s"
echo "lsof -n -P -K i      ${t_lsofk}s"
echo "stranger lsof        ${t_ours}s"
echo "ratio lsof -n -P / stranger lsof:       $(ratio "$t_lsof" "$t_ours")x"
echo "ratio lsof -n -P -K i / stranger lsof:  $(ratio "$t_lsofk" "$t_ours")x"
