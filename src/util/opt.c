#include "util/opt.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/diag.h"
#include "util/xalloc.h"

void strlist_add(struct strlist *l, const char *s)
{
	l->v = xreallocarray(l->v, l->n + 2, sizeof(*l->v));
	l->v[l->n++] = s;
	l->v[l->n] = NULL;
}

void strlist_release(struct strlist *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int opt_parse_long(const char *s, long *out)
{
	char *end;
	long v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

void opt_print_help(const char *const *usage, const struct opt *opts)
{
	for (size_t i = 0; usage[i]; i++)
		printf("%s%s\n", i ? "" : "usage: ", usage[i]);
	printf("\n");
	for (const struct opt *o = opts; o->type != OPT_END; o++) {
		char spec[128];
		int n = 0;
		if (o->short_name && o->long_name)
			n = snprintf(spec, sizeof(spec), "-%c, --%s", o->short_name, o->long_name);
		else if (o->short_name)
			n = snprintf(spec, sizeof(spec), "-%c", o->short_name);
		else
			n = snprintf(spec, sizeof(spec), "    --%s", o->long_name);
		if (o->argh && n > 0 && (size_t)n < sizeof(spec))
			snprintf(spec + n, sizeof(spec) - (size_t)n, " %s", o->argh);
		printf("    %-26s %s\n", spec, o->help ? o->help : "");
	}
	printf("    %-26s %s\n", "-h, --help", "show this help");
}

void opt_usage_error(const char *const *usage, const char *fmt, ...)
{
	va_list ap;
	char msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	error("%s", msg);
	diag_usage(usage[0]);
	exit(2);
}

static const char *optname(const struct opt *o, int is_long, char *tmp, size_t n)
{
	if (is_long)
		snprintf(tmp, n, "--%s", o->long_name);
	else
		snprintf(tmp, n, "-%c", o->short_name);
	return tmp;
}

static void apply(const struct opt *o, const char *arg, int is_long, const char *const *usage)
{
	char name[80];

	switch (o->type) {
	case OPT_BOOL:
		*(int *)o->value = 1;
		break;
	case OPT_COUNT:
		(*(int *)o->value)++;
		break;
	case OPT_STRING:
		*(const char **)o->value = arg;
		break;
	case OPT_INT: {
		long v;
		long min = o->min, max = o->max;
		if (!min && !max)
			max = LONG_MAX;
		if (opt_parse_long(arg, &v) || v < min || v > max)
			opt_usage_error(usage, "%s: invalid number '%s'",
					optname(o, is_long, name, sizeof(name)), arg);
		*(long *)o->value = v;
		break;
	}
	case OPT_INT_INT: {
		long v;
		long min = o->min, max = o->max;
		if (!min && !max)
			max = INT_MAX;
		if (min < INT_MIN || max > INT_MAX)
			bug("opt: --%s: range beyond int", o->long_name ? o->long_name : "?");
		if (opt_parse_long(arg, &v) || v < min || v > max)
			opt_usage_error(usage, "%s: invalid number '%s'",
					optname(o, is_long, name, sizeof(name)), arg);
		*(int *)o->value = (int)v;
		break;
	}
	case OPT_LIST:
		strlist_add(o->value, arg);
		break;
	case OPT_CALLBACK:
		if (o->cb(o, arg))
			exit(2);
		break;
	case OPT_END:
		bug("opt: OPT_END applied");
	}
}

/*
 * find_long - the option named name; when two share it (strace's -q,
 * --quiet and --quiet=SET), the one that takes a value if one is given
 */
static const struct opt *find_long(const struct opt *opts, const char *name, size_t len,
				   int has_value)
{
	const struct opt *found = NULL;

	for (const struct opt *o = opts; o->type != OPT_END; o++)
		if (o->long_name && strlen(o->long_name) == len &&
		    !strncmp(o->long_name, name, len)) {
			if (!found || (!found->argh != !has_value && !o->argh == !has_value))
				found = o;
		}
	return found;
}

static const struct opt *find_short(const struct opt *opts, int c)
{
	for (const struct opt *o = opts; o->type != OPT_END; o++)
		if (o->short_name == c)
			return o;
	return NULL;
}

int opt_parse(int argc, char **argv, const struct opt *opts, const char *const *usage,
	      unsigned flags)
{
	int out = 0, i;

	for (i = 1; i < argc; i++) {
		char *a = argv[i];

		if (!strcmp(a, "--")) {
			if (flags & OPT_KEEP_DASHDASH)
				argv[out++] = a;
			i++;
			break;
		}
		if (a[0] != '-' || !a[1]) {
			if (flags & OPT_STOP_AT_ARG)
				break;
			argv[out++] = a;
			continue;
		}
		if (a[1] == '-') {
			const char *name = a + 2, *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			const struct opt *o = find_long(opts, name, len, eq != NULL);
			const char *arg = NULL;

			if (!o && len == 4 && !strncmp(name, "help", 4)) {
				opt_print_help(usage, opts);
				exit(0);
			}
			if (!o)
				opt_usage_error(usage, "unknown option '--%.*s'",
						(int)(len > 64 ? 64 : len), name);
			if (o->argh) {
				if (eq)
					arg = eq + 1;
				else if (i + 1 < argc)
					arg = argv[++i];
				else
					opt_usage_error(usage, "--%s needs a value", o->long_name);
			} else if (eq) {
				opt_usage_error(usage, "--%s takes no value", o->long_name);
			}
			apply(o, arg, 1, usage);
			continue;
		}
		for (const char *p = a + 1; *p; p++) {
			const struct opt *o = find_short(opts, (unsigned char)*p);
			if (!o && *p == 'h') {
				opt_print_help(usage, opts);
				exit(0);
			}
			if (!o) {
				if ((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f)
					opt_usage_error(usage, "unknown option '-%c'", *p);
				opt_usage_error(usage, "unknown option");
			}
			if (o->argh) {
				const char *arg;
				if (p[1])
					arg = p + 1;
				else if (i + 1 < argc)
					arg = argv[++i];
				else
					opt_usage_error(usage, "-%c needs a value", o->short_name);
				apply(o, arg, 0, usage);
				break;
			}
			apply(o, NULL, 0, usage);
		}
	}
	for (; i < argc; i++)
		argv[out++] = argv[i];
	argv[out] = NULL;
	return out;
}
