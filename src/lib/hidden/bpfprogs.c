#include "lib/hidden/bpfprogs.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/xalloc.h"

static const struct {
	int id;
	const char *name;
} helpers[BPFPROGS_NHELPERS] = {
	{ BPF_FUNC_probe_write_user, "bpf_probe_write_user" },
	{ BPF_FUNC_override_return, "bpf_override_return" },
	{ BPF_FUNC_send_signal, "bpf_send_signal" },
	{ BPF_FUNC_send_signal_thread, "bpf_send_signal_thread" },
	{ BPF_FUNC_sys_bpf, "bpf_sys_bpf" },
};

const char *bpfprogs_type_name(uint32_t type)
{
	return libbpf_bpf_prog_type_str((enum bpf_prog_type)type);
}

int bpfprogs_helper_id(unsigned i)
{
	return i < BPFPROGS_NHELPERS ? helpers[i].id : -1;
}

const char *bpfprogs_helper_name(unsigned i)
{
	return i < BPFPROGS_NHELPERS ? helpers[i].name : "?";
}

/* one kallsyms line: "ADDR TYPE NAME[\t[module]]"; 1 and the parts if so */
static int ksym_line(const char *s, size_t n, unsigned long long *addr, const char **name,
		     size_t *name_len)
{
	size_t i = 0, k;
	unsigned long long a = 0;

	for (; i < n && isxdigit((unsigned char)s[i]); i++) {
		if (i >= 16)
			return 0;
		a = a * 16 + (unsigned long long)(isdigit((unsigned char)s[i])
						      ? s[i] - '0'
						      : (tolower((unsigned char)s[i]) - 'a' + 10));
	}
	if (!i || i + 3 > n || s[i] != ' ' || s[i + 2] != ' ')
		return 0;
	i += 3;
	for (k = i; k < n && s[k] != '\t' && s[k] != ' ' && s[k] != '\n'; k++)
		;
	if (k == i || (k < n && s[k] != '\n'))
		return 0; /* module symbols ("\t[mod]") are not helpers */
	*addr = a;
	*name = s + i;
	*name_len = k - i;
	return 1;
}

int bpfprogs_kallsyms(const char *s, size_t n, struct bpfprogs_targets *t)
{
	unsigned long long base = 0, addr[BPFPROGS_NHELPERS] = { 0 };
	const char *end = s + n;

	memset(t, 0, sizeof(*t));
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);
		unsigned long long a;
		const char *name;
		size_t nlen;

		if (ksym_line(s, len, &a, &name, &nlen)) {
			if (nlen == 15 && !memcmp(name, "__bpf_call_base", 15))
				base = a;
			for (unsigned i = 0; i < BPFPROGS_NHELPERS; i++)
				if (strlen(helpers[i].name) == nlen &&
				    !memcmp(name, helpers[i].name, nlen))
					addr[i] = a;
		}
		s += len + (nl != NULL);
	}
	if (!base)
		return -1;
	for (unsigned i = 0; i < BPFPROGS_NHELPERS; i++) {
		long long d = (long long)(addr[i] - base);
		if (addr[i] && d >= INT32_MIN && d <= INT32_MAX && d) {
			t->imm[i] = (int32_t)d;
			t->found |= 1u << i;
		}
	}
	return 0;
}

unsigned bpfprogs_scan_insns(const void *insns, size_t len, const struct bpfprogs_targets *t,
			     size_t *hidden_calls)
{
	const unsigned char *p = insns;
	unsigned bits = 0;

	*hidden_calls = 0;
	for (size_t off = 0; off + sizeof(struct bpf_insn) <= len; off += sizeof(struct bpf_insn)) {
		struct bpf_insn in;
		memcpy(&in, p + off, sizeof(in));
		if (in.code != (BPF_JMP | BPF_CALL) || in.src_reg != 0)
			continue; /* not a helper (bpf-to-bpf calls, kfuncs) */
		if (!in.imm) {
			(*hidden_calls)++;
			continue;
		}
		for (unsigned i = 0; i < BPFPROGS_NHELPERS; i++)
			if ((t->found & (1u << i)) && in.imm == t->imm[i])
				bits |= 1u << i;
	}
	return bits;
}

/* struct bpf_link_info as the kernel lays it out (the uapi header of an
 * older system may lack the perf_event part): type, id, prog_id, then a
 * union at offset 16. */
