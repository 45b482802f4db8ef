/*
 * escape - the one routine that makes untrusted bytes printable.
 *
 * Rule (DESIGN.md): printable ASCII (0x20..0x7e) passes as is, except the
 * backslash, which becomes "\\"; newline becomes "\n", tab "\t"; every
 * other byte, including all of 0x80..0xff and every control byte, becomes
 * "\xNN" (lowercase hex).  The rule is reversible (escape_unescape), so
 * nothing is lost, and its output never contains a control byte, so it can
 * never drive a terminal.
 *
 * A JSON string holds the escaped text, JSON-escaped again (only `"` and
 * `\` need it, as the escaped text has no control bytes).
 */
#ifndef STRANGER_UTIL_ESCAPE_H
#define STRANGER_UTIL_ESCAPE_H

#include <stddef.h>

struct buf;

void escape_bytes(struct buf *out, const void *p, size_t n);
void escape_str(struct buf *out, const char *s);
/* escape_space - as escape_bytes, and a space becomes \x20 (table fields) */
void escape_bytes_nospace(struct buf *out, const void *p, size_t n);
/* escape_unescape - reverse escape_bytes; 0, or -1 on a malformed escape */
int escape_unescape(struct buf *out, const char *s, size_t n);
/* escape_json - append s as a quoted JSON string (s already escaped) */
void escape_json(struct buf *out, const char *s, size_t n);
/* escape_is_clean - 1 if the bytes need no escaping */
int escape_is_clean(const void *p, size_t n);

#endif
