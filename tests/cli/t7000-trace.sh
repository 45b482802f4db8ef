#!/bin/bash
# trace: the lines strace prints, for fixtures that make known calls.
. "$(dirname "$0")/../lib.sh"

command -v strace >/dev/null || { test_skip 'trace against strace' 'strace not installed'; test_done; exit; }

CALLS=openat,open,read,write,pread64,lseek,fstat,fcntl,dup,dup2,dup3,close,stat
CALLS=$CALLS,newfstatat,access,mkdir,chdir,rename,symlink,readlink,getdents64,unlink
CALLS=$CALLS,unlinkat,mmap,mprotect,munmap,pipe2,poll,socket,bind,listen,getsockname
CALLS=$CALLS,connect,accept4,sendto,recvfrom,shutdown,rt_sigaction,rt_sigprocmask,kill
CALLS=$CALLS,prctl,ptrace,setuid,wait4,exit_group

# The default backend is bpf where allowed; STRANGER_TRACE_BACKEND=ptrace
# (t7002) runs these tests on ptrace.  bpf leaves no tracer mark, so the
# fixture's anti-debugging PTRACE_TRACEME succeeds where strace's fails.
traceme='s/^(ptrace\(PTRACE_TRACEME\) += )0$/\1-1 EPERM (Operation not permitted)/'
[ "${STRANGER_TRACE_BACKEND:-bpf}" = ptrace ] && traceme=

# what differs from run to run: addresses, pids (and so the padding of a
# line that holds one), ports, the work folder
normalize() {
	sed -E -e 's/0x[0-9a-f]{5,}/ADDR/g' -e "s#$TMP/w[0-9]#DIR#g" -e "${traceme:-s/^$//}" \
		-e 's/htons\([0-9]+\)/htons(PORT)/g' -e 's/= [0-9]{3,}$/= N/' \
		-e 's/^[0-9]+ +//' -e 's/^\[pid +[0-9]+\] //' \
		-e 's/(kill|wait4)\([0-9]+/\1(N/' -e 's/si_pid=[0-9]+/si_pid=N/' \
		-e 's/^((kill|wait4)\(N.*\)) += /\1 = /' \
		-e 's#si_utime=[0-9]+(, si_stime=[0-9]+)?[^}]*#si_utime=T#' "$1"
}

test_expect_success 'known calls print exactly as strace prints them' '
	mkdir "$TMP/w1" "$TMP/w2" &&
	strace -o "$TMP/strace.out" -e trace=$CALLS "$FIXTURES/syscalls" "$TMP/w1" &&
	"$STRANGER" trace -o "$TMP/trace.out" -e trace=$CALLS "$FIXTURES/syscalls" "$TMP/w2" &&
	normalize "$TMP/strace.out" >"$TMP/expect" &&
	normalize "$TMP/trace.out" >"$TMP/actual" &&
	test $(wc -l <"$TMP/expect") -gt 60 &&
	test_cmp "$TMP/expect" "$TMP/actual"
'

test_expect_success 'a full trace (no filter) matches strace line for line' '
	mkdir "$TMP/w3" "$TMP/w4" &&
	strace -o "$TMP/strace.all" "$FIXTURES/syscalls" "$TMP/w3" &&
	"$STRANGER" trace -o "$TMP/trace.all" "$FIXTURES/syscalls" "$TMP/w4" &&
	test $(wc -l <"$TMP/strace.all") = $(wc -l <"$TMP/trace.all") &&
	normalize "$TMP/strace.all" | cut -d"(" -f1 >"$TMP/expect" &&
	normalize "$TMP/trace.all" | cut -d"(" -f1 >"$TMP/actual" &&
	test_cmp "$TMP/expect" "$TMP/actual"
'

test_expect_success 'hostile strings in arguments are escaped, never raw' '
	grep -F "openat(AT_FDCWD, \"\\33[31mred\\n\\t\\\"evil\\\"\\\\\\1\", O_RDONLY) = -1 ENOENT" "$TMP/trace.out" &&
	no_control_bytes "$TMP/trace.out"
