#include "lib/baseline/sha256x.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>
#define HAVE_SHANI 1
#else
#define HAVE_SHANI 0
#endif

static const uint32_t iv[8] = {
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

void sha256x_init(uint32_t h[8])
{
	memcpy(h, iv, sizeof(iv));
}

#if HAVE_SHANI

/* FIPS 180-4 round constants */
static const uint32_t K[64] __attribute__((aligned(16))) = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
	0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
	0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
	0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
	0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
	0xc67178f2,
};

#define SHANI __attribute__((target("sha,sse4.1,ssse3")))

int sha256x_available(void)
{
	const char *force = getenv("STRANGER_HASH");
	unsigned a, b, c, d;

	if (force && !strcmp(force, "libcrypto"))
		return 0;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return 0;
	if (!(b & (1u << 29))) /* SHA */
		return 0;
	if (!__get_cpuid(1, &a, &b, &c, &d))
		return 0;
	return (c & (1u << 19)) && (c & (1u << 9)); /* SSE4.1, SSSE3 */
}

/*
 * The SHA instructions keep the state as ABEF and CDGH; h[] is A..H.
 */
SHANI static inline void load_state(const uint32_t *h, __m128i *abef, __m128i *cdgh)
{
	__m128i t = _mm_loadu_si128((const __m128i *)h);
	__m128i u = _mm_loadu_si128((const __m128i *)(h + 4));

	t = _mm_shuffle_epi32(t, 0xB1); /* CDAB */
	u = _mm_shuffle_epi32(u, 0x1B); /* EFGH */
	*abef = _mm_alignr_epi8(t, u, 8);
	*cdgh = _mm_blend_epi16(u, t, 0xF0);
}

SHANI static inline void store_state(uint32_t *h, __m128i abef, __m128i cdgh)
{
	__m128i t = _mm_shuffle_epi32(abef, 0x1B); /* FEBA */

	cdgh = _mm_shuffle_epi32(cdgh, 0xB1); /* DCHG */
	_mm_storeu_si128((__m128i *)h, _mm_blend_epi16(t, cdgh, 0xF0));
	_mm_storeu_si128((__m128i *)(h + 4), _mm_alignr_epi8(cdgh, t, 8));
}

/*
 * One group of four rounds of lane l: w[l][g & 3] holds message words
 * 4g..4g+3, computed from the four groups before it past the first four.
 */
#define GROUP(l, g, d)                                                                             \
	do {                                                                                       \
		__m128i m_;                                                                        \
		if ((g) < 4)                                                                       \
			w[l][g] = _mm_shuffle_epi8(                                                \
			    _mm_loadu_si128((const __m128i *)((d) + 16 * (g))), bswap);            \
		else                                                                               \
			w[l][(g)&3] = _mm_sha256msg2_epu32(                                        \
			    _mm_add_epi32(                                                         \
				_mm_sha256msg1_epu32(w[l][(g)&3], w[l][((g) + 1) & 3]),            \
				_mm_alignr_epi8(w[l][((g) + 3) & 3], w[l][((g) + 2) & 3], 4)),     \
			    w[l][((g) + 3) & 3]);                                                  \
		m_ = _mm_add_epi32(w[l][(g)&3], k);                                                \
		s1[l] = _mm_sha256rnds2_epu32(s1[l], s0[l], m_);                                   \
		m_ = _mm_shuffle_epi32(m_, 0x0E);                                                  \
		s0[l] = _mm_sha256rnds2_epu32(s0[l], s1[l], m_);                                   \
	} while (0)

SHANI void sha256x_blocks1(uint32_t h[8], const unsigned char *p, size_t n)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
	__m128i s0[1], s1[1], w[1][4];

	load_state(h, &s0[0], &s1[0]);
	while (n--) {
		__m128i a0 = s0[0], a1 = s1[0];
#pragma GCC unroll 16
		for (int g = 0; g < 16; g++) {
			__m128i k = _mm_load_si128((const __m128i *)&K[4 * g]);
			GROUP(0, g, p);
		}
		s0[0] = _mm_add_epi32(s0[0], a0);
		s1[0] = _mm_add_epi32(s1[0], a1);
		p += SHA256X_BLOCK;
	}
	store_state(h, s0[0], s1[0]);
}

SHANI void sha256x_blocks4(uint32_t *h[SHA256X_LANES], const unsigned char *p[SHA256X_LANES],
			   size_t n)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
	__m128i s0[4], s1[4], w[4][4];
	const unsigned char *d0 = p[0], *d1 = p[1], *d2 = p[2], *d3 = p[3];

	for (int l = 0; l < 4; l++)
		load_state(h[l], &s0[l], &s1[l]);
	while (n--) {
		__m128i a0[4], a1[4];
		for (int l = 0; l < 4; l++) {
			a0[l] = s0[l];
			a1[l] = s1[l];
		}
#pragma GCC unroll 16
		for (int g = 0; g < 16; g++) {
			__m128i k = _mm_load_si128((const __m128i *)&K[4 * g]);
			GROUP(0, g, d0);
			GROUP(1, g, d1);
			GROUP(2, g, d2);
			GROUP(3, g, d3);
		}
		for (int l = 0; l < 4; l++) {
			s0[l] = _mm_add_epi32(s0[l], a0[l]);
			s1[l] = _mm_add_epi32(s1[l], a1[l]);
		}
		d0 += SHA256X_BLOCK;
		d1 += SHA256X_BLOCK;
		d2 += SHA256X_BLOCK;
		d3 += SHA256X_BLOCK;
	}
	for (int l = 0; l < 4; l++)
		store_state(h[l], s0[l], s1[l]);
}

#else /* !HAVE_SHANI */

int sha256x_available(void)
{
	return 0;
}

void sha256x_blocks1(uint32_t h[8], const unsigned char *p, size_t n)
{
	(void)h;
	(void)p;
	(void)n;
}

void sha256x_blocks4(uint32_t *h[SHA256X_LANES], const unsigned char *p[SHA256X_LANES], size_t n)
{
	(void)h;
	(void)p;
	(void)n;
}

#endif

void sha256x_final(uint32_t h[8], const unsigned char *tail, size_t tail_len,
		   unsigned long long total, unsigned char out[32])
{
	unsigned char blk[2 * SHA256X_BLOCK];
	unsigned long long bits = total * 8;
	size_t n = tail_len < 56 ? 1 : 2;

	memset(blk, 0, sizeof(blk));
	memcpy(blk, tail, tail_len);
	blk[tail_len] = 0x80;
	for (int i = 0; i < 8; i++)
		blk[n * SHA256X_BLOCK - 1 - i] = (unsigned char)(bits >> (8 * i));
	sha256x_blocks1(h, blk, n);
	for (int i = 0; i < 8; i++) {
		out[4 * i] = (unsigned char)(h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(h[i] >> 8);
		out[4 * i + 3] = (unsigned char)h[i];
	}
}
