/*
 * bpftrace - load the trace programs, feed them the filter, read the ring
 * buffer.  See bpftrace.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/trace/bpftrace.h"
#include "lib/trace/syscall/syscall.h"
#include "util/bpfutil.h"
#include "trace.skel.h"
#include "util/xalloc.h"

struct bpftrace {
	struct trace_bpf *skel;
	struct ring_buffer *rb;
	long long clock_off; /* CLOCK_REALTIME - CLOCK_MONOTONIC, ns */
	bpftrace_cb cb;
	void *ctx;
	int stop; /* the callback's non-zero return */
	int handled;
	int ncpus;
};

/*
 * What to copy for each call: the BPF backend's counterpart of reading a
 * stopped tracee's memory, which it has to do while the call is in flight.
 * It follows from the call's row in the argument-shape table of
 * lib/trace/syscall (the same row the decoders print from): memory the
 * kernel reads is copied at entry, memory it writes at exit.
 */
static struct bt_argspec capture_of(const struct sc_shape *sh, int i)
{
	const struct sc_argshape *a = &sh->a[i];
	unsigned char len = a->lenarg < 6	      ? a->lenarg
			    : a->lenarg == SC_LEN_RET ? BT_LEN_RET
						      : BT_LEN_NONE;
	struct bt_argspec s = { BT_CAP_NONE, BT_LEN_NONE, 0 };

	/* a length the kernel reads as an int is cut as the decoders cut it */
	if (a->lenarg < 6 && sc_kind_int(sh->a[a->lenarg].kind))
		len |= BT_LEN_32;

	switch (a->kind) {
	case SCK_PATH:
	case SCK_STR:
		s.kind = BT_CAP_STR | BT_IN;
		break;
	case SCK_STROUT:
		s.kind = BT_CAP_STR | BT_IN | BT_OUT;
		break;
	case SCK_IN:
		s = (struct bt_argspec){ (len == BT_LEN_NONE ? BT_CAP_FIXED : BT_CAP_BUF) | BT_IN,
					 len, a->size };
		break;
	case SCK_OUT:
		s = (struct bt_argspec){ (len == BT_LEN_NONE ? BT_CAP_FIXED : BT_CAP_BUF) | BT_OUT,
					 len, a->size };
		break;
	case SCK_IO:
		s = (struct bt_argspec){ BT_CAP_FIXED | BT_IN | BT_OUT, BT_LEN_NONE, a->size };
		break;
	case SCK_SA:
		s = (struct bt_argspec){ BT_CAP_BUF | BT_IN, len, 128 };
		break;
	case SCK_SAOUT:
		s = (struct bt_argspec){ BT_CAP_PLEN | BT_OUT, len, 128 };
		break;
	case SCK_LENOUT:
		s = (struct bt_argspec){ BT_CAP_PLEN | BT_OUT, len, a->size };
		break;
	case SCK_IOV:
		s.kind = BT_CAP_IOV | BT_IN;
		s.lenarg = len;
		break;
	case SCK_IOVOUT:
		s.kind = BT_CAP_IOV | BT_OUT;
		s.lenarg = len;
		break;
	case SCK_MSG:
		s.kind = BT_CAP_MSG | BT_IN;
		break;
	case SCK_MSGOUT:
		s.kind = BT_CAP_MSG | BT_OUT;
		break;
	case SCK_STRV:
		s.kind = BT_CAP_STRV | BT_IN;
		break;
	case SCK_PTRV:
		s.kind = BT_CAP_PTRV | BT_IN;
		break;
	case SCK_ARR:
		s = (struct bt_argspec){ BT_CAP_ARRAY | BT_IN, len, a->size };
		break;
	case SCK_ARROUT:
		s = (struct bt_argspec){ BT_CAP_ARRAY | BT_OUT, len, a->size };
		break;
	case SCK_ARRIO:
		s = (struct bt_argspec){ BT_CAP_ARRAY | BT_IN | BT_OUT, len, a->size };
		break;
	case SCK_PAGEVEC:
		s = (struct bt_argspec){ BT_CAP_BUF | BT_OUT, len | BT_LEN_PAGES, 4096 };
		break;
	default:
		break;
	}
	return s;
}

