#!/bin/sh
# scripts/lint.sh - the conventions that check themselves (make lint).
#
#   1. every .c and .h under src/ is formatted as .clang-format says
#      (clang-format --dry-run --Werror)
#   2. memory is allocated through util/xalloc only: no raw malloc, calloc,
#      realloc, reallocarray, strdup or strndup elsewhere
#   3. diagnostics go through util/diag only: no fprintf(stderr, ...)
#      elsewhere (so every warning also reaches an evidence folder's log)
#   4. O_NOATIME is named only by util/noatime, the one helper that opens
#      without touching access times (a decoder's flag-name row is fine)
#   5. an option row that writes an int through a long * does not compile
#
# Lines that are comments are not held against the code.  Prints every
# offence as FILE:LINE: text and exits 1 if there is any, 2 if a tool is
# missing.
cd "$(dirname "$0")/.." || exit 2
CC=${CC:-cc}
fail=0

if ! command -v clang-format >/dev/null; then
	echo "lint: clang-format is missing (scripts/deps.sh installs it)" >&2
	exit 2
fi

# 1. formatting
files=$(find src -name '*.[ch]' | sort)
bad=
for f in $files; do
	clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad="$bad $f"
done
if [ -n "$bad" ]; then
	for f in $bad; do
		echo "$f: not formatted (clang-format -i $f)"
	done
	fail=1
fi

# code_grep PATTERN ALLOWED_FILES_REGEX WHAT - offending code lines
code_grep() {
	grep -rnE --include='*.c' --include='*.h' "$1" src |
		grep -vE "^($2):" |
		grep -vE '^[^:]*:[0-9]+:[[:space:]]*(/?\*|//)' |
		sed "s|\$|   <- $3|"
}

out=$( {
	code_grep '(^|[^A-Za-z0-9_])(malloc|calloc|realloc|reallocarray|strdup|strndup)[[:space:]]*\(' \
		'src/util/xalloc\.[ch]' 'allocate through util/xalloc'
	code_grep 'fprintf[[:space:]]*\([[:space:]]*stderr' \
		'src/util/diag\.[ch]' 'report through util/diag'
	code_grep '\{[[:space:]]*OPT_[A-Z_]+[[:space:]]*,' 'src/util/opt\.[ch]' \
		'write option rows with the typed OPT_*() helpers'
	code_grep 'O_NOATIME' 'src/util/noatime\.[ch]' 'open through util/noatime' |
		grep -vE '\{[[:space:]]*O_NOATIME,[[:space:]]*"O_NOATIME"[[:space:]]*\}'
} )
if [ -n "$out" ]; then
	printf "%s\n" "$out"
	fail=1
fi

# 5. the typed option rows refuse a variable of the wrong type
tmp=$(mktemp -d "${TMPDIR:-/tmp}/stranger-lint.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/opt.c" <<'C'
#include "util/opt.h"
int f(void);
int f(void)
{
	TYPE n = 0;
	const struct opt opts[] = { OPT_LONG('n', "n", &n, "N", "a number", 0, 0), OPT_END() };
	return opts[0].type + (int)n;
}
C
if ! $CC -std=gnu11 -Isrc -DTYPE=long -Werror -c "$tmp/opt.c" -o "$tmp/ok.o"; then
	echo "lint: a long through OPT_LONG does not compile" >&2
	fail=1
elif $CC -std=gnu11 -Isrc -DTYPE=int -c "$tmp/opt.c" -o "$tmp/bad.o" 2>/dev/null; then
	echo "src/util/opt.h: an int written through OPT_LONG compiles   <- type-check the rows"
	fail=1
fi

exit $fail
