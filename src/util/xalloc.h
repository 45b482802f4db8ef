/*
 * xalloc - allocation that cannot fail silently.
 *
 * Every function here either returns usable memory or prints
 * "stranger: out of memory" and exits with status 2.  Size computations
 * are overflow-checked (xmallocarray, xreallocarray), so a hostile count
 * read from a suspect process can never wrap into a short allocation.
 */
#ifndef STRANGER_UTIL_XALLOC_H
#define STRANGER_UTIL_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
void *xmallocarray(size_t nmemb, size_t size);
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
void *xmemdup(const void *p, size_t n);

#endif
