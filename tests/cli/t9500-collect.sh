#!/bin/bash
# collect and report: the backdoor and a preloaded hider are found, put
# first in the report, and the page renders in a browser; a changed file
# is flagged; any sealed folder can be reported on; bad input is refused.
. "$(dirname "$0")/../lib.sh"

OUT="$BUILD/test-output/t9500"
rm -rf "$OUT" && mkdir -p "$OUT"

mkdir -p "$TMP/intruder"
fixture_start LAUNCH "$FIXTURES/backdoor" -d "$TMP/intruder" -p 5130 -r "$TMP/ready"
wait_for_file "$TMP/ready"
read -r BD _ <"$TMP/ready"
fixture_adopt "$BD"
# the hider: libhider preloaded into a sleeper, asked to hide the backdoor
HIDER_PIDS=$BD LD_PRELOAD="$FIXTURES/libhider.so" fixture_start HIDER sleep 300
# a process whose command line is made to attack an HTML page
fixture_start HTMLBAD bash -c 'exec -a "<script>alert(1)</script>\"&'"'"'" sleep 300'
sleep 0.3
CASE="$TMP/case"

# first_findings REPORT BD HIDER - the backdoor and the hider lead the
# findings: before them only what is as suspicious (a name that lies, a
# preload, a hidden process: another test's fixtures, running on the same
# machine at the same time).
first_findings() {
	python3 - "$@" <<-\PY
	import re, sys
	blocks = []
	for l in open(sys.argv[1]):
	    if re.match(r"^ *[0-9]+\. ", l):
	        blocks.append(l)
	    elif blocks and l.startswith("      "):
	        blocks[-1] += l
	def at(pid):
	    for i, b in enumerate(blocks):
	        if re.match(r"^ *[0-9]+\. process %s: " % pid, b):
	            return i
	    sys.exit("process %s is not a finding" % pid)
	def strong(b):
	    return any(w in b for w in ("name_mismatch", "preload", "hidden"))
	bd, hider = at(sys.argv[2]), at(sys.argv[3])
	assert bd < hider
	for b in blocks[:hider]:
	    assert strong(b), b
	assert "<defunct>" in blocks[bd] and "sleep" in blocks[hider]
	PY
}

test_expect_success 'collect refuses a folder on a file system it reads' '
	test_expect_code 2 "$STRANGER" collect -o "$TMP/same" 2>"$TMP/err" &&
	test $(wc -l <"$TMP/err") = 1 &&
	grep -q "^stranger: collect: .*same: on the file system of .*--force-same-fs" "$TMP/err" &&
	! test -e "$TMP/same"
'

test_expect_success 'collect --profile quick: a sealed case with every step recorded' '
	test_expect_code 1 "$STRANGER" collect --profile quick --force-same-fs \
		-o "$CASE" >"$TMP/out" 2>"$TMP/err" &&
	cat "$TMP/out" &&
	grep -q "^case: $CASE$" "$TMP/out" &&
	(cd "$CASE" && sha256sum -c --strict --quiet manifest.sha256) &&
	valid_json_lines "$CASE/collect.json" &&
	for s in system ps suspicious lsof hidden users persistence setid tmp verify timeline logs; do
		grep -q "\"step\":\"$s\"" "$CASE/collect.json" || { echo "no step $s"; exit 1; }
		grep -q "step $s: " "$CASE/case.log" || { echo "no log of $s"; exit 1; }
	done &&
	grep -q "\"step\":\"verify\",\"phase\":5,\"status\":\"skipped\"" "$CASE/collect.json" &&
	for f in system/clock.json system/version system/mountinfo live/ps.jsonl \
		live/lsof.jsonl live/hidden.jsonl persist/setid.jsonl persist/tmp.jsonl \
		files/etc/passwd collect.json case.log; do
		grep -q "  $f$" "$CASE/manifest.sha256" || { echo "not sealed: $f"; exit 1; }
	done
'

