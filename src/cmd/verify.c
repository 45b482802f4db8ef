/*
 * verify - compare the system with a baseline (what changed since it was
 * known to be good), or installed packages with the package database or
 * with their .deb archives (what changed since they were installed).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/baseline.h"
#include "cmd/cmds.h"
#include "lib/baseline/basedb.h"
#include "lib/baseline/sign.h"
#include "lib/pkg/pkgverify.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/escape.h"
#include "util/opt.h"
#include "util/table.h"
#include "util/xalloc.h"

static const char *const usage[] = {
	"stranger verify DB [--ignore FIELDS] [--json] [--key PUB]",
	"   or: stranger verify --packages [PACKAGE...] [--from DIR] [--root DIR] [--json]",
	NULL,
};

struct out {
	int json;
	struct buf line;
	size_t found;
};

static void out_flush(struct out *o)
{
	fwrite(o->line.data, 1, o->line.len, stdout);
	buf_reset(&o->line);
}

/* ---- against a baseline ---- */

static void field_list(unsigned bits, struct buf *b, const char *sep)
{
	int first = 1;
	for (unsigned i = 0; i < BASEDB_NFIELDS; i++)
		if (bits & (1u << i)) {
			if (!first)
				buf_addstr(b, sep);
			buf_addstr(b, basedb_field_name(1u << i));
			first = 0;
		}
}

static void values_json(const struct basedb_entry *e, unsigned bits, struct buf *out)
{
	struct buf obj = BUF_INIT, v = BUF_INIT;
	struct json j;

	json_begin(&j, &obj);
	for (unsigned i = 0; i < BASEDB_NFIELDS; i++)
		if (bits & (1u << i)) {
			buf_reset(&v);
			/* the DB's own (escaped) spelling, as text */
			basedb_value(e, 1u << i, &v);
			buf_addstr(&obj, j.first ? "" : ",");
			j.first = 0;
			escape_json(&obj, basedb_field_name(1u << i),
				    strlen(basedb_field_name(1u << i)));
			buf_addc(&obj, ':');
			escape_json(&obj, v.data, v.len);
		}
	json_end(&j);
	buf_setlen(&obj, obj.len - 1); /* json_end's newline */
	buf_add(out, obj.data, obj.len);
	buf_release(&obj);
	buf_release(&v);
}

static void report_file(struct out *o, const char *status, const struct basedb_entry *old,
			const struct basedb_entry *cur, unsigned bits)
{
	const struct basedb_entry *e = cur ? cur : old;

	o->found++;
	if (o->json) {
		struct json j;
		struct buf tmp = BUF_INIT;
		json_begin(&j, &o->line);
		json_cstr(&j, "status", status);
		json_str(&j, "path", e->path, e->path_len);
		if (bits) {
			const char *names[BASEDB_NFIELDS];
			size_t n = 0;
			for (unsigned i = 0; i < BASEDB_NFIELDS; i++)
				if (bits & (1u << i))
					names[n++] = basedb_field_name(1u << i);
			json_strv(&j, "fields", names, n);
			values_json(old, bits, &tmp);
			json_raw(&j, "old", tmp.data);
			buf_reset(&tmp);
			values_json(cur, bits, &tmp);
			json_raw(&j, "new", tmp.data);
		} else {
			char t[2] = { e->type, 0 };
			json_cstr(&j, "type", t);
		}
		json_end(&j);
		buf_release(&tmp);
	} else {
		buf_addstr(&o->line, status);
		buf_addstr(&o->line, ": ");
		if (bits) {
			field_list(bits, &o->line, ",");
			buf_addc(&o->line, ' ');
		}
		escape_bytes(&o->line, e->path, e->path_len);
		buf_addc(&o->line, '\n');
	}
	out_flush(o);
}

