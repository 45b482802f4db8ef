/*
 * dnsfake - the sinkhole's DNS server.  See dnsfake.h.
 */
#include <string.h>

#include "lib/sandbox/dnsfake.h"
#include "util/buf.h"
#include "util/escape.h"

int dnsfake_answer(const unsigned char *q, size_t n, const unsigned char addr[4],
		   unsigned char *out, size_t cap, char *name, size_t namecap, unsigned *qtype)
{
	struct buf text = BUF_INIT;
	size_t p = 12, qend, len;
	unsigned type, ancount;

	if (n < 12 || (q[2] & 0x80) || (q[2] & 0x78) || ((q[4] << 8) | q[5]) < 1)
		return -1;
	/* the question's name: labels of 1..63 bytes, 255 in all */
	while (p < n && q[p]) {
		size_t l = q[p];
		if (l > 63 || p + 1 + l >= n || p - 12 + 1 + l > 255) {
			buf_release(&text);
			return -1;
		}
		if (text.len)
			buf_addc(&text, '.');
		escape_bytes(&text, q + p + 1, l);
		p += 1 + l;
	}
	if (p + 5 > n) {
		buf_release(&text);
		return -1;
	}
	type = (unsigned)(q[p + 1] << 8 | q[p + 2]);
	qend = p + 5;
	ancount = type == 1 || type == 255;
	len = qend + (ancount ? 16 : 0);
	if (len > cap) {
		buf_release(&text);
		return -1;
	}
	memcpy(out, q, qend);
	out[2] = (unsigned char)(0x84 | (q[2] & 0x01)); /* QR, AA, RD as asked */
	out[3] = 0x80;					/* RA, no error */
	out[4] = 0;
	out[5] = 1;
	out[6] = 0;
	out[7] = (unsigned char)ancount;
	memset(out + 8, 0, 4);
	if (ancount) {
		unsigned char *a = out + qend;
		static const unsigned char rr[] = { 0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4 };
		memcpy(a, rr, sizeof(rr));
		memcpy(a + sizeof(rr), addr, 4);
	}
	if (namecap) {
		size_t k = text.len < namecap - 1 ? text.len : namecap - 1;
		memcpy(name, text.data, k);
		name[k] = '\0';
	}
	*qtype = type;
	buf_release(&text);
	return (int)len;
}
