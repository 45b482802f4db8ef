/* Unit tests for what the sandbox reads back: its trace (processes,
 * execs, the fork numbering across PID namespaces, network calls,
 * listeners, the wiretap, refused changes) and its DNS answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "lib/sandbox/dnsfake.h"
#include "lib/sandbox/sbtrace.h"

/* lines as `stranger trace -f -tt` writes them for a sandboxed program */
static const char trace_text[] =
	"100  00:00:01.000001 execve(\"/bin/sh\", [\"sh\", \"-c\", \"x\"], 0x7ffc /* 3 vars */) = 0\n"
	"100  00:00:01.000100 clone(child_stack=NULL, flags=SIGCHLD) = 3\n"
	"100  00:00:01.000200 clone(child_stack=NULL, flags=SIGCHLD) = 4\n"
	"107  00:00:01.000300 execve(\"/usr/bin/cat\", [\"cat\", \"/etc/passwd\"], 0x5 /* 3 vars */) = 0\n"
	"105  00:00:01.000310 execveat(9, 0x55, [\"/srv/x\", \"-d\"], 0x5 /* 3 vars */, AT_EMPTY_PATH) = 0\n"
	"105  00:00:01.000400 openat(AT_FDCWD, \"/etc/passwd\", O_WRONLY|O_APPEND) = -1 EACCES (Permission denied)\n"
	"105  00:00:01.000410 openat(AT_FDCWD, \"/etc/hosts\", O_RDONLY) = -1 EACCES (Permission denied)\n"
	"105  00:00:01.000500 socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = 3\n"
	"105  00:00:01.000600 bind(3, {sa_family=AF_INET, sin_port=htons(5120), sin_addr=inet_addr(\"127.0.0.1\")}, 16) = 0\n"
	"105  00:00:01.000700 listen(3, 16)          = 0\n"
	"105  00:00:01.000800 accept(3, <unfinished ...>\n"
	"107  00:00:01.000810 connect(4, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, \"2001:db8::1\", &sin6_addr), sin6_scope_id=0}, 28) = 0\n"
	" | 00000  68 69                                             hi               |\n"
	"105  00:00:01.000900 <... accept resumed>NULL, NULL) = 5\n"
	"105  00:00:01.001000 write(5, \"login: \", 7) = 7\n"
	"105  00:00:01.001100 read(5, \"r\", 1)       = 1\n"
	"105  00:00:01.001200 read(5, \"oot\\n\", 4)  = 4\n"
	"105  00:00:01.001300 write(5, \"Password: \", 10) = 10\n"
	"107  00:00:01.001400 write(4, \"GET / HTTP/1.0\\r\\n\"..., 200) = 200\n"
	"107  00:00:01.001500 kill(-1, SIGKILL)      = -1 ESRCH (No such process)\n"
	"100  00:00:01.001600 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=4} ---\n"
	"107  00:00:01.001700 +++ exited with 3 +++\n"
	"105  00:00:01.001800 +++ killed by SIGKILL +++\n"
	"not a trace line\n"
	"100  00:00:01.001900 +++ exited with 0 +++";

static void test_trace_processes(void **state)
{
	struct sb_trace t;
	const struct sbt_proc *p;
	(void)state;
	sbtrace_parse(trace_text, sizeof(trace_text) - 1, &t);
	assert_int_equal(t.nprocs, 3);
	/* forks return PIDs inside (3, 4); lines carry host PIDs (105, 107):
	 * the n-th smallest of each go together */
	p = sbtrace_proc(&t, 105);
	assert_non_null(p);
	assert_int_equal(p->ppid, 100);
	assert_string_equal(p->start, "00:00:01.000100");
	assert_int_equal(p->nexec, 1);
	assert_string_equal(p->exec[0].path, "fd 9");
	assert_string_equal(p->exec[0].argv, "[\"/srv/x\", \"-d\"]");
	assert_string_equal(p->end, "killed by SIGKILL");
	p = sbtrace_proc(&t, 107);
	assert_int_equal(p->ppid, 100);
	assert_string_equal(p->exec[0].path, "\"/usr/bin/cat\"");
	assert_int_equal(p->ended, 1);
	assert_int_equal(p->code, 3);
	p = sbtrace_proc(&t, 100);
	assert_int_equal(p->ppid, 0);
	assert_string_equal(p->exec[0].argv, "[\"sh\", \"-c\", \"x\"]");
	assert_int_equal(t.bad, 1);
	sbtrace_release(&t);
}

