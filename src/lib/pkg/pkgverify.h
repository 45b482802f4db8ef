/*
 * pkgverify - check installed Debian packages' files, as debsums does, and
 * better: against the .deb archives themselves.
 *
 * A pkgverify looks at a system tree (ROOT, "/" normally; a copy for
 * tests and for images) and reads its package database from
 * ROOT/var/lib/dpkg (status, info/PKG.md5sums, diversions, statoverride)
 * and dpkg's path filters from ROOT/etc/dpkg/dpkg.cfg and dpkg.cfg.d.  Every path
 * is resolved with openat2(RESOLVE_IN_ROOT), so an absolute symlink in the
 * tree cannot lead outside ROOT.
 *
 * Items are the files to check.  pkgverify_add_sums() adds a package's
 * md5sums and its conffiles from the status file (MD5, following a final
 * symlink as debsums does).  pkgverify_add_deb() adds what the package's
 * .deb holds instead: regular files by SHA-256 and mode (statoverride
 * applied), symlinks by target, hard links by their target's contents;
 * nothing on the host is trusted.  Both apply diversions (a file diverted
 * by another package is checked where it was moved to) and path filters
 * (a file dpkg was told not to install is not reported missing).
 * pkgverify_run() then looks at every item on a pool of workers.
 *
 * Errors: 0 or -errno; pkgverify_open() fails when the status file cannot
 * be read; a package without md5sums or without a matching .deb gives
 * -ENOENT.  Files that cannot be read are items with result PKGV_UNREAD and
 * their -errno.  Nothing here prints or exits.
 */
#ifndef STRANGER_LIB_PKGVERIFY_H
#define STRANGER_LIB_PKGVERIFY_H

#include <stddef.h>

#include "lib/pkg/deb.h"
#include "lib/pkg/dpkg.h"
#include "lib/baseline/hash.h"

struct buf;

enum pkgverify_kind { PKGV_MD5, PKGV_SHA256, PKGV_LINK };
enum pkgverify_result { PKGV_OK, PKGV_CHANGED, PKGV_MISSING, PKGV_UNREAD };

/* what differs in a PKGV_CHANGED item */
enum { PKGV_CONTENT = 1, PKGV_TYPE = 2, PKGV_MODE = 4, PKGV_TARGET = 8 };

struct pkgverify_item {
	const char *pkg; /* the package's name (owned by the status) */
	char *path;	 /* where the file is (diversions applied) */
	char *listed;	 /* the path as the package lists it */
	int conffile, excluded;
	enum pkgverify_kind kind;
	unsigned char want[HASH_LEN], got[HASH_LEN]; /* MD5 uses 16 bytes */
	unsigned want_mode, got_mode;
	int check_mode;
	char *want_target, *got_target;
	enum pkgverify_result result;
	unsigned changed;
	int err;
};

struct pkgverify_override {
	char *path;
	unsigned mode;
};

struct pkgverify {
	int rootfd;
	struct dpkg_status st;
	struct dpkg_diversions div;
	struct dpkg_filters filt;
	struct pkgverify_override *ovr;
	size_t novr;
	char **debs; /* names of *.deb in the --from folder, sorted */
	size_t ndebs;
	int debdirfd;
	struct pkgverify_item *v;
	size_t n, alloc;
};

int pkgverify_open(struct pkgverify *pv, const char *root);
void pkgverify_release(struct pkgverify *pv);
int pkgverify_add_sums(struct pkgverify *pv, const struct dpkg_pkg *p);
/* pkgverify_set_debdir - where pkgverify_add_deb() looks for archives */
int pkgverify_set_debdir(struct pkgverify *pv, const char *dir);
/* pkgverify_add_deb - find p's .deb (same name, version, architecture) */
int pkgverify_add_deb(struct pkgverify *pv, const struct dpkg_pkg *p, struct deb_err *e);
/* pkgverify_read_at - append a regular file below ROOT (path absolute) */
int pkgverify_read_at(struct pkgverify *pv, const char *path, struct buf *out);
void pkgverify_run(struct pkgverify *pv, unsigned threads);

#endif
