/*
 * gen-syscall-table - write src/lib/trace/syscall/syscall_table.h from libseccomp's
 * name/number tables for x86_64 and aarch64 and scripts/syscall-attrs.txt.
 *
 *   cc -o gen scripts/gen-syscall-table.c -lseccomp
 *   ./gen scripts/syscall-attrs.txt > src/lib/trace/syscall/syscall_table.h
 *
 * One row per name, sorted by name: { name, x86_64 nr, aarch64 nr, nargs,
 * classes, shape flags, argument shapes }, -1 where the architecture lacks
 * the call.  Names libseccomp knows but the attrs file does not get 6
 * arguments, no class and no shape.
 *
 * A shape is one comma-separated token per argument, KIND[:LEN][=SIZE]:
 * KIND is an enum sc_kind name in lower case (fd, path, out, ...), LEN the
 * argument that holds a length or count (0-5) or `r` for the result,
 * SIZE bytes or the name of a structure below.  Words after the shape:
 * `+read`/`+write` mark the calls -e read=/write= dump, `+entry` a call
 * whose arguments are all printed at entry although the kernel writes
 * some (poll, select: what it wrote is a note after the result).
 */
#include <ctype.h>
#include <linux/types.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <time.h>
#include <utime.h>

/* sizes as the kernel lays the structures out on the build architecture */
static const struct {
	const char *name;
	unsigned size;
} sizes[] = {
	{ "int", 4 },
	{ "long", 8 },
	{ "stat", sizeof(struct stat) },
	{ "statx", 256 },
	{ "statfs", sizeof(struct statfs) },
	{ "timespec", sizeof(struct timespec) },
	{ "timespec2", 2 * sizeof(struct timespec) },
	{ "timeval", sizeof(struct timeval) },
	{ "timeval2", 2 * sizeof(struct timeval) },
	{ "itimerval", sizeof(struct itimerval) },
	{ "timezone", 8 },
	{ "utimbuf", sizeof(struct utimbuf) },
	{ "rusage", sizeof(struct rusage) },
	{ "rlimit", sizeof(struct rlimit) },
	{ "tms", sizeof(struct tms) },
	{ "sysinfo", sizeof(struct sysinfo) },
	{ "utsname", sizeof(struct utsname) },
	{ "siginfo", 128 },
	{ "sigset", 8 },      /* the kernel's sigset_t, not glibc's */
	{ "sigaction", 32 },  /* struct kernel_sigaction */
	{ "stack", 24 },      /* stack_t */
	{ "fdset", 128 },
	{ "pollfd", sizeof(struct pollfd) },
	{ "epoll", 12 },      /* struct epoll_event, packed on x86_64 */
	{ "flock", 32 },
	{ "sockaddr", 128 },
	{ "dirents", 4096 },
	{ "pathmax", 4096 },
	{ "clone_args", 88 },
	{ "open_how", 24 },
};

struct row {
	char name[64];
	int x86, arm, nargs;
	char cls[16];
	char flags[64];
	char shape[512];
};

static void fail(const char *name, const char *tok, const char *why)
{
	fprintf(stderr, "gen-syscall-table: %s: %s: %s\n", name, tok, why);
	exit(1);
}

