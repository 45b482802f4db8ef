#!/bin/bash
# bench/baseline.sh BUILD - baseline and verify against their peers, on the
# same input in one run:
#
#   stranger baseline DIR     vs  find DIR -type f | xargs sha256sum
#                             vs  aide --init -W NCPU (SHA-256 the only hash,
#                                 the same attributes as the baseline)
#   stranger verify DB        vs  aide --check -W NCPU
#   stranger verify --packages vs debsums -s   (same packages)
#
# DIR is /usr/lib (BENCH_DIR to change it); the packages are a fixed set of
# large essential ones (BENCH_PKGS to change them, "all" for every one).
# The cache is warmed first; each tool runs once.  The outputs are checked
# to agree: every SHA-256 the same as sha256sum's, the same number of
# entries as aide, no change found by either verify, the same package
# findings as debsums.
set -u
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
STRANGER="$BUILD/stranger"
DIR=${BENCH_DIR:-/usr/lib}
PKGS=${BENCH_PKGS:-"coreutils bash util-linux perl-base perl-modules-5.36 libc6 python3.11-minimal libpython3.11-stdlib gcc-12 cpp-12 binutils-x86-64-linux-gnu"}
NCPU=$(nproc)
W=$(mktemp -d /tmp/stranger-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT

fail() { echo "bench/baseline.sh: $*" >&2; exit 1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
# timed NAME CMD... - run CMD; NAME_wall and NAME_cpu (user+sys, children
# included) are set; CMD's exit status is NAME_rc
timed() {
	local name=$1 a b
	shift
	a=$(date +%s.%N)
	/usr/bin/time -f "%U %S" -o "$W/$name.time" "$@"
	eval "${name}_rc=$?"
	b=$(date +%s.%N)
	eval "${name}_wall=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", b - a }')"
	eval "${name}_cpu=$(awk '{ printf "%.2f", $1 + $2 }' "$W/$name.time")"
}
row() { # TITLE PEER OURS
	local pw pc ow oc
	eval "pw=\$${2}_wall pc=\$${2}_cpu ow=\$${3}_wall oc=\$${3}_cpu"
	printf '%-44s %8s %8s %6sx %8s %8s %6sx\n' "$1" "$pw" "$ow" "$(ratio "$pw" "$ow")" \
		"$pc" "$oc" "$(ratio "$pc" "$oc")"
}

for tool in aide sha256sum debsums; do
	command -v $tool >/dev/null || fail "$tool is not installed"
done

echo "warming the cache: $DIR"
"$STRANGER" baseline -o "$W/warm.db" "$DIR" >/dev/null 2>&1 || fail "warm-up failed"
rm -f "$W/warm.db"

# --- baseline ---
timed sb "$STRANGER" baseline -o "$W/s.db" "$DIR" >/dev/null 2>"$W/s.err"
[ "$sb_rc" = 0 ] || fail "stranger baseline failed"
timed sha sh -c 'find "$1" -type f -print0 | xargs -0 sha256sum' sh "$DIR" >"$W/sha.out" 2>/dev/null
cat >"$W/aide.conf" <<EOF
database_in=file:$W/aide.db
database_out=file:$W/aide.db
gzip_dbout=no
report_url=stdout
Same = ftype+p+i+n+u+g+s+m+c+l+sha256
$DIR\$ Same
$DIR/ Same
EOF
timed ai aide -c "$W/aide.conf" --init -W "$NCPU" >"$W/aide-init.out" 2>&1

# agreement: every regular file's SHA-256 as sha256sum computed it, and
# as many entries as aide recorded
python3 - "$W/s.db" "$W/sha.out" "$W/aide-init.out" <<'EOF' || fail "outputs disagree"
import re, sys
def unescape(s):
    out, i = bytearray(), 0
    while i < len(s):
        if s[i] == "\\":
            n = s[i + 1]
            if n == "x": out.append(int(s[i + 2:i + 4], 16)); i += 4; continue
            out += {"n": b"\n", "t": b"\t", "\\": b"\\"}[n]; i += 2; continue
        out += s[i].encode(); i += 1
    return bytes(out)
ours, n = {}, 0
for line in open(sys.argv[1], encoding="ascii"):
    if line.startswith("#"): continue
    f = line.split(" "); n += 1
    if f[1] == "f": ours[unescape(f[0])] = f[10]
theirs = {}
for line in open(sys.argv[2], "rb"):
    line = line.rstrip(b"\n")
    if line.startswith(b"\\"): continue       # names sha256sum had to escape
    h, p = line.split(b"  ", 1)
    theirs[p] = h.decode()
bad = [p for p, h in theirs.items() if ours.get(p) != h]
if bad or not theirs:
    sys.exit("sha256 differs for %d files, e.g. %r" % (len(bad), bad[:3]))
m = re.search(r"Number of entries:\s*(\d+)", open(sys.argv[3]).read())
if not m or int(m.group(1)) != n:
    sys.exit("aide has %s entries, stranger %d" % (m and m.group(1), n))
print("agree: %d SHA-256 sums with sha256sum, %d entries with aide" % (len(theirs), n))
EOF

# --- verify ---
# aide first: if something under DIR changes meanwhile, both see it
timed ac aide -c "$W/aide.conf" --check -W "$NCPU" >"$W/aide-check.out" 2>&1
timed sv "$STRANGER" verify "$W/s.db" >"$W/sv.out" 2>&1
if [ "$sv_rc" = 0 ] && [ "$ac_rc" = 0 ]; then
	echo "agree: neither verify nor aide --check finds a change"
elif [ "$sv_rc" = 1 ] && [ "$ac_rc" -gt 0 ] && [ "$ac_rc" -lt 8 ]; then
	echo "agree: both find changes under $DIR made during the run:"
	head -n 5 "$W/sv.out"
else
	sed -n '/^Summary/,/^---/p' "$W/aide-check.out" | head -n 20
	head -n 20 "$W/sv.out"
	fail "verify: stranger exit $sv_rc, aide exit $ac_rc"
fi

# --- packages ---
[ "$PKGS" = all ] && PKGS=
timed pk "$STRANGER" verify --packages --json $PKGS >"$W/p.out" 2>/dev/null
timed ds debsums -s $PKGS >/dev/null 2>"$W/d.err"
ours=$(grep -c '"conffile":false' "$W/p.out")
theirs=$(grep -c "changed file\|missing file" "$W/d.err")
[ "$ours" = "$theirs" ] || fail "packages: stranger found $ours, debsums $theirs"
echo "agree: $ours package file findings (debsums -s leaves conffiles out)"

echo
echo "seconds; wall clock, then CPU (user+sys); load average: $(cut -d" " -f1-3 /proc/loadavg)"
printf '%-44s %8s %8s %7s %8s %8s %7s\n' "comparison" "peer" "stranger" "ratio" "peer" "stranger" "ratio"
row "baseline $DIR vs find|xargs sha256sum" sha sb
row "baseline $DIR vs aide --init -W $NCPU" ai sb
row "verify vs aide --check -W $NCPU" ac sv
row "verify --packages vs debsums -s ($(echo "${PKGS:-all}" | wc -w) pkgs)" ds pk
