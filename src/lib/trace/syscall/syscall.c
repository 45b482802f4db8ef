#include "lib/trace/syscall/syscall.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/trace/syscall/sc.h"
#include "util/diag.h"

#define SC_ROW(name, x86, arm, nargs, cls, flags, ...) { name, { x86, arm }, nargs, 0 },
static struct sc_entry table[] = {
#include "lib/trace/syscall/syscall_table.h"
};
#undef SC_ROW
#define SC_ROW(name, x86, arm, nargs, cls, flags, ...) cls,
static const char *const table_classes[] = {
#include "lib/trace/syscall/syscall_table.h"
};
#undef SC_ROW
#define SC_ROW(name, x86, arm, nargs, cls, flags, ...) { flags, { __VA_ARGS__ } },
static struct sc_shape shapes[] = {
#include "lib/trace/syscall/syscall_table.h"
};
#undef SC_ROW

#define NROWS (sizeof(table) / sizeof(table[0]))
#define MAX_NR 1024

static sc_decoder_fn decoders[NROWS];
static short by_nr[SC_NARCH][MAX_NR];
static int ready;

static const struct sc_decoder *const families[] = {
	sc_file_decoders, sc_desc_decoders,   sc_net_decoders,	sc_mem_decoders,
	sc_proc_decoders, sc_signal_decoders, sc_misc_decoders, sc_time_decoders,
};

static unsigned class_bits(const char *s)
{
	unsigned b = 0;
	for (; *s; s++)
		switch (*s) {
		case 'd':
			b |= SC_CLASS_DESC;
			break;
		case 'f':
			b |= SC_CLASS_FILE;
			break;
		case 'n':
			b |= SC_CLASS_NETWORK;
			break;
		case 'p':
			b |= SC_CLASS_PROCESS;
			break;
		case 's':
			b |= SC_CLASS_SIGNAL;
			break;
		case 'm':
			b |= SC_CLASS_MEMORY;
			break;
		case 'i':
			b |= SC_CLASS_IPC;
			break;
		case 'c':
			b |= SC_CLASS_CREDS;
			break;
		case 'k':
			b |= SC_CLASS_CLOCK;
			break;
		default:
			break;
		}
	return b;
}

static int row_cmp(const void *key, const void *row)
{
	return strcmp(key, ((const struct sc_entry *)row)->name);
}

static void init(void)
{
	if (ready)
		return;
	memset(by_nr, 0xff, sizeof(by_nr));
	for (size_t i = 0; i < NROWS; i++) {
		table[i].classes = class_bits(table_classes[i]);
		for (int a = 0; a < 6; a++) {
			if (!(shapes[i].flags & SC_SHAPE_KNOWN) || a >= table[i].nargs)
				shapes[i].a[a] = (struct sc_argshape){ SCK_X, SC_LEN_NONE, 0 };
			if (sc_kind_at_exit(shapes[i].a[a].kind))
				shapes[i].flags |= SC_SHAPE_EXIT;
		}
		for (int a = 0; a < SC_NARCH; a++)
			if (table[i].nr[a] >= 0 && table[i].nr[a] < MAX_NR)
				by_nr[a][table[i].nr[a]] = (short)i;
	}
	for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++)
		for (const struct sc_decoder *d = families[f]; d->name; d++) {
			const struct sc_entry *e =
			    bsearch(d->name, table, NROWS, sizeof(table[0]), row_cmp);
			if (!e)
				bug("decoder for unknown system call %s", d->name);
			decoders[e - table] = d->fn;
		}
	ready = 1;
}

const struct sc_entry *sc_lookup_nr(enum sc_arch arch, long nr)
{
	init();
	if (arch < 0 || arch >= SC_NARCH || nr < 0 || nr >= MAX_NR || by_nr[arch][nr] < 0)
		return NULL;
	return &table[by_nr[arch][nr]];
}

const struct sc_entry *sc_lookup_name(const char *name)
{
	init();
	return bsearch(name, table, NROWS, sizeof(table[0]), row_cmp);
}

void sc_each(void (*fn)(const struct sc_entry *e, void *ctx), void *ctx)
{
	init();
	for (size_t i = 0; i < NROWS; i++)
		fn(&table[i], ctx);
}

