#!/bin/bash
# lsof: the same (FD, TYPE, NODE, NAME) tuples as the real lsof -n -P.
. "$(dirname "$0")/../lib.sh"

same_as_lsof() {
	lsof -n -P -p "$1" >"$TMP/real" 2>/dev/null
	"$STRANGER" lsof "$1" >"$TMP/ours" &&
	python3 "$ROOT/tests/lsof_tuples.py" "$TMP/real" >"$TMP/real.t" &&
	python3 "$ROOT/tests/lsof_tuples.py" "$TMP/ours" >"$TMP/ours.t" &&
	test -s "$TMP/ours.t" &&
	test_cmp "$TMP/real.t" "$TMP/ours.t"
}

mkdir -p "$TMP/bd"
fixture_start BD "$FIXTURES/backdoor" -d "$TMP/bd" -p 5120 -r "$TMP/bd.ready"
wait_for_file "$TMP/bd.ready"
read -r BD BDPORT <"$TMP/bd.ready"

test_expect_success 'backdoor: same tuples as lsof' '
	same_as_lsof "$BD"
'

test_expect_success 'backdoor: deleted executable, deleted log, listener' '
	"$STRANGER" lsof "$BD" >"$TMP/bd.lsof" &&
	grep -E " txt +REG .* $TMP/bd/in.telnetd \(deleted\)$" "$TMP/bd.lsof" &&
	grep -E " 3u +REG .* 12 .* $TMP/bd/.pwlog \(deleted\)$" "$TMP/bd.lsof" &&
	grep -E " 4u +IPv4 .* TCP 127.0.0.1:$BDPORT \(LISTEN\)$" "$TMP/bd.lsof"
'

test_expect_success 'backdoor: an established connection both ways' '
	exec 7<>/dev/tcp/127.0.0.1/$BDPORT &&
	sleep 0.2 &&
	"$STRANGER" lsof "$BD" >"$TMP/conn" &&
	grep -E "IPv4 .* TCP 127.0.0.1:$BDPORT->127.0.0.1:[0-9]+ \(ESTABLISHED\)$" "$TMP/conn" &&
	same_as_lsof "$BD"; rc=$?; exec 7>&-; exit $rc
'

fixture_start HD "$FIXTURES/holder" "$TMP/hold.ready" 40 4
wait_for_file "$TMP/hold.ready"
read -r HD _ <"$TMP/hold.ready"

test_expect_success 'holder: files, pipes, tcp, udp, udp6, unix, DEL: same as lsof' '
	same_as_lsof "$HD" &&
	grep -q "DEL	REG	" "$TMP/ours.t" &&
	grep -q "IPv6	.*UDP	\[::1\]:" "$TMP/ours.t" &&
	grep -q "unix	" "$TMP/ours.t"
'

test_expect_success 'JSON Lines carry the table columns' '
	"$STRANGER" lsof --json "$HD" >"$TMP/h.json" &&
	valid_json_lines "$TMP/h.json" &&
	python3 - "$TMP/h.json" <<-PY
	import json, sys
	rows = [json.loads(l) for l in open(sys.argv[1])]
	for r in rows:
	    assert set(["command","pid","user","fd","type","device","size_off","node","name"]) <= set(r)
	assert any(r["fd"] == "DEL" for r in rows)
	PY
'

test_expect_success 'a process with 10,000 fds' '
	fixture_start BIG "$FIXTURES/holder" "$TMP/big.ready" 10000 1 &&
	wait_for_file "$TMP/big.ready" &&
	read -r BIG _ <"$TMP/big.ready" &&
	"$STRANGER" lsof "$BIG" >"$TMP/big" &&
	n=$(grep -cE "^holder +$BIG +[^ ]+ +[0-9]+[rwu] " "$TMP/big") &&
	test "$n" -ge 10000
'

test_expect_success 'a process with 500 threads' '
	fixture_start TH "$FIXTURES/holder" "$TMP/th.ready" 7 500 &&
	wait_for_file "$TMP/th.ready" &&
	read -r TH _ <"$TMP/th.ready" &&
	same_as_lsof "$TH" &&
	"$STRANGER" ps --json | grep "\"pid\":$TH," | grep -q "\"threads\":501"
'

test_expect_success 'hostile file names are escaped' '
	mkdir -p "$TMP/h" &&
	HOSTILE_DIR="$TMP/h" fixture_start H "$FIXTURES/hostile" "$TMP/h.ready" &&
	wait_for_file "$TMP/h.ready" &&
	"$STRANGER" lsof "$H" >"$TMP/hl" && no_control_bytes "$TMP/hl" &&
	grep -F "/\\x1b[31mred\\nfile" "$TMP/hl" &&
	grep -F "\\x1b[2J\\nevil\\xff" "$TMP/hl" &&
	"$STRANGER" lsof --json "$H" >"$TMP/hl.json" && no_control_bytes "$TMP/hl.json" &&
	valid_json_lines "$TMP/hl.json"
'

test_expect_success 'a PID that does not exist: one line, exit 2' '
	test_expect_code 2 "$STRANGER" lsof 999999999 2>"$TMP/err" &&
	test $(wc -l <"$TMP/err") = 1 &&
	grep -q "no such process" "$TMP/err" &&
	test_expect_code 2 "$STRANGER" lsof "12ab" 2>"$TMP/err2" &&
	test $(wc -l <"$TMP/err2") = 1
'

test_expect_success 'all processes, while processes come and go' '
	( for i in $(seq 300); do /bin/true & done; wait ) &
	storm=$! &&
	"$STRANGER" lsof >"$TMP/all" &&
	wait $storm &&
	grep -q "^<defunct> *$BD " "$TMP/all"
'

test_expect_success 'a process it may not read: lsof-style permission-denied rows, warning, exit 3' '
	chmod 755 "$TMP" && mkdir -p "$TMP/nb" && cp "$STRANGER" "$TMP/nb/stranger" &&
	chmod 755 "$TMP/nb" "$TMP/nb/stranger" &&
	fixture_start RS sleep 600 &&
	set +e
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$TMP/nb/stranger" lsof "$RS" >"$TMP/nl" 2>"$TMP/nl.err"
	rc=$?
	set -e
	chmod 700 "$TMP" &&
	cat "$TMP/nl" "$TMP/nl.err" &&
	test "$rc" = 3 &&
	grep -q "^sleep *$RS root *cwd *unknown */proc/PID/cwd (readlink: Permission denied)" "$TMP/nl" &&
	grep -q "^sleep *$RS root *txt *unknown */proc/PID/exe (readlink: Permission denied)" "$TMP/nl" &&
	grep -q "^sleep *$RS root *NOFD */proc/PID/fd (opendir: Permission denied)" "$TMP/nl" &&
	grep -q "warning: 1 process(es) could not be read fully (permission denied)" "$TMP/nl.err"
'

test_expect_success 'kernel threads have no files and no error' '
	"$STRANGER" lsof 2 >"$TMP/k" 2>"$TMP/kerr" &&
	! test -s "$TMP/kerr"
'

test_done
