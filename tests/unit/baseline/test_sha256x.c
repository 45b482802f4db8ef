/*
 * Unit tests for lib/sha256x: every length around the block and padding
 * edges, one lane and four lanes of different data, against libcrypto.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/baseline/hash.h"
#include "lib/baseline/sha256x.h"

static unsigned char *random_bytes(size_t n, unsigned seed)
{
	unsigned char *p = malloc(n ? n : 1);
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (unsigned char)(seed >> 16);
	}
	return p;
}

static void one(const unsigned char *p, size_t n, unsigned char out[32])
{
	uint32_t h[8];
	size_t full = n / SHA256X_BLOCK;

	sha256x_init(h);
	sha256x_blocks1(h, p, full);
	sha256x_final(h, p + full * SHA256X_BLOCK, n % SHA256X_BLOCK, n, out);
}

static void test_known_vectors(void **state)
{
	unsigned char d[32];
	char hex[HASH_HEX_LEN + 1];
	(void)state;
	if (!sha256x_available())
		skip();
	one((const unsigned char *)"", 0, d);
	hash_hex(d, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	one((const unsigned char *)"abc", 3, d);
	hash_hex(d, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_every_length(void **state)
{
	unsigned char *p = random_bytes(1100, 7);
	unsigned char a[32], b[32];
	(void)state;
	if (!sha256x_available()) {
		free(p);
		skip();
	}
	for (size_t n = 0; n <= 1100; n++) {
		one(p, n, a);
		hash_buf(p, n, b);
		assert_memory_equal(a, b, 32);
	}
	free(p);
}

static void test_four_lanes(void **state)
{
	enum { BLOCKS = 37 };
	unsigned char *p[SHA256X_LANES];
	const unsigned char *cp[SHA256X_LANES];
	uint32_t h[SHA256X_LANES][8], *hp[SHA256X_LANES];
	unsigned char got[32], want[32];
	size_t tail[SHA256X_LANES] = { 0, 1, 55, 63 };
	(void)state;
	if (!sha256x_available())
		skip();
	for (int l = 0; l < SHA256X_LANES; l++) {
		p[l] = random_bytes(BLOCKS * SHA256X_BLOCK + 63, 100 + (unsigned)l);
		cp[l] = p[l];
		hp[l] = h[l];
		sha256x_init(h[l]);
	}
	/* some blocks together, then the rest one lane at a time */
	sha256x_blocks4(hp, cp, 20);
	for (int l = 0; l < SHA256X_LANES; l++) {
		size_t n = BLOCKS * SHA256X_BLOCK + tail[l];
		sha256x_blocks1(h[l], p[l] + 20 * SHA256X_BLOCK, BLOCKS - 20);
		sha256x_final(h[l], p[l] + BLOCKS * SHA256X_BLOCK, tail[l], n, got);
		hash_buf(p[l], n, want);
		assert_memory_equal(got, want, 32);
		free(p[l]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_vectors),
		cmocka_unit_test(test_every_length),
		cmocka_unit_test(test_four_lanes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