const struct sc_shape *sc_shape_of(const struct sc_entry *e)
{
	static const struct sc_shape unknown;
	init();
	if (!e || e < table || e >= table + NROWS)
		return &unknown;
	return &shapes[e - table];
}

int sc_kind_int(unsigned kind)
{
	switch (kind) {
	case SCK_INT:
	case SCK_FD:
	case SCK_DIRFD:
	case SCK_SIG:
	case SCK_CLOCK:
		return 1;
	case SCK_UINT:
	case SCK_XINT:
	case SCK_MODE:
	case SCK_FLAGS:
	case SCK_UID:
		return 2;
	default:
		return 0;
	}
}

int sc_kind_at_exit(unsigned kind)
{
	switch (kind) {
	case SCK_OUT:
	case SCK_SAOUT:
	case SCK_LENOUT:
	case SCK_IOVOUT:
	case SCK_MSGOUT:
	case SCK_ARROUT:
	case SCK_STROUT:
	case SCK_IO:
	case SCK_PAGEVEC:
	case SCK_ARRIO:
		return 1;
	default:
		return 0;
	}
}

size_t sc_count(void)
{
	return NROWS;
}

enum sc_arch sc_native_arch(void)
{
#if defined(__aarch64__)
	return SC_ARCH_AARCH64;
#else
	return SC_ARCH_X86_64;
#endif
}

static const struct {
	const char *name;
	unsigned bits;
} classes[] = {
	{ "desc", SC_CLASS_DESC },	 { "file", SC_CLASS_FILE },
	{ "network", SC_CLASS_NETWORK }, { "net", SC_CLASS_NETWORK },
	{ "process", SC_CLASS_PROCESS }, { "signal", SC_CLASS_SIGNAL },
	{ "memory", SC_CLASS_MEMORY },	 { "ipc", SC_CLASS_IPC },
	{ "creds", SC_CLASS_CREDS },	 { "clock", SC_CLASS_CLOCK },
};

unsigned sc_class_parse(const char *s)
{
	if (*s == '%')
		s++;
	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if (!strcmp(s, classes[i].name))
			return classes[i].bits;
	return 0;
}

/* ---- the line ---- */

/* flag names for SCK_FLAGS arguments of calls without a decoder */
static const struct sc_named msync_fl[] = {
	{ 1, "MS_ASYNC" },
	{ 2, "MS_INVALIDATE" },
	{ 4, "MS_SYNC" },
	{ 0, NULL },
};
static const struct sc_named mlock2_fl[] = { { 1, "MLOCK_ONFAULT" }, { 0, NULL } };
static const struct sc_named close_range_fl[] = {
	{ 2, "CLOSE_RANGE_UNSHARE" },
	{ 4, "CLOSE_RANGE_CLOEXEC" },
	{ 0, NULL },
};
static const struct sc_named pidfd_fl[] = { { 04000, "PIDFD_NONBLOCK" }, { 0, NULL } };
static const struct sc_named xattr_fl[] = {
	{ 1, "XATTR_CREATE" },
	{ 2, "XATTR_REPLACE" },
	{ 0, NULL },
};
static const struct sc_named at_fl[] = {
	{ 0x100, "AT_SYMLINK_NOFOLLOW" }, { 0x200, "AT_REMOVEDIR" },
	{ 0x400, "AT_SYMLINK_FOLLOW" },	  { 0x800, "AT_NO_AUTOMOUNT" },
	{ 0x1000, "AT_EMPTY_PATH" },	  { 0, NULL },
};

static const struct {
	const char *call;
	const struct sc_named *names;
} flag_sets[] = {
	{ "msync", msync_fl },	    { "mlock2", mlock2_fl },  { "close_range", close_range_fl },
	{ "pidfd_open", pidfd_fl }, { "setxattr", xattr_fl }, { "lsetxattr", xattr_fl },
	{ "fsetxattr", xattr_fl },  { "fchmodat2", at_fl },
};

static void print_flags_of(const struct sc_call *c, struct buf *o, unsigned long long v)
{
	static const struct sc_named none[] = { { 0, NULL } };
	const struct sc_named *t = none;
	for (size_t i = 0; c->ent && i < sizeof(flag_sets) / sizeof(flag_sets[0]); i++)
		if (!strcmp(c->ent->name, flag_sets[i].call))
			t = flag_sets[i].names;
	sc_flags(o, v, t, "0");
}

