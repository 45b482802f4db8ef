# demo step: stop it without telling it
step "stranger freeze $BACKDOOR_PID: stop every thread so it runs no further
   instruction.  The cgroup freezer sends no signal: neither the process
   nor its parent learns of it.  Later steps take its evidence frozen."
run "$STRANGER" freeze "$BACKDOOR_PID"
grep -E '^State' "/proc/$BACKDOOR_PID/status"
