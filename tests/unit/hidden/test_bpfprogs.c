/* Unit tests for the BPF program view: helper targets from kallsyms, the
 * instruction scanner on synthesized translated instructions, link info,
 * system-call hooks and what makes a finding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>

#include "lib/hidden/bpfprogs.h"

#define INSN(c, d, s, o, i) \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define CALL(src, imm) INSN(BPF_JMP | BPF_CALL, 0, (src), 0, (imm))

static const char ksyms[] =
	"ffffffff814cee20 T __pfx_bpf_send_signal\n"
	"ffffffff814cee30 T bpf_send_signal\n"
	"ffffffff814cee60 T bpf_send_signal_thread\n"
	"ffffffff814cf850 t do_bpf_send_signal\n"
	"ffffffff814d0d70 T bpf_probe_write_user\n"
	"ffffffff814ded50 T __bpf_call_base\n"
	"ffffffff814f2fc0 T bpf_sys_bpf\n"
	"ffffffffc0001000 t bpf_override_return\t[evil]\n"
	"garbage line\n"
	"ffffffff815238b0 T bpf_get_current_pid_tgid";

static void test_helper_ids(void **state)
{
	(void)state;
	/* the bits follow the uapi enum of this system's linux/bpf.h */
	assert_int_equal(bpfprogs_helper_id(0), 36);
	assert_int_equal(bpfprogs_helper_id(1), 58);
	assert_int_equal(bpfprogs_helper_id(2), 109);
	assert_int_equal(bpfprogs_helper_id(3), 117);
	assert_int_equal(bpfprogs_helper_id(4), 166);
	assert_int_equal(bpfprogs_helper_id(5), -1);
	assert_string_equal(bpfprogs_helper_name(0), "bpf_probe_write_user");
}

static void test_kallsyms(void **state)
{
	struct bpfprogs_targets t;

	(void)state;
	assert_int_equal(bpfprogs_kallsyms(ksyms, strlen(ksyms), &t), 0);
	assert_int_equal(t.imm[0], (int32_t)(0xffffffff814d0d70ull - 0xffffffff814ded50ull));
	assert_int_equal(t.imm[2], (int32_t)(0xffffffff814cee30ull - 0xffffffff814ded50ull));
	assert_int_equal(t.imm[4], 0xffffffff814f2fc0ull - 0xffffffff814ded50ull);
	/* a module's symbol of the same name is not the helper */
	assert_int_equal(t.found, BPFPROGS_WRITE_USER | BPFPROGS_SIGNAL |
					  BPFPROGS_SIGNAL_THREAD | BPFPROGS_SYS_BPF);
	/* addresses hidden (kptr_restrict): all zero, no base */
	static const char hidden[] = "0000000000000000 T __bpf_call_base\n"
				     "0000000000000000 T bpf_probe_write_user\n";
	assert_int_equal(bpfprogs_kallsyms(hidden, strlen(hidden), &t), -1);
	assert_int_equal(bpfprogs_kallsyms("", 0, &t), -1);
}

static void test_scan_insns(void **state)
{
	struct bpfprogs_targets t;
	size_t hid;

	(void)state;
	assert_int_equal(bpfprogs_kallsyms(ksyms, strlen(ksyms), &t), 0);
	int32_t write = t.imm[0], sig = t.imm[2], sigt = t.imm[3], sysb = t.imm[4];
	int32_t pid = (int32_t)(0xffffffff815238b0ull - 0xffffffff814ded50ull);
	struct bpf_insn benign[] = {
		CALL(0, pid),
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0),
		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};
	struct bpf_insn rootkit[] = {
		CALL(0, pid),
		INSN(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_0, 0, 3, 0),
		/* a 16-byte load of an immediate whose halves look like calls */
		INSN(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_1, 0, 0, 0),
		INSN(0, 0, 0, 0, sig),
		CALL(0, write),
		CALL(1, sigt), /* a bpf-to-bpf call: not a helper */
		CALL(2, sysb), /* a kfunc: not a helper */
		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};
	struct bpf_insn hiddencalls[] = { CALL(0, 0), CALL(0, sig) };

	assert_int_equal(bpfprogs_scan_insns(benign, sizeof(benign), &t, &hid), 0);
	assert_int_equal(hid, 0);
	assert_int_equal(bpfprogs_scan_insns(rootkit, sizeof(rootkit), &t, &hid),
			 BPFPROGS_WRITE_USER);
	assert_int_equal(bpfprogs_scan_insns(hiddencalls, sizeof(hiddencalls), &t, &hid),
			 BPFPROGS_SIGNAL);
	assert_int_equal(hid, 1);
	/* a truncated last instruction is not read */
	assert_int_equal(bpfprogs_scan_insns(rootkit, 4 * sizeof(struct bpf_insn) + 7,
					     &t, &hid), 0);
	/* the raw helper id is not a translated target */
	struct bpf_insn raw[] = { CALL(0, BPF_FUNC_probe_write_user) };
	assert_int_equal(bpfprogs_scan_insns(raw, sizeof(raw), &t, &hid), 0);
	/* targets not found are never matched */
	struct bpfprogs_targets none = { { 0 }, 0 };
	assert_int_equal(bpfprogs_scan_insns(rootkit, sizeof(rootkit), &none, &hid), 0);
}