'

test_expect_success 'the exit status is the traced command'"'"'s' '
	test_expect_code 3 "$STRANGER" trace -o /dev/null sh -c "exit 3" &&
	test_expect_code 0 "$STRANGER" trace -o /dev/null true &&
	test_expect_code 137 "$STRANGER" trace -o "$TMP/k.out" sh -c "kill -KILL \$\$" &&
	grep -x "+++ killed by SIGKILL +++" "$TMP/k.out"
'

test_expect_success '-f follows fork: pid prefixes, signals and exits as strace' '
	strace -f -o "$TMP/sf.out" -e trace=write sh -c "echo a; (echo b; kill -USR1 \$\$) ; exit 4" >/dev/null 2>&1;
	"$STRANGER" trace -f -o "$TMP/tf.out" -e trace=write sh -c "echo a; (echo b; kill -USR1 \$\$) ; exit 4" >/dev/null 2>&1;
	grep -E "^[0-9]+ +\+\+\+ exited with 0 \+\+\+" "$TMP/tf.out" &&
	grep -E "^[0-9]+ +\+\+\+ killed by SIGUSR1 \+\+\+" "$TMP/tf.out" &&
	normalize "$TMP/sf.out" | sort >"$TMP/expect" &&
	normalize "$TMP/tf.out" | sort >"$TMP/actual" &&
	test_cmp "$TMP/expect" "$TMP/actual"
'

test_expect_success 'the wiretap: -e write=4 -e read=6 show the data as strace dumps it' '
	strace -o "$TMP/sw.out" -e trace=read,write -e write=4 -e read=6 "$FIXTURES/wiretap" -n 2 &&
	"$STRANGER" trace -o "$TMP/tw.out" -e trace=read,write -e write=4 -e read=6 "$FIXTURES/wiretap" -n 2 &&
	grep -F " | 00010  73 77 6f 72 64 3a 20 63  6c 65 61 72 74 65 78 74  sword: cleartext |" "$TMP/tw.out" &&
	normalize "$TMP/sw.out" >"$TMP/expect" &&
	normalize "$TMP/tw.out" >"$TMP/actual" &&
	test_cmp "$TMP/expect" "$TMP/actual"
'

test_expect_success 'the wiretap dumps only the calls shown (-e trace=none: nothing), as strace' '
	"$STRANGER" trace -o "$TMP/tn.out" -e trace=none -e read=6 "$FIXTURES/wiretap" -n 1 &&
	! grep -q "^ | 000" "$TMP/tn.out" &&
	! grep -q "^read(" "$TMP/tn.out" &&
	"$STRANGER" trace -o "$TMP/tr.out" -e trace=read -e read=6 "$FIXTURES/wiretap" -n 1 &&
	grep -c "^ | 000" "$TMP/tr.out" >"$TMP/n" && test "$(cat "$TMP/n")" = 3 &&
	grep -q "^read(6, " "$TMP/tr.out"
'

test_expect_success 'strace spellings: -eNAME, -etrace=, --trace=, classes' '
	"$STRANGER" trace -o "$TMP/a.out" -eopenat true &&
	"$STRANGER" trace -o "$TMP/b.out" -etrace=openat true &&
	"$STRANGER" trace -o "$TMP/c.out" --trace=openat true &&
	test_cmp "$TMP/a.out" "$TMP/b.out" && test_cmp "$TMP/a.out" "$TMP/c.out" &&
	grep -q "^openat(AT_FDCWD, " "$TMP/a.out" &&
	"$STRANGER" trace -o "$TMP/d.out" -e trace=%memory true &&
	cut -d"(" -f1 "$TMP/d.out" | grep -v "^+++" | sort -u >"$TMP/names" &&
	grep -qx mmap "$TMP/names" && ! grep -qx openat "$TMP/names" &&
	"$STRANGER" trace -o "$TMP/e.out" -e trace=%file -e trace=%network true &&
	! grep -q "^mmap(" "$TMP/e.out"
