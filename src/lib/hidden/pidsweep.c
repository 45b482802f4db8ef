/*
 * pidsweep - load the PID sweep program, run it over the PID space.  See
 * pidsweep.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <linux/btf.h>
#include <linux/types.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/hidden/pidsweep.bpf.h"
#include "lib/hidden/pidsweep.h"
#include "util/pool.h"
#include "util/bpfutil.h"
#include "pidsweep.skel.h"
#include "util/buf.h"
#include "util/xalloc.h"

#define VMLINUX_BTF "/sys/kernel/btf/vmlinux"

/* PIDs per program run: a multiple of 64, a few milliseconds of work */
#define CHUNK 65536L

enum { KF_FROM_VPID, KF_RELEASE, KF_N };

static const char *const kfunc_names[KF_N] = {
	[KF_FROM_VPID] = "bpf_task_from_vpid",
	[KF_RELEASE] = "bpf_task_release",
};

static const __s32 kfunc_placeholders[KF_N] = {
	[KF_FROM_VPID] = PS_CALL_TASK_FROM_VPID,
	[KF_RELEASE] = PS_CALL_TASK_RELEASE,
};

struct pidsweep {
	struct pidsweep_bpf *skel;
	int prog_fd;
	uint32_t kfunc_ids[KF_N];
	int patched; /* the prepare callback ran and patched every call */
	/* one pidsweep_run(): its end, and the first error of a chunk */
	long max;
	int err;
};

static struct bpf_errmsg last_error;

const char *pidsweep_strerror(void)
{
	return last_error.text;
}

/* ---- BTF ------------------------------------------------------------------ */

/* bytes that follow a struct btf_type of this kind, or -1: unknown kind */
static long btf_extra(unsigned kind, unsigned vlen)
{
	switch (kind) {
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	case BTF_KIND_INT:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		return 4;
	case BTF_KIND_ARRAY:
		return 12;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_DATASEC:
	case BTF_KIND_ENUM64:
		return 12L * vlen;
	case BTF_KIND_ENUM:
	case BTF_KIND_FUNC_PROTO:
		return 8L * vlen;
	default:
		return -1;
	}
}

int pidsweep_btf_funcs(const void *data, size_t len, const char *const *names, size_t n,
		       uint32_t *ids)
{
	const unsigned char *p = data;
	struct btf_header h;
	const unsigned char *types, *strs;
	size_t off, left = n;
	uint32_t id = 1;

	for (size_t i = 0; i < n; i++)
		ids[i] = 0;
	if (len < sizeof(h))
		return -EINVAL;
	memcpy(&h, p, sizeof(h));
	if (h.magic != BTF_MAGIC || h.hdr_len < sizeof(h) || h.hdr_len > len ||
	    h.type_off > len - h.hdr_len || h.type_len > len - h.hdr_len - h.type_off ||
	    h.str_off > len - h.hdr_len || h.str_len > len - h.hdr_len - h.str_off)
		return -EINVAL;
	types = p + h.hdr_len + h.type_off;
	strs = p + h.hdr_len + h.str_off;
	for (off = 0; left && off + sizeof(struct btf_type) <= h.type_len; id++) {
		struct btf_type t;
		long extra;

		memcpy(&t, types + off, sizeof(t));
		extra = btf_extra(BTF_INFO_KIND(t.info), BTF_INFO_VLEN(t.info));
		if (extra < 0)
			return -EINVAL;
		if (BTF_INFO_KIND(t.info) == BTF_KIND_FUNC && t.name_off < h.str_len) {
			const char *name = (const char *)strs + t.name_off;
			size_t room = h.str_len - t.name_off;

			for (size_t i = 0; i < n; i++) {
				size_t k = strlen(names[i]);
				if (!ids[i] && k < room && !memcmp(name, names[i], k + 1)) {
					ids[i] = id;
					left--;
				}
			}
		}
		off += sizeof(t) + (size_t)extra;
	}
	return left ? -ENOENT : 0;
}

/* kfunc_ids - the kfuncs' ids in the running kernel's BTF */
static int kfunc_ids(uint32_t *ids)
{
	struct buf b = BUF_INIT;
	struct stat st;
	void *map = MAP_FAILED;
	const void *data;
	size_t len;
	int fd, rc;

	fd = open(VMLINUX_BTF, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		bpf_errmsg_set(&last_error, "%s: %s", VMLINUX_BTF, strerror(-rc));
		return rc;
	}
	/* mapped where the kernel allows it (6.16 on), read where not */
	if (!fstat(fd, &st) && st.st_size > 0)
		map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	if (map != MAP_FAILED) {
		data = map;
		len = (size_t)st.st_size;
	} else {
		rc = buf_read_fd(&b, fd);
		if (rc) {
			close(fd);
			buf_release(&b);
			bpf_errmsg_set(&last_error, "%s: %s", VMLINUX_BTF, strerror(-rc));
			return rc;
		}
		data = b.data;
		len = b.len;
	}
	close(fd);
	rc = pidsweep_btf_funcs(data, len, kfunc_names, KF_N, ids);
	if (map != MAP_FAILED)
		munmap(map, (size_t)st.st_size);
	buf_release(&b);
	if (rc == -ENOENT)
		bpf_errmsg_set(&last_error, "the kernel has no %s kfunc",
			       kfunc_names[ids[KF_FROM_VPID] ? KF_RELEASE : KF_FROM_VPID]);
	else if (rc)
		bpf_errmsg_set(&last_error, "%s: cannot read the kernel's BTF", VMLINUX_BTF);
	return rc;
}

/* ---- loading -------------------------------------------------------------- */

/*
 * prepare - libbpf's last step before the program is loaded: turn each
 * placeholder helper call into a call of its kfunc.  The instructions are
 * final here (subprograms appended, relocations done).
 */
