/* sc_mem - decoders for memory: mmap/mprotect/munmap/brk/mremap/madvise
 * with PROT_ and MAP_ names. */
#include <sys/mman.h>

#include "lib/trace/syscall/sc.h"

static const struct sc_named prots[] = {
	{ PROT_READ, "PROT_READ" },
	{ PROT_WRITE, "PROT_WRITE" },
	{ PROT_EXEC, "PROT_EXEC" },
	{ 0x10, "PROT_SEM" },
	{ PROT_GROWSDOWN, "PROT_GROWSDOWN" },
	{ PROT_GROWSUP, "PROT_GROWSUP" },
	{ 0, NULL },
};

static const struct sc_named map_types[] = {
	{ MAP_SHARED, "MAP_SHARED" },
	{ MAP_PRIVATE, "MAP_PRIVATE" },
	{ 0x03, "MAP_SHARED_VALIDATE" },
	{ 0, NULL },
};

static const struct sc_named map_flags[] = {
	{ MAP_FIXED, "MAP_FIXED" },	      { MAP_ANONYMOUS, "MAP_ANONYMOUS" },
#ifdef MAP_32BIT
	{ MAP_32BIT, "MAP_32BIT" },
#endif
	{ MAP_GROWSDOWN, "MAP_GROWSDOWN" },   { MAP_DENYWRITE, "MAP_DENYWRITE" },
	{ MAP_EXECUTABLE, "MAP_EXECUTABLE" }, { MAP_LOCKED, "MAP_LOCKED" },
	{ MAP_NORESERVE, "MAP_NORESERVE" },   { MAP_POPULATE, "MAP_POPULATE" },
	{ MAP_NONBLOCK, "MAP_NONBLOCK" },     { MAP_STACK, "MAP_STACK" },
	{ MAP_HUGETLB, "MAP_HUGETLB" },	      { 0x80000, "MAP_SYNC" },
	{ 0x100000, "MAP_FIXED_NOREPLACE" },  { 0, NULL },
};

static void print_prot(struct buf *o, unsigned long long p)
{
	sc_flags(o, p, prots, "PROT_NONE");
}

static void dec_mmap(struct sc_call *c, struct buf *o, int exiting)
{
	unsigned long long f = c->args[3];
	c->rval = SC_RVAL_HEX;
	sc_arg(c, o);
	sc_ptr(o, c->args[0]);
	sc_arg(c, o);
	sc_udec(o, c->args[1]);
	sc_arg(c, o);
	print_prot(o, c->args[2]);
	sc_arg(c, o);
	sc_xlat(o, f & 3, map_types, 1);
	if (f & ~3ULL) {
		buf_addc(o, '|');
		sc_flags(o, f & ~3ULL, map_flags, NULL);
	}
	sc_arg(c, o);
	sc_fd(c, o, c->args[4]);
	sc_arg(c, o);
	sc_hex(o, c->args[5]);
}

static void dec_mprotect(struct sc_call *c, struct buf *o, int exiting)
{
	sc_arg(c, o);
	sc_ptr(o, c->args[0]);
	sc_arg(c, o);
	sc_udec(o, c->args[1]);
	if (c->ent->nargs >= 3) {
		sc_arg(c, o);
		print_prot(o, c->args[2]);
	}
}

static void dec_brk(struct sc_call *c, struct buf *o, int exiting)
{
	c->rval = SC_RVAL_HEX;
	sc_arg(c, o);
	sc_ptr(o, c->args[0]);
}

static void dec_mremap(struct sc_call *c, struct buf *o, int exiting)
{
	static const struct sc_named fl[] = {
		{ 1, "MREMAP_MAYMOVE" },
		{ 2, "MREMAP_FIXED" },
		{ 4, "MREMAP_DONTUNMAP" },
		{ 0, NULL },
	};
	c->rval = SC_RVAL_HEX;
	sc_arg(c, o);
	sc_ptr(o, c->args[0]);
	sc_arg(c, o);
	sc_udec(o, c->args[1]);
	sc_arg(c, o);
	sc_udec(o, c->args[2]);
	sc_arg(c, o);
	sc_flags(o, c->args[3], fl, "0");
	if (c->args[3] & 2) {
		sc_arg(c, o);
		sc_ptr(o, c->args[4]);
	}
}

