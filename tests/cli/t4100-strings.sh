#!/bin/bash
# stranger strings prints exactly what GNU strings prints, for every
# combination of the options, on a generated corpus and on real files.
. "$(dirname "$0")/../lib.sh"

GNU=$(command -v strings)
C="$TMP/corpus"
mkdir -p "$C"
python3 "$ROOT/tests/cli/strings_corpus.py" "$C"
cp /bin/ls "$C/ls"
FILES=$(cd "$C" && ls | sort | sed "s|^|$C/|")

# same OPTS... - stdout byte for byte, for all corpus files at once
same() {
	"$GNU" "$@" $FILES >"$TMP/gnu.out" 2>/dev/null
	"$STRANGER" strings "$@" $FILES >"$TMP/our.out"
	cmp "$TMP/gnu.out" "$TMP/our.out" || { echo "differs: $*"; return 1; }
}

if [ -z "$GNU" ]; then
	test_skip 'identity with GNU strings' 'GNU strings not installed'
	test_done
	exit
fi

test_expect_success 'default options, several files' '
	same
'

for e in s S b l B L; do
	test_expect_success "every option combination with -e $e" '
		for n in 1 4 33; do
			for t in "" "-t o" "-t d" "-t x"; do
				for w in "" -w; do
					for f in "" -f; do
						same -e $e -n $n $t $w $f || exit 1
						same -e $e -n $n $t $w $f -s "<SEP>" || exit 1
					done
				done
			done
		done
	'
done

test_expect_success 'long options, -o, -NUM, -a and empty separator' '
	same --all --print-file-name --bytes=6 --radix=x --encoding=S \
		--include-all-whitespace --output-separator=:: &&
	same -o -a && same -5 && same -n 9 -3 && same -s "" && same -n 0x10 &&
	same -n 010 && same -n 4294967297 && same -n 2147483648
'

test_expect_success 'standard input, with and without -f' '
	for opts in "" "-f" "-f -t x" "-e l -t d" "-w -n 2" "-e S -f"; do
		for f in ls random text-no-eol utf16le empty; do
			"$GNU" $opts <"$C/$f" >"$TMP/gnu.out"
			"$STRANGER" strings $opts <"$C/$f" >"$TMP/our.out"
			cmp "$TMP/gnu.out" "$TMP/our.out" || { echo "$opts < $f"; exit 1; }
		done
	done
'

test_expect_success 'standard input from a pipe' '
	cat "$C/ls" "$C/runs" | "$GNU" -t x >"$TMP/gnu.out" &&
	cat "$C/ls" "$C/runs" | "$STRANGER" strings -t x >"$TMP/our.out" &&
	test_cmp "$TMP/gnu.out" "$TMP/our.out"
'

# a small input, so that tiny chunks stay quick
head -c 6000 "$C/runs" >"$TMP/small"
head -c 3000 "$C/ls" >>"$TMP/small"
head -c 2000 "$C/utf16le" >>"$TMP/small"
cat "$C/text-no-eol" >>"$TMP/small"

test_expect_success 'any chunk size and thread count, SIMD or not' '
	i=0
	for opts in "-f -t x -s ::" "-n 1 -w" "-e S -n 70" "-e l" "-e B -n 2"; do
		i=$((i + 1))
		"$GNU" $opts "$TMP/small" >"$TMP/gnu.$i"
	done
	for chunk in 1 3 63 64 65 1000; do
		for th in 1 3; do
			for plain in 0 1; do
				i=0
				for opts in "-f -t x -s ::" "-n 1 -w" "-e S -n 70" "-e l" "-e B -n 2"; do
					i=$((i + 1))
					STRANGER_SCAN_CHUNK=$chunk STRANGER_SCAN_THREADS=$th \
					STRANGER_SCAN_PLAIN=$plain \
						"$STRANGER" strings $opts "$TMP/small" >"$TMP/our.out"
					cmp "$TMP/gnu.$i" "$TMP/our.out" ||
						{ echo "chunk $chunk threads $th plain $plain: $opts"; exit 1; }
				done
			done
		done
	done
'

test_expect_success 'small chunks over a pipe' '
	for chunk in 64 999 65536; do
		cat "$TMP/small" "$C/long-run" | STRANGER_SCAN_CHUNK=$chunk \
			"$STRANGER" strings -t d >"$TMP/our.out"
		cat "$TMP/small" "$C/long-run" | "$GNU" -t d >"$TMP/gnu.out"
		cmp "$TMP/gnu.out" "$TMP/our.out" || exit 1
	done
'

test_expect_success 'real files: executables and libraries' '
	for f in /bin/ls /bin/bash /bin/sh "$STRANGER" \
		/usr/lib/x86_64-linux-gnu/libc.so.6 /etc/passwd; do
		[ -r "$f" ] || continue
		for opts in "" "-t x" "-e S -n 8" "-e l" "-w -f"; do
			"$GNU" $opts "$f" >"$TMP/gnu.out"
			"$STRANGER" strings $opts "$f" >"$TMP/our.out"
			cmp "$TMP/gnu.out" "$TMP/our.out" || { echo "$opts $f"; exit 1; }
		done
	done
'

test_expect_success 'a big file split across threads matches' '
	for chunk in 4096 65536 1000000; do
		STRANGER_SCAN_CHUNK=$chunk "$STRANGER" strings -w -n 3 $FILES >"$TMP/our.out"
		"$GNU" -w -n 3 $FILES >"$TMP/gnu.out"
		cmp "$TMP/gnu.out" "$TMP/our.out" || exit 1
	done &&
	for i in $(seq 40); do cat "$C/ls" "$C/random" "$C/runs"; done >"$TMP/big"
	"$GNU" -t x "$TMP/big" >"$TMP/gnu.out" &&
	"$STRANGER" strings -t x "$TMP/big" >"$TMP/our.out" &&
	cmp "$TMP/gnu.out" "$TMP/our.out"
'

test_done
