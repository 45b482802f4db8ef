/*
 * sbreport - the sandbox's evidence.  See sbreport.h.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "lib/evidence/evidence.h"
#include "lib/sandbox/sbreport.h"
#include "lib/trace/syscall/syscall.h"
#include "util/escape.h"
#include "util/xalloc.h"

/* ---- the upper layer ---- */

struct walk {
	struct evidence *ev;
	const char *prefix;
	struct sbfiles *out;
	unsigned nodd;
};

static int prepared(const char *path)
{
	return !strcmp(path, "/tmp") || !strcmp(path, "/var/tmp") || !strcmp(path, "/run") ||
	       !strcmp(path, "/var");
}

static struct sbfile *add_file(struct sbfiles *f, enum sbfile_kind k, const char *raw)
{
	struct buf e = BUF_INIT;
	struct sbfile *x;
	if (f->n % 32 == 0)
		f->v = xreallocarray(f->v, f->n + 32, sizeof(*f->v));
	x = &f->v[f->n++];
	memset(x, 0, sizeof(*x));
	x->kind = k;
	escape_str(&e, raw);
	x->path = buf_detach(&e, NULL);
	return x;
}

static void walk_dir(struct walk *w, int dfd, struct buf *path, int depth)
{
	DIR *d;
	struct dirent *de;
	int fd = dup(dfd);

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d))) {
		struct stat st, host;
		size_t keep = path->len;
		int on_host;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW))
			continue;
		buf_addc(path, '/');
		buf_addstr(path, de->d_name);
		on_host = !lstat(path->data, &host);
		if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) {
			add_file(w->out, SBF_DELETED, path->data);
		} else if (S_ISDIR(st.st_mode)) {
			char v[4];
			int sub = openat(dfd, de->d_name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			ssize_t k =
			    sub >= 0 ? fgetxattr(sub, "trusted.overlay.opaque", v, sizeof(v)) : -1;
			if (!prepared(path->data)) {
				if (k == 1 && v[0] == 'y' && on_host)
					add_file(w->out, SBF_REPLACED, path->data);
				else if (!on_host)
					add_file(w->out, SBF_DIR, path->data);
			}
			if (sub >= 0 && depth < 64)
				walk_dir(w, sub, path, depth + 1);
			if (sub >= 0)
				close(sub);
		} else if (S_ISLNK(st.st_mode)) {
			add_file(w->out, on_host ? SBF_MODIFIED : SBF_LINK, path->data);
		} else if (S_ISREG(st.st_mode)) {
			struct sbfile *x =
			    add_file(w->out, on_host ? SBF_MODIFIED : SBF_CREATED, path->data);
			int f = openat(dfd, de->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
			struct buf name = BUF_INIT;
			unsigned char dg[HASH_LEN];
			unsigned long long sz = 0;
			if (escape_is_clean(path->data, path->len) && !strstr(path->data, "/./") &&
			    !strchr(path->data, ' '))
				buf_addf(&name, "%supper%s", w->prefix, path->data);
			else
				buf_addf(&name, "%supper-files/%u", w->prefix, ++w->nodd);
			if (f >= 0 && !evidence_copy_fd(w->ev, name.data, f, dg, &sz)) {
				hash_hex(dg, x->sha256);
				x->size = sz;
				x->copy = buf_detach(&name, NULL);
			}
			if (f >= 0)
				close(f);
			buf_release(&name);
		}
		buf_setlen(path, keep);
	}
	closedir(d);
}

int sbreport_files(struct evidence *ev, const char *prefix, int upper_fd, struct sbfiles *out)
{
	struct walk w = { ev, prefix, out, 0 };
	struct buf path = BUF_INIT;
	memset(out, 0, sizeof(*out));
	if (upper_fd < 0)
		return -EBADF;
	walk_dir(&w, upper_fd, &path, 0);
	buf_release(&path);
	return 0;
}

void sbreport_files_release(struct sbfiles *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].path);
		free(f->v[i].copy);
	}
	free(f->v);
	memset(f, 0, sizeof(*f));
}

