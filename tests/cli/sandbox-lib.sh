# sandbox-lib.sh - what the sandbox tests share (sourced after lib.sh).
#
# The sandboxed program runs as an unprivileged user outside, and the
# sandbox's /tmp is empty: what it runs and what it may touch is copied to
# $SB, a temp folder under /var/lib that every user can reach, removed at
# exit with everything else.

SB=$(mktemp -d /var/lib/stranger-sbtest.XXXXXX)
chmod 755 "$SB"
cp "$FIXTURES/escapee" "$SB/escapee"
chmod 755 "$SB/escapee"
trap 'rm -rf "$SB"; test_cleanup' EXIT

# no_sandbox_left - no cgroup of a sandbox stays behind
no_sandbox_left() {
	if ls -d /sys/fs/cgroup/*/stranger.sandbox.* /sys/fs/cgroup/stranger.sandbox.* 2>/dev/null | grep -q .; then
		echo "cgroups left behind:" >&2
		ls -d /sys/fs/cgroup/*/stranger.sandbox.* >&2
		return 1
	fi
}
