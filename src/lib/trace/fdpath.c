#include "lib/trace/fdpath.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "lib/trace/syscall/syscall.h"

void trace_fd_quote(struct buf *o, const char *path, size_t n, int hex)
{
	struct buf q = BUF_INIT;

	sc_quote(&q, (const unsigned char *)path, n, hex ? 2 : 0);
	/* q is "..." and holds a '<' or '>' only for the byte itself */
	for (size_t i = 1; i + 1 < q.len; i++) {
		char c = q.data[i];
		if (c == '<' || c == '>') {
			char next = i + 2 < q.len ? q.data[i + 1] : 0;
			/* a digit after would read as part of a short escape */
			buf_addstr(o, next >= '0' && next <= '7' ? (c == '<' ? "\\074" : "\\076")
								 : (c == '<' ? "\\74" : "\\76"));
		} else {
			buf_addc(o, c);
		}
	}
	buf_release(&q);
}

void trace_fd_decor(struct buf *o, pid_t pid, int fd, int yflag, int hex)
{
	char link[64], target[4096];
	const char *suffix = " (deleted)";
	size_t slen = strlen(suffix);
	struct stat st;
	int have_st, deleted = 0;
	ssize_t n;

	if (fd < 0 || pid <= 0 || yflag <= 0)
		return;
	snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)pid, fd);
	n = readlink(link, target, sizeof(target));
	if (n <= 0 || (size_t)n >= sizeof(target))
		return;
	have_st = stat(link, &st) == 0;
	/* the kernel's mark, on a file that really has no name left (a file
	   may be called "x (deleted)") */
	if ((size_t)n > slen && !memcmp(target + n - slen, suffix, slen) && have_st &&
	    st.st_nlink == 0) {
		n -= (ssize_t)slen;
		deleted = 1;
	}
	buf_addc(o, '<');
	trace_fd_quote(o, target, (size_t)n, hex);
	if (yflag >= 2 && have_st && (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)))
		buf_addf(o, "<%s %u:%u>", S_ISCHR(st.st_mode) ? "char" : "block", major(st.st_rdev),
			 minor(st.st_rdev));
	buf_addc(o, '>');
	if (deleted)
		buf_addstr(o, "(deleted)");
}
