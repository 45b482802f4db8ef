#!/bin/bash
# bench/collect.sh BUILD - how long a whole case takes: `collect --profile
# quick`, `collect --profile full` (without --dump-suspects) and `report`,
# against the project's goals (quick < 30 s, full < 3 min, report < 2 s),
# with the backdoor fixture running.
#
# The peer is UAC (Unix-like Artifacts Collector), which collects through
# the host's own shell tools.  Give a copy of its source (the public
# tclahr/uac repository; figures in the README are for 3.3.0) in UAC_DIR:
# the script then runs UAC's live_response/process artifacts (the part of
# ir_triage that `collect --profile quick` covers: processes, open files,
# hashes and strings of running programs) beside `collect --profile quick`
# on the same machine in the same run, and prints the ratio.  UAC_FULL=1
# also runs the whole ir_triage profile beside `--profile full` (UAC takes
# many minutes).  Without UAC_DIR only stranger's times are printed.
set -u
. "$(dirname "$0")/lib.sh"
[ $# -ge 1 ] && { BUILD=$1; case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
	STRANGER="$BUILD/stranger"; FIXTURES="$BUILD/fixtures"; }
WORK=$(mktemp -d /tmp/stranger-bench.XXXXXX)
BD=
cleanup() {
	[ -n "$BD" ] && kill -KILL "$BD" 2>/dev/null
	[ -n "${LAUNCH:-}" ] && { kill -KILL "$LAUNCH" 2>/dev/null; wait "$LAUNCH" 2>/dev/null; }
	rm -rf "$WORK"
}
trap cleanup EXIT

mkdir -p "$WORK/intruder"
"$FIXTURES/backdoor" -d "$WORK/intruder" -p 5140 -r "$WORK/ready" &
LAUNCH=$!
for _ in $(seq 100); do [ -s "$WORK/ready" ] && break; sleep 0.05; done
read -r BD _ <"$WORK/ready"

secs() { # secs CMD... - wall seconds of one run
	t0=$(date +%s.%N)
	"$@" >/dev/null 2>&1
	t1=$(date +%s.%N)
	printf '%.2f\n' "$(echo "$t1 - $t0" | bc -l)"
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
q=$(secs "$STRANGER" collect --profile quick --force-same-fs -o "$WORK/quick")
echo "collect --profile quick: $q s (goal < 30 s), $(du -sh "$WORK/quick" | cut -f1), $(wc -l <"$WORK/quick/manifest.sha256") files"
r=$(secs "$STRANGER" report "$WORK/quick")
echo "report of that case: $r s (goal < 2 s)"
f=$(secs "$STRANGER" collect --profile full --force-same-fs -o "$WORK/full")
echo "collect --profile full: $f s (goal < 180 s), $(du -sh "$WORK/full" | cut -f1), $(wc -l <"$WORK/full/manifest.sha256") files"
grep -o '"step":"[a-z]*","phase":[0-9],"status":"[a-z]*","started":"[^"]*","seconds":[0-9.]*' \
	"$WORK/full/collect.json" | sed 's/"started":"[^"]*",//; s/^/  full: /'
rf=$(secs "$STRANGER" report "$WORK/full")
echo "report of the full case: $rf s (goal < 2 s)"

if [ -n "${UAC_DIR:-}" ]; then
	[ -x "$UAC_DIR/uac" ] || { echo "bench/collect: $UAC_DIR/uac: not UAC"; exit 2; }
	mkdir "$WORK/uac-proc"
	u=$(cd "$UAC_DIR" && secs ./uac -a 'live_response/process/*' "$WORK/uac-proc")
	echo "UAC -a live_response/process/*: $u s; stranger collect --profile quick: $q s; ratio $(ratio "$u" "$q")x"
	if [ "${UAC_FULL:-0}" = 1 ]; then
		mkdir "$WORK/uac-full"
		uf=$(cd "$UAC_DIR" && secs ./uac -p ir_triage "$WORK/uac-full")
		echo "UAC -p ir_triage: $uf s; stranger collect --profile full: $f s; ratio $(ratio "$uf" "$f")x"
	fi
else
	echo "UAC: not run (set UAC_DIR to a copy of tclahr/uac to compare)"
fi
