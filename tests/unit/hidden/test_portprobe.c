/*
 * Unit tests for lib/portprobe, lib/bindhook and util/uring: every probe
 * method must call the same ports in use.  A method this kernel or these
 * privileges cannot run is reported and left out, never failed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "lib/hidden/bindhook.h"
#include "lib/hidden/portprobe.h"
#include "util/uring.h"

static void test_method_names(void **state)
{
	(void)state;
	for (int m = 0; m < PORTPROBE_NMETHODS; m++)
		assert_int_equal(portprobe_method_parse(portprobe_method_name(m)), m);
	assert_int_equal(portprobe_method_parse("auto"), PORTPROBE_AUTO);
	assert_int_equal(portprobe_method_parse("bpf-uring"), PORTPROBE_BPF_URING);
	assert_int_equal(portprobe_method_parse("iouring"), -1);
	assert_string_equal(portprobe_proto_name(PP_UDP), "udp");
}

static void test_uring_nop(void **state)
{
	static const unsigned char nop[] = { IORING_OP_NOP };
	struct uring u;
	struct io_uring_cqe *c;
	int rc = uring_init(&u, 4);
	(void)state;

	if (rc) {
		print_message("io_uring unavailable here (%s), skipped\n", strerror(-rc));
		skip();
	}
	assert_int_equal(uring_has_ops(&u, nop, 1), 1);
	for (int i = 0; i < 3; i++) {
		struct io_uring_sqe *s = uring_sqe(&u);
		assert_non_null(s);
		s->opcode = IORING_OP_NOP;
		s->user_data = 10 + (unsigned)i;
	}
	assert_int_equal(uring_submit(&u, 3), 0);
	for (int i = 0; i < 3; i++) {
		c = uring_cqe(&u);
		assert_non_null(c);
		assert_int_equal(c->res, 0);
		assert_int_equal(c->user_data, 10 + (unsigned)i);
		uring_cqe_seen(&u);
	}
	assert_null(uring_cqe(&u));
	uring_release(&u);
}

/* bound - a socket of family and type bound to loopback port 0; its port */
static int bound(int family, int type, unsigned *port)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int fd = socket(family, type, 0);

	assert_true(fd >= 0);
	memset(&ss, 0, sizeof(ss));
	ss.ss_family = (sa_family_t)family;
	if (family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	else
		((struct sockaddr_in6 *)&ss)->sin6_addr = in6addr_loopback;
	assert_int_equal(bind(fd, (struct sockaddr *)&ss,
			      family == AF_INET ? sizeof(struct sockaddr_in)
						: sizeof(struct sockaddr_in6)),
			 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&ss, &len), 0);
	*port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
					: ((struct sockaddr_in6 *)&ss)->sin6_port);
	return fd;
}

/* probe - port in use by protocol `which`, by method m; -errno if it cannot run */
static int probe(int m, int which, unsigned port)
{
	struct portprobe_map map;
	int ran = -1, rc = portprobe_all(&map, port, port, 2, m, &ran);

	if (rc)
		return rc;
	assert_true(ran > PORTPROBE_AUTO && ran < PORTPROBE_NMETHODS);
	if (m != PORTPROBE_AUTO)
		assert_int_equal(ran, m);
	return portprobe_used(&map, which, port);
}

static void test_every_method_agrees(void **state)
{
	unsigned pl, pb, pu, pt;
	int l = bound(AF_INET, SOCK_STREAM, &pl);   /* a listener */
	int b = bound(AF_INET6, SOCK_STREAM, &pb);  /* bound, nothing more */
	int u = bound(AF_INET, SOCK_DGRAM, &pu);
	int c = bound(AF_INET, SOCK_STREAM, &pt);   /* soon in TIME_WAIT */
	struct sockaddr_in to = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
				  .sin_port = htons((uint16_t)pl) };
	int ran = 0, a;
	(void)state;

	assert_int_equal(listen(l, 1), 0);
	/* the side that closes first keeps its port in TIME_WAIT */
	assert_int_equal(connect(c, (struct sockaddr *)&to, sizeof(to)), 0);
	a = accept(l, NULL, NULL);
	assert_true(a >= 0);
	close(c);
	usleep(10000);
	close(a);
	for (int m = 0; m < PORTPROBE_NMETHODS; m++) {
		int rc = probe(m, PP_TCP, pl);
		if (rc < 0) {
			assert_int_not_equal(m, PORTPROBE_SYSCALLS);
			assert_int_not_equal(m, PORTPROBE_AUTO);
			print_message("%s cannot run here: %s\n", portprobe_method_name(m),
				      strerror(-rc));
			continue;
		}
		ran++;
		assert_int_equal(rc, 1);
		assert_int_equal(probe(m, PP_TCP, pb), 1);
		assert_int_equal(probe(m, PP_UDP, pu), 1);
		assert_int_equal(probe(m, PP_TCP, pt), 1);
	}
	assert_true(ran >= 2);
	close(l);
	close(b);
	close(u);
	/* free again: every probe released what it bound */
	for (int m = 0; m < PORTPROBE_NMETHODS; m++) {
		if (probe(m, PP_TCP, pl) < 0)
			continue;
		assert_int_equal(probe(m, PP_TCP, pl), 0);
		assert_int_equal(probe(m, PP_UDP, pu), 0);
	}
	assert_int_equal(portprobe_one(PP_TCP, pl), 0);
}

static void test_bindhook_refuses_only_its_own(void **state)
{
	struct bindhook *h = bindhook_open(AF_INET6);
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	int mine, other;
	(void)state;

	if (!h) {
		print_message("bind hook unavailable here (%s), skipped\n", strerror(errno));
		skip();
	}
	mine = socket(AF_INET6, SOCK_DGRAM, 0);
	other = socket(AF_INET6, SOCK_DGRAM, 0);
	assert_int_equal(bindhook_add(h, mine), 0);
	/* refused, and bindable again and again */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(bind(mine, (struct sockaddr *)&a, sizeof(a)), -1);
		assert_int_equal(errno, EPERM);
	}
	/* any other socket binds as usual */
	assert_int_equal(bind(other, (struct sockaddr *)&a, sizeof(a)), 0);
	bindhook_del(h, mine);
	assert_int_equal(bind(mine, (struct sockaddr *)&a, sizeof(a)), 0);
	close(mine);
	close(other);
	bindhook_close(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_method_names),
		cmocka_unit_test(test_uring_nop),
		cmocka_unit_test(test_every_method_agrees),
		cmocka_unit_test(test_bindhook_refuses_only_its_own),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
