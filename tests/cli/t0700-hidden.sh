#!/bin/bash
# hidden: cross-view detection.  Each case runs in private PID, mount and
# network namespaces that the test makes (unshare), so the host's own
# processes and sockets are neither judged nor touched, and everything a
# case starts dies with its namespace.
. "$(dirname "$0")/../lib.sh"

if ! unshare -pfnm --mount-proc true 2>/dev/null; then
	test_skip 'hidden' 'no PID/mount/network namespaces here'
	test_done
	exit 0
fi

# in_ns SCRIPT - run SCRIPT under bash in fresh namespaces, lo up
in_ns() {
	STRANGER="$STRANGER" FIXTURES="$FIXTURES" TMP="$TMP" \
		unshare -pfnm --mount-proc --propagation private bash -c '
		ip link set lo up 2>/dev/null || true
		start_bd() {
			d=$(mktemp -d "$TMP/bd.XXXXXX")
			"$FIXTURES/backdoor" -d "$d" -p 5120 -r "$d/ready" &
			for _ in $(seq 200); do [ -s "$d/ready" ] && break; sleep 0.05; done
			read -r BD BDPORT <"$d/ready"
		}
		'"$1"
}

# A new PID namespace has its own pid_max (4194304 on recent kernels);
# its processes all have small PIDs, so the probes stop at 65536 there.
P="--max-pid 65536"

# Sanitizer runtimes refuse to run under a foreign LD_PRELOAD by default.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

# Does the BPF sweep load here (privileges, kernel)?  Cases that need it
# are skipped where it does not; the others hold with either sweep.
if in_ns "\"\$STRANGER\" hidden --only processes --max-pid 64 --sweep=bpf" \
	>/dev/null 2>&1; then
	have_bpf=1
else
	have_bpf=
fi

test_expect_success 'a clean machine: nothing found, exit 0, with either sweep' '
	in_ns "
		sleep 300 & start_bd
		\"\$STRANGER\" hidden $P >\"\$TMP/clean\"; echo \$? >\"\$TMP/clean.rc\"
		\"\$STRANGER\" hidden $P --sweep=syscalls >\"\$TMP/clean.sc\"
		echo \$? >\"\$TMP/clean.sc.rc\"
	" &&
	test "$(cat "$TMP/clean.rc")" = 0 &&
	test ! -s "$TMP/clean" &&
	test "$(cat "$TMP/clean.sc.rc")" = 0 &&
	test ! -s "$TMP/clean.sc"
'

