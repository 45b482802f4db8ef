#include "lib/baseline/hash.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "util/diag.h"
#include "util/xalloc.h"
#include "util/noatime.h"

/*
 * Algorithms are fetched from the provider once: an implicit fetch on
 * every init takes a lock and a table lookup, which shows when tens of
 * thousands of small files are hashed on every core.
 */
static EVP_MD *fetched[2];
static pthread_once_t fetch_once = PTHREAD_ONCE_INIT;

static void fetch_all(void)
{
	fetched[HASH_SHA256] = EVP_MD_fetch(NULL, "SHA256", NULL);
	fetched[HASH_MD5] = EVP_MD_fetch(NULL, "MD5", NULL);
}

static const EVP_MD *md_of(enum hash_alg alg)
{
	pthread_once(&fetch_once, fetch_all);
	if (fetched[alg])
		return fetched[alg];
	return alg == HASH_MD5 ? EVP_md5() : EVP_sha256();
}

void hash_init_alg(struct hash_ctx *h, enum hash_alg alg)
{
	h->alg = alg;
	h->md = EVP_MD_CTX_new();
	if (!h->md || !EVP_DigestInit_ex2(h->md, md_of(alg), NULL))
		bug("hash: cannot set up the digest");
}

void hash_init(struct hash_ctx *h)
{
	hash_init_alg(h, HASH_SHA256);
}

void hash_restart(struct hash_ctx *h)
{
	if (!EVP_DigestInit_ex2(h->md, md_of(h->alg), NULL))
		bug("hash: cannot set up the digest");
}

void hash_digest(struct hash_ctx *h, unsigned char out[HASH_LEN])
{
	unsigned int len = HASH_LEN;
	if (!EVP_DigestFinal_ex(h->md, out, &len) ||
	    len != (h->alg == HASH_MD5 ? HASH_MD5_LEN : HASH_LEN))
		bug("hash: final failed");
}

int hash_read(struct hash_ctx *h, int fd, char *blk, size_t n, unsigned long long size,
	      unsigned long long *got)
{
	unsigned long long total = 0;
	int rc = 0;

	for (;;) {
		ssize_t r = read(fd, blk, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = -errno;
			break;
		}
		if (r == 0)
			break;
		hash_update(h, blk, (size_t)r);
		total += (unsigned long long)r;
		if ((size_t)r < n && total >= size)
			break;
	}
	if (got)
		*got = total;
	return rc;
}

void hash_update(struct hash_ctx *h, const void *p, size_t n)
{
	if (n && !EVP_DigestUpdate(h->md, p, n))
		bug("hash: update failed");
}

void hash_final(struct hash_ctx *h, unsigned char out[HASH_LEN])
{
	hash_digest(h, out);
	hash_free(h);
}

void hash_free(struct hash_ctx *h)
{
	EVP_MD_CTX_free(h->md);
	h->md = NULL;
}

void hash_buf(const void *p, size_t n, unsigned char out[HASH_LEN])
{
	struct hash_ctx h;
	hash_init(&h);
	hash_update(&h, p, n);
	hash_final(&h, out);
}

void hash_hex(const unsigned char d[HASH_LEN], char out[HASH_HEX_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < HASH_LEN; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[HASH_HEX_LEN] = '\0';
}

int hash_fd(int fd, unsigned char out[HASH_LEN], unsigned long long *size)
{
	enum { CHUNK = 1 << 20 };
	char *blk = xmalloc(CHUNK);
	struct hash_ctx h;
	int rc;

	hash_init(&h);
	rc = hash_read(&h, fd, blk, CHUNK, ~0ULL, size);
	hash_final(&h, out);
	free(blk);
	return rc;
}

int hash_file_at(int dirfd, const char *path, unsigned char out[HASH_LEN], unsigned long long *size)
{
	int fd = noatime_open(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	int rc;

	if (fd < 0)
		return -errno;
	rc = hash_fd(fd, out, size);
	close(fd);
	return rc;
}
