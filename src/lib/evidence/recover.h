/*
 * recover - copy out what a process holds, also when it is deleted from
 * disk: its executable, its deleted open files (every regular one with
 * `all`), its deleted mapped files, and its maps, status, cmdline and
 * environ, into an evidence folder.
 *
 * The process is not stopped or signalled.  Every file is read through
 * /proc/PID (exe, fd/N, map_files/START-END), which reaches the inode the
 * process holds, not whatever now has the name; it is opened without
 * blocking (a FIFO is refused) and only if it is a regular file.  The
 * executable's own mappings are not copied again, and a file mapped
 * several times is copied once.  Names in the folder: exe, fd/N,
 * map/START-END (hexadecimal), maps, status, cmdline, environ.
 *
 * Reporting: every file copied is handed to ops->copied (with its size,
 * SHA-256 and the raw path it came from); every piece that could not be
 * had to ops->problem, one line of text, after which the result is
 * partial.  Nothing is printed here.
 *
 * Errors: recover_process returns 0 when everything was copied, 1 when
 * the result is partial.
 */
#ifndef STRANGER_LIB_EVIDENCE_RECOVER_H
#define STRANGER_LIB_EVIDENCE_RECOVER_H

#include <stddef.h>

#include "lib/baseline/hash.h"

struct evidence;

struct recover_item {
	const char *name;	 /* the name in the evidence folder */
	unsigned long long size; /* bytes copied */
	unsigned char digest[HASH_LEN];
	const char *from; /* raw bytes: where it was (escape it) */
	size_t from_len;
};

struct recover_ops {
	void (*copied)(const struct recover_item *it, void *ctx);
	void (*problem)(const char *what, void *ctx); /* escaped text */
	void *ctx;
};

int recover_process(struct evidence *ev, int procfd, int all, const struct recover_ops *ops);

#endif
