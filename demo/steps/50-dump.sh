# 50-dump.sh - sourced by demo/night.sh: the frozen backdoor's memory and
# registers as a core file, and gdb reading its secret from it.
step "Dump the frozen backdoor's memory and registers: a core gdb loads."
if "$STRANGER" freeze "$BACKDOOR_PID" >"$WORK/freeze.out" 2>&1; then
	cat "$WORK/freeze.out"
else
	echo "(already frozen: $(cat "$WORK/freeze.out"))"
fi
run "$STRANGER" dump "$BACKDOOR_PID" -o "$WORK/dump"
(cd "$WORK/dump" && run sha256sum -c manifest.sha256)
step "gdb, with the recovered executable, reads the secret from the core."
exe="$WORK/recover/exe"
[ -f "$exe" ] || exe="$FIXTURES/backdoor"
run gdb -nx -batch -ex 'info threads' -ex bt -ex 'x/s secret' "$exe" "$WORK/dump/core" 2>&1 |
	grep -v '^\[\|^Using host\|No such file or directory\|^warning: Can.t open file\|^$'
step "The backdoor is still frozen: the dump ran none of its code."
cg=$(sed -n 's/^0:://p' "/proc/$BACKDOOR_PID/cgroup")
v2=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
if [ -n "$v2" ] && [ -r "$v2$cg/cgroup.events" ] && grep -q '^frozen 1' "$v2$cg/cgroup.events"; then
	echo "cgroup $cg: frozen 1"
else
	grep '^State' "/proc/$BACKDOOR_PID/status"
fi
"$STRANGER" freeze "$BACKDOOR_PID" 2>&1 | sed 's/^/(freeze again) /'
