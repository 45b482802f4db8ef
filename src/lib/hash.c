#include "lib/hash.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "util/diag.h"
#include "util/xalloc.h"

/*
 * The algorithm is fetched from the provider once: an implicit fetch on
 * every init takes a lock and a table lookup, which shows when tens of
 * thousands of small files are hashed on every core.
 */
static EVP_MD *sha256;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void fetch_sha256(void)
{
	sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
}

void hash_init(struct hash_ctx *h)
{
	pthread_once(&sha256_once, fetch_sha256);
	h->md = EVP_MD_CTX_new();
	if (!h->md || !EVP_DigestInit_ex2(h->md, sha256 ? sha256 : EVP_sha256(), NULL))
		bug("hash: cannot set up SHA-256");
}

void hash_restart(struct hash_ctx *h)
{
	if (!EVP_DigestInit_ex2(h->md, sha256 ? sha256 : EVP_sha256(), NULL))
		bug("hash: cannot set up SHA-256");
}

void hash_digest(struct hash_ctx *h, unsigned char out[HASH_LEN])
{
	unsigned int len = HASH_LEN;
	if (!EVP_DigestFinal_ex(h->md, out, &len) || len != HASH_LEN)
		bug("hash: final failed");
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
	unsigned long long total = 0;
	int rc = 0;

	hash_init(&h);
	for (;;) {
		ssize_t n = read(fd, blk, CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			break;
		}
		if (n == 0)
			break;
		hash_update(&h, blk, (size_t)n);
		total += (unsigned long long)n;
	}
	hash_final(&h, out);
	free(blk);
	if (size)
		*size = total;
	return rc;
}

int hash_file_at(int dirfd, const char *path, unsigned char out[HASH_LEN],
		 unsigned long long *size)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOATIME | O_NOFOLLOW);
	int rc;

	if (fd < 0 && errno == EPERM)
		fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	rc = hash_fd(fd, out, size);
	close(fd);
	return rc;
}
