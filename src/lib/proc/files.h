/*
 * files - what a process holds: its cwd, root, executable, mapped files
 * and open fds, as lsof names them.
 *
 * Each record carries the lsof columns as text (already escaped where the
 * bytes came from the suspect: paths, socket names) plus the raw facts
 * (inode, st_mode, deleted, socket) that ps and recover need.  A file is
 * "deleted" when its link count is 0 - not merely when its name ends in
 * " (deleted)", which any file can be named.
 *
 * Errors: files_list returns 0 (records, maybe with warnings appended to
 * `notes`), -ESRCH if the process is gone before anything was read, or
 * -errno.  A process that exits mid-read gives a partial list and a note.
 */
#ifndef STRANGER_LIB_FILES_H
#define STRANGER_LIB_FILES_H

#include <stddef.h>
#include <sys/types.h>

#include "lib/proc/sock.h"
#include "util/buf.h"

struct file_rec {
	char fd[16];   /* cwd rtd txt mem DEL NOFD, or "3u" */
	int fdnum;     /* -1 unless a numbered fd */
	char type[16]; /* REG DIR CHR BLK FIFO IPv4 IPv6 unix sock a_inode */
	char device[40];
	char size_off[32];
	char node[24];
	char *name; /* escaped, NUL-terminated */
	mode_t mode;
	unsigned long long inode, size;
	int deleted;
	const struct sock_entry *sock; /* for sockets found in the table */
};

struct file_list {
	struct file_rec *v;
	size_t n, cap;
	size_t denied; /* rows that say "Permission denied": not seen */
};

/* what to collect */
enum {
	FILES_FDS = 1,	   /* numbered fds */
	FILES_SPECIAL = 2, /* cwd rtd txt */
	FILES_MEM = 4,	   /* mem and DEL */
	FILES_ALL = 7,
};

int files_list(int procfd, unsigned what, const struct sock_table *socks, struct file_list *out,
	       struct buf *notes);
void files_release(struct file_list *l);
/*
 * files_map_cache - on (1): until turned off, files_list stats each mapped
 * file (device, inode) once, whichever process maps it - for a walk over
 * every process, done in one go.  Off (0) forgets what it saw.
 */
void files_map_cache(int on);
/*
 * files_socket_inodes - the inodes of the sockets a process holds, from the
 * fd links alone (one readlink per fd, no stat): the cheap question ps
 * asks of every process.  0 or -errno.
 */
int files_socket_inodes(int procfd, unsigned long long **inodes, size_t *n);

#endif
