#!/bin/bash
# baseline and verify against a baseline DB: what an intruder changes in a
# tree is found, the DB survives hostile names, and a damaged DB is refused.
. "$(dirname "$0")/../lib.sh"

umask 022
T="$TMP/tree"
DB="$TMP/base.db"

mktree() {
	rm -rf "$T"
	mkdir -p "$T/bin" "$T/etc" "$T/sub/deeper"
	printf 'the real login program\n' >"$T/bin/login"
	printf 'ps\n' >"$T/bin/ps"
	printf 'root:x:0:0\n' >"$T/etc/passwd"
	ln -s ../bin/login "$T/sub/link"
	printf 'deep\n' >"$T/sub/deeper/file"
	mkfifo "$T/sub/fifo"
	# hostile names: newline, tab, '|', spaces, backslashes, escapes, 8-bit
	printf 1 >"$T/$(printf 'new\nline')"
	printf 2 >"$T/$(printf 'tab\there')"
	printf 3 >"$T/pipe|bar"
	printf 4 >"$T/  spaces  "
	printf 5 >"$T/back\\slash\\x41"
	printf 6 >"$T/$(printf 'esc\033[31mred\xff')"
	printf 7 >"$T/-"
	ln -s - "$T/dashlink"
	ln -s "$(printf 'odd target\nwith\\newline')" "$T/oddlink"
}

test_expect_success 'baseline of a tree, then verify finds nothing' '
	mktree &&
	"$STRANGER" baseline -o "$DB" "$T" >"$TMP/out" &&
	grep -q "paths" "$TMP/out" &&
	test_expect_code 0 "$STRANGER" verify "$DB" >"$TMP/v" &&
	echo "$(grep -vc "^#" "$DB") paths checked: no change" >"$TMP/want" &&
	test_cmp "$TMP/want" "$TMP/v"
'

test_expect_success 'the DB: header, sorted lines, no control bytes, checksum' '
	head -n 1 "$DB" | grep -qx "#stranger-baseline 1" &&
	grep -qx "#root $T" "$DB" &&
	grep -q "^#host " "$DB" && grep -q "^#created 20" "$DB" &&
	tail -n 1 "$DB" | grep -qE "^#sha256 [0-9a-f]{64}$" &&
	want=$(head -n -1 "$DB" | sha256sum | cut -d" " -f1) &&
	tail -n 1 "$DB" | grep -q "$want" &&
	no_control_bytes "$DB" &&
	test "$(grep -vc "^#" "$DB")" = "$(find "$T" -printf . | wc -c)"
'

test_expect_success 'the SHA-256 in the DB is the one sha256sum computes' '
	mkdir "$TMP/bt" &&
	head -c 3000000 /dev/urandom >"$TMP/bt/big" &&
	"$STRANGER" baseline -o "$TMP/big.db" "$TMP/bt" >/dev/null &&
	want=$(sha256sum "$TMP/bt/big" | cut -d" " -f1) &&
	grep -q "^$TMP/bt/big f .* $want -\$" "$TMP/big.db"
'

test_expect_success 'files of every size around the SHA-256 block: both hashing paths agree with sha256sum' '
	mkdir "$TMP/sizes" &&
	for n in 0 1 55 56 63 64 65 119 120 127 128 129 1000 65535 65536 65537 131071 131072 131073 300001; do
		head -c $n /dev/urandom >"$TMP/sizes/f$n" || return 1
	done &&
	head -c 5000000 /dev/urandom >"$TMP/sizes/big" &&
	"$STRANGER" baseline -o "$TMP/sizes1.db" "$TMP/sizes" >/dev/null &&
	STRANGER_HASH=libcrypto "$STRANGER" baseline -o "$TMP/sizes2.db" "$TMP/sizes" >/dev/null &&
	(cd "$TMP/sizes" && sha256sum * | sort -k2) >"$TMP/sizes.want" &&
	for db in sizes1 sizes2; do
		awk -v d="$TMP/sizes/" "\$2 == \"f\" { sub(d, \"\", \$1); print \$11 \"  \" \$1 }" \
			"$TMP/$db.db" | sort -k2 >"$TMP/$db.got" &&
		test_cmp "$TMP/sizes.want" "$TMP/$db.got" || return 1
	done
