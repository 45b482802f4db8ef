#!/bin/bash
# ps: every process, flags for what is suspicious, hostile names escaped.
. "$(dirname "$0")/../lib.sh"

start_backdoor() {
	mkdir -p "$TMP/bd"
	fixture_start BD "$FIXTURES/backdoor" -d "$TMP/bd" -p 5120 -r "$TMP/bd.ready"
	wait_for_file "$TMP/bd.ready"
	read -r BD BDPORT <"$TMP/bd.ready"
}
start_backdoor

test_expect_success 'ps lists the backdoor with its flags' '
	"$STRANGER" ps >"$TMP/ps" &&
	grep -E "^ *$BD .*exe_deleted,name_mismatch,listening .*<defunct> -d" "$TMP/ps"
'

test_expect_success 'ps --suspicious lists it and exits 1' '
	test_expect_code 1 "$STRANGER" ps --suspicious >"$TMP/sus" &&
	grep -q "^ *$BD " "$TMP/sus"
'

test_expect_success 'ps --json gives the contract fields' '
	"$STRANGER" ps --json >"$TMP/ps.json" &&
	valid_json_lines "$TMP/ps.json" &&
	python3 - "$TMP/ps.json" "$BD" "$BDPORT" <<-PY
	import json, sys
	rows = [json.loads(l) for l in open(sys.argv[1])]
	bd = [r for r in rows if r["pid"] == int(sys.argv[2])][0]
	assert bd["comm"] == "<defunct>", bd
	assert bd["exe_deleted"] is True
	assert bd["exe"].endswith("/in.telnetd"), bd["exe"]
	assert bd["listening"] == ["tcp:127.0.0.1:" + sys.argv[3]], bd["listening"]
	assert set(bd["flags"]) == {"exe_deleted", "name_mismatch", "listening"}
	for k in ("pid", "ppid", "uid", "user", "comm", "exe", "cmdline", "flags"):
	    assert k in bd, k
	PY
'

test_expect_success 'kernel threads are shown as [name] and never flagged' '
	"$STRANGER" ps >"$TMP/ps2" &&
	grep -E "^ +2 +0 .* - +\[kthreadd\]$" "$TMP/ps2" &&
	python3 - "$TMP/ps.json" <<-PY
	import json, sys
	k = [json.loads(l) for l in open(sys.argv[1])]
	k = [r for r in k if r["kernel_thread"]]
	assert k and all(not r["flags"] for r in k)
	PY
'

test_expect_success 'an ordinary process is not flagged' '
	fixture_start S sleep 300 &&
	"$STRANGER" ps >"$TMP/ps3" &&
	grep -E "^ *$S .* - +sleep 300$" "$TMP/ps3"
'

test_expect_success 'a program run through a symlink is not a name mismatch' '
	ln -s "$(command -v sleep)" "$TMP/snooze" &&
	fixture_start Z "$TMP/snooze" 301 &&
	sleep 0.2 &&
	"$STRANGER" ps >"$TMP/ps4" &&
	grep -E "^ *$Z .* - +$TMP/snooze 301$" "$TMP/ps4"
'

test_expect_success 'a renamed copy is a name mismatch' '
	cp "$(command -v sleep)" "$TMP/sshd" &&
	fixture_start C bash -c "exec -a kworker $TMP/sshd 302" &&
	sleep 0.2 &&
	"$STRANGER" ps >"$TMP/ps5" &&
	grep -E "^ *$C .* name_mismatch +kworker 302$" "$TMP/ps5"
'

test_expect_success 'a login shell and a rewritten title are not a name mismatch' '
	fixture_start G bash -c "exec -a -sleep sleep 304" &&
	fixture_start T bash -c "exec -a \"sleep: waiting for 305\" sleep 305" &&
	sleep 0.2 &&
	"$STRANGER" ps >"$TMP/ps5b" &&
	grep -E "^ *$G .* - +-sleep 304$" "$TMP/ps5b" &&
	grep -E "^ *$T .* - +sleep: waiting for 305 305$" "$TMP/ps5b"
'

test_expect_success 'LD_PRELOAD is flagged preload' '
	libc=$(ldd "$(command -v sleep)" | awk "/libc.so/ {print \$3}") &&
	fixture_start L env LD_PRELOAD="$libc" sleep 303 &&
	sleep 0.2 &&
	"$STRANGER" ps >"$TMP/ps6" &&
	grep -E "^ *$L .* preload +sleep 303$" "$TMP/ps6"
'