/*
 * The decoder of a call without a hand-written one: each argument as its
 * shape says, those the kernel reads at entry, from the first one it
 * writes on at exit.  Without a shape, hex.
 */
static void print_arg(struct sc_call *c, struct buf *o, int i)
{
	const struct sc_argshape *a = &c->shape->a[i];
	unsigned long long v = c->args[i];
	unsigned long long len = a->lenarg < 6 ? c->args[a->lenarg] : 0;

	sc_arg(c, o);
	switch (a->kind) {
	case SCK_PTR:
		sc_ptr(o, v);
		break;
	case SCK_LONG:
		sc_dec(o, (long long)v);
		break;
	case SCK_ULONG:
	case SCK_UINT:
		sc_udec(o, v);
		break;
	case SCK_OLONG:
		sc_oct(o, v);
		break;
	case SCK_MODE:
		buf_addf(o, "%#03llo", v);
		break;
	case SCK_FLAGS:
		print_flags_of(c, o, v);
		break;
	case SCK_INT:
		sc_int(o, v);
		break;
	case SCK_CLOCK:
		sc_clockid(o, v);
		break;
	case SCK_FD:
		sc_fd(c, o, v);
		break;
	case SCK_DIRFD:
		sc_dirfd(c, o, v);
		break;
	case SCK_UID:
		sc_uid(o, v);
		break;
	case SCK_SIG:
		sc_signal(o, (unsigned long long)(long long)(int)v);
		break;
	case SCK_PATH:
		sc_path(c, o, v);
		break;
	case SCK_STR:
		sc_str(c, o, v);
		break;
	case SCK_IN:
		if (a->lenarg < 6)
			sc_bufn(c, o, v, len);
		else
			sc_ptr(o, v);
		break;
	case SCK_SA:
		sc_sockaddr(c, o, v, len);
		break;
	case SCK_IOV:
		sc_iov(c, o, v, len, 1LL << 40);
		break;
	case SCK_OUT:
		if (c->ret < 0 || a->lenarg != SC_LEN_RET)
			sc_ptr(o, v);
		else
			sc_bufn(c, o, v, (unsigned long long)c->ret);
		break;
	case SCK_IOVOUT:
		if (c->ret < 0)
			sc_ptr(o, v);
		else
			sc_iov(c, o, v, len, c->ret);
		break;
	default:
		if (a->kind >= SCK_PATH)
			sc_ptr(o, v);
		else
			sc_hex(o, v);
		break;
	}
}

static void generic(struct sc_call *c, struct buf *o, int exiting)
{
	int n = c->ent ? c->ent->nargs : 6;
	for (int i = exiting ? c->nout : 0; i < n; i++) {
		if (!exiting && sc_kind_at_exit(c->shape->a[i].kind))
			return;
		print_arg(c, o, i);
	}
}

void sc_args(struct sc_call *c, struct buf *o, int from, int to)
{
	for (int i = from; i < to && i < 6; i++)
		print_arg(c, o, i);
}

static sc_decoder_fn decoder_of(const struct sc_call *c)
{
	if (!c->ent)
		return generic;
	sc_decoder_fn fn = decoders[c->ent - table];
	return fn ? fn : generic;
}

/* the one rule for int-sized arguments: the kernel reads an int or an
 * unsigned int from the register, whatever its upper half holds */
static void cut_ints(struct sc_call *c)
{
	for (int i = 0; i < 6; i++)
		switch (sc_kind_int(c->shape->a[i].kind)) {
		case 1:
			c->args[i] = (unsigned long long)(long long)(int)c->args[i];
			break;
		case 2:
			c->args[i] = (unsigned)c->args[i];
			break;
		default:
			break;
		}
}

