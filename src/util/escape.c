#include "util/escape.h"

#include <string.h>

#include "util/buf.h"
#include "util/hex.h"

static const char hexdig[] = "0123456789abcdef";

static void escape_impl(struct buf *out, const unsigned char *s, size_t n, int nospace)
{
	size_t i, run = 0;

	buf_grow(out, n);
	for (i = 0; i < n; i++) {
		unsigned char c = s[i];
		if (c > 0x20 && c < 0x7f && c != '\\') {
			continue;
		}
		if (c == ' ' && !nospace)
			continue;
		buf_add(out, s + run, i - run);
		run = i + 1;
		if (c == '\\')
			buf_add(out, "\\\\", 2);
		else if (c == '\n')
			buf_add(out, "\\n", 2);
		else if (c == '\t')
			buf_add(out, "\\t", 2);
		else {
			char e[4] = { '\\', 'x', hexdig[c >> 4], hexdig[c & 15] };
			buf_add(out, e, 4);
		}
	}
	buf_add(out, s + run, n - run);
}

void escape_bytes(struct buf *out, const void *p, size_t n)
{
	escape_impl(out, p, n, 0);
}

void escape_bytes_nospace(struct buf *out, const void *p, size_t n)
{
	escape_impl(out, p, n, 1);
}

void escape_str(struct buf *out, const char *s)
{
	escape_impl(out, (const unsigned char *)s, strlen(s), 0);
}

int escape_is_clean(const void *p, size_t n)
{
	const unsigned char *s = p;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] >= 0x7f || s[i] == '\\')
			return 0;
	return 1;
}

int escape_unescape(struct buf *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\\') {
			buf_addc(out, s[i]);
			continue;
		}
		if (++i >= n)
			return -1;
		switch (s[i]) {
		case '\\':
			buf_addc(out, '\\');
			break;
		case 'n':
			buf_addc(out, '\n');
			break;
		case 't':
			buf_addc(out, '\t');
			break;
		case 'x': {
			int hi, lo;
			if (i + 2 >= n)
				return -1;
			hi = hex_value((unsigned char)s[i + 1]);
			lo = hex_value((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			buf_addc(out, hi << 4 | lo);
			i += 2;
			break;
		}
		default:
			return -1;
		}
	}
	return 0;
}

void escape_json(struct buf *out, const char *s, size_t n)
{
	buf_addc(out, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			buf_addc(out, '\\');
			buf_addc(out, c);
		} else if (c < 0x20 || c == 0x7f || c >= 0x80) {
			/* not reached for escaped text; kept total for safety */
			buf_addf(out, "\\u%04x", c);
		} else {
			buf_addc(out, c);
		}
	}
	buf_addc(out, '"');
}
