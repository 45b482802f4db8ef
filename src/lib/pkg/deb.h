/*
 * deb - read a Debian binary package (.deb) without dpkg: an ar(1) archive
 * holding debian-binary, control.tar[.gz|.xz|.zst] and
 * data.tar[.gz|.xz|.zst|.bz2], read with libarchive as a stream (nothing
 * is unpacked to disk).
 *
 * deb_read_control() parses the control file into one dpkg_pkg (its
 * Package, Version, Architecture, Multi-Arch).  deb_read_data() calls fn
 * for every entry of the data archive with its path made absolute
 * ("./usr/bin/x" -> "/usr/bin/x"), its type, mode and, for a regular file,
 * the SHA-256 of its contents; a hard link names the path it links to.
 *
 * Errors: 0, or -errno for a file that cannot be read, -EINVAL for an
 * archive that is not a .deb or is damaged (with libarchive's reason in
 * `why`).  A non-zero return from fn stops the reading and is returned.
 */
#ifndef STRANGER_LIB_DEB_H
#define STRANGER_LIB_DEB_H

#include <stddef.h>

#include "lib/pkg/dpkg.h"
#include "lib/baseline/hash.h"

struct deb_file {
	const char *path;
	char type; /* f d l c b p h (hard link) */
	unsigned mode;
	unsigned long long size;
	unsigned char sha[HASH_LEN]; /* type f */
	const char *target;	     /* type l: the link; h: the linked path */
};

struct deb_err {
	char why[200];
};

int deb_read_control(int fd, struct dpkg_status *out, struct deb_err *e);
int deb_read_data(int fd, int (*fn)(const struct deb_file *f, void *ctx), void *ctx,
		  struct deb_err *e);

#endif
