# demo step: look at every process, and at the suspicious ones
step "stranger ps --suspicious: which processes should a responder look at?
   The backdoor calls itself <defunct>, but its executable is gone
   (exe_deleted), its name is not its program's (name_mismatch) and it
   listens on a port (listening)."
run "$STRANGER" ps --suspicious
