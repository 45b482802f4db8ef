/*
 * strings - the printable strings of files, byte for byte as GNU strings
 * (binutils 2.40) prints them, fast enough for memory dumps.
 *
 * Like GNU strings: a missing or unreadable file or a directory is
 * reported and skipped, the other files are still scanned; "-" among the
 * files means the same as -a; no file at all means standard input; -NUM is
 * -n NUM.  Unlike it, such trouble ends in exit status 2, and the whole
 * file is always scanned (GNU's default).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmds.h"
#include "lib/strings/scan.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/escape.h"
#include "util/opt.h"
#include "util/noatime.h"

static const char *const usage[] = {
	"stranger strings [-a] [-f] [-n MIN] [-t o|d|x] [-e s|S|b|l|B|L] [-w] "
	"[-s SEP] [FILE...]",
	NULL,
};

/*
 * parse_min - GNU strings reads -n with strtoul(s, &end, 0) and keeps an
 * unsigned int: "010" is 8, "0x10" is 16, "-1" wraps to 4294967295, and
 * 4294967296 wraps to 0, which is refused.
 */
static unsigned long parse_min(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (*end || end == s)
		opt_usage_error(usage, "invalid integer argument '%s'", s);
	v &= UINT_MAX;
	if (!v)
		opt_usage_error(usage, "invalid minimum string length 0");
	return v;
}

static int is_number_opt(const char *a)
{
	if (a[0] != '-' || !a[1])
		return 0;
	for (const char *p = a + 1; *p; p++)
		if (*p < '0' || *p > '9')
			return 0;
	return 1;
}

/*
 * Test knobs (documented in the manual): STRANGER_SCAN_CHUNK and
 * STRANGER_SCAN_THREADS set the chunk size and thread count, so tests can
 * put chunk boundaries anywhere; STRANGER_SCAN_PLAIN=1 turns SIMD off.
 */
static struct scan_tune tune;

static void tune_from_env(void)
{
	const char *s;
	long v;

	if ((s = getenv("STRANGER_SCAN_CHUNK")) && !opt_parse_long(s, &v) && v >= 1 &&
	    v <= (1L << 30))
		tune.chunk = (size_t)v;
	if ((s = getenv("STRANGER_SCAN_THREADS")) && !opt_parse_long(s, &v) && v >= 1 && v <= 64)
		tune.threads = (unsigned)v;
	if ((s = getenv("STRANGER_SCAN_PLAIN")) && !strcmp(s, "1"))
		scan_force_plain(1);
}

static int scan_one(const char *name, int fd, const struct scan_opts *o, const struct scan_fmt *fmt)
{
	struct scan_result res;
	int rc = scan_fd(fd, o, fmt, &tune, STDOUT_FILENO, &res);
	struct buf esc = BUF_INIT;

	escape_str(&esc, name);
	if (res.write_err) {
		if (res.write_err != EPIPE) {
			errno = res.write_err;
			error_errno("write error on standard output");
		}
		buf_release(&esc);
		exit(2);
	}
	if (rc < 0) {
		errno = -rc;
		error_errno("%s: read error after %llu bytes", esc.data, res.bytes);
	}
	buf_release(&esc);
	return rc < 0 ? -1 : 0;
}

static int strings_file(const char *name, const struct scan_opts *o, struct scan_fmt *fmt)
{
	struct buf esc = BUF_INIT;
	struct stat st;
	int fd, rc;

	escape_str(&esc, name);
	if (stat(name, &st) < 0) {
		error_errno("%s", esc.data);
		buf_release(&esc);
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		error("%s: is a directory", esc.data);
		buf_release(&esc);
		return -1;
	}
	/* reading evidence must not change its access time */
	fd = noatime_open(AT_FDCWD, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		error_errno("%s", esc.data);
		buf_release(&esc);
		return -1;
	}
	buf_release(&esc);
	fmt->filename = fmt->filename ? name : NULL;
	rc = scan_one(name, fd, o, fmt);
	close(fd);
	return rc;
}

