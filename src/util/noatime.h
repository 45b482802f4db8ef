/*
 * noatime - open a file to read it without touching its access time.
 *
 * Reading evidence must not change it: an access time is one of the few
 * traces of when an intruder last used a file.  O_NOATIME is refused with
 * EPERM unless the caller owns the file or holds CAP_FOWNER (an
 * unprivileged run, a file on some network filesystems); then the file is
 * opened without it, since reading it is worth more than its atime.  This
 * is the only place that names O_NOATIME.
 *
 * Errors: like openat(2): the fd, or -1 with errno set.
 */
#ifndef STRANGER_UTIL_NOATIME_H
#define STRANGER_UTIL_NOATIME_H

struct open_how;

/* noatime_open - openat(dirfd, path, flags | O_NOATIME), retried without
 * O_NOATIME on EPERM.  O_PATH opens read nothing and get no O_NOATIME. */
int noatime_open(int dirfd, const char *path, int flags);
/* noatime_open_strict - openat(dirfd, path, flags | O_NOATIME), never
 * retried: where reading is not worth a changed access time (EPERM) */
int noatime_open_strict(int dirfd, const char *path, int flags);
/* noatime_openat2 - the same through openat2(2); how->flags gains
 * O_NOATIME (and loses it again if refused) */
int noatime_openat2(int dirfd, const char *path, struct open_how *how);

#endif
