#!/bin/bash
# fleet: a hunt with Ansible over SSH across a fleet of test hosts, each its
# own network, PID, mount and UTS namespace with Debian's sshd (see
# tests/fleet-lib.sh): a backdoor planted on h1, a preloaded hider on h2,
# nothing on h3, h4's sshd stopped, and h5 given one second for its hunt.
# `stranger fleet` must name exactly h1 and h2, say h4 is unreachable and h5
# timed out, and the hosts keep nothing of the hunt.
#
# The hosts run the binary under test ($BUILD/stranger, dynamically linked:
# they share this machine's libraries); a real fleet gets `make static`'s.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/fleet-lib.sh"

if ! why=$(fleet_supported); then
	test_skip "fleet hunt over ssh" "$why"
	test_done
	exit
fi

fleet_control || { echo "Bail out! control namespace"; exit 1; }
for n in 1 2 3 4 5; do
	fleet_host $n h$n || { echo "Bail out! host h$n"; exit 1; }
done
mkdir -p "$TMP/intruder"
fixture_start BD fleet_run 1 "$FIXTURES/backdoor" -d "$TMP/intruder" -p 5120 -r "$TMP/ready"
wait_for_file "$TMP/ready"
fixture_start HIDER fleet_run 2 env LD_PRELOAD="$FIXTURES/libhider.so" HIDER_PIDS=1 sleep 100000
fleet_stop_sshd 4
# h5's hunt checks every package, which takes far longer than its budget
ONE="stranger_verify_packages=\"['coreutils']\""
fleet_inventory "$TMP/inventory" "h1:$ONE" "h2:$ONE" "h3:$ONE" "h4:$ONE" \
	"h5:stranger_verify_packages=\"[]\" stranger_budget=1 stranger_poll=1"
CASES="$TMP/cases"

test_expect_success 'each host is its own machine: hostname, network, sshd' '
	for n in 1 2 3; do
		test "$(fleet_run $n hostname)" = "h$n" || exit 1
	done &&
	test "$(readlink /proc/$HOST_1_INIT/ns/net)" != "$(readlink /proc/$HOST_2_INIT/ns/net)" &&
	test "$(readlink /proc/$HOST_1_INIT/ns/pid)" != "$(readlink /proc/self/ns/pid)" &&
	test "$(uname -n)" != h1
'

test_expect_success 'ansible-playbook hunts every host; h4 and h5 do not stop it' '
	fleet_ansible -f 6 -i "$TMP/inventory" "$ROOT/contrib/ansible/hunt.yml" \
		-e stranger_binary="$STRANGER" -e stranger_cases_dir="$CASES" \
		>"$TMP/play.log" 2>&1 || { tail -n 30 "$TMP/play.log"; true; }
	for n in 1 2 3 4; do
		test -s "$CASES/h$n/status.json" || { tail -n 40 "$TMP/play.log"; exit 1; }
	done &&
	for n in 1 2 3; do
		grep -q "\"status\": \"ok\"" "$CASES/h$n/status.json" || { cat "$CASES/h$n/status.json"; exit 1; }
		for s in ps hidden verify; do test -f "$CASES/h$n/$s.jsonl" || exit 1; done
	done &&
	grep -q "\"status\": \"unreachable\"" "$CASES/h4/status.json" &&
	! test -e "$CASES/h4/ps.jsonl" &&
	grep -q "\"status\": \"timeout\"" "$CASES/h5/status.json"
'

test_expect_success 'the binary ran as shipped: SHA-256 recorded both sides' '
	want=$(sha256sum <"$STRANGER" | cut -d" " -f1) &&
	grep -q "\"binary_sha256\": \"$want\", \"host_binary_sha256\": \"$want\"" "$CASES/h1/status.json"
'

test_expect_success 'nothing is left on the hosts; the hunt on h5 was stopped' '
	test -z "$(ls -A "$FLEET/remote-tmp")" &&
	ns=$(readlink /proc/$HOST_5_INIT/ns/pid) &&
	for p in /proc/[0-9]*; do
		[ "$(readlink $p/ns/pid 2>/dev/null)" = "$ns" ] || continue
		! grep -qx stranger $p/comm 2>/dev/null || { echo "still running: $p"; exit 1; }
	done
'

test_expect_success 'fleet names exactly the two planted hosts, backdoor first' '
	test_expect_code 1 "$STRANGER" fleet "$CASES" >"$TMP/table" 2>"$TMP/err" &&
	cat "$TMP/table" &&
	no_control_bytes "$TMP/table" &&
	sed -n 2p "$TMP/table" | grep -q "^h1 .*exe_deleted.*tcp:127.0.0.1:5120 .*<defunct>" &&
	awk "NR > 1 && /^\$/ { exit } NR > 1 { print \$1 }" "$TMP/table" | sort -u >"$TMP/hosts" &&
	printf "h1\nh2\n" >"$TMP/want" && test_cmp "$TMP/want" "$TMP/hosts" &&
	grep -q "^h2 .*preload" "$TMP/table" &&
	grep -q "^h3  *ok  *0 -$" "$TMP/table" &&
	grep -q "^h4  *unreachable  *0 unreachable: .*192.168.77.14" "$TMP/table" &&
	grep -q "^h5  *timeout  *0 timeout: async task did not complete" "$TMP/table" &&
	grep -q "^stranger: fleet: warning: h4: not fully checked" "$TMP/err" &&
	grep -q "^stranger: fleet: warning: h5: not fully checked" "$TMP/err" &&
	grep -q "^stranger: fleet: warning: 2 of 5 hosts not fully checked" "$TMP/err"
'

test_expect_success 'fleet --json: a host field on every line' '
	test_expect_code 1 "$STRANGER" fleet --json "$CASES" >"$TMP/json" 2>/dev/null &&
	valid_json_lines "$TMP/json" &&
	python3 - "$TMP/json" <<-\EOP
	import json, sys
	rows = [json.loads(l) for l in open(sys.argv[1])]
	assert all("host" in r for r in rows)
	found = {r["host"] for r in rows if r["type"] == "finding"}
	assert found == {"h1", "h2"}, found
	bd = [r for r in rows if r["host"] == "h1" and r["type"] == "finding"][0]
	assert "exe_deleted" in bd["flags"] and "tcp:127.0.0.1:5120" in bd["listening"], bd
	hosts = {r["host"]: r for r in rows if r["type"] == "host"}
	assert hosts["h3"]["checked"] and hosts["h3"]["findings"] == 0
	assert hosts["h4"]["status"] == "unreachable" and not hosts["h4"]["checked"]
	assert hosts["h5"]["status"] == "timeout" and not hosts["h5"]["checked"]
	EOP
'

test_done
