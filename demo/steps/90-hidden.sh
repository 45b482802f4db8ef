# demo step: the machine lies - ask each question several ways
step "stranger hidden: a compromised machine lies.  Ask it the same questions
   several ways - the raw /proc listing against probing every PID, the
   socket tables against binding every port, /proc/modules against
   /sys/module and kallsyms, and look for forced libraries.  Anything
   listed here is seen by some views and not by others."
run "$STRANGER" hidden

step "Now a userland rootkit: a preloaded library that hides the backdoor
   (PID $BACKDOOR_PID) from readdir(), as libprocesshider does.  Under it,
   ls /proc no longer shows the backdoor:"
printf '$ HIDER_PIDS=%s LD_PRELOAD=%s ls /proc | grep -cx %s\n' \
	"$BACKDOOR_PID" "$FIXTURES/libhider.so" "$BACKDOOR_PID"
HIDER_PIDS=$BACKDOOR_PID LD_PRELOAD=$FIXTURES/libhider.so ls /proc | grep -cx "$BACKDOOR_PID"

step "stranger, even when the same library is forced into it, reads /proc
   with the getdents64 system call and still sees PID $BACKDOOR_PID; with
   --tools it runs the host's own ps and ls and names what they leave out."
printf '$ HIDER_PIDS=%s LD_PRELOAD=%s %s hidden --tools --only processes\n' \
	"$BACKDOOR_PID" "$FIXTURES/libhider.so" "$STRANGER"
HIDER_PIDS=$BACKDOOR_PID LD_PRELOAD=$FIXTURES/libhider.so \
	ASAN_OPTIONS=verify_asan_link_order=0 "$STRANGER" hidden --tools --only processes
echo "(exit $?)"
