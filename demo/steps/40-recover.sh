# 40-recover.sh - sourced by demo/night.sh: bring back what the intruder
# deleted, without stopping it.
step "Recover the deleted executable and the deleted password log, sealed."
run "$STRANGER" recover "$BACKDOOR_PID" -o "$WORK/recover"
got=$(sha256sum <"$WORK/recover/exe" | cut -d' ' -f1)
echo "SHA-256 of the recovered exe:   $got"
echo "SHA-256 of the original binary: $BACKDOOR_SHA256"
if [ "$got" = "$BACKDOOR_SHA256" ]; then
	echo "=> the same program: recovered intact although its file is gone"
else
	echo "=> MISMATCH"
fi
for f in "$WORK"/recover/fd/*; do
	[ -f "$f" ] || continue
	echo "--- ${f#"$WORK"/recover/} (a deleted file it still holds open):"
	cat -v "$f"
done
step "Every file is in the manifest; sha256sum checks it, case.log says who, when, where."
(cd "$WORK/recover" && run sha256sum -c manifest.sha256)
sed -n '1,6p' "$WORK/recover/case.log"
