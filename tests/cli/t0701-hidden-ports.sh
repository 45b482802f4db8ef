#!/bin/bash
# hidden --only ports with each bind probe method (--probe=HOW): the same
# answers from every method, a port hidden from the socket tables found by
# each, no false positive under churn, and the fallbacks.  Each case runs
# in private PID, mount and network namespaces (unshare).
. "$(dirname "$0")/../lib.sh"

if ! unshare -pfnm --mount-proc true 2>/dev/null; then
	test_skip 'hidden ports' 'no PID/mount/network namespaces here'
	test_done
	exit 0
fi

METHODS="auto bpf-uring bpf uring syscalls"

# in_ns SCRIPT... - run the SCRIPTs under bash in fresh namespaces, lo up
in_ns() {
	STRANGER="$STRANGER" FIXTURES="$FIXTURES" TMP="$TMP" METHODS="$METHODS" \
		unshare -pfnm --mount-proc --propagation private bash -c '
		ip link set lo up 2>/dev/null || true
		start_bd() {
			d=$(mktemp -d "$TMP/bd.XXXXXX")
			"$FIXTURES/backdoor" -d "$d" -p 5120 -r "$d/ready" &
			for _ in $(seq 200); do [ -s "$d/ready" ] && break; sleep 0.05; done
		}
		wait_ready() {
			for _ in $(seq 200); do [ -s "$1" ] && break; sleep 0.05; done
		}
		# each METHOD: OUT.METHOD, OUT.METHOD.err, OUT.METHOD.rc
		each_method() {
			out=$1
			shift
			for m in $METHODS; do
				"$@" --probe=$m >"$out.$m" 2>"$out.$m.err"
				echo $? >"$out.$m.rc"
			done
		}
		'"$(printf '%s\n' "$@")"
}

# ran METHOD OUT - did METHOD run?  A method this machine cannot run
# (kernel, privileges) must say so in one line and exit 2; it is skipped.
ran() {
	if [ "$(cat "$2.$1.rc")" = 2 ]; then
		test "$(wc -l <"$2.$1.err")" = 1 &&
		grep -q "^stranger: hidden: bind probes by $1: " "$2.$1.err" &&
		say "$1 cannot run here: $(cat "$2.$1.err")" &&
		return 1
		echo "$1 failed otherwise:" >&2
		cat "$2.$1.err" >&2
		exit 1
	fi
	return 0
}

# Sanitizer runtimes refuse to run under a foreign LD_PRELOAD by default.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

# The sockets of the scene, besides the backdoor on TCP 5120: listeners on
# TCP 5000 and 79, a port in TIME_WAIT (4444), a TCP socket bound and
# nothing more (7777: absent from /proc/net, and from sock_diag before
# Linux 6.9, explained through its holder's fd), a UDP socket (5353).
cat >"$TMP/scene.py" <<-\PY
import socket, sys, time
lst = socket.socket(); lst.bind(("127.0.0.1", 5000)); lst.listen(8)
low = socket.socket(); low.bind(("127.0.0.1", 79)); low.listen(8)
c = socket.socket(); c.bind(("127.0.0.1", 4444)); c.connect(("127.0.0.1", 5000))
a, _ = lst.accept(); c.close(); a.close()
only = socket.socket(); only.bind(("0.0.0.0", 7777))
u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); u.bind(("::1", 5353))
open(sys.argv[1], "w").write("%d\n" % __import__("os").getpid())
time.sleep(600)
PY
SCENE='
	start_bd
	rm -f "$TMP/scene.pid"
	python3 "$TMP/scene.py" "$TMP/scene.pid" & wait_ready "$TMP/scene.pid"
	cat "$d/ready" >"$TMP/bd.pid"
'
# A preloaded library that filters both socket tables (as a userland
# rootkit would) hides these from every table stranger reads.
HIDE="HIDER_PORTS=5120,5353,79 LD_PRELOAD=$FIXTURES/libporthider.so"

test_expect_success 'each probe method: nothing hidden, nothing found' '
	in_ns "$SCENE" "
		each_method \"\$TMP/clean\" \"\$STRANGER\" hidden --only ports
	" &&
	n=0 &&
	for m in $METHODS; do
		ran $m "$TMP/clean" || continue
		n=$((n + 1))
		cat "$TMP/clean.$m" "$TMP/clean.$m.err"
		test "$(cat "$TMP/clean.$m.rc")" = 0 &&
		test ! -s "$TMP/clean.$m" &&
		test ! -s "$TMP/clean.$m.err" || exit 1
	done &&
	test $n -ge 2
'

test_expect_success 'ports hidden from both socket tables: found by each method, with their holders' '
	in_ns "$SCENE" "
		each_method \"\$TMP/hide\" env $HIDE \"\$STRANGER\" hidden --only ports
		env $HIDE \"\$STRANGER\" hidden --only ports --json >\"\$TMP/hide.json\"
		true
	" &&
	read -r bd _ <"$TMP/bd.pid" &&
	py=$(cat "$TMP/scene.pid") &&
	for m in $METHODS; do
		ran $m "$TMP/hide" || continue
		cat "$TMP/hide.$m" "$TMP/hide.$m.err" "$TMP/hide.$m.rc"
		test "$(cat "$TMP/hide.$m.rc")" = 1 &&
		test "$(wc -l <"$TMP/hide.$m")" = 4 &&
		grep -Eq "^port +$bd +tcp.x20:5120 +bind,fd +sock_diag,proc_net +port in use, but in no socket table; held as fd [0-9]+$" "$TMP/hide.$m" &&
		grep -Eq "^port +$py +udp.x20:5353 +bind,fd +sock_diag,proc_net " "$TMP/hide.$m" &&
		grep -Eq "^port +$py +tcp.x20:79 +bind,fd +sock_diag,proc_net " "$TMP/hide.$m" || exit 1
	done &&
	valid_json_lines "$TMP/hide.json" &&
	python3 - "$TMP/hide.json" "$bd" "$py" <<-\PY
	import json, sys
	f = [json.loads(l) for l in open(sys.argv[1])]
	bd, py = int(sys.argv[2]), int(sys.argv[3])
	got = sorted((x["object"], x["pid"]) for x in f)
	assert got == [("tcp :5120", bd), ("tcp :79", py), ("udp :5353", py)], f
	assert all(x["seen_by"] == ["bind", "fd"] for x in f), f
	assert all(x["missing_from"] == ["sock_diag", "proc_net"] for x in f), f
	PY
