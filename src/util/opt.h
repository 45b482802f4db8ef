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
 *
 * Rows are written with the typed helpers below, one per kind:
 *
 *   const struct opt opts[] = {
 *       OPT_STRING('o', "output", &dir, "DIR", "the folder to create"),
 *       OPT_BOOL(0, "json", &json, "JSON Lines output"),
 *       OPT_LONG('n', "bytes", &min, "MIN", "shortest string", 1, 4096),
 *       OPT_END(),
 *   };
 *
 * Each helper checks the type of the variable it is given (_Generic with
 * one association), so an int written through a long *, or a flag stored
 * in a char *, is a compile error, not a corrupted neighbour.  A helper
 * has the name of its row type; a bare OPT_BOOL (no parenthesis) is still
 * the enum constant, for tables not yet written with the helpers.
 */
#ifndef STRANGER_UTIL_OPT_H
#define STRANGER_UTIL_OPT_H

#include <stddef.h>

enum opt_type {
	OPT_END = 0,
	OPT_BOOL,     /* int *, set to 1 */
	OPT_COUNT,    /* int *, incremented */
	OPT_STRING,   /* const char **, the argument */
	OPT_INT,      /* long *, decimal, checked (the OPT_LONG() row) */
	OPT_LIST,     /* struct strlist *, every occurrence appended */
	OPT_CALLBACK, /* cb(opt, arg); arg NULL when argh is NULL */
	OPT_INT_INT,  /* int *, decimal, checked (the OPT_INT() row) */
};

struct strlist {
	const char **v;
	size_t n;
};

struct opt;
typedef int (*opt_cb)(const struct opt *o, const char *arg);

struct opt {
	enum opt_type type;
	int short_name;	       /* 0 if none */
	const char *long_name; /* NULL if none */
	void *value;
	const char *argh; /* name of the argument in help; NULL: no argument */
	const char *help;
	opt_cb cb;
	long min, max; /* OPT_INT range (both 0: any non-negative) */
};

/* OPT_TYPED - v itself, if it has type T; a compile error otherwise */
#define OPT_TYPED(T, v) _Generic((v), T : (v))

/* s: short name (0 for none), l: long name (NULL for none), v: where the
 * value goes, a: the argument's name in --help, h: the help line */
#define OPT_BOOL(s, l, v, h)                                                                       \
	{                                                                                          \
		.type = OPT_BOOL, .short_name = (s), .long_name = (l),                             \
		.value = OPT_TYPED(int *, v), .help = (h)                                          \
	}
#define OPT_COUNT(s, l, v, h)                                                                      \
	{                                                                                          \
		.type = OPT_COUNT, .short_name = (s), .long_name = (l),                            \
		.value = OPT_TYPED(int *, v), .help = (h)                                          \
	}
#define OPT_STRING(s, l, v, a, h)                                                                  \
	{                                                                                          \
		.type = OPT_STRING, .short_name = (s), .long_name = (l),                           \
		.value = OPT_TYPED(const char **, v), .argh = (a), .help = (h)                     \
	}
/* OPT_INT, OPT_LONG - a decimal (or 0x) number in [lo, hi]; both 0: any
 * number from 0 up */
#define OPT_INT(s, l, v, a, h, lo, hi)                                                             \
	{                                                                                          \
		.type = OPT_INT_INT, .short_name = (s), .long_name = (l),                          \
		.value = OPT_TYPED(int *, v), .argh = (a), .help = (h), .min = (lo), .max = (hi)   \
	}
#define OPT_LONG(s, l, v, a, h, lo, hi)                                                            \
	{                                                                                          \
		.type = OPT_INT, .short_name = (s), .long_name = (l),                              \
		.value = OPT_TYPED(long *, v), .argh = (a), .help = (h), .min = (lo), .max = (hi)  \
	}
#define OPT_LIST(s, l, v, a, h)                                                                    \
	{                                                                                          \
		.type = OPT_LIST, .short_name = (s), .long_name = (l),                             \
		.value = OPT_TYPED(struct strlist *, v), .argh = (a), .help = (h)                  \
	}
/* OPT_CALLBACK - cb(opt, arg) for each occurrence; v is handed over in
 * opt->value as is (the callback knows its type); a NULL: no argument */
#define OPT_CALLBACK(s, l, v, a, h, fn)                                                            \
	{                                                                                          \
		.type = OPT_CALLBACK, .short_name = (s), .long_name = (l), .value = (v),           \
		.argh = (a), .help = (h), .cb = (fn)                                               \
	}
#define OPT_END()                                                                                  \
	{                                                                                          \
		.type = OPT_END                                                                    \
	}

enum { OPT_STOP_AT_ARG = 1, OPT_KEEP_DASHDASH = 2 };

int opt_parse(int argc, char **argv, const struct opt *opts, const char *const *usage,
	      unsigned flags);
_Noreturn void opt_usage_error(const char *const *usage, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void opt_print_help(const char *const *usage, const struct opt *opts);
void strlist_add(struct strlist *l, const char *s);
void strlist_release(struct strlist *l);
/* opt_parse_long - parse a decimal (or 0x hex) number; 0 or -1 */
int opt_parse_long(const char *s, long *out);

#endif
