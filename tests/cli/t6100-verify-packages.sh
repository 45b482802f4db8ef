#!/bin/bash
# verify --packages: installed packages' files against the package database
# (as debsums does, and compared with it) and against real .deb archives.
# The changes are made in a copy of the system tree and of its package
# database under $TMP (--root), never on the host.
. "$(dirname "$0")/../lib.sh"

umask 022
DL="$TMP/dl"
R="$TMP/root"
PKGS="hostname adduser"

# get_debs - the real .deb of each package in $PKGS, of the installed version
get_debs() {
	mkdir -p "$DL" &&
	(cd "$DL" && apt-get download $PKGS >/dev/null 2>&1)
	for p in $PKGS; do
		ls "$DL/${p}"_*.deb >/dev/null 2>&1 && continue
		v=$(dpkg-query -W -f='${Version}' "$p" | sed 's/:/%3a/')
		cp /var/cache/apt/archives/"${p}_${v}"_*.deb "$DL/" 2>/dev/null ||
			{ echo "cannot get a .deb of $p" >&2; return 1; }
	done
}

# mkroot - unpack the .debs into $R with a package database that says they
# are installed, as dpkg would have left it
mkroot() {
	rm -rf "$R" "$TMP/ctl"
	mkdir -p "$R/var/lib/dpkg/info" "$R/etc/dpkg/dpkg.cfg.d" "$TMP/ctl"
	: >"$R/var/lib/dpkg/status"
	for d in "$DL"/*.deb; do
		pkg=$(dpkg-deb -f "$d" Package)
		dpkg-deb -x "$d" "$R" &&
		dpkg-deb -e "$d" "$TMP/ctl/$pkg" &&
		cp "$TMP/ctl/$pkg/md5sums" "$R/var/lib/dpkg/info/$pkg.md5sums" &&
		dpkg-deb --fsys-tarfile "$d" | tar t |
			sed 's|^\./$|/.|; s|^\./|/|; s|/$||' >"$R/var/lib/dpkg/info/$pkg.list" &&
		{
			dpkg-deb -f "$d" Package Version Architecture Multi-Arch Maintainer
			echo "Status: install ok installed"
			if [ -s "$TMP/ctl/$pkg/conffiles" ]; then
				echo "Conffiles:"
				while read -r c; do
					echo " $c $(md5sum <"$R$c" | cut -d" " -f1)"
				done <"$TMP/ctl/$pkg/conffiles"
			fi
			printf "Description: "
			dpkg-deb -f "$d" Description
			echo
		} >>"$R/var/lib/dpkg/status" || return 1
	done
}

# same_as_debsums - stranger's findings on $R are exactly debsums -ac's
same_as_debsums() {
	set +e
	"$STRANGER" verify --packages --root "$R" "$@" >"$TMP/s.out" 2>"$TMP/s.err"
	src=$?
	debsums -ac --root="$R" "$@" >"$TMP/d.out" 2>"$TMP/d.err"
	set -e
	[ "$src" = 0 ] || [ "$src" = 1 ] || { cat "$TMP/s.err"; return 1; }
	sed -n "s|^changed: [^ ]* md5 |$R|p" "$TMP/s.out" | sort >"$TMP/s.changed"
	sort "$TMP/d.out" >"$TMP/d.changed"
	sed -n "s|^missing: [^ ]* |$R|p" "$TMP/s.out" | sort >"$TMP/s.missing"
	sed -n 's/^debsums: missing file \(.*\) (from .*/\1/p' "$TMP/d.err" | sort >"$TMP/d.missing"
	test_cmp "$TMP/d.changed" "$TMP/s.changed" &&
	test_cmp "$TMP/d.missing" "$TMP/s.missing"
}

test_expect_success 'set-up: real .debs of installed packages, unpacked into a root' '
	get_debs && mkroot &&
	test -x "$R/bin/hostname" && test -f "$R/etc/adduser.conf"
'

