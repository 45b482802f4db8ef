#!/bin/bash
# timeline --logs: Debian 12's log formats (rsyslog text, wtmp/btmp
# records, dpkg.log) give logins accepted and refused, su, sudo, TCP
# Wrapper and inetd lines, new users and groups, package changes; each
# event keeps its file and line; the journal read from its own files.
. "$(dirname "$0")/../lib.sh"

R="$TMP/root"
V="$R/var/log"
mkdir -p "$V" "$TMP/empty"
cat >"$V/auth.log" <<\EOF
2026-03-01T10:00:00.123456+00:00 web1 sshd[1201]: Accepted password for alice from 192.0.2.10 port 51000 ssh2
2026-03-01T10:00:05.000001+00:00 web1 sshd[1202]: Failed password for invalid user admin from 198.51.100.7 port 40000 ssh2
2026-03-01T10:00:06+00:00 web1 sshd[1202]: Invalid user admin from 198.51.100.7 port 40000
2026-03-01T11:01:00.000000+01:00 web1 su: (to root) alice on pts/0
2026-03-01T10:01:00.000100+00:00 web1 su: pam_unix(su:session): session opened for user root(uid=0) by alice(uid=1000)
2026-03-01T10:02:00.000000+00:00 web1 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id -u
2026-03-01T10:03:00.000000+00:00 web1 groupadd[2999]: new group: name=toor, GID=1001
2026-03-01T10:03:00.500000+00:00 web1 useradd[3000]: new user: name=toor, UID=0, GID=0, home=/root, shell=/bin/bash, from=/dev/pts/0
2026-03-01T10:04:00.000000+00:00 web1 in.fingerd[4000]: connect from nobody@wsbs01
2026-03-01T10:04:01.000000+00:00 web1 in.telnetd[4001]: refused connect from 203.0.113.5
2026-03-01T10:05:00.000000+00:00 web1 CRON[5000]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)
EOF
cat >"$V/syslog" <<\EOF
Mar  1 10:06:00 web1 xinetd[600]: START: finger pid=601 from=192.0.2.99
Mar  1 10:06:30 web1 kernel: [12345.678] eth0: link up
EOF
touch -d '2026-03-02 00:00:00' "$V/syslog"
cat >"$V/dpkg.log" <<\EOF
2026-03-01 10:07:00 startup archives unpack
2026-03-01 10:07:01 install netcat-traditional:amd64 <none> 1.10-47
2026-03-01 10:07:01 status half-installed netcat-traditional:amd64 1.10-47
2026-03-01 10:07:02 status installed netcat-traditional:amd64 1.10-47
2026-03-01 10:08:00 remove rkhunter:all 1.4.6-11 <none>
EOF
# glibc's struct utmp, written the way login and sshd write it
python3 - "$V/wtmp" "$V/btmp" <<\EOF
import struct, sys
fmt = "<hxxi32s4s32s256shhiii4i20s"
assert struct.calcsize(fmt) == 384
def rec(t, pid, line, ident, user, host, sec, usec):
    return struct.pack(fmt, t, pid, line.encode(), ident.encode(), user.encode(),
                       host.encode(), 0, 0, 0, sec, usec, 0, 0, 0, 0, b"")
with open(sys.argv[1], "wb") as f:
    f.write(rec(2, 0, "~", "~~", "reboot", "6.1.0-18-amd64", 1772358000, 0))
    f.write(rec(6, 700, "tty1", "tty1", "LOGIN", "", 1772358001, 0))
    f.write(rec(7, 1201, "pts/0", "ts/0", "alice", "192.0.2.10", 1772359200, 250000))
    f.write(rec(8, 1201, "pts/0", "ts/0", "", "", 1772362800, 0))
with open(sys.argv[2], "wb") as f:
    f.write(rec(6, 1202, "ssh:notty", "", "admin", "198.51.100.7", 1772359205, 0))
    f.write(b"\x07\x00truncated")
EOF

