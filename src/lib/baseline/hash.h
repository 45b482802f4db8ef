/*
 * hash - SHA-256 through libcrypto (which uses SHA-NI or AVX2 where the CPU
 * has them).  A streaming context for evidence written piece by piece, and
 * helpers for whole files and buffers.  Digests print as 64 lowercase hex
 * characters, as sha256sum prints them.
 *
 * Errors: hash_file returns 0 or -errno; it reads with O_NOATIME where
 * allowed so hashing never changes an access time.
 */
#ifndef STRANGER_LIB_HASH_H
#define STRANGER_LIB_HASH_H

#include <stddef.h>

#define HASH_LEN 32
#define HASH_HEX_LEN 64
#define HASH_MD5_LEN 16

enum hash_alg { HASH_SHA256, HASH_MD5 };

struct hash_ctx {
	void *md; /* EVP_MD_CTX */
	enum hash_alg alg;
};

void hash_init(struct hash_ctx *h);
/* hash_init_alg - SHA-256, or MD5 for the package database's md5sums */
void hash_init_alg(struct hash_ctx *h, enum hash_alg alg);
void hash_update(struct hash_ctx *h, const void *p, size_t n);
/* hash_final - write the digest and release the context */
void hash_final(struct hash_ctx *h, unsigned char out[HASH_LEN]);
/*
 * For one context used on many files: hash_digest writes the digest (16
 * bytes for MD5) and keeps the context, hash_restart begins a new digest
 * in it, hash_free releases it.
 */
void hash_digest(struct hash_ctx *h, unsigned char out[HASH_LEN]);
void hash_restart(struct hash_ctx *h);
void hash_free(struct hash_ctx *h);
void hash_buf(const void *p, size_t n, unsigned char out[HASH_LEN]);
/* hash_hex - 64 hex characters and a NUL into out */
void hash_hex(const unsigned char digest[HASH_LEN], char out[HASH_HEX_LEN + 1]);
/*
 * hash_read - feed fd, from its offset to its end, into h, reading through
 * blk (n bytes).  A short read once size bytes are in is the end (regular
 * files read short only there; it saves a read per small file); ~0ULL
 * when the size is not known.  0 or -errno; *got (may be NULL): bytes read.
 */
int hash_read(struct hash_ctx *h, int fd, char *blk, size_t n, unsigned long long size,
	      unsigned long long *got);
/* hash_fd - hash from the current offset to EOF; 0 or -errno */
int hash_fd(int fd, unsigned char out[HASH_LEN], unsigned long long *size);
int hash_file_at(int dirfd, const char *path, unsigned char out[HASH_LEN],
		 unsigned long long *size);

#endif
