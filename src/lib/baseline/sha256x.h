/*
 * sha256x - SHA-256 of four streams at once, with the CPU's SHA
 * instructions (x86-64 SHA extensions).
 *
 * One stream of SHA-256 is a chain: each round waits for the one before,
 * so a core with SHA instructions spends most of its time waiting on
 * their latency, whichever library issues them.  Four independent streams
 * interleaved keep those units busy: here 1.9x the throughput of one
 * stream on the same core.  A baseline hashes many files, so it always
 * has four streams to give (see basedb.c).
 *
 * The caller keeps each stream's state (eight words, sha256x_init) and
 * feeds whole 64-byte blocks; sha256x_final pads the last partial block
 * and writes the digest.  sha256x_available() says whether the CPU has
 * the instructions (and STRANGER_HASH=libcrypto in the environment does
 * not ask for libcrypto instead); without them the other functions must
 * not be called (callers use libcrypto through lib/hash instead).
 */
#ifndef STRANGER_LIB_SHA256X_H
#define STRANGER_LIB_SHA256X_H

#include <stddef.h>
#include <stdint.h>

#define SHA256X_LANES 4
#define SHA256X_BLOCK 64

int sha256x_available(void);
void sha256x_init(uint32_t h[8]);
/* n blocks of one stream */
void sha256x_blocks1(uint32_t h[8], const unsigned char *p, size_t n);
/* n blocks of each of four streams */
void sha256x_blocks4(uint32_t *h[SHA256X_LANES], const unsigned char *p[SHA256X_LANES], size_t n);
/*
 * sha256x_final - hash the tail (fewer than 64 bytes) and the padding of
 * a stream of total bytes in all, and write the digest
 */
void sha256x_final(uint32_t h[8], const unsigned char *tail, size_t tail_len,
		   unsigned long long total, unsigned char out[32]);

#endif