/* ---- formatting ---- */

static const char *const kind_names[] = { "created",  "modified",    "deleted",
					  "replaced", "created-dir", "created-link" };

/*
 * text from the trace is the tracer's quoted text, printable already (its
 * backslashes are its own escapes); anything else is escaped
 */
static void put(struct buf *o, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p > 0x7e) {
			escape_str(o, s);
			return;
		}
	buf_addstr(o, s);
}

static void jstr(struct buf *o, const char *s)
{
	struct buf e = BUF_INIT;
	put(&e, s);
	escape_json(o, e.data, e.len);
	buf_release(&e);
}

void sbreport_end(const struct sandbox_result *r, struct buf *o)
{
	if (r->end == SANDBOX_END_TIMEOUT)
		buf_addstr(o, "timeout: frozen and killed");
	else if (r->end == SANDBOX_END_INTERRUPTED)
		buf_addstr(o, "interrupted: frozen and killed");
	else if (!r->have_status)
		buf_addstr(o, "ended (status unknown)");
	else if (WIFEXITED(r->status))
		buf_addf(o, "exited with %d", WEXITSTATUS(r->status));
	else if (WIFSIGNALED(r->status))
		buf_addf(o, "killed by %s",
			 sc_signame(WTERMSIG(r->status)) ? sc_signame(WTERMSIG(r->status))
							 : "a signal");
	if (r->oom_kills)
		buf_addf(o, " (out of memory: %llu OOM kill%s)", r->oom_kills,
			 r->oom_kills == 1 ? "" : "s");
}

static void refusal_text(struct buf *o, const struct sbfilter_refusal *f)
{
	const char *n = sbfilter_name(f->arch, f->nr);
	if (n)
		buf_addstr(o, n);
	else
		buf_addf(o, "syscall_%#x_%d", f->arch, f->nr);
	buf_addc(o, '(');
	for (int i = 0; i < 6; i++)
		buf_addf(o, "%s%#llx", i ? ", " : "", f->args[i]);
	buf_addc(o, ')');
}

static void sink_addr(struct buf *o, const struct sinkhole_rec *s)
{
	char a[INET6_ADDRSTRLEN] = "?";
	inet_ntop(s->family, s->addr, a, sizeof(a));
	if (s->family == AF_INET6)
		buf_addf(o, "[%s]:%u", a, s->port);
	else
		buf_addf(o, "%s:%u", a, s->port);
}

/* a connection to an address the sinkhole gave out names the name */
static void sink_name(struct buf *o, const struct sinkhole_log *log, const struct sinkhole_rec *s)
{
	if (s->family != AF_INET || s->addr[0] != 198 || s->addr[1] != 18)
		return;
	for (size_t i = 0; i < log->n; i++)
		if (log->v[i].dns && !memcmp(log->v[i].answer, s->addr, 4)) {
			buf_addf(o, " (%s)", log->v[i].name);
			return;
		}
}

static void mib(struct buf *o, unsigned long long v)
{
	buf_addf(o, "%.1f MiB", (double)v / (1024.0 * 1024.0));
}