test_expect_success 'every kind of event, with its file and line' '
	"$STRANGER" timeline --no-live --logs --log-root "$R" --format=jsonl "$TMP/empty" >"$TMP/j" &&
	valid_json_lines "$TMP/j" && no_control_bytes "$TMP/j" &&
	python3 - "$TMP/j" "$V" <<-\EOF
	import json, sys
	ev = [json.loads(l) for l in open(sys.argv[1])]
	logs = [e for e in ev if e["source"] == "log"]
	V = sys.argv[2]
	def one(**kw):
	    m = [e for e in logs if all(e.get(k) == v for k, v in kw.items())]
	    assert len(m) == 1, (kw, m)
	    return m[0]
	e = one(event="login_accepted", log_file=V + "/auth.log")
	assert e["datetime"] == "2026-03-01T10:00:00.123456000Z" and e["user"] == "alice"
	assert e["from"] == "192.0.2.10" and e["log_line"] == 1 and e["pid"] == 1201
	assert e["timestamp_desc"] == "Login Accepted" and e["host"] == "web1"
	assert e["message"] == "web1 sshd[1201]: Accepted password for alice from 192.0.2.10 port 51000 ssh2"
	e = one(event="login_refused", log_line=2)
	assert e["user"] == "admin" and e["from"] == "198.51.100.7"
	one(event="login_refused", log_line=3)
	e = one(event="su")
	assert e["datetime"] == "2026-03-01T10:01:00.000000000Z" and e["user"] == "root" and e["by"] == "alice"
	e = one(event="sudo")
	assert e["by"] == "alice" and e["user"] == "root" and e["command"] == "/usr/bin/id -u"
	assert one(event="user_added")["user"] == "toor"
	assert one(event="group_added")["group"] == "toor"
	e = one(event="connection", log_line=9)
	assert e["remote_user"] == "nobody" and e["from"] == "wsbs01" and e["timestamp_desc"] == "Connection (TCP Wrapper)"
	assert one(event="connection_refused", log_line=10)["from"] == "203.0.113.5"
	e = one(event="connection", log_file=V + "/syslog")
	assert e["datetime"] == "2026-03-01T10:06:00.000000000Z" and e["year_guessed"] is True
	assert e["service"] == "finger" and e["from"] == "192.0.2.99"
	e = one(event="install")
	assert e["package"] == "netcat-traditional:amd64" and e["version"] == "1.10-47" and e["log_line"] == 2
	assert e["datetime"] == "2026-03-01T10:07:01.000000000Z" and e["timestamp_desc"] == "Package Install"
	e = one(event="remove")
	assert e["package"] == "rkhunter:all" and e["old_version"] == "1.4.6-11"
	e = one(event="boot", log_file=V + "/wtmp")
	assert e["datetime"] == "2026-03-01T09:40:00.000000000Z" and e["log_line"] == 1
	e = one(event="login_accepted", log_file=V + "/wtmp")
	assert e["user"] == "alice" and e["tty"] == "pts/0" and e["from"] == "192.0.2.10"
	assert e["datetime"] == "2026-03-01T10:00:00.250000000Z" and e["log_line"] == 3 and e["pid"] == 1201
	one(event="logout", log_file=V + "/wtmp")
	e = one(event="login_refused", log_file=V + "/btmp")
	assert e["user"] == "admin" and e["from"] == "198.51.100.7"
	assert len(logs) == 16, len(logs)
	assert not [e for e in logs if "CRON" in e["message"] or "kernel" in e["message"]]
	EOF
'

test_expect_success 'the body file and mactime carry the log events' '
	"$STRANGER" timeline --no-live --logs --log-root "$R" --format=mactime "$TMP/empty" >"$TMP/m" &&
	grep -qxF "2026-03-01T10:00:00Z,0,m...,log,0,0,0,\"web1 sshd[1201]: Accepted password for alice from 192.0.2.10 port 51000 ssh2\"" "$TMP/m" &&
	"$STRANGER" timeline --no-live --logs --log-root "$R" -o "$TMP/b" "$TMP/empty" &&
	mactime -b "$TMP/b" -d -y | grep -v "$TMP/empty" >"$TMP/tsk" &&
	grep -v "$TMP/empty" "$TMP/m" >"$TMP/m2" &&
	test_cmp "$TMP/tsk" "$TMP/m2"
'