enum {
	LINK_RAW_TP = 1,
	LINK_TRACING = 2,
	LINK_PERF_EVENT = 7,
	LINK_KPROBE_MULTI = 8,
	LINK_UPROBE_MULTI = 12,
	PE_UPROBE = 1,
	PE_URETPROBE = 2,
	PE_KPROBE = 3,
	PE_KRETPROBE = 4,
	PE_TRACEPOINT = 5,
	PE_EVENT = 6,
	LINK_INFO_SIZE = 96,
};

static uint32_t u32_at(const unsigned char *p, size_t off)
{
	uint32_t v;
	memcpy(&v, p + off, 4);
	return v;
}

/* the name the kernel put in our buffer: up to NUL or name_len */
static void name_of(char *dst, size_t dsz, const char *name, size_t name_len)
{
	size_t k = 0;

	if (name)
		while (k < name_len && name[k] && k + 1 < dsz)
			k++;
	if (dsz) {
		if (k)
			memcpy(dst, name, k);
		dst[k] = 0;
	}
}

uint32_t bpfprogs_link_hook(const void *info, size_t len, const char *name, size_t name_len,
			    char *out, size_t outsz)
{
	const unsigned char *p = info;
	char nm[256];
	uint32_t type;

	if (outsz)
		out[0] = 0;
	if (len < 12 || !outsz)
		return 0;
	type = u32_at(p, 0);
	name_of(nm, sizeof(nm), name, name_len);
	switch (type) {
	case LINK_RAW_TP:
		snprintf(out, outsz, "raw_tracepoint %s", nm[0] ? nm : "?");
		break;
	case LINK_TRACING:
		if (len >= 28)
			snprintf(out, outsz, "tracing btf %u", u32_at(p, 24));
		else
			snprintf(out, outsz, "tracing ?");
		break;
	case LINK_PERF_EVENT: {
		uint32_t pe = len >= 20 ? u32_at(p, 16) : 0;
		uint32_t off = len >= 40 ? u32_at(p, 36) : 0;
		switch (pe) {
		case PE_TRACEPOINT:
			snprintf(out, outsz, "tracepoint %s", nm[0] ? nm : "?");
			break;
		case PE_KPROBE:
		case PE_KRETPROBE:
			snprintf(out, outsz, "%s %s+%u", pe == PE_KPROBE ? "kprobe" : "kretprobe",
				 nm[0] ? nm : "?", off);
			break;
		case PE_UPROBE:
		case PE_URETPROBE:
			snprintf(out, outsz, "%s %s+%u", pe == PE_UPROBE ? "uprobe" : "uretprobe",
				 nm[0] ? nm : "?", off);
			break;
		case PE_EVENT:
			snprintf(out, outsz, "perf_event");
			break;
		default:
			snprintf(out, outsz, "perf_event ?");
		}
		break;
	}
	case LINK_KPROBE_MULTI:
		snprintf(out, outsz, "kprobe_multi");
		break;
	case LINK_UPROBE_MULTI:
		snprintf(out, outsz, "uprobe_multi");
		break;
	default: {
		const char *s = libbpf_bpf_link_type_str((enum bpf_link_type)type);
		snprintf(out, outsz, "%s", s ? s : "link");
	}
	}
	return u32_at(p, 8);
}

int bpfprogs_syscall_hook(const char *hook)
{
	const char *name = strchr(hook, ' ');

	if (!name)
		return 0;
	name++;
	if (!strncmp(hook, "tracepoint ", 11) || !strncmp(hook, "raw_tracepoint ", 15))
		return !strncmp(name, "sys_enter", 9) || !strncmp(name, "sys_exit", 8);
	if (!strncmp(hook, "kprobe ", 7) || !strncmp(hook, "kretprobe ", 10) ||
	    !strncmp(hook, "fentry ", 7) || !strncmp(hook, "fexit ", 6) ||
	    !strncmp(hook, "fmod_ret ", 9) || !strncmp(hook, "tracing ", 8)) {
		/* sys_kill, __x64_sys_kill, __do_sys_kill, ksys_read,
		 * do_sys_open */
		for (const char *s = strstr(name, "sys_"); s; s = strstr(s + 1, "sys_"))
			if (s == name || s[-1] == '_' || s[-1] == 'k')
				return 1;
	}
	return 0;
}

/* ---- the live scan ---- */

static int sys_bpf(int cmd, union bpf_attr *a)
{
	return (int)syscall(SYS_bpf, cmd, a, sizeof(*a));
}