static void dec_madvise(struct sc_call *c, struct buf *o, int exiting)
{
	static const struct sc_named adv[] = {
		{ MADV_NORMAL, "MADV_NORMAL" },		{ MADV_RANDOM, "MADV_RANDOM" },
		{ MADV_SEQUENTIAL, "MADV_SEQUENTIAL" }, { MADV_WILLNEED, "MADV_WILLNEED" },
		{ MADV_DONTNEED, "MADV_DONTNEED" },	{ MADV_FREE, "MADV_FREE" },
		{ MADV_REMOVE, "MADV_REMOVE" },		{ MADV_DONTFORK, "MADV_DONTFORK" },
		{ MADV_DOFORK, "MADV_DOFORK" },		{ MADV_MERGEABLE, "MADV_MERGEABLE" },
		{ MADV_HUGEPAGE, "MADV_HUGEPAGE" },	{ MADV_NOHUGEPAGE, "MADV_NOHUGEPAGE" },
		{ MADV_DONTDUMP, "MADV_DONTDUMP" },	{ MADV_DODUMP, "MADV_DODUMP" },
		{ MADV_WIPEONFORK, "MADV_WIPEONFORK" }, { 0, NULL },
	};
	sc_arg(c, o);
	sc_ptr(o, c->args[0]);
	sc_arg(c, o);
	sc_udec(o, c->args[1]);
	sc_arg(c, o);
	sc_xlat(o, (unsigned)c->args[2], adv, 0);
}

/* mincore(addr, length, vec): one byte a page, at exit */
static void dec_mincore(struct sc_call *c, struct buf *o, int exiting)
{
	unsigned long long pages, max = c->opts ? c->opts->strsize : 32;
	if (!exiting) {
		sc_args(c, o, 0, 2);
		return;
	}
	sc_arg(c, o);
	pages = (c->args[1] + 4095) / 4096;
	if (c->ret < 0 || !c->args[2]) {
		sc_ptr(o, c->args[2]);
		return;
	}
	buf_addc(o, '[');
	for (unsigned long long i = 0; i < pages; i++) {
		unsigned char v;
		if (i)
			buf_add(o, ", ", 2);
		if (i >= max) {
			buf_add(o, "...", 3);
			break;
		}
		if (sc_mem_read(c, c->args[2] + i, &v, 1)) {
			if (!i) {
				buf_setlen(o, o->len - 1);
				sc_ptr(o, c->args[2]);
				return;
			}
			buf_add(o, "...", 3);
			break;
		}
		sc_udec(o, v & 1);
	}
	buf_addc(o, ']');
}

static void dec_mlockall(struct sc_call *c, struct buf *o, int exiting)
{
	static const struct sc_named fl[] = {
		{ 1, "MCL_CURRENT" },
		{ 2, "MCL_FUTURE" },
		{ 4, "MCL_ONFAULT" },
		{ 0, NULL },
	};
	sc_arg(c, o);
	sc_flags(o, c->args[0], fl, "0");
}

const struct sc_decoder sc_mem_decoders[] = {
	{ "mlockall", dec_mlockall }, { "mincore", dec_mincore },	 { "mmap", dec_mmap },
	{ "mprotect", dec_mprotect }, { "pkey_mprotect", dec_mprotect }, { "munmap", dec_mprotect },
	{ "mlock", dec_mprotect },    { "munlock", dec_mprotect },	 { "brk", dec_brk },
	{ "mremap", dec_mremap },     { "madvise", dec_madvise },	 { NULL, NULL },
};
