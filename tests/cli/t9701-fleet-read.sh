#!/bin/bash
# fleet: reading a cases folder that is missing things, corrupt or hostile.
. "$(dirname "$0")/../lib.sh"

C="$TMP/cases"
status() { # HOST STATUS [RC_PS RC_HIDDEN RC_VERIFY]
	mkdir -p "$C/$1"
	printf '{"host": "%s", "status": "%s", "detail": "", "hunt": "default", "rc_ps": %s, "rc_hidden": %s, "rc_verify": %s}\n' \
		"$1" "$2" "${3:-0}" "${4:-0}" "${5:-0}" >"$C/$1/status.json"
}
empty() { for s in ps hidden verify; do : >"$C/$1/$s.jsonl"; done; }

test_expect_success 'usage errors and an unreadable folder exit 2' '
	test_expect_code 2 "$STRANGER" fleet 2>"$TMP/err" &&
	grep -q "^stranger: fleet: no CASES_DIR given" "$TMP/err" &&
	test_expect_code 2 "$STRANGER" fleet "$TMP/nonexistent" 2>"$TMP/err" &&
	grep -q "^stranger: fleet: .*nonexistent: No such file or directory$" "$TMP/err" &&
	mkdir "$TMP/empty" &&
	test_expect_code 2 "$STRANGER" fleet "$TMP/empty" 2>"$TMP/err" &&
	grep -q "no host folders" "$TMP/err" &&
	test_expect_code 2 "$STRANGER" fleet --bogus "$TMP/empty" 2>/dev/null &&
	"$STRANGER" fleet --help | grep -q "^usage: stranger fleet"
'

test_expect_success 'clean hosts: exit 0, no findings; listening alone only with --all' '
	status clean ok 1 0 0 && empty clean &&
	echo "{\"pid\":7,\"comm\":\"sshd\",\"cmdline\":\"sshd\",\"listening\":[\"tcp:0.0.0.0:22\"],\"flags\":[\"listening\"]}" >"$C/clean/ps.jsonl" &&
	"$STRANGER" fleet "$C" >"$TMP/out" &&
	grep -q "^no findings$" "$TMP/out" &&
	test_expect_code 1 "$STRANGER" fleet --all "$C" >"$TMP/out" &&
	grep -q "^clean  *7 .*listening  *tcp:0.0.0.0:22  *sshd$" "$TMP/out"
'

test_expect_success 'corrupt lines, missing files, a failed step: said per host, exit 1' '
	status bad ok 1 2 0 && empty bad &&
	printf "{\"pid\":9,\"flags\":[\"exe_deleted\"],\"cmdline\":\"x\"}\n{\"pid\":\n\x00\xff garbage\n" >"$C/bad/ps.jsonl" &&
	echo "stranger: hidden: process views: BPF PID sweep: Operation not permitted" >"$C/bad/hidden.err" &&
	rm "$C/bad/verify.jsonl" &&
	mkdir "$C/nostatus" &&
	test_expect_code 1 "$STRANGER" fleet "$C" >"$TMP/out" 2>"$TMP/err" &&
	grep -q "^bad  *9 .*exe_deleted .* x$" "$TMP/out" &&
	grep -q "^bad  *partial .*ps.jsonl:2: not a JSON object; ps.jsonl:3: not a JSON object; hidden: exit status 2: stranger: hidden: process views: BPF PID sweep: Operation not permitted; verify.jsonl: No such file or directory" "$TMP/out" &&
	grep -q "^nostatus  *unknown .*status.json: No such file or directory" "$TMP/out" &&
	grep -q "warning: bad: not fully checked" "$TMP/err" &&
	grep -q "warning: nostatus: not fully checked" "$TMP/err" &&
	no_control_bytes "$TMP/out" && no_control_bytes "$TMP/err"
'

test_expect_success 'feature_missing and a failed checksum: not checked, said once' '
	rm -rf "$C" &&
	status nobpf feature_missing 1 2 0 && empty nobpf &&
	echo "stranger: hidden: process views: BPF PID sweep: Operation not permitted" >"$C/nobpf/hidden.err" &&
	mkdir -p "$C/swapped" &&
	echo "{\"host\": \"swapped\", \"status\": \"failed\", \"detail\": \"binary SHA-256 differs\", \"hunt\": \"default\"}" >"$C/swapped/status.json" &&
	test_expect_code 1 "$STRANGER" fleet --json "$C" >"$TMP/json" 2>"$TMP/err" &&
	python3 - "$TMP/json" <<-\EOP &&
	import json, sys
	rows = {r["host"]: r for r in map(json.loads, open(sys.argv[1])) if r["type"] == "host"}
	assert rows["nobpf"]["status"] == "feature_missing" and not rows["nobpf"]["checked"], rows
	assert any("BPF PID sweep" in p for p in rows["nobpf"]["problems"]), rows
	assert rows["swapped"]["status"] == "failed" and not rows["swapped"]["checked"], rows
	assert rows["swapped"]["problems"] == ["failed: binary SHA-256 differs"], rows
	EOP
	grep -q "warning: 2 of 2 hosts not fully checked" "$TMP/err"
'

test_expect_success 'a status.json that is a symlink is not followed' '
	status link ok && empty link &&
	rm "$C/link/status.json" && ln -s /etc/passwd "$C/link/status.json" &&
	test_expect_code 1 "$STRANGER" fleet "$C" >"$TMP/out" 2>/dev/null &&
	grep -q "^link  *unknown .*status.json: Too many levels of symbolic links" "$TMP/out" &&
	rm "$C/link/ps.jsonl" && mkfifo "$C/link/ps.jsonl" &&
	test_expect_code 1 "$STRANGER" fleet "$C" >"$TMP/out" 2>/dev/null &&
	grep -q "^link  *unknown .*ps.jsonl: Invalid argument" "$TMP/out" &&
	rm -rf "$C/link"
'

test_expect_success 'hostile host names and command lines come out escaped' '
	rm -rf "$C" &&
	h=$(printf "evil\033]0;owned\007host") &&
	status "$h" ok 1 0 0 && empty "$h" &&
	cat >"$C/$h/ps.jsonl" <<-\EOJ &&
	{"pid":66,"flags":["exe_deleted"],"cmdline":"rm -rf /\\x1b[2J\\nnext","listening":[]}
	{"pid":67,"flags":["preload"],"cmdline":"\u001b[31mred\u0007\r","listening":[]}
	EOJ
	test_expect_code 1 "$STRANGER" fleet "$C" >"$TMP/out" 2>"$TMP/err" &&
	cat "$TMP/out" &&
	no_control_bytes "$TMP/out" && no_control_bytes "$TMP/err" &&
	grep -qF "evil\\x1b]0;owned\\x07host" "$TMP/out" &&
	grep -qF "rm -rf /\\x1b[2J\\nnext" "$TMP/out" &&
	grep -qF "\\x1b[31mred\\x07\\x0d" "$TMP/out" &&
	test_expect_code 1 "$STRANGER" fleet --json "$C" >"$TMP/json" 2>/dev/null &&
	valid_json_lines "$TMP/json" && no_control_bytes "$TMP/json" &&
	grep -qF "\"host\":\"evil\\\\x1b]0;owned\\\\x07host\"" "$TMP/json"
'

test_done