static int next_id(int cmd, uint32_t start, uint32_t *next)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.start_id = start;
	if (sys_bpf(cmd, &a))
		return -errno;
	*next = a.next_id;
	return 0;
}

static int fd_by_id(int cmd, uint32_t id)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.prog_id = id; /* the same field as link_id */
	return sys_bpf(cmd, &a);
}

static int info_by_fd(int fd, void *info, uint32_t len)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = (uint32_t)fd;
	a.info.info_len = len;
	a.info.info = (uint64_t)(uintptr_t)info;
	return sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &a) ? -errno : 0;
}

struct hookrec {
	uint32_t prog_id;
	char *hook;
};

struct holdrec {
	uint32_t prog_id;
	pid_t pid;
};

/* fentry/fexit targets: the function's name in the BTF object */
static void tracing_name(struct btf **vmp, uint32_t obj_id, uint32_t btf_id, uint32_t attach,
			 char *out, size_t outsz)
{
	static const char *const kinds[] = {
		[BPF_TRACE_FENTRY] = "fentry",	       [BPF_TRACE_FEXIT] = "fexit",
		[BPF_MODIFY_RETURN] = "fmod_ret",      [BPF_LSM_MAC] = "lsm",
		[BPF_TRACE_RAW_TP] = "raw_tracepoint",
	};
	const char *kind =
	    attach < sizeof(kinds) / sizeof(kinds[0]) && kinds[attach] ? kinds[attach] : "tracing";
	struct btf *vm, *b = NULL;
	const char *fn = NULL;

	if (!*vmp) {
		*vmp = btf__load_vmlinux_btf();
		if (libbpf_get_error(*vmp))
			*vmp = NULL;
	}
	vm = *vmp;
	if (vm) {
		if (obj_id) {
			b = btf__load_from_kernel_by_id_split(obj_id, vm);
			if (libbpf_get_error(b))
				b = NULL;
		}
		const struct btf *src = b ? b : vm;
		if (btf_id && btf_id < btf__type_cnt(src)) {
			const struct btf_type *t = btf__type_by_id(src, btf_id);
			if (t)
				fn = btf__name_by_offset(src, t->name_off);
		}
	}
	if (fn && !strncmp(fn, "btf_trace_", 10)) {
		kind = "raw_tracepoint"; /* tp_btf: the tracepoint's typedef */
		fn += 10;
	}
	if (fn && fn[0])
		snprintf(out, outsz, "%s %s", kind, fn);
	else
		snprintf(out, outsz, "%s btf %u", kind, btf_id);
	btf__free(b);
}

static void collect_links(struct bpfprogs *p, struct btf **vm, struct hookrec **hv, size_t *hn)
{
	uint32_t id = 0;
	size_t alloc = 0;

	while (!next_id(BPF_LINK_GET_NEXT_ID, id, &id)) {
		unsigned char info[LINK_INFO_SIZE];
		char name[256], hook[320];
		uint64_t ptr = (uint64_t)(uintptr_t)name;
		uint32_t nlen = sizeof(name), prog;
		int fd = fd_by_id(BPF_LINK_GET_FD_BY_ID, id);

		if (fd < 0) {
			if (errno != ENOENT)
				p->partial++;
			continue;
		}
		memset(info, 0, sizeof(info));
		memset(name, 0, sizeof(name));
		if (info_by_fd(fd, info, sizeof(info))) {
			p->partial++;
			close(fd);
			continue;
		}
		switch (u32_at(info, 0)) {
		case LINK_RAW_TP:
			memset(info + 16, 0, sizeof(info) - 16);
			memcpy(info + 16, &ptr, 8);
			memcpy(info + 24, &nlen, 4);
			break;
		case LINK_PERF_EVENT:
			memset(info + 24, 0, sizeof(info) - 24);
			memcpy(info + 24, &ptr, 8);
			memcpy(info + 32, &nlen, 4);
			break;
		default:
			ptr = 0;
		}
		if (ptr && info_by_fd(fd, info, sizeof(info)))
			memset(name, 0, sizeof(name)); /* hook named without it */
		close(fd);
		prog =
		    bpfprogs_link_hook(info, sizeof(info), name, sizeof(name), hook, sizeof(hook));
		if (u32_at(info, 0) == LINK_TRACING)
			tracing_name(vm, u32_at(info, 20), u32_at(info, 24), u32_at(info, 16), hook,
				     sizeof(hook));
		if (!prog)
			continue;
		if (*hn == alloc) {
			alloc = alloc ? alloc * 2 : 16;
			*hv = xreallocarray(*hv, alloc, sizeof(**hv));
		}
		(*hv)[*hn].prog_id = prog;
		(*hv)[(*hn)++].hook = xstrdup(hook);
	}
}

