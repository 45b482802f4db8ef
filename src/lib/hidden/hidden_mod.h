/*
 * hidden_mod - kernel modules, three ways: /proc/modules, /sys/module
 * (directories of loadable modules, the ones with an `initstate`), and the
 * module names that tag symbols in /proc/kallsyms ("[name]").  A module
 * that one view lists and another does not, after a re-read, is a
 * finding.  The kernel's taint flags (/proc/sys/kernel/tainted) are
 * decoded; module-related taint (P, O, E, F) that no listed module
 * carries is a finding too: the module that set it is gone or hiding.
 *
 * The parsers take one line of untrusted text, never read past n bytes
 * and never allocate; they are fuzzed.  A kernel built without module
 * support (no /proc/modules) has nothing to compare: no finding.
 */
#ifndef STRANGER_LIB_HIDDEN_MOD_H
#define STRANGER_LIB_HIDDEN_MOD_H

#include <stddef.h>

struct buf;
struct hidden_report;

#define HIDDEN_MOD_NAME_MAX 64 /* MODULE_NAME_LEN is 56 */

struct hidden_mod_line {
	char name[HIDDEN_MOD_NAME_MAX];
	char state[16]; /* Live, Loading, Unloading */
	char taint[32]; /* the letters between parentheses, or "" */
};

/* hidden_mod_parse_modules_line - one /proc/modules line; 0, or -1 if malformed */
int hidden_mod_parse_modules_line(const char *s, size_t n, struct hidden_mod_line *m);
/*
 * hidden_mod_parse_kallsyms_line - the module name of one /proc/kallsyms
 * line into name (NUL-terminated): 1 if the symbol belongs to a module,
 * 0 if it is the kernel's own (or a pseudo-module such as [bpf] or
 * [__builtin__*]), -1 if malformed.
 */
int hidden_mod_parse_kallsyms_line(const char *s, size_t n, char name[HIDDEN_MOD_NAME_MAX]);
/*
 * hidden_mod_taint_decode - append one letter per set bit, in the
 * kernel's order ("POE"), to letters (size >= 40, NUL-terminated), and
 * when long_out is not NULL the descriptions, comma-separated.
 */
void hidden_mod_taint_decode(unsigned long long taint, char *letters, struct buf *long_out);
/* hidden_mod_taint_letter - the letter of bit b, or '?' */
char hidden_mod_taint_letter(unsigned b);

/* hidden_scan_modules - the module cross-view; 0 or -errno */
int hidden_scan_modules(struct hidden_report *r, unsigned settle_ms);

#endif
