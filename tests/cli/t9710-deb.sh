#!/bin/bash
# make deb: a package that installs and removes cleanly and passes lintian;
# bash completion completes commands and options from the binary itself.
. "$(dirname "$0")/../lib.sh"

if ! command -v dpkg-deb >/dev/null || ! command -v dpkg-shlibdeps >/dev/null; then
	test_skip "make deb" "no dpkg-deb/dpkg-shlibdeps (dpkg-dev)"
	test_done
	exit
fi

test_expect_success 'the package builds' '
	(cd "$ROOT" && scripts/mkdeb.sh "$BUILD" "$TMP/deb") >"$TMP/path" &&
	deb=$(cat "$TMP/path") && test -f "$deb" &&
	dpkg-deb --contents "$deb" >"$TMP/contents" &&
	grep -q " ./usr/bin/stranger$" "$TMP/contents" &&
	grep -q " ./usr/share/man/man1/stranger.1.gz$" "$TMP/contents" &&
	grep -q " ./usr/share/bash-completion/completions/stranger$" "$TMP/contents" &&
	grep -q " ./usr/share/stranger/ansible/hunt.yml$" "$TMP/contents" &&
	grep -q " ./usr/share/stranger/ansible/roles/stranger_hunt/tasks/main.yml$" "$TMP/contents" &&
	! grep -v "^[-d]r[-w]xr-xr-x root/root \|^-rw-r--r-- root/root " "$TMP/contents" &&
	dpkg-deb --field "$deb" Depends | grep -q "libc6"
'

if command -v lintian >/dev/null; then
	test_expect_success 'lintian finds no error' '
		deb=$(cat "$TMP/path") &&
		lintian --allow-root "$deb" >"$TMP/lintian" 2>&1 || true
		cat "$TMP/lintian" &&
		! grep -q "^E: " "$TMP/lintian"
	'
else
	test_skip "lintian" "lintian is not installed"
fi

# dpkg installs into a root of its own, with a copy of this system's
# package database so that dependencies resolve: the system is not changed.
R="$TMP/root"
test_expect_success 'dpkg -i installs it (into a private root)' '
	mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates" &&
	cp /var/lib/dpkg/status "$R/var/lib/dpkg/status" && : >"$R/var/lib/dpkg/available" &&
	dpkg --root="$R" --log=/dev/null -i "$(cat "$TMP/path")" &&
	dpkg --root="$R" -s stranger | grep -q "^Status: install ok installed" &&
	"$R/usr/bin/stranger" --version | grep -q "^stranger [0-9]" &&
	zcat "$R/usr/share/man/man1/stranger.1.gz" | grep -q "^\.SH EXIT STATUS" &&
	"$R/usr/bin/stranger" fleet --help | grep -q "CASES_DIR"
'

# complete WORD... - what bash completes for the last word, one line
complete_words() {
	PATH="$R/usr/bin:$PATH" bash --norc --noprofile -c '
		. "$1"/usr/share/bash-completion/completions/stranger
		shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_stranger
		printf "%s\n" "${COMPREPLY[@]}"' sh "$R" "$@"
}

test_expect_success 'bash completion: commands, options, help CMD' '
	complete_words stranger fl >"$TMP/c1" && echo fleet >"$TMP/want" && test_cmp "$TMP/want" "$TMP/c1" &&
	complete_words stranger "" >"$TMP/c2" &&
	for c in ps lsof freeze thaw recover dump strings sdiff trace baseline verify hidden fleet; do
		grep -qx "$c" "$TMP/c2" || exit 1
	done &&
	complete_words stranger ps --s >"$TMP/c3" && echo --suspicious >"$TMP/want" && test_cmp "$TMP/want" "$TMP/c3" &&
	complete_words stranger hidden --o >"$TMP/c4" && echo --only >"$TMP/want" && test_cmp "$TMP/want" "$TMP/c4" &&
	complete_words stranger fleet -- >"$TMP/c5" && grep -qx -- --json "$TMP/c5" && grep -qx -- --all "$TMP/c5" &&
	complete_words stranger help hid >"$TMP/c6" && echo hidden >"$TMP/want" && test_cmp "$TMP/want" "$TMP/c6"
'

test_expect_success 'every option of every command completes' '
	PATH="$R/usr/bin:$PATH" bash --norc --noprofile -c "
		. \"\$1\"/usr/share/bash-completion/completions/stranger
		COMP_WORDS=(stranger \"\"); COMP_CWORD=1; _stranger
		for c in \"\${COMPREPLY[@]}\"; do
			case \$c in -*|help) continue ;; esac
			want=\$(stranger \"\$c\" --help 2>/dev/null |
				grep -oE \"^ +(-[a-zA-Z], )?--[a-z][-a-z0-9]*\" | grep -oE -- \"--[a-z][-a-z0-9]*\")
			COMP_WORDS=(stranger \"\$c\" --); COMP_CWORD=2; _stranger
			for o in \$want; do
				printf \"%s\\n\" \"\${COMPREPLY[@]}\" | grep -qx -- \"\$o\" ||
					{ echo \"\$c \$o does not complete\"; exit 1; }
			done
			echo \"\$c: \$(echo \$want | wc -w) options\"
		done" sh "$R"
'

test_expect_success 'dpkg -r removes every file it installed' '
	dpkg --root="$R" --log=/dev/null -r stranger &&
	! dpkg --root="$R" -s stranger 2>/dev/null | grep -q "^Status: install ok installed" &&
	test -z "$(find "$R/usr" -type f)"
'

test_done
