#include "lib/hidden/hidden_mod.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/hidden/hidden.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/xalloc.h"

static const struct {
	char letter;
	const char *what;
} taints[] = {
	{ 'P', "proprietary module loaded" },
	{ 'F', "module force loaded" },
	{ 'S', "out-of-spec system" },
	{ 'R', "module force unloaded" },
	{ 'M', "machine check" },
	{ 'B', "bad page" },
	{ 'U', "taint requested by user" },
	{ 'D', "kernel died (oops)" },
	{ 'A', "ACPI table overridden" },
	{ 'W', "kernel warning" },
	{ 'C', "staging driver loaded" },
	{ 'I', "firmware bug workaround" },
	{ 'O', "out-of-tree module loaded" },
	{ 'E', "unsigned module loaded" },
	{ 'L', "soft lockup" },
	{ 'K', "kernel live patched" },
	{ 'X', "auxiliary taint" },
	{ 'T', "built with struct randomization" },
	{ 'N', "in-kernel test run" },
	{ 'J', "fwctl used" },
};
#define NTAINTS (sizeof(taints) / sizeof(taints[0]))

char hidden_mod_taint_letter(unsigned b)
{
	return b < NTAINTS ? taints[b].letter : '?';
}

void hidden_mod_taint_decode(unsigned long long taint, char *letters, struct buf *long_out)
{
	size_t k = 0;

	for (unsigned b = 0; b < 64 && k < 39; b++) {
		if (!(taint & (1ULL << b)))
			continue;
		letters[k++] = hidden_mod_taint_letter(b);
		if (long_out) {
			if (long_out->len)
				buf_addstr(long_out, ", ");
			if (b < NTAINTS)
				buf_addf(long_out, "%c: %s", taints[b].letter, taints[b].what);
			else
				buf_addf(long_out, "bit %u", b);
		}
	}
	letters[k] = '\0';
}

/* next_field - the next space-separated field of s[*pos..n) */
static int next_field(const char *s, size_t n, size_t *pos, const char **f, size_t *flen)
{
	size_t i = *pos;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i >= n || s[i] == '\n')
		return 0;
	*f = s + i;
	while (i < n && s[i] != ' ' && s[i] != '\t' && s[i] != '\n')
		i++;
	*flen = (size_t)(s + i - *f);
	*pos = i;
	return 1;
}

static int copy_field(char *dst, size_t cap, const char *f, size_t n)
{
	if (n == 0 || n >= cap)
		return -1;
	memcpy(dst, f, n);
	dst[n] = '\0';
	return 0;
}

static int valid_modname(const char *s, size_t n)
{
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= ' ' || c >= 0x7f || c == '[' || c == ']' || c == '/')
			return 0;
	}
	return 1;
}

/* name size refcount deps state address [(taint)] */
int hidden_mod_parse_modules_line(const char *s, size_t n, struct hidden_mod_line *m)
{
	const char *f[7];
	size_t fl[7], pos = 0, k = 0;

	memset(m, 0, sizeof(*m));
	while (k < 7 && next_field(s, n, &pos, &f[k], &fl[k]))
		k++;
	if (k < 5 || !valid_modname(f[0], fl[0]) ||
	    copy_field(m->name, sizeof(m->name), f[0], fl[0]) ||
	    copy_field(m->state, sizeof(m->state), f[4], fl[4]))
		return -1;
	if (k == 7 && fl[6] > 2 && f[6][0] == '(' && f[6][fl[6] - 1] == ')' &&
	    copy_field(m->taint, sizeof(m->taint), f[6] + 1, fl[6] - 2))
		return -1;
	return 0;
}

