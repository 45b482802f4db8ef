#!/bin/bash
# bench/dump.sh BUILD - a memory dump of a process holding 1 GiB of touched
# memory: stranger dump against gcore (gdb) and against a bare
# process_vm_readv + write loop (bench/pvread.c, the physical reference),
# to a tmpfs (/dev/shm) and to disk.  RUNS=N takes the best of N runs
# (default 1; the whole bench stays under two minutes).  The cores
# must agree: gdb reads the same bytes of the fixture's memory from
# stranger's core and from gcore's.
set -u
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
STRANGER="$BUILD/stranger"
command -v gcore >/dev/null || { echo "bench/dump.sh: gcore (gdb) is not installed"; exit 1; }
SHM=$(mktemp -d /dev/shm/stranger-bench.XXXXXX)
DISK=$(mktemp -d /var/tmp/stranger-bench.XXXXXX)
PID=
cleanup() {
	[ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	rm -rf "$SHM" "$DISK"
}
trap cleanup EXIT
cc -O2 -o "$DISK/pvread" "$ROOT/bench/pvread.c" || exit 1

"$BUILD/fixtures/dumpee" -r "$DISK/ready" -m 1024 &
PID=$!
for _ in $(seq 400); do [ -s "$DISK/ready" ] && break; sleep 0.05; done
[ -s "$DISK/ready" ] || { echo "fixture did not start"; exit 1; }

now() { date +%s.%N; }
# best TOOL DIR - the best of two runs, in seconds
run_once() {
	tool=$1 dir=$2 out=$dir/out.$tool
	rm -rf "$out" "$out".*
	sync
	t0=$(now)
	case $tool in
	stranger) "$STRANGER" dump "$PID" -o "$out" >/dev/null || return 1 ;;
	gcore) gcore -o "$out" "$PID" >/dev/null 2>&1 || return 1 ;;
	bare) "$DISK/pvread" "$PID" "$out" >/dev/null || return 1 ;;
	esac
	t1=$(now)
	echo "$t1 - $t0" | bc
}
best() {
	b=
	for _ in $(seq "${RUNS:-1}"); do
		a=$(run_once "$1" "$2") || { echo "$1 failed" >&2; exit 1; }
		if [ -z "$b" ]; then b=$a; else b=$(echo "if ($a < $b) $a else $b" | bc); fi
	done
	echo "$b"
}
ratio() { printf '%.2f' "$(echo "$1 / $2" | bc -l)"; }

for where in tmpfs disk; do
	dir=$SHM
	[ $where = disk ] && dir=$DISK
	s=$(best stranger "$dir")
	g=$(best gcore "$dir")
	b=$(best bare "$dir")
	# agreement: the same bytes of the filled memory through gdb
	probe='x/8xg filled+123456789'
	gs=$(gdb -nx -batch -ex "$probe" "$BUILD/fixtures/dumpee" "$dir/out.stranger/core" 2>/dev/null | tail -n 1)
	gg=$(gdb -nx -batch -ex "$probe" "$BUILD/fixtures/dumpee" "$dir/out.gcore.$PID" 2>/dev/null | tail -n 1)
	if [ -z "$gs" ] || [ "$gs" != "$gg" ]; then
		echo "bench/dump.sh: stranger's and gcore's cores disagree: '$gs' / '$gg'"
		exit 1
	fi
	# the manifest holds (openssl's SHA-256: the same sums, faster than coreutils)
	(cd "$dir/out.stranger" && while read -r sum name; do
		test "$(openssl dgst -sha256 -r "$name" | cut -d" " -f1)" = "$sum" || exit 1
	done <manifest.sha256) || { echo "bench/dump.sh: manifest check failed"; exit 1; }
	printf '%-6s 1 GiB: stranger dump %6.2f s   gcore %6.2f s   bare loop %6.2f s   stranger/bare %s   stranger/gcore %s\n' \
		"$where" "$s" "$g" "$b" "$(ratio "$s" "$b")" "$(ratio "$s" "$g")"
	rm -rf "$dir"/out.*
done
