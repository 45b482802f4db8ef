# demo step: what the backdoor holds open
step "stranger lsof $BACKDOOR_PID: what does it hold?  Its deleted executable
   (txt ... (deleted)), a deleted log it keeps writing to, and the
   listening socket - the view of the article's Figure 2(b)."
run "$STRANGER" lsof "$BACKDOOR_PID"
