#!/bin/bash
# dump on hard targets: many threads, huge sparse memory, an existing
# tracer, mappings that vanish, a full disk, a process that dies mid-dump.
. "$(dirname "$0")/../lib.sh"

gdb_core() {
	exe=$1 core=$2
	shift 2
	args=()
	for c in "$@"; do args+=(-ex "$c"); done
	gdb -nx -batch "${args[@]}" "$exe" "$core" 2>&1
}
sealed() { (cd "$1" && sha256sum -c --strict manifest.sha256 >/dev/null); }
# sealed_big DIR - the same check as sealed for huge sparse files: every
# manifest line's SHA-256 recomputed, holes hashed as zeros without reading
# them (reading 4 GiB of holes takes minutes on a busy machine)
sealed_big() {
	python3 - "$1" <<'PY'
import hashlib, os, sys
os.chdir(sys.argv[1])
zero = bytes(16 << 20)
for line in open("manifest.sha256"):
    want, name = line.rstrip("\n").split("  ", 1)
    h = hashlib.sha256()
    fd = os.open(name, os.O_RDONLY)
    size, pos = os.fstat(fd).st_size, 0
    while pos < size:
        try:
            data = os.lseek(fd, pos, os.SEEK_DATA)
        except OSError:
            data = size
        while pos < data:
            n = min(data - pos, len(zero))
            h.update(zero[:n]) if n < len(zero) else h.update(zero)
            pos += n
        if pos >= size:
            break
        hole = os.lseek(fd, pos, os.SEEK_HOLE)
        while pos < hole:
            b = os.pread(fd, min(hole - pos, 16 << 20), pos)
            if not b:
                sys.exit(name + ": short read")
            h.update(b)
            pos += len(b)
    os.close(fd)
    if h.hexdigest() != want:
        sys.exit(name + ": FAILED")
PY
}
threads_in() { grep -c "^[* ] *[0-9][0-9]* *Thread 0x" "$1"; }

