#!/bin/bash
# demo/night.sh BUILD - the article's night, replayed on this machine.
#
# Starts the harmless backdoor fixture (a copy of itself running as
# "<defunct>", executable deleted, a deleted password log held open,
# listening on 127.0.0.1:5120 or the next free port), then runs each step
# in demo/steps/ in order.  Each step sees STRANGER, FIXTURES, WORK (a
# scratch folder), BACKDOOR_PID, BACKDOOR_PORT and BACKDOOR_SHA256 (the
# SHA-256 of the executable before it deleted itself), and uses `step` to
# say what a responder learns.  At the end the fixture is killed by its PID
# and everything it made is removed.
set -u
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
STRANGER="$BUILD/stranger"
FIXTURES="$BUILD/fixtures"
WORK=$(mktemp -d /tmp/stranger-demo.XXXXXX)
BACKDOOR_PID=
export STRANGER FIXTURES WORK

cleanup() {
	if [ -n "$BACKDOOR_PID" ]; then
		"$STRANGER" thaw "$BACKDOOR_PID" >/dev/null 2>&1
		kill -KILL "$BACKDOOR_PID" 2>/dev/null
		wait "$BACKDOOR_PID" 2>/dev/null
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() {
	printf '\n\033[1m== %s\033[0m\n' "$*"
}
run() {
	printf '$ %s\n' "$*"
	"$@"
	echo "(exit $?)"
}

step "The night: an intruder's program is running. We start a harmless stand-in."
mkdir -p "$WORK/intruder"
BACKDOOR_SHA256=$(sha256sum "$FIXTURES/backdoor" | cut -d' ' -f1)
"$FIXTURES/backdoor" -d "$WORK/intruder" -p 5120 -r "$WORK/ready" &
BACKDOOR_LAUNCHER=$!
for _ in $(seq 100); do [ -s "$WORK/ready" ] && break; sleep 0.05; done
read -r BACKDOOR_PID BACKDOOR_PORT <"$WORK/ready" || { echo "backdoor did not start"; exit 1; }
[ "$BACKDOOR_PID" = "$BACKDOOR_LAUNCHER" ] || { echo "unexpected backdoor pid"; exit 1; }
echo "backdoor running as PID $BACKDOOR_PID on 127.0.0.1:$BACKDOOR_PORT"
export BACKDOOR_PID BACKDOOR_PORT BACKDOOR_SHA256

for s in "$ROOT"/demo/steps/[0-9]*.sh; do
	[ -f "$s" ] || continue
	# shellcheck source=/dev/null
	. "$s"
done

step "Done: the fixture is killed by its PID and its files removed."