static int prepare(struct bpf_program *prog, struct bpf_prog_load_opts *opts, long cookie)
{
	struct pidsweep *s = (struct pidsweep *)cookie;
	size_t n = bpf_program__insn_cnt(prog);
	struct bpf_insn *v;
	unsigned seen = 0;
	int rc;

	v = xreallocarray(NULL, n, sizeof(*v));
	memcpy(v, bpf_program__insns(prog), n * sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		if (v[i].code != (BPF_JMP | BPF_CALL) || v[i].src_reg)
			continue;
		for (int k = 0; k < KF_N; k++) {
			if (v[i].imm != kfunc_placeholders[k])
				continue;
			v[i].src_reg = BPF_PSEUDO_KFUNC_CALL;
			v[i].off = 0; /* vmlinux, not a module */
			v[i].imm = (__s32)s->kfunc_ids[k];
			seen |= 1u << k;
		}
	}
	/* syscall programs must be sleepable; libbpf's own handler says so */
	opts->prog_flags |= BPF_F_SLEEPABLE;
	rc = bpf_program__set_insns(prog, v, n);
	free(v);
	if (!rc && seen == (1u << KF_N) - 1)
		s->patched = 1;
	return rc;
}

int pidsweep_open(struct pidsweep **out)
{
	LIBBPF_OPTS(libbpf_prog_handler_opts, hopts);
	struct pidsweep *s;
	int rc, handler;

	*out = NULL;
	last_error.text[0] = '\0';
	s = xcalloc(1, sizeof(*s));
	s->prog_fd = -1;
	rc = kfunc_ids(s->kfunc_ids);
	if (rc)
		goto fail;
	libbpf_set_print(bpfutil_print_quiet);
	/* for this object only: registered around its open and load */
	hopts.cookie = (long)s;
	hopts.prog_prepare_load_fn = prepare;
	handler = libbpf_register_prog_handler("syscall", BPF_PROG_TYPE_SYSCALL, 0, &hopts);
	if (handler < 0) {
		rc = handler;
		bpf_errmsg_set(&last_error, "cannot register the program's loader: %s",
			       strerror(-rc));
		goto fail;
	}
	s->skel = pidsweep_bpf__open();
	if (!s->skel) {
		rc = -errno;
		bpf_errmsg_set(&last_error, "cannot open the BPF object: %s", strerror(-rc));
	} else {
		rc = pidsweep_bpf__load(s->skel);
		if (rc) {
			rc = rc < 0 ? rc : -errno;
			bpf_errmsg_set(&last_error, "cannot load the BPF program: %s",
				       strerror(-rc));
		} else if (!s->patched || !s->skel->bss) {
			rc = -EINVAL;
			bpf_errmsg_set(&last_error, "the BPF program was not prepared as expected");
		}
	}
	libbpf_unregister_prog_handler(handler);
	if (rc)
		goto fail;
	s->prog_fd = bpf_program__fd(s->skel->progs.pidsweep);
	*out = s;
	return 0;
fail:
	pidsweep_close(s);
	return rc;
}

void pidsweep_close(struct pidsweep *s)
{
	if (!s)
		return;
	pidsweep_bpf__destroy(s->skel);
	free(s);
}

/* ---- running -------------------------------------------------------------- */

/* run - the program over [lo, hi); the number of PIDs in use, or -errno */
static long run(const struct pidsweep *s, long lo, long hi, unsigned flags)
{
	struct ps_args a = { .lo = (__u32)lo, .hi = (__u32)hi, .flags = flags };
	LIBBPF_OPTS(bpf_test_run_opts, o, .ctx_in = &a, .ctx_size_in = sizeof(a));

	/* the context is copied back into ctx_in */
	if (bpf_prog_test_run_opts(s->prog_fd, &o))
		return -errno;
	return a.found;
}

/* run_chunk - one CHUNK of pids (lib/pool); after an error the rest stop */
static void run_chunk(size_t i, unsigned worker, void *ctx)
{
	struct pidsweep *s = ctx;
	long lo = (long)i * CHUNK, hi = lo + CHUNK < s->max ? lo + CHUNK : s->max, rc;

	(void)worker;
	if (__atomic_load_n(&s->err, __ATOMIC_RELAXED))
		return;
	rc = run(s, lo, hi, PS_STORE);
	if (rc < 0)
		__atomic_store_n(&s->err, (int)rc, __ATOMIC_RELAXED);
}

int pidsweep_run(struct pidsweep *s, long max, int threads, uint64_t *bits)
{
	size_t words = (size_t)(max / 64 + 1), used;
	memset(bits, 0, words * sizeof(*bits));
	if (max > PS_PID_LIMIT)
		max = PS_PID_LIMIT; /* no PID is larger */
	if (max <= 1)
		return 0;
	s->max = max;
	s->err = 0;
	pool_run((size_t)((max + CHUNK - 1) / CHUNK), threads > 0 ? (unsigned)threads : 0,
		 run_chunk, NULL, s);
	if (s->err) {
		bpf_errmsg_set(&last_error, "cannot run the BPF program: %s", strerror(-s->err));
		return s->err;
	}
	/* only the words of [0, max): later ones may hold an older run's */
	used = (size_t)((max + 63) / 64);
	memcpy(bits, s->skel->bss->pidbits, used * sizeof(*bits));
	return 0;
}

int pidsweep_one(struct pidsweep *s, pid_t pid)
{
	long rc;

	if (pid <= 0 || pid >= PS_PID_LIMIT)
		return 0;
	rc = run(s, pid, (long)pid + 1, 0);
	if (rc < 0) {
		bpf_errmsg_set(&last_error, "cannot run the BPF program: %s", strerror((int)-rc));
		return (int)rc;
	}
	return rc > 0;
}