'

test_expect_success 'few file descriptors left: every file is still hashed, no warning' '
	mkdir "$TMP/many" &&
	for i in $(seq 300); do echo "file $i" >"$TMP/many/f$i" || return 1; done &&
	(ulimit -n 24 && "$STRANGER" baseline -o "$TMP/many.db" "$TMP/many" >/dev/null 2>"$TMP/many.err") &&
	test_cmp /dev/null "$TMP/many.err" &&
	test "$(grep -c " f 0644 .* [0-9a-f]\{64\} -\$" "$TMP/many.db")" = 300
'

test_expect_success 'hostile names survive the round trip' '
	python3 - "$DB" "$T" <<-"EOF"
	import os, sys
	db, root = sys.argv[1], sys.argv[2].encode()
	def unescape(s):
	    out, i = bytearray(), 0
	    while i < len(s):
	        c = s[i]
	        if c == "\\":
	            n = s[i + 1]
	            if n == "n": out += b"\n"; i += 2
	            elif n == "t": out += b"\t"; i += 2
	            elif n == "\\": out += b"\\"; i += 2
	            elif n == "x": out.append(int(s[i + 2:i + 4], 16)); i += 4
	            else: raise SystemExit("bad escape")
	        else:
	            out += c.encode(); i += 1
	    return bytes(out)
	got, order = set(), []
	for line in open(db, encoding="ascii"):
	    if line.startswith("#"): continue
	    f = line.rstrip("\n").split(" ")
	    assert len(f) == 12, line
	    got.add(unescape(f[0]))
	    order.append(unescape(f[0]))
	    if f[1] == "l":
	        p = unescape(f[0])
	        assert os.readlink(p) == unescape(f[11]), line
	want = {root}
	for d, dirs, files in os.walk(root):
	    for n in dirs + files: want.add(os.path.join(d, n))
	assert got == want, (got ^ want)
	assert order == sorted(order), "not sorted by path bytes"
	EOF
'

test_expect_success 'a sneaky change (same size, mtime put back) is changed: sha256' '
	mt=$(stat -c %y "$T/bin/login") &&
	printf "the fake login program\n" >"$T/bin/login" &&
	touch -d "$mt" "$T/bin/login" &&
	test_expect_code 1 "$STRANGER" verify "$DB" >"$TMP/v" &&
	grep -qx "changed: sha256,ctime $T/bin/login" "$TMP/v" &&
	test_expect_code 1 "$STRANGER" verify --ignore ctime "$DB" >"$TMP/v2" &&
	echo "changed: sha256 $T/bin/login" >"$TMP/want" &&
	test_cmp "$TMP/want" "$TMP/v2"
'

test_expect_success 'setuid bit, hidden file, removed file, retargeted symlink' '
	chmod u+s "$T/bin/ps" &&
	printf "x" >"$T/etc/.hidden" &&
	rm "$T/sub/deeper/file" &&
	ln -sfn ../etc/passwd "$T/sub/link" &&
	test_expect_code 1 "$STRANGER" verify --ignore ctime,mtime,inode "$DB" >"$TMP/v0" &&
	# directory sizes change with their entries on some file systems
	grep -v -e " $T/etc\$" -e " $T/sub/deeper\$" "$TMP/v0" >"$TMP/v" &&
	cat >"$TMP/want" <<-EOF &&
	changed: sha256 $T/bin/login
	changed: mode $T/bin/ps
	added: $T/etc/.hidden
	removed: $T/sub/deeper/file
	changed: size,target $T/sub/link
	EOF
	test_cmp "$TMP/want" "$TMP/v"
'

