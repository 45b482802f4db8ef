/*
 * dnsfake - the sinkhole's DNS server: one query in, one answer out.
 *
 * dnsfake_answer() reads a DNS query (RFC 1035: a 12-byte header, one
 * question of length-prefixed labels, QTYPE, QCLASS) from untrusted bytes
 * and writes the answer into out: the same ID and question, "no error",
 * and for an A (or ANY) question one A record, TTL 60, with the address
 * given; for any other type no records, so a resolver falls back to A.
 * The name is returned as text, every byte escaped (util/escape), at most
 * namecap-1 bytes (a longer one is cut, never overrun).
 *
 * Returns the answer's length, or -1 when the bytes are not a query this
 * server answers (a response, another opcode, no question, a compressed or
 * overlong name, a short packet).  Never reads beyond n, never writes
 * beyond cap.
 */
#ifndef STRANGER_LIB_SANDBOX_DNSFAKE_H
#define STRANGER_LIB_SANDBOX_DNSFAKE_H

#include <stddef.h>

int dnsfake_answer(const unsigned char *q, size_t n, const unsigned char addr[4],
		   unsigned char *out, size_t cap, char *name, size_t namecap, unsigned *qtype);

#endif
