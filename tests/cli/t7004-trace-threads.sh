#!/bin/bash
# trace -p on a multi-threaded process loses no call: four threads blocked
# in read() at attach time, woken after it, each make a known number of
# calls; every one is printed, with a command traced beside (-p PID --
# CMD, with and without -f and its seccomp filter) and without, on both
# backends.
. "$(dirname "$0")/../lib.sh"

backends=ptrace
if "$STRANGER" trace --backend=bpf -o "$TMP/probe" true 2>"$TMP/probe.err" &&
   ! grep -q "not available" "$TMP/probe.err"; then
	backends="ptrace bpf"
else
	test_skip 'the bpf backend' "BPF denied here: $(head -c 200 "$TMP/probe.err")"
fi

# start_sleepers - 4 threads blocked in read on $TMP/fifo, 5 calls each; $SL
start_sleepers() {
	rm -f "$TMP/fifo" "$TMP/ready"
	mkfifo "$TMP/fifo"
	fixture_start SL "$FIXTURES/sleepers" -t 4 -c 5 -r "$TMP/ready" "$TMP/fifo"
	wait_for_file "$TMP/ready"
}

# count_calls OUT - 20 chdir and 20 getppid from the four threads, each
# call once (a cut line and its "resumed" half are one call)
count_calls() {
	sed -E "s/^\[pid +([0-9]+)\] /\1 /" "$1" >"$1.n"
	sed -nE "s/^([0-9]+) +chdir\(\"\/\".*/\1/p" "$1.n" | sort | uniq -c >"$1.chdir"
	cat "$1.chdir"
	test "$(wc -l <"$1.chdir")" = 4 &&
	test "$(awk "{ s += \$1 } END { print s }" "$1.chdir")" = 20 &&
	! awk "\$1 != 5" "$1.chdir" | grep . &&
	for tid in $(awk "{ print \$2 }" "$1.chdir"); do
		test "$(grep -cE "^$tid +getppid\(" "$1.n")" = 5 || return 1
		grep -qE "^$tid +\+\+\+ exited with 0 \+\+\+" "$1.n" || return 1
	done
}

for be in $backends; do
	for f in "-f" ""; do
		for e in "" "-e trace=chdir,getppid,read"; do
			test_expect_success "$be $f $e: -p PID -- CMD shows every call of the attached threads" '
				start_sleepers &&
				timeout 30 "$STRANGER" trace --backend=$be $f $e -p $SL -o "$TMP/c.out" \
					-- sh -c "printf abcd >\"$TMP/fifo\"" 2>"$TMP/c.err" &&
				grep -q "Process $SL attached with 5 threads" "$TMP/c.err" &&
				count_calls "$TMP/c.out" &&
				wait $SL
			'
		done
	done
	test_expect_success "$be: -p PID alone shows every call of the threads woken after attach" '
		start_sleepers &&
		rm -f "$TMP/p.err" &&
		{ timeout 30 "$STRANGER" trace --backend=$be -p $SL -o "$TMP/p.out" 2>"$TMP/p.err" & } &&
		TR=$! &&
		wait_for_file "$TMP/p.err" &&
		printf abcd >"$TMP/fifo" &&
		{ wait $TR || { echo "trace exited $?"; cat "$TMP/p.err"; false; }; } &&
		count_calls "$TMP/p.out" &&
		grep -qE "^($SL +)?\+\+\+ exited with 0 \+\+\+" "$TMP/p.out.n" &&
		wait $SL
	'
done

test_done