static int verify_db(const char *path, const char *ignore, const char *key, struct out *o)
{
	struct basedb old, cur;
	struct basedb_error err;
	struct basedb_scan_opts so;
	struct buf text = BUF_INIT, shown = BUF_INIT;
	unsigned ignored = 0;
	int tty = isatty(2), rc;
	char *abs;
	size_t i = 0, k = 0;

	if (ignore && basedb_parse_fields(ignore, &ignored))
		die("--ignore: unknown field in '%s' (fields: type mode uid gid "
		    "size sha256 target inode nlink mtime ctime)",
		    ignore);
	escape_str(&shown, path);
	{
		/*
		 * The magic first, and never more than the file holds: a
		 * device or a pipe given as DB (/dev/zero) must not be read
		 * without end.
		 */
		static const char magic[] = "#stranger-baseline ";
		char head[sizeof(magic) - 1];
		struct stat sb;
		ssize_t got = 0, r;
		int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0 || fstat(fd, &sb))
			die_errno("%s", shown.data);
		while (got < (ssize_t)sizeof(head) &&
		       (r = read(fd, head + got, sizeof(head) - (size_t)got)) > 0)
			got += r;
		close(fd);
		if (got < (ssize_t)sizeof(head) || memcmp(head, magic, sizeof(head)))
			die("%s:1: not a stranger baseline", shown.data);
		if (!S_ISREG(sb.st_mode))
			die("%s: not a regular file", shown.data);
		rc = buf_read_file(&text, path, (size_t)sb.st_size + 1);
		if (rc)
			die("%s: %s", shown.data, strerror(-rc));
	}
	if (key) {
		/* the signature, over every byte of the DB, before any use */
		struct buf sp = BUF_INIT, sig = BUF_INIT, kn = BUF_INIT;
		buf_addf(&sp, "%s" SIGN_SUFFIX, path);
		rc = buf_read_file(&sig, sp.data, 4096);
		if (rc == -ENOENT)
			die("%s: unsigned (no %s" SIGN_SUFFIX "); refused with --key", shown.data,
			    shown.data);
		if (rc)
			die("%s" SIGN_SUFFIX ": %s", shown.data, strerror(-rc));
		rc = sign_check(key, text.data, text.len, sig.data, sig.len);
		escape_str(&kn, key);
		if (rc == -EBADMSG)
			die("%s: the signature does not match: the DB was changed, or "
			    "signed with another key",
			    shown.data);
		if (rc == -EINVAL)
			die("%s" SIGN_SUFFIX " or %s: not a signature and an Ed25519 "
			    "public key",
			    shown.data, kn.data);
		if (rc)
			die("%s: %s", kn.data, strerror(-rc));
		buf_release(&sp);
		buf_release(&sig);
		buf_release(&kn);
	}
	basedb_init(&old);
	if (basedb_parse(text.data, text.len, &old, &err))
		die("%s:%zu: %s", shown.data, err.line, err.msg);

	buf_release(&text);

	basedb_init(&cur);
	cur.one_fs = old.one_fs;
	for (size_t r = 0; r < old.roots.n; r++)
		basedb_add_root(&cur, old.roots.v[r]);
	for (size_t x = 0; x < old.excludes.n; x++)
		basedb_add_exclude(&cur, old.excludes.v[x]);
	if (old.db_path)
		cur.db_path = xstrdup(old.db_path);
	abs = baseline_abspath(path);
	memset(&so, 0, sizeof(so));
	so.progress = tty ? baseline_progress : NULL;
	so.error = baseline_scan_error;
	so.ctx = &tty;
	so.missing_ok = 1; /* a root that is gone: every path in it is removed */
	so.skip = (const char *const *)&abs;
	so.nskip = 1;
	rc = basedb_scan(&cur, &so);
	if (tty)
		diag_progress_clear();
	if (rc) {
		struct buf r = BUF_INIT;
		escape_str(&r, old.roots.v[0]);
		die("%s: %s", r.data, strerror(-rc));
	}

	/* both lists are sorted by path bytes: one merge */
	while (i < old.n || k < cur.n) {
		int c;
		if (i == old.n)
			c = 1;
		else if (k == cur.n)
			c = -1;
		else {
			const struct basedb_entry *a = &old.e[i], *b = &cur.e[k];
			size_t m = a->path_len < b->path_len ? a->path_len : b->path_len;
			c = memcmp(a->path, b->path, m);
			if (!c)
				c = a->path_len < b->path_len ? -1 : a->path_len > b->path_len;
		}
		if (c < 0) {
			report_file(o, "removed", &old.e[i], NULL, 0);
			i++;
		} else if (c > 0) {
			report_file(o, "added", NULL, &cur.e[k], 0);
			k++;
		} else {
			unsigned d = basedb_diff(&old.e[i], &cur.e[k]) & ~ignored;
			if (d)
				report_file(o, "changed", &old.e[i], &cur.e[k], d);
			i++;
			k++;
		}
	}
	if (!o->found && !o->json)
		printf("%zu paths checked: no change\n", old.n);
	free(abs);
	buf_release(&shown);
	basedb_release(&old);
	basedb_release(&cur);
	return o->found ? 1 : 0;
}