test_expect_success 'clean packages pass, as with debsums' '
	test_expect_code 0 "$STRANGER" verify --packages --root "$R" >"$TMP/out" &&
	echo "2 package(s) checked: no change" >"$TMP/want" &&
	test_cmp "$TMP/want" "$TMP/out" &&
	test_expect_code 0 "$STRANGER" verify --packages --root "$R" hostname &&
	same_as_debsums
'

test_expect_success 'a replaced binary, a removed file, an edited conffile' '
	size=$(stat -c %s "$R/bin/hostname") &&
	head -c "$size" /dev/zero >"$R/bin/hostname" &&
	rm "$R/usr/share/man/man1/hostname.1.gz" &&
	echo "# changed" >>"$R/etc/adduser.conf" &&
	test_expect_code 1 "$STRANGER" verify --packages --root "$R" >"$TMP/out" &&
	cat >"$TMP/want" <<-EOF &&
	changed: adduser md5 /etc/adduser.conf
	changed: hostname md5 /bin/hostname
	missing: hostname /usr/share/man/man1/hostname.1.gz
	EOF
	test_cmp "$TMP/want" "$TMP/out" &&
	same_as_debsums && same_as_debsums hostname
'

test_expect_success '--json: one object per finding' '
	test_expect_code 1 "$STRANGER" verify --packages --json --root "$R" >"$TMP/j" &&
	valid_json_lines "$TMP/j" &&
	test "$(wc -l <"$TMP/j")" = 3 &&
	grep -q "\"status\":\"changed\",\"package\":\"adduser\",\"path\":\"/etc/adduser.conf\",\"conffile\":true" "$TMP/j" &&
	want=$(grep "  bin/hostname\$" "$R/var/lib/dpkg/info/hostname.md5sums" | cut -c1-32) &&
	grep -q "\"expected_md5\":\"$want\",\"actual_md5\":\"$(md5sum <"$R/bin/hostname" | cut -c1-32)\"" "$TMP/j"
'

test_expect_success '--from: the .deb contents, not the host database, decide' '
	test_expect_code 1 "$STRANGER" verify --packages --root "$R" --from "$DL" >"$TMP/out" &&
	cat >"$TMP/want" <<-EOF &&
	changed: adduser sha256 /etc/adduser.conf
	changed: hostname sha256 /bin/hostname
	missing: hostname /usr/share/man/man1/hostname.1.gz
	EOF
	test_cmp "$TMP/want" "$TMP/out" &&
	mkroot &&
	test_expect_code 0 "$STRANGER" verify --packages --root "$R" --from "$DL"
'

test_expect_success '--from sees what rewritten md5sums hide: content, mode, symlinks' '
	printf "#!/bin/sh\necho pwned\n" >"$R/bin/hostname" &&
	chmod 4755 "$R/bin/hostname" &&
	md5=$(md5sum <"$R/bin/hostname" | cut -d" " -f1) &&
	sed -i "s|^[0-9a-f]*  bin/hostname\$|$md5  bin/hostname|" \
		"$R/var/lib/dpkg/info/hostname.md5sums" &&
	ln -sfn /bin/sh "$R/bin/domainname" &&
	test_expect_code 0 "$STRANGER" verify --packages --root "$R" hostname &&
	test_expect_code 1 "$STRANGER" verify --packages --root "$R" --from "$DL" hostname >"$TMP/out" &&
	cat >"$TMP/want" <<-EOF &&
	changed: hostname target /bin/domainname
	changed: hostname sha256,mode /bin/hostname
	EOF
	test_cmp "$TMP/want" "$TMP/out" &&
	test_expect_code 1 "$STRANGER" verify --packages --json --root "$R" --from "$DL" hostname >"$TMP/j" &&
	valid_json_lines "$TMP/j" &&
	grep -q "\"expected_mode\":\"0755\",\"actual_mode\":\"4755\"" "$TMP/j" &&
	grep -q "\"expected_target\":\"hostname\",\"actual_target\":\"/bin/sh\"" "$TMP/j"
'

