#include "lib/trace/syscall/syscall.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/trace/syscall/sc.h"
#include "util/diag.h"

#define SC_ROW(name, x86, arm, nargs, cls) { name, { x86, arm }, nargs, 0 },
static struct sc_entry table[] = {
#include "lib/trace/syscall/syscall_table.h"
};
#undef SC_ROW
#define SC_ROW(name, x86, arm, nargs, cls) cls,
static const char *const table_classes[] = {
#include "lib/trace/syscall/syscall_table.h"
};
#undef SC_ROW

#define NROWS (sizeof(table) / sizeof(table[0]))
#define MAX_NR 1024

static sc_decoder_fn decoders[NROWS];
static unsigned char decoder_at_exit[NROWS];
static short by_nr[SC_NARCH][MAX_NR];
static int ready;

static const struct sc_decoder *const families[] = {
	sc_file_decoders, sc_desc_decoders, sc_net_decoders,
	sc_mem_decoders,  sc_proc_decoders, sc_signal_decoders,
	sc_misc_decoders,
};

static unsigned class_bits(const char *s)
{
	unsigned b = 0;
	for (; *s; s++)
		switch (*s) {
		case 'd': b |= SC_CLASS_DESC; break;
		case 'f': b |= SC_CLASS_FILE; break;
		case 'n': b |= SC_CLASS_NETWORK; break;
		case 'p': b |= SC_CLASS_PROCESS; break;
		case 's': b |= SC_CLASS_SIGNAL; break;
		case 'm': b |= SC_CLASS_MEMORY; break;
		case 'i': b |= SC_CLASS_IPC; break;
		case 'c': b |= SC_CLASS_CREDS; break;
		case 'k': b |= SC_CLASS_CLOCK; break;
		default: break;
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
			decoder_at_exit[e - table] = (unsigned char)d->at_exit;
		}
	ready = 1;
}

