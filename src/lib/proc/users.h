/*
 * users - user and group names read from /etc/passwd and /etc/group
 * themselves (never NSS, which runs the host's modules and may lie or
 * hang).  A name is only a hint: output always shows the numeric id next
 * to it.  Names are raw bytes from a file an intruder may have edited:
 * escape before printing.
 *
 * users_load() never fails: an unreadable or corrupt file gives an empty
 * or partial table (malformed lines are skipped).
 */
#ifndef STRANGER_LIB_USERS_H
#define STRANGER_LIB_USERS_H

#include <stddef.h>
#include <sys/types.h>

struct users_entry {
	unsigned id;
	char *name;
};

struct users {
	struct users_entry *v;
	size_t n;
};

/* users_parse - parse passwd/group format text (name:x:id:...) */
void users_parse(struct users *u, const char *s, size_t n);
void users_load(struct users *u, const char *path);
void users_release(struct users *u);
/* users_name - the name for id, or NULL */
const char *users_name(const struct users *u, unsigned id);

#endif
