#!/bin/bash
# timeline: file times by statx, the body file TSK's mactime reads, the
# mactime lines, jsonl/csv, no access time changed, bad input.
. "$(dirname "$0")/../lib.sh"

umask 022
T="$TMP/tree"

mktree() {
	rm -rf "$T"
	mkdir -p "$T/dir/sub"
	printf 'hello\n' >"$T/dir/file"
	touch -d '2001-02-03 04:05:06' "$T/dir/file"
	printf 'ns\n' >"$T/nano"
	# nanoseconds through utimensat
	python3 -c 'import os,sys; os.utime(sys.argv[1], ns=(1000000000123456789, 1100000000987654321))' "$T/nano"
	ln -s dir/file "$T/link"
	touch -h -d '1999-12-31 23:59:59' "$T/link"
	mkfifo "$T/fifo"
	printf 'x' >"$T/suid" && chmod 4755 "$T/suid"
	printf 1 >"$T/pipe|name"
	printf 2 >"$T/$(printf 'new\nline')"
	printf 3 >"$T/$(printf 'bad\xff\xfeutf8')"
	printf 4 >"$T/pct%41name"
	printf 5 >"$T/quote\"comma,name"
	printf 6 >"$T/$(printf 'esc\033[31mred')"
	find "$T" -mindepth 1 -print0 | xargs -0 touch -h -c -d '2010-05-06 07:08:09' --no-dereference -a 2>/dev/null
	touch -d '2001-02-03 04:05:06' "$T/dir/file"
	python3 -c 'import os,sys; os.utime(sys.argv[1], ns=(1000000000123456789, 1100000000987654321))' "$T/nano"
}

test_expect_success 'body file: one line per path, TSK 3.x fields, nanoseconds' '
	mktree &&
	npaths=$(find "$T" -printf . | wc -c) &&
	"$STRANGER" timeline --no-live -o "$TMP/body" "$T" &&
	"$STRANGER" timeline --no-live --format=mactime "$T" >"$TMP/live" &&
	test "$(wc -l <"$TMP/body")" = "$npaths" &&
	no_control_bytes "$TMP/body" &&
	ino=$(stat -c %i "$T/nano") &&
	grep -qxF "0|$T/nano|$ino|r/rrw-r--r--|0|0|3|1000000000.123456789|1100000000.987654321|$(stat -c %.9Z "$T/nano")|$(stat -c %.9W "$T/nano")" "$TMP/body" &&
	grep -q "^0|$T/dir/file|[0-9]*|r/rrw-r--r--|0|0|6|[0-9.]*|981173106|" "$TMP/body" &&
	grep -q "^0|$T/link|[0-9]*|l/lrwxrwxrwx|0|0|8|[0-9.]*|946684799|" "$TMP/body" &&
	grep -q "^0|$T/fifo|[0-9]*|p/prw-r--r--|" "$TMP/body" &&
	grep -q "^0|$T/suid|[0-9]*|r/rrwsr-xr-x|" "$TMP/body" &&
	grep -q "^0|$T/dir|[0-9]*|d/drwxr-xr-x|" "$TMP/body" &&
	grep -qF "0|$T/pipe%7Cname|" "$TMP/body" &&
	grep -qF "0|$T/new\\nline|" "$TMP/body" &&
	grep -qF "0|$T/bad\\xff\\xfeutf8|" "$TMP/body" &&
	grep -qF "0|$T/pct%2541name|" "$TMP/body" &&
	grep -qF "0|$T/esc\\x1b[31mred|" "$TMP/body"
'

test_expect_success "TSK's mactime reads the body file: every name, | included" '
	mactime -b "$TMP/body" -d -y >"$TMP/tsk" &&
	for n in "pipe|name" "new\\nline" "bad\\xff\\xfeutf8" "pct%41name" "quote\"\"comma,name" "esc\\x1b[31mred" nano dir/file link fifo suid; do
		grep -qF "\"$T/$n\"" "$TMP/tsk" || { echo "mactime lost $n"; exit 1; }
	done &&
	grep -qxF "2001-02-03T04:05:06Z,6,ma..,r/rrw-r--r--,0,0,$(stat -c %i "$T/dir/file"),\"$T/dir/file\"" "$TMP/tsk" &&
	grep -q "^2001-09-09T01:46:40Z,3,.a..,r/rrw-r--r--,0,0,[0-9]*,\"$T/nano\"$" "$TMP/tsk" &&
	grep -q "^2004-11-09T11:33:20Z,3,m...,r/rrw-r--r--,0,0,[0-9]*,\"$T/nano\"$" "$TMP/tsk" &&
	no_control_bytes "$TMP/tsk"
'

