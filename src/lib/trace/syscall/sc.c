#include "lib/trace/syscall/sc.h"
#include "lib/trace/fdpath.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <net/if.h>
#include <unistd.h>

#include "util/xalloc.h"

#define STR_MAX 65536 /* never read more of a string than this */

void sc_arg(struct sc_call *c, struct buf *o)
{
	if (c->nout)
		buf_add(o, ", ", 2);
	if (c->nout < SC_MAX_ARGS)
		c->argoff[c->nout] = o->len;
	c->nout++;
}

int sc_mem_read(struct sc_call *c, unsigned long long addr, void *dst, size_t n)
{
	if (!n)
		return 0;
	if (!c->mem || !addr)
		return -1;
	return c->mem(c->mem_ctx, addr, dst, n) == (long)n ? 0 : -1;
}

long sc_mem_str(struct sc_call *c, unsigned long long addr, char *dst, size_t max, int *complete)
{
	size_t got = 0;

	*complete = 0;
	if (!c->mem || !addr)
		return -1;
	/* page by page: a string may end just before an unmapped page */
	while (got < max) {
		size_t chunk = 4096 - (size_t)((addr + got) & 4095);
		if (chunk > max - got)
			chunk = max - got;
		long r = c->mem(c->mem_ctx, addr + got, dst + got, chunk);
		if (r <= 0)
			return got ? (long)got : -1;
		void *nul = memchr(dst + got, 0, (size_t)r);
		if (nul) {
			*complete = 1;
			return (long)((char *)nul - dst);
		}
		got += (size_t)r;
		if ((size_t)r < chunk)
			break;
	}
	return (long)got;
}

void sc_dec(struct buf *o, long long v)
{
	if (v < 0) {
		buf_addc(o, '-');
		buf_addu(o, 0ULL - (unsigned long long)v);
	} else
		buf_addu(o, (unsigned long long)v);
}

void sc_udec(struct buf *o, unsigned long long v)
{
	buf_addu(o, v);
}

void sc_hex(struct buf *o, unsigned long long v)
{
	if (!v)
		buf_addc(o, '0');
	else
		buf_addf(o, "%#llx", v);
}

void sc_oct(struct buf *o, unsigned long long v)
{
	if (!v)
		buf_addc(o, '0');
	else
		buf_addf(o, "%#llo", v);
}

void sc_ptr(struct buf *o, unsigned long long v)
{
	if (!v)
		buf_addstr(o, "NULL");
	else
		buf_addf(o, "%#llx", v);
}

void sc_int(struct buf *o, unsigned long long v)
{
	sc_dec(o, (int)v);
}

void sc_uid(struct buf *o, unsigned long long v)
{
	if ((unsigned)v == (unsigned)-1)
		buf_add(o, "-1", 2);
	else
		sc_udec(o, (unsigned)v);
}

/* The body of a quoted string, strace's rules: \" \\ \f \n \r \t \v,
 * printable ASCII as is, anything else octal (3 digits when an octal
 * digit follows) or, with -x/-xx, hex. */
static void quote_body(struct buf *o, const unsigned char *p, size_t n, int hex)
{
	buf_grow(o, n + 2);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = p[i];
		char e[5];
		size_t k = 0;

		if (hex) {
			buf_addf(o, "\\x%02x", ch);
			continue;
		}
		switch (ch) {
		case '"':
			buf_add(o, "\\\"", 2);
			continue;
		case '\\':
			buf_add(o, "\\\\", 2);
			continue;
		case '\f':
			buf_add(o, "\\f", 2);
			continue;
		case '\n':
			buf_add(o, "\\n", 2);
			continue;
		case '\r':
			buf_add(o, "\\r", 2);
			continue;
		case '\t':
			buf_add(o, "\\t", 2);
			continue;
		case '\v':
			buf_add(o, "\\v", 2);
			continue;
		default:
			break;
		}
		if (ch >= 0x20 && ch < 0x7f) {
			buf_addc(o, (char)ch);
			continue;
		}
		e[k++] = '\\';
		if (i + 1 < n && p[i + 1] >= '0' && p[i + 1] <= '7') {
			e[k++] = (char)('0' + (ch >> 6));
			e[k++] = (char)('0' + ((ch >> 3) & 7));
		} else if (ch >> 3) {
			if (ch >> 6)
				e[k++] = (char)('0' + (ch >> 6));
			e[k++] = (char)('0' + ((ch >> 3) & 7));
		}
		e[k++] = (char)('0' + (ch & 7));
		buf_add(o, e, k);
	}
}

static int needs_hex(const unsigned char *p, size_t n, int xflag)
{
	if (xflag >= 2)
		return 1;
	if (!xflag)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] >= 0x7f)
			return 1;
	return 0;
}