const struct sc_entry *sc_lookup_nr(enum sc_arch arch, long nr)
{
	init();
	if (arch < 0 || arch >= SC_NARCH || nr < 0 || nr >= MAX_NR ||
	    by_nr[arch][nr] < 0)
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
	{ "desc", SC_CLASS_DESC },	{ "file", SC_CLASS_FILE },
	{ "network", SC_CLASS_NETWORK }, { "net", SC_CLASS_NETWORK },
	{ "process", SC_CLASS_PROCESS }, { "signal", SC_CLASS_SIGNAL },
	{ "memory", SC_CLASS_MEMORY },	{ "ipc", SC_CLASS_IPC },
	{ "creds", SC_CLASS_CREDS },	{ "clock", SC_CLASS_CLOCK },
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

/* ---- names ---- */

const char *sc_signame(int sig)
{
	static char rt[16];
	const char *ab;

	if (sig >= SIGRTMIN && sig <= SIGRTMAX) {
		if (sig == SIGRTMIN)
			return "SIGRTMIN";
		snprintf(rt, sizeof(rt), "SIGRT_%d", sig - SIGRTMIN);
		return rt;
	}
	if (sig == 32)
		return "SIGRT_0";
	if (sig == 33)
		return "SIGRT_1";
	ab = sigabbrev_np(sig);
	if (!ab)
		return NULL;
	/* sigabbrev_np says "IOT"/"CLD"/"POLL" for some; strace's spelling */
	static const struct {
		const char *from, *to;
	} fix[] = { { "CHLD", "SIGCHLD" }, { "IO", "SIGIO" }, { "POLL", "SIGIO" },
		    { "IOT", "SIGABRT" }, { "ABRT", "SIGABRT" }, { "CLD", "SIGCHLD" } };
	for (size_t i = 0; i < sizeof(fix) / sizeof(fix[0]); i++)
		if (!strcmp(ab, fix[i].from))
			return fix[i].to;
	static char name[24];
	snprintf(name, sizeof(name), "SIG%s", ab);
	return name;
}

int sc_signal_parse(const char *s)
{
	long v;
	char *end;

	if (!*s)
		return -1;
	v = strtol(s, &end, 10);
	if (!*end)
		return v > 0 && v < 65 ? (int)v : -1;
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	for (int sig = 1; sig < 65; sig++) {
		const char *n = sc_signame(sig);
		if (n && !strcasecmp(n + 3, s))
			return sig;
	}
	return -1;
}

const char *sc_errname(int err)
{
	switch (err) {
	case 512: return "ERESTARTSYS";
	case 513: return "ERESTARTNOINTR";
	case 514: return "ERESTARTNOHAND";
	case 515: return "ENOIOCTLCMD";
	case 516: return "ERESTART_RESTARTBLOCK";
	default: return strerrorname_np(err);
	}
}

static const char *errtext(int err)
{
	switch (err) {
	case 512: return "To be restarted if SA_RESTART is set";
	case 513: return "To be restarted";
	case 514: return "To be restarted if no handler";
	case 516: return "Interrupted by signal";
	default: return strerror(err);
	}
}

/* ---- the line ---- */

static void generic(struct sc_call *c, struct buf *o, int exiting)
{
	int n = c->ent ? c->ent->nargs : 6;
	if (exiting)
		return;
	for (int i = 0; i < n; i++) {
		sc_arg(c, o);
		sc_hex(o, c->args[i]);
	}
}

static sc_decoder_fn decoder_of(const struct sc_call *c)
{
	if (!c->ent)
		return generic;
	sc_decoder_fn fn = decoders[c->ent - table];
	return fn ? fn : generic;
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
	c->at_exit = c->ent && decoders[c->ent - table] ? decoder_at_exit[c->ent - table] : 0;
	decoder_of(c)(c, o, 0);
}

void sc_decode_exit(struct sc_call *c, struct buf *o, int ret_known)
{
	long long r = c->ret;
	int col = c->opts && c->opts->column > 0 ? c->opts->column : 40;
	long long cur;

	if (ret_known)
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
			buf_addf(o, "= ? %s (%s)", n, errtext(err));
		else if (n)
			buf_addf(o, "= -1 %s (%s)", n, errtext(err));
		else
			buf_addf(o, "= -1 (errno %d)", err);
		return;
	}
	buf_add(o, "= ", 2);
	switch (c->rval) {
	case SC_RVAL_HEX: sc_hex(o, (unsigned long long)r); break;
	case SC_RVAL_OCT: sc_oct(o, (unsigned long long)r); break;
	case SC_RVAL_UDEC: sc_udec(o, (unsigned long long)r); break;
	case SC_RVAL_FD:
		if (c->opts && c->opts->show_paths && r >= 0)
			sc_fd(c, o, (unsigned long long)r);
		else
			sc_dec(o, r);
		break;
	default: sc_dec(o, r); break;
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
	const char *n;
	const struct sc_opts *op = c->opts;
	int rd;
	unsigned long long fd = c->args[0], len;

	if (!c->ent || !op || (!op->read_fds && !op->write_fds))
		return;
	n = c->ent->name;
	/* what was read: the bytes the call returned; what was written: the
	 * bytes it was asked to write, whatever came of it (as strace) */
	len = c->ret > 0 ? (unsigned long long)c->ret : 0;
	if (!strcmp(n, "read") || !strcmp(n, "pread64") || !strcmp(n, "recvfrom") ||
	    !strcmp(n, "recv")) {
		rd = 1;
		if (!len)
			return;
	} else if (!strcmp(n, "write") || !strcmp(n, "pwrite64") ||
		   !strcmp(n, "sendto") || !strcmp(n, "send")) {
		rd = 0;
		len = c->args[2];
	} else if (!strcmp(n, "readv") || !strcmp(n, "preadv") || !strcmp(n, "preadv2")) {
		if (len && in_set(op->read_fds, fd))
			sc_dump_iov(c, o, c->args[1], c->args[2], len);
		return;
	} else if (!strcmp(n, "writev") || !strcmp(n, "pwritev") ||
		   !strcmp(n, "pwritev2")) {
		if (in_set(op->write_fds, fd))
			sc_dump_iov(c, o, c->args[1], c->args[2], ~0ULL);
		return;
	} else if (!strcmp(n, "recvmsg") || !strcmp(n, "sendmsg")) {
		int isrd = n[0] == 'r';
		unsigned long long m[7]; /* struct msghdr as 64-bit words */
		if (!in_set(isrd ? op->read_fds : op->write_fds, fd) || (isrd && !len))
			return;
		if (sc_mem_read(c, c->args[1], m, sizeof(m)))
			return;
		sc_dump_iov(c, o, m[2], m[3], isrd ? len : ~0ULL);
		return;
	} else
		return;
	if (in_set(rd ? op->read_fds : op->write_fds, fd))
		sc_dump_mem(c, o, c->args[1], len);
}

void sc_hexdump(struct buf *o, const unsigned char *p, size_t n)
{
	sc_hexdump_at(o, p, n, 0);
}

void sc_hexdump_at(struct buf *o, const unsigned char *p, size_t n, size_t base)
{
	static const char hx[] = "0123456789abcdef";

	for (size_t off = 0; off < n; off += 16) {
		char line[80];
		size_t k = 0, m = n - off < 16 ? n - off : 16;

		k += (size_t)snprintf(line, sizeof(line), " | %05zx  ", base + off);
		for (size_t i = 0; i < 16; i++) {
			if (i == 8)
				line[k++] = ' ';
			if (i < m) {
				line[k++] = hx[p[off + i] >> 4];
				line[k++] = hx[p[off + i] & 15];
			} else {
				line[k++] = ' ';
				line[k++] = ' ';
			}
			line[k++] = ' ';
		}
		line[k++] = ' ';
		for (size_t i = 0; i < 16; i++) {
			unsigned char ch = i < m ? p[off + i] : ' ';
			line[k++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '.';
		}
		line[k++] = ' ';
		line[k++] = '|';
		line[k++] = '\n';
		buf_add(o, line, k);
	}
}