/* every process's BPF program and link fds: (prog_id, pid) pairs */
static void collect_holders(struct holdrec **hv, size_t *hn)
{
	DIR *proc = opendir("/proc");
	struct dirent *de;
	size_t alloc = 0;

	if (!proc)
		return;
	while ((de = readdir(proc))) {
		char path[64], link[64];
		struct dirent *fe;
		DIR *fds;
		pid_t pid;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = (pid_t)atol(de->d_name);
		snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
		fds = opendir(path);
		if (!fds)
			continue; /* exited, or a kernel thread */
		while ((fe = readdir(fds))) {
			char fdpath[96];
			ssize_t n;
			if (!isdigit((unsigned char)fe->d_name[0]))
				continue;
			long fdn = strtol(fe->d_name, NULL, 10);
			snprintf(fdpath, sizeof(fdpath), "/proc/%d/fd/%ld", (int)pid, fdn);
			n = readlink(fdpath, link, sizeof(link) - 1);
			if (n <= 0)
				continue;
			link[n] = 0;
			if (strcmp(link, "anon_inode:bpf-prog") &&
			    strcmp(link, "anon_inode:bpf_link") &&
			    strcmp(link, "anon_inode:bpf-link"))
				continue;
			snprintf(fdpath, sizeof(fdpath), "/proc/%d/fdinfo/%ld", (int)pid, fdn);
			struct buf b = BUF_INIT;
			if (!buf_read_file(&b, fdpath, 1 << 16)) {
				const char *l = b.len ? strstr(b.data, "prog_id:") : NULL;
				unsigned long v = l ? strtoul(l + 8, NULL, 10) : 0;
				if (v && v <= UINT32_MAX) {
					if (*hn == alloc) {
						alloc = alloc ? alloc * 2 : 32;
						*hv = xreallocarray(*hv, alloc, sizeof(**hv));
					}
					(*hv)[*hn].prog_id = (uint32_t)v;
					(*hv)[(*hn)++].pid = pid;
				}
			}
			buf_release(&b);
		}
		closedir(fds);
	}
	closedir(proc);
}

/* program types whose verifier offers none of the helpers judged here
 * (networking and cgroup hooks): their instructions need no reading */
static int cannot_lie(uint32_t type)
{
	switch (type) {
	case BPF_PROG_TYPE_SOCKET_FILTER:
	case BPF_PROG_TYPE_SCHED_CLS:
	case BPF_PROG_TYPE_SCHED_ACT:
	case BPF_PROG_TYPE_XDP:
	case BPF_PROG_TYPE_CGROUP_SKB:
	case BPF_PROG_TYPE_CGROUP_SOCK:
	case BPF_PROG_TYPE_LWT_IN:
	case BPF_PROG_TYPE_LWT_OUT:
	case BPF_PROG_TYPE_LWT_XMIT:
	case BPF_PROG_TYPE_SOCK_OPS:
	case BPF_PROG_TYPE_SK_SKB:
	case BPF_PROG_TYPE_CGROUP_DEVICE:
	case BPF_PROG_TYPE_SK_MSG:
	case BPF_PROG_TYPE_CGROUP_SOCK_ADDR:
	case BPF_PROG_TYPE_LWT_SEG6LOCAL:
	case BPF_PROG_TYPE_LIRC_MODE2:
	case BPF_PROG_TYPE_SK_REUSEPORT:
	case BPF_PROG_TYPE_FLOW_DISSECTOR:
	case BPF_PROG_TYPE_CGROUP_SYSCTL:
	case BPF_PROG_TYPE_CGROUP_SOCKOPT:
	case BPF_PROG_TYPE_SK_LOOKUP:
		return 1;
	}
	return 0;
}

/* the helper targets, read from /proc/kallsyms once, when first needed
 * (reading it costs tens of milliseconds); *ok: 1 read, 0 not */
static void need_targets(struct bpfprogs_targets *t, int *ok)
{
	struct buf ks = BUF_INIT;

	if (*ok >= 0)
		return;
	*ok = !buf_read_file(&ks, "/proc/kallsyms", 64u << 20) &&
	      !bpfprogs_kallsyms(ks.data, ks.len, t);
	buf_release(&ks);
}