'

test_expect_success 'io_uring or BPF refused: auto falls back and finds the same; a method named fails in one line' '
	in_ns "$SCENE" "
		for deny in io_uring_setup bpf bpf,io_uring_setup; do
			\"\$FIXTURES/nosys\" \$deny env $HIDE \"\$STRANGER\" hidden --only ports --json \
				>\"\$TMP/deny.\$deny\" 2>\"\$TMP/deny.\$deny.err\"
			echo \$? >\"\$TMP/deny.\$deny.rc\"
		done
		\"\$FIXTURES/nosys\" io_uring_setup \"\$STRANGER\" hidden --only ports --probe=uring \
			>\"\$TMP/deny.uring\" 2>\"\$TMP/deny.uring.err\"
		echo \$? >\"\$TMP/deny.uring.rc\"
		\"\$FIXTURES/nosys\" bpf \"\$STRANGER\" hidden --only ports --probe=bpf-uring \
			>\"\$TMP/deny.bpfu\" 2>\"\$TMP/deny.bpfu.err\"
		echo \$? >\"\$TMP/deny.bpfu.rc\"
	" &&
	for deny in io_uring_setup bpf bpf,io_uring_setup; do
		cat "$TMP/deny.$deny" "$TMP/deny.$deny.err" &&
		test "$(cat "$TMP/deny.$deny.rc")" = 1 &&
		python3 - "$TMP/deny.$deny" <<-\PY || exit 1
		import json, sys
		f = [json.loads(l) for l in open(sys.argv[1])]
		assert sorted(x["object"] for x in f) == ["tcp :5120", "tcp :79", "udp :5353"], f
		PY
	done &&
	for m in uring bpfu; do
		cat "$TMP/deny.$m.err" &&
		test "$(cat "$TMP/deny.$m.rc")" = 2 &&
		test ! -s "$TMP/deny.$m" &&
		test "$(wc -l <"$TMP/deny.$m.err")" = 1 &&
		grep -q "^stranger: hidden: bind probes by [a-z-]*: Operation not permitted$" "$TMP/deny.$m.err" || exit 1
	done
'

test_expect_success 'each probe method: no finding under a flood of short connections' '
	in_ns "
		python3 \"$ROOT/tests/churn.py\" \"\$TMP/flood.ready\" & wait_ready \"\$TMP/flood.ready\"
		each_method \"\$TMP/flood\" \"\$STRANGER\" hidden --only ports --json
	" &&
	test -s "$TMP/flood.ready" &&
	for m in $METHODS; do
		ran $m "$TMP/flood" || continue
		cat "$TMP/flood.$m" "$TMP/flood.$m.err"
		test "$(cat "$TMP/flood.$m.rc")" = 0 &&
		test ! -s "$TMP/flood.$m" || exit 1
	done
'

test_expect_success 'without root: auto falls back, ports below 1024 unprobed, bpf refused in one line' '
	ud=$(user_copy "$STRANGER" "$FIXTURES/libporthider.so") &&
	in_ns "$SCENE" "
		as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups \"\$@\"; }
		as_nobody env HIDER_PORTS=5120,5353,79 LD_PRELOAD=$ud/libporthider.so \\
			$ud/stranger hidden --only ports >\"\$TMP/user\" 2>\"\$TMP/user.err\"
		echo \$? >\"\$TMP/user.rc\"
		as_nobody $ud/stranger hidden --only ports --probe=bpf >\"\$TMP/ubpf\" 2>\"\$TMP/ubpf.err\"
		echo \$? >\"\$TMP/ubpf.rc\"
	" &&
	cat "$TMP/user" "$TMP/user.err" "$TMP/ubpf.err" &&
	test "$(cat "$TMP/user.rc")" = 1 &&
	grep -Eq "^port +- +tcp.x20:5120 +bind +sock_diag,proc_net +port in use, but in no socket table$" "$TMP/user" &&
	grep -Eq "^port +- +udp.x20:5353 +bind " "$TMP/user" &&
	! grep -q ":79 " "$TMP/user" &&
	test "$(cat "$TMP/ubpf.rc")" = 2 &&
	test ! -s "$TMP/ubpf" &&
	test "$(wc -l <"$TMP/ubpf.err")" = 1 &&
	grep -q "^stranger: hidden: bind probes by bpf: " "$TMP/ubpf.err"
'

test_expect_success 'an unknown probe method is a usage error' '
	test_expect_code 2 "$STRANGER" hidden --only ports --probe=fast 2>"$TMP/bad" &&
	grep -q "unknown probe method" "$TMP/bad" &&
	"$STRANGER" hidden --help >"$TMP/help" &&
	grep -q "bpf-uring" "$TMP/help"
'

test_done
