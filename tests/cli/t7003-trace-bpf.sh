#!/bin/bash
# trace --backend=bpf: watching without a tracer mark, launch after
# attach, lost events reported, the wiretap on a running process, and the
# fallback to ptrace where BPF is denied.
. "$(dirname "$0")/../lib.sh"

if ! "$STRANGER" trace --backend=bpf -o "$TMP/probe" true 2>"$TMP/probe.err" ||
   grep -q "not available" "$TMP/probe.err"; then
	test_skip 'the bpf backend' "BPF denied here: $(head -c 200 "$TMP/probe.err")"
	test_done
	exit
fi

test_expect_success 'launch: the programs are attached first, execve is the first line' '
	"$STRANGER" trace --backend=bpf -o "$TMP/l.out" "$FIXTURES/bpfcalls" >"$TMP/l.stdout" &&
	head -n 1 "$TMP/l.out" | grep -q "^execve(\"$FIXTURES/bpfcalls\", \[\".*\"\.*\], 0x[0-9a-f]* /\* [0-9]* vars \*/) = 0$" &&
	tail -n 1 "$TMP/l.out" | grep -qx "+++ exited with 0 +++" &&
	test $(grep -c "^getppid() " "$TMP/l.out") = 20000
'

test_expect_success 'the tracee sees no tracer: TracerPid 0 (ptrace: not 0)' '
	grep -qx "TracerPid:	0" "$TMP/l.stdout" &&
	grep -q "^write(1, \"TracerPid:\\\\t0\\\\n\", 13) *= 13$" "$TMP/l.out" &&
	"$STRANGER" trace --backend=ptrace -o /dev/null "$FIXTURES/bpfcalls" >"$TMP/p.stdout" &&
	grep -q "^TracerPid:	[1-9]" "$TMP/p.stdout"
'

fixture_start LOOP "$FIXTURES/bpfcalls" loop
test_expect_success 'attached: never stopped, never marked traced, left running' '
	{ "$STRANGER" trace --backend=bpf -p $LOOP -e trace=write -o "$TMP/a.out" 2>"$TMP/a.err" & } &&
	tracer=$! &&
	wait_for_file "$TMP/a.out" &&
	for i in 1 2 3 4 5 6 7 8 9 10; do
		state=$(sed -e "s/.*) //" /proc/$LOOP/stat | cut -d" " -f1) &&
		test "$state" != t && test "$state" != T &&
		grep -qx "TracerPid:	0" /proc/$LOOP/status &&
		sleep 0.05 || { kill $tracer; exit 1; }
	done &&
	kill -INT $tracer && { wait $tracer; true; } &&
	grep -q "^write(3, \"tick\\\\n\", 5) *= 5$" "$TMP/a.out" &&
	grep -q "Process $LOOP attached" "$TMP/a.err" &&
	grep -q "Process $LOOP detached" "$TMP/a.err" &&
	state=$(sed -e "s/.*) //" /proc/$LOOP/stat | cut -d" " -f1) &&
	test "$state" != t && test "$state" != T
'
fixture_kill $LOOP

# its exit status (0: every byte came back intact) lands in w.rc
fixture_start WT sh -c '"$1" -r "$2.ready" -s "$2.stop"; echo $? >"$2.rc"' sh \
	"$FIXTURES/wiretap" "$TMP/w"
test_expect_success 'the wiretap on a running process, which finishes normally' '
	wait_for_file "$TMP/w.ready" &&
	{ "$STRANGER" trace --backend=bpf -p $(cat "$TMP/w.ready") -e trace=read,write -e write=4 -e read=6 \
		-o "$TMP/w.out" 2>/dev/null & } &&
	tracer=$! &&
	i=0 && while ! grep -q "sword: cleartext" "$TMP/w.out" 2>/dev/null; do
		i=$((i + 1)); test $i -lt 200 || { kill $tracer; exit 1; }; sleep 0.05
	done &&
	kill -INT $tracer && { wait $tracer; true; } &&
	touch "$TMP/w.stop" &&
	wait_for_file "$TMP/w.rc" && test "$(cat "$TMP/w.rc")" = 0 &&
	grep -F " | 00010  73 77 6f 72 64 3a 20 63  6c 65 61 72 74 65 78 74  sword: cleartext |" "$TMP/w.out" &&
	grep -q "^write(4, \"login: root" "$TMP/w.out" &&
	grep -q "^read(6, \"login: root" "$TMP/w.out"
'
fixture_kill $WT

test_expect_success 'a full ring buffer: lost events are counted and reported' '
	# The tracer is stopped for a second while the traced dd keeps
	# running: the 4 KiB ring fills, whatever the machine speed.
	"$STRANGER" trace --backend=bpf --buffer-size=4096 -o "$TMP/small.out" \
		dd if=/dev/zero of=/dev/null bs=1 count=2000000 2>"$TMP/small.err" &
	tracer=$! &&
	fixture_adopt $tracer &&
	sleep 0.5 && kill -STOP $tracer && sleep 1 && kill -CONT $tracer &&
	wait $tracer &&
	grep -E "warning: [0-9]+ events lost: the ring buffer was full" "$TMP/small.err" &&
	test $(grep -c "^read(0, " "$TMP/small.out") -lt 2000000
'

test_expect_success 'where BPF is denied (seccomp), trace falls back to ptrace and says so' '
	"$FIXTURES/nobpf" "$STRANGER" trace -o "$TMP/f.out" -e trace=write "$FIXTURES/bpfcalls" \
		>"$TMP/f.stdout" 2>"$TMP/f.err" &&
	grep -q "the bpf backend is not available (.*); using ptrace" "$TMP/f.err" &&
	grep -q "^write(3, \"stranger in the night\\\\n\", 22) *= 22$" "$TMP/f.out" &&
	grep -q "^TracerPid:	[1-9]" "$TMP/f.stdout"
'

test_expect_success 'bad input: unknown backend, a ring size not a power of 2' '
	test_expect_code 2 "$STRANGER" trace --backend=dtrace true 2>"$TMP/e1" &&
	grep -q "unknown backend" "$TMP/e1" &&
	test_expect_code 2 "$STRANGER" trace --buffer-size=5000 true 2>"$TMP/e2" &&
	grep -q "power of 2" "$TMP/e2"
'

test_done