JR=/lib/systemd/systemd-journal-remote
if [ -x "$JR" ]; then
test_expect_success 'the systemd journal, read from its own files (compact, keyed hash)' '
	mkdir -p "$TMP/jroot/var/log/journal/0123456789abcdef0123456789abcdef" &&
	python3 - "$TMP/j.export" <<-\EOF &&
	import struct, sys
	t0 = 1772359200000000
	ents = [
	    ("sshd", 1201, b"Accepted publickey for alice from 192.0.2.10 port 51000 ssh2: ED25519 SHA256:abc"),
	    ("su", 1300, b"(to root) alice on pts/0"),
	    ("sudo", 1301, b"   alice : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/usr/bin/id"),
	    ("useradd", 1302, b"new user: name=toor, UID=0, GID=0, home=/root, shell=/bin/bash, from=/dev/pts/0"),
	    ("in.fingerd", 1303, b"connect from nobody@wsbs01"),
	    ("systemd", 1, b"Started session-1.scope."),
	    ("sshd", 1304, b"Failed password for root from 198.51.100.7 port 4 ssh2 " + b"x" * 700),
	]
	with open(sys.argv[1], "wb") as f:
	    for i, (ident, pid, msg) in enumerate(ents):
	        f.write(b"__REALTIME_TIMESTAMP=%d\n__MONOTONIC_TIMESTAMP=%d\n" % (t0 + i * 1000001, i + 1))
	        f.write(b"_BOOT_ID=0123456789abcdef0123456789abcdef\n_HOSTNAME=web1\n")
	        f.write(b"SYSLOG_IDENTIFIER=%s\n_PID=%d\n" % (ident.encode(), pid))
	        if i == 1:  # a field written in the binary form
	            f.write(b"MESSAGE\n" + struct.pack("<Q", len(msg)) + msg + b"\n\n")
	        else:
	            f.write(b"MESSAGE=" + msg + b"\n\n")
	EOF
	J="$TMP/jroot/var/log/journal/0123456789abcdef0123456789abcdef/system.journal" &&
	"$JR" -o "$J" "$TMP/j.export" 2>/dev/null &&
	head -c 8 "$J" | grep -q LPKSHHRH &&
	test_expect_code 1 "$STRANGER" timeline --no-live --logs --log-root "$TMP/jroot" --format=jsonl "$TMP/empty" >"$TMP/jj" 2>"$TMP/je" &&
	valid_json_lines "$TMP/jj" &&
	grep -q "warning: $J: 1 compressed field not read" "$TMP/je" &&
	python3 - "$TMP/jj" "$J" <<-\EOF
	import json, sys
	ev = [json.loads(l) for l in open(sys.argv[1]) if json.loads(l)["source"] == "log"]
	assert all(e["log_file"] == sys.argv[2] for e in ev), ev
	got = [(e["event"], e["log_line"], e["datetime"]) for e in ev]
	assert got == [
	    ("login_accepted", 1, "2026-03-01T10:00:00.000000000Z"),
	    ("su", 2, "2026-03-01T10:00:01.000001000Z"),
	    ("sudo", 3, "2026-03-01T10:00:02.000002000Z"),
	    ("user_added", 4, "2026-03-01T10:00:03.000003000Z"),
	    ("connection", 5, "2026-03-01T10:00:04.000004000Z"),
	], got
	assert ev[0]["user"] == "alice" and ev[0]["from"] == "192.0.2.10" and ev[0]["pid"] == 1201
	assert ev[0]["host"] == "web1" and ev[1]["by"] == "alice"
	EOF
'

test_expect_success 'chains reads a journal file, or a folder of them' '
	printf "2026-03-01T10:00:06.000000+00:00 wsbs01 in.fingerd[9]: connect from alice@web1\n" >"$TMP/wsbs01.log" &&
	test_expect_code 1 "$STRANGER" chains "$TMP/jroot/var/log/journal" "$TMP/wsbs01.log" >"$TMP/jc" &&
	grep -q "^192.0.2.10 -> web1 -> wsbs01 | 2026-03-01T10:00:00Z 192.0.2.10 -> alice@web1 sshd; " "$TMP/jc" &&
	test_expect_code 1 "$STRANGER" chains "$TMP"/jroot/var/log/journal/*/system.journal "$TMP/wsbs01.log" >"$TMP/jc2" &&
	test_cmp "$TMP/jc" "$TMP/jc2"
'
else
	test_skip 'the systemd journal, read from its own files' 'systemd-journal-remote is not installed'
fi

test_expect_success 'a damaged journal file: named in a warning, exit 1 (partial)' '
	mkdir -p "$V/journal/0123456789abcdef" &&
	{ printf "LPKSHHRH"; head -c 300 /dev/urandom; } >"$V/journal/0123456789abcdef/system.journal" &&
	test_expect_code 1 "$STRANGER" timeline --no-live --logs --log-root "$R" -o "$TMP/b2" "$TMP/empty" 2>"$TMP/e" &&
	grep -q "^stranger: timeline: warning: $V/journal/0123456789abcdef/system.journal: not a journal file" "$TMP/e" &&
	rm -r "$V/journal"
'

test_expect_success 'hostile and truncated log lines: escaped, never a crash' '
	mkdir -p "$TMP/r2/var/log" &&
	printf "2026-03-01T10:00:00+00:00 h\\033[2J sshd[1]: Accepted password for \\033]0;pwn\\007 from 1.2.3.4 port 1 ssh2\\n2026-03-01T10:00:00\\nMar\\n\\377\\376 sshd: Accepted\\n" >"$TMP/r2/var/log/auth.log" &&
	head -c 1000 /dev/urandom >"$TMP/r2/var/log/wtmp" &&
	head -c 3000 /dev/urandom >"$TMP/r2/var/log/dpkg.log" &&
	"$STRANGER" timeline --no-live --logs --log-root "$TMP/r2" --format=jsonl "$TMP/empty" >"$TMP/h" &&
	no_control_bytes "$TMP/h" && valid_json_lines "$TMP/h" &&
	grep -qF "\"user\":\"\\\\x1b]0;pwn\\\\x07\"" "$TMP/h"
'

test_done
