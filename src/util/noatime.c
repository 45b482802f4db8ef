#include "util/noatime.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

int noatime_open(int dirfd, const char *path, int flags)
{
	int fd;

	if (flags & O_PATH)
		return openat(dirfd, path, flags);
	fd = openat(dirfd, path, flags | O_NOATIME);
	/* O_NOATIME needs ownership of the file or CAP_FOWNER */
	if (fd < 0 && errno == EPERM)
		fd = openat(dirfd, path, flags & ~O_NOATIME);
	return fd;
}

int noatime_open_strict(int dirfd, const char *path, int flags)
{
	return openat(dirfd, path, flags | O_NOATIME);
}

int noatime_openat2(int dirfd, const char *path, struct open_how *how)
{
	int fd;

	if (!(how->flags & O_PATH))
		how->flags |= O_NOATIME;
	fd = (int)syscall(SYS_openat2, dirfd, path, how, sizeof(*how));
	if (fd < 0 && errno == EPERM && (how->flags & O_NOATIME)) {
		how->flags &= ~(unsigned long long)O_NOATIME;
		fd = (int)syscall(SYS_openat2, dirfd, path, how, sizeof(*how));
	}
	return fd;
}
