# demo/steps/80-verify.sh - sourced by demo/night.sh: check the system's
# files.  A baseline of a few system programs taken while they were good,
# then the intruder's trick: login replaced by a program of the same size,
# its modification time put back, so that `ls -l` shows nothing.

step "Check the system's files: take a baseline while they are known to be good"
mkdir -p "$WORK/sys/bin"
for f in /usr/bin/login /usr/bin/ps /usr/bin/ls /usr/bin/su; do
	[ -f "$f" ] && cp -p "$f" "$WORK/sys/bin/"
done
run "$STRANGER" baseline -o "$WORK/known-good.db" "$WORK/sys"
head -n 8 "$WORK/known-good.db" | cut -c1-110

step "The intruder replaces login: same size, modification time put back"
login="$WORK/sys/bin/login"
size=$(stat -c %s "$login")
mtime=$(stat -c %y "$login")
ls -l --time-style=full-iso "$login"
# the stand-in backdoor's bytes, cut or padded to login's size
head -c "$size" "$FIXTURES/backdoor" >"$WORK/fake-login"
truncate -s "$size" "$WORK/fake-login"
cat "$WORK/fake-login" >"$login"
touch -d "$mtime" "$login"
ls -l --time-style=full-iso "$login"

step "verify: size and mtime agree, the contents do not (ctime cannot be put back)"
run "$STRANGER" verify "$WORK/known-good.db"
run "$STRANGER" verify --ignore ctime --json "$WORK/known-good.db"

step "No baseline? Check installed packages against the package database (as debsums)"
run "$STRANGER" verify --packages coreutils login
