#!/bin/bash
# trace: a wiretap dumps exactly the calls it shows (-e read=/write= with
# a narrower -e trace=), -p of a zombie or a kernel thread is refused at
# once (EPERM, exit 2), and -f -o FILE says nothing on stderr per fork.
# Both backends.
. "$(dirname "$0")/../lib.sh"

have_strace=
command -v strace >/dev/null && have_strace=1
backends=ptrace
if "$STRANGER" trace --backend=bpf -o "$TMP/probe" true 2>"$TMP/probe.err" &&
   ! grep -q "not available" "$TMP/probe.err"; then
	backends="ptrace bpf"
fi

# dumps_follow_shown OUT NAME - every hex dump line follows a NAME( line
# (or another dump line); at least one dump
dumps_follow_shown() {
	awk -v name="$2(" '
		/^ \| / { n++; if (!ok) { print "dump after: " prev; bad = 1 } next }
		{ ok = index($0, name) == 1; prev = $0 }
		END { exit bad || !n }
	' "$1"
}

for be in $backends; do
	test_expect_success "$be: -e trace=openat,read -e read=3 dumps only under read lines" '
		"$STRANGER" trace --backend=$be -e trace=openat,read -e read=3 -o "$TMP/r.out" \
			-- cat /etc/hostname >/dev/null &&
		dumps_follow_shown "$TMP/r.out" read &&
		! grep -q "^pread64" "$TMP/r.out" &&
		if [ -n "$have_strace" ]; then
			strace -e trace=openat,read -e read=3 -o "$TMP/r.strace" \
				-- cat /etc/hostname >/dev/null &&
			test "$(grep -c "^ |" "$TMP/r.out")" = "$(grep -c "^ |" "$TMP/r.strace")"
		fi
	'

	test_expect_success "$be: -e trace=openat -e write=1 dumps nothing (write is not shown)" '
		"$STRANGER" trace --backend=$be -e trace=openat -e write=1 -o "$TMP/w.out" \
			-- sh -c "echo hello" >/dev/null &&
		grep -q "^openat(" "$TMP/w.out" &&
		! grep -q "^ |" "$TMP/w.out" &&
		"$STRANGER" trace --backend=$be -e trace=write -e write=1 -o "$TMP/w2.out" \
			-- sh -c "echo hello" >/dev/null &&
		grep -qx " | 00000  68 65 6c 6c 6f 0a  *hello\. *|" "$TMP/w2.out" &&
		dumps_follow_shown "$TMP/w2.out" write
	'

	test_expect_success "$be: -p of a zombie is refused at once, exit 2" '
		fixture_start ZP bash -c "sleep 0.1 & exec sleep 60" &&
		i=0 &&
		while ! Z=$(cat /proc/$ZP/task/$ZP/children 2>/dev/null | tr -d " ") ||
		      [ -z "$Z" ] || [ "$(sed -n "s/^State:\t\(.\).*/\1/p" /proc/$Z/status)" != Z ]; do
			i=$((i + 1)); [ $i -lt 200 ] || return 1; sleep 0.05
		done &&
		test_expect_code 2 timeout 10 "$STRANGER" trace --backend=$be -p $Z 2>"$TMP/z.err" &&
		grep -qx "stranger: trace: attach $Z: Operation not permitted (a zombie: it makes no more calls)" "$TMP/z.err" &&
		fixture_kill $ZP
	'
done

KT=
for s in /proc/[0-9]*/stat; do
	p=${s#/proc/}
	p=${p%/stat}
	flags=$(sed "s/.*) //" "$s" 2>/dev/null | awk "{ print \$7 }")
	[ -n "$flags" ] && [ $((flags & 0x00200000)) != 0 ] && { KT=$p; break; }
done
if [ -n "$KT" ]; then
	for be in $backends; do
		test_expect_success "$be: -p of a kernel thread is refused at once, exit 2" '
			test_expect_code 2 timeout 10 "$STRANGER" trace --backend=$be -p $KT 2>"$TMP/k.err" &&
			grep -qx "stranger: trace: attach $KT: Operation not permitted (a kernel thread)" "$TMP/k.err"
		'
	done
else
	test_skip 'a kernel thread' 'none visible in this PID namespace'
fi

for be in $backends; do
	test_expect_success "$be: -f -o FILE: no Process N attached lines per fork" '
		"$STRANGER" trace --backend=$be -f -o "$TMP/f.out" -- sh -c "true & wait" 2>"$TMP/f.err" &&
		! test -s "$TMP/f.err" &&
		grep -q "^[0-9]* *+++ exited with 0 +++" "$TMP/f.out" &&
		"$STRANGER" trace --backend=$be -f -- sh -c "true & wait" 2>"$TMP/f2.err" &&
		grep -q "stranger: trace: Process [0-9]* attached$" "$TMP/f2.err"
	'
done

test_done