test_expect_success '500 threads: every one with its registers' '
	fixture_start P "$FIXTURES/dumpee" -r "$TMP/r500" -t 498 &&
	wait_for_file "$TMP/r500" &&
	"$STRANGER" dump "$P" -o "$TMP/t500" >/dev/null &&
	grep -q "500 threads (500 with full registers)" "$TMP/t500/case.log" &&
	gdb_core "$FIXTURES/dumpee" "$TMP/t500/core" "info threads" >"$TMP/thr" &&
	test "$(threads_in "$TMP/thr")" = 500 &&
	test "$(readelf -n "$TMP/t500/core" | grep -c NT_PRSTATUS)" = 500 &&
	sealed "$TMP/t500" &&
	! grep -q "^State:.*t (tracing stop)" /proc/$P/task/*/status &&
	fixture_kill "$P"
'

test_expect_success 'a 4 GiB sparse mapping: a sparse core, both ends readable' '
	fixture_start P "$FIXTURES/dumpee" -r "$TMP/rsp" -s 4 &&
	wait_for_file "$TMP/rsp" &&
	"$STRANGER" dump "$P" -o "$TMP/sparse" >/dev/null &&
	test "$(stat -c %s "$TMP/sparse/core")" -gt $((4 << 30)) &&
	test "$(du -k "$TMP/sparse/core" | cut -f1)" -lt $((256 << 10)) &&
	gdb_core "$FIXTURES/dumpee" "$TMP/sparse/core" "x/s sparse_marks[0]" "x/s sparse_marks[1]" >"$TMP/gdb" &&
	grep -q "SPARSE-START" "$TMP/gdb" && grep -q "SPARSE-END" "$TMP/gdb" &&
	sealed_big "$TMP/sparse" &&
	fixture_kill "$P"
'

test_expect_success 'memory stays bounded (under 64 MiB) for a 256 MiB target' '
	fixture_start P "$FIXTURES/dumpee" -r "$TMP/rbig" -m 256 &&
	wait_for_file "$TMP/rbig" &&
	/usr/bin/time -f "%M" -o "$TMP/rss" "$STRANGER" dump "$P" -o "$TMP/big" >/dev/null &&
	echo "max RSS $(cat "$TMP/rss") KiB" &&
	test "$(tail -n 1 "$TMP/rss")" -lt 65536 &&
	sealed_big "$TMP/big" &&
	fixture_kill "$P"
'

test_expect_success 'already traced: memory dumped, registers from /proc, logged' '
	fixture_start P "$FIXTURES/dumpee" -r "$TMP/rtr" -T -u &&
	wait_for_file "$TMP/rtr" &&
	read -r pid tracer <"$TMP/rtr" &&
	test_expect_code 1 "$STRANGER" dump "$pid" -o "$TMP/traced" >/dev/null 2>"$TMP/err" &&
	grep -q "warning: registers: ptrace refused.*already traced by PID $tracer" "$TMP/traced/case.log" &&
	grep -q "already traced" "$TMP/err" &&
	sealed "$TMP/traced" &&
	gdb_core "$FIXTURES/dumpee" "$TMP/traced/core" "info threads" "x/s secret" >"$TMP/gdb" &&
	grep -q "SECRET=dumpee-secret" "$TMP/gdb" &&
	test "$(threads_in "$TMP/gdb")" = 3 &&
	grep -q "^\* 1 .*in __libc_pause" "$TMP/gdb" &&
	grep -q "^TracerPid:.$tracer$" /proc/$pid/status &&
	fixture_kill "$pid"
'

test_expect_success 'disk full: a clear error, the partial core named, no lying manifest' '
	fixture_start P "$FIXTURES/dumpee" -r "$TMP/rfull" -m 16 &&
	wait_for_file "$TMP/rfull" &&
	mkdir "$TMP/small" &&
	unshare -m sh -c "mount -t tmpfs -o size=4m tmpfs \"$TMP/small\" &&
		\"$STRANGER\" dump $P -o \"$TMP/small/d\" >/dev/null 2>\"$TMP/err\"
		echo \$? >\"$TMP/rc\"
		cp \"$TMP/small/d/case.log\" \"$TMP/full.log\"
		cp \"$TMP/small/d/partial.txt\" \"$TMP/full.partial\"
		cp \"$TMP/small/d/manifest.sha256\" \"$TMP/full.manifest\"
		cd \"$TMP/small/d\" && { ! test -e manifest.sha256 || sha256sum -c --strict manifest.sha256; } >\"$TMP/check\" 2>&1
		echo \$? >\"$TMP/checkrc\"" &&
	! mountpoint -q "$TMP/small" &&
	test "$(cat "$TMP/rc")" = 2 &&
	test "$(cat "$TMP/checkrc")" = 0 &&
	grep -q "stranger: dump: .*core: No space left on device" "$TMP/err" &&
	grep -q "partial: core: only [0-9]* bytes written: No space left on device" "$TMP/full.log" &&
	grep -q "^core: only [0-9]* bytes written: No space left on device" "$TMP/full.partial" &&
	grep -q "  partial.txt$" "$TMP/full.manifest" &&
	fixture_kill "$P"
'

test_expect_success 'the process dies during the dump: partial core, warning, exit 1' '
	fixture_start P "$FIXTURES/dumpee" -r "$TMP/rdie" -m 768 &&
	wait_for_file "$TMP/rdie"
	{ "$STRANGER" dump "$P" -o "$TMP/die" >/dev/null 2>"$TMP/err"; echo $? >"$TMP/rc"; } &
	dumper=$! &&
	i=0; while [ ! -s "$TMP/die/core" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	sleep 0.1 && kill -KILL "$P" && wait "$dumper" &&
	cat "$TMP/err" &&
	test "$(cat "$TMP/rc")" = 1 &&
	grep -q "warning: the process exited during the dump" "$TMP/die/case.log" &&
	sealed_big "$TMP/die" &&
	fixture_kill "$P"
'

test_expect_success 'interrupted (SIGINT after 8 MiB): one line, exit 130, core marked partial, sealed, target resumed' '
	fixture_start P "$FIXTURES/dumpee" -r "$TMP/rint" -m 64 &&
	wait_for_file "$TMP/rint" &&
	test_expect_code 130 env STRANGER_TEST_INTERRUPT_BYTES=8388608 \
		"$STRANGER" dump "$P" -o "$TMP/int" >"$TMP/out" 2>"$TMP/err" &&
	cat "$TMP/err" &&
	test $(wc -l <"$TMP/err") = 1 &&
	grep -q "^stranger: dump: interrupted by SIGINT: .*/core is partial" "$TMP/err" &&
	grep -q "interrupted: by SIGINT" "$TMP/int/case.log" &&
	grep -q "partial: core: only [0-9]* bytes written: interrupted by SIGINT" "$TMP/int/case.log" &&
	grep -q "end: exit status 130; 1 partial file" "$TMP/int/case.log" &&
	grep -q "^core: only [0-9]* bytes written: interrupted by SIGINT" "$TMP/int/partial.txt" &&
	grep -q "  partial.txt$" "$TMP/int/manifest.sha256" &&
	(cd "$TMP/int" && sha256sum -c --strict manifest.sha256) &&
	! test -e "$TMP/int/manifest.sha256.tmp" &&
	! test -w "$TMP/int/core" -a "$(id -u)" != 0 &&
	test "$(stat -c %a "$TMP/int/core")" = 400 &&
	grep -q "^State:.[SR]" /proc/$P/status &&
	grep -q "^TracerPid:.0$" /proc/$P/status &&
	fixture_kill "$P"
'

test_expect_success 'interrupted while frozen: the process stays frozen' '
	fixture_start P "$FIXTURES/dumpee" -r "$TMP/rintf" -m 32 &&
	wait_for_file "$TMP/rintf" &&
	"$STRANGER" freeze --method=signal "$P" >/dev/null &&
	test_expect_code 130 env STRANGER_TEST_INTERRUPT_BYTES=1 \
		"$STRANGER" dump "$P" -o "$TMP/intf" >/dev/null 2>&1 &&
	grep -q "^State:.T" /proc/$P/status &&
	"$STRANGER" thaw "$P" >/dev/null &&
	fixture_kill "$P"
'

test_expect_success 'a zombie: "is a zombie: no memory left", exit 2, nothing written' '
	fixture_start ZP bash -c "sleep 0.1 & exec sleep 600" &&
	sleep 0.5 &&
	z=$(pgrep -P "$ZP") && grep -q "^State:.Z" /proc/$z/status &&
	test_expect_code 2 "$STRANGER" dump "$z" -o "$TMP/zd" 2>"$TMP/ez" &&
	test "$(cat "$TMP/ez")" = "stranger: dump: $z: is a zombie: no memory left" &&
	! test -e "$TMP/zd" &&
	test_expect_code 2 "$STRANGER" recover "$z" -o "$TMP/zr" 2>"$TMP/ez" &&
	test "$(cat "$TMP/ez")" = "stranger: recover: $z: is a zombie: no memory left"
'

test_done
