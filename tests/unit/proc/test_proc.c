/*
 * Unit tests for lib/proc, lib/sock, lib/users and the mountinfo reader of
 * lib/freeze, on /proc samples checked in under tests/data/proc.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/proc/cgroup.h"
#include "lib/proc/mounts.h"
#include "lib/proc/proc.h"
#include "lib/proc/sock.h"
#include "lib/proc/users.h"
#include "util/buf.h"

static void load(struct buf *b, const char *name)
{
	char path[256];
	snprintf(path, sizeof(path), "tests/data/proc/%s", name);
	buf_reset(b);
	assert_int_equal(buf_read_at(b, AT_FDCWD, path, 0), 0);
}

static const struct {
	const char *file;
	int pid;
	const char *comm;
	char state;
	int ppid;
	long threads;
	int kthread;
} stats[] = {
	{ "stat-init", 1, "init", 'S', 0, 13, 0 },
	{ "stat-kthreadd", 2, "kthreadd", 'S', 0, 1, 1 },
	{ "stat-hostile", 4242, "a) b (c", 'S', 1, 2, 0 },
};

static void test_stat_samples(void **state)
{
	struct buf b = BUF_INIT;
	(void)state;
	for (size_t i = 0; i < sizeof(stats) / sizeof(stats[0]); i++) {
		struct proc_stat st;
		load(&b, stats[i].file);
		assert_int_equal(proc_parse_stat(b.data, b.len, &st), 0);
		assert_int_equal(st.pid, stats[i].pid);
		assert_string_equal(st.comm, stats[i].comm);
		assert_int_equal(st.state, stats[i].state);
		assert_int_equal(st.ppid, stats[i].ppid);
		assert_int_equal(st.num_threads, stats[i].threads);
		assert_int_equal(proc_is_kthread(&st), stats[i].kthread);
	}
	buf_release(&b);
}

static void test_stat_rejects_garbage(void **state)
{
	static const char *const bad[] = {
		"", "1", "1 (x", "x (y) S 1", "-1 (a) S 0", "1 (a)",
		"99999999999999 (a) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 0 0 1 0 1 1 1",
	};
	struct proc_stat st;
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(proc_parse_stat(bad[i], strlen(bad[i]), &st), -EINVAL);
}

static void test_status_sample(void **state)
{
	struct buf b = BUF_INIT;
	struct proc_status st;
	(void)state;
	load(&b, "status-cat");
	assert_int_equal(proc_parse_status(b.data, b.len, &st), 0);
	assert_string_equal(st.name, "cp");
	assert_int_equal(st.uid[0], 0);
	assert_int_equal(st.threads, 1);
	assert_int_equal(st.tracer_pid, 0);
	assert_int_equal(proc_parse_status("Name:\tx\n", 8, &st), -EINVAL);
	buf_release(&b);
}

static void test_maps_sample(void **state)
{
	struct buf b = BUF_INIT;
	struct proc_map m;
	size_t pos = 0, n = 0;
	int rc;
	(void)state;
	load(&b, "maps-backdoor");
	while ((rc = proc_maps_next(b.data, b.len, &pos, &m)) != 0) {
		assert_int_equal(rc, 1);
		if (n == 0) {
			assert_int_equal(m.start, 0x55579c909000ULL);
			assert_int_equal(m.dev_major, 0xfe);
			assert_int_equal(m.inode, 10953203);
			assert_true(m.deleted);
			assert_int_equal(m.path_len, strlen("/tmp/x/in.telnetd"));
			assert_memory_equal(m.path, "/tmp/x/in.telnetd", m.path_len);
		}
		if (n == 4) {
			assert_string_equal(m.perms, "rw-s");
			assert_true(m.deleted);
		}
		if (n == 5)
			assert_int_equal(m.path_len, 0);
		n++;
	}
	assert_int_equal(n, 8);
	pos = 0;
	assert_int_equal(proc_maps_next("zz-1 r--p", 9, &pos, &m), -EINVAL);
	pos = 0;
	assert_int_equal(proc_maps_next("2000-1000 r--p 0 0:0 0", 22, &pos, &m), -EINVAL);
	buf_release(&b);
}

static void test_pid_parse(void **state)
{
	pid_t p;
	(void)state;
	assert_int_equal(proc_parse_pid("123", &p), 0);
	assert_int_equal(p, 123);
	assert_int_equal(proc_parse_pid("0", &p), -EINVAL);
	assert_int_equal(proc_parse_pid("-1", &p), -EINVAL);
	assert_int_equal(proc_parse_pid("12a", &p), -EINVAL);
	assert_int_equal(proc_parse_pid("99999999999", &p), -EINVAL);
	assert_int_equal(proc_parse_pid("", &p), -EINVAL);
}

static void test_proc_net_tcp(void **state)
{
	struct buf b = BUF_INIT, name = BUF_INIT;
	struct sock_table t;
	const struct sock_entry *e;
	(void)state;
	sock_table_init(&t);
	load(&b, "net-tcp");
	assert_int_equal(sock_parse_proc_inet(&t, b.data, b.len, AF_INET, IPPROTO_TCP), 0);
	sock_table_sort(&t);
	e = sock_find(&t, 98);
	assert_non_null(e);
	assert_int_equal(e->lport, 2024);
	assert_int_equal(e->state, 10);
	assert_true(sock_is_listening(e));
	sock_describe(&name, e);
	assert_string_equal(name.data, "*:2024 (LISTEN)");
	e = sock_find(&t, 1146969);
	assert_non_null(e);
	buf_reset(&name);
	sock_describe(&name, e);
	assert_string_equal(name.data, "127.0.0.1:39517 (LISTEN)");
	buf_release(&name);
	buf_release(&b);
	sock_table_release(&t);
}

static void test_proc_net_unix(void **state)
{
	struct buf b = BUF_INIT, name = BUF_INIT;
	struct sock_table t;
	const struct sock_entry *e;
	(void)state;
	sock_table_init(&t);
	load(&b, "net-unix");
	sock_parse_proc_unix(&t, b.data, b.len);
	sock_table_sort(&t);
	e = sock_find(&t, 4242);
	assert_non_null(e);
	sock_describe(&name, e);
	assert_string_equal(name.data, "/run/back door.sock type=STREAM (LISTEN)");
	e = sock_find(&t, 1118688);
	assert_non_null(e);
	buf_reset(&name);
	sock_describe(&name, e);
	assert_string_equal(name.data, "type=STREAM (CONNECTED)");
	buf_release(&name);
	buf_release(&b);
	sock_table_release(&t);
}

static void test_addr_format(void **state)
{
	struct buf b = BUF_INIT;
	unsigned char v6[16] = { 0 };
	unsigned char v4[4] = { 10, 0, 0, 9 };
	(void)state;
	v6[15] = 1;
	sock_addr_format(&b, AF_INET6, v6, 5120);
	assert_string_equal(b.data, "[::1]:5120");
	buf_reset(&b);
	sock_addr_format(&b, AF_INET, v4, 51234);
	assert_string_equal(b.data, "10.0.0.9:51234");
	buf_release(&b);
}

static void test_netlink_truncated(void **state)
{
	struct sock_table t;
	unsigned char junk[64];
	int done;
	(void)state;
	sock_table_init(&t);
	memset(junk, 0xff, sizeof(junk));
	assert_int_equal(sock_parse_nlmsgs(&t, junk, sizeof(junk), &done), -EINVAL);
	sock_table_release(&t);
}

static void test_mountinfo(void **state)
{
	struct buf b = BUF_INIT, v2 = BUF_INIT, v1 = BUF_INIT;
	(void)state;
	load(&b, "mountinfo");
	mounts_parse_cgroup(b.data, b.len, &v2, &v1);
	assert_string_equal(v2.data, "/sys/fs/cgroup/unified");
	assert_string_equal(v1.data, "/sys/fs/cgroup/freezer");
	buf_release(&b);
	buf_release(&v2);
	buf_release(&v1);
}

static void test_cgroup(void **state)
{
	static const char hybrid[] = "12:cpu,cpuacct:/user.slice\n"
				     "7:freezer:/evil dir\n"
				     "bogus line\n"
				     "1:name=systemd:/init.scope\n"
				     "0::/user.slice/session-1.scope\n";
	static const char v2only[] = "0::/system.slice/ssh.service";
	struct buf p = BUF_INIT;
	(void)state;
	assert_int_equal(cgroup_parse(hybrid, sizeof(hybrid) - 1, NULL, &p), 0);
	assert_string_equal(p.data, "/user.slice/session-1.scope");
	buf_reset(&p);
	assert_int_equal(cgroup_parse(hybrid, sizeof(hybrid) - 1, "freezer", &p), 0);
	assert_string_equal(p.data, "/evil dir");
	buf_reset(&p);
	assert_int_equal(cgroup_parse(hybrid, sizeof(hybrid) - 1, "cpuacct", &p), 0);
	assert_string_equal(p.data, "/user.slice");
	buf_reset(&p);
	assert_int_equal(cgroup_parse(hybrid, sizeof(hybrid) - 1, "cpuset", &p), -ENOENT);
	assert_int_equal(cgroup_parse(hybrid, sizeof(hybrid) - 1, "cpu,cpuacct", &p), -ENOENT);
	assert_int_equal(cgroup_parse(v2only, sizeof(v2only) - 1, NULL, &p), 0);
	assert_string_equal(p.data, "/system.slice/ssh.service");
	buf_reset(&p);
	assert_int_equal(cgroup_parse(v2only, sizeof(v2only) - 1, "freezer", &p), -ENOENT);
	/* our own: every process is in some cgroup */
	assert_int_equal(cgroup_of(0, NULL, &p), 0);
	assert_true(p.len > 0 && p.data[0] == '/');
	buf_release(&p);
}

