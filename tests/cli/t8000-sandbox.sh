#!/bin/bash
# sandbox: a throw-away copy of this machine; what the program does to it
# stays there and is reported, and what it may not do is refused.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/sandbox-lib.sh"

mkdir -p "$SB/victim/sub"
echo keep >"$SB/victim/sub/file"
chmod -R 777 "$SB/victim"
chmod 777 "$SB"
passwd_before=$(sha256sum /etc/passwd)
fixture_start HOSTPROC sleep 60

test_expect_success 'writing /etc/passwd and deleting a host folder: the host unchanged, both reported' '
	"$STRANGER" sandbox --net=none -o "$TMP/files" -- \
		"$SB/escapee" write /etc/passwd rmtree "$SB/victim" >"$TMP/out" &&
	test "$(sha256sum /etc/passwd)" = "$passwd_before" &&
	test "$(cat "$SB/victim/sub/file")" = keep &&
	grep -q "^write: EACCES" "$TMP/files/stdout.txt" &&
	grep -q "^rmtree: ok" "$TMP/files/stdout.txt" &&
	grep -q "openat(AT_FDCWD, \"/etc/passwd\", O_WRONLY|O_APPEND) = -1 EACCES" "$TMP/files/report.txt" &&
	grep -q "^  deleted  *$SB/victim$" "$TMP/files/report.txt" &&
	grep -q "^run 1: exited with 0" "$TMP/out" &&
	no_control_bytes "$TMP/out"
'

test_expect_success 'a new file is kept as evidence with its SHA-256' '
	"$STRANGER" sandbox --net=none -o "$TMP/new" -- /bin/sh -c "echo planted >/tmp/dropper" >/dev/null &&
	want=$(printf "planted\n" | sha256sum | cut -d" " -f1) &&
	grep -q "^  created  */tmp/dropper  8 bytes sha256 $want (upper/tmp/dropper)" "$TMP/new/report.txt" &&
	test "$(cat "$TMP/new/upper/tmp/dropper")" = planted &&
	! test -e /tmp/dropper &&
	python3 -c "import json,sys; r=json.load(open(sys.argv[1])); f=r[\"runs\"][0][\"files\"]; assert any(x[\"path\"]==\"/tmp/dropper\" and x[\"sha256\"]==sys.argv[2] for x in f)" "$TMP/new/report.json" "$want"
'

test_expect_success 'the evidence folder is sealed' '
	(cd "$TMP/files" && sha256sum -c --strict --quiet manifest.sha256) &&
	for f in report.txt report.json trace.txt stdout.txt stderr.txt case.log; do
		grep -q "  $f$" "$TMP/files/manifest.sha256" || exit 1
	done
'

test_expect_success 'root inside is nobody outside, without capabilities, no_new_privs, seccomp' '
	"$STRANGER" sandbox --net=none -o "$TMP/id" -- /bin/sh -c \
		"id -u; grep -E \"^(CapBnd|CapEff|NoNewPrivs|Seccomp):\" /proc/self/status; hostname; ls /tmp | wc -l; cat /proc/1/cmdline | tr \"\\\\0\" \" \"; echo" >/dev/null &&
	out="$TMP/id/stdout.txt" &&
	test "$(sed -n 1p "$out")" = 0 &&
	grep -q "^CapBnd:.0000000000000000$" "$out" &&
	grep -q "^CapEff:.0000000000000000$" "$out" &&
	grep -q "^NoNewPrivs:.1$" "$out" &&
	grep -q "^Seccomp:.2$" "$out" &&
	grep -qx "$(hostname)" "$out" &&
	grep -qx 0 "$out"
'

test_expect_success 'kill -9 -1 inside: the host untouched' '
	"$STRANGER" sandbox --net=none -o "$TMP/kill" -- "$SB/escapee" killall >/dev/null &&
	kill -0 "$HOSTPROC" &&
	grep -q "kill(-1, SIGKILL)" "$TMP/kill/report.txt"
'

test_expect_success 'reading a host process'"'"'s memory: refused and reported' '
	"$STRANGER" sandbox --net=none -o "$TMP/peek" -- "$SB/escapee" peek "$HOSTPROC" ptrace "$HOSTPROC" >/dev/null &&
	grep -q "^process_vm_readv: EPERM" "$TMP/peek/stdout.txt" &&
	! grep -q "^proc_mem: ok" "$TMP/peek/stdout.txt" &&
	grep -q "^ptrace: EPERM" "$TMP/peek/stdout.txt" &&
	grep -q "process_vm_readv(0x$(printf %x "$HOSTPROC"), .* = -1 EPERM" "$TMP/peek/report.txt" &&
	grep -q " ptrace(0x10, " "$TMP/peek/report.txt"
'

test_expect_success 'mount, modules, reboot, bpf: refused, each reported' '
	"$STRANGER" sandbox --net=none -o "$TMP/refuse" -- "$SB/escapee" mount module reboot bpf >/dev/null &&
	for t in mount finit_module delete_module reboot bpf; do
		grep -q "^$t: EPERM" "$TMP/refuse/stdout.txt" || exit 1
		grep -q "^  +[0-9.]*s [0-9]* $t(.* = -1 EPERM" "$TMP/refuse/report.txt" || exit 1
	done &&
	grep -q "refused system calls (seccomp, 5)" "$TMP/refuse/report.txt" &&
	python3 -c "import json,sys; r=json.load(open(sys.argv[1])); n=[x[\"name\"] for x in r[\"runs\"][0][\"refused_syscalls\"]]; assert n==[\"mount\",\"finit_module\",\"delete_module\",\"reboot\",\"bpf\"], n" "$TMP/refuse/report.json"
