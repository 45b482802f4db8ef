#!/bin/bash
# The article's night, ended in the sandbox: the backdoor, recovered from
# a `recover` evidence folder, runs in a throw-away copy of this machine;
# the report shows it listening, and a client inside reaches it, wiretapped.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/sandbox-lib.sh"

mkdir -p "$TMP/intruder"
fixture_start LAUNCH "$FIXTURES/backdoor" -d "$TMP/intruder" -p 5120 -r "$TMP/ready"
wait_for_file "$TMP/ready"
read -r BD _ <"$TMP/ready"
fixture_adopt "$BD"

test_expect_success 'recover the deleted backdoor, then run it in the sandbox' '
	"$STRANGER" recover "$BD" -o "$TMP/rec" >/dev/null &&
	install -m 755 "$TMP/rec/exe" "$SB/suspect" &&
	"$STRANGER" sandbox --timeout 20 -o "$TMP/night" -- /bin/sh -c "
		$SB/suspect -d /tmp -p 5120 -r /tmp/ready &
		while [ ! -s /tmp/ready ]; do sleep 0.05; done
		$SB/escapee connect 127.0.0.1 5120
		kill \$!" >"$TMP/out" &&
	grep -q "^connect: ok" "$TMP/night/stdout.txt"
'

test_expect_success 'the report: the copy under its false name, listening on its port' '
	r="$TMP/night/report.txt" &&
	grep -q "execve \"$SB/suspect\" \[\"$SB/suspect\", \"-d\", \"/tmp\", \"-p\", \"5120\"" "$r" &&
	grep -q "execve \"/tmp/in.telnetd\" \[\"<defunct>\", \"-d\", \"/tmp\"" "$r" &&
	grep -q "fd [0-9]* AF_INET 127.0.0.1 port 5120$" "$r" &&
	python3 -c "import json,sys; r=json.load(open(sys.argv[1]))[\"runs\"][0]; assert any(l[\"port\"]==5120 and l[\"address\"]==\"127.0.0.1\" for l in r[\"listening\"])" "$TMP/night/report.json"
'

test_expect_success 'the client reached it: the conversation, wiretapped' '
	r="$TMP/night/report.txt" &&
	bdpid=$(grep "execve(\"/tmp/in.telnetd\"" "$TMP/night/trace.txt" | awk "{print \$1}") &&
	test -n "$bdpid" &&
	sed -n "/^conversations/,/^signals/p" "$r" >"$TMP/conv" &&
	grep -A3 " $bdpid fd [0-9]* accepted$" "$TMP/conv" >"$TMP/bd-conv" &&
	grep -q "^    -> \".*login: \"$" "$TMP/bd-conv" &&
	grep -q "^    <- \"hello from escapee\\\\n\"$" "$TMP/bd-conv" &&
	grep -q "^    -> \"Password: \"$" "$TMP/bd-conv" &&
	grep -q "connected$" "$TMP/conv"
'

test_expect_success 'what it wrote stayed in the copy' '
	grep -q "^  created  */tmp/ready  [0-9]* bytes sha256 " "$TMP/night/report.txt" &&
	! test -e /tmp/in.telnetd &&
	! test -e /tmp/ready
'

test_done