test_expect_success 'stranger renders the body file as mactime -d -y does, byte for byte' '
	"$STRANGER" timeline --from-body "$TMP/body" --format=mactime >"$TMP/ours" &&
	test_cmp "$TMP/tsk" "$TMP/ours"
'

test_expect_success 'a live walk in mactime format is the same as mactime on its body file' '
	test_cmp "$TMP/tsk" "$TMP/live"
'

test_expect_success 'a body file of TSK (fls style, %-free, 0 times, fractions) renders as mactime does' '
	cat >"$TMP/fls.body" <<-\EOF &&
	# a comment
	0|/etc/passwd|1234|r/rrw-r--r--|0|0|1500|1600000000|1600000001|1600000002|0
	d41d8cd98f00b204e9800998ecf8427e|/x ($FILE_NAME)|93552-48-2|d/drwxrwxrwx|0|0|92|1577092511|1577092511|1577092511|-1
	0|/frac|7|r/rrw-r--r--|1000|1000|5|1598723379.643009424|1598723379.643009424|1598723379|1598723370
	0|/same|7|r/rrw-r--r--|1000|1000|5|1598723379|1598723379|1598723379|1598723379
	0|/zero|8|r/rrw-r--r--|0|0|0|0|0|0|0
	0|/quote"d|9|r/rrw-r--r--|0|0|0|5|5|5|5
	not|a|record
	EOF
	mactime -b "$TMP/fls.body" -d -y >"$TMP/fls.tsk" &&
	test_expect_code 1 "$STRANGER" timeline --from-body "$TMP/fls.body" --format=mactime >"$TMP/fls.ours" 2>"$TMP/err" &&
	test_cmp "$TMP/fls.tsk" "$TMP/fls.ours" &&
	grep -q "warning: .*2 lines skipped" "$TMP/err"
'

test_expect_success 'sorting in runs on disk gives the same lines (--memory 4 on 60000 records)' '
	python3 -c "