'

test_expect_success 'the seccomp filter (-f with -e trace=) changes nothing in the output' '
	"$STRANGER" trace -f -o "$TMP/sec.out" -e trace=openat,write sh -c "cat /etc/hostname; true" >/dev/null &&
	"$STRANGER" trace -f --no-seccomp -o "$TMP/nosec.out" -e trace=openat,write sh -c "cat /etc/hostname; true" >/dev/null &&
	normalize "$TMP/sec.out" >"$TMP/expect" && normalize "$TMP/nosec.out" >"$TMP/actual" &&
	test_cmp "$TMP/expect" "$TMP/actual"
'

test_expect_success '-tt and -T: wall clock and time in the call' '
	"$STRANGER" trace -tt -T -o "$TMP/t.out" -e trace=close true &&
	grep -Eq "^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} close\(3\) += 0 <[0-9]+\.[0-9]{6}>$" "$TMP/t.out"
'

test_expect_success '-a, -s, -xx, -y, -v, -P, -qq, -e signal=none' '
	"$STRANGER" trace -a 20 -o "$TMP/a.out" -e trace=close true &&
	grep -qx "close(3)            = 0" "$TMP/a.out" &&
	"$STRANGER" trace -s 4 -xx -o "$TMP/s.out" -e trace=write -e signal=none sh -c "echo hello" >/dev/null &&
	grep -qF "write(1, \"\\x68\\x65\\x6c\\x6c\"..., 6)" "$TMP/s.out" &&
	"$STRANGER" trace -y -o "$TMP/y.out" -e trace=read cat /etc/hostname >/dev/null &&
	grep -q "^read(3</etc/hostname>, " "$TMP/y.out" &&
	"$STRANGER" trace -v -o "$TMP/v.out" -e trace=execve true &&
	grep -q "^execve(\"/usr/bin/true\", \[\"true\"\], \[\"" "$TMP/v.out" &&
	"$STRANGER" trace -P /etc/hostname -o "$TMP/p.out" cat /etc/hostname >/dev/null &&
	grep -q "^openat(AT_FDCWD, \"/etc/hostname\"" "$TMP/p.out" &&
	grep -q "^read(3, " "$TMP/p.out" && ! grep -q "^mmap(" "$TMP/p.out" &&
	"$STRANGER" trace -qq -o "$TMP/q.out" -e trace=close true &&
	! grep -q "+++" "$TMP/q.out"
'

test_expect_success '-ff writes one file per process' '
	"$STRANGER" trace -ff -o "$TMP/ff" -e trace=write sh -c "echo a; /bin/echo b" >/dev/null &&
	ls "$TMP"/ff.* >"$TMP/files" && test $(wc -l <"$TMP/files") = 2 &&
	cat "$TMP"/ff.* | grep -c "^write(1, " >"$TMP/n" && test "$(cat "$TMP/n")" = 2
'

test_expect_success '--json: one object per call, with name, args, return, errno' '
	"$STRANGER" trace --json -o "$TMP/j.out" -e trace=openat,exit_group cat /nonexistent 2>/dev/null;
	valid_json_lines "$TMP/j.out" &&
	python3 -c "
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
hit = [r for r in rows if r.get(\"name\") == \"openat\" and r[\"args\"][1] == \"\\\"/nonexistent\\\"\"]
assert hit and hit[0][\"errno\"] == \"ENOENT\" and hit[0][\"return\"] == -1, rows
assert any(r.get(\"exited\") == 1 for r in rows), rows
" "$TMP/j.out"
'

test_expect_success '-V and --help' '
	"$STRANGER" trace -V | grep -q "^stranger trace (stranger " &&
	"$STRANGER" trace --help | grep -q -- "-e EXPR"
'

test_done
