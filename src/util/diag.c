#include "util/diag.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

static const char *command;
static void (*hook)(const char *, const char *, void *);
static void *hook_ctx;
static unsigned nwarnings;
static int quiet;

void diag_set_command(const char *cmd)
{
	command = cmd;
}
const char *diag_command(void)
{
	return command;
}
void diag_quiet(int on)
{
	quiet = on;
}
unsigned diag_warnings(void)
{
	return nwarnings;
}

void diag_set_hook(void (*fn)(const char *, const char *, void *), void *ctx)
{
	hook = fn;
	hook_ctx = ctx;
}

static void report(const char *level, int err, const char *fmt, va_list ap)
{
	char msg[2048];
	int n = vsnprintf(msg, sizeof(msg), fmt, ap), bare;

	if (n >= 0 && (size_t)n >= sizeof(msg))
		memcpy(msg + sizeof(msg) - 4, "...", 4);
	if (err) {
		size_t len = strlen(msg);
		snprintf(msg + len, sizeof(msg) - len, ": %s", strerror(err));
	}
	if (hook)
		hook(level, msg, hook_ctx);
	if (quiet && (!strcmp(level, "warning") || !strcmp(level, "note")))
		return;
	bare = !strcmp(level, "error") || !strcmp(level, "note");
	fflush(stdout);
	fprintf(stderr, "stranger: %s%s%s%s%s\n", command ? command : "", command ? ": " : "",
		bare ? "" : level, bare ? "" : ": ", msg);
}

void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report("error", 0, fmt, ap);
	va_end(ap);
	exit(2);
}

void die_errno(const char *fmt, ...)
{
	int err = errno;
	va_list ap;
	va_start(ap, fmt);
	report("error", err, fmt, ap);
	va_end(ap);
	exit(2);
}

int error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report("error", 0, fmt, ap);
	va_end(ap);
	return -1;
}

int error_errno(const char *fmt, ...)
{
	int err = errno;
	va_list ap;
	va_start(ap, fmt);
	report("error", err, fmt, ap);
	va_end(ap);
	return -1;
}

void warning(const char *fmt, ...)
{
	va_list ap;
	nwarnings++;
	va_start(ap, fmt);
	report("warning", 0, fmt, ap);
	va_end(ap);
}

void warning_errno(const char *fmt, ...)
{
	int err = errno;
	va_list ap;
	nwarnings++;
	va_start(ap, fmt);
	report("warning", err, fmt, ap);
	va_end(ap);
}

void note(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report("note", 0, fmt, ap);
	va_end(ap);
}

void bug(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report("BUG", 0, fmt, ap);
	va_end(ap);
	abort();
}

void diag_usage(const char *synopsis)
{
	fprintf(stderr, "usage: %s\n", synopsis);
}

int diag_vtext(const char *fmt, va_list ap)
{
	return vfprintf(stderr, fmt, ap);
}

void diag_progress(const char *fmt, ...)
{
	va_list ap;

	fputc('\r', stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\033[K", stderr);
	fflush(stderr);
}

void diag_progress_clear(void)
{
	fputs("\r\033[K", stderr);
	fflush(stderr);
}