void sc_quote(struct buf *o, const unsigned char *p, size_t n, int xflag)
{
	buf_addc(o, '"');
	quote_body(o, p, n, needs_hex(p, n, xflag));
	buf_addc(o, '"');
}

static size_t strsize(const struct sc_call *c)
{
	return c->opts ? c->opts->strsize : 32;
}

static int xflag(const struct sc_call *c)
{
	return c->opts ? c->opts->xflag : 0;
}

static void nul_string(struct sc_call *c, struct buf *o, unsigned long long addr, size_t max)
{
	char *s;
	int complete;
	long n;

	if (!addr) {
		buf_addstr(o, "NULL");
		return;
	}
	s = xmalloc(max + 1);
	n = sc_mem_str(c, addr, s, max + 1, &complete);
	/* no NUL before memory that cannot be read: the address, as strace */
	if (n < 0 || (!complete && (size_t)n < max + 1)) {
		sc_ptr(o, addr);
	} else if (complete && (size_t)n <= max) {
		sc_quote(o, (unsigned char *)s, (size_t)n, xflag(c));
	} else {
		sc_quote(o, (unsigned char *)s, (size_t)n < max ? (size_t)n : max, xflag(c));
		buf_add(o, "...", 3);
	}
	free(s);
}

void sc_path(struct sc_call *c, struct buf *o, unsigned long long addr)
{
	nul_string(c, o, addr, 4095);
}

void sc_str(struct sc_call *c, struct buf *o, unsigned long long addr)
{
	nul_string(c, o, addr, strsize(c));
}

void sc_bufn(struct sc_call *c, struct buf *o, unsigned long long addr, unsigned long long len)
{
	size_t n = len < strsize(c) ? (size_t)len : strsize(c);
	unsigned char *p;

	if (!addr) {
		buf_addstr(o, "NULL");
		return;
	}
	p = xmalloc(n + 1);
	if (sc_mem_read(c, addr, p, n)) {
		sc_ptr(o, addr);
	} else {
		sc_quote(o, p, n, xflag(c));
		if (len > n)
			buf_add(o, "...", 3);
	}
	free(p);
}

void sc_fd(struct sc_call *c, struct buf *o, unsigned long long v)
{
	int fd = (int)v;

	sc_dec(o, fd);
	if (c->opts && c->opts->show_paths)
		trace_fd_decor(o, c->pid, fd, c->opts->show_paths, xflag(c) >= 2);
}

void sc_dirfd(struct sc_call *c, struct buf *o, unsigned long long v)
{
	if ((int)v == -100)
		buf_addstr(o, "AT_FDCWD");
	else
		sc_fd(c, o, v);
}

const char *sc_xlat_name(unsigned long long v, const struct sc_named *t)
{
	for (; t->name; t++)
		if (t->val == v)
			return t->name;
	return NULL;
}

void sc_xlat(struct buf *o, unsigned long long v, const struct sc_named *t, int hex_fallback)
{
	const char *n = sc_xlat_name(v, t);
	if (n)
		buf_addstr(o, n);
	else if (hex_fallback)
		sc_hex(o, v);
	else
		sc_dec(o, (long long)v);
}

void sc_flags(struct buf *o, unsigned long long v, const struct sc_named *t, const char *zero_name)
{
	int any = 0;

	if (!v) {
		buf_addstr(o, zero_name ? zero_name : "0");
		return;
	}
	for (; t->name; t++) {
		if (!t->val || (v & t->val) != t->val)
			continue;
		if (any)
			buf_addc(o, '|');
		buf_addstr(o, t->name);
		v &= ~t->val;
		any = 1;
	}
	if (v) {
		if (any)
			buf_addc(o, '|');
		buf_addf(o, "%#llx", v);
	}
}

void sc_signal(struct buf *o, unsigned long long sig)
{
	const char *n = sig > 0 && sig < 65 ? sc_signame((int)sig) : NULL;
	if (n)
		buf_addstr(o, n);
	else
		sc_dec(o, (long long)sig);
}

void sc_sigset(struct sc_call *c, struct buf *o, unsigned long long addr, unsigned long long len)
{
	unsigned long long set = 0;
	size_t n = len < 8 ? (size_t)len : 8;
	int inv = 0, any = 0;

	if (!addr) {
		buf_addstr(o, "NULL");
		return;
	}
	/* a size the kernel refuses (not that of its sigset_t) is shown as
	 * strace shows it: the address alone */
	if (len != 8 || sc_mem_read(c, addr, &set, n)) {
		sc_ptr(o, addr);
		return;
	}
	if (n == 8 && __builtin_popcountll(set) > 32) {
		inv = 1;
		set = ~set;
		buf_addc(o, '~');
	} else if (n < 8) {
		set &= (1ULL << (n * 8)) - 1;
	}
	(void)inv;
	buf_addc(o, '[');
	for (int sig = 1; sig <= 64; sig++) {
		if (!(set & (1ULL << (sig - 1))))
			continue;
		if (any)
			buf_addc(o, ' ');
		const char *nm = sc_signame(sig);
		if (nm)
			buf_addstr(o, nm + 3);
		else
			sc_dec(o, sig);
		any = 1;
	}
	buf_addc(o, ']');
}

