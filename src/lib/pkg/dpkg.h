/*
 * dpkg - what the Debian package database says a package installed, read
 * without asking dpkg (which may be the intruder's).
 *
 *   status      /var/lib/dpkg/status: one paragraph per package ("Field:
 *               value", continuation lines start with a space or tab).
 *               Kept: Package, Architecture, Version, Multi-Arch, whether
 *               Status ends in "installed", and the Conffiles list
 *               (" /path MD5 [obsolete|remove-on-upgrade]").
 *   md5sums     info/PKG[:ARCH].md5sums: "MD5HEX  relative/path" per line.
 *   diversions  /var/lib/dpkg/diversions: three lines per diversion: the
 *               path, where it was moved, the diverting package (":" for a
 *               local diversion).
 *   filters     path-exclude=GLOB and path-include=GLOB lines of dpkg.cfg
 *               and dpkg.cfg.d/<name>; as in dpkg, the last glob that
 *               matches a path decides (fnmatch(3), no flags).
 *   control     the control file inside a .deb (the same paragraph format).
 *
 * Paths are kept as the database spells them, made absolute ("/usr/bin/x").
 * Every parser takes untrusted bytes with a length, never reads past it,
 * and keeps going past a malformed line (it is counted in `bad`, with the
 * first such line number in `bad_line`), so one damaged entry does not hide
 * the rest.  Nothing here prints or exits.
 */
#ifndef STRANGER_LIB_DPKG_H
#define STRANGER_LIB_DPKG_H

#include <stddef.h>

#define DPKG_MD5_LEN 16

struct dpkg_conffile {
	char *path;
	unsigned char md5[DPKG_MD5_LEN];
	int has_md5;  /* 0 for "newconffile" and other non-hash values */
	int obsolete; /* obsolete or remove-on-upgrade: not checked */
};

struct dpkg_pkg {
	char *name, *arch, *version, *multiarch; /* "" when absent */
	int installed;				 /* Status: ... installed */
	struct dpkg_conffile *conf;
	size_t nconf;
};

struct dpkg_status {
	struct dpkg_pkg *p;
	size_t n;
	size_t bad, bad_line;
};

struct dpkg_sum {
	char *path;
	unsigned char md5[DPKG_MD5_LEN];
};

struct dpkg_sums {
	struct dpkg_sum *v;
	size_t n;
	size_t bad, bad_line;
};

struct dpkg_diversion {
	char *from, *to, *by;
};

struct dpkg_diversions {
	struct dpkg_diversion *v;
	size_t n;
	size_t bad;
};

struct dpkg_filter {
	char *glob;
	int include;
};

struct dpkg_filters {
	struct dpkg_filter *v;
	size_t n;
};

/* dpkg_parse_status - paragraphs appended to st (also for a .deb control) */
void dpkg_parse_status(const char *s, size_t n, struct dpkg_status *st);
void dpkg_status_release(struct dpkg_status *st);
/* dpkg_find - an installed package by "name" or "name:arch"; NULL if none */
const struct dpkg_pkg *dpkg_find(const struct dpkg_status *st, const char *name);
/* dpkg_pkg_id - "name" or "name:arch" as dpkg names its info files */
char *dpkg_info_name(const struct dpkg_pkg *p);

void dpkg_parse_md5sums(const char *s, size_t n, struct dpkg_sums *out);
void dpkg_sums_release(struct dpkg_sums *s);

void dpkg_parse_diversions(const char *s, size_t n, struct dpkg_diversions *d);
void dpkg_diversions_release(struct dpkg_diversions *d);
/* dpkg_diverted - the diversion of path, or NULL */
const struct dpkg_diversion *dpkg_diverted(const struct dpkg_diversions *d, const char *path);

void dpkg_parse_cfg(const char *s, size_t n, struct dpkg_filters *f);
void dpkg_filters_release(struct dpkg_filters *f);
/* dpkg_excluded - 1 if dpkg's path filters leave path out of installs */
int dpkg_excluded(const struct dpkg_filters *f, const char *path);

/* dpkg_md5_parse - 32 hex digits into 16 bytes; 0 or -1 */
int dpkg_md5_parse(const char *s, size_t n, unsigned char out[DPKG_MD5_LEN]);

#endif
