#!/bin/sh
# scripts/mkdeb.sh BUILD [OUTDIR] - a Debian package of stranger from BUILD/stranger:
# the binary (stripped), the manual page, bash completion, the Ansible role
# and playbook under /usr/share/stranger/ansible.  Dependencies come from
# dpkg-shlibdeps; the package is assembled by dpkg-deb, no debhelper.
# DEB_MAINTAINER names who builds it (Name <address>).
# Leaves OUTDIR (default BUILD/deb)/stranger_VERSION_ARCH.deb and prints
# its path.
set -eu
BUILD=${1:-build}
maint=${DEB_MAINTAINER:-stranger maintainers <stranger@stranger.example.org>}
year=$(date -u +%Y)
version=$(sed -n 's/^#define STRANGER_VERSION "\(.*\)"$/\1/p' src/version.h)
arch=$(dpkg --print-architecture)
out=${2:-$BUILD/deb}
root="$out/root"
rm -rf "$out"
mkdir -p "$root/DEBIAN" "$root/usr/bin" "$root/usr/share/man/man1" \
	"$root/usr/share/bash-completion/completions" "$root/usr/share/doc/stranger" \
	"$root/usr/share/stranger"

install -m 755 "$BUILD/stranger" "$root/usr/bin/stranger"
strip --remove-section=.comment --remove-section=.note --strip-unneeded \
	"$root/usr/bin/stranger"
gzip -9n <doc/stranger.1 >"$root/usr/share/man/man1/stranger.1.gz"
install -m 644 contrib/bash-completion/stranger \
	"$root/usr/share/bash-completion/completions/stranger"
cp -R contrib/ansible "$root/usr/share/stranger/ansible"
rm -rf "$root/usr/share/stranger/ansible/cases"

cat >"$root/usr/share/doc/stranger/copyright" <<EOC
stranger: live response for a Linux machine that has been broken into.

Copyright (C) $year the stranger authors.

The source of this package, its tests and its documentation are
distributed together with it; see /usr/share/doc/stranger/README.md.gz.
EOC
gzip -9n <README.md >"$root/usr/share/doc/stranger/README.md.gz"
date=$(date -u -R -d "@${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}")
cat >"$out/changelog" <<EOC
stranger ($version) unstable; urgency=medium

  * Release $version: see README.md.gz for what each command does.

 -- $maint  $date
EOC
gzip -9n <"$out/changelog" >"$root/usr/share/doc/stranger/changelog.gz"

# the libraries the binary links against, as package dependencies
mkdir -p "$out/debian"
printf 'Source: stranger\n\nPackage: stranger\nArchitecture: any\n' >"$out/debian/control"
depends=$(cd "$out" && dpkg-shlibdeps -O root/usr/bin/stranger 2>/dev/null |
	sed -n 's/^shlibs:Depends=//p')

find "$root" -type d -exec chmod 755 {} +
find "$root/usr/share" -type f -exec chmod 644 {} +
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat >"$root/DEBIAN/control" <<EOC
Package: stranger
Version: $version
Architecture: $arch
Maintainer: $maint
Installed-Size: $size
Depends: $depends
Section: admin
Priority: optional
Description: live response for a Linux machine that has been broken into
 One binary that finds out what an unknown program on a compromised host
 is, without destroying the evidence or warning its owner: processes and
 what they hold (read from the kernel's own interfaces, never the host's
 ps or lsof), freezing, recovering deleted executables, ELF core dumps,
 strings and their differences, system call tracing, file baselines,
 package verification and cross-checks for what a rootkit hides.
 .
 Includes bash completion and an Ansible playbook that hunts a whole fleet
 over SSH (stranger fleet puts every host's findings in one table).
EOC
(cd "$root" && find usr -type f -exec md5sum {} + | sort -k2) >"$root/DEBIAN/md5sums"
chmod 644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"
deb="$out/stranger_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
