#!/bin/bash
# bench/fleet.sh BUILD - a hunt of the test fleet (tests/fleet-lib.sh: three
# hosts, each its own network, PID, mount and UTS namespace with sshd; a
# backdoor on h1, a preloaded hider on h2, h3 clean), two ways in one run:
#
#   ansible-playbook contrib/ansible/hunt.yml  (forks: every host at once,
#                                               pipelining on)
#   by hand, host after host over ssh:          copy the binary (scp), check
#       its SHA-256, run ps --suspicious, hidden and verify --packages,
#       fetch the three outputs (scp), remove the folder
#
# Both run the same binary ($BUILD/stranger) and the same three commands;
# the outputs are checked to agree (the same hosts with findings).  Prints
# each way's wall time, the slowest host's time by hand, and the ratio
# (by hand / Ansible: above 1, Ansible is faster).  Needs root, ansible
# and openssh-server, like the test.
set -u
HERE=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-build}
case "$BUILD" in /*) ;; *) BUILD="$HERE/$BUILD" ;; esac
export BUILD
# the test harness's $TMP, fixture tracking and clean-up, then the fleet
. "$HERE/tests/lib.sh"
ROOT=$HERE
. "$ROOT/tests/fleet-lib.sh"
trap - EXIT
trap 'test_cleanup >/dev/null 2>&1' EXIT
PKGS=${BENCH_PKGS:-coreutils}

fail() { echo "bench/fleet.sh: $*" >&2; exit 1; }
why=$(fleet_supported) || fail "$why"
now() { date +%s.%N; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

fleet_control || fail "control namespace"
for n in 1 2 3; do fleet_host $n h$n || fail "host h$n"; done
mkdir -p "$TMP/intruder"
fixture_start BD fleet_run 1 "$FIXTURES/backdoor" -d "$TMP/intruder" -p 5120 -r "$TMP/ready"
wait_for_file "$TMP/ready" || fail "backdoor did not start"
fixture_start HIDER fleet_run 2 env LD_PRELOAD="$FIXTURES/libhider.so" HIDER_PIDS=1 sleep 100000
fleet_inventory "$TMP/inventory" h1 h2 h3

# Ansible
a=$(now)
fleet_ansible -f 3 -i "$TMP/inventory" "$ROOT/contrib/ansible/hunt.yml" \
	-e stranger_binary="$STRANGER" -e stranger_cases_dir="$TMP/ansible-cases" \
	-e "{\"stranger_verify_packages\": [\"$PKGS\"]}" >"$TMP/play.log" 2>&1
b=$(now)
ansible_wall=$(sub "$a" "$b")

# by hand
SSH="ssh -i $FLEET/id -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
SCP="scp -q -i $FLEET/id -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
want=$(sha256sum <"$STRANGER" | cut -d" " -f1)
slowest=0
a=$(now)
for n in 1 2 3; do
	h=root@192.168.77.$((10 + n))
	d="$TMP/hand-cases/h$n"
	mkdir -p "$d"
	ha=$(now)
	nsenter -t "$CTL" -n sh -c "
		t=\$($SSH $h mktemp -d -p $FLEET/remote-tmp) || exit 1
		$SCP '$STRANGER' $h:\$t/stranger &&
		test \"\$($SSH $h sha256sum \$t/stranger | cut -d' ' -f1)\" = $want &&
		$SSH $h \"cd \$t && ./stranger ps --suspicious --json >ps.jsonl; ./stranger hidden --json >hidden.jsonl; ./stranger verify --packages $PKGS --json >verify.jsonl; true\" &&
		$SCP $h:\$t/ps.jsonl $h:\$t/hidden.jsonl $h:\$t/verify.jsonl '$d/'
		$SSH $h rm -rf \$t" || fail "by hand: h$n"
	hb=$(now)
	slowest=$(awk -v s="$slowest" -v t="$(sub "$ha" "$hb")" 'BEGIN { print (t > s ? t : s) }')
done
b=$(now)
hand_wall=$(sub "$a" "$b")

# the same findings both ways
found() { for n in 1 2 3; do [ -s "$1/h$n/ps.jsonl" ] && grep -qv '"flags":\["listening"\]' "$1/h$n/ps.jsonl" && echo h$n; done; }
[ "$(found "$TMP/ansible-cases")" = "$(found "$TMP/hand-cases")" ] ||
	fail "the two hunts disagree: $(found "$TMP/ansible-cases") / $(found "$TMP/hand-cases")"
"$STRANGER" fleet "$TMP/ansible-cases"
echo
echo "fleet of 3 hosts, ps --suspicious + hidden + verify --packages $PKGS, load $(cut -d' ' -f1 /proc/loadavg)"
echo "ansible-playbook (3 forks, pipelining): ${ansible_wall} s"
echo "by hand over ssh, host after host:      ${hand_wall} s (slowest host ${slowest} s)"
awk -v h="$hand_wall" -v a="$ansible_wall" 'BEGIN { printf "by hand / ansible: %.2fx\n", h / a }'