test_expect_success 'dpkg path-exclude: files dpkg did not install are not missing' '
	mkroot &&
	printf "path-exclude=/usr/share/doc/*\npath-include=/usr/share/doc/*/copyright\npath-exclude /usr/share/man/*\n" \
		>"$R/etc/dpkg/dpkg.cfg.d/excludes" &&
	rm -r "$R/usr/share/doc/hostname" "$R/usr/share/man" &&
	test_expect_code 1 "$STRANGER" verify --packages --root "$R" hostname >"$TMP/out" &&
	echo "missing: hostname /usr/share/doc/hostname/copyright" >"$TMP/want" &&
	test_cmp "$TMP/want" "$TMP/out" &&
	same_as_debsums hostname &&
	test_expect_code 1 "$STRANGER" verify --packages --root "$R" --from "$DL" hostname >"$TMP/out" &&
	test_cmp "$TMP/want" "$TMP/out"
'

test_expect_success 'a diverted file is checked where dpkg moved it' '
	mkroot &&
	printf "/bin/hostname\n/bin/hostname.distrib\nsome-wrapper\n" >"$R/var/lib/dpkg/diversions" &&
	mv "$R/bin/hostname" "$R/bin/hostname.distrib" &&
	printf "#!/bin/sh\necho local\n" >"$R/bin/hostname" &&
	test_expect_code 0 "$STRANGER" verify --packages --root "$R" hostname &&
	test_expect_code 0 "$STRANGER" verify --packages --root "$R" --from "$DL" hostname &&
	same_as_debsums hostname &&
	echo x >>"$R/bin/hostname.distrib" &&
	test_expect_code 1 "$STRANGER" verify --packages --root "$R" hostname >"$TMP/out" &&
	echo "changed: hostname md5 /bin/hostname.distrib" >"$TMP/want" &&
	test_cmp "$TMP/want" "$TMP/out" &&
	test_expect_code 1 "$STRANGER" verify --packages --json --root "$R" --from "$DL" hostname >"$TMP/j" &&
	grep -q "\"path\":\"/bin/hostname.distrib\",\"diverted_from\":\"/bin/hostname\"" "$TMP/j" &&
	# a local diversion (":") moves the file just the same
	printf "/bin/hostname\n/bin/hostname.distrib\n:\n" >"$R/var/lib/dpkg/diversions" &&
	test_expect_code 1 "$STRANGER" verify --packages --root "$R" hostname >"$TMP/out" &&
	test_cmp "$TMP/want" "$TMP/out"
'

test_expect_success 'an absolute symlink in the tree does not lead out of the root' '
	mkroot &&
	ln -sfn /etc/passwd "$R/usr/share/doc/hostname/copyright" &&
	test_expect_code 1 "$STRANGER" verify --packages --root "$R" hostname >"$TMP/out" &&
	echo "missing: hostname /usr/share/doc/hostname/copyright" >"$TMP/want" &&
	test_cmp "$TMP/want" "$TMP/out" &&
	same_as_debsums hostname
'

test_expect_success 'unknown package, missing database, bad folder: exit 2' '
	mkroot &&
	test_expect_code 2 "$STRANGER" verify --packages --root "$R" no-such-package 2>"$TMP/err" &&
	grep -q "unknown package .no-such-package." "$TMP/err" &&
	test_expect_code 2 "$STRANGER" verify --packages --root "$TMP/nowhere" &&
	test_expect_code 2 "$STRANGER" verify --packages --root "$R" --from "$TMP/nowhere" &&
	mkdir "$TMP/empty" &&
	test_expect_code 2 "$STRANGER" verify --packages --root "$R" --from "$TMP/empty" hostname 2>"$TMP/err" &&
	grep -q "hostname: no .deb of version" "$TMP/err" &&
	test_expect_code 2 "$STRANGER" verify --packages --ignore mode --root "$R"
'

