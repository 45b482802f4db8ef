# demo step (the last): the timeline of the night
step "stranger timeline: when did it all happen?  File times by statx (no
   access time changed), and what only the running machine remembers: the
   boot, the backdoor's start, its deleted executable and password log
   (their inode times, read through /proc/$BACKDOOR_PID), its listening
   socket, and the fake login it gave (the log's modification time).
   The same lines TSK's mactime -d -y prints, in UTC:"
printf '$ %s timeline --format=mactime %s | grep -e Date -e boot -e %s -e %s\n' \
	"$STRANGER" "$WORK/intruder" "$WORK/intruder" "$BACKDOOR_PID"
"$STRANGER" timeline --format=mactime "$WORK/intruder" 2>/dev/null |
	grep -e '^Date' -e ',boot,' -e "$WORK/intruder" -e " $BACKDOOR_PID " -e "by $BACKDOOR_PID "
echo "(the body file for TSK: $STRANGER timeline -o night.body; mactime -b night.body -d -y)"