void sc_decode_entry(struct sc_call *c, struct buf *o)
{
	init();
	c->ent = sc_lookup_nr(c->arch, c->nr);
	c->rval = SC_RVAL_DEC;
	c->nout = 0;
	c->suppress_ret = 0;
	c->rdecor = NULL;
	memset(c->saved, 0, sizeof(c->saved));
	if (c->ent)
		buf_addstr(o, c->ent->name);
	else
		buf_addf(o, "syscall_%#lx", (unsigned long)c->nr);
	buf_addc(o, '(');
	c->argoff[0] = o->len;
	c->shape = sc_shape_of(c->ent);
	c->at_exit = (c->shape->flags & (SC_SHAPE_EXIT | SC_SHAPE_ENTRY)) == SC_SHAPE_EXIT;
	cut_ints(c);
	decoder_of(c)(c, o, 0);
}

void sc_decode_exit(struct sc_call *c, struct buf *o, int ret_known)
{
	long long r = c->ret;
	int col = c->opts && c->opts->column > 0 ? c->opts->column : 40;
	long long cur;

	if (ret_known && (c->shape->flags & SC_SHAPE_EXIT))
		decoder_of(c)(c, o, 1);
	c->argoff[c->nout < SC_MAX_ARGS ? c->nout : SC_MAX_ARGS] = o->len;
	buf_add(o, ") ", 2);
	cur = (long long)o->len - (long long)c->line_start;
	while (cur < col) {
		buf_addc(o, ' ');
		cur++;
	}
	if (!ret_known || c->suppress_ret) {
		buf_addstr(o, "= ?");
		return;
	}
	if (r < 0 && r >= -4095) {
		int err = (int)-r;
		const char *n = sc_errname(err);
		if (err >= 512 && err <= 516)
			buf_addf(o, "= ? %s (%s)", n, sc_errtext(err));
		else if (n)
			buf_addf(o, "= -1 %s (%s)", n, sc_errtext(err));
		else
			buf_addf(o, "= -1 (errno %d)", err);
		return;
	}
	buf_add(o, "= ", 2);
	switch (c->rval) {
	case SC_RVAL_HEX:
		sc_hex(o, (unsigned long long)r);
		break;
	case SC_RVAL_OCT:
		buf_addf(o, "%#03llo", (unsigned long long)r);
		break;
	case SC_RVAL_UDEC:
		sc_udec(o, (unsigned long long)r);
		break;
	case SC_RVAL_FD:
		if (c->opts && c->opts->show_paths && r >= 0)
			sc_fd(c, o, (unsigned long long)r);
		else
			sc_dec(o, r);
		break;
	default:
		sc_dec(o, r);
		break;
	}
	if (c->rdecor)
		c->rdecor(c, o);
}

/* ---- the wiretap ---- */

static int in_set(const unsigned char *set, unsigned long long fd)
{
	return set && fd < SC_MAX_FD_SET && set[fd];
}

void sc_decode_dump(struct sc_call *c, struct buf *o)
{
	const struct sc_opts *op = c->opts;
	int rd;
	unsigned long long fd = c->args[0], len;

	if (!c->ent || !op || (!op->read_fds && !op->write_fds))
		return;
	len = c->ret > 0 ? (unsigned long long)c->ret : 0;
	rd = !!(c->shape->flags & SC_SHAPE_READ);
	if (!(c->shape->flags & (SC_SHAPE_READ | SC_SHAPE_WRITE)) ||
	    !in_set(rd ? op->read_fds : op->write_fds, fd) || (rd && !len))
		return;
	/* the data argument is the second; its kind says how it is laid out */
	switch (c->shape->a[1].kind) {
	case SCK_IOV:
	case SCK_IOVOUT:
		sc_dump_iov(c, o, c->args[1], c->args[2], rd ? len : ~0ULL);
		return;
	case SCK_MSG:
	case SCK_MSGOUT: {
		unsigned long long m[7]; /* struct msghdr as 64-bit words */
		if (!sc_mem_read(c, c->args[1], m, sizeof(m)))
			sc_dump_iov(c, o, m[2], m[3], rd ? len : ~0ULL);
		return;
	}
	default:
		break;
	}
	/* what was read: the bytes the call returned; what was written: the
	 * bytes it was asked to write, whatever came of it (as strace) */
	if (!rd)
		len = c->args[2];
	if (in_set(rd ? op->read_fds : op->write_fds, fd))
		sc_dump_mem(c, o, c->args[1], len);
}
