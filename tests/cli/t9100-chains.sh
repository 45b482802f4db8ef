#!/bin/bash
# chains: Figure 1 of the article, as the logs of its three hosts, comes out
# as the one chain the article describes; --window, --json, --dot, bad input.
. "$(dirname "$0")/../lib.sh"

L="$TMP/logs"
mkdir -p "$L"
# rsyslog's traditional format, as the TCP Wrapper wrote it in Figure 1
printf 'Feb 13 23:05:34 wsbs01 in.fingerd[7948]: connect from root@wsbs03\n' >"$L/wsbs01.log"
cat >"$L/wsbs06.log" <<\EOF
Feb 13 23:05:35 wsbs06 in.fingerd[15895]: connect from nobody@wsbs01
Feb 13 23:05:36 wsbs06 in.fingerd[15897]: refused connect from nobody@localhost
Feb 13 23:09:52 wsbs06 in.fingerd[15900]: connect from lock@wsbs03
EOF
cat >"$L/wsbs03.log" <<\EOF
Feb 13 22:58:01 wsbs03 in.telnetd[1200]: connect from 131.155.70.19
Feb 13 23:01:10 wsbs03 sshd[1301]: Server listening on 0.0.0.0 port 22.
EOF
touch -d "$(date -u +%Y)-03-01 00:00:00" "$L"/*.log

test_expect_success 'Figure 1: wsbs03 -> wsbs01 -> wsbs06 -> wsbs06 (loopback, refused), and nothing else' '
	test_expect_code 1 "$STRANGER" chains "$L/wsbs01.log" "$L/wsbs06.log" "$L/wsbs03.log" >"$TMP/out" &&
	cat >"$TMP/want" <<-\EOF &&
	wsbs03 -> wsbs01 -> wsbs06 -> wsbs06 | Feb 13 23:05:34 root@wsbs03 -> wsbs01 in.fingerd; Feb 13 23:05:35 nobody@wsbs01 -> wsbs06 in.fingerd; Feb 13 23:05:36 nobody@localhost -> wsbs06 in.fingerd refused
	EOF
	test_cmp "$TMP/want" "$TMP/out"
'

test_expect_success 'a window of 10 minutes reaches back to the telnet login on wsbs03' '
	test_expect_code 1 "$STRANGER" chains --window 600 "$L"/*.log >"$TMP/w" &&
	test "$(wc -l <"$TMP/w")" = 1 &&
	grep -q "^131.155.70.19 -> wsbs03 -> wsbs01 -> wsbs06 -> wsbs06 | " "$TMP/w" &&
	test_expect_code 0 "$STRANGER" chains --window 0 "$L"/*.log >"$TMP/w0" &&
	test_cmp /dev/null "$TMP/w0"
'

test_expect_success '--json: hosts, hops, users, files and lines' '
	test_expect_code 1 "$STRANGER" chains --json "$L"/*.log >"$TMP/j" &&
	valid_json_lines "$TMP/j" &&
	python3 -c "
import json, sys
c = [json.loads(l) for l in open(sys.argv[1])]
assert len(c) == 1, c
c = c[0]
assert c[\"hosts\"] == [\"wsbs03\", \"wsbs01\", \"wsbs06\", \"wsbs06\"], c
assert c[\"hops\"] == 3
h = c[\"connections\"]
assert [x[\"remote_user\"] for x in h] == [\"root\", \"nobody\", \"nobody\"]
assert [x[\"refused\"] for x in h] == [False, False, True]
assert h[2][\"from_as_logged\"] == \"localhost\" and h[2][\"from\"] == \"wsbs06\"
assert h[1][\"log_file\"].endswith(\"wsbs06.log\") and h[1][\"log_line\"] == 1
assert h[0][\"service\"] == \"in.fingerd\"
" "$TMP/j"
'

test_expect_success '--dot: a Graphviz digraph of the hops' '
	test_expect_code 1 "$STRANGER" chains --dot "$L"/*.log >"$TMP/d" &&
	head -n 1 "$TMP/d" | grep -qx "digraph chains {" &&
	grep -qF "\"wsbs03\" -> \"wsbs01\" [label=\"1.1 Feb 13 23:05:34 root@wsbs03 in.fingerd\"];" "$TMP/d" &&
	grep -qF "\"wsbs06\" -> \"wsbs06\" [label=\"1.3 Feb 13 23:05:36 nobody@localhost in.fingerd refused\", style=dashed];" "$TMP/d" &&
	test "$(grep -c -- " -> " "$TMP/d")" = 3 &&
	tail -n 1 "$TMP/d" | grep -qx "}"
'

test_expect_success 'Debian 12 timestamps, sshd lines, --addr; a user mismatch breaks a link' '
	cat >"$TMP/a.log" <<-\EOF &&
	2026-03-01T10:00:00.100000+00:00 hostb sshd[200]: Accepted publickey for alice from 10.1.0.1 port 40000 ssh2: ED25519 SHA256:x
	2026-03-01T10:00:05.200000+00:00 hostc sshd[300]: Connection from 10.1.0.2 port 50000 on 10.1.0.3 port 22 rdomain ""
	2026-03-01T10:00:05.300000+00:00 hostc sshd[300]: Accepted publickey for bob from 10.1.0.2 port 50000 ssh2: ED25519 SHA256:y
	2026-03-01T11:00:06.000000+01:00 hostd in.fingerd[9]: connect from mallory@hostc
	EOF
	test_expect_code 1 "$STRANGER" chains --addr hostb=10.1.0.2 "$TMP/a.log" >"$TMP/s" &&
	cat >"$TMP/want" <<-\EOF &&
	10.1.0.1 -> hostb -> hostc | 2026-03-01T10:00:00.100000000Z 10.1.0.1 -> alice@hostb sshd; 2026-03-01T10:00:05.200000000Z 10.1.0.2 -> bob@hostc sshd
	EOF
	test_cmp "$TMP/want" "$TMP/s" &&
	sed -i "s/mallory@hostc/bob@hostc/" "$TMP/a.log" &&
	test_expect_code 1 "$STRANGER" chains --addr hostb=10.1.0.2 "$TMP/a.log" >"$TMP/s2" &&
	grep -q "^10.1.0.1 -> hostb -> hostc -> hostd | .* bob@hostc -> hostd in.fingerd$" "$TMP/s2"
'

test_expect_success 'a journal export (journalctl -o export) and short-iso-precise lines' '
	python3 - "$TMP/wsbs01.export" <<-\EOF &&
	import struct, sys, calendar
	t = calendar.timegm((2026, 2, 13, 23, 5, 34)) * 1000000 + 250000
	with open(sys.argv[1], "wb") as f:
	    f.write(b"__CURSOR=s=1;i=1\n__REALTIME_TIMESTAMP=%d\n__MONOTONIC_TIMESTAMP=1\n_BOOT_ID=x\n" % (t - 5000000))
	    f.write(b"_HOSTNAME=wsbs01\nSYSLOG_IDENTIFIER=kernel\nMESSAGE=booting\n\n")
	    f.write(b"__CURSOR=s=1;i=2\n__REALTIME_TIMESTAMP=%d\n_HOSTNAME=wsbs01\n" % t)
	    f.write(b"SYSLOG_IDENTIFIER=in.fingerd\n_PID=7948\n")
	    msg = b"connect from root@wsbs03"
	    f.write(b"MESSAGE\n" + struct.pack("<Q", len(msg)) + msg + b"\n")
	    f.write(b"_TRANSPORT=syslog\n\n")
	EOF
	cat >"$TMP/wsbs06.iso" <<-\EOF &&
	2026-02-13T23:05:35.000100+0000 wsbs06 in.fingerd[15895]: connect from nobody@wsbs01
	2026-02-14T00:05:36.000000+0100 wsbs06 in.fingerd[15897]: refused connect from nobody@localhost
	EOF
	test_expect_code 1 "$STRANGER" chains "$TMP/wsbs01.export" "$TMP/wsbs06.iso" >"$TMP/x" &&
	cat >"$TMP/want" <<-\EOF &&
	wsbs03 -> wsbs01 -> wsbs06 -> wsbs06 | 2026-02-13T23:05:34.250000000Z root@wsbs03 -> wsbs01 in.fingerd; 2026-02-13T23:05:35.000100000Z nobody@wsbs01 -> wsbs06 in.fingerd; 2026-02-13T23:05:36Z nobody@localhost -> wsbs06 in.fingerd refused
	EOF
	test_cmp "$TMP/want" "$TMP/x" &&
	test_expect_code 1 "$STRANGER" chains --json "$TMP/wsbs01.export" "$TMP/wsbs06.iso" >"$TMP/xj" &&
	grep -q "\"log_file\":\"$TMP/wsbs01.export\",\"log_line\":9" "$TMP/xj"
'

test_expect_success 'xinetd START lines are connections too' '
	cat >"$TMP/xi.log" <<-\EOF &&
	Mar  1 10:00:00 hostb xinetd[600]: START: finger pid=601 from=::ffff:10.3.0.1
	Mar  1 10:00:01 hostc in.fingerd[9]: connect from nobody@hostb
	Mar  1 10:00:02 hostc xinetd[700]: FAIL: telnet address from=10.3.0.9
	EOF
	test_expect_code 1 "$STRANGER" chains --addr hosta=10.3.0.1 "$TMP/xi.log" >"$TMP/xo" &&
	echo "hosta -> hostb -> hostc | Mar  1 10:00:00 10.3.0.1 -> hostb finger; Mar  1 10:00:01 nobody@hostb -> hostc in.fingerd" >"$TMP/want" &&
	test_cmp "$TMP/want" "$TMP/xo"
'

test_expect_success 'bad input: no log, missing log, garbage, hostile names' '
	test_expect_code 2 "$STRANGER" chains 2>"$TMP/e0" &&
	test_expect_code 2 "$STRANGER" chains "$TMP/nope.log" 2>"$TMP/e1" &&
	grep -q "^stranger: chains: $TMP/nope.log: No such file or directory" "$TMP/e1" &&
	test_expect_code 2 "$STRANGER" chains "$L/wsbs01.log" "$TMP/nope.log" >/dev/null 2>&1 &&
	head -c 20000 /dev/urandom >"$TMP/garbage" &&
	test_expect_code 0 "$STRANGER" chains "$TMP/garbage" >"$TMP/g" 2>"$TMP/ge" &&
	test_cmp /dev/null "$TMP/g" &&
	grep -q "warning: no line had a syslog timestamp" "$TMP/ge" &&
	printf "Feb 13 23:05:34 h\\033[1mX\\007 in.fingerd[1]: connect from r\\033[2J@evil\\nFeb 13 23:05:35 evil in.fingerd[2]: connect from x@h\\033[1mX\\007\\n" >"$TMP/hostile.log" &&
	test_expect_code 1 "$STRANGER" chains "$TMP/hostile.log" >"$TMP/h" &&
	no_control_bytes "$TMP/h" && grep -qF "h\\x1b[1mX\\x07" "$TMP/h" &&
	test_expect_code 1 "$STRANGER" chains --json "$TMP/hostile.log" >"$TMP/hj" &&
	valid_json_lines "$TMP/hj" &&
	test_expect_code 1 "$STRANGER" chains --dot "$TMP/hostile.log" >"$TMP/hd" &&
	no_control_bytes "$TMP/hd"
'

test_done