int cmd_strings(int argc, char **argv)
{
	int all = 0, print_name = 0, whitespace = 0, octal = 0;
	const char *min_s = NULL, *radix_s = NULL, *enc_s = NULL, *sep = NULL;
	const char *num_opt = NULL;
	struct opt opts[] = {
		OPT_BOOL('a', "all", &all, "scan the whole file (always)"),
		OPT_BOOL('f', "print-file-name", &print_name,
			 "print the file name before each string"),
		OPT_STRING('n', "bytes", &min_s, "MIN", "minimum string length (default 4)"),
		OPT_STRING('t', "radix", &radix_s, "o|d|x",
			   "print the offset of each string in octal, decimal or hex"),
		OPT_BOOL('o', NULL, &octal, "same as -t o"),
		OPT_STRING('e', "encoding", &enc_s, "s|S|b|l|B|L",
			   "7-bit, 8-bit, 16-bit big/little, 32-bit big/little endian"),
		OPT_BOOL('w', "include-all-whitespace", &whitespace,
			 "newline, CR, VT and FF may be part of a string"),
		OPT_STRING('s', "output-separator", &sep, "SEP",
			   "print SEP after each string instead of a newline"),
		OPT_END(),
	};
	struct scan_opts o = { 's', 0, 4 };
	struct scan_fmt fmt = { NULL, 0, NULL, 0 };
	int nargs, nfiles = 0, dash = 0, status = 0;

	/* -NUM (GNU's old spelling of -n NUM); the last one wins over -n */
	{
		int out = 1;
		for (int i = 1; i < argc; i++) {
			if (!strcmp(argv[i], "--")) {
				while (i < argc)
					argv[out++] = argv[i++];
				break;
			}
			if (is_number_opt(argv[i])) {
				num_opt = argv[i] + 1;
				continue;
			}
			argv[out++] = argv[i];
			/* the value of an option that takes one is not -NUM */
			if (argv[i][0] == '-' && argv[i][1] && !argv[i][2] &&
			    strchr("ntes", argv[i][1]) && i + 1 < argc)
				argv[out++] = argv[++i];
		}
		argc = out;
		argv[argc] = NULL;
	}
	nargs = opt_parse(argc, argv, opts, usage, 0);
	(void)all;
	tune_from_env();

	if (min_s)
		o.min = parse_min(min_s);
	if (num_opt)
		o.min = parse_min(num_opt);
	if (radix_s) {
		if (!radix_s[0] || radix_s[1])
			opt_usage_error(usage, "invalid radix '%s'", radix_s);
		switch (radix_s[0]) {
		case 'o':
			fmt.radix = 8;
			break;
		case 'd':
			fmt.radix = 10;
			break;
		case 'x':
			fmt.radix = 16;
			break;
		default:
			opt_usage_error(usage, "invalid radix '%s'", radix_s);
		}
	}
	if (octal)
		fmt.radix = 8;
	if (enc_s) {
		if (!enc_s[0] || enc_s[1] || !scan_encoding_ok(enc_s[0]))
			opt_usage_error(usage, "invalid encoding '%s'", enc_s);
		o.encoding = enc_s[0];
	}
	o.all_whitespace = whitespace;
	if (sep) {
		fmt.sep = sep;
		fmt.seplen = strlen(sep);
	}

	for (int i = 0; i < nargs; i++) {
		if (!strcmp(argv[i], "-")) {
			dash = 1;
			continue;
		}
		nfiles++;
		fmt.filename = print_name ? argv[i] : NULL;
		if (strings_file(argv[i], &o, &fmt))
			status = 2;
	}
	if (!nfiles) {
		if (dash)
			opt_usage_error(usage, "no file to scan (\"-\" means -a)");
		fmt.filename = print_name ? "{standard input}" : NULL;
		if (scan_one("{standard input}", STDIN_FILENO, &o, &fmt))
			status = 2;
	}
	return status;
}
