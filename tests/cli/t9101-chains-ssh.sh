#!/bin/bash
# chains, for real: three network namespaces, each running Debian's sshd on
# its own address and logging through syslog(3) to its own file (a small
# receiver writes the lines as Debian 12's rsyslog does); a client hops
# A -> B -> C with keys made here.  chains must give A -> B -> C, nothing else.
. "$(dirname "$0")/../lib.sh"

SSHD=/usr/sbin/sshd
if [ ! -x "$SSHD" ] || ! command -v ssh >/dev/null || ! command -v ip >/dev/null ||
	! ip netns add "stranger-probe-$$" 2>/dev/null; then
	test_skip 'ssh hops across three network namespaces' 'needs root, ip netns, openssh-server'
	test_done
	exit 0
fi
ip netns del "stranger-probe-$$"

D="$TMP/ssh"
mkdir -p "$D"
chmod 755 "$TMP" "$D"
N="stnet$$"
cleanup_ssh() {
	for p in $(cat "$D/pids" 2>/dev/null); do
		kill "$p" 2>/dev/null
	done
	for p in $(cat "$D/pids" 2>/dev/null); do
		wait "$p" 2>/dev/null
	done
	for ns in $(cat "$D/ns" 2>/dev/null) $N; do
		ip netns del "$ns" 2>/dev/null
	done
	test_cleanup
}
trap cleanup_ssh EXIT

start_receiver() {
	cat >"$D/syslogd.py" <<-\EOF
	# a minimal rsyslog: /dev/log datagrams to a file, in Debian 12's format
	# (RFC 3339 receive time with microseconds, host, tag, message)
	import datetime, os, select, socket, sys
	socks = {}
	for arg in sys.argv[2:]:
	    host, path, out = arg.split(",")
	    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
	    s.bind(path)
	    os.chmod(path, 0o666)
	    socks[s] = (host, open(out, "a"))
	open(sys.argv[1], "w").write("ready\n")
	while True:
	    for s in select.select(list(socks), [], [])[0]:
	        data = s.recv(65536).decode("utf-8", "backslashreplace")
	        if data.startswith("<"):
	            data = data[data.index(">") + 1:]
	        # glibc's header: "Mmm dd hh:mm:ss TAG[PID]: MSG"
	        data = data[16:].rstrip("\n")
	        now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="microseconds")
	        host, f = socks[s]
	        f.write("%s %s %s\n" % (now, host, data))
	        f.flush()
	EOF
	python3 "$D/syslogd.py" "$D/rx.ready" hosta,"$D/a.sock","$D/a.log" \
		hostb,"$D/b.sock","$D/b.log" hostc,"$D/c.sock","$D/c.log" &
	echo $! >>"$D/pids"
	fixture_adopt $!
	wait_for_file "$D/rx.ready"
}

# one host: a namespace on the bridge, its own /dev/log, sshd on its address
start_host() {
	h=$1 addr=$2 ns="st$1$$"
	echo "$ns" >>"$D/ns"
	ip netns add "$ns"
	ip -n "$N" link add "v$h" type veth peer name eth0 netns "$ns"
	ip -n "$N" link set "v$h" master br0 up
	ip -n "$ns" addr add "$addr/24" dev eth0
	ip -n "$ns" link set eth0 up
	ip -n "$ns" link set lo up
	ssh-keygen -q -t ed25519 -N "" -f "$D/hostkey.$h"
	cat >"$D/sshd_config.$h" <<-EOF
	ListenAddress $addr:22
	HostKey $D/hostkey.$h
	PidFile $D/sshd.$h.pid
	AuthorizedKeysFile $D/authorized_keys
	StrictModes no
	PermitRootLogin prohibit-password
	PasswordAuthentication no
	KbdInteractiveAuthentication no
	UsePAM no
	LogLevel VERBOSE
	SyslogFacility AUTH
	EOF
	mkdir -p "$D/dev.$h/pts"
	for n in null zero full random urandom tty ptmx; do : >"$D/dev.$h/$n"; done
	ln -s "$D/$h.sock" "$D/dev.$h/log"
	cat >"$D/host.$h.sh" <<-EOF
	set -e
	for n in null zero full random urandom tty ptmx; do mount --bind /dev/\$n "$D/dev.$h/\$n"; done
	mount --bind /dev/pts "$D/dev.$h/pts"
	mount --rbind "$D/dev.$h" /dev
	mount -t tmpfs -o mode=755 none /run
	mkdir -m 755 /run/sshd
	exec $SSHD -D -f "$D/sshd_config.$h"
	EOF
	ip netns exec "$ns" unshare -m --propagation private sh "$D/host.$h.sh" &
	echo $! >>"$D/pids"
	fixture_adopt $!
}

test_expect_success 'three hosts, each with sshd logging to its own file' '
	ip netns add "$N" &&
	ip -n "$N" link add br0 type bridge && ip -n "$N" link set br0 up &&
	ssh-keygen -q -t ed25519 -N "" -f "$D/id" && cp "$D/id.pub" "$D/authorized_keys" &&
	start_receiver &&
	start_host a 10.77.0.1 && start_host b 10.77.0.2 && start_host c 10.77.0.3 &&
	for h in a b c; do
		i=0
		until grep -q "Server listening on" "$D/$h.log" 2>/dev/null; do
			i=$((i + 1)); [ $i -lt 100 ] || { echo "sshd $h did not start"; exit 1; }
			sleep 0.1
		done
	done
'

SSHOPT="-F /dev/null -i $D/id -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"

test_expect_success 'a client on A hops to B, and from B to C' '
	ip netns exec "sta$$" ssh $SSHOPT root@10.77.0.2 "ssh $SSHOPT root@10.77.0.3 echo hop-reached-c" >"$TMP/hop" &&
	grep -qx hop-reached-c "$TMP/hop" &&
	i=0 &&
	until grep -q "Accepted publickey for root from 10.77.0.2" "$D/c.log"; do
		i=$((i + 1)); [ $i -lt 50 ] || exit 1; sleep 0.1
	done &&
	grep -q "^20[0-9-]*T[0-9:.]*+00:00 hostb sshd\[[0-9]*\]: Connection from 10.77.0.1 port [0-9]* on 10.77.0.2 port 22" "$D/b.log" &&
	grep -q "^20[0-9-]*T[0-9:.]*+00:00 hostb sshd\[[0-9]*\]: Accepted publickey for root from 10.77.0.1 " "$D/b.log"
'

test_expect_success 'chains reconstructs hosta -> hostb -> hostc and nothing else' '
	test_expect_code 1 "$STRANGER" chains "$D/a.log" "$D/b.log" "$D/c.log" >"$TMP/out" &&
	cat "$TMP/out" &&
	test "$(wc -l <"$TMP/out")" = 1 &&
	grep -q "^hosta -> hostb -> hostc | 20[0-9-]*T[0-9:.]*Z 10.77.0.1 -> root@hostb sshd; 20[0-9-]*T[0-9:.]*Z 10.77.0.2 -> root@hostc sshd$" "$TMP/out" &&
	test_expect_code 1 "$STRANGER" chains --json "$D/c.log" "$D/a.log" "$D/b.log" >"$TMP/j" &&
	python3 -c "
import json, sys
c = [json.loads(l) for l in open(sys.argv[1])]
assert len(c) == 1 and c[0][\"hosts\"] == [\"hosta\", \"hostb\", \"hostc\"], c
assert [h[\"user\"] for h in c[0][\"connections\"]] == [\"root\", \"root\"]
" "$TMP/j"
'

test_done
