/*
 * sign - an Ed25519 signature over a baseline DB, with a key kept off the
 * host.
 *
 * The DB's own last line (a SHA-256 of the rest) catches accidents; an
 * intruder who edits the DB can compute it again.  A signature cannot be
 * made again without the private key, which the responder keeps elsewhere
 * (`stranger keygen` makes the pair; only the public key needs to be on
 * the machine that verifies).
 *
 * Files: keys are PEM (PKCS#8 private key, mode 0600; SubjectPublicKeyInfo
 * public key), readable by `openssl pkey`.  The signature of DB is DB.sig,
 * one line: "stranger-signature ed25519 <128 hex digits>\n", over every
 * byte of DB.
 *
 * Errors: 0 or -errno; -EBADMSG: the signature does not match; -EINVAL: a
 * key or signature file that is not one; -ENOENT: no such file.
 */
#ifndef STRANGER_LIB_SIGN_H
#define STRANGER_LIB_SIGN_H

#include <stddef.h>

#include "util/buf.h"

#define SIGN_SUFFIX ".sig"

/* sign_keygen - a new pair: priv (created, 0600, must not exist) and pub */
int sign_keygen(const char *priv, const char *pub);
/* sign_data - the signature line for data[0..n) with the private key */
int sign_data(const char *priv, const void *data, size_t n, struct buf *line);
/*
 * sign_check - 0 if line is a valid signature of data[0..n) under the
 * public key pub; -EBADMSG if not.
 */
int sign_check(const char *pub, const void *data, size_t n, const char *line, size_t len);
/* sign_parse_line - the 64 signature bytes of a signature line; 0 or -EINVAL */
int sign_parse_line(const char *line, size_t len, unsigned char sig[64]);

#endif
