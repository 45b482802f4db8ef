/* Fuzz the .deb reader (ar + control.tar + data.tar through libarchive). */
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/pkg/deb.h"

static int count(const struct deb_file *f, void *ctx)
{
	(void)f;
	++*(size_t *)ctx;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("deb", MFD_CLOEXEC);
	struct dpkg_status st = { NULL, 0, 0, 0 };
	struct deb_err e;
	size_t n = 0;

	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size) {
		(void)deb_read_control(fd, &st, &e);
		(void)deb_read_data(fd, count, &n, &e);
	}
	dpkg_status_release(&st);
	close(fd);
	return 0;
}
