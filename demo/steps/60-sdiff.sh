# shellcheck shell=bash
# 60-sdiff: the article's turning point.  The strings of the intruder's
# program, diffed against those of the real daemon, show what it was made
# to do: /bin/login became /bin/csh.

step "Compare its strings with a known-good program: what did they change?"
if [ -s "$WORK/dump/core" ]; then
	SUSPECT="$WORK/dump/core"
elif [ -s "$WORK/recover/exe" ]; then
	SUSPECT="$WORK/recover/exe"
else
	SUSPECT="/proc/$BACKDOOR_PID/exe"
fi
echo "known-good twin: $FIXTURES/backdoor-twin"
echo "suspect:         $SUSPECT"
printf '$ %s\n' "stranger sdiff --summary backdoor-twin $(basename "$SUSPECT")"
"$STRANGER" sdiff --summary "$FIXTURES/backdoor-twin" "$SUSPECT" >"$WORK/sdiff.out"
echo "(exit $?; $(wc -l <"$WORK/sdiff.out") strings on one side only)"
# a core holds heap noise: show the lines that matter first, then a sample
grep -E '^[-+]/bin/' "$WORK/sdiff.out"
echo "..."
grep -vE '^[-+]/bin/' "$WORK/sdiff.out" | head -n 8