'

test_expect_success 'new namespaces refused and reported; the responder'"'"'s environment stays out' '
	STRANGER_TEST_TOKEN=s3cret "$STRANGER" sandbox --net=none -o "$TMP/ns" -- /bin/sh -c \
		"unshare -U true; echo unshare=\$?; env; ulimit -c" >/dev/null &&
	grep -q "^unshare=1$" "$TMP/ns/stdout.txt" &&
	grep -q "^  +[0-9.]*s [0-9]* unshare(0x10000000, .* = -1 EPERM" "$TMP/ns/report.txt" &&
	! grep -q s3cret "$TMP/ns/stdout.txt" &&
	grep -qx "HOME=/root" "$TMP/ns/stdout.txt" &&
	test "$(tail -n 1 "$TMP/ns/stdout.txt")" = 0
'

test_expect_success 'TracerPid is 0 with the bpf tracer; ptrace traces too' '
	"$STRANGER" sandbox --net=none --backend=bpf -o "$TMP/tp" -- "$SB/escapee" tracerpid >/dev/null &&
	grep -q "^TracerPid:.0$" "$TMP/tp/stdout.txt" &&
	grep -q "^tracer: *bpf" "$TMP/tp/report.txt" &&
	"$STRANGER" sandbox --net=none --backend=ptrace -o "$TMP/tp2" -- "$SB/escapee" tracerpid >/dev/null &&
	grep -q "^tracer: *ptrace" "$TMP/tp2/report.txt" &&
	grep -q "execve(\"$SB/escapee\", \[\"$SB/escapee\", \"tracerpid\"\]" "$TMP/tp2/trace.txt"
'

test_expect_success 'the process tree: every execve with its argv, parents' '
	"$STRANGER" sandbox --net=none -o "$TMP/tree" -- /bin/sh -c "/bin/echo one two | /bin/cat >/dev/null" >/dev/null &&
	grep -q "execve \"/bin/echo\" \[\"/bin/echo\", \"one\", \"two\"\]" "$TMP/tree/report.txt" &&
	grep -q "execve \"/bin/cat\" \[\"/bin/cat\"\]" "$TMP/tree/report.txt" &&
	top=$(sed -n "/^processes/{n;p}" "$TMP/tree/report.txt" | awk "{print \$1}") &&
	test "$(grep -c "(parent $top)" "$TMP/tree/report.txt")" = 2
'

test_expect_success '--runs: the same start each time; what differed is reported' '
	"$STRANGER" sandbox --net=none --runs 3 -o "$TMP/runs" -- /bin/sh -c \
		"echo \$\$ >/tmp/pid; head -c 16 /dev/urandom >/tmp/random" >"$TMP/out" &&
	test "$(grep -c "^run [123]: exited with 0" "$TMP/out")" = 3 &&
	for i in 1 2 3; do test "$(cat "$TMP/runs/run$i/upper/tmp/pid")" = 2 || exit 1; done &&
	test "$(grep -c "^  in 1 of 3 runs: file: created /tmp/random " "$TMP/runs/report.txt")" = 3 &&
	! grep -q "runs: file: created /tmp/pid" "$TMP/runs/report.txt" &&
	python3 -c "import json,sys; r=json.load(open(sys.argv[1])); assert len(r[\"runs\"])==3 and len(r[\"differences\"])==3" "$TMP/runs/report.json" &&
	"$STRANGER" sandbox --net=none --runs 2 -o "$TMP/same" -- /bin/true >/dev/null &&
	grep -q "^  none: every run did the same" "$TMP/same/report.txt"
'

test_expect_success 'a program where the sandbox cannot see it (/tmp, a 0700 folder) runs from the host'"'"'s file' '
	mkdir -m 700 "$TMP/hidden" &&
	cp "$FIXTURES/escapee" "$TMP/hidden/prog" &&
	"$STRANGER" sandbox --net=none -o "$TMP/hid" -- "$TMP/hidden/prog" tracerpid >/dev/null &&
	grep -q "^TracerPid:" "$TMP/hid/stdout.txt" &&
	grep -q "execve fd [0-9]* \[\"$TMP/hidden/prog\", \"tracerpid\"\]" "$TMP/hid/report.txt"
'

test_expect_success 'hostile names and output: escaped in the report, never on the terminal' '
	"$STRANGER" sandbox --net=none -o "$TMP/hostile" -- /bin/sh -c \
		"printf \"\\033]0;owned\\007\\n\"; touch \"\$(printf \"/tmp/a\\033[2Jb\\nc\")\"" >"$TMP/out" 2>"$TMP/err" &&
	no_control_bytes "$TMP/out" && no_control_bytes "$TMP/err" &&
	no_control_bytes "$TMP/hostile/report.txt" &&
	grep -q "^  created  */tmp/a\\\\x1b\[2Jb\\\\nc  0 bytes sha256 e3b0c442.* (upper-files/1)" "$TMP/hostile/report.txt" &&
	grep -q "owned" "$TMP/hostile/stdout.txt"
'

test_expect_success 'nothing of a sandbox stays behind' '
	no_sandbox_left
'

test_done
