#!/bin/sh
# Install the Debian packages stranger needs to build, test and benchmark,
# if any is missing.  Runs apt-get only when something is missing, and only
# as root; otherwise it says what to install.
set -e
need="gcc make clang clang-format libc6-dev libssl-dev libseccomp-dev libcmocka-dev
libelf-dev libarchive-dev libzstd-dev liblz4-dev libacl1-dev libxml2-dev libicu-dev nettle-dev libbz2-dev
liblzma-dev zlib1g-dev libbpf-dev bpftool binutils gdb lsof strace
sleuthkit unhide debsums aide iproute2 procps python3 hyperfine time patch bc
bubblewrap chromium openssh-server openssh-client systemd-journal-remote
ansible dpkg-dev lintian"
missing=
for p in $need; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
	echo "stranger: missing packages:$missing (install them as root)" >&2
	exit 2
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
