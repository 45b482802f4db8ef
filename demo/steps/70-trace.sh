# 70-trace.sh - watch it: the article's wiretap on the backdoor.
# (sourced by demo/night.sh: STRANGER, WORK, BACKDOOR_PID, BACKDOOR_PORT)

step "Watch it: wiretap the backdoor's reads, as the article did with strace -e read=N"
# a frozen process makes no calls to watch: thaw it first (a no-op if it runs)
"$STRANGER" thaw "$BACKDOOR_PID" >/dev/null 2>&1 || true
printf '$ %s\n' "stranger trace -p $BACKDOOR_PID -f -e trace=%network,read,write -e read=all -o $WORK/trace.out &"
"$STRANGER" trace -p "$BACKDOOR_PID" -f -e trace=%network,read,write -e read=all \
	-o "$WORK/trace.out" 2>"$WORK/trace.err" &
TRACER=$!
for _ in $(seq 100); do grep -q attached "$WORK/trace.err" 2>/dev/null && break; sleep 0.05; done
cat "$WORK/trace.err"

echo "# an intruder logs in to the backdoor"
{
	exec 3<>"/dev/tcp/127.0.0.1/$BACKDOOR_PORT" &&
		printf 'intruder\ns3cr3t-passw0rd\n' >&3 &&
		timeout 2 cat <&3 >/dev/null
	exec 3<&-
} 2>/dev/null
for _ in $(seq 100); do grep -q '"Last login' "$WORK/trace.out" 2>/dev/null && break; sleep 0.05; done

echo "# Ctrl-C: the tracer detaches and leaves the backdoor running"
kill -INT "$TRACER"
wait "$TRACER"
echo "(tracer exit $?)"
printf '$ %s\n' "grep -E -A1 'accept|read\(' $WORK/trace.out | head -7"
grep -E -A1 'accept|read\(' "$WORK/trace.out" | head -n 7
echo "# every byte it read, put back together from the hex dumps:"
# (the backdoor reads one byte per call: one dump line each)
typed=$(sed -n 's/^.* | 00000  \([0-9a-f][0-9a-f]\)  .*$/\\x\1/p' "$WORK/trace.out" | tr -d '\n')
printf "$typed" | tr '\n' ' '
echo
printf "$typed" | grep -q 's3cr3t-passw0rd' &&
	echo "# the password went past in cleartext: s3cr3t-passw0rd"
