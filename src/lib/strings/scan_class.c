#include "lib/strings/scan.h"
#include "lib/strings/scan_int.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define SCAN_X86 1
#endif

void scan_cls_init(struct cls *c, const struct scan_opts *o, int single)
{
	memset(c, 0, sizeof(*c));
	for (int b = 0x20; b < 0x7f; b++)
		c->t[b] = 1;
	c->t['\t'] = 1;
	c->ws_hi = '\t';
	if (o->all_whitespace) {
		for (int b = '\t'; b <= '\r'; b++)
			c->t[b] = 1;
		c->ws_hi = '\r';
	}
	if (single && o->encoding == 'S') {
		for (int b = 0x80; b < 0x100; b++)
			c->t[b] = 1;
		c->high = 1;
	}
}

int scan_encoding_ok(int c)
{
	return c == 's' || c == 'S' || c == 'b' || c == 'l' || c == 'B' || c == 'L';
}

int scan_enc_bytes(int enc)
{
	return enc == 'b' || enc == 'l' ? 2 : enc == 'B' || enc == 'L' ? 4 : 1;
}

/*
 * Classification: g[w] bit i is set when p[64w + i] belongs to the class.
 * g has (n + 63) / 64 + 1 words; every bit at or past n is 0, so the last
 * word is always 0 and searches for a 0 bit always end.
 */
static int force_plain;

void scan_force_plain(int on)
{
	force_plain = on;
}

static uint64_t word_plain(const uint8_t *p, size_t len, const struct cls *c)
{
	uint64_t w = 0;
	for (size_t i = 0; i < len; i++)
		w |= (uint64_t)c->t[p[i]] << i;
	return w;
}

static void classify_plain(const uint8_t *p, size_t n, const struct cls *c, uint64_t *g)
{
	size_t nw = n / 64, w;
	for (w = 0; w < nw; w++)
		g[w] = word_plain(p + 64 * w, 64, c);
	if (n % 64)
		g[w++] = word_plain(p + 64 * nw, n % 64, c);
	g[w] = 0;
}

#ifdef SCAN_X86
static void classify_sse2(const uint8_t *p, size_t n, const struct cls *c, uint64_t *g)
{
	const __m128i lo1 = _mm_set1_epi8(8), hi1 = _mm_set1_epi8((char)(c->ws_hi + 1));
	const __m128i lo2 = _mm_set1_epi8(0x1f), hi2 = _mm_set1_epi8(0x7f);
	const __m128i hm = c->high ? _mm_set1_epi8(-1) : _mm_setzero_si128();
	const __m128i zero = _mm_setzero_si128();
	size_t nw = n / 64, w;

	for (w = 0; w < nw; w++) {
		uint64_t m = 0;
		for (int k = 0; k < 4; k++) {
			__m128i a = _mm_loadu_si128((const __m128i *)(p + 64 * w + 16 * k));
			__m128i r1 = _mm_and_si128(_mm_cmpgt_epi8(a, lo1), _mm_cmpgt_epi8(hi1, a));
			__m128i r2 = _mm_and_si128(_mm_cmpgt_epi8(a, lo2), _mm_cmpgt_epi8(hi2, a));
			__m128i r3 = _mm_and_si128(_mm_cmpgt_epi8(zero, a), hm);
			__m128i r = _mm_or_si128(_mm_or_si128(r1, r2), r3);
			m |= (uint64_t)(uint16_t)_mm_movemask_epi8(r) << (16 * k);
		}
		g[w] = m;
	}
	if (n % 64)
		g[w++] = word_plain(p + 64 * nw, n % 64, c);
	g[w] = 0;
}

__attribute__((target("avx2"))) static void classify_avx2(const uint8_t *p, size_t n,
							  const struct cls *c, uint64_t *g)
{
	const __m256i lo1 = _mm256_set1_epi8(8), hi1 = _mm256_set1_epi8((char)(c->ws_hi + 1));
	const __m256i lo2 = _mm256_set1_epi8(0x1f), hi2 = _mm256_set1_epi8(0x7f);
	const __m256i hm = c->high ? _mm256_set1_epi8(-1) : _mm256_setzero_si256();
	const __m256i zero = _mm256_setzero_si256();
	size_t nw = n / 64, w;

	for (w = 0; w < nw; w++) {
		__m256i a = _mm256_loadu_si256((const __m256i *)(p + 64 * w));
		__m256i b = _mm256_loadu_si256((const __m256i *)(p + 64 * w + 32));
		__m256i ra = _mm256_or_si256(
		    _mm256_or_si256(
			_mm256_and_si256(_mm256_cmpgt_epi8(a, lo1), _mm256_cmpgt_epi8(hi1, a)),
			_mm256_and_si256(_mm256_cmpgt_epi8(a, lo2), _mm256_cmpgt_epi8(hi2, a))),
		    _mm256_and_si256(_mm256_cmpgt_epi8(zero, a), hm));
		__m256i rb = _mm256_or_si256(
		    _mm256_or_si256(
			_mm256_and_si256(_mm256_cmpgt_epi8(b, lo1), _mm256_cmpgt_epi8(hi1, b)),
			_mm256_and_si256(_mm256_cmpgt_epi8(b, lo2), _mm256_cmpgt_epi8(hi2, b))),
		    _mm256_and_si256(_mm256_cmpgt_epi8(zero, b), hm));
		g[w] = (uint64_t)(uint32_t)_mm256_movemask_epi8(ra) |
		       (uint64_t)(uint32_t)_mm256_movemask_epi8(rb) << 32;
	}
	if (n % 64)
		g[w++] = word_plain(p + 64 * nw, n % 64, c);
	g[w] = 0;
}

__attribute__((target("avx512f,avx512bw"))) static void
classify_avx512(const uint8_t *p, size_t n, const struct cls *c, uint64_t *g)
{
	const __m512i b20 = _mm512_set1_epi8(0x20), n5f = _mm512_set1_epi8(0x5f);
	const __m512i b09 = _mm512_set1_epi8(9);
	const __m512i nws = _mm512_set1_epi8((char)(c->ws_hi - 9 + 1));
	const uint64_t high = c->high ? ~0ULL : 0;
	size_t nw = n / 64, w;

	for (w = 0; w < nw; w++) {
		__m512i a = _mm512_loadu_si512((const void *)(p + 64 * w));
		/* unsigned a - lo < count: one compare per range */
		__mmask64 m = _mm512_cmplt_epu8_mask(_mm512_sub_epi8(a, b20), n5f) |
			      _mm512_cmplt_epu8_mask(_mm512_sub_epi8(a, b09), nws) |
			      (_mm512_movepi8_mask(a) & high);
		g[w] = (uint64_t)m;
	}
	if (n % 64)
		g[w++] = word_plain(p + 64 * nw, n % 64, c);
	g[w] = 0;
}
#endif

classify_fn scan_classifier(void)
{
	if (force_plain)
		return classify_plain;
#ifdef SCAN_X86
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx512bw"))
		return classify_avx512;
	if (__builtin_cpu_supports("avx2"))
		return classify_avx2;
	if (__builtin_cpu_supports("sse2"))
		return classify_sse2;
#endif
	return classify_plain;
}
