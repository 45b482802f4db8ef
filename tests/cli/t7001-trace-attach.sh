#!/bin/bash
# trace -p: attach to running processes, the wiretap on a live process,
# Ctrl-C leaves each process as it was, and bad input.
. "$(dirname "$0")/../lib.sh"

# Fixtures started inside a test body run in its subshell, out of reach of
# lib.sh's cleanup: remember their PIDs in a file and end them at exit.
remember() {
	echo "$1" >>"$TMP/fixture.pids"
}
trap 'for p in $(cat "$TMP/fixture.pids" 2>/dev/null); do kill -CONT "$p"; kill -KILL "$p"; done 2>/dev/null; test_cleanup' EXIT

# start_wiretap - the wiretap fixture in the background, $WT its PID
start_wiretap() {
	rm -f "$TMP/ready" "$TMP/stop"
	fixture_start WT "$FIXTURES/wiretap" -r "$TMP/ready" -s "$TMP/stop"
	remember "$WT"
	wait_for_file "$TMP/ready"
}

# wait_for_grep PATTERN FILE - up to 10 s for PATTERN to appear in FILE
wait_for_grep() {
	i=0
	while ! grep -q -- "$1" "$2" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 200 ] && { echo "timeout waiting for '$1' in $2" >&2; return 1; }
		sleep 0.05
	done
}

state_of() {
	sed -n 's/^State:\t\(.\).*/\1/p' "/proc/$1/status"
}

test_expect_success 'the wiretap on a running process; the process finishes normally after detach' '
	start_wiretap
	"$STRANGER" trace -p "$WT" -e trace=read,write -e write=4 -e read=6 -o "$TMP/w.out" 2>"$TMP/w.err" &
	TR=$! &&
	wait_for_grep "^ | 00020 " "$TMP/w.out" &&
	kill -INT "$TR" && wait "$TR" &&
	grep -F " | 00010  73 77 6f 72 64 3a 20 63  6c 65 61 72 74 65 78 74  sword: cleartext |" "$TMP/w.out" &&
	grep -q "^write(4, \"login: root\\\\r\\\\nPassword: cleartext\"..., 45) = 45" "$TMP/w.out" &&
	grep -q "^read(6, " "$TMP/w.out" &&
	grep -q "Process $WT attached" "$TMP/w.err" &&
	grep -q "Process $WT detached" "$TMP/w.err" &&
	test "$(sed -n "s/^TracerPid:\t//p" /proc/$WT/status)" = 0 &&
	test "$(state_of $WT)" != t &&
	touch "$TMP/stop" && wait "$WT"
'

test_expect_success 'a process stopped before attach stays stopped after detach' '
	start_wiretap &&
	kill -STOP "$WT"
	"$STRANGER" trace -q -p "$WT" -o "$TMP/s.out" &
	TR=$! &&
	wait_for_grep "stopped by SIGSTOP" "$TMP/s.out" &&
	kill -INT "$TR" && wait "$TR" &&
	test "$(state_of $WT)" = T &&
	test "$(sed -n "s/^TracerPid:\t//p" /proc/$WT/status)" = 0 &&
	kill -CONT "$WT" && touch "$TMP/stop" && wait "$WT"
'

test_expect_success 'a process continued while traced is traced, stopped again stays stopped' '
	start_wiretap &&
	kill -STOP "$WT"
	"$STRANGER" trace -q -p "$WT" -e trace=write -o "$TMP/c.out" &
	TR=$! &&
	wait_for_grep "stopped by SIGSTOP" "$TMP/c.out" &&
	kill -CONT "$WT" &&
	wait_for_grep "^write(4, " "$TMP/c.out" &&
	kill -STOP "$WT" &&
	wait_for_grep "^--- SIGSTOP" "$TMP/c.out" && sleep 0.2 &&
	kill -INT "$TR" && wait "$TR" &&
	test "$(state_of $WT)" = T &&
	kill -CONT "$WT" && touch "$TMP/stop" && wait "$WT"
'