static void test_users(void **state)
{
	static const char pw[] = "root:x:0:0:root:/root:/bin/bash\n"
				 "broken line\n"
				 "evil\x1b:x:1000:1000::/:/bin/sh\n"
				 "neg:x:-1:0::/:/bin/sh\n"
				 "big:x:99999999999:0::/:/bin/sh\n"
				 "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin";
	struct users u;
	(void)state;
	users_parse(&u, pw, sizeof(pw) - 1);
	assert_int_equal(u.n, 3);
	assert_string_equal(users_name(&u, 0), "root");
	assert_string_equal(users_name(&u, 1), "daemon");
	assert_string_equal(users_name(&u, 1000), "evil\x1b");
	assert_null(users_name(&u, 7));
	users_release(&u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stat_samples),
		cmocka_unit_test(test_stat_rejects_garbage),
		cmocka_unit_test(test_status_sample),
		cmocka_unit_test(test_maps_sample),
		cmocka_unit_test(test_pid_parse),
		cmocka_unit_test(test_proc_net_tcp),
		cmocka_unit_test(test_proc_net_unix),
		cmocka_unit_test(test_addr_format),
		cmocka_unit_test(test_netlink_truncated),
		cmocka_unit_test(test_mountinfo),
		cmocka_unit_test(test_cgroup),
		cmocka_unit_test(test_users),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
