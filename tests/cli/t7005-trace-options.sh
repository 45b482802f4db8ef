#!/bin/bash
# trace's strace options, line for line: -y (escaped < >, (deleted)), -yy
# (<char M:m>), -P (redirected stdin/stdout, dup, poll and select sets,
# relative paths), --signal=SET, --quiet=SET, and -p PID beside a command
# (pid prefixes).  Each is checked against the exact expected lines and,
# where strace is installed, against strace's own output.
. "$(dirname "$0")/../lib.sh"

have_strace=
command -v strace >/dev/null && have_strace=1
backends=ptrace
if "$STRANGER" trace --backend=bpf -o "$TMP/probe" true 2>"$TMP/probe.err" &&
   ! grep -q "not available" "$TMP/probe.err"; then
	backends="ptrace bpf"
fi

test_must_be_empty() { if [ -s "$1" ]; then cat "$1"; return 1; fi; }

D="$TMP/d"
mkdir "$D" && touch "$D/target"

# run_both OUT ARGS... - stranger trace ARGS into OUT, strace's into OUT.strace
run_both() {
	out=$1
	shift
	"$STRANGER" trace -o "$out" "$@" <"$D/target" >/dev/null &&
	if [ -n "$have_strace" ]; then
		strace -o "$out.strace" "$@" <"$D/target" >/dev/null
	fi
}

# same_as_strace OUT - OUT holds strace's lines (where strace is here)
same_as_strace() {
	[ -z "$have_strace" ] || test_cmp "$1.strace" "$1"
}

test_expect_success '-y: paths escaped (\74 \76, \076 before a digit), (deleted) after the >' '
	run_both "$TMP/y.out" -y -e trace=read,write "$FIXTURES/fdcalls" "$D" &&
	grep -qx "read(0<$D/target>, \"\", 1) *= 0" "$TMP/y.out" &&
	grep -qx "write(1</dev/null>, \"x\", 1) *= 1" "$TMP/y.out" &&
	grep -qx "write(4<$D/gone>(deleted), \"hi\", 2) = 2" "$TMP/y.out" &&
	grep -qx "read(5<$D/a\\\\74b\\\\76c>, \"\", 0) *= 0" "$TMP/y.out" &&
	grep -qx "read(6<$D/a\\\\74b\\\\0761>, \"\", 0) *= 0" "$TMP/y.out" &&
	same_as_strace "$TMP/y.out"
'

test_expect_success '-yy: character devices as <char MAJOR:MINOR>' '
	run_both "$TMP/yy.out" -yy -e trace=read,write "$FIXTURES/fdcalls" "$D" &&
	grep -qx "write(1</dev/null<char 1:3>>, \"x\", 1) *= 1" "$TMP/yy.out" &&
	grep -qx "read(8</dev/zero<char 1:5>>, \"\\\\0\", 1) *= 1" "$TMP/yy.out" &&
	same_as_strace "$TMP/yy.out"
'

test_expect_success '-P: stdin and stdout redirected to the path, dup, poll and select sets' '
	"$STRANGER" trace -P "$D/target" -o "$TMP/p.out" "$FIXTURES/fdcalls" "$D" \
		<"$D/target" >"$D/target" &&
	cat "$TMP/p.out" &&
	grep -qx "read(0, \"\", 1) *= 0" "$TMP/p.out" &&
	grep -qx "write(1, \"x\", 1) *= 1" "$TMP/p.out" &&
	grep -q "^openat(AT_FDCWD, \"$D/target\", O_RDWR|O_CREAT, 0600) *= 3$" "$TMP/p.out" &&
	grep -qx "dup(3) *= 4" "$TMP/p.out" &&
	grep -qx "close(4) *= 0" "$TMP/p.out" &&
	grep -q "^poll(\[{fd=0, events=POLLIN}, {fd=3, events=POLLIN}\], 2, 0) = 2 " "$TMP/p.out" &&
	grep -q "^pselect6(4, \[3\], NULL, NULL, " "$TMP/p.out" &&
	! grep -q "gone\|/dev/\|a<b" "$TMP/p.out" &&
	if [ -n "$have_strace" ]; then
		strace -P "$D/target" -o "$TMP/p.strace" "$FIXTURES/fdcalls" "$D" \
			<"$D/target" >"$D/target" &&
		grep -v "^pselect6" "$TMP/p.strace" >"$TMP/p.strace.cmp" &&
		grep -v "^pselect6" "$TMP/p.out" >"$TMP/p.cmp" &&
		test_cmp "$TMP/p.strace.cmp" "$TMP/p.cmp"
	fi
'