test_expect_success 'damaged .deb archives: a warning and exit 2, never a crash' '
	mkdir -p "$TMP/bad" &&
	for d in "$DL"/*.deb; do
		head -c 2000 "$d" >"$TMP/bad/$(basename "$d")" || return 1
	done &&
	test_expect_code 2 "$STRANGER" verify --packages --root "$R" --from "$TMP/bad" hostname 2>"$TMP/err" &&
	no_control_bytes "$TMP/err" &&
	head -c 100000 /dev/urandom >"$TMP/bad/hostname_0_amd64.deb" &&
	for d in "$DL"/*.deb; do
		cp "$d" "$TMP/bad/" && printf garbage | dd of="$TMP/bad/$(basename "$d")" \
			bs=1 seek=3000 conv=notrunc 2>/dev/null || return 1
	done &&
	test_expect_code 2 "$STRANGER" verify --packages --root "$R" --from "$TMP/bad" 2>"$TMP/err" &&
	grep -q "warning" "$TMP/err"
'

test_expect_success 'a damaged package database: the good entries are still checked' '
	mkroot &&
	printf "garbage line\n\n" >>"$R/var/lib/dpkg/status" &&
	printf "not a sum\n0123  short\n" >>"$R/var/lib/dpkg/info/hostname.md5sums" &&
	echo x >>"$R/bin/hostname" &&
	test_expect_code 1 "$STRANGER" verify --packages --root "$R" >"$TMP/out" 2>"$TMP/err" &&
	echo "changed: hostname md5 /bin/hostname" >"$TMP/want" &&
	test_cmp "$TMP/want" "$TMP/out" &&
	grep -q "damaged line" "$TMP/err"
'

test_expect_success 'too few .debs: a warning naming how many, exit 3 (incomplete)' '
	mkroot &&
	mkdir -p "$TMP/few" && cp "$DL"/hostname_*.deb "$TMP/few/" &&
	test_expect_code 3 "$STRANGER" verify --packages --root "$R" --from "$TMP/few" >"$TMP/out" 2>"$TMP/err" &&
	grep -q "warning: 1 package(s) have no matching .deb in the folder, not checked" "$TMP/err" &&
	grep -q "warning: incomplete: 1 of 2 package(s) and 0 file(s) not checked" "$TMP/err" &&
	test_cmp /dev/null "$TMP/out" &&
	echo x >>"$R/bin/hostname" &&
	test_expect_code 1 "$STRANGER" verify --packages --root "$R" --from "$TMP/few" >/dev/null 2>&1
'

test_expect_success 'a status file of garbage: exit 2, not "0 packages, clean"' '
	mkroot &&
	head -c 5000 /dev/urandom | tr -d "\n" >"$R/var/lib/dpkg/status" &&
	test_expect_code 2 "$STRANGER" verify --packages --root "$R" 2>"$TMP/err" &&
	grep -q "no package in it" "$TMP/err" &&
	no_control_bytes "$TMP/err" &&
	: >"$R/var/lib/dpkg/status" &&
	test_expect_code 2 "$STRANGER" verify --packages --root "$R"
'

test_expect_success 'a .deb cut short is "damaged .deb"' '
	mkroot &&
	mkdir -p "$TMP/cut" &&
	for d in "$DL"/hostname_*.deb; do head -c 1024 "$d" >"$TMP/cut/$(basename "$d")"; done &&
	test_expect_code 2 "$STRANGER" verify --packages --root "$R" --from "$TMP/cut" hostname 2>"$TMP/err" &&
	cat "$TMP/err" &&
	grep -q "damaged .deb" "$TMP/err"
'

test_expect_success 'on this host: the same findings as debsums, and --from agrees' '
	set +e
	"$STRANGER" verify --packages $PKGS >"$TMP/s.out"
	debsums -ac $PKGS >"$TMP/d.out" 2>"$TMP/d.err"
	"$STRANGER" verify --packages --from "$DL" $PKGS >"$TMP/f.out"
	rc=$?
	set -e
	test "$rc" -lt 2 &&
	sed -n "s|^changed: [^ ]* md5 ||p" "$TMP/s.out" | sort >"$TMP/a" &&
	sort "$TMP/d.out" >"$TMP/b" &&
	test_cmp "$TMP/b" "$TMP/a" &&
	sed -n "s|^changed: [^ ]* [a-z0-9,]* ||p" "$TMP/f.out" | sort >"$TMP/c" &&
	test_cmp "$TMP/b" "$TMP/c"
'

test_done