void sbreport_text(struct buf *o, const struct sandbox_opts *opts, const struct sbrun *run)
{
	const struct sandbox_result *r = run->res;
	const struct sb_trace *t = &run->trace;
	size_t nc = 0, nm = 0, nd = 0;

	buf_addf(o, "stranger sandbox report (run %d)\n\n", run->index);
	buf_addstr(o, "program:    ");
	for (char **a = opts->argv; *a; a++) {
		if (a != opts->argv)
			buf_addc(o, ' ');
		escape_bytes_nospace(o, *a, strlen(*a));
	}
	buf_addf(o, "\nstarted:    %s\nelapsed:    %.3f s\nended:      ", r->start_iso, r->elapsed);
	sbreport_end(r, o);
	buf_addf(o,
		 "\nisolation:  user (root inside is uid %u outside), mount (overlay on /),"
		 " pid, net (%s), uts, ipc, cgroup namespaces; no_new_privs; empty"
		 " capability bounding set; seccomp\n",
		 (unsigned)opts->uid, opts->net == SANDBOX_NET_NONE ? "loopback only" : "sinkhole");
	buf_addf(o, "tracer:     %s%s\n", r->backend,
		 !strcmp(r->backend, "bpf") ? " (the program sees TracerPid 0)" : "");
	buf_addf(o, "cgroups:    %s; memory peak ", r->cgroup_kind);
	mib(o, r->mem_peak);
	if (opts->memory) {
		buf_addstr(o, " of ");
		mib(o, opts->memory);
	}
	buf_addf(o, " (limit hit %llu times, %llu OOM kills); tasks peak %ld", r->mem_limit_hits,
		 r->oom_kills, r->pids_peak);
	if (opts->pids)
		buf_addf(o, " of %ld (%llu forks refused)", opts->pids, r->pids_limit_hits);
	buf_addc(o, '\n');
	if (r->nfrozen) {
		buf_addf(o, "frozen:     %zu process%s at the end:", r->nfrozen,
			 r->nfrozen == 1 ? "" : "es");
		for (size_t i = 0; i < r->nfrozen && i < 32; i++)
			buf_addf(o, " %d", (int)r->frozen[i]);
		buf_addstr(o, r->nfrozen > 32 ? " ...\n" : "\n");
	}

	buf_addf(o, "\nprocesses (%zu; host PIDs):\n", t->nprocs);
	for (size_t i = 0; i < t->nprocs; i++) {
		const struct sbt_proc *p = &t->procs[i];
		buf_addf(o, "  %d (parent %d) started %s, %s\n", (int)p->pid, (int)p->ppid,
			 p->start, p->end[0] ? p->end : "end not seen");
		for (size_t j = 0; j < p->nexec; j++) {
			buf_addf(o, "    %s execve ", p->exec[j].time);
			put(o, p->exec[j].path);
			buf_addc(o, ' ');
			put(o, p->exec[j].argv);
			buf_addc(o, '\n');
		}
	}

	for (size_t i = 0; i < run->files.n; i++) {
		enum sbfile_kind k = run->files.v[i].kind;
		nc += k == SBF_CREATED || k == SBF_DIR || k == SBF_LINK;
		nm += k == SBF_MODIFIED || k == SBF_REPLACED;
		nd += k == SBF_DELETED;
	}
	buf_addf(o, "\nfiles (%zu created, %zu modified, %zu deleted; in the copy only):\n", nc, nm,
		 nd);
	for (size_t i = 0; i < run->files.n; i++) {
		const struct sbfile *f = &run->files.v[i];
		buf_addf(o, "  %-12s %s", kind_names[f->kind], f->path);
		if (f->copy)
			buf_addf(o, "  %llu bytes sha256 %s (%s)", f->size, f->sha256, f->copy);
		buf_addc(o, '\n');
	}
	if (t->ndenied) {
		buf_addf(o, "  refused by the kernel (%zu):\n", t->ndenied);
		for (size_t i = 0; i < t->ndenied; i++) {
			buf_addf(o, "    %s %d ", t->denied[i].time, (int)t->denied[i].pid);
			put(o, t->denied[i].text);
			buf_addc(o, '\n');
		}
	}

	buf_addf(o, "\nnetwork (%zu calls with an address):\n", t->nnets);
	for (size_t i = 0; i < t->nnets; i++) {
		const struct sbt_net *n = &t->nets[i];
		buf_addf(o, "  %s %d %s %s ", n->time, (int)n->pid, n->call, n->family);
		put(o, n->addr);
		if (n->port)
			buf_addf(o, " port %u", n->port);
		buf_addstr(o, " = ");
		put(o, n->result);
		buf_addc(o, '\n');
	}
	if (opts->net == SANDBOX_NET_SINKHOLE) {
		buf_addf(o, "  sinkhole (%zu", r->sink.n);
		if (r->sink.dropped)
			buf_addf(o, "; %llu more not recorded", r->sink.dropped);
		buf_addstr(o, "):\n");
		for (size_t i = 0; i < r->sink.n; i++) {
			const struct sinkhole_rec *s = &r->sink.v[i];
			buf_addf(o, "    +%.3fs %s ", s->time,
				 s->proto == IPPROTO_UDP ? "udp" : "tcp");
			sink_addr(o, s);
			if (s->dns && (s->qtype == 1 || s->qtype == 255))
				buf_addf(o, " dns %s type %u -> %u.%u.%u.%u", s->name, s->qtype,
					 s->answer[0], s->answer[1], s->answer[2], s->answer[3]);
			else if (s->dns)
				buf_addf(o, " dns %s type %u -> no records", s->name, s->qtype);
			else
				sink_name(o, &r->sink, s);
			buf_addf(o, " %llu bytes", s->total);
			if (s->nbytes && !s->dns) {
				buf_addstr(o, " \"");
				escape_bytes(o, s->bytes, s->nbytes);
				buf_addc(o, '"');
			}
			buf_addc(o, '\n');
		}
	}
	buf_addf(o, "\nlistening sockets (%zu):\n", t->nlistens);
	for (size_t i = 0; i < t->nlistens; i++) {
		const struct sbt_net *n = &t->listens[i];
		buf_addf(o, "  %s %d fd %d %s ", n->time, (int)n->pid, n->fd, n->family);
		put(o, n->addr);
		buf_addf(o, " port %u\n", n->port);
	}
	buf_addf(o, "\nconversations (wiretap of sockets, %zu):\n", t->nconvs);
	for (size_t i = 0; i < t->nconvs; i++) {
		const struct sbt_conv *c = &t->convs[i];
		buf_addf(o, "  %s %d fd %d %s\n", c->time, (int)c->pid, c->fd, c->how);
		for (const char *l = c->text; l && *l;) {
			const char *nl = strchr(l, '\n');
			struct buf one = BUF_INIT;
			buf_add(&one, l, nl ? (size_t)(nl - l) : strlen(l));
			buf_addstr(o, "    ");
			put(o, one.data);
			buf_addc(o, '\n');
			buf_release(&one);
			l = nl ? nl + 1 : NULL;
		}
		if (c->cut)
			buf_addstr(o, "    (more; see the trace)\n");
	}
	buf_addf(o, "\nsignals (%zu):\n", t->nsignals);
	for (size_t i = 0; i < t->nsignals; i++) {
		buf_addf(o, "  %s %d ", t->signals[i].time, (int)t->signals[i].pid);
		put(o, t->signals[i].text);
		buf_addc(o, '\n');
	}
	buf_addf(o, "\nrefused system calls (seccomp, %zu):\n", r->nrefused);
	for (size_t i = 0; i < r->nrefused; i++) {
		buf_addf(o, "  +%.3fs %d ", r->refused[i].time, (int)r->refused[i].pid);
		refusal_text(o, &r->refused[i]);
		buf_addstr(o, " = -1 EPERM\n");
	}
	buf_addf(o,
		 "\noutput: %llu bytes on stdout, %llu on stderr (first MiB of each in "
		 "%sstdout.txt, %sstderr.txt)\n",
		 r->out_total, r->err_total, run->prefix, run->prefix);
	buf_addf(o, "trace:  %strace.txt (%zu lines, %zu calls%s)\n", run->prefix, t->lines,
		 t->calls, t->bad ? ", some lines not understood" : "");
}