static void read_prog(struct bpfprog *g, int fd, struct bpfprogs_targets *t, int *targets_ok,
		      struct btf **vm, unsigned *partial)
{
	struct bpf_prog_info info;
	void *insns;
	uint32_t len;
	size_t hidden_calls = 0;

	memset(&info, 0, sizeof(info));
	if (info_by_fd(fd, &info, sizeof(info))) {
		(*partial)++;
		g->helpers_unknown = 1;
		return;
	}
	g->type = info.type;
	g->uid = info.created_by_uid;
	memcpy(g->name, info.name, sizeof(info.name) < 16 ? sizeof(info.name) : 16);
	g->name[16] = 0;
	for (int i = 0; i < 8; i++)
		snprintf(g->tag + 2 * i, 3, "%02x", info.tag[i]);
	len = info.xlated_prog_len;
	if (!cannot_lie(g->type))
		need_targets(t, targets_ok);
	if (cannot_lie(g->type)) {
		/* nothing to judge: the verifier offers these none of them */
	} else if (!len || !*targets_ok) {
		g->helpers_unknown = 1;
	} else {
		insns = xmalloc(len);
		memset(&info, 0, sizeof(info));
		info.xlated_prog_len = len;
		info.xlated_prog_insns = (uint64_t)(uintptr_t)insns;
		if (info_by_fd(fd, &info, sizeof(info)) || info.xlated_prog_len > len) {
			(*partial)++;
			g->helpers_unknown = 1;
		} else {
			g->helpers =
			    bpfprogs_scan_insns(insns, info.xlated_prog_len, t, &hidden_calls);
			if (hidden_calls)
				g->helpers_unknown = 1;
		}
		free(insns);
	}
	if ((g->type == BPF_PROG_TYPE_TRACING || g->type == BPF_PROG_TYPE_LSM) && !g->hooks[0]) {
		/* fentry/fexit/LSM without a link: the target the program was
		 * loaded for */
		memset(&info, 0, sizeof(info));
		if (!info_by_fd(fd, &info, sizeof(info)) && info.attach_btf_id) {
			char hook[320];
			tracing_name(vm, info.attach_btf_obj_id, info.attach_btf_id,
				     g->type == BPF_PROG_TYPE_LSM ? BPF_LSM_MAC : 99, hook,
				     sizeof(hook));
			free(g->hooks);
			g->hooks = xstrdup(hook);
		}
	}
}

/* the holders of each program; this process's own programs dropped */
static void add_holders(struct bpfprogs *p)
{
	struct holdrec *holds = NULL;
	size_t nholds = 0, keep = 0;
	pid_t self = getpid();

	collect_holders(&holds, &nholds);
	for (size_t j = 0; j < p->n; j++) {
		struct bpfprog *g = &p->v[j];
		int mine = 0;
		for (size_t i = 0; i < nholds; i++) {
			int dup = 0;
			if (holds[i].prog_id != g->id)
				continue;
			mine |= holds[i].pid == self;
			for (size_t k = 0; k < g->nholders; k++)
				dup |= g->holders[k] == holds[i].pid;
			if (dup)
				continue;
			g->holders = xreallocarray(g->holders, g->nholders + 1, sizeof(pid_t));
			g->holders[g->nholders++] = holds[i].pid;
		}
		if (mine) {
			free(g->holders);
			free(g->hooks);
			p->self++;
			continue;
		}
		p->v[keep++] = *g;
	}
	p->n = keep;
	free(holds);
}