void bpftrace_plan(long nr, struct bt_spec *spec)
{
	const struct sc_entry *e = sc_lookup_nr(sc_native_arch(), nr);
	const struct sc_shape *sh = sc_shape_of(e);

	memset(spec, 0, sizeof(*spec));
	if (sh->flags & SC_SHAPE_READ)
		spec->flags |= BT_SPEC_READ;
	if (sh->flags & SC_SHAPE_WRITE)
		spec->flags |= BT_SPEC_WRITE;
	for (int i = 0; i < 6; i++)
		spec->a[i] = capture_of(sh, i);
}

static struct bpf_errmsg last_error;

const char *bpftrace_strerror(void)
{
	return last_error.text;
}

static long long clock_offset(void)
{
	struct timespec rt, mono;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	return (rt.tv_sec - mono.tv_sec) * 1000000000LL + rt.tv_nsec - mono.tv_nsec;
}

static int fill_specs(struct bpftrace *bt, const struct bpftrace_opts *o)
{
	int fd = bpf_map__fd(bt->skel->maps.specs);
	struct bt_spec *spec = xcalloc(BT_NR_MAX, sizeof(*spec));
	int rc = 0;

	for (long nr = 0; nr < BT_NR_MAX; nr++)
		bpftrace_plan(nr, &spec[nr]);
	if (o->env_strings) {
		spec[SYS_execve].a[2].kind = BT_CAP_STRV | BT_IN;
		spec[SYS_execveat].a[3].kind = BT_CAP_STRV | BT_IN;
	}
	for (__u32 nr = 0; nr < BT_NR_MAX && !rc; nr++) {
		if (!o->traced || o->traced[nr])
			spec[nr].flags |= BT_SPEC_TRACED;
		if (bpf_map_update_elem(fd, &nr, &spec[nr], BPF_ANY))
			rc = -errno;
	}
	free(spec);
	if (rc)
		bpf_errmsg_set(&last_error, "cannot fill the call table: %s", strerror(-rc));
	return rc;
}

static int fill_fds(struct bpftrace *bt, const int *v, size_t n, __u32 bit)
{
	int fd = bpf_map__fd(bt->skel->maps.fds);

	for (size_t i = 0; i < n; i++) {
		__u32 key = v[i], val = 0;

		if (v[i] < 0)
			continue;
		bpf_map_lookup_elem(fd, &key, &val);
		val |= bit;
		if (bpf_map_update_elem(fd, &key, &val, BPF_ANY)) {
			bpf_errmsg_set(&last_error, "too many -e read/write descriptors");
			return -errno;
		}
	}
	return 0;
}

static int on_sample(void *ctx, void *data, size_t size)
{
	struct bpftrace *bt = ctx;
	const struct bt_event *raw = data;
	struct bpftrace_event ev;

	if (bt->stop || size < sizeof(*raw) || raw->size > size || raw->size < sizeof(*raw))
		return 0;
	memset(&ev, 0, sizeof(ev));
	ev.type = raw->type;
	ev.flags = raw->flags;
	ev.tgid = raw->tgid;
	ev.tid = raw->tid;
	ev.nr = raw->nr;
	memcpy(ev.args, raw->args, sizeof(ev.args));
	ev.ret = raw->ret;
	ev.mono = raw->ts;
	ev.ts = raw->ts + bt->clock_off;
	ev.chunks = (const unsigned char *)data + sizeof(*raw);
	ev.nchunks = raw->nchunks;
	ev.chunk_bytes = raw->size - sizeof(*raw);
	bt->handled++;
	bt->stop = bt->cb(&ev, bt->ctx);
	/* a non-zero return stops this round of consumption */
	return bt->stop ? -1 : 0;
}

