#include "util/bpfutil.h"

#include <stdio.h>
#include "util/diag.h"

void bpf_errmsg_set(struct bpf_errmsg *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->text, sizeof(e->text), fmt, ap);
	va_end(ap);
}

int bpfutil_print_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

int bpfutil_print_stderr(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	return diag_vtext(fmt, ap);
}
