#!/bin/bash
# The command table: help, --help for every command, --version, errors.
. "$(dirname "$0")/../lib.sh"

test_expect_success '--version' '
	"$STRANGER" --version >"$TMP/v" &&
	grep -qE "^stranger [0-9]+\.[0-9]+\.[0-9]+$" "$TMP/v"
'

test_expect_success 'help lists commands; every command has --help' '
	"$STRANGER" help >"$TMP/help" &&
	awk "/^commands:/ {on=1; next} on && !NF {exit} on {print \$1}" "$TMP/help" >"$TMP/cmds" &&
	test $(wc -l <"$TMP/cmds") -ge 4 &&
	while read -r c; do
		"$STRANGER" "$c" --help >"$TMP/h.$c" || { echo "$c --help failed"; exit 1; }
		grep -q "^usage: stranger $c" "$TMP/h.$c" || { echo "$c: no usage"; exit 1; }
		"$STRANGER" help "$c" | cmp -s - "$TMP/h.$c" || { echo "help $c differs"; exit 1; }
	done <"$TMP/cmds"
'

test_expect_success 'no command, unknown command, unknown option: exit 2' '
	test_expect_code 2 "$STRANGER" 2>/dev/null &&
	test_expect_code 2 "$STRANGER" frobnicate 2>"$TMP/e" &&
	test $(wc -l <"$TMP/e") = 1 &&
	grep -q "^stranger: unknown command .frobnicate.; try .stranger help.$" "$TMP/e" &&
	test_expect_code 2 "$STRANGER" "$(printf "evil\033[2J")" 2>"$TMP/e4" &&
	no_control_bytes "$TMP/e4" &&
	test_expect_code 2 "$STRANGER" ps --frobnicate 2>"$TMP/e2" &&
	grep -q "unknown option" "$TMP/e2"
'

test_expect_success 'a closed stdout is an error, not silence' '
	test_expect_code 2 "$STRANGER" ps >/dev/full 2>"$TMP/e3" &&
	grep -q "write error" "$TMP/e3"
'

test_done