int bpftrace_open(struct bpftrace **out, const struct bpftrace_opts *o)
{
	struct bpftrace *bt;
	struct trace_bpf *skel;
	size_t ring = o->ring_bytes ? o->ring_bytes : (size_t)8 << 20;
	long page = sysconf(_SC_PAGESIZE);
	int rc, ncpus;

	*out = NULL;
	last_error.text[0] = '\0';
	if (ring < (size_t)page || (ring & (ring - 1)) || ring > (size_t)1 << 30) {
		bpf_errmsg_set(&last_error, "ring buffer size must be a power of 2 from %ld to 1G",
			       page);
		return -EINVAL;
	}
	libbpf_set_print(o->verbose ? bpfutil_print_stderr : bpfutil_print_quiet);
	ncpus = libbpf_num_possible_cpus();
	if (ncpus <= 0) {
		bpf_errmsg_set(&last_error, "cannot count the CPUs");
		return ncpus ? ncpus : -EINVAL;
	}
	skel = trace_bpf__open();
	if (!skel) {
		rc = -errno;
		bpf_errmsg_set(&last_error, "cannot open the BPF object: %s", strerror(-rc));
		return rc;
	}
	skel->rodata->cfg_follow = !!o->follow;
	if (o->str_max)
		skel->rodata->cfg_str_max = o->str_max;
	if (o->buf_max)
		skel->rodata->cfg_buf_max = o->buf_max;
	if (o->full_max)
		skel->rodata->cfg_full_max = o->full_max;
	skel->rodata->cfg_trace_unknown = !o->traced;
	skel->rodata->cfg_wake_bytes = ring / 8;
	skel->rodata->cfg_nr_execve = SYS_execve;
	skel->rodata->cfg_nr_execveat = SYS_execveat;
	bpf_map__set_max_entries(skel->maps.rb, ring);
	bpf_map__set_max_entries(skel->maps.scratch, 2 * ncpus);
	rc = trace_bpf__load(skel);
	if (rc) {
		rc = rc < 0 ? rc : -errno;
		bpf_errmsg_set(&last_error, "cannot load the BPF programs: %s", strerror(-rc));
		trace_bpf__destroy(skel);
		return rc;
	}
	bt = xcalloc(1, sizeof(*bt));
	bt->skel = skel;
	bt->ncpus = ncpus;
	if ((rc = fill_specs(bt, o)) ||
	    (rc = fill_fds(bt, o->read_fds, o->nread_fds, BT_FD_READ)) ||
	    (rc = fill_fds(bt, o->write_fds, o->nwrite_fds, BT_FD_WRITE)))
		goto fail;
	rc = trace_bpf__attach(skel);
	if (rc) {
		rc = rc < 0 ? rc : -errno;
		bpf_errmsg_set(&last_error, "cannot attach the BPF programs: %s", strerror(-rc));
		goto fail;
	}
	bt->rb = ring_buffer__new(bpf_map__fd(skel->maps.rb), on_sample, bt, NULL);
	if (!bt->rb) {
		rc = -errno;
		bpf_errmsg_set(&last_error, "cannot map the ring buffer: %s", strerror(-rc));
		goto fail;
	}
	bt->clock_off = clock_offset();
	*out = bt;
	return 0;
fail:
	bpftrace_close(bt);
	return rc;
}

static int add_tgid(struct bpftrace *bt, pid_t tgid, __u32 how)
{
	__u32 key = tgid;

	if (tgid <= 0)
		return -EINVAL;
	if (bpf_map_update_elem(bpf_map__fd(bt->skel->maps.tgids), &key, &how, BPF_ANY))
		return -errno;
	return 0;
}

int bpftrace_add(struct bpftrace *bt, pid_t tgid)
{
	return add_tgid(bt, tgid, 1);
}

int bpftrace_launch(struct bpftrace *bt, const char *path, char *const argv[], char *const envp[],
		    mode_t mask, pid_t *pid)
{
	int go[2], err[2], rc, status;
	pid_t child;
	char c = 0;
	ssize_t n;

	if (pipe2(go, O_CLOEXEC))
		return -errno;
	if (pipe2(err, O_CLOEXEC)) {
		rc = -errno;
		close(go[0]);
		close(go[1]);
		return rc;
	}
	child = fork();
	if (child < 0) {
		rc = -errno;
		close(go[0]);
		close(go[1]);
		close(err[0]);
		close(err[1]);
		return rc;
	}
	if (!child) {
		/*
		 * Wait until the parent has added us to the traced set, as
		 * one whose calls count from its execve on: what the child
		 * does until then is ours, not the command's.
		 */
		while ((n = read(go[0], &c, 1)) < 0 && errno == EINTR)
			;
		if (n == 1) {
			umask(mask);
			execve(path, argv, envp);
			rc = errno;
			if (write(err[1], &rc, sizeof(rc)) < 0)
				_exit(127);
		}
		_exit(127);
	}
	close(go[0]);
	close(err[1]);
	rc = add_tgid(bt, child, 2);
	if (!rc && write(go[1], &c, 1) != 1)
		rc = -errno;
	close(go[1]);
	if (rc) {
		close(err[0]);
		kill(child, SIGKILL);
		waitpid(child, &status, 0);
		return rc;
	}
	while ((n = read(err[0], &rc, sizeof(rc))) < 0 && errno == EINTR)
		;
	close(err[0]);
	if (n == (ssize_t)sizeof(rc)) {
		waitpid(child, &status, 0);
		return -rc;
	}
	*pid = child;
	return 0;
}

