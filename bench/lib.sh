# bench/lib.sh - shared by the benchmark scripts.
#
#   best_of N CMD...   run CMD N times (output to /dev/null), print the
#                      fastest wall-clock time in seconds
#   ratio A B          print A/B with two decimals
set -u
: "${BUILD:=build}"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
STRANGER="$BUILD/stranger"
FIXTURES="$BUILD/fixtures"

best_of() {
	n=$1
	shift
	best=
	for _ in $(seq "$n"); do
		t0=$(date +%s.%N)
		"$@" >/dev/null 2>&1
		t1=$(date +%s.%N)
		t=$(echo "$t1 - $t0" | bc -l)
		if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then
			best=$t
		fi
	done
	printf '%.3f\n' "$best"
}

ratio() {
	printf '%.2f\n' "$(echo "$1 / $2" | bc -l)"
}