test_expect_success '-P with a relative path: resolved, said once (not with --quiet=path-resolution)' '
	(cd "$D" && "$STRANGER" trace -P target -e trace=openat,dup -o "$TMP/r.out" \
		"$FIXTURES/fdcalls" "$D" </dev/null >/dev/null 2>"$TMP/r.err") &&
	grep -qx "stranger: trace: Requested path \"target\" resolved into \"$D/target\"" "$TMP/r.err" &&
	grep -qx "dup(3) *= 4" "$TMP/r.out" &&
	(cd "$D" && "$STRANGER" trace --quiet=path-resolution -P target -o /dev/null \
		"$FIXTURES/fdcalls" "$D" </dev/null >/dev/null 2>"$TMP/r2.err") &&
	test_must_be_empty "$TMP/r2.err"
'

for be in $backends; do
	test_expect_success "$be: --signal=SET shows only those signals" '
		"$STRANGER" trace --backend=$be --signal=SIGUSR1 -e trace=none -o "$TMP/s.out" \
			sh -c "trap : USR1; kill -USR1 \$\$; sleep 0 & wait" &&
		grep -c "^---" "$TMP/s.out" | grep -qx 1 &&
		grep -q "^--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_USER, si_pid=[0-9]*, si_uid=0} ---$" "$TMP/s.out" &&
		"$STRANGER" trace --backend=$be --signal=!SIGUSR1 -e trace=none -o "$TMP/s2.out" \
			sh -c "trap : USR1; kill -USR1 \$\$; sleep 0 & wait" &&
		grep -q "^--- SIGCHLD " "$TMP/s2.out" && ! grep -q SIGUSR1 "$TMP/s2.out" &&
		test_expect_code 2 "$STRANGER" trace --signal=SIGNOPE true 2>"$TMP/s.err" &&
		grep -qx "stranger: trace: invalid signal .SIGNOPE." "$TMP/s.err"
	'

	test_expect_success "$be: --quiet=exit leaves out exit lines, never a death by signal" '
		"$STRANGER" trace --backend=$be --quiet=exit -e trace=none -o "$TMP/q.out" true &&
		test_must_be_empty "$TMP/q.out" &&
		test_expect_code 143 "$STRANGER" trace --backend=$be -e quiet=exit,attach -e trace=none \
			-e signal=none -o "$TMP/q2.out" sh -c "kill \$\$" &&
		grep -qx "+++ killed by SIGTERM +++" "$TMP/q2.out" &&
		"$STRANGER" trace --backend=$be --quiet=all -e trace=none -o "$TMP/q3.out" true &&
		test_must_be_empty "$TMP/q3.out" &&
		for v in attach exit path-resolution personality thread-execve superseded none "!exit"; do
			"$STRANGER" trace --backend=$be --quiet="$v" -o /dev/null true || return 1
		done &&
		test_expect_code 2 "$STRANGER" trace --quiet=bogus true 2>"$TMP/q.err" &&
		grep -qx "stranger: trace: invalid quiet .bogus." "$TMP/q.err" &&
		test_expect_code 2 "$STRANGER" trace -q --quiet=exit true 2>/dev/null
	'

	test_expect_success "$be: -p PID beside a command: every line has its pid, as strace" '
		for tool in "$STRANGER trace --backend=$be" strace; do
			[ "$tool" != strace ] || [ -n "$have_strace" ] || continue
			rm -f "$TMP/fifo" "$TMP/ready" && mkfifo "$TMP/fifo" &&
			fixture_start SLEEPER "$FIXTURES/sleepers" -t 1 -r "$TMP/ready" "$TMP/fifo" &&
			wait_for_file "$TMP/ready" &&
			timeout 20 $tool -f -p $SLEEPER -e trace=execve,exit,exit_group \
				-- sh -c "printf x >$TMP/fifo" 2>"$TMP/pc.out" &&
			wait $SLEEPER &&
			grep -v "^strace: \|^stranger: " "$TMP/pc.out" |
				sed -E "/ resumed>/d; s/ <unfinished \\.\\.\\.>\$/) = ?/; s/0x[0-9a-f]+/HEX/g; s/[0-9]+/N/g; s/ +/ /g" | sort >"$TMP/pc.$(basename ${tool%% *})" || return 1
		done &&
		cat "$TMP/pc.stranger" &&
		grep -qx "\[pid N\] execve(\"/usr/bin/sh\", \[\"sh\", \"-c\", \".*\"\.*\], HEX /\* N vars \*/) = N" "$TMP/pc.stranger" &&
		grep -qx "\[pid N\] exit(N) = ?" "$TMP/pc.stranger" &&
		grep -c "+++ exited with N +++" "$TMP/pc.stranger" | grep -qx 3 &&
		if [ -n "$have_strace" ]; then
			# which process ends last (and so loses its prefix) is a race
			sed "s/^\[pid N\] //" "$TMP/pc.strace" | sort >"$TMP/pc.s" &&
			sed "s/^\[pid N\] //" "$TMP/pc.stranger" | sort >"$TMP/pc.n" &&
			test_cmp "$TMP/pc.s" "$TMP/pc.n"
		fi
	'
done

test_done