test_expect_success 'verify names every changed field and the directories touched' '
	test_expect_code 1 "$STRANGER" verify "$DB" >"$TMP/v" &&
	grep -qx "changed: mode,ctime $T/bin/ps" "$TMP/v" &&
	grep -q "^changed: .*mtime,ctime $T/etc\$" "$TMP/v" &&
	grep -q "^changed: size,target,inode,.*mtime,ctime $T/sub/link\$" "$TMP/v"
'

test_expect_success 'verify --json: valid lines with old and new values' '
	test_expect_code 1 "$STRANGER" verify --json "$DB" >"$TMP/j" &&
	valid_json_lines "$TMP/j" &&
	python3 - "$TMP/j" "$T" <<-"EOF"
	import json, sys
	rows = [json.loads(l) for l in open(sys.argv[1])]
	t = sys.argv[2]
	by = {(r["status"], r["path"]): r for r in rows}
	ps = by[("changed", t + "/bin/ps")]
	assert "mode" in ps["fields"] and ps["old"]["mode"] == "0644" and ps["new"]["mode"] == "4644", ps
	assert ("added", t + "/etc/.hidden") in by
	assert ("removed", t + "/sub/deeper/file") in by
	assert by[("changed", t + "/sub/link")]["new"]["target"] == "../etc/passwd"
	EOF
'