int bpftrace_poll(struct bpftrace *bt, int timeout_ms, bpftrace_cb cb, void *ctx)
{
	int rc;

	bt->cb = cb;
	bt->ctx = ctx;
	bt->stop = 0;
	bt->handled = 0;
	rc = ring_buffer__poll(bt->rb, timeout_ms);
	if (rc >= 0 && !bt->stop)
		rc = ring_buffer__consume(bt->rb);
	if (bt->stop)
		return bt->stop;
	if (rc < 0 && rc != -EINTR)
		return rc;
	return bt->handled;
}

int bpftrace_alive(struct bpftrace *bt)
{
	__u32 key;

	return !bpf_map_get_next_key(bpf_map__fd(bt->skel->maps.tgids), NULL, &key);
}

static unsigned long long prog_misses(struct bpf_program *p)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(bpf_program__fd(p), &info, &len))
		return 0;
	return info.recursion_misses;
}

void bpftrace_lost(struct bpftrace *bt, unsigned long long *events, unsigned long long *bytes)
{
	int fd = bpf_map__fd(bt->skel->maps.counters);
	unsigned long long sum[BT_NCOUNTERS] = { 0 };
	__u64 *v = xcalloc(bt->ncpus, sizeof(*v));

	for (__u32 k = 0; k < BT_NCOUNTERS; k++) {
		if (bpf_map_lookup_elem(fd, &k, v))
			continue;
		for (int c = 0; c < bt->ncpus; c++)
			sum[k] += v[c];
	}
	free(v);
	/* a program that could not run because it was already running on
	   that CPU lost its event too */
	sum[BT_LOST_EVENTS] +=
	    prog_misses(bt->skel->progs.trace_enter) + prog_misses(bt->skel->progs.trace_exit);
	if (events)
		*events = sum[BT_LOST_EVENTS];
	if (bytes)
		*bytes = sum[BT_LOST_BYTES];
}

void bpftrace_close(struct bpftrace *bt)
{
	if (!bt)
		return;
	ring_buffer__free(bt->rb);
	trace_bpf__destroy(bt->skel);
	free(bt);
}

int bpftrace_chunk(const struct bpftrace_event *ev, size_t i, struct bt_chunk *ch,
		   const unsigned char **data)
{
	size_t pos = 0;

	for (size_t k = 0; k < ev->nchunks; k++) {
		if (ev->chunk_bytes - pos < sizeof(*ch))
			return -ENOENT;
		memcpy(ch, ev->chunks + pos, sizeof(*ch));
		pos += sizeof(*ch);
		if (ch->len > ev->chunk_bytes - pos)
			return -ENOENT;
		if (k == i) {
			*data = ev->chunks + pos;
			return 0;
		}
		pos += ((size_t)ch->len + 7) & ~(size_t)7;
		if (pos > ev->chunk_bytes)
			return -ENOENT;
	}
	return -ENOENT;
}

long bpftrace_mem(const struct bpftrace_event *ev, unsigned long long addr, void *buf, size_t len)
{
	const unsigned char *data, *best = NULL;
	unsigned long long have = 0;
	struct bt_chunk ch;

	if (!ev)
		return -EFAULT;
	for (size_t i = 0; !bpftrace_chunk(ev, i, &ch, &data); i++) {
		if (ch.argi == BT_ARG_SIGINFO || ch.flags & BT_CH_FAULT)
			continue;
		if (addr < ch.addr || addr - ch.addr >= ch.len)
			continue;
		if (ch.len - (addr - ch.addr) > have) {
			have = ch.len - (addr - ch.addr);
			best = data + (addr - ch.addr);
		}
	}
	if (!best)
		return -EFAULT;
	if (have > len)
		have = len;
	memcpy(buf, best, have);
	return have;
}

long bpftrace_mem2(const struct bpftrace_event *first, const struct bpftrace_event *second,
		   unsigned long long addr, void *buf, size_t len)
{
	long n = bpftrace_mem(first, addr, buf, len);

	return n >= 0 ? n : bpftrace_mem(second, addr, buf, len);
}

struct bpftrace_event *bpftrace_event_dup(const struct bpftrace_event *ev)
{
	struct bpftrace_event *d = xmalloc(sizeof(*d) + ev->chunk_bytes);

	*d = *ev;
	memcpy(d + 1, ev->chunks, ev->chunk_bytes);
	d->chunks = (const unsigned char *)(d + 1);
	return d;
}