static void jkey(struct buf *o, const char *k)
{
	buf_addf(o, "\"%s\":", k);
}

void sbreport_json(struct buf *o, const struct sandbox_opts *opts, const struct sbrun *run)
{
	const struct sandbox_result *r = run->res;
	const struct sb_trace *t = &run->trace;
	struct buf e = BUF_INIT;

	buf_addf(o, "{\"run\":%d,\"argv\":[", run->index);
	for (char **a = opts->argv; *a; a++) {
		buf_reset(&e);
		escape_str(&e, *a);
		if (a != opts->argv)
			buf_addc(o, ',');
		escape_json(o, e.data, e.len);
	}
	buf_addstr(o, "],");
	jkey(o, "started");
	jstr(o, r->start_iso);
	buf_addf(o, ",\"elapsed\":%.3f,\"end\":\"%s\",", r->elapsed,
		 r->end == SANDBOX_END_TIMEOUT	     ? "timeout"
		 : r->end == SANDBOX_END_INTERRUPTED ? "interrupted"
		 : r->oom_kills			     ? "oom"
		 : !r->have_status		     ? "unknown"
		 : WIFSIGNALED(r->status)	     ? "signal"
						     : "exit");
	if (r->have_status && WIFEXITED(r->status))
		buf_addf(o, "\"exit_code\":%d,", WEXITSTATUS(r->status));
	if (r->have_status && WIFSIGNALED(r->status))
		buf_addf(o, "\"signal\":\"%s\",",
			 sc_signame(WTERMSIG(r->status)) ? sc_signame(WTERMSIG(r->status)) : "?");
	buf_addf(o, "\"uid_outside\":%u,\"net\":\"%s\",\"tracer\":", (unsigned)opts->uid,
		 opts->net == SANDBOX_NET_NONE ? "none" : "sinkhole");
	jstr(o, r->backend);
	buf_addf(o,
		 ",\"cgroup\":\"%s\",\"memory_peak\":%llu,\"memory_limit\":%llu,"
		 "\"memory_limit_hits\":%llu,\"oom_kills\":%llu,\"tasks_peak\":%ld,"
		 "\"tasks_limit\":%ld,\"forks_refused\":%llu,\"frozen\":[",
		 r->cgroup_kind, r->mem_peak, opts->memory, r->mem_limit_hits, r->oom_kills,
		 r->pids_peak, opts->pids, r->pids_limit_hits);
	for (size_t i = 0; i < r->nfrozen; i++)
		buf_addf(o, "%s%d", i ? "," : "", (int)r->frozen[i]);
	buf_addstr(o, "],\"processes\":[");
	for (size_t i = 0; i < t->nprocs; i++) {
		const struct sbt_proc *p = &t->procs[i];
		buf_addf(o, "%s{\"pid\":%d,\"ppid\":%d,\"start\":", i ? "," : "", (int)p->pid,
			 (int)p->ppid);
		jstr(o, p->start);
		buf_addstr(o, ",\"end\":");
		jstr(o, p->end);
		buf_addstr(o, ",\"execs\":[");
		for (size_t j = 0; j < p->nexec; j++) {
			buf_addstr(o, j ? ",{\"time\":" : "{\"time\":");
			jstr(o, p->exec[j].time);
			buf_addstr(o, ",\"path\":");
			jstr(o, p->exec[j].path);
			buf_addstr(o, ",\"argv\":");
			jstr(o, p->exec[j].argv);
			buf_addc(o, '}');
		}
		buf_addstr(o, "]}");
	}
	buf_addstr(o, "],\"files\":[");
	for (size_t i = 0; i < run->files.n; i++) {
		const struct sbfile *f = &run->files.v[i];
		buf_addf(o, "%s{\"change\":\"%s\",\"path\":", i ? "," : "", kind_names[f->kind]);
		escape_json(o, f->path, strlen(f->path));
		if (f->copy) {
			buf_addf(o, ",\"size\":%llu,\"sha256\":\"%s\",\"copy\":", f->size,
				 f->sha256);
			jstr(o, f->copy);
		}
		buf_addc(o, '}');
	}
	buf_addstr(o, "],\"refused_file_changes\":[");
	for (size_t i = 0; i < t->ndenied; i++) {
		buf_addf(o, "%s{\"pid\":%d,\"time\":", i ? "," : "", (int)t->denied[i].pid);
		jstr(o, t->denied[i].time);
		buf_addstr(o, ",\"call\":");
		jstr(o, t->denied[i].text);
		buf_addc(o, '}');
	}
	buf_addstr(o, "],\"network\":[");
	for (size_t i = 0; i < t->nnets; i++) {
		const struct sbt_net *n = &t->nets[i];
		buf_addf(o, "%s{\"pid\":%d,\"call\":\"%s\",\"family\":", i ? "," : "", (int)n->pid,
			 n->call);
		jstr(o, n->family);
		buf_addstr(o, ",\"address\":");
		jstr(o, n->addr);
		buf_addf(o, ",\"port\":%u,\"time\":", n->port);
		jstr(o, n->time);
		buf_addstr(o, ",\"result\":");
		jstr(o, n->result);
		buf_addc(o, '}');
	}
	buf_addstr(o, "],\"sinkhole\":[");
	for (size_t i = 0; i < r->sink.n; i++) {
		const struct sinkhole_rec *s = &r->sink.v[i];
		char a[INET6_ADDRSTRLEN] = "?";
		inet_ntop(s->family, s->addr, a, sizeof(a));
		buf_addf(o,
			 "%s{\"time\":%.3f,\"proto\":\"%s\",\"address\":\"%s\",\"port\":%u,"
			 "\"bytes\":%llu",
			 i ? "," : "", s->time, s->proto == IPPROTO_UDP ? "udp" : "tcp", a, s->port,
			 s->total);
		if (s->dns) {
			buf_addstr(o, ",\"dns_name\":");
			escape_json(o, s->name, strlen(s->name));
			buf_addf(o, ",\"dns_type\":%u,\"answer\":\"%u.%u.%u.%u\"", s->qtype,
				 s->answer[0], s->answer[1], s->answer[2], s->answer[3]);
		} else {
			buf_reset(&e);
			escape_bytes(&e, s->bytes, s->nbytes);
			buf_addstr(o, ",\"first_bytes\":");
			escape_json(o, e.data, e.len);
		}
		buf_addc(o, '}');
	}
	buf_addf(o, "],\"sinkhole_not_recorded\":%llu,\"listening\":[", r->sink.dropped);
	for (size_t i = 0; i < t->nlistens; i++) {
		const struct sbt_net *n = &t->listens[i];
		buf_addf(o, "%s{\"pid\":%d,\"fd\":%d,\"family\":", i ? "," : "", (int)n->pid,
			 n->fd);
		jstr(o, n->family);
		buf_addstr(o, ",\"address\":");
		jstr(o, n->addr);
		buf_addf(o, ",\"port\":%u}", n->port);
	}
	buf_addstr(o, "],\"conversations\":[");
	for (size_t i = 0; i < t->nconvs; i++) {
		const struct sbt_conv *c = &t->convs[i];
		buf_addf(o, "%s{\"pid\":%d,\"fd\":%d,\"how\":\"%s\",\"time\":", i ? "," : "",
			 (int)c->pid, c->fd, c->how);
		jstr(o, c->time);
		buf_addstr(o, ",\"text\":");
		jstr(o, c->text ? c->text : "");
		buf_addf(o, ",\"cut\":%s}", c->cut ? "true" : "false");
	}
	buf_addstr(o, "],\"signals\":[");
	for (size_t i = 0; i < t->nsignals; i++) {
		buf_addf(o, "%s{\"pid\":%d,\"time\":", i ? "," : "", (int)t->signals[i].pid);
		jstr(o, t->signals[i].time);
		buf_addstr(o, ",\"event\":");
		jstr(o, t->signals[i].text);
		buf_addc(o, '}');
	}
	buf_addstr(o, "],\"refused_syscalls\":[");
	for (size_t i = 0; i < r->nrefused; i++) {
		const char *n = sbfilter_name(r->refused[i].arch, r->refused[i].nr);
		buf_reset(&e);
		refusal_text(&e, &r->refused[i]);
		buf_addf(o, "%s{\"time\":%.3f,\"pid\":%d,\"name\":\"%s\",\"call\":", i ? "," : "",
			 r->refused[i].time, (int)r->refused[i].pid, n ? n : "?");
		escape_json(o, e.data, e.len);
		buf_addc(o, '}');
	}
	buf_addf(o,
		 "],\"stdout_bytes\":%llu,\"stderr_bytes\":%llu,\"trace_lines\":%zu,"
		 "\"trace_lines_not_understood\":%zu}\n",
		 r->out_total, r->err_total, t->lines, t->bad);
	buf_release(&e);
}