import random
random.seed(7)
for i in range(60000):
    t = 1500000000 + random.randrange(100000)
    print(\"0|/synthetic/dir%d/file-with-a-longer-name-%06d|%d|r/rrw-r--r--|0|0|%d|%d|%d|%d|%d\" % (i % 97, i, i + 1, i, t, t - 5, t + 7, t - 9))
" >"$TMP/big.body" &&
	"$STRANGER" timeline --from-body "$TMP/big.body" --format=mactime >"$TMP/big.mem" &&
	"$STRANGER" timeline --from-body "$TMP/big.body" --format=mactime --memory 4 >"$TMP/big.disk" &&
	test_cmp "$TMP/big.mem" "$TMP/big.disk" &&
	test "$(wc -l <"$TMP/big.disk")" = 240001 &&
	"$STRANGER" timeline --from-body "$TMP/big.body" --format=jsonl --memory 4 >"$TMP/big.jsonl" &&
	cut -c1-45 "$TMP/big.jsonl" | LC_ALL=C sort -c
'

test_expect_success 'jsonl: Timesketch fields, nanoseconds, typed fields, sorted; csv the same' '
	"$STRANGER" timeline --no-live --format=jsonl "$T" >"$TMP/j" &&
	valid_json_lines "$TMP/j" && no_control_bytes "$TMP/j" &&
	grep -qF "{\"datetime\":\"2001-09-09T01:46:40.123456789Z\",\"timestamp_desc\":\"Last Access Time\",\"message\":\"[.a..] $T/nano\",\"source\":\"file\",\"macb\":\".a..\",\"path\":\"$T/nano\",\"inode\":$(stat -c %i "$T/nano"),\"mode\":\"r/rrw-r--r--\",\"uid\":0,\"gid\":0,\"size\":3}" "$TMP/j" &&
	grep -qF "\"path\":\"$T/pipe|name\"" "$TMP/j" &&
	python3 -c "
import json, sys
d = [json.loads(l)[\"datetime\"] for l in open(sys.argv[1])]
assert d == sorted(d), \"not sorted\"
" "$TMP/j" &&
	"$STRANGER" timeline --no-live --format=csv "$T" >"$TMP/c" &&
	head -n 1 "$TMP/c" | grep -q "^datetime,timestamp_desc,message," &&
	test "$(($(wc -l <"$TMP/c") - 1))" = "$(wc -l <"$TMP/j")" &&
	grep -qF "\"[.a..] $T/quote\"\"comma,name\"" "$TMP/c"
'

test_expect_success '--since and --until keep the times in between' '
	"$STRANGER" timeline --no-live --format=mactime --since 2001-01-01 --until 2001-12-31T23:59:59 "$T" >"$TMP/r" &&
	test "$(grep -vc ^Date "$TMP/r")" = 2 &&
	grep -q "^2001-02-03T04:05:06Z,6,ma..,.*/dir/file\"$" "$TMP/r" &&
	grep -q "^2001-09-09T01:46:40Z,3,.a..,.*/nano\"$" "$TMP/r" &&
	"$STRANGER" timeline --no-live --format=jsonl --since @1000000000 --until 2001-09-09T01:46:40.123456789Z "$T" >"$TMP/r2" &&
	test "$(wc -l <"$TMP/r2")" = 1 && grep -q "/nano\"" "$TMP/r2" &&
	test_expect_code 2 "$STRANGER" timeline --since yesterday "$T" 2>"$TMP/e" &&
	grep -q "bad date" "$TMP/e"
'

test_expect_success '-z: mactime dates in a time zone, with its offset' '
	"$STRANGER" timeline --no-live --format=mactime -z Europe/Amsterdam "$T/dir/file" >"$TMP/z" &&
	grep -q "^2001-02-03T05:05:06+01:00,6,ma..,r/rrw-r--r--,0,0,[0-9]*,\"$T/dir/file\"$" "$TMP/z" &&
	"$STRANGER" timeline --no-live --format=mactime -z UTC0 "$T/dir/file" | grep -q "^2001-02-03T04:05:06+00:00,6,ma.." &&
	test_expect_code 2 "$STRANGER" timeline --no-live --format=mactime -z Europe/Nowhere "$T" 2>"$TMP/ze" &&
	grep -q "no time zone" "$TMP/ze" &&
	test_expect_code 2 "$STRANGER" timeline --no-live --format=jsonl -z UTC "$T" 2>/dev/null
'

test_expect_success 'the walk changes no access time (strictatime tmpfs), and cat would' '
	cat >"$TMP/atime.sh" <<-EOF &&
	set -e
	M="$TMP/mnt"
	mkdir -p "\$M"
	mount -t tmpfs -o strictatime,size=8m none "\$M"
	mkdir -p "\$M/d/e" && echo data >"\$M/d/f" && echo more >"\$M/d/e/g" && ln -s f "\$M/d/l"
	touch -h -a -d "2011-01-01 00:00:00" "\$M" "\$M/d" "\$M/d/e" "\$M/d/f" "\$M/d/e/g" "\$M/d/l"
	L="\$M \$M/d \$M/d/e \$M/d/f \$M/d/e/g \$M/d/l"
	stat -c "%n %.9X" \$L >"$TMP/before"
	"$STRANGER" timeline --no-live -o "$TMP/atime.body" "\$M"
	"$STRANGER" timeline --no-live --format=mactime "\$M" >/dev/null
	"$STRANGER" timeline --no-live --hash -o "$TMP/atime.hash" "\$M"
	stat -c "%n %.9X" \$L >"$TMP/after"
	cat "\$M/d/f" >/dev/null
	stat -c %X "\$M/d/f" >"$TMP/catted"
	EOF
	unshare -m --propagation private sh "$TMP/atime.sh" &&
	test_cmp "$TMP/before" "$TMP/after" &&
	test "$(cat "$TMP/catted")" != 1293840000 &&
	test "$(wc -l <"$TMP/atime.body")" = 6 &&
	grep -q "^$(printf "data\\n" | sha256sum | cut -c1-64)|$TMP/mnt/d/f|" "$TMP/atime.hash"
'

test_expect_success 'the output file is not part of its own timeline' '
	"$STRANGER" timeline --no-live -o "$T/dir/sub/out.body" "$T/dir" &&
	test "$(wc -l <"$T/dir/sub/out.body")" = 3 &&
	! grep -q "out.body" "$T/dir/sub/out.body" &&
	rm "$T/dir/sub/out.body"
'

test_expect_success '--hash: the SHA-256 that sha256sum computes, in the first body field and in jsonl' '
	"$STRANGER" timeline --no-live --hash -o "$TMP/hb" "$T/dir" &&
	want=$(sha256sum <"$T/dir/file" | cut -d" " -f1) &&
	grep -q "^$want|$T/dir/file|" "$TMP/hb" &&
	grep -q "^0|$T/dir|" "$TMP/hb" &&
	mactime -b "$TMP/hb" -d -y | grep -q "\"$T/dir/file\"" &&
	"$STRANGER" timeline --no-live --hash --format=jsonl "$T/dir" | grep "\"path\":\"$T/dir/file\"" | grep -q "\"sha256\":\"$want\""
'

test_expect_success '-x stays on one file system; proc is never entered' '
	cat >"$TMP/xdev.sh" <<-EOF &&
	set -e
	mkdir -p "$TMP/x/m" "$TMP/x/p" && echo a >"$TMP/x/a"
	mount -t tmpfs none "$TMP/x/m" && echo b >"$TMP/x/m/b"
	mount -t proc proc "$TMP/x/p"
	"$STRANGER" timeline --no-live "$TMP/x" >"$TMP/x.all"
	"$STRANGER" timeline --no-live -x "$TMP/x" >"$TMP/x.one"
	EOF
	unshare -m -p -f --mount-proc --propagation private sh "$TMP/xdev.sh" &&
	grep -q "^0|$TMP/x/m/b|" "$TMP/x.all" &&
	grep -q "^0|$TMP/x/p|" "$TMP/x.all" &&
	! grep -q "^0|$TMP/x/p/" "$TMP/x.all" &&
	grep -q "^0|$TMP/x/m|" "$TMP/x.one" &&
	! grep -q "^0|$TMP/x/m/b|" "$TMP/x.one"
'

test_expect_success 'the backdoor: its start, its deleted executable and log, its listening socket' '
	mkdir -p "$TMP/intruder" &&
	fixture_start LAUNCH "$FIXTURES/backdoor" -d "$TMP/intruder" -p 5120 -r "$TMP/ready" &&
	wait_for_file "$TMP/ready" &&
	read -r BD PORT <"$TMP/ready" &&
	fixture_adopt "$BD" &&
	"$STRANGER" timeline --format=jsonl "$TMP/intruder" >"$TMP/bd" &&
	valid_json_lines "$TMP/bd" && no_control_bytes "$TMP/bd" &&
	ino=$(stat -L -c %i /proc/$BD/exe) &&
	grep -F "\"message\":\"process start $BD <defunct> $TMP/intruder/in.telnetd (deleted)\"" "$TMP/bd" | grep -q "\"source\":\"process\"" &&
	grep -F "\"path\":\"$TMP/intruder/in.telnetd (deleted)\"" "$TMP/bd" | grep -qF "\"inode\":$ino," &&
	grep -F "\"path\":\"$TMP/intruder/.pwlog (deleted)\"" "$TMP/bd" | grep -q "\"deleted\":true" &&
	grep -qF "\"message\":\"listen tcp 127.0.0.1:$PORT by $BD <defunct>\"" "$TMP/bd" &&
	grep -q "\"timestamp_desc\":\"Boot Time\"" "$TMP/bd" &&
	"$STRANGER" timeline -o "$TMP/bd.body" "$TMP/intruder" &&
	mactime -b "$TMP/bd.body" -d -y >"$TMP/bd.tsk" &&
	grep -qF ",$ino,\"$TMP/intruder/in.telnetd (deleted)\"" "$TMP/bd.tsk" &&
	grep -qF ",process,0,0,0,\"process start $BD <defunct> $TMP/intruder/in.telnetd (deleted)\"" "$TMP/bd.tsk" &&
	fixture_kill "$BD"
'

test_expect_success 'bad input: missing path, garbage body file, bad format' '
	test_expect_code 2 "$STRANGER" timeline --no-live "$TMP/nope" >/dev/null 2>"$TMP/e1" &&
	grep -qx "stranger: timeline: $TMP/nope: No such file or directory" "$TMP/e1" &&
	head -c 5000 /dev/urandom >"$TMP/garbage" &&
	test_expect_code 2 "$STRANGER" timeline --from-body "$TMP/garbage" --format=mactime >/dev/null 2>"$TMP/e2" &&
	grep -q "^stranger: timeline: .*garbage: not a body file" "$TMP/e2" &&
	test "$(wc -l <"$TMP/e2")" = 1 &&
	test_expect_code 2 "$STRANGER" timeline --from-body "$TMP/nope" 2>/dev/null &&
	test_expect_code 2 "$STRANGER" timeline --format=xml "$T" 2>/dev/null &&
	test_expect_code 2 "$STRANGER" timeline --from-body "$TMP/body" "$T" 2>/dev/null
'

test_expect_success 'an unreadable directory: a warning, the rest of the tree, exit 1' '
	mkdir -p "$TMP/pub" && chmod 755 "$TMP" "$TMP/pub" &&
	cp "$STRANGER" "$TMP/pub/stranger" && chmod 755 "$TMP/pub/stranger" &&
	mkdir -p "$TMP/pub/t/locked" "$TMP/pub/t/open" && echo s >"$TMP/pub/t/locked/secret" &&
	echo o >"$TMP/pub/t/open/f" && chmod 000 "$TMP/pub/t/locked" &&
	test_expect_code 1 setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$TMP/pub/stranger" timeline --no-live "$TMP/pub/t" >"$TMP/u" 2>"$TMP/ue" &&
	grep -q "^stranger: timeline: warning: $TMP/pub/t/locked: Permission denied" "$TMP/ue" &&
	grep -q "^0|$TMP/pub/t/open/f|" "$TMP/u" &&
	grep -q "^0|$TMP/pub/t/locked|" "$TMP/u" &&
	! grep -q secret "$TMP/u"
'

test_done
