#!/bin/bash
# sandbox networks: the sinkhole takes every connection and DNS query and
# records it; nothing reaches the host or leaves; --net=none is a loopback.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/sandbox-lib.sh"

# a listener on the host's loopback, counting what reaches it
python3 - "$TMP/port" "$TMP/hits" <<'PY' &
import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
while True:
    c, _ = s.accept()
    open(sys.argv[2], "a").write("hit\n")
    c.close()
PY
echo $! >>"$test_pidfile"
wait_for_file "$TMP/port"
PORT=$(cat "$TMP/port")

test_expect_success 'a listener on the host loopback is not reached; the attempt is reported' '
	"$STRANGER" sandbox -o "$TMP/lo" -- "$SB/escapee" connect 127.0.0.1 "$PORT" >/dev/null &&
	grep -q "^connect: ECONNREFUSED" "$TMP/lo/stdout.txt" &&
	! test -e "$TMP/hits" &&
	grep -q "connect AF_INET 127.0.0.1 port $PORT = -1 ECONNREFUSED" "$TMP/lo/report.txt"
'

test_expect_success 'any address, v4 and v6, TCP and UDP: accepted by the sinkhole, recorded with its first bytes' '
	"$STRANGER" sandbox -o "$TMP/any" -- "$SB/escapee" connect 192.0.2.7 8080 \
		connect 2001:db8::7 443 udp 203.0.113.9 5353 >"$TMP/out" &&
	test "$(grep -c "^connect: ok" "$TMP/any/stdout.txt")" = 2 &&
	grep -q "^udp: ok" "$TMP/any/stdout.txt" &&
	grep -q "tcp 192.0.2.7:8080 19 bytes \"hello from escapee\\\\n\"" "$TMP/any/report.txt" &&
	grep -q "tcp \[2001:db8::7\]:443 19 bytes" "$TMP/any/report.txt" &&
	grep -q "udp 203.0.113.9:5353 4 bytes \"ping\"" "$TMP/any/report.txt" &&
	grep -q "3 DNS/sinkhole records" "$TMP/out"
'

test_expect_success 'a name on the internet: resolved by the sinkhole, the connection recorded' '
	"$STRANGER" sandbox -o "$TMP/dns" -- "$SB/escapee" resolve update.example.org 443 >/dev/null &&
	grep -q "^resolve: 198.18.0.1$" "$TMP/dns/stdout.txt" &&
	grep -q "^connect: ok" "$TMP/dns/stdout.txt" &&
	grep -q "dns update.example.org type 1 -> 198.18.0.1" "$TMP/dns/report.txt" &&
	grep -q "tcp 198.18.0.1:443 .*\"GET / HTTP/1.0" "$TMP/dns/report.txt" &&
	python3 -c "import json,sys; r=json.load(open(sys.argv[1])); s=r[\"runs\"][0][\"sinkhole\"]; assert any(x.get(\"dns_name\")==\"update.example.org\" for x in s)" "$TMP/dns/report.json"
'

test_expect_success '--net=none: only a loopback, nothing answers' '
	"$STRANGER" sandbox --net=none -o "$TMP/none" -- "$SB/escapee" connect 192.0.2.7 80 resolve example.org 80 >/dev/null &&
	grep -q "^connect: ENETUNREACH" "$TMP/none/stdout.txt" &&
	! grep -q "^resolve: 198" "$TMP/none/stdout.txt" &&
	grep -q "connect AF_INET 192.0.2.7 port 80 = -1 ENETUNREACH" "$TMP/none/report.txt"
'

test_expect_success 'nothing of a sandbox stays behind' '
	no_sandbox_left
'

test_done
