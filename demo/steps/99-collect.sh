# demo step (the last): the whole case in one command, and the page to read first
step "stranger collect: every step of this night in one command, in order of
   volatility, from this one binary, into one sealed case folder; then
   stranger report turns the folder into one page with the stranger on top.
   (The demo writes the case under /tmp, on the disk it reads, so it says
   --force-same-fs; on a real machine the case goes to other media.)"
DEMO_CASE=$(mktemp -d /tmp/stranger-case.XXXXXX)
rmdir "$DEMO_CASE"
run "$STRANGER" collect --profile quick --force-same-fs -o "$DEMO_CASE"
run "$STRANGER" report "$DEMO_CASE"
step "The case is kept: open $DEMO_CASE/report.html in a browser
   (sha256sum -c $DEMO_CASE/manifest.sha256 checks it; rm -rf it when done)."