int bpfprogs_scan(struct bpfprogs *p, int list_all)
{
	struct bpfprogs_targets t;
	struct hookrec *hooks = NULL;
	size_t nhooks = 0;
	uint32_t id = 0;
	int targets_ok, rc, need = list_all;
	struct btf *vm = NULL;

	memset(p, 0, sizeof(*p));
	rc = next_id(BPF_PROG_GET_NEXT_ID, 0, &id);
	if (rc && rc != -ENOENT) {
		p->why = "BPF_PROG_GET_NEXT_ID";
		return rc;
	}
	if (rc == -ENOENT)
		return 0; /* no programs at all */
	targets_ok = -1;  /* read when a program needs them */
	collect_links(p, &vm, &hooks, &nhooks);

	id = 0;
	while (!next_id(BPF_PROG_GET_NEXT_ID, id, &id)) {
		struct bpfprog g;
		struct buf hk = BUF_INIT;
		int fd;

		memset(&g, 0, sizeof(g));
		g.id = id;
		for (size_t i = 0; i < nhooks; i++)
			if (hooks[i].prog_id == id) {
				if (hk.len)
					buf_addstr(&hk, "; ");
				buf_addstr(&hk, hooks[i].hook);
			}
		buf_addc(&hk, 0);
		g.hooks = buf_detach(&hk, NULL);
		fd = fd_by_id(BPF_PROG_GET_FD_BY_ID, id);
		if (fd < 0) {
			if (errno == ENOENT) { /* unloaded mid-scan */
				free(g.hooks);
				continue;
			}
			p->partial++;
			g.helpers_unknown = 1;
		} else {
			read_prog(&g, fd, &t, &targets_ok, &vm, &p->partial);
			close(fd);
		}
		if (p->n == p->alloc) {
			p->alloc = p->alloc ? p->alloc * 2 : 16;
			p->v = xreallocarray(p->v, p->alloc, sizeof(*p->v));
		}
		p->v[p->n++] = g;
	}
	for (size_t i = 0; i < nhooks; i++)
		free(hooks[i].hook);
	free(hooks);
	btf__free(vm);
	/* every process's fds are read only when a holder is to be named
	 * (or a program left out as this process's own) */
	for (size_t i = 0; i < p->n && !need; i++)
		need = bpfprogs_is_finding(&p->v[i]);
	if (need)
		add_holders(p);
	return 0;
}

void bpfprogs_release(struct bpfprogs *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].hooks);
		free(p->v[i].holders);
	}
	free(p->v);
	memset(p, 0, sizeof(*p));
}

static int tracing_type(uint32_t type)
{
	return type == BPF_PROG_TYPE_KPROBE || type == BPF_PROG_TYPE_TRACEPOINT ||
	       type == BPF_PROG_TYPE_RAW_TRACEPOINT ||
	       type == BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE || type == BPF_PROG_TYPE_TRACING ||
	       type == BPF_PROG_TYPE_PERF_EVENT;
}

int bpfprogs_is_finding(const struct bpfprog *g)
{
	char one[320];
	const char *s = g->hooks ? g->hooks : "";

	if (!(g->helpers & BPFPROGS_LIES))
		return 0;
	if (!s[0])
		return tracing_type(g->type); /* hook not said: not clean */
	while (*s) {
		const char *e = strstr(s, "; ");
		size_t n = e ? (size_t)(e - s) : strlen(s);
		snprintf(one, sizeof(one), "%.*s", (int)n, s);
		if (bpfprogs_syscall_hook(one))
			return 1;
		s += n + (e ? 2 : 0);
	}
	return 0;
}

void bpfprogs_helpers_text(unsigned bits, char *out, size_t outsz)
{
	size_t k = 0;

	if (outsz)
		out[0] = 0;
	for (unsigned i = 0; i < BPFPROGS_NHELPERS && k < outsz; i++)
		if (bits & (1u << i)) {
			int w =
			    snprintf(out + k, outsz - k, "%s%s", k ? ", " : "", helpers[i].name);
			if (w < 0)
				break;
			k += (size_t)w;
		}
}

void bpfprogs_findings(const struct bpfprogs *p, struct hidden_report *r)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct bpfprog *g = &p->v[i];
		char obj[64], hel[160];
		struct buf d = BUF_INIT;
		const char *tn;

		if (!bpfprogs_is_finding(g))
			continue;
		tn = bpfprogs_type_name(g->type);
		snprintf(obj, sizeof(obj), "bpf-prog:%u", g->id);
		bpfprogs_helpers_text(g->helpers & BPFPROGS_LIES, hel, sizeof(hel));
		buf_addf(&d, "%s program '%s' calls %s from %s", tn ? tn : "?", g->name, hel,
			 g->hooks && g->hooks[0] ? g->hooks : "a hook the kernel does not name");
		if (g->nholders) {
			buf_addstr(&d, "; held by pid");
			for (size_t k = 0; k < g->nholders; k++)
				buf_addf(&d, "%s %d", k ? "," : "", (int)g->holders[k]);
		} else {
			buf_addstr(&d, "; no process holds it (pinned or attached)");
		}
		hidden_add(r, HIDDEN_BPF, g->nholders ? g->holders[0] : 0, obj, "bpf", "", d.data);
		buf_release(&d);
	}
}