/* "fd,path,out:r=stat" -> "{ SCK_FD, 7, 0 }, { SCK_PATH, 7, 0 }, ..." */
static void shape(struct row *r, char *spec)
{
	size_t k = 0, n = 0;
	char *save = NULL;

	for (char *tok = strtok_r(spec, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char kind[32], *len = strchr(tok, ':'), *eq = strchr(tok, '=');
		unsigned lenarg = 7, size = 0;
		size_t kl = strcspn(tok, ":=");

		if (++n > 6 || kl == 0 || kl >= sizeof(kind))
			fail(r->name, tok, "bad shape");
		for (size_t i = 0; i < kl; i++)
			kind[i] = (char)toupper((unsigned char)tok[i]);
		kind[kl] = 0;
		if (eq)
			*eq++ = 0;
		if (len) {
			len++;
			if (!strcmp(len, "r"))
				lenarg = 6;
			else if (len[0] >= '0' && len[0] <= '5' && !len[1])
				lenarg = (unsigned)(len[0] - '0');
			else
				fail(r->name, tok, "bad length argument");
		}
		if (eq) {
			char *end;
			size = (unsigned)strtoul(eq, &end, 10);
			if (*end) {
				size_t i;
				for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
					if (!strcmp(eq, sizes[i].name))
						break;
				if (i == sizeof(sizes) / sizeof(sizes[0]))
					fail(r->name, eq, "unknown structure");
				size = sizes[i].size;
			}
		}
		k += (size_t)snprintf(r->shape + k, sizeof(r->shape) - k,
				      "%s{ SCK_%s, %u, %u }", n > 1 ? ", " : "", kind,
				      lenarg, size);
		if (k >= sizeof(r->shape))
			fail(r->name, tok, "shape too long");
	}
	if ((int)n != r->nargs)
		fail(r->name, "shape", "one token per argument");
}

static struct row rows[1024];
static size_t nrows;

static struct row *find(const char *name)
{
	for (size_t i = 0; i < nrows; i++)
		if (!strcmp(rows[i].name, name))
			return &rows[i];
	if (nrows == sizeof(rows) / sizeof(rows[0]))
		exit(1);
	struct row *r = &rows[nrows++];
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->x86 = r->arm = -1;
	r->nargs = 6;
	r->cls[0] = 0;
	snprintf(r->flags, sizeof(r->flags), "0");
	snprintf(r->shape, sizeof(r->shape), "{ SCK_X, 7, 0 }");
	return r;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(((const struct row *)a)->name, ((const struct row *)b)->name);
}

int main(int argc, char **argv)
{
	char line[512], name[64], cls[16];
	int nargs, common;
	FILE *f;

	if (argc != 2 || !(f = fopen(argv[1], "r")))
		return 2;
	for (int nr = 0; nr < 1024; nr++) {
		char *n = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, nr);
		if (n)
			find(n)->x86 = nr;
		free(n);
		n = seccomp_syscall_resolve_num_arch(SCMP_ARCH_AARCH64, nr);
		if (n)
			find(n)->arm = nr;
		free(n);
	}
	while (fgets(line, sizeof(line), f)) {
		char *save = NULL, *w[8];
		int nw = 0;

		common = -1;
		if (line[0] == '#')
			continue;
		for (char *t = strtok_r(line, " \t\n", &save); t && nw < 8;
		     t = strtok_r(NULL, " \t\n", &save))
			w[nw++] = t;
		if (nw < 3 || sscanf(w[1], "%d", &nargs) != 1)
			continue;
		snprintf(name, sizeof(name), "%s", w[0]);
		snprintf(cls, sizeof(cls), "%s", w[2]);
		struct row *r = find(name);
		r->nargs = nargs;
		snprintf(r->cls, sizeof(r->cls), "%s", strcmp(cls, "-") ? cls : "");
		for (int i = 3; i < nw; i++) {
			if (isdigit((unsigned char)w[i][0])) {
				common = atoi(w[i]);
			} else if (w[i][0] == '+') {
				const char *f = !strcmp(w[i], "+read")	  ? "SC_SHAPE_READ"
						: !strcmp(w[i], "+write") ? "SC_SHAPE_WRITE"
						: !strcmp(w[i], "+entry") ? "SC_SHAPE_ENTRY"
									  : NULL;
				size_t l = strlen(r->flags);
				if (!f)
					fail(name, w[i], "unknown tag");
				snprintf(r->flags + l, sizeof(r->flags) - l, " | %s", f);
			} else {
				snprintf(r->flags, sizeof(r->flags), "SC_SHAPE_KNOWN");
				if (!strcmp(w[i], "-"))
					snprintf(r->shape, sizeof(r->shape), "{ SCK_X, 7, 0 }");
				else
					shape(r, w[i]);
			}
		}
		if (common >= 0 && r->x86 < 0 && r->arm < 0)
			r->x86 = r->arm = common;
	}
	qsort(rows, nrows, sizeof(rows[0]), cmp);
	printf("/* Generated by scripts/gen-syscall-table.c from libseccomp %u.%u.%u\n"
	       " * and scripts/syscall-attrs.txt.  Do not edit: regenerate.\n"
	       " * { name, x86_64 nr, aarch64 nr, nargs, classes, shape flags,\n"
	       " *   { kind, length argument, size } per argument } */\n",
	       seccomp_version()->major, seccomp_version()->minor,
	       seccomp_version()->micro);
	for (size_t i = 0; i < nrows; i++) {
		struct row *r = &rows[i];
		char q[80];
		snprintf(q, sizeof(q), "\"%s\",", r->name);
		if (r->x86 < 0 && r->arm < 0)
			continue;
		printf("SC_ROW(%-26s %4d, %4d, %d, \"%s\", %s,\n       %s)\n", q, r->x86,
		       r->arm, r->nargs, r->cls, r->flags, r->shape);
	}
	return 0;
}
