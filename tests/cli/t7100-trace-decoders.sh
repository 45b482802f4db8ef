#!/bin/bash
# trace's decoders, strace's way: the scdecode fixture makes the calls of a
# group (good arguments, bad pointers, junk in the upper half of int-sized
# arguments, every flag) and prints the line a correct tracer writes for
# each; the trace of it must be exactly those lines, on both backends, and
# so must strace's where it is installed.
. "$(dirname "$0")/../lib.sh"

F="$FIXTURES/scdecode"
GROUPS_="ints time files procs structs net mem misc fds exec simple"

# check GROUP TRACER...: the tracer's last lines (the dynamic loader's
# calls come first) equal the fixture's
check() {
	g=$1
	shift
	"$@" -o "$TMP/$g.out" -qq -e signal=none -e trace="$("$F" -l "$g")" "$F" "$g" \
		>"$TMP/$g.expect" &&
	test -s "$TMP/$g.expect" &&
	tail -n "$(wc -l <"$TMP/$g.expect")" "$TMP/$g.out" >"$TMP/$g.actual" &&
	test_cmp "$TMP/$g.expect" "$TMP/$g.actual"
}

for g in $GROUPS_; do
	test_expect_success "$g: ptrace prints what the fixture expects" "
		check $g \"\$STRANGER\" trace --backend ptrace
	"
done

if "$STRANGER" trace --backend bpf -o /dev/null true 2>/dev/null; then
	for g in $GROUPS_; do
		test_expect_success "$g: bpf prints what the fixture expects" "
			check $g \"\$STRANGER\" trace --backend bpf
		"
	done
else
	test_skip 'the bpf backend' 'BPF not allowed here'
fi

if command -v strace >/dev/null; then
	for g in $GROUPS_; do
		test_expect_success "$g: strace prints the same" "
			check $g strace
		"
	done
else
	test_skip 'the same lines from strace' 'strace not installed'
fi

test_done
