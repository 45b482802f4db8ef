#include "lib/evidence/elfcore.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/procfs.h>
#include <unistd.h>

#include "lib/evidence/evidence.h"
#include "lib/proc/mem.h"
#include "lib/proc/proc.h"
#include "lib/hold/seize.h"
#include "util/diag.h"
#include "util/escape.h"
#include "util/xalloc.h"

#define PAGE 4096ULL
#define REGSET_MAX 65536 /* the largest XSAVE area is far below this */

struct region {
	unsigned long long start, end;
	unsigned flags;
	int data;		   /* bytes go into the core */
	int anon;		   /* private anonymous: pagemap says what is zero */
	unsigned long long offset; /* in the core */
};

void elfcore_note(struct buf *out, const char *name, unsigned type, const void *desc, size_t descsz)
{
	Elf64_Nhdr nh;
	size_t namesz = strlen(name) + 1;
	static const char pad[4];

	nh.n_namesz = (Elf64_Word)namesz;
	nh.n_descsz = (Elf64_Word)descsz;
	nh.n_type = type;
	buf_add(out, &nh, sizeof(nh));
	buf_add(out, name, namesz);
	buf_add(out, pad, (4 - namesz % 4) % 4);
	buf_add(out, desc, descsz);
	buf_add(out, pad, (4 - descsz % 4) % 4);
}