/* ---- against the package database or the .deb archives ---- */

static void hex(const unsigned char *d, size_t n, struct buf *b)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		buf_addc(b, digits[d[i] >> 4]);
		buf_addc(b, digits[d[i] & 15]);
	}
}

static size_t what_list(const struct pkgverify_item *it, const char **w)
{
	size_t n = 0;
	if (it->changed & PKGV_TYPE)
		w[n++] = "type";
	if (it->changed & PKGV_CONTENT)
		w[n++] = it->kind == PKGV_MD5 ? "md5" : "sha256";
	if (it->changed & PKGV_MODE)
		w[n++] = "mode";
	if (it->changed & PKGV_TARGET)
		w[n++] = "target";
	return n;
}

static void report_item(struct out *o, const struct pkgverify_item *it)
{
	const char *status = it->result == PKGV_MISSING ? "missing" : "changed";
	const char *what[4];
	size_t nw = what_list(it, what);
	size_t dlen = it->kind == PKGV_MD5 ? DPKG_MD5_LEN : HASH_LEN;

	o->found++;
	if (o->json) {
		struct json j;
		struct buf v = BUF_INIT;
		json_begin(&j, &o->line);
		json_cstr(&j, "status", status);
		json_cstr(&j, "package", it->pkg);
		json_cstr(&j, "path", it->path);
		if (strcmp(it->path, it->listed))
			json_cstr(&j, "diverted_from", it->listed);
		json_bool(&j, "conffile", it->conffile);
		json_strv(&j, "fields", what, nw);
		if (it->changed & PKGV_CONTENT) {
			hex(it->want, dlen, &v);
			json_cstr(&j, it->kind == PKGV_MD5 ? "expected_md5" : "expected_sha256",
				  v.data);
			buf_reset(&v);
			hex(it->got, dlen, &v);
			json_cstr(&j, it->kind == PKGV_MD5 ? "actual_md5" : "actual_sha256",
				  v.data);
		}
		if (it->changed & PKGV_MODE) {
			buf_reset(&v);
			buf_addf(&v, "%04o", it->want_mode);
			json_cstr(&j, "expected_mode", v.data);
			buf_reset(&v);
			buf_addf(&v, "%04o", it->got_mode);
			json_cstr(&j, "actual_mode", v.data);
		}
		if (it->changed & PKGV_TARGET) {
			json_cstr(&j, "expected_target", it->want_target);
			json_cstr(&j, "actual_target", it->got_target);
		}
		json_end(&j);
		buf_release(&v);
	} else {
		buf_addstr(&o->line, status);
		buf_addstr(&o->line, ": ");
		escape_str(&o->line, it->pkg);
		buf_addc(&o->line, ' ');
		for (size_t i = 0; i < nw; i++) {
			buf_addstr(&o->line, what[i]);
			buf_addc(&o->line, i + 1 < nw ? ',' : ' ');
		}
		escape_str(&o->line, it->path);
		buf_addc(&o->line, '\n');
	}
	out_flush(o);
}

static int cmp_items(const void *x, const void *y)
{
	const struct pkgverify_item *a = x, *b = y;
	int c = strcmp(a->pkg, b->pkg);
	return c ? c : strcmp(a->path, b->path);
}