static void test_trace_network(void **state)
{
	struct sb_trace t;
	(void)state;
	sbtrace_parse(trace_text, sizeof(trace_text) - 1, &t);
	assert_int_equal(t.nnets, 1);
	assert_string_equal(t.nets[0].family, "AF_INET6");
	assert_string_equal(t.nets[0].addr, "2001:db8::1");
	assert_int_equal(t.nets[0].port, 443);
	assert_int_equal(t.nlistens, 1);
	assert_string_equal(t.listens[0].addr, "127.0.0.1");
	assert_int_equal(t.listens[0].port, 5120);
	assert_int_equal(t.listens[0].pid, 105);
	assert_int_equal(t.nconvs, 2);
	/* the accepted socket: reads in a row run on in one string */
	assert_string_equal(t.convs[1].how, "accepted");
	assert_string_equal(t.convs[1].text,
			    "-> \"login: \"\n<- \"root\\n\"\n-> \"Password: \"\n");
	/* a string the tracer cut short keeps its mark */
	assert_string_equal(t.convs[0].text, "-> \"GET / HTTP/1.0\\r\\n\"...\n");
	sbtrace_release(&t);
}

static void test_trace_refusals_signals(void **state)
{
	struct sb_trace t;
	(void)state;
	sbtrace_parse(trace_text, sizeof(trace_text) - 1, &t);
	/* an open for writing refused; one for reading is not a change */
	assert_int_equal(t.ndenied, 1);
	assert_non_null(strstr(t.denied[0].text, "\"/etc/passwd\", O_WRONLY"));
	assert_int_equal(t.nsignals, 2);
	assert_string_equal(t.signals[0].text, "kill(-1, SIGKILL)      = -1 ESRCH (No such process)");
	assert_int_equal(t.signals[1].pid, 100);
	sbtrace_release(&t);
}

static void test_trace_empty_and_truncated(void **state)
{
	struct sb_trace t;
	static const char half[] = "5 00:00:00.1 read(3, <unfinished ...>\n5 00:00:00.2 <... write resumed>";
	(void)state;
	sbtrace_parse("", 0, &t);
	assert_int_equal(t.nprocs, 0);
	sbtrace_release(&t);
	sbtrace_parse(half, sizeof(half) - 1, &t);
	assert_int_equal(t.nprocs, 1);
	sbtrace_release(&t);
}

static const unsigned char query_a[] = {
	0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
	0x00, 0x01, 0x00, 0x01,
	/* an EDNS OPT record, which the answer leaves out */
	0x00, 0x00, 0x29, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static void test_dns_answer(void **state)
{
	static const unsigned char addr[4] = { 198, 18, 0, 7 };
	unsigned char out[512];
	char name[256];
	unsigned qtype = 0;
	int n;
	(void)state;
	n = dnsfake_answer(query_a, sizeof(query_a), addr, out, sizeof(out), name,
			   sizeof(name), &qtype);
	assert_int_equal(n, 29 + 16);
	assert_string_equal(name, "example.com");
	assert_int_equal(qtype, 1);
	assert_int_equal(out[0], 0x12);
	assert_int_equal(out[2] & 0x80, 0x80); /* a response */
	assert_int_equal(out[7], 1);           /* one answer */
	assert_int_equal(out[11], 0);          /* no additional records */
	assert_memory_equal(out + n - 4, addr, 4);
}

static void test_dns_refused(void **state)
{
	static const unsigned char addr[4] = { 198, 18, 0, 7 };
	unsigned char q[sizeof(query_a)], out[512];
	char name[8];
	unsigned qtype;
	(void)state;
	/* a response, a pointer in the name, a short packet, no room */
	memcpy(q, query_a, sizeof(q));
	q[2] |= 0x80;
	assert_int_equal(dnsfake_answer(q, sizeof(q), addr, out, sizeof(out), name, sizeof(name), &qtype), -1);
	memcpy(q, query_a, sizeof(q));
	q[12] = 0xc0;
	assert_int_equal(dnsfake_answer(q, sizeof(q), addr, out, sizeof(out), name, sizeof(name), &qtype), -1);
	assert_int_equal(dnsfake_answer(query_a, 20, addr, out, sizeof(out), name, sizeof(name), &qtype), -1);
	assert_int_equal(dnsfake_answer(query_a, sizeof(query_a), addr, out, 30, name, sizeof(name), &qtype), -1);
	/* AAAA: no records; a long name is cut to the room given, escaped */
	memcpy(q, query_a, sizeof(q));
	q[26] = 28;
	q[13] = '\n';
	assert_int_equal(dnsfake_answer(q, sizeof(q), addr, out, sizeof(out), name, sizeof(name), &qtype), 29);
	assert_int_equal(qtype, 28);
	assert_string_equal(name, "\\nxampl"); /* 7 of 8 bytes, and the NUL */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trace_processes),
		cmocka_unit_test(test_trace_network),
		cmocka_unit_test(test_trace_refusals_signals),
		cmocka_unit_test(test_trace_empty_and_truncated),
		cmocka_unit_test(test_dns_answer),
		cmocka_unit_test(test_dns_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
