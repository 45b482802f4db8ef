/*
 * manifest - read a case folder's manifest.sha256 back and check it.
 *
 * The manifest is hostile input (the case travelled, someone may have
 * edited it): manifest_parse() accepts only lines of 64 hex digits, two
 * spaces (or space and '*') and a relative name without "..", "." or
 * empty components, and counts every other line as bad.  sha256sum's
 * escaped form (a leading backslash; "\\" and "\n" in the name) is
 * understood.
 *
 * manifest_check() hashes every listed file again, opening each
 * component with O_NOFOLLOW below the case folder (a symlink planted in
 * the case cannot lead the check outside it), on every core, and sets
 * each entry's state: MANIFEST_OK, MANIFEST_CHANGED (the hash differs:
 * tampered or damaged), MANIFEST_MISSING, MANIFEST_UNREADABLE.
 *
 * Errors: manifest_parse returns the number of bad lines; entries that
 * parse are kept.  manifest_open_at returns an fd or -errno.
 */
#ifndef STRANGER_LIB_COLLECT_MANIFEST_H
#define STRANGER_LIB_COLLECT_MANIFEST_H

#include <stddef.h>

enum manifest_state {
	MANIFEST_UNCHECKED,
	MANIFEST_OK,
	MANIFEST_CHANGED,
	MANIFEST_MISSING,
	MANIFEST_UNREADABLE,
};

struct manifest_entry_r {
	char *name;
	char hex[65];
	enum manifest_state state;
	unsigned long long size;
};

struct manifest {
	struct manifest_entry_r *v;
	size_t n, cap;
	size_t bad_lines;
};

size_t manifest_parse(const char *p, size_t n, struct manifest *m);
/* manifest_name_ok - a relative name that stays inside the folder */
int manifest_name_ok(const char *name, size_t n);
/* manifest_open_at - open name below dirfd without following any symlink */
int manifest_open_at(int dirfd, const char *name);
void manifest_check(int dirfd, struct manifest *m);
/* manifest_find - the entry for name, or NULL */
const struct manifest_entry_r *manifest_find(const struct manifest *m, const char *name);
const char *manifest_state_name(enum manifest_state s);
void manifest_release(struct manifest *m);

#endif