static void put32(unsigned char *p, size_t off, uint32_t v)
{
	memcpy(p + off, &v, 4);
}

static void test_link_hook(void **state)
{
	unsigned char info[96];
	char out[128];

	(void)state;
	memset(info, 0, sizeof(info));
	put32(info, 0, 7); /* perf_event */
	put32(info, 4, 3);
	put32(info, 8, 4242);
	put32(info, 16, 5); /* tracepoint */
	assert_int_equal(bpfprogs_link_hook(info, sizeof(info), "sys_enter_getdents64",
					    64, out, sizeof(out)), 4242);
	assert_string_equal(out, "tracepoint sys_enter_getdents64");
	put32(info, 16, 3); /* kprobe */
	put32(info, 36, 4);
	bpfprogs_link_hook(info, sizeof(info), "__x64_sys_kill", 14, out, sizeof(out));
	assert_string_equal(out, "kprobe __x64_sys_kill+4");
	/* a name the kernel did not end: cut at its length */
	bpfprogs_link_hook(info, sizeof(info), "do_exitXXXX", 7, out, sizeof(out));
	assert_string_equal(out, "kprobe do_exit+4");
	put32(info, 0, 1); /* raw tracepoint */
	bpfprogs_link_hook(info, sizeof(info), "sys_enter", 16, out, sizeof(out));
	assert_string_equal(out, "raw_tracepoint sys_enter");
	bpfprogs_link_hook(info, sizeof(info), NULL, 0, out, sizeof(out));
	assert_string_equal(out, "raw_tracepoint ?");
	put32(info, 0, 2); /* tracing */
	put32(info, 24, 777);
	bpfprogs_link_hook(info, sizeof(info), NULL, 0, out, sizeof(out));
	assert_string_equal(out, "tracing btf 777");
	assert_int_equal(bpfprogs_link_hook(info, 11, NULL, 0, out, sizeof(out)), 0);
	assert_string_equal(out, "");
	/* short info: no name fields read past its end */
	put32(info, 0, 7);
	assert_int_equal(bpfprogs_link_hook(info, 12, "x", 1, out, sizeof(out)), 4242);
	assert_string_equal(out, "perf_event ?");
}

static void test_syscall_hook(void **state)
{
	(void)state;
	assert_true(bpfprogs_syscall_hook("tracepoint sys_enter_getdents64"));
	assert_true(bpfprogs_syscall_hook("tracepoint sys_exit_read"));
	assert_true(bpfprogs_syscall_hook("raw_tracepoint sys_enter"));
	assert_true(bpfprogs_syscall_hook("kprobe __x64_sys_getdents64+0"));
	assert_true(bpfprogs_syscall_hook("kretprobe ksys_read+0"));
	assert_true(bpfprogs_syscall_hook("fentry __do_sys_kill"));
	assert_true(bpfprogs_syscall_hook("fexit sys_bpf"));
	assert_false(bpfprogs_syscall_hook("tracepoint sched_process_exec"));
	assert_false(bpfprogs_syscall_hook("kprobe filesys_thing+0"));
	assert_false(bpfprogs_syscall_hook("uprobe /usr/bin/sys_x+0"));
	assert_false(bpfprogs_syscall_hook("cgroup"));
	assert_false(bpfprogs_syscall_hook(""));
}

static void test_is_finding(void **state)
{
	struct bpfprog g;
	char hooks[64];

	(void)state;
	memset(&g, 0, sizeof(g));
	g.type = BPF_PROG_TYPE_TRACEPOINT;
	snprintf(hooks, sizeof(hooks), "tracepoint sys_enter_getdents64");
	g.hooks = hooks;
	assert_false(bpfprogs_is_finding(&g)); /* benign */
	g.helpers = BPFPROGS_SYS_BPF;
	assert_false(bpfprogs_is_finding(&g));
	g.helpers = BPFPROGS_WRITE_USER;
	assert_true(bpfprogs_is_finding(&g));
	snprintf(hooks, sizeof(hooks), "tracepoint sched_switch; kprobe __x64_sys_read+0");
	assert_true(bpfprogs_is_finding(&g));
	snprintf(hooks, sizeof(hooks), "tracepoint sched_switch");
	assert_false(bpfprogs_is_finding(&g));
	hooks[0] = 0; /* hook not said: not clean */
	assert_true(bpfprogs_is_finding(&g));
	g.type = BPF_PROG_TYPE_CGROUP_SKB;
	assert_false(bpfprogs_is_finding(&g));

	char text[160];
	bpfprogs_helpers_text(BPFPROGS_WRITE_USER | BPFPROGS_SIGNAL, text, sizeof(text));
	assert_string_equal(text, "bpf_probe_write_user, bpf_send_signal");
	bpfprogs_helpers_text(BPFPROGS_WRITE_USER | BPFPROGS_SIGNAL, text, 10);
	assert_string_equal(text, "bpf_probe");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_helper_ids),
		cmocka_unit_test(test_kallsyms),
		cmocka_unit_test(test_scan_insns),
		cmocka_unit_test(test_link_hook),
		cmocka_unit_test(test_syscall_hook),
		cmocka_unit_test(test_is_finding),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
