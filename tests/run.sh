#!/bin/sh
# tests/run.sh BUILD - run every unit test and every CLI test against the
# build in BUILD; print each file's TAP, then one line
# "N passed, N failed, N skipped".  Exit 1 if anything failed.
BUILD=${1:-build}
export BUILD
cd "$(dirname "$0")/.." || exit 2
pass=0 fail=0 skip=0
log=$(mktemp)
run_one() {
	name=$1
	shift
	echo "== $name"
	"$@" >"$log" 2>&1
	rc=$?
	cat "$log"
	p=$(grep -c '^ok ' "$log" | tr -d ' ')
	s=$(grep -c '^ok .*# [Ss][Kk][Ii][Pp]' "$log" | tr -d ' ')
	# cmocka reports a skipped test as "not ok N # SKIP"
	cs=$(grep -c '^not ok .*# [Ss][Kk][Ii][Pp]' "$log" | tr -d ' ')
	f=$(($(grep -c '^not ok ' "$log" | tr -d ' ') - cs))
	s=$((s + cs))
	p=$((p + cs))
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		echo "not ok - $name exited with $rc"
		f=1
	fi
	pass=$((pass + p - s))
	skip=$((skip + s))
	fail=$((fail + f))
}
for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	CMOCKA_MESSAGE_OUTPUT=TAP run_one "$(basename "$t")" "$t"
done
for t in tests/cli/t[0-9]*.sh; do
	[ -f "$t" ] || continue
	if [ -n "${ONLY:-}" ]; then case "$t" in *"$ONLY"*) ;; *) continue ;; esac; fi
	run_one "$t" bash "$t"
done
rm -f "$log"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