test_expect_success 'the backdoor and the hider are the suspects, their evidence taken' '
	grep -q "\"pid\":$BD,.*\"flags\":\[\"exe_deleted\",\"name_mismatch\",\"listening\"\]" \
		"$CASE/live/suspicious.jsonl" &&
	grep -q "\"pid\":$HIDER,.*\"flags\":\[\"preload\"\]" "$CASE/live/suspicious.jsonl" &&
	want=$(sha256sum <"$FIXTURES/backdoor" | cut -d" " -f1) &&
	test "$(sha256sum <"$CASE/suspects/$BD/recover/exe" | cut -d" " -f1)" = "$want" &&
	grep -q "  suspects/$BD/recover/exe$" "$CASE/manifest.sha256" &&
	grep -q "^root r00tme$" "$CASE/suspects/$BD/recover"/fd/* &&
	grep -q "in.telnetd" "$CASE/suspects/$BD/strings.txt" &&
	grep -q "\"step\":\"recover $HIDER\",\"phase\":3,\"status\":\"ok\"" "$CASE/collect.json" &&
	grep -q "\"kind\":\"preload\",\"pid\":$HIDER" "$CASE/live/hidden.jsonl"
'

test_expect_success 'nothing was frozen, nothing written outside the case' '
	grep -q "^State:.*S (sleeping)" /proc/$BD/status &&
	test "$(ls "$TMP/intruder")" = "" || test "$(ls "$TMP/intruder")" = ready
'

test_expect_success 'report: the backdoor first, the hider next, on the terminal' '
	test_expect_code 1 "$STRANGER" report "$CASE" >"$TMP/rep" 2>"$TMP/err" &&
	cat "$TMP/rep" &&
	no_control_bytes "$TMP/rep" &&
	first_findings "$TMP/rep" "$BD" "$HIDER" &&
	grep -q "name_mismatch: it calls itself <defunct> but runs" "$TMP/rep" &&
	grep -q "listening: it listens on tcp:127.0.0.1:5130" "$TMP/rep" &&
	grep -q "evidence: suspects/$BD/recover/exe sha256 $(sha256sum <"$FIXTURES/backdoor" | cut -d" " -f1)" "$TMP/rep" &&
	grep -q "LD_PRELOAD=.*libhider.so" "$TMP/rep" &&
	grep -q "^seal: ok" "$TMP/rep" &&
	grep -q "^report: $CASE/report.html$" "$TMP/rep" &&
	test -s "$CASE/report.html" &&
	! grep -q "  report.html$" "$CASE/manifest.sha256"
'

test_expect_success 'report.html: self-contained, hostile text escaped' '
	h="$CASE/report.html" &&
	no_control_bytes "$h" &&
	! grep -qi "<script" "$h" &&
	! grep -qi "<link\|<img\|<iframe\|src=\|http://\|https://\|@import\|url(" "$h" &&
	grep -q "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&amp;&#39;" "$h" &&
	grep -q "<svg" "$h"
'

if command -v chromium >/dev/null; then
	test_expect_success 'the page in headless Chromium: findings first, a screenshot kept' '
		cp "$CASE/report.html" "$OUT/report.html" &&
		HOME="$TMP" timeout 120 chromium --headless --no-sandbox --disable-gpu \
			--user-data-dir="$TMP/chromium" --dump-dom "file://$CASE/report.html" \
			>"$OUT/dom.html" 2>"$TMP/chromium.err" &&
		python3 - "$OUT/dom.html" "$BD" "$HIDER" <<-\PY &&
		import re, sys
		dom = open(sys.argv[1]).read()
		bd, hider = sys.argv[2], sys.argv[3]
		# the findings come before every other section
		f = dom.index("id=\"findings\"")
		for s in ("processes", "network", "users", "timeline", "steps", "files"):
		    assert dom.index("id=\"%s\"" % s) > f, s
		found = re.findall(r"<div class=\"finding\" id=\"f[0-9]+\">(.*?)</div>", dom, re.S)
		def at(pid):
		    return [i for i, f in enumerate(found) if "process %s:" % pid in f][0]
		first, second = found[at(bd)], found[at(hider)]
		# before them only what is as suspicious (another tests fixtures)
		def strong(f):
		    return any(w in f for w in ("name_mismatch", "preload", "hidden"))
		assert all(strong(f) for f in found[:at(bd)])
		assert all(strong(f) for f in found[:at(hider)])
		assert "name_mismatch" in first and "exe_deleted" in first and "127.0.0.1:5130" in first
		assert "suspects/%s/recover/exe" % bd in first
		assert "preload" in second and "libhider.so" in second
		assert "<script" not in dom.lower()
		PY
		HOME="$TMP" timeout 120 chromium --headless --no-sandbox --disable-gpu \
			--user-data-dir="$TMP/chromium" --window-size=1200,1600 \
			--screenshot="$OUT/report.png" "file://$CASE/report.html" \
			>/dev/null 2>>"$TMP/chromium.err" &&
		test -s "$OUT/report.png"
	'
else
	test_skip 'the page in headless Chromium' 'chromium is not installed'
fi

test_expect_success 'a file changed after sealing is flagged, on the page and the terminal' '
	cp -a "$CASE" "$TMP/tampered" &&
	chmod u+w "$TMP/tampered/suspects/$BD/recover/cmdline" &&
	echo "innocent" >"$TMP/tampered/suspects/$BD/recover/cmdline" &&
	test_expect_code 1 "$STRANGER" report "$TMP/tampered" >"$TMP/rep2" &&
	grep -q "^seal: BROKEN: 1 changed since sealing" "$TMP/rep2" &&
	grep -q "tampered: suspects/$BD/recover/cmdline: changed since sealing" "$TMP/rep2" &&
	grep -q "SEAL BROKEN" "$TMP/tampered/report.html" &&
	grep -q "cmdline</a> <code class=h>sha256 [0-9a-f]*</code> <b class=bad>changed since sealing" \
		"$TMP/tampered/report.html"
'

test_expect_success 'a manifest entry that points outside the case is refused' '
	cp -a "$CASE" "$TMP/escape" &&
	chmod u+w "$TMP/escape/manifest.sha256" &&
	printf "%064d  ../../etc/passwd\n%064d  /etc/shadow\n" 0 0 >>"$TMP/escape/manifest.sha256" &&
	ln -s /etc "$TMP/escape/link" &&
	printf "%064d  link/passwd\n" 0 >>"$TMP/escape/manifest.sha256" &&
	test_expect_code 1 "$STRANGER" report "$TMP/escape" >"$TMP/rep3" &&
	grep -q "2 bad manifest lines" "$TMP/rep3" &&
	grep -q "tampered: link/passwd: unreadable" "$TMP/rep3"
'

test_expect_success 'report works on a single recover folder' '
	"$STRANGER" recover "$BD" -o "$TMP/rec" >/dev/null &&
	"$STRANGER" report "$TMP/rec" >"$TMP/rep4" &&
	grep -q "^seal: ok" "$TMP/rep4" &&
	grep -q "^findings: 0" "$TMP/rep4" &&
	grep -q "not a collect case" "$TMP/rec/report.html" &&
	grep -q "exe</a> <code class=h>sha256 " "$TMP/rec/report.html"
'

test_expect_success 'report: a folder that is not a case, a missing one: exit 2, one line' '
	mkdir "$TMP/plain" && echo hi >"$TMP/plain/x" &&
	test_expect_code 2 "$STRANGER" report "$TMP/plain" 2>"$TMP/err" &&
	test $(wc -l <"$TMP/err") = 1 &&
	grep -q "^stranger: report: .*plain: not a case folder" "$TMP/err" &&
	! test -e "$TMP/plain/report.html" &&
	test_expect_code 2 "$STRANGER" report "$TMP/nope" 2>"$TMP/err" &&
	grep -q "^stranger: report: .*nope: No such file or directory$" "$TMP/err" &&
	test_expect_code 2 "$STRANGER" report 2>/dev/null &&
	test_expect_code 2 "$STRANGER" collect --force-same-fs 2>/dev/null &&
	test_expect_code 2 "$STRANGER" collect --profile huge -o "$TMP/x" 2>/dev/null &&
	test_expect_code 2 "$STRANGER" collect --force-same-fs -o "$TMP/plain" 2>"$TMP/err" &&
	grep -q "not empty" "$TMP/err"
'

test_expect_success '--suspect with --dump-suspects and --freeze-suspects' '
	test_expect_code 1 "$STRANGER" collect --profile quick --force-same-fs \
		--suspect "$BD" --dump-suspects --freeze-suspects -o "$TMP/held" >/dev/null 2>&1 &&
	test "$(ls "$TMP/held/suspects")" = "$BD" &&
	grep -q "\"step\":\"freeze $BD\",\"phase\":3,\"status\":\"ok\"" "$TMP/held/collect.json" &&
	grep -q "\"step\":\"dump $BD\",\"phase\":3,\"status\":\"ok\"" "$TMP/held/collect.json" &&
	grep -q "  suspects/$BD/dump/core$" "$TMP/held/manifest.sha256" &&
	(cd "$TMP/held" && sha256sum -c --strict --quiet manifest.sha256) &&
	{ grep -q "^State:.T" /proc/$BD/status || grep -q stranger.freeze /proc/$BD/cgroup; } &&
	"$STRANGER" thaw "$BD" >/dev/null &&
	test_expect_code 2 "$STRANGER" collect --force-same-fs --suspect x -o "$TMP/bad" 2>/dev/null
'

test_expect_success 'collect and report --help' '
	"$STRANGER" collect --help | grep -q "^usage: stranger collect -o DIR" &&
	"$STRANGER" report --help | grep -q "^usage: stranger report CASE_DIR"
'

fixture_kill "$HIDER"
fixture_kill "$HTMLBAD"
test_done