/* address type name [module] */
int hidden_mod_parse_kallsyms_line(const char *s, size_t n, char name[HIDDEN_MOD_NAME_MAX])
{
	const char *f[4];
	size_t fl[4], pos = 0, k = 0;

	name[0] = '\0';
	while (k < 4 && next_field(s, n, &pos, &f[k], &fl[k]))
		k++;
	if (k < 3)
		return -1;
	if (k < 4)
		return 0;
	if (fl[3] < 3 || f[3][0] != '[' || f[3][fl[3] - 1] != ']')
		return -1;
	if (!valid_modname(f[3] + 1, fl[3] - 2) ||
	    copy_field(name, HIDDEN_MOD_NAME_MAX, f[3] + 1, fl[3] - 2))
		return -1;
	/* pseudo-modules the kernel uses for its own code */
	if (!strcmp(name, "bpf") || !strncmp(name, "__builtin__", 11)) {
		name[0] = '\0';
		return 0;
	}
	return 1;
}

/* A sorted set of module names. */
struct names {
	char **v;
	size_t n, alloc;
};

static void names_add(struct names *s, const char *name)
{
	if (s->n == s->alloc) {
		s->alloc = s->alloc ? 2 * s->alloc : 64;
		s->v = xreallocarray(s->v, s->alloc, sizeof(*s->v));
	}
	s->v[s->n++] = xstrdup(name);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void names_sort(struct names *s)
{
	size_t k = 0;

	if (!s->n)
		return;
	qsort(s->v, s->n, sizeof(*s->v), cmp_str);
	for (size_t i = 1; i < s->n; i++) {
		if (!strcmp(s->v[i], s->v[k]))
			free(s->v[i]);
		else
			s->v[++k] = s->v[i];
	}
	s->n = k + 1;
}

static int names_has(const struct names *s, const char *name)
{
	return s->n && bsearch(&name, s->v, s->n, sizeof(*s->v), cmp_str) != NULL;
}

static void names_release(struct names *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* The three views, and the union of the taint letters modules carry. */
struct modviews {
	struct names mods, sys, syms;
	char taint[64];
	int have_kallsyms;
};

/* each_line - call fn on every line of b */
static void each_line(const struct buf *b, void (*fn)(const char *s, size_t n, void *ctx),
		      void *ctx)
{
	const char *p = b->data, *end = b->data + b->len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		fn(p, n, ctx);
		p += n + 1;
	}
}

static void add_taint_letters(char *set, size_t cap, const char *letters)
{
	for (; *letters; letters++)
		if (!strchr(set, *letters)) {
			size_t k = strlen(set);
			if (k + 1 < cap) {
				set[k] = *letters;
				set[k + 1] = '\0';
			}
		}
}

static void on_modules_line(const char *s, size_t n, void *ctx)
{
	struct modviews *v = ctx;
	struct hidden_mod_line m;

	if (hidden_mod_parse_modules_line(s, n, &m))
		return;
	names_add(&v->mods, m.name);
	add_taint_letters(v->taint, sizeof(v->taint), m.taint);
}

static void on_kallsyms_line(const char *s, size_t n, void *ctx)
{
	struct modviews *v = ctx;
	char name[HIDDEN_MOD_NAME_MAX];

	if (hidden_mod_parse_kallsyms_line(s, n, name) == 1 &&
	    (!v->syms.n || strcmp(v->syms.v[v->syms.n - 1], name)))
		names_add(&v->syms, name);
}

static int read_views(struct modviews *v)
{
	struct buf b = BUF_INIT;
	DIR *d;
	struct dirent *de;
	int rc;

	memset(v, 0, sizeof(*v));
	rc = buf_read_at(&b, AT_FDCWD, "/proc/modules", 0);
	if (rc) {
		buf_release(&b);
		return rc;
	}
	each_line(&b, on_modules_line, v);
	buf_reset(&b);
	if (!buf_read_at(&b, AT_FDCWD, "/proc/kallsyms", 0)) {
		v->have_kallsyms = 1;
		each_line(&b, on_kallsyms_line, v);
	}
	buf_release(&b);

	/* Loadable modules have an initstate; built-in ones do not. */
	d = opendir("/sys/module");
	if (d) {
		while ((de = readdir(d))) {
			char path[300];
			if (de->d_name[0] == '.' ||
			    (size_t)snprintf(path, sizeof(path), "%s/initstate", de->d_name) >=
				sizeof(path))
				continue;
			if (!faccessat(dirfd(d), path, F_OK, 0))
				names_add(&v->sys, de->d_name);
		}
		closedir(d);
	}
	names_sort(&v->mods);
	names_sort(&v->sys);
	names_sort(&v->syms);
	return 0;
}

static void release_views(struct modviews *v)
{
	names_release(&v->mods);
	names_release(&v->sys);
	names_release(&v->syms);
}

/* which views list name: a bit per view (1 modules, 2 sys, 4 kallsyms) */
static unsigned seen_mask(const struct modviews *v, const char *name)
{
	return (names_has(&v->mods, name) ? 1u : 0) | (names_has(&v->sys, name) ? 2u : 0) |
	       (v->have_kallsyms && names_has(&v->syms, name) ? 4u : 0);
}

static void views_text(unsigned mask, unsigned have, struct buf *seen, struct buf *missing)
{
	static const char *const names[] = { "proc_modules", "sys_module", "kallsyms" };
	for (unsigned i = 0; i < 3; i++) {
		struct buf *b = (mask & (1u << i)) ? seen : missing;
		if (!(have & (1u << i)))
			continue;
		if (b->len)
			buf_addc(b, ',');
		buf_addstr(b, names[i]);
	}
}

static void candidates(const struct modviews *v, struct names *out)
{
	const struct names *all[] = { &v->mods, &v->sys, &v->syms };

	for (size_t k = 0; k < 3; k++)
		for (size_t i = 0; i < all[k]->n; i++)
			names_add(out, all[k]->v[i]);
	names_sort(out);
}

int hidden_scan_modules(struct hidden_report *r, unsigned settle_ms)
{
	struct modviews a, b;
	struct names cand = { 0 };
	unsigned long long taint = 0;
	struct buf t = BUF_INIT;
	int rc;

	rc = read_views(&a);
	if (rc == -ENOENT) /* no module support: nothing to compare */
		return 0;
	if (rc)
		return rc;
	candidates(&a, &cand);
	unsigned have = 3u | (a.have_kallsyms ? 4u : 0);
	int disagree = 0;
	for (size_t i = 0; i < cand.n; i++) {
		unsigned m = seen_mask(&a, cand.v[i]);
		if (m != have)
			disagree = 1;
	}
	if (disagree) {
		/* a module loading or unloading right now is no finding */
		hidden_sleep_ms(settle_ms);
		if (!read_views(&b)) {
			for (size_t i = 0; i < cand.n; i++) {
				unsigned m1 = seen_mask(&a, cand.v[i]);
				unsigned m2 = seen_mask(&b, cand.v[i]);
				struct buf seen = BUF_INIT, miss = BUF_INIT;
				if (m1 == have || m2 == have || m2 == 0)
					continue;
				views_text(m1 & m2, have, &seen, &miss);
				hidden_add(r, HIDDEN_MODULE, 0, cand.v[i], seen.data, miss.data,
					   "module listed by some views only");
				buf_release(&seen);
				buf_release(&miss);
			}
			release_views(&b);
		}
	}

	/* Module taint that no listed module carries. */
	if (!buf_read_at(&t, AT_FDCWD, "/proc/sys/kernel/tainted", 64))
		taint = strtoull(t.data, NULL, 10);
	buf_release(&t);
	static const unsigned modbits[] = { 0, 1, 12, 13 };
	for (size_t i = 0; i < sizeof(modbits) / sizeof(modbits[0]); i++) {
		char letter = hidden_mod_taint_letter(modbits[i]);
		char letters[40], obj[64];
		struct buf why = BUF_INIT;
		if (!(taint & (1ULL << modbits[i])) || strchr(a.taint, letter))
			continue;
		hidden_mod_taint_decode(taint, letters, NULL);
		snprintf(obj, sizeof(obj), "taint %c", letter);
		buf_addf(&why,
			 "kernel tainted %s (%llu) but no listed module "
			 "carries %c: unloaded since, or hidden",
			 letters, taint, letter);
		hidden_add(r, HIDDEN_TAINT, 0, obj, "tainted", "proc_modules,sys_module", why.data);
		buf_release(&why);
	}
	names_release(&cand);
	release_views(&a);
	return 0;
}