static int parse_hex(const char **p, const char *end, unsigned long long *v)
{
	const char *s = *p;
	unsigned long long x = 0;
	int digits = 0;

	if (end - s >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	while (s < end) {
		int c = *s, d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			break;
		if (x >> 60)
			return -EINVAL;
		x = x * 16 + (unsigned)d;
		s++;
		digits++;
	}
	if (!digits)
		return -EINVAL;
	*v = x;
	*p = s;
	return 0;
}

int elfcore_parse_syscall(const char *s, size_t n, struct elfcore_syscall *sc)
{
	const char *p = s, *end = s + n;
	unsigned long long v[9];
	int cnt = 0;
	long long nr = 0;
	int neg = 0;

	memset(sc, 0, sizeof(*sc));
	if (p < end && *p == '-') {
		neg = 1;
		p++;
	}
	if (p >= end || *p < '0' || *p > '9')
		return -EINVAL;
	while (p < end && *p >= '0' && *p <= '9') {
		if (nr > 1000000)
			return -EINVAL;
		nr = nr * 10 + (*p++ - '0');
	}
	sc->nr = neg ? -nr : nr;
	while (cnt < 9) {
		if (p >= end || *p != ' ')
			break;
		p++;
		if (parse_hex(&p, end, &v[cnt]))
			return -EINVAL;
		cnt++;
	}
	if (p < end && *p != '\n')
		return -EINVAL;
	if (sc->nr >= 0 && cnt == 8) {
		memcpy(sc->args, v, sizeof(sc->args));
		sc->sp = v[6];
		sc->pc = v[7];
		return 0;
	}
	if (sc->nr < 0 && cnt == 2) {
		sc->nr = -1;
		sc->sp = v[0];
		sc->pc = v[1];
		return 0;
	}
	return -EINVAL;
}

int elfcore_file_note(const char *maps, size_t n, struct buf *desc)
{
	struct buf names = BUF_INIT, ents = BUF_INIT;
	struct proc_map m;
	size_t pos = 0;
	uint64_t count = 0, page = PAGE;
	int rc;

	while ((rc = proc_maps_next(maps, n, &pos, &m)) == 1) {
		uint64_t e[3];
		if (!m.path_len || m.path[0] != '/' || !m.inode)
			continue;
		e[0] = m.start;
		e[1] = m.end;
		e[2] = m.offset / PAGE;
		buf_add(&ents, e, sizeof(e));
		buf_add(&names, m.path, m.path_len);
		if (m.deleted)
			buf_addstr(&names, " (deleted)");
		buf_addc(&names, '\0');
		count++;
	}
	buf_add(desc, &count, sizeof(count));
	buf_add(desc, &page, sizeof(page));
	buf_add(desc, ents.data, ents.len);
	buf_add(desc, names.data, names.len);
	buf_release(&names);
	buf_release(&ents);
	return rc < 0 ? rc : (int)count;
}

static int is_special_unreadable(const struct proc_map *m)
{
	static const char *const names[] = { "[vvar]", "[vvar_vclock]", "[vsyscall]" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (m->path_len == strlen(names[i]) && !memcmp(m->path, names[i], m->path_len))
			return 1;
	return 0;
}

static size_t regions_from_maps(const struct buf *maps, struct region **out)
{
	struct region *r = NULL;
	size_t n = 0, alloc = 0, pos = 0;
	struct proc_map m;
	int rc;

	while ((rc = proc_maps_next(maps->data, maps->len, &pos, &m)) == 1) {
		if (m.end <= m.start)
			continue;
		if (n == alloc) {
			alloc = alloc ? 2 * alloc : 64;
			r = xreallocarray(r, alloc, sizeof(*r));
		}
		r[n].start = m.start;
		r[n].end = m.end;
		r[n].flags = (m.perms[0] == 'r' ? PF_R : 0) | (m.perms[1] == 'w' ? PF_W : 0) |
			     (m.perms[2] == 'x' ? PF_X : 0);
		r[n].data = m.perms[0] == 'r' && !is_special_unreadable(&m);
		r[n].anon = m.perms[3] == 'p' && (!m.path_len || (m.path[0] == '[' && !m.inode &&
								  (!strncmp(m.path, "[heap]", 6) ||
								   !strncmp(m.path, "[stack", 6))));
		n++;
	}
	if (rc < 0)
		warning("maps: a malformed line; the regions after it are left out");
	*out = r;
	return n;
}

/* The general registers: by ptrace, or rebuilt from /proc's syscall file. */
static int thread_notes(struct buf *notes, struct seize *sz, pid_t pid, pid_t tid,
			const struct proc_stat *pst, int *have_regs)
{
	struct elf_prstatus prs;
	struct buf sysc = BUF_INIT;
	char file[64];
	unsigned char *rs = NULL;
	size_t len;
	int ok = 0, procfd;

	memset(&prs, 0, sizeof(prs));
	prs.pr_pid = tid;
	prs.pr_ppid = pst->ppid;
	prs.pr_pgrp = pst->pgrp;
	prs.pr_sid = pst->session;
	*have_regs = 0;
	if (sz && seize_stopped(sz, tid)) {
		len = sizeof(prs.pr_reg);
		if (!seize_regset(sz, tid, NT_PRSTATUS, &prs.pr_reg, &len)) {
			ok = 1;
			*have_regs = 1;
		}
	}
	if (!ok) {
		/* no ptrace: stack and instruction pointers from /proc */
		struct elfcore_syscall sc;
		procfd = proc_open(pid);
		snprintf(file, sizeof(file), "task/%d/syscall", (int)tid);
		if (procfd >= 0 && !proc_read_at(procfd, file, &sysc) &&
		    !elfcore_parse_syscall(sysc.data, sysc.len, &sc)) {
			elfcore_arch.syscall_regs(&prs.pr_reg, sizeof(prs.pr_reg), &sc);
			ok = 1;
		} else {
			warning("thread %d: no registers (%s)", (int)tid,
				sysc.len ? "it is running" : "cannot read its state");
		}
		if (procfd >= 0)
			close(procfd);
	}
	elfcore_note(notes, "CORE", NT_PRSTATUS, &prs, sizeof(prs));
	if (*have_regs) {
		rs = xmalloc(REGSET_MAX);
		for (size_t i = 0; i < elfcore_arch.nregsets; i++) {
			len = REGSET_MAX;
			if (seize_regset(sz, tid, (int)elfcore_arch.regsets[i].type, rs, &len) ||
			    !len)
				continue;
			if (elfcore_arch.fix_regset)
				len = elfcore_arch.fix_regset(elfcore_arch.regsets[i].type, rs, len,
							      REGSET_MAX);
			elfcore_note(notes, elfcore_arch.regsets[i].name,
				     elfcore_arch.regsets[i].type, rs, len);
		}
		free(rs);
	}
	buf_release(&sysc);
	return ok;
}

static void prpsinfo_note(struct buf *notes, int procfd, const struct proc_stat *pst)
{
	struct elf_prpsinfo ps;
	struct buf b = BUF_INIT;
	struct proc_status st;
	static const char states[] = "RSDTZW";
	const char *sp;

	memset(&ps, 0, sizeof(ps));
	ps.pr_sname = pst->state;
	sp = strchr(states, pst->state);
	ps.pr_state = sp && pst->state ? (char)(sp - states) : 0;
	ps.pr_zomb = pst->state == 'Z';
	ps.pr_nice = (char)pst->nice;
	ps.pr_flag = pst->flags;
	ps.pr_pid = pst->pid;
	ps.pr_ppid = pst->ppid;
	ps.pr_pgrp = pst->pgrp;
	ps.pr_sid = pst->session;
	memcpy(ps.pr_fname, pst->comm,
	       pst->comm_len < sizeof(ps.pr_fname) ? pst->comm_len : sizeof(ps.pr_fname) - 1);
	if (!proc_read_at(procfd, "status", &b) && !proc_parse_status(b.data, b.len, &st)) {
		ps.pr_uid = st.uid[0];
		ps.pr_gid = st.gid[0];
	}
	buf_reset(&b);
	proc_read_at(procfd, "cmdline", &b);
	for (size_t i = 0; i < b.len && i < sizeof(ps.pr_psargs) - 1; i++)
		ps.pr_psargs[i] = b.data[i] ? b.data[i] : ' ';
	elfcore_note(notes, "CORE", NT_PRPSINFO, &ps, sizeof(ps));
	buf_release(&b);
}

static int write_headers(struct evidence_file *f, const struct region *r, size_t nr,
			 const struct buf *notes, unsigned long long data_off)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	struct buf hdr = BUF_INIT;
	size_t phnum = nr + 1;
	int rc;

	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_ident[EI_OSABI] = ELFOSABI_NONE;
	eh.e_type = ET_CORE;
	eh.e_machine = elfcore_arch.machine;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(ph);
	if (phnum >= PN_XNUM) {
		/* extended numbering: the real count in section header 0 */
		eh.e_phnum = PN_XNUM;
		eh.e_shoff = sizeof(eh) + phnum * sizeof(ph) + notes->len;
		eh.e_shentsize = sizeof(Elf64_Shdr);
		eh.e_shnum = 1;
	} else {
		eh.e_phnum = (Elf64_Half)phnum;
	}
	buf_add(&hdr, &eh, sizeof(eh));
	memset(&ph, 0, sizeof(ph));
	ph.p_type = PT_NOTE;
	ph.p_offset = sizeof(eh) + phnum * sizeof(ph);
	ph.p_filesz = notes->len;
	ph.p_align = 4;
	buf_add(&hdr, &ph, sizeof(ph));
	for (size_t i = 0; i < nr; i++) {
		memset(&ph, 0, sizeof(ph));
		ph.p_type = PT_LOAD;
		ph.p_flags = r[i].flags;
		ph.p_offset = r[i].data ? r[i].offset : data_off;
		ph.p_vaddr = r[i].start;
		ph.p_memsz = r[i].end - r[i].start;
		ph.p_filesz = r[i].data ? ph.p_memsz : 0;
		ph.p_align = PAGE;
		buf_add(&hdr, &ph, sizeof(ph));
	}
	buf_add(&hdr, notes->data, notes->len);
	if (phnum >= PN_XNUM) {
		Elf64_Shdr sh;
		memset(&sh, 0, sizeof(sh));
		sh.sh_info = (Elf64_Word)phnum;
		buf_add(&hdr, &sh, sizeof(sh));
	}
	if (hdr.len > data_off)
		bug("elfcore: headers overrun the data");
	rc = evidence_file_write(f, hdr.data, hdr.len);
	if (!rc)
		rc = evidence_file_skip(f, data_off - hdr.len);
	buf_release(&hdr);
	return rc;
}

/* dump_region - stream one mapping; returns 0, -ESRCH or a write error */
static int dump_region(struct mem *mm, const struct region *r, struct evidence_file *f,
		       struct elfcore_stats *st, unsigned long long *done, unsigned long long total,
		       elfcore_progress_fn progress, void *ctx, int gone)
{
	unsigned char present[EVIDENCE_BUFSZ / PAGE];
	unsigned long long a = r->start, bad = 0;
	int rc = 0;

	while (a < r->end) {
		size_t n = r->end - a < EVIDENCE_BUFSZ ? (size_t)(r->end - a) : EVIDENCE_BUFSZ;

		if (gone || rc == -ESRCH) {
			bad += n;
			if (evidence_file_skip(f, n))
				return evidence_file_error(f);
			rc = -ESRCH;
			a += n;
			continue;
		}
		if (r->anon && !mem_present(mm, a, n / PAGE, present)) {
			/*
			 * Untouched private anonymous pages read as zeros:
			 * they become holes without being read (reading them
			 * would also map the zero page into the target).
			 */
			size_t i = 0, np = n / PAGE;
			while (i < np) {
				size_t j = i + 1;
				while (j < np && present[j] == present[i])
					j++;
				if (!present[i]) {
					if (evidence_file_skip(f, (j - i) * PAGE))
						return evidence_file_error(f);
				} else {
					void *b = evidence_file_buffer(f);
					int m = mem_read(mm, a + i * PAGE, b, (j - i) * PAGE, &bad);
					if (evidence_file_commit(f, (j - i) * PAGE, 1))
						return evidence_file_error(f);
					if (m == -ESRCH) {
						rc = -ESRCH;
						if (j < np &&
						    evidence_file_skip(f, (np - j) * PAGE))
							return evidence_file_error(f);
						bad += (np - j) * PAGE;
						break;
					}
				}
				i = j;
			}
		} else {
			void *b = evidence_file_buffer(f);
			int m = mem_read(mm, a, b, n, &bad);
			if (evidence_file_commit(f, n, 1))
				return evidence_file_error(f);
			if (m == -ESRCH)
				rc = -ESRCH;
		}
		a += n;
		*done += n;
		if (progress)
			progress(*done, total, ctx);
	}
	if (bad && rc != -ESRCH)
		warning("mapping %llx-%llx: %llu bytes could not be read (zeros "
			"in the core)",
			r->start, r->end, bad);
	st->missing += bad;
	return rc;
}

int elfcore_dump(pid_t pid, int procfd, const struct buf *maps, struct evidence_file *f,
		 struct elfcore_stats *st, elfcore_progress_fn progress, void *ctx, struct buf *why)
{
	struct seize sz;
	struct buf notes = BUF_INIT, b = BUF_INIT, fnote = BUF_INIT;
	struct proc_stat pst;
	struct region *r = NULL;
	struct mem mm;
	pid_t *tids = NULL;
	size_t nr, ntids = 0;
	unsigned long long off, total = 0, done = 0;
	int rc, held = 0, gone = 0;

	memset(st, 0, sizeof(*st));
	if ((rc = proc_read_at(procfd, "stat", &b)) ||
	    (rc = proc_parse_stat(b.data, b.len, &pst))) {
		buf_addf(why, "cannot read its stat: %s", strerror(-rc));
		buf_release(&b);
		return rc;
	}
	rc = seize_stop(&sz, pid, why);
	if (rc == -ESRCH || rc == -ENOENT) {
		buf_reset(why);
		buf_addstr(why, "the process is gone");
		buf_release(&b);
		return -ESRCH;
	}
	if (rc) {
		st->ptrace_refused = rc;
		warning("registers: %s; memory is read while the process runs, "
			"registers come from /proc (stack and instruction "
			"pointers only)",
			why->data);
		buf_reset(why);
	} else {
		held = 1;
	}
	/* the threads as they are now, main thread first */
	if ((rc = proc_list_tasks(pid, &tids, &ntids))) {
		buf_addf(why, "cannot list its threads: %s", strerror(-rc));
		goto out;
	}
	for (size_t i = 0; i < ntids; i++)
		if (tids[i] == pid && i) {
			tids[i] = tids[0];
			tids[0] = pid;
		}
	for (size_t i = 0; i < ntids; i++) {
		int have = 0;
		thread_notes(&notes, held ? &sz : NULL, pid, tids[i], &pst, &have);
		st->threads++;
		st->threads_regs += have;
		if (i == 0) {
			prpsinfo_note(&notes, procfd, &pst);
			buf_reset(&b);
			if (!proc_read_at(procfd, "auxv", &b) && b.len)
				elfcore_note(&notes, "CORE", NT_AUXV, b.data, b.len);
			if (elfcore_file_note(maps->data, maps->len, &fnote) < 0)
				warning("maps: malformed; NT_FILE is incomplete");
			elfcore_note(&notes, "CORE", NT_FILE, fnote.data, fnote.len);
		}
	}
	if (held && st->threads_regs < st->threads)
		warning("%zu of %zu threads did not stop; their registers come "
			"from /proc",
			st->threads - st->threads_regs, st->threads);

	nr = regions_from_maps(maps, &r);
	off = sizeof(Elf64_Ehdr) + (nr + 1) * sizeof(Elf64_Phdr) + notes.len + sizeof(Elf64_Shdr);
	off = (off + PAGE - 1) & ~(PAGE - 1);
	{
		unsigned long long data_off = off;
		for (size_t i = 0; i < nr; i++) {
			r[i].offset = off;
			if (r[i].data) {
				off += r[i].end - r[i].start;
				total += r[i].end - r[i].start;
				st->regions_data++;
			}
		}
		st->regions = nr;
		rc = write_headers(f, r, nr, &notes, data_off);
	}
	if (rc) {
		buf_addf(why, "%s", strerror(-rc));
		goto out;
	}
	mem_init(&mm, pid);
	for (size_t i = 0; i < nr; i++) {
		if (!r[i].data)
			continue;
		rc = dump_region(&mm, &r[i], f, st, &done, total, progress, ctx, gone);
		if (rc == -ESRCH) {
			if (!gone)
				warning("the process exited during the dump; the "
					"rest of its memory is zeros in the core");
			gone = 1;
			st->vanished = 1;
			rc = 0;
		} else if (rc) {
			buf_addf(why, "%s", strerror(-rc));
			break;
		}
		st->bytes += r[i].end - r[i].start;
	}
	mem_release(&mm);
out:
	if (held)
		seize_release(&sz);
	free(r);
	free(tids);
	buf_release(&notes);
	buf_release(&fnote);
	buf_release(&b);
	return rc;
}