void sbreport_facts(const struct sbrun *run, struct buf *facts)
{
	const struct sb_trace *t = &run->trace;
	const struct sandbox_result *r = run->res;
	buf_addstr(facts, "ended: ");
	sbreport_end(r, facts);
	buf_addc(facts, '\n');
	for (size_t i = 0; i < t->nprocs; i++)
		for (size_t j = 0; j < t->procs[i].nexec; j++) {
			buf_addstr(facts, "exec: ");
			put(facts, t->procs[i].exec[j].argv);
			buf_addc(facts, '\n');
		}
	for (size_t i = 0; i < run->files.n; i++)
		buf_addf(facts, "file: %s %s %s\n", kind_names[run->files.v[i].kind],
			 run->files.v[i].path, run->files.v[i].sha256);
	for (size_t i = 0; i < t->nnets; i++) {
		buf_addf(facts, "net: %s %s ", t->nets[i].call, t->nets[i].family);
		put(facts, t->nets[i].addr);
		buf_addf(facts, " port %u\n", t->nets[i].port);
	}
	for (size_t i = 0; i < r->sink.n; i++)
		if (r->sink.v[i].dns)
			buf_addf(facts, "dns: %s\n", r->sink.v[i].name);
	for (size_t i = 0; i < t->nlistens; i++) {
		buf_addstr(facts, "listen: ");
		put(facts, t->listens[i].addr);
		buf_addf(facts, " port %u\n", t->listens[i].port);
	}
	for (size_t i = 0; i < r->nrefused; i++) {
		const char *n = sbfilter_name(r->refused[i].arch, r->refused[i].nr);
		buf_addf(facts, "refused: %s\n", n ? n : "?");
	}
}