void sc_iov(struct sc_call *c, struct buf *o, unsigned long long addr, unsigned long long cnt,
	    long long data)
{
	unsigned long long max = strsize(c);

	if (!addr) {
		buf_addstr(o, "NULL");
		return;
	}
	if (cnt > 1024) {
		sc_ptr(o, addr);
		return;
	}
	buf_addc(o, '[');
	for (unsigned long long i = 0; i < cnt; i++) {
		unsigned long long v[2];
		if (i) {
			buf_add(o, ", ", 2);
			if (i >= max) {
				buf_add(o, "...", 3);
				break;
			}
		}
		if (sc_mem_read(c, addr + i * 16, v, sizeof(v))) {
			if (!i) {
				buf_setlen(o, o->len - 1);
				sc_ptr(o, addr);
				return;
			}
			buf_add(o, "...", 3);
			break;
		}
		buf_addstr(o, "{iov_base=");
		if (data < 0) {
			sc_ptr(o, v[0]);
		} else {
			unsigned long long n =
			    v[1] < (unsigned long long)data ? v[1] : (unsigned long long)data;
			sc_bufn(c, o, v[0], n);
			data -= (long long)n;
		}
		buf_addstr(o, ", iov_len=");
		sc_udec(o, v[1]);
		buf_addc(o, '}');
	}
	buf_addc(o, ']');
}

void sc_dump_mem(struct sc_call *c, struct buf *o, unsigned long long addr, unsigned long long len)
{
	unsigned char p[65536];
	/* the wiretap shows the whole data (up to 16 MiB a call), a piece at a
	 * time, and stops where the tracee's memory ends */
	if (len > (1ULL << 24))
		len = 1ULL << 24;
	for (unsigned long long off = 0; off < len; off += sizeof(p)) {
		size_t n = len - off < sizeof(p) ? (size_t)(len - off) : sizeof(p);
		long r = c->mem ? c->mem(c->mem_ctx, addr + off, p, n) : -1;
		if (r <= 0)
			break;
		sc_hexdump_at(o, p, (size_t)r, (size_t)off);
		if ((size_t)r < n)
			break;
	}
}

void sc_dump_iov(struct sc_call *c, struct buf *o, unsigned long long addr, unsigned long long cnt,
		 unsigned long long total)
{
	if (cnt > 1024)
		cnt = 1024;
	for (unsigned long long i = 0; i < cnt && total; i++) {
		unsigned long long v[2];
		if (sc_mem_read(c, addr + i * 16, v, sizeof(v)))
			return;
		unsigned long long n = v[1] < total ? v[1] : total;
		buf_addf(o, " * %llu bytes in buffer %llu\n", n, i);
		sc_dump_mem(c, o, v[0], n);
		total -= n;
	}
}

static const struct sc_named families[] = {
	{ AF_UNSPEC, "AF_UNSPEC" },
	{ AF_UNIX, "AF_UNIX" },
	{ AF_INET, "AF_INET" },
	{ AF_INET6, "AF_INET6" },
	{ AF_NETLINK, "AF_NETLINK" },
	{ AF_PACKET, "AF_PACKET" },
	{ 3, "AF_AX25" },
	{ 4, "AF_IPX" },
	{ 5, "AF_APPLETALK" },
	{ 6, "AF_NETROM" },
	{ 7, "AF_BRIDGE" },
	{ 8, "AF_ATMPVC" },
	{ 9, "AF_X25" },
	{ 11, "AF_ROSE" },
	{ 12, "AF_DECnet" },
	{ 13, "AF_NETBEUI" },
	{ 14, "AF_SECURITY" },
	{ 15, "AF_KEY" },
	{ 18, "AF_ASH" },
	{ 19, "AF_ECONET" },
	{ 20, "AF_ATMSVC" },
	{ 21, "AF_RDS" },
	{ 22, "AF_SNA" },
	{ 23, "AF_IRDA" },
	{ 24, "AF_PPPOX" },
	{ 25, "AF_WANPIPE" },
	{ 26, "AF_LLC" },
	{ 27, "AF_IB" },
	{ 28, "AF_MPLS" },
	{ 29, "AF_CAN" },
	{ 30, "AF_TIPC" },
	{ 31, "AF_BLUETOOTH" },
	{ 32, "AF_IUCV" },
	{ 33, "AF_RXRPC" },
	{ 34, "AF_ISDN" },
	{ 35, "AF_PHONET" },
	{ 36, "AF_IEEE802154" },
	{ 37, "AF_CAIF" },
	{ 38, "AF_ALG" },
	{ 39, "AF_NFC" },
	{ 40, "AF_VSOCK" },
	{ 41, "AF_KCM" },
	{ 42, "AF_QIPCRTR" },
	{ 43, "AF_SMC" },
	{ 44, "AF_XDP" },
	{ 45, "AF_MCTP" },
	{ 0, NULL },
};