static int verify_packages(char **names, int n, const char *from, const char *root, struct out *o)
{
	struct pkgverify pv;
	const struct dpkg_pkg **want;
	struct buf shown = BUF_INIT;
	size_t nwant = 0, nosums = 0, nodeb = 0, nunread = 0;
	int rc, failed = 0;

	escape_str(&shown, root);
	rc = pkgverify_open(&pv, root);
	if (rc)
		die("%s/var/lib/dpkg/status: %s", strcmp(root, "/") ? shown.data : "",
		    strerror(-rc));
	if (!pv.st.n)
		die("%s/var/lib/dpkg/status: no package in it%s; not a dpkg status "
		    "file?",
		    strcmp(root, "/") ? shown.data : "", pv.st.bad ? " (damaged)" : "");
	if (pv.st.bad)
		warning("status file: %zu damaged line(s), first at line %zu", pv.st.bad,
			pv.st.bad_line);
	want = xcalloc(pv.st.n + (size_t)n + 1, sizeof(*want));
	for (int i = 0; i < n; i++) {
		const struct dpkg_pkg *p = dpkg_find(&pv.st, names[i]);
		if (!p) {
			buf_reset(&shown);
			escape_str(&shown, names[i]);
			die("unknown package '%s' (not installed)", shown.data);
		}
		want[nwant++] = p;
	}
	if (!n)
		for (size_t i = 0; i < pv.st.n; i++)
			if (pv.st.p[i].installed)
				want[nwant++] = &pv.st.p[i];
	if (from) {
		rc = pkgverify_set_debdir(&pv, from);
		if (rc) {
			buf_reset(&shown);
			escape_str(&shown, from);
			die("%s: %s", shown.data, strerror(-rc));
		}
	}
	for (size_t i = 0; i < nwant; i++) {
		const struct dpkg_pkg *p = want[i];
		struct buf pn = BUF_INIT;
		escape_str(&pn, p->name);
		if (from) {
			struct deb_err e;
			rc = pkgverify_add_deb(&pv, p, &e);
			if (rc == -ENOENT) {
				nodeb++;
				if (n) {
					warning("%s: %s in the folder", pn.data, e.why);
					failed = 1;
				}
			} else if (rc) {
				warning("%s: %s", pn.data, e.why);
				failed = 1;
			}
		} else if (pkgverify_add_sums(&pv, p) == -ENOENT) {
			nosums++;
			if (n)
				warning("%s: no md5sums file, not checked", pn.data);
		}
		buf_release(&pn);
	}
	if (!n && nosums)
		warning("%zu package(s) have no md5sums file, not checked", nosums);
	if (!n && nodeb)
		warning("%zu package(s) have no matching .deb in the folder, not checked", nodeb);

	pkgverify_run(&pv, 0);
	if (pv.n)
		qsort(pv.v, pv.n, sizeof(pv.v[0]), cmp_items);
	for (size_t i = 0; i < pv.n; i++) {
		const struct pkgverify_item *it = &pv.v[i];
		if (it->result == PKGV_CHANGED || it->result == PKGV_MISSING) {
			report_item(o, it);
		} else if (it->result == PKGV_UNREAD) {
			struct buf p = BUF_INIT;
			nunread++;
			escape_str(&p, it->path);
			warning("%s: %s", p.data, strerror(-it->err));
			buf_release(&p);
		}
	}
	free(want);
	buf_release(&shown);
	pkgverify_release(&pv);
	if (failed)
		return 2;
	if (pv.st.bad && !o->found) {
		warning("damaged lines in the status file: the packages they held "
			"are not checked");
		return 3;
	}
	if (nosums + nodeb + nunread && !o->found) {
		warning("incomplete: %zu of %zu package(s) and %zu file(s) not "
			"checked",
			nosums + nodeb, nwant, nunread);
		return 3;
	}
	if (!o->found && !o->json)
		printf("%zu package(s) checked: no change\n", nwant);
	return o->found ? 1 : 0;
}

int cmd_verify(int argc, char **argv)
{
	const char *ignore = NULL, *from = NULL, *root = "/", *key = NULL;
	int json = 0, packages = 0, rc;
	const struct opt opts[] = {
		OPT_STRING(0, "ignore", &ignore, "FIELDS",
			   "do not report changes in these fields (comma list)"),
		OPT_BOOL(0, "json", &json, "JSON Lines output"),
		OPT_BOOL(0, "packages", &packages, "check installed packages' files"),
		OPT_STRING(0, "from", &from, "DIR", "against the .deb archives in DIR"),
		OPT_STRING(0, "root", &root, "DIR", "the system to check is the tree under DIR"),
		OPT_STRING(0, "key", &key, "PUB",
			   "refuse a DB whose signature (DB.sig) this public key does not verify"),
		OPT_END(),
	};
	struct out o;

	argc = opt_parse(argc, argv, opts, usage, 0);
	memset(&o, 0, sizeof(o));
	o.json = json;
	if (packages) {
		if (ignore || key)
			opt_usage_error(usage, "--ignore and --key are for a baseline DB");
		rc = verify_packages(argv, argc, from, root, &o);
	} else {
		if (from || strcmp(root, "/"))
			opt_usage_error(usage, "--from and --root need --packages");
		if (argc != 1)
			opt_usage_error(usage, "one DB expected");
		rc = verify_db(argv[0], ignore, key, &o);
	}
	buf_release(&o.line);
	return rc;
}