/* the facts of one run, as lines */
struct factset {
	struct buf text;
	char **line;
	size_t n;
};

static void factset_load(struct factset *f, const struct sbrun *run)
{
	char *l, *nl;
	memset(f, 0, sizeof(*f));
	sbreport_facts(run, &f->text);
	for (l = f->text.data; *l; l = nl + 1) {
		nl = strchr(l, '\n');
		if (!nl)
			break;
		*nl = '\0';
		if (f->n % 64 == 0)
			f->line = xreallocarray(f->line, f->n + 64, sizeof(*f->line));
		f->line[f->n++] = l;
	}
}

static int factset_has(const struct factset *f, const char *l)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->line[i], l))
			return 1;
	return 0;
}

void sbreport_differences(const struct sbrun *runs, size_t n, struct buf *txt, struct buf *json)
{
	struct factset *fs = xcalloc(n, sizeof(*fs));
	size_t nd = 0;

	for (size_t i = 0; i < n; i++)
		factset_load(&fs[i], &runs[i]);
	buf_addstr(txt, "differences between runs:\n");
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < fs[i].n; k++) {
			const char *l = fs[i].line[k];
			size_t in = 0, seen = 0;
			/* once: from the first run, and the first line, that has it */
			for (size_t j = 0; j < i && !seen; j++)
				seen = factset_has(&fs[j], l);
			for (size_t j = 0; j < k && !seen; j++)
				seen = !strcmp(fs[i].line[j], l);
			if (seen)
				continue;
			for (size_t j = 0; j < n; j++)
				in += (size_t)factset_has(&fs[j], l);
			if (in == n)
				continue;
			buf_addf(txt, "  in %zu of %zu runs: %s\n", in, n, l);
			buf_addstr(json, nd++ ? ",{\"fact\":" : "{\"fact\":");
			escape_json(json, l, strlen(l));
			buf_addf(json, ",\"runs\":%zu}", in);
		}
	if (!nd)
		buf_addstr(txt, "  none: every run did the same\n");
	for (size_t i = 0; i < n; i++) {
		buf_release(&fs[i].text);
		free(fs[i].line);
	}
	free(fs);
}
