/*
 * bpfutil - what the BPF users in lib/ share: the last error of a module,
 * kept as a message for the command to print (lib/ does not print), and
 * the callbacks that send libbpf's own messages nowhere or to stderr.
 */
#ifndef STRANGER_LIB_BPFUTIL_H
#define STRANGER_LIB_BPFUTIL_H

#include <bpf/libbpf.h>
#include <stdarg.h>

struct bpf_errmsg {
	char text[256];
};

void bpf_errmsg_set(struct bpf_errmsg *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int bpfutil_print_quiet(enum libbpf_print_level level, const char *fmt, va_list ap);
int bpfutil_print_stderr(enum libbpf_print_level level, const char *fmt, va_list ap);

#endif