/* sin6_scope_id: an interface name where the address needs one */
static void print_scope_id(struct buf *o, const struct sockaddr_in6 *in6)
{
	char name[IF_NAMESIZE];
	const struct in6_addr *a = &in6->sin6_addr;

	if ((IN6_IS_ADDR_LINKLOCAL(a) || IN6_IS_ADDR_MC_LINKLOCAL(a)) &&
	    if_indextoname(in6->sin6_scope_id, name)) {
		buf_addstr(o, "if_nametoindex(");
		sc_quote(o, (const unsigned char *)name, strlen(name), 0);
		buf_addc(o, ')');
	} else {
		sc_udec(o, in6->sin6_scope_id);
	}
}

void sc_sockaddr(struct sc_call *c, struct buf *o, unsigned long long addr, unsigned long long len)
{
	unsigned char sa[128];
	unsigned short fam;
	size_t n = len < sizeof(sa) ? (size_t)len : sizeof(sa);

	if (!addr) {
		buf_addstr(o, "NULL");
		return;
	}
	memset(sa, 0, sizeof(sa));
	if (n < 2 || sc_mem_read(c, addr, sa, n)) {
		sc_ptr(o, addr);
		return;
	}
	memcpy(&fam, sa, 2);
	buf_addstr(o, "{sa_family=");
	sc_xlat(o, fam, families, 0);
	if (fam == AF_INET && n >= sizeof(struct sockaddr_in)) {
		struct sockaddr_in in;
		char ip[INET_ADDRSTRLEN];
		memcpy(&in, sa, sizeof(in));
		inet_ntop(AF_INET, &in.sin_addr, ip, sizeof(ip));
		buf_addf(o, ", sin_port=htons(%u), sin_addr=inet_addr(\"%s\")}", ntohs(in.sin_port),
			 ip);
	} else if (fam == AF_INET6 && n >= 24) {
		/* 24 bytes: RFC 2133's sockaddr_in6, without the scope */
		struct sockaddr_in6 in6;
		char ip[INET6_ADDRSTRLEN];
		memcpy(&in6, sa, sizeof(in6));
		inet_ntop(AF_INET6, &in6.sin6_addr, ip, sizeof(ip));
		buf_addf(o,
			 ", sin6_port=htons(%u), sin6_flowinfo=htonl(%u), "
			 "inet_pton(AF_INET6, \"%s\", &sin6_addr)",
			 ntohs(in6.sin6_port), ntohl(in6.sin6_flowinfo), ip);
		if (n >= sizeof(struct sockaddr_in6)) {
			buf_addstr(o, ", sin6_scope_id=");
			print_scope_id(o, &in6);
		}
		buf_addc(o, '}');
	} else if (fam == AF_UNIX) {
		const unsigned char *p = sa + 2;
		size_t pl = n - 2;
		if (pl > 108)
			pl = 108;
		if (pl == 0) {
			buf_addc(o, '}');
			return;
		}
		buf_addstr(o, ", sun_path=");
		if (p[0] == 0) { /* abstract: the name is every byte after the NUL */
			buf_addc(o, '@');
			sc_quote(o, p + 1, pl - 1, xflag(c));
		} else {
			const unsigned char *z = memchr(p, 0, pl);
			sc_quote(o, p, z ? (size_t)(z - p) : pl, xflag(c));
		}
		buf_addc(o, '}');
	} else if (fam == AF_NETLINK && n >= 12) {
		unsigned pid, groups;
		memcpy(&pid, sa + 4, 4);
		memcpy(&groups, sa + 8, 4);
		buf_addf(o, ", nl_pid=%u, nl_groups=%08x}", pid, groups);
	} else {
		buf_addstr(o, ", sa_data=");
		sc_quote(o, sa + 2, n - 2, xflag(c));
		buf_addc(o, '}');
	}
}

void sc_arg_fd0(struct sc_call *c, struct buf *o)
{
	sc_arg(c, o);
	sc_fd(c, o, c->args[0]);
}

int sc_out_arg1(struct sc_call *c, struct buf *o)
{
	sc_arg(c, o);
	if (c->ret < 0) {
		sc_ptr(o, c->args[1]);
		return 0;
	}
	return 1;
}

int sc_fd_then_out(struct sc_call *c, struct buf *o, int exiting)
{
	if (!exiting) {
		sc_arg_fd0(c, o);
		return -1;
	}
	return sc_out_arg1(c, o);
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
