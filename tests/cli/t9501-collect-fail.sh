#!/bin/bash
# collect when things go wrong: a suspect that dies mid-collection, a
# folder it cannot read, Ctrl-C, a budget that runs out.  The case is
# sealed every time and the report says what is missing.
. "$(dirname "$0")/../lib.sh"

# wait_log CASE TEXT - until CASE/case.log holds TEXT (10 s at most)
wait_log() {
	i=0
	until grep -q "$2" "$1/case.log" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 500 ] && { echo "timeout waiting for $2" >&2; return 1; }
		sleep 0.02
	done
}

sealed() {
	test -s "$1/manifest.sha256" &&
	(cd "$1" && sha256sum -c --strict --quiet manifest.sha256) &&
	grep -q "  collect.json$" "$1/manifest.sha256" &&
	grep -q "  case.log$" "$1/manifest.sha256"
}

test_expect_success 'a suspect that dies before its evidence is taken' '
	cp /bin/sleep "$TMP/dier" &&
	fixture_start DIER "$TMP/dier" 300 &&
	sleep 0.2 && rm "$TMP/dier"
	{ "$STRANGER" collect --profile quick --force-same-fs -o "$TMP/c1" \
		>"$TMP/out1" 2>"$TMP/err1"; echo $? >"$TMP/rc1"; } &
	cpid=$!
	wait_log "$TMP/c1" "step suspicious: " &&
	fixture_kill "$DIER" &&
	wait $cpid &&
	test "$(cat "$TMP/rc1")" = 1 &&
	grep -q "\"pid\":$DIER," "$TMP/c1/live/suspicious.jsonl" &&
	grep -q "\"step\":\"recover $DIER\",\"phase\":3,\"status\":\"failed\",.*no such process" \
		"$TMP/c1/collect.json" &&
	grep -q "\"step\":\"logs\"" "$TMP/c1/collect.json" &&
	sealed "$TMP/c1" &&
	test_expect_code 1 "$STRANGER" report "$TMP/c1" >"$TMP/rep1" &&
	grep -q "^  recover $DIER: failed: stranger: recover: $DIER: no such process$" "$TMP/rep1" &&
	grep -q "process $DIER: dier" "$TMP/rep1" &&
	grep -q "its executable was not recovered" "$TMP/c1/report.html"
'

if setpriv --bounding-set=-dac_override,-dac_read_search true 2>/dev/null; then
	test_expect_success 'a folder it cannot read: the step is partial, the rest goes on' '
		mkdir -p "$TMP/locked/inner" && echo secret >"$TMP/locked/inner/x" &&
		chmod 000 "$TMP/locked" &&
		test_expect_code 1 setpriv --bounding-set=-dac_override,-dac_read_search \
			"$STRANGER" collect --profile quick --force-same-fs -o "$TMP/c2" \
			>/dev/null 2>"$TMP/err2" &&
		chmod 700 "$TMP/locked" &&
		grep -q "\"path\":\"$TMP/locked\",\"error\":\"Permission denied\"" \
			"$TMP/c2/persist/tmp.jsonl" &&
		grep -q "\"step\":\"tmp\",\"phase\":4,\"status\":\"partial\",.*paths could not be read" \
			"$TMP/c2/collect.json" &&
		grep -q "\"step\":\"logs\",\"phase\":5," "$TMP/c2/collect.json" &&
		sealed "$TMP/c2" &&
		test_expect_code 1 "$STRANGER" report "$TMP/c2" >"$TMP/rep2" &&
		grep -q "^  tmp: partial: .*paths could not be read" "$TMP/rep2"
	'
else
	test_skip 'a folder it cannot read' 'setpriv cannot drop capabilities here'
fi

test_expect_success 'Ctrl-C: exit 130, the partial case sealed, the rest marked' '
	"$STRANGER" collect --profile quick --force-same-fs -o "$TMP/c3" \
		>"$TMP/out3" 2>"$TMP/err3" &
	pid=$! &&
	wait_log "$TMP/c3" "step ps: " &&
	kill -INT $pid &&
	{ wait $pid; echo $? >"$TMP/rc3"; } &&
	test "$(cat "$TMP/rc3")" = 130 &&
	grep -q "^stranger: collect: interrupted; the partial case is sealed$" "$TMP/err3" &&
	sealed "$TMP/c3" &&
	grep -q "\"status\":\"skipped\",\"detail\":\"interrupted\"" "$TMP/c3/collect.json" &&
	grep -q "end: exit status 130" "$TMP/c3/case.log" &&
	test_expect_code 1 "$STRANGER" report "$TMP/c3" >"$TMP/rep3" &&
	grep -q "skipped: interrupted" "$TMP/rep3"
'

test_expect_success 'a budget that runs out: later steps skipped and said so' '
	test_expect_code 1 "$STRANGER" collect --profile quick --budget 1 \
		--force-same-fs -o "$TMP/c4" >/dev/null 2>&1 &&
	sealed "$TMP/c4" &&
	grep -q "\"status\":\"skipped\",\"detail\":\"budget spent\"" "$TMP/c4/collect.json" &&
	"$STRANGER" report "$TMP/c4" | grep -q "skipped: budget spent"
'

test_done