test_expect_success 'a fork storm and a flood of short connections: no finding, either sweep' '
	in_ns "
		python3 \"$ROOT/tests/churn.py\" \"\$TMP/churn.ready\" --fork &
		for _ in \$(seq 200); do [ -s \"\$TMP/churn.ready\" ] && break; sleep 0.05; done
		( while :; do /bin/true & /bin/true & wait; done ) &
		\"\$STRANGER\" hidden $P --json >\"\$TMP/churn\"; echo \$? >\"\$TMP/churn.rc\"
		\"\$STRANGER\" hidden $P --only processes --sweep=syscalls --json \
			>\"\$TMP/churn.sc\"
		echo \$? >\"\$TMP/churn.sc.rc\"
	" &&
	cat "$TMP/churn" "$TMP/churn.sc" &&
	test -s "$TMP/churn.ready" &&
	test "$(cat "$TMP/churn.rc")" = 0 &&
	test ! -s "$TMP/churn" &&
	test "$(cat "$TMP/churn.sc.rc")" = 0 &&
	test ! -s "$TMP/churn.sc"
'

test_expect_success 'a bind mount over /proc/PID is found, exit 1' '
	mkdir -p "$TMP/empty" &&
	in_ns "
		start_bd
		mount --bind \"\$TMP/empty\" /proc/\$BD
		echo \$BD >\"\$TMP/mnt.pid\"
		\"\$STRANGER\" hidden $P --only processes >\"\$TMP/mnt\"; echo \$? >\"\$TMP/mnt.rc\"
		\"\$STRANGER\" hidden $P --only processes --json >\"\$TMP/mnt.json\"
		\"\$STRANGER\" hidden $P --only processes --sweep=syscalls >\"\$TMP/mnt.sc\"
		echo \$? >\"\$TMP/mnt.sc.rc\"
		true
	" &&
	cat "$TMP/mnt" "$TMP/mnt.sc" &&
	test "$(cat "$TMP/mnt.rc")" = 1 &&
	test "$(cat "$TMP/mnt.sc.rc")" = 1 &&
	bd=$(cat "$TMP/mnt.pid") &&
	grep -E "^mount +$bd +$bd +mountinfo,stat +procfs +mounted over /proc/$bd" "$TMP/mnt" &&
	grep -E "^mount +$bd +$bd +mountinfo,stat +procfs +mounted over /proc/$bd" "$TMP/mnt.sc" &&
	valid_json_lines "$TMP/mnt.json" &&
	python3 - "$TMP/mnt.json" "$bd" <<-\PY
	import json, sys
	f = [json.loads(l) for l in open(sys.argv[1])]
	m = [x for x in f if x["kind"] == "mount" and x["pid"] == int(sys.argv[2])]
	assert m and m[0]["seen_by"] == ["mountinfo", "stat"], f
	assert m[0]["missing_from"] == ["procfs"], m
	PY
'

test_expect_success 'hidden from readdir by a preloaded library: stranger sees it, ls and ps do not' '
	in_ns "
		start_bd
		echo \$BD >\"\$TMP/hider.pid\"
		HIDER_PIDS=\$BD LD_PRELOAD=\"\$FIXTURES/libhider.so\" ls /proc >\"\$TMP/hider.ls\"
		HIDER_PIDS=\$BD LD_PRELOAD=\"\$FIXTURES/libhider.so\" \
			\"\$STRANGER\" hidden $P --tools --only processes >\"\$TMP/hider\" 2>\"\$TMP/hider.err\"
		echo \$? >\"\$TMP/hider.rc\"
		HIDER_PIDS=\$BD LD_PRELOAD=\"\$FIXTURES/libhider.so\" \
			\"\$STRANGER\" hidden $P --only processes --sweep=syscalls >\"\$TMP/hider.sc\" 2>&1
		echo \$? >\"\$TMP/hider.sc.rc\"
	" &&
	cat "$TMP/hider" "$TMP/hider.err" "$TMP/hider.sc" &&
	test "$(cat "$TMP/hider.sc.rc")" = 0 &&
	bd=$(cat "$TMP/hider.pid") &&
	! grep -qx "$bd" "$TMP/hider.ls" &&
	test "$(cat "$TMP/hider.rc")" = 1 &&
	grep -E "^tool +$bd +<defunct> +getdents +ls +omitted by [^ ]*/ls -1 /proc$" "$TMP/hider" &&
	grep -E "^tool +$bd +<defunct> +getdents +ps +omitted by [^ ]*/ps -e -o pid=$" "$TMP/hider" &&
	! grep -E "^process" "$TMP/hider" &&
	grep -q "LD_PRELOAD" "$TMP/hider.err"
'

if [ -n "$have_bpf" ]; then
test_expect_success 'hidden from getdents itself: the pidtable and every probe see it, ps flags it' '
	in_ns "
		start_bd
		echo \$BD >\"\$TMP/gd.pid\"
		export HIDER_PIDS=\$BD HIDER_GETDENTS=1
		LD_PRELOAD=\"\$FIXTURES/libhider.so\" \"\$STRANGER\" hidden $P --only processes \
			--json >\"\$TMP/gd.json\" 2>\"\$TMP/gd.err\"
		echo \$? >\"\$TMP/gd.rc\"
		LD_PRELOAD=\"\$FIXTURES/libhider.so\" \"\$STRANGER\" hidden $P --only processes \
			--sweep=bpf --json >\"\$TMP/gdb.json\" 2>\"\$TMP/gdb.err\"
		echo \$? >\"\$TMP/gdb.rc\"
		LD_PRELOAD=\"\$FIXTURES/libhider.so\" \"\$STRANGER\" ps --suspicious \
			>\"\$TMP/gd.ps\" 2>&1
		true
	" &&
	cat "$TMP/gd.json" "$TMP/gd.err" "$TMP/gd.ps" &&
	bd=$(cat "$TMP/gd.pid") &&
	test "$(cat "$TMP/gd.rc")" = 1 &&
	test "$(cat "$TMP/gdb.rc")" = 1 &&
	test_cmp "$TMP/gd.json" "$TMP/gdb.json" &&
	! grep -q BPF "$TMP/gd.err" &&
	python3 - "$TMP/gd.json" "$bd" <<-\PY &&
	import json, sys
	f = [json.loads(l) for l in open(sys.argv[1])]
	assert len(f) == 1, f
	x = f[0]
	assert x["kind"] == "process" and x["pid"] == int(sys.argv[2]), x
	assert x["seen_by"] == ["pidtable", "kill", "getpgid", "stat"], x
	assert x["missing_from"] == ["getdents"], x
	PY
	grep -E "^ *$bd +[0-9]+ .*[ ,]hidden " "$TMP/gd.ps"
'
else
	test_skip 'hidden from getdents itself: the pidtable and every probe see it' \
		'the BPF PID sweep does not load here'
fi

test_expect_success 'hidden from getdents itself: --sweep=syscalls finds it without the pidtable' '
	in_ns "
		start_bd
		echo \$BD >\"\$TMP/gds.pid\"
		HIDER_PIDS=\$BD HIDER_GETDENTS=1 LD_PRELOAD=\"\$FIXTURES/libhider.so\" \
			\"\$STRANGER\" hidden $P --only processes --sweep=syscalls --json \
			>\"\$TMP/gds.json\" 2>\"\$TMP/gds.err\"
		echo \$? >\"\$TMP/gds.rc\"
	" &&
	cat "$TMP/gds.json" "$TMP/gds.err" &&
	test "$(cat "$TMP/gds.rc")" = 1 &&
	! grep -q BPF "$TMP/gds.err" &&
	python3 - "$TMP/gds.json" "$(cat "$TMP/gds.pid")" <<-\PY
	import json, sys
	f = [json.loads(l) for l in open(sys.argv[1])]
	assert len(f) == 1, f
	x = f[0]
	assert x["kind"] == "process" and x["pid"] == int(sys.argv[2]), x
	assert x["seen_by"] == ["kill", "getpgid", "stat"], x
	assert x["missing_from"] == ["getdents"], x
	PY
'

test_expect_success 'bpf() refused: the system call sweep after one warning; --sweep=bpf exits 2' '
	in_ns "
		start_bd
		echo \$BD >\"\$TMP/nb.pid\"
		HIDER_PIDS=\$BD HIDER_GETDENTS=1 LD_PRELOAD=\"\$FIXTURES/libhider.so\" \
			\"\$FIXTURES/nobpf\" \"\$STRANGER\" hidden $P --only processes --json \
			>\"\$TMP/nb.json\" 2>\"\$TMP/nb.err\"
		echo \$? >\"\$TMP/nb.rc\"
		\"\$FIXTURES/nobpf\" \"\$STRANGER\" ps >\"\$TMP/nb.ps\" 2>\"\$TMP/nb.ps.err\"
		echo \$? >\"\$TMP/nb.ps.rc\"
		\"\$FIXTURES/nobpf\" \"\$STRANGER\" hidden $P --only processes --sweep=bpf \
			>\"\$TMP/nbf.out\" 2>\"\$TMP/nbf.err\"
		echo \$? >\"\$TMP/nbf.rc\"
	" &&
	cat "$TMP/nb.json" "$TMP/nb.err" "$TMP/nbf.err" &&
	test "$(cat "$TMP/nb.rc")" = 1 &&
	test "$(grep -c "BPF PID sweep unavailable" "$TMP/nb.err")" = 1 &&
	python3 - "$TMP/nb.json" "$(cat "$TMP/nb.pid")" <<-\PY &&
	import json, sys
	f = [json.loads(l) for l in open(sys.argv[1])]
	assert [x["pid"] for x in f] == [int(sys.argv[2])], f
	assert f[0]["seen_by"] == ["kill", "getpgid", "stat"], f
	PY
	test "$(cat "$TMP/nb.ps.rc")" = 0 &&
	test ! -s "$TMP/nb.ps.err" &&
	test "$(cat "$TMP/nbf.rc")" = 2 &&
	test ! -s "$TMP/nbf.out" &&
	test "$(wc -l <"$TMP/nbf.err")" = 1 &&
	grep -q "BPF PID sweep" "$TMP/nbf.err"
'

test_expect_success 'a process started with LD_PRELOAD is flagged preload' '
	in_ns "
		LD_PRELOAD=\"\$FIXTURES/libhider.so\" sleep 300 &
		echo \$! >\"\$TMP/pre.pid\"
		sleep 0.3
		\"\$STRANGER\" hidden $P --only preload >\"\$TMP/pre\"; echo \$? >\"\$TMP/pre.rc\"
	" &&
	cat "$TMP/pre" &&
	p=$(cat "$TMP/pre.pid") &&
	test "$(cat "$TMP/pre.rc")" = 1 &&
	grep -E "^preload +$p +sleep +environ +LD_PRELOAD=.*/libhider.so$" "$TMP/pre"
'

test_expect_success 'a library loaded from outside the system folders is flagged' '
	in_ns "
		python3 -c \"import ctypes, sys, time; ctypes.CDLL(sys.argv[1]); open(sys.argv[2], \\\"w\\\").write(\\\"x\\\"); time.sleep(300)\" \
			\"\$FIXTURES/libhider.so\" \"\$TMP/dl.ready\" &
		echo \$! >\"\$TMP/dl.pid\"
		for _ in \$(seq 200); do [ -s \"\$TMP/dl.ready\" ] && break; sleep 0.05; done
		\"\$STRANGER\" hidden $P --only preload >\"\$TMP/dl\"; echo \$? >\"\$TMP/dl.rc\"
	" &&
	cat "$TMP/dl" &&
	p=$(cat "$TMP/dl.pid") &&
	test "$(cat "$TMP/dl.rc")" = 1 &&
	grep -E "^preload +$p +python3 +maps +elf_needed +not a dependency: .*/libhider.so$" "$TMP/dl"
'

test_expect_success 'a trojaned ps and ss first in PATH: their omissions are found' '
	mkdir -p "$TMP/bin" &&
	in_ns "
		start_bd
		echo \"\$BD \$BDPORT\" >\"\$TMP/troj.pid\"
		printf \"#!/bin/sh\\n$(command -v ps) \\\"\\\$@\\\" | grep -v \\\"^ *\$BD\\\$\\\"\\nexit 0\\n\" >\"\$TMP/bin/ps\"
		printf \"#!/bin/sh\\n$(command -v ss) \\\"\\\$@\\\" | grep -v \\\":\$BDPORT \\\"\\nexit 0\\n\" >\"\$TMP/bin/ss\"
		chmod +x \"\$TMP/bin/ps\" \"\$TMP/bin/ss\"
		PATH=\"\$TMP/bin:\$PATH\" \"\$STRANGER\" hidden $P --tools --only modules --json >\"\$TMP/troj\"
		echo \$? >\"\$TMP/troj.rc\"
	" &&
	cat "$TMP/troj" &&
	read -r bd port <"$TMP/troj.pid" &&
	test "$(cat "$TMP/troj.rc")" = 1 &&
	valid_json_lines "$TMP/troj" &&
	python3 - "$TMP/troj" "$bd" "$port" "$TMP/bin" <<-\PY
	import json, sys
	f = [json.loads(l) for l in open(sys.argv[1])]
	bd, port, bindir = int(sys.argv[2]), sys.argv[3], sys.argv[4]
	ps = [x for x in f if x["missing_from"] == ["ps"]]
	assert [x["pid"] for x in ps] == [bd], f
	assert ps[0]["kind"] == "tool" and ps[0]["seen_by"] == ["getdents"], ps
	assert ps[0]["detail"] == "omitted by %s/ps -e -o pid=" % bindir, ps
	ss = [x for x in f if x["missing_from"] == ["ss"]]
	assert [x["object"] for x in ss] == ["tcp :" + port], f
	assert not [x for x in f if x["missing_from"] in (["ls"], ["netstat"])], f
	PY
'

test_expect_success 'bad usage exits 2 with one line' '
	test_expect_code 2 "$STRANGER" hidden --only bogus 2>"$TMP/err1" &&
	grep -q "unknown view" "$TMP/err1" &&
	test_expect_code 2 "$STRANGER" hidden extra 2>"$TMP/err2" &&
	test_expect_code 2 "$STRANGER" hidden --max-pid=1 2>"$TMP/err3" &&
	test_expect_code 2 "$STRANGER" hidden --sweep=fast 2>"$TMP/err4" &&
	grep -q "unknown sweep" "$TMP/err4"
'

test_done
