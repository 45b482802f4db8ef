#!/bin/bash
# hidden --only kernel: every loaded BPF program, its hook, its holder and
# the helpers that let it lie.  A fixture loads a tracepoint program on
# syscalls:sys_enter_getdents64 with raw bpf(2) and holds it: calling
# bpf_probe_write_user (where the kernel is not in lockdown) or
# bpf_send_signal it is a finding; calling neither it is listed only.
. "$(dirname "$0")/../lib.sh"

# Sanitizer runtimes refuse to run under a foreign LD_PRELOAD by default.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

# hook MODE - start the fixture playing MODE; HOOK_PID and HOOK_ID, or
# return 3 when the kernel refuses the program
hook() {
	rm -f "$TMP/ready.$1"
	fixture_start HOOK_PID "$FIXTURES/bpfhook" "$1" "$TMP/ready.$1" 2>"$TMP/hook.$1.err"
	i=0
	while [ ! -s "$TMP/ready.$1" ]; do
		if ! kill -0 "$HOOK_PID" 2>/dev/null; then
			wait "$HOOK_PID"
			return $?
		fi
		i=$((i + 1))
		[ $i -gt 200 ] && return 1
		sleep 0.05
	done
	read -r _ HOOK_ID <"$TMP/ready.$1"
}

hook read
rc=$?
if [ $rc = 3 ]; then
	test_skip 'hidden kernel' "this kernel refuses a tracepoint BPF program: $(tail -1 "$TMP/hook.read.err")"
	test_done
	exit 0
fi
READ_PID=$HOOK_PID READ_ID=$HOOK_ID

test_expect_success 'the benign fixture started' '
	test $rc = 0 && test -n "$READ_ID"
'

test_expect_success 'a program calling bpf_send_signal from a syscall hook: a finding' '
	hook signal && SIG_PID=$HOOK_PID SIG_ID=$HOOK_ID &&
	echo "$SIG_PID $SIG_ID" >"$TMP/sig" &&
	test_expect_code 1 "$STRANGER" hidden --only kernel >"$TMP/out" 2>"$TMP/err" &&
	cat "$TMP/out" &&
	grep -E "^bpf +$SIG_PID bpf-prog:$SIG_ID .*tracepoint program .strg_fx_signal. calls bpf_send_signal from tracepoint sys_enter_getdents64; held by pid $SIG_PID\$" "$TMP/out" &&
	grep -E "^ *$SIG_ID +tracepoint +strg_fx_signal +tracepoint sys_enter_getdents64 +$SIG_PID +bpf_send_signal\$" "$TMP/out" &&
	no_control_bytes "$TMP/out"
'

test_expect_success 'the benign program is listed with its hook and holder, not a finding' '
	grep -E "^ *$READ_ID +tracepoint +strg_fx_read +tracepoint sys_enter_getdents64 +$READ_PID +-\$" "$TMP/out" &&
	! grep "bpf-prog:$READ_ID " "$TMP/out"
'

test_expect_success 'JSON: the finding and the listing, one object a line' '
	read -r SIG_PID SIG_ID <"$TMP/sig" &&
	test_expect_code 1 "$STRANGER" hidden --only kernel --json >"$TMP/json" &&
	valid_json_lines "$TMP/json" &&
	grep "\"kind\":\"bpf\",\"pid\":$SIG_PID,\"object\":\"bpf-prog:$SIG_ID\"" "$TMP/json" &&
	grep "\"kind\":\"bpf-program\",\"id\":$READ_ID,.*\"finding\":false" "$TMP/json" &&
	grep "\"kind\":\"bpf-program\",\"id\":$SIG_ID,.*\"helpers\":\"bpf_send_signal\",\"finding\":true" "$TMP/json"
'

test_expect_success 'the fixture killed: its program gone, no finding from it' '
	read -r SIG_PID SIG_ID <"$TMP/sig" &&
	fixture_kill "$SIG_PID" &&
	for _ in $(seq 40); do
		"$STRANGER" hidden --only kernel >"$TMP/after" 2>"$TMP/after.err"
		echo $? >"$TMP/after.rc"
		grep -qE "^ *$SIG_ID " "$TMP/after" || break
		sleep 0.05
	done &&
	! grep -E "^ *$SIG_ID |bpf-prog:$SIG_ID " "$TMP/after" &&
	grep -E "^ *$READ_ID +tracepoint +strg_fx_read " "$TMP/after" &&
	if grep -q "^bpf " "$TMP/after"; then
		say "other programs on this machine are findings:" &&
		grep "^bpf " "$TMP/after" && test "$(cat "$TMP/after.rc")" = 1
	else
		test "$(cat "$TMP/after.rc")" = 0
	fi
'

hook write
rc=$?
if [ $rc = 3 ]; then
	test_skip 'a program calling bpf_probe_write_user from a syscall hook: a finding' \
		"the kernel refuses bpf_probe_write_user here (lockdown): $(grep -m1 "cannot use helper\|locked down" "$TMP/hook.write.err" || tail -1 "$TMP/hook.write.err")"
else
	WRITE_PID=$HOOK_PID WRITE_ID=$HOOK_ID
	test_expect_success 'a program calling bpf_probe_write_user from a syscall hook: a finding' '
		test $rc = 0 &&
		test_expect_code 1 "$STRANGER" hidden --only kernel >"$TMP/w" &&
		grep -E "^bpf +$WRITE_PID bpf-prog:$WRITE_ID .*calls bpf_probe_write_user from tracepoint sys_enter_getdents64; held by pid $WRITE_PID\$" "$TMP/w"
	'
	fixture_kill "$WRITE_PID"
fi

test_expect_success 'the default run includes the kernel view' '
	hook signal && echo "$HOOK_PID $HOOK_ID" >"$TMP/sig2" &&
	test_expect_code 1 "$STRANGER" hidden --only processes,kernel --max-pid 4096 >"$TMP/def" 2>/dev/null;
	read -r P I <"$TMP/sig2" &&
	grep -E "^bpf +$P bpf-prog:$I " "$TMP/def" &&
	fixture_kill "$P"
'

test_expect_success 'without privilege: one line, exit 2, not a clean answer' '
	ud=$(user_copy "$STRANGER") &&
	test_expect_code 2 setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$ud/$(basename "$STRANGER")" hidden --only kernel >"$TMP/np" 2>"$TMP/np.err" &&
	cat "$TMP/np.err" &&
	test "$(wc -l <"$TMP/np.err")" = 1 &&
	grep "^stranger: hidden: kernel views: BPF programs: " "$TMP/np.err"
'

test_expect_success 'an unknown view: usage error' '
	test_expect_code 2 "$STRANGER" hidden --only kernel,bogus 2>"$TMP/u.err" &&
	grep "unknown view" "$TMP/u.err"
'

fixture_kill "$READ_PID"
test_done