test_expect_success 'hostile names are escaped, never raw control bytes' '
	mkdir -p "$TMP/h" &&
	HOSTILE_DIR="$TMP/h" fixture_start H "$FIXTURES/hostile" "$TMP/h.ready" &&
	wait_for_file "$TMP/h.ready" &&
	"$STRANGER" ps >"$TMP/ps7" && no_control_bytes "$TMP/ps7" &&
	"$STRANGER" ps --json >"$TMP/ps7.json" && no_control_bytes "$TMP/ps7.json" &&
	valid_json_lines "$TMP/ps7.json" &&
	grep -F "\\x1b]0;owned\\x07\\x1b[2J line1\\nline2 \\xff\\xfe\\xc3(" "$TMP/ps7" &&
	python3 - "$TMP/ps7.json" "$H" <<-PY
	import json, sys
	r = [json.loads(l) for l in open(sys.argv[1]) if json.loads(l)["pid"] == int(sys.argv[2])][0]
	assert r["comm"] == "\\\\x1b[2J\\\\nevil\\\\xff", r["comm"]
	PY
'

test_expect_success 'ps survives processes exiting while it reads' '
	( for i in $(seq 300); do /bin/true & done; wait ) &
	storm=$! &&
	for i in 1 2 3; do "$STRANGER" ps >/dev/null || exit 1; done &&
	wait $storm
'

test_expect_success 'argv: one JSON string per argument, spaces kept apart' '
	fixture_start A sleep 600 &&
	fixture_start AV bash -c "exec -a \"a b\" sleep 601" &&
	sleep 0.3 &&
	"$STRANGER" ps --json >"$TMP/av.json" &&
	python3 - "$TMP/av.json" "$AV" <<-PY
	import json, sys
	r = [json.loads(l) for l in open(sys.argv[1]) if json.loads(l)["pid"] == int(sys.argv[2])][0]
	assert r["argv"] == ["a b", "601"], r["argv"]
	assert r["cmdline"] == "a b 601", r["cmdline"]
	PY
'

test_expect_success 'a process under a bind mount over /proc/PID is listed, flagged hidden' '
	fixture_start BM sleep 600 &&
	mkdir -p "$TMP/emptydir" &&
	unshare -m sh -c "mount --bind \"$TMP/emptydir\" /proc/$BM &&
		\"$STRANGER\" ps >\"$TMP/bm\"; \"$STRANGER\" ps --json >\"$TMP/bm.json\";
		\"$STRANGER\" ps --suspicious >\"$TMP/bms\"; echo \$? >\"$TMP/bms.rc\"" &&
	grep -E "^ *$BM .*hidden" "$TMP/bm" &&
	grep -E "^ *$BM .*hidden" "$TMP/bms" &&
	test "$(cat "$TMP/bms.rc")" = 1 &&
	grep -q "\"pid\":$BM,.*\"hidden\"" "$TMP/bm.json"
'

test_expect_success 'a frozen process is marked frozen, and is not suspicious for it' '
	fixture_start FZ sleep 600 &&
	"$STRANGER" freeze --method=signal "$FZ" >/dev/null &&
	"$STRANGER" ps >"$TMP/fz" &&
	"$STRANGER" ps --suspicious >"$TMP/fzs"
	"$STRANGER" thaw "$FZ" >/dev/null &&
	grep -E "^ *$FZ .* frozen " "$TMP/fz" &&
	! grep -E "^ *$FZ " "$TMP/fzs"
'

test_expect_success 'unprivileged: unknown is not false (null, unreadable, warning, exit 3)' '
	chmod 755 "$TMP" && mkdir -p "$TMP/nb" && cp "$STRANGER" "$TMP/nb/stranger" &&
	chmod 755 "$TMP/nb" "$TMP/nb/stranger" &&
	fixture_start RS sleep 600 &&
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$TMP/nb/stranger" ps --json >"$TMP/np.json" 2>"$TMP/np.err" &&
	grep -q "\"pid\":$RS,.*\"exe_deleted\":null,.*\"unreadable\"" "$TMP/np.json" &&
	set +e
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$TMP/nb/stranger" ps --suspicious >"$TMP/nps" 2>"$TMP/nps.err"
	rc=$?
	set -e
	cat "$TMP/nps.err" &&
	test "$rc" = 3 -o "$rc" = 1 &&
	grep -q "warning: [0-9]* process(es) could not be checked (permission denied)" "$TMP/nps.err" &&
	chmod 700 "$TMP"
'

test_expect_success 'ps rejects arguments' '
	test_expect_code 2 "$STRANGER" ps 123 2>"$TMP/err" &&
	test $(wc -l <"$TMP/err") -le 2
'

test_done
