#!/bin/bash
# recover: the deleted executable and files come back, sealed.
. "$(dirname "$0")/../lib.sh"

mkdir -p "$TMP/intruder"
fixture_start LAUNCH "$FIXTURES/backdoor" -d "$TMP/intruder" -p 5120 -r "$TMP/ready"
wait_for_file "$TMP/ready"
read -r BD _ <"$TMP/ready"

test_expect_success 'recover brings back the deleted executable and log' '
	"$STRANGER" recover "$BD" -o "$TMP/rec" >"$TMP/out" &&
	want=$(sha256sum <"$FIXTURES/backdoor" | cut -d" " -f1) &&
	got=$(sha256sum <"$TMP/rec/exe" | cut -d" " -f1) &&
	test "$want" = "$got" &&
	grep -q "^root r00tme$" "$TMP/rec"/fd/* &&
	grep -q "^exe .*$want.*in.telnetd" "$TMP/out" &&
	no_control_bytes "$TMP/out"
'

test_expect_success 'the folder is sealed: sha256sum -c, read-only files' '
	(cd "$TMP/rec" && sha256sum -c --strict manifest.sha256) &&
	for f in exe maps status cmdline environ case.log; do
		grep -q "  $f$" "$TMP/rec/manifest.sha256" || exit 1
		test "$(stat -c %a "$TMP/rec/$f")" = 400 || exit 1
	done
'

test_expect_success 'case.log: UTC times, host, kernel, version, command, uid' '
	log="$TMP/rec/case.log" &&
	! grep -qv "^20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-9:]*\.[0-9]*Z " "$log" &&
	grep -q "stranger [0-9.]*: case log" "$log" &&
	grep -q "host: $(uname -n)" "$log" &&
	grep -q "kernel: Linux $(uname -r)" "$log" &&
	grep -q "uid: $(id -u) " "$log" &&
	grep -q "command: stranger recover $BD -o " "$log" &&
	grep -q "end: exit status 0" "$log"
'

test_expect_success 'the process was neither stopped nor signalled' '
	grep -q "^State:.*S (sleeping)" /proc/$BD/status &&
	grep -q "^TracerPid:.0$" /proc/$BD/status &&
	kill -0 "$BD"
'

test_expect_success 'a deleted mapped library comes back under map/, the same bytes' '
	cp "$FIXTURES/libinject.so" "$TMP/libevil.so" &&
	want=$(sha256sum <"$TMP/libevil.so" | cut -d" " -f1) &&
	fixture_start H env LD_PRELOAD="$TMP/libevil.so" sleep 300 &&
	for _ in $(seq 100); do
		grep -q "libevil.so" /proc/$H/maps 2>/dev/null && break
		sleep 0.05
	done &&
	grep -q "libevil.so" /proc/$H/maps &&
	rm "$TMP/libevil.so" &&
	grep -q "libevil.so (deleted)" /proc/$H/maps &&
	"$STRANGER" recover "$H" -o "$TMP/lib" >"$TMP/out" &&
	test "$(ls "$TMP/lib/map" | wc -l)" = 1 &&
	got=$(sha256sum <"$TMP/lib/map/"* | cut -d" " -f1) &&
	test "$want" = "$got" &&
	grep -q "^map/[0-9a-f]*-[0-9a-f]* .*$want .*libevil.so" "$TMP/out" &&
	grep -q "libinject: injected and deleted" "$TMP/lib/map/"* &&
	(cd "$TMP/lib" && sha256sum -c --strict manifest.sha256) &&
	fixture_kill "$H"
'

test_expect_success '--all copies open files that are not deleted' '
	echo "kept file" >"$TMP/kept" &&
	fixture_start H bash -c "exec 5<\"$TMP/kept\"; exec sleep 300" &&
	sleep 0.2 &&
	"$STRANGER" recover "$H" -o "$TMP/nodel" >/dev/null &&
	! test -e "$TMP/nodel/fd/5" &&
	"$STRANGER" recover --all "$H" -o "$TMP/all" >/dev/null &&
	test_cmp "$TMP/kept" "$TMP/all/fd/5" &&
	fixture_kill "$H"
'

test_expect_success 'an existing non-empty folder is refused and left alone' '
	mkdir "$TMP/full" && echo old >"$TMP/full/x" &&
	test_expect_code 2 "$STRANGER" recover "$BD" -o "$TMP/full" 2>"$TMP/err" &&
	grep -q "stranger: recover: .*not empty" "$TMP/err" &&
	test "$(ls "$TMP/full")" = x && grep -q old "$TMP/full/x"
'

test_expect_success 'an existing empty folder is used' '
	mkdir "$TMP/empty" &&
	"$STRANGER" recover "$BD" -o "$TMP/empty" >/dev/null &&
	(cd "$TMP/empty" && sha256sum -c --strict manifest.sha256 >/dev/null)
'

test_expect_success 'a PID that does not exist: exit 2, one line' '
	bash -c "exit 0" & gone=$!; wait $gone
	test_expect_code 2 "$STRANGER" recover "$gone" -o "$TMP/gone" 2>"$TMP/err" &&
	test "$(wc -l <"$TMP/err")" = 1 &&
	grep -q "no such process" "$TMP/err"
'

test_expect_success 'usage errors: exit 2' '
	test_expect_code 2 "$STRANGER" recover "$BD" 2>/dev/null &&
	test_expect_code 2 "$STRANGER" recover -o "$TMP/u" 2>/dev/null &&
	test_expect_code 2 "$STRANGER" recover abc -o "$TMP/u" 2>/dev/null &&
	test_expect_code 2 "$STRANGER" recover "$BD" -o /proc/nope 2>/dev/null
'

test_expect_success 'interrupted: one line, exit 130, the partial copy named, sealed' '
	test_expect_code 130 env STRANGER_TEST_INTERRUPT_BYTES=0 \
		"$STRANGER" recover "$BD" -o "$TMP/int" >"$TMP/out" 2>"$TMP/err" &&
	cat "$TMP/err" &&
	test $(wc -l <"$TMP/err") = 1 &&
	grep -q "^stranger: recover: interrupted by SIGINT" "$TMP/err" &&
	grep -q "interrupted: by SIGINT" "$TMP/int/case.log" &&
	grep -q "^exe: only [0-9]* bytes written: interrupted by SIGINT" "$TMP/int/partial.txt" &&
	grep -q "  partial.txt$" "$TMP/int/manifest.sha256" &&
	(cd "$TMP/int" && sha256sum -c --strict manifest.sha256) &&
	grep -q "^State:.*S (sleeping)" /proc/$BD/status
'

test_expect_success '-o creates the folders on the way' '
	"$STRANGER" recover "$BD" -o "$TMP/case/sub/recover" >/dev/null &&
	test -s "$TMP/case/sub/recover/manifest.sha256"
'

fixture_kill "$BD"
test_done