test_expect_success 'a removed file with a hostile name is shown escaped' '
	rm "$T/$(printf "new\nline")" "$T/$(printf "esc\033[31mred\xff")" &&
	test_expect_code 1 "$STRANGER" verify "$DB" >"$TMP/v" &&
	no_control_bytes "$TMP/v" &&
	grep -qxF "removed: $T/new\\nline" "$TMP/v" &&
	grep -qxF "removed: $T/esc\\x1b[31mred\\xff" "$TMP/v"
'

test_expect_success 'baseline does not change access times' '
	mktree &&
	touch -a -d "2001-02-03 04:05:06" "$T/bin/login" "$T/sub" "$T/sub/deeper" &&
	before=$(stat -c "%X %x" "$T/bin/login" "$T/sub" "$T/sub/deeper") &&
	"$STRANGER" baseline -o "$DB" "$T" >/dev/null &&
	"$STRANGER" verify "$DB" >/dev/null &&
	after=$(stat -c "%X %x" "$T/bin/login" "$T/sub" "$T/sub/deeper") &&
	test "$before" = "$after" &&
	cat "$T/bin/login" >/dev/null &&
	ls "$T/sub" >/dev/null &&
	test "$before" != "$(stat -c "%X %x" "$T/bin/login" "$T/sub" "$T/sub/deeper")"
'

test_expect_success 'the DB inside the tree is not part of the tree' '
	mktree &&
	"$STRANGER" baseline -o "$T/etc/inside.db" "$T" >/dev/null &&
	! grep -q "^$T/etc/inside.db" "$T/etc/inside.db" &&
	cp "$T/etc/inside.db" "$T/copy.db" &&
	test_expect_code 1 "$STRANGER" verify "$T/etc/inside.db" >"$TMP/v" &&
	grep -qx "added: $T/copy.db" "$TMP/v" &&
	! grep -q "inside.db" "$TMP/v" &&
	rm "$T/copy.db" "$T/etc/inside.db"
'

test_expect_success '--exclude leaves paths out, and verify uses it again' '
	mktree &&
	"$STRANGER" baseline -o "$DB" --exclude "*.log" --exclude "$T/sub/deeper" "$T" >/dev/null &&
	grep -qx "#exclude \\*.log" "$DB" &&
	! grep -q "^$T/sub/deeper" "$DB" &&
	echo x >"$T/etc/new.log" && echo y >"$T/sub/deeper/more" &&
	test_expect_code 0 "$STRANGER" verify --ignore mtime,ctime,size "$DB" >"$TMP/v" &&
	grep -qx "[0-9]* paths checked: no change" "$TMP/v"
'

test_expect_success '-x stays on one file system; /proc and /sys are never walked' '
	mktree &&
	mkdir "$T/mnt" "$T/proc" "$T/sys" &&
	unshare -m sh -c "
		mount -t tmpfs none \"$T/mnt\" && echo inside >\"$T/mnt/file\" &&
		mount -t proc proc \"$T/proc\" && mount -t sysfs sys \"$T/sys\" &&
		\"$STRANGER\" baseline -o \"$TMP/x.db\" -x \"$T\" >/dev/null &&
		\"$STRANGER\" baseline -o \"$TMP/all.db\" \"$T\" >/dev/null" &&
	grep -q "^$T/mnt d " "$TMP/x.db" &&
	! grep -q "^$T/mnt/file " "$TMP/x.db" &&
	grep -q "^$T/mnt/file " "$TMP/all.db" &&
	! grep -q "^$T/proc" "$TMP/all.db" &&
	! grep -q "^$T/sys" "$TMP/all.db" &&
	grep -qx "#options one_fs=1" "$TMP/x.db"
'

test_expect_success 'a root that is a symlink is followed; a root that is gone is removed' '
	mktree &&
	ln -s tree "$TMP/alias" &&
	"$STRANGER" baseline -o "$TMP/alias.db" "$TMP/alias" >/dev/null &&
	grep -q "^$TMP/alias d " "$TMP/alias.db" &&
	grep -q "^$TMP/alias/bin/login f " "$TMP/alias.db" &&
	"$STRANGER" baseline -o "$TMP/file.db" "$TMP/alias/bin/login" >/dev/null &&
	test "$(grep -vc "^#" "$TMP/file.db")" = 1 &&
	mv "$T" "$TMP/moved" &&
	test_expect_code 1 "$STRANGER" verify "$TMP/alias.db" >"$TMP/v" &&
	test "$(grep -c "^removed: " "$TMP/v")" = "$(grep -vc "^#" "$TMP/alias.db")" &&
	mv "$TMP/moved" "$T"
'

test_expect_success 'a truncated DB is refused, naming the line' '
	mktree &&
	"$STRANGER" baseline -o "$DB" "$T" >/dev/null &&
	head -c -40 "$DB" >"$TMP/trunc.db" &&
	n=$(wc -l <"$TMP/trunc.db") &&
	test_expect_code 2 "$STRANGER" verify "$TMP/trunc.db" 2>"$TMP/err" &&
	grep -q "trunc.db:$((n + 1)): incomplete last line" "$TMP/err" &&
	head -n 5 "$DB" >"$TMP/trunc2.db" &&
	test_expect_code 2 "$STRANGER" verify "$TMP/trunc2.db" 2>"$TMP/err" &&
	grep -q "trunc2.db:5: no checksum line" "$TMP/err"
'

test_expect_success 'a DB edited by hand is refused' '
	sed "0,/ 0644 /s// 4755 /" "$DB" >"$TMP/edit.db" &&
	! cmp -s "$DB" "$TMP/edit.db" &&
	test_expect_code 2 "$STRANGER" verify "$TMP/edit.db" 2>"$TMP/err" &&
	grep -q "edit.db:$(wc -l <"$DB"): checksum does not match" "$TMP/err" &&
	sed -E "10s/^([^ ]*) [a-z] /\1 q /" "$DB" >"$TMP/bad.db" &&
	test_expect_code 2 "$STRANGER" verify "$TMP/bad.db" 2>"$TMP/err" &&
	grep -q "bad.db:10: bad type" "$TMP/err"
'

test_expect_success 'a damaged DB: every kind of bad line names its line' '
	z="$T/zz"
	while read -r why bad; do
		{ head -n 8 "$DB"; printf "%s\n" "$bad"; } >"$TMP/d.db" &&
		printf "#sha256 %s\n" "$(sha256sum <"$TMP/d.db" | cut -d" " -f1)" >>"$TMP/d.db" &&
		test_expect_code 2 "$STRANGER" verify "$TMP/d.db" 2>"$TMP/err" &&
		grep -q "d.db:9: $why" "$TMP/err" || { cat "$TMP/err"; return 1; }
	done <<-EOF
	expected x
	expected $z f 0644 0 0 1 2 1 1.000000000 1.000000000 -
	bad.sha256 $z f 0644 0 0 1 2 1 1.000000000 1.000000000 zz -
	bad.time $z f 0644 0 0 1 2 1 1.5 1.000000000 - -
	bad.path $z\\q f 0644 0 0 1 2 1 1.000000000 1.000000000 - -
	bad.target $z d 0644 0 0 1 2 1 1.000000000 1.000000000 - target
	bad.mode $z f 99999 0 0 1 2 1 1.000000000 1.000000000 - -
	bad.number $z f 0644 0 0 99999999999999999999999 2 1 1.000000000 1.000000000 - -
	out.of.order / d 0755 0 0 1 2 1 1.000000000 1.000000000 - -
	EOF
'

test_expect_success 'not a DB, an empty file, a missing file' '
	echo hello >"$TMP/no.db" &&
	test_expect_code 2 "$STRANGER" verify "$TMP/no.db" 2>"$TMP/err" &&
	grep -q "no.db:1:" "$TMP/err" &&
	: >"$TMP/empty.db" &&
	test_expect_code 2 "$STRANGER" verify "$TMP/empty.db" &&
	test_expect_code 2 "$STRANGER" verify "$TMP/none.db" 2>"$TMP/err" &&
	grep -q "No such file" "$TMP/err" &&
	head -c 100000 /dev/urandom >"$TMP/rand.db" &&
	test_expect_code 2 "$STRANGER" verify "$TMP/rand.db" 2>"$TMP/err" &&
	no_control_bytes "$TMP/err" &&
	grep -q "rand.db:1: not a stranger baseline" "$TMP/err" &&
	test_expect_code 2 timeout 20 "$STRANGER" verify /dev/zero 2>"$TMP/err" &&
	grep -q "/dev/zero:1: not a stranger baseline" "$TMP/err" &&
	{ printf "#stranger-baseline 1\n"; head -c 100000 /dev/zero | tr "\\0" x; printf "\n#sha256 00\n"; } >"$TMP/long.db" &&
	test_expect_code 2 "$STRANGER" verify "$TMP/long.db" 2>"$TMP/err" &&
	cat "$TMP/err"
'

test_expect_success 'progress on a terminal only' '
	mktree &&
	"$STRANGER" baseline -o "$TMP/p.db" "$T" >/dev/null 2>"$TMP/err" &&
	test_cmp /dev/null "$TMP/err" &&
	head -c 200000000 /dev/zero >"$T/big" &&
	script -qec "\"$STRANGER\" baseline -o \"$TMP/p.db\" \"$T\"" /dev/null >"$TMP/tty" &&
	grep -q "paths, " "$TMP/tty" &&
	rm "$T/big"
'

test_expect_success 'usage errors exit 2' '
	test_expect_code 2 "$STRANGER" baseline "$T" &&
	test_expect_code 2 "$STRANGER" baseline -o "$TMP/n.db" &&
	test_expect_code 2 "$STRANGER" baseline -o "$TMP/n.db" "$TMP/does-not-exist" &&
	test ! -e "$TMP/n.db" &&
	test_expect_code 2 "$STRANGER" verify &&
	test_expect_code 2 "$STRANGER" verify "$DB" "$DB" &&
	test_expect_code 2 "$STRANGER" verify --ignore bogus "$DB" &&
	test_expect_code 2 "$STRANGER" verify --from /tmp "$DB" &&
	test_expect_code 2 "$STRANGER" baseline -o "$TMP/no/such/dir/db" "$T"
'

test_expect_success 'a PATH that does not exist is named' '
	test_expect_code 2 "$STRANGER" baseline -o "$TMP/nx.db" "$TMP/nonexistent" 2>"$TMP/err" &&
	test "$(cat "$TMP/err")" = "stranger: baseline: $TMP/nonexistent: cannot record: No such file or directory" &&
	! ls "$TMP"/nx.db* 2>/dev/null
'

for sig in INT TERM HUP; do
test_expect_success "interrupted by SIG$sig: one line, exit 128+N, no DB and no temporary file" '
	mkdir -p "$TMP/i$sig"
	env --default-signal=$sig "$STRANGER" baseline -o "$TMP/i$sig/u.db" /usr >/dev/null 2>"$TMP/err" &
	b=$! &&
	sleep 1.5 && kill -$sig $b &&
	{ wait $b; rc=$?; } ;
	test "$rc" = $((128 + $(kill -l $sig))) &&
	test "$(cat "$TMP/err")" = "stranger: baseline: interrupted; no DB written" &&
	test -z "$(ls -A "$TMP/i$sig")"
'
done

test_expect_success 'signed: keygen, baseline --sign, verify --key; a forged DB with a recomputed checksum is refused' '
	mktree &&
	"$STRANGER" keygen -o "$TMP/site" >"$TMP/kg" &&
	test "$(stat -c %a "$TMP/site.key")" = 600 &&
	grep -q "BEGIN PUBLIC KEY" "$TMP/site.pub" &&
	test_expect_code 2 "$STRANGER" keygen -o "$TMP/site" 2>/dev/null &&
	"$STRANGER" baseline -o "$TMP/s.db" --sign "$TMP/site.key" "$T" >/dev/null &&
	grep -qE "^stranger-signature ed25519 [0-9a-f]{128}$" "$TMP/s.db.sig" &&
	test_expect_code 0 "$STRANGER" verify --key "$TMP/site.pub" "$TMP/s.db" >/dev/null &&
	python3 - "$TMP/s.db" <<-PY &&
	import hashlib, sys
	l = open(sys.argv[1]).read().split("\n")
	body = "\n".join(l[:-2]).replace(" 0644 ", " 4755 ", 1) + "\n"
	open(sys.argv[1], "w").write(body + "#sha256 " + hashlib.sha256(body.encode()).hexdigest() + "\n")
	PY
	test_expect_code 1 "$STRANGER" verify "$TMP/s.db" >/dev/null &&
	test_expect_code 2 "$STRANGER" verify --key "$TMP/site.pub" "$TMP/s.db" 2>"$TMP/err" &&
	grep -q "s.db: the signature does not match" "$TMP/err" &&
	"$STRANGER" keygen -o "$TMP/other" >/dev/null &&
	"$STRANGER" baseline -o "$TMP/s2.db" --sign "$TMP/site.key" "$T" >/dev/null &&
	test_expect_code 2 "$STRANGER" verify --key "$TMP/other.pub" "$TMP/s2.db" 2>/dev/null &&
	rm "$TMP/s2.db.sig" &&
	test_expect_code 2 "$STRANGER" verify --key "$TMP/site.pub" "$TMP/s2.db" 2>"$TMP/err" &&
	grep -q "unsigned" "$TMP/err" &&
	test_expect_code 2 "$STRANGER" baseline -o "$TMP/s3.db" --sign "$TMP/site.pub" "$T" 2>"$TMP/err" &&
	grep -q "not an Ed25519 private key" "$TMP/err" &&
	! ls "$TMP"/s3.db* 2>/dev/null
'

test_expect_success 'an unreadable file: a warning, recorded as ?, baseline goes on' '
	mktree &&
	printf secret >"$T/etc/shadow" && chmod 000 "$T/etc/shadow" &&
	chmod 755 "$TMP" && mkdir "$TMP/nb" && chown 65534:65534 "$TMP/nb" &&
	ud=$(user_copy "$STRANGER") &&
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$ud/stranger" baseline -o "$TMP/nb/nobody.db" "$T" >/dev/null 2>"$TMP/err" &&
	grep -q "warning: $T/etc/shadow: Permission denied" "$TMP/err" &&
	grep -q "^$T/etc/shadow f 0000 0 0 6 .* ? -\$" "$TMP/nb/nobody.db" &&
	chmod 700 "$TMP"
'

test_done