if "$STRANGER" freeze --help 2>/dev/null | grep -q cgroup && [ -w /sys/fs/cgroup ]; then
test_expect_success 'a process frozen by stranger freeze stays frozen through attach and detach' '
	start_wiretap
	"$STRANGER" freeze "$WT" >"$TMP/freeze.out"
	"$STRANGER" trace -q -p "$WT" -e trace=write -o "$TMP/f.out" &
	TR=$! &&
	i=0; while [ "$(sed -n "s/^TracerPid:\t//p" /proc/$WT/status)" != "$TR" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done &&
	sleep 0.5 &&
	kill -INT "$TR" && wait "$TR" &&
	! grep -q "^write(" "$TMP/f.out" &&
	test "$(sed -n "s/^TracerPid:\t//p" /proc/$WT/status)" = 0 &&
	touch "$TMP/stop" && sleep 0.3 &&
	kill -0 "$WT" &&
	"$STRANGER" thaw "$WT" >/dev/null &&
	wait "$WT"
'
else
	test_skip 'frozen by the cgroup freezer' 'no writable cgroup freezer'
fi

test_expect_success 'the backdoor: accept, and the password as it is typed' '
	rm -f "$TMP/ready" &&
	fixture_start BD "$FIXTURES/backdoor" -d "$TMP" -p 25120 -r "$TMP/ready" 2>/dev/null &&
	wait_for_file "$TMP/ready" &&
	read -r BPID BPORT <"$TMP/ready"
	"$STRANGER" trace -p "$BPID" -e trace=%network,read,write -e read=all -o "$TMP/b.out" 2>"$TMP/b.err" &
	TR=$! &&
	wait_for_grep "attached" "$TMP/b.err" &&
	{
		exec 3<>"/dev/tcp/127.0.0.1/$BPORT" &&
		printf "root\nsecret-pw\n" >&3 &&
		timeout 2 cat <&3 >/dev/null
		exec 3<&-
	} 2>/dev/null

	wait_for_grep "^write([0-9]*, \"Last login" "$TMP/b.out" &&
	kill -INT "$TR" && wait "$TR" &&
	C=$(sed -n "s/^accept([0-9]*, NULL, NULL) *= \([0-9]*\)$/\1/p" "$TMP/b.out") &&
	test -n "$C" &&
	sed -n "s/^read($C, \"\(.*\)\", 1) *= 1$/\1/p" "$TMP/b.out" | tr -d "\n" >"$TMP/typed" &&
	grep -qxF "root\nsecret-pw\n" "$TMP/typed" &&
	grep -c "^ | 00000  " "$TMP/b.out" >"$TMP/n" && test "$(cat "$TMP/n")" = 15 &&
	kill -0 "$BPID" && fixture_kill "$BPID"
'

test_expect_success 'a tracee killed by SIGKILL mid-trace: "+++ killed by SIGKILL +++", exit 0' '
	start_wiretap
	"$STRANGER" trace -p "$WT" -e trace=write -o "$TMP/k.out" 2>/dev/null &
	TR=$! &&
	wait_for_grep "^write(4, " "$TMP/k.out" &&
	kill -KILL "$WT" &&
	wait "$TR" &&
	tail -n 1 "$TMP/k.out" | grep -qx "+++ killed by SIGKILL +++"
'

test_expect_success 'launched command: Ctrl-C detaches and the command runs on' '
	rm -f "$TMP/stop" "$TMP/ready"
	"$STRANGER" trace -o "$TMP/l.out" "$FIXTURES/wiretap" -r "$TMP/ready" -s "$TMP/stop" &
	TR=$! &&
	wait_for_file "$TMP/ready" && WT=$(cat "$TMP/ready") && remember "$WT" &&
	wait_for_grep "^write(4, " "$TMP/l.out" &&
	kill -INT "$TR" &&
	test_expect_code 130 wait "$TR" &&
	test "$(sed -n "s/^TracerPid:\t//p" /proc/$WT/status)" = 0 &&
	touch "$TMP/stop" && sleep 0.3 &&
	{ ! kill -0 "$WT" 2>/dev/null || test "$(state_of $WT)" = Z; }
'

test_expect_success 'bad input: no such PID, bad PID, PID 1, itself, already traced' '
	test_expect_code 2 "$STRANGER" trace -p 999999999 2>"$TMP/e1" &&
	test $(wc -l <"$TMP/e1") = 1 && grep -q "^stranger: trace: " "$TMP/e1" &&
	test_expect_code 2 "$STRANGER" trace -p 12abc 2>"$TMP/e2" &&
	test $(wc -l <"$TMP/e2") -le 2 && grep -q "invalid process id" "$TMP/e2" &&
	test_expect_code 2 "$STRANGER" trace -p 1 2>"$TMP/e3" &&
	grep -q "PID 1" "$TMP/e3" &&
	test_expect_code 2 sh -c "exec \"\$0\" trace -p \$\$" "$STRANGER" 2>"$TMP/e4" &&
	grep -q "itself" "$TMP/e4" &&
	start_wiretap
	"$STRANGER" trace --backend=ptrace -q -p "$WT" -o /dev/null &
	TR=$! &&
	i=0; while [ "$(sed -n "s/^TracerPid:\t//p" /proc/$WT/status)" = 0 ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done &&
	test_expect_code 2 "$STRANGER" trace --backend=ptrace -p "$WT" 2>"$TMP/e5" &&
	grep -q "already traced by PID $TR" "$TMP/e5" &&
	kill -INT "$TR" && wait "$TR" && touch "$TMP/stop" && wait "$WT"
'

test_expect_success 'bad input: a command that does not exist, nothing to trace, bad -e' '
	test_expect_code 2 "$STRANGER" trace -- /no/such/command 2>"$TMP/e6" &&
	test $(wc -l <"$TMP/e6") = 1 && grep -q "No such file or directory" "$TMP/e6" &&
	test_expect_code 2 "$STRANGER" trace 2>/dev/null &&
	test_expect_code 2 "$STRANGER" trace -e trace=nosuchcall true 2>"$TMP/e7" &&
	grep -q "invalid system call" "$TMP/e7" &&
	test_expect_code 2 "$STRANGER" trace -e "$(printf "trace=\033[31mx")" true 2>"$TMP/e8" &&
	no_control_bytes "$TMP/e8" &&
	test_expect_code 2 "$STRANGER" trace -e read=x true 2>/dev/null &&
	test_expect_code 2 "$STRANGER" trace --backend=nope true 2>/dev/null
'

test_done
