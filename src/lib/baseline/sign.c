#include "lib/baseline/sign.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include "util/hex.h"

#define PREFIX "stranger-signature ed25519 "

int sign_parse_line(const char *line, size_t len, unsigned char sig[64])
{
	size_t pl = sizeof(PREFIX) - 1;
	if (len && line[len - 1] == '\n')
		len--;
	if (len != pl + 128 || memcmp(line, PREFIX, pl))
		return -EINVAL;
	for (size_t i = 0; i < 64; i++) {
		int hi = hex_value_lower(line[pl + 2 * i]),
		    lo = hex_value_lower(line[pl + 2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		sig[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

static int open_file(const char *path, const char *mode, int create, FILE **out)
{
	int fd;
	if (create)
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	else
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	*out = fdopen(fd, mode);
	if (!*out) {
		int err = -errno;
		close(fd);
		return err;
	}
	return 0;
}

int sign_keygen(const char *priv, const char *pub)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);
	EVP_PKEY *key = NULL;
	FILE *f = NULL;
	int rc = -EIO;

	if (!ctx || EVP_PKEY_keygen_init(ctx) <= 0 || EVP_PKEY_keygen(ctx, &key) <= 0)
		goto out;
	if ((rc = open_file(priv, "w", 1, &f)))
		goto out;
	rc = PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL) ? 0 : -EIO;
	if (fclose(f) && !rc)
		rc = -errno;
	if (rc) {
		unlink(priv);
		goto out;
	}
	if ((rc = open_file(pub, "w", 1, &f))) {
		unlink(priv);
		goto out;
	}
	rc = PEM_write_PUBKEY(f, key) ? 0 : -EIO;
	if (fclose(f) && !rc)
		rc = -errno;
	if (rc) {
		unlink(priv);
		unlink(pub);
	}
out:
	EVP_PKEY_free(key);
	EVP_PKEY_CTX_free(ctx);
	return rc;
}

static int load_key(const char *path, int private, EVP_PKEY **key)
{
	FILE *f;
	int rc = open_file(path, "r", 0, &f);
	if (rc)
		return rc;
	*key = private ? PEM_read_PrivateKey(f, NULL, NULL, NULL)
		       : PEM_read_PUBKEY(f, NULL, NULL, NULL);
	fclose(f);
	if (!*key || EVP_PKEY_get_base_id(*key) != EVP_PKEY_ED25519) {
		EVP_PKEY_free(*key);
		*key = NULL;
		return -EINVAL;
	}
	return 0;
}

int sign_data(const char *priv, const void *data, size_t n, struct buf *line)
{
	EVP_PKEY *key;
	EVP_MD_CTX *md;
	unsigned char sig[64];
	size_t slen = sizeof(sig);
	int rc = load_key(priv, 1, &key);

	if (rc)
		return rc;
	md = EVP_MD_CTX_new();
	if (!md || EVP_DigestSignInit(md, NULL, NULL, NULL, key) <= 0 ||
	    EVP_DigestSign(md, sig, &slen, data, n) <= 0 || slen != sizeof(sig)) {
		rc = -EIO;
	} else {
		buf_addstr(line, PREFIX);
		for (size_t i = 0; i < slen; i++)
			buf_addf(line, "%02x", sig[i]);
		buf_addc(line, '\n');
	}
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(key);
	return rc;
}

int sign_check(const char *pub, const void *data, size_t n, const char *line, size_t len)
{
	EVP_PKEY *key;
	EVP_MD_CTX *md;
	unsigned char sig[64];
	int rc;

	if (sign_parse_line(line, len, sig))
		return -EINVAL;
	if ((rc = load_key(pub, 0, &key)))
		return rc;
	md = EVP_MD_CTX_new();
	if (!md || EVP_DigestVerifyInit(md, NULL, NULL, NULL, key) <= 0)
		rc = -EIO;
	else
		rc = EVP_DigestVerify(md, sig, sizeof(sig), data, n) == 1 ? 0 : -EBADMSG;
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(key);
	return rc;
}
