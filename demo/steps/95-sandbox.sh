# 95-sandbox.sh - sourced by demo/night.sh: run the recovered program in a
# throw-away copy of this machine and see what it does there.
# ---------------------------------------------------------------------
step "The article's advice: run the unknown program somewhere it can do no
   harm, and watch.  stranger sandbox runs the executable recovered in step
   40 in a throw-away copy of this machine: the host's files read-only
   under a fresh layer, its own PID, user and network namespaces, root
   inside is nobody outside, seccomp, cgroup limits, every connection
   caught by a sinkhole, and the trace running outside where it cannot be
   killed.  Inside, a client connects to the port it opens."
# The sandbox's /tmp is empty: what runs inside goes where every user can
# reach it, and is removed at the end of this step.
SBDEMO=$(mktemp -d /var/lib/stranger-demo.XXXXXX)
chmod 755 "$SBDEMO"
install -m 755 "$WORK/recover/exe" "$SBDEMO/suspect"
install -m 755 "$FIXTURES/escapee" "$SBDEMO/client"
run "$STRANGER" sandbox --timeout 20 -o "$WORK/sandbox" -- /bin/sh -c \
	"$SBDEMO/suspect -d /tmp -p 5120 -r /tmp/ready & while [ ! -s /tmp/ready ]; do sleep 0.05; done; $SBDEMO/client connect 127.0.0.1 5120 resolve evil.example.com 80; kill \$!"
rm -rf "$SBDEMO"
step "The report: the copy renames itself and listens on 5120; the client's
   login reaches it (the wiretap); the name it resolves is answered by the
   sinkhole and the connection recorded; nothing left the machine."
grep -E 'execve "/tmp/in.telnetd"|^listening|AF_INET 127.0.0.1 port 5120$|^conversations|accepted$|connected$|^    (->|<-) ' \
	"$WORK/sandbox/report.txt"
sed -n '/^  sinkhole/,/^$/p' "$WORK/sandbox/report.txt"
(cd "$WORK/sandbox" && run sha256sum -c --quiet manifest.sha256)
