/*
 * opt - the one option parser every command uses (after git's
 * parse-options): a command declares a table of options, opt_parse() fills
 * the variables, removes the options from argv and returns the number of
 * arguments left.
 *
 *   -x, -xVALUE, -x VALUE, clustered flags (-af), --long, --long=VALUE,
 *   --long VALUE, "--" ends options.  Two rows may share a long name, one
 *   without a value and one with: --quiet is the first, --quiet=SET the
 *   second.  OPT_COUNT counts repeats (-tt, -ff).
 *   -h and --help print the usage and the option list on stdout and exit 0.
 *   Any error (unknown option, missing or bad value) prints one line and
 *   the usage synopsis on stderr and exits 2.  opt is therefore only for
 *   src/cmd/ and src/main.c.
 *
 * Flags: OPT_STOP_AT_ARG stops at the first non-option (for "-- CMD"
 * style commands); OPT_KEEP_DASHDASH leaves "--" in the returned argv.
 */
#ifndef STRANGER_UTIL_OPT_H
#define STRANGER_UTIL_OPT_H

#include <stddef.h>

enum opt_type {
	OPT_END = 0,
	OPT_BOOL,     /* int *, set to 1 */
	OPT_COUNT,    /* int *, incremented */
	OPT_STRING,   /* const char **, the argument */
	OPT_INT,      /* long *, decimal, checked */
	OPT_LIST,     /* struct strlist *, every occurrence appended */
	OPT_CALLBACK, /* cb(opt, arg); arg NULL when argh is NULL */
};

struct strlist {
	const char **v;
	size_t n;
};

struct opt;
typedef int (*opt_cb)(const struct opt *o, const char *arg);

struct opt {
	enum opt_type type;
	int short_name;        /* 0 if none */
	const char *long_name; /* NULL if none */
	void *value;
	const char *argh;      /* name of the argument in help; NULL: no argument */
	const char *help;
	opt_cb cb;
	long min, max;         /* OPT_INT range (both 0: any non-negative) */
};

enum { OPT_STOP_AT_ARG = 1, OPT_KEEP_DASHDASH = 2 };

int opt_parse(int argc, char **argv, const struct opt *opts,
	      const char *const *usage, unsigned flags);
_Noreturn void opt_usage_error(const char *const *usage, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void opt_print_help(const char *const *usage, const struct opt *opts);
void strlist_add(struct strlist *l, const char *s);
void strlist_release(struct strlist *l);
/* opt_parse_long - parse a decimal (or 0x hex) number; 0 or -1 */
int opt_parse_long(const char *s, long *out);

#endif
